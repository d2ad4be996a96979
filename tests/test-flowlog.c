/* test-flowlog.c - unit tests of lib/flowlog.c (the VPC Flow Log parser).
 *
 * Fixtures are read from testdata/vpcflow/: the directory named by the
 * CT_TESTDATA_DIR macro or the CT_TESTDATA environment variable, else the
 * first of testdata, ../testdata, ../../testdata that exists. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "flowlog.h"
#include "util.h"

/* ---- capture of records and diagnostics ---- */

#define MAX_RECS 64
#define MAX_DIAGS 64

/* What a record's layout said, copied in the callback: the layout of a
 * header is freed with its reader. */
struct snap {
	size_t n;
	int field[CT_FLOW_MAX_FIELDS];
	bool has[CT_FF_COUNT];
	size_t nunknown;
	char unknown[4][64];
};

struct capture {
	struct ct_flow_rec rec[MAX_RECS];
	struct snap lay[MAX_RECS];
	uint64_t lineno[MAX_RECS];
	size_t nrec;
	char diag[MAX_DIAGS][1100]; /* "W 3: msg" / "E 4: msg" */
	size_t ndiag;
	int stop_after; /* on_rec returns -7 after this many records, 0 = never */
};

static void on_diag(void *ud, const struct ct_diag *d)
{
	struct capture *c = ud;
	if (c->ndiag < MAX_DIAGS)
		snprintf(c->diag[c->ndiag], sizeof(c->diag[0]), "%c %" PRIu64 ": %s",
			 d->kind == CT_DIAG_WARNING ? 'W' : 'E', d->n, d->msg);
	c->ndiag++;
}

static int on_rec(void *ud, const struct ct_flow_rec *r, uint64_t lineno)
{
	struct capture *c = ud;
	if (c->nrec < MAX_RECS) {
		c->rec[c->nrec] = *r;
		c->lineno[c->nrec] = lineno;
		struct snap *sn = &c->lay[c->nrec];
		sn->n = ct_flow_layout_count(r->layout);
		for (size_t i = 0; i < sn->n; i++)
			sn->field[i] = ct_flow_layout_field(r->layout, i);
		for (int f = 0; f < CT_FF_COUNT; f++)
			sn->has[f] = ct_flow_layout_has(r->layout, (enum ct_flow_field)f);
		sn->nunknown = ct_flow_layout_unknown_count(r->layout);
		for (size_t i = 0; i < sn->nunknown && i < 4; i++)
			snprintf(sn->unknown[i], sizeof(sn->unknown[i]), "%s",
				 ct_flow_layout_unknown_name(r->layout, i));
	}
	c->nrec++;
	if (c->stop_after && c->nrec == (size_t)c->stop_after)
		return -7;
	return 0;
}

/* The text of a value, or "NULL" / "ABSENT". */
static const char *val(const struct ct_flow_value *v)
{
	static char ring[8][512];
	static int k;
	char *b = ring[k++ & 7];
	if (!v->present)
		return "ABSENT";
	if (v->null)
		return "NULL";
	snprintf(b, sizeof(ring[0]), "%.*s", (int)v->len, v->s);
	return b;
}

static const char *fv(const struct ct_flow_rec *r, enum ct_flow_field f)
{
	return val(&r->v[f]);
}

static int parse(const char *text, const char *fmt, struct capture *c, struct ct_flow_stats *st, struct ct_err *err)
{
	memset(c, 0, sizeof(*c));
	memset(st, 0, sizeof(*st));
	memset(err, 0, sizeof(*err));
	return ct_flow_parse_buffer(text, strlen(text), fmt, "t.log", on_diag, on_rec, c, st, err);
}

/* ---- fixtures ---- */

static const char *testdata_dir(void)
{
#ifdef CT_TESTDATA_DIR
	return CT_TESTDATA_DIR;
#else
	const char *env = getenv("CT_TESTDATA");
	if (env && *env)
		return env;
	static const char *const cand[] = {"testdata", "../testdata", "../../testdata"};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cand); i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/vpcflow/v2-default.log", cand[i]);
		FILE *f = fopen(p, "rb");
		if (f) {
			fclose(f);
			return cand[i];
		}
	}
	return "testdata";
#endif
}

/* The whole fixture, NUL-terminated; NULL (and a failed check) if missing. */
static char *fixture(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/vpcflow/%s", testdata_dir(), name);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f) {
		fprintf(stderr, "cannot open '%s'\n", path);
		return NULL;
	}
	struct ct_buf b = {0};
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		ct_buf_append(&b, tmp, n);
	fclose(f);
	if (!b.p)
		ct_buf_append(&b, "", 0);
	return b.p;
}

static int parse_fixture(const char *name, const char *fmt, struct capture *c, struct ct_flow_stats *st,
			 struct ct_err *err, char **ret_text)
{
	char *text = fixture(name);
	*ret_text = text;
	if (!text)
		return -99;
	return parse(text, fmt, c, st, err);
}

/* ---- tests ---- */

