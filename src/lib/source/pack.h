/* SPDX-License-Identifier: MIT */
/*
 * Pack files, read directly: the fast path of the blob phase.
 *
 * libgit2 reads everything else (refs, commits, trees, loose objects,
 * alternates) and is the fallback for any object this reader does not
 * handle. It maps each pack (*.pack with its v2 *.idx) read-only, resolves
 * OFS_DELTA and same-pack REF_DELTA chains itself with a per-cursor cache of
 * delta bases, and inflates with libdeflate, about twice as fast as zlib.
 */
#ifndef PIRSCAN_PACK_H
#define PIRSCAN_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIR_PACK_NOPOS UINT64_MAX

/* Object types, as in the pack format (and git_object_t). */
enum { PIR_OBJ_COMMIT = 1, PIR_OBJ_TREE = 2, PIR_OBJ_BLOB = 3, PIR_OBJ_TAG = 4 };

typedef struct pir_packset pir_packset;
typedef struct pir_pack_cursor pir_pack_cursor;

/*
 * Map every pack of `pack_dir` (an objects/pack directory) whose index is
 * version 2 and matches its pack. Packs that cannot be mapped are left out:
 * their objects are read through libgit2. No file is kept open; every index
 * stays mapped, but at most `max_mapped` packs' data (0: a default of 64) at
 * a time, the least recently read unmapped to map another, whatever the
 * number of packs. 0, or PIR_ENOMEM.
 */
int pir_packset_open(pir_packset **out, const char *pack_dir, size_t max_mapped);
/* How many packs' data are mapped now (for the tests). */
size_t pir_packset_mapped(pir_packset *ps);
void pir_packset_free(pir_packset *ps);
/*
 * The packs of the folder that cannot be read (an index or pack that cannot
 * be opened or mapped, a pack that does not match its index): libgit2 cannot
 * read them either, so an object it does not find may well be in one. Each
 * is "pack-….pack: why" (or the .idx), valid while the set lives.
 */
size_t pir_packset_bad_count(const pir_packset *ps);
const char *pir_packset_bad(const pir_packset *ps, size_t i);
/*
 * A set of the one pack in these buffers, which the caller keeps (for the
 * fuzzer): empty unless they are a sound index and pack. 0, or PIR_ENOMEM.
 */
int pir_packset_from_buffers(pir_packset **out, const unsigned char *idx, size_t idx_len,
			     const unsigned char *pack, size_t pack_len);

size_t pir_packset_count(const pir_packset *ps);
/* Number of objects in pack `p`, and the id of its `i`th object (index order). */
uint32_t pir_packset_objects(const pir_packset *ps, size_t p);
const unsigned char *pir_packset_id(const pir_packset *ps, size_t p, uint32_t i);
/* Position (pack << 48 | offset) of the `i`th object of pack `p`, or PIR_PACK_NOPOS. */
uint64_t pir_packset_pos(const pir_packset *ps, size_t p, uint32_t i);
/*
 * The index (a file name) of a pack beyond those read here, libgit2's alone,
 * that lists the object with this id, or NULL. With *err set (an errno
 * value) it is the first index that cannot be read now, which may list it.
 * It reads the indexes: for the odd object libgit2 could not find.
 */
const char *pir_packset_find_beyond(const pir_packset *ps, const unsigned char *id, int *err);
/* Position of the object with this 20-byte id in any pack, or PIR_PACK_NOPOS. */
uint64_t pir_packset_find(const pir_packset *ps, const unsigned char *id);

/*
 * Position of the delta base of the entry at `pos` (in the same pack), or
 * PIR_PACK_NOPOS for a whole object, a base in another pack, or damage. It
 * reads the entry's header only: for ordering reads so that each base is
 * read just before what is built on it.
 */
uint64_t pir_packset_base(pir_packset *ps, uint64_t pos);

/*
 * Every read below `pos` is done, bar the odd delta base: let the kernel drop
 * the mapped pages of the packs before it, and of its own pack up to
 * `margin` bytes before it (they stay readable, from the page cache), so
 * that the resident set does not grow with the size of the packs.
 * Safe to call from any thread.
 */
void pir_packset_release_below(pir_packset *ps, uint64_t pos, size_t margin);

/*
 * Let the kernel drop every mapped page of every pack (they stay readable,
 * from the page cache): for a reader that jumps about the packs, such as
 * the tree walk, between its steps. Not while other threads read.
 */
