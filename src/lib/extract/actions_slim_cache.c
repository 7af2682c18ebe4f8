/* SPDX-License-Identifier: MIT */
/*
 * The slim read of a growing action-items file, item by item.
 *
 * A file that grows by one entry a commit has thousands of versions, each
 * read whole: libyaml over all of them is quadratic in its history. Most
 * versions split into their items at the line where each starts:
 *
 *   comments and blank lines, then `action_items:` (or nothing: a bare
 *   sequence), then items, each a line of I spaces and "- ", with every
 *   other line blank, a comment, or indented deeper than I.
 *
 * In such a stream each item is read by libyaml as it would be alone after
 * the same header (`action_items:`, or nothing): the line an item starts on closes every node the
 * one before opened, in block context. What could carry over from one item to the next, the split
 * refuses or the read of the item alone tells:
 *   - a quoted scalar or a flow collection left open across an item line,
 *     or bytes the reader refuses: the item alone has a syntax error;
 *   - anchors and aliases: the item alone leaves the file to the full parse;
 *   - line breaks other than LF (CR, NEL, LS, PS), a byte order mark, a
 *     directive, a document marker, a second top-level key, a header byte
 *     that is not printable ASCII: not split.
 * At any doubt, a syntax error in any item or a budget the sum of the items
 * might pass, the whole version goes to pir_actions_slim, so the result is
 * always its result.
 *
 * Items already read are kept with their bytes and the header they were
 * read after (compared in full on a hit, never trusted to the hash: the
 * same bytes after `action_items:` are one level deeper, which the depth
 * and budget checks see) and their entries' ID, due value and closed
 * bit, up to CACHE_BYTES or CACHE_ITEMS, then the cache starts again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "extract.h"
#include "yaml_util.h"

/*
 * The items' bytes and strings kept, and items, at most, per thread: the
 * items of a 1 MB file and thousands of its edits (mh200k's 5,908 versions
 * of up to 807 KB take the same time with 8 MiB).
 */
#define CACHE_BYTES ((size_t)4 << 20)
#define CACHE_ITEMS ((size_t)1 << 16)
/* What an item alone is read after: the same nodes the whole file opens around it. */
static const char keyed_header[] = "action_items:\n";

typedef struct {
	uint64_t hash;
	size_t off, len; /* its bytes in `bytes` */
	size_t first, n; /* its entries in `ents` */
	size_t units;	 /* what its read alone counted */
	bool keyed;	 /* read after `action_items:`, one level deeper, or alone */
} item;

typedef struct {
	size_t id, due; /* offsets of NUL-terminated strings in `bytes`, SIZE_MAX for none */
	bool closed;
} item_entry;

struct pir_slim_cache {
	item *items;
	size_t nitems, items_cap;
	uint32_t *slots; /* open addressing over `items`: index + 1, 0 free */
	size_t nslots;	 /* a power of two, or 0 */
	item_entry *ents;
	size_t nents, ents_cap;
	pir_buf bytes;
	size_t *starts; /* the current version's item offsets */
	size_t nstarts, starts_cap;
	pir_buf alone; /* header + one item, for a read alone */
	size_t nread, nfound;
};

pir_slim_cache *pir_slim_cache_new(void)
{
	return pir_calloc(1, sizeof(pir_slim_cache));
}

void pir_slim_cache_free(pir_slim_cache *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->slots);
	free(c->ents);
	free(c->starts);
	pir_buf_dispose(&c->bytes);
	pir_buf_dispose(&c->alone);
	free(c);
}

void pir_slim_cache_counts(const pir_slim_cache *c, size_t *read, size_t *found)
{
	*read = c->nread;
	*found = c->nfound;
}

