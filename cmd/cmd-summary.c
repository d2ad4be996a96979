/* cmd-summary.c - ctscan summary: one row per identity, key, address, role,
 * account, region, event or user agent.
 *
 * One pass over the base table ev with timeline's filters (filter.c): the
 * columns read are integers (dictionary ids) and the event name, and the
 * counting happens here in hash tables keyed by those ids, so a summary
 * of a million events costs one scan and no string comparisons beyond
 * the event names.  Names are looked up in strs only for the rows and the
 * top list entries printed.  --by ip then adds, for each address, its VPC
 * flow totals from the srcaddr and dstaddr indexes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "filter.h"
#include "output.h"
#include "sqlfn.h"

/* ---- counting maps: id (> 0) -> count ---- */

struct cmap {
	int64_t *k;
	uint64_t *n;
	uint32_t cap, len;
};

static inline uint32_t hash_id(int64_t x, uint32_t mask)
{
	uint64_t z = (uint64_t)x * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(z >> 32) & mask;
}

static int cmap_add(struct cmap *m, int64_t k, uint64_t n)
{
	if ((m->len + 1) * 4 > m->cap * 3) {
		uint32_t cap = m->cap ? m->cap * 2 : 4;
		int64_t *nk = calloc(cap, sizeof(*nk));
		uint64_t *nn = calloc(cap, sizeof(*nn));
		if (!nk || !nn) {
			free(nk);
			free(nn);
			return -1;
		}
		for (uint32_t i = 0; i < m->cap; i++) {
			if (!m->k[i])
				continue;
			uint32_t j = hash_id(m->k[i], cap - 1);
			while (nk[j])
				j = (j + 1) & (cap - 1);
			nk[j] = m->k[i];
			nn[j] = m->n[i];
		}
		free(m->k);
		free(m->n);
		m->k = nk;
		m->n = nn;
		m->cap = cap;
	}
	uint32_t j = hash_id(k, m->cap - 1);
	while (m->k[j] && m->k[j] != k)
		j = (j + 1) & (m->cap - 1);
	if (!m->k[j]) {
		m->k[j] = k;
		m->len++;
	}
	m->n[j] += n;
	return 0;
}

static void cmap_free(struct cmap *m)
{
	free(m->k);
	free(m->n);
}

/* ---- the summary ---- */

enum { L_NAMES, L_ABUSED, L_REGION, L_IP, L_UA, L_KEY, L_IDENT, L_N };

struct ent {
	int64_t key;
	const char *name;
	int64_t first, last;
	uint64_t events, failures, abused;
	struct cmap l[L_N];
	bool has_flows;
	int64_t flows[2], bytes[2], packets[2]; /* out, in */
};

enum by { BY_IDENTITY, BY_KEY, BY_IP, BY_ROLE, BY_ACCOUNT, BY_REGION, BY_EVENT, BY_UA };
static const char *const by_names[] = {"identity", "key", "ip", "role", "account", "region", "event", "user-agent"};
static const char *const by_cols[] = {"identity", "access_key", "ip",    "role",
				      "account",  "region",     "event", "user_agent"};
/* the key expression over ev e */
static const char *const by_expr[] = {
	"coalesce(e.iarn, e.invby, e.ipid, e.iacct)", "e.akey", "e.ip", "e.siarn", "e.acct", "e.region", "NULL", "e.ua",
};
/* the list column the grouping makes pointless */
static const int by_drop[] = {L_IDENT, L_KEY, L_IP, -1, -1, L_REGION, L_NAMES, L_UA};

enum col {
	C_ENTITY,
	C_FIRST,
	C_LAST,
	C_EVENTS,
	C_NAMES,
	C_SUCCESS,
	C_FAILURES,
	C_ABUSED,
	C_ABUSED_CALLS,
	C_REGIONS,
	C_IPS,
	C_UAS,
	C_KEYS,
	C_IDENTS,
	C_FLOWS_OUT,
	C_BYTES_OUT,
	C_PACKETS_OUT,
	C_FLOWS_IN,
	C_BYTES_IN,
	C_PACKETS_IN,
	C_N,
};
static const char *const col_names[C_N] = {
	NULL,        "first_seen",   "last_seen",   "events",     "event_names", "success",     "failures",
	"abused",    "abused_calls", "regions",     "source_ips", "user_agents", "access_keys", "identities",
	"flows_out", "bytes_out",    "packets_out", "flows_in",   "bytes_in",    "packets_in",
};
/* the list behind a list column */
static int col_list(int c)
{
	switch (c) {
	case C_ABUSED_CALLS: return L_ABUSED;
	case C_REGIONS: return L_REGION;
	case C_IPS: return L_IP;
	case C_UAS: return L_UA;
	case C_KEYS: return L_KEY;
	case C_IDENTS: return L_IDENT;
	default: return -1;
	}
}

