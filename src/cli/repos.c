/* SPDX-License-Identifier: MIT */
/* The repositories of a run: arguments and --repos-from lists, mirrors fetched, one shard. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* A whole file, or standard input for "-", into `b`. */
static int read_list(pir_buf *b, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[8192];
	size_t n;

	if (!f) {
		cli_error("--repos-from: cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		char *p = realloc(b->ptr, b->size + n + 1);
		if (!p) {
			cli_error("out of memory");
			break;
		}
		b->ptr = p;
		memcpy(b->ptr + b->size, chunk, n);
		b->size += n;
		b->ptr[b->size] = '\0';
	}
	if (ferror(f) || n > 0) {
		if (ferror(f))
			cli_error("--repos-from: cannot read '%s': %s", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* The fleet of the arguments and lists in order ("." without either), resolved. */
static int build(cli_scan_args *a)
{
	int err;

	if ((err = pir_fleet_new(&a->fleet, &a->fleet_opts)) < 0)
		return cli_fail(err, NULL);
	if (!a->nsources && (err = pir_fleet_add(a->fleet, ".")) < 0)
		return cli_fail(err, NULL);
	for (size_t i = 0; i < a->nsources; i++) {
		const cli_source *s = &a->sources[i];
		pir_buf text = PIR_BUF_INIT;
		if (!s->list) {
			if ((err = pir_fleet_add(a->fleet, s->value)) < 0)
				return cli_fail(err, NULL);
			continue;
		}
		if (read_list(&text, s->value) < 0) {
			free(text.ptr);
			return CLI_EXIT_FATAL;
		}
		err = pir_fleet_add_list(a->fleet, s->value, text.ptr ? text.ptr : "", text.size);
		free(text.ptr);
		if (err < 0)
			return cli_fail(err, NULL);
	}
	if ((err = pir_fleet_resolve(a->fleet)) < 0)
		return cli_fail(err, NULL);
	return CLI_EXIT_OK;
}

/* Each URL's mirror brought up to date, "fetch K/N NAME" on a terminal; failures are kept. */
static void fetch_all(cli_scan_args *a, bool progress)
{
	size_t n = pir_fleet_count(a->fleet), urls = 0, done = 0;

	for (size_t i = 0; i < n; i++)
		urls += pir_fleet_get(a->fleet, i)->url && !pir_fleet_get(a->fleet, i)->duplicate;
	for (size_t i = 0; i < n && urls; i++) {
		const pir_fleet_repo *r = pir_fleet_get(a->fleet, i);
		if (!r->url)
			continue;
		if (progress && !r->duplicate)
			fprintf(stderr, "\r\033[Kpirscan: fetch %zu/%zu %s", ++done, urls, r->name);
		pir_fleet_fetch(a->fleet,
				i); /* a failure is the repository's: reported by the scan */
	}
	if (progress && urls)
		fputs("\r\033[K", stderr);
}

/*
 * A path that does not exist says so, not "not a git repository". Of
 * several, one that is missing is the scan's to report (repository-error):
 * the others go on.
 */
static int check_paths(const pir_fleet *fleet)
{
	struct stat st;

	for (size_t i = 0; pir_fleet_count(fleet) == 1 && i < pir_fleet_count(fleet); i++) {
		const pir_fleet_repo *r = pir_fleet_get(fleet, i);
		if (r->url || stat(r->path, &st) == 0)
			continue;
		if (r->list)
			cli_error("%s:%u: '%s': %s", r->list, r->line, r->path,
				  errno == ENOENT ? "no such file or directory" : strerror(errno));
		else
			cli_error("'%s': %s", r->path,
				  errno == ENOENT ? "no such file or directory" : strerror(errno));
		return -1;
	}
	return 0;
}

int cli_fleet_prepare(cli_scan_args *a, bool progress)
{
	if (build(a) != CLI_EXIT_OK)
		return CLI_EXIT_FATAL;
	if (!a->no_fetch)
		fetch_all(a, progress);
	return check_paths(a->fleet) < 0 ? CLI_EXIT_FATAL : CLI_EXIT_OK;
}

const char *cli_fleet_first(const cli_scan_args *a)
{
	for (size_t i = 0; a->fleet && i < pir_fleet_count(a->fleet); i++) {
		const pir_fleet_repo *r = pir_fleet_get(a->fleet, i);
		if (!r->url || r->mirrored)
			return r->path;
	}
	return NULL;
}

int cli_fleet_add(pir_scan *scan, const cli_scan_args *a)
{
	for (size_t i = 0; i < pir_fleet_count(a->fleet); i++) {
		const pir_fleet_repo *r = pir_fleet_get(a->fleet, i);
		pir_repository_options o = PIR_REPOSITORY_OPTIONS_INIT;
		char *why = NULL;
		int err;

		o.name = r->name;
		o.shown = r->url ? r->source : NULL;
		o.error = r->error;
		o.position = r->position + 1;
		o.gitdir = r->gitdir;
		if (r->url && !r->mirrored && !r->error) {
			/* the library names no flag: this does */
			if (!(why = malloc(strlen(r->source) + 64))) {
				cli_error("out of memory");
				return CLI_EXIT_FATAL;
			}
			sprintf(why, "%s is not mirrored yet (--no-fetch)", r->source);
			o.error = why;
		}
		err = pir_scan_add_repository_ext(scan, r->path, &o);
		free(why);
		if (err < 0)
			return cli_fail(err, NULL);
	}
	return CLI_EXIT_OK;
}
