/* SPDX-License-Identifier: MIT */
/* The scanner against the fixture repositories (fixtures/make-fixtures.sh). */
#include <stdlib.h>

#include "pirscan/pirscan.h"
#include "test.h"

static pir_date D(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	pir_date_parse(&d, s, strlen(s));
	return d;
}

static pir_scan *run(const char *const *repos, pir_scan_options *o)
{
	pir_scan *s = NULL;

	if (o->as_of == PIR_DATE_NONE)
		o->as_of = D("2026-11-22");
	CHECK_INT(pir_scan_new(&s, o), 0);
	for (size_t i = 0; repos[i]; i++) {
		char *path = malloc(strlen(FIXTURES) + strlen(repos[i]) + 2);
		sprintf(path, "%s/%s", FIXTURES, repos[i]);
		CHECK_INT(pir_scan_add_repository(s, path), 0);
		free(path);
	}
	CHECK_INT(pir_scan_run(s), 0);
	return s;
}

static const pir_item *find(const pir_scan *s, const char *id)
{
	for (size_t i = 0; i < pir_scan_item_count(s); i++) {
		const pir_item *it = pir_scan_item(s, i);
		if (it->id && !strcmp(it->id, id))
			return it;
	}
	fprintf(stderr, "no item %s\n", id);
	return NULL;
}

static const pir_item *find_incident(const pir_scan *s, const char *incident)
{
	for (size_t i = 0; i < pir_scan_item_count(s); i++) {
		const pir_item *it = pir_scan_item(s, i);
		if (!it->id && it->incident && !strcmp(it->incident, incident))
			return it;
	}
	fprintf(stderr, "no marker item for %s\n", incident);
	return NULL;
}

static const pir_location *find_loc(const pir_item *it, const char *path)
{
	for (size_t i = 0; it && i < it->nlocations; i++)
		if (!strcmp(it->locations[i].path, path))
			return &it->locations[i];
	fprintf(stderr, "no location %s\n", path);
	return NULL;
}

static const pir_diagnostic *find_diag(const pir_scan *s, const char *code, const char *path)
{
	for (size_t i = 0; i < pir_scan_diagnostic_count(s); i++) {
		const pir_diagnostic *d = pir_scan_diagnostic(s, i);
		if (!strcmp(d->code, code) && (!path || (d->path && !strcmp(d->path, path))))
			return d;
	}
	return NULL;
}

static const char *const both[] = {"svc", "postmortems", NULL};

static void test_linking_across_repositories(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(both, &o);
	const pir_item *it = find(s, "PIR-2026-01-04-001");
	const pir_location *l;

	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->owner, "@alice");
		CHECK_STR(it->severity, "critical");
		CHECK_STR(it->incident, "INC-2891");
		CHECK_INT(it->due, D("2026-03-01")); /* the moved due date */
		CHECK_INT(it->overdue_days, D("2026-11-22") - D("2026-03-01"));
		CHECK(it->reasons & PIR_REASON_OVERDUE);
		CHECK(it->reasons & PIR_REASON_TOO_OLD);
		CHECK(!(it->reasons & PIR_REASON_UNKNOWN_ID));
		CHECK_INT(it->introduced.date, D("2026-01-04")); /* the yml entry came first */
		CHECK_INT(it->nlocations, 2);
		CHECK_INT(it->locations[0].kind, PIR_LOCATION_YAML);
		CHECK_STR(it->locations[0].repo, "postmortems");
		/* the marker was moved from src/main.c: its age is the original commit's */
		l = find_loc(it, "src/client/main.c");
		if (l) {
			CHECK_STR(l->repo, "svc");
			CHECK_INT(l->line, 5);
			CHECK_INT(l->introduced.date, D("2026-01-05"));
			CHECK(!PIR_COMMIT_REF_SET(&l->resolved));
		}
	}
	/* the most urgent item sorts first: the most overdue critical one */
	CHECK_STR(pir_scan_item(s, 0)->id, "PIR-2026-01-04-001");
	pir_scan_free(s);
}

