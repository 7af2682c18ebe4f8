/* SPDX-License-Identifier: MIT */
/*
 * Step 3 of the history's trees (treewalk.c has all three): every commit
 * against every parent over the projections, and where each blob is first
 * seen, from that diff or from a history replayed from elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "alloc.h"
#include "buf.h"
#include "map.h"
#include "pirscan/common.h"
#include "source.h"
#include "treewalk_int.h"

typedef struct {
	pir_repo *r;
	struct pir_trees *t;
	pir_buf path;
	pir_change *changes;
	size_t n, cap;
	uint32_t ci;
	tents *lv; /* two per level of b_pair */
	size_t nlv, depth;
} bwalk;

/* Where history first shows a blob, in the old walk's order (commit, then change): for
 * the report of one that cannot be read, and for numbering the keys as that walk did. */
static void note_first(bwalk *w, uint32_t b, uint32_t seq, const char *path)
{
	struct pir_trees *t = w->t;

	if (b == PIR_MAP_NONE)
		return;
	if (t->first_ci[b] != PIR_MAP_NONE &&
	    (t->first_ci[b] < w->ci || (t->first_ci[b] == w->ci && t->first_seq[b] <= seq)))
		return;
	t->first_ci[b] = w->ci;
	t->first_seq[b] = seq;
	t->first_path[b] = path;
}

static int add_change(bwalk *w, const tent *ea, const tent *eb)
{
	static const git_oid zero;
	pir_change *ch;
	uint32_t idx, seq = (uint32_t)w->n * 2;

	if (pir_grow((void **)&w->changes, &w->cap, w->n + 1, sizeof(*ch)) < 0 ||
	    pir_strpool_intern(&w->r->change_paths, w->path.ptr, w->path.size, &idx) < 0)
		return PIR_ENOMEM;
	ch = &w->changes[w->n++];
	ch->path = w->r->change_paths.strs[idx];
	ch->old_blob = ea ? ea->target : PIR_MAP_NONE;
	ch->new_blob = eb ? eb->target : PIR_MAP_NONE;
	ch->old_oid = ea ? w->r->blobs[ea->target].oid : zero;
	ch->new_oid = eb ? w->r->blobs[eb->target].oid : zero;
	ch->yaml = (uint8_t)w->r->ctx.is_item_file(w->r->ctx.payload, ch->path);
	note_first(w, ch->old_blob, seq, ch->path);
	note_first(w, ch->new_blob, seq + 1, ch->path);
	return 0;
}

static int b_pair(bwalk *w, uint32_t a, uint32_t b);

/* As the old walk's diff_entry: symlinks and submodules hold no markers; excludes by path. */
static int b_entry(bwalk *w, const tent *ea, const tent *eb)
{
	bool ta = ea && ea->cls == ENT_TREE, tb = eb && eb->cls == ENT_TREE;
	bool ba = ea && ea->cls == ENT_FILE, bb = eb && eb->cls == ENT_FILE;
	const char *name = w->t->names.strs[(ea ? ea : eb)->name];
	size_t mark = w->path.size;
	int err;

	if (!ta && !tb && !ba && !bb)
		return 0;
	if ((err = pir_buf_puts(&w->path, name)) < 0)
		return err;
	if (w->r->ctx.is_excluded &&
	    w->r->ctx.is_excluded(w->r->ctx.payload, w->path.ptr, ta || tb))
		goto done;
	if (ta || tb) {
		if ((err = pir_buf_putc(&w->path, '/')) == 0)
			err = b_pair(w, ta ? ea->target : PIR_MAP_NONE,
				     tb ? eb->target : PIR_MAP_NONE);
	} else {
		err = add_change(w, ba ? ea : NULL, bb ? eb : NULL);
	}
done:
	w->path.size = mark;
	w->path.ptr[mark] = '\0';
	return err;
}

