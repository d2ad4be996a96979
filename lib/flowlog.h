/* flowlog.h - the VPC Flow Log text parser (internal).
 *
 * Reads the space-separated text records of VPC Flow Logs: S3 delivery
 * files, whose first line is a header naming the fields (any order, any
 * subset of versions 2 to 8, unknown names kept as text), and header-less
 * CloudWatch Logs exports, where a line may start with an ISO-8601 export
 * timestamp and the layout is the default version 2 one or a format string
 * in the AWS syntax ("${version} ${account-id} ...").
 *
 * Three levels, each usable alone:
 *   ct_flow_parse_line    one line against a layout: no allocation, no
 *                         printing; fills a caller-owned record that points
 *                         into the line (the ingest hot path)
 *   ct_flow_reader        the per-file state: header detection, layout
 *                         changes, unknown-field warnings (once per file),
 *                         per-line errors to the diag callback, counters;
 *                         fed one line at a time (from a streaming
 *                         decompressor, say)
 *   ct_flow_parse_buffer  a whole in-memory text (tests, fuzzing)
 *
 * Numbers are parsed by hand with overflow checks; start and end are epoch
 * seconds in the text and milliseconds in the record.  '-' is a missing
 * value (NULL).  NODATA and SKIPDATA records are records like any other:
 * they are gaps an investigator must see.
 */
#ifndef CT_FLOWLOG_H
#define CT_FLOWLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctscan.h"

#define CT_FLOW_MAX_LINE 65536 /* bytes in one line, without its newline */
#define CT_FLOW_MAX_FIELDS 128 /* fields in a header, a format or a line */
#define CT_FLOW_MAX_NAME 64    /* bytes in one field name of a header */

/* The fields of VPC Flow Logs versions 2 to 8, in the order of the AWS
 * "Flow log records" table (the first 14 are the default v2 format). */
enum ct_flow_field {
	/* version 2 */
	CT_FF_VERSION,
	CT_FF_ACCOUNT_ID,
	CT_FF_INTERFACE_ID,
	CT_FF_SRCADDR,
	CT_FF_DSTADDR,
	CT_FF_SRCPORT,
	CT_FF_DSTPORT,
	CT_FF_PROTOCOL,
	CT_FF_PACKETS,
	CT_FF_BYTES,
	CT_FF_START,
	CT_FF_END,
	CT_FF_ACTION,
	CT_FF_LOG_STATUS,
	/* version 3 */
	CT_FF_VPC_ID,
	CT_FF_SUBNET_ID,
	CT_FF_INSTANCE_ID,
	CT_FF_TCP_FLAGS,
	CT_FF_TYPE,
	CT_FF_PKT_SRCADDR,
	CT_FF_PKT_DSTADDR,
	/* version 4 */
	CT_FF_REGION,
	CT_FF_AZ_ID,
	CT_FF_SUBLOCATION_TYPE,
	CT_FF_SUBLOCATION_ID,
	/* version 5 */
	CT_FF_PKT_SRC_AWS_SERVICE,
	CT_FF_PKT_DST_AWS_SERVICE,
	CT_FF_FLOW_DIRECTION,
	CT_FF_TRAFFIC_PATH,
	/* version 7 */
	CT_FF_ECS_CLUSTER_ARN,
	CT_FF_ECS_CLUSTER_NAME,
	CT_FF_ECS_CONTAINER_INSTANCE_ARN,
	CT_FF_ECS_CONTAINER_INSTANCE_ID,
	CT_FF_ECS_CONTAINER_ID,
	CT_FF_ECS_SECOND_CONTAINER_ID,
	CT_FF_ECS_SERVICE_NAME,
	CT_FF_ECS_TASK_DEFINITION_ARN,
	CT_FF_ECS_TASK_ARN,
	CT_FF_ECS_TASK_ID,
	/* version 8 */
	CT_FF_REJECT_REASON,

	CT_FF_COUNT,                /* number of known fields */
	CT_FF_UNKNOWN = CT_FF_COUNT /* a column whose name we do not know */
};

