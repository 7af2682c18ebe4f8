/* SPDX-License-Identifier: MIT */
/* Repository lists, names, shards and mirror paths (src/lib/fleet). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"
#include "test.h"

static pir_fleet *fleet_of(const char *text, int expect)
{
	pir_fleet *f = NULL;

	CHECK_INT(pir_fleet_new(&f, NULL), 0);
	CHECK_INT(pir_fleet_add_list(f, "list.txt", text, strlen(text)), expect);
	return f;
}

static void check_list_error(const char *text, const char *message)
{
	pir_fleet *f = fleet_of(text, PIR_EINVALID);

	CHECK_STR(pir_error_last(), message);
	CHECK_INT(pir_fleet_resolve(f), 0);
	CHECK_INT(pir_fleet_count(f), 0); /* a bad list adds nothing */
	pir_fleet_free(f);
}

static void test_bad_lines(void)
{
	check_list_error("a\n\nftp://host/x\n", "list.txt:3: unsupported URL scheme 'ftp' "
						"(expected file://, git://, https:// or ssh://)");
	check_list_error("# c\ngit@github.com:org/api.git\n",
			 "list.txt:2: an scp-style address (USER@HOST:PATH): write it as "
			 "ssh://USER@HOST/PATH");
	check_list_error("https:///x\n", "list.txt:1: the URL names no host");
	check_list_error("https://u:secret@host/\n", "list.txt:1: the URL names no repository");
	check_list_error("a\x01z\n", "list.txt:1: a control character in the line");
	check_list_error("/\n", "list.txt:1: '/' names no folder");
	{
		pir_fleet *f = NULL;
		CHECK_INT(pir_fleet_new(&f, NULL), 0);
		CHECK_INT(pir_fleet_add_list(f, "-", "x\nhttp://h/x\n", 12), PIR_EINVALID);
		CHECK(strncmp(pir_error_last(), "standard input:2: ", 18) == 0);
		pir_fleet_free(f);
	}
}

static void check_names(const char *const *lines, size_t n, const char *const *want)
{
	const char *out[16];
	pir_arena arena = {0};

	CHECK_INT(pir_fleet_list_names(out, lines, n, &arena), 0);
	for (size_t i = 0; i < n; i++)
		CHECK_STR(out[i], want[i]);
	pir_arena_dispose(&arena);
}

/* A line minus ".git", a trailing '/' and the longest folder prefix common to all. */
static void test_list_names(void)
{
	static const char *const a[] = {"/srv/git/orgA/api.git", "/srv/git/orgB/api/",
					"/srv/git/orgA/web"};
	static const char *const a_want[] = {"orgA/api", "orgB/api", "orgA/web"};
	static const char *const b[] = {"https://github.com/org/api.git",
					"https://github.com/org/billing"};
	static const char *const b_want[] = {"api", "billing"};
	static const char *const c[] = {"./one", "two/.git", "/srv/x"};
	static const char *const c_want[] = {"one", "two", "/srv/x"};
	static const char *const d[] = {"/srv/ab/x", "/srv/a/y"};
	static const char *const d_want[] = {"ab/x", "a/y"};
	static const char *const e[] = {"a/b", "a/b/c"};
	static const char *const e_want[] = {"b", "b/c"};
	static const char *const one[] = {"/srv/git/api.git"};
	static const char *const one_want[] = {"api"};

	check_names(a, 3, a_want);
	check_names(b, 2, b_want);
	check_names(c, 3, c_want);
	check_names(d, 2, d_want);
	check_names(e, 2, e_want);
	check_names(one, 1, one_want);
}

static void check_suffix(const char *const *roots, size_t n, const char *const *want)
{
	const char *out[16];
	pir_arena arena = {0};

	CHECK_INT(pir_fleet_suffix_names(out, roots, n, NULL, &arena), 0);
	for (size_t i = 0; i < n; i++)
		CHECK_STR(out[i], want[i]);
	pir_arena_dispose(&arena);
}

