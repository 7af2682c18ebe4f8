/* SPDX-License-Identifier: MIT */
/* The driver and the cache: a repository's key, its cached result, storing a new one. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "cache.h"
#include "error.h"
#include "pirscan/common.h"
#include "result.h"
#include "result_json.h"
#include "scan_int.h"
#include "source.h"

/* The repository's identity in the cache: a mirror's URL, else its git folder. */
static const char *cache_identity(const pir_scan *s, size_t i)
{
	return s->added[i].shown ? s->added[i].shown : s->repos[i]->gitdir;
}

/*
 * The cached result of repository i, under the key of what it is, the
 * object its ref names (`tip`: the commit, or the ref's own target, which
 * fixes the commit as well) and what this scan extracts (`key`, also for
 * storing it after a miss): 1 with `*out` on a hit, 0 on a miss. A cached
 * result is this run's: its names are those of this run.
 */
int pir_scan_cache_lookup(pir_scan *s, size_t i, const git_oid *tip, char key[PIR_SHA256_HEX],
			  char hkey[2][PIR_SHA256_HEX], pir_result **out)
{
	pir_repo *r = s->repos[i];
	pir_cache_facts facts;
	pir_result *res = NULL;
	char *json = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = pir_cache_facts_read(&facts, r->repo, cache_identity(s, i), r->refname, tip,
					s->opts.all_refs)) < 0)
		return err;
	pir_cache_key(key, &s->opts, &facts);
	if (!s->opts.no_history)
		pir_cache_history_keys(hkey[0], hkey[1], &s->opts, &facts);
	pir_cache_facts_dispose(&facts);
	if ((err = pir_cache_lookup(s->cache, key, &json, &len)) <= 0)
		return err;
	err = pir_result_json_parse(&res, json, len);
	free(json);
	if (err == PIR_ENOMEM)
		return err;
	if (err < 0) /* not what was stored: never trusted */
		return pir_cache_drop(s->cache, key, pir_error_last());
	if (!(res->info.name = pir_arena_strdup(&res->arena, r->name)) ||
	    !(res->info.path = pir_arena_strdup(&res->arena, r->path)) ||
	    (r->gitdir && !(res->gitdir = pir_arena_strdup(&res->arena, r->gitdir)))) {
		pir_result_free(res);
		return PIR_ENOMEM;
	}
	res->position = s->added[i].position;
	for (size_t k = 0; k < res->nlocs; k++)
		res->locs[k].loc.repo = res->info.name;
	for (size_t k = 0; k < res->ndiags; k++)
		res->diags[k].d.repo = res->info.name;
	*out = res;
	return 1;
}

/* Whether what a result says holds for good: not if some of it could not be read. */
bool pir_scan_cache_storable(const pir_result *res)
{
	if (res->failed)
		return false;
	for (size_t k = 0; k < res->ndiags; k++)
		if (!strcmp(res->diags[k].d.code, "unreadable-object") ||
		    !strcmp(res->diags[k].d.code, "missing-object"))
			return false; /* a partial clone may fetch it without moving a ref */
	return true;
}

int pir_scan_cache_store(pir_scan *s, size_t i, const char *key, const pir_result *res)
{
	pir_buf b = PIR_BUF_INIT;
	char *tips;
	int err;

	if (!pir_scan_cache_storable(res))
		return 0;
	if ((err = pir_result_json_write(&b, res, -1)) < 0 ||
	    !(tips =
		  pir_sprintf("%s %s", res->info.ref ? res->info.ref : "HEAD", res->info.commit))) {
		pir_buf_dispose(&b);
		return err < 0 ? err : PIR_ENOMEM;
	}
	err = pir_cache_store(s->cache, key, cache_identity(s, i), tips, b.ptr, b.size);
	free(tips);
	pir_buf_dispose(&b);
	return err;
}
