/* test-sqlfn.c - ctscan's SQL functions, checked through SQL. */
#include <stdlib.h>

#include "check.h"
#include "sqlfn.h"
#include "store.h"
#include "util.h"

static sqlite3 *db;

/* The first column of the first row as text: "NULL" for NULL, "ERROR: msg"
 * for an error. */
static const char *q(const char *sql)
{
	static char out[1024];
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, sizeof(out), "PREPARE: %s", sqlite3_errmsg(db));
		return out;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			snprintf(out, sizeof(out), "NULL");
		else
			snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	} else if (rc == SQLITE_DONE) {
		snprintf(out, sizeof(out), "DONE");
	} else {
		snprintf(out, sizeof(out), "ERROR: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return out;
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "exec failed: %s: %s\n", sql, msg);
		exit(1);
	}
}

static void test_regexp(void)
{
	CHECK_STR(q("SELECT regexp('^Get', 'GetObject')"), "1");
	CHECK_STR(q("SELECT regexp('^Get', 'PutObject')"), "0");
	CHECK_STR(q("SELECT 'ConsoleLogin' REGEXP '^Console'"), "1");
	CHECK_STR(q("SELECT 'ConsoleLogin' REGEXP 'login$'"), "0");
	CHECK_STR(q("SELECT 'ConsoleLogin' REGEXP '(?i)login$'"), "1");
	CHECK_STR(q("SELECT 'ConsoleLogin' NOT REGEXP 'x'"), "1");
	/* UTF mode: '.' is one code point */
	CHECK_STR(q("SELECT 'héllo' REGEXP '^h.llo$'"), "1");
	CHECK_STR(q("SELECT '日本' REGEXP '^..$'"), "1");
	/* invalid UTF-8 in the subject does not fail the query */
	CHECK_STR(q("SELECT CAST(X'61ff62' AS TEXT) REGEXP 'a'"), "1");
	CHECK_STR(q("SELECT CAST(X'61ff62' AS TEXT) REGEXP '^a.b$'"), "0");
	/* NULLs */
	CHECK_STR(q("SELECT NULL REGEXP 'a'"), "NULL");
	CHECK_STR(q("SELECT 'a' REGEXP NULL"), "NULL");
	CHECK_STR(q("SELECT regexp(NULL, NULL)"), "NULL");
	/* invalid patterns */
	CHECK_STR(q("SELECT 'a' REGEXP '(ab'"),
		  "ERROR: invalid regular expression '(ab': missing closing parenthesis at offset 3");
	CHECK_STR(q("SELECT 'a' REGEXP '*x'"),
		  "ERROR: invalid regular expression '*x': quantifier does not follow a repeatable "
		  "item at offset 0");
	CHECK_STR(q("SELECT NULL REGEXP '[z-a]'"),
		  "ERROR: invalid regular expression '[z-a]': range out of order in character "
		  "class at offset 3");

	/* patterns that vary per row go through the LRU cache (more patterns
	 * than it holds, each used several times) */
	exec("CREATE TABLE pats(p TEXT, s TEXT);"
	     "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)"
	     " INSERT INTO pats SELECT '^x' || (i % 40) || '$', 'x' || (i % 40) FROM n;"
	     "INSERT INTO pats VALUES ('^y$', 'x'), (NULL, 'x'), ('a', NULL);");
	CHECK_STR(q("SELECT count(*) FROM pats WHERE s REGEXP p"), "200");
	CHECK_STR(q("SELECT count(*) FROM pats WHERE s NOT REGEXP p"), "1");
	CHECK_STR(q("SELECT count(*) FROM pats WHERE (s REGEXP p) IS NULL"), "2");
	CHECK_STR(q("SELECT count(*) FROM pats a, pats b WHERE a.s REGEXP b.p"), "1000");
	exec("INSERT INTO pats VALUES ('(', 'x')");
	CHECK_STR(q("SELECT count(*) FROM pats WHERE s REGEXP p"),
		  "ERROR: invalid regular expression '(': missing closing parenthesis at offset 1");
	exec("DROP TABLE pats");
}

