/* ingest.c - walking inputs, reading them on producer threads, writing
 * them into the index on the calling thread.
 *
 * Producers (one per job beyond the writer) take files i, i+P, i+2P...
 * in the walk's stable order, hash, sniff and parse them, and fill
 * batches of operations: file begin, events, diagnostics, file end.  The
 * writer consumes the batches in file order, so ids, messages and results
 * are the same whatever the number of jobs.  Only the writer calls the
 * caller's callbacks. */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cloudtrail.h"
#include "ctscan.h"
#include "detail.h"
#include "flowlog.h"
#include "input.h"
#include "json.h"
#include "store.h"
#include "util.h"

/* ---- walking ---- */

struct file_ent {
	char *path;
	uint64_t size;
};

struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct walker {
	struct file_ent *files;
	size_t n, cap;
	struct dir_id *dirs;
	size_t ndirs, capdirs;
	uint64_t bytes;
	uint64_t failed;       /* unreadable paths */
	struct dir_id self[4]; /* the index's own files, never read as input */
	size_t nself;
	ct_diag_fn diag;
	void *ud;
};

static int add_file(struct walker *w, const char *path, uint64_t size)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct file_ent *f = realloc(w->files, cap * sizeof(*f));
		if (!f)
			return -1;
		w->files = f;
		w->cap = cap;
	}
	if (!(w->files[w->n].path = strdup(path)))
		return -1;
	w->files[w->n].size = size;
	w->n++;
	w->bytes += size;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct walker *w, const char *path, bool top, int depth)
{
	struct stat st;
	if (strcmp(path, "-") == 0 && top)
		return add_file(w, path, 0);
	if (stat(path, &st) < 0) {
		w->failed++;
		struct stat lst;
		if (errno == ELOOP || (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)))
			ct_diag_emit(w->diag, w->ud, CT_DIAG_ERROR, CT_AT_FILE, path, 0,
				     "cannot follow symbolic link: %s", strerror(errno));
		else
			ct_diag_emit(w->diag, w->ud, CT_DIAG_ERROR, CT_AT_FILE, path, 0, "cannot read: %s",
				     strerror(errno));
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		for (size_t i = 0; i < w->nself; i++)
			if (w->self[i].dev == st.st_dev && w->self[i].ino == st.st_ino)
				return 0; /* the index itself, its WAL or shared memory */
		return add_file(w, path, (uint64_t)st.st_size);
	}
	if (!S_ISDIR(st.st_mode)) {
		w->failed++;
		ct_diag_emit(w->diag, w->ud, CT_DIAG_ERROR, CT_AT_FILE, path, 0,
			     "%s: refused (only regular files and directories are read)",
			     S_ISFIFO(st.st_mode)   ? "is a FIFO"
			     : S_ISSOCK(st.st_mode) ? "is a socket"
						    : "is a device");
		return 0;
	}
	for (size_t i = 0; i < w->ndirs; i++) {
		if (w->dirs[i].dev == st.st_dev && w->dirs[i].ino == st.st_ino) {
			ct_diag_emit(w->diag, w->ud, CT_DIAG_WARNING, CT_AT_FILE, path, 0,
				     "directory already visited (a symbolic link loop or a second link): skipped");
			return 0;
		}
	}
	if (depth > 64) {
		w->failed++;
		ct_diag_emit(w->diag, w->ud, CT_DIAG_ERROR, CT_AT_FILE, path, 0,
			     "directory tree deeper than 64 levels: skipped");
		return 0;
	}
	if (w->ndirs == w->capdirs) {
		size_t cap = w->capdirs ? w->capdirs * 2 : 64;
		struct dir_id *d = realloc(w->dirs, cap * sizeof(*d));
		if (!d)
			return -1;
		w->dirs = d;
		w->capdirs = cap;
	}
	w->dirs[w->ndirs++] = (struct dir_id){st.st_dev, st.st_ino};
	DIR *d = opendir(path);
	if (!d) {
		w->failed++;
		ct_diag_emit(w->diag, w->ud, CT_DIAG_ERROR, CT_AT_FILE, path, 0, "cannot read directory: %s",
			     strerror(errno));
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n > 0) /* qsort(NULL, 0, ...) is undefined (UBSan: an empty directory) */
		qsort(names, n, sizeof(*names), cmp_str);
	size_t plen = strlen(path);
	bool slash = plen > 0 && path[plen - 1] == '/';
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t l = plen + 1 + strlen(names[i]) + 1;
		char *child = malloc(l);
		if (!child) {
			rc = -1;
			break;
		}
		snprintf(child, l, "%s%s%s", path, slash ? "" : "/", names[i]);
		rc = walk(w, child, false, depth + 1);
		free(child);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- batches ---- */

enum op_type { OP_BEGIN, OP_EVENT, OP_DIAG, OP_END, OP_FLOW };

struct bevent {
	uint32_t raw_off, raw_len;
	uint64_t ordinal;
	int64_t ts;
	uint32_t off[CT_EF_COUNT], len[CT_EF_COUNT];
	uint32_t joff[CT_EJ_COUNT], jlen[CT_EJ_COUNT]; /* in the record; UINT32_MAX: absent */
	uint32_t doff, dlen, loff, llen;               /* detail and link texts (ct_detail_compute) */
	signed char b[CT_EB_COUNT];
	struct ct_event_prep prep;
};

struct bflow {
	uint64_t line;
	uint64_t present, cols;
	int64_t i[CT_FF_COUNT];
	uint32_t off[CT_FF_COUNT], len[CT_FF_COUNT];
	uint32_t extra_off, extra_len; /* UINT32_MAX: none */
};

enum file_action { FA_INGEST, FA_SKIP, FA_KNOWN, FA_FAILED };

struct fileinfo {
	enum file_action action;
	size_t index;
	char sha[65], csha[65];
	uint64_t size, csize;
	bool gz;
	const char *kind, *shape;
	int result; /* ct_read_result */
	uint64_t records, bad;
	char msg[1100];
	bool msg_is_error;
	bool msg_at_line;
	uint64_t msg_record;
};

struct bdiag {
	enum ct_diag_kind kind;
	enum ct_diag_where where;
	uint64_t n;
	uint32_t msg_off;
};

struct op {
	unsigned char type;
	uint32_t idx;
};

struct batch {
	struct op *ops;
	size_t nops, capops;
	struct bevent *evs;
	size_t nevs, capevs;
	struct bdiag *diags;
	size_t ndiags, capdiags;
	struct bflow *flows;
	size_t nflows, capflows;
	struct fileinfo *fis;
	size_t nfis, capfis;
	struct ct_buf data;
	bool failed; /* the producer stopped: nothing follows */
	struct batch *next;
};

/* a batch's text (records, fields, messages); one record may go past it */
#define BATCH_BYTES (2u << 20)
#define BATCH_EVENTS 4096
/* batches a producer may have filled ahead of the writer: the writer
 * and the producers take turns being the slower (a file of big events,
 * a burst of new strings), and six ride that out where three made
 * either wait (1M events: the load 0.1 s shorter in alternated rounds;
 * batches of 2 MiB instead of 4 keep the memory as it was).  Flow logs
 * keep three: their batches are of 8,192 rows, and six made 1M flows
 * 0.2 s slower (more of them out of the CPU's caches). */
#define QUEUE_DEPTH 6
#define QUEUE_DEPTH_FLOWS 3

