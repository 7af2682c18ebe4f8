/* SPDX-License-Identifier: MIT */
/*
 * Incidents (issue 12): the ID and date a postmortem's path gives,
 * severity_from_incident in the configuration, and the incidents of a scan
 * of the pmdocs fixture (counts, order, the duplicate, the mapping, filters).
 */
#include <stdlib.h>

#include "internal.h"
#include "test.h"

static void test_path_id(void)
{
	static const struct {
		const char *path, *id;
	} cases[] = {
	    {"postmortems/2026-05-24-payments.md", "2026-05-24-payments"},
	    {"incidents/inc-2891-checkout.md", "INC-2891"},
	    {"pm/INC-77/README.md", "INC-77"},
	    {"payments/postmortem.md", "payments"},
	    {"sonnet.markdown", "sonnet"},
	};
	char *id;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(pir_postmortem_path_id(&id, cases[i].path), 0);
		CHECK_STR(id, cases[i].id);
		free(id);
	}
	CHECK_INT(pir_postmortem_path_date("postmortems/2026-05-24-payments.md"), 20597);
	CHECK_INT(pir_postmortem_path_date("postmortems/2026-02-30-x.md"), PIR_DATE_NONE);
	CHECK_INT(pir_postmortem_path_date("postmortems/x.md"), PIR_DATE_NONE);
}

static pir_config *parse(const char *yaml, pir_buf *errors)
{
	pir_config *cfg = NULL;

	errors->size = 0;
	pir_config_parse(&cfg, yaml, strlen(yaml), "cfg.yml", errors);
	return cfg;
}

static void test_config(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = parse("severity_from_incident:\n  P1: critical\n  sev2: high\n", &errors);

	CHECK(cfg != NULL);
	CHECK_STR(pir_config_severity_from_incident(cfg, "p1"), "critical");
	CHECK_STR(pir_config_severity_from_incident(cfg, "P1"), "critical");
	CHECK_STR(pir_config_severity_from_incident(cfg, "SEV2"), "high");
	CHECK(pir_config_severity_from_incident(cfg, "p2") == NULL);
	CHECK(pir_config_severity_from_incident(cfg, NULL) == NULL);
	CHECK(pir_config_severity_from_incident(NULL, "p1") == NULL);
	pir_config_free(cfg);

	/* with severities of its own, the values are judged by them, wherever they stand */
	cfg = parse("severity_from_incident: {sev1: s1}\nseverities: [s1, s2]\n", &errors);
	CHECK(cfg != NULL);
	CHECK_STR(pir_config_severity_from_incident(cfg, "SEV1"), "s1");
	pir_config_free(cfg);

	CHECK(!parse("severity_from_incident: {p1: urgent, p2: high}\n", &errors));
	CHECK_STR(errors.ptr, "cfg.yml:1:30: 'severity_from_incident' of \"p1\": \"urgent\" is "
			      "not one of the severities (critical, high, medium, low)\n");
	CHECK(!parse("severity_from_incident: {P1: critical, p1: high}\n", &errors));
	CHECK_STR(errors.ptr, "cfg.yml:1:40: duplicate key \"p1\" in 'severity_from_incident'\n");
	CHECK(!parse("severity_from_incident: [p1, critical]\n", &errors));
	CHECK_STR(errors.ptr, "cfg.yml:1:25: 'severity_from_incident' must be a mapping of an "
			      "incident's severity to a severity, not a list\n");
	CHECK(!parse("severity_from_incident: {p1: [critical]}\n", &errors));
	CHECK(errors.size > 0);
	pir_buf_dispose(&errors);
}

static pir_scan *run(const pir_config *cfg, const char *as_of)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = NULL;
	char *path = malloc(strlen(FIXTURES) + sizeof("/pmdocs"));

	sprintf(path, "%s/pmdocs", FIXTURES);
	pir_date_parse(&o.as_of, as_of, 10);
	o.teams_from = cfg;
	CHECK_INT(pir_scan_new(&s, &o), 0);
	CHECK_INT(pir_scan_add_repository(s, path), 0);
	CHECK_INT(pir_scan_run(s), 0);
	free(path);
	return s;
}

static const pir_item *item(const pir_scan *s, const char *id)
{
	for (size_t i = 0; i < pir_scan_item_count(s); i++)
		if (pir_scan_item(s, i)->id && !strcmp(pir_scan_item(s, i)->id, id))
			return pir_scan_item(s, i);
	return NULL;
}

static size_t count_code(const pir_scan *s, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < pir_scan_diagnostic_count(s); i++)
		n += !strcmp(pir_scan_diagnostic(s, i)->code, code);
	return n;
}