static void test_cidr(void)
{
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.0.0.0/8')"), "1");
	CHECK_STR(q("SELECT cidr_match('11.1.2.3', '10.0.0.0/8')"), "0");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.1.2.3')"), "1");
	CHECK_STR(q("SELECT cidr_match('10.1.2.4', '10.1.2.3')"), "0");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.1.2.3/32')"), "1");
	CHECK_STR(q("SELECT cidr_match('1.2.3.4', '0.0.0.0/0')"), "1");
	CHECK_STR(q("SELECT cidr_match('172.31.255.255', '172.16.0.0/12')"), "1");
	CHECK_STR(q("SELECT cidr_match('172.32.0.0', '172.16.0.0/12')"), "0");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.1.2.0/23')"), "1");
	CHECK_STR(q("SELECT cidr_match('10.1.4.3', '10.1.2.0/23')"), "0");
	/* host bits in the network are cleared */
	CHECK_STR(q("SELECT cidr_match('10.200.0.1', '10.1.2.3/8')"), "1");
	/* IPv6 */
	CHECK_STR(q("SELECT cidr_match('2001:db8::1', '2001:db8::/32')"), "1");
	CHECK_STR(q("SELECT cidr_match('2001:DB8:ffff::1', '2001:db8::/32')"), "1");
	CHECK_STR(q("SELECT cidr_match('2001:db9::1', '2001:db8::/32')"), "0");
	CHECK_STR(q("SELECT cidr_match('2001:db8::1', '2001:db8::1')"), "1");
	CHECK_STR(q("SELECT cidr_match('2001:db8::2', '2001:db8::1')"), "0");
	CHECK_STR(q("SELECT cidr_match('fe80::1', 'fe80::/10')"), "1");
	CHECK_STR(q("SELECT cidr_match('fec0::1', 'fe80::/10')"), "0");
	CHECK_STR(q("SELECT cidr_match('2001:db8::1', '::/0')"), "1");
	/* families do not mix, except IPv4-mapped IPv6 */
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '2001:db8::/32')"), "0");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '::/0')"), "0");
	CHECK_STR(q("SELECT cidr_match('2001:db8::1', '0.0.0.0/0')"), "0");
	CHECK_STR(q("SELECT cidr_match('::ffff:10.1.2.3', '10.0.0.0/8')"), "1");
	CHECK_STR(q("SELECT cidr_match('::ffff:0a01:0203', '10.0.0.0/8')"), "1");
	CHECK_STR(q("SELECT cidr_match('::ffff:11.1.2.3', '10.0.0.0/8')"), "0");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '::ffff:10.0.0.0/104')"), "1");
	CHECK_STR(q("SELECT cidr_match('::10.1.2.3', '10.0.0.0/8')"), "0");
	/* not addresses: NULL */
	CHECK_STR(q("SELECT cidr_match('AWS Internal', '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match('ec2.amazonaws.com', '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match(NULL, '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match('', '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match(167837955, '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match('010.001.002.003', '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match('10.0.0.300', '10.0.0.0/8')"), "NULL");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', NULL)"), "NULL");
	/* invalid networks: errors */
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.0.0.0/33')"), "ERROR: invalid CIDR '10.0.0.0/33'");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '2001:db8::/129')"), "ERROR: invalid CIDR '2001:db8::/129'");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.0.0.0/')"), "ERROR: invalid CIDR '10.0.0.0/'");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.0.0/8')"), "ERROR: invalid CIDR '10.0.0/8'");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', '10.0.0.0/8x')"), "ERROR: invalid CIDR '10.0.0.0/8x'");
	CHECK_STR(q("SELECT cidr_match('10.1.2.3', 'private')"), "ERROR: invalid CIDR 'private'");
	CHECK_STR(q("SELECT cidr_match(NULL, 'bogus')"), "ERROR: invalid CIDR 'bogus'");

	/* a constant network over many rows (auxdata) and a varying one */
	exec("CREATE TABLE t(ip TEXT, net TEXT);"
	     "INSERT INTO t VALUES ('10.0.0.1', '10.0.0.0/8'), ('192.168.1.1', '10.0.0.0/8'),"
	     " ('AWS Internal', '0.0.0.0/0'), ('2001:db8::5', '2001:db8::/64'),"
	     " ('::ffff:10.9.9.9', '10.9.0.0/16'), (NULL, '10.0.0.0/8');");
	CHECK_STR(q("SELECT group_concat(ifnull(cidr_match(ip, '10.0.0.0/8'), 'N'), '') FROM t"), "10N01N");
	CHECK_STR(q("SELECT group_concat(ifnull(cidr_match(ip, net), 'N'), '') FROM t"), "10N11N");
	exec("DROP TABLE t");
}

