/* SPDX-License-Identifier: MIT */
/*
 * The history walk (walk.c, treewalk.c, blobs.c, then history/ keys.c and
 * replay.c).
 *
 * 1. Walk every commit reachable from the tips (our own walk, so that a
 *    shallow boundary or a missing parent is a diagnostic, not a failure),
 *    and order them parents first.
 * 2. Compare each commit's tree with its first parent's (treewalk.c),
 *    reading each tree of the history about once, to find every blob.
 * 3. Read every unique blob once, in parallel and in pack order (from the
 *    packs directly, pack.c, else through libgit2), and find its markers
 *    and, where it sits at an action-items path, its entries.
 * 4. Compare each commit with every parent over the trees' projections
 *    (the entries that lead to a blob with keys) and replay the changes: a
 *    commit introduces a key (a marker's text, an entry's ID) when the key
 *    is added relative to every parent, and removes it when it is removed
 *    relative to every parent. A marker merged from a side branch is thus
 *    introduced on the side branch, and a rename moves a marker without
 *    introducing it again.
 *
 * The scanned tree and the changed-since comparison are read here through
 * libgit2, as a HEAD scan needs nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "commit_raw.h"
#include "diag.h"
#include "error.h"
#include "map.h"
#include "pack.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"
#include "source.h"

/* ---- commit walk ---- */

static int load_shallow(pir_repo *r)
{
	char *file = pir_sprintf("%sshallow", git_repository_commondir(r->repo));
	FILE *f;
	char line[128];
	int err = 0;

	if (!file)
		return PIR_ENOMEM;
	f = fopen(file, "r");
	free(file);
	if (!f)
		return 0;
	while (!err && fgets(line, sizeof(line), f)) {
		git_oid oid;
		if (git_oid_fromstrn(&oid, line, GIT_OID_HEXSZ) == 0) {
			err = pir_oidmap_put(&r->shallow_set, &oid, 1, NULL);
			r->shallow = true;
		}
	}
	fclose(f);
	return err;
}

static int push_oid(git_oid **stack, size_t *n, size_t *cap, const git_oid *oid)
{
	if (pir_grow((void **)stack, cap, *n + 1, sizeof(**stack)) < 0)
		return PIR_ENOMEM;
	(*stack)[(*n)++] = *oid;
	return 0;
}

/* A commit the caller already knows (pir_known_commit_fn): recorded without reading it. */
static int record_known(pir_repo *r, const git_oid *oid, const pir_known_commit *k, git_oid **stack,
			size_t *nstack, size_t *stack_cap)
{
	bool boundary = pir_oidmap_get(&r->shallow_set, oid) != PIR_MAP_NONE;
	uint32_t np = boundary ? 0 : k->nparents;
	pir_commit *c;

	if (pir_grow((void **)&r->commits, &r->commits_cap, r->ncommits + 1, sizeof(*c)) < 0)
		return PIR_ENOMEM;
	c = &r->commits[r->ncommits];
	memset(c, 0, sizeof(*c));
	c->oid = *oid;
	c->tree = k->tree;
	c->time = k->time;
	c->nparents = np;
	if (np && !(c->parent_oids = pir_calloc(np, sizeof(git_oid))))
		return PIR_ENOMEM;
	for (uint32_t i = 0; i < np; i++) {
		c->parent_oids[i] = k->parents[i];
		if (push_oid(stack, nstack, stack_cap, &c->parent_oids[i]) < 0)
			return PIR_ENOMEM;
	}
	return pir_oidmap_put(&r->commit_map, oid, (uint32_t)r->ncommits++, NULL);
}

/* A commit read from the object database: recorded as one the caller knew would be. */
static int record_commit(pir_repo *r, git_commit *commit, git_oid **stack, size_t *nstack,
			 size_t *stack_cap)
{
	uint32_t np = (uint32_t)git_commit_parentcount(commit);
	git_oid local[4],
	    *parents = np <= PIR_ARRAY_SIZE(local) ? local : pir_malloc(np * sizeof(git_oid));
	pir_known_commit k = {*git_commit_tree_id(commit),
			      (int64_t)git_commit_author(commit)->when.time, np, parents};
	int err;

	if (!parents)
		return PIR_ENOMEM;
	for (uint32_t i = 0; i < np; i++)
		parents[i] = *git_commit_parent_id(commit, i);
	err = record_known(r, git_commit_id(commit), &k, stack, nstack, stack_cap);
	if (parents != local)
		free(parents);
	return err;
}

