/* defer.h - work that waits for a commit: an action queued by a job on the
 * writer thread runs only once the transaction that holds the job has
 * committed, and is dropped when the job or the transaction is rolled
 * back. Thread-local; the writer (store/writer.c) marks, undoes, commits
 * and rolls back. No I/O of its own. */
#ifndef FQ_DEFER_H
#define FQ_DEFER_H

#include <stddef.h>

#define DEFER_MAX 4096 /* actions waiting in one transaction; more are dropped (logged) */

/* Queues run(arg) for after the commit of the current transaction on this
 * thread. Steals arg: it is free()d after run, or when dropped. */
void defer_after_commit(void (*run)(void *arg), void *arg);

/* Where the actions of the next job start. */
size_t defer_mark(void);
/* Drops the actions queued since mark (the job was undone). */
void defer_undo(size_t mark);
/* Runs every queued action, in order, then forgets them (committed). */
void defer_commit(void);
/* Drops every queued action (rolled back). */
void defer_rollback(void);

#endif
