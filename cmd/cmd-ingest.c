/* cmd-ingest.c - ctscan ingest: read logs into the index. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static void show_progress(void *ud, const struct ct_progress *p)
{
	struct ct_cli *cli = ud;
	if (cli->quiet || !cli->stderr_tty)
		return;
	if (p->indexes_total) {
		fprintf(stderr, "\r\033[Kingest: %llu/%llu files, %llu events, %llu flows, building indexes %u/%u",
			(unsigned long long)p->files_done, (unsigned long long)p->files_total,
			(unsigned long long)p->events, (unsigned long long)p->flows, p->indexes_done, p->indexes_total);
		fflush(stderr);
		return;
	}
	double mb = (double)p->bytes_done / 1e6;
	double rate = p->seconds > 0 ? mb / p->seconds : 0;
	char eta[32] = "";
	if (rate > 0 && p->bytes_total > p->bytes_done) {
		double left = ((double)(p->bytes_total - p->bytes_done) / 1e6) / rate;
		snprintf(eta, sizeof(eta), ", ETA %.0f s", left);
	}
	fprintf(stderr, "\r\033[Kingest: %llu/%llu files, %llu events, %llu flows, %.1f MB/s%s",
		(unsigned long long)p->files_done, (unsigned long long)p->files_total, (unsigned long long)p->events,
		(unsigned long long)p->flows, rate, eta);
	fflush(stderr);
}

static int exec_ingest(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"flow-format", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	struct ct_ingest_opts io = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:j:q", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'j':
			if (ct_cli_jobs(optarg, &io.jobs))
				return 2;
			break;
		case 'q': cli->quiet = true; break;
		case 'F': io.flow_format = optarg; break;
		default: return ct_cli_badopt(c, argv);
		}
	}
	if (optind >= argc) {
		ct_cli_error("ingest needs at least one PATH (a file, a directory, or - for standard input)");
		return ct_cli_usage(ct_cli_current);
	}
	int rc = ct_cli_open_index(cli);
	if (rc)
		return rc;
	io.diag = ct_cli_diag;
	io.progress = show_progress;
	io.ud = cli;
	struct ct_ingest_stats st = {0};
	struct ct_err err = {0};
	rc = ct_ingest(cli->idx, (const char *const *)argv + optind, (size_t)(argc - optind), &io, &st, &err);
	if (rc < 0 && err.code == CT_E_USAGE) {
		ct_cli_error("--flow-format: %s", err.msg);
		return CT_EXIT_USAGE;
	}
	if (cli->stderr_tty && !cli->quiet)
		fputs("\r\033[K", stderr);
	fprintf(stderr,
		"ingest: %llu files (%llu read, %llu skipped, %llu already in the index), %llu events added, "
		"%llu flows added, %llu duplicates, %llu records rejected, %llu files with errors, %.2f s\n",
		(unsigned long long)st.files, (unsigned long long)st.files_ingested,
		(unsigned long long)(st.files_skipped - st.files_known), (unsigned long long)st.files_known,
		(unsigned long long)st.events, (unsigned long long)st.flows,
		(unsigned long long)(st.duplicates + st.flow_duplicates), (unsigned long long)st.bad_records,
		(unsigned long long)st.files_failed, st.seconds);
	if (rc < 0)
		return ct_cli_report(&err);
	if (st.files_failed || st.bad_records || cli->input_failed)
		return CT_EXIT_INPUT;
	return CT_EXIT_OK;
}

const struct ct_cmd cmd_ingest = {
	.name = "ingest",
	.usage = "ingest [-d INDEX] [-j JOBS] [-q] [--flow-format FORMAT] PATH...",
	.summary = "read CloudTrail and VPC Flow Logs (files, directory trees, or - for stdin) into the index",
	.flags = CMD_WRITES_INDEX,
	.exec = exec_ingest,
	.help = "  -d, --index INDEX   the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  -j, --jobs JOBS     threads to use (default: the number of CPUs)\n"
		"  -q, --quiet         no progress line and no warnings; errors and the summary remain\n"
		"  --flow-format FORMAT\n"
		"                      layout of header-less flow logs, in the AWS syntax\n"
		"                      '${version} ${account-id} ...' (default: the version 2 fields)\n",
};
