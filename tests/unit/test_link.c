/* SPDX-License-Identifier: MIT */
/*
 * Linking (link.c) on synthetic scans: entries and markers joined by ID,
 * markers that name an unknown ID or only an incident, duplicate IDs, the
 * reasons an item is stale, near misses and the order of items. No git.
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
	o.no_history = true;
	return o;
}

static const char items_yml[] = "action_items:\n"
				"  - id: PIR-2026-001\n"
				"    title: Validate the config\n"
				"    owner: \"@alice\"\n"
				"    due: 2026-05-31\n"
				"    severity: high\n"
				"  - id: PIR-2026-002\n"
				"    title: Page the owners\n"
				"    owner: \"@bob\"\n"
				"    due: 2026-09-30\n"
				"    severity: critical\n"
				"  - id: OPS-12\n"
				"    title: Named without the PIR prefix\n"
				"    owner: \"@carol\"\n"
				"    due: 2026-12-01\n"
				"  - id: PIR-2026-003\n"
				"    title: Done already\n"
				"    owner: \"@dan\"\n"
				"    due: 2026-01-01\n"
				"    status: done\n"
				"  - id: PIR-2026-004\n"
				"    title: Nobody, no date\n";

static const char code_c[] = "int main(void)\n"
			     "{\n"
			     "\t// TODO PIR-2026-001: validate the config against its schema\n"
			     "\t// TODO(PIR-2026-999): an ID no entry defines\n"
			     "\t// TODO PIR(INC-2891): show config errors on the status page\n"
			     "\t// TODO PIR(OPS-12): a reference an entry defines\n"
			     "\t// TODO PIR-2026-003: still here after it was done\n"
			     "\t// see PIR-2026-002 for why this retries\n"
			     "\treturn 0;\n"
			     "}\n";

/* An entry and a marker naming its ID are one item, dated and described by the entry. */
static void test_join_by_id(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "postmortems/2026-05-24/action-items.yml",
		   synth_blob(&sy, items_yml, true));
	synth_head(&sy, "src/main.c", synth_blob(&sy, code_c, false));
	CHECK_INT(synth_link(&sy), 0);

	it = synth_item(&sy, "PIR-2026-001");
	CHECK(it != NULL);
	if (it) {
		CHECK_INT(it->nlocations, 2);
		/* the entry first, then the marker */
		CHECK_INT(it->locations[0].kind, PIR_LOCATION_YAML);
		CHECK_STR(it->locations[0].path, "postmortems/2026-05-24/action-items.yml");
		CHECK_INT(it->locations[0].line, 2);
		CHECK_INT(it->locations[1].kind, PIR_LOCATION_MARKER);
		CHECK_STR(it->locations[1].path, "src/main.c");
		CHECK_INT(it->locations[1].line, 3);
		CHECK_STR(it->locations[1].repo, "svc");
		CHECK_STR(it->title, "Validate the config");
		CHECK_STR(it->owner, "@alice");
		CHECK_STR(it->severity, "high");
		CHECK_INT(it->severity_rank, 1);
		CHECK_STR(it->status, "open");
		CHECK_INT(it->due, D("2026-05-31"));
		CHECK(it->has_overdue);
		CHECK_INT(it->overdue_days, 31);
		CHECK_INT(it->reasons, PIR_REASON_OVERDUE);
		CHECK(!it->has_age); /* no history: no age */
		CHECK(!PIR_COMMIT_REF_SET(&it->introduced));
	}
	/* an entry with no marker is an item of its own, not overdue yet */
	it = synth_item(&sy, "PIR-2026-002");
	CHECK(it && it->nlocations == 1 && it->overdue_days == 0 && it->reasons == 0);
	/* a reference that an entry defines is that item's ID, even without "PIR-" */
	it = synth_item(&sy, "OPS-12");
	CHECK(it != NULL);
	if (it) {
		CHECK_INT(it->nlocations, 2);
		CHECK_INT(it->locations[1].line, 6);
		CHECK(it->incident == NULL);
		CHECK_INT(it->reasons, 0);
	}
	synth_free(&sy);
}

