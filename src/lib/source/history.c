/* SPDX-License-Identifier: MIT */
/*
 * The history walk.
 *
 * 1. Walk every commit reachable from the tips (our own walk, so that a
 *    shallow boundary or a missing parent is a diagnostic, not a failure).
 * 2. Compare each commit's tree with each parent's tree, in parallel, one
 *    git_repository per thread. Subtrees whose ids are equal are skipped, so
 *    the cost is proportional to what changed, not to the tree's size.
 * 3. Read every unique blob once, in parallel and in pack order (from the
 *    packs directly, pack.c, else through libgit2), and find its markers
 *    and, where it sits at an action-items path, its entries.
 * 4. Replay the changes: a commit introduces a key (a marker's text, an
 *    entry's ID) when the key is added relative to every parent, and removes
 *    it when it is removed relative to every parent. A marker merged from a
 *    side branch is thus introduced on the side branch, and a rename moves a
 *    marker without introducing it again.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "extract.h"
#include "map.h"
#include "pack.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "source.h"

#define CHUNK_COMMITS 32
/*
 * Blobs are handed out in runs of consecutive pack positions: long runs keep
 * a delta and its base on the same thread (each has its own cache), short
 * enough ones (at least 8 per thread) keep both threads busy to the end.
 */
#define CHUNK_BLOBS_MIN 64
#define CHUNK_BLOBS_MAX 4096
/* Delta bases kept for the blob phase, shared out between the threads. */
#define DELTA_CACHE_BYTES ((size_t)64 << 20)
#define DELTA_CACHE_MIN ((size_t)8 << 20)
/* Pack pages this far behind the slowest thread are given back to the kernel. */
#define PACK_KEEP_BEHIND ((size_t)32 << 20)

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

static int record_commit(pir_repo *r, git_commit *commit, git_oid **stack, size_t *nstack,
			 size_t *stack_cap)
{
	const git_oid *oid = git_commit_id(commit);
	bool boundary = pir_oidmap_get(&r->shallow_set, oid) != PIR_MAP_NONE;
	uint32_t np = boundary ? 0 : (uint32_t)git_commit_parentcount(commit);
	pir_commit *c;

	if (pir_grow((void **)&r->commits, &r->commits_cap, r->ncommits + 1, sizeof(*c)) < 0)
		return PIR_ENOMEM;
	c = &r->commits[r->ncommits];
	memset(c, 0, sizeof(*c));
	c->oid = *oid;
	c->tree = *git_commit_tree_id(commit);
	c->time = (int64_t)git_commit_author(commit)->when.time;
	c->nparents = np;
	if (np && !(c->parent_oids = pir_calloc(np, sizeof(git_oid))))
		return PIR_ENOMEM;
	for (uint32_t i = 0; i < np; i++) {
		c->parent_oids[i] = *git_commit_parent_id(commit, i);
		if (push_oid(stack, nstack, stack_cap, &c->parent_oids[i]) < 0)
			return PIR_ENOMEM;
	}
	return pir_oidmap_put(&r->commit_map, oid, (uint32_t)r->ncommits++, NULL);
}