/* A word at a time: the bytes are compared on a hit, the hash only spreads them. */
static uint64_t hash_bytes(const char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15u;
	uint64_t h = n * k, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

/* ---- the split ---- */

static bool is_item_line(const char *p, const char *end)
{
	return *p == '-' && (p + 1 == end || p[1] == ' ' || p[1] == '\n');
}

/* `action_items:`, then nothing, spaces, or spaces and a comment. */
static bool is_key_line(const char *p, const char *end)
{
	size_t n = sizeof(keyed_header) - 2;

	if ((size_t)(end - p) < n || memcmp(p, keyed_header, n))
		return false;
	for (p += n; p < end && *p == ' '; p++)
		;
	return p == end || *p == '\n' || (*p == '#' && p[-1] == ' ');
}

/* Line breaks libyaml knows besides LF (CR, NEL, LS, PS), or a byte order mark. */
static bool other_breaks(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len, *q;

	if (len && (p[0] == 0xef || p[0] == 0xfe || p[0] == 0xff))
		return true;
	if (memchr(buf, '\r', len))
		return true;
	for (q = p; (q = memchr(q, 0xc2, (size_t)(end - q))) && q + 1 < end; q++)
		if (q[1] == 0x85)
			return true;
	for (q = p; (q = memchr(q, 0xe2, (size_t)(end - q))) && q + 2 < end; q++)
		if (q[1] == 0x80 && (q[2] == 0xa8 || q[2] == 0xa9))
			return true;
	return false;
}

static bool printable_ascii(const char *p, const char *end)
{
	for (; p < end; p++)
		if ((*p < 0x20 || *p > 0x7e) && *p != '\n')
			return false;
	return true;
}

/*
 * Split `buf` into its items (c->starts, each to the next or to the end);
 * `*keyed` whether they follow `action_items:`. False when it does not
 * split (then nothing is to be assumed of it) or holds no item.
 */
static int split(pir_slim_cache *c, const char *buf, size_t len, bool *keyed, bool *ok)
{
	const char *p = buf, *end = buf + len, *header_end = NULL;
	size_t indent = 0;

	*keyed = *ok = false;
	c->nstarts = 0;
	if (other_breaks(buf, len))
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl + 1 : end, *q = p;
		while (q < eol && *q == ' ')
			q++;
		if (q == eol || *q == '\n') {
			p = eol; /* blank */
			continue;
		}
		if (!header_end) {
			if (is_item_line(q, eol)) {
				header_end = p;
				indent = (size_t)(q - p);
			} else if (q == p && !*keyed && is_key_line(p, eol)) {
				*keyed = true;
			} else if (*q != '#') {
				return 0;
			}
		} else if ((size_t)(q - p) > indent || *q == '#') {
			p = eol; /* the item goes on, or a comment */
			continue;
		} else if ((size_t)(q - p) != indent || !is_item_line(q, eol)) {
			return 0;
		}
		if (header_end) { /* an item starts here */
			if (pir_grow((void **)&c->starts, &c->starts_cap, c->nstarts + 1,
				     sizeof(*c->starts)) < 0)
				return PIR_ENOMEM;
			c->starts[c->nstarts++] = (size_t)(p - buf);
		}
		p = eol;
	}
	*ok = header_end && printable_ascii(buf, header_end);
	return 0;
}

/* ---- the items kept ---- */

static void reset(pir_slim_cache *c)
{
	c->nitems = c->nents = 0;
	c->bytes.size = 0;
	if (c->slots)
		memset(c->slots, 0, c->nslots * sizeof(*c->slots));
}

/* The same bytes read under the other header are another item: depth and units differ. */
static item *find(pir_slim_cache *c, uint64_t h, bool keyed, const char *p, size_t len)
{
	if (!c->nslots)
		return NULL;
	for (size_t i = h & (c->nslots - 1);; i = (i + 1) & (c->nslots - 1)) {
		item *it;
		if (!c->slots[i])
			return NULL;
		it = &c->items[c->slots[i] - 1];
		if (it->hash == h && it->keyed == keyed && it->len == len &&
		    !memcmp(c->bytes.ptr + it->off, p, len))
			return it;
	}
}

/* Put item index `k` in the first free slot from its hash on. */
static void place(uint32_t *slots, size_t nslots, uint64_t hash, size_t k)
{
	size_t i = hash & (nslots - 1);

	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = (uint32_t)k + 1;
}

/* Room for one more item: the table at most half full. */
static int make_room(pir_slim_cache *c)
{
	size_t n;
	uint32_t *slots;

	if (pir_grow((void **)&c->items, &c->items_cap, c->nitems + 1, sizeof(*c->items)) < 0)
		return PIR_ENOMEM;
	if ((c->nitems + 1) * 2 <= c->nslots)
		return 0;
	n = c->nslots ? c->nslots * 2 : 1024;
	if (!(slots = pir_calloc(n, sizeof(*slots))))
		return PIR_ENOMEM;
	free(c->slots);
	c->slots = slots;
	c->nslots = n;
	for (size_t k = 0; k < c->nitems; k++)
		place(slots, n, c->items[k].hash, k);
	return 0;
}

static int keep_string(pir_slim_cache *c, const char *s, size_t *off)
{
	*off = SIZE_MAX;
	if (!s)
		return 0;
	*off = c->bytes.size;
	return pir_buf_put(&c->bytes, s, strlen(s) + 1);
}

