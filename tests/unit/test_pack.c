/* SPDX-License-Identifier: MIT */
/*
 * The pack reader (pack.c): git deltas, and every object of the packed
 * fixtures read both by pack.c and by libgit2, which must agree byte for
 * byte; damaged packs are never read as something else.
 */
#include <dirent.h>
#include <git2.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"
#include "pack.h"
#include "test.h"

/* ---- deltas ---- */

static const unsigned char base[] = "hello world, hello pack";

static int apply(const unsigned char *d, size_t n, unsigned char **out, size_t *len)
{
	return pir_delta_apply(base, sizeof(base) - 1, d, n, out, len);
}

static void test_delta_ok(void)
{
	/* src 23, dst 16: copy "hello " (0..6), insert "git ", copy "pack" (19..23) */
	const unsigned char d[] = {23, 14, 0x90, 6, 4, 'g', 'i', 't', ' ', 0x91, 19, 4};
	unsigned char *out;
	size_t len;

	CHECK_INT(apply(d, sizeof(d), &out, &len), 0);
	CHECK_INT(len, 14);
	CHECK(out && !memcmp(out, "hello git pack", 14) && out[14] == '\0');
	free(out);

	/* an empty result */
	const unsigned char e[] = {23, 0};
	CHECK_INT(apply(e, sizeof(e), &out, &len), 0);
	CHECK_INT(len, 0);
	CHECK(out && out[0] == '\0');
	free(out);

	/* a multi-byte size and a copy with a two-byte offset and length */
	unsigned char big[300];
	memset(big, 'x', sizeof(big));
	const unsigned char m[] = {0xac, 0x02, 0x96, 0x01, 0xb3, 0x64, 0x00, 0x96, 0x00};
	CHECK_INT(pir_delta_apply(big, sizeof(big), m, sizeof(m), &out, &len), 0);
	CHECK_INT(len, 150);
	free(out);
}

static void test_delta_bad(void)
{
	unsigned char *out = (unsigned char *)"sentinel";
	size_t len = 1;
	/* each is refused, with no result */
	const unsigned char wrong_src[] = {22, 4, 0x90, 4};
	const unsigned char past_base[] = {23, 4, 0x91, 21, 4};
	const unsigned char past_delta[] = {23, 4, 5, 'a', 'b'};
	const unsigned char too_short[] = {23, 8, 0x90, 4};
	const unsigned char too_long[] = {23, 2, 0x90, 4};
	const unsigned char reserved[] = {23, 4, 0x00, 0x90, 4};
	const unsigned char copy_64k[] = {23, 4, 0x80};
	const unsigned char cut_args[] = {23, 4, 0x93, 1};
	const unsigned char no_header[] = {0x80};
	const unsigned char huge[] = {23, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
	const struct {
		const unsigned char *d;
		size_t n;
	} cases[] = {
	    {wrong_src, sizeof(wrong_src)},
	    {past_base, sizeof(past_base)},
	    {past_delta, sizeof(past_delta)},
	    {too_short, sizeof(too_short)},
	    {too_long, sizeof(too_long)},
	    {reserved, sizeof(reserved)},
	    {copy_64k, sizeof(copy_64k)},
	    {cut_args, sizeof(cut_args)},
	    {no_header, sizeof(no_header)},
	    {huge, sizeof(huge)},
	    {NULL, 0},
	};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(cases); i++) {
		CHECK_INT(apply(cases[i].d, cases[i].n, &out, &len), 1);
		CHECK(out == NULL && len == 0);
	}
}

/* ---- whole packs against libgit2 ---- */

/* Each delta's base, from its header alone, is an object of the same pack; whole ones have none. */
static void check_bases(pir_packset *ps)
{
	size_t deltas = 0;

	CHECK(pir_packset_base(ps, PIR_PACK_NOPOS) == PIR_PACK_NOPOS);
	for (size_t p = 0; p < pir_packset_count(ps); p++) {
		for (uint32_t i = 0; i < pir_packset_objects(ps, p); i++) {
			uint64_t b = pir_packset_base(ps, pir_packset_pos(ps, p, i));
			bool known = false;

			if (b == PIR_PACK_NOPOS)
				continue;
			deltas++;
			CHECK_INT(b >> 48, p);
			for (uint32_t k = 0; k < pir_packset_objects(ps, p) && !known; k++)
				known = pir_packset_pos(ps, p, k) == b && k != i;
			CHECK(known);
		}
	}
	CHECK(deltas >= 60); /* the 60 edits of runbook.md */
}

/*
 * Read every object of every pack of `repo` with a cache of `cache` bytes;
 * compare. With `release`, the pages are given back to the kernel half way
 * (all of them, then those before the middle of the pack): reads still agree.
 */
static void cross_check(const char *repo, size_t cache, bool want_deltas, bool release)
{
	char *dir = pir_sprintf("%s/objects/pack", repo);
	git_repository *gr = NULL;
	git_odb *odb = NULL;
	pir_packset *ps = NULL;
	pir_pack_cursor *c = NULL;
	pir_pack_stats st;
	size_t compared = 0, total = 0;

	CHECK_INT(git_repository_open(&gr, repo), 0);
	CHECK_INT(git_repository_odb(&odb, gr), 0);
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 1);
	CHECK_INT(pir_pack_cursor_new(&c, ps, cache), 0);
	for (size_t p = 0; p < pir_packset_count(ps); p++) {
		for (uint32_t i = 0; i < pir_packset_objects(ps, p); i++) {
			git_odb_object *o = NULL;
			pir_pack_object po;
			git_oid id;

			total++;
			if (release && i == pir_packset_objects(ps, p) / 3)
				pir_packset_release_below(ps, PIR_PACK_NOPOS, 0);
			if (release && i == 2 * pir_packset_objects(ps, p) / 3)
				pir_packset_release_below(ps, pir_packset_pos(ps, p, i), 64);
			memcpy(id.id, pir_packset_id(ps, p, i), GIT_OID_RAWSZ);
			CHECK_INT(pir_pack_read(c, pir_packset_pos(ps, p, i), SIZE_MAX, &po), 1);
			CHECK_INT(git_odb_read(&o, odb, &id), 0);
			if (o && po.data && po.type == (int)git_odb_object_type(o) &&
			    po.size == git_odb_object_size(o) &&
			    !memcmp(po.data, git_odb_object_data(o), po.size))
				compared++;
			git_odb_object_free(o);
		}
	}
	CHECK(total > 0);
	CHECK_INT(compared, total);
	pir_pack_cursor_stats(c, &st);
	CHECK_INT(st.objects, total);
	if (want_deltas) {
		CHECK(st.deltas >= 60); /* the 60 edits of runbook.md */
		CHECK(cache ? st.hits > 0 : st.hits == 0);
	}
	if (want_deltas)
		check_bases(ps);
	pir_pack_cursor_free(c);
	pir_packset_free(ps);
	git_odb_free(odb);
	git_repository_free(gr);
	free(dir);
}

static void test_packs_agree_with_libgit2(void)
{
	cross_check(FIXTURES "/deltas/.git", 0, true, false);
	cross_check(FIXTURES "/deltas/.git", 1 << 20, true, false);
	cross_check(FIXTURES "/deltas/.git", 128 << 10, true, false); /* evicting */
	cross_check(FIXTURES "/deltas/.git", 0, true, true);
	cross_check(FIXTURES "/deltas-ref.git", 1 << 20, true, false); /* REF_DELTA */
	cross_check(FIXTURES "/postmortems.git", 1 << 20, false, false);
	cross_check(FIXTURES "/svc-shallow/.git", 1 << 20, false, false);
}

/* The first pack of `repo`, its position of runbook.md at HEAD, and that blob through libgit2. */
static uint64_t runbook(pir_packset *ps, git_repository *gr, git_blob **blob)
{
	git_object *o = NULL;
	uint64_t pos;

	CHECK_INT(git_revparse_single(&o, gr, "HEAD:runbook.md"), 0);
	*blob = (git_blob *)o;
	pos = o ? pir_packset_find(ps, git_object_id(o)->id) : PIR_PACK_NOPOS;
	CHECK(pos != PIR_PACK_NOPOS);
	return pos;
}

