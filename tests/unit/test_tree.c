/* SPDX-License-Identifier: MIT */
/*
 * The tree parser and reader (tree.c): every tree of the fixture
 * repositories parsed here and by libgit2, which must agree entry for entry
 * (names, modes as written and as normalised, ids, order); damaged trees are
 * refused, never read as something else. The differ (treediff.c) gives,
 * commit by commit, exactly the changes of walk.c's comparison through
 * libgit2, filtered or not, and reports the trees it cannot read alike.
 */
#include <git2.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "internal.h"
#include "pack.h"
#include "test.h"
#include "tree.h"
#include "tree_like.h"

typedef struct {
	git_repository *repo;
	git_odb *odb;
	pir_tree_reader *tr;
	size_t trees;
	size_t raw; /* of them, read by this parser */
} walk;

static void same_entries(const pir_tree_entry *v, size_t n, git_tree *lg)
{
	CHECK_INT(n, git_tree_entrycount(lg));
	for (size_t i = 0; i < n && i < git_tree_entrycount(lg); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(lg, i);
		CHECK_STR(v[i].name, git_tree_entry_name(e));
		CHECK_INT(v[i].name_len, strlen(git_tree_entry_name(e)));
		CHECK_INT(v[i].attr, git_tree_entry_filemode_raw(e));
		CHECK_INT(pir_tree_filemode(v[i].attr), git_tree_entry_filemode(e));
		CHECK(!memcmp(v[i].id, git_tree_entry_id(e)->id, GIT_OID_RAWSZ));
		CHECK_INT(pir_tree_is_dir(v[i].attr), git_tree_entry_type(e) == GIT_OBJECT_TREE);
		CHECK_INT(pir_tree_is_gitlink(v[i].attr),
			  git_tree_entry_type(e) == GIT_OBJECT_COMMIT);
		if (i) {
			const git_tree_entry *p = git_tree_entry_byindex(lg, i - 1);
			int want = git_tree_entry_cmp(p, e),
			    got = pir_tree_name_cmp(v[i - 1].name, v[i - 1].name_len,
						    pir_tree_is_dir(v[i - 1].attr), v[i].name,
						    v[i].name_len, pir_tree_is_dir(v[i].attr));
			CHECK_INT(got < 0 ? -1 : got > 0, want < 0 ? -1 : want > 0);
		}
	}
}

static int each_object(const git_oid *oid, void *payload)
{
	walk *w = payload;
	git_odb_object *obj = NULL;
	git_tree *lg = NULL;
	pir_tree_entry *v = NULL;
	size_t n = 0, cap = 0;
	pir_tree *t = NULL;
	const char *cause;
	int gerr;

	if (git_odb_read(&obj, w->odb, oid) < 0 || git_odb_object_type(obj) != GIT_OBJECT_TREE)
		goto done;
	w->trees++;
	CHECK_INT(git_tree_lookup(&lg, w->repo, oid), 0);
	CHECK_INT(pir_tree_parse(git_odb_object_data(obj), git_odb_object_size(obj), &v, &n, &cap),
		  0);
	if (lg)
		same_entries(v, n, lg);
	/* and through the reader: from the packs, or libgit2 for a loose one */
	CHECK_INT(pir_tree_read(w->tr, oid, (uint32_t)w->trees, &t, &gerr, &cause), 0);
	if (t && lg)
		same_entries(t->v, t->n, lg);
	/* read by this parser: each name is followed by its NUL and its id (treewalk's memcmp) */
	for (size_t i = 0; t && pir_tree_is_raw(t) && i < t->n; i++)
		CHECK(t->v[i].name[t->v[i].name_len] == '\0' &&
		      t->v[i].id == (const unsigned char *)t->v[i].name + t->v[i].name_len + 1);
	if (t)
		w->raw += pir_tree_is_raw(t);
	pir_tree_release(w->tr, t);
done:
	free(v);
	git_tree_free(lg);
	git_odb_object_free(obj);
	return 0;
}

