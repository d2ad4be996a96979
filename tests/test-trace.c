/* test-trace.c - ct_trace_run follows every link ctscan-trace(1) claims,
 * and only those; the list of abused APIs; the graph writers.
 *
 *   test-trace TRACE_FIXTURES_DIR QUERIES_DIR
 *
 * TRACE_FIXTURES_DIR (testdata/trace) holds links.json, one made-up
 * intrusion in account 111122223333 on 2024-05-07, and flows.log, the
 * flows of the instance it launches:
 *
 *   carol's key AKIAQXEXAMPLECAROL01, from 203.0.113.10:
 *     GetSessionToken -> ASIA...GSTOK01, which AssumeRole ops-audit
 *       -> ASIA...OPSAU01, which AssumeRole admin-ops (role chaining)
 *       -> ASIA...ADMIN01, which
 *          CreateUser mallory, CreateAccessKey mallory -> AKIA...MALORY1
 *          CreateLoginProfile dave (user/staff/dave, a user with a path)
 *          UpdateLoginProfile erin
 *          RunInstances i-0feed1234abcd5678 (eni-0feed1234abcd5678, 10.0.7.21)
 *     GetFederationToken carol-fed -> ASIA...FEDTK01
 *   then mallory's key (and once at 18:00), dave's ConsoleLogin and his
 *   console session, erin's ConsoleLogin, the instance's role session
 *   ec2-app-role/i-0feed1234abcd5678 (ec2RoleDelivery 2.0), SSH in from
 *   203.0.113.10 and 950 kB out to 198.51.100.99;
 *   frank from 203.0.113.10 at 10:30 (same IP) and at 12:30 (too late);
 *   a SAML sign-in of jdoe@example.com from 192.0.2.80 and a web identity
 *   session from 198.51.100.60, each with the session's call.
 *
 * Decoys that no trace from carol may reach: dave's own work at 09:00
 * from 192.0.2.50, before his password was set; grace, from 192.0.2.50
 * at the same time, creating a key for henry, and henry's use of it; the
 * flows of another interface. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ctscan.h"
#include "util.h"

static char tmpdir[256];

static void on_diag(void *ud, const struct ct_diag *d)
{
	(void)ud;
	fprintf(stderr, "  %s: %s:%llu: %s\n", d->kind == CT_DIAG_ERROR ? "error" : "warning", d->file ? d->file : "",
		(unsigned long long)d->n, d->msg);
}

#define T(hms) ("2024-05-07T" hms "Z")

static int64_t ms(const char *iso)
{
	int64_t v = 0;
	if (ct_time_parse_iso(iso, strlen(iso), &v) < 0)
		fprintf(stderr, "bad time in the test: %s\n", iso);
	return v;
}

/* One row as "hop|kind|HH:MM:SS|identity|key|ip|event|detail|via"; the
 * day (2024-05-07 in every row) is checked apart. */
static void row_text(const struct ct_trace_row *r, char *buf, size_t len)
{
	static const char *const kinds[] = {"event", "flows", "finding"};
	char iso[32];
	if (!r) {
		snprintf(buf, len, "(no row)");
		return;
	}
	ct_time_format(r->ts, iso);
	snprintf(buf, len, "%d|%s|%.8s|%s|%s|%s|%s|%s|%s", r->hop, r->kind >= 0 && r->kind < 3 ? kinds[r->kind] : "?",
		 iso + 11, r->identity ? r->identity : "", r->access_key ? r->access_key : "",
		 r->source_ip ? r->source_ip : "", r->event ? r->event : "", r->detail ? r->detail : "",
		 r->via ? r->via : "");
}

static struct ct_trace *run(struct ct_index *idx, int from, const char *value, int depth, int64_t since, int64_t until,
			    const struct ct_apiset *abused)
{
	struct ct_trace_opts o = {
		.from = from, .value = value, .depth = depth, .since_ms = since, .until_ms = until, .abused = abused};
	struct ct_trace *t = NULL;
	struct ct_err err = {0};
	if (ct_trace_run(idx, &o, &t, &err) < 0) {
		fprintf(stderr, "  trace from '%s': %s\n", value, err.msg);
		return NULL;
	}
	return t;
}

/* The rows, exactly; on a difference the whole trace is printed as C
 * strings, to compare by eye. */
static void check_rows(const char *name, const struct ct_trace *t, const char *const *want, size_t n)
{
	size_t got = ct_trace_rows(t);
	bool same = got == n;
	CHECK_INT(ct_trace_rows(t), n);
	char buf[2048];
	for (size_t i = 0; i < got && i < n; i++) {
		row_text(ct_trace_row(t, i), buf, sizeof(buf));
		check_count++;
		if (strcmp(buf, want[i]) != 0) {
			check_failures++;
			same = false;
			fprintf(stderr, "%s: row %zu:\n  got  %s\n  want %s\n", name, i, buf, want[i]);
		}
	}
	for (size_t i = 0; i < got; i++) {
		char iso[32];
		ct_time_format(ct_trace_row(t, i)->ts, iso);
		CHECK(strncmp(iso, "2024-05-07", 10) == 0);
	}
	if (!same) {
		fprintf(stderr, "%s: the rows are:\n", name);
		for (size_t i = 0; i < got; i++) {
			row_text(ct_trace_row(t, i), buf, sizeof(buf));
			fprintf(stderr, "\t\"%s\",\n", buf);
		}
	}
}

/* Whether the trace reached the event with this id (and at which hop). */
static int hop_of(const struct ct_trace *t, const char *event_id)
{
	for (size_t i = 0; i < ct_trace_rows(t); i++) {
		const struct ct_trace_row *r = ct_trace_row(t, i);
		if (r->event_id && strcmp(r->event_id, event_id) == 0)
			return r->hop;
	}
	return -1;
}

static size_t count_kind(const struct ct_trace *t, int kind)
{
	size_t n = 0;
	for (size_t i = 0; i < ct_trace_rows(t); i++)
		n += ct_trace_row(t, i)->kind == kind;
	return n;
}

static int max_hop(const struct ct_trace *t)
{
	int h = -1;
	for (size_t i = 0; i < ct_trace_rows(t); i++)
		if (ct_trace_row(t, i)->hop > h)
			h = ct_trace_row(t, i)->hop;
	return h;
}

/* ---- the events of links.json by their ids ---- */

