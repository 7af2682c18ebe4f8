/* SPDX-License-Identifier: MIT */
/*
 * The history replay (history/: pir_keys_build, pir_replay_*) on
 * synthetic commits and changes, read back through linking as the items'
 * introduced, resolved and closed dates and their due-date moves. No git.
 */
#include "synth.h"
#include "test.h"

static pir_date D(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	pir_date_parse(&d, s, strlen(s));
	return d;
}

static pir_scan_options opts_at(const char *as_of)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	o.as_of = D(as_of);
	return o;
}

#define YML "pm/action-items.yml"
#define N SYNTH_NONE

static const char y1[] = "- {id: PIR-1, title: one, owner: x, due: 2026-03-01}\n"
			 "- {id: PIR-3, title: three, owner: x, due: 2026-03-01}\n"
			 "- {id: PIR-4, title: four, owner: x, due: 2026-09-01}\n";
/* PIR-1's due date moves, PIR-2 comes, PIR-3 goes */
static const char y2[] = "- {id: PIR-1, title: one, owner: x, due: 2026-04-15}\n"
			 "- {id: PIR-2, title: two, owner: x, due: 2026-09-01}\n"
			 "- {id: PIR-4, title: four, owner: x, due: 2026-09-01}\n";
/* PIR-4 is done */
static const char y3[] = "- {id: PIR-1, title: one, owner: x, due: 2026-04-15}\n"
			 "- {id: PIR-2, title: two, owner: x, due: 2026-09-01}\n"
			 "- {id: PIR-4, title: four, owner: x, due: 2026-09-01, status: done}\n";

/* A straight line of commits: introduced, resolved, moved and closed. */
static void test_linear(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char hex[41];
	synth sy;
	uint32_t b1, b2, b3, m1, m2, c0, c1, c2, c3, c4;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	b1 = synth_blob(&sy, y1, true);
	b2 = synth_blob(&sy, y2, true);
	b3 = synth_blob(&sy, y3, true);
	m1 = synth_blob(&sy, "// TODO PIR-1: the marker\n", false);
	m2 = synth_blob(&sy, "// TODO PIR-1: the marker\n// TODO PIR: an anonymous one\n", false);
	{
		synth_change a[] = {{YML, N, b1}};
		c0 = synth_commit(&sy, synth_time("2026-01-05", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"src/a.c", N, m1}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, b1, b2}, {"src/a.c", m1, m2}};
		c2 = synth_commit(&sy, synth_time("2026-03-10", 0), c1, N, a, 2, NULL, 0);
	}
	{
		synth_change a[] = {{YML, b2, b3}};
		c3 = synth_commit(&sy, synth_time("2026-05-20", 0), c2, N, a, 1, NULL, 0);
	}
	{ /* the anonymous marker goes */
		synth_change a[] = {{"src/a.c", m2, m1}};
		c4 = synth_commit(&sy, synth_time("2026-06-02", 0), c3, N, a, 1, NULL, 0);
	}
	synth_head(&sy, YML, b3);
	synth_head(&sy, "src/a.c", m1);
	CHECK_INT(synth_link(&sy), 0);

	/* introduced by its entry, before its marker came */
	it = synth_item(&sy, "PIR-1");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c0, hex));
		CHECK_INT(it->introduced.date, D("2026-01-05"));
		CHECK_STR(it->locations[1].introduced.commit, synth_commit_hex(&sy, c1, hex));
		CHECK(!PIR_COMMIT_REF_SET(&it->resolved));
		CHECK(it->has_age);
		CHECK_INT(it->age_days, D("2026-07-01") - D("2026-01-05"));
		CHECK_INT(it->ndue_changes, 1);
		if (it->ndue_changes == 1) {
			CHECK_INT(it->due_changes[0].old_due, D("2026-03-01"));
			CHECK_INT(it->due_changes[0].new_due, D("2026-04-15"));
			CHECK_STR(it->due_changes[0].commit.commit, synth_commit_hex(&sy, c2, hex));
		}
		CHECK(!PIR_COMMIT_REF_SET(&it->closed_at));
	}
	it = synth_item(&sy, "PIR-2");
	CHECK(it && it->introduced.date == D("2026-03-10") && it->ndue_changes == 0);
	/* removed from the file: resolved, and closed when it left */
	it = synth_item(&sy, "PIR-3");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->resolved.commit, synth_commit_hex(&sy, c2, hex));
		CHECK_INT(it->resolved.date, D("2026-03-10"));
		CHECK_STR(it->closed_at.commit, it->resolved.commit);
		CHECK_INT(it->age_days, D("2026-03-10") - D("2026-01-05"));
		CHECK_INT(it->nlocations, 1);
		CHECK_STR(it->locations[0].path, YML);
		CHECK_INT(it->reasons, 0); /* a resolved item is stale for no reason */
		CHECK_INT(it->overdue_days, 0);
	}
	/* closed by a status change */
	it = synth_item(&sy, "PIR-4");
	CHECK(it != NULL);
	if (it) {
		CHECK(it->closed);
		CHECK(!PIR_COMMIT_REF_SET(&it->resolved));
		CHECK_STR(it->closed_at.commit, synth_commit_hex(&sy, c3, hex));
		CHECK_INT(it->ndue_changes, 0); /* a status change is no due-date move */
	}
	it = synth_item_titled(&sy, "an anonymous one");
	CHECK(it != NULL);
	if (it) {
		CHECK_INT(it->introduced.date, D("2026-03-10"));
		CHECK_STR(it->resolved.commit, synth_commit_hex(&sy, c4, hex));
		CHECK_INT(it->locations[0].line, 2);
	}
	synth_free(&sy);
}

