/* fuzz-flowlog.c - the VPC Flow Log text parser over any bytes: a header
 * line (or none: the default version 2 layout), records, repeated and
 * changed headers, CloudWatch export timestamps, through
 * ct_flow_parse_buffer; and the content sniffers on the first line. */
#include "fuzz.h"

#include "flowlog.h"

static void touch_value(const struct ct_flow_value *v)
{
	if (v->present && v->s)
		fuzz_touch(v->s, v->len);
}

static int on_rec(void *ud, const struct ct_flow_rec *r, uint64_t lineno)
{
	uint64_t *last = ud;
	FUZZ_CHECK(lineno > *last);
	*last = lineno;
	FUZZ_CHECK(r->len <= CT_FLOW_MAX_LINE);
	fuzz_touch(r->line, r->len);
	for (int f = 0; f < CT_FF_COUNT; f++) {
		touch_value(&r->v[f]);
		FUZZ_CHECK(r->v[f].present == ct_flow_layout_has(r->layout, (enum ct_flow_field)f));
		if (r->v[f].present && !r->v[f].null && ct_flow_field_is_time((enum ct_flow_field)f))
			FUZZ_CHECK(r->v[f].i % 1000 == 0);
	}
	FUZZ_CHECK(r->nunknown == ct_flow_layout_unknown_count(r->layout));
	for (size_t i = 0; i < r->nunknown; i++) {
		touch_value(&r->unknown[i]);
		fuzz_touch_str(ct_flow_layout_unknown_name(r->layout, i));
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t first = nl ? (size_t)(nl - text) : size;
	(void)ct_flow_looks_like_header(text, first);
	(void)ct_flow_looks_like_record(text, first);
	uint64_t last = 0;
	struct ct_flow_stats st;
	memset(&st, 0, sizeof(st));
	struct ct_err err;
	memset(&err, 0, sizeof(err));
	int rc = ct_flow_parse_buffer(text, size, NULL, "fuzz.log", fuzz_diag, on_rec, &last, &st, &err);
	fuzz_check_err(&err);
	if (rc == 0)
		FUZZ_CHECK(st.records + st.bad + st.headers <= st.lines && st.nodata + st.skipdata <= st.records);
	return 0;
}
