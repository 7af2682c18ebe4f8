/* SPDX-License-Identifier: MIT */
/*
 * What the replay's files share: copy-on-write tables (tab.c), the state of
 * a commit that its children start from.
 */
#ifndef PIRSCAN_REPLAY_INT_H
#define PIRSCAN_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "history.h"

/*
 * A file of a commit's tree that holds markers or entries: its last readable
 * versions (a version that cannot be read removes nothing) and, for each
 * marker of mblob, the lineage it belongs to. Shared between the states of
 * every commit that holds it; never changed once shared.
 */
typedef struct {
	uint32_t refs;
	uint32_t born;	/* the commit that made it: it may change until that one is done */
	uint32_t mblob; /* markers from this version, PIR_MAP_NONE for none */
	uint32_t yblob; /* entries from this version, PIR_MAP_NONE for none */
	uint32_t nm;	/* the markers of mblob */
	uint32_t lin[]; /* per marker: its lineage */
} pir_rec;

/*
 * A table from a dense index to a value, in chunks that states share until
 * one of them writes: a child's state costs only what it changed. Either of
 * records (values are pir_rec pointers, held) or of counts. NULL is empty.
 */
typedef struct pir_tab pir_tab;

uintptr_t pir_tab_get(const pir_tab *t, uint32_t i);
/* Set slot `i` of `*t` (made unique first) to `v`; a record table holds `v` and lets the old one
 * go. */
int pir_tab_set(pir_tab **t, bool records, uint32_t i, uintptr_t v);
pir_tab *pir_tab_hold(pir_tab *t);
void pir_tab_release(pir_tab *t, bool records);
/* Every record of the table, for `fn`. */
void pir_tab_each(const pir_tab *t, void (*fn)(void *payload, uint32_t i, const pir_rec *rec),
		  void *payload);

pir_rec *pir_rec_new(uint32_t born, uint32_t mblob, uint32_t yblob, uint32_t nm);
void pir_rec_release(pir_rec *rec);

/* ages.c: a lineage, the marker locations that descend from one arrival. */
typedef struct {
	uint32_t intro; /* the commit it arrived in */
	uint32_t up;	/* union-find: lineages that met in one location of a merge */
	uint32_t rm;	/* the commit that removed it, PIR_MAP_NONE */
	uint32_t rm_path, rm_blob, rm_marker;
	bool rm_strict;
	bool live; /* a root whose class is in the scanned tree */
} lineage;

struct pir_ages {
	pir_strpool paths;
	pir_tab *head; /* the scanned commit's files */
	lineage *lin;
	size_t nlin, lin_cap;
	pir_marker_gone *gone;
	size_t ngone;
};

/* Is commit `a` earlier than `b` (by time, then topological order)? Anything is before none. */
bool pir_commit_before(const pir_repo *r, uint32_t a, uint32_t b);
/* Should a removal by `ci` (strict: against every parent) replace the one recorded? */
bool pir_rm_better(const pir_repo *r, uint32_t ci, bool strict, uint32_t cur, bool cur_strict);
uint32_t pir_lin_find(lineage *lin, uint32_t l);
/* With a->head set: mark the lineages in it, list the resolved ones. */
int pir_ages_settle(pir_ages *a, const pir_repo *r);

/* due.c */
/* A due-date move or status change seen against one parent, waiting to be seen against all. */
typedef struct {
	uint32_t key;
	const char *old_due, *new_due;
	bool is_status, closed;
	uint32_t seen; /* parent groups it was seen in */
} due_candidate;

/* Candidates of one commit. */
typedef struct {
	due_candidate *cand;
	size_t n, cap;
} pir_due_set;
/* Due dates and statuses that differ between the old and new version of an action-items file. */
int pir_due_collect(pir_due_set *ds, const pir_repo *r, const pir_change *ch, uint32_t group);
/* Record, in r->keys, the candidates seen against every one of `groups` parents. */
int pir_due_settle(const pir_due_set *ds, pir_repo *r, uint32_t ci, uint32_t groups);

#endif
