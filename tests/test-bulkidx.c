/* test-bulkidx.c - indexes built from ctscan's own sort (lib/bulkidx.c):
 * the radix sort against qsort; indexes whose entries are those CREATE
 * INDEX makes, in the same order, on a file (read by a second thread, or
 * by the writing one as with -j 1) and in memory; what is left to CREATE INDEX (text keys, NULL
 * keys outside a partial index, a first key beyond 32 bits, too little
 * memory, a defensive connection) left without a trace; passes over the
 * table as the memory allows; and other connections, one opened before
 * the build among them, that write to the table afterwards keep the new
 * indexes whole; keys gathered while the rows were written used instead
 * of a pass over the table, when they are of its rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bulkidx.h"
#include "check.h"
#include "ctscan.h"
#include "util.h"

static char tmpdir[256];

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct ct_bulk_entry *p = x, *q = y;
	if ((p->b >> 32) != (q->b >> 32))
		return (p->b >> 32) < (q->b >> 32) ? -1 : 1;
	if ((int64_t)p->a != (int64_t)q->a)
		return (int64_t)p->a < (int64_t)q->a ? -1 : 1;
	if ((p->b & 0xffffffffu) != (q->b & 0xffffffffu))
		return (p->b & 0xffffffffu) < (q->b & 0xffffffffu) ? -1 : 1;
	return 0;
}

/* n entries; a drawn from mask (and negated at random when signed), the
 * first key from keys values; offsets in order, as a scan gives them */
