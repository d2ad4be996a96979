/* cmd-detect.c - ctscan detect: run the detection library, print and
 * store findings, exit by severity for CI. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define MAX_LIST 256

static void profile(void *ud, const char *id, double seconds, uint64_t rows)
{
	(void)ud;
	fprintf(stderr, "profile: %8.1f ms %6llu rows  %s\n", seconds * 1000, (unsigned long long)rows, id);
}

static int exec_detect(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"rule", required_argument, NULL, 'r'},
		{"tag", required_argument, NULL, 't'},
		{"min-severity", required_argument, NULL, 'm'},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"set", required_argument, NULL, 's'},
		{"rules-dir", required_argument, NULL, 'R'},
		{"no-builtin", no_argument, NULL, 'N'},
		{"allowlist", required_argument, NULL, 'a'},
		{"ip-list", required_argument, NULL, 'i'},
		{"output", required_argument, NULL, 'o'},
		{"fail-on", required_argument, NULL, 'f'},
		{"profile", no_argument, NULL, 'P'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	const char *globs[MAX_LIST], *tags[MAX_LIST], *sets[MAX_LIST], *dirs[MAX_LIST], *lists[MAX_LIST];
	size_t nglobs = 0, ntags = 0, nsets = 0, ndirs = 0, nlists = 0;
	struct ct_detect_opts o = {0};
	o.since_ms = INT64_MIN / 2;
	o.until_ms = INT64_MAX / 2;
	enum ct_format fmt = CT_FMT_TABLE;
	int fail_on = -1;
	bool builtin = true, prof = false;
	int64_t now = ct_time_now_ms();
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:j:o:q", opts, NULL)) != -1) {
		const char **list = NULL;
		size_t *n = NULL;
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'r':
			list = globs;
			n = &nglobs;
			break;
		case 't':
			list = tags;
			n = &ntags;
			break;
		case 's':
			list = sets;
			n = &nsets;
			break;
		case 'R':
			list = dirs;
			n = &ndirs;
			break;
		case 'i':
			list = lists;
			n = &nlists;
			break;
		case 'N': builtin = false; break;
		case 'a': o.allowlist_path = optarg; break;
		case 'P': prof = true; break;
		case 'q': cli->quiet = true; break;
		case 'j':
			if (ct_cli_jobs(optarg, &o.jobs))
				return 2;
			break;
		case 'm':
		case 'f': {
			int sev = ct_severity_parse(optarg);
			if (sev < 0) {
				ct_cli_error("--%s takes info, low, medium, high or critical, not '%s'",
					     c == 'm' ? "min-severity" : "fail-on", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			if (c == 'm')
				o.min_severity = sev;
			else
				fail_on = sev;
			break;
		}
		case 'S':
		case 'U': {
			int64_t ms;
			if (ct_time_parse_arg(optarg, now, &ms) < 0) {
				ct_cli_error("--%s: '%s' is not a time (ISO-8601, epoch seconds, or 90m, 24h, 7d)",
					     c == 'S' ? "since" : "until", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			if (c == 'S')
				o.since_ms = ms;
			else
				o.until_ms = ms;
			break;
		}
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md)", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			break;
		default: return ct_cli_badopt(c, argv);
		}
		if (list) {
			if (*n >= MAX_LIST) {
				ct_cli_error("too many --%s options", opts[0].name);
				return CT_EXIT_USAGE;
			}
			list[(*n)++] = optarg;
		}
	}
	if (optind < argc) {
		ct_cli_error("detect takes no arguments ('%s')", argv[optind]);
		return ct_cli_usage(ct_cli_current);
	}
	if (fmt == CT_FMT_RAW) {
		ct_cli_error("findings have no raw format");
		return CT_EXIT_USAGE;
	}
	/* detect writes findings: the index must exist already */
	if (!cli->index_path)
		cli->index_path = ct_index_default_path();
	FILE *probe = fopen(cli->index_path, "rb");
	if (!probe) {
		ct_cli_error("'%s': no index here: run 'ctscan ingest -d %s PATH...' first", cli->index_path,
			     cli->index_path);
		return CT_EXIT_USAGE;
	}
	fclose(probe);

	struct ct_ruleset rs = {0};
	struct ct_err err = {0};
	int status = CT_EXIT_OK;
	if (builtin && ct_rules_load_dir(&rs, ct_rules_default_dir(), ct_cli_diag, cli, &err) < 0) {
		ct_cli_report(&err);
		ct_ruleset_clear(&rs);
		return CT_EXIT_SYSTEM;
	}
	for (size_t i = 0; i < ndirs; i++) {
		if (ct_rules_load_dir(&rs, dirs[i], ct_cli_diag, cli, &err) < 0) {
			int rc = ct_cli_report(&err);
			ct_ruleset_clear(&rs);
			return rc;
		}
	}
	bool broken = rs.broken > 0;
	int rc = ct_cli_open_index(cli);
	if (rc) {
		ct_ruleset_clear(&rs);
		return rc;
	}
	o.rule_globs = globs;
	o.nglobs = nglobs;
	o.tags = tags;
	o.ntags = ntags;
	o.sets = sets;
	o.nsets = nsets;
	o.ip_lists = lists;
	o.nip_lists = nlists;
	o.diag = ct_cli_diag;
	o.ud = cli;
	if (prof)
		o.on_profile = profile;
	struct ct_detect_result res;
	if (ct_detect_run(cli->idx, &rs, &o, &res, &err) < 0) {
		ct_ruleset_clear(&rs);
		return ct_cli_report(&err);
	}
	ct_ruleset_clear(&rs);
	if (res.rules_run == 0 && res.rules_failed == 0) {
		ct_cli_error("no rule matches the selection");
		return CT_EXIT_USAGE;
	}
	sqlite3 *db = ct_index_db(cli->idx);
	sqlite3_stmt *st;
	/* a table is read by a person: what, when, who, from where; the
	 * machine formats carry every field */
	const char *cols = fmt == CT_FMT_TABLE
				   ? "severity, first_time, rule_id, account, identity, access_key, source_ip, summary,"
				     " id AS finding_id"
				   : "severity, rule_id, first_time, last_time, account, region, identity, access_key,"
				     " source_ip, summary, title, tactics, techniques, evidence, id AS finding_id";
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM findings WHERE run_id = ? ORDER BY severity_rank DESC, first_time, rule_id, id", cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		ct_cli_error("%s", sqlite3_errmsg(db));
		return CT_EXIT_SYSTEM;
	}
	sqlite3_bind_int64(st, 1, res.run_id);
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	uint64_t rows = 0;
	int orc = ct_out_stmt(&spec, st, &rows, &err);
	sqlite3_finalize(st);
	if (orc < 0)
		return ct_cli_report(&err);
	if (!cli->quiet) {
		fflush(stdout); /* the findings before the summary, also in one file (>out 2>&1) */
		fprintf(stderr, "detect: %llu rules run, %llu failed, %llu findings (run %lld)\n",
			(unsigned long long)res.rules_run, (unsigned long long)(res.rules_failed),
			(unsigned long long)res.findings, (long long)res.run_id);
	}
	if (broken || res.rules_failed)
		status = CT_EXIT_QUERY;
	else if (fail_on >= 0 && res.max_severity >= fail_on)
		status = CT_EXIT_FINDINGS;
	return status;
}