static void test_ip(void)
{
	static const struct {
		const char *ip;
		const char *priv, *ver;
	} cases[] = {
		{"10.0.0.1", "1", "4"},
		{"10.255.255.255", "1", "4"},
		{"172.16.0.1", "1", "4"},
		{"172.31.0.1", "1", "4"},
		{"172.32.0.1", "0", "4"},
		{"172.15.0.1", "0", "4"},
		{"192.168.0.1", "1", "4"},
		{"192.169.0.1", "0", "4"},
		{"127.0.0.1", "1", "4"},
		{"169.254.169.254", "1", "4"},
		{"169.255.0.1", "0", "4"},
		{"100.64.0.1", "1", "4"},
		{"100.127.255.255", "1", "4"},
		{"100.128.0.1", "0", "4"},
		{"100.63.255.255", "0", "4"},
		{"8.8.8.8", "0", "4"},
		{"0.0.0.0", "0", "4"},
		{"255.255.255.255", "0", "4"},
		{"::1", "1", "6"},
		{"::", "0", "6"},
		{"fe80::1", "1", "6"},
		{"febf::1", "1", "6"},
		{"fec0::1", "0", "6"},
		{"fc00::1", "1", "6"},
		{"fd12:3456::1", "1", "6"},
		{"fe00::1", "0", "6"},
		{"2001:db8::1", "0", "6"},
		{"2600:1f18::1", "0", "6"},
		{"::ffff:10.1.2.3", "1", "6"},
		{"::ffff:8.8.8.8", "0", "6"},
		{"1:2:3:4:5:6:7:8", "0", "6"},
		/* not addresses */
		{"AWS Internal", "NULL", "NULL"},
		{"ec2.amazonaws.com", "NULL", "NULL"},
		{"", "NULL", "NULL"},
		{"010.001.002.003", "NULL", "NULL"},
		{"10.0.0.300", "NULL", "NULL"},
		{"10.0.0", "NULL", "NULL"},
		{"10.0.0.1.", "NULL", "NULL"},
		{"10.0.0.1 ", "NULL", "NULL"},
		{" 10.0.0.1", "NULL", "NULL"},
		{"10.0.0.-1", "NULL", "NULL"},
		{"1.2.3.4/32", "NULL", "NULL"},
		{"10.0.0.x", "NULL", "NULL"},
		{"0x0a.0.0.1", "NULL", "NULL"},
		{"fe80::1%eth0", "NULL", "NULL"},
		{"[::1]", "NULL", "NULL"},
		{"1:2:3:4:5:6:7:8:9", "NULL", "NULL"},
		{"2001:db8:::1", "NULL", "NULL"},
		{"::ffff:010.1.2.3", "NULL", "NULL"},
		{"12345::", "NULL", "NULL"},
		{"-", "NULL", "NULL"},
	};
	char sql[256];
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		snprintf(sql, sizeof(sql), "SELECT ip_is_private('%s')", cases[i].ip);
		CHECK_STR(q(sql), cases[i].priv);
		snprintf(sql, sizeof(sql), "SELECT ip_version('%s')", cases[i].ip);
		CHECK_STR(q(sql), cases[i].ver);
	}
	CHECK_STR(q("SELECT ip_is_private(NULL)"), "NULL");
	CHECK_STR(q("SELECT ip_version(NULL)"), "NULL");
	CHECK_STR(q("SELECT ip_version(4)"), "NULL");
	CHECK_STR(q("SELECT ip_version(CAST('10.0.0.1' AS BLOB))"), "4");
	CHECK_STR(q("SELECT ip_version(CAST(X'31302e302e302e3100' AS TEXT))"), "NULL");
	CHECK_STR(q("SELECT typeof(ip_version('::1'))"), "integer");

	/* the C helpers directly */
	unsigned char a[16];
	int fam = 0;
	CHECK_INT(ct_ip_parse("10.1.2.3xyz", 8, a, &fam), 0);
	CHECK_INT(fam, CT_IP_V4);
	static const unsigned char want[16] = {[10] = 0xff, [11] = 0xff, [12] = 10, [13] = 1, [14] = 2, [15] = 3};
	CHECK(memcmp(a, want, 16) == 0);
	CHECK_INT(ct_ip_parse("::ffff:10.1.2.3", 15, a, &fam), 0);
	CHECK_INT(fam, CT_IP_V6);
	CHECK(memcmp(a, want, 16) == 0);
	fam = 0;
	CHECK_INT(ct_ip_parse("10.1.2.3", 7, a, &fam), -1);
	CHECK_INT(fam, 0);
	struct ct_cidr c;
	CHECK_INT(ct_cidr_parse("192.168.77.1/16", &c), 0);
	CHECK_INT(c.family, CT_IP_V4);
	CHECK_INT(c.prefix, 16);
	CHECK_INT(c.addr[12], 192);
	CHECK_INT(c.addr[13], 168);
	CHECK_INT(c.addr[14], 0);
	CHECK_INT(ct_cidr_parse("::ffff:0:0/96", &c), 0);
	CHECK_INT(c.family, CT_IP_V4);
	CHECK_INT(c.prefix, 0);
	CHECK_INT(ct_cidr_parse("2001:db8::1/127", &c), 0);
	CHECK_INT(c.family, CT_IP_V6);
	CHECK_INT(c.prefix, 127);
	CHECK_INT(ct_cidr_parse("2001:db8::1/-1", &c), -1);
	CHECK_INT(ct_cidr_parse("/8", &c), -1);
	CHECK_INT(ct_cidr_parse("10.0.0.0/0008", &c), -1);
	CHECK_INT(ct_ip_parse("2001:db8::1", 11, a, &fam), 0);
	CHECK(ct_cidr_parse("2001:db8::/127", &c) == 0 && ct_cidr_contains(&c, a, fam));
	CHECK(ct_cidr_parse("2001:db8::2/127", &c) == 0 && !ct_cidr_contains(&c, a, fam));
}