#define EV_DAVE_BEFORE "356bfc11-d765-44ff-a737-dae6b3317444"  /* dave's own ListBuckets 09:00 */
#define EV_GST "b859b1ac-1415-47f5-8856-69d363b96755"          /* carol GetSessionToken */
#define EV_GFT "50c88122-92e7-4ab8-84e4-f647e9329c03"          /* carol GetFederationToken */
#define EV_GRACE_LIST "1de3622c-e9c7-4bad-9f65-e21ebb0b044c"   /* grace ListUsers, 192.0.2.50 */
#define EV_GRACE_KEY "4c70fefe-31d1-449a-b2ec-87f1128b41a6"    /* grace CreateAccessKey henry */
#define EV_HENRY "369d038f-620e-4198-b69e-907ecdafbda2"        /* henry's key */
#define EV_DAVE_LOGIN "0598724c-532c-44bb-a864-81d7c3b684eb"   /* dave ConsoleLogin */
#define EV_DAVE_CONSOLE "40f0f1e1-a056-4ebd-93c3-968a85726be4" /* dave's console ListUsers */
#define EV_ERIN_LOGIN "7b1a04f3-e76a-4329-b6dc-f48cd2c28824"   /* erin ConsoleLogin */
#define EV_EC2_DELIVERY "1df0148f-46b7-41c9-bb56-cc0002647111" /* ec2.amazonaws.com AssumeRole */
#define EV_EC2_SECRETS "f0c89ace-a058-4976-aed3-a28008e3c160"  /* the instance role's ListSecrets */
#define EV_FRANK_NEAR "0ce18239-cd56-4d35-b3c3-a78da14511a4"   /* frank 10:30 from 203.0.113.10 */
#define EV_FRANK_LATE "1f0c50dd-0050-4a41-baf2-df47f40b290a"   /* frank 12:30 from 203.0.113.10 */
#define EV_SAML "815e146b-2242-4333-8a34-0472096dc840"
#define EV_WEB "e9bfd8be-cedf-448d-9848-dbfbc03866db"
#define EV_MAL_LATE "a45cc522-410d-4b24-9aeb-9af30ebb6606" /* mallory's key at 18:00 */

#define CAROL "AKIAQXEXAMPLECAROL01"
#define VIA_GST "GetSessionToken by AKIAQXEXAMPLECAROL01 at 2024-05-07T10:01:00Z"
#define VIA_GFT "GetFederationToken by AKIAQXEXAMPLECAROL01 at 2024-05-07T10:02:00Z"
#define VIA_OPS "AssumeRole by ASIAQXEXAMPLEGSTOK01 at 2024-05-07T10:03:00Z"
#define VIA_ADM "AssumeRole by ASIAQXEXAMPLEOPSAU01 at 2024-05-07T10:05:00Z"
#define VIA_KEY "CreateAccessKey by ASIAQXEXAMPLEADMIN01 at 2024-05-07T10:06:30Z"
#define VIA_CLP "CreateLoginProfile by ASIAQXEXAMPLEADMIN01 at 2024-05-07T10:07:00Z"
#define VIA_ULP "UpdateLoginProfile by ASIAQXEXAMPLEADMIN01 at 2024-05-07T10:07:30Z"
#define VIA_RUN "RunInstances by ASIAQXEXAMPLEADMIN01 at 2024-05-07T10:08:00Z"

#define F_USER_KEY                                                                                                     \
	"high: New IAM user given an access key right after creation: user mallory created and given access key "      \
	"AKIAQXEXAMPLEMALORY1 within a minute"
#define F_OTHER_KEY                                                                                                    \
	"medium: Access key created for another IAM user: access key AKIAQXEXAMPLEMALORY1 created for "                \
	"user mallory"
#define F_DAVE                                                                                                         \
	"medium: Console password set for another IAM user: console password created for user dave (no reset "         \
	"required)"
#define F_ERIN                                                                                                         \
	"medium: Console password set for another IAM user: console password changed for user erin (no reset "         \
	"required)"
#define F_SSH                                                                                                          \
	"medium: Inbound connection from the internet accepted on a non-web port: 203.0.113.10 connected to "          \
	"10.0.7.21 port 22/tcp (SSH): 1 accepted flows, 12 packets, 2480 bytes"
#define ADM_ROWS(h)                                                                                                              \
	h "|event|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateUser|user=mallory|" VIA_ADM,                 \
		h                                                                                                                \
		"|finding|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_user_created_with_key|" F_USER_KEY  \
		"|finding on event 93fbfd75-c09b-49c7-ba94-29f1fc111e82",                                                        \
		h                                                                                                                \
		"|event|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateAccessKey|user=mallory key="           \
		"AKIAQXEXAMPLEMALORY1|" VIA_ADM,                                                                                 \
		h                                                                                                                \
		"|finding|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_access_key_other_user|" F_OTHER_KEY \
		"|finding on event 6270e4a1-98e1-4ef3-8aed-3c10aecaaef2",                                                        \
		h                                                                                                                \
		"|event|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateLoginProfile|user=dave|" VIA_ADM,      \
		h                                                                                                                \
		"|finding|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_DAVE   \
		"|finding on event ea20957a-3673-45d9-894b-09c955108bfd",                                                        \
		h                                                                                                                \
		"|event|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|UpdateLoginProfile|user=erin|" VIA_ADM,      \
		h                                                                                                                \
		"|finding|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_ERIN   \
		"|finding on event 8911ea65-1d04-42b2-8df9-0bd8dab6ed88",                                                        \
		h                                                                                                                \
		"|event|10:08:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|RunInstances|i-0feed1234abcd5678 "           \
		"ami-0a1b2c3d4e5f60789 t3.medium eni-0feed1234abcd5678 10.0.7.21|" VIA_ADM

/* what the created key, the two passwords and the instance did */
#define LAST_HOP_ROWS(h)                                                                                                 \
	h "|flows|10:12:00|i-0feed1234abcd5678 eni-0feed1234abcd5678||203.0.113.10|flows in|in from 203.0.113.10 "       \
	  "tcp/22 ACCEPT: 2 flows, 3.1 kB sent, 2.5 kB received, until 2024-05-07T10:13:00Z|" VIA_RUN,                   \
		h "|finding|10:12:00|||203.0.113.10|vpc_inbound_nonweb_accepted|" F_SSH                                  \
		  "|finding on flows of eni-0feed1234abcd5678",                                                          \
		h "|event|10:20:00|mallory|AKIAQXEXAMPLEMALORY1|198.51.100.30|ListBuckets||" VIA_KEY,                    \
		h "|event|10:30:00|dave||198.51.100.40|ConsoleLogin|Success mfa=No|" VIA_CLP,                            \
		h "|event|10:31:00|dave|ASIAQXEXAMPLEDAVECS1|198.51.100.40|ListUsers||" VIA_CLP,                         \
		h "|event|10:35:00|erin||198.51.100.41|ConsoleLogin|Success mfa=No|" VIA_ULP,                            \
		h                                                                                                        \
		"|event|10:40:00|ec2-app-role/i-0feed1234abcd5678|ASIAQXEXAMPLEEC2RL01|10.0.7.21|ListSecrets||" VIA_RUN, \
		h "|event|10:41:00|ec2-app-role/i-0feed1234abcd5678|ASIAQXEXAMPLEEC2RL01|10.0.7.21|GetSecretValue|"      \
		  "prod/db/master|" VIA_RUN,                                                                             \
		h                                                                                                        \
		"|flows|10:45:00|i-0feed1234abcd5678 eni-0feed1234abcd5678||198.51.100.99|flows out|out to "             \
		"198.51.100.99 tcp/443 ACCEPT: 2 flows, 950.0 kB sent, 21.0 kB received, until 2024-05-07T10:46:00Z|" VIA_RUN

