/* SPDX-License-Identifier: MIT */
/* Keys: a marker's text or an entry's ID, one index each across history. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "history.h"
#include "map.h"
#include "pirscan/common.h"
#include "source.h"
/* ---- keys ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The one place a key is spelled: `kind`, then the `len` bytes of `s` and its NUL, into `dst`
 * (len + 2 bytes). */
static void spell_key(char *dst, pir_key_kind kind, const char *s, size_t len)
{
	dst[0] = (char)kind;
	memcpy(dst + 1, s, len + 1);
}

static int intern_key(pir_repo *r, pir_key_kind kind, const char *s, pir_buf *tmp, uint32_t *out)
{
	size_t len = strlen(s);

	tmp->size = 0;
	if (pir_buf_grow(tmp, len + 1) < 0)
		return PIR_ENOMEM;
	spell_key(tmp->ptr, kind, s, len);
	tmp->size = len + 1;
	return pir_strpool_intern(&r->keys_pool, tmp->ptr, tmp->size, out);
}

uint32_t pir_key_find(const pir_repo *r, pir_key_kind kind, const char *s)
{
	size_t len = strlen(s);
	char stack[256];
	char *buf = len + 2 <= sizeof(stack) ? stack : malloc(len + 2);
	uint32_t k;

	if (!buf)
		return PIR_MAP_NONE;
	spell_key(buf, kind, s, len);
	k = pir_strpool_find(&r->keys_pool, buf, len + 1);
	if (buf != stack)
		free(buf);
	return k;
}

pir_key_kind pir_key_decode(const pir_repo *r, uint32_t k, const char **text)
{
	const char *s = r->keys_pool.strs[k];

	*text = s + 1;
	return s[0] == PIR_KEY_MARKER ? PIR_KEY_MARKER : PIR_KEY_ENTRY;
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
	uint32_t key, entry, due; /* due: ydue's, slim versions only (remap_slim) */
} key_entry;

