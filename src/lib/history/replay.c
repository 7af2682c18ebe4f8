/* SPDX-License-Identifier: MIT */
/*
 * The replay: a commit introduces a key when it is added relative to every
 * parent, and removes it when it is removed relative to every parent; due
 * dates moves and status changes of entries are recorded on the way.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "extract.h"
#include "history.h"
#include "map.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "source.h"
/* ---- replay ---- */

/* A due-date move or status change seen against one parent, waiting to be seen against all. */
typedef struct {
	uint32_t key;
	const char *old_due, *new_due;
	bool is_status, closed;
	uint32_t seen; /* parent groups it was seen in */
} due_candidate;

typedef struct {
	uint32_t *a_gen, *r_gen, *c_gen; /* per key: stamps */
	due_candidate *cand;
	size_t ncand, cand_cap;
	uint32_t *a_cnt, *r_cnt;
	const char **rm_path;
	uint32_t *rm_blob;
	uint32_t *touched;
	size_t ntouched, touched_cap;
	uint32_t gen, cgen;
} replay;

static void blob_keys(const pir_repo *r, uint32_t blob, bool yaml, const uint32_t **m, uint32_t *nm,
		      const uint32_t **y, uint32_t *ny)
{
	const pir_blob *b = &r->blobs[blob];
	*m = b->mkeys;
	*nm = b->nmkeys;
	*y = yaml ? b->ykeys : NULL;
	*ny = yaml ? b->nykeys : 0;
}

static int touch(replay *rp, uint32_t k)
{
	if (rp->c_gen[k] == rp->cgen)
		return 0;
	if (pir_grow((void **)&rp->touched, &rp->touched_cap, rp->ntouched + 1,
		     sizeof(*rp->touched)) < 0)
		return PIR_ENOMEM;
	rp->c_gen[k] = rp->cgen;
	rp->a_cnt[k] = rp->r_cnt[k] = 0;
	rp->rm_path[k] = NULL;
	rp->touched[rp->ntouched++] = k;
	return 0;
}

/* Mark keys of one side of a change with the group's stamp. */
static void stamp(const pir_repo *r, replay *rp, uint32_t blob, bool yaml, uint32_t *gen_arr)
{
	const uint32_t *m, *y;
	uint32_t nm, ny;

	if (blob == PIR_MAP_NONE)
		return;
	blob_keys(r, blob, yaml, &m, &nm, &y, &ny);
	for (uint32_t i = 0; i < nm; i++)
		gen_arr[m[i]] = rp->gen;
	for (uint32_t i = 0; i < ny; i++)
		gen_arr[y[i]] = rp->gen;
}

/* Count keys added (old == false: in new, not in old) or removed in this group. */
/*
 * Could not be read (missing, binary, too large) or, for its entries, could
 * not be parsed: what it holds is unknown, which is not the same as empty.
 */
static bool unknown_content(const pir_repo *r, uint32_t blob, bool entries)
{
	const pir_blob *b;

	if (blob == PIR_MAP_NONE)
		return false;
	b = &r->blobs[blob];
	if (b->flags & (PIR_BLOB_MISSING | PIR_BLOB_BINARY | PIR_BLOB_TOOBIG))
		return true;
	return entries && (b->flags & PIR_BLOB_YAML_BROKEN);
}

static int count_side(const pir_repo *r, replay *rp, const pir_change *ch, bool removed,
		      uint32_t *done)
{
	uint32_t blob = removed ? ch->old_blob : ch->new_blob;
	const uint32_t *m, *y;
	uint32_t nm, ny;
	uint32_t *mine = removed ? rp->r_gen : rp->a_gen;
	uint32_t *other = removed ? rp->a_gen : rp->r_gen;

	if (blob == PIR_MAP_NONE)
		return 0;
	blob_keys(r, blob, ch->yaml, &m, &nm, &y, &ny);
	for (uint32_t pass = 0; pass < 2; pass++) {
		const uint32_t *ks = pass ? y : m;
		uint32_t nk = pass ? ny : nm;

		/* a marker or entry is not removed by a version that cannot be read */
		if (removed && unknown_content(r, ch->new_blob, pass == 1))
			continue;
		for (uint32_t i = 0; i < nk; i++) {
			uint32_t k = ks[i];
			if (mine[k] != rp->gen || other[k] == rp->gen || done[k] == rp->gen)
				continue;
			done[k] = rp->gen;
			if (touch(rp, k) < 0)
				return PIR_ENOMEM;
			if (removed) {
				rp->r_cnt[k]++;
				if (!rp->rm_path[k]) {
					rp->rm_path[k] = ch->path;
					rp->rm_blob[k] = blob;
				}
			} else {
				rp->a_cnt[k]++;
			}
		}
	}
	return 0;
}