static const char *const from_key[] = {
	"0|event|10:00:00|carol|" CAROL "|203.0.113.10|GetCallerIdentity||start",
	"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|start",
	"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> ASIAQXEXAMPLEFEDTK01|start",
	"1|event|10:03:00|carol|ASIAQXEXAMPLEGSTOK01|203.0.113.10|AssumeRole|arn:aws:iam::111122223333:role/ops-audit "
	"session=carol -> ASIAQXEXAMPLEOPSAU01|" VIA_GST,
	"1|event|10:04:00|federated/carol-fed|ASIAQXEXAMPLEFEDTK01|203.0.113.10|ListBuckets||" VIA_GFT,
	"1|event|10:30:00|frank|AKIAQXEXAMPLEFRANK01|203.0.113.10|DescribeInstances||same IP 203.0.113.10",
	"2|event|10:05:00|ops-audit/carol|ASIAQXEXAMPLEOPSAU01|203.0.113.10|AssumeRole|"
	"arn:aws:iam::111122223333:role/admin-ops session=carol2 -> ASIAQXEXAMPLEADMIN01|" VIA_OPS,
	ADM_ROWS("3"),
	LAST_HOP_ROWS("4"),
	"4|event|18:00:00|mallory|AKIAQXEXAMPLEMALORY1|198.51.100.30|GetCallerIdentity||" VIA_KEY,
};

static void test_from_key(struct ct_index *idx, const struct ct_apiset *abused)
{
	struct ct_trace *t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (!t)
		return;
	check_rows("from key", t, from_key, CT_ARRAY_SIZE(from_key));
	CHECK_INT(ct_trace_rows_dropped(t), 0);
	CHECK_INT(count_kind(t, CT_TRACE_EVENT), 19);
	CHECK_INT(count_kind(t, CT_TRACE_FLOWS), 2);
	CHECK_INT(count_kind(t, CT_TRACE_FINDING), 5);
	/* the decoys */
	CHECK_INT(hop_of(t, EV_DAVE_BEFORE), -1);
	CHECK_INT(hop_of(t, EV_GRACE_LIST), -1);
	CHECK_INT(hop_of(t, EV_GRACE_KEY), -1);
	CHECK_INT(hop_of(t, EV_HENRY), -1);
	CHECK_INT(hop_of(t, EV_FRANK_LATE), -1);
	CHECK_INT(hop_of(t, EV_EC2_DELIVERY), -1);
	CHECK_INT(hop_of(t, EV_SAML), -1);
	CHECK_INT(hop_of(t, EV_WEB), -1);
	for (size_t i = 0; i < ct_trace_rows(t); i++) {
		const struct ct_trace_row *r = ct_trace_row(t, i);
		CHECK(!r->identity || (strcmp(r->identity, "grace") != 0 && strcmp(r->identity, "henry") != 0));
		CHECK(!r->source_ip ||
		      (strcmp(r->source_ip, "192.0.2.50") != 0 && strcmp(r->source_ip, "192.0.2.200") != 0));
	}
	/* the event ids come back as CloudTrail wrote them */
	CHECK_INT(hop_of(t, EV_GST), 0);
	CHECK_INT(hop_of(t, EV_DAVE_LOGIN), 4);
	CHECK_INT(hop_of(t, EV_DAVE_CONSOLE), 4);
	CHECK_INT(hop_of(t, EV_ERIN_LOGIN), 4);
	CHECK_INT(hop_of(t, EV_EC2_SECRETS), 4);
	CHECK_INT(hop_of(t, EV_FRANK_NEAR), 1);
	CHECK_INT(hop_of(t, EV_MAL_LATE), 4);
	ct_trace_free(t);
}

/* --depth: 0 is the start only; each more hop adds one link */
static const char *const depth0[] = {
	"0|event|10:00:00|carol|" CAROL "|203.0.113.10|GetCallerIdentity||start",
	"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|start",
	"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> ASIAQXEXAMPLEFEDTK01|start",
	/* a finding on flows joins the trace by the address the start used */
	"0|finding|10:12:00|||203.0.113.10|vpc_inbound_nonweb_accepted|" F_SSH "|finding on IP 203.0.113.10",
};

static const char *const depth1[] = {
	"0|event|10:00:00|carol|" CAROL "|203.0.113.10|GetCallerIdentity||start",
	"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|start",
	"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> ASIAQXEXAMPLEFEDTK01|start",
	"0|finding|10:12:00|||203.0.113.10|vpc_inbound_nonweb_accepted|" F_SSH "|finding on IP 203.0.113.10",
	"1|event|10:03:00|carol|ASIAQXEXAMPLEGSTOK01|203.0.113.10|AssumeRole|arn:aws:iam::111122223333:role/ops-audit "
	"session=carol -> ASIAQXEXAMPLEOPSAU01|" VIA_GST,
	"1|event|10:04:00|federated/carol-fed|ASIAQXEXAMPLEFEDTK01|203.0.113.10|ListBuckets||" VIA_GFT,
	/* the rest from the same address within the hour, not followed further */
	"1|event|10:05:00|ops-audit/carol|ASIAQXEXAMPLEOPSAU01|203.0.113.10|AssumeRole|"
	"arn:aws:iam::111122223333:role/admin-ops session=carol2 -> ASIAQXEXAMPLEADMIN01|same IP 203.0.113.10",
	"1|event|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateUser|user=mallory|"
	"same IP 203.0.113.10",
	"1|finding|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_user_created_with_key|" F_USER_KEY
	"|finding on event 93fbfd75-c09b-49c7-ba94-29f1fc111e82",
	"1|event|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateAccessKey|user=mallory key="
	"AKIAQXEXAMPLEMALORY1|same IP 203.0.113.10",
	"1|finding|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_access_key_other_user|" F_OTHER_KEY
	"|finding on event 6270e4a1-98e1-4ef3-8aed-3c10aecaaef2",
	"1|event|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateLoginProfile|user=dave|same IP "
	"203.0.113.10",
	"1|finding|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_DAVE
	"|finding on event ea20957a-3673-45d9-894b-09c955108bfd",
	"1|event|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|UpdateLoginProfile|user=erin|same IP "
	"203.0.113.10",
	"1|finding|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_ERIN
	"|finding on event 8911ea65-1d04-42b2-8df9-0bd8dab6ed88",
	"1|event|10:08:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|RunInstances|i-0feed1234abcd5678 "
	"ami-0a1b2c3d4e5f60789 t3.medium eni-0feed1234abcd5678 10.0.7.21|same IP 203.0.113.10",
	"1|event|10:30:00|frank|AKIAQXEXAMPLEFRANK01|203.0.113.10|DescribeInstances||same IP 203.0.113.10",
};

static void test_depth(struct ct_index *idx, const struct ct_apiset *abused)
{
	struct ct_trace *t = run(idx, CT_TRACE_FROM_KEY, CAROL, 0, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("depth 0", t, depth0, CT_ARRAY_SIZE(depth0));
	ct_trace_free(t);
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, 1, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("depth 1", t, depth1, CT_ARRAY_SIZE(depth1));
	ct_trace_free(t);
	/* a negative depth is the start only */
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, -3, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("depth -3", t, depth0, CT_ARRAY_SIZE(depth0));
	ct_trace_free(t);
	/* each hop: the deepest hop reached and how many events */
	static const struct {
		int depth, max_hop;
		size_t events;
	} steps[] = {{2, 2, 12}, {3, 3, 12}, {4, 4, 19}, {5, 4, 19}, {100, 4, 19}};
	for (size_t i = 0; i < CT_ARRAY_SIZE(steps); i++) {
		t = run(idx, CT_TRACE_FROM_KEY, CAROL, steps[i].depth, INT64_MIN, INT64_MAX, abused);
		CHECK(t != NULL);
		if (!t)
			continue;
		CHECK_INT(max_hop(t), steps[i].max_hop);
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), steps[i].events);
		/* at depth 3 the admin session's calls are at hop 3 and what they
		 * made is not followed */
		if (steps[i].depth == 3) {
			CHECK_INT(hop_of(t, "0357dfb8-b8b7-4df3-8d8f-5ef303dbacb9"), 3);
			CHECK_INT(hop_of(t, EV_DAVE_LOGIN), -1);
			CHECK_INT(count_kind(t, CT_TRACE_FLOWS), 0);
		}
		ct_trace_free(t);
	}
}

