/* bulkidx.c - building indexes of integer keys from a sort of ctscan's
 * own: see bulkidx.h. */
#include "bulkidx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define BULK_TABLE "ct_bulk_index"
#define BULK_MODULE "ct_bulk_rows"
#define BULK_SINK "ct_bulk_sink"
#define BULK_MAX_INDEXES 16
#define SIGN64 ((uint64_t)1 << 63)
#define BIAS32 ((uint64_t)1 << 31)

/* ---- sorting ---- */

/* One LSD pass per byte of the key that is not the same in every entry:
 * a's eight bytes (its sign bit flipped), then b's upper four. */
void ct_bulk_sort(struct ct_bulk_entry *v, struct ct_bulk_entry *tmp, size_t n)
{
	size_t count[12][256];
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		uint64_t a = v[i].a ^ SIGN64, b = v[i].b;
		for (int d = 0; d < 8; d++)
			count[d][(a >> (8 * d)) & 0xff]++;
		for (int d = 0; d < 4; d++)
			count[8 + d][(b >> (32 + 8 * d)) & 0xff]++;
	}
	struct ct_bulk_entry *src = v, *dst = tmp;
	for (int d = 0; d < 12; d++) {
		size_t *cnt = count[d];
		bool trivial = false;
		for (int j = 0; j < 256 && !trivial; j++)
			trivial = cnt[j] == n;
		if (trivial)
			continue;
		size_t pos = 0;
		for (int j = 0; j < 256; j++) {
			size_t m = cnt[j];
			cnt[j] = pos;
			pos += m;
		}
		if (d < 8) {
			for (size_t i = 0; i < n; i++)
				dst[cnt[((src[i].a ^ SIGN64) >> (8 * d)) & 0xff]++] = src[i];
		} else {
			for (size_t i = 0; i < n; i++)
				dst[cnt[(src[i].b >> (32 + 8 * (d - 8))) & 0xff]++] = src[i];
		}
		struct ct_bulk_entry *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/* ---- the keys of one index ---- */

struct bulk {
	size_t spec;
	int k;        /* key columns: 1 or 2 */
	int col[2];   /* their places in the scan's result */
	bool partial; /* rows whose first key is NULL are not in it */
	bool failed;  /* cannot be built so */
	struct ct_bulk_entry *v;
	size_t n;
	int64_t base; /* the row id of offset 0 */
	struct bulk *next;
};

static void bulk_free(struct bulk *b)
{
	if (b) {
		free(b->v);
		free(b);
	}
}

/* Parses spec's columns into the scan's column list (cols, n of them). */
static bool parse_spec(const struct ct_bulk_spec *spec, char cols[][64], int *ncols, struct bulk *b)
{
	const char *p = spec->cols;
	b->k = 0;
	while (*p) {
		size_t len = 0;
		while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= '0' && p[len] <= '9') || p[len] == '_')
			len++;
		if (len == 0 || len >= 64 || b->k == 2)
			return false;
		int c;
		for (c = 0; c < *ncols; c++)
			if (strlen(cols[c]) == len && !memcmp(cols[c], p, len))
				break;
		if (c == *ncols) {
			memcpy(cols[c], p, len);
			cols[c][len] = 0;
			(*ncols)++;
		}
		b->col[b->k++] = c;
		p += len;
		if (*p == ',')
			p += p[1] == ' ' ? 2 : 1;
		else if (*p)
			return false;
	}
	if (spec->where) {
		char want[80];
		snprintf(want, sizeof(want), "%s IS NOT NULL", cols[b->col[0]]);
		if (strcmp(spec->where, want) != 0)
			return false;
		b->partial = true;
	}
	return b->k > 0;
}

/* ---- the writer ---- */

struct bulk_vtab {
	sqlite3_vtab base;
	const struct bulk *b;
};

