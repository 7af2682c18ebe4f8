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
 * resolved items of equal rank. After the replay (it keeps no key numbers).
 */
int pir_keys_renumber(pir_repo *r, const uint32_t *order, size_t n);

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
 * replay.c: when each key came and went, and its due date moves, commit by
 * commit in topological order (parents first), the changes handed over as
 * the walk makes them.
 */
typedef struct pir_replay pir_replay;
int pir_replay_new(pir_replay **out, pir_repo *r);
/*
 * Commit `ci`, in topological order; its changes grouped by parent: group g
 * is changes[pstart[g] .. pstart[g+1]) (a root commit: 1 group, against
 * nothing), each group sorted by path. The paths must stay valid until
 * pir_replay_finish().
 */
int pir_replay_commit(pir_replay *rp, uint32_t ci, const pir_change *changes,
		      const uint32_t *pstart);
/* The results, in r->keys. */
int pir_replay_finish(pir_replay *rp);
void pir_replay_free(pir_replay *rp);
/* The whole replay over changes stored in the commits (c->changes, c->pstart): the unit tests'. */
int pir_history_replay(pir_repo *r);

#endif
