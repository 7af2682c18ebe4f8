/* SPDX-License-Identifier: MIT */
/*
 * pir_tree_changes (walk.c) for many comparisons in a row: the same
 * comparison, entry for entry, over trees read by pirscan's own reader
 * (tree.c: from the packs, parsed here, with a cache of parsed trees)
 * instead of libgit2's object lookups. The history cache compares each new
 * commit with its parents with it: consecutive commits share most of their
 * trees, which the cache then holds already.
 *
 * Exactly as walk.c's diff_trees: entries in their stored order, paired by
 * git's name order; a pair with the same id is no change, whatever the
 * modes; symlinks and submodules are left out; excludes, then the caller's
 * path filter, are asked before a folder is read; a tree that cannot be
 * read is reported (as libgit2 reports it) and compared as empty.
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

/* Parsed trees kept between comparisons (as treewalk.c's walk keeps them). */
#define DIFFER_SLOTS 256
/* Comparisons between two releases of the pack pages their trees made resident. */
#define DIFFER_RELEASE 4096

struct pir_tree_differ {
	pir_repo *r;
	pir_tree_reader *tr;
	pir_oidmap keys; /* tree id -> its key in the reader's cache */
	size_t calls;
	pir_oidmap link_map; /* the ids met as symlinks, once each */
	git_oid *links;
	size_t nlinks, links_cap;
};

typedef struct {
	pir_tree_differ *td;
	pir_buf path;
	pir_change *changes;
	size_t n, cap;
	pir_change_filter keep;
	pir_path_filter want;
	void *payload;
} tdiff;

int pir_tree_differ_new(pir_tree_differ **out, pir_repo *r)
{
	pir_tree_differ *td = pir_calloc(1, sizeof(*td));
	int err;

	*out = NULL;
	if (!td)
		return PIR_ENOMEM;
	td->r = r;
	if ((err = pir_tree_reader_new(&td->tr, r->repo, r->packs, DIFFER_SLOTS)) < 0) {
		pir_tree_differ_free(td);
		return err;
	}
	*out = td;
	return 0;
}

void pir_tree_differ_free(pir_tree_differ *td)
{
	if (!td)
		return;
	pir_tree_reader_free(td->tr);
	pir_oidmap_dispose(&td->keys);
	pir_oidmap_dispose(&td->link_map);
	free(td->links);
	if (td->r->packs)
		pir_packset_release_all(td->r->packs);
	free(td);
}

/* A tree that cannot be read: reported as walk.c's lookup_tree reports it. */
static int report(tdiff *d, const git_oid *oid, const char *cause)
{
	return pir_repo_tree_unreadable(d->td->r, oid, d->path.size ? d->path.ptr : NULL, cause);
}

/* Tree `id` (20 bytes): 0 and `*out`, NULL when it cannot be read (reported); PIR_ENOMEM. */
static int read_tree(tdiff *d, const unsigned char *id, pir_tree **out)
{
	pir_tree_differ *td = d->td;
	const char *cause = NULL;
	uint32_t key;
	git_oid oid;
	int gerr, rc;

	memcpy(oid.id, id, GIT_OID_RAWSZ);
	if (pir_oidmap_put(&td->keys, &oid, (uint32_t)td->keys.n, &key) < 0)
		return PIR_ENOMEM;
	if ((rc = pir_tree_read(td->tr, &oid, key, out, &gerr, &cause)) != 1)
		return rc;
	return report(d, &oid, cause);
}

static int add_change(tdiff *d, const pir_tree_entry *ea, const pir_tree_entry *eb)
{
	static const git_oid zero;
	uint32_t ob = PIR_MAP_NONE, nb = PIR_MAP_NONE, idx;
	pir_repo *r = d->td->r;
	git_oid old = zero, nw = zero;
	pir_change *ch;

	if (ea)
		memcpy(old.id, ea->id, GIT_OID_RAWSZ);
	if (eb)
		memcpy(nw.id, eb->id, GIT_OID_RAWSZ);
	if (d->keep && !d->keep(d->payload, &old, &nw, &ob, &nb))
		return 0;
	if (pir_grow((void **)&d->changes, &d->cap, d->n + 1, sizeof(*ch)) < 0 ||
	    pir_strpool_intern(&r->change_paths, d->path.ptr, d->path.size, &idx) < 0)
		return PIR_ENOMEM;
	ch = &d->changes[d->n++];
	memset(ch, 0, sizeof(*ch));
	ch->old_oid = old;
	ch->new_oid = nw;
	ch->path = r->change_paths.strs[idx];
	ch->old_blob = ob;
	ch->new_blob = nb;
	ch->yaml = (uint8_t)r->ctx.is_item_file(r->ctx.payload, ch->path);
	return 0;
}