static void test_fields(void)
{
	CHECK_INT(CT_FF_COUNT, 40);
	CHECK_STR(ct_flow_field_name(CT_FF_VERSION), "version");
	CHECK_STR(ct_flow_field_name(CT_FF_PKT_SRC_AWS_SERVICE), "pkt-src-aws-service");
	CHECK_STR(ct_flow_field_name(CT_FF_REJECT_REASON), "reject-reason");
	CHECK(ct_flow_field_name(CT_FF_UNKNOWN) == NULL);
	CHECK_STR(ct_flow_field_column(CT_FF_ACCOUNT_ID), "account_id");
	CHECK_STR(ct_flow_field_column(CT_FF_SRCADDR), "srcaddr");
	CHECK_STR(ct_flow_field_column(CT_FF_PKT_SRCADDR), "pkt_srcaddr");
	CHECK_STR(ct_flow_field_column(CT_FF_LOG_STATUS), "log_status");
	CHECK_STR(ct_flow_field_column(CT_FF_TCP_FLAGS), "tcp_flags");
	CHECK_STR(ct_flow_field_column(CT_FF_ECS_CLUSTER_ARN), "ecs_cluster_arn");
	CHECK(ct_flow_field_column(CT_FF_UNKNOWN) == NULL);

	/* every column name is the field name with '-' -> '_'; lookups round-trip */
	for (int f = 0; f < CT_FF_COUNT; f++) {
		char want[64];
		snprintf(want, sizeof(want), "%s", ct_flow_field_name((enum ct_flow_field)f));
		for (char *p = want; *p; p++)
			if (*p == '-')
				*p = '_';
		CHECK_STR(ct_flow_field_column((enum ct_flow_field)f), want);
		const char *n = ct_flow_field_name((enum ct_flow_field)f);
		CHECK_INT(ct_flow_field_lookup(n, strlen(n)), f);
	}
	CHECK_INT(ct_flow_field_lookup("srcaddrx", 7), CT_FF_SRCADDR);
	CHECK_INT(ct_flow_field_lookup("srcadd", 6), CT_FF_UNKNOWN);
	CHECK_INT(ct_flow_field_lookup("SRCADDR", 7), CT_FF_UNKNOWN);

	static const enum ct_flow_field ints[] = {CT_FF_VERSION,   CT_FF_SRCPORT,     CT_FF_DSTPORT, CT_FF_PROTOCOL,
						  CT_FF_PACKETS,   CT_FF_BYTES,       CT_FF_START,   CT_FF_END,
						  CT_FF_TCP_FLAGS, CT_FF_TRAFFIC_PATH};
	int nint = 0;
	for (int f = 0; f < CT_FF_COUNT; f++)
		nint += ct_flow_field_is_int((enum ct_flow_field)f);
	CHECK_INT(nint, (int)CT_ARRAY_SIZE(ints));
	for (size_t i = 0; i < CT_ARRAY_SIZE(ints); i++)
		CHECK(ct_flow_field_is_int(ints[i]));
	CHECK(!ct_flow_field_is_int(CT_FF_ACCOUNT_ID));
	CHECK(!ct_flow_field_is_int(CT_FF_SUBLOCATION_ID));
	CHECK(!ct_flow_field_is_int(CT_FF_UNKNOWN));
	CHECK(ct_flow_field_is_time(CT_FF_START) && ct_flow_field_is_time(CT_FF_END));
	CHECK(!ct_flow_field_is_time(CT_FF_PACKETS));
	CHECK(ct_flow_field_is_addr(CT_FF_SRCADDR) && ct_flow_field_is_addr(CT_FF_PKT_DSTADDR));
	CHECK(!ct_flow_field_is_addr(CT_FF_INTERFACE_ID));

	CHECK_INT(ct_flow_field_version(CT_FF_LOG_STATUS), 2);
	CHECK_INT(ct_flow_field_version(CT_FF_TCP_FLAGS), 3);
	CHECK_INT(ct_flow_field_version(CT_FF_AZ_ID), 4);
	CHECK_INT(ct_flow_field_version(CT_FF_TRAFFIC_PATH), 5);
	CHECK_INT(ct_flow_field_version(CT_FF_ECS_TASK_ID), 7);
	CHECK_INT(ct_flow_field_version(CT_FF_REJECT_REASON), 8);
	CHECK_INT(ct_flow_field_version(CT_FF_UNKNOWN), 0);

	const struct ct_flow_layout *d = ct_flow_layout_default();
	CHECK_INT(ct_flow_layout_count(d), 14);
	for (size_t i = 0; i < 14; i++)
		CHECK_INT(ct_flow_layout_field(d, i), (int)i);
	CHECK_INT(ct_flow_layout_field(d, 14), CT_FF_UNKNOWN);
	CHECK(ct_flow_layout_has(d, CT_FF_LOG_STATUS));
	CHECK(!ct_flow_layout_has(d, CT_FF_VPC_ID));
	CHECK_INT(ct_flow_layout_unknown_count(d), 0);
	ct_flow_layout_free((struct ct_flow_layout *)d); /* ignored */
	ct_flow_layout_free(NULL);
}

static void test_v2_default(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("v2-default.log", NULL, c, &st, &err, &text), 0);
	if (!text) {
		free(c);
		return;
	}
	CHECK_INT(c->nrec, 5);
	CHECK_INT(c->ndiag, 0);
	CHECK_INT(st.lines, 6);
	CHECK_INT(st.headers, 1);
	CHECK_INT(st.records, 5);
	CHECK_INT(st.bad, 0);
	const struct ct_flow_rec *r = &c->rec[0];
	CHECK_INT(c->lineno[0], 2);
	CHECK_INT(c->lay[0].n, 14);
	CHECK_STR(fv(r, CT_FF_VERSION), "2");
	CHECK_INT(r->v[CT_FF_VERSION].i, 2);
	CHECK_STR(fv(r, CT_FF_ACCOUNT_ID), "123456789012");
	CHECK_STR(fv(r, CT_FF_INTERFACE_ID), "eni-0a1b2c3d4e5f67890");
	CHECK_STR(fv(r, CT_FF_SRCADDR), "10.0.1.23");
	CHECK_STR(fv(r, CT_FF_DSTADDR), "172.31.16.139");
	CHECK_INT(r->v[CT_FF_SRCPORT].i, 49761);
	CHECK_INT(r->v[CT_FF_DSTPORT].i, 443);
	CHECK_INT(r->v[CT_FF_PROTOCOL].i, 6);
	CHECK_INT(r->v[CT_FF_PACKETS].i, 20);
	CHECK_INT(r->v[CT_FF_BYTES].i, 4249);
	CHECK_STR(fv(r, CT_FF_START), "1689336000");
	CHECK_INT(r->v[CT_FF_START].i, INT64_C(1689336000000));
	CHECK_INT(r->v[CT_FF_END].i, INT64_C(1689336060000));
	CHECK_STR(fv(r, CT_FF_ACTION), "ACCEPT");
	CHECK_STR(fv(r, CT_FF_LOG_STATUS), "OK");
	CHECK_STR(fv(r, CT_FF_VPC_ID), "ABSENT");
	CHECK_STR(fv(r, CT_FF_REJECT_REASON), "ABSENT");
	CHECK(!r->has_export_time);
	CHECK_INT(r->nunknown, 0);
	/* the verbatim line, without its newline */
	CHECK_INT(r->len, strlen("2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 "
				 "49761 443 6 20 4249 1689336000 1689336060 ACCEPT OK"));
	CHECK(memcmp(r->line, "2 123456789012 eni-", 19) == 0);
	CHECK_STR(fv(&c->rec[2], CT_FF_ACTION), "REJECT");
	CHECK_INT(c->rec[2].v[CT_FF_PROTOCOL].i, 1);
	CHECK_INT(c->rec[2].v[CT_FF_SRCPORT].i, 0);
	CHECK_INT(c->rec[4].v[CT_FF_PROTOCOL].i, 17);
	CHECK_INT(c->lineno[4], 6);
	free(text);
	free(c);
}

