/* flowlog.c - the VPC Flow Log text parser: see flowlog.h. */
#include "flowlog.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- the field table ---- */

enum field_kind {
	FK_TEXT,
	FK_INT,    /* a non-negative integer up to `max` */
	FK_TIME,   /* epoch seconds up to `max`, kept as milliseconds */
	FK_ADDR,   /* an IPv4 or IPv6 address */
	FK_ACTION, /* ACCEPT or REJECT */
	FK_STATUS, /* OK, NODATA or SKIPDATA */
};

struct field_info {
	const char *name, *column;
	unsigned char kind;    /* enum field_kind */
	unsigned char version; /* the flow log version that introduced it */
	int64_t max;           /* FK_INT, FK_TIME: largest value */
};

#define INT32_LIMIT INT64_C(2147483647)
#define TIME_LIMIT (INT64_MAX / 1000)

/* Types from the AWS "Flow log records" table (its Parquet types: INT_32
 * and INT_64 are integers here; ports and protocol get their real
 * ranges). */
static const struct field_info fields[CT_FF_COUNT] = {
	[CT_FF_VERSION] = {"version", "version", FK_INT, 2, INT32_LIMIT},
	[CT_FF_ACCOUNT_ID] = {"account-id", "account_id", FK_TEXT, 2, 0},
	[CT_FF_INTERFACE_ID] = {"interface-id", "interface_id", FK_TEXT, 2, 0},
	[CT_FF_SRCADDR] = {"srcaddr", "srcaddr", FK_ADDR, 2, 0},
	[CT_FF_DSTADDR] = {"dstaddr", "dstaddr", FK_ADDR, 2, 0},
	[CT_FF_SRCPORT] = {"srcport", "srcport", FK_INT, 2, 65535},
	[CT_FF_DSTPORT] = {"dstport", "dstport", FK_INT, 2, 65535},
	[CT_FF_PROTOCOL] = {"protocol", "protocol", FK_INT, 2, 255},
	[CT_FF_PACKETS] = {"packets", "packets", FK_INT, 2, INT64_MAX},
	[CT_FF_BYTES] = {"bytes", "bytes", FK_INT, 2, INT64_MAX},
	[CT_FF_START] = {"start", "start", FK_TIME, 2, TIME_LIMIT},
	[CT_FF_END] = {"end", "end", FK_TIME, 2, TIME_LIMIT},
	[CT_FF_ACTION] = {"action", "action", FK_ACTION, 2, 0},
	[CT_FF_LOG_STATUS] = {"log-status", "log_status", FK_STATUS, 2, 0},
	[CT_FF_VPC_ID] = {"vpc-id", "vpc_id", FK_TEXT, 3, 0},
	[CT_FF_SUBNET_ID] = {"subnet-id", "subnet_id", FK_TEXT, 3, 0},
	[CT_FF_INSTANCE_ID] = {"instance-id", "instance_id", FK_TEXT, 3, 0},
	[CT_FF_TCP_FLAGS] = {"tcp-flags", "tcp_flags", FK_INT, 3, INT32_LIMIT},
	[CT_FF_TYPE] = {"type", "type", FK_TEXT, 3, 0},
	[CT_FF_PKT_SRCADDR] = {"pkt-srcaddr", "pkt_srcaddr", FK_ADDR, 3, 0},
	[CT_FF_PKT_DSTADDR] = {"pkt-dstaddr", "pkt_dstaddr", FK_ADDR, 3, 0},
	[CT_FF_REGION] = {"region", "region", FK_TEXT, 4, 0},
	[CT_FF_AZ_ID] = {"az-id", "az_id", FK_TEXT, 4, 0},
	[CT_FF_SUBLOCATION_TYPE] = {"sublocation-type", "sublocation_type", FK_TEXT, 4, 0},
	[CT_FF_SUBLOCATION_ID] = {"sublocation-id", "sublocation_id", FK_TEXT, 4, 0},
	[CT_FF_PKT_SRC_AWS_SERVICE] = {"pkt-src-aws-service", "pkt_src_aws_service", FK_TEXT, 5, 0},
	[CT_FF_PKT_DST_AWS_SERVICE] = {"pkt-dst-aws-service", "pkt_dst_aws_service", FK_TEXT, 5, 0},
	[CT_FF_FLOW_DIRECTION] = {"flow-direction", "flow_direction", FK_TEXT, 5, 0},
	[CT_FF_TRAFFIC_PATH] = {"traffic-path", "traffic_path", FK_INT, 5, INT32_LIMIT},
	[CT_FF_ECS_CLUSTER_ARN] = {"ecs-cluster-arn", "ecs_cluster_arn", FK_TEXT, 7, 0},
	[CT_FF_ECS_CLUSTER_NAME] = {"ecs-cluster-name", "ecs_cluster_name", FK_TEXT, 7, 0},
	[CT_FF_ECS_CONTAINER_INSTANCE_ARN] = {"ecs-container-instance-arn", "ecs_container_instance_arn", FK_TEXT, 7,
					      0},
	[CT_FF_ECS_CONTAINER_INSTANCE_ID] = {"ecs-container-instance-id", "ecs_container_instance_id", FK_TEXT, 7, 0},
	[CT_FF_ECS_CONTAINER_ID] = {"ecs-container-id", "ecs_container_id", FK_TEXT, 7, 0},
	[CT_FF_ECS_SECOND_CONTAINER_ID] = {"ecs-second-container-id", "ecs_second_container_id", FK_TEXT, 7, 0},
	[CT_FF_ECS_SERVICE_NAME] = {"ecs-service-name", "ecs_service_name", FK_TEXT, 7, 0},
	[CT_FF_ECS_TASK_DEFINITION_ARN] = {"ecs-task-definition-arn", "ecs_task_definition_arn", FK_TEXT, 7, 0},
	[CT_FF_ECS_TASK_ARN] = {"ecs-task-arn", "ecs_task_arn", FK_TEXT, 7, 0},
	[CT_FF_ECS_TASK_ID] = {"ecs-task-id", "ecs_task_id", FK_TEXT, 7, 0},
	[CT_FF_REJECT_REASON] = {"reject-reason", "reject_reason", FK_TEXT, 8, 0},
};

