/* SPDX-License-Identifier: MIT */
/*
 * Tree objects without libgit2's object cache (see tree.h): the history walk
 * reads each tree of the history about once, from the packs, and parses it
 * here; libgit2 reads the rest (loose objects, alternates, whatever the
 * packs cannot give) and parses what this parser refuses.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "error.h"
#include "pirscan/common.h"
#include "tree.h"

#define MODE_TYPE(m) ((m)&0170000)
#define ID_LEN 20

/*
 * The NUL that ends a name: 16 bytes at a time with SSE2 when 16 are left
 * (a name is short, and its id follows it), else memchr.
 */
static inline const unsigned char *find_nul(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i zero = _mm_setzero_si128();

	for (; end - p >= 16; p += 16) {
		unsigned mask = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), zero));
		if (mask)
			return p + __builtin_ctz(mask);
	}
#endif
	return memchr(p, '\0', (size_t)(end - p));
}

/* One entry at `*pp` into `e`, `*pp` moved past it: false when the data is no tree. */
static inline bool parse_entry(const unsigned char **pp, const unsigned char *end,
			       pir_tree_entry *e)
{
	const unsigned char *p = *pp, *nul;
	uint32_t mode = 0;
	size_t name_len;

	/* the two modes of nearly every entry, then any */
	if (end - p >= 7 && !memcmp(p, "100644 ", 7)) {
		mode = 0100644;
		p += 6;
	} else if (end - p >= 6 && !memcmp(p, "40000 ", 6)) {
		mode = 040000;
		p += 5;
	} else if (*p < '0' || *p > '7') {
		return false;
	}
	while (p < end && *p >= '0' && *p <= '7') {
		mode = mode * 8 + (uint32_t)(*p++ - '0');
		if (mode > UINT16_MAX)
			return false;
	}
	if (p >= end || *p++ != ' ')
		return false;
	if (!(nul = find_nul(p, end)))
		return false;
	name_len = (size_t)(nul - p);
	if (!name_len || name_len > UINT16_MAX || (size_t)(end - nul - 1) < ID_LEN)
		return false;
	e->name = (const char *)p;
	e->name_len = (uint16_t)name_len;
	e->attr = (uint16_t)mode;
	e->id = nul + 1;
	*pp = nul + 1 + ID_LEN;
	return true;
}

/* Room for every entry `len` bytes can hold: each takes 24 at least (a mode, a space, a name,
 * its NUL, its id). */
static int make_room(size_t len, pir_tree_entry **v, size_t *cap)
{
	if (len / 24 + 1 > *cap && pir_grow((void **)v, cap, len / 24 + 1, sizeof(**v)) < 0)
		return PIR_ENOMEM;
	return 0;
}

int pir_tree_parse(const unsigned char *data, size_t len, pir_tree_entry **v, size_t *n,
		   size_t *cap)
{
	const unsigned char *p = data, *end = data + len;

	*n = 0;
	if (make_room(len, v, cap) < 0)
		return PIR_ENOMEM;
	while (p < end)
		if (!parse_entry(&p, end, &(*v)[(*n)++]))
			return 1;
	return 0;
}

/* ---- parsing a tree like one parsed before ---- */

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

#define CMP_BLOCK 256

