/* SPDX-License-Identifier: MIT */
/*
 * A repository as the reading stages see it: its commits, blobs, keys and
 * scanned tree (source/ and history/ fill them, link/ reads them), and the
 * context the driver hands down so that no stage calls up into it.
 */
#ifndef PIRSCAN_SOURCE_H
#define PIRSCAN_SOURCE_H

#include <pthread.h>

#include <git2.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "map.h"

enum {
	PIR_BLOB_WANT_YAML = 1u << 0, /* seen at an action-items path */
	PIR_BLOB_SCANNED = 1u << 1,
	PIR_BLOB_BINARY = 1u << 2,
	PIR_BLOB_TOOBIG = 1u << 3,
	PIR_BLOB_MISSING = 1u << 4,
	PIR_BLOB_YAML_BROKEN = 1u << 5, /* at an action-items path, with a syntax error */
	PIR_BLOB_UNREADABLE = 1u << 6,	/* with MISSING: there, but it cannot be read (cause) */
	PIR_BLOB_AT_HEAD = 1u << 7,	/* in the scanned tree */
	/*
	 * Seen as a file at a path the scan reads (the scanned tree, the
	 * changed-since comparison, history): the blobs that are scanned and
	 * counted. The history walk also keeps ids it met only as symlinks or
	 * under excluded folders, which are not.
	 */
	PIR_BLOB_LISTED = 1u << 8,
	PIR_BLOB_WANT_DOC = 1u << 10, /* seen at a postmortem document's path */
	/*
	 * Seen as a symlink's target (treewalk.c, treediff.c): a comparison
	 * skips a file that becomes a symlink with the same id, so the
	 * history cache's projections (scan_history.c) hold only while no
	 * such blob holds keys.
	 */
	PIR_BLOB_LINK = 1u << 11,
	/*
	 * An action-items version only in history, kept slim (blobs.c): no
	 * `entries`, no ykeys and no yentry, only what the replay reads, per
	 * ID, packed in ypack: its key (in the order of each ID's first entry
	 * until pir_keys_renumber sorts them) and ydue. pir_blobs_reread parses
	 * in full again the versions the output shows (their `entries`, still
	 * no yentry).
	 */
	PIR_BLOB_SLIM = 1u << 9,
};

/* The prefix of an entry's key in keys_pool (history.h's PIR_KEY_ENTRY). */
#define PIR_BLOB_ENTRY_KEY 'y'
/* ydue: the due value's index in due_pool (PIR_YDUE_NONE: none), closed in the top bit. */
#define PIR_YDUE_CLOSED 0x80000000u
#define PIR_YDUE_NONE 0x7fffffffu

/* What a path holds for the item sources: is_item_file's answer, 0 for neither. */
enum { PIR_ITEMS_YAML = 1, PIR_ITEMS_DOC = 2 };

/* A unique blob and what it holds; read once whatever the number of paths and commits. */
typedef struct {
	git_oid oid;
	uint32_t flags;
	uint64_t size;
	pir_marker_list *markers; /* NULL when the scan found nothing: pir_blob_markers */
	pir_entry_list *entries;  /* parsed when seen at an action-items path */
	/* a postmortem document in the scanned tree: its incident, in the entries' arena */
	pir_incident_info *incident;
	uint32_t *mkeys, nmkeys; /* sorted unique key ids of its markers */
	uint32_t *ykeys, nykeys; /* sorted unique key ids of its entries (nykeys: slim too) */
	uint32_t *yentry;	 /* for each of ykeys, the index of its first entry */
	/*
	 * PIR_BLOB_SLIM: for each of its nykeys IDs, the key's difference from
	 * the one before (zigzag) and ydue (0 none, else the due's index + 1,
	 * shifted left over the closed bit), as LEB128 varints: a growing file's
	 * thousands of versions took 8 bytes an entry as arrays, 2 or 3 so.
	 */
	uint8_t *ypack;
	char *cause; /* PIR_BLOB_UNREADABLE: why */
} pir_blob;

