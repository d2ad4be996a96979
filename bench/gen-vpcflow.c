/*
 * gen-vpcflow: write a synthetic VPC Flow Logs corpus in the S3 delivery
 * layout, for the ctscan benchmark.
 *
 *   gen-vpcflow [-n FLOWS] [-s SEED] [--fields v2|v5] OUTDIR
 *
 * OUTDIR/AWSLogs/<acct>/vpcflowlogs/<region>/YYYY/MM/DD/
 *   <acct>_vpcflowlogs_<region>_fl-<id>_<YYYYMMDDTHHMMZ>_<hash>.log.gz
 *
 * Each file starts with the space-separated header of field names and holds
 * five minutes of 60-second aggregation windows for one flow log (one VPC).
 * Missing values are "-".  v2 is the default format; v5 adds the VPC,
 * subnet, instance, TCP flags, packet addresses, location, AWS service and
 * direction fields.  The output depends only on -n, -s and --fields
 * (splitmix64; the clock is read only for the timing line on stderr).
 *
 * The traffic model, per ENI and window: outbound HTTPS and HTTP to public
 * addresses, DNS to the VPC resolver, app-to-database and app-to-cache
 * traffic inside the VPC (logged by both ENIs), inbound HTTPS to web hosts,
 * SSH to the bastion from the office, ICMP, and rejected probes from
 * scanners on 22, 23, 445, 3389 and friends.  Every accepted conversation
 * yields a record each way; idle ENIs log NODATA, and a few windows SKIPDATA.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-vpcflow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int rng_chance(struct rng *r, double p)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53 < p;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->len + need <= b->cap)
		return;
	cap = b->cap ? b->cap : 65536;
	while (cap < b->len + need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		die("out of memory");
	b->p = p;
	b->cap = cap;
}

static void buf_s(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_c(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static void buf_u(struct buf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_reserve(b, (size_t)n);
	while (n)
		b->p[b->len++] = tmp[--n];
}

static const char HEX[] = "0123456789abcdef";

static void rand_hex(struct rng *r, char *out, const char *prefix, size_t n)
{
	size_t p = strlen(prefix);

	memcpy(out, prefix, p);
	for (size_t i = 0; i < n; i++)
		out[p + i] = HEX[rng_below(r, 16)];
	out[p + n] = 0;
}

struct civil {
	int y, mo, d, h, mi;
};

static void civil_from_time(int64_t t, struct civil *c)
{
	int64_t z = t / 86400 + 719468, sod = t % 86400;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	c->y = (int)((int64_t)yoe + era * 400 + (m <= 2));
	c->mo = (int)m;
	c->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->h = (int)(sod / 3600);
	c->mi = (int)(sod / 60 % 60);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the network ------------------------------------------------------------ */

enum { R_WEB, R_APP, R_DB, R_CACHE, R_BASTION, R_LAMBDA, R_NAT };

#define NENI 48
#define NPUB 400
#define NSCAN 300

struct eni {
	char id[24], inst[24], ip[16];
	int role, subnet;
};

struct flowlog {
	char acct[16], id[24], vpc[24], subnet[4][28], azid[4][12], resolver[16];
	const char *region, *azpfx;
	struct eni eni[NENI];
	int neni, db[8], ndb, cache[4], ncache;
	double load;
};

struct pub {
	char ip[16];
	const char *svc; /* pkt-*-aws-service, or NULL */
	int port;
};

static const char *const regions[] = {"us-east-1", "eu-west-1", "us-west-2"};
static const char *const azpfx[] = {"use1", "euw1", "usw2"};

struct gen {
	struct rng r;
	int v5;
	struct flowlog fl[6];
	int nfl;
	struct pub pub[NPUB];
	char scan[NSCAN][16], office[2][16];
	uint64_t flows, limit, raw, gz, files;
};

static int reserved(unsigned a, unsigned b, unsigned c)
{
	return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 100 && b >= 64 && b < 128) ||
	       (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
	       (a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113);
}

