/* output.c - the output formats (see output.h).
 *
 * Like the SQLite shell's output modes, each format is a row of the table
 * `fmts` below: its separators and the few functions that differ.  All of
 * them write into one reusable buffer that goes to spec->write in chunks of
 * about CT_OUT_CHUNK bytes; a value never costs a malloc. */
#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const ct_out_json_columns[] = {
	"user_identity",     "request_parameters",
	"response_elements", "additional_event_data",
	"resources",         "service_event_details",
	"tls_details",       "evidence",
	"entities",          "attack_ids",
	"detail_json",       NULL,
};

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column wide */
#define TABLE_GAP 2             /* spaces between table columns */
#define TABLE_MIN_WIDTH 5       /* fitting never makes a column narrower */

enum cell_kind { CELL_TEXT, CELL_NULL, CELL_NUM };

/* A rendered table cell: `len` bytes at `off` in its buffer, `width` code
 * points wide. */
struct cell {
	size_t off, len, width;
	enum cell_kind kind;
};

struct col {
	char *name;
	size_t namelen;
	bool json; /* a JSON-text column */
	char *key; /* json: "name": */
	size_t keylen;
	size_t width; /* table */
	bool right;   /* table: numbers, right-aligned */
};

struct fmt;

struct ct_out {
	struct ct_out_spec spec;
	const struct fmt *fmt;
	int ncols, nvis, rawcol;
	struct col *cols;
	int *vis; /* the visible columns' indices */
	const char *null_text;
	size_t null_len;

	char *buf; /* pending output */
	size_t len, cap;
	uint64_t rows;
	int state; /* 0, 1: the reader went away, -1: error in e */
	struct ct_err e;
	bool oom, finished;

	/* table */
	size_t max_units;      /* render at most this many columns per cell */
	bool streaming;        /* widths fixed, rows go straight out */
	int nbuf;              /* rows buffered so far */
	struct ct_buf arena;   /* their rendered cells */
	struct cell *cells;    /* CT_OUT_TABLE_ROWS x nvis */
	struct ct_buf scratch; /* one streamed row */
	struct cell *rowcells; /* nvis */
	size_t last_limit;     /* fitting: the last column may use this much */
};

/* ---- the output buffer ---- */

static bool ob_grow(struct ct_out *o, size_t n)
{
	if (o->oom || n > SIZE_MAX / 4 - o->len) {
		o->oom = true;
		return false;
	}
	size_t cap = o->cap * 2;
	if (cap < o->len + n + 1024)
		cap = o->len + n + 1024;
	char *p = realloc(o->buf, cap);
	if (!p) {
		o->oom = true;
		return false;
	}
	o->buf = p;
	o->cap = cap;
	return true;
}

static inline bool ob_need(struct ct_out *o, size_t n)
{
	return o->cap - o->len >= n || ob_grow(o, n);
}

static inline void ob_put(struct ct_out *o, const void *p, size_t n)
{
	if (n && ob_need(o, n)) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
}

static inline void ob_puts(struct ct_out *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

static inline void ob_putc(struct ct_out *o, char c)
{
	if (ob_need(o, 1))
		o->buf[o->len++] = c;
}

static void ob_spaces(struct ct_out *o, size_t n)
{
	if (ob_need(o, n)) {
		memset(o->buf + o->len, ' ', n);
		o->len += n;
	}
}

/* Hands everything pending to spec->write. */
static void ob_flush(struct ct_out *o)
{
	if (o->state == 0 && o->len > 0) {
		errno = 0;
		if (o->spec.write(o->spec.ud, o->buf, o->len) < 0) {
			int e = errno;
			if (e == EPIPE) {
				o->state = 1;
			} else {
				o->state = -1;
				ct_err_set(&o->e, CT_E_SYSTEM, NULL, 0, "cannot write output: %s",
					   e ? strerror(e) : "write failed");
			}
		}
	}
	o->len = 0;
	if (o->cap > 4 * CT_OUT_CHUNK) { /* after a huge row: back to size */
		char *p = realloc(o->buf, CT_OUT_CHUNK + 4096);
		if (p) {
			o->buf = p;
			o->cap = CT_OUT_CHUNK + 4096;
		}
	}
}

/* The result of a call: 0, 1 or -1 with *err filled. */
static int ob_status(struct ct_out *o, struct ct_err *err)
{
	if (o->oom && o->state == 0) {
		o->state = -1;
		ct_err_set(&o->e, CT_E_NOMEM, NULL, 0, "out of memory");
	}
	if (o->state < 0 && err)
		*err = o->e;
	return o->state;
}

/* ---- scalars ---- */

static size_t fmt_int(char *d, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	size_t n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(d, p, n);
	return n;
}

/* The shortest of %.15g and %.17g that reads back as r, with ".0" added to
 * integral values as the SQLite shell does.  Non-finite values are "null"
 * for JSON, else "Inf", "-Inf", "NaN".  d has room for 40 bytes. */
static size_t fmt_real(char *d, double r, bool json)
{
	if (!isfinite(r)) {
		const char *t = json ? "null" : isnan(r) ? "NaN" : r > 0 ? "Inf" : "-Inf";
		size_t n = strlen(t);
		memcpy(d, t, n + 1);
		return n;
	}
	int n = snprintf(d, 40, "%.15g", r);
	if (strtod(d, NULL) != r)
		n = snprintf(d, 40, "%.17g", r);
	bool dot = false;
	for (int i = 0; i < n; i++) {
		if (d[i] == ',') /* a locale's decimal comma */
			d[i] = '.';
		if (d[i] == '.' || d[i] == 'e')
			dot = true;
	}
	if (!dot) {
		memcpy(d + n, ".0", 3);
		n += 2;
	}
	return (size_t)n;
}

static size_t base64(char *d, const unsigned char *s, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *d0 = d;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*d++ = a[v >> 18];
		*d++ = a[(v >> 12) & 63];
		*d++ = a[(v >> 6) & 63];
		*d++ = a[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		*d++ = a[v >> 18];
		*d++ = a[(v >> 12) & 63];
		*d++ = i + 1 < n ? a[(v >> 6) & 63] : '=';
		*d++ = '=';
	}
	return (size_t)(d - d0);
}

#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* A number as text in tmp (40 bytes); text and blob bytes as they are. */
static const char *scalar_text(const struct ct_out_value *v, char *tmp, size_t *ret_len)
{
	switch (v->type) {
	case CT_OUT_INT: *ret_len = fmt_int(tmp, v->i); return tmp;
	case CT_OUT_REAL: *ret_len = fmt_real(tmp, v->r, false); return tmp;
	default: *ret_len = v->len; return v->s ? v->s : "";
	}
}

/* ---- UTF-8 ---- */

/* The length of the valid UTF-8 sequence at s (n > 0, s[0] >= 0x80), its
 * code point in *cp; or minus the length of the maximal invalid subpart
 * (Unicode's "substitution of maximal subparts"). */
static int u8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	int need;
	uint32_t v;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return -1;
	}
	for (int k = 1; k <= need; k++) {
		if ((size_t)k >= n || s[k] < lo || s[k] > hi)
			return -k;
		lo = 0x80;
		hi = 0xbf;
		v = v << 6 | (s[k] & 0x3f);
	}
	*cp = v;
	return need + 1;
}

