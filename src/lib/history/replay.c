/* SPDX-License-Identifier: MIT */
/*
 * The replay: commit by commit, parents first, what each commit's tree holds
 * and since when (docs/format.md, "Dates").
 *
 * 1. A commit's state is its files that hold a marker or an entry: for each,
 *    its last readable version and, for each marker, its lineage (the
 *    arrival it descends from). It starts as its first parent's, shared
 *    chunk by chunk (tab.c), and takes the changes against that parent; a
 *    commit that changes nothing keyed shares its parent's state outright. A
 *    state is freed when the last child of its commit has been replayed.
 * 2. A marker location is the j-th occurrence of its text in its file. Each
 *    location of a changed file takes, of the parents that hold it, the
 *    lineage with the earliest arrival; one that no parent holds arrives.
 * 3. A location some parent holds and this commit does not departs. An
 *    arrival of the same text in the same commit takes a departing lineage
 *    (a move: rename, move, cut and paste); unpaired, it starts a lineage of
 *    its own (a copy while the original stays is new), and an unpaired
 *    departure removes its lineage: against every parent it was in (strict),
 *    or, for a merge, against some.
 * 4. An entry's ID is one identity across the repository: the state counts
 *    the files that define it, so it arrives when no parent's tree holds it
 *    and leaves when this tree holds it no more. Its due-date moves and
 *    status changes count when seen against every parent.
 * 5. A version that cannot be read (missing, binary, too large, or for its
 *    entries broken YAML) removes nothing: the file keeps the last version
 *    that could.
 * At the end, the scanned commit's state says each live marker's
 * introduction, and each lineage removed and not in it is a resolved location.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "extract.h"
#include "history.h"
#include "map.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "replay_int.h"
#include "source.h"

/* A blob's markers by (key, occurrence): what matches one version's location in another. */
typedef struct {
	uint32_t n, self;    /* its markers, its blob */
	uint32_t *key, *occ; /* per marker */
	uint32_t *order;     /* marker indices sorted by (key, occ) */
} occ_index;

typedef struct {
	uint32_t key, pid, k;
	pir_rec *rec;
} arrival;

typedef struct {
	uint32_t key, occ, pid, m, blob, lin, group;
	bool strict, used;
} departure;

struct pir_replay {
	pir_repo *r;
	pir_ages *ages;
	uint32_t head;	  /* the scanned commit, PIR_MAP_NONE if not in the walk */
	uint32_t *nchild; /* per commit: children not yet replayed */
	pir_tab **files;  /* per commit: pid -> pir_rec */
	pir_tab **counts; /* per commit: entry key -> files defining it */
	occ_index **occ;  /* per blob, made when first needed */
	/* one commit's scratch */
	const pir_tab **pf, **pc; /* its parents' tables */
	size_t pcap;
	uint32_t *pstamp; /* per path id: the commit that listed it last, + 1 */
	size_t pstamp_cap;
	uint32_t *pids;
	size_t npids, pids_cap;
	uint32_t *ystamp; /* per key */
	uint32_t *vblobs; /* a path's action-items versions: the commit's, each parent's */
	size_t vblobs_cap;
	arrival *arr;
	size_t narr, arr_cap;
	departure *dep, *tmp;
	size_t ndep, dep_cap, ntmp, tmp_cap;
	uint32_t *lbuf;
	size_t lbuf_cap;
	pir_due_set due;
};

/* ---- commits, lineages ---- */

static int lin_new(pir_replay *rp, uint32_t ci, uint32_t *out)
{
	pir_ages *a = rp->ages;
	lineage *l;

	if (a->nlin >= PIR_MAP_NONE - 1 ||
	    pir_grow((void **)&a->lin, &a->lin_cap, a->nlin + 1, sizeof(*a->lin)) < 0)
		return PIR_ENOMEM;
	l = &a->lin[a->nlin];
	memset(l, 0, sizeof(*l));
	l->intro = ci;
	l->up = (uint32_t)a->nlin;
	l->rm = l->rm_path = l->rm_blob = l->rm_marker = PIR_MAP_NONE;
	*out = (uint32_t)a->nlin++;
	return 0;
}

/* ---- what a version holds ---- */

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

