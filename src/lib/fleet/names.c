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
	size_t len;
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

/* The name of sorted[i], sharing `common` components with its nearest other. */
static const char *name_of(const root *r, size_t common, const pir_strpool *taken, pir_arena *arena)
{
	size_t k = common + 1, at = suffix_start(r, k);

	while (taken && at && pir_strpool_find(taken, r->s + at, r->len - at) != PIR_MAP_NONE)
		at = suffix_start(r, ++k);
	return pir_arena_strndup(arena, r->s + at, r->len - at);
}

int pir_fleet_suffix_names(const char **out, const char *const *roots, size_t n,
			   const pir_strpool *taken, pir_arena *arena)
{
	root *v = pir_calloc(n ? n : 1, sizeof(*v));
	size_t i = 0;

	if (!v)
		return PIR_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		v[k].s = roots[k];
		v[k].len = strlen(roots[k]);
		v[k].index = k;
	}
	qsort(v, n, sizeof(*v), root_cmp);
	while (i < n) {
		size_t end = i + 1, before = 0, after = 0, c;
		const char *name;

		while (end < n && rcmp(&v[i], &v[end], &c) == 0)
			end++;
		if (i > 0)
			rcmp(&v[i - 1], &v[i], &before);
		if (end < n)
			rcmp(&v[i], &v[end], &after);
		if (!(name = name_of(&v[i], before > after ? before : after, taken, arena))) {
			free(v);
			return PIR_ENOMEM;
		}
		for (; i < end; i++)
			out[v[i].index] = name;
	}
	free(v);
	return 0;
}

char *pir_fleet_repo_root(git_repository *repo)
{
	bool bare = git_repository_is_bare(repo);
	const char *p = bare ? git_repository_path(repo) : git_repository_workdir(repo);
	size_t len = strlen(p), start;

	while (len > 1 && p[len - 1] == '/')
		len--;
	start = comp_start(p, len);
	if (bare && len - start > 4 && !memcmp(p + len - 4, ".git", 4))
		len -= 4;
	return pir_strndup(p, len);
}