struct sortkey {
	int col;
	int desc;
};

struct summary {
	enum by by;
	int top;
	struct ent **ents;
	size_t n, cap;
	/* entity key -> index + 1 */
	int64_t *ek;
	uint32_t *ev;
	uint32_t ecap;
	/* event names: interned, index + 1 is the id */
	char **names;
	size_t nnames, names_cap;
	uint32_t *nh; /* hash -> index + 1 */
	uint32_t nhcap;
	bool *name_abused;
	/* dictionary strings looked up */
	int64_t *sk;
	char **sv;
	uint32_t scap, slen;
	sqlite3_stmt *str;
	struct sortkey sort[8];
	int nsort;
};

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The id (> 0) of an event name, interning it. */
static int64_t name_id(struct summary *s, const char *name, size_t len, const struct ct_apiset *abused)
{
	if ((s->nnames + 1) * 2 > s->nhcap) {
		uint32_t cap = s->nhcap ? s->nhcap * 2 : 1024;
		uint32_t *nh = calloc(cap, sizeof(*nh));
		if (!nh)
			return -1;
		for (uint32_t i = 0; i < s->nhcap; i++) {
			if (!s->nh[i])
				continue;
			const char *n = s->names[s->nh[i] - 1];
			uint32_t j = hash_bytes(n, strlen(n)) & (cap - 1);
			while (nh[j])
				j = (j + 1) & (cap - 1);
			nh[j] = s->nh[i];
		}
		free(s->nh);
		s->nh = nh;
		s->nhcap = cap;
	}
	uint32_t j = hash_bytes(name, len) & (s->nhcap - 1);
	while (s->nh[j]) {
		const char *n = s->names[s->nh[j] - 1];
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return s->nh[j];
		j = (j + 1) & (s->nhcap - 1);
	}
	if (s->nnames == s->names_cap) {
		size_t cap = s->names_cap ? s->names_cap * 2 : 256;
		char **nn = realloc(s->names, cap * sizeof(*nn));
		bool *na = realloc(s->name_abused, cap * sizeof(*na));
		if (nn)
			s->names = nn;
		if (na)
			s->name_abused = na;
		if (!nn || !na)
			return -1;
		s->names_cap = cap;
	}
	char *d = malloc(len + 1);
	if (!d)
		return -1;
	memcpy(d, name, len);
	d[len] = 0;
	s->names[s->nnames] = d;
	s->name_abused[s->nnames] = ct_apiset_has(abused, name, len);
	s->nnames++;
	s->nh[j] = (uint32_t)s->nnames;
	return (int64_t)s->nnames;
}

