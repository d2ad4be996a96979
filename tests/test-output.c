/* test-output.c - every output format, byte for byte. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "output.h"
#include "util.h"

static sqlite3 *db;

/* A write callback collecting output; with fail_errno set, the write that
 * would take the total past fail_after fails with that errno. */
struct sink {
	struct ct_buf b;
	size_t fail_after;
	int fail_errno;
	size_t calls, max_chunk;
};

static int sink_write(void *ud, const void *p, size_t n)
{
	struct sink *s = ud;
	s->calls++;
	s->max_chunk = CT_MAX(s->max_chunk, n);
	if (s->fail_errno && s->b.len + n > s->fail_after) {
		errno = s->fail_errno;
		return -1;
	}
	if (ct_buf_append(&s->b, p, n) < 0)
		abort();
	return 0;
}

static struct ct_out_spec spec_for(enum ct_format f, struct sink *s)
{
	return (struct ct_out_spec){.format = f, .header = true, .write = sink_write, .ud = s};
}

static struct sink out;
static int last_rc;
static uint64_t last_rows;
static struct ct_err last_err;

/* Runs sql through ct_out_stmt with spec (its write and ud replaced);
 * returns the output. */
static const char *run_spec(struct ct_out_spec spec, const char *sql)
{
	ct_buf_free(&out.b);
	memset(&out, 0, sizeof(out));
	ct_buf_append(&out.b, "", 0);
	spec.write = sink_write;
	spec.ud = &out;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "prepare: %s: %s\n", sqlite3_errmsg(db), sql);
		exit(1);
	}
	memset(&last_err, 0, sizeof(last_err));
	last_rows = 12345;
	last_rc = ct_out_stmt(&spec, st, &last_rows, &last_err);
	sqlite3_finalize(st);
	return out.b.p;
}

static const char *run(enum ct_format f, const char *sql)
{
	struct sink unused;
	return run_spec(spec_for(f, &unused), sql);
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "exec: %s: %s\n", msg, sql);
		exit(1);
	}
}

static void test_parse(void)
{
	static const char *const names[] = {"table", "csv", "tsv", "json", "ndjson", "raw", "md"};
	for (int i = 0; i < 7; i++) {
		enum ct_format f = CT_FMT_TABLE;
		CHECK_INT(ct_format_parse(names[i], &f), 0);
		CHECK_INT(f, i);
	}
	enum ct_format f = CT_FMT_CSV;
	CHECK_INT(ct_format_parse("xml", &f), -1);
	CHECK_INT(ct_format_parse("", &f), -1);
	CHECK_INT(ct_format_parse("JSON", &f), -1);
	CHECK_INT(ct_format_parse(NULL, &f), -1);
	CHECK_INT(f, CT_FMT_CSV);
}

/* Quoting cases: id, txt, num. */
#define QUOTING                                                                                                        \
	"SELECT column1 AS id, column2 AS txt, column3 AS num FROM (VALUES"                                            \
	" (1, 'plain', 1.5), (2, 'a,b', -2), (3, 'say \"hi\"', -0.5),"                                                 \
	" (4, 'two' || char(10) || 'lines', NULL), (5, '=cmd|'' /C calc''!A0', 0),"                                    \
	" (6, '+1', 1e20), (7, '-5', -7), (8, '@sum(A1)', 3.0), (9, char(9) || 'tab', 2.25),"                          \
	" (10, char(13) || 'cr', NULL), (11, NULL, NULL), (12, 'C:\\dir', 0.1),"                                       \
	" (13, 'crlf' || char(13, 10), -1e-7), (14, ' lead', 1.0/3))"

