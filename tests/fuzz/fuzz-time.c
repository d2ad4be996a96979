/* fuzz-time.c - the time argument parsers: ct_time_parse_arg (ISO-8601,
 * epoch seconds, "90m"/"7d" relative times) and ct_time_parse_iso; a time
 * it accepts formats and parses back to the same millisecond. */
#include "fuzz.h"

#define NOW_MS 1710237600000LL /* 2024-03-12T10:00:00Z */

static void round_trip(int64_t ms)
{
	char buf[32];
	ct_time_format(ms, buf);
	/* years 0000..9999 print as 24 characters and must read back */
	if (strlen(buf) != 24 || buf[0] == '-')
		return;
	int64_t back = 0;
	FUZZ_CHECK(ct_time_parse_iso(buf, 24, &back) == 0);
	FUZZ_CHECK(back == ms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t ms = 0;
	if (ct_time_parse_iso((const char *)data, size, &ms) == 0)
		round_trip(ms);
	char *s = fuzz_cstr(data, size);
	if (s) {
		if (ct_time_parse_arg(s, NOW_MS, &ms) == 0)
			round_trip(ms);
		free(s);
	}
	return 0;
}
