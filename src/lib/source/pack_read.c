/* SPDX-License-Identifier: MIT */
/*
 * Pack entries, read directly (see pack.h for why, and pack.c for the
 * formats): an entry's header, its delta chain down to a cached or whole
 * object and back up, the deltas themselves, and each cursor's cache of
 * delta bases. The packs, their indexes and their maps are pack.c's.
 * Every length and offset read from a pack is checked before it is used;
 * damaged data is only a reason to let libgit2 read the object.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "error.h"
#include "pack_int.h"
#include "pirscan/common.h"

#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7
/* git's own limit on delta chains is 4095; a longer one is a damaged pack. */
#define MAX_CHAIN 10000
/* Largest object or delta this reader inflates; larger ones go to libgit2. */
#define MAX_OBJECT ((size_t)1 << 30)
#define CACHE_SLOTS 4096u
/* A delta this large has its result size read from its first bytes alone. */
#define PEEK_OVER ((size_t)1 << 20)
#define NIL UINT32_MAX

/* ---- object buffers ---- */

/*
 * Every object or delta this reader inflates or builds sits in a buffer
 * with a count of its holders before its bytes: the cursor's cache, its
 * last result, and whoever took a hold (pir_pack_hold), such as a parsed
 * tree that points into it, which would otherwise copy it.
 */
#define BUF_HEAD 16 /* keeps the bytes as aligned as malloc's */

static unsigned char *buf_new(size_t n)
{
	unsigned char *p = n < SIZE_MAX - BUF_HEAD - 1 ? malloc(BUF_HEAD + n + 1) : NULL;

	if (!p)
		return NULL;
	*(size_t *)(void *)p = 1;
	return p + BUF_HEAD;
}

static void buf_free(unsigned char *data)
{
	size_t *refs;

	if (!data)
		return;
	refs = (size_t *)(void *)(data - BUF_HEAD);
	if (--*refs == 0)
		free(refs);
}

const unsigned char *pir_pack_hold(const unsigned char *data)
{
	++*(size_t *)(void *)(uintptr_t)(data - BUF_HEAD);
	return data;
}

void pir_pack_release(const unsigned char *data)
{
	buf_free((unsigned char *)(uintptr_t)data);
}

/* ---- deltas ---- */

