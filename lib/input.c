/* input.c - files, standard input, gzip, hashing. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

#define RAW_CHUNK (256u << 10)

/* A gzip file of one member that inflates to at most this many bytes (its
 * trailer says how many) is inflated in one call by ISA-L's igzip, about
 * twice as fast as zlib streaming (and 1.3 to 1.4 times libdeflate's
 * speed on CloudTrail files here: 1,724 against 1,269 MB/s, one thread,
 * from memory); anything else (bigger, several
 * members, trailing bytes, corrupt or truncated data) is streamed by zlib,
 * which also words every error.  Memory stays bounded: the whole file and
 * its content, each at most this size. */
#define WHOLE_MAX (16u << 20)

struct ct_input {
	char *path;
	int fd;
	bool gz, parquet;
	z_stream zs;
	bool zinit, member_done;
	/* a whole small gzip file, inflated at once: content whole[wpos, wlen) */
	char *whole;
	size_t wpos, wlen;
	bool use_whole;
	unsigned char *raw;
	size_t rpos, rlen;
	bool raw_eof;
	size_t raw_cached; /* the whole file is in raw[0, raw_cached) (ct_input_hash_raw) */
	uint64_t raw_consumed, content_bytes;
	EVP_MD_CTX *md;
};

static int sys_err(struct ct_err *err, const char *path, const char *what)
{
	return ct_err_set(err, CT_E_INPUT, path, 0, "%s: %s", what, strerror(errno));
}

static int spool(int in_fd, const char *path, int *ret_fd, struct ct_err *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof(tmpl), "%s/ctscan-stdin-XXXXXX", dir && dir[0] ? dir : "/tmp");
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot create a temporary file: %s", strerror(errno));
	unlink(tmpl);
	char *buf = malloc(RAW_CHUNK);
	if (!buf) {
		close(fd);
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	}
	for (;;) {
		ssize_t n = read(in_fd, buf, RAW_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			close(fd);
			return sys_err(err, path, "read error");
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				free(buf);
				close(fd);
				return ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot spool standard input: %s",
						  strerror(errno));
			}
			off += w;
		}
	}
	free(buf);
	*ret_fd = fd;
	return 0;
}

int ct_input_open(const char *path, struct ct_input **ret, struct ct_err *err)
{
	int fd;
	if (strcmp(path, "-") == 0) {
		if (spool(STDIN_FILENO, path, &fd, err) < 0)
			return -1;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			return sys_err(err, path, "cannot open");
		struct stat st;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return sys_err(err, path, "cannot stat");
		}
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return ct_err_set(err, CT_E_INPUT, path, 0, "is a directory");
		}
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
			close(fd);
			return ct_err_set(err, CT_E_INPUT, path, 0,
					  "is a FIFO or socket: refused (read it with '-' from standard input)");
		}
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			return ct_err_set(err, CT_E_INPUT, path, 0, "is a device or special file: refused");
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	struct ct_input *in = calloc(1, sizeof(*in));
	if (!in || !(in->raw = malloc(RAW_CHUNK)) || !(in->path = strdup(path)) || !(in->md = EVP_MD_CTX_new())) {
		close(fd);
		ct_input_free(in);
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	}
	in->fd = fd;
	*ret = in;
	return 0;
}

void ct_input_free(struct ct_input *in)
{
	if (!in)
		return;
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->fd >= 0)
		close(in->fd);
	EVP_MD_CTX_free(in->md);
	free(in->whole);
	free(in->raw);
	free(in->path);
	free(in);
}

