/* cmd-rules.c - ctscan rules: list the detection rules, or show one. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int exec_rules(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules-dir", required_argument, NULL, 'R'},
		{"no-builtin", no_argument, NULL, 'N'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *dirs[64];
	size_t ndirs = 0;
	bool builtin = true;
	enum ct_format fmt = CT_FMT_TABLE;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'R':
			if (ndirs < 64)
				dirs[ndirs++] = optarg;
			break;
		case 'N': builtin = false; break;
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0 || fmt == CT_FMT_RAW) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md)", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			break;
		default: return ct_cli_badopt(c, argv);
		}
	}
	const char *show = NULL;
	if (optind < argc) {
		if (strcmp(argv[optind], "show") != 0 || optind + 2 != argc) {
			ct_cli_error("usage: rules [show ID]");
			return ct_cli_usage(ct_cli_current);
		}
		show = argv[optind + 1];
	}
	struct ct_ruleset rs = {0};
	struct ct_err err = {0};
	if (builtin && ct_rules_load_dir(&rs, ct_rules_default_dir(), ct_cli_diag, cli, &err) < 0)
		return ct_cli_report(&err);
	for (size_t i = 0; i < ndirs; i++)
		if (ct_rules_load_dir(&rs, dirs[i], ct_cli_diag, cli, &err) < 0) {
			ct_ruleset_clear(&rs);
			return ct_cli_report(&err);
		}
	int status = rs.broken ? CT_EXIT_QUERY : CT_EXIT_OK;
	if (show) {
		for (size_t i = 0; i < rs.n; i++) {
			if (strcmp(rs.rules[i]->id, show) == 0) {
				fputs(rs.rules[i]->text, stdout);
				ct_ruleset_clear(&rs);
				return status;
			}
		}
		ct_cli_error("no rule '%s'", show);
		ct_ruleset_clear(&rs);
		return CT_EXIT_QUERY;
	}
	/* the listing goes through the shared output layer via a memory db */
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *st = NULL;
	int rc = CT_EXIT_SYSTEM;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE TABLE r(id, severity, title, tactics, techniques, tags, params, description,"
			 " false_positives, \"references\", allowlist, path, rank)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO r VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < rs.n; i++) {
		const struct ct_rule *r = rs.rules[i];
		char params[1024] = "";
		size_t pl = 0;
		for (size_t k = 0; k < r->nparams && pl < sizeof(params) - 1; k++)
			pl += (size_t)snprintf(params + pl, sizeof(params) - pl, "%s%s=%s", k ? " " : "",
					       r->params[k].name, r->params[k].value);
		const char *vals[] = {r->id,
				      ct_severity_name(r->severity),
				      r->title,
				      r->tactics,
				      r->techniques,
				      r->tags,
				      params,
				      r->description,
				      r->false_positives,
				      r->references,
				      r->allowlist,
				      r->path};
		for (int k = 0; k < 12; k++)
			sqlite3_bind_text(ins, k + 1, vals[k], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 13, r->severity);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	const char *sql = fmt == CT_FMT_TABLE
				  ? "SELECT id, severity, tactics, techniques, title FROM r ORDER BY id"
				  : "SELECT id, severity, title, tactics, techniques, tags, params, description,"
				    " false_positives, \"references\", allowlist, path FROM r ORDER BY id";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	uint64_t rows;
	if (ct_out_stmt(&spec, st, &rows, &err) < 0) {
		rc = ct_cli_report(&err);
		goto out;
	}
	rc = status;
out:
	if (rc == CT_EXIT_SYSTEM && db)
		ct_cli_error("%s", sqlite3_errmsg(db));
	sqlite3_finalize(ins);
	sqlite3_finalize(st);
	sqlite3_close(db);
	ct_ruleset_clear(&rs);
	return rc;
}

const struct ct_cmd cmd_rules = {
	.name = "rules",
	.usage = "rules [--rules-dir DIR]... [--no-builtin] [-o FORMAT] [show ID]",
	.summary = "list the detection rules with their metadata, or show one rule",
	.flags = 0,
	.exec = exec_rules,
	.help = "  --rules-dir DIR       add the rules in DIR (repeatable)\n"
		"  --no-builtin          leave out the built-in library\n"
		"  -o, --output FORMAT   table (id, severity, ATT&CK, title) or csv, tsv, json, ndjson, md (all fields)\n"
		"  show ID               print the rule file\n",
};
