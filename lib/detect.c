/* detect.c - running detection rules over the index and storing findings.
 *
 * Rules are plain SQL over the `events` and `flows` views.  Before they
 * run, the engine narrows those views to --since/--until (TEMP views that
 * shadow the stored ones in this connection only), loads the allowlist and
 * the user's IP lists into the tables rules consult, and binds each rule's
 * named parameters from --set or the rule's defaults.  Every rule returns
 * the same nine columns; each row becomes a finding. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ct-config.h"
#include "ctscan.h"
#include "json.h"
#include "store.h"
#include "util.h"

static const char *const finding_cols[] = {"first_time", "last_time", "account", "region",  "identity",
					   "access_key", "source_ip", "summary", "evidence"};

const char *ct_rules_default_dir(void)
{
	const char *e = getenv("CTSCAN_QUERIES");
	if (e && e[0])
		return e;
	if (access(CT_QUERYDIR, R_OK) == 0)
		return CT_QUERYDIR;
	return CT_SOURCE_QUERYDIR;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec_sql(sqlite3 *db, const char *sql, struct ct_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* ---- the shared JSON pass ----
 *
 * The JSON columns of `events` (request_parameters, ...) are json_extract
 * over the verbatim record, which lives in a 256 KiB zlib block: reading
 * one record inflates its block.  Several rules read the JSON of the same
 * common events (GetObject, GetParameter), so one pass in block order, on
 * one worker connection while the others run the rules that read no JSON
 * column, extracts those columns for the events whose name a JSON-reading
 * rule quotes ('GetParameter', 'ConsoleLogin', ...); the rules that read
 * JSON start when it is done.  Their connections' events view takes a
 * cached value when there
 * is one and reads the record otherwise, so a rule sees exactly the same
 * values either way.  The names are only a guess at what rules will read:
 * a wrong guess costs time, never a different result.  The cache is read
 * only while the rules run and is bounded by JX_MAX_BYTES. */

static const char *const jx_cols[][2] = {
	{"request_parameters", "requestParameters"},
	{"response_elements", "responseElements"},
	{"additional_event_data", "additionalEventData"},
	{"resources", "resources"},
};
#define JX_NCOLS CT_ARRAY_SIZE(jx_cols)
#define JX_MAX_BYTES ((size_t)256 << 20)

/* A cached value: its type and its bytes (the number, for INTEGER and
 * FLOAT) in the cache's arena.  No JSON subtype: the events view's columns
 * carry none (SQLite drops it on the way out of the view), and a rule must
 * see the same values with the cache as without it (json_array and
 * json_object quote them as text either way). */
struct jx_val {
	uint32_t off, len;
	unsigned char type; /* SQLITE_INTEGER ... SQLITE_NULL */
};

struct jx_ent {
	int64_t id;
	struct jx_val v[JX_NCOLS];
};

struct jx {
	unsigned cols;       /* bit i: jx_cols[i] is cached */
	struct jx_ent *ents; /* ascending id */
	size_t n, cap;
	struct ct_buf arena; /* the values' bytes */
};

static void jx_free(struct jx *x)
{
	if (!x)
		return;
	ct_buf_free(&x->arena);
	free(x->ents);
	free(x);
}

static const struct jx_ent *jx_find(const struct jx *x, int64_t id)
{
	size_t lo = 0, hi = x ? x->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->ents[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (x ? x->n : 0) && x->ents[lo].id == id ? &x->ents[lo] : NULL;
}

/* ct_jx_has(id): whether the event's JSON columns are cached */
static void fn_jx_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, jx_find(sqlite3_user_data(ctx), sqlite3_value_int64(argv[0])) != NULL);
}

/* ct_jx(id, column): the cached value (the arena outlives every statement
 * that reads it) */
static void fn_jx(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const struct jx *x = sqlite3_user_data(ctx);
	const struct jx_ent *e = jx_find(x, sqlite3_value_int64(argv[0]));
	int c = sqlite3_value_int(argv[1]);
	if (!e || c < 0 || (size_t)c >= JX_NCOLS)
		return;
	const struct jx_val *v = &e->v[c];
	const char *a = x->arena.p ? x->arena.p + v->off : "";
	int64_t i;
	double d;
	switch (v->type) {
	case SQLITE_INTEGER:
		memcpy(&i, a, sizeof(i));
		sqlite3_result_int64(ctx, i);
		break;
	case SQLITE_FLOAT:
		memcpy(&d, a, sizeof(d));
		sqlite3_result_double(ctx, d);
		break;
	case SQLITE_TEXT: sqlite3_result_text(ctx, a, (int)v->len, SQLITE_STATIC); break;
	case SQLITE_BLOB: sqlite3_result_blob(ctx, a, (int)v->len, SQLITE_STATIC); break;
	default: return;
	}
}

static int jx_register(sqlite3 *db, struct jx *x)
{
	int rc = sqlite3_create_function_v2(db, "ct_jx_has", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, x, fn_jx_has, NULL,
					    NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "ct_jx", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, x, fn_jx, NULL,
						NULL, NULL);
	return rc;
}

/* s with every `from` replaced by `to`; NULL when out of memory */
static char *replace_all(const char *s, const char *from, const char *to)
{
	struct ct_buf b = {0};
	size_t fl = strlen(from);
	for (const char *p; (p = strstr(s, from)); s = p + fl) {
		ct_buf_append(&b, s, (size_t)(p - s));
		ct_buf_printf(&b, "%s", to);
	}
	ct_buf_printf(&b, "%s", s);
	return b.p;
}

#define RECORD_EXPR "ct_record(e.blk, e.boff, e.blen)"

