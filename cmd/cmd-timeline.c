/* cmd-timeline.c - ctscan timeline: events, and with --flows VPC flow
 * records, in time order.
 *
 * Each source (events, flows) is two queries.  The key query runs over the
 * base table (ev, flow_rows) with every filter that its columns can answer
 * and returns (id, time) in time order: equality on a dictionary id is an
 * index lookup that keeps the time order (ev_akey, ev_ip), a time range
 * uses ev_ts, an unfiltered timeline scans ev_ts; IN lists (several keys,
 * a CIDR) make SQLite sort the matching (id, time) pairs, never whole rows.
 * The window query (see "running" below) turns those keys into rows of the
 * events or flows view, so that --where and --columns speak the views'
 * column names.  The two sources are merged here on (time, kind, id).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "filter.h"
#include "output.h"
#include "sqlfn.h"

struct list {
	const char **v;
	int n;
};

struct tl {
	struct list akey, principal, ip, event, source, region, account, where, flow_where;
	bool has_since, has_until;
	int64_t since, until;
	bool errors;
	int ro; /* -1 either, 0 or 1 */
	bool flows;
	const char *columns;
	enum ct_format fmt;
	long long limit; /* -1: no limit */
};

/* ---- the columns ---- */

/* identity: the user name; ROLE/SESSION for an assumed role; the service
 * for an AWS service; else whatever names the caller. */
#define IDENTITY_SQL                                                                                                   \
	"CASE"                                                                                                         \
	" WHEN events.identity_type = 'AssumedRole' AND instr(events.identity_arn, ':assumed-role/')"                  \
	"  THEN substr(events.identity_arn, instr(events.identity_arn, ':assumed-role/') + 14)"                        \
	" WHEN events.identity_type = 'FederatedUser' AND instr(events.identity_arn, ':federated-user/')"              \
	"  THEN 'federated/' || substr(events.identity_arn, instr(events.identity_arn, ':federated-user/') + 16)"      \
	" WHEN events.identity_type = 'Root' THEN 'root'"                                                              \
	" WHEN events.identity_type = 'AWSService' THEN coalesce(events.invoked_by, 'AWSService')"                     \
	" ELSE coalesce(events.user_name, events.session_issuer_user_name, events.invoked_by,"                         \
	"  events.identity_arn, events.identity_principal_id, events.identity_account_id) END"

#define SERVICE_SQL                                                                                                    \
	"CASE WHEN events.event_source LIKE '%.amazonaws.com'"                                                         \
	" THEN substr(events.event_source, 1, length(events.event_source) - 14)"                                       \
	" ELSE events.event_source END"

/* detail: one line about the request for common events, computed at
 * ingest (lib/detail.c) and kept in the index */

/* flows: "10.0.5.17:49152 -> 198.51.100.23:443 tcp 5242880 bytes 3600 packets" */
static const char flow_detail_sql[] =
	"CASE WHEN flows.srcaddr IS NULL AND flows.dstaddr IS NULL THEN flows.log_status ELSE"
	" coalesce(flows.srcaddr, '-') || coalesce(':' || flows.srcport, '')"
	" || ' -> ' || coalesce(flows.dstaddr, '-') || coalesce(':' || flows.dstport, '')"
	" || coalesce(' ' || CASE flows.protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' WHEN 1 THEN 'icmp'"
	"  WHEN 58 THEN 'icmpv6' ELSE 'proto-' || flows.protocol END, '')"
	" || coalesce(' ' || flows.bytes || ' bytes', '') || coalesce(' ' || flows.packets || ' packets', '')"
	" || coalesce(' ' || flows.reject_reason, '') END";

/* The timeline's own columns: name, event expression, flow expression. */
static const char *const tl_cols[][3] = {
	{"kind", "'event'", "'flow'"},
	{"time", "ts_iso(events.event_ts)", "ts_iso(flows.start)"},
	{"account", "events.recipient_account_id", "flows.account_id"},
	{"region", "events.aws_region", "flows.region"},
	{"identity", IDENTITY_SQL, "flows.interface_id"},
	{"access_key", "events.access_key_id", "NULL"},
	{"source_ip", "events.source_ip_address", "flows.srcaddr"},
	{"service", SERVICE_SQL, "'vpcflow'"},
	{"event", "events.event_name", "coalesce(flows.action, flows.log_status)"},
	{"error", "events.error_code", "NULL"},
	{"detail", "events.detail", flow_detail_sql},
	{"event_id", "events.event_id", "NULL"},
};
#define TL_NCOLS (sizeof(tl_cols) / sizeof(tl_cols[0]))

static const char *const default_cols = "time,account,region,identity,access_key,source_ip,service,event,error,detail";

