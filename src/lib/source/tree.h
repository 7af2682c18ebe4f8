/* SPDX-License-Identifier: MIT */
/*
 * Git tree objects read without libgit2: a bounds-checked parser of the raw
 * format ("<octal mode> <name>\0<20-byte id>" repeated), libgit2's mode
 * normalisation and entry order, and a reader that takes a tree from the
 * packs (pack.h) or, for a loose object or anything the packs cannot give,
 * from libgit2, with a small cache of parsed trees.
 */
#ifndef PIRSCAN_SOURCE_TREE_H
#define PIRSCAN_SOURCE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "pack.h"

/* One entry, pointing into the tree's data (its name is NUL-terminated there). */
typedef struct {
	const char *name;
	const unsigned char *id; /* 20 bytes */
	uint16_t name_len;
	uint16_t attr; /* the mode as written */
} pir_tree_entry;

/*
 * Parse `len` bytes of tree data into `*v` (grown as need be, `*cap`
 * elements), `*n` entries. 0; 1 when the data is not a tree libgit2 would
 * read (the caller then asks libgit2); PIR_ENOMEM.
 */
int pir_tree_parse(const unsigned char *data, size_t len, pir_tree_entry **v, size_t *n,
		   size_t *cap);

/*
 * pir_tree_parse's result for `data`, given the entries `lv` (`ln`) that
 * pir_tree_parse gave for `ldata` (`llen` bytes), a tree much like it (the
 * same directory a commit before): the entries where the two agree from the
 * start and to the end are taken from `lv`, only those between are parsed.
 * On 0, the first `*same_start` entries of both and the last `*same_end`
 * are the same bytes.
 */
int pir_tree_parse_like(const unsigned char *data, size_t len, const unsigned char *ldata,
			size_t llen, const pir_tree_entry *lv, size_t ln, pir_tree_entry **v,
			size_t *n, size_t *cap, size_t *same_start, size_t *same_end);

/* The mode as libgit2's git_tree_entry_filemode() gives it. */
git_filemode_t pir_tree_filemode(uint16_t attr);
/* A subtree (git_tree_entry_type() == GIT_OBJECT_TREE). */
bool pir_tree_is_dir(uint16_t attr);
/* A submodule (git_tree_entry_type() == GIT_OBJECT_COMMIT). */
bool pir_tree_is_gitlink(uint16_t attr);
/* git's order of tree entries (git_tree_entry_cmp): a subtree sorts as if its name ended in '/'. */
int pir_tree_name_cmp(const char *a, size_t alen, bool adir, const char *b, size_t blen, bool bdir);

/* A parsed tree, valid until pir_tree_release(). */
typedef struct pir_tree {
	pir_tree_entry *v;
	size_t n;
	/* private */
	unsigned char *data;
	size_t len;
	bool held; /* data is the pack cursor's, held (pir_pack_hold), not malloc'd here */
	size_t cap;
	git_tree *lg; /* when libgit2 parsed it: the entries point into it */
	uint32_t key;
	unsigned pins;
	bool cached;
	/* read by treewalk.c: when `like` != key, this tree was parsed like tree `like`, and its
	 * first `same_start` entries and last `same_end` are that tree's, byte for byte */
	uint32_t like;
	size_t same_start, same_end;
} pir_tree;

typedef struct pir_tree_reader pir_tree_reader;

/* A reader on `repo` and the packs `ps` (may be NULL or empty), caching `slots` parsed trees. */
int pir_tree_reader_new(pir_tree_reader **out, git_repository *repo, pir_packset *ps, size_t slots);
void pir_tree_reader_free(pir_tree_reader *tr);
/*
 * Tree `oid` (with `key`, the caller's index of it, for the cache). 0 and
 * `*out`; 1 and `*out` NULL when it cannot be read: then `*gerr` is
 * libgit2's error (its message set), or 0 when the packs say it is
 * unreadable (`cause` says why); PIR_ENOMEM.
 */
int pir_tree_read(pir_tree_reader *tr, const git_oid *oid, uint32_t key, pir_tree **out, int *gerr,
		  const char **cause);
/*
 * pir_tree_read, where tree `near` (a key), when the cache holds it, is a
 * tree much like this one: its entries save parsing those the two share
 * (pir_tree_parse_like). `near` == `key`: none.
 */
int pir_tree_read_near(pir_tree_reader *tr, const git_oid *oid, uint32_t key, uint32_t near,
		       pir_tree **out, int *gerr, const char **cause);
void pir_tree_release(pir_tree_reader *tr, pir_tree *t);
/* Parsed by pir_tree_parse: each entry's name is followed by its NUL and its 20-byte id. */
bool pir_tree_is_raw(const pir_tree *t);

#endif
