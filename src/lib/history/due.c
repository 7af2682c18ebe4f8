/* SPDX-License-Identifier: MIT */
/* Due-date moves and status changes of entries: what a commit changed against every parent. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "replay_int.h"

static bool same_due(const char *a, const char *b)
{
	pir_date x, y;

	if (!a || !b || a == b)
		return a == b;
	/* the same text is the same date, or the same invalid one: most pairs, and no parse */
	if (strcmp(a, b) == 0)
		return true;
	/* different texts: the same date written two ways, else different */
	return pir_date_parse(&x, a, strlen(a)) == 0 && pir_date_parse(&y, b, strlen(b)) == 0 &&
	       x == y;
}

/* Count a candidate event in parent group `group` (new ones only in the first group). */
static int see_candidate(pir_due_set *ds, const due_candidate *want, uint32_t group)
{
	size_t c;

	for (c = 0; c < ds->n; c++) {
		const due_candidate *x = &ds->cand[c];
		if (x->key == want->key && x->is_status == want->is_status &&
		    (want->is_status ? x->closed == want->closed
				     : same_due(x->new_due, want->new_due)))
			break;
	}
	if (c == ds->n) {
		if (group != 0)
			return 0; /* not against the first parent: not this commit's */
		if (pir_grow((void **)&ds->cand, &ds->cap, ds->n + 1, sizeof(*ds->cand)) < 0)
			return PIR_ENOMEM;
		ds->cand[ds->n++] = *want;
	}
	if (ds->cand[c].seen == group)
		ds->cand[c].seen++;
	return 0;
}

/* The due value as written (NULL: none) and closed bit of the first entry of the key at `it`. */
static const char *due_of(const pir_repo *r, const pir_ykeys_it *it, bool *closed)
{
	const pir_blob *b = it->b;
	const pir_entry *e;
	uint32_t d;

	if (!b->ypack) {
		e = &b->entries->v[b->yentry[it->i - 1]];
		*closed = e->closed;
		return e->due_raw;
	}
	d = it->due;
	*closed = (d & PIR_YDUE_CLOSED) != 0;
	d &= ~PIR_YDUE_CLOSED;
	return d == PIR_YDUE_NONE ? NULL : r->due_pool.strs[d];
}

static bool has_entries(const pir_blob *b)
{
	return b->entries || (b->flags & PIR_BLOB_SLIM);
}

/* Due dates and statuses that differ between the old and new version of an action-items file. */
int pir_due_collect(pir_due_set *ds, const pir_repo *r, const pir_change *ch, uint32_t group)
{
	const pir_blob *o, *n;
	pir_ykeys_it i, j;
	bool more_i, more_j;

	if (!ch->yaml || ch->old_blob == PIR_MAP_NONE || ch->new_blob == PIR_MAP_NONE)
		return 0;
	o = &r->blobs[ch->old_blob];
	n = &r->blobs[ch->new_blob];
	if (!has_entries(o) || !has_entries(n))
		return 0;
	pir_ykeys_begin(&i, o);
	pir_ykeys_begin(&j, n);
	more_i = pir_ykeys_next(&i);
	more_j = pir_ykeys_next(&j);
	while (more_i && more_j) {
		const char *odue, *ndue;
		bool oclosed, nclosed;
		if (i.key != j.key) {
			if (i.key < j.key)
				more_i = pir_ykeys_next(&i);
			else
				more_j = pir_ykeys_next(&j);
			continue;
		}
		odue = due_of(r, &i, &oclosed);
		ndue = due_of(r, &j, &nclosed);
		if (!same_due(odue, ndue)) {
			due_candidate want = {i.key, odue, ndue, false, false, 0};
			if (see_candidate(ds, &want, group) < 0)
				return PIR_ENOMEM;
		}
		if (oclosed != nclosed) {
			due_candidate want = {i.key, NULL, NULL, true, nclosed, 0};
			if (see_candidate(ds, &want, group) < 0)
				return PIR_ENOMEM;
		}
		more_i = pir_ykeys_next(&i);
		more_j = pir_ykeys_next(&j);
	}
	return 0;
}

int pir_due_settle(const pir_due_set *ds, pir_repo *r, uint32_t ci, uint32_t groups)
{
	for (size_t c = 0; c < ds->n; c++) {
		pir_key *key = &r->keys[ds->cand[c].key];
		if (ds->cand[c].seen != groups)
			continue;
		if (pir_grow((void **)&key->due, &key->due_cap, key->ndue + 1, sizeof(*key->due)) <
		    0)
			return PIR_ENOMEM;
		key->due[key->ndue++] =
		    (pir_due_event){ci, ds->cand[c].old_due, ds->cand[c].new_due,
				    ds->cand[c].is_status, ds->cand[c].closed};
	}
	return 0;
}