static bool same_due(const char *a, const char *b)
{
	pir_date x, y;

	if (!a || !b)
		return a == b;
	if (pir_date_parse(&x, a, strlen(a)) == 0 && pir_date_parse(&y, b, strlen(b)) == 0)
		return x == y;
	return strcmp(a, b) == 0;
}

/* Count a candidate event in parent group `group` (new ones only in the first group). */
static int see_candidate(replay *rp, const due_candidate *want, uint32_t group)
{
	size_t c;

	for (c = 0; c < rp->ncand; c++) {
		const due_candidate *x = &rp->cand[c];
		if (x->key == want->key && x->is_status == want->is_status &&
		    (want->is_status ? x->closed == want->closed
				     : same_due(x->new_due, want->new_due)))
			break;
	}
	if (c == rp->ncand) {
		if (group != 0)
			return 0; /* not against the first parent: not this commit's */
		if (pir_grow((void **)&rp->cand, &rp->cand_cap, rp->ncand + 1, sizeof(*rp->cand)) <
		    0)
			return PIR_ENOMEM;
		rp->cand[rp->ncand++] = *want;
	}
	if (rp->cand[c].seen == group)
		rp->cand[c].seen++;
	return 0;
}

/* Due dates and statuses that differ between the old and new version of an action-items file. */
static int collect_due_moves(const pir_repo *r, replay *rp, const pir_change *ch, uint32_t group)
{
	const pir_blob *o, *n;
	uint32_t i = 0, j = 0;

	if (!ch->yaml || ch->old_blob == PIR_MAP_NONE || ch->new_blob == PIR_MAP_NONE)
		return 0;
	o = &r->blobs[ch->old_blob];
	n = &r->blobs[ch->new_blob];
	if (!o->entries || !n->entries)
		return 0;
	while (i < o->nykeys && j < n->nykeys) {
		const pir_entry *eo, *en;
		if (o->ykeys[i] != n->ykeys[j]) {
			o->ykeys[i] < n->ykeys[j] ? i++ : j++;
			continue;
		}
		eo = &o->entries->v[o->yentry[i]];
		en = &n->entries->v[n->yentry[j]];
		if (!same_due(eo->due_raw, en->due_raw)) {
			due_candidate want = {o->ykeys[i], eo->due_raw, en->due_raw,
					      false,	   false,	0};
			if (see_candidate(rp, &want, group) < 0)
				return PIR_ENOMEM;
		}
		if (eo->closed != en->closed) {
			due_candidate want = {o->ykeys[i], NULL, NULL, true, en->closed, 0};
			if (see_candidate(rp, &want, group) < 0)
				return PIR_ENOMEM;
		}
		i++, j++;
	}
	return 0;
}

static int settle_due(pir_repo *r, replay *rp, uint32_t ci, uint32_t groups)
{
	for (size_t c = 0; c < rp->ncand; c++) {
		pir_key *key = &r->keys[rp->cand[c].key];
		if (rp->cand[c].seen != groups)
			continue;
		if (pir_grow((void **)&key->due, &key->due_cap, key->ndue + 1, sizeof(*key->due)) <
		    0)
			return PIR_ENOMEM;
		key->due[key->ndue++] =
		    (pir_due_event){ci, rp->cand[c].old_due, rp->cand[c].new_due,
				    rp->cand[c].is_status, rp->cand[c].closed};
	}
	return 0;
}

