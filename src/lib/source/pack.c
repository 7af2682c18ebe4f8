/* SPDX-License-Identifier: MIT */
/*
 * Pack files, read directly (see pack.h for why): the indexes, the lookups
 * of ids and positions, and the maps of the packs' data. Reading an entry,
 * its delta chain and the cursor's cache are in pack_read.c.
 *
 * Formats (git's Documentation/gitformat-pack.txt):
 *   *.idx v2: "\377tOc", version 2, 256-entry fanout, n sorted 20-byte ids,
 *             n CRCs, n 31-bit offsets (high bit: index into the 64-bit
 *             table), 64-bit offsets, pack checksum, index checksum.
 *   *.pack:   "PACK", version 2, object count, entries, checksum. (Version
 *             3 is the same format, but libgit2 1.5 reads neither its
 *             trees nor its commits, so its blobs are left to libgit2 too.)
 *   An entry: a type-and-size header, for OFS_DELTA the distance back to
 *   its base, for REF_DELTA the base's id, then a zlib stream.
 *   A delta:  source size, result size, then copy and insert instructions.
 * Every length and offset read from the files is checked before it is
 * used; damaged data is never an error here, only a reason to let libgit2
 * read the object (and report it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "pack_int.h"
#include "pirscan/common.h"

/*
 * Packs read here at most (the pack number is 16 bits of a position, and
 * each index stays mapped); libgit2 reads the others. No file stays open:
 * a map holds no descriptor.
 */