/* A marker naming an ID that no entry in a scanned tree defines. */
static void test_unknown_id(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "postmortems/2026-05-24/action-items.yml",
		   synth_blob(&sy, items_yml, true));
	synth_head(&sy, "src/main.c", synth_blob(&sy, code_c, false));
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-2026-999");
	CHECK(it != NULL);
	if (it) {
		CHECK(it->reasons & PIR_REASON_UNKNOWN_ID);
		CHECK_INT(it->nlocations, 1);
		CHECK_INT(it->locations[0].kind, PIR_LOCATION_MARKER);
		CHECK_STR(it->title, "an ID no entry defines"); /* the marker's note */
		CHECK(it->owner == NULL);
		CHECK(it->reasons & PIR_REASON_NO_OWNER);
	}
	/* a defined ID is never unknown */
	it = synth_item(&sy, "PIR-2026-001");
	CHECK(it && !(it->reasons & PIR_REASON_UNKNOWN_ID));
	synth_free(&sy);

	/* the same marker with the entry defining it in another file: known */
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "src/main.c", synth_blob(&sy, code_c, false));
	synth_head(&sy, "pm/action-items.yml",
		   synth_blob(&sy,
			      "- id: PIR-2026-999\n  title: t\n  owner: x\n  due: 2027-01-01\n",
			      true));
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-2026-999");
	CHECK(it && it->reasons == 0 && it->nlocations == 2);
	synth_free(&sy);
}

/* Two entries of the scanned tree with one ID: duplicate-id, on the one item. */
static void test_duplicate_id(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const pir_item *it;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(
	    &sy, "a/action-items.yml",
	    synth_blob(&sy, "- id: PIR-7\n  title: first\n  owner: x\n  due: 2027-01-01\n", true));
	synth_head(
	    &sy, "b/action-items.yml",
	    synth_blob(&sy, "- id: PIR-7\n  title: second\n  owner: y\n  due: 2027-01-01\n", true));
	synth_head(
	    &sy, "c/action-items.yml",
	    synth_blob(&sy, "- id: PIR-8\n  title: alone\n  owner: y\n  due: 2027-01-01\n", true));
	CHECK_INT(synth_link(&sy), 0);
	CHECK_INT(pir_scan_item_count(sy.scan), 2);
	it = synth_item(&sy, "PIR-7");
	CHECK(it != NULL);
	if (it) {
		CHECK_INT(it->reasons, PIR_REASON_DUPLICATE_ID);
		CHECK_INT(it->nlocations, 2);
		/* the item reads the first entry in path order */
		CHECK_STR(it->title, "first");
		CHECK_STR(it->locations[0].path, "a/action-items.yml");
		CHECK_STR(it->locations[1].path, "b/action-items.yml");
	}
	it = synth_item(&sy, "PIR-8");
	CHECK(it && it->reasons == 0);
	synth_free(&sy);
}

/* Markers that name an incident, or nothing, are items of their own, one per marker. */
static void test_incident_classification(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const pir_item *it;
	size_t anon = 0;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "src/main.c", synth_blob(&sy, code_c, false));
	synth_head(&sy, "deploy.sh",
		   synth_blob(&sy,
			      "# TODO PIR INC-2891 add a smoke test after deploy\n"
			      "# TODO PIR: no reference at all\n"
			      "# TODO PIR(INC-2891): a second marker of the same incident\n",
			      false));
	CHECK_INT(synth_link(&sy), 0);
	/* without an entry, OPS-12 reads as an incident (it does not look like an ID) */
	it = synth_item_titled(&sy, "a reference an entry defines");
	CHECK(it && it->incident && !strcmp(it->incident, "OPS-12"));
	it = synth_item_titled(&sy, "show config errors");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->incident, "INC-2891");
		CHECK(it->id == NULL);
		CHECK_INT(it->nlocations, 1);
		CHECK(!(it->reasons & PIR_REASON_UNKNOWN_ID));
		CHECK(it->reasons & PIR_REASON_NO_OWNER);
		CHECK(it->reasons & PIR_REASON_NO_DUE);
	}
	it = synth_item_titled(&sy, "add a smoke test");
	CHECK(it && it->incident && !strcmp(it->incident, "INC-2891"));
	it = synth_item_titled(&sy, "no reference at all");
	CHECK(it && it->incident == NULL && it->id == NULL);
	/* the two markers of INC-2891 stay two items */
	for (size_t i = 0; i < pir_scan_item_count(sy.scan); i++) {
		const pir_item *x = pir_scan_item(sy.scan, i);
		anon += !x->id && x->incident && !strcmp(x->incident, "INC-2891");
	}
	CHECK_INT(anon, 3);
	synth_free(&sy);
}

