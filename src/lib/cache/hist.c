/* SPDX-License-Identifier: MIT */
/* The history cache's payload (history.h): built, encoded, decoded with every bound checked. */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "hist.h"
#include "pirscan/common.h"

static const char magic[8] = "PIRHIST";

/* Most of a record is object ids, which do not compress: a fast level does as well. */
#define HIST_LEVEL 1
/* A body over this many bytes is a damaged header (git.git's is about 10 MiB). */
#define HIST_MAX_BODY ((uint64_t)1 << 32)

void pir_hist_dispose(pir_hist *h)
{
	free(h->blob);
	free(h->flags);
	pir_strpool_dispose(&h->paths);
	free(h->commits);
	free(h->par);
	free(h->grp);
	free(h->ch);
	memset(h, 0, sizeof(*h));
}

int pir_hist_add_blob(pir_hist *h, const git_oid *oid, uint8_t flags)
{
	size_t cap = h->blobs_cap;

	if (pir_grow((void **)&h->blob, &cap, h->nblobs + 1, sizeof(*h->blob)) < 0 ||
	    pir_grow((void **)&h->flags, &h->blobs_cap, h->nblobs + 1, sizeof(*h->flags)) < 0)
		return PIR_ENOMEM;
	h->blob[h->nblobs] = *oid;
	h->flags[h->nblobs++] = flags;
	return 0;
}

int pir_hist_add_commit(pir_hist *h, const git_oid *oid, const git_oid *tree, int64_t time,
			uint32_t nparents, const git_oid *parents)
{
	pir_hist_commit *c;

	if (pir_grow((void **)&h->commits, &h->commits_cap, h->ncommits + 1, sizeof(*c)) < 0 ||
	    pir_grow((void **)&h->par, &h->par_cap, h->npar + nparents + 1, sizeof(*h->par)) < 0)
		return PIR_ENOMEM;
	c = &h->commits[h->ncommits++];
	c->oid = *oid;
	c->tree = *tree;
	c->time = time;
	c->nparents = nparents;
	c->parents = (uint32_t)h->npar;
	c->groups = (uint32_t)h->ngrp;
	if (nparents)
		memcpy(h->par + h->npar, parents, nparents * sizeof(*parents));
	h->npar += nparents;
	return 0;
}

int pir_hist_add_group(pir_hist *h)
{
	if (pir_grow((void **)&h->grp, &h->grp_cap, h->ngrp + 1, sizeof(*h->grp)) < 0)
		return PIR_ENOMEM;
	h->grp[h->ngrp++] = (uint32_t)h->nch;
	return 0;
}

int pir_hist_end_commit(pir_hist *h)
{
	return pir_hist_add_group(h);
}

int pir_hist_add_change(pir_hist *h, const char *path, uint32_t old_blob, uint32_t new_blob)
{
	uint32_t p;

	if (pir_grow((void **)&h->ch, &h->ch_cap, h->nch + 1, sizeof(*h->ch)) < 0 ||
	    pir_strpool_intern(&h->paths, path, strlen(path), &p) < 0)
		return PIR_ENOMEM;
	h->ch[h->nch++] = (pir_hist_change){p, old_blob, new_blob};
	return 0;
}

void pir_hist_group(const pir_hist *h, size_t c, uint32_t g, uint32_t *start, uint32_t *end)
{
	const uint32_t *v = h->grp + h->commits[c].groups;

	*start = v[g];
	*end = v[g + 1];
}

/* ---- encoding ---- */

static int put32(pir_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	return pir_buf_put(b, (const char *)x, 4);
}

static int put64(pir_buf *b, uint64_t v)
{
	return put32(b, (uint32_t)v) < 0 ? PIR_ENOMEM : put32(b, (uint32_t)(v >> 32));
}

static int put_oid(pir_buf *b, const git_oid *oid)
{
	return pir_buf_put(b, (const char *)oid->id, GIT_OID_RAWSZ);
}

