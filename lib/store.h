/* store.h - the SQLite index: schema, connections, the event writer
 * (internal).  The store never parses JSON text it did not get from a
 * parser: it takes struct ct_event from the CloudTrail reader. */
#ifndef CT_STORE_H
#define CT_STORE_H

#include <stdint.h>

#include "cloudtrail.h"
#include "ctscan.h"

#define CT_BLOCK_TARGET (256u << 10) /* raw bytes of records per block */
/* Blocks are deflated (zlib format, as sqlar stores them) by ISA-L's
 * igzip at its level 2: on the 6,218 blocks of 1M events it compresses
 * 1.50 GB in 1.2 s to 13.9% of the JSON, where libdeflate at level 1
 * takes 2.9 s for 13.2% (and 4.2 s at 3 for 12.9%).  The compressing
 * thread shares the second core with the reading thread, so every second
 * it saves goes to the ingest.  libdeflate still inflates them: 2.1 GB/s
 * against igzip's 1.6. */
#define CT_BLOCK_LEVEL 2
/* The memory for the keys of one index built from ctscan's own sort
 * (bulkidx.h), twice that while sorting: 64 MiB holds 2.8M rows of two
 * keys, 4.2M of one; a bigger table is indexed by SQLite's sorter. */
#define CT_BULK_MAX_BYTES ((size_t)96 << 20)
/* memory for the key columns a first load gathers (ct_writer_keys_start):
 * 1.1M events (the peak RSS of a first load of 1M: 233 MB with them, and
 * 164 MB before them and the deeper queues) */
#define CT_KEYS_MAX_BYTES ((size_t)48 << 20)

struct ct_index {
	sqlite3 *db;
	char *path;
	bool writable;
	int lock_fd;   /* flock held by a writer, -1 otherwise */
	bool unsynced; /* a first load without syncs is running (ct_store_unsynced_begin) */
};

/* Takes the index's writer lock (flock on the database file, independent
 * of SQLite's own locks).  Fails with CT_E_BUSY when another ingest holds it. */
int ct_index_lock_writer(struct ct_index *idx, struct ct_err *err);

/* A first load into an index with no rows writes without waiting for
 * the disk (synchronous = OFF; a kill loses nothing, only a crash of the
 * system can), once the index is marked durably with the system's boot
 * id: meta('unsynced_load').  ct_index_open refuses an index so marked
 * by an earlier boot.  begin sets the mark and returns 1, or returns 0
 * when the boot id cannot be read (the load then syncs as usual); end
 * syncs the database and its WAL to the disk and takes the mark away
 * (it also finishes the mark of a killed load). */
int ct_store_unsynced_begin(struct ct_index *idx, struct ct_err *err);
int ct_store_unsynced_end(struct ct_index *idx, struct ct_err *err);
/* 1 when the index carries the mark, 0 when not, -1 on error. */
int ct_store_unsynced_marked(struct ct_index *idx);

/* The SELECT that defines the `events` view, with `raw_expr` giving the
 * verbatim record text from columns e.blk, e.boff, e.blen. */
char *ct_store_events_sql(const char *raw_expr);

/* Registers ct_record() and sqlar_uncompress() on a connection. */
int ct_store_register_functions(sqlite3 *db);

struct ct_source_info {
	const char *path;
	uint64_t size;
	const char *sha256;
	const char *content_sha256; /* may be NULL */
	uint64_t content_size;
	const char *kind;        /* cloudtrail, vpcflow, digest, other */
	const char *shape;       /* may be NULL */
	const char *compression; /* gzip, none */
	const char *status;      /* ok, partial, truncated, skipped */
	uint64_t records, events, flows, duplicates, errors;
	int64_t first_ts, last_ts; /* INT64_MIN when none */
	const char *message;       /* may be NULL */
};

struct ct_writer;

/* threaded: deflate blocks on a worker thread. */
int ct_writer_new(struct ct_index *idx, bool threaded, struct ct_writer **ret, struct ct_err *err);
void ct_writer_free(struct ct_writer *w);
int ct_writer_begin(struct ct_writer *w, struct ct_err *err);
/* In a first load, gathers the columns of ev's pivot indexes as the rows
 * are written (45 bytes a row), up to max_bytes: the indexes are then
 * built without reading the table again.  Past max_bytes, or when the row
 * ids are not consecutive, it lets go of them. */
void ct_writer_keys_start(struct ct_writer *w, size_t max_bytes);
/* What was gathered (NULL: nothing), the caller's to free with
 * ct_keys_free once the indexes are built; the writer keeps none. */
