/* SPDX-License-Identifier: MIT */
/*
 * Synthetic scans for the unit tests of the stages after the history walk
 * (replay, linking, teams, the report model): a scan with one repository
 * whose blobs, scanned tree and commits (with their blob-level changes) are
 * written by the test, no git repository on disk. The blobs live in an
 * in-memory object database (libgit2's mempack), so that what reads blobs
 * back (CODEOWNERS) finds them.
 *
 * Everything that knows the scan's private layout is in this file; the
 * tests call synth_* and the public API. The internal declarations it uses
 * (scan_int.h, internal.h, map.h):
 *   struct pir_scan: matcher, severities, repos, nrepos, repos_cap, results,
 *     nresults, results_cap
 *   pir_repo: scan, name, repo, diag, ctx.diag, arena, blobs, nblobs, blobs_cap, head,
 *     nhead, head_cap, head_commit, commits, ncommits, commits_cap, topo_order
 *   pir_blob: oid, flags, markers, entries; PIR_BLOB_SCANNED,
 *     PIR_BLOB_WANT_YAML, PIR_BLOB_AT_HEAD
 *   pir_commit: oid, time, topo, nparents, parents, pstart, changes, nchanges
 *   pir_change: path, old_blob, new_blob, yaml; pir_head_entry: path, blob, yaml
 *   PIR_MAP_NONE, pir_grow, pir_arena_strdup
 *   pir_marker_scratch_new/free, pir_marker_scan, PIR_MARKER_MENTIONS
 *   pir_entry_list, pir_actions_parse
 *   the stages: pir_keys_build, pir_replay_*, pir_result_collect,
 *     pir_link, pir_assign_teams, pir_order
 * pir_scan_free releases what is built here (repo_free in scan.c), so
 * everything is allocated as the scan allocates it.
 */
#ifndef PIRSCAN_TEST_SYNTH_H
#define PIRSCAN_TEST_SYNTH_H

#include <git2.h>
#include <git2/sys/mempack.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SYNTH_NONE PIR_MAP_NONE

typedef struct {
	pir_scan *scan;
	pir_repo *repo;
} synth;

/* One blob-level change of a commit against one parent; SYNTH_NONE for no blob. */
typedef struct {
	const char *path;
	uint32_t old_blob, new_blob;
} synth_change;

/* A scan (of `opts`, may be NULL) with one empty repository named `name`. */
static inline int synth_new(synth *sy, const pir_scan_options *opts, const char *name)
{
	git_odb *odb = NULL;
	git_odb_backend *mem = NULL;
	pir_repo *r;
	int err;

	memset(sy, 0, sizeof(*sy));
	if ((err = pir_scan_new(&sy->scan, opts)) < 0)
		return err;
	if (!(r = calloc(1, sizeof(*r))))
		return PIR_ENOMEM;
	if (pir_grow((void **)&sy->scan->repos, &sy->scan->repos_cap, sy->scan->nrepos + 1,
		     sizeof(*sy->scan->repos)) < 0) {
		free(r);
		return PIR_ENOMEM;
	}
	sy->scan->repos[sy->scan->nrepos++] = r; /* pir_scan_free frees it from here on */
	sy->repo = r;
	r->scan = sy->scan;
	pir_diag_sink_init(&r->diag);
	r->ctx.diag = &r->diag;
	if (!(r->name = pir_arena_strdup(&r->arena, name)))
		return PIR_ENOMEM;
	if (git_odb_new(&odb) < 0 || git_mempack_new(&mem) < 0 ||
	    git_odb_add_backend(odb, mem, 1) < 0 || git_repository_wrap_odb(&r->repo, odb) < 0) {
		git_odb_free(odb);
		return -1;
	}
	git_odb_free(odb); /* the repository holds it */
	return 0;
}

static inline void synth_free(synth *sy)
{
	pir_scan_free(sy->scan);
	memset(sy, 0, sizeof(*sy));
}

/*
 * A blob holding `text`: its markers, and with `yaml` its action-items
 * entries (parsed as the scan parses them). Returns its index.
 */
