/* ctscan.h - the one public header of libctscan.
 *
 * libctscan reads, stores, queries and writes; it never prints and never
 * exits.  Errors come back as a negative return and a filled struct ct_err
 * (always the last argument); per-record problems go to a diagnostic
 * callback and are counted, they never abort a whole ingest.
 */
#ifndef CTSCAN_H
#define CTSCAN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of the ctscan program, documented in ctscan(1). */
enum ct_exit {
	CT_EXIT_OK = 0,
	CT_EXIT_FINDINGS = 1, /* findings at or above the requested severity */
	CT_EXIT_USAGE = 2,
	CT_EXIT_INPUT = 3,  /* some input could not be read */
	CT_EXIT_QUERY = 4,  /* query error */
	CT_EXIT_SYSTEM = 5, /* I/O, out of memory, index locked or corrupt */
};

/* Error codes carried in struct ct_err; ct_err_exit() maps them to exits. */
enum ct_errcode {
	CT_E_OK = 0,
	CT_E_USAGE,   /* bad argument from the caller */
	CT_E_INPUT,   /* an input file could not be read or parsed */
	CT_E_QUERY,   /* SQL error in a query */
	CT_E_SYSTEM,  /* I/O error */
	CT_E_NOMEM,   /* out of memory */
	CT_E_BUSY,    /* the index is locked by another writer */
	CT_E_CORRUPT, /* the index is corrupt or of an unknown version */
};

struct ct_err {
	int code;        /* enum ct_errcode */
	char file[1024]; /* the subject (input file, index, query file), or "" */
	uint64_t record; /* 1-based record or line number, 0 when none */
	char msg[1024];  /* lowercase, no full stop */
};

/* Sets *e (when e is not NULL) and returns -1. */
int ct_err_set(struct ct_err *e, int code, const char *file, uint64_t record, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int ct_err_exit(const struct ct_err *e);

/* Per-record and per-file diagnostics.  The program prints them as
 *   ctscan: FILE: record N: reason     (where == CT_AT_RECORD)
 *   ctscan: FILE:LINE: reason          (where == CT_AT_LINE)
 *   ctscan: FILE: reason               (where == CT_AT_FILE)
 * prefixed by "warning: " for warnings. */
enum ct_diag_kind { CT_DIAG_WARNING, CT_DIAG_ERROR };
enum ct_diag_where { CT_AT_FILE, CT_AT_RECORD, CT_AT_LINE };
struct ct_diag {
	enum ct_diag_kind kind;
	enum ct_diag_where where;
	const char *file;
	uint64_t n; /* record or line number */
	const char *msg;
};
typedef void (*ct_diag_fn)(void *ud, const struct ct_diag *d);

/* ---- time (UTC, integer milliseconds since the epoch) ---- */

/* Parses ISO-8601 ("2023-07-14T12:00:00Z", with optional fraction, 'T' or
 * ' ' separator, 'Z', "+hh:mm" or no zone meaning UTC; a bare date means
 * midnight).  Returns 0 and sets *ret_ms, or -1. */
int ct_time_parse_iso(const char *s, size_t len, int64_t *ret_ms);
/* Parses a command-line time: ISO-8601, epoch seconds (all digits), or a
 * relative time before `now_ms` ("90m", "24h", "7d", "30s", "2w"). */
int ct_time_parse_arg(const char *s, int64_t now_ms, int64_t *ret_ms);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 chars + NUL) into buf[32]. */
void ct_time_format(int64_t ms, char buf[32]);
int64_t ct_time_now_ms(void);

/* ---- the index ---- */

#define CT_SCHEMA_VERSION 3

enum ct_open_flags {
	CT_OPEN_READONLY = 0,
	CT_OPEN_WRITE = 1, /* create when missing, migrate an older schema */
};

struct ct_index;

/* Opens (and with CT_OPEN_WRITE creates) the index at `path`.  Every
 * connection gets ctscan's SQL functions (see ct_sqlfn_register) and the
 * fast `events` view. */
int ct_index_open(const char *path, int flags, struct ct_index **ret_idx, struct ct_err *err);
void ct_index_free(struct ct_index *idx);
sqlite3 *ct_index_db(struct ct_index *idx);
const char *ct_index_path(const struct ct_index *idx);
/* Whether `sql` names a column of the events view that is read from the
 * verbatim records (raw, the JSON bodies, request_id ...): reading such
 * rows inflates the records' blocks. */
