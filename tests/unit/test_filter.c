/* SPDX-License-Identifier: MIT */
/* Item filters over a scan of the fixture repositories. */
#include <stdlib.h>

#include "pirscan/pirscan.h"
#include "test.h"

static pir_scan *run(void)
{
	static const char *const repos[] = {"svc", "postmortems"};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = NULL;

	pir_date_parse(&o.as_of, "2026-11-22", 10);
	CHECK_INT(pir_scan_new(&s, &o), 0);
	for (size_t i = 0; i < 2; i++) {
		char *path = malloc(strlen(FIXTURES) + strlen(repos[i]) + 2);
		sprintf(path, "%s/%s", FIXTURES, repos[i]);
		CHECK_INT(pir_scan_add_repository(s, path), 0);
		free(path);
	}
	CHECK_INT(pir_scan_run(s), 0);
	return s;
}

static bool has(const pir_scan *s, const char *id)
{
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		if (pir_scan_item(s, i)->id && !strcmp(pir_scan_item(s, i)->id, id))
			return true;
	return false;
}

static void test_not_run(void)
{
	pir_scan *s = NULL;
	pir_item_filter f = PIR_ITEM_FILTER_INIT;

	CHECK_INT(pir_scan_new(&s, NULL), 0);
	CHECK_INT(pir_scan_filter(s, &f), PIR_EINVALID);
	pir_scan_free(s);
}

static void test_empty_keeps_all(void)
{
	pir_scan *s = run();
	pir_item_filter f = PIR_ITEM_FILTER_INIT;
	size_t n = pir_scan_item_count(s);

	CHECK(n > 5);
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK_INT(pir_scan_item_count(s), n);
	CHECK_INT(pir_scan_filter(s, NULL), 0);
	CHECK_INT(pir_scan_item_count(s), n);
	pir_scan_free(s);
}

/* Values OR within a list, lists AND; case and a leading '@' do not matter. */
static void test_or_and(void)
{
	static const char *const sev[] = {"CRITICAL", "high", NULL};
	static const char *const owners[] = {"alice", "@Carol", "@bob", NULL};
	static const char *const teams[] = {"UNASSIGNED", NULL};
	pir_scan *s = run();
	pir_item_filter f = PIR_ITEM_FILTER_INIT;

	f.severities = sev;
	f.owners = owners;
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK_INT(pir_scan_item_count(s), 3);
	CHECK(has(s, "PIR-2026-01-04-001")); /* critical, @alice */
	CHECK(has(s, "PIR-2026-01-04-002")); /* high, @bob */
	CHECK(has(s, "PIR-2026-01-04-004")); /* high, @carol */
	pir_scan_free(s);

	/* without a configuration, only entries with a team field have one */
	s = run();
	size_t want = 0;
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		want += !strcmp(pir_scan_item(s, i)->team, "unassigned");
	CHECK(want > 0 && want < pir_scan_item_count(s));
	f = (pir_item_filter)PIR_ITEM_FILTER_INIT;
	f.teams = teams;
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK_INT(pir_scan_item_count(s), want);
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		CHECK_STR(pir_scan_item(s, i)->team, "unassigned");
	pir_scan_free(s);
}

/* An item without the field matches no value; --repo by name or path. */
static void test_absent_and_repo(void)
{
	static const char *const inc[] = {"inc-4000", NULL};
	static const char *const repo[] = {"postmortems", NULL};
	static const char *const typo[] = {"postmortems", "postmortem", NULL};
	pir_scan *s = run();
	pir_item_filter f = PIR_ITEM_FILTER_INIT;
	size_t n = pir_scan_item_count(s);

	f.incidents = inc;
	for (size_t i = 0; i < n; i++) {
		const pir_item *it = pir_scan_item(s, i);
		CHECK(pir_item_filter_match(&f, s, it) ==
		      (it->incident && !strcmp(it->incident, "INC-4000")));
	}
	f = (pir_item_filter)PIR_ITEM_FILTER_INIT;
	f.repos = typo;
	CHECK_INT(pir_scan_filter(s, &f), PIR_ENOTFOUND);
	CHECK_INT(pir_scan_item_count(s), n);
	f.repos = repo;
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK(pir_scan_item_count(s) < n);
	for (size_t i = 0; i < pir_scan_item_count(s); i++) {
		const pir_item *it = pir_scan_item(s, i);
		bool in = false;
		for (size_t l = 0; l < it->nlocations; l++)
			in |= !strcmp(it->locations[l].repo, "postmortems");
		CHECK(in);
	}
	pir_scan_free(s);
}

int main(void)
{
	RUN(test_not_run);
	RUN(test_empty_keeps_all);
	RUN(test_or_and);
	RUN(test_absent_and_repo);
	return test_summary();
}