/* Columns a code point takes on a terminal: 0 for combining marks,
 * zero-width spaces and variation selectors, 2 for East Asian wide and
 * fullwidth characters and emoji, else 1 (after Markus Kuhn's wcwidth,
 * without depending on the locale). */
static size_t cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd},   {0x0610, 0x061a}, {0x064b, 0x065f},
		{0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200f},   {0x20d0, 0x20ff}, {0xfe00, 0xfe0f},
		{0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
	};
	static const uint32_t wide[][2] = {
		{0x1100, 0x115f},   {0x231a, 0x231b}, {0x2329, 0x232a},   {0x23e9, 0x23ec},   {0x2614, 0x2615},
		{0x2e80, 0x303e},   {0x3041, 0x33ff}, {0x3400, 0x4dbf},   {0x4e00, 0x9fff},   {0xa000, 0xa4cf},
		{0xa960, 0xa97f},   {0xac00, 0xd7a3}, {0xf900, 0xfaff},   {0xfe10, 0xfe19},   {0xfe30, 0xfe6f},
		{0xff00, 0xff60},   {0xffe0, 0xffe6}, {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd},
		{0x30000, 0x3fffd},
	};
	if (cp < 0x300)
		return 1;
	for (size_t i = 0; i < CT_ARRAY_SIZE(zero); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < CT_ARRAY_SIZE(wide); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* ---- display text (table, md) ----
 * Control characters escaped so that a log value cannot move the cursor,
 * retitle the terminal or reorder what is shown: \n \t \r, \xNN for other
 * C0 controls, DEL and bytes of invalid UTF-8, \uNNNN for C1 controls and
 * the bidirectional overrides and isolates.  md also escapes | and \. */

static const unsigned char disp_plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
#undef R16
};

static bool disp_escaped_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Renders s into d, which has room for 4 * n + 4 bytes, stopping after
 * max_units columns (the cell is wider than that when *ret_width ends
 * up above max_units).  Returns the bytes written. */
static size_t disp_render(char *d, const char *str, size_t n, bool md, size_t max_units, size_t *ret_width)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	char *d0 = d;
	size_t w = 0, i = 0;
	while (i < n && w <= max_units) {
		unsigned c = s[i];
		if (disp_plain[c] && c != 0x7f && !(md && (c == '|' || c == '\\'))) {
			*d++ = (char)c;
			w++;
			i++;
			continue;
		}
		if (c < 0x80) {
			i++;
			*d++ = '\\';
			if (c == '\n' || c == '\t' || c == '\r') {
				*d++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
				w += 2;
			} else if (c == '|' || c == '\\') {
				*d++ = (char)c;
				w += 2;
			} else {
				*d++ = 'x';
				*d++ = hex[c >> 4];
				*d++ = hex[c & 15];
				w += 4;
			}
			continue;
		}
		uint32_t cp;
		int k = u8_seq(s + i, n - i, &cp);
		if (k > 0 && !disp_escaped_cp(cp)) {
			memcpy(d, s + i, (size_t)k);
			d += k;
			w += cp_width(cp);
		} else if (k > 0) {
			*d++ = '\\';
			*d++ = 'u';
			for (int sh = 12; sh >= 0; sh -= 4)
				*d++ = hex[(cp >> sh) & 15];
			w += 6;
		} else {
			for (int j = 0; j < -k; j++) {
				*d++ = '\\';
				*d++ = 'x';
				*d++ = hex[s[i + (size_t)j] >> 4];
				*d++ = hex[s[i + (size_t)j] & 15];
				w += 4;
			}
			k = -k;
		}
		i += (size_t)k;
	}
	if (i < n)
		w = max_units + 1;
	*ret_width = w;
	return (size_t)(d - d0);
}

