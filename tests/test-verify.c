/* test-verify.c - CloudTrail integrity validation over the fixtures.
 *
 *   test-verify [TESTDATA_INTEGRITY_DIR]
 *
 * The directory defaults to $CT_INTEGRITY_DIR, else testdata/integrity or
 * ../testdata/integrity.  The fixtures are written by
 * tests/gen-digest-fixtures.c; what each case must give is written here by
 * hand.  With CT_VERIFY_DUMP=1 set, the rows of each run are printed.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "digest.h"
#include "util.h"
#include "verify.h"

static const char *dir;
static bool dump;

#define MAX_ROWS 64

struct got {
	char rows[MAX_ROWS][256];
	char paths[MAX_ROWS][512];
	char details[MAX_ROWS][512];
	uint64_t counts[MAX_ROWS];
	int n;
	int diags;
};

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

static int on_row(void *ud, const struct ct_verify_row *r)
{
	struct got *g = ud;
	if (dump) {
		char a[32] = "", b[32] = "";
		if (r->time_from)
			ct_time_format(r->time_from, a);
		if (r->time_to)
			ct_time_format(r->time_to, b);
		printf("  %s %s %s\n      path=%s trail=%s %s..%s count=%llu\n      detail=%s\n",
		       ct_verify_kind_name(r->kind), ct_verify_status_name(r->status), r->object ? r->object : "(null)",
		       r->path ? r->path : "(null)", r->trail ? r->trail : "(null)", a, b, (unsigned long long)r->count,
		       r->detail ? r->detail : "(null)");
	}
	if (g->n >= MAX_ROWS)
		return 0;
	snprintf(g->rows[g->n], sizeof(g->rows[0]), "%s %s %s", ct_verify_kind_name(r->kind),
		 ct_verify_status_name(r->status), r->object ? base(r->object) : "-");
	snprintf(g->paths[g->n], sizeof(g->paths[0]), "%s", r->path ? r->path : "");
	snprintf(g->details[g->n], sizeof(g->details[0]), "%s", r->detail ? r->detail : "");
	g->counts[g->n] = r->count;
	g->n++;
	return 0;
}

static void on_diag(void *ud, const struct ct_diag *d)
{
	struct got *g = ud;
	g->diags++;
	if (dump)
		printf("  diag: %s: %s\n", d->file, d->msg);
}

/* Runs the library over one case: keys.json, and signatures.json when
 * `sigs`.  Returns the exit status the summary gives. */