static void test_v5_all_fields(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("v5-all-fields.log", NULL, c, &st, &err, &text), 0);
	if (!text) {
		free(c);
		return;
	}
	CHECK_INT(c->nrec, 5);
	CHECK_INT(c->ndiag, 0);
	const struct ct_flow_rec *r = &c->rec[0];
	const struct snap *l = &c->lay[0];
	CHECK_INT(l->n, 29);
	CHECK_INT(l->field[0], CT_FF_ACCOUNT_ID);
	CHECK_INT(l->field[28], CT_FF_VPC_ID);
	for (int f = 0; f < CT_FF_COUNT; f++)
		CHECK(l->has[f] == (ct_flow_field_version((enum ct_flow_field)f) <= 5));
	CHECK_INT(r->v[CT_FF_VERSION].i, 5);
	CHECK_STR(fv(r, CT_FF_ACCOUNT_ID), "123456789012");
	CHECK_STR(fv(r, CT_FF_ACTION), "ACCEPT");
	CHECK_STR(fv(r, CT_FF_AZ_ID), "use1-az4");
	CHECK_INT(r->v[CT_FF_BYTES].i, 5960);
	CHECK_STR(fv(r, CT_FF_DSTADDR), "52.216.8.235");
	CHECK_INT(r->v[CT_FF_DSTPORT].i, 443);
	CHECK_INT(r->v[CT_FF_END].i, INT64_C(1689336060000));
	CHECK_STR(fv(r, CT_FF_FLOW_DIRECTION), "egress");
	CHECK_STR(fv(r, CT_FF_INSTANCE_ID), "i-0123456789abcdef0");
	CHECK_STR(fv(r, CT_FF_INTERFACE_ID), "eni-0a1b2c3d4e5f67890");
	CHECK_STR(fv(r, CT_FF_LOG_STATUS), "OK");
	CHECK_INT(r->v[CT_FF_PACKETS].i, 12);
	CHECK_STR(fv(r, CT_FF_PKT_DST_AWS_SERVICE), "S3");
	CHECK_STR(fv(r, CT_FF_PKT_DSTADDR), "52.216.8.235");
	CHECK_STR(fv(r, CT_FF_PKT_SRC_AWS_SERVICE), "NULL");
	CHECK_STR(fv(r, CT_FF_PKT_SRCADDR), "10.0.1.23");
	CHECK_INT(r->v[CT_FF_PROTOCOL].i, 6);
	CHECK_STR(fv(r, CT_FF_REGION), "us-east-1");
	CHECK_STR(fv(r, CT_FF_SRCADDR), "10.0.1.23");
	CHECK_INT(r->v[CT_FF_SRCPORT].i, 49812);
	CHECK_INT(r->v[CT_FF_START].i, INT64_C(1689336000000));
	CHECK_STR(fv(r, CT_FF_SUBLOCATION_ID), "NULL");
	CHECK_STR(fv(r, CT_FF_SUBLOCATION_TYPE), "NULL");
	CHECK_STR(fv(r, CT_FF_SUBNET_ID), "subnet-0c2d3e4f5a6b7c8d9");
	CHECK_INT(r->v[CT_FF_TCP_FLAGS].i, 19);
	CHECK_INT(r->v[CT_FF_TRAFFIC_PATH].i, 8);
	CHECK_STR(fv(r, CT_FF_TYPE), "IPv4");
	CHECK_STR(fv(r, CT_FF_VPC_ID), "vpc-0bb1c79de3fa1e2d3");
	CHECK_STR(fv(r, CT_FF_ECS_TASK_ID), "ABSENT");
	/* ingress through a NAT: pkt-srcaddr differs from the interface side */
	CHECK_STR(fv(&c->rec[1], CT_FF_PKT_SRCADDR), "10.0.2.77");
	CHECK_STR(fv(&c->rec[1], CT_FF_TRAFFIC_PATH), "NULL");
	CHECK_INT(c->rec[1].v[CT_FF_TRAFFIC_PATH].i, 0);
	/* an outpost sublocation */
	CHECK_STR(fv(&c->rec[3], CT_FF_SUBLOCATION_TYPE), "outpost");
	CHECK_STR(fv(&c->rec[3], CT_FF_AZ_ID), "NULL");
	/* NODATA in a custom layout */
	CHECK_STR(fv(&c->rec[4], CT_FF_LOG_STATUS), "NODATA");
	CHECK(c->rec[4].v[CT_FF_SRCADDR].null && c->rec[4].v[CT_FF_BYTES].null);
	CHECK_INT(st.nodata, 1);
	free(text);
	free(c);
}

static void test_v8_all_fields(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("v8-all-fields.log", NULL, c, &st, &err, &text), 0);
	if (!text) {
		free(c);
		return;
	}
	CHECK_INT(c->nrec, 2);
	CHECK_INT(c->ndiag, 0);
	const struct ct_flow_rec *r = &c->rec[0];
	CHECK_INT(c->lay[0].n, CT_FF_COUNT);
	for (int f = 0; f < CT_FF_COUNT; f++) {
		CHECK(r->v[f].present);
		CHECK_INT(c->lay[0].field[f], f);
	}
	CHECK_INT(r->v[CT_FF_VERSION].i, 8);
	CHECK_STR(fv(r, CT_FF_ECS_CLUSTER_ARN), "arn:aws:ecs:us-east-1:123456789012:cluster/payments");
	CHECK_STR(fv(r, CT_FF_ECS_CLUSTER_NAME), "payments");
	CHECK_STR(fv(r, CT_FF_ECS_CONTAINER_INSTANCE_ID), "4f1c2d3e4b5a69788");
	CHECK_STR(fv(r, CT_FF_ECS_SECOND_CONTAINER_ID), "NULL");
	CHECK_STR(fv(r, CT_FF_ECS_SERVICE_NAME), "api");
	CHECK_STR(fv(r, CT_FF_ECS_TASK_DEFINITION_ARN), "arn:aws:ecs:us-east-1:123456789012:task-definition/api:42");
	CHECK_STR(fv(r, CT_FF_ECS_TASK_ID), "8b7c6d5e4f3a21098");
	CHECK_STR(fv(r, CT_FF_REJECT_REASON), "NULL");
	CHECK_STR(fv(&c->rec[1], CT_FF_ACTION), "REJECT");
	CHECK_STR(fv(&c->rec[1], CT_FF_REJECT_REASON), "BPA");
	free(text);
	free(c);
}

