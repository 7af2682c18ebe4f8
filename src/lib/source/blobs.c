/* SPDX-License-Identifier: MIT */
/*
 * The blob phase: every unique blob read once, in parallel and in pack order
 * (from the packs directly, pack.c, else through libgit2), and its markers
 * and, at an action-items path, its entries found.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "extract.h"
#include "map.h"
#include "pack.h"
#include "pirscan/common.h"
#include "source.h"
#include "workers.h"

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
/* ---- blobs ---- */

int pir_blob_intern_flags(pir_repo *r, const git_oid *oid, uint32_t flags, uint32_t *out)
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
	r->blobs[idx].flags |= flags;
	*out = idx;
	return 0;
}

int pir_blob_intern(pir_repo *r, const git_oid *oid, unsigned kind, uint32_t *out)
{
	uint32_t want = kind == PIR_ITEMS_YAML	? PIR_BLOB_WANT_YAML
			: kind == PIR_ITEMS_DOC ? PIR_BLOB_WANT_DOC
						: 0;
	return pir_blob_intern_flags(r, oid, PIR_BLOB_LISTED | want, out);
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
	if (r->nscan < total / 16) {
		for (size_t k = 0; k < r->nscan; k++) {
			uint32_t b = r->scan_order[k];
			r->blob_pos[b] = pir_packset_find(ps, r->blobs[b].oid.id);
		}
		return;
	}
	for (size_t p = 0; p < pir_packset_count(ps); p++) {
		for (uint32_t i = 0; i < pir_packset_objects(ps, p); i++) {
			const git_oid *id = (const git_oid *)pir_packset_id(ps, p, i);
			uint32_t b = pir_oidmap_get(&r->blob_map, id);
			if (b != PIR_MAP_NONE && r->blob_pos[b] == PIR_PACK_NOPOS &&
			    (r->blobs[b].flags & PIR_BLOB_LISTED))
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

/* r->scan_order: the listed blobs in pack order; loose and unknown objects last. */
static int order_blobs(pir_repo *r)
{
	if (!(r->blob_pos = pir_malloc((r->nblobs + 1) * sizeof(*r->blob_pos))) ||
	    !(r->scan_order = pir_malloc((r->nblobs + 1) * sizeof(uint32_t))))
		return PIR_ENOMEM;
	r->nscan = 0;
	for (size_t i = 0; i < r->nblobs; i++) {
		r->blob_pos[i] = PIR_PACK_NOPOS;
		if (r->blobs[i].flags & PIR_BLOB_LISTED)
			r->scan_order[r->nscan++] = (uint32_t)i;
	}
	pack_positions(r);
	if (r->nscan)
		qsort_r(r->scan_order, r->nscan, sizeof(uint32_t), cmp_pos, r->blob_pos);
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

/*
 * A postmortem document's items, as entries. The blob's path is not known
 * here (one blob, any number of paths), so the file name gives no fallback:
 * an item without an ID is keyed by its incident (or "doc") and its text.
 */
static int read_doc(pir_repo *r, pir_blob *b, const char *data, size_t len)
{
	pir_postmortem pm = {0};
	pir_buf id = PIR_BUF_INIT;
	int err;

	if ((err = pir_postmortem_parse(&pm, data, len, NULL, r->ctx.severities)) < 0)
		return err;
	for (size_t i = 0; !err && i < pm.items.n; i++) {
		pir_entry *e = &pm.items.v[i];
		if (e->id)
			continue;
		id.size = 0;
		if (pir_buf_printf(&id, "%s#%s", e->incident ? e->incident : "doc", e->doc_key) <
			0 ||
		    !(e->id = pir_arena_strdup(&pm.items.strings, id.ptr)))
			err = PIR_ENOMEM;
	}
	pir_buf_dispose(&id);
	if (!err && !(b->entries = pir_malloc(sizeof(*b->entries))))
		err = PIR_ENOMEM;
	if (err) {
		pir_postmortem_clear(&pm);
		return err;
	}
	*b->entries = pm.items; /* the incident's strings live in its arena too */
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
	if (b->flags & PIR_BLOB_WANT_DOC) {
		err = read_doc(r, b, data, len);
	} else if (b->flags & PIR_BLOB_WANT_YAML) {
		if (!(b->entries = pir_calloc(1, sizeof(*b->entries)))) {
			err = PIR_ENOMEM;
			goto done;
		}
		err = pir_actions_parse(b->entries, data, len, r->ctx.severities);
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
static void release_behind(pir_job *jb)
{
	pir_repo *r = jb->r;
	size_t low = SIZE_MAX;

	for (unsigned i = 0; i < r->ctx.threads; i++) {
		size_t f = atomic_load(&jb->fronts[i]);
		low = f < low ? f : low;
	}
	if (low < r->nscan)
		pir_packset_release_below(r->packs, r->blob_pos[r->scan_order[low]],
					  PACK_KEEP_BEHIND);
}

static int blob_worker(void *self, git_repository *repo)
{
	pir_worker *w = self;
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
		if (start >= r->nscan)
			break;
		atomic_store(&w->job->fronts[w->index], start);
		for (size_t k = start; k < start + chunk && k < r->nscan && !err; k++)
			err = scan_blob(r, &br, r->scan_order[k]);
		if (err)
			break;
		release_behind(w->job);
		atomic_fetch_add(&w->job->done, chunk);
		if ((err = pir_worker_progress(w, "blobs", r->nscan)) < 0)
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
	pir_job jb;
	int err;

	if ((err = order_blobs(r)) < 0)
		return err;
	atomic_init(&jb.next, 0);
	atomic_init(&jb.done, 0);
	atomic_init(&jb.failed, 0);
	jb.r = r;
	jb.chunk = r->nscan / ((size_t)r->ctx.threads * 8);
	jb.chunk = jb.chunk < CHUNK_BLOBS_MIN	? CHUNK_BLOBS_MIN
		   : jb.chunk > CHUNK_BLOBS_MAX ? CHUNK_BLOBS_MAX
						: jb.chunk;
	if (!(jb.fronts = pir_calloc(r->ctx.threads, sizeof(*jb.fronts))))
		return PIR_ENOMEM;
	for (unsigned i = 0; i < r->ctx.threads; i++)
		atomic_init(&jb.fronts[i], 0);
	err = pir_workers_run(r, &jb, blob_worker, "blobs", r->nscan);
	free(jb.fronts);
	return err;
}
