/* SPDX-License-Identifier: MIT */
/*
 * Pack files, read directly (see pack.h for why).
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
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "alloc.h"
#include "pack.h"
#include "pirscan/common.h"

#define ID_LEN 20
#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7
/* git's own limit on delta chains is 4095; a longer one is a damaged pack. */
#define MAX_CHAIN 10000
/* Largest object or delta this reader inflates; larger ones go to libgit2. */
#define MAX_OBJECT ((size_t)1 << 30)
#define CACHE_SLOTS 4096u
/*
 * Packs read here at most (the pack number is 16 bits of a position, and
 * each index stays mapped); libgit2 reads the others. No file stays open:
 * a map holds no descriptor.
 */
#define MAX_PACKS 1024
/* Pack data mapped at once, whatever the number of packs: the least recently used goes. */
#define MAX_MAPPED 64
/* A delta this large has its result size read from its first bytes alone. */
#define PEEK_OVER ((size_t)1 << 20)
#define NIL UINT32_MAX

typedef struct {
	const unsigned char *idx, *ids, *off32, *off64, *off64_end;
	size_t idx_len;
	uint32_t n;
	const unsigned char *data; /* the .pack file; NULL while not mapped (ps->lock) */
	size_t len;		   /* up to its trailing checksum */
	size_t map_len;
	atomic_size_t released; /* bytes from the start given back to the kernel */
	char *path;		/* the .pack file, to map it again */
	unsigned pins;		/* reads under way (ps->lock) */
	uint64_t used;		/* when last pinned: the LRU order (ps->lock) */
} pack;

struct pir_packset {
	pack *v;
	size_t n, cap;
	bool borrowed; /* the caller's buffers: neither mapped nor released here */
	char **bad;    /* "pack-X.pack: why" for each pack that cannot be read */
	size_t nbad, bad_cap;
	char **beyond; /* the indexes of the packs beyond MAX_PACKS, libgit2's alone */
	size_t nbeyond, beyond_cap;
	pthread_mutex_t lock; /* the data maps, their pins and the LRU */
	size_t mapped, max_mapped;
	uint64_t tick;
};

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
	atomic_init(&pk->released, 0);
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

static void release_to(pack *pk, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), from = atomic_load(&pk->released);

	upto = upto > pk->map_len ? pk->map_len : upto;
	upto -= upto % page; /* the map starts on a page */
	if (upto > from && atomic_compare_exchange_strong(&pk->released, &from, upto))
		(void)madvise((void *)(pk->data + from), upto - from, MADV_DONTNEED);
}

void pir_packset_release_below(pir_packset *ps, uint64_t pos, size_t margin)
{
	size_t p = pos == PIR_PACK_NOPOS ? ps->n : (size_t)(pos >> 48);
	uint64_t off = pos & 0xffffffffffffu;

	if (ps->borrowed)
		return;
	pthread_mutex_lock(&ps->lock);
	for (size_t i = 0; i < p && i < ps->n; i++)
		if (ps->v[i].data)
			release_to(&ps->v[i], ps->v[i].map_len);
	if (p < ps->n && off > margin && ps->v[p].data)
		release_to(&ps->v[p], (size_t)(off - margin));
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
	atomic_store(&pk->released, 0);
	ps->mapped++;
	return true;
}

/* Keep pack p's data mapped (mapping it again if need be) until unpin; false when it cannot be. */
static bool pin(pir_packset *ps, size_t p)
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

static void unpin(pir_packset *ps, size_t p)
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

/* Binary search of one id in one index, narrowed by the fanout table. */
static uint64_t pack_find(const pack *pk, const unsigned char *id)
{
	const unsigned char *fan = pk->idx + 8;
	uint32_t lo = id[0] ? be32(fan + (id[0] - 1) * 4) : 0;
	uint32_t hi = be32(fan + id[0] * 4);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(pk->ids + (size_t)mid * ID_LEN, id, ID_LEN);
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
		uint64_t off = pack_find(&ps->v[p], id);
		if (off != PIR_PACK_NOPOS)
			return (uint64_t)p << 48 | off;
	}
	return PIR_PACK_NOPOS;
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

/* The result size a delta announces, or false when it has no readable header. */
static bool delta_result_size(const unsigned char *delta, size_t len, size_t *out)
{
	const unsigned char *p = delta, *end = delta + len;
	size_t src;
	return delta_varint(&p, end, &src) && delta_varint(&p, end, out);
}

