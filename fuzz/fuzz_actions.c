/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the action-items loader over arbitrary YAML, the slim read
 * agreeing with it, and the cached slim read with the slim read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Where it does not leave the file to the full parse, the slim read gives what the replay reads. */
static void check_slim(const pir_entry_list *full, const uint8_t *data, size_t size)
{
	pir_entry_list l = {0};
	bool broken, full_broken = false;
	int rc = pir_actions_slim(&l, &broken, (const char *)data, size);

	if (rc < 0)
		abort();
	for (size_t i = 0; i < full->diags.n; i++)
		full_broken |= strcmp(full->diags.v[i].code, "yaml-syntax") == 0;
	if (rc == 0 && (l.n != full->n || broken != full_broken))
		abort();
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		if (!same(l.v[i].id, full->v[i].id) || !same(l.v[i].due_raw, full->v[i].due_raw) ||
		    l.v[i].closed != full->v[i].closed)
			abort();
	pir_entry_list_clear(&l);
}

/* The cached read gives what the slim read gives: a half, then the whole, through one cache. */
static void check_cached(const uint8_t *data, size_t size)
{
	static pir_slim_cache *c;
	size_t parts[] = {size / 2, size};

	if (!c && !(c = pir_slim_cache_new()))
		abort();
	for (size_t p = 0; p < 2; p++) {
		pir_entry_list a = {0}, b = {0};
		bool ab = false, bb = false;
		int ra = pir_actions_slim(&a, &ab, (const char *)data, parts[p]);
		int rb = pir_actions_slim_cached(c, &b, &bb, (const char *)data, parts[p]);
		if (ra < 0 || rb != ra || a.n != b.n || (ra == 0 && ab != bb))
			abort();
		for (size_t i = 0; i < a.n; i++)
			if (!same(a.v[i].id, b.v[i].id) || !same(a.v[i].due_raw, b.v[i].due_raw) ||
			    a.v[i].closed != b.v[i].closed)
				abort();
		pir_entry_list_clear(&a);
		pir_entry_list_clear(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_entry_list l = {0};

	if (pir_actions_parse(&l, (const char *)data, size, NULL) < 0)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if ((!l.v[i].id || !l.v[i].title) && !l.v[i].invalid)
			abort(); /* an entry without id or title is invalid */
	for (size_t i = 0; i < l.diags.n; i++)
		if (strchr(l.diags.v[i].message, '\n'))
			abort(); /* diagnostics are one line */
	check_slim(&l, data, size);
	check_cached(data, size);
	pir_entry_list_clear(&l);
	return 0;
}
