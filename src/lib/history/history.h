/* SPDX-License-Identifier: MIT */
/* Stage 3, history: keys across every version of every file, and the replay that dates them. */
#ifndef PIRSCAN_HISTORY_H
#define PIRSCAN_HISTORY_H

#include "source.h"

/* keys.c: give each marker text and entry ID a key; each blob its sorted key sets. */
int pir_keys_build(pir_repo *r);

/*
 * Number the keys again as pir_keys_build would have with the blobs in
 * `order` (then the others): the order of first use, which orders the
 * resolved items of equal rank, and the replay's new lineages: before it.
 */
int pir_keys_renumber(pir_repo *r, const uint32_t *order, size_t n);
/*
 * After the replay: parse in full again the slim versions (PIR_BLOB_SLIM)
 * the output shows, where each entry ID that left the scanned tree was last
 * seen and the versions the change under review replaced.
 */
int pir_keys_reread_shown(pir_repo *r);

/*
 * The one key encoding: a key is its kind's letter, then the marker's text or
 * the entry's ID ("m<text>", "y<id>"), so a marker and an entry ID with the
 * same text are different keys.
 */
typedef enum { PIR_KEY_MARKER = 'm', PIR_KEY_ENTRY = 'y' } pir_key_kind;
/* The key of `s` (a marker's text or an entry's ID), PIR_MAP_NONE if it has none. */
uint32_t pir_key_find(const pir_repo *r, pir_key_kind kind, const char *s);
/* Key `k`'s kind, and in `*text` the marker's text or the entry's ID it stands for. */
pir_key_kind pir_key_decode(const pir_repo *r, uint32_t k, const char **text);
/*
 * replay.c: when each marker location and each entry ID came and went, and
 * the due-date moves of entries (docs/format.md, "Dates"). The walk feeds it
 * one commit at a time, parents before children.
 */
typedef struct pir_replay pir_replay;
int pir_replay_new(pir_replay **out, pir_repo *r);
/*
 * Commit `ci`, its changes grouped by parent: group g is
 * changes[pstart[g] .. pstart[g+1]) (a root commit: one group, against
 * nothing). Changes that touch no blob with a marker or an entry may be left
 * out. Paths must stay valid until pir_replay_finish.
 */
int pir_replay_commit(pir_replay *rp, uint32_t ci, const pir_change *changes,
		      const uint32_t *pstart);
/* Store the results in the repository: r->keys for entries, r->ages for markers. */
int pir_replay_finish(pir_replay *rp);
void pir_replay_free(pir_replay *rp);

/* What the replay says of markers, owned by the repository (r->ages). */
void pir_ages_free(pir_ages *ages);
/*
 * The commit that introduced marker `marker` (its index in the blob's
 * markers) of the scanned tree's file `path`, whose blob is `blob`;
 * PIR_MAP_NONE when unknown (no history).
 */
uint32_t pir_marker_intro(const pir_repo *r, const char *path, uint32_t blob, size_t marker);
/* A marker location that left the scanned tree: where it was last, and when it came and went. */
typedef struct {
	const char *path; /* owned by r->ages */
	uint32_t blob;	  /* the version it was last in */
	uint32_t marker;  /* its index among that blob's markers */
	uint32_t intro_commit, rm_commit;
} pir_marker_gone;
/* The marker locations that left the scanned tree, into `*out` (borrowed); their count. */
size_t pir_markers_gone(const pir_repo *r, const pir_marker_gone **out);

#endif
