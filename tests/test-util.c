/* test-util.c - time parsing and formatting, hashing, buffers. */
#include "check.h"
#include "util.h"

static void time_cases(void)
{
	int64_t ms;
	CHECK_INT(ct_time_parse_iso("2023-07-14T12:34:56Z", 20, &ms), 0);
	CHECK_INT(ms, 1689338096000LL);
	CHECK_INT(ct_time_parse_iso("2023-07-14T12:34:56.789Z", 24, &ms), 0);
	CHECK_INT(ms, 1689338096789LL);
	CHECK_INT(ct_time_parse_iso("2023-07-14 12:34:56.7", 21, &ms), 0);
	CHECK_INT(ms, 1689338096700LL);
	CHECK_INT(ct_time_parse_iso("2023-07-14T14:34:56+02:00", 25, &ms), 0);
	CHECK_INT(ms, 1689338096000LL);
	CHECK_INT(ct_time_parse_iso("2023-07-14", 10, &ms), 0);
	CHECK_INT(ms, 1689292800000LL);
	CHECK_INT(ct_time_parse_iso("2023-02-29T00:00:00Z", 20, &ms), -1);
	CHECK_INT(ct_time_parse_iso("2024-02-29T00:00:00Z", 20, &ms), 0);
	CHECK_INT(ct_time_parse_iso("2023-13-01T00:00:00Z", 20, &ms), -1);
	CHECK_INT(ct_time_parse_iso("2023-07-14T12:34:56Zjunk", 24, &ms), -1);
	CHECK_INT(ct_time_parse_iso("", 0, &ms), -1);
	CHECK_INT(ct_time_parse_iso("1689338096", 10, &ms), -1);
	char buf[32];
	ct_time_format(1689338096789LL, buf);
	CHECK_STR(buf, "2023-07-14T12:34:56.789Z");
	ct_time_format(0, buf);
	CHECK_STR(buf, "1970-01-01T00:00:00.000Z");
	ct_time_format(-1, buf);
	CHECK_STR(buf, "1969-12-31T23:59:59.999Z");
	int64_t now = 1700000000000LL;
	CHECK_INT(ct_time_parse_arg("90m", now, &ms), 0);
	CHECK_INT(ms, now - 90 * 60000LL);
	CHECK_INT(ct_time_parse_arg("7d", now, &ms), 0);
	CHECK_INT(ms, now - 7 * 86400000LL);
	CHECK_INT(ct_time_parse_arg("1689338096", now, &ms), 0);
	CHECK_INT(ms, 1689338096000LL);
	CHECK_INT(ct_time_parse_arg("2023-07-14T12:34:56Z", now, &ms), 0);
	CHECK_INT(ms, 1689338096000LL);
	CHECK_INT(ct_time_parse_arg("5x", now, &ms), -1);
	CHECK_INT(ct_time_parse_arg("", now, &ms), -1);
}

static void misc_cases(void)
{
	CHECK(ct_hash64("abc", 3, 1) == ct_hash64("abc", 3, 1));
	CHECK(ct_hash64("abc", 3, 1) != ct_hash64("abd", 3, 1));
	CHECK(ct_hash64("abc", 3, 1) != ct_hash64("abc", 3, 2));
	char hex[9];
	ct_hex((const unsigned char *)"\x00\xff\x10\xab", 4, hex);
	CHECK_STR(hex, "00ff10ab");
	struct ct_buf b = {0};
	for (int i = 0; i < 1000; i++)
		ct_buf_printf(&b, "%d,", i);
	CHECK_INT(b.len, 3890);
	CHECK(strncmp(b.p, "0,1,2,", 6) == 0);
	ct_buf_free(&b);
	struct ct_err e = {0};
	CHECK_INT(ct_err_set(&e, CT_E_INPUT, "f.json", 3, "bad %s", "thing"), -1);
	CHECK_STR(e.msg, "bad thing");
	CHECK_INT(e.record, 3);
	CHECK_INT(ct_err_exit(&e), CT_EXIT_INPUT);
}

int main(void)
{
	time_cases();
	misc_cases();
	return check_done();
}
