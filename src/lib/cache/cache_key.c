/* SPDX-License-Identifier: MIT */
/*
 * The cache's key: what a repository's result depends on, and nothing else.
 *
 * A result is a function of the objects reachable from the tips scanned,
 * where the walk stops (shallow, grafts) and the extraction options. The
 * objects are named by the tips' ids, so the key holds: the repository, the
 * ref and commit scanned, every branch and tag with --all-refs (the walk
 * starts from each), the shallow and grafts files, pirscan's version, and
 * each option the reading stages see (source_ctx in scan.c, and the marker
 * matcher). The repository's .pirscan.yml is read from the scanned tree, so
 * the commit fixes it; what the command line and host configuration make of
 * it arrives here as options. Linking's options (dates, teams, stale limits,
 * slips) are applied after the cache and left out, as are the threads.
 *
 * Each field is hashed as its name, its length (8 bytes) and its bytes, so
 * no two different sets of values hash alike by concatenation; lists are
 * their count then each value. A list left to its default hashes as the
 * word "default", whatever the default is (pirscan's version covers that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "cache.h"
#include "error.h"

#ifndef PIRSCAN_VERSION
#define PIRSCAN_VERSION "unknown"
#endif

/* The key's own format: bump it when a field is added or changes meaning. */
#define KEY_FORMAT "pirscan-cache-key 2" /* 2: postmortem documents are read */

bool pir_cache_applies(const pir_scan_options *opts)
{
	return opts->cache_dir && *opts->cache_dir && !opts->changed_since;
}

static void field(pir_sha256 *h, const char *name, const void *data, size_t len)
{
	unsigned char n[8];

	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	pir_sha256_update(h, name, strlen(name) + 1);
	pir_sha256_update(h, n, sizeof(n));
	pir_sha256_update(h, data ? data : "", len);
}

static void field_str(pir_sha256 *h, const char *name, const char *s)
{
	field(h, name, s ? s : "", s ? strlen(s) : 0);
}

static void field_num(pir_sha256 *h, const char *name, unsigned long long v)
{
	char num[32];

	field(h, name, num, (size_t)snprintf(num, sizeof(num), "%llu", v));
}

/* A NULL-terminated list, or `fallback` ("default") when it is NULL or empty. */
static void field_list(pir_sha256 *h, const char *name, const char *const *list,
		       const char *fallback)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	if (!n && fallback) {
		field_num(h, name, 1);
		field_str(h, name, fallback);
		return;
	}
	field_num(h, name, n);
	for (size_t i = 0; i < n; i++)
		field_str(h, name, list[i]);
}

/* The marker patterns the matcher is built from (new_matcher in scan.c). */
static void field_markers(pir_sha256 *h, const pir_scan_options *o)
{
	const char *one[2] = {o->marker_pattern, NULL};

	if (o->marker_patterns && o->marker_patterns[0])
		field_list(h, "markers", o->marker_patterns, "default");
	else
		field_list(h, "markers", one, "default");
	field_num(h, "marker-require-reference", o->marker_require_reference);
}

/* What is extracted from a repository: the options the reading stages see. */
static void extraction_fields(pir_sha256 *h, const pir_scan_options *o)
{
	field_num(h, "history", !o->no_history);
	field_num(h, "max-size", o->max_blob_size);
	field_markers(h, o);
	field_list(h, "item-files", o->item_files, "default");
	field_list(h, "severities", o->severities, "default");
	field_list(h, "exclude", o->exclude, NULL);
	field_list(h, "postmortem-files", o->postmortem_files, "default");
}

void pir_cache_extraction_key(char out[PIR_SHA256_HEX], const pir_scan_options *o)
{
	pir_sha256 h;

	pir_sha256_init(&h);
	field_str(&h, "key", "pirscan-extraction 1");
	extraction_fields(&h, o);
	pir_sha256_final_hex(&h, out);
}

enum { KEY_RESULT, KEY_HISTORY, KEY_LATEST };

/*
 * KEY_RESULT: the result's key; KEY_HISTORY: the history payload's (hist.h)
 * for the ref at any commit; KEY_LATEST: the row naming the latest of those.
 */