static void test_export(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;

	/* header-less, with export timestamps */
	CHECK_INT(parse_fixture("export-noheader.log", NULL, c, &st, &err, &text), 0);
	if (text) {
		CHECK_INT(c->nrec, 4);
		CHECK_INT(c->ndiag, 0);
		CHECK_INT(st.headers, 0);
		CHECK(c->rec[0].layout == ct_flow_layout_default());
		CHECK(c->rec[0].has_export_time);
		CHECK_INT(c->rec[0].export_ms, INT64_C(1689336065000));
		CHECK_INT(c->rec[2].export_ms, INT64_C(1689336067512));
		CHECK_STR(fv(&c->rec[0], CT_FF_VERSION), "2");
		CHECK_STR(fv(&c->rec[0], CT_FF_SRCADDR), "10.0.1.23");
		CHECK_INT(c->rec[0].v[CT_FF_START].i, INT64_C(1689336000000));
		CHECK(memcmp(c->rec[0].line, "2023-07-14T12:01:05.000Z 2 ", 27) == 0); /* verbatim */
		CHECK_STR(fv(&c->rec[3], CT_FF_LOG_STATUS), "NODATA");
		free(text);
	}

	/* header-less, without timestamps, CRLF, blank lines, no final LF */
	const char *plain = "\r\n"
			    "2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
			    "1689336000 1689336060 ACCEPT OK\r\n"
			    "   \r\n"
			    "\n"
			    "2 123456789012 eni-0a1b2c3d4e5f67890 172.31.16.139 10.0.1.23 443 49761 6 18 13290 "
			    "1689336000 1689336060 ACCEPT OK";
	CHECK_INT(parse(plain, NULL, c, &st, &err), 0);
	CHECK_INT(c->nrec, 2);
	CHECK_INT(c->ndiag, 0);
	CHECK_INT(c->lineno[0], 2);
	CHECK_INT(c->lineno[1], 5);
	CHECK(!c->rec[0].has_export_time);
	CHECK_STR(fv(&c->rec[0], CT_FF_LOG_STATUS), "OK");
	CHECK_INT(c->rec[1].v[CT_FF_BYTES].i, 13290);
	CHECK_INT(c->rec[1].line[c->rec[1].len - 1], 'K');
	CHECK_INT(st.lines, 5);

	/* runs of spaces separate like one space */
	CHECK_INT(parse("2  123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 ACCEPT OK  \n", NULL, c, &st, &err),
		  0);
	CHECK_INT(c->nrec, 1);
	CHECK_STR(fv(&c->rec[0], CT_FF_ACCOUNT_ID), "123456789012");

	/* a bad export timestamp */
	CHECK_INT(parse("2023-13-14T12:00:00Z 2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 "
			"2 ACCEPT OK\n",
			NULL, c, &st, &err),
		  0);
	CHECK_INT(c->nrec, 0);
	CHECK_INT(c->ndiag, 1);
	CHECK_STR(c->diag[0], "E 1: export timestamp '2023-13-14T12:00:00Z' is not a valid time");

	/* a UTF-8 BOM before the header */
	CHECK_INT(parse("\xef\xbb\xbfversion srcaddr\n2 10.0.1.23\n", NULL, c, &st, &err), 0);
	CHECK_INT(st.headers, 1);
	CHECK_INT(c->nrec, 1);
	CHECK_STR(fv(&c->rec[0], CT_FF_SRCADDR), "10.0.1.23");
	free(c);
}

static void test_format(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	struct ct_flow_layout *l = NULL;

	CHECK_INT(ct_flow_layout_from_format("${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} "
					     "${protocol} ${action} ${tcp-flags} ${log-status}",
					     &l, &err),
		  0);
	CHECK_INT(ct_flow_layout_count(l), 9);
	CHECK_INT(ct_flow_layout_field(l, 1), CT_FF_VPC_ID);
	CHECK_INT(ct_flow_layout_field(l, 8), CT_FF_LOG_STATUS);
	CHECK(!ct_flow_layout_has(l, CT_FF_SRCPORT));
	struct ct_flow_rec *r = calloc(1, sizeof(*r));
	char why[256] = "";
	const char *line = "3 vpc-0bb1c79de3fa1e2d3 10.0.1.23 10.0.4.10 5432 6 ACCEPT 18 OK";
	CHECK_INT(ct_flow_parse_line(l, line, strlen(line), r, why, sizeof(why)), 0);
	CHECK_STR(why, "");
	CHECK_STR(fv(r, CT_FF_VPC_ID), "vpc-0bb1c79de3fa1e2d3");
	CHECK_INT(r->v[CT_FF_DSTPORT].i, 5432);
	CHECK_INT(r->v[CT_FF_TCP_FLAGS].i, 18);
	CHECK_STR(fv(r, CT_FF_SRCPORT), "ABSENT");
	CHECK(r->layout == l);
	line = "3 vpc-0bb1c79de3fa1e2d3 10.0.1.23 10.0.4.10 5432 6 ACCEPT 18";
	CHECK_INT(ct_flow_parse_line(l, line, strlen(line), r, why, sizeof(why)), -1);
	CHECK_STR(why, "expected 9 fields, found 8");
	ct_flow_layout_free(l);

	/* quotes around the whole string, bare names, extra spaces */
	l = NULL;
	CHECK_INT(ct_flow_layout_from_format("  '${srcaddr}  dstaddr ${bytes}' ", &l, &err), 0);
	CHECK_INT(ct_flow_layout_count(l), 3);
	CHECK_INT(ct_flow_layout_field(l, 1), CT_FF_DSTADDR);
	ct_flow_layout_free(l);

	/* an unknown name is kept (the reader warns) */
	l = NULL;
	CHECK_INT(ct_flow_layout_from_format("${srcaddr} ${resource-id}", &l, &err), 0);
	CHECK_INT(ct_flow_layout_unknown_count(l), 1);
	CHECK_STR(ct_flow_layout_unknown_name(l, 0), "resource-id");
	CHECK(ct_flow_layout_unknown_name(l, 1) == NULL);
	ct_flow_layout_free(l);

	/* errors */
	l = NULL;
	CHECK_INT(ct_flow_layout_from_format("", &l, &err), -1);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK_STR(err.msg, "flow format names no fields");
	CHECK_INT(ct_flow_layout_from_format("${version} ${srcaddr", &l, &err), -1);
	CHECK_STR(err.msg, "flow format token '${srcaddr' is not ${field}");
	CHECK_INT(ct_flow_layout_from_format("${version} ${}", &l, &err), -1);
	CHECK_STR(err.msg, "flow format token '${}' is not ${field}");
	CHECK_INT(ct_flow_layout_from_format("${version} ${srcaddr} ${version}", &l, &err), -1);
	CHECK_STR(err.msg, "flow format names field 'version' twice");
	CHECK_INT(ct_flow_layout_from_format("${version},${srcaddr}", &l, &err), -1);
	CHECK_STR(err.msg, "flow format field 'version},${srcaddr' is not a field name");
	CHECK(l == NULL);

	/* a format through the buffer parser, with and without export times */
	const char *text = "2023-07-14T12:00:01Z 3 vpc-0bb1c79de3fa1e2d3 10.0.1.23 10.0.4.10 5432 "
			   "6 ACCEPT 18 OK\n"
			   "3 vpc-0bb1c79de3fa1e2d3 10.0.4.10 10.0.1.23 41022 6 ACCEPT 3 OK\n";
	CHECK_INT(parse(text,
			"${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} "
			"${tcp-flags} ${log-status}",
			c, &st, &err),
		  0);
	CHECK_INT(c->nrec, 2);
	CHECK_INT(c->ndiag, 0);
	CHECK(c->rec[0].has_export_time);
	CHECK_INT(c->rec[0].export_ms, INT64_C(1689336001000));
	CHECK_INT(c->rec[1].v[CT_FF_DSTPORT].i, 41022);
	CHECK_INT(c->rec[1].v[CT_FF_TCP_FLAGS].i, 3);
	/* a bad format fails the parse before any line */
	CHECK_INT(parse(text, "${version", c, &st, &err), -1);
	CHECK_INT(err.code, CT_E_USAGE);
	/* a header in the file wins over the format */
	CHECK_INT(parse("srcaddr dstaddr\n10.0.1.23 10.0.4.10\n", "${version}", c, &st, &err), 0);
	CHECK_INT(c->nrec, 1);
	CHECK_STR(fv(&c->rec[0], CT_FF_DSTADDR), "10.0.4.10");
	free(r);
	free(c);
}

