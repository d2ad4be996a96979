/* input.h - reading one input: a file or standard input, gzip or plain
 * (recognised by its magic bytes), hashed as it is read (internal). */
#ifndef CT_INPUT_H
#define CT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctscan.h"

/* Hard limits, each with its own message. */
#define CT_MAX_RECORD (8u << 20)     /* one JSON record or flow line block */
#define CT_MAX_INFLATE (64ULL << 30) /* inflated bytes per file */
#define CT_BOMB_RATIO 250            /* inflated/compressed, past... */
#define CT_BOMB_FLOOR (1ULL << 30)   /* ...this many inflated bytes */

struct ct_input;

/* Opens `path` for reading.  Standard input ("-") and pipes are spooled to
 * an unlinked temporary file first, so every input can be hashed before it
 * is parsed and read twice.  Refuses directories, FIFOs and devices. */
int ct_input_open(const char *path, struct ct_input **ret, struct ct_err *err);
void ct_input_free(struct ct_input *in);

/* SHA-256 (hex) and size of the bytes of the file as stored. */
int ct_input_hash_raw(struct ct_input *in, char ret_hex[65], uint64_t *ret_size, struct ct_err *err);

/* Starts (or restarts) reading the content from the beginning. */
int ct_input_rewind(struct ct_input *in, struct ct_err *err);
bool ct_input_is_gzip(const struct ct_input *in);
bool ct_input_is_parquet(const struct ct_input *in);

/* Formats that may hold logs but that ctscan does not read, known by
 * their magic bytes. */
enum ct_input_foreign {
	CT_FOREIGN_NONE,
	CT_FOREIGN_PARQUET,
	CT_FOREIGN_ZIP,
	CT_FOREIGN_7Z,
	CT_FOREIGN_RAR,
	CT_FOREIGN_TAR,
	CT_FOREIGN_BZIP2,
	CT_FOREIGN_XZ,
	CT_FOREIGN_ZSTD,
	CT_FOREIGN_LZ4,
	CT_FOREIGN_UTF16,    /* text, but not in UTF-8 */
	CT_FOREIGN_DOCUMENT, /* a zip that is an office document or a package: no logs */
};

/* Which of them the n bytes at p begin (a tar archive: its first header,
 * 512 bytes). */
enum ct_input_foreign ct_input_sniff_foreign(const void *p, size_t n);

/* Reads up to cap bytes of content (inflated when gzip).  Returns the
 * count, 0 at the end, -1 on error (truncated or corrupt gzip, a limit,
 * I/O) with err filled. */
ssize_t ct_input_read(struct ct_input *in, char *buf, size_t cap, struct ct_err *err);

/* After reading to the end: SHA-256 (hex) and size of the content. */
void ct_input_content_hash(struct ct_input *in, char ret_hex[65], uint64_t *ret_size);
uint64_t ct_input_raw_consumed(const struct ct_input *in);

/* A refillable window over an input for the log readers. */
struct ct_rbuf {
	struct ct_input *in;
	char *data;
	size_t pos, len, cap;
	uint64_t base; /* content offset of data[0] */
	bool eof;
	struct ct_err err; /* set when ct_rbuf_fill returns -1 */
};

int ct_rbuf_init(struct ct_rbuf *b, struct ct_input *in);
void ct_rbuf_free(struct ct_rbuf *b);
/* Makes more bytes available after pos, compacting and growing the window
 * up to max bytes beyond pos.  Returns 1 when bytes were added, 0 at end of
 * input or when the window is already max bytes, -1 on error. */
int ct_rbuf_fill(struct ct_rbuf *b, size_t max);

#endif
