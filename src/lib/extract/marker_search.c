/* SPDX-License-Identifier: MIT */
/*
 * The byte searches of marker scanning that need no regex: the keywords
 * "TODO" and "FIXME" (16 bytes at a time with SSE2), where the default
 * grammar is tried; and the action-item IDs named on lines without a
 * marker, for the near-miss checks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "marker_int.h"
#include "model.h"
#include "pirscan/common.h"

/* ---- keywords ---- */

/* Keyword length at p ("todo" 4, "fixme" 5, any case), or 0. */
static size_t keyword_at(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (n >= 4 && (p[0] | 0x20) == 't' && (p[1] | 0x20) == 'o' && (p[2] | 0x20) == 'd' &&
	    (p[3] | 0x20) == 'o')
		return 4;
	if (n >= 5 && (p[0] | 0x20) == 'f' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'x' &&
	    (p[3] | 0x20) == 'm' && (p[4] | 0x20) == 'e')
		return 5;
	return 0;
}

/*
 * The first keyword ("TODO" or "FIXME", any case) in [p, p+n). With SSE2
 * (every x86-64), 16 positions at a time are tested for a 't' with an 'o'
 * three bytes on, or an 'f' with an 'm' (case folded by setting bit 5, which
 * maps no other byte to these letters), and only those rare candidates are
 * checked byte by byte.
 */
const char *pir_mk_find_keyword(const char *p, size_t n)
{
	const char *end = p + n;

#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i fold = _mm_set1_epi8(0x20), t = _mm_set1_epi8('t'), o = _mm_set1_epi8('o'),
		      f = _mm_set1_epi8('f'), mm = _mm_set1_epi8('m');

	for (; end - p >= 19; p += 16) {
		__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), fold);
		__m128i b =
		    _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + 3)), fold);
		__m128i hit =
		    _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, t), _mm_cmpeq_epi8(b, o)),
				 _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, mm)));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);

		while (mask) {
			unsigned i = (unsigned)__builtin_ctz(mask);
			if (keyword_at(p + i, end))
				return p + i;
			mask &= mask - 1;
		}
	}
#endif
	for (; p < end; p++)
		if (((*p | 0x20) == 't' || (*p | 0x20) == 'f') && keyword_at(p, end))
			return p;
	return NULL;
}

const char *pir_marker_find_keyword(const char *p, size_t n, size_t *len)
{
	const char *hit = pir_mk_find_keyword(p, n);

	*len = hit ? keyword_at(hit, p + n) : 0;
	return hit;
}

/* ---- mentions of IDs on lines without a marker ---- */

#define MENTIONS_MAX 1000u /* kept per blob; past that, one diagnostic */
#define MENTION_SLOTS                                                                              \
	2048u /* of the set of a line's IDs: a power of two, over 2 * MENTIONS_MAX                 \
	       */

/* A slot of the set of the IDs named on one line: in use when `line` is that line. */
typedef struct {
	unsigned line;
	size_t index; /* in out->mentions */
} mention_slot;

static uint32_t hash_id(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Record "PIR" and the rest of [s, s+n) at line:column, once a line (`set`
 * holds the IDs of the line: each is looked up in constant time). Returns 1
 * when recorded, 0 when the line named it already, 2 when it is new but
 * `full`, or PIR_ENOMEM.
 */
static int add_mention(pir_marker_list *out, mention_slot *set, bool full, unsigned line,
		       unsigned column, const char *s, size_t n)
{
	char *id = pir_sprintf("PIR%.*s", (int)(n - 3), s + 3);
	pir_id_mention *x;
	uint32_t h;

	if (!id)
		return PIR_ENOMEM;
	for (h = hash_id(id) & (MENTION_SLOTS - 1); set[h].line == line;
	     h = (h + 1) & (MENTION_SLOTS - 1)) {
		if (strcmp(out->mentions[set[h].index].id, id) == 0) {
			free(id);
			return 0;
		}
	}
	if (full) {
		free(id);
		return 2;
	}
	if (pir_grow((void **)&out->mentions, &out->mentions_cap, out->nmentions + 1, sizeof(*x)) <
	    0) {
		free(id);
		return PIR_ENOMEM;
	}
	set[h].line = line;
	set[h].index = out->nmentions;
	x = &out->mentions[out->nmentions++];
	x->id = id;
	x->line = line;
	x->column = column;
	return 1;
}

/*
 * Every "PIR-..." (prefix in any case) on a line that holds no marker and no
 * pirscan:ignore, each line looked at once, up to MENTIONS_MAX.
 */
int pir_mk_find_mentions(pir_marker_list *out, size_t next, const char *buf, size_t len)
{
	size_t pos = 0, bol = 0, counted = 0, eol = 0, kept = 0;
	unsigned line = 1, checked = 0; /* the line whose marker and ignore were looked at */
	mention_slot *set = NULL;
	const char *dash;
	int err = 0, r;

	while (pos < len && (dash = memchr(buf + pos, '-', len - pos))) {
		size_t d = (size_t)(dash - buf), s = d - 3, e = d + 1;
		const char *p;

		pos = d + 1;
		if (d < 3 || (buf[s] | 0x20) != 'p' || (buf[s + 1] | 0x20) != 'i' ||
		    (buf[s + 2] | 0x20) != 'r' || (s && is_word(buf[s - 1])) || e >= len ||
		    !is_alnum(buf[e]))
			continue;
		while (e < len && (is_alnum(buf[e]) || strchr("._/-", buf[e])))
			e++;
		while (!is_alnum(buf[e - 1]))
			e--;
		for (p = buf + counted; (p = memchr(p, '\n', (size_t)(buf + s - p)));) {
			line++;
			bol = (size_t)(p - buf) + 1;
			p++;
		}
		counted = s;
		if (checked != line) {
			checked = line;
			while (next < out->n && out->v[next].line < line)
				next++;
			eol = line_end(buf, len, s);
			if ((next < out->n && out->v[next].line == line) ||
			    has_ignore(buf + bol, buf + eol)) {
				pos = eol;
				continue;
			}
		}
		if (!set && !(set = pir_calloc(MENTION_SLOTS, sizeof(*set)))) {
			err = PIR_ENOMEM;
			break;
		}
		r = add_mention(out, set, kept == MENTIONS_MAX, line, (unsigned)(s - bol + 1),
				buf + s, e - s);
		if (r == 2)
			err =
			    pir_fdiag_add(&out->diags, PIR_DIAG_WARNING, "marker-limit", line,
					  (unsigned)(s - bol + 1),
					  "more than %u IDs (PIR-...) are named on lines without a "
					  "marker in this file; those from here on are not checked "
					  "for near misses",
					  MENTIONS_MAX);
		if (r < 0 || r == 2) {
			err = r < 0 ? r : err;
			break;
		}
		kept += (size_t)r;
		pos = e;
	}
	free(set);
	return err;
}
