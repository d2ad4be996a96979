/* fuzz-gzip.c - one input read the way ct_ingest reads a file: through
 * ct_input_open (a memfd standing in for the file), ct_input_rewind, the
 * refillable window (ct_rbuf) and ct_cloudtrail_read, then hashed.
 *
 * The first byte picks the mode:
 *   bit 0 clear  the rest is the file as is (gzip or plain: any bytes)
 *   bit 0 set    the rest is compressed here into 1 to 4 gzip members
 *                (bits 1-2), so that inflated content reaches the reader
 *                whatever the mutations (a mutated gzip stream mostly
 *                fails its CRC)
 *   bits 3-7     the window's first size (16 bytes to 16 KiB), so that
 *                records cross refills and the streaming paths run.
 */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "cloudtrail.h"
#include "input.h"
#include "json.h"

static int on_event(void *ud, const struct ct_event *ev, struct ct_err *err)
{
	(void)ud;
	(void)err;
	FUZZ_CHECK(ct_json_valid(ev->raw, ev->raw_len));
	for (int i = 0; i < CT_EF_COUNT; i++)
		if (ev->f[i].s)
			fuzz_touch(ev->f[i].s, ev->f[i].len);
	return 0;
}

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len) {
		ssize_t w = write(fd, c, len);
		if (w <= 0)
			return -1;
		c += w;
		len -= (size_t)w;
	}
	return 0;
}

static int write_gzip_member(int fd, const uint8_t *p, size_t len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&zs, (uLong)len) + 64;
	unsigned char *out = malloc(cap);
	if (!out) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	size_t n = cap - zs.avail_out;
	deflateEnd(&zs);
	rc = rc == Z_STREAM_END ? write_all(fd, out, n) : -1;
	free(out);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	data++;
	size--;
	int fd = memfd_create("fuzz-gzip", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	int wr = 0;
	if (!(mode & 1)) {
		wr = write_all(fd, data, size);
	} else {
		size_t members = 1 + ((mode >> 1) & 3), off = 0;
		for (size_t m = 0; m < members && wr == 0; m++) {
			size_t part = m + 1 == members ? size - off : size / members;
			wr = write_gzip_member(fd, data + off, part);
			off += part;
		}
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct ct_input *in = NULL;
	struct ct_err err;
	memset(&err, 0, sizeof(err));
	if (wr < 0 || ct_input_open(path, &in, &err) < 0) {
		close(fd);
		return 0;
	}
	close(fd);
	char hex[65];
	uint64_t raw_size = 0;
	FUZZ_CHECK(ct_input_hash_raw(in, hex, &raw_size, &err) == 0);
	FUZZ_CHECK(ct_input_rewind(in, &err) == 0);
	struct ct_rbuf b;
	FUZZ_CHECK(ct_rbuf_init(&b, in) == 0);
	size_t first = (size_t)16 << (((mode >> 3) & 31) % 11);
	free(b.data);
	b.cap = first;
	b.data = malloc(first + 1);
	FUZZ_CHECK(b.data != NULL);
	struct ct_read_stats st;
	memset(&st, 0, sizeof(st));
	int rc = ct_cloudtrail_read(&b, "fuzz.json.gz", on_event, fuzz_diag, NULL, &st, &err);
	FUZZ_CHECK(rc >= CT_RD_FATAL && rc <= CT_RD_EMPTY && rc != CT_RD_FATAL);
	fuzz_check_err(&err);
	ct_rbuf_free(&b);
	/* the content read whole, in small pieces, hashed */
	if (ct_input_rewind(in, &err) == 0) {
		char piece[777];
		ssize_t n;
		uint64_t total = 0;
		while ((n = ct_input_read(in, piece, sizeof(piece), &err)) > 0)
			total += (uint64_t)n;
		uint64_t content = 0;
		ct_input_content_hash(in, hex, &content);
		FUZZ_CHECK(content == total);
		FUZZ_CHECK(ct_input_raw_consumed(in) <= raw_size);
		if (!ct_input_is_gzip(in) && n == 0)
			FUZZ_CHECK(total == raw_size);
	}
	fuzz_check_err(&err);
	ct_input_free(in);
	return 0;
}