static inline uint32_t synth_blob(synth *sy, const char *text, bool yaml)
{
	pir_repo *r = sy->repo;
	pir_marker_scratch *ms = NULL;
	pir_marker_list ml = {0};
	size_t len = strlen(text);
	git_odb *odb = NULL;
	pir_blob *b;

	if (pir_grow((void **)&r->blobs, &r->blobs_cap, r->nblobs + 1, sizeof(*r->blobs)) < 0)
		abort();
	b = &r->blobs[r->nblobs];
	memset(b, 0, sizeof(*b));
	if (git_repository_odb(&odb, r->repo) < 0 ||
	    git_odb_write(&b->oid, odb, text, len, GIT_OBJECT_BLOB) < 0)
		abort();
	git_odb_free(odb);
	b->flags = PIR_BLOB_SCANNED;
	if (pir_marker_scratch_new(&ms, sy->scan->matcher) < 0 ||
	    pir_marker_scan(&ml, sy->scan->matcher, ms, text, len, PIR_MARKER_MENTIONS) < 0 ||
	    pir_blob_keep_markers(b, &ml) < 0)
		abort();
	pir_marker_scratch_free(ms);
	if (yaml) {
		b->flags |= PIR_BLOB_WANT_YAML;
		if (!(b->entries = calloc(1, sizeof(*b->entries))) ||
		    pir_actions_parse(b->entries, text, len,
				      (const char *const *)sy->scan->severities) < 0)
			abort();
	}
	return (uint32_t)r->nblobs++;
}

/* Put blob `blob` at `path` in the scanned tree. */
static inline void synth_head(synth *sy, const char *path, uint32_t blob)
{
	pir_repo *r = sy->repo;
	pir_head_entry *h;

	if (pir_grow((void **)&r->head, &r->head_cap, r->nhead + 1, sizeof(*r->head)) < 0)
		abort();
	h = &r->head[r->nhead++];
	h->path = pir_arena_strdup(&r->arena, path);
	h->blob = blob;
	h->yaml = r->blobs[blob].entries != NULL;
	r->blobs[blob].flags |= PIR_BLOB_AT_HEAD;
}

/* Seconds since the epoch of noon (UTC) on `ymd`, plus `secs`. */
static inline int64_t synth_time(const char *ymd, int64_t secs)
{
	pir_date d = PIR_DATE_NONE;

	if (pir_date_parse(&d, ymd, strlen(ymd)) < 0)
		abort();
	return (int64_t)d * 86400 + 43200 + secs;
}

/*
 * A commit at `time` with parents p1 and p2 (SYNTH_NONE for none; give p1
 * first), its changes against p1 (or against nothing) in c1[0..n1) and
 * against p2 in c2[0..n2). Commits must be added parents first. Returns its
 * index.
 */
static inline uint32_t synth_commit(synth *sy, int64_t time, uint32_t p1, uint32_t p2,
				    const synth_change *c1, size_t n1, const synth_change *c2,
				    size_t n2)
{
	pir_repo *r = sy->repo;
	uint32_t ci = (uint32_t)r->ncommits;
	pir_commit *c;
	uint32_t k = 0;

	if (pir_grow((void **)&r->commits, &r->commits_cap, r->ncommits + 1, sizeof(*r->commits)) <
	    0)
		abort();
	c = &r->commits[r->ncommits++];
	memset(c, 0, sizeof(*c));
	/* a recognisable id: 0000…<index+1> */
	c->oid.id[GIT_OID_RAWSZ - 1] = (unsigned char)(ci + 1);
	c->oid.id[GIT_OID_RAWSZ - 2] = (unsigned char)((ci + 1) >> 8);
	c->time = time;
	c->topo = ci;
	c->nparents = (p1 != SYNTH_NONE) + (p2 != SYNTH_NONE);
	c->parents = calloc(c->nparents ? c->nparents : 1, sizeof(*c->parents));
	c->pstart = calloc((c->nparents ? c->nparents : 1) + 1, sizeof(*c->pstart));
	c->changes = calloc(n1 + n2 + 1, sizeof(*c->changes));
	if (!c->parents || !c->pstart || !c->changes)
		abort();
	if (p1 != SYNTH_NONE)
		c->parents[0] = p1;
	if (p2 != SYNTH_NONE)
		c->parents[1] = p2;
	for (size_t g = 0; g < 2; g++) {
		const synth_change *cs = g ? c2 : c1;
		size_t n = g ? n2 : n1;
		for (size_t i = 0; i < n; i++, k++) {
			pir_change *ch = &c->changes[k];
			ch->path = pir_arena_strdup(&r->arena, cs[i].path);
			ch->old_blob = cs[i].old_blob;
			ch->new_blob = cs[i].new_blob;
			ch->yaml =
			    (cs[i].old_blob != SYNTH_NONE && r->blobs[cs[i].old_blob].entries) ||
			    (cs[i].new_blob != SYNTH_NONE && r->blobs[cs[i].new_blob].entries);
		}
		c->pstart[g + 1] = k;
		if (g + 1 >= (c->nparents ? c->nparents : 1))
			break;
	}
	c->nchanges = k;
	return ci;
}

