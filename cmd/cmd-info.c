/* cmd-info.c - ctscan info: what the index holds. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

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

/* Prints "  value  count" rows of a two-column query, at most `limit`. */
static int list(sqlite3 *db, const char *title, const char *sql, int limit)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int n = 0, rc;
	long long more = 0;
	printf("%s:\n", title);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ >= limit) {
			more++;
			continue;
		}
		const char *v = (const char *)sqlite3_column_text(st, 0);
		printf("  %-40s %lld\n", v ? v : "(none)", (long long)sqlite3_column_int64(st, 1));
	}
	if (n == 0)
		printf("  (none)\n");
	if (more)
		printf("  ... and %lld more\n", more);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int exec_info(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:", opts, NULL)) != -1) {
		if (c == 'd')
			cli->index_path = optarg;
		else
			return ct_cli_badopt(c, argv);
	}
	if (optind < argc) {
		ct_cli_error("info takes no arguments");
		return ct_cli_usage(ct_cli_current);
	}
	int rc = ct_cli_open_index(cli);
	if (rc)
		return rc;
	sqlite3 *db = ct_index_db(cli->idx);
	long long ver, events, sources, blocks, strs, ok, partial, trunc, skipped;
	struct stat st;
	long long size = stat(ct_index_path(cli->idx), &st) == 0 ? (long long)st.st_size : 0;
	if (scalar(db, "PRAGMA user_version", &ver) || scalar(db, "SELECT count(*) FROM ev", &events) ||
	    scalar(db, "SELECT count(*) FROM sources", &sources) ||
	    scalar(db, "SELECT count(*) FROM blocks", &blocks) || scalar(db, "SELECT count(*) FROM strs", &strs) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'ok'", &ok) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'partial'", &partial) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'truncated'", &trunc) ||
	    scalar(db, "SELECT count(*) FROM sources WHERE status = 'skipped'", &skipped))
		goto sqlerr;
	printf("index:          %s (%.1f MB)\n", ct_index_path(cli->idx), (double)size / 1e6);
	printf("schema version: %lld\n", ver);
	printf("events:         %lld\n", events);
	printf("sources:        %lld (%lld ok, %lld partial, %lld truncated, %lld skipped)\n", sources, ok, partial,
	       trunc, skipped);
	printf("record blocks:  %lld\n", blocks);
	printf("strings:        %lld\n", strs);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT ts_iso(min(ts)), ts_iso(max(ts)) FROM ev", -1, &q, NULL) != SQLITE_OK)
		goto sqlerr;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		printf("time range:     %s .. %s\n", sqlite3_column_text(q, 0), sqlite3_column_text(q, 1));
	else
		printf("time range:     (no events)\n");
	sqlite3_finalize(q);
	if (list(db, "accounts",
		 "SELECT s.s, count(*) FROM ev e LEFT JOIN strs s ON s.id = e.acct GROUP BY e.acct ORDER BY 2 DESC, 1",
		 20) ||
	    list(db, "regions",
		 "SELECT s.s, count(*) FROM ev e LEFT JOIN strs s ON s.id = e.region GROUP BY e.region ORDER BY 2 DESC, 1",
		 30) ||
	    list(db, "event sources",
		 "SELECT n.s, count(*) FROM ev e JOIN names n ON n.id = e.esrc GROUP BY e.esrc ORDER BY 2 DESC, 1", 15))
		goto sqlerr;
	long long flows, nodata, skipdata, ifaces;
	if (scalar(db, "SELECT count(*) FROM flow_rows", &flows) ||
	    scalar(db, "SELECT count(*) FROM flow_rows WHERE log_status = 'NODATA'", &nodata) ||
	    scalar(db, "SELECT count(*) FROM flow_rows WHERE log_status = 'SKIPDATA'", &skipdata) ||
	    scalar(db, "SELECT count(DISTINCT interface_id) FROM flow_rows", &ifaces))
		goto sqlerr;
	printf("flows:          %lld (%lld interfaces; gaps: %lld NODATA, %lld SKIPDATA)\n", flows, ifaces, nodata,
	       skipdata);
	if (flows) {
		if (sqlite3_prepare_v2(db, "SELECT ts_iso(min(start)), ts_iso(max(\"end\")) FROM flow_rows", -1, &q,
				       NULL) != SQLITE_OK)
			goto sqlerr;
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
			printf("flow time range: %s .. %s\n", sqlite3_column_text(q, 0), sqlite3_column_text(q, 1));
		sqlite3_finalize(q);
		if (list(db, "flow interfaces",
			 "SELECT interface_id, count(*) FROM flow_rows GROUP BY interface_id ORDER BY 2 DESC, 1", 10))
			goto sqlerr;
		if (sqlite3_prepare_v2(db,
				       "SELECT coalesce(interface_id, '-'), log_status, ts_iso(start), ts_iso(\"end\")"
				       " FROM flow_rows WHERE log_status IN ('NODATA', 'SKIPDATA') ORDER BY start, id",
				       -1, &q, NULL) != SQLITE_OK)
			goto sqlerr;
		printf("flow log gaps:\n");
		int g = 0;
		while (sqlite3_step(q) == SQLITE_ROW) {
			if (g++ < 20)
				printf("  %s %s %s .. %s\n", sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
				       sqlite3_column_text(q, 2), sqlite3_column_text(q, 3));
		}
		if (!g)
			printf("  (none)\n");
		else if (g > 20)
			printf("  ... and %d more\n", g - 20);
		sqlite3_finalize(q);
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT path, status, errors, coalesce(message, '') FROM sources"
			       " WHERE status IN ('partial', 'truncated') ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		goto sqlerr;
	printf("sources with errors:\n");
	int n = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		n++;
		printf("  %s: %s, %lld records rejected%s%s\n", sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
		       (long long)sqlite3_column_int64(q, 2), sqlite3_column_bytes(q, 3) ? ": " : "",
		       sqlite3_column_text(q, 3));
	}
	if (!n)
		printf("  (none)\n");
	sqlite3_finalize(q);
	return CT_EXIT_OK;
sqlerr:
	ct_cli_error("'%s': %s", ct_index_path(cli->idx), sqlite3_errmsg(db));
	return CT_EXIT_SYSTEM;
}

const struct ct_cmd cmd_info = {
	.name = "info",
	.usage = "info [-d INDEX]",
	.summary = "summarise the index: events, flows, sources, time range, accounts, regions, errors",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_info,
	.help = "  -d, --index INDEX   the index (default $CTSCAN_DB, else ./ctscan.db)\n",
};