static ssize_t read_raw(struct ct_input *in, void *buf, size_t cap, struct ct_err *err)
{
	for (;;) {
		ssize_t n = read(in->fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_err(err, in->path, "read error");
		return n;
	}
}

int ct_input_hash_raw(struct ct_input *in, char ret_hex[65], uint64_t *ret_size, struct ct_err *err)
{
	if (lseek(in->fd, 0, SEEK_SET) < 0)
		return sys_err(err, in->path, "cannot seek");
	EVP_DigestInit_ex(in->md, EVP_sha256(), NULL);
	uint64_t size = 0;
	unsigned chunks = 0;
	in->raw_cached = 0;
	for (;;) {
		ssize_t n = read_raw(in, in->raw, RAW_CHUNK, err);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		EVP_DigestUpdate(in->md, in->raw, (size_t)n);
		size += (uint64_t)n;
		chunks++;
	}
	/* a file of one chunk stays there for ct_input_rewind: the bytes
	 * hashed are the bytes read, with one read() */
	if (chunks == 1)
		in->raw_cached = (size_t)size;
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(in->md, md, &mdlen);
	ct_hex(md, 32, ret_hex);
	*ret_size = size;
	return 0;
}

/* The fast path for a small one-member gzip file (see WHOLE_MAX): 0 when
 * its content is in in->whole, -1 (nothing changed) to stream it. */
static int inflate_whole(struct ct_input *in)
{
	struct stat st;
	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 18 || (uint64_t)st.st_size > WHOLE_MAX)
		return -1;
	size_t zlen = (size_t)st.st_size;
	unsigned char *z = in->rlen == zlen ? in->raw : malloc(zlen);
	if (!z)
		return -1;
	int rc = -1;
	char *out = NULL;
	struct inflate_state *inf = NULL; /* 87 KB */
	size_t have = 0;
	if (z != in->raw) {
		memcpy(z, in->raw, in->rlen);
		for (have = in->rlen; have < zlen;) {
			ssize_t n = pread(in->fd, z + have, zlen - have, (off_t)have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
	}
	/* ISIZE: the content size mod 2^32 of the last member */
	size_t isize =
		(size_t)z[zlen - 4] | (size_t)z[zlen - 3] << 8 | (size_t)z[zlen - 2] << 16 | (size_t)z[zlen - 1] << 24;
	/* one byte more: it becomes a window (ct_rbuf_fill), NUL-terminated */
	if (isize > WHOLE_MAX || !(out = malloc(isize + 1)))
		goto out;
	/* one member (nothing after its trailer), its CRC-32 checked, its
	 * size the trailer's */
	if (!(inf = malloc(sizeof(*inf))))
		goto out;
	isal_inflate_init(inf);
	inf->crc_flag = ISAL_GZIP;
	inf->next_in = z;
	inf->avail_in = (uint32_t)zlen; /* zlen <= WHOLE_MAX */
	inf->next_out = (uint8_t *)out;
	inf->avail_out = (uint32_t)isize;
	int r = isal_inflate(inf);
	size_t got = inf->total_out;
	if (r != ISAL_DECOMP_OK || inf->block_state != ISAL_BLOCK_FINISH || inf->avail_in != 0 || got != isize)
		goto out;
	free(in->whole);
	in->whole = out;
	out = NULL;
	in->wpos = 0;
	in->wlen = got;
	in->use_whole = true;
	in->rpos = in->rlen = 0;
	in->raw_eof = true;
	in->raw_consumed = zlen;
	rc = 0;
out:
	free(inf);
	free(out);
	if (z != in->raw)
		free(z);
	return rc;
}

int ct_input_rewind(struct ct_input *in, struct ct_err *err)
{
	size_t cached = in->raw_cached;
	in->raw_cached = 0;
	if (!cached && lseek(in->fd, 0, SEEK_SET) < 0)
		return sys_err(err, in->path, "cannot seek");
	in->rpos = in->rlen = 0;
	in->raw_eof = false;
	in->raw_consumed = in->content_bytes = 0;
	in->member_done = false;
	EVP_DigestInit_ex(in->md, EVP_sha256(), NULL);
	/* sniff the magic */
	ssize_t n = cached ? (ssize_t)cached : read_raw(in, in->raw, RAW_CHUNK, err);
	if (n < 0)
		return -1;
	in->rlen = (size_t)n;
	in->raw_eof = n == 0 || cached;
	in->gz = n >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
	in->parquet = n >= 4 && memcmp(in->raw, "PAR1", 4) == 0;
	in->use_whole = false;
	if (in->gz && inflate_whole(in) == 0)
		return 0;
	if (in->gz) {
		if (in->zinit)
			inflateReset2(&in->zs, 16 + 15);
		else {
			memset(&in->zs, 0, sizeof(in->zs));
			if (inflateInit2(&in->zs, 16 + 15) != Z_OK)
				return ct_err_set(err, CT_E_NOMEM, in->path, 0, "cannot start inflating");
			in->zinit = true;
		}
	}
	return 0;
}

bool ct_input_is_gzip(const struct ct_input *in)
{
	return in->gz;
}

bool ct_input_is_parquet(const struct ct_input *in)
{
	return in->parquet;
}

/* A zip whose first member (its local header at p) names an office
 * document's or a package's parts: .docx, .xlsx, .pptx ([Content_Types].xml,
 * _rels/ ...), OpenDocument and EPUB (mimetype), .jar and .apk
 * (META-INF/). */
static bool zip_is_document(const unsigned char *p, size_t n)
{
	static const char *const first[] = {
		"[Content_Types].xml", "mimetype",           "_rels/", "docProps/", "word/", "xl/", "ppt/",
		"META-INF/",           "AndroidManifest.xml"};
	if (n < 30 || p[2] != 3 || p[3] != 4)
		return false;
	size_t len = (size_t)p[26] | (size_t)p[27] << 8;
	if (len > n - 30)
		len = n - 30;
	for (size_t i = 0; i < CT_ARRAY_SIZE(first); i++) {
		size_t k = strlen(first[i]);
		if (len >= k && memcmp(p + 30, first[i], k) == 0 && (first[i][k - 1] == '/' || len == k))
			return true;
	}
	return false;
}

enum ct_input_foreign ct_input_sniff_foreign(const void *data, size_t n)
{
	static const struct {
		enum ct_input_foreign kind;
		const char *magic;
		size_t len;
	} magics[] = {
		{CT_FOREIGN_PARQUET, "PAR1", 4},          /* Parquet */
		{CT_FOREIGN_ZIP, "PK\x03\x04", 4},        /* a file's header */
		{CT_FOREIGN_ZIP, "PK\x05\x06", 4},        /* an empty zip */
		{CT_FOREIGN_ZIP, "PK\x07\x08", 4},        /* spanned */
		{CT_FOREIGN_7Z, "7z\xBC\xAF\x27\x1C", 6}, /* 7-Zip */
		{CT_FOREIGN_RAR, "Rar!\x1A\x07", 6},      /* RAR 4 and 5 */
		{CT_FOREIGN_XZ, "\xFD\x37zXZ\0", 6},      /* xz */
		{CT_FOREIGN_ZSTD, "\x28\xB5\x2F\xFD", 4}, /* zstd frame */
		{CT_FOREIGN_LZ4, "\x04\x22\x4D\x18", 4},  /* lz4 frame */
	};
	const unsigned char *p = data;
	for (size_t i = 0; i < CT_ARRAY_SIZE(magics); i++)
		if (n >= magics[i].len && memcmp(p, magics[i].magic, magics[i].len) == 0)
			return magics[i].kind == CT_FOREIGN_ZIP && zip_is_document(p, n) ? CT_FOREIGN_DOCUMENT
											 : magics[i].kind;
	/* "BZh", the block size, then a block's or the end's magic: text
	 * may begin with "BZh9" */
	if (n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "1AY&SY", 6) == 0 || memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
		return CT_FOREIGN_BZIP2;
	/* UTF-16 (Windows PowerShell's > writes it): a byte order mark, or
	 * JSON's first character with a zero byte beside it */
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF) ||
		       ((p[0] == '{' || p[0] == '[') && p[1] == 0) || (p[0] == 0 && (p[1] == '{' || p[1] == '['))))
		return CT_FOREIGN_UTF16;
	/* POSIX ("ustar\0") and GNU ("ustar ") headers */
	if (n >= 263 && memcmp(p + 257, "ustar", 5) == 0 && (p[262] == 0 || p[262] == ' '))
		return CT_FOREIGN_TAR;
	return CT_FOREIGN_NONE;
}

