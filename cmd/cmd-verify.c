/* cmd-verify.c - ctscan verify: CloudTrail log file integrity validation.
 *
 * The verifier (lib/verify.c) does the work; this file gathers its inputs
 * (the PATHs given, and with an index the sources it holds), prints its
 * rows through the shared output layer and, with an index, stores them in
 * the `integrity` table and sets `sources.integrity`.
 *
 * The index is used only when -d is given or $CTSCAN_DB is set: verify is
 * also the check to run on a bucket copy before anything is ingested, and
 * a ./ctscan.db that happens to be in the working directory should not
 * change what it reports.  An index that does not exist is an error, never
 * created.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"
#include "verify.h"

/* An index source the rows may be linked to. */
struct vsrc {
	int64_t id;
	char *path; /* as the verifier sees it (see map_path), NULL when taken by another */
	char *name; /* file name without ".gz" */
	char sha[65];
	bool digest; /* a digest file, else a log file */
};

struct vrun {
	struct ct_cli *cli;
	struct ct_out *out;
	bool wide;     /* the hash columns too (all formats but table and md) */
	int out_state; /* 0 writing, 1 the reader went away, -1 failed */
	struct ct_err out_err;
	/* the index, when one is used */
	sqlite3 *db;
	sqlite3_stmt *ins;
	bool in_tx;
	bool db_failed;
	int64_t run_id;
	char checked_at[32];
	uint64_t stored, linked;
	struct vsrc *src;
	size_t nsrc, capsrc;
	size_t *by_path, *by_name; /* indexes into src, sorted */
	size_t nby_path;
};

/* ---- small helpers ---- */

static const char *file_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The file name of p without a trailing ".gz", malloc'd. */
static char *match_name(const char *p)
{
	const char *n = file_name(p);
	size_t len = strlen(n);
	if (len > 3 && strcmp(n + len - 3, ".gz") == 0)
		len -= 3;
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, n, len);
		s[len] = 0;
	}
	return s;
}

static struct vrun *sort_ctx;

static int cmp_by_path(const void *a, const void *b)
{
	return strcmp(sort_ctx->src[*(const size_t *)a].path, sort_ctx->src[*(const size_t *)b].path);
}

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp(sort_ctx->src[*(const size_t *)a].name, sort_ctx->src[*(const size_t *)b].name);
}

