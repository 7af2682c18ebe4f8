/* SPDX-License-Identifier: MIT */
/*
 * The blob phase: every unique blob read once, in parallel and in delta
 * order (from the packs directly, pack.c, else through libgit2), and its markers
 * and, at an action-items path, its entries found.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "alloc.h"
#include "blob_delta.h"
#include "buf.h"
#include "error.h"
#include "extract.h"
#include "map.h"
#include "pack.h"
#include "pirscan/common.h"
#include "source.h"
#include "workers.h"

/*
 * Blobs are handed out in runs of consecutive reads: long runs keep a delta
 * and its base on the same thread (each has its own cache), short
 * enough ones (at least 8 per thread) keep both threads busy to the end.
 */
#define CHUNK_BLOBS_MIN 64
#define CHUNK_BLOBS_MAX 512
/* Delta bases kept for the blob phase, shared out between the threads. */
#define DELTA_CACHE_BYTES ((size_t)24 << 20)
#define DELTA_CACHE_MIN ((size_t)8 << 20)
/* ---- blobs ---- */

_Static_assert(offsetof(pir_blob, oid) == 0, "blob_map finds a blob by the id it begins with");

const pir_marker_list pir_no_markers;

int pir_blob_keep_markers(pir_blob *b, pir_marker_list *ml)
{
	if (!ml->n && !ml->diags.n && !ml->nmentions) { /* texts: only with markers */
		pir_marker_list_clear(ml);
		return 0;
	}
	if (!(b->markers = pir_malloc(sizeof(*b->markers)))) {
		pir_marker_list_clear(ml);
		return PIR_ENOMEM;
	}
	*b->markers = *ml;
	memset(ml, 0, sizeof(*ml));
	return 0;
}

void pir_blob_drop_markers(pir_blob *b)
{
	if (b->markers)
		pir_marker_list_clear(b->markers);
	free(b->markers);
	b->markers = NULL;
}

uint32_t pir_blob_find(const pir_repo *r, const git_oid *oid)
{
	return pir_oidset_get(&r->blob_map, r->blobs, sizeof(*r->blobs), oid);
}

