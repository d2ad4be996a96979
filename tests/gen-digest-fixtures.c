/* gen-digest-fixtures.c - writes the CloudTrail integrity fixtures.
 *
 *   gen-digest-fixtures testdata/integrity
 *
 * Writes one small tree per case under OUTDIR/<case>/: log files and digest
 * files under AWSLogs/... (as `aws s3 sync s3://BUCKET/cloudtrail/ CASE/`
 * would leave them), keys.json in the shape of `aws cloudtrail
 * list-public-keys`, and signatures.json with every digest's signature as
 * `aws s3api head-object` shows it (Metadata.signature).  The test key
 * pairs live in OUTDIR/keys/key-a.pem and key-b.pem, made once; with them present,
 * the output is the same byte for byte on every run (RSA PKCS#1 v1.5
 * signatures are deterministic, gzip headers carry no time).
 *
 * This is an implementation of the format independent of lib/verify.c on
 * purpose: libcrypto and zlib only.  What each case should verify as is
 * written down in tests/test-verify.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <zlib.h>

#define ACCOUNT "111122223333"
#define REGION "us-east-1"
#define BUCKET "ct-fixtures-bucket"
#define PREFIX "cloudtrail/"
#define TRAIL "main"
#define T0 1709251200 /* 2024-03-01T00:00:00Z */
#define HOUR 3600

static const char *outdir;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen-digest-fixtures: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* ---- strings ---- */

struct sb {
	char *p;
	size_t len, cap;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed");
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void iso(long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void stamp(long t, bool seconds, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, seconds ? "%Y%m%dT%H%M%SZ" : "%Y%m%dT%H%MZ", &tm);
}

static void ymd(long t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y/%m/%d", &tm);
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

static void sha256_hex(const char *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL))
		die("sha256 failed");
	hex(md, 32, out);
}

/* ---- files ---- */

static void mkdirs(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			die("cannot create '%s': %s", tmp, strerror(errno));
		*s = '/';
	}
}

static void write_file(const char *path, const void *p, size_t n)
{
	mkdirs(path);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("cannot write '%s'", path);
}

/* gzip with no time and no name (level 9), or, for a "recompressed" copy,
 * level 1 with a file name in the header: other bytes, same content. */
