/* SPDX-License-Identifier: MIT */
/*
 * The commit parser of the history walk (commit_raw.c): every commit of the
 * fixture repositories parsed here and by libgit2, which must agree on the
 * tree, the parents and the author's time; forms it does not take are
 * left to libgit2, never read as something else.
 */
#include <git2.h>
#include <string.h>

#include "alloc.h"
#include "commit_raw.h"
#include "pirscan/common.h"
#include "test.h"

typedef struct {
	git_repository *repo;
	git_odb *odb;
	size_t commits, parsed;
} walk;

static int each_object(const git_oid *oid, void *payload)
{
	walk *w = payload;
	git_odb_object *obj = NULL;
	git_commit *c = NULL;
	git_oid tree, parents[8];
	int64_t time;
	size_t np;

	if (git_odb_read(&obj, w->odb, oid) < 0)
		return 0;
	if (git_odb_object_type(obj) == GIT_OBJECT_COMMIT) {
		w->commits++;
		CHECK_INT(git_commit_lookup(&c, w->repo, oid), 0);
		if (c && pir_commit_parse(git_odb_object_data(obj), git_odb_object_size(obj), &tree,
					  &time, parents, PIR_ARRAY_SIZE(parents), &np) == 0) {
			w->parsed++;
			CHECK(git_oid_equal(&tree, git_commit_tree_id(c)));
			CHECK_INT(time, git_commit_author(c)->when.time);
			CHECK_INT(np, git_commit_parentcount(c));
			for (size_t i = 0; i < np && i < PIR_ARRAY_SIZE(parents); i++)
				CHECK(git_oid_equal(&parents[i], git_commit_parent_id(c, i)));
		}
		git_commit_free(c);
	}
	git_odb_object_free(obj);
	return 0;
}

static void test_fixtures_agree_with_libgit2(void)
{
	static const char *const repos[] = {"/deltas/.git",  "/postmortems.git", "/svc/.git",
					    "/markers/.git", "/wide/.git",	 "/demo/.git"};
	char path[4096];

	for (size_t i = 0; i < PIR_ARRAY_SIZE(repos); i++) {
		walk w = {NULL, NULL, 0, 0};
		snprintf(path, sizeof(path), "%s%s", FIXTURES, repos[i]);
		CHECK_INT(git_repository_open(&w.repo, path), 0);
		if (!w.repo)
			continue;
		CHECK_INT(git_repository_odb(&w.odb, w.repo), 0);
		CHECK_INT(git_odb_foreach(w.odb, each_object, &w), 0);
		/* the fixtures' commits are all plain */
		CHECK(w.commits > 0);
		CHECK_INT(w.parsed, w.commits);
		git_odb_free(w.odb);
		git_repository_free(w.repo);
	}
}

#define TREE "tree 0123456789abcdef0123456789abcdef01234567\n"
#define P1 "parent 1111111111111111111111111111111111111111\n"
#define P2 "parent 2222222222222222222222222222222222222222\n"
#define WHO " A U Thor <a@example.com> 1700000000 +0100\n"

static int parse(const char *s, int64_t *time, size_t *np, git_oid *parents, size_t max)
{
	git_oid tree;
	return pir_commit_parse(s, strlen(s), &tree, time, parents, max, np);
}

static void test_forms(void)
{
	git_oid parents[1];
	int64_t time = 0;
	size_t np = 0;

	CHECK_INT(parse(TREE P1 P2 "author" WHO "committer" WHO "\nmsg\n", &time, &np, parents, 1),
		  0);
	CHECK_INT(time, 1700000000);
	/* more parents than room: counted, the first kept */
	CHECK_INT(np, 2);
	CHECK(parents[0].id[0] == 0x11);
	/* upper-case hex reads as libgit2 reads it */
	CHECK_INT(parse("tree 0123456789ABCDEF0123456789abcdef01234567\n"
			"author" WHO "committer" WHO,
			&time, &np, parents, 1),
		  0);
	CHECK_INT(np, 0);
	/* left to libgit2 */
	static const char *const odd[] = {
	    TREE "author" WHO,						  /* no committer */
	    TREE "committer" WHO "author" WHO,				  /* out of order */
	    TREE "author A <a> <b> 1 +0000\ncommitter" WHO,		  /* two '<' */
	    TREE "author A <a>> 1 +0000\ncommitter" WHO,		  /* two '>' */
	    TREE "author A <a> x1 +0000\ncommitter" WHO,		  /* no time */
	    TREE "author A <a> 1 0000\ncommitter" WHO,			  /* no sign */
	    TREE "author A <a> 1 +000\ncommitter" WHO,			  /* short zone */
	    TREE "author A <a> 1234567890123456789 +0000\ncommitter" WHO, /* too long */
	    "tree 0123\nauthor" WHO "committer" WHO,			  /* short id */
	    "tree 0123456789abcdef0123456789abcdef0123456g\nauthor" WHO "committer" WHO,
	    TREE "parent 1111\nauthor" WHO "committer" WHO,
	    TREE "author" WHO "committer A <a> 1 +0000", /* no newline */
	};
	for (size_t i = 0; i < PIR_ARRAY_SIZE(odd); i++)
		CHECK_INT(parse(odd[i], &time, &np, parents, 1), 1);
}

int main(void)
{
	git_libgit2_init();
	RUN(test_fixtures_agree_with_libgit2);
	RUN(test_forms);
	git_libgit2_shutdown();
	return test_summary();
}
