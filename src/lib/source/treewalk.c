/* SPDX-License-Identifier: MIT */
/*
 * The history's trees, linear in the history (see source.h for the steps).
 *
 * 1. Walk: each commit, in topological order, against its first parent
 *    only. A tree met for the first time is read (tree.c: from the packs,
 *    parsed here) and compared with the tree it replaced at that path,
 *    which gives its record: that base, and the entries added and removed.
 *    A tree met again is not read again. Every blob of the history shows
 *    up in some first-parent comparison (follow a file back along first
 *    parents to where it arrived), so this finds them all, and each tree is
 *    read about once, whatever the number of merges. A new tree is parsed
 *    like the one it replaced when the reader still holds that (tree.c:
 *    where their bytes agree from the start and to the end, the entries
 *    are the old tree's), and the comparison passes those entries by, so a
 *    commit that changes one file of a big directory costs what it changed
 *    there, not the whole directory, but for comparing its bytes.
 * 2. Mark: once the blobs are read and keyed, each tree's projection is
 *    computed from its base's and its record, in the order the trees were
 *    made (children and bases first): only the entries that lead to a blob
 *    with a key or of unknown content (missing, binary, too large, broken
 *    YAML: the replay must see those to treat them as "not removed"), or
 *    to a subtree whose projection is not empty. It is path-independent;
 *    excludes and the action-items test are applied to full paths in 3.
 *    A projection is kept as what it changes against its base's (a delta:
 *    the entries it drops and adds), in full only every PROJ_CHAIN-th link
 *    or where that is no bigger; a tree whose projection is its base's
 *    stores nothing and shares its base's canonical id, and projections
 *    name subtrees by those ids, so equal ids mean equal projections.
 *    Projections are rebuilt on demand through a small cache.
 * 3. Diff: each commit against each parent over the projections, in
 *    topological order, handing each commit's changes to the replay. A
 *    change that touches no such blob changes nothing in the replay, so
 *    this is exact, and a merge against its second parent costs what its
 *    projections differ in, not what its trees differ in. A tree against
 *    its base (mostly: a commit against its first parent) is diffed
 *    straight from its delta, which lists the same changes in the same
 *    order as comparing the two projections would.
 *
 * Steps 1 and 2 are here, step 3 in treewalk_diff.c; they share
 * treewalk_int.h.
 *
 * With excludes, step 1 still records every tree whole (the records are
 * path-independent) but lists a blob (PIR_BLOB_LISTED: read, counted) only
 * where it is seen at a path the scan reads, comparing trees again where
 * they are met at other paths.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "map.h"
#include "pirscan/common.h"
#include "source.h"
#include "tree.h"
#include "treewalk_int.h"

/* Parsed trees kept while walking (2048 held ~90 MiB on git.git, for no fewer reads). */
#define TREE_CACHE_SLOTS 256
/* At most this many deltas between a projection and one kept in full. */
#define PROJ_CHAIN 16

static int tree_intern(struct pir_trees *t, const unsigned char *id, uint32_t *out)
{
	git_oid oid;
	uint32_t idx;

	memcpy(oid.id, id, GIT_OID_RAWSZ);
	if ((idx = pir_oidset_get(&t->map, t->oids, sizeof(*t->oids), &oid)) != PIR_MAP_NONE) {
		*out = idx;
		return 0;
	}
	if (pir_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0 ||
	    pir_grow((void **)&t->oids, &t->oids_cap, t->n + 1, sizeof(*t->oids)) < 0)
		return PIR_ENOMEM;
	t->oids[t->n] = oid;
	if (pir_oidset_add(&t->map, t->oids, sizeof(*t->oids), (uint32_t)t->n) < 0)
		return PIR_ENOMEM;
	memset(&t->v[t->n], 0, sizeof(*t->v));
	t->v[t->n].base = PIR_MAP_NONE;
	t->v[t->n].canon = (uint32_t)t->n;
	*out = (uint32_t)t->n++;
	return 0;
}

static uint8_t entry_class(uint16_t attr)
{
	git_filemode_t m = pir_tree_filemode(attr);

	if (pir_tree_is_dir(attr))
		return ENT_TREE;
	return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE ? ENT_FILE : ENT_OTHER;
}

/* ---- 1. the first-parent walk ---- */