static struct ent *ent_get(struct summary *s, int64_t key)
{
	if ((s->n + 1) * 2 > s->ecap) {
		uint32_t cap = s->ecap ? s->ecap * 2 : 256;
		int64_t *nk = calloc(cap, sizeof(*nk));
		uint32_t *nv = calloc(cap, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return NULL;
		}
		for (uint32_t i = 0; i < s->ecap; i++) {
			if (!s->ev[i])
				continue;
			uint32_t j = hash_id(s->ek[i], cap - 1);
			while (nv[j])
				j = (j + 1) & (cap - 1);
			nk[j] = s->ek[i];
			nv[j] = s->ev[i];
		}
		free(s->ek);
		free(s->ev);
		s->ek = nk;
		s->ev = nv;
		s->ecap = cap;
	}
	uint32_t j = hash_id(key, s->ecap - 1);
	while (s->ev[j]) {
		if (s->ek[j] == key)
			return s->ents[s->ev[j] - 1];
		j = (j + 1) & (s->ecap - 1);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct ent **ne = realloc(s->ents, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		s->ents = ne;
		s->cap = cap;
	}
	struct ent *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = key;
	e->first = INT64_MAX;
	e->last = INT64_MIN;
	s->ents[s->n++] = e;
	s->ek[j] = key;
	s->ev[j] = (uint32_t)s->n;
	return e;
}

/* The dictionary string of an id (cached); NULL when unknown. */
static const char *dict(struct summary *s, sqlite3 *db, int64_t id)
{
	if ((s->slen + 1) * 2 > s->scap) {
		uint32_t cap = s->scap ? s->scap * 2 : 1024;
		int64_t *nk = calloc(cap, sizeof(*nk));
		char **nv = calloc(cap, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return NULL;
		}
		for (uint32_t i = 0; i < s->scap; i++) {
			if (!s->sk[i])
				continue;
			uint32_t j = hash_id(s->sk[i], cap - 1);
			while (nk[j])
				j = (j + 1) & (cap - 1);
			nk[j] = s->sk[i];
			nv[j] = s->sv[i];
		}
		free(s->sk);
		free(s->sv);
		s->sk = nk;
		s->sv = nv;
		s->scap = cap;
	}
	uint32_t j = hash_id(id, s->scap - 1);
	while (s->sk[j]) {
		if (s->sk[j] == id)
			return s->sv[j];
		j = (j + 1) & (s->scap - 1);
	}
	if (!s->str && sqlite3_prepare_v2(db, "SELECT s FROM strs WHERE id = ?", -1, &s->str, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(s->str);
	sqlite3_bind_int64(s->str, 1, id);
	char *v = NULL;
	if (sqlite3_step(s->str) == SQLITE_ROW && sqlite3_column_text(s->str, 0))
		v = strdup((const char *)sqlite3_column_text(s->str, 0));
	sqlite3_reset(s->str);
	if (!v)
		return NULL;
	s->sk[j] = id;
	s->sv[j] = v;
	s->slen++;
	return v;
}

static const char *list_name(struct summary *s, sqlite3 *db, int list, int64_t id)
{
	if (list == L_NAMES || list == L_ABUSED)
		return id > 0 && (size_t)id <= s->nnames ? s->names[id - 1] : NULL;
	return dict(s, db, id);
}

static void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (int k = 0; k < L_N; k++)
			cmap_free(&s->ents[i]->l[k]);
		free(s->ents[i]);
	}
	free(s->ents);
	free(s->ek);
	free(s->ev);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->name_abused);
	free(s->nh);
	for (uint32_t i = 0; i < s->scap; i++)
		free(s->sv[i]);
	free(s->sk);
	free(s->sv);
	sqlite3_finalize(s->str);
}

/* ---- the scan ---- */

