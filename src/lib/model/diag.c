/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "error.h"

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
