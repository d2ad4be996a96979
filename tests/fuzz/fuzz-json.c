/* fuzz-json.c - the in-place JSON scanner under the CloudTrail reader:
 * ct_json_valid, ct_json_skip on a stream cut at any point (a value it
 * finishes without the rest must end at the same byte with it), and the
 * string escaper and unescaper (escape, unescape, escape is stable). */
#include "fuzz.h"

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	bool valid = ct_json_valid(p, size);

	/* a value scanned as a stream that may go on, then as the whole input */
	const char *start = ct_json_ws(p, p + size);
	if (start < p + size) {
		struct ct_json_scan fin = {.p = start, .end = p + size, .final = true, .max_depth = CT_JSON_MAX_DEPTH};
		int rf = ct_json_skip(&fin, 0);
		size_t cut = (((size_t)data[size - 1] << 8) | data[0]) % (size + 1);
		if (p + cut > start) {
			struct ct_json_scan part = {
				.p = start, .end = p + cut, .final = false, .max_depth = CT_JSON_MAX_DEPTH};
			int rp = ct_json_skip(&part, 0);
			if (rp == CT_JSON_OK)
				FUZZ_CHECK(rf == CT_JSON_OK && part.p == fin.p);
			if (rf == CT_JSON_OK && p + cut >= fin.p && *start != '-' && (*start < '0' || *start > '9'))
				FUZZ_CHECK(rp == CT_JSON_OK);
		}
		if (rf == CT_JSON_OK)
			FUZZ_CHECK(fin.p > start && fin.p <= p + size);
		else if (rf == CT_JSON_ERR)
			FUZZ_CHECK(fin.err && fin.errpos >= p && fin.errpos <= p + size);
		else /* MORE with final set: the value is cut short */
			FUZZ_CHECK(rf == CT_JSON_MORE && !valid);
	}

	/* escape -> a valid JSON string -> unescape -> escape again: the same */
	if (size > 4096)
		return 0;
	char *esc = malloc(6 * size + 3);
	FUZZ_CHECK(esc != NULL);
	esc[0] = '"';
	size_t el = ct_json_escape(p, size, esc + 1);
	FUZZ_CHECK(el <= 6 * size);
	esc[el + 1] = '"';
	FUZZ_CHECK(ct_json_valid(esc, el + 2));
	struct ct_json_scan s = {.p = esc, .end = esc + el + 2, .final = true, .max_depth = CT_JSON_MAX_DEPTH};
	struct ct_json_str str;
	FUZZ_CHECK(ct_json_string(&s, &str) == CT_JSON_OK && s.p == esc + el + 2);
	char *un = malloc(el + 1);
	FUZZ_CHECK(un != NULL);
	size_t ul = str.escaped ? ct_json_unescape(str.s, str.len, un) : (memcpy(un, str.s, str.len), str.len);
	FUZZ_CHECK(ul <= el);
	char *esc2 = malloc(6 * ul + 1);
	FUZZ_CHECK(esc2 != NULL);
	size_t el2 = ct_json_escape(un, ul, esc2);
	FUZZ_CHECK(el2 == el && memcmp(esc2, esc + 1, el) == 0);
	free(esc2);
	free(un);
	free(esc);
	return 0;
}