/* Everything after the magic, the version and the body's length: the body, uncompressed. */
static int encode_body(const pir_hist *h, pir_buf *out)
{
	int err = put32(out, (uint32_t)h->nblobs) || put32(out, (uint32_t)h->paths.n) ||
		  put32(out, (uint32_t)h->ncommits) || put32(out, (uint32_t)h->nch);
	for (size_t i = 0; !err && i < h->nblobs; i++)
		err = put_oid(out, &h->blob[i]) || pir_buf_put(out, (const char *)&h->flags[i], 1);
	for (size_t i = 0; !err && i < h->paths.n; i++) {
		size_t n = strlen(h->paths.strs[i]);
		err = put32(out, (uint32_t)n) || pir_buf_put(out, h->paths.strs[i], n);
	}
	for (size_t i = 0; !err && i < h->ncommits; i++) {
		const pir_hist_commit *c = &h->commits[i];
		uint32_t ng = c->nparents ? c->nparents : 1;
		err = put_oid(out, &c->oid) || put_oid(out, &c->tree) ||
		      put64(out, (uint64_t)c->time) || put32(out, c->nparents);
		for (uint32_t p = 0; !err && p < c->nparents; p++)
			err = put_oid(out, &h->par[c->parents + p]);
		for (uint32_t g = 0; !err && g < ng; g++) {
			uint32_t s, e;
			pir_hist_group(h, i, g, &s, &e);
			err = put32(out, e - s);
			for (uint32_t k = s; !err && k < e; k++)
				err = put32(out, h->ch[k].path) || put32(out, h->ch[k].old_blob) ||
				      put32(out, h->ch[k].new_blob);
		}
	}
	return err ? PIR_ENOMEM : 0;
}

int pir_hist_encode(const pir_hist *h, pir_buf *out)
{
	struct libdeflate_compressor *z = NULL;
	pir_buf body = PIR_BUF_INIT;
	size_t bound, n;
	int err;

	if ((err = encode_body(h, &body)) < 0 ||
	    (err = pir_buf_put(out, magic, sizeof(magic))) < 0 ||
	    (err = put32(out, PIR_HIST_VERSION)) < 0 || (err = put64(out, body.size)) < 0)
		goto done;
	if (!(z = libdeflate_alloc_compressor(HIST_LEVEL))) {
		err = PIR_ENOMEM;
		goto done;
	}
	bound = libdeflate_zlib_compress_bound(z, body.size);
	if ((err = pir_buf_grow(out, bound)) < 0)
		goto done;
	n = libdeflate_zlib_compress(z, body.ptr, body.size, out->ptr + out->size, bound);
	if (!n)
		err = pir_error_set(PIR_ENOMEM, "cannot compress the history record");
	out->size += n;
	out->ptr[out->size] = '\0';
done:
	libdeflate_free_compressor(z);
	pir_buf_dispose(&body);
	return err;
}

/* ---- decoding ---- */

typedef struct {
	const unsigned char *p, *end;
	bool bad;
} reader;

static bool have(reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n)
		r->bad = true;
	return !r->bad;
}

