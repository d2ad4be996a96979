/* cmd-custody.c - ctscan custody: the chain-of-custody record of a case file.
 *
 * One row per source (every file ingest looked at) with its hashes, what
 * was read from it, when and by which ctscan, and its integrity status
 * from the latest `ctscan verify`; before it, the index's own totals.
 *
 * The index file itself is not hashed: in WAL mode its bytes change on a
 * checkpoint without any row changing, and it can be gigabytes.  The
 * sources' hashes are what tie the evidence to the case file; hash the
 * index with sha256sum once no command writes to it any more.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "ct-config.h"
#include "output.h"

static const char *const statuses[] = {
	"valid", "changed", "missing", "unlisted", "signature_invalid", "key_unknown", "no_signature", "unverified",
};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

struct totals {
	const char *path;
	long long size, schema, events, flows, sources;
	long long st_ok, st_partial, st_truncated, st_skipped;
	char first_event[32], last_event[32], first_flow[32], last_flow[32];
	long long integrity[NSTATUS], unchecked;
	long long runs;
	char last_check[32];
	char report_time[32];
};

static int scalar(sqlite3 *db, const char *sql, long long *ret)
{
	sqlite3_stmt *st;
	*ret = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Two text columns of a one-row query into a[32], b[32] ("" for NULL). */
static int pair(sqlite3 *db, const char *sql, char *a, char *b)
{
	sqlite3_stmt *st;
	a[0] = b[0] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *x = (const char *)sqlite3_column_text(st, 0);
		const char *y = (const char *)sqlite3_column_text(st, 1);
		snprintf(a, 32, "%s", x ? x : "");
		snprintf(b, 32, "%s", y ? y : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int gather(sqlite3 *db, const char *path, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	struct stat sb;
	t->size = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
	ct_time_format(ct_time_now_ms(), t->report_time);
	if (scalar(db, "PRAGMA user_version", &t->schema) || scalar(db, "SELECT count(*) FROM ev", &t->events) ||
	    scalar(db, "SELECT count(*) FROM flow_rows", &t->flows) ||
	    scalar(db, "SELECT count(*) FROM sources", &t->sources) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'ok'", &t->st_ok) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'partial'", &t->st_partial) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'truncated'", &t->st_truncated) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'skipped'", &t->st_skipped) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE integrity IS NULL", &t->unchecked) ||
	    scalar(db, "SELECT count(DISTINCT run_id) FROM integrity", &t->runs) ||
	    pair(db, "SELECT ts_iso(min(ts)), ts_iso(max(ts)) FROM ev", t->first_event, t->last_event) ||
	    pair(db, "SELECT ts_iso(min(start)), ts_iso(max(\"end\")) FROM flow_rows", t->first_flow, t->last_flow))
		return -1;
	char run[32];
	if (pair(db, "SELECT checked_at, run_id FROM integrity ORDER BY run_id DESC, id DESC LIMIT 1", t->last_check,
		 run))
		return -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT integrity, count(*) FROM sources WHERE integrity IS NOT NULL GROUP BY 1", -1,
			       &st, NULL) != SQLITE_OK)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		for (size_t i = 0; i < NSTATUS; i++)
			if (s && strcmp(s, statuses[i]) == 0)
				t->integrity[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- the header, as text ---- */

static const char *range_text(const char *a, const char *b, char *buf, size_t cap)
{
	if (!a[0])
		return "";
	snprintf(buf, cap, ", %s .. %s", a, b);
	return buf;
}

static void integrity_text(const struct totals *t, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < NSTATUS; i++)
		if (t->integrity[i])
			len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%lld %s, ", t->integrity[i],
						statuses[i]);
	if (len >= cap)
		len = cap - 1;
	snprintf(buf + len, cap - len, "%lld not checked", t->unchecked);
	len = strlen(buf);
	if (t->runs)
		snprintf(buf + len, cap - len, " (%lld verify run%s, the last at %s)", t->runs, t->runs == 1 ? "" : "s",
			 t->last_check);
	else
		snprintf(buf + len, cap - len, " (never verified: run 'ctscan verify -d INDEX')");
}

