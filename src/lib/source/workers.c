/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <git2.h>

#include "alloc.h"
#include "error.h"
#include "pirscan/common.h"
#include "source.h"
#include "workers.h"

void pir_worker_fail(pir_worker *w, int err)
{
	const char *msg = pir_error_last();

	w->error = err;
	snprintf(w->message, sizeof(w->message), "%s", msg ? msg : "unknown error");
	atomic_store(&w->job->failed, 1);
}

static void *worker_main(void *arg)
{
	pir_worker *w = arg;
	git_repository *repo = NULL;
	int err;

	if ((err = pir_repo_open_again(&repo, w->job->r)) < 0)
		pir_worker_fail(w, err);
	else if ((err = w->fn(w, repo)) < 0)
		pir_worker_fail(w, err);
	git_repository_free(repo);
	return NULL;
}

/*
 * Run fn on `threads` workers (the calling thread is one of them and reports
 * progress), each with its own repository. Returns the first error.
 */
int pir_workers_run(pir_repo *r, pir_job *jb, int (*fn)(void *, git_repository *),
		    const char *phase, size_t total)
{
	unsigned n = r->ctx.threads;
	pir_worker *ws = pir_calloc(n, sizeof(*ws));
	int err = 0;
	unsigned started = 1;

	if (!ws)
		return PIR_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		ws[i].job = jb;
		ws[i].index = i;
		ws[i].fn = fn;
	}
	for (unsigned i = 1; i < n; i++) {
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
			break;
		started++;
	}
	/* the calling thread works too, in the repository it already has */
	if ((err = fn(&ws[0], r->repo)) < 0)
		pir_worker_fail(&ws[0], err);
	for (unsigned i = 1; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	/* the first real error: PIR_EUSER from a worker only means another one failed */
	err = 0;
	for (unsigned pass = 0; pass < 2 && !err; pass++) {
		for (unsigned i = 0; i < started && !err; i++) {
			if (ws[i].error && (pass == 1 || ws[i].error != PIR_EUSER)) {
				err = ws[i].error;
				pir_error_set(err, "%s", ws[i].message);
			}
		}
	}
	if (!err)
		err = r->ctx.progress(r->ctx.payload, r->name, phase, total, total);
	free(ws);
	return err;
}

/* The calling thread's worker reports progress between chunks. */
int pir_worker_progress(pir_worker *w, const char *phase, size_t total)
{
	pir_job *jb = w->job;

	if (w->index != 0)
		return atomic_load(&jb->failed) ? PIR_EUSER : 0;
	if (atomic_load(&jb->failed))
		return PIR_EUSER;
	return jb->r->ctx.progress(jb->r->ctx.payload, jb->r->name, phase, atomic_load(&jb->done),
				   total);
}