uint64_t ct_input_raw_consumed(const struct ct_input *in)
{
	return in->raw_consumed;
}

static int refill_raw(struct ct_input *in, struct ct_err *err)
{
	if (in->rpos < in->rlen || in->raw_eof)
		return 0;
	ssize_t n = read_raw(in, in->raw, RAW_CHUNK, err);
	if (n < 0)
		return -1;
	in->rpos = 0;
	in->rlen = (size_t)n;
	in->raw_eof = n == 0;
	return 0;
}

static int check_limits(struct ct_input *in, struct ct_err *err)
{
	if (in->content_bytes > CT_MAX_INFLATE)
		return ct_err_set(err, CT_E_INPUT, in->path, 0, "inflates past the limit of %llu GiB per file",
				  (unsigned long long)(CT_MAX_INFLATE >> 30));
	if (in->gz && in->content_bytes > CT_BOMB_FLOOR && in->content_bytes / CT_BOMB_RATIO > in->raw_consumed)
		return ct_err_set(err, CT_E_INPUT, in->path, 0,
				  "gzip bomb: inflates more than %d times its size (stopped after %llu MiB)",
				  CT_BOMB_RATIO, (unsigned long long)(in->content_bytes >> 20));
	return 0;
}

ssize_t ct_input_read(struct ct_input *in, char *buf, size_t cap, struct ct_err *err)
{
	if (!in->gz) {
		size_t n = 0;
		if (in->rpos < in->rlen) {
			n = CT_MIN(cap, in->rlen - in->rpos);
			memcpy(buf, in->raw + in->rpos, n);
			in->rpos += n;
		} else if (!in->raw_eof) {
			ssize_t r = read_raw(in, buf, cap, err);
			if (r < 0)
				return -1;
			if (r == 0)
				in->raw_eof = true;
			n = (size_t)r;
		}
		in->raw_consumed += n;
		in->content_bytes += n;
		EVP_DigestUpdate(in->md, buf, n);
		if (check_limits(in, err) < 0)
			return -1;
		return (ssize_t)n;
	}
	size_t out = 0;
	if (in->use_whole) {
		if (!in->whole) /* handed to a window */
			return 0;
		out = CT_MIN(cap, in->wlen - in->wpos);
		memcpy(buf, in->whole + in->wpos, out);
		in->wpos += out;
		in->content_bytes += out;
		EVP_DigestUpdate(in->md, buf, out);
		return (ssize_t)out;
	}
	while (out == 0) {
		if (in->member_done) {
			/* another gzip member may follow */
			if (refill_raw(in, err) < 0)
				return -1;
			if (in->rpos >= in->rlen)
				return 0;
			if (in->rlen - in->rpos >= 1 && in->raw[in->rpos] != 0x1f) {
				/* trailing zero padding is common and harmless */
				size_t k = in->rpos;
				while (k < in->rlen && in->raw[k] == 0)
					k++;
				if (k == in->rlen) {
					in->raw_consumed += k - in->rpos;
					in->rpos = k;
					continue;
				}
				return ct_err_set(err, CT_E_INPUT, in->path, 0, "trailing garbage after the gzip data");
			}
			inflateReset2(&in->zs, 16 + 15);
			in->member_done = false;
		}
		if (refill_raw(in, err) < 0)
			return -1;
		in->zs.next_in = in->raw + in->rpos;
		in->zs.avail_in = (uInt)(in->rlen - in->rpos);
		in->zs.next_out = (unsigned char *)buf;
		in->zs.avail_out = (uInt)CT_MIN(cap, (size_t)1 << 30);
		int rc = inflate(&in->zs, Z_NO_FLUSH);
		size_t used = (in->rlen - in->rpos) - in->zs.avail_in;
		in->rpos += used;
		in->raw_consumed += used;
		out = (size_t)((char *)in->zs.next_out - buf);
		if (rc == Z_STREAM_END) {
			in->member_done = true;
		} else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
			return ct_err_set(err, CT_E_INPUT, in->path, 0, "corrupt gzip data: %s",
					  in->zs.msg ? in->zs.msg : "invalid deflate stream");
		} else if (rc == Z_MEM_ERROR) {
			return ct_err_set(err, CT_E_NOMEM, in->path, 0, "out of memory inflating");
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return ct_err_set(err, CT_E_INPUT, in->path, 0, "inflate failed (%d)", rc);
		} else if (out == 0 && in->rpos >= in->rlen && in->raw_eof) {
			return ct_err_set(err, CT_E_INPUT, in->path, 0,
					  "truncated gzip file (unexpected end after %llu bytes inflated)",
					  (unsigned long long)in->content_bytes);
		}
	}
	in->content_bytes += out;
	EVP_DigestUpdate(in->md, buf, out);
	if (check_limits(in, err) < 0)
		return -1;
	return (ssize_t)out;
}

