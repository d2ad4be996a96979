/* json.c - validating in-place JSON scanner. */
#include "json.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define CT_MIN_SZ(a, b) ((a) < (b) ? (a) : (b))
#define FAILK(s, msg, at, kind)                                                                                        \
	do {                                                                                                           \
		(s)->err = (msg);                                                                                      \
		(s)->errpos = (at);                                                                                    \
		(s)->errkind = (kind);                                                                                 \
		return CT_JSON_ERR;                                                                                    \
	} while (0)
#define FAIL(s, msg, at) FAILK(s, msg, at, CT_JSON_E_SYNTAX)

/* Validates one UTF-8 sequence starting with lead byte p[0] >= 0x80.
 * Returns its length, 0 when invalid, -1 when it runs past end. */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (end - p < n) {
		/* Check what we have so an invalid prefix is an error now. */
		for (int i = 1; i < end - p; i++) {
			unsigned b = p[i];
			if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
				return 0;
		}
		return -1;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ct_json_string(struct ct_json_scan *s, struct ct_json_str *ret)
{
	const unsigned char *p = (const unsigned char *)s->p + 1;
	const unsigned char *end = (const unsigned char *)s->end;
	const unsigned char *start = p;
	bool escaped = false;
	for (;;) {
#if defined(__SSE2__)
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
			__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
			/* signed compare: catches 0x00-0x1f and 0x80-0xff */
			__m128i c = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
			int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c));
			if (m) {
				p += __builtin_ctz((unsigned)m);
				break;
			}
			p += 16;
		}
#endif
		if (p >= end)
			return CT_JSON_MORE;
		unsigned c = *p;
		if (c == '"') {
			ret->s = (const char *)start;
			ret->len = (size_t)(p - start);
			ret->escaped = escaped;
			s->p = (const char *)p + 1;
			return CT_JSON_OK;
		}
		if (c == '\\') {
			escaped = true;
			if (end - p < 2)
				return CT_JSON_MORE;
			switch (p[1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't': p += 2; continue;
			case 'u':
				if (end - p < 6) {
					for (const unsigned char *h = p + 2; h < end; h++)
						if (hexval(*h) < 0)
							FAILK(s, "invalid \\u escape in string", (const char *)p,
							      CT_JSON_E_CONTENT);
					return CT_JSON_MORE;
				}
				for (int i = 2; i < 6; i++)
					if (hexval(p[i]) < 0)
						FAILK(s, "invalid \\u escape in string", (const char *)p,
						      CT_JSON_E_CONTENT);
				p += 6;
				continue;
			default: FAILK(s, "invalid escape in string", (const char *)p, CT_JSON_E_CONTENT);
			}
		}
		if (c < 0x20) {
			if (c == 0)
				FAILK(s, "NUL byte in string", (const char *)p, CT_JSON_E_CONTENT);
			FAILK(s, "control character in string", (const char *)p, CT_JSON_E_CONTENT);
		}
		if (c >= 0x80) {
			int n = utf8_seq(p, end);
			if (n == 0)
				FAILK(s, "invalid UTF-8 in string", (const char *)p, CT_JSON_E_CONTENT);
			if (n < 0)
				return CT_JSON_MORE;
			p += n;
			continue;
		}
		p++;
	}
}

static int number(struct ct_json_scan *s)
{
	const char *p = s->p, *end = s->end;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		goto more;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		FAIL(s, "invalid number", p);
	if (p < end && *p == '.') {
		p++;
		const char *d = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p >= end)
			goto more;
		if (p == d)
			FAIL(s, "invalid number", p);
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		const char *d = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p >= end)
			goto more;
		if (p == d)
			FAIL(s, "invalid number", p);
	}
	if (p >= end)
		goto more;
	s->p = p;
	return CT_JSON_OK;
more:
	if (s->final && p > s->p && p[-1] >= '0' && p[-1] <= '9') {
		s->p = p;
		return CT_JSON_OK;
	}
	if (s->final)
		FAIL(s, "truncated number", s->p);
	return CT_JSON_MORE;
}

static int literal(struct ct_json_scan *s, const char *word, size_t n)
{
	size_t have = (size_t)(s->end - s->p);
	if (memcmp(s->p, word, CT_MIN_SZ(have, n)) != 0)
		FAIL(s, "invalid literal", s->p);
	if (have < n)
		return s->final ? (s->err = "truncated literal", s->errpos = s->p, CT_JSON_ERR) : CT_JSON_MORE;
	s->p += n;
	return CT_JSON_OK;
}