static bool known(enum ct_flow_field f)
{
	return (unsigned)f < CT_FF_COUNT;
}

const char *ct_flow_field_name(enum ct_flow_field f)
{
	return known(f) ? fields[f].name : NULL;
}

const char *ct_flow_field_column(enum ct_flow_field f)
{
	return known(f) ? fields[f].column : NULL;
}

bool ct_flow_field_is_int(enum ct_flow_field f)
{
	return known(f) && (fields[f].kind == FK_INT || fields[f].kind == FK_TIME);
}

bool ct_flow_field_is_time(enum ct_flow_field f)
{
	return known(f) && fields[f].kind == FK_TIME;
}

bool ct_flow_field_is_addr(enum ct_flow_field f)
{
	return known(f) && fields[f].kind == FK_ADDR;
}

int ct_flow_field_version(enum ct_flow_field f)
{
	return known(f) ? fields[f].version : 0;
}

enum ct_flow_field ct_flow_field_lookup(const char *name, size_t len)
{
	for (size_t f = 0; f < CT_FF_COUNT; f++)
		if (strlen(fields[f].name) == len && memcmp(fields[f].name, name, len) == 0)
			return (enum ct_flow_field)f;
	return CT_FF_UNKNOWN;
}

/* ---- small text helpers ---- */

/* Writes [s, s+len) for a message: at most 48 bytes, bytes outside
 * printable ASCII as \xNN (a log line must not drive the terminal). */
static void quote(char *out, size_t cap, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;
	for (i = 0; i < len && i < 48; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 2 > cap)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 5 > cap)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 <= cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
}

