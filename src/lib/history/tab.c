/* SPDX-License-Identifier: MIT */
/* Copy-on-write tables: what a commit's state shares with its parent's. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "pirscan/common.h"
#include "replay_int.h"

#define CHUNK_BITS 6
#define CHUNK (1u << CHUNK_BITS)

typedef struct {
	uint32_t refs;
	uintptr_t v[CHUNK];
} chunk;

struct pir_tab {
	uint32_t refs;
	uint32_t n; /* chunks */
	chunk **c;
};

pir_rec *pir_rec_new(uint32_t born, uint32_t mblob, uint32_t yblob, uint32_t nm)
{
	pir_rec *rec = pir_malloc(sizeof(*rec) + (size_t)nm * sizeof(uint32_t));

	if (!rec)
		return NULL;
	rec->refs = 1;
	rec->born = born;
	rec->mblob = mblob;
	rec->yblob = yblob;
	rec->nm = nm;
	for (uint32_t k = 0; k < nm; k++)
		rec->lin[k] = PIR_MAP_NONE;
	return rec;
}

void pir_rec_release(pir_rec *rec)
{
	if (rec && --rec->refs == 0)
		free(rec);
}

uintptr_t pir_tab_get(const pir_tab *t, uint32_t i)
{
	const chunk *c;

	if (!t || (i >> CHUNK_BITS) >= t->n || !(c = t->c[i >> CHUNK_BITS]))
		return 0;
	return c->v[i & (CHUNK - 1)];
}

pir_tab *pir_tab_hold(pir_tab *t)
{
	if (t)
		t->refs++;
	return t;
}

static void chunk_release(chunk *c, bool records)
{
	if (!c || --c->refs)
		return;
	for (uint32_t k = 0; records && k < CHUNK; k++)
		pir_rec_release((pir_rec *)c->v[k]);
	free(c);
}

void pir_tab_release(pir_tab *t, bool records)
{
	if (!t || --t->refs)
		return;
	for (uint32_t k = 0; k < t->n; k++)
		chunk_release(t->c[k], records);
	free(t->c);
	free(t);
}

/* `*t` unique and with at least `need` chunks. */
static int tab_own(pir_tab **t, bool records, uint32_t need)
{
	pir_tab *old = *t, *nt;
	uint32_t n = need + need / 4;

	if (old && old->refs == 1 && old->n >= need)
		return 0;
	if (old && old->n >= need)
		n = old->n;
	if (!(nt = pir_calloc(1, sizeof(*nt))) || !(nt->c = pir_calloc(n, sizeof(*nt->c)))) {
		free(nt);
		return PIR_ENOMEM;
	}
	nt->refs = 1;
	nt->n = n;
	for (uint32_t k = 0; old && k < old->n; k++)
		if ((nt->c[k] = old->c[k]))
			nt->c[k]->refs++;
	pir_tab_release(old, records);
	*t = nt;
	return 0;
}

/* Chunk `k` of the unique table `t`, unique too. */
static chunk *chunk_own(pir_tab *t, bool records, uint32_t k)
{
	chunk *old = t->c[k], *nc;

	if (old && old->refs == 1)
		return old;
	if (!(nc = pir_calloc(1, sizeof(*nc))))
		return NULL;
	nc->refs = 1;
	if (old) {
		memcpy(nc->v, old->v, sizeof(nc->v));
		for (uint32_t s = 0; records && s < CHUNK; s++)
			if (nc->v[s])
				((pir_rec *)nc->v[s])->refs++;
		chunk_release(old, records);
	}
	t->c[k] = nc;
	return nc;
}

int pir_tab_set(pir_tab **t, bool records, uint32_t i, uintptr_t v)
{
	uint32_t k = i >> CHUNK_BITS;
	chunk *c;

	if (pir_tab_get(*t, i) == v)
		return 0;
	if (tab_own(t, records, k + 1) < 0 || !(c = chunk_own(*t, records, k)))
		return PIR_ENOMEM;
	if (records) {
		if (v)
			((pir_rec *)v)->refs++;
		pir_rec_release((pir_rec *)c->v[i & (CHUNK - 1)]);
	}
	c->v[i & (CHUNK - 1)] = v;
	return 0;
}

void pir_tab_each(const pir_tab *t, void (*fn)(void *payload, uint32_t i, const pir_rec *rec),
		  void *payload)
{
	for (uint32_t k = 0; t && k < t->n; k++)
		for (uint32_t s = 0; t->c[k] && s < CHUNK; s++)
			if (t->c[k]->v[s])
				fn(payload, (k << CHUNK_BITS) | s, (const pir_rec *)t->c[k]->v[s]);
}
