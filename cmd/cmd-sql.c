/* cmd-sql.c - ctscan sql: ad-hoc, strictly read-only SQL over the index.
 *
 * The index is opened read-only (CT_OPEN_READONLY), and on top of that an
 * authorizer refuses, at prepare time and with a message that says why:
 * writes to the index (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER,
 * ANALYZE, REINDEX on any database but temp), ATTACH and DETACH, PRAGMAs
 * that set something or are not on a read-only list, virtual tables, and
 * load_extension().  VACUUM (which can write a new file with INTO) has no
 * authorizer code and is refused by its first keyword.  TEMP tables and
 * views stay allowed: they live in memory and die with the process, and
 * they make several-statement scripts possible.  The same guard protects
 * timeline's --where (see cmd.h).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define SQL_MAX_INPUT (16u << 20) /* bytes of SQL read with -f */

/* ---- the read-only guard ---- */

/* PRAGMAs that only report, with or without an argument (a table or index
 * name, a schema). */
static const char *const pragma_query[] = {
	"table_info",
	"table_xinfo",
	"table_list",
	"index_list",
	"index_info",
	"index_xinfo",
	"foreign_key_list",
	"foreign_key_check",
	"integrity_check",
	"quick_check",
	"function_list",
	"pragma_list",
	"module_list",
	"collation_list",
	"database_list",
	"compile_options",
	NULL,
};

/* PRAGMAs allowed only without an argument: reading a setting. */
static const char *const pragma_read[] = {
	"user_version",   "schema_version", "application_id", "page_count",         "page_size",
	"freelist_count", "encoding",       "data_version",   "journal_mode",       "auto_vacuum",
	"max_page_count", "cache_size",     "busy_timeout",   "foreign_keys",       "query_only",
	"temp_store",     "synchronous",    "mmap_size",      "recursive_triggers", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcasecmp(list[i], s) == 0)
			return true;
	return false;
}

static bool is_temp(const char *db)
{
	return db && strcmp(db, "temp") == 0;
}

