/* test-cloudtrail.c - the CloudTrail reader: every input shape, extracted
 * fields, verbatim bytes, bad records, and streaming across the window. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "cloudtrail.h"
#include "detail.h"
#include "input.h"
#include "util.h"

#ifndef CT_TESTDATA_DIR
#define CT_TESTDATA_DIR "testdata"
#endif

struct got {
	int n;
	char ids[64][160];
	char f[64][CT_EF_COUNT][160];
	signed char b[64][CT_EB_COUNT];
	int64_t ts[64];
	char *raw[64];
	size_t raw_len[64];
	char detail[64][300], link[64][600]; /* ct_detail_compute */
	int ndiag;
	char diag[32][300];
	uint64_t diag_n[32];
	/* streaming test: check raws against an expected buffer instead */
	const char *expect;
	size_t expect_off;
	int mismatches;
	uint64_t count;
};

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n && i < 64; i++)
		free(g->raw[i]);
}

static int on_ev(void *ud, const struct ct_event *ev, struct ct_err *err)
{
	(void)err;
	struct got *g = ud;
	g->count++;
	if (g->expect) {
		/* events are "\n"-separated in the expected text */
		if (memcmp(g->expect + g->expect_off, ev->raw, ev->raw_len) != 0)
			g->mismatches++;
		g->expect_off += ev->raw_len + 1;
		return 0;
	}
	if (g->n >= 64)
		return 0;
	int i = g->n++;
	for (int k = 0; k < CT_EF_COUNT; k++)
		snprintf(g->f[i][k], sizeof(g->f[i][k]), "%.*s",
			 ev->f[k].s ? (int)CT_MIN(ev->f[k].len, (size_t)150) : 6, ev->f[k].s ? ev->f[k].s : "(null)");
	memcpy(g->ids[i], g->f[i][CT_EF_EVENT_ID], sizeof(g->ids[i]));
	memcpy(g->b[i], ev->b, sizeof(ev->b));
	g->ts[i] = ev->ts;
	g->raw[i] = ct_strndup(ev->raw, ev->raw_len);
	g->raw_len[i] = ev->raw_len;
	struct ct_buf d = {0}, l = {0};
	if (ct_detail_compute(ev, &d, &l) == 0) {
		snprintf(g->detail[i], sizeof(g->detail[i]), "%s", d.p ? d.p : "");
		snprintf(g->link[i], sizeof(g->link[i]), "%s", l.p ? l.p : "");
	}
	ct_buf_free(&d);
	ct_buf_free(&l);
	return 0;
}

static void on_diag(void *ud, const struct ct_diag *d)
{
	struct got *g = ud;
	if (g->ndiag < 32) {
		snprintf(g->diag[g->ndiag], sizeof(g->diag[0]), "%s", d->msg);
		g->diag_n[g->ndiag] = d->n;
		g->ndiag++;
	}
}

