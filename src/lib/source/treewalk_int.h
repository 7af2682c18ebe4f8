/* SPDX-License-Identifier: MIT */
/* treewalk.c's trees and projections, shared with treewalk_diff.c (step 3). */
#ifndef PIRSCAN_TREEWALK_INT_H
#define PIRSCAN_TREEWALK_INT_H

#include <stdint.h>

#include <git2.h>

#include "map.h"

/* Projections rebuilt and kept (a tree's base is mostly one made just before). */
#define PROJ_CACHE_SLOTS 1024

enum { ENT_TREE, ENT_FILE, ENT_OTHER }; /* subtree; blob file (normal, executable); symlink */
enum { OP_DEL, OP_ADD };
enum { T_MADE = 1, T_MISSING = 2, T_FULL = 4 };

typedef struct {
	uint32_t name;	 /* in names */
	uint32_t target; /* tree or blob index (OP_ADD and projections) */
	uint8_t cls;
	uint8_t op;
} tent;

/* After step 2: rstart, rn place the projection (T_FULL) or delta in proj; base, canonical. */
typedef struct {
	uint32_t base;	     /* the tree it replaced when first met, or PIR_MAP_NONE */
	uint32_t rstart, rn; /* its record in rec */
	uint32_t pn, canon;  /* its projection's size; its canonical id */
	uint8_t flags;
	uint8_t depth; /* deltas since one in full */
} tnode;

typedef struct {
	tent *v;
	size_t n, cap;
} tents;

typedef struct {
	uint32_t id1; /* the tree + 1; 0: empty */
	tents e;
} pslot;

struct pir_trees {
	tnode *v;
	size_t n, cap;
	git_oid *oids; /* by index, during the walk (with map) */
	size_t oids_cap;
	pir_oidset map; /* over oids */
	pir_strpool names;
	uint32_t *rank; /* from step 2: rank[2 * name + is a subtree], in git's order */
	tent *rec, *proj;
	size_t nrec, rec_cap, nproj, proj_cap;
	uint32_t *order; /* trees in the order they were made */
	size_t norder, order_cap;
	size_t pre_blobs; /* blobs interned before the walk (scanned tree, changed-since) */
	uint32_t *first_ci, *first_seq; /* per blob of unknown content: where first seen */
	const char **first_path;
	pslot *cache;
	tents scratch, out, delta;
};

/* Entries in git's order, by rank (rank_names in step 2): equal ranks, equal names. */
static inline int tent_cmp(const struct pir_trees *t, const tent *a, const tent *b)
{
	uint32_t x = t->rank[2 * a->name + (a->cls == ENT_TREE)];
	uint32_t y = t->rank[2 * b->name + (b->cls == ENT_TREE)];

	return x < y ? -1 : x > y;
}

/* Canonical tree c's projection (step 2): `*out`, `*n`, valid until the next call. */
int pir_trees_proj(struct pir_trees *t, uint32_t c, const tent **out, uint32_t *n);

#endif
