/* powercut_vfs.c - a SQLite VFS shim over "unix" that loses, at a power cut,
 * everything not yet synced. Test code only; it must never decide what the
 * server does, only what a test sees.
 *
 * The model. Each file (database, rollback journal, WAL) has one shared
 * state per path, like an inode's page cache: every handle on that path
 * sees the same bytes, and the state outlives the handles while it holds
 * unsynced data (closing a file does not make it durable, fsync does).
 *  - xWrite changes 4 KiB blocks held in memory; the real file is untouched.
 *  - xRead shows those blocks over the real file's bytes; xFileSize and
 *    xTruncate work on the logical size (a truncation is applied to the real
 *    file at the next sync, and until then the cut-off bytes read as gone).
 *  - xSync (on any handle of the path) applies the truncation and the
 *    blocks to the real file, then fsyncs it through "unix". Only then is a
 *    write durable.
 *  - powercut_cut() drops every unsynced block of every file and refuses all
 *    later I/O, so the process can only close its handles. A test then
 *    reopens the files with plain "unix" and sees what a machine would see
 *    after the power came back.
 * One mutex serialises all calls, so a cut lands between two VFS calls:
 * powercut_cut() from any thread, or powercut_arm(n) right after the n-th
 * write from now (so the cut surely finds unsynced data, for example WAL
 * frames of a commit whose fsync has not come yet).
 *
 * Not modelled: torn or partial sector writes (a write is all or nothing;
 * the shim passes through SQLite's powersafe-overwrite assumption), writes
 * reaching the disk before their sync (the shim is the most forgetful disk
 * allowed, not a random one), reordering of synced writes, a sync in
 * progress at the cut being partly durable, and the directory: creating and
 * deleting files is durable at once (no directory fsync is needed or
 * checked). Shared memory (the -shm wal-index) and locks pass straight to
 * "unix"; SQLite rebuilds the wal-index when the first connection opens
 * after a crash. Temporary files pass through unchanged (they do not need
 * to survive). The shim offers no memory mapping (io_methods version 2), so
 * every database read goes through xRead. */
#include "powercut_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 4096
#define BUCKETS 1024

struct block {
	sqlite3_int64 index; /* offset / BLOCK */
	struct block *next;  /* bucket chain */
	unsigned char data[BLOCK];
};

/* The state of one path: the unsynced view of the file. */
struct node {
	char *path;
	int nref;           /* open handles */
	int linked;         /* found by its path (not deleted, not cut) */
	int cut;            /* the power went while it was open: no more I/O */
	sqlite3_int64 size; /* logical size: what reads and xFileSize see */
	sqlite3_int64 disk; /* the real file's size, as of the open or last sync */
	sqlite3_int64 keep; /* bytes of the real file still visible (<= size, disk) */
	size_t nblocks;
	struct block *bucket[BUCKETS];
	struct node *next; /* every node, linked or still open */
};

struct pfile {
	sqlite3_file base;  /* methods first: one pointer serves as both */
	struct node *node;  /* NULL: a pass-through (temporary) file */
	sqlite3_file *real; /* the "unix" file, just after this struct */
};

static struct {
	pthread_mutex_t mu;
	sqlite3_vfs vfs;
	sqlite3_vfs *unix_vfs;
	int installed;
	int off;        /* power cut */
	unsigned armed; /* cut at this many more durable-file writes; 0: not armed */
	int nopen;
	size_t pending; /* unsynced bytes, all files */
	struct node *nodes;
	struct powercut_stats stats;
} pc = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void cut_locked(void);

/* ---- the per-path state (caller holds pc.mu) ---- */

