/* SPDX-License-Identifier: MIT */
/* Path globs, as for .gitignore-style excludes and CODEOWNERS (glob.c). */
#ifndef PIRSCAN_UTIL_GLOB_H
#define PIRSCAN_UTIL_GLOB_H

#include <stdbool.h>

/*
 * Whether `path` matches `pattern`: `*` and `?` within a segment, `**`
 * across segments, `[...]` classes. Linear in pattern x path; false when
 * memory runs out (nothing is excluded, so nothing is lost).
 */
bool pir_glob_match(const char *pattern, const char *path);

#endif