static void make_ip(struct rng *r, char *out, size_t n, unsigned first)
{
	unsigned a, b, c;

	do {
		a = first ? first : 1 + rng_below(r, 222);
		b = rng_below(r, 256);
		c = rng_below(r, 256);
	} while (reserved(a, b, c));
	snprintf(out, n, "%u.%u.%u.%u", a, b, c, 1 + rng_below(r, 254));
}

static void world_init(struct gen *g)
{
	static const unsigned aws_firsts[] = {3, 18, 52, 54, 35};
	static const char *const svcs[] = {"AMAZON", "S3", "DYNAMODB", "EC2", "CLOUDFRONT"};
	struct rng *r = &g->r;
	char accts[2][16];

	for (int i = 0; i < NPUB; i++) {
		struct pub *p = &g->pub[i];

		if (i < NPUB / 3) {
			make_ip(r, p->ip, sizeof(p->ip), aws_firsts[rng_below(r, NELEM(aws_firsts))]);
			p->svc = svcs[rng_below(r, NELEM(svcs))];
		} else {
			make_ip(r, p->ip, sizeof(p->ip), 0);
		}
		p->port = rng_chance(r, .85) ? 443 : 80;
	}
	for (int i = 0; i < NSCAN; i++)
		make_ip(r, g->scan[i], sizeof(g->scan[i]), 0);
	for (int i = 0; i < 2; i++)
		make_ip(r, g->office[i], sizeof(g->office[i]), 0);
	for (int i = 0; i < 2; i++)
		snprintf(accts[i], sizeof(accts[i]), "%u%011llu", 1 + rng_below(r, 9),
			 (unsigned long long)(rng_next(r) % 100000000000ULL));

	g->nfl = 4 + (int)rng_below(r, 2);
	for (int f = 0; f < g->nfl; f++) {
		struct flowlog *fl = &g->fl[f];
		int reg = f % 3, octet = f;

		memcpy(fl->acct, accts[f % 2 == 0 ? 0 : 1], 16);
		fl->region = regions[reg];
		fl->azpfx = azpfx[reg];
		fl->load = f == 0 ? 1.0 : f == 1 ? .7 : .4;
		rand_hex(r, fl->id, "fl-0", 16);
		rand_hex(r, fl->vpc, "vpc-0", 16);
		snprintf(fl->resolver, sizeof(fl->resolver), "10.%d.0.2", octet);
		for (int s = 0; s < 4; s++) {
			rand_hex(r, fl->subnet[s], "subnet-0", 16);
			snprintf(fl->azid[s], sizeof(fl->azid[s]), "%s-az%d", fl->azpfx, 1 + (s + f) % 6);
		}
		fl->neni = NENI - 8 * (f >= 2);
		for (int e = 0; e < fl->neni; e++) {
			struct eni *en = &fl->eni[e];
			int pick = (int)rng_below(r, 100);

			en->role = e == 0      ? R_BASTION
				   : e == 1    ? R_NAT
				   : pick < 22 ? R_WEB
				   : pick < 62 ? R_APP
				   : pick < 72 ? R_DB
				   : pick < 78 ? R_CACHE
					       : R_LAMBDA;
			en->subnet = (int)rng_below(r, 4);
			rand_hex(r, en->id, "eni-0", 16);
			if (en->role == R_LAMBDA || en->role == R_NAT)
				strcpy(en->inst, "-");
			else
				rand_hex(r, en->inst, "i-0", 16);
			snprintf(en->ip, sizeof(en->ip), "10.%d.%d.%u", octet, en->subnet * 16 + (int)rng_below(r, 16),
				 4 + rng_below(r, 250));
			if (en->role == R_DB && fl->ndb < 8)
				fl->db[fl->ndb++] = e;
			if (en->role == R_CACHE && fl->ncache < 4)
				fl->cache[fl->ncache++] = e;
		}
		if (!fl->ndb)
			fl->db[fl->ndb++] = 2;
		if (!fl->ncache)
			fl->cache[fl->ncache++] = 3;
	}
}