/* Keep an item read alone: its bytes, its entries (in `el`) and its units. */
static int keep(pir_slim_cache *c, uint64_t h, bool keyed, const char *p, size_t len,
		const pir_entry_list *el, size_t units, item **out)
{
	item *it;
	size_t need = len;
	int err;

	for (size_t k = 0; k < el->n; k++)
		need += (el->v[k].id ? strlen(el->v[k].id) + 1 : 0) +
			(el->v[k].due_raw ? strlen(el->v[k].due_raw) + 1 : 0);
	if (c->bytes.size + need > CACHE_BYTES || c->nitems >= CACHE_ITEMS)
		reset(c);
	if ((err = make_room(c)) < 0 || (err = pir_grow((void **)&c->ents, &c->ents_cap,
							c->nents + el->n, sizeof(*c->ents))) < 0)
		return err;
	it = &c->items[c->nitems];
	*it = (item){h, c->bytes.size, len, c->nents, el->n, units, keyed};
	if ((err = pir_buf_put(&c->bytes, p, len)) < 0)
		return err;
	for (size_t k = 0; k < el->n; k++) {
		item_entry *e = &c->ents[c->nents + k];
		e->closed = el->v[k].closed;
		if ((err = keep_string(c, el->v[k].id, &e->id)) < 0 ||
		    (err = keep_string(c, el->v[k].due_raw, &e->due)) < 0)
			return err;
	}
	c->nents += el->n;
	place(c->slots, c->nslots, h, c->nitems++);
	*out = it;
	return 0;
}

static int put_entries(pir_slim_cache *c, const item *it, pir_entry_list *out)
{
	for (size_t k = 0; k < it->n; k++) {
		const item_entry *ie = &c->ents[it->first + k];
		pir_entry *e = pir_entry_list_add_slim(out);
		if (!e)
			return PIR_ENOMEM;
		e->closed = ie->closed;
		if ((ie->id != SIZE_MAX &&
		     !(e->id = pir_arena_strdup(&out->strings, c->bytes.ptr + ie->id))) ||
		    (ie->due != SIZE_MAX &&
		     !(e->due_raw = pir_arena_strdup(&out->strings, c->bytes.ptr + ie->due))))
			return PIR_ENOMEM;
	}
	return 0;
}

/*
 * An item, from the cache or read alone: 0, 1 when the whole version must
 * be read (the item alone is broken or left to the full parse), PIR_ENOMEM.
 */
static int read_item(pir_slim_cache *c, bool keyed, const char *p, size_t len, item **out)
{
	uint64_t h = hash_bytes(p, len) ^ (keyed ? 0x9e3779b97f4a7c15u : 0);
	pir_entry_list el = {0};
	bool broken = false;
	size_t units = 0;
	int rc;

	if ((*out = find(c, h, keyed, p, len))) {
		c->nfound++;
		return 0;
	}
	c->nread++;
	c->alone.size = 0;
	if ((rc = pir_buf_puts(&c->alone, keyed ? keyed_header : "")) < 0 ||
	    (rc = pir_buf_put(&c->alone, p, len)) < 0)
		return rc;
	rc = pir_actions_slim_units(&el, &broken, c->alone.ptr, c->alone.size, &units);
	if (rc == 0 && broken)
		rc = 1;
	if (rc == 0)
		rc = keep(c, h, keyed, p, len, &el, units, out);
	pir_entry_list_clear(&el);
	return rc;
}

int pir_actions_slim_cached(pir_slim_cache *c, pir_entry_list *out, bool *broken, const char *buf,
			    size_t len)
{
	size_t units = 0, budget, start = out->n;
	bool keyed, ok;
	int rc = 0;

	if (!c || !buf || pir_yaml_preflight_needed(buf, len))
		return pir_actions_slim(out, broken, buf, len);
	if ((rc = split(c, buf, len, &keyed, &ok)) < 0)
		return rc;
	if (!ok)
		return pir_actions_slim(out, broken, buf, len);
	/* pir_actions_slim's budget; each item's count holds the header's, so the sum is above */
	budget = pir_actions_budget(len);
	for (size_t k = 0; k < c->nstarts && rc == 0; k++) {
		size_t at = c->starts[k], to = k + 1 < c->nstarts ? c->starts[k + 1] : len;
		item *it;
		if ((rc = read_item(c, keyed, buf + at, to - at, &it)) == 0) {
			units += it->units;
			rc = units > budget ? 1 : put_entries(c, it, out);
		}
	}
	if (rc == 0) {
		*broken = false;
		return 0;
	}
	if (rc < 0) {
		pir_entry_list_clear(out); /* as pir_actions_slim leaves it on an error */
		return rc;
	}
	out->n = start; /* the entries before this call stay, as pir_actions_slim keeps them */
	return pir_actions_slim(out, broken, buf, len);
}
