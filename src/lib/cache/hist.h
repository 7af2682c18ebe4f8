/* SPDX-License-Identifier: MIT */
/*
 * The history cache's payload (hist.c): what the replay of a
 * repository's history consumed, commit by commit, so that a later scan of
 * the same repository whose refs moved on reads and compares only the new
 * commits. It holds no tips: an old commit's changes are a property of its
 * trees and of which blobs hold keys, which is a property of their
 * contents (scan_history.c checks that this still holds).
 *
 * - every blob the history showed: its id and flags (PIR_HIST_*);
 * - every commit: its id, tree, author time and parents, and per parent
 *   (one group for a root) the changes the replay got: a path (an index
 *   into the paths) and the old and new blob (indices into the blobs, or
 *   PIR_MAP_NONE).
 *
 * Encoded little-endian: "PIRHIST", PIR_HIST_VERSION, the body's length
 * (64 bits), then the body compressed (zlib's format, by libdeflate: its
 * Adler-32 and the exact length must hold), every count and index of the
 * body checked on decoding; the cache row's length and SHA-256 guard the
 * bytes. Version 2: compressed, and PIR_HIST_LINK.
 */
#ifndef PIRSCAN_CACHE_HIST_H
#define PIRSCAN_CACHE_HIST_H

#include <stddef.h>
#include <stdint.h>

#include <git2/oid.h>

#include "buf.h"
#include "map.h"

#define PIR_HIST_VERSION 2

enum {
	PIR_HIST_LISTED = 1u << 0, /* seen as a file at a path the scan reads */
	PIR_HIST_YAML = 1u << 1,   /* seen at an action-items path */
	PIR_HIST_KEYED = 1u << 2,  /* fed to the replay: keys, or content unknown */
	PIR_HIST_HEAD = 1u << 3,   /* in the scanned tree (read with its mentions) */
	PIR_HIST_LIMITS = 1u << 4, /* its markers had diagnostics */
	PIR_HIST_DOC = 1u << 5,	   /* seen at a postmortem document's path */
	PIR_HIST_LINK = 1u << 6,   /* seen as a symlink's target (version 2) */
};

typedef struct {
	uint32_t path, old_blob, new_blob;
} pir_hist_change;

typedef struct {
	git_oid oid, tree;
	int64_t time;
	uint32_t nparents, parents; /* parents: the first's index in par */
	uint32_t groups;	    /* max(1, nparents) + 1 offsets into ch from grp[groups] */
} pir_hist_commit;

typedef struct pir_hist {
	git_oid *blob;
	uint8_t *flags;
	size_t nblobs, blobs_cap;
	pir_strpool paths;
	pir_hist_commit *commits;
	size_t ncommits, commits_cap;
	git_oid *par;
	size_t npar, par_cap;
	uint32_t *grp;
	size_t ngrp, grp_cap;
	pir_hist_change *ch;
	size_t nch, ch_cap;
	/* not encoded: the commits this scan compared (read from the record: the others) */
	bool from_record;
	size_t compared;
} pir_hist;

void pir_hist_dispose(pir_hist *h);
/* Add a blob (its index is the next one). 0 or PIR_ENOMEM. */
int pir_hist_add_blob(pir_hist *h, const git_oid *oid, uint8_t flags);
/* Begin a commit; then its groups with pir_hist_add_group and pir_hist_add_change. */
int pir_hist_add_commit(pir_hist *h, const git_oid *oid, const git_oid *tree, int64_t time,
			uint32_t nparents, const git_oid *parents);
/* The next group of the commit begun last starts here. */
int pir_hist_add_group(pir_hist *h);
int pir_hist_add_change(pir_hist *h, const char *path, uint32_t old_blob, uint32_t new_blob);
/* Close the commit begun last (its last group's end). */
int pir_hist_end_commit(pir_hist *h);
/* Changes of group g of commit c: [*start, *end). */
void pir_hist_group(const pir_hist *h, size_t c, uint32_t g, uint32_t *start, uint32_t *end);

int pir_hist_encode(const pir_hist *h, pir_buf *out);
/* 0; PIR_EINVALID (with a message) when the bytes are not a payload of this version; PIR_ENOMEM */
int pir_hist_decode(pir_hist *h, const unsigned char *data, size_t len);

#endif
