/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the tree parser (tree.c). Input: raw tree data. An accepted
 * tree is checked against the format: its entries cover the data exactly,
 * one after another, each name NUL-terminated inside it, each mode what its
 * octal digits say; git's entry order is antisymmetric.
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
	} else if (rc != 1 && rc != PIR_ENOMEM) {
		abort();
	}
	free(v);
	return 0;
}
