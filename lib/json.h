/* json.h - a validating JSON scanner for the ingest hot path (internal).
 *
 * It never builds a tree: it walks bytes in place, validates strict JSON
 * (RFC 8259, UTF-8 checked), and reports where values start and end so the
 * CloudTrail reader can pick the fields it needs in the same pass.  It is
 * iterative (no recursion) with a hard nesting limit, and it tells a caller
 * that streams when a value runs past the end of the bytes it has
 * (CT_JSON_MORE), so the caller can read more and scan the value again.
 */
#ifndef CT_JSON_H
#define CT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_JSON_MAX_DEPTH 512

enum ct_json_status {
	CT_JSON_OK = 0,
	CT_JSON_MORE = 1, /* the value continues past `end` */
	CT_JSON_ERR = -1, /* invalid JSON: see scan->err and scan->errpos */
};

struct ct_json_scan {
	const char *p;   /* current position */
	const char *end; /* end of available bytes */
	bool final;      /* no bytes will follow `end` (numbers may end there) */
	int max_depth;   /* nesting budget for the value being scanned */
	const char *err; /* static message on CT_JSON_ERR */
	const char *errpos;
	int errkind; /* enum ct_json_errkind */
};

/* What broke: the structure (nothing after it can be trusted), bad bytes
 * inside a string, or the nesting limit (the value's end can still be
 * found by counting brackets). */
enum ct_json_errkind { CT_JSON_E_SYNTAX = 0, CT_JSON_E_CONTENT, CT_JSON_E_DEPTH, CT_JSON_E_SIZE };

/* A string value: [s, s+len) are the bytes between the quotes, still
 * escaped when `escaped` is set. */
struct ct_json_str {
	const char *s;
	size_t len;
	bool escaped;
};

static inline const char *ct_json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* Scans one value at s->p (no leading whitespace) and leaves s->p after
 * it.  `depth` is the nesting depth the value sits at (0 for a top-level
 * value); containers deeper than s->max_depth are an error. */
int ct_json_skip(struct ct_json_scan *s, int depth);

/* Scans a string at s->p (which must be '"'), validating escapes and
 * UTF-8; leaves s->p after the closing quote. */
int ct_json_string(struct ct_json_scan *s, struct ct_json_str *ret);

/* Decodes an escaped string body into out (which needs at most len bytes:
 * unescaping never grows).  Returns the decoded length.  Invalid or lone
 * surrogates decode to U+FFFD. */
size_t ct_json_unescape(const char *s, size_t len, char *out);

/* Appends `len` bytes as a JSON string body (without quotes) to out, which
 * must have room for 6*len bytes; returns the bytes written.  Invalid UTF-8
 * becomes U+FFFD. */
size_t ct_json_escape(const char *s, size_t len, char *out);

/* True when [p, p+len) is one complete, valid JSON value (whitespace
 * around it allowed). */
bool ct_json_valid(const char *p, size_t len);

#endif
