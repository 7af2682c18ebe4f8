/* SPDX-License-Identifier: MIT */
/*
 * The incremental cache: each repository's result (result.h), as the JSON
 * text of result_json.c, stored in SQLite under a key that says exactly
 * what the result depends on (cache_key.c). Dates, teams and stale limits
 * are applied after it, by linking, so they are not in the key.
 *
 * The file is DIR/cache.sqlite (DIR/mirrors/ holds the fleet's mirrors):
 * application_id 'PIRC' and user_version checked on open, then
 * `PRAGMA quick_check`; a meta table with the format and pirscan versions;
 * one row per result with its length and SHA-256, checked on every read.
 * WAL and a busy timeout let two runs share it; every write is one
 * transaction, so a run killed at any point leaves a usable cache.
 *
 * Nothing here fails a scan: a corrupt, truncated or foreign file becomes a
 * `cache-rebuilt` warning and is moved aside (FILE.corrupt) and recreated; a
 * folder that cannot be written, a `cache-unavailable` warning, and the
 * scan goes on without the cache. Only PIR_ENOMEM is returned.
 */
#ifndef PIRSCAN_CACHE_H
#define PIRSCAN_CACHE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "pirscan/scan.h"
#include "sha256.h"

#define PIR_CACHE_FILE "cache.sqlite"
#define PIR_CACHE_APPLICATION_ID 0x50495243 /* "PIRC" */
#define PIR_CACHE_SCHEMA 1		    /* user_version: the tables below */
#define PIR_CACHE_FORMAT "2"	     /* meta 'format': what a row's payload is (2: incidents) */
#define PIR_CACHE_HISTORY_FORMAT "2" /* the history payload's (hist.h; 2: compressed) */
#define PIR_CACHE_KEEP 3	     /* results kept per repository, the latest used */
#define PIR_CACHE_MAX_IDLE_DAYS 60   /* rows unused this long are dropped */

typedef struct pir_cache pir_cache;

/* What of a repository the key depends on, read before it is scanned. */
typedef struct {
	const char *repo;   /* its identity: the real path of its git folder, or its URL */
	const char *ref;    /* the ref scanned, as given ("HEAD") */
	char commit[41];    /* the commit of `ref`, "" for an empty repository */
	char *refs;	    /* with all_refs: "NAME TARGET\n" per branch and tag, sorted */
	size_t refs_len;    /* (NULL and 0 without all_refs) */
	char *shallow;	    /* the shallow file's contents, NULL without one */
	size_t shallow_len; /* (its commits are where the walk stops) */
	char *grafts;	    /* info/grafts, NULL without one */
	size_t grafts_len;
} pir_cache_facts;

/*
 * The facts of an opened repository about to be scanned at `commit` (NULL
 * for an empty one) of `ref`, the branches and tags too when `all_refs`.
 * `identity` and `ref` are borrowed. 0, PIR_ENOMEM or PIR_EGIT (refs unlisted).
 */
int pir_cache_facts_read(pir_cache_facts *out, git_repository *repo, const char *identity,
			 const char *ref, const git_oid *commit, bool all_refs);
void pir_cache_facts_dispose(pir_cache_facts *facts);

/*
 * Whether a scan with `opts` can use the cache: not with changed_since (its
 * marks depend on a second tree and the merge base; such scans are the
 * quick ones of a pull request), and not without a cache folder.
 */
bool pir_cache_applies(const pir_scan_options *opts);

/*
 * The key of a repository's result: the SHA-256, in hex, of the facts,
 * pirscan's version and every option that changes what is extracted
 * (marker patterns and require-reference, item files, severities, size
 * limit, excludes, history or not, all refs, changed_since). Not the
 * threads, the dates, the teams, the stale limits or slips.
 */
void pir_cache_key(char out[PIR_SHA256_HEX], const pir_scan_options *opts,
		   const pir_cache_facts *facts);

/*
 * Open (creating it and DIR) the cache in `dir`, reporting to `diag`.
 * `*out` is NULL when the cache cannot be used (a warning says why); the
 * caller scans without it. 0 or PIR_ENOMEM.
 */
int pir_cache_open(pir_cache **out, const char *dir, pir_diag_sink *diag);

/*
 * The payload stored under `key`: 1 and `*json` (malloc'ed, NUL-terminated,
 * `*len` bytes; the caller frees it) on a hit, 0 on a miss (also when `c`
 * is NULL, or the row failed its checks: dropped with a warning).
 * PIR_ENOMEM. Safe from any thread.
 */
int pir_cache_lookup(pir_cache *c, const char *key, char **json, size_t *len);

/*
 * Store `json` under `key` for repository `repo` (`tips` says what was
 * scanned, for people reading the file), keeping that repository's
 * PIR_CACHE_KEEP latest rows. One transaction. 0 or PIR_ENOMEM; a write
 * that fails is a warning and the cache is not used any more by this run.
 */
int pir_cache_store(pir_cache *c, const char *key, const char *repo, const char *tips,
		    const char *json, size_t len);

/*
 * The same for a binary payload (the history cache, history.h): `*data`
 * malloc'ed, `*len` bytes; stored keeping the repository's `keep` latest
 * rows (pass a `repo` of its own, so that they do not count as results).
 */
int pir_cache_lookup_blob(pir_cache *c, const char *key, unsigned char **data, size_t *len);
int pir_cache_store_blob(pir_cache *c, const char *key, const char *repo, const char *tips,
			 const unsigned char *data, size_t len, int keep);

/*
 * The keys of a repository's history payloads: `ref` that of the record of
 * the ref scanned (pir_cache_key without the commit and the refs: the
 * repository, the ref as given, --all-refs, where its walk stops (shallow,
 * grafts), pirscan's version and what is extracted), so that scans of two
 * refs in turn each find their own; `latest` that of the row which names
 * the repository's record stored last (its key, PIR_SHA256_HEX - 1
 * characters), for a ref scanned for the first time.
 */
void pir_cache_history_keys(char ref[PIR_SHA256_HEX], char latest[PIR_SHA256_HEX],
			    const pir_scan_options *opts, const pir_cache_facts *facts);

#define PIR_CACHE_HISTORY_KEEP 4 /* history records kept per repository: refs in turn */

/*
 * The options' share of the keys that decides what is extracted (history or
 * not, size limit, markers, item files, severities, excludes, postmortem
 * files), without pirscan's version: what shards to be linked together must
 * share (the JSON's "extraction", from_json.c).
 */
void pir_cache_extraction_key(char out[PIR_SHA256_HEX], const pir_scan_options *opts);

/* A hit whose payload did not read back (`why`): the row is dropped, with a warning. */
int pir_cache_drop(pir_cache *c, const char *key, const char *why);

/* The cache file's path. */
const char *pir_cache_path(const pir_cache *c);

/* Hits and stores so far (for the tests and the benchmark). */
size_t pir_cache_hits(const pir_cache *c);
size_t pir_cache_stores(const pir_cache *c);

/* Record the hits' use (one transaction), drop idle rows, close. NULL is a no-op. */
void pir_cache_close(pir_cache *c);

#endif
