/* cmd-trace.c - ctscan trace: the storyline from one starting point (an
 * access key, a principal, an address or an event), following the links
 * CloudTrail records (lib/trace.c), as a timeline grouped by hop or as a
 * graph (Graphviz DOT, Mermaid). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "sqlfn.h"

/* Hops followed when --depth is not given: enough for a leaked key, two
 * chained roles, a created key and what it launched. */
#define TRACE_DEFAULT_DEPTH 6
#define TRACE_MAX_DEPTH 100

enum { OUT_ROWS, OUT_DOT, OUT_MERMAID };

enum {
	OPT_AKEY = 0x500,
	OPT_PRINCIPAL,
	OPT_IP,
	OPT_EVENT_ID,
	OPT_DEPTH,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_MAX_NODES,
};

static const char *const kind_names[] = {"event", "flows", "finding"};

static int print_rows(struct ct_cli *cli, const struct ct_trace *t, enum ct_format fmt, struct ct_err *err)
{
	static const char *const names[] = {"hop",       "time",  "kind",   "identity", "access_key",
					    "source_ip", "event", "detail", "via",      "event_id"};
	enum { NCOLS = sizeof(names) / sizeof(names[0]) };
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	struct ct_out *o = ct_out_new(&spec, NCOLS, names, err);
	if (!o)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < ct_trace_rows(t) && rc == 0; i++) {
		const struct ct_trace_row *r = ct_trace_row(t, i);
		char when[32];
		ct_time_format(r->ts, when);
		struct ct_out_value v[NCOLS] = {
			ct_out_int(r->hop),
			ct_out_text(when),
			ct_out_text(r->kind >= 0 && r->kind < 3 ? kind_names[r->kind] : "?"),
			ct_out_text(r->identity),
			ct_out_text(r->access_key),
			ct_out_text(r->source_ip),
			ct_out_text(r->event),
			ct_out_text(r->detail),
			ct_out_text(r->via),
			ct_out_text(r->event_id),
		};
		rc = ct_out_row(o, v, err);
	}
	if (rc == 0)
		rc = ct_out_finish(o, err);
	ct_out_free(o);
	return rc;
}

static int parse_count(const char *opt, const char *arg, long max, long *ret)
{
	char *end;
	errno = 0;
	long n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 0 || n > max) {
		ct_cli_error("--%s takes a number from 0 to %ld, not '%s'", opt, max, arg);
		return -1;
	}
	*ret = n;
	return 0;
}

