/* SPDX-License-Identifier: MIT */
/*
 * Commit objects as the history walk reads them (walk.c): the tree, the
 * parents and the author's time, parsed from the raw object read from the
 * packs. Only the plainest form is taken; anything else is libgit2's.
 */
#ifndef PIRSCAN_COMMIT_RAW_H
#define PIRSCAN_COMMIT_RAW_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

/*
 * Parse a raw commit: "tree", then "parent" lines, then an "author" line of
 * the form "author NAME <EMAIL> SECONDS +HHMM" with a single '<' and '>'.
 * 0 with `*tree`, `*time` and `*np` parents (the first `max` of them in
 * `parents`: call again with room for more when `*np` > `max`); 1 when
 * the commit is not of that form (libgit2 is then to read it: it gives
 * the same for those that are).
 */
int pir_commit_parse(const char *data, size_t len, git_oid *tree, int64_t *time, git_oid *parents,
		     size_t max, size_t *np);

#endif