static void write_gz(const char *path, const char *p, size_t n, bool other)
{
	z_stream zs = {0};
	if (deflateInit2(&zs, other ? 1 : 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	gz_header h = {0};
	h.os = 3;
	if (other)
		h.name = (Bytef *)"recompressed.json";
	deflateSetHeader(&zs, &h);
	size_t cap = deflateBound(&zs, (uLong)n) + 64;
	unsigned char *out = malloc(cap);
	if (!out)
		die("out of memory");
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		die("deflate failed");
	write_file(path, out, cap - zs.avail_out);
	deflateEnd(&zs);
	free(out);
}

/* ---- keys ---- */

struct key {
	EVP_PKEY *pkey;
	char b64[1024];
	char fpr[33];
};

static struct key keys[2];

static void load_or_make_key(struct key *k, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/keys/%s.pem", outdir, name);
	FILE *f = fopen(path, "r");
	if (f) {
		k->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (!k->pkey)
			die("cannot read '%s'", path);
	} else {
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		if (!k->pkey)
			die("cannot make an RSA key");
		mkdirs(path);
		f = fopen(path, "w");
		if (!f || !PEM_write_PrivateKey(f, k->pkey, NULL, NULL, 0, NULL, NULL) || fclose(f))
			die("cannot write '%s'", path);
	}
	/* list-public-keys: Value = base64 of the DER PKCS#1 RSAPublicKey,
	 * Fingerprint = hex MD5 of those DER bytes */
	unsigned char *der = NULL;
	int n = i2d_PublicKey(k->pkey, &der);
	if (n <= 0)
		die("i2d_PublicKey failed");
	if (EVP_EncodeBlock((unsigned char *)k->b64, der, n) <= 0)
		die("base64 failed");
	unsigned char md[16];
	unsigned int len = 0;
	if (!EVP_Digest(der, (size_t)n, md, &len, EVP_md5(), NULL))
		die("md5 failed");
	hex(md, 16, k->fpr);
	OPENSSL_free(der);
}

static void sign_hex(EVP_PKEY *pk, const char *msg, char *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t n = sizeof(sig);
	if (!c || EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, pk) != 1 ||
	    EVP_DigestSign(c, sig, &n, (const unsigned char *)msg, strlen(msg)) != 1)
		die("signing failed");
	EVP_MD_CTX_free(c);
	hex(sig, n, out);
}

/* ---- the model ---- */

enum fate { KEEP, DELETE, RECOMPRESS, GUNZIP, TAMPER, EDIT, MOVE };

struct glog {
	char name[160], key[512];
	long delivered;
	char *json;
	char sha[65];
	enum fate fate;
	char *tampered;
	char tampered_sha[65];
	bool digest_lists_tampered; /* an edited digest gives the tampered hash */
};

struct gdig {
	long start, end;
	bool chain_start, backfill;
	int keyi;
	struct glog *logs[4];
	int nlogs;
	char key[512], name[200];
	char *json;
	char sha[65];
	char sig[1100];
	enum fate fate;
	bool drop_logs; /* EDIT: the edited copy lists no log files */
};

struct gcase {
	const char *name;
	const char *org; /* organization trail when set */
	struct glog logs[32];
	int nlogs;
	struct gdig dig[12];
	int ndig;
	bool keys_only_a; /* keys.json lacks key B */
};

static void log_key(struct gcase *c, long t, const char *uniq, struct glog *l)
{
	char st[32], d[16];
	stamp(t, false, st);
	ymd(t, d);
	char name[sizeof(l->name)];
	snprintf(name, sizeof(name), ACCOUNT "_CloudTrail_" REGION "_%s_%s.json.gz", st, uniq);
	memcpy(l->name, name, sizeof(name));
	snprintf(l->key, sizeof(l->key), "AWSLogs/%s%s" ACCOUNT "/CloudTrail/" REGION "/%s/%s", c->org ? c->org : "",
		 c->org ? "/" : "", d, name);
}

static char *log_json(long delivered, int nevents, const char *uniq, const char *event_name)
{
	struct sb b = {0};
	sb_printf(&b, "{\"Records\":[");
	for (int i = 0; i < nevents; i++) {
		char t[32];
		iso(delivered - 240 + 60 * i, t);
		sb_printf(&b,
			  "%s{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
			  "\"principalId\":\"AIDAEXAMPLE0000000001\",\"arn\":\"arn:aws:iam::" ACCOUNT
			  ":user/alice\",\"accountId\":\"" ACCOUNT "\",\"userName\":\"alice\"},"
			  "\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":\"%s\","
			  "\"awsRegion\":\"" REGION "\",\"sourceIPAddress\":\"198.51.100.7\","
			  "\"userAgent\":\"aws-cli/2.15.0\",\"requestParameters\":null,"
			  "\"responseElements\":null,\"requestID\":\"%s-%d\",\"eventID\":\"%s-%d\","
			  "\"readOnly\":%s,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
			  "\"recipientAccountId\":\"" ACCOUNT "\",\"eventCategory\":\"Management\"}",
			  i ? "," : "", t, i ? "iam.amazonaws.com" : "s3.amazonaws.com", i ? "ListUsers" : event_name,
			  uniq, i, uniq, i, i ? "true" : "false");
	}
	sb_printf(&b, "]}");
	return b.p;
}

static struct glog *add_log(struct gcase *c, long delivered, const char *uniq, int nevents)
{
	if (c->nlogs >= (int)(sizeof(c->logs) / sizeof(c->logs[0])))
		die("too many logs");
	struct glog *l = &c->logs[c->nlogs++];
	memset(l, 0, sizeof(*l));
	l->delivered = delivered;
	log_key(c, delivered, uniq, l);
	l->json = log_json(delivered, nevents, uniq, "ListBuckets");
	sha256_hex(l->json, strlen(l->json), l->sha);
	/* the tampered copy: the first event renamed */
	l->tampered = log_json(delivered, nevents, uniq, "GetBucketAcl");
	sha256_hex(l->tampered, strlen(l->tampered), l->tampered_sha);
	return l;
}

/* Hourly digests: hour h ends at T0 + (h+1) hours + 91 s. */
static struct gdig *add_digest(struct gcase *c, int hour, bool chain_start, int keyi, int nlogs)
{
	struct gdig *d = &c->dig[c->ndig++];
	memset(d, 0, sizeof(*d));
	d->end = T0 + (long)(hour + 1) * HOUR + 91;
	d->start = d->end - HOUR;
	d->chain_start = chain_start;
	d->keyi = keyi;
	for (int k = 0; k < nlogs; k++) {
		char uniq[40];
		snprintf(uniq, sizeof(uniq), "FxH%02dL%dabcdefghi", hour % 100, k % 10);
		d->logs[d->nlogs++] = add_log(c, d->start + 240 + k * 1200, uniq, 1 + k % 2);
	}
	return d;
}

static void digest_key(struct gcase *c, struct gdig *d)
{
	char st[32], day[16];
	stamp(d->end, true, st);
	ymd(d->end, day);
	snprintf(d->name, sizeof(d->name), ACCOUNT "_CloudTrail-Digest_" REGION "_" TRAIL "_" REGION "_%s%s.json.gz",
		 st, d->backfill ? "_backfill" : "");
	snprintf(d->key, sizeof(d->key), "AWSLogs/%s%s" ACCOUNT "/CloudTrail-Digest/" REGION "/%s/%s",
		 c->org ? c->org : "", c->org ? "/" : "", day, d->name);
}

static char *digest_json(struct gcase *c, struct gdig *d, const struct gdig *prev, bool edited)
{
	(void)c;
	char s[32], e[32];
	iso(d->start, s);
	iso(d->end, e);
	struct sb b = {0};
	long oldest = 0, newest = 0;
	int n = edited && d->drop_logs ? 0 : d->nlogs;
	for (int i = 0; i < n; i++) {
		long o = d->logs[i]->delivered - 240, w = o + 60 * ((i % 2) + 1) - 60;
		if (!oldest || o < oldest)
			oldest = o;
		if (w > newest)
			newest = w;
	}
	sb_printf(&b,
		  "{\"awsAccountId\":\"" ACCOUNT "\",\"digestStartTime\":\"%s\","
		  "\"digestEndTime\":\"%s\",\"digestS3Bucket\":\"" BUCKET "\","
		  "\"digestS3Object\":\"" PREFIX "%s\",\"digestPublicKeyFingerprint\":\"%s\","
		  "\"digestSignatureAlgorithm\":\"SHA256withRSA\",",
		  s, e, d->key, keys[d->keyi].fpr);
	if (n) {
		char o[32], w[32];
		iso(oldest, o);
		iso(newest, w);
		sb_printf(&b, "\"newestEventTime\":\"%s\",\"oldestEventTime\":\"%s\",", w, o);
	} else {
		sb_printf(&b, "\"newestEventTime\":null,\"oldestEventTime\":null,");
	}
	if (prev)
		sb_printf(&b,
			  "\"previousDigestS3Bucket\":\"" BUCKET "\","
			  "\"previousDigestS3Object\":\"" PREFIX "%s\","
			  "\"previousDigestHashValue\":\"%s\","
			  "\"previousDigestHashAlgorithm\":\"SHA-256\","
			  "\"previousDigestSignature\":\"%s\",",
			  prev->key, prev->sha, prev->sig);
	else
		sb_printf(&b, "\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,"
			      "\"previousDigestHashValue\":null,\"previousDigestHashAlgorithm\":null,"
			      "\"previousDigestSignature\":null,");
	sb_printf(&b, "\"logFiles\":[");
	for (int i = 0; i < n; i++) {
		struct glog *l = d->logs[i];
		char o[32], w[32];
		iso(l->delivered - 240, o);
		iso(l->delivered - 240 + 60 * (1 + i % 2) - 60, w);
		sb_printf(&b,
			  "%s{\"s3Bucket\":\"" BUCKET "\",\"s3Object\":\"" PREFIX "%s\","
			  "\"hashValue\":\"%s\",\"hashAlgorithm\":\"SHA-256\","
			  "\"newestEventTime\":\"%s\",\"oldestEventTime\":\"%s\"}",
			  i ? "," : "", l->key, edited && l->digest_lists_tampered ? l->tampered_sha : l->sha, w, o);
	}
	sb_printf(&b, "]}");
	return b.p;
}

/* Renders and signs the digests in order (each names the one before it in
 * its chain; backfill digests stand alone). */
static void seal(struct gcase *c)
{
	const struct gdig *prev = NULL;
	for (int i = 0; i < c->ndig; i++) {
		struct gdig *d = &c->dig[i];
		digest_key(c, d);
		const struct gdig *p = d->chain_start || d->backfill ? NULL : prev;
		d->json = digest_json(c, d, p, false);
		sha256_hex(d->json, strlen(d->json), d->sha);
		char e[32];
		iso(d->end, e);
		struct sb m = {0};
		sb_printf(&m, "%s\n" BUCKET "/" PREFIX "%s\n%s\n%s", e, d->key, d->sha, p ? p->sig : "null");
		sign_hex(keys[d->keyi].pkey, m.p, d->sig);
		free(m.p);
		if (!d->backfill)
			prev = d;
	}
}

static void write_case(struct gcase *c)
{
	char path[1536];
	for (int i = 0; i < c->nlogs; i++) {
		struct glog *l = &c->logs[i];
		snprintf(path, sizeof(path), "%s/%s/%s", outdir, c->name, l->key);
		switch (l->fate) {
		case DELETE: break;
		case GUNZIP:
			path[strlen(path) - 3] = 0;
			write_file(path, l->json, strlen(l->json));
			break;
		case RECOMPRESS: write_gz(path, l->json, strlen(l->json), true); break;
		case TAMPER: write_gz(path, l->tampered, strlen(l->tampered), false); break;
		default: write_gz(path, l->json, strlen(l->json), false);
		}
	}
	struct sb sigs = {0};
	sb_printf(&sigs, "{\n");
	for (int i = 0; i < c->ndig; i++) {
		struct gdig *d = &c->dig[i];
		sb_printf(&sigs, "  \"" PREFIX "%s\": \"%s\"%s\n", d->key, d->sig, i + 1 < c->ndig ? "," : "");
		if (d->fate == DELETE)
			continue;
		if (d->fate == MOVE)
			snprintf(path, sizeof(path), "%s/%s/moved/%s", outdir, c->name, d->name);
		else
			snprintf(path, sizeof(path), "%s/%s/%s", outdir, c->name, d->key);
		if (d->fate == EDIT) {
			char *j = digest_json(c, d, NULL, true);
			/* keep the chain fields of the original: only the listing changed */
			char *orig_prev = strstr(d->json, "\"previousDigestS3Bucket\"");
			char *new_prev = strstr(j, "\"previousDigestS3Bucket\"");
			char *orig_files = strstr(d->json, "\"logFiles\"");
			char *new_files = strstr(j, "\"logFiles\"");
			struct sb e = {0};
			sb_printf(&e, "%.*s%.*s%s", (int)(new_prev - j), j, (int)(orig_files - orig_prev), orig_prev,
				  new_files);
			write_gz(path, e.p, e.len, false);
			free(e.p);
			free(j);
		} else {
			write_gz(path, d->json, strlen(d->json), false);
		}
	}
	sb_printf(&sigs, "}\n");
	snprintf(path, sizeof(path), "%s/%s/signatures.json", outdir, c->name);
	write_file(path, sigs.p, sigs.len);
	free(sigs.p);
	struct sb k = {0};
	int nk = c->keys_only_a ? 1 : 2;
	sb_printf(&k, "{\n    \"PublicKeyList\": [\n");
	for (int i = 0; i < nk; i++)
		sb_printf(&k,
			  "        {\n            \"Value\": \"%s\",\n"
			  "            \"ValidityStartTime\": \"2024-0%d-01T00:00:00+00:00\",\n"
			  "            \"ValidityEndTime\": \"2024-0%d-01T00:00:00+00:00\",\n"
			  "            \"Fingerprint\": \"%s\"\n        }%s\n",
			  keys[i].b64, 2 + i, 4 + i, keys[i].fpr, i + 1 < nk ? "," : "");
	sb_printf(&k, "    ]\n}\n");
	snprintf(path, sizeof(path), "%s/%s/keys.json", outdir, c->name);
	write_file(path, k.p, k.len);
	free(k.p);
}

static void free_case(struct gcase *c)
{
	for (int i = 0; i < c->nlogs; i++) {
		free(c->logs[i].json);
		free(c->logs[i].tampered);
	}
	for (int i = 0; i < c->ndig; i++)
		free(c->dig[i].json);
}

static void chain(struct gcase *c, int first_hour, int nhours, const int *nlogs, int rotate_at)
{
	for (int h = 0; h < nhours; h++)
		add_digest(c, first_hour + h, h == 0, first_hour + h >= rotate_at ? 1 : 0, nlogs[h]);
}

/* ---- the cases ---- */

static void gen(const char *name, void (*fn)(struct gcase *))
{
	struct gcase *c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->name = name;
	fn(c);
	write_case(c);
	free_case(c);
	free(c);
}

/* hours 0-3, key A then key B from hour 2 */
static void c_valid_rotation(struct gcase *c)
{
	static const int n[] = {2, 1, 2, 1};
	chain(c, 0, 4, n, 2);
	seal(c);
}

/* a chain of hours 0-1, logging with validation off in hour 3, a new chain
 * in hours 5-6 */
static void c_gap(struct gcase *c)
{
	static const int n[] = {1, 1};
	chain(c, 0, 2, n, 99);
	add_log(c, T0 + 3 * HOUR + 5 * 60 + 91, "FxGAPh03abcdefgh", 1);
	chain(c, 5, 2, n, 99);
	seal(c);
}

static void c_empty_hour(struct gcase *c)
{
	static const int n[] = {1, 0, 1};
	chain(c, 0, 3, n, 99);
	seal(c);
}

static void c_recompressed(struct gcase *c)
{
	static const int n[] = {2, 1, 1};
	chain(c, 0, 3, n, 99);
	c->dig[0].logs[1]->fate = RECOMPRESS;
	c->dig[1].logs[0]->fate = GUNZIP;
	seal(c);
}

static void c_changed_log(struct gcase *c)
{
	static const int n[] = {1, 2, 1};
	chain(c, 0, 3, n, 99);
	c->dig[1].logs[1]->fate = TAMPER;
	seal(c);
}

static void c_deleted_log(struct gcase *c)
{
	static const int n[] = {1, 2, 1};
	chain(c, 0, 3, n, 99);
	c->dig[1].logs[0]->fate = DELETE;
	seal(c);
}

static void c_deleted_digest(struct gcase *c)
{
	static const int n[] = {1, 1, 1, 1};
	chain(c, 0, 4, n, 99);
	c->dig[1].fate = DELETE;
	seal(c);
}

static void c_deleted_digests(struct gcase *c)
{
	static const int n[] = {1, 1, 1, 1, 1};
	chain(c, 0, 5, n, 99);
	c->dig[1].fate = DELETE;
	c->dig[2].fate = DELETE;
	seal(c);
}

/* hour 1's log changed, and its digest edited to give the new hash */
static void c_edited_digest(struct gcase *c)
{
	static const int n[] = {1, 1, 1, 1};
	chain(c, 0, 4, n, 99);
	c->dig[1].fate = EDIT;
	c->dig[1].logs[0]->fate = TAMPER;
	c->dig[1].logs[0]->digest_lists_tampered = true;
	seal(c);
}

/* the newest digest edited to list nothing, its log file deleted */
static void c_edited_newest(struct gcase *c)
{
	static const int n[] = {1, 1, 1};
	chain(c, 0, 3, n, 99);
	c->dig[2].fate = EDIT;
	c->dig[2].drop_logs = true;
	c->dig[2].logs[0]->fate = DELETE;
	seal(c);
}

/* a log file put in hour 1, one after the newest digest */
static void c_injected_log(struct gcase *c)
{
	static const int n[] = {1, 1, 1};
	chain(c, 0, 3, n, 99);
	add_log(c, T0 + HOUR + 30 * 60 + 91, "InjectedH01abcde", 2);
	add_log(c, T0 + 5 * HOUR + 10 * 60, "InjectedH05abcde", 1);
	seal(c);
}

static void c_unknown_key(struct gcase *c)
{
	static const int n[] = {1, 1, 1};
	chain(c, 0, 3, n, 1);
	c->keys_only_a = true;
	seal(c);
}

static void c_moved_digest(struct gcase *c)
{
	static const int n[] = {1, 1, 1};
	chain(c, 0, 3, n, 99);
	c->dig[1].fate = MOVE;
	seal(c);
}

/* an organization trail; a log file of hour 1 delivered late, listed in a
 * backfill digest for that hour */
static void c_backfill(struct gcase *c)
{
	static const int n[] = {1, 1, 1};
	c->org = "o-a1b2c3d4e5";
	chain(c, 0, 3, n, 99);
	struct glog *late = add_log(c, T0 + HOUR + 50 * 60, "FxLATEabcdefghij", 1);
	struct gdig *b = &c->dig[c->ndig++];
	memset(b, 0, sizeof(*b));
	b->start = c->dig[1].start;
	b->end = c->dig[1].end;
	b->backfill = true;
	b->logs[b->nlogs++] = late;
	seal(c);
}

/* The sample digest files of the AWS page "CloudTrail digest file
 * structure", and the sample output of list-public-keys from "Custom
 * implementations of CloudTrail log file integrity validation", as
 * published (the signatures cannot be checked: the pages do not give the
 * newest digest's signature). */
static const char aws_digest[] =
	"{\n"
	"  \"awsAccountId\": \"111122223333\",\n"
	"  \"digestStartTime\": \"2015-08-17T14:01:31Z\",\n"
	"  \"digestEndTime\": \"2015-08-17T15:01:31Z\",\n"
	"  \"digestS3Bucket\": \"amzn-s3-demo-bucket\",\n"
	"  \"digestS3Object\": \"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz\",\n"
	"  \"digestPublicKeyFingerprint\": \"31e8b5433410dfb61a9dc45cc65b22ff\",\n"
	"  \"digestSignatureAlgorithm\": \"SHA256withRSA\",\n"
	"  \"newestEventTime\": \"2015-08-17T14:52:27Z\",\n"
	"  \"oldestEventTime\": \"2015-08-17T14:42:27Z\",\n"
	"  \"previousDigestS3Bucket\": \"amzn-s3-demo-bucket\",\n"
	"  \"previousDigestS3Object\": \"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T140131Z.json.gz\",\n"
	"  \"previousDigestHashValue\": \"97fb791cf91ffc440d274f8190dbdd9aa09c34432aba82739df18b6d3c13df2d\",\n"
	"  \"previousDigestHashAlgorithm\": \"SHA-256\",\n"
	"  \"previousDigestSignature\": \"50887ccffad4c002b97caa37cc9dc626e3c680207d41d27fa5835458e066e0d3652fc4dfc30937e4d5f4cc7f796e7a258fb50a43ac427f2237f6e505d4efaf373d156e15e3b68dea9f58111d395b62628d6bd367a9024d2183b5c5f6e19466d3a996b92df705bc997b8a0e13430f241d733cf95df4e41bb6c304c3f58363043572ea57a27085639ce187e679c0d81c7519b1184fa77fb7ab0b0e40a32dace6e1eefc3995c5ae182da49b62b26398cebb52a2201a6387b75b89c83e5570bcb9bba6c34a80f2f00a1c6ebe07d1ff149eccd812dc805bb3eeff6657db32a6cb48d2d096404eb76181877bc6ebb8cd0b23f823200155b2fd8848d428e46e8456328a\",\n"
	"  \"logFiles\": [\n"
	"    {\n"
	"      \"s3Bucket\": \"amzn-s3-demo-bucket\",\n"
	"      \"s3Object\": \"AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz\",\n"
	"      \"hashValue\": \"9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6\",\n"
	"      \"hashAlgorithm\": \"SHA-256\",\n"
	"      \"newestEventTime\": \"2015-08-17T14:52:27Z\",\n"
	"      \"oldestEventTime\": \"2015-08-17T14:42:27Z\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

static const char aws_empty_digest[] =
	"{\n"
	"  \"awsAccountId\": \"111122223333\",\n"
	"  \"digestStartTime\": \"2015-08-20T17:01:31Z\",\n"
	"  \"digestEndTime\": \"2015-08-20T18:01:31Z\",\n"
	"  \"digestS3Bucket\": \"example-bucket-name\",\n"
	"  \"digestS3Object\": \"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/20/111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T180131Z.json.gz\",\n"
	"  \"digestPublicKeyFingerprint\": \"31e8b5433410dfb61a9dc45cc65b22ff\",\n"
	"  \"digestSignatureAlgorithm\": \"SHA256withRSA\",\n"
	"  \"newestEventTime\": null,\n"
	"  \"oldestEventTime\": null,\n"
	"  \"previousDigestS3Bucket\": \"example-bucket-name\",\n"
	"  \"previousDigestS3Object\": \"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/20/111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T170131Z.json.gz\",\n"
	"  \"previousDigestHashValue\": \"ed96c4bac9eaa8fe9716ca0e515da51938be651b1db31d781956416a9d05cdfa\",\n"
	"  \"previousDigestHashAlgorithm\": \"SHA-256\",\n"
	"  \"previousDigestSignature\": \"82705525fb0fe7f919f9434e5b7138cb41793c776c7414f3520c0242902daa8cc8286b29263d2627f2f259471c745b1654af76e2073264b2510fd45236b3aea4d80c0e8e6455223d7bd54ff80af0edf22a5f14fa856626daec919f0591479aa4f213787ba1e1076328dcf8ff624e03a977fa5612dcf58594c590fd8c1c5b48bddf43fc84ecc00b41bedd0ff7f293c3e2de8dcdc78f98b03e17577f5822ba842399d69eb79921c0429773509520e08c8b518702d987dfbb3a4e5d8c5f17673ce1f989dfff82d4becf24e452f20d3bcac94ad50131f93e57f10155536acb54c60efbe9d57228c2b930bc6082b2318e3ccd36834a8e835b8d112dbf32145f445c11\",\n"
	"  \"logFiles\": []\n"
	"}\n";

static const char aws_keys[] =
	"{\n"
	"    \"publicKeyList\": [\n"
	"        {\n"
	"            \"ValidityStartTime\": \"1436317441.0\",\n"
	"            \"ValidityEndTime\": \"1438909441.0\",\n"
	"            \"Value\": \"MIIBCgKCAQEAn11L2YZ9h7onug2ILi1MWyHiMRsTQjfWE+pHVRLk1QjfWhirG+lpOa8NrwQ/r7Ah5bNL6HepznOU9XTDSfmmnP97mqyc7z/upfZdS/AHhYcGaz7n6Wc/RRBU6VmiPCrAUojuSk6/GjvA8iOPFsYDuBtviXarvuLPlrT9kAd4Lb+rFfR5peEgBEkhlzc5HuWO7S0y+KunqxX6jQBnXGMtxmPBPP0FylgWGNdFtks/4YSKcgqwH0YDcawP9GGGDAeCIqPWIXDLG1jOjRRzWfCmD0iJUkz8vTsn4hq/5ZxRFE7UBAUiVcGbdnDdvVfhF9C3dQiDq3k7adQIziLT0cShgQIDAQAB\",\n"
	"            \"Fingerprint\": \"8eba5db5bea9b640d1c96a77256fe7f2\"\n"
	"        },\n"
	"        {\n"
	"            \"ValidityStartTime\": \"1434589460.0\",\n"
	"            \"ValidityEndTime\": \"1437181460.0\",\n"
	"            \"Value\": \"MIIBCgKCAQEApfYL2FiZhpN74LNWVUzhR+VheYhwhYm8w0n5Gf6i95ylW5kBAWKVEmnAQG7BvS5g9SMqFDQx52fW7NWV44IvfJ2xGXT+wT+DgR6ZQ+6yxskQNqV5YcXj4Aa5Zz4jJfsYjDuO2MDTZNIzNvBNzaBJ+r2WIWAJ/Xq54kyF63B6WE38vKuDE7nSd1FqQuEoNBFLPInvgggYe2Ym1Refe2z71wNcJ2kY+q0h1BSHrSM8RWuJIw7MXwF9iQncg9jYzUlNJomozQzAG5wSRfbplcCYNY40xvGd/aAmO0m+Y+XFMrKwtLCwseHPvj843qVno6x4BJN9bpWnoPo9sdsbGoiK3QIDAQAB\",\n"
	"            \"Fingerprint\": \"8933b39ddc64d26d8e14ffbf6566fee4\"\n"
	"        },\n"
	"        {\n"
	"            \"ValidityStartTime\": \"1434589370.0\",\n"
	"            \"ValidityEndTime\": \"1437181370.0\",\n"
	"            \"Value\": \"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqlzPJbvZJ42UdcmLfPUqXYNfOs6I8lCfao/tOs8CmzPOEdtLWugB9xoIUz78qVHdKIqxbaG4jWHfJBiOSSFBM0lt8cdVo4TnRa7oG9io5pysS6DJhBBAeXsicufsiFJR+wrUNh8RSLxL4k6G1+BhLX20tJkZ/erT97tDGBujAelqseGg3vPZbTx9SMfOLN65PdLFudLP7Gat0Z9p5jw/rjpclKfo9Bfc3heeBxWGKwBBOKnFAaN9V57pOaosCvPKmHd9bg7jsQkI9Xp22IzGLsTFJZYVA3KiTAElDMu80iFXPHEq9hKNbt9e4URFam+1utKVEiLkR2disdCmPTK0VQIDAQAB\",\n"
	"            \"Fingerprint\": \"31e8b5433410dfb61a9dc45cc65b22ff\"\n"
	"        }\n"
	"    ]\n"
	"}\n";

static void aws_example(void)
{
	char path[1024];
	snprintf(path, sizeof(path),
		 "%s/aws-example/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
		 "111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_"
		 "20150817T150131Z.json.gz",
		 outdir);
	write_gz(path, aws_digest, strlen(aws_digest), false);
	snprintf(path, sizeof(path),
		 "%s/aws-example/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/20/"
		 "111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_"
		 "20150820T180131Z.json.gz",
		 outdir);
	write_gz(path, aws_empty_digest, strlen(aws_empty_digest), false);
	snprintf(path, sizeof(path), "%s/aws-example/keys.json", outdir);
	write_file(path, aws_keys, strlen(aws_keys));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-digest-fixtures OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	load_or_make_key(&keys[0], "key-a");
	load_or_make_key(&keys[1], "key-b");
	gen("valid-rotation", c_valid_rotation);
	gen("gap", c_gap);
	gen("empty-hour", c_empty_hour);
	gen("recompressed", c_recompressed);
	gen("changed-log", c_changed_log);
	gen("deleted-log", c_deleted_log);
	gen("deleted-digest", c_deleted_digest);
	gen("deleted-digests", c_deleted_digests);
	gen("edited-digest", c_edited_digest);
	gen("edited-newest", c_edited_newest);
	gen("injected-log", c_injected_log);
	gen("unknown-key", c_unknown_key);
	gen("moved-digest", c_moved_digest);
	gen("backfill", c_backfill);
	aws_example();
	EVP_PKEY_free(keys[0].pkey);
	EVP_PKEY_free(keys[1].pkey);
	return 0;
}
