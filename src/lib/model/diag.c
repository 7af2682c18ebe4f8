/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "arena.h"
#include "diag.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"

void pir_diag_sink_init(pir_diag_sink *sink)
{
	*sink = (pir_diag_sink){0};
	pthread_mutex_init(&sink->lock, NULL);
}

void pir_diag_sink_dispose(pir_diag_sink *sink)
{
	free(sink->v);
	pir_arena_dispose(&sink->strings);
	pthread_mutex_destroy(&sink->lock);
}

int pir_diag_add(pir_diag_sink *sink, pir_diag_level level, const char *code, const char *repo,
		 const char *path, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	pir_diagnostic *d;
	int err = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&sink->lock);
	if (pir_grow((void **)&sink->v, &sink->cap, sink->n + 1, sizeof(*d)) < 0) {
		err = PIR_ENOMEM;
		goto done;
	}
	d = &sink->v[sink->n];
	d->level = level;
	d->code = code;
	d->line = line;
	d->column = column;
	d->repo = pir_arena_strdup(&sink->strings, repo);
	d->path = pir_arena_strdup(&sink->strings, path);
	d->message = pir_arena_strdup(&sink->strings, msg);
	if (!d->message || (repo && !d->repo) || (path && !d->path))
		err = PIR_ENOMEM;
	else
		sink->n++;
done:
	pthread_mutex_unlock(&sink->lock);
	return err;
}

int pir_fdiag_add(pir_fdiag_list *list, pir_diag_level level, const char *code, unsigned line,
		  unsigned column, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *msg;
	pir_fdiag *d;

	if (pir_grow((void **)&list->v, &list->cap, list->n + 1, sizeof(*list->v)) < 0)
		return PIR_ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(msg = pir_malloc((size_t)n + 1)))
		return PIR_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	d = &list->v[list->n++];
	d->level = level;
	d->code = code;
	d->line = line;
	d->column = column;
	d->message = msg;
	return 0;
}

void pir_fdiag_list_clear(pir_fdiag_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i].message);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