struct outcol {
	char *name;
	char *ev;   /* expression in the events statement */
	char *flow; /* expression in the flows statement */
};

/* Column names of a view ("SELECT * FROM view LIMIT 0"), NULL-terminated. */
static char **view_columns(sqlite3 *db, const char *view)
{
	char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" LIMIT 0", view);
	sqlite3_stmt *st = NULL;
	int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return calloc(1, sizeof(char *)); /* no such view: no columns */
	int n = sqlite3_column_count(st);
	char **v = calloc((size_t)n + 1, sizeof(*v));
	for (int i = 0; v && i < n; i++)
		v[i] = strdup(sqlite3_column_name(st, i));
	sqlite3_finalize(st);
	return v;
}

static bool has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The flow record as a JSON object of its present fields, with the AWS
 * field names (start and end in epoch seconds, as in the logs): what -o raw
 * prints for a flow, which has no stored verbatim line. */
static char *flow_json_sql(char *const *fcols)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	sqlite3_str_appendall(s, "json_patch(json_patch('{}', json_object(");
	int n = 0;
	for (size_t i = 0; fcols[i]; i++) {
		const char *c = fcols[i];
		if (!strcmp(c, "id") || !strcmp(c, "start_time") || !strcmp(c, "end_time") || !strcmp(c, "extra") ||
		    !strcmp(c, "source_id") || !strcmp(c, "source_line"))
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%s", c);
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = '-';
		if (!strcmp(c, "start") || !strcmp(c, "end"))
			sqlite3_str_appendf(s, "%s%Q, flows.\"%w\" / 1000", n++ ? ", " : "", name, c);
		else
			sqlite3_str_appendf(s, "%s%Q, flows.\"%w\"", n++ ? ", " : "", name, c);
	}
	sqlite3_str_appendall(s, ")), coalesce(json(flows.extra), '{}'))");
	return sqlite3_str_finish(s);
}

static int add_col(struct outcol *cols, int *n, const char *name, const char *ev, const char *flow)
{
	cols[*n].name = strdup(name);
	cols[*n].ev = strdup(ev);
	cols[*n].flow = strdup(flow);
	if (!cols[*n].name || !cols[*n].ev || !cols[*n].flow)
		return -1;
	(*n)++;
	return 0;
}

/* Resolves the output columns; returns their number, or -1 (usage error
 * printed) or -2 (out of memory). */
static int resolve_columns(sqlite3 *db, const struct tl *o, struct outcol **ret)
{
	char **ecols = view_columns(db, "events");
	char **fcols = view_columns(db, "flows");
	const char *list = o->columns;
	char defbuf[256];
	int n = 0, rc = -2;
	char *dup = NULL;
	struct outcol *cols = NULL;
	if (!ecols || !fcols)
		goto out;
	if (o->fmt == CT_FMT_RAW) {
		char *fj = flow_json_sql(fcols);
		cols = calloc(1, sizeof(*cols));
		if (fj && cols && add_col(cols, &n, "_raw", "events.raw", fj) == 0)
			rc = n;
		sqlite3_free(fj);
		goto out;
	}
	if (!list) {
		bool machine = o->fmt == CT_FMT_JSON || o->fmt == CT_FMT_NDJSON || o->fmt == CT_FMT_CSV ||
			       o->fmt == CT_FMT_TSV;
		snprintf(defbuf, sizeof(defbuf), "%s%s%s", o->flows ? "time,kind" : "time", default_cols + 4,
			 machine ? ",event_id" : "");
		list = defbuf;
	}
	if (!(dup = strdup(list)))
		goto out;
	cols = calloc(strlen(list) / 2 + 2, sizeof(*cols));
	if (!cols)
		goto out;
	char *save = NULL;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*t))
			t++;
		size_t l = strlen(t);
		while (l && isspace((unsigned char)t[l - 1]))
			t[--l] = 0;
		if (!*t)
			continue;
		size_t k;
		for (k = 0; k < TL_NCOLS; k++)
			if (strcmp(tl_cols[k][0], t) == 0)
				break;
		int r;
		if (k < TL_NCOLS) {
			r = add_col(cols, &n, t, tl_cols[k][1], tl_cols[k][2]);
		} else if (has(ecols, t) || (o->flows && has(fcols, t))) {
			char *e = has(ecols, t) ? sqlite3_mprintf("events.\"%w\"", t) : sqlite3_mprintf("NULL");
			char *f = has(fcols, t) ? sqlite3_mprintf("flows.\"%w\"", t) : sqlite3_mprintf("NULL");
			r = e && f ? add_col(cols, &n, t, e, f) : -1;
			sqlite3_free(e);
			sqlite3_free(f);
		} else {
			ct_cli_error("timeline: unknown column '%s' (timeline columns: kind, time, account, region, "
				     "identity, access_key, source_ip, service, event, error, detail, event_id; or a "
				     "column of the %s view, see ctscan-schema(5))",
				     t, o->flows ? "events or flows" : "events");
			rc = -1;
			goto out;
		}
		if (r < 0)
			goto out;
	}
	if (n == 0) {
		ct_cli_error("timeline: --columns names no column");
		rc = -1;
		goto out;
	}
	rc = n;