static void test_csv(void)
{
	CHECK_STR(run(CT_FMT_CSV, QUOTING), "id,txt,num\n"
					    "1,plain,1.5\n"
					    "2,\"a,b\",-2\n"
					    "3,\"say \"\"hi\"\"\",-0.5\n"
					    "4,\"two\nlines\",\n"
					    "5,'=cmd|' /C calc'!A0,0\n"
					    "6,'+1,1e+20\n"
					    "7,'-5,-7\n"
					    "8,'@sum(A1),3.0\n"
					    "9,'\ttab,2.25\n"
					    "10,\"'\rcr\",\n"
					    "11,,\n"
					    "12,C:\\dir,0.1\n"
					    "13,\"crlf\r\n\",-1e-07\n"
					    "14, lead,0.33333333333333331\n");
	CHECK_INT(last_rc, 0);
	CHECK_INT(last_rows, 14);

	/* header off, NULL text, a quoted NULL text, formula-like names */
	struct sink unused;
	struct ct_out_spec sp = spec_for(CT_FMT_CSV, &unused);
	sp.header = false;
	sp.null_text = "NULL";
	CHECK_STR(run_spec(sp, "SELECT NULL AS a, 1 AS b"), "NULL,1\n");
	sp.header = true;
	sp.null_text = "n,a";
	CHECK_STR(run_spec(sp, "SELECT NULL AS \"=a\", -1.5 AS \"b,c\""), "'=a,\"b,c\"\n\"n,a\",-1.5\n");
	/* the ' goes inside the quotes of a quoted cell */
	CHECK_STR(run(CT_FMT_CSV, "SELECT '-1,2' AS x, '=\"x\"' AS y"), "x,y\n\"'-1,2\",\"'=\"\"x\"\"\"\n");
	/* blobs are base64; one starting with + is neutralised */
	CHECK_STR(run(CT_FMT_CSV, "SELECT X'00ff10' AS b, X'fbef' AS c, X'' AS d"), "b,c,d\nAP8Q,'++8=,\n");
}

static void test_tsv(void)
{
	CHECK_STR(run(CT_FMT_TSV, QUOTING), "id\ttxt\tnum\n"
					    "1\tplain\t1.5\n"
					    "2\ta,b\t-2\n"
					    "3\tsay \"hi\"\t-0.5\n"
					    "4\ttwo\\nlines\t\n"
					    "5\t=cmd|' /C calc'!A0\t0\n"
					    "6\t+1\t1e+20\n"
					    "7\t-5\t-7\n"
					    "8\t@sum(A1)\t3.0\n"
					    "9\t\\ttab\t2.25\n"
					    "10\t\\rcr\t\n"
					    "11\t\t\n"
					    "12\tC:\\\\dir\t0.1\n"
					    "13\tcrlf\\r\\n\t-1e-07\n"
					    "14\t lead\t0.33333333333333331\n");
	struct sink unused;
	struct ct_out_spec sp = spec_for(CT_FMT_TSV, &unused);
	sp.null_text = "\\N";
	CHECK_STR(run_spec(sp, "SELECT NULL AS \"a\tb\", 2 AS c"), "a\\tb\tc\n\\\\N\t2\n");
}

