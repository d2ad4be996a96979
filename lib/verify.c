/* verify.c: see verify.h
 *
 * A run goes in phases:
 *   1. load the digests (inflate, SHA-256, parse), in parallel;
 *   2. index them by key, group them into chains (org, account, region,
 *      trail, home region), find for each the digests that name it as
 *      previous ("successors"): they carry its hash and its signature;
 *   3. verify each digest (hash against its successors, RSA signature from
 *      a successor or the signature file), in parallel;
 *   4. plan each chain oldest first: gaps, missing digests named by their
 *      successor, counted ranges of unnamed missing ones; note which time
 *      present and missing digests cover per (org, account, region);
 *   5. match log files to digest entries, hash those needed, in parallel;
 *   6. emit the rows in plan order, then the log files no digest lists.
 */
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "digest.h"
#include "util.h"

#define MAX_FILES 20000000u          /* files one ct_verify takes */
#define MAX_DIGEST_BYTES (64u << 20) /* inflated size of one digest */
#define MAX_JSON_BYTES (64u << 20)   /* keys and signature files */
#define MAX_DEPTH 64                 /* directory nesting */
#define MAX_JOBS 64
#define MINUTE_MS 60000LL
#define HOUR_MS 3600000LL
#define NONE SIZE_MAX

/* ---- small containers ---- */

static int grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	void **p = pp;
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return -1;
		n *= 2;
	}
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

#define PUSH(arr, n, cap, val) (grow(&(arr), &(cap), (n) + 1, sizeof(*(arr))) < 0 ? -1 : ((arr)[(n)++] = (val), 0))

/* A string -> index map (open addressing); keys are not owned. */
struct smap_slot {
	const char *k;
	uint64_t h;
	size_t v;
};
struct smap {
	struct smap_slot *s;
	size_t cap, n;
};

static uint64_t shash(const char *k)
{
	return ct_hash64(k, strlen(k), 0x5eed);
}

static size_t smap_get(const struct smap *m, const char *k)
{
	if (!m->cap || !k)
		return NONE;
	uint64_t h = shash(k);
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->s[i].k)
			return NONE;
		if (m->s[i].h == h && strcmp(m->s[i].k, k) == 0)
			return m->s[i].v;
	}
}

static int smap_put(struct smap *m, const char *k, size_t v)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct smap_slot *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return -1;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->s[i].k)
				continue;
			size_t j = m->s[i].h & (ncap - 1);
			while (ns[j].k)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->s[i];
		}
		free(m->s);
		m->s = ns;
		m->cap = ncap;
	}
	uint64_t h = shash(k);
	size_t i = h & (m->cap - 1);
	for (; m->s[i].k; i = (i + 1) & (m->cap - 1)) {
		if (m->s[i].h == h && strcmp(m->s[i].k, k) == 0) {
			m->s[i].v = v;
			return 0;
		}
	}
	m->s[i] = (struct smap_slot){k, h, v};
	m->n++;
	return 0;
}

static void smap_free(struct smap *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}

/* ---- model ---- */

struct vkey {
	char fpr[33];
	EVP_PKEY *pkey;
};

struct vsig {
	char *key; /* AWSLogs/... */
	char *hex;
};

struct vlog {
	char *path;                         /* may be NULL (a known log without path) */
	char *key;                          /* AWSLogs/... */
	char *mkey;                         /* key without a trailing ".gz" */
	const char *base;                   /* file name part of mkey */
	const char *org, *account, *region; /* interned */
	size_t scope;
	int64_t delivered; /* from the file name, 0 when unknown */
	size_t next_same, next_base;
	size_t *lst; /* entries that list it */
	size_t nlst, caplst;
	char *err;
	int hash_rc;
	bool known, hashed, emitted, insight;
	unsigned char sha[CT_SHA256_LEN];
	uint64_t bytes;
};

struct ventry {
	char *bucket, *object, *mkey;
	const char *base;
	char hash[CT_SHA256_HEX];
	bool hash_ok; /* hashAlgorithm SHA-256 and a 64-digit hex value */
	int64_t oldest, newest;
	size_t digest;
	size_t head;  /* first matching vlog, NONE */
	bool by_base; /* matched by file name only */
};

struct vdigest {
	char *path;
	const char *path_key; /* into path, or NULL */
	bool broken, data_err, dup;
	char *err;
	unsigned char sha[CT_SHA256_LEN];
	char sha_hex[CT_SHA256_HEX];
	char *bucket, *object, *key, *end_str, *fpr, *sig_alg;
	char *prev_bucket, *prev_object, *prev_key, *prev_hash, *prev_hash_alg, *prev_sig;
	int64_t start, end;
	bool backfill;
	const char *org, *account, *region, *trail, *home; /* interned */
	size_t group, scope;
	size_t ent0, nent;
	size_t next_same; /* another digest with the same key */
	size_t *succ;
	size_t nsucc, capsucc;
	enum ct_verify_status status;
	char *detail;
	const char *sig; /* the signature checked, if any */
	size_t order;    /* position in the plan */
	bool named;      /* some digest names it as previous */
	bool chain_end;  /* no later digest, or the next one starts a new chain */
};

struct vgroup {
	char *id;
	size_t *d;
	size_t n, cap;
};

struct ival {
	int64_t from, to;
	size_t ref; /* digest or missing index */
};

struct vscope {
	struct ival *cov, *holes, *gaps;
	size_t ncov, capcov, nholes, capholes, ngaps, capgaps;
	int64_t first_log; /* earliest delivery time of a log file, 0 none */
};

struct vmiss {
	const char *key, *object, *bucket; /* borrowed from the naming digest */
	size_t named_by;
	int64_t from, to;
	bool finding;  /* false: before the files given, status unverified */
	size_t broken; /* a broken digest file at that key, or NONE */
};

struct entlist {
	struct ventry *e;
	size_t n, cap;
};

enum pkind { P_DIGEST, P_MISSING, P_RANGE, P_GAP };
struct prow {
	enum pkind k;
	size_t i; /* digest (P_DIGEST, P_GAP: the digest starting the chain), missing */
	int64_t from, to;
	uint64_t count;
	size_t group;
};

struct ct_verify {
	struct ct_verify_opts opts;
	int jobs;
	bool ran;
	struct smap strs; /* interned strings: key == value owner */
	char **strv;
	size_t nstrv, capstrv;
	struct vkey *keys;
	size_t nkeys, capkeys;
	struct smap keymap;
	struct vsig *sigs;
	size_t nsigs, capsigs;
	struct smap sigmap;
	struct vlog *logs;
	size_t nlogs, caplogs;
	struct smap logpath;
	struct vdigest *dig;
	size_t ndig, capdig;
	struct smap digpath;
	uint64_t inputs_failed;
	uint64_t files_seen;
	bool limit_warned;
	/* built by ct_verify_run */
	struct ventry *ent;
	size_t nent, capent;
	struct vgroup *grp;
	size_t ngrp, capgrp;
	struct smap grpmap, digkey, logmkey, logbase, scpmap;
	struct vscope *scp;
	size_t nscp, capscp;
	struct vmiss *miss;
	size_t nmiss, capmiss;
	struct smap missmap;
	struct entlist *lists; /* phase 1: the entries of each digest */
	struct prow *plan;
	size_t nplan, capplan;
	int64_t since, until;
};

/* ---- names ---- */

const char *ct_verify_kind_name(enum ct_verify_kind k)
{
	switch (k) {
	case CT_VK_DIGEST: return "digest";
	case CT_VK_LOG: return "log";
	case CT_VK_GAP: return "gap";
	}
	return "?";
}

const char *ct_verify_status_name(enum ct_verify_status s)
{
	switch (s) {
	case CT_VS_VALID: return "valid";
	case CT_VS_CHANGED: return "changed";
	case CT_VS_MISSING: return "missing";
	case CT_VS_UNLISTED: return "unlisted";
	case CT_VS_SIGNATURE_INVALID: return "signature_invalid";
	case CT_VS_KEY_UNKNOWN: return "key_unknown";
	case CT_VS_NO_SIGNATURE: return "no_signature";
	case CT_VS_UNVERIFIED: return "unverified";
	case CT_VS_GAP: return "gap";
	}
	return "?";
}

bool ct_verify_status_is_finding(enum ct_verify_status s)
{
	return s == CT_VS_CHANGED || s == CT_VS_MISSING || s == CT_VS_UNLISTED || s == CT_VS_SIGNATURE_INVALID;
}

int ct_verify_exit(const struct ct_verify_summary *s)
{
	if (s->digests_changed || s->digests_missing || s->digests_signature_invalid || s->logs_changed ||
	    s->logs_missing || s->logs_unlisted)
		return CT_EXIT_FINDINGS;
	if (s->inputs_failed)
		return CT_EXIT_INPUT;
	return CT_EXIT_OK;
}

/* ---- helpers ---- */

static const char *intern(struct ct_verify *v, const char *s, size_t len)
{
	char tmp[256];
	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	size_t i = smap_get(&v->strs, tmp);
	if (i != NONE)
		return v->strv[i];
	char *p = ct_strndup(tmp, len);
	if (!p)
		return NULL;
	if (PUSH(v->strv, v->nstrv, v->capstrv, p) < 0 || smap_put(&v->strs, p, v->nstrv - 1) < 0) {
		if (v->nstrv && v->strv[v->nstrv - 1] == p)
			v->nstrv--;
		free(p);
		return NULL;
	}
	return p;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = NULL;
	if (vasprintf(&p, fmt, ap) < 0)
		p = NULL;
	va_end(ap);
	return p;
}