static void batch_reset(struct batch *b)
{
	b->nops = b->nevs = b->ndiags = b->nfis = b->nflows = 0;
	b->failed = false;
	ct_buf_reset(&b->data);
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->ops);
	free(b->evs);
	free(b->diags);
	free(b->flows);
	free(b->fis);
	ct_buf_free(&b->data);
	free(b);
}

#define GROW(arr, n, cap)                                                                                              \
	do {                                                                                                           \
		if ((n) == (cap)) {                                                                                    \
			size_t nc_ = (cap) ? (cap)*2 : 64;                                                             \
			void *np_ = realloc((arr), nc_ * sizeof(*(arr)));                                              \
			if (!np_)                                                                                      \
				return -1;                                                                             \
			(arr) = np_;                                                                                   \
			(cap) = nc_;                                                                                   \
		}                                                                                                      \
	} while (0)

static int batch_op(struct batch *b, unsigned char type, uint32_t idx)
{
	GROW(b->ops, b->nops, b->capops);
	b->ops[b->nops++] = (struct op){type, idx};
	return 0;
}

/* ---- shared state ---- */

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail; /* full batches, in order */
	struct batch *free_list;
	int nbatches; /* allocated */
};

struct ingest;

struct producer {
	struct ingest *ing;
	int no;
	pthread_t thread;
	struct queue q;
	struct batch *cur;
	struct fileinfo *fi; /* of the file being read */
	struct batch *wb;    /* writer side: the batch being consumed */
	size_t wpos;         /* and the next op in it */
	struct ct_err err;
	bool failed;
	bool inline_mode;
	bool flows;                 /* the file being read is a flow log */
	struct ct_buf dtext, ltext; /* scratch for each event's detail and link */
};

struct shaset {
	char (*keys)[65];
	size_t cap, n;
	pthread_mutex_t mu;
};

struct ingest {
	struct ct_index *idx;
	const struct ct_ingest_opts *opts;
	struct walker walk;
	struct producer *prods;
	int nprods;
	atomic_bool abort;
	struct shaset known;
	/* writer side */
	struct ct_writer *w;
	struct ct_ingest_stats st;
	int64_t src_id;
	struct fileinfo curfi; /* writer: the file being written */
	uint64_t file_events, file_dups, file_flows;
	int64_t first_ts, last_ts;
	double t0, last_progress, last_commit;
	unsigned indexes_done, indexes_total; /* see struct ct_progress */
	uint64_t bytes_done, files_done;
	struct ct_err *err;
	struct ct_err fatal;
	bool have_fatal;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the set of known content hashes ---- */

static int shaset_grow(struct shaset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	char(*k)[65] = calloc(cap, 65);
	if (!k)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->keys[i][0])
			continue;
		size_t j = ct_hash64(s->keys[i], 64, 7) & (cap - 1);
		while (k[j][0])
			j = (j + 1) & (cap - 1);
		memcpy(k[j], s->keys[i], 65);
	}
	free(s->keys);
	s->keys = k;
	s->cap = cap;
	return 0;
}

/* Returns 1 when present, 0 when added, -1 on error. */
static int shaset_add(struct shaset *s, const char *sha)
{
	pthread_mutex_lock(&s->mu);
	int rc = 0;
	if ((s->n + 1) * 2 > s->cap && shaset_grow(s) < 0) {
		rc = -1;
		goto out;
	}
	size_t j = ct_hash64(sha, 64, 7) & (s->cap - 1);
	while (s->keys[j][0]) {
		if (memcmp(s->keys[j], sha, 64) == 0) {
			rc = 1;
			goto out;
		}
		j = (j + 1) & (s->cap - 1);
	}
	memcpy(s->keys[j], sha, 65);
	s->n++;
out:
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- producer side ---- */

/* A batch to fill: a free one, or a new one while there are fewer than
 * depth; waits for the writer to free one otherwise.  (A flow log read
 * after CloudTrail files reuses the batches those made: at most
 * QUEUE_DEPTH in all.) */
static struct batch *queue_get_free(struct queue *q, int depth, atomic_bool *abort_flag)
{
	pthread_mutex_lock(&q->mu);
	while (!q->free_list && q->nbatches >= depth && !atomic_load(abort_flag))
		pthread_cond_wait(&q->cv, &q->mu);
	struct batch *b = q->free_list;
	if (b) {
		q->free_list = b->next;
	} else if (!atomic_load(abort_flag)) {
		b = calloc(1, sizeof(*b));
		if (b)
			q->nbatches++;
	}
	pthread_mutex_unlock(&q->mu);
	if (b) {
		batch_reset(b);
		b->next = NULL;
	}
	return b;
}

static void queue_push(struct queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->mu);
	b->next = NULL;
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static struct batch *queue_pop(struct queue *q, atomic_bool *abort_flag)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !atomic_load(abort_flag))
		pthread_cond_wait(&q->cv, &q->mu);
	struct batch *b = q->head;
	if (!b) {
		pthread_mutex_unlock(&q->mu);
		return NULL;
	}
	q->head = b->next;
	if (!q->head)
		q->tail = NULL;
	pthread_mutex_unlock(&q->mu);
	return b;
}

static void queue_release(struct queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->mu);
	b->next = q->free_list;
	q->free_list = b;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static int consume(struct ingest *ing, struct batch *b);

/* Hands the current batch on: to the writer's queue, or in inline mode
 * straight to the writer. */
static int flush_batch(struct producer *p)
{
	struct batch *b = p->cur;
	p->cur = NULL;
	if (!b)
		return 0;
	if (p->inline_mode) {
		int rc = consume(p->ing, b);
		batch_reset(b);
		p->cur = b;
		return rc;
	}
	queue_push(&p->q, b);
	p->cur = queue_get_free(&p->q, p->flows ? QUEUE_DEPTH_FLOWS : QUEUE_DEPTH, &p->ing->abort);
	return p->cur ? 0 : -1;
}

static int add_diag(struct producer *p, enum ct_diag_kind kind, enum ct_diag_where where, uint64_t n, const char *msg)
{
	struct batch *b = p->cur;
	GROW(b->diags, b->ndiags, b->capdiags);
	uint32_t off = (uint32_t)b->data.len;
	if (ct_buf_append(&b->data, msg, strlen(msg) + 1) < 0)
		return -1;
	b->diags[b->ndiags] = (struct bdiag){kind, where, n, off};
	return batch_op(b, OP_DIAG, (uint32_t)b->ndiags++);
}

static void reader_diag(void *ud, const struct ct_diag *d)
{
	struct producer *p = ud;
	if (add_diag(p, d->kind, d->where, d->n, d->msg) < 0)
		p->failed = true;
}