static void check_repo(const char *path)
{
	walk w = {NULL, NULL, NULL, 0, 0};
	pir_packset *ps = NULL;
	char dir[4096];

	CHECK_INT(git_repository_open(&w.repo, path), 0);
	if (!w.repo)
		return;
	snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_commondir(w.repo));
	CHECK_INT(pir_packset_open(&ps, dir, 0), 0);
	CHECK_INT(git_repository_odb(&w.odb, w.repo), 0);
	CHECK_INT(pir_tree_reader_new(&w.tr, w.repo, ps, 16), 0);
	CHECK_INT(git_odb_foreach(w.odb, each_object, &w), 0);
	CHECK(w.trees > 0);
	CHECK(w.raw > 0);
	pir_tree_reader_free(w.tr);
	git_odb_free(w.odb);
	pir_packset_free(ps);
	git_repository_free(w.repo);
}

static void test_fixtures_agree_with_libgit2(void)
{
	static const char *const repos[] = {"/deltas/.git", "/deltas-ref.git",	 "/postmortems.git",
					    "/svc/.git",    "/svc-shallow/.git", "/markers/.git",
					    "/wide/.git",   "/titles/.git",	 "/demo/.git"};
	char path[4096];

	for (size_t i = 0; i < PIR_ARRAY_SIZE(repos); i++) {
		snprintf(path, sizeof(path), "%s%s", FIXTURES, repos[i]);
		check_repo(path);
	}
}

static int parse(const char *data, size_t len, size_t *n)
{
	pir_tree_entry *v = NULL;
	size_t cap = 0;
	int rc = pir_tree_parse((const unsigned char *)data, len, &v, n, &cap);
	free(v);
	return rc;
}