/* ---- records --------------------------------------------------------------- */

static const char HDR_V2[] =
	"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
	"log-status";
static const char HDR_V5[] =
	"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
	"log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id "
	"sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

struct rec {
	const char *src, *dst, *action, *status, *srcsvc, *dstsvc;
	int sport, dport, proto, flags, egress, path; /* path 0: "-" */
	uint64_t packets, bytes;
	int64_t start, end;
};

static void write_rec(struct gen *g, struct buf *b, const struct flowlog *fl, const struct eni *en, const struct rec *x)
{
	int nodata = x->src == NULL;

	if (g->flows >= g->limit)
		return; /* exactly -n records */
	buf_s(b, g->v5 ? "5 " : "2 ");
	buf_s(b, fl->acct);
	buf_c(b, ' ');
	buf_s(b, en->id);
	if (nodata) {
		buf_s(b, " - - - - - - - ");
	} else {
		buf_c(b, ' ');
		buf_s(b, x->src);
		buf_c(b, ' ');
		buf_s(b, x->dst);
		buf_c(b, ' ');
		buf_u(b, (uint64_t)x->sport);
		buf_c(b, ' ');
		buf_u(b, (uint64_t)x->dport);
		buf_c(b, ' ');
		buf_u(b, (uint64_t)x->proto);
		buf_c(b, ' ');
		buf_u(b, x->packets);
		buf_c(b, ' ');
		buf_u(b, x->bytes);
		buf_c(b, ' ');
	}
	buf_u(b, (uint64_t)x->start);
	buf_c(b, ' ');
	buf_u(b, (uint64_t)x->end);
	buf_c(b, ' ');
	buf_s(b, nodata ? "-" : x->action);
	buf_c(b, ' ');
	buf_s(b, x->status);
	if (g->v5) {
		buf_c(b, ' ');
		buf_s(b, fl->vpc);
		buf_c(b, ' ');
		buf_s(b, fl->subnet[en->subnet]);
		buf_c(b, ' ');
		buf_s(b, en->inst);
		if (nodata) {
			buf_s(b, " - - - - ");
		} else {
			buf_c(b, ' ');
			buf_u(b, (uint64_t)x->flags);
			buf_s(b, " IPv4 ");
			buf_s(b, x->src);
			buf_c(b, ' ');
			buf_s(b, x->dst);
			buf_c(b, ' ');
		}
		buf_s(b, fl->region);
		buf_c(b, ' ');
		buf_s(b, fl->azid[en->subnet]);
		buf_s(b, " - - ");
		if (nodata) {
			buf_s(b, "- - - -");
		} else {
			buf_s(b, x->srcsvc ? x->srcsvc : "-");
			buf_c(b, ' ');
			buf_s(b, x->dstsvc ? x->dstsvc : "-");
			buf_s(b, x->egress ? " egress " : " ingress ");
			if (x->path)
				buf_u(b, (uint64_t)x->path);
			else
				buf_c(b, '-');
		}
	}
	buf_c(b, '\n');
	g->flows++;
}

