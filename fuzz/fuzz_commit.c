/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the commit parser of the history walk (commit_raw.c). Input:
 * a raw commit. An accepted commit is checked against the form it takes:
 * its tree line first, its parents' lines next, an author line whose
 * number before the zone is the time given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commit_raw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *author, *eol;
	git_oid tree, parents[2];
	int64_t time = -1, t = 0;
	size_t np = 0, at;
	int rc = pir_commit_parse(s, size, &tree, &time, parents, 2, &np);

	if (rc == 1)
		return 0;
	if (rc != 0 || size < 46 || memcmp(s, "tree ", 5))
		abort();
	at = 46 + 48 * np; /* "tree <40>\n", then "parent <40>\n" each */
	if (at > size || (size - at) < 7 || memcmp(s + at, "author ", 7))
		abort();
	author = s + at;
	if (!(eol = memchr(author, '\n', size - at)) || eol - author < 7 + 8)
		abort();
	/* "... SECONDS +HHMM": the digits before the zone */
	for (const char *q = (const char *)memchr(author, '>', (size_t)(eol - author)) + 2;
	     q < eol - 6; q++)
		t = t * 10 + (*q - '0');
	if (t != time)
		abort();
	return 0;
}