void ct_input_content_hash(struct ct_input *in, char ret_hex[65], uint64_t *ret_size)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(in->md, md, &mdlen);
	ct_hex(md, 32, ret_hex);
	*ret_size = in->content_bytes;
}

/* ---- the refillable window ---- */

#define RBUF_INIT (1u << 20)

int ct_rbuf_init(struct ct_rbuf *b, struct ct_input *in)
{
	memset(b, 0, sizeof(*b));
	b->in = in;
	b->cap = RBUF_INIT;
	b->data = malloc(b->cap + 1);
	return b->data ? 0 : -1;
}

void ct_rbuf_free(struct ct_rbuf *b)
{
	free(b->data);
	b->data = NULL;
}

int ct_rbuf_fill(struct ct_rbuf *b, size_t max)
{
	if (b->eof)
		return 0;
	if (b->len - b->pos >= max)
		return 0;
	if (b->pos > 0 && (b->len == b->cap || b->pos > b->cap / 2)) {
		memmove(b->data, b->data + b->pos, b->len - b->pos);
		b->base += b->pos;
		b->len -= b->pos;
		b->pos = 0;
	}
	if (b->len == b->cap) {
		size_t ncap = b->cap * 2;
		if (ncap > max + RBUF_INIT)
			ncap = max + RBUF_INIT;
		if (ncap <= b->cap)
			return 0;
		char *p = realloc(b->data, ncap + 1);
		if (!p)
			return ct_err_set(&b->err, CT_E_NOMEM, "", 0, "out of memory");
		b->data = p;
		b->cap = ncap;
	}
	struct ct_input *in = b->in;
	if (in->use_whole && in->whole && in->wpos == 0 && b->pos == b->len) {
		/* a whole inflated file becomes the window itself, not copied
		 * into it (1.5 GB fewer bytes moved on 1M events) */
		EVP_DigestUpdate(in->md, in->whole, in->wlen);
		in->content_bytes += in->wlen;
		free(b->data);
		b->base += b->len;
		b->data = in->whole;
		b->cap = in->wlen;
		b->len = in->wlen;
		b->pos = 0;
		b->data[b->len] = 0;
		b->eof = true;
		in->whole = NULL;
		in->wpos = in->wlen;
		return b->len > 0;
	}
	ssize_t n = ct_input_read(b->in, b->data + b->len, b->cap - b->len, &b->err);
	if (n < 0)
		return -1;
	if (n == 0) {
		b->eof = true;
		return 0;
	}
	b->len += (size_t)n;
	b->data[b->len] = 0;
	return 1;
}
