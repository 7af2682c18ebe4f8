/* SPDX-License-Identifier: MIT */
/* Open-addressing hash maps and an arena, private to libpirscan. */
#ifndef PIRSCAN_MAP_H
#define PIRSCAN_MAP_H

#include <stddef.h>
#include <stdint.h>

#include <git2/oid.h>

#include "arena.h"

#define PIR_MAP_NONE UINT32_MAX

/** git_oid -> uint32 index. Not thread-safe. */
typedef struct {
	git_oid *keys;
	uint32_t *vals;
	size_t cap, n;
} pir_oidmap;

/** The value stored for `oid`, or PIR_MAP_NONE. */
uint32_t pir_oidmap_get(const pir_oidmap *m, const git_oid *oid);
/** Insert `oid` -> `val` unless present; `*out` gets the stored value. 0 or PIR_ENOMEM. */
int pir_oidmap_put(pir_oidmap *m, const git_oid *oid, uint32_t val, uint32_t *out);
void pir_oidmap_dispose(pir_oidmap *m);

/**
 * Indices into an array the caller keeps, found by the git_oid at the start
 * of each element (`stride` bytes apart from `base`, which may move between
 * calls): a quarter of a pir_oidmap's memory when the array holds the ids
 * anyway. Not thread-safe.
 */
typedef struct {
	uint64_t *slots; /* 0 free, else the id's low hash bits << 32 | (index + 1) */
	size_t cap, n;
} pir_oidset;

/** The index of the element whose id is `oid`, or PIR_MAP_NONE. */
uint32_t pir_oidset_get(const pir_oidset *s, const void *base, size_t stride, const git_oid *oid);
/** Add element `idx` (below PIR_MAP_NONE - 1), whose id is not in the set. 0 or PIR_ENOMEM. */
int pir_oidset_add(pir_oidset *s, const void *base, size_t stride, uint32_t idx);
void pir_oidset_dispose(pir_oidset *s);

/** Interned strings: equal strings get one copy and one index. */
typedef struct {
	pir_arena arena;
	const char **strs; /* by index */
	size_t n, strs_cap;
	uint32_t *slots; /* index + 1, 0 = empty */
	uint32_t *hashes;
	size_t cap;
} pir_strpool;

/** Intern `s` (`len` bytes); `*out` gets its index. 0 or PIR_ENOMEM. */
int pir_strpool_intern(pir_strpool *p, const char *s, size_t len, uint32_t *out);
/** The index of `s`, or PIR_MAP_NONE. */
uint32_t pir_strpool_find(const pir_strpool *p, const char *s, size_t len);
void pir_strpool_dispose(pir_strpool *p);

#endif
