/* trace.c - the storyline from one starting point, and the list of
 * abused APIs.
 *
 * The walk is breadth first over "items": things to look up in the index
 * (an access key, a principal, an ARN, an address, an instance, a network
 * interface).  Looking one up yields events; each event is claimed by the
 * first item that reaches it (so it is listed once, at its lowest hop) and
 * may yield new items one hop further: the credentials an STS call
 * returned, the key, user or password an IAM call created, the instance
 * or interface an EC2 call launched.  Within a hop, keys go before users
 * and instances, so that an event reached both ways is told by the more
 * specific link.  Addresses are a weaker link: once every strong link is
 * followed, the events of other identities from the addresses the traced
 * identities used, in a window around that use, are added ("same IP").
 *
 * Events are read from the base table ev with dictionary ids joined; the
 * verbatim record is inflated only for the events whose links or details
 * matter (STS, IAM and EC2 calls that create things, abused APIs), so a
 * trace costs index lookups and not a scan.
 */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "sqlfn.h"
#include "store.h"

/* ---- the set of abused APIs ---- */

struct ct_apiset {
	char **names; /* open addressing, NULL = empty */
	size_t cap, n;
};

static uint64_t hash_str(const char *s, size_t len)
{
	return ct_hash64(s, len, 0x9e3779b97f4a7c15ULL);
}

static int apiset_add(struct ct_apiset *s, const char *name, size_t len)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		char **nv = calloc(cap, sizeof(*nv));
		if (!nv)
			return -1;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->names[i])
				continue;
			size_t j = hash_str(s->names[i], strlen(s->names[i])) & (cap - 1);
			while (nv[j])
				j = (j + 1) & (cap - 1);
			nv[j] = s->names[i];
		}
		free(s->names);
		s->names = nv;
		s->cap = cap;
	}
	size_t j = hash_str(name, len) & (s->cap - 1);
	while (s->names[j]) {
		if (strlen(s->names[j]) == len && memcmp(s->names[j], name, len) == 0)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	if (!(s->names[j] = ct_strndup(name, len)))
		return -1;
	s->n++;
	return 0;
}

bool ct_apiset_has(const struct ct_apiset *s, const char *name, size_t len)
{
	if (!s || !s->cap || !name)
		return false;
	size_t j = hash_str(name, len) & (s->cap - 1);
	while (s->names[j]) {
		if (strlen(s->names[j]) == len && memcmp(s->names[j], name, len) == 0)
			return true;
		j = (j + 1) & (s->cap - 1);
	}
	return false;
}

size_t ct_apiset_size(const struct ct_apiset *s)
{
	return s ? s->n : 0;
}

void ct_apiset_free(struct ct_apiset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
}

int ct_apiset_parse(const char *text, size_t len, const char *path, struct ct_apiset **ret, struct ct_err *err)
{
	struct ct_apiset *s = calloc(1, sizeof(*s));
	if (!s)
		return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
	const char *p = text, *end = text + len;
	uint64_t line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		const char *h = memchr(p, '#', (size_t)(le - p));
		const char *e = h ? h : le;
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > p) {
			for (const char *q = p; q < e; q++) {
				if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
				      (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' || *q == '.' || *q == ':')) {
					ct_apiset_free(s);
					return ct_err_set(err, CT_E_INPUT, path, line,
							  "'%.*s' is not an event name (one name a line, '#' comments)",
							  (int)CT_MIN(e - p, 80), p);
				}
			}
			if (apiset_add(s, p, (size_t)(e - p)) < 0) {
				ct_apiset_free(s);
				return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
			}
		}
		p = nl ? nl + 1 : end;
	}
	*ret = s;
	return 0;
}

int ct_apiset_load(const char *path, struct ct_apiset **ret, struct ct_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ct_err_set(err, errno == ENOENT ? CT_E_USAGE : CT_E_SYSTEM, path, 0, "cannot open: %s",
				  strerror(errno));
	struct ct_buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > (1u << 20)) {
			fclose(f);
			ct_buf_free(&b);
			return ct_err_set(err, CT_E_INPUT, path, 0, "larger than 1 MiB: not a list of event names");
		}
		if (ct_buf_append(&b, chunk, n) < 0) {
			fclose(f);
			ct_buf_free(&b);
			return ct_err_set(err, CT_E_NOMEM, path, 0, "out of memory");
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		ct_buf_free(&b);
		return ct_err_set(err, CT_E_SYSTEM, path, 0, "cannot read");
	}
	int rc = ct_apiset_parse(b.p ? b.p : "", b.len, path, ret, err);
	ct_buf_free(&b);
	return rc;
}

/* ---- small maps ---- */

/* string -> int64 */
struct smap {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

static int64_t *smap_get(const struct smap *m, const char *k)
{
	if (!m->cap || !k)
		return NULL;
	size_t j = hash_str(k, strlen(k)) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], k) == 0)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

static int smap_put(struct smap *m, const char *k, int64_t v)
{
	int64_t *p = smap_get(m, k);
	if (p) {
		*p = v;
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		char **nk = calloc(cap, sizeof(*nk));
		int64_t *nv = calloc(cap, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = hash_str(m->keys[i], strlen(m->keys[i])) & (cap - 1);
			while (nk[j])
				j = (j + 1) & (cap - 1);
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = cap;
	}
	size_t j = hash_str(k, strlen(k)) & (m->cap - 1);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	if (!(m->keys[j] = strdup(k)))
		return -1;
	m->vals[j] = v;
	m->n++;
	return 0;
}

static void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static uint64_t hash_i64(int64_t x)
{
	uint64_t z = (uint64_t)x * 0x9e3779b97f4a7c15ULL;
	return z ^ (z >> 29);
}

/* row id (> 0) -> owned text or NULL.  The text of a dictionary table
 * (names, strs, details), each id looked up once per trace: an event row
 * is read as ids, not as a dozen joins.  With NULL values, a set of ids. */
struct idmap {
	int64_t *k; /* 0: empty */
	char **v;
	size_t cap, n;
	sqlite3_stmt *get;
};

static void idmap_free(struct idmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i]);
	free(m->k);
	free(m->v);
	sqlite3_finalize(m->get);
	memset(m, 0, sizeof(*m));
}

/* The slot of k, or the empty one where k goes (m->cap > 0). */
static size_t idmap_slot(const int64_t *keys, size_t cap, int64_t k)
{
	size_t j = hash_i64(k) & (cap - 1);
	while (keys[j] && keys[j] != k)
		j = (j + 1) & (cap - 1);
	return j;
}

static bool idmap_find(const struct idmap *m, int64_t k, char **ret_v)
{
	if (!m->cap)
		return false;
	size_t j = idmap_slot(m->k, m->cap, k);
	if (m->k[j] != k)
		return false;
	if (ret_v)
		*ret_v = m->v[j];
	return true;
}

/* Adds k (not in m yet) with v, which m then owns. */
static int idmap_put(struct idmap *m, int64_t k, char *v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		int64_t *nk = calloc(cap, sizeof(*nk));
		char **nv = calloc(cap, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->k[i])
				continue;
			size_t j = idmap_slot(nk, cap, m->k[i]);
			nk[j] = m->k[i];
			nv[j] = m->v[i];
		}
		free(m->k);
		free(m->v);
		m->k = nk;
		m->v = nv;
		m->cap = cap;
	}
	size_t j = idmap_slot(m->k, m->cap, k);
	m->k[j] = k;
	m->v[j] = v;
	m->n++;
	return 0;
}

/* a growable array of pointers */
struct vec {
	void **v;
	size_t n, cap;
};

static int vec_push(struct vec *a, void *p)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		void **nv = realloc(a->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = p;
	return 0;
}

/* ---- the trace ---- */

enum node_kind {
	NK_KEY,       /* a long-term access key (AKIA) */
	NK_SESSION,   /* temporary credentials (ASIA), or a role session */
	NK_PRINCIPAL, /* an identity seen without a key */
	NK_USER,      /* an IAM user created or given a password */
	NK_IP,
	NK_INSTANCE,
	NK_ENI,
	NK_RESOURCE,
	NK_SERVICE,
	NK_FINDING,
	NK_NKINDS,
};

struct node {
	int kind;
	char *id;    /* unique, e.g. "k:AKIA...", "ip:203.0.113.66" */
	char *title; /* first line of the label */
	char *sub;   /* second line, may be NULL */
	int hop;     /* the hop it was reached at */
	int sev;     /* highest finding severity touching it, -1 */
	bool start;
	bool stub; /* reached but not followed (--depth) */
	uint64_t weight;
	uint64_t count; /* findings: how many this node stands for */
	size_t order;
};

enum edge_kind { EK_LINK, EK_CALL, EK_SOURCE, EK_FLOW, EK_FINDING, EK_HAS };

struct edge {
	int from, to;
	int kind;
	char *what;
	uint64_t n;
	int64_t first, last;
	uint64_t bytes;
};

enum item_kind { IT_EVENT, IT_KEY, IT_PRINCIPAL, IT_IP, IT_ARN, IT_INSTANCE, IT_ENI, IT_SAMEIP, IT_NKINDS };

struct item {
	int kind;
	char *value;
	int hop;
	char *via;
	int node;
	int64_t from, to; /* IT_SAMEIP: the window; IT_ARN: from = not before */
	bool done;
};

struct instance {
	int node;
	char *id;
	struct vec enis, ips; /* char * */
};

struct ct_trace {
	struct ct_index *idx;
	sqlite3 *db;
	const struct ct_trace_opts *o;
	struct ct_trace_opts opts;
	int64_t since, until;
	struct vec rows;  /* struct ct_trace_row * */
	struct vec nodes; /* struct node * */
	struct vec edges; /* struct edge * */
	struct vec items; /* struct item * */
	struct vec insts; /* struct instance * */
	struct smap node_ids, edge_ids, item_ids, users, ipseen, event_hop, arn_hop, flowed;
	struct idmap seen; /* the events handled: a set */
	uint64_t rows_dropped;
	int64_t first_ts, last_ts;
	sqlite3_stmt *raw, *flow_by_id;
	struct idmap names, strs, details;
	bool inst_sessions; /* temp.trace_inst_sess is filled */
	char *start_desc;
	struct ct_err *err;
};

static void *nomem(struct ct_trace *t)
{
	ct_err_set(t->err, CT_E_NOMEM, NULL, 0, "out of memory");
	return NULL;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "2024-03-12T13:44:12Z" (milliseconds only when there are some) */
static void iso_s(int64_t ms, char buf[32])
{
	ct_time_format(ms, buf);
	if (ms % 1000 == 0) {
		buf[19] = 'Z';
		buf[20] = 0;
	}
}

static int sql_fail(struct ct_trace *t, const char *what)
{
	int rc = sqlite3_errcode(t->db);
	int code = rc == SQLITE_NOMEM                            ? CT_E_NOMEM
		   : rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? CT_E_CORRUPT
		   : rc == SQLITE_IOERR                          ? CT_E_SYSTEM
								 : CT_E_QUERY;
	return ct_err_set(t->err, code, ct_index_path(t->idx), 0, "trace: %s: %s", what, sqlite3_errmsg(t->db));
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- nodes and edges ---- */

static int node_get(struct ct_trace *t, const char *id)
{
	int64_t *p = smap_get(&t->node_ids, id);
	return p ? (int)*p : -1;
}

/* Finds or adds a node; a new node gets the title, sub and hop given. */
static int node_add(struct ct_trace *t, int kind, const char *id, const char *title, const char *sub, int hop)
{
	int n = node_get(t, id);
	if (n >= 0) {
		struct node *x = t->nodes.v[n];
		if (hop < x->hop)
			x->hop = hop;
		if (!x->sub && sub)
			x->sub = xstrdup(sub);
		return n;
	}
	struct node *x = calloc(1, sizeof(*x));
	if (!x || !(x->id = strdup(id)) || !(x->title = strdup(title ? title : id)) ||
	    (sub && !(x->sub = strdup(sub)))) {
		if (x) {
			free(x->id);
			free(x->title);
		}
		free(x);
		nomem(t);
		return -1;
	}
	x->kind = kind;
	x->hop = hop;
	x->sev = -1;
	x->order = t->nodes.n;
	if (vec_push(&t->nodes, x) < 0 || smap_put(&t->node_ids, id, (int64_t)t->nodes.n - 1) < 0) {
		nomem(t);
		return -1;
	}
	return (int)t->nodes.n - 1;
}

static struct node *N(struct ct_trace *t, int i)
{
	return t->nodes.v[i];
}

static int edge_add(struct ct_trace *t, int from, int to, int kind, const char *what, int64_t ts, uint64_t n,
		    int64_t last, uint64_t bytes)
{
	if (from < 0 || to < 0 || from == to)
		return 0;
	struct ct_buf k = {0};
	if (ct_buf_printf(&k, "%d|%d|%d|%s", from, to, kind, what) < 0) {
		nomem(t);
		return -1;
	}
	int64_t *p = smap_get(&t->edge_ids, k.p);
	struct edge *e;
	if (p) {
		e = t->edges.v[*p];
		if (ts < e->first)
			e->first = ts;
	} else {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->what = strdup(what)) || vec_push(&t->edges, e) < 0 ||
		    smap_put(&t->edge_ids, k.p, (int64_t)t->edges.n - 1) < 0) {
			if (e)
				free(e->what);
			free(e);
			ct_buf_free(&k);
			nomem(t);
			return -1;
		}
		e->from = from;
		e->to = to;
		e->kind = kind;
		e->first = ts;
		e->last = last;
	}
	ct_buf_free(&k);
	e->n += n;
	if (last > e->last)
		e->last = last;
	e->bytes += bytes;
	return 0;
}

