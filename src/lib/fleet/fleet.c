/* SPDX-License-Identifier: MIT */
/*
 * The fleet: repository lists and arguments, resolved in four steps.
 * 1. Each list is read whole and named at once (list.c): a bad line adds
 *    nothing, and a line's name depends only on its own list.
 * 2. Each repository is located: a path is opened for its root, its git
 *    folder (two paths to one repository are one) and the size of its
 *    objects; a URL gets its mirror's folder under the cache.
 * 3. Arguments are named by their folders, longer suffixes where two share
 *    one (names.c); a list's names are never changed, two equal ones are an
 *    error naming both lines.
 * 4. The shard is dealt from the whole list (shard.c), so that every shard
 *    computes the same partition and the same names.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "error.h"
#include "fleet.h"
#include "gitinit.h"

typedef struct {
	pir_fleet_repo pub;
	const char *arg;  /* as written: a URL's credentials stay here, for fetching only */
	const char *root; /* what an argument is named by */
	size_t first;	  /* the first entry of the same repository: itself, or one before */
} entry;

struct pir_fleet {
	pir_fleet_options opts;
	pir_arena arena;
	entry *v;
	size_t n, cap;
	size_t *shard; /* indices into v of this run's entries, in order */
	size_t nshard;
	bool resolved;
};

#define MAX_LINE 4096

int pir_fleet_cache_dir(char **out, const char *dir)
{
	const char *base;

	*out = NULL;
	if (dir)
		*out = pir_strdup(dir);
	else if ((base = getenv("XDG_CACHE_HOME")) && base[0] == '/')
		*out = pir_sprintf("%s/pirscan", base);
	else if ((base = getenv("HOME")) && *base)
		*out = pir_sprintf("%s/.cache/pirscan", base);
	else
		return pir_error_set(PIR_ENOTFOUND,
				     "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
	return *out ? 0 : PIR_ENOMEM;
}

int pir_fleet_parse_shard(unsigned *k, unsigned *n, const char *s)
{
	unsigned long a, b;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		goto bad;
	a = strtoul(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	b = strtoul(end + 1, &end, 10);
	if (*end || b < 1 || b > 65536 || a >= b)
		goto bad;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
bad:
	return pir_error_set(PIR_EINVALID,
			     "expected K/N with 0 <= K < N <= 65536 (shard K of N), not '%s'", s);
}

int pir_fleet_new(pir_fleet **out, const pir_fleet_options *opts)
{
	pir_fleet_options defaults = PIR_FLEET_OPTIONS_INIT;
	pir_fleet *f;

	*out = NULL;
	if (opts && opts->version != PIR_FLEET_OPTIONS_VERSION)
		return pir_error_set(PIR_EINVALID, "unsupported fleet options version %u",
				     opts->version);
	if (opts && opts->nshards && opts->shard >= opts->nshards)
		return pir_error_set(PIR_EINVALID, "shard %u of %u: expected 0 <= K < N",
				     opts->shard, opts->nshards);
	if (!(f = pir_calloc(1, sizeof(*f))))
		return PIR_ENOMEM;
	f->opts = opts ? *opts : defaults;
	if (f->opts.cache_dir &&
	    !(f->opts.cache_dir = pir_arena_strdup(&f->arena, f->opts.cache_dir))) {
		pir_fleet_free(f);
		return PIR_ENOMEM;
	}
	*out = f;
	return 0;
}

void pir_fleet_free(pir_fleet *f)
{
	if (!f)
		return;
	free(f->v);
	free(f->shard);
	pir_arena_dispose(&f->arena);
	free(f);
}

static int push(pir_fleet *f, const char *arg, const char *source, const char *list, unsigned line,
		const char *name)
{
	entry *e;

	if (f->resolved)
		return pir_error_set(PIR_EINVALID, "the fleet is already resolved");
	if (pir_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)) < 0)
		return PIR_ENOMEM;
	e = &f->v[f->n];
	memset(e, 0, sizeof(*e));
	if (!(e->arg = pir_arena_strdup(&f->arena, arg)) ||
	    !(e->pub.source = pir_arena_strdup(&f->arena, source)))
		return PIR_ENOMEM;
	e->pub.path = e->arg;
	e->pub.url = pir_fleet_is_url(arg);
	e->pub.list = list;
	e->pub.line = line;
	e->pub.name = name;
	e->first = f->n++;
	return 0;
}

/* The last error's message after "BEFORE WHAT AFTER: " (it is copied first: the same buffer). */
static int prefix_error(int code, const char *before, const char *what, const char *after)
{
	char *msg = pir_strdup(pir_error_last() ? pir_error_last() : "");

	if (!msg)
		return PIR_ENOMEM;
	code = pir_error_set(code, "%s%s%s: %s", before, what, after, msg);
	free(msg);
	return code;
}