static int scan(struct summary *s, sqlite3 *db, const struct ct_filter *f, const struct ct_apiset *abused,
		struct ct_err *err)
{
	sqlite3_str *q = sqlite3_str_new(db);
	sqlite3_str_appendf(q,
			    "SELECT e.ts, en.s, e.ecode IS NOT NULL OR e.emsg IS NOT NULL, e.region, e.ip,"
			    " e.ua, e.akey, coalesce(e.iarn, e.invby, e.ipid, e.iacct), %s FROM ev e"
			    " JOIN names en ON en.id = e.ename%s WHERE 1",
			    by_expr[s->by], ct_filter_needs_view(f) ? " CROSS JOIN events ON events.id = e.id" : "");
	ct_filter_sql(f, q);
	char *sql = sqlite3_str_finish(q);
	if (!sql)
		return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	if (getenv("CTSCAN_DEBUG_SQL"))
		fprintf(stderr, "%s;\n", sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return ct_err_set(err, CT_E_QUERY, NULL, 0, "summary: %s", sqlite3_errmsg(db));
	/* the empty string is no key, no address */
	int64_t empty = -1;
	sqlite3_stmt *e0;
	if (sqlite3_prepare_v2(db, "SELECT id FROM strs WHERE s = ''", -1, &e0, NULL) == SQLITE_OK) {
		if (sqlite3_step(e0) == SQLITE_ROW)
			empty = sqlite3_column_int64(e0, 0);
		sqlite3_finalize(e0);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		size_t nlen = (size_t)sqlite3_column_bytes(st, 1);
		int64_t nid = name ? name_id(s, name, nlen, abused) : 0;
		if (nid < 0)
			goto nomem;
		int64_t key;
		if (s->by == BY_EVENT)
			key = nid;
		else
			key = sqlite3_column_int64(st, 8);
		if (key <= 0 || key == empty)
			continue;
		struct ent *e = ent_get(s, key);
		if (!e)
			goto nomem;
		int64_t ts = sqlite3_column_int64(st, 0);
		if (ts < e->first)
			e->first = ts;
		if (ts > e->last)
			e->last = ts;
		e->events++;
		if (sqlite3_column_int(st, 2))
			e->failures++;
		bool ab = nid && s->name_abused[nid - 1];
		if (ab)
			e->abused++;
		int64_t v[L_N] = {nid,
				  ab ? nid : 0,
				  sqlite3_column_int64(st, 3),
				  sqlite3_column_int64(st, 4),
				  sqlite3_column_int64(st, 5),
				  sqlite3_column_int64(st, 6),
				  sqlite3_column_int64(st, 7)};
		for (int k = 0; k < L_N; k++)
			if (v[k] > 0 && v[k] != empty && cmap_add(&e->l[k], v[k], 1) < 0)
				goto nomem;
	}
	if (rc != SQLITE_DONE) {
		ct_err_set(err, CT_E_QUERY, NULL, 0, "summary: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
}

/* --by ip: the flow totals of each address, from and to it. */
static int add_flows(struct summary *s, sqlite3 *db, const struct ct_filter *f, struct ct_err *err)
{
	sqlite3_stmt *any;
	bool flows = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM flow_rows LIMIT 1", -1, &any, NULL) == SQLITE_OK) {
		flows = sqlite3_step(any) == SQLITE_ROW;
		sqlite3_finalize(any);
	}
	if (!flows)
		return 0;
	sqlite3_stmt *st[2];
	const char *sql[2] = {
		"SELECT count(*), total(bytes), total(packets) FROM flow_rows WHERE srcaddr = ?1 AND start >= ?2 AND start <= ?3",
		"SELECT count(*), total(bytes), total(packets) FROM flow_rows WHERE dstaddr = ?1 AND start >= ?2 AND start <= ?3",
	};
	for (int d = 0; d < 2; d++) {
		if (sqlite3_prepare_v2(db, sql[d], -1, &st[d], NULL) != SQLITE_OK) {
			if (d)
				sqlite3_finalize(st[0]);
			return ct_err_set(err, CT_E_QUERY, NULL, 0, "summary: %s", sqlite3_errmsg(db));
		}
		sqlite3_bind_int64(st[d], 2, f->has_since ? f->since : INT64_MIN);
		sqlite3_bind_int64(st[d], 3, f->has_until ? f->until : INT64_MAX);
	}
	int rc = 0;
	for (size_t i = 0; i < s->n && !rc; i++) {
		struct ent *e = s->ents[i];
		unsigned char a[16];
		int fam;
		if (!e->name || ct_ip_parse(e->name, strlen(e->name), a, &fam) < 0)
			continue;
		e->has_flows = true;
		for (int d = 0; d < 2; d++) {
			sqlite3_reset(st[d]);
			sqlite3_bind_text(st[d], 1, e->name, -1, SQLITE_STATIC);
			if (sqlite3_step(st[d]) != SQLITE_ROW) {
				rc = ct_err_set(err, CT_E_QUERY, NULL, 0, "summary: %s", sqlite3_errmsg(db));
				break;
			}
			e->flows[d] = sqlite3_column_int64(st[d], 0);
			e->bytes[d] = sqlite3_column_int64(st[d], 1);
			e->packets[d] = sqlite3_column_int64(st[d], 2);
		}
	}
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return rc;
}

/* ---- ordering ---- */

static uint64_t ent_num(const struct ent *e, int c)
{
	switch (c) {
	case C_FIRST: return (uint64_t)e->first ^ (1ULL << 63);
	case C_LAST: return (uint64_t)e->last ^ (1ULL << 63);
	case C_EVENTS: return e->events;
	case C_NAMES: return e->l[L_NAMES].len;
	case C_SUCCESS: return e->events - e->failures;
	case C_FAILURES: return e->failures;
	case C_ABUSED: return e->abused;
	case C_ABUSED_CALLS: return e->l[L_ABUSED].len;
	case C_FLOWS_OUT: return (uint64_t)e->flows[0];
	case C_BYTES_OUT: return (uint64_t)e->bytes[0];
	case C_PACKETS_OUT: return (uint64_t)e->packets[0];
	case C_FLOWS_IN: return (uint64_t)e->flows[1];
	case C_BYTES_IN: return (uint64_t)e->bytes[1];
	case C_PACKETS_IN: return (uint64_t)e->packets[1];
	default: return 0;
	}
}

static const struct summary *sort_s;

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = *(struct ent *const *)a, *y = *(struct ent *const *)b;
	for (int i = 0; i < sort_s->nsort; i++) {
		int c = sort_s->sort[i].col, r;
		if (c == C_ENTITY) {
			r = strcmp(x->name ? x->name : "", y->name ? y->name : "");
		} else {
			uint64_t u = ent_num(x, c), v = ent_num(y, c);
			r = (u > v) - (u < v);
		}
		if (r)
			return sort_s->sort[i].desc ? -r : r;
	}
	return (x->key > y->key) - (x->key < y->key);
}

/* Parses --sort COL[:asc|:desc][,...]; the default order follows. */
static int parse_sort(struct summary *s, const char *spec)
{
	s->nsort = 0;
	if (spec) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", spec);
		char *save = NULL;
		for (char *tok = strtok_r(buf, ",", &save); tok && s->nsort < 4; tok = strtok_r(NULL, ",", &save)) {
			char *colon = strchr(tok, ':');
			int dir = -1;
			if (colon) {
				*colon = 0;
				if (strcmp(colon + 1, "asc") == 0)
					dir = 0;
				else if (strcmp(colon + 1, "desc") == 0)
					dir = 1;
				else {
					ct_cli_error("--sort: '%s' is not asc or desc", colon + 1);
					return -1;
				}
			}
			int c = -1;
			if (strcmp(tok, by_cols[s->by]) == 0 || strcmp(tok, "name") == 0)
				c = C_ENTITY;
			for (int k = 1; k < C_N && c < 0; k++)
				if (strcmp(tok, col_names[k]) == 0 && (col_list(k) < 0 || k == C_ABUSED_CALLS) &&
				    (k < C_FLOWS_OUT || s->by == BY_IP))
					c = k;
			if (c < 0) {
				ct_cli_error(
					"--sort: cannot sort by '%s' (%s, first_seen, last_seen, events, event_names,"
					" success, failures, abused, abused_calls%s; add :asc or :desc)",
					tok, by_cols[s->by],
					s->by == BY_IP
						? ", flows_out, bytes_out, packets_out, flows_in, bytes_in, packets_in"
						: "");
				return -1;
			}
			/* counts and last_seen: largest first; names and first_seen: smallest first */
			s->sort[s->nsort].col = c;
			s->sort[s->nsort].desc = dir >= 0 ? dir : !(c == C_ENTITY || c == C_FIRST);
			s->nsort++;
		}
	}
	/* what an analyst should look at first: failed calls, then the
	 * breadth and number of abused calls, then the rarest */
	static const struct sortkey def[] = {
		{C_FAILURES, 1}, {C_ABUSED_CALLS, 1}, {C_ABUSED, 1}, {C_EVENTS, 0}, {C_ENTITY, 0},
	};
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]) && s->nsort < 8; i++)
		s->sort[s->nsort++] = def[i];
	return 0;
}