/*
 * A marker added on a side branch is introduced there, not by the merge
 * that brings it (the merge adds it against one parent only).
 */
static void test_merge(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char hex[41];
	synth sy;
	uint32_t base, mark, other, c0, c1, c2, c3;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	base = synth_blob(&sy, "int x;\n", false);
	mark = synth_blob(&sy, "int x; // TODO PIR-9: from the side branch\n", false);
	other = synth_blob(&sy, "int y;\n", false);
	{
		synth_change a[] = {{"a.c", N, base}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", base, mark}};
		/* author times need not follow the graph: this one is after the merge's */
		c1 = synth_commit(&sy, synth_time("2026-02-20", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"b.c", N, other}};
		c2 = synth_commit(&sy, synth_time("2026-01-15", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* merge of c2 (first parent) and c1 */
		synth_change vs_c2[] = {{"a.c", base, mark}};
		synth_change vs_c1[] = {{"b.c", N, other}};
		c3 = synth_commit(&sy, synth_time("2026-02-10", 0), c2, c1, vs_c2, 1, vs_c1, 1);
	}
	(void)c3;
	synth_head(&sy, "a.c", mark);
	synth_head(&sy, "b.c", other);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-9");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c1, hex));
		CHECK_INT(it->introduced.date, D("2026-02-20"));
	}
	synth_free(&sy);
}

/*
 * Removed, then added again in another file: the first is resolved where it
 * left, the second is new at the re-add (the text left the tree in between).
 */
static void test_earliest_and_back(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char hex[41];
	synth sy;
	uint32_t m, e, c0, c1, c2;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "# TODO PIR(INC-5): come back\n", false);
	e = synth_blob(&sy, "\n", false);
	{
		synth_change a[] = {{"x.sh", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"x.sh", m, e}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* back, in another file */
		synth_change a[] = {{"y.sh", N, m}};
		c2 = synth_commit(&sy, synth_time("2026-03-01", 0), c1, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "x.sh", e);
	synth_head(&sy, "y.sh", m);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_INT(pir_scan_item_count(sy.scan), 2);
	it = pir_scan_item(sy.scan, 0); /* live first */
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c2, hex));
		CHECK(!PIR_COMMIT_REF_SET(&it->resolved));
		CHECK_STR(it->locations[0].path, "y.sh");
		CHECK_INT(it->age_days, D("2026-07-01") - D("2026-03-01"));
	}
	it = pir_scan_item(sy.scan, 1);
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, c0, hex));
		CHECK_STR(it->resolved.commit, synth_commit_hex(&sy, c1, hex));
		CHECK_STR(it->locations[0].path, "x.sh");
	}
	synth_free(&sy);
}