static char *slurp(const char *name, size_t *ret_len)
{
	char path[1024];
	const char *dir = getenv("CT_TESTDATA");
	snprintf(path, sizeof(path), "%s/%s", dir && dir[0] ? dir : CT_TESTDATA_DIR, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	p[n] = 0;
	fclose(f);
	*ret_len = (size_t)n;
	return p;
}

static int read_text(const char *text, size_t len, struct got *g, struct ct_read_stats *st, struct ct_err *e)
{
	memset(g, 0, sizeof(*g)); /* callers free what they keep with got_free() */
	memset(e, 0, sizeof(*e));
	return ct_cloudtrail_read_mem(text, len, "t", on_ev, on_diag, g, st, e);
}

static int read_fixture(const char *name, struct got *g, struct ct_read_stats *st, struct ct_err *e)
{
	size_t len = 0;
	char *text = slurp(name, &len);
	if (!text)
		return -99;
	int rc = read_text(text, len, g, st, e);
	free(text);
	return rc;
}

static int read_str(const char *text, struct got *g, struct ct_read_stats *st, struct ct_err *e)
{
	return read_text(text, strlen(text), g, st, e);
}

static void shapes(void)
{
	struct got g;
	struct ct_read_stats st;
	struct ct_err e;

	CHECK_INT(read_fixture("cloudtrail/records.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 4);
	CHECK_INT(st.shape, CT_SHAPE_RECORDS);
	CHECK_INT(st.bad, 0);
	CHECK_STR(g.f[0][CT_EF_I_TYPE], "IAMUser");
	CHECK_STR(g.f[0][CT_EF_I_USER_NAME], "dev-alice");
	CHECK_STR(g.f[0][CT_EF_I_ACCESS_KEY], "AKIA5EXAMPLEKEY00001");
	CHECK_STR(g.f[0][CT_EF_RECIPIENT_ACCOUNT], "111122223333");
	CHECK_INT(g.ts[0], 1710234001000LL);
	CHECK_INT(g.b[0][CT_EB_READ_ONLY], 1);
	CHECK_INT(g.b[0][CT_EB_MANAGEMENT], 1);
	CHECK_INT(g.b[0][CT_EB_MFA], -1);
	CHECK_STR(g.f[2][CT_EF_EVENT_NAME], "PutBucketPolicy");
	CHECK_STR(g.f[2][CT_EF_I_TYPE], "AssumedRole");
	CHECK_STR(g.f[2][CT_EF_I_ARN], "arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session");
	CHECK_STR(g.f[2][CT_EF_SI_TYPE], "Role");
	CHECK_STR(g.f[2][CT_EF_SI_ARN], "arn:aws:iam::111122223333:role/ops-deploy");
	CHECK_STR(g.f[2][CT_EF_SI_USER_NAME], "ops-deploy");
	CHECK_STR(g.f[2][CT_EF_S_CREATION_DATE], "2024-03-12T08:55:00Z");
	CHECK_INT(g.b[2][CT_EB_MFA], 0);
	CHECK_INT(g.b[2][CT_EB_READ_ONLY], 0);
	CHECK_STR(g.f[2][CT_EF_ERROR_CODE], "AccessDenied");
	/* escaped quotes decoded */
	CHECK(strstr(g.f[2][CT_EF_ERROR_MESSAGE], "s3:PutBucketPolicy \"corp-data\"") != NULL);
	CHECK_STR(g.f[3][CT_EF_I_TYPE], "AWSService");
	CHECK_STR(g.f[3][CT_EF_I_INVOKED_BY], "lambda.amazonaws.com");
	CHECK_STR(g.f[3][CT_EF_SOURCE_IP], "lambda.amazonaws.com");
	CHECK_STR(g.f[3][CT_EF_I_ACCESS_KEY], "(null)");
	/* the verbatim bytes are exactly the record's bytes in the file */
	size_t len;
	char *text = slurp("cloudtrail/records.json", &len);
	for (int i = 0; i < g.n && text; i++)
		CHECK(memmem(text, len, g.raw[i], g.raw_len[i]) != NULL);
	CHECK(g.raw[0][0] == '{' && g.raw[0][g.raw_len[0] - 1] == '}');
	free(text);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/pretty.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 3);
	CHECK(strchr(g.raw[0], '\n') != NULL); /* pretty-printed, kept as is */
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/ndjson.jsonl", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 3);
	CHECK_INT(st.shape, CT_SHAPE_NDJSON);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/lookup-events.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 4);
	CHECK_INT(st.shape, CT_SHAPE_LOOKUP);
	CHECK_STR(g.ids[0], "0a6f5d2e-1111-4a3b-9c8d-000000000030");
	CHECK_STR(g.ids[3], "0a6f5d2e-1111-4a3b-9c8d-000000000001");
	/* the record is the unescaped CloudTrailEvent */
	CHECK(strncmp(g.raw[0], "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\"", 55) == 0);
	CHECK(strchr(g.raw[0], '\\') == NULL);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/array.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 2);
	CHECK_INT(st.shape, CT_SHAPE_ARRAY);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/single-event.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.shape, CT_SHAPE_EVENT);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/empty-array.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 0);
	CHECK_INT(st.bad, 0);
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/forwarder.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.f[0][CT_EF_SOURCE_IP], "AWS Internal");
	CHECK_STR(g.f[1][CT_EF_SOURCE_IP], "010.001.002.003");
	CHECK_STR(g.f[1][CT_EF_AWS_REGION], "xx-future-9");
	CHECK_STR(g.f[3][CT_EF_SOURCE_IP], "2001:db8::7");
	got_free(&g);

	CHECK_INT(read_fixture("cloudtrail/package.json", &g, &st, &e), CT_RD_NOTLOG);
	CHECK_INT(read_fixture("cloudtrail/README.md", &g, &st, &e), CT_RD_NOTLOG);
	CHECK_STR(e.msg, "not JSON: not a CloudTrail log");
}

