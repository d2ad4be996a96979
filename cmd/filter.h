/* filter.h - timeline's event filters, for the commands that take the same
 * options (summary).
 *
 * timeline (cmd-timeline.c) keeps its own copy of this logic; this module
 * builds the same conditions over the base table ev (alias e), with
 * dictionary ids where the indexes can serve them, so that a command
 * scanning many events never goes through the events view.  --where is
 * the exception: it speaks the view's column names, and the caller joins
 * the view as `events` when ct_filter_needs_view() says so.
 *
 *   struct ct_filter f;
 *   ct_filter_init(&f, argc);
 *   ... in the getopt loop: r = ct_filter_option(&f, c, optarg);
 *       r > 0 taken, r == 0 not a filter option, r < 0 usage error (printed)
 *   ct_filter_check(&f, db, &guard, "summary");   after opening the index
 *   ct_filter_sql(&f, str);                        " AND ..." conditions
 *   ct_filter_free(&f);
 */
#ifndef CT_FILTER_H
#define CT_FILTER_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

struct ct_filter_list {
	const char **v;
	int n;
};

struct ct_filter {
	struct ct_filter_list akey, principal, ip, event, source, region, account, where;
	bool has_since, has_until;
	int64_t since, until;
	bool errors;
	int ro; /* -1 either, 0 or 1 */
};

enum {
	CT_FOPT_SINCE = 0x300,
	CT_FOPT_UNTIL,
	CT_FOPT_AKEY,
	CT_FOPT_PRINCIPAL,
	CT_FOPT_IP,
	CT_FOPT_EVENT,
	CT_FOPT_SOURCE,
	CT_FOPT_REGION,
	CT_FOPT_ACCOUNT,
	CT_FOPT_ERRORS,
	CT_FOPT_RO,
	CT_FOPT_NO_RO,
};

/* The long options, for a command's struct option table; -w is the short
 * form of --where (add "w:" to the optstring). */
/* clang-format off */
#define CT_FILTER_LONGOPTS                                              \
	{"since", required_argument, NULL, CT_FOPT_SINCE},              \
	{"until", required_argument, NULL, CT_FOPT_UNTIL},              \
	{"access-key", required_argument, NULL, CT_FOPT_AKEY},          \
	{"principal", required_argument, NULL, CT_FOPT_PRINCIPAL},      \
	{"ip", required_argument, NULL, CT_FOPT_IP},                    \
	{"event", required_argument, NULL, CT_FOPT_EVENT},              \
	{"source", required_argument, NULL, CT_FOPT_SOURCE},            \
	{"region", required_argument, NULL, CT_FOPT_REGION},            \
	{"account", required_argument, NULL, CT_FOPT_ACCOUNT},          \
	{"errors", no_argument, NULL, CT_FOPT_ERRORS},                  \
	{"read-only", no_argument, NULL, CT_FOPT_RO},                   \
	{"no-read-only", no_argument, NULL, CT_FOPT_NO_RO},             \
	{"where", required_argument, NULL, 'w'}
/* clang-format on */

/* The --help lines of the filters. */
#define CT_FILTER_HELP                                                                                                 \
	"  --since TIME          events at or after TIME: ISO-8601 (2024-03-12, 2024-03-12T10:00Z),\n"                 \
	"                        epoch seconds, or a time ago (90m, 24h, 7d, 2w)\n"                                    \
	"  --until TIME          events at or before TIME\n"                                                           \
	"  --access-key KEY      calls made with this access key id\n"                                                 \
	"  --principal NAME      identity ARN, user name, or the role (ARN or name) behind a session\n"                \
	"  --ip ADDR|CIDR        source address in the network\n"                                                      \
	"  --event REGEX         event name matches the PCRE2 regex (unanchored)\n"                                    \
	"  --source REGEX        event source matches the regex (s3.amazonaws.com, ...)\n"                             \
	"  --region REGION       AWS region\n"                                                                         \
	"  --account ID          recipient account id\n"                                                               \
	"  --errors              failed calls only (an error code or an error message)\n"                              \
	"  --read-only, --no-read-only\n"                                                                              \
	"                        read-only calls only, or mutating calls only\n"                                       \
	"  -w, --where SQL       an SQL expression over the events view columns\n"

/* Allocates room for argc values of each filter; 0 or -1 (out of memory). */
int ct_filter_init(struct ct_filter *f, int argc);
void ct_filter_free(struct ct_filter *f);
/* Takes option c with its argument: 1 when it is a filter option, 0 when
 * not, or -CT_EXIT_USAGE after printing why the value is wrong. */
int ct_filter_option(struct ct_filter *f, int c, const char *arg);
/* With the index open: --since before --until, the regexes compile,
 * each --where is one expression over the events view that the read-only
 * guard accepts.  Returns 0 or an exit code (after printing). */
int ct_filter_check(const struct ct_filter *f, sqlite3 *db, struct ct_sql_guard *g, const char *cmd);
/* Appends " AND <condition>" for each filter over `ev e`, and the --where
 * expressions over `events` (see ct_filter_needs_view). */
void ct_filter_sql(const struct ct_filter *f, sqlite3_str *s);
/* Whether the caller must join "CROSS JOIN events ON events.id = e.id". */
bool ct_filter_needs_view(const struct ct_filter *f);

/* An SQL expression for --where: parentheses balanced and no ';' outside
 * quotes and comments, so that it cannot end the statement it goes into. */
bool ct_sql_expr_ok(const char *p);

#endif
