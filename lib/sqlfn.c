/* sqlfn.c - ctscan's SQL functions: regexp, cidr_match, ip_is_private,
 * ip_version, ts_iso, ts_ms.  See sqlfn.h and ctscan.h. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "sqlfn.h"

#include <arpa/inet.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#ifndef SQLITE_INNOCUOUS
#define SQLITE_INNOCUOUS 0
#endif

/* ---- addresses ---- */

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Strict dotted quad: four octets 0..255, no leading zeros, nothing else. */
static int parse_v4(const char *s, size_t len, unsigned char out[4])
{
	size_t i = 0;
	for (int k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		size_t nd = i - start;
		if (nd == 0 || v > 255 || (nd > 1 && s[start] == '0'))
			return -1;
		out[k] = (unsigned char)v;
	}
	return i == len ? 0 : -1;
}

int ct_ip_parse(const char *s, size_t len, unsigned char ret_addr[16], int *ret_family)
{
	if (len < 2 || len > 45) /* "::" .. "ffff:...:255.255.255.255" */
		return -1;
	if (memchr(s, ':', len) == NULL) {
		unsigned char v4[4];
		if (len < 7 || parse_v4(s, len, v4) < 0)
			return -1;
		memcpy(ret_addr, v4mapped, 12);
		memcpy(ret_addr + 12, v4, 4);
		*ret_family = CT_IP_V4;
		return 0;
	}
	char tmp[46];
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		/* inet_pton takes only these; checking here also rules out NULs */
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
		      c == '.'))
			return -1;
		tmp[i] = c;
	}
	tmp[len] = 0;
	unsigned char a[16];
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return -1;
	memcpy(ret_addr, a, 16);
	*ret_family = CT_IP_V6;
	return 0;
}

static void mask_bits(unsigned char a[16], int bits)
{
	for (int i = 0; i < 16; i++) {
		int keep = bits - i * 8;
		if (keep >= 8)
			continue;
		a[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char m = (unsigned char)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

int ct_cidr_parse(const char *s, struct ct_cidr *ret)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct ct_cidr c;
	if (ct_ip_parse(s, alen, c.addr, &c.family) < 0)
		return -1;
	int max = c.family == CT_IP_V4 ? 32 : 128;
	c.prefix = max;
	if (slash) {
		const char *p = slash + 1;
		int v = 0, nd = 0;
		for (; *p >= '0' && *p <= '9' && nd < 3; p++, nd++)
			v = v * 10 + (*p - '0');
		if (nd == 0 || *p != 0 || v > max)
			return -1;
		c.prefix = v;
	}
	if (c.family == CT_IP_V6 && c.prefix >= 96 && memcmp(c.addr, v4mapped, 12) == 0) {
		c.family = CT_IP_V4;
		c.prefix -= 96;
	}
	mask_bits(c.addr, c.family == CT_IP_V4 ? 96 + c.prefix : c.prefix);
	*ret = c;
	return 0;
}

bool ct_cidr_contains(const struct ct_cidr *c, const unsigned char addr[16], int family)
{
	if (c->family == CT_IP_V4) {
		/* a dotted quad and ::ffff:a.b.c.d have the same 16 bytes */
		if (memcmp(addr, v4mapped, 12) != 0)
			return false;
		return prefix_equal(c->addr + 12, addr + 12, c->prefix);
	}
	if (family != CT_IP_V6)
		return false;
	return prefix_equal(c->addr, addr, c->prefix);
}

bool ct_ip_is_private(const unsigned char addr[16], int family)
{
	(void)family;
	if (memcmp(addr, v4mapped, 12) == 0) {
		const unsigned char *a = addr + 12;
		return a[0] == 10 ||                           /* 10/8 */
		       (a[0] == 172 && (a[1] & 0xf0) == 16) || /* 172.16/12 */
		       (a[0] == 192 && a[1] == 168) ||         /* 192.168/16 */
		       a[0] == 127 ||                          /* loopback */
		       (a[0] == 169 && a[1] == 254) ||         /* link-local */
		       (a[0] == 100 && (a[1] & 0xc0) == 64);   /* CGNAT 100.64/10 */
	}
	static const unsigned char loop6[16] = {[15] = 1};
	return memcmp(addr, loop6, 16) == 0 ||                  /* ::1 */
	       (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80) || /* fe80::/10 */
	       (addr[0] & 0xfe) == 0xfc;                        /* fc00::/7 */
}

/* The address in an SQL value, or -1 when it is NULL or not an address. */
static int value_ip(sqlite3_value *v, unsigned char addr[16], int *family)
{
	int t = sqlite3_value_type(v);
	if (t != SQLITE_TEXT && t != SQLITE_BLOB)
		return -1;
	const char *s = t == SQLITE_TEXT ? (const char *)sqlite3_value_text(v) : (const char *)sqlite3_value_blob(v);
	int n = sqlite3_value_bytes(v);
	if (!s || n <= 0)
		return -1;
	return ct_ip_parse(s, (size_t)n, addr, family);
}

static void fn_cidr_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct ct_cidr *c = sqlite3_get_auxdata(ctx, 1);
	bool fresh = false;
	if (!c) {
		if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
			return; /* NULL */
		const char *s = (const char *)sqlite3_value_text(argv[1]);
		if (!s) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		c = sqlite3_malloc(sizeof(*c));
		if (!c) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if ((size_t)sqlite3_value_bytes(argv[1]) != strlen(s) || ct_cidr_parse(s, c) < 0) {
			char *m = sqlite3_mprintf("invalid CIDR '%s'", s);
			sqlite3_result_error(ctx, m ? m : "invalid CIDR", -1);
			sqlite3_free(m);
			sqlite3_free(c);
			return;
		}
		fresh = true;
	}
	unsigned char a[16];
	int fam;
	if (value_ip(argv[0], a, &fam) == 0)
		sqlite3_result_int(ctx, ct_cidr_contains(c, a, fam));
	if (fresh)
		sqlite3_set_auxdata(ctx, 1, c, sqlite3_free);
}

static void fn_ip_is_private(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	unsigned char a[16];
	int fam;
	if (value_ip(argv[0], a, &fam) == 0)
		sqlite3_result_int(ctx, ct_ip_is_private(a, fam));
}

static void fn_ip_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	unsigned char a[16];
	int fam;
	if (value_ip(argv[0], a, &fam) == 0)
		sqlite3_result_int(ctx, fam);
}