/* A version's entry keys in order (ykeys, or a slim version's ypack): pir_ykeys_next. */
typedef struct {
	const pir_blob *b;
	const uint8_t *p;
	uint32_t i;   /* the next one's index */
	uint32_t key; /* the current one's */
	uint32_t due; /* its ydue (slim versions) */
} pir_ykeys_it;

static inline void pir_ykeys_begin(pir_ykeys_it *it, const pir_blob *b)
{
	it->b = b;
	it->p = b->ypack;
	it->i = it->key = it->due = 0;
}

static inline uint32_t pir_ykeys_varint(const uint8_t **p)
{
	uint32_t v = 0;
	for (unsigned s = 0;; s += 7) {
		uint8_t c = *(*p)++;
		v |= (uint32_t)(c & 0x7f) << s;
		if (!(c & 0x80))
			return v;
	}
}

/* The next key (it->key, and it->due): false after the last. */
static inline bool pir_ykeys_next(pir_ykeys_it *it)
{
	uint32_t d;

	if (it->i >= it->b->nykeys)
		return false;
	if (!it->p) {
		it->key = it->b->ykeys[it->i++];
		return true;
	}
	d = pir_ykeys_varint(&it->p);
	it->key += (d & 1) ? ~(d >> 1) : d >> 1; /* zigzag, modulo 2^32 */
	d = pir_ykeys_varint(&it->p);
	it->due = (d >> 1 ? (d >> 1) - 1 : PIR_YDUE_NONE) | (d & 1 ? PIR_YDUE_CLOSED : 0);
	it->i++;
	return true;
}

/* Pack n keys and their ydue into b->ypack (b->nykeys = n). 0 or PIR_ENOMEM. */
int pir_ykeys_pack(pir_blob *b, const uint32_t *keys, const uint32_t *due, size_t n);

/* One blob-level change between a commit and one of its parents. */
typedef struct {
	git_oid old_oid, new_oid;    /* zero id for none */
	const char *path;	     /* interned in the repository's change_paths */
	uint32_t old_blob, new_blob; /* indices into repo->blobs, PIR_MAP_NONE for none */
	uint8_t yaml;		     /* PIR_ITEMS_YAML or _DOC: an item file; 0 */
} pir_change;

typedef struct {
	git_oid oid, tree;
	int64_t time; /* author time */
	uint32_t nparents;
	git_oid *parent_oids;
	uint32_t *parents; /* indices, PIR_MAP_NONE for a missing or shallow parent */
	/* stored changes, for the unit tests' pir_history_replay (the walk hands them over) */
	pir_change *changes;
	uint32_t nchanges;
	uint32_t *pstart;  /* nparents+1 offsets into changes; parentless: 1 group */
	uint32_t topo;	   /* parents before children */
	uint32_t tree_idx; /* its tree in the walk's tree table (treewalk.c) */
} pir_commit;

/*
 * A move of an entry's due date (strings point into the blobs' entries or due_pool), or
 * with is_status, a change of its status between open and closed.
 */
typedef struct {
	uint32_t commit;
	const char *old_due, *new_due;
	bool is_status, closed;
} pir_due_event;

/* A marker's or an entry's identity across history and where it came and went. */
typedef struct {
	int64_t intro_time;
	uint32_t intro_commit; /* PIR_MAP_NONE until seen */
	uint32_t intro_topo;
	int64_t rm_time;
	uint32_t rm_commit; /* PIR_MAP_NONE unless removed */
	uint32_t rm_topo;
	bool rm_strict;
	const char *rm_path;
	uint32_t rm_blob;
	bool in_head;
	pir_due_event *due; /* entries only: due date moves, in replay order */
	size_t ndue, due_cap;
} pir_key;

typedef struct pir_ages pir_ages;

