/* detail.c - the one-line detail of an event and its link facts, computed
 * at ingest from the spans of the record's JSON bodies.
 *
 * Values read from the JSON behave as SQLite's json_extract() does: a
 * string is its decoded text, a number its text, true and false are 1
 * and 0, null is absent, an object or array is its JSON text.
 */
#include "detail.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- reading values out of a span of JSON text ---- */

struct jv {
	const char *s; /* the value's JSON text; NULL when absent */
	size_t len;
};

static void scan_init(struct ct_json_scan *s, const char *p, const char *end)
{
	memset(s, 0, sizeof(*s));
	s->p = ct_json_ws(p, end);
	s->end = end;
	s->final = true;
	s->max_depth = CT_JSON_MAX_DEPTH;
}

static bool key_eq(const struct ct_json_str *k, const char *want, size_t wlen)
{
	if (!k->escaped)
		return k->len == wlen && memcmp(k->s, want, wlen) == 0;
	if (k->len > 256)
		return false;
	char buf[256];
	size_t n = ct_json_unescape(k->s, k->len, buf);
	return n == wlen && memcmp(buf, want, wlen) == 0;
}

/* The member `key` of the object v. */
static struct jv jmember(struct jv v, const char *key, size_t klen)
{
	struct jv none = {0};
	if (!v.s || v.len == 0 || v.s[0] != '{')
		return none;
	struct ct_json_scan s;
	scan_init(&s, v.s + 1, v.s + v.len);
	while (s.p < s.end && *s.p == '"') {
		struct ct_json_str k;
		if (ct_json_string(&s, &k) != CT_JSON_OK)
			return none;
		s.p = ct_json_ws(s.p, s.end);
		if (s.p >= s.end || *s.p != ':')
			return none;
		s.p = ct_json_ws(s.p + 1, s.end);
		const char *a = s.p;
		if (ct_json_skip(&s, 1) != CT_JSON_OK)
			return none;
		if (key_eq(&k, key, klen))
			return (struct jv){a, (size_t)(s.p - a)};
		s.p = ct_json_ws(s.p, s.end);
		if (s.p < s.end && *s.p == ',')
			s.p = ct_json_ws(s.p + 1, s.end);
	}
	return none;
}

/* Element i of the array v. */
static struct jv jindex(struct jv v, long i)
{
	struct jv none = {0};
	if (!v.s || v.len == 0 || v.s[0] != '[')
		return none;
	struct ct_json_scan s;
	scan_init(&s, v.s + 1, v.s + v.len);
	for (long k = 0; s.p < s.end && *s.p != ']'; k++) {
		const char *a = s.p;
		if (ct_json_skip(&s, 1) != CT_JSON_OK)
			return none;
		if (k == i)
			return (struct jv){a, (size_t)(s.p - a)};
		s.p = ct_json_ws(s.p, s.end);
		if (s.p < s.end && *s.p == ',')
			s.p = ct_json_ws(s.p + 1, s.end);
	}
	return none;
}

/* The value at a path such as "instancesSet.items[0].imageId". */
static struct jv jget(struct jv v, const char *path)
{
	const char *p = path;
	while (v.s && *p) {
		size_t n = strcspn(p, ".[");
		if (n)
			v = jmember(v, p, n);
		p += n;
		while (v.s && *p == '[') {
			char *e;
			long i = strtol(p + 1, &e, 10);
			v = jindex(v, i);
			p = *e == ']' ? e + 1 : e;
		}
		if (*p == '.')
			p++;
	}
	return v;
}

/* Calls fn for each element of the array at v (nothing when not an array). */
static void jeach(struct jv v, void (*fn)(void *ud, struct jv el), void *ud)
{
	if (!v.s || v.len == 0 || v.s[0] != '[')
		return;
	struct ct_json_scan s;
	scan_init(&s, v.s + 1, v.s + v.len);
	while (s.p < s.end && *s.p != ']') {
		const char *a = s.p;
		if (ct_json_skip(&s, 1) != CT_JSON_OK)
			return;
		fn(ud, (struct jv){a, (size_t)(s.p - a)});
		s.p = ct_json_ws(s.p, s.end);
		if (s.p < s.end && *s.p == ',')
			s.p = ct_json_ws(s.p + 1, s.end);
	}
}

/* Appends v as json_extract() would give it as text; false when absent
 * (null or missing), appending nothing. */
static bool put(struct ct_buf *b, struct jv v)
{
	if (!v.s || v.len == 0 || v.s[0] == 'n')
		return false;
	if (v.s[0] == 't')
		return ct_buf_append(b, "1", 1), true;
	if (v.s[0] == 'f')
		return ct_buf_append(b, "0", 1), true;
	if (v.s[0] != '"')
		return ct_buf_append(b, v.s, v.len), true;
	if (ct_buf_reserve(b, v.len) < 0)
		return true; /* the caller sees b->oom */
	b->len += ct_json_unescape(v.s + 1, v.len - 2, b->p + b->len);
	b->p[b->len] = 0;
	return true;
}

