/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: blobs known from their delta (blob_delta.c). Input: one
 * byte n, a base of n bytes (or the rest, when shorter), then a delta. The
 * base is scanned and remembered when it gives no marker; a delta told
 * clean must give no marker nor diagnostic when built and scanned, and
 * the keyword lines told must be the scan's; the binary verdict must be
 * the built blob's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob_delta.h"
#include "extract.h"
#include "internal.h"
#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pir_marker_matcher *matcher;
static pir_marker_scratch *scratch;

/* A scan with the keyword lines recorded: markers plus diagnostics, the lines in `*lines`. */
static size_t scan(const uint8_t *buf, size_t len, const size_t **lines, size_t *n)
{
	pir_marker_list ml = {0};
	size_t found;

	if (pir_marker_scan(&ml, matcher, scratch, (const char *)buf, len, PIR_MARKER_LINES) < 0)
		abort();
	found = ml.n + ml.diags.n;
	pir_marker_list_clear(&ml);
	*lines = pir_marker_scratch_lines(scratch, n);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_delta_bases *bases = NULL;
	pir_delta_lines made = {NULL, 0, 0};
	const size_t *lines;
	size_t blen, n = 0, out_len;
	unsigned char *out;
	pir_pack_delta d;
	int clean, binary;

	if (!size)
		return 0;
	if (!matcher && (pir_marker_matcher_new(&matcher, NULL, 0) < 0 ||
			 pir_marker_scratch_new(&scratch, matcher) < 0))
		abort();
	blen = data[0] < size - 1 ? data[0] : size - 1;
	if (pir_delta_bases_new(&bases) < 0)
		abort();
	if (scan(data + 1, blen, &lines, &n) == 0 && lines &&
	    pir_delta_bases_add(bases, 7, lines, n) < 0)
		abort();
	d = (pir_pack_delta){data + 1, blen, 7, data + 1 + blen, size - 1 - blen, 0, PIR_OBJ_BLOB};
	clean = pir_delta_clean(bases, &d, &made);
	binary = pir_delta_binary(&d);
	if (pir_delta_apply(data + 1, blen, d.delta, d.delta_len, &out, &out_len) == 0) {
		if (binary != (memchr(out, '\0', out_len < 8000 ? out_len : 8000) != NULL))
			abort();
		if (clean == 1 && (scan(out, out_len, &lines, &n) != 0 || !lines || n != made.n ||
				   (n && memcmp(lines, made.v, 2 * n * sizeof(*lines)))))
			abort();
		free(out);
	} else if (clean == 1 || binary == 1) {
		abort(); /* a delta that does not apply is told nothing */
	}
	free(made.v);
	pir_delta_bases_free(bases);
	return 0;
}