/* The length of the common start of a and b, n bytes at most. */
static size_t common_prefix(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i = 0;

	/* libc's memcmp tells equal blocks; the loops find where the two part */
	while (i + CMP_BLOCK <= n && !memcmp(a + i, b + i, CMP_BLOCK))
		i += CMP_BLOCK;
	while (i + 8 <= n && load64(a + i) == load64(b + i))
		i += 8;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The length of the common end of a (alen) and b (blen), n bytes at most. */
static size_t common_suffix(const unsigned char *a, size_t alen, const unsigned char *b,
			    size_t blen, size_t n)
{
	const unsigned char *ea = a + alen, *eb = b + blen;
	size_t i = 0;

	while (i + CMP_BLOCK <= n && !memcmp(ea - i - CMP_BLOCK, eb - i - CMP_BLOCK, CMP_BLOCK))
		i += CMP_BLOCK;
	while (i + 8 <= n && load64(ea - i - 8) == load64(eb - i - 8))
		i += 8;
	while (i < n && *(ea - 1 - i) == *(eb - 1 - i))
		i++;
	return i;
}

/* Where entry i of a parsed tree (lv, ln entries, over ldata) begins: where the one before ends. */
static inline size_t entry_start(const pir_tree_entry *lv, size_t i, const unsigned char *ldata)
{
	return i ? (size_t)(lv[i - 1].id + ID_LEN - ldata) : 0;
}

/*
 * Entry `e` of the tree at `from`, moved to the same bytes at `to`, `shift`
 * further on (an offset difference, modulo SIZE_MAX + 1).
 */
static inline pir_tree_entry rebase(const pir_tree_entry *e, const unsigned char *from,
				    const unsigned char *to, size_t shift)
{
	pir_tree_entry x = *e;

	x.name = (const char *)to + ((size_t)((const unsigned char *)e->name - from) + shift);
	x.id = to + ((size_t)(e->id - from) + shift);
	return x;
}

/*
 * Parsing is a function of the bytes from an entry's start on, so where data
 * and ldata agree byte for byte, from the start or to the end, the entries
 * there are ldata's, moved: only the bytes between are parsed, and when that
 * parse does not land on the start of an entry of the common end, the rest
 * is parsed too. The common end keeps its distance to the end of the data,
 * so every test against `end` comes out the same there; the common start
 * rests on more: parse_entry() never looks past the last byte of a complete
 * entry (find_nul's loads may, but it returns the first NUL, the entry's
 * own). A lookahead added there must keep that, or this breaks.
 */
int pir_tree_parse_like(const unsigned char *data, size_t len, const unsigned char *ldata,
			size_t llen, const pir_tree_entry *lv, size_t ln, pir_tree_entry **v,
			size_t *n, size_t *cap, size_t *same_start, size_t *same_end)
{
	const unsigned char *p, *stop, *end = data + len;
	size_t pre, suf, start, lo, hi, k, shift;

	*n = 0;
	*same_start = *same_end = 0;
	if (!ln || !llen || !len)
		return pir_tree_parse(data, len, v, n, cap);
	if (make_room(len, v, cap) < 0)
		return PIR_ENOMEM;
	/* k: the entries of ldata that end within the common start */
	pre = common_prefix(data, ldata, len < llen ? len : llen);
	for (lo = 0, hi = ln; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (entry_start(lv, mid + 1, ldata) <= pre)
			lo = mid + 1;
		else
			hi = mid;
	}
	k = lo;
	for (size_t i = 0; i < k; i++)
		(*v)[i] = rebase(&lv[i], ldata, data, 0);
	*n = *same_start = k;
	start = entry_start(lv, k, ldata);
	/* the first entry of ldata, from k on, that begins within the common end */
	suf = common_suffix(data, len, ldata, llen, (len < llen ? len : llen) - start);
	for (lo = k, hi = ln; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (entry_start(lv, mid, ldata) < llen - suf)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* data's bytes from `stop` on are ldata's from entry lo on */
	shift = len - llen; /* modulo: added to an offset in ldata, it gives one in data */
	stop = lo < ln ? data + (entry_start(lv, lo, ldata) + shift) : end;
	p = data + start;
	while (p < stop)
		if (!parse_entry(&p, end, &(*v)[(*n)++]))
			goto refused;
	if (p == stop) {
		for (size_t i = lo; i < ln; i++)
			(*v)[(*n)++] = rebase(&lv[i], ldata, data, shift);
		*same_end = ln - lo;
		return 0;
	}
	while (p < end)
		if (!parse_entry(&p, end, &(*v)[(*n)++]))
			goto refused;
	return 0;
refused:
	*same_start = 0;
	return 1;
}

git_filemode_t pir_tree_filemode(uint16_t attr)
{
	if (MODE_TYPE(attr) == GIT_FILEMODE_TREE)
		return GIT_FILEMODE_TREE;
	if (attr & 0100)
		return GIT_FILEMODE_BLOB_EXECUTABLE;
	if (MODE_TYPE(attr) == GIT_FILEMODE_COMMIT)
		return GIT_FILEMODE_COMMIT;
	if (MODE_TYPE(attr) == GIT_FILEMODE_LINK)
		return GIT_FILEMODE_LINK;
	return GIT_FILEMODE_BLOB;
}

bool pir_tree_is_dir(uint16_t attr)
{
	return MODE_TYPE(attr) == 0040000;
}

bool pir_tree_is_gitlink(uint16_t attr)
{
	return MODE_TYPE(attr) == 0160000;
}

int pir_tree_name_cmp(const char *a, size_t alen, bool adir, const char *b, size_t blen, bool bdir)
{
	size_t len = alen < blen ? alen : blen;
	int cmp = memcmp(a, b, len);
	unsigned char ca, cb;

	if (cmp)
		return cmp;
	ca = len < alen ? (unsigned char)a[len] : adir ? '/' : '\0';
	cb = len < blen ? (unsigned char)b[len] : bdir ? '/' : '\0';
	return ca < cb ? -1 : ca > cb;
}

/* ---- the reader ---- */

struct pir_tree_reader {
	git_repository *repo;
	git_odb *odb;
	pir_packset *ps;
	pir_pack_cursor *cursor;
	pir_tree **slots;
	size_t nslots;
};

int pir_tree_reader_new(pir_tree_reader **out, git_repository *repo, pir_packset *ps, size_t slots)
{
	pir_tree_reader *tr;
	int err = 0, gerr;

	*out = NULL;
	if (!(tr = pir_calloc(1, sizeof(*tr))))
		return PIR_ENOMEM;
	tr->repo = repo;
	tr->ps = ps;
	tr->nslots = slots ? slots : 1;
	if (!(tr->slots = pir_calloc(tr->nslots, sizeof(*tr->slots)))) {
		err = PIR_ENOMEM;
		goto fail;
	}
	if ((gerr = git_repository_odb(&tr->odb, repo)) < 0) {
		err = pir_error_git(gerr, "cannot open the object database");
		goto fail;
	}
	/*
	 * trees are small and mostly deltas of a tree read shortly before: a
	 * small base cache (git.git: 8 MiB rebuilt 41k chains for 183k trees,
	 * 16 MiB 7k, for 8 MiB more at the peak)
	 */
	if (ps && pir_packset_count(ps) &&
	    (err = pir_pack_cursor_new(&tr->cursor, ps, (size_t)16 << 20)) < 0)
		goto fail;
	*out = tr;
	return 0;
fail:
	pir_tree_reader_free(tr);
	return err;
}

static void drop_data(pir_tree *t)
{
	if (t->held)
		pir_pack_release(t->data);
	else
		free(t->data);
	t->data = NULL;
	t->held = false;
}

static void tree_free(pir_tree *t)
{
	if (!t)
		return;
	free(t->v);
	drop_data(t);
	git_tree_free(t->lg);
	free(t);
}

void pir_tree_reader_free(pir_tree_reader *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->nslots; i++)
		tree_free(tr->slots[i]);
	free(tr->slots);
	pir_pack_cursor_free(tr->cursor);
	git_odb_free(tr->odb);
	free(tr);
}

/* The entries of a tree libgit2 read and parsed (one this parser refused). */
static int from_libgit2(pir_tree *t, git_tree *lg)
{
	size_t n = git_tree_entrycount(lg);

	t->lg = lg;
	t->n = 0;
	if (n && pir_grow((void **)&t->v, &t->cap, n, sizeof(*t->v)) < 0)
		return PIR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(lg, i);
		const char *name = git_tree_entry_name(e);
		pir_tree_entry *x = &t->v[t->n++];
		x->name = name;
		x->name_len = (uint16_t)strlen(name);
		x->attr = (uint16_t)git_tree_entry_filemode_raw(e);
		x->id = git_tree_entry_id(e)->id;
	}
	return 0;
}