#define MAX_PACKS 1024
/* Pack data mapped at once, whatever the number of packs: the least recently used goes. */
#define MAX_MAPPED 64

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Map a whole file and close it (a map holds no descriptor); NULL with *err an errno value. */
static const unsigned char *map_file(const char *path, size_t *len, int *err)
{
	/* O_NONBLOCK: a FIFO in place of a pack must not hang the scan */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	void *map = MAP_FAILED;

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		*err = errno;
	} else if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX) {
		*err = S_ISREG(st.st_mode) ? EINVAL : EISDIR;
	} else {
		*len = (size_t)st.st_size;
		if ((map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
			*err = errno;
	}
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

/* What pack_check found: a pack to read, one for libgit2 alone, or a damaged one. */
enum { PACK_SOUND, PACK_OTHER_VERSION, PACK_DAMAGED };

/* Are pk's index and pack (idx, idx_len, data, map_len) sound, and do they agree? Fills the rest.
 */
static int pack_check(pack *pk)
{
	const unsigned char *fan = pk->idx + 8;
	size_t rest;

	/* a version 1 index has no magic; libgit2 reads it */
	if (pk->idx_len >= 8 && (memcmp(pk->idx, "\377tOc", 4) || be32(pk->idx + 4) != 2))
		return PACK_OTHER_VERSION;
	if (pk->idx_len < 8 + 256 * 4 + 2 * ID_LEN)
		return PACK_DAMAGED;
	for (int i = 1; i < 256; i++)
		if (be32(fan + (i - 1) * 4) > be32(fan + i * 4))
			return PACK_DAMAGED;
	pk->n = be32(fan + 255 * 4);
	rest = pk->idx_len - 8 - 256 * 4 - 2 * ID_LEN;
	if (pk->n > rest / 28)
		return PACK_DAMAGED;
	pk->ids = fan + 256 * 4;
	pk->off32 = pk->ids + (size_t)pk->n * (ID_LEN + 4);
	pk->off64 = pk->off32 + (size_t)pk->n * 4;
	pk->off64_end = pk->idx + pk->idx_len - 2 * ID_LEN;
	if (pk->map_len >= 12 && !memcmp(pk->data, "PACK", 4) && be32(pk->data + 4) == 3)
		return PACK_OTHER_VERSION;
	/* the pack this index describes: same count, same checksum */
	if (pk->map_len < 12 + ID_LEN || memcmp(pk->data, "PACK", 4) || be32(pk->data + 4) != 2 ||
	    be32(pk->data + 8) != pk->n ||
	    memcmp(pk->data + pk->map_len - ID_LEN, pk->off64_end, ID_LEN))
		return PACK_DAMAGED;
	pk->len = pk->map_len - ID_LEN;
	return PACK_SOUND;
}

/* Note that a pack cannot be read, and why: libgit2 cannot read it either. */
static int add_bad(pir_packset *ps, const char *path, const char *why)
{
	const char *base = strrchr(path, '/');
	char *msg;

	if (pir_grow((void **)&ps->bad, &ps->bad_cap, ps->nbad + 1, sizeof(*ps->bad)) < 0 ||
	    !(msg = pir_sprintf("%s: %s", base ? base + 1 : path, why)))
		return PIR_ENOMEM;
	ps->bad[ps->nbad++] = msg;
	return 0;
}

/*
 * Map one index and its pack. 1 when both are sound and agree; 0 (nothing
 * mapped) when not, with a pack that cannot be opened or is damaged noted
 * in ps->bad (a missing one is not: git ignores an index without its pack);
 * PIR_ENOMEM.
 */
static int pack_open(pir_packset *ps, pack *pk, const char *idx_path, const char *pack_path)
{
	int err = 0, rc = PACK_DAMAGED;
	const char *failed = idx_path;

	memset(pk, 0, sizeof(*pk));
	if ((pk->idx = map_file(idx_path, &pk->idx_len, &err)) &&
	    (failed = pack_path, pk->data = map_file(pack_path, &pk->map_len, &err)) &&
	    (rc = pack_check(pk)) == PACK_SOUND) {
		if (!(pk->path = pir_strdup(pack_path))) {
			munmap((void *)pk->data, pk->map_len);
			munmap((void *)pk->idx, pk->idx_len);
			return PIR_ENOMEM;
		}
		if (ps->mapped < ps->max_mapped) {
			ps->mapped++;
		} else { /* mapped again when read */
			munmap((void *)pk->data, pk->map_len);
			pk->data = NULL;
		}
		return 1;
	}
	if (pk->data)
		munmap((void *)pk->data, pk->map_len);
	if (pk->idx)
		munmap((void *)pk->idx, pk->idx_len);
	memset(pk, 0, sizeof(*pk));
	if (err == ENOENT || (!err && rc == PACK_OTHER_VERSION))
		return 0;
	return add_bad(ps, err ? failed : pack_path,
		       err ? strerror(err) : "damaged (it does not match its index)");
}

/*
 * A pack beyond those mapped, read by libgit2 alone: can both its files be
 * opened, and does the pack end with the checksum its index names? 0 or
 * PIR_ENOMEM; a pack that fails is noted in ps->bad.
 */
static int pack_probe(pir_packset *ps, const char *idx_path, const char *pack_path)
{
	unsigned char a[ID_LEN], b[ID_LEN];
	int fi = open(idx_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), fp = -1, err = 0;
	const char *failed = idx_path;
	struct stat si, sp;

	if (fi >= 0) {
		failed = pack_path;
		fp = open(pack_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	}
	if (fi < 0 || fp < 0)
		err = errno;
	if (!err && (fstat(fi, &si) < 0 || fstat(fp, &sp) < 0))
		err = errno;
	if (!err && (si.st_size < 2 * ID_LEN || sp.st_size < 12 + ID_LEN ||
		     pread(fi, a, ID_LEN, si.st_size - 2 * ID_LEN) != ID_LEN ||
		     pread(fp, b, ID_LEN, sp.st_size - ID_LEN) != ID_LEN || memcmp(a, b, ID_LEN)))
		err = -1;
	if (fi >= 0)
		close(fi);
	if (fp >= 0)
		close(fp);
	if (err == ENOENT)
		return 0;
	if (!err) {
		char *copy;
		if (pir_grow((void **)&ps->beyond, &ps->beyond_cap, ps->nbeyond + 1,
			     sizeof(*ps->beyond)) < 0 ||
		    !(copy = pir_strdup(idx_path)))
			return PIR_ENOMEM;
		ps->beyond[ps->nbeyond++] = copy;
		return 0;
	}
	return add_bad(ps, err > 0 ? failed : pack_path,
		       err > 0 ? strerror(err) : "damaged (it does not match its index)");
}

size_t pir_packset_bad_count(const pir_packset *ps)
{
	return ps ? ps->nbad : 0;
}

const char *pir_packset_bad(const pir_packset *ps, size_t i)
{
	return ps && i < ps->nbad ? ps->bad[i] : NULL;
}

int pir_packset_from_buffers(pir_packset **out, const unsigned char *idx, size_t idx_len,
			     const unsigned char *pack_data, size_t pack_len)
{
	pir_packset *ps;

	if (!(*out = ps = pir_calloc(1, sizeof(*ps))) || !(ps->v = pir_calloc(1, sizeof(*ps->v)))) {
		free(ps);
		*out = NULL;
		return PIR_ENOMEM;
	}
	ps->cap = 1;
	ps->borrowed = true;
	pthread_mutex_init(&ps->lock, NULL);
	ps->v[0].idx = idx;
	ps->v[0].idx_len = idx_len;
	ps->v[0].data = pack_data;
	ps->v[0].map_len = pack_len;
	if (pack_check(&ps->v[0]) == PACK_SOUND)
		ps->n = 1;
	return 0;
}

typedef struct {
	char *idx, *pack;
	int64_t mtime;
} pack_name;

/* libgit2's order, which decides the copy read when packs share an object: newest first. */
static int cmp_pack_name(const void *a, const void *b)
{
	const pack_name *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->idx, y->idx);
}

int pir_packset_open(pir_packset **out, const char *pack_dir, size_t max_mapped)
{
	pir_packset *ps;
	pack_name *names = NULL;
	size_t nnames = 0, cap = 0;
	DIR *dir;
	struct dirent *de;
	int err = 0;

	if (!(*out = ps = pir_calloc(1, sizeof(*ps))))
		return PIR_ENOMEM;
	pthread_mutex_init(&ps->lock, NULL);
	ps->max_mapped = max_mapped ? max_mapped : MAX_MAPPED;
	if (!(dir = opendir(pack_dir))) {
		if (errno == ENOENT || errno == ENOTDIR ||
		    add_bad(ps, "objects/pack", strerror(errno)) == 0)
			return 0;
		pir_packset_free(ps);
		*out = NULL;
		return PIR_ENOMEM;
	}
	while (!err && (de = readdir(dir))) {
		size_t nl = strlen(de->d_name);
		struct stat st;
		pack_name *pn;

		if (nl < 5 || strcmp(de->d_name + nl - 4, ".idx"))
			continue;
		if (pir_grow((void **)&names, &cap, nnames + 1, sizeof(*names)) < 0) {
			err = PIR_ENOMEM;
			break;
		}
		pn = &names[nnames++];
		pn->idx = pir_sprintf("%s/%s", pack_dir, de->d_name);
		pn->pack = pir_sprintf("%s/%.*s.pack", pack_dir, (int)(nl - 4), de->d_name);
		if (!pn->idx || !pn->pack) {
			err = PIR_ENOMEM;
			break;
		}
		pn->mtime = stat(pn->pack, &st) == 0 ? (int64_t)st.st_mtime : 0;
	}
	closedir(dir);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_pack_name);
	/* each pack is two maps; beyond MAX_PACKS, libgit2 reads the oldest */
	for (size_t i = 0; !err && i < nnames; i++) {
		int rc;
		if (ps->n >= MAX_PACKS)
			err = pack_probe(ps, names[i].idx, names[i].pack);
		else if (pir_grow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof(*ps->v)) < 0)
			err = PIR_ENOMEM;
		else if ((rc = pack_open(ps, &ps->v[ps->n], names[i].idx, names[i].pack)) < 0)
			err = rc;
		else
			ps->n += (size_t)rc;
	}
	for (size_t i = 0; i < nnames; i++) {
		free(names[i].idx);
		free(names[i].pack);
	}
	free(names);
	if (err) {
		pir_packset_free(ps);
		*out = NULL;
	}
	return err;
}

void pir_packset_free(pir_packset *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n && !ps->borrowed; i++) {
		if (ps->v[i].data)
			munmap((void *)ps->v[i].data, ps->v[i].map_len);
		munmap((void *)ps->v[i].idx, ps->v[i].idx_len);
		free(ps->v[i].path);
	}
	pthread_mutex_destroy(&ps->lock);
	for (size_t i = 0; i < ps->nbad; i++)
		free(ps->bad[i]);
	free(ps->bad);
	for (size_t i = 0; i < ps->nbeyond; i++)
		free(ps->beyond[i]);
	free(ps->beyond);
	free(ps->v);
	free(ps);
}

/*
 * Give back the pages below `upto`, all of them each time: a delta's base
 * far behind is paged in again after the front has passed it.
 */
static void release_to(pack *pk, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	upto = upto > pk->map_len ? pk->map_len : upto;
	upto -= upto % page; /* the map starts on a page */
	if (upto)
		(void)madvise((void *)pk->data, upto, MADV_DONTNEED);
}

/* The indexes' pages too: a lookup reads a few of them again, a pass over all of them many. */
static void release_indexes(pir_packset *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].idx)
			(void)madvise((void *)ps->v[i].idx, ps->v[i].idx_len, MADV_DONTNEED);
}

void pir_packset_release_below(pir_packset *ps, uint64_t pos, size_t margin)
{
	size_t p = pos == PIR_PACK_NOPOS ? ps->n : (size_t)(pos >> 48);
	uint64_t off = pos & 0xffffffffffffu;

	if (ps->borrowed)
		return;
	pthread_mutex_lock(&ps->lock);
	release_indexes(ps);
	for (size_t i = 0; i < p && i < ps->n; i++)
		if (ps->v[i].data)
			release_to(&ps->v[i], ps->v[i].map_len);
	if (p < ps->n && off > margin && ps->v[p].data)
		release_to(&ps->v[p], (size_t)(off - margin));
	pthread_mutex_unlock(&ps->lock);
}

void pir_packset_release_all(pir_packset *ps)
{
	if (ps->borrowed)
		return;
	pthread_mutex_lock(&ps->lock);
	release_indexes(ps);
	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->v[i].data)
			continue;
		(void)madvise((void *)ps->v[i].data, ps->v[i].map_len, MADV_DONTNEED);
	}
	pthread_mutex_unlock(&ps->lock);
}

/* Unmap the least recently used pack that no read is using; false when every one is. */
static bool evict_pack(pir_packset *ps)
{
	pack *lru = NULL;

	for (size_t i = 0; i < ps->n; i++) {
		pack *pk = &ps->v[i];
		if (pk->data && !pk->pins && (!lru || pk->used < lru->used))
			lru = pk;
	}
	if (!lru)
		return false;
	munmap((void *)lru->data, lru->map_len);
	lru->data = NULL;
	ps->mapped--;
	return true;
}

/* Map a pack's data again: the same file, the pack its index names. */
static bool remap(pir_packset *ps, pack *pk)
{
	size_t len = 0;
	int err;
	const unsigned char *data;

	while (ps->mapped >= ps->max_mapped && evict_pack(ps))
		;
	if (!(data = map_file(pk->path, &len, &err)))
		return false;
	if (len != pk->map_len || memcmp(data, "PACK", 4) || be32(data + 4) != 2 ||
	    be32(data + 8) != pk->n || memcmp(data + len - ID_LEN, pk->off64_end, ID_LEN)) {
		munmap((void *)data, len);
		return false; /* replaced since: libgit2 reads its objects */
	}
	pk->data = data;
	ps->mapped++;
	return true;
}

bool pir_packset_pin(pir_packset *ps, size_t p)
{
	pack *pk = &ps->v[p];
	bool ok = true;

	if (ps->borrowed)
		return true;
	pthread_mutex_lock(&ps->lock);
	if (!pk->data)
		ok = remap(ps, pk);
	if (ok) {
		pk->pins++;
		pk->used = ++ps->tick;
	}
	pthread_mutex_unlock(&ps->lock);
	return ok;
}

void pir_packset_unpin(pir_packset *ps, size_t p)
{
	if (ps->borrowed)
		return;
	pthread_mutex_lock(&ps->lock);
	ps->v[p].pins--;
	pthread_mutex_unlock(&ps->lock);
}

size_t pir_packset_mapped(pir_packset *ps)
{
	size_t n;

	pthread_mutex_lock(&ps->lock);
	n = ps->mapped;
	pthread_mutex_unlock(&ps->lock);
	return n;
}

size_t pir_packset_count(const pir_packset *ps)
{
	return ps->n;
}

uint32_t pir_packset_objects(const pir_packset *ps, size_t p)
{
	return ps->v[p].n;
}

const unsigned char *pir_packset_id(const pir_packset *ps, size_t p, uint32_t i)
{
	return ps->v[p].ids + (size_t)i * ID_LEN;
}