typedef struct {
	pir_repo *r;
	struct pir_trees *t;
	pir_tree_reader *tr;
	pir_buf path; /* the folder being compared, with its trailing slash */
	bool excludes;
} awalk;

static int push_tent(tents *x, uint32_t name, uint32_t target, uint8_t cls, uint8_t op)
{
	if (pir_grow((void **)&x->v, &x->cap, x->n + 1, sizeof(*x->v)) < 0)
		return PIR_ENOMEM;
	x->v[x->n++] = (tent){name, target, cls, op};
	return 0;
}

/* A tree that cannot be read: reported once, as the old walk did, at a path the scan reads. */
static int report_tree(awalk *w, uint32_t idx, const char *cause)
{
	const git_oid *oid = &w->t->oids[idx];
	char *path = w->path.size ? pir_strndup(w->path.ptr, w->path.size - 1) : NULL;
	int err;

	if (w->path.size && !path)
		return PIR_ENOMEM;
	err = pir_repo_tree_unreadable(w->r, oid, path, cause);
	free(path);
	return err;
}

/*
 * Read tree `idx` (parsed like tree `near` when the reader holds it):
 * 0 and `*out`, 1 when it cannot be read (then it is marked missing).
 */
static int read_node(awalk *w, uint32_t idx, uint32_t near, pir_tree **out, bool excl)
{
	const char *cause;
	int gerr, rc;

	*out = NULL;
	if (w->t->v[idx].flags & T_MISSING)
		return excl ? 1 : report_tree(w, idx, NULL) < 0 ? PIR_ENOMEM : 1;
	rc = pir_tree_read_near(w->tr, &w->t->oids[idx], idx, near == PIR_MAP_NONE ? idx : near,
				out, &gerr, &cause);
	if (rc != 1)
		return rc;
	w->t->v[idx].flags |= T_MISSING;
	if (!excl && (rc = report_tree(w, idx, cause)) < 0)
		return rc;
	return 1;
}

static int a_pair(awalk *w, uint32_t old, uint32_t nw, bool excl);

/* A file at w->path + its name: known, and listed where the scan reads it. */
static int note_blob(awalk *w, const pir_tree_entry *e, bool excl, uint32_t *out)
{
	uint32_t flags = 0;
	git_oid oid;

	memcpy(oid.id, e->id, GIT_OID_RAWSZ);
	if (entry_class(e->attr) == ENT_OTHER)
		flags = PIR_BLOB_LINK;
	if (entry_class(e->attr) == ENT_FILE && !excl &&
	    !(w->excludes && w->r->ctx.is_excluded(w->r->ctx.payload, w->path.ptr, false))) {
		unsigned kind = w->r->ctx.is_item_file(w->r->ctx.payload, w->path.ptr);
		flags = PIR_BLOB_LISTED | (kind == PIR_ITEMS_YAML  ? PIR_BLOB_WANT_YAML
					   : kind == PIR_ITEMS_DOC ? PIR_BLOB_WANT_DOC
								   : 0);
	}
	return pir_blob_intern_flags(w->r, &oid, flags, out);
}

/* One name of the pair: ea in the old tree, eb in the new (either NULL); `rec` when making. */
static int a_entry(awalk *w, const pir_tree_entry *ea, const pir_tree_entry *eb, tents *rec,
		   bool excl)
{
	const pir_tree_entry *e = eb ? eb : ea;
	size_t mark = w->path.size;
	uint32_t name = 0, ca = PIR_MAP_NONE, cb = PIR_MAP_NONE;
	bool dir = pir_tree_is_dir(e->attr);
	int err;

	if ((err = pir_buf_put(&w->path, e->name, e->name_len)) < 0 ||
	    (rec && (err = pir_strpool_intern(&w->t->names, e->name, e->name_len, &name)) < 0))
		goto done;
	if (dir) {
		bool child_excl = excl || (w->excludes && w->r->ctx.is_excluded(w->r->ctx.payload,
										w->path.ptr, true));
		if ((ea && (err = tree_intern(w->t, ea->id, &ca)) < 0) ||
		    (eb && (err = tree_intern(w->t, eb->id, &cb)) < 0))
			goto done;
		if (rec && ((ea && (err = push_tent(rec, name, ca, ENT_TREE, OP_DEL)) < 0) ||
			    (eb && (err = push_tent(rec, name, cb, ENT_TREE, OP_ADD)) < 0)))
			goto done;
		if (eb && (err = pir_buf_putc(&w->path, '/')) == 0)
			err = a_pair(w, ca, cb, child_excl);
		goto done;
	}
	if (rec && ea && (err = push_tent(rec, name, 0, entry_class(ea->attr), OP_DEL)) < 0)
		goto done;
	if (eb && (err = note_blob(w, eb, excl, &cb)) == 0 && rec)
		err = push_tent(rec, name, cb, entry_class(eb->attr), OP_ADD);
done:
	w->path.size = mark;
	if (w->path.ptr)
		w->path.ptr[mark] = '\0';
	return err;
}

