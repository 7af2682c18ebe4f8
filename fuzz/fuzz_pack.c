/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the pack reader (pack.c) over a hostile pack. Input: one
 * byte n (1 to 16 objects), n 32-bit big-endian entry offsets, then the
 * pack file. The index is made to match: object i gets the id {i+1, 0...}
 * (REF_DELTAs can name it), the pack's count and trailing checksum agree.
 * Every object is read with and without a size limit and a cache; a read
 * must never fault, and what it returns must be whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void read_all(pir_packset *ps, uint32_t n, size_t cache)
{
	pir_pack_cursor *c = NULL;
	unsigned char id[20] = {0};

	if (pir_pack_cursor_new(&c, ps, cache) < 0)
		abort();
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			size_t max = pass ? 64 : SIZE_MAX;
			pir_pack_object po;
			int rc;

			id[0] = (unsigned char)(i + 1);
			rc = pir_pack_read(c, pir_packset_find(ps, id), max, &po);
			if (rc < 0 || rc > 2)
				abort();
			if (rc == 1 && po.data) {
				/* whole: every byte readable, NUL after the last */
				volatile unsigned char sum = 0;
				for (size_t k = 0; k < po.size; k++)
					sum ^= po.data[k];
				if (po.size > max || po.data[po.size] != '\0')
					abort();
			} else if (rc == 1 && po.size <= max) {
				abort(); /* no data, yet within the limit */
			}
		}
	}
	pir_pack_cursor_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t n;
	size_t head, pack_len, idx_len;
	unsigned char *pack, *idx, *p;
	pir_packset *ps = NULL;

	if (size < 1)
		return 0;
	n = data[0] % 16 + 1;
	head = 1 + (size_t)n * 4;
	if (size < head + 12)
		return 0;
	pack_len = size - head + 20;
	idx_len = 8 + 256 * 4 + (size_t)n * 28 + 40;
	if (!(pack = malloc(pack_len)) || !(idx = calloc(1, idx_len)))
		abort();
	memcpy(pack, data + head, size - head);
	memcpy(pack, "PACK", 4);
	put32(pack + 4, 2);
	put32(pack + 8, n);
	memset(pack + pack_len - 20, 0xab, 20);

	memcpy(idx, "\377tOc", 4);
	put32(idx + 4, 2);
	p = idx + 8;
	for (unsigned f = 0; f < 256; f++)
		put32(p + f * 4, f < 1 ? 0 : f <= n ? f : n);
	p += 256 * 4;
	for (uint32_t i = 0; i < n; i++)
		p[i * 20] = (unsigned char)(i + 1);
	p += (size_t)n * 24; /* ids, then CRCs (unread) */
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *o = data + 1 + i * 4;
		put32(p + i * 4,
		      (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 | (uint32_t)o[2] << 8 | o[3]);
	}
	memset(idx + idx_len - 40, 0xab, 20);

	if (pir_packset_from_buffers(&ps, idx, idx_len, pack, pack_len) < 0)
		abort();
	if (pir_packset_count(ps) != 1)
		abort(); /* the index above always matches */
	read_all(ps, n, 0);
	read_all(ps, n, 4096);
	pir_packset_free(ps);
	free(idx);
	free(pack);
	return 0;
}