static void test_ipv6(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("ipv6.log", NULL, c, &st, &err, &text), 0);
	if (text) {
		CHECK_INT(c->nrec, 5);
		CHECK_INT(c->ndiag, 0);
		CHECK_STR(fv(&c->rec[0], CT_FF_SRCADDR), "2600:1f18:4a3:6902:7c1e:5b2d:9f04:3e11");
		CHECK_STR(fv(&c->rec[0], CT_FF_DSTADDR), "2606:4700:4700::1111");
		CHECK_INT(c->rec[2].v[CT_FF_PROTOCOL].i, 58);
		CHECK_STR(fv(&c->rec[3], CT_FF_SRCADDR), "fe80::4a1:2bff:fe3c:4d5e");
		CHECK_STR(fv(&c->rec[4], CT_FF_SRCADDR), "::ffff:10.0.1.23");
		free(text);
	}

	/* bad IPv6 */
	CHECK_INT(parse("srcaddr dstaddr\n2600:1f18::4a3::1 ::1\nfe80::1%eth0 ::1\n"
			"2600:1f18:4a3:6902:7c1e:5b2d:9f04:3e11:1 ::1\n",
			NULL, c, &st, &err),
		  0);
	CHECK_INT(c->nrec, 0);
	CHECK_INT(c->ndiag, 3);
	CHECK_STR(c->diag[0], "E 2: srcaddr '2600:1f18::4a3::1' is not an IP address");
	CHECK_STR(c->diag[1], "E 3: srcaddr 'fe80::1%eth0' is not an IP address");
	CHECK_STR(c->diag[2], "E 4: srcaddr '2600:1f18:4a3:6902:7c1e:5b2d:9f04:3e11:1' is not an IP address");
	free(c);
}

/* The IPv4 check agrees with inet_pton. */
static void test_ipv4_like_inet_pton(void)
{
	static const char *const cases[] = {
		"10.0.1.23", "0.0.0.0",       "255.255.255.255", "256.0.0.1", "10.0.0.999", "1.2.3",
		"1.2.3.4.5", "01.2.3.4",      "1.2.3.04",        "1.2.3.0",   "1..2.3",     ".1.2.3",
		"1.2.3.",    "1.2.3.4 ",      "a.b.c.d",         "1.2.3.-4",  "1234.1.1.1", "100.100.100.100",
		"1.2.3.4x",  "192.168.000.1", "0.0.0.00",
	};
	struct ct_flow_layout *l;
	struct ct_err err;
	CHECK_INT(ct_flow_layout_from_format("${srcaddr}", &l, &err), 0);
	struct ct_flow_rec *r = calloc(1, sizeof(*r));
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		unsigned char bin[16];
		char why[256];
		int want = inet_pton(AF_INET, cases[i], bin) == 1;
		size_t len = strlen(cases[i]);
		/* a trailing space is a separator for the line parser: skip it */
		if (cases[i][len - 1] == ' ')
			continue;
		int got = ct_flow_parse_line(l, cases[i], len, r, why, sizeof(why)) == 0;
		if (got != want)
			fprintf(stderr, "ipv4 case '%s': got %d, inet_pton %d\n", cases[i], got, want);
		CHECK_INT(got, want);
	}
	free(r);
	ct_flow_layout_free(l);
}

static void test_nodata_skipdata(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("nodata-skipdata.log", NULL, c, &st, &err, &text), 0);
	if (!text) {
		free(c);
		return;
	}
	CHECK_INT(c->nrec, 5);
	CHECK_INT(c->ndiag, 0);
	CHECK_INT(st.records, 5);
	CHECK_INT(st.nodata, 2);
	CHECK_INT(st.skipdata, 1);
	const struct ct_flow_rec *r = &c->rec[1];
	CHECK_STR(fv(r, CT_FF_LOG_STATUS), "NODATA");
	CHECK_STR(fv(r, CT_FF_INTERFACE_ID), "eni-0a1b2c3d4e5f67890");
	CHECK_STR(fv(r, CT_FF_SRCADDR), "NULL");
	CHECK_STR(fv(r, CT_FF_DSTPORT), "NULL");
	CHECK_STR(fv(r, CT_FF_ACTION), "NULL");
	CHECK(r->v[CT_FF_PACKETS].null && r->v[CT_FF_PACKETS].i == 0);
	CHECK_INT(r->v[CT_FF_START].i, INT64_C(1689336060000));
	CHECK_INT(r->v[CT_FF_END].i, INT64_C(1689336120000));
	CHECK_STR(fv(&c->rec[2], CT_FF_LOG_STATUS), "SKIPDATA");
	CHECK_STR(fv(&c->rec[2], CT_FF_BYTES), "NULL");
	CHECK_STR(fv(&c->rec[4], CT_FF_LOG_STATUS), "OK");

	/* both are detected as records (header-less exports start with them) */
	const char *nd = "2 123456789012 eni-0a1b2c3d4e5f67890 - - - - - - - 1689336060 1689336120 - "
			 "NODATA";
	CHECK(ct_flow_looks_like_record(nd, strlen(nd)));
	free(text);
	free(c);
}