typedef struct {
	uint32_t key, idx;
} key_idx;

static int cmp_key_idx(const void *a, const void *b)
{
	const key_idx *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Blob `blob`'s occurrence index (NULL without markers, or on failure with *err set). */
static const occ_index *occ_get(pir_replay *rp, uint32_t blob, int *err)
{
	const pir_marker_list *ml;
	occ_index *oi;
	key_idx *ki;

	if (blob == PIR_MAP_NONE || !(ml = pir_blob_markers(&rp->r->blobs[blob]))->n)
		return NULL;
	if (rp->occ[blob])
		return rp->occ[blob];
	oi = pir_malloc(sizeof(*oi) + 3 * ml->n * sizeof(uint32_t));
	ki = pir_malloc(ml->n * sizeof(*ki));
	if (!oi || !ki) {
		free(oi);
		free(ki);
		*err = PIR_ENOMEM;
		return NULL;
	}
	oi->n = (uint32_t)ml->n;
	oi->self = blob;
	oi->key = (uint32_t *)(oi + 1);
	oi->occ = oi->key + oi->n;
	oi->order = oi->occ + oi->n;
	for (uint32_t k = 0; k < oi->n; k++) {
		ki[k].key = oi->key[k] = pir_key_find(rp->r, PIR_KEY_MARKER, ml->v[k].text);
		ki[k].idx = k;
	}
	qsort(ki, oi->n, sizeof(*ki), cmp_key_idx);
	for (uint32_t s = 0; s < oi->n; s++) {
		oi->order[s] = ki[s].idx;
		oi->occ[ki[s].idx] =
		    s && ki[s - 1].key == ki[s].key ? oi->occ[ki[s - 1].idx] + 1 : 0;
	}
	free(ki);
	return rp->occ[blob] = oi;
}

/* The marker of `oi` that is occurrence `occ` of key `key`, PIR_MAP_NONE if none. */
static uint32_t occ_find(const occ_index *oi, uint32_t key, uint32_t occ)
{
	size_t lo = 0, hi = oi ? oi->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = oi->order[mid];
		if (oi->key[m] < key || (oi->key[m] == key && oi->occ[m] < occ))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < (oi ? oi->n : 0)) {
		uint32_t m = oi->order[lo];
		if (oi->key[m] == key && oi->occ[m] == occ)
			return m;
	}
	return PIR_MAP_NONE;
}

/* ---- one commit: its files ---- */

static int list_path(pir_replay *rp, uint32_t ci, const char *path, uint32_t *pid)
{
	size_t cap = rp->pstamp_cap;

	if (pir_strpool_intern(&rp->ages->paths, path, strlen(path), pid) < 0 ||
	    pir_grow((void **)&rp->pstamp, &rp->pstamp_cap, *pid + 1, sizeof(uint32_t)) < 0)
		return PIR_ENOMEM;
	if (rp->pstamp_cap > cap)
		memset(rp->pstamp + cap, 0, (rp->pstamp_cap - cap) * sizeof(uint32_t));
	if (rp->pstamp[*pid] == ci + 1)
		return 0;
	rp->pstamp[*pid] = ci + 1;
	if (pir_grow((void **)&rp->pids, &rp->pids_cap, rp->npids + 1, sizeof(uint32_t)) < 0)
		return PIR_ENOMEM;
	rp->pids[rp->npids++] = *pid;
	return 0;
}

/* Count the files defining each entry ID of `blob` up (+1) or down (-1). */
static int count_ids(const pir_repo *r, pir_tab **counts, uint32_t blob, int delta)
{
	pir_ykeys_it it;
	int err = 0;

	if (blob == PIR_MAP_NONE)
		return 0;
	pir_ykeys_begin(&it, &r->blobs[blob]);
	while (!err && pir_ykeys_next(&it)) {
		uintptr_t n = pir_tab_get(*counts, it.key);
		err = pir_tab_set(counts, false, it.key, delta > 0 ? n + 1 : n ? n - 1 : 0);
	}
	return err;
}

/*
 * A file's version going from old_y to yblob: each ID's count of files down
 * for the IDs only old_y holds, up for those only yblob holds, as counting
 * all of old_y down then all of yblob up would leave them, without a write
 * (and the copy of its part of the table) for every ID both hold. The keys
 * are sorted and unique (pir_keys_renumber).
 */