/* ---- rows ---- */

static int row_add(struct ct_trace *t, int kind, int hop, const char *via, int64_t ts, const char *identity,
		   const char *akey, const char *ip, const char *event, const char *detail, const char *event_id)
{
	if (t->rows.n >= CT_TRACE_MAX_ROWS) {
		t->rows_dropped++;
		return 0;
	}
	struct ct_trace_row *r = calloc(1, sizeof(*r));
	if (!r)
		goto fail;
	r->kind = kind;
	r->hop = hop;
	r->ts = ts;
	if (!(r->via = xstrdup(via)) && via)
		goto fail;
	r->identity = xstrdup(identity);
	r->access_key = xstrdup(akey);
	r->source_ip = xstrdup(ip);
	r->event = xstrdup(event);
	r->detail = xstrdup(detail);
	r->event_id = xstrdup(event_id);
	if ((identity && !r->identity) || (akey && !r->access_key) || (ip && !r->source_ip) || (event && !r->event) ||
	    (detail && !r->detail) || (event_id && !r->event_id))
		goto fail;
	if (vec_push(&t->rows, r) < 0)
		goto fail;
	r->seq = (int64_t)t->rows.n;
	if (ts < t->first_ts)
		t->first_ts = ts;
	if (ts > t->last_ts)
		t->last_ts = ts;
	return 0;
fail:
	if (r) {
		free((char *)r->via);
		free((char *)r->identity);
		free((char *)r->access_key);
		free((char *)r->source_ip);
		free((char *)r->event);
		free((char *)r->detail);
		free((char *)r->event_id);
	}
	free(r);
	nomem(t);
	return -1;
}

/* ---- items ---- */

static const char *const item_names[IT_NKINDS] = {"event", "key",      "principal", "ip",
						  "arn",   "instance", "eni",       "sameip"};

/* Queues an item unless one of the same kind and value is known; returns
 * 1 when queued, 0 when known, -1 on error. */
static int item_add(struct ct_trace *t, int kind, const char *value, int hop, const char *via, int node)
{
	struct ct_buf k = {0};
	if (ct_buf_printf(&k, "%s:%s", item_names[kind], value) < 0) {
		nomem(t);
		return -1;
	}
	if (smap_get(&t->item_ids, k.p)) {
		ct_buf_free(&k);
		return 0;
	}
	struct item *it = calloc(1, sizeof(*it));
	if (!it || !(it->value = strdup(value)) || !(it->via = strdup(via)) || vec_push(&t->items, it) < 0 ||
	    smap_put(&t->item_ids, k.p, (int64_t)t->items.n - 1) < 0) {
		if (it) {
			free(it->value);
			free(it->via);
		}
		free(it);
		ct_buf_free(&k);
		nomem(t);
		return -1;
	}
	ct_buf_free(&k);
	it->kind = kind;
	it->hop = hop;
	it->node = node;
	it->from = INT64_MIN;
	it->to = INT64_MAX;
	if (node >= 0 && hop > t->o->depth)
		N(t, node)->stub = true;
	return 1;
}

/* ---- JSON of the verbatim record ---- */

/* The value at a dotted path of objects, or NULL. */
static json_t *jpath(json_t *j, const char *path)
{
	char part[128];
	while (j && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);
		if (l >= sizeof(part))
			return NULL;
		memcpy(part, path, l);
		part[l] = 0;
		j = json_is_object(j) ? json_object_get(j, part) : NULL;
		path += l + (dot ? 1 : 0);
	}
	return j;
}

