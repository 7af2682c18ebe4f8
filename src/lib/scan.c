/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cache.h"
#include "arena.h"
#include "diag.h"
#include "error.h"
#include "extract.h"
#include "fleet.h"
#include "gitinit.h"
#include "glob.h"
#include "hist.h"
#include "history.h"
#include "link.h"
#include "map.h"
#include "model.h"
#include "pack.h"
#include "result.h"
#include "result_json.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "scan_int.h"
#include "source.h"

static const char *const default_item_files[] = {"action-items.yml", "action-items.yaml", NULL};

int pir_library_init(void)
{
	pir_git_acquire();
	return 0;
}

void pir_library_shutdown(void)
{
	pir_git_release();
}

static size_t count_list(const char *const *list)
{
	size_t n = 0;
	while (list && list[n])
		n++;
	return n;
}

static int copy_list(const char ***out, size_t *n, const char *const *list,
		     const char *const *fallback)
{
	const char *const *src = list && list[0] ? list : fallback;

	*n = count_list(src);
	if (!(*out = pir_calloc(*n + 1, sizeof(char *))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = src[i];
	return 0;
}

/* The marker patterns of the options; group names they do not use are warnings. */
static int new_matcher(pir_scan *s)
{
	const char *one[2] = {s->opts.marker_pattern, NULL};
	const char *const *list = s->opts.marker_patterns && s->opts.marker_patterns[0]
				      ? s->opts.marker_patterns
				  : one[0] ? one
					   : NULL;
	int err = pir_marker_matcher_new(
	    &s->matcher, list, s->opts.marker_require_reference ? PIR_MARKER_REQUIRE_REF : 0);

	for (size_t i = 0; !err && i < pir_marker_matcher_warning_count(s->matcher); i++)
		err = pir_diag_add(&s->diag, PIR_DIAG_WARNING, "marker-group", NULL, NULL, 0, 0,
				   "%s", pir_marker_matcher_warning(s->matcher, i));
	return err;
}

int pir_scan_new(pir_scan **out, const pir_scan_options *opts)
{
	pir_scan_options defaults = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s;
	int err;

	*out = NULL;
	if (opts && opts->version != PIR_SCAN_OPTIONS_VERSION)
		return pir_error_set(PIR_EINVALID, "unsupported options version %u", opts->version);
	if (!(s = pir_calloc(1, sizeof(*s))))
		return PIR_ENOMEM;
	s->opts = opts ? *opts : defaults;
	pir_diag_sink_init(&s->diag);
	pthread_mutex_init(&s->progress_lock, NULL);
	pir_git_acquire();
	if ((err = copy_list(&s->severities, &s->nseverities, s->opts.severities,
			     pir_default_severities())) < 0 ||
	    (err = copy_list(&s->item_files, &s->nitem_files, s->opts.item_files,
			     default_item_files)) < 0)
		goto fail;
	if (s->nseverities > PIR_SEVERITY_MAX) {
		err = pir_error_set(PIR_EINVALID, "at most %d severities", PIR_SEVERITY_MAX);
		goto fail;
	}
	if ((err = new_matcher(s)) < 0)
		goto fail;
	s->as_of = s->opts.as_of == PIR_DATE_NONE ? pir_date_today() : s->opts.as_of;
	pir_cache_extraction_key(s->extraction, &s->opts);
	s->threads = s->opts.threads;
	if (!s->threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		s->threads = n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
	}
	*out = s;
	return 0;
fail:
	pir_scan_free(s);
	return err;
}

static void blob_dispose(pir_blob *b)
{
	pir_blob_drop_markers(b);
	if (b->entries) {
		pir_entry_list_clear(b->entries);
		free(b->entries);
	}
	free(b->mkeys);
	free(b->ykeys);
	free(b->yentry);
	free(b->ypack);
	free(b->cause);
}

/* What reading the repository built (history, blobs, keys), dropped: it can be read again. */
static void repo_drop_read(pir_repo *r)
{
	pir_repo_free_history(r);
	pir_ages_free(r->ages);
	r->ages = NULL;
	for (size_t i = 0; i < r->nblobs; i++)
		blob_dispose(&r->blobs[i]);
	r->nblobs = r->nscan = r->nhead = 0;
	free(r->scan_order);
	free(r->scan_leaf);
	free(r->blob_pos);
	r->scan_order = NULL;
	r->scan_leaf = NULL;
	r->blob_pos = NULL;
	pir_oidset_dispose(&r->blob_map);
	pir_oidmap_dispose(&r->commit_map);
	pir_oidmap_dispose(&r->shallow_set);
	r->shallow = false;
	for (size_t k = 0; r->keys && k < r->keys_pool.n; k++)
		free(r->keys[k].due);
	free(r->keys);
	r->keys = NULL;
	pir_strpool_dispose(&r->keys_pool); /* after the keys: it holds their count */
	pir_strpool_dispose(&r->due_pool);
	pir_strpool_dispose(&r->change_paths);
}

static void repo_free(pir_repo *r)
{
	if (!r)
		return;
	repo_drop_read(r);
	free(r->blobs);
	pir_packset_free(r->packs);
	pir_oidmap_dispose(&r->missing);
	pir_strpool_dispose(&r->since_paths);
	free(r->since_old);
	free(r->since_gone);
	free(r->head);
	pir_arena_dispose(&r->arena);
	pir_diag_sink_dispose(&r->diag);
	pthread_mutex_destroy(&r->missing_lock);
	git_repository_free(r->repo);
	free(r->refname);
	free(r->path);
	free(r->gitdir);
	free(r->open_error);
	free(r);
}

void pir_scan_free(pir_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrepos; i++)
		repo_free(s->repos[i]);
	free(s->repos);
	for (size_t i = 0; i < s->nresults; i++)
		pir_result_free(s->results[i]);
	free(s->results);
	pir_strpool_dispose(&s->changed_diags);
	pir_strpool_dispose(&s->gitdirs);
	free(s->gitdir_repo);
	free(s->severities);
	free(s->item_files);
	pir_marker_matcher_free(s->matcher);
	free(s->items);
	pir_incidents_free(s);
	pir_diag_sink_dispose(&s->diag);
	pthread_mutex_destroy(&s->progress_lock);
	free(s->repinfo);
	free(s->added);
	pir_arena_dispose(&s->arena);
	free(s);
	pir_git_release();
}

bool pir_scan_is_excluded(const pir_scan *s, const char *path, bool is_dir)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (const char *const *e = s->opts.exclude; e && *e; e++) {
		const char *pat = *e;
		size_t n = strlen(pat);
		bool anchored = strchr(pat, '/') != NULL;

		if (pir_glob_match(pat, anchored ? path : base))
			return true;
		/* a folder is left out whole when a pattern DIR followed by slash-star-star names
		 * it */
		if (is_dir && n > 3 && !strcmp(pat + n - 3, "/**")) {
			char head[4096];
			if (n - 3 < sizeof(head)) {
				memcpy(head, pat, n - 3);
				head[n - 3] = '\0';
				if (pir_glob_match(head, strchr(head, '/') ? path : base))
					return true;
			}
		}
	}
	return false;
}

