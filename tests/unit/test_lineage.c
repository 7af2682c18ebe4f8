/* SPDX-License-Identifier: MIT */
/*
 * The replay's rules for the age of a location (docs/format.md, "Dates"), one
 * test each, on synthetic commits: a marker location is the j-th occurrence
 * of its text in its file; a move keeps its date, a copy is new, a re-add is
 * new; a side branch dates its own markers; entry IDs are one identity across
 * the repository, counted over every file of the tree. No git.
 */
#include "synth.h"
#include "test.h"

#define N SYNTH_NONE

static pir_scan_options opts(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_date_parse(&o.as_of, "2026-12-01", 10);
	return o;
}

/* The location at `path`:`line`, live or resolved, else NULL. */
static const pir_location *loc_at(const synth *sy, const char *path, unsigned line, bool live)
{
	for (size_t i = 0; i < pir_scan_item_count(sy->scan); i++) {
		const pir_item *it = pir_scan_item(sy->scan, i);
		for (size_t k = 0; k < it->nlocations; k++) {
			const pir_location *l = &it->locations[k];
			if (!strcmp(l->path, path) && l->line == line &&
			    PIR_COMMIT_REF_SET(&l->resolved) != live)
				return l;
		}
	}
	return NULL;
}

/* Location `l` was introduced by commit `intro` (and resolved by `rm`, unless SYNTH_NONE). */
#define CHECK_DATES(sy, l, intro, rm)                                                              \
	do {                                                                                       \
		char h_[41];                                                                       \
		CHECK((l) != NULL);                                                                \
		if (l) {                                                                           \
			CHECK_STR((l)->introduced.commit, synth_commit_hex(sy, intro, h_));        \
			if ((rm) == SYNTH_NONE)                                                    \
				CHECK(!PIR_COMMIT_REF_SET(&(l)->resolved));                        \
			else                                                                       \
				CHECK_STR((l)->resolved.commit, synth_commit_hex(sy, rm, h_));     \
		}                                                                                  \
	} while (0)

static size_t resolved_count(const synth *sy)
{
	size_t n = 0;
	for (size_t i = 0; i < pir_scan_item_count(sy->scan); i++)
		n += PIR_COMMIT_REF_SET(&pir_scan_item(sy->scan, i)->resolved);
	return n;
}

/* A copy in another file, while the original stays, is new; the original keeps its date. */
static void test_copy_is_new(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t m, c0, c1;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "// TODO PIR: share the pool\n", false);
	{
		synth_change a[] = {{"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"b.c", N, m}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "a.c", m);
	synth_head(&sy, "b.c", m);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 1, true), c0, N);
	CHECK_DATES(&sy, loc_at(&sy, "b.c", 1, true), c1, N);
	synth_free(&sy);
}

/* A rename keeps the date, and resolves nothing. */
static void test_move_keeps_date(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t m, c0;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "// TODO PIR: share the pool\n", false);
	{
		synth_change a[] = {{"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", m, N}, {"lib/a.c", N, m}};
		synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 2, NULL, 0);
	}
	synth_head(&sy, "lib/a.c", m);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "lib/a.c", 1, true), c0, N);
	CHECK_INT(resolved_count(&sy), 0);
	synth_free(&sy);
}

/* A line cut from one file and pasted into another (both edited) keeps its date. */
static void test_cut_and_paste(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t a1, a2, b1, b2, c0, c1;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	a1 = synth_blob(&sy, "int a;\n// FIXME PIR: race on close\n", false);
	a2 = synth_blob(&sy, "int a;\n", false);
	b1 = synth_blob(&sy, "int b;\n", false);
	b2 = synth_blob(&sy, "int b;\nint c;\n// FIXME PIR: race on close\n", false);
	{
		synth_change a[] = {{"a.c", N, a1}, {"b.c", N, b1}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 2, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", a1, a2}, {"b.c", b1, b2}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 2, NULL, 0);
	}
	(void)c1;
	synth_head(&sy, "a.c", a2);
	synth_head(&sy, "b.c", b2);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "b.c", 3, true), c0, N);
	CHECK_INT(resolved_count(&sy), 0);
	synth_free(&sy);
}