static bool is_file(uint16_t attr)
{
	git_filemode_t m = pir_tree_filemode(attr);
	return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* An entry that is neither file nor folder nor submodule: a symlink, its id noted. */
static int note_link(tdiff *d, const pir_tree_entry *e)
{
	pir_tree_differ *td = d->td;
	uint32_t had;
	git_oid oid;

	if (!e || is_file(e->attr) || pir_tree_is_dir(e->attr) || pir_tree_is_gitlink(e->attr))
		return 0;
	memcpy(oid.id, e->id, GIT_OID_RAWSZ);
	if (pir_oidmap_put(&td->link_map, &oid, (uint32_t)td->nlinks, &had) < 0)
		return PIR_ENOMEM;
	if (had != td->nlinks)
		return 0;
	if (pir_grow((void **)&td->links, &td->links_cap, td->nlinks + 1, sizeof(*td->links)) < 0)
		return PIR_ENOMEM;
	td->links[td->nlinks++] = oid;
	return 0;
}

static int diff_pair(tdiff *d, const pir_tree *a, const pir_tree *b);

/* Two subtrees at d->path (either id NULL: none), each read, then compared. */
static int diff_subtrees(tdiff *d, const unsigned char *ida, const unsigned char *idb)
{
	pir_tree *sa = NULL, *sb = NULL;
	int err;

	if ((!ida || (err = read_tree(d, ida, &sa)) == 0) &&
	    (!idb || (err = read_tree(d, idb, &sb)) == 0) &&
	    (err = pir_buf_putc(&d->path, '/')) == 0)
		err = diff_pair(d, sa, sb);
	pir_tree_release(d->td->tr, sa);
	pir_tree_release(d->td->tr, sb);
	return err;
}

/* One name: ea in the old tree, eb in the new (either may be NULL). */
static int diff_entry(tdiff *d, const pir_tree_entry *ea, const pir_tree_entry *eb)
{
	const pir_repo *r = d->td->r;
	const pir_tree_entry *e = ea ? ea : eb;
	bool ta = ea && pir_tree_is_dir(ea->attr), tb = eb && pir_tree_is_dir(eb->attr);
	bool ba = ea && is_file(ea->attr), bb = eb && is_file(eb->attr);
	size_t mark = d->path.size;
	int err;

	if ((err = note_link(d, ea)) < 0 || (err = note_link(d, eb)) < 0)
		return err;
	if (!ta && !tb && !ba && !bb)
		return 0; /* symlinks and submodules hold no markers */
	if ((err = pir_buf_put(&d->path, e->name, e->name_len)) < 0)
		return err;
	if (r->ctx.is_excluded && r->ctx.is_excluded(r->ctx.payload, d->path.ptr, ta || tb))
		goto done; /* left out: its trees are not even read */
	if (d->want && !d->want(d->payload, d->path.ptr, d->path.size, ta || tb))
		goto done;
	if (ta || tb)
		err = diff_subtrees(d, ta ? ea->id : NULL, tb ? eb->id : NULL);
	else
		err = add_change(d, ba ? ea : NULL, bb ? eb : NULL);
done:
	d->path.size = mark;
	d->path.ptr[mark] = '\0';
	return err;
}

static int diff_pair(tdiff *d, const pir_tree *a, const pir_tree *b)
{
	size_t na = a ? a->n : 0, nb = b ? b->n : 0, i = 0, j = 0;
	int err = 0;

	while (!err && (i < na || j < nb)) {
		const pir_tree_entry *ea = i < na ? &a->v[i] : NULL;
		const pir_tree_entry *eb = j < nb ? &b->v[j] : NULL;
		int cmp =
		    !ea	  ? 1
		    : !eb ? -1
			  : pir_tree_name_cmp(ea->name, ea->name_len, pir_tree_is_dir(ea->attr),
					      eb->name, eb->name_len, pir_tree_is_dir(eb->attr));

		if (cmp == 0) {
			i++, j++;
			if (memcmp(ea->id, eb->id, GIT_OID_RAWSZ))
				err = diff_entry(d, ea, eb);
			else if (ea->attr != eb->attr) /* a file become a symlink: no change */
				err = note_link(d, ea) < 0 ? PIR_ENOMEM : note_link(d, eb);
		} else if (cmp < 0) {
			i++;
			err = diff_entry(d, ea, NULL);
		} else {
			j++;
			err = diff_entry(d, NULL, eb);
		}
	}
	return err;
}

/* Tree `new_id` against `old_id` (NULL: the empty tree), as walk.c's diff_tree_ids. */
static int diff_ids(tdiff *d, const git_oid *old_id, const git_oid *new_id)
{
	pir_tree *a = NULL, *b = NULL;
	int err;

	if ((err = pir_buf_grow(&d->path, 256)) < 0)
		return err;
	d->path.ptr[0] = '\0';
	if (old_id && git_oid_equal(old_id, new_id))
		return 0;
	if ((!old_id || (err = read_tree(d, old_id->id, &a)) == 0) &&
	    (err = read_tree(d, new_id->id, &b)) == 0)
		err = diff_pair(d, a, b);
	pir_tree_release(d->td->tr, a);
	pir_tree_release(d->td->tr, b);
	return err;
}

int pir_tree_differ_changes(pir_tree_differ *td, const git_oid *old_tree, const git_oid *new_tree,
			    pir_change_filter keep, pir_path_filter want, void *payload,
			    pir_change **out, size_t *n)
{
	tdiff d = {td, PIR_BUF_INIT, NULL, 0, 0, keep, want, payload};
	pir_repo *r = td->r;
	int err = diff_ids(&d, old_tree, new_tree);

	for (size_t i = 0; i < d.n && !err && !keep; i++) {
		pir_change *ch = &d.changes[i];
		static const git_oid zero;
		if (!git_oid_equal(&ch->old_oid, &zero))
			err = pir_blob_intern(r, &ch->old_oid, ch->yaml, &ch->old_blob);
		if (!err && !git_oid_equal(&ch->new_oid, &zero))
			err = pir_blob_intern(r, &ch->new_oid, ch->yaml, &ch->new_blob);
	}
	pir_buf_dispose(&d.path);
	if (err) {
		free(d.changes);
		d.changes = NULL, d.n = 0;
	}
	/* the trees are all over the packs: their pages would stay resident */
	if (++td->calls % DIFFER_RELEASE == 0 && r->packs)
		pir_packset_release_all(r->packs);
	*out = d.changes;
	*n = d.n;
	return err;
}

size_t pir_tree_differ_links(const pir_tree_differ *td, const git_oid **out)
{
	*out = td->links;
	return td->nlinks;
}
