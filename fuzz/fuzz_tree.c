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

/* data parsed like ldata (when ldata is a tree) is data parsed: the same rc, the same entries. */
static void like_is_full(const uint8_t *data, size_t size, const uint8_t *ldata, size_t lsize)
{
	pir_tree_entry *lv = NULL, *v = NULL, *w = NULL;
	size_t ln = 0, n = 0, m = 0, lcap = 0, cap = 0, wcap = 0, ss = 0, se = 0;

	if (pir_tree_parse(ldata, lsize, &lv, &ln, &lcap) == 0) {
		int full = pir_tree_parse(data, size, &v, &n, &cap);
		int like =
		    pir_tree_parse_like(data, size, ldata, lsize, lv, ln, &w, &m, &wcap, &ss, &se);
		if (full != like && full != PIR_ENOMEM && like != PIR_ENOMEM)
			abort();
		if (!full && !like) {
			if (m != n)
				abort();
			for (size_t i = 0; i < n; i++)
				if (w[i].name != v[i].name || w[i].id != v[i].id ||
				    w[i].name_len != v[i].name_len || w[i].attr != v[i].attr)
					abort();
			/* the entries it says the two share are the same bytes */
			if (ss > n || ss > ln || se > n - ss || se > ln - ss)
				abort();
			if (ss && memcmp(data, ldata, (size_t)(v[ss - 1].id + 20 - data)))
				abort();
			if (se) {
				size_t a = n - se ? (size_t)(v[n - se - 1].id + 20 - data) : 0;
				size_t b = ln - se ? (size_t)(lv[ln - se - 1].id + 20 - ldata) : 0;
				if (size - a != lsize - b || memcmp(data + a, ldata + b, size - a))
					abort();
			}
		}
	}
	free(lv);
	free(v);
	free(w);
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