static int count_change(const pir_repo *r, pir_tab **counts, uint32_t old_y, uint32_t yblob)
{
	pir_ykeys_it i, j;
	bool mi, mj;
	int err = 0;

	if (old_y == PIR_MAP_NONE || yblob == PIR_MAP_NONE) {
		if ((err = count_ids(r, counts, old_y, -1)) == 0)
			err = count_ids(r, counts, yblob, 1);
		return err;
	}
	pir_ykeys_begin(&i, &r->blobs[old_y]);
	pir_ykeys_begin(&j, &r->blobs[yblob]);
	mi = pir_ykeys_next(&i);
	mj = pir_ykeys_next(&j);
	while (!err && (mi || mj)) {
		uintptr_t n;
		if (mi && (!mj || i.key < j.key)) {
			n = pir_tab_get(*counts, i.key);
			err = pir_tab_set(counts, false, i.key, n ? n - 1 : 0);
			mi = pir_ykeys_next(&i);
		} else if (!mi || j.key < i.key) {
			n = pir_tab_get(*counts, j.key);
			err = pir_tab_set(counts, false, j.key, n + 1);
			mj = pir_ykeys_next(&j);
		} else {
			if (!pir_tab_get(*counts, i.key)) /* down to none, then up */
				err = pir_tab_set(counts, false, i.key, 1);
			mi = pir_ykeys_next(&i);
			mj = pir_ykeys_next(&j);
		}
	}
	return err;
}

/* Change `ch` against the first parent, onto the commit's state. */
static int apply_change(pir_replay *rp, uint32_t ci, const pir_change *ch, pir_tab **files,
			pir_tab **counts, uint32_t pid)
{
	const pir_repo *r = rp->r;
	const pir_rec *old = (const pir_rec *)pir_tab_get(*files, pid);
	uint32_t mblob = ch->new_blob, yblob = ch->yaml ? ch->new_blob : PIR_MAP_NONE;
	uint32_t old_y = old ? old->yblob : PIR_MAP_NONE;
	pir_rec *rec = NULL;
	int err;

	if (unknown_content(r, mblob, false))
		mblob = old ? old->mblob : PIR_MAP_NONE;
	else if (mblob != PIR_MAP_NONE && !pir_blob_markers(&r->blobs[mblob])->n)
		mblob = PIR_MAP_NONE;
	if (unknown_content(r, yblob, true))
		yblob = old_y;
	else if (yblob != PIR_MAP_NONE && !r->blobs[yblob].nykeys)
		yblob = PIR_MAP_NONE;
	if (yblob != old_y && (err = count_change(r, counts, old_y, yblob)) < 0)
		return err;
	if (mblob != PIR_MAP_NONE || yblob != PIR_MAP_NONE) {
		uint32_t nm =
		    mblob == PIR_MAP_NONE ? 0 : (uint32_t)pir_blob_markers(&r->blobs[mblob])->n;
		if (!(rec = pir_rec_new(ci, mblob, yblob, nm)))
			return PIR_ENOMEM;
	}
	err = pir_tab_set(files, true, pid, (uintptr_t)rec);
	pir_rec_release(rec);
	return err;
}

/* ---- one commit: markers ---- */

static int cmp_departure(const void *a, const void *b)
{
	const departure *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->occ != y->occ)
		return x->occ < y->occ ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

/* The locations of parent `g`'s version of file `pid` that `rec` does not hold, into tmp. */
static int collect_gone(pir_replay *rp, uint32_t pid, uint32_t g, const pir_rec *pr,
			const occ_index *now)
{
	int err = 0;
	const occ_index *was = pr->mblob == (now ? now->self : PIR_MAP_NONE)
				   ? NULL /* the same version: nothing leaves */
				   : occ_get(rp, pr->mblob, &err);

	for (uint32_t m = 0; was && m < was->n; m++) {
		departure *d;
		if (occ_find(now, was->key[m], was->occ[m]) != PIR_MAP_NONE)
			continue;
		if (pir_grow((void **)&rp->tmp, &rp->tmp_cap, rp->ntmp + 1, sizeof(*rp->tmp)) < 0)
			return PIR_ENOMEM;
		d = &rp->tmp[rp->ntmp++];
		*d = (departure){was->key[m], was->occ[m], pid,	  m,	pr->mblob,
				 pr->lin[m],  g,	   false, false};
	}
	return err;
}