static int deny(struct ct_sql_guard *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int deny(struct ct_sql_guard *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	return SQLITE_DENY;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int authorize(void *ud, int action, const char *a1, const char *a2, const char *db, const char *trigger)
{
	struct ct_sql_guard *g = ud;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT: return SQLITE_OK;
	case SQLITE_FUNCTION:
		/* a1 unused, a2 the function name */
		if (a2 && strcasecmp(a2, "load_extension") == 0)
			return deny(g, "load_extension() is not allowed");
		return SQLITE_OK;
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_TEMP_VIEW: return SQLITE_OK;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		if (is_temp(db))
			return SQLITE_OK;
		/* SQLite itself reports an UPDATE of sqlite_master when a
		 * table-valued function (json_each) declares its table; users
		 * cannot write the schema table anyway (read-only, and
		 * writable_schema is not settable here). */
		if (action == SQLITE_UPDATE && a1 && strcmp(a1, "sqlite_master") == 0)
			return SQLITE_OK;
		/* A CREATE or DROP first asks to write its row of the schema
		 * table, then asks for itself: that second question, refused
		 * below, names what the user wrote.  Writing sqlite_master
		 * directly needs writable_schema, which cannot be set here. */
		if (action != SQLITE_UPDATE && a1 && strcmp(a1, "sqlite_master") == 0)
			return SQLITE_OK;
		return deny(g, "the index is read-only: cannot %s '%s' (TEMP tables may be written)",
			    action == SQLITE_INSERT   ? "insert into"
			    : action == SQLITE_UPDATE ? "update"
						      : "delete from",
			    nz(a1));
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_VIEW:
		if (is_temp(db))
			return SQLITE_OK;
		return deny(g, "the index is read-only: cannot create '%s' (use CREATE TEMP ...)", nz(a1));
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW:
		if (is_temp(db))
			return SQLITE_OK;
		return deny(g, "the index is read-only: cannot drop '%s'", nz(a1));
	case SQLITE_ALTER_TABLE: return deny(g, "the index is read-only: cannot alter '%s'", nz(a2));
	case SQLITE_ANALYZE:
	case SQLITE_REINDEX:
		return deny(g, "the index is read-only: cannot %s", action == SQLITE_ANALYZE ? "ANALYZE" : "REINDEX");
	case SQLITE_ATTACH:
	case SQLITE_DETACH: return deny(g, "%s is not allowed", action == SQLITE_ATTACH ? "ATTACH" : "DETACH");
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_VTABLE: return deny(g, "virtual tables cannot be created or dropped ('%s')", nz(a1));
	case SQLITE_PRAGMA:
		if (in_list(pragma_query, a1) || (!a2 && in_list(pragma_read, a1)))
			return SQLITE_OK;
		if (a2)
			return deny(g, "PRAGMA %s = %s is not allowed (the index is read-only)", nz(a1), a2);
		return deny(g, "PRAGMA %s is not allowed", nz(a1));
	default: return deny(g, "statement not allowed (the index is read-only)");
	}
}

void ct_sql_guard_install(sqlite3 *db, struct ct_sql_guard *g)
{
	g->why[0] = 0;
	sqlite3_set_authorizer(db, authorize, g);
}

/* Skips white space and SQL comments. */
static const char *skip_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

int ct_sql_guard_prepare(sqlite3 *db, struct ct_sql_guard *g, const char *sql, sqlite3_stmt **ret_st,
			 const char **ret_tail, char *msg, size_t msglen)
{
	const char *p = skip_space(sql);
	*ret_st = NULL;
	if (strncasecmp(p, "vacuum", 6) == 0 && !isalnum((unsigned char)p[6]) && p[6] != '_') {
		snprintf(msg, msglen, "VACUUM is not allowed (the index is read-only)");
		return -1;
	}
	g->why[0] = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, ret_st, ret_tail);
	if (rc != SQLITE_OK) {
		if (g->why[0]) /* the guard refused something */
			snprintf(msg, msglen, "%s", g->why);
		else
			snprintf(msg, msglen, "%s", sqlite3_errmsg(db));
		*ret_st = NULL;
		return -1;
	}
	return 0;
}

/* ---- parameters ---- */

struct param {
	const char *name; /* without : @ $ */
	const char *value;
	bool used;
};

/* Whether v is an integer written canonically: -?(0|[1-9][0-9]*), 64-bit. */
static bool int_like(const char *v, long long *ret)
{
	const char *p = v + (*v == '-');
	if (!*p || (p[0] == '0' && p[1]) || strspn(p, "0123456789") != strlen(p))
		return false;
	if (v[0] == '-' && strcmp(p, "0") == 0)
		return false;
	errno = 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (errno || *end)
		return false;
	*ret = n;
	return true;
}

static int bind_params(sqlite3_stmt *st, struct param *ps, int np, char *msg, size_t msglen)
{
	int n = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= n; i++) {
		const char *pn = sqlite3_bind_parameter_name(st, i);
		char num[24];
		const char *key;
		if (!pn) { /* a bare ? */
			snprintf(num, sizeof(num), "%d", i);
			key = num;
		} else {
			key = pn + 1; /* ?NNN, :name, @name, $name */
		}
		struct param *p = NULL;
		for (int j = np - 1; j >= 0 && !p; j--) /* the last -p of a name wins */
			if (strcmp(ps[j].name, key) == 0)
				p = &ps[j];
		if (!p) {
			snprintf(msg, msglen, "parameter '%s' has no value: give it with -p %s=VALUE", pn ? pn : "?",
				 key);
			return -1;
		}
		p->used = true;
		long long iv;
		int rc = int_like(p->value, &iv) ? sqlite3_bind_int64(st, i, iv)
						 : sqlite3_bind_text(st, i, p->value, -1, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			snprintf(msg, msglen, "cannot bind parameter '%s': %s", pn ? pn : "?", sqlite3_errstr(rc));
			return -1;
		}
	}
	return 0;
}