/* "2024-03-01T01:02:03Z" (milliseconds only when not zero). */
static void iso(int64_t ms, char buf[32])
{
	ct_time_format(ms, buf);
	size_t n = strlen(buf);
	if (n == 24 && strcmp(buf + 19, ".000Z") == 0)
		memcpy(buf + 19, "Z", 2);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool region_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The "AWSLogs/..." suffix of a path or S3 key (after its last "AWSLogs"
 * component), or NULL. */
static const char *awslogs_suffix(const char *p)
{
	if (!p)
		return NULL;
	const char *found = NULL;
	if (strncmp(p, "AWSLogs/", 8) == 0)
		found = p;
	for (const char *s = p; (s = strstr(s, "/AWSLogs/")); s++)
		found = s + 1;
	return found;
}

/* YYYYMMDD"T"HHMM[SS]"Z" -> ms; `sec` says whether seconds are there. */
static int parse_stamp(const char *s, size_t n, bool sec, int64_t *ret)
{
	size_t want = sec ? 16 : 14;
	if (n != want || s[8] != 'T' || s[want - 1] != 'Z' || !all_digits(s, 8) || !all_digits(s + 9, want - 10))
		return -1;
	char iso_s[32];
	snprintf(iso_s, sizeof(iso_s), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6, s + 9, s + 11,
		 sec ? s + 13 : "00");
	return ct_time_parse_iso(iso_s, strlen(iso_s), ret);
}

/* <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json[.gz] */
struct lname {
	const char *account, *region, *stamp;
	size_t region_len;
	int64_t delivered;
	bool insight;
};

static bool parse_log_name(const char *name, struct lname *ln)
{
	size_t n = strlen(name);
	if (ends_with(name, n, ".gz"))
		n -= 3;
	if (!ends_with(name, n, ".json"))
		return false;
	n -= 5;
	/* Insights log files are named alike; they count when a digest lists
	 * them, but are never called unlisted */
	static const char ins[] = "_CloudTrail-Insight_";
	size_t mid = 12;
	ln->insight = false;
	if (n >= 12 + sizeof(ins) - 1 && memcmp(name + 12, ins, sizeof(ins) - 1) == 0) {
		mid = sizeof(ins) - 1;
		ln->insight = true;
	}
	if (n < 12 + mid || !all_digits(name, 12) || (!ln->insight && memcmp(name + 12, "_CloudTrail_", 12) != 0))
		return false;
	const char *r = name + 12 + mid, *end = name + n;
	const char *u = r;
	while (u < end && region_char(*u))
		u++;
	if (u == r || u >= end || *u != '_')
		return false;
	const char *ts = u + 1;
	if (end - ts < 16 || ts[14] != '_')
		return false;
	int64_t t;
	if (parse_stamp(ts, 14, false, &t) < 0)
		return false;
	for (const char *q = ts + 15; q < end; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
			return false;
	if (ts + 15 == end)
		return false;
	ln->account = name;
	ln->region = r;
	ln->region_len = (size_t)(u - r);
	ln->stamp = ts;
	ln->delivered = t;
	return true;
}

/* <account>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>[_backfill].json[.gz] */
struct dname {
	const char *account, *region, *trail, *home;
	size_t region_len, trail_len, home_len;
	int64_t end;
	bool backfill;
};

static bool parse_digest_name(const char *name, struct dname *dn)
{
	size_t n = strlen(name);
	if (ends_with(name, n, ".gz"))
		n -= 3;
	if (!ends_with(name, n, ".json"))
		return false;
	n -= 5;
	dn->backfill = ends_with(name, n, "_backfill");
	if (dn->backfill)
		n -= 9;
	static const char mid[] = "_CloudTrail-Digest_";
	if (n < 12 + sizeof(mid) - 1 + 17 || !all_digits(name, 12) || memcmp(name + 12, mid, sizeof(mid) - 1) != 0)
		return false;
	if (name[n - 17] != '_' || parse_stamp(name + n - 16, 16, true, &dn->end) < 0)
		return false;
	const char *r = name + 12 + sizeof(mid) - 1, *stop = name + n - 17;
	const char *u = r;
	while (u < stop && region_char(*u))
		u++;
	if (u == r || u >= stop || *u != '_')
		return false;
	const char *h = stop;
	while (h > u + 1 && region_char(h[-1]))
		h--;
	if (h == stop || h <= u + 1 || h[-1] != '_' || h - 1 <= u + 1)
		return false;
	dn->account = name;
	dn->region = r;
	dn->region_len = (size_t)(u - r);
	dn->trail = u + 1;
	dn->trail_len = (size_t)(h - 1 - (u + 1));
	dn->home = h;
	dn->home_len = (size_t)(stop - h);
	return true;
}

static bool is_digest_name(const char *name)
{
	struct dname dn;
	return parse_digest_name(name, &dn);
}

/* The org id of an "AWSLogs/o-xxx/<account>/..." key, or NULL. */
static const char *key_org(struct ct_verify *v, const char *key)
{
	if (!key || strncmp(key, "AWSLogs/o-", 10) != 0)
		return NULL;
	const char *s = key + 8, *e = strchr(s, '/');
	if (!e)
		return NULL;
	return intern(v, s, (size_t)(e - s));
}

static size_t scope_of(struct ct_verify *v, const char *org, const char *account, const char *region)
{
	char id[320];
	snprintf(id, sizeof(id), "%s|%s|%s", org ? org : "", account ? account : "", region ? region : "");
	const char *k = intern(v, id, strlen(id));
	if (!k)
		return NONE;
	size_t i = smap_get(&v->scpmap, k);
	if (i != NONE)
		return i;
	struct vscope s = {0};
	if (PUSH(v->scp, v->nscp, v->capscp, s) < 0 || smap_put(&v->scpmap, k, v->nscp - 1) < 0)
		return NONE;
	return v->nscp - 1;
}

static void diag(struct ct_verify *v, enum ct_diag_kind kind, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void diag(struct ct_verify *v, enum ct_diag_kind kind, const char *file, const char *fmt, ...)
{
	if (!v->opts.diag)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct ct_diag d = {.kind = kind, .where = CT_AT_FILE, .file = file, .n = 0, .msg = msg};
	v->opts.diag(v->opts.ud, &d);
}

static char *read_small(const char *path, size_t max, size_t *ret_len, struct ct_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ct_err_set(err, CT_E_INPUT, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct ct_buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (b.len + n > max) {
			ct_err_set(err, CT_E_INPUT, path, 0, "larger than %zu bytes", max);
			goto fail;
		}
		if (ct_buf_append(&b, tmp, n) < 0) {
			ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
			goto fail;
		}
	}
	if (ferror(f)) {
		ct_err_set(err, CT_E_INPUT, path, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	if (!b.p && ct_buf_append(&b, "", 0) < 0) {
		ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		return NULL;
	}
	*ret_len = b.len;
	return b.p;
fail:
	fclose(f);
	ct_buf_free(&b);
	return NULL;
}

/* ---- lifecycle ---- */

int ct_verify_new(const struct ct_verify_opts *opts, struct ct_verify **ret, struct ct_err *err)
{
	struct ct_verify *v = calloc(1, sizeof(*v));
	if (!v)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	if (opts)
		v->opts = *opts;
	int jobs = v->opts.jobs;
	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (int)n : 1;
	}
	v->jobs = CT_MIN(jobs, MAX_JOBS);
	json_object_seed(0); /* before any thread parses JSON */
	*ret = v;
	return 0;
}

static void free_run(struct ct_verify *v)
{
	for (size_t i = 0; i < v->nent; i++) {
		free(v->ent[i].bucket);
		free(v->ent[i].object);
		free(v->ent[i].mkey);
	}
	free(v->ent);
	for (size_t i = 0; i < v->ngrp; i++) {
		free(v->grp[i].id);
		free(v->grp[i].d);
	}
	free(v->grp);
	for (size_t i = 0; i < v->nscp; i++) {
		free(v->scp[i].cov);
		free(v->scp[i].holes);
		free(v->scp[i].gaps);
	}
	free(v->scp);
	free(v->miss);
	free(v->plan);
	smap_free(&v->grpmap);
	smap_free(&v->digkey);
	smap_free(&v->logmkey);
	smap_free(&v->logbase);
	smap_free(&v->scpmap);
	smap_free(&v->missmap);
}

void ct_verify_free(struct ct_verify *v)
{
	if (!v)
		return;
	free_run(v);
	for (size_t i = 0; i < v->nkeys; i++)
		EVP_PKEY_free(v->keys[i].pkey);
	free(v->keys);
	for (size_t i = 0; i < v->nsigs; i++) {
		free(v->sigs[i].key);
		free(v->sigs[i].hex);
	}
	free(v->sigs);
	for (size_t i = 0; i < v->nlogs; i++) {
		struct vlog *l = &v->logs[i];
		free(l->path);
		free(l->key);
		free(l->mkey);
		free(l->lst);
		free(l->err);
	}
	free(v->logs);
	for (size_t i = 0; i < v->ndig; i++) {
		struct vdigest *d = &v->dig[i];
		free(d->path);
		free(d->err);
		free(d->bucket);
		free(d->object);
		free(d->key);
		free(d->end_str);
		free(d->fpr);
		free(d->sig_alg);
		free(d->prev_bucket);
		free(d->prev_object);
		free(d->prev_key);
		free(d->prev_hash);
		free(d->prev_hash_alg);
		free(d->prev_sig);
		free(d->succ);
		free(d->detail);
	}
	free(v->dig);
	for (size_t i = 0; i < v->nstrv; i++)
		free(v->strv[i]);
	free(v->strv);
	smap_free(&v->strs);
	smap_free(&v->keymap);
	smap_free(&v->sigmap);
	smap_free(&v->logpath);
	smap_free(&v->digpath);
	free(v);
}

/* ---- keys and signatures ---- */

static int b64_decode(const char *s, unsigned char **ret, size_t *ret_len)
{
	size_t n = strlen(s);
	char *clean = malloc(n + 1);
	if (!clean)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r' && s[i] != ' ' && s[i] != '\t')
			clean[k++] = s[i];
	clean[k] = 0;
	if (k == 0 || k % 4) {
		free(clean);
		return -1;
	}
	unsigned char *out = malloc(k / 4 * 3 + 1);
	if (!out) {
		free(clean);
		return -1;
	}
	int m = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)k);
	if (m < 0) {
		free(clean);
		free(out);
		return -1;
	}
	size_t pad = (clean[k - 1] == '=') + (clean[k - 2] == '=');
	free(clean);
	*ret = out;
	*ret_len = (size_t)m - pad;
	return 0;
}

static EVP_PKEY *decode_rsa_key(const unsigned char *der, size_t len)
{
	/* PKCS#1 RSAPublicKey, as list-public-keys returns; else X.509 SPKI */
	const unsigned char *p = der;
	EVP_PKEY *k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (k && p == der + len)
		return k;
	EVP_PKEY_free(k);
	p = der;
	k = d2i_PUBKEY(NULL, &p, (long)len);
	if (k && p == der + len && EVP_PKEY_is_a(k, "RSA"))
		return k;
	EVP_PKEY_free(k);
	return NULL;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int ct_verify_add_keys(struct ct_verify *v, const char *path, struct ct_err *err)
{
	size_t len;
	char *text = read_small(path, MAX_JSON_BYTES, &len, err);
	if (!text)
		return -1;
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root)
		return ct_err_set(err, CT_E_INPUT, path, (uint64_t)je.line, "not JSON: %s", je.text);
	json_t *list = root;
	if (json_is_object(root)) {
		list = json_object_get(root, "PublicKeyList");
		if (!list)
			list = json_object_get(root, "publicKeyList");
	}
	if (!json_is_array(list)) {
		json_decref(root);
		return ct_err_set(err, CT_E_INPUT, path, 0, "no 'PublicKeyList' array");
	}
	size_t i;
	json_t *el;
	json_array_foreach(list, i, el)
	{
		const char *val = json_string_value(json_object_get(el, "Value"));
		const char *fp = json_string_value(json_object_get(el, "Fingerprint"));
		unsigned char *der = NULL;
		size_t dlen = 0;
		if (!val || b64_decode(val, &der, &dlen) < 0) {
			diag(v, CT_DIAG_WARNING, path, "key %zu: no base64 'Value'", i + 1);
			continue;
		}
		EVP_PKEY *pk = decode_rsa_key(der, dlen);
		unsigned char md5[16];
		char calc[33];
		int mdrc = ct_md5_buf(der, dlen, md5);
		free(der);
		if (!pk) {
			diag(v, CT_DIAG_WARNING, path, "key %zu: 'Value' is not a DER RSA public key", i + 1);
			continue;
		}
		if (mdrc < 0)
			calc[0] = 0;
		else
			ct_hex(md5, 16, calc);
		struct vkey k = {{0}, pk};
		if (fp && strlen(fp) == 32) {
			snprintf(k.fpr, sizeof(k.fpr), "%s", fp);
			lower(k.fpr);
			if (calc[0] && strcmp(k.fpr, calc) != 0)
				diag(v, CT_DIAG_WARNING, path,
				     "key %zu: fingerprint %s is not the MD5 of its value (%s)", i + 1, k.fpr, calc);
		} else {
			if (fp)
				diag(v, CT_DIAG_WARNING, path, "key %zu: bad 'Fingerprint'", i + 1);
			snprintf(k.fpr, sizeof(k.fpr), "%s", calc);
		}
		if (!k.fpr[0] || smap_get(&v->keymap, k.fpr) != NONE) {
			EVP_PKEY_free(pk);
			continue;
		}
		if (PUSH(v->keys, v->nkeys, v->capkeys, k) < 0) {
			EVP_PKEY_free(pk);
			json_decref(root);
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		}
	}
	json_decref(root);
	/* the map points into the array: rebuild after it may have moved */
	smap_free(&v->keymap);
	for (size_t k = 0; k < v->nkeys; k++)
		if (smap_put(&v->keymap, v->keys[k].fpr, k) < 0)
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	return 0;
}

/* Normalizes "s3://bucket/prefix/AWSLogs/..." or "prefix/AWSLogs/..." to
 * "AWSLogs/...". */
static const char *norm_key(const char *k)
{
	const char *s = awslogs_suffix(k);
	return s ? s : k;
}

int ct_verify_add_signatures(struct ct_verify *v, const char *path, struct ct_err *err)
{
	size_t len;
	char *text = read_small(path, MAX_JSON_BYTES, &len, err);
	if (!text)
		return -1;
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root)
		return ct_err_set(err, CT_E_INPUT, path, (uint64_t)je.line, "not JSON: %s", je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return ct_err_set(err, CT_E_INPUT, path, 0, "not a JSON object of signatures");
	}
	const char *k;
	json_t *val;
	json_object_foreach(root, k, val)
	{
		const char *hex = json_string_value(val);
		if (!hex && json_is_object(val))
			hex = json_string_value(json_object_get(val, "signature"));
		unsigned char tmp[1024];
		if (!hex || ct_hex_decode(hex, strlen(hex), tmp, sizeof(tmp)) <= 0) {
			diag(v, CT_DIAG_WARNING, path, "signature of '%s' is not hex", k);
			continue;
		}
		struct vsig s = {strdup(norm_key(k)), strdup(hex)};
		if (!s.key || !s.hex || PUSH(v->sigs, v->nsigs, v->capsigs, s) < 0) {
			free(s.key);
			free(s.hex);
			json_decref(root);
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		}
		lower(s.hex);
		if (smap_put(&v->sigmap, s.key, v->nsigs - 1) < 0) {
			json_decref(root);
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		}
	}
	json_decref(root);
	return 0;
}

/* ---- files ---- */

static int add_log(struct ct_verify *v, const char *key_in, const char *path, const char *sha_hex, struct ct_err *err)
{
	const char *name = base_name(key_in); /* for files found, the path */
	struct lname ln;
	if (!parse_log_name(name, &ln))
		return 1;
	struct vlog l = {0};
	l.next_same = l.next_base = NONE;
	const char *suffix = awslogs_suffix(key_in);
	if (suffix) {
		l.key = strdup(suffix);
	} else {
		/* the canonical key of a file found outside the S3 layout */
		l.key = xasprintf("AWSLogs/%.12s/%s/%.*s/%.4s/%.2s/%.2s/%s", ln.account,
				  ln.insight ? "CloudTrail-Insight" : "CloudTrail", (int)ln.region_len, ln.region,
				  ln.stamp, ln.stamp + 4, ln.stamp + 6, name);
	}
	if (path)
		l.path = strdup(path);
	if (!l.key || (path && !l.path))
		goto nomem;
	size_t kl = strlen(l.key);
	l.mkey = ct_strndup(l.key, ends_with(l.key, kl, ".gz") ? kl - 3 : kl);
	if (!l.mkey)
		goto nomem;
	l.base = base_name(l.mkey);
	l.org = key_org(v, l.key);
	l.account = intern(v, ln.account, 12);
	l.region = intern(v, ln.region, ln.region_len);
	l.delivered = ln.delivered;
	l.insight = ln.insight;
	if (!l.account || !l.region)
		goto nomem;
	if (sha_hex) {
		if (ct_hex_decode(sha_hex, strlen(sha_hex), l.sha, sizeof(l.sha)) != CT_SHA256_LEN) {
			free(l.key);
			free(l.mkey);
			free(l.path);
			return ct_err_set(err, CT_E_USAGE, path, 0, "'%s' is not a hex SHA-256", sha_hex);
		}
		l.known = l.hashed = true;
	}
	if (PUSH(v->logs, v->nlogs, v->caplogs, l) < 0)
		goto nomem;
	if (l.path && smap_put(&v->logpath, l.path, v->nlogs - 1) < 0)
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	return 0;
nomem:
	free(l.key);
	free(l.mkey);
	free(l.path);
	return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
}

static int add_digest_file(struct ct_verify *v, const char *path, struct ct_err *err)
{
	if (smap_get(&v->digpath, path) != NONE)
		return 0;
	struct vdigest d = {0};
	d.next_same = NONE;
	d.path = strdup(path);
	if (!d.path || PUSH(v->dig, v->ndig, v->capdig, d) < 0) {
		free(d.path);
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	}
	struct vdigest *p = &v->dig[v->ndig - 1];
	p->path_key = awslogs_suffix(p->path);
	if (smap_put(&v->digpath, p->path, v->ndig - 1) < 0)
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	return 0;
}

static bool sniff_digest(const char *path)
{
	char buf[2048];
	size_t n = 0;
	if (ct_digest_peek(path, buf, sizeof(buf) - 1, &n) < 0)
		return false;
	buf[n] = 0;
	size_t i = 0;
	while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
		i++;
	return i < n && buf[i] == '{' && strstr(buf, "\"digestS3Object\"") && strstr(buf, "\"digestEndTime\"");
}

/* Returns 0 when the file was taken, 1 when it is not a log or digest. */
static int add_file(struct ct_verify *v, const char *path, struct ct_err *err)
{
	if (v->files_seen >= MAX_FILES) {
		if (!v->limit_warned) {
			diag(v, CT_DIAG_ERROR, path, "more than %u files: the rest are skipped", MAX_FILES);
			v->inputs_failed++;
			v->limit_warned = true;
		}
		return 0;
	}
	v->files_seen++;
	const char *name = base_name(path);
	if (is_digest_name(name))
		return add_digest_file(v, path, err);
	struct lname ln;
	if (parse_log_name(name, &ln)) {
		if (smap_get(&v->logpath, path) != NONE)
			return 0;
		return add_log(v, path, path, NULL, err);
	}
	size_t n = strlen(name);
	if ((ends_with(name, n, ".json") || ends_with(name, n, ".gz")) && sniff_digest(path))
		return add_digest_file(v, path, err);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct ct_verify *v, struct ct_buf *p, int depth, struct ct_err *err)
{
	if (depth > MAX_DEPTH) {
		diag(v, CT_DIAG_WARNING, p->p, "nested more than %d directories deep: skipped", MAX_DEPTH);
		return 0;
	}
	DIR *dir = opendir(p->p);
	if (!dir) {
		diag(v, CT_DIAG_ERROR, p->p, "cannot open directory: %s", strerror(errno));
		v->inputs_failed++;
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *s = strdup(de->d_name);
		if (!s || PUSH(names, n, cap, s) < 0) {
			free(s);
			rc = ct_err_set(err, CT_E_NOMEM, p->p, 0, "out of memory");
			goto out;
		}
	}
	if (n) /* qsort with a NULL array is undefined, even for 0 items */
		qsort(names, n, sizeof(*names), cmp_str);
	size_t plen = p->len;
	for (size_t i = 0; i < n && rc == 0; i++) {
		p->len = plen;
		if ((plen && p->p[plen - 1] != '/' && ct_buf_putc(p, '/') < 0) ||
		    ct_buf_append(p, names[i], strlen(names[i])) < 0) {
			rc = ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
			break;
		}
		struct stat st;
		if (lstat(p->p, &st) < 0) {
			diag(v, CT_DIAG_ERROR, p->p, "cannot stat: %s", strerror(errno));
			v->inputs_failed++;
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			if (stat(p->p, &st) < 0 || !S_ISREG(st.st_mode))
				continue; /* dangling, or a link to a directory */
		}
		if (S_ISDIR(st.st_mode))
			rc = walk(v, p, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = add_file(v, p->p, err) < 0 ? -1 : 0;
	}
	p->len = plen;
	if (p->p)
		p->p[plen] = 0;
out:
	closedir(dir);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int ct_verify_add_path(struct ct_verify *v, const char *path, struct ct_err *err)
{
	if (v->ran)
		return ct_err_set(err, CT_E_USAGE, path, 0, "verification already ran");
	struct stat st;
	if (stat(path, &st) < 0)
		return ct_err_set(err, CT_E_INPUT, path, 0, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct ct_buf b = {0};
		if (ct_buf_append(&b, path, strlen(path)) < 0)
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		int rc = walk(v, &b, 0, err);
		ct_buf_free(&b);
		return rc;
	}
	int rc = add_file(v, path, err);
	if (rc == 1)
		diag(v, CT_DIAG_WARNING, path, "not a cloudtrail log or digest file: skipped");
	return rc < 0 ? -1 : 0;
}

bool ct_verify_is_log_name(const char *path)
{
	struct lname ln;
	return path && parse_log_name(base_name(path), &ln);
}

int ct_verify_add_known_log(struct ct_verify *v, const char *s3key, const char *path, const char *content_sha256_hex,
			    struct ct_err *err)
{
	if (v->ran)
		return ct_err_set(err, CT_E_USAGE, path, 0, "verification already ran");
	if (!s3key || !content_sha256_hex)
		return ct_err_set(err, CT_E_USAGE, path, 0, "no key or no hash");
	size_t i = path ? smap_get(&v->logpath, path) : NONE;
	if (i != NONE) {
		struct vlog *l = &v->logs[i];
		if (ct_hex_decode(content_sha256_hex, strlen(content_sha256_hex), l->sha, sizeof(l->sha)) !=
		    CT_SHA256_LEN)
			return ct_err_set(err, CT_E_USAGE, path, 0, "'%s' is not a hex SHA-256", content_sha256_hex);
		l->known = l->hashed = true;
		return 0;
	}
	int rc = add_log(v, s3key, path, content_sha256_hex, err);
	if (rc == 1)
		return ct_err_set(err, CT_E_USAGE, s3key, 0, "not the key of a cloudtrail log file");
	return rc;
}

/* ---- threads ---- */

struct worker {
	struct ct_digest_ctx *dc;
	struct ct_buf keep;
};

typedef void (*job_fn)(struct ct_verify *v, struct worker *w, size_t i);

struct pool {
	struct ct_verify *v;
	job_fn fn;
	const size_t *items;
	size_t n;
	atomic_size_t next;
	atomic_int failed;
};

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	struct worker w = {0};
	if (ct_digest_ctx_new(&w.dc, NULL) < 0) {
		atomic_store(&p->failed, 1);
		return NULL;
	}
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		p->fn(p->v, &w, p->items[i]);
	}
	ct_digest_ctx_free(w.dc);
	ct_buf_free(&w.keep);
	return NULL;
}

static int run_jobs(struct ct_verify *v, const size_t *items, size_t n, job_fn fn, struct ct_err *err)
{
	if (!n)
		return 0;
	struct pool p = {.v = v, .fn = fn, .items = items, .n = n};
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, 0);
	size_t nt = CT_MIN((size_t)v->jobs, n);
	pthread_t th[MAX_JOBS];
	size_t started = 0;
	for (size_t t = 1; t < nt; t++) {
		if (pthread_create(&th[started], NULL, pool_main, &p) != 0)
			break;
		started++;
	}
	pool_main(&p); /* this thread works too */
	for (size_t t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (atomic_load(&p.failed) && atomic_load(&p.next) < n)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "cannot set up hashing");
	if (atomic_load(&p.failed)) {
		/* a thread could not start its context; the others did the work */
	}
	return 0;
}