/* Folder names, and the shortest suffix that tells two apart; never a number. */
static void test_suffix_names(void)
{
	static const char *const a[] = {"/x/orgA/api", "/x/orgB/api", "/x/web", "/y/orgA/api",
					"/x/api-2"};
	static const char *const a_want[] = {"x/orgA/api", "orgB/api", "web", "y/orgA/api",
					     "api-2"};
	static const char *const b[] = {"/c/api", "/q/c/api", "/d/api", "/c/api"};
	static const char *const b_want[] = {"/c/api", "q/c/api", "d/api", "/c/api"};
	static const char *const c[] = {"https://h/org/api", "/srv/api", "svc"};
	static const char *const c_want[] = {"org/api", "srv/api", "svc"};

	static const char *const d[] = {"/a/pm", "/a/pm.git", "/b/pm", "/x/svc.git", "/y/.git"};
	static const char *const d_want[] = {"a/pm", "a/pm.git", "b/pm", "svc", ".git"};

	check_suffix(d, 5, d_want);
	check_suffix(a, 5, a_want);
	check_suffix(b, 4, b_want);
	check_suffix(c, 3, c_want);
}

/* A name taken (by a list) makes the suffix grow past it. */
static void test_suffix_taken(void)
{
	static const char *const roots[] = {"/x/a/api", "/x/b/web"};
	pir_strpool taken = {0};
	pir_arena arena = {0};
	const char *out[2];
	uint32_t id;

	CHECK_INT(pir_strpool_intern(&taken, "api", 3, &id), 0);
	CHECK_INT(pir_strpool_intern(&taken, "a/api", 5, &id), 0);
	CHECK_INT(pir_fleet_suffix_names(out, roots, 2, &taken, &arena), 0);
	CHECK_STR(out[0], "x/a/api");
	CHECK_STR(out[1], "web");
	pir_strpool_dispose(&taken);
	pir_arena_dispose(&arena);
}

/* 10,000 roots of which many share a folder name: one sort, not cubic (timed, not asserted). */
static void test_suffix_many(void)
{
	enum { N = 10000 };
	char **roots = calloc(N, sizeof(*roots));
	const char **out = calloc(N, sizeof(*out));
	pir_arena arena = {0};
	struct timespec t0, t1;
	size_t distinct = 0;

	for (size_t i = 0; i < N; i++) {
		roots[i] = malloc(64);
		snprintf(roots[i], 64, "/srv/org%zu/team%zu/%s", i % 97, i % 13,
			 i % 3 ? "api" : "worker");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(pir_fleet_suffix_names(out, (const char *const *)roots, N, NULL, &arena), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "     10000 names in %.1f ms\n",
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* every distinct root a distinct name, each a suffix of its root */
	{
		pir_strpool seen = {0}, names = {0};
		uint32_t id;
		for (size_t i = 0; i < N; i++) {
			size_t rl = strlen(roots[i]), nl = strlen(out[i]);
			CHECK(nl <= rl && !strcmp(roots[i] + rl - nl, out[i]));
			pir_strpool_intern(&seen, roots[i], rl, &id);
			pir_strpool_intern(&names, out[i], nl, &id);
		}
		distinct = seen.n;
		CHECK_INT(names.n, distinct);
		pir_strpool_dispose(&seen);
		pir_strpool_dispose(&names);
	}
	CHECK_STR(out[1], "org1/team1/api");
	for (size_t i = 0; i < N; i++)
		free(roots[i]);
	free(roots);
	free(out);
	pir_arena_dispose(&arena);
}

/* Largest first to the least loaded; equal sizes spread by count; ties by index. */
static void test_partition(void)
{
	static const uint64_t sizes[] = {10, 70, 20, 30, 0, 0, 0, 0};
	static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	unsigned out[8], again[8];

	CHECK_INT(pir_fleet_partition(out, sizes, names, 8, 2), 0);
	/* b(70) to 0, then d(30), c(20), a(10) to 1 (at 60 < 70), and the empty ones too */
	CHECK_INT(out[1], 0);
	CHECK_INT(out[3], 1);
	CHECK_INT(out[2], 1);
	CHECK_INT(out[0], 1);
	CHECK_INT(out[4] + out[5] + out[6] + out[7], 4);
	CHECK_INT(pir_fleet_partition(again, sizes, names, 8, 2), 0);
	CHECK(!memcmp(out, again, sizeof(out)));
	{
		static const uint64_t zero[] = {0, 0, 0, 0, 0};
		static const char *const zn[] = {"e", "d", "c", "b", "a"};
		unsigned z[5];
		CHECK_INT(pir_fleet_partition(z, zero, zn, 5, 3), 0);
		/* by name: a->0, b->1, c->2, d->0, e->1 */
		CHECK_INT(z[4], 0);
		CHECK_INT(z[3], 1);
		CHECK_INT(z[2], 2);
		CHECK_INT(z[1], 0);
		CHECK_INT(z[0], 1);
	}
}

static void test_shard_parse(void)
{
	unsigned k = 9, n = 9;

	CHECK_INT(pir_fleet_parse_shard(&k, &n, "0/4"), 0);
	CHECK_INT(k, 0);
	CHECK_INT(n, 4);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, "3/4"), 0);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, "4/4"), PIR_EINVALID);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, "1/0"), PIR_EINVALID);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, "-1/4"), PIR_EINVALID);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, "1/4x"), PIR_EINVALID);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, " 1/4"), PIR_EINVALID);
	CHECK_INT(pir_fleet_parse_shard(&k, &n, ""), PIR_EINVALID);
}