/* Renders into the output buffer. */
static void disp_put(struct ct_out *o, const char *s, size_t n, bool md)
{
	if (!ob_need(o, 4 * n + 4))
		return;
	size_t w;
	o->len += disp_render(o->buf + o->len, s, n, md, SIZE_MAX - 1, &w);
}

/* ---- JSON ---- */

/* 1 for bytes a JSON string cannot hold as they are. */
static const unsigned char json_special[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(1), R16(1), 0,      0,      1,      0,      0,      0,      0,      0,
	0,      0,      0,      0,      0,      0,      0,      0, /* 0x22 " */
	R16(0), R16(0), 0,      0,      0,      0,      0,      0,      0,      0,
	0,      0,      0,      0,      1,      0,      0,      0, /* 0x5c \ */
	R16(0), R16(0), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
#undef R16
};

/* Writes s as a JSON string; invalid UTF-8 becomes U+FFFD. */
static void json_str(struct ct_out *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	ob_putc(o, '"');
	while (i < n) {
		/* at most 6 output bytes for each input byte, chunk by chunk */
		size_t end = i + CT_MIN(n - i, (size_t)4096);
		if (!ob_need(o, (end - i + 4) * 6 + 2))
			return;
		char *d = o->buf + o->len;
		while (i < end) {
			size_t start = i;
			while (i < end && !json_special[s[i]])
				i++;
			memcpy(d, s + start, i - start);
			d += i - start;
			if (i >= end)
				break;
			unsigned c = s[i];
			if (c >= 0x80) {
				uint32_t cp;
				int k = u8_seq(s + i, n - i, &cp);
				if (k > 0) {
					memcpy(d, s + i, (size_t)k);
					d += k;
					i += (size_t)k;
				} else {
					memcpy(d, "\xef\xbf\xbd", 3);
					d += 3;
					i += (size_t)-k;
				}
				continue;
			}
			i++;
			*d++ = '\\';
			switch (c) {
			case '"': *d++ = '"'; break;
			case '\\': *d++ = '\\'; break;
			case '\n': *d++ = 'n'; break;
			case '\r': *d++ = 'r'; break;
			case '\t': *d++ = 't'; break;
			case '\b': *d++ = 'b'; break;
			case '\f': *d++ = 'f'; break;
			default:
				memcpy(d, "u00", 3);
				d[3] = hex[c >> 4];
				d[4] = hex[c & 15];
				d += 5;
			}
		}
		o->len = (size_t)(d - o->buf);
	}
	ob_putc(o, '"');
}

/* Character classes inside a JSON string: 0 plain, 1 '"', 2 '\\',
 * 3 control (invalid), 4 non-ASCII. */
static const unsigned char jstr_class[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(3), R16(3), 0,      0,      1,      0,      0,      0,      0,      0,      0,      0,      0, 0, 0, 0, 0,
	0,      R16(0), R16(0), 0,      0,      0,      0,      0,      0,      0,      0,      0,      0, 0, 0, 2, 0,
	0,      0,      R16(0), R16(0), R16(4), R16(4), R16(4), R16(4), R16(4), R16(4), R16(4), R16(4),
#undef R16
};

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Copies the JSON string at s[*i] (a '"') to *d, checking it. */
static bool jv_string(const unsigned char *s, size_t n, size_t *pi, char **pd)
{
	size_t i = *pi + 1;
	char *d = *pd;
	*d++ = '"';
	for (;;) {
		size_t start = i;
		while (i < n && jstr_class[s[i]] == 0)
			i++;
		memcpy(d, s + start, i - start);
		d += i - start;
		if (i >= n)
			return false;
		switch (jstr_class[s[i]]) {
		case 1:
			*d++ = '"';
			*pi = i + 1;
			*pd = d;
			return true;
		case 2:
			if (i + 1 >= n)
				return false;
			if (s[i + 1] == 'u') {
				if (i + 6 > n || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) || !is_hex(s[i + 4]) ||
				    !is_hex(s[i + 5]))
					return false;
				memcpy(d, s + i, 6);
				d += 6;
				i += 6;
			} else if (s[i + 1] && strchr("\"\\/bfnrt", s[i + 1])) {
				*d++ = '\\';
				*d++ = (char)s[i + 1];
				i += 2;
			} else {
				return false;
			}
			break;
		case 3: return false;
		default: {
			uint32_t cp;
			int k = u8_seq(s + i, n - i, &cp);
			if (k < 0)
				return false;
			memcpy(d, s + i, (size_t)k);
			d += k;
			i += (size_t)k;
		}
		}
	}
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Writes the JSON text s (n bytes) nested, without its insignificant white
 * space, if it is valid JSON (RFC 8259, UTF-8, nesting up to
 * CT_OUT_JSON_MAX_DEPTH).  Returns false, having written nothing, if not. */
static bool json_nested(struct ct_out *o, const char *str, size_t n)
{
	if (!ob_need(o, n + 1)) /* the compact copy is never longer */
		return false;
	const unsigned char *s = (const unsigned char *)str;
	char *d = o->buf + o->len;
	unsigned char stack[CT_OUT_JSON_MAX_DEPTH]; /* '{' or '[' */
	int depth = 0;
	size_t i = 0;
#define SKIP_WS()                                                                                                      \
	while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))                                 \
	i++

