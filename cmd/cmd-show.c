/* cmd-show.c - ctscan show: the verbatim records of events. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int exec_show(struct ct_cli *cli, int argc, char **argv)
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
	if (optind >= argc) {
		ct_cli_error("show needs at least one EVENTID");
		return ct_cli_usage(ct_cli_current);
	}
	int rc = ct_cli_open_index(cli);
	if (rc)
		return rc;
	sqlite3 *db = ct_index_db(cli->idx);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT raw FROM events WHERE id IN (SELECT id FROM ev e WHERE " CT_EVENT_ID_MATCH(
				       "e") ") ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK) {
		ct_cli_error("%s", sqlite3_errmsg(db));
		return CT_EXIT_SYSTEM;
	}
	int status = CT_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		sqlite3_bind_text(st, 1, argv[i], -1, SQLITE_STATIC);
		int found = 0, r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			const void *p = sqlite3_column_text(st, 0);
			int n = sqlite3_column_bytes(st, 0);
			fwrite(p, 1, (size_t)n, stdout);
			fputc('\n', stdout);
			found++;
		}
		if (r != SQLITE_DONE) {
			ct_cli_error("%s", sqlite3_errmsg(db));
			status = CT_EXIT_SYSTEM;
		} else if (!found) {
			ct_cli_error("no event with id '%s' in the index", argv[i]);
			if (status == CT_EXIT_OK)
				status = CT_EXIT_QUERY;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return status;
}

const struct ct_cmd cmd_show = {
	.name = "show",
	.usage = "show [-d INDEX] EVENTID...",
	.summary = "print events exactly as they stood in the original logs",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_show,
	.help = "  -d, --index INDEX   the index (default $CTSCAN_DB, else ./ctscan.db)\n",
};