static int on_event(void *ud, const struct ct_event *ev, struct ct_err *err)
{
	struct producer *p = ud;
	struct batch *b = p->cur;
	if (b->nevs >= BATCH_EVENTS || b->data.len + ev->raw_len > BATCH_BYTES) {
		if (flush_batch(p) < 0)
			return ct_err_set(err, CT_E_SYSTEM, "", 0, "ingest stopped");
		b = p->cur;
	}
	size_t need = ev->raw_len;
	for (int i = 0; i < CT_EF_COUNT; i++)
		if (ev->f[i].s)
			need += ev->f[i].len;
	if (ct_buf_reserve(&b->data, need) < 0 || (b->nevs == b->capevs && ({
							   size_t nc = b->capevs ? b->capevs * 2 : 256;
							   struct bevent *ne = realloc(b->evs, nc * sizeof(*ne));
							   if (ne) {
								   b->evs = ne;
								   b->capevs = nc;
							   }
							   !ne;
						   })))
		return ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
	struct bevent *be = &b->evs[b->nevs];
	be->raw_off = (uint32_t)b->data.len;
	be->raw_len = (uint32_t)ev->raw_len;
	ct_buf_append(&b->data, ev->raw, ev->raw_len);
	be->ordinal = ev->ordinal;
	be->ts = ev->ts;
	for (int i = 0; i < CT_EF_COUNT; i++) {
		if (!ev->f[i].s) {
			be->len[i] = UINT32_MAX;
			continue;
		}
		/* a field inside the raw record is referenced, not copied */
		if (ev->f[i].s >= ev->raw && ev->f[i].s + ev->f[i].len <= ev->raw + ev->raw_len) {
			be->off[i] = be->raw_off + (uint32_t)(ev->f[i].s - ev->raw);
		} else {
			be->off[i] = (uint32_t)b->data.len;
			ct_buf_append(&b->data, ev->f[i].s, ev->f[i].len);
		}
		be->len[i] = (uint32_t)ev->f[i].len;
	}
	for (int i = 0; i < CT_EJ_COUNT; i++) {
		/* the bodies are spans of the record (anything else is dropped) */
		if (ev->j[i].s && ev->j[i].s >= ev->raw && ev->j[i].s + ev->j[i].len <= ev->raw + ev->raw_len) {
			be->joff[i] = (uint32_t)(ev->j[i].s - ev->raw);
			be->jlen[i] = (uint32_t)ev->j[i].len;
		} else {
			be->jlen[i] = UINT32_MAX;
		}
	}
	memcpy(be->b, ev->b, sizeof(be->b));
	/* the detail and link facts here, on the reading thread: the writer's
	 * thread is the one ingest waits for */
	if (ct_detail_compute(ev, &p->dtext, &p->ltext) < 0 ||
	    ct_buf_reserve(&b->data, p->dtext.len + p->ltext.len) < 0)
		return ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
	be->doff = (uint32_t)b->data.len;
	be->dlen = (uint32_t)p->dtext.len;
	ct_buf_append(&b->data, p->dtext.p, p->dtext.len);
	be->loff = (uint32_t)b->data.len;
	be->llen = (uint32_t)p->ltext.len;
	ct_buf_append(&b->data, p->ltext.p, p->ltext.len);
	struct ct_str detail = {p->dtext.p, p->dtext.len};
	ct_event_prep(ev, &detail, &be->prep);
	return batch_op(b, OP_EVENT, (uint32_t)b->nevs++);
}

static int on_flow(void *ud, const struct ct_flow_rec *r, uint64_t lineno)
{
	struct producer *p = ud;
	struct batch *b = p->cur;
	if (b->nflows >= BATCH_EVENTS * 2 || b->data.len + r->len * 2 + 256 > BATCH_BYTES) {
		if (flush_batch(p) < 0)
			return -1;
		b = p->cur;
	}
	if (b->nflows == b->capflows) {
		size_t nc = b->capflows ? b->capflows * 2 : 256;
		struct bflow *nf = realloc(b->flows, nc * sizeof(*nf));
		if (!nf)
			return -1;
		b->flows = nf;
		b->capflows = nc;
	}
	struct bflow *bf = &b->flows[b->nflows];
	bf->line = lineno;
	bf->present = bf->cols = 0;
	bf->extra_off = bf->extra_len = UINT32_MAX;
	for (int f = 0; f < CT_FF_COUNT; f++) {
		const struct ct_flow_value *v = &r->v[f];
		if (!v->present)
			continue;
		bf->cols |= 1ULL << f;
		if (v->null)
			continue;
		bf->present |= 1ULL << f;
		if (ct_flow_field_is_int((enum ct_flow_field)f)) {
			bf->i[f] = v->i;
		} else {
			bf->off[f] = (uint32_t)b->data.len;
			bf->len[f] = (uint32_t)v->len;
			if (ct_buf_append(&b->data, v->s, v->len) < 0)
				return -1;
		}
	}
	if (r->nunknown) {
		/* unknown fields, kept as a JSON object of texts */
		struct ct_buf *d = &b->data;
		size_t start = d->len;
		ct_buf_putc(d, '{');
		for (size_t k = 0; k < r->nunknown; k++) {
			const char *name = ct_flow_layout_unknown_name(r->layout, k);
			const struct ct_flow_value *v = &r->unknown[k];
			if (ct_buf_reserve(d, 6 * (strlen(name) + v->len) + 16) < 0)
				return -1;
			if (k)
				ct_buf_putc(d, ',');
			ct_buf_putc(d, '"');
			d->len += ct_json_escape(name, strlen(name), d->p + d->len);
			ct_buf_append(d, "\":", 2);
			if (v->null || !v->present) {
				ct_buf_append(d, "null", 4);
			} else {
				ct_buf_putc(d, '"');
				d->len += ct_json_escape(v->s, v->len, d->p + d->len);
				ct_buf_putc(d, '"');
			}
		}
		ct_buf_putc(d, '}');
		bf->extra_off = (uint32_t)start;
		bf->extra_len = (uint32_t)(d->len - start);
	}
	return batch_op(b, OP_FLOW, (uint32_t)b->nflows++);
}

/* Streams the lines of a flow log through a flow reader. */
static int read_flow_lines(struct producer *p, struct ct_rbuf *rb, struct ct_flow_reader *fr, struct ct_err *e)
{
	bool skipping = false; /* the rest of an over-long line */
	for (;;) {
		char *start = rb->data + rb->pos, *end = rb->data + rb->len;
		char *nl = memchr(start, '\n', (size_t)(end - start));
		if (!nl) {
			if ((size_t)(end - start) > CT_FLOW_MAX_LINE + 1) {
				if (!skipping && ct_flow_reader_line(fr, start, CT_FLOW_MAX_LINE + 1, e) < 0)
					return -1;
				skipping = true;
				rb->pos = rb->len;
			}
			int rc = ct_rbuf_fill(rb, CT_FLOW_MAX_LINE + 2);
			if (rc < 0) {
				*e = rb->err;
				return -1;
			}
			if (rc == 0 && rb->eof) {
				if (rb->pos < rb->len && !skipping &&
				    ct_flow_reader_line(fr, rb->data + rb->pos, rb->len - rb->pos, e) < 0)
					return -1;
				rb->pos = rb->len;
				return 0;
			}
			continue;
		}
		if (!skipping && ct_flow_reader_line(fr, start, (size_t)(nl - start), e) < 0)
			return -1;
		skipping = false;
		rb->pos = (size_t)(nl + 1 - rb->data);
		if (p->failed)
			return -1;
	}
}

static struct fileinfo *begin_file(struct producer *p, const struct fileinfo *info)
{
	struct batch *b = p->cur;
	if (b->nfis == b->capfis) {
		size_t nc = b->capfis ? b->capfis * 2 : 16;
		struct fileinfo *nf = realloc(b->fis, nc * sizeof(*nf));
		if (!nf)
			return NULL;
		b->fis = nf;
		b->capfis = nc;
	}
	struct fileinfo *fi = &b->fis[b->nfis];
	*fi = *info;
	if (batch_op(b, OP_BEGIN, (uint32_t)b->nfis++) < 0)
		return NULL;
	return fi;
}

