/* store.c - the SQLite index. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bulkidx.h"
#include "ct-config.h"
#include "detail.h"
#include "flowlog.h"
#include "util.h"

/* ---- schema ---- */

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE strs(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE names(id INTEGER PRIMARY KEY, s TEXT UNIQUE);\n"
	"INSERT INTO names VALUES(0, NULL);\n"
	"CREATE TABLE details(id INTEGER PRIMARY KEY, s TEXT NOT NULL);\n"
	"CREATE TABLE blocks(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);\n"
	"CREATE TABLE sources(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL UNIQUE,\n"
	"  content_sha256 TEXT,\n"
	"  content_size INTEGER,\n"
	"  kind TEXT NOT NULL,\n"
	"  shape TEXT,\n"
	"  compression TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  records INTEGER NOT NULL DEFAULT 0,\n"
	"  events INTEGER NOT NULL DEFAULT 0,\n"
	"  flows INTEGER NOT NULL DEFAULT 0,\n"
	"  duplicates INTEGER NOT NULL DEFAULT 0,\n"
	"  errors INTEGER NOT NULL DEFAULT 0,\n"
	"  first_event_time TEXT,\n"
	"  last_event_time TEXT,\n"
	"  message TEXT,\n"
	"  ingested_at TEXT NOT NULL,\n"
	"  ctscan_version TEXT NOT NULL,\n"
	"  integrity TEXT\n"
	");\n"
	"CREATE TABLE ev(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  ts INTEGER NOT NULL,\n"
	"  ename INTEGER NOT NULL,\n"
	"  esrc INTEGER NOT NULL,\n"
	"  eid INTEGER,\n"
	"  event_id,\n"
	"  dkey INTEGER,\n"
	"  src INTEGER NOT NULL,\n"
	"  ord INTEGER NOT NULL,\n"
	"  blk INTEGER NOT NULL,\n"
	"  boff INTEGER NOT NULL,\n"
	"  blen INTEGER NOT NULL,\n"
	"  ver INTEGER, region INTEGER, ip INTEGER, ua INTEGER, ecode INTEGER, emsg INTEGER,\n"
	"  acct INTEGER, etype INTEGER, ecat INTEGER, vpce INTEGER,\n"
	"  itype INTEGER, iarn INTEGER, ipid INTEGER, iacct INTEGER, akey INTEGER, uname INTEGER,\n"
	"  sitype INTEGER, siarn INTEGER, siname INTEGER, screated INTEGER, invby INTEGER,\n"
	"  srcid INTEGER, ro INTEGER, mgmt INTEGER, mfa INTEGER, console INTEGER,\n"
	"  detail INTEGER, link TEXT\n"
	");\n"
	"CREATE TABLE allowlist(kind TEXT NOT NULL, value TEXT NOT NULL, note TEXT);\n"
	"CREATE TABLE allow_ip(ip TEXT PRIMARY KEY) WITHOUT ROWID;\n"
	"CREATE TABLE listed_ip(ip TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY(ip, list)) WITHOUT ROWID;\n"
	"CREATE TABLE integrity(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER NOT NULL,\n"
	"  checked_at TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  object TEXT,\n"
	"  path TEXT,\n"
	"  source_id INTEGER,\n"
	"  account TEXT, region TEXT, trail TEXT,\n"
	"  time_from TEXT, time_to TEXT,\n"
	"  count INTEGER,\n"
	"  sha256 TEXT, expected TEXT, digest TEXT,\n"
	"  detail TEXT\n"
	");\n"
	"CREATE INDEX integrity_source ON integrity(source_id);\n"
	"CREATE TABLE rule_times(rule_id TEXT PRIMARY KEY, seconds REAL NOT NULL);\n"
	"CREATE TABLE detect_runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, rules INTEGER,\n"
	"  failed INTEGER, findings INTEGER);\n"
	"CREATE TABLE findings(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER NOT NULL,\n"
	"  rule_id TEXT NOT NULL,\n"
	"  severity TEXT NOT NULL,\n"
	"  severity_rank INTEGER NOT NULL,\n"
	"  title TEXT NOT NULL,\n"
	"  tactics TEXT, techniques TEXT,\n"
	"  first_time TEXT, last_time TEXT,\n"
	"  account TEXT, region TEXT, identity TEXT, access_key TEXT, source_ip TEXT,\n"
	"  summary TEXT,\n"
	"  evidence TEXT\n"
	");\n"
	"CREATE INDEX findings_run ON findings(run_id, severity_rank, first_time);\n"
	"CREATE INDEX ev_dkey ON ev(dkey) WHERE dkey IS NOT NULL;\n";

/* The pivot indexes.  A first load into an empty index builds them after
 * the rows are in (sorting once is about three times cheaper than keeping
 * them up to date row by row); meta 'indexes' = 'pending' marks the time
 * in between, so an interrupted load gets them on the next open. */
struct pivot_index {
	const char *table, *name, *cols, *where; /* where: NULL, or the partial index's */
};
/* the first of a table's is built first (bulkidx.h): a key of few
 * values, read and sorted soonest, so that the writer starts soonest */
static const struct pivot_index pivot_indexes[] = {
	{"ev", "ev_source", "esrc", NULL},
	{"ev", "ev_ts", "ts", NULL},
	{"ev", "ev_name", "ename, ts", NULL},
	{"ev", "ev_akey", "akey, ts", "akey IS NOT NULL"},
	{"ev", "ev_iarn", "iarn, ts", "iarn IS NOT NULL"},
	{"ev", "ev_ip", "ip, ts", "ip IS NOT NULL"},
	{"ev", "ev_acct", "acct", "acct IS NOT NULL"},
	{"ev", "ev_ecode", "ecode, ts", "ecode IS NOT NULL"},
	{"ev", "ev_event_id", "eid", "eid IS NOT NULL"},
	{"flow_rows", "flow_start", "start", NULL},
	{"flow_rows", "flow_srcaddr", "srcaddr, start", NULL},
	{"flow_rows", "flow_dstaddr", "dstaddr, start", NULL},
	{"flow_rows", "flow_dstport", "dstport, start", NULL},
	{"flow_rows", "flow_interface", "interface_id, start", NULL},
	{"flow_rows", "flow_action", "action, start", NULL},
};

/* CREATE INDEX [IF NOT EXISTS] for pivot index i, into out (the text the
 * schema keeps, whoever builds the index: bulkidx.h too) */
static void pivot_index_sql(char *out, size_t n, size_t i, bool if_not_exists)
{
	const struct pivot_index *p = &pivot_indexes[i];
	snprintf(out, n, "CREATE INDEX %s%s ON %s(%s)%s%s", if_not_exists ? "IF NOT EXISTS " : "", p->name, p->table,
		 p->cols, p->where ? " WHERE " : "", p->where ? p->where : "");
}

/* The events view: dictionary columns joined, JSON columns taken from the
 * verbatim record.  %s is the record expression. */
static const char *const events_cols[][2] = {
	{"id", "e.id"},
	{"event_time", "strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch')"},
	{"event_ts", "e.ts"},
	/* a canonical UUID is kept as two integers (see ct_event_key_make) */
	{"event_id", "CASE WHEN typeof(e.event_id) = 'integer' THEN printf('%08x-%04x-%04x-%04x-%012x',"
		     " (e.eid >> 32) & 4294967295, (e.eid >> 16) & 65535, e.eid & 65535,"
		     " (e.event_id >> 48) & 65535, e.event_id & 281474976710655) ELSE e.event_id END"},
	{"event_version", "ver.s"},
	{"event_source", "es.s"},
	{"event_name", "en.s"},
	{"aws_region", "region.s"},
	{"source_ip_address", "ip.s"},
	{"user_agent", "ua.s"},
	{"error_code", "ecode.s"},
	{"error_message", "emsg.s"},
	{"read_only", "e.ro"},
	{"event_type", "etype.s"},
	{"event_category", "ecat.s"},
	{"management_event", "e.mgmt"},
	{"recipient_account_id", "acct.s"},
	{"request_id", "json_extract(RAW, '$.requestID')"},
	{"shared_event_id", "json_extract(RAW, '$.sharedEventID')"},
	{"vpc_endpoint_id", "vpce.s"},
	{"session_credential_from_console", "e.console"},
	{"identity_type", "itype.s"},
	{"identity_arn", "iarn.s"},
	{"identity_principal_id", "ipid.s"},
	{"identity_account_id", "iacct.s"},
	{"access_key_id", "akey.s"},
	{"user_name", "uname.s"},
	{"session_issuer_type", "sitype.s"},
	{"session_issuer_arn", "siarn.s"},
	{"session_issuer_user_name", "siname.s"},
	{"mfa_authenticated", "e.mfa"},
	{"session_creation_date", "screated.s"},
	{"invoked_by", "invby.s"},
	{"source_identity", "srcid.s"},
	{"user_identity", "json_extract(RAW, '$.userIdentity')"},
	{"request_parameters", "json_extract(RAW, '$.requestParameters')"},
	{"response_elements", "json_extract(RAW, '$.responseElements')"},
	{"additional_event_data", "json_extract(RAW, '$.additionalEventData')"},
	{"resources", "json_extract(RAW, '$.resources')"},
	{"service_event_details", "json_extract(RAW, '$.serviceEventDetails')"},
	{"tls_details", "json_extract(RAW, '$.tlsDetails')"},
	{"raw", "RAW"},
	{"detail", "dt.s"},
	{"source_id", "e.src"},
	{"record_ordinal", "e.ord"},
};

static const char *const dict_joins[][2] = {
	{"ver", "ver"},     {"region", "region"}, {"ip", "ip"},       {"ua", "ua"},         {"ecode", "ecode"},
	{"emsg", "emsg"},   {"acct", "acct"},     {"etype", "etype"}, {"ecat", "ecat"},     {"vpce", "vpce"},
	{"itype", "itype"}, {"iarn", "iarn"},     {"ipid", "ipid"},   {"iacct", "iacct"},   {"akey", "akey"},
	{"uname", "uname"}, {"sitype", "sitype"}, {"siarn", "siarn"}, {"siname", "siname"}, {"screated", "screated"},
	{"invby", "invby"}, {"srcid", "srcid"},
};

char *ct_store_events_sql(const char *raw_expr)
{
	struct ct_buf b = {0};
	ct_buf_printf(&b, "SELECT ");
	for (size_t i = 0; i < CT_ARRAY_SIZE(events_cols); i++) {
		const char *expr = events_cols[i][1];
		const char *r = strstr(expr, "RAW");
		if (r)
			ct_buf_printf(&b, "%s%.*s%s%s AS %s", i ? ",\n  " : "", (int)(r - expr), expr, raw_expr, r + 3,
				      events_cols[i][0]);
		else
			ct_buf_printf(&b, "%s%s AS %s", i ? ",\n  " : "", expr, events_cols[i][0]);
	}
	/* names and sources are few: inner joins let IN lists use ev_name */
	ct_buf_printf(&b, "\nFROM ev e\n  JOIN names en ON en.id = e.ename\n  JOIN names es ON es.id = e.esrc");
	for (size_t i = 0; i < CT_ARRAY_SIZE(dict_joins); i++)
		ct_buf_printf(&b, "\n  LEFT JOIN strs %s ON %s.id = e.%s", dict_joins[i][0], dict_joins[i][0],
			      dict_joins[i][1]);
	ct_buf_printf(&b, "\n  LEFT JOIN details dt ON dt.id = e.detail");
	return b.p;
}

bool ct_events_sql_reads_records(const char *sql)
{
	for (size_t i = 0; sql && i < CT_ARRAY_SIZE(events_cols); i++)
		if (strstr(events_cols[i][1], "RAW") && ct_mentions_word(sql, events_cols[i][0]))
			return true;
	return false;
}

/* Plain-shell record expression: the sqlite3 shell has sqlar_uncompress. */
#define RAW_PORTABLE                                                                                                   \
	"(SELECT CAST(substr(sqlar_uncompress(b.data, b.size), e.boff + 1, e.blen) AS TEXT) "                          \
	"FROM blocks b WHERE b.id = e.blk)"
#define RAW_FAST "ct_record(e.blk, e.boff, e.blen)"

/* ---- event ids ---- */

/* 1 + the value of a lowercase hex digit, 0 for any other byte */
static const unsigned char hexval1[256] = {
	['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* A lowercase canonical UUID packs into 16 bytes; anything else is kept
 * as text.  Returns 16 when packed, 0 when not. */
int ct_event_key_pack(const char *s, size_t len, unsigned char out[16])
{
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return 0;
	/* the offsets of the 16 pairs of digits */
	static const unsigned char at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
	const unsigned char *u = (const unsigned char *)s;
	int bad = 0;
	for (int k = 0; k < 16; k++) {
		int hi = hexval1[u[at[k]]] - 1, lo = hexval1[u[at[k] + 1]] - 1;
		bad |= hi | lo; /* negative when either is not a digit */
		out[k] = (unsigned char)((unsigned)hi << 4 | (unsigned)lo);
	}
	return bad < 0 ? 0 : 16;
}

static int64_t be64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return (int64_t)v;
}

int ct_event_key_make(const char *s, size_t len, int64_t *ret_eid, int64_t *ret_lo)
{
	unsigned char b[16];
	if (ct_event_key_pack(s, len, b) == 16) {
		*ret_eid = be64(b);
		*ret_lo = be64(b + 8);
		return 1;
	}
	*ret_eid = (int64_t)ct_hash64(s, len, 0x8ebc6af09c88c6e3ULL);
	*ret_lo = 0;
	return 0;
}

void ct_event_key_text(int64_t eid, int64_t lo, char out[37])
{
	static const char hx[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		unsigned byte = (unsigned)(((uint64_t)(i < 8 ? eid : lo) >> (56 - 8 * (i & 7))) & 0xff);
		*p++ = hx[byte >> 4];
		*p++ = hx[byte & 15];
	}
	*p = 0;
}

/* ct_event_eid(text) and ct_event_key(text): the two columns an event id
 * is kept in, ev.eid (indexed) and ev.event_id, for a lookup by event id
 * as written (see CT_EVENT_ID_MATCH). */
static void fn_event_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s)
		return;
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	int64_t eid, lo;
	bool packed = ct_event_key_make(s, len, &eid, &lo);
	if (sqlite3_user_data(ctx))
		sqlite3_result_int64(ctx, eid);
	else if (packed)
		sqlite3_result_int64(ctx, lo);
	else
		sqlite3_result_text(ctx, s, (int)len, SQLITE_TRANSIENT);
}

