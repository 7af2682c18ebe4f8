/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the tree parser (tree.c). Input: raw tree data. An accepted
 * tree is checked against the format: its entries cover the data exactly,
 * one after another, each name NUL-terminated inside it, each mode what its
 * octal digits say; git's entry order is antisymmetric. Parsed like another
 * tree (pir_tree_parse_like), the input gives what the full parse gives: like
 * its halves, and like copies of itself with an entry changed or cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tree.h"
#include "tree_like.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entry(const uint8_t *p, const pir_tree_entry *e)
{
	uint32_t mode = 0;

	while (*p != ' ')
		mode = mode * 8 + (uint32_t)(*p++ - '0');
	if (mode != e->attr || (const char *)p + 1 != e->name || e->name[e->name_len] != '\0' ||
	    memchr(e->name, '\0', e->name_len) ||
	    e->id != (const uint8_t *)e->name + e->name_len + 1)
		abort();
}

/* data parsed like ldata (when ldata is a tree) is data parsed (tree_like.h) */
static void like_is_full(const uint8_t *data, size_t size, const uint8_t *ldata, size_t lsize)
{
	bool compared, claimed;

	if (!tree_like_agrees(data, size, ldata, lsize, &compared, &claimed))
		abort();
}

/* data with its middle entry's id changed, then with that entry cut: parsed like each other */
static void like_changed(const uint8_t *data, size_t size, const pir_tree_entry *v, size_t n)
{
	uint8_t *copy = malloc(size ? size : 1);
	const pir_tree_entry *e = &v[n / 2];
	size_t start = n / 2 ? (size_t)(v[n / 2 - 1].id + 20 - data) : 0;
	size_t end = (size_t)(e->id + 20 - data);

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[e->id - data] ^= 0x5a;
	like_is_full(copy, size, data, size);
	like_is_full(data, size, copy, size);
	memcpy(copy, data, start);
	memcpy(copy + start, data + end, size - end);
	like_is_full(copy, size - (end - start), data, size);
	like_is_full(data, size, copy, size - (end - start));
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_tree_entry *v = NULL;
	size_t n = 0, cap = 0;
	const uint8_t *p = data;
	int rc = pir_tree_parse(data, size, &v, &n, &cap);

	if (rc == 0) {
		for (size_t i = 0; i < n; i++) {
			if (p < data || p >= data + size)
				abort();
			check_entry(p, &v[i]);
			p = v[i].id + 20;
			if (i) {
				int a =
				    pir_tree_name_cmp(v[i - 1].name, v[i - 1].name_len,
						      pir_tree_is_dir(v[i - 1].attr), v[i].name,
						      v[i].name_len, pir_tree_is_dir(v[i].attr));
				int b = pir_tree_name_cmp(v[i].name, v[i].name_len,
							  pir_tree_is_dir(v[i].attr), v[i - 1].name,
							  v[i - 1].name_len,
							  pir_tree_is_dir(v[i - 1].attr));
				if ((a < 0) != (b > 0) || (a == 0) != (b == 0))
					abort();
			}
		}
		if (p != data + size)
			abort(); /* every byte belongs to an entry */
		if (n)
			like_changed(data, size, v, n);
	} else if (rc != 1 && rc != PIR_ENOMEM) {
		abort();
	}
	like_is_full(data + size / 2, size - size / 2, data, size / 2);
	like_is_full(data, size / 2, data + size / 2, size - size / 2);
	like_is_full(data, size, data, size);
	free(v);
	return 0;
}
