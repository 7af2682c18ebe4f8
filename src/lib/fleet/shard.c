/* SPDX-License-Identifier: MIT */
/*
 * Shards: the repositories dealt into N slices of about the same size, the
 * same way on every machine given the same list and the same object
 * databases, so that a matrix of N jobs scans each repository once.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "error.h"
#include "fleet.h"

/* The sum of the sizes of the regular files of `dir` whose name ends in `suffix`. */
static uint64_t files_size(const char *dir, const char *suffix)
{
	size_t slen = strlen(suffix);
	uint64_t total = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		char *path;

		if (e->d_name[0] == '.' || n < slen || strcmp(e->d_name + n - slen, suffix))
			continue;
		if (!(path = pir_sprintf("%s/%s", dir, e->d_name)))
			break;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
		free(path);
	}
	closedir(d);
	return total;
}

static bool is_hex2(const char *s)
{
	return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

uint64_t pir_fleet_odb_size(const char *objects_dir)
{
	uint64_t total;
	char *packs = pir_sprintf("%s/pack", objects_dir);
	struct dirent *e;
	DIR *d;

	if (!packs)
		return 0;
	total = files_size(packs, ".pack");
	free(packs);
	if (!(d = opendir(objects_dir)))
		return total;
	while ((e = readdir(d))) {
		char *sub;
		if (!is_hex2(e->d_name) || !(sub = pir_sprintf("%s/%s", objects_dir, e->d_name)))
			continue;
		total += files_size(sub, "");
		free(sub);
	}
	closedir(d);
	return total;
}

typedef struct {
	uint64_t size;
	const char *name;
	size_t index;
} unit;

/* Largest first, then by name, then by index: the same order on every machine. */
static int unit_cmp(const void *pa, const void *pb)
{
	const unit *a = pa, *b = pb;
	int c;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* A slice by its load: the least loaded on top, at equal load the fewest, then the lowest. */
typedef struct {
	uint64_t load;
	size_t count;
	unsigned index;
} slice;

static bool slice_before(const slice *a, const slice *b)
{
	if (a->load != b->load)
		return a->load < b->load;
	if (a->count != b->count)
		return a->count < b->count;
	return a->index < b->index;
}

/* The top of the heap h of n slices went up: move it down to its place. */
static void sift_down(slice *h, unsigned n)
{
	unsigned i = 0;

	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && slice_before(&h[l], &h[m]))
			m = l;
		if (r < n && slice_before(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		slice t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

int pir_fleet_partition(unsigned *out, const uint64_t *sizes, const char *const *names, size_t n,
			unsigned nshards)
{
	unit *v = pir_calloc(n ? n : 1, sizeof(*v));
	slice *heap = pir_calloc(nshards ? nshards : 1, sizeof(*heap));

	if (!v || !heap) {
		free(v);
		free(heap);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (unit){sizes[i], names[i], i};
	qsort(v, n, sizeof(*v), unit_cmp);
	for (unsigned s = 0; s < nshards; s++)
		heap[s].index = s; /* all empty: in index order, a heap already */
	for (size_t i = 0; i < n && nshards; i++) {
		out[v[i].index] = heap[0].index;
		heap[0].load += v[i].size;
		heap[0].count++;
		sift_down(heap, nshards);
	}
	free(v);
	free(heap);
	return 0;
}