/* Departures of one file, one per location (tmp, sorted): strict when every parent held it. */
static int settle_gone(pir_replay *rp, uint32_t groups)
{
	lineage *lin = rp->ages->lin;

	if (!rp->ntmp)
		return 0;
	qsort(rp->tmp, rp->ntmp, sizeof(*rp->tmp), cmp_departure);
	for (size_t i = 0; i < rp->ntmp;) {
		size_t j = i, best = i;
		uint32_t seen = 0;
		for (; j < rp->ntmp && rp->tmp[j].key == rp->tmp[i].key &&
		       rp->tmp[j].occ == rp->tmp[i].occ;
		     j++) {
			seen += j == i || rp->tmp[j].group != rp->tmp[j - 1].group;
			if (pir_commit_before(rp->r, lin[rp->tmp[j].lin].intro,
					      lin[rp->tmp[best].lin].intro))
				best = j;
		}
		if (pir_grow((void **)&rp->dep, &rp->dep_cap, rp->ndep + 1, sizeof(*rp->dep)) < 0)
			return PIR_ENOMEM;
		rp->dep[rp->ndep] = rp->tmp[best];
		rp->dep[rp->ndep++].strict = seen == groups;
		i = j;
	}
	rp->ntmp = 0;
	return 0;
}

/*
 * For each marker of file `pid` now, the earliest lineage among the parents
 * that hold its location (lbuf; PIR_MAP_NONE: it arrives); lineages that meet
 * in it become one for being in the scanned tree.
 */
static int inherit(pir_replay *rp, const pir_rec *rec, const occ_index *now, uint32_t groups,
		   uint32_t pid)
{
	lineage *lin = rp->ages->lin;
	int err = 0;

	if (pir_grow((void **)&rp->lbuf, &rp->lbuf_cap, rec->nm + 1, sizeof(uint32_t)) < 0)
		return PIR_ENOMEM;
	for (uint32_t k = 0; k < rec->nm; k++)
		rp->lbuf[k] = PIR_MAP_NONE;
	for (uint32_t g = 0; g < groups && !err; g++) {
		const pir_rec *pr = (const pir_rec *)pir_tab_get(rp->pf[g], pid);
		const occ_index *was = pr ? occ_get(rp, pr->mblob, &err) : NULL;
		for (uint32_t k = 0; was && k < rec->nm; k++) {
			uint32_t m = was == now ? k : occ_find(was, now->key[k], now->occ[k]), l,
				 *cur = &rp->lbuf[k];
			if (m == PIR_MAP_NONE)
				continue;
			l = pr->lin[m];
			if (*cur != PIR_MAP_NONE && *cur != l)
				lin[pir_lin_find(lin, l)].up = pir_lin_find(lin, *cur);
			if (*cur == PIR_MAP_NONE ||
			    pir_commit_before(rp->r, lin[l].intro, lin[*cur].intro))
				*cur = l;
		}
	}
	return err;
}

/* Write lbuf into file `pid`'s record, a new one unless this commit made it; note arrivals. */
static int take_lineages(pir_replay *rp, uint32_t ci, pir_tab **files, uint32_t pid, pir_rec *rec)
{
	int err = 0;

	if (rec->born != ci && memcmp(rec->lin, rp->lbuf, rec->nm * sizeof(uint32_t)) != 0) {
		pir_rec *nr = pir_rec_new(ci, rec->mblob, rec->yblob, rec->nm);
		if (!nr)
			return PIR_ENOMEM;
		err = pir_tab_set(files, true, pid, (uintptr_t)nr);
		pir_rec_release(nr);
		rec = nr;
	}
	if (rec->born != ci)
		return err;
	for (uint32_t k = 0; k < rec->nm && !err; k++) {
		rec->lin[k] = rp->lbuf[k];
		if (rp->lbuf[k] != PIR_MAP_NONE)
			continue;
		if (pir_grow((void **)&rp->arr, &rp->arr_cap, rp->narr + 1, sizeof(*rp->arr)) < 0)
			return PIR_ENOMEM;
		rp->arr[rp->narr++] = (arrival){0, pid, k, rec};
	}
	return err;
}

