/* SPDX-License-Identifier: MIT */
/*
 * Names that never change by accident: a repository's folder name, and when
 * two share it, the shortest suffix of whole path components that tells
 * them apart, never a number. Sorted by their components read from the end,
 * the root sharing the longest suffix with a root is one of its neighbours,
 * so one sort and one pass name them all: O(n log n) comparisons.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "fleet.h"

typedef struct {
	const char *s;
	size_t len;  /* without a last ".git": what is compared */
	size_t full; /* with it: what tells a repository from its bare clone beside it */
	size_t index;
} root;

/* The start of the component ending at `end` (exclusive) in s. */
static size_t comp_start(const char *s, size_t end)
{
	while (end && s[end - 1] != '/')
		end--;
	return end;
}

/*
 * Compare a and b by their components from the last; `*common` gets the
 * number of trailing components they share.
 */
static int rcmp(const root *a, const root *b, size_t *common)
{
	size_t ia = a->len, ib = b->len, n = 0;

	for (;;) {
		size_t sa = comp_start(a->s, ia), sb = comp_start(b->s, ib);
		size_t la = ia - sa, lb = ib - sb;
		int c = memcmp(a->s + sa, b->s + sb, la < lb ? la : lb);
		if (!c && la != lb)
			c = la < lb ? -1 : 1;
		if (c) {
			*common = n;
			return c;
		}
		n++;
		if (!sa || !sb) {
			*common = n;
			return sa ? 1 : sb ? -1 : 0;
		}
		ia = sa - 1;
		ib = sb - 1;
	}
}

static int root_cmp(const void *pa, const void *pb)
{
	const root *a = pa, *b = pb;
	size_t common;
	int c = rcmp(a, b, &common);

	return c ? c : a->index < b->index ? -1 : a->index > b->index;
}

/* Where the last k components of r start (0: all of it). */
static size_t suffix_start(const root *r, size_t k)
{
	size_t at = r->len;

	while (k-- && at) {
		at = comp_start(r->s, at);
		if (k && at)
			at--;
	}
	return at;
}

/*
 * The name of a root sharing `common` components with its nearest other;
 * with `full`, of one whose only difference from another is a last ".git".
 */
static const char *name_of(const root *r, size_t common, bool full, const pir_strpool *taken,
			   pir_arena *arena)
{
	root w = *r;
	size_t k = common + 1, at;

	if (full)
		w.len = w.full;
	at = suffix_start(&w, k);
	while (taken && at && pir_strpool_find(taken, w.s + at, w.len - at) != PIR_MAP_NONE)
		at = suffix_start(&w, ++k);
	return pir_arena_strndup(arena, w.s + at, w.len - at);
}

/* A root's length without a trailing ".git" (on a last component longer than that). */
static size_t stripped(const char *s, size_t n)
{
	return n > 4 && !memcmp(s + n - 4, ".git", 4) && n - comp_start(s, n) > 4 ? n - 4 : n;
}

/* Name the run [i, end) of v, roots equal but maybe for a last ".git". */
static int name_run(const char **out, root *v, size_t n, size_t i, size_t end,
		    const pir_strpool *taken, pir_arena *arena)
{
	size_t before = 0, after = 0, common;
	bool twins = false;

	for (size_t k = i + 1; k < end; k++)
		twins |= v[k].full != v[i].full;
	if (i > 0)
		rcmp(&v[i - 1], &v[i], &before);
	if (end < n)
		rcmp(&v[i], &v[end], &after);
	common = before > after ? before : after;
	for (size_t k = i; k < end; k++) {
		if (k > i && !twins)
			out[v[k].index] = out[v[i].index];
		else if (!(out[v[k].index] = name_of(&v[k], common, twins, taken, arena)))
			return PIR_ENOMEM;
	}
	return 0;
}

int pir_fleet_suffix_names(const char **out, const char *const *roots, size_t n,
			   const pir_strpool *taken, pir_arena *arena)
{
	root *v = pir_calloc(n ? n : 1, sizeof(*v));
	size_t i = 0;
	int err = 0;

	if (!v)
		return PIR_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		v[k].s = roots[k];
		v[k].full = strlen(roots[k]);
		v[k].len = stripped(roots[k], v[k].full);
		v[k].index = k;
	}
	qsort(v, n, sizeof(*v), root_cmp);
	while (i < n && !err) {
		size_t end = i + 1, c;
		while (end < n && rcmp(&v[i], &v[end], &c) == 0)
			end++;
		err = name_run(out, v, n, i, end, taken, arena);
		i = end;
	}
	free(v);
	return err;
}

char *pir_fleet_repo_root(git_repository *repo)
{
	const char *p =
	    git_repository_is_bare(repo) ? git_repository_path(repo) : git_repository_workdir(repo);
	size_t len = strlen(p);

	while (len > 1 && p[len - 1] == '/')
		len--;
	return pir_strndup(p, len);
}