static int exec_trace(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"access-key", required_argument, NULL, OPT_AKEY},
		{"principal", required_argument, NULL, OPT_PRINCIPAL},
		{"ip", required_argument, NULL, OPT_IP},
		{"event-id", required_argument, NULL, OPT_EVENT_ID},
		{"depth", required_argument, NULL, OPT_DEPTH},
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"max-nodes", required_argument, NULL, OPT_MAX_NODES},
		{NULL, 0, NULL, 0},
	};
	struct ct_trace_opts o = {
		.from = -1, .depth = TRACE_DEFAULT_DEPTH, .since_ms = INT64_MIN, .until_ms = INT64_MAX};
	const char *start_opt = NULL;
	enum ct_format fmt = CT_FMT_TABLE;
	int out = OUT_ROWS, c;
	long max_nodes = 0;
	int64_t now = ct_time_now_ms();
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:o:q", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'q': cli->quiet = true; break;
		case 'o':
			if (strcmp(optarg, "dot") == 0) {
				out = OUT_DOT;
			} else if (strcmp(optarg, "mermaid") == 0) {
				out = OUT_MERMAID;
			} else if (ct_format_parse(optarg, &fmt) == 0 && fmt != CT_FMT_RAW) {
				out = OUT_ROWS;
			} else {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md, dot, "
					     "mermaid)",
					     optarg);
				return ct_cli_usage(ct_cli_current);
			}
			break;
		case OPT_AKEY:
		case OPT_PRINCIPAL:
		case OPT_IP:
		case OPT_EVENT_ID: {
			static const int from[] = {CT_TRACE_FROM_KEY, CT_TRACE_FROM_PRINCIPAL, CT_TRACE_FROM_IP,
						   CT_TRACE_FROM_EVENT};
			static const char *const name[] = {"--access-key", "--principal", "--ip", "--event-id"};
			if (start_opt) {
				ct_cli_error("trace starts from one point, not from %s and %s", start_opt,
					     name[c - OPT_AKEY]);
				return ct_cli_usage(ct_cli_current);
			}
			if (!optarg[0]) {
				ct_cli_error("%s needs a value", name[c - OPT_AKEY]);
				return ct_cli_usage(ct_cli_current);
			}
			if (c == OPT_IP) {
				unsigned char a[16];
				int fam;
				if (ct_ip_parse(optarg, strlen(optarg), a, &fam) < 0) {
					ct_cli_error("--ip: '%s' is not an IP address (192.0.2.10, 2001:db8::1)",
						     optarg);
					return ct_cli_usage(ct_cli_current);
				}
			}
			start_opt = name[c - OPT_AKEY];
			o.from = from[c - OPT_AKEY];
			o.value = optarg;
			break;
		}
		case OPT_DEPTH: {
			long n;
			if (parse_count("depth", optarg, TRACE_MAX_DEPTH, &n) < 0)
				return ct_cli_usage(ct_cli_current);
			o.depth = (int)n;
			break;
		}
		case OPT_MAX_NODES:
			if (parse_count("max-nodes", optarg, 100000, &max_nodes) < 0)
				return ct_cli_usage(ct_cli_current);
			if (max_nodes == 0) {
				ct_cli_error("--max-nodes takes a number from 1 to 100000, not '%s'", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int64_t ms;
			if (ct_time_parse_arg(optarg, now, &ms) < 0) {
				ct_cli_error("--%s: cannot read '%s' as a time (ISO-8601 such as 2024-03-12T10:00:00Z, "
					     "epoch seconds, or a time ago such as 90m, 24h, 7d)",
					     c == OPT_SINCE ? "since" : "until", optarg);
				return ct_cli_usage(ct_cli_current);
			}
			if (c == OPT_SINCE)
				o.since_ms = ms;
			else
				o.until_ms = ms;
			break;
		}
		default: return ct_cli_badopt(c, argv);
		}
	}
	if (optind < argc) {
		ct_cli_error("trace takes no arguments, only options ('%s')", argv[optind]);
		return ct_cli_usage(ct_cli_current);
	}
	if (!start_opt) {
		ct_cli_error("trace needs a starting point: --access-key, --principal, --ip or --event-id");
		return ct_cli_usage(ct_cli_current);
	}
	if (o.since_ms > o.until_ms) {
		ct_cli_error("--since is after --until: nothing can match");
		return ct_cli_usage(ct_cli_current);
	}
	if (max_nodes && out == OUT_ROWS) {
		ct_cli_error("--max-nodes applies to -o dot and -o mermaid");
		return ct_cli_usage(ct_cli_current);
	}

	struct ct_err err = {0};
	struct ct_apiset *abused = NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", ct_rules_default_dir(), CT_ABUSED_APIS_FILE);
	if (ct_apiset_load(path, &abused, &err) < 0) {
		if (err.code != CT_E_USAGE)
			return ct_cli_report(&err);
		ct_cli_warn("'%s': no list of abused APIs: every call goes to its service's node", path);
		memset(&err, 0, sizeof(err));
	}
	int status = ct_cli_open_index(cli);
	if (status) {
		ct_apiset_free(abused);
		return status;
	}
	o.abused = abused;
	struct ct_trace *t = NULL;
	if (ct_trace_run(cli->idx, &o, &t, &err) < 0) {
		ct_apiset_free(abused);
		return ct_cli_report(&err);
	}
	int r;
	if (out == OUT_ROWS) {
		r = print_rows(cli, t, fmt, &err);
	} else {
		struct ct_graph_opts g = {
			.format = out == OUT_DOT ? CT_GRAPH_DOT : CT_GRAPH_MERMAID,
			.max_nodes = (int)max_nodes,
			.write = ct_cli_write,
			.ud = cli,
		};
		r = ct_trace_graph(t, &g, &err);
	}
	if (r < 0) {
		status = ct_cli_report(&err);
	} else if (r == 0 && !cli->quiet) {
		size_t n[3] = {0};
		int hops = -1;
		for (size_t i = 0; i < ct_trace_rows(t); i++) {
			const struct ct_trace_row *row = ct_trace_row(t, i);
			if (row->kind >= 0 && row->kind < 3)
				n[row->kind]++;
			if (row->hop > hops)
				hops = row->hop;
		}
		fflush(stdout);
		if (!ct_trace_rows(t))
			fprintf(stderr, "trace: nothing found from %s %s\n", start_opt, o.value);
		else
			fprintf(stderr, "trace: %zu events, %zu flow rows, %zu findings, %d hops from %s %s\n", n[0],
				n[1], n[2], hops + 1, start_opt, o.value);
		if (ct_trace_rows_dropped(t))
			ct_cli_warn("%" PRIu64 " more events reached and not listed: narrow with --since, --until or "
				    "--depth",
				    ct_trace_rows_dropped(t));
	}
	ct_trace_free(t);
	ct_apiset_free(abused);
	return status;
}

const struct ct_cmd cmd_trace = {
	.name = "trace",
	.usage = "trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)\n"
		 "             [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]",
	.summary = "the storyline from a key, principal, address or event: sessions, keys, instances, flows",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_trace,
	.help = "  -d, --index INDEX     the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  --access-key KEY      start from the calls made with this access key id\n"
		"  --principal NAME      start from an identity ARN, a user name, or a role (ARN or name)\n"
		"  --ip ADDR             start from the calls and VPC flows of this address\n"
		"  --event-id ID         start from one event, then the key or identity that made it\n"
		"  --depth N             hops followed from the start (default 6; 0: the start only)\n"
		"  --since TIME          events and flows at or after TIME: ISO-8601 (2024-03-12T10:00Z),\n"
		"                        epoch seconds, or a time ago (90m, 24h, 7d, 2w)\n"
		"  --until TIME          events and flows at or before TIME\n"
		"  -o, --output FORMAT   table (default), csv, tsv, json, ndjson, md; or the storyline as a\n"
		"                        graph: dot (Graphviz) or mermaid\n"
		"  --max-nodes N         nodes a graph shows at most (default 40)\n"
		"  -q, --quiet           no summary line on stderr\n",
};
