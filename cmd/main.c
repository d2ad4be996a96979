/* main.c - ctscan: command-line forensic analyzer for AWS logs. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd.h"
#include "ct-config.h"

static void short_usage(void)
{
	fprintf(stderr, "usage: ctscan [--version] [--help] COMMAND [ARGS]\n"
			"Try 'ctscan --help' for the list of commands.\n");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ctscan [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (int i = 0; ct_cmds[i]; i++)
		fprintf(f, "  %-9s %s\n", ct_cmds[i]->name, ct_cmds[i]->summary);
	fprintf(f, "\nEvery command takes -d INDEX (default $CTSCAN_DB, else ./ctscan.db).\n"
		   "'ctscan help COMMAND' or 'ctscan COMMAND --help' shows a command's options.\n");
}

static const struct ct_cmd *lookup(const char *name)
{
	const struct ct_cmd *list[32];
	int n = 0;
	const struct ct_cmd *c = ct_cmd_find(name, list, &n);
	if (c)
		return c;
	if (n > 1) {
		fprintf(stderr, "ctscan: ambiguous command '%s', could be:", name);
		for (int i = 0; i < n && i < 32; i++)
			fprintf(stderr, " %s", list[i]->name);
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "ctscan: unknown command '%s'\n", name);
		short_usage();
	}
	return NULL;
}

/* Whether standard output is a pipe or socket whose reader has gone away
 * (`ctscan ... | head`): POLLERR on a pipe without readers. */
static bool reader_gone(void)
{
	struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static int finish(struct ct_cli *cli, int rc)
{
	ct_index_free(cli->idx);
	cli->idx = NULL;
	/* CTSCAN_RUSAGE=1: the process's own peak memory, for the memory tests */
	const char *ru = getenv("CTSCAN_RUSAGE");
	struct rusage usage;
	if (ru && ru[0] == '1' && getrusage(RUSAGE_SELF, &usage) == 0)
		fprintf(stderr, "ctscan: peak RSS %ld KiB\n", usage.ru_maxrss);
	/* One exit path: flush stdout and report a failed write.  errno is
	 * only worth reading when this fflush fails: an earlier failed write
	 * (the output layer's, which reports it or stops quietly on EPIPE)
	 * leaves the error flag set and stdio's buffer emptied, and errno
	 * long since changed. */
	errno = 0;
	if (fflush(stdout) != 0) {
		int e = errno;
		if (e == EPIPE)
			return rc;
		ct_cli_error("cannot write output: %s", e ? strerror(e) : "write failed");
		return CT_EXIT_SYSTEM;
	}
	if (ferror(stdout) && rc != CT_EXIT_SYSTEM && !reader_gone()) {
		ct_cli_error("cannot write output: write failed");
		return CT_EXIT_SYSTEM;
	}
	return rc;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	signal(SIGPIPE, SIG_IGN);

	struct ct_cli cli = {0};
	cli.stdout_tty = isatty(STDOUT_FILENO);
	cli.stderr_tty = isatty(STDERR_FILENO);
	const char *nc = getenv("NO_COLOR");
	cli.color = cli.stdout_tty && !(nc && nc[0]);
	cli.term_width = 0;
	if (cli.stdout_tty) {
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			cli.term_width = ws.ws_col;
		else
			cli.term_width = 80;
		const char *cols = getenv("COLUMNS");
		if (cols && atoi(cols) > 0)
			cli.term_width = atoi(cols);
	}

	opterr = 0;
	if (argc < 2) {
		short_usage();
		return CT_EXIT_USAGE;
	}
	const char *a = argv[1];
	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
		usage(stdout);
		return finish(&cli, CT_EXIT_OK);
	}
	if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
		printf("ctscan %s (sqlite %s)\n", CT_VERSION, sqlite3_libversion());
		return finish(&cli, CT_EXIT_OK);
	}
	if (a[0] == '-') {
		fprintf(stderr, "ctscan: unknown option '%s'\n", a);
		short_usage();
		return CT_EXIT_USAGE;
	}
	if (strcmp(a, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return finish(&cli, CT_EXIT_OK);
		}
		const struct ct_cmd *c = lookup(argv[2]);
		if (!c)
			return CT_EXIT_USAGE;
		return finish(&cli, ct_cli_help(c));
	}
	const struct ct_cmd *c = lookup(a);
	if (!c)
		return CT_EXIT_USAGE;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return finish(&cli, ct_cli_help(c));
	}
	ct_cli_current = c;
	int rc = c->exec(&cli, argc - 1, argv + 1);
	return finish(&cli, rc);
}