/* File `pid`'s markers: inherited, arriving or departing. */
static int replay_markers(pir_replay *rp, uint32_t ci, pir_tab **files, uint32_t groups,
			  uint32_t pid)
{
	pir_rec *rec = (pir_rec *)pir_tab_get(*files, pid);
	int err = 0;
	const occ_index *now = rec ? occ_get(rp, rec->mblob, &err) : NULL;
	size_t first = rp->narr;

	if (err)
		return err;
	for (uint32_t g = 0; g < groups && !err; g++) {
		const pir_rec *pr = (const pir_rec *)pir_tab_get(rp->pf[g], pid);
		if (pr)
			err = collect_gone(rp, pid, g, pr, now);
	}
	if (!err)
		err = settle_gone(rp, groups);
	if (!err && now)
		err = inherit(rp, rec, now, groups, pid);
	if (!err && now)
		err = take_lineages(rp, ci, files, pid, rec);
	for (size_t a = first; a < rp->narr; a++)
		rp->arr[a].key = now->key[rp->arr[a].k];
	return err;
}

static int cmp_arrival(const void *a, const void *b)
{
	const arrival *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static int cmp_move(const void *a, const void *b)
{
	const departure *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->strict != y->strict)
		return x->strict ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->m < y->m ? -1 : x->m > y->m;
}

/*
 * Pair arrivals with departures of the same text (a[0..na), d[0..nd)): first
 * a file moved whole (the same version), then in path order.
 */
static void pair_moves(arrival *a, size_t na, departure *d, size_t nd)
{
	size_t j = 0;

	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nd; k++)
			if (!d[k].used && d[k].blob == a[i].rec->mblob && d[k].m == a[i].k) {
				a[i].rec->lin[a[i].k] = d[k].lin;
				d[k].used = true;
				break;
			}
	for (size_t i = 0; i < na; i++) {
		if (a[i].rec->lin[a[i].k] != PIR_MAP_NONE)
			continue;
		while (j < nd && d[j].used)
			j++;
		if (j == nd)
			return;
		a[i].rec->lin[a[i].k] = d[j].lin;
		d[j++].used = true;
	}
}

/* Moves, new lineages for what arrived from nowhere, removals for what went nowhere. */
static int settle_markers(pir_replay *rp, uint32_t ci)
{
	size_t i = 0, j = 0;
	int err = 0;

	if (rp->narr)
		qsort(rp->arr, rp->narr, sizeof(*rp->arr), cmp_arrival);
	if (rp->ndep)
		qsort(rp->dep, rp->ndep, sizeof(*rp->dep), cmp_move);
	while (i < rp->narr && j < rp->ndep) {
		size_t ie = i, je = j;
		if (rp->arr[i].key != rp->dep[j].key) {
			rp->arr[i].key < rp->dep[j].key ? i++ : j++;
			continue;
		}
		while (ie < rp->narr && rp->arr[ie].key == rp->arr[i].key)
			ie++;
		while (je < rp->ndep && rp->dep[je].key == rp->dep[j].key)
			je++;
		pair_moves(rp->arr + i, ie - i, rp->dep + j, je - j);
		i = ie;
		j = je;
	}
	for (i = 0; i < rp->narr && !err; i++)
		if (rp->arr[i].rec->lin[rp->arr[i].k] == PIR_MAP_NONE)
			err = lin_new(rp, ci, &rp->arr[i].rec->lin[rp->arr[i].k]);
	for (j = 0; j < rp->ndep && !err; j++) {
		const departure *d = &rp->dep[j];
		lineage *l = &rp->ages->lin[d->lin];
		if (d->used || !pir_rm_better(rp->r, ci, d->strict, l->rm, l->rm_strict))
			continue;
		l->rm = ci;
		l->rm_strict = d->strict;
		l->rm_path = d->pid;
		l->rm_blob = d->blob;
		l->rm_marker = d->m;
	}
	return err;
}