static void test_time(void)
{
	CHECK_STR(q("SELECT ts_iso(0)"), "1970-01-01T00:00:00.000Z");
	CHECK_STR(q("SELECT ts_iso(1689336000123)"), "2023-07-14T12:00:00.123Z");
	CHECK_STR(q("SELECT ts_iso(-1)"), "1969-12-31T23:59:59.999Z");
	CHECK_STR(q("SELECT ts_iso(1689336000123.9)"), "2023-07-14T12:00:00.123Z");
	CHECK_STR(q("SELECT ts_iso('1689336000123')"), "2023-07-14T12:00:00.123Z");
	CHECK_STR(q("SELECT ts_iso(253402300799999)"), "9999-12-31T23:59:59.999Z");
	CHECK_STR(q("SELECT ts_iso(253402300800000)"), "NULL");
	CHECK_STR(q("SELECT ts_iso(-62167219200000)"), "0000-01-01T00:00:00.000Z");
	CHECK_STR(q("SELECT ts_iso(-62167219200001)"), "NULL");
	CHECK_STR(q("SELECT ts_iso(NULL)"), "NULL");
	CHECK_STR(q("SELECT ts_iso('yesterday')"), "NULL");
	CHECK_STR(q("SELECT ts_iso(1e300)"), "NULL");

	CHECK_STR(q("SELECT ts_ms('2023-07-14T12:00:00Z')"), "1689336000000");
	CHECK_STR(q("SELECT ts_ms('2023-07-14T12:00:00.123Z')"), "1689336000123");
	CHECK_STR(q("SELECT ts_ms('2023-07-14 14:00:00+02:00')"), "1689336000000");
	CHECK_STR(q("SELECT ts_ms('2023-07-14')"), "1689292800000");
	CHECK_STR(q("SELECT ts_ms('1970-01-01T00:00:00Z')"), "0");
	CHECK_STR(q("SELECT typeof(ts_ms('1970-01-01T00:00:00Z'))"), "integer");
	CHECK_STR(q("SELECT ts_ms('2023-02-30T00:00:00Z')"), "NULL");
	CHECK_STR(q("SELECT ts_ms('not a time')"), "NULL");
	CHECK_STR(q("SELECT ts_ms('')"), "NULL");
	CHECK_STR(q("SELECT ts_ms(NULL)"), "NULL");
	CHECK_STR(q("SELECT ts_ms(1689336000000)"), "NULL");
	/* round trips */
	CHECK_STR(q("SELECT ts_iso(ts_ms('2023-07-14T12:34:56.789Z'))"), "2023-07-14T12:34:56.789Z");
	CHECK_STR(q("SELECT ts_ms(ts_iso(1700000000001))"), "1700000000001");
	CHECK_STR(q("SELECT ts_ms(ts_iso(-62167219200000))"), "-62167219200000");
	CHECK_STR(q("SELECT ts_ms(ts_iso(253402300799999))"), "253402300799999");
}

