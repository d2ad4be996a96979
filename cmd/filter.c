/* filter.c - timeline's event filters over the base table ev (see filter.h). */
#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlfn.h"

int ct_filter_init(struct ct_filter *f, int argc)
{
	memset(f, 0, sizeof(*f));
	f->ro = -1;
	struct ct_filter_list *l[] = {&f->akey,   &f->principal, &f->ip,      &f->event,
				      &f->source, &f->region,    &f->account, &f->where};
	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		if (!(l[i]->v = calloc((size_t)argc + 1, sizeof(char *)))) {
			ct_filter_free(f);
			return -1;
		}
	}
	return 0;
}

void ct_filter_free(struct ct_filter *f)
{
	free(f->akey.v);
	free(f->principal.v);
	free(f->ip.v);
	free(f->event.v);
	free(f->source.v);
	free(f->region.v);
	free(f->account.v);
	free(f->where.v);
	memset(f, 0, sizeof(*f));
}

static int push(struct ct_filter_list *l, const char *v)
{
	l->v[l->n++] = v;
	return 1;
}

int ct_filter_option(struct ct_filter *f, int c, const char *arg)
{
	switch (c) {
	case CT_FOPT_SINCE:
	case CT_FOPT_UNTIL: {
		int64_t ms;
		if (ct_time_parse_arg(arg, ct_time_now_ms(), &ms) < 0) {
			ct_cli_error("--%s: cannot read '%s' as a time (ISO-8601 such as 2024-03-12T10:00:00Z, "
				     "epoch seconds, or a time ago such as 90m, 24h, 7d)",
				     c == CT_FOPT_SINCE ? "since" : "until", arg);
			return -CT_EXIT_USAGE;
		}
		if (c == CT_FOPT_SINCE) {
			f->has_since = true;
			f->since = ms;
		} else {
			f->has_until = true;
			f->until = ms;
		}
		return 1;
	}
	case CT_FOPT_AKEY: return push(&f->akey, arg);
	case CT_FOPT_PRINCIPAL: return push(&f->principal, arg);
	case CT_FOPT_IP: {
		struct ct_cidr cidr;
		if (ct_cidr_parse(arg, &cidr) < 0) {
			ct_cli_error("--ip: '%s' is not an IP address or a CIDR (10.0.0.5, 10.0.0.0/8, 2001:db8::/32)",
				     arg);
			return -CT_EXIT_USAGE;
		}
		return push(&f->ip, arg);
	}
	case CT_FOPT_EVENT: return push(&f->event, arg);
	case CT_FOPT_SOURCE: return push(&f->source, arg);
	case CT_FOPT_REGION: return push(&f->region, arg);
	case CT_FOPT_ACCOUNT: return push(&f->account, arg);
	case CT_FOPT_ERRORS: f->errors = true; return 1;
	case CT_FOPT_RO: f->ro = 1; return 1;
	case CT_FOPT_NO_RO: f->ro = 0; return 1;
	case 'w': return push(&f->where, arg);
	default: return 0;
	}
}

bool ct_sql_expr_ok(const char *p)
{
	int depth = 0;
	while (*p) {
		char c = *p;
		if (c == '\'' || c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : c;
			for (p++; *p; p++) {
				if (*p == close) {
					if (close != ']' && p[1] == close) {
						p++;
						continue;
					}
					break;
				}
			}
			if (!*p)
				return false;
		} else if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		} else if (c == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (!e)
				return false;
			p = e + 1;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth < 0)
				return false;
		} else if (c == ';') {
			return false;
		}
		p++;
	}
	return depth == 0;
}

int ct_filter_check(const struct ct_filter *f, sqlite3 *db, struct ct_sql_guard *g, const char *cmd)
{
	if (f->has_since && f->has_until && f->since > f->until) {
		ct_cli_error("--since is after --until: nothing can match");
		return CT_EXIT_USAGE;
	}
	const struct ct_filter_list *re[] = {&f->event, &f->source};
	const char *ren[] = {"--event", "--source"};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < re[k]->n; i++) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, "SELECT regexp(?, '')", -1, &st, NULL) != SQLITE_OK) {
				ct_cli_error("%s: %s", cmd, sqlite3_errmsg(db));
				return CT_EXIT_SYSTEM;
			}
			sqlite3_bind_text(st, 1, re[k]->v[i], -1, SQLITE_STATIC);
			int rc = sqlite3_step(st);
			if (rc != SQLITE_ROW) {
				ct_cli_error("%s '%s': %s", ren[k], re[k]->v[i], sqlite3_errmsg(db));
				sqlite3_finalize(st);
				return CT_EXIT_USAGE;
			}
			sqlite3_finalize(st);
		}
	}
	char msg[1200];
	for (int i = 0; i < f->where.n; i++) {
		if (!ct_sql_expr_ok(f->where.v[i])) {
			ct_cli_error("%s: --where '%s': not one SQL expression (unbalanced parentheses, "
				     "an unclosed quote or comment, or ';')",
				     cmd, f->where.v[i]);
			return CT_EXIT_USAGE;
		}
		char *sql = sqlite3_mprintf("SELECT 1 FROM events WHERE (\n%s\n)", f->where.v[i]);
		sqlite3_stmt *st = NULL;
		if (!sql) {
			ct_cli_error("out of memory");
			return CT_EXIT_SYSTEM;
		}
		int rc = ct_sql_guard_prepare(db, g, sql, &st, NULL, msg, sizeof(msg));
		sqlite3_free(sql);
		sqlite3_finalize(st);
		if (rc < 0) {
			ct_cli_error("%s: --where '%s': %s", cmd, f->where.v[i], msg);
			return CT_EXIT_QUERY;
		}
	}
	return 0;
}