/* The events view's SELECT: JSON columns from the cache when x has them. */
static char *events_select(const struct jx *x)
{
	char *sel = ct_store_events_sql("@RECORD@");
	for (size_t c = 0; sel && x && c < JX_NCOLS; c++) {
		if (!(x->cols & 1u << c))
			continue;
		char from[128], to[320];
		snprintf(from, sizeof(from), "json_extract(@RECORD@, '$.%s')", jx_cols[c][1]);
		snprintf(to, sizeof(to),
			 "CASE WHEN ct_jx_has(e.id) THEN ct_jx(e.id, %zu) ELSE json_extract(" RECORD_EXPR
			 ", '$.%s') END",
			 c, jx_cols[c][1]);
		char *t = replace_all(sel, from, to);
		free(sel);
		sel = t;
	}
	char *t = sel ? replace_all(sel, "@RECORD@", RECORD_EXPR) : NULL;
	free(sel);
	return t;
}

/* Narrows events, flows and ev to [since, until) for this connection:
 * rules that read the base table ev (dictionary ids instead of strings)
 * see the same window as those that read events.  The whole index needs
 * no temp.ev, which keeps the planner's view of ev exactly the table's.
 * x, when not NULL, is the shared JSON pass the events view reads. */
static int set_window(sqlite3 *db, int64_t since, int64_t until, const struct jx *x, struct ct_err *err)
{
	if (jx_register(db, (struct jx *)x) != SQLITE_OK)
		return ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
	char *sel = events_select(x);
	if (!sel)
		return ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
	struct ct_buf b = {0};
	bool whole = since <= INT64_MIN / 2 && until >= INT64_MAX / 2;
	ct_buf_printf(&b, "DROP VIEW IF EXISTS temp.ev;");
	if (!whole)
		ct_buf_printf(&b, "CREATE TEMP VIEW ev AS SELECT * FROM main.ev WHERE ts >= %lld AND ts < %lld;",
			      (long long)since, (long long)until);
	/* the whole index: no bounds, which the planner would weigh as a
	 * range on ev_ts */
	if (whole)
		ct_buf_printf(&b,
			      "DROP VIEW IF EXISTS temp.events; CREATE TEMP VIEW events AS %s;"
			      "DROP VIEW IF EXISTS temp.flows;",
			      sel);
	else
		ct_buf_printf(
			&b,
			"DROP VIEW IF EXISTS temp.events; CREATE TEMP VIEW events AS %s WHERE e.ts >= %lld AND e.ts < %lld;"
			"DROP VIEW IF EXISTS temp.flows; CREATE TEMP VIEW flows AS SELECT * FROM main.flows"
			" WHERE start >= %lld AND start < %lld;",
			sel, (long long)since, (long long)until, (long long)since, (long long)until);
	free(sel);
	int rc = exec_sql(db, b.p, err);
	ct_buf_free(&b);
	return rc;
}

static char *next_token(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return NULL;
	char *t = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '#')
		s++;
	if (*s) {
		bool comment = *s == '#';
		*s = 0;
		s = comment ? s + strlen(s) : s + 1;
	}
	*p = s;
	return t;
}

static int insert_matching_ips(sqlite3 *db, const char *target_sql, const char *entry, struct ct_err *err)
{
	/* target_sql inserts (ip[, list]) from a SELECT with ?1 the CIDR or address */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, target_sql, -1, &st, NULL) != SQLITE_OK)
		return ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, entry, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ct_err_set(err, CT_E_QUERY, "", 0, "%s", sqlite3_errmsg(db));
	return 0;
}

/* The addresses in the index that an entry (address or CIDR) covers. */
#define IPS_FOR_CIDR                                                                                                   \
	"SELECT s FROM strs WHERE id IN (SELECT DISTINCT ip FROM ev WHERE ip IS NOT NULL)"                             \
	" AND cidr_match(s, ?1) UNION SELECT srcaddr FROM flow_rows WHERE srcaddr IN"                                  \
	" (SELECT DISTINCT srcaddr FROM flow_rows) AND cidr_match(srcaddr, ?1)"                                        \
	" UNION SELECT dstaddr FROM flow_rows WHERE cidr_match(dstaddr, ?1)"
#define IPS_FOR_ADDR                                                                                                   \
	"SELECT s FROM strs WHERE s = ?1 UNION SELECT srcaddr FROM flow_rows WHERE srcaddr = ?1"                       \
	" UNION SELECT dstaddr FROM flow_rows WHERE dstaddr = ?1"