static void settle(pir_repo *r, replay *rp, uint32_t ci)
{
	const pir_commit *c = &r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;

	for (size_t t = 0; t < rp->ntouched; t++) {
		uint32_t k = rp->touched[t];
		pir_key *key = &r->keys[k];

		if (rp->a_cnt[k] == groups &&
		    (key->intro_commit == PIR_MAP_NONE || c->time < key->intro_time ||
		     (c->time == key->intro_time && c->topo < key->intro_topo))) {
			key->intro_commit = ci;
			key->intro_time = c->time;
			key->intro_topo = c->topo;
		}
		if (rp->r_cnt[k]) {
			bool strict = rp->r_cnt[k] == groups;
			bool later = key->rm_commit == PIR_MAP_NONE || c->time > key->rm_time ||
				     (c->time == key->rm_time && c->topo > key->rm_topo);
			if ((strict && !key->rm_strict) || (strict == key->rm_strict && later)) {
				key->rm_commit = ci;
				key->rm_time = c->time;
				key->rm_topo = c->topo;
				key->rm_strict = strict;
				key->rm_path = rp->rm_path[k];
				key->rm_blob = rp->rm_blob[k];
			}
		}
	}
}

struct pir_replay {
	pir_repo *r;
	replay rp;
	uint32_t *a_done, *r_done;
};

int pir_replay_new(pir_replay **out, pir_repo *r)
{
	size_t nk = r->keys_pool.n + 1;
	pir_replay *x;

	*out = NULL;
	if (!(x = pir_calloc(1, sizeof(*x))))
		return PIR_ENOMEM;
	x->r = r;
	if (!(x->rp.a_gen = pir_calloc(nk, 4)) || !(x->rp.r_gen = pir_calloc(nk, 4)) ||
	    !(x->rp.c_gen = pir_calloc(nk, 4)) || !(x->rp.a_cnt = pir_calloc(nk, 4)) ||
	    !(x->rp.r_cnt = pir_calloc(nk, 4)) || !(x->rp.rm_blob = pir_calloc(nk, 4)) ||
	    !(x->rp.rm_path = pir_calloc(nk, sizeof(char *))) || !(x->a_done = pir_calloc(nk, 4)) ||
	    !(x->r_done = pir_calloc(nk, 4))) {
		pir_replay_free(x);
		return PIR_ENOMEM;
	}
	*out = x;
	return 0;
}

int pir_replay_commit(pir_replay *x, uint32_t ci, const pir_change *changes, const uint32_t *pstart)
{
	pir_repo *r = x->r;
	replay *rp = &x->rp;
	const pir_commit *c = &r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;
	int err = 0;

	if (!r->keys_pool.n)
		return 0;
	rp->cgen++;
	rp->ntouched = 0;
	rp->ncand = 0;
	for (uint32_t g = 0; g < groups && !err; g++) {
		rp->gen++;
		for (uint32_t k = pstart[g]; k < pstart[g + 1]; k++) {
			stamp(r, rp, changes[k].new_blob, changes[k].yaml, rp->a_gen);
			stamp(r, rp, changes[k].old_blob, changes[k].yaml, rp->r_gen);
		}
		for (uint32_t k = pstart[g]; k < pstart[g + 1] && !err; k++) {
			err = count_side(r, rp, &changes[k], false, x->a_done);
			if (!err)
				err = count_side(r, rp, &changes[k], true, x->r_done);
			if (!err)
				err = collect_due_moves(r, rp, &changes[k], g);
		}
	}
	if (!err)
		settle(r, rp, ci);
	if (!err)
		err = settle_due(r, rp, ci, groups);
	return err;
}

int pir_replay_finish(pir_replay *x)
{
	(void)x;
	return 0;
}

void pir_replay_free(pir_replay *x)
{
	if (!x)
		return;
	free(x->rp.a_gen);
	free(x->rp.r_gen);
	free(x->rp.c_gen);
	free(x->rp.a_cnt);
	free(x->rp.r_cnt);
	free(x->rp.rm_blob);
	free(x->rp.rm_path);
	free(x->rp.touched);
	free(x->rp.cand);
	free(x->a_done);
	free(x->r_done);
	free(x);
}

int pir_history_replay(pir_repo *r)
{
	pir_replay *x = NULL;
	int err;

	if (!r->keys_pool.n)
		return 0;
	if ((err = pir_replay_new(&x, r)) < 0)
		return err;
	for (size_t t = 0; t < r->ncommits && !err; t++) {
		uint32_t ci = r->topo_order[t];
		err = pir_replay_commit(x, ci, r->commits[ci].changes, r->commits[ci].pstart);
	}
	if (!err)
		err = pir_replay_finish(x);
	pir_replay_free(x);
	return err;
}