static size_t trim_eol(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

/* A field name as it may appear in a header: lowercase letters, digits
 * and '-', starting with a letter. */
static bool name_shaped(const char *s, size_t len)
{
	if (len == 0 || len > CT_FLOW_MAX_NAME || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* Next space-separated token at *pp (before end); false at the end. */
static bool next_token(const char **pp, const char *end, const char **ret_s, size_t *ret_len)
{
	const char *p = *pp;
	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return false;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	const char *e = sp ? sp : end;
	*ret_s = p;
	*ret_len = (size_t)(e - p);
	*pp = e;
	return true;
}

/* ---- layouts ---- */

struct ct_flow_layout {
	size_t n;
	unsigned char field[CT_FLOW_MAX_FIELDS]; /* enum ct_flow_field per column */
	bool has[CT_FF_COUNT];
	size_t nunknown;
	char **unknown; /* names of the CT_FF_UNKNOWN columns */
};

static const struct ct_flow_layout default_layout = {
	.n = 14,
	.field = {CT_FF_VERSION, CT_FF_ACCOUNT_ID, CT_FF_INTERFACE_ID, CT_FF_SRCADDR, CT_FF_DSTADDR, CT_FF_SRCPORT,
		  CT_FF_DSTPORT, CT_FF_PROTOCOL, CT_FF_PACKETS, CT_FF_BYTES, CT_FF_START, CT_FF_END, CT_FF_ACTION,
		  CT_FF_LOG_STATUS},
	.has = {[CT_FF_VERSION] = true,
		[CT_FF_ACCOUNT_ID] = true,
		[CT_FF_INTERFACE_ID] = true,
		[CT_FF_SRCADDR] = true,
		[CT_FF_DSTADDR] = true,
		[CT_FF_SRCPORT] = true,
		[CT_FF_DSTPORT] = true,
		[CT_FF_PROTOCOL] = true,
		[CT_FF_PACKETS] = true,
		[CT_FF_BYTES] = true,
		[CT_FF_START] = true,
		[CT_FF_END] = true,
		[CT_FF_ACTION] = true,
		[CT_FF_LOG_STATUS] = true},
};

const struct ct_flow_layout *ct_flow_layout_default(void)
{
	return &default_layout;
}

void ct_flow_layout_free(struct ct_flow_layout *l)
{
	if (!l || l == &default_layout)
		return;
	for (size_t i = 0; i < l->nunknown; i++)
		free(l->unknown[i]);
	free(l->unknown);
	free(l);
}

size_t ct_flow_layout_count(const struct ct_flow_layout *l)
{
	return l->n;
}

enum ct_flow_field ct_flow_layout_field(const struct ct_flow_layout *l, size_t col)
{
	return col < l->n ? (enum ct_flow_field)l->field[col] : CT_FF_UNKNOWN;
}

bool ct_flow_layout_has(const struct ct_flow_layout *l, enum ct_flow_field f)
{
	return known(f) && l->has[f];
}

size_t ct_flow_layout_unknown_count(const struct ct_flow_layout *l)
{
	return l->nunknown;
}

const char *ct_flow_layout_unknown_name(const struct ct_flow_layout *l, size_t i)
{
	return i < l->nunknown ? l->unknown[i] : NULL;
}

/* Adds the column named [name, name+len) to l.  `what` names the source in
 * messages ("header", "flow format"). */
static int layout_add(struct ct_flow_layout *l, const char *name, size_t len, int code, const char *what,
		      struct ct_err *err)
{
	char q[256];
	if (l->n == CT_FLOW_MAX_FIELDS)
		return ct_err_set(err, code, NULL, 0, "%s has more than %d fields", what, CT_FLOW_MAX_FIELDS);
	if (len > CT_FLOW_MAX_NAME) {
		quote(q, sizeof(q), name, len);
		return ct_err_set(err, code, NULL, 0, "%s field '%s' is longer than %d bytes", what, q,
				  CT_FLOW_MAX_NAME);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c >= 0x7f || c == '$' || c == '{' || c == '}' || c == '\'' || c == '"') {
			quote(q, sizeof(q), name, len);
			return ct_err_set(err, code, NULL, 0, "%s field '%s' is not a field name", what, q);
		}
	}
	enum ct_flow_field f = ct_flow_field_lookup(name, len);
	if (f == CT_FF_UNKNOWN) {
		for (size_t i = 0; i < l->nunknown; i++)
			if (strlen(l->unknown[i]) == len && memcmp(l->unknown[i], name, len) == 0)
				goto twice;
		char **u = realloc(l->unknown, (l->nunknown + 1) * sizeof(*u));
		if (!u)
			return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
		l->unknown = u;
		if (!(u[l->nunknown] = ct_strndup(name, len)))
			return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
		l->nunknown++;
	} else {
		if (l->has[f])
			goto twice;
		l->has[f] = true;
	}
	l->field[l->n++] = (unsigned char)f;
	return 0;
twice:
	quote(q, sizeof(q), name, len);
	return ct_err_set(err, code, NULL, 0, "%s names field '%s' twice", what, q);
}

int ct_flow_layout_from_header(const char *line, size_t len, struct ct_flow_layout **ret, struct ct_err *err)
{
	len = trim_eol(line, len);
	if (len > CT_FLOW_MAX_LINE)
		return ct_err_set(err, CT_E_INPUT, NULL, 0, "header is longer than %d bytes", CT_FLOW_MAX_LINE);
	struct ct_flow_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	const char *p = line, *end = line + len, *s;
	size_t n;
	while (next_token(&p, end, &s, &n))
		if (layout_add(l, s, n, CT_E_INPUT, "header", err) < 0) {
			ct_flow_layout_free(l);
			return -1;
		}
	if (l->n == 0) {
		ct_flow_layout_free(l);
		return ct_err_set(err, CT_E_INPUT, NULL, 0, "header names no fields");
	}
	*ret = l;
	return 0;
}

int ct_flow_layout_from_format(const char *fmt, struct ct_flow_layout **ret, struct ct_err *err)
{
	size_t len = strlen(fmt);
	while (len && (fmt[len - 1] == ' ' || fmt[len - 1] == '\n' || fmt[len - 1] == '\r' || fmt[len - 1] == '\t'))
		len--;
	while (len && (*fmt == ' ' || *fmt == '\t')) {
		fmt++;
		len--;
	}
	if (len >= 2 && (fmt[0] == '\'' || fmt[0] == '"') && fmt[len - 1] == fmt[0]) {
		fmt++;
		len -= 2;
	}
	if (len > CT_FLOW_MAX_LINE)
		return ct_err_set(err, CT_E_USAGE, NULL, 0, "flow format is longer than %d bytes", CT_FLOW_MAX_LINE);
	struct ct_flow_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	const char *p = fmt, *end = fmt + len, *s;
	size_t n;
	while (next_token(&p, end, &s, &n)) {
		if (n >= 2 && s[0] == '$' && s[1] == '{') {
			if (n < 4 || s[n - 1] != '}') {
				char q[256];
				quote(q, sizeof(q), s, n);
				ct_flow_layout_free(l);
				return ct_err_set(err, CT_E_USAGE, NULL, 0, "flow format token '%s' is not ${field}",
						  q);
			}
			s += 2;
			n -= 3;
		}
		if (layout_add(l, s, n, CT_E_USAGE, "flow format", err) < 0) {
			ct_flow_layout_free(l);
			return -1;
		}
	}
	if (l->n == 0) {
		ct_flow_layout_free(l);
		return ct_err_set(err, CT_E_USAGE, NULL, 0, "flow format names no fields");
	}
	*ret = l;
	return 0;
}

/* ---- values ---- */

/* 0 and *ret: all digits and in range of uint64; -1: not all digits (or
 * empty); -2: digits, but too large. */
static int parse_u64(const char *s, size_t len, uint64_t *ret)
{
	if (len == 0)
		return -1;
	uint64_t v = 0;
	bool over = false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		v = v * 10 + d;
	}
	if (over)
		return -2;
	*ret = v;
	return 0;
}

/* Dotted-quad IPv4 as inet_pton(AF_INET) takes it: four decimal parts of
 * 0-255, no leading zeros. */
static bool ipv4_ok(const char *s, size_t len)
{
	if (len < 7 || len > 15)
		return false;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		size_t st = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - st < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == st || v > 255 || (i - st > 1 && s[st] == '0'))
			return false;
	}
	return i == len;
}