/* ---- phase 1: load digests ---- */

static char *jstr(json_t *o, const char *k, bool *present, bool *bad)
{
	json_t *x = json_object_get(o, k);
	if (present)
		*present = x != NULL;
	if (!x || json_is_null(x))
		return NULL;
	if (!json_is_string(x)) {
		*bad = true;
		return NULL;
	}
	char *s = strdup(json_string_value(x));
	if (!s)
		*bad = true;
	return s;
}

static int parse_time_field(const char *s, int64_t *ret)
{
	return s ? ct_time_parse_iso(s, strlen(s), ret) : -1;
}

/* Fills the fields of d (and appends its entries to its list) from the
 * inflated digest; sets d->err on failure. */

static int parse_digest(struct vdigest *d, const char *text, size_t len, struct entlist *el)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	if (!root) {
		d->err = xasprintf("not JSON: %s (line %d)", je.text, je.line);
		return -1;
	}
	int rc = -1;
	bool bad = false, pres;
	static const char *const required[] = {"digestStartTime",
					       "digestEndTime",
					       "digestS3Bucket",
					       "digestS3Object",
					       "digestPublicKeyFingerprint",
					       "previousDigestSignature"};
	if (!json_is_object(root)) {
		d->err = strdup("not a JSON object");
		goto out;
	}
	for (size_t i = 0; i < CT_ARRAY_SIZE(required); i++) {
		if (!json_object_get(root, required[i])) {
			d->err = xasprintf("no '%s'", required[i]);
			goto out;
		}
	}
	char *start = jstr(root, "digestStartTime", NULL, &bad);
	d->end_str = jstr(root, "digestEndTime", NULL, &bad);
	d->bucket = jstr(root, "digestS3Bucket", NULL, &bad);
	d->object = jstr(root, "digestS3Object", NULL, &bad);
	d->fpr = jstr(root, "digestPublicKeyFingerprint", NULL, &bad);
	d->sig_alg = jstr(root, "digestSignatureAlgorithm", &pres, &bad);
	d->prev_bucket = jstr(root, "previousDigestS3Bucket", NULL, &bad);
	d->prev_object = jstr(root, "previousDigestS3Object", NULL, &bad);
	d->prev_hash = jstr(root, "previousDigestHashValue", NULL, &bad);
	d->prev_hash_alg = jstr(root, "previousDigestHashAlgorithm", NULL, &bad);
	d->prev_sig = jstr(root, "previousDigestSignature", NULL, &bad);
	int tstart = parse_time_field(start, &d->start);
	free(start);
	if (bad) {
		d->err = strdup("a field that should be a string is not");
		goto out;
	}
	if (tstart < 0 || parse_time_field(d->end_str, &d->end) < 0) {
		d->err = strdup("bad 'digestStartTime' or 'digestEndTime'");
		goto out;
	}
	if (!d->bucket || !d->object || !d->fpr) {
		d->err = strdup("null 'digestS3Bucket', 'digestS3Object' or fingerprint");
		goto out;
	}
	d->key = strdup(norm_key(d->object));
	if (d->prev_object)
		d->prev_key = strdup(norm_key(d->prev_object));
	if (!d->key || (d->prev_object && !d->prev_key)) {
		d->err = strdup("out of memory");
		goto out;
	}
	if (d->fpr)
		lower(d->fpr);
	if (d->prev_hash)
		lower(d->prev_hash);
	if (d->prev_sig)
		lower(d->prev_sig);
	json_t *files = json_object_get(root, "logFiles");
	if (files && !json_is_array(files) && !json_is_null(files)) {
		d->err = strdup("'logFiles' is not an array");
		goto out;
	}
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		struct ventry e = {0};
		e.head = NONE;
		bool b2 = false;
		e.bucket = jstr(f, "s3Bucket", NULL, &b2);
		e.object = jstr(f, "s3Object", NULL, &b2);
		char *hv = jstr(f, "hashValue", NULL, &b2);
		char *ha = jstr(f, "hashAlgorithm", NULL, &b2);
		char *o = jstr(f, "oldestEventTime", NULL, &b2);
		char *nw = jstr(f, "newestEventTime", NULL, &b2);
		if (o)
			parse_time_field(o, &e.oldest);
		if (nw)
			parse_time_field(nw, &e.newest);
		free(o);
		free(nw);
		if (!json_is_object(f) || b2 || !e.object) {
			free(e.bucket);
			free(e.object);
			free(hv);
			free(ha);
			d->err = xasprintf("'logFiles' entry %zu is not valid", i + 1);
			goto out;
		}
		if (hv && strlen(hv) == 64) {
			unsigned char tmp[CT_SHA256_LEN];
			if (ct_hex_decode(hv, 64, tmp, sizeof(tmp)) == CT_SHA256_LEN) {
				ct_hex(tmp, sizeof(tmp), e.hash);
				e.hash_ok = ha && (strcmp(ha, "SHA-256") == 0 || strcmp(ha, "SHA256") == 0);
			}
		}
		free(hv);
		free(ha);
		const char *suf = norm_key(e.object);
		size_t sl = strlen(suf);
		e.mkey = ct_strndup(suf, ends_with(suf, sl, ".gz") ? sl - 3 : sl);
		if (!e.mkey || PUSH(el->e, el->n, el->cap, e) < 0) {
			free(e.mkey);
			free(e.bucket);
			free(e.object);
			d->err = strdup("out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static void job_load(struct ct_verify *v, struct worker *w, size_t i)
{
	struct vdigest *d = &v->dig[i];
	struct ct_file_digest fd;
	struct ct_err e = {0};
	ct_buf_reset(&w->keep);
	int rc = ct_digest_file(w->dc, d->path, &w->keep, MAX_DIGEST_BYTES, &fd, &e);
	if (rc < 0) {
		d->broken = true;
		d->data_err = rc == CT_DIGEST_EDATA;
		d->err = strdup(e.msg);
		return;
	}
	memcpy(d->sha, fd.sha256, sizeof(d->sha));
	ct_hex(d->sha, sizeof(d->sha), d->sha_hex);
	if (parse_digest(d, w->keep.p ? w->keep.p : "", w->keep.len, &v->lists[i]) < 0) {
		d->broken = true;
		d->data_err = true;
	}
}

/* ---- phase 3: verify a digest ---- */

static int rsa_verify(EVP_PKEY *pk, const char *msg, size_t len, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return -1;
	int rc = -1;
	EVP_PKEY_CTX *pc = NULL;
	if (EVP_DigestVerifyInit_ex(c, &pc, "SHA256", NULL, NULL, pk, NULL) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) > 0)
		rc = EVP_DigestVerify(c, sig, siglen, (const unsigned char *)msg, len) == 1 ? 1 : 0;
	EVP_MD_CTX_free(c);
	return rc;
}

static void set_detail(char **dst, char *s)
{
	if (!s)
		return;
	if (!*dst) {
		*dst = s;
		return;
	}
	char *j = xasprintf("%s; %s", *dst, s);
	free(s);
	if (j) {
		free(*dst);
		*dst = j;
	}
}

static void job_verify(struct ct_verify *v, struct worker *w, size_t i)
{
	(void)w;
	struct vdigest *d = &v->dig[i];
	/* hash, as its successors give it */
	for (size_t s = 0; s < d->nsucc; s++) {
		struct vdigest *n = &v->dig[d->succ[s]];
		if (n->prev_hash_alg && strcmp(n->prev_hash_alg, "SHA-256") != 0) {
			d->status = CT_VS_UNVERIFIED;
			set_detail(&d->detail, xasprintf("%s names hash algorithm '%s'", n->key, n->prev_hash_alg));
			return;
		}
		if (!n->prev_hash || strcmp(n->prev_hash, d->sha_hex) != 0) {
			d->status = CT_VS_CHANGED;
			set_detail(&d->detail, xasprintf("SHA-256 %s differs from previousDigestHashValue %s in %s",
							 d->sha_hex, n->prev_hash ? n->prev_hash : "null", n->key));
			return;
		}
	}
	/* the signature: from the next digest, else the signature file */
	const char *sig = NULL, *from = NULL;
	for (size_t s = 0; s < d->nsucc && !sig; s++) {
		sig = v->dig[d->succ[s]].prev_sig;
		from = v->dig[d->succ[s]].key;
	}
	size_t si = smap_get(&v->sigmap, d->key);
	const char *filesig = si != NONE ? v->sigs[si].hex : NULL;
	if (!sig) {
		sig = filesig;
		from = "the signature file";
	} else if (filesig && strcmp(filesig, sig) != 0) {
		set_detail(&d->detail, xasprintf("the signature file disagrees with %s", from));
	}
	if (d->sig_alg && strcmp(d->sig_alg, "SHA256withRSA") != 0) {
		d->status = CT_VS_UNVERIFIED;
		set_detail(&d->detail, xasprintf("unsupported signature algorithm '%s'", d->sig_alg));
		return;
	}
	size_t ki = smap_get(&v->keymap, d->fpr);
	if (ki == NONE) {
		d->status = CT_VS_KEY_UNKNOWN;
		set_detail(&d->detail, xasprintf("no public key with fingerprint %s", d->fpr));
		return;
	}
	if (!sig) {
		d->status = CT_VS_NO_SIGNATURE;
		const char *why = d->named       ? "the digest naming it gives no signature"
				  : d->backfill  ? "backfill digest: no signature supplied"
				  : d->chain_end ? "newest digest of its chain: no signature supplied"
						 : "no later digest names it: no signature supplied";
		set_detail(&d->detail, strdup(why));
		return;
	}
	d->sig = sig;
	unsigned char sigbin[1024];
	long sl = ct_hex_decode(sig, strlen(sig), sigbin, sizeof(sigbin));
	char *msg = xasprintf("%s\n%s/%s\n%s\n%s", d->end_str, d->bucket, d->object, d->sha_hex,
			      d->prev_sig ? d->prev_sig : "null");
	int ok = sl > 0 && msg ? rsa_verify(v->keys[ki].pkey, msg, strlen(msg), sigbin, (size_t)sl) : 0;
	free(msg);
	if (ok == 1) {
		d->status = CT_VS_VALID;
	} else {
		d->status = CT_VS_SIGNATURE_INVALID;
		set_detail(&d->detail, xasprintf("signature from %s does not verify", from));
	}
}

/* ---- phase 5: hash log files ---- */

static void job_hash(struct ct_verify *v, struct worker *w, size_t i)
{
	struct vlog *l = &v->logs[i];
	struct ct_file_digest fd;
	struct ct_err e = {0};
	int rc = ct_digest_file(w->dc, l->path, NULL, 0, &fd, &e);
	l->hash_rc = rc;
	if (rc < 0) {
		l->err = strdup(e.msg);
		return;
	}
	memcpy(l->sha, fd.sha256, sizeof(l->sha));
	l->bytes = fd.content_bytes;
	l->hashed = true;
}

/* ---- building ---- */

static bool in_range(const struct ct_verify *v, int64_t from, int64_t to)
{
	if (v->since && to && to < v->since)
		return false;
	if (v->until && from && from > v->until)
		return false;
	return true;
}

static int add_ival(struct ival **a, size_t *n, size_t *cap, int64_t from, int64_t to, size_t ref)
{
	struct ival x = {from, to, ref};
	return PUSH(*a, *n, *cap, x);
}

static int cmp_ival(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from ? 1 : 0;
}

static int cmp_group_digest(const void *a, const void *b, void *ctx)
{
	const struct ct_verify *v = ctx;
	const struct vdigest *x = &v->dig[*(const size_t *)a];
	const struct vdigest *y = &v->dig[*(const size_t *)b];
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->backfill != y->backfill)
		return x->backfill ? 1 : -1;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->path, y->path);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct vgroup *)a)->id, ((const struct vgroup *)b)->id);
}