static int load_allowlist(sqlite3 *db, const char *path, bool required, struct ct_err *err)
{
	if (exec_sql(db, "DELETE FROM allowlist; DELETE FROM allow_ip;", err) < 0)
		return -1;
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f) {
		if (required)
			return ct_err_set(err, CT_E_USAGE, path, 0, "cannot open the allowlist: %s", strerror(errno));
		return 0;
	}
	char line[4096];
	uint64_t n = 0;
	int rc = 0;
	sqlite3_stmt *ins = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO allowlist(kind, value, note) VALUES(?, ?, ?)", -1, &ins, NULL);
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = 0;
		char *note = strchr(line, '#');
		char *p = line;
		char *kind = next_token(&p);
		if (!kind)
			continue;
		char *value = next_token(&p);
		if (!value) {
			rc = ct_err_set(err, CT_E_USAGE, path, n, "'%s' needs a value", kind);
			break;
		}
		if (next_token(&p)) {
			rc = ct_err_set(err, CT_E_USAGE, path, n, "one kind and one value per line");
			break;
		}
		if (!strcmp(kind, "role") || !strcmp(kind, "user"))
			kind = "principal";
		if (!strcmp(kind, "cidr") || !strcmp(kind, "ip")) {
			bool cidr = strchr(value, '/') != NULL;
			sqlite3_stmt *chk;
			sqlite3_prepare_v2(db, "SELECT cidr_match('0.0.0.0', ?)", -1, &chk, NULL);
			sqlite3_bind_text(chk, 1, value, -1, SQLITE_STATIC);
			int c = sqlite3_step(chk);
			sqlite3_finalize(chk);
			if (c != SQLITE_ROW) {
				rc = ct_err_set(err, CT_E_USAGE, path, n, "'%s' is not an address or CIDR", value);
				break;
			}
			rc = insert_matching_ips(db,
						 cidr ? "INSERT OR IGNORE INTO allow_ip " IPS_FOR_CIDR
						      : "INSERT OR IGNORE INTO allow_ip " IPS_FOR_ADDR,
						 value, err);
			kind = "cidr";
		} else if (strcmp(kind, "principal") && strcmp(kind, "region") && strcmp(kind, "user_agent") &&
			   strcmp(kind, "account")) {
			rc = ct_err_set(err, CT_E_USAGE, path, n,
					"unknown kind '%s' (cidr, principal, role, region, user_agent, account)", kind);
			break;
		}
		sqlite3_bind_text(ins, 1, kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, value, -1, SQLITE_TRANSIENT);
		if (note)
			sqlite3_bind_text(ins, 3, note + 1, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 3);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = ct_err_set(err, CT_E_SYSTEM, path, n, "%s", sqlite3_errmsg(db));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	fclose(f);
	return rc;
}

static int load_ip_list(sqlite3 *db, const char *path, struct ct_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return ct_err_set(err, CT_E_USAGE, path, 0, "cannot open the IP list: %s", strerror(errno));
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char line[4096];
	uint64_t n = 0;
	int rc = 0;
	struct ct_buf sql = {0};
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = 0;
		char *p = line;
		char *v = next_token(&p);
		if (!v)
			continue;
		sqlite3_stmt *chk;
		sqlite3_prepare_v2(db, "SELECT cidr_match('0.0.0.0', ?)", -1, &chk, NULL);
		sqlite3_bind_text(chk, 1, v, -1, SQLITE_STATIC);
		int c = sqlite3_step(chk);
		sqlite3_finalize(chk);
		if (c != SQLITE_ROW) {
			rc = ct_err_set(err, CT_E_USAGE, path, n, "'%s' is not an address or CIDR", v);
			break;
		}
		ct_buf_reset(&sql);
		char *q = sqlite3_mprintf("%Q", base);
		ct_buf_printf(&sql, "INSERT OR IGNORE INTO listed_ip(ip, list) SELECT s, %s FROM (%s)", q,
			      strchr(v, '/') ? IPS_FOR_CIDR : IPS_FOR_ADDR);
		sqlite3_free(q);
		rc = insert_matching_ips(db, sql.p, v, err);
		if (rc < 0)
			snprintf(err->file, sizeof(err->file), "%s", path);
	}
	ct_buf_free(&sql);
	fclose(f);
	return rc;
}

static bool rule_selected(const struct ct_rule *r, const struct ct_detect_opts *o)
{
	if (r->severity < o->min_severity)
		return false;
	if (o->nglobs) {
		bool any = false;
		for (size_t i = 0; i < o->nglobs && !any; i++)
			any = fnmatch(o->rule_globs[i], r->id, 0) == 0;
		if (!any)
			return false;
	}
	if (o->ntags) {
		bool any = false;
		for (size_t i = 0; i < o->ntags && !any; i++) {
			const char *t = r->tags ? r->tags : "";
			size_t tl = strlen(o->tags[i]);
			for (const char *p = t; *p && !any;) {
				while (*p == ' ' || *p == ',')
					p++;
				size_t l = strcspn(p, ", ");
				any = l == tl && strncmp(p, o->tags[i], tl) == 0;
				p += l;
			}
		}
		if (!any)
			return false;
	}
	return true;
}

/* The value for a parameter: --set NAME=VALUE, else the rule's default. */
static const char *param_value(const struct ct_rule *r, const struct ct_detect_opts *o, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = o->nsets; i-- > 0;) {
		const char *s = o->sets[i];
		if (s[0] == ':')
			s++;
		if (strncmp(s, name, nl) == 0 && s[nl] == '=')
			return s + nl + 1;
	}
	for (size_t i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].name, name))
			return r->params[i].value;
	return NULL;
}

