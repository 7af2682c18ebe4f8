/* SPDX-License-Identifier: MIT */
/*
 * Stage 3b, results: what linking needs from one scanned repository, in
 * memory it owns. The driver builds one from each repository right after its
 * scan (collect.c) and frees the repository's reading state, so a fleet costs
 * its largest repository, not the sum; a cache stores it and a shard's JSON
 * rebuilds it, and linking cannot tell the three apart.
 */
#ifndef PIRSCAN_RESULT_H
#define PIRSCAN_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "extract.h"
#include "pirscan/scan.h"

/* One location: an entry of an action-items file or a marker, live or resolved. */
typedef struct {
	pir_location loc;   /* repo is the result's name; introduced, resolved and changed set */
	bool live;	    /* in the scanned tree (else: where it was last seen) */
	pir_marker *marker; /* a marker's location: the marker, else NULL */
	pir_entry *entry;   /* an entry's location: the entry, else NULL */
	/* an entry's, from the history of its ID in this repository: */
	pir_commit_ref closed_at; /* its last change to a closed status; unset if none */
	pir_due_change *due;	  /* its due-date moves, oldest first */
	size_t ndue;
} pir_result_loc;

/* A line of a scanned file that names an ID but holds no marker (near-miss, once linked). */
typedef struct {
	const char *path;
	unsigned line, column;
	const char *id;
	bool changed; /* with changed_since: the change touched this line's file (as for diags) */
} pir_result_mention;

/* A diagnostic of this repository, and whether the change under review touched its file. */
typedef struct {
	pir_diagnostic d;
	bool changed; /* with changed_since */
} pir_result_diag;

/* A postmortem document of the scanned tree and its incident (ID from its path when it names
 * none). */
typedef struct {
	const char *path;
	pir_incident_info info; /* id never NULL; strings in the result's arena */
} pir_result_incident;

typedef struct pir_result {
	pir_repository info; /* name, path, ref, commit, shallow, commits and blobs */
	char *gitdir;	     /* the real path of its git folder, NULL when unknown */
	bool failed;	     /* could not be scanned at all: diags say why */
	size_t position;     /* its place in the whole list of repositories (before shards):
				results read from several files are linked in this order */
	pir_result_loc *locs;
	size_t nlocs;
	pir_result_mention *mentions;
	size_t nmentions;
	size_t history_marker_limits; /* versions only in history not fully searched */
	char **gone_ids; /* with changed_since: IDs of entries in versions the change replaced */
	size_t ngone_ids;
	char *codeowners;	/* the scanned tree's CODEOWNERS text, NULL without one */
	pir_result_diag *diags; /* in the order they were reported */
	size_t ndiags;
	pir_result_incident *incidents; /* by path */
	size_t nincidents;
	pir_arena arena; /* every string and array above */
} pir_result;

/* collect.c: the result of repository `r`, scanned (with its history unless `no_history`). */
struct pir_repo;
int pir_result_collect(pir_result **out, struct pir_repo *r, bool history);
/* An empty result. */
int pir_result_new(pir_result **out);
/*
 * The result of repository `r` that could not be scanned: its name and path,
 * the diagnostics it had, and an error with `code` (repository-error,
 * fetch-failed) naming it and `why`.
 */
int pir_result_failed(pir_result **out, struct pir_repo *r, const char *code, const char *why);
void pir_result_free(pir_result *res);

#endif