static struct node *node_find(const char *path)
{
	for (struct node *n = pc.nodes; n; n = n->next)
		if (n->linked && strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

/* 1 when the node holds something a sync has not made durable. */
static int node_dirty(const struct node *n)
{
	return n->nblocks || n->keep != n->disk || n->size != n->disk;
}

static struct block *block_find(struct node *n, sqlite3_int64 index)
{
	for (struct block *b = n->bucket[index % BUCKETS]; b; b = b->next)
		if (b->index == index)
			return b;
	return NULL;
}

/* Drops the blocks that start at or after `from`; returns the bytes freed. */
static size_t blocks_drop(struct node *n, sqlite3_int64 from)
{
	size_t freed = 0;
	for (int i = 0; i < BUCKETS; i++) {
		struct block **p = &n->bucket[i];
		while (*p) {
			struct block *b = *p;
			if (b->index * BLOCK >= from) {
				*p = b->next;
				free(b);
				n->nblocks--;
				freed += BLOCK;
			} else {
				p = &b->next;
			}
		}
	}
	pc.pending -= freed;
	return freed;
}

static void node_free(struct node *n)
{
	for (struct node **p = &pc.nodes; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			break;
		}
	blocks_drop(n, 0);
	free(n->path);
	free(n);
}

/* Reads [off, off+len) of what the real file still shows: zeros past keep. */
static int disk_read(struct node *n, sqlite3_file *real, unsigned char *dst, int len,
		     sqlite3_int64 off)
{
	int have = 0;
	if (off < n->keep)
		have = n->keep - off < len ? (int)(n->keep - off) : len;
	if (have > 0) {
		int rc = real->pMethods->xRead(real, dst, have, off);
		if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
			return rc; /* a short read zero-fills, as "unix" promises */
	}
	memset(dst + have, 0, (size_t)(len - have));
	return SQLITE_OK;
}

/* Writes the blocks and the truncation to the real file and fsyncs it. */
static int node_flush(struct node *n, sqlite3_file *real, int flags)
{
	sqlite3_int64 disk;
	int rc = real->pMethods->xFileSize(real, &disk);
	if (rc == SQLITE_OK && n->keep < disk)
		rc = real->pMethods->xTruncate(real, n->keep);
	uint64_t bytes = 0;
	for (int i = 0; i < BUCKETS && rc == SQLITE_OK; i++)
		for (struct block *b = n->bucket[i]; b && rc == SQLITE_OK; b = b->next) {
			sqlite3_int64 at = b->index * BLOCK;
			int len = n->size - at < BLOCK ? (int)(n->size - at) : BLOCK;
			rc = real->pMethods->xWrite(real, b->data, len, at);
			bytes += (uint64_t)len;
		}
	if (rc == SQLITE_OK)
		rc = real->pMethods->xFileSize(real, &disk);
	if (rc == SQLITE_OK && disk != n->size)
		rc = real->pMethods->xTruncate(real, n->size); /* extends with zeros too */
	if (rc == SQLITE_OK)
		rc = real->pMethods->xSync(real, flags);
	if (rc != SQLITE_OK)
		return rc;
	blocks_drop(n, 0);
	n->keep = n->disk = n->size;
	pc.stats.syncs++;
	pc.stats.synced_bytes += bytes;
	return SQLITE_OK;
}

/* ---- io methods ---- */

#define REAL(f) (((struct pfile *)(f))->real)
#define NODE(f) (((struct pfile *)(f))->node)

/* 1 (and counts it) when the handle may do no I/O: the power is off, or
 * was cut while the handle was open. */
static int refused(struct node *n)
{
	if (pc.off || (n && n->cut)) {
		pc.stats.failed_ops++;
		return 1;
	}
	return 0;
}

static int pc_close(sqlite3_file *f)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc = REAL(f)->pMethods->xClose(REAL(f));
	pc.nopen--;
	/* A linked node with unsynced data stays: the page cache outlives the
	 * handle. Anything else goes with its last handle. */
	if (n && --n->nref == 0 && (!n->linked || !node_dirty(n)))
		node_free(n);
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc = SQLITE_OK;
	if (refused(n)) {
		rc = SQLITE_IOERR_READ;
	} else if (!n) {
		rc = REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
	} else {
		unsigned char *dst = buf;
		int done = 0;
		while (done < amt && rc == SQLITE_OK) {
			sqlite3_int64 at = off + done;
			if (at >= n->size) {
				memset(dst + done, 0, (size_t)(amt - done));
				rc = SQLITE_IOERR_SHORT_READ;
				break;
			}
			sqlite3_int64 end = (at / BLOCK + 1) * BLOCK;
			if (end > n->size)
				end = n->size;
			if (end > off + amt)
				end = off + amt;
			int len = (int)(end - at);
			struct block *b = block_find(n, at / BLOCK);
			if (b)
				memcpy(dst + done, b->data + at % BLOCK, (size_t)len);
			else
				rc = disk_read(n, REAL(f), dst + done, len, at);
			done += len;
		}
	}
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc = SQLITE_OK;
	if (refused(n)) {
		rc = SQLITE_IOERR_WRITE;
	} else if (!n) {
		rc = REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
	} else {
		const unsigned char *src = buf;
		int done = 0;
		while (done < amt && rc == SQLITE_OK) {
			sqlite3_int64 at = off + done, index = at / BLOCK;
			int len = BLOCK - (int)(at % BLOCK);
			if (len > amt - done)
				len = amt - done;
			struct block *b = block_find(n, index);
			if (!b) {
				if (pc.pending + BLOCK > POWERCUT_PENDING_MAX) {
					fprintf(stderr,
						"powercut: more than %u unsynced bytes held; the test "
						"writes more between syncs than the shim models\n",
						POWERCUT_PENDING_MAX);
					abort();
				}
				b = malloc(sizeof *b);
				if (!b) {
					rc = SQLITE_IOERR_NOMEM;
					break;
				}
				b->index = index;
				/* the block as it reads now: bytes past the logical size are zeros */
				sqlite3_int64 base = index * BLOCK;
				int have = n->size > base
						   ? (n->size - base < BLOCK ? (int)(n->size - base)
									     : BLOCK)
						   : 0;
				memset(b->data, 0, BLOCK);
				if (have > 0 && (rc = disk_read(n, REAL(f), b->data, have, base)) !=
							SQLITE_OK) {
					free(b);
					break;
				}
				b->next = n->bucket[index % BUCKETS];
				n->bucket[index % BUCKETS] = b;
				n->nblocks++;
				pc.pending += BLOCK;
				if (pc.pending > pc.stats.pending_peak)
					pc.stats.pending_peak = pc.pending;
			}
			memcpy(b->data + at % BLOCK, src + done, (size_t)len);
			done += len;
		}
		if (rc == SQLITE_OK && off + amt > n->size)
			n->size = off + amt;
		if (rc == SQLITE_OK && pc.armed && --pc.armed == 0)
			cut_locked(); /* this write was accepted, and is the first to go */
	}
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc = SQLITE_OK;
	if (refused(n)) {
		rc = SQLITE_IOERR_TRUNCATE;
	} else if (!n) {
		rc = REAL(f)->pMethods->xTruncate(REAL(f), size);
	} else {
		if (size < n->size) {
			blocks_drop(n, (size + BLOCK - 1) / BLOCK * BLOCK);
			struct block *b = size % BLOCK ? block_find(n, size / BLOCK) : NULL;
			if (b) /* growing again later must read zeros */
				memset(b->data + size % BLOCK, 0, (size_t)(BLOCK - size % BLOCK));
			if (n->keep > size)
				n->keep = size;
		}
		n->size = size;
	}
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_sync(sqlite3_file *f, int flags)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc;
	if (refused(n))
		rc = SQLITE_IOERR_FSYNC;
	else if (!n)
		rc = REAL(f)->pMethods->xSync(REAL(f), flags);
	else
		rc = node_flush(n, REAL(f), flags);
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	pthread_mutex_lock(&pc.mu);
	struct node *n = NODE(f);
	int rc = SQLITE_OK;
	if (refused(n))
		rc = SQLITE_IOERR_FSTAT;
	else if (!n)
		rc = REAL(f)->pMethods->xFileSize(REAL(f), size);
	else
		*size = n->size;
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

/* Locks and shared memory pass through without the mutex: they do no I/O
 * the model cares about, and a closing connection must be able to unlock. */
static int pc_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int pc_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int pc_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int pc_file_control(sqlite3_file *f, int op, void *arg)
{
	/* size hints would make "unix" grow the real file behind the model */
	if (NODE(f) && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE))
		return SQLITE_OK;
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int pc_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int pc_device(sqlite3_file *f)
{
	/* no batch-atomic writes: the shim has no file control for them */
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)) & ~SQLITE_IOCAP_BATCH_ATOMIC;
}

