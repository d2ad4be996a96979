/* test-detect.c - every detection fires exactly as expected on its
 * positive fixture and stays quiet on its negative one; every rule file
 * has fixtures; every header is valid and every query prepares against
 * the schema.
 *
 *   test-detect QUERIES_DIR DETECT_FIXTURES_DIR
 *
 * A fixture directory testdata/detect/KIND/ID/ holds positive.json or
 * positive.log, negative.json or negative.log, expected.ndjson (the rows
 * the rule returns on the positive, nine columns, evidence nested), and
 * optionally allowlist.tsv (kind TAB value) or allowlist.txt (the allowlist
 * file format), loaded for the negative only, and listed_ip.tsv (ip TAB
 * list) or iplist.txt, loaded for both. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ctscan.h"
#include "util.h"

static const char *const cols[] = {"first_time", "last_time", "account", "region",  "identity",
				   "access_key", "source_ip", "summary", "evidence"};

static char tmpdir[256];

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void on_diag(void *ud, const struct ct_diag *d)
{
	(void)ud;
	fprintf(stderr, "  %s: %s:%llu: %s\n", d->kind == CT_DIAG_ERROR ? "error" : "warning", d->file ? d->file : "",
		(unsigned long long)d->n, d->msg);
}

/* Converts "a TAB b" lines into the allowlist file format "a b". */
static const char *tsv_allowlist(const char *tsv, const char *out)
{
	FILE *in = fopen(tsv, "r"), *o = fopen(out, "w");
	char line[4096];
	while (in && o && fgets(line, sizeof(line), in)) {
		char *tab = strchr(line, '\t');
		if (tab)
			*tab = ' ';
		fputs(line, o);
	}
	if (in)
		fclose(in);
	if (o)
		fclose(o);
	return out;
}

/* Splits "ip TAB list" lines into one file per list, named after it. */
static size_t tsv_iplists(const char *tsv, char paths[][2300], size_t max)
{
	FILE *in = fopen(tsv, "r");
	size_t n = 0;
	char line[4096];
	while (in && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = 0;
		char *tab = strchr(line, '\t');
		if (!tab || line[0] == '#')
			continue;
		*tab = 0;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", tmpdir, tab + 1);
		size_t k;
		for (k = 0; k < n && strcmp(paths[k], path) != 0; k++)
			;
		if (k == n && n < max)
			snprintf(paths[n++], 2300, "%s", path);
		FILE *o = fopen(path, k == n - 1 && k == n - 1 ? "a" : "a");
		if (o) {
			fprintf(o, "%s\n", line);
			fclose(o);
		}
	}
	if (in)
		fclose(in);
	return n;
}

/* Ingests `input` into a fresh index and runs rule `id`; returns the
 * findings as a JSON array of objects with the nine columns, or NULL. */
/* The rows rule `id` returns on input: run alone, or (with_other) beside
 * another rule that reads JSON columns, so that the two share one pass
 * over them (see lib/detect.c). */
static json_t *run_rule_with(const char *id, const char *other, const char *rules_dir, const char *input,
			     const char *allowlist, const char *const *iplists, size_t nlists, bool with_other)
{
	char db[512];
	snprintf(db, sizeof(db), "%s/idx-%s.db", tmpdir, id);
	unlink(db);
	struct ct_index *idx = NULL;
	struct ct_err err = {0};
	if (ct_index_open(db, CT_OPEN_WRITE, &idx, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", id, err.msg);
		return NULL;
	}
	struct ct_ingest_opts io = {.jobs = 1, .diag = on_diag};
	struct ct_ingest_stats st;
	const char *paths[] = {input};
	json_t *out = NULL;
	if (ct_ingest(idx, paths, 1, &io, &st, &err) < 0 || st.bad_records || st.files_failed) {
		fprintf(stderr, "  %s: %s did not ingest cleanly: %s\n", id, input, err.msg);
		goto done;
	}
	struct ct_ruleset rs = {0};
	ct_rules_load_dir(&rs, rules_dir, on_diag, NULL, &err);
	const char *globs[] = {id, other};
	struct ct_detect_opts o = {.rule_globs = globs,
				   .nglobs = with_other ? 2 : 1,
				   .since_ms = INT64_MIN / 2,
				   .until_ms = INT64_MAX / 2,
				   .allowlist_path = allowlist,
				   .ip_lists = iplists,
				   .nip_lists = nlists,
				   .diag = on_diag};
	struct ct_detect_result res;
	int rc = ct_detect_run(idx, &rs, &o, &res, &err);
	ct_ruleset_clear(&rs);
	if (rc < 0 || res.rules_run != (with_other ? 2u : 1u) || res.rules_failed) {
		fprintf(stderr, "  %s: the rule did not run: %s\n", id, rc < 0 ? err.msg : "");
		goto done;
	}
	sqlite3 *sdb = ct_index_db(idx);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(sdb,
			   "SELECT first_time, last_time, account, region, identity, access_key, source_ip, summary,"
			   " evidence FROM findings WHERE run_id = ? AND rule_id = ? ORDER BY id",
			   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, res.run_id);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
	out = json_array();
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_t *row = json_object();
		for (int c = 0; c < 9; c++) {
			json_t *v;
			switch (sqlite3_column_type(q, c)) {
			case SQLITE_NULL: v = json_null(); break;
			case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(q, c)); break;
			case SQLITE_FLOAT: v = json_real(sqlite3_column_double(q, c)); break;
			default:
				v = c == 8 ? json_loads((const char *)sqlite3_column_text(q, c), JSON_DECODE_ANY, NULL)
					   : json_string((const char *)sqlite3_column_text(q, c));
				if (!v)
					v = json_string((const char *)sqlite3_column_text(q, c));
			}
			json_object_set_new(row, cols[c], v);
		}
		json_array_append_new(out, row);
	}
	sqlite3_finalize(q);