static int walk_commits(pir_repo *r, const git_oid *tips, size_t ntips)
{
	git_oid *stack = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (size_t i = 0; i < ntips && !err; i++)
		err = push_oid(&stack, &n, &cap, &tips[i]);
	while (!err && n) {
		git_oid oid = stack[--n];
		git_commit *commit = NULL;
		int gerr;

		if (pir_oidmap_get(&r->commit_map, &oid) != PIR_MAP_NONE)
			continue;
		if ((gerr = git_commit_lookup(&commit, r->repo, &oid)) < 0) {
			err = pir_repo_missing(r, &oid, "commit", NULL, gerr);
			/* remember it so that other children do not report it again */
			if (!err)
				err = pir_oidmap_put(&r->commit_map, &oid, PIR_MAP_NONE - 1, NULL);
			continue;
		}
		err = record_commit(r, commit, &stack, &n, &cap);
		git_commit_free(commit);
		if (!err && r->ncommits % 4096 == 0)
			err = r->ctx.progress(r->ctx.payload, r->name, "commits", r->ncommits, 0);
	}
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
	pir_change *ch;
	uint32_t idx;

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
	ch->old_blob = ch->new_blob = PIR_MAP_NONE;
	ch->yaml = d->r->ctx.is_item_file(d->r->ctx.payload, ch->path);
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

static int diff_commit(differ *d, pir_commit *c)
{
	uint32_t groups = c->nparents ? c->nparents : 1;
	int err;

	d->nchanges = 0;
	if (!(c->pstart = pir_calloc(groups + 1, sizeof(uint32_t))))
		return PIR_ENOMEM;
	for (uint32_t p = 0; p < groups; p++) {
		const git_oid *old = NULL;
		if (c->nparents && c->parents[p] != PIR_MAP_NONE)
			old = &d->r->commits[c->parents[p]].tree;
		c->pstart[p] = (uint32_t)d->nchanges;
		if ((err = diff_tree_ids(d, old, &c->tree)) < 0)
			return err;
	}
	c->pstart[groups] = (uint32_t)d->nchanges;
	c->nchanges = (uint32_t)d->nchanges;
	if (d->nchanges) {
		if (!(c->changes = pir_malloc(d->nchanges * sizeof(pir_change))))
			return PIR_ENOMEM;
		memcpy(c->changes, d->changes, d->nchanges * sizeof(pir_change));
	}
	return 0;
}

/* ---- workers ---- */

typedef struct {
	pir_repo *r;
	size_t chunk;
	atomic_size_t *fronts; /* blobs: per thread, the start of its run (SIZE_MAX: done) */
	atomic_size_t next;
	atomic_size_t done;
	atomic_int failed;
} job;

typedef struct {
	job *job;
	size_t index;
	int error;
	char message[512];
	int (*fn)(void *self, git_repository *repo);
	pthread_t tid;
} worker;

static void worker_fail(worker *w, int err)
{
	const char *msg = pir_error_last();

	w->error = err;
	snprintf(w->message, sizeof(w->message), "%s", msg ? msg : "unknown error");
	atomic_store(&w->job->failed, 1);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	git_repository *repo = NULL;
	int err;

	if ((err = pir_repo_open_again(&repo, w->job->r)) < 0)
		worker_fail(w, err);
	else if ((err = w->fn(w, repo)) < 0)
		worker_fail(w, err);
	git_repository_free(repo);
	return NULL;
}

/*
 * Run fn on `threads` workers (the calling thread is one of them and reports
 * progress), each with its own repository. Returns the first error.
 */
static int run_workers(pir_repo *r, job *jb, int (*fn)(void *, git_repository *),
		       const char *phase, size_t total)
{
	unsigned n = r->ctx.threads;
	worker *ws = pir_calloc(n, sizeof(*ws));
	int err = 0;
	unsigned started = 1;

	if (!ws)
		return PIR_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		ws[i].job = jb;
		ws[i].index = i;
		ws[i].fn = fn;
	}
	for (unsigned i = 1; i < n; i++) {
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
			break;
		started++;
	}
	/* the calling thread works too, in the repository it already has */
	if ((err = fn(&ws[0], r->repo)) < 0)
		worker_fail(&ws[0], err);
	for (unsigned i = 1; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	/* the first real error: PIR_EUSER from a worker only means another one failed */
	err = 0;
	for (unsigned pass = 0; pass < 2 && !err; pass++) {
		for (unsigned i = 0; i < started && !err; i++) {
			if (ws[i].error && (pass == 1 || ws[i].error != PIR_EUSER)) {
				err = ws[i].error;
				pir_error_set(err, "%s", ws[i].message);
			}
		}
	}
	if (!err)
		err = r->ctx.progress(r->ctx.payload, r->name, phase, total, total);
	free(ws);
	return err;
}

/* The calling thread's worker reports progress between chunks. */
static int maybe_progress(worker *w, const char *phase, size_t total)
{
	job *jb = w->job;

	if (w->index != 0)
		return atomic_load(&jb->failed) ? PIR_EUSER : 0;
	if (atomic_load(&jb->failed))
		return PIR_EUSER;
	return jb->r->ctx.progress(jb->r->ctx.payload, jb->r->name, phase, atomic_load(&jb->done), total);
}

static int diff_worker(void *self, git_repository *repo)
{
	worker *w = self;
	pir_repo *r = w->job->r;
	differ d = {r, repo, &r->tpaths[w->index].pool, PIR_BUF_INIT, NULL, 0, 0, 0};
	int err = 0;

	for (;;) {
		size_t start = atomic_fetch_add(&w->job->next, w->job->chunk);
		if (start >= r->ncommits)
			break;
		for (size_t k = start; k < start + w->job->chunk && k < r->ncommits && !err; k++)
			err = diff_commit(&d, &r->commits[r->topo_order[k]]);
		if (err)
			break;
		atomic_fetch_add(&w->job->done, w->job->chunk);
		if ((err = maybe_progress(w, "trees", r->ncommits)) < 0)
			break;
	}
	free(d.changes);
	pir_buf_dispose(&d.path);
	return err == PIR_EUSER && w->index != 0 ? 0 : err;
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

int pir_history_walk(pir_repo *r)
{
	git_oid *tips = NULL;
	size_t ntips;
	job jb;
	int err;

	if ((err = load_shallow(r)) < 0 || (err = collect_tips(r, &tips, &ntips)) < 0 ||
	    (err = walk_commits(r, tips, ntips)) < 0 || (err = order_commits(r)) < 0)
		goto done;
	if (r->shallow &&
	    (err = pir_diag_add(r->ctx.diag, PIR_DIAG_INFO, "shallow", r->name, NULL, 0, 0,
				 "shallow repository: items are dated no earlier than the "
				 "oldest commit present")) < 0)
		goto done;
	if (!(r->tpaths = pir_calloc(r->ctx.threads, sizeof(*r->tpaths)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	r->ntpaths = r->ctx.threads;
	jb.chunk = CHUNK_COMMITS;
	jb.fronts = NULL;
	atomic_init(&jb.next, 0);
	atomic_init(&jb.done, 0);
	atomic_init(&jb.failed, 0);
	jb.r = r;
	err = run_workers(r, &jb, diff_worker, "trees", r->ncommits);
done:
	free(tips);
	return err;
}

/* ---- the scanned tree ---- */

int pir_head_list(pir_repo *r)
{
	pir_strpool pool = {0};
	differ d = {r, r->repo, &pool, PIR_BUF_INIT, NULL, 0, 0, 0};
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
	differ d = {r, r->repo, &pool, PIR_BUF_INIT, NULL, 0, 0, 0};
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
		if ((err = pir_strpool_intern(&r->since_paths, ch->path, strlen(ch->path), &idx)) < 0 ||
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

/* ---- blobs ---- */

int pir_blob_intern(pir_repo *r, const git_oid *oid, bool yaml, uint32_t *out)
{
	uint32_t idx;
	pir_blob *b;

	if ((idx = pir_oidmap_get(&r->blob_map, oid)) == PIR_MAP_NONE) {
		if (pir_grow((void **)&r->blobs, &r->blobs_cap, r->nblobs + 1, sizeof(*b)) < 0)
			return PIR_ENOMEM;
		idx = (uint32_t)r->nblobs;
		if (pir_oidmap_put(&r->blob_map, oid, idx, NULL) < 0)
			return PIR_ENOMEM;
		b = &r->blobs[r->nblobs++];
		memset(b, 0, sizeof(*b));
		b->oid = *oid;
	}
	if (yaml)
		r->blobs[idx].flags |= PIR_BLOB_WANT_YAML;
	*out = idx;
	return 0;
}

static int intern_change_blobs(pir_repo *r)
{
	static const git_oid zero;
	int err = 0;

	for (size_t i = 0; i < r->ncommits && !err; i++) {
		pir_commit *c = &r->commits[i];
		for (uint32_t k = 0; k < c->nchanges && !err; k++) {
			pir_change *ch = &c->changes[k];
			if (!git_oid_equal(&ch->old_oid, &zero))
				err = pir_blob_intern(r, &ch->old_oid, ch->yaml, &ch->old_blob);
			if (!err && !git_oid_equal(&ch->new_oid, &zero))
				err = pir_blob_intern(r, &ch->new_oid, ch->yaml, &ch->new_blob);
		}
	}
	return err;
}

/*
 * Pack order. Blobs are read in the order of their pack offsets, so that a
 * delta's base was read just before it and is still in the cache; in
 * object-id order every read rebuilds its delta chain from far away. The
 * offsets come from the pack indexes (pack.c), which libgit2 does not expose.
 */
static void pack_positions(pir_repo *r)
{
	const pir_packset *ps = r->packs;
	size_t total = 0;

	for (size_t p = 0; p < pir_packset_count(ps); p++)
		total += pir_packset_objects(ps, p);
	/* few blobs (a HEAD scan): look each up; many: one pass over each index */
	if (r->nblobs < total / 16) {
		for (size_t b = 0; b < r->nblobs; b++)
			r->blob_pos[b] = pir_packset_find(ps, r->blobs[b].oid.id);
		return;
	}
	for (size_t p = 0; p < pir_packset_count(ps); p++) {
		for (uint32_t i = 0; i < pir_packset_objects(ps, p); i++) {
			const git_oid *id = (const git_oid *)pir_packset_id(ps, p, i);
			uint32_t b = pir_oidmap_get(&r->blob_map, id);
			if (b != PIR_MAP_NONE && r->blob_pos[b] == PIR_PACK_NOPOS)
				r->blob_pos[b] = pir_packset_pos(ps, p, i);
		}
	}
}

static int cmp_pos(const void *a, const void *b, void *arg)
{
	const uint64_t *pos = arg;
	uint64_t x = pos[*(const uint32_t *)a], y = pos[*(const uint32_t *)b];
	return x < y ? -1 : x > y;
}

/* r->scan_order: blob indices in pack order; loose and unknown objects last. */
static int order_blobs(pir_repo *r)
{
	if (!(r->blob_pos = pir_malloc((r->nblobs + 1) * sizeof(*r->blob_pos))) ||
	    !(r->scan_order = pir_malloc((r->nblobs + 1) * sizeof(uint32_t))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < r->nblobs; i++) {
		r->blob_pos[i] = PIR_PACK_NOPOS;
		r->scan_order[i] = (uint32_t)i;
	}
	pack_positions(r);
	if (r->nblobs)
		qsort_r(r->scan_order, r->nblobs, sizeof(uint32_t), cmp_pos, r->blob_pos);
	return 0;
}

typedef struct {
	git_odb *odb;
	pir_pack_cursor *cursor;
	pir_marker_scratch *scratch;
} blob_reader;

/* The blob is there but cannot be read: unknown content, reported with its path later. */
static int unreadable(pir_blob *b, const char *cause)
{
	b->flags |= PIR_BLOB_MISSING | PIR_BLOB_UNREADABLE;
	return (b->cause = pir_strdup(cause)) ? 0 : PIR_ENOMEM;
}

/* libgit2 could not read it: absent (a partial clone's) or unreadable. */
static int read_failed(pir_repo *r, pir_blob *b, int gerr)
{
	char cause[512];

	if (pir_repo_unreadable(r, &b->oid, gerr, cause, sizeof(cause)))
		return unreadable(b, cause);
	b->flags |= PIR_BLOB_MISSING;
	return 0;
}

/*
 * The blob's content, from the pack directly or else through libgit2. 0 with
 * `*data` NULL when it is not to be scanned (its flags say why); PIR_ENOMEM.
 */
static int read_blob(pir_repo *r, blob_reader *br, size_t bi, const char **data, size_t *len,
		     git_odb_object **obj)
{
	pir_blob *b = &r->blobs[bi];
	size_t max = r->ctx.max_blob_size;
	git_object_t type;
	int gerr;

	*data = NULL;
	if (br->cursor) {
		pir_pack_object po;
		int rc = pir_pack_read(br->cursor, r->blob_pos[bi], max, &po);
		if (rc < 0)
			return rc;
		if (rc == 2)
			return unreadable(b, "its delta chain comes back on itself");
		if (rc == 1 && (!po.data || po.type == PIR_OBJ_BLOB)) {
			b->size = po.size;
			if (!po.data)
				b->flags |= PIR_BLOB_TOOBIG;
			*data = (const char *)po.data;
			*len = po.size;
			return 0;
		}
	}
	if ((gerr = git_odb_read_header(len, &type, br->odb, &b->oid)) < 0)
		return read_failed(r, b, gerr);
	b->size = *len;
	if (*len > max) {
		b->flags |= PIR_BLOB_TOOBIG;
		return 0;
	}
	if ((gerr = git_odb_read(obj, br->odb, &b->oid)) < 0)
		return read_failed(r, b, gerr);
	*data = git_odb_object_data(*obj);
	*len = git_odb_object_size(*obj);
	return 0;
}

static int scan_blob(pir_repo *r, blob_reader *br, size_t bi)
{
	pir_blob *b = &r->blobs[bi];
	size_t len = 0;
	git_odb_object *obj = NULL;
	const char *data;
	int err;

	if ((err = read_blob(r, br, bi, &data, &len, &obj)) < 0 || !data)
		return err;
	if (memchr(data, '\0', len < 8000 ? len : 8000)) {
		b->flags |= PIR_BLOB_BINARY;
		goto done;
	}
	if ((err = pir_marker_scan(&b->markers, r->ctx.matcher, br->scratch, data, len,
				   b->flags & PIR_BLOB_AT_HEAD ? PIR_MARKER_MENTIONS : 0)) < 0)
		goto done;
	if (b->flags & PIR_BLOB_WANT_YAML) {
		if (!(b->entries = pir_calloc(1, sizeof(*b->entries)))) {
			err = PIR_ENOMEM;
			goto done;
		}
		err = pir_actions_parse(b->entries, data, len,
					r->ctx.severities);
		for (size_t i = 0; !err && i < b->entries->diags.n; i++)
			if (!strcmp(b->entries->diags.v[i].code, "yaml-syntax"))
				b->flags |= PIR_BLOB_YAML_BROKEN;
	}
done:
	b->flags |= PIR_BLOB_SCANNED;
	git_odb_object_free(obj);
	return err;
}

/* Each thread's part of the delta base cache; many threads get a little more in all. */
static size_t cache_share(unsigned threads)
{
	size_t share = DELTA_CACHE_BYTES / threads;
	return share < DELTA_CACHE_MIN ? DELTA_CACHE_MIN : share;
}

/*
 * Runs are taken in pack order, so every blob before the lowest run still
 * being read is done: the pack pages well behind it can go.
 */
static void release_behind(job *jb)
{
	pir_repo *r = jb->r;
	size_t low = SIZE_MAX;

	for (unsigned i = 0; i < r->ctx.threads; i++) {
		size_t f = atomic_load(&jb->fronts[i]);
		low = f < low ? f : low;
	}
	if (low < r->nblobs)
		pir_packset_release_below(r->packs, r->blob_pos[r->scan_order[low]],
					  PACK_KEEP_BEHIND);
}

static int blob_worker(void *self, git_repository *repo)
{
	worker *w = self;
	pir_repo *r = w->job->r;
	blob_reader br = {NULL, NULL, NULL};
	int err, gerr;

	if ((gerr = git_repository_odb(&br.odb, repo)) < 0)
		return pir_error_git(gerr, "cannot open the object database");
	if ((err = pir_marker_scratch_new(&br.scratch, r->ctx.matcher)) < 0)
		goto done;
	if (pir_packset_count(r->packs) &&
	    (err = pir_pack_cursor_new(&br.cursor, r->packs, cache_share(r->ctx.threads))) < 0)
		goto done;
	for (;;) {
		size_t chunk = w->job->chunk, start = atomic_fetch_add(&w->job->next, chunk);
		if (start >= r->nblobs)
			break;
		atomic_store(&w->job->fronts[w->index], start);
		for (size_t k = start; k < start + chunk && k < r->nblobs && !err; k++)
			err = scan_blob(r, &br, r->scan_order[k]);
		if (err)
			break;
		release_behind(w->job);
		atomic_fetch_add(&w->job->done, chunk);
		if ((err = maybe_progress(w, "blobs", r->nblobs)) < 0)
			break;
	}
done:
	atomic_store(&w->job->fronts[w->index], SIZE_MAX);
	pir_pack_cursor_free(br.cursor);
	pir_marker_scratch_free(br.scratch);
	git_odb_free(br.odb);
	return err == PIR_EUSER && w->index != 0 ? 0 : err;
}

int pir_blobs_scan(pir_repo *r)
{
	job jb;
	int err;

	if ((err = intern_change_blobs(r)) < 0 || (err = order_blobs(r)) < 0)
		return err;
	atomic_init(&jb.next, 0);
	atomic_init(&jb.done, 0);
	atomic_init(&jb.failed, 0);
	jb.r = r;
	jb.chunk = r->nblobs / ((size_t)r->ctx.threads * 8);
	jb.chunk = jb.chunk < CHUNK_BLOBS_MIN	? CHUNK_BLOBS_MIN
		   : jb.chunk > CHUNK_BLOBS_MAX ? CHUNK_BLOBS_MAX
						: jb.chunk;
	if (!(jb.fronts = pir_calloc(r->ctx.threads, sizeof(*jb.fronts))))
		return PIR_ENOMEM;
	for (unsigned i = 0; i < r->ctx.threads; i++)
		atomic_init(&jb.fronts[i], 0);
	err = run_workers(r, &jb, blob_worker, "blobs", r->nblobs);
	free(jb.fronts);
	return err;
}

/* ---- keys ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int intern_key(pir_repo *r, char kind, const char *s, pir_buf *tmp, uint32_t *out)
{
	tmp->size = 0;
	if (pir_buf_putc(tmp, kind) < 0 || pir_buf_puts(tmp, s) < 0)
		return PIR_ENOMEM;
	return pir_strpool_intern(&r->keys_pool, tmp->ptr, tmp->size, out);
}

static int key_set(uint32_t **out, uint32_t *n, uint32_t *tmp, size_t count)
{
	size_t u = 0;

	qsort(tmp, count, sizeof(*tmp), cmp_u32);
	for (size_t i = 0; i < count; i++)
		if (!u || tmp[u - 1] != tmp[i])
			tmp[u++] = tmp[i];
	if (!(*out = pir_malloc(u * sizeof(uint32_t))))
		return PIR_ENOMEM;
	memcpy(*out, tmp, u * sizeof(uint32_t));
	*n = (uint32_t)u;
	return 0;
}

typedef struct {
	uint32_t key, entry;
} key_entry;

static int cmp_key_entry(const void *a, const void *b)
{
	const key_entry *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* ykeys (sorted, unique) and, beside each, the index of the first entry with that ID. */
static int entry_keys(pir_repo *r, pir_blob *b, pir_buf *tmp)
{
	key_entry *ke = pir_malloc(b->entries->n * sizeof(*ke));
	size_t n = 0, u = 0;
	int err = 0;

	if (!ke)
		return PIR_ENOMEM;
	for (size_t k = 0; k < b->entries->n && !err; k++) {
		if (!b->entries->v[k].id)
			continue;
		ke[n].entry = (uint32_t)k;
		err = intern_key(r, 'y', b->entries->v[k].id, tmp, &ke[n++].key);
	}
	if (!err && n) {
		qsort(ke, n, sizeof(*ke), cmp_key_entry);
		if (!(b->ykeys = pir_malloc(n * sizeof(uint32_t))) ||
		    !(b->yentry = pir_malloc(n * sizeof(uint32_t))))
			err = PIR_ENOMEM;
		for (size_t i = 0; !err && i < n; i++) {
			if (u && b->ykeys[u - 1] == ke[i].key)
				continue;
			b->ykeys[u] = ke[i].key;
			b->yentry[u++] = ke[i].entry;
		}
		b->nykeys = (uint32_t)u;
	}
	free(ke);
	return err;
}

int pir_keys_build(pir_repo *r)
{
	pir_buf tmp = PIR_BUF_INIT;
	uint32_t *ids = NULL;
	size_t cap = 0;
	int err = 0;

	for (size_t i = 0; i < r->nblobs && !err; i++) {
		pir_blob *b = &r->blobs[i];
		size_t n = 0;

		if (b->markers.n) {
			if ((err = pir_grow((void **)&ids, &cap, b->markers.n, sizeof(*ids))) < 0)
				break;
			for (size_t k = 0; k < b->markers.n && !err; k++)
				err = intern_key(r, 'm', b->markers.v[k].text, &tmp, &ids[n++]);
			if (!err)
				err = key_set(&b->mkeys, &b->nmkeys, ids, n);
		}
		if (!err && b->entries && b->entries->n)
			err = entry_keys(r, b, &tmp);
	}
	if (!err && !(r->keys = pir_calloc(r->keys_pool.n + 1, sizeof(pir_key))))
		err = PIR_ENOMEM;
	for (size_t k = 0; !err && k < r->keys_pool.n; k++) {
		r->keys[k].intro_commit = PIR_MAP_NONE;
		r->keys[k].rm_commit = PIR_MAP_NONE;
		r->keys[k].rm_blob = PIR_MAP_NONE;
	}
	free(ids);
	pir_buf_dispose(&tmp);
	return err;
}

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

static void blob_keys(const pir_repo *r, uint32_t blob, bool yaml, const uint32_t **m,
		      uint32_t *nm, const uint32_t **y, uint32_t *ny)
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
		    (want->is_status ? x->closed == want->closed : same_due(x->new_due, want->new_due)))
			break;
	}
	if (c == rp->ncand) {
		if (group != 0)
			return 0; /* not against the first parent: not this commit's */
		if (pir_grow((void **)&rp->cand, &rp->cand_cap, rp->ncand + 1, sizeof(*rp->cand)) < 0)
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
			due_candidate want = {o->ykeys[i], eo->due_raw, en->due_raw, false, false, 0};
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
		if (pir_grow((void **)&key->due, &key->due_cap, key->ndue + 1, sizeof(*key->due)) < 0)
			return PIR_ENOMEM;
		key->due[key->ndue++] = (pir_due_event){ci, rp->cand[c].old_due, rp->cand[c].new_due,
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

int pir_history_replay(pir_repo *r)
{
	size_t nk = r->keys_pool.n + 1;
	uint32_t *a_done = NULL, *r_done = NULL;
	replay rp = {0};
	int err = 0;

	if (!r->keys_pool.n)
		return 0;
	if (!(rp.a_gen = pir_calloc(nk, 4)) || !(rp.r_gen = pir_calloc(nk, 4)) ||
	    !(rp.c_gen = pir_calloc(nk, 4)) || !(rp.a_cnt = pir_calloc(nk, 4)) ||
	    !(rp.r_cnt = pir_calloc(nk, 4)) || !(rp.rm_blob = pir_calloc(nk, 4)) ||
	    !(rp.rm_path = pir_calloc(nk, sizeof(char *))) || !(a_done = pir_calloc(nk, 4)) ||
	    !(r_done = pir_calloc(nk, 4))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t t = 0; t < r->ncommits && !err; t++) {
		uint32_t ci = r->topo_order[t];
		pir_commit *c = &r->commits[ci];
		uint32_t groups = c->nparents ? c->nparents : 1;

		rp.cgen++;
		rp.ntouched = 0;
		rp.ncand = 0;
		for (uint32_t g = 0; g < groups && !err; g++) {
			rp.gen++;
			for (uint32_t k = c->pstart[g]; k < c->pstart[g + 1]; k++) {
				stamp(r, &rp, c->changes[k].new_blob, c->changes[k].yaml, rp.a_gen);
				stamp(r, &rp, c->changes[k].old_blob, c->changes[k].yaml, rp.r_gen);
			}
			for (uint32_t k = c->pstart[g]; k < c->pstart[g + 1] && !err; k++) {
				err = count_side(r, &rp, &c->changes[k], false, a_done);
				if (!err)
					err = count_side(r, &rp, &c->changes[k], true, r_done);
				if (!err)
					err = collect_due_moves(r, &rp, &c->changes[k], g);
			}
		}
		if (!err)
			settle(r, &rp, ci);
		if (!err)
			err = settle_due(r, &rp, ci, groups);
	}
done:
	free(rp.a_gen);
	free(rp.r_gen);
	free(rp.c_gen);
	free(rp.a_cnt);
	free(rp.r_cnt);
	free(rp.rm_blob);
	free(rp.rm_path);
	free(rp.touched);
	free(rp.cand);
	free(a_done);
	free(r_done);
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
}