/* The end op carries a copy of the file info, as the batch may have
 * changed since the begin op. */
static int end_file(struct producer *p, const struct fileinfo *fi)
{
	struct batch *b = p->cur;
	if (b->nfis == b->capfis) {
		size_t nc = b->capfis ? b->capfis * 2 : 16;
		struct fileinfo *nf = realloc(b->fis, nc * sizeof(*nf));
		if (!nf)
			return -1;
		b->fis = nf;
		b->capfis = nc;
	}
	b->fis[b->nfis] = *fi;
	return batch_op(b, OP_END, (uint32_t)b->nfis++);
}

static bool looks_binary(const char *p, size_t n)
{
	size_t ctl = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0)
			return true;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			ctl++;
	}
	return ctl > n / 16;
}

/* The error for a file that may hold logs in a form ctscan does not read
 * (gz: it was inside gzip), with the command that unpacks it. */
static void foreign_msg(enum ct_input_foreign f, bool gz, char *out, size_t n)
{
	static const struct {
		const char *what, *how;
		bool archive;
	} t[] = {
		[CT_FOREIGN_ZIP] = {"a zip archive", "unzip", true},
		[CT_FOREIGN_7Z] = {"a 7-Zip archive", "7z x", true},
		[CT_FOREIGN_RAR] = {"a RAR archive", "unrar x", true},
		[CT_FOREIGN_TAR] = {"a tar archive", "tar xf", true},
		[CT_FOREIGN_BZIP2] = {"bzip2-compressed", "bzip2 -dk", false},
		[CT_FOREIGN_XZ] = {"xz-compressed", "xz -dk", false},
		[CT_FOREIGN_ZSTD] = {"zstd-compressed", "zstd -d", false},
		[CT_FOREIGN_LZ4] = {"lz4-compressed", "lz4 -d", false},
		[CT_FOREIGN_UTF16] = {"UTF-16 text", "iconv -f UTF-16 -t UTF-8", false},
	};
	if (f == CT_FOREIGN_PARQUET || (size_t)f >= CT_ARRAY_SIZE(t) || !t[f].what) {
		snprintf(out, n,
			 "Parquet file (VPC Flow Logs in Parquet delivery?): not supported; deliver or export "
			 "the flow logs as text");
		return;
	}
	const char *how = f == CT_FOREIGN_TAR && gz ? "tar xzf" : t[f].how;
	const char *first = f == CT_FOREIGN_TAR || !gz ? "" : "gunzip, then ";
	if (f == CT_FOREIGN_UTF16)
		snprintf(out, n,
			 "UTF-16 text%s (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (%s%s) "
			 "and ingest the result",
			 gz ? " inside gzip" : "", first, t[f].how);
	else if (t[f].archive)
		snprintf(out, n, "%s%s: ctscan does not open archives; extract it (%s%s) and ingest what it holds",
			 t[f].what, gz ? " inside gzip" : "", first, how);
	else
		snprintf(out, n, "%s%s: ctscan reads gzip only; decompress it (%s%s) and ingest the result", t[f].what,
			 gz ? " inside gzip" : "", first, how);
}

static int read_file(struct producer *p, size_t index)
{
	struct ingest *ing = p->ing;
	const struct file_ent *fe = &ing->walk.files[index];
	struct fileinfo fi;
	memset(&fi, 0, sizeof(fi));
	fi.index = index;
	fi.kind = "other";
	p->flows = false;
	struct ct_input *in = NULL;
	struct ct_err e = {0};
	if (ct_input_open(fe->path, &in, &e) < 0 || ct_input_hash_raw(in, fi.sha, &fi.size, &e) < 0) {
		fi.action = FA_FAILED;
		snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg);
		fi.msg_is_error = true;
		ct_input_free(in);
		return begin_file(p, &fi) ? end_file(p, &fi) : -1;
	}
	int known = shaset_add(&ing->known, fi.sha);
	if (known != 0) {
		fi.action = FA_KNOWN;
		ct_input_free(in);
		return known < 0 || !begin_file(p, &fi) ? -1 : end_file(p, &fi);
	}
	if (ct_input_rewind(in, &e) < 0) {
		fi.action = FA_FAILED;
		snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg);
		fi.msg_is_error = true;
		ct_input_free(in);
		return begin_file(p, &fi) ? end_file(p, &fi) : -1;
	}
	fi.gz = ct_input_is_gzip(in);
	fi.action = FA_INGEST;
	if (ct_input_is_parquet(in)) {
		fi.action = FA_FAILED;
		fi.kind = "vpcflow";
		foreign_msg(CT_FOREIGN_PARQUET, false, fi.msg, sizeof(fi.msg));
		fi.msg_is_error = true;
		ct_input_free(in);
		return begin_file(p, &fi) ? end_file(p, &fi) : -1;
	}
	struct ct_rbuf rb;
	if (ct_rbuf_init(&rb, in) < 0) {
		ct_input_free(in);
		return -1;
	}
	int rc = ct_rbuf_fill(&rb, 4096);
	const char *q = ct_json_ws(rb.data, rb.data + rb.len);
	/* a zero byte among the first two is UTF-16, not JSON to read: it is
	 * named below */
	bool json = q < rb.data + rb.len && !(rb.len >= 2 && (!rb.data[0] || !rb.data[1])) &&
		    (*q == '{' || *q == '[' || (rb.len >= 3 && memcmp(rb.data, "\xEF\xBB\xBF", 3) == 0));
	bool flow = false;
	if (json) {
		fi.kind = "cloudtrail";
	} else if (rc >= 0) {
		/* the first line: a flow log header, or a header-less record */
		const char *l = rb.data + rb.pos, *nl;
		while (!(nl = memchr(l, '\n', rb.len - rb.pos)) && rb.len - rb.pos < 65536 &&
		       ct_rbuf_fill(&rb, 65536) > 0)
			l = rb.data + rb.pos;
		size_t ll = nl ? (size_t)(nl - l) : rb.len - rb.pos;
		if (ll >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
			l += 3;
			ll -= 3;
		}
		if (ll && l[ll - 1] == '\r')
			ll--;
		flow = ct_flow_looks_like_header(l, ll) || ct_flow_looks_like_record(l, ll);
		if (!flow && ing->opts->flow_format) {
			struct ct_flow_layout *lay = NULL;
			struct ct_flow_rec fr_;
			char why[128];
			if (ct_flow_layout_from_format(ing->opts->flow_format, &lay, &e) == 0)
				flow = ct_flow_parse_line(lay, l, ll, &fr_, why, sizeof(why)) == 0;
			ct_flow_layout_free(lay);
		}
		if (flow)
			fi.kind = "vpcflow";
	}
	if (!begin_file(p, &fi)) {
		ct_rbuf_free(&rb);
		ct_input_free(in);
		return -1;
	}
	if (rc < 0) {
		fi.action = FA_FAILED;
		fi.result = CT_RD_BROKEN;
		snprintf(fi.msg, sizeof(fi.msg), "%s", rb.err.msg);
		fi.msg_is_error = true;
		goto done;
	}
	/* an archive, or a compression other than gzip: it may hold logs, so
	 * an error that names the way in, never a skip (a tar archive inside
	 * gzip shows only in the content) */
	enum ct_input_foreign foreign = json || flow ? CT_FOREIGN_NONE : ct_input_sniff_foreign(rb.data, rb.len);
	if (foreign == CT_FOREIGN_DOCUMENT) {
		/* a .docx or a .jar beside the logs is plainly not one */
		fi.action = FA_SKIP;
		snprintf(fi.msg, sizeof(fi.msg),
			 "a document or package in zip form (.docx, .xlsx, .odt, .jar...), not a log: skipped");
		goto done;
	}
	if (foreign != CT_FOREIGN_NONE) {
		fi.action = FA_FAILED;
		foreign_msg(foreign, fi.gz, fi.msg, sizeof(fi.msg));
		fi.msg_is_error = true;
		goto done;
	}
	if (json) {
		struct ct_read_stats rs;
		p->fi = &fi;
		rc = ct_cloudtrail_read(&rb, fe->path, on_event, reader_diag, p, &rs, &e);
		p->fi = NULL;
		fi.records = rs.records;
		fi.bad = rs.bad;
		fi.shape = ct_shape_name(rs.shape);
		fi.result = rc;
		if (rc == CT_RD_FATAL) {
			p->err = e;
			p->failed = true;
			ct_rbuf_free(&rb);
			ct_input_free(in);
			return -1;
		}
		if (rc == CT_RD_NOTLOG || rc == CT_RD_DIGEST || rc == CT_RD_EMPTY) {
			fi.action = FA_SKIP;
			fi.kind = rc == CT_RD_DIGEST ? "digest" : "other";
			fi.shape = NULL;
			snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg);
		} else if (rc == CT_RD_BROKEN) {
			snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg);
			fi.msg_is_error = true;
			fi.msg_record = e.record;
		}
	} else if (flow) {
		struct ct_flow_reader *fr = NULL;
		p->flows = true;
		if (ct_flow_reader_new(fe->path, ing->opts->flow_format, reader_diag, on_flow, p, &fr, &e) < 0) {
			fi.action = FA_FAILED;
			snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg);
			fi.msg_is_error = true;
			goto done;
		}
		memset(&e, 0, sizeof(e));
		int r = read_flow_lines(p, &rb, fr, &e);
		const struct ct_flow_stats *fs = ct_flow_reader_stats(fr);
		fi.records = fs->records + fs->bad;
		fi.bad = fs->bad;
		fi.shape = fs->headers ? "flow-header" : "flow-noheader";
		ct_flow_reader_free(fr);
		if (r < 0 && p->failed) {
			ct_rbuf_free(&rb);
			ct_input_free(in);
			return -1;
		}
		if (r < 0) {
			fi.result = CT_RD_BROKEN;
			snprintf(fi.msg, sizeof(fi.msg), "%s", e.msg[0] ? e.msg : "cannot read the flow log");
			fi.msg_is_error = true;
			fi.msg_record = e.record;
			fi.msg_at_line = true;
		}
	} else if (rb.len == 0 || ct_json_ws(rb.data + rb.pos, rb.data + rb.len) == rb.data + rb.len) {
		fi.action = FA_SKIP;
		snprintf(fi.msg, sizeof(fi.msg), "empty file: skipped");
	} else {
		fi.action = FA_SKIP;
		snprintf(fi.msg, sizeof(fi.msg), "%s: skipped",
			 looks_binary(rb.data, CT_MIN(rb.len, (size_t)4096)) ? "binary data, not a log"
									     : "not a CloudTrail or VPC flow log");
	}