static int cmp_log_key(const void *a, const void *b, void *ctx)
{
	const struct ct_verify *v = ctx;
	const struct vlog *x = &v->logs[*(const size_t *)a];
	const struct vlog *y = &v->logs[*(const size_t *)b];
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

static int push_plan(struct ct_verify *v, struct prow p)
{
	return PUSH(v->plan, v->nplan, v->capplan, p);
}

static int nomem(struct ct_err *err)
{
	return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
}

/* Phase 2: index digests by key, successors, groups. */
static int build_digests(struct ct_verify *v, struct entlist *lists, struct ct_err *err)
{
	for (size_t i = 0; i < v->ndig; i++) {
		struct vdigest *d = &v->dig[i];
		if (d->broken) {
			diag(v, CT_DIAG_ERROR, d->path, "%s", d->err ? d->err : "cannot be read");
			v->inputs_failed++;
			continue;
		}
		/* its entries, into the global list */
		d->ent0 = v->nent;
		d->nent = lists[i].n;
		for (size_t k = 0; k < lists[i].n; k++) {
			lists[i].e[k].digest = i;
			lists[i].e[k].base = base_name(lists[i].e[k].mkey);
			if (PUSH(v->ent, v->nent, v->capent, lists[i].e[k]) < 0)
				return nomem(err);
		}
		lists[i].n = 0;
		/* chain identity from the key inside it */
		struct dname dn;
		const char *name = base_name(d->key);
		d->org = key_org(v, d->key);
		if (parse_digest_name(name, &dn)) {
			d->account = intern(v, dn.account, 12);
			d->region = intern(v, dn.region, dn.region_len);
			d->trail = intern(v, dn.trail, dn.trail_len);
			d->home = intern(v, dn.home, dn.home_len);
			d->backfill = dn.backfill;
		} else {
			/* not a CloudTrail name: one chain per folder */
			const char *sl = strrchr(d->key, '/');
			d->account = intern(v, "", 0);
			d->region = intern(v, "", 0);
			d->trail = intern(v, d->key, sl ? (size_t)(sl - d->key) : 0);
			d->home = intern(v, "", 0);
		}
		if (!d->account || !d->region || !d->trail || !d->home)
			return nomem(err);
		size_t same = smap_get(&v->digkey, d->key);
		if (same != NONE) {
			/* the same digest twice (two copies): keep the first */
			size_t j = same;
			for (; j != NONE; j = v->dig[j].next_same)
				if (memcmp(v->dig[j].sha, d->sha, sizeof(d->sha)) == 0)
					break;
			if (j != NONE) {
				d->dup = true;
				continue;
			}
			for (j = same; v->dig[j].next_same != NONE; j = v->dig[j].next_same)
				;
			v->dig[j].next_same = i;
		} else if (smap_put(&v->digkey, d->key, i) < 0) {
			return nomem(err);
		}
		char id[1024];
		snprintf(id, sizeof(id), "%s|%s|%s|%s|%s", d->org ? d->org : "", d->account, d->region, d->trail,
			 d->home);
		size_t g = smap_get(&v->grpmap, id);
		if (g == NONE) {
			struct vgroup ng = {strdup(id), NULL, 0, 0};
			if (!ng.id || PUSH(v->grp, v->ngrp, v->capgrp, ng) < 0) {
				free(ng.id);
				return nomem(err);
			}
			g = v->ngrp - 1;
			if (smap_put(&v->grpmap, v->grp[g].id, g) < 0)
				return nomem(err);
		}
		d->group = g;
		if (PUSH(v->grp[g].d, v->grp[g].n, v->grp[g].cap, i) < 0)
			return nomem(err);
		d->scope = scope_of(v, d->org, d->account, d->region);
		if (d->scope == NONE)
			return nomem(err);
	}
	/* broken digests are present under their path's key */
	for (size_t i = 0; i < v->ndig; i++) {
		struct vdigest *d = &v->dig[i];
		if (d->broken && d->path_key && smap_get(&v->digkey, d->path_key) == NONE &&
		    smap_put(&v->digkey, d->path_key, i) < 0)
			return nomem(err);
	}
	/* successors */
	for (size_t i = 0; i < v->ndig; i++) {
		struct vdigest *d = &v->dig[i];
		if (d->broken || d->dup || !d->prev_key)
			continue;
		for (size_t j = smap_get(&v->digkey, d->prev_key); j != NONE; j = v->dig[j].next_same) {
			struct vdigest *p = &v->dig[j];
			p->named = true;
			if (p->broken)
				break;
			if (PUSH(p->succ, p->nsucc, p->capsucc, i) < 0)
				return nomem(err);
		}
	}
	/* groups in id order, digests oldest first */
	if (v->ngrp)
		qsort(v->grp, v->ngrp, sizeof(*v->grp), cmp_group);
	smap_free(&v->grpmap);
	for (size_t g = 0; g < v->ngrp; g++) {
		struct vgroup *gr = &v->grp[g];
		qsort_r(gr->d, gr->n, sizeof(size_t), cmp_group_digest, v);
		struct vdigest *prev = NULL; /* the previous regular digest */
		for (size_t k = 0; k < gr->n; k++) {
			struct vdigest *d = &v->dig[gr->d[k]];
			d->group = g;
			if (d->backfill)
				continue;
			if (prev)
				prev->chain_end = !d->prev_key;
			d->chain_end = true;
			prev = d;
		}
	}
	return 0;
}

/* Phase 5a: log maps (by key without .gz, by file name) and scopes. */
static int build_logs(struct ct_verify *v, struct ct_err *err)
{
	for (size_t i = 0; i < v->nlogs; i++) {
		struct vlog *l = &v->logs[i];
		l->scope = scope_of(v, l->org, l->account, l->region);
		if (l->scope == NONE)
			return nomem(err);
		struct vscope *s = &v->scp[l->scope];
		if (l->delivered && (!s->first_log || l->delivered < s->first_log))
			s->first_log = l->delivered;
		size_t h = smap_get(&v->logmkey, l->mkey);
		if (h == NONE) {
			if (smap_put(&v->logmkey, l->mkey, i) < 0)
				return nomem(err);
		} else {
			size_t j = h;
			while (v->logs[j].next_same != NONE)
				j = v->logs[j].next_same;
			v->logs[j].next_same = i;
		}
		h = smap_get(&v->logbase, l->base);
		if (h == NONE) {
			if (smap_put(&v->logbase, l->base, i) < 0)
				return nomem(err);
		} else {
			size_t j = h;
			while (v->logs[j].next_base != NONE)
				j = v->logs[j].next_base;
			v->logs[j].next_base = i;
		}
	}
	return 0;
}

static int64_t key_end_time(const char *key)
{
	struct dname dn;
	return key && parse_digest_name(base_name(key), &dn) ? dn.end : 0;
}

/* Phase 4: the plan of each chain. */
static int plan_groups(struct ct_verify *v, struct ct_err *err)
{
	for (size_t g = 0; g < v->ngrp; g++) {
		struct vgroup *gr = &v->grp[g];
		size_t last = NONE; /* the previous regular digest */
		for (size_t k = 0; k < gr->n; k++) {
			size_t di = gr->d[k];
			struct vdigest *d = &v->dig[di];
			struct vscope *sc = &v->scp[d->scope];
			if (!d->prev_key) {
				if (!d->backfill && last != NONE) {
					struct prow p = {P_GAP, di, v->dig[last].end, d->start, 1, g};
					if (push_plan(v, p) < 0 ||
					    add_ival(&sc->gaps, &sc->ngaps, &sc->capgaps, p.from, p.to, di) < 0)
						return nomem(err);
				}
			} else if (smap_get(&v->missmap, d->prev_key) == NONE) {
				size_t pj = smap_get(&v->digkey, d->prev_key);
				bool absent = pj == NONE;
				bool broken = pj != NONE && v->dig[pj].broken;
				if (absent || broken) {
					struct vmiss m = {d->prev_key, d->prev_object, d->prev_bucket,    di, 0,
							  0,           true,           broken ? pj : NONE};
					m.to = key_end_time(d->prev_key);
					if (!m.to)
						m.to = d->start;
					m.from = m.to - HOUR_MS;
					if (!d->backfill && last != NONE) {
						int64_t le = v->dig[last].end;
						long long extra = llround((double)(m.to - le) / HOUR_MS) - 1;
						if (extra > 0) {
							struct prow r = {P_RANGE, NONE, le, m.from, (uint64_t)extra, g};
							if (push_plan(v, r) < 0 ||
							    add_ival(&sc->holes, &sc->nholes, &sc->capholes, le, m.from,
								     NONE) < 0)
								return nomem(err);
						} else if (le < m.to) {
							m.from = le;
						}
					} else if (last == NONE && !broken) {
						/* the oldest digest of the files given names one
						 * before them: missing only if the files reach back */
						bool wanted = v->since && m.to > v->since;
						bool logs = sc->first_log && sc->first_log + MINUTE_MS <= d->start;
						m.finding = wanted || logs;
					}
					if (PUSH(v->miss, v->nmiss, v->capmiss, m) < 0 ||
					    smap_put(&v->missmap, d->prev_key, v->nmiss - 1) < 0)
						return nomem(err);
					struct prow p = {P_MISSING, v->nmiss - 1, m.from, m.to, 1, g};
					if (push_plan(v, p) < 0 || add_ival(&sc->holes, &sc->nholes, &sc->capholes,
									    m.from, m.to, v->nmiss - 1) < 0)
						return nomem(err);
				}
			}
			struct prow p = {P_DIGEST, di, d->start, d->end, 1, g};
			d->order = v->nplan;
			if (push_plan(v, p) < 0 || add_ival(&sc->cov, &sc->ncov, &sc->capcov, d->start, d->end, di) < 0)
				return nomem(err);
			if (!d->backfill)
				last = di;
		}
	}
	for (size_t s = 0; s < v->nscp; s++) {
		struct vscope *sc = &v->scp[s];
		if (sc->ncov)
			qsort(sc->cov, sc->ncov, sizeof(*sc->cov), cmp_ival);
	}
	return 0;
}

/* Phase 5b: entries to log files. */
static int match_entries(struct ct_verify *v, struct ct_err *err)
{
	for (size_t e = 0; e < v->nent; e++) {
		struct ventry *en = &v->ent[e];
		size_t h = smap_get(&v->logmkey, en->mkey);
		if (h == NONE) {
			h = smap_get(&v->logbase, en->base);
			en->by_base = h != NONE;
		}
		en->head = h;
		for (size_t j = h; j != NONE; j = en->by_base ? v->logs[j].next_base : v->logs[j].next_same) {
			struct vlog *l = &v->logs[j];
			if (PUSH(l->lst, l->nlst, l->caplst, e) < 0)
				return nomem(err);
		}
	}
	return 0;
}

static bool log_in_range(const struct ct_verify *v, const struct vlog *l)
{
	if (l->delivered)
		return in_range(v, l->delivered, l->delivered + MINUTE_MS - 1);
	for (size_t k = 0; k < l->nlst; k++) {
		const struct ventry *en = &v->ent[l->lst[k]];
		if (in_range(v, en->oldest, en->newest))
			return true;
	}
	return l->nlst == 0;
}

/* ---- emission ---- */

struct emit {
	struct ct_verify *v;
	ct_verify_row_fn fn;
	void *ud;
	struct ct_verify_summary *s;
	struct ival *valid;
	size_t nvalid, capvalid;
	bool stopped;
};

static int put(struct emit *e, const struct ct_verify_row *r, bool filter_done)
{
	struct ct_verify *v = e->v;
	if (!filter_done && !in_range(v, r->time_from, r->time_to))
		return 0;
	struct ct_verify_summary *s = e->s;
	if (r->kind == CT_VK_DIGEST) {
		switch (r->status) {
		case CT_VS_VALID: s->digests_valid++; break;
		case CT_VS_CHANGED: s->digests_changed++; break;
		case CT_VS_MISSING: s->digests_missing += r->count; break;
		case CT_VS_SIGNATURE_INVALID: s->digests_signature_invalid++; break;
		case CT_VS_KEY_UNKNOWN: s->digests_key_unknown++; break;
		case CT_VS_NO_SIGNATURE: s->digests_no_signature++; break;
		default: s->digests_unverified++; break;
		}
		if (r->path && r->time_from && (!s->first_ms || r->time_from < s->first_ms))
			s->first_ms = r->time_from;
		if (r->path && r->time_to > s->last_ms)
			s->last_ms = r->time_to;
		if (r->status == CT_VS_VALID &&
		    add_ival(&e->valid, &e->nvalid, &e->capvalid, r->time_from, r->time_to, 0) < 0)
			return -2;
	} else if (r->kind == CT_VK_LOG) {
		switch (r->status) {
		case CT_VS_VALID: s->logs_valid++; break;
		case CT_VS_CHANGED: s->logs_changed++; break;
		case CT_VS_MISSING: s->logs_missing++; break;
		case CT_VS_UNLISTED: s->logs_unlisted++; break;
		default: s->logs_unverified++; break;
		}
	} else {
		s->gaps++;
	}
	if (e->fn && e->fn(e->ud, r) < 0) {
		e->stopped = true;
		return -1;
	}
	return 0;
}

static const char *status_word(enum ct_verify_status s)
{
	switch (s) {
	case CT_VS_CHANGED: return "changed";
	case CT_VS_SIGNATURE_INVALID: return "has an invalid signature";
	case CT_VS_KEY_UNKNOWN: return "signed with an unknown key";
	case CT_VS_NO_SIGNATURE: return "not verified (no signature)";
	default: return "not verified";
	}
}

static int emit_digest(struct emit *e, size_t di)
{
	struct ct_verify *v = e->v;
	struct vdigest *d = &v->dig[di];
	char *extra = NULL;
	if (!d->path_key || strcmp(d->path_key, d->key) != 0)
		extra = strdup("found away from its S3 key");
	set_detail(&d->detail, extra);
	struct ct_verify_row r = {
		.kind = CT_VK_DIGEST,
		.status = d->status,
		.object = d->object,
		.bucket = d->bucket,
		.path = d->path,
		.org = d->org,
		.account = d->account,
		.region = d->region,
		.trail = d->trail,
		.time_from = d->start,
		.time_to = d->end,
		.count = 1,
		.sha256 = d->sha_hex,
		.expected = d->nsucc ? v->dig[d->succ[0]].prev_hash : NULL,
		.digest = d->nsucc ? v->dig[d->succ[0]].object : NULL,
		.detail = d->detail,
	};
	return put(e, &r, false);
}

/* The row of one log file found. */
static int emit_log(struct emit *e, struct vlog *l)
{
	struct ct_verify *v = e->v;
	l->emitted = true;
	if (!log_in_range(v, l))
		return 0;
	char sha[CT_SHA256_HEX] = "";
	if (l->hashed)
		ct_hex(l->sha, sizeof(l->sha), sha);
	/* the deciding entry: a valid digest that disagrees, one that agrees,
	 * an unverified one that disagrees, one that agrees */
	size_t pick[4] = {NONE, NONE, NONE, NONE};
	size_t first = NONE;
	bool unsupported = false;
	for (size_t k = 0; k < l->nlst; k++) {
		size_t ei = l->lst[k];
		struct ventry *en = &v->ent[ei];
		struct vdigest *d = &v->dig[en->digest];
		if (first == NONE || d->order < v->dig[v->ent[first].digest].order)
			first = ei;
		if (!en->hash_ok) {
			unsupported = true;
			continue;
		}
		bool match = l->hashed && strcmp(en->hash, sha) == 0;
		int slot = (d->status == CT_VS_VALID ? 0 : 2) + (match ? 1 : 0);
		if (pick[slot] == NONE || d->order < v->dig[v->ent[pick[slot]].digest].order)
			pick[slot] = ei;
	}
	size_t ei = first;
	enum ct_verify_status st = CT_VS_UNVERIFIED;
	char *detail = NULL;
	if (l->hash_rc == CT_DIGEST_EIO) {
		detail = xasprintf("%s", l->err ? l->err : "cannot be read");
	} else if (l->hash_rc == CT_DIGEST_EDATA) {
		st = CT_VS_CHANGED;
		detail = xasprintf("%s", l->err ? l->err : "cannot be inflated");
	} else if (pick[0] != NONE) {
		st = CT_VS_CHANGED;
		ei = pick[0];
		detail = strdup("SHA-256 differs from the digest");
	} else if (pick[1] != NONE) {
		st = CT_VS_VALID;
		ei = pick[1];
	} else if (pick[2] != NONE) {
		st = CT_VS_CHANGED;
		ei = pick[2];
		detail = xasprintf("SHA-256 differs from the digest, which is %s",
				   status_word(v->dig[v->ent[ei].digest].status));
	} else if (pick[3] != NONE) {
		ei = pick[3];
		detail = xasprintf("listed in a digest that is %s", status_word(v->dig[v->ent[ei].digest].status));
	} else if (unsupported) {
		detail = strdup("the digest gives no SHA-256 for it");
	}
	struct ventry *en = &v->ent[ei];
	struct vdigest *d = &v->dig[en->digest];
	if (en->by_base && !detail)
		detail = strdup("matched by file name: not at its S3 key");
	struct ct_verify_row r = {
		.kind = CT_VK_LOG,
		.status = st,
		.object = en->object,
		.bucket = en->bucket,
		.path = l->path,
		.org = l->org,
		.account = l->account,
		.region = l->region,
		.trail = d->trail,
		.time_from = en->oldest ? en->oldest : l->delivered,
		.time_to = en->newest ? en->newest : l->delivered,
		.count = 1,
		.sha256 = l->hashed ? sha : NULL,
		.expected = en->hash_ok ? en->hash : NULL,
		.digest = d->object,
		.detail = detail,
	};
	int rc = put(e, &r, true);
	free(detail);
	return rc;
}

static int emit_entries(struct emit *e, size_t di, struct smap *reported)
{
	struct ct_verify *v = e->v;
	struct vdigest *d = &v->dig[di];
	for (size_t k = 0; k < d->nent; k++) {
		size_t ei = d->ent0 + k;
		struct ventry *en = &v->ent[ei];
		if (en->head == NONE) {
			if (smap_get(reported, en->mkey) != NONE)
				continue;
			if (smap_put(reported, en->mkey, ei) < 0)
				return -2;
			char *detail = d->status == CT_VS_VALID
					       ? NULL
					       : xasprintf("listed in a digest that is %s", status_word(d->status));
			struct ct_verify_row r = {
				.kind = CT_VK_LOG,
				.status = CT_VS_MISSING,
				.object = en->object,
				.bucket = en->bucket,
				.org = d->org,
				.account = d->account,
				.region = d->region,
				.trail = d->trail,
				.time_from = en->oldest,
				.time_to = en->newest,
				.count = 1,
				.expected = en->hash_ok ? en->hash : NULL,
				.digest = d->object,
				.detail = detail,
			};
			struct lname ln;
			if (parse_log_name(en->base, &ln)) {
				/* the delivery minute decides the range, as for files found */
				if (!in_range(v, ln.delivered, ln.delivered + MINUTE_MS - 1)) {
					free(detail);
					continue;
				}
			} else if (!in_range(v, r.time_from, r.time_to)) {
				free(detail);
				continue;
			}
			int rc = put(e, &r, true);
			free(detail);
			if (rc < 0)
				return rc;
			continue;
		}
		for (size_t j = en->head; j != NONE; j = en->by_base ? v->logs[j].next_base : v->logs[j].next_same) {
			if (v->logs[j].emitted)
				continue;
			int rc = emit_log(e, &v->logs[j]);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static const struct ival *find_ival(const struct ival *a, size_t n, int64_t from, int64_t to)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].from < to && from < a[i].to)
			return &a[i];
	return NULL;
}

/* Whether [from, to) lies inside the union of the (sorted) windows. */
static const struct ival *covered(const struct ival *a, size_t n, int64_t from, int64_t to)
{
	const struct ival *hit = NULL;
	int64_t at = from;
	for (size_t i = 0; i < n && at < to; i++) {
		if (a[i].to <= at)
			continue;
		if (a[i].from > at)
			return NULL;
		if (!hit)
			hit = &a[i];
		at = a[i].to;
	}
	return at >= to ? hit : NULL;
}

static int emit_unlisted(struct emit *e, struct vlog *l)
{
	struct ct_verify *v = e->v;
	l->emitted = true;
	if (!log_in_range(v, l))
		return 0;
	struct vscope *sc = &v->scp[l->scope];
	enum ct_verify_status st = CT_VS_UNVERIFIED;
	char *detail = NULL;
	const char *digest = NULL;
	int64_t from = l->delivered, to = l->delivered + MINUTE_MS;
	const struct ival *h, *c;
	if (l->insight) {
		detail = strdup("insights log file listed in no digest");
	} else if (!l->delivered) {
		detail = strdup("delivery time unknown");
	} else if ((h = find_ival(sc->holes, sc->nholes, from, to))) {
		if (h->ref != NONE) {
			digest = v->miss[h->ref].object;
			detail = strdup("in the window of a missing digest");
		} else {
			detail = strdup("in a range of missing digests");
		}
	} else if ((c = covered(sc->cov, sc->ncov, from, to))) {
		st = CT_VS_UNLISTED;
		digest = v->dig[c->ref].object;
		detail = strdup("delivered inside the window of a digest, listed in none");
	} else if (find_ival(sc->gaps, sc->ngaps, from, to)) {
		detail = strdup("delivered in a gap between digest chains");
	} else if (sc->ncov) {
		detail = strdup("delivered outside every digest window");
	} else {
		detail = strdup("no digest for its account and region");
	}
	char sha[CT_SHA256_HEX];
	if (l->hashed)
		ct_hex(l->sha, sizeof(l->sha), sha);
	struct ct_verify_row r = {
		.kind = CT_VK_LOG,
		.status = st,
		.object = l->key,
		.path = l->path,
		.org = l->org,
		.account = l->account,
		.region = l->region,
		.time_from = l->delivered,
		.time_to = l->delivered,
		.count = 1,
		.sha256 = l->hashed ? sha : NULL,
		.digest = digest,
		.detail = detail,
	};
	int rc = put(e, &r, true);
	free(detail);
	return rc;
}

static int emit_plan(struct emit *e)
{
	struct ct_verify *v = e->v;
	struct smap reported = {0};
	int rc = 0;
	char a[32], b[32];
	for (size_t pi = 0; pi < v->nplan && rc == 0; pi++) {
		struct prow *p = &v->plan[pi];
		const struct vdigest *gd = p->i != NONE && p->k != P_MISSING ? &v->dig[p->i] : NULL;
		if (p->k == P_DIGEST) {
			rc = emit_digest(e, p->i);
			if (rc == 0)
				rc = emit_entries(e, p->i, &reported);
		} else if (p->k == P_GAP) {
			iso(p->from, a);
			iso(p->to, b);
			char *detail = xasprintf("no digest from %s to %s: the chain ends and a new "
						 "one starts",
						 a, b);
			struct ct_verify_row r = {
				.kind = CT_VK_GAP,
				.status = CT_VS_GAP,
				.object = gd->object,
				.bucket = gd->bucket,
				.org = gd->org,
				.account = gd->account,
				.region = gd->region,
				.trail = gd->trail,
				.time_from = p->from,
				.time_to = p->to,
				.count = 1,
				.detail = detail,
			};
			rc = put(e, &r, false);
			free(detail);
		} else if (p->k == P_RANGE) {
			/* the group's digests share org, account, region, trail */
			const struct vdigest *any = &v->dig[v->grp[p->group].d[0]];
			iso(p->from, a);
			iso(p->to, b);
			char *detail = xasprintf("%llu digest%s missing between %s and %s",
						 (unsigned long long)p->count, p->count == 1 ? "" : "s", a, b);
			struct ct_verify_row r = {
				.kind = CT_VK_DIGEST,
				.status = CT_VS_MISSING,
				.org = any->org,
				.account = any->account,
				.region = any->region,
				.trail = any->trail,
				.time_from = p->from,
				.time_to = p->to,
				.count = p->count,
				.detail = detail,
			};
			rc = put(e, &r, false);
			free(detail);
		} else {
			struct vmiss *m = &v->miss[p->i];
			const struct vdigest *by = &v->dig[m->named_by];
			const struct vdigest *bd = m->broken != NONE ? &v->dig[m->broken] : NULL;
			char *detail;
			enum ct_verify_status st = CT_VS_MISSING;
			if (bd) {
				/* corrupt content is a change; a read error is not */
				st = bd->data_err ? CT_VS_CHANGED : CT_VS_UNVERIFIED;
				detail = xasprintf("cannot be read: %s", bd->err ? bd->err : "?");
			} else if (!m->finding) {
				st = CT_VS_UNVERIFIED;
				detail = strdup("named as previous by the oldest digest given; older "
						"files were not given");
			} else {
				detail = strdup("named as previous digest, not found");
			}
			struct ct_verify_row r = {
				.kind = CT_VK_DIGEST,
				.status = st,
				.object = m->object,
				.bucket = m->bucket,
				.path = bd ? bd->path : NULL,
				.org = by->org,
				.account = by->account,
				.region = by->region,
				.trail = by->trail,
				.time_from = m->from,
				.time_to = m->to,
				.count = 1,
				.expected = by->prev_hash,
				.digest = by->object,
				.detail = detail,
			};
			rc = put(e, &r, false);
			free(detail);
		}
	}
	smap_free(&reported);
	if (rc < 0)
		return rc;
	/* digest files that could not be read and that no digest names */
	for (size_t i = 0; i < v->ndig && rc == 0; i++) {
		struct vdigest *d = &v->dig[i];
		if (!d->broken || (d->path_key && smap_get(&v->missmap, d->path_key) != NONE))
			continue;
		struct ct_verify_row r = {
			.kind = CT_VK_DIGEST,
			.status = CT_VS_UNVERIFIED,
			.object = d->path_key,
			.path = d->path,
			.count = 1,
			.detail = d->err,
		};
		rc = put(e, &r, true);
	}
	if (rc < 0)
		return rc;
	/* log files no digest lists, in key order */
	size_t *order = malloc((v->nlogs ? v->nlogs : 1) * sizeof(*order));
	if (!order)
		return -2;
	size_t n = 0;
	for (size_t i = 0; i < v->nlogs; i++)
		if (!v->logs[i].emitted && !v->logs[i].nlst)
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_log_key, v);
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = emit_unlisted(e, &v->logs[order[k]]);
	free(order);
	return rc;
}