static void test_json(void)
{
	CHECK_STR(run(CT_FMT_JSON, "SELECT 1 AS i, -9223372036854775808 AS min, 2.5 AS r, 1e300 * 1e300 AS inf,"
				   " NULL AS n, 'text' AS s, X'666f6f' AS b, 100.0 AS whole"),
		  "[\n{\"i\":1,\"min\":-9223372036854775808,\"r\":2.5,\"inf\":null,\"n\":null,"
		  "\"s\":\"text\",\"b\":\"Zm9v\",\"whole\":100.0}\n]\n");
	/* escaping: quotes, backslash, control characters, DEL kept, U+2028 kept */
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT 'q\"b\\s/' || char(10, 13, 9, 8, 12, 1, 27, 31, 127) ||"
				     " 'é日本😀' || char(8232) AS \"we\"\"ird\""),
		  "{\"we\\\"ird\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001b\\u001f\x7f"
		  "é日本😀\xe2\x80\xa8\"}\n");
	/* invalid UTF-8: U+FFFD for each maximal invalid subpart */
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT CAST(X'61ff62c3' AS TEXT) AS a, CAST(X'e282' AS TEXT) AS b,"
				     " CAST(X'eda080' AS TEXT) AS c, CAST(X'c0af' AS TEXT) AS d,"
				     " CAST(X'f4908080' AS TEXT) AS e, CAST(X'f09f98' AS TEXT) || 'x' AS f"),
		  "{\"a\":\"a\xef\xbf\xbd"
		  "b\xef\xbf\xbd\",\"b\":\"\xef\xbf\xbd\","
		  "\"c\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"d\":\"\xef\xbf\xbd\xef\xbf\xbd\","
		  "\"e\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"f\":\"\xef\xbf\xbdx\"}\n");
	/* a text NUL byte is escaped too */
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT CAST(X'610062' AS TEXT) AS z"), "{\"z\":\"a\\u0000b\"}\n");

	/* JSON-text columns: nested when valid, compacted; a string when not */
	CHECK_STR(run(CT_FMT_NDJSON,
		      "SELECT '{\"a\": [1, 2.5e-3, true, false, null],  \"b\" : {\"c\":\"x y\\n\\u00e9\"}}'"
		      " AS request_parameters,"
		      " '{\"userName\":\"bob\"}' AS User_Identity, '[1,2]' AS detail_json,"
		      " '{\"a\": 1' AS response_elements, 'null' AS resources, '' AS tls_details,"
		      " '42' AS evidence, '\"s\"' AS entities, '[1,2]' AS not_json_col,"
		      " NULL AS x_json, ' [ ] ' AS y_json, 'tru' AS z_json"),
		  "{\"request_parameters\":{\"a\":[1,2.5e-3,true,false,null],\"b\":{\"c\":\"x y\\n\\u00e9\"}},"
		  "\"User_Identity\":{\"userName\":\"bob\"},\"detail_json\":[1,2],"
		  "\"response_elements\":\"{\\\"a\\\": 1\",\"resources\":null,\"tls_details\":\"\","
		  "\"evidence\":42,\"entities\":\"s\",\"not_json_col\":\"[1,2]\","
		  "\"x_json\":null,\"y_json\":[],\"z_json\":\"tru\"}\n");
	/* what the validator rejects */
	static const char *const bad[] = {
		"{\"a\":1,}",
		"[1,]",
		"[01]",
		"[1.]",
		"[.5]",
		"[1e]",
		"[-]",
		"{a:1}",
		"{\"a\" 1}",
		"[\"\\x\"]",
		"[\"\\u12G4\"]",
		"[\"tab\there\"]",
		"[1] [2]",
		"[",
		"]",
		"{\"a\":1]",
		"[1 2]",
		"nul",
		"truex",
		"+1",
		"[\"\xff\"]",
		"{\"a\":}",
		"{,}",
		"\"abc",
		"\"\\\"",
		"[NaN]",
		"[Infinity]",
		"[\"\xed\xa0\x80\"]",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(bad); i++) {
		struct ct_out_spec sp = spec_for(CT_FMT_NDJSON, &out);
		struct ct_err err;
		const char *names[] = {"v_json"};
		struct ct_out *o = ct_out_new(&sp, 1, names, &err);
		struct ct_out_value v = ct_out_text(bad[i]);
		ct_buf_free(&out.b);
		CHECK_INT(ct_out_row(o, &v, &err), 0);
		CHECK_INT(ct_out_finish(o, &err), 0);
		ct_out_free(o);
		CHECK(out.b.p && strncmp(out.b.p, "{\"v_json\":\"", 11) == 0);
		if (!out.b.p || strncmp(out.b.p, "{\"v_json\":\"", 11) != 0)
			fprintf(stderr, "  accepted: %s\n", bad[i]);
	}
	ct_buf_free(&out.b);
	/* valid JSON, and what it is written as (NULL: as it is) */
	static const struct {
		const char *in, *out;
	} good[] = {
		{"0", NULL},
		{"-0", NULL},
		{"-1.5E+10", NULL},
		{"1e-5", NULL},
		{"\"\"", NULL},
		{"[]", NULL},
		{"{}", NULL},
		{"[[[]]]", NULL},
		{"\"\\u0000\\ud83d\\ude00\\/\"", NULL},
		{"{\"a\":{\"b\":[{},[]]}}", NULL},
		{"\t\r\n 1 \n", "1"},
		{"\"日本\"", NULL},
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(good); i++) {
		struct ct_out_spec sp = spec_for(CT_FMT_NDJSON, &out);
		struct ct_err err;
		const char *names[] = {"v"};
		struct ct_out *o = ct_out_new(&sp, 1, names, &err);
		struct ct_out_value v = ct_out_json(good[i].in);
		ct_buf_free(&out.b);
		CHECK_INT(ct_out_row(o, &v, &err), 0);
		CHECK_INT(ct_out_finish(o, &err), 0);
		ct_out_free(o);
		char want[256];
		snprintf(want, sizeof(want), "{\"v\":%s}\n", good[i].out ? good[i].out : good[i].in);
		CHECK_STR(out.b.p, want);
	}
	ct_buf_free(&out.b);
	/* nesting limit: deeper is a string */
	{
		char deep[2 * CT_OUT_JSON_MAX_DEPTH + 8];
		for (int d = CT_OUT_JSON_MAX_DEPTH; d <= CT_OUT_JSON_MAX_DEPTH + 1; d++) {
			memset(deep, '[', (size_t)d);
			memset(deep + d, ']', (size_t)d);
			deep[2 * d] = 0;
			struct ct_out_spec sp = spec_for(CT_FMT_NDJSON, &out);
			struct ct_err err;
			const char *names[] = {"v"};
			struct ct_out *o = ct_out_new(&sp, 1, names, &err);
			struct ct_out_value v = ct_out_json(deep);
			ct_buf_free(&out.b);
			ct_out_row(o, &v, &err);
			ct_out_finish(o, &err);
			ct_out_free(o);
			CHECK(out.b.p && out.b.p[5] == (d == CT_OUT_JSON_MAX_DEPTH ? '[' : '"'));
		}
		ct_buf_free(&out.b);
	}

	/* several rows, hidden columns, empty results */
	CHECK_STR(run(CT_FMT_JSON, "SELECT column1 AS a, column2 AS _hidden, column3 AS b FROM"
				   " (VALUES (1, 'x', 'p'), (2, 'y', NULL), (3, 'z', 'r'))"),
		  "[\n{\"a\":1,\"b\":\"p\"},\n{\"a\":2,\"b\":null},\n{\"a\":3,\"b\":\"r\"}\n]\n");
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT column1 AS a, column2 AS _hidden FROM"
				     " (VALUES (1, 'x'), (2, 'y'))"),
		  "{\"a\":1}\n{\"a\":2}\n");
	CHECK_STR(run(CT_FMT_JSON, "SELECT 1 AS a WHERE 0"), "[]\n");
	CHECK_INT(last_rows, 0);
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT 1 AS a WHERE 0"), "");
	CHECK_STR(run(CT_FMT_JSON, "SELECT 1 AS _a"), "[\n{}\n]\n");
	/* reals: shortest round trip */
	CHECK_STR(run(CT_FMT_NDJSON, "SELECT 0.1 AS a, 0.1 + 0.2 AS b, -0.0 AS c, 2.5e-8 AS d,"
				     " 123456789012345678.0 AS e"),
		  "{\"a\":0.1,\"b\":0.30000000000000004,\"c\":-0.0,\"d\":2.5e-08,"
		  "\"e\":1.2345678901234568e+17}\n");
}