static int run(const char *name, bool sigs, struct got *g, struct ct_verify_summary *s)
{
	char path[1024];
	struct ct_err err = {0};
	struct ct_verify *v = NULL;
	memset(g, 0, sizeof(*g));
	memset(s, 0, sizeof(*s));
	struct ct_verify_opts o = {.jobs = 2, .diag = on_diag, .ud = g};
	if (dump)
		printf("%s%s:\n", name, sigs ? " (with signatures)" : "");
	CHECK(ct_verify_new(&o, &v, &err) == 0);
	snprintf(path, sizeof(path), "%s/%s/keys.json", dir, name);
	CHECK(ct_verify_add_keys(v, path, &err) == 0);
	if (sigs) {
		snprintf(path, sizeof(path), "%s/%s/signatures.json", dir, name);
		CHECK(ct_verify_add_signatures(v, path, &err) == 0);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(ct_verify_add_path(v, path, &err) == 0);
	int rc = ct_verify_run(v, 0, 0, on_row, g, s, &err);
	CHECK_INT(rc, 0);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", name, err.msg);
	ct_verify_free(v);
	return ct_verify_exit(s);
}

/* Expected rows: "kind status file-name-of-object" ("-" for none). */
#define DG(st, hh) "digest " st " 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T" hh "0131Z.json.gz"
#define LG(st, hhmm, h, k)                                                                                             \
	"log " st " 111122223333_CloudTrail_us-east-1_20240301T" hhmm "Z_FxH" h "L" k "abcdefghi.json.gz"

static void expect_rows(const char *what, const struct got *g, const char *const *exp)
{
	int n = 0;
	while (exp[n])
		n++;
	check_count++;
	bool same = g->n == n;
	for (int i = 0; same && i < n; i++)
		same = strcmp(g->rows[i], exp[i]) == 0;
	if (same)
		return;
	check_failures++;
	fprintf(stderr, "%s: rows differ\n  got:\n", what);
	for (int i = 0; i < g->n; i++)
		fprintf(stderr, "    %s\n", g->rows[i]);
	fprintf(stderr, "  expected:\n");
	for (int i = 0; i < n; i++)
		fprintf(stderr, "    %s\n", exp[i]);
}

/* "d v/c/m/s/k/n/u l v/c/m/u/x g f" */
static void expect_sum(const char *what, const struct ct_verify_summary *s, const char *exp)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "d %llu/%llu/%llu/%llu/%llu/%llu/%llu l %llu/%llu/%llu/%llu/%llu g %llu f %llu",
		 (unsigned long long)s->digests_valid, (unsigned long long)s->digests_changed,
		 (unsigned long long)s->digests_missing, (unsigned long long)s->digests_signature_invalid,
		 (unsigned long long)s->digests_key_unknown, (unsigned long long)s->digests_no_signature,
		 (unsigned long long)s->digests_unverified, (unsigned long long)s->logs_valid,
		 (unsigned long long)s->logs_changed, (unsigned long long)s->logs_missing,
		 (unsigned long long)s->logs_unlisted, (unsigned long long)s->logs_unverified,
		 (unsigned long long)s->gaps, (unsigned long long)s->inputs_failed);
	check_count++;
	if (strcmp(buf, exp) != 0) {
		check_failures++;
		fprintf(stderr, "%s: summary \"%s\", expected \"%s\"\n", what, buf, exp);
	}
}

static void check_case(const char *name, bool sigs, const char *const *rows, const char *sum, int exit_status)
{
	struct got g;
	struct ct_verify_summary s;
	char what[128];
	snprintf(what, sizeof(what), "%s%s", name, sigs ? " (signatures)" : "");
	int rc = run(name, sigs, &g, &s);
	expect_rows(what, &g, rows);
	expect_sum(what, &s, sum);
	CHECK_INT(rc, exit_status);
	CHECK_INT(g.diags, 0);
}