bool ct_events_sql_reads_records(const char *sql);

/* The default index path: $CTSCAN_DB, else "ctscan.db". */
const char *ct_index_default_path(void);

/* ---- ingest ---- */

struct ct_progress {
	uint64_t files_done, files_total;
	uint64_t events, flows;
	uint64_t bytes_done, bytes_total; /* bytes of input files read */
	double seconds;
	const char *current; /* file being read */
	/* after the files, while the indexes of a first (or large) load are
	 * built: how many are built so far, of indexes_total (0 before) */
	unsigned indexes_done, indexes_total;
};
typedef void (*ct_progress_fn)(void *ud, const struct ct_progress *p);

struct ct_ingest_opts {
	int jobs;                /* worker threads, 0 = automatic */
	const char *flow_format; /* --flow-format for header-less flow logs */
	ct_diag_fn diag;
	ct_progress_fn progress; /* called at most every 100 ms, may be NULL */
	void *ud;
};

struct ct_ingest_stats {
	uint64_t files;          /* input files seen */
	uint64_t files_ingested; /* files read as logs */
	uint64_t files_skipped;  /* not logs (warned), or already ingested */
	uint64_t files_known;    /* of those: same SHA-256 already in sources */
	uint64_t files_failed;   /* files with at least one error */
	uint64_t events;         /* events inserted */
	uint64_t duplicates;     /* events already in the index */
	uint64_t flows;          /* flow records inserted */
	uint64_t flow_duplicates;
	uint64_t bad_records; /* records rejected with an error */
	uint64_t bytes;       /* input bytes read */
	double seconds;
};

/* Ingests every path ("-" is standard input).  Problems with single files
 * or records are reported through opts->diag and counted; the return is
 * negative only when the whole run failed (index busy, I/O on the index). */
int ct_ingest(struct ct_index *idx, const char *const *paths, size_t npaths, const struct ct_ingest_opts *opts,
	      struct ct_ingest_stats *ret_stats, struct ct_err *err);

/* ---- SQL functions (lib/sqlfn.c) ----
 * Registered on every connection ct_index_open makes:
 *   regexp(pattern, text)      PCRE2, patterns cached; the REGEXP operator
 *   cidr_match(addr, cidr)     v4 and v6
 *   ip_is_private(addr)        RFC 1918, loopback, link-local, ULA, CGNAT
 *   ip_version(addr)           4, 6 or NULL
 *   ts_iso(ms)                 "YYYY-MM-DDTHH:MM:SS.mmmZ"
 *   ts_ms(text)                ISO-8601 text to milliseconds
 * and, by ct_index_open itself (lib/store.c):
 *   ct_record(blk, off, len)   the verbatim record (cached block inflate)
 *   ct_event_eid(event_id)     the stored form of an event id, two
 *   ct_event_key(event_id)     columns: "ev.eid = ct_event_eid(?) AND
 *                              ev.event_id = ct_event_key(?)" is an
 *                              index lookup by event id as written
 *                              (CT_EVENT_ID_MATCH also finds a UUID
 *                              typed in capitals)
 *   sqlar_uncompress(data, n)  as in the sqlite3 shell
 */
int ct_sqlfn_register(sqlite3 *db, struct ct_err *err);

/* SQL that is true for the row of ev aliased E whose event id is ?1, as
 * written or in lower case (CloudTrail writes UUIDs in lower case; an id
 * kept as text in capitals is found as written): two index lookups. */
#define CT_EVENT_ID_MATCH(E)                                                                                           \
	"((" E ".eid = ct_event_eid(?1) AND " E ".event_id = ct_event_key(?1)) OR (" E                                 \
	".eid = ct_event_eid(lower(?1)) AND " E ".event_id = ct_event_key(lower(?1))))"

/* ---- output (lib/output.c) ---- */

enum ct_format {
	CT_FMT_TABLE,
	CT_FMT_CSV,
	CT_FMT_TSV,
	CT_FMT_JSON,
	CT_FMT_NDJSON,
	CT_FMT_RAW,
	CT_FMT_MD,
};

