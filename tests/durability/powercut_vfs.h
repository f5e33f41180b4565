/* powercut_vfs.h - a SQLite VFS for tests that models a power cut: writes
 * not yet synced live in memory (the "page cache") and are dropped by
 * powercut_cut(). The semantics and what is not modelled are described at
 * the top of powercut_vfs.c. Test code only: never linked into the server. */
#ifndef FQ_POWERCUT_VFS_H
#define FQ_POWERCUT_VFS_H

#include <stddef.h>
#include <stdint.h>

#define POWERCUT_VFS_NAME "powercut"
/* Unsynced bytes held for all files together. Going over it aborts the
 * test with a message: the model would no longer be what it claims. */
#define POWERCUT_PENDING_MAX (128u * 1024 * 1024)

struct powercut_stats {
	uint64_t syncs;         /* xSync calls that made writes durable */
	uint64_t synced_bytes;  /* bytes written to the real files by those syncs */
	uint64_t dropped_bytes; /* unsynced bytes thrown away by the last cut */
	uint64_t failed_ops;    /* I/O refused because the power was off */
	size_t pending_peak;    /* most unsynced bytes held at once */
};

/* Registers the shim over the "unix" VFS; as the default when make_default
 * is set, so code that opens with a NULL VFS name uses it. Power is on.
 * Returns 0, or -1 when "unix" is missing or registration failed. */
int powercut_install(int make_default);
/* Makes the shim (on) or the plain "unix" VFS (off) the default. */
void powercut_set_default(int on);
/* Cuts the power: every unsynced write of every file is dropped, and every
 * later open, read, write, truncate, sync, size query and delete fails
 * with an I/O error until powercut_restore(). Handles open at the cut stay
 * dead even after the restore: close them. Safe from any thread; waits for
 * an I/O call in progress, so a sync either finished before the cut or
 * made nothing durable. */
void powercut_cut(void);
/* Arms a cut that happens inside the writes-th write (from now) to a
 * database, journal or WAL file: that write is accepted into the page
 * cache, then the power goes as in powercut_cut(). 0 disarms. */
void powercut_arm(unsigned writes);
/* Power back on, for the next round. Files opened from now on see what is
 * on disk. */
void powercut_restore(void);
int powercut_is_off(void);
/* Handles currently open through the shim (0 once everything is closed). */
int powercut_open_files(void);
void powercut_get_stats(struct powercut_stats *out);
/* Unregisters the shim and frees what it holds. All handles must be closed. */
void powercut_uninstall(void);

#endif
