/* SPDX-License-Identifier: MIT */
/*
 * Blobs known from their delta alone: whether a blob that is a delta of a
 * scanned base gives what its base gave, no marker, without building it
 * (blob_delta.c says why that is exact). blobs.c asks for the blobs no
 * other read blob is built on, with the default grammar alone.
 */
#ifndef PIRSCAN_BLOB_DELTA_H
#define PIRSCAN_BLOB_DELTA_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* The keyword lines of the last few bases scanned, by pack position: one a thread. */
typedef struct pir_delta_bases pir_delta_bases;

int pir_delta_bases_new(pir_delta_bases **out);
void pir_delta_bases_free(pir_delta_bases *bs);

/*
 * Remember the blob at `pos`, scanned with the default grammar alone with
 * no marker and no diagnostic, by its keyword lines (pir_marker_scratch_lines).
 */
int pir_delta_bases_add(pir_delta_bases *bs, uint64_t pos, const size_t *lines, size_t n);

/* The keyword lines of a blob told clean: pairs of offsets, as pir_marker_scratch_lines. */
typedef struct {
	size_t *v;
	size_t n, cap; /* n pairs, cap offsets */
} pir_delta_lines;

/*
 * 1 when what `d` makes, scanned with the default grammar alone, gives no
 * marker and no diagnostic, as its base (remembered in `bs`) gave none; 0
 * when that cannot be told from the delta: build and scan it; PIR_ENOMEM.
 * With `made`, a 1 also gives the keyword lines of what `d` makes (each a
 * line of the base, moved), so that it can be remembered as a base in turn.
 */
int pir_delta_clean(pir_delta_bases *bs, const pir_pack_delta *d, pir_delta_lines *made);

/* Whether what `d` makes is binary (a NUL in its first 8000 bytes): 1, 0, or -1 malformed. */
int pir_delta_binary(const pir_pack_delta *d);

#endif
