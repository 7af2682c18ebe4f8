/* SPDX-License-Identifier: MIT */
/*
 * Objects that cannot be read: absent (a partial clone's, or nowhere) or
 * there but unreadable, and each reported once per repository.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "error.h"
#include "map.h"
#include "pack.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"
#include "source.h"

bool pir_repo_unreadable(const pir_repo *r, const git_oid *oid, int gerr, char *cause, size_t size)
{
	const git_error *ge = git_error_last();
	char hex[GIT_OID_HEXSZ + 1], *loose;
	const char *where;
	struct stat st;
	size_t nbad = pir_packset_bad_count(r->packs);
	int fd, e;

	if (gerr != GIT_ENOTFOUND) {
		snprintf(cause, size, "%s", ge && ge->message ? ge->message : "read error");
		return true;
	}
	if (r->packs && pir_packset_find(r->packs, oid->id) != PIR_PACK_NOPOS) {
		snprintf(cause, size, "its pack lists it, but libgit2 could not read it%s%s",
			 ge && ge->message ? ": " : "", ge && ge->message ? ge->message : "");
		return true;
	}
	if ((where = pir_packset_find_beyond(r->packs, oid->id, &e))) {
		if (e)
			snprintf(cause, size, "%s cannot be read: %s", where, strerror(e));
		else
			snprintf(cause, size, "%s lists it, but libgit2 could not read it%s%s",
				 where, ge && ge->message ? ": " : "",
				 ge && ge->message ? ge->message : "");
		return true;
	}
	if (nbad) { /* it may be in a pack that cannot be read: even a partial clone cannot tell */
		snprintf(cause, size, "not in the packs that can be read; %s%s",
			 pir_packset_bad(r->packs, 0), nbad > 1 ? " (and other packs)" : "");
		return true;
	}
	if (r->promisor)
		return false; /* a partial clone: absent until fetched */
	git_oid_tostr(hex, sizeof(hex), oid);
	if (!(loose = pir_sprintf("%sobjects/%.2s/%s", git_repository_commondir(r->repo), hex,
				  hex + 2))) {
		snprintf(cause, size, "out of memory");
		return true;
	}
	if (stat(loose, &st) < 0) {
		e = errno;
		free(loose);
		if (e == ENOENT || e == ENOTDIR)
			return false; /* nowhere: absent */
		snprintf(cause, size, "objects/%.2s/%s: %s", hex, hex + 2, strerror(e));
		return true;
	}
	if ((fd = open(loose, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		snprintf(cause, size, "objects/%.2s/%s: %s", hex, hex + 2, strerror(errno));
	else
		snprintf(cause, size, "objects/%.2s/%s is there, but libgit2 could not read it",
			 hex, hex + 2);
	if (fd >= 0)
		close(fd);
	free(loose);
	return true;
}

/* Whether `oid` was reported already (and from now on it is). -1: out of memory. */
static int reported(pir_repo *r, const git_oid *oid)
{
	int seen;

	pthread_mutex_lock(&r->missing_lock);
	seen = pir_oidmap_get(&r->missing, oid) != PIR_MAP_NONE;
	if (!seen && pir_oidmap_put(&r->missing, oid, 1, NULL) < 0)
		seen = -1;
	pthread_mutex_unlock(&r->missing_lock);
	return seen;
}

static const char *consequence(const char *kind)
{
	return !strcmp(kind, "tree")	 ? "its files are skipped"
	       : !strcmp(kind, "commit") ? "history behind it is skipped"
					 : "skipped";
}

int pir_repo_report(pir_repo *r, const git_oid *oid, const char *kind, const char *path,
		    const char *cause)
{
	char hex[GIT_OID_HEXSZ + 1];
	int seen = reported(r, oid);

	if (seen)
		return seen < 0 ? PIR_ENOMEM : 0;
	git_oid_tostr(hex, sizeof(hex), oid);
	if (cause)
		return pir_diag_add(r->ctx.diag, PIR_DIAG_ERROR, "unreadable-object", r->name, path,
				    0, 0, "%s %s cannot be read (%s); %s", kind, hex, cause,
				    consequence(kind));
	return pir_diag_add(r->ctx.diag, PIR_DIAG_WARNING, "missing-object", r->name, path, 0, 0,
			    "%s %s cannot be read; %s", kind, hex, consequence(kind));
}

int pir_repo_missing(pir_repo *r, const git_oid *oid, const char *kind, const char *path, int gerr)
{
	char cause[512];
	bool bad = pir_repo_unreadable(r, oid, gerr, cause, sizeof(cause));

	return pir_repo_report(r, oid, kind, path, bad ? cause : NULL);
}

int pir_repo_open_again(git_repository **out, const pir_repo *r)
{
	int gerr = git_repository_open_ext(out, r->path, 0, NULL);
	return gerr < 0 ? pir_error_git(gerr, "cannot open repository again") : 0;
}

int pir_repo_tree_unreadable(pir_repo *r, const git_oid *oid, const char *path, const char *cause)
{
	git_tree *lg = NULL;
	int gerr;

	if (cause)
		return pir_repo_report(r, oid, "tree", path, cause);
	/* libgit2's own word on it, as pir_repo_missing wants it fresh */
	if ((gerr = git_tree_lookup(&lg, r->repo, oid)) == 0)
		gerr = GIT_ENOTFOUND;
	git_tree_free(lg);
	return pir_repo_missing(r, oid, "tree", path, gerr);
}
