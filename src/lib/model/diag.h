/* SPDX-License-Identifier: MIT */
/*
 * Where the stages put what they report: a thread-safe list of diagnostics
 * whose strings it owns. The driver creates one per scan and hands it down.
 */
#ifndef PIRSCAN_MODEL_DIAG_H
#define PIRSCAN_MODEL_DIAG_H

#include <pthread.h>

#include "alloc.h"
#include "arena.h"
#include "pirscan/scan.h"

typedef struct {
	pir_diagnostic *v;
	size_t n, cap;
	pthread_mutex_t lock; /* adds from worker threads */
	pir_arena strings;    /* repo, path and message of each */
} pir_diag_sink;

void pir_diag_sink_init(pir_diag_sink *sink);
void pir_diag_sink_dispose(pir_diag_sink *sink);
/*
 * Add a diagnostic (`code` a static string; `repo` and `path` may be NULL),
 * its message formatted into at most 1 KiB. Safe from any thread. 0 or PIR_ENOMEM.
 */
int pir_diag_add(pir_diag_sink *sink, pir_diag_level level, const char *code, const char *repo,
		 const char *path, unsigned line, unsigned column, const char *fmt, ...)
    PIR_PRINTF(8, 9);

#endif