struct ct_keys;
struct ct_keys *ct_writer_keys_take(struct ct_writer *w);
const struct ct_bulk_cols *ct_keys_cols(struct ct_keys *k);
void ct_keys_free(struct ct_keys *k);
/* Flushes the open block and commits. */
int ct_writer_commit(struct ct_writer *w, struct ct_err *err);
/* Inserts a sources row and returns its id. */
int ct_writer_source_add(struct ct_writer *w, const struct ct_source_info *si, int64_t *ret_id, struct ct_err *err);
int ct_writer_source_finish(struct ct_writer *w, int64_t id, const struct ct_source_info *si, struct ct_err *err);
/* What the reading thread works out for the writer about one event, so
 * that the writer's thread, the one an ingest waits for, need not: the
 * dictionary hash of each field and of the detail text, the event id
 * packed and its tag. */
struct ct_event_prep {
	uint64_t fh[CT_EF_COUNT]; /* 0 for a field that is absent */
	uint64_t dh;
	int64_t eid, lo; /* see ct_event_key_make */
	bool packed;     /* the event id is a canonical UUID */
	uint32_t tag;
};
void ct_event_prep(const struct ct_event *ev, const struct ct_str *detail, struct ct_event_prep *out);
/* Adds one event; *ret_dup is set when it was already in the index.
 * detail and link are the event's texts from ct_detail_compute, and prep
 * from ct_event_prep, worked out by the caller (on a thread other than
 * the writer's). */
int ct_writer_event(struct ct_writer *w, int64_t source_id, const struct ct_event *ev, const struct ct_str *detail,
		    const struct ct_str *link, const struct ct_event_prep *prep, bool *ret_dup, struct ct_err *err);
/* Asks the CPU to fetch the dictionary slots of an event that comes next
 * (its look-ups then wait less on memory). */
void ct_writer_prefetch(const struct ct_writer *w, const struct ct_event_prep *prep);
/* One flow record for the writer: per field, present (not `-`), the
 * integer (numeric fields, start/end in ms) or the text. */
struct ct_flowrow {
	uint64_t line;
	uint64_t present; /* bit per enum ct_flow_field */
	uint64_t cols;    /* the fields of the record's layout (present or not) */
	int64_t i[64];
	const char *s[64];
	size_t len[64];
	const char *extra; /* unknown fields as a JSON object, or NULL */
	size_t extra_len;
};
int ct_writer_flow(struct ct_writer *w, int64_t source_id, const struct ct_flowrow *fr, bool *ret_dup,
		   struct ct_err *err);

/* Raw bytes written since the last commit; UINT64_MAX when the writer
 * wants a commit at the next file end (see ct_writer_commit). */
uint64_t ct_writer_pending(const struct ct_writer *w);
/* Dictionary id of a string (creating it), for other tables. */
int ct_writer_str(struct ct_writer *w, const char *s, size_t len, int64_t *ret_id, struct ct_err *err);

/* Drops the pivot indexes before a first load into an empty index, and
 * builds whatever is pending (after the load, or after one was killed),
 * calling step (may be NULL) before each index with how many are built
 * and how many there are; threads: a second thread may read and sort
 * (bulkidx.h). */
int ct_store_defer_indexes(sqlite3 *db, const char *table, const char *path, struct ct_err *err);
typedef void (*ct_index_step_fn)(void *ud, unsigned done, unsigned total);
/* 1 when table (ev or flow_rows) has rows, 0 when it has none, -1 when
 * that cannot be read. */
int ct_store_has_rows(sqlite3 *db, const char *table);
/* evkeys: the key columns of ev gathered in the load (ct_writer_keys_take),
 * or NULL. */
struct ct_bulk_cols;
int ct_store_build_indexes(sqlite3 *db, const char *path, bool threads, const struct ct_bulk_cols *evkeys,
			   ct_index_step_fn step, void *ud, struct ct_err *err);
/* A thread with a connection of its own that copies the WAL into the
 * database (a passive checkpoint) every 50 ms until stopped, and in a load
 * without syncs (ct_store_unsynced_begin) waits for what it copied to
 * reach the disk (fdatasync), so the final sync has little left; NULL when
 * it cannot start (nothing is lost: the writer's checkpoints do the work). */
struct ct_checkpointer;
struct ct_checkpointer *ct_checkpointer_start(struct ct_index *idx);
void ct_checkpointer_stop(struct ct_checkpointer *c);

/* Packs a lowercase canonical UUID event id into 16 bytes (returns 16);
 * returns 0 for any other id. */
int ct_event_key_pack(const char *s, size_t len, unsigned char out[16]);
/* The columns an event id is kept in: ev.eid, the indexed 64-bit key, is
 * the first half of a canonical UUID (lower case), else a hash of the id;
 * ev.event_id is the UUID's second half (*ret_lo), else the id's text.
 * Returns 1 for a UUID, 0 for an id kept as text. */
int ct_event_key_make(const char *s, size_t len, int64_t *ret_eid, int64_t *ret_lo);
/* The UUID text of a packed event id. */
void ct_event_key_text(int64_t eid, int64_t lo, char out[37]);

/* Looks up a source by content hash; returns 1 and the path when known. */
int ct_store_source_known(sqlite3 *db, const char *sha256, char **ret_path, struct ct_err *err);

#endif