/* The stages after the walk: keys and replay (when there are commits), then linking. */
static inline int synth_replay(synth *sy)
{
	pir_repo *r = sy->repo;
	pir_replay *rp = NULL;
	int err;

	if (r->ncommits) {
		if (!(r->topo_order = calloc(r->ncommits, sizeof(*r->topo_order))))
			return PIR_ENOMEM;
		for (size_t i = 0; i < r->ncommits; i++)
			r->topo_order[i] = (uint32_t)i;
	}
	if ((err = pir_keys_build(r)) < 0)
		return err;
	if (!r->ncommits)
		return 0;
	/* the scanned commit: the last one, unless the test said */
	if (git_oid_is_zero(&r->head_commit))
		r->head_commit = r->commits[r->ncommits - 1].oid;
	if ((err = pir_replay_new(&rp, r)) < 0)
		return err;
	for (size_t i = 0; i < r->ncommits && !err; i++)
		err =
		    pir_replay_commit(rp, (uint32_t)i, r->commits[i].changes, r->commits[i].pstart);
	if (!err)
		err = pir_replay_finish(rp);
	pir_replay_free(rp);
	return err;
}

/*
 * As the driver does after the walk: collect the repository's result (the
 * repository stays, for synth_commit_hex), link, assign teams, order.
 */
static inline int synth_link(synth *sy)
{
	pir_scan *s = sy->scan;
	pir_result *res = NULL;
	int err = synth_replay(sy);

	if (err >= 0)
		err = pir_result_collect(&res, sy->repo, !s->opts.no_history);
	if (err >= 0 && pir_grow((void **)&s->results, &s->results_cap, s->nresults + 1,
				 sizeof(*s->results)) < 0) {
		pir_result_free(res);
		err = PIR_ENOMEM;
	}
	if (err >= 0)
		s->results[s->nresults++] = res;
	if (err >= 0)
		err = pir_link(sy->scan);
	if (err >= 0)
		err = pir_assign_teams(sy->scan);
	if (err >= 0)
		pir_order(sy->scan);
	return err;
}

/* The hex id synth_commit gave commit `ci`. */
static inline const char *synth_commit_hex(synth *sy, uint32_t ci, char out[41])
{
	git_oid_tostr(out, 41, &sy->repo->commits[ci].oid);
	return out;
}

/* The item with action-item ID `id`, else NULL. */
static inline const pir_item *synth_item(const synth *sy, const char *id)
{
	for (size_t i = 0; i < pir_scan_item_count(sy->scan); i++) {
		const pir_item *it = pir_scan_item(sy->scan, i);
		if (it->id && !strcmp(it->id, id))
			return it;
	}
	return NULL;
}

/* The first item without an ID whose title contains `text`, else NULL. */
static inline const pir_item *synth_item_titled(const synth *sy, const char *text)
{
	for (size_t i = 0; i < pir_scan_item_count(sy->scan); i++) {
		const pir_item *it = pir_scan_item(sy->scan, i);
		if (!it->id && it->title && strstr(it->title, text))
			return it;
	}
	return NULL;
}

/* How many diagnostics with `code` the scan has. */
static inline size_t synth_diag_count(const synth *sy, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < pir_scan_diagnostic_count(sy->scan); i++)
		n += !strcmp(pir_scan_diagnostic(sy->scan, i)->code, code);
	return n;
}

#endif