done:
	/* read to the end so the content hash covers the whole file */
	if (fi.action != FA_FAILED && fi.result >= 0) {
		rb.pos = rb.len;
		while ((rc = ct_rbuf_fill(&rb, 1u << 20)) > 0)
			rb.pos = rb.len;
		if (rc < 0) {
			if (fi.action == FA_SKIP) {
				fi.action = FA_FAILED;
			}
			if (!fi.msg_is_error) {
				snprintf(fi.msg, sizeof(fi.msg), "%s", rb.err.msg);
				fi.msg_is_error = true;
				fi.result = CT_RD_BROKEN;
			}
		} else {
			ct_input_content_hash(in, fi.csha, &fi.csize);
		}
	}
	ct_rbuf_free(&rb);
	ct_input_free(in);
	return end_file(p, &fi);
}

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	struct ingest *ing = p->ing;
	p->cur = queue_get_free(&p->q, QUEUE_DEPTH, &ing->abort);
	for (size_t i = (size_t)p->no; p->cur && i < ing->walk.n; i += (size_t)ing->nprods) {
		if (atomic_load(&ing->abort))
			break;
		if (read_file(p, i) < 0 || p->failed) {
			p->failed = true;
			break;
		}
		if (p->cur->data.len > BATCH_BYTES / 2 || p->cur->nops > 4096) {
			if (flush_batch(p) < 0)
				break;
		}
	}
	if (p->cur) {
		p->cur->failed = p->failed || atomic_load(&ing->abort);
		queue_push(&p->q, p->cur);
		p->cur = NULL;
	} else {
		/* no batch could be had: wake the writer, which sees the abort */
		p->failed = true;
		atomic_store(&ing->abort, true);
		pthread_mutex_lock(&p->q.mu);
		pthread_cond_broadcast(&p->q.cv);
		pthread_mutex_unlock(&p->q.mu);
	}
	return NULL;
}

/* ---- writer side ---- */

static void progress(struct ingest *ing, bool force, const char *current)
{
	if (!ing->opts->progress)
		return;
	double t = now_s();
	if (!force && t - ing->last_progress < 0.1)
		return;
	ing->last_progress = t;
	struct ct_progress pr = {
		.files_done = ing->files_done,
		.files_total = ing->walk.n,
		.events = ing->st.events,
		.flows = ing->st.flows,
		.bytes_done = ing->bytes_done,
		.bytes_total = ing->walk.bytes,
		.seconds = t - ing->t0,
		.current = current,
		.indexes_done = ing->indexes_done,
		.indexes_total = ing->indexes_total,
	};
	ing->opts->progress(ing->opts->ud, &pr);
}

/* ct_index_step_fn: the progress line while the indexes are built */
static void index_step(void *ud, unsigned done, unsigned total)
{
	struct ingest *ing = ud;
	ing->indexes_done = done;
	ing->indexes_total = total;
	progress(ing, true, NULL);
}

static void emit(struct ingest *ing, enum ct_diag_kind kind, enum ct_diag_where where, const char *file, uint64_t n,
		 const char *msg)
{
	if (!ing->opts->diag)
		return;
	struct ct_diag d = {.kind = kind, .where = where, .file = file, .n = n, .msg = msg};
	ing->opts->diag(ing->opts->ud, &d);
}

static int file_begin(struct ingest *ing, const struct fileinfo *fi)
{
	(void)fi;
	ing->file_events = ing->file_dups = ing->file_flows = 0;
	ing->first_ts = INT64_MAX;
	ing->last_ts = INT64_MIN;
	ing->src_id = 0;
	return 0;
}

/* The sources row is written when the first event arrives or at the end. */
static int ensure_source(struct ingest *ing, const struct fileinfo *fi)
{
	if (ing->src_id)
		return 0;
	const struct file_ent *fe = &ing->walk.files[fi->index];
	struct ct_source_info si = {
		.path = fe->path,
		.size = fi->size,
		.sha256 = fi->sha,
		.kind = fi->kind ? fi->kind : "other",
		.compression = fi->gz ? "gzip" : "none",
		.status = "reading",
		.first_ts = INT64_MIN,
		.last_ts = INT64_MIN,
	};
	if (ct_writer_begin(ing->w, ing->err) < 0)
		return -1;
	return ct_writer_source_add(ing->w, &si, &ing->src_id, ing->err);
}