int pir_fleet_add(pir_fleet *f, const char *arg)
{
	char *shown;
	int err;

	if (!(shown = pir_fleet_url_redact(arg)))
		return PIR_ENOMEM;
	if (pir_fleet_is_url(arg) && (err = pir_fleet_url_check(arg)) < 0)
		err = prefix_error(err, "'", shown, "'");
	else
		err = push(f, arg, shown, NULL, 0, NULL);
	free(shown);
	return err;
}

/* An scp-style address, USER@HOST:PATH: ssh, but not a URL libgit2 takes. */
static bool scp_like(const char *s)
{
	const char *at = strchr(s, '@'), *colon = strchr(s, ':'), *slash = strchr(s, '/');

	return at && colon && at < colon && (!slash || colon < slash);
}

/* Why a line (trimmed) is not a repository, or NULL. */
static const char *bad_line(const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return "a NUL byte in the line";
	if (n > MAX_LINE)
		return "the line is longer than 4096 bytes";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return "a control character in the line";
	return NULL;
}

typedef struct {
	const char *s;
	size_t n;
	unsigned line;
	char *arg, *shown;
} list_line;

static void lines_free(list_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].arg);
		free(v[i].shown);
	}
	free(v);
}

/* Check one line of a list and keep a copy of it (and of its URL without credentials). */
static int take_line(list_line *l, const char *where)
{
	const char *why = bad_line(l->s, l->n);

	if (!why && !(l->arg = pir_strndup(l->s, l->n)))
		return PIR_ENOMEM;
	if (!why && scp_like(l->arg) && !pir_fleet_is_url(l->arg))
		why = "an scp-style address (USER@HOST:PATH): write it as ssh://USER@HOST/PATH";
	if (why)
		return pir_error_set(PIR_EINVALID, "%s:%u: %s", where, l->line, why);
	if (pir_fleet_is_url(l->arg) && pir_fleet_url_check(l->arg) < 0) {
		char at[32];
		snprintf(at, sizeof(at), ":%u", l->line);
		return prefix_error(PIR_EINVALID, "", where, at);
	}
	return (l->shown = pir_fleet_url_redact(l->arg)) ? 0 : PIR_ENOMEM;
}

/* The lines of a list that name repositories: not blank, not comments, trimmed. */
static int split_lines(list_line **out, size_t *count, const char *text, size_t len,
		       const char *where)
{
	size_t cap = 0, n = 0;
	unsigned line = 0;
	list_line *v = NULL;
	int err = 0;

	for (const char *p = text, *end = text + len; p < end && !err;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *s = p;
		line++;
		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		if ((err = pir_grow((void **)&v, &cap, n + 1, sizeof(*v))) < 0)
			break;
		v[n] = (list_line){s, (size_t)(e - s), line, NULL, NULL};
		err = take_line(&v[n++], where);
	}
	if (err < 0) {
		lines_free(v, n);
		return err;
	}
	*out = v;
	*count = n;
	return 0;
}

