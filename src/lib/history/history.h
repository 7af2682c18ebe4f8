/* SPDX-License-Identifier: MIT */
/* Stage 3, history: keys across every version of every file, and the replay that dates them. */
#ifndef PIRSCAN_HISTORY_H
#define PIRSCAN_HISTORY_H

#include "source.h"

/* keys.c: give each marker text and entry ID a key; each blob its sorted key sets. */
int pir_keys_build(pir_repo *r);

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
/* replay.c: when each key came and went, and its due date moves. */
int pir_history_replay(pir_repo *r);

#endif