/* ---- SQL functions: ct_record and sqlar_uncompress ---- */

#define REC_CACHE 64

struct rec_cache {
	sqlite3_stmt *get;
	struct libdeflate_decompressor *dec;
	struct {
		int64_t blk;
		char *data;
		size_t len, cap;
		uint64_t used;
	} slot[REC_CACHE];
	uint64_t tick;
};

static void rec_cache_free(void *p)
{
	struct rec_cache *c = p;
	if (!c)
		return;
	/* c->get is finalized with every other statement by whoever closes the
	 * connection (ct_index_free); a connection cannot close before that. */
	if (c->dec)
		libdeflate_free_decompressor(c->dec);
	for (int i = 0; i < REC_CACHE; i++)
		free(c->slot[i].data);
	free(c);
}

/* Inflates a block into *buf (size + 1 bytes, grown as needed: a block is
 * 256 KiB, and a fresh buffer for each would be mapped and faulted in
 * anew by malloc every time). */
static int inflate_block(struct libdeflate_decompressor *dec, const void *data, size_t dlen, size_t size, char **buf,
			 size_t *cap)
{
	if (!*buf || *cap < size + 1) {
		char *out = realloc(*buf, size + 1);
		if (!out)
			return -1;
		*buf = out;
		*cap = size + 1;
	}
	char *out = *buf;
	if (dlen == size) {
		memcpy(out, data, size);
	} else {
		size_t got = 0;
		if (libdeflate_zlib_decompress(dec, data, dlen, out, size, &got) != LIBDEFLATE_SUCCESS || got != size)
			return -2;
	}
	out[size] = 0;
	return 0;
}

/* The record at (blk, off, len) through the cache; NULL with the error set
 * on ctx. */
static const char *rec_get(struct rec_cache *c, sqlite3_context *ctx, int64_t blk, int64_t off, int64_t len)
{
	int hit = -1;
	for (int i = 0; i < REC_CACHE; i++)
		if (c->slot[i].len && c->slot[i].blk == blk)
			hit = i;
	if (hit < 0) {
		sqlite3 *db = sqlite3_context_db_handle(ctx);
		if (!c->get && sqlite3_prepare_v3(db, "SELECT size, data FROM main.blocks WHERE id = ?", -1,
						  SQLITE_PREPARE_PERSISTENT, &c->get, NULL) != SQLITE_OK) {
			sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
			return NULL;
		}
		if (!c->dec && !(c->dec = libdeflate_alloc_decompressor())) {
			sqlite3_result_error_nomem(ctx);
			return NULL;
		}
		sqlite3_bind_int64(c->get, 1, blk);
		int rc = sqlite3_step(c->get);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(c->get);
			if (rc == SQLITE_DONE)
				sqlite3_result_error(ctx, "ct_record: no such block", -1);
			else
				sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
			return NULL;
		}
		size_t size = (size_t)sqlite3_column_int64(c->get, 0);
		const void *data = sqlite3_column_blob(c->get, 1);
		size_t dlen = (size_t)sqlite3_column_bytes(c->get, 1);
		int victim = 0;
		for (int i = 1; i < REC_CACHE; i++)
			if (c->slot[i].used < c->slot[victim].used)
				victim = i;
		c->slot[victim].len = 0; /* empty until inflated */
		int r = inflate_block(c->dec, data, dlen, size, &c->slot[victim].data, &c->slot[victim].cap);
		sqlite3_reset(c->get);
		if (r == -1) {
			sqlite3_result_error_nomem(ctx);
			return NULL;
		}
		if (r < 0 || size == 0) {
			sqlite3_result_error(ctx, "ct_record: corrupt block", -1);
			return NULL;
		}
		c->slot[victim].len = size;
		c->slot[victim].blk = blk;
		hit = victim;
	}
	c->slot[hit].used = ++c->tick;
	if (off < 0 || len < 0 || (uint64_t)(off + len) > c->slot[hit].len) {
		sqlite3_result_error(ctx, "ct_record: record outside its block", -1);
		return NULL;
	}
	return c->slot[hit].data + off;
}

static void fn_ct_record(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct rec_cache *c = sqlite3_user_data(ctx);
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	int64_t len = sqlite3_value_int64(argv[2]);
	const char *rec = rec_get(c, ctx, sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1]), len);
	if (rec)
		sqlite3_result_text(ctx, rec, (int)len, SQLITE_TRANSIENT);
}

static void fn_sqlar_uncompress(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t size = sqlite3_value_int64(argv[1]);
	const void *data = sqlite3_value_blob(argv[0]);
	int dlen = sqlite3_value_bytes(argv[0]);
	if (!data && dlen == 0 && sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (size < 0 || size > (1 << 30)) {
		sqlite3_result_error(ctx, "sqlar_uncompress: bad size", -1);
		return;
	}
	if (dlen == size) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	struct libdeflate_decompressor *dec = libdeflate_alloc_decompressor();
	char *out = NULL;
	size_t cap = 0;
	int r = dec ? inflate_block(dec, data, (size_t)dlen, (size_t)size, &out, &cap) : -1;
	if (dec)
		libdeflate_free_decompressor(dec);
	if (r < 0) {
		free(out);
		sqlite3_result_error(ctx, "sqlar_uncompress: corrupt data", -1);
		return;
	}
	sqlite3_result_blob(ctx, out, (int)size, free);
}

int ct_store_register_functions(sqlite3 *db)
{
	struct rec_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	int rc = sqlite3_create_function_v2(db, "ct_record", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, fn_ct_record,
					    NULL, NULL, rec_cache_free);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "ct_event_key", 1,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
						fn_event_key, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "ct_event_eid", 1,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, (void *)1,
						fn_event_key, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "sqlar_uncompress", 2,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
						fn_sqlar_uncompress, NULL, NULL, NULL);
	return rc;
}

/* ---- opening ---- */

const char *ct_index_default_path(void)
{
	const char *e = getenv("CTSCAN_DB");
	return e && e[0] ? e : "ctscan.db";
}

sqlite3 *ct_index_db(struct ct_index *idx)
{
	return idx->db;
}

const char *ct_index_path(const struct ct_index *idx)
{
	return idx->path;
}