/* ---- one commit: entries ---- */

static void entry_intro(pir_repo *r, uint32_t k, uint32_t ci)
{
	pir_key *key = &r->keys[k];

	if (!pir_commit_before(r, ci, key->intro_commit))
		return;
	key->intro_commit = ci;
	key->intro_time = r->commits[ci].time;
	key->intro_topo = r->commits[ci].topo;
}

static void entry_rm(pir_replay *rp, uint32_t k, uint32_t ci, bool strict, uint32_t pid,
		     uint32_t blob)
{
	pir_repo *r = rp->r;
	pir_key *key = &r->keys[k];

	if (!pir_rm_better(r, ci, strict, key->rm_commit, key->rm_strict))
		return;
	key->rm_commit = ci;
	key->rm_time = r->commits[ci].time;
	key->rm_topo = r->commits[ci].topo;
	key->rm_strict = strict;
	key->rm_path = rp->ages->paths.strs[pid];
	key->rm_blob = blob;
}

/* Entry ID k, met in `blob` (a version of file `pid`): arrived in this tree, or gone from it. */
static void replay_id(pir_replay *rp, uint32_t ci, const pir_tab *counts, uint32_t groups,
		      uint32_t pid, uint32_t k, uint32_t blob)
{
	uint32_t held = 0;
	bool now;

	if (rp->ystamp[k] == ci + 1)
		return;
	rp->ystamp[k] = ci + 1;
	now = pir_tab_get(counts, k) != 0;
	for (uint32_t g = 0; g < groups; g++)
		held += pir_tab_get(rp->pc[g], k) != 0;
	if (now && !held)
		entry_intro(rp->r, k, ci);
	else if (!now && held)
		entry_rm(rp, k, ci, held == groups, pid, blob);
}

/* Every entry ID of `blob`. */
static void replay_ids(pir_replay *rp, uint32_t ci, const pir_tab *counts, uint32_t groups,
		       uint32_t pid, uint32_t blob)
{
	pir_ykeys_it it;

	if (blob == PIR_MAP_NONE)
		return;
	pir_ykeys_begin(&it, &rp->r->blobs[blob]);
	while (pir_ykeys_next(&it))
		replay_id(rp, ci, counts, groups, pid, it.key, blob);
}

/* Versions merged at once by replay_path_ids; more go one by one. */
#define IDS_MERGE 8

/*
 * The entry IDs of file `pid`'s versions, the commit's (blobs[0]) then each
 * parent's, as replay_ids over each in that order, but an ID every version
 * holds is passed by: held now and by every parent, it arrived and went
 * nowhere. A version's keys are sorted and unique (pir_keys_renumber, as
 * pir_due_collect relies on too), so one merge of the lists finds those, and
 * names each other ID's first version as the versions in order would.
 */
static void replay_path_ids(pir_replay *rp, uint32_t ci, const pir_tab *counts, uint32_t groups,
			    uint32_t pid, const uint32_t *blobs)
{
	uint32_t nl = groups + 1;
	bool merge = nl <= IDS_MERGE, one = blobs[0] != PIR_MAP_NONE;
	pir_ykeys_it it[IDS_MERGE];
	bool more[IDS_MERGE];

	for (uint32_t l = 0; l < nl; l++) {
		merge = merge && blobs[l] != PIR_MAP_NONE; /* else no ID is in every version */
		one = one && blobs[l] == blobs[0];
	}
	if (one)
		return; /* one version, in the commit and every parent */
	if (!merge) {
		for (uint32_t l = 0; l < nl; l++)
			replay_ids(rp, ci, counts, groups, pid, blobs[l]);
		return;
	}
	for (uint32_t l = 0; l < nl; l++) {
		pir_ykeys_begin(&it[l], &rp->r->blobs[blobs[l]]);
		more[l] = pir_ykeys_next(&it[l]);
	}
	for (;;) {
		uint32_t k = 0, first = nl, in = 0;
		for (uint32_t l = 0; l < nl; l++)
			if (more[l] && (first == nl || it[l].key < k))
				k = it[l].key, first = l;
		if (first == nl)
			break;
		for (uint32_t l = first; l < nl; l++)
			if (more[l] && it[l].key == k)
				in++, more[l] = pir_ykeys_next(&it[l]);
		if (in < nl)
			replay_id(rp, ci, counts, groups, pid, k, blobs[first]);
	}
}

