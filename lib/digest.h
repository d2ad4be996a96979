/* digest.h - SHA-256 of a file's content, gzip-aware and streaming (internal).
 *
 * CloudTrail's integrity hashes are SHA-256 over the inflated bytes of a
 * file.  ct_digest_file reads a file once, inflates it on the fly when it
 * starts with the gzip magic (any number of members) and hashes what comes
 * out; a file without the magic is hashed as it is.  Only the context's
 * fixed buffers are used, unless the caller asks to keep the content (small
 * files such as digests, which are then parsed).
 *
 * A context is not shared between threads; make one per thread.
 */
#ifndef CT_DIGEST_H
#define CT_DIGEST_H

#include "util.h"

#define CT_SHA256_LEN 32
#define CT_SHA256_HEX (2 * CT_SHA256_LEN + 1)

/* Returns of ct_digest_file besides 0: the file could not be opened or read
 * (err->code CT_E_INPUT, message with strerror), or its bytes are not a
 * valid gzip stream or exceed keep_max (err->code CT_E_INPUT). */
enum { CT_DIGEST_EIO = -1, CT_DIGEST_EDATA = -2 };

struct ct_digest_ctx;

struct ct_file_digest {
	unsigned char sha256[CT_SHA256_LEN]; /* of the content (inflated) */
	uint64_t file_bytes;                 /* bytes read from the file */
	uint64_t content_bytes;              /* bytes hashed */
	bool gzip;                           /* the file started with the gzip magic */
};

int ct_digest_ctx_new(struct ct_digest_ctx **ret, struct ct_err *err);
void ct_digest_ctx_free(struct ct_digest_ctx *c);

/* Hashes the content of `path`.  When `keep` is not NULL the content is also
 * appended to it, at most `keep_max` bytes (more is CT_DIGEST_EDATA).
 * Sets *ret and returns 0, or returns CT_DIGEST_EIO / CT_DIGEST_EDATA. */
int ct_digest_file(struct ct_digest_ctx *c, const char *path, struct ct_buf *keep, size_t keep_max,
		   struct ct_file_digest *ret, struct ct_err *err);

/* Reads up to `cap` bytes of the content of `path` (inflated when gzip) into
 * out and sets *ret_len.  Returns 0, or -1 when the file cannot be read or
 * its first bytes do not inflate. */
int ct_digest_peek(const char *path, char *out, size_t cap, size_t *ret_len);

/* SHA-256 (and MD5, for CloudTrail key fingerprints) of a memory buffer.
 * Return 0, or -1 when libcrypto fails. */
int ct_sha256_buf(const void *p, size_t len, unsigned char out[CT_SHA256_LEN]);
int ct_md5_buf(const void *p, size_t len, unsigned char out[16]);

/* Decodes `len` hex digits (either case) into out.  Returns the number of
 * bytes, or -1 for an odd length, a non-hex digit or more than `cap` bytes. */
long ct_hex_decode(const char *hex, size_t len, unsigned char *out, size_t cap);

#endif