/*
 * The commit `oid` from the packs, parsed here (commit_raw.h): 1 with `*k`
 * (its parents in `*parents`, `local` or malloc'd), 0 when it is libgit2's
 * to read, or PIR_ENOMEM.
 */
static int read_raw_commit(pir_repo *r, pir_pack_cursor *cur, const git_oid *oid,
			   pir_known_commit *k, git_oid **parents, git_oid *local, size_t nlocal)
{
	uint64_t pos = pir_packset_find(r->packs, oid->id);
	pir_pack_object po;
	size_t np;
	int rc = 0;

	*parents = local;
	if (pos == PIR_PACK_NOPOS || (rc = pir_pack_read(cur, pos, SIZE_MAX, &po)) == 0 ||
	    rc == 2 || !po.data || po.type != PIR_OBJ_COMMIT)
		return rc < 0 ? rc : 0;
	if (pir_commit_parse((const char *)po.data, po.size, &k->tree, &k->time, local, nlocal,
			     &np))
		return 0;
	if (np > nlocal) {
		if (!(*parents = pir_malloc(np * sizeof(git_oid))))
			return PIR_ENOMEM;
		(void)pir_commit_parse((const char *)po.data, po.size, &k->tree, &k->time, *parents,
				       np, &np);
	}
	k->parents = *parents;
	k->nparents = (uint32_t)np;
	return 1;
}

/* Grafts change what libgit2 reads as a commit's parents: then it reads every commit. */
static bool has_grafts(pir_repo *r)
{
	const char *path = git_repository_path(r->repo);
	char *grafts = path ? pir_sprintf("%sinfo/grafts", path) : NULL;
	bool found = !grafts || access(grafts, F_OK) == 0;

	free(grafts);
	return found;
}

static int walk_commits(pir_repo *r, const git_oid *tips, size_t ntips, pir_known_commit_fn known,
			void *payload)
{
	git_oid *stack = NULL, local[4];
	size_t n = 0, cap = 0;
	pir_pack_cursor *cur = NULL;
	int err = 0;

	/* shallow and grafted histories: libgit2's view of the parents */
	if (r->packs && pir_packset_count(r->packs) && !r->shallow && !has_grafts(r) &&
	    (err = pir_pack_cursor_new(&cur, r->packs, (size_t)1 << 20)) < 0)
		return err;

	for (size_t i = 0; i < ntips && !err; i++)
		err = push_oid(&stack, &n, &cap, &tips[i]);
	while (!err && n) {
		git_oid oid = stack[--n], *parents;
		git_commit *commit = NULL;
		pir_known_commit k;
		int gerr, rc;

		if (pir_oidmap_get(&r->commit_map, &oid) != PIR_MAP_NONE)
			continue;
		if (known && known(payload, &oid, &k)) {
			err = record_known(r, &oid, &k, &stack, &n, &cap);
			continue;
		}
		if (cur && (rc = read_raw_commit(r, cur, &oid, &k, &parents, local,
						 PIR_ARRAY_SIZE(local))) != 0) {
			if (rc < 0) {
				err = rc;
				break;
			}
			err = record_known(r, &oid, &k, &stack, &n, &cap);
			if (parents != local)
				free(parents);
		} else if ((gerr = git_commit_lookup(&commit, r->repo, &oid)) < 0) {
			err = pir_repo_missing(r, &oid, "commit", NULL, gerr);
			/* remember it so that other children do not report it again */
			if (!err)
				err = pir_oidmap_put(&r->commit_map, &oid, PIR_MAP_NONE - 1, NULL);
			continue;
		} else {
			err = record_commit(r, commit, &stack, &n, &cap);
			git_commit_free(commit);
		}
		if (!err && r->ncommits % 4096 == 0)
			err = r->ctx.progress(r->ctx.payload, r->name, "commits", r->ncommits, 0);
	}
	pir_pack_cursor_free(cur);
	if (r->packs)
		pir_packset_release_all(r->packs);
	free(stack);
	return err;
}