/* ---- the commit ---- */

/*
 * May this version change what a file holds: it has a marker or an entry, or
 * it cannot be read (the file keeps an older one)? A change between two
 * versions that may not changes nothing.
 */
static bool keyed(const pir_repo *r, uint32_t blob, bool yaml)
{
	const pir_blob *b;

	if (blob == PIR_MAP_NONE)
		return false;
	b = &r->blobs[blob];
	return pir_blob_markers(b)->n || (yaml && b->nykeys) || unknown_content(r, blob, yaml);
}

/* Every changed file: its version now from the first parent's changes, the paths of all. */
static int apply_changes(pir_replay *rp, uint32_t ci, const pir_change *changes,
			 const uint32_t *pstart, uint32_t groups, pir_tab **files, pir_tab **counts)
{
	int err = 0;

	rp->npids = 0;
	for (uint32_t g = 0; g < groups && !err; g++)
		for (uint32_t k = pstart[g]; k < pstart[g + 1] && !err; k++) {
			uint32_t pid;
			if (!keyed(rp->r, changes[k].old_blob, changes[k].yaml) &&
			    !keyed(rp->r, changes[k].new_blob, changes[k].yaml))
				continue;
			if ((err = list_path(rp, ci, changes[k].path, &pid)) == 0 && g == 0)
				err = apply_change(rp, ci, &changes[k], files, counts, pid);
			if (!err)
				err = pir_due_collect(&rp->due, rp->r, &changes[k], g);
		}
	return err;
}

/* What the commit's changed files hold against its parents', entries and markers. */
static int replay_files(pir_replay *rp, uint32_t ci, uint32_t groups, pir_tab **files,
			const pir_tab *counts)
{
	int err = 0;

	rp->narr = rp->ndep = rp->ntmp = 0;
	if (pir_grow((void **)&rp->vblobs, &rp->vblobs_cap, groups + 1, sizeof(uint32_t)) < 0)
		return PIR_ENOMEM;
	for (size_t i = 0; i < rp->npids && !err; i++) {
		uint32_t pid = rp->pids[i];
		const pir_rec *rec = (const pir_rec *)pir_tab_get(*files, pid);

		rp->vblobs[0] = rec ? rec->yblob : PIR_MAP_NONE;
		for (uint32_t g = 0; g < groups; g++) {
			const pir_rec *pr = (const pir_rec *)pir_tab_get(rp->pf[g], pid);
			rp->vblobs[g + 1] = pr ? pr->yblob : PIR_MAP_NONE;
		}
		replay_path_ids(rp, ci, counts, groups, pid, rp->vblobs);
		err = replay_markers(rp, ci, files, groups, pid);
	}
	return err ? err : settle_markers(rp, ci);
}

/* The parents' states (none: empty), and the growing per-path and per-key arrays. */
static int load_parents(pir_replay *rp, const pir_commit *c, uint32_t groups)
{
	if (pir_grow((void **)&rp->pf, &rp->pcap, groups, sizeof(*rp->pf)) < 0 ||
	    !(rp->pc = realloc(rp->pc, rp->pcap * sizeof(*rp->pc))))
		return PIR_ENOMEM;
	for (uint32_t g = 0; g < groups; g++) {
		uint32_t p = g < c->nparents ? c->parents[g] : PIR_MAP_NONE;
		rp->pf[g] = p == PIR_MAP_NONE ? NULL : rp->files[p];
		rp->pc[g] = p == PIR_MAP_NONE ? NULL : rp->counts[p];
	}
	return 0;
}

static void drop_state(pir_replay *rp, uint32_t ci)
{
	pir_tab_release(rp->files[ci], true);
	pir_tab_release(rp->counts[ci], false);
	rp->files[ci] = rp->counts[ci] = NULL;
}

