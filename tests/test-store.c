/* test-store.c - the index writer: every column of every event as its
 * record says (the writer binds a parameter again only when it changes),
 * and the mark of a first load written without waiting for the disk
 * (ct_store_unsynced_begin): taken away at the end, harmless from this
 * boot, refused from an earlier one; the key columns of ev's indexes
 * gathered as the rows are written, each the same as ev's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bulkidx.h"
#include "check.h"
#include "cloudtrail.h"
#include "ctscan.h"
#include "store.h"

static char tmpdir[256];

static int64_t one_int(struct ct_index *idx, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(ct_index_db(idx), sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(ct_index_db(idx)));
		return -2;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *one_text(struct ct_index *idx, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(ct_index_db(idx), sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int ingest(struct ct_index *idx, const char *path, struct ct_ingest_stats *st)
{
	struct ct_err err = {0};
	const char *paths[] = {path};
	struct ct_ingest_opts io = {.jobs = 2};
	int rc = ct_ingest(idx, paths, 1, &io, st, &err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	return rc;
}

static int mark(struct ct_index *idx, const char *boot)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta VALUES('unsynced_load', '%s')", boot);
	return sqlite3_exec(ct_index_db(idx), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static const char marked_sql[] = "SELECT count(*) FROM meta WHERE key = 'unsynced_load'";

/* Each column against its field in the verbatim record, over the sample
 * incident: events whose fields come and go from one to the next (NULL,
 * an id, another id) in every column. */
static void test_columns(const char *db, const char *incident)
{
	struct ct_index *idx = NULL;
	struct ct_err err = {0};
	struct ct_ingest_stats st = {0};
	CHECK_INT(ct_index_open(db, CT_OPEN_WRITE, &idx, &err), 0);
	if (!idx)
		return;
	CHECK_INT(ingest(idx, incident, &st), 0);
	CHECK_INT(st.events, 170);
	/* the first load's mark is gone once its writes are on the disk */
	CHECK_INT(one_int(idx, marked_sql), 0);
	static const char *const pairs[][2] = {
		{"event_name", "$.eventName"},
		{"event_source", "$.eventSource"},
		{"aws_region", "$.awsRegion"},
		{"source_ip_address", "$.sourceIPAddress"},
		{"user_agent", "$.userAgent"},
		{"error_code", "$.errorCode"},
		{"error_message", "$.errorMessage"},
		{"event_type", "$.eventType"},
		{"event_category", "$.eventCategory"},
		{"recipient_account_id", "$.recipientAccountId"},
		{"vpc_endpoint_id", "$.vpcEndpointId"},
		{"read_only", "$.readOnly"},
		{"management_event", "$.managementEvent"},
		{"identity_type", "$.userIdentity.type"},
		{"identity_arn", "$.userIdentity.arn"},
		{"identity_principal_id", "$.userIdentity.principalId"},
		{"identity_account_id", "$.userIdentity.accountId"},
		{"access_key_id", "$.userIdentity.accessKeyId"},
		{"user_name", "$.userIdentity.userName"},
		{"session_issuer_type", "$.userIdentity.sessionContext.sessionIssuer.type"},
		{"session_issuer_arn", "$.userIdentity.sessionContext.sessionIssuer.arn"},
		{"session_issuer_user_name", "$.userIdentity.sessionContext.sessionIssuer.userName"},
		{"invoked_by", "$.userIdentity.invokedBy"},
		{"event_id", "$.eventID"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char sql[400];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE %s IS NOT json_extract(raw, '%s')",
			 pairs[i][0], pairs[i][1]);
		int64_t bad = one_int(idx, sql);
		if (bad != 0)
			fprintf(stderr, "column %s: %lld events differ from their records\n", pairs[i][0],
				(long long)bad);
		CHECK_INT(bad, 0);
		/* and the column changes from event to event (NULL counts), but
		 * for the account: the sample incident has one */
		snprintf(sql, sizeof(sql), "SELECT count(DISTINCT quote(%s)) FROM events", pairs[i][0]);
		if (strcmp(pairs[i][0], "recipient_account_id") != 0)
			CHECK(one_int(idx, sql) >= 2);
	}
	ct_index_free(idx);
}