out:
	free(dup);
	free_strv(ecols);
	free_strv(fcols);
	if (rc < 0) {
		for (int i = 0; cols && i < n; i++) {
			free(cols[i].name);
			free(cols[i].ev);
			free(cols[i].flow);
		}
		free(cols);
		cols = NULL;
	}
	*ret = cols;
	return rc;
}

/* ---- the filters ---- */

/* "(SELECT id FROM strs WHERE s = 'a')" or "... s IN ('a', 'b')" */
static void strs_ids(sqlite3_str *s, const struct list *l)
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

/* e.COL = (one id) or e.COL IN (ids) */
static void dict_match(sqlite3_str *s, const char *col, const struct list *l)
{
	sqlite3_str_appendf(s, " AND e.%s %s ", col, l->n == 1 ? "=" : "IN");
	strs_ids(s, l);
}

/* Event names and sources live in the small dictionary `names`: the
 * regexps run once per distinct name, not once per event. */
static void regexp_any(sqlite3_str *s, const char *col, const struct list *l)
{
	sqlite3_str_appendf(s, " AND e.%s IN (SELECT id FROM names WHERE ", col);
	for (int i = 0; i < l->n; i++)
		sqlite3_str_appendf(s, "%ss REGEXP %Q", i ? " OR " : "", l->v[i]);
	sqlite3_str_appendall(s, ")");
}

static bool ip_is_bare(const char *v, int family)
{
	struct ct_cidr c;
	return !strchr(v, '/') && ct_cidr_parse(v, &c) == 0 && c.family == family;
}

/* The key query of events: "SELECT id, ts, blk FROM ev WHERE <filters>
 * ORDER BY ts, id", every filter on the base table's own columns (blk
 * NULL unless by_block). */
static char *events_key_sql(const struct tl *o, bool by_block)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	/* the block only when it orders the window: without it the ev_ts
	 * index alone answers */
	sqlite3_str_appendf(s, "SELECT e.id, e.ts, %s FROM ev e WHERE 1", by_block ? "e.blk" : "NULL");
	if (o->has_since)
		sqlite3_str_appendf(s, " AND e.ts >= %lld", (long long)o->since);
	if (o->has_until)
		sqlite3_str_appendf(s, " AND e.ts <= %lld", (long long)o->until);
	if (o->akey.n)
		dict_match(s, "akey", &o->akey);
	if (o->account.n)
		dict_match(s, "acct", &o->account);
	if (o->region.n)
		dict_match(s, "region", &o->region);
	if (o->ip.n == 1 && ip_is_bare(o->ip.v[0], CT_IP_V4)) {
		dict_match(s, "ip", &o->ip);
	} else if (o->ip.n) {
		sqlite3_str_appendall(s, " AND e.ip IN (SELECT id FROM strs WHERE ");
		for (int i = 0; i < o->ip.n; i++)
			sqlite3_str_appendf(s, "%scidr_match(s, %Q)", i ? " OR " : "", o->ip.v[i]);
		sqlite3_str_appendall(s, ")");
	}
	if (o->principal.n) {
		const char *c[] = {"iarn", "uname", "siarn", "siname"};
		sqlite3_str_appendall(s, " AND (");
		for (int i = 0; i < 4; i++) {
			sqlite3_str_appendf(s, "%se.%s IN ", i ? " OR " : "", c[i]);
			strs_ids(s, &o->principal);
		}
		sqlite3_str_appendall(s, ")");
	}
	if (o->event.n)
		regexp_any(s, "ename", &o->event);
	if (o->source.n)
		regexp_any(s, "esrc", &o->source);
	if (o->errors)
		sqlite3_str_appendall(s, " AND (e.ecode IS NOT NULL OR e.emsg IS NOT NULL)");
	if (o->ro >= 0)
		sqlite3_str_appendf(s, " AND e.ro = %d", o->ro);
	sqlite3_str_appendall(s, " ORDER BY e.ts, e.id");
	return sqlite3_str_finish(s);
}

