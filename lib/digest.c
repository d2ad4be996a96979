/* digest.c: see digest.h */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#define IN_CAP (128 * 1024)
#define OUT_CAP (256 * 1024)

struct ct_digest_ctx {
	z_stream zs;
	bool zinit;
	EVP_MD *sha256;
	EVP_MD_CTX *md;
	unsigned char *in, *out;
};

int ct_digest_ctx_new(struct ct_digest_ctx **ret, struct ct_err *err)
{
	struct ct_digest_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	c->in = malloc(IN_CAP);
	c->out = malloc(OUT_CAP);
	c->md = EVP_MD_CTX_new();
	c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!c->in || !c->out || !c->md || !c->sha256) {
		ct_digest_ctx_free(c);
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "cannot set up SHA-256");
	}
	/* 16 + MAX_WBITS: gzip only, so a zlib or raw stream is a data error */
	if (inflateInit2(&c->zs, 16 + MAX_WBITS) != Z_OK) {
		ct_digest_ctx_free(c);
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "cannot set up zlib");
	}
	c->zinit = true;
	*ret = c;
	return 0;
}

void ct_digest_ctx_free(struct ct_digest_ctx *c)
{
	if (!c)
		return;
	if (c->zinit)
		inflateEnd(&c->zs);
	EVP_MD_CTX_free(c->md);
	EVP_MD_free(c->sha256);
	free(c->in);
	free(c->out);
	free(c);
}

static ssize_t read_some(int fd, void *buf, size_t cap)
{
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static int emit(struct ct_digest_ctx *c, const unsigned char *p, size_t n, struct ct_buf *keep, size_t keep_max,
		struct ct_file_digest *d, const char *path, struct ct_err *err)
{
	if (!n)
		return 0;
	if (!EVP_DigestUpdate(c->md, p, n)) {
		ct_err_set(err, CT_E_SYSTEM, path, 0, "SHA-256 failed");
		return CT_DIGEST_EIO;
	}
	d->content_bytes += n;
	if (!keep)
		return 0;
	if (keep->len + n > keep_max) {
		ct_err_set(err, CT_E_INPUT, path, 0, "content larger than %zu bytes", keep_max);
		return CT_DIGEST_EDATA;
	}
	if (ct_buf_append(keep, p, n) < 0) {
		ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		return CT_DIGEST_EIO;
	}
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int ct_digest_file(struct ct_digest_ctx *c, const char *path, struct ct_buf *keep, size_t keep_max,
		   struct ct_file_digest *ret, struct ct_err *err)
{
	struct ct_file_digest d = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ct_err_set(err, CT_E_INPUT, path, 0, "cannot open: %s", strerror(errno));
		return CT_DIGEST_EIO;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	int rc = 0;
	if (!EVP_DigestInit_ex(c->md, c->sha256, NULL)) {
		rc = CT_DIGEST_EIO;
		ct_err_set(err, CT_E_SYSTEM, path, 0, "SHA-256 failed");
		goto out;
	}
	bool first = true, member = false, padding = false;
	z_stream *zs = &c->zs;
	for (;;) {
		ssize_t n = read_some(fd, c->in, IN_CAP);
		if (n < 0) {
			rc = CT_DIGEST_EIO;
			ct_err_set(err, CT_E_INPUT, path, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		d.file_bytes += (uint64_t)n;
		if (first) {
			first = false;
			d.gzip = n >= 2 && c->in[0] == 0x1f && c->in[1] == 0x8b;
			if (d.gzip) {
				inflateReset(zs);
				member = true;
			}
		}
		if (!d.gzip) {
			if ((rc = emit(c, c->in, (size_t)n, keep, keep_max, &d, path, err)) < 0)
				goto out;
			continue;
		}
		zs->next_in = c->in;
		zs->avail_in = (uInt)n;
		do {
			if (!member) {
				/* after a member: another member, or zero padding as
				 * gzip(1) accepts; anything else was added */
				if (zs->avail_in == 0)
					break; /* the next member starts in the next read */
				if (padding || zs->next_in[0] == 0) {
					padding = true;
					if (!all_zero(zs->next_in, zs->avail_in)) {
						rc = CT_DIGEST_EDATA;
						ct_err_set(err, CT_E_INPUT, path, 0,
							   "trailing data after the gzip stream");
						goto out;
					}
					zs->avail_in = 0;
					break;
				}
				inflateReset(zs);
				member = true;
			}
			zs->next_out = c->out;
			zs->avail_out = OUT_CAP;
			int zr = inflate(zs, Z_NO_FLUSH);
			size_t got = OUT_CAP - zs->avail_out;
			if ((rc = emit(c, c->out, got, keep, keep_max, &d, path, err)) < 0)
				goto out;
			if (zr == Z_STREAM_END) {
				member = false;
				continue;
			}
			if (zr != Z_OK && zr != Z_BUF_ERROR) {
				rc = CT_DIGEST_EDATA;
				ct_err_set(err, CT_E_INPUT, path, 0, "not a valid gzip stream: %s",
					   zs->msg ? zs->msg : "inflate failed");
				goto out;
			}
			if (zr == Z_BUF_ERROR && got == 0 && zs->avail_in > 0) {
				rc = CT_DIGEST_EDATA;
				ct_err_set(err, CT_E_INPUT, path, 0, "not a valid gzip stream");
				goto out;
			}
		} while (zs->avail_in > 0 || zs->avail_out == 0);
	}
	if (d.gzip && member) {
		rc = CT_DIGEST_EDATA;
		ct_err_set(err, CT_E_INPUT, path, 0, "unexpected end of the gzip stream");
		goto out;
	}
	unsigned int mdlen = 0;
	if (!EVP_DigestFinal_ex(c->md, d.sha256, &mdlen) || mdlen != CT_SHA256_LEN) {
		rc = CT_DIGEST_EIO;
		ct_err_set(err, CT_E_SYSTEM, path, 0, "SHA-256 failed");
		goto out;
	}
	*ret = d;
out:
	close(fd);
	return rc;
}

int ct_digest_peek(const char *path, char *out, size_t cap, size_t *ret_len)
{
	unsigned char in[16384];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read_some(fd, in, sizeof(in));
	close(fd);
	if (n < 0)
		return -1;
	if (n < 2 || in[0] != 0x1f || in[1] != 0x8b) {
		size_t k = CT_MIN((size_t)n, cap);
		memcpy(out, in, k);
		*ret_len = k;
		return 0;
	}
	z_stream zs = {0};
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -1;
	zs.next_in = in;
	zs.avail_in = (uInt)n;
	zs.next_out = (unsigned char *)out;
	zs.avail_out = (uInt)cap;
	int zr = inflate(&zs, Z_SYNC_FLUSH);
	size_t got = cap - zs.avail_out;
	inflateEnd(&zs);
	if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
		return -1;
	*ret_len = got;
	return 0;
}

static int md_buf(const char *name, const void *p, size_t len, unsigned char *out, unsigned int want)
{
	unsigned int n = 0;
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	if (!md)
		return -1;
	int ok = EVP_Digest(p, len, out, &n, md, NULL);
	EVP_MD_free(md);
	return ok && n == want ? 0 : -1;
}

int ct_sha256_buf(const void *p, size_t len, unsigned char out[CT_SHA256_LEN])
{
	return md_buf("SHA256", p, len, out, CT_SHA256_LEN);
}

int ct_md5_buf(const void *p, size_t len, unsigned char out[16])
{
	return md_buf("MD5", p, len, out, 16);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long ct_hex_decode(const char *hex, size_t len, unsigned char *out, size_t cap)
{
	if (len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}