int ct_json_skip(struct ct_json_scan *s, int depth)
{
	/* stack of open containers: 1 = object, 0 = array */
	unsigned char stack[CT_JSON_MAX_DEPTH + 1];
	int sp = 0;
	int limit = s->max_depth > 0 ? s->max_depth : CT_JSON_MAX_DEPTH;
	if (limit > CT_JSON_MAX_DEPTH)
		limit = CT_JSON_MAX_DEPTH;
	const char *end = s->end;
	int rc;
	struct ct_json_str str;

value:
	if (s->p >= end)
		return CT_JSON_MORE;
	switch (*s->p) {
	case '"':
		if ((rc = ct_json_string(s, &str)) != CT_JSON_OK)
			return rc;
		break;
	case '{':
	case '[':
		if (depth + sp + 1 > limit)
			FAILK(s, "nesting deeper than 512 levels", s->p, CT_JSON_E_DEPTH);
		stack[sp++] = *s->p == '{';
		s->p = ct_json_ws(s->p + 1, end);
		if (s->p >= end)
			return CT_JSON_MORE;
		if (*s->p == (stack[sp - 1] ? '}' : ']')) {
			s->p++;
			sp--;
			break;
		}
		if (stack[sp - 1])
			goto key;
		goto value;
	case 't':
		if ((rc = literal(s, "true", 4)) != CT_JSON_OK)
			return rc;
		break;
	case 'f':
		if ((rc = literal(s, "false", 5)) != CT_JSON_OK)
			return rc;
		break;
	case 'n':
		if ((rc = literal(s, "null", 4)) != CT_JSON_OK)
			return rc;
		break;
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
			if ((rc = number(s)) != CT_JSON_OK)
				return rc;
			break;
		}
		if (*s->p == 0)
			FAIL(s, "NUL byte", s->p);
		FAIL(s, "unexpected character", s->p);
	}
	/* after a value */
	while (sp > 0) {
		s->p = ct_json_ws(s->p, end);
		if (s->p >= end)
			return CT_JSON_MORE;
		char c = *s->p;
		if (c == ',') {
			s->p = ct_json_ws(s->p + 1, end);
			if (s->p >= end)
				return CT_JSON_MORE;
			if (stack[sp - 1])
				goto key;
			goto value;
		}
		if (c == (stack[sp - 1] ? '}' : ']')) {
			s->p++;
			sp--;
			continue;
		}
		FAIL(s, stack[sp - 1] ? "expected ',' or '}'" : "expected ',' or ']'", s->p);
	}
	return CT_JSON_OK;

key:
	if (*s->p != '"')
		FAIL(s, "expected a string key", s->p);
	if ((rc = ct_json_string(s, &str)) != CT_JSON_OK)
		return rc;
	s->p = ct_json_ws(s->p, end);
	if (s->p >= end)
		return CT_JSON_MORE;
	if (*s->p != ':')
		FAIL(s, "expected ':'", s->p);
	s->p = ct_json_ws(s->p + 1, end);
	goto value;
}

static void put_utf8(unsigned cp, char **o)
{
	unsigned char *q = (unsigned char *)*o;
	if (cp < 0x80) {
		*q++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*q++ = (unsigned char)(0xC0 | (cp >> 6));
		*q++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*q++ = (unsigned char)(0xE0 | (cp >> 12));
		*q++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*q++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*q++ = (unsigned char)(0xF0 | (cp >> 18));
		*q++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		*q++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*q++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*o = (char *)q;
}

static unsigned hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

size_t ct_json_unescape(const char *s, size_t len, char *out)
{
	char *o = out;
	const char *end = s + len;
	while (s < end) {
		const char *bs = memchr(s, '\\', (size_t)(end - s));
		if (!bs) {
			memmove(o, s, (size_t)(end - s));
			o += end - s;
			break;
		}
		memmove(o, s, (size_t)(bs - s));
		o += bs - s;
		s = bs + 1;
		if (s >= end)
			break;
		char c = *s++;
		switch (c) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			if (end - s < 4)
				return (size_t)(o - out);
			unsigned cp = hex4(s);
			s += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (end - s >= 6 && s[0] == '\\' && s[1] == 'u') {
					unsigned lo = hex4(s + 2);
					if (lo >= 0xDC00 && lo <= 0xDFFF) {
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						s += 6;
					} else
						cp = 0xFFFD;
				} else
					cp = 0xFFFD;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF)
				cp = 0xFFFD;
			put_utf8(cp, &o);
			break;
		}
		default: *o++ = c; break;
		}
	}
	return (size_t)(o - out);
}

size_t ct_json_escape(const char *s, size_t len, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *o = out;
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			p++;
			continue;
		}
		if (c >= 0x80) {
			int n = utf8_seq(p, end);
			if (n <= 0) {
				memcpy(o, "\xEF\xBF\xBD", 3);
				o += 3;
				p++;
			} else {
				memcpy(o, p, (size_t)n);
				o += n;
				p += n;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 15];
		}
		p++;
	}
	return (size_t)(o - out);
}

bool ct_json_valid(const char *p, size_t len)
{
	struct ct_json_scan s = {.p = p, .end = p + len, .final = true};
	s.p = ct_json_ws(s.p, s.end);
	if (s.p >= s.end)
		return false;
	if (ct_json_skip(&s, 0) != CT_JSON_OK)
		return false;
	return ct_json_ws(s.p, s.end) == s.end;
}