struct bulk_cursor {
	sqlite3_vtab_cursor base;
	const struct bulk *b;
	size_t i;
};

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ret, char **errmsg)
{
	(void)argc;
	(void)argv;
	(void)errmsg;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(c0, c1, c2)");
	if (rc != SQLITE_OK)
		return rc;
	struct bulk_vtab *vt = sqlite3_malloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	vt->b = *(const struct bulk **)aux;
	*ret = &vt->base;
	return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	const struct bulk *b = ((struct bulk_vtab *)vt)->b;
	info->estimatedCost = (double)b->n;
	info->estimatedRows = (sqlite3_int64)b->n;
	return SQLITE_OK;
}

static int vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **ret)
{
	struct bulk_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->b = ((struct bulk_vtab *)vt)->b;
	*ret = &c->base;
	return SQLITE_OK;
}

static int vt_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int vt_filter(sqlite3_vtab_cursor *c, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idx;
	(void)idxstr;
	(void)argc;
	(void)argv;
	((struct bulk_cursor *)c)->i = 0;
	return SQLITE_OK;
}

static int vt_next(sqlite3_vtab_cursor *c)
{
	((struct bulk_cursor *)c)->i++;
	return SQLITE_OK;
}

static int vt_eof(sqlite3_vtab_cursor *c)
{
	const struct bulk_cursor *bc = (const struct bulk_cursor *)c;
	return bc->i >= bc->b->n;
}

/* c0, c1 [, c2]: the keys, then the row id */
static int vt_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	const struct bulk_cursor *bc = (const struct bulk_cursor *)c;
	const struct bulk *b = bc->b;
	const struct ct_bulk_entry *e = &b->v[bc->i];
	int64_t v;
	if (col == b->k)
		v = b->base + (int64_t)(e->b & 0xffffffffu);
	else if (col == b->k - 1)
		v = (int64_t)e->a;
	else
		v = (int64_t)(e->b >> 32) - (int64_t)BIAS32;
	sqlite3_result_int64(ctx, v);
	return SQLITE_OK;
}

static int vt_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *ret)
{
	*ret = (sqlite3_int64)((struct bulk_cursor *)c)->i;
	return SQLITE_OK;
}

static const sqlite3_module bulk_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous only */
	.xConnect = vt_connect,
	.xBestIndex = vt_best_index,
	.xDisconnect = vt_disconnect,
	.xOpen = vt_open,
	.xClose = vt_close,
	.xFilter = vt_filter,
	.xNext = vt_next,
	.xEof = vt_eof,
	.xColumn = vt_column,
	.xRowid = vt_rowid,
};

static int db_err(sqlite3 *db, int rc, const char *path, struct ct_err *err)
{
	return ct_err_set(err, (rc & 0xff) == SQLITE_NOMEM ? CT_E_NOMEM : CT_E_SYSTEM, path, 0, "%s",
			  sqlite3_errmsg(db));
}

static int64_t int_query(sqlite3 *db, const char *sql, int *ret_rc)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
	}
	*ret_rc = rc;
	return v;
}

/* Errors that say the database cannot be written now (the disk, memory,
 * another writer): reported.  The others (writable_schema refused, a
 * schema that is not what is expected) only mean "not so". */
static bool hard_error(int rc)
{
	int p = rc & 0xff;
	return p == SQLITE_NOMEM || p == SQLITE_IOERR || p == SQLITE_FULL || p == SQLITE_BUSY || p == SQLITE_LOCKED ||
	       p == SQLITE_CORRUPT || p == SQLITE_READONLY || p == SQLITE_CANTOPEN;
}

/* Writes index spec from b's sorted keys.  1 built, 0 not so (rolled
 * back), -1 error (err set, rolled back). */