static uint64_t pack_offset(const pack *pk, uint32_t i)
{
	uint64_t off = be32(pk->off32 + (size_t)i * 4);

	if (off & 0x80000000u) {
		size_t k = (size_t)(off & 0x7fffffffu);
		if (k >= (size_t)(pk->off64_end - pk->off64) / 8)
			return PIR_PACK_NOPOS;
		off = (uint64_t)be32(pk->off64 + k * 8) << 32 | be32(pk->off64 + k * 8 + 4);
	}
	/* inside the pack, and within the 48 bits a position gives it */
	return off >= 12 && off < pk->len && !(off >> 48) ? off : PIR_PACK_NOPOS;
}

uint64_t pir_packset_pos(const pir_packset *ps, size_t p, uint32_t i)
{
	uint64_t off = pack_offset(&ps->v[p], i);
	return off == PIR_PACK_NOPOS ? PIR_PACK_NOPOS : (uint64_t)p << 48 | off;
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * A binary search of one index, narrowed by the fanout table. Ids are
 * compared by their first 8 bytes as a number first: a call to memcmp at
 * every step cost the tree walk more than the search itself.
 */
uint64_t pir_pack_find_id(const pack *pk, const unsigned char *id)
{
	const unsigned char *fan = pk->idx + 8;
	uint32_t lo = id[0] ? be32(fan + (id[0] - 1) * 4) : 0;
	uint32_t hi = be32(fan + id[0] * 4);
	uint64_t key = be64(id);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const unsigned char *at = pk->ids + (size_t)mid * ID_LEN;
		uint64_t k = be64(at);
		int c = k < key ? -1 : k > key ? 1 : memcmp(at + 8, id + 8, ID_LEN - 8);
		if (!c)
			return pack_offset(pk, mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return PIR_PACK_NOPOS;
}

/* Does the index at `path` list `id`? 1, 0, or -1 when it cannot be read now (errno). */
static int index_lists(const char *path, const unsigned char *id)
{
	pack pk;
	int err;

	memset(&pk, 0, sizeof(pk));
	if (!(pk.idx = map_file(path, &pk.idx_len, &err))) {
		errno = err;
		return -1;
	}
	/* only the fanout and the ids are read: pack_check's first half */
	if (pk.idx_len >= 8 + 256 * 4 + 2 * ID_LEN && !memcmp(pk.idx, "\377tOc", 4) &&
	    be32(pk.idx + 4) == 2) {
		pk.n = be32(pk.idx + 8 + 255 * 4);
		pk.ids = pk.idx + 8 + 256 * 4;
		err = pk.n <= (pk.idx_len - 8 - 256 * 4 - 2 * ID_LEN) / 28;
		for (int i = 1; err && i < 256; i++)
			err = be32(pk.idx + 8 + (i - 1) * 4) <= be32(pk.idx + 8 + i * 4);
		if (err) {
			uint32_t lo = id[0] ? be32(pk.idx + 8 + (id[0] - 1) * 4) : 0;
			uint32_t hi = be32(pk.idx + 8 + id[0] * 4);
			err = 0;
			while (lo < hi && !err) {
				uint32_t mid = lo + (hi - lo) / 2;
				int c = memcmp(pk.ids + (size_t)mid * ID_LEN, id, ID_LEN);
				if (!c)
					err = 1;
				else if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
	} else {
		err = 0;
	}
	munmap((void *)pk.idx, pk.idx_len);
	return err;
}

const char *pir_packset_find_beyond(const pir_packset *ps, const unsigned char *id, int *err)
{
	*err = 0;
	for (size_t i = 0; ps && i < ps->nbeyond; i++) {
		int rc = index_lists(ps->beyond[i], id);
		if (rc) {
			*err = rc < 0 ? errno : 0;
			return strrchr(ps->beyond[i], '/') ? strrchr(ps->beyond[i], '/') + 1
							   : ps->beyond[i];
		}
	}
	return NULL;
}

uint64_t pir_packset_find(const pir_packset *ps, const unsigned char *id)
{
	for (size_t p = 0; p < ps->n; p++) {
		uint64_t off = pir_pack_find_id(&ps->v[p], id);
		if (off != PIR_PACK_NOPOS)
			return (uint64_t)p << 48 | off;
	}
	return PIR_PACK_NOPOS;
}