static bool same_entry(const pir_tree_entry *a, const pir_tree_entry *b)
{
	return !memcmp(a->id, b->id, GIT_OID_RAWSZ) && entry_class(a->attr) == entry_class(b->attr);
}

/* Compare the entries of a (NULL: empty) and b; submodules hold nothing and are skipped. */
static int a_walk(awalk *w, const pir_tree *a, const pir_tree *b, tents *rec, bool excl)
{
	size_t na = a ? a->n : 0, nb = b->n, i = 0, j = 0, ia = SIZE_MAX, jb = SIZE_MAX;
	/* parsed here, each name is followed by its NUL and its id: one memcmp for both */
	bool raw = a && pir_tree_is_raw(a) && pir_tree_is_raw(b);
	int err = 0;

	/*
	 * b parsed like a (a key is one tree id in this walk's reader, so the same
	 * key is the same bytes): the entries they share from the start are
	 * passed by (the loop would pass each), and once both sides reach those
	 * they share to the end, at once, what is left is equal pairs alone
	 */
	if (raw && b->like == a->key && b->like != b->key &&
	    b->same_start + b->same_end <= (na < nb ? na : nb)) {
		i = j = b->same_start;
		ia = na - b->same_end;
		jb = nb - b->same_end;
	}
	while (!err && (i < na || j < nb) && (i != ia || j != jb)) {
		const pir_tree_entry *ea = i < na ? &a->v[i] : NULL;
		const pir_tree_entry *eb = j < nb ? &b->v[j] : NULL;
		if (raw && ea && eb && ea->attr == eb->attr && ea->name_len == eb->name_len &&
		    !memcmp(ea->name, eb->name, (size_t)ea->name_len + 1 + GIT_OID_RAWSZ)) {
			i++, j++;
			continue;
		}
		int cmp =
		    !ea	  ? 1
		    : !eb ? -1
			  : pir_tree_name_cmp(ea->name, ea->name_len, pir_tree_is_dir(ea->attr),
					      eb->name, eb->name_len, pir_tree_is_dir(eb->attr));
		if (cmp == 0) {
			i++, j++;
			if (same_entry(ea, eb))
				continue;
		} else if (cmp < 0) {
			i++, eb = NULL;
		} else {
			j++, ea = NULL;
		}
		if (ea && pir_tree_is_gitlink(ea->attr))
			ea = NULL;
		if (eb && pir_tree_is_gitlink(eb->attr))
			eb = NULL;
		if (ea || eb)
			err = a_entry(w, ea, eb, rec, excl);
	}
	return err;
}

/* The record of tree nw, made now: its base and its entries added and removed. */
static int make_node(awalk *w, uint32_t nw, uint32_t base, const tents *rec)
{
	struct pir_trees *t = w->t;

	if (pir_grow((void **)&t->rec, &t->rec_cap, t->nrec + rec->n, sizeof(*t->rec)) < 0 ||
	    pir_grow((void **)&t->order, &t->order_cap, t->norder + 1, sizeof(*t->order)) < 0)
		return PIR_ENOMEM;
	if (rec->n)
		memcpy(t->rec + t->nrec, rec->v, rec->n * sizeof(*rec->v));
	t->v[nw].base = base;
	t->v[nw].rstart = (uint32_t)t->nrec;
	t->v[nw].rn = (uint32_t)rec->n;
	t->v[nw].flags |= T_MADE;
	t->nrec += rec->n;
	t->order[t->norder++] = nw;
	return 0;
}