/* "pkt-srcaddr": the AWS name; NULL for CT_FF_UNKNOWN or out of range. */
const char *ct_flow_field_name(enum ct_flow_field f);
/* "pkt_srcaddr": the name with '-' turned into '_', for SQL columns. */
const char *ct_flow_field_column(enum ct_flow_field f);
/* Integer fields (r->v[f].i holds the value): version, srcport, dstport,
 * protocol, packets, bytes, start, end, tcp-flags, traffic-path. */
bool ct_flow_field_is_int(enum ct_flow_field f);
/* start and end: integers holding milliseconds since the epoch. */
bool ct_flow_field_is_time(enum ct_flow_field f);
/* srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr: text checked as IPv4/IPv6. */
bool ct_flow_field_is_addr(enum ct_flow_field f);
/* The flow log version that introduced the field (2 to 8), 0 if unknown. */
int ct_flow_field_version(enum ct_flow_field f);
/* The field named [name, name+len), or CT_FF_UNKNOWN. */
enum ct_flow_field ct_flow_field_lookup(const char *name, size_t len);

/* ---- layouts: the ordered columns of a file ----
 * A layout does not change once made: threads may share one. */

struct ct_flow_layout;

/* From a header line ("version account-id ...", names separated by
 * spaces, a trailing CR allowed).  Unknown names become CT_FF_UNKNOWN
 * columns; a name given twice, more than CT_FLOW_MAX_FIELDS names, or a
 * name that is not printable ASCII is an error (CT_E_INPUT). */
int ct_flow_layout_from_header(const char *line, size_t len, struct ct_flow_layout **ret, struct ct_err *err);
/* From a format string in the AWS syntax: "${version} ${srcaddr} ...".
 * Bare names are accepted too, and one pair of quotes around the whole
 * string is ignored.  Errors are CT_E_USAGE (it comes from the user). */
int ct_flow_layout_from_format(const char *fmt, struct ct_flow_layout **ret, struct ct_err *err);
/* The default version 2 layout: a static object, never to be freed. */
const struct ct_flow_layout *ct_flow_layout_default(void);
/* Accepts NULL and the default layout (which it leaves alone). */
void ct_flow_layout_free(struct ct_flow_layout *l);

size_t ct_flow_layout_count(const struct ct_flow_layout *l); /* columns */
enum ct_flow_field ct_flow_layout_field(const struct ct_flow_layout *l, size_t col);
bool ct_flow_layout_has(const struct ct_flow_layout *l, enum ct_flow_field f);
/* Unknown columns, in column order: r->unknown[i] is named by
 * ct_flow_layout_unknown_name(r->layout, i). */
size_t ct_flow_layout_unknown_count(const struct ct_flow_layout *l);
const char *ct_flow_layout_unknown_name(const struct ct_flow_layout *l, size_t i);

/* ---- records ---- */

struct ct_flow_value {
	const char *s; /* the text in the line ("-" when null); not NUL-terminated */
	size_t len;
	int64_t i;    /* integer fields: the value (start, end: ms); 0 when null */
	bool null;    /* the line had '-' */
	bool present; /* the layout has this field */
};

/* One parsed line (about 5 KiB: keep one per reader, not one per line).
 * Every pointer points into the line passed to the parser or into the
 * layout, which a reader frees when a new header replaces it: copy what you
 * keep past the callback. */
struct ct_flow_rec {
	const struct ct_flow_layout *layout;
	const char *line; /* the whole line, without CR/LF (verbatim record) */
	size_t len;
	int64_t export_ms;    /* the CloudWatch export timestamp, when */
	bool has_export_time; /* ... the line started with one */
	struct ct_flow_value v[CT_FF_COUNT];
	size_t nunknown; /* == ct_flow_layout_unknown_count(layout) */
	struct ct_flow_value unknown[CT_FLOW_MAX_FIELDS];
};

