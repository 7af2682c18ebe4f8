/* SPDX-License-Identifier: MIT */
/*
 * The tree parser and reader (tree.c): every tree of the fixture
 * repositories parsed here and by libgit2, which must agree entry for entry
 * (names, modes as written and as normalised, ids, order); damaged trees are
 * refused, never read as something else.
 */
#include <git2.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "pack.h"
#include "test.h"
#include "tree.h"

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

int main(void)
{
	git_libgit2_init();
	RUN(test_parse);
	RUN(test_order);
	RUN(test_fixtures_agree_with_libgit2);
	git_libgit2_shutdown();
	return test_summary();
}
