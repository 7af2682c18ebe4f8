/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: git delta application (pack.c), checked against a plain
 * reference applier. Input: one byte n, then a base of n bytes (or the rest,
 * when shorter), then the delta.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The delta format spelt out one step at a time; returns the result length or -1. */
static long reference(const uint8_t *base, size_t blen, const uint8_t *d, size_t dlen, uint8_t *out,
		      size_t cap)
{
	size_t i = 0, o = 0;
	uint64_t sz[2] = {0, 0};

	for (int k = 0; k < 2; k++) {
		unsigned shift = 0;
		uint8_t c;
		do {
			if (i >= dlen || shift > 63)
				return -1;
			c = d[i++];
			sz[k] |= (uint64_t)(c & 0x7f) << shift;
			shift += 7;
		} while (c & 0x80);
	}
	if (sz[0] != blen || sz[1] > cap)
		return -1;
	while (i < dlen) {
		uint8_t op = d[i++];
		if (op & 0x80) {
			uint64_t off = 0, n = 0;
			for (int b = 0; b < 7; b++) {
				if (!(op & (1u << b)))
					continue;
				if (i >= dlen)
					return -1;
				if (b < 4)
					off |= (uint64_t)d[i++] << (8 * b);
				else
					n |= (uint64_t)d[i++] << (8 * (b - 4));
			}
			if (n == 0)
				n = 0x10000;
			for (uint64_t k = 0; k < n; k++) {
				if (off + k >= blen || o >= sz[1])
					return -1;
				out[o++] = base[off + k];
			}
		} else if (op) {
			for (unsigned k = 0; k < op; k++) {
				if (i >= dlen || o >= sz[1])
					return -1;
				out[o++] = d[i++];
			}
		} else {
			return -1;
		}
	}
	return o == sz[1] ? (long)o : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t want[1 << 20];
	size_t blen, dlen;
	unsigned char *out = NULL;
	size_t out_len = 0;
	long ref;
	int rc;

	if (size < 1)
		return 0;
	blen = data[0] < size - 1 ? data[0] : size - 1;
	dlen = size - 1 - blen;
	rc = pir_delta_apply(data + 1, blen, data + 1 + blen, dlen, &out, &out_len);
	if (rc < 0)
		return 0; /* out of memory: a result too large for this machine */
	ref = reference(data + 1, blen, data + 1 + blen, dlen, want, sizeof(want));
	if (rc == 0) {
		/* accepted: the reference agrees, unless the result is too large for it */
		if (out_len <= sizeof(want) &&
		    (ref != (long)out_len || memcmp(out, want, out_len) || out[out_len] != '\0'))
			abort();
	} else if (ref >= 0 || out) {
		abort(); /* refused what the format allows, or left a result */
	}
	free(out);
	return 0;
}