/* Removed, then written again in the same file: resolved, and the new one dated at the re-add. */
static void test_readd_is_new(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t m, e, c0, c1, c2;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "# TODO PIR: drop the v1 API\n", false);
	e = synth_blob(&sy, "#\n", false);
	{
		synth_change a[] = {{"x.sh", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"x.sh", m, e}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"x.sh", e, m}};
		c2 = synth_commit(&sy, synth_time("2026-03-01", 0), c1, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "x.sh", m);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "x.sh", 1, true), c2, N);
	CHECK_DATES(&sy, loc_at(&sy, "x.sh", 1, false), c0, c1);
	synth_free(&sy);
}

/*
 * Made on a side branch, and an older copy of the text on the main line:
 * dated on the side branch, never at the merge.
 */
static void test_side_branch(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t base, mark, other, c0, c1, c2;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	base = synth_blob(&sy, "int x;\n", false);
	mark = synth_blob(&sy, "int x; // TODO PIR: retry\n", false);
	other = synth_blob(&sy, "// TODO PIR: retry\n", false);
	{
		synth_change a[] = {{"a.c", N, base}, {"old.c", N, other}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 2, NULL, 0);
	}
	{ /* the side branch */
		synth_change a[] = {{"a.c", base, mark}};
		c1 = synth_commit(&sy, synth_time("2026-03-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"b.c", N, base}};
		c2 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* the merge, earlier than the side branch's commit */
		synth_change vs_c2[] = {{"a.c", base, mark}};
		synth_change vs_c1[] = {{"b.c", N, base}};
		synth_commit(&sy, synth_time("2026-02-15", 0), c2, c1, vs_c2, 1, vs_c1, 1);
	}
	synth_head(&sy, "a.c", mark);
	synth_head(&sy, "b.c", base);
	synth_head(&sy, "old.c", other);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 1, true), c1, N);
	CHECK_DATES(&sy, loc_at(&sy, "old.c", 1, true), c0, N);
	synth_free(&sy);
}

/*
 * Removed on a side branch, and dropped again by the merge against its first
 * parent only (the main line had it): resolved on the side branch, where it
 * stopped against every parent. Dropped by a merge only (a conflict resolved
 * without it): resolved at the merge.
 */
static void test_merge_drops(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t m, e, f, c0, c1, c2, c3, c4;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "// TODO PIR: one\n", false);
	e = synth_blob(&sy, "\n", false);
	f = synth_blob(&sy, "// TODO PIR: two\n", false);
	{
		synth_change a[] = {{"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{ /* side: removes it */
		synth_change a[] = {{"a.c", m, e}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* main: another file */
		synth_change a[] = {{"b.c", N, f}};
		c2 = synth_commit(&sy, synth_time("2026-02-10", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* merge: a.c from the side, b.c dropped against c2 only (c1 never had it) */
		synth_change vs_c2[] = {{"a.c", m, e}, {"b.c", f, N}};
		c3 = synth_commit(&sy, synth_time("2026-03-01", 0), c2, c1, vs_c2, 2, NULL, 0);
	}
	{ /* and a later commit on main that has nothing to do with it */
		synth_change a[] = {{"c.c", N, e}};
		c4 = synth_commit(&sy, synth_time("2026-04-01", 0), c3, N, a, 1, NULL, 0);
	}
	(void)c4;
	synth_head(&sy, "a.c", e);
	synth_head(&sy, "c.c", e);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 1, false), c0, c1);
	CHECK_DATES(&sy, loc_at(&sy, "b.c", 1, false), c2, c3);
	CHECK_INT(resolved_count(&sy), 2);
	synth_free(&sy);
}

/* The j-th occurrence of a text in its file is one location: a third one is new, and goes. */
static void test_occurrences(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t two, three, c0, c1, c2;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	two = synth_blob(&sy, "// TODO PIR\nx;\n// TODO PIR\n", false);
	three = synth_blob(&sy, "// TODO PIR\nx;\n// TODO PIR\n// TODO PIR\n", false);
	{
		synth_change a[] = {{"a.c", N, two}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", two, three}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", three, two}};
		c2 = synth_commit(&sy, synth_time("2026-03-01", 0), c1, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "a.c", two);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 1, true), c0, N);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 3, true), c0, N);
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 4, false), c1, c2);
	synth_free(&sy);
}