static bool delta_varint(const unsigned char **p, const unsigned char *end, size_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		if (*p >= end || shift > 63)
			return false;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	if (v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

/* The base and result sizes a delta announces, or false when it has no readable header. */
static bool delta_sizes(const unsigned char *delta, size_t len, size_t *src, size_t *dst)
{
	const unsigned char *p = delta, *end = delta + len;
	return delta_varint(&p, end, src) && delta_varint(&p, end, dst);
}

/* The result size a delta announces, or false when it has no readable header. */
static bool delta_result_size(const unsigned char *delta, size_t len, size_t *out)
{
	size_t src;
	return delta_sizes(delta, len, &src, out);
}

/*
 * One instruction at `rd`: 1 a copy of base[*off, *off + *n), 2 an insert
 * of data[0, *n), 0 the end, -1 a malformed one (a copy out of the base,
 * more than the result's announced size). Inline: pir_delta_apply runs it
 * for every instruction of every delta.
 */
static inline int delta_op(pir_delta_reader *rd, size_t *off, const unsigned char **data, size_t *n)
{
	const unsigned char *p = rd->p, *end = rd->end;
	unsigned char op;

	if (p >= end)
		return 0;
	op = *p++;
	if (op & 0x80) { /* copy from the base */
		size_t o = 0, k = 0;
		for (unsigned i = 0; i < 4; i++)
			if (op & (1u << i)) {
				if (p >= end)
					return -1;
				o |= (size_t)*p++ << (8 * i);
			}
		for (unsigned i = 0; i < 3; i++)
			if (op & (0x10u << i)) {
				if (p >= end)
					return -1;
				k |= (size_t)*p++ << (8 * i);
			}
		if (!k)
			k = 0x10000;
		if (o > rd->base_len || k > rd->base_len - o || k > rd->left)
			return -1;
		*off = o;
		*n = k;
		rd->p = p;
		rd->left -= k;
		return 1;
	}
	/* reserved, past the delta's end, past the result's */
	if (!op || op > (size_t)(end - p) || op > rd->left)
		return -1;
	*data = p;
	*n = op;
	rd->p = p + op;
	rd->left -= op;
	return 2;
}

bool pir_delta_begin(pir_delta_reader *rd, const unsigned char *delta, size_t len, size_t base_len,
		     size_t *result_len)
{
	const unsigned char *p = delta, *end = delta + len;
	size_t src;

	if (!delta_varint(&p, end, &src) || src != base_len || !delta_varint(&p, end, result_len))
		return false;
	rd->p = p;
	rd->end = end;
	rd->base_len = base_len;
	rd->left = *result_len;
	return true;
}

int pir_delta_next(pir_delta_reader *rd, size_t *off, const unsigned char **data, size_t *n)
{
	return delta_op(rd, off, data, n);
}

/* pir_delta_apply, into a buffer of this reader's when `shared`. */
static int apply(const unsigned char *base, size_t base_len, const unsigned char *delta,
		 size_t delta_len, bool shared, unsigned char **out, size_t *out_len)
{
	pir_delta_reader rd;
	unsigned char *buf, *q;
	size_t dst, off = 0, n = 0;
	const unsigned char *data = NULL;
	int op;

	*out = NULL;
	*out_len = 0;
	if (!pir_delta_begin(&rd, delta, delta_len, base_len, &dst) || dst > MAX_OBJECT)
		return 1;
	/* each instruction takes a byte at least and gives at most 127 bytes or the base */
	if (dst / (base_len > 127 ? base_len : 127) >= delta_len)
		return 1;
	if (!(buf = shared ? buf_new(dst) : malloc(dst + 1)))
		return pir_error_oom();
	q = buf;
	while ((op = delta_op(&rd, &off, &data, &n)) > 0) {
		memcpy(q, op == 1 ? base + off : data, n);
		q += n;
	}
	if (op < 0 || rd.left)
		goto bad;
	*q = '\0';
	*out = buf;
	*out_len = dst;
	return 0;
bad:
	if (shared)
		buf_free(buf);
	else
		free(buf);
	return 1;
}

int pir_delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta,
		    size_t delta_len, unsigned char **out, size_t *out_len)
{
	return apply(base, base_len, delta, delta_len, false, out, out_len);
}

/* ---- the cursor and its delta base cache ---- */

/*
 * The cache is direct-mapped by position (a new object takes its slot) and
 * kept under its byte budget by evicting the least recently used entries.
 * Read in pack order, bases come before the deltas built on them, so a
 * modest cache serves almost every base.
 */
typedef struct {
	uint64_t pos;
	unsigned char *data; /* NULL: empty */
	size_t size;
	int type;
	uint32_t prev, next; /* LRU list, most recent first */
} cache_entry;

typedef struct {
	int type;
	uint64_t size;
	size_t data;   /* offset of the zlib stream */
	uint64_t base; /* deltas: the base's offset in the same pack */
} entry;

/* A delta on the way down a chain, inflated only when it is applied. */
typedef struct {
	uint64_t pos;
	entry e;
} chain_link;

struct pir_pack_cursor {
	pir_packset *ps;
	struct libdeflate_decompressor *inflater;
	cache_entry *slots;
	uint32_t head, tail;
	size_t cached, limit;
	unsigned char *result; /* the last result when the cache did not take it */
	unsigned char *top;    /* the requested object's own delta, once inflated */
	unsigned char *delta;  /* pir_pack_read_delta's delta */
	uint64_t delta_pos;    /* and the position of the object it makes */
	chain_link *chain;
	size_t nchain, chain_cap;
	pir_pack_stats stats;
};

int pir_pack_cursor_new(pir_pack_cursor **out, pir_packset *ps, size_t cache_bytes)
{
	pir_pack_cursor *c;

	*out = NULL;
	if (!(c = pir_calloc(1, sizeof(*c))) ||
	    !(c->slots = pir_calloc(CACHE_SLOTS, sizeof(*c->slots))) ||
	    !(c->inflater = libdeflate_alloc_decompressor())) {
		pir_pack_cursor_free(c);
		return PIR_ENOMEM;
	}
	c->ps = ps;
	c->head = c->tail = NIL;
	c->limit = cache_bytes;
	*out = c;
	return 0;
}

void pir_pack_cursor_stats(const pir_pack_cursor *c, pir_pack_stats *out)
{
	*out = c->stats;
}

static void chain_clear(pir_pack_cursor *c)
{
	c->nchain = 0;
	buf_free(c->top);
	c->top = NULL;
}

void pir_pack_cursor_free(pir_pack_cursor *c)
{
	if (!c)
		return;
	if (c->slots)
		for (uint32_t i = 0; i < CACHE_SLOTS; i++)
			buf_free(c->slots[i].data);
	chain_clear(c);
	free(c->chain);
	free(c->slots);
	buf_free(c->result);
	buf_free(c->delta);
	if (c->inflater)
		libdeflate_free_decompressor(c->inflater);
	free(c);
}

static uint32_t slot_of(uint64_t pos)
{
	return (uint32_t)((pos * UINT64_C(0x9E3779B97F4A7C15)) >> 52) & (CACHE_SLOTS - 1);
}

static void lru_unlink(pir_pack_cursor *c, uint32_t s)
{
	cache_entry *e = &c->slots[s];

	if (e->prev != NIL)
		c->slots[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != NIL)
		c->slots[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_push(pir_pack_cursor *c, uint32_t s)
{
	cache_entry *e = &c->slots[s];

	e->prev = NIL;
	e->next = c->head;
	if (c->head != NIL)
		c->slots[c->head].prev = s;
	c->head = s;
	if (c->tail == NIL)
		c->tail = s;
}

static void evict(pir_pack_cursor *c, uint32_t s)
{
	cache_entry *e = &c->slots[s];

	lru_unlink(c, s);
	c->cached -= e->size;
	buf_free(e->data);
	e->data = NULL;
}

static cache_entry *cache_get(pir_pack_cursor *c, uint64_t pos)
{
	uint32_t s = slot_of(pos);
	cache_entry *e = &c->slots[s];

	if (!e->data || e->pos != pos)
		return NULL;
	if (c->head != s) {
		lru_unlink(c, s);
		lru_push(c, s);
	}
	return e;
}

/* Hand `data` to the cache; false when it is too large to keep (the caller still owns it). */
static bool cache_put(pir_pack_cursor *c, uint64_t pos, unsigned char *data, size_t size, int type)
{
	uint32_t s = slot_of(pos);

	if (!c->limit || size > c->limit / 4)
		return false;
	if (c->slots[s].data)
		evict(c, s);
	while (c->cached + size > c->limit && c->tail != NIL)
		evict(c, c->tail);
	c->slots[s] = (cache_entry){pos, data, size, type, NIL, NIL};
	lru_push(c, s);
	c->cached += size;
	return true;
}

/* ---- reading ---- */

/* Parse the entry at `off`; false when it runs off the pack or makes no sense. */
static bool entry_at(const pack *pk, uint64_t off, entry *e)
{
	const unsigned char *p, *end = pk->data + pk->len;
	unsigned char c;
	unsigned shift = 4;

	if (off < 12 || off >= pk->len)
		return false;
	p = pk->data + off;
	c = *p++;
	e->type = (c >> 4) & 7;
	e->size = c & 15;
	while (c & 0x80) {
		if (p >= end || shift > 57)
			return false;
		c = *p++;
		e->size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	e->base = 0;
	if (e->type == OBJ_OFS_DELTA) {
		uint64_t back;
		if (p >= end)
			return false;
		c = *p++;
		back = c & 0x7f;
		while (c & 0x80) {
			if (p >= end || back >= (UINT64_MAX >> 7) - 1)
				return false;
			c = *p++;
			back = ((back + 1) << 7) | (c & 0x7f);
		}
		if (!back || back > off - 12)
			return false;
		e->base = off - back;
	} else if (e->type == OBJ_REF_DELTA) {
		if ((size_t)(end - p) < ID_LEN ||
		    (e->base = pir_pack_find_id(pk, p)) == PIR_PACK_NOPOS)
			return false; /* a base in another pack: libgit2's job */
		p += ID_LEN;
	} else if (e->type < PIR_OBJ_COMMIT || e->type > PIR_OBJ_TAG) {
		return false;
	}
	e->data = (size_t)(p - pk->data);
	/* DEFLATE expands at most ~1032:1; a larger claim is a damaged header */
	return e->size <= MAX_OBJECT && e->size / 1032 <= pk->len - e->data;
}

uint64_t pir_packset_base(pir_packset *ps, uint64_t pos)
{
	size_t p = (size_t)(pos >> 48);
	uint64_t base = PIR_PACK_NOPOS;
	entry e;

	if (pos == PIR_PACK_NOPOS || p >= ps->n || !pir_packset_pin(ps, p))
		return PIR_PACK_NOPOS;
	if (entry_at(&ps->v[p], pos & 0xffffffffffffu, &e) &&
	    (e.type == OBJ_OFS_DELTA || e.type == OBJ_REF_DELTA))
		base = (uint64_t)p << 48 | e.base;
	pir_packset_unpin(ps, p);
	return base;
}

/*
 * Inflate an entry's stream into a new buffer of exactly `size` bytes (plus
 * a NUL). 1 when the stream is damaged or the size it claims cannot be
 * allocated: the object is then libgit2's to read, or to report.
 */
static int inflate_entry(pir_pack_cursor *c, const pack *pk, const entry *e, unsigned char **out)
{
	unsigned char *buf = buf_new((size_t)e->size);

	*out = NULL;
	if (!buf)
		return 1;
	if (libdeflate_zlib_decompress(c->inflater, pk->data + e->data, pk->len - e->data, buf,
				       (size_t)e->size, NULL) != LIBDEFLATE_SUCCESS) {
		buf_free(buf);
		return 1;
	}
	buf[e->size] = '\0';
	*out = buf;
	return 0;
}

/* The result size of a large delta, from the first bytes of its stream alone (as libgit2 does). */
static bool peek_result_size(const pack *pk, const entry *e, size_t *out)
{
	unsigned char head[32];
	size_t avail = pk->len - e->data;
	z_stream z;
	bool ok = false;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return false;
	z.next_in = (Bytef *)(uintptr_t)(pk->data + e->data);
	z.avail_in = avail > ((size_t)1 << 20) ? (uInt)1 << 20 : (uInt)avail;
	z.next_out = head;
	z.avail_out = sizeof(head);
	rc = inflate(&z, Z_SYNC_FLUSH);
	if (rc == Z_OK || rc == Z_STREAM_END)
		ok = delta_result_size(head, sizeof(head) - z.avail_out, out);
	inflateEnd(&z);
	return ok;
}

/*
 * The delta at the top of a chain: its result size, for the size limit,
 * and, when it is small enough to be worth keeping, its inflated bytes.
 */
static bool top_delta(pir_pack_cursor *c, const pack *pk, const entry *e, size_t *want)
{
	if (e->size > PEEK_OVER)
		return peek_result_size(pk, e, want);
	return inflate_entry(c, pk, e, &c->top) == 0 &&
	       delta_result_size(c->top, (size_t)e->size, want);
}

/*
 * What a read holds on its way back up a chain: the object the next delta
 * applies to, and that object again when the cache did not take it.
 */
typedef struct {
	const unsigned char *data;
	size_t len;
	int type;
	unsigned char *owned;
} held;

/* descend() found the bottom of the chain: the read goes on, back up. */
#define READ_ON 3

/* A whole object at the bottom of a chain, inflated into `h`: false when it cannot be. */
static inline bool take_whole(pir_pack_cursor *c, const pack *pk, uint64_t pos, const entry *e,
			      held *h)
{
	unsigned char *buf;

	if (inflate_entry(c, pk, e, &buf))
		return false;
	h->data = buf;
	h->len = (size_t)e->size;
	h->type = e->type;
	if (!cache_put(c, pos, buf, h->len, h->type))
		h->owned = buf;
	return true;
}

/*
 * Down the chain from `pos` to a cached object or a whole one, into `h`.
 * Deltas are only noted on the way: each is inflated just before it is
 * applied, so a read holds a base, a delta and a result at a time, whatever
 * the depth. READ_ON, or what pir_pack_read returns (the chain cleared).
 */
static inline int descend(pir_pack_cursor *c, const pack *pk, uint64_t pos, size_t max_size,
			  pir_pack_object *obj, held *h)
{
	size_t p = (size_t)(pos >> 48);
	uint64_t cur = pos;

	for (;;) {
		cache_entry *hit = cache_get(c, cur);
		entry e;

		if (hit) {
			c->stats.hits++;
			*h = (held){hit->data, hit->size, hit->type, NULL};
			return READ_ON;
		}
		if (c->nchain >= MAX_CHAIN) {
			chain_clear(c);
			return 2; /* a cycle: libgit2 would follow it for ever */
		}
		if (!entry_at(pk, cur & 0xffffffffffffu, &e))
			break;
		if (e.type != OBJ_OFS_DELTA && e.type != OBJ_REF_DELTA) {
			if (!c->nchain && e.size > max_size) {
				obj->size = (size_t)e.size;
				obj->type = e.type;
				return 1;
			}
			if (!take_whole(c, pk, cur, &e, h))
				break;
			return READ_ON;
		}
		if (pir_grow((void **)&c->chain, &c->chain_cap, c->nchain + 1, sizeof(*c->chain)) <
		    0)
			break;
		c->chain[c->nchain++] = (chain_link){cur, e};
		if (c->nchain == 1) {
			size_t want;
			if (!top_delta(c, pk, &e, &want))
				break;
			if (want > max_size) { /* too large: its type is the base's, not read */
				obj->size = want;
				chain_clear(c);
				return 1;
			}
		}
		cur = (uint64_t)p << 48 | e.base;
	}
	chain_clear(c);
	return 0;
}

/* Back up the chain, applying each delta to the object below it: false when one fails. */
static inline bool ascend(pir_pack_cursor *c, const pack *pk, held *h)
{
	while (c->nchain) {
		chain_link *l = &c->chain[c->nchain - 1];
		unsigned char *delta = c->nchain == 1 ? c->top : NULL;
		unsigned char *buf;
		size_t len;
		int rc;

		if (!delta && inflate_entry(c, pk, &l->e, &delta))
			return false;
		rc = apply(h->data, h->len, delta, (size_t)l->e.size, true, &buf, &len);
		if (delta != c->top)
			buf_free(delta);
		buf_free(h->owned);
		h->owned = NULL;
		if (rc)
			return false; /* malformed, or a claimed size that cannot be allocated */
		c->nchain--;
		c->stats.deltas++;
		h->data = buf;
		h->len = len;
		if (!cache_put(c, l->pos, buf, len, h->type))
			h->owned = buf;
	}
	return true;
}

/* pir_pack_read, its pack's data mapped. */
static int pack_read(pir_pack_cursor *c, const pack *pk, uint64_t pos, size_t max_size,
		     pir_pack_object *obj)
{
	held h = {NULL, 0, 0, NULL};
	int rc = descend(c, pk, pos, max_size, obj, &h);

	if (rc != READ_ON)
		return rc;
	if (!ascend(c, pk, &h)) {
		buf_free(h.owned);
		chain_clear(c);
		return 0;
	}
	chain_clear(c);
	c->result = h.owned;
	c->stats.objects++;
	obj->data = h.len <= max_size ? h.data : NULL;
	obj->size = h.len;
	obj->type = h.type;
	return 1;
}

/* A new read: what the last one gave let go, the pack of `pos` pinned. False: none such. */
static bool read_begin(pir_pack_cursor *c, uint64_t pos)
{
	size_t p = (size_t)(pos >> 48);

	buf_free(c->result);
	c->result = NULL;
	buf_free(c->delta);
	c->delta = NULL;
	chain_clear(c);
	return pos != PIR_PACK_NOPOS && p < c->ps->n && pir_packset_pin(c->ps, p);
}

int pir_pack_read(pir_pack_cursor *c, uint64_t pos, size_t max_size, pir_pack_object *obj)
{
	size_t p = (size_t)(pos >> 48);
	int rc;

	memset(obj, 0, sizeof(*obj));
	if (!read_begin(c, pos))
		return 0;
	rc = pack_read(c, &c->ps->v[p], pos, max_size, obj);
	pir_packset_unpin(c->ps, p);
	return rc;
}

int pir_pack_read_delta(pir_pack_cursor *c, uint64_t pos, size_t max_size, pir_pack_delta *out)
{
	size_t p = (size_t)(pos >> 48), src, want;
	unsigned char *delta = NULL;
	pir_pack_object base;
	const pack *pk;
	entry e;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!read_begin(c, pos))
		return 0;
	pk = &c->ps->v[p];
	/* a delta not already built, whose result fits: its base read (and cached) as usual */
	if (!cache_get(c, pos) && entry_at(pk, pos & 0xffffffffffffu, &e) &&
	    (e.type == OBJ_OFS_DELTA || e.type == OBJ_REF_DELTA) &&
	    inflate_entry(c, pk, &e, &delta) == 0 &&
	    delta_sizes(delta, (size_t)e.size, &src, &want) && want <= max_size &&
	    pack_read(c, pk, (uint64_t)p << 48 | e.base, src, &base) == 1 && base.data &&
	    base.size == src) {
		c->delta = delta;
		c->delta_pos = pos;
		delta = NULL;
		*out = (pir_pack_delta){base.data, base.size,	   (uint64_t)p << 48 | e.base,
					c->delta,  (size_t)e.size, want,
					base.type};
		rc = 1;
	}
	buf_free(delta);
	pir_packset_unpin(c->ps, p);
	return rc;
}

int pir_pack_apply(pir_pack_cursor *c, const pir_pack_delta *d, bool keep, pir_pack_object *obj)
{
	unsigned char *buf;
	size_t len;
	int rc = apply(d->base, d->base_len, d->delta, d->delta_len, true, &buf, &len);

	memset(obj, 0, sizeof(*obj));
	if (rc < 0)
		return rc;
	if (rc) /* malformed: libgit2's to read, or to report */
		return 0;
	buf_free(c->result); /* the base, when the cache did not take it */
	c->result = NULL;
	if (!keep || !cache_put(c, c->delta_pos, buf, len, d->type))
		c->result = buf;
	buf_free(c->delta);
	c->delta = NULL;
	c->stats.deltas++;
	c->stats.objects++;
	*obj = (pir_pack_object){buf, len, d->type};
	return 1;
}