static void text_header(const struct totals *t)
{
	char r1[80], r2[80], integ[512];
	integrity_text(t, integ, sizeof(integ));
	printf("index:          %s (%.1f MB, schema version %lld)\n", t->path, (double)t->size / 1e6, t->schema);
	printf("events:         %lld%s\n", t->events, range_text(t->first_event, t->last_event, r1, sizeof(r1)));
	printf("flows:          %lld%s\n", t->flows, range_text(t->first_flow, t->last_flow, r2, sizeof(r2)));
	printf("sources:        %lld (%lld ok, %lld partial, %lld truncated, %lld skipped)\n", t->sources, t->st_ok,
	       t->st_partial, t->st_truncated, t->st_skipped);
	printf("integrity:      %s\n", integ);
	printf("report:         %s, ctscan %s\n\n", t->report_time, CT_VERSION);
}

/* Markdown text in a list item: the characters that would start markup
 * are escaped. */
static void md_text(const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			putchar('\\');
		if ((unsigned char)*s < 0x20)
			printf("\\x%02X", (unsigned char)*s);
		else
			putchar(*s);
	}
}

static void md_header(const struct totals *t)
{
	char r1[80], r2[80], integ[512];
	integrity_text(t, integ, sizeof(integ));
	printf("## Chain of custody: ");
	md_text(t->path);
	printf("\n\n- Index: ");
	md_text(t->path);
	printf(", %.1f MB, schema version %lld\n", (double)t->size / 1e6, t->schema);
	printf("- Events: %lld%s\n", t->events, range_text(t->first_event, t->last_event, r1, sizeof(r1)));
	printf("- Flows: %lld%s\n", t->flows, range_text(t->first_flow, t->last_flow, r2, sizeof(r2)));
	printf("- Sources: %lld (%lld ok, %lld partial, %lld truncated, %lld skipped)\n", t->sources, t->st_ok,
	       t->st_partial, t->st_truncated, t->st_skipped);
	printf("- Integrity: ");
	md_text(integ);
	printf("\n- Report: %s, ctscan %s\n\n", t->report_time, CT_VERSION);
}

/* ---- the header, as a JSON object ---- */

struct membuf {
	char *p;
	size_t len, cap;
};