static bool present(struct jv v)
{
	return v.s && v.len && v.s[0] != 'n';
}

/* coalesce over paths of one body */
static struct jv first_of(struct jv body, const char *const *paths)
{
	for (; *paths; paths++) {
		struct jv v = jget(body, *paths);
		if (present(v))
			return v;
	}
	return (struct jv){0};
}

/* " LABEL" + value when present; what SQL's coalesce(' label=' || v, '') does */
static void opt(struct ct_buf *b, const char *prefix, struct jv v)
{
	if (!present(v))
		return;
	ct_buf_append(b, prefix, strlen(prefix));
	put(b, v);
}

/* group_concat(json_extract(value, '$.key'), sep) over an array: false
 * when no element had the key (SQL NULL) */
struct cat {
	struct ct_buf *b;
	const char *key;
	const char *sep;
	int n;
};

static void cat_one(void *ud, struct jv el)
{
	struct cat *c = ud;
	struct jv v = jget(el, c->key);
	if (!present(v))
		return;
	if (c->n++)
		ct_buf_append(c->b, c->sep, strlen(c->sep));
	put(c->b, v);
}

static bool id_list(struct ct_buf *b, struct jv arr, const char *key)
{
	struct cat c = {b, key, ",", 0};
	jeach(arr, cat_one, &c);
	return c.n > 0;
}

/* ' ' || list, when the list is not NULL */
static void opt_list(struct ct_buf *b, struct jv arr, const char *key)
{
	struct ct_buf t = {0};
	if (id_list(&t, arr, key)) {
		ct_buf_putc(b, ' ');
		ct_buf_append(b, t.p, t.len);
	}
	ct_buf_free(&t);
}

/* Security group rules: "tcp/22 from 0.0.0.0/0; udp/53-54 from sg-1" */
struct sgctx {
	struct ct_buf *b;
	int n;
};

static void sg_rule(void *ud, struct jv p)
{
	struct sgctx *c = ud;
	struct ct_buf *b = c->b;
	if (c->n++)
		ct_buf_append(b, "; ", 2);
	struct jv proto = jget(p, "ipProtocol");
	if (present(proto) && !(proto.len == 4 && memcmp(proto.s, "\"-1\"", 4) == 0))
		put(b, proto);
	else
		ct_buf_append(b, "all", 3);
	struct jv from = jget(p, "fromPort"), to = jget(p, "toPort");
	if (present(from)) {
		/* CASE WHEN to IS NOT from THEN '-' || to ELSE '' END: a missing
		 * toPort makes the whole port part NULL */
		bool same = present(to) && to.len == from.len && memcmp(to.s, from.s, to.len) == 0;
		if (same || present(to)) {
			ct_buf_putc(b, '/');
			put(b, from);
			if (!same) {
				ct_buf_putc(b, '-');
				put(b, to);
			}
		}
	}
	struct ct_buf src = {0};
	struct cat c1 = {&src, "cidrIp", ",", 0};
	jeach(jget(p, "ipRanges.items"), cat_one, &c1);
	struct cat c2 = {&src, "cidrIpv6", ",", c1.n};
	jeach(jget(p, "ipv6Ranges.items"), cat_one, &c2);
	struct cat c3 = {&src, "groupId", ",", c2.n};
	jeach(jget(p, "groups.items"), cat_one, &c3);
	if (c3.n) {
		ct_buf_append(b, " from ", 6);
		ct_buf_append(b, src.p, src.len);
	}
	ct_buf_free(&src);
}

/* ltrim(x) then nullif(x, ''): drops the leading spaces of b[from..] */
static void ltrim_from(struct ct_buf *b, size_t from)
{
	size_t k = from;
	while (k < b->len && b->p[k] == ' ')
		k++;
	if (k > from) {
		memmove(b->p + from, b->p + k, b->len - k);
		b->len -= k - from;
		b->p[b->len] = 0;
	}
}

static bool name_is(const struct ct_str *s, const char *want)
{
	size_t n = strlen(want);
	return s->s && s->len == n && memcmp(s->s, want, n) == 0;
}

/* GLOB '*SecurityGroup*gress' */
static bool is_sg_rule_call(const struct ct_str *n)
{
	if (!n->s)
		return false;
	for (size_t i = 0; i + 13 <= n->len; i++)
		if (memcmp(n->s + i, "SecurityGroup", 13) == 0)
			return n->len >= i + 13 + 5 && memcmp(n->s + n->len - 5, "gress", 5) == 0;
	return false;
}

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})

