/* SPDX-License-Identifier: MIT */
/*
 * The check that pir_tree_parse_like() is pir_tree_parse(), shared by
 * test_tree.c (random pairs) and fuzz_tree.c (the fuzzer's inputs).
 */
#ifndef PIRSCAN_TEST_TREE_LIKE_H
#define PIRSCAN_TEST_TREE_LIKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

/*
 * Parse `data` like `ldata` and in full: false unless both give the same
 * return code and the same entries at the same bytes, and the entries the
 * like parse says the two share are the same bytes in both. `*compared`:
 * ldata is a tree (else nothing is compared); `*claimed`: some were shared.
 */
static inline bool tree_like_agrees(const unsigned char *data, size_t len,
				    const unsigned char *ldata, size_t llen, bool *compared,
				    bool *claimed)
{
	pir_tree_entry *lv = NULL, *v = NULL, *w = NULL;
	size_t ln = 0, n = 0, m = 0, lcap = 0, cap = 0, wcap = 0, ss = 0, se = 0;
	bool ok = true;

	*compared = *claimed = false;
	if (pir_tree_parse(ldata, llen, &lv, &ln, &lcap) == 0) {
		int full = pir_tree_parse(data, len, &v, &n, &cap);
		int like =
		    pir_tree_parse_like(data, len, ldata, llen, lv, ln, &w, &m, &wcap, &ss, &se);

		*compared = true;
		ok = like == full;
		if (ok && !full) {
			ok = m == n;
			for (size_t i = 0; ok && i < n; i++)
				ok = w[i].name == v[i].name && w[i].id == v[i].id &&
				     w[i].name_len == v[i].name_len && w[i].attr == v[i].attr;
			/* what it says the two share, they share: the same bytes */
			ok = ok && ss <= n && ss <= ln && se <= n - ss && se <= ln - ss;
			if (ok && ss)
				ok = !memcmp(data, ldata, (size_t)(v[ss - 1].id + 20 - data));
			if (ok && se) {
				size_t a = n - se ? (size_t)(v[n - se - 1].id + 20 - data) : 0;
				size_t b = ln - se ? (size_t)(lv[ln - se - 1].id + 20 - ldata) : 0;
				ok = len - a == llen - b && !memcmp(data + a, ldata + b, len - a);
			}
			*claimed = ss + se > 0;
		}
	}
	free(lv);
	free(v);
	free(w);
	return ok;
}

#endif