static void test_scan(void)
{
	pir_scan *s = run(NULL, "2026-06-12");
	static const char *const order[] = {
	    "hostile",	      "INC-3000",	"INC-2891", "sonnet", "2026-05-24-payments",
	    "2026-05-20-cdn", "2026-03-03-dns", "INC-4242"};
	const pir_incident *x;
	pir_date d;

	CHECK_INT(pir_scan_incident_count(s), 8);
	for (size_t i = 0; i < 8 && i < pir_scan_incident_count(s); i++)
		CHECK_STR(pir_scan_incident(s, i)->id, order[i]);
	CHECK(pir_scan_incident(s, 8) == NULL);
	/* the template's document: ID from its file name, fields from its header */
	x = pir_scan_incident_find(s, "2026-05-24-payments");
	CHECK(x != NULL);
	if (x) {
		CHECK_STR(x->title, "Incident: Payment service outage");
		CHECK_STR(x->severity, "p1");
		CHECK_STR(x->status, "resolved");
		CHECK_STR(x->duration, "0 hours 40 minutes");
		CHECK_STR(x->repo, "pmdocs");
		CHECK_STR(x->path, "postmortems/2026-05-24-payments.md");
		CHECK_INT(x->open, 4);
		CHECK_INT(x->overdue, 1); /* PIR-2026-05-24-001, the yml entry joined to its row */
		CHECK_INT(x->closed, 0);
		CHECK(x->has_oldest_open_age && x->oldest_open_age_days == 19);
		CHECK(!x->has_remediation);
	}
	/* every item closed: the time to remediation, from the date its path gives */
	x = pir_scan_incident_find(s, "2026-05-20-cdn");
	CHECK(x != NULL);
	if (x) {
		pir_date_parse(&d, "2026-06-10", 10);
		CHECK(x->open == 0 && x->closed == 2 && !x->has_oldest_open_age);
		CHECK(x->has_remediation && x->remediation_days == 21 && x->remediated == d);
	}
	/* two documents of INC-2891: the first by path is kept, the other a warning */
	x = pir_scan_incident_find(s, "INC-2891");
	CHECK(x && !strcmp(x->path, "docs/postmortems/checkout.md"));
	CHECK_INT(count_code(s, "incident-duplicate"), 1);
	/* named by a marker only: no document, no details */
	x = pir_scan_incident_find(s, "INC-4242");
	CHECK(x && !x->path && !x->repo && x->date == PIR_DATE_NONE && x->open == 1);
	CHECK(item(s, "PIR-2026-05-24-001") &&
	      pir_scan_item_incident(s, item(s, "PIR-2026-05-24-001")) ==
		  pir_scan_incident_find(s, "2026-05-24-payments"));
	CHECK(pir_scan_incident_find(s, "nope") == NULL);
	/* without a configuration, no severity is given */
	CHECK(item(s, "PIR-2026-05-31-001") && !item(s, "PIR-2026-05-31-001")->severity);
	pir_scan_free(s);
}

static void test_severity_from_incident(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = parse(
	    "severity_from_incident: {Critical: critical, p1: critical, sev2: high}\n", &errors);
	pir_scan *s = run(cfg, "2026-07-02");
	const pir_item *it;

	/* no severity of its own: its incident's, mapped */
	it = item(s, "PIR-2026-05-31-001");
	CHECK(it && it->severity && !strcmp(it->severity, "critical") && it->severity_rank == 0);
	it = item(s, "PIR-2026-05-24-010");
	CHECK(it && it->severity && !strcmp(it->severity, "critical"));
	/* its own severity wins */
	it = item(s, "PIR-2026-05-24-001");
	CHECK(it && it->severity && !strcmp(it->severity, "high"));
	/* an incident whose severity the mapping does not name gives none */
	it = item(s, "PIR-2026-06-01-004");
	CHECK(it && !it->severity && it->severity_rank == PIR_SEVERITY_NONE);
	pir_scan_free(s);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

static void test_filter(void)
{
	pir_scan *s = run(NULL, "2026-06-12");
	const char *const incidents[] = {"INC-3000", NULL};
	pir_item_filter f = PIR_ITEM_FILTER_INIT;
	const pir_incident *x;

	f.incidents = incidents;
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK_INT(pir_scan_incident_count(s), 1);
	x = pir_scan_incident(s, 0);
	CHECK(x && !strcmp(x->id, "INC-3000") && x->open == 1 && x->closed == 2);
	CHECK(pir_scan_incident_find(s, "2026-03-03-dns") == NULL);
	pir_scan_free(s);

	/* a filter that narrows nothing keeps every document */
	s = run(NULL, "2026-06-12");
	f.incidents = NULL;
	CHECK_INT(pir_scan_filter(s, &f), 0);
	CHECK_INT(pir_scan_incident_count(s), 8);
	pir_scan_free(s);
}

int main(void)
{
	pir_library_init();
	RUN(test_path_id);
	RUN(test_config);
	RUN(test_scan);
	RUN(test_severity_from_incident);
	RUN(test_filter);
	pir_library_shutdown();
	return test_summary();
}