static bool addr_ok(const char *s, size_t len)
{
	if (!memchr(s, ':', len))
		return ipv4_ok(s, len);
	char buf[48];
	unsigned char bin[16];
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	return inet_pton(AF_INET6, buf, bin) == 1;
}

static bool eq(const char *s, size_t len, const char *lit, size_t litlen)
{
	return len == litlen && memcmp(s, lit, len) == 0;
}
#define EQ(s, len, lit) eq((s), (len), (lit), sizeof(lit) - 1)

/* "2023-07-14T12:00:00..." : the shape of an export timestamp. */
static bool iso_shaped(const char *s, size_t len)
{
	return len >= 16 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
	       s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

struct tok {
	const char *s;
	size_t len;
};

int ct_flow_parse_line(const struct ct_flow_layout *l, const char *line, size_t len, struct ct_flow_rec *rec, char *why,
		       size_t whylen)
{
	char q[256];
	len = trim_eol(line, len);
	if (len > CT_FLOW_MAX_LINE) {
		snprintf(why, whylen, "line is longer than %d bytes", CT_FLOW_MAX_LINE);
		return -1;
	}

	/* Split first: the field count is checked before any value. */
	struct tok t[CT_FLOW_MAX_FIELDS + 1];
	size_t ntok = 0;
	const char *p = line, *end = line + len, *s;
	size_t n;
	while (next_token(&p, end, &s, &n)) {
		if (ntok < CT_ARRAY_SIZE(t)) {
			t[ntok].s = s;
			t[ntok].len = n;
		}
		ntok++;
	}

	rec->layout = l;
	rec->line = line;
	rec->len = len;
	rec->export_ms = 0;
	rec->has_export_time = false;
	size_t first = 0;
	if (ntok > 0 && iso_shaped(t[0].s, t[0].len)) {
		if (ct_time_parse_iso(t[0].s, t[0].len, &rec->export_ms) < 0) {
			quote(q, sizeof(q), t[0].s, t[0].len);
			snprintf(why, whylen, "export timestamp '%s' is not a valid time", q);
			return -1;
		}
		rec->has_export_time = true;
		first = 1;
	}
	if (ntok - first != l->n) {
		snprintf(why, whylen, "expected %zu field%s, found %zu", l->n, l->n == 1 ? "" : "s", ntok - first);
		return -1;
	}

	memset(rec->v, 0, sizeof(rec->v));
	rec->nunknown = 0;
	for (size_t col = 0; col < l->n; col++) {
		const struct tok *tk = &t[first + col];
		unsigned f = l->field[col];
		struct ct_flow_value *v = f == CT_FF_UNKNOWN ? &rec->unknown[rec->nunknown++] : &rec->v[f];
		v->s = tk->s;
		v->len = tk->len;
		v->present = true;
		if (tk->len == 1 && tk->s[0] == '-') {
			v->null = true;
			continue;
		}
		if (f == CT_FF_UNKNOWN)
			continue;
		const struct field_info *fi = &fields[f];
		switch (fi->kind) {
		case FK_TEXT: break;
		case FK_INT:
		case FK_TIME: {
			uint64_t u = 0;
			int rc = parse_u64(tk->s, tk->len, &u);
			if (rc == 0 && u > (uint64_t)fi->max)
				rc = -2;
			if (rc < 0) {
				quote(q, sizeof(q), tk->s, tk->len);
				if (rc == -1)
					snprintf(why, whylen, "%s '%s' is not a number", fi->name, q);
				else
					snprintf(why, whylen, "%s '%s' is out of range (0 to %lld)", fi->name, q,
						 (long long)fi->max);
				return -1;
			}
			v->i = fi->kind == FK_TIME ? (int64_t)u * 1000 : (int64_t)u;
			break;
		}
		case FK_ADDR:
			if (!addr_ok(tk->s, tk->len)) {
				quote(q, sizeof(q), tk->s, tk->len);
				snprintf(why, whylen, "%s '%s' is not an IP address", fi->name, q);
				return -1;
			}
			break;
		case FK_ACTION:
			if (!EQ(tk->s, tk->len, "ACCEPT") && !EQ(tk->s, tk->len, "REJECT")) {
				quote(q, sizeof(q), tk->s, tk->len);
				snprintf(why, whylen, "action '%s' is not ACCEPT or REJECT", q);
				return -1;
			}
			break;
		case FK_STATUS:
			if (!EQ(tk->s, tk->len, "OK") && !EQ(tk->s, tk->len, "NODATA") &&
			    !EQ(tk->s, tk->len, "SKIPDATA")) {
				quote(q, sizeof(q), tk->s, tk->len);
				snprintf(why, whylen, "log-status '%s' is not OK, NODATA or SKIPDATA", q);
				return -1;
			}
			break;
		}
	}
	return 0;
}

/* ---- content detection ---- */

/* The shape of a header: space-separated field-name-shaped tokens, the
 * first two (or the only one) known.  `strict` (for telling what a file
 * is) also wants two tokens or more and at least half of them known; the
 * reader, which already knows it reads a flow log, takes one known name
 * and any number of unknown ones. */
static bool header_like(const char *line, size_t len, bool strict, size_t min)
{
	len = trim_eol(line, len);
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	if (len == 0 || len > CT_FLOW_MAX_LINE || line[0] < 'a' || line[0] > 'z')
		return false;
	const char *p = line, *end = line + len, *s;
	size_t n, ntok = 0, nknown = 0;
	while (next_token(&p, end, &s, &n)) {
		if (!name_shaped(s, n))
			return false;
		bool k = ct_flow_field_lookup(s, n) != CT_FF_UNKNOWN;
		if (++ntok <= 2 && !k)
			return false;
		nknown += k;
	}
	return ntok >= min && (!strict || 2 * nknown >= ntok);
}

bool ct_flow_looks_like_header(const char *line, size_t len)
{
	return header_like(line, len, true, 2);
}

bool ct_flow_looks_like_record(const char *line, size_t len)
{
	struct ct_flow_rec rec;
	char why[8];
	len = trim_eol(line, len);
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	if (ct_flow_parse_line(&default_layout, line, len, &rec, why, sizeof(why)) < 0)
		return false;
	return !rec.v[CT_FF_VERSION].null && !rec.v[CT_FF_LOG_STATUS].null;
}

/* ---- the reader ---- */

struct ct_flow_reader {
	char *file;
	ct_diag_fn diag;
	ct_flow_rec_fn on_rec;
	void *ud;
	struct ct_flow_layout *format; /* from flow_format, or NULL */
	struct ct_flow_layout *header; /* from the last header line, or NULL */
	const struct ct_flow_layout *cur;
	struct ct_buf warned; /* unknown names already warned about, each + NUL */
	struct ct_flow_stats st;
	struct ct_flow_rec rec;
};

int ct_flow_reader_new(const char *file, const char *flow_format, ct_diag_fn diag, ct_flow_rec_fn on_rec, void *ud,
		       struct ct_flow_reader **ret, struct ct_err *err)
{
	struct ct_flow_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ct_err_set(err, CT_E_NOMEM, file, 0, "out of memory");
	if (file && !(r->file = strdup(file))) {
		free(r);
		return ct_err_set(err, CT_E_NOMEM, file, 0, "out of memory");
	}
	if (flow_format && *flow_format && ct_flow_layout_from_format(flow_format, &r->format, err) < 0) {
		ct_flow_reader_free(r);
		return -1;
	}
	r->diag = diag;
	r->on_rec = on_rec;
	r->ud = ud;
	*ret = r;
	return 0;
}

void ct_flow_reader_free(struct ct_flow_reader *r)
{
	if (!r)
		return;
	ct_flow_layout_free(r->format);
	ct_flow_layout_free(r->header);
	ct_buf_free(&r->warned);
	free(r->file);
	free(r);
}

const struct ct_flow_stats *ct_flow_reader_stats(const struct ct_flow_reader *r)
{
	return &r->st;
}

const struct ct_flow_layout *ct_flow_reader_layout(const struct ct_flow_reader *r)
{
	return r->cur;
}

static bool warned_before(const struct ct_buf *b, const char *name)
{
	for (size_t off = 0; off < b->len; off += strlen(b->p + off) + 1)
		if (strcmp(b->p + off, name) == 0)
			return true;
	return false;
}

/* One warning per header listing its unknown names not warned before. */
static int warn_unknown(struct ct_flow_reader *r, const struct ct_flow_layout *l, uint64_t lineno, struct ct_err *err)
{
	char msg[900];
	size_t o = 0, count = 0;
	msg[0] = 0;
	for (size_t i = 0; i < l->nunknown; i++) {
		const char *name = l->unknown[i];
		if (warned_before(&r->warned, name))
			continue;
		if (ct_buf_append(&r->warned, name, strlen(name) + 1) < 0)
			return ct_err_set(err, CT_E_NOMEM, r->file, lineno, "out of memory");
		int w = snprintf(msg + o, sizeof(msg) - o, "%s'%s'", count ? ", " : "", name);
		if (w > 0 && (size_t)w < sizeof(msg) - o)
			o += (size_t)w;
		count++;
	}
	if (count)
		ct_diag_emit(r->diag, r->ud, CT_DIAG_WARNING, CT_AT_LINE, r->file, lineno,
			     "unknown flow log field%s %s kept as text", count == 1 ? "" : "s", msg);
	return 0;
}

int ct_flow_reader_line(struct ct_flow_reader *r, const char *line, size_t len, struct ct_err *err)
{
	uint64_t lineno = ++r->st.lines;
	len = trim_eol(line, len);
	if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	if (len > CT_FLOW_MAX_LINE) {
		r->st.bad++;
		ct_diag_emit(r->diag, r->ud, CT_DIAG_ERROR, CT_AT_LINE, r->file, lineno, "line is longer than %d bytes",
			     CT_FLOW_MAX_LINE);
		return 0;
	}
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return 0;

	/* A header: the first line, or a later one (files concatenated). */
	if (line[0] >= 'a' && line[0] <= 'z' && header_like(line, len, false, r->cur ? 2 : 1)) {
		struct ct_flow_layout *l;
		if (ct_flow_layout_from_header(line, len, &l, err) < 0) {
			if (err) {
				snprintf(err->file, sizeof(err->file), "%s", r->file ? r->file : "");
				err->record = lineno;
			}
			return -1;
		}
		if (warn_unknown(r, l, lineno, err) < 0) {
			ct_flow_layout_free(l);
			return -1;
		}
		ct_flow_layout_free(r->header);
		r->header = l;
		r->cur = l;
		r->st.headers++;
		return 0;
	}
	if (!r->cur) {
		r->cur = r->format ? r->format : &default_layout;
		if (r->format && warn_unknown(r, r->format, lineno, err) < 0)
			return -1;
	}

	char why[512];
	if (ct_flow_parse_line(r->cur, line, len, &r->rec, why, sizeof(why)) < 0) {
		r->st.bad++;
		ct_diag_emit(r->diag, r->ud, CT_DIAG_ERROR, CT_AT_LINE, r->file, lineno, "%s", why);
		return 0;
	}
	r->st.records++;
	const struct ct_flow_value *ls = &r->rec.v[CT_FF_LOG_STATUS];
	if (ls->present && !ls->null) {
		if (EQ(ls->s, ls->len, "NODATA"))
			r->st.nodata++;
		else if (EQ(ls->s, ls->len, "SKIPDATA"))
			r->st.skipdata++;
	}
	if (r->on_rec) {
		int rc = r->on_rec(r->ud, &r->rec, lineno);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ct_flow_parse_buffer(const char *data, size_t len, const char *flow_format, const char *file, ct_diag_fn diag,
			 ct_flow_rec_fn on_rec, void *ud, struct ct_flow_stats *ret_stats, struct ct_err *err)
{
	struct ct_flow_reader *r;
	if (ct_flow_reader_new(file, flow_format, diag, on_rec, ud, &r, err) < 0)
		return -1;
	const char *p = data, *end = data + len;
	int rc = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		rc = ct_flow_reader_line(r, p, (size_t)(e - p), err);
		if (rc < 0)
			break;
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && ret_stats)
		*ret_stats = r->st;
	ct_flow_reader_free(r);
	return rc;
}
