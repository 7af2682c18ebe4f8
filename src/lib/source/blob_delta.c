/* SPDX-License-Identifier: MIT */
/*
 * Blobs known from their delta alone (see blob_delta.h). Most blobs of a
 * history are deltas that nothing else is built on, and most copy their
 * base but for a few lines. Building each and searching all of it for
 * keywords cost a full-history scan most of its blob phase, in proportion
 * to the size of every version rather than to what changed.
 *
 * The default grammar decides on a line from that line alone. So a blob
 * gives no marker and no diagnostic when its base gave none and each of its
 * lines that holds a keyword is a line of its base that held one, copied
 * whole (distinct lines: the step budget of a blob then holds too, as the
 * base's steps were within it). The delta tells which: a keyword lies
 * within a copy (then in one of the base's keyword lines, each checked to
 * be copied whole with the '\n' on either side), within an insert, or
 * across the boundary of two instructions (within the 4 bytes either side
 * of it). Anything else, and anything not understood, and the blob is
 * built and scanned as before.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "blob_delta.h"
#include "extract.h"
#include "pirscan/common.h"

/* Bases remembered per reader: a delta forest read depth first needs few at a time. */
#define BASE_SLOTS 64u
/* A keyword's longest length ("FIXME") less one: the bytes either side of a boundary. */
#define REACH 4u
/* The bytes whose NUL makes a blob binary (blobs.c's test). */
#define BINARY_WINDOW 8000u

typedef struct {
	uint64_t pos;	/* PIR_PACK_NOPOS: empty */
	size_t *lines;	/* pairs [start, end) */
	uint32_t *used; /* per line: `stamp` when this delta copied it already */
	size_t n, cap, used_cap;
	uint32_t stamp;
} base_lines;

struct pir_delta_bases {
	base_lines slot[BASE_SLOTS];
};

int pir_delta_bases_new(pir_delta_bases **out)
{
	pir_delta_bases *bs = pir_calloc(1, sizeof(*bs));

	*out = bs;
	if (!bs)
		return PIR_ENOMEM;
	for (size_t i = 0; i < BASE_SLOTS; i++)
		bs->slot[i].pos = PIR_PACK_NOPOS;
	return 0;
}

void pir_delta_bases_free(pir_delta_bases *bs)
{
	if (!bs)
		return;
	for (size_t i = 0; i < BASE_SLOTS; i++) {
		free(bs->slot[i].lines);
		free(bs->slot[i].used);
	}
	free(bs);
}

static base_lines *slot_of(pir_delta_bases *bs, uint64_t pos)
{
	return &bs->slot[(pos * UINT64_C(0x9E3779B97F4A7C15)) >> 58];
}

int pir_delta_bases_add(pir_delta_bases *bs, uint64_t pos, const size_t *lines, size_t n)
{
	base_lines *b = slot_of(bs, pos);

	b->pos = PIR_PACK_NOPOS;
	if (pir_grow((void **)&b->lines, &b->cap, 2 * n + 2, sizeof(*b->lines)) < 0 ||
	    pir_grow((void **)&b->used, &b->used_cap, n + 1, sizeof(*b->used)) < 0)
		return PIR_ENOMEM;
	memcpy(b->lines, lines, 2 * n * sizeof(*lines));
	memset(b->used, 0, n * sizeof(*b->used));
	b->n = n;
	b->stamp = 0;
	b->pos = pos;
	return 0;
}

int pir_delta_binary(const pir_pack_delta *d)
{
	pir_delta_reader rd;
	size_t dst, out = 0, off = 0, n = 0;
	const unsigned char *data = NULL;
	bool binary = false;
	int op;

	if (!pir_delta_begin(&rd, d->delta, d->delta_len, d->base_len, &dst))
		return -1;
	/* the whole delta is checked: a damaged one is never told binary */
	while ((op = pir_delta_next(&rd, &off, &data, &n)) != 0) {
		if (op < 0)
			return -1;
		if (!binary && out < BINARY_WINDOW) {
			size_t k = n < BINARY_WINDOW - out ? n : BINARY_WINDOW - out;
			binary = memchr(op == 1 ? d->base + off : data, '\0', k) != NULL;
		}
		out += n;
	}
	return rd.left ? -1 : binary;
}