static void test_raw(void)
{
	CHECK_STR(run(CT_FMT_RAW, "SELECT column1 AS t, column2 AS _raw, column3 AS z FROM"
				  " (VALUES (1, '{\"eventName\":\"A\"}', 'q'), (2, NULL, 'r'),"
				  " (3, 'line' || char(10) || 'two' || char(27), 's'))"),
		  "{\"eventName\":\"A\"}\n\nline\ntwo\x1b\n");
	/* no _raw column: the first column, whatever its type */
	CHECK_STR(run(CT_FMT_RAW, "SELECT column1 AS _t, column2 AS v FROM (VALUES (1, 'a'), (2.5, 'b'),"
				  " ('x,y', 'c'), (X'41420a', 'd'))"),
		  "1\n2.5\nx,y\nAB\n\n");
	CHECK_STR(run(CT_FMT_RAW, "SELECT 1 AS a WHERE 0"), "");
}

static void test_md(void)
{
	CHECK_STR(run(CT_FMT_MD, "SELECT column1 AS id, column2 AS \"a|b\", column3 AS _h FROM (VALUES"
				 " (1, 'x|y', 0), (2, 'new' || char(10) || 'line', 0), (3, NULL, 0),"
				 " (4, 'back\\slash \x1b[31m', 0), (5, '日本', 0))"),
		  "| id | a\\|b |\n"
		  "|---|---|\n"
		  "| 1 | x\\|y |\n"
		  "| 2 | new\\nline |\n"
		  "| 3 |  |\n"
		  "| 4 | back\\\\slash \\x1b[31m |\n"
		  "| 5 | 日本 |\n");
	CHECK_STR(run(CT_FMT_MD, "SELECT 1 AS a WHERE 0"), "| a |\n|---|\n");
	CHECK_STR(run(CT_FMT_CSV, "SELECT 1 AS a, 2 AS b WHERE 0"), "a,b\n");
	CHECK_STR(run(CT_FMT_TSV, "SELECT 1 AS a, 2 AS b WHERE 0"), "a\tb\n");
}