/* A file of the scanned tree. */
typedef struct {
	const char *path;
	uint32_t blob;
	uint8_t yaml; /* PIR_ITEMS_YAML or _DOC: an item file; 0 */
} pir_head_entry;

/*
 * What the reading stages get from the driver (scan.c builds it): where
 * diagnostics go, a progress callback, the path filter and what to read.
 * Callbacks get `payload`; progress returns 0 or an error that stops the scan.
 */
typedef struct {
	pir_diag_sink *diag;
	int (*progress)(void *payload, const char *repo, const char *phase, size_t done,
			size_t total);
	unsigned (*is_item_file)(const void *payload, const char *path);
	/* NULL without excludes; a folder when is_dir */
	bool (*is_excluded)(const void *payload, const char *path, bool is_dir);
	void *payload;
	const pir_marker_matcher *matcher;
	const char *const *severities; /* NULL-terminated, most urgent first */
	size_t max_blob_size;
	unsigned threads;
	bool all_refs;
} pir_source_ctx;

typedef struct pir_repo {
	struct pir_scan *scan; /* the driver's own back pointer: no stage below reads it */
	pir_source_ctx ctx;
	pir_diag_sink diag;	      /* this repository's diagnostics (ctx.diag points here) */
	pthread_mutex_t missing_lock; /* guards `missing` */
	char *path;
	char *gitdir;	       /* the real path of its git folder: one scan per repository */
	char *open_error;      /* not opened (a failed fetch, or keep_going): why */
	const char *open_code; /* and its diagnostic's code */
	const char *name;
	git_repository *repo;
	char *refname;
	bool empty;
	git_oid head_commit, head_tree;
	bool shallow;
	pir_oidmap shallow_set;
	pir_oidmap missing; /* objects reported missing, once each (under scan->lock) */
	bool promisor;	    /* a partial clone: objects may be absent by design */

	pir_commit *commits;
	size_t ncommits, commits_cap;
	pir_oidmap commit_map;
	uint32_t *topo_order; /* commit indices, parents first */

	pir_blob *blobs;
	size_t nblobs, blobs_cap;
	size_t nscan;	      /* the listed blobs: those read */
	uint32_t *scan_order; /* blob indices in the order they are read */
	uint8_t *scan_leaf;   /* per scan_order slot: no other blob read is built on it (blobs.c) */
	uint64_t *blob_pos;   /* per blob: its pack position (pack.h), or PIR_PACK_NOPOS */
	struct pir_packset *packs;
	pir_oidset blob_map; /* over blobs (each begins with its oid) */

	pir_strpool keys_pool;	   /* "m<marker text>" and "y<entry id>" */
	bool slim_history;	   /* keep the versions only in history slim (PIR_BLOB_SLIM) */
	pthread_mutex_t slim_lock; /* guards keys_pool and due_pool during the blob phase */
	pir_strpool due_pool;	   /* the due values of slim versions */
	pir_key *keys;
	struct pir_ages *ages; /* history/: when each marker location came and went */

	pir_head_entry *head;
	size_t nhead, head_cap;
	bool has_since;		 /* changed_since was given */
	pir_strpool since_paths; /* paths added or changed since that ref */
	uint32_t *since_old;	 /* per since path: its blob then, PIR_MAP_NONE if added */
	uint32_t *since_gone;	 /* every old blob of the comparison, deleted paths too */
	size_t nsince_gone;
	pir_arena arena;
	pir_strpool change_paths; /* the paths of the history's changes */
	struct pir_trees *trees;  /* the history walk's trees (treewalk.c) */
	size_t binary_skipped;
} pir_repo;

/* source/repo.c */
int pir_repo_open_again(git_repository **out, const pir_repo *r);
/*
 * An object libgit2 failed to read with `gerr`: is it absent (false: a
 * partial clone's, or not in the repository at all) or there but unreadable
 * (true, and why in `cause`: an error other than "not found", or a pack or
 * loose file that cannot be read, or one that lists it)? Call it right after
 * the failure (it reads libgit2's message). Safe from any thread.
 */