static void test_flags(void)
{
	/* deterministic functions may be used in indexes and generated columns */
	exec("CREATE TABLE e(ip TEXT, t INTEGER, v AS (ip_version(ip)));"
	     "CREATE INDEX e_priv ON e(ip_is_private(ip));"
	     "CREATE INDEX e_iso ON e(ts_iso(t));"
	     "INSERT INTO e VALUES ('10.0.0.1', 0), ('8.8.8.8', 1), ('AWS Internal', 2);");
	CHECK_STR(q("SELECT group_concat(ifnull(v, 'N'), '') FROM e"), "44N");
	CHECK_STR(q("SELECT count(*) FROM e WHERE ip_is_private(ip) = 0"), "1");
	exec("DROP TABLE e");
}

/* an event id in two columns: ct_event_eid (the indexed half) and
 * ct_event_key, from SQL and from C */
static void test_event_key(void)
{
	CHECK_INT(ct_store_register_functions(db), SQLITE_OK);
	/* the first half of a lowercase UUID, signed, and the second half */
	CHECK_STR(q("SELECT printf('%x', ct_event_eid('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff'))"), "f3e2d1c0b0a04f9e");
	CHECK_STR(q("SELECT ct_event_eid('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff') < 0"), "1");
	CHECK_STR(q("SELECT printf('%x', ct_event_key('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff'))"), "8d7c00ff00ff00ff");
	CHECK_STR(q("SELECT typeof(ct_event_key('0a6f5d2e-1111-4a3b-9c8d-000000000004'))"), "integer");
	/* any other id, a UUID in capitals too, is kept as its text, keyed by
	 * a hash */
	CHECK_STR(q("SELECT ct_event_key('ev-00001') || ' ' || typeof(ct_event_eid('ev-00001'))"), "ev-00001 integer");
	CHECK_STR(q("SELECT ct_event_eid('ev-00001') = ct_event_eid('ev-00002')"), "0");
	CHECK_STR(q("SELECT ct_event_key('F3E2D1C0-B0A0-4F9E-8D7C-00FF00FF00FF')"),
		  "F3E2D1C0-B0A0-4F9E-8D7C-00FF00FF00FF");
	CHECK_STR(q("SELECT ct_event_eid('F3E2D1C0-B0A0-4F9E-8D7C-00FF00FF00FF') ="
		    " ct_event_eid('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff')"),
		  "0");
	CHECK_STR(q("SELECT ct_event_key('0a6f5d2e-1111-4a3b-9c8d-0000000000')"), "0a6f5d2e-1111-4a3b-9c8d-0000000000");
	/* a byte that is not a hex digit, first or last of its pair */
	CHECK_STR(q("SELECT ct_event_key('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00fg')"),
		  "f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00fg");
	CHECK_STR(q("SELECT ct_event_key('g3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff')"),
		  "g3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff");
	CHECK_STR(q("SELECT ct_event_key('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff0/ff')"),
		  "f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff0/ff");
	CHECK_STR(q("SELECT ct_event_eid(NULL) IS NULL AND ct_event_key(NULL) IS NULL"), "1");

	/* CT_EVENT_ID_MATCH: as written, or in lower case */
	exec("CREATE TABLE ev(id INTEGER PRIMARY KEY, eid INTEGER, event_id);"
	     "INSERT INTO ev VALUES(1, ct_event_eid('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff'),"
	     " ct_event_key('f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff'));"
	     "INSERT INTO ev VALUES(2, ct_event_eid('0A6F5D2E-1111-4A3B-9C8D-000000000004'),"
	     " ct_event_key('0A6F5D2E-1111-4A3B-9C8D-000000000004'));"
	     "INSERT INTO ev VALUES(3, ct_event_eid('ev-00001'), ct_event_key('ev-00001'));");
	static const char *const finds[][2] = {
		{"f3e2d1c0-b0a0-4f9e-8d7c-00ff00ff00ff", "1"},
		{"F3E2D1C0-B0A0-4F9E-8D7C-00FF00FF00FF", "1"},
		{"0A6F5D2E-1111-4A3B-9C8D-000000000004", "2"},
		{"0a6f5d2e-1111-4a3b-9c8d-000000000004", "NULL"},
		{"ev-00001", "3"},
		{"EV-00001", "3"},
		{"ev-00002", "NULL"},
	};
	for (size_t i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		sqlite3_stmt *st;
		CHECK_INT(sqlite3_prepare_v2(db, "SELECT group_concat(id) FROM ev e WHERE " CT_EVENT_ID_MATCH("e"), -1,
					     &st, NULL),
			  SQLITE_OK);
		sqlite3_bind_text(st, 1, finds[i][0], -1, SQLITE_STATIC);
		CHECK_INT(sqlite3_step(st), SQLITE_ROW);
		const char *r = (const char *)sqlite3_column_text(st, 0);
		CHECK_STR(r ? r : "NULL", finds[i][1]);
		sqlite3_finalize(st);
	}
	exec("DROP TABLE ev");

	/* C: both halves back to the text, at the edges of the range */
	static const char *const ids[] = {
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"80000000-0000-0000-8000-000000000000", "7fffffff-ffff-ffff-7fff-ffffffffffff",
		"0a6f5d2e-1111-4a3b-9c8d-000000000004"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int64_t eid, lo;
		char text[37];
		CHECK_INT(ct_event_key_make(ids[i], 36, &eid, &lo), 1);
		ct_event_key_text(eid, lo, text);
		CHECK_STR(text, ids[i]);
	}
	int64_t eid, lo;
	CHECK_INT(ct_event_key_make("ev-00001", 8, &eid, &lo), 0);
	CHECK_INT(ct_event_key_make("0A6F5D2E-1111-4A3B-9C8D-000000000004", 36, &eid, &lo), 0);
}

int main(void)
{
	struct ct_err err = {0};
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 1;
	CHECK_INT(ct_sqlfn_register(db, &err), 0);
	test_regexp();
	test_cidr();
	test_ip();
	test_time();
	test_flags();
	test_event_key();
	sqlite3_close(db);

	/* registering twice on one connection replaces the functions cleanly */
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(ct_sqlfn_register(db, &err), 0);
	CHECK_INT(ct_sqlfn_register(db, &err), 0);
	CHECK_STR(q("SELECT 'abc' REGEXP 'b'"), "1");
	sqlite3_close(db);
	return check_done();
}