static int mem_write(void *ud, const void *buf, size_t len)
{
	struct membuf *m = ud;
	if (m->len + len + 1 > m->cap) {
		size_t cap = m->cap ? m->cap : 1024;
		while (cap < m->len + len + 1)
			cap *= 2;
		char *p = realloc(m->p, cap);
		if (!p)
			return -1;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	m->p[m->len] = 0;
	return 0;
}

/* The totals as one JSON object, through the output layer (its ndjson). */
static int json_header(const struct totals *t, struct membuf *m, struct ct_err *err)
{
	char integ[512];
	size_t len = 0;
	len += (size_t)snprintf(integ, sizeof(integ), "{");
	for (size_t i = 0; i < NSTATUS; i++)
		len += (size_t)snprintf(integ + len, sizeof(integ) - len, "\"%s\":%lld,", statuses[i], t->integrity[i]);
	snprintf(integ + len, sizeof(integ) - len, "\"unchecked\":%lld}", t->unchecked);
	static const char *const names[] = {
		"path",
		"size",
		"schema_version",
		"events",
		"first_event_time",
		"last_event_time",
		"flows",
		"first_flow_time",
		"last_flow_time",
		"sources",
		"sources_ok",
		"sources_partial",
		"sources_truncated",
		"sources_skipped",
		"integrity",
		"verify_runs",
		"last_verified_at",
		"report_time",
		"ctscan_version",
	};
	struct ct_out_value v[] = {
		ct_out_text(t->path),
		ct_out_int(t->size),
		ct_out_int(t->schema),
		ct_out_int(t->events),
		ct_out_text(t->first_event[0] ? t->first_event : NULL),
		ct_out_text(t->last_event[0] ? t->last_event : NULL),
		ct_out_int(t->flows),
		ct_out_text(t->first_flow[0] ? t->first_flow : NULL),
		ct_out_text(t->last_flow[0] ? t->last_flow : NULL),
		ct_out_int(t->sources),
		ct_out_int(t->st_ok),
		ct_out_int(t->st_partial),
		ct_out_int(t->st_truncated),
		ct_out_int(t->st_skipped),
		ct_out_json(integ),
		ct_out_int(t->runs),
		ct_out_text(t->last_check[0] ? t->last_check : NULL),
		ct_out_text(t->report_time),
		ct_out_text(CT_VERSION),
	};
	struct ct_out_spec spec = {.format = CT_FMT_NDJSON, .write = mem_write, .ud = m};
	struct ct_out *o = ct_out_new(&spec, (int)(sizeof(names) / sizeof(names[0])), names, err);
	if (!o)
		return -1;
	int rc = ct_out_row(o, v, err);
	if (rc == 0)
		rc = ct_out_finish(o, err);
	ct_out_free(o);
	if (rc == 0 && m->len && m->p[m->len - 1] == '\n')
		m->p[--m->len] = 0;
	return rc == 0 ? 0 : -1;
}

/* ---- the command ---- */

static const char sources_sql[] =
	"SELECT s.id, s.path, s.size, s.sha256, s.content_size, s.content_sha256, s.kind, s.shape,"
	" s.compression, s.status, s.records, s.events, s.flows, s.duplicates, s.errors,"
	" s.first_event_time, s.last_event_time, s.ingested_at, s.ctscan_version, s.integrity,"
	" (SELECT i.checked_at FROM integrity i WHERE i.source_id = s.id"
	"  ORDER BY i.run_id DESC LIMIT 1) AS integrity_checked_at,"
	" s.message"
	" FROM sources s ORDER BY s.id";

static int exec_custody(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'o'},
		{"output", required_argument, NULL, 'o'}, /* as detect spells it */
		{NULL, 0, NULL, 0},
	};
	enum ct_format fmt = CT_FMT_TABLE;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0 || fmt == CT_FMT_RAW) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md)", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			break;
		default: return ct_cli_badopt(c, argv);
		}
	}
	if (optind < argc) {
		ct_cli_error("custody takes no arguments");
		return ct_cli_usage(ct_cli_current);
	}
	int rc = ct_cli_open_index(cli);
	if (rc)
		return rc;
	sqlite3 *db = ct_index_db(cli->idx);
	struct totals t;
	struct ct_err err = {0};
	struct membuf m = {0};
	sqlite3_stmt *st = NULL;
	int status = CT_EXIT_OK;
	/* one read transaction: the totals and the rows agree */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || gather(db, ct_index_path(cli->idx), &t) < 0 ||
	    sqlite3_prepare_v2(db, sources_sql, -1, &st, NULL) != SQLITE_OK) {
		ct_cli_error("'%s': %s", ct_index_path(cli->idx), sqlite3_errmsg(db));
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	if (fmt == CT_FMT_TABLE)
		text_header(&t);
	else if (fmt == CT_FMT_MD)
		md_header(&t);
	else if (fmt == CT_FMT_JSON) {
		if (json_header(&t, &m, &err) < 0) {
			status = ct_cli_report(&err);
			goto out;
		}
		printf("{\"index\":%s,\n\"sources\":", m.p);
	}
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	uint64_t rows = 0;
	int r = ct_out_stmt(&spec, st, &rows, &err);
	if (r < 0) {
		status = ct_cli_report(&err);
		goto out;
	}
	if (r == 0 && fmt == CT_FMT_JSON)
		printf("}\n");
out:
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	free(m.p);
	return status;
}

const struct ct_cmd cmd_custody = {
	.name = "custody",
	.usage = "custody [-d INDEX] [-o FORMAT]",
	.summary = "the chain-of-custody record: every source with its hashes, ingest and integrity status",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_custody,
	.help = "  -d, --index INDEX   the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  -o, --format FORMAT table (default: the totals, then the sources), md (a report\n"
		"                      section), json (one object: \"index\" and \"sources\"), or csv,\n"
		"                      tsv, ndjson (the sources only)\n",
};