static int exec(sqlite3 *db, const char *sql, const char *path, struct ct_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int code = sqlite3_errcode(db);
		ct_err_set(err,
			   code == SQLITE_BUSY || code == SQLITE_LOCKED      ? CT_E_BUSY
			   : code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? CT_E_CORRUPT
									     : CT_E_SYSTEM,
			   path, 0, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* flow_rows: one column per flow field (snake_case name), integers for
 * numeric fields, start/end in ms; the flows view adds ISO times. */
static char *flow_schema_sql(void)
{
	struct ct_buf b = {0};
	ct_buf_printf(&b, "CREATE TABLE flow_rows(\n  id INTEGER PRIMARY KEY,\n  src INTEGER NOT NULL,\n"
			  "  line INTEGER NOT NULL,\n  dkey INTEGER NOT NULL");
	for (int f = 0; f < CT_FF_COUNT; f++)
		ct_buf_printf(&b, ",\n  \"%s\" %s", ct_flow_field_column((enum ct_flow_field)f),
			      ct_flow_field_is_int((enum ct_flow_field)f) ? "INTEGER" : "TEXT");
	ct_buf_printf(&b, ",\n  extra TEXT\n);\nCREATE UNIQUE INDEX flow_dkey ON flow_rows(dkey);\n");
	ct_buf_printf(&b, "CREATE VIEW flows AS SELECT id");
	for (int f = 0; f < CT_FF_COUNT; f++) {
		const char *c = ct_flow_field_column((enum ct_flow_field)f);
		ct_buf_printf(&b, ", \"%s\"", c);
		if (f == CT_FF_START || f == CT_FF_END)
			ct_buf_printf(&b,
				      ", strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', \"%s\" / 1000.0, 'unixepoch') AS %s_time",
				      c, c);
	}
	ct_buf_printf(&b, ", extra, src AS source_id, line AS source_line FROM flow_rows;\n");
	return b.p;
}

static int create_schema(sqlite3 *db, const char *path, struct ct_err *err)
{
	if (exec(db, "BEGIN IMMEDIATE", path, err) < 0)
		return -1;
	int64_t ver = -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ver = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (ver == 0) {
		char *view = ct_store_events_sql(RAW_PORTABLE);
		struct ct_buf b = {0};
		char ts[32];
		ct_time_format(ct_time_now_ms(), ts);
		ct_buf_printf(&b, "%s", schema_sql);
		char *flows = flow_schema_sql();
		ct_buf_printf(&b, "%s", flows);
		free(flows);
		for (size_t i = 0; i < CT_ARRAY_SIZE(pivot_indexes); i++) {
			char sql[256];
			pivot_index_sql(sql, sizeof(sql), i, false);
			ct_buf_printf(&b, "%s;\n", sql);
		}
		ct_buf_printf(&b,
			      "CREATE VIEW events AS %s;\n"
			      "INSERT INTO meta VALUES('created_by', 'ctscan %s');\n"
			      "INSERT INTO meta VALUES('created_at', '%s');\n"
			      "PRAGMA user_version = %d;\n",
			      view, CT_VERSION, ts, CT_SCHEMA_VERSION);
		free(view);
		int rc = exec(db, b.p, path, err);
		ct_buf_free(&b);
		if (rc < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return exec(db, "COMMIT", path, err);
}

static int check_version(sqlite3 *db, const char *path, bool writable, struct ct_err *err)
{
	sqlite3_stmt *st;
	int64_t ver = -1, tables = 0;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto bad;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ver = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		goto bad;
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto bad;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		tables = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		goto bad;
	if (ver == 0 && tables > 0)
		return ct_err_set(err, CT_E_CORRUPT, path, 0,
				  "not a ctscan index (a SQLite database with other tables)");
	if (ver == 0 && !writable)
		return ct_err_set(err, CT_E_CORRUPT, path, 0, "empty index: run 'ctscan ingest' first");
	if (ver > CT_SCHEMA_VERSION)
		return ct_err_set(err, CT_E_CORRUPT, path, 0,
				  "index schema version %lld is newer than this ctscan supports (%d): upgrade ctscan",
				  (long long)ver, CT_SCHEMA_VERSION);
	if (ver > 0 && ver < CT_SCHEMA_VERSION)
		return ct_err_set(err, CT_E_CORRUPT, path, 0,
				  "index schema version %lld was made by an older ctscan (this one reads version %d):"
				  " ingest the logs again into a new index",
				  (long long)ver, CT_SCHEMA_VERSION);
	return 0;
bad:
	return ct_err_set(err, rc == SQLITE_NOTADB ? CT_E_CORRUPT : CT_E_SYSTEM, path, 0, "cannot read the index: %s",
			  sqlite3_errmsg(db));
}

/* ---- first loads without waiting for the disk (see store.h) ---- */

#define UNSYNCED_KEY "unsynced_load"

/* This boot of the system: Linux's random boot id (36 characters). */
static int boot_id(char out[40])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return -1;
	bool ok = fgets(out, 40, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = 0;
	return strlen(out) == 36 ? 0 : -1;
}

/* The mark's boot id into out (empty when there is no mark): 0, or -1. */
static int unsynced_mark(sqlite3 *db, char out[40])
{
	sqlite3_stmt *st;
	out[0] = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = '" UNSYNCED_KEY "'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, 40, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "?");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* An index marked by an earlier boot may be missing writes that never
 * reached the disk, in pages that still look whole: refused. */
static int check_unsynced(sqlite3 *db, const char *path, struct ct_err *err)
{
	char mark[40], boot[40];
	if (unsynced_mark(db, mark) < 0 || !mark[0])
		return 0;
	if (boot_id(boot) == 0 && strcmp(mark, boot) == 0)
		return 0; /* a load running now, or killed: nothing is lost */
	return ct_err_set(err, CT_E_CORRUPT, path, 0,
			  "the ingest that built this index was cut off by a restart of the system (power loss or"
			  " crash) before its writes reached the disk: the index may be missing data without"
			  " looking damaged; remove it and ingest the logs again");
}

/* fsync of the database file and of its WAL (when there is one). */
static int sync_files(struct ct_index *idx, struct ct_err *err)
{
	char wal[4200];
	snprintf(wal, sizeof(wal), "%s-wal", idx->path);
	const char *names[] = {wal, idx->path};
	for (size_t i = 0; i < CT_ARRAY_SIZE(names); i++) {
		int fd = open(names[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 && i == 0 && errno == ENOENT)
			continue;
		if (fd < 0 || fsync(fd) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return ct_err_set(err, CT_E_SYSTEM, names[i], 0, "cannot sync to the disk: %s", strerror(e));
		}
		close(fd);
	}
	return 0;
}

int ct_store_unsynced_marked(struct ct_index *idx)
{
	char mark[40];
	if (unsynced_mark(idx->db, mark) < 0)
		return -1;
	return mark[0] != 0;
}

int ct_store_unsynced_begin(struct ct_index *idx, struct ct_err *err)
{
	char boot[40], sql[160];
	if (boot_id(boot) < 0)
		return 0;
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta VALUES('" UNSYNCED_KEY "', '%s')", boot);
	/* the mark reaches the disk before any unsynced write */
	if (exec(idx->db, sql, idx->path, err) < 0 || sync_files(idx, err) < 0 ||
	    exec(idx->db, "PRAGMA synchronous = OFF", idx->path, err) < 0)
		return -1;
	idx->unsynced = true;
	return 1;
}

int ct_store_unsynced_end(struct ct_index *idx, struct ct_err *err)
{
	if (sync_files(idx, err) < 0 || exec(idx->db, "PRAGMA synchronous = NORMAL", idx->path, err) < 0)
		return -1;
	idx->unsynced = false;
	if (exec(idx->db, "DELETE FROM meta WHERE key = '" UNSYNCED_KEY "'", idx->path, err) < 0)
		return -1;
	/* and its removal: else a restart would refuse a whole index */
	return sync_files(idx, err);
}

/* A new index comes into being whole: its schema is written to a file of
 * its own that is then linked under the index's name, so a kill -9 at any
 * moment leaves either no index or one with its schema, never an empty
 * database.  Losing the race to another ctscan is fine (EEXIST). */
static int create_fresh(const char *path, struct ct_err *err)
{
	struct ct_buf tmp = {0};
	ct_buf_printf(&tmp, "%s.new-%ld", path, (long)getpid());
	unlink(tmp.p);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(tmp.p, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot create the index: %s",
			   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		rc = -1;
	} else {
		/* 16 KiB pages: a first load of 1M events writes a quarter of
		 * the pages, in 0.7 s less (12.0 s against 12.8, alternated); the
		 * index grows 2% (partly filled pages) */
		rc = exec(db, "PRAGMA page_size = 16384", path, err);
		if (rc == 0)
			rc = create_schema(db, path, err);
	}
	sqlite3_close_v2(db);
	if (rc == 0 && link(tmp.p, path) != 0 && errno != EEXIST)
		rc = ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot create the index: %s", strerror(errno));
	unlink(tmp.p);
	ct_buf_free(&tmp);
	return rc < 0 ? -1 : 0;
}

/* After a writer was killed, its WAL may need recovering (or its -shm
 * creating) before anyone can read, and a read-only connection may do
 * neither: SQLite answers SQLITE_READONLY_RECOVERY or _CANTINIT.  A
 * short read-write connection (no writer lock: recovery is SQLite's own
 * business, under its own locks) lets it happen; the caller then opens
 * read-only again.  Returns true when that was needed and done. */
static bool recover_for_readers(sqlite3 *ro, const char *path)
{
	int rc = sqlite3_exec(ro, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if ((rc & 0xff) != SQLITE_READONLY)
		return false;
	sqlite3 *rw = NULL;
	bool ok = sqlite3_open_v2(path, &rw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_busy_timeout(rw, 10000);
		ok = sqlite3_exec(rw, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) == SQLITE_OK;
	}
	sqlite3_close_v2(rw);
	return ok;
}

/* Opens idx->db with the busy timeout every connection uses; on failure
 * reports it and frees idx. */
static int open_conn(struct ct_index *idx, int oflags, struct ct_err *err)
{
	int rc = sqlite3_open_v2(idx->path, &idx->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		ct_err_set(err, CT_E_SYSTEM, idx->path, 0, "cannot open the index: %s",
			   idx->db ? sqlite3_errmsg(idx->db) : sqlite3_errstr(rc));
		ct_index_free(idx);
		return -1;
	}
	sqlite3_extended_result_codes(idx->db, 1);
	sqlite3_busy_timeout(idx->db, 10000);
	return 0;
}

/* A writer's page cache and automatic checkpoint (see ct_index_open),
 * which exec_sorting puts back after its sorts. */
#define WRITER_PRAGMAS "PRAGMA cache_size = -40960; PRAGMA wal_autocheckpoint = 32768; PRAGMA threads = 0;"

int ct_index_open(const char *path, int flags, struct ct_index **ret_idx, struct ct_err *err)
{
	bool writable = flags & CT_OPEN_WRITE;
	if (!writable && access(path, F_OK) != 0)
		return ct_err_set(err, CT_E_USAGE, path, 0,
				  "no index here: run 'ctscan ingest -d %s PATH...' first (or set -d / $CTSCAN_DB)",
				  path);
	if (writable && access(path, F_OK) != 0 && errno == ENOENT && create_fresh(path, err) < 0)
		return -1;
	struct ct_index *idx = calloc(1, sizeof(*idx));
	if (!idx || !(idx->path = strdup(path))) {
		free(idx);
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	}
	idx->lock_fd = -1;
	idx->writable = writable;
	int oflags =
		(writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
	/* No memory statistics: they take a global mutex on every SQLite
	 * allocation (a few percent of an ingest).  Only possible before
	 * SQLite initialises; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	int rc;
	if (open_conn(idx, oflags, err) < 0)
		return -1;
	if (!writable && recover_for_readers(idx->db, path)) {
		/* a killed writer's WAL was recovered: open again to see it */
		sqlite3_close_v2(idx->db);
		idx->db = NULL;
		if (open_conn(idx, oflags, err) < 0)
			return -1;
	}
	sqlite3_extended_result_codes(idx->db, 0);
	/* One writer at a time, decided before any schema work: a second
	 * writer must not build or migrate anything under a running ingest. */
	if (writable && ct_index_lock_writer(idx, err) < 0)
		goto fail;
	/* A writer wants a large page cache, within the ingest's memory bound:
	 * 40 MiB (64 took a first load of 7M events to 262 MB at its peak,
	 * with the 64 open blocks; 40: 233 MB, and 1M events ingest as fast
	 * either way).  A reader's
	 * lookups touch scattered pages once, and a small cache recycles its
	 * memory instead of faulting in fresh heap for every page (a timeline
	 * of 5,000 events: 65 ms of CPU with 2 MiB, 160 ms with 64 MiB).
	 * A writer's sorts spill to temporary files (see exec_sorting). */
	if (exec(idx->db,
		 writable ? WRITER_PRAGMAS " PRAGMA temp_store = FILE;"
			  : "PRAGMA cache_size = -2048; PRAGMA temp_store = MEMORY;",
		 path, err) < 0)
		goto fail;
	if (writable) {
		if (exec(idx->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", path, err) < 0)
			goto fail;
	}
	if (check_version(idx->db, path, writable, err) < 0)
		goto fail;
	if (writable && (create_schema(idx->db, path, err) < 0 ||
			 ct_store_build_indexes(idx->db, path, true, NULL, NULL, NULL, err) < 0))
		goto fail;
	if (check_unsynced(idx->db, path, err) < 0)
		goto fail;
	if (ct_store_register_functions(idx->db) != SQLITE_OK || ct_sqlfn_register(idx->db, err) < 0) {
		if (!err || !err->msg[0])
			ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot register SQL functions");
		goto fail;
	}
	/* The fast events view shadows the portable one in this connection. */
	char *view = ct_store_events_sql(RAW_FAST);
	struct ct_buf b = {0};
	ct_buf_printf(&b, "CREATE TEMP VIEW events AS %s", view);
	free(view);
	rc = exec(idx->db, b.p, path, err);
	ct_buf_free(&b);
	if (rc < 0)
		goto fail;
	*ret_idx = idx;
	return 0;
fail:
	ct_index_free(idx);
	return -1;
}

int ct_index_lock_writer(struct ct_index *idx, struct ct_err *err)
{
	if (idx->lock_fd >= 0)
		return 0;
	int fd = open(idx->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, CT_E_SYSTEM, idx->path, 0, "cannot open the index: %s", strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return ct_err_set(err, CT_E_BUSY, idx->path, 0,
					  "index is busy: another ctscan command is writing to it");
		return ct_err_set(err, CT_E_SYSTEM, idx->path, 0, "cannot lock the index: %s", strerror(e));
	}
	idx->lock_fd = fd;
	return 0;
}

void ct_index_free(struct ct_index *idx)
{
	if (!idx)
		return;
	if (idx->db) {
		sqlite3_stmt *st;
		while ((st = sqlite3_next_stmt(idx->db, NULL)))
			sqlite3_finalize(st);
		sqlite3_close_v2(idx->db);
	}
	if (idx->lock_fd >= 0)
		close(idx->lock_fd);
	free(idx->path);
	free(idx);
}

int ct_store_defer_indexes(sqlite3 *db, const char *table, const char *path, struct ct_err *err)
{
	struct ct_buf b = {0};
	ct_buf_printf(&b, "BEGIN IMMEDIATE;\nINSERT OR REPLACE INTO meta VALUES('pending_indexes:%s', 'pending');\n",
		      table);
	for (size_t i = 0; i < CT_ARRAY_SIZE(pivot_indexes); i++)
		if (strcmp(pivot_indexes[i].table, table) == 0)
			ct_buf_printf(&b, "DROP INDEX IF EXISTS %s;\n", pivot_indexes[i].name);
	/* and the flow dedupe index: the writer dedupes a first load in memory */
	if (strcmp(table, "flow_rows") == 0)
		ct_buf_printf(&b, "DROP INDEX IF EXISTS flow_dkey;\n");
	ct_buf_printf(&b, "COMMIT;");
	int rc = exec(db, b.p, path, err);
	ct_buf_free(&b);
	if (rc < 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Runs sql, which builds indexes, on a writer's connection set up for big
 * sorts meanwhile: a writer keeps temporary storage in files, and with a
 * small page cache SQLite's sorter sorts runs of about a megabyte in one
 * buffer each and merges them from files.  With temporary storage in
 * memory it kept the whole sort in one list of separately allocated
 * records: merging it missed the cache at nearly every step (twice the
 * CPU time per index on a million flows), and it took memory in
 * proportion to the table (one NDJSON file of 2.3M events built
 * ev_event_id in the middle of its load and peaked at 323 MB).  Its
 * helper threads (PRAGMA threads, in sql) hand each small run to a new
 * thread, which costs CPU time: they pay only when the other core is
 * free, as at the end of an ingest.  It leaves checkpoints to others (a
 * ct_checkpointer, or the writer's after it): one after each of its
 * commits would wait for the copy and its fsync.  Inside the caller's
 * transaction or outside one (sql then has its own). */
static int exec_sorting(sqlite3 *db, const char *sql, const char *path, struct ct_err *err)
{
	bool outside = sqlite3_get_autocommit(db);
	int rc = exec(db, "PRAGMA cache_size = -1024; PRAGMA wal_autocheckpoint = 0;", path, err);
	if (rc == 0 && (rc = exec(db, sql, path, err)) < 0 && outside && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (exec(db, WRITER_PRAGMAS, path, rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}

/* See ct_checkpointer_start.  Index builds (exec_sorting) do not
 * checkpoint themselves while it runs: each commit would wait for the
 * copy and its fsync. */
struct ct_checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	sqlite3 *db;
	int sync_fd; /* the database file, for early writeback; -1 when none */
};

static void *checkpointer_main(void *arg)
{
	struct ct_checkpointer *c = arg;
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		pthread_mutex_unlock(&c->mu);
		int ckpt = 0;
		sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, &ckpt);
		/* in a load without syncs, the pages copied reach the disk now,
		 * while this thread has nothing else to do, and not at the final
		 * sync.  A sync waits for the disk's whole cache: on 1M events
		 * the final one waited 0.25 s after a mere start of the writes
		 * (sync_file_range), 0.02 s after these.  A failure here is
		 * the final sync's to report. */
		if (c->sync_fd >= 0 && ckpt > 0)
			(void)fdatasync(c->sync_fd);
		pthread_mutex_lock(&c->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!c->stop)
			pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct ct_checkpointer *ct_checkpointer_start(struct ct_index *idx)
{
	struct ct_checkpointer *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	const char *file = sqlite3_db_filename(idx->db, "main");
	if (sqlite3_open_v2(file && *file ? file : idx->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	/* a connection learns that the database is in WAL mode on its first read */
	sqlite3_busy_timeout(c->db, 10000);
	/* its copies into the database wait for the disk as the writer's do */
	if (idx->unsynced && sqlite3_exec(c->db, "PRAGMA synchronous = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	c->sync_fd = idx->unsynced ? open(file && *file ? file : idx->path, O_RDONLY | O_CLOEXEC) : -1;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
		if (c->sync_fd >= 0)
			close(c->sync_fd);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		sqlite3_close_v2(c->db);
		free(c);
		return NULL;
	}
	return c;
}

void ct_checkpointer_stop(struct ct_checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	if (c->sync_fd >= 0)
		close(c->sync_fd);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	sqlite3_close_v2(c->db);
	free(c);
}

int ct_store_has_rows(sqlite3 *db, const char *table)
{
	char q[128];
	snprintf(q, sizeof(q), "SELECT EXISTS (SELECT 1 FROM \"%.63s\")", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int r = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : -1;
	sqlite3_finalize(st);
	return r;
}

static bool index_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	bool r = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		r = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return r;
}

/* the progress of the indexes built by bulkidx.h */
struct bulk_progress {
	ct_index_step_fn step;
	void *ud;
	unsigned done, total;
};

static void bulk_step(void *ud, size_t spec)
{
	(void)spec;
	struct bulk_progress *bp = ud;
	if (bp->step)
		bp->step(bp->ud, bp->done, bp->total);
	bp->done++;
}

int ct_store_build_indexes(sqlite3 *db, const char *path, bool threads, const struct ct_bulk_cols *evkeys,
			   ct_index_step_fn step, void *ud, struct ct_err *err)
{
	sqlite3_stmt *st;
	char tables[8][64];
	size_t nt = 0;
	if (sqlite3_prepare_v2(db, "SELECT substr(key, 17) FROM meta WHERE key LIKE 'pending_indexes:%'", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW && nt < CT_ARRAY_SIZE(tables)) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		snprintf(tables[nt++], sizeof(tables[0]), "%s", t ? t : "");
	}
	sqlite3_finalize(st);
	/* the statements, one transaction per index (a ct_checkpointer copies
	 * each as it is committed), then the mark of each table; the sorter
	 * may use a second thread: the flow indexes sort 0.7 s faster (of 5 s)
	 * on 1M flows, and the event indexes take the same time either way */
	struct {
		int pivot; /* index in pivot_indexes, or -1: sql alone */
		char sql[400];
		bool shown; /* an index of a table with rows: step is told */
	} job[CT_ARRAY_SIZE(pivot_indexes) + 2 * CT_ARRAY_SIZE(tables)];
	unsigned n = 0, total = 0;
	for (size_t k = 0; k < nt; k++) {
		/* the indexes of an empty table take no time: not counted */
		bool rows = ct_store_has_rows(db, tables[k]) == 1;
		for (size_t i = 0; i < CT_ARRAY_SIZE(pivot_indexes); i++)
			if (strcmp(pivot_indexes[i].table, tables[k]) == 0) {
				char sql[256];
				pivot_index_sql(sql, sizeof(sql), i, true);
				snprintf(job[n].sql, sizeof(job[n].sql),
					 "PRAGMA threads = 2; BEGIN IMMEDIATE; %s; COMMIT;", sql);
				job[n].pivot = (int)i;
				job[n++].shown = rows;
			}
		if (strcmp(tables[k], "flow_rows") == 0) {
			snprintf(
				job[n].sql, sizeof(job[n].sql), "%s",
				"PRAGMA threads = 2; BEGIN IMMEDIATE; CREATE UNIQUE INDEX IF NOT EXISTS flow_dkey ON flow_rows(dkey);"
				" COMMIT;");
			job[n].pivot = -1;
			job[n++].shown = rows;
		}
		/* and how many times they have been built so (for the tests) */
		snprintf(job[n].sql, sizeof(job[n].sql),
			 "BEGIN IMMEDIATE; DELETE FROM meta WHERE key = 'pending_indexes:%.63s';"
			 " INSERT OR REPLACE INTO meta VALUES('index_builds:%.63s', 1 + ifnull((SELECT value FROM meta"
			 " WHERE key = 'index_builds:%.63s'), 0)); COMMIT;",
			 tables[k], tables[k], tables[k]);
		job[n].pivot = -1;
		job[n++].shown = false;
	}
	for (unsigned i = 0; i < n; i++)
		total += job[i].shown;
	/* first the indexes ctscan can sort itself (bulkidx.h), a table at a
	 * time; then CREATE INDEX for the others, and the marks */
	struct bulk_progress bp = {.step = step, .ud = ud, .total = total};
	bool built[CT_ARRAY_SIZE(job)] = {false};
	for (size_t k = 0; k < nt; k++) {
		struct ct_bulk_spec spec[CT_ARRAY_SIZE(pivot_indexes)];
		char sql[CT_ARRAY_SIZE(pivot_indexes)][256];
		unsigned at[CT_ARRAY_SIZE(pivot_indexes)];
		size_t ns = 0;
		for (unsigned i = 0; i < n; i++) {
			if (job[i].pivot < 0 || !job[i].shown ||
			    strcmp(pivot_indexes[job[i].pivot].table, tables[k]) != 0)
				continue;
			const struct pivot_index *p = &pivot_indexes[job[i].pivot];
			if (index_exists(db, p->name)) /* built in the load (eid_drop) */
				continue;
			pivot_index_sql(sql[ns], sizeof(sql[ns]), (size_t)job[i].pivot, false);
			spec[ns] = (struct ct_bulk_spec){
				.name = p->name, .cols = p->cols, .where = p->where, .sql = sql[ns]};
			at[ns++] = i;
		}
		bool ok[CT_ARRAY_SIZE(pivot_indexes)];
		if (ct_bulk_build(db, tables[k], spec, ns, CT_BULK_MAX_BYTES, threads,
				  strcmp(tables[k], "ev") == 0 ? evkeys : NULL, ok, bulk_step, &bp, path, err) < 0)
			return -1;
		for (size_t j = 0; j < ns; j++)
			built[at[j]] = ok[j];
	}
	int rc = 0;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		if (built[i])
			continue;
		if (job[i].shown && step)
			step(ud, bp.done, total);
		bp.done += job[i].shown;
		/* sorted through files with a small cache (exec_sorting, which
		 * puts the writer's settings, threads among them, back after
		 * each): sorted in memory on the main connection, a first load
		 * of 7M events peaked at 607 MB */
		rc = exec_sorting(db, job[i].sql, path, err);
	}
	return rc;
}

int ct_store_source_known(sqlite3 *db, const char *sha256, char **ret_path, struct ct_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT path FROM sources WHERE sha256 = ?", -1, &st, NULL) != SQLITE_OK)
		return ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int known = 0;
	if (rc == SQLITE_ROW) {
		known = 1;
		if (ret_path)
			*ret_path = strdup((const char *)sqlite3_column_text(st, 0));
	} else if (rc != SQLITE_DONE) {
		ct_err_set(err, CT_E_SYSTEM, "", 0, "%s", sqlite3_errmsg(db));
		known = -1;
	}
	sqlite3_finalize(st);
	return known;
}

/* ---- the writer ---- */

struct dict_ent {
	uint64_t h;
	int64_t id;
	uint32_t len;
	uint32_t off; /* into arena */
};

/* A dictionary's memory bound: at most max_n strings (a table of up to
 * 2 * max_n slots of 24 bytes) and max_arena bytes of their text; past
 * either, it is emptied and fills again (a miss is then looked up in
 * SQL).  The bounds of strs, names and details (dict_open, details_open)
 * add up to 88 MiB at most: with the set of event ids (32 MiB), the
 * writer's page cache (40 MiB), the batches in flight and the open blocks
 * (about 40 MiB), a writer stays under 256 MiB whatever it reads.  Until
 * this bound, strs alone could take 112 MiB (1M strings and 64 MiB of
 * text), and a first load of 6.89M events peaked at 235 MB with 624,171
 * strings. */
#ifndef STRS_MAX_N
#define STRS_MAX_N ((size_t)1 << 19)
#endif
#ifndef STRS_MAX_ARENA
#define STRS_MAX_ARENA ((size_t)32 << 20)
#endif

struct dict {
	struct dict_ent *tab;
	size_t tab_cap, tab_n;
	struct ct_buf arena;
	sqlite3_stmt *get, *ins;
	size_t max_n, max_arena;
	bool complete; /* every row of the table is in memory: a miss is a new string */
};

#define FLOW_STMTS 8

/* The flows of a first load, by dkey, in memory instead of the flow_dkey
 * index, which is built after the load with the pivot indexes: keeping a
 * b-tree of random keys up to date took about a quarter of the writer's
 * time per flow.  A slot holds the row id and 32 bits of its dkey (the
 * tag, whose low bits also choose the slot); a row with the tag is read
 * back by id for its whole dkey and key fields.  From FSET_SOFT flows on,
 * the writer asks for a commit (ct_writer_pending) and then builds the
 * index, on a connection set up for sorting, and uses it from then on, as
 * in a load into a table that had flows; should one file take the set to
 * FSET_MAX slots first, the index is built there and then. */
#ifndef FSET_MAX
#define FSET_MAX (1u << 22) /* slots: 32 MiB, for 2M flows */
#endif
#ifndef FSET_SOFT
#define FSET_SOFT (3u << 19) /* flows: 1.5M */
#endif

struct fslot {
	uint32_t tag, id; /* id 0: empty */
};

struct flowset {
	struct fslot *tab;
	size_t cap, n;
	bool on;
	sqlite3_stmt *get; /* dkey and the key fields of a row, by id */
};

/* The event ids in the index, in memory: a slot holds the row id and 32
 * bits of the id's hash (the tag, whose low bits also choose the slot).
 * An event whose tag no slot holds is new without a look-up; one that
 * shares it is compared with the row read back by id.  Loaded on the
 * first event (a run that only skips known files never pays for it).
 * A first load builds ev_event_id after the rows are in, with the pivot
 * indexes: keeping a b-tree of random 16-byte keys up to date took a
 * fifth of the time of a first ingest of 1M events.  The set is then the
 * only way to a duplicate, so from EID_SOFT ids on the writer asks for a
 * commit (ct_writer_pending) and then builds the index, on a connection
 * set up for sorting, and uses it from then on; should one file take the
 * set to EID_MAX slots first, the index is built there and then.  In a
 * load into a table that had events the index is there throughout and
 * the set, dropped past EID_MAX, only spares the look-ups of new ids. */
#ifndef EID_MAX
#define EID_MAX (1u << 22) /* slots: 32 MiB, for 2M ids */
#endif
#ifndef EID_SOFT
#define EID_SOFT (3u << 19) /* ids: 1.5M */
#endif

struct eidset {
	struct fslot *tab;
	size_t cap, n;
	int state;         /* 0 not loaded yet, 1 in use, -1 dropped */
	bool indexed;      /* ev_event_id exists */
	sqlite3_stmt *get; /* event_id and acct of a row, by id */
};

#define OPEN_BLOCKS 64
#define SPARE_BUFS 8

struct ct_writer {
	struct ct_index *idx;
	sqlite3 *db;
	struct dict names;
	/* flow inserts, one statement per set of columns (the fields of a
	 * layout): absent fields are left out instead of bound to NULL */
	struct {
		uint64_t cols;
		sqlite3_stmt *st;
	} ins_flow[FLOW_STMTS];
	unsigned ins_flow_next; /* the slot to reuse next */
	uint64_t flow_int;      /* bit per integer flow field */
	sqlite3_stmt *get_flow;
	struct ct_buf fkey, fother; /* flow key texts, reused */
	struct flowset fset;
	sqlite3_stmt *ins_ev, *dup_eid, *dup_key, *ins_blk, *ins_src, *upd_src;
	/* what each parameter of ins_ev holds: bindings outlive a reset, so
	 * an integer or a NULL is bound again only when it changes (1M
	 * events: 1,100 instructions fewer per event of the writer's 19,000) */
	int64_t bound[41];
	unsigned char bound_kind[41]; /* 0 nothing known (or text), 1 NULL, 2 integer */
	struct ct_keys *keys;         /* gathered for the indexes (ct_writer_keys_start) */
	/* the buffers of blocks compressed and written, for blocks to come:
	 * one grown from nothing for each block copied 1.5 GB in reallocs
	 * per 1M events */
	struct ct_buf spare[SPARE_BUFS];
	int nspare;
	struct eidset eids;
	struct dict strs;
	struct dict details; /* deduplicated in memory only */
	/* the open blocks, one per key (see block_key; at most OPEN_BLOCKS at
	 * once, the least recently used is closed for a new one): one kind of
	 * records share blocks, so that reading the JSON of one kind of event
	 * (all GetObject calls, say) inflates that kind's blocks and not all
	 * of them, and similar records compress better together */
	struct open_block {
		struct ct_buf buf;
		int64_t id;  /* given when the first record goes in */
		int64_t key; /* a names id: the event name or the event source */
		uint64_t used;
	} ob[OPEN_BLOCKS];
	uint64_t ob_tick;
	int64_t blk_id; /* the next block's id */
	/* per name id (event names and sources share the ids): record bytes
	 * so far, and the block key the id was given (see block_key) */
	struct name_stat {
		uint64_t bytes;
		unsigned char role; /* 0 none yet, NAME_OWN, SOURCE_OWN, SOURCE_SHARED */
	} * names_seen;
	size_t name_cap;
	unsigned heavy_names, source_keys;
	struct compressor *comp;
	uint64_t pending;
	bool in_tx;
	/* block compression on a worker thread: the writer decides what goes
	 * in a block and its id, the worker deflates, the writer inserts the
	 * finished blocks before any commit */
	bool threaded;
	pthread_t cthread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cjob *todo, *todo_tail, *done;
	int inflight;
	bool stop;
};

struct cjob {
	int64_t id;
	struct ct_buf raw;
	char *out;
	size_t outlen;
	struct cjob *next;
};

/* blocks handed to the compressing thread and not yet back: with 4, the
 * writer waited 0.35 s on it per 1M events, and with 16 (4 MiB of
 * records) 0.08 s */
#define MAX_INFLIGHT 16

/* A block compressor: igzip's working memory for CT_BLOCK_LEVEL. */
struct compressor {
	unsigned char *level_buf;
};

static struct compressor *compressor_new(void)
{
	struct compressor *c = calloc(1, sizeof(*c));
	if (c && !(c->level_buf = malloc(ISAL_DEF_LVL2_DEFAULT))) {
		free(c);
		c = NULL;
	}
	return c;
}

static void compressor_free(struct compressor *c)
{
	if (c)
		free(c->level_buf);
	free(c);
}

/* Deflates a block into *ret, in zlib format (stored as is when that is
 * not smaller). */
static int deflate_block(struct compressor *comp, const char *raw, size_t len, char **ret, size_t *ret_len)
{
	char *out = malloc(len ? len : 1);
	if (!out)
		return -1;
	struct isal_zstream zs;
	isal_deflate_stateless_init(&zs);
	zs.level = CT_BLOCK_LEVEL;
	zs.level_buf = comp->level_buf;
	zs.level_buf_size = ISAL_DEF_LVL2_DEFAULT;
	zs.gzip_flag = IGZIP_ZLIB;
	zs.end_of_stream = 1;
	zs.flush = NO_FLUSH;
	zs.next_in = (uint8_t *)raw;
	zs.avail_in = (uint32_t)len;
	zs.next_out = (uint8_t *)out;
	zs.avail_out = (uint32_t)len;
	size_t n = len;
	/* anything but COMP_OK (STATELESS_OVERFLOW: it would not be smaller) */
	if (len > UINT32_MAX || isal_deflate_stateless(&zs) != COMP_OK || zs.total_out >= len)
		memcpy(out, raw, len); /* stored: size == length, as sqlar does */
	else
		n = zs.total_out;
	*ret = out;
	*ret_len = n;
	return 0;
}

static void *compressor_main(void *arg)
{
	struct ct_writer *w = arg;
	struct compressor *comp = compressor_new();
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->todo && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->todo)
			break;
		struct cjob *j = w->todo;
		w->todo = j->next;
		if (!w->todo)
			w->todo_tail = NULL;
		pthread_mutex_unlock(&w->mu);
		if (!comp || deflate_block(comp, j->raw.p, j->raw.len, &j->out, &j->outlen) < 0)
			j->out = NULL;
		pthread_mutex_lock(&w->mu);
		j->next = w->done;
		w->done = j;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	compressor_free(comp);
	return NULL;
}

static int sql_err(struct ct_writer *w, struct ct_err *err)
{
	int code = sqlite3_errcode(w->db);
	return ct_err_set(err,
			  code == SQLITE_BUSY      ? CT_E_BUSY
			  : code == SQLITE_CORRUPT ? CT_E_CORRUPT
						   : CT_E_SYSTEM,
			  w->idx->path, 0, "%s", sqlite3_errmsg(w->db));
}

static int prep(struct ct_writer *w, const char *sql, sqlite3_stmt **st, struct ct_err *err)
{
	if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	return 0;
}

static int dict_resize(struct dict *d, size_t cap)
{
	struct dict_ent *t = calloc(cap, sizeof(*t));
	if (!t)
		return -1;
	ct_mem_huge(t, cap * sizeof(*t));
	for (size_t i = 0; i < d->tab_cap; i++) {
		struct dict_ent *e = &d->tab[i];
		if (!e->id)
			continue;
		size_t j = e->h & (cap - 1);
		while (t[j].id)
			j = (j + 1) & (cap - 1);
		t[j] = *e;
	}
	free(d->tab);
	d->tab = t;
	d->tab_cap = cap;
	return 0;
}

static void dict_clear(struct dict *d)
{
	memset(d->tab, 0, d->tab_cap * sizeof(*d->tab));
	d->tab_n = 0;
	ct_buf_reset(&d->arena);
	d->complete = false;
}

static void dict_free(struct dict *d)
{
	sqlite3_finalize(d->get);
	sqlite3_finalize(d->ins);
	free(d->tab);
	ct_buf_free(&d->arena);
}

static int dict_put(struct dict *d, uint64_t h, const char *s, size_t len, int64_t id)
{
	if (len > d->max_arena / 64)
		return 0; /* a huge string is not kept: looked up in SQL each time */
	if (d->tab_n >= d->max_n || d->arena.len + len > d->max_arena)
		dict_clear(d); /* bounded memory: fall back to SQL lookups */
	if ((d->tab_n + 1) * 2 > d->tab_cap && dict_resize(d, d->tab_cap * 2) < 0)
		return -1;
	size_t off = d->arena.len, cap = d->arena.cap;
	if (ct_buf_append(&d->arena, s, len) < 0)
		return -1;
	if (d->arena.cap != cap)
		ct_mem_huge(d->arena.p, d->arena.cap);
	size_t j = h & (d->tab_cap - 1);
	while (d->tab[j].id)
		j = (j + 1) & (d->tab_cap - 1);
	d->tab[j] = (struct dict_ent){.h = h, .id = id, .len = (uint32_t)len, .off = (uint32_t)off};
	d->tab_n++;
	return 0;
}

/* The id of a string in a dictionary table, inserting it when new. */
#define DICT_SEED 0x9e3779b97f4a7c15ULL

static int dict_id_h(struct ct_writer *w, struct dict *d, const char *s, size_t len, uint64_t h, int64_t *ret_id,
		     struct ct_err *err);

static int dict_id(struct ct_writer *w, struct dict *d, const char *s, size_t len, int64_t *ret_id, struct ct_err *err)
{
	return dict_id_h(w, d, s, len, ct_hash64(s, len, DICT_SEED), ret_id, err);
}

/* dict_id with the string's hash worked out already */
static int dict_id_h(struct ct_writer *w, struct dict *d, const char *s, size_t len, uint64_t h, int64_t *ret_id,
		     struct ct_err *err)
{
	size_t j = h & (d->tab_cap - 1);
	while (d->tab[j].id) {
		struct dict_ent *e = &d->tab[j];
		if (e->h == h && e->len == len && memcmp(d->arena.p + e->off, s, len) == 0) {
			*ret_id = e->id;
			return 0;
		}
		j = (j + 1) & (d->tab_cap - 1);
	}
	int64_t id = 0;
	int rc;
	/* details has no get: a value missed in memory is stored again; a
	 * dictionary that holds its whole table knows a miss is new (a first
	 * load: 124,676 lookups fewer on 1M events) */
	if (d->get && !d->complete) {
		sqlite3_bind_text(d->get, 1, s, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(d->get);
		if (rc == SQLITE_ROW)
			id = sqlite3_column_int64(d->get, 0);
		sqlite3_reset(d->get);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sql_err(w, err);
	}
	if (!id) {
		sqlite3_bind_text(d->ins, 1, s, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(d->ins);
		sqlite3_reset(d->ins);
		if (rc != SQLITE_DONE)
			return sql_err(w, err);
		id = sqlite3_last_insert_rowid(w->db);
	}
	if (dict_put(d, h, s, len, id) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	*ret_id = id;
	return 0;
}

int ct_writer_str(struct ct_writer *w, const char *s, size_t len, int64_t *ret_id, struct ct_err *err)
{
	return dict_id(w, &w->strs, s, len, ret_id, err);
}

static int dict_open(struct ct_writer *w, struct dict *d, const char *table, size_t max_n, size_t max_arena,
		     struct ct_err *err)
{
	char sql[128];
	d->max_n = max_n;
	d->max_arena = max_arena;
	if (dict_resize(d, 1 << 12) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE s = ?", table);
	if (prep(w, sql, &d->get, err) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "INSERT INTO %s(s) VALUES(?)", table);
	if (prep(w, sql, &d->ins, err) < 0)
		return -1;
	sqlite3_stmt *st;
	snprintf(sql, sizeof(sql), "SELECT id, s FROM %s WHERE s IS NOT NULL", table);
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	/* complete once read to the end with nothing cleared on the way
	 * (dict_put clears a dictionary at its memory bound) */
	d->complete = true;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && d->tab_n < max_n / 2) {
		const char *s = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (dict_put(d, ct_hash64(s, len, 0x9e3779b97f4a7c15ULL), s, len, sqlite3_column_int64(st, 0)) < 0) {
			sqlite3_finalize(st);
			return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		d->complete = false;
	return 0;
}

/* details: deduplicated through the in-memory table only (no unique
 * index on disk: most details are seen once, and a value repeated after
 * the memory bound is simply stored again). */
static int details_open(struct ct_writer *w, struct ct_err *err)
{
	w->details.max_n = 1u << 18;
	w->details.max_arena = 16u << 20;
	if (dict_resize(&w->details, 1 << 12) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	return prep(w, "INSERT INTO details(s) VALUES(?)", &w->details.ins, err);
}

static int next_block_id(struct ct_writer *w, struct ct_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(w->db, "SELECT coalesce(max(id), 0) + 1 FROM blocks", -1, &st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	if (sqlite3_step(st) == SQLITE_ROW)
		w->blk_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* The fields that identify a flow record whatever the layout it came in. */
static const enum ct_flow_field flow_key_fields[] = {
	CT_FF_ACCOUNT_ID, CT_FF_INTERFACE_ID, CT_FF_SRCADDR,    CT_FF_DSTADDR, CT_FF_SRCPORT,
	CT_FF_DSTPORT,    CT_FF_PROTOCOL,     CT_FF_PACKETS,    CT_FF_BYTES,   CT_FF_START,
	CT_FF_END,        CT_FF_ACTION,       CT_FF_LOG_STATUS,
};

static int prep_flow(struct ct_writer *w, struct ct_err *err)
{
	struct ct_buf k = {0};
	for (int f = 0; f < CT_FF_COUNT; f++)
		if (ct_flow_field_is_int((enum ct_flow_field)f))
			w->flow_int |= 1ULL << f;
	ct_buf_printf(&k, "SELECT ");
	for (size_t i = 0; i < CT_ARRAY_SIZE(flow_key_fields); i++)
		ct_buf_printf(&k, "%s\"%s\"", i ? ", " : "", ct_flow_field_column(flow_key_fields[i]));
	ct_buf_printf(&k, " FROM flow_rows WHERE dkey = ?");
	int rc = prep(w, k.p, &w->get_flow, err);
	ct_buf_free(&k);
	if (rc < 0)
		return -1;
	/* no flow_dkey: a first load (ct_store_defer_indexes) */
	sqlite3_stmt *st;
	int state = -1;
	if (sqlite3_prepare_v2(
		    w->db,
		    "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'flow_dkey'),"
		    " EXISTS (SELECT 1 FROM flow_rows)",
		    -1, &st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	if (sqlite3_step(st) == SQLITE_ROW)
		state = sqlite3_column_int(st, 0) ? 0 : sqlite3_column_int(st, 1) ? 1 : 2;
	sqlite3_finalize(st);
	if (state < 0)
		return sql_err(w, err);
	if (state == 1) /* flows but no index (not made by this program): make it */
		return exec(w->db, "CREATE UNIQUE INDEX flow_dkey ON flow_rows(dkey)", w->idx->path, err);
	if (state == 0)
		return 0;
	ct_buf_reset(&k);
	ct_buf_printf(&k, "SELECT dkey");
	for (size_t i = 0; i < CT_ARRAY_SIZE(flow_key_fields); i++)
		ct_buf_printf(&k, ", \"%s\"", ct_flow_field_column(flow_key_fields[i]));
	ct_buf_printf(&k, " FROM flow_rows WHERE id = ?");
	rc = prep(w, k.p, &w->fset.get, err);
	ct_buf_free(&k);
	if (rc < 0)
		return -1;
	w->fset.cap = 1u << 16;
	if (!(w->fset.tab = calloc(w->fset.cap, sizeof(*w->fset.tab))))
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	w->fset.on = true;
	return 0;
}

static uint32_t fset_tag(uint64_t dkey)
{
	return (uint32_t)(dkey >> 31);
}

static void fset_put(struct fslot *tab, size_t cap, uint32_t tag, uint32_t id)
{
	size_t j = tag & (cap - 1);
	while (tab[j].id)
		j = (j + 1) & (cap - 1);
	tab[j] = (struct fslot){.tag = tag, .id = id};
}

static int eid_drop(struct ct_writer *w, struct ct_err *err);

/* Leaves memory for the flow_dkey index, built now: after a commit (the
 * set reached FSET_SOFT), or inside the transaction (it is full, or a row
 * id does not fit in a slot). */
static int fset_drop(struct ct_writer *w, struct ct_err *err)
{
	free(w->fset.tab);
	w->fset.tab = NULL;
	w->fset.on = false;
	return exec_sorting(w->db, "CREATE UNIQUE INDEX IF NOT EXISTS flow_dkey ON flow_rows(dkey)", w->idx->path, err);
}

/* Records the row just inserted with dkey. */
static int fset_add(struct ct_writer *w, uint64_t dkey, struct ct_err *err)
{
	struct flowset *fs = &w->fset;
	int64_t id = sqlite3_last_insert_rowid(w->db);
	if (id <= 0 || id > UINT32_MAX)
		return fset_drop(w, err);
	if ((fs->n + 1) * 2 > fs->cap) {
		if (fs->cap * 2 > FSET_MAX)
			return fset_drop(w, err);
		struct fslot *t = calloc(fs->cap * 2, sizeof(*t));
		if (!t)
			return fset_drop(w, err);
		for (size_t i = 0; i < fs->cap; i++)
			if (fs->tab[i].id)
				fset_put(t, fs->cap * 2, fs->tab[i].tag, fs->tab[i].id);
		free(fs->tab);
		fs->tab = t;
		fs->cap *= 2;
	}
	fset_put(fs->tab, fs->cap, fset_tag(dkey), (uint32_t)id);
	fs->n++;
	return 0;
}

/* The insert for a row whose columns are `cols` (parameters: src, line,
 * dkey, the fields in cols in enum order, extra), prepared on first use;
 * a few are kept, one per layout seen lately. */
static sqlite3_stmt *flow_insert(struct ct_writer *w, uint64_t cols, struct ct_err *err)
{
	for (unsigned i = 0; i < FLOW_STMTS; i++)
		if (w->ins_flow[i].st && w->ins_flow[i].cols == cols)
			return w->ins_flow[i].st;
	struct ct_buf b = {0};
	ct_buf_printf(&b, "INSERT INTO flow_rows(src, line, dkey");
	for (int f = 0; f < CT_FF_COUNT; f++)
		if (cols & (1ULL << f))
			ct_buf_printf(&b, ", \"%s\"", ct_flow_field_column((enum ct_flow_field)f));
	ct_buf_printf(&b, ", extra) VALUES(?, ?, ?");
	for (int f = 0; f < CT_FF_COUNT; f++)
		if (cols & (1ULL << f))
			ct_buf_printf(&b, ", ?");
	ct_buf_printf(&b, ", ?)");
	unsigned slot = w->ins_flow_next++ % FLOW_STMTS;
	sqlite3_finalize(w->ins_flow[slot].st);
	w->ins_flow[slot].st = NULL;
	if (!b.p)
		ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	else if (prep(w, b.p, &w->ins_flow[slot].st, err) == 0)
		w->ins_flow[slot].cols = cols;
	ct_buf_free(&b);
	return w->ins_flow[slot].st;
}

/* Appends v in decimal, exactly as printf's "%lld" writes it: the key
 * text is hashed into dkey, which must not change between versions. */
static void key_int(struct ct_buf *out, int64_t v)
{
	char t[24];
	size_t n = sizeof(t);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		t[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--n] = '-';
	ct_buf_append(out, t + n, sizeof(t) - n);
}

/* The identity of a flow: its key fields, as text, with separators
 * (written in place: this runs once per flow). */
static int flow_key_text(const struct ct_flowrow *fr, uint64_t int_fields, struct ct_buf *out)
{
	size_t need = 0; /* len[] is set for present text fields only */
	for (size_t i = 0; i < CT_ARRAY_SIZE(flow_key_fields); i++) {
		uint64_t bit = 1ULL << flow_key_fields[i];
		need += 22 + ((fr->present & bit) && !(int_fields & bit) ? fr->len[flow_key_fields[i]] : 0);
	}
	ct_buf_reset(out);
	if (ct_buf_reserve(out, need) < 0)
		return -1;
	char *p = out->p;
	for (size_t i = 0; i < CT_ARRAY_SIZE(flow_key_fields); i++) {
		enum ct_flow_field f = flow_key_fields[i];
		if (!(fr->present & (1ULL << f))) {
			*p++ = '-';
		} else if (int_fields & (1ULL << f)) {
			char t[24];
			size_t n = sizeof(t);
			int64_t v = fr->i[f];
			uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
			do {
				t[--n] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			if (v < 0)
				t[--n] = '-';
			memcpy(p, t + n, sizeof(t) - n);
			p += sizeof(t) - n;
		} else {
			memcpy(p, fr->s[f], fr->len[f]);
			p += fr->len[f];
		}
		*p++ = '\x1f';
	}
	out->len = (size_t)(p - out->p);
	*p = 0;
	return 0;
}

/* The key text of a row whose key fields are the columns from `col` on. */
static void row_key_text(sqlite3_stmt *st, int col, struct ct_buf *out)
{
	ct_buf_reset(out);
	for (size_t i = 0; i < CT_ARRAY_SIZE(flow_key_fields); i++) {
		int c = col + (int)i;
		if (sqlite3_column_type(st, c) == SQLITE_NULL)
			ct_buf_append(out, "-", 1);
		else if (ct_flow_field_is_int(flow_key_fields[i]))
			key_int(out, sqlite3_column_int64(st, c));
		else
			ct_buf_append(out, sqlite3_column_text(st, c), (size_t)sqlite3_column_bytes(st, c));
		ct_buf_putc(out, '\x1f');
	}
}

/* Whether a row of this load has dkey: 0 no, 1 yes (its key text in
 * *other), -1 error. */
static int fset_find(struct ct_writer *w, uint64_t dkey, struct ct_buf *other, struct ct_err *err)
{
	struct flowset *fs = &w->fset;
	uint32_t tag = fset_tag(dkey);
	for (size_t j = tag & (fs->cap - 1); fs->tab[j].id; j = (j + 1) & (fs->cap - 1)) {
		if (fs->tab[j].tag != tag)
			continue;
		sqlite3_bind_int64(fs->get, 1, fs->tab[j].id);
		int r = sqlite3_step(fs->get);
		bool same = r == SQLITE_ROW && (uint64_t)sqlite3_column_int64(fs->get, 0) == dkey;
		if (same)
			row_key_text(fs->get, 1, other);
		sqlite3_reset(fs->get);
		if (r != SQLITE_ROW)
			return sql_err(w, err);
		if (same)
			return 1;
	}
	return 0;
}

int ct_writer_flow(struct ct_writer *w, int64_t source_id, const struct ct_flowrow *fr, bool *ret_dup,
		   struct ct_err *err)
{
	struct ct_buf *key = &w->fkey, *other = &w->fother; /* reused: no malloc per flow */
	if (flow_key_text(fr, w->flow_int, key) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	uint64_t dkey = ct_hash64(key->p, key->len, 0x51ed27) >> 1;
	uint64_t cols = (fr->cols | fr->present) & ((1ULL << CT_FF_COUNT) - 1);
	sqlite3_stmt *st = flow_insert(w, cols, err);
	if (!st)
		return -1;
	int rc = 0;
	*ret_dup = false;
	for (int probe = 0; probe < 8; probe++, dkey = (dkey + 1) & (UINT64_MAX >> 1)) {
		/* a first load: the dkey is free unless the set has a row with it */
		int taken = w->fset.on ? fset_find(w, dkey, other, err) : 0;
		if (taken < 0) {
			rc = -1;
			goto out;
		}
		if (taken)
			goto compare;
		sqlite3_bind_int64(st, 1, source_id);
		sqlite3_bind_int64(st, 2, (int64_t)fr->line);
		sqlite3_bind_int64(st, 3, (int64_t)dkey);
		int i = 4;
		for (uint64_t m = cols; m; m &= m - 1, i++) {
			int f = __builtin_ctzll(m);
			if (!(fr->present & (1ULL << f)))
				sqlite3_bind_null(st, i);
			else if (w->flow_int & (1ULL << f))
				sqlite3_bind_int64(st, i, fr->i[f]);
			else
				sqlite3_bind_text(st, i, fr->s[f], (int)fr->len[f], SQLITE_STATIC);
		}
		if (fr->extra)
			sqlite3_bind_text(st, i, fr->extra, (int)fr->extra_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r == SQLITE_DONE) {
			if (w->fset.on)
				rc = fset_add(w, dkey, err);
			goto out;
		}
		if (r != SQLITE_CONSTRAINT) {
			rc = sql_err(w, err);
			goto out;
		}
		/* the key is taken: the same flow, or (very rarely) another one */
		sqlite3_bind_int64(w->get_flow, 1, (int64_t)dkey);
		r = sqlite3_step(w->get_flow);
		if (r == SQLITE_ROW)
			row_key_text(w->get_flow, 0, other);
		sqlite3_reset(w->get_flow);
		if (r != SQLITE_ROW) {
			rc = sql_err(w, err);
			goto out;
		}
	compare:
		if (other->len == key->len && memcmp(other->p, key->p, key->len) == 0) {
			*ret_dup = true;
			goto out;
		}
	}
	rc = ct_err_set(err, CT_E_SYSTEM, w->idx->path, 0, "cannot place a flow record (hash collisions)");
out:
	return rc;
}

/* The columns of ins_ev, its parameters 1, 2, ... in turn. */
#define INS_EV_COLS                                                                                                    \
	"ts, ename, esrc, event_id, dkey, src, ord, blk, boff, blen,"                                                  \
	" ver, region, ip, ua, ecode, emsg, acct, etype, ecat, vpce, itype, iarn, ipid, iacct,"                        \
	" akey, uname, sitype, siarn, siname, screated, invby, srcid, ro, mgmt, mfa, console,"                         \
	" detail, link, eid"

int ct_writer_new(struct ct_index *idx, bool threaded, struct ct_writer **ret, struct ct_err *err)
{
	struct ct_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return ct_err_set(err, CT_E_NOMEM, idx->path, 0, "out of memory");
	w->idx = idx;
	w->db = idx->db;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (threaded && pthread_create(&w->cthread, NULL, compressor_main, w) == 0)
		w->threaded = true;
	if (!(w->comp = compressor_new())) {
		ct_writer_free(w);
		return ct_err_set(err, CT_E_NOMEM, idx->path, 0, "out of memory");
	}
	if (prep(w,
		 "INSERT INTO ev(" INS_EV_COLS ")"
		 " VALUES(?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?, ?,?,?)",
		 &w->ins_ev, err) < 0 ||
	    prep(w, "SELECT acct FROM ev WHERE eid = ?1 AND event_id = ?2", &w->dup_eid, err) < 0 ||
	    prep(w, "SELECT 1 FROM ev WHERE dkey = ?", &w->dup_key, err) < 0 ||
	    prep(w, "INSERT INTO blocks(id, size, data) VALUES(?, ?, ?)", &w->ins_blk, err) < 0 ||
	    prep(w,
		 "INSERT OR REPLACE INTO sources(path, size, sha256, content_sha256, content_size, kind, shape,"
		 " compression, status, records, events, flows, duplicates, errors, first_event_time,"
		 " last_event_time, message, ingested_at, ctscan_version)"
		 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		 &w->ins_src, err) < 0 ||
	    prep(w,
		 "UPDATE sources SET content_sha256 = ?, content_size = ?, kind = ?, shape = ?, status = ?,"
		 " records = ?, events = ?, flows = ?, duplicates = ?, errors = ?, first_event_time = ?,"
		 " last_event_time = ?, message = ? WHERE id = ?",
		 &w->upd_src, err) < 0 ||
	    prep_flow(w, err) < 0 || dict_open(w, &w->strs, "strs", STRS_MAX_N, STRS_MAX_ARENA, err) < 0 ||
	    dict_open(w, &w->names, "names", (size_t)1 << 16, (size_t)4 << 20, err) < 0 || details_open(w, err) < 0 ||
	    next_block_id(w, err) < 0) {
		ct_writer_free(w);
		return -1;
	}
	*ret = w;
	return 0;
}

void ct_writer_free(struct ct_writer *w)
{
	if (!w)
		return;
	ct_keys_free(w->keys);
	for (int i = 0; i < w->nspare; i++)
		ct_buf_free(&w->spare[i]);
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->cthread, NULL);
		for (struct cjob *j = w->done, *nx; j; j = nx) {
			nx = j->next;
			free(j->out);
			ct_buf_free(&j->raw);
			free(j);
		}
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	if (w->in_tx)
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(w->ins_ev);
	for (unsigned i = 0; i < FLOW_STMTS; i++)
		sqlite3_finalize(w->ins_flow[i].st);
	sqlite3_finalize(w->get_flow);
	sqlite3_finalize(w->fset.get);
	free(w->fset.tab);
	sqlite3_finalize(w->dup_eid);
	sqlite3_finalize(w->dup_key);
	sqlite3_finalize(w->eids.get);
	free(w->eids.tab);
	dict_free(&w->strs);
	dict_free(&w->names);
	dict_free(&w->details);
	sqlite3_finalize(w->ins_blk);
	sqlite3_finalize(w->ins_src);
	sqlite3_finalize(w->upd_src);
	compressor_free(w->comp);

	for (size_t i = 0; i < OPEN_BLOCKS; i++)
		ct_buf_free(&w->ob[i].buf);
	free(w->names_seen);
	ct_buf_free(&w->fkey);
	ct_buf_free(&w->fother);
	free(w);
}

int ct_writer_begin(struct ct_writer *w, struct ct_err *err)
{
	if (w->in_tx)
		return 0;
	if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(w, err);
	w->in_tx = true;
	return 0;
}

static int insert_block(struct ct_writer *w, int64_t id, size_t size, const void *data, size_t n, struct ct_err *err)
{
	sqlite3_bind_int64(w->ins_blk, 1, id);
	sqlite3_bind_int64(w->ins_blk, 2, (int64_t)size);
	sqlite3_bind_blob(w->ins_blk, 3, data, (int)n, SQLITE_STATIC);
	int rc = sqlite3_step(w->ins_blk);
	sqlite3_reset(w->ins_blk);
	if (rc != SQLITE_DONE)
		return sql_err(w, err);
	return 0;
}

/* Inserts the blocks the worker has finished; with `all`, waits for every
 * block in flight.  Also waits while too many are in flight. */
static int drain_blocks(struct ct_writer *w, bool all, struct ct_err *err)
{
	int rc = 0;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->done && w->inflight > 0 && (all || w->inflight >= MAX_INFLIGHT))
			pthread_cond_wait(&w->cv, &w->mu);
		struct cjob *j = w->done;
		if (!j)
			break;
		w->done = j->next;
		w->inflight--;
		pthread_mutex_unlock(&w->mu);
		if (rc == 0) {
			if (!j->out)
				rc = ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory compressing a block");
			else
				rc = insert_block(w, j->id, j->raw.len, j->out, j->outlen, err);
		}
		free(j->out);
		if (w->nspare < SPARE_BUFS && !j->raw.oom) {
			ct_buf_reset(&j->raw);
			w->spare[w->nspare++] = j->raw;
		} else {
			ct_buf_free(&j->raw);
		}
		free(j);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

static int flush_open_block(struct ct_writer *w, struct open_block *b, struct ct_err *err)
{
	if (b->buf.len == 0)
		return 0;
	if (w->threaded) {
		struct cjob *j = calloc(1, sizeof(*j));
		if (!j)
			return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
		j->id = b->id;
		j->raw = b->buf; /* the job takes the buffer */
		memset(&b->buf, 0, sizeof(b->buf));
		if (w->nspare)
			b->buf = w->spare[--w->nspare];
		pthread_mutex_lock(&w->mu);
		if (w->todo_tail)
			w->todo_tail->next = j;
		else
			w->todo = j;
		w->todo_tail = j;
		w->inflight++;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		return drain_blocks(w, false, err);
	}
	char *out;
	size_t n;
	if (deflate_block(w->comp, b->buf.p, b->buf.len, &out, &n) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	int rc = insert_block(w, b->id, b->buf.len, out, n, err);
	free(out);
	if (rc < 0)
		return -1;
	ct_buf_reset(&b->buf);
	return 0;
}

/* Every open block, before a commit. */
static int flush_blocks(struct ct_writer *w, struct ct_err *err)
{
	for (size_t i = 0; i < OPEN_BLOCKS; i++)
		if (flush_open_block(w, &w->ob[i], err) < 0)
			return -1;
	return 0;
}

/* The key of the blocks a record goes to: its event name once that name
 * has had HEAVY_NAME bytes of records in this run (the few names that make
 * most of a log, GetObject or AssumeRole, each fill blocks of their own),
 * else its event source.  The keys are capped so that the records in
 * flight fit the OPEN_BLOCKS open at once: the first MAX_HEAVY_NAMES names
 * to pass HEAVY_NAME get keys of their own, the first MAX_SOURCE_KEYS
 * sources too, and later sources share key 0.  Without the caps a first
 * load of 6.89M events (seven corpora) made 102 names heavy beside 20
 * sources, the open blocks were evicted before they filled, and the
 * blocks averaged 27 KiB instead of 185 (the index 36.8% of the JSON
 * instead of 33%). */
#define HEAVY_NAME ((uint64_t)4 << 20)
#define MAX_HEAVY_NAMES 24
#define MAX_SOURCE_KEYS 32
#define NAME_IDS_MAX ((size_t)1 << 20)
enum { NAME_OWN = 1, SOURCE_OWN, SOURCE_SHARED };

static int64_t block_key(struct ct_writer *w, int64_t ename, int64_t esrc, size_t len)
{
	if (ename <= 0 || esrc <= 0 || (size_t)ename >= NAME_IDS_MAX || (size_t)esrc >= NAME_IDS_MAX)
		return 0;
	size_t need = (size_t)(ename > esrc ? ename : esrc);
	if (need >= w->name_cap) {
		size_t cap = w->name_cap ? w->name_cap : 256;
		while (cap <= need)
			cap *= 2;
		struct name_stat *ns = realloc(w->names_seen, cap * sizeof(*ns));
		if (!ns)
			return 0;
		memset(ns + w->name_cap, 0, (cap - w->name_cap) * sizeof(*ns));
		w->names_seen = ns;
		w->name_cap = cap;
	}
	struct name_stat *n = &w->names_seen[ename], *src = &w->names_seen[esrc];
	n->bytes += len;
	if (n->role == NAME_OWN)
		return ename;
	if (n->bytes >= HEAVY_NAME && w->heavy_names < MAX_HEAVY_NAMES) {
		n->role = NAME_OWN;
		w->heavy_names++;
		return ename;
	}
	if (!src->role) {
		src->role = w->source_keys < MAX_SOURCE_KEYS ? SOURCE_OWN : SOURCE_SHARED;
		w->source_keys += src->role == SOURCE_OWN;
	}
	return src->role == SOURCE_OWN ? esrc : 0;
}

/* The open block for records of `key` with room for len more bytes
 * (a full one is closed and a new one begun). */
static struct open_block *open_block_for(struct ct_writer *w, int64_t key, size_t len, struct ct_err *err)
{
	/* the key's block, else an empty slot, else the least recently used */
	struct open_block *b = NULL, *lru = &w->ob[0];
	for (size_t i = 0; i < OPEN_BLOCKS && !b; i++) {
		struct open_block *o = &w->ob[i];
		if (o->key == key && o->buf.len)
			b = o;
		else if (!o->buf.len ? lru->buf.len || o->used < lru->used : lru->buf.len && o->used < lru->used)
			lru = o;
	}
	if (!b) {
		b = lru;
		if (flush_open_block(w, b, err) < 0)
			return NULL;
		b->key = key;
	} else if (b->buf.len + len > CT_BLOCK_TARGET && flush_open_block(w, b, err) < 0) {
		return NULL;
	}
	if (b->buf.len == 0)
		b->id = w->blk_id++;
	b->used = ++w->ob_tick;
	return b;
}

int ct_writer_commit(struct ct_writer *w, struct ct_err *err)
{
	if (!w->in_tx)
		return 0;
	if (flush_blocks(w, err) < 0 || (w->threaded && drain_blocks(w, true, err) < 0))
		return -1;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(w, err);
	w->in_tx = false;
	w->pending = 0;
	if (w->fset.on && w->fset.n >= FSET_SOFT) /* see struct flowset */
		return fset_drop(w, err);
	if (w->eids.state == 1 && !w->eids.indexed && w->eids.n >= EID_SOFT) /* and struct eidset */
		return eid_drop(w, err);
	return 0;
}

uint64_t ct_writer_pending(const struct ct_writer *w)
{
	if (w->fset.on && w->fset.n >= FSET_SOFT)
		return UINT64_MAX; /* a commit, please: see struct flowset */
	if (w->eids.state == 1 && !w->eids.indexed && w->eids.n >= EID_SOFT)
		return UINT64_MAX; /* and see struct eidset */
	return w->pending;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t ts)
{
	if (ts == INT64_MIN) {
		sqlite3_bind_null(st, i);
		return;
	}
	char b[32];
	ct_time_format(ts, b);
	sqlite3_bind_text(st, i, b, -1, SQLITE_TRANSIENT);
}

int ct_writer_source_add(struct ct_writer *w, const struct ct_source_info *si, int64_t *ret_id, struct ct_err *err)
{
	sqlite3_stmt *st = w->ins_src;
	char now[32];
	ct_time_format(ct_time_now_ms(), now);
	bind_opt_text(st, 1, si->path);
	sqlite3_bind_int64(st, 2, (int64_t)si->size);
	bind_opt_text(st, 3, si->sha256);
	bind_opt_text(st, 4, si->content_sha256);
	if (si->content_sha256)
		sqlite3_bind_int64(st, 5, (int64_t)si->content_size);
	else
		sqlite3_bind_null(st, 5);
	bind_opt_text(st, 6, si->kind);
	bind_opt_text(st, 7, si->shape);
	bind_opt_text(st, 8, si->compression);
	bind_opt_text(st, 9, si->status);
	sqlite3_bind_int64(st, 10, (int64_t)si->records);
	sqlite3_bind_int64(st, 11, (int64_t)si->events);
	sqlite3_bind_int64(st, 12, (int64_t)si->flows);
	sqlite3_bind_int64(st, 13, (int64_t)si->duplicates);
	sqlite3_bind_int64(st, 14, (int64_t)si->errors);
	bind_time(st, 15, si->first_ts);
	bind_time(st, 16, si->last_ts);
	bind_opt_text(st, 17, si->message);
	sqlite3_bind_text(st, 18, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 19, CT_VERSION, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sql_err(w, err);
	*ret_id = sqlite3_last_insert_rowid(w->db);
	return 0;
}

int ct_writer_source_finish(struct ct_writer *w, int64_t id, const struct ct_source_info *si, struct ct_err *err)
{
	sqlite3_stmt *st = w->upd_src;
	bind_opt_text(st, 1, si->content_sha256);
	if (si->content_sha256)
		sqlite3_bind_int64(st, 2, (int64_t)si->content_size);
	else
		sqlite3_bind_null(st, 2);
	bind_opt_text(st, 3, si->kind);
	bind_opt_text(st, 4, si->shape);
	bind_opt_text(st, 5, si->status);
	sqlite3_bind_int64(st, 6, (int64_t)si->records);
	sqlite3_bind_int64(st, 7, (int64_t)si->events);
	sqlite3_bind_int64(st, 8, (int64_t)si->flows);
	sqlite3_bind_int64(st, 9, (int64_t)si->duplicates);
	sqlite3_bind_int64(st, 10, (int64_t)si->errors);
	bind_time(st, 11, si->first_ts);
	bind_time(st, 12, si->last_ts);
	bind_opt_text(st, 13, si->message);
	sqlite3_bind_int64(st, 14, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sql_err(w, err);
	return 0;
}

/* Column of each dictionary field in ins_ev (1-based), in enum ct_ef order. */
static const signed char ef_col[CT_EF_COUNT] = {
	[CT_EF_EVENT_VERSION] = 11,  [CT_EF_EVENT_TIME] = -1,        [CT_EF_EVENT_ID] = -1,
	[CT_EF_EVENT_SOURCE] = -1,   [CT_EF_EVENT_NAME] = -1,        [CT_EF_AWS_REGION] = 12,
	[CT_EF_SOURCE_IP] = 13,      [CT_EF_USER_AGENT] = 14,        [CT_EF_ERROR_CODE] = 15,
	[CT_EF_ERROR_MESSAGE] = 16,  [CT_EF_RECIPIENT_ACCOUNT] = 17, [CT_EF_EVENT_TYPE] = 18,
	[CT_EF_EVENT_CATEGORY] = 19, [CT_EF_VPC_ENDPOINT] = 20,      [CT_EF_I_TYPE] = 21,
	[CT_EF_I_ARN] = 22,          [CT_EF_I_PRINCIPAL] = 23,       [CT_EF_I_ACCOUNT] = 24,
	[CT_EF_I_ACCESS_KEY] = 25,   [CT_EF_I_USER_NAME] = 26,       [CT_EF_SI_TYPE] = 27,
	[CT_EF_SI_ARN] = 28,         [CT_EF_SI_USER_NAME] = 29,      [CT_EF_S_CREATION_DATE] = 30,
	[CT_EF_I_INVOKED_BY] = 31,   [CT_EF_SOURCE_IDENTITY] = 32,
};

static uint32_t eid_tag(int64_t eid)
{
	return (uint32_t)(((uint64_t)eid * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* Leaves the set for ev_event_id, built now if a first load put it off:
 * after a commit (the set reached EID_SOFT), or inside the transaction
 * (it is full, or a row id does not fit in a slot). */
static int eid_drop(struct ct_writer *w, struct ct_err *err)
{
	struct eidset *s = &w->eids;
	free(s->tab);
	s->tab = NULL;
	s->cap = s->n = 0;
	s->state = -1;
	if (s->indexed)
		return 0;
	s->indexed = true;
	char sql[256];
	size_t i = 0;
	while (i + 1 < CT_ARRAY_SIZE(pivot_indexes) && strcmp(pivot_indexes[i].name, "ev_event_id") != 0)
		i++;
	pivot_index_sql(sql, sizeof(sql), i, true);
	return exec_sorting(w->db, sql, w->idx->path, err);
}

/* Records row id under tag. */
static int eid_add(struct ct_writer *w, uint32_t tag, int64_t id, struct ct_err *err)
{
	struct eidset *s = &w->eids;
	if (s->state != 1)
		return 0;
	if (id <= 0 || id > UINT32_MAX)
		return eid_drop(w, err);
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : (1u << 16 < EID_MAX ? 1u << 16 : EID_MAX);
		struct fslot *t = cap > EID_MAX ? NULL : calloc(cap, sizeof(*t));
		if (!t)
			return eid_drop(w, err);
		ct_mem_huge(t, cap * sizeof(*t));
		for (size_t i = 0; i < s->cap; i++)
			if (s->tab[i].id)
				fset_put(t, cap, s->tab[i].tag, s->tab[i].id);
		free(s->tab);
		s->tab = t;
		s->cap = cap;
	}
	fset_put(s->tab, s->cap, tag, (uint32_t)id);
	s->n++;
	return 0;
}

static int eid_load(struct ct_writer *w, struct ct_err *err)
{
	struct eidset *s = &w->eids;
	sqlite3_stmt *st;
	s->state = 1;
	if (sqlite3_prepare_v2(w->db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'ev_event_id'", -1,
			       &st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	s->indexed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!s->get && prep(w, "SELECT eid, event_id, acct FROM ev WHERE id = ?", &s->get, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(w->db, "SELECT id, eid FROM ev WHERE eid IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return sql_err(w, err);
	int rc = SQLITE_DONE;
	while (s->state == 1 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t tag = eid_tag(sqlite3_column_int64(st, 1));
		if (eid_add(w, tag, sqlite3_column_int64(st, 0), err) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (s->state == 1 && rc != SQLITE_DONE)
		return sql_err(w, err);
	return 0;
}

/* Whether the row id holds the event id (see ct_event_key_make: the
 * UUID's second half, or the text) for account acct. */
static int eid_find(struct ct_writer *w, const struct ct_event_prep *prep, const struct ct_str *text, int64_t acct,
		    struct ct_err *err)
{
	struct eidset *s = &w->eids;
	uint32_t tag = prep->tag;
	for (size_t j = tag & (s->cap - 1); s->cap && s->tab[j].id; j = (j + 1) & (s->cap - 1)) {
		if (s->tab[j].tag != tag)
			continue;
		sqlite3_bind_int64(s->get, 1, s->tab[j].id);
		int r = sqlite3_step(s->get);
		bool same = false;
		if (r == SQLITE_ROW && sqlite3_column_int64(s->get, 0) == prep->eid) {
			int t = sqlite3_column_type(s->get, 1);
			bool null = sqlite3_column_type(s->get, 2) == SQLITE_NULL;
			if (prep->packed)
				same = t == SQLITE_INTEGER && sqlite3_column_int64(s->get, 1) == prep->lo;
			else if (t == SQLITE_TEXT) {
				const unsigned char *p = sqlite3_column_text(s->get, 1);
				same = p && (size_t)sqlite3_column_bytes(s->get, 1) == text->len &&
				       memcmp(p, text->s, text->len) == 0;
			}
			same = same && ((null && acct == 0) || (!null && sqlite3_column_int64(s->get, 2) == acct));
		}
		sqlite3_reset(s->get);
		/* SQLITE_DONE: a row of a rolled-back transaction, or gone */
		if (r != SQLITE_ROW && r != SQLITE_DONE)
			return sql_err(w, err);
		if (same)
			return 1;
	}
	return 0;
}

/* 1 when the event is in the index already, 0 when new (tag: its id's,
 * from ct_event_prep; *ret_dkey: the key of an event without an id). */
static int is_dup(struct ct_writer *w, const struct ct_event *ev, const struct ct_event_prep *prep, int64_t acct,
		  uint64_t *ret_dkey, struct ct_err *err)
{
	const struct ct_str *eid = &ev->f[CT_EF_EVENT_ID];
	int rc, dup = 0;
	if (eid->s) {
		if (w->eids.state == 0 && eid_load(w, err) < 0)
			return -1;
		if (w->eids.state == 1)
			return eid_find(w, prep, eid, acct, err);
		sqlite3_bind_int64(w->dup_eid, 1, prep->eid);
		if (prep->packed)
			sqlite3_bind_int64(w->dup_eid, 2, prep->lo);
		else
			sqlite3_bind_text(w->dup_eid, 2, eid->s, (int)eid->len, SQLITE_STATIC);
		while ((rc = sqlite3_step(w->dup_eid)) == SQLITE_ROW) {
			bool null = sqlite3_column_type(w->dup_eid, 0) == SQLITE_NULL;
			if ((null && acct == 0) || (!null && sqlite3_column_int64(w->dup_eid, 0) == acct)) {
				dup = 1;
				break;
			}
		}
		sqlite3_reset(w->dup_eid);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sql_err(w, err);
		return dup;
	}
	/* no eventID: the record's bytes are its identity */
	uint64_t k = ct_hash64(ev->raw, ev->raw_len, 0x2545F4914F6CDD1DULL) >> 1;
	*ret_dkey = k;
	sqlite3_bind_int64(w->dup_key, 1, (int64_t)k);
	rc = sqlite3_step(w->dup_key);
	sqlite3_reset(w->dup_key);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_err(w, err);
	return rc == SQLITE_ROW;
}

void ct_event_prep(const struct ct_event *ev, const struct ct_str *detail, struct ct_event_prep *out)
{
	for (int i = 0; i < CT_EF_COUNT; i++)
		out->fh[i] = ev->f[i].s ? ct_hash64(ev->f[i].s, ev->f[i].len, DICT_SEED) : 0;
	out->dh = detail->len ? ct_hash64(detail->s, detail->len, DICT_SEED) : 0;
	const struct ct_str *eid = &ev->f[CT_EF_EVENT_ID];
	out->eid = out->lo = 0;
	out->packed = eid->s && ct_event_key_make(eid->s, eid->len, &out->eid, &out->lo);
	out->tag = eid->s ? eid_tag(out->eid) : 0;
}

void ct_writer_prefetch(const struct ct_writer *w, const struct ct_event_prep *prep)
{
	const struct dict *d = &w->strs;
	if (!d->tab_cap)
		return;
	for (int i = 0; i < CT_EF_COUNT; i++)
		if (ef_col[i] > 0 && prep->fh[i])
			__builtin_prefetch(&d->tab[prep->fh[i] & (d->tab_cap - 1)]);
	if (prep->dh && w->details.tab_cap)
		__builtin_prefetch(&w->details.tab[prep->dh & (w->details.tab_cap - 1)]);
	if (prep->tag && w->eids.cap)
		__builtin_prefetch(&w->eids.tab[prep->tag & (w->eids.cap - 1)]);
}

/* Binding a parameter of ins_ev (see struct ct_writer's bound). */
static inline void bind_i(struct ct_writer *w, int col, int64_t v)
{
	if (w->bound_kind[col] != 2 || w->bound[col] != v) {
		sqlite3_bind_int64(w->ins_ev, col, v);
		w->bound_kind[col] = 2;
		w->bound[col] = v;
	}
}

static inline void bind_n(struct ct_writer *w, int col)
{
	if (w->bound_kind[col] != 1) {
		sqlite3_bind_null(w->ins_ev, col);
		w->bound_kind[col] = 1;
	}
}

static inline void bind_t(struct ct_writer *w, int col, const char *s, size_t len)
{
	sqlite3_bind_text(w->ins_ev, col, s, (int)len, SQLITE_STATIC);
	w->bound_kind[col] = 0;
}

/* ---- the key columns of a first load (ct_writer_keys_start) ---- */

#define KEYS_COLS 16

/* Each column is a region of its own, mapped for the most rows max_bytes
 * allows at 8 bytes a value: a column's memory is taken as its rows are
 * written (in huge pages: 1M events, 9,300 page faults fewer than arrays
 * grown by realloc), never copied, and widened in place. */
struct ct_keys {
	int64_t base; /* the row id of the first row */
	size_t n, max_rows, max_bytes, row_bytes;
	size_t ncol;
	struct keycol {
		char name[16];
		int param;       /* of ins_ev */
		unsigned width;  /* 4 until a value needs 8 */
		void *v;         /* uint32_t or int64_t [max_rows] */
		uint64_t *nulls; /* a bit per row */
	} col[KEYS_COLS];
	struct ct_bulk_col out[KEYS_COLS];
	struct ct_bulk_cols cols;
};

static void *keys_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	ct_mem_huge(p, bytes);
	return p;
}

void ct_keys_free(struct ct_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->ncol; i++) {
		if (k->col[i].v)
			munmap(k->col[i].v, k->max_rows * 8);
		if (k->col[i].nulls)
			munmap(k->col[i].nulls, (k->max_rows + 63) / 64 * 8);
	}
	free(k);
}

/* Where column name is among INS_EV_COLS: its parameter, or 0. */
static int ins_ev_param(const char *name, size_t len)
{
	const char *p = INS_EV_COLS;
	for (int param = 1; *p; param++) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ",");
		if (n == len && memcmp(p, name, len) == 0)
			return param;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

void ct_writer_keys_start(struct ct_writer *w, size_t max_bytes)
{
	struct ct_keys *k = calloc(1, sizeof(*k));
	if (!k)
		return;
	k->max_bytes = max_bytes;
	/* every column of ev's pivot indexes */
	for (size_t i = 0; i < CT_ARRAY_SIZE(pivot_indexes); i++) {
		if (strcmp(pivot_indexes[i].table, "ev") != 0)
			continue;
		for (const char *c = pivot_indexes[i].cols; *c;) {
			size_t len = strcspn(c, ", ");
			bool have = false;
			for (size_t j = 0; j < k->ncol; j++)
				have |= strlen(k->col[j].name) == len && memcmp(k->col[j].name, c, len) == 0;
			int param = ins_ev_param(c, len);
			if (!have) {
				if (param == 0 || len >= sizeof(k->col[0].name) || k->ncol == KEYS_COLS) {
					ct_keys_free(k); /* a column not written here: none */
					return;
				}
				struct keycol *kc = &k->col[k->ncol++];
				memcpy(kc->name, c, len);
				kc->param = param;
				kc->width = 4;
			}
			c += len;
			c += strspn(c, ", ");
		}
	}
	k->row_bytes = 4 * k->ncol;
	k->max_rows = k->ncol ? max_bytes / k->row_bytes : 0;
	for (size_t i = 0; i < k->ncol; i++) {
		if (!(k->col[i].v = keys_map(k->max_rows * 8)) ||
		    !(k->col[i].nulls = keys_map((k->max_rows + 63) / 64 * 8))) {
			ct_keys_free(k);
			return;
		}
	}
	ct_keys_free(w->keys);
	w->keys = k;
}

static void keys_drop(struct ct_writer *w)
{
	ct_keys_free(w->keys);
	w->keys = NULL;
}

/* The row just inserted, from what its parameters were bound to. */
static void keys_add(struct ct_writer *w)
{
	struct ct_keys *k = w->keys;
	int64_t rowid = sqlite3_last_insert_rowid(w->db);
	if (k->n == 0)
		k->base = rowid;
	/* consecutive row ids, or nothing: a row's offset is its place; and
	 * within the memory allowed */
	if (rowid != k->base + (int64_t)k->n || k->n == k->max_rows || (k->n + 1) * k->row_bytes > k->max_bytes) {
		keys_drop(w);
		return;
	}
	size_t r = k->n;
	for (size_t i = 0; i < k->ncol; i++) {
		struct keycol *kc = &k->col[i];
		unsigned char kind = w->bound_kind[kc->param];
		int64_t v = w->bound[kc->param];
		if (kind == 1) {
			kc->nulls[r / 64] |= (uint64_t)1 << (r % 64);
			v = 0;
		} else if (kind != 2) { /* text: not a key for bulkidx */
			keys_drop(w);
			return;
		}
		if (kc->width == 4 && (v < 0 || v > (int64_t)UINT32_MAX)) {
			/* this column needs 64 bits: widened in place, from the
			 * last value back (value j's 8 bytes cover 4-byte values
			 * 2j and 2j + 1, moved already) */
			for (size_t j = r; j-- > 0;)
				((int64_t *)kc->v)[j] = ((const uint32_t *)kc->v)[j];
			kc->width = 8;
			k->row_bytes += 4;
		}
		if (kc->width == 4)
			((uint32_t *)kc->v)[r] = (uint32_t)v;
		else
			((int64_t *)kc->v)[r] = v;
	}
	k->n++;
}

struct ct_keys *ct_writer_keys_take(struct ct_writer *w)
{
	struct ct_keys *k = w->keys;
	w->keys = NULL;
	if (k && k->n == 0) {
		ct_keys_free(k);
		return NULL;
	}
	return k;
}

const struct ct_bulk_cols *ct_keys_cols(struct ct_keys *k)
{
	if (!k)
		return NULL;
	for (size_t i = 0; i < k->ncol; i++)
		k->out[i] = (struct ct_bulk_col){
			.name = k->col[i].name, .width = k->col[i].width, .v = k->col[i].v, .nulls = k->col[i].nulls};
	k->cols = (struct ct_bulk_cols){.base = k->base, .rows = k->n, .col = k->out, .n = k->ncol};
	return &k->cols;
}

int ct_writer_event(struct ct_writer *w, int64_t source_id, const struct ct_event *ev, const struct ct_str *detail,
		    const struct ct_str *link, const struct ct_event_prep *prep, bool *ret_dup, struct ct_err *err)
{
	sqlite3_stmt *st = w->ins_ev;
	int64_t ids[CT_EF_COUNT] = {0};
	for (int i = 0; i < CT_EF_COUNT; i++) {
		if (ef_col[i] <= 0 || !ev->f[i].s)
			continue;
		if (dict_id_h(w, &w->strs, ev->f[i].s, ev->f[i].len, prep->fh[i], &ids[i], err) < 0)
			return -1;
	}
	uint64_t dkey = 0;
	const struct ct_str *eid = &ev->f[CT_EF_EVENT_ID];
	int dup = is_dup(w, ev, prep, ids[CT_EF_RECIPIENT_ACCOUNT], &dkey, err);
	if (dup < 0)
		return -1;
	*ret_dup = dup;
	if (dup)
		return 0;
	int64_t ename = 0, esrc = 0;
	if (ev->f[CT_EF_EVENT_NAME].s && dict_id_h(w, &w->names, ev->f[CT_EF_EVENT_NAME].s, ev->f[CT_EF_EVENT_NAME].len,
						   prep->fh[CT_EF_EVENT_NAME], &ename, err) < 0)
		return -1;
	if (ev->f[CT_EF_EVENT_SOURCE].s &&
	    dict_id_h(w, &w->names, ev->f[CT_EF_EVENT_SOURCE].s, ev->f[CT_EF_EVENT_SOURCE].len,
		      prep->fh[CT_EF_EVENT_SOURCE], &esrc, err) < 0)
		return -1;
	struct open_block *blk = open_block_for(w, block_key(w, ename, esrc, ev->raw_len), ev->raw_len, err);
	if (!blk)
		return -1;
	size_t off = blk->buf.len;
	if (ct_buf_append(&blk->buf, ev->raw, ev->raw_len) < 0)
		return ct_err_set(err, CT_E_NOMEM, w->idx->path, 0, "out of memory");
	w->pending += ev->raw_len;

	bind_i(w, 1, ev->ts);
	bind_i(w, 2, ename);
	bind_i(w, 3, esrc);
	if (!eid->s) {
		bind_n(w, 4);
		bind_n(w, 39);
	} else {
		if (prep->packed)
			bind_i(w, 4, prep->lo);
		else
			bind_t(w, 4, eid->s, eid->len);
		bind_i(w, 39, prep->eid);
	}
	if (dkey)
		bind_i(w, 5, (int64_t)dkey);
	else
		bind_n(w, 5);
	bind_i(w, 6, source_id);
	bind_i(w, 7, (int64_t)ev->ordinal);
	bind_i(w, 8, blk->id);
	bind_i(w, 9, (int64_t)off);
	bind_i(w, 10, (int64_t)ev->raw_len);
	for (int i = 0; i < CT_EF_COUNT; i++) {
		if (ef_col[i] <= 0)
			continue;
		if (ids[i])
			bind_i(w, ef_col[i], ids[i]);
		else
			bind_n(w, ef_col[i]);
	}
	for (int i = 0; i < CT_EB_COUNT; i++) {
		if (ev->b[i] < 0)
			bind_n(w, 33 + i);
		else
			bind_i(w, 33 + i, ev->b[i]);
	}
	int64_t did = 0;
	if (detail->len && dict_id_h(w, &w->details, detail->s, detail->len, prep->dh, &did, err) < 0)
		return -1;
	if (did)
		bind_i(w, 37, did);
	else
		bind_n(w, 37);
	if (link->len)
		bind_t(w, 38, link->s, link->len);
	else
		bind_n(w, 38);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_err(w, err);
	if (w->keys)
		keys_add(w);
	if (eid->s && w->eids.state == 1)
		return eid_add(w, prep->tag, sqlite3_last_insert_rowid(w->db), err);
	return 0;
}