/* A Markdown file whose path names a postmortem, an incident or a PIR; or one of the globs. */
static bool is_postmortem_doc(const pir_scan *s, const char *path)
{
	static const char *const words[] = {"postmortem", "post-mortem", "incident", "pir"};
	size_t n = strlen(path);

	if (s->opts.postmortem_files && s->opts.postmortem_files[0]) {
		for (const char *const *g = s->opts.postmortem_files; *g; g++)
			if (pir_glob_match(*g, path))
				return true;
		return false;
	}
	if (!((n > 3 && !strcasecmp(path + n - 3, ".md")) ||
	      (n > 9 && !strcasecmp(path + n - 9, ".markdown"))))
		return false;
	for (size_t i = 0; i < PIR_ARRAY_SIZE(words); i++)
		for (const char *p = path; *p; p++)
			if (!strncasecmp(p, words[i], strlen(words[i])))
				return true;
	return false;
}

unsigned pir_scan_is_item_file(const pir_scan *s, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < s->nitem_files; i++)
		if (strcmp(base, s->item_files[i]) == 0)
			return PIR_ITEMS_YAML;
	return is_postmortem_doc(s, path) ? PIR_ITEMS_DOC : 0;
}

static int progress_cb(void *payload, const char *repo, const char *phase, size_t done,
		       size_t total)
{
	return pir_scan_progress(payload, repo, phase, done, total);
}