static void detail_ec2(struct ct_buf *b, const struct ct_str *name, struct jv rp, struct jv re)
{
	if (name_is(name, "RunInstances")) {
		opt_list(b, jget(re, "instancesSet.items"), "instanceId");
		opt(b, " ", jget(rp, "instancesSet.items[0].imageId"));
		opt(b, " ", jget(rp, "instanceType"));
		struct jv nis = jget(re, "instancesSet.items[0].networkInterfaceSet.items");
		opt_list(b, nis, "networkInterfaceId");
		opt_list(b, nis, "privateIpAddress");
		ltrim_from(b, 0);
		return;
	}
	if (is_sg_rule_call(name)) {
		struct jv g = first_of(rp, P("groupId", "groupName"));
		put(b, g);
		struct ct_buf rules = {0};
		struct sgctx c = {&rules, 0};
		jeach(jget(rp, "ipPermissions.items"), sg_rule, &c);
		if (c.n) {
			ct_buf_putc(b, ' ');
			ct_buf_append(b, rules.p, rules.len);
		}
		ct_buf_free(&rules);
		ltrim_from(b, 0);
		return;
	}
	if (id_list(b, jget(rp, "instancesSet.items"), "instanceId"))
		return;
	put(b, first_of(rp, P("groupId", "volumeId", "snapshotId", "imageId", "vpcId", "subnetId", "networkInterfaceId",
			      "keyName")));
}

static void detail_iam(struct ct_buf *b, struct jv rp, struct jv re)
{
	opt(b, " user=", jget(rp, "userName"));
	opt(b, " role=", jget(rp, "roleName"));
	opt(b, " group=", jget(rp, "groupName"));
	opt(b, " policy=", first_of(rp, P("policyArn", "policyName")));
	opt(b, " profile=", jget(rp, "instanceProfileName"));
	struct jv k = jget(rp, "accessKeyId");
	opt(b, " key=", present(k) ? k : jget(re, "accessKey.accessKeyId"));
	ltrim_from(b, 0);
}

static void detail_sts(struct ct_buf *b, struct jv rp, struct jv re)
{
	opt(b, " ", jget(rp, "roleArn"));
	opt(b, " session=", jget(rp, "roleSessionName"));
	opt(b, " name=", jget(rp, "name"));
	opt(b, " -> ", jget(re, "credentials.accessKeyId"));
	ltrim_from(b, 0);
}

struct svc {
	const char *source;
	const char *const *paths; /* coalesce over requestParameters */
};

static const struct svc simple[] = {
	{"cloudtrail.amazonaws.com", P("name", "trailName")},
	{"secretsmanager.amazonaws.com", P("secretId", "name")},
	{"lambda.amazonaws.com", P("functionName")},
	{"ssm.amazonaws.com", P("name", "documentName")},
	{"dynamodb.amazonaws.com", P("tableName")},
	{"logs.amazonaws.com", P("logGroupName")},
	{"rds.amazonaws.com", P("dBInstanceIdentifier", "dBClusterIdentifier", "dBSnapshotIdentifier")},
	{"sns.amazonaws.com", P("topicArn")},
	{"sqs.amazonaws.com", P("queueUrl")},
	{"guardduty.amazonaws.com", P("detectorId")},
	{"ecr.amazonaws.com", P("repositoryName")},
};

static const char *const other_paths[] = {"name",         "bucketName",     "userName", "roleName",
					  "functionName", "keyId",          "secretId", "tableName",
					  "clusterName",  "repositoryName", NULL};

static void detail_of(struct ct_buf *b, const struct ct_event *ev)
{
	const struct ct_str *src = &ev->f[CT_EF_EVENT_SOURCE], *name = &ev->f[CT_EF_EVENT_NAME];
	struct jv rp = {ev->j[CT_EJ_REQUEST].s, ev->j[CT_EJ_REQUEST].len};
	struct jv re = {ev->j[CT_EJ_RESPONSE].s, ev->j[CT_EJ_RESPONSE].len};
	struct jv aed = {ev->j[CT_EJ_ADDITIONAL].s, ev->j[CT_EJ_ADDITIONAL].len};
	struct jv res = {ev->j[CT_EJ_RESOURCES].s, ev->j[CT_EJ_RESOURCES].len};
	if (name_is(src, "s3.amazonaws.com")) {
		if (put(b, jget(rp, "bucketName")))
			opt(b, "/", jget(rp, "key"));
		return;
	}
	if (name_is(src, "ec2.amazonaws.com"))
		return detail_ec2(b, name, rp, re);
	if (name_is(src, "iam.amazonaws.com"))
		return detail_iam(b, rp, re);
	if (name_is(src, "sts.amazonaws.com"))
		return detail_sts(b, rp, re);
	if (name_is(src, "kms.amazonaws.com")) {
		struct jv v = first_of(rp, P("keyId"));
		if (!present(v))
			v = jget(re, "keyId");
		if (!present(v))
			v = jget(rp, "aliasName");
		if (!present(v))
			v = jget(res, "[0].ARN");
		put(b, v);
		return;
	}
	if (name_is(src, "signin.amazonaws.com")) {
		put(b, jget(re, "ConsoleLogin"));
		opt(b, " mfa=", jget(aed, "MFAUsed"));
		ltrim_from(b, 0);
		return;
	}
	for (size_t i = 0; i < CT_ARRAY_SIZE(simple); i++)
		if (name_is(src, simple[i].source)) {
			put(b, first_of(rp, simple[i].paths));
			return;
		}
	put(b, first_of(rp, other_paths));
}

