/* fuzz-flowformat.c - the --flow-format string parser
 * (ct_flow_layout_from_format): the input's first line is the format;
 * when it is accepted, the rest is read as header-less lines in it. */
#include "fuzz.h"

#include "flowlog.h"

static int on_rec(void *ud, const struct ct_flow_rec *r, uint64_t lineno)
{
	(void)ud;
	(void)lineno;
	fuzz_touch(r->line, r->len);
	for (int f = 0; f < CT_FF_COUNT; f++)
		if (r->v[f].present && r->v[f].s)
			fuzz_touch(r->v[f].s, r->v[f].len);
	for (size_t i = 0; i < r->nunknown; i++)
		fuzz_touch(r->unknown[i].s, r->unknown[i].len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t flen = nl ? (size_t)(nl - (const char *)data) : size;
	char *fmt = fuzz_cstr(data, flen);
	if (!fmt)
		return 0;
	struct ct_flow_layout *l = NULL;
	struct ct_err err;
	memset(&err, 0, sizeof(err));
	if (ct_flow_layout_from_format(fmt, &l, &err) < 0) {
		fuzz_check_err(&err);
		FUZZ_CHECK(err.code == CT_E_USAGE);
		free(fmt);
		return 0;
	}
	size_t n = ct_flow_layout_count(l);
	FUZZ_CHECK(n >= 1 && n <= CT_FLOW_MAX_FIELDS);
	size_t unknown = 0;
	for (size_t c = 0; c < n; c++) {
		enum ct_flow_field f = ct_flow_layout_field(l, c);
		if (f == CT_FF_UNKNOWN)
			unknown++;
		else
			FUZZ_CHECK(ct_flow_layout_has(l, f) && ct_flow_field_name(f) && ct_flow_field_column(f));
	}
	FUZZ_CHECK(unknown == ct_flow_layout_unknown_count(l));
	for (size_t i = 0; i < unknown; i++)
		fuzz_touch_str(ct_flow_layout_unknown_name(l, i));
	ct_flow_layout_free(l);
	if (nl) {
		const char *rest = nl + 1;
		size_t rlen = size - flen - 1;
		int rc = ct_flow_parse_buffer(rest, rlen, fmt, "fuzz.log", fuzz_diag, on_rec, NULL, NULL, &err);
		fuzz_check_err(&err);
		(void)rc;
	}
	free(fmt);
	return 0;
}