static void test_parse(void)
{
	static const char id[20] = "0123456789abcdefghij";
	char ok[64], buf[64];
	size_t n, len;

	len = (size_t)snprintf(ok, sizeof(ok), "100644 a.c") + 1;
	memcpy(ok + len, id, 20);
	len += 20;
	CHECK_INT(parse(ok, len, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(parse(ok, 0, &n), 0); /* the empty tree */
	CHECK_INT(n, 0);
	for (size_t cut = 1; cut < len; cut++) /* every truncation is refused */
		CHECK_INT(parse(ok, cut, &n), 1);
	memcpy(buf, ok, len);
	buf[0] = ' '; /* no mode */
	CHECK_INT(parse(buf, len, &n), 1);
	memcpy(buf, ok, len);
	buf[2] = '8'; /* not octal */
	CHECK_INT(parse(buf, len, &n), 1);
	memcpy(buf, ok, len);
	buf[7] = '\0'; /* an empty name */
	CHECK_INT(parse(buf, len, &n), 1);
	CHECK_INT(parse("7777777 x", 10, &n), 1); /* a mode over 16 bits */
}

static void test_order(void)
{
	/* a subtree sorts as if its name ended in '/': "a.c" < "a/" but "a" (file) < "a.c" */
	CHECK(pir_tree_name_cmp("a.c", 3, false, "a", 1, true) < 0);
	CHECK(pir_tree_name_cmp("a", 1, false, "a.c", 3, false) < 0);
	CHECK(pir_tree_name_cmp("a", 1, true, "a", 1, false) > 0);
	CHECK(pir_tree_name_cmp("a", 1, true, "a", 1, true) == 0);
}

/* ---- the differ against libgit2's comparison ---- */

static unsigned item_kind(const void *payload, const char *path)
{
	size_t n = strlen(path);
	(void)payload;
	if (n > 4 && !strcmp(path + n - 4, ".yml"))
		return PIR_ITEMS_YAML;
	return n > 3 && !strcmp(path + n - 3, ".md") ? PIR_ITEMS_DOC : 0;
}

/* Some folders and files left out, to compare the excludes' effect too. */
static bool excluded(const void *payload, const char *path, bool is_dir)
{
	(void)payload;
	return is_dir ? strstr(path, "vendor") != NULL : strstr(path, "generated") != NULL;
}

static int no_progress(void *payload, const char *repo, const char *phase, size_t done,
		       size_t total)
{
	(void)payload, (void)repo, (void)phase, (void)done, (void)total;
	return 0;
}

/* Keep a change when either side's id starts with an even byte; its blobs by that byte. */
static bool keep_even(void *payload, const git_oid *old, const git_oid *new, uint32_t *ob,
		      uint32_t *nb)
{
	(void)payload;
	*ob = old->id[0] % 2 ? PIR_MAP_NONE : old->id[1];
	*nb = new->id[0] % 2 ? PIR_MAP_NONE : new->id[1];
	return *ob != PIR_MAP_NONE || *nb != PIR_MAP_NONE;
}

/* Only folders and files whose path has an odd length, or under "src". */
static bool want_some(void *payload, const char *path, size_t len, bool is_dir)
{
	(void)payload, (void)is_dir;
	return len % 2 == 1 || !strncmp(path, "src", 3);
}

static pir_repo *differ_repo(const char *path, bool excludes)
{
	pir_repo *r = pir_calloc(1, sizeof(*r));
	char dir[4096];

	if (!r)
		return NULL;
	pir_diag_sink_init(&r->diag);
	pthread_mutex_init(&r->missing_lock, NULL);
	r->ctx.diag = &r->diag;
	r->ctx.progress = no_progress;
	r->ctx.is_item_file = item_kind;
	r->ctx.is_excluded = excludes ? excluded : NULL;
	r->name = "fixture";
	CHECK_INT(git_repository_open(&r->repo, path), 0);
	if (r->repo) {
		snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_commondir(r->repo));
		CHECK_INT(pir_packset_open(&r->packs, dir, 0), 0);
	}
	return r;
}

static void differ_repo_free(pir_repo *r)
{
	free(r->blobs);
	pir_oidset_dispose(&r->blob_map);
	pir_oidmap_dispose(&r->missing);
	pir_strpool_dispose(&r->change_paths);
	pir_diag_sink_dispose(&r->diag);
	pthread_mutex_destroy(&r->missing_lock);
	pir_packset_free(r->packs);
	git_repository_free(r->repo);
	free(r);
}

static void same_changes(const pir_change *a, size_t na, const pir_change *b, size_t nb)
{
	CHECK_INT(na, nb);
	for (size_t i = 0; i < na && i < nb; i++) {
		CHECK_STR(a[i].path, b[i].path);
		CHECK(git_oid_equal(&a[i].old_oid, &b[i].old_oid));
		CHECK(git_oid_equal(&a[i].new_oid, &b[i].new_oid));
		CHECK_INT(a[i].old_blob, b[i].old_blob);
		CHECK_INT(a[i].new_blob, b[i].new_blob);
		CHECK_INT(a[i].yaml, b[i].yaml);
	}
}

/* Tree `old` (NULL: none) to `new` both ways, whole and filtered: the same changes. */
static size_t compare_trees(pir_repo *lg, pir_repo *own, pir_tree_differ *td, const git_oid *old,
			    const git_oid *new)
{
	size_t total = 0;

	for (int mode = 0; mode < 3; mode++) {
		pir_change_filter keep = mode ? keep_even : NULL;
		pir_path_filter want = mode == 2 ? want_some : NULL;
		pir_change *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;

		CHECK_INT(pir_tree_changes(lg, old, new, keep, want, NULL, &a, &na), 0);
		CHECK_INT(pir_tree_differ_changes(td, old, new, keep, want, NULL, &b, &nb), 0);
		same_changes(a, na, b, nb);
		total += na;
		free(a);
		free(b);
	}
	/* whole comparisons intern their blobs, in the same order */
	CHECK_INT(lg->nblobs, own->nblobs);
	for (size_t i = 0; i < lg->nblobs && i < own->nblobs; i++) {
		CHECK(git_oid_equal(&lg->blobs[i].oid, &own->blobs[i].oid));
		CHECK_INT(lg->blobs[i].flags, own->blobs[i].flags);
	}
	return total;
}

/* Every commit against each parent (a root against nothing), and the diagnostics. */
static size_t check_differ(const char *path, bool excludes, size_t *diags)
{
	pir_repo *lg = differ_repo(path, excludes), *own = differ_repo(path, excludes);
	git_revwalk *rw = NULL;
	pir_tree_differ *td = NULL;
	size_t total = 0;
	git_oid oid;

	if (!lg || !own || !lg->repo || !own->repo)
		goto done;
	CHECK_INT(pir_tree_differ_new(&td, own), 0);
	CHECK_INT(git_revwalk_new(&rw, lg->repo), 0);
	if (!td || !rw)
		goto done;
	git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	CHECK_INT(git_revwalk_push_glob(rw, "refs/*"), 0);
	while (git_revwalk_next(&oid, rw) == 0) {
		git_commit *c = NULL;
		CHECK_INT(git_commit_lookup(&c, lg->repo, &oid), 0);
		if (!c)
			continue;
		if (!git_commit_parentcount(c))
			total += compare_trees(lg, own, td, NULL, git_commit_tree_id(c));
		for (unsigned p = 0; p < git_commit_parentcount(c); p++) {
			git_commit *pc = NULL;
			if (git_commit_parent(&pc, c, p) == 0)
				total += compare_trees(lg, own, td, git_commit_tree_id(pc),
						       git_commit_tree_id(c));
			git_commit_free(pc);
		}
		git_commit_free(c);
	}
	CHECK_INT(lg->diag.n, own->diag.n);
	*diags += own->diag.n;
	for (size_t i = 0; i < lg->diag.n && i < own->diag.n; i++) {
		CHECK_STR(lg->diag.v[i].code, own->diag.v[i].code);
		CHECK_STR(lg->diag.v[i].message, own->diag.v[i].message);
		CHECK((lg->diag.v[i].path == NULL) == (own->diag.v[i].path == NULL));
		if (lg->diag.v[i].path && own->diag.v[i].path)
			CHECK_STR(lg->diag.v[i].path, own->diag.v[i].path);
	}
done:
	git_revwalk_free(rw);
	pir_tree_differ_free(td);
	if (lg)
		differ_repo_free(lg);
	if (own)
		differ_repo_free(own);
	return total;
}

static void test_differ_agrees_with_libgit2(void)
{
	static const char *const repos[] = {"/deltas/.git",  "/deltas-ref.git", "/postmortems.git",
					    "/svc/.git",     "/markers/.git",	"/wide/.git",
					    "/lineage/.git", "/demo/.git",	"/broken/.git"};
	char path[4096];
	size_t total = 0, diags = 0;

	for (size_t i = 0; i < PIR_ARRAY_SIZE(repos); i++) {
		snprintf(path, sizeof(path), "%s%s", FIXTURES, repos[i]);
		total += check_differ(path, false, &diags);
		total += check_differ(path, true, &diags);
	}
	CHECK(total > 0);
	CHECK(diags > 0); /* broken's missing tree, reported alike */
}

/* ---- parsing like a tree parsed before ---- */

/* The like parse of `data` is its full parse; 1 when compared (ldata is a tree). */
static int same_as_full(const unsigned char *data, size_t len, const unsigned char *ldata,
			size_t llen, size_t *claims)
{
	bool compared, claimed;

	CHECK(tree_like_agrees(data, len, ldata, llen, &compared, &claimed));
	*claims += claimed;
	return compared;
}

/* A random tree of `n` entries into `b`: short names, modes and ids that look like entries. */
static void random_tree(pir_buf *b, uint64_t *seed, size_t n)
{
	static const char *const modes[] = {"100644", "40000", "100755", "120000", "160000", "644"};
	static const char tricky[] = "01234567 \0abc";

	for (size_t i = 0; i < n; i++) {
		char name[8];
		size_t nl = 1 + test_rand(seed) % 6;
		unsigned char id[20];

		for (size_t k = 0; k < nl; k++)
			name[k] = "abcde-1 "[test_rand(seed) % 8];
		for (size_t k = 0; k < 20; k++) /* bytes of modes, spaces and NULs, to mislead */
			id[k] = test_rand(seed) % 3
				    ? (unsigned char)tricky[test_rand(seed) % (sizeof(tricky) - 1)]
				    : (unsigned char)test_rand(seed);
		pir_buf_puts(
		    b,
		    modes[test_rand(seed) % 10 < 6 ? 0 : test_rand(seed) % PIR_ARRAY_SIZE(modes)]);
		pir_buf_put(b, " ", 1);
		pir_buf_put(b, name, nl);
		pir_buf_put(b, "\0", 1);
		pir_buf_put(b, (const char *)id, 20);
	}
}

/*
 * 20,000 pairs of a random tree and a changed copy (a byte anywhere set,
 * bytes inserted or cut, anywhere, damaged or not), parsed like each other:
 * always what the full parse gives, entries at the same bytes.
 */
static void test_parse_like(void)
{
	uint64_t seed = 7;
	size_t compared = 0, sound = 0, same_claims = 0;

	for (int round = 0; round < 20000; round++) {
		pir_buf a = PIR_BUF_INIT, b = PIR_BUF_INIT;
		size_t at, k;

		random_tree(&a, &seed, test_rand(&seed) % 40);
		pir_buf_put(&b, a.ptr, a.size);
		at = a.size ? test_rand(&seed) % a.size : 0;
		switch (test_rand(&seed) % 5) {
		case 0: /* one byte changed */
			if (b.size)
				b.ptr[at] = (char)test_rand(&seed);
			break;
		case 1: { /* entries inserted where an entry may or may not begin */
			pir_buf ins = PIR_BUF_INIT, c = PIR_BUF_INIT;
			random_tree(&ins, &seed, 1 + test_rand(&seed) % 3);
			pir_buf_put(&c, b.ptr, at);
			pir_buf_put(&c, ins.ptr, ins.size);
			pir_buf_put(&c, b.ptr + at, b.size - at);
			pir_buf_dispose(&b);
			pir_buf_dispose(&ins);
			b = c;
			break;
		}
		case 2: /* bytes cut */
			k = test_rand(&seed) % 60;
			if (at + k > b.size)
				k = b.size - at;
			memmove(b.ptr + at, b.ptr + at + k, b.size - at - k);
			b.size -= k;
			break;
		case 3: /* an id changed, the usual change */
			if (b.size >= 20)
				memset(b.ptr + (at < b.size - 20 ? at : b.size - 20), 'x', 3);
			break;
		default: /* the same */
			break;
		}
		compared += same_as_full((const unsigned char *)b.ptr, b.size,
					 (const unsigned char *)a.ptr, a.size, &same_claims);
		same_as_full((const unsigned char *)a.ptr, a.size, (const unsigned char *)b.ptr,
			     b.size, &same_claims);
		{
			size_t n = 0;
			sound += parse(b.ptr, b.size, &n) == 0;
		}
		pir_buf_dispose(&a);
		pir_buf_dispose(&b);
	}
	CHECK_INT(compared, 20000);
	CHECK(same_claims > 5000);
	CHECK(sound > 5000 && sound < 19000); /* both sound and damaged copies were tried */
}

int main(void)
{
	git_libgit2_init();
	RUN(test_parse);
	RUN(test_order);
	RUN(test_parse_like);
	RUN(test_fixtures_agree_with_libgit2);
	RUN(test_differ_agrees_with_libgit2);
	git_libgit2_shutdown();
	return test_summary();
}