bool pir_repo_unreadable(const pir_repo *r, const git_oid *oid, int gerr, char *cause, size_t size);
/*
 * Report, once per repository, an object libgit2 failed to read with `gerr`
 * (a kind of "blob", "tree" or "commit"): a missing-object warning when it is
 * absent, an unreadable-object error otherwise.
 */
int pir_repo_missing(pir_repo *r, const git_oid *oid, const char *kind, const char *path, int gerr);
/* Report an object once: a missing-object warning, or with a cause an unreadable-object error. */
int pir_repo_report(pir_repo *r, const git_oid *oid, const char *kind, const char *path,
		    const char *cause);

/*
 * A tree pirscan's own reader (tree.c) could not read: with `cause`, an
 * unreadable-object error saying why; else as libgit2, asked afresh, finds it.
 */
int pir_repo_tree_unreadable(pir_repo *r, const git_oid *oid, const char *path, const char *cause);

/* walk.c: the commits, their order, then the trees (treewalk.c) */
int pir_history_walk(pir_repo *r);
/* What a caller already knows of a commit (the history cache): its tree, time and parents. */
typedef struct {
	git_oid tree;
	int64_t time;
	uint32_t nparents;
	const git_oid *parents;
} pir_known_commit;
/* 1 and `*out` for a commit `oid` the caller knows (its object is then not read), else 0. */
typedef int (*pir_known_commit_fn)(void *payload, const git_oid *oid, pir_known_commit *out);
/*
 * The commit walk of pir_history_walk alone (commits, their order, the
 * shallow note), taking the commits `known` knows from it (NULL: none).
 */
int pir_history_walk_commits(pir_repo *r, pir_known_commit_fn known, void *payload);
/*
 * Whether a change from blob `old` to `new` (zero ids for none) is kept,
 * with the blob indices it gets (PIR_MAP_NONE for none).
 */
typedef bool (*pir_change_filter)(void *payload, const git_oid *old, const git_oid *new,
				  uint32_t *old_blob, uint32_t *new_blob);
/* Whether a path (`len` bytes; a folder when is_dir) is compared at all. */
typedef bool (*pir_path_filter)(void *payload, const char *path, size_t len, bool is_dir);
/*
 * Every file change from tree `old_tree` (NULL: none) to `new_tree`, read
 * with libgit2 as pir_head_list does (excludes applied, symlinks and
 * submodules left out): `*out` (malloc'ed) and `*n`; the paths live in
 * r->change_paths. Without `keep`, every change, its blobs interned as
 * listed; with it, only those it keeps, as it says, nothing interned; with
 * `want`, only at the paths it wants (folders it does not want are not
 * read). Both get `payload`. Missing trees are reported.
 */
int pir_tree_changes(pir_repo *r, const git_oid *old_tree, const git_oid *new_tree,
		     pir_change_filter keep, pir_path_filter want, void *payload, pir_change **out,
		     size_t *n);
/*
 * treediff.c: pir_tree_changes, the same changes in the same order, for
 * many comparisons in a row (the history cache's new commits): trees read
 * from the packs and parsed by pirscan (tree.h), a cache of them kept
 * between comparisons. A differ on `r` as it is (its handle and packs).
 */
typedef struct pir_tree_differ pir_tree_differ;
int pir_tree_differ_new(pir_tree_differ **out, pir_repo *r);
int pir_tree_differ_changes(pir_tree_differ *td, const git_oid *old_tree, const git_oid *new_tree,
			    pir_change_filter keep, pir_path_filter want, void *payload,
			    pir_change **out, size_t *n);
/*
 * The ids its comparisons met as symlinks (a symlink that changed, or a
 * file that became one with the same id), once each, valid until the next
 * comparison: as pir_trees_walk flags them PIR_BLOB_LINK.
 */
