/* bulkidx.h - building indexes of integer keys from a sort of ctscan's
 * own (internal).
 *
 * SQLite builds an index (CREATE INDEX) by reading the whole table,
 * sorting its keys through files and adding them in order: about 0.4 s
 * per index of a million events, nine times at the end of a first load.
 * When every key of an index is an integer, ctscan reads the keys of
 * several indexes and their row ids in one pass over the table, sorts each
 * index's in memory (radix, 30 to 90 ms for a million), and lets SQLite
 * write the index's b-tree as a WITHOUT ROWID table whose primary key is
 * the index's columns and the row id: such a table is kept in a b-tree of
 * the same kind and with records of the same format as the index (its
 * columns, then the row id).  In the same transaction its schema row is
 * made the index's (PRAGMA writable_schema) and the schema version is
 * raised, as SQLite's ALTER TABLE documentation does for the changes it
 * has no statement for: every connection reads the schema again, and finds
 * the index whole.  A second thread, with a connection of its own, reads
 * and sorts while the first writes; keys the caller gathered while it
 * wrote the rows (ct_bulk_cols) are sorted without a pass over the table.
 * An index that cannot be built so (a
 * key that is not an integer, a NULL key outside a partial index, a table
 * too big for the memory allowed, a connection that refuses
 * writable_schema) is left for CREATE INDEX, and nothing of it remains. */
#ifndef CT_BULKIDX_H
#define CT_BULKIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ctscan.h"

/* An index: sql is its statement as the schema keeps it, CREATE INDEX
 * name ON table(cols)[ WHERE where].  cols: one column, or two separated
 * by ", " (the first one's values within 32 bits); where: NULL, or
 * "<first column> IS NOT NULL". */
struct ct_bulk_spec {
	const char *name, *cols, *where, *sql;
};

/* Key columns gathered while the rows were written (a first load), so
 * that the indexes need no pass over the table: for the row ids base,
 * base + 1, ..., base + rows - 1 in turn, the value of column name in
 * v, an unsigned 32-bit (width 4) or a signed 64-bit integer (width 8),
 * or NULL where its bit is set in nulls (bit i % 64 of nulls[i / 64];
 * nulls NULL: none).  They are used only when base and rows are the
 * table's least row id and its number of row ids (max - min + 1), and
 * only for the indexes whose columns they all hold. */
struct ct_bulk_col {
	const char *name;
	unsigned width;
	const void *v;
	const uint64_t *nulls;
};

struct ct_bulk_cols {
	int64_t base;
	size_t rows;
	const struct ct_bulk_col *col;
	size_t n;
};

/* Called on the writing thread before each index is written. */
typedef void (*ct_bulk_step_fn)(void *ud, size_t spec);

/* Builds what it can of the indexes spec[0..n) of table on db (a writer's
 * connection, outside a transaction), each in a transaction of its own,
 * in as few passes over the table as max_bytes allows (the keys take 16
 * bytes per row and index; a table whose one index does not fit in half
 * of max_bytes is left to CREATE INDEX), or from cols (NULL: none) where
 * they match, reading and sorting on a second thread when threads is true
 * and db is a file.  Sets built[i] for each index built.  Returns 0, or
 * -1 when the database cannot be written (err set; the index being
 * written is rolled back). */
int ct_bulk_build(sqlite3 *db, const char *table, const struct ct_bulk_spec *spec, size_t n, size_t max_bytes,
		  bool threads, const struct ct_bulk_cols *cols, bool *built, ct_bulk_step_fn step, void *ud,
		  const char *path, struct ct_err *err);

/* One key of a row, as sorted: a the last key column, b the first's
 * value (biased to unsigned) in its high 32 bits and the row id's offset
 * in its low 32. */
struct ct_bulk_entry {
	uint64_t a, b;
};

/* Sorts n entries by (b >> 32, a as signed, b & 0xffffffff), stably; the
 * entries come in row id order, so the last key is already in order.
 * tmp has room for n entries.  Exposed for the unit test. */
void ct_bulk_sort(struct ct_bulk_entry *v, struct ct_bulk_entry *tmp, size_t n);

#endif
