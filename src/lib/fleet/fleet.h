/* SPDX-License-Identifier: MIT */
/*
 * The fleet's parts, each pure but the last two: repository lists and URLs
 * (list.c), names (names.c), sizes and shards (shard.c), mirrors (mirror.c);
 * fleet.c puts them together behind pirscan/fleet.h. The driver (scan.c)
 * names the repositories it is given without a name with names.c.
 */
#ifndef PIRSCAN_FLEET_INT_H
#define PIRSCAN_FLEET_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <git2.h>

#include "arena.h"
#include "map.h"
#include "pirscan/fleet.h"

/* list.c */

/* Whether `s` starts with "SCHEME://" (any scheme: a bad one is an error, not a path). */
bool pir_fleet_is_url(const char *s);
/*
 * A URL pirscan can mirror: file://, git://, https:// or ssh://, with a host
 * (file: a path) and a path. Returns 0, or PIR_EINVALID with the reason as the
 * message (no "FILE:LINE" prefix, no user name or password).
 */
int pir_fleet_url_check(const char *url);
/* `url` without its user name and password ("user:pw@"); NULL when out of memory. */
char *pir_fleet_url_redact(const char *url);
/*
 * Where the mirror of `url` (redacted) lives under `mirrors`:
 * MIRRORS/SCHEME/HOST[_PORT]/PATH, each part kept to [A-Za-z0-9._-] (others as
 * %XX, "." and ".." escaped), ending in ".git". NULL when out of memory.
 */
char *pir_fleet_mirror_path(const char *mirrors, const char *url);
/*
 * The names of one list's n lines (redacted URLs or paths): each minus a
 * trailing '/' and ".git", then minus the longest folder prefix common to all
 * of them. `out[i]` is in `arena`, NULL when the line names no folder ("/",
 * "."). Returns 0 or PIR_ENOMEM.
 */
int pir_fleet_list_names(const char **out, const char *const *lines, size_t n, pir_arena *arena);

/* names.c */

/*
 * The folder name (without ".git") of each of n roots ('/'-separated paths,
 * or URLs, without a trailing '/'), and where two share it, the shortest
 * suffix of whole path components that tells them apart (orgA/api,
 * orgB/api); the whole root when no suffix does. Two that differ only by a
 * last ".git" (a repository and its bare clone beside it) keep it on one;
 * identical roots get one name. A name is never one of `taken` (when not
 * NULL): the suffix grows past it. O(n log n) comparisons. `out[i]` is in
 * `arena`. Returns 0 or PIR_ENOMEM.
 */
int pir_fleet_suffix_names(const char **out, const char *const *roots, size_t n,
			   const pir_strpool *taken, pir_arena *arena);
/* A repository's root as names.c wants it: its work tree, or its git folder. */
char *pir_fleet_repo_root(git_repository *repo);

/* shard.c */

/* Bytes of an object database: objects/pack/\*.pack and the loose objects; 0 when absent. */
uint64_t pir_fleet_odb_size(const char *objects_dir);
/*
 * Deal n repositories into nshards slices balanced by size: largest first
 * (ties by name, then index), each to the least loaded slice (ties: the
 * lowest). `out[i]` is the slice of repository i. Returns 0 or PIR_ENOMEM.
 */
int pir_fleet_partition(unsigned *out, const uint64_t *sizes, const char *const *names, size_t n,
			unsigned nshards);

/* mirror.c */

/*
 * Create (when absent) and fetch the bare mirror at `mirror` of `url`
 * (which may hold credentials: never put in a message). On failure, sets
 * `*cause` to a message to free() saying why, naming the URL as `shown`.
 */
int pir_fleet_mirror_fetch(char **cause, const char *mirror, const char *url, const char *shown);

#endif
