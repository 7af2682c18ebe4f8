/* SPDX-License-Identifier: MIT */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "glob.h"

/*
 * Glob matching for excludes: `*` and `?` stay within a path segment, `**`
 * crosses segments, `[...]` is a character class (as fnmatch(3)).
 *
 * One pass per pattern token over a row of flags, one per position of the
 * path ("the pattern so far can end here"): O(pattern x path) whatever the
 * stars, where backtracking took exponential time on `*a*a*a*a*b`.
 */
typedef enum { GLOB_CHAR, GLOB_ANY, GLOB_CLASS, GLOB_STAR, GLOB_STARS, GLOB_DIRS } glob_kind;

/* The token at `p`: its kind and length; a class is copied to `cls` (NUL-terminated). */
static glob_kind glob_token(const char *p, size_t *len, char *cls, size_t cls_size)
{
	const char *end;

	*len = 1;
	if (p[0] == '*' && p[1] == '*') {
		*len = p[2] == '/' ? 3 : 2;
		return p[2] == '/' ? GLOB_DIRS : GLOB_STARS;
	}
	if (p[0] == '*')
		return GLOB_STAR;
	if (p[0] == '?')
		return GLOB_ANY;
	if (p[0] == '[' && (end = strchr(p + 1, ']')) && (size_t)(end - p + 2) <= cls_size) {
		*len = (size_t)(end - p) + 1;
		memcpy(cls, p, *len);
		cls[*len] = '\0';
		return GLOB_CLASS;
	}
	return GLOB_CHAR;
}

static bool glob_class_has(const char *cls, char c)
{
	char one[2] = {c, '\0'};
	return c != '/' && fnmatch(cls, one, 0) == 0;
}

bool pir_glob_match(const char *p, const char *s)
{
	size_t n = strlen(s);
	unsigned char stack[2][512], *cur = stack[0], *next = stack[1], *heap = NULL;
	char cls[256];
	bool any = true, result;

	if (n + 1 > sizeof(stack[0])) {
		if (!(heap = pir_malloc(2 * (n + 1))))
			return false; /* out of memory: not excluded, so nothing is lost */
		cur = heap;
		next = heap + n + 1;
	}
	memset(cur, 0, n + 1);
	cur[0] = 1;
	while (*p && any) {
		size_t len;
		glob_kind k = glob_token(p, &len, cls, sizeof(cls));
		bool seen = false;

		any = false;
		for (size_t j = 0; j <= n; j++) {
			unsigned char v = 0;
			switch (k) {
			case GLOB_CHAR:
				v = j && cur[j - 1] && s[j - 1] == *p;
				break;
			case GLOB_ANY:
				v = j && cur[j - 1] && s[j - 1] != '/';
				break;
			case GLOB_CLASS:
				v = j && cur[j - 1] && glob_class_has(cls, s[j - 1]);
				break;
			case GLOB_STAR: /* zero or more bytes of one segment */
				v = cur[j] || (j && next[j - 1] && s[j - 1] != '/');
				break;
			case GLOB_STARS: /* zero or more bytes of any kind */
				v = cur[j] || (j && next[j - 1]);
				break;
			case GLOB_DIRS: /* zero or more whole folders: on to just after a slash */
				v = cur[j] || (j && seen && s[j - 1] == '/');
				seen |= cur[j] != 0;
				break;
			}
			next[j] = v;
			any |= v;
		}
		unsigned char *t = cur;
		cur = next;
		next = t;
		p += len;
	}
	result = any && !*p && cur[n];
	free(heap);
	return result;
}
