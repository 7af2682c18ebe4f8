/* SPDX-License-Identifier: MIT */
/*
 * The history replay, and the history cache (cache/hist.h): a
 * repository scanned before, whose refs have moved, is read only where it
 * is new.
 *
 * A full read records what the replay consumed: each commit's changes, per
 * parent, over the blobs that hold keys or whose content is unknown (the
 * projections of treewalk.c), and every blob's flags. A later read of the
 * same repository with the same options takes the commits it knows from
 * that record (their ids, trees, times, parents and changes, without
 * reading them), compares only the new commits with their first parents
 * (over whole trees, read from the packs by pirscan's own tree reader as
 * the walk reads them, treediff.c; then keeps the changes that touch such
 * blobs, which is what the projections give) and a new merge with its
 * other parents over the projections those changes build (next_state),
 * reads only the new blobs, those of the scanned trees and those that hold
 * keys, and replays the whole history
 * from the record and the new changes. Key numbering and first-seen order
 * are noted from those changes exactly as pir_trees_diff notes them.
 *
 * It is exact as long as an old commit's changes are what they were, which
 * holds while every blob it knew is keyed as it was. Otherwise it gives up
 * and the repository is read whole (`pir_scan_history_replay` returns 0):
 * a known commit the walk no longer reaches (its blobs would still be
 * counted), a blob now seen at a path that changes what is read of it
 * which turns out to be keyed differently, anything missing or unreadable,
 * a partial clone. Shallow and grafts files are in the record's key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "cache.h"
#include "error.h"
#include "hist.h"
#include "history.h"
#include "pirscan/common.h"
#include "scan_int.h"
#include "source.h"

#define NEW_BLOB 0xffu /* in `known`: a blob the record did not have */

/* What the replay gets for a blob: whether it holds keys or its content is unknown. */
static bool blob_keyed(const pir_blob *b)
{
	return (b->flags & PIR_BLOB_LISTED) &&
	       (b->nmkeys || b->nykeys ||
		(b->flags &
		 (PIR_BLOB_MISSING | PIR_BLOB_BINARY | PIR_BLOB_TOOBIG | PIR_BLOB_YAML_BROKEN)));
}

/* ---- recording what the replay consumed ---- */

int pir_scan_history_record(pir_hist *rec, const pir_repo *r, uint32_t ci,
			    const pir_change *changes, const uint32_t *pstart)
{
	const pir_commit *c = &r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;
	int err = pir_hist_add_commit(rec, &c->oid, &c->tree, c->time, c->nparents, c->parent_oids);

	for (uint32_t g = 0; g < groups && !err; g++) {
		err = pir_hist_add_group(rec);
		for (uint32_t k = pstart[g]; k < pstart[g + 1] && !err; k++)
			err = pir_hist_add_change(rec, changes[k].path, changes[k].old_blob,
						  changes[k].new_blob);
	}
	return err ? err : pir_hist_end_commit(rec);
}

/* Whether nothing of the repository was missing or unreadable: only then is a record kept. */
static bool all_read(const pir_repo *r)
{
	if (r->missing.n || r->promisor)
		return false;
	for (size_t i = 0; i < r->nblobs; i++)
		if (r->blobs[i].flags & PIR_BLOB_MISSING)
			return false;
	return true;
}

