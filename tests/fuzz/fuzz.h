/* fuzz.h - shared helpers of the fuzz harnesses (tests/fuzz/fuzz-*.c).
 *
 * Every harness defines LLVMFuzzerTestOneInput.  Built with -Dfuzzing=true
 * it links with libFuzzer; otherwise with replay.c, which runs the files of
 * its corpus through it.  A harness reads every byte the parser hands back
 * (so that AddressSanitizer sees a pointer past the input) and aborts when
 * an invariant that the parser promises does not hold. */
#ifndef CT_FUZZ_H
#define CT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned fuzz_sink;

/* Reads every byte of [p, p+len). */
static inline void fuzz_touch(const void *p, size_t len)
{
	const unsigned char *c = p;
	unsigned h = 0;
	for (size_t i = 0; i < len; i++)
		h = h * 31 + c[i];
	fuzz_sink += h;
}

static inline void fuzz_touch_str(const char *s)
{
	if (s)
		fuzz_touch(s, strlen(s));
}

/* Stops with a message: libFuzzer records the input as a crash. */
#define FUZZ_CHECK(cond)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                   \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* A diagnostic callback that reads what it is given. */
static inline void fuzz_diag(void *ud, const struct ct_diag *d)
{
	(void)ud;
	fuzz_touch_str(d->file);
	fuzz_touch_str(d->msg);
}

/* The error is well-formed: NUL-terminated and never empty on failure. */
static inline void fuzz_check_err(const struct ct_err *e)
{
	FUZZ_CHECK(memchr(e->msg, 0, sizeof(e->msg)) != NULL);
	FUZZ_CHECK(memchr(e->file, 0, sizeof(e->file)) != NULL);
}

/* A NUL-terminated copy of the input (NULL when it holds a NUL byte). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return NULL;
	char *s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif
