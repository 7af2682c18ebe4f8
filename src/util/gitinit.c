/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <git2.h>

#include "gitinit.h"

static pthread_mutex_t git_init_lock = PTHREAD_MUTEX_INITIALIZER;
static int git_users;

/*
 * Pack files libgit2 keeps open at once, whatever the number of packs and
 * repositories: a few dozen, and never more than a quarter of what the
 * process may open.
 */
static size_t pack_file_limit(void)
{
	struct rlimit rl;
	size_t limit = 32;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 4 < limit)
		limit = rl.rlim_cur / 4;
	return limit < 4 ? 4 : limit;
}

/*
 * libgit2's global state, counted: the first user initialises it (with the
 * options above), the last one shuts it down. Initialising is not cheap
 * (libgit2 with mbedTLS parses the whole system CA bundle: a fifth of a HEAD
 * scan of curl), so a program holds one reference for its whole run
 * (pir_library_init) and the scan and the configuration reader share it.
 */
void pir_git_acquire(void)
{
	pthread_mutex_lock(&git_init_lock);
	if (git_users++ == 0) {
		git_libgit2_init();
		/* We read a lot of objects; verifying each hash costs more than it buys here. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/* Trees are compared again and again; keep big ones cached too. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)0);
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)16 << 20);
		/* mapped pack windows count in the resident set; keep them bounded */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)128 << 20);
		/* and the packs it keeps open: thousands of packs must not run out of files */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, pack_file_limit());
	}
	pthread_mutex_unlock(&git_init_lock);
}

void pir_git_release(void)
{
	pthread_mutex_lock(&git_init_lock);
	if (--git_users == 0)
		git_libgit2_shutdown();
	pthread_mutex_unlock(&git_init_lock);
}