/* A version that cannot be read does not remove what the one before held. */
static void test_unreadable_does_not_remove(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	uint32_t m, gone, c0;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "// TODO PIR-5: keep me\n", false);
	gone = synth_blob(&sy, "", false);
	sy.repo->blobs[gone].flags |= PIR_BLOB_MISSING; /* internal: scan_int.h */
	{
		synth_change a[] = {{"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", m, gone}};
		synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "b.c", synth_blob(&sy, "\n", false));
	CHECK_INT(synth_link(&sy), 0);
	/* never seen removed, and not in the tree: not an item at all, and not resolved */
	CHECK(synth_item(&sy, "PIR-5") == NULL);
	synth_free(&sy);

	/* the same history with a readable empty version: resolved */
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	m = synth_blob(&sy, "// TODO PIR-5: keep me\n", false);
	gone = synth_blob(&sy, "", false);
	{
		synth_change a[] = {{"a.c", N, m}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{"a.c", m, gone}};
		synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	synth_head(&sy, "a.c", gone);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-5");
	CHECK(it && it->resolved.date == D("2026-02-01"));
	synth_free(&sy);
}

/* A due date added is a move from none; a change of other fields is no move. */
static void test_due_added(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char hex[41];
	synth sy;
	uint32_t a1, a2, a3, c0, c1, c2;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	a1 = synth_blob(&sy, "- {id: PIR-6, title: t, owner: x}\n", true);
	a2 = synth_blob(&sy, "- {id: PIR-6, title: retitled, owner: y}\n", true);
	a3 = synth_blob(&sy, "- {id: PIR-6, title: retitled, owner: y, due: 2026-08-01}\n", true);
	{
		synth_change a[] = {{YML, N, a1}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, a1, a2}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, a2, a3}};
		c2 = synth_commit(&sy, synth_time("2026-03-01", 0), c1, N, a, 1, NULL, 0);
	}
	synth_head(&sy, YML, a3);
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-6");
	CHECK(it != NULL);
	if (it) {
		CHECK_INT(it->introduced.date, D("2026-01-01"));
		CHECK_INT(it->ndue_changes, 1);
		if (it->ndue_changes == 1) {
			CHECK_INT(it->due_changes[0].old_due, PIR_DATE_NONE);
			CHECK_INT(it->due_changes[0].new_due, D("2026-08-01"));
			CHECK_STR(it->due_changes[0].commit.commit, synth_commit_hex(&sy, c2, hex));
		}
	}
	synth_free(&sy);
}

/*
 * A merge whose parents hold different versions of an action-items file: an
 * entry made on either side is dated there, one every version holds keeps
 * its date, and one dropped on main that the side still held, dropped
 * again at the merge, is resolved on main.
 */