/*
 * Raw tree data into `*data`: from the packs when they hold it whole (the
 * cursor's buffer, held: `*held`), else from libgit2 (malloc'd); `*data` NULL when the object is no
 * tree. 0; 1 when it cannot be read (`*gerr` or `*cause`); PIR_ENOMEM.
 */
static int read_raw(pir_tree_reader *tr, const git_oid *oid, unsigned char **data, bool *held,
		    size_t *len, int *gerr, const char **cause)
{
	git_odb_object *obj = NULL;

	*data = NULL;
	*held = false;
	if (tr->cursor) {
		uint64_t pos = pir_packset_find(tr->ps, oid->id);
		pir_pack_object po;
		int rc = pos == PIR_PACK_NOPOS ? 0 : pir_pack_read(tr->cursor, pos, SIZE_MAX, &po);
		if (rc < 0)
			return rc;
		if (rc == 2) {
			*cause = "its delta chain comes back on itself";
			return 1;
		}
		if (rc == 1 && po.data && po.type == PIR_OBJ_TREE) {
			*data = (unsigned char *)(uintptr_t)pir_pack_hold(po.data);
			*held = true;
			*len = po.size;
			return 0;
		}
	}
	if ((*gerr = git_odb_read(&obj, tr->odb, oid)) < 0)
		return 1;
	*len = git_odb_object_size(obj);
	if (git_odb_object_type(obj) == GIT_OBJECT_TREE && (*data = pir_malloc(*len ? *len : 1)))
		memcpy(*data, git_odb_object_data(obj), *len);
	git_odb_object_free(obj);
	return 0;
}