static void test_side_branch_and_reasons(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(both, &o);
	const pir_item *it;
	const pir_location *l;

	/* added on fix-timeouts on 2026-03-02, merged on 2026-03-10 */
	it = find(s, "PIR-2026-02-20-001");
	l = find_loc(it, "src/timeouts.c");
	if (l)
		CHECK_INT(l->introduced.date, D("2026-03-02"));
	if (it) {
		CHECK_INT(it->nfields, 1);
		if (it->nfields)
			CHECK_STR(it->fields[0].key, "labels");
	}
	it = find(s, "PIR-2026-01-04-003");
	if (it)
		CHECK(it->reasons & PIR_REASON_DUPLICATE_ID);
	it = find(s, "PIR-2026-01-04-004");
	if (it) {
		CHECK(it->closed);
		CHECK_STR(it->status, "done");
		CHECK_INT(it->reasons, PIR_REASON_DONE_BUT_MARKER_REMAINS);
	}
	it = find(s, "PIR-2026-02-20-003");
	if (it)
		CHECK(it->reasons & PIR_REASON_INVALID);
	it = find(s, "PIR-2026-99-99-999");
	if (it) {
		CHECK(it->reasons & PIR_REASON_UNKNOWN_ID);
		CHECK(it->reasons & PIR_REASON_NO_OWNER);
	}
	it = find_incident(s, "INC-3000");
	if (it) {
		CHECK_STR(it->locations[0].path, "db/orders.sql");
		CHECK_STR(it->title, "index the orders table");
	}
	/* the CRLF file's marker has no carriage return in its text */
	it = find(s, "PIR-2026-01-04-002");
	l = find_loc(it, "scripts/export.ps1");
	if (l) {
		CHECK_INT(l->line, 2);
		CHECK_STR(l->text, "TODO PIR-2026-01-04-002: escape user names in the export too");
	}
	/* the binary file's text is never read */
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		for (size_t k = 0; k < pir_scan_item(s, i)->nlocations; k++)
			CHECK(strcmp(pir_scan_item(s, i)->locations[k].path, "assets/logo.png"));
	CHECK(find_diag(s, "binary", NULL) != NULL);
	CHECK(find_diag(s, "yaml-syntax", "incidents/broken/action-items.yml") != NULL);
	pir_scan_free(s);
}

static void test_resolved(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(both, &o);
	const pir_item *it = find(s, "PIR-2026-05-01-001");
	const pir_location *l;

	/* removed from postmortems on 2026-06-01 */
	if (it) {
		CHECK(PIR_COMMIT_REF_SET(&it->resolved));
		CHECK_INT(it->resolved.date, D("2026-06-01"));
		CHECK_INT(it->introduced.date, D("2026-05-01"));
		CHECK_INT(it->reasons, 0);
	}
	/* one of two markers removed: the item stays, the location is resolved */
	it = find(s, "PIR-2026-01-04-002");
	l = find_loc(it, "web/admin.html");
	if (l) {
		CHECK_INT(l->resolved.date, D("2026-04-01"));
		CHECK_INT(l->introduced.date, D("2026-01-20"));
	}
	if (it)
		CHECK(!PIR_COMMIT_REF_SET(&it->resolved));
	pir_scan_free(s);
}

static void test_no_history(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s;
	const pir_item *it;

	o.no_history = true;
	s = run(both, &o);
	CHECK(!pir_scan_has_history(s));
	it = find(s, "PIR-2026-01-04-001");
	if (it) {
		CHECK(!it->has_age);
		CHECK(!PIR_COMMIT_REF_SET(&it->introduced));
		CHECK(it->reasons & PIR_REASON_OVERDUE);
	}
	/* without history nothing is known of what left the tree */
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		CHECK(!PIR_COMMIT_REF_SET(&pir_scan_item(s, i)->resolved));
	pir_scan_free(s);
}