/* Tree nw where the first parent had old (PIR_MAP_NONE: nothing), at w->path. */
static int a_pair(awalk *w, uint32_t old, uint32_t nw, bool excl)
{
	pir_tree *ta = NULL, *tb = NULL;
	bool make = !(w->t->v[nw].flags & T_MADE);
	tents rec = {NULL, 0, 0};
	int rc, err = 0;

	if (old == nw || (!make && !w->excludes))
		return 0;
	/* the new tree first (its failure is reported first), parsed like the old when cached */
	if ((rc = read_node(w, nw, old, &tb, excl)) != 0) {
		if (rc == 1 && make)
			rc = make_node(w, nw, PIR_MAP_NONE, &rec);
		return rc < 0 ? rc : 0;
	}
	if (old != PIR_MAP_NONE && (err = read_node(w, old, old, &ta, excl)) == 1)
		err = 0, old = PIR_MAP_NONE; /* what replaced an unreadable tree: all new */
	if (!err)
		err = a_walk(w, ta, tb, make ? &rec : NULL, excl);
	if (!err && make)
		err = make_node(w, nw, old, &rec);
	pir_tree_release(w->tr, ta);
	pir_tree_release(w->tr, tb);
	free(rec.v);
	return err;
}

int pir_trees_walk(pir_repo *r)
{
	awalk w = {r, NULL, NULL, PIR_BUF_INIT, r->ctx.is_excluded != NULL};
	int err;

	if (!(r->trees = pir_calloc(1, sizeof(*r->trees))))
		return PIR_ENOMEM;
	w.t = r->trees;
	w.t->pre_blobs = r->nblobs;
	if ((err = pir_tree_reader_new(&w.tr, r->repo, r->packs, TREE_CACHE_SLOTS)) < 0 ||
	    (err = pir_buf_grow(&w.path, 256)) < 0)
		goto done;
	for (size_t k = 0; k < r->ncommits && !err; k++) {
		pir_commit *c = &r->commits[r->topo_order[k]];
		uint32_t old = PIR_MAP_NONE;

		if ((err = tree_intern(w.t, c->tree.id, &c->tree_idx)) < 0)
			break;
		if (c->nparents && c->parents[0] != PIR_MAP_NONE)
			old = r->commits[c->parents[0]].tree_idx;
		w.path.size = 0;
		w.path.ptr[0] = '\0';
		err = a_pair(&w, old, c->tree_idx, false);
		if (!err && (k + 1) % 4096 == 0) {
			/* the trees are all over the packs: their pages would stay resident */
			if (r->packs)
				pir_packset_release_all(r->packs);
			err = r->ctx.progress(r->ctx.payload, r->name, "trees", k + 1, r->ncommits);
		}
	}
	if (!err)
		err = r->ctx.progress(r->ctx.payload, r->name, "trees", r->ncommits, r->ncommits);
done:
	pir_tree_reader_free(w.tr);
	if (r->packs)
		pir_packset_release_all(r->packs);
	pir_buf_dispose(&w.path);
	/* trees are known by their index from here on: the map's 8 bytes a slot can go,
	 * and their ids (20 bytes a tree) */
	pir_oidset_dispose(&w.t->map);
	free(w.t->oids);
	w.t->oids = NULL;
	w.t->oids_cap = 0;
	return err;
}

/* ---- 2. projections ---- */

static bool blob_relevant(const pir_repo *r, uint32_t b)
{
	const pir_blob *x = &r->blobs[b];

	if (!(x->flags & PIR_BLOB_LISTED))
		return false;
	return x->nmkeys || x->nykeys ||
	       (x->flags &
		(PIR_BLOB_MISSING | PIR_BLOB_BINARY | PIR_BLOB_TOOBIG | PIR_BLOB_YAML_BROKEN));
}

typedef struct {
	const char *s;
	uint32_t len, key; /* key: 2 * name + is a subtree */
} rank_item;

static int cmp_rank_item(const void *a, const void *b)
{
	const rank_item *x = a, *y = b;

	return pir_tree_name_cmp(x->s, x->len, x->key & 1, y->s, y->len, y->key & 1);
}

/*
 * Every name the walk met, as a file and as a subtree, ranked in git's
 * order of tree entries: steps 2 and 3 compare entries by rank alone (a
 * name holds no '/' or NUL, so the order is total and equal ranks are
 * equal entries).
 */