static void test_malformed(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	char *text;
	CHECK_INT(parse_fixture("malformed.log", NULL, c, &st, &err, &text), 0);
	if (text) {
		CHECK_INT(c->nrec, 2);
		CHECK_INT(c->lineno[0], 2);
		CHECK_INT(c->lineno[1], 12); /* the file goes on after bad lines */
		CHECK_INT(st.bad, 9);
		CHECK_INT(c->ndiag, 9);
		static const char *const want[] = {
			"E 3: expected 14 fields, found 11",
			"E 4: dstport 'abc' is not a number",
			"E 5: srcaddr '10.0.0.999' is not an IP address",
			"E 6: srcport '70000' is out of range (0 to 65535)",
			("E 7: bytes '99999999999999999999' is out of range (0 to "
			 "9223372036854775807)"),
			"E 8: protocol '256' is out of range (0 to 255)",
			"E 9: action 'ALLOW' is not ACCEPT or REJECT",
			"E 10: log-status 'DONE' is not OK, NODATA or SKIPDATA",
			"E 11: packets '-20' is not a number",
		};
		for (size_t i = 0; i < CT_ARRAY_SIZE(want) && i < c->ndiag; i++)
			CHECK_STR(c->diag[i], want[i]);
		free(text);
	}

	/* the line parser alone, with the exact reasons */
	const struct ct_flow_layout *d = ct_flow_layout_default();
	struct ct_flow_rec *r = calloc(1, sizeof(*r));
	char why[256];
	static const struct {
		const char *line, *why;
	} cases[] = {
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 ACCEPT", "expected 14 fields, found 13"},
		{"", "expected 14 fields, found 0"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 ACCEPT OK extra",
		 "expected 14 fields, found 15"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 18446744073709551616 1 2 ACCEPT "
		 "OK",
		 "bytes '18446744073709551616' is out of range (0 to 9223372036854775807)"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 9223372036854775808 1 1 2 ACCEPT "
		 "OK",
		 "packets '9223372036854775808' is out of range (0 to 9223372036854775807)"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 9223372036854776 2 ACCEPT OK",
		 "start '9223372036854776' is out of range (0 to 9223372036854775)"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 +2 ACCEPT OK", "end '+2' is not a number"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2.5 ACCEPT OK", "end '2.5' is not a number"},
		{"x 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 ACCEPT OK", "version 'x' is not a number"},
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 accept OK",
		 "action 'accept' is not ACCEPT or REJECT"},
		{"2 123456789012 eni-1 10.0.1.23 host.example 1 2 6 1 1 1 2 ACCEPT OK",
		 "dstaddr 'host.example' is not an IP address"},
		/* control bytes are escaped in the reason */
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2\x1b[31m 6 1 1 1 2 ACCEPT OK",
		 "dstport '2\\x1b[31m' is not a number"},
		/* long values are cut */
		{"2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 "
		 "2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 6 1 1 1 2 ACCEPT "
		 "OK",
		 "dstport '2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a number"},
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(cases); i++) {
		why[0] = 0;
		CHECK_INT(ct_flow_parse_line(d, cases[i].line, strlen(cases[i].line), r, why, sizeof(why)), -1);
		CHECK_STR(why, cases[i].why);
	}
	/* the largest values that fit */
	const char *big = "2147483647 123456789012 eni-1 255.255.255.255 0.0.0.0 65535 0 255 "
			  "9223372036854775807 0 9223372036854775 0 REJECT SKIPDATA\r\n";
	CHECK_INT(ct_flow_parse_line(d, big, strlen(big), r, why, sizeof(why)), 0);
	CHECK_INT(r->v[CT_FF_VERSION].i, 2147483647);
	CHECK_INT(r->v[CT_FF_PACKETS].i, INT64_MAX);
	CHECK_INT(r->v[CT_FF_START].i, INT64_C(9223372036854775000));
	CHECK_INT(r->v[CT_FF_SRCPORT].i, 65535);
	CHECK_INT(r->len, strlen(big) - 2);

	/* a small why buffer is cut, not overrun */
	char tiny[8];
	const char *bad = "2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 abc 6 1 1 1 2 ACCEPT OK";
	CHECK_INT(ct_flow_parse_line(d, bad, strlen(bad), r, tiny, sizeof(tiny)), -1);
	CHECK_STR(tiny, "dstport");
	free(r);
	free(c);
}

static void test_unknown_field(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	const char *text = "version srcaddr resource-id dstaddr encryption-status action log-status\n"
			   "9 10.0.1.23 nat-0a1b2c3d4e5f67890 10.0.4.10 1 ACCEPT OK\n"
			   "9 10.0.1.24 - 10.0.4.10 0 ACCEPT OK\n"
			   /* the same header again (files concatenated): no second warning */
			   "version srcaddr resource-id dstaddr encryption-status action log-status\n"
			   "9 10.0.1.25 nat-0a1b2c3d4e5f67890 10.0.4.10 1 REJECT OK\n"
			   /* a new header with one more unknown name: a warning for it alone */
			   "version srcaddr resource-id future-field\n"
			   "9 10.0.1.26 nat-1 x\n";
	CHECK_INT(parse(text, NULL, c, &st, &err), 0);
	CHECK_INT(c->nrec, 4);
	CHECK_INT(st.headers, 3);
	CHECK_INT(c->ndiag, 2);
	CHECK_STR(c->diag[0], "W 1: unknown flow log fields 'resource-id', 'encryption-status' kept "
			      "as text");
	CHECK_STR(c->diag[1], "W 6: unknown flow log field 'future-field' kept as text");
	const struct ct_flow_rec *r = &c->rec[0];
	CHECK_INT(r->v[CT_FF_VERSION].i, 9);
	CHECK_STR(fv(r, CT_FF_DSTADDR), "10.0.4.10");
	CHECK_INT(r->nunknown, 2);
	CHECK_INT(c->lay[0].nunknown, 2);
	CHECK_STR(c->lay[0].unknown[0], "resource-id");
	CHECK_STR(val(&r->unknown[0]), "nat-0a1b2c3d4e5f67890");
	CHECK_STR(c->lay[0].unknown[1], "encryption-status");
	CHECK_STR(val(&r->unknown[1]), "1");
	CHECK_STR(val(&c->rec[1].unknown[0]), "NULL");
	CHECK_STR(fv(&c->rec[3], CT_FF_DSTADDR), "ABSENT");
	CHECK_STR(val(&c->rec[3].unknown[1]), "x");
	CHECK_STR(c->lay[3].unknown[1], "future-field");

	/* an unknown name in --flow-format is warned once, at the first record */
	CHECK_INT(parse("10.0.1.23 abc\n10.0.1.24 def\n", "${srcaddr} ${new-field}", c, &st, &err), 0);
	CHECK_INT(c->nrec, 2);
	CHECK_INT(c->ndiag, 1);
	CHECK_STR(c->diag[0], "W 1: unknown flow log field 'new-field' kept as text");
	free(c);
}