static void test_size_limit(void)
{
	const char *repo = FIXTURES "/deltas/.git";
	char *dir = pir_sprintf("%s/objects/pack", repo);
	git_repository *gr = NULL;
	pir_packset *ps = NULL;
	pir_pack_cursor *c = NULL;
	git_blob *blob = NULL;
	git_object *first = NULL;
	pir_pack_object po;
	uint64_t pos;

	CHECK_INT(git_repository_open(&gr, repo), 0);
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_pack_cursor_new(&c, ps, 1 << 20), 0);
	pos = runbook(ps, gr, &blob);
	/* HEAD's version is whole (bases are the newest); the first is a delta */
	CHECK_INT(git_revparse_single(&first, gr, "HEAD~60:runbook.md"), 0);
	CHECK_INT(pir_pack_read(c, pos, 100, &po), 1);
	CHECK(po.data == NULL);
	CHECK_INT(po.size, git_blob_rawsize(blob));
	if (first) {
		uint64_t fpos = pir_packset_find(ps, git_object_id(first)->id);
		CHECK_INT(pir_pack_read(c, fpos, 100, &po), 1);
		CHECK(po.data == NULL);
		CHECK_INT(po.size, git_blob_rawsize((git_blob *)first));
		CHECK_INT(pir_pack_read(c, fpos, (size_t)git_blob_rawsize((git_blob *)first), &po),
			  1);
		CHECK(po.data != NULL && po.type == PIR_OBJ_BLOB);
	}
	/* unknown positions are not this reader's */
	CHECK_INT(pir_pack_read(c, PIR_PACK_NOPOS, SIZE_MAX, &po), 0);
	CHECK_INT(pir_pack_read(c, (uint64_t)7 << 48 | 12, SIZE_MAX, &po), 0);
	CHECK_INT(pir_pack_read(c, 5, SIZE_MAX, &po), 0);
	git_object_free(first);
	git_blob_free(blob);
	pir_pack_cursor_free(c);
	pir_packset_free(ps);
	git_repository_free(gr);
	free(dir);
}

/* ---- damaged packs ---- */

/* Remove dir/NAME.pack, dir/NAME.idx and dir itself. */
static void remove_pack(const char *dir, const char *name)
{
	const char *ext[] = {"pack", "idx"};

	for (size_t i = 0; i < 2; i++) {
		char *path = pir_sprintf("%s/%s.%s", dir, name, ext[i]);
		if (path)
			unlink(path);
		free(path);
	}
	rmdir(dir);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The fixture's pack and index file names (it has one pack). */
static bool pack_files(const char *dir, char **idx, char **pack)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool ok = false;

	while (d && !ok && (de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		if (nl > 4 && !strcmp(de->d_name + nl - 4, ".idx")) {
			*idx = pir_sprintf("%s/%s", dir, de->d_name);
			*pack = pir_sprintf("%s/%.*s.pack", dir, (int)(nl - 4), de->d_name);
			ok = *idx && *pack;
		}
	}
	if (d)
		closedir(d);
	return ok;
}

static void test_damaged_pack(void)
{
	const char *repo = FIXTURES "/deltas/.git";
	char *dir = pir_sprintf("%s/objects/pack", repo), tmp[] = "/tmp/pirscan-pack.XXXXXX";
	char *idx = NULL, *pack = NULL, *tidx = NULL, *tpack = NULL;
	unsigned char *idx_data = NULL, *pack_data = NULL;
	size_t idx_len = 0, pack_len = 0, n = 0, tried = 0, refused = 0;
	uint64_t *offs = NULL;
	git_repository *gr = NULL;
	git_odb *odb = NULL;
	pir_packset *ps = NULL;

	CHECK(mkdtemp(tmp) != NULL);
	CHECK(pack_files(dir, &idx, &pack));
	CHECK((idx_data = (unsigned char *)test_read_file(idx, &idx_len)) != NULL);
	CHECK((pack_data = (unsigned char *)test_read_file(pack, &pack_len)) != NULL);
	CHECK_INT(git_repository_open(&gr, repo), 0);
	CHECK_INT(git_repository_odb(&odb, gr), 0);
	tidx = pir_sprintf("%s/pack-x.idx", tmp);
	tpack = pir_sprintf("%s/pack-x.pack", tmp);
	if (!idx_data || !pack_data || !odb || !tidx || !tpack)
		goto done;

	/* where the entries are: each spans up to the next one's offset */
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	n = pir_packset_objects(ps, 0);
	offs = calloc(n + 1, sizeof(*offs));
	for (uint32_t i = 0; offs && i < n; i++)
		offs[i] = pir_packset_pos(ps, 0, i);
	pir_packset_free(ps);
	ps = NULL;
	if (!offs)
		goto done;
	qsort(offs, n, sizeof(*offs), cmp_u64);
	offs[n] = pack_len - 20;

	/* a pack that does not match its index is left to libgit2 */
	CHECK(test_write_file(tidx, idx_data, idx_len) &&
	      test_write_file(tpack, pack_data, pack_len - 1));
	CHECK_INT(pir_packset_open(&ps, tmp, 0), 0);
	CHECK_INT(pir_packset_count(ps), 0);
	pir_packset_free(ps);
	ps = NULL;

	/* a byte flipped in the middle of each entry's stream: refused, never misread */
	for (size_t e = 0; e < n; e++) {
		size_t at = (size_t)(offs[e] + (offs[e + 1] - offs[e]) / 2);
		pir_pack_cursor *c = NULL;

		if (offs[e + 1] - offs[e] < 64) /* too short to be sure we hit the stream */
			continue;
		pack_data[at] ^= 0x5a;
		CHECK(test_write_file(tpack, pack_data, pack_len));
		pack_data[at] ^= 0x5a;
		CHECK_INT(pir_packset_open(&ps, tmp, 0), 0);
		CHECK_INT(pir_packset_count(ps), 1);
		CHECK_INT(pir_pack_cursor_new(&c, ps, 1 << 20), 0);
		tried++;
		for (uint32_t i = 0; c && i < n; i++) {
			pir_pack_object po;
			git_odb_object *o = NULL;
			git_oid id;
			int rc = pir_pack_read(c, pir_packset_pos(ps, 0, i), SIZE_MAX, &po);

			memcpy(id.id, pir_packset_id(ps, 0, i), GIT_OID_RAWSZ);
			if (pir_packset_pos(ps, 0, i) == offs[e])
				refused += rc == 0;
			if (rc == 1 && git_odb_read(&o, odb, &id) == 0)
				CHECK(po.size == git_odb_object_size(o) &&
				      !memcmp(po.data, git_odb_object_data(o), po.size));
			git_odb_object_free(o);
		}
		pir_pack_cursor_free(c);
		pir_packset_free(ps);
		ps = NULL;
	}
	CHECK(tried >= 10);
	CHECK_INT(refused, tried);
done:
	remove_pack(tmp, "pack-x");
	free(offs);
	free(idx_data);
	free(pack_data);
	free(idx);
	free(pack);
	free(tidx);
	free(tpack);
	free(dir);
	git_odb_free(odb);
	git_repository_free(gr);
}

/* ---- hand-made packs: what git would not write ---- */

typedef struct {
	unsigned char id[20];
	int type;		   /* 3: blob, 6: OFS_DELTA on the entry before, 7: REF_DELTA */
	unsigned char ref[20];	   /* REF_DELTA: the base's id */
	const unsigned char *data; /* the object or the delta */
	size_t len;
} hand_entry;

static void put32(pir_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	pir_buf_put(b, (const char *)x, 4);
}

/* Write dir/pack-t.{pack,idx} (pack version `version`) holding `n` entries, ids in order. */
static bool hand_pack(const char *dir, uint32_t version, const hand_entry *v, size_t n)
{
	pir_buf pack = PIR_BUF_INIT, idx = PIR_BUF_INIT;
	uint32_t offs[8];
	char *path;
	bool ok;

	pir_buf_put(&pack, "PACK", 4);
	put32(&pack, version);
	put32(&pack, (uint32_t)n);
	for (size_t i = 0; i < n && i < 8; i++) {
		uLongf zlen = compressBound((uLong)v[i].len);
		unsigned char *z = malloc(zlen), hdr[16];
		size_t h = 0, size = v[i].len;

		offs[i] = (uint32_t)pack.size;
		hdr[h++] = (unsigned char)(v[i].type << 4 | (size & 15) | (size > 15 ? 0x80 : 0));
		for (size >>= 4; size; size >>= 7)
			hdr[h++] = (unsigned char)((size & 0x7f) | (size > 0x7f ? 0x80 : 0));
		pir_buf_put(&pack, (const char *)hdr, h);
		if (v[i].type == 6) { /* the distance back to the entry before, in git's encoding */
			uint64_t back = offs[i] - offs[i - 1];
			unsigned char o[16];
			int k = 15;
			o[k] = back & 0x7f;
			while (back >>= 7)
				o[--k] = (unsigned char)(0x80 | (--back & 0x7f));
			pir_buf_put(&pack, (const char *)o + k, (size_t)(16 - k));
		} else if (v[i].type == 7) {
			pir_buf_put(&pack, (const char *)v[i].ref, 20);
		}
		if (z && compress(z, &zlen, v[i].data, (uLong)v[i].len) == Z_OK)
			pir_buf_put(&pack, (const char *)z, zlen);
		free(z);
	}
	pir_buf_put(&pack, "TTTTTTTTTTTTTTTTTTTT",
		    20); /* checked against the index, not computed */

	pir_buf_put(&idx, "\377tOc", 4);
	put32(&idx, 2);
	for (unsigned f = 0; f < 256; f++) {
		uint32_t count = 0;
		for (size_t i = 0; i < n; i++)
			count += v[i].id[0] <= f;
		put32(&idx, count);
	}
	for (size_t i = 0; i < n; i++)
		pir_buf_put(&idx, (const char *)v[i].id, 20);
	for (size_t i = 0; i < n; i++)
		put32(&idx, 0); /* CRCs */
	for (size_t i = 0; i < n; i++)
		put32(&idx, offs[i]);
	pir_buf_put(&idx, "TTTTTTTTTTTTTTTTTTTT", 20);
	pir_buf_put(&idx, "IIIIIIIIIIIIIIIIIIII", 20);

	path = pir_sprintf("%s/pack-t.pack", dir);
	ok = path && test_write_file(path, (const unsigned char *)pack.ptr, pack.size);
	free(path);
	path = pir_sprintf("%s/pack-t.idx", dir);
	ok = ok && path && test_write_file(path, (const unsigned char *)idx.ptr, idx.size);
	free(path);
	pir_buf_dispose(&pack);
	pir_buf_dispose(&idx);
	return ok;
}

/* A REF_DELTA whose base is itself: refused as a cycle (2), quickly, never looped on. */
static void test_delta_cycle(void)
{
	char dir[] = "/tmp/pirscan-hand.XXXXXX";
	const unsigned char delta[] = {5, 5, 5, 'h', 'e', 'l', 'l', 'o'};
	hand_entry e = {{0x11}, 7, {0x11}, delta, sizeof(delta)};
	pir_packset *ps = NULL;
	pir_pack_cursor *c = NULL;
	pir_pack_object po;

	CHECK(mkdtemp(dir) != NULL);
	memset(e.id, 0x11, 20);
	memset(e.ref, 0x11, 20);
	CHECK(hand_pack(dir, 2, &e, 1));
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 1);
	CHECK_INT(pir_pack_cursor_new(&c, ps, 1 << 20), 0);
	CHECK_INT(pir_pack_read(c, pir_packset_find(ps, e.id), SIZE_MAX, &po), 2);
	pir_pack_cursor_free(c);
	pir_packset_free(ps);
	remove_pack(dir, "pack-t");
}

