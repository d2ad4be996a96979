/* fuzz-cidr.c - the address and network argument parsers: ct_ip_parse
 * (exact length, no NUL) and ct_cidr_parse (--ip, cidr_match, IP lists),
 * with what they promise: a v4 address is a dotted quad inet_pton reads
 * the same, a network holds its own address, host bits are cleared. */
#include "fuzz.h"

#include <arpa/inet.h>

#include "sqlfn.h"

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char a[16];
	int fam = 0;
	if (ct_ip_parse((const char *)data, size, a, &fam) == 0) {
		FUZZ_CHECK(fam == CT_IP_V4 || fam == CT_IP_V6);
		char *s = fuzz_cstr(data, size);
		FUZZ_CHECK(s != NULL);
		unsigned char b[16];
		if (fam == CT_IP_V4) {
			FUZZ_CHECK(memcmp(a, v4mapped, 12) == 0);
			FUZZ_CHECK(inet_pton(AF_INET, s, b) == 1 && memcmp(a + 12, b, 4) == 0);
		} else {
			FUZZ_CHECK(inet_pton(AF_INET6, s, b) == 1 && memcmp(a, b, 16) == 0);
		}
		(void)ct_ip_is_private(a, fam);
		free(s);
	}
	char *s = fuzz_cstr(data, size);
	if (!s)
		return 0;
	struct ct_cidr c;
	if (ct_cidr_parse(s, &c) == 0) {
		FUZZ_CHECK(c.family == CT_IP_V4 || c.family == CT_IP_V6);
		int max = c.family == CT_IP_V4 ? 32 : 128;
		FUZZ_CHECK(c.prefix >= 0 && c.prefix <= max);
		int bits = c.family == CT_IP_V4 ? 96 + c.prefix : c.prefix;
		for (int i = bits; i < 128; i++)
			FUZZ_CHECK(!(c.addr[i / 8] & (0x80 >> (i % 8))));
		if (c.family == CT_IP_V4)
			FUZZ_CHECK(memcmp(c.addr, v4mapped, 12) == 0);
		FUZZ_CHECK(ct_cidr_contains(&c, c.addr, c.family));
		if (fam)
			(void)ct_cidr_contains(&c, a, fam);
	}
	free(s);
	return 0;
}