static int write_index(sqlite3 *db, const char *table, const struct ct_bulk_spec *spec, const struct bulk *b,
		       const char *path, struct ct_err *err)
{
	char sql[512];
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_err(db, rc, path, err);
	bool schema_open = false, module = false;
	sqlite3_stmt *st = NULL;
	/* already there (CREATE INDEX IF NOT EXISTS), or a name taken */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema WHERE name IN ('%s', '" BULK_TABLE "')",
		 spec->name);
	int64_t taken = int_query(db, sql, &rc);
	if (rc != SQLITE_OK || taken != 0)
		goto fail;
	if (b->k == 1)
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE " BULK_TABLE "(k0 INTEGER, r INTEGER, PRIMARY KEY(k0, r)) WITHOUT ROWID;"
			 " INSERT INTO " BULK_TABLE " SELECT c0, c1 FROM " BULK_MODULE ";");
	else
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE " BULK_TABLE "(k0 INTEGER, k1 INTEGER, r INTEGER, PRIMARY KEY(k0, k1, r))"
			 " WITHOUT ROWID; INSERT INTO " BULK_TABLE " SELECT c0, c1, c2 FROM " BULK_MODULE ";");
	/* the module's xConnect takes the bulk from here */
	const struct bulk *cur = b;
	rc = sqlite3_create_module_v2(db, BULK_MODULE, &bulk_module, (void *)&cur, NULL);
	module = rc == SQLITE_OK;
	if (module)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	int64_t ver = int_query(db, "PRAGMA schema_version", &rc);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, NULL);
	schema_open = true;
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_prepare_v2(db,
				"UPDATE sqlite_schema SET type = 'index', name = ?1, tbl_name = ?2, sql = ?3"
				" WHERE type = 'table' AND name = '" BULK_TABLE "'",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, spec->sql, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE || sqlite3_changes(db) != 1) {
		if (rc == SQLITE_DONE)
			rc = SQLITE_ERROR;
		goto fail;
	}
	rc = sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	schema_open = false;
	if (rc != SQLITE_OK)
		goto fail;
	/* every connection, this one too, reads the schema again */
	snprintf(sql, sizeof(sql), "PRAGMA schema_version = %lld", (long long)ver + 1);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* a defensive connection ignores the pragma: not so, then */
	if (int_query(db, "PRAGMA schema_version", &rc) != ver + 1) {
		if (rc == SQLITE_OK)
			rc = SQLITE_ERROR;
		goto fail;
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_create_module(db, BULK_MODULE, NULL, NULL);
	return 1;
fail:;
	int ret = hard_error(rc) ? db_err(db, rc, path, err) : 0;
	sqlite3_finalize(st);
	if (schema_open)
		sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (module)
		sqlite3_create_module(db, BULK_MODULE, NULL, NULL);
	return ret;
}

/* ---- the reader: passes over the table, sorted keys queued ---- */

struct build {
	const char *table;
	const struct ct_bulk_spec *spec;
	size_t n;
	size_t max_bytes;
	int64_t base;
	size_t rows;                     /* an upper bound: max(rowid) - min(rowid) + 1 */
	const struct ct_bulk_cols *cols; /* the keys gathered in the load, when they match */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bulk *head, *tail; /* sorted, for the writer */
	size_t queued_bytes;      /* memory of the queued keys */
	size_t next;              /* the next spec to read */
	bool done, stop;
};

static void put(struct build *bd, struct bulk *b)
{
	pthread_mutex_lock(&bd->mu);
	if (bd->tail)
		bd->tail->next = b;
	else
		bd->head = b;
	bd->tail = b;
	pthread_cond_broadcast(&bd->cv);
	pthread_mutex_unlock(&bd->mu);
}

/* The keys of a pass, given row by row in the table's order (NOT
 * INDEXED): SELECT ct_bulk_sink(rowid, col...) FROM table.  A function
 * that SQLite calls with the row's values costs about half as much as
 * fetching each column of each row through sqlite3_column_*(). */
struct pass {
	struct build *bd;
	struct bulk **g;
	size_t ng;
	int64_t last; /* the row id before */
};

/* Adds the row at offset off to b's keys, or fails b: t0, k0 its first
 * key column's type and value, t1, k1 the second's (when b has one). */
static void add_key(struct bulk *b, uint64_t off, int t0, int64_t k0, int t1, int64_t k1)
{
	if (t0 == SQLITE_NULL && b->partial)
		return;
	if (t0 != SQLITE_INTEGER) {
		b->failed = true;
		return;
	}
	struct ct_bulk_entry *e = &b->v[b->n];
	if (b->k == 1) {
		e->a = (uint64_t)k0;
		e->b = off;
	} else {
		if (k0 < INT32_MIN || k0 > INT32_MAX || t1 != SQLITE_INTEGER) {
			b->failed = true;
			return;
		}
		e->a = (uint64_t)k1;
		e->b = ((uint64_t)(k0 + (int64_t)BIAS32) << 32) | off;
	}
	b->n++;
}