static void test_bare_shallow_worktree(void)
{
	static const char *const bare[] = {"postmortems.git", NULL};
	static const char *const shallow[] = {"svc-shallow", NULL};
	static const char *const wt[] = {"svc-wt", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s;
	const pir_item *it;
	const pir_location *l;

	s = run(bare, &o);
	CHECK_STR(pir_scan_repository(s, 0)->name, "postmortems");
	it = find(s, "PIR-2026-01-04-001");
	if (it)
		CHECK_INT(it->introduced.date, D("2026-01-04"));
	pir_scan_free(s);

	/* depth 3: the oldest commit present is 2026-03-10's merge... */
	s = run(shallow, &o);
	CHECK(pir_scan_repository(s, 0)->shallow);
	CHECK(find_diag(s, "shallow", NULL) != NULL);
	it = find(s, "PIR-2026-01-04-001");
	l = find_loc(it, "src/client/main.c");
	if (l) /* dated no earlier than the boundary */
		CHECK(l->introduced.date >= D("2026-03-01"));
	pir_scan_free(s);

	/* a linked worktree scans its own HEAD: the branch fix-timeouts */
	s = run(wt, &o);
	it = find(s, "PIR-2026-02-20-001");
	l = find_loc(it, "src/timeouts.c");
	if (l)
		CHECK_INT(l->introduced.date, D("2026-03-02"));
	CHECK(find(s, "PIR-2026-99-99-999") == NULL); /* only on main */
	pir_scan_free(s);
}

static void test_due_changes_snooze_team(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(both, &o);
	const pir_item *it;

	it = find(s, "PIR-2026-01-04-001");
	if (it) {
		CHECK_STR(it->team, "payments");
		CHECK_INT(it->ndue_changes, 1);
		if (it->ndue_changes) {
			CHECK_INT(it->due_changes[0].old_due, D("2026-02-01"));
			CHECK_INT(it->due_changes[0].new_due, D("2026-03-01"));
			CHECK_INT(it->due_changes[0].commit.date, D("2026-02-01"));
		}
		CHECK(!(it->reasons & PIR_REASON_SLIPPING));
	}
	/* moved three times: more than max_slips (2) */
	it = find(s, "PIR-2026-01-04-002");
	if (it) {
		CHECK_INT(it->ndue_changes, 3);
		if (it->ndue_changes == 3)
			CHECK_INT(it->due_changes[2].new_due, D("2027-03-31"));
		CHECK(it->reasons & PIR_REASON_SLIPPING);
		CHECK_INT(it->due, D("2027-03-31"));
	}
	it = find(s, "PIR-2026-02-20-001");
	if (it) {
		CHECK_INT(it->snooze_until, D("2026-12-15"));
		CHECK_STR(it->snooze_reason, "waiting for the vendor client release");
		CHECK(it->snoozed);
		CHECK_INT(it->nfields, 1); /* labels; snooze is a known field */
	}
	pir_scan_free(s);

	/* on the snooze's last day it no longer holds */
	o.max_slips = 3;
	o.as_of = D("2026-12-15");
	s = run(both, &o);
	it = find(s, "PIR-2026-02-20-001");
	if (it)
		CHECK(!it->snoozed);
	it = find(s, "PIR-2026-01-04-002");
	if (it)
		CHECK(!(it->reasons & PIR_REASON_SLIPPING));
	pir_scan_free(s);
}

static void test_changed_since(void)
{
	static const char *const svc[] = {"svc", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s;
	const pir_item *it;

	/* the last commit added src/util.c and src/generated.c */
	o.changed_since = "HEAD~1";
	s = run(svc, &o);
	for (size_t i = 0; i < pir_scan_item_count(s); i++) {
		it = pir_scan_item(s, i);
		bool new_file = !strcmp(it->locations[0].path, "src/util.c") ||
				!strcmp(it->locations[0].path, "src/generated.c");
		CHECK_INT(it->changed, new_file);
	}
	pir_scan_free(s);

	/* since the merge (HEAD~2): timeouts.c came with it and is unchanged since */
	o.changed_since = "HEAD~2";
	s = run(svc, &o);
	it = find(s, "PIR-2026-02-20-001");
	if (it)
		CHECK(!it->changed);
	it = find(s, "PIR-2026-99-99-999");
	if (it)
		CHECK(it->changed);
	pir_scan_free(s);

	/* before the merge, the side branch's marker is new */
	o.changed_since = "HEAD~3";
	s = run(svc, &o);
	it = find(s, "PIR-2026-02-20-001");
	if (it)
		CHECK(it->changed);
	pir_scan_free(s);

	/* across the rename of src/main.c to src/client/main.c: moved, not new */
	o.changed_since = "HEAD~5";
	s = run(svc, &o);
	it = find(s, "PIR-2026-01-04-001");
	if (it) {
		CHECK_STR(it->locations[0].path, "src/client/main.c");
		CHECK(!it->changed);
	}
	pir_scan_free(s);

	/* an unknown revision: the message names no flag, the error its option's field */
	{
		pir_scan *bad = NULL;
		char path[4096];

		snprintf(path, sizeof(path), "%s/svc", FIXTURES);
		o.changed_since = "no-such-ref";
		CHECK_INT(pir_scan_new(&bad, &o), 0);
		CHECK_INT(pir_scan_add_repository(bad, path), 0);
		CHECK_INT(pir_scan_run(bad), PIR_ENOTFOUND);
		CHECK_STR(pir_error_last(), "svc: unknown revision 'no-such-ref'");
		CHECK_STR(pir_error_option(), "changed_since");
		pir_error_clear();
		CHECK(pir_error_option() == NULL);
		pir_scan_free(bad);
	}

	/*
	 * The branch fix-timeouts is behind main, which merged it and later
	 * removed the admin.html marker. Compared with the merge base (the
	 * branch's tip: main contains it), nothing on the branch is new; a
	 * plain comparison with main's tree would call the admin.html marker
	 * added (as git diff main..fix-timeouts would, where main...fix-timeouts
	 * does not).
	 */
	{
		static const char *const wt[] = {"svc-wt", NULL};
		o.changed_since = "main";
		s = run(wt, &o);
		it = find(s, "PIR-2026-01-04-002");
		const pir_location *l = find_loc(it, "web/admin.html");
		if (l)
			CHECK(!l->changed);
		for (size_t i = 0; i < pir_scan_item_count(s); i++)
			CHECK(!pir_scan_item(s, i)->changed);
		pir_scan_free(s);
	}
}

static void test_check_default_fail_on(void)
{
	static const char *const configured[] = {"configured", NULL};
	static const char *const sev[] = {"sev1", "sev2", "sev3", NULL};
	static const char *const files[] = {"followups.yml", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_scan *s;

	/* a custom scale and no fail_on: the most urgent severity, sev1 */
	o.severities = sev;
	o.item_files = files;
	o.marker_pattern = "FIXME\\(PIR:(?<id>[^)]+)\\):? (?<text>.*)";
	o.as_of = D("2026-04-05");
	s = run(configured, &o);
	CHECK_INT(pir_check_new(&c, s, &co, false), 0);
	if (c) {
		CHECK(pir_check_failed(c)); /* X-1 (sev1) is overdue */
		CHECK_INT(pir_check_tally(c, PIR_VERDICT_FAIL), 1);
		CHECK_INT(pir_check_tally(c, PIR_VERDICT_WARN), 1); /* X-2 (sev3): below */
		CHECK_STR(pir_check_result_at(c, 0)->item->id, "X-1");
	}
	pir_check_free(c);
	co.fail_on = "critical"; /* not on this scale */
	CHECK_INT(pir_check_new(&c, s, &co, false), PIR_EINVALID);
	CHECK(c == NULL);
	pir_scan_free(s);
}

static const pir_report_group *group(const pir_report *r, const char *name)
{
	for (size_t i = 0; i < pir_report_group_count(r); i++)
		if (!strcmp(pir_report_group_at(r, i)->name, name))
			return pir_report_group_at(r, i);
	fprintf(stderr, "no group %s\n", name);
	return NULL;
}

static void test_teams_and_report(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_config *cfg = NULL;
	pir_buf errors = PIR_BUF_INIT;
	pir_report *r = NULL;
	const pir_report_group *g;
	const pir_item *it;
	pir_scan *s;
	char path[4096];

	snprintf(path, sizeof(path), "%s/svc", FIXTURES);
	CHECK_INT(pir_config_load_from_repository(&cfg, path, NULL, &errors), 0);
	o.teams_from = cfg;
	s = run(both, &o);
	/* the item's own field, its owner's team, CODEOWNERS (last match), a raw owner */
	it = find(s, "PIR-2026-01-04-001");
	if (it) {
		CHECK_STR(it->team, "payments");
		CHECK_STR(it->team_source, "item");
	}
	it = find(s, "PIR-2026-02-20-001"); /* @dave is in payments */
	if (it) {
		CHECK_STR(it->team, "payments");
		CHECK_STR(it->team_source, "owner");
	}
	it = find_incident(s, "INC-3000"); /* db/orders.sql: *.sql @acme/data */
	if (it) {
		CHECK_STR(it->team, "data");
		CHECK_STR(it->team_source, "codeowners");
	}
	it = find(s, "PIR-2026-99-99-999"); /* /src/util.c @frank, no such team */
	if (it)
		CHECK_STR(it->team, "@frank");
	it = find(s, "PIR-2026-02-20-003"); /* @frank owns it, no marker: nothing assigns it */
	if (it)
		CHECK_STR(it->team, "unassigned");
	/* closed by its status on 2026-03-01; closed by removal on 2026-06-01 */
	it = find(s, "PIR-2026-01-04-004");
	if (it)
		CHECK_INT(it->closed_at.date, D("2026-03-01"));
	it = find(s, "PIR-2026-05-01-001");
	if (it)
		CHECK_INT(it->closed_at.date, D("2026-06-01"));

	ro.since = D("2026-02-28");
	CHECK_INT(pir_report_new(&r, s, &ro), 0);
	CHECK_INT(pir_report_since(r), D("2026-02-28"));
	CHECK_STR(pir_report_group_at(r, pir_report_group_count(r) - 1)->name, "unassigned");
	if ((g = group(r, "payments"))) {
		CHECK_STR(g->email ? g->email[0] : NULL, "payments-oncall@example.com");
		CHECK_INT(g->noverdue, 2);
		CHECK_INT(g->nopen, 2);
		/* most overdue first: 266 days, then 206 */
		if (g->noverdue == 2) {
			CHECK_STR(g->overdue[0]->id, "PIR-2026-01-04-001");
			CHECK_STR(g->overdue[1]->id, "PIR-2026-02-20-001");
		}
		CHECK(g->has_median_age);
		CHECK_INT(g->weekly_open[PIR_REPORT_WEEKS - 1], 2);
		CHECK_INT(g->week_end[PIR_REPORT_WEEKS - 1], D("2026-11-22"));
		CHECK_INT(g->week_end[0], D("2026-11-22") - 175);
	}
	if ((g = group(r, "platform"))) {
		CHECK_INT(g->nclosed, 1); /* PIR-2026-01-04-004, on 2026-03-01 */
		if (g->nclosed)
			CHECK_STR(g->closed[0]->id, "PIR-2026-01-04-004");
	}
	/* PIR-2026-05-01-001 was open from 2026-05-01 to 2026-06-01 */
	if ((g = group(r, "unassigned"))) {
		CHECK_INT(g->week_end[0], D("2026-05-31"));
		CHECK_INT(g->weekly_open[0], 2);
		CHECK_INT(g->weekly_open[1], 1);
	}
	pir_report_free(r);

	/* time to close, over the 90 days up to 2026-05-29: the status close of 2026-03-01 */
	ro.since = PIR_DATE_NONE;
	ro.group_by = PIR_GROUP_SEVERITY;
	pir_scan_free(s);
	o.as_of = D("2026-05-29");
	s = run(both, &o);
	CHECK_INT(pir_report_new(&r, s, &ro), 0);
	CHECK_INT(pir_report_since(r), D("2026-05-28"));
	if ((g = group(r, "high"))) {
		CHECK_INT(g->nttc, 1);
		if (g->nttc) {
			CHECK_STR(g->ttc[0].severity, "high");
			CHECK_INT(g->ttc[0].median_days, D("2026-03-01") - D("2026-01-04"));
		}
	}
	pir_report_free(r);
	pir_scan_free(s);
	/* up to 2026-06-10: the removal of 2026-06-01, 31 days after its introduction */
	o.as_of = D("2026-06-10");
	s = run(both, &o);
	CHECK_INT(pir_report_new(&r, s, &ro), 0);
	if ((g = group(r, "medium"))) {
		CHECK_INT(g->nttc, 1);
		if (g->nttc)
			CHECK_INT(g->ttc[0].median_days, 31);
	}
	if ((g = group(r, "high")))
		CHECK_INT(g->nttc, 0); /* 2026-03-01 is out of the window now */
	pir_report_free(r);
	pir_scan_free(s);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

static void test_unreadable_is_not_removed(void)
{
	static const char *const unreadable[] = {"unreadable", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(unreadable, &o);

	/* upload.c turned binary and action-items.yml malformed on 2026-02-10 */
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		CHECK(!PIR_COMMIT_REF_SET(&pir_scan_item(s, i)->resolved));
	CHECK(find_diag(s, "yaml-syntax", "action-items.yml") != NULL);
	pir_scan_free(s);
}

static void test_exclude(void)
{
	static const char *const svc[] = {"svc", NULL};
	static const char *const globs[] = {"src/**", "*.sql", "web/admin.html", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s;

	o.exclude = globs;
	s = run(svc, &o);
	for (size_t i = 0; i < pir_scan_item_count(s); i++) {
		const pir_item *it = pir_scan_item(s, i);
		for (size_t k = 0; k < it->nlocations; k++) {
			const char *p = it->locations[k].path;
			CHECK(strncmp(p, "src/", 4) != 0);
			CHECK(strcmp(p, "db/orders.sql") != 0);
			CHECK(strcmp(p, "web/admin.html") != 0);
		}
	}
	/* what is not excluded is still there, dated */
	CHECK(find(s, "PIR-2026-01-04-002") != NULL);
	CHECK(find_incident(s, "INC-2891") != NULL);
	pir_scan_free(s);
}

static void test_broken_mirror(void)
{
	static const char *const broken[] = {"broken", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = run(broken, &o);
	size_t missing = 0;

	for (size_t i = 0; i < pir_scan_diagnostic_count(s); i++)
		missing += !strcmp(pir_scan_diagnostic(s, i)->code, "missing-object");
	CHECK_INT(missing, 2); /* one tree, one blob: each reported once */
	CHECK(find_diag(s, "missing-object", "src/Config.hs") != NULL);
	/* what could be read still is, with its history */
	CHECK(find(s, "PIR-2026-01-04-001") != NULL);
	CHECK(find(s, "PIR-2026-01-04-003") == NULL);
	pir_scan_free(s);
}

static void test_errors(void)
{
	pir_scan *s = NULL;
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;

	CHECK_INT(pir_scan_new(&s, NULL), 0);
	CHECK_INT(pir_scan_add_repository(s, "/nonexistent/path/for/pirscan"), PIR_ENOTREPO);
	CHECK(strstr(pir_error_last(), "no such file or directory") != NULL);
	CHECK_INT(pir_scan_add_repository(s, "/proc"), PIR_ENOTREPO);
	CHECK(strstr(pir_error_last(), "is not a git repository") != NULL);
	pir_scan_free(s);
	/* with keep_going, a repository that cannot be opened is reported and the scan goes on */
	o.keep_going = true;
	CHECK_INT(pir_scan_new(&s, &o), 0);
	CHECK_INT(pir_scan_add_repository(s, "/nonexistent/path/for/pirscan"), 0);
	CHECK_INT(pir_scan_run(s), 0);
	CHECK_INT(pir_scan_unscanned_count(s), 1);
	CHECK_INT(pir_scan_repository_count(s), 1);
	CHECK(pir_scan_diagnostic_count(s) == 1 &&
	      !strcmp(pir_scan_diagnostic(s, 0)->code, "repository-error") &&
	      pir_scan_diagnostic(s, 0)->level == PIR_DIAG_ERROR &&
	      strstr(pir_scan_diagnostic(s, 0)->message, "no such file") != NULL);
	pir_scan_free(s);
	o.keep_going = false;
	pir_scan_free(NULL);

	o.marker_pattern = "(unclosed";
	CHECK_INT(pir_scan_new(&s, &o), PIR_EINVALID);
	CHECK(s == NULL);

	o.marker_pattern = NULL;
	o.ref = "no-such-branch";
	CHECK_INT(pir_scan_new(&s, &o), 0);
	{
		char path[4096];
		snprintf(path, sizeof(path), "%s/svc", FIXTURES);
		CHECK_INT(pir_scan_add_repository(s, path), 0);
	}
	CHECK_INT(pir_scan_run(s), PIR_ENOTFOUND);
	CHECK(strstr(pir_error_last(), "no-such-branch") != NULL);
	pir_scan_free(s);
}

int main(void)
{
	RUN(test_linking_across_repositories);
	RUN(test_side_branch_and_reasons);
	RUN(test_resolved);
	RUN(test_no_history);
	RUN(test_bare_shallow_worktree);
	RUN(test_due_changes_snooze_team);
	RUN(test_changed_since);
	RUN(test_check_default_fail_on);
	RUN(test_teams_and_report);
	RUN(test_unreadable_is_not_removed);
	RUN(test_exclude);
	RUN(test_broken_mirror);
	RUN(test_errors);
	return test_summary();
}