/* ---- link facts ---- */

static bool in_list(const char *n, size_t len, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == len && memcmp(*names, n, len) == 0)
			return true;
	return false;
}

bool ct_detail_is_sts_creds(const char *n, size_t len)
{
	return n && in_list(n, len,
			    P("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken",
			      "GetFederationToken"));
}

bool ct_detail_is_link(const char *n, size_t len)
{
	return n && (ct_detail_is_sts_creds(n, len) ||
		     in_list(n, len,
			     P("CreateAccessKey", "CreateUser", "CreateLoginProfile", "UpdateLoginProfile",
			       "RunInstances", "CreateNetworkInterface", "AttachNetworkInterface", "ConsoleLogin")));
}

/* A value that the STS detail can carry unambiguously: a plain string
 * without spaces (or absent). */
static bool plain(struct jv v)
{
	if (!present(v))
		return true;
	if (v.s[0] != '"')
		return false;
	for (size_t i = 1; i + 1 < v.len; i++)
		if (v.s[i] == ' ' || v.s[i] == '\\')
			return false;
	return true;
}

static void link_member(struct ct_buf *b, const char *key, const struct ct_str *body)
{
	if (!body->s)
		return;
	ct_buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", key);
	ct_buf_append(b, body->s, body->len);
}

int ct_detail_compute(const struct ct_event *ev, struct ct_buf *detail, struct ct_buf *link)
{
	ct_buf_reset(detail);
	ct_buf_reset(link);
	detail_of(detail, ev);
	const struct ct_str *name = &ev->f[CT_EF_EVENT_NAME];
	if (ct_detail_is_link(name->s, name->len)) {
		bool need = true;
		if (ct_detail_is_sts_creds(name->s, name->len)) {
			struct jv rp = {ev->j[CT_EJ_REQUEST].s, ev->j[CT_EJ_REQUEST].len};
			struct jv re = {ev->j[CT_EJ_RESPONSE].s, ev->j[CT_EJ_RESPONSE].len};
			struct jv key = jget(re, "credentials.accessKeyId");
			need = !(plain(jget(rp, "roleArn")) && plain(jget(rp, "roleSessionName")) &&
				 plain(jget(rp, "name")) && plain(key)) ||
			       (!present(key) &&
				(present(jget(re, "assumedRoleUser.arn")) || present(jget(re, "federatedUser.arn"))));
		}
		if (need) {
			ct_buf_putc(link, '{');
			link_member(link, "requestParameters", &ev->j[CT_EJ_REQUEST]);
			link_member(link, "responseElements", &ev->j[CT_EJ_RESPONSE]);
			link_member(link, "additionalEventData", &ev->j[CT_EJ_ADDITIONAL]);
			ct_buf_putc(link, '}');
		}
	}
	return detail->oom || link->oom ? -1 : 0;
}

/* ---- reading an STS detail back ---- */

static char *dup_n(const char *s, size_t n, bool *oom)
{
	char *r = malloc(n + 1);
	if (!r) {
		*oom = true;
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

int ct_detail_sts_parse(const char *d, char **role_arn, char **session, char **name, char **key)
{
	*role_arn = *session = *name = *key = NULL;
	bool oom = false;
	const char *p = d ? d : "";
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n == 2 && memcmp(p, "->", 2) == 0 && p[2] == ' ') {
			p += 3;
			n = strcspn(p, " ");
			free(*key);
			*key = dup_n(p, n, &oom);
		} else if (n > 8 && memcmp(p, "session=", 8) == 0) {
			free(*session);
			*session = dup_n(p + 8, n - 8, &oom);
		} else if (n > 5 && memcmp(p, "name=", 5) == 0) {
			free(*name);
			*name = dup_n(p + 5, n - 5, &oom);
		} else if (!*role_arn && p == d) {
			*role_arn = dup_n(p, n, &oom);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return oom ? -1 : 0;
}