static int file_end(struct ingest *ing, const struct fileinfo *fi)
{
	const struct file_ent *fe = &ing->walk.files[fi->index];
	ing->st.files++;
	ing->files_done++;
	ing->bytes_done += fe->size;
	switch (fi->action) {
	case FA_KNOWN:
		ing->st.files_skipped++;
		ing->st.files_known++;
		return 0;
	case FA_FAILED:
		ing->st.files_failed++;
		emit(ing, CT_DIAG_ERROR, CT_AT_FILE, fe->path, 0, fi->msg);
		if (!fi->sha[0] || !fi->csha[0])
			return 0; /* nothing read: no sources row, a re-run tries again */
		break;
	case FA_SKIP:
		ing->st.files_skipped++;
		emit(ing, CT_DIAG_WARNING, CT_AT_FILE, fe->path, 0, fi->msg);
		break;
	case FA_INGEST:
		ing->st.files_ingested++;
		if (fi->msg_is_error) {
			emit(ing, CT_DIAG_ERROR,
			     !fi->msg_record   ? CT_AT_FILE
			     : fi->msg_at_line ? CT_AT_LINE
					       : CT_AT_RECORD,
			     fe->path, fi->msg_record, fi->msg);
		}
		if (fi->bad || fi->msg_is_error)
			ing->st.files_failed++;
		break;
	}
	ing->st.bad_records += fi->bad;
	if (ensure_source(ing, fi) < 0)
		return -1;
	const char *status = fi->action == FA_SKIP                                   ? "skipped"
			     : fi->action == FA_FAILED || fi->result == CT_RD_BROKEN ? "truncated"
			     : fi->bad                                               ? "partial"
										     : "ok";
	struct ct_source_info si = {
		.content_sha256 = fi->csha[0] ? fi->csha : NULL,
		.content_size = fi->csize,
		.kind = fi->kind ? fi->kind : "other",
		.shape = fi->shape,
		.status = status,
		.records = fi->records,
		.events = ing->file_events,
		.flows = ing->file_flows,
		.duplicates = ing->file_dups,
		.errors = fi->bad,
		.first_ts = ing->first_ts == INT64_MAX ? INT64_MIN : ing->first_ts,
		.last_ts = ing->last_ts,
		.message = fi->msg[0] ? fi->msg : NULL,
	};
	if (ct_writer_source_finish(ing->w, ing->src_id, &si, ing->err) < 0)
		return -1;
	double t = now_s();
	if (ct_writer_pending(ing->w) >= (64u << 20) || t - ing->last_commit > 5.0) {
		if (ct_writer_commit(ing->w, ing->err) < 0)
			return -1;
		ing->last_commit = t;
	}
	return 0;
}

/* Consumes ops of one batch from *pos: all of them, or with stop_at_end
 * up to and including the first file end.  Returns 1 when a file ended,
 * 0 when the batch is used up, -1 on error. */
static int consume_ops(struct ingest *ing, struct batch *b, size_t *pos, bool stop_at_end)
{
	while (*pos < b->nops) {
		const struct op *op = &b->ops[(*pos)++];
		switch (op->type) {
		case OP_BEGIN:
			ing->curfi = b->fis[op->idx];
			if (file_begin(ing, &ing->curfi) < 0)
				return -1;
			break;
		case OP_EVENT: {
			const struct bevent *be = &b->evs[op->idx];
			struct ct_event ev;
			ev.raw = b->data.p + be->raw_off;
			ev.raw_len = be->raw_len;
			ev.ordinal = be->ordinal;
			ev.ts = be->ts;
			for (int k = 0; k < CT_EF_COUNT; k++) {
				ev.f[k].s = be->len[k] == UINT32_MAX ? NULL : b->data.p + be->off[k];
				ev.f[k].len = be->len[k] == UINT32_MAX ? 0 : be->len[k];
			}
			for (int k = 0; k < CT_EJ_COUNT; k++) {
				ev.j[k].s = be->jlen[k] == UINT32_MAX ? NULL : ev.raw + be->joff[k];
				ev.j[k].len = be->jlen[k] == UINT32_MAX ? 0 : be->jlen[k];
			}
			memcpy(ev.b, be->b, sizeof(ev.b));
			if (ensure_source(ing, &ing->curfi) < 0)
				return -1;
			bool dup = false;
			struct ct_str detail = {b->data.p + be->doff, be->dlen},
				      link = {b->data.p + be->loff, be->llen};
			if (op->idx + 1 < b->nevs)
				ct_writer_prefetch(ing->w, &b->evs[op->idx + 1].prep);
			if (ct_writer_event(ing->w, ing->src_id, &ev, &detail, &link, &be->prep, &dup, ing->err) < 0)
				return -1;
			if (dup) {
				ing->file_dups++;
				ing->st.duplicates++;
			} else {
				ing->file_events++;
				ing->st.events++;
			}
			if (ev.ts < ing->first_ts)
				ing->first_ts = ev.ts;
			if (ev.ts > ing->last_ts)
				ing->last_ts = ev.ts;
			progress(ing, false, NULL);
			break;
		}
		case OP_FLOW: {
			const struct bflow *bf = &b->flows[op->idx];
			struct ct_flowrow fr;
			fr.line = bf->line;
			fr.present = bf->present;
			fr.cols = bf->cols;
			for (int k = 0; k < CT_FF_COUNT; k++) {
				if (!(bf->present & (1ULL << k)))
					continue;
				fr.i[k] = bf->i[k];
				fr.s[k] = b->data.p + bf->off[k];
				fr.len[k] = bf->len[k];
			}
			fr.extra = bf->extra_len == UINT32_MAX ? NULL : b->data.p + bf->extra_off;
			fr.extra_len = bf->extra_len == UINT32_MAX ? 0 : bf->extra_len;
			if (ensure_source(ing, &ing->curfi) < 0)
				return -1;
			bool dup = false;
			if (ct_writer_flow(ing->w, ing->src_id, &fr, &dup, ing->err) < 0)
				return -1;
			if (dup) {
				ing->file_dups++;
				ing->st.flow_duplicates++;
			} else {
				ing->file_flows++;
				ing->st.flows++;
			}
			if ((bf->present & (1ULL << CT_FF_START))) {
				if (bf->i[CT_FF_START] < ing->first_ts)
					ing->first_ts = bf->i[CT_FF_START];
				if (bf->i[CT_FF_START] > ing->last_ts)
					ing->last_ts = bf->i[CT_FF_START];
			}
			progress(ing, false, NULL);
			break;
		}
		case OP_DIAG: {
			const struct bdiag *d = &b->diags[op->idx];
			emit(ing, d->kind, d->where, ing->walk.files[ing->curfi.index].path, d->n,
			     b->data.p + d->msg_off);
			break;
		}
		case OP_END:
			if (file_end(ing, &b->fis[op->idx]) < 0)
				return -1;
			progress(ing, false, NULL);
			if (stop_at_end)
				return 1;
			break;
		}
	}
	return 0;
}

static int consume(struct ingest *ing, struct batch *b)
{
	size_t pos = 0;
	return consume_ops(ing, b, &pos, false) < 0 ? -1 : 0;
}