/* The key query of flows. */
static char *flows_key_sql(const struct tl *o)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	sqlite3_str_appendall(s, "SELECT f.id, f.start, NULL FROM flow_rows f WHERE 1");
	if (o->has_since)
		sqlite3_str_appendf(s, " AND f.start >= %lld", (long long)o->since);
	if (o->has_until)
		sqlite3_str_appendf(s, " AND f.start <= %lld", (long long)o->until);
	if (o->account.n) {
		sqlite3_str_appendall(s, " AND f.account_id IN (");
		for (int i = 0; i < o->account.n; i++)
			sqlite3_str_appendf(s, "%s%Q", i ? ", " : "", o->account.v[i]);
		sqlite3_str_appendall(s, ")");
	}
	if (o->region.n) { /* only where the log has the field */
		sqlite3_str_appendall(s, " AND (f.region IS NULL OR f.region IN (");
		for (int i = 0; i < o->region.n; i++)
			sqlite3_str_appendf(s, "%s%Q", i ? ", " : "", o->region.v[i]);
		sqlite3_str_appendall(s, "))");
	}
	if (o->ip.n) {
		sqlite3_str_appendall(s, " AND (");
		for (int i = 0; i < o->ip.n; i++) {
			const char *v = o->ip.v[i];
			if (ip_is_bare(v, CT_IP_V4))
				sqlite3_str_appendf(s, "%sf.srcaddr = %Q OR f.dstaddr = %Q", i ? " OR " : "", v, v);
			else
				sqlite3_str_appendf(s, "%scidr_match(f.srcaddr, %Q) OR cidr_match(f.dstaddr, %Q)",
						    i ? " OR " : "", v, v);
		}
		sqlite3_str_appendall(s, ")");
	}
	sqlite3_str_appendall(s, " ORDER BY f.start, f.id");
	return sqlite3_str_finish(s);
}

/* The window query: the output columns of the keys in the window table,
 * read in id order (the order records are stored in), handed out in
 * time order (seq). */
static char *window_sql(const char *table, const char *view, const struct outcol *cols, int ncols, bool flow,
			const struct list *where)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	sqlite3_str_appendall(s, "SELECT w.ts, w.id");
	for (int i = 0; i < ncols; i++)
		sqlite3_str_appendf(s, ",\n  %s AS \"%w\"", flow ? cols[i].flow : cols[i].ev, cols[i].name);
	sqlite3_str_appendf(s, "\nFROM temp.%s AS w CROSS JOIN %s ON %s.id = w.id", table, view, view);
	for (int i = 0; i < where->n; i++)
		sqlite3_str_appendf(s, "\n%s (\n%s\n)", i ? "AND" : "WHERE", where->v[i]);
	sqlite3_str_appendall(s, "\nORDER BY w.seq");
	return sqlite3_str_finish(s);
}

/* Checks each --where (or --flow-where) alone against its view. */
static int check_where(sqlite3 *db, struct ct_sql_guard *g, const char *opt, const char *view, const struct list *l)
{
	char msg[1200];
	for (int i = 0; i < l->n; i++) {
		if (!ct_sql_expr_ok(l->v[i])) {
			ct_cli_error("timeline: %s '%s': not one SQL expression (unbalanced parentheses, "
				     "an unclosed quote or comment, or ';')",
				     opt, l->v[i]);
			return CT_EXIT_USAGE;
		}
		char *sql = sqlite3_mprintf("SELECT 1 FROM %s WHERE (\n%s\n)", view, l->v[i]);
		sqlite3_stmt *st = NULL;
		if (!sql) {
			ct_cli_error("out of memory");
			return CT_EXIT_SYSTEM;
		}
		int rc = ct_sql_guard_prepare(db, g, sql, &st, NULL, msg, sizeof(msg));
		sqlite3_free(sql);
		sqlite3_finalize(st);
		if (rc < 0) {
			ct_cli_error("timeline: %s '%s': %s", opt, l->v[i], msg);
			return CT_EXIT_QUERY;
		}
	}
	return 0;
}