const struct ct_cmd cmd_detect = {
	.name = "detect",
	.usage = "detect [-d INDEX] [--rule GLOB]... [--tag TAG]... [--min-severity S] [--since T] [--until T]\n"
		 "              [--set NAME=VALUE]... [--rules-dir DIR]... [--allowlist FILE] [--ip-list FILE]...\n"
		 "              [-o FORMAT] [--fail-on S] [--profile] [-j JOBS] [-q]",
	.summary = "run the detection library and print the findings",
	.flags = CMD_WRITES_INDEX,
	.exec = exec_detect,
	.help = "  -d, --index INDEX     the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  --rule GLOB           run the rules whose id matches (repeatable)\n"
		"  --tag TAG             run the rules with this tag (repeatable)\n"
		"  --min-severity S      run the rules of severity S or above\n"
		"  --since T, --until T  only events and flows in this time (ISO-8601, epoch, 90m, 24h, 7d)\n"
		"  --set NAME=VALUE      a rule parameter (repeatable)\n"
		"  --rules-dir DIR       add the rules in DIR (repeatable)\n"
		"  --no-builtin          do not run the built-in library\n"
		"  --allowlist FILE      trusted CIDRs, principals, regions, user agents (default INDEX.allowlist)\n"
		"  --ip-list FILE        addresses and CIDRs that rules flag, e.g. Tor exits (repeatable)\n"
		"  -o, --output FORMAT   table, csv, tsv, json, ndjson, md\n"
		"  --fail-on S           exit 1 when a finding is of severity S or above\n"
		"  --profile             print each rule's time on stderr\n"
		"  -j, --jobs JOBS       rules to run at once (default: the number of CPUs)\n"
		"  -q, --quiet           no summary line on stderr\n",
};
