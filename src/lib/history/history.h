/* SPDX-License-Identifier: MIT */
/* Stage 3, history: keys across every version of every file, and the replay that dates them. */
#ifndef PIRSCAN_HISTORY_H
#define PIRSCAN_HISTORY_H

#include "source.h"

/* keys.c: give each marker text and entry ID a key; each blob its sorted key sets. */
int pir_keys_build(pir_repo *r);
/* replay.c: when each key came and went, and its due date moves. */
int pir_history_replay(pir_repo *r);

#endif