/* --since and --until bound events, flows and findings */
static void test_window(struct ct_index *idx, const struct ct_apiset *abused)
{
	struct ct_trace *t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, INT64_MIN, ms(T("12:00:00")), abused);
	CHECK(t != NULL);
	if (t) {
		/* everything but mallory's call at 18:00 */
		check_rows("until 12:00", t, from_key, CT_ARRAY_SIZE(from_key) - 1);
		CHECK_INT(hop_of(t, EV_MAL_LATE), -1);
	}
	ct_trace_free(t);
	/* from 10:02 to 10:04: the session token is never seen, so its
	 * AssumeRole is only another identity from the same address; the
	 * finding on the 10:12 flows is out */
	static const char *const from_1002[] = {
		"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> "
		"ASIAQXEXAMPLEFEDTK01|start",
		"1|event|10:03:00|carol|ASIAQXEXAMPLEGSTOK01|203.0.113.10|AssumeRole|"
		"arn:aws:iam::111122223333:role/ops-audit session=carol -> ASIAQXEXAMPLEOPSAU01|same IP 203.0.113.10",
		"1|event|10:04:00|federated/carol-fed|ASIAQXEXAMPLEFEDTK01|203.0.113.10|ListBuckets||" VIA_GFT,
	};
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, 1, ms(T("10:02:00")), ms(T("10:04:00")), abused);
	CHECK(t != NULL);
	if (t)
		check_rows("10:02 to 10:04", t, from_1002, CT_ARRAY_SIZE(from_1002));
	ct_trace_free(t);
	/* the same-IP window is cut by --until too: frank at 10:30 is out */
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, INT64_MIN, ms(T("10:29:59")), abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(hop_of(t, EV_FRANK_NEAR), -1);
		CHECK_INT(hop_of(t, EV_DAVE_LOGIN), -1);
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), 12);
		CHECK_INT(count_kind(t, CT_TRACE_FLOWS), 1); /* SSH at 10:12, not the 10:45 upload */
	}
	ct_trace_free(t);
	/* a window after everything: nothing, and no error */
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, ms("2024-05-08T00:00:00Z"), INT64_MAX, abused);
	CHECK(t != NULL);
	CHECK_INT(ct_trace_rows(t), 0);
	ct_trace_free(t);
}

/* --principal: the user name reaches every key of the user, the session
 * token's calls (signed as the user) and the federated user (issued by
 * the user) at hop 0 */
static const char *const from_principal[] = {
	"0|event|10:00:00|carol|" CAROL "|203.0.113.10|GetCallerIdentity||start",
	"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|start",
	"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> ASIAQXEXAMPLEFEDTK01|start",
	"0|event|10:03:00|carol|ASIAQXEXAMPLEGSTOK01|203.0.113.10|AssumeRole|arn:aws:iam::111122223333:role/ops-audit "
	"session=carol -> ASIAQXEXAMPLEOPSAU01|start",
	"0|event|10:04:00|federated/carol-fed|ASIAQXEXAMPLEFEDTK01|203.0.113.10|ListBuckets||start",
	"1|event|10:05:00|ops-audit/carol|ASIAQXEXAMPLEOPSAU01|203.0.113.10|AssumeRole|"
	"arn:aws:iam::111122223333:role/admin-ops session=carol2 -> ASIAQXEXAMPLEADMIN01|" VIA_OPS,
	"1|event|10:30:00|frank|AKIAQXEXAMPLEFRANK01|203.0.113.10|DescribeInstances||same IP 203.0.113.10",
	ADM_ROWS("2"),
	LAST_HOP_ROWS("3"),
	"3|event|18:00:00|mallory|AKIAQXEXAMPLEMALORY1|198.51.100.30|GetCallerIdentity||" VIA_KEY,
};