/* Returns 0 and sets *ret for "table", "csv", "tsv", "json", "ndjson",
 * "raw", "md"; -1 for anything else. */
int ct_format_parse(const char *name, enum ct_format *ret);

/* write callback: returns 0, or -1 with errno set (EPIPE ends quietly). */
typedef int (*ct_write_fn)(void *ud, const void *buf, size_t len);

struct ct_out_spec {
	enum ct_format format;
	bool header;           /* column names row (table, csv, tsv, md) */
	bool color;            /* ANSI colour (table only) */
	int width;             /* terminal width for table, 0 = no fitting */
	const char *null_text; /* table/csv/tsv text for NULL, default "" */
	ct_write_fn write;
	void *ud;
};

/* Streams every row of `stmt` in the spec's format.  Columns whose name
 * begins with '_' are hidden, except that the raw format prints the column
 * named "_raw" (or the first column when there is none) verbatim, one per
 * line.  JSON-text columns (names listed in ct_out_json_columns, or ending
 * in "_json") are emitted nested in json and ndjson.  Sets *ret_rows. */
int ct_out_stmt(const struct ct_out_spec *spec, sqlite3_stmt *stmt, uint64_t *ret_rows, struct ct_err *err);

/* ---- detection rules (lib/rules.c) and the engine (lib/detect.c) ---- */

enum ct_severity { CT_SEV_INFO, CT_SEV_LOW, CT_SEV_MEDIUM, CT_SEV_HIGH, CT_SEV_CRITICAL };
/* "info".."critical" (any case) to enum ct_severity, or -1. */
int ct_severity_parse(const char *s);
const char *ct_severity_name(int sev);

struct ct_rule_param {
	char *name, *value, *description;
};

struct ct_rule {
	char *id, *title;
	int severity; /* enum ct_severity */
	char *tactics, *techniques, *description, *false_positives, *references, *tags, *allowlist;
	struct ct_rule_param *params;
	size_t nparams;
	char *path;
	char *text;      /* the whole file */
	const char *sql; /* the query, inside text */
	int sql_line;    /* the file line where the query starts */
};

struct ct_ruleset {
	struct ct_rule **rules;
	size_t n;
	size_t broken; /* files that could not be loaded (reported) */
};

/* Parses a rule file's text; want_id (may be NULL) must equal its id.
 * Errors carry the file and line in err. */
int ct_rule_parse(const char *text, size_t len, const char *path, const char *want_id, struct ct_rule **ret,
		  struct ct_err *err);
int ct_rule_load(const char *path, struct ct_rule **ret, struct ct_err *err);
void ct_rule_free(struct ct_rule *r);
/* Loads every DIR/ (recursively) *.sql in byte order; a broken file is reported through
 * diag with its line and skipped. */
int ct_rules_load_dir(struct ct_ruleset *rs, const char *dir, ct_diag_fn diag, void *ud, struct ct_err *err);
void ct_ruleset_clear(struct ct_ruleset *rs);
/* $CTSCAN_QUERIES, else the installed queries, else the source tree's. */
const char *ct_rules_default_dir(void);

struct ct_detect_opts {
	const char *const *rule_globs; /* --rule GLOB (fnmatch on the id) */
	size_t nglobs;
	const char *const *tags;
	size_t ntags;
	int min_severity;
	int64_t since_ms, until_ms; /* the events and flows considered */
	const char *const *sets;    /* NAME=VALUE parameter values */
	size_t nsets;
	const char *allowlist_path;  /* NULL: INDEX.allowlist when it exists */
	const char *const *ip_lists; /* files of addresses and CIDRs */
	size_t nip_lists;
	ct_diag_fn diag; /* broken rules, reported and skipped */
	void (*on_profile)(void *ud, const char *rule_id, double seconds, uint64_t rows);
	void *ud;
	int jobs; /* rules run at once, each on its own read connection; 0 = CPUs */
};

struct ct_detect_result {
	int64_t run_id;
	uint64_t rules_run, rules_failed, findings;
	int max_severity; /* -1 when no finding */
	/* the shared JSON pass before the rules: wall time and events read
	 * (0 and 0 when it did not run) */
	double json_pass_seconds;
	uint64_t json_pass_events;
};

/* Runs the selected rules; findings go to the findings table under a new
 * run id.  The index must be open for writing. */