static int pc_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int pc_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void pc_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int pc_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods pc_io = {
	.iVersion = 2, /* 3 would add xFetch: memory-mapped reads past the model */
	.xClose = pc_close,
	.xRead = pc_read,
	.xWrite = pc_write,
	.xTruncate = pc_truncate,
	.xSync = pc_sync,
	.xFileSize = pc_file_size,
	.xLock = pc_lock,
	.xUnlock = pc_unlock,
	.xCheckReservedLock = pc_check_reserved,
	.xFileControl = pc_file_control,
	.xSectorSize = pc_sector_size,
	.xDeviceCharacteristics = pc_device,
	.xShmMap = pc_shm_map,
	.xShmLock = pc_shm_lock,
	.xShmBarrier = pc_shm_barrier,
	.xShmUnmap = pc_shm_unmap,
};

/* ---- vfs methods ---- */

static int pc_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
		   int *out_flags)
{
	(void)vfs;
	struct pfile *p = (struct pfile *)file;
	p->base.pMethods = NULL;
	p->node = NULL;
	p->real = (sqlite3_file *)(p + 1);
	pthread_mutex_lock(&pc.mu);
	if (refused(NULL)) {
		pthread_mutex_unlock(&pc.mu);
		return SQLITE_CANTOPEN;
	}
	int rc = pc.unix_vfs->xOpen(pc.unix_vfs, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		if (p->real->pMethods)
			p->real->pMethods->xClose(p->real);
		pthread_mutex_unlock(&pc.mu);
		return rc;
	}
	int durable = flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL |
			       SQLITE_OPEN_SUPER_JOURNAL);
	if (durable && name) {
		struct node *n = node_find(name);
		if (!n) {
			sqlite3_int64 size = 0;
			n = calloc(1, sizeof *n);
			if (n)
				n->path = strdup(name);
			if (!n || !n->path ||
			    p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK) {
				if (n)
					free(n->path);
				free(n);
				p->real->pMethods->xClose(p->real);
				pthread_mutex_unlock(&pc.mu);
				return SQLITE_CANTOPEN;
			}
			n->size = n->disk = n->keep = size;
			n->linked = 1;
			n->next = pc.nodes;
			pc.nodes = n;
		}
		n->nref++;
		p->node = n;
	}
	pc.nopen++;
	p->base.pMethods = &pc_io;
	pthread_mutex_unlock(&pc.mu);
	return SQLITE_OK;
}