/* ---- time ---- */

/* 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z, what ISO-8601's
 * four-digit years (and ts_ms) cover. */
#define TS_MIN (-62167219200000LL)
#define TS_MAX 253402300799999LL

static void fn_ts_iso(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int64_t ms;
	switch (sqlite3_value_numeric_type(argv[0])) {
	case SQLITE_INTEGER: ms = sqlite3_value_int64(argv[0]); break;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(argv[0]);
		if (!(d >= (double)TS_MIN && d <= (double)TS_MAX))
			return;
		ms = (int64_t)d;
		break;
	}
	default: return; /* NULL, or text that is not a number */
	}
	if (ms < TS_MIN || ms > TS_MAX)
		return;
	char buf[32];
	ct_time_format(ms, buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void fn_ts_ms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT)
		return;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	int64_t ms;
	if (s && ct_time_parse_iso(s, (size_t)n, &ms) == 0)
		sqlite3_result_int64(ctx, ms);
}

/* ---- regexp ----
 * A compiled pattern is shared, counted, between the statement's auxdata
 * (kept while the pattern argument is a constant) and a small per-connection
 * LRU cache (for patterns that vary from row to row, e.g. from a join). */

#define RE_CACHE_SIZE 16
#define RE_MAX_PATTERN 65536

struct re {
	unsigned refs;
	uint64_t hash, used;
	char *pat;
	size_t patlen;
	pcre2_code *code;
	pcre2_match_data *md;
};

struct re_cache {
	struct re *slot[RE_CACHE_SIZE];
	uint64_t clock;
};

static void re_unref(void *p)
{
	struct re *re = p;
	if (!re || --re->refs > 0)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re->pat);
	free(re);
}

static void re_cache_free(void *p)
{
	struct re_cache *rc = p;
	if (!rc)
		return;
	for (int i = 0; i < RE_CACHE_SIZE; i++)
		re_unref(rc->slot[i]);
	free(rc);
}

/* Returns a new reference to the compiled pattern, or NULL after setting the
 * function's error. */
static struct re *re_get(sqlite3_context *ctx, struct re_cache *rc, const char *pat, size_t len)
{
	uint64_t h = ct_hash64(pat, len, 0x7265);
	int victim = 0;
	for (int i = 0; i < RE_CACHE_SIZE; i++) {
		struct re *r = rc->slot[i];
		if (!r) {
			victim = i;
			break;
		}
		if (r->hash == h && r->patlen == len && memcmp(r->pat, pat, len) == 0) {
			r->used = ++rc->clock;
			r->refs++;
			return r;
		}
		if (rc->slot[victim] && r->used < rc->slot[victim]->used)
			victim = i;
	}
	if (len > RE_MAX_PATTERN) {
		sqlite3_result_error(ctx, "regular expression too long", -1);
		return NULL;
	}

