/* SPDX-License-Identifier: MIT */
/* The glob matcher behind excludes and CODEOWNERS. */
#include <fnmatch.h>

#include "scan_int.h"
#include "test.h"

static void test_segments(void)
{
	CHECK(pir_glob_match("*.c", "a.c"));
	CHECK(!pir_glob_match("*.c", "src/a.c")); /* * stays in its segment */
	CHECK(pir_glob_match("src/*.c", "src/a.c"));
	CHECK(pir_glob_match("a?c", "abc"));
	CHECK(!pir_glob_match("a?c", "a/c"));
	CHECK(pir_glob_match("[ab]x", "bx"));
	CHECK(!pir_glob_match("[ab]x", "cx"));
}

static void test_double_star(void)
{
	CHECK(pir_glob_match("vendor/**", "vendor/a/b.c"));
	CHECK(pir_glob_match("**/vendor", "vendor"));
	CHECK(pir_glob_match("**/vendor", "x/y/vendor"));
	/* "**" + "/" spans whole folders only: not the middle of a name */
	CHECK(!pir_glob_match("**/vendor", "myvendor"));
	CHECK(!pir_glob_match("**/vendor", "x/myvendor"));
	CHECK(pir_glob_match("**/test/**", "src/test/x"));
	CHECK(!pir_glob_match("**/test/**", "src/latest/x"));
	CHECK(pir_glob_match("a/**/b", "a/b"));
	CHECK(pir_glob_match("a/**/b", "a/x/y/b"));
	CHECK(!pir_glob_match("a/**/b", "a/xb"));
}

/* The matcher as it was: recursive backtracking, the reference for what globs mean. */
static bool ref_match(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/') {
				p++;
				for (;;) {
					if (ref_match(p, s))
						return true;
					if (!(s = strchr(s, '/')))
						return false;
					s++;
				}
			}
			for (;; s++) {
				if (ref_match(p, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (*p == '*') {
			for (;; s++) {
				if (ref_match(p + 1, s))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
		} else if (*p == '[') {
			const char *end = strchr(p + 1, ']');
			char cls[256], one[2] = {*s, 0};
			if (!end || (size_t)(end - p + 2) > sizeof(cls) || *s == '/') {
				if (*p != *s)
					return false;
				continue;
			}
			memcpy(cls, p, (size_t)(end - p) + 1);
			cls[end - p + 1] = '\0';
			if (fnmatch(cls, one, 0) != 0)
				return false;
			p = end;
		} else if (*p != *s) {
			return false;
		}
	}
	return !*s;
}

/* Every small pattern against every small path: the same answers as the reference. */
static void test_same_as_backtracking(void)
{
	static const char *const ptoks[] = {"a",    "b",  "/",	 "*",	 "?",
					    "[ab]", "**", "**/", "[!a]", "["};
	static const char stoks[] = "ab/[";
	unsigned seed = 12345, differ = 0;

	for (int round = 0; round < 20000; round++) {
		char pat[64] = "", path[16];
		int np = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6 + 1;
		int ns = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 9;

		for (int i = 0; i < np; i++) {
			seed = seed * 1103515245u + 12345u;
			strcat(pat, ptoks[(seed >> 16) % PIR_ARRAY_SIZE(ptoks)]);
		}
		for (int i = 0; i < ns; i++) {
			seed = seed * 1103515245u + 12345u;
			path[i] = stoks[(seed >> 16) % 4];
		}
		path[ns] = '\0';
		if (pir_glob_match(pat, path) != ref_match(pat, path)) {
			if (differ++ < 10)
				fprintf(stderr, "  '%s' on '%s': %d, reference %d\n", pat, path,
					pir_glob_match(pat, path), ref_match(pat, path));
		}
	}
	CHECK_INT(differ, 0);
}

/*
 * Stars that backtracking tried in every combination: each of these took the
 * old matcher seconds to hours (25 s for the first); a loop of them now ends
 * at once. Also a path longer than the matcher's stack rows.
 */
static void test_pathological(void)
{
	char path[5000];
	int hits = 0;

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		path[60 + i] = '\0';
		hits += pir_glob_match("*a*a*a*a*a*a*a*b", path);
		hits += pir_glob_match("**a**a**a**a**a**a**a**b", path);
		hits +=
		    pir_glob_match("**/**/**/**/**/**/b", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c");
		path[60 + i] = 'a';
	}
	CHECK_INT(hits, 0);
	CHECK(pir_glob_match("*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
	CHECK(pir_glob_match("**a", path));
	CHECK(pir_glob_match("*a", path));
	path[100] = '/';
	CHECK(!pir_glob_match("*a", path));
	CHECK(pir_glob_match("**/a*a", path));
	CHECK(!pir_glob_match("**/a*b", path));
}

int main(void)
{
	RUN(test_segments);
	RUN(test_double_star);
	RUN(test_same_as_backtracking);
	RUN(test_pathological);
	return test_summary();
}