static void sink_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pass *ps = sqlite3_user_data(ctx);
	const struct build *bd = ps->bd;
	int64_t rid = sqlite3_value_int64(argv[0]);
	uint64_t off = (uint64_t)rid - (uint64_t)bd->base; /* no overflow: checked below */
	/* in the order of the row ids, and none added since they were read */
	bool ok = rid > ps->last && rid >= bd->base && off < bd->rows;
	ps->last = rid;
	int type[2 * BULK_MAX_INDEXES];
	int64_t val[2 * BULK_MAX_INDEXES];
	for (int c = 1; c < argc && c <= 2 * BULK_MAX_INDEXES; c++) {
		type[c - 1] = sqlite3_value_type(argv[c]);
		val[c - 1] = type[c - 1] == SQLITE_INTEGER ? sqlite3_value_int64(argv[c]) : 0;
	}
	for (size_t i = 0; i < ps->ng; i++) {
		struct bulk *b = ps->g[i];
		if (b->failed)
			continue;
		if (!ok || b->n == bd->rows) {
			b->failed = true;
			continue;
		}
		int c0 = b->col[0], c1 = b->k == 2 ? b->col[1] : c0;
		add_key(b, off, type[c0], val[c0], type[c1], val[c1]);
	}
}

static void sink_final(sqlite3_context *ctx)
{
	sqlite3_result_null(ctx);
}

/* Row r's value of c: its type (SQLITE_INTEGER or SQLITE_NULL) in *type. */
static int64_t col_value(const struct ct_bulk_col *c, size_t r, int *type)
{
	int64_t v = c->width == 8 ? ((const int64_t *)c->v)[r] : (int64_t)((const uint32_t *)c->v)[r];
	bool null = c->nulls && (c->nulls[r / 64] >> (r % 64) & 1);
	*type = null ? SQLITE_NULL : SQLITE_INTEGER;
	return null ? 0 : v;
}

/* The keys of a pass from the columns gathered in the load instead of a
 * pass over the table; false (nothing done) when they lack a column. */
static bool keys_from_cols(const struct build *bd, char cols[][64], int ncols, struct bulk **g, size_t ng)
{
	const struct ct_bulk_col *src[2 * BULK_MAX_INDEXES];
	for (int c = 0; c < ncols; c++) {
		src[c] = NULL;
		for (size_t j = 0; bd->cols && j < bd->cols->n; j++)
			if (strcmp(bd->cols->col[j].name, cols[c]) == 0)
				src[c] = &bd->cols->col[j];
		if (!src[c] || !src[c]->v || (src[c]->width != 4 && src[c]->width != 8))
			return false;
	}
	for (size_t i = 0; i < ng; i++) {
		struct bulk *b = g[i];
		if (b->failed)
			continue;
		const struct ct_bulk_col *x0 = src[b->col[0]], *x1 = src[b->col[b->k == 2 ? 1 : 0]];
		for (size_t r = 0; r < bd->rows && !b->failed; r++) {
			int t0, t1;
			int64_t k0 = col_value(x0, r, &t0), k1 = col_value(x1, r, &t1);
			add_key(b, r, t0, k0, t1, k1);
		}
	}
	return true;
}

/* One pass over the table for the indexes next.. that the memory allows;
 * every one of them is queued, sorted or failed.  false when nothing
 * remains. */
