/* SPDX-License-Identifier: MIT */
/* The driver's repositories side by side: a pool of workers, and the results in list order. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "pirscan/common.h"
#include "result.h"
#include "scan_int.h"
#include "source.h"

/* Report progress; the callback is called by one thread at a time. */
int pir_scan_progress(pir_scan *s, const char *repo, const char *phase, size_t done, size_t total)
{
	pir_progress p = {repo, phase, done > total && total ? total : done, total};
	int stop;

	if (!s->opts.progress)
		return 0;
	/* repositories are scanned side by side: the callback is called by one at a time */
	pthread_mutex_lock(&s->progress_lock);
	stop = s->opts.progress(&p, s->opts.progress_payload);
	pthread_mutex_unlock(&s->progress_lock);
	return stop ? pir_error_set(PIR_EUSER, "scan aborted") : 0;
}

/* Repositories handed out one at a time to `threads` workers; the first error stops them. */
typedef struct {
	pir_scan *s;
	pthread_mutex_t lock;
	size_t next, done;
	int err;
	char *msg; /* the failing worker's error message */
	pir_scan_one_fn one;
} fleet;

static void *fleet_worker(void *arg)
{
	fleet *f = arg;
	pir_scan *s = f->s;

	for (;;) {
		size_t i, done;
		const char *name;
		int err, stop;

		pthread_mutex_lock(&f->lock);
		i = f->next++;
		stop = f->err;
		pthread_mutex_unlock(&f->lock);
		if (stop || i >= s->nrepos)
			break;
		name = s->repos[i]->name; /* in the scan's arena: it outlives the repository */
		err = f->one(s, i);
		pthread_mutex_lock(&f->lock);
		done = ++f->done;
		pthread_mutex_unlock(&f->lock);
		if (!err)
			err = pir_scan_progress(s, name, "repositories", done, s->nrepos);
		pthread_mutex_lock(&f->lock);
		if (err && !f->err) {
			f->err = err;
			f->msg = pir_strdup(pir_error_last());
		}
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

/*
 * Every repository: one after another when there is one, else as many at
 * once as the scan has threads (each still reads its own blobs with them).
 */
int pir_scan_all(pir_scan *s, pir_scan_one_fn one)
{
	unsigned n = s->threads < s->nrepos ? s->threads : (unsigned)s->nrepos;
	pthread_t tid[16];
	fleet f = {s, PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, NULL, one};
	unsigned started = 0;
	size_t base = s->nresults; /* results read from files (from_json.c) come first */

	if (pir_grow((void **)&s->results, &s->results_cap, base + s->nrepos + 1,
		     sizeof(*s->results)) < 0)
		return PIR_ENOMEM;
	memset(s->results + base, 0, (s->nrepos + 1) * sizeof(*s->results));
	s->nresults = base + s->nrepos;
	if (n > PIR_ARRAY_SIZE(tid))
		n = PIR_ARRAY_SIZE(tid);
	if (n <= 1) {
		for (size_t i = 0; i < s->nrepos && !f.err; i++) {
			const char *name = s->repos[i]->name;
			if (!(f.err = one(s, i)) && s->nrepos > 1)
				f.err =
				    pir_scan_progress(s, name, "repositories", i + 1, s->nrepos);
		}

		return f.err;
	}
	for (unsigned t = 0; t < n; t++)
		if (pthread_create(&tid[started], NULL, fleet_worker, &f) == 0)
			started++;
	if (!started)
		fleet_worker(&f);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&f.lock);
	if (f.err && f.msg)
		pir_error_set(f.err, "%s", f.msg);
	free(f.msg);
	return f.err;
}

typedef struct {
	pir_result *res;
	size_t at;
} placed;

static int cmp_placed(const void *pa, const void *pb)
{
	const placed *a = pa, *b = pb;

	if (a->res->position != b->res->position)
		return a->res->position < b->res->position ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/*
 * Results without the slots of repositories not reached, in the order of
 * the whole list: shards' results read from files take their places among
 * each other as in one run over the list (the order decides ties in
 * linking). Files whose places repeat were not cut from one list: they are
 * taken in the order given.
 */
int pir_scan_order_results(pir_scan *s)
{
	size_t n = 0;
	placed *v;

	for (size_t i = 0; i < s->nresults; i++)
		if (s->results[i])
			s->results[n++] = s->results[i];
	s->nresults = n;
	if (n < 2 || s->nresults == s->nrepos) /* repositories alone: already in order */
		return 0;
	if (!(v = pir_calloc(n, sizeof(*v))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (placed){s->results[i], i};
	qsort(v, n, sizeof(*v), cmp_placed);
	/* places that repeat are of separate lists (shards split by hand): their order stays */
	for (size_t i = 1; i < n; i++)
		if (v[i].res->position == v[i - 1].res->position) {
			free(v);
			for (size_t k = 0; k < n; k++) /* as one run over them, in that order */
				s->results[k]->position = k;
			return 0;
		}
	for (size_t i = 0; i < n; i++)
		s->results[i] = v[i].res;
	free(v);
	return 0;
}
