/* fuzz-cloudtrail.c - the CloudTrail record reader over any bytes, in
 * every input shape (Records files, NDJSON, lookup-events pages, bare
 * arrays, single events), through ct_cloudtrail_read_mem. */
#include "fuzz.h"

#include "cloudtrail.h"
#include "detail.h"
#include "json.h"

struct seen {
	uint64_t events, last_ordinal;
};

static int on_event(void *ud, const struct ct_event *ev, struct ct_err *err)
{
	struct seen *s = ud;
	(void)err;
	/* records come in order, each a complete JSON value kept verbatim */
	FUZZ_CHECK(ev->ordinal > s->last_ordinal);
	s->last_ordinal = ev->ordinal;
	s->events++;
	FUZZ_CHECK(ev->raw && ev->raw_len > 0 && ev->raw_len <= CT_MAX_RECORD);
	FUZZ_CHECK(ct_json_valid(ev->raw, ev->raw_len));
	for (int i = 0; i < CT_EF_COUNT; i++)
		if (ev->f[i].s)
			fuzz_touch(ev->f[i].s, ev->f[i].len);
	for (int i = 0; i < CT_EB_COUNT; i++)
		FUZZ_CHECK(ev->b[i] >= -1 && ev->b[i] <= 1);
	/* the bodies are valid JSON inside the record; the detail and link
	 * facts computed from them; the link facts are valid JSON */
	for (int i = 0; i < CT_EJ_COUNT; i++)
		if (ev->j[i].s) {
			FUZZ_CHECK(ev->j[i].s >= ev->raw && ev->j[i].s + ev->j[i].len <= ev->raw + ev->raw_len);
			FUZZ_CHECK(ct_json_valid(ev->j[i].s, ev->j[i].len));
		}
	struct ct_buf d = {0}, l = {0};
	FUZZ_CHECK(ct_detail_compute(ev, &d, &l) == 0);
	if (d.len)
		fuzz_touch(d.p, d.len);
	FUZZ_CHECK(!l.len || ct_json_valid(l.p, l.len));
	if (d.len) {
		char *ra, *se, *nm, *key;
		FUZZ_CHECK(ct_detail_sts_parse(d.p, &ra, &se, &nm, &key) == 0);
		free(ra), free(se), free(nm), free(key);
	}
	ct_buf_free(&d);
	ct_buf_free(&l);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0};
	struct ct_read_stats st;
	memset(&st, 0, sizeof(st));
	struct ct_err err;
	memset(&err, 0, sizeof(err));
	int rc = ct_cloudtrail_read_mem((const char *)data, size, "fuzz.json", on_event, fuzz_diag, &s, &st, &err);
	FUZZ_CHECK(rc >= CT_RD_FATAL && rc <= CT_RD_EMPTY);
	FUZZ_CHECK(rc != CT_RD_FATAL); /* the callback never fails */
	fuzz_check_err(&err);
	FUZZ_CHECK(st.records >= s.events);
	/* a file broken past its last record counts one more rejected */
	if (rc == CT_RD_OK)
		FUZZ_CHECK(st.bad <= st.records);
	if (rc == CT_RD_BROKEN)
		FUZZ_CHECK(st.bad <= st.records + 1);
	if (rc == CT_RD_NOTLOG || rc == CT_RD_EMPTY || rc == CT_RD_DIGEST)
		FUZZ_CHECK(s.events == 0);
	fuzz_touch_str(ct_shape_name(st.shape));
	return 0;
}
