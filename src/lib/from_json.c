/* SPDX-License-Identifier: MIT */
/*
 * Results from elsewhere: the "results" of another run's JSON output (a
 * shard's), appended to the scan's as if its repositories had been scanned
 * here, and the scan's results written for such a run to read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "json.h"
#include "result_json.h"
#include "scan_int.h"

/* A file of at most this many bytes: a shard of thousands of repositories is far less. */
#define RESULTS_FILE_MAX ((size_t)1 << 32)

static int read_file(pir_buf *out, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n;
	int err = 0;

	if (!f)
		return pir_error_set(PIR_ENOTFOUND, "%s: %s", path, strerror(errno));
	do {
		if ((err = pir_buf_grow(out, 65536)) < 0)
			break;
		n = fread(out->ptr + out->size, 1, 65536, f);
		out->size += n;
		if (out->size > RESULTS_FILE_MAX)
			err = pir_error_set(PIR_EINVALID, "%s: larger than 4 GiB", path);
	} while (!err && n == 65536);
	if (!err && ferror(f))
		err = pir_error_set(PIR_ERROR, "%s: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	return err;
}

/*
 * The file's results, whether they were scanned with history and what
 * decided their extraction ("" when the file does not say); errors name the file.
 */
static int load(pir_result ***v, size_t *n, bool *history, char extraction[PIR_SHA256_HEX],
		const char *path)
{
	pir_buf text = PIR_BUF_INIT;
	pir_arena tmp = {NULL};
	const pir_json *root, *h;
	int err;

	*v = NULL;
	*n = 0;
	if ((err = read_file(&text, path)) < 0)
		goto done;
	if ((err = pir_json_parse(&root, &tmp, text.ptr ? text.ptr : "", text.size)) == 0) {
		h = pir_json_get(root, "history");
		*history = !h || h->type != PIR_JSON_FALSE;
		h = pir_json_get(root, "extraction");
		if (h && h->type == PIR_JSON_STRING && h->len == PIR_SHA256_HEX - 1)
			memcpy(extraction, h->s, PIR_SHA256_HEX);
		err = pir_results_json_parse(v, n, text.ptr, text.size);
	}
	if (err == PIR_EINVALID)
		err = pir_error_set(PIR_EINVALID, "%s: %s", path, pir_error_last());
done:
	pir_arena_dispose(&tmp);
	pir_buf_dispose(&text);
	return err;
}

/* With keep_going, a file that cannot be read is an error diagnostic and the others go on. */
static int unread(pir_scan *s, int err)
{
	if (err == PIR_ENOMEM || !s->opts.keep_going)
		return err;
	return pir_diag_add(&s->diag, PIR_DIAG_ERROR, "results-error", NULL, NULL, 0, 0,
			    "cannot be read: %s", pir_error_last());
}

/* The result already added that `res` is the same repository as, by git folder or name. */
static const pir_result *same_as(const pir_scan *s, const pir_result *res)
{
	for (size_t i = 0; i < s->nresults; i++) {
		const pir_result *o = s->results[i];
		if (!strcmp(o->info.name, res->info.name) ||
		    (o->gitdir && res->gitdir && !strcmp(o->gitdir, res->gitdir)))
			return o;
	}
	return NULL;
}

/* Append `res` (taking it), or say it is a repository read before and drop it. */
static int append(pir_scan *s, pir_result *res, const char *path)
{
	const pir_result *o = same_as(s, res);
	int err;

	if (o) {
		if (o->gitdir && res->gitdir && strcmp(o->gitdir, res->gitdir))
			err = pir_diag_add(&s->diag, PIR_DIAG_ERROR, "results-error", o->info.name,
					   NULL, 0, 0,
					   "%s: another repository named '%s' (%s, not %s); "
					   "left out (name repositories with --repos-from)",
					   path, res->info.name, res->gitdir, o->gitdir);
		else
			err = pir_diag_add(&s->diag, PIR_DIAG_INFO, "same-repository", o->info.name,
					   NULL, 0, 0,
					   "'%s' in %s is the same repository as '%s'; read once",
					   res->info.path ? res->info.path : res->info.name, path,
					   o->info.path ? o->info.path : o->info.name);
		pir_result_free(res);
		return err;
	}
	if (pir_grow((void **)&s->results, &s->results_cap, s->nresults + 1, sizeof(*s->results)) <
	    0) {
		pir_result_free(res);
		return PIR_ENOMEM;
	}
	s->results[s->nresults++] = res;
	return 0;
}

int pir_scan_add_results_file(pir_scan *s, const char *path)
{
	pir_result **v = NULL;
	size_t n = 0, i = 0;
	bool history = true;
	char extraction[PIR_SHA256_HEX] = "";
	int err;

	if (s->ran)
		return pir_error_set(PIR_EINVALID, "the scan has already run");
	if ((err = load(&v, &n, &history, extraction, path)) < 0)
		return unread(s, err);
	if (history == s->opts.no_history)
		err =
		    unread(s, pir_error_set(PIR_EINVALID, "%s: scanned %s history, this run is %s",
					    path, history ? "with" : "without",
					    history ? "without (--no-history)" : "with"));
	else if (*extraction && s->extraction_read && strcmp(extraction, s->extraction))
		err = unread(s, pir_error_set(PIR_EINVALID,
					      "%s: scanned with other options than the results "
					      "files before it (markers, item files, severities, "
					      "size limit, excludes or postmortem files)",
					      path));
	else
		for (; i < n && !err; i++)
			err = append(s, v[i], path);
	if (!err && i == n && *extraction && !s->extraction_read) {
		memcpy(s->extraction, extraction, PIR_SHA256_HEX);
		s->extraction_read = true;
	}
	for (; i < n; i++)
		pir_result_free(v[i]);
	free(v);
	return err;
}

int pir_scan_write_results(pir_buf *out, const pir_scan *s, int indent)
{
	int err = pir_buf_puts(out, "[");

	for (size_t i = 0; i < s->nresults && !err; i++)
		if (!(err = pir_buf_puts(out, i ? ", " : "")))
			err = pir_result_json_write(out, s->results[i], indent);
	return err ? err : pir_buf_puts(out, "]");
}