static void test_merge_entries(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char hex[41];
	synth sy;
	uint32_t v0, vside, vmain, vmerge, c0, c1, c2;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	v0 = synth_blob(
	    &sy, "- {id: PIR-1, title: one, owner: x}\n- {id: PIR-2, title: two, owner: x}\n",
	    true);
	vside =
	    synth_blob(&sy,
		       "- {id: PIR-1, title: one, owner: x}\n- {id: PIR-2, title: two, owner: x}\n"
		       "- {id: PIR-3, title: three, owner: x}\n",
		       true);
	vmain = synth_blob(
	    &sy, "- {id: PIR-1, title: one, owner: x}\n- {id: PIR-4, title: four, owner: x}\n",
	    true);
	vmerge = synth_blob(
	    &sy,
	    "- {id: PIR-1, title: one, owner: x}\n- {id: PIR-3, title: three, owner: x}\n"
	    "- {id: PIR-4, title: four, owner: x}\n",
	    true);
	{
		synth_change a[] = {{YML, N, v0}};
		c0 = synth_commit(&sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, v0, vside}};
		c1 = synth_commit(&sy, synth_time("2026-02-01", 0), c0, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, v0, vmain}};
		c2 = synth_commit(&sy, synth_time("2026-01-20", 0), c0, N, a, 1, NULL, 0);
	}
	{ /* merge of c2 (first parent) and c1: every version differs */
		synth_change vs_c2[] = {{YML, vmain, vmerge}};
		synth_change vs_c1[] = {{YML, vside, vmerge}};
		synth_commit(&sy, synth_time("2026-03-01", 0), c2, c1, vs_c2, 1, vs_c1, 1);
	}
	synth_head(&sy, YML, vmerge);
	CHECK_INT(synth_link(&sy), 0);
	static const struct {
		const char *id, *date;
		int commit;
	} want[] = {
	    {"PIR-1", "2026-01-01", 0}, {"PIR-3", "2026-02-01", 1}, {"PIR-4", "2026-01-20", 2}};
	const uint32_t cs[] = {c0, c1, c2};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		it = synth_item(&sy, want[i].id);
		CHECK(it != NULL);
		if (!it)
			continue;
		CHECK_STR(it->introduced.commit, synth_commit_hex(&sy, cs[want[i].commit], hex));
		CHECK_INT(it->introduced.date, D(want[i].date));
	}
	/* gone against its one parent at c2, against only one at the merge: c2 */
	it = synth_item(&sy, "PIR-2");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->resolved.commit, synth_commit_hex(&sy, c2, hex));
		CHECK_INT(it->resolved.date, D("2026-01-20"));
	}
	synth_free(&sy);
}

/* The one key encoding: a marker's text and an entry's ID are different keys, each decodes back. */
static void test_keys(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	char longid[400];
	synth sy;
	uint32_t b1, m1, km, ky;
	const char *text = NULL, *mtext;
	pir_repo *r;

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	b1 = synth_blob(&sy, y1, true);
	m1 = synth_blob(&sy, "// TODO PIR-1: the marker\n", false);
	{
		synth_change a[] = {{YML, N, b1}, {"src/a.c", N, m1}};
		synth_commit(&sy, synth_time("2026-01-05", 0), N, N, a, 2, NULL, 0);
	}
	synth_head(&sy, YML, b1);
	synth_head(&sy, "src/a.c", m1);
	CHECK_INT(synth_replay(&sy), 0);
	r = sy.repo;
	CHECK_INT(pir_blob_markers(&r->blobs[m1])->n, 1);
	mtext = pir_blob_markers(&r->blobs[m1])->v[0].text;

	ky = pir_key_find(r, PIR_KEY_ENTRY, "PIR-1");
	CHECK(ky != PIR_MAP_NONE);
	CHECK_INT(pir_key_decode(r, ky, &text), PIR_KEY_ENTRY);
	CHECK_STR(text, "PIR-1");
	CHECK(pir_key_find(r, PIR_KEY_MARKER, "PIR-1") == PIR_MAP_NONE ||
	      strcmp(mtext, "PIR-1") == 0);
	km = pir_key_find(r, PIR_KEY_MARKER, mtext);
	CHECK(km != PIR_MAP_NONE && km != ky);
	CHECK_INT(pir_key_decode(r, km, &text), PIR_KEY_MARKER);
	CHECK_STR(text, mtext);
	CHECK(pir_key_find(r, PIR_KEY_ENTRY, mtext) == PIR_MAP_NONE);
	CHECK(pir_key_find(r, PIR_KEY_ENTRY, "PIR-2") == PIR_MAP_NONE);
	CHECK(pir_key_find(r, PIR_KEY_ENTRY, longid) == PIR_MAP_NONE); /* past the stack buffer */
	synth_free(&sy);
}

int main(void)
{
	RUN(test_linear);
	RUN(test_merge);
	RUN(test_earliest_and_back);
	RUN(test_unreadable_does_not_remove);
	RUN(test_due_added);
	RUN(test_merge_entries);
	RUN(test_keys);
	return test_summary();
}