static int64_t union_len(struct ival *a, size_t n)
{
	if (!n)
		return 0;
	qsort(a, n, sizeof(*a), cmp_ival);
	int64_t total = 0, from = a[0].from, to = a[0].to;
	for (size_t i = 1; i < n; i++) {
		if (a[i].from > to) {
			total += to - from;
			from = a[i].from;
			to = a[i].to;
		} else if (a[i].to > to) {
			to = a[i].to;
		}
	}
	return total + (to - from);
}

int ct_verify_run(struct ct_verify *v, int64_t since_ms, int64_t until_ms, ct_verify_row_fn row, void *ud,
		  struct ct_verify_summary *ret, struct ct_err *err)
{
	if (v->ran)
		return ct_err_set(err, CT_E_USAGE, NULL, 0, "verification already ran");
	v->ran = true;
	v->since = since_ms;
	v->until = until_ms;
	struct ct_verify_summary sum = {0};
	int rc = -1;
	size_t *items = malloc((CT_MAX(v->ndig, v->nlogs) + 1) * sizeof(*items));
	v->lists = calloc(v->ndig + 1, sizeof(struct entlist));
	struct emit em = {.v = v, .fn = row, .ud = ud, .s = &sum};
	if (!items || !v->lists) {
		nomem(err);
		goto out;
	}
	/* 1 */
	for (size_t i = 0; i < v->ndig; i++)
		items[i] = i;
	if (run_jobs(v, items, v->ndig, job_load, err) < 0)
		goto out;
	/* 2 */
	if (build_digests(v, v->lists, err) < 0 || build_logs(v, err) < 0)
		goto out;
	/* 3 */
	size_t n = 0;
	for (size_t i = 0; i < v->ndig; i++)
		if (!v->dig[i].broken && !v->dig[i].dup)
			items[n++] = i;
	if (run_jobs(v, items, n, job_verify, err) < 0)
		goto out;
	/* 4, 5 */
	if (plan_groups(v, err) < 0 || match_entries(v, err) < 0)
		goto out;
	n = 0;
	for (size_t i = 0; i < v->nlogs; i++) {
		struct vlog *l = &v->logs[i];
		if (l->nlst && !l->known && l->path && log_in_range(v, l))
			items[n++] = i;
	}
	if (run_jobs(v, items, n, job_hash, err) < 0)
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct vlog *l = &v->logs[items[k]];
		if (l->hash_rc < 0) {
			diag(v, CT_DIAG_ERROR, l->path, "%s", l->err ? l->err : "cannot be read");
			v->inputs_failed++;
		} else {
			sum.files_hashed++;
			sum.bytes_hashed += l->bytes;
		}
	}
	/* 6 */
	int er = emit_plan(&em);
	if (er == -1) {
		ct_err_set(err, CT_E_SYSTEM, NULL, 0, "stopped by the row callback");
		goto out;
	}
	if (er < 0) {
		nomem(err);
		goto out;
	}
	sum.valid_ms = union_len(em.valid, em.nvalid);
	sum.inputs_failed = v->inputs_failed;
	if (ret)
		*ret = sum;
	rc = 0;
out:
	if (v->lists) {
		for (size_t i = 0; i < v->ndig; i++) {
			for (size_t k = 0; k < v->lists[i].n; k++) {
				free(v->lists[i].e[k].bucket);
				free(v->lists[i].e[k].object);
				free(v->lists[i].e[k].mkey);
			}
			free(v->lists[i].e);
		}
		free(v->lists);
		v->lists = NULL;
	}
	free(em.valid);
	free(items);
	return rc;
}
