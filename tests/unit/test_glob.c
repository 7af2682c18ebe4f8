/* SPDX-License-Identifier: MIT */
/* The glob matcher behind excludes and CODEOWNERS. */
#include "scan_int.h"
#include "test.h"

static void test_segments(void)
{
	CHECK(pir_glob_match("*.c", "a.c"));
	CHECK(!pir_glob_match("*.c", "src/a.c")); /* * stays in its segment */
	CHECK(pir_glob_match("src/*.c", "src/a.c"));
	CHECK(pir_glob_match("a?c", "abc"));
	CHECK(!pir_glob_match("a?c", "a/c"));
	CHECK(pir_glob_match("[ab]x", "bx"));
	CHECK(!pir_glob_match("[ab]x", "cx"));
}

static void test_double_star(void)
{
	CHECK(pir_glob_match("vendor/**", "vendor/a/b.c"));
	CHECK(pir_glob_match("**/vendor", "vendor"));
	CHECK(pir_glob_match("**/vendor", "x/y/vendor"));
	/* "**" + "/" spans whole folders only: not the middle of a name */
	CHECK(!pir_glob_match("**/vendor", "myvendor"));
	CHECK(!pir_glob_match("**/vendor", "x/myvendor"));
	CHECK(pir_glob_match("**/test/**", "src/test/x"));
	CHECK(!pir_glob_match("**/test/**", "src/latest/x"));
	CHECK(pir_glob_match("a/**/b", "a/b"));
	CHECK(pir_glob_match("a/**/b", "a/x/y/b"));
	CHECK(!pir_glob_match("a/**/b", "a/xb"));
}

int main(void)
{
	RUN(test_segments);
	RUN(test_double_star);
	return test_summary();
}
