/* sqlfn.h - ctscan's SQL functions and the address helpers behind them
 * (internal).
 *
 * ct_sqlfn_register() (declared in ctscan.h) adds regexp, cidr_match,
 * ip_is_private, ip_version, ts_iso and ts_ms to a connection.  The address
 * helpers below are shared with the timeline --ip filter and the flow-log
 * parser, so that SQL and C agree on what an address is.
 *
 * What counts as an address: an IPv4 dotted quad of exactly four decimal
 * octets 0..255 without leading zeros ("10.0.0.1"; not "010.0.0.1", not
 * "10.0.0.300", not "10.1"), or IPv6 text as inet_pton(3) reads it (no zone
 * "%eth0", no brackets).  Anything else ("AWS Internal",
 * "ec2.amazonaws.com", masked values) is not an address.
 */
#ifndef CT_SQLFN_H
#define CT_SQLFN_H

#include <stdbool.h>
#include <stddef.h>

#include "ctscan.h"

/* Address families as ct_ip_parse reports them (the same numbers as the
 * SQL function ip_version returns). */
enum { CT_IP_V4 = 4, CT_IP_V6 = 6 };

/* A network.  addr holds the network address with the host bits cleared,
 * always as 16 bytes: an IPv4 network as the IPv4-mapped IPv6 address
 * ::ffff:a.b.c.d.  An IPv6 network written inside ::ffff:0:0/96 with a
 * prefix of 96 or more is stored as the IPv4 network it means. */
struct ct_cidr {
	unsigned char addr[16];
	int family; /* CT_IP_V4 or CT_IP_V6 */
	int prefix; /* 0..32 (v4) or 0..128 (v6) */
};

/* Parses the `len` bytes at s (no NUL needed) as an address.  Returns 0 and
 * sets ret_addr (16 bytes; IPv4 as ::ffff:a.b.c.d) and *ret_family
 * (CT_IP_V4 for a dotted quad, CT_IP_V6 for IPv6 text, including
 * "::ffff:10.1.2.3"), or returns -1 and leaves them alone. */
int ct_ip_parse(const char *s, size_t len, unsigned char ret_addr[16], int *ret_family);

/* Parses "ADDR/PREFIX" or a bare ADDR (meaning /32 or /128) from the
 * NUL-terminated s.  Host bits below the prefix are accepted and cleared
 * ("10.1.2.3/8" is 10.0.0.0/8).  Returns 0 and sets *ret, or -1. */
int ct_cidr_parse(const char *s, struct ct_cidr *ret);

/* Whether the address (as ct_ip_parse returned it) lies in the network.
 * An IPv4 network contains IPv4 addresses and IPv4-mapped IPv6 addresses
 * ("::ffff:10.1.2.3" is in 10.0.0.0/8); an IPv6 network contains only
 * addresses written as IPv6. */
bool ct_cidr_contains(const struct ct_cidr *c, const unsigned char addr[16], int family);

/* Whether the address is private: RFC 1918, loopback (127/8, ::1),
 * link-local (169.254/16, fe80::/10), CGNAT (100.64/10) or ULA (fc00::/7).
 * An IPv4-mapped IPv6 address is judged as the IPv4 address it carries. */
bool ct_ip_is_private(const unsigned char addr[16], int family);

#endif