value:
	SKIP_WS();
	if (i >= n)
		return false;
	switch (s[i]) {
	case '{':
	case '[':
		if (depth == CT_OUT_JSON_MAX_DEPTH)
			return false;
		stack[depth++] = s[i];
		*d++ = (char)s[i++];
		SKIP_WS();
		if (i < n && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
			*d++ = (char)s[i++];
			depth--;
			goto after;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	case '"':
		if (!jv_string(s, n, &i, &d))
			return false;
		goto after;
	case 't':
	case 'f':
	case 'n': {
		const char *lit = s[i] == 't' ? "true" : s[i] == 'f' ? "false" : "null";
		size_t ll = strlen(lit);
		if (n - i < ll || memcmp(s + i, lit, ll) != 0)
			return false;
		memcpy(d, lit, ll);
		d += ll;
		i += ll;
		goto after;
	}
	default: {
		size_t start = i;
		if (s[i] == '-')
			i++;
		if (i < n && s[i] == '0')
			i++;
		else if (i < n && s[i] >= '1' && s[i] <= '9')
			while (i < n && is_digit(s[i]))
				i++;
		else
			return false;
		if (i < n && s[i] == '.') {
			i++;
			if (i >= n || !is_digit(s[i]))
				return false;
			while (i < n && is_digit(s[i]))
				i++;
		}
		if (i < n && (s[i] == 'e' || s[i] == 'E')) {
			i++;
			if (i < n && (s[i] == '+' || s[i] == '-'))
				i++;
			if (i >= n || !is_digit(s[i]))
				return false;
			while (i < n && is_digit(s[i]))
				i++;
		}
		memcpy(d, s + start, i - start);
		d += i - start;
		goto after;
	}
	}

key:
	if (i >= n || s[i] != '"' || !jv_string(s, n, &i, &d))
		return false;
	SKIP_WS();
	if (i >= n || s[i] != ':')
		return false;
	*d++ = ':';
	i++;
	goto value;

after:
	SKIP_WS();
	if (depth == 0) {
		if (i != n)
			return false;
		o->len = (size_t)(d - o->buf);
		return true;
	}
	if (i >= n)
		return false;
	if (s[i] == ',') {
		*d++ = ',';
		i++;
		if (stack[depth - 1] == '{') {
			SKIP_WS();
			goto key;
		}
		goto value;
	}
	if (s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
		*d++ = (char)s[i++];
		depth--;
		goto after;
	}
	return false;
#undef SKIP_WS
}

static void json_value(struct ct_out *o, const struct col *c, const struct ct_out_value *v)
{
	switch (v->type) {
	case CT_OUT_NULL: ob_put(o, "null", 4); break;
	case CT_OUT_INT:
		if (ob_need(o, 24))
			o->len += fmt_int(o->buf + o->len, v->i);
		break;
	case CT_OUT_REAL:
		if (ob_need(o, 40))
			o->len += fmt_real(o->buf + o->len, v->r, true);
		break;
	case CT_OUT_TEXT:
	case CT_OUT_JSON:
		if ((c->json || v->type == CT_OUT_JSON) && json_nested(o, v->s, v->len))
			break;
		json_str(o, v->s, v->len);
		break;
	case CT_OUT_BLOB:
		if (ob_need(o, BASE64_LEN(v->len) + 2)) {
			o->buf[o->len++] = '"';
			o->len += base64(o->buf + o->len, (const unsigned char *)v->s, v->len);
			o->buf[o->len++] = '"';
		}
		break;
	}
}

/* ---- the formats ---- */

struct fmt {
	const char *name;
	void (*begin)(struct ct_out *o); /* from ct_out_new, into the buffer */
	void (*row)(struct ct_out *o, const struct ct_out_value *v);
	void (*end)(struct ct_out *o);
	/* csv, tsv, md: text around and between cells, one cell */
	const char *lead, *sep, *trail;
	void (*cell)(struct ct_out *o, const struct ct_out_value *v);
	/* json, ndjson: before the first row, between rows, after each row,
	 * after the last row, and instead of all when there is none */
	const char *open, *between, *after, *close, *none;
};

/* csv: RFC 4180 quoting; a text cell that a spreadsheet would take for a
 * formula gets a leading ' (OWASP "CSV injection"). */
static void csv_cell(struct ct_out *o, const struct ct_out_value *v)
{
	char tmp[40];
	const char *s;
	size_t n;
	bool textual = v->type == CT_OUT_TEXT || v->type == CT_OUT_JSON || v->type == CT_OUT_BLOB;
	if (v->type == CT_OUT_NULL) {
		s = o->null_text;
		n = o->null_len;
	} else if (v->type == CT_OUT_BLOB) {
		/* base64 (never needs quotes) into spare room, then moved */
		size_t bl = BASE64_LEN(v->len);
		if (!ob_need(o, 2 * bl + 4))
			return;
		char *d = o->buf + o->len + bl + 4;
		size_t k = base64(d, (const unsigned char *)v->s, v->len);
		if (k > 0 && d[0] == '+')
			o->buf[o->len++] = '\'';
		memmove(o->buf + o->len, d, k);
		o->len += k;
		return;
	} else {
		s = scalar_text(v, tmp, &n);
	}
	bool prefix = textual && n > 0 && s[0] && strchr("=+-@\t\r", s[0]);
	bool quote = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r') {
			quote = true;
			break;
		}
	}
	if (!quote) {
		if (!ob_need(o, n + 1))
			return;
		if (prefix)
			o->buf[o->len++] = '\'';
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	if (!ob_need(o, 2 * n + 3))
		return;
	char *d = o->buf + o->len;
	*d++ = '"';
	if (prefix)
		*d++ = '\'';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*d++ = '"';
		*d++ = s[i];
	}
	*d++ = '"';
	o->len = (size_t)(d - o->buf);
}