/* A closed entry whose marker stays; no owner, no due date; a near miss. */
static void test_reasons_and_near_miss(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const pir_item *it;
	size_t near = 0;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "postmortems/2026-05-24/action-items.yml",
		   synth_blob(&sy, items_yml, true));
	synth_head(&sy, "src/main.c", synth_blob(&sy, code_c, false));
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-2026-003");
	CHECK(it != NULL);
	if (it) {
		CHECK(it->closed);
		CHECK_STR(it->status, "done");
		/* closed: not overdue, though its due date is long past */
		CHECK_INT(it->reasons, PIR_REASON_DONE_BUT_MARKER_REMAINS);
		CHECK_INT(it->overdue_days, 0);
	}
	it = synth_item(&sy, "PIR-2026-004");
	CHECK(it && it->reasons == (PIR_REASON_NO_OWNER | PIR_REASON_NO_DUE));
	/* "see PIR-2026-002" names a defined ID on a line without a marker */
	for (size_t i = 0; i < pir_scan_diagnostic_count(sy.scan); i++) {
		const pir_diagnostic *d = pir_scan_diagnostic(sy.scan, i);
		if (strcmp(d->code, "near-miss"))
			continue;
		near++;
		CHECK_STR(d->path, "src/main.c");
		CHECK_INT(d->line, 8);
		CHECK(strstr(d->message, "PIR-2026-002") != NULL);
	}
	CHECK_INT(near, 1);
	synth_free(&sy);
}

/* An entry without an ID is invalid and an item of its own. */
static void test_entry_without_id(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "action-items.yml",
		   synth_blob(&sy, "- title: no id\n  owner: x\n  due: 2027-01-01\n", true));
	CHECK_INT(synth_link(&sy), 0);
	CHECK_INT(pir_scan_item_count(sy.scan), 1);
	if (pir_scan_item_count(sy.scan) == 1) {
		const pir_item *it = pir_scan_item(sy.scan, 0);
		CHECK(it->id == NULL);
		CHECK(it->reasons & PIR_REASON_INVALID);
		CHECK_STR(it->title, "no id");
	}
	synth_free(&sy);
}

/* Most urgent first: overdue by severity, then the rest by severity and due date. */
static void test_order(void)
{
	pir_scan_options o = opts_at("2026-07-01");
	synth sy;
	const char *want[] = {"PIR-A", "PIR-B", "PIR-C", "PIR-D", "PIR-E"};

	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(
	    &sy, "action-items.yml",
	    synth_blob(&sy,
		       "- {id: PIR-E, title: e, owner: x, due: 2026-08-01}\n"
		       "- {id: PIR-D, title: d, owner: x, due: 2026-09-01, severity: low}\n"
		       "- {id: PIR-C, title: c, owner: x, due: 2026-08-01, severity: low}\n"
		       "- {id: PIR-B, title: b, owner: x, due: 2026-06-01, severity: low}\n"
		       "- {id: PIR-A, title: a, owner: x, due: 2026-06-20, severity: high}\n",
		       true));
	CHECK_INT(synth_link(&sy), 0);
	CHECK_INT(pir_scan_item_count(sy.scan), 5);
	for (size_t i = 0; i < 5 && i < pir_scan_item_count(sy.scan); i++)
		CHECK_STR(pir_scan_item(sy.scan, i)->id, want[i]);
	synth_free(&sy);
}

int main(void)
{
	RUN(test_join_by_id);
	RUN(test_unknown_id);
	RUN(test_duplicate_id);
	RUN(test_incident_classification);
	RUN(test_reasons_and_near_miss);
	RUN(test_entry_without_id);
	RUN(test_order);
	return test_summary();
}