static void test_mark(const char *db, const char *first, const char *more)
{
	struct ct_index *idx = NULL;
	struct ct_err err = {0};
	struct ct_ingest_stats st = {0};
	char boot[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!f || !fgets(boot, sizeof(boot), f)) {
		printf("no boot id on this system: first loads sync as usual, nothing to test\n");
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	boot[strcspn(boot, "\n")] = 0;

	CHECK_INT(ct_index_open(db, CT_OPEN_WRITE, &idx, &err), 0);
	if (!idx)
		return;
	CHECK_INT(ingest(idx, first, &st), 0);
	CHECK_INT(one_int(idx, marked_sql), 0);
	/* begin marks the index with this boot */
	CHECK_INT(ct_store_unsynced_begin(idx, &err), 1);
	char *v = one_text(idx, "SELECT value FROM meta WHERE key = 'unsynced_load'");
	CHECK_STR(v, boot);
	free(v);
	CHECK_INT(ct_store_unsynced_marked(idx), 1);
	/* end takes the mark away */
	CHECK_INT(ct_store_unsynced_end(idx, &err), 0);
	CHECK_INT(ct_store_unsynced_marked(idx), 0);

	/* a mark of this boot (a load killed since): the index opens, and
	 * the next ingest, though not a first load, takes the mark away */
	CHECK_INT(mark(idx, boot), 0);
	ct_index_free(idx);
	idx = NULL;
	CHECK_INT(ct_index_open(db, CT_OPEN_READONLY, &idx, &err), 0);
	ct_index_free(idx);
	idx = NULL;
	CHECK_INT(ct_index_open(db, CT_OPEN_WRITE, &idx, &err), 0);
	if (!idx)
		return;
	CHECK_INT(ingest(idx, more, &st), 0);
	CHECK(st.events > 0);
	CHECK_INT(one_int(idx, marked_sql), 0);

	/* a mark of another boot: the system went down during a load, and
	 * every open is refused, reading or writing */
	CHECK_INT(mark(idx, "00000000-0000-4000-8000-000000000000"), 0);
	ct_index_free(idx);
	static const int modes[] = {CT_OPEN_READONLY, CT_OPEN_WRITE};
	for (size_t i = 0; i < 2; i++) {
		idx = NULL;
		memset(&err, 0, sizeof(err));
		CHECK_INT(ct_index_open(db, modes[i], &idx, &err), -1);
		CHECK(idx == NULL);
		CHECK_INT(err.code, CT_E_CORRUPT);
		CHECK(strstr(err.msg, "cut off by a restart of the system") != NULL);
		CHECK(strstr(err.msg, "remove it and ingest the logs again") != NULL);
		ct_index_free(idx);
	}
}

/* ---- the key columns a first load gathers (ct_writer_keys_start) ---- */

struct kw {
	struct ct_writer *w;
	int64_t src;
	uint64_t added, dups;
};

static int kw_event(void *ud, const struct ct_event *ev, struct ct_err *err)
{
	struct kw *k = ud;
	struct ct_str none = {NULL, 0};
	struct ct_event_prep prep;
	ct_event_prep(ev, &none, &prep);
	bool dup = false;
	if (ct_writer_event(k->w, k->src, ev, &none, &none, &prep, &dup, err) < 0)
		return -1;
	if (dup)
		k->dups++;
	else
		k->added++;
	return 0;
}

/* Writes file's events (twice when twice: the second time duplicates)
 * with the keys gathered up to max_bytes; what was gathered. */
static struct ct_keys *gather(struct ct_index *idx, const char *file, const char *data, size_t len, bool twice,
			      size_t max_bytes, struct kw *k)
{
	struct ct_err err = {0};
	CHECK_INT(ct_writer_new(idx, false, &k->w, &err), 0);
	if (!k->w)
		return NULL;
	ct_writer_keys_start(k->w, max_bytes);
	/* a source of its own each time (sha256 is unique) */
	static int nsrc;
	char sha[65];
	snprintf(sha, sizeof(sha), "%064d", ++nsrc);
	struct ct_source_info si = {.path = file,
				    .sha256 = sha,
				    .kind = "cloudtrail",
				    .compression = "none",
				    .status = "ok",
				    .first_ts = INT64_MIN,
				    .last_ts = INT64_MIN};
	CHECK_INT(ct_writer_begin(k->w, &err), 0);
	if (ct_writer_source_add(k->w, &si, &k->src, &err) < 0)
		fprintf(stderr, "%s\n", err.msg);
	CHECK(k->src > 0);
	for (int round = 0; round < (twice ? 2 : 1); round++)
		CHECK_INT(ct_cloudtrail_read_mem(data, len, file, kw_event, NULL, k, NULL, &err), 0);
	CHECK_INT(ct_writer_commit(k->w, &err), 0);
	struct ct_keys *keys = ct_writer_keys_take(k->w);
	ct_writer_free(k->w);
	k->w = NULL;
	return keys;
}

/* Each gathered column against ev, row by row. */
static void check_keys(struct ct_index *idx, const struct ct_bulk_cols *c, uint64_t rows, int64_t base)
{
	CHECK_INT((int64_t)c->rows, (int64_t)rows);
	CHECK_INT(c->base, base);
	/* every column of ev's pivot indexes, and no other */
	CHECK_INT((int64_t)c->n, 9);
	for (size_t i = 0; i < c->n; i++) {
		const struct ct_bulk_col *col = &c->col[i];
		char sql[200];
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ev'"
			 " AND sql LIKE '%%(%%%s%%)%%'",
			 col->name);
		CHECK(one_int(idx, sql) >= 1);
		snprintf(sql, sizeof(sql), "SELECT %s FROM ev WHERE rowid >= %lld ORDER BY rowid", col->name,
			 (long long)base);
		sqlite3_stmt *st;
		CHECK_INT(sqlite3_prepare_v2(ct_index_db(idx), sql, -1, &st, NULL), SQLITE_OK);
		size_t r = 0, bad = 0, nulls = 0;
		while (sqlite3_step(st) == SQLITE_ROW && r < c->rows) {
			bool null = col->nulls && (col->nulls[r / 64] >> (r % 64) & 1);
			int64_t v = col->width == 8 ? ((const int64_t *)col->v)[r] : ((const uint32_t *)col->v)[r];
			if (null != (sqlite3_column_type(st, 0) == SQLITE_NULL) ||
			    (!null &&
			     (sqlite3_column_type(st, 0) != SQLITE_INTEGER || sqlite3_column_int64(st, 0) != v)))
				bad++;
			nulls += null;
			r++;
		}
		sqlite3_finalize(st);
		if (bad)
			fprintf(stderr, "gathered column %s: %zu rows differ from ev\n", col->name, bad);
		CHECK_INT((int64_t)bad, 0);
		CHECK_INT((int64_t)r, (int64_t)rows);
		/* the time and the event id need 64 bits, the dictionary ids 32 */
		bool wide = strcmp(col->name, "ts") == 0 || strcmp(col->name, "eid") == 0;
		CHECK_INT(col->width, wide ? 8 : 4);
		if (strcmp(col->name, "ecode") == 0)
			CHECK(nulls > 0); /* most calls succeed */
	}
}

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *data = malloc(1 << 20);
	*len = f && data ? fread(data, 1, (1 << 20) - 1, f) : 0;
	if (f)
		fclose(f);
	if (data)
		data[*len] = 0;
	return data;
}