static void test_header_errors(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	struct ct_flow_layout *l = NULL;
	struct ct_buf b = {0};

	/* more than 128 fields */
	ct_buf_append(&b, "version srcaddr", 15);
	for (int i = 0; i < 127; i++)
		ct_buf_printf(&b, " x-%d", i);
	CHECK_INT(ct_flow_layout_from_header(b.p, b.len, &l, &err), -1);
	CHECK_INT(err.code, CT_E_INPUT);
	CHECK_STR(err.msg, "header has more than 128 fields");
	CHECK(l == NULL);
	/* exactly 128 is fine */
	ct_buf_reset(&b);
	ct_buf_append(&b, "version srcaddr", 15);
	for (int i = 0; i < 126; i++)
		ct_buf_printf(&b, " x-%d", i);
	CHECK_INT(ct_flow_layout_from_header(b.p, b.len, &l, &err), 0);
	CHECK_INT(ct_flow_layout_count(l), 128);
	CHECK_INT(ct_flow_layout_unknown_count(l), 126);
	ct_flow_layout_free(l);
	l = NULL;

	/* through the reader: a fatal error for the file, with its line */
	ct_buf_reset(&b);
	ct_buf_append(&b, "version srcaddr", 15);
	for (int i = 0; i < 127; i++)
		ct_buf_printf(&b, " x-%d", i);
	ct_buf_append(&b, "\n2 10.0.1.23\n", 13);
	CHECK_INT(parse(b.p, NULL, c, &st, &err), -1);
	CHECK_INT(err.code, CT_E_INPUT);
	CHECK_STR(err.file, "t.log");
	CHECK_INT(err.record, 1);
	CHECK_STR(err.msg, "header has more than 128 fields");
	CHECK_INT(c->nrec, 0);

	CHECK_INT(ct_flow_layout_from_header("version srcaddr version", 23, &l, &err), -1);
	CHECK_STR(err.msg, "header names field 'version' twice");
	CHECK_INT(ct_flow_layout_from_header("version foo-x foo-x", 19, &l, &err), -1);
	CHECK_STR(err.msg, "header names field 'foo-x' twice");
	CHECK_INT(ct_flow_layout_from_header("version sr\x01", 11, &l, &err), -1);
	CHECK_STR(err.msg, "header field 'sr\\x01' is not a field name");
	CHECK_INT(ct_flow_layout_from_header("   \r\n", 5, &l, &err), -1);
	CHECK_STR(err.msg, "header names no fields");
	char longname[100];
	memset(longname, 'a', 80);
	memcpy(longname, "version ", 8);
	CHECK_INT(ct_flow_layout_from_header(longname, 80, &l, &err), -1);
	CHECK_STR(err.msg, "header field 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is "
			   "longer than 64 bytes");
	CHECK(l == NULL);
	/* a CRLF header */
	CHECK_INT(ct_flow_layout_from_header("version log-status\r\n", 20, &l, &err), 0);
	CHECK_INT(ct_flow_layout_field(l, 1), CT_FF_LOG_STATUS);
	ct_flow_layout_free(l);
	ct_buf_free(&b);
	free(c);
}

static void test_limits(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_flow_stats st;
	struct ct_err err;
	struct ct_buf b = {0};
	const char *good = "2 123456789012 eni-1 10.0.1.23 10.0.1.24 1 2 6 1 1 1 2 ACCEPT OK\n";

	/* a line over 64 KiB: an error, and the file goes on */
	ct_buf_append(&b, good, strlen(good));
	ct_buf_append(&b, "2 123456789012 ", 15);
	for (int i = 0; i < CT_FLOW_MAX_LINE; i++)
		ct_buf_putc(&b, 'x');
	ct_buf_putc(&b, '\n');
	ct_buf_append(&b, good, strlen(good));
	CHECK_INT(parse(b.p, NULL, c, &st, &err), 0);
	CHECK_INT(c->nrec, 2);
	CHECK_INT(c->ndiag, 1);
	CHECK_STR(c->diag[0], "E 2: line is longer than 65536 bytes");
	CHECK_INT(st.bad, 1);

	/* a line of exactly 64 KiB is read (a text field takes the rest) */
	struct ct_flow_layout *l;
	CHECK_INT(ct_flow_layout_from_format("${version} ${vpc-id}", &l, &err), 0);
	ct_buf_reset(&b);
	ct_buf_append(&b, "5 ", 2);
	while (b.len < CT_FLOW_MAX_LINE)
		ct_buf_putc(&b, 'v');
	struct ct_flow_rec *r = calloc(1, sizeof(*r));
	char why[256];
	CHECK_INT(ct_flow_parse_line(l, b.p, b.len, r, why, sizeof(why)), 0);
	CHECK_INT(r->v[CT_FF_VPC_ID].len, CT_FLOW_MAX_LINE - 2);
	ct_buf_putc(&b, 'v');
	CHECK_INT(ct_flow_parse_line(l, b.p, b.len, r, why, sizeof(why)), -1);
	CHECK_STR(why, "line is longer than 65536 bytes");
	ct_flow_layout_free(l);

	/* a line with thousands of fields */
	ct_buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		ct_buf_append(&b, "1 ", 2);
	CHECK_INT(ct_flow_parse_line(ct_flow_layout_default(), b.p, b.len, r, why, sizeof(why)), -1);
	CHECK_STR(why, "expected 14 fields, found 5000");

	/* on_rec stops the reader with its own return */
	ct_buf_reset(&b);
	for (int i = 0; i < 5; i++)
		ct_buf_append(&b, good, strlen(good));
	memset(c, 0, sizeof(*c));
	c->stop_after = 2;
	memset(&err, 0, sizeof(err));
	CHECK_INT(ct_flow_parse_buffer(b.p, b.len, NULL, "t.log", on_diag, on_rec, c, NULL, &err), -7);
	CHECK_INT(c->nrec, 2);
	CHECK_INT(err.code, CT_E_OK);

	/* NULL callbacks and stats are fine */
	CHECK_INT(ct_flow_parse_buffer(b.p, b.len, NULL, NULL, NULL, NULL, NULL, NULL, NULL), 0);
	CHECK_INT(ct_flow_parse_buffer("", 0, NULL, NULL, NULL, NULL, NULL, &st, NULL), 0);
	CHECK_INT(st.lines, 0);
	free(r);
	ct_buf_free(&b);
	free(c);
}

static void test_reader(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct ct_err err;
	struct ct_flow_reader *rd;
	CHECK_INT(ct_flow_reader_new("s3.log", NULL, on_diag, on_rec, c, &rd, &err), 0);
	CHECK(ct_flow_reader_layout(rd) == NULL);
	/* lines as a streaming caller gives them: with, without LF */
	const char *lines[] = {
		"version srcaddr dstaddr action log-status\n",
		"2 10.0.1.23 10.0.4.10 ACCEPT OK\n",
		"2 10.0.1.23 10.0.4.10 ACCEPT\n",
		"2 10.0.1.24 10.0.4.10 REJECT OK",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(lines); i++)
		CHECK_INT(ct_flow_reader_line(rd, lines[i], strlen(lines[i]), &err), 0);
	CHECK_INT(ct_flow_layout_count(ct_flow_reader_layout(rd)), 5);
	const struct ct_flow_stats *st = ct_flow_reader_stats(rd);
	CHECK_INT(st->lines, 4);
	CHECK_INT(st->headers, 1);
	CHECK_INT(st->records, 2);
	CHECK_INT(st->bad, 1);
	CHECK_INT(c->ndiag, 1);
	CHECK_STR(c->diag[0], "E 3: expected 5 fields, found 4");
	/* a later header switches the layout */
	CHECK_INT(ct_flow_reader_line(rd, "srcport dstport\n", 16, &err), 0);
	CHECK_INT(ct_flow_reader_line(rd, "443 51000\n", 10, &err), 0);
	CHECK_INT(c->nrec, 3);
	CHECK_INT(c->rec[2].v[CT_FF_SRCPORT].i, 443);
	CHECK_INT(c->lineno[2], 6);
	ct_flow_reader_free(rd);
	ct_flow_reader_free(NULL);

	/* a bad format fails reader_new with a usage error */
	rd = NULL;
	CHECK_INT(ct_flow_reader_new("x", "${nope", NULL, NULL, NULL, &rd, &err), -1);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK(rd == NULL);

	/* a single known name on the first line is a header */
	memset(c, 0, sizeof(*c));
	CHECK_INT(ct_flow_reader_new("one.log", NULL, on_diag, on_rec, c, &rd, &err), 0);
	CHECK_INT(ct_flow_reader_line(rd, "srcaddr", 7, &err), 0);
	CHECK_INT(ct_flow_reader_line(rd, "10.0.1.23", 9, &err), 0);
	CHECK_INT(c->nrec, 1);
	CHECK_STR(fv(&c->rec[0], CT_FF_SRCADDR), "10.0.1.23");
	ct_flow_reader_free(rd);
	free(c);
}