/* A delta of more than a megabyte: the size limit reads its first bytes only. */
static void test_big_delta(void)
{
	char dir[] = "/tmp/pirscan-hand.XXXXXX";
	const size_t want = (size_t)3 << 19; /* 1.5 MiB, inserted 127 bytes at a time */
	unsigned char four[] = "base";
	unsigned char *delta = malloc(want + want / 127 + 32), *expect = malloc(want);
	size_t dl = 0;
	hand_entry v[2];
	pir_packset *ps = NULL;
	pir_pack_cursor *c = NULL;
	pir_pack_object po;

	CHECK(mkdtemp(dir) != NULL);
	if (!delta || !expect)
		goto done;
	delta[dl++] = 4;
	for (size_t n = want;; n >>= 7) { /* the result size, 7 bits at a time */
		delta[dl++] = (unsigned char)((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
		if (n <= 0x7f)
			break;
	}
	for (size_t done = 0; done < want;) {
		size_t k = want - done < 127 ? want - done : 127;
		delta[dl++] = (unsigned char)k;
		for (size_t i = 0; i < k; i++)
			delta[dl++] = expect[done + i] = (unsigned char)('a' + (done + i) * 7 % 26);
		done += k;
	}
	memset(v, 0, sizeof(v));
	memset(v[0].id, 0x22, 20);
	v[0].type = 3;
	v[0].data = four;
	v[0].len = 4;
	memset(v[1].id, 0x33, 20);
	v[1].type = 6;
	v[1].data = delta;
	v[1].len = dl;
	CHECK(dl > ((size_t)1 << 20));
	CHECK(hand_pack(dir, 2, v, 2));
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 1);
	CHECK_INT(pir_pack_cursor_new(&c, ps, 1 << 20), 0);
	CHECK_INT(pir_pack_read(c, pir_packset_find(ps, v[1].id), 100, &po), 1);
	CHECK(po.data == NULL);
	CHECK_INT(po.size, want);
	CHECK_INT(pir_pack_read(c, pir_packset_find(ps, v[1].id), SIZE_MAX, &po), 1);
	CHECK(po.data && po.size == want && po.type == PIR_OBJ_BLOB &&
	      !memcmp(po.data, expect, want));
	pir_pack_cursor_free(c);
	pir_packset_free(ps);

	/* the same pack as version 3 is libgit2's (which does not read it either) */
	CHECK(hand_pack(dir, 3, v, 2));
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 0);
	pir_packset_free(ps);
done:
	remove_pack(dir, "pack-t");
	free(delta);
	free(expect);
}