/* one TCP/UDP conversation seen from one ENI: the request and the reply */
static int conv(struct gen *g, struct buf *b, const struct flowlog *fl, const struct eni *en, int64_t w,
		const char *client, const char *server, int sport, int dport, int proto, int client_is_eni,
		const char *svc, int path, const char *action)
{
	struct rng *r = &g->r;
	struct rec q = {0}, a = {0};
	int64_t s = w + rng_below(r, 50);
	uint64_t pk = 1 + rng_below(r, proto == 17 ? 2 : 30);

	q.src = client;
	q.dst = server;
	q.sport = sport;
	q.dport = dport;
	q.proto = proto;
	q.packets = pk;
	q.bytes = pk * (proto == 17 ? 60 + rng_below(r, 40) : 52 + rng_below(r, 600));
	q.start = s;
	q.end = w + 60 - rng_below(r, 5);
	q.action = action;
	q.status = "OK";
	q.flags = proto == 6 ? (rng_chance(r, .6) ? 3 : 2) : 0;
	q.egress = client_is_eni;
	q.path = client_is_eni ? path : 0;
	q.srcsvc = client_is_eni ? NULL : svc;
	q.dstsvc = client_is_eni ? svc : NULL;
	write_rec(g, b, fl, en, &q);
	if (action[0] == 'R')
		return 1;
	a = q;
	a.src = server;
	a.dst = client;
	a.sport = dport;
	a.dport = sport;
	a.packets = pk + rng_below(r, 20);
	a.bytes = a.packets * (proto == 17 ? 80 + rng_below(r, 200) : 200 + rng_below(r, 1300));
	a.flags = proto == 6 ? (q.flags == 3 ? 19 : 18) : 0;
	a.egress = !client_is_eni;
	a.path = a.egress ? path : 0;
	a.srcsvc = q.dstsvc;
	a.dstsvc = q.srcsvc;
	write_rec(g, b, fl, en, &a);
	return 2;
}

static int eph(struct rng *r)
{
	return 32768 + (int)rng_below(r, 28232);
}

static const int scan_ports[] = {22, 23, 445, 3389, 8080, 1433, 5900, 6379, 9200, 2375, 80, 8443};