int pir_scan_history_store(pir_scan *s, size_t i, char hkey[2][PIR_SHA256_HEX], pir_repo *r,
			   pir_hist *rec)
{
	pir_buf b = PIR_BUF_INIT;
	const char *id = s->added[i].shown ? s->added[i].shown : r->gitdir;
	char *repo = NULL, tips[64];
	int err = 0;

	if (!all_read(r) || rec->ncommits != r->ncommits)
		return 0;
	rec->nblobs = 0;
	for (size_t k = 0; k < r->nblobs && !err; k++) {
		const pir_blob *x = &r->blobs[k];
		uint8_t f = (x->flags & PIR_BLOB_LISTED ? PIR_HIST_LISTED : 0) |
			    (x->flags & PIR_BLOB_WANT_YAML ? PIR_HIST_YAML : 0) |
			    (x->flags & PIR_BLOB_WANT_DOC ? PIR_HIST_DOC : 0) |
			    (blob_keyed(x) ? PIR_HIST_KEYED : 0) |
			    (x->flags & PIR_BLOB_AT_HEAD ? PIR_HIST_HEAD : 0) |
			    (x->flags & PIR_BLOB_LINK ? PIR_HIST_LINK : 0) |
			    (pir_blob_markers(x)->diags.n ? PIR_HIST_LIMITS : 0);
		err = pir_hist_add_blob(rec, &x->oid, f);
	}
	snprintf(tips, sizeof(tips), "history of %zu commits, %zu compared", r->ncommits,
		 rec->from_record ? rec->compared : r->ncommits);
	if (!err && !(repo = pir_sprintf("history %s", id)))
		err = PIR_ENOMEM;
	if (!err && (err = pir_hist_encode(rec, &b)) == 0)
		err = pir_cache_store_blob(s->cache, hkey[0], repo, tips,
					   (const unsigned char *)b.ptr, b.size,
					   PIR_CACHE_HISTORY_KEEP);
	free(repo);
	/* the latest, for a ref scanned the first time: this record's key */
	if (!err && !(repo = pir_sprintf("history-latest %s", id)))
		err = PIR_ENOMEM;
	if (!err)
		err = pir_cache_store_blob(s->cache, hkey[1], repo, "the latest history record",
					   (const unsigned char *)hkey[0], PIR_SHA256_HEX - 1, 1);
	free(repo);
	pir_buf_dispose(&b);
	return err;
}

/* ---- reading from a record ---- */

typedef struct {
	pir_scan *s;
	pir_repo *r;
	pir_hist *h;
	pir_hist *rec;
	pir_tree_differ *td; /* the new commits' comparisons */
	pir_oidmap hc;	     /* recorded commit -> its index in h */
	uint32_t *of;	     /* per commit of the walk: its index in h, or PIR_MAP_NONE */
	uint32_t *hb;	     /* per blob of h: its index in r->blobs */
	uint8_t *known;	     /* per blob of r: its flags in h, or NEW_BLOB */
	pir_change *raw;     /* the new commits' changes, whole trees */
	size_t nraw, raw_cap;
	uint32_t *rawg; /* per commit: where its groups start in rawg_v */
	uint32_t *rawg_v;
	size_t nrawg, rawg_cap;
	pir_change *st; /* every commit's changes for the replay */
	size_t nst, st_cap;
	uint32_t *sg;	/* per commit: its first group offset in sg_v */
	uint32_t *sg_v; /* absolute offsets into st */
	size_t nsg, sg_cap;
	uint32_t **state; /* per commit: its projection (next_state), NULL for empty */
	uint32_t **states, *korder;
	size_t nstates, states_cap;
	bool direct;		   /* merges compared over their trees (merge_changes) */
	bool any_keyed;		   /* some blob of the history is */
	pir_strpool kfiles, kdirs; /* where keyed blobs are ever: paths, their folders */
} incr;

static int known_commit(void *payload, const git_oid *oid, pir_known_commit *out)
{
	incr *x = payload;
	uint32_t k = pir_oidmap_get(&x->hc, oid);
	const pir_hist_commit *c;

	if (k == PIR_MAP_NONE)
		return 0;
	c = &x->h->commits[k];
	out->tree = c->tree;
	out->time = c->time;
	out->nparents = c->nparents;
	out->parents = x->h->par + c->parents;
	return 1;
}