/* Parses one line (a trailing CR or LF is ignored; fields are separated by
 * one or more spaces; an ISO-8601 first token with a time, such as
 * "2023-07-14T12:00:00.000Z", is taken as an export timestamp).  Returns 0,
 * or -1 with a reason in why ("expected 14 fields, found 12", "dstport
 * 'abc' is not a number", "srcaddr '10.0.0.999' is not an IP address"); on
 * failure *rec holds garbage.  No allocation: safe on the hot path. */
int ct_flow_parse_line(const struct ct_flow_layout *l, const char *line, size_t len, struct ct_flow_rec *rec, char *why,
		       size_t whylen);

/* ---- content detection (the first line of a file) ---- */

/* True when the line is a flow log header: at least two space-separated
 * tokens of lowercase letters, digits and '-', the first two known field
 * names and at least half of them known.  README text, JSON, CSV and
 * records are not headers. */
bool ct_flow_looks_like_header(const char *line, size_t len);
/* True when the line is a valid default-format (version 2) record, with
 * or without an export timestamp before it. */
bool ct_flow_looks_like_record(const char *line, size_t len);

/* ---- the per-file reader ---- */

struct ct_flow_stats {
	uint64_t lines;    /* lines fed, including headers and blank lines */
	uint64_t headers;  /* header lines (a file may repeat or change it) */
	uint64_t records;  /* records handed to on_rec */
	uint64_t nodata;   /* of those, log-status NODATA */
	uint64_t skipdata; /* of those, log-status SKIPDATA */
	uint64_t bad;      /* lines rejected with an error */
};

/* Called for every record; lineno is 1-based.  Return 0 to go on; a
 * negative return stops the reader and is passed back to its caller as is
 * (err is then left alone: the callback reports through its ud). */
typedef int (*ct_flow_rec_fn)(void *ud, const struct ct_flow_rec *r, uint64_t lineno);

struct ct_flow_reader;

/* `file` names the input in diagnostics (may be NULL).  `flow_format`
 * (may be NULL or "") is the layout of header-less lines; without it they
 * are read with the default v2 layout.  A header in the file wins over
 * it.  diag (may be NULL) and on_rec get `ud`. */
int ct_flow_reader_new(const char *file, const char *flow_format, ct_diag_fn diag, ct_flow_rec_fn on_rec, void *ud,
		       struct ct_flow_reader **ret, struct ct_err *err);
void ct_flow_reader_free(struct ct_flow_reader *r);

/* Feeds the next line (with or without its LF/CRLF).  The first non-blank
 * line is a header when it looks like one (a UTF-8 BOM before it is
 * skipped); a header later in the file (concatenated files) switches the
 * layout.  Blank lines are skipped.  A bad line is reported through diag
 * (CT_DIAG_ERROR, CT_AT_LINE), counted, and the reader goes on.  Returns 0;
 * -1 with err for a header that cannot be used (the rest of the file
 * cannot be read); or a negative return of on_rec.  A line longer than
 * CT_FLOW_MAX_LINE is an error: a streaming caller that cannot hold it may
 * pass just its first CT_FLOW_MAX_LINE + 1 bytes. */
int ct_flow_reader_line(struct ct_flow_reader *r, const char *line, size_t len, struct ct_err *err);
const struct ct_flow_stats *ct_flow_reader_stats(const struct ct_flow_reader *r);
/* The layout in force (NULL before the first non-blank line). */
const struct ct_flow_layout *ct_flow_reader_layout(const struct ct_flow_reader *r);

/* Parses a whole text with a reader: splits lines on LF (CRLF tolerated,
 * the last line may lack its LF).  Fuzz-friendly: any bytes are safe.
 * Sets *ret_stats (may be NULL) when it returns 0. */
int ct_flow_parse_buffer(const char *data, size_t len, const char *flow_format, const char *file, ct_diag_fn diag,
			 ct_flow_rec_fn on_rec, void *ud, struct ct_flow_stats *ret_stats, struct ct_err *err);

#endif