static void key(char out[PIR_SHA256_HEX], const pir_scan_options *o, const pir_cache_facts *f,
		int kind)
{
	pir_sha256 h;

	pir_sha256_init(&h);
	field_str(&h, "key", KEY_FORMAT);
	field_str(&h, "pirscan", PIRSCAN_VERSION);
	field_str(&h, "payload",
		  kind == KEY_RESULT	? PIR_CACHE_FORMAT
		  : kind == KEY_HISTORY ? "history " PIR_CACHE_HISTORY_FORMAT
					: "history-latest 1");
	/* the repository and where its walk starts and stops */
	field_str(&h, "repo", f->repo);
	if (kind != KEY_LATEST)
		field_str(&h, "ref", f->ref);
	if (kind == KEY_RESULT)
		field_str(&h, "commit", f->commit);
	if (kind != KEY_LATEST)
		field_num(&h, "all-refs", o->all_refs);
	if (kind == KEY_RESULT)
		field(&h, "refs", f->refs, f->refs_len);
	field(&h, "shallow", f->shallow, f->shallow_len);
	field(&h, "grafts", f->grafts, f->grafts_len);
	/* what is extracted from it */
	extraction_fields(&h, o);
	field_str(&h, "changed-since", o->changed_since); /* not cached; here should it ever be */
	pir_sha256_final_hex(&h, out);
}

void pir_cache_key(char out[PIR_SHA256_HEX], const pir_scan_options *o, const pir_cache_facts *f)
{
	key(out, o, f, KEY_RESULT);
}

void pir_cache_history_keys(char ref[PIR_SHA256_HEX], char latest[PIR_SHA256_HEX],
			    const pir_scan_options *o, const pir_cache_facts *f)
{
	key(ref, o, f, KEY_HISTORY);
	key(latest, o, f, KEY_LATEST);
}

/* A file of the git folder, whole; NULL (and 0) when there is none. */
static int read_git_file(char **out, size_t *len, git_repository *repo, const char *name)
{
	char *path = pir_sprintf("%s%s", git_repository_commondir(repo), name);
	pir_buf b = PIR_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f;
	int err = 0;

	*out = NULL;
	*len = 0;
	if (!path)
		return PIR_ENOMEM;
	f = fopen(path, "rb");
	free(path);
	if (!f)
		return 0;
	while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		err = pir_buf_put(&b, chunk, n);
	fclose(f);
	if (err < 0 || (err = pir_buf_putc(&b, '\0')) < 0) {
		pir_buf_dispose(&b);
		return err;
	}
	*len = b.size - 1;
	*out = b.ptr;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line of a ref: its name and its target (an id, or the ref a symbolic one names). */
static char *ref_line(git_reference *ref)
{
	char hex[GIT_OID_HEXSZ + 1] = "";

	if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC)
		return pir_sprintf("%s -> %s\n", git_reference_name(ref),
				   git_reference_symbolic_target(ref));
	git_oid_tostr(hex, sizeof(hex), git_reference_target(ref));
	return pir_sprintf("%s %s\n", git_reference_name(ref), hex);
}

/* Every branch and tag the walk may start from (collect_tips in walk.c), sorted by name. */
static int read_refs(pir_cache_facts *f, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	pir_buf b = PIR_BUF_INIT;
	int gerr, err = 0;

	if ((gerr = git_reference_iterator_new(&it, repo)) < 0)
		return pir_error_git(gerr, "cannot list references");
	while (!err && (gerr = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		if (!strncmp(name, "refs/heads/", 11) || !strncmp(name, "refs/tags/", 10)) {
			if (pir_grow((void **)&lines, &cap, n + 1, sizeof(*lines)) < 0 ||
			    !(lines[n] = ref_line(ref)))
				err = PIR_ENOMEM;
			else
				n++;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (!err && gerr != GIT_ITEROVER)
		err = pir_error_git(gerr, "cannot list references");
	if (!err)
		qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = pir_buf_puts(&b, lines[i]);
		free(lines[i]);
	}
	free(lines);
	if (!err && (err = pir_buf_putc(&b, '\0')) == 0) {
		f->refs = b.ptr;
		f->refs_len = b.size - 1;
		return 0;
	}
	pir_buf_dispose(&b);
	return err;
}

int pir_cache_facts_read(pir_cache_facts *out, git_repository *repo, const char *identity,
			 const char *ref, const git_oid *commit, bool all_refs)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->repo = identity;
	out->ref = ref ? ref : "HEAD";
	if (commit)
		git_oid_tostr(out->commit, sizeof(out->commit), commit);
	if ((err = read_git_file(&out->shallow, &out->shallow_len, repo, "shallow")) < 0 ||
	    (err = read_git_file(&out->grafts, &out->grafts_len, repo, "info/grafts")) < 0 ||
	    (all_refs && (err = read_refs(out, repo)) < 0))
		pir_cache_facts_dispose(out);
	return err;
}

void pir_cache_facts_dispose(pir_cache_facts *f)
{
	free(f->refs);
	free(f->shallow);
	free(f->grafts);
	f->refs = f->shallow = f->grafts = NULL;
	f->refs_len = f->shallow_len = f->grafts_len = 0;
}