static void bind_value(sqlite3_stmt *st, int i, const char *v)
{
	char *end;
	errno = 0;
	long long ll = strtoll(v, &end, 10);
	if (*v && !*end && errno == 0) {
		sqlite3_bind_int64(st, i, ll);
		return;
	}
	double d = strtod(v, &end);
	if (*v && !*end) {
		sqlite3_bind_double(st, i, d);
		return;
	}
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* The line of the rule file where SQLite's error offset falls. */
static uint64_t error_line(const struct ct_rule *r, sqlite3 *db)
{
	int off = sqlite3_error_offset(db);
	uint64_t line = (uint64_t)r->sql_line;
	if (off < 0)
		return line;
	for (int i = 0; i < off && r->sql[i]; i++)
		if (r->sql[i] == '\n')
			line++;
	return line;
}

static void rule_error(const struct ct_detect_opts *o, const struct ct_rule *r, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void rule_error(const struct ct_detect_opts *o, const struct ct_rule *r, uint64_t line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ct_diag_emit(o->diag, o->ud, CT_DIAG_ERROR, line ? CT_AT_LINE : CT_AT_FILE, r->path, line, "rule %s: %s", r->id,
		     msg);
}

int ct_rule_prepare(sqlite3 *db, const struct ct_rule *r, const struct ct_detect_opts *o, sqlite3_stmt **ret,
		    uint64_t *ret_line, char *why, size_t whylen)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	*ret_line = 0;
	if (sqlite3_prepare_v2(db, r->sql, -1, &st, &tail) != SQLITE_OK) {
		*ret_line = error_line(r, db);
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (!st) {
		snprintf(why, whylen, "no query");
		return -1;
	}
	/* one statement only (comments and blanks may follow) */
	for (const char *t = tail; t && *t;) {
		if (isspace((unsigned char)*t)) {
			t++;
		} else if (t[0] == '-' && t[1] == '-') {
			t += strcspn(t, "\n");
		} else {
			sqlite3_finalize(st);
			snprintf(why, whylen, "more than one statement");
			return -1;
		}
	}
	if (!sqlite3_stmt_readonly(st)) {
		sqlite3_finalize(st);
		snprintf(why, whylen, "the query writes to the index");
		return -1;
	}
	int nc = sqlite3_column_count(st);
	bool ok = nc == (int)CT_ARRAY_SIZE(finding_cols);
	for (int i = 0; ok && i < nc; i++)
		ok = !strcmp(sqlite3_column_name(st, i), finding_cols[i]);
	if (!ok) {
		struct ct_buf b = {0};
		for (int i = 0; i < nc; i++)
			ct_buf_printf(&b, "%s%s", i ? ", " : "", sqlite3_column_name(st, i));
		snprintf(why, whylen,
			 "returns columns (%s); a rule returns first_time, last_time, account, region, identity, "
			 "access_key, source_ip, summary, evidence",
			 b.p ? b.p : "");
		ct_buf_free(&b);
		sqlite3_finalize(st);
		return -1;
	}
	for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (!name || !name[1]) {
			snprintf(why, whylen, "parameters must be named (:name)");
			sqlite3_finalize(st);
			return -1;
		}
		const char *v = param_value(r, o, name + 1);
		if (!v) {
			snprintf(why, whylen, "parameter %s has no default (add '-- param: %s = VALUE')", name,
				 name + 1);
			sqlite3_finalize(st);
			return -1;
		}
		bind_value(st, i, v);
	}
	*ret = st;
	return 0;
}

/* ---- running the rules ----
 *
 * The selected rules run on up to opts->jobs threads, each with a read-only
 * connection of its own (the same SQL functions and windowed views; the
 * allowlist and IP lists are committed before they start, so every reader
 * sees them).  A rule's rows are kept in memory and written to findings by
 * the calling thread in the rules' order once all have run, so the
 * findings, their ids, the diagnostics and the profile do not depend on the
 * number of threads or on which rule finished first. */

struct job {
	const struct ct_rule *r;
	bool json; /* reads a JSON column of events (see the shared pass) */
	double seconds;
	uint64_t rows;
	sqlite3_value **vals; /* rows * 9 */
	size_t cap;
	bool prepared, failed, nomem;
	uint64_t line;
	char why[600];
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *jobs;
	size_t *order; /* jobs in the order they start: the costliest first */
	bool *taken;   /* by order position */
	size_t n, next, left;
	const struct ct_detect_opts *o;
	/* the shared JSON pass, while the rules run: one worker builds it on
	 * its connection while the others take the rules that read no JSON
	 * column; the rules that do wait while jx_pending */
	bool jx_pending;
	struct jx *x; /* when built: the pass, or NULL if it failed */
	double jx_seconds;
};

static void job_clear(struct job *j)
{
	for (size_t i = 0; i < j->rows * CT_ARRAY_SIZE(finding_cols); i++)
		sqlite3_value_free(j->vals[i]);
	free(j->vals);
	j->vals = NULL;
	j->rows = j->cap = 0;
}

static void run_job(sqlite3 *db, struct job *j, const struct ct_detect_opts *o)
{
	const size_t nc = CT_ARRAY_SIZE(finding_cols);
	double t0 = now_s();
	sqlite3_stmt *st;
	if (ct_rule_prepare(db, j->r, o, &st, &j->line, j->why, sizeof(j->why)) < 0) {
		j->seconds = now_s() - t0;
		return;
	}
	j->prepared = true;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (j->rows == j->cap) {
			size_t cap = j->cap ? 2 * j->cap : 16;
			sqlite3_value **v = realloc(j->vals, cap * nc * sizeof(*v));
			if (!v) {
				j->nomem = true;
				break;
			}
			j->vals = v;
			j->cap = cap;
		}
		sqlite3_value **row = j->vals + j->rows * nc;
		size_t c = 0;
		for (; c < nc; c++)
			if (!(row[c] = sqlite3_value_dup(sqlite3_column_value(st, (int)c))))
				break;
		if (c < nc) {
			while (c-- > 0)
				sqlite3_value_free(row[c]);
			j->nomem = true;
			break;
		}
		j->rows++;
	}
	if (!j->nomem && s != SQLITE_DONE) {
		j->failed = true;
		snprintf(j->why, sizeof(j->why), "%s", sqlite3_errmsg(db));
	}
	if (j->nomem)
		job_clear(j);
	sqlite3_finalize(st);
	j->seconds = now_s() - t0;
}

struct worker {
	struct pool *p;
	sqlite3 *db;
	pthread_t thread;
	bool started, builds_jx;
};

static struct jx *jx_build(sqlite3 *db, const struct job *jobs, size_t n);
static int set_window(sqlite3 *db, int64_t since, int64_t until, const struct jx *x, struct ct_err *err);