static void bad(void)
{
	struct got g;
	struct ct_read_stats st;
	struct ct_err e;

	CHECK_INT(read_fixture("bad/wrong-types.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.bad, 4);
	CHECK_INT(g.ndiag, 4);
	CHECK_STR(g.diag[0], "eventTime is a number, not a string");
	CHECK_INT(g.diag_n[0], 1);
	CHECK_STR(g.diag[1], "userIdentity is a string, not an object");
	CHECK_STR(g.diag[2], "missing eventTime");
	CHECK_STR(g.diag[3], "eventTime 'yesterday' is not an ISO-8601 time");
	CHECK_INT(g.diag_n[3], 4);
	got_free(&g);

	CHECK_INT(read_fixture("bad/deep.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 2); /* the records before and after the deep one */
	CHECK_INT(st.bad, 1);
	CHECK_STR(g.diag[0], "nesting deeper than 512 levels (record starting at byte 1014)");
	got_free(&g);

	CHECK_INT(read_fixture("bad/bad-utf8.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.diag_n[0], 2);
	got_free(&g);

	CHECK_INT(read_fixture("bad/nul-byte.json", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 1);
	CHECK(strstr(g.diag[0], "NUL byte in string") != NULL);
	got_free(&g);

	CHECK_INT(read_fixture("bad/invalid-json.json", &g, &st, &e), CT_RD_BROKEN);
	CHECK_INT(g.n, 1);
	CHECK_INT(e.record, 2);
	CHECK_STR(e.msg, "invalid JSON: expected a string key at byte 983; the rest of the file cannot be read");
	got_free(&g);

	CHECK_INT(read_fixture("bad/ndjson-bad-line.jsonl", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 2); /* the lines before and after the broken one */
	CHECK_INT(g.diag_n[0], 2);
	got_free(&g);
}

static void edges(void)
{
	struct got g;
	struct ct_read_stats st;
	struct ct_err e;
	const char *ev = "{\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventName\":\"X\"}";
	char buf[4096];

	memset(&g, 0, sizeof(g));
	CHECK_INT(read_str("{\"Records\":[]}", &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 0);
	got_free(&g);
	CHECK_INT(read_str("   \n\t ", &g, &st, &e), CT_RD_EMPTY);
	got_free(&g);
	CHECK_INT(read_str("{}", &g, &st, &e), CT_RD_NOTLOG);
	got_free(&g);
	CHECK_INT(read_str("[1, \"x\", {\"a\":1}]", &g, &st, &e), CT_RD_OK);
	CHECK_INT(st.bad, 3);
	CHECK_STR(g.diag[0], "the item is a number, not an event object");
	CHECK_STR(g.diag[2], "not a CloudTrail event (no eventTime, eventName or eventSource)");
	/* other keys around the Records array, and two documents in a row */
	snprintf(buf, sizeof(buf), "{\"Records\":[%s],\"extra\":{\"a\":[1,2]}}\n{\"Records\":[%s,%s]}", ev, ev, ev);
	got_free(&g);
	CHECK_INT(read_str(buf, &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 3);
	CHECK_INT(st.shape, CT_SHAPE_RECORDS);
	/* Records that is not the first key: read from the whole object */
	snprintf(buf, sizeof(buf), "{\"version\":1,\"Records\":[%s,%s]}", ev, ev);
	got_free(&g);
	CHECK_INT(read_str(buf, &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 2);
	/* an escaped key is the same key; the first of duplicate keys wins */
	got_free(&g);
	CHECK_INT(read_str("{\"event\\u004eame\":\"Esc\",\"eventName\":\"Dup\",\"eventTime\":\"2024-01-01T00:00:00Z\"}",
			   &g, &st, &e),
		  CT_RD_OK);
	CHECK_STR(g.f[0][CT_EF_EVENT_NAME], "Esc");
	/* a byte order mark */
	snprintf(buf, sizeof(buf), "\xEF\xBB\xBF[%s]", ev);
	got_free(&g);
	CHECK_INT(read_str(buf, &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 1);
	/* data after a complete document */
	snprintf(buf, sizeof(buf), "{\"Records\":[%s]} garbage", ev);
	got_free(&g);
	CHECK_INT(read_str(buf, &g, &st, &e), CT_RD_BROKEN);
	CHECK_INT(g.n, 1);
	/* a Records array that never closes */
	snprintf(buf, sizeof(buf), "{\"Records\":[%s,", ev);
	got_free(&g);
	CHECK_INT(read_str(buf, &g, &st, &e), CT_RD_BROKEN);
	CHECK_INT(g.n, 1);
	CHECK_STR(e.msg, "unexpected end of input inside the array");
	/* booleans written as strings, as some exports do */
	got_free(&g);
	CHECK_INT(
		read_str(
			"{\"eventTime\":\"2024-01-01T00:00:00.250+01:00\",\"readOnly\":\"false\",\"managementEvent\":true}",
			&g, &st, &e),
		CT_RD_OK);
	CHECK_INT(g.b[0][CT_EB_READ_ONLY], 0);
	CHECK_INT(g.b[0][CT_EB_MANAGEMENT], 1);
	CHECK_INT(g.ts[0], 1704063600250LL);
	/* a lookup-events item whose CloudTrailEvent is broken */
	got_free(&g);
	CHECK_INT(
		read_str("{\"Events\":[{\"EventId\":\"x\",\"CloudTrailEvent\":\"{\\\"eventTime\\\":\"}]}", &g, &st, &e),
		CT_RD_OK);
	CHECK_INT(g.n, 0);
	CHECK_STR(g.diag[0], "CloudTrailEvent is not valid JSON: truncated");
	got_free(&g);
	/* a digest */
	got_free(&g);
	CHECK_INT(read_str("{\"digestStartTime\":\"x\",\"logFiles\":[]}", &g, &st, &e), CT_RD_DIGEST);
}

/* Many records through a real input and the refillable window, so that
 * records cross the window's edges, plain and gzip. */
static void streaming(void)
{
	size_t n = 6000;
	struct ct_buf b = {0}, expect = {0};
	ct_buf_printf(&b, "{\"Records\":[");
	for (size_t i = 0; i < n; i++) {
		size_t start = b.len;
		ct_buf_printf(
			&b,
			"%s{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-01-01T00:%02zu:%02zuZ\",\"eventID\":\"id-%zu\","
			"\"eventName\":\"N%zu\",\"requestParameters\":{\"pad\":\"%0*d\",\"u\":\"\\u00e9\\\"\"}}",
			i ? "" : "", (i / 60) % 60, i % 60, i, i % 50, (int)(700 + i % 900), 7);
		ct_buf_append(&expect, b.p + start, b.len - start);
		ct_buf_putc(&expect, '\n');
		if (i + 1 < n)
			ct_buf_putc(&b, ',');
	}
	ct_buf_printf(&b, "]}");
	for (int gz = 0; gz <= 1; gz++) {
		char path[] = "/tmp/ctscan-test-XXXXXX";
		int fd = mkstemp(path);
		if (gz) {
			gzFile z = gzdopen(fd, "wb6");
			gzwrite(z, b.p, (unsigned)b.len);
			gzclose(z);
		} else {
			CHECK_INT(write(fd, b.p, b.len), (long long)b.len);
			close(fd);
		}
		struct ct_input *in = NULL;
		struct ct_err e = {0};
		char sha[65];
		uint64_t size;
		CHECK_INT(ct_input_open(path, &in, &e), 0);
		CHECK_INT(ct_input_hash_raw(in, sha, &size, &e), 0);
		CHECK_INT(ct_input_rewind(in, &e), 0);
		CHECK_INT(ct_input_is_gzip(in), gz);
		struct ct_rbuf rb;
		ct_rbuf_init(&rb, in);
		struct got g;
		memset(&g, 0, sizeof(g));
		g.expect = expect.p;
		struct ct_read_stats st;
		CHECK_INT(ct_cloudtrail_read(&rb, path, on_ev, on_diag, &g, &st, &e), CT_RD_OK);
		CHECK_INT(g.count, (long long)n);
		CHECK_INT(g.mismatches, 0);
		CHECK_INT(g.ndiag, 0);
		char csha[65];
		uint64_t csize;
		ct_input_content_hash(in, csha, &csize);
		CHECK_INT(csize, (long long)b.len);
		if (!gz)
			CHECK_STR(csha, sha);
		ct_rbuf_free(&rb);
		ct_input_free(in);
		unlink(path);
	}
	ct_buf_free(&b);
	ct_buf_free(&expect);
}

/* The one-line detail and the link facts computed at ingest. */
#define EV(src, name, rest)                                                                                            \
	"{\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"" src "\",\"eventName\":\"" name "\"" rest "}\n"
static void details(void)
{
	struct got g;
	struct ct_read_stats st;
	struct ct_err e;
	const char *text =
		/* 0: S3, escapes decoded */
		EV("s3.amazonaws.com", "GetObject",
		   ",\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"a\\/b c\\u00e9\"}")
		/* 1: security group rules, every kind of source, a port range */
		EV("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
		   ",\"requestParameters\":{\"groupId\":\"sg-1\",\"ipPermissions\":{\"items\":["
		   "{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}},"
		   "{\"ipProtocol\":\"-1\",\"ipv6Ranges\":{\"items\":[{\"cidrIpv6\":\"::/0\"}]},"
		   "\"groups\":{\"items\":[{\"groupId\":\"sg-2\"}]}},"
		   "{\"ipProtocol\":\"udp\",\"fromPort\":53,\"toPort\":54}]}}")
		/* 2: STS with plain values: everything is in the detail, no link */
		EV("sts.amazonaws.com", "AssumeRole",
		   ",\"requestParameters\":{\"roleArn\":\"arn:aws:iam::1:role/R\",\"roleSessionName\":\"s\"},"
		   "\"responseElements\":{\"credentials\":{\"accessKeyId\":\"ASIAX\"}}")
		/* 3: a session name with a space cannot be read back: link kept */
		EV("sts.amazonaws.com", "AssumeRole",
		   ",\"requestParameters\":{\"roleArn\":\"arn:aws:iam::1:role/R\",\"roleSessionName\":\"a b\"},"
		   "\"responseElements\":{\"credentials\":{\"accessKeyId\":\"ASIAY\"}}")
		/* 4: KMS falls back to the resource ARN */
		EV("kms.amazonaws.com", "Decrypt", ",\"requestParameters\":null,\"resources\":[{\"ARN\":\"arn:k\"}]")
		/* 5: console login */
		EV("signin.amazonaws.com", "ConsoleLogin",
		   ",\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{\"MFAUsed\":\"No\"}")
		/* 6: other services: null skipped, true is 1 */
		EV("x.amazonaws.com", "Do", ",\"requestParameters\":{\"name\":null,\"bucketName\":true}")
		/* 7: IAM: the key from the response, link kept */
		EV("iam.amazonaws.com", "CreateAccessKey",
		   ",\"requestParameters\":{\"userName\":\"u\"},\"responseElements\":{\"accessKey\":{\"accessKeyId\":\"AKIAZ\"}}")
		/* 8: nothing to say */
		EV("ec2.amazonaws.com", "DescribeRegions", "");
	CHECK_INT(read_str(text, &g, &st, &e), CT_RD_OK);
	CHECK_INT(g.n, 9);
	CHECK_STR(g.detail[0], "b/a/b c\xc3\xa9");
	CHECK_STR(g.detail[1], "sg-1 tcp/22 from 0.0.0.0/0; all from ::/0,sg-2; udp/53-54");
	CHECK_STR(g.detail[2], "arn:aws:iam::1:role/R session=s -> ASIAX");
	CHECK_STR(g.link[2], "");
	CHECK_STR(g.detail[3], "arn:aws:iam::1:role/R session=a b -> ASIAY");
	CHECK_STR(g.link[3],
		  "{\"requestParameters\":{\"roleArn\":\"arn:aws:iam::1:role/R\",\"roleSessionName\":\"a b\"},"
		  "\"responseElements\":{\"credentials\":{\"accessKeyId\":\"ASIAY\"}}}");
	CHECK_STR(g.detail[4], "arn:k");
	CHECK_STR(g.detail[5], "Success mfa=No");
	CHECK_STR(g.detail[6], "1");
	CHECK_STR(g.detail[7], "user=u key=AKIAZ");
	CHECK_STR(g.link[7], "{\"requestParameters\":{\"userName\":\"u\"},"
			     "\"responseElements\":{\"accessKey\":{\"accessKeyId\":\"AKIAZ\"}}}");
	CHECK_STR(g.detail[8], "");
	got_free(&g);

	char *ra, *se, *nm, *key;
	CHECK_INT(ct_detail_sts_parse("arn:aws:iam::1:role/R session=s -> ASIAX", &ra, &se, &nm, &key), 0);
	CHECK_STR(ra, "arn:aws:iam::1:role/R");
	CHECK_STR(se, "s");
	CHECK(nm == NULL);
	CHECK_STR(key, "ASIAX");
	free(ra), free(se), free(nm), free(key);
	CHECK_INT(ct_detail_sts_parse("name=bob -> ASIAF", &ra, &se, &nm, &key), 0);
	CHECK(ra == NULL && se == NULL);
	CHECK_STR(nm, "bob");
	CHECK_STR(key, "ASIAF");
	free(ra), free(se), free(nm), free(key);
}

int main(void)
{
	shapes();
	bad();
	edges();
	streaming();
	details();
	return check_done();
}