/* tsv: \t \n \r \\ escaped, so that one line is one row. */
static void tsv_cell(struct ct_out *o, const struct ct_out_value *v)
{
	char tmp[40];
	const char *s;
	size_t n;
	if (v->type == CT_OUT_NULL) {
		s = o->null_text;
		n = o->null_len;
	} else if (v->type == CT_OUT_BLOB) {
		if (ob_need(o, BASE64_LEN(v->len)))
			o->len += base64(o->buf + o->len, (const unsigned char *)v->s, v->len);
		return;
	} else {
		s = scalar_text(v, tmp, &n);
	}
	if (!ob_need(o, 2 * n))
		return;
	char *d = o->buf + o->len;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\') {
			*d++ = '\\';
			*d++ = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
		} else {
			*d++ = c;
		}
	}
	o->len = (size_t)(d - o->buf);
}

/* md: display text with | and \ escaped. */
static void md_cell(struct ct_out *o, const struct ct_out_value *v)
{
	char tmp[40];
	const char *s;
	size_t n;
	if (v->type == CT_OUT_NULL) {
		s = o->null_text;
		n = o->null_len;
	} else if (v->type == CT_OUT_BLOB) {
		if (ob_need(o, BASE64_LEN(v->len)))
			o->len += base64(o->buf + o->len, (const unsigned char *)v->s, v->len);
		return;
	} else {
		s = scalar_text(v, tmp, &n);
	}
	disp_put(o, s, n, true);
}

static void dsv_line(struct ct_out *o, const struct ct_out_value *v)
{
	const struct fmt *f = o->fmt;
	ob_puts(o, f->lead);
	for (int j = 0; j < o->nvis; j++) {
		if (j > 0)
			ob_puts(o, f->sep);
		f->cell(o, &v[o->vis[j]]);
	}
	ob_puts(o, f->trail);
}

static void dsv_begin(struct ct_out *o)
{
	if (!o->spec.header || o->nvis == 0)
		return;
	struct ct_out_value *names = calloc((size_t)o->ncols, sizeof(*names));
	if (!names) {
		o->oom = true;
		return;
	}
	for (int i = 0; i < o->ncols; i++)
		names[i] = (struct ct_out_value){.type = CT_OUT_TEXT, .s = o->cols[i].name, .len = o->cols[i].namelen};
	dsv_line(o, names);
	free(names);
	if (o->spec.format == CT_FMT_MD) {
		ob_putc(o, '|');
		for (int j = 0; j < o->nvis; j++)
			ob_puts(o, "---|");
		ob_putc(o, '\n');
	}
}

static void dsv_row(struct ct_out *o, const struct ct_out_value *v)
{
	if (o->nvis > 0)
		dsv_line(o, v);
}

static void json_row(struct ct_out *o, const struct ct_out_value *v)
{
	const struct fmt *f = o->fmt;
	ob_puts(o, o->rows == 0 ? f->open : f->between);
	ob_putc(o, '{');
	for (int j = 0; j < o->nvis; j++) {
		const struct col *c = &o->cols[o->vis[j]];
		if (j > 0)
			ob_putc(o, ',');
		ob_put(o, c->key, c->keylen);
		json_value(o, c, &v[o->vis[j]]);
	}
	ob_putc(o, '}');
	ob_puts(o, f->after);
}

static void json_end(struct ct_out *o)
{
	ob_puts(o, o->rows == 0 ? o->fmt->none : o->fmt->close);
}

static void raw_row(struct ct_out *o, const struct ct_out_value *v)
{
	if (o->ncols == 0)
		return;
	const struct ct_out_value *x = &v[o->rawcol];
	char tmp[40];
	size_t n;
	const char *s = x->type == CT_OUT_NULL ? "" : scalar_text(x, tmp, &n);
	if (x->type == CT_OUT_NULL)
		n = 0;
	if (ob_need(o, n + 1)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		o->buf[o->len++] = '\n';
	}
}

/* ---- table ---- */

/* Renders one cell into b; fills *c. */
static void table_render(struct ct_out *o, struct ct_buf *b, const struct ct_out_value *v, struct cell *c)
{
	char tmp[40];
	const char *s;
	size_t n;
	c->kind = v->type == CT_OUT_NULL                            ? CELL_NULL
		  : v->type == CT_OUT_INT || v->type == CT_OUT_REAL ? CELL_NUM
								    : CELL_TEXT;
	c->off = b->len;
	c->len = c->width = 0;
	if (v->type == CT_OUT_NULL) {
		s = o->null_text;
		n = o->null_len;
	} else if (v->type == CT_OUT_BLOB) {
		size_t bl = BASE64_LEN(v->len);
		if (ct_buf_reserve(b, bl) < 0) {
			o->oom = true;
			return;
		}
		n = base64(b->p + b->len, (const unsigned char *)v->s, v->len);
		b->len += n;
		c->len = c->width = n; /* ASCII */
		return;
	} else {
		s = scalar_text(v, tmp, &n);
	}
	size_t take = n;
	if (o->max_units < SIZE_MAX - 1 && take > 4 * (o->max_units + 1))
		take = 4 * (o->max_units + 1); /* enough bytes for max_units + 1 columns */
	if (ct_buf_reserve(b, 4 * take + 4) < 0) {
		o->oom = true;
		return;
	}
	c->len = disp_render(b->p + b->len, s, take, false, o->max_units, &c->width);
	if (take < n && c->width <= o->max_units)
		c->width = o->max_units + 1;
	b->len += c->len;
}