static void test_from_principal(struct ct_index *idx, const struct ct_apiset *abused)
{
	struct ct_trace *t = run(idx, CT_TRACE_FROM_PRINCIPAL, "carol", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("from principal", t, from_principal, CT_ARRAY_SIZE(from_principal));
	ct_trace_free(t);
	/* the same by the user's ARN */
	t = run(idx, CT_TRACE_FROM_PRINCIPAL, "arn:aws:iam::111122223333:user/carol", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(ct_trace_rows(t), CT_ARRAY_SIZE(from_principal));
		CHECK_INT(hop_of(t, EV_GFT), 0);
		CHECK_INT(hop_of(t, EV_DAVE_CONSOLE), 3);
	}
	ct_trace_free(t);
	/* a role by name: every session of the role, at hop 0 */
	t = run(idx, CT_TRACE_FROM_PRINCIPAL, "admin-ops", 1, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(hop_of(t, "0357dfb8-b8b7-4df3-8d8f-5ef303dbacb9"), 0);
		CHECK_INT(hop_of(t, EV_DAVE_LOGIN), 1);
		CHECK_INT(hop_of(t, EV_EC2_SECRETS), 1);
		CHECK_INT(hop_of(t, EV_GST), 1); /* same IP */
		CHECK_INT(hop_of(t, EV_GRACE_KEY), -1);
	}
	ct_trace_free(t);
	/* SAML: the user has no key; the credentials returned are followed */
	static const char *const saml[] = {
		"0|event|11:00:00|jdoe@example.com||192.0.2.80|AssumeRoleWithSAML|"
		"arn:aws:iam::111122223333:role/sso-admin session=jdoe@example.com -> ASIAQXEXAMPLESAML001|start",
		"1|event|11:01:00|sso-admin/jdoe@example.com|ASIAQXEXAMPLESAML001|192.0.2.80|ListRoles||"
		"AssumeRoleWithSAML by jdoe@example.com at 2024-05-07T11:00:00Z",
	};
	t = run(idx, CT_TRACE_FROM_PRINCIPAL, "jdoe@example.com", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("from SAML user", t, saml, CT_ARRAY_SIZE(saml));
	ct_trace_free(t);
	/* nobody of that name: no rows, no error */
	t = run(idx, CT_TRACE_FROM_PRINCIPAL, "nobody", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	CHECK_INT(ct_trace_rows(t), 0);
	ct_trace_free(t);
}

/* --ip: every call from the address (whoever made it, at any time), its
 * flows, and one hop further the keys used from it */
static void test_from_ip(struct ct_index *idx, const struct ct_apiset *abused)
{
	static const char *const want[] = {
		"0|event|10:00:00|carol|" CAROL "|203.0.113.10|GetCallerIdentity||start",
		"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|start",
		"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> "
		"ASIAQXEXAMPLEFEDTK01|start",
		"0|event|10:03:00|carol|ASIAQXEXAMPLEGSTOK01|203.0.113.10|AssumeRole|"
		"arn:aws:iam::111122223333:role/ops-audit session=carol -> ASIAQXEXAMPLEOPSAU01|start",
		"0|event|10:04:00|federated/carol-fed|ASIAQXEXAMPLEFEDTK01|203.0.113.10|ListBuckets||start",
		"0|event|10:05:00|ops-audit/carol|ASIAQXEXAMPLEOPSAU01|203.0.113.10|AssumeRole|"
		"arn:aws:iam::111122223333:role/admin-ops session=carol2 -> ASIAQXEXAMPLEADMIN01|start",
		"0|event|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateUser|user=mallory|"
		"start",
		"0|finding|10:06:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_user_created_with_key|" F_USER_KEY
		"|finding on event 93fbfd75-c09b-49c7-ba94-29f1fc111e82",
		"0|event|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateAccessKey|user=mallory key="
		"AKIAQXEXAMPLEMALORY1|start",
		"0|finding|10:06:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_access_key_other_user|" F_OTHER_KEY
		"|finding on event 6270e4a1-98e1-4ef3-8aed-3c10aecaaef2",
		"0|event|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|CreateLoginProfile|user=dave|"
		"start",
		"0|finding|10:07:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_DAVE
		"|finding on event ea20957a-3673-45d9-894b-09c955108bfd",
		"0|event|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|UpdateLoginProfile|user=erin|"
		"start",
		"0|finding|10:07:30|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|ct_iam_login_profile_other_user|" F_ERIN
		"|finding on event 8911ea65-1d04-42b2-8df9-0bd8dab6ed88",
		"0|event|10:08:00|admin-ops/carol2|ASIAQXEXAMPLEADMIN01|203.0.113.10|RunInstances|i-0feed1234abcd5678 "
		"ami-0a1b2c3d4e5f60789 t3.medium eni-0feed1234abcd5678 10.0.7.21|start",
		/* the address's own flows: seen from it, the SSH session goes out */
		"0|flows|10:12:00|eni-0feed1234abcd5678||10.0.7.21|flows out|out to 10.0.7.21 tcp/22 ACCEPT: 2 flows, "
		"2.5 kB sent, 3.1 kB received, until 2024-05-07T10:13:00Z|start",
		"0|event|10:30:00|frank|AKIAQXEXAMPLEFRANK01|203.0.113.10|DescribeInstances||start",
		"0|event|12:30:00|frank|AKIAQXEXAMPLEFRANK01|203.0.113.10|DescribeInstances||start",
		LAST_HOP_ROWS("1"),
		"1|event|18:00:00|mallory|AKIAQXEXAMPLEMALORY1|198.51.100.30|GetCallerIdentity||" VIA_KEY,
	};
	struct ct_trace *t = run(idx, CT_TRACE_FROM_IP, "203.0.113.10", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		check_rows("from ip", t, want, CT_ARRAY_SIZE(want));
		CHECK_INT(hop_of(t, EV_GRACE_KEY), -1);
		CHECK_INT(hop_of(t, EV_DAVE_BEFORE), -1);
	}
	ct_trace_free(t);
	/* depth 0: the address only, not what its keys made; the finding on
	 * the SSH flows goes by the address's flows now.  (Deeper, it goes to
	 * the instance's interface, the more specific link, at hop 1.) */
	t = run(idx, CT_TRACE_FROM_IP, "203.0.113.10", 0, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(ct_trace_rows(t), 19);
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), 13);
		CHECK_INT(count_kind(t, CT_TRACE_FLOWS), 1);
		CHECK_INT(count_kind(t, CT_TRACE_FINDING), 5);
		CHECK_INT(max_hop(t), 0);
		char buf[2048];
		row_text(ct_trace_row(t, 16), buf, sizeof(buf));
		CHECK_STR(buf, "0|finding|10:12:00|||203.0.113.10|vpc_inbound_nonweb_accepted|" F_SSH
			       "|finding on flows of 203.0.113.10");
	}
	ct_trace_free(t);
	/* the SAML sign-in's address: the session is reached both ways, at
	 * hop 0 from the address */
	t = run(idx, CT_TRACE_FROM_IP, "192.0.2.80", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(ct_trace_rows(t), 2);
		CHECK_INT(hop_of(t, EV_SAML), 0);
		CHECK_INT(hop_of(t, "aa4bea10-7829-4874-9769-e805292e8947"), 0);
	}
	ct_trace_free(t);
	/* an address in IPv6 with nothing from it */
	t = run(idx, CT_TRACE_FROM_IP, "2001:db8::1", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	CHECK_INT(ct_trace_rows(t), 0);
	ct_trace_free(t);
	/* not an address */
	struct ct_trace_opts o = {.from = CT_TRACE_FROM_IP,
				  .value = "203.0.113",
				  .depth = 6,
				  .since_ms = INT64_MIN,
				  .until_ms = INT64_MAX};
	struct ct_err err = {0};
	t = NULL;
	CHECK_INT(ct_trace_run(idx, &o, &t, &err), -1);
	CHECK(t == NULL);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK_STR(err.msg, "--ip: '203.0.113' is not an IP address");
}

/* --event-id: the event (whatever the window), then its key */
static void test_from_event(struct ct_index *idx, const struct ct_apiset *abused)
{
	/* a web identity: no key, no ARN; the event, then its credentials */
	static const char *const web[] = {
		"0|event|11:10:00|108432175593401234567||198.51.100.60|AssumeRoleWithWebIdentity|"
		"arn:aws:iam::111122223333:role/mobile-app session=app-session -> ASIAQXEXAMPLEWEBID01|start",
		/* not an abused API: no detail */
		"1|event|11:11:00|mobile-app/app-session|ASIAQXEXAMPLEWEBID01|198.51.100.60|ListObjects|mobile-uploads|"
		"AssumeRoleWithWebIdentity by 108432175593401234567 at 2024-05-07T11:10:00Z",
	};
	struct ct_trace *t = run(idx, CT_TRACE_FROM_EVENT, EV_WEB, 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("from web identity event", t, web, CT_ARRAY_SIZE(web));
	ct_trace_free(t);
	/* depth 0: the event alone, its credentials not followed */
	t = run(idx, CT_TRACE_FROM_EVENT, EV_WEB, 0, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("from web identity event, depth 0", t, web, 1);
	ct_trace_free(t);
	/* carol's GetFederationToken: the event says "start", the key's
	 * other calls say where the key came from */
	static const char *const gft[] = {
		"0|event|10:00:00|carol|" CAROL
		"|203.0.113.10|GetCallerIdentity||start: the access key of event " EV_GFT,
		"0|event|10:01:00|carol|" CAROL "|203.0.113.10|GetSessionToken|-> ASIAQXEXAMPLEGSTOK01|"
		"start: the access key of event " EV_GFT,
		"0|event|10:02:00|carol|" CAROL "|203.0.113.10|GetFederationToken|name=carol-fed -> "
		"ASIAQXEXAMPLEFEDTK01|start",
		"0|finding|10:12:00|||203.0.113.10|vpc_inbound_nonweb_accepted|" F_SSH "|finding on IP 203.0.113.10",
	};
	t = run(idx, CT_TRACE_FROM_EVENT, EV_GFT, 0, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t)
		check_rows("from event, depth 0", t, gft, CT_ARRAY_SIZE(gft));
	ct_trace_free(t);
	/* the start event is listed even outside the window; its key's
	 * calls only inside it */
	t = run(idx, CT_TRACE_FROM_EVENT, EV_GFT, 0, ms(T("10:00:30")), ms(T("10:01:30")), abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), 2);
		CHECK_INT(hop_of(t, EV_GFT), 0);
		CHECK_INT(hop_of(t, EV_GST), 0);
	}
	ct_trace_free(t);
	/* the instance-role session's event: its key, at hop 0 */
	t = run(idx, CT_TRACE_FROM_EVENT, EV_EC2_SECRETS, 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), 2);
		CHECK_INT(max_hop(t), 0);
	}
	ct_trace_free(t);
	/* an id the index does not hold */
	struct ct_trace_opts o = {.from = CT_TRACE_FROM_EVENT,
				  .value = "00000000-0000-4000-8000-000000000000",
				  .depth = 6,
				  .since_ms = INT64_MIN,
				  .until_ms = INT64_MAX};
	struct ct_err err = {0};
	t = NULL;
	CHECK_INT(ct_trace_run(idx, &o, &t, &err), -1);
	CHECK(t == NULL);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK_STR(err.msg, "no event '00000000-0000-4000-8000-000000000000' in the index");
	/* no starting point */
	o.value = "";
	CHECK_INT(ct_trace_run(idx, &o, &t, &err), -1);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK_STR(err.msg, "trace: no starting point");
	CHECK_INT(ct_trace_run(idx, NULL, &t, &err), -1);
}