/* the records of one ENI for one 60-second window */
static void eni_window(struct gen *g, struct buf *b, const struct flowlog *fl, const struct eni *en, int64_t w,
		       double busy)
{
	struct rng *r = &g->r;
	int n, made = 0;

	if (rng_chance(r, .002)) {
		struct rec x = {0};

		x.start = w;
		x.end = w + 60;
		x.status = "SKIPDATA";
		write_rec(g, b, fl, en, &x);
		return;
	}
	n = (int)(busy * (en->role == R_WEB   ? 9
			  : en->role == R_APP ? 8
			  : en->role == R_NAT ? 12
					      : 3)) +
	    (int)rng_below(r, 3) - 1;
	if (rng_chance(r, .04))
		n = 0;
	for (int i = 0; i < n; i++) {
		unsigned x = rng_below(r, 100);
		const struct pub *p = &g->pub[rng_below(r, NPUB)];

		switch (en->role) {
		case R_WEB:
			if (x < 42)
				made += conv(g, b, fl, en, w, g->scan[rng_below(r, NSCAN)], en->ip, eph(r), 443, 6, 0,
					     NULL, 0, "ACCEPT");
			else if (x < 57)
				made += conv(g, b, fl, en, w, en->ip, p->ip, eph(r), p->port, 6, 1, p->svc, 8,
					     "ACCEPT");
			else if (x < 75)
				made += conv(g, b, fl, en, w, en->ip, fl->resolver, eph(r), 53, 17, 1, NULL, 1,
					     "ACCEPT");
			else if (x < 84) {
				const struct eni *db = &fl->eni[fl->cache[rng_below(r, (uint32_t)fl->ncache)]];

				made += conv(g, b, fl, en, w, en->ip, db->ip, eph(r), 6379, 6, 1, NULL, 1, "ACCEPT");
			} else
				made += conv(g, b, fl, en, w, g->scan[rng_below(r, NSCAN)], en->ip, eph(r),
					     scan_ports[rng_below(r, NELEM(scan_ports))], 6, 0, NULL, 0, "REJECT");
			break;
		case R_APP:
		case R_LAMBDA:
			if (x < 35)
				made += conv(g, b, fl, en, w, en->ip, p->ip, eph(r), p->port, 6, 1, p->svc, 8,
					     "ACCEPT");
			else if (x < 55)
				made += conv(g, b, fl, en, w, en->ip, fl->resolver, eph(r), 53, 17, 1, NULL, 1,
					     "ACCEPT");
			else if (x < 80) {
				const struct eni *db = &fl->eni[fl->db[rng_below(r, (uint32_t)fl->ndb)]];
				int sp = eph(r);

				made += conv(g, b, fl, en, w, en->ip, db->ip, sp, 5432, 6, 1, NULL, 1, "ACCEPT");
				made += conv(g, b, fl, db, w, en->ip, db->ip, sp, 5432, 6, 0, NULL, 1, "ACCEPT");
			} else if (x < 90) {
				const struct eni *c = &fl->eni[fl->cache[rng_below(r, (uint32_t)fl->ncache)]];

				made += conv(g, b, fl, en, w, en->ip, c->ip, eph(r), 6379, 6, 1, NULL, 1, "ACCEPT");
			} else if (x < 92) {
				made += conv(g, b, fl, en, w, en->ip, p->ip, 0, 0, 1, 1, p->svc, 8, "ACCEPT");
			} else if (x < 94) {
				made += conv(g, b, fl, en, w, en->ip, p->ip, eph(r), 80, 6, 1, p->svc, 8,
					     rng_chance(r, .3) ? "REJECT" : "ACCEPT");
			} else {
				made += conv(g, b, fl, en, w, g->scan[rng_below(r, NSCAN)], en->ip, eph(r),
					     scan_ports[rng_below(r, NELEM(scan_ports))], 6, 0, NULL, 0, "REJECT");
			}
			break;
		case R_BASTION:
			if (x < 40)
				made += conv(g, b, fl, en, w, g->office[rng_below(r, 2)], en->ip, eph(r), 22, 6, 0,
					     NULL, 0, "ACCEPT");
			else if (x < 60) {
				const struct eni *t = &fl->eni[2 + rng_below(r, (uint32_t)fl->neni - 2)];

				made += conv(g, b, fl, en, w, en->ip, t->ip, eph(r), t->role == R_WEB ? 3389 : 22, 6, 1,
					     NULL, 1, "ACCEPT");
			} else
				made += conv(g, b, fl, en, w, g->scan[rng_below(r, NSCAN)], en->ip, eph(r),
					     rng_chance(r, .7) ? 22 : 3389, 6, 0, NULL, 0, "REJECT");
			break;
		case R_NAT:
			made += conv(g, b, fl, en, w, en->ip, p->ip, eph(r), p->port, 6, 1, p->svc, 8, "ACCEPT");
			break;
		default: /* DB, cache: their traffic comes from the app side; a little DNS and a probe */
			if (x < 60)
				made += conv(g, b, fl, en, w, en->ip, fl->resolver, eph(r), 53, 17, 1, NULL, 1,
					     "ACCEPT");
			else
				made += conv(g, b, fl, en, w, g->scan[rng_below(r, NSCAN)], en->ip, eph(r),
					     scan_ports[rng_below(r, NELEM(scan_ports))], 6, 0, NULL, 0, "REJECT");
			break;
		}
	}
	if (!made) {
		struct rec x = {0};

		x.start = w + rng_below(r, 3);
		x.end = w + 60;
		x.status = "NODATA";
		write_rec(g, b, fl, en, &x);
	}
}

/* ---- output ------------------------------------------------------------------ */

static void mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			die("cannot create '%s': %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		die("cannot create '%s': %s", path, strerror(errno));
}

static void write_gz(struct gen *g, const char *path, const struct buf *in, struct buf *z)
{
	z_stream zs;
	FILE *f;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	z->len = 0;
	buf_reserve(z, deflateBound(&zs, (uLong)in->len) + 64);
	zs.next_in = (Bytef *)in->p;
	zs.avail_in = (uInt)in->len;
	zs.next_out = (Bytef *)z->p;
	zs.avail_out = (uInt)z->cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		die("deflate failed");
	z->len = zs.total_out;
	deflateEnd(&zs);
	f = fopen(path, "wb");
	if (!f || fwrite(z->p, 1, z->len, f) != z->len || fclose(f))
		die("cannot write '%s': %s", path, strerror(errno));
	g->gz += z->len;
	g->raw += in->len;
	g->files++;
}

