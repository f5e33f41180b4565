/* rollup_batch.h - the rollup counters of the cases a transaction
 * inserts, summed in C and written once per counter at commit (issue 17
 * part 3), instead of a trigger updating about thirty counter rows for
 * every case. Each case inserted through store_case_insert is noted on its
 * connection (rollup_batch_add); at commit (and before anything that
 * changes a case, whose trigger reads the rows) the notes are expanded into
 * the rows of rollup_day, rollup_dim and rollup_due exactly as
 * schema/{sqlite,pg}/002_rollups.sql's insert trigger made them, summed by
 * row, and each row is upserted once (rollup_batch_flush).
 *
 * The notes follow the savepoints of the transaction: a savepoint marks
 * them, its undo drops the notes made since, its release keeps them. The
 * engines call these from begin, commit, rollback, savepoint, release and
 * undo. Store-internal: nothing outside store/ includes this. */
#ifndef FQ_STORE_ROLLUP_BATCH_H
#define FQ_STORE_ROLLUP_BATCH_H

#include <jansson.h>

#include "store/store.h"

/* Cases noted in one transaction at most: past it an insert is refused
 * (FQ_EBUSY). The writer's batches hold at most WRITER_BATCH_MAX (2000)
 * jobs, and a CSV import at most CSV_ROWS_MAX (20000) rows. */
#define ROLLUP_BATCH_MAX 65536
/* Nested savepoints followed at most (the writer uses two: the job's and
 * case_create's retry). Deeper ones are refused. */
#define ROLLUP_BATCH_MARKS 16

/* Notes a case just inserted (its record, as store_case_insert got it). */
enum fq_err rollup_batch_add(struct store_conn *c, const json_t *rec);
/* Sums the notes and upserts each counter row once; clears the notes (the
 * marks stay, so the savepoints around still undo what was written). */
enum fq_err rollup_batch_flush(struct store_conn *c);
/* A transaction began or ended without committing: forget every note. */
void rollup_batch_clear(struct store_conn *c);
/* A savepoint was set; outer: it opened the transaction itself (its
 * release commits), so the release flushes first. */
enum fq_err rollup_batch_mark(struct store_conn *c, int outer);
/* Before a savepoint's release: 1 when it is the outer one of
 * rollup_batch_mark (flush now, the release commits). Pops the mark. */
int rollup_batch_release(struct store_conn *c);
/* A savepoint was rolled back: drops the notes made since its mark. */
void rollup_batch_undo(struct store_conn *c);
/* How many cases are noted and not yet written (for the engines' own
 * choices, e.g. PostgreSQL's trigger switch). */
size_t rollup_batch_pending(struct store_conn *c);
/* PostgreSQL: whether this transaction has switched its insert trigger off
 * (SET LOCAL fengqiao.rollup = 'batch'), and recording that it did. The
 * switch is undone with the savepoint it was made in. */
int rollup_batch_switched(struct store_conn *c);
void rollup_batch_set_switched(struct store_conn *c);
/* Frees the connection's notes (conn_close). */
void rollup_batch_free(struct store_conn *c);

#endif