static bool read_pass(struct build *bd, sqlite3 *db)
{
	size_t per = bd->rows * sizeof(struct ct_bulk_entry);
	struct bulk *g[BULK_MAX_INDEXES];
	char cols[2 * BULK_MAX_INDEXES][64];
	int ncols = 0;
	size_t ng = 0;
	pthread_mutex_lock(&bd->mu);
	/* room for the pass's keys and a sort's spare beside what is queued */
	while (!bd->stop && bd->next < bd->n && bd->queued_bytes > 0 && bd->queued_bytes + 2 * per > bd->max_bytes)
		pthread_cond_wait(&bd->cv, &bd->mu);
	size_t room = bd->max_bytes > bd->queued_bytes ? bd->max_bytes - bd->queued_bytes : 0;
	size_t first = bd->next;
	/* the first pass reads one index's columns alone: the writer starts
	 * sooner */
	size_t most = bd->next == 0 ? 1 : BULK_MAX_INDEXES;
	while (!bd->stop && bd->next < bd->n && ng < most && (ng + 2) * per <= room) {
		ng++;
		bd->next++;
	}
	if (ng == 0 && !bd->stop && bd->next < bd->n) { /* even one does not fit: left to CREATE INDEX */
		ng = 1;
		bd->next++;
		room = 0;
	}
	bool stop = bd->stop;
	pthread_mutex_unlock(&bd->mu);
	if (stop || ng == 0)
		return false;
	bool fits = room > 0;
	for (size_t i = 0; i < ng; i++) {
		struct bulk *b = calloc(1, sizeof(*b));
		if (!b) { /* these and the rest of the pass: CREATE INDEX's */
			for (size_t j = 0; j < i; j++)
				g[j]->failed = true;
			ng = i;
			break;
		}
		b->spec = first + i;
		b->base = bd->base;
		b->failed =
			!fits || !parse_spec(&bd->spec[first + i], cols, &ncols, b) || !(b->v = malloc(per ? per : 1));
		ct_mem_huge(b->v, per); /* 16 MiB per 1M rows: 8 page faults instead of 4,096 */
		g[i] = b;
	}
	bool any = false;
	for (size_t i = 0; i < ng; i++)
		any |= !g[i]->failed;
	if (any && bd->cols && keys_from_cols(bd, cols, ncols, g, ng))
		any = false; /* no pass over the table */
	if (any) {
		struct ct_buf q = {0};
		ct_buf_printf(&q, "SELECT " BULK_SINK "(rowid");
		for (int c = 0; c < ncols; c++)
			ct_buf_printf(&q, ", \"%s\"", cols[c]);
		ct_buf_printf(&q, ") FROM \"%s\" NOT INDEXED", bd->table);
		struct pass ps = {.bd = bd, .g = g, .ng = ng, .last = INT64_MIN};
		sqlite3_stmt *st = NULL;
		if (!q.p ||
		    sqlite3_create_function_v2(db, BULK_SINK, -1, SQLITE_UTF8, &ps, NULL, sink_step, sink_final,
					       NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, q.p, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
			for (size_t i = 0; i < ng; i++)
				g[i]->failed = true;
		}
		sqlite3_finalize(st);
		sqlite3_create_function_v2(db, BULK_SINK, -1, SQLITE_UTF8, NULL, NULL, NULL, NULL, NULL);
		ct_buf_free(&q);
	}
	struct ct_bulk_entry *tmp = NULL;
	for (size_t i = 0; i < ng; i++) {
		struct bulk *b = g[i];
		if (!b->failed && b->n == 0)
			b->failed = true; /* an empty index costs CREATE INDEX nothing */
		if (!b->failed && !tmp) {
			if (!(tmp = malloc(per)))
				b->failed = true;
			ct_mem_huge(tmp, per);
		}
		if (!b->failed)
			ct_bulk_sort(b->v, tmp, b->n);
		if (b->failed) {
			free(b->v);
			b->v = NULL;
		}
		pthread_mutex_lock(&bd->mu);
		bd->queued_bytes += b->v ? per : 0;
		pthread_mutex_unlock(&bd->mu);
		put(bd, b);
	}
	free(tmp);
	return true;
}

struct reader_arg {
	struct build *bd;
	sqlite3 *db;
};

static void *reader_main(void *arg)
{
	struct reader_arg *ra = arg;
	while (read_pass(ra->bd, ra->db))
		;
	pthread_mutex_lock(&ra->bd->mu);
	ra->bd->done = true;
	pthread_cond_broadcast(&ra->bd->cv);
	pthread_mutex_unlock(&ra->bd->mu);
	return NULL;
}

int ct_bulk_build(sqlite3 *db, const char *table, const struct ct_bulk_spec *spec, size_t n, size_t max_bytes,
		  bool threads, const struct ct_bulk_cols *cols, bool *built, ct_bulk_step_fn step, void *ud,
		  const char *path, struct ct_err *err)
{
	for (size_t i = 0; i < n; i++)
		built[i] = false;
	if (n == 0 || n > BULK_MAX_INDEXES)
		return 0;
	/* the row ids bound the row count without reading the rows */
	char sql[256];
	/* (min and max in one SELECT would read every row) */
	snprintf(sql, sizeof(sql),
		 "SELECT lo, hi - lo + 1 FROM (SELECT (SELECT min(rowid) FROM \"%s\") AS lo,"
		 " (SELECT max(rowid) FROM \"%s\") AS hi)",
		 table, table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	int64_t base = 0, rows = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		base = sqlite3_column_int64(st, 0);
		rows = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	/* offsets within 32 bits, and one index and its sort within memory */
	if (rows <= 0 || rows > (int64_t)UINT32_MAX || (uint64_t)rows > max_bytes / 2 / sizeof(struct ct_bulk_entry))
		return 0;
	struct build bd = {
		.table = table, .spec = spec, .n = n, .max_bytes = max_bytes, .base = base, .rows = (size_t)rows};
	/* the gathered keys are of these very rows, or not used */
	if (cols && cols->base == base && cols->rows == (size_t)rows)
		bd.cols = cols;
	pthread_mutex_init(&bd.mu, NULL);
	pthread_cond_init(&bd.cv, NULL);
	/* the reading thread's own connection; without one, this thread reads
	 * each pass before writing it */
	struct reader_arg ra = {.bd = &bd};
	pthread_t thread;
	bool threaded = false;
	const char *file = sqlite3_db_filename(db, "main");
	if (threads && file && *file &&
	    sqlite3_open_v2(file, &ra.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(ra.db, 10000);
		threaded = pthread_create(&thread, NULL, reader_main, &ra) == 0;
	}
	if (!threaded) {
		sqlite3_close_v2(ra.db);
		ra.db = NULL;
	}
	int rc = 0;
	for (size_t got = 0; got < n;) {
		struct bulk *b = NULL;
		pthread_mutex_lock(&bd.mu);
		while (threaded && !bd.head && !bd.done)
			pthread_cond_wait(&bd.cv, &bd.mu);
		if (bd.head) {
			b = bd.head;
			bd.head = b->next;
			if (!bd.head)
				bd.tail = NULL;
		}
		bool done = bd.done;
		pthread_mutex_unlock(&bd.mu);
		if (!b) {
			if (threaded && done)
				break;
			if (!threaded && !read_pass(&bd, db))
				break;
			continue;
		}
		got++;
		if (!b->failed && rc == 0) {
			if (step)
				step(ud, b->spec);
			int w = write_index(db, table, &spec[b->spec], b, path, err);
			if (w < 0)
				rc = -1;
			else
				built[b->spec] = w == 1;
		}
		pthread_mutex_lock(&bd.mu);
		if (b->v)
			bd.queued_bytes -= bd.rows * sizeof(struct ct_bulk_entry);
		if (rc < 0)
			bd.stop = true;
		pthread_cond_broadcast(&bd.cv);
		pthread_mutex_unlock(&bd.mu);
		bulk_free(b);
	}
	if (threaded) {
		pthread_mutex_lock(&bd.mu);
		bd.stop = true;
		pthread_cond_broadcast(&bd.cv);
		pthread_mutex_unlock(&bd.mu);
		pthread_join(thread, NULL);
		sqlite3_close_v2(ra.db);
	}
	for (struct bulk *b = bd.head, *nx; b; b = nx) {
		nx = b->next;
		bulk_free(b);
	}
	pthread_mutex_destroy(&bd.mu);
	pthread_cond_destroy(&bd.cv);
	return rc;
}