/* Checks each regular expression by compiling it once. */
static int check_regexps(sqlite3 *db, const char *opt, const struct list *l)
{
	for (int i = 0; i < l->n; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "SELECT regexp(?, '')", -1, &st, NULL) != SQLITE_OK) {
			ct_cli_error("timeline: %s", sqlite3_errmsg(db));
			return CT_EXIT_SYSTEM;
		}
		sqlite3_bind_text(st, 1, l->v[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			ct_cli_error("%s '%s': %s", opt, l->v[i], sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return CT_EXIT_USAGE;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* ---- running ----
 *
 * Records are stored in compressed blocks, each holding the records of
 * one event source in the order they were ingested; reading them in time
 * order would inflate a block for nearly every event (the store keeps a
 * few inflated blocks, and time order jumps between sources and between
 * files).  So each source runs in windows: the key query yields up to
 * a window of (id, time, block) keys in time order into a TEMP table, and
 * the window query reads their rows in the table's order and sorts them
 * back into time order.  When the rows read the records (-o raw, a JSON
 * column, a --where on one), the table is in block order and the window
 * larger: over 1M events, windows of 32,768 inflate 24,708 blocks (of
 * 8,026), windows of 4,096 107,226.  Otherwise it is in id order, the
 * order of the rows in their table, 4,096 at a time.  A window holds a
 * bounded number of rows: memory stays flat however many rows there are. */

#define TL_WINDOW 4096
#define TL_WINDOW_RECORDS 32768 /* when the rows read the records */

struct src {
	const char *table;   /* the TEMP window table */
	sqlite3_stmt *key;   /* id, ts in time order */
	sqlite3_stmt *ins;   /* INSERT INTO the window */
	sqlite3_stmt *win;   /* ts, id, the columns: the window in time order */
	sqlite3_stmt *clear; /* DELETE FROM the window */
	bool key_done, win_open;
	bool by_block; /* the window in block order (the rows read the records) */
	int window;    /* keys per window */
	bool row;      /* win holds a row */
	int64_t ts;    /* its time */
	int64_t id;
	int kind;                         /* 0 event, 1 flow: the tie-break after the time */
	const struct ct_sql_guard *guard; /* why it refused what a query ran */
};

static int sql_error(sqlite3 *db, const struct src *s, int rc, struct ct_err *err)
{
	int code = (rc & 0xff) == SQLITE_NOMEM                                     ? CT_E_NOMEM
		   : (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ? CT_E_CORRUPT
		   : (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL     ? CT_E_SYSTEM
										   : CT_E_QUERY;
	/* The guard can refuse while a statement runs (the PRAGMA behind
	 * pragma_writable_schema in a --where): its reason, not SQLite's. */
	if (s->guard && s->guard->why[0])
		return ct_err_set(err, CT_E_QUERY, NULL, 0, "timeline: %s", s->guard->why);
	return ct_err_set(err, code, NULL, 0, "timeline: %s", sqlite3_errmsg(db));
}

/* Fills the window from the key query; *ret_n keys. */
static int fill_window(sqlite3 *db, struct src *s, int *ret_n, struct ct_err *err)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < s->window && (rc = sqlite3_step(s->key)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s->key, 0);
		/* the window's order: an event's block then its place in the
		 * window, or the row's id */
		if (!s->by_block || sqlite3_column_type(s->key, 2) == SQLITE_NULL)
			sqlite3_bind_int64(s->ins, 1, id);
		else
			sqlite3_bind_int64(s->ins, 1, sqlite3_column_int64(s->key, 2) * TL_WINDOW_RECORDS + n);
		sqlite3_bind_int64(s->ins, 2, id);
		if (sqlite3_column_type(s->key, 1) == SQLITE_NULL)
			sqlite3_bind_null(s->ins, 3);
		else
			sqlite3_bind_int64(s->ins, 3, sqlite3_column_int64(s->key, 1));
		sqlite3_bind_int(s->ins, 4, n);
		int r = sqlite3_step(s->ins);
		sqlite3_reset(s->ins);
		if (r != SQLITE_DONE)
			return sql_error(db, s, r, err);
		n++;
	}
	if (rc == SQLITE_DONE)
		s->key_done = true;
	else if (rc != SQLITE_ROW)
		return sql_error(db, s, rc, err);
	*ret_n = n;
	return 0;
}

/* Moves the source to its next row (s->row false at the end). */
static int src_step(sqlite3 *db, struct src *s, struct ct_err *err)
{
	bool had = s->row;
	int64_t pts = s->ts, pid = s->id;
	s->row = false;
	for (;;) {
		if (s->win_open) {
			int rc = sqlite3_step(s->win);
			if (rc == SQLITE_ROW) {
				s->row = true;
				s->ts = sqlite3_column_type(s->win, 0) == SQLITE_NULL ? INT64_MIN
										      : sqlite3_column_int64(s->win, 0);
				s->id = sqlite3_column_int64(s->win, 1);
				/* the merge below relies on it */
				if (had && (s->ts < pts || (s->ts == pts && s->id <= pid)))
					return ct_err_set(err, CT_E_SYSTEM, NULL, 0,
							  "timeline: internal error: rows out of time order");
				return 0;
			}
			sqlite3_reset(s->win);
			s->win_open = false;
			int r = sqlite3_step(s->clear);
			sqlite3_reset(s->clear);
			if (rc != SQLITE_DONE)
				return sql_error(db, s, rc, err);
			if (r != SQLITE_DONE)
				return sql_error(db, s, r, err);
		}
		if (s->key_done)
			return 0;
		int n = 0;
		if (fill_window(db, s, &n, err) < 0)
			return -1;
		if (n == 0)
			return 0;
		s->win_open = true;
	}
}

static void to_value(sqlite3_stmt *st, int i, struct ct_out_value *v)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: *v = ct_out_int(sqlite3_column_int64(st, i)); break;
	case SQLITE_FLOAT: *v = ct_out_real(sqlite3_column_double(st, i)); break;
	case SQLITE_TEXT:
		v->type = CT_OUT_TEXT;
		v->s = (const char *)sqlite3_column_text(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		if (!v->s)
			*v = ct_out_null();
		break;
	case SQLITE_BLOB:
		v->type = CT_OUT_BLOB;
		v->s = sqlite3_column_blob(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		break;
	default: *v = ct_out_null();
	}
}

/* Streams the merged rows; returns 0, 1 (the reader went away) or -1. */
static int run(sqlite3 *db, struct src *srcs, int nsrc, const struct outcol *cols, int ncols,
	       const struct ct_out_spec *spec, long long limit, struct ct_err *err)
{
	const char **names = calloc((size_t)ncols, sizeof(*names));
	struct ct_out_value *vals = calloc((size_t)ncols, sizeof(*vals));
	struct ct_out *out = NULL;
	int rc = -1;
	if (!names || !vals) {
		ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
		goto done;
	}
	for (int i = 0; i < ncols; i++)
		names[i] = cols[i].name;
	if (!(out = ct_out_new(spec, ncols, names, err)))
		goto done;
	for (int i = 0; i < nsrc; i++)
		if (src_step(db, &srcs[i], err) < 0)
			goto fail;
	for (long long n = 0; limit < 0 || n < limit; n++) {
		struct src *best = NULL;
		for (int i = 0; i < nsrc; i++) {
			struct src *s = &srcs[i];
			if (s->row && (!best || s->ts < best->ts ||
				       (s->ts == best->ts &&
					(s->kind < best->kind || (s->kind == best->kind && s->id < best->id)))))
				best = s;
		}
		if (!best)
			break;
		for (int i = 0; i < ncols; i++)
			to_value(best->win, i + 2, &vals[i]);
		int r = ct_out_row(out, vals, err);
		if (r != 0) {
			rc = r;
			goto done;
		}
		if (src_step(db, best, err) < 0)
			goto fail;
	}
	rc = ct_out_finish(out, err);
	goto done;
fail:
	/* the rows before the error stay printed */
	(void)ct_out_finish(out, NULL);
	rc = -1;
done:
	ct_out_free(out);
	free(names);
	free(vals);
	return rc;
}

/* Prepares a source: its window table, key query and window query. */
static int src_open(sqlite3 *db, struct ct_sql_guard *g, struct src *s, const char *table, char *key_sql, char *win_sql,
		    bool by_block, char *msg, size_t msglen)
{
	int rc = -1;
	char *create = sqlite3_mprintf("CREATE TEMP TABLE IF NOT EXISTS %s(k INTEGER PRIMARY KEY, id INTEGER NOT NULL, "
				       "ts INTEGER, seq INTEGER NOT NULL)",
				       table);
	char *ins = sqlite3_mprintf("INSERT INTO temp.%s(k, id, ts, seq) VALUES(?, ?, ?, ?)", table);
	char *clear = sqlite3_mprintf("DELETE FROM temp.%s", table);
	s->table = table;
	s->guard = g;
	s->by_block = by_block;
	s->window = by_block ? TL_WINDOW_RECORDS : TL_WINDOW;
	if (!key_sql || !win_sql || !create || !ins || !clear) {
		snprintf(msg, msglen, "out of memory");
		goto out;
	}
	if (getenv("CTSCAN_DEBUG_SQL"))
		fprintf(stderr, "%s;\n%s;\n", key_sql, win_sql);
	sqlite3_stmt *st = NULL;
	if (ct_sql_guard_prepare(db, g, create, &st, NULL, msg, msglen) < 0)
		goto out;
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		snprintf(msg, msglen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	if (ct_sql_guard_prepare(db, g, key_sql, &s->key, NULL, msg, msglen) < 0 ||
	    ct_sql_guard_prepare(db, g, ins, &s->ins, NULL, msg, msglen) < 0 ||
	    ct_sql_guard_prepare(db, g, clear, &s->clear, NULL, msg, msglen) < 0 ||
	    ct_sql_guard_prepare(db, g, win_sql, &s->win, NULL, msg, msglen) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_free(key_sql);
	sqlite3_free(win_sql);
	sqlite3_free(create);
	sqlite3_free(ins);
	sqlite3_free(clear);
	return rc;
}

static void src_close(struct src *s)
{
	sqlite3_finalize(s->key);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->win);
	sqlite3_finalize(s->clear);
}

static int push(struct list *l, const char *v)
{
	l->v[l->n++] = v;
	return 0;
}

enum {
	OPT_SINCE = 256,
	OPT_UNTIL,
	OPT_AKEY,
	OPT_PRINCIPAL,
	OPT_IP,
	OPT_EVENT,
	OPT_SOURCE,
	OPT_REGION,
	OPT_ACCOUNT,
	OPT_ERRORS,
	OPT_RO,
	OPT_NO_RO,
	OPT_FLOWS,
	OPT_FLOW_WHERE,
};

static int exec_timeline(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'o'},
		{"columns", required_argument, NULL, 'c'},
		{"limit", required_argument, NULL, 'n'},
		{"where", required_argument, NULL, 'w'},
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"access-key", required_argument, NULL, OPT_AKEY},
		{"principal", required_argument, NULL, OPT_PRINCIPAL},
		{"ip", required_argument, NULL, OPT_IP},
		{"event", required_argument, NULL, OPT_EVENT},
		{"source", required_argument, NULL, OPT_SOURCE},
		{"region", required_argument, NULL, OPT_REGION},
		{"account", required_argument, NULL, OPT_ACCOUNT},
		{"errors", no_argument, NULL, OPT_ERRORS},
		{"read-only", no_argument, NULL, OPT_RO},
		{"no-read-only", no_argument, NULL, OPT_NO_RO},
		{"flows", no_argument, NULL, OPT_FLOWS},
		{"flow-where", required_argument, NULL, OPT_FLOW_WHERE},
		{NULL, 0, NULL, 0},
	};
	struct tl o = {.ro = -1, .fmt = CT_FMT_TABLE, .limit = -1};
	struct list *lists[] = {&o.akey,   &o.principal, &o.ip,    &o.event,     &o.source,
				&o.region, &o.account,   &o.where, &o.flow_where};
	const size_t nlists = sizeof(lists) / sizeof(lists[0]);
	int status = CT_EXIT_OK, c;
	struct outcol *cols = NULL;
	int ncols = 0;
	struct src srcs[2] = {{0}};
	int nsrc = 0;
	int64_t now = ct_time_now_ms();
	for (size_t i = 0; i < nlists; i++) {
		if (!(lists[i]->v = calloc((size_t)argc + 1, sizeof(char *)))) {
			ct_cli_error("out of memory");
			status = CT_EXIT_SYSTEM;
			goto out;
		}
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:o:c:n:w:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'o':
			if (ct_format_parse(optarg, &o.fmt) < 0) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, raw, md)",
					     optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			break;
		case 'c': o.columns = optarg; break;
		case 'n': {
			char *end;
			errno = 0;
			long long n = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 0) {
				ct_cli_error("--limit takes a number of rows, not '%s'", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			o.limit = n;
			break;
		}
		case 'w': push(&o.where, optarg); break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int64_t ms;
			if (ct_time_parse_arg(optarg, now, &ms) < 0) {
				ct_cli_error("--%s: cannot read '%s' as a time (ISO-8601 such as 2024-03-12T10:00:00Z, "
					     "epoch seconds, or a time ago such as 90m, 24h, 7d)",
					     c == OPT_SINCE ? "since" : "until", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			if (c == OPT_SINCE) {
				o.has_since = true;
				o.since = ms;
			} else {
				o.has_until = true;
				o.until = ms;
			}
			break;
		}
		case OPT_AKEY: push(&o.akey, optarg); break;
		case OPT_PRINCIPAL: push(&o.principal, optarg); break;
		case OPT_IP: {
			struct ct_cidr cidr;
			if (ct_cidr_parse(optarg, &cidr) < 0) {
				ct_cli_error("--ip: '%s' is not an IP address or a CIDR (10.0.0.5, 10.0.0.0/8, "
					     "2001:db8::/32)",
					     optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			push(&o.ip, optarg);
			break;
		}
		case OPT_EVENT: push(&o.event, optarg); break;
		case OPT_SOURCE: push(&o.source, optarg); break;
		case OPT_REGION: push(&o.region, optarg); break;
		case OPT_ACCOUNT: push(&o.account, optarg); break;
		case OPT_ERRORS: o.errors = true; break;
		case OPT_RO: o.ro = 1; break;
		case OPT_NO_RO: o.ro = 0; break;
		case OPT_FLOWS: o.flows = true; break;
		case OPT_FLOW_WHERE: push(&o.flow_where, optarg); break;
		default: status = ct_cli_usage(ct_cli_current); goto out;
		}
	}
	if (optind < argc) {
		ct_cli_error("timeline takes no arguments, only options ('%s')", argv[optind]);
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (o.has_since && o.has_until && o.since > o.until) {
		ct_cli_error("--since is after --until: nothing can match");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (o.flow_where.n && !o.flows) {
		ct_cli_error("--flow-where needs --flows");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (o.columns && o.fmt == CT_FMT_RAW) {
		ct_cli_error("--columns does not apply to -o raw, which prints the verbatim records");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if ((status = ct_cli_open_index(cli)))
		goto out;
	sqlite3 *db = ct_index_db(cli->idx);
	if ((status = check_regexps(db, "--event", &o.event)) || (status = check_regexps(db, "--source", &o.source)))
		goto out;
	int r = resolve_columns(db, &o, &cols);
	if (r < 0) {
		if (r == -2)
			ct_cli_error("out of memory");
		status = r == -1 ? CT_EXIT_USAGE : CT_EXIT_SYSTEM;
		goto out;
	}
	ncols = r;

	struct ct_sql_guard guard;
	ct_sql_guard_install(db, &guard);
	if ((status = check_where(db, &guard, "--where", "events", &o.where)) ||
	    (status = check_where(db, &guard, "--flow-where", "flows", &o.flow_where)))
		goto out;
	char msg[1200];
	char *ev_win = window_sql("ctscan_timeline_ev", "events", cols, ncols, false, &o.where);
	bool by_block = ct_events_sql_reads_records(ev_win);
	if (src_open(db, &guard, &srcs[nsrc], "ctscan_timeline_ev", events_key_sql(&o, by_block), ev_win, by_block, msg,
		     sizeof(msg)) < 0) {
		ct_cli_error("timeline: %s", msg);
		status = CT_EXIT_QUERY;
		goto out;
	}
	srcs[nsrc++].kind = 0;
	if (o.flows) {
		if (src_open(db, &guard, &srcs[nsrc], "ctscan_timeline_flow", flows_key_sql(&o),
			     window_sql("ctscan_timeline_flow", "flows", cols, ncols, true, &o.flow_where), false, msg,
			     sizeof(msg)) < 0) {
			ct_cli_error("timeline: %s", msg);
			status = CT_EXIT_QUERY;
			goto out;
		}
		srcs[nsrc++].kind = 1;
	}

	struct ct_out_spec spec;
	ct_cli_out_spec(cli, o.fmt, &spec);
	struct ct_err err = {0};
	r = run(db, srcs, nsrc, cols, ncols, &spec, o.limit, &err);
	if (r < 0)
		status = ct_cli_report(&err);
out:
	for (int i = 0; i < 2; i++)
		src_close(&srcs[i]);
	for (int i = 0; i < ncols; i++) {
		free(cols[i].name);
		free(cols[i].ev);
		free(cols[i].flow);
	}
	free(cols);
	for (size_t i = 0; i < nlists; i++)
		free(lists[i]->v);
	return status;
}

const struct ct_cmd cmd_timeline = {
	.name = "timeline",
	.usage = "timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]",
	.summary = "events (and VPC flows) in time order, filtered by time, key, principal, address, ...",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_timeline,
	.help = "  -d, --index INDEX     the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  --since TIME          events at or after TIME: ISO-8601 (2024-03-12, 2024-03-12T10:00Z),\n"
		"                        epoch seconds, or a time ago (90m, 24h, 7d, 2w)\n"
		"  --until TIME          events at or before TIME\n"
		"  --access-key KEY      calls made with this access key id\n"
		"  --principal NAME      identity ARN, user name, or the role (ARN or name) behind a session\n"
		"  --ip ADDR|CIDR        source address in the network (flows: either end)\n"
		"  --event REGEX         event name matches the PCRE2 regex (unanchored)\n"
		"  --source REGEX        event source matches the regex (s3.amazonaws.com, ...)\n"
		"  --region REGION       AWS region\n"
		"  --account ID          recipient account id (flows: account-id)\n"
		"  --errors              failed calls only (an error code or an error message)\n"
		"  --read-only, --no-read-only\n"
		"                        read-only calls only, or mutating calls only\n"
		"  -w, --where SQL       an SQL expression over the events view columns\n"
		"  --flows               interleave VPC flow records (kind column: event or flow)\n"
		"  --flow-where SQL      an SQL expression over the flows view columns\n"
		"  -c, --columns LIST    comma-separated columns: timeline columns (time, kind, account,\n"
		"                        region, identity, access_key, source_ip, service, event, error,\n"
		"                        detail, event_id) or events/flows view columns\n"
		"  -n, --limit N         at most N rows\n"
		"  -o, --output FORMAT   table (default), csv, tsv, json, ndjson, raw (verbatim records), md\n"
		"A filter given twice matches either value; different filters must all match.\n"
		"--since, --until, --ip, --account and --region apply to flows too.\n",
};
