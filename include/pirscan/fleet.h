/* SPDX-License-Identifier: MIT */
/*
 * A fleet: the repositories of one run, from repository lists (one a line)
 * and arguments, with the names they are reported by, the bare mirrors of
 * those given as URLs, the size of each object database and the shard of
 * them this run takes. See docs/fleet-lists.md.
 */
#ifndef PIRSCAN_FLEET_H
#define PIRSCAN_FLEET_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

PIR_BEGIN_DECL

/** The repositories of a run. Opaque. */
typedef struct pir_fleet pir_fleet;

/** Options of a fleet. Initialise with PIR_FLEET_OPTIONS_INIT. */
typedef struct {
	unsigned version;
	/** The cache directory (mirrors go in its `mirrors/`); NULL for the default. */
	const char *cache_dir;
	/** Take the shard-th of nshards slices (0 <= shard < nshards); nshards 0 for all. */
	unsigned shard, nshards;
} pir_fleet_options;

#define PIR_FLEET_OPTIONS_VERSION 1
#define PIR_FLEET_OPTIONS_INIT                                                                     \
	{                                                                                          \
		PIR_FLEET_OPTIONS_VERSION, NULL, 0, 0                                              \
	}

/** A repository of the fleet, as resolved. Strings are the fleet's. */
typedef struct {
	const char *name;   /**< display name, unique within the fleet */
	const char *source; /**< as written; a URL without its user name and password */
	const char *path;   /**< what to open: the path as written, or the URL's mirror */
	bool url;	    /**< a URL: `path` is its bare mirror under the cache */
	uint64_t size;	    /**< bytes of its object database; 0 when unknown or not fetched */
	const char *list;   /**< the list it was read from, NULL for an argument */
	unsigned line;	    /**< its line in that list, 0 for an argument */
	/** The same repository as an entry before it (a symbolic link, a line twice). */
	bool duplicate;
	bool mirrored;	   /**< a URL whose mirror exists (fetched now or before) */
	const char *error; /**< why pir_fleet_fetch failed ("cannot fetch URL: ..."), or NULL */
	size_t position;   /**< its place in the whole list, before shards (0-based) */
	/** A path's git folder, as opened when it was resolved (real path); NULL for a URL
	 * or a path that could not be opened. */
	const char *gitdir;
} pir_fleet_repo;

/**
 * The cache directory: `dir` when not NULL, else $XDG_CACHE_HOME/pirscan
 * (an absolute XDG_CACHE_HOME), else $HOME/.cache/pirscan. Sets `*out` to
 * a string to free(); PIR_ENOTFOUND when neither variable is usable.
 */
PIR_EXTERN(int) pir_fleet_cache_dir(char **out, const char *dir);

/** Parse "K/N" (0 <= K < N <= 65536) into `*k` and `*n`; PIR_EINVALID with a message. */
PIR_EXTERN(int) pir_fleet_parse_shard(unsigned *k, unsigned *n, const char *s);

/** Create an empty fleet; `opts` may be NULL. Returns 0, PIR_EINVALID or PIR_ENOMEM. */
PIR_EXTERN(int) pir_fleet_new(pir_fleet **out, const pir_fleet_options *opts);

/** Free a fleet and everything it handed out. NULL is a no-op. */
PIR_EXTERN(void) pir_fleet_free(pir_fleet *fleet);

/**
 * Add the repositories of a list: `text` (`len` bytes), read from the file
 * called `name` (in messages: "-" reads as "standard input"). One path or
 * URL (file://, git://, https://, ssh://) a line; blank lines and lines
 * starting with '#' are skipped; spaces around a line are not part of it.
 * Returns 0, or PIR_EINVALID with "NAME:LINE: why" for the first bad line
 * (nothing of the list is added then).
 */
PIR_EXTERN(int)
pir_fleet_add_list(pir_fleet *fleet, const char *name, const char *text, size_t len);

/** Add one repository given as an argument: a path or a URL. PIR_EINVALID for a bad URL. */
PIR_EXTERN(int) pir_fleet_add(pir_fleet *fleet, const char *arg);

/**
 * After the last add: name every repository, measure each object database
 * and take the shard. Names are computed from the whole fleet before it is
 * sliced, so every shard of one list names each repository alike. Returns 0,
 * PIR_EINVALID when two repositories of the lists would share a name (the
 * message names both lines), PIR_ENOTFOUND without a cache directory for a
 * URL, or PIR_ENOMEM.
 */
PIR_EXTERN(int) pir_fleet_resolve(pir_fleet *fleet);

/** Repositories of the whole fleet, before slicing (after pir_fleet_resolve). */
PIR_EXTERN(size_t) pir_fleet_total(const pir_fleet *fleet);

/** Repositories of this run's shard, in the order they were given. */
PIR_EXTERN(size_t) pir_fleet_count(const pir_fleet *fleet);
PIR_EXTERN(const pir_fleet_repo *) pir_fleet_get(const pir_fleet *fleet, size_t i);

/**
 * Bring the mirror of the shard's i-th repository up to date: create it
 * when absent, then fetch every ref of the URL into it (a mirror refspec,
 * pruning refs gone upstream) and point its HEAD at the remote's. Does
 * nothing for a path. Credentials come from an ssh agent or from the URL;
 * no message names a URL's user name or password. Returns 0, or an error
 * whose message names the repository and the cause.
 */
PIR_EXTERN(int) pir_fleet_fetch(pir_fleet *fleet, size_t i);

PIR_END_DECL

#endif