int pir_fleet_add_list(pir_fleet *f, const char *name, const char *text, size_t len)
{
	const char *where = strcmp(name, "-") ? name : "standard input";
	const char **names = NULL, **shown = NULL;
	list_line *v = NULL;
	size_t n = 0, i;
	int err;

	if ((err = split_lines(&v, &n, text, len, where)) < 0)
		return err;
	if (!(names = pir_calloc(n + 1, sizeof(*names))) ||
	    !(shown = pir_calloc(n + 1, sizeof(*shown)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++)
		shown[i] = v[i].shown;
	if ((err = pir_fleet_list_names(names, shown, n, &f->arena)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (!names[i]) {
			err = pir_error_set(PIR_EINVALID, "%s:%u: '%s' names no folder", where,
					    v[i].line, v[i].shown);
			goto done;
		}
	if (!(where = pir_arena_strdup(&f->arena, where))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (i = 0; i < n && !err; i++)
		err = push(f, v[i].arg, v[i].shown, where, v[i].line, names[i]);
done:
	free(names);
	free(shown);
	lines_free(v, n);
	return err;
}

/* Step 2 for a URL: its mirror, whether it is there, its size. */
static int locate_url(pir_fleet *f, entry *e, const char *mirrors, pir_strpool *ids, uint32_t *id)
{
	char *path = pir_fleet_mirror_path(mirrors, e->pub.source), *objects = NULL;
	struct stat st;
	size_t n;

	if (!path || !(e->pub.path = pir_arena_strdup(&f->arena, path)))
		goto oom;
	e->pub.mirrored = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	if (e->pub.mirrored) {
		if (!(objects = pir_sprintf("%s/objects", path)))
			goto oom;
		e->pub.size = pir_fleet_odb_size(objects);
	}
	free(objects);
	/* the root: the URL as shown, without a trailing '/' */
	n = strlen(e->pub.source);
	while (n > 1 && e->pub.source[n - 1] == '/')
		n--;
	if (!(e->root = pir_arena_strndup(&f->arena, e->pub.source, n)))
		goto oom;
	free(path);
	return pir_strpool_intern(ids, e->pub.path, strlen(e->pub.path), id);
oom:
	free(path);
	return PIR_ENOMEM;
}

/*
 * Step 2 for a path: open it for its root, its git folder and its objects.
 * One that cannot be opened is named by its path; the scan says why.
 */
static int locate_path(pir_fleet *f, entry *e, pir_strpool *ids, uint32_t *id)
{
	git_repository *repo = NULL;
	char *root = NULL, *gitdir = NULL, *objects = NULL;
	int err = PIR_ENOMEM;

	if (git_repository_open_ext(&repo, e->arg, 0, NULL) == 0) {
		root = pir_fleet_repo_root(repo);
		gitdir = realpath(git_repository_path(repo), NULL);
		if (!gitdir)
			gitdir = pir_strdup(git_repository_path(repo));
		objects = pir_sprintf("%sobjects", git_repository_commondir(repo));
		if (objects)
			e->pub.size = pir_fleet_odb_size(objects);
	} else {
		git_error_clear();
		root = realpath(e->arg, NULL);
		if (!root)
			root = pir_strdup(e->arg);
		gitdir = pir_strdup(root ? root : "");
	}
	if (root && gitdir && (e->root = pir_arena_strdup(&f->arena, root)) &&
	    (!repo || (e->pub.gitdir = pir_arena_strdup(&f->arena, gitdir))))
		err = pir_strpool_intern(ids, gitdir, strlen(gitdir), id);
	git_repository_free(repo);
	free(root);
	free(gitdir);
	free(objects);
	return err;
}

/* Steps 1 and 2: every entry located, and the first of each repository found. */
static int locate_all(pir_fleet *f)
{
	char *cache = NULL, *mirrors = NULL;
	pir_strpool ids = {0};
	size_t *first = NULL;
	int err = 0;

	for (size_t i = 0; i < f->n && !mirrors && !err; i++)
		if (f->v[i].pub.url && !(err = pir_fleet_cache_dir(&cache, f->opts.cache_dir)) &&
		    !(mirrors = pir_sprintf("%s/mirrors", cache)))
			err = PIR_ENOMEM;
	if (!err && !(first = pir_malloc((f->n ? f->n : 1) * sizeof(*first))))
		err = PIR_ENOMEM;
	pir_git_acquire();
	for (size_t i = 0; i < f->n && !err; i++) {
		entry *e = &f->v[i];
		size_t before = ids.n;
		uint32_t id;
		err = e->pub.url ? locate_url(f, e, mirrors, &ids, &id)
				 : locate_path(f, e, &ids, &id);
		if (err)
			break;
		if (ids.n > before)
			first[id] = i;
		e->first = first[id];
		e->pub.duplicate = e->first != i;
	}
	pir_git_release();
	free(first);
	free(cache);
	free(mirrors);
	pir_strpool_dispose(&ids);
	return err;
}

/* "FILE:LINE" of a list's entry, or "argument 'PATH'". */
static char *origin(const entry *e)
{
	return e->pub.list ? pir_sprintf("%s:%u", e->pub.list, e->pub.line)
			   : pir_sprintf("argument '%s'", e->pub.source);
}

/* Step 3: the lists' names, each of one repository; then the arguments' around them. */
static int name_all(pir_fleet *f)
{
	pir_strpool taken = {0};
	const char **roots = pir_calloc(f->n + 1, sizeof(*roots));
	const char **names = pir_calloc(f->n + 1, sizeof(*names));
	size_t *owner = pir_calloc(f->n + 1, sizeof(*owner)),
	       *args = pir_calloc(f->n + 1, sizeof(*args));
	size_t nargs = 0;
	int err = roots && names && owner && args ? 0 : PIR_ENOMEM;

	for (size_t i = 0; i < f->n && !err; i++) {
		entry *e = &f->v[i];
		size_t before = taken.n;
		uint32_t id;
		if (e->first != i)
			continue;
		if (!e->pub.list) {
			roots[nargs] = e->root;
			args[nargs++] = i;
			continue;
		}
		if ((err = pir_strpool_intern(&taken, e->pub.name, strlen(e->pub.name), &id)) < 0)
			break;
		if (taken.n > before) {
			owner[id] = i;
			continue;
		}
		char *a = origin(&f->v[owner[id]]), *b = origin(e);
		err = a && b ? pir_error_set(PIR_EINVALID,
					     "%s: '%s' would name two repositories (also %s); "
					     "give one a longer path",
					     b, e->pub.name, a)
			     : PIR_ENOMEM;
		free(a);
		free(b);
	}
	if (!err && nargs)
		err = pir_fleet_suffix_names(names, roots, nargs, &taken, &f->arena);
	for (size_t k = 0; k < nargs && !err; k++)
		f->v[args[k]].pub.name = names[k];
	for (size_t i = 0; i < f->n && !err; i++)
		f->v[i].pub.name = f->v[f->v[i].first].pub.name;
	pir_strpool_dispose(&taken);
	free(roots);
	free(names);
	free(owner);
	free(args);
	return err;
}

/* Step 4: this run's entries; with shards, those dealt to it, duplicates with their first. */
static int take_shard(pir_fleet *f)
{
	uint64_t *sizes = pir_calloc(f->n + 1, sizeof(*sizes));
	const char **names = pir_calloc(f->n + 1, sizeof(*names));
	unsigned *slice = pir_calloc(f->n + 1, sizeof(*slice)),
		 *of = pir_calloc(f->n + 1, sizeof(*of));
	size_t nunits = 0;
	int err = sizes && names && slice && of ? 0 : PIR_ENOMEM;

	if (!err && !(f->shard = pir_malloc((f->n + 1) * sizeof(*f->shard))))
		err = PIR_ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		f->v[i].pub.position = i;
	for (size_t i = 0; i < f->n && !err; i++) {
		if (f->v[i].first != i)
			continue;
		of[i] = (unsigned)nunits;
		/*
		 * a URL's size is that of this machine's mirror, which another shard's
		 * machine may not have, or have older: every shard must deal the same
		 * slices from the list alone, so URLs weigh nothing and are dealt by count
		 */
		sizes[nunits] = f->v[i].pub.url ? 0 : f->v[i].pub.size;
		names[nunits++] = f->v[i].pub.name;
	}
	if (!err && f->opts.nshards)
		err = pir_fleet_partition(slice, sizes, names, nunits, f->opts.nshards);
	for (size_t i = 0; i < f->n && !err; i++)
		if (!f->opts.nshards || slice[of[f->v[i].first]] == f->opts.shard)
			f->shard[f->nshard++] = i;
	free(sizes);
	free(names);
	free(slice);
	free(of);
	return err;
}

int pir_fleet_resolve(pir_fleet *f)
{
	int err;

	if (f->resolved)
		return pir_error_set(PIR_EINVALID, "the fleet is already resolved");
	f->resolved = true;
	if ((err = locate_all(f)) < 0 || (err = name_all(f)) < 0)
		return err;
	return take_shard(f);
}

size_t pir_fleet_total(const pir_fleet *f)
{
	return f->resolved ? f->n : 0;
}

size_t pir_fleet_count(const pir_fleet *f)
{
	return f->nshard;
}

const pir_fleet_repo *pir_fleet_get(const pir_fleet *f, size_t i)
{
	return i < f->nshard ? &f->v[f->shard[i]].pub : NULL;
}

int pir_fleet_fetch(pir_fleet *f, size_t i)
{
	entry *e;
	char *cause = NULL;
	int err;

	if (i >= f->nshard)
		return pir_error_set(PIR_EINVALID, "no repository %zu in the fleet", i);
	e = &f->v[f->shard[i]];
	if (!e->pub.url)
		return 0;
	if (e->first != f->shard[i]) { /* fetched as its first (before it, in the same shard) */
		e->pub.mirrored = f->v[e->first].pub.mirrored;
		e->pub.error = f->v[e->first].pub.error;
		return e->pub.error ? pir_error_set(PIR_EGIT, "%s: %s", e->pub.name, e->pub.error)
				    : 0;
	}
	if ((err = pir_fleet_mirror_fetch(&cause, e->pub.path, e->arg, e->pub.source)) < 0) {
		e->pub.error = cause ? pir_arena_strdup(&f->arena, cause) : NULL;
		free(cause);
		return e->pub.error ? pir_error_set(err, "%s: %s", e->pub.name, e->pub.error)
				    : PIR_ENOMEM;
	}
	e->pub.mirrored = true;
	return 0;
}