/* Parent indices and an order with parents before children (iterative DFS). */
static int order_commits(pir_repo *r)
{
	uint32_t *stack = NULL, *state = NULL;
	size_t n = 0, cap = 0, out = 0;
	int err = 0;

	if (!(r->topo_order = pir_calloc(r->ncommits, sizeof(uint32_t))) ||
	    !(state = pir_calloc(r->ncommits, sizeof(uint32_t))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < r->ncommits; i++) {
		pir_commit *c = &r->commits[i];
		if (c->nparents && !(c->parents = pir_calloc(c->nparents, sizeof(uint32_t)))) {
			err = PIR_ENOMEM;
			goto done;
		}
		for (uint32_t p = 0; p < c->nparents; p++) {
			uint32_t idx = pir_oidmap_get(&r->commit_map, &c->parent_oids[p]);
			c->parents[p] = idx >= r->ncommits ? PIR_MAP_NONE : idx;
		}
	}
	/* state: 0 unvisited, 1 on stack (parents pending), 2 done */
	for (size_t root = 0; root < r->ncommits; root++) {
		if (state[root])
			continue;
		if (pir_grow((void **)&stack, &cap, n + 1, sizeof(*stack)) < 0) {
			err = PIR_ENOMEM;
			goto done;
		}
		stack[n++] = (uint32_t)root;
		while (n) {
			uint32_t ci = stack[n - 1];
			pir_commit *c = &r->commits[ci];
			bool pushed = false;

			if (state[ci] == 2) {
				n--;
				continue;
			}
			state[ci] = 1;
			for (uint32_t p = 0; p < c->nparents; p++) {
				uint32_t pi = c->parents[p];
				if (pi == PIR_MAP_NONE || state[pi])
					continue;
				if (pir_grow((void **)&stack, &cap, n + 1, sizeof(*stack)) < 0) {
					err = PIR_ENOMEM;
					goto done;
				}
				stack[n++] = pi;
				pushed = true;
			}
			if (!pushed) {
				state[ci] = 2;
				c->topo = (uint32_t)out;
				r->topo_order[out++] = ci;
				n--;
			}
		}
	}
done:
	free(stack);
	free(state);
	return err;
}

/* ---- tree comparison ---- */

typedef struct {
	pir_repo *r;
	git_repository *repo;
	pir_strpool *paths;
	pir_buf path;
	pir_change *changes;
	size_t nchanges, changes_cap;
	int error;
	pir_change_filter keep; /* pir_tree_changes with a filter: only the changes it keeps */
	pir_path_filter want;	/* and only at the paths it wants */
	void *keep_payload;
} differ;

static bool is_blob_mode(git_filemode_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

static int lookup_tree(differ *d, git_tree **out, const git_oid *oid)
{
	int gerr;

	*out = NULL;
	if ((gerr = git_tree_lookup(out, d->repo, oid)) == 0)
		return 0;
	return pir_repo_missing(d->r, oid, "tree", d->path.size ? d->path.ptr : NULL, gerr);
}

static int add_change(differ *d, const git_tree_entry *ea, const git_tree_entry *eb)
{
	static const git_oid zero;
	uint32_t ob = PIR_MAP_NONE, nb = PIR_MAP_NONE;
	pir_change *ch;
	uint32_t idx;

	if (d->keep && !d->keep(d->keep_payload, ea ? git_tree_entry_id(ea) : &zero,
				eb ? git_tree_entry_id(eb) : &zero, &ob, &nb))
		return 0;
	if (pir_grow((void **)&d->changes, &d->changes_cap, d->nchanges + 1, sizeof(*ch)) < 0 ||
	    pir_strpool_intern(d->paths, d->path.ptr, d->path.size, &idx) < 0)
		return PIR_ENOMEM;
	ch = &d->changes[d->nchanges++];
	memset(ch, 0, sizeof(*ch));
	if (ea)
		ch->old_oid = *git_tree_entry_id(ea);
	if (eb)
		ch->new_oid = *git_tree_entry_id(eb);
	ch->path = d->paths->strs[idx];
	ch->old_blob = ob;
	ch->new_blob = nb;
	ch->yaml = (uint8_t)d->r->ctx.is_item_file(d->r->ctx.payload, ch->path);
	return 0;
}

static int diff_trees(differ *d, git_tree *a, git_tree *b);

/* One side of a name: ea in the old tree, eb in the new (either may be NULL). */
static int diff_entry(differ *d, const git_tree_entry *ea, const git_tree_entry *eb)
{
	const git_tree_entry *e = ea ? ea : eb;
	bool ta = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
	bool tb = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
	bool ba = ea && is_blob_mode(git_tree_entry_filemode(ea));
	bool bb = eb && is_blob_mode(git_tree_entry_filemode(eb));
	size_t mark = d->path.size;
	int err = 0;

	if (!ta && !tb && !ba && !bb)
		return 0; /* symlinks and submodules hold no markers */
	if ((err = pir_buf_puts(&d->path, git_tree_entry_name(e))) < 0)
		return err;
	if (d->r->ctx.is_excluded &&
	    d->r->ctx.is_excluded(d->r->ctx.payload, d->path.ptr, ta || tb))
		goto done; /* left out: its trees are not even read */
	if (d->want && !d->want(d->keep_payload, d->path.ptr, d->path.size, ta || tb))
		goto done;
	if (ta || tb) {
		git_tree *sa = NULL, *sb = NULL;
		if ((!ta || (err = lookup_tree(d, &sa, git_tree_entry_id(ea))) == 0) &&
		    (!tb || (err = lookup_tree(d, &sb, git_tree_entry_id(eb))) == 0) &&
		    (err = pir_buf_putc(&d->path, '/')) == 0)
			err = diff_trees(d, sa, sb);
		git_tree_free(sa);
		git_tree_free(sb);
	} else if (ba || bb) {
		err = add_change(d, ba ? ea : NULL, bb ? eb : NULL);
	}
done:
	d->path.size = mark;
	if (d->path.ptr)
		d->path.ptr[mark] = '\0';
	return err;
}

static int diff_trees(differ *d, git_tree *a, git_tree *b)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);

		if (cmp == 0) {
			i++, j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
				continue;
			err = diff_entry(d, ea, eb);
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

/* Compare tree `new_id` with `old_id` (NULL: the empty tree) into d->changes. */
static int diff_tree_ids(differ *d, const git_oid *old_id, const git_oid *new_id)
{
	git_tree *a = NULL, *b = NULL;
	int err;

	d->path.size = 0;
	if ((err = pir_buf_grow(&d->path, 256)) < 0)
		return err;
	d->path.ptr[0] = '\0';
	if (old_id && !git_oid_equal(old_id, new_id) && (err = lookup_tree(d, &a, old_id)) < 0)
		goto done;
	if (old_id && git_oid_equal(old_id, new_id))
		goto done;
	if ((err = lookup_tree(d, &b, new_id)) < 0)
		goto done;
	err = diff_trees(d, a, b);
done:
	git_tree_free(a);
	git_tree_free(b);
	return err;
}

static int collect_tips(pir_repo *r, git_oid **tips, size_t *ntips)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	size_t cap = 0;
	int err = 0, gerr;

	*tips = NULL;
	*ntips = 0;
	if ((err = push_oid(tips, ntips, &cap, &r->head_commit)) < 0 || !r->ctx.all_refs)
		return err;
	if ((gerr = git_reference_iterator_new(&it, r->repo)) < 0)
		return pir_error_git(gerr, "cannot list references");
	while (!err && git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		git_object *obj = NULL;

		if ((!strncmp(name, "refs/heads/", 11) || !strncmp(name, "refs/tags/", 10)) &&
		    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0)
			err = push_oid(tips, ntips, &cap, git_object_id(obj));
		git_object_free(obj);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return err;
}

/*
 * A fresh handle on the repository once the commits are read: libgit2's
 * maps of the packs and of their indexes, whose pages the commits' reads
 * made resident, and its object cache, go with the old one.
 */
static int fresh_handle(pir_repo *r)
{
	git_repository *fresh = NULL;
	int err = pir_repo_open_again(&fresh, r);

	if (err < 0)
		return err;
	git_repository_free(r->repo);
	r->repo = fresh;
	return 0;
}

int pir_history_walk_commits(pir_repo *r, pir_known_commit_fn known, void *payload)
{
	git_oid *tips = NULL;
	size_t ntips;
	int err;

	r->slim_history = true; /* the versions only in history: what the replay reads (blobs.c) */
	if ((err = load_shallow(r)) < 0 || (err = collect_tips(r, &tips, &ntips)) < 0 ||
	    (err = walk_commits(r, tips, ntips, known, payload)) < 0 ||
	    (err = order_commits(r)) < 0 || (err = fresh_handle(r)) < 0)
		goto done;
	if (r->shallow)
		err = pir_diag_add(r->ctx.diag, PIR_DIAG_INFO, "shallow", r->name, NULL, 0, 0,
				   "shallow repository: items are dated no earlier than the "
				   "oldest commit present");
done:
	free(tips);
	return err;
}

int pir_history_walk(pir_repo *r)
{
	int err = pir_history_walk_commits(r, NULL, NULL);

	return err < 0 ? err : pir_trees_walk(r);
}

int pir_tree_changes(pir_repo *r, const git_oid *old_tree, const git_oid *new_tree,
		     pir_change_filter keep, pir_path_filter want, void *payload, pir_change **out,
		     size_t *n)
{
	differ d = {r, r->repo, &r->change_paths, PIR_BUF_INIT, NULL, 0, 0, 0, keep, want, payload};
	int err = diff_tree_ids(&d, old_tree, new_tree);

	for (size_t i = 0; i < d.nchanges && !err && !keep; i++) {
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
		d.changes = NULL, d.nchanges = 0;
	}
	*out = d.changes;
	*n = d.nchanges;
	return err;
}

/* ---- the scanned tree ---- */

int pir_head_list(pir_repo *r)
{
	pir_strpool pool = {0};
	differ d = {r, r->repo, &pool, PIR_BUF_INIT, NULL, 0, 0, 0, NULL, NULL, NULL};
	int err;

	if ((err = diff_tree_ids(&d, NULL, &r->head_tree)) < 0)
		goto done;
	if (pir_grow((void **)&r->head, &r->head_cap, d.nchanges, sizeof(*r->head)) < 0) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < d.nchanges && !err; i++) {
		pir_head_entry *h = &r->head[r->nhead++];
		if (!(h->path = pir_arena_strdup(&r->arena, d.changes[i].path))) {
			err = PIR_ENOMEM;
			break;
		}
		h->yaml = d.changes[i].yaml;
		err = pir_blob_intern(r, &d.changes[i].new_oid, h->yaml, &h->blob);
	}
done:
	free(d.changes);
	pir_buf_dispose(&d.path);
	pir_strpool_dispose(&pool);
	return err;
}

/* Paths added or changed between `since_tree` and the scanned tree, with their old blobs. */
int pir_since_diff(pir_repo *r, const git_oid *since_tree)
{
	pir_strpool pool = {0};
	differ d = {r, r->repo, &pool, PIR_BUF_INIT, NULL, 0, 0, 0, NULL, NULL, NULL};
	size_t cap = 0, gone_cap = 0;
	int err;

	r->has_since = true;
	if ((err = diff_tree_ids(&d, since_tree, &r->head_tree)) < 0)
		goto done;
	for (size_t i = 0; i < d.nchanges && !err; i++) {
		const pir_change *ch = &d.changes[i];
		static const git_oid zero;
		uint32_t idx, old = PIR_MAP_NONE;

		if (!git_oid_equal(&ch->old_oid, &zero)) {
			/* remembered even for deleted paths: a moved marker is not a new one */
			if ((err = pir_blob_intern(r, &ch->old_oid, ch->yaml, &old)) < 0 ||
			    (err = pir_grow((void **)&r->since_gone, &gone_cap, r->nsince_gone + 1,
					    sizeof(uint32_t))) < 0)
				break;
			r->since_gone[r->nsince_gone++] = old;
		}
		if (git_oid_equal(&ch->new_oid, &zero))
			continue; /* deleted: no location to mark */
		if ((err = pir_strpool_intern(&r->since_paths, ch->path, strlen(ch->path), &idx)) <
			0 ||
		    (err = pir_grow((void **)&r->since_old, &cap, idx + 1, sizeof(uint32_t))) < 0)
			break;
		r->since_old[idx] = old;
	}
done:
	free(d.changes);
	pir_buf_dispose(&d.path);
	pir_strpool_dispose(&pool);
	return err;
}

void pir_repo_free_history(pir_repo *r)
{
	for (size_t i = 0; i < r->ncommits; i++) {
		pir_commit *c = &r->commits[i];
		free(c->parent_oids);
		free(c->parents);
		free(c->changes);
		free(c->pstart);
	}
	free(r->commits);
	r->commits = NULL;
	r->ncommits = r->commits_cap = 0;
	free(r->topo_order);
	r->topo_order = NULL;
	pir_trees_free(r);
}

void pir_history_drop_changes(pir_repo *r)
{
	for (size_t i = 0; i < r->ncommits; i++) {
		free(r->commits[i].changes);
		free(r->commits[i].pstart);
		r->commits[i].changes = NULL;
		r->commits[i].pstart = NULL;
		r->commits[i].nchanges = 0;
	}
	pir_trees_free(r);
}