static void test_table(void)
{
	/* widths from the data, numbers right-aligned, NULL as null_text, no
	 * trailing blanks */
	CHECK_STR(run(CT_FMT_TABLE,
		      "SELECT column1 AS id, column2 AS name, column3 AS note, column4 AS _h"
		      " FROM (VALUES (1, 'ConsoleLogin', 'ok', 0), (22, NULL, NULL, 0),"
		      " (333, 'ÄÖÜ', 'tab' || char(9) || 'nl' || char(10) || 'esc' || char(27) || '[2J', 0))"),
		  " id  name          note\n"
		  "---  ------------  -------------------\n"
		  "  1  ConsoleLogin  ok\n"
		  " 22\n"
		  "333  ÄÖÜ           tab\\tnl\\nesc\\x1b[2J\n");
	/* no rows: nothing */
	CHECK_STR(run(CT_FMT_TABLE, "SELECT 1 AS a WHERE 0"), "");
	CHECK_INT(last_rc, 0);
	/* hidden columns only: nothing */
	CHECK_STR(run(CT_FMT_TABLE, "SELECT 1 AS _a"), "");
	/* C1 controls, bidi overrides and invalid UTF-8 are escaped; combining
	 * marks take no column */
	CHECK_STR(run(CT_FMT_TABLE, "SELECT 'a' || char(155) || 'b' || char(8238) || 'c' AS x,"
				    " CAST(X'41ff42' AS TEXT) AS y, 'e' || char(769) AS z, 'w' AS w"),
		  "x                y       z  w\n"
		  "---------------  ------  -  -\n"
		  "a\\u009bb\\u202ec  A\\xffB  e\xcc\x81  w\n");
	/* header off, NULL text; a mixed column is left-aligned, numbers and
	 * NULLs right-aligned */
	struct sink unused;
	struct ct_out_spec sp = spec_for(CT_FMT_TABLE, &unused);
	sp.header = false;
	sp.null_text = "NULL";
	CHECK_STR(run_spec(sp, "SELECT column1 AS a, column2 AS b FROM (VALUES (1, 2), ('x', NULL))"),
		  "1     2\nx  NULL\n");
	/* colour: bold header, dim NULL, nothing else */
	sp.header = true;
	sp.color = true;
	CHECK_STR(run_spec(sp, "SELECT column1 AS a, column2 AS b FROM (VALUES (1, NULL), (NULL, 'x'))"),
		  "   \033[1ma\033[0m  \033[1mb\033[0m\n"
		  "----  ----\n"
		  "   1  \033[2mNULL\033[0m\n"
		  "\033[2mNULL\033[0m  x\n");
	sp.null_text = "";
	CHECK_STR(run_spec(sp, "SELECT NULL AS a, 'v' AS b"), "\033[1ma\033[0m  \033[1mb\033[0m\n"
							      "-  -\n"
							      "   v\n");
}

