/* cmd.c - the command table and the CLI helpers every command shares. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The command table, NULL-terminated, in the order `ctscan --help` lists. */
const struct ct_cmd *const ct_cmds[] = {
	&cmd_ingest, &cmd_info,   &cmd_show,    &cmd_timeline, &cmd_summary, &cmd_trace,
	&cmd_sql,    &cmd_verify, &cmd_custody, &cmd_detect,   &cmd_rules,   NULL,
};

const struct ct_cmd *ct_cmd_find(const char *name, const struct ct_cmd **ret_list, int *ret_n)
{
	size_t len = strlen(name);
	const struct ct_cmd *found = NULL;
	int n = 0;
	for (int i = 0; ct_cmds[i]; i++) {
		if (strcmp(ct_cmds[i]->name, name) == 0) {
			*ret_n = 1;
			return ct_cmds[i];
		}
		if (len && strncmp(ct_cmds[i]->name, name, len) == 0) {
			if (ret_list)
				ret_list[n] = ct_cmds[i];
			n++;
			found = ct_cmds[i];
		}
	}
	*ret_n = n;
	return n == 1 ? found : NULL;
}

void ct_cli_error(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("ctscan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ct_cli_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("ctscan: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ct_cli_report(const struct ct_err *err)
{
	if (err->file[0] && err->record)
		ct_cli_error("%s: record %llu: %s", err->file, (unsigned long long)err->record, err->msg);
	else if (err->file[0])
		ct_cli_error("'%s': %s", err->file, err->msg);
	else
		ct_cli_error("%s", err->msg);
	return ct_err_exit(err);
}

void ct_cli_diag(void *ud, const struct ct_diag *d)
{
	struct ct_cli *cli = ud;
	const char *w = d->kind == CT_DIAG_WARNING ? "warning: " : "";
	if (d->kind == CT_DIAG_ERROR && cli)
		cli->input_failed = true;
	if (cli && cli->quiet && d->kind == CT_DIAG_WARNING)
		return;
	if (cli && cli->stderr_tty)
		fputs("\r\033[K", stderr); /* clear a progress line */
	switch (d->where) {
	case CT_AT_RECORD:
		fprintf(stderr, "ctscan: %s%s: record %llu: %s\n", w, d->file, (unsigned long long)d->n, d->msg);
		break;
	case CT_AT_LINE:
		fprintf(stderr, "ctscan: %s%s:%llu: %s\n", w, d->file, (unsigned long long)d->n, d->msg);
		break;
	default:
		if (d->file)
			fprintf(stderr, "ctscan: %s%s: %s\n", w, d->file, d->msg);
		else
			fprintf(stderr, "ctscan: %s%s\n", w, d->msg);
	}
}

int ct_cli_usage(const struct ct_cmd *cmd)
{
	fprintf(stderr, "usage: ctscan %s\n", cmd->usage);
	fprintf(stderr, "Try 'ctscan %s --help' for more information.\n", cmd->name);
	return CT_EXIT_USAGE;
}

int ct_cli_jobs(const char *arg, int *jobs)
{
	char *end;
	long j = strtol(arg, &end, 10);
	if (!*arg || *end || j < 1 || j > 64) {
		ct_cli_error("-j takes a number of jobs from 1 to 64, not '%s'", arg);
		return ct_cli_usage(ct_cli_current);
	}
	*jobs = (int)j;
	return 0;
}

int ct_cli_help(const struct ct_cmd *cmd)
{
	printf("usage: ctscan %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && cmd->help[0])
		printf("\n%s", cmd->help);
	/* the commands with a page of their own; the others are in ctscan(1) */
	static const char *const pages[][2] = {
		{"timeline", "ctscan-timeline(1)"}, {"sql", "ctscan-sql(1)"},       {"verify", "ctscan-verify(1)"},
		{"custody", "ctscan-custody(1)"},   {"detect", "ctscan-detect(1)"}, {"rules", "ctscan-detect(1)"},
		{"summary", "ctscan-summary(1)"},   {"trace", "ctscan-trace(1)"},
	};
	const char *page = "ctscan(1)";
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i][0], cmd->name) == 0)
			page = pages[i][1];
	printf("\nSee %s for details.\n", page);
	return CT_EXIT_OK;
}

int ct_cli_write(void *ud, const void *buf, size_t len)
{
	(void)ud;
	if (len && fwrite(buf, 1, len, stdout) != len)
		return -1;
	return 0;
}

void ct_cli_out_spec(struct ct_cli *cli, enum ct_format fmt, struct ct_out_spec *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->format = fmt;
	ret->header = true;
	ret->color = cli->color;
	ret->width = cli->stdout_tty ? cli->term_width : 0;
	ret->null_text = "";
	ret->write = ct_cli_write;
	ret->ud = cli;
}

const struct ct_cmd *ct_cli_current;

int ct_cli_open_index(struct ct_cli *cli)
{
	struct ct_err err = {0};
	int flags = ct_cli_current->flags & CMD_WRITES_INDEX ? CT_OPEN_WRITE : CT_OPEN_READONLY;
	if (!cli->index_path)
		cli->index_path = ct_index_default_path();
	if (ct_index_open(cli->index_path, flags, &cli->idx, &err) < 0)
		return ct_cli_report(&err);
	return 0;
}

int ct_cli_badopt(int c, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";
	if (c == ':')
		ct_cli_error("option '%s' needs a value", opt);
	else if (optopt > 0 && optopt < 256 && !(opt[0] == '-' && opt[1] == '-'))
		ct_cli_error("unknown option '-%c'", optopt);
	else
		ct_cli_error("unknown option '%s'", opt);
	return ct_cli_usage(ct_cli_current);
}