/* Whether [w, w+n) holds a keyword that starts before `cut` and ends after it. */
static bool keyword_across(const unsigned char *w, size_t n, size_t cut)
{
	const char *p = (const char *)w, *end = p + n, *hit;
	size_t len;

	while ((hit = pir_marker_find_keyword(p, (size_t)(end - p), &len))) {
		size_t at = (size_t)(hit - (const char *)w);
		if (at < cut && at + len > cut)
			return true;
		p = hit + 1;
	}
	return false;
}

/* The first of b's lines that ends after `off` (lines are in order, so are their ends). */
static size_t first_line_after(const base_lines *b, size_t off)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->lines[2 * mid + 1] > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The copy of base[off, off+n) to the result at `out`, the result's last
 * bytes before it in `tail`: false unless each keyword line of the base it
 * touches is copied whole, once. `*need_nl`: the last such line ends where
 * the copy does, so the result's next byte must end that line too.
 */
static int copy_clean(base_lines *b, size_t off, size_t n, size_t out, const unsigned char *tail,
		      size_t ntail, bool *need_nl, pir_delta_lines *made)
{
	for (size_t i = first_line_after(b, off); i < b->n && b->lines[2 * i] < off + n; i++) {
		size_t start = b->lines[2 * i], end = b->lines[2 * i + 1];
		if (start < off || end > off + n || b->used[i] == b->stamp)
			return 0;
		/* at the copy's start: the result's line must start there too */
		if (start == off && out && (!ntail || tail[ntail - 1] != '\n'))
			return 0;
		*need_nl = end == off + n;
		b->used[i] = b->stamp;
		if (made) {
			if (pir_grow((void **)&made->v, &made->cap, 2 * (made->n + 1),
				     sizeof(*made->v)) < 0)
				return PIR_ENOMEM;
			made->v[2 * made->n] = out + (start - off);
			made->v[2 * made->n + 1] = out + (end - off);
			made->n++;
		}
	}
	return 1;
}

int pir_delta_clean(pir_delta_bases *bs, const pir_pack_delta *d, pir_delta_lines *made)
{
	base_lines *b = slot_of(bs, d->base_pos);
	unsigned char tail[REACH], w[2 * REACH];
	size_t dst, out = 0, ntail = 0, off = 0, n = 0, len;
	const unsigned char *data = NULL;
	pir_delta_reader rd;
	bool need_nl = false;
	int op, rc;

	if (made)
		made->n = 0;
	if (b->pos != d->base_pos || d->base_pos == PIR_PACK_NOPOS ||
	    !pir_delta_begin(&rd, d->delta, d->delta_len, d->base_len, &dst))
		return 0;
	if (++b->stamp == 0) { /* wrapped: every line unused again */
		memset(b->used, 0, b->n * sizeof(*b->used));
		b->stamp = 1;
	}
	while ((op = pir_delta_next(&rd, &off, &data, &n)) != 0) {
		const unsigned char *from;
		size_t k = n < REACH ? n : REACH;

		if (op < 0)
			return 0;
		from = op == 1 ? d->base + off : data;
		if (need_nl && from[0] != '\n')
			return 0;
		need_nl = false;
		memcpy(w, tail, ntail);
		memcpy(w + ntail, from, k);
		if (ntail && keyword_across(w, ntail + k, ntail))
			return 0;
		if (op == 2 && pir_marker_find_keyword((const char *)data, n, &len))
			return 0;
		if (op == 1 && (rc = copy_clean(b, off, n, out, tail, ntail, &need_nl, made)) <= 0)
			return rc;
		/* the result's last REACH bytes */
		if (n >= REACH) {
			memcpy(tail, from + n - REACH, REACH);
			ntail = REACH;
		} else {
			size_t keep = ntail + n > REACH ? REACH - n : ntail;
			memmove(tail, tail + ntail - keep, keep);
			memcpy(tail + keep, from, n);
			ntail = keep + n;
		}
		out += n;
	}
	return !rd.left;
}