/* A parent whose children are all replayed, and a commit without children, are let go. */
static void let_go(pir_replay *rp, uint32_t ci)
{
	const pir_commit *c = &rp->r->commits[ci];

	for (uint32_t p = 0; p < c->nparents; p++) {
		uint32_t pi = c->parents[p];
		if (pi != PIR_MAP_NONE && rp->nchild[pi] && --rp->nchild[pi] == 0 && pi != rp->head)
			drop_state(rp, pi);
	}
	if (!rp->nchild[ci] && ci != rp->head)
		drop_state(rp, ci);
}

int pir_replay_commit(pir_replay *rp, uint32_t ci, const pir_change *changes,
		      const uint32_t *pstart)
{
	const pir_commit *c = &rp->r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;
	pir_tab *files, *counts;
	int err;

	if (!rp->r->keys_pool.n)
		return 0;
	if ((err = load_parents(rp, c, groups)) < 0)
		return err;
	files = pir_tab_hold((pir_tab *)rp->pf[0]);
	counts = pir_tab_hold((pir_tab *)rp->pc[0]);
	rp->due.n = 0;
	if (pstart[groups] > pstart[0] &&
	    ((err = apply_changes(rp, ci, changes, pstart, groups, &files, &counts)) < 0 ||
	     (err = replay_files(rp, ci, groups, &files, counts)) < 0 ||
	     (err = pir_due_settle(&rp->due, rp->r, ci, groups)) < 0)) {
		pir_tab_release(files, true);
		pir_tab_release(counts, false);
		return err;
	}
	rp->files[ci] = files;
	rp->counts[ci] = counts;
	let_go(rp, ci);
	return 0;
}

/* ---- begin and end ---- */

int pir_replay_new(pir_replay **out, pir_repo *r)
{
	pir_replay *rp = pir_calloc(1, sizeof(*rp));
	size_t nc = r->ncommits ? r->ncommits : 1;

	*out = NULL;
	if (!rp)
		return PIR_ENOMEM;
	rp->r = r;
	rp->head = PIR_MAP_NONE;
	if (!(rp->ages = pir_calloc(1, sizeof(*rp->ages))) ||
	    !(rp->nchild = pir_calloc(nc, sizeof(uint32_t))) ||
	    !(rp->files = pir_calloc(nc, sizeof(*rp->files))) ||
	    !(rp->counts = pir_calloc(nc, sizeof(*rp->counts))) ||
	    !(rp->occ = pir_calloc(r->nblobs + 1, sizeof(*rp->occ))) ||
	    !(rp->ystamp = pir_calloc(r->keys_pool.n + 1, sizeof(uint32_t)))) {
		pir_replay_free(rp);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < r->ncommits; i++) {
		const pir_commit *c = &r->commits[i];
		for (uint32_t p = 0; p < c->nparents; p++)
			if (c->parents[p] != PIR_MAP_NONE)
				rp->nchild[c->parents[p]]++;
		if (git_oid_equal(&c->oid, &r->head_commit))
			rp->head = (uint32_t)i;
	}
	*out = rp;
	return 0;
}

int pir_replay_finish(pir_replay *rp)
{
	pir_ages *a = rp->ages;
	int err;

	if (!rp->r->keys_pool.n)
		return 0;
	if (rp->head != PIR_MAP_NONE)
		a->head = pir_tab_hold(rp->files[rp->head]);
	if ((err = pir_ages_settle(a, rp->r)) < 0)
		return err;
	pir_ages_free(rp->r->ages);
	rp->r->ages = a;
	rp->ages = NULL;
	return 0;
}

void pir_replay_free(pir_replay *rp)
{
	if (!rp)
		return;
	for (size_t i = 0; rp->files && i < rp->r->ncommits; i++)
		drop_state(rp, (uint32_t)i);
	for (size_t i = 0; rp->occ && i < rp->r->nblobs; i++)
		free(rp->occ[i]);
	pir_ages_free(rp->ages);
	free(rp->nchild);
	free(rp->files);
	free(rp->counts);
	free(rp->occ);
	free(rp->pf);
	free(rp->pc);
	free(rp->pstamp);
	free(rp->pids);
	free(rp->ystamp);
	free(rp->vblobs);
	free(rp->arr);
	free(rp->dep);
	free(rp->tmp);
	free(rp->lbuf);
	free(rp->due.cand);
	free(rp);
}