static void test_detect(void)
{
	static const char *const headers[] = {
		"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
		"bytes start end action log-status",
		"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
		"bytes start end action log-status\r\n",
		"account-id action az-id bytes dstaddr dstport end flow-direction",
		"version srcaddr resource-id encryption-status",
		"\xef\xbb\xbfversion account-id",
		"version  account-id\n",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(headers); i++) {
		bool ok = ct_flow_looks_like_header(headers[i], strlen(headers[i]));
		if (!ok)
			fprintf(stderr, "not a header: '%s'\n", headers[i]);
		CHECK(ok);
		CHECK(!ct_flow_looks_like_record(headers[i], strlen(headers[i])));
	}
	static const char *const not_headers[] = {
		"",
		"version",                                   /* one word */
		"# ctscan",                                  /* README */
		"ctscan reads CloudTrail and VPC Flow Logs", /* README */
		"version 2 of the flow log format",
		"Version Account-ID Interface-ID",
		"version account-id foo bar baz qux", /* mostly unknown words */
		"version srcaddr x y z",              /* 2 of 5 known */
		"account-id version-2",
		"version,account-id,interface-id,srcaddr,dstaddr", /* CSV */
		"\"version\",\"account-id\"",
		"{\"Records\":[{\"eventVersion\":\"1.08\"}]}", /* CloudTrail JSON */
		"[{\"version\": 2}]",
		("2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		 "1689336000 1689336060 ACCEPT OK"),
		"srcaddr\tdstaddr",
		"start end of the story",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_headers); i++) {
		bool ok = ct_flow_looks_like_header(not_headers[i], strlen(not_headers[i]));
		if (ok)
			fprintf(stderr, "a header: '%s'\n", not_headers[i]);
		CHECK(!ok);
	}

	static const char *const records[] = {
		"2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT OK",
		"2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT OK\r\n",
		"2023-07-14T12:00:00.000Z 2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 "
		"172.31.16.139 49761 443 6 20 4249 1689336000 1689336060 ACCEPT OK",
		"2 unknown eni-0a1b2c3d4e5f67890 2600:1f18::1 ::1 0 0 58 1 72 1689336010 "
		"1689336062 "
		"REJECT OK",
		"2 123456789012 eni-0a1b2c3d4e5f67890 - - - - - - - 1689336120 1689336180 - "
		"SKIPDATA",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(records); i++) {
		bool ok = ct_flow_looks_like_record(records[i], strlen(records[i]));
		if (!ok)
			fprintf(stderr, "not a record: '%s'\n", records[i]);
		CHECK(ok);
		CHECK(!ct_flow_looks_like_header(records[i], strlen(records[i])));
	}
	static const char *const not_records[] = {
		"",
		"# VPC Flow Logs",
		"This directory holds the flow logs of 2023-07-14 for account 123456789012.",
		"{\"Records\":[]}",
		"2,123456789012,eni-0a1b2c3d4e5f67890,10.0.1.23,172.31.16.139,49761,443,6,20,4249,"
		"1689336000,1689336060,ACCEPT,OK",
		"2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT",
		"2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT OK extra",
		"- 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT OK", /* no version */
		"2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.23 172.31.16.139 49761 443 6 20 4249 "
		"1689336000 1689336060 ACCEPT -", /* no log-status */
		"a b c d e f g h i j k l m n",
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(not_records); i++) {
		bool ok = ct_flow_looks_like_record(not_records[i], strlen(not_records[i]));
		if (ok)
			fprintf(stderr, "a record: '%s'\n", not_records[i]);
		CHECK(!ok);
	}

	/* every fixture's first line is detected as what it is */
	static const struct {
		const char *name;
		bool header;
	} files[] = {
		{"v2-default.log", true},       {"v5-all-fields.log", true},
		{"v8-all-fields.log", true},    {"ipv6.log", true},
		{"nodata-skipdata.log", true},  {"malformed.log", true},
		{"export-noheader.log", false},
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(files); i++) {
		char *text = fixture(files[i].name);
		if (!text)
			continue;
		size_t n = strcspn(text, "\n");
		CHECK(ct_flow_looks_like_header(text, n) == files[i].header);
		CHECK(ct_flow_looks_like_record(text, n) == !files[i].header);
		free(text);
	}
}

/* Mutated lines never crash the parser (run under ASan/UBSan). */
static void test_mutations(void)
{
	char *text = fixture("v8-all-fields.log");
	if (!text)
		return;
	size_t len = strlen(text);
	char *buf = malloc(len);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	static const char pool[] = " -\n\r\t0123456789.:abcdefOKACCEPT\x00\xff${}";
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(buf, text, len);
		int edits = 1 + iter % 8;
		for (int e = 0; e < edits; e++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			buf[seed % len] = pool[(seed >> 32) % (sizeof(pool) - 1)];
		}
		size_t cut = iter % 5 == 0 ? (size_t)(seed >> 20) % len : len;
		struct ct_flow_stats st;
		ct_flow_parse_buffer(buf, cut, NULL, "m.log", NULL, NULL, NULL, &st, NULL);
		ct_flow_parse_buffer(buf, cut, "${version} ${srcaddr}", "m.log", NULL, NULL, NULL, &st, NULL);
		ct_flow_looks_like_header(buf, cut);
		ct_flow_looks_like_record(buf, cut);
	}
	free(buf);
	free(text);
	CHECK(1);
}

int main(void)
{
	test_fields();
	test_v2_default();
	test_v5_all_fields();
	test_v8_all_fields();
	test_export();
	test_format();
	test_ipv6();
	test_ipv4_like_inet_pton();
	test_nodata_skipdata();
	test_malformed();
	test_unknown_field();
	test_header_errors();
	test_limits();
	test_reader();
	test_detect();
	test_mutations();
	return check_done();
}
