/* util.h - small shared helpers of libctscan (internal). */
#ifndef CT_UTIL_H
#define CT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctscan.h"

#define CT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CT_MAX(a, b) ((a) > (b) ? (a) : (b))

/* A growable byte buffer.  Always NUL-terminated after a successful op. */
struct ct_buf {
	char *p;
	size_t len, cap;
	bool oom; /* an append failed since the last reset */
};

int ct_buf_reserve(struct ct_buf *b, size_t extra);
int ct_buf_append(struct ct_buf *b, const void *data, size_t len);
int ct_buf_putc(struct ct_buf *b, char c);
int ct_buf_printf(struct ct_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ct_buf_reset(struct ct_buf *b);
void ct_buf_free(struct ct_buf *b);

/* Asks the kernel for huge pages (2 MiB, transparent) under the part of
 * [p, p + n) they can cover: for the big tables looked up at random,
 * whose misses in the TLB then cost less.  Does nothing for less than
 * 4 MiB, or where the kernel will not. */
void ct_mem_huge(void *p, size_t n);

/* 64-bit hash of a byte string (MurmurHash64A). */
uint64_t ct_hash64(const void *data, size_t len, uint64_t seed);

/* Lowercase hex of `len` bytes into out (2*len+1 bytes). */
void ct_hex(const unsigned char *in, size_t len, char *out);

/* Parses a civil date/time to milliseconds (UTC) without libc's time zone. */
int64_t ct_days_from_civil(int64_t y, unsigned m, unsigned d);

/* xmalloc-style helpers that return NULL on failure (never abort). */
char *ct_strndup(const char *s, size_t n);

/* Whether `text` has `word` as a whole identifier (no letter, digit or
 * underscore on either side): a cheap look at which columns SQL names. */
bool ct_mentions_word(const char *text, const char *word);

/* Error helper for the diag callback. */
void ct_diag_emit(ct_diag_fn fn, void *ud, enum ct_diag_kind kind, enum ct_diag_where where, const char *file,
		  uint64_t n, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif
