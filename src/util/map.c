/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "map.h"
#include "pirscan/common.h"

static size_t oid_hash(const git_oid *oid)
{
	size_t h;
	/* object ids are uniformly distributed already */
	memcpy(&h, oid->id, sizeof(h));
	return h;
}

static int oidmap_resize(pir_oidmap *m, size_t ncap)
{
	git_oid *keys = pir_calloc(ncap, sizeof(*keys));
	uint32_t *vals = pir_malloc(ncap * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return PIR_ENOMEM;
	}
	memset(vals, 0xff, ncap * sizeof(*vals));
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;
		if (m->vals[i] == PIR_MAP_NONE)
			continue;
		for (j = oid_hash(&m->keys[i]) & (ncap - 1); vals[j] != PIR_MAP_NONE;
		     j = (j + 1) & (ncap - 1))
			;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = ncap;
	return 0;
}

uint32_t pir_oidmap_get(const pir_oidmap *m, const git_oid *oid)
{
	if (!m->cap)
		return PIR_MAP_NONE;
	for (size_t j = oid_hash(oid) & (m->cap - 1); m->vals[j] != PIR_MAP_NONE;
	     j = (j + 1) & (m->cap - 1)) {
		if (git_oid_equal(&m->keys[j], oid))
			return m->vals[j];
	}
	return PIR_MAP_NONE;
}

int pir_oidmap_put(pir_oidmap *m, const git_oid *oid, uint32_t val, uint32_t *out)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && oidmap_resize(m, m->cap ? m->cap * 2 : 1024) < 0)
		return PIR_ENOMEM;
	for (j = oid_hash(oid) & (m->cap - 1); m->vals[j] != PIR_MAP_NONE;
	     j = (j + 1) & (m->cap - 1)) {
		if (git_oid_equal(&m->keys[j], oid)) {
			if (out)
				*out = m->vals[j];
			return 0;
		}
	}
	m->keys[j] = *oid;
	m->vals[j] = val;
	m->n++;
	if (out)
		*out = val;
	return 0;
}

void pir_oidmap_dispose(pir_oidmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static uint32_t oid_hash32(const git_oid *oid)
{
	uint32_t h;
	memcpy(&h, oid->id, sizeof(h));
	return h;
}

/* The id of element `idx`. */
static const git_oid *set_key(const void *base, size_t stride, uint32_t idx)
{
	return (const git_oid *)((const char *)base + (size_t)idx * stride);
}

uint32_t pir_oidset_get(const pir_oidset *s, const void *base, size_t stride, const git_oid *oid)
{
	uint32_t h = oid_hash32(oid);

	if (!s->cap)
		return PIR_MAP_NONE;
	for (size_t j = h & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1))
		if ((uint32_t)(s->slots[j] >> 32) == h &&
		    git_oid_equal(set_key(base, stride, (uint32_t)s->slots[j] - 1), oid))
			return (uint32_t)s->slots[j] - 1;
	return PIR_MAP_NONE;
}

static void set_place(uint64_t *slots, size_t cap, uint64_t slot)
{
	size_t j = (uint32_t)(slot >> 32) & (cap - 1);

	while (slots[j])
		j = (j + 1) & (cap - 1);
	slots[j] = slot;
}

int pir_oidset_add(pir_oidset *s, const void *base, size_t stride, uint32_t idx)
{
	const git_oid *oid = set_key(base, stride, idx);

	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *slots = pir_calloc(ncap, sizeof(*slots));
		if (!slots)
			return PIR_ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				set_place(slots, ncap, s->slots[i]);
		free(s->slots);
		s->slots = slots;
		s->cap = ncap;
	}
	set_place(s->slots, s->cap, (uint64_t)oid_hash32(oid) << 32 | ((uint64_t)idx + 1));
	s->n++;
	return 0;
}

void pir_oidset_dispose(pir_oidset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

struct pir_arena_chunk {
	pir_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *pir_arena_alloc(pir_arena *a, size_t n)
{
	pir_arena_chunk *c = a->head;
	const size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < n) {
		size_t size = c ? (c->size < 32768 ? c->size * 2 : 65536) : 1024;
		if (size < n)
			size = n;
		if (!(c = pir_malloc(sizeof(*c) + size)))
			return NULL;
		c->used = 0;
		c->size = size;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *pir_arena_strndup(pir_arena *a, const char *s, size_t n)
{
	char *d = pir_arena_alloc(a, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *pir_arena_strdup(pir_arena *a, const char *s)
{
	return s ? pir_arena_strndup(a, s, strlen(s)) : NULL;
}

void pir_arena_dispose(pir_arena *a)
{
	pir_arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

static uint32_t str_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int strpool_resize(pir_strpool *p, size_t ncap)
{
	uint32_t *slots = pir_calloc(ncap, sizeof(*slots));
	uint32_t *hashes = pir_malloc(ncap * sizeof(*hashes));

	if (!slots || !hashes) {
		free(slots);
		free(hashes);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < p->cap; i++) {
		size_t j;
		if (!p->slots[i])
			continue;
		for (j = p->hashes[i] & (ncap - 1); slots[j]; j = (j + 1) & (ncap - 1))
			;
		slots[j] = p->slots[i];
		hashes[j] = p->hashes[i];
	}
	free(p->slots);
	free(p->hashes);
	p->slots = slots;
	p->hashes = hashes;
	p->cap = ncap;
	return 0;
}

static size_t strpool_slot(const pir_strpool *p, const char *s, size_t len, uint32_t h)
{
	size_t j;

	for (j = h & (p->cap - 1); p->slots[j]; j = (j + 1) & (p->cap - 1)) {
		const char *t = p->strs[p->slots[j] - 1];
		if (p->hashes[j] == h && strncmp(t, s, len) == 0 && t[len] == '\0')
			break;
	}
	return j;
}

uint32_t pir_strpool_find(const pir_strpool *p, const char *s, size_t len)
{
	size_t j;

	if (!p->cap)
		return PIR_MAP_NONE;
	j = strpool_slot(p, s, len, str_hash(s, len));
	return p->slots[j] ? p->slots[j] - 1 : PIR_MAP_NONE;
}

int pir_strpool_intern(pir_strpool *p, const char *s, size_t len, uint32_t *out)
{
	uint32_t h = str_hash(s, len);
	size_t j;
	char *copy;

	if ((p->n + 1) * 2 > p->cap && strpool_resize(p, p->cap ? p->cap * 2 : 256) < 0)
		return PIR_ENOMEM;
	j = strpool_slot(p, s, len, h);
	if (p->slots[j]) {
		*out = p->slots[j] - 1;
		return 0;
	}
	if (pir_grow((void **)&p->strs, &p->strs_cap, p->n + 1, sizeof(*p->strs)) < 0 ||
	    !(copy = pir_arena_strndup(&p->arena, s, len)))
		return PIR_ENOMEM;
	p->strs[p->n] = copy;
	p->slots[j] = (uint32_t)(p->n + 1);
	p->hashes[j] = h;
	*out = (uint32_t)p->n++;
	return 0;
}

void pir_strpool_dispose(pir_strpool *p)
{
	pir_arena_dispose(&p->arena);
	free(p->strs);
	free(p->slots);
	free(p->hashes);
	memset(p, 0, sizeof(*p));
}