static void test_table_fit(void)
{
	struct sink unused;
	struct ct_out_spec sp = spec_for(CT_FMT_TABLE, &unused);
	sp.width = 40;
	/* fits already: unchanged */
	CHECK_STR(run_spec(sp, "SELECT 'abc' AS a, 'defgh' AS b"), "a    b\n---  -----\nabc  defgh\n");
	/* the widest column shrinks first; cut values end in U+2026; the
	 * last column may use the rest of the line */
	CHECK_STR(run_spec(sp, "SELECT column1 AS eventTime, column2 AS arn, column3 AS n FROM (VALUES"
			       " ('2023-07-14T12:00:00.000Z', 'arn:aws:iam::123456789012:user/alice', 1),"
			       " ('2023-07-14T12:00:01.000Z', 'arn:aws:iam::123456789012:role/ÄÖÜ-admin-role', 22))"),
		  "eventTime          arn                 n\n"
		  "-----------------  -----------------  --\n"
		  "2023-07-14T12:00…  arn:aws:iam::123…   1\n"
		  "2023-07-14T12:00…  arn:aws:iam::123…  22\n");
	/* multi-byte text is measured in code points */
	sp.width = 12;
	CHECK_STR(run_spec(sp, "SELECT 'äöüäöüäöüäöüäöü' AS u"), "u\n------------\näöüäöüäöüäö…\n");
	/* East Asian wide characters take two columns, combining marks none;
	 * a wide character that does not fit before the ellipsis leaves a
	 * blank, so the next column stays aligned */
	CHECK_STR(run_spec(sp, "SELECT '日本語' AS w, 'x' AS y UNION ALL SELECT 'abc', 'y'"),
		  "w       y\n------  -\n日本語  x\nabc     y\n");
	CHECK_STR(run_spec(sp, "SELECT 'ab日本語日本語' AS w, 'e\xcc\x81' AS y UNION ALL SELECT 'a日本語日本語', 'z'"),
		  "w          y\n---------  -\nab日本語…  e\xcc\x81\na日本語…   z\n");
	/* too many columns for the width: minimum widths, overflowing */
	sp.width = 10;
	CHECK_STR(run_spec(sp, "SELECT 'aaaaaaaa' AS a, 'bbbbbbbb' AS b, 'cccccccc' AS c"),
		  "a      b      c\n-----  -----  -----\naaaa…  bbbb…  cccc…\n");
	/* escapes count as what is shown; cut values stay UTF-8 */
	sp.width = 6;
	CHECK_STR(run_spec(sp, "SELECT char(27) || 'é' || char(10) || 'xyz' AS e"), "e\n------\n\\x1bé…\n");
}

/* 250 rows: widths come from the first 200, later rows stream. */
static void test_table_stream(void)
{
	exec("CREATE TABLE big(n INTEGER, s TEXT);"
	     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 250)"
	     " INSERT INTO big SELECT i, CASE WHEN i = 201 THEN 'much-longer-value' ELSE 'v' || i END"
	     " FROM c;");
	const char *got = run(CT_FMT_TABLE, "SELECT n, s, n AS m FROM big ORDER BY n");
	CHECK_INT(last_rows, 250);
	/* header sized by "v200" (4 wide) and n up to 200 (3 wide) */
	CHECK(strncmp(got, "  n  s       m\n---  ----  ---\n  1  v1      1\n", 44) == 0);
	/* row 201 overflows its column when not fitting */
	CHECK(strstr(got, "\n200  v200  200\n201  much-longer-value  201\n202  v202  202\n") != NULL);
	/* and is cut when fitting */
	struct sink unused;
	struct ct_out_spec sp = spec_for(CT_FMT_TABLE, &unused);
	sp.width = 80;
	got = run_spec(sp, "SELECT n, s, n AS m FROM big ORDER BY n");
	CHECK(strstr(got, "\n200  v200  200\n201  muc…  201\n202  v202  202\n") != NULL);
	/* ... except in the last column, which may use the rest of the line */
	got = run_spec(sp, "SELECT n, s FROM big ORDER BY n");
	CHECK(strstr(got, "\n200  v200\n201  much-longer-value\n") != NULL);
	exec("DROP TABLE big");
}