/* An entry moved to another action-items file keeps its date; its ID is its identity. */
static void test_entry_moves(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t y1, y0, c0;
	const pir_item *it;
	char hex[41];

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	y1 = synth_blob(&sy, "- {id: PIR-1, title: one, owner: x, due: 2026-03-01}\n", true);
	y0 = synth_blob(&sy, "[]\n", true);
	{
		synth_change a[] = {{"a/action-items.yml", N, y1}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a/action-items.yml", y1, y0}, {"b/action-items.yml", N, y1}};
		synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 2, NULL, 0);
	}
	synth_head(&sy, "a/action-items.yml", y0);
	synth_head(&sy, "b/action-items.yml", y1);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-1");
	CHECK(it && !PIR_COMMIT_REF_SET(&it->resolved));
	if (it)
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c0, hex));
	synth_free(&sy);
}

/*
 * Author dates out of commit order. A child dated before its parent writes a
 * copy of an entry and of a marker that its parent's tree already holds (in
 * a file it does not touch): the entry is not introduced by it (the copy of
 * the marker is a new location); a later commit removes the copy, leaving the
 * original, and one dated before it removes the original: resolved by that
 * last one, not by the one that left a copy in the tree.
 */
static void test_dates_out_of_order(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t y1, y0, m, e, c0, c1, c2, c3;
	const pir_item *it;
	char hex[41];

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	y1 = synth_blob(&sy, "- {id: PIR-7, title: seven, owner: x, due: 2026-09-01}\n", true);
	y0 = synth_blob(&sy, "[]\n", true);
	m = synth_blob(&sy, "// TODO PIR: seven\n", false);
	e = synth_blob(&sy, "\n", false);
	{
		synth_change a[] = {{"a/action-items.yml", N, y1}, {"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-03-01", 0), N, N, a, 2, NULL, 0);
	}
	{
		synth_change a[] = {{"b/action-items.yml", N, y1}, {"b.c", N, m}};
		c1 = synth_commit(&sy, synth_time("2026-01-01", 0), c0, N, a, 2, NULL, 0);
	}
	{
		synth_change a[] = {{"b/action-items.yml", y1, y0}, {"b.c", m, e}};
		c2 = synth_commit(&sy, synth_time("2026-06-01", 0), c1, N, a, 2, NULL, 0);
	}
	{
		synth_change a[] = {{"a/action-items.yml", y1, y0}, {"a.c", m, e}};
		c3 = synth_commit(&sy, synth_time("2026-05-01", 0), c2, N, a, 2, NULL, 0);
	}
	synth_head(&sy, "a/action-items.yml", y0);
	synth_head(&sy, "b/action-items.yml", y0);
	synth_head(&sy, "a.c", e);
	synth_head(&sy, "b.c", e);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-7");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c0, hex));
		CHECK_STR(it->resolved.commit, synth_commit_hex(&sy, c3, hex));
	}
	CHECK_DATES(&sy, loc_at(&sy, "a.c", 1, false), c0, c3);
	CHECK_DATES(&sy, loc_at(&sy, "b.c", 1, false), c1, c2);
	synth_free(&sy);
}

/* The same commits while the original stays: the ID is in the tree, not resolved. */
static void test_entry_copy_stays(void)
{
	pir_scan_options o = opts();
	synth sy;
	uint32_t y1, y0, c0, c1;
	const pir_item *it;
	char hex[41];

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	y1 = synth_blob(&sy, "- {id: PIR-8, title: eight, owner: x, due: 2026-09-01}\n", true);
	y0 = synth_blob(&sy, "[]\n", true);
	{
		synth_change a[] = {{"a/action-items.yml", N, y1}};
		c0 = synth_commit(&sy, synth_time("2026-03-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"b/action-items.yml", N, y1}};
		c1 = synth_commit(&sy, synth_time("2026-01-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a/action-items.yml", y1, y0}};
		synth_commit(&sy, synth_time("2026-06-01", 0), c1, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "a/action-items.yml", y0);
	synth_head(&sy, "b/action-items.yml", y1);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-8");
	CHECK(it && !PIR_COMMIT_REF_SET(&it->resolved));
	if (it)
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c0, hex));
	synth_free(&sy);
}

int main(void)
{
	RUN(test_copy_is_new);
	RUN(test_move_keeps_date);
	RUN(test_cut_and_paste);
	RUN(test_readd_is_new);
	RUN(test_side_branch);
	RUN(test_merge_drops);
	RUN(test_occurrences);
	RUN(test_entry_moves);
	RUN(test_dates_out_of_order);
	RUN(test_entry_copy_stays);
	return test_summary();
}