/* Writer loop for threaded mode: file i comes from producer i % P. */
static int write_all(struct ingest *ing, int nprods)
{
	for (size_t i = 0; i < ing->walk.n; i++) {
		struct producer *p = &ing->prods[i % (size_t)nprods];
		for (;;) {
			if (!p->wb) {
				p->wb = queue_pop(&p->q, &ing->abort);
				p->wpos = 0;
				if (!p->wb)
					return -2;
			}
			int rc = consume_ops(ing, p->wb, &p->wpos, true);
			if (rc < 0)
				return -1;
			if (rc == 1)
				break;
			bool failed = p->wb->failed;
			queue_release(&p->q, p->wb);
			p->wb = NULL;
			if (failed)
				return -2;
		}
	}
	return 0;
}

static int preload_known(struct ingest *ing, struct ct_err *err)
{
	sqlite3_stmt *st;
	sqlite3 *db = ct_index_db(ing->idx);
	/* files skipped as not logs are read again: a later run may know how */
	if (sqlite3_prepare_v2(db, "SELECT sha256 FROM sources WHERE status <> 'skipped'", -1, &st, NULL) != SQLITE_OK)
		return ct_err_set(err, CT_E_SYSTEM, ct_index_path(ing->idx), 0, "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (s && strlen(s) == 64 && shaset_add(&ing->known, s) < 0) {
			sqlite3_finalize(st);
			return ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* A file's name (without its directory) and size, hashed: a file of the
 * same name and size as a source is taken to be that source again. */
static uint64_t name_size_key(const char *path, uint64_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	return ct_hash64(b, strlen(b), size * 0x9e3779b97f4a7c15ULL + 1) | 1;
}

/* The slot of key k in an open-addressing set of cap (a power of two)
 * nonzero keys: where it is, or the empty slot where it would go. */
static size_t keyset_slot(const uint64_t *set, size_t cap, uint64_t k)
{
	size_t j = k & (cap - 1);
	while (set[j] && set[j] != k)
		j = (j + 1) & (cap - 1);
	return j;
}

/* Whether the files about to be read would add at least half as many rows
 * again to table (ev or flow_rows) as it holds: their bytes, without the
 * files that a source of the same name and size has given already (a
 * re-run, or the same tree given another way) and without the files of
 * the other kind by their S3 key (AWSLogs/.../vpcflowlogs/... are not
 * counted for events, .../CloudTrail/... not for flows), over the bytes
 * per row of the sources that gave the table its rows.  An estimate, for
 * the choice alone: a wrong guess costs the time of building the indexes
 * again, or of keeping them up to date, never a row. */
static bool large_increment(sqlite3 *db, const struct walker *w, const char *table)
{
	bool flows = strcmp(table, "flow_rows") == 0;
	const char *col = flows ? "flows" : "events";
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT (SELECT max(id) FROM %s), sum(size), sum(%s) FROM sources WHERE %s > 0",
		 table, col, col);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return false;
	double rows = 0, bytes = 0, n = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		rows = sqlite3_column_double(q, 0);
		bytes = sqlite3_column_double(q, 1);
		n = sqlite3_column_double(q, 2);
	}
	sqlite3_finalize(q);
	if (rows <= 0 || bytes <= 0 || n <= 0)
		return false;
	/* the sources' names and sizes, in an open-addressing set */
	size_t cap = 1024, used = 0;
	uint64_t *set = calloc(cap, sizeof(*set));
	if (!set || sqlite3_prepare_v2(db, "SELECT path, size FROM sources", -1, &q, NULL) != SQLITE_OK) {
		free(set);
		return false;
	}
	bool ok = true;
	while (ok && sqlite3_step(q) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(q, 0);
		if (!path)
			continue;
		if ((used + 1) * 2 > cap) {
			uint64_t *t = calloc(cap * 2, sizeof(*t));
			if (!t) {
				ok = false;
				break;
			}
			for (size_t i = 0; i < cap; i++)
				if (set[i])
					t[keyset_slot(t, cap * 2, set[i])] = set[i];
			free(set);
			set = t;
			cap *= 2;
		}
		uint64_t k = name_size_key(path, (uint64_t)sqlite3_column_int64(q, 1));
		size_t j = keyset_slot(set, cap, k);
		used += !set[j];
		set[j] = k;
	}
	sqlite3_finalize(q);
	double fresh = 0;
	const char *other = flows ? "CloudTrail" : "vpcflowlogs";
	for (size_t i = 0; ok && i < w->n; i++)
		if (!strstr(w->files[i].path, other) &&
		    !set[keyset_slot(set, cap, name_size_key(w->files[i].path, w->files[i].size))])
			fresh += (double)w->files[i].size;
	free(set);
	return ok && fresh / (bytes / n) * 2 >= rows;
}

int ct_ingest(struct ct_index *idx, const char *const *paths, size_t npaths, const struct ct_ingest_opts *opts,
	      struct ct_ingest_stats *ret_stats, struct ct_err *err)
{
	struct ingest ing;
	memset(&ing, 0, sizeof(ing));
	ing.idx = idx;
	ing.opts = opts;
	ing.err = err;
	ing.t0 = now_s();
	ing.last_commit = ing.t0;
	pthread_mutex_init(&ing.known.mu, NULL);
	int rc = -1;
	struct ct_checkpointer *ckpt = NULL;
	struct ct_keys *keys = NULL; /* ev's index keys, gathered in a first load */