static void test_row_api(void)
{
	struct sink s = {0};
	struct ct_out_spec sp = spec_for(CT_FMT_NDJSON, &s);
	struct ct_err err = {0};
	const char *names[] = {"check", "ok", "detail_json", "score", "_private"};
	struct ct_out *o = ct_out_new(&sp, 5, names, &err);
	CHECK(o != NULL);
	struct ct_out_value v[5] = {ct_out_text("digest chain"), ct_out_int(1), ct_out_text("{\"files\": 3}"),
				    ct_out_real(0.75), ct_out_text("secret")};
	CHECK_INT(ct_out_row(o, v, &err), 0);
	v[0] = ct_out_text(NULL);
	v[1] = ct_out_null();
	v[2] = ct_out_json("[1, {\"x\": null}]");
	v[3] = ct_out_real(-2.0);
	CHECK_INT(ct_out_row(o, v, &err), 0);
	CHECK_INT(ct_out_rows(o), 2);
	CHECK_INT(s.calls, 0); /* nothing written before finish or 64 KiB */
	CHECK_INT(ct_out_finish(o, &err), 0);
	CHECK_INT(ct_out_finish(o, &err), 0); /* twice is harmless */
	ct_out_free(o);
	CHECK_STR(s.b.p, "{\"check\":\"digest chain\",\"ok\":1,\"detail_json\":{\"files\":3},\"score\":0.75}\n"
			 "{\"check\":null,\"ok\":null,\"detail_json\":[1,{\"x\":null}],\"score\":-2.0}\n");
	ct_buf_free(&s.b);

	/* a JSON value in a text format is its text */
	sp = spec_for(CT_FMT_CSV, &s);
	const char *n2[] = {"j"};
	o = ct_out_new(&sp, 1, n2, &err);
	v[0] = ct_out_json("{\"a\": 1}");
	CHECK_INT(ct_out_row(o, v, &err), 0);
	CHECK_INT(ct_out_finish(o, &err), 0);
	ct_out_free(o);
	CHECK_STR(s.b.p, "j\n\"{\"\"a\"\": 1}\"\n");
	ct_buf_free(&s.b);

	/* no columns at all */
	sp = spec_for(CT_FMT_TABLE, &s);
	o = ct_out_new(&sp, 0, NULL, &err);
	CHECK(o != NULL);
	CHECK_INT(ct_out_row(o, NULL, &err), 0);
	CHECK_INT(ct_out_finish(o, &err), 0);
	ct_out_free(o);
	CHECK(s.b.len == 0);

	/* bad specs */
	sp.write = NULL;
	CHECK(ct_out_new(&sp, 1, n2, &err) == NULL);
	CHECK_INT(err.code, CT_E_USAGE);
	sp = spec_for((enum ct_format)99, &s);
	CHECK(ct_out_new(&sp, 1, n2, &err) == NULL);
	ct_out_free(NULL);
}