static int rank_names(struct pir_trees *t)
{
	size_t n = t->names.n;
	rank_item *v;

	if (n >= UINT32_MAX / 2 || !(t->rank = pir_malloc((2 * n + 1) * sizeof(*t->rank))))
		return PIR_ENOMEM;
	if (!(v = pir_malloc((2 * n + 1) * sizeof(*v))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(t->names.strs[i]);
		v[2 * i] = (rank_item){t->names.strs[i], len, (uint32_t)(2 * i)};
		v[2 * i + 1] = (rank_item){t->names.strs[i], len, (uint32_t)(2 * i + 1)};
	}
	if (n)
		qsort(v, 2 * n, sizeof(*v), cmp_rank_item);
	for (size_t i = 0; i < 2 * n; i++)
		t->rank[v[i].key] = (uint32_t)i;
	free(v);
	return 0;
}

/* Appended where room was made. */
static void put(tents *x, const tent *e, uint8_t op)
{
	x->v[x->n] = *e;
	x->v[x->n++].op = op;
}

/* Projection b (bn entries) with delta d applied, into `out`. */
static int apply(const struct pir_trees *t, const tent *b, uint32_t bn, const tent *d, uint32_t dn,
		 tents *out)
{
	uint32_t i = 0, k = 0;

	out->n = 0;
	if (pir_grow((void **)&out->v, &out->cap, (size_t)bn + dn, sizeof(*out->v)) < 0)
		return PIR_ENOMEM;
	while (i < bn || k < dn) {
		if (k == dn || (i < bn && tent_cmp(t, &b[i], &d[k]) < 0))
			out->v[out->n++] = b[i++];
		else if (d[k++].op == OP_DEL)
			i++; /* always the entry at b[i] */
		else
			out->v[out->n++] = d[k - 1];
	}
	return 0;
}

/* Canonical tree c's projection: `*out`, `*n`, valid until the next call. */
int pir_trees_proj(struct pir_trees *t, uint32_t c, const tent **out, uint32_t *n)
{
	const tnode *x = c != PIR_MAP_NONE ? &t->v[c] : NULL;
	const tent *b;
	uint32_t bn;
	pslot *s;
	tents tmp;
	int err;

	*out = NULL, *n = 0;
	if (!x || !x->pn || !(x->flags & T_MADE))
		return 0;
	if (x->flags & T_FULL) {
		*out = t->proj + x->rstart, *n = x->pn;
		return 0;
	}
	s = &t->cache[c % PROJ_CACHE_SLOTS];
	if (s->id1 != c + 1) {
		if ((err = pir_trees_proj(t, x->base, &b, &bn)) < 0 ||
		    (err = apply(t, b, bn, t->proj + x->rstart, x->rn, &t->scratch)) < 0)
			return err;
		tmp = s->e, s->e = t->scratch, t->scratch = tmp;
		s->id1 = c + 1;
	}
	*out = s->e.v, *n = (uint32_t)s->e.n;
	return 0;
}

/* Whether the projection keeps record entry e (added): then `*out`, a subtree by its canonical id.
 */
static bool kept(const pir_repo *r, const tent *e, tent *out)
{
	const struct pir_trees *t = r->trees;

	*out = *e;
	if (e->cls != ENT_TREE)
		return blob_relevant(r, e->target);
	out->target = t->v[e->target].canon;
	return t->v[e->target].pn != 0;
}

/* The projection of tree n (t->out) and its delta against base projection b (t->delta). */
static int project_merge(pir_repo *r, const tnode *n, const tent *b, uint32_t bn)
{
	struct pir_trees *t = r->trees;
	const tent *rec = n->rn ? t->rec + n->rstart : NULL;
	uint32_t i = 0, j = 0;

	t->out.n = t->delta.n = 0;
	if (pir_grow((void **)&t->out.v, &t->out.cap, (size_t)bn + n->rn, sizeof(tent)) < 0 ||
	    pir_grow((void **)&t->delta.v, &t->delta.cap, (size_t)bn + n->rn, sizeof(tent)) < 0)
		return PIR_ENOMEM;
	while (i < bn || j < n->rn) {
		int cmp = j == n->rn ? -1 : i < bn ? tent_cmp(t, &b[i], &rec[j]) : 1;
		const tent *rc = j < n->rn ? &rec[j] : NULL, *old = cmp == 0 ? &b[i] : NULL;
		tent nw = {0, 0, 0, 0}, e;
		bool has = false;

		if (cmp < 0) {
			put(&t->out, &b[i++], OP_ADD);
			continue;
		}
		i += cmp == 0;
		for (; j < n->rn && tent_cmp(t, &rec[j], rc) == 0; j++)
			if (rec[j].op == OP_ADD && kept(r, &rec[j], &e))
				nw = e, has = true;
		if (has)
			put(&t->out, &nw, OP_ADD);
		if (old && has && old->target == nw.target && old->cls == nw.cls)
			continue;
		if (old)
			put(&t->delta, old, OP_DEL);
		if (has)
			put(&t->delta, &nw, OP_ADD);
	}
	return 0;
}

/* Append `x` to proj: where it starts. */
static int proj_store(struct pir_trees *t, const tents *x, uint32_t *start)
{
	if (pir_grow((void **)&t->proj, &t->proj_cap, t->nproj + x->n, sizeof(*t->proj)) < 0)
		return PIR_ENOMEM;
	if (x->n)
		memcpy(t->proj + t->nproj, x->v, x->n * sizeof(*x->v));
	*start = (uint32_t)t->nproj;
	t->nproj += x->n;
	return 0;
}

/* Tree `ti`'s projection: its base's, less what it removed, with what it added and keeps. */
static int project(pir_repo *r, uint32_t ti)
{
	struct pir_trees *t = r->trees;
	tnode *n = &t->v[ti];
	uint32_t ref = n->base != PIR_MAP_NONE ? t->v[n->base].canon : PIR_MAP_NONE, bn;
	const tent *b;
	pslot *s;
	tents tmp;
	int err;

	if ((err = pir_trees_proj(t, ref, &b, &bn)) < 0 || (err = project_merge(r, n, b, bn)) < 0)
		return err;
	n->pn = (uint32_t)t->out.n;
	n->base = ref;
	if (ref != PIR_MAP_NONE && !t->delta.n) {
		n->canon = ref; /* the same projection: nothing to store */
		return 0;
	}
	n->canon = ti;
	if (ref == PIR_MAP_NONE || t->v[ref].depth + 1 >= PROJ_CHAIN ||
	    t->delta.n * 2 >= t->out.n) {
		n->flags |= T_FULL;
		n->depth = 0;
		n->rn = n->pn;
		return proj_store(t, &t->out, &n->rstart);
	}
	n->depth = (uint8_t)(t->v[ref].depth + 1);
	n->rn = (uint32_t)t->delta.n;
	if ((err = proj_store(t, &t->delta, &n->rstart)) < 0)
		return err;
	s = &t->cache[ti % PROJ_CACHE_SLOTS]; /* mostly the next one's base */
	tmp = s->e, s->e = t->out, t->out = tmp;
	s->id1 = ti + 1;
	return 0;
}

int pir_trees_mark(pir_repo *r)
{
	struct pir_trees *t = r->trees;
	int err = 0;

	if (!t)
		return 0;
	if (!t->cache && !(t->cache = pir_calloc(PROJ_CACHE_SLOTS, sizeof(*t->cache))))
		return PIR_ENOMEM;
	if (!t->rank && (err = rank_names(t)) < 0)
		return err;
	for (size_t k = 0; k < t->norder && !err; k++)
		err = project(r, t->order[k]);
	free(t->rec);
	free(t->order);
	t->rec = NULL;
	t->order = NULL;
	t->nrec = t->rec_cap = t->norder = t->order_cap = 0;
	if (!err && t->nproj && t->nproj < t->proj_cap) {
		tent *v = realloc(t->proj, t->nproj * sizeof(*t->proj));
		if (v)
			t->proj = v, t->proj_cap = t->nproj;
	}
	return err;
}

void pir_trees_free(pir_repo *r)
{
	struct pir_trees *t = r->trees;

	if (!t)
		return;
	free(t->v);
	free(t->oids);
	pir_oidset_dispose(&t->map);
	pir_strpool_dispose(&t->names);
	free(t->rank);
	free(t->rec);
	free(t->proj);
	free(t->order);
	free(t->first_ci);
	free(t->first_seq);
	free(t->first_path);
	for (size_t i = 0; t->cache && i < PROJ_CACHE_SLOTS; i++)
		free(t->cache[i].e.v);
	free(t->cache);
	free(t->scratch.v);
	free(t->out.v);
	free(t->delta.v);
	free(t);
	r->trees = NULL;
}