/* A FIFO where the pack should be is passed over, not waited on. */
static void test_fifo_pack(void)
{
	char dir[] = "/tmp/pirscan-hand.XXXXXX";
	unsigned char blob[] = "x";
	hand_entry e = {{0x44}, 3, {0}, blob, 1};
	char *pack;
	pir_packset *ps = NULL;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(hand_pack(dir, 2, &e, 1));
	pack = pir_sprintf("%s/pack-t.pack", dir);
	CHECK(pack && unlink(pack) == 0 && mkfifo(pack, 0600) == 0);
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 0);
	pir_packset_free(ps);
	free(pack);
	remove_pack(dir, "pack-t");
}

/* Write dir/pack-NAME.{pack,idx}: one blob, id {id}, holding `text`. */
static bool named_pack(const char *dir, const char *name, unsigned char id, const char *text)
{
	hand_entry e = {{id}, 3, {0}, (const unsigned char *)text, strlen(text)};
	char *from = pir_sprintf("%s/pack-t.pack", dir), *to = pir_sprintf("%s/%s.pack", dir, name);
	char *ifrom = pir_sprintf("%s/pack-t.idx", dir), *ito = pir_sprintf("%s/%s.idx", dir, name);
	bool ok = from && to && ifrom && ito && hand_pack(dir, 2, &e, 1) && rename(from, to) == 0 &&
		  rename(ifrom, ito) == 0;

	free(from);
	free(to);
	free(ifrom);
	free(ito);
	return ok;
}

/*
 * More packs than may be mapped at once: each read maps its pack again if
 * need be, the least recently used goes, and every read still agrees; a
 * pack replaced since it was opened is left to libgit2, not misread.
 */