/* ---- the list of abused APIs ---- */

static void test_apiset(void)
{
	static const char good[] = "# the APIs attackers abuse\n"
				   "GetSecretValue\n"
				   "  ListSecrets   # padded, with a comment\r\n"
				   "\n"
				   "\t# only a comment\n"
				   "s3:GetObject\n"
				   "GetSecretValue\n"       /* twice is once */
				   "Describe-Instances.v2"; /* no newline at the end */
	struct ct_apiset *s = NULL;
	struct ct_err err = {0};
	CHECK_INT(ct_apiset_parse(good, strlen(good), "good.txt", &s, &err), 0);
	CHECK_INT(ct_apiset_size(s), 4);
	CHECK(ct_apiset_has(s, "GetSecretValue", 14));
	CHECK(ct_apiset_has(s, "ListSecrets", 11));
	CHECK(ct_apiset_has(s, "s3:GetObject", 12));
	CHECK(ct_apiset_has(s, "Describe-Instances.v2", 21));
	CHECK(!ct_apiset_has(s, "GetSecret", 9));
	CHECK(!ct_apiset_has(s, "getsecretvalue", 14));
	CHECK(!ct_apiset_has(s, "ListSecrets   ", 14));
	CHECK(ct_apiset_has(s, "GetSecretValueX", 14)); /* a length, not a C string */
	CHECK(!ct_apiset_has(NULL, "GetSecretValue", 14));
	CHECK(!ct_apiset_has(s, NULL, 0));
	ct_apiset_free(s);
	ct_apiset_free(NULL);

	s = NULL;
	CHECK_INT(ct_apiset_parse("", 0, "empty.txt", &s, &err), 0);
	CHECK_INT(ct_apiset_size(s), 0);
	CHECK(!ct_apiset_has(s, "x", 1));
	ct_apiset_free(s);

	/* the line of the first bad name */
	static const char bad[] = "ListUsers\n# fine\n\nGet Secret Value\nOther\n";
	s = NULL;
	memset(&err, 0, sizeof(err));
	CHECK_INT(ct_apiset_parse(bad, strlen(bad), "bad.txt", &s, &err), -1);
	CHECK(s == NULL);
	CHECK_INT(err.code, CT_E_INPUT);
	CHECK_STR(err.file, "bad.txt");
	CHECK_INT(err.record, 4);
	CHECK_STR(err.msg, "'Get Secret Value' is not an event name (one name a line, '#' comments)");
	static const char bad2[] = "ListUsers\r\n\"GetObject\"\r\n";
	memset(&err, 0, sizeof(err));
	CHECK_INT(ct_apiset_parse(bad2, strlen(bad2), "crlf.txt", &s, &err), -1);
	CHECK_INT(err.record, 2);
	CHECK_STR(err.msg, "'\"GetObject\"' is not an event name (one name a line, '#' comments)");
	/* a NUL is not a name character either */
	static const char nul[] = "ListUsers\nGet\0Object\n";
	memset(&err, 0, sizeof(err));
	CHECK_INT(ct_apiset_parse(nul, sizeof(nul) - 1, "nul.txt", &s, &err), -1);
	CHECK_INT(err.record, 2);

	/* from a file */
	char path[512];
	snprintf(path, sizeof(path), "%s/apis.txt", tmpdir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("ListUsers\nAssumeRole\n", f);
		fclose(f);
	}
	s = NULL;
	CHECK_INT(ct_apiset_load(path, &s, &err), 0);
	CHECK_INT(ct_apiset_size(s), 2);
	CHECK(ct_apiset_has(s, "AssumeRole", 10));
	ct_apiset_free(s);
	snprintf(path, sizeof(path), "%s/missing.txt", tmpdir);
	memset(&err, 0, sizeof(err));
	s = NULL;
	CHECK_INT(ct_apiset_load(path, &s, &err), -1);
	CHECK(s == NULL);
	CHECK_INT(err.code, CT_E_USAGE);
	CHECK_STR(err.file, path);
	CHECK_STR(err.msg, "cannot open: No such file or directory");
}

/* ---- the graph ---- */

static int buf_write(void *ud, const void *p, size_t len)
{
	return ct_buf_append(ud, p, len);
}

static int failing_write(void *ud, const void *p, size_t len)
{
	(void)ud;
	(void)p;
	(void)len;
	errno = EPIPE;
	return -1;
}

static char *graph(const struct ct_trace *t, int format, int max_nodes, const char *title)
{
	struct ct_buf b = {0};
	struct ct_graph_opts g = {
		.format = format, .max_nodes = max_nodes, .title = title, .write = buf_write, .ud = &b};
	struct ct_err err = {0};
	if (ct_trace_graph(t, &g, &err) != 0) {
		fprintf(stderr, "  graph: %s\n", err.msg);
		ct_buf_free(&b);
		return NULL;
	}
	if (getenv("TEST_TRACE_GRAPHS")) /* to read them */
		fprintf(stderr, "%s", b.p ? b.p : "");
	return b.p ? b.p : strdup("");
}

/* Whether `line` is one whole line of `text`. */
static bool has_line(const char *text, const char *line)
{
	size_t l = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, l) == 0 && (p[l] == '\n' || p[l] == 0))
			return true;
	return false;
}

#define CHECK_LINE(text, line)                                                                                         \
	do {                                                                                                           \
		check_count++;                                                                                         \
		if (!(text) || !has_line((text), (line))) {                                                            \
			check_failures++;                                                                              \
			fprintf(stderr, "%s:%d: no line: %s\n", __FILE__, __LINE__, (line));                           \
		}                                                                                                      \
	} while (0)

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, l = strlen(prefix);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += strncmp(p, prefix, l) == 0;
	return n;
}