static void test_write_errors(void)
{
	exec("CREATE TABLE many(n INTEGER, s TEXT);"
	     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)"
	     " INSERT INTO many SELECT i, printf('%050d', i) FROM c;");
	static const enum ct_format fs[] = {CT_FMT_TABLE,  CT_FMT_CSV, CT_FMT_TSV, CT_FMT_JSON,
					    CT_FMT_NDJSON, CT_FMT_RAW, CT_FMT_MD};
	for (size_t k = 0; k < CT_ARRAY_SIZE(fs); k++) {
		struct sink unused;
		struct ct_out_spec sp = spec_for(fs[k], &unused);
		/* chunks of about 64 KiB */
		const char *got = run_spec(sp, "SELECT n, s, s AS _raw FROM many");
		CHECK_INT(last_rc, 0);
		CHECK(out.max_chunk >= CT_OUT_CHUNK && out.max_chunk < CT_OUT_CHUNK + 4096);
		CHECK(out.calls > 10);
		size_t full = strlen(got);

		/* the reader goes away after 100000 bytes: 1, quietly */
		ct_buf_free(&out.b);
		memset(&out, 0, sizeof(out));
		out.fail_after = 100000;
		out.fail_errno = EPIPE;
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "SELECT n, s, s AS _raw FROM many", -1, &st, NULL);
		sp.write = sink_write;
		sp.ud = &out;
		uint64_t rows = 0;
		struct ct_err err = {0};
		CHECK_INT(ct_out_stmt(&sp, st, &rows, &err), 1);
		CHECK_INT(err.code, 0);
		CHECK(out.b.len <= 100000 && out.b.len > 0);
		CHECK(rows > 0 && rows < 20000);
		CHECK_INT(out.calls, 2); /* no write after the failed one */
		sqlite3_finalize(st);

		/* disk full: an error with errno's text */
		ct_buf_free(&out.b);
		memset(&out, 0, sizeof(out));
		out.fail_after = full / 2;
		out.fail_errno = ENOSPC;
		sqlite3_prepare_v2(db, "SELECT n, s, s AS _raw FROM many", -1, &st, NULL);
		rows = 7;
		CHECK_INT(ct_out_stmt(&sp, st, &rows, &err), -1);
		CHECK_INT(rows, 7);
		CHECK_INT(err.code, CT_E_SYSTEM);
		CHECK_STR(err.msg, "cannot write output: No space left on device");
		sqlite3_finalize(st);
		ct_buf_free(&out.b);
	}
	/* a failure in the final flush */
	struct sink s = {.fail_errno = EIO};
	struct ct_out_spec sp = spec_for(CT_FMT_CSV, &s);
	struct ct_err err = {0};
	const char *names[] = {"a"};
	struct ct_out *o = ct_out_new(&sp, 1, names, &err);
	struct ct_out_value v = ct_out_int(1);
	CHECK_INT(ct_out_row(o, &v, &err), 0);
	CHECK_INT(ct_out_finish(o, &err), -1);
	CHECK_STR(err.msg, "cannot write output: Input/output error");
	CHECK_INT(ct_out_row(o, &v, &err), -1);
	ct_out_free(o);
	ct_buf_free(&s.b);
	exec("DROP TABLE many");
}

static void test_query_error(void)
{
	/* the rows before a run-time error are shown, then CT_E_QUERY */
	const char *got = run(CT_FMT_JSON, "SELECT column1 AS a, CASE WHEN column1 > 2 THEN"
					   " abs(-9223372036854775807 - 1) ELSE column1 END AS b"
					   " FROM (VALUES (1), (2), (3), (4))");
	CHECK_INT(last_rc, -1);
	CHECK_INT(last_err.code, CT_E_QUERY);
	CHECK_STR(last_err.msg, "integer overflow");
	CHECK_INT(last_rows, 12345); /* not set on error */
	CHECK_STR(got, "[\n{\"a\":1,\"b\":1},\n{\"a\":2,\"b\":2}\n]\n");
	got = run(CT_FMT_TABLE, "SELECT column1 AS a, CASE WHEN column1 > 2 THEN"
				" abs(-9223372036854775807 - 1) ELSE column1 END AS b"
				" FROM (VALUES (1), (2), (3), (4))");
	CHECK_INT(last_rc, -1);
	CHECK_STR(got, "a  b\n-  -\n1  1\n2  2\n");
}

int main(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 1;
	test_parse();
	test_csv();
	test_tsv();
	test_json();
	test_raw();
	test_md();
	test_table();
	test_table_fit();
	test_table_stream();
	test_row_api();
	test_write_errors();
	test_query_error();
	ct_buf_free(&out.b);
	sqlite3_close(db);
	return check_done();
}