static void sort_case(size_t n, uint64_t amask, bool neg, unsigned keys)
{
	struct ct_bulk_entry *v = malloc((n + 1) * sizeof(*v)), *ref = malloc((n + 1) * sizeof(*v)),
			     *tmp = malloc((n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		int64_t a = (int64_t)(next_rand() & amask);
		if (neg && (next_rand() & 1))
			a = -a;
		uint64_t k = keys ? next_rand() % keys : 0;
		v[i].a = (uint64_t)a;
		v[i].b = (k << 32) | i;
	}
	memcpy(ref, v, n * sizeof(*v));
	qsort(ref, n, sizeof(*ref), cmp_entry);
	ct_bulk_sort(v, tmp, n);
	CHECK(n == 0 || memcmp(v, ref, n * sizeof(*v)) == 0);
	free(v);
	free(ref);
	free(tmp);
}

static void test_sort(void)
{
	sort_case(0, 0xff, false, 0);
	sort_case(1, 0xff, true, 3);
	sort_case(5000, 0, false, 0);                    /* every key the same: no pass moves */
	sort_case(5000, 0xffff, false, 0);               /* two bytes */
	sort_case(5000, 0x7fffffffffffffffULL, true, 0); /* the sign */
	sort_case(5000, 0x3ff, true, 7);                 /* two keys, ties */
	sort_case(20000, 0xfffffffffULL, false, 100000); /* a time-like key under many names */
	sort_case(3000, 0x7fffffffffffffffULL, true, 1u << 31);
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return -2;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *one_text(sqlite3 *db, const char *sql)
{
	static char buf[512];
	sqlite3_stmt *st;
	buf[0] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The same rows in the order of two indexes, each read alone (a covering
 * scan of it, in its own order): 1 when every row is the same. */
static int same_order(sqlite3 *db, const char *cols, const char *ix1, const char *ix2, const char *where)
{
	char q1[512], q2[512];
	snprintf(q1, sizeof(q1), "SELECT %s, id FROM t INDEXED BY %s%s%s", cols, ix1, where ? " WHERE " : "",
		 where ? where : "");
	snprintf(q2, sizeof(q2), "SELECT %s, id FROM t INDEXED BY %s%s%s", cols, ix2, where ? " WHERE " : "",
		 where ? where : "");
	sqlite3_stmt *s1, *s2;
	if (sqlite3_prepare_v2(db, q1, -1, &s1, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, q2, -1, &s2, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		return -1;
	}
	int same = 1;
	long rows = 0;
	for (;;) {
		int r1 = sqlite3_step(s1), r2 = sqlite3_step(s2);
		if (r1 != r2) {
			same = 0;
			break;
		}
		if (r1 != SQLITE_ROW)
			break;
		rows++;
		for (int c = 0; c < sqlite3_column_count(s1); c++)
			if (sqlite3_column_type(s1, c) != sqlite3_column_type(s2, c) ||
			    sqlite3_column_int64(s1, c) != sqlite3_column_int64(s2, c))
				same = 0;
	}
	sqlite3_finalize(s1);
	sqlite3_finalize(s2);
	return same && rows > 0;
}

/* Steps an INSERT and resets it: 0, or -1. */
static int insert_row(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

/* t: ids with gaps; a any integer (beyond 32 bits, negative); b a few
 * values or NULL; c text; d integers and one NULL. */
static int fill(sqlite3 *db, int rows)
{
	if (exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c TEXT, d INTEGER);"
		     "BEGIN") < 0)
		return -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < rows; i++) {
		sqlite3_bind_int64(st, 1, 1000 + 3 * i + (int)(next_rand() % 3));
		sqlite3_bind_int64(st, 2, (int64_t)(next_rand() % 2000000000000ULL) - 1000000000000LL);
		if (next_rand() % 5 == 0)
			sqlite3_bind_null(st, 3);
		else
			sqlite3_bind_int64(st, 3, (int64_t)(next_rand() % 40) - 20);
		char c[16];
		snprintf(c, sizeof(c), "c%u", (unsigned)(next_rand() % 100));
		sqlite3_bind_text(st, 4, c, -1, SQLITE_TRANSIENT);
		if (i == rows / 2)
			sqlite3_bind_null(st, 5);
		else
			sqlite3_bind_int64(st, 5, (int64_t)(next_rand() % 1000));
		if (insert_row(st) < 0)
			return -1;
	}
	sqlite3_finalize(st);
	return exec(db, "COMMIT");
}

/* two indexes both tables have */
#define SPEC_A                                                                                                         \
	{                                                                                                              \
		"t_a", "a", NULL, "CREATE INDEX t_a ON t(a)"                                                           \
	}
#define SPEC_BA                                                                                                        \
	{                                                                                                              \
		"t_ba", "b, a", "b IS NOT NULL", "CREATE INDEX t_ba ON t(b, a) WHERE b IS NOT NULL"                    \
	}

static const struct ct_bulk_spec specs[] = {
	SPEC_A,
	SPEC_BA,
	{"t_c", "c", NULL, "CREATE INDEX t_c ON t(c)"},         /* text */
	{"t_d", "d", NULL, "CREATE INDEX t_d ON t(d)"},         /* a NULL, not partial */
	{"t_ab", "a, b", NULL, "CREATE INDEX t_ab ON t(a, b)"}, /* a first key beyond 32 bits */
	{"t_id", "d, id", "d IS NOT NULL", "CREATE INDEX t_id ON t(d, id) WHERE d IS NOT NULL"},
};

static void check_built(sqlite3 *db, const bool *built, const char *what)
{
	fprintf(stderr, "  %s\n", what);
	CHECK(built[0]);
	CHECK(built[1]);
	CHECK(!built[2]);
	CHECK(!built[3]);
	CHECK(!built[4]);
	CHECK(built[5]);
	CHECK_STR(one_text(db, "PRAGMA integrity_check"), "ok");
	CHECK_STR(one_text(db, "SELECT sql FROM sqlite_schema WHERE name = 't_a'"), "CREATE INDEX t_a ON t(a)");
	CHECK_STR(one_text(db, "SELECT sql FROM sqlite_schema WHERE name = 't_ba'"),
		  "CREATE INDEX t_ba ON t(b, a) WHERE b IS NOT NULL");
	CHECK_STR(one_text(db, "SELECT tbl_name || ' ' || type FROM sqlite_schema WHERE name = 't_ba'"), "t index");
	/* nothing of the others, nor of the table the b-trees were built as */
	CHECK_INT(one_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('t_c', 't_d', 't_ab')"), 0);
	CHECK_INT(one_int(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ct_bulk%'"), 0);
	/* the entries CREATE INDEX makes, in its order */
	CHECK(exec(db, "CREATE INDEX r_a ON t(a); CREATE INDEX r_ba ON t(b, a) WHERE b IS NOT NULL;"
		       "CREATE INDEX r_id ON t(d, id) WHERE d IS NOT NULL") == 0);
	CHECK_INT(same_order(db, "a", "t_a", "r_a", NULL), 1);
	CHECK_INT(same_order(db, "b, a", "t_ba", "r_ba", "b IS NOT NULL"), 1);
	CHECK_INT(same_order(db, "d", "t_id", "r_id", "d IS NOT NULL"), 1);
	CHECK(exec(db, "DROP INDEX r_a; DROP INDEX r_ba; DROP INDEX r_id") == 0);
	/* and the planner takes it */
	sqlite3_stmt *st;
	CHECK_INT(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT a FROM t WHERE b = 3", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 3), "SEARCH t USING COVERING INDEX t_ba (b=?)");
	sqlite3_finalize(st);
}

static void test_build_file(bool threads)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	sqlite3 *db, *other;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK(exec(db, "PRAGMA journal_mode = WAL") == 0);
	CHECK(fill(db, 20000) == 0);
	/* a connection that has read the schema before the indexes exist */
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(one_int(other, "SELECT count(*) FROM t"), 20000);
	bool built[CT_ARRAY_SIZE(specs)];
	struct ct_err err = {0};
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 64 << 20, threads, NULL, built, NULL, NULL, path,
				&err),
		  0);
	check_built(db, built, threads ? "file, two threads" : "file, one thread");
	/* both write rows afterwards: each finds the indexes and keeps them */
	CHECK(exec(other, "INSERT INTO t(a, b, c, d) VALUES(5, 6, 'x', 7)") == 0);
	CHECK(exec(db, "INSERT INTO t(a, b, c, d) VALUES(-5, NULL, 'y', 8); UPDATE t SET b = 1 WHERE id % 7 = 0") == 0);
	CHECK_STR(one_text(other, "PRAGMA integrity_check"), "ok");
	CHECK_STR(one_text(db, "PRAGMA integrity_check"), "ok");
	sqlite3_close(other);
	sqlite3_close(db);
	unlink(path);
}

static void test_build_memory(void)
{
	sqlite3 *db;
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK(fill(db, 5000) == 0);
	bool built[CT_ARRAY_SIZE(specs)];
	struct ct_err err = {0};
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 64 << 20, true, NULL, built, NULL, NULL,
				":memory:", &err),
		  0);
	check_built(db, built, "in memory, one thread");
	sqlite3_close(db);
}

/* calls of the step function, in order */
static void count_step(void *ud, size_t spec)
{
	size_t *seen = ud;
	seen[seen[0]++ + 1] = spec;
}

static void test_passes(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/p.db", tmpdir);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK(exec(db, "PRAGMA journal_mode = WAL") == 0);
	CHECK(fill(db, 20000) == 0);
	/* the ids span about 60,000: room for one index and its sort at a time */
	size_t per = (size_t)one_int(db, "SELECT max(id) - min(id) + 1 FROM t") * sizeof(struct ct_bulk_entry);
	bool built[CT_ARRAY_SIZE(specs)];
	size_t seen[1 + CT_ARRAY_SIZE(specs)] = {0};
	struct ct_err err = {0};
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 3 * per, true, NULL, built, count_step, seen,
				path, &err),
		  0);
	check_built(db, built, "a pass per index");
	CHECK_INT(seen[0], 3);
	CHECK_INT(seen[1], 0);
	CHECK_INT(seen[2], 1);
	CHECK_INT(seen[3], 5);
	/* too little memory for one: nothing built, nothing left */
	CHECK(exec(db, "DROP INDEX t_a; DROP INDEX t_ba; DROP INDEX t_id") == 0);
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 2 * per - 1, true, NULL, built, NULL, NULL, path,
				&err),
		  0);
	for (size_t i = 0; i < CT_ARRAY_SIZE(specs); i++)
		CHECK(!built[i]);
	CHECK_INT(one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' OR name LIKE 'ct_bulk%'"), 0);
	/* a defensive connection refuses writable_schema: rolled back, not an error */
	CHECK_INT(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL), SQLITE_OK);
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 64 << 20, true, NULL, built, NULL, NULL, path,
				&err),
		  0);
	for (size_t i = 0; i < CT_ARRAY_SIZE(specs); i++)
		CHECK(!built[i]);
	CHECK_INT(one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' OR name LIKE 'ct_bulk%'"), 0);
	CHECK_STR(one_text(db, "PRAGMA integrity_check"), "ok");
	/* an empty table: left to CREATE INDEX, which takes no time there */
	CHECK(exec(db, "DELETE FROM t") == 0);
	CHECK_INT(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL), SQLITE_OK);
	CHECK_INT(ct_bulk_build(db, "t", specs, CT_ARRAY_SIZE(specs), 64 << 20, true, NULL, built, NULL, NULL, path,
				&err),
		  0);
	CHECK(!built[0]);
	sqlite3_close(db);
	unlink(path);
}