static const char *jstr(json_t *j, const char *path)
{
	json_t *v = jpath(j, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *load_raw(struct ct_trace *t, int64_t id)
{
	if (!t->raw && sqlite3_prepare_v2(t->db, "SELECT ct_record(blk, boff, blen) FROM ev WHERE id = ?", -1, &t->raw,
					  NULL) != SQLITE_OK) {
		sql_fail(t, "reading a record");
		return NULL;
	}
	sqlite3_reset(t->raw);
	sqlite3_bind_int64(t->raw, 1, id);
	json_t *j = NULL;
	if (sqlite3_step(t->raw) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(t->raw, 0);
		if (s)
			j = json_loadb(s, (size_t)sqlite3_column_bytes(t->raw, 0), 0, NULL);
	}
	sqlite3_reset(t->raw);
	return j;
}

/* ---- describing an event ---- */

struct evrow {
	int64_t id, ts;
	const char *name, *source, *event_id, *akey, *iarn, *itype, *uname, *ip, *ecode, *acct, *siarn, *siname, *invby,
		*ipid, *emsg;
	const char *detail, *link; /* computed at ingest (lib/detail.c) */
	char eid[40];              /* event_id when kept as 16 bytes */
};

/* The text of id in a dictionary table (NULL for 0, NULL or unknown);
 * NULL with t->err set when a lookup failed. */
static const char *lookup_id(struct ct_trace *t, struct idmap *m, const char *table, sqlite3_stmt *row, int ci)
{
	if (sqlite3_column_type(row, ci) == SQLITE_NULL)
		return NULL;
	int64_t id = sqlite3_column_int64(row, ci);
	if (id == 0)
		return NULL;
	char *known;
	if (idmap_find(m, id, &known))
		return known;
	if (!m->get) {
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT s FROM %s WHERE id = ?", table);
		if (sqlite3_prepare_v3(t->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m->get, NULL) != SQLITE_OK)
			return sql_fail(t, "events"), NULL;
	}
	sqlite3_bind_int64(m->get, 1, id);
	char *v = NULL;
	int rc = sqlite3_step(m->get);
	if (rc == SQLITE_ROW && sqlite3_column_type(m->get, 0) != SQLITE_NULL && !(v = strdup(col(m->get, 0)))) {
		sqlite3_reset(m->get);
		return nomem(t);
	}
	sqlite3_reset(m->get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(t, "events"), NULL;
	if (idmap_put(m, id, v) < 0) {
		free(v);
		return nomem(t);
	}
	return v;
}

static const char ev_select[] =
	"SELECT e.id, e.ts, e.ename, e.esrc, e.event_id, e.akey, e.iarn, e.itype, e.uname, e.ip, e.ecode, e.acct,"
	" e.siarn, e.siname, e.invby, e.ipid, e.emsg, e.detail, e.link, e.eid FROM ev e";

/* ev keeps a canonical UUID as two integers (ct_event_key_make): the
 * text again, as the events view shows it (c: event_id, eid_col: eid) */
static const char *event_id_text(sqlite3_stmt *st, int c, int eid_col, char out[40])
{
	if (sqlite3_column_type(st, c) == SQLITE_INTEGER) {
		ct_event_key_text(sqlite3_column_int64(st, eid_col), sqlite3_column_int64(st, c), out);
		return out;
	}
	return col(st, c);
}

/* Reads a row of ev_select; -1 when a dictionary lookup failed. */
static int evrow_read(struct ct_trace *t, sqlite3_stmt *st, struct evrow *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->ts = sqlite3_column_int64(st, 1);
	r->name = lookup_id(t, &t->names, "names", st, 2);
	r->source = lookup_id(t, &t->names, "names", st, 3);
	r->event_id = event_id_text(st, 4, 19, r->eid);
	r->akey = lookup_id(t, &t->strs, "strs", st, 5);
	r->iarn = lookup_id(t, &t->strs, "strs", st, 6);
	r->itype = lookup_id(t, &t->strs, "strs", st, 7);
	r->uname = lookup_id(t, &t->strs, "strs", st, 8);
	r->ip = lookup_id(t, &t->strs, "strs", st, 9);
	r->ecode = lookup_id(t, &t->strs, "strs", st, 10);
	r->acct = lookup_id(t, &t->strs, "strs", st, 11);
	r->siarn = lookup_id(t, &t->strs, "strs", st, 12);
	r->siname = lookup_id(t, &t->strs, "strs", st, 13);
	r->invby = lookup_id(t, &t->strs, "strs", st, 14);
	r->ipid = lookup_id(t, &t->strs, "strs", st, 15);
	r->emsg = lookup_id(t, &t->strs, "strs", st, 16);
	r->detail = lookup_id(t, &t->details, "details", st, 17);
	r->link = col(st, 18);
	if (r->akey && !r->akey[0])
		r->akey = NULL;
	return t->err->code ? -1 : 0;
}

static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The identity as timeline shows it: the user name; ROLE/SESSION for an
 * assumed role; root; the service for an AWS service. */
static char *short_identity(const struct evrow *r)
{
	const char *p;
	if (eq(r->itype, "AssumedRole") && r->iarn && (p = strstr(r->iarn, ":assumed-role/")))
		return strdup(p + 14);
	if (eq(r->itype, "FederatedUser") && r->iarn && (p = strstr(r->iarn, ":federated-user/"))) {
		struct ct_buf b = {0};
		ct_buf_printf(&b, "federated/%s", p + 16);
		return b.p;
	}
	if (eq(r->itype, "Root"))
		return strdup("root");
	if (eq(r->itype, "AWSService"))
		return strdup(r->invby ? r->invby : "AWSService");
	const char *v = r->uname    ? r->uname
			: r->siname ? r->siname
			: r->invby  ? r->invby
			: r->iarn   ? r->iarn
			: r->ipid   ? r->ipid
				    : "unknown";
	return strdup(v);
}

/* A finding's identity ARN as short_identity() names the caller:
 * ROLE/SESSION, the user name, federated/NAME, root; else as given. */
static char *short_arn(const char *arn)
{
	const char *p;
	struct ct_buf b = {0};
	if (!arn)
		return NULL;
	if ((p = strstr(arn, ":assumed-role/")))
		ct_buf_printf(&b, "%s", p + 14);
	else if ((p = strstr(arn, ":federated-user/")))
		ct_buf_printf(&b, "federated/%s", p + 16);
	else if (strncmp(arn, "arn:", 4) == 0 && (p = strstr(arn, ":user/")))
		ct_buf_printf(&b, "%s", strrchr(p, '/') + 1);
	else if (strncmp(arn, "arn:", 4) == 0 && strlen(arn) > 5 && strcmp(arn + strlen(arn) - 5, ":root") == 0)
		ct_buf_printf(&b, "root");
	else
		ct_buf_printf(&b, "%s", arn);
	return b.p;
}

/* the lists live with the link facts ingest keeps (lib/detail.c) */
static bool is_sts_creds(const char *n)
{
	return n && ct_detail_is_sts_creds(n, strlen(n));
}

static bool is_link(const char *n)
{
	return n && ct_detail_is_link(n, strlen(n));
}

/* ---- graph helpers for events ---- */

static int service_node(struct ct_trace *t, const char *source, int hop)
{
	char id[300], title[256];
	const char *s = source ? source : "unknown";
	size_t l = strlen(s);
	if (l > 14 && strcmp(s + l - 14, ".amazonaws.com") == 0)
		l -= 14;
	snprintf(title, sizeof(title), "%.*s", (int)CT_MIN(l, 200), s);
	snprintf(id, sizeof(id), "svc:%s", title);
	return node_add(t, NK_SERVICE, id, title, NULL, hop);
}

static int ip_node(struct ct_trace *t, const char *ip, int hop)
{
	struct ct_buf b = {0};
	if (ct_buf_printf(&b, "ip:%s", ip) < 0)
		return nomem(t), -1;
	int n = node_add(t, NK_IP, b.p, ip, NULL, hop);
	ct_buf_free(&b);
	return n;
}

static int key_node(struct ct_trace *t, const char *key, const char *title, int hop)
{
	struct ct_buf b = {0};
	if (ct_buf_printf(&b, "k:%s", key) < 0)
		return nomem(t), -1;
	bool sess = strncmp(key, "ASIA", 4) == 0;
	int n = node_add(t, sess ? NK_SESSION : NK_KEY, b.p, title ? title : key, title ? key : NULL, hop);
	ct_buf_free(&b);
	return n;
}

static int principal_node(struct ct_trace *t, const char *arn, const char *title, int kind, int hop)
{
	struct ct_buf b = {0};
	if (ct_buf_printf(&b, "p:%s", arn) < 0)
		return nomem(t), -1;
	int n = node_add(t, kind, b.p, title, NULL, hop);
	ct_buf_free(&b);
	return n;
}

/* "AKIA... (dev-alice)" style reference to the actor, for via texts */
static void actor_ref(struct ct_buf *b, const struct evrow *r, const char *ident)
{
	if (r->akey)
		ct_buf_printf(b, "%s", r->akey);
	else
		ct_buf_printf(b, "%s", ident);
}

static void add_str(struct vec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return;
	char *d = strdup(s);
	if (d && vec_push(v, d) < 0)
		free(d);
}

static struct instance *instance_get(struct ct_trace *t, const char *id, int node)
{
	for (size_t i = 0; i < t->insts.n; i++) {
		struct instance *x = t->insts.v[i];
		if (strcmp(x->id, id) == 0)
			return x;
	}
	struct instance *x = calloc(1, sizeof(*x));
	if (!x || !(x->id = strdup(id)) || vec_push(&t->insts, x) < 0) {
		if (x)
			free(x->id);
		free(x);
		return nomem(t);
	}
	x->node = node;
	return x;
}

static void instance_sub(struct ct_trace *t, struct instance *x)
{
	struct node *n = N(t, x->node);
	struct ct_buf b = {0};
	for (size_t i = 0; i < x->enis.n; i++)
		ct_buf_printf(&b, "%s%s", i ? " " : "", (char *)x->enis.v[i]);
	for (size_t i = 0; i < x->ips.n; i++)
		ct_buf_printf(&b, "%s%s", b.len ? (i ? " " : "\n") : "", (char *)x->ips.v[i]);
	free(n->sub);
	n->sub = b.p;
}

/* The ARN of IAM user `u` of account `acct` as the index holds it, into
 * *ret: a user with a path signs as "user/PATH/NAME", and neither
 * CreateLoginProfile nor UpdateLoginProfile returns the ARN.  Without one
 * in the index, the ARN without a path.  `like` is an ARN of the same
 * partition (may be NULL: "aws"). */
static int user_arn(struct ct_trace *t, const char *acct, const char *u, const char *like, struct ct_buf *ret)
{
	const char *part = "aws", *colon;
	int plen = 3;
	if (like && strncmp(like, "arn:", 4) == 0 && (colon = strchr(like + 4, ':'))) {
		part = like + 4;
		plen = (int)(colon - part);
	}
	struct ct_buf lo = {0}, hi = {0};
	if (ct_buf_printf(&lo, "arn:%.*s:iam::%s:user/", plen, part, acct ? acct : "") < 0 ||
	    ct_buf_printf(&hi, "arn:%.*s:iam::%s:user0", plen, part, acct ? acct : "") < 0) {
		ct_buf_free(&lo);
		return nomem(t), -1;
	}
	/* the account's user ARNs are one range of the unique index */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(t->db, "SELECT s FROM strs WHERE s > ?1 AND s < ?2 ORDER BY s", -1, &st, NULL) !=
	    SQLITE_OK) {
		ct_buf_free(&lo);
		ct_buf_free(&hi);
		return sql_fail(t, "users");
	}
	sqlite3_bind_text(st, 1, lo.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi.p, -1, SQLITE_STATIC);
	size_t ul = strlen(u);
	int rc = 0, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = col(st, 0);
		size_t vl = v ? strlen(v) : 0;
		if (vl > ul && v[vl - ul - 1] == '/' && strcmp(v + vl - ul, u) == 0) {
			rc = ct_buf_printf(ret, "%s", v);
			break;
		}
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = sql_fail(t, "users");
	else if (!ret->len && rc == 0)
		rc = ct_buf_printf(ret, "%s%s", lo.p, u);
	if (rc < 0 && !t->err->code)
		nomem(t);
	sqlite3_finalize(st);
	ct_buf_free(&lo);
	ct_buf_free(&hi);
	return rc < 0 ? -1 : 0;
}

/* Follows what a successful event created or returned.  `actor` is the
 * node of the caller; `via` is built from the event. */
static int follow_links(struct ct_trace *t, const struct evrow *r, json_t *j, const char *ident, int actor, int hop)
{
	const char *n = r->name;
	char when[32];
	iso_s(r->ts, when);
	struct ct_buf via = {0}, title = {0};
	int rc = 0;
	json_t *rp = jpath(j, "requestParameters"), *re = jpath(j, "responseElements");
	ct_buf_printf(&via, "%s by ", n);
	actor_ref(&via, r, ident);
	ct_buf_printf(&via, " at %s", when);
	if (is_sts_creds(n)) {
		const char *k2 = jstr(re, "credentials.accessKeyId");
		const char *arole = jstr(re, "assumedRoleUser.arn");
		const char *fed = jstr(re, "federatedUser.arn");
		const char *p;
		if (arole && (p = strstr(arole, ":assumed-role/")))
			ct_buf_printf(&title, "%s", p + 14);
		else if (fed && (p = strstr(fed, ":federated-user/")))
			ct_buf_printf(&title, "federated/%s", p + 16);
		else if (jstr(rp, "roleArn")) {
			const char *ra = jstr(rp, "roleArn"), *slash = strrchr(ra, '/');
			ct_buf_printf(&title, "%s/%s", slash ? slash + 1 : ra,
				      jstr(rp, "roleSessionName") ? jstr(rp, "roleSessionName") : "?");
		} else
			ct_buf_printf(&title, "%s session", ident);
		if (k2) {
			int c = key_node(t, k2, title.p, hop + 1);
			if (c < 0 || edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0 ||
			    item_add(t, IT_KEY, k2, hop + 1, via.p, c) < 0)
				rc = -1;
		} else if (arole) {
			int c = principal_node(t, arole, title.p, NK_SESSION, hop + 1);
			if (c < 0 || edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0 ||
			    item_add(t, IT_ARN, arole, hop + 1, via.p, c) < 0)
				rc = -1;
		}
	} else if (eq(n, "CreateAccessKey")) {
		const char *k2 = jstr(re, "accessKey.accessKeyId");
		const char *u = jstr(re, "accessKey.userName");
		if (!u)
			u = jstr(rp, "userName");
		if (!u)
			u = r->uname;
		if (k2) {
			int c = key_node(t, k2, u, hop + 1);
			if (c < 0 || edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0 ||
			    item_add(t, IT_KEY, k2, hop + 1, via.p, c) < 0)
				rc = -1;
			int64_t *un = u ? smap_get(&t->users, u) : NULL;
			if (!rc && un && edge_add(t, (int)*un, c, EK_HAS, "access key", r->ts, 1, r->ts, 0) < 0)
				rc = -1;
		}
	} else if (eq(n, "CreateUser") || eq(n, "CreateLoginProfile") || eq(n, "UpdateLoginProfile")) {
		const char *u = jstr(rp, "userName");
		const char *arn = jstr(re, "user.arn");
		if (u) {
			struct ct_buf a = {0};
			int64_t *un = smap_get(&t->users, u);
			int c = un ? (int)*un : -1;
			if (c < 0) {
				if (arn)
					ct_buf_printf(&a, "%s", arn);
				else if (user_arn(t, r->acct, u, r->iarn, &a) < 0) {
					ct_buf_free(&via);
					ct_buf_free(&title);
					return -1;
				}
				ct_buf_printf(&title, "user %s", u);
				c = principal_node(t, a.p, title.p, NK_USER, hop + 1);
				if (c >= 0 && smap_put(&t->users, u, c) < 0)
					c = -1;
			} else {
				ct_buf_printf(&a, "%s", N(t, c)->id + 2);
			}
			int q = c < 0 || edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0
					? -1
					: item_add(t, IT_ARN, a.p, hop + 1, via.p, c);
			if (q < 0)
				rc = -1;
			/* a password given to a user who existed before: what the
			 * user did from then on, not the user's earlier work */
			else if (q == 1 && !eq(n, "CreateUser"))
				((struct item *)t->items.v[t->items.n - 1])->from = r->ts;
			ct_buf_free(&a);
		}
	} else if (eq(n, "RunInstances")) {
		json_t *items = jpath(re, "instancesSet.items"), *it;
		size_t i;
		json_array_foreach(items, i, it)
		{
			const char *id = jstr(it, "instanceId");
			if (!id)
				continue;
			struct ct_buf nid = {0};
			ct_buf_printf(&nid, "i:%s", id);
			int c = node_add(t, NK_INSTANCE, nid.p, id, NULL, hop + 1);
			ct_buf_free(&nid);
			struct instance *x = c >= 0 ? instance_get(t, id, c) : NULL;
			if (!x)
				return ct_buf_free(&via), ct_buf_free(&title), -1;
			json_t *nis = jpath(it, "networkInterfaceSet.items"), *ni;
			size_t k;
			json_array_foreach(nis, k, ni)
			{
				if (jstr(ni, "networkInterfaceId"))
					add_str(&x->enis, jstr(ni, "networkInterfaceId"));
				if (jstr(ni, "privateIpAddress"))
					add_str(&x->ips, jstr(ni, "privateIpAddress"));
			}
			if (jstr(it, "privateIpAddress"))
				add_str(&x->ips, jstr(it, "privateIpAddress"));
			instance_sub(t, x);
			if (edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0 ||
			    item_add(t, IT_INSTANCE, id, hop + 1, via.p, c) < 0)
				rc = -1;
		}
	} else if (eq(n, "CreateNetworkInterface") || eq(n, "AttachNetworkInterface")) {
		const char *eni = eq(n, "CreateNetworkInterface") ? jstr(re, "networkInterface.networkInterfaceId")
								  : jstr(rp, "networkInterfaceId");
		const char *pip = jstr(re, "networkInterface.privateIpAddress");
		const char *inst = jstr(rp, "instanceId");
		if (eni) {
			struct ct_buf nid = {0};
			ct_buf_printf(&nid, "eni:%s", eni);
			int c = node_add(t, NK_ENI, nid.p, eni, pip, hop + 1);
			ct_buf_free(&nid);
			if (c < 0 || edge_add(t, actor, c, EK_LINK, n, r->ts, 1, r->ts, 0) < 0)
				rc = -1;
			struct ct_buf iid = {0};
			ct_buf_printf(&iid, "i:%s", inst ? inst : "");
			int in = inst ? node_get(t, iid.p) : -1;
			ct_buf_free(&iid);
			if (!rc && in >= 0 && edge_add(t, in, c, EK_HAS, "interface", r->ts, 1, r->ts, 0) < 0)
				rc = -1;
			if (!rc && item_add(t, IT_ENI, eni, hop + 1, via.p, c) < 0)
				rc = -1;
		}
	}
	ct_buf_free(&via);
	ct_buf_free(&title);
	return rc;
}

/* The detail of an event: the one computed at ingest, then its error. */
static void event_detail(struct ct_buf *b, const struct evrow *r)
{
	if (r->detail && r->detail[0])
		ct_buf_printf(b, "%s", r->detail);
	if (r->ecode)
		ct_buf_printf(b, "%s%s", b->len ? " " : "", r->ecode);
	else if (r->emsg)
		ct_buf_printf(b, "%sfailed", b->len ? " " : "");
}

/* What an event that creates something says about it, in the shape of
 * the record (requestParameters, responseElements, additionalEventData):
 * its link facts when ingest kept them; for an STS call, read back from
 * its detail; else the verbatim record. */
static json_t *load_facts(struct ct_trace *t, const struct evrow *r)
{
	if (r->link)
		return json_loads(r->link, 0, NULL);
	if (r->name && ct_detail_is_sts_creds(r->name, strlen(r->name)) && r->detail) {
		char *ra, *sess, *name, *key;
		if (ct_detail_sts_parse(r->detail, &ra, &sess, &name, &key) < 0)
			return nomem(t), NULL;
		json_t *rp = json_object(), *re = json_object(), *j = json_object();
		if (ra)
			json_object_set_new(rp, "roleArn", json_string(ra));
		if (sess)
			json_object_set_new(rp, "roleSessionName", json_string(sess));
		if (name) {
			json_object_set_new(rp, "name", json_string(name));
			char *fed = NULL;
			if (asprintf(&fed, "arn:aws:sts::%s:federated-user/%s", r->acct ? r->acct : "", name) >= 0) {
				json_object_set_new(re, "federatedUser", json_pack("{s:s}", "arn", fed));
				free(fed);
			}
		}
		if (key)
			json_object_set_new(re, "credentials", json_pack("{s:s}", "accessKeyId", key));
		json_object_set_new(j, "requestParameters", rp);
		json_object_set_new(j, "responseElements", re);
		free(ra);
		free(sess);
		free(name);
		free(key);
		return j;
	}
	return load_raw(t, r->id);
}

/* The node an abused call acted on, from its detail: a node already
 * known (a user the trace created, an instance it launched) or a
 * resource named by the service and the detail; -1 for none. */
static int resource_node(struct ct_trace *t, const struct evrow *r, int hop)
{
	const char *d = r->detail;
	if (!d || !d[0])
		return -1;
	if (strncmp(d, "user=", 5) == 0) {
		char u[256];
		size_t n = strcspn(d + 5, " ");
		if (n < sizeof(u)) {
			memcpy(u, d + 5, n);
			u[n] = 0;
			int64_t *un = smap_get(&t->users, u);
			if (un)
				return (int)*un;
		}
	}
	if (strncmp(d, "i-", 2) == 0 && !strchr(d, ' ')) {
		struct ct_buf id = {0};
		ct_buf_printf(&id, "i:%s", d);
		int n = id.p ? node_get(t, id.p) : -1;
		ct_buf_free(&id);
		if (n >= 0)
			return n;
	}
	const char *src = r->source ? r->source : "?";
	size_t sl = strlen(src);
	if (sl > 14 && strcmp(src + sl - 14, ".amazonaws.com") == 0)
		sl -= 14;
	struct ct_buf id = {0}, title = {0};
	int n = -1;
	if (ct_buf_printf(&id, "r:%.*s:%s", (int)sl, src, d) >= 0 &&
	    ct_buf_printf(&title, "%.*s %s", (int)sl, src, d) >= 0)
		n = node_add(t, NK_RESOURCE, id.p, title.p, NULL, hop);
	else
		nomem(t);
	ct_buf_free(&id);
	ct_buf_free(&title);
	return n;
}

static bool denied(const char *code)
{
	return code && (strstr(code, "AccessDenied") || strstr(code, "Unauthorized") || strstr(code, "Forbidden"));
}

/* Records that an address was used by the traced identities, for the
 * "same IP" step. */
struct ipseen {
	int hop;
	int64_t from, to;
	const char *ip; /* the map's key */
};

static int note_ip(struct ct_trace *t, const char *ip, int hop, int64_t ts)
{
	unsigned char a[16];
	int fam;
	if (!ip || ct_ip_parse(ip, strlen(ip), a, &fam) < 0)
		return 0;
	int64_t *p = smap_get(&t->ipseen, ip);
	struct ipseen *s;
	if (p) {
		s = (struct ipseen *)(intptr_t)*p;
		if (hop < s->hop)
			s->hop = hop;
		if (ts < s->from)
			s->from = ts;
		if (ts > s->to)
			s->to = ts;
		return 0;
	}
	s = malloc(sizeof(*s));
	if (!s || smap_put(&t->ipseen, ip, (int64_t)(intptr_t)s) < 0) {
		free(s);
		nomem(t);
		return -1;
	}
	s->hop = hop;
	s->from = s->to = ts;
	s->ip = NULL;
	for (size_t i = 0; i < t->ipseen.cap; i++)
		if (t->ipseen.keys[i] && (int64_t)(intptr_t)s == t->ipseen.vals[i])
			s->ip = t->ipseen.keys[i];
	return 0;
}

/* One event reached by an item.  Returns 0 or -1. */
static int handle_event(struct ct_trace *t, const struct item *it, const struct evrow *r)
{
	if (idmap_find(&t->seen, r->id, NULL))
		return 0;
	if (idmap_put(&t->seen, r->id, NULL) < 0)
		return nomem(t), -1;
	int hop = it->hop;
	char *ident = short_identity(r);
	if (!ident)
		return nomem(t), -1;
	int rc = -1;
	json_t *j = NULL;
	struct ct_buf detail = {0};
	bool abused = r->name && ct_apiset_has(t->o->abused, r->name, strlen(r->name));
	bool link = is_link(r->name);
	int actor;
	const char *parn = r->iarn ? r->iarn : r->invby ? r->invby : r->ipid ? r->ipid : "unknown";
	if (it->kind == IT_INSTANCE || !r->akey)
		actor = principal_node(t, parn, ident, it->kind == IT_INSTANCE ? NK_SESSION : NK_PRINCIPAL, hop);
	else
		actor = key_node(t, r->akey, ident, hop);
	if (actor < 0)
		goto out;
	struct node *an = N(t, actor);
	an->weight++;
	if (strcmp(an->title, r->akey ? r->akey : parn) == 0 && strcmp(an->title, ident) != 0) {
		/* a node made before its first event: name it now */
		char *nt = strdup(ident);
		if (!nt)
			goto out;
		if (!an->sub)
			an->sub = an->title;
		else
			free(an->title);
		an->title = nt;
	}
	/* a user's keys and console sessions, an instance's role sessions:
	 * joined in the graph to the user or instance they were reached by */
	if ((it->kind == IT_ARN || it->kind == IT_INSTANCE) && it->node >= 0 &&
	    edge_add(t, it->node, actor, EK_HAS,
		     it->kind == IT_INSTANCE                       ? "instance role"
		     : r->akey && strncmp(r->akey, "ASIA", 4) == 0 ? "session"
								   : "access key",
		     r->ts, 1, r->ts, 0) < 0)
		goto out;
	if (link && !(j = load_facts(t, r)) && t->err->code)
		goto out;
	event_detail(&detail, r);
	if (row_add(t, CT_TRACE_EVENT, hop, it->via, r->ts, ident, r->akey, r->ip, r->name,
		    detail.len ? detail.p : NULL, r->event_id) < 0)
		goto out;
	if (r->event_id) {
		if (smap_put(&t->event_hop, r->event_id, (int64_t)hop * 1000000 + actor) < 0)
			goto nomem;
	}
	if (r->iarn && !smap_get(&t->arn_hop, r->iarn) && smap_put(&t->arn_hop, r->iarn, hop) < 0)
		goto nomem;
	/* the graph: where the call came from, what it did */
	if (r->ip) {
		int ipn = ip_node(t, r->ip, hop);
		if (ipn < 0 || edge_add(t, ipn, actor, EK_SOURCE, "calls", r->ts, 1, r->ts, 0) < 0)
			goto out;
	}
	bool failed = r->ecode || r->emsg;
	if (!failed && link && j) {
		if (it->kind != IT_SAMEIP && follow_links(t, r, j, ident, actor, hop) < 0)
			goto out;
		if (eq(r->name, "ConsoleLogin")) {
			int s = service_node(t, r->source, hop);
			if (s < 0 || edge_add(t, actor, s, EK_CALL, r->name, r->ts, 1, r->ts, 0) < 0)
				goto out;
		}
	} else if (abused) {
		int target = failed ? -1 : resource_node(t, r, hop);
		if (target < 0 && t->err->code)
			goto out;
		if (target < 0 && (target = service_node(t, r->source, hop)) < 0)
			goto out;
		struct ct_buf what = {0};
		ct_buf_printf(&what, "%s%s", r->name, !failed ? "" : denied(r->ecode) ? " denied" : " failed");
		int e = edge_add(t, actor, target, EK_CALL, what.p ? what.p : "?", r->ts, 1, r->ts, 0);
		ct_buf_free(&what);
		if (e < 0)
			goto out;
	} else {
		int s = service_node(t, r->source, hop);
		if (s < 0 ||
		    edge_add(t, actor, s, EK_CALL, failed ? "failed calls" : "other calls", r->ts, 1, r->ts, 0) < 0)
			goto out;
	}
	if (it->kind != IT_SAMEIP && it->kind != IT_IP && note_ip(t, r->ip, hop, r->ts) < 0)
		goto out;
	if (it->kind == IT_IP && r->akey) {
		char when[32];
		struct ct_buf via = {0};
		iso_s(r->ts, when);
		ct_buf_printf(&via, "key used from %s at %s", it->value, when);
		int k = item_add(t, IT_KEY, r->akey, hop + 1, via.p ? via.p : "?", actor);
		ct_buf_free(&via);
		if (k < 0)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	nomem(t);
out:
	json_decref(j);
	ct_buf_free(&detail);
	free(ident);
	return rc;
}

/* Runs an event query (ev_select + where, ?1 the value, ?2 ?3 the time
 * window) and hands every event to handle_event. */
static int run_events(struct ct_trace *t, const struct item *it, const char *where, const char *value, int64_t from,
		      int64_t to)
{
	struct ct_buf sql = {0};
	sqlite3_stmt *st = NULL;
	if (ct_buf_printf(&sql, "%s WHERE %s AND e.ts >= ?2 AND e.ts <= ?3 ORDER BY e.ts, e.id", ev_select, where) < 0)
		return nomem(t), -1;
	if (getenv("CTSCAN_DEBUG_SQL"))
		fprintf(stderr, "%s;\n", sql.p);
	int rc = sqlite3_prepare_v2(t->db, sql.p, -1, &st, NULL);
	ct_buf_free(&sql);
	if (rc != SQLITE_OK)
		return sql_fail(t, "events");
	sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	/* events are copied out before handle_event runs further queries */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct evrow r;
		if (evrow_read(t, st, &r) < 0 || handle_event(t, it, &r) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		sql_fail(t, "events");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- flows ---- */

struct fgroup {
	char *peer, *iface;
	int dir; /* 0 out (local is the client), 1 in */
	int64_t port, proto;
	char *action;
	uint64_t flows, bytes_out, bytes_in, packets;
	int64_t first, last;
};

static const char *proto_name(int64_t p, char buf[16])
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: snprintf(buf, 16, "proto-%" PRId64, p); return buf;
	}
}

static int fgroup_cmp(const void *a, const void *b)
{
	const struct fgroup *x = *(struct fgroup *const *)a, *y = *(struct fgroup *const *)b;
	uint64_t bx = x->bytes_out + x->bytes_in, by = y->bytes_out + y->bytes_in;
	if (bx != by)
		return bx > by ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	int c = strcmp(x->peer, y->peer);
	return c ? c : (x->port > y->port) - (x->port < y->port);
}

static bool in_list(const struct vec *v, const char *s)
{
	for (size_t i = 0; s && i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* Summarises flows: `sql` selects (interface_id, srcaddr, dstaddr,
 * srcport, dstport, protocol, action, count, bytes, packets, first, last)
 * grouped by the first seven, ?1 is bound to `value` and ?2 ?3 to the
 * window.  `locals` are the addresses on our side (empty: the busiest
 * address of each interface).  Rows go to the trace; edges join `node`
 * (the instance, interface or address traced) and the peers. */
static int flow_summary(struct ct_trace *t, const struct item *it, const char *sql, const char *value,
			struct vec *locals, int node, const char *label)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(t, "flows");
	sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, t->since);
	sqlite3_bind_int64(st, 3, t->until);
	struct vec raw = {0}; /* rows as fgroup with both addresses (peer = src, iface, action) */
	struct smap counts = {0};
	struct vec groups = {0};
	struct smap gid = {0};
	int rc = -1, s;
	bool ip_mode = N(t, node)->kind == NK_IP;
	struct rawflow {
		char *iface, *src, *dst, *action;
		int64_t sport, dport, proto, n, bytes, packets, first, last;
	};
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct rawflow *f = calloc(1, sizeof(*f));
		if (!f || vec_push(&raw, f) < 0) {
			free(f);
			nomem(t);
			goto out;
		}
		f->iface = xstrdup(col(st, 0));
		f->src = xstrdup(col(st, 1));
		f->dst = xstrdup(col(st, 2));
		f->sport = sqlite3_column_int64(st, 3);
		f->dport = sqlite3_column_int64(st, 4);
		f->proto = sqlite3_column_int64(st, 5);
		f->action = xstrdup(col(st, 6));
		f->n = sqlite3_column_int64(st, 7);
		f->bytes = sqlite3_column_int64(st, 8);
		f->packets = sqlite3_column_int64(st, 9);
		f->first = sqlite3_column_int64(st, 10);
		f->last = sqlite3_column_int64(st, 11);
		if (!f->src || !f->dst) {
			nomem(t);
			goto out;
		}
		if (!locals->n) {
			/* count per interface|address to find the busiest one */
			const char *ad[2] = {f->src, f->dst};
			for (int k = 0; k < 2; k++) {
				struct ct_buf key = {0};
				ct_buf_printf(&key, "%s|%s", f->iface ? f->iface : "", ad[k]);
				int64_t *c = key.p ? smap_get(&counts, key.p) : NULL;
				int e = key.p ? (c ? (*c += f->n, 0) : smap_put(&counts, key.p, f->n)) : -1;
				ct_buf_free(&key);
				if (e < 0) {
					nomem(t);
					goto out;
				}
			}
		}
	}
	if (s != SQLITE_DONE) {
		sql_fail(t, "flows");
		goto out;
	}
	for (size_t i = 0; i < raw.n; i++) {
		struct rawflow *f = raw.v[i];
		bool src_local;
		if (locals->n) {
			src_local = in_list(locals, f->src) || !in_list(locals, f->dst);
		} else {
			struct ct_buf a = {0}, b = {0};
			ct_buf_printf(&a, "%s|%s", f->iface ? f->iface : "", f->src);
			ct_buf_printf(&b, "%s|%s", f->iface ? f->iface : "", f->dst);
			int64_t *ca = a.p ? smap_get(&counts, a.p) : NULL, *cb = b.p ? smap_get(&counts, b.p) : NULL;
			src_local = (ca ? *ca : 0) >= (cb ? *cb : 0);
			ct_buf_free(&a);
			ct_buf_free(&b);
		}
		const char *peer = src_local ? f->dst : f->src;
		int64_t lport = src_local ? f->sport : f->dport, pport = src_local ? f->dport : f->sport;
		int dir;
		int64_t port;
		if (pport < lport) {
			dir = 0;
			port = pport;
		} else if (lport < pport) {
			dir = 1;
			port = lport;
		} else {
			dir = src_local ? 0 : 1;
			port = lport;
		}
		struct ct_buf key = {0};
		ct_buf_printf(&key, "%s|%d|%s|%" PRId64 "|%" PRId64 "|%s", f->iface ? f->iface : "", dir, peer, port,
			      f->proto, f->action ? f->action : "");
		if (!key.p) {
			nomem(t);
			goto out;
		}
		int64_t *g = smap_get(&gid, key.p);
		struct fgroup *fg;
		if (g) {
			fg = groups.v[*g];
		} else {
			fg = calloc(1, sizeof(*fg));
			if (!fg || vec_push(&groups, fg) < 0 || smap_put(&gid, key.p, (int64_t)groups.n - 1) < 0) {
				free(fg);
				ct_buf_free(&key);
				nomem(t);
				goto out;
			}
			fg->peer = strdup(peer);
			fg->iface = xstrdup(f->iface);
			fg->action = xstrdup(f->action);
			fg->dir = dir;
			fg->port = port;
			fg->proto = f->proto;
			fg->first = f->first;
			fg->last = f->last;
		}
		ct_buf_free(&key);
		fg->flows += (uint64_t)f->n;
		fg->packets += (uint64_t)f->packets;
		if (src_local)
			fg->bytes_out += (uint64_t)f->bytes;
		else
			fg->bytes_in += (uint64_t)f->bytes;
		if (f->first < fg->first)
			fg->first = f->first;
		if (f->last > fg->last)
			fg->last = f->last;
	}
	if (groups.n)
		qsort(groups.v, groups.n, sizeof(*groups.v), fgroup_cmp);
	uint64_t more = 0, more_flows = 0, more_bytes = 0;
	int64_t more_first = INT64_MAX, more_last = INT64_MIN;
	for (size_t i = 0; i < groups.n; i++) {
		struct fgroup *g = groups.v[i];
		if (i >= CT_TRACE_FLOW_GROUPS) {
			more++;
			more_flows += g->flows;
			more_bytes += g->bytes_out + g->bytes_in;
			more_first = CT_MIN(more_first, g->first);
			more_last = CT_MAX(more_last, g->last);
			continue;
		}
		char pb[16], bo[32], bi[32], last[32];
		const char *proto = proto_name(g->proto, pb);
		ct_trace_bytes(g->bytes_out, bo);
		ct_trace_bytes(g->bytes_in, bi);
		iso_s(g->last, last);
		struct ct_buf d = {0}, ident = {0}, ev = {0}, what = {0};
		ct_buf_printf(&d, "%s %s %s/%" PRId64 " %s: %" PRIu64 " flow%s, %s sent, %s received, until %s",
			      g->dir ? "in from" : "out to", g->peer, proto, g->port, g->action ? g->action : "-",
			      g->flows, g->flows == 1 ? "" : "s", bo, bi, last);
		if (ip_mode)
			ct_buf_printf(&ident, "%s", g->iface ? g->iface : "-");
		else
			ct_buf_printf(&ident, "%s", label);
		ct_buf_printf(&ev, "flows %s", g->dir ? "in" : "out");
		int e = row_add(t, CT_TRACE_FLOWS, it->hop, it->via, g->first, ident.p, NULL, g->peer, ev.p, d.p, NULL);
		ct_buf_printf(&what, "%s/%" PRId64 "%s", proto, g->port,
			      g->action && strcmp(g->action, "ACCEPT") ? " rejected" : "");
		/* the other end: the peer's address, or, for an address traced,
		 * the interface the flows were seen on */
		int pn = -1;
		if (e == 0 && ip_mode && g->iface) {
			struct ct_buf nid = {0};
			ct_buf_printf(&nid, "eni:%s", g->iface);
			pn = nid.p ? node_add(t, NK_ENI, nid.p, g->iface, g->peer, it->hop) : -1;
			ct_buf_free(&nid);
		} else if (e == 0) {
			pn = ip_node(t, g->peer, it->hop);
		}
		if (pn >= 0) {
			N(t, pn)->weight += g->bytes_in + g->bytes_out;
			e = g->dir ? edge_add(t, pn, node, EK_FLOW, what.p, g->first, g->flows, g->last,
					      g->bytes_in + g->bytes_out)
				   : edge_add(t, node, pn, EK_FLOW, what.p, g->first, g->flows, g->last,
					      g->bytes_in + g->bytes_out);
		} else {
			e = -1;
		}
		ct_buf_free(&d);
		ct_buf_free(&ident);
		ct_buf_free(&ev);
		ct_buf_free(&what);
		if (e < 0)
			goto out;
	}
	if (more) {
		char b[32], last[32];
		ct_trace_bytes(more_bytes, b);
		iso_s(more_last, last);
		struct ct_buf d = {0};
		ct_buf_printf(&d, "%" PRIu64 " more peer and port groups: %" PRIu64 " flows, %s, until %s", more,
			      more_flows, b, last);
		int e = row_add(t, CT_TRACE_FLOWS, it->hop, it->via, more_first, label, NULL, NULL, "flows", d.p, NULL);
		ct_buf_free(&d);
		if (e < 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < raw.n; i++) {
		struct rawflow *f = raw.v[i];
		free(f->iface);
		free(f->src);
		free(f->dst);
		free(f->action);
		free(f);
	}
	free(raw.v);
	for (size_t i = 0; i < groups.n; i++) {
		struct fgroup *g = groups.v[i];
		free(g->peer);
		free(g->iface);
		free(g->action);
		free(g);
	}
	free(groups.v);
	smap_free(&gid);
	smap_free(&counts);
	return rc;
}

#define FLOW_GROUP_SQL                                                                                                 \
	"SELECT interface_id, srcaddr, dstaddr, srcport, dstport, protocol, action, count(*), sum(bytes),"             \
	" sum(packets), min(start), max(\"end\") FROM flow_rows WHERE "
#define FLOW_GROUP_TAIL                                                                                                \
	" AND srcaddr IS NOT NULL AND dstaddr IS NOT NULL AND start >= ?2 AND start <= ?3 GROUP BY 1, 2, 3, 4, 5, 6, 7"

static int has_flows(struct ct_trace *t)
{
	sqlite3_stmt *st;
	int r = 0;
	if (sqlite3_prepare_v2(t->db, "SELECT 1 FROM flow_rows LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		r = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return r;
}

/* Records that the flows of an interface ("eni:ID") or an address
 * ("ip:ADDR") are in the trace, at a hop and joined to a node, for the
 * findings on flows; returns 1 when they were already, 0, or -1. */
static int note_flowed(struct ct_trace *t, const char *prefix, const char *v, int hop, int node)
{
	struct ct_buf k = {0};
	if (ct_buf_printf(&k, "%s:%s", prefix, v) < 0)
		return nomem(t), -1;
	int rc = 0;
	if (smap_get(&t->flowed, k.p))
		rc = 1;
	else if (smap_put(&t->flowed, k.p, (int64_t)hop * 1000000 + node) < 0)
		rc = (nomem(t), -1);
	ct_buf_free(&k);
	return rc;
}

static int eni_flows(struct ct_trace *t, const struct item *it, const char *eni, struct vec *locals, int node,
		     const char *label)
{
	int r = note_flowed(t, "eni", eni, it->hop, node);
	if (r != 0)
		return r < 0 ? -1 : 0;
	return flow_summary(t, it, FLOW_GROUP_SQL "interface_id = ?1" FLOW_GROUP_TAIL, eni, locals, node, label);
}

static int process_instance(struct ct_trace *t, struct item *it)
{
	struct instance *x = instance_get(t, it->value, it->node);
	if (!x)
		return -1;
	/* interfaces attached later, in the whole index */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
		    t->db,
		    "SELECT e.id, e.link FROM ev e WHERE e.ename = (SELECT id FROM names WHERE s = 'AttachNetworkInterface')"
		    " AND e.ecode IS NULL ORDER BY e.ts, e.id",
		    -1, &st, NULL) != SQLITE_OK)
		return sql_fail(t, "attachments");
	/* the link facts ingest kept (the verbatim record for an index that
	 * has none) */
	struct vec ids = {0};
	int rc0;
	while ((rc0 = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *j = sqlite3_column_type(st, 1) == SQLITE_TEXT ? json_loads(col(st, 1), 0, NULL) : NULL;
		if (!j && vec_push(&ids, (void *)(intptr_t)sqlite3_column_int64(st, 0)) < 0)
			break;
		if (j && eq(jstr(j, "requestParameters.instanceId"), x->id) &&
		    jstr(j, "requestParameters.networkInterfaceId"))
			add_str(&x->enis, jstr(j, "requestParameters.networkInterfaceId"));
		json_decref(j);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < ids.n; i++) {
		json_t *j = load_raw(t, (int64_t)(intptr_t)ids.v[i]);
		if (eq(jstr(j, "requestParameters.instanceId"), x->id) &&
		    jstr(j, "requestParameters.networkInterfaceId"))
			add_str(&x->enis, jstr(j, "requestParameters.networkInterfaceId"));
		json_decref(j);
	}
	free(ids.v);
	bool flows = has_flows(t);
	/* interfaces named by the instance-id field of the flow logs */
	if (flows) {
		if (sqlite3_prepare_v2(t->db,
				       "SELECT DISTINCT interface_id FROM flow_rows WHERE instance_id = ?1"
				       " AND interface_id IS NOT NULL ORDER BY 1",
				       -1, &st, NULL) != SQLITE_OK)
			return sql_fail(t, "flows");
		sqlite3_bind_text(st, 1, x->id, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW)
			add_str(&x->enis, col(st, 0));
		sqlite3_finalize(st);
	}
	instance_sub(t, x);
	/* the instance profile's role sessions: their session name is the instance id */
	struct ct_buf w = {0};
	if (!t->inst_sessions) {
		/* every instance-role session ARN, by session name, once per trace
		 * (a suffix match cannot use the strs index) */
		if (sqlite3_exec(
			    t->db,
			    "CREATE TEMP TABLE IF NOT EXISTS trace_inst_sess(sess TEXT NOT NULL, id INTEGER NOT NULL);"
			    "DELETE FROM temp.trace_inst_sess;"
			    "INSERT INTO temp.trace_inst_sess SELECT replace(s, rtrim(s, replace(s, '/', '')), ''), id"
			    " FROM strs WHERE s GLOB 'arn:aws*:sts::*:assumed-role/*/i-*';"
			    "CREATE INDEX IF NOT EXISTS temp.trace_inst_sess_i ON trace_inst_sess(sess);",
			    NULL, NULL, NULL) != SQLITE_OK)
			return sql_fail(t, "instance sessions");
		t->inst_sessions = true;
	}
	ct_buf_printf(&w, "e.iarn IN (SELECT id FROM temp.trace_inst_sess WHERE sess = ?1)");
	int rc = w.p ? run_events(t, it, w.p, x->id, t->since, t->until) : (nomem(t), -1);
	ct_buf_free(&w);
	if (rc < 0)
		return -1;
	if (!flows)
		return 0;
	for (size_t i = 0; i < x->enis.n; i++) {
		struct ct_buf label = {0};
		ct_buf_printf(&label, "%s %s", x->id, (char *)x->enis.v[i]);
		rc = label.p ? eni_flows(t, it, x->enis.v[i], &x->ips, it->node, label.p) : (nomem(t), -1);
		ct_buf_free(&label);
		if (rc < 0)
			return -1;
	}
	if (!x->enis.n) {
		/* no interface known: the flows of its private addresses */
		for (size_t i = 0; i < x->ips.n; i++) {
			const char *ip = x->ips.v[i];
			struct vec one = {.v = (void **)&ip, .n = 1, .cap = 1};
			if (note_flowed(t, "ip", ip, it->hop, it->node) < 0 ||
			    flow_summary(t, it, FLOW_GROUP_SQL "(srcaddr = ?1 OR dstaddr = ?1)" FLOW_GROUP_TAIL, ip,
					 &one, it->node, x->id) < 0)
				return -1;
		}
	}
	return 0;
}

static int process_item(struct ct_trace *t, struct item *it)
{
	it->done = true;
	switch (it->kind) {
	case IT_KEY:
		return run_events(t, it, "e.akey = (SELECT id FROM strs WHERE s = ?1)", it->value, t->since, t->until);
	case IT_EVENT: return run_events(t, it, CT_EVENT_ID_MATCH("e"), it->value, INT64_MIN, INT64_MAX);
	case IT_ARN:
		return run_events(t, it, "e.iarn = (SELECT id FROM strs WHERE s = ?1)", it->value,
				  CT_MAX(t->since, it->from), t->until);
	case IT_PRINCIPAL:
		return run_events(
			t, it,
			"(e.iarn IN (SELECT id FROM strs WHERE s = ?1) OR e.uname IN (SELECT id FROM strs WHERE s = ?1)"
			" OR e.siarn IN (SELECT id FROM strs WHERE s = ?1)"
			" OR e.siname IN (SELECT id FROM strs WHERE s = ?1))",
			it->value, t->since, t->until);
	case IT_IP: {
		if (run_events(t, it, "e.ip = (SELECT id FROM strs WHERE s = ?1)", it->value, t->since, t->until) < 0)
			return -1;
		if (!has_flows(t))
			return 0;
		struct vec one = {.v = (void **)&it->value, .n = 1, .cap = 1};
		if (note_flowed(t, "ip", it->value, it->hop, it->node) < 0)
			return -1;
		return flow_summary(t, it, FLOW_GROUP_SQL "(srcaddr = ?1 OR dstaddr = ?1)" FLOW_GROUP_TAIL, it->value,
				    &one, it->node, it->value);
	}
	case IT_SAMEIP:
		return run_events(t, it, "e.ip = (SELECT id FROM strs WHERE s = ?1)", it->value, it->from, it->to);
	case IT_INSTANCE: return process_instance(t, it);
	case IT_ENI: {
		if (!has_flows(t))
			return 0;
		struct vec none = {0};
		return eni_flows(t, it, it->value, &none, it->node, it->value);
	}
	}
	return 0;
}

/* ---- findings ---- */

static int64_t parse_time(const char *s)
{
	int64_t ms;
	return s && ct_time_parse_iso(s, strlen(s), &ms) == 0 ? ms : INT64_MIN;
}

/* Whether the flow record `id` is among the flows the trace summarised:
 * *ret points at its hop and node (NULL when not), why[] says how. */
static int flow_hop(struct ct_trace *t, int64_t id, int64_t **ret, char *why, size_t whylen)
{
	*ret = NULL;
	if (!t->flow_by_id &&
	    sqlite3_prepare_v2(t->db, "SELECT interface_id, srcaddr, dstaddr FROM flow_rows WHERE id = ?", -1,
			       &t->flow_by_id, NULL) != SQLITE_OK)
		return sql_fail(t, "flows");
	sqlite3_reset(t->flow_by_id);
	sqlite3_bind_int64(t->flow_by_id, 1, id);
	if (sqlite3_step(t->flow_by_id) == SQLITE_ROW) {
		static const char *const prefix[] = {"eni", "ip", "ip"};
		for (int c = 0; c < 3 && !*ret; c++) {
			const char *v = col(t->flow_by_id, c);
			struct ct_buf k = {0};
			if (!v || ct_buf_printf(&k, "%s:%s", prefix[c], v) < 0) {
				ct_buf_free(&k);
				continue;
			}
			if ((*ret = smap_get(&t->flowed, k.p)))
				snprintf(why, whylen, "finding on flows of %s", v);
			ct_buf_free(&k);
		}
	}
	sqlite3_reset(t->flow_by_id);
	return 0;
}

static int add_findings(struct ct_trace *t)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(t->db,
				    "SELECT id, rule_id, severity, title, first_time, last_time, identity, access_key,"
				    " source_ip, summary, evidence FROM findings"
				    " WHERE run_id = (SELECT max(id) FROM detect_runs)"
				    " ORDER BY severity_rank DESC, first_time, id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return 0; /* an index without findings */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t first = parse_time(col(st, 4)), last = parse_time(col(st, 5));
		if (last != INT64_MIN && last < t->since)
			continue;
		if (first != INT64_MIN && first > t->until)
			continue;
		const char *ident = col(st, 6), *akey = col(st, 7), *ip = col(st, 8);
		int hop = INT32_MAX;
		int targets[4], nt = 0;
		struct ct_buf via = {0};
		/* The strongest link decides where a finding goes: its evidence
		 * (events or flows the trace reached), else its access key,
		 * else its identity, else its address. */
		json_t *ev = col(st, 10) ? json_loads(col(st, 10), 0, NULL) : NULL;
		size_t i;
		json_t *v;
		json_array_foreach(ev, i, v)
		{
			int64_t *h = NULL;
			char fwhy[200] = "";
			if (json_is_string(v)) {
				h = smap_get(&t->event_hop, json_string_value(v));
				snprintf(fwhy, sizeof(fwhy), "finding on event %s", json_string_value(v));
			} else if (json_is_integer(v) && t->flowed.n && i < 64) {
				if (flow_hop(t, json_integer_value(v), &h, fwhy, sizeof(fwhy)) < 0) {
					json_decref(ev);
					ct_buf_free(&via);
					sqlite3_finalize(st);
					return -1;
				}
			}
			if (!h)
				continue;
			int eh = (int)(*h / 1000000), en = (int)(*h % 1000000);
			if (!via.len)
				ct_buf_printf(&via, "%s", fwhy);
			if (eh < hop)
				hop = eh;
			bool dup = false;
			for (int k = 0; k < nt; k++)
				dup |= targets[k] == en;
			if (!dup && nt < 4)
				targets[nt++] = en;
		}
		json_decref(ev);
		struct ct_buf id = {0};
		if (hop == INT32_MAX && akey && akey[0]) {
			ct_buf_printf(&id, "k:%s", akey);
			int n = node_get(t, id.p);
			if (n >= 0 && N(t, n)->weight) {
				ct_buf_printf(&via, "finding on access key %s", akey);
				hop = N(t, n)->hop;
				targets[nt++] = n;
			}
			ct_buf_reset(&id);
		}
		int64_t *ah = hop == INT32_MAX && ident ? smap_get(&t->arn_hop, ident) : NULL;
		if (ah) {
			ct_buf_printf(&via, "finding on identity %s", ident);
			hop = (int)*ah;
		}
		/* an address alone links only a finding without an identity
		 * (flows): the identity of another is not in the trace */
		if (hop == INT32_MAX && ip && ip[0] && !(ident && ident[0]) && !(akey && akey[0])) {
			ct_buf_printf(&id, "ip:%s", ip);
			int n = node_get(t, id.p);
			if (n >= 0) {
				ct_buf_printf(&via, "finding on IP %s", ip);
				hop = N(t, n)->hop;
				targets[nt++] = n;
			}
		}
		ct_buf_free(&id);
		if (hop == INT32_MAX) {
			ct_buf_free(&via);
			continue;
		}
		int sev = ct_severity_parse(col(st, 2) ? col(st, 2) : "");
		struct ct_buf d = {0}, fid = {0}, title = {0};
		ct_buf_printf(&d, "%s: %s", col(st, 2) ? col(st, 2) : "?", col(st, 3) ? col(st, 3) : "");
		if (col(st, 9))
			ct_buf_printf(&d, ": %s", col(st, 9));
		char *sident = short_arn(ident);
		int e = ident && !sident
				? (nomem(t), -1)
				: row_add(t, CT_TRACE_FINDING, hop, via.p, first == INT64_MIN ? t->first_ts : first,
					  sident, akey, ip, col(st, 1), d.p, NULL);
		free(sident);
		/* findings of one rule on one node are one node with a count */
		if (nt)
			ct_buf_printf(&fid, "f:%s:%d", col(st, 1), targets[0]);
		else
			ct_buf_printf(&fid, "f:#%lld", (long long)sqlite3_column_int64(st, 0));
		ct_buf_printf(&title, "%s %s", sev >= 0 ? ct_severity_name(sev) : "finding", col(st, 1));
		int fn = e == 0 && fid.p && title.p ? node_add(t, NK_FINDING, fid.p, title.p, col(st, 3), hop) : -1;
		if (fn >= 0) {
			N(t, fn)->count++;
			N(t, fn)->sev = sev;
			N(t, fn)->weight = (uint64_t)(sev + 1);
			for (int k = 0; k < nt && e == 0; k++) {
				if (N(t, targets[k])->sev < sev)
					N(t, targets[k])->sev = sev;
				e = edge_add(t, fn, targets[k], EK_FINDING, "flags",
					     first == INT64_MIN ? t->first_ts : first, 1,
					     last == INT64_MIN ? t->last_ts : last, 0);
			}
		} else {
			e = -1;
		}
		ct_buf_free(&d);
		ct_buf_free(&fid);
		ct_buf_free(&title);
		ct_buf_free(&via);
		if (e < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- running ---- */

static int row_cmp(const void *a, const void *b)
{
	const struct ct_trace_row *x = *(struct ct_trace_row *const *)a, *y = *(struct ct_trace_row *const *)b;
	if (x->hop != y->hop)
		return x->hop < y->hop ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The order items of one hop are followed in: the most specific links
 * first, so that an event reached two ways is told by the better one. */
static const int item_order[] = {IT_EVENT, IT_KEY, IT_PRINCIPAL, IT_IP, IT_ARN, IT_INSTANCE, IT_ENI};

static int start(struct ct_trace *t)
{
	const struct ct_trace_opts *o = t->o;
	const char *v = o->value;
	int n = -1;
	struct ct_buf id = {0};
	switch (o->from) {
	case CT_TRACE_FROM_KEY:
		n = key_node(t, v, NULL, 0);
		if (n >= 0 && item_add(t, IT_KEY, v, 0, "start", n) < 0)
			n = -1;
		break;
	case CT_TRACE_FROM_PRINCIPAL:
		/* the nodes of the identities it names are marked when reached */
		if (item_add(t, IT_PRINCIPAL, v, 0, "start", -1) < 0)
			return -1;
		return 0;
	case CT_TRACE_FROM_IP: {
		unsigned char a[16];
		int fam;
		if (ct_ip_parse(v, strlen(v), a, &fam) < 0) {
			ct_err_set(t->err, CT_E_USAGE, NULL, 0, "--ip: '%s' is not an IP address", v);
			return -1;
		}
		n = ip_node(t, v, 0);
		if (n >= 0 && item_add(t, IT_IP, v, 0, "start", n) < 0)
			n = -1;
		break;
	}
	case CT_TRACE_FROM_EVENT: {
		/* the event, then its key (or principal) from the start */
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(t->db,
				       "SELECT akey.s, iarn.s FROM ev e LEFT JOIN strs akey ON akey.id = e.akey"
				       " LEFT JOIN strs iarn ON iarn.id = e.iarn WHERE " CT_EVENT_ID_MATCH(
					       "e") " ORDER BY e.id LIMIT 1",
				       -1, &st, NULL) != SQLITE_OK)
			return sql_fail(t, "event");
		sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s != SQLITE_ROW) {
			sqlite3_finalize(st);
			if (s != SQLITE_DONE)
				return sql_fail(t, "event");
			return ct_err_set(t->err, CT_E_USAGE, NULL, 0, "no event '%s' in the index", v);
		}
		char *akey = xstrdup(col(st, 0)), *arn = xstrdup(col(st, 1));
		sqlite3_finalize(st);
		if (item_add(t, IT_EVENT, v, 0, "start", -1) < 0) {
			free(akey);
			free(arn);
			return -1;
		}
		struct ct_buf via = {0};
		ct_buf_printf(&via, "start: the %s of event %s", akey && akey[0] ? "access key" : "identity", v);
		if (akey && akey[0]) {
			n = key_node(t, akey, NULL, 0);
			if (n >= 0 && item_add(t, IT_KEY, akey, 0, via.p, n) < 0)
				n = -1;
		} else if (arn) {
			ct_buf_printf(&id, "p:%s", arn);
			n = node_add(t, NK_PRINCIPAL, id.p, arn, NULL, 0);
			if (n >= 0 && item_add(t, IT_ARN, arn, 0, via.p, n) < 0)
				n = -1;
		} else {
			ct_buf_free(&via);
			free(akey);
			free(arn);
			return 0; /* only the event */
		}
		ct_buf_free(&via);
		free(akey);
		free(arn);
		break;
	}
	default: return ct_err_set(t->err, CT_E_USAGE, NULL, 0, "trace: no starting point");
	}
	ct_buf_free(&id);
	if (n < 0)
		return -1;
	N(t, n)->start = true;
	return 0;
}

static int seen_cmp(const void *a, const void *b)
{
	const struct ipseen *x = *(struct ipseen *const *)a, *y = *(struct ipseen *const *)b;
	if (x->hop != y->hop)
		return x->hop - y->hop;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

int ct_trace_run(struct ct_index *idx, const struct ct_trace_opts *o, struct ct_trace **ret, struct ct_err *err)
{
	if (!o || !o->value || !o->value[0])
		return ct_err_set(err, CT_E_USAGE, NULL, 0, "trace: no starting point");
	struct ct_trace *t = calloc(1, sizeof(*t));
	if (!t)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	struct ct_err scratch = {0};
	t->err = err ? err : &scratch;
	t->err->code = 0;
	t->idx = idx;
	t->db = ct_index_db(idx);
	t->opts = *o;
	t->o = &t->opts;
	if (t->opts.depth < 0)
		t->opts.depth = 0;
	t->since = o->since_ms;
	t->until = o->until_ms;
	t->first_ts = INT64_MAX;
	t->last_ts = INT64_MIN;
	int64_t window = o->ip_window_ms > 0 ? o->ip_window_ms : 3600000;
	if (start(t) < 0)
		goto fail;
	/* strong links, hop by hop */
	for (int hop = 0; hop <= t->o->depth; hop++) {
		for (size_t k = 0; k < CT_ARRAY_SIZE(item_order); k++) {
			for (size_t i = 0; i < t->items.n; i++) {
				struct item *it = t->items.v[i];
				if (it->done || it->hop != hop || it->kind != item_order[k])
					continue;
				if (process_item(t, it) < 0)
					goto fail;
			}
		}
	}
	/* the start of a principal: the identities it named */
	if (o->from == CT_TRACE_FROM_PRINCIPAL) {
		for (size_t i = 0; i < t->nodes.n; i++) {
			struct node *n = t->nodes.v[i];
			if (n->hop == 0 && n->weight &&
			    (n->kind == NK_KEY || n->kind == NK_SESSION || n->kind == NK_PRINCIPAL))
				n->start = true;
		}
	}
	/* then the other identities seen from the addresses used, in the
	 * order the addresses were reached */
	struct ipseen **seen = calloc(t->ipseen.n + 1, sizeof(*seen));
	size_t nseen = 0;
	if (!seen)
		goto fail;
	for (size_t i = 0; i < t->ipseen.cap; i++)
		if (t->ipseen.keys[i])
			seen[nseen++] = (struct ipseen *)(intptr_t)t->ipseen.vals[i];
	qsort(seen, nseen, sizeof(*seen), seen_cmp);
	for (size_t i = 0; i < nseen; i++) {
		struct ipseen *s = seen[i];
		if (s->hop + 1 > t->o->depth)
			continue;
		struct ct_buf via = {0};
		ct_buf_printf(&via, "same IP %s", s->ip);
		int n = ip_node(t, s->ip, s->hop);
		if (n < 0 || item_add(t, IT_SAMEIP, s->ip, s->hop + 1, via.p, n) < 0) {
			ct_buf_free(&via);
			free(seen);
			goto fail;
		}
		ct_buf_free(&via);
		struct item *it = t->items.v[t->items.n - 1];
		it->from = s->from > INT64_MIN + window ? s->from - window : INT64_MIN;
		it->to = s->to < INT64_MAX - window ? s->to + window : INT64_MAX;
		if (it->from < t->since)
			it->from = t->since;
		if (it->to > t->until)
			it->to = t->until;
	}
	free(seen);
	for (size_t i = 0; i < t->items.n; i++) {
		struct item *it = t->items.v[i];
		if (!it->done && it->kind == IT_SAMEIP && process_item(t, it) < 0)
			goto fail;
	}
	if (add_findings(t) < 0)
		goto fail;
	if (t->rows.n)
		qsort(t->rows.v, t->rows.n, sizeof(*t->rows.v), row_cmp);
	struct ct_buf d = {0};
	static const char *const from[] = {"--access-key", "--principal", "--ip", "--event-id"};
	ct_buf_printf(&d, "ctscan trace %s %s", o->from >= 0 && o->from < 4 ? from[o->from] : "?", o->value);
	t->start_desc = d.p;
	*ret = t;
	return 0;
fail:
	if (!t->err->code)
		nomem(t);
	ct_trace_free(t);
	return -1;
}

size_t ct_trace_rows(const struct ct_trace *t)
{
	return t ? t->rows.n : 0;
}

const struct ct_trace_row *ct_trace_row(const struct ct_trace *t, size_t i)
{
	return t && i < t->rows.n ? t->rows.v[i] : NULL;
}

uint64_t ct_trace_rows_dropped(const struct ct_trace *t)
{
	return t ? t->rows_dropped : 0;
}

void ct_trace_free(struct ct_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->rows.n; i++) {
		struct ct_trace_row *r = t->rows.v[i];
		free((char *)r->via);
		free((char *)r->identity);
		free((char *)r->access_key);
		free((char *)r->source_ip);
		free((char *)r->event);
		free((char *)r->detail);
		free((char *)r->event_id);
		free(r);
	}
	free(t->rows.v);
	for (size_t i = 0; i < t->nodes.n; i++) {
		struct node *n = t->nodes.v[i];
		free(n->id);
		free(n->title);
		free(n->sub);
		free(n);
	}
	free(t->nodes.v);
	for (size_t i = 0; i < t->edges.n; i++) {
		struct edge *e = t->edges.v[i];
		free(e->what);
		free(e);
	}
	free(t->edges.v);
	for (size_t i = 0; i < t->items.n; i++) {
		struct item *it = t->items.v[i];
		free(it->value);
		free(it->via);
		free(it);
	}
	free(t->items.v);
	for (size_t i = 0; i < t->insts.n; i++) {
		struct instance *x = t->insts.v[i];
		for (size_t k = 0; k < x->enis.n; k++)
			free(x->enis.v[k]);
		for (size_t k = 0; k < x->ips.n; k++)
			free(x->ips.v[k]);
		free(x->enis.v);
		free(x->ips.v);
		free(x->id);
		free(x);
	}
	free(t->insts.v);
	for (size_t i = 0; i < t->ipseen.cap; i++)
		if (t->ipseen.keys[i])
			free((void *)(intptr_t)t->ipseen.vals[i]);
	smap_free(&t->ipseen);
	smap_free(&t->node_ids);
	smap_free(&t->edge_ids);
	smap_free(&t->item_ids);
	smap_free(&t->users);
	smap_free(&t->event_hop);
	smap_free(&t->arn_hop);
	smap_free(&t->flowed);
	idmap_free(&t->seen);
	sqlite3_finalize(t->raw);
	idmap_free(&t->names);
	idmap_free(&t->strs);
	idmap_free(&t->details);
	sqlite3_finalize(t->flow_by_id);
	free(t->start_desc);
	free(t);
}

/* ---- pictures ---- */

int ct_trace_dot_quote(struct ct_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int r;
		if (*p == '"' || *p == '\\')
			r = ct_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			r = ct_buf_printf(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			r = 0;
		else
			r = ct_buf_putc(b, (char)*p);
		if (r < 0)
			return -1;
	}
	return 0;
}

int ct_trace_mermaid_quote(struct ct_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int r;
		switch (*p) {
		case '"': r = ct_buf_printf(b, "#quot;"); break;
		case '#': r = ct_buf_printf(b, "#35;"); break;
		case '<': r = ct_buf_printf(b, "#lt;"); break;
		case '>': r = ct_buf_printf(b, "#gt;"); break;
		case '&': r = ct_buf_printf(b, "#amp;"); break;
		case '|': r = ct_buf_printf(b, "#124;"); break;
		case '`': r = ct_buf_printf(b, "#96;"); break;
		case '\n': r = ct_buf_printf(b, "<br>"); break;
		default: r = *p < 0x20 || *p == 0x7f ? 0 : ct_buf_putc(b, (char)*p);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

void ct_trace_bytes(uint64_t n, char buf[32])
{
	if (n < 1000)
		snprintf(buf, 32, "%" PRIu64 " B", n);
	else if (n < 1000000)
		snprintf(buf, 32, "%.1f kB", (double)n / 1e3);
	else if (n < 1000000000)
		snprintf(buf, 32, "%.1f MB", (double)n / 1e6);
	else if (n < 1000000000000ULL)
		snprintf(buf, 32, "%.1f GB", (double)n / 1e9);
	else
		snprintf(buf, 32, "%.1f TB", (double)n / 1e12);
}

static void hm(int64_t ms, bool dated, char buf[32])
{
	char iso[32];
	ct_time_format(ms, iso);
	if (dated)
		snprintf(buf, 32, "%.5s %.5s", iso + 5, iso + 11);
	else
		snprintf(buf, 32, "%.5s", iso + 11);
}

int ct_trace_edge_label(struct ct_buf *b, const char *what, uint64_t n, int64_t first, int64_t last, bool dated)
{
	char f[32], l[32];
	hm(first, dated, f);
	hm(last, dated, l);
	int r = ct_buf_printf(b, "%s", what);
	if (r == 0 && n > 1)
		r = ct_buf_printf(b, " \xc3\x97%" PRIu64 ",", n);
	if (r == 0)
		r = ct_buf_printf(b, " %s", f);
	if (r == 0 && strcmp(f, l) != 0)
		r = ct_buf_printf(b, "\xe2\x80\x93%s", dated && memcmp(f, l, 5) == 0 ? l + 6 : l);
	return r;
}

/* fill, border, font colours by kind; findings by severity */
static const char *const kind_fill[NK_NKINDS] = {
	[NK_KEY] = "#ffe599",     [NK_SESSION] = "#cfe2f3",  [NK_PRINCIPAL] = "#d9d2e9", [NK_USER] = "#fce5cd",
	[NK_IP] = "#eeeeee",      [NK_INSTANCE] = "#d9ead3", [NK_ENI] = "#d9ead3",       [NK_RESOURCE] = "#ffffff",
	[NK_SERVICE] = "#f3f3f3", [NK_FINDING] = "#e06666",
};
static const char *const kind_class[NK_NKINDS] = {
	[NK_KEY] = "key",
	[NK_SESSION] = "session",
	[NK_PRINCIPAL] = "principal",
	[NK_USER] = "user",
	[NK_IP] = "ip",
	[NK_INSTANCE] = "instance",
	[NK_ENI] = "eni",
	[NK_RESOURCE] = "resource",
	[NK_SERVICE] = "service",
	[NK_FINDING] = "finding",
};
static const char *const sev_fill[] = {"#cccccc", "#ffd966", "#f6b26b", "#e06666", "#cc0000"};
static const char *const sev_class[] = {"sevinfo", "sevlow", "sevmedium", "sevhigh", "sevcritical"};

/* Lower keeps first when the graph is capped. */
static int node_rank(const struct node *n)
{
	if (n->start)
		return 0;
	switch (n->kind) {
	case NK_KEY:
	case NK_SESSION:
	case NK_USER:
	case NK_INSTANCE:
	case NK_PRINCIPAL: return 1;
	case NK_FINDING: return 2;
	case NK_ENI: return 3;
	case NK_IP: return 4;
	case NK_RESOURCE: return 5;
	default: return 6;
	}
}

static const struct node *const *sort_nodes_base;
static int node_keep_cmp(const void *a, const void *b)
{
	const struct node *x = sort_nodes_base[*(const int *)a], *y = sort_nodes_base[*(const int *)b];
	int rx = node_rank(x), ry = node_rank(y);
	if (rx != ry)
		return rx - ry;
	if (x->hop != y->hop)
		return x->hop - y->hop;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static int emit(const struct ct_graph_opts *o, struct ct_buf *b, struct ct_err *err)
{
	if (!b->len)
		return 0;
	errno = 0;
	if (o->write(o->ud, b->p, b->len) < 0) {
		if (errno == EPIPE)
			return 1;
		return ct_err_set(err, CT_E_SYSTEM, NULL, 0, "cannot write output: %s",
				  errno ? strerror(errno) : "write failed");
	}
	ct_buf_reset(b);
	return 0;
}

static void edge_text(const struct ct_trace *t, const struct edge *e, bool dated, struct ct_buf *b)
{
	if (e->kind == EK_SOURCE) {
		char f[32], l[32];
		hm(e->first, dated, f);
		hm(e->last, dated, l);
		ct_buf_printf(b, "%" PRIu64 " call%s, %s", e->n, e->n == 1 ? "" : "s", f);
		if (strcmp(f, l))
			ct_buf_printf(b, "\xe2\x80\x93%s", dated && memcmp(f, l, 5) == 0 ? l + 6 : l);
	} else if (e->kind == EK_FLOW) {
		char by[32];
		ct_trace_bytes(e->bytes, by);
		struct ct_buf w = {0};
		ct_buf_printf(&w, "%s %s", e->what, by);
		ct_trace_edge_label(b, w.p ? w.p : e->what, e->n, e->first, e->last, dated);
		ct_buf_free(&w);
	} else if (e->kind == EK_HAS || e->kind == EK_FINDING) {
		ct_buf_printf(b, "%s", e->what);
	} else {
		ct_trace_edge_label(b, e->what, e->n, e->first, e->last, dated);
	}
	(void)t;
}

/* The lines of a collapsed edge: named calls in time order, then the
 * failed and the other calls. */
static int call_cmp(const void *a, const void *b)
{
	const struct edge *x = *(const struct edge *const *)a, *y = *(const struct edge *const *)b;
	int gx = strcmp(x->what, "failed calls") == 0 ? 1 : strcmp(x->what, "other calls") == 0 ? 2 : 0;
	int gy = strcmp(y->what, "failed calls") == 0 ? 1 : strcmp(y->what, "other calls") == 0 ? 2 : 0;
	if (gx != gy)
		return gx - gy;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->what, y->what);
}

int ct_trace_graph(const struct ct_trace *t, const struct ct_graph_opts *o, struct ct_err *err)
{
	size_t nn = t->nodes.n;
	int max = o->max_nodes > 0 ? o->max_nodes : CT_TRACE_MAX_NODES;
	int *order = calloc(nn + 1, sizeof(*order));
	bool *keep = calloc(nn + 1, sizeof(*keep));
	int *deg = calloc(nn + 1, sizeof(*deg));
	struct ct_buf b = {0}, lab = {0};
	struct smap pairs = {0};
	int64_t *lead = NULL, *next = NULL, *tail = NULL;
	const struct edge **group = NULL;
	int rc = -1;
	if (!order || !keep || !deg) {
		ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	/* only nodes joined to something, except the start */
	for (size_t i = 0; i < t->edges.n; i++) {
		const struct edge *e = t->edges.v[i];
		deg[e->from]++;
		deg[e->to]++;
	}
	size_t cand = 0;
	for (size_t i = 0; i < nn; i++)
		if (deg[i] || N((struct ct_trace *)t, (int)i)->start)
			order[cand++] = (int)i;
	sort_nodes_base = (const struct node *const *)t->nodes.v;
	qsort(order, cand, sizeof(*order), node_keep_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < cand && kept < (size_t)max; i++, kept++)
		keep[order[i]] = true;
	/* a kept node whose only edges lead to dropped nodes is left out too */
	memset(deg, 0, (nn + 1) * sizeof(*deg));
	for (size_t i = 0; i < t->edges.n; i++) {
		const struct edge *e = t->edges.v[i];
		if (keep[e->from] && keep[e->to]) {
			deg[e->from]++;
			deg[e->to]++;
		}
	}
	size_t shown = 0;
	for (size_t i = 0; i < nn; i++) {
		if (keep[i] && !deg[i] && !N((struct ct_trace *)t, (int)i)->start)
			keep[i] = false;
		shown += keep[i];
	}
	size_t hidden = cand - shown;
	bool dated = false;
	if (t->first_ts != INT64_MAX) {
		char a[32], z[32];
		ct_time_format(t->first_ts, a);
		ct_time_format(t->last_ts, z);
		dated = memcmp(a, z, 10) != 0;
	}
	bool dot = o->format == CT_GRAPH_DOT;
	if (dot) {
		ct_buf_printf(&b,
			      "digraph \"ctscan trace\" {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12,"
			      " labelloc=t, nodesep=0.25, ranksep=0.7, label=\"");
		ct_trace_dot_quote(&b, o->title ? o->title : t->start_desc);
		ct_buf_printf(&b, "\"];\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\","
				  " fontsize=10, color=\"#666666\"];\n  edge [fontname=\"Helvetica\", fontsize=9,"
				  " color=\"#555555\"];\n");
	} else {
		ct_buf_printf(&b, "%%%% ");
		/* a comment line: no newline may enter it */
		for (const char *p = o->title ? o->title : t->start_desc; *p; p++)
			ct_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
		ct_buf_printf(&b, "\nflowchart LR\n");
	}
	for (size_t i = 0; i < nn; i++) {
		if (!keep[i])
			continue;
		const struct node *n = t->nodes.v[i];
		ct_buf_reset(&lab);
		ct_buf_printf(&lab, "%s", n->title);
		if (n->count > 1)
			ct_buf_printf(&lab, " \xc3\x97%" PRIu64, n->count);
		if (n->sub)
			ct_buf_printf(&lab, "\n%s", n->sub);
		if (n->stub)
			ct_buf_printf(&lab, "\n(not followed: --depth)");
		else if (n->start)
			ct_buf_printf(&lab, "\n(start)");
		if (dot) {
			static const char *const shape[NK_NKINDS] = {[NK_IP] = "ellipse",
								     [NK_INSTANCE] = "box3d",
								     [NK_FINDING] = "note",
								     [NK_RESOURCE] = "folder",
								     [NK_SERVICE] = "box"};
			const char *fill = n->kind == NK_FINDING && n->sev >= 0 && n->sev < 5 ? sev_fill[n->sev]
											      : kind_fill[n->kind];
			ct_buf_printf(&b, "  \"n%zu\" [label=\"", i);
			ct_trace_dot_quote(&b, lab.p);
			ct_buf_printf(&b, "\", fillcolor=\"%s\"", fill);
			if (shape[n->kind])
				ct_buf_printf(&b, ", shape=%s", shape[n->kind]);
			if (n->kind == NK_INSTANCE || n->kind == NK_FINDING || n->kind == NK_RESOURCE)
				ct_buf_printf(&b, ", style=\"filled%s\"", n->stub ? ",dashed" : "");
			else if (n->stub)
				ct_buf_printf(&b, ", style=\"rounded,filled,dashed\"");
			if (n->kind == NK_FINDING && n->sev >= 4)
				ct_buf_printf(&b, ", fontcolor=\"#ffffff\"");
			if (n->kind != NK_FINDING && n->sev >= 0 && n->sev < 5)
				ct_buf_printf(&b, ", color=\"%s\", penwidth=2.5",
					      n->sev >= 3 ? "#cc0000" : sev_fill[n->sev]);
			if (n->start)
				ct_buf_printf(&b, ", peripheries=2, penwidth=2");
			ct_buf_printf(&b, "];\n");
		} else {
			static const char *const open[NK_NKINDS] = {[NK_IP] = "([\"",
								    [NK_INSTANCE] = "[[\"",
								    [NK_FINDING] = "{{\"",
								    [NK_RESOURCE] = "[(\""};
			static const char *const close[NK_NKINDS] = {[NK_IP] = "\"])",
								     [NK_INSTANCE] = "\"]]",
								     [NK_FINDING] = "\"}}",
								     [NK_RESOURCE] = "\")]"};
			ct_buf_printf(&b, "  n%zu%s", i, open[n->kind] ? open[n->kind] : "[\"");
			ct_trace_mermaid_quote(&b, lab.p);
			ct_buf_printf(&b, "%s\n", close[n->kind] ? close[n->kind] : "\"]");
		}
		if (b.len > 60000 && (rc = emit(o, &b, err)) != 0)
			goto out;
	}
	if (hidden) {
		if (dot)
			ct_buf_printf(&b,
				      "  \"more\" [label=\"%zu more nodes not shown\\n(raise --max-nodes)\","
				      " shape=plaintext, style=\"\"];\n",
				      hidden);
		else
			ct_buf_printf(&b, "  more[\"%zu more nodes not shown<br>(raise --max-nodes)\"]\n", hidden);
	}
	/* the calls of one actor to one target are one edge of several
	 * lines: lead[] is the first edge of each such group, next[] chains
	 * the group */
	size_t ne = t->edges.n;
	lead = malloc((ne + 1) * sizeof(*lead));
	next = malloc((ne + 1) * sizeof(*next));
	tail = malloc((ne + 1) * sizeof(*tail));
	group = malloc((ne + 1) * sizeof(*group));
	if (!lead || !next || !tail || !group) {
		ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ne; i++) {
		const struct edge *e = t->edges.v[i];
		lead[i] = next[i] = -1;
		if (e->kind != EK_CALL || !keep[e->from] || !keep[e->to])
			continue;
		ct_buf_reset(&lab);
		if (ct_buf_printf(&lab, "%d|%d", e->from, e->to) < 0 ||
		    (!smap_get(&pairs, lab.p) && smap_put(&pairs, lab.p, (int64_t)i) < 0)) {
			ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		int64_t l = *smap_get(&pairs, lab.p);
		lead[i] = l;
		if ((size_t)l == i)
			tail[i] = (int64_t)i;
		else {
			next[tail[l]] = (int64_t)i;
			tail[l] = (int64_t)i;
		}
	}
	for (size_t i = 0; i < t->edges.n; i++) {
		const struct edge *e = t->edges.v[i];
		if (!keep[e->from] || !keep[e->to])
			continue;
		if (lead[i] >= 0 && (size_t)lead[i] != i)
			continue;
		ct_buf_reset(&lab);
		if (lead[i] >= 0 && next[i] >= 0) {
			size_t ng = 0;
			for (int64_t j = (int64_t)i; j >= 0; j = next[j])
				group[ng++] = t->edges.v[j];
			qsort(group, ng, sizeof(*group), call_cmp);
			for (size_t k = 0; k < ng && k < CT_TRACE_EDGE_LINES; k++) {
				if (k)
					ct_buf_putc(&lab, '\n');
				edge_text(t, group[k], dated, &lab);
			}
			if (ng > CT_TRACE_EDGE_LINES) {
				uint64_t more = 0;
				for (size_t k = CT_TRACE_EDGE_LINES; k < ng; k++)
					more += group[k]->n;
				ct_buf_printf(&lab, "\n+%" PRIu64 " more call%s", more, more == 1 ? "" : "s");
			}
		} else {
			edge_text(t, e, dated, &lab);
		}
		if (dot) {
			ct_buf_printf(&b, "  \"n%d\" -> \"n%d\" [label=\"", e->from, e->to);
			ct_trace_dot_quote(&b, lab.p ? lab.p : "");
			ct_buf_printf(&b, "\"");
			if (e->kind == EK_FINDING)
				ct_buf_printf(&b, ", style=dashed, color=\"#cc0000\"");
			else if (e->kind == EK_LINK)
				ct_buf_printf(&b, ", penwidth=2");
			else if (e->kind == EK_FLOW)
				ct_buf_printf(&b, ", color=\"#38761d\"");
			else if (e->kind == EK_SOURCE || e->kind == EK_HAS)
				ct_buf_printf(&b, ", style=dotted");
			ct_buf_printf(&b, "];\n");
		} else {
			const char *arrow = e->kind == EK_LINK ? "==>"
					    : e->kind == EK_FINDING || e->kind == EK_SOURCE || e->kind == EK_HAS
						    ? "-.->"
						    : "-->";
			ct_buf_printf(&b, "  n%d %s|\"", e->from, arrow);
			ct_trace_mermaid_quote(&b, lab.p ? lab.p : "");
			ct_buf_printf(&b, "\"| n%d\n", e->to);
		}
		if (b.len > 60000 && (rc = emit(o, &b, err)) != 0)
			goto out;
	}
	if (dot) {
		ct_buf_printf(&b, "}\n");
	} else {
		for (int k = 0; k < NK_NKINDS; k++) {
			if (k == NK_FINDING)
				continue;
			ct_buf_printf(&b, "  classDef %s fill:%s,stroke:#666666,color:#000000\n", kind_class[k],
				      kind_fill[k]);
		}
		for (int s = 0; s < 5; s++)
			ct_buf_printf(&b, "  classDef %s fill:%s,stroke:#990000,color:%s\n", sev_class[s], sev_fill[s],
				      s >= 4 ? "#ffffff" : "#000000");
		ct_buf_printf(&b, "  classDef start stroke:#000000,stroke-width:3px\n");
		ct_buf_printf(&b, "  classDef stub stroke-dasharray:5 3\n");
		ct_buf_printf(&b, "  classDef flagged stroke:#cc0000,stroke-width:3px\n");
		for (size_t i = 0; i < nn; i++) {
			if (!keep[i])
				continue;
			const struct node *n = t->nodes.v[i];
			const char *cls = n->kind == NK_FINDING && n->sev >= 0 && n->sev < 5 ? sev_class[n->sev]
											     : kind_class[n->kind];
			ct_buf_printf(&b, "  class n%zu %s", i, cls);
			if (n->start)
				ct_buf_printf(&b, ",start");
			else if (n->kind != NK_FINDING && n->sev >= 3)
				ct_buf_printf(&b, ",flagged");
			if (n->stub)
				ct_buf_printf(&b, ",stub");
			ct_buf_printf(&b, "\n");
		}
	}
	rc = emit(o, &b, err);
out:
	ct_buf_free(&b);
	ct_buf_free(&lab);
	smap_free(&pairs);
	free(lead);
	free(next);
	free(tail);
	free(group);
	free(order);
	free(keep);
	free(deg);
	return rc;
}