static int push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (pir_grow((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return PIR_ENOMEM;
	(*v)[(*n)++] = x;
	return 0;
}

/* The walk and the record's commits: 1 when the record can be used, 0 when not. */
static int walk(incr *x)
{
	pir_repo *r = x->r;
	int err;

	for (size_t k = 0; k < x->h->ncommits; k++)
		if (pir_oidmap_put(&x->hc, &x->h->commits[k].oid, (uint32_t)k, NULL) < 0)
			return PIR_ENOMEM;
	if ((err = pir_history_walk_commits(r, known_commit, x)) < 0)
		return err;
	if (r->missing.n || !(x->of = pir_malloc((r->ncommits + 1) * sizeof(*x->of))))
		return r->missing.n ? 0 : PIR_ENOMEM;
	for (size_t ci = 0; ci < r->ncommits; ci++)
		x->of[ci] = pir_oidmap_get(&x->hc, &r->commits[ci].oid);
	for (size_t k = 0; k < x->h->ncommits; k++) {
		uint32_t ci = pir_oidmap_get(&r->commit_map, &x->h->commits[k].oid);
		if (ci >= r->ncommits || r->commits[ci].nparents != x->h->commits[k].nparents)
			return 0; /* no longer reached: its blobs would still be counted */
	}
	return 1;
}

/* A change kept for the replay: one that touches a keyed blob (the others as none). */
static bool keep_keyed(void *payload, const git_oid *old, const git_oid *new, uint32_t *ob,
		       uint32_t *nb)
{
	const pir_repo *r = ((const incr *)payload)->r;
	uint32_t o = pir_blob_find(r, old), n = pir_blob_find(r, new);

	*ob = o != PIR_MAP_NONE && blob_keyed(&r->blobs[o]) ? o : PIR_MAP_NONE;
	*nb = n != PIR_MAP_NONE && blob_keyed(&r->blobs[n]) ? n : PIR_MAP_NONE;
	return *ob != PIR_MAP_NONE || *nb != PIR_MAP_NONE;
}

/*
 * Only where a keyed blob ever is: every path a keyed blob is ever at shows
 * up in some commit's changes against its first parent (where it arrived
 * there), and those are all known before the other parents are compared.
 */
static bool want_keyed(void *payload, const char *path, size_t len, bool is_dir)
{
	const incr *x = payload;
	return pir_strpool_find(is_dir ? &x->kdirs : &x->kfiles, path, len) != PIR_MAP_NONE;
}

static int note_path(incr *x, const char *path)
{
	size_t len = strlen(path);
	uint32_t id;

	if (pir_strpool_find(&x->kfiles, path, len) != PIR_MAP_NONE)
		return 0;
	if (pir_strpool_intern(&x->kfiles, path, len, &id) < 0)
		return PIR_ENOMEM;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/' && pir_strpool_intern(&x->kdirs, path, i, &id) < 0)
			return PIR_ENOMEM;
	return 0;
}

/* Commit c against its parent g (`keep` as pir_tree_changes has it), appended to *v. */
static int group_changes(incr *x, const pir_commit *c, uint32_t g, pir_change_filter keep,
			 pir_change **v, size_t *n, size_t *cap)
{
	const git_oid *old = NULL;
	pir_change *d = NULL;
	size_t nd = 0;
	int err;

	if (c->nparents && c->parents[g] != PIR_MAP_NONE)
		old = &x->r->commits[c->parents[g]].tree;
	if ((err = pir_tree_differ_changes(x->td, old, &c->tree, keep, keep ? want_keyed : NULL, x,
					   &d, &nd)) < 0)
		return err;
	if (nd && pir_grow((void **)v, cap, *n + nd, sizeof(**v)) < 0)
		err = PIR_ENOMEM;
	else if (nd)
		memcpy(*v + *n, d, nd * sizeof(*d));
	*n += err ? 0 : nd;
	free(d);
	return err;
}

/* The symlinks' targets the comparisons met, known as such (as pir_trees_walk knows them). */
static int intern_links(incr *x)
{
	const git_oid *v;
	size_t n = pir_tree_differ_links(x->td, &v);
	uint32_t idx;
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = pir_blob_intern_flags(x->r, &v[i], PIR_BLOB_LINK, &idx);
	return err;
}

/* The record's blobs, then the new commits against their first parents, whole trees. */
static int new_changes(incr *x)
{
	pir_repo *r = x->r;
	int err = 0;

	if (!(x->hb = pir_malloc((x->h->nblobs + 1) * sizeof(*x->hb))) ||
	    !(x->rawg = pir_malloc((r->ncommits + 1) * sizeof(*x->rawg))))
		return PIR_ENOMEM;
	for (size_t k = 0; k < x->h->nblobs && !err; k++) {
		uint8_t f = x->h->flags[k];
		err = pir_blob_intern_flags(r, &x->h->blob[k],
					    (f & PIR_HIST_LISTED ? PIR_BLOB_LISTED : 0) |
						(f & PIR_HIST_YAML ? PIR_BLOB_WANT_YAML : 0) |
						(f & PIR_HIST_DOC ? PIR_BLOB_WANT_DOC : 0) |
						(f & PIR_HIST_LINK ? PIR_BLOB_LINK : 0),
					    &x->hb[k]);
	}
	for (size_t k = 0; k < r->ncommits && !err; k++) {
		uint32_t ci = r->topo_order[k];
		const pir_commit *c = &r->commits[ci];
		uint32_t groups = c->nparents ? c->nparents : 1;

		x->rawg[ci] = (uint32_t)x->nrawg;
		if (x->of[ci] != PIR_MAP_NONE)
			continue;
		/*
		 * Against the first parent only, whole: every blob new to the
		 * history arrives in such a comparison, at each path it is listed
		 * at (as in treewalk.c). The other parents are compared once the
		 * blobs are keyed, over keyed blobs only (commit_stream).
		 */
		if ((err = push_u32(&x->rawg_v, &x->nrawg, &x->rawg_cap, (uint32_t)x->nraw)) < 0 ||
		    (err = group_changes(x, c, 0, NULL, &x->raw, &x->nraw, &x->raw_cap)) < 0)
			break;
		err = push_u32(&x->rawg_v, &x->nrawg, &x->rawg_cap, (uint32_t)x->nraw);
		(void)groups;
	}
	return err ? err : intern_links(x);
}

/*
 * Which blobs are read again: new ones, those of the scanned tree (read with
 * their mentions), those that held keys or marker diagnostics, those now
 * seen where more is read of them, and the item files of the scanned tree
 * then (parsed in full then, slim now); the others are known to hold
 * nothing. A file of the scanned tree then, no longer in it, is one of
 * those: its markers are what the scan without mentions finds (mentions
 * are looked for after them), so without keys it had none, and without
 * diagnostics then (its mentions' too) it has none now.
 */
static int choose_reads(incr *x)
{
	pir_repo *r = x->r;

	if (!(x->known = pir_malloc(r->nblobs + 1)))
		return PIR_ENOMEM;
	memset(x->known, NEW_BLOB, r->nblobs + 1);
	for (size_t k = 0; k < x->h->nblobs; k++)
		x->known[x->hb[k]] = x->h->flags[k];
	for (size_t b = 0; b < r->nblobs; b++) {
		uint8_t f = x->known[b];
		uint32_t fl = r->blobs[b].flags;
		bool grown = ((fl & PIR_BLOB_LISTED) && !(f & PIR_HIST_LISTED)) ||
			     ((fl & PIR_BLOB_WANT_YAML) && !(f & PIR_HIST_YAML)) ||
			     ((fl & PIR_BLOB_WANT_DOC) && !(f & PIR_HIST_DOC));
		if (f == NEW_BLOB || grown || (fl & PIR_BLOB_AT_HEAD) ||
		    (f & (PIR_HIST_KEYED | PIR_HIST_LIMITS)) ||
		    ((f & PIR_HIST_HEAD) && (f & (PIR_HIST_YAML | PIR_HIST_DOC))))
			continue;
		r->blobs[b].flags |= PIR_BLOB_SCANNED; /* read before: nothing in it */
	}
	return 0;
}

/* Each recorded blob keyed as it was (1), else 0: the old commits' changes would differ. */
static int keyed_as_before(const incr *x)
{
	const pir_repo *r = x->r;

	for (size_t b = 0; b < r->nblobs; b++) {
		if (r->blobs[b].flags & PIR_BLOB_MISSING)
			return 0;
		if (x->known[b] != NEW_BLOB &&
		    blob_keyed(&r->blobs[b]) != !!(x->known[b] & PIR_HIST_KEYED))
			return 0;
	}
	return 1;
}

static int push_change(incr *x, const char *path, uint32_t ob, uint32_t nb)
{
	static const git_oid zero;
	pir_repo *r = x->r;
	pir_change *c;
	uint32_t p;

	if (pir_grow((void **)&x->st, &x->st_cap, x->nst + 1, sizeof(*c)) < 0 ||
	    pir_strpool_intern(&r->change_paths, path, strlen(path), &p) < 0)
		return PIR_ENOMEM;
	c = &x->st[x->nst++];
	c->path = r->change_paths.strs[p];
	c->old_blob = ob;
	c->new_blob = nb;
	c->old_oid = ob == PIR_MAP_NONE ? zero : r->blobs[ob].oid;
	c->new_oid = nb == PIR_MAP_NONE ? zero : r->blobs[nb].oid;
	c->yaml = (uint8_t)r->ctx.is_item_file(r->ctx.payload, c->path);
	return 0;
}

/*
 * Projections, as treewalk.c's: per commit, the keyed blob at each path
 * where keyed blobs ever are (kfiles), or none. A commit's is its first
 * parent's (none: empty) with its changes against that parent applied, as
 * the stream hands them to the replay (a side not keyed is none); a new
 * merge's other parents are then compared over the projections, in path
 * order (which is the trees' order), instead of reading trees. It is what
 * the comparison of the trees over keyed blobs gives, unless a keyed blob
 * is also a symlink's target (a file that becomes a symlink with the same
 * id is no change): then, or past the budget, the trees are compared.
 */
#define STATE_BUDGET ((size_t)16 << 20) /* uint32 slots in all */

/* Commit ci's projection from its first parent's and the changes st[s0..nst). */
static int next_state(incr *x, uint32_t ci, size_t s0)
{
	const pir_commit *c = &x->r->commits[ci];
	uint32_t p = c->nparents ? c->parents[0] : PIR_MAP_NONE;
	uint32_t *base = p != PIR_MAP_NONE ? x->state[p] : NULL, *v;
	size_t k = x->kfiles.n;

	x->state[ci] = base; /* no change: shared */
	if (s0 == x->nst)
		return 0;
	if ((x->nstates + 1) * (k + 1) > STATE_BUDGET) {
		x->direct = true;
		return 0;
	}
	if (pir_grow((void **)&x->states, &x->states_cap, x->nstates + 1, sizeof(*x->states)) < 0 ||
	    !(v = pir_malloc((k + 1) * sizeof(*v))))
		return PIR_ENOMEM;
	x->states[x->nstates++] = v;
	for (size_t i = 0; i < k; i++)
		v[i] = base ? base[i] : PIR_MAP_NONE;
	for (size_t i = s0; i < x->nst; i++) {
		uint32_t slot = pir_strpool_find(&x->kfiles, x->st[i].path, strlen(x->st[i].path));
		if (slot == PIR_MAP_NONE)
			x->direct = true; /* not where keyed blobs are: cannot be */
		else
			v[slot] = x->st[i].new_blob;
	}
	x->state[ci] = v;
	return 0;
}

/* New merge ci against its parent g over the projections. */
static int state_changes(incr *x, uint32_t ci, uint32_t g)
{
	uint32_t p = x->r->commits[ci].parents[g];
	const uint32_t *a = p != PIR_MAP_NONE ? x->state[p] : NULL, *b = x->state[ci];
	int err = 0;

	for (size_t i = 0; i < x->kfiles.n && !err; i++) {
		uint32_t k = x->korder[i];
		uint32_t ob = a ? a[k] : PIR_MAP_NONE, nb = b ? b[k] : PIR_MAP_NONE;
		if (ob != nb)
			err = push_change(x, x->kfiles.strs[k], ob, nb);
	}
	return err;
}

/* New merge ci against its parent g > 0, over keyed blobs only (none in the history: nothing). */
static int merge_changes(incr *x, uint32_t ci, uint32_t g)
{
	const pir_commit *c = &x->r->commits[ci];
	int err = 0;

	if (!x->any_keyed)
		return 0;
	if (!x->direct)
		return state_changes(x, ci, g);
	err = group_changes(x, c, g, keep_keyed, &x->st, &x->nst, &x->st_cap);
	for (size_t k = x->sg_v[x->nsg - 1]; k < x->nst && !err; k++) {
		static const git_oid zero; /* a side not kept is none */
		pir_change *ch = &x->st[k];
		if (ch->old_blob == PIR_MAP_NONE)
			ch->old_oid = zero;
		if (ch->new_blob == PIR_MAP_NONE)
			ch->new_oid = zero;
	}
	return err;
}

/* Group g of commit ci for the replay: from the record, or the new changes that touch keyed blobs.
 */
static int group_stream(incr *x, uint32_t ci, uint32_t g)
{
	const pir_repo *r = x->r;
	uint32_t hk = x->of[ci], s, e;
	int err = 0;

	if (hk != PIR_MAP_NONE) {
		pir_hist_group(x->h, hk, g, &s, &e);
		for (uint32_t k = s; k < e && !err; k++) {
			const pir_hist_change *hc = &x->h->ch[k];
			err = push_change(
			    x, x->h->paths.strs[hc->path],
			    hc->old_blob == PIR_MAP_NONE ? PIR_MAP_NONE : x->hb[hc->old_blob],
			    hc->new_blob == PIR_MAP_NONE ? PIR_MAP_NONE : x->hb[hc->new_blob]);
		}
		return err;
	}
	if (g > 0)
		return merge_changes(x, ci, g);
	s = x->rawg_v[x->rawg[ci]], e = x->rawg_v[x->rawg[ci] + 1];
	for (uint32_t k = s; k < e && !err; k++) {
		const pir_change *rc = &x->raw[k];
		uint32_t ob = rc->old_blob, nb = rc->new_blob;
		if (ob != PIR_MAP_NONE && !blob_keyed(&r->blobs[ob]))
			ob = PIR_MAP_NONE;
		if (nb != PIR_MAP_NONE && !blob_keyed(&r->blobs[nb]))
			nb = PIR_MAP_NONE;
		if (ob != PIR_MAP_NONE || nb != PIR_MAP_NONE)
			err = push_change(x, rc->path, ob, nb);
	}
	return err;
}

/* One commit's changes for the replay, group by group; its projection after the first. */
static int commit_stream(incr *x, uint32_t ci)
{
	const pir_commit *c = &x->r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;
	int err = 0;

	x->sg[ci] = (uint32_t)x->nsg;
	for (uint32_t g = 0; g < groups && !err; g++) {
		size_t s0 = x->nst;
		if ((err = push_u32(&x->sg_v, &x->nsg, &x->sg_cap, (uint32_t)x->nst)) == 0)
			err = group_stream(x, ci, g);
		if (!err && g == 0 && !x->direct)
			err = next_state(x, ci, s0);
	}
	return err ? err : push_u32(&x->sg_v, &x->nsg, &x->sg_cap, (uint32_t)x->nst);
}

static int cmp_kpath(const void *a, const void *b, void *arg)
{
	const pir_strpool *p = arg;
	return strcmp(p->strs[*(const uint32_t *)a], p->strs[*(const uint32_t *)b]);
}

/* The projections' set-up: where keyed blobs are, in path order; or trees, when a symlink's is. */
static int states_init(incr *x)
{
	const pir_repo *r = x->r;
	size_t k = x->kfiles.n;

	for (size_t b = 0; b < r->nblobs && !x->direct; b++)
		x->direct = (r->blobs[b].flags & PIR_BLOB_LINK) && blob_keyed(&r->blobs[b]);
	if (!(x->state = pir_calloc(r->ncommits + 1, sizeof(*x->state))) ||
	    !(x->korder = pir_malloc((k + 1) * sizeof(*x->korder))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < k; i++)
		x->korder[i] = (uint32_t)i;
	qsort_r(x->korder, k, sizeof(*x->korder), cmp_kpath, &x->kfiles);
	return 0;
}

/* The replay over every commit's stream, first-seen noted first (as pir_trees_diff does). */
static int replay(incr *x, size_t pre_blobs)
{
	pir_repo *r = x->r;
	pir_replay *rp = NULL;
	uint32_t pstart[65], *ps;
	int err = 0;

	if (!(x->sg = pir_malloc((r->ncommits + 1) * sizeof(*x->sg))))
		return PIR_ENOMEM;
	for (size_t b = 0; b < r->nblobs && !x->any_keyed; b++)
		x->any_keyed = blob_keyed(&r->blobs[b]);
	for (size_t k = 0; k < x->h->nch && !err; k++)
		err = note_path(x, x->h->paths.strs[x->h->ch[k].path]);
	for (size_t k = 0; k < x->nraw && !err; k++) {
		const pir_change *rc = &x->raw[k];
		if ((rc->old_blob != PIR_MAP_NONE && blob_keyed(&r->blobs[rc->old_blob])) ||
		    (rc->new_blob != PIR_MAP_NONE && blob_keyed(&r->blobs[rc->new_blob])))
			err = note_path(x, rc->path);
	}
	if (!err)
		err = states_init(x);
	for (size_t k = 0; k < r->ncommits && !err; k++)
		err = commit_stream(x, r->topo_order[k]);
	if (err || (err = pir_trees_external(r, pre_blobs)) < 0)
		return err;
	for (size_t k = 0; k < r->ncommits; k++) {
		uint32_t ci = r->topo_order[k], g0 = x->sg[ci];
		uint32_t groups = r->commits[ci].nparents ? r->commits[ci].nparents : 1;
		pir_trees_note(r, ci, x->st + x->sg_v[g0], x->sg_v[g0 + groups] - x->sg_v[g0]);
	}
	if ((err = pir_scan_number_keys(r)) < 0 || (err = pir_replay_new(&rp, r)) < 0)
		return err;
	x->rec->from_record = true;
	for (size_t ci = 0; ci < r->ncommits; ci++)
		x->rec->compared += x->of[ci] == PIR_MAP_NONE;
	for (size_t k = 0; k < r->ncommits && !err; k++) {
		uint32_t ci = r->topo_order[k], g0 = x->sg[ci];
		uint32_t groups = r->commits[ci].nparents ? r->commits[ci].nparents : 1;
		const pir_change *v = x->st + x->sg_v[g0];
		ps = groups + 1 > PIR_ARRAY_SIZE(pstart) ? pir_malloc((groups + 1) * sizeof(*ps))
							 : pstart;
		if (!ps) {
			err = PIR_ENOMEM;
			break;
		}
		for (uint32_t g = 0; g <= groups; g++)
			ps[g] = x->sg_v[g0 + g] - x->sg_v[g0];
		if ((err = pir_scan_history_record(x->rec, r, ci, v, ps)) == 0)
			err = pir_replay_commit(rp, ci, v, ps);
		if (ps != pstart)
			free(ps);
	}
	if (!err && (err = pir_replay_finish(rp)) == 0)
		err = pir_keys_reread_shown(r); /* the slim versions the output shows */
	pir_replay_free(rp);
	return err;
}

static void incr_dispose(incr *x)
{
	pir_tree_differ_free(x->td);
	for (size_t i = 0; i < x->nstates; i++)
		free(x->states[i]);
	free(x->states);
	free(x->state);
	free(x->korder);
	pir_oidmap_dispose(&x->hc);
	pir_strpool_dispose(&x->kfiles);
	pir_strpool_dispose(&x->kdirs);
	free(x->of);
	free(x->hb);
	free(x->known);
	free(x->raw);
	free(x->rawg);
	free(x->rawg_v);
	free(x->st);
	free(x->sg);
	free(x->sg_v);
}

/* The record under `hkey`: 1 and `*h`, 0 without one (one that does not decode is dropped). */
static int load(pir_scan *s, const char *hkey, pir_hist *h)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int err;

	if ((err = pir_cache_lookup_blob(s->cache, hkey, &data, &len)) <= 0)
		return err;
	err = pir_hist_decode(h, data, len);
	free(data);
	if (err == PIR_ENOMEM)
		return err;
	if (err < 0)
		return pir_cache_drop(s->cache, hkey, pir_error_last());
	return 1;
}

int pir_scan_history_candidates(pir_scan *s, char hkey[2][PIR_SHA256_HEX],
				char out[2][PIR_SHA256_HEX])
{
	unsigned char *data = NULL;
	size_t len = 0;
	bool key;
	int err;

	memcpy(out[0], hkey[0], PIR_SHA256_HEX);
	out[1][0] = '\0';
	if (!hkey[1][0] || (err = pir_cache_lookup_blob(s->cache, hkey[1], &data, &len)) == 0)
		return 0;
	if (err < 0)
		return err;
	key = len == PIR_SHA256_HEX - 1; /* lower-case hex, as pir_sha256_final_hex writes */
	for (size_t k = 0; key && k < len; k++)
		key = (data[k] >= '0' && data[k] <= '9') || (data[k] >= 'a' && data[k] <= 'f');
	if (key && memcmp(data, hkey[0], len)) {
		memcpy(out[1], data, len);
		out[1][len] = '\0';
	}
	free(data);
	if (!key) /* not a key: never trusted */
		return pir_cache_drop(s->cache, hkey[1], "not the key of a history record");
	return 0;
}

int pir_scan_history_replay(pir_scan *s, const char *hkey, pir_repo *r, pir_hist *rec)
{
	pir_hist h;
	incr x = {s, r, &h, rec};
	size_t pre = r->nblobs;
	int err;

	if (!hkey[0] || r->promisor || (err = load(s, hkey, &h)) == 0)
		return 0;
	if (err < 0)
		return err;
	/* the differ after the walk, which opens the repository again */
	if ((err = walk(&x)) > 0 && (err = pir_tree_differ_new(&x.td, r)) == 0 &&
	    (err = new_changes(&x)) == 0 && !r->missing.n && (err = choose_reads(&x)) == 0 &&
	    (err = pir_blobs_scan(r)) == 0 && (err = pir_keys_build(r)) == 0 &&
	    (err = keyed_as_before(&x)) > 0) {
		int e = replay(&x, pre);
		err = e < 0 ? e : 1;
	}
	incr_dispose(&x);
	pir_hist_dispose(&h);
	return err < 0 ? err : err == 1;
}

/* ---- after the replay ---- */

/* The first path a blob is seen at: in the scanned tree, else in history. */
static const char *blob_path(const pir_repo *r, uint32_t bi)
{
	for (size_t i = 0; i < r->nhead; i++)
		if (r->head[i].blob == bi)
			return r->head[i].path;
	return pir_trees_blob_path(r, bi);
}

/* Blobs reported one by one; a damaged pack of thousands gets one line for the rest. */
#define UNREADABLE_SHOWN 20

/* Each blob that is there but cannot be read: an error, with its path and why. */
int pir_scan_report_unreadable(pir_repo *r)
{
	size_t cap = 0;
	uint32_t *v = NULL;
	size_t n = 0;
	int err = 0;

	for (size_t i = 0; i < r->nblobs; i++) {
		if (!(r->blobs[i].flags & PIR_BLOB_UNREADABLE))
			continue;
		if (pir_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0)
			return PIR_ENOMEM;
		v[n++] = (uint32_t)i;
	}
	/* in the order the history shows them */
	pir_trees_sort_blobs(r, v, n);
	for (size_t k = 0; k < n && k < UNREADABLE_SHOWN && !err; k++)
		err = pir_repo_report(r, &r->blobs[v[k]].oid, "blob", blob_path(r, v[k]),
				      r->blobs[v[k]].cause);
	free(v);
	if (!err && n > UNREADABLE_SHOWN)
		err = pir_diag_add(r->ctx.diag, PIR_DIAG_ERROR, "unreadable-object", r->name, NULL,
				   0, 0, "%zu more files cannot be read (see above why); skipped",
				   n - UNREADABLE_SHOWN);
	return err;
}

/* ---- the full replay ---- */

typedef struct {
	pir_replay *rp;
	pir_hist *rec;
	const pir_repo *r;
} full_replay;

static int replay_commit(void *payload, uint32_t ci, const pir_change *changes,
			 const uint32_t *pstart)
{
	full_replay *f = payload;
	int err = f->rec ? pir_scan_history_record(f->rec, f->r, ci, changes, pstart) : 0;

	return err ? err : pir_replay_commit(f->rp, ci, changes, pstart);
}

/* The keys numbered in the order the history first shows their blobs (that of the old walk). */
int pir_scan_number_keys(pir_repo *r)
{
	uint32_t *v = NULL;
	size_t n = 0;
	int err;

	if (!r->keys_pool.n)
		return 0;
	if (!(v = pir_malloc((r->nblobs + 1) * sizeof(*v))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < r->nblobs; i++)
		if (r->blobs[i].nmkeys || r->blobs[i].nykeys)
			v[n++] = (uint32_t)i;
	pir_trees_sort_blobs(r, v, n);
	err = pir_keys_renumber(r, v, n);
	free(v);
	return err;
}

/*
 * The history's changes, commit by commit, straight into the replay (and
 * into `rec` unless NULL). The replay orders new lineages by key number, so
 * the keys are numbered as the old walk did first: a diff that only notes
 * where each blob is first seen.
 */
int pir_scan_replay_history(pir_repo *r, pir_hist *rec)
{
	full_replay f = {NULL, rec, r};
	int err;

	if ((err = pir_trees_mark(r)) < 0 || (err = pir_trees_diff(r, NULL, NULL)) < 0 ||
	    (err = pir_scan_number_keys(r)) < 0 || (err = pir_replay_new(&f.rp, r)) < 0)
		return err;
	if ((err = pir_trees_diff(r, replay_commit, &f)) == 0 &&
	    (err = pir_replay_finish(f.rp)) == 0)
		err = pir_keys_reread_shown(r); /* the slim versions the output shows */
	pir_replay_free(f.rp);
	return err;
}