static void usage(FILE *f)
{
	fputs("usage: gen-vpcflow [-n FLOWS] [-s SEED] [--fields v2|v5] OUTDIR\n"
	      "\n"
	      "  -n, --flows N        flow records to write (default 100000)\n"
	      "  -s, --seed S         seed (default 1); same seed, same bytes\n"
	      "  -f, --fields v2|v5   the default format (v2) or v2 plus the v3-v5 fields\n",
	      f);
}

#define T_BASE (19786LL * 86400) /* 2024-03-04T00:00:00Z */

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"flows", required_argument, NULL, 'n'},
					     {"seed", required_argument, NULL, 's'},
					     {"fields", required_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	static struct gen g;
	uint64_t n = 100000, seed = 1;
	const char *outdir;
	struct buf file = {0}, z = {0};
	double t0 = now_sec();
	char dir[4096], path[4200];
	int c;

	while ((c = getopt_long(argc, argv, "n:s:f:h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'n':
			errno = 0;
			n = strtoull(optarg, &end, 10);
			if (errno || *end || n == 0)
				die("bad flow count '%s'", optarg);
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno || *end)
				die("bad seed '%s'", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "v5"))
				g.v5 = 1;
			else if (strcmp(optarg, "v2"))
				die("bad field set '%s' (v2 or v5)", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	outdir = argv[optind];
	g.r.s = seed * 0x2545F4914F6CDD1DULL + 7;
	g.limit = n;
	world_init(&g);

	/* five-minute files, one per flow log, until n records are written */
	for (int64_t t = T_BASE; g.flows < n; t += 300) {
		struct civil cv;
		int hour;
		double diurnal;

		civil_from_time(t + 300, &cv);
		hour = cv.h;
		diurnal = (hour >= 13 && hour < 23) ? 1.3 : (hour >= 5 && hour < 13) ? .9 : .5;
		for (int f = 0; f < g.nfl && g.flows < n; f++) {
			const struct flowlog *fl = &g.fl[f];
			char hash[16];

			file.len = 0;
			buf_s(&file, g.v5 ? HDR_V5 : HDR_V2);
			buf_c(&file, '\n');
			for (int64_t w = t; w < t + 300 && g.flows < n; w += 60)
				for (int e = 0; e < fl->neni && g.flows < n; e++)
					eni_window(&g, &file, fl, &fl->eni[e], w, fl->load * diurnal);
			if (snprintf(dir, sizeof(dir), "%s/AWSLogs/%s/vpcflowlogs/%s/%04d/%02d/%02d", outdir, fl->acct,
				     fl->region, cv.y, cv.mo, cv.d) >= (int)sizeof(dir))
				die("output path too long");
			mkdir_p(dir);
			rand_hex(&g.r, hash, "", 8);
			snprintf(path, sizeof(path), "%s/%s_vpcflowlogs_%s_%s_%04d%02d%02dT%02d%02dZ_%s.log.gz", dir,
				 fl->acct, fl->region, fl->id, cv.y, cv.mo, cv.d, cv.h, cv.mi, hash);
			write_gz(&g, path, &file, &z);
		}
	}
	fprintf(stderr,
		"gen-vpcflow: %llu flows, %llu files, %llu raw bytes, %llu gz bytes (%.1fx), %.0f bytes/flow, %.1f s\n",
		(unsigned long long)g.flows, (unsigned long long)g.files, (unsigned long long)g.raw,
		(unsigned long long)g.gz, g.gz ? (double)g.raw / (double)g.gz : 0.0,
		g.flows ? (double)g.raw / (double)g.flows : 0.0, now_sec() - t0);
	free(file.p);
	free(z.p);
	return 0;
}