/* Tree b against its base a, from its delta: the changes comparing the projections gives. */
static int b_delta(bwalk *w, const tent *d, uint32_t dn)
{
	int err = 0;

	for (uint32_t k = 0; k < dn && !err; k++) {
		const tent *ea = d[k].op == OP_DEL ? &d[k] : NULL, *eb = ea ? NULL : &d[k];
		if (ea && k + 1 < dn && d[k + 1].op == OP_ADD && tent_cmp(w->t, ea, &d[k + 1]) == 0)
			eb = &d[++k];
		if (!ea || !eb || ea->target != eb->target)
			err = b_entry(w, ea, eb);
	}
	return err;
}

/* Canonical tree c's projection, copied into `buf` unless it is kept in full. */
static int b_side(bwalk *w, uint32_t c, tents *buf, const tent **out, uint32_t *n)
{
	int err = pir_trees_proj(w->t, c, out, n);

	if (err || !*n || (w->t->v[c].flags & T_FULL))
		return err;
	if (pir_grow((void **)&buf->v, &buf->cap, *n, sizeof(*buf->v)) < 0)
		return PIR_ENOMEM;
	memcpy(buf->v, *out, *n * sizeof(**out));
	*out = buf->v;
	return 0;
}

static int b_merge(bwalk *w, const tent *pa, uint32_t na, const tent *pb, uint32_t nb)
{
	uint32_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < na || j < nb)) {
		const tent *ea = i < na ? &pa[i] : NULL, *eb = j < nb ? &pb[j] : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : tent_cmp(w->t, ea, eb);

		if (cmp == 0) {
			i++, j++;
			if (ea->target == eb->target)
				continue;
			err = b_entry(w, ea, eb);
		} else if (cmp < 0) {
			i++;
			err = b_entry(w, ea, NULL);
		} else {
			j++;
			err = b_entry(w, NULL, eb);
		}
	}
	return err;
}

static int b_pair(bwalk *w, uint32_t a, uint32_t b)
{
	struct pir_trees *t = w->t;
	const tent *pa, *pb;
	uint32_t na, nb;
	tents *lv;
	int err;

	a = a != PIR_MAP_NONE ? t->v[a].canon : a;
	b = b != PIR_MAP_NONE ? t->v[b].canon : b;
	if (a == b)
		return 0; /* the same projection */
	if (b != PIR_MAP_NONE && a != PIR_MAP_NONE && t->v[b].base == a &&
	    !(t->v[b].flags & T_FULL))
		return b_delta(w, t->proj + t->v[b].rstart, t->v[b].rn);
	if (w->nlv < 2 * (w->depth + 1)) {
		size_t cap = w->nlv;
		if (pir_grow((void **)&w->lv, &cap, 2 * (w->depth + 1), sizeof(*w->lv)) < 0)
			return PIR_ENOMEM;
		memset(w->lv + w->nlv, 0, (cap - w->nlv) * sizeof(*w->lv));
		w->nlv = cap;
	}
	lv = w->lv + 2 * w->depth;
	if ((err = b_side(w, a, &lv[0], &pa, &na)) < 0 ||
	    (err = b_side(w, b, &lv[1], &pb, &nb)) < 0)
		return err;
	w->depth++;
	err = b_merge(w, pa, na, pb, nb);
	w->depth--;
	return err;
}

static int b_commit(bwalk *w, uint32_t ci, uint32_t **pstart, size_t *pcap)
{
	const pir_commit *c = &w->r->commits[ci];
	uint32_t groups = c->nparents ? c->nparents : 1;
	int err = 0;

	if (pir_grow((void **)pstart, pcap, groups + 1, sizeof(**pstart)) < 0)
		return PIR_ENOMEM;
	w->n = 0;
	w->ci = ci;
	for (uint32_t g = 0; g < groups && !err; g++) {
		uint32_t old = PIR_MAP_NONE;
		if (c->nparents && c->parents[g] != PIR_MAP_NONE)
			old = w->r->commits[c->parents[g]].tree_idx;
		(*pstart)[g] = (uint32_t)w->n;
		w->path.size = 0;
		w->path.ptr[0] = '\0';
		if (old != c->tree_idx)
			err = b_pair(w, old, c->tree_idx);
	}
	(*pstart)[groups] = (uint32_t)w->n;
	return err;
}

