/* output.h - the shared output layer (internal).
 *
 * ct_out_stmt() (ctscan.h) streams an SQLite statement; the row API below
 * does the same for rows that do not come from SQLite (verification
 * results, summaries).  Both share every line of formatting code.
 *
 *   struct ct_out *o = ct_out_new(&spec, 2, (const char *[]){"check", "ok"}, &err);
 *   struct ct_out_value v[2] = {ct_out_text("digest chain"), ct_out_int(1)};
 *   rc = ct_out_row(o, v, &err);   ...
 *   rc = ct_out_finish(o, &err);
 *   ct_out_free(o);
 *
 * Returns of ct_out_row, ct_out_finish and ct_out_stmt: 0 done; 1 the
 * reader went away (a write failed with EPIPE: stop quietly, exit 0); -1
 * error in *err (CT_E_SYSTEM with errno's text for a failed write, exit 5).
 * After 1 or -1 every further call returns the same without writing.
 *
 * The formats:
 *   table   aligned columns, header and a dashed rule; widths from the first
 *           CT_OUT_TABLE_ROWS rows, later rows stream with the same widths.
 *           spec->width > 0 fits the table to that many columns (cutting
 *           with U+2026, widths in terminal columns: East Asian wide
 *           characters 2, combining marks 0); 0 never cuts.
 *           Control characters are shown escaped (\n \t \r \xNN, C1 and
 *           bidi controls as \uNNNN, invalid UTF-8 as \xNN).  Numeric
 *           columns are right-aligned.  No rows: no output at all.
 *   csv     RFC 4180 quoting, LF line ends (not CRLF: every consumer we
 *           know reads both, and LF keeps the text diffable); text cells
 *           starting with = + - @ TAB or CR get a leading ' (formula
 *           injection); integer and real values are never prefixed.
 *   tsv     tab separated; \t \n \r \\ in values escaped.
 *   json    [\n{...},\n{...}\n]\n, or []\n for no rows.
 *   ndjson  one object per line.
 *   raw     the "_raw" column (else the first) verbatim plus "\n"; NULL is
 *           an empty line.
 *   md      GitHub-flavoured Markdown table; | and \ escaped, control
 *           characters as in table.
 * In json and ndjson integers and reals are numbers (non-finite reals
 * null), text is a string (invalid UTF-8 becomes U+FFFD), blobs are base64
 * strings, and JSON-text columns hold their value nested when it is valid
 * JSON (else a string).  Elsewhere blobs are base64 too.  Columns whose
 * name begins with '_' are hidden in every format but raw.
 */
#ifndef CT_OUTPUT_H
#define CT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctscan.h"

/* Rows the table format buffers to size its columns. */
#define CT_OUT_TABLE_ROWS 200
/* Output is handed to spec->write in chunks of about this size. */
#define CT_OUT_CHUNK 65536
/* Nesting deeper than this is not nested: the value is written as a string. */
#define CT_OUT_JSON_MAX_DEPTH 512

/* Names of the JSON-text columns (NULL-terminated); a column whose name
 * ends in "_json" is one too.  Names compare case-insensitively. */
extern const char *const ct_out_json_columns[];

enum ct_out_type {
	CT_OUT_NULL,
	CT_OUT_INT,
	CT_OUT_REAL,
	CT_OUT_TEXT,
	CT_OUT_JSON, /* JSON text, nested in json/ndjson when valid; text elsewhere */
	CT_OUT_BLOB,
};

struct ct_out_value {
	enum ct_out_type type;
	int64_t i;     /* CT_OUT_INT */
	double r;      /* CT_OUT_REAL */
	const char *s; /* CT_OUT_TEXT, CT_OUT_JSON, CT_OUT_BLOB: len bytes */
	size_t len;
};

static inline struct ct_out_value ct_out_null(void)
{
	return (struct ct_out_value){.type = CT_OUT_NULL};
}
static inline struct ct_out_value ct_out_int(int64_t i)
{
	return (struct ct_out_value){.type = CT_OUT_INT, .i = i};
}
static inline struct ct_out_value ct_out_real(double r)
{
	return (struct ct_out_value){.type = CT_OUT_REAL, .r = r};
}
/* NULL s gives a NULL value. */
static inline struct ct_out_value ct_out_text(const char *s)
{
	return (struct ct_out_value){.type = s ? CT_OUT_TEXT : CT_OUT_NULL, .s = s, .len = s ? strlen(s) : 0};
}
static inline struct ct_out_value ct_out_json(const char *s)
{
	return (struct ct_out_value){.type = s ? CT_OUT_JSON : CT_OUT_NULL, .s = s, .len = s ? strlen(s) : 0};
}

struct ct_out;

/* Starts output of rows with `ncols` columns named names[0..ncols-1] (the
 * names are copied).  Writes nothing yet.  Returns NULL and fills *err on
 * failure. */
struct ct_out *ct_out_new(const struct ct_out_spec *spec, int ncols, const char *const *names, struct ct_err *err);
/* Writes one row of ncols values.  The values need to live only during the
 * call. */
int ct_out_row(struct ct_out *o, const struct ct_out_value *vals, struct ct_err *err);
/* Writes what is buffered and the closing text ("]", the table of fewer
 * than CT_OUT_TABLE_ROWS rows) and hands everything to spec->write. */
int ct_out_finish(struct ct_out *o, struct ct_err *err);
/* Rows written so far. */
uint64_t ct_out_rows(const struct ct_out *o);
/* Accepts NULL.  Without ct_out_finish, what is still buffered is dropped. */
void ct_out_free(struct ct_out *o);

#endif