static int pc_delete(sqlite3_vfs *vfs, const char *name, int dir_sync)
{
	(void)vfs;
	pthread_mutex_lock(&pc.mu);
	int rc;
	if (refused(NULL)) {
		rc = SQLITE_IOERR_DELETE;
	} else {
		struct node *n = node_find(name);
		if (n) { /* the name is gone; open handles keep their (unlinked) state */
			n->linked = 0;
			if (n->nref == 0)
				node_free(n);
		}
		rc = pc.unix_vfs->xDelete(pc.unix_vfs, name, dir_sync);
	}
	pthread_mutex_unlock(&pc.mu);
	return rc;
}

static int pc_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return pc.unix_vfs->xAccess(pc.unix_vfs, name, flags, out);
}

static int pc_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return pc.unix_vfs->xFullPathname(pc.unix_vfs, name, n, out);
}

static void *pc_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return pc.unix_vfs->xDlOpen(pc.unix_vfs, name);
}

static void pc_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	pc.unix_vfs->xDlError(pc.unix_vfs, n, msg);
}

static void (*pc_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return pc.unix_vfs->xDlSym(pc.unix_vfs, h, sym);
}

static void pc_dl_close(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	pc.unix_vfs->xDlClose(pc.unix_vfs, h);
}

static int pc_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return pc.unix_vfs->xRandomness(pc.unix_vfs, n, out);
}