static int first_seen_init(pir_repo *r)
{
	struct pir_trees *t = r->trees;

	if (!(t->first_ci = pir_malloc(r->nblobs * sizeof(uint32_t))) ||
	    !(t->first_seq = pir_calloc(r->nblobs, sizeof(uint32_t))) ||
	    !(t->first_path = pir_calloc(r->nblobs, sizeof(char *))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < r->nblobs; i++)
		t->first_ci[i] = PIR_MAP_NONE;
	return 0;
}

int pir_trees_diff(pir_repo *r, pir_changes_fn fn, void *payload)
{
	bwalk w = {r, r->trees, PIR_BUF_INIT, NULL, 0, 0, 0, NULL, 0, 0};
	uint32_t *pstart = NULL;
	size_t pcap = 0;
	int err;

	if (!w.t)
		return 0;
	if ((!w.t->first_ci && (err = first_seen_init(r)) < 0) ||
	    (err = pir_buf_grow(&w.path, 256)) < 0)
		goto done;
	for (size_t k = 0; k < r->ncommits && !err; k++) {
		uint32_t ci = r->topo_order[k];
		if ((err = b_commit(&w, ci, &pstart, &pcap)) == 0)
			err = fn ? fn(payload, ci, w.changes, pstart) : 0;
		if (!err && (k + 1) % 4096 == 0)
			err =
			    r->ctx.progress(r->ctx.payload, r->name, "history", k + 1, r->ncommits);
	}
done:
	for (size_t i = 0; i < w.nlv; i++)
		free(w.lv[i].v);
	free(w.lv);
	free(w.changes);
	free(pstart);
	pir_buf_dispose(&w.path);
	return err;
}

const char *pir_trees_blob_path(const pir_repo *r, uint32_t bi)
{
	const struct pir_trees *t = r->trees;
	return t && t->first_path && bi < r->nblobs ? t->first_path[bi] : NULL;
}

/* The order the old walk interned them in: before the walk, then by first commit and change. */
static int cmp_first(const void *a, const void *b, void *arg)
{
	const pir_repo *r = arg;
	const struct pir_trees *t = r->trees;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	bool px = !t || !t->first_ci || x < t->pre_blobs,
	     py = !t || !t->first_ci || y < t->pre_blobs;

	if (px || py)
		return px && py ? (x < y ? -1 : x > y) : px ? -1 : 1;
	if (t->first_ci[x] != t->first_ci[y])
		return t->first_ci[x] < t->first_ci[y] ? -1 : 1;
	if (t->first_seq[x] != t->first_seq[y])
		return t->first_seq[x] < t->first_seq[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

void pir_trees_sort_blobs(const pir_repo *r, uint32_t *v, size_t n)
{
	if (n > 1)
		qsort_r(v, n, sizeof(*v), cmp_first, (void *)r);
}

/* ---- a history replayed from elsewhere (the history cache) ---- */

int pir_trees_external(pir_repo *r, size_t pre_blobs)
{
	pir_trees_free(r);
	if (!(r->trees = pir_calloc(1, sizeof(*r->trees))))
		return PIR_ENOMEM;
	r->trees->pre_blobs = pre_blobs;
	return first_seen_init(r);
}

void pir_trees_note(pir_repo *r, uint32_t ci, const pir_change *changes, size_t n)
{
	bwalk w = {r, r->trees, PIR_BUF_INIT, NULL, 0, 0, ci, NULL, 0, 0};

	for (size_t i = 0; i < n; i++) {
		note_first(&w, changes[i].old_blob, (uint32_t)i * 2, changes[i].path);
		note_first(&w, changes[i].new_blob, (uint32_t)i * 2 + 1, changes[i].path);
	}
}