/* Never a user name or password; each part of the path kept to safe characters. */
static void test_urls(void)
{
	char *s;

	CHECK_STR((s = pir_fleet_url_redact("https://u:tok@h.example/o/a.git")),
		  "https://h.example/o/a.git");
	free(s);
	CHECK_STR((s = pir_fleet_url_redact("ssh://git@h/o/a")), "ssh://h/o/a");
	free(s);
	CHECK_STR((s = pir_fleet_url_redact("/srv/a@b")), "/srv/a@b");
	free(s);
	CHECK_STR((s = pir_fleet_mirror_path("/c/mirrors", "https://H.example:8443/o/../a")),
		  "/c/mirrors/https/h.example%3A8443/o/%2E%2E/a.git");
	free(s);
	CHECK_STR((s = pir_fleet_mirror_path("/c/mirrors", "file:///srv/git/x.git")),
		  "/c/mirrors/file/srv/git/x.git");
	free(s);
	CHECK_STR((s = pir_fleet_mirror_path("/c/m", "git://h/a b")), "/c/m/git/h/a%20b.git");
	free(s);
	CHECK_INT(pir_fleet_url_check("git://h/x"), 0);
	CHECK_INT(pir_fleet_url_check("ssh://git@h:22/x"), 0);
	CHECK_INT(pir_fleet_url_check("file:///x"), 0);
	CHECK_INT(pir_fleet_url_check("http://h/x"), PIR_EINVALID);
}

static char *fixture(const char *name)
{
	char *p = malloc(strlen(FIXTURES) + strlen(name) + 2);
	sprintf(p, "%s/%s", FIXTURES, name);
	return p;
}

/* Arguments named by their folder; one repository by two paths is one; lists keep theirs. */
static void test_fleet_resolve(void)
{
	char *svc = fixture("svc"), *link = fixture("svc-link"), *pm = fixture("postmortems.git");
	char *list = NULL;
	pir_fleet *f = NULL;

	CHECK_INT(pir_fleet_new(&f, NULL), 0);
	CHECK_INT(pir_fleet_add(f, svc), 0);
	CHECK_INT(pir_fleet_add(f, pm), 0);
	CHECK_INT(pir_fleet_add(f, link), 0);
	list = malloc(strlen(FIXTURES) * 2 + 64);
	sprintf(list, "# fixtures\n%s/postmortems\n\n  %s/demo/  \n", FIXTURES, FIXTURES);
	CHECK_INT(pir_fleet_add_list(f, "l", list, strlen(list)), 0);
	CHECK_INT(pir_fleet_resolve(f), 0);
	CHECK_INT(pir_fleet_total(f), 5);
	CHECK_INT(pir_fleet_count(f), 5);
	CHECK_STR(pir_fleet_get(f, 0)->name, "svc");
	CHECK(pir_fleet_get(f, 0)->size > 0);
	CHECK(!pir_fleet_get(f, 0)->duplicate);
	/* postmortems.git is named after the list's "postmortems": a longer suffix */
	CHECK_STR(pir_fleet_get(f, 1)->name, "fixtures/postmortems");
	CHECK_STR(pir_fleet_get(f, 2)->name, "svc");
	CHECK(pir_fleet_get(f, 2)->duplicate);
	CHECK_STR(pir_fleet_get(f, 3)->name, "postmortems");
	CHECK_INT(pir_fleet_get(f, 3)->line, 2);
	CHECK_STR(pir_fleet_get(f, 4)->name, "demo");
	CHECK_INT(pir_fleet_get(f, 4)->line, 4);
	pir_fleet_free(f);
	free(list);
	free(svc);
	free(link);
	free(pm);
}

