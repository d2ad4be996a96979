/* cmd.h - the ctscan program's command table and shared CLI helpers. */
#ifndef CT_CMD_H
#define CT_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "ctscan.h"

enum ct_cmd_flags {
	CMD_NEEDS_INDEX = 1 << 0,  /* opens the index read-only (must exist) */
	CMD_WRITES_INDEX = 1 << 1, /* opens the index for writing (creates it) */
};

struct ct_cli {
	const char *index_path; /* -d, else $CTSCAN_DB, else ./ctscan.db */
	struct ct_index *idx;   /* opened by main() per the command's flags */
	bool quiet;
	bool stdout_tty, stderr_tty;
	bool color; /* stdout is a terminal and NO_COLOR is unset */
	int term_width;
	bool input_failed; /* some input could not be read: exit 3 */
};

struct ct_cmd {
	const char *name;
	const char *usage;   /* "ingest [-d INDEX] [-j JOBS] [-q] PATH..." */
	const char *summary; /* one line */
	int flags;           /* enum ct_cmd_flags */
	/* argv[0] is the command name; options already include -d (removed by
	 * main before the call).  Returns an exit code (enum ct_exit). */
	int (*exec)(struct ct_cli *cli, int argc, char **argv);
	const char *help; /* the options, one per line, for VERB --help */
};

extern const struct ct_cmd *const ct_cmds[];

const struct ct_cmd *ct_cmd_find(const char *name, const struct ct_cmd **ret_ambiguous_list, int *ret_n);

/* Prints "ctscan: <msg>" to stderr. */
void ct_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a struct ct_err and returns its exit code. */
int ct_cli_report(const struct ct_err *err);
/* The diag callback: prints diagnostics; ud is the struct ct_cli. */
void ct_cli_diag(void *ud, const struct ct_diag *d);
/* For getopt_long's '?' and ':' (optstrings start with "+:", opterr is 0):
 * names the bad option, prints the usage, returns exit code 2. */
int ct_cli_badopt(int c, char **argv);
/* Usage of one command to stderr, exit code 2 (returned). */
int ct_cli_usage(const struct ct_cmd *cmd);
/* Parses -j's argument (1 to 64) into *jobs; on a bad one, says so,
 * prints the usage and returns exit code 2, else 0. */
int ct_cli_jobs(const char *arg, int *jobs);
/* Full help of one command to stdout, exit code 0 (returned). */
int ct_cli_help(const struct ct_cmd *cmd);
/* The stdout write callback for ct_out_spec: buffered, EPIPE-aware. */
int ct_cli_write(void *ud, const void *buf, size_t len);
/* Fills an output spec for stdout. */
void ct_cli_out_spec(struct ct_cli *cli, enum ct_format fmt, struct ct_out_spec *ret);

extern const struct ct_cmd cmd_ingest, cmd_info, cmd_show;
extern const struct ct_cmd cmd_timeline, cmd_sql;
extern const struct ct_cmd cmd_summary, cmd_trace;
extern const struct ct_cmd cmd_verify, cmd_custody;
extern const struct ct_cmd cmd_detect, cmd_rules;

/* The read-only guard of `ctscan sql` (cmd-sql.c), also used by timeline's
 * --where: an authorizer that refuses writes to the index, ATTACH/DETACH,
 * setting PRAGMAs and load_extension(); why[] says what was refused. */
struct ct_sql_guard {
	char why[512];
};
void ct_sql_guard_install(sqlite3 *db, struct ct_sql_guard *g);
/* sqlite3_prepare_v2 under the guard (and refusing VACUUM); on failure
 * returns -1 with the reason in msg.  *ret_st is NULL for an empty
 * statement. */
int ct_sql_guard_prepare(sqlite3 *db, struct ct_sql_guard *g, const char *sql, sqlite3_stmt **ret_st,
			 const char **ret_tail, char *msg, size_t msglen);

/* Opens cli->idx as the running command's flags say (CMD_NEEDS_INDEX:
 * read-only, must exist; CMD_WRITES_INDEX: read-write, created).  Returns 0
 * or an exit code after printing the error. */
int ct_cli_open_index(struct ct_cli *cli);
extern const struct ct_cmd *ct_cli_current;
#endif