/* ---- keys gathered while the rows were written (ct_bulk_cols) ---- */

#define GROWS 20000

static int64_t ga[GROWS];
static uint32_t gb[GROWS], gd[GROWS];
static uint64_t gbnull[(GROWS + 63) / 64], gdnull[(GROWS + 63) / 64];

/* t with the consecutive ids 1..GROWS (a first load's), and the same
 * values gathered in columns: a beyond 32 bits and negative (width 8), b
 * a few values or NULL, d with one NULL (width 4), e only in the table. */
static int fill_gathered(sqlite3 *db)
{
	if (exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, d INTEGER, e INTEGER); BEGIN") < 0)
		return -1;
	memset(gbnull, 0, sizeof(gbnull));
	memset(gdnull, 0, sizeof(gdnull));
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < GROWS; i++) {
		ga[i] = (int64_t)(next_rand() % 2000000000000ULL) - 1000000000000LL;
		gb[i] = (uint32_t)(next_rand() % 40);
		gd[i] = (uint32_t)(next_rand() % 2000000000u);
		sqlite3_bind_int64(st, 1, i + 1);
		sqlite3_bind_int64(st, 2, ga[i]);
		if (next_rand() % 5 == 0) {
			gbnull[i / 64] |= (uint64_t)1 << (i % 64);
			gb[i] = 0;
			sqlite3_bind_null(st, 3);
		} else {
			sqlite3_bind_int64(st, 3, gb[i]);
		}
		if (i == GROWS / 3) {
			gdnull[i / 64] |= (uint64_t)1 << (i % 64);
			gd[i] = 0;
			sqlite3_bind_null(st, 4);
		} else {
			sqlite3_bind_int64(st, 4, gd[i]);
		}
		sqlite3_bind_int64(st, 5, (int64_t)(next_rand() % 1000));
		if (insert_row(st) < 0)
			return -1;
	}
	sqlite3_finalize(st);
	return exec(db, "COMMIT");
}