	if (opts->flow_format) {
		struct ct_flow_layout *lay = NULL;
		if (ct_flow_layout_from_format(opts->flow_format, &lay, err) < 0) {
			err->code = CT_E_USAGE;
			snprintf(err->file, sizeof(err->file), "%s", "");
			goto out;
		}
		ct_flow_layout_free(lay);
	}
	if (ct_index_lock_writer(idx, err) < 0)
		goto out;
	ing.walk.diag = opts->diag;
	ing.walk.ud = opts->ud;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < CT_ARRAY_SIZE(suffix); i++) {
		char sp[4200];
		struct stat sst;
		snprintf(sp, sizeof(sp), "%s%s", ct_index_path(idx), suffix[i]);
		if (stat(sp, &sst) == 0)
			ing.walk.self[ing.walk.nself++] = (struct dir_id){sst.st_dev, sst.st_ino};
	}
	for (size_t i = 0; i < npaths; i++) {
		if (walk(&ing.walk, paths[i], true, 0) < 0) {
			ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
			goto out;
		}
	}
	ing.st.files_failed = ing.walk.failed;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = opts->jobs > 0 ? opts->jobs : (int)(ncpu > 0 ? ncpu : 1);
	/* A first load builds the pivot indexes once, after the rows are in;
	 * so does a load that looks like adding half as many rows again (the
	 * indexes are dropped and built again after it): 1M events more into
	 * an index of 1M took 22.1 s with its indexes kept up to date row by
	 * row, and 134,532 more (a seventh) 3.8 to 4.6 s, against 1.5 s
	 * into an empty index. */
	sqlite3 *db = ct_index_db(idx);
	bool bulk = false, first = ing.walk.n > 0, ev_empty = false;
	/* a killed first load's writes (see below) go to the disk now */
	int marked = ct_store_unsynced_marked(idx);
	if (marked > 0 && ct_store_unsynced_end(idx, err) < 0)
		goto out;
	static const char *const tables[] = {"ev", "flow_rows"};
	for (size_t t = 0; t < CT_ARRAY_SIZE(tables) && ing.walk.n > 0; t++) {
		bool empty = ct_store_has_rows(db, tables[t]) == 0;
		first = first && empty;
		if (t == 0)
			ev_empty = empty;
		if (empty || large_increment(db, &ing.walk, tables[t])) {
			if (ct_store_defer_indexes(db, tables[t], ct_index_path(idx), err) < 0)
				goto out;
			bulk = true;
		}
	}
	/* A first load has nothing to lose: it writes without waiting for
	 * the disk and syncs once at the end, the index marked meanwhile
	 * (ct_store_unsynced_begin).  1M events: 0.4 s faster (9.15 against
	 * 9.54 s, median of five alternated runs), the fsyncs of 500 MB
	 * twice (the WAL, then the database) and the truncation of a synced
	 * WAL saved. */
	if (first && ct_store_unsynced_begin(idx, err) < 0)
		goto out;
	if (preload_known(&ing, err) < 0 || ct_writer_new(idx, jobs > 1, &ing.w, err) < 0)
		goto out;
	/* the keys of ev's indexes as its rows are written: 1M events, the
	 * helper's passes over the table (0.8 s of CPU beside the writer's
	 * 1.4 s) are saved */
	if (ev_empty)
		ct_writer_keys_start(ing.w, CT_KEYS_MAX_BYTES);
	if (jobs > 64)
		jobs = 64;
	ing.nprods = jobs > 1 ? jobs - 1 : 1;
	if ((size_t)ing.nprods > ing.walk.n && ing.walk.n > 0)
		ing.nprods = (int)ing.walk.n;
	ing.prods = calloc((size_t)ing.nprods, sizeof(*ing.prods));
	if (!ing.prods) {
		ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
		goto out;
	}
	for (int i = 0; i < ing.nprods; i++) {
		struct producer *p = &ing.prods[i];
		p->ing = &ing;
		p->no = i;
		pthread_mutex_init(&p->q.mu, NULL);
		pthread_cond_init(&p->q.cv, NULL);
	}
	int fail = 0;
	if (jobs == 1) {
		struct producer *p = &ing.prods[0];
		p->inline_mode = true;
		p->cur = calloc(1, sizeof(*p->cur));
		for (size_t i = 0; p->cur && i < ing.walk.n && !fail; i++) {
			if (read_file(p, i) < 0 || p->failed)
				fail = 1;
			else if (p->cur->data.len > BATCH_BYTES / 2 || p->cur->nops > 4096)
				fail = flush_batch(p) < 0;
		}
		if (!fail && p->cur)
			fail = consume(&ing, p->cur) < 0;
		batch_free(p->cur);
		p->cur = NULL;
		if (!p->cur && !fail && p->failed)
			fail = 1;
	} else {
		int started = 0;
		for (int i = 0; i < ing.nprods; i++) {
			if (pthread_create(&ing.prods[i].thread, NULL, producer_main, &ing.prods[i]) != 0)
				break;
			started++;
		}
		if (started < ing.nprods) {
			atomic_store(&ing.abort, true);
			ct_err_set(err, CT_E_SYSTEM, "", 0, "cannot start threads");
			fail = 1;
		}
		if (!fail) {
			int wr = write_all(&ing, started);
			if (wr < 0)
				fail = 1;
			if (wr == -1)
				atomic_store(&ing.abort, true);
		}
		if (fail)
			atomic_store(&ing.abort, true);
		for (int i = 0; i < started; i++) {
			/* drain so a producer blocked on a full queue can finish */
			struct producer *p = &ing.prods[i];
			pthread_mutex_lock(&p->q.mu);
			pthread_cond_broadcast(&p->q.cv);
			pthread_mutex_unlock(&p->q.mu);
		}
		for (int i = 0; i < started; i++) {
			struct producer *p = &ing.prods[i];
			if (p->wb) {
				queue_release(&p->q, p->wb);
				p->wb = NULL;
			}
			if (fail) {
				/* release everything queued so the producer is not blocked */
				for (;;) {
					pthread_mutex_lock(&p->q.mu);
					struct batch *b = p->q.head;
					if (b) {
						p->q.head = b->next;
						if (!p->q.head)
							p->q.tail = NULL;
					}
					pthread_mutex_unlock(&p->q.mu);
					if (!b)
						break;
					queue_release(&p->q, b);
				}
			}
			pthread_join(p->thread, NULL);
			if (p->failed && !fail) {
				fail = 1;
				if (p->err.msg[0])
					*err = p->err;
				else
					ct_err_set(err, CT_E_NOMEM, "", 0, "out of memory");
			}
		}
	}
	if (!fail && ct_writer_commit(ing.w, err) < 0)
		fail = 1;
	progress(&ing, true, NULL);
	if (!fail) {
		/* the writer's dictionaries and blocks give their memory back
		 * before the sorts take some.  The page cache keeps its 40 MB:
		 * the indexes reuse its buffers (given back and taken again,
		 * they cost the nine indexes of 1M events 0.14 s more in page
		 * faults, alternated rounds; the peak RSS is 4 MB higher) */
		keys = ct_writer_keys_take(ing.w);
		ct_writer_free(ing.w);
		ing.w = NULL;
		malloc_trim(0);
		/* While the indexes of a first load are built, a second thread
		 * copies the WAL (the load, then each index as it is committed)
		 * into the database: the final checkpoint then waits on little.
		 * 1M events: 3.3 to 3.9 s for both, against 4.6 to 5.4 s when the
		 * sorting connection checkpoints after each commit (alternated). */
		if (bulk && jobs > 1)
			ckpt = ct_checkpointer_start(idx);
		if (bulk && ct_store_build_indexes(db, ct_index_path(idx), jobs > 1, ct_keys_cols(keys), index_step,
						   &ing, err) < 0)
			goto out;
		ct_keys_free(keys);
		keys = NULL;
		ct_checkpointer_stop(ckpt);
		ckpt = NULL;
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		if (idx->unsynced && ct_store_unsynced_end(idx, err) < 0)
			goto out;
		rc = 0;
	}
out:
	ct_keys_free(keys);
	ct_checkpointer_stop(ckpt);
	ing.st.seconds = now_s() - ing.t0;
	if (ret_stats)
		*ret_stats = ing.st;
	ct_writer_free(ing.w);
	if (idx->unsynced) {
		/* a failed load: what it committed goes to the disk all the same */
		struct ct_err e2 = {0};
		ct_store_unsynced_end(idx, &e2);
	}
	if (ing.prods) {
		for (int i = 0; i < ing.nprods; i++) {
			struct producer *p = &ing.prods[i];
			struct batch *b;
			while ((b = p->q.head)) {
				p->q.head = b->next;
				batch_free(b);
			}
			while ((b = p->q.free_list)) {
				p->q.free_list = b->next;
				batch_free(b);
			}
			batch_free(p->cur);
			ct_buf_free(&p->dtext);
			ct_buf_free(&p->ltext);
			pthread_mutex_destroy(&p->q.mu);
			pthread_cond_destroy(&p->q.cv);
		}
		free(ing.prods);
	}
	for (size_t i = 0; i < ing.walk.n; i++)
		free(ing.walk.files[i].path);
	free(ing.walk.files);
	free(ing.walk.dirs);
	free(ing.known.keys);
	pthread_mutex_destroy(&ing.known.mu);
	return rc;
}