void pir_packset_release_all(pir_packset *ps);

/* A reader for one thread, with its own inflater and delta base cache of `cache_bytes`. */
int pir_pack_cursor_new(pir_pack_cursor **out, pir_packset *ps, size_t cache_bytes);
void pir_pack_cursor_free(pir_pack_cursor *c);

typedef struct {
	const unsigned char *data; /* NULL when the object is over the size limit */
	size_t size;
	int type; /* PIR_OBJ_* */
} pir_pack_object;

/*
 * Read the object at `pos` (its pack mapped again if need be; a pack no
 * longer the one indexed is left to libgit2). 1: read into `*obj` (its data valid until the
 * next call on this cursor; NULL when larger than `max_size`, whose size is
 * then still given); 0: not handled here (a base in another pack, damaged
 * data, an unknown type, a size that cannot be allocated): the caller reads
 * it through libgit2; 2: unreadable, and not to be given to libgit2, which
 * would loop for ever (a delta chain that comes back on itself).
 */
int pir_pack_read(pir_pack_cursor *c, uint64_t pos, size_t max_size, pir_pack_object *obj);

/*
 * Keep the data of an object a cursor gave (pir_pack_read, pir_pack_apply)
 * past the next call, without a copy, until pir_pack_release. Both on the
 * cursor's thread.
 */
const unsigned char *pir_pack_hold(const unsigned char *data);
void pir_pack_release(const unsigned char *data);

/* A delta and the base it applies to, read in full: pir_pack_read_delta. */
typedef struct {
	const unsigned char *base;
	size_t base_len;
	uint64_t base_pos;
	const unsigned char *delta;
	size_t delta_len;
	size_t size; /* of the object the delta makes */
	int type;    /* the base's, so the object's */
} pir_pack_delta;

/*
 * The object at `pos` as its delta and the base it applies to, without
 * applying it: for a reader that can often tell from the delta alone what
 * it needs of the object (blob_delta.c). 1: `*out` filled, valid until the
 * next call on this cursor; 0: the object is not a delta read so (a whole
 * object, one already built and cached, one over `max_size`, a base this
 * reader cannot read): pir_pack_read it.
 */
int pir_pack_read_delta(pir_pack_cursor *c, uint64_t pos, size_t max_size, pir_pack_delta *out);

/*
 * Build the object `d` (from pir_pack_read_delta on this cursor) makes,
 * kept in the delta base cache when `keep` (for objects other reads build
 * on). 1: into `*obj` as pir_pack_read gives it; 0: the delta is malformed
 * (the caller reads the object through libgit2); PIR_ENOMEM.
 */
int pir_pack_apply(pir_pack_cursor *c, const pir_pack_delta *d, bool keep, pir_pack_object *obj);

/* What a cursor did: objects returned, deltas applied, bases found in its cache. */
typedef struct {
	size_t objects, deltas, hits;
} pir_pack_stats;

void pir_pack_cursor_stats(const pir_pack_cursor *c, pir_pack_stats *out);

/*
 * Apply a git delta to `base`. 0 and a malloc'd `*out` (with a NUL after its
 * `*out_len` bytes), 1 when the delta is malformed or does not fit `base`,
 * PIR_ENOMEM. Exposed for the unit tests and the fuzzer.
 */
int pir_delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta,
		    size_t delta_len, unsigned char **out, size_t *out_len);

/* The instructions of a git delta, one at a time, each checked against its base and result. */
typedef struct {
	const unsigned char *p, *end;
	size_t base_len; /* a copy must lie within it */
	size_t left;	 /* of the announced result, what the instructions have not given yet */
} pir_delta_reader;

/*
 * Start reading `delta` over a base of `base_len` bytes: false when it has
 * no readable header or announces another base size. `*result_len`: the
 * size it announces.
 */
bool pir_delta_begin(pir_delta_reader *rd, const unsigned char *delta, size_t len, size_t base_len,
		     size_t *result_len);
/*
 * The next instruction: 1 a copy of base[*off, *off + *n), 2 an insert of
 * data[0, *n), 0 the end (the result complete when `rd->left` is 0), -1 a
 * malformed one, a copy out of the base or more than the announced result.
 */
int pir_delta_next(pir_delta_reader *rd, size_t *off, const unsigned char **data, size_t *n);

#endif