	uint32_t opts = PCRE2_UTF;
#ifdef PCRE2_MATCH_INVALID_UTF
	opts |= PCRE2_MATCH_INVALID_UTF; /* log text is not always valid UTF-8 */
#endif
	int ecode;
	PCRE2_SIZE eoff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &ecode, &eoff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(ecode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", ecode);
		char *m = sqlite3_mprintf("invalid regular expression '%.*s': %s at offset %llu", (int)len, pat,
					  (const char *)msg, (unsigned long long)eoff);
		if (m)
			sqlite3_result_error(ctx, m, -1);
		else
			sqlite3_result_error_nomem(ctx);
		sqlite3_free(m);
		return NULL;
	}
	/* The interpreter when JIT is unavailable, or when CTSCAN_NO_JIT is set:
	 * JIT code reads ahead of the subject with wide loads (safe, within a
	 * page) that valgrind's memcheck reports as invalid reads. */
	const char *nojit = getenv("CTSCAN_NO_JIT");
	if (!nojit || !nojit[0])
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

	struct re *re = calloc(1, sizeof(*re));
	if (re) {
		re->pat = ct_strndup(pat, len);
		re->md = pcre2_match_data_create(1, NULL);
	}
	if (!re || !re->pat || !re->md) {
		if (re) {
			free(re->pat);
			pcre2_match_data_free(re->md);
			free(re);
		}
		pcre2_code_free(code);
		sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	re->code = code;
	re->patlen = len;
	re->hash = h;
	re->used = ++rc->clock;
	re->refs = 2; /* the cache's and the caller's */
	re_unref(rc->slot[victim]);
	rc->slot[victim] = re;
	return re;
}

static void fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct re *re = sqlite3_get_auxdata(ctx, 0);
	bool owned = false;
	if (!re) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			return;
		const char *pat = (const char *)sqlite3_value_text(argv[0]);
		if (!pat) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		re = re_get(ctx, sqlite3_user_data(ctx), pat, (size_t)sqlite3_value_bytes(argv[0]));
		if (!re)
			return;
		owned = true;
	}
	if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		const char *s = (const char *)sqlite3_value_text(argv[1]);
		size_t n = (size_t)sqlite3_value_bytes(argv[1]);
		if (!s) {
			sqlite3_result_error_nomem(ctx);
		} else {
			PCRE2_SPTR subj = (PCRE2_SPTR)s;
			int r = pcre2_match(re->code, subj, n, 0, 0, re->md, NULL);
			if (r == PCRE2_ERROR_JIT_STACKLIMIT) /* deep pattern: the interpreter */
				r = pcre2_match(re->code, subj, n, 0, PCRE2_NO_JIT, re->md, NULL);
#ifndef PCRE2_MATCH_INVALID_UTF
			if (r <= PCRE2_ERROR_UTF8_ERR1 && r >= PCRE2_ERROR_UTF8_ERR21)
				r = PCRE2_ERROR_NOMATCH; /* old PCRE2: invalid UTF-8 never matches */
#endif
			if (r >= 0) {
				sqlite3_result_int(ctx, 1);
			} else if (r == PCRE2_ERROR_NOMATCH) {
				sqlite3_result_int(ctx, 0);
			} else {
				PCRE2_UCHAR msg[256];
				if (pcre2_get_error_message(r, msg, sizeof(msg)) < 0)
					snprintf((char *)msg, sizeof(msg), "error %d", r);
				char *m = sqlite3_mprintf("regular expression '%s': %s", re->pat, (const char *)msg);
				if (m)
					sqlite3_result_error(ctx, m, -1);
				else
					sqlite3_result_error_nomem(ctx);
				sqlite3_free(m);
			}
		}
	}
	/* After the match: SQLite may free what it cannot keep right away. */
	if (owned)
		sqlite3_set_auxdata(ctx, 0, re, re_unref);
}

/* ---- registration ---- */

int ct_sqlfn_register(sqlite3 *db, struct ct_err *err)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{"cidr_match", 2, fn_cidr_match}, {"ip_is_private", 1, fn_ip_is_private},
		{"ip_version", 1, fn_ip_version}, {"ts_iso", 1, fn_ts_iso},
		{"ts_ms", 1, fn_ts_ms},
	};
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	for (size_t i = 0; i < CT_ARRAY_SIZE(fns); i++) {
		if (sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, flags, NULL, fns[i].fn, NULL, NULL,
					       NULL) != SQLITE_OK)
			return ct_err_set(err, CT_E_SYSTEM, sqlite3_db_filename(db, "main"), 0,
					  "cannot register SQL function '%s': %s", fns[i].name, sqlite3_errmsg(db));
	}
	struct re_cache *rc = calloc(1, sizeof(*rc));
	if (!rc)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	/* On failure sqlite3_create_function_v2 calls the destructor itself. */
	if (sqlite3_create_function_v2(db, "regexp", 2, flags, rc, fn_regexp, NULL, NULL, re_cache_free) != SQLITE_OK)
		return ct_err_set(err, CT_E_SYSTEM, sqlite3_db_filename(db, "main"), 0,
				  "cannot register SQL function 'regexp': %s", sqlite3_errmsg(db));
	return 0;
}
