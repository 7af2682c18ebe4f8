/* SPDX-License-Identifier: MIT */
/* Lineages of marker locations: which are in the scanned tree, which were resolved. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "history.h"
#include "pirscan/common.h"
#include "replay_int.h"

/* Is commit `a` earlier than `b` (by time, then topological order)? Anything is before none. */
bool pir_commit_before(const pir_repo *r, uint32_t a, uint32_t b)
{
	const pir_commit *x, *y;

	if (b == PIR_MAP_NONE)
		return a != PIR_MAP_NONE;
	if (a == PIR_MAP_NONE)
		return false;
	x = &r->commits[a];
	y = &r->commits[b];
	return x->time < y->time || (x->time == y->time && x->topo < y->topo);
}

/* Should a removal by `ci` (strict: against every parent) replace the one recorded? */
bool pir_rm_better(const pir_repo *r, uint32_t ci, bool strict, uint32_t cur, bool cur_strict)
{
	if (cur == PIR_MAP_NONE || strict != cur_strict)
		return cur == PIR_MAP_NONE || strict;
	return pir_commit_before(r, cur, ci);
}

uint32_t pir_lin_find(lineage *lin, uint32_t l)
{
	while (lin[l].up != l) {
		lin[l].up = lin[lin[l].up].up;
		l = lin[l].up;
	}
	return l;
}

static void mark_live(void *payload, uint32_t pid, const pir_rec *rec)
{
	lineage *lin = payload;

	(void)pid;
	for (uint32_t k = 0; k < rec->nm; k++)
		if (rec->lin[k] != PIR_MAP_NONE)
			lin[pir_lin_find(lin, rec->lin[k])].live = true;
}

/*
 * Lineages removed and not in the scanned tree (nor met by one that is): one
 * resolved location each class, where its last removal (strict first) left it,
 * introduced at the class's earliest arrival.
 */
static int collect_resolved(pir_ages *a, const pir_repo *r)
{
	uint32_t *best = pir_malloc((a->nlin + 1) * sizeof(uint32_t));
	uint32_t *first = pir_malloc((a->nlin + 1) * sizeof(uint32_t));
	int err = 0;

	if (!best || !first || !(a->gone = pir_calloc(a->nlin + 1, sizeof(*a->gone)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t l = 0; l < a->nlin; l++)
		best[l] = first[l] = PIR_MAP_NONE;
	for (uint32_t l = 0; l < a->nlin; l++) {
		uint32_t root = pir_lin_find(a->lin, l);
		const lineage *x = &a->lin[l];
		if (a->lin[root].live)
			continue;
		if (pir_commit_before(r, x->intro,
				      first[root] == PIR_MAP_NONE ? PIR_MAP_NONE
								  : a->lin[first[root]].intro))
			first[root] = l;
		if (x->rm != PIR_MAP_NONE &&
		    (best[root] == PIR_MAP_NONE ||
		     pir_rm_better(r, x->rm, x->rm_strict, a->lin[best[root]].rm,
				   a->lin[best[root]].rm_strict)))
			best[root] = l;
	}
	for (uint32_t l = 0; l < a->nlin; l++) {
		const lineage *x;
		if (best[l] == PIR_MAP_NONE)
			continue;
		x = &a->lin[best[l]];
		a->gone[a->ngone++] =
		    (pir_marker_gone){a->paths.strs[x->rm_path], x->rm_blob, x->rm_marker,
				      a->lin[first[l]].intro, x->rm};
	}
done:
	free(best);
	free(first);
	return err;
}

int pir_ages_settle(pir_ages *a, const pir_repo *r)
{
	pir_tab_each(a->head, mark_live, a->lin);
	return collect_resolved(a, r);
}

void pir_ages_free(pir_ages *a)
{
	if (!a)
		return;
	pir_tab_release(a->head, true);
	pir_strpool_dispose(&a->paths);
	free(a->lin);
	free(a->gone);
	free(a);
}

uint32_t pir_marker_intro(const pir_repo *r, const char *path, uint32_t blob, size_t marker)
{
	const pir_ages *a = r->ages;
	const pir_rec *rec;
	uint32_t pid;

	if (!a || (pid = pir_strpool_find(&a->paths, path, strlen(path))) == PIR_MAP_NONE ||
	    !(rec = (const pir_rec *)pir_tab_get(a->head, pid)) || rec->mblob != blob ||
	    marker >= rec->nm || rec->lin[marker] == PIR_MAP_NONE)
		return PIR_MAP_NONE;
	return a->lin[rec->lin[marker]].intro;
}

size_t pir_markers_gone(const pir_repo *r, const pir_marker_gone **out)
{
	*out = r->ages ? r->ages->gone : NULL;
	return r->ages ? r->ages->ngone : 0;
}
