/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of the pack reader share: the mapped packs and their
 * set (pack.c: indexes, lookups, maps) and what reading an entry takes from
 * them (pack_read.c: entries, deltas, the cursor and its cache).
 */
#ifndef PIRSCAN_PACK_INT_H
#define PIRSCAN_PACK_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

#define ID_LEN 20

typedef struct {
	const unsigned char *idx, *ids, *off32, *off64, *off64_end;
	size_t idx_len;
	uint32_t n;
	const unsigned char *data; /* the .pack file; NULL while not mapped (ps->lock) */
	size_t len;		   /* up to its trailing checksum */
	size_t map_len;
	char *path;    /* the .pack file, to map it again */
	unsigned pins; /* reads under way (ps->lock) */
	uint64_t used; /* when last pinned: the LRU order (ps->lock) */
} pack;

struct pir_packset {
	pack *v;
	size_t n, cap;
	bool borrowed; /* the caller's buffers: neither mapped nor released here */
	char **bad;    /* "pack-X.pack: why" for each pack that cannot be read */
	size_t nbad, bad_cap;
	char **beyond; /* the indexes of the packs beyond MAX_PACKS, libgit2's alone */
	size_t nbeyond, beyond_cap;
	pthread_mutex_t lock; /* the data maps, their pins and the LRU */
	size_t mapped, max_mapped;
	uint64_t tick;
};

/* Keep pack p's data mapped (mapping it again if need be) until unpin; false when it cannot be. */
bool pir_packset_pin(pir_packset *ps, size_t p);
void pir_packset_unpin(pir_packset *ps, size_t p);
/* Offset in `pk` of the object with this 20-byte id, or PIR_PACK_NOPOS. */
uint64_t pir_pack_find_id(const pack *pk, const unsigned char *id);

#endif