/* First position in idx[0..n) whose key (path or name) is >= k. */
static size_t lower(const struct vrun *r, const size_t *idx, size_t n, bool by_path, const char *k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vsrc *s = &r->src[idx[mid]];
		if (strcmp(by_path ? s->path : s->name, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The source a row is about: the one at the row's path (with the same
 * content, when both hashes are known), else one with the same file name
 * and the same content.  0 when none. */
static int64_t link_source(const struct vrun *r, const struct ct_verify_row *row)
{
	if (!r->nsrc)
		return 0;
	if (row->path) {
		size_t i = lower(r, r->by_path, r->nby_path, true, row->path);
		for (; i < r->nby_path && strcmp(r->src[r->by_path[i]].path, row->path) == 0; i++) {
			const struct vsrc *s = &r->src[r->by_path[i]];
			if (!row->sha256 || strcmp(s->sha, row->sha256) == 0)
				return s->id;
		}
	}
	const char *key = row->object ? row->object : row->path;
	if (!key || !row->sha256)
		return 0;
	char *name = match_name(key);
	if (!name)
		return 0;
	int64_t id = 0;
	size_t i = lower(r, r->by_name, r->nsrc, false, name);
	for (; i < r->nsrc && strcmp(r->src[r->by_name[i]].name, name) == 0; i++) {
		const struct vsrc *s = &r->src[r->by_name[i]];
		if (strcmp(s->sha, row->sha256) == 0) {
			id = s->id;
			break;
		}
	}
	free(name);
	return id;
}

/* ---- the index ---- */

static int db_error(struct vrun *r, const char *what)
{
	if (!r->db_failed)
		ct_cli_error("'%s': %s: %s", ct_index_path(r->cli->idx), what, sqlite3_errmsg(r->db));
	r->db_failed = true;
	return -1;
}

static int begin_store(struct vrun *r)
{
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(r, "cannot store the results");
	r->in_tx = true;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(r->db, "SELECT coalesce(max(run_id), 0) + 1 FROM integrity", -1, &st, NULL) != SQLITE_OK)
		return db_error(r, "cannot store the results");
	if (sqlite3_step(st) == SQLITE_ROW)
		r->run_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ct_time_format(ct_time_now_ms(), r->checked_at);
	if (sqlite3_prepare_v2(r->db,
			       "INSERT INTO integrity(run_id, checked_at, kind, status, object, path, source_id,"
			       " account, region, trail, time_from, time_to, count, sha256, expected, digest,"
			       " detail) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &r->ins, NULL) != SQLITE_OK)
		return db_error(r, "cannot store the results");
	return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int store_row(struct vrun *r, const struct ct_verify_row *row, const char *from, const char *to)
{
	if (!r->in_tx && begin_store(r) < 0)
		return -1;
	int64_t sid = link_source(r, row);
	sqlite3_stmt *st = r->ins;
	sqlite3_bind_int64(st, 1, r->run_id);
	bind_text(st, 2, r->checked_at);
	bind_text(st, 3, ct_verify_kind_name(row->kind));
	bind_text(st, 4, ct_verify_status_name(row->status));
	bind_text(st, 5, row->object);
	bind_text(st, 6, row->path);
	if (sid)
		sqlite3_bind_int64(st, 7, sid);
	else
		sqlite3_bind_null(st, 7);
	bind_text(st, 8, row->account);
	bind_text(st, 9, row->region);
	bind_text(st, 10, row->trail);
	bind_text(st, 11, from);
	bind_text(st, 12, to);
	sqlite3_bind_int64(st, 13, (int64_t)row->count);
	bind_text(st, 14, row->sha256);
	bind_text(st, 15, row->expected);
	bind_text(st, 16, row->digest);
	bind_text(st, 17, row->detail);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_error(r, "cannot store the results");
	r->stored++;
	if (sid)
		r->linked++;
	return 0;
}

/* Sets sources.integrity from each linked source's latest check (a
 * finding first when one run gave it several rows) and commits. */
static int finish_store(struct vrun *r, uint64_t *ret_sources)
{
	*ret_sources = 0;
	sqlite3_finalize(r->ins);
	r->ins = NULL;
	if (!r->in_tx)
		return 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(r->db,
			       "UPDATE sources SET integrity = (SELECT i.status FROM integrity i"
			       " WHERE i.source_id = sources.id ORDER BY i.run_id DESC,"
			       " i.status IN ('changed', 'missing', 'unlisted', 'signature_invalid') DESC, i.id"
			       " LIMIT 1) WHERE id IN (SELECT source_id FROM integrity WHERE run_id = ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(r, "cannot store the results");
	sqlite3_bind_int64(st, 1, r->run_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(r, "cannot store the results");
	*ret_sources = (uint64_t)sqlite3_changes(r->db);
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(r, "cannot store the results");
	r->in_tx = false;
	return 0;
}

/* Where the verifier will see the file at `path` (a path from the index):
 * when it lies under one of the PATHs given, the name the directory walk
 * gives it there, so the verifier takes it once, with the index's hash.
 * Else the path as it is.  malloc'd. */
static char *map_path(const char *path, char **args, char **reals, int nargs)
{
	char real[PATH_MAX];
	if (nargs && realpath(path, real)) {
		for (int i = 0; i < nargs; i++) {
			if (!reals[i])
				continue;
			size_t rl = strlen(reals[i]);
			if (strcmp(real, reals[i]) == 0)
				return strdup(args[i]);
			if (strncmp(real, reals[i], rl) == 0 && (real[rl] == '/' || (rl == 1 && reals[i][0] == '/'))) {
				const char *rest = real + rl + (real[rl] == '/');
				size_t al = strlen(args[i]);
				bool slash = al && args[i][al - 1] == '/';
				size_t n = al + 1 + strlen(rest) + 1;
				char *s = malloc(n);
				if (s)
					snprintf(s, n, "%s%s%s", args[i], slash ? "" : "/", rest);
				return s;
			}
		}
	}
	return strdup(path);
}

static int push_src(struct vrun *r, int64_t id, char *path, const char *sha, bool digest)
{
	if (r->nsrc == r->capsrc) {
		size_t cap = r->capsrc ? 2 * r->capsrc : 256;
		struct vsrc *p = realloc(r->src, cap * sizeof(*p));
		if (!p)
			return -1;
		r->src = p;
		r->capsrc = cap;
	}
	struct vsrc *s = &r->src[r->nsrc];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->digest = digest;
	s->path = path;
	s->name = match_name(path);
	snprintf(s->sha, sizeof(s->sha), "%s", sha);
	if (!s->name)
		return -1;
	r->nsrc++;
	return 0;
}

/* Adds the index's CloudTrail log files (by their recorded content hash,
 * not read again) and its digest files (read, when still there). */
static int add_sources(struct vrun *r, struct ct_verify *v, char **args, char **reals, int nargs, uint64_t *ret_known,
		       uint64_t *ret_gone)
{
	sqlite3_stmt *st;
	*ret_known = *ret_gone = 0;
	if (sqlite3_prepare_v2(r->db,
			       "SELECT id, path, kind, content_sha256 FROM sources"
			       " WHERE kind IN ('cloudtrail', 'digest') AND content_sha256 IS NOT NULL ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(r, "cannot read the sources");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *path = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		const char *sha = (const char *)sqlite3_column_text(st, 3);
		bool digest = strcmp(kind, "digest") == 0;
		if (!path || !sha || strlen(sha) != 64 || (!digest && !ct_verify_is_log_name(path)))
			continue;
		char *mapped = map_path(path, args, reals, nargs);
		if (!mapped || push_src(r, id, mapped, sha, digest) < 0) {
			free(mapped);
			sqlite3_finalize(st);
			ct_cli_error("out of memory");
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(r, "cannot read the sources");
	sort_ctx = r;
	r->by_name = malloc((r->nsrc + 1) * sizeof(size_t));
	r->by_path = malloc((r->nsrc + 1) * sizeof(size_t));
	if (!r->by_name || !r->by_path) {
		ct_cli_error("out of memory");
		return -1;
	}
	/* One source per path: of a file replaced and ingested again, the
	 * first row keeps the path; the later ones are known by hash only. */
	for (size_t i = 0; i < r->nsrc; i++)
		r->by_path[i] = i;
	qsort(r->by_path, r->nsrc, sizeof(size_t), cmp_by_path);
	size_t n = 0;
	for (size_t k = 0; k < r->nsrc; k++) {
		size_t b = r->by_path[k];
		if (n && strcmp(r->src[r->by_path[n - 1]].path, r->src[b].path) == 0) {
			if (b < r->by_path[n - 1]) { /* the lower id keeps the path */
				size_t a = r->by_path[n - 1];
				r->by_path[n - 1] = b;
				b = a;
			}
			free(r->src[b].path);
			r->src[b].path = NULL;
			continue;
		}
		r->by_path[n++] = b;
	}
	r->nby_path = n;
	for (size_t i = 0; i < r->nsrc; i++)
		r->by_name[i] = i;
	qsort(r->by_name, r->nsrc, sizeof(size_t), cmp_by_name);

	for (size_t i = 0; i < r->nsrc; i++) {
		struct vsrc *s = &r->src[i];
		struct ct_err err = {0};
		if (s->digest) {
			struct stat sb;
			if (!s->path)
				continue;
			if (stat(s->path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
				(*ret_gone)++;
				continue;
			}
			if (ct_verify_add_path(v, s->path, &err) < 0) {
				ct_cli_report(&err);
				r->cli->input_failed = true;
			}
			continue;
		}
		/* The key comes from the path: its "AWSLogs/..." suffix, or
		 * the S3 layout its file name implies.  Without a path, from
		 * the name (with ".gz" or not, it matches alike). */
		if (ct_verify_add_known_log(v, s->path ? s->path : s->name, s->path, s->sha, &err) < 0) {
			if (err.code == CT_E_NOMEM) {
				ct_cli_report(&err);
				return -1;
			}
			ct_cli_warn("source %lld ('%s') in the index: %s: not checked", (long long)s->id,
				    s->path ? s->path : s->name, err.msg);
			continue;
		}
		(*ret_known)++;
	}
	return 0;
}

/* ---- rows ---- */

static const char *const cols_wide[] = {
	"kind",  "status", "account", "region", "trail",    "time_from", "time_to",
	"count", "object", "path",    "sha256", "expected", "digest",    "detail",
};
static const char *const cols_narrow[] = {
	"kind", "status", "account", "region", "trail", "time_from", "time_to", "count", "object", "path", "detail",
};

static int on_row(void *ud, const struct ct_verify_row *row)
{
	struct vrun *r = ud;
	char from[32], to[32];
	if (row->time_from)
		ct_time_format(row->time_from, from);
	if (row->time_to)
		ct_time_format(row->time_to, to);
	const char *f = row->time_from ? from : NULL, *t = row->time_to ? to : NULL;
	if (r->out_state == 0) {
		struct ct_out_value v[14];
		int n = 0;
		v[n++] = ct_out_text(ct_verify_kind_name(row->kind));
		v[n++] = ct_out_text(ct_verify_status_name(row->status));
		v[n++] = ct_out_text(row->account);
		v[n++] = ct_out_text(row->region);
		v[n++] = ct_out_text(row->trail);
		v[n++] = ct_out_text(f);
		v[n++] = ct_out_text(t);
		v[n++] = ct_out_int((int64_t)row->count);
		v[n++] = ct_out_text(row->object);
		v[n++] = ct_out_text(row->path);
		if (r->wide) {
			v[n++] = ct_out_text(row->sha256);
			v[n++] = ct_out_text(row->expected);
			v[n++] = ct_out_text(row->digest);
		}
		v[n++] = ct_out_text(row->detail);
		r->out_state = ct_out_row(r->out, v, &r->out_err);
		if (r->out_state < 0)
			return -1;
	}
	if (r->db && store_row(r, row, f, t) < 0)
		return -1;
	return 0;
}

/* ---- the summary ---- */

static void count_part(char *buf, size_t cap, bool *first, uint64_t n, const char *name)
{
	if (!n)
		return;
	size_t len = strlen(buf);
	snprintf(buf + len, cap - len, "%s%llu %s", *first ? "" : ", ", (unsigned long long)n, name);
	*first = false;
}

static void summary(const struct ct_verify_summary *s, double secs)
{
	uint64_t invalid = s->digests_changed + s->digests_missing + s->digests_signature_invalid;
	uint64_t unchecked = s->digests_key_unknown + s->digests_no_signature + s->digests_unverified;
	char inv[256] = "", unc[256] = "";
	bool first = true;
	count_part(inv, sizeof(inv), &first, s->digests_changed, "changed");
	count_part(inv, sizeof(inv), &first, s->digests_missing, "missing");
	count_part(inv, sizeof(inv), &first, s->digests_signature_invalid, "signature_invalid");
	first = true;
	count_part(unc, sizeof(unc), &first, s->digests_key_unknown, "key_unknown");
	count_part(unc, sizeof(unc), &first, s->digests_no_signature, "no_signature");
	count_part(unc, sizeof(unc), &first, s->digests_unverified, "unverified");
	char span[128];
	if (s->first_ms) {
		char a[32], b[32];
		ct_time_format(s->first_ms, a);
		ct_time_format(s->last_ms, b);
		snprintf(span, sizeof(span), "%s .. %s, %.1f h covered by valid digests", a, b,
			 (double)s->valid_ms / 3600000.0);
	} else {
		snprintf(span, sizeof(span), "no digest files");
	}
	fflush(stdout); /* the rows before the summary, also in one file (>out 2>&1) */
	fprintf(stderr,
		"verify: digests: %llu valid, %llu invalid%s%s%s, %llu unchecked%s%s%s; "
		"log files: %llu valid, %llu changed, %llu missing, %llu unlisted, %llu unverified; "
		"gaps: %llu; %s; %llu files hashed (%.1f MB), %.2f s\n",
		(unsigned long long)s->digests_valid, (unsigned long long)invalid, invalid ? " (" : "", inv,
		invalid ? ")" : "", (unsigned long long)unchecked, unchecked ? " (" : "", unc, unchecked ? ")" : "",
		(unsigned long long)s->logs_valid, (unsigned long long)s->logs_changed,
		(unsigned long long)s->logs_missing, (unsigned long long)s->logs_unlisted,
		(unsigned long long)s->logs_unverified, (unsigned long long)s->gaps, span,
		(unsigned long long)s->files_hashed, (double)s->bytes_hashed / 1e6, secs);
}

/* ---- the command ---- */

static int time_opt(const char *name, const char *arg, int64_t *ret)
{
	if (ct_time_parse_arg(arg, ct_time_now_ms(), ret) < 0) {
		ct_cli_error("%s takes a time (ISO-8601, epoch seconds, or 30m, 24h, 7d ago), not '%s'", name, arg);
		return -1;
	}
	return 0;
}

static int exec_verify(struct ct_cli *cli, int argc, char **argv)
{
	enum { OPT_SIG = 256, OPT_SINCE, OPT_UNTIL };
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'd'},
		{"keys", required_argument, NULL, 'k'},
		{"signature-file", required_argument, NULL, OPT_SIG},
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"format", required_argument, NULL, 'o'},
		{"output", required_argument, NULL, 'o'}, /* as detect spells it */
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	const char **keys = calloc((size_t)argc + 1, sizeof(*keys));
	const char **sigs = calloc((size_t)argc + 1, sizeof(*sigs));
	int nkeys = 0, nsigs = 0, jobs = 0, c, status = CT_EXIT_OK;
	int64_t since = 0, until = 0;
	enum ct_format fmt = CT_FMT_TABLE;
	bool use_index = false;
	struct ct_verify *v = NULL;
	struct vrun r = {.cli = cli};
	char **reals = NULL;
	if (!keys || !sigs) {
		ct_cli_error("out of memory");
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:d:k:o:j:q", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cli->index_path = optarg;
			use_index = true;
			break;
		case 'k': keys[nkeys++] = optarg; break;
		case OPT_SIG: sigs[nsigs++] = optarg; break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (time_opt(c == OPT_SINCE ? "--since" : "--until", optarg, c == OPT_SINCE ? &since : &until) <
			    0) {
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			break;
		case 'o':
			if (ct_format_parse(optarg, &fmt) < 0 || fmt == CT_FMT_RAW) {
				ct_cli_error("unknown output format '%s' (table, csv, tsv, json, ndjson, md)", optarg);
				status = ct_cli_usage(ct_cli_current);
				goto out;
			}
			break;
		case 'j':
			if ((status = ct_cli_jobs(optarg, &jobs)) != 0)
				goto out;
			break;
		case 'q': cli->quiet = true; break;
		default: status = ct_cli_badopt(c, argv); goto out;
		}
	}
	const char *env = getenv("CTSCAN_DB");
	if (env && env[0])
		use_index = true;
	if (!nkeys) {
		ct_cli_error("verify needs --keys FILE (the output of 'aws cloudtrail list-public-keys')");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (optind >= argc && !use_index) {
		ct_cli_error("verify needs a PATH with digest files, or an index (-d INDEX)");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	if (since && until && since > until) {
		ct_cli_error("--since is after --until");
		status = ct_cli_usage(ct_cli_current);
		goto out;
	}
	int64_t t0 = ct_time_now_ms();
	struct ct_err err = {0};
	struct ct_verify_opts vo = {.jobs = jobs, .diag = ct_cli_diag, .ud = cli};
	if (ct_verify_new(&vo, &v, &err) < 0) {
		status = ct_cli_report(&err);
		goto out;
	}
	for (int i = 0; i < nkeys; i++) {
		if (ct_verify_add_keys(v, keys[i], &err) < 0) {
			status = ct_cli_report(&err);
			goto out;
		}
	}
	for (int i = 0; i < nsigs; i++) {
		if (ct_verify_add_signatures(v, sigs[i], &err) < 0) {
			status = ct_cli_report(&err);
			goto out;
		}
	}
	if (use_index) {
		const char *ip = cli->index_path ? cli->index_path : ct_index_default_path();
		if (access(ip, F_OK) != 0) {
			ct_err_set(&err, CT_E_USAGE, ip, 0,
				   "no index here: run 'ctscan ingest -d %s PATH...' first (or set -d / $CTSCAN_DB)",
				   ip);
			status = ct_cli_report(&err);
			goto out;
		}
		cli->index_path = ip;
		if ((status = ct_cli_open_index(cli)))
			goto out;
		r.db = ct_index_db(cli->idx);
	}
	/* the PATHs first: of two copies of a digest the first one added is
	 * the one reported */
	int nargs = argc - optind;
	char **args = argv + optind;
	reals = calloc((size_t)nargs + 1, sizeof(*reals));
	if (!reals) {
		ct_cli_error("out of memory");
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	bool hinted = false;
	for (int i = 0; i < nargs; i++) {
		if (ct_verify_add_path(v, args[i], &err) < 0) {
			ct_cli_report(&err);
			if (args[i][0] == '-' && args[i][1] && !hinted) {
				ct_cli_error("options go before the PATHs: 'ctscan verify [OPTIONS] PATH...'");
				hinted = true;
			}
			cli->input_failed = true;
			continue;
		}
		reals[i] = realpath(args[i], NULL);
	}
	uint64_t known = 0, gone = 0;
	if (r.db && add_sources(&r, v, args, reals, nargs, &known, &gone) < 0) {
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	if (gone && !nargs) /* with PATHs given, the digests are likely among them */
		ct_cli_warn(
			"%llu digest file%s the index holds %s no longer where %s ingested from: give %s folder as PATH",
			(unsigned long long)gone, gone == 1 ? "" : "s", gone == 1 ? "is" : "are",
			gone == 1 ? "it was" : "they were", gone == 1 ? "its" : "their");

	struct ct_out_spec spec;
	ct_cli_out_spec(cli, fmt, &spec);
	r.wide = fmt != CT_FMT_TABLE && fmt != CT_FMT_MD;
	r.out = r.wide ? ct_out_new(&spec, (int)(sizeof(cols_wide) / sizeof(cols_wide[0])), cols_wide, &r.out_err)
		       : ct_out_new(&spec, (int)(sizeof(cols_narrow) / sizeof(cols_narrow[0])), cols_narrow,
				    &r.out_err);
	if (!r.out) {
		status = ct_cli_report(&r.out_err);
		goto out;
	}
	struct ct_verify_summary sum = {0};
	int vr = ct_verify_run(v, since, until, on_row, &r, &sum, &err);
	if (r.out_state == 0)
		r.out_state = ct_out_finish(r.out, &r.out_err);
	if (r.out_state < 0) {
		status = ct_cli_report(&r.out_err);
		goto out;
	}
	if (r.db_failed) {
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	if (vr < 0) {
		status = ct_cli_report(&err);
		goto out;
	}
	uint64_t updated = 0;
	if (r.db && finish_store(&r, &updated) < 0) {
		status = CT_EXIT_SYSTEM;
		goto out;
	}
	summary(&sum, (double)(ct_time_now_ms() - t0) / 1000.0);
	if (r.db) {
		if (r.stored)
			fprintf(stderr,
				"verify: stored as run %lld in '%s': %llu rows, %llu of them about %llu sources of the index (%llu log files taken from it)\n",
				(long long)r.run_id, ct_index_path(cli->idx), (unsigned long long)r.stored,
				(unsigned long long)r.linked, (unsigned long long)updated, (unsigned long long)known);
		else
			fprintf(stderr, "verify: nothing to store in '%s'\n", ct_index_path(cli->idx));
	}
	status = ct_verify_exit(&sum);
	if (status == CT_EXIT_OK && cli->input_failed)
		status = CT_EXIT_INPUT;
out:
	if (r.in_tx)
		sqlite3_exec(r.db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(r.ins);
	ct_out_free(r.out);
	ct_verify_free(v);
	for (size_t i = 0; i < r.nsrc; i++) {
		free(r.src[i].path);
		free(r.src[i].name);
	}
	free(r.src);
	free(r.by_path);
	free(r.by_name);
	if (reals)
		for (int i = 0; i < argc - optind; i++)
			free(reals[i]);
	free(reals);
	free(keys);
	free(sigs);
	return status;
}

const struct ct_cmd cmd_verify = {
	.name = "verify",
	.usage =
		"verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]",
	.summary = "check CloudTrail log files against their digest files: changed, missing, injected, gaps",
	.flags = CMD_WRITES_INDEX,
	.exec = exec_verify,
	.help = "  -k, --keys FILE     public keys: the output of 'aws cloudtrail list-public-keys'\n"
		"                      (required; may be given once per region)\n"
		"  --signature-file FILE\n"
		"                      digest signatures from S3 metadata, to check the newest digest\n"
		"  --since T, --until T\n"
		"                      only results in this time range (ISO-8601, epoch seconds, 24h, 7d)\n"
		"  -o, --format FORMAT table (default), csv, tsv, json, ndjson, md\n"
		"  -j, --jobs JOBS     threads for hashing (default: the number of CPUs)\n"
		"  -q, --quiet         no warnings; errors and the summary remain\n"
		"  -d, --index INDEX   also check the log files the index holds, by their recorded hashes,\n"
		"                      and store the results there (used only with -d or $CTSCAN_DB)\n"
		"exit status: 0 nothing points to tampering, 1 a file changed, missing, unlisted or\n"
		"signature_invalid, 2 usage, 3 an input could not be read, 5 system error\n",
};