static void fixtures(void)
{
	/* four hours, key A then B: the newest digest needs its signature */
	static const char *const rotation[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		LG("valid", "0025", "00", "1"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		LG("valid", "0225", "02", "1"),
		DG("no_signature", "04"),
		LG("unverified", "0305", "03", "0"),
		NULL,
	};
	check_case("valid-rotation", false, rotation, "d 3/0/0/0/0/1/0 l 5/0/0/0/1 g 0 f 0", 0);
	static const char *const rotation_sigs[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		LG("valid", "0025", "00", "1"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		LG("valid", "0225", "02", "1"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		NULL,
	};
	check_case("valid-rotation", true, rotation_sigs, "d 4/0/0/0/0/0/0 l 6/0/0/0/0 g 0 f 0", 0);

	/* a chain ends after hour 1, a new one starts at hour 5; the log file
	 * of hour 3 is in no digest */
	static const char *const gap[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("no_signature", "02"),
		LG("unverified", "0105", "01", "0"),
		"gap gap 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T060131Z.json.gz",
		DG("valid", "06"),
		LG("valid", "0505", "05", "0"),
		DG("no_signature", "07"),
		LG("unverified", "0605", "06", "0"),
		"log unverified 111122223333_CloudTrail_us-east-1_20240301T0306Z_FxGAPh03abcdefgh.json.gz",
		NULL,
	};
	check_case("gap", false, gap, "d 2/0/0/0/0/2/0 l 2/0/0/0/3 g 1 f 0", 0);
	static const char *const gap_sigs[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		"gap gap 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T060131Z.json.gz",
		DG("valid", "06"),
		LG("valid", "0505", "05", "0"),
		DG("valid", "07"),
		LG("valid", "0605", "06", "0"),
		"log unverified 111122223333_CloudTrail_us-east-1_20240301T0306Z_FxGAPh03abcdefgh.json.gz",
		NULL,
	};
	check_case("gap", true, gap_sigs, "d 4/0/0/0/0/0/0 l 4/0/0/0/1 g 1 f 0", 0);

	static const char *const empty[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"), /* no log files in hour 1: still a link */
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("empty-hour", true, empty, "d 3/0/0/0/0/0/0 l 2/0/0/0/0 g 0 f 0", 0);

	/* hour 0's second log recompressed, hour 1's gunzipped: both valid */
	static const char *const recompressed[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		LG("valid", "0025", "00", "1"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("recompressed", true, recompressed, "d 3/0/0/0/0/0/0 l 4/0/0/0/0 g 0 f 0", 0);

	static const char *const changed[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		LG("changed", "0125", "01", "1"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("changed-log", true, changed, "d 3/0/0/0/0/0/0 l 3/1/0/0/0 g 0 f 0", 1);

	static const char *const deleted_log[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("missing", "0105", "01", "0"),
		LG("valid", "0125", "01", "1"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("deleted-log", true, deleted_log, "d 3/0/0/0/0/0/0 l 3/0/1/0/0 g 0 f 0", 1);

	/* hour 1's digest deleted: named by the next one; without signatures
	 * hour 0's digest cannot be checked either (its signature was in the
	 * deleted one); hour 1's log file lies in the missing digest's window */
	static const char *const deleted_digest[] = {
		DG("no_signature", "01"),
		LG("unverified", "0005", "00", "0"),
		DG("missing", "02"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		DG("no_signature", "04"),
		LG("unverified", "0305", "03", "0"),
		LG("unverified", "0105", "01", "0"),
		NULL,
	};
	check_case("deleted-digest", false, deleted_digest, "d 1/0/1/0/0/2/0 l 1/0/0/0/3 g 0 f 0", 1);
	static const char *const deleted_digest_sigs[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("missing", "02"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		LG("unverified", "0105", "01", "0"),
		NULL,
	};
	check_case("deleted-digest", true, deleted_digest_sigs, "d 3/0/1/0/0/0/0 l 3/0/0/0/1 g 0 f 0", 1);

	/* hours 1 and 2 deleted: hour 2's by name (hour 3's digest names it),
	 * hour 1's as a counted range */
	static const char *const deleted_digests[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		"digest missing -",
		DG("missing", "03"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		DG("valid", "05"),
		LG("valid", "0405", "04", "0"),
		LG("unverified", "0105", "01", "0"),
		LG("unverified", "0205", "02", "0"),
		NULL,
	};
	check_case("deleted-digests", true, deleted_digests, "d 3/0/2/0/0/0/0 l 3/0/0/0/2 g 0 f 0", 1);

	/* hour 1's log changed and its digest edited to match: the digest's
	 * hash is not what the next digest says, the log is not vouched for */
	static const char *const edited[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("changed", "02"),
		LG("unverified", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		NULL,
	};
	check_case("edited-digest", true, edited, "d 3/1/0/0/0/0/0 l 3/0/0/0/1 g 0 f 0", 1);

	/* the newest digest edited (its log file removed from it and deleted):
	 * only its signature from S3 metadata can tell */
	static const char *const edited_newest[] = {
		DG("valid", "01"),        LG("valid", "0005", "00", "0"),
		DG("valid", "02"),        LG("valid", "0105", "01", "0"),
		DG("no_signature", "03"), NULL,
	};
	check_case("edited-newest", false, edited_newest, "d 2/0/0/0/0/1/0 l 2/0/0/0/0 g 0 f 0", 0);
	static const char *const edited_newest_sigs[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("signature_invalid", "03"),
		NULL,
	};
	check_case("edited-newest", true, edited_newest_sigs, "d 2/0/0/1/0/0/0 l 2/0/0/0/0 g 0 f 0", 1);

	/* a log file put in hour 1 (covered, listed nowhere), one after the
	 * newest digest (nothing covers it yet) */
	static const char *const injected[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		"log unlisted 111122223333_CloudTrail_us-east-1_20240301T0131Z_InjectedH01abcde.json.gz",
		"log unverified 111122223333_CloudTrail_us-east-1_20240301T0510Z_InjectedH05abcde.json.gz",
		NULL,
	};
	check_case("injected-log", true, injected, "d 3/0/0/0/0/0/0 l 3/0/0/1/1 g 0 f 0", 1);

	/* key B is not in keys.json: not a finding, nothing vouched for */
	static const char *const unknown[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("key_unknown", "02"),
		LG("unverified", "0105", "01", "0"),
		DG("key_unknown", "03"),
		LG("unverified", "0205", "02", "0"),
		NULL,
	};
	check_case("unknown-key", true, unknown, "d 1/0/0/0/2/0/0 l 1/0/0/0/2 g 0 f 0", 0);

	static const char *const moved[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("moved-digest", true, moved, "d 3/0/0/0/0/0/0 l 3/0/0/0/0 g 0 f 0", 0);
	struct got g;
	struct ct_verify_summary s;
	run("moved-digest", true, &g, &s);
	CHECK(g.n == 6 && strstr(g.paths[2], "/moved-digest/moved/"));
	CHECK(g.n == 6 && strstr(g.details[2], "away from its S3 key"));

	/* an organization trail; a late log file listed in a backfill digest */
	static const char *const backfill[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		"digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z_backfill.json.gz",
		"log valid 111122223333_CloudTrail_us-east-1_20240301T0150Z_FxLATEabcdefghij.json.gz",
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		NULL,
	};
	check_case("backfill", true, backfill, "d 4/0/0/0/0/0/0 l 4/0/0/0/0 g 0 f 0", 0);
	static const char *const backfill_nosig[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		"digest no_signature 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z_backfill.json.gz",
		"log unverified 111122223333_CloudTrail_us-east-1_20240301T0150Z_FxLATEabcdefghij.json.gz",
		DG("no_signature", "03"),
		LG("unverified", "0205", "02", "0"),
		NULL,
	};
	check_case("backfill", false, backfill_nosig, "d 2/0/0/0/0/2/0 l 2/0/0/0/2 g 0 f 0", 0);

	/* AWS's published samples parse; nothing to check them against but
	 * the key list, and their listed log file is not here */
	static const char *const aws[] = {
		"digest unverified 111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T170131Z.json.gz",
		"digest no_signature 111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T180131Z.json.gz",
		"digest unverified 111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T140131Z.json.gz",
		"digest no_signature 111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz",
		"log missing 111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz",
		NULL,
	};
	check_case("aws-example", false, aws, "d 0/0/0/0/0/2/2 l 0/0/1/0/0 g 0 f 0", 1);
}

/* ---- edge cases, in a scratch copy ---- */

static char scratch[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fwrite(p, 1, n, f) == n);
	fclose(f);
}

static void mkdir_p(const char *file)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", file);
	for (char *q = tmp + 1; *q; q++) {
		if (*q == '/') {
			*q = 0;
			mkdir(tmp, 0755);
			*q = '/';
		}
	}
}

static char *read_bytes(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct ct_buf b = {0};
	char tmp[8192];
	size_t k;
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		ct_buf_append(&b, tmp, k);
	fclose(f);
	*n = b.len;
	return b.p;
}

/* Copies the files of a case into dst: keeping the layout, or flat. */
static const char *copy_src, *copy_dst;
static bool copy_flat;

static int copy_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag != FTW_F)
		return 0;
	char dst[1024];
	const char *rel = p + strlen(copy_src) + 1;
	if (copy_flat)
		rel = base(p);
	snprintf(dst, sizeof(dst), "%s/%s", copy_dst, rel);
	for (char *s = dst + strlen(copy_dst) + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(dst, 0755);
			*s = '/';
		}
	}
	size_t n;
	char *b = read_bytes(p, &n);
	if (b)
		write_bytes(dst, b, n);
	free(b);
	return 0;
}

static void copy_case(const char *name, const char *dst, bool flat)
{
	char src[1024];
	snprintf(src, sizeof(src), "%s/%s", dir, name);
	copy_src = src;
	copy_dst = dst;
	copy_flat = flat;
	mkdir(dst, 0755);
	nftw(src, copy_one, 16, FTW_PHYS);
}

#define REL "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/"
#define RELD "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/"

static int run_dir(const char *d, const char *keys, const char *sigs, struct got *g, struct ct_verify_summary *s,
		   int64_t since, int64_t until, int (*more)(struct ct_verify *v))
{
	struct ct_err err = {0};
	struct ct_verify *v = NULL;
	memset(g, 0, sizeof(*g));
	memset(s, 0, sizeof(*s));
	struct ct_verify_opts o = {.jobs = 3, .diag = on_diag, .ud = g};
	CHECK(ct_verify_new(&o, &v, &err) == 0);
	CHECK(ct_verify_add_keys(v, keys, &err) == 0);
	if (sigs)
		CHECK(ct_verify_add_signatures(v, sigs, &err) == 0);
	if (more)
		CHECK(more(v) == 0);
	if (d)
		CHECK(ct_verify_add_path(v, d, &err) == 0);
	CHECK(ct_verify_run(v, since, until, on_row, g, s, &err) == 0);
	CHECK(ct_verify_run(v, 0, 0, NULL, NULL, NULL, &err) < 0); /* once */
	ct_verify_free(v);
	return ct_verify_exit(s);
}

static void edge_cases(void)
{
	char d[256], keys[256], sigs[256], p[512];
	struct got g;
	struct ct_verify_summary s;
	snprintf(keys, sizeof(keys), "%s/valid-rotation/keys.json", dir);
	snprintf(sigs, sizeof(sigs), "%s/valid-rotation/signatures.json", dir);

	/* a log file that is not gzip any more, a digest cut short */
	snprintf(d, sizeof(d), "%s/broken", scratch);
	copy_case("valid-rotation", d, false);
	snprintf(p, sizeof(p), "%s/" REL "111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz",
		 d);
	write_bytes(p, "\x1f\x8b\x08\x00garbage", 11);
	snprintf(p, sizeof(p),
		 "%s/" RELD "111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz", d);
	size_t n;
	char *b = read_bytes(p, &n);
	CHECK(b != NULL);
	if (b)
		write_bytes(p, b, n / 2);
	free(b);
	/* an Insights log file in a covered hour: unverified, never unlisted */
	snprintf(p, sizeof(p),
		 "%s/AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/01/"
		 "111122223333_CloudTrail-Insight_us-east-1_20240301T0240Z_InsightH02abcdef.json.gz",
		 d);
	mkdir_p(p);
	write_bytes(p, "{\"Records\":[]}", 14);
	static const char *const broken[] = {
		DG("valid", "01"),
		LG("changed", "0005", "00", "0"),
		LG("valid", "0025", "00", "1"),
		DG("changed", "02"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		LG("valid", "0225", "02", "1"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		"log unverified 111122223333_CloudTrail-Insight_us-east-1_20240301T0240Z_InsightH02abcdef.json.gz",
		LG("unverified", "0105", "01", "0"),
		NULL,
	};
	int rc = run_dir(d, keys, sigs, &g, &s, 0, 0, NULL);
	expect_rows("broken", &g, broken);
	CHECK(g.n == 11 && strstr(g.details[9], "insights") != NULL);
	CHECK_INT(g.diags, 2);
	CHECK_INT(s.inputs_failed, 2);
	CHECK_INT(rc, 1);
	CHECK(strstr(g.details[1], "gzip") != NULL);
	CHECK(strstr(g.details[3], "cannot be read") != NULL);
	CHECK(strstr(g.paths[3], "T020131Z.json.gz") != NULL);

	/* all files in one folder: logs match by file name, digests by the
	 * key inside them */
	snprintf(d, sizeof(d), "%s/flat", scratch);
	copy_case("valid-rotation", d, true);
	static const char *const flat[] = {
		DG("valid", "01"),
		LG("valid", "0005", "00", "0"),
		LG("valid", "0025", "00", "1"),
		DG("valid", "02"),
		LG("valid", "0105", "01", "0"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		LG("valid", "0225", "02", "1"),
		DG("valid", "04"),
		LG("valid", "0305", "03", "0"),
		NULL,
	};
	rc = run_dir(d, keys, sigs, &g, &s, 0, 0, NULL);
	expect_rows("flat", &g, flat);
	CHECK_INT(rc, 0);
	CHECK_INT(g.diags, 0);

	/* a time range: hour 2 on (the hour-1 digest ends at 02:01:31) */
	int64_t since, until;
	CHECK(ct_time_parse_iso("2024-03-01T02:00:00Z", 20, &since) == 0);
	CHECK(ct_time_parse_iso("2024-03-01T02:59:59Z", 20, &until) == 0);
	snprintf(d, sizeof(d), "%s/valid-rotation", dir);
	static const char *const ranged[] = {
		DG("valid", "02"),
		DG("valid", "03"),
		LG("valid", "0205", "02", "0"),
		LG("valid", "0225", "02", "1"),
		NULL,
	};
	rc = run_dir(d, keys, sigs, &g, &s, since, until, NULL);
	expect_rows("since/until", &g, ranged);
	CHECK_INT(s.files_hashed, 2);
	CHECK_INT(rc, 0);
}

/* The index supplies hashes: one right, one wrong, files not on disk. */
static char known_ok[CT_SHA256_HEX];

static int add_known(struct ct_verify *v)
{
	struct ct_err err = {0};
	int rc = 0;
	rc |= ct_verify_add_known_log(
		v, "cloudtrail/" REL "111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz", NULL,
		known_ok, &err);
	rc |= ct_verify_add_known_log(
		v, REL "111122223333_CloudTrail_us-east-1_20240301T0025Z_FxH00L1abcdefghi.json.gz",
		"/elsewhere/x.json.gz", "0000000000000000000000000000000000000000000000000000000000000000", &err);
	rc |= ct_verify_add_known_log(v, "not-a-cloudtrail-key.json", NULL, known_ok, &err) < 0 ? 0 : 1;
	return rc;
}

static void known_logs(void)
{
	char d[256], keys[256], sigs[256], p[512];
	snprintf(keys, sizeof(keys), "%s/valid-rotation/keys.json", dir);
	snprintf(sigs, sizeof(sigs), "%s/valid-rotation/signatures.json", dir);
	snprintf(d, sizeof(d), "%s/digests-only", scratch);
	mkdir(d, 0755);
	/* just the hour-0 and hour-1 digests */
	for (int h = 1; h <= 2; h++) {
		char src[512], dst[512];
		snprintf(src, sizeof(src),
			 "%s/valid-rotation/" RELD
			 "111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T0%d0131Z.json.gz",
			 dir, h);
		snprintf(dst, sizeof(dst), "%s/%d.json.gz", d, h);
		size_t n;
		char *b = read_bytes(src, &n);
		CHECK(b != NULL);
		if (b)
			write_bytes(dst, b, n);
		free(b);
	}
	snprintf(p, sizeof(p),
		 "%s/valid-rotation/" REL "111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz",
		 dir);
	struct ct_digest_ctx *c = NULL;
	struct ct_file_digest fd;
	struct ct_err err = {0};
	CHECK(ct_digest_ctx_new(&c, &err) == 0);
	CHECK(ct_digest_file(c, p, NULL, 0, &fd, &err) == 0);
	ct_digest_ctx_free(c);
	ct_hex(fd.sha256, sizeof(fd.sha256), known_ok);
	struct got g;
	struct ct_verify_summary s;
	static const char *const known[] = {
		DG("valid", "01"), LG("valid", "0005", "00", "0"),   LG("changed", "0025", "00", "1"),
		DG("valid", "02"), LG("missing", "0105", "01", "0"), NULL,
	};
	int rc = run_dir(d, keys, sigs, &g, &s, 0, 0, add_known);
	expect_rows("known logs", &g, known);
	CHECK_STR(g.paths[1], "");
	CHECK_STR(g.paths[2], "/elsewhere/x.json.gz");
	CHECK_INT(s.files_hashed, 0);
	CHECK_INT(rc, 1);
}

/* ---- digest.c ---- */

static void gz(const char *in, size_t n, struct ct_buf *out, int level)
{
	z_stream zs = {0};
	CHECK(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	unsigned char buf[4096];
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)n;
	int zr;
	do {
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		zr = deflate(&zs, Z_FINISH);
		ct_buf_append(out, buf, sizeof(buf) - zs.avail_out);
	} while (zr == Z_OK);
	deflateEnd(&zs);
}

static int hash_bytes(const void *p, size_t n, char hex[CT_SHA256_HEX], struct ct_buf *keep)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/blob", scratch);
	write_bytes(path, p, n);
	struct ct_digest_ctx *c = NULL;
	struct ct_file_digest fd;
	struct ct_err err = {0};
	CHECK(ct_digest_ctx_new(&c, &err) == 0);
	int rc = ct_digest_file(c, path, keep, 1 << 20, &fd, &err);
	ct_digest_ctx_free(c);
	if (rc == 0)
		ct_hex(fd.sha256, sizeof(fd.sha256), hex);
	return rc;
}

static void digest_module(void)
{
	/* a content larger than the buffers, in two gzip members */
	size_t n = 3u << 20;
	char *text = malloc(n);
	CHECK(text != NULL);
	if (!text)
		return;
	for (size_t i = 0; i < n; i++)
		text[i] = (char)("{\"Records\":[]}\n"[i % 15] + (i / 4099) % 3);
	unsigned char md[CT_SHA256_LEN];
	char want[CT_SHA256_HEX], got_hex[CT_SHA256_HEX];
	CHECK(ct_sha256_buf(text, n, md) == 0);
	ct_hex(md, sizeof(md), want);
	struct ct_buf z = {0};
	gz(text, n / 3, &z, 6);
	gz(text + n / 3, n - n / 3, &z, 1);
	CHECK_INT(hash_bytes(z.p, z.len, got_hex, NULL), 0);
	CHECK_STR(got_hex, want);
	/* as it is, not gzip */
	CHECK_INT(hash_bytes(text, n, got_hex, NULL), 0);
	CHECK_STR(got_hex, want);
	/* zero padding after the stream is accepted, other bytes are not */
	size_t zl = z.len;
	ct_buf_append(&z, "\0\0\0\0", 4);
	CHECK_INT(hash_bytes(z.p, z.len, got_hex, NULL), 0);
	CHECK_STR(got_hex, want);
	z.len = zl;
	ct_buf_append(&z, "junk", 4);
	CHECK_INT(hash_bytes(z.p, z.len, got_hex, NULL), CT_DIGEST_EDATA);
	/* cut short */
	CHECK_INT(hash_bytes(z.p, zl - 100, got_hex, NULL), CT_DIGEST_EDATA);
	/* keep: the content is returned; a limit is enforced */
	struct ct_buf keep = {0};
	struct ct_buf small = {0};
	gz("{\"a\":1}", 7, &small, 9);
	CHECK_INT(hash_bytes(small.p, small.len, got_hex, &keep), 0);
	CHECK(keep.len == 7 && memcmp(keep.p, "{\"a\":1}", 7) == 0);
	ct_buf_reset(&keep);
	CHECK_INT(hash_bytes(z.p, zl, got_hex, &keep), CT_DIGEST_EDATA); /* 3 MiB > 1 MiB */
	/* empty file, missing file */
	CHECK_INT(hash_bytes("", 0, got_hex, NULL), 0);
	CHECK_STR(got_hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	struct ct_digest_ctx *c = NULL;
	struct ct_file_digest fd;
	struct ct_err err = {0};
	CHECK(ct_digest_ctx_new(&c, &err) == 0);
	CHECK_INT(ct_digest_file(c, "/nonexistent/x.json.gz", NULL, 0, &fd, &err), CT_DIGEST_EIO);
	ct_digest_ctx_free(c);
	unsigned char bin[4];
	CHECK_INT(ct_hex_decode("00aBfF", 6, bin, sizeof(bin)), 3);
	CHECK(bin[1] == 0xab && bin[2] == 0xff);
	CHECK_INT(ct_hex_decode("0g", 2, bin, sizeof(bin)), -1);
	CHECK_INT(ct_hex_decode("abc", 3, bin, sizeof(bin)), -1);
	free(text);
	ct_buf_free(&z);
	ct_buf_free(&small);
	ct_buf_free(&keep);
}

static void misc(void)
{
	struct ct_verify_summary s = {0};
	CHECK_INT(ct_verify_exit(&s), 0);
	s.logs_unverified = 3;
	s.digests_no_signature = 1;
	s.digests_key_unknown = 1;
	s.gaps = 2;
	CHECK_INT(ct_verify_exit(&s), 0);
	s.inputs_failed = 1;
	CHECK_INT(ct_verify_exit(&s), 3);
	s.logs_unlisted = 1;
	CHECK_INT(ct_verify_exit(&s), 1);
	CHECK_STR(ct_verify_status_name(CT_VS_SIGNATURE_INVALID), "signature_invalid");
	CHECK(ct_verify_status_is_finding(CT_VS_MISSING));
	CHECK(!ct_verify_status_is_finding(CT_VS_GAP));
	/* a bad key file fails the call */
	struct ct_verify *v = NULL;
	struct ct_err err = {0};
	CHECK(ct_verify_new(NULL, &v, &err) == 0);
	CHECK(ct_verify_add_keys(v, "/nonexistent/keys.json", &err) < 0);
	CHECK_INT(err.code, CT_E_INPUT);
	char p[256];
	snprintf(p, sizeof(p), "%s/valid-rotation/signatures.json", dir);
	CHECK(ct_verify_add_keys(v, p, &err) < 0); /* no PublicKeyList */
	CHECK(ct_verify_add_path(v, "/nonexistent/dir", &err) < 0);
	ct_verify_free(v);
}

int main(int argc, char **argv)
{
	struct stat st;
	dir = argc > 1 ? argv[1] : getenv("CT_INTEGRITY_DIR");
	if (!dir)
		dir = stat("testdata/integrity", &st) == 0 ? "testdata/integrity" : "../testdata/integrity";
	dump = getenv("CT_VERIFY_DUMP") != NULL;
	snprintf(scratch, sizeof(scratch), "/tmp/test-verify-XXXXXX");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}
	fixtures();
	edge_cases();
	known_logs();
	digest_module();
	misc();
	rm_rf(scratch);
	return check_done();
}