static const struct ct_bulk_spec gspecs[] = {
	SPEC_A,
	SPEC_BA,
	{"t_d", "d", NULL, "CREATE INDEX t_d ON t(d)"}, /* a NULL, not partial */
	{"t_e", "e", NULL, "CREATE INDEX t_e ON t(e)"}, /* not gathered: read from the table */
	{"t_db", "d, a", "d IS NOT NULL", "CREATE INDEX t_db ON t(d, a) WHERE d IS NOT NULL"},
};

/* Builds gspecs on a new t from cols as given (base, rows), with a's
 * value of row `alter` changed in the columns (-1: none); the integrity
 * check's verdict. */
static char *build_gathered(const char *what, int64_t base, size_t rows, int alter, bool threads, bool *built)
{
	fprintf(stderr, "  %s\n", what);
	char path[512];
	snprintf(path, sizeof(path), "%s/g.db", tmpdir);
	unlink(path);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK(exec(db, "PRAGMA journal_mode = WAL") == 0);
	CHECK(fill_gathered(db) == 0);
	int64_t saved = alter >= 0 ? ga[alter] : 0;
	if (alter >= 0)
		ga[alter] += 1;
	const struct ct_bulk_col col[] = {
		{"a", 8, ga, NULL},
		{"b", 4, gb, gbnull},
		{"d", 4, gd, gdnull},
	};
	const struct ct_bulk_cols cols = {.base = base, .rows = rows, .col = col, .n = CT_ARRAY_SIZE(col)};
	struct ct_err err = {0};
	CHECK_INT(ct_bulk_build(db, "t", gspecs, CT_ARRAY_SIZE(gspecs), 64 << 20, threads, &cols, built, NULL, NULL,
				path, &err),
		  0);
	if (alter >= 0)
		ga[alter] = saved;
	static char verdict[512];
	snprintf(verdict, sizeof(verdict), "%s", one_text(db, "PRAGMA integrity_check"));
	if (strcmp(verdict, "ok") == 0) {
		/* the entries CREATE INDEX makes, in its order */
		CHECK(exec(db, "CREATE INDEX r_a ON t(a); CREATE INDEX r_ba ON t(b, a) WHERE b IS NOT NULL;"
			       "CREATE INDEX r_e ON t(e); CREATE INDEX r_db ON t(d, a) WHERE d IS NOT NULL") == 0);
		CHECK_INT(same_order(db, "a", "t_a", "r_a", NULL), built[0] ? 1 : -1);
		CHECK_INT(same_order(db, "b, a", "t_ba", "r_ba", "b IS NOT NULL"), built[1] ? 1 : -1);
		CHECK_INT(same_order(db, "e", "t_e", "r_e", NULL), built[3] ? 1 : -1);
		CHECK_INT(same_order(db, "d, a", "t_db", "r_db", "d IS NOT NULL"), built[4] ? 1 : -1);
	}
	sqlite3_close(db);
	unlink(path);
	return verdict;
}