/* "(SELECT id FROM strs WHERE s = 'a')" or "... s IN ('a', 'b')" */
static void strs_ids(sqlite3_str *s, const struct ct_filter_list *l)
{
	sqlite3_str_appendall(s, "(SELECT id FROM strs WHERE s ");
	if (l->n == 1) {
		sqlite3_str_appendf(s, "= %Q)", l->v[0]);
		return;
	}
	sqlite3_str_appendall(s, "IN (");
	for (int i = 0; i < l->n; i++)
		sqlite3_str_appendf(s, "%s%Q", i ? ", " : "", l->v[i]);
	sqlite3_str_appendall(s, "))");
}

static void dict_match(sqlite3_str *s, const char *col, const struct ct_filter_list *l)
{
	sqlite3_str_appendf(s, " AND e.%s %s ", col, l->n == 1 ? "=" : "IN");
	strs_ids(s, l);
}

/* Event names and sources live in the small dictionary `names`: the
 * regexps run once per distinct name, not once per event. */
static void regexp_any(sqlite3_str *s, const char *col, const struct ct_filter_list *l)
{
	sqlite3_str_appendf(s, " AND %s IN (SELECT id FROM names WHERE ", col);
	for (int i = 0; i < l->n; i++)
		sqlite3_str_appendf(s, "%ss REGEXP %Q", i ? " OR " : "", l->v[i]);
	sqlite3_str_appendall(s, ")");
}

static bool ip_is_bare(const char *v)
{
	struct ct_cidr c;
	/* IPv6 has many spellings of one address: matched by value instead */
	return !strchr(v, '/') && ct_cidr_parse(v, &c) == 0 && c.family == CT_IP_V4;
}

void ct_filter_sql(const struct ct_filter *f, sqlite3_str *s)
{
	if (f->has_since)
		sqlite3_str_appendf(s, " AND e.ts >= %lld", (long long)f->since);
	if (f->has_until)
		sqlite3_str_appendf(s, " AND e.ts <= %lld", (long long)f->until);
	if (f->akey.n)
		dict_match(s, "akey", &f->akey);
	if (f->account.n)
		dict_match(s, "acct", &f->account);
	if (f->region.n)
		dict_match(s, "region", &f->region);
	if (f->ip.n == 1 && ip_is_bare(f->ip.v[0])) {
		dict_match(s, "ip", &f->ip);
	} else if (f->ip.n) {
		sqlite3_str_appendall(s, " AND e.ip IN (SELECT id FROM strs WHERE ");
		for (int i = 0; i < f->ip.n; i++)
			sqlite3_str_appendf(s, "%scidr_match(s, %Q)", i ? " OR " : "", f->ip.v[i]);
		sqlite3_str_appendall(s, ")");
	}
	if (f->principal.n) {
		const char *c[] = {"iarn", "uname", "siarn", "siname"};
		sqlite3_str_appendall(s, " AND (");
		for (int i = 0; i < 4; i++) {
			sqlite3_str_appendf(s, "%se.%s IN ", i ? " OR " : "", c[i]);
			strs_ids(s, &f->principal);
		}
		sqlite3_str_appendall(s, ")");
	}
	if (f->event.n)
		regexp_any(s, "e.ename", &f->event);
	if (f->source.n)
		regexp_any(s, "e.esrc", &f->source);
	if (f->errors)
		sqlite3_str_appendall(s, " AND (e.ecode IS NOT NULL OR e.emsg IS NOT NULL)");
	if (f->ro >= 0)
		sqlite3_str_appendf(s, " AND e.ro = %d", f->ro);
	for (int i = 0; i < f->where.n; i++)
		sqlite3_str_appendf(s, " AND (\n%s\n)", f->where.v[i]);
}

bool ct_filter_needs_view(const struct ct_filter *f)
{
	return f->where.n > 0;
}