int pir_blob_intern_flags(pir_repo *r, const git_oid *oid, uint32_t flags, uint32_t *out)
{
	uint32_t idx;
	pir_blob *b;

	if ((idx = pir_blob_find(r, oid)) == PIR_MAP_NONE) {
		if (pir_grow((void **)&r->blobs, &r->blobs_cap, r->nblobs + 1, sizeof(*b)) < 0)
			return PIR_ENOMEM;
		idx = (uint32_t)r->nblobs;
		b = &r->blobs[idx];
		memset(b, 0, sizeof(*b));
		b->oid = *oid;
		if (pir_oidset_add(&r->blob_map, r->blobs, sizeof(*r->blobs), idx) < 0)
			return PIR_ENOMEM;
		r->nblobs++;
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
			uint32_t b = pir_blob_find(r, id);
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

/*
 * Delta order. In pack order a delta's base was read before it, but often
 * long before, and evicted since: git.git's blobs took 2.4 deltas applied
 * each. Read as a depth-first walk of the delta forest instead (each base,
 * then what is built on it, children in pack order), a base is nearly
 * always the object just read, or one on the short path back to its root.
 * The nodes are the listed blobs and the unlisted bases between them.
 */
typedef struct {
	uint64_t *pos; /* per node */
	uint32_t *parent, *child, *sib;
	uint64_t *keys; /* pos -> node + 1, open addressing */
	uint32_t *vals;
	size_t n, cap, mask;
} dforest;

static uint32_t df_find(const dforest *f, uint64_t pos, size_t *slot)
{
	size_t i = (size_t)((pos * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & f->mask;

	while (f->vals[i] && f->keys[i] != pos)
		i = (i + 1) & f->mask;
	*slot = i;
	return f->vals[i] ? f->vals[i] - 1 : PIR_MAP_NONE;
}

/* Node of `pos`, added if need be; PIR_MAP_NONE when the table is full (then: a root). */
static uint32_t df_node(dforest *f, uint64_t pos)
{
	size_t slot;
	uint32_t k = df_find(f, pos, &slot);

	if (k != PIR_MAP_NONE || f->n >= f->cap)
		return k;
	f->keys[slot] = pos;
	f->vals[slot] = (uint32_t)(f->n + 1);
	f->pos[f->n] = pos;
	f->parent[f->n] = f->child[f->n] = f->sib[f->n] = PIR_MAP_NONE;
	return (uint32_t)f->n++;
}

/* Each node's parent: its base, following unlisted bases down to a known node. */
static void df_link(pir_repo *r, dforest *f, size_t nlisted)
{
	for (size_t k = 0; k < nlisted; k++)
		(void)df_node(f, r->blob_pos[r->scan_order[k]]);
	for (size_t k = 0; k < nlisted; k++) {
		uint32_t cur = (uint32_t)k;
		if (k % 4096 == 4095) /* a header a page, all over the packs */
			pir_packset_release_all(r->packs);
		for (size_t steps = 0; steps < 64 && f->parent[cur] == PIR_MAP_NONE; steps++) {
			uint64_t base = pir_packset_base(r->packs, f->pos[cur]);
			size_t slot;
			uint32_t known, b;
			if (base == PIR_PACK_NOPOS)
				break;
			known = df_find(f, base, &slot);
			if ((b = df_node(f, base)) == PIR_MAP_NONE)
				break;
			f->parent[cur] = b;
			if (known != PIR_MAP_NONE)
				break; /* its own base is looked up from there */
			cur = b;
		}
	}
}

static int cmp_node_pos(const void *a, const void *b, void *arg)
{
	const uint64_t *pos = arg;
	uint64_t x = pos[*(const uint32_t *)a], y = pos[*(const uint32_t *)b];
	return x < y ? -1 : x > y;
}

/* Children lists in pack order; a cycle (a damaged pack) leaves its nodes unreachable. */
static int df_children(dforest *f, uint32_t **roots, size_t *nroots)
{
	uint32_t *by = pir_malloc((f->n + 1) * sizeof(*by));

	if (!by)
		return PIR_ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		by[i] = (uint32_t)i;
	qsort_r(by, f->n, sizeof(*by), cmp_node_pos, f->pos);
	*nroots = 0;
	for (size_t i = f->n; i-- > 0;) {
		uint32_t k = by[i], p = f->parent[k];
		if (p == PIR_MAP_NONE)
			continue;
		f->sib[k] = f->child[p];
		f->child[p] = k;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->parent[by[i]] == PIR_MAP_NONE)
			by[(*nroots)++] = by[i];
	*roots = by;
	return 0;
}

/* The listed blobs of scan_order[0..nlisted) (in pack order) again, depth first. */
static int df_emit(pir_repo *r, dforest *f, size_t nlisted)
{
	uint32_t *roots = NULL, *stack = NULL, *out = NULL;
	size_t nroots = 0, n = 0;
	uint8_t *done = NULL;
	int err;

	if ((err = df_children(f, &roots, &nroots)) < 0)
		return err;
	if (!(stack = pir_malloc((f->n + 1) * sizeof(*stack))) ||
	    !(out = pir_malloc((nlisted + 1) * sizeof(*out))) ||
	    !(done = pir_calloc(nlisted + 1, 1)) || !(r->scan_leaf = pir_calloc(r->nscan + 1, 1))) {
		err = PIR_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < nroots; i++) {
		size_t sp = 0;
		stack[sp++] = roots[i];
		while (sp) {
			uint32_t k = stack[--sp];
			if (k < nlisted) {
				r->scan_leaf[n] = f->child[k] == PIR_MAP_NONE;
				out[n++] = r->scan_order[k];
				done[k] = 1;
			}
			/* pushed last first: popped in pack order */
			size_t mark = sp;
			for (uint32_t c = f->child[k]; c != PIR_MAP_NONE; c = f->sib[c])
				stack[sp++] = c;
			for (size_t a = mark, b = sp; a + 1 < b; a++, b--) {
				uint32_t t = stack[a];
				stack[a] = stack[b - 1];
				stack[b - 1] = t;
			}
		}
	}
	for (size_t k = 0; k < nlisted; k++) /* in a cycle: pack order, from the start */
		if (!done[k])
			out[n++] = r->scan_order[k];
	memcpy(r->scan_order, out, nlisted * sizeof(*out));
fail:
	free(roots);
	free(stack);
	free(out);
	free(done);
	return err;
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
		/* SCANNED already: what the history cache knows it holds (nothing) */
		if ((r->blobs[i].flags & (PIR_BLOB_LISTED | PIR_BLOB_SCANNED)) == PIR_BLOB_LISTED)
			r->scan_order[r->nscan++] = (uint32_t)i;
	}
	pack_positions(r);
	if (r->nscan)
		qsort_r(r->scan_order, r->nscan, sizeof(uint32_t), cmp_pos, r->blob_pos);
	return 0;
}

/* Delta order for the blobs in packs (see dforest); the others stay last. */
static int delta_order(pir_repo *r)
{
	dforest f = {0};
	size_t nlisted = 0, slots = 16;
	int err = PIR_ENOMEM;

	while (nlisted < r->nscan && r->blob_pos[r->scan_order[nlisted]] != PIR_PACK_NOPOS)
		nlisted++;
	if (nlisted < 2)
		return 0;
	f.cap = nlisted * 2;
	while (slots < f.cap * 2)
		slots *= 2;
	f.mask = slots - 1;
	if (!(f.pos = pir_malloc(f.cap * sizeof(*f.pos))) ||
	    !(f.parent = pir_malloc(f.cap * sizeof(uint32_t))) ||
	    !(f.child = pir_malloc(f.cap * sizeof(uint32_t))) ||
	    !(f.sib = pir_malloc(f.cap * sizeof(uint32_t))) ||
	    !(f.keys = pir_malloc(slots * sizeof(*f.keys))) ||
	    !(f.vals = pir_calloc(slots, sizeof(*f.vals))))
		goto done;
	df_link(r, &f, nlisted);
	pir_packset_release_all(r->packs);
	err = df_emit(r, &f, nlisted);
done:
	free(f.pos);
	free(f.parent);
	free(f.child);
	free(f.sib);
	free(f.keys);
	free(f.vals);
	return err;
}

typedef struct {
	git_odb *odb;
	pir_pack_cursor *cursor;
	pir_marker_scratch *scratch;
	pir_delta_bases *bases; /* with the default grammar alone: blob_delta.h */
	pir_delta_lines made;	/* what from_delta tells of a blob's keyword lines */
	pir_slim_cache *ycache; /* the items of action-items versions already read */
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

/* One ID's first entry in a version: its key, index, due and closed bit (ydue). */
typedef struct {
	uint32_t key, entry, due;
} slim_entry;

static int cmp_slim(const void *a, const void *b)
{
	const slim_entry *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int cmp_slim_entry(const void *a, const void *b)
{
	const slim_entry *x = a, *y = b;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Intern the IDs (as keys_pool spells them, see keys.c) and due values of `el`, under the lock. */
static int slim_intern(pir_repo *r, const pir_entry_list *el, slim_entry *v, size_t *n,
		       pir_buf *tmp)
{
	int err = 0;

	pthread_mutex_lock(&r->slim_lock);
	for (size_t k = 0; k < el->n && !err; k++) {
		const pir_entry *e = &el->v[k];
		size_t len;
		uint32_t due = PIR_YDUE_NONE;

		if (!e->id)
			continue;
		len = strlen(e->id);
		tmp->size = 0;
		if ((err = pir_buf_putc(tmp, PIR_BLOB_ENTRY_KEY)) < 0 ||
		    (err = pir_buf_put(tmp, e->id, len)) < 0 ||
		    (err = pir_strpool_intern(&r->keys_pool, tmp->ptr, len + 1, &v[*n].key)) < 0)
			break;
		if (e->due_raw && (err = pir_strpool_intern(&r->due_pool, e->due_raw,
							    strlen(e->due_raw), &due)) < 0)
			break;
		v[*n].entry = (uint32_t)k;
		v[(*n)++].due = due | (e->closed ? PIR_YDUE_CLOSED : 0);
	}
	pthread_mutex_unlock(&r->slim_lock);
	return err;
}

/*
 * Keep of `el` only what the replay reads: per ID, its key and its first
 * entry's due and closed bit (ydue), in the order of those first entries:
 * pir_keys_renumber numbers the keys in that order, then sorts them.
 */
static int slim_keep(pir_repo *r, pir_blob *b, const pir_entry_list *el)
{
	slim_entry *v = el->n ? pir_malloc(el->n * sizeof(*v)) : NULL;
	uint32_t *keys = NULL, *due = NULL;
	pir_buf tmp = PIR_BUF_INIT;
	size_t n = 0, u = 0;
	int err;

	if (el->n && !v)
		return PIR_ENOMEM;
	b->flags |= PIR_BLOB_SLIM;
	if ((err = slim_intern(r, el, v, &n, &tmp)) < 0 || !n)
		goto done;
	qsort(v, n, sizeof(*v), cmp_slim);
	for (size_t i = 0; i < n; i++) /* each ID's first entry */
		if (!u || v[u - 1].key != v[i].key)
			v[u++] = v[i];
	qsort(v, u, sizeof(*v), cmp_slim_entry); /* in entry order, for pir_keys_renumber */
	if (!(keys = pir_malloc(u * sizeof(uint32_t))) ||
	    !(due = pir_malloc(u * sizeof(uint32_t)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < u; i++)
		keys[i] = v[i].key, due[i] = v[i].due;
	err = pir_ykeys_pack(b, keys, due, u);
done:
	free(keys);
	free(due);
	free(v);
	pir_buf_dispose(&tmp);
	return err;
}

static uint8_t *put_varint(uint8_t *q, uint32_t v)
{
	while (v >= 0x80) {
		*q++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*q++ = (uint8_t)v;
	return q;
}

int pir_ykeys_pack(pir_blob *b, const uint32_t *keys, const uint32_t *due, size_t n)
{
	uint8_t *buf = pir_malloc(n * 10 + 1), *q = buf, *fit;
	uint32_t prev = 0;

	if (!buf)
		return PIR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t d = keys[i] - prev, idx = due[i] & ~PIR_YDUE_CLOSED;
		int32_t sd = (int32_t)d;
		q = put_varint(q, sd < 0 ? (~d << 1) | 1 : d << 1);
		q = put_varint(q, (idx == PIR_YDUE_NONE ? 0 : (idx + 1) << 1) |
				      ((due[i] & PIR_YDUE_CLOSED) != 0));
		prev = keys[i];
	}
	fit = pir_realloc(buf, (size_t)(q - buf) + 1);
	free(b->ypack);
	b->ypack = fit ? fit : buf;
	b->nykeys = (uint32_t)n;
	return 0;
}

/*
 * The entries of an action-items version: kept in full (`slim` false), or
 * only what the replay reads, from the slim read (actions_slim.c, item by
 * item through the thread's cache `yc`: actions_slim_cache.c) unless it
 * leaves the file to the full parse.
 */
static int parse_entries(pir_repo *r, pir_slim_cache *yc, pir_blob *b, const char *data, size_t len,
			 bool slim)
{
	pir_entry_list *el = pir_calloc(1, sizeof(*el));
	bool broken = false;
	int err = 0;

	if (!el)
		return PIR_ENOMEM;
	if (slim && (err = pir_actions_slim_cached(yc, el, &broken, data, len)) == 0) {
		if (broken)
			b->flags |= PIR_BLOB_YAML_BROKEN;
		goto keep;
	}
	if (err < 0 || (err = pir_actions_parse(el, data, len, r->ctx.severities)) < 0)
		goto keep;
	for (size_t i = 0; i < el->diags.n; i++)
		if (!strcmp(el->diags.v[i].code, "yaml-syntax"))
			b->flags |= PIR_BLOB_YAML_BROKEN;
	if (!slim) {
		b->entries = el;
		return 0;
	}
keep:
	if (!err)
		err = slim_keep(r, b, el);
	pir_entry_list_clear(el);
	free(el);
	return err;
}

/*
 * A postmortem document's items, as entries, and for a version in the
 * scanned tree its incident (collect.c reads it with the document's path).
 * The blob's path is not known here (one blob, any number of paths), so the
 * file name gives no fallback: an item without an ID is keyed by its
 * incident (or "doc") and its text.
 */
static int read_doc(pir_repo *r, pir_blob *b, const char *data, size_t len)
{
	pir_postmortem pm = {0};
	pir_incident_info *inc = NULL;
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
	if (!err && (b->flags & PIR_BLOB_AT_HEAD) &&
	    (inc = pir_arena_alloc(&pm.items.strings, sizeof(*inc))))
		*inc = pm.incident;
	else if (!err && (b->flags & PIR_BLOB_AT_HEAD))
		err = PIR_ENOMEM;
	if (!err && !(b->entries = pir_malloc(sizeof(*b->entries))))
		err = PIR_ENOMEM;
	if (err) {
		pir_postmortem_clear(&pm);
		return err;
	}
	*b->entries = pm.items; /* the incident's strings live in its arena too */
	b->incident = inc;
	return 0;
}

/* A compact version's markers in full again, as the scan found them (same order). */
static int reread_markers(pir_repo *r, blob_reader *br, pir_blob *b, const char *data, size_t len)
{
	pir_marker_list full = {0};
	int err = pir_marker_scan(&full, r->ctx.matcher, br->scratch, data, len, 0);

	if (!err && full.n != pir_blob_markers(b)->n)
		err = pir_error_set(PIR_EINVALID, "a version's markers changed when read again");
	if (err) {
		pir_marker_list_clear(&full);
		return err;
	}
	pir_blob_drop_markers(b);
	return pir_blob_keep_markers(b, &full);
}

/* from_delta: the delta told all (the blob's flags say what), or it could not be read so. */
#define DELTA_TOLD 1
#define DELTA_NOT_READ 2

/*
 * A plain text blob from its delta (blob_delta.h). A leaf (no other blob
 * read is built on it) is not built when the delta tells: DELTA_TOLD.
 * Other blobs are built and kept for those built on them; when the delta
 * tells, `*clean` and the keyword lines are remembered without a search.
 * 0 with `*data` when built, DELTA_NOT_READ (read_blob's to read), or
 * PIR_ENOMEM.
 */
static int from_delta(pir_repo *r, blob_reader *br, size_t bi, bool leaf, const char **data,
		      size_t *len, bool *clean)
{
	pir_blob *b = &r->blobs[bi];
	pir_pack_delta d;
	pir_pack_object po;
	int err, rc = pir_pack_read_delta(br->cursor, r->blob_pos[bi], r->ctx.max_blob_size, &d);

	if (rc <= 0 || d.type != PIR_OBJ_BLOB)
		return rc < 0 ? rc : DELTA_NOT_READ;
	if (leaf && (rc = pir_delta_binary(&d)) != 0) {
		if (rc < 0)
			return DELTA_NOT_READ;
		b->size = d.size;
		b->flags |= PIR_BLOB_BINARY;
		return DELTA_TOLD;
	}
	if ((rc = pir_delta_clean(br->bases, &d, leaf ? NULL : &br->made)) < 0)
		return rc;
	if (rc && leaf) {
		b->size = d.size;
		return DELTA_TOLD;
	}
	if ((err = pir_pack_apply(br->cursor, &d, !leaf, &po)) <= 0)
		return err < 0 ? err : DELTA_NOT_READ;
	if (rc &&
	    (err = pir_delta_bases_add(br->bases, r->blob_pos[bi], br->made.v, br->made.n)) < 0)
		return err;
	*clean = rc;
	b->size = po.size;
	*data = (const char *)po.data;
	*len = po.size;
	return 0;
}

/* The blob in slot `k` of the scan order: read, searched, parsed as its flags ask. */
static int scan_blob(pir_repo *r, blob_reader *br, size_t k)
{
	uint32_t bi = r->scan_order[k];
	pir_blob *b = &r->blobs[bi];
	bool leaf = r->scan_leaf && r->scan_leaf[k], clean = false, lines;
	size_t len = 0, nlines;
	git_odb_object *obj = NULL;
	const char *data = NULL;
	const size_t *kw;
	pir_marker_list ml = {0};
	int err = DELTA_NOT_READ;

	/* a version only in history that is plain text to search (no entries, no mentions) */
	if (br->bases && r->blob_pos[bi] != PIR_PACK_NOPOS &&
	    !(b->flags & (PIR_BLOB_AT_HEAD | PIR_BLOB_WANT_YAML | PIR_BLOB_WANT_DOC)) &&
	    (err = from_delta(r, br, bi, leaf, &data, &len, &clean)) == DELTA_TOLD) {
		err = 0;
		goto done;
	}
	if (err < 0 ||
	    (err == DELTA_NOT_READ && (err = read_blob(r, br, bi, &data, &len, &obj)) < 0) || !data)
		return err;
	if (memchr(data, '\0', len < 8000 ? len : 8000)) {
		b->flags |= PIR_BLOB_BINARY;
		goto done;
	}
	if (clean) /* told by its delta: no marker, its keyword lines remembered */
		goto done;
	/* what the blobs built on it need of it */
	lines = br->bases && !leaf && r->blob_pos[bi] != PIR_PACK_NOPOS;
	/* order_blobs lists only blobs not scanned yet: none has markers */
	if ((err = pir_marker_scan(&ml, r->ctx.matcher, br->scratch, data, len,
				   (b->flags & PIR_BLOB_AT_HEAD ? PIR_MARKER_MENTIONS : 0) |
				       (lines ? PIR_MARKER_LINES : 0))) < 0 ||
	    /* a version dating alone needs: its texts (pir_blobs_reread for the ones shown) */
	    (!(b->flags & PIR_BLOB_AT_HEAD) && (err = pir_marker_list_compact(&ml)) < 0) ||
	    (err = pir_blob_keep_markers(b, &ml)) < 0)
		goto done;
	if (lines && (kw = pir_marker_scratch_lines(br->scratch, &nlines)) &&
	    (err = pir_delta_bases_add(br->bases, r->blob_pos[bi], kw, nlines)) < 0)
		goto done;
	if (b->flags & PIR_BLOB_WANT_DOC)
		err = read_doc(r, b, data, len);
	else if (b->flags & PIR_BLOB_WANT_YAML)
		err = parse_entries(r, br->ycache, b, data, len,
				    r->slim_history && !(b->flags & PIR_BLOB_AT_HEAD));
done:
	pir_marker_list_clear(&ml); /* what an error left */
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
 * Read in delta order, the runs go back and forth in the packs, and most of
 * what a run read is not read again (its bases are in the cursor's cache):
 * after each run every pack page is given back to the kernel; a page read
 * again comes back from the page cache.
 */
static void release_pages(pir_job *jb)
{
	pir_packset_release_below(jb->r->packs, PIR_PACK_NOPOS, 0);
}

static int blob_worker(void *self, git_repository *repo)
{
	pir_worker *w = self;
	pir_repo *r = w->job->r;
	blob_reader br = {NULL, NULL, NULL, NULL, {NULL, 0, 0}, NULL};
	int err, gerr;

	if ((gerr = git_repository_odb(&br.odb, repo)) < 0)
		return pir_error_git(gerr, "cannot open the object database");
	if ((err = pir_marker_scratch_new(&br.scratch, r->ctx.matcher)) < 0)
		goto done;
	if (r->slim_history && !(br.ycache = pir_slim_cache_new())) {
		err = PIR_ENOMEM;
		goto done;
	}
	if (pir_packset_count(r->packs) &&
	    ((err = pir_pack_cursor_new(&br.cursor, r->packs, cache_share(r->ctx.threads))) < 0 ||
	     (pir_marker_matcher_default_only(r->ctx.matcher) &&
	      (err = pir_delta_bases_new(&br.bases)) < 0)))
		goto done;
	for (;;) {
		size_t chunk = w->job->chunk, start = atomic_fetch_add(&w->job->next, chunk);
		if (start >= r->nscan)
			break;
		for (size_t k = start; k < start + chunk && k < r->nscan && !err; k++)
			err = scan_blob(r, &br, k);
		if (err)
			break;
		release_pages(w->job);
		atomic_fetch_add(&w->job->done, chunk);
		if ((err = pir_worker_progress(w, "blobs", r->nscan)) < 0)
			break;
	}
done:
	free(br.made.v);
	pir_slim_cache_free(br.ycache);
	pir_delta_bases_free(br.bases);
	pir_pack_cursor_free(br.cursor);
	pir_marker_scratch_free(br.scratch);
	git_odb_free(br.odb);
	return err == PIR_EUSER && w->index != 0 ? 0 : err;
}

int pir_blobs_scan(pir_repo *r)
{
	pir_job jb;
	int err;

	if ((err = order_blobs(r)) < 0 || (err = delta_order(r)) < 0)
		return err;
	atomic_init(&jb.next, 0);
	atomic_init(&jb.done, 0);
	atomic_init(&jb.failed, 0);
	jb.r = r;
	jb.chunk = r->nscan / ((size_t)r->ctx.threads * 8);
	jb.chunk = jb.chunk < CHUNK_BLOBS_MIN	? CHUNK_BLOBS_MIN
		   : jb.chunk > CHUNK_BLOBS_MAX ? CHUNK_BLOBS_MAX
						: jb.chunk;
	pthread_mutex_init(&r->slim_lock, NULL);
	err = pir_workers_run(r, &jb, blob_worker, "blobs", r->nscan);
	pthread_mutex_destroy(&r->slim_lock);
	return err;
}

/* Blobs read again between two releases of the pack pages they touched. */
#define REREAD_RELEASE 16

/*
 * Read through the packs like the blob phase, with the smallest delta cache
 * and the pages given back every few blobs: through libgit2, the versions
 * of a large action-items file took its pack windows (a hundred MiB and
 * more) at the peak of a scan. Each blob's place in the packs is looked up here:
 * those the history record knew were never placed.
 */
int pir_blobs_reread(pir_repo *r, const uint32_t *blobs, size_t n)
{
	blob_reader br = {NULL, NULL, NULL, NULL, {NULL, 0, 0}, NULL};
	int err = 0, gerr;

	if (!n)
		return 0;
	if ((gerr = git_repository_odb(&br.odb, r->repo)) < 0)
		return pir_error_git(gerr, "cannot open the object database");
	if ((err = pir_marker_scratch_new(&br.scratch, r->ctx.matcher)) < 0 ||
	    (r->blob_pos && pir_packset_count(r->packs) &&
	     (err = pir_pack_cursor_new(&br.cursor, r->packs, DELTA_CACHE_MIN)) < 0))
		goto done;
	for (size_t i = 0; i < n && !err; i++) {
		pir_blob *b = &r->blobs[blobs[i]];
		bool entries = (b->flags & PIR_BLOB_SLIM) && !b->entries;
		git_odb_object *obj = NULL;
		const char *data;
		size_t len = 0;

		if (!entries && !pir_blob_markers(b)->texts)
			continue;
		if (br.cursor && r->blob_pos[blobs[i]] == PIR_PACK_NOPOS)
			r->blob_pos[blobs[i]] = pir_packset_find(r->packs, b->oid.id);
		if ((err = read_blob(r, &br, blobs[i], &data, &len, &obj)) == 0 && data) {
			if (entries)
				err = parse_entries(r, NULL, b, data, len, false);
			if (!err && pir_blob_markers(b)->texts)
				err = reread_markers(r, &br, b, data, len);
		}
		git_odb_object_free(obj);
		/* the versions' chains are all over the packs: their pages would stay resident */
		if (br.cursor && (i + 1) % REREAD_RELEASE == 0)
			pir_packset_release_all(r->packs);
	}
done:
	pir_pack_cursor_free(br.cursor);
	if (br.cursor)
		pir_packset_release_all(r->packs);
	pir_marker_scratch_free(br.scratch);
	git_odb_free(br.odb);
	return err;
}