/*
 * Read and parse (like `like` when given, a tree this parser read); what this
 * parser refuses goes to libgit2, which has the last word.
 */
static int load(pir_tree_reader *tr, const git_oid *oid, const pir_tree *like, pir_tree *t,
		int *gerr, const char **cause)
{
	git_tree *lg = NULL;
	size_t len = 0;
	int rc;

	if ((rc = read_raw(tr, oid, &t->data, &t->held, &len, gerr, cause)) != 0)
		return rc;
	t->len = len;
	t->like = t->key;
	if (t->data && like) {
		if ((rc = pir_tree_parse_like(t->data, len, like->data, like->len, like->v, like->n,
					      &t->v, &t->n, &t->cap, &t->same_start,
					      &t->same_end)) == 0)
			t->like = like->key;
		if (rc <= 0)
			return rc;
	} else if (t->data && (rc = pir_tree_parse(t->data, len, &t->v, &t->n, &t->cap)) <= 0) {
		return rc;
	}
	drop_data(t);
	t->n = 0;
	if ((*gerr = git_tree_lookup(&lg, tr->repo, oid)) < 0)
		return 1;
	return from_libgit2(t, lg);
}

/* The tree cached with `key`, when this parser read it; else NULL. */
static const pir_tree *cached_raw(const pir_tree_reader *tr, uint32_t key)
{
	const pir_tree *t = tr->slots[key % tr->nslots];

	return t && t->key == key && !t->lg && t->data ? t : NULL;
}

int pir_tree_read_near(pir_tree_reader *tr, const git_oid *oid, uint32_t key, uint32_t near,
		       pir_tree **out, int *gerr, const char **cause)
{
	size_t slot = key % tr->nslots;
	pir_tree *t = tr->slots[slot];
	int rc;

	*out = NULL;
	*gerr = 0;
	*cause = NULL;
	if (t && t->key == key) {
		t->pins++;
		*out = t;
		return 0;
	}
	if (!(t = pir_calloc(1, sizeof(*t))))
		return PIR_ENOMEM;
	t->key = key;
	if ((rc = load(tr, oid, near != key ? cached_raw(tr, near) : NULL, t, gerr, cause)) != 0) {
		tree_free(t);
		return rc;
	}
	t->pins = 1;
	/* cached unless its slot holds a tree in use, which stays */
	if (!tr->slots[slot] || !tr->slots[slot]->pins) {
		tree_free(tr->slots[slot]);
		tr->slots[slot] = t;
		t->cached = true;
	}
	*out = t;
	return 0;
}

int pir_tree_read(pir_tree_reader *tr, const git_oid *oid, uint32_t key, pir_tree **out, int *gerr,
		  const char **cause)
{
	return pir_tree_read_near(tr, oid, key, key, out, gerr, cause);
}

void pir_tree_release(pir_tree_reader *tr, pir_tree *t)
{
	(void)tr;
	if (!t)
		return;
	if (--t->pins == 0 && !t->cached)
		tree_free(t);
}

bool pir_tree_is_raw(const pir_tree *t)
{
	return !t->lg;
}