/* Two lines of the lists that would share a name: an error naming both. */
static void test_fleet_name_clash(void)
{
	pir_fleet *f = NULL;

	CHECK_INT(pir_fleet_new(&f, NULL), 0);
	CHECK_INT(pir_fleet_add_list(f, "a", "/srv/x/api\n", 11), 0);
	CHECK_INT(pir_fleet_add_list(f, "b", "/srv/y/api.git\n", 15), 0);
	CHECK_INT(pir_fleet_resolve(f), PIR_EINVALID);
	CHECK_STR(pir_error_last(), "b:1: 'api' would name two repositories (also a:1); give one "
				    "a longer path");
	pir_fleet_free(f);
}

/* Every shard computes the same partition; together they are the fleet, each once. */
static void test_fleet_shards(void)
{
	static const char *const repos[] = {"svc",   "postmortems", "demo",    "markers",
					    "wide",  "titles",	    "invalid", "deltas",
					    "empty", "configured"};
	size_t seen[10] = {0}, total = 0;

	for (unsigned k = 0; k < 3; k++) {
		pir_fleet_options o = PIR_FLEET_OPTIONS_INIT;
		pir_fleet *f = NULL;
		o.shard = k;
		o.nshards = 3;
		CHECK_INT(pir_fleet_new(&f, &o), 0);
		for (size_t i = 0; i < 10; i++) {
			char *p = fixture(repos[i]);
			CHECK_INT(pir_fleet_add(f, p), 0);
			free(p);
		}
		CHECK_INT(pir_fleet_resolve(f), 0);
		CHECK_INT(pir_fleet_total(f), 10);
		for (size_t i = 0; i < pir_fleet_count(f); i++)
			for (size_t r = 0; r < 10; r++)
				seen[r] += !strcmp(pir_fleet_get(f, i)->name, repos[r]);
		total += pir_fleet_count(f);
		CHECK(pir_fleet_count(f) >= 1);
		pir_fleet_free(f);
	}
	CHECK_INT(total, 10);
	for (size_t r = 0; r < 10; r++)
		CHECK_INT(seen[r], 1);
	{
		pir_fleet_options o = PIR_FLEET_OPTIONS_INIT;
		pir_fleet *f = NULL;
		o.shard = 3;
		o.nshards = 3;
		CHECK_INT(pir_fleet_new(&f, &o), PIR_EINVALID);
	}
}

/* The cache directory: the explicit one, else XDG_CACHE_HOME (absolute), else HOME. */
static void test_cache_dir(void)
{
	char *d = NULL;

	CHECK_INT(pir_fleet_cache_dir(&d, "/tmp/c"), 0);
	CHECK_STR(d, "/tmp/c");
	free(d);
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	CHECK_INT(pir_fleet_cache_dir(&d, NULL), 0);
	CHECK_STR(d, "/xdg/pirscan");
	free(d);
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	CHECK_INT(pir_fleet_cache_dir(&d, NULL), 0);
	CHECK_STR(d, "/home/u/.cache/pirscan");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	CHECK_INT(pir_fleet_cache_dir(&d, NULL), PIR_ENOTFOUND);
	CHECK(d == NULL);
}

int main(void)
{
	pir_library_init();
	RUN(test_bad_lines);
	RUN(test_list_names);
	RUN(test_suffix_names);
	RUN(test_suffix_taken);
	RUN(test_suffix_many);
	RUN(test_partition);
	RUN(test_shard_parse);
	RUN(test_urls);
	RUN(test_fleet_resolve);
	RUN(test_fleet_name_clash);
	RUN(test_fleet_shards);
	RUN(test_cache_dir);
	pir_library_shutdown();
	return test_summary();
}
