/* SPDX-License-Identifier: MIT */
/*
 * The bare mirror of a URL, fetched with libgit2: every ref (+refs/\*:refs/\*),
 * refs gone upstream pruned, HEAD as the remote's. A new mirror is fetched
 * into a temporary folder renamed into place once complete, and a lock file
 * beside each mirror keeps two runs sharing the cache from fetching it at
 * once, so a run killed at any point leaves no half mirror behind. The URL
 * may carry a user name and password (from a list file, never argv): they
 * are given to libgit2 and to nothing else, and scrubbed from its messages.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "fleet.h"
#include "gitinit.h"

static int mkdir_parents(const char *path)
{
	char *p = pir_strdup(path);
	int err = 0;

	if (!p)
		return PIR_ENOMEM;
	for (char *s = p + 1; *s && !err; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			err = pir_error_set(PIR_ERROR, "cannot create %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
	return err;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The "user[:password]" of a URL, or NULL. */
static char *userinfo(const char *url)
{
	const char *a = strstr(url, "://"), *end, *at = NULL;

	if (!a)
		return NULL;
	a += 3;
	end = a + strcspn(a, "/");
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	return at && at > a ? pir_strndup(a, (size_t)(at - a)) : NULL;
}

/* `msg` with every copy of `secret` (when not empty) replaced by "***". */
static char *scrub(const char *msg, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *out = pir_malloc(strlen(msg) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	while (*msg) {
		if (n && !strncmp(msg, secret, n)) {
			o += sprintf(o, "***");
			msg += n;
		} else {
			*o++ = *msg++;
		}
	}
	*o = '\0';
	return out;
}

typedef struct {
	const char *url;
	unsigned tries;
} cred_state;

/* The URL's own user name and password, or an ssh agent: tried once, then libgit2 fails. */
static int credentials(git_credential **out, const char *url, const char *user, unsigned types,
		       void *payload)
{
	cred_state *st = payload;
	char *info = NULL, *colon;
	int ret = GIT_PASSTHROUGH;

	(void)url;
	if (st->tries++)
		return GIT_EUSER;
	if ((types & GIT_CREDENTIAL_SSH_KEY) && user)
		return git_credential_ssh_key_from_agent(out, user);
	if ((types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && (info = userinfo(st->url)) &&
	    (colon = strchr(info, ':'))) {
		*colon = '\0';
		ret = git_credential_userpass_plaintext_new(out, info, colon + 1);
	}
	free(info);
	return ret;
}

/* Fetch into an open repository and point HEAD at the remote's. */
static int fetch_into(git_repository *repo, const char *url)
{
	static char spec[] = "+refs/*:refs/*";
	char *specs[] = {spec};
	git_strarray refspecs = {specs, 1};
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	git_remote_create_options ro = GIT_REMOTE_CREATE_OPTIONS_INIT;
	cred_state st = {url, 0};
	git_remote *remote = NULL;
	git_buf head = {NULL, 0, 0};
	int gerr;

	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE; /* the refspec has them all */
	fo.callbacks.credentials = credentials;
	fo.callbacks.payload = &st;
	/* as written: no url.*.insteadOf (libgit2 1.5 leaks the regex's failed matches there) */
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	if ((gerr = git_remote_create_with_opts(&remote, url, &ro)) < 0 ||
	    (gerr = git_remote_fetch(remote, &refspecs, &fo, "pirscan: fetch")) < 0)
		goto done;
	if (git_remote_default_branch(&head, remote) == 0)
		gerr = git_repository_set_head(repo, head.ptr);
done:
	git_buf_dispose(&head);
	git_remote_free(remote);
	return gerr;
}

/* A lock beside the mirror, held until closed: one fetch of a mirror at a time. */
static int lock_mirror(int *fd, const char *mirror)
{
	char *path = pir_sprintf("%s.lock", mirror);

	if (!path)
		return PIR_ENOMEM;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	free(path);
	if (*fd < 0 || flock(*fd, LOCK_EX) < 0)
		return pir_error_set(PIR_ERROR, "cannot lock its mirror: %s", strerror(errno));
	return 0;
}

/* Fetch, into the mirror, or into a new one renamed into place when complete. */
static int fetch_mirror(const char *mirror, const char *url)
{
	char *tmp = NULL;
	git_repository *repo = NULL;
	struct stat st;
	int gerr;

	if (stat(mirror, &st) == 0) {
		if ((gerr = git_repository_open_bare(&repo, mirror)) == 0)
			gerr = fetch_into(repo, url);
		git_repository_free(repo);
		return gerr < 0 ? pir_error_git(gerr, "") : 0;
	}
	if (!(tmp = pir_sprintf("%s.tmp-%ld", mirror, (long)getpid())))
		return PIR_ENOMEM;
	remove_tree(tmp);
	if ((gerr = git_repository_init(&repo, tmp, 1)) == 0)
		gerr = fetch_into(repo, url);
	git_repository_free(repo);
	if (gerr < 0) {
		gerr = pir_error_git(gerr, "");
	} else if (rename(tmp, mirror) < 0) {
		gerr = pir_error_set(PIR_ERROR, "cannot create its mirror: %s", strerror(errno));
	}
	remove_tree(tmp);
	free(tmp);
	return gerr;
}

int pir_fleet_mirror_fetch(char **cause, const char *mirror, const char *url, const char *shown)
{
	char *secret = userinfo(url);
	const char *msg;
	int fd = -1, err;

	*cause = NULL;
	pir_git_acquire();
	if ((err = mkdir_parents(mirror)) == 0 && (err = lock_mirror(&fd, mirror)) == 0)
		err = fetch_mirror(mirror, url);
	if (fd >= 0)
		close(fd);
	pir_git_release();
	if (err < 0) {
		char *why;
		msg = pir_error_last();
		/* libgit2's messages may quote the URL: never its user name or password */
		why = scrub(msg && *msg ? msg : "unknown error", secret);
		if (why && !strncmp(why, ": ", 2))
			memmove(why, why + 2, strlen(why + 2) + 1);
		*cause = why ? pir_sprintf("cannot fetch %s: %s", shown, why) : NULL;
		free(why);
	}
	free(secret);
	return err;
}