static void test_map_limit(void)
{
	char dir[] = "/tmp/pirscan-lru.XXXXXX", name[32], text[32];
	pir_packset *ps = NULL;
	pir_pack_cursor *c = NULL;
	pir_pack_object po;
	unsigned char id[20] = {0};

	CHECK(mkdtemp(dir) != NULL);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "pack-%d", i);
		snprintf(text, sizeof(text), "blob number %d", i);
		CHECK(named_pack(dir, name, (unsigned char)(i + 1), text));
	}
	CHECK_INT(pir_packset_open(&ps, dir, 2), 0);
	CHECK_INT(pir_packset_count(ps), 5);
	CHECK_INT(pir_packset_bad_count(ps), 0);
	CHECK(pir_packset_mapped(ps) <= 2);
	CHECK_INT(pir_pack_cursor_new(&c, ps, 0), 0);
	for (int round = 0; c && round < 3; round++) {
		for (int k = 0; k < 5; k++) {
			int i = round == 1 ? 4 - k : (k * 3) % 5;
			id[0] = (unsigned char)(i + 1);
			snprintf(text, sizeof(text), "blob number %d", i);
			CHECK_INT(pir_pack_read(c, pir_packset_find(ps, id), SIZE_MAX, &po), 1);
			CHECK(po.data && po.size == strlen(text) &&
			      !memcmp(po.data, text, po.size));
			CHECK(pir_packset_mapped(ps) <= 2);
		}
	}
	/* pack-0 replaced by another of another size: refused once it has to be mapped again */
	CHECK(named_pack(dir, "pack-0", 1, "a longer blob, not the one indexed"));
	for (int i = 1; i < 5; i++) {
		id[0] = (unsigned char)(i + 1);
		CHECK_INT(pir_pack_read(c, pir_packset_find(ps, id), SIZE_MAX, &po), 1);
	}
	id[0] = 1;
	CHECK_INT(pir_pack_read(c, pir_packset_find(ps, id), SIZE_MAX, &po), 0);
	pir_pack_cursor_free(c);
	pir_packset_free(ps);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "pack-%d", i);
		remove_pack(dir, name);
	}
}

/* Packs that cannot be read are named, with why; an index without its pack is not. */
static void test_bad_packs(void)
{
	char dir[] = "/tmp/pirscan-bad.XXXXXX";
	char *p = NULL;
	pir_packset *ps = NULL;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(named_pack(dir, "pack-a", 1, "readable"));
	CHECK(named_pack(dir, "pack-b", 2, "truncated"));
	CHECK(named_pack(dir, "pack-c", 3, "gone"));
	CHECK((p = pir_sprintf("%s/pack-b.pack", dir)) && truncate(p, 20) == 0);
	free(p);
	CHECK((p = pir_sprintf("%s/pack-c.pack", dir)) && unlink(p) == 0);
	free(p);
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(pir_packset_count(ps), 1);
	CHECK_INT(pir_packset_bad_count(ps), 1);
	CHECK(pir_packset_bad(ps, 0) && strstr(pir_packset_bad(ps, 0), "pack-b.pack: damaged"));
	CHECK(pir_packset_bad(ps, 1) == NULL);
	pir_packset_free(ps);
	remove_pack(dir, "pack-a");
	remove_pack(dir, "pack-b");
	remove_pack(dir, "pack-c");
}

/* ---- finding ids in a large index ---- */

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, GIT_OID_RAWSZ);
}