static int pc_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return pc.unix_vfs->xSleep(pc.unix_vfs, us);
}

static int pc_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return pc.unix_vfs->xCurrentTime(pc.unix_vfs, out);
}

static int pc_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return pc.unix_vfs->xGetLastError(pc.unix_vfs, n, out);
}

static int pc_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return pc.unix_vfs->xCurrentTimeInt64(pc.unix_vfs, out);
}

/* ---- public ---- */

int powercut_install(int make_default)
{
	pthread_mutex_lock(&pc.mu);
	if (!pc.installed) {
		pc.unix_vfs = sqlite3_vfs_find("unix");
		if (!pc.unix_vfs || pc.unix_vfs->iVersion < 2) {
			pthread_mutex_unlock(&pc.mu);
			return -1;
		}
		int sz = (int)((sizeof(struct pfile) + 7) / 8 * 8) + pc.unix_vfs->szOsFile;
		pc.vfs = (sqlite3_vfs){
			.iVersion = 2,
			.szOsFile = sz,
			.mxPathname = pc.unix_vfs->mxPathname,
			.zName = POWERCUT_VFS_NAME,
			.xOpen = pc_open,
			.xDelete = pc_delete,
			.xAccess = pc_access,
			.xFullPathname = pc_full_pathname,
			.xDlOpen = pc_dl_open,
			.xDlError = pc_dl_error,
			.xDlSym = pc_dl_sym,
			.xDlClose = pc_dl_close,
			.xRandomness = pc_randomness,
			.xSleep = pc_sleep,
			.xCurrentTime = pc_current_time,
			.xGetLastError = pc_last_error,
			.xCurrentTimeInt64 = pc_current_time64,
		};
		pc.off = 0;
	}
	pthread_mutex_unlock(&pc.mu);
	if (sqlite3_vfs_register(&pc.vfs, make_default) != SQLITE_OK)
		return -1;
	pc.installed = 1;
	return 0;
}

void powercut_set_default(int on)
{
	sqlite3_vfs_register(on ? &pc.vfs : pc.unix_vfs, 1);
}

void powercut_cut(void)
{
	pthread_mutex_lock(&pc.mu);
	cut_locked();
	pthread_mutex_unlock(&pc.mu);
}

void powercut_arm(unsigned writes)
{
	pthread_mutex_lock(&pc.mu);
	pc.armed = writes;
	pthread_mutex_unlock(&pc.mu);
}

static void cut_locked(void)
{
	if (pc.off)
		return; /* already off: nothing left to drop */
	pc.off = 1;
	pc.armed = 0;
	size_t dropped = pc.pending;
	struct node *next;
	for (struct node *n = pc.nodes; n; n = next) {
		next = n->next;
		blocks_drop(n, 0);
		n->linked = 0;
		n->cut = 1;
		if (n->nref == 0)
			node_free(n); /* else freed by its last close */
	}
	pc.stats.dropped_bytes = dropped;
}

void powercut_restore(void)
{
	pthread_mutex_lock(&pc.mu);
	pc.off = 0;
	pc.armed = 0;
	pthread_mutex_unlock(&pc.mu);
}

int powercut_is_off(void)
{
	pthread_mutex_lock(&pc.mu);
	int off = pc.off;
	pthread_mutex_unlock(&pc.mu);
	return off;
}

int powercut_open_files(void)
{
	pthread_mutex_lock(&pc.mu);
	int n = pc.nopen;
	pthread_mutex_unlock(&pc.mu);
	return n;
}

void powercut_get_stats(struct powercut_stats *out)
{
	pthread_mutex_lock(&pc.mu);
	*out = pc.stats;
	pthread_mutex_unlock(&pc.mu);
}

void powercut_uninstall(void)
{
	if (!pc.installed)
		return;
	sqlite3_vfs_unregister(&pc.vfs);
	pthread_mutex_lock(&pc.mu);
	while (pc.nodes)
		node_free(pc.nodes);
	pc.installed = 0;
	pthread_mutex_unlock(&pc.mu);
}