/* ---- input ---- */

static char *read_all(const char *path, char *msg, size_t msglen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		snprintf(msg, msglen, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (cap - len < 2) {
			if (cap > SQL_MAX_INPUT) {
				snprintf(msg, msglen, "'%s': more than %u MiB of SQL", path, SQL_MAX_INPUT >> 20);
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				snprintf(msg, msglen, "cannot read '%s': %s", path, strerror(errno));
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (!buf && !msg[0])
		snprintf(msg, msglen, "out of memory");
	if (buf) {
		buf[len] = 0;
		if (strlen(buf) != len) {
			snprintf(msg, msglen, "'%s': a NUL byte in the SQL text", path);
			free(buf);
			buf = NULL;
		}
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Whether text holds more than one statement: something after the first
 * ';' outside quotes and comments.  (A trigger body's ';' counts too: then
 * an error names its line, which does no harm.)  Decided up front, since
 * after a syntax error SQLite's tail points into the broken statement. */
static bool several_statements(const char *text)
{
	const char *p = skip_space(text);
	while (*p) {
		char c = *p;
		if (c == '\'' || c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : c;
			const char *e = strchr(p + 1, close);
			if (!e)
				return false;
			p = e + 1;
		} else if ((c == '-' && p[1] == '-') || (c == '/' && p[1] == '*')) {
			p = skip_space(p);
		} else if (c == ';') {
			do
				p = skip_space(p + 1);
			while (*p == ';');
			return *p != 0;
		} else {
			p++;
		}
	}
	return false;
}

/* 1-based line of position p in text. */
static int line_of(const char *text, const char *p)
{
	int n = 1;
	for (const char *q = text; q < p; q++)
		n += *q == '\n';
	return n;
}

static int exec_sql(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},  {"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'o'}, {"param", required_argument, NULL, 'p'},
		{"file", required_argument, NULL, 'f'},   {NULL, 0, NULL, 0},
	};
	enum ct_format fmt = CT_FMT_TABLE;
	const char *file = NULL;
	struct param *ps = calloc((size_t)argc + 1, sizeof(*ps));
	int np = 0, c, status = CT_EXIT_OK;
	char *text = NULL;
	char msg[1200] = "";
	if (!ps) {
		ct_cli_error("out of memory");
		return CT_EXIT_SYSTEM;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:o:p:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, raw, md)",
					     optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			break;
		case 'p': {
			char *eq = strchr(optarg, '=');
			const char *name = optarg;
			if (eq && (*name == ':' || *name == '@' || *name == '$'))
				name++;
			if (!eq || eq == name) {
				ct_cli_error("-p takes NAME=VALUE, not '%s'", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			*eq = 0;
			ps[np].name = name;
			ps[np].value = eq + 1;
			np++;
			break;
		}
		case 'f': file = optarg; break;
		default: status = ct_cli_usage(ct_cli_current); goto out;
		}
	}
	if (file && optind < argc) {
		ct_cli_error("sql takes either an SQL argument or -f FILE, not both");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (!file && optind != argc - 1) {
		ct_cli_error(optind >= argc ? "sql needs an SQL statement or -f FILE"
					    : "sql takes one SQL argument: quote the statement");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (file) {
		text = read_all(file, msg, sizeof(msg));
		if (!text) {
			ct_cli_error("sql: %s", msg);
			status = CT_EXIT_INPUT;
			goto out;
		}
	} else if (!(text = strdup(argv[optind]))) {
		ct_cli_error("out of memory");
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	if (!*skip_space(text)) {
		ct_cli_error("sql: no SQL statement in %s", file ? file : "the argument");
		status = CT_EXIT_USAGE;
		goto out;
	}
	if ((status = ct_cli_open_index(cli)))
		goto out;

	sqlite3 *db = ct_index_db(cli->idx);
	struct ct_sql_guard guard;
	ct_sql_guard_install(db, &guard);
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);

	const char *p = text;
	bool several = several_statements(text);
	bool printed = false; /* a result set has been written */
	while (*(p = skip_space(p))) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		const char *start = p;
		if (ct_sql_guard_prepare(db, &guard, p, &st, &tail, msg, sizeof(msg)) < 0) {
			status = CT_EXIT_QUERY;
			goto stmt_error;
		}
		if (!st) /* only a comment or a lone ';' */
			goto next;
		if (bind_params(st, ps, np, msg, sizeof(msg)) < 0) {
			sqlite3_finalize(st);
			status = CT_EXIT_USAGE;
			goto stmt_error;
		}
		if (sqlite3_column_count(st) > 0) {
			if (printed &&
			    (fmt == CT_FMT_TABLE || fmt == CT_FMT_CSV || fmt == CT_FMT_TSV || fmt == CT_FMT_MD))
				ct_cli_write(cli, "\n", 1);
			struct ct_err err = {0};
			uint64_t rows = 0;
			int r = ct_out_stmt(&spec, st, &rows, &err);
			sqlite3_finalize(st);
			if (r == 1) /* the reader went away */
				goto out;
			if (r < 0) {
				if (err.code == CT_E_QUERY) {
					/* the guard refused what the statement ran (the
					 * PRAGMA behind pragma_writable_schema, say) */
					snprintf(msg, sizeof(msg), "%s", guard.why[0] ? guard.why : err.msg);
					status = CT_EXIT_QUERY;
					goto stmt_error;
				}
				status = ct_cli_report(&err);
				goto out;
			}
			printed = printed || rows > 0 || fmt == CT_FMT_JSON;
		} else {
			int r;
			while ((r = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (r != SQLITE_DONE) {
				snprintf(msg, sizeof(msg), "%s", guard.why[0] ? guard.why : sqlite3_errmsg(db));
				sqlite3_finalize(st);
				status = (r & 0xff) == SQLITE_NOMEM ? CT_EXIT_SYSTEM : CT_EXIT_QUERY;
				goto stmt_error;
			}
			sqlite3_finalize(st);
		}
	next:
		if (!tail || tail == p)
			break;
		p = tail;
		continue;
	stmt_error:
		/* Say where when the input holds more than this statement. */
		if (several)
			ct_cli_error("sql: %s%s%d: %s", file ? file : "line", file ? ":" : " ", line_of(text, start),
				     msg);
		else
			ct_cli_error("sql: %s", msg);
		goto out;
	}
	for (int j = 0; j < np; j++) {
		bool used = false;
		for (int k = 0; k < np; k++)
			used = used || (ps[k].used && strcmp(ps[k].name, ps[j].name) == 0);
		if (!used)
			ct_cli_warn("sql: parameter '%c%s' given with -p is not used",
				    strspn(ps[j].name, "0123456789") == strlen(ps[j].name) ? '?' : ':', ps[j].name);
	}
out:
	free(text);
	free(ps);
	return status;
}

const struct ct_cmd cmd_sql = {
	.name = "sql",
	.usage = "sql [-d INDEX] [-o FORMAT] [-p NAME=VALUE]... ('SQL' | -f FILE)",
	.summary = "run read-only SQL over the index (tables ev, strs, sources; views events, flows)",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_sql,
	.help = "  -d, --index INDEX   the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  -o, --output FORMAT table (default), csv, tsv, json, ndjson, raw, md\n"
		"  -p, --param NAME=VALUE\n"
		"                      bind :NAME (also @NAME, $NAME, ?NNN); a canonical integer\n"
		"                      binds as an integer, anything else as text\n"
		"  -f, --file FILE     read the SQL from FILE (- for standard input)\n"
		"Several statements run in order; each that returns rows is printed.\n"
		"Writes to the index, ATTACH, setting PRAGMAs and load_extension are refused;\n"
		"TEMP tables and views may be created.\n",
};