/* ---- output ---- */

struct lent {
	int64_t id;
	uint64_t n;
	const char *name;
};

static int lent_cmp(const void *a, const void *b)
{
	const struct lent *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* "us-east-1 (120), eu-west-1 (3), +2 more" */
static int list_text(struct summary *s, sqlite3 *db, const struct cmap *m, int list, sqlite3_str *out)
{
	sqlite3_str_reset(out);
	if (!m->len)
		return 0;
	struct lent *v = calloc(m->len, sizeof(*v));
	if (!v)
		return -1;
	size_t n = 0;
	for (uint32_t i = 0; i < m->cap; i++) {
		if (!m->k[i])
			continue;
		v[n].id = m->k[i];
		v[n].n = m->n[i];
		v[n].name = list_name(s, db, list, m->k[i]);
		n++;
	}
	qsort(v, n, sizeof(*v), lent_cmp);
	for (size_t i = 0; i < n && i < (size_t)s->top; i++)
		sqlite3_str_appendf(out, "%s%s (%llu)", i ? ", " : "", v[i].name ? v[i].name : "?",
				    (unsigned long long)v[i].n);
	if (n > (size_t)s->top)
		sqlite3_str_appendf(out, s->top ? ", +%llu more" : "%llu distinct",
				    (unsigned long long)(n - (size_t)s->top));
	free(v);
	return sqlite3_str_errcode(out) == SQLITE_OK ? 0 : -1;
}

static int print(struct summary *s, sqlite3 *db, const struct ct_out_spec *spec, long long limit, struct ct_err *err)
{
	int cols[C_N], nc = 0;
	const char *names[C_N];
	for (int c = 0; c < C_N; c++) {
		int l = col_list(c);
		if (c >= C_FLOWS_OUT && s->by != BY_IP)
			continue;
		if (l >= 0 && l == by_drop[s->by])
			continue;
		if (c == C_NAMES && s->by == BY_EVENT)
			continue;
		names[nc] = c == C_ENTITY ? by_cols[s->by] : col_names[c];
		cols[nc++] = c;
	}
	struct ct_out *o = ct_out_new(spec, nc, names, err);
	if (!o)
		return -1;
	struct ct_out_value v[C_N];
	sqlite3_str *lists[C_N] = {0};
	char times[2][32];
	int rc = 0;
	for (int i = 0; i < nc; i++)
		if (col_list(cols[i]) >= 0 && !(lists[i] = sqlite3_str_new(NULL)))
			rc = ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
	for (size_t r = 0; r < s->n && !rc && (limit < 0 || (long long)r < limit); r++) {
		struct ent *e = s->ents[r];
		for (int i = 0; i < nc && !rc; i++) {
			int c = cols[i];
			switch (c) {
			case C_ENTITY: v[i] = ct_out_text(e->name); break;
			case C_FIRST:
			case C_LAST:
				ct_time_format(c == C_FIRST ? e->first : e->last, times[c - C_FIRST]);
				v[i] = ct_out_text(times[c - C_FIRST]);
				break;
			case C_NAMES: v[i] = ct_out_int((int64_t)e->l[L_NAMES].len); break;
			case C_EVENTS:
			case C_SUCCESS:
			case C_FAILURES:
			case C_ABUSED: v[i] = ct_out_int((int64_t)ent_num(e, c)); break;
			case C_FLOWS_OUT:
			case C_BYTES_OUT:
			case C_PACKETS_OUT:
			case C_FLOWS_IN:
			case C_BYTES_IN:
			case C_PACKETS_IN:
				v[i] = e->has_flows ? ct_out_int((int64_t)ent_num(e, c)) : ct_out_null();
				break;
			default: {
				int l = col_list(c);
				if (list_text(s, db, &e->l[l], l, lists[i]) < 0) {
					rc = ct_err_set(err, CT_E_NOMEM, NULL, 0, "out of memory");
					break;
				}
				v[i] = sqlite3_str_length(lists[i]) ? ct_out_text(sqlite3_str_value(lists[i]))
								    : ct_out_null();
			}
			}
		}
		if (!rc)
			rc = ct_out_row(o, v, err);
	}
	if (!rc)
		rc = ct_out_finish(o, err);
	for (int i = 0; i < nc; i++)
		if (lists[i])
			sqlite3_free(sqlite3_str_finish(lists[i]));
	ct_out_free(o);
	return rc;
}

/* ---- the command ---- */

enum { OPT_BY = 0x400, OPT_SORT, OPT_TOP };

static int exec_summary(struct ct_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'o'},
		{"limit", required_argument, NULL, 'n'},
		{"by", required_argument, NULL, OPT_BY},
		{"sort", required_argument, NULL, OPT_SORT},
		{"top", required_argument, NULL, OPT_TOP},
		CT_FILTER_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct ct_filter f;
	struct summary s = {.by = BY_IDENTITY, .top = 3};
	struct ct_apiset *abused = NULL;
	enum ct_format fmt = CT_FMT_TABLE;
	const char *sort = NULL;
	long long limit = -1;
	int status = CT_EXIT_OK, c;
	struct ct_err err = {0};
	if (ct_filter_init(&f, argc) < 0) {
		ct_cli_error("out of memory");
		return CT_EXIT_SYSTEM;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:o:n:w:", opts, NULL)) != -1) {
		int r = ct_filter_option(&f, c, optarg);
		if (r < 0) {
			status = ct_cli_usage(ct_cli_current);
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'd': cli->index_path = optarg; break;
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0 || fmt == CT_FMT_RAW) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md)", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			break;
		case 'n':
		case OPT_TOP: {
			char *end;
			errno = 0;
			long long n = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 0 || (c == OPT_TOP && n > 1000)) {
				ct_cli_error("--%s takes a number%s, not '%s'", c == 'n' ? "limit" : "top",
					     c == 'n' ? " of rows" : " from 0 to 1000", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			if (c == 'n')
				limit = n;
			else
				s.top = (int)n;
			break;
		}
		case OPT_BY: {
			int k;
			for (k = 0; k < (int)(sizeof(by_names) / sizeof(by_names[0])); k++)
				if (strcmp(optarg, by_names[k]) == 0)
					break;
			if (k == (int)(sizeof(by_names) / sizeof(by_names[0]))) {
				ct_cli_error("--by takes identity, key, ip, role, account, region, event or user-agent,"
					     " not '%s'",
					     optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			s.by = (enum by)k;
			break;
		}
		case OPT_SORT: sort = optarg; break;
		default: status = ct_cli_badopt(c, argv); goto out;
		}
	}
	if (optind < argc) {
		ct_cli_error("summary takes no arguments, only options ('%s')", argv[optind]);
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (parse_sort(&s, sort) < 0) {
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", ct_rules_default_dir(), CT_ABUSED_APIS_FILE);
	if (ct_apiset_load(path, &abused, &err) < 0) {
		if (err.code == CT_E_USAGE) {
			ct_cli_warn("'%s': no list of abused APIs: the abused columns count nothing", path);
		} else {
			status = ct_cli_report(&err);
			goto out;
		}
	}
	if ((status = ct_cli_open_index(cli)))
		goto out;
	sqlite3 *db = ct_index_db(cli->idx);
	struct ct_sql_guard guard;
	ct_sql_guard_install(db, &guard);
	if ((status = ct_filter_check(&f, db, &guard, "summary")))
		goto out;
	memset(&err, 0, sizeof(err));
	if (scan(&s, db, &f, abused, &err) < 0) {
		status = ct_cli_report(&err);
		goto out;
	}
	for (size_t i = 0; i < s.n; i++) {
		struct ent *e = s.ents[i];
		e->name = s.by == BY_EVENT ? s.names[e->key - 1] : dict(&s, db, e->key);
	}
	if (s.by == BY_IP && add_flows(&s, db, &f, &err) < 0) {
		status = ct_cli_report(&err);
		goto out;
	}
	sort_s = &s;
	if (s.n)
		qsort(s.ents, s.n, sizeof(*s.ents), ent_cmp);
	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	int r = print(&s, db, &spec, limit, &err);
	if (r < 0)
		status = ct_cli_report(&err);
out:
	summary_free(&s);
	ct_apiset_free(abused);
	ct_filter_free(&f);
	return status;
}

const struct ct_cmd cmd_summary = {
	.name = "summary",
	.usage = "summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]\n"
		 "               [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]",
	.summary = "one row per identity, key, address, role, ...: activity, failures, abused APIs",
	.flags = CMD_NEEDS_INDEX,
	.exec = exec_summary,
	.help = "  -d, --index INDEX     the index (default $CTSCAN_DB, else ./ctscan.db)\n"
		"  --by WHAT             identity (default), key, ip, role (the role behind sessions),\n"
		"                        account, region, event or user-agent\n" CT_FILTER_HELP
		"  --sort COL[:asc|:desc][,...]\n"
		"                        order by these columns (default: failures, abused APIs,\n"
		"                        abused calls, fewest events)\n"
		"  --top N               entries listed per list column (default 3)\n"
		"  -n, --limit N         at most N rows\n"
		"  -o, --output FORMAT   table (default), csv, tsv, json, ndjson, md\n",
};