static unsigned item_file_cb(const void *payload, const char *path)
{
	return pir_scan_is_item_file(payload, path);
}

static bool excluded_cb(const void *payload, const char *path, bool is_dir)
{
	return pir_scan_is_excluded(payload, path, is_dir);
}

/* What the reading stages get from the scan, instead of calling up into it. */
static void source_ctx(pir_source_ctx *ctx, pir_scan *s)
{
	ctx->diag = &s->diag;
	ctx->progress = progress_cb;
	ctx->is_item_file = item_file_cb;
	ctx->is_excluded = s->opts.exclude ? excluded_cb : NULL;
	ctx->payload = s;
	ctx->matcher = s->matcher;
	ctx->severities = s->severities;
	ctx->max_blob_size = s->opts.max_blob_size;
	ctx->threads = s->threads;
	ctx->all_refs = s->opts.all_refs;
}

/* Its folder name until the scan runs and names every repository at once (name_repos). */
static const char *folder_name(pir_scan *s, git_repository *repo)
{
	char *root = pir_fleet_repo_root(repo);
	const char *name = NULL;

	if (root && pir_fleet_suffix_names(&name, (const char *const *)&root, 1, NULL, &s->arena))
		name = NULL;
	free(root);
	return name;
}

/* A repository's name from its path alone (one that could not be opened). */
static const char *path_name(pir_scan *s, const char *p)
{
	size_t len = strlen(p);
	const char *start;

	while (len > 1 && p[len - 1] == '/')
		len--;
	start = p + len;
	while (start > p && start[-1] != '/')
		start--;
	len -= (size_t)(start - p);
	if (len > 4 && !memcmp(start + len - 4, ".git", 4))
		len -= 4;
	return len ? pir_arena_strndup(&s->arena, start, len) : pir_arena_strdup(&s->arena, "repo");
}

/* Keep `r` (its name set) as the next repository; frees it on failure. */
static int keep(pir_scan *s, pir_repo *r, const pir_repository_options *o)
{
	if (!r->name ||
	    pir_grow((void **)&s->repos, &s->repos_cap, s->nrepos + 1, sizeof(*s->repos)) < 0 ||
	    pir_grow((void **)&s->added, &s->added_cap, s->nrepos + 1, sizeof(*s->added)) < 0) {
		repo_free(r);
		return PIR_ENOMEM;
	}
	s->added[s->nrepos].named = o && o->name;
	s->added[s->nrepos].shown = o && o->shown ? pir_arena_strdup(&s->arena, o->shown) : NULL;
	s->added[s->nrepos].position = o && o->position ? o->position - 1 : s->nrepos;
	s->repos[s->nrepos++] = r;
	return 0;
}

/*
 * A repository that cannot be scanned (a failed fetch, with `code`
 * fetch-failed; one that cannot be opened, with keep_going): kept, without
 * anything opened, so that the scan reports it in every output.
 */
static int add_unopened(pir_scan *s, pir_repo *r, const pir_repository_options *o, const char *code,
			const char *why)
{
	r->open_code = code;
	if (!(r->open_error = pir_strdup(why ? why : "unknown error"))) {
		repo_free(r);
		return PIR_ENOMEM;
	}
	r->name = o && o->name ? pir_arena_strdup(&s->arena, o->name) : path_name(s, r->path);
	return keep(s, r, o);
}

int pir_scan_add_repository(pir_scan *s, const char *path)
{
	return pir_scan_add_repository_ext(s, path, NULL);
}

/* Open r->path: PIR_ENOTREPO when it is no repository, saying why. */
static int open_repo(pir_repo *r)
{
	const char *path = r->path;
	int gerr = git_repository_open_ext(&r->repo, path, 0, NULL);
	struct stat st;

	if (gerr >= 0)
		return 0;
	if (gerr == GIT_ENOTFOUND && stat(path, &st) < 0)
		return pir_error_set(PIR_ENOTREPO, "'%s': %s", path,
				     errno == ENOENT ? "no such file or directory"
						     : strerror(errno));
	if (gerr == GIT_ENOTFOUND)
		return pir_error_set(PIR_ENOTREPO, "'%s' is not a git repository", path);
	return pir_error_git(gerr, path);
}

