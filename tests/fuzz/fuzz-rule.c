/* fuzz-rule.c - the query-file header parser (ct_rule_parse): the
 * "-- key: value" comment header of the query files (queries/NAME.sql), continuation
 * lines, params, and the query after it. */
#include "fuzz.h"

static void touch_rule(const struct ct_rule *r)
{
	const char *const s[] = {
		r->id,         r->title, r->tactics,   r->techniques, r->description, r->false_positives,
		r->references, r->tags,  r->allowlist, r->path};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		fuzz_touch_str(s[i]);
	for (size_t i = 0; i < r->nparams; i++) {
		fuzz_touch_str(r->params[i].name);
		fuzz_touch_str(r->params[i].value);
		fuzz_touch_str(r->params[i].description);
	}
	FUZZ_CHECK(r->id && r->id[0] && r->title && r->sql);
	FUZZ_CHECK(r->severity >= CT_SEV_INFO && r->severity <= CT_SEV_CRITICAL);
	FUZZ_CHECK(r->sql >= r->text && r->sql <= r->text + strlen(r->text));
	FUZZ_CHECK(r->sql_line >= 1);
	fuzz_touch_str(r->sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_rule *r = NULL;
	struct ct_err err;
	memset(&err, 0, sizeof(err));
	if (ct_rule_parse((const char *)data, size, "fuzz.sql", NULL, &r, &err) == 0) {
		touch_rule(r);
		/* the same text with its own id as the file name is accepted */
		char *id = strdup(r->id);
		ct_rule_free(r);
		r = NULL;
		FUZZ_CHECK(id && ct_rule_parse((const char *)data, size, "fuzz.sql", id, &r, &err) == 0);
		free(id);
		ct_rule_free(r);
	} else {
		fuzz_check_err(&err);
		FUZZ_CHECK(err.msg[0] != 0);
	}
	return 0;
}