/* The next job this worker may run (SIZE_MAX: none left): the first in
 * order not taken whose JSON columns are ready, waiting while the only
 * ones left wait for the pass. */
static size_t next_job(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	size_t k = SIZE_MAX;
	while (p->left) {
		while (p->next < p->n && p->taken[p->next])
			p->next++;
		for (size_t i = p->next; i < p->n; i++) {
			if (p->taken[i] || (p->jobs[p->order[i]].json && p->jx_pending))
				continue;
			p->taken[i] = true;
			p->left--;
			k = p->order[i];
			break;
		}
		if (k != SIZE_MAX)
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return k;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	if (w->builds_jx) {
		double t0 = now_s();
		struct jx *x = jx_build(w->db, p->jobs, p->n);
		pthread_mutex_lock(&p->mu);
		p->x = x;
		p->jx_seconds = now_s() - t0;
		p->jx_pending = false;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	bool installed = false;
	for (;;) {
		size_t k = next_job(p);
		if (k == SIZE_MAX)
			break;
		/* this connection reads the pass from the first job that can */
		if (p->jobs[k].json && !installed && p->x) {
			installed = true;
			if (set_window(w->db, p->o->since_ms, p->o->until_ms, p->x, NULL) < 0)
				set_window(w->db, p->o->since_ms, p->o->until_ms, NULL, NULL);
		}
		run_job(w->db, &p->jobs[k], p->o);
	}
	return NULL;
}

/* The order the rules start in: the costliest first, so that the last to
 * finish is a short one.  A rule's cost is its time in the last run over
 * this index (table rule_times) and, for a rule never run here, the length
 * of its query: the slow rules are the multi-stage ones (bursts,
 * baselines, sequences) over many events. */
struct slot {
	size_t k;
	double cost;
};

static int by_cost(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? 1 : -1;
	return x->k < y->k ? -1 : 1;
}

static void cost_order(sqlite3 *db, const struct job *jobs, size_t n, size_t *order)
{
	struct slot *sl = malloc((n ? n : 1) * sizeof(*sl));
	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		if (sl)
			sl[i] = (struct slot){i, (double)strlen(jobs[i].r->sql) / 10000.0};
	}
	if (!sl)
		return;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT seconds FROM main.rule_times WHERE rule_id = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_text(st, 1, jobs[i].r->id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				sl[i].cost = sqlite3_column_double(st, 0);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	qsort(sl, n, sizeof(*sl), by_cost);
	for (size_t i = 0; i < n; i++)
		order[i] = sl[i].k;
	free(sl);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* A read-only connection like the caller's, for one worker. */
static int open_reader(struct ct_index *idx, const struct ct_detect_opts *o, struct ct_index **ret, struct ct_err *err)
{
	struct ct_index *r = NULL;
	if (ct_index_open(ct_index_path(idx), CT_OPEN_READONLY, &r, err) < 0)
		return -1;
	/* the pages of a large index are read once by each reader: mapping
	 * them saves a copy per page.  The sorts that spill go to temporary
	 * files (in the OS's page cache) rather than SQLite's in-memory
	 * ones: the library ran 3% faster so over 1M events. */
	if (exec_sql(ct_index_db(r), "PRAGMA mmap_size = 4294967296; PRAGMA temp_store = FILE", err) < 0 ||
	    set_window(ct_index_db(r), o->since_ms, o->until_ms, NULL, err) < 0) {
		ct_index_free(r);
		return -1;
	}
	*ret = r;
	return 0;
}

/* Appends the rule's quoted words (candidate event names) to a JSON array. */
static void quoted_words(const char *sql, struct ct_buf *arr)
{
	for (const char *p = sql; (p = strchr(p, '\'')); p++) {
		const char *q = ++p;
		while (*q && (isalnum((unsigned char)*q) || *q == '_'))
			q++;
		if (*q == '\'' && q > p)
			ct_buf_printf(arr, "%s\"%.*s\"", arr->len > 1 ? "," : "", (int)(q - p), p);
		p = *q == '\'' ? q : q - 1;
		if (!*p)
			break;
	}
}

/* Copies one column's value into the cache's arena. */
static bool jx_keep(struct jx *x, sqlite3_stmt *st, int col, struct jx_val *v)
{
	sqlite3_value *sv = sqlite3_column_value(st, col);
	v->type = (unsigned char)sqlite3_value_type(sv);
	v->off = (uint32_t)x->arena.len;
	v->len = 0;
	int64_t i;
	double d;
	switch (v->type) {
	case SQLITE_INTEGER: i = sqlite3_value_int64(sv); return ct_buf_append(&x->arena, &i, sizeof(i)) == 0;
	case SQLITE_FLOAT: d = sqlite3_value_double(sv); return ct_buf_append(&x->arena, &d, sizeof(d)) == 0;
	case SQLITE_TEXT:
	case SQLITE_BLOB: {
		const void *b = v->type == SQLITE_TEXT ? (const void *)sqlite3_value_text(sv) : sqlite3_value_blob(sv);
		int n = sqlite3_value_bytes(sv);
		v->len = (uint32_t)n;
		return n == 0 || ct_buf_append(&x->arena, b, (size_t)n) == 0;
	}
	default: return true;
	}
}

/* Whether [p, end) has whitespace outside its strings (json_extract would
 * return such an object or array rewritten without it). */
static bool jx_spaced(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	if (!memchr(p, ' ', n) && !memchr(p, '\n', n) && !memchr(p, '\r', n) && !memchr(p, '\t', n))
		return false; /* the usual case, at memchr's speed */
	for (bool str = false; p < end; p++) {
		if (str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				str = false;
		} else if (*p == '"') {
			str = true;
		} else if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
			return true;
		}
	}
	return false;
}

/* The record's top-level members that the pass caches, read in place
 * instead of through SQLite's JSON parser: for each column in `cols`,
 * span[c] is the member's object or array text, or {NULL, NULL} when the
 * member is missing or null, exactly what json_extract returns for them.
 * False when json_extract must answer: a wanted member of another kind (a
 * string, a number), an object or array with whitespace, a top-level key
 * with escapes, or a record the strict scanner refuses (json_extract then
 * fails or agrees on its own terms). */
static bool jx_members(const char *p, size_t len, unsigned cols, const char *span[JX_NCOLS][2])
{
	struct ct_json_scan s = {.p = p, .end = p + len, .final = true, .max_depth = CT_JSON_MAX_DEPTH};
	unsigned seen = 0;
	memset(span, 0, sizeof(const char *[JX_NCOLS][2]));
	s.p = ct_json_ws(s.p, s.end);
	if (s.p == s.end || *s.p != '{')
		return false;
	s.p = ct_json_ws(s.p + 1, s.end);
	if (s.p < s.end && *s.p == '}')
		goto done;
	for (;;) {
		struct ct_json_str key;
		if (s.p == s.end || *s.p != '"' || ct_json_string(&s, &key) != CT_JSON_OK || key.escaped)
			return false;
		s.p = ct_json_ws(s.p, s.end);
		if (s.p == s.end || *s.p != ':')
			return false;
		s.p = ct_json_ws(s.p + 1, s.end);
		const char *v = s.p;
		if (ct_json_skip(&s, 1) != CT_JSON_OK)
			return false;
		for (size_t c = 0; c < JX_NCOLS; c++) {
			if (!(cols & ~seen & 1u << c) || strncmp(jx_cols[c][1], key.s, key.len) != 0 ||
			    jx_cols[c][1][key.len] != '\0')
				continue;
			seen |= 1u << c; /* json_extract takes the first of duplicate keys */
			if (*v == '{' || *v == '[') {
				if (jx_spaced(v, s.p))
					return false;
				span[c][0] = v;
				span[c][1] = s.p;
			} else if (*v != 'n') { /* null is NULL, as a missing member */
				return false;
			}
		}
		s.p = ct_json_ws(s.p, s.end);
		if (s.p < s.end && *s.p == ',') {
			s.p = ct_json_ws(s.p + 1, s.end);
			continue;
		}
		if (s.p < s.end && *s.p == '}')
			break;
		return false;
	}
done:
	return ct_json_ws(s.p + 1, s.end) == s.end;
}

/* Whether the pass pays: one rule alone may read the JSON of a few of the
 * events it names (those it reports), and extracting all of them would
 * cost it more. */
static bool jx_wanted(const struct job *jobs, size_t n)
{
	size_t readers = 0;
	for (size_t i = 0; i < n; i++)
		readers += jobs[i].json;
	return readers >= 2;
}

/* The shared JSON pass on db, in id order (the order records were put in
 * their blocks, so that each block is inflated once), until the budget is
 * spent; NULL when fewer than two selected rules read the JSON columns or
 * on failure (the rules then read the records themselves). */
static struct jx *jx_build(sqlite3 *db, const struct job *jobs, size_t n)
{
	struct jx *x = calloc(1, sizeof(*x));
	struct ct_buf names = {0}, sql = {0};
	sqlite3_stmt *st = NULL, *slow = NULL;
	size_t readers = 0;
	ct_buf_printf(&names, "[");
	for (size_t i = 0; x && i < n; i++) {
		unsigned cols = 0;
		for (size_t c = 0; c < JX_NCOLS; c++)
			if (ct_mentions_word(jobs[i].r->sql, jx_cols[c][0]))
				cols |= 1u << c;
		if (cols) {
			quoted_words(jobs[i].r->sql, &names);
			readers++;
		}
		x->cols |= cols;
	}
	ct_buf_printf(&names, "]");
	if (readers < 2 || !x || !names.p || !x->cols)
		goto fail; /* see jx_wanted */
	/* the records that jx_members cannot read go to json_extract; every
	 * column, cached or not, keeps its place: ct_jx(id, c) */
	ct_buf_printf(&sql, "SELECT NULL");
	for (size_t c = 0; c < JX_NCOLS; c++)
		if (x->cols & 1u << c)
			ct_buf_printf(&sql, ", json_extract(?1, '$.%s')", jx_cols[c][1]);
		else
			ct_buf_printf(&sql, ", NULL");
	if (!sql.p || sqlite3_prepare_v2(db, sql.p, -1, &slow, NULL) != SQLITE_OK)
		goto fail;
	/* +ename: the table in id order, not the ev_name index */
	if (sqlite3_prepare_v2(db,
			       "SELECT e.id, " RECORD_EXPR " FROM main.ev e WHERE +e.ename IN (SELECT id FROM names"
			       " WHERE s IN (SELECT value FROM json_each(?1)))",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, names.p, -1, SQLITE_STATIC);
	bool ok = true;
	while (ok && x->arena.len + x->n * sizeof(*x->ents) < JX_MAX_BYTES && sqlite3_step(st) == SQLITE_ROW) {
		if (x->n == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 1024;
			struct jx_ent *e = realloc(x->ents, cap * sizeof(*e));
			if (!(ok = e != NULL))
				break;
			x->ents = e;
			x->cap = cap;
		}
		struct jx_ent *e = &x->ents[x->n];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		const char *rec = (const char *)sqlite3_column_text(st, 1), *span[JX_NCOLS][2];
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (!rec) { /* no record: json_extract(NULL) is NULL */
			for (size_t c = 0; c < JX_NCOLS; c++)
				e->v[c].type = SQLITE_NULL;
		} else if (jx_members(rec, len, x->cols, span)) {
			for (size_t c = 0; c < JX_NCOLS && ok; c++) {
				struct jx_val *v = &e->v[c];
				v->type = SQLITE_NULL;
				if (!span[c][0])
					continue;
				v->type = SQLITE_TEXT;
				v->off = (uint32_t)x->arena.len;
				v->len = (uint32_t)(span[c][1] - span[c][0]);
				ok = ct_buf_append(&x->arena, span[c][0], v->len) == 0;
			}
		} else {
			sqlite3_reset(slow);
			sqlite3_bind_text(slow, 1, rec, (int)len, SQLITE_STATIC);
			ok = sqlite3_step(slow) == SQLITE_ROW;
			for (size_t c = 0; c < JX_NCOLS && ok; c++)
				ok = jx_keep(x, slow, (int)c + 1, &e->v[c]);
		}
		if (ok)
			x->n++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(slow);
	ct_buf_free(&names);
	ct_buf_free(&sql);
	return x;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(slow);
	ct_buf_free(&names);
	ct_buf_free(&sql);
	jx_free(x);
	return NULL;
}

/* Runs the jobs on up to `nthreads` threads; with one, on db in this thread. */
static void run_jobs(struct ct_index *idx, sqlite3 *db, struct job *jobs, size_t n, int nthreads,
		     const struct ct_detect_opts *o, struct ct_detect_result *res)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	struct worker *w = nthreads > 1 ? calloc((size_t)nthreads, sizeof(*w)) : NULL;
	struct ct_index **readers = calloc((size_t)nthreads, sizeof(*readers));
	sqlite3 **dbs = calloc((size_t)nthreads, sizeof(*dbs));
	if (!order || !w || !readers)
		nthreads = 1;
	if (order)
		cost_order(db, jobs, n, order);
	struct pool p = {.jobs = jobs, .order = order, .n = n, .o = o};
	p.taken = calloc(n ? n : 1, sizeof(*p.taken));
	int ndbs = 0;
	/* readers even for one thread: set up for the rules (open_reader), which
	 * the caller's connection is not */
	for (int i = 0; dbs && readers && i < nthreads; i++) {
		struct ct_err e = {0};
		if (open_reader(idx, o, &readers[i], &e) < 0)
			break;
		dbs[ndbs++] = ct_index_db(readers[i]);
	}
	if (dbs && !ndbs)
		dbs[ndbs++] = db;
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < JX_NCOLS && !jobs[i].json; c++)
			jobs[i].json = ct_mentions_word(jobs[i].r->sql, jx_cols[c][0]);
	struct jx *x = NULL;
	if (dbs && dbs[0] != db && ndbs > 1 && p.taken) {
		/* the pass on the first connection, the rules that need none of
		 * it on the others meanwhile */
		pthread_mutex_init(&p.mu, NULL);
		pthread_cond_init(&p.cv, NULL);
		p.left = n;
		p.jx_pending = jx_wanted(jobs, n);
		int started = 0;
		for (int i = 0; i < ndbs; i++) {
			w[i] = (struct worker){.p = &p, .db = dbs[i], .builds_jx = i == 0 && p.jx_pending};
			if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
				break;
			w[i].started = true;
			started++;
		}
		/* w[0], the one that builds the pass, starts first or none does */
		if (!started) {
			struct worker self = {.p = &p, .db = dbs[0], .builds_jx = p.jx_pending};
			worker_main(&self);
		}
		for (int i = 0; i < ndbs; i++)
			if (w[i].started)
				pthread_join(w[i].thread, NULL);
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		x = p.x;
		if (x) {
			res->json_pass_seconds = p.jx_seconds;
			res->json_pass_events = x->n;
		}
	} else {
		/* one connection: the pass first, then the rules in order */
		double t0 = now_s();
		x = dbs ? jx_build(dbs[0], jobs, n) : NULL;
		if (x) {
			res->json_pass_seconds = now_s() - t0;
			res->json_pass_events = x->n;
			if (set_window(dbs[0], o->since_ms, o->until_ms, x, NULL) < 0) {
				set_window(dbs[0], o->since_ms, o->until_ms, NULL, NULL);
				jx_free(x);
				x = NULL;
			}
		}
		for (size_t i = 0; i < n; i++)
			run_job(dbs ? dbs[0] : db, &jobs[order ? order[i] : i], o);
	}
	if (x && dbs && dbs[0] == db)
		set_window(db, o->since_ms, o->until_ms, NULL, NULL);
	free(p.taken);
	for (int i = 0; readers && i < nthreads; i++)
		ct_index_free(readers[i]);
	jx_free(x);
	free(dbs);
	free(readers);
	free(w);
	free(order);
}

int ct_detect_run(struct ct_index *idx, const struct ct_ruleset *rs, const struct ct_detect_opts *o,
		  struct ct_detect_result *ret, struct ct_err *err)
{
	sqlite3 *db = ct_index_db(idx);
	struct ct_detect_result res = {0};
	res.max_severity = -1;
	int rc = -1;
	sqlite3_stmt *ins = NULL;
	struct job *jobs = NULL;
	size_t njobs = 0;

	/* --set names a parameter some selected rule has */
	for (size_t s = 0; s < o->nsets; s++) {
		const char *eq = strchr(o->sets[s], '=');
		if (!eq || eq == o->sets[s])
			return ct_err_set(err, CT_E_USAGE, "", 0, "--set takes NAME=VALUE, not '%s'", o->sets[s]);
	}
	if (set_window(db, o->since_ms, o->until_ms, NULL, err) < 0)
		return -1;
	/* the lists the rules consult are committed first: the readers see them */
	if (exec_sql(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	char deflt[4200];
	snprintf(deflt, sizeof(deflt), "%s.allowlist", ct_index_path(idx));
	if (load_allowlist(db, o->allowlist_path ? o->allowlist_path : deflt, o->allowlist_path != NULL, err) < 0)
		goto rollback;
	/* indexes made before rule_times was added get it here */
	if (exec_sql(db, "CREATE TABLE IF NOT EXISTS rule_times(rule_id TEXT PRIMARY KEY, seconds REAL NOT NULL)",
		     err) < 0)
		goto rollback;
	if (exec_sql(db, "DELETE FROM listed_ip", err) < 0)
		goto rollback;
	for (size_t i = 0; i < o->nip_lists; i++)
		if (load_ip_list(db, o->ip_lists[i], err) < 0)
			goto rollback;
	if (exec_sql(db, "COMMIT", err) < 0)
		goto rollback;

	jobs = calloc(rs->n ? rs->n : 1, sizeof(*jobs));
	if (!jobs) {
		ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rs->n; i++)
		if (rule_selected(rs->rules[i], o))
			jobs[njobs++].r = rs->rules[i];
	int nthreads = o->jobs > 0 ? o->jobs : default_jobs();
	if ((size_t)nthreads > njobs)
		nthreads = njobs ? (int)njobs : 1;
	run_jobs(idx, db, jobs, njobs, nthreads, o, &res);

	if (exec_sql(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	char now[32];
	ct_time_format(ct_time_now_ms(), now);
	sqlite3_stmt *run;
	if (sqlite3_prepare_v2(db, "INSERT INTO detect_runs(started_at) VALUES(?)", -1, &run, NULL) != SQLITE_OK) {
		ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
		goto rollback;
	}
	sqlite3_bind_text(run, 1, now, -1, SQLITE_STATIC);
	sqlite3_step(run);
	sqlite3_finalize(run);
	res.run_id = sqlite3_last_insert_rowid(db);
	if (sqlite3_prepare_v2(
		    db,
		    "INSERT INTO findings(run_id, rule_id, severity, severity_rank, title, tactics, techniques,"
		    " first_time, last_time, account, region, identity, access_key, source_ip, summary,"
		    " evidence) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    -1, &ins, NULL) != SQLITE_OK) {
		ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
		goto rollback;
	}
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		const struct ct_rule *r = j->r;
		if (j->nomem) {
			ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
			goto rollback;
		}
		if (!j->prepared) {
			rule_error(o, r, j->line, "%s", j->why);
			res.rules_failed++;
			continue;
		}
		/* the rows a failing rule returned before its error are kept */
		if (j->failed) {
			rule_error(o, r, 0, "%s", j->why);
			res.rules_failed++;
		} else {
			res.rules_run++;
		}
		for (uint64_t k = 0; k < j->rows; k++) {
			sqlite3_value **row = j->vals + k * CT_ARRAY_SIZE(finding_cols);
			sqlite3_bind_int64(ins, 1, res.run_id);
			sqlite3_bind_text(ins, 2, r->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, ct_severity_name(r->severity), -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 4, r->severity);
			sqlite3_bind_text(ins, 5, r->title, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 6, r->tactics, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 7, r->techniques, -1, SQLITE_STATIC);
			for (int c = 0; c < 9; c++)
				sqlite3_bind_value(ins, 8 + c, row[c]);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
				sqlite3_reset(ins);
				goto rollback;
			}
			sqlite3_reset(ins);
		}
		res.findings += j->rows;
		if (j->rows && r->severity > res.max_severity)
			res.max_severity = r->severity;
		if (o->on_profile)
			o->on_profile(o->ud, r->id, j->seconds, j->rows);
	}
	if (o->on_profile && res.json_pass_events)
		o->on_profile(o->ud, "(shared JSON pass, events read)", res.json_pass_seconds, res.json_pass_events);
	/* each rule's time, for the order of the next run */
	sqlite3_stmt *rt;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO rule_times(rule_id, seconds) VALUES(?, ?)"
			       " ON CONFLICT(rule_id) DO UPDATE SET seconds = excluded.seconds",
			       -1, &rt, NULL) == SQLITE_OK) {
		for (size_t i = 0; i < njobs; i++) {
			if (!jobs[i].prepared || jobs[i].failed)
				continue;
			sqlite3_bind_text(rt, 1, jobs[i].r->id, -1, SQLITE_STATIC);
			sqlite3_bind_double(rt, 2, jobs[i].seconds);
			sqlite3_step(rt);
			sqlite3_reset(rt);
		}
		sqlite3_finalize(rt);
	}
	sqlite3_stmt *upd;
	if (sqlite3_prepare_v2(db, "UPDATE detect_runs SET rules = ?, failed = ?, findings = ? WHERE id = ?", -1, &upd,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(upd, 1, (int64_t)res.rules_run);
		sqlite3_bind_int64(upd, 2, (int64_t)res.rules_failed);
		sqlite3_bind_int64(upd, 3, (int64_t)res.findings);
		sqlite3_bind_int64(upd, 4, res.run_id);
		sqlite3_step(upd);
		sqlite3_finalize(upd);
	}
	if (exec_sql(db, "COMMIT", err) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(ins);
	for (size_t i = 0; i < njobs; i++)
		job_clear(&jobs[i]);
	free(jobs);
	/* back to the whole index for whatever the caller does next */
	set_window(db, INT64_MIN / 2, INT64_MAX / 2, NULL, NULL);
	if (ret)
		*ret = res;
	return rc;
}