static void test_keys(const char *db, const char *file, const char *ndjson)
{
	struct ct_index *idx = NULL;
	struct ct_err err = {0};
	CHECK_INT(ct_index_open(db, CT_OPEN_WRITE, &idx, &err), 0);
	if (!idx)
		return;
	size_t len;
	char *data = slurp(file, &len);
	struct kw k = {0};
	struct ct_keys *keys = gather(idx, file, data, len, true, CT_KEYS_MAX_BYTES, &k);
	CHECK(k.added > 0);
	CHECK_INT((int64_t)k.dups, (int64_t)k.added); /* not gathered */
	CHECK(keys != NULL);
	if (keys)
		check_keys(idx, ct_keys_cols(keys), k.added, 1);
	ct_keys_free(keys);
	/* past the memory allowed (a row's keys take more than 40 bytes):
	 * nothing */
	struct kw k2 = {0};
	keys = gather(idx, file, data, len, false, 40 * k.added, &k2);
	CHECK(keys == NULL);
	ct_keys_free(keys);
	free(data);
	/* the first event without an event id: its column starts 32 bits
	 * wide (a NULL), and is widened in place at the second */
	int64_t base = one_int(idx, "SELECT max(rowid) FROM ev") + 1;
	data = slurp(ndjson, &len);
	char *id = data ? strstr(data, "\"eventID\"") : NULL;
	CHECK(id != NULL && id < strchr(data, '\n'));
	if (id)
		id[7] = 'X'; /* "eventIX" */
	struct kw k3 = {0};
	keys = gather(idx, ndjson, data, len, false, CT_KEYS_MAX_BYTES, &k3);
	CHECK(k3.added >= 2);
	CHECK(keys != NULL);
	if (keys) {
		check_keys(idx, ct_keys_cols(keys), k3.added, base);
		CHECK_INT(one_int(idx, "SELECT count(*) FROM ev WHERE eid IS NULL"), 1);
	}
	ct_keys_free(keys);
	free(data);
	ct_index_free(idx);
}

int main(void)
{
	const char *td = getenv("CT_TESTDATA");
	if (!td) {
		fprintf(stderr, "CT_TESTDATA is not set\n");
		return 1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/ct-test-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	char db[512], db2[512], incident[512], first[512], more[512];
	snprintf(db, sizeof(db), "%s/columns.db", tmpdir);
	snprintf(db2, sizeof(db2), "%s/mark.db", tmpdir);
	snprintf(incident, sizeof(incident), "%s/incident", td);
	snprintf(first, sizeof(first), "%s/cloudtrail/records.json", td);
	snprintf(more, sizeof(more), "%s/cloudtrail/array.json", td);
	test_columns(db, incident);
	test_mark(db2, first, more);
	snprintf(db2, sizeof(db2), "%s/keys.db", tmpdir);
	char ndjson[512];
	snprintf(ndjson, sizeof(ndjson), "%s/cloudtrail/ndjson.jsonl", td);
	test_keys(db2, first, ndjson);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