static size_t count_sub(const char *text, const char *sub)
{
	size_t n = 0;
	for (const char *p = text; p && (p = strstr(p, sub)); p += strlen(sub))
		n++;
	return n;
}

static void test_graph(struct ct_index *idx, const struct ct_apiset *abused)
{
	struct ct_trace *t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (!t)
		return;
	/* DOT: nodes are numbered in the order the trace found them */
	char *dot = graph(t, CT_GRAPH_DOT, 0, NULL);
	CHECK(dot != NULL);
	CHECK(dot && strncmp(dot, "digraph \"ctscan trace\" {\n", 25) == 0);
	CHECK_LINE(dot, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.25, "
			"ranksep=0.7, label=\"ctscan trace --access-key AKIAQXEXAMPLECAROL01\"];");
	CHECK_LINE(dot, "  \"n0\" [label=\"carol\\nAKIAQXEXAMPLECAROL01\\n(start)\", fillcolor=\"#ffe599\", "
			"peripheries=2, penwidth=2];");
	CHECK_LINE(dot, "  \"n1\" [label=\"203.0.113.10\", fillcolor=\"#eeeeee\", shape=ellipse];");
	CHECK_LINE(dot, "  \"n3\" [label=\"carol session\\nASIAQXEXAMPLEGSTOK01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n4\" [label=\"federated/carol-fed\\nASIAQXEXAMPLEFEDTK01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n5\" [label=\"ops-audit/carol\\nASIAQXEXAMPLEOPSAU01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n7\" [label=\"admin-ops/carol2\\nASIAQXEXAMPLEADMIN01\", fillcolor=\"#cfe2f3\", "
			"color=\"#cc0000\", penwidth=2.5];");
	CHECK_LINE(dot, "  \"n8\" [label=\"user mallory\", fillcolor=\"#fce5cd\"];");
	CHECK_LINE(dot, "  \"n10\" [label=\"user dave\", fillcolor=\"#fce5cd\"];");
	CHECK_LINE(dot, "  \"n12\" [label=\"i-0feed1234abcd5678\\neni-0feed1234abcd5678\\n10.0.7.21\", "
			"fillcolor=\"#d9ead3\", shape=box3d, style=\"filled\", color=\"#f6b26b\", penwidth=2.5];");
	CHECK_LINE(dot, "  \"n19\" [label=\"ec2-app-role/i-0feed1234abcd5678\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n28\" [label=\"medium ct_iam_login_profile_other_user ×2\\nConsole password set for "
			"another IAM user\", fillcolor=\"#f6b26b\", shape=note, style=\"filled\"];");
	/* the links, bold, with the call and its time */
	CHECK_LINE(dot, "  \"n0\" -> \"n3\" [label=\"GetSessionToken 10:01\", penwidth=2];");
	CHECK_LINE(dot, "  \"n0\" -> \"n4\" [label=\"GetFederationToken 10:02\", penwidth=2];");
	CHECK_LINE(dot, "  \"n3\" -> \"n5\" [label=\"AssumeRole 10:03\", penwidth=2];");
	CHECK_LINE(dot, "  \"n5\" -> \"n7\" [label=\"AssumeRole 10:05\", penwidth=2];");
	CHECK_LINE(dot, "  \"n7\" -> \"n8\" [label=\"CreateUser 10:06\", penwidth=2];");
	CHECK_LINE(dot, "  \"n7\" -> \"n9\" [label=\"CreateAccessKey 10:06\", penwidth=2];");
	CHECK_LINE(dot, "  \"n7\" -> \"n10\" [label=\"CreateLoginProfile 10:07\", penwidth=2];");
	CHECK_LINE(dot, "  \"n7\" -> \"n11\" [label=\"UpdateLoginProfile 10:07\", penwidth=2];");
	CHECK_LINE(dot, "  \"n7\" -> \"n12\" [label=\"RunInstances 10:08\", penwidth=2];");
	/* what they lead to: the user's key and console session, the instance's role */
	CHECK_LINE(dot, "  \"n8\" -> \"n9\" [label=\"access key\", style=dotted];");
	CHECK_LINE(dot, "  \"n10\" -> \"n15\" [label=\"ConsoleLogin 10:30\"];");
	CHECK_LINE(dot, "  \"n10\" -> \"n16\" [label=\"session\", style=dotted];");
	CHECK_LINE(dot, "  \"n12\" -> \"n19\" [label=\"instance role\", style=dotted];");
	/* calls, addresses, flows, findings */
	CHECK_LINE(dot, "  \"n1\" -> \"n0\" [label=\"3 calls, 10:00–10:02\", style=dotted];");
	CHECK_LINE(dot, "  \"n13\" -> \"n9\" [label=\"2 calls, 10:20–18:00\", style=dotted];");
	CHECK_LINE(dot, "  \"n19\" -> \"n22\" [label=\"GetSecretValue 10:41\"];");
	CHECK_LINE(dot, "  \"n1\" -> \"n12\" [label=\"tcp/22 5.6 kB ×2, 10:12–10:13\", color=\"#38761d\"];");
	CHECK_LINE(dot, "  \"n12\" -> \"n23\" [label=\"tcp/443 971.0 kB ×2, 10:45–10:46\", color=\"#38761d\"];");
	CHECK_LINE(dot, "  \"n1\" -> \"n24\" [label=\"1 call, 10:30\", style=dotted];");
	CHECK_LINE(dot, "  \"n28\" -> \"n7\" [label=\"flags\", style=dashed, color=\"#cc0000\"];");
	CHECK_LINE(dot, "  \"n29\" -> \"n12\" [label=\"flags\", style=dashed, color=\"#cc0000\"];");
	CHECK_INT(count_lines(dot, "  \"n"), 30 + 39); /* nodes and edges */
	CHECK_INT(count_sub(dot, "\" -> \""), 39);
	CHECK(dot && !strstr(dot, "grace") && !strstr(dot, "henry") && !strstr(dot, "192.0.2.50"));
	CHECK(dot && strlen(dot) > 2 && strcmp(dot + strlen(dot) - 2, "}\n") == 0);
	free(dot);

	/* a cap on the nodes: the start and the nearest identities are kept
	 * (frank, kept fifth, is left out with nothing kept to join him to),
	 * a note counts the rest */
	dot = graph(t, CT_GRAPH_DOT, 5, "five nodes");
	CHECK(dot && strstr(dot, "label=\"five nodes\"];\n"));
	CHECK_LINE(dot, "  \"n0\" [label=\"carol\\nAKIAQXEXAMPLECAROL01\\n(start)\", fillcolor=\"#ffe599\", "
			"peripheries=2, penwidth=2];");
	CHECK_LINE(dot, "  \"n3\" [label=\"carol session\\nASIAQXEXAMPLEGSTOK01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n4\" [label=\"federated/carol-fed\\nASIAQXEXAMPLEFEDTK01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"n5\" [label=\"ops-audit/carol\\nASIAQXEXAMPLEOPSAU01\", fillcolor=\"#cfe2f3\"];");
	CHECK_LINE(dot, "  \"more\" [label=\"26 more nodes not shown\\n(raise --max-nodes)\", shape=plaintext, "
			"style=\"\"];");
	CHECK_LINE(dot, "  \"n3\" -> \"n5\" [label=\"AssumeRole 10:03\", penwidth=2];");
	CHECK_INT(count_lines(dot, "  \"n"), 4 + 3);
	CHECK(dot && !strstr(dot, "frank"));
	free(dot);

	/* Mermaid, at depth 1: the session the token made is not followed */
	ct_trace_free(t);
	t = run(idx, CT_TRACE_FROM_KEY, CAROL, 1, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (!t)
		return;
	char *mm = graph(t, CT_GRAPH_MERMAID, 0, NULL);
	CHECK(mm && strncmp(mm, "%% ctscan trace --access-key AKIAQXEXAMPLECAROL01\nflowchart LR\n", 63) == 0);
	CHECK_LINE(mm, "  n0[\"carol<br>AKIAQXEXAMPLECAROL01<br>(start)\"]");
	CHECK_LINE(mm, "  n1([\"203.0.113.10\"])");
	CHECK_LINE(mm, "  n5[\"ops-audit/carol<br>ASIAQXEXAMPLEOPSAU01<br>(not followed: --depth)\"]");
	CHECK_LINE(mm, "  n10{{\"high ct_iam_user_created_with_key<br>New IAM user given an access key right after "
		       "creation\"}}");
	CHECK_LINE(mm, "  n0 ==>|\"GetSessionToken 10:01\"| n3");
	CHECK_LINE(mm, "  n3 ==>|\"AssumeRole 10:03\"| n5");
	CHECK_LINE(mm, "  n1 -.->|\"3 calls, 10:00–10:02\"| n0");
	/* calls outside the list of abused APIs are "other calls" of the service */
	CHECK_LINE(mm, "  n0 -->|\"other calls 10:00\"| n2");
	CHECK_LINE(mm, "  n4 -->|\"other calls 10:04\"| n6");
	CHECK_LINE(mm, "  n13 -.->|\"flags\"| n1");
	CHECK_LINE(mm, "  class n0 key,start");
	CHECK_LINE(mm, "  class n5 session,stub");
	CHECK_LINE(mm, "  class n7 session,flagged");
	CHECK_LINE(mm, "  class n10 sevhigh");
	CHECK_LINE(mm, "  classDef stub stroke-dasharray:5 3");
	/* at depth 1 neither the user, the key nor the instance admin-ops made */
	CHECK(mm && !strstr(mm, "user mallory") && !strstr(mm, "i-0feed1234abcd5678"));
	free(mm);

	/* a reader that went away */
	struct ct_graph_opts g = {.format = CT_GRAPH_DOT, .write = failing_write};
	struct ct_err err = {0};
	CHECK_INT(ct_trace_graph(t, &g, &err), 1);
	ct_trace_free(t);

	/* a trace with no rows is still a graph: the start alone */
	t = run(idx, CT_TRACE_FROM_KEY, "AKIAQXEXAMPLENOBODY1", 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(ct_trace_rows(t), 0);
		mm = graph(t, CT_GRAPH_MERMAID, 0, "quote \" and # and | and <b>");
		CHECK(mm && strncmp(mm, "%% quote \" and # and | and <b>\nflowchart LR\n", 44) == 0);
		CHECK_LINE(mm, "  n0[\"AKIAQXEXAMPLENOBODY1<br>(start)\"]");
		CHECK_INT(count_lines(mm, "  n"), 1);
		free(mm);
		dot = graph(t, CT_GRAPH_DOT, 0, "quote \" and \\");
		CHECK(dot && strstr(dot, "label=\"quote \\\" and \\\\\"];\n"));
		free(dot);
	}
	ct_trace_free(t);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-trace TRACE_FIXTURES_DIR QUERIES_DIR\n");
		return 2;
	}
	const char *fixtures = argv[1], *queries = argv[2];
	snprintf(tmpdir, sizeof(tmpdir), "%s/ct-test-trace-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_apiset();

	char db[512], links[1024], flows[1024];
	snprintf(db, sizeof(db), "%s/links.db", tmpdir);
	snprintf(links, sizeof(links), "%s/links.json", fixtures);
	snprintf(flows, sizeof(flows), "%s/flows.log", fixtures);
	struct ct_index *idx = NULL;
	struct ct_err err = {0};
	if (ct_index_open(db, CT_OPEN_WRITE, &idx, &err) < 0) {
		fprintf(stderr, "%s: %s\n", db, err.msg);
		return 1;
	}
	const char *paths[] = {links, flows};
	struct ct_ingest_opts io = {.jobs = 1, .diag = on_diag};
	struct ct_ingest_stats st = {0};
	CHECK_INT(ct_ingest(idx, paths, 2, &io, &st, &err), 0);
	CHECK_INT(st.events, 29);
	CHECK_INT(st.flows, 6);
	CHECK_INT(st.bad_records, 0);
	CHECK_INT(st.files_failed, 0);
	if (check_failures) {
		/* nothing below means anything without the fixture */
		fprintf(stderr, "the fixture did not ingest: %s\n", err.msg);
		ct_index_free(idx);
		return check_done();
	}

	static const char apis[] = "GetSecretValue\nCreateAccessKey\nRunInstances\n";
	struct ct_apiset *abused = NULL;
	CHECK_INT(ct_apiset_parse(apis, strlen(apis), "apis", &abused, &err), 0);

	/* before any detect run: a trace without findings */
	struct ct_trace *t = run(idx, CT_TRACE_FROM_KEY, CAROL, 6, INT64_MIN, INT64_MAX, abused);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(count_kind(t, CT_TRACE_FINDING), 0);
		CHECK_INT(count_kind(t, CT_TRACE_EVENT), 19);
	}
	ct_trace_free(t);

	/* the findings trace joins come from a fixed set of rules */
	struct ct_ruleset rs = {0};
	CHECK_INT(ct_rules_load_dir(&rs, queries, on_diag, NULL, &err), 0);
	const char *globs[] = {"ct_iam_access_key_other_user", "ct_iam_user_created_with_key",
			       "ct_iam_login_profile_other_user", "vpc_inbound_nonweb_accepted"};
	struct ct_detect_opts dopt = {.rule_globs = globs,
				      .nglobs = CT_ARRAY_SIZE(globs),
				      .since_ms = INT64_MIN / 2,
				      .until_ms = INT64_MAX / 2,
				      .diag = on_diag};
	struct ct_detect_result res = {0};
	CHECK_INT(ct_detect_run(idx, &rs, &dopt, &res, &err), 0);
	CHECK_INT(res.rules_run, 4);
	CHECK_INT(res.rules_failed, 0);
	CHECK_INT(res.findings, 6); /* grace's key for henry is one, not in any trace from carol */
	ct_ruleset_clear(&rs);

	test_from_key(idx, abused);
	test_depth(idx, abused);
	test_window(idx, abused);
	test_from_principal(idx, abused);
	test_from_ip(idx, abused);
	test_from_event(idx, abused);
	test_graph(idx, abused);

	ct_apiset_free(abused);
	ct_index_free(idx);
	/* the directory holds files only: the index and its side files */
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[600];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	if (rmdir(tmpdir) < 0)
		fprintf(stderr, "cannot remove %s: %s\n", tmpdir, strerror(errno));
	return check_done();
}