done:
	ct_index_free(idx);
	unlink(db);
	char side[600];
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	return out;
}

static json_t *run_rule(const char *id, const char *rules_dir, const char *input, const char *allowlist,
			const char *const *iplists, size_t nlists, bool with_other)
{
	const char *other = strcmp(id, "ct_s3_acl_public") ? "ct_s3_acl_public" : "ct_s3_bucket_policy_public";
	return run_rule_with(id, other, rules_dir, input, allowlist, iplists, nlists, with_other);
}

static json_t *load_expected(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	json_t *arr = json_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (n <= 1)
			continue;
		json_error_t je;
		json_t *v = json_loads(line, 0, &je);
		if (!v) {
			fprintf(stderr, "  %s: line %d: %s\n", path, je.line, je.text);
			json_decref(arr);
			arr = NULL;
			break;
		}
		json_array_append_new(arr, v);
	}
	free(line);
	fclose(f);
	return arr;
}

static void print_rows(const char *label, json_t *rows)
{
	size_t i;
	json_t *v;
	fprintf(stderr, "  %s:\n", label);
	json_array_foreach(rows, i, v)
	{
		char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(stderr, "    %s\n", s);
		free(s);
	}
}

static const char *first_existing(char *buf, size_t n, const char *dir, const char *a, const char *b)
{
	snprintf(buf, n, "%s/%s", dir, a);
	if (exists(buf))
		return buf;
	snprintf(buf, n, "%s/%s", dir, b);
	return exists(buf) ? buf : NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_kind(const char *queries, const char *fixtures, const char *kind)
{
	char qdir[1024], fdir[1024];
	snprintf(qdir, sizeof(qdir), "%s/%s", queries, kind);
	snprintf(fdir, sizeof(fdir), "%s/%s", fixtures, kind);
	/* every rule file has a fixture directory */
	DIR *d = opendir(qdir);
	char *names[1024];
	size_t n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) && n < 1024) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".sql"))
			names[n++] = ct_strndup(de->d_name, l - 4);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	int ok_rules = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = names[i];
		char dir[2048], pos_b[2200], neg_b[2200], exp[2200], al_b[2200], al_tmp[600], ip_b[2200];
		snprintf(dir, sizeof(dir), "%s/%s", fdir, id);
		const char *pos = first_existing(pos_b, sizeof(pos_b), dir, "positive.json", "positive.log");
		const char *neg = first_existing(neg_b, sizeof(neg_b), dir, "negative.json", "negative.log");
		snprintf(exp, sizeof(exp), "%s/expected.ndjson", dir);
		int before = check_failures;
		CHECK(pos != NULL && neg != NULL && exists(exp));
		if (!pos || !neg || !exists(exp)) {
			fprintf(stderr, "FAIL %s: missing fixtures in %s\n", id, dir);
			continue;
		}
		/* IP lists for both cases */
		char lists[16][2300];
		const char *listp[16];
		size_t nl = 0;
		if (first_existing(ip_b, sizeof(ip_b), dir, "listed_ip.tsv", "listed_ip.tsv"))
			nl = tsv_iplists(ip_b, lists, 16);
		else if (first_existing(ip_b, sizeof(ip_b), dir, "iplist.txt", "iplist.txt"))
			snprintf(lists[nl++], 2300, "%s", ip_b);
		for (size_t k = 0; k < nl; k++)
			listp[k] = lists[k];
		json_t *want = load_expected(exp);
		json_t *got = run_rule(id, queries, pos, NULL, listp, nl, false);
		CHECK(want && got && json_array_size(want) > 0);
		if (want && got && !json_equal(want, got)) {
			check_failures++;
			fprintf(stderr, "FAIL %s: positive fixture\n", id);
			print_rows("expected", want);
			print_rows("got", got);
		}
		json_decref(got);
		/* the same rows from the shared JSON pass */
		got = run_rule(id, queries, pos, NULL, listp, nl, true);
		CHECK(got != NULL);
		if (want && got && !json_equal(want, got)) {
			check_failures++;
			fprintf(stderr, "FAIL %s: positive fixture, shared JSON pass\n", id);
			print_rows("expected", want);
			print_rows("got", got);
		}
		json_decref(want);
		json_decref(got);
		/* the negative, with its allowlist */
		const char *al = NULL;
		if (first_existing(al_b, sizeof(al_b), dir, "allowlist.txt", "allowlist.txt")) {
			al = al_b;
		} else if (first_existing(al_b, sizeof(al_b), dir, "allowlist.tsv", "allowlist.tsv")) {
			snprintf(al_tmp, sizeof(al_tmp), "%s/allow-%s.txt", tmpdir, id);
			al = tsv_allowlist(al_b, al_tmp);
		}
		got = run_rule(id, queries, neg, al, listp, nl, false);
		CHECK(got != NULL);
		if (got && json_array_size(got) != 0) {
			check_failures++;
			fprintf(stderr, "FAIL %s: negative fixture fired\n", id);
			print_rows("got", got);
		}
		json_decref(got);
		for (size_t k = 0; k < nl; k++)
			if (strncmp(lists[k], tmpdir, strlen(tmpdir)) == 0)
				unlink(lists[k]);
		if (check_failures == before)
			ok_rules++;
	}
	/* and every fixture directory has a rule */
	d = opendir(fdir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = !strcmp(names[i], de->d_name);
		if (!found) {
			check_failures++;
			fprintf(stderr, "FAIL fixtures %s/%s have no rule\n", fdir, de->d_name);
		}
	}
	if (d)
		closedir(d);
	printf("%s: %d of %zu rules fire on their positive fixture exactly as expected and not on the negative\n", kind,
	       ok_rules, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* Every header parses and every query prepares against the schema with
 * its defaults and returns the nine finding columns. */
static void lint(const char *queries)
{
	struct ct_ruleset rs = {0};
	struct ct_err err = {0};
	CHECK_INT(ct_rules_load_dir(&rs, queries, on_diag, NULL, &err), 0);
	CHECK_INT(rs.broken, 0);
	char db[512];
	snprintf(db, sizeof(db), "%s/lint.db", tmpdir);
	struct ct_index *idx = NULL;
	CHECK_INT(ct_index_open(db, CT_OPEN_WRITE, &idx, &err), 0);
	struct ct_detect_opts o = {0};
	for (size_t i = 0; idx && i < rs.n; i++) {
		sqlite3_stmt *st = NULL;
		uint64_t line;
		char why[600];
		int rc = ct_rule_prepare(ct_index_db(idx), rs.rules[i], &o, &st, &line, why, sizeof(why));
		if (rc < 0)
			fprintf(stderr, "FAIL lint %s:%llu: %s\n", rs.rules[i]->path, (unsigned long long)line, why);
		CHECK_INT(rc, 0);
		sqlite3_finalize(st);
		/* the metadata a reader needs */
		CHECK(rs.rules[i]->false_positives && rs.rules[i]->false_positives[0]);
		CHECK(rs.rules[i]->references && rs.rules[i]->references[0]);
	}
	printf("lint: %zu rules, %zu broken\n", rs.n, rs.broken);
	ct_index_free(idx);
	ct_ruleset_clear(&rs);
}

/* The header parser on its own, including its error messages. */
static void headers(void)
{
	struct ct_rule *r = NULL;
	struct ct_err e = {0};
	const char *good = "-- id: x_rule\n-- title: T\n-- severity: High\n-- tactics: TA0005, TA0040\n"
			   "-- techniques: T1562.008, T1485\n-- description: line one\n--   line two\n"
			   "-- false_positives: none\n-- references: https://example.com\n-- tags: a, b\n"
			   "-- param: window_minutes = 10 | minutes\n\nSELECT 1;\n";
	CHECK_INT(ct_rule_parse(good, strlen(good), "x_rule.sql", "x_rule", &r, &e), 0);
	if (r) {
		CHECK_STR(r->description, "line one line two");
		CHECK_INT(r->severity, CT_SEV_HIGH);
		CHECK_INT(r->nparams, 1);
		CHECK_STR(r->params[0].name, "window_minutes");
		CHECK_STR(r->params[0].value, "10");
		CHECK_INT(r->sql_line, 13);
		CHECK_STR(r->sql, "SELECT 1;\n");
	}
	ct_rule_free(r);
	static const struct {
		const char *text, *msg;
		int line;
	} bad[] = {
		{"-- id: a\n-- title: t\n-- severity: severe\n",
		 "severity 'severe' is not info, low, medium, high or critical", 3},
		{"-- id: a\n-- title: t\n-- severity: low\n-- tactics: TA5\n-- techniques: T1\n-- description: d\nSELECT 1;",
		 "tactics 'TA5' are not ATT&CK tactic ids (TA0001)", 1},
		{"-- id: a\n-- title: t\n-- severity: low\n-- tactics: TA0001\n-- techniques: T1078.1\n-- description: d\nSELECT 1;",
		 "techniques 'T1078.1' are not ATT&CK technique ids (T1234 or T1234.001)", 1},
		{"-- id: b\n-- title: t\n-- severity: low\n-- tactics: TA0001\n-- techniques: T1078\n-- description: d\nSELECT 1;",
		 "id 'b' differs from the file name 'a'", 1},
		{"-- id: a\n-- colour: red\n", "unknown header key 'colour'", 2},
		{"-- id: a\n-- title: t\n-- severity: low\n-- tactics: TA0001\n-- techniques: T1078\nSELECT 1;",
		 "the header has no 'description'", 1},
		{"-- id: a\n-- param: x\n", "param needs 'name = default'", 2},
		{"-- id: a\n-- title: t\n-- severity: low\n-- tactics: TA0001\n-- techniques: T1078\n-- description: d\n",
		 "no query after the header", 7},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		r = NULL;
		memset(&e, 0, sizeof(e));
		CHECK_INT(ct_rule_parse(bad[i].text, strlen(bad[i].text), "a.sql", "a", &r, &e), -1);
		CHECK_STR(e.msg, bad[i].msg);
		CHECK_INT(e.record, bad[i].line);
		ct_rule_free(r);
	}
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;
	return f && fclose(f) == 0 && ok;
}

/* The shared JSON pass reads the members it caches in place and leaves
 * the records it cannot read that way to json_extract: both must give what
 * json_extract gives, value, type and JSON subtype (json_array shows it),
 * for every shape a record's members can take. */
static void json_pass_members(void)
{
	char dir[400], rules[420], input[420], path[500];
	snprintf(dir, sizeof(dir), "%s/jx", tmpdir);
	snprintf(rules, sizeof(rules), "%s/rules", dir);
	snprintf(input, sizeof(input), "%s/records.json", dir);
	CHECK(mkdir(dir, 0700) == 0 && mkdir(rules, 0700) == 0);
	const char *head =
		"-- title: t\n-- severity: low\n-- tactics: TA0007\n-- techniques: T1580\n-- description: d\n";
	const char *cols4 = "request_parameters, response_elements, additional_event_data, resources";
	char sql[2000];
	snprintf(
		sql, sizeof(sql),
		"-- id: ct_jx_a\n%sSELECT event_time AS first_time, event_time AS last_time, recipient_account_id AS account,"
		" aws_region AS region, json_array(%s) AS identity, access_key_id AS access_key, source_ip_address AS"
		" source_ip, typeof(request_parameters) || typeof(response_elements) || typeof(additional_event_data)"
		" || typeof(resources) || ' ' || quote(request_parameters) || ' ' || quote(response_elements) || ' '"
		" || quote(additional_event_data) || ' ' || quote(resources) AS summary, json_array(event_id) AS evidence"
		" FROM events WHERE event_name IN ('JxProbe') ORDER BY event_id;\n",
		head, cols4);
	snprintf(path, sizeof(path), "%s/ct_jx_a.sql", rules);
	CHECK(write_file(path, sql));
	snprintf(
		sql, sizeof(sql),
		"-- id: ct_jx_b\n%sSELECT request_parameters AS first_time, response_elements AS last_time,"
		" additional_event_data AS account, resources AS region, 1 AS identity, 2 AS access_key, 3 AS source_ip,"
		" 4 AS summary, 5 AS evidence FROM events WHERE event_name IN ('JxProbe') AND 0;\n",
		head);
	snprintf(path, sizeof(path), "%s/ct_jx_b.sql", rules);
	CHECK(write_file(path, sql));
	/* each record: eventID, then its members */
#define JX_EV(id, rest)                                                                                                \
	"{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","      \
	"\"eventName\":\"JxProbe\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"192.0.2.1\",\"eventID\":\"" id    \
	"\","                                                                                                          \
	"\"recipientAccountId\":\"111122223333\"" rest "}"
	const char
		*records =
			"{\"Records\":[\n" JX_EV("e01", ",\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"a b\\\"c\\u0041\\/\"},\"responseElements\":null,"
							"\"additionalEventData\":{\"bytesTransferredOut\":1.50E+2,\"x\":[true,false,null,-0]},\"resources\":[{\"ARN\":\"arn:x\"}]") ",\n" JX_EV("e02", "") ",\n" JX_EV("e03", ",\"requestParameters\":\"a string\",\"responseElements\":42,\"additionalEventData\":true,\"resources\":1.5") ",\n" JX_EV("e04", ",\"requestParameters\":{\"a\":1},\"requestParameters\":{\"b\":2},\"resources\":[]") ",\n" JX_EV("e05",
																																																								",\"request\\u0050arameters\":{\"a\":1},\"responseElements\":{}") ",\n" JX_EV("e06",
																																																																	      ",\"requestParameters\":{\"a\": 1},\"responseElements\":[1, 2]") ",\n"
																																																																									       "  {\n    \"eventVersion\": \"1.08\",\n    \"eventTime\": \"2024-01-01T00:00:00Z\",\n"
																																																																									       "    \"eventSource\": \"s3.amazonaws.com\",\n    \"eventName\": \"JxProbe\",\n    \"awsRegion\": \"us-east-1\",\n"
																																																																									       "    \"sourceIPAddress\": \"192.0.2.1\",\n    \"eventID\": \"e07\",\n    \"recipientAccountId\": \"111122223333\",\n"
																																																																									       "    \"requestParameters\": {\n      \"bucketName\": \"b\"\n    },\n    \"resources\" : [ ]\n  }\n]}\n";
#undef JX_EV
	CHECK(write_file(input, records));
	/* json_extract's answers, by the rule alone (one JSON reader: no pass) */
	json_t *alone = run_rule_with("ct_jx_a", "ct_jx_b", rules, input, NULL, NULL, 0, false);
	json_t *pass = run_rule_with("ct_jx_a", "ct_jx_b", rules, input, NULL, NULL, 0, true);
	static const char *const want[] = {
		"textnulltexttext '{\"bucketName\":\"b\",\"key\":\"a b\\\"c\\u0041\\/\"}' NULL "
		"'{\"bytesTransferredOut\":1.50E+2,\"x\":[true,false,null,-0]}' '[{\"ARN\":\"arn:x\"}]'",
		"nullnullnullnull NULL NULL NULL NULL",
		"textintegerintegerreal 'a string' 42 1 1.5",
		"textnullnulltext '{\"a\":1}' NULL NULL '[]'",
		"nulltextnullnull NULL '{}' NULL NULL",
		"texttextnullnull '{\"a\":1}' '[1,2]' NULL NULL",
		"textnullnulltext '{\"bucketName\":\"b\"}' NULL NULL '[]'",
	};
	CHECK(alone && json_array_size(alone) == CT_ARRAY_SIZE(want));
	CHECK(pass && json_array_size(pass) == CT_ARRAY_SIZE(want));
	for (size_t i = 0; alone && pass && i < json_array_size(alone) && i < CT_ARRAY_SIZE(want); i++) {
		CHECK_STR(json_string_value(json_object_get(json_array_get(alone, i), "summary")), want[i]);
		CHECK_STR(json_string_value(json_object_get(json_array_get(pass, i), "summary")), want[i]);
	}
	/* the whole rows, json_array over the columns included */
	CHECK(alone && pass && json_equal(alone, pass));
	json_decref(alone);
	json_decref(pass);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test-detect QUERIES_DIR FIXTURES_DIR\n");
		return 2;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ctscan-detect-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	headers();
	json_pass_members();
	lint(argv[1]);
	test_kind(argv[1], argv[2], "cloudtrail");
	test_kind(argv[1], argv[2], "vpcflow");
	char db[600];
	snprintf(db, sizeof(db), "%s/lint.db", tmpdir);
	unlink(db);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return check_done();
}