int ct_detect_run(struct ct_index *idx, const struct ct_ruleset *rs, const struct ct_detect_opts *o,
		  struct ct_detect_result *ret, struct ct_err *err);
/* Prepares one rule with its parameters bound (for lint and tests). */
int ct_rule_prepare(sqlite3 *db, const struct ct_rule *r, const struct ct_detect_opts *o, sqlite3_stmt **ret,
		    uint64_t *ret_line, char *why, size_t whylen);

/* ==== trace and summary (lib/trace.c) ==================================== */

/* A set of event names: the curated list of the APIs attackers abuse,
 * CT_ABUSED_APIS_FILE in ct_rules_default_dir().  The file holds one
 * eventName a line; '#' starts a comment.  Errors carry the line. */
#define CT_ABUSED_APIS_FILE "abused-apis.txt"
struct ct_apiset;
int ct_apiset_load(const char *path, struct ct_apiset **ret, struct ct_err *err);
int ct_apiset_parse(const char *text, size_t len, const char *path, struct ct_apiset **ret, struct ct_err *err);
/* False for a NULL set. */
bool ct_apiset_has(const struct ct_apiset *s, const char *name, size_t len);
size_t ct_apiset_size(const struct ct_apiset *s);
void ct_apiset_free(struct ct_apiset *s);

enum ct_trace_from {
	CT_TRACE_FROM_KEY,       /* an access key id */
	CT_TRACE_FROM_PRINCIPAL, /* an identity ARN, a user name, a role (ARN or name) */
	CT_TRACE_FROM_IP,        /* an address */
	CT_TRACE_FROM_EVENT,     /* an eventID: the event, then its access key */
};

struct ct_trace_opts {
	int from; /* enum ct_trace_from */
	const char *value;
	int depth;                      /* hops followed from the start (0: the start only) */
	int64_t since_ms, until_ms;     /* the window; INT64_MIN and INT64_MAX for none */
	int64_t ip_window_ms;           /* "same IP": around the traced use of an address; 0 = 1 hour */
	const struct ct_apiset *abused; /* may be NULL */
};

enum ct_trace_row_kind { CT_TRACE_EVENT, CT_TRACE_FLOWS, CT_TRACE_FINDING };

/* One line of the storyline.  Rows are in hop order, then time. */
struct ct_trace_row {
	int kind;             /* enum ct_trace_row_kind */
	int hop;              /* 0 for the start */
	const char *via;      /* how it was reached: "start", "AssumeRole by AKIA... at T", ... */
	int64_t ts;           /* the event; the first flow; the finding's first time */
	const char *identity; /* the rest may be NULL */
	const char *access_key;
	const char *source_ip; /* flows: the peer address */
	const char *event;     /* event name; "flows in", "flows out"; the finding's rule id */
	const char *detail;
	const char *event_id;
	int64_t seq; /* the order it was found in */
};

struct ct_trace;
/* Follows the links from o->from/o->value through the index (read only).
 * Nothing found is not an error: the trace has no rows. */
int ct_trace_run(struct ct_index *idx, const struct ct_trace_opts *o, struct ct_trace **ret, struct ct_err *err);
size_t ct_trace_rows(const struct ct_trace *t);
const struct ct_trace_row *ct_trace_row(const struct ct_trace *t, size_t i);
/* Events reached beyond the row limit (counted, not listed). */
uint64_t ct_trace_rows_dropped(const struct ct_trace *t);
void ct_trace_free(struct ct_trace *t);

enum ct_graph_format { CT_GRAPH_DOT, CT_GRAPH_MERMAID };
struct ct_graph_opts {
	int format;        /* enum ct_graph_format */
	int max_nodes;     /* 0: 40 */
	const char *title; /* NULL: the command line of the trace */
	ct_write_fn write;
	void *ud;
};
/* Writes the trace as a graph: identities, keys, sessions, addresses,
 * instances, resources and findings as nodes coloured by kind (findings
 * by severity); repeated calls collapsed into one edge with a count and
 * a time range.  Returns 0, 1 when the reader went away (EPIPE), or -1. */
int ct_trace_graph(const struct ct_trace *t, const struct ct_graph_opts *o, struct ct_err *err);

/* ==== end of trace and summary ============================================ */

#endif