/* Writes rendered text (w columns wide) cut to `limit` columns with an
 * ellipsis; a wide character that does not fit leaves a blank after it. */
static void table_cut(struct ct_out *o, const char *s, size_t len, size_t w, size_t limit)
{
	if (w <= limit) {
		ob_put(o, s, len);
		return;
	}
	if (limit == 0)
		return;
	size_t i = 0, units = 0;
	while (i < len) {
		uint32_t cp = (unsigned char)s[i];
		size_t k = 1, cw = 1;
		if (cp >= 0x80) {
			int r = u8_seq((const unsigned char *)s + i, len - i, &cp);
			if (r > 0) {
				k = (size_t)r;
				cw = cp_width(cp);
			}
		}
		if (units + cw > limit - 1)
			break;
		i += k;
		units += cw;
	}
	ob_put(o, s, i);
	ob_put(o, ELLIPSIS, sizeof(ELLIPSIS) - 1);
	ob_spaces(o, limit - 1 - units);
}

/* One line of cells (texts in base), header when `hdr`. */
static void table_line(struct ct_out *o, const char *base, const struct cell *cells, bool hdr)
{
	size_t mark = o->len;
	bool fit = o->spec.width > 0;
	for (int j = 0; j < o->nvis; j++) {
		const struct col *c = &o->cols[o->vis[j]];
		const struct cell *x = &cells[j];
		bool last = j == o->nvis - 1;
		size_t limit = !fit ? SIZE_MAX : last ? o->last_limit : c->width;
		size_t w = CT_MIN(x->width, limit);
		size_t pad = (!last || c->right) && w < c->width ? c->width - w : 0;
		if (c->right)
			ob_spaces(o, pad);
		const char *on = NULL;
		if (o->spec.color && hdr)
			on = BOLD;
		else if (o->spec.color && x->kind == CELL_NULL && x->len > 0)
			on = DIM;
		if (on)
			ob_puts(o, on);
		table_cut(o, base + x->off, x->len, x->width, limit);
		if (on)
			ob_puts(o, RESET);
		if (!c->right && !last)
			ob_spaces(o, pad);
		if (!last)
			ob_spaces(o, TABLE_GAP);
	}
	while (o->len > mark && o->buf[o->len - 1] == ' ') /* no trailing blanks */
		o->len--;
	ob_putc(o, '\n');
}

/* Fixes the column widths from the buffered rows, fitting them to
 * spec->width, and writes the header and the buffered rows. */
static void table_layout(struct ct_out *o)
{
	int nv = o->nvis;
	size_t W = o->spec.width > 0 ? (size_t)o->spec.width : 0;
	struct ct_buf hb = {0};
	struct cell *hc = calloc((size_t)nv + 1, sizeof(*hc));
	if (!hc) {
		o->oom = true;
		return;
	}
	for (int j = 0; j < nv; j++) {
		struct col *c = &o->cols[o->vis[j]];
		struct ct_out_value hv = {.type = CT_OUT_TEXT, .s = c->name, .len = c->namelen};
		if (o->spec.header) {
			table_render(o, &hb, &hv, &hc[j]);
			hc[j].kind = CELL_TEXT;
		}
		size_t w = o->spec.header ? hc[j].width : 0;
		bool num = false, other = false;
		for (int r = 0; r < o->nbuf; r++) {
			const struct cell *x = &o->cells[(size_t)r * (size_t)nv + (size_t)j];
			w = CT_MAX(w, x->width);
			num |= x->kind == CELL_NUM;
			other |= x->kind == CELL_TEXT;
		}
		c->width = w;
		c->right = num && !other;
	}
	size_t gaps = (size_t)(nv - 1) * TABLE_GAP, total = gaps;
	for (int j = 0; j < nv; j++)
		total += o->cols[o->vis[j]].width;
	if (W && total > W) {
		/* Shrink the widest columns: the largest cap C such that the
		 * columns, each cut to C, fit; the room left over goes one by
		 * one to the cut columns from the left. */
		size_t avail = W > gaps ? W - gaps : 0, lo = TABLE_MIN_WIDTH, hi = 0;
		for (int j = 0; j < nv; j++)
			hi = CT_MAX(hi, o->cols[o->vis[j]].width);
		size_t cap = lo;
		while (lo <= hi) {
			size_t mid = lo + (hi - lo) / 2, sum = 0;
			for (int j = 0; j < nv; j++)
				sum += CT_MIN(o->cols[o->vis[j]].width, mid);
			if (sum <= avail) {
				cap = mid;
				lo = mid + 1;
			} else {
				hi = mid - 1;
			}
		}
		size_t sum = 0;
		for (int j = 0; j < nv; j++)
			sum += CT_MIN(o->cols[o->vis[j]].width, cap);
		size_t spare = avail > sum ? avail - sum : 0;
		for (int j = 0; j < nv; j++) {
			struct col *c = &o->cols[o->vis[j]];
			if (c->width > cap) {
				c->width = cap;
				if (spare > 0) {
					c->width++;
					spare--;
				}
			}
		}
	}
	if (W) {
		size_t used = gaps;
		for (int j = 0; j < nv - 1; j++)
			used += o->cols[o->vis[j]].width;
		size_t lastw = o->cols[o->vis[nv - 1]].width;
		o->last_limit = W > used && W - used > lastw ? W - used : lastw;
	}
	if (o->spec.header) {
		table_line(o, hb.p, hc, true);
		size_t mark = o->len;
		for (int j = 0; j < nv; j++) {
			size_t w = o->cols[o->vis[j]].width;
			if (ob_need(o, w + TABLE_GAP)) {
				memset(o->buf + o->len, '-', w);
				o->len += w;
				if (j < nv - 1) {
					memset(o->buf + o->len, ' ', TABLE_GAP);
					o->len += TABLE_GAP;
				}
			}
		}
		while (o->len > mark && o->buf[o->len - 1] == ' ')
			o->len--;
		ob_putc(o, '\n');
	}
	for (int r = 0; r < o->nbuf; r++)
		table_line(o, o->arena.p, &o->cells[(size_t)r * (size_t)nv], false);
	ct_buf_free(&hb);
	free(hc);
	ct_buf_free(&o->arena);
	free(o->cells);
	o->cells = NULL;
	o->nbuf = 0;
	o->streaming = true;
}

