/* SPDX-License-Identifier: MIT */
/* The driver's private state (scan.c), read by the stages after reading: link, teams, order. */
#ifndef PIRSCAN_SCAN_INT_H
#define PIRSCAN_SCAN_INT_H

#include <pthread.h>

#include "glob.h"
#include "map.h"
#include "pirscan/incident.h"
#include "result.h"
#include "sha256.h"
#include "source.h"

struct pir_scan {
	pir_scan_options opts;
	const char **severities;
	size_t nseverities;
	const char **item_files;
	size_t nitem_files;
	pir_marker_matcher *matcher;
	pir_date as_of;
	unsigned threads;
	char extraction[PIR_SHA256_HEX]; /* pir_cache_extraction_key, or the results files' */
	bool extraction_read;		 /* taken from the first results file */

	pir_repo **repos; /* added, not yet scanned; each is freed right after its scan */
	size_t nrepos, repos_cap;
	pir_strpool
	    gitdirs; /* of the repositories added: index k is that of repos[gitdir_repo[k]] */
	size_t *gitdir_repo, gitdir_cap;
	bool ran;
	pir_result **results; /* one per repository, in the order they were added */
	size_t nresults, results_cap;
	pir_strpool changed_diags; /* with changed_since: "repo\0path\0code\0message" of each
				      diagnostic the change touched */

	pir_arena arena; /* results */
	pir_item *items;
	size_t nitems, items_cap;
	size_t nfiltered; /* items a filter left out, kept after items[nitems] (their entries'
			     errors) */
	pir_diag_sink diag;
	/* link/incidents.c: the documents' incidents, one per ID, gathered before the items */
	pir_incident *incident_docs;
	size_t nincident_docs;
	pir_strpool incident_doc_ids; /* index k: incident_docs[k] */
	/* every incident of the items (and the documents), counted, in the output order */
	pir_incident *incidents;
	size_t nincidents;
	pir_strpool incident_ids; /* index k: incidents[incident_at[k]] */
	uint32_t *incident_at;
	struct pir_cache *cache;       /* while the repositories are scanned, NULL without one */
	pthread_mutex_t progress_lock; /* the progress callback, called by one thread at a time */
	pir_repository *repinfo;
	/* per repository: its name was given (else named at run, fleet/names.c), its shown path */
	struct pir_repo_added {
		bool named;
		const char *shown;
		size_t position; /* in the whole list, before shards */
	} * added;
	size_t added_cap;
};

/* scan.c */
unsigned pir_scan_is_item_file(const pir_scan *scan, const char *path);
/* Whether `path` (a file, or a folder when is_dir) matches an exclude glob. */
bool pir_scan_is_excluded(const pir_scan *scan, const char *path, bool is_dir);
int pir_scan_progress(pir_scan *scan, const char *repo, const char *phase, size_t done,
		      size_t total);

/* from_json.c: every result as a JSON array (result_json.h), for the JSON output's "results" */
int pir_scan_write_results(pir_buf *out, const pir_scan *scan, int indent);

/* scan.c: scan repository i (or take it from the cache), keep its result, free the rest */
int pir_scan_one(pir_scan *scan, size_t i);
typedef int (*pir_scan_one_fn)(pir_scan *scan, size_t i);

/*
 * scan_pool.c: every repository, side by side, each by `one` (pir_scan_one,
 * handed down so that the pool does not call up into the driver); the
 * results in the order of the whole list
 */
int pir_scan_all(pir_scan *scan, pir_scan_one_fn one);
int pir_scan_order_results(pir_scan *scan);

/*
 * scan_cache.c: the cached result of repository i whose ref names `tip` (1,
 * with `*out`), or 0 on a miss, with its key in `key`; storing a new result
 * under it.
 */
int pir_scan_cache_lookup(pir_scan *scan, size_t i, const git_oid *tip, char key[PIR_SHA256_HEX],
			  char hkey[2][PIR_SHA256_HEX], pir_result **out);
int pir_scan_cache_store(pir_scan *scan, size_t i, const char *key, const pir_result *res);
/* Whether what a result says holds for good: not if some of it could not be read. */
bool pir_scan_cache_storable(const pir_result *res);

/*
 * scan_history.c: the history replay, whole (pir_scan_replay_history, with
 * the keys numbered first by pir_scan_number_keys; recording what it
 * consumed in `rec` unless NULL), or from the history cache's record under
 * `hkey` plus the new commits (pir_scan_history_replay: 1 when done, 0 when
 * the record is absent or cannot be trusted for this history: the caller
 * then resets the repository and reads it whole), and the record stored.
 */
struct pir_hist;
int pir_scan_number_keys(pir_repo *r);
/* Each blob there but unreadable: an error, with its path and why, in history order. */
int pir_scan_report_unreadable(pir_repo *r);
int pir_scan_replay_history(pir_repo *r, struct pir_hist *rec);
int pir_scan_history_record(struct pir_hist *rec, const pir_repo *r, uint32_t ci,
			    const pir_change *changes, const uint32_t *pstart);
int pir_scan_history_replay(pir_scan *scan, const char *hkey, pir_repo *r, struct pir_hist *rec);
/*
 * The records to try, in order, from the keys pir_scan_cache_lookup gave
 * (the ref's record, the row naming the latest): the ref's own, then the
 * latest stored for the repository when it is another; "" for none.
 */
int pir_scan_history_candidates(pir_scan *scan, char hkey[2][PIR_SHA256_HEX],
				char out[2][PIR_SHA256_HEX]);
/* The record under hkey[0], and hkey[1]'s row naming it as the latest. */
int pir_scan_history_store(pir_scan *scan, size_t i, char hkey[2][PIR_SHA256_HEX], pir_repo *r,
			   struct pir_hist *rec);

#endif