static void test_gathered(void)
{
	bool built[CT_ARRAY_SIZE(gspecs)];
	/* the columns match the table: what they hold is what is built */
	for (int threads = 0; threads < 2; threads++) {
		CHECK_STR(build_gathered(threads ? "gathered keys, two threads" : "gathered keys, one thread", 1, GROWS,
					 -1, threads, built),
			  "ok");
		CHECK(built[0] && built[1] && !built[2] && built[3] && built[4]);
	}
	/* they are read instead of the table: a value changed in them only
	 * makes an index that does not match the table */
	CHECK(strcmp(build_gathered("gathered keys, one changed", 1, GROWS, 77, true, built), "ok") != 0);
	CHECK(built[0]);
	/* columns of other row ids, or of fewer rows, are not used */
	CHECK_STR(build_gathered("gathered keys of other rows", 2, GROWS, 77, true, built), "ok");
	CHECK(built[0] && built[1] && built[3] && built[4]);
	CHECK_STR(build_gathered("gathered keys of fewer rows", 1, GROWS - 1, 77, true, built), "ok");
	CHECK(built[0] && built[1] && built[3] && built[4]);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/ct-test-bulkidx-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_sort();
	test_build_file(true);
	test_build_file(false);
	test_build_memory();
	test_passes();
	test_gathered();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
