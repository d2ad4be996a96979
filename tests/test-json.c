/* test-json.c - the validating scanner, unescaping and escaping. */
#include "check.h"
#include "json.h"

static int valid(const char *s)
{
	return ct_json_valid(s, strlen(s));
}

static void validity(void)
{
	static const char *const good[] = {
		"{}",
		"[]",
		"0",
		"-0",
		"1.5e+10",
		"\"\"",
		"true",
		"false",
		"null",
		" {\"a\" : [1, 2, {\"b\":null}]} ",
		"\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\/\"",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"[1e5,2E-3,0.5]",
	};
	static const char *const bad[] = {
		"",
		"{",
		"[1,]",
		"{\"a\":}",
		"{\"a\" 1}",
		"{a:1}",
		"01",
		"1.",
		".5",
		"-",
		"1e",
		"tru",
		"nul",
		"\"abc",
		"\"\\x\"",
		"\"\\u12g4\"",
		"\"a\nb\"",
		"[1] 2",
		"{\"a\":1,}",
		"\"\xff\"",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"[\"\xe2\x82\"]",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		if (!valid(good[i]))
			fprintf(stderr, "should be valid: %s\n", good[i]);
		CHECK(valid(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (valid(bad[i]))
			fprintf(stderr, "should be invalid: %s\n", bad[i]);
		CHECK(!valid(bad[i]));
	}
	/* NUL inside a string and outside */
	CHECK(!ct_json_valid("\"a\0b\"", 5));
	CHECK(!ct_json_valid("[1,\0]", 5));
}

static void depth(void)
{
	char buf[2100];
	for (int n = 511; n <= 513; n++) {
		size_t k = 0;
		for (int i = 0; i < n; i++)
			buf[k++] = '[';
		for (int i = 0; i < n; i++)
			buf[k++] = ']';
		struct ct_json_scan s = {.p = buf, .end = buf + k, .final = true};
		int rc = ct_json_skip(&s, 0);
		if (n <= 512) {
			CHECK_INT(rc, CT_JSON_OK);
		} else {
			CHECK_INT(rc, CT_JSON_ERR);
			CHECK_INT(s.errkind, CT_JSON_E_DEPTH);
			CHECK_STR(s.err, "nesting deeper than 512 levels");
		}
	}
}

static void streaming(void)
{
	/* a value cut anywhere asks for more, never errs */
	const char *doc = "{\"a\":[1,2.5e3,\"x\\u00e9y\",true,null,{\"b\":false}],\"c\":\"\xc3\xa9\"}";
	size_t n = strlen(doc);
	for (size_t cut = 1; cut < n; cut++) {
		struct ct_json_scan s = {.p = doc, .end = doc + cut, .final = false};
		int rc = ct_json_skip(&s, 0);
		if (rc != CT_JSON_MORE)
			fprintf(stderr, "cut at %zu: %d\n", cut, rc);
		CHECK_INT(rc, CT_JSON_MORE);
	}
	struct ct_json_scan s = {.p = doc, .end = doc + n, .final = false};
	CHECK_INT(ct_json_skip(&s, 0), CT_JSON_OK);
	CHECK(s.p == doc + n);
	/* a number at the end of the bytes is complete only when final */
	/* one array per text: two equal string literals need not be one object */
	static const char num[] = "123", badu[] = "\"a\xff\"", arr[] = "[1 2]";
	struct ct_json_scan t = {.p = num, .end = num + 3, .final = false};
	CHECK_INT(ct_json_skip(&t, 0), CT_JSON_MORE);
	t.p = num;
	t.final = true;
	CHECK_INT(ct_json_skip(&t, 0), CT_JSON_OK);
	/* content errors are told apart from structure errors */
	struct ct_json_scan u = {.p = badu, .end = badu + 4, .final = true};
	CHECK_INT(ct_json_skip(&u, 0), CT_JSON_ERR);
	CHECK_INT(u.errkind, CT_JSON_E_CONTENT);
	CHECK_STR(u.err, "invalid UTF-8 in string");
	struct ct_json_scan v = {.p = arr, .end = arr + 5, .final = true};
	CHECK_INT(ct_json_skip(&v, 0), CT_JSON_ERR);
	CHECK_INT(v.errkind, CT_JSON_E_SYNTAX);
	CHECK_STR(v.err, "expected ',' or ']'");
}

static void unescape(void)
{
	char out[64];
	const char *in = "a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\\ud800x";
	size_t n = ct_json_unescape(in, strlen(in), out);
	CHECK_INT(n, strlen("a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx"));
	CHECK(memcmp(out, "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx", n) == 0);
	char esc[64];
	n = ct_json_escape("q\"\\\n\x01\xff"
			   "\xc3\xa9",
			   8, esc);
	esc[n] = 0;
	CHECK_STR(esc, "q\\\"\\\\\\n\\u0001\xef\xbf\xbd\xc3\xa9");
}

int main(void)
{
	validity();
	depth();
	streaming();
	unescape();
	return check_done();
}