static void be32_at(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/*
 * Every id of a 120,000-object index is found at its offset and no id
 * beside them is (the fixtures' packs hold a few ids a fanout bucket, git.git's
 * 3,300): uniform ids, as git's are, and clusters that share their first
 * 10 bytes, one filling a whole bucket, so that the 8-byte compare ties.
 */
static void test_find_many(void)
{
	enum { N = 120000, CLUSTER = 1000 };
	unsigned char *ids = malloc((size_t)N * GIT_OID_RAWSZ), *idx, *pk;
	size_t n = 0, idx_len, pk_len, misses = 0;
	uint64_t seed = 42;
	pir_packset *ps = NULL;

	CHECK(ids != NULL);
	if (!ids)
		return;
	for (size_t i = 0; i < N; i++) {
		unsigned char *id = ids + i * GIT_OID_RAWSZ;
		for (int b = 0; b < GIT_OID_RAWSZ; b += 4) {
			uint64_t r = test_rand(&seed);
			memcpy(id + b, &r, 4);
		}
		if (i >= N / 2 && i % CLUSTER) /* clusters: the prefix of the first of each */
			memcpy(id, ids + (i - i % CLUSTER) * GIT_OID_RAWSZ, 10);
		if (i >= N - 3 * CLUSTER) /* a bucket of one cluster alone */
			memset(id, 0xfe, 10);
	}
	qsort(ids, N, GIT_OID_RAWSZ, cmp_id);
	for (size_t i = 0; i < N; i++) /* no duplicates */
		if (!n ||
		    memcmp(ids + (n - 1) * GIT_OID_RAWSZ, ids + i * GIT_OID_RAWSZ, GIT_OID_RAWSZ))
			memmove(ids + n++ * GIT_OID_RAWSZ, ids + i * GIT_OID_RAWSZ, GIT_OID_RAWSZ);
	idx_len = 8 + 256 * 4 + n * (GIT_OID_RAWSZ + 8) + 2 * GIT_OID_RAWSZ;
	pk_len = 12 + n + GIT_OID_RAWSZ;
	idx = calloc(1, idx_len);
	pk = calloc(1, pk_len);
	CHECK(idx && pk);
	if (!idx || !pk)
		goto done;
	memcpy(idx, "\377tOc", 4);
	be32_at(idx + 4, 2);
	for (int b = 0, k = 0; b < 256; b++) {
		while ((size_t)k < n && ids[(size_t)k * GIT_OID_RAWSZ] <= b)
			k++;
		be32_at(idx + 8 + b * 4, (uint32_t)k);
	}
	memcpy(idx + 8 + 256 * 4, ids, n * GIT_OID_RAWSZ);
	for (size_t i = 0; i < n; i++)
		be32_at(idx + 8 + 256 * 4 + n * (GIT_OID_RAWSZ + 4) + i * 4, (uint32_t)(12 + i));
	memcpy(pk, "PACK", 4);
	be32_at(pk + 4, 2);
	be32_at(pk + 8, (uint32_t)n);
	CHECK_INT(pir_packset_from_buffers(&ps, idx, idx_len, pk, pk_len), 0);
	CHECK_INT(pir_packset_count(ps), 1);
	for (size_t i = 0; ps && i < n; i++) {
		unsigned char id[GIT_OID_RAWSZ];

		if (pir_packset_find(ps, ids + i * GIT_OID_RAWSZ) != 12 + i)
			misses++;
		/* one beside it, above and below, in no index */
		memcpy(id, ids + i * GIT_OID_RAWSZ, GIT_OID_RAWSZ);
		for (int d = -1; d <= 1; d += 2) {
			id[GIT_OID_RAWSZ - 1] =
			    (unsigned char)(ids[i * GIT_OID_RAWSZ + GIT_OID_RAWSZ - 1] + d);
			if (!bsearch(id, ids, n, GIT_OID_RAWSZ, cmp_id) &&
			    pir_packset_find(ps, id) != PIR_PACK_NOPOS)
				misses++;
		}
	}
	CHECK(n > N - 100);
	CHECK_INT(misses, 0);
done:
	pir_packset_free(ps);
	free(ids);
	free(idx);
	free(pk);
}

int main(void)
{
	git_libgit2_init();
	RUN(test_delta_ok);
	RUN(test_delta_bad);
	RUN(test_packs_agree_with_libgit2);
	RUN(test_size_limit);
	RUN(test_damaged_pack);
	RUN(test_delta_cycle);
	RUN(test_big_delta);
	RUN(test_fifo_pack);
	RUN(test_map_limit);
	RUN(test_bad_packs);
	RUN(test_find_many);
	git_libgit2_shutdown();
	return test_summary();
}