int pir_scan_add_repository_ext(pir_scan *s, const char *path, const pir_repository_options *o)
{
	pir_repo *r;
	int err = 0;

	if (s->ran)
		return pir_error_set(PIR_EINVALID, "the scan has already run");
	if (o && (o->version < 1 || o->version > PIR_REPOSITORY_OPTIONS_VERSION))
		return pir_error_set(PIR_EINVALID, "unsupported repository options version %u",
				     o->version);
	if (!(r = pir_calloc(1, sizeof(*r))))
		return PIR_ENOMEM;
	r->scan = s;
	pthread_mutex_init(&r->missing_lock, NULL);
	pir_diag_sink_init(&r->diag);
	source_ctx(&r->ctx, s);
	r->ctx.diag = &r->diag;
	if (!(r->path = pir_strdup(path))) {
		err = PIR_ENOMEM;
		goto fail;
	}
	if (o && o->error)
		return add_unopened(s, r, o, "fetch-failed", o->error);
	if (o && o->version >= 2 && o->gitdir && o->name && s->opts.keep_going) {
		/* opened when scanned (pir_scan_one) */
		if (!(r->gitdir = pir_strdup(o->gitdir))) {
			err = PIR_ENOMEM;
			goto fail;
		}
	} else if ((err = open_repo(r)) < 0) {
		if (s->opts.keep_going && err != PIR_ENOMEM)
			return add_unopened(s, r, o, "repository-error", pir_error_last());
		goto fail;
	} else if (!(r->gitdir = realpath(git_repository_path(r->repo), NULL)) &&
		   !(r->gitdir = pir_strdup(git_repository_path(r->repo)))) {
		err = PIR_ENOMEM;
		goto fail;
	}
	/* the same repository by another path (a symlink, its .git, a folder in it): once */
	size_t before = s->gitdirs.n;
	uint32_t id;
	if (pir_strpool_intern(&s->gitdirs, r->gitdir, strlen(r->gitdir), &id) < 0 ||
	    pir_grow((void **)&s->gitdir_repo, &s->gitdir_cap, s->gitdirs.n,
		     sizeof(*s->gitdir_repo)) < 0) {
		err = PIR_ENOMEM;
		goto fail;
	}
	if (s->gitdirs.n == before) {
		const pir_repo *same = s->repos[s->gitdir_repo[id]];
		err = pir_diag_add(&s->diag, PIR_DIAG_INFO, "same-repository", same->name, NULL, 0,
				   0, "'%s' is the same repository as '%s'; scanned once", path,
				   same->path);
		repo_free(r);
		return err;
	}
	s->gitdir_repo[id] = s->nrepos; /* keep() adds it there */
	r->name = o && o->name ? pir_arena_strdup(&s->arena, o->name) : folder_name(s, r->repo);
	return keep(s, r, o);
fail:
	repo_free(r);
	return err;
}

/* The revision scanned (--ref, else HEAD), kept as r->refname; NULL when out of memory. */
static const char *ref_spec(pir_repo *r)
{
	if (!r->refname)
		r->refname = pir_strdup(r->scan->opts.ref ? r->scan->opts.ref : "HEAD");
	return r->refname;
}

/* Find the commit and tree to scan (r->empty for an empty repository); read_repo opens the objects.
 */
static int resolve_ref(pir_repo *r)
{
	const char *spec = ref_spec(r);
	git_object *obj = NULL;
	git_commit *commit = NULL;
	int gerr, err = 0;

	if (!spec)
		return PIR_ENOMEM;
	if (!r->scan->opts.ref && git_repository_head_unborn(r->repo) == 1) {
		git_reference *head = NULL;
		git_reference_iterator *it = NULL;
		git_reference *any = NULL;
		bool has_refs = false;

		r->empty = true;
		if (git_reference_iterator_new(&it, r->repo) == 0) {
			has_refs = git_reference_next(&any, it) == 0;
			git_reference_free(any);
			git_reference_iterator_free(it);
		}
		if (!has_refs)
			return pir_diag_add(r->ctx.diag, PIR_DIAG_WARNING, "empty-repository",
					    r->name, NULL, 0, 0, "repository has no commits yet");
		/* a mirror whose HEAD names a branch it does not have: say so, nothing is scanned
		 */
		git_reference_lookup(&head, r->repo, "HEAD");
		err = pir_diag_add(r->ctx.diag, PIR_DIAG_ERROR, "unborn-head", r->name, NULL, 0, 0,
				   "HEAD names %s, which does not exist; nothing scanned",
				   head && git_reference_symbolic_target(head)
				       ? git_reference_symbolic_target(head)
				       : "a branch");
		git_reference_free(head);
		return err;
	}
	if ((gerr = git_revparse_single(&obj, r->repo, spec)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set(PIR_ENOTFOUND, "%s: unknown revision '%s'", r->name, spec)
			  : pir_error_git(gerr, r->name);
		goto done;
	}
	if ((gerr = git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT)) < 0) {
		err = pir_error_set(PIR_EINVALID, "%s: '%s' does not name a commit", r->name, spec);
		goto done;
	}
	r->head_commit = *git_commit_id(commit);
	r->head_tree = *git_commit_tree_id(commit);
done:
	git_commit_free(commit);
	git_object_free(obj);
	return err;
}