static uint32_t get32(reader *r)
{
	uint32_t v;

	if (!have(r, 4))
		return 0;
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	    (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static void get_oid(reader *r, git_oid *oid)
{
	if (!have(r, GIT_OID_RAWSZ)) {
		memset(oid, 0, sizeof(*oid));
		return;
	}
	memcpy(oid->id, r->p, GIT_OID_RAWSZ);
	r->p += GIT_OID_RAWSZ;
}

static bool blob_ok(const pir_hist *h, uint32_t b)
{
	return b == PIR_MAP_NONE || b < h->nblobs;
}

static int decode_commit(pir_hist *h, reader *r, uint32_t npaths)
{
	git_oid oid, tree, par[64], *parents = par;
	uint64_t time;
	uint32_t np, ng;
	int err = 0;

	get_oid(r, &oid);
	get_oid(r, &tree);
	time = get32(r);
	time |= (uint64_t)get32(r) << 32;
	np = get32(r);
	if (!have(r, (size_t)np * GIT_OID_RAWSZ))
		return 0;
	if (np > 64 && !(parents = pir_malloc(np * sizeof(*parents))))
		return PIR_ENOMEM;
	for (uint32_t p = 0; p < np; p++)
		get_oid(r, &parents[p]);
	err = pir_hist_add_commit(h, &oid, &tree, (int64_t)time, np, np ? parents : NULL);
	if (parents != par)
		free(parents);
	ng = np ? np : 1;
	for (uint32_t g = 0; !err && g < ng && !r->bad; g++) {
		uint32_t n = get32(r);
		if (!have(r, (size_t)n * 12) || (err = pir_hist_add_group(h)) < 0 ||
		    pir_grow((void **)&h->ch, &h->ch_cap, h->nch + n, sizeof(*h->ch)) < 0) {
			err = err ? err : r->bad ? 0 : PIR_ENOMEM;
			break;
		}
		for (uint32_t k = 0; k < n; k++) {
			pir_hist_change *c = &h->ch[h->nch++];
			c->path = get32(r);
			c->old_blob = get32(r);
			c->new_blob = get32(r);
			if (c->path >= npaths || !blob_ok(h, c->old_blob) ||
			    !blob_ok(h, c->new_blob))
				r->bad = true;
		}
	}
	return err < 0 ? err : pir_hist_end_commit(h);
}

/* The uncompressed body: counts, blobs, paths, commits, every bound checked. */
static int decode_body(pir_hist *h, const unsigned char *data, size_t len)
{
	reader r = {data, data + len, false};
	uint32_t nblobs, npaths, ncommits, nch;
	int err = 0;

	nblobs = get32(&r), npaths = get32(&r), ncommits = get32(&r), nch = get32(&r);
	if (!have(&r, (size_t)nblobs * (GIT_OID_RAWSZ + 1)))
		goto bad;
	if (!(h->blob = pir_malloc((nblobs + 1) * sizeof(*h->blob))) ||
	    !(h->flags = pir_malloc(nblobs + 1))) {
		err = PIR_ENOMEM;
		goto fail;
	}
	h->blobs_cap = nblobs + 1;
	for (uint32_t i = 0; i < nblobs; i++) {
		get_oid(&r, &h->blob[i]);
		h->flags[i] = *r.p++;
	}
	h->nblobs = nblobs;
	for (uint32_t i = 0; i < npaths && !r.bad; i++) {
		uint32_t n = get32(&r), idx;
		if (!have(&r, n))
			break;
		if (pir_strpool_intern(&h->paths, (const char *)r.p, n, &idx) < 0) {
			err = PIR_ENOMEM;
			goto fail;
		}
		if (idx != i || memchr(r.p, '\0', n))
			r.bad = true; /* the same path twice: not what was written */
		r.p += n;
	}
	for (uint32_t i = 0; i < ncommits && !r.bad && !err; i++)
		err = decode_commit(h, &r, npaths);
	if (err)
		goto fail;
	if (r.bad || r.p != r.end || h->nch != nch)
		goto bad;
	return 0;
bad:
	err = pir_error_set(PIR_EINVALID, "a history payload is truncated or damaged");
fail:
	pir_hist_dispose(h);
	return err;
}

/* The body after the header: its `len` bytes, uncompressed, into `*out` (malloc'd). */
static int inflate_body(const unsigned char *data, size_t len, uint64_t size, unsigned char **out)
{
	struct libdeflate_decompressor *z;
	enum libdeflate_result rc;

	*out = NULL;
	/* DEFLATE expands at most ~1032:1 */
	if (size > HIST_MAX_BODY || size / 1032 > len)
		return pir_error_set(PIR_EINVALID, "a history payload is truncated or damaged");
	if (!(*out = pir_malloc((size_t)size + 1)) || !(z = libdeflate_alloc_decompressor())) {
		free(*out);
		*out = NULL;
		return PIR_ENOMEM;
	}
	rc = libdeflate_zlib_decompress(z, data, len, *out, (size_t)size, NULL);
	libdeflate_free_decompressor(z);
	if (rc == LIBDEFLATE_SUCCESS)
		return 0;
	free(*out);
	*out = NULL;
	return pir_error_set(PIR_EINVALID, "a history payload is truncated or damaged");
}

int pir_hist_decode(pir_hist *h, const unsigned char *data, size_t len)
{
	reader hr = {data, data + len, false};
	unsigned char *body = NULL;
	uint64_t size;
	int err;

	memset(h, 0, sizeof(*h));
	if (!have(&hr, sizeof(magic)) || memcmp(hr.p, magic, sizeof(magic)))
		return pir_error_set(PIR_EINVALID, "not a history payload");
	hr.p += sizeof(magic);
	if (get32(&hr) != PIR_HIST_VERSION)
		return pir_error_set(PIR_EINVALID, "a history payload of another version");
	size = get32(&hr);
	size |= (uint64_t)get32(&hr) << 32;
	if (hr.bad)
		return pir_error_set(PIR_EINVALID, "a history payload is truncated or damaged");
	if ((err = inflate_body(hr.p, (size_t)(hr.end - hr.p), size, &body)) < 0)
		return err;
	err = decode_body(h, body, (size_t)size);
	free(body);
	return err;
}