static void table_row(struct ct_out *o, const struct ct_out_value *v)
{
	int nv = o->nvis;
	if (nv == 0)
		return;
	if (!o->streaming && o->nbuf == CT_OUT_TABLE_ROWS)
		table_layout(o);
	if (!o->streaming) {
		struct cell *cells = &o->cells[(size_t)o->nbuf * (size_t)nv];
		for (int j = 0; j < nv; j++)
			table_render(o, &o->arena, &v[o->vis[j]], &cells[j]);
		o->nbuf++;
		return;
	}
	ct_buf_reset(&o->scratch);
	for (int j = 0; j < nv; j++)
		table_render(o, &o->scratch, &v[o->vis[j]], &o->rowcells[j]);
	if (!o->oom)
		table_line(o, o->scratch.p, o->rowcells, false);
	if (o->scratch.cap > 4 * CT_OUT_CHUNK) /* after a huge row: back to size */
		ct_buf_free(&o->scratch);
}

static void table_end(struct ct_out *o)
{
	if (!o->streaming && o->nbuf > 0)
		table_layout(o);
}

static const struct fmt fmts[] = {
	[CT_FMT_TABLE] = {.name = "table", .row = table_row, .end = table_end},
	[CT_FMT_CSV] = {.name = "csv",
			.begin = dsv_begin,
			.row = dsv_row,
			.lead = "",
			.sep = ",",
			.trail = "\n",
			.cell = csv_cell},
	[CT_FMT_TSV] = {.name = "tsv",
			.begin = dsv_begin,
			.row = dsv_row,
			.lead = "",
			.sep = "\t",
			.trail = "\n",
			.cell = tsv_cell},
	[CT_FMT_JSON] = {.name = "json",
			 .row = json_row,
			 .end = json_end,
			 .open = "[\n",
			 .between = ",\n",
			 .after = "",
			 .close = "\n]\n",
			 .none = "[]\n"},
	[CT_FMT_NDJSON] = {.name = "ndjson",
			   .row = json_row,
			   .end = json_end,
			   .open = "",
			   .between = "",
			   .after = "\n",
			   .close = "",
			   .none = ""},
	[CT_FMT_RAW] = {.name = "raw", .row = raw_row},
	[CT_FMT_MD] = {.name = "md",
		       .begin = dsv_begin,
		       .row = dsv_row,
		       .lead = "| ",
		       .sep = " | ",
		       .trail = " |\n",
		       .cell = md_cell},
};

int ct_format_parse(const char *name, enum ct_format *ret)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(fmts); i++) {
		if (name && strcmp(name, fmts[i].name) == 0) {
			*ret = (enum ct_format)i;
			return 0;
		}
	}
	return -1;
}

/* ---- the row API ---- */

static bool ascii_caseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

static bool is_json_column(const char *name, size_t n)
{
	if (n >= 5 && ascii_caseeq(name + n - 5, "_json", 5))
		return true;
	for (size_t i = 0; ct_out_json_columns[i]; i++)
		if (strlen(ct_out_json_columns[i]) == n && ascii_caseeq(name, ct_out_json_columns[i], n))
			return true;
	return false;
}