/*
 * --changed-since: the tree to compare with, in this repository: that of the
 * merge base of REF and the scanned commit, as `git diff REF...HEAD` does, so
 * that a branch behind its target is not blamed for the target's own changes.
 */
static int since_tree(pir_repo *r)
{
	const char *spec = r->scan->opts.changed_since;
	git_object *obj = NULL;
	git_commit *commit = NULL, *base_commit = NULL;
	git_oid tree, base;
	int gerr, err;

	if ((gerr = git_revparse_single(&obj, r->repo, spec)) < 0 ||
	    (gerr = git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set_option(PIR_ENOTFOUND, "changed_since",
						 "%s: unknown revision '%s'", r->name, spec)
			  : pir_error_git(gerr, r->name);
		goto done;
	}
	tree = *git_commit_tree_id(commit);
	if (git_merge_base(&base, r->repo, git_commit_id(commit), &r->head_commit) == 0 &&
	    git_commit_lookup(&base_commit, r->repo, &base) == 0)
		tree = *git_commit_tree_id(base_commit);
	err = pir_since_diff(r, &tree);
done:
	git_commit_free(base_commit);
	git_commit_free(commit);
	git_object_free(obj);
	return err;
}

static int report_head_skips(pir_repo *r)
{
	int err = 0;

	for (size_t i = 0; i < r->nhead && !err; i++) {
		const pir_head_entry *h = &r->head[i];
		const pir_blob *b = &r->blobs[h->blob];

		if (b->flags & PIR_BLOB_BINARY) {
			r->binary_skipped++;
			if (h->yaml)
				err = pir_diag_add(r->ctx.diag, PIR_DIAG_ERROR, "binary", r->name,
						   h->path, 0, 0,
						   "action-items file is binary; skipped");
		} else if (b->flags & PIR_BLOB_TOOBIG) {
			err = pir_diag_add(
			    r->ctx.diag, PIR_DIAG_WARNING, "too-large", r->name, h->path, 0, 0,
			    "file is larger than the limit (%llu > %zu bytes); skipped",
			    (unsigned long long)b->size, r->scan->opts.max_blob_size);
		} else if ((b->flags & PIR_BLOB_MISSING) && !(b->flags & PIR_BLOB_UNREADABLE)) {
			err = pir_repo_report(r, &b->oid, "blob", h->path, NULL);
		} else if (h->yaml && b->entries) {
			for (size_t k = 0; k < b->entries->diags.n && !err; k++) {
				const pir_fdiag *d = &b->entries->diags.v[k];
				err = pir_diag_add(r->ctx.diag, d->level, d->code, r->name, h->path,
						   d->line, d->column, "%s", d->message);
			}
		}
	}
	if (!err && r->ncommits) {
		/* versions only in history: those of the scanned tree were reported by path */
		bool *at_head = pir_calloc(r->nblobs ? r->nblobs : 1, sizeof(*at_head));
		size_t missing = 0;
		if (!at_head)
			return PIR_ENOMEM;
		for (size_t i = 0; i < r->nhead; i++)
			at_head[r->head[i].blob] = true;
		for (size_t i = 0; i < r->nblobs; i++)
			missing += (r->blobs[i].flags & (PIR_BLOB_MISSING | PIR_BLOB_UNREADABLE)) ==
				       PIR_BLOB_MISSING &&
				   !at_head[i];
		free(at_head);
		if (missing)
			err = pir_diag_add(
			    r->ctx.diag, PIR_DIAG_WARNING, "missing-object", r->name, NULL, 0, 0,
			    "%zu file version%s in history cannot be read (a partial "
			    "clone?); items are dated from the versions that can",
			    missing, missing == 1 ? "" : "s");
	}
	if (!err && r->binary_skipped)
		err = pir_diag_add(r->ctx.diag, PIR_DIAG_INFO, "binary", r->name, NULL, 0, 0,
				   "%zu binary file%s skipped", r->binary_skipped,
				   r->binary_skipped == 1 ? "" : "s");
	return err;
}

/* remote.NAME.promisor = true (matched by hand: libgit2 1.5 leaks a regex's failed matches) */
static int promisor_remote(const git_config_entry *e, void *payload)
{
	size_t n = strlen(e->name);
	int on = 0;

	if (n > 16 && !strncmp(e->name, "remote.", 7) && !strcmp(e->name + n - 9, ".promisor") &&
	    git_config_parse_bool(&on, e->value) == 0 && on)
		*(bool *)payload = true;
	return 0;
}

/*
 * What it takes to tell an absent object from an unreadable one: whether
 * the repository is a partial clone, and which of its packs can be read
 * (the packs are then read directly in the blob phase, pack.c).
 */
static int open_objects(pir_repo *r)
{
	char *dir = pir_sprintf("%sobjects/pack", git_repository_commondir(r->repo));
	git_config *cfg = NULL;
	const char *v;
	int err;

	if (!dir)
		return PIR_ENOMEM;
	if (git_repository_config_snapshot(&cfg, r->repo) == 0) {
		if (git_config_get_string(&v, cfg, "extensions.partialclone") == 0 && *v)
			r->promisor = true;
		git_config_foreach(cfg, promisor_remote, &r->promisor);
		git_config_free(cfg);
	}
	err = pir_packset_open(&r->packs, dir, 0);
	free(dir);
	return err;
}

/* Back to a repository just prepared: what a history replay from the cache read is dropped. */
static void repo_reset(pir_repo *r, size_t ndiags)
{
	repo_drop_read(r);
	r->diag.n = ndiags;
}

/*
 * Read the prepared repository: the scanned tree, the history, every blob,
 * the replay; the history from the first of the cache's records under
 * `hkey` that can be used ("" for none; NULL: no cache), recording it in
 * `rec` (NULL: not recorded).
 */
static int read_repo(pir_scan *s, pir_repo *r, char hkey[2][PIR_SHA256_HEX], struct pir_hist *rec)
{
	size_t ndiags = r->diag.n, before, k = 0;
	int err, done = 0;

	if ((err = open_objects(r)) < 0)
		return err;
again:
	if ((err = pir_head_list(r)) < 0)
		return err;
	for (size_t i = 0; i < r->nhead; i++) /* near misses are looked for there only */
		r->blobs[r->head[i].blob].flags |= PIR_BLOB_AT_HEAD;

	if (s->opts.changed_since && (err = since_tree(r)) < 0)
		return err;
	while (!s->opts.no_history && hkey && !done && k < 2) {
		before = r->nblobs;
		if (hkey[k][0] && (done = pir_scan_history_replay(s, hkey[k], r, rec)) < 0)
			return done;
		k++;
		if (!done && (r->ncommits || r->nblobs != before)) {
			repo_reset(r, ndiags); /* not for this history: read whole */
			pir_hist_dispose(rec);
			goto again;
		}
	}
	if (!done && !s->opts.no_history && (err = pir_history_walk(r)) < 0)
		return err;
	if (!done && ((err = pir_blobs_scan(r)) < 0 || (err = pir_keys_build(r)) < 0))
		return err;
	if (!done && !s->opts.no_history && (err = pir_scan_replay_history(r, rec)) < 0)
		return err;
	if ((err = pir_scan_report_unreadable(r)) < 0)
		return err;
	pir_history_drop_changes(r);
	return report_head_skips(r);
}

static int scan_repo(pir_scan *s, pir_repo *r)
{
	int err = resolve_ref(r);

	return err < 0 || r->empty ? err : read_repo(s, r, NULL, NULL);
}

/*
 * The object the scanned ref names, read from the refs alone, when the
 * ref is HEAD or given by its full name (refs/...), so that a result from
 * the cache needs no object read: 1 and `*out`; 0 for any other revision
 * (revparse's rules decide those) and for an unborn HEAD.
 */
static int ref_target(pir_repo *r, git_oid *out)
{
	const char *spec = ref_spec(r);

	if (!spec)
		return PIR_ENOMEM;
	if (strcmp(spec, "HEAD") && strncmp(spec, "refs/", 5))
		return 0;
	if (git_reference_name_to_id(out, r->repo, spec) < 0) {
		git_error_clear();
		return 0;
	}
	return 1;
}

/* Scan repository i, or take its result from the cache, and collect it. */
static int scan_or_cached(pir_scan *s, size_t i, pir_result **res)
{
	pir_repo *r = s->repos[i];
	char key[PIR_SHA256_HEX] = "", hkey[2][PIR_SHA256_HEX] = {"", ""}, cand[2][PIR_SHA256_HEX];
	pir_hist rec = {0};
	git_oid tip;
	int err, quick;

	if (!s->cache)
		return (err = scan_repo(s, r)) < 0
			   ? err
			   : pir_result_collect(res, r, !s->opts.no_history);
	/* HEAD, or a ref by its full name: looked up before any object is read */
	if ((quick = ref_target(r, &tip)) < 0)
		return quick;
	if (quick && (err = pir_scan_cache_lookup(s, i, &tip, key, hkey, res)) != 0)
		return err < 0 ? err : 0;
	if ((err = resolve_ref(r)) < 0)
		return err;
	if (!quick && !r->empty &&
	    (err = pir_scan_cache_lookup(s, i, &r->head_commit, key, hkey, res)) != 0)
		return err < 0 ? err : 0;
	if (!r->empty && hkey[0][0] && (err = pir_scan_history_candidates(s, hkey, cand)) < 0)
		return err;
	if ((!r->empty && (err = read_repo(s, r, hkey[0][0] ? cand : NULL, &rec)) < 0) ||
	    (err = pir_result_collect(res, r, !s->opts.no_history)) < 0 ||
	    (key[0] && (err = pir_scan_cache_store(s, i, key, *res)) < 0))
		goto done;
	/* the history's record, for the next scan whose refs moved on */
	if (hkey[0][0] && rec.ncommits && pir_scan_cache_storable(*res))
		err = pir_scan_history_store(s, i, hkey, r, &rec);
done:
	pir_hist_dispose(&rec);
	return err;
}

/*
 * The names of the repositories added without one, from all their roots at
 * once (fleet/names.c): never one of those given. Two given alike: an error.
 */
static int name_repos(pir_scan *s)
{
	const char **roots = pir_calloc(s->nrepos + 1, sizeof(*roots));
	const char **names = pir_calloc(s->nrepos + 1, sizeof(*names));
	size_t *at = pir_calloc(s->nrepos + 1, sizeof(*at)), n = 0;
	pir_strpool taken = {0};
	int err = roots && names && at ? 0 : PIR_ENOMEM;

	for (size_t i = 0; i < s->nrepos && !err; i++) {
		size_t before = taken.n;
		uint32_t id;
		if (!s->added[i].named) {
			at[n] = i;
			pir_repo *r = s->repos[i];
			if (!(roots[n++] =
				  r->repo ? pir_fleet_repo_root(r->repo) : pir_strdup(r->path)))
				err = PIR_ENOMEM;
		} else if (!(err = pir_strpool_intern(&taken, s->repos[i]->name,
						      strlen(s->repos[i]->name), &id)) &&
			   taken.n == before) {
			err = pir_error_set(PIR_EINVALID, "two repositories are named '%s'",
					    s->repos[i]->name);
		}
	}
	if (!err && n)
		err = pir_fleet_suffix_names(names, roots, n, &taken, &s->arena);
	for (size_t k = 0; k < n; k++) {
		if (!err)
			s->repos[at[k]]->name = names[k];
		free((char *)roots[k]);
	}
	pir_strpool_dispose(&taken);
	free(roots);
	free(names);
	free(at);
	return err;
}

static int fill_repinfo(pir_scan *s)
{
	if (!(s->repinfo = pir_calloc(s->nresults ? s->nresults : 1, sizeof(*s->repinfo))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < s->nresults; i++)
		s->repinfo[i] = s->results[i]->info;
	return 0;
}

/*
 * Scan repository i, keep its result in results[i] and free the rest: from
 * here on only the result is read, so memory and open files stay those of
 * the repositories being scanned, not of the fleet.
 */
int pir_scan_one(pir_scan *s, size_t i)
{
	pir_repo *r = s->repos[i];
	pir_result *res = NULL;
	int err;

	if (r->open_error) {
		err = pir_result_failed(&res, r, r->open_code, r->open_error);
	} else if ((r->repo || (err = open_repo(r)) == 0) &&
		   (err = scan_or_cached(s, i, &res)) == 0) {
		/* scanned, or from the cache */
	} else if (s->opts.keep_going && err != PIR_ENOMEM && err != PIR_EUSER) {
		/* a repository that cannot be read: said, and the others go on */
		err = pir_result_failed(&res, r, "repository-error", pir_error_last());
	}
	/* a mirror is shown by its URL, not by where the cache keeps it */
	if (res && s->added[i].shown)
		res->info.path = s->added[i].shown;
	if (res)
		res->position = s->added[i].position;
	s->results[s->nresults - s->nrepos + i] = res; /* after those read from files */
	repo_free(r);
	s->repos[i] = NULL;
	return err;
}

int pir_scan_run(pir_scan *s)
{
	int err = 0;

	if (s->ran)
		return pir_error_set(PIR_EINVALID, "the scan has already run");
	s->ran = true;
	/* a cache that cannot be used is a warning, and the scan goes on without it */
	if (s->opts.cache_dir && pir_cache_applies(&s->opts))
		err = pir_cache_open(&s->cache, s->opts.cache_dir, &s->diag);
	if (!err && !(err = name_repos(s)))
		err = pir_scan_all(s, pir_scan_one);
	pir_cache_close(s->cache);
	s->cache = NULL;
	if (pir_scan_order_results(s) < 0 && !err)
		err = PIR_ENOMEM;
	if (!err)
		err = pir_scan_progress(s, NULL, "linking", 0, 0);
	if (!err)
		err = pir_link(s);
	if (!err)
		err = pir_assign_teams(s);
	if (!err)
		pir_order(s);
	if (!err)
		err = pir_incidents_count(s, true);
	if (!err)
		err = fill_repinfo(s);
	return err;
}

pir_date pir_scan_as_of(const pir_scan *s)
{
	return s->as_of;
}

int pir_scan_severity_rank(const pir_scan *s, const char *name)
{
	for (size_t i = 0; i < s->nseverities; i++)
		if (!strcmp(s->severities[i], name))
			return (int)i;
	return -1;
}

const char *pir_scan_severity_name(const pir_scan *s, int rank)
{
	return rank >= 0 && (size_t)rank < s->nseverities ? s->severities[rank] : NULL;
}

const char *pir_scan_extraction(const pir_scan *s)
{
	return s->extraction;
}

bool pir_scan_has_history(const pir_scan *s)
{
	return !s->opts.no_history;
}

size_t pir_scan_item_count(const pir_scan *s)
{
	return s->nitems;
}

const pir_item *pir_scan_item(const pir_scan *s, size_t i)
{
	return i < s->nitems ? &s->items[i] : NULL;
}

size_t pir_scan_diagnostic_count(const pir_scan *s)
{
	return s->diag.n;
}

static size_t count_code(const pir_scan *s, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < s->diag.n; i++)
		n += !strcmp(s->diag.v[i].code, code);
	return n;
}

size_t pir_scan_unreadable_count(const pir_scan *s)
{
	return count_code(s, "unreadable-object");
}

size_t pir_scan_unscanned_count(const pir_scan *s)
{
	return count_code(s, "unborn-head") + count_code(s, "repository-error") +
	       count_code(s, "fetch-failed") + count_code(s, "results-error");
}

const pir_diagnostic *pir_scan_diagnostic(const pir_scan *s, size_t i)
{
	return i < s->diag.n ? &s->diag.v[i] : NULL;
}

size_t pir_scan_repository_count(const pir_scan *s)
{
	return s->repinfo ? s->nresults : 0;
}

const pir_repository *pir_scan_repository(const pir_scan *s, size_t i)
{
	return s->repinfo && i < s->nresults ? &s->repinfo[i] : NULL;
}