_Static_assert(PIR_KEY_ENTRY == PIR_BLOB_ENTRY_KEY, "blobs.c spells entry keys as keys.c does");

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
		err = intern_key(r, PIR_KEY_ENTRY, b->entries->v[k].id, tmp, &ke[n++].key);
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
		const pir_marker_list *ml = pir_blob_markers(b);
		size_t n = 0;

		if (ml->n) {
			if ((err = pir_grow((void **)&ids, &cap, ml->n, sizeof(*ids))) < 0)
				break;
			for (size_t k = 0; k < ml->n && !err; k++)
				err = intern_key(r, PIR_KEY_MARKER, ml->v[k].text, &tmp, &ids[n++]);
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

/* Key k's number in the new order, given it one if it has none yet. */
static int renumber_one(pir_repo *r, pir_key_kind kind, const char *text, uint32_t *map,
			pir_strpool *np, pir_buf *tmp)
{
	uint32_t k = pir_key_find(r, kind, text), idx;
	size_t len = strlen(text);

	if (k == PIR_MAP_NONE || map[k] != PIR_MAP_NONE)
		return 0;
	tmp->size = 0;
	if (pir_buf_grow(tmp, len + 1) < 0)
		return PIR_ENOMEM;
	spell_key(tmp->ptr, kind, text, len);
	if (pir_strpool_intern(np, tmp->ptr, len + 1, &idx) < 0)
		return PIR_ENOMEM;
	map[k] = idx;
	return 0;
}

/* A slim version's keys in the new numbers, sorted, packed again. */
static int remap_slim(pir_blob *b, const uint32_t *map)
{
	key_entry *ke = pir_malloc((b->nykeys + 1) * sizeof(*ke));
	uint32_t *keys = pir_malloc((b->nykeys + 1) * sizeof(uint32_t));
	uint32_t *due = pir_malloc((b->nykeys + 1) * sizeof(uint32_t)), n = 0;
	pir_ykeys_it it;
	int err = PIR_ENOMEM;

	if (ke && keys && due) {
		pir_ykeys_begin(&it, b);
		while (pir_ykeys_next(&it))
			ke[n++] = (key_entry){map[it.key], 0, it.due};
		qsort(ke, n, sizeof(*ke), cmp_key_entry);
		for (uint32_t i = 0; i < n; i++)
			keys[i] = ke[i].key, due[i] = ke[i].due;
		err = pir_ykeys_pack(b, keys, due, n);
	}
	free(ke);
	free(keys);
	free(due);
	return err;
}

/* A blob's key sets in the new numbers, sorted again (ykeys with their yentry). */
static int remap_blob(pir_blob *b, const uint32_t *map)
{
	key_entry *ke;

	for (uint32_t i = 0; i < b->nmkeys; i++)
		b->mkeys[i] = map[b->mkeys[i]];
	if (b->nmkeys > 1)
		qsort(b->mkeys, b->nmkeys, sizeof(uint32_t), cmp_u32);
	if (b->ypack)
		return remap_slim(b, map);
	if (b->nykeys < 2) {
		if (b->nykeys)
			b->ykeys[0] = map[b->ykeys[0]];
		return 0;
	}
	if (!(ke = pir_malloc(b->nykeys * sizeof(*ke))))
		return PIR_ENOMEM;
	for (uint32_t i = 0; i < b->nykeys; i++)
		ke[i] = (key_entry){map[b->ykeys[i]], b->yentry ? b->yentry[i] : 0, 0};
	qsort(ke, b->nykeys, sizeof(*ke), cmp_key_entry);
	for (uint32_t i = 0; i < b->nykeys; i++) {
		b->ykeys[i] = ke[i].key;
		if (b->yentry)
			b->yentry[i] = ke[i].entry;
	}
	free(ke);
	return 0;
}

/* A slim version's IDs: ypack holds them in the order of their first entries until remap_blob. */
static int renumber_slim(const pir_repo *r, const pir_blob *b, uint32_t *map, pir_strpool *np)
{
	pir_ykeys_it it;
	int err = 0;

	pir_ykeys_begin(&it, b);
	while (!err && pir_ykeys_next(&it)) {
		/* the key is known by its number: no lookup of its text, and each one once */
		const char *spelled = r->keys_pool.strs[it.key];
		uint32_t idx;
		if (map[it.key] != PIR_MAP_NONE)
			continue;
		if ((err = pir_strpool_intern(np, spelled, strlen(spelled), &idx)) == 0)
			map[it.key] = idx;
	}
	return err;
}

static int renumber_blob(pir_repo *r, const pir_blob *b, uint32_t *map, pir_strpool *np,
			 pir_buf *tmp)
{
	const pir_marker_list *ml = pir_blob_markers(b);
	int err = 0;

	for (size_t k = 0; k < ml->n && !err; k++)
		err = renumber_one(r, PIR_KEY_MARKER, ml->v[k].text, map, np, tmp);
	if (!err && (b->flags & PIR_BLOB_SLIM))
		return renumber_slim(r, b, map, np);
	for (size_t k = 0; b->entries && k < b->entries->n && !err; k++)
		if (b->entries->v[k].id)
			err = renumber_one(r, PIR_KEY_ENTRY, b->entries->v[k].id, map, np, tmp);
	return err;
}

int pir_keys_renumber(pir_repo *r, const uint32_t *order, size_t n)
{
	size_t nk = r->keys_pool.n;
	uint32_t *map = NULL;
	pir_strpool np = {0};
	pir_key *keys = NULL;
	pir_buf tmp = PIR_BUF_INIT;
	int err = 0;

	if (!nk)
		return 0;
	if (!(map = pir_malloc(nk * sizeof(*map))) || !(keys = pir_calloc(nk + 1, sizeof(*keys)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < nk; k++)
		map[k] = PIR_MAP_NONE;
	for (size_t i = 0; i < n && !err; i++)
		err = renumber_blob(r, &r->blobs[order[i]], map, &np, &tmp);
	for (size_t i = 0; i < r->nblobs && !err; i++) /* any the order left out, after */
		err = renumber_blob(r, &r->blobs[i], map, &np, &tmp);
	for (size_t i = 0; i < r->nblobs && !err; i++)
		err = remap_blob(&r->blobs[i], map);
	if (err)
		goto done;
	for (size_t k = 0; k < nk; k++)
		keys[map[k]] = r->keys[k];
	free(r->keys);
	r->keys = keys;
	keys = NULL;
	pir_strpool_dispose(&r->keys_pool);
	r->keys_pool = np;
	memset(&np, 0, sizeof(np));
done:
	free(map);
	free(keys);
	pir_strpool_dispose(&np);
	pir_buf_dispose(&tmp);
	return err;
}

/*
 * The slim and compact versions the output shows in full: where each entry
 * ID that left the scanned tree was last seen, where each resolved marker
 * location was, and the versions the change under review replaced
 * (result/collect.c reads them).
 */
int pir_keys_reread_shown(pir_repo *r)
{
	const pir_marker_gone *gone;
	size_t ngone = pir_markers_gone(r, &gone), n = 0;
	uint32_t *v = pir_malloc((r->keys_pool.n + r->nsince_gone + ngone + 1) * sizeof(*v));
	int err;

	if (!v)
		return PIR_ENOMEM;
	for (size_t g = 0; g < ngone; g++) /* the compact versions of resolved locations */
		if (gone[g].blob < r->nblobs && pir_blob_markers(&r->blobs[gone[g].blob])->texts)
			v[n++] = gone[g].blob;
	for (size_t k = 0; r->keys && k < r->keys_pool.n; k++) {
		const pir_key *key = &r->keys[k];
		if (key->rm_blob != PIR_MAP_NONE && (r->blobs[key->rm_blob].flags & PIR_BLOB_SLIM))
			v[n++] = key->rm_blob;
	}
	for (size_t g = 0; g < r->nsince_gone; g++)
		if (r->blobs[r->since_gone[g]].flags & PIR_BLOB_SLIM)
			v[n++] = r->since_gone[g];
	err = pir_blobs_reread(r, v, n);
	free(v);
	return err;
}
