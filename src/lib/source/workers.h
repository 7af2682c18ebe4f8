/* SPDX-License-Identifier: MIT */
/*
 * The thread pool of the history walk and the blob phase: each worker has
 * its own git_repository; the calling thread is one of them and reports
 * progress between chunks.
 */
#ifndef PIRSCAN_SOURCE_WORKERS_H
#define PIRSCAN_SOURCE_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>

#include <git2.h>

#include "source.h"

typedef struct {
	pir_repo *r;
	size_t chunk;
	atomic_size_t next;
	atomic_size_t done;
	atomic_int failed;
} pir_job;

typedef struct {
	pir_job *job;
	size_t index;
	int error;
	char message[512];
	int (*fn)(void *self, git_repository *repo);
	pthread_t tid;
} pir_worker;

/* Record `err` and this thread's error message; the other workers stop at their next chunk. */
void pir_worker_fail(pir_worker *w, int err);
/*
 * Run fn on r->ctx.threads workers, each with its own repository (the
 * calling thread's is r->repo), then report `phase` done. The first error.
 */
int pir_workers_run(pir_repo *r, pir_job *jb, int (*fn)(void *, git_repository *),
		    const char *phase, size_t total);
/* Between chunks: the calling thread reports progress; PIR_EUSER once a worker failed. */
int pir_worker_progress(pir_worker *w, const char *phase, size_t total);

#endif