struct ct_out *ct_out_new(const struct ct_out_spec *spec, int ncols, const char *const *names, struct ct_err *err)
{
	if (!spec || !spec->write || ncols < 0 || (ncols > 0 && !names) ||
	    (unsigned)spec->format >= CT_ARRAY_SIZE(fmts)) {
		ct_err_set(err, CT_E_USAGE, NULL, 0, "invalid output specification");
		return NULL;
	}
	struct ct_out *o = calloc(1, sizeof(*o));
	if (!o)
		goto nomem;
	o->spec = *spec;
	o->fmt = &fmts[spec->format];
	o->ncols = ncols;
	bool has_raw = false;
	o->null_text = spec->null_text ? spec->null_text : "";
	o->null_len = strlen(o->null_text);
	o->max_units = spec->format == CT_FMT_TABLE && spec->width > 0 ? (size_t)spec->width : SIZE_MAX - 1;
	o->cap = CT_OUT_CHUNK + 4096;
	o->buf = malloc(o->cap);
	o->cols = calloc((size_t)ncols + 1, sizeof(*o->cols));
	o->vis = calloc((size_t)ncols + 1, sizeof(*o->vis));
	o->rowcells = calloc((size_t)ncols + 1, sizeof(*o->rowcells));
	if (!o->buf || !o->cols || !o->vis || !o->rowcells)
		goto nomem;
	for (int i = 0; i < ncols; i++) {
		struct col *c = &o->cols[i];
		const char *nm = names[i] ? names[i] : "";
		c->namelen = strlen(nm);
		c->name = ct_strndup(nm, c->namelen);
		if (!c->name)
			goto nomem;
		c->json = is_json_column(nm, c->namelen);
		if (nm[0] != '_')
			o->vis[o->nvis++] = i;
		if (!has_raw && strcmp(nm, "_raw") == 0) {
			o->rawcol = i; /* else the first column */
			has_raw = true;
		}
		/* the key "name": rendered once, through the output buffer */
		json_str(o, nm, c->namelen);
		ob_putc(o, ':');
		if (o->oom || !(c->key = ct_strndup(o->buf, o->len)))
			goto nomem;
		c->keylen = o->len;
		o->len = 0;
	}
	if (spec->format == CT_FMT_TABLE && o->nvis > 0) {
		o->cells = calloc((size_t)CT_OUT_TABLE_ROWS * (size_t)o->nvis, sizeof(*o->cells));
		if (!o->cells)
			goto nomem;
	}
	if (o->fmt->begin)
		o->fmt->begin(o);
	if (o->oom)
		goto nomem;
	return o;
nomem:
	ct_out_free(o);
	ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	return NULL;
}

int ct_out_row(struct ct_out *o, const struct ct_out_value *vals, struct ct_err *err)
{
	if (o->state || o->finished)
		return ob_status(o, err);
	o->fmt->row(o, vals);
	o->rows++;
	if (o->len >= CT_OUT_CHUNK && !o->oom)
		ob_flush(o);
	return ob_status(o, err);
}

int ct_out_finish(struct ct_out *o, struct ct_err *err)
{
	if (o->state || o->finished)
		return ob_status(o, err);
	o->finished = true;
	if (o->fmt->end)
		o->fmt->end(o);
	if (!o->oom)
		ob_flush(o);
	return ob_status(o, err);
}

uint64_t ct_out_rows(const struct ct_out *o)
{
	return o->rows;
}

void ct_out_free(struct ct_out *o)
{
	if (!o)
		return;
	for (int i = 0; o->cols && i < o->ncols; i++) {
		free(o->cols[i].name);
		free(o->cols[i].key);
	}
	free(o->cols);
	free(o->vis);
	free(o->buf);
	free(o->cells);
	free(o->rowcells);
	ct_buf_free(&o->arena);
	ct_buf_free(&o->scratch);
	free(o);
}

/* ---- SQLite statements ---- */

static int step_error(sqlite3 *db, int rc, struct ct_err *err)
{
	int code;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: code = CT_E_BUSY; break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: code = CT_E_CORRUPT; break;
	case SQLITE_NOMEM: code = CT_E_NOMEM; break;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN: code = CT_E_SYSTEM; break;
	default: code = CT_E_QUERY;
	}
	return ct_err_set(err, code, NULL, 0, "%s", sqlite3_errmsg(db));
}

int ct_out_stmt(const struct ct_out_spec *spec, sqlite3_stmt *stmt, uint64_t *ret_rows, struct ct_err *err)
{
	int n = sqlite3_column_count(stmt);
	const char **names = calloc((size_t)n + 1, sizeof(*names));
	struct ct_out_value *vals = calloc((size_t)n + 1, sizeof(*vals));
	if (!names || !vals) {
		free(names);
		free(vals);
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	}
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(stmt, i);
	struct ct_out *o = ct_out_new(spec, n, names, err);
	free(names);
	if (!o) {
		free(vals);
		return -1;
	}
	int rc = 0, src;
	bool nomem = false;
	while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			struct ct_out_value *v = &vals[i];
			switch (sqlite3_column_type(stmt, i)) {
			case SQLITE_INTEGER:
				v->type = CT_OUT_INT;
				v->i = sqlite3_column_int64(stmt, i);
				break;
			case SQLITE_FLOAT:
				v->type = CT_OUT_REAL;
				v->r = sqlite3_column_double(stmt, i);
				break;
			case SQLITE_TEXT:
				v->type = CT_OUT_TEXT;
				v->s = (const char *)sqlite3_column_text(stmt, i);
				v->len = (size_t)sqlite3_column_bytes(stmt, i);
				if (!v->s) {
					v->type = CT_OUT_NULL;
					nomem = true;
				}
				break;
			case SQLITE_BLOB:
				v->type = CT_OUT_BLOB;
				v->s = sqlite3_column_blob(stmt, i);
				v->len = (size_t)sqlite3_column_bytes(stmt, i);
				if (!v->s && v->len) {
					v->type = CT_OUT_NULL;
					nomem = true;
				}
				break;
			default: v->type = CT_OUT_NULL;
			}
		}
		if (nomem) {
			src = SQLITE_NOMEM;
			break;
		}
		rc = ct_out_row(o, vals, err);
		if (rc != 0)
			break;
	}
	if (rc == 0 && src != SQLITE_DONE) {
		/* Show the rows that came before the error, then report it. */
		(void)ct_out_finish(o, NULL);
		rc = step_error(sqlite3_db_handle(stmt), src, err);
	} else if (rc == 0) {
		rc = ct_out_finish(o, err);
	}
	if (rc >= 0 && ret_rows)
		*ret_rows = ct_out_rows(o);
	ct_out_free(o);
	free(vals);
	return rc;
}