size_t pir_tree_differ_links(const pir_tree_differ *td, const git_oid **out);
void pir_tree_differ_free(pir_tree_differ *td);
int pir_blobs_scan(pir_repo *r);
/*
 * Parse in full again the slim versions among `blobs` (n indices; others are
 * skipped): those the output shows. 0 or an error; a version that cannot be
 * read now keeps no entries.
 */
int pir_blobs_reread(pir_repo *r, const uint32_t *blobs, size_t n);
/* A blob's markers: most blobs have none, and keep 8 bytes for them instead of a list. */
extern const pir_marker_list pir_no_markers;
static inline const pir_marker_list *pir_blob_markers(const pir_blob *b)
{
	return b->markers ? b->markers : &pir_no_markers;
}
/**
 * Keep what a scan found in `ml` as `b`'s markers (it has none yet), and
 * leave `ml` empty: nothing is allocated when it found nothing. 0 or
 * PIR_ENOMEM (`ml` cleared).
 */
int pir_blob_keep_markers(pir_blob *b, pir_marker_list *ml);
/** Free `b`'s markers. */
void pir_blob_drop_markers(pir_blob *b);
/** The index of the blob `oid` in r->blobs, or PIR_MAP_NONE. */
uint32_t pir_blob_find(const pir_repo *r, const git_oid *oid);
/* A listed blob (PIR_BLOB_LISTED; for an item file, PIR_BLOB_WANT_YAML or _DOC). */
int pir_blob_intern(pir_repo *r, const git_oid *oid, unsigned kind, uint32_t *out);
/* A blob with `flags` added (none: known, but not read unless listed later). */
int pir_blob_intern_flags(pir_repo *r, const git_oid *oid, uint32_t flags, uint32_t *out);

/*
 * treewalk.c, the history's trees, in three steps:
 * pir_trees_walk (from pir_history_walk): every commit against its first
 *   parent, reading each new tree once, to find every blob of the history
 *   and record how each tree differs from the one it replaced;
 * pir_trees_mark (after the blob scan and the keys): each tree's projection,
 *   its entries that lead to a blob with keys or of unknown content;
 * pir_trees_diff: every commit against every parent over the projections,
 *   each commit's changes handed to `fn` in topological order (the paths
 *   stay valid as long as the repository).
 */
int pir_trees_walk(pir_repo *r);
int pir_trees_mark(pir_repo *r);
typedef int (*pir_changes_fn)(void *payload, uint32_t ci, const pir_change *changes,
			      const uint32_t *pstart);
/* `fn` NULL: only where each blob is first seen (for pir_trees_sort_blobs); again: the same. */
int pir_trees_diff(pir_repo *r, pir_changes_fn fn, void *payload);
/* Where the history first shows blob `bi` (commit order, then change order), or NULL. */
const char *pir_trees_blob_path(const pir_repo *r, uint32_t bi);
/* Sort blob indices as the history first shows them (interned before the walk: first). */
void pir_trees_sort_blobs(const pir_repo *r, uint32_t *v, size_t n);
void pir_trees_free(pir_repo *r);
/*
 * A history whose changes come from elsewhere (the history cache), not
 * from pir_trees_walk: where each blob is first seen, for
 * pir_trees_sort_blobs and pir_trees_blob_path, as pir_trees_diff notes it.
 * pir_trees_external once (`pre_blobs`: those interned before the history),
 * after every blob is interned; then pir_trees_note for each commit in
 * topological order with the changes pir_trees_diff would give it.
 */
int pir_trees_external(pir_repo *r, size_t pre_blobs);
void pir_trees_note(pir_repo *r, uint32_t ci, const pir_change *changes, size_t n);
int pir_head_list(pir_repo *r);
int pir_since_diff(pir_repo *r, const git_oid *since_tree);
void pir_repo_free_history(pir_repo *r);
void pir_history_drop_changes(pir_repo *r);

#endif