int pir_delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta,
		    size_t delta_len, unsigned char **out, size_t *out_len)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	unsigned char *buf, *q, *qend;
	size_t src, dst;

	*out = NULL;
	*out_len = 0;
	if (!delta_varint(&p, end, &src) || src != base_len || !delta_varint(&p, end, &dst) ||
	    dst > MAX_OBJECT)
		return 1;
	/* each instruction takes a byte at least and gives at most 127 bytes or the base */
	if (dst / (base_len > 127 ? base_len : 127) >= delta_len)
		return 1;
	if (!(buf = pir_malloc(dst + 1)))
		return PIR_ENOMEM;
	q = buf;
	qend = buf + dst;
	while (p < end) {
		unsigned char op = *p++;

		if (op & 0x80) { /* copy from the base */
			size_t off = 0, n = 0;
			for (unsigned i = 0; i < 4; i++)
				if (op & (1u << i)) {
					if (p >= end)
						goto bad;
					off |= (size_t)*p++ << (8 * i);
				}
			for (unsigned i = 0; i < 3; i++)
				if (op & (0x10u << i)) {
					if (p >= end)
						goto bad;
					n |= (size_t)*p++ << (8 * i);
				}
			if (!n)
				n = 0x10000;
			if (off > base_len || n > base_len - off || n > (size_t)(qend - q))
				goto bad;
			memcpy(q, base + off, n);
			q += n;
		} else if (op) { /* insert the next op bytes */
			if (op > (size_t)(end - p) || op > (size_t)(qend - q))
				goto bad;
			memcpy(q, p, op);
			p += op;
			q += op;
		} else { /* reserved */
			goto bad;
		}
	}
	if (q != qend)
		goto bad;
	*q = '\0';
	*out = buf;
	*out_len = dst;
	return 0;
bad:
	free(buf);
	return 1;
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
	free(c->top);
	c->top = NULL;
}

void pir_pack_cursor_free(pir_pack_cursor *c)
{
	if (!c)
		return;
	if (c->slots)
		for (uint32_t i = 0; i < CACHE_SLOTS; i++)
			free(c->slots[i].data);
	chain_clear(c);
	free(c->chain);
	free(c->slots);
	free(c->result);
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
	free(e->data);
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
		if ((size_t)(end - p) < ID_LEN || (e->base = pack_find(pk, p)) == PIR_PACK_NOPOS)
			return false; /* a base in another pack: libgit2's job */
		p += ID_LEN;
	} else if (e->type < PIR_OBJ_COMMIT || e->type > PIR_OBJ_TAG) {
		return false;
	}
	e->data = (size_t)(p - pk->data);
	/* DEFLATE expands at most ~1032:1; a larger claim is a damaged header */
	return e->size <= MAX_OBJECT && e->size / 1032 <= pk->len - e->data;
}

/*
 * Inflate an entry's stream into a new buffer of exactly `size` bytes (plus
 * a NUL). 1 when the stream is damaged or the size it claims cannot be
 * allocated: the object is then libgit2's to read, or to report.
 */
static int inflate_entry(pir_pack_cursor *c, const pack *pk, const entry *e, unsigned char **out)
{
	unsigned char *buf = malloc((size_t)e->size + 1);

	*out = NULL;
	if (!buf)
		return 1;
	if (libdeflate_zlib_decompress(c->inflater, pk->data + e->data, pk->len - e->data, buf,
				       (size_t)e->size, NULL) != LIBDEFLATE_SUCCESS) {
		free(buf);
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
		rc = pir_delta_apply(h->data, h->len, delta, (size_t)l->e.size, &buf, &len);
		if (delta != c->top)
			free(delta);
		free(h->owned);
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
		free(h.owned);
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

int pir_pack_read(pir_pack_cursor *c, uint64_t pos, size_t max_size, pir_pack_object *obj)
{
	size_t p = (size_t)(pos >> 48);
	int rc;

	free(c->result);
	c->result = NULL;
	chain_clear(c);
	memset(obj, 0, sizeof(*obj));
	if (pos == PIR_PACK_NOPOS || p >= c->ps->n || !pin(c->ps, p))
		return 0;
	rc = pack_read(c, &c->ps->v[p], pos, max_size, obj);
	unpin(c->ps, p);
	return rc;
}
