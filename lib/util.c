/* util.c - errors, buffers, time, hashing. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int ct_err_set(struct ct_err *e, int code, const char *file, uint64_t record, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->record = record;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ct_err_exit(const struct ct_err *e)
{
	switch (e->code) {
	case CT_E_OK: return CT_EXIT_OK;
	case CT_E_USAGE: return CT_EXIT_USAGE;
	case CT_E_INPUT: return CT_EXIT_INPUT;
	case CT_E_QUERY: return CT_EXIT_QUERY;
	default: return CT_EXIT_SYSTEM;
	}
}

void ct_diag_emit(ct_diag_fn fn, void *ud, enum ct_diag_kind kind, enum ct_diag_where where, const char *file,
		  uint64_t n, const char *fmt, ...)
{
	if (!fn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct ct_diag d = {.kind = kind, .where = where, .file = file, .n = n, .msg = msg};
	fn(ud, &d);
}

/* ---- memory ---- */

void ct_mem_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	if (!p || n < 2 * huge)
		return;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/* ---- buffers ---- */

int ct_buf_reserve(struct ct_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			return b->oom = true, -1;
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p)
		return b->oom = true, -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int ct_buf_append(struct ct_buf *b, const void *data, size_t len)
{
	if (ct_buf_reserve(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
	return 0;
}

int ct_buf_putc(struct ct_buf *b, char c)
{
	if (b->len + 2 > b->cap && ct_buf_reserve(b, 1) < 0)
		return -1;
	b->p[b->len++] = c;
	b->p[b->len] = 0;
	return 0;
}

int ct_buf_printf(struct ct_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ct_buf_reserve(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void ct_buf_reset(struct ct_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->p)
		b->p[0] = 0;
}

void ct_buf_free(struct ct_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *ct_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

bool ct_mentions_word(const char *text, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = text; wl && (p = strstr(p, word)); p += wl) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool after = isalnum((unsigned char)p[wl]) || p[wl] == '_';
		if (!before && !after)
			return true;
	}
	return false;
}

/* ---- hashing ---- */

uint64_t ct_hash64(const void *key, size_t len, uint64_t seed)
{
	const uint64_t m = 0xc6a4a7935bd1e995ULL;
	const int r = 47;
	uint64_t h = seed ^ (len * m);
	const unsigned char *p = key;
	size_t n = len / 8;
	for (size_t i = 0; i < n; i++) {
		uint64_t k;
		memcpy(&k, p + i * 8, 8);
		k *= m;
		k ^= k >> r;
		k *= m;
		h ^= k;
		h *= m;
	}
	const unsigned char *t = p + n * 8;
	switch (len & 7) {
	case 7: h ^= (uint64_t)t[6] << 48; /* fall through */
	case 6: h ^= (uint64_t)t[5] << 40; /* fall through */
	case 5: h ^= (uint64_t)t[4] << 32; /* fall through */
	case 4: h ^= (uint64_t)t[3] << 24; /* fall through */
	case 3: h ^= (uint64_t)t[2] << 16; /* fall through */
	case 2: h ^= (uint64_t)t[1] << 8;  /* fall through */
	case 1: h ^= (uint64_t)t[0]; h *= m;
	}
	h ^= h >> r;
	h *= m;
	h ^= h >> r;
	return h;
}

void ct_hex(const unsigned char *in, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * len] = 0;
}

/* ---- time ---- */

/* Howard Hinnant's days_from_civil. */
int64_t ct_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t len, size_t *i, int n, int *ret)
{
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	*ret = v;
	return 0;
}

static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int ct_time_parse_iso(const char *s, size_t len, int64_t *ret_ms)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' || digits(s, len, &i, 2, &mo) || i >= len ||
	    s[i++] != '-' || digits(s, len, &i, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	int64_t ms = 0;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' || digits(s, len, &i, 2, &mi))
			return -1;
		if (i < len && s[i] == ':') {
			i++;
			if (digits(s, len, &i, 2, &sec))
				return -1;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				i++;
				int nd = 0;
				int64_t frac = 0;
				while (i < len && s[i] >= '0' && s[i] <= '9') {
					if (nd < 3) {
						frac = frac * 10 + (s[i] - '0');
						nd++;
					}
					i++;
				}
				if (nd == 0)
					return -1;
				while (nd < 3) {
					frac *= 10;
					nd++;
				}
				ms = frac;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < len) {
			if (s[i] == 'Z' || s[i] == 'z') {
				i++;
			} else if (s[i] == '+' || s[i] == '-') {
				int sign = s[i] == '-' ? -1 : 1, oh, om = 0;
				i++;
				if (digits(s, len, &i, 2, &oh))
					return -1;
				if (i < len && s[i] == ':')
					i++;
				if (i < len && digits(s, len, &i, 2, &om))
					return -1;
				if (oh > 23 || om > 59)
					return -1;
				ms -= sign * ((int64_t)oh * 3600 + om * 60) * 1000;
			}
		}
	}
	if (i != len)
		return -1;
	int64_t days = ct_days_from_civil(y, (unsigned)mo, (unsigned)d);
	*ret_ms = ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000) + ms;
	return 0;
}

int ct_time_parse_arg(const char *s, int64_t now_ms, int64_t *ret_ms)
{
	size_t len = strlen(s);
	if (len == 0 || len > 64)
		return -1;
	size_t i = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == len && len <= 12) { /* epoch seconds */
		*ret_ms = strtoll(s, NULL, 10) * 1000;
		return 0;
	}
	if (i > 0 && i == len - 1 && i <= 9) {
		int64_t n = strtoll(s, NULL, 10), unit;
		switch (s[len - 1]) {
		case 's': unit = 1000; break;
		case 'm': unit = 60 * 1000; break;
		case 'h': unit = 3600 * 1000; break;
		case 'd': unit = 86400 * 1000LL; break;
		case 'w': unit = 7 * 86400 * 1000LL; break;
		default: return -1;
		}
		*ret_ms = now_ms - n * unit;
		return 0;
	}
	return ct_time_parse_iso(s, len, ret_ms);
}

void ct_time_format(int64_t ms, char buf[32])
{
	int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int milli = (int)(ms - secs * 1000);
	time_t t = (time_t)secs;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, 32, "invalid");
		return;
	}
	char tmp[96];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
	memcpy(buf, tmp, 31);
	buf[31] = 0;
}

int64_t ct_time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
