/* SPDX-License-Identifier: MIT */
/*
 * The report model (report.c) on a synthetic scan with history: grouping
 * by team, owner, incident and severity, each group's sections and figures,
 * the `since` window and the selection of groups. No git.
 */
#include "pirscan/config.h"
#include "pirscan/report.h"
#include "synth.h"
#include "test.h"

static pir_date D(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	pir_date_parse(&d, s, strlen(s));
	return d;
}

static const char config_yml[] = "teams:\n"
				 "  payments:\n"
				 "    email: pay@example.com\n"
				 "    members: [\"@alice\", \"@bob\"]\n"
				 "  search:\n"
				 "    email: [search@example.com, s2@example.com]\n"
				 "    members: [\"@carol\"]\n"
				 "  infra:\n"
				 "    members: [\"@ivan\"]\n";

#define YML "pm/action-items.yml"
#define N SYNTH_NONE

/* As of 2026-07-01: opened 2026-01-01, one more item and two closes yesterday. */
static const char before[] =
    "- {id: PIR-A, title: a, owner: \"@alice\", due: 2026-06-01, severity: high, "
    "linked_incident: INC-1}\n"
    "- {id: PIR-B, title: b, owner: \"@alice\", due: 2026-07-05, severity: low}\n"
    "- {id: PIR-C, title: c, owner: \"@bob\", due: 2026-12-01, severity: medium}\n"
    "- {id: PIR-D, title: d, owner: \"@zed\", due: 2026-06-20, severity: critical}\n"
    "- {id: PIR-E, title: e, owner: \"@bob\", due: 2026-06-25, severity: high}\n"
    "- {id: PIR-G, title: g, owner: \"@bob\", due: 2026-12-01, severity: high}\n"
    "- {id: PIR-H, title: h, owner: \"@alice\", due: 2026-12-01}\n";
static const char after[] =
    "- {id: PIR-A, title: a, owner: \"@alice\", due: 2026-06-01, severity: high, "
    "linked_incident: INC-1}\n"
    "- {id: PIR-B, title: b, owner: \"@alice\", due: 2026-07-05, severity: low}\n"
    "- {id: PIR-C, title: c, owner: \"@bob\", due: 2026-12-01, severity: medium}\n"
    "- {id: PIR-D, title: d, owner: \"@zed\", due: 2026-06-20, severity: critical}\n"
    "- {id: PIR-E, title: e, owner: \"@bob\", due: 2026-06-25, severity: high}\n"
    "- {id: PIR-G, title: g, owner: \"@bob\", due: 2026-12-01, severity: high, status: done}\n"
    "- {id: PIR-F, title: f, owner: \"@carol\", due: 2026-10-01, severity: low}\n";

static pir_config *cfg;

static void build(synth *sy)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	uint32_t b1, b2, c0;

	o.as_of = D("2026-07-01");
	o.teams_from = cfg;
	CHECK_INT(synth_new(sy, &o, "svc"), 0);
	b1 = synth_blob(sy, before, true);
	b2 = synth_blob(sy, after, true);
	{
		synth_change a[] = {{YML, N, b1}};
		c0 = synth_commit(sy, synth_time("2026-01-01", 0), N, N, a, 1, NULL, 0);
	}
	{
		synth_change a[] = {{YML, b1, b2}};
		synth_commit(sy, synth_time("2026-06-30", 0), c0, N, a, 1, NULL, 0);
	}
	synth_head(sy, YML, b2);
	CHECK_INT(synth_link(sy), 0);
}

/* The IDs of a list, space-separated, into `out`. */
static const char *ids(char *out, size_t size, const pir_item *const *v, size_t n)
{
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, size - k, "%s%s", i ? " " : "", v[i]->id);
	return out;
}

static const pir_report_group *group(const pir_report *r, const char *name)
{
	for (size_t i = 0; i < pir_report_group_count(r); i++)
		if (!strcmp(pir_report_group_at(r, i)->name, name))
			return pir_report_group_at(r, i);
	fprintf(stderr, "no group %s\n", name);
	return NULL;
}

static void test_by_team(void)
{
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;
	const pir_report_group *g;
	char buf[256];
	synth sy;

	build(&sy);
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	if (!r) {
		synth_free(&sy);
		return;
	}
	CHECK_INT(pir_report_since(r), D("2026-06-30")); /* the day before as-of */
	/* in name order, unassigned last; a configured team without items has no group */
	CHECK_INT(pir_report_group_count(r), 3);
	CHECK_STR(pir_report_group_at(r, 0)->name, "payments");
	CHECK_STR(pir_report_group_at(r, 1)->name, "search");
	CHECK_STR(pir_report_group_at(r, 2)->name, "unassigned");

	g = group(r, "payments");
	if (g) {
		CHECK(g->email && !strcmp(g->email[0], "pay@example.com") && !g->email[1]);
		CHECK_STR(ids(buf, sizeof(buf), g->overdue, g->noverdue), "PIR-A PIR-E");
		CHECK_STR(ids(buf, sizeof(buf), g->due_soon, g->ndue_soon), "PIR-B");
		CHECK_STR(ids(buf, sizeof(buf), g->stale, g->nstale), "PIR-C"); /* too old */
		CHECK_INT(g->nopened, 0);
		/* closed yesterday: G by its status, H by leaving the file */
		CHECK_INT(g->nclosed, 2);
		CHECK_INT(g->nopen, 4);
		CHECK(g->has_median_age);
		CHECK_INT(g->median_age_days, D("2026-07-01") - D("2026-01-01"));
		/* time to close: high (G), then no severity (H), 180 days each */
		CHECK_INT(g->nttc, 2);
		if (g->nttc == 2) {
			CHECK_STR(g->ttc[0].severity, "high");
			CHECK_INT(g->ttc[0].closed, 1);
			CHECK_INT(g->ttc[0].median_days, 180);
			CHECK(g->ttc[1].severity == NULL);
			CHECK_INT(g->ttc[1].median_days, 180);
		}
		/* open at the end of each week: 6 until the two closes, 4 at as-of */
		CHECK_INT(g->week_end[PIR_REPORT_WEEKS - 1], D("2026-07-01"));
		CHECK_INT(g->week_end[PIR_REPORT_WEEKS - 2], D("2026-06-24"));
		CHECK_INT(g->weekly_open[PIR_REPORT_WEEKS - 1], 4);
		CHECK_INT(g->weekly_open[PIR_REPORT_WEEKS - 2], 6);
		CHECK_INT(g->weekly_open[0], 6);
	}
	g = group(r, "search");
	if (g) {
		CHECK(g->email && !strcmp(g->email[1], "s2@example.com"));
		CHECK_STR(ids(buf, sizeof(buf), g->opened, g->nopened), "PIR-F");
		CHECK_INT(g->nopen, 1);
		CHECK_INT(g->noverdue + g->ndue_soon + g->nstale + g->nclosed, 0);
		/* introduced yesterday: open in the last week only */
		CHECK_INT(g->weekly_open[PIR_REPORT_WEEKS - 1], 1);
		CHECK_INT(g->weekly_open[PIR_REPORT_WEEKS - 2], 0);
		CHECK_INT(g->median_age_days, 1);
	}
	g = group(r, "unassigned");
	if (g) {
		CHECK(g->email == NULL);
		CHECK_STR(ids(buf, sizeof(buf), g->overdue, g->noverdue), "PIR-D");
	}
	pir_report_free(r);
	synth_free(&sy);
}

static void test_other_groupings(void)
{
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;
	const pir_report_group *g;
	char buf[256];
	synth sy;
	const char *sev[] = {"critical", "high", "low", "medium", "none"};

	build(&sy);
	ro.group_by = PIR_GROUP_SEVERITY;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 0, 5);
	for (size_t i = 0; r && i < 5 && i < pir_report_group_count(r); i++) {
		CHECK_STR(pir_report_group_at(r, i)->name, sev[i]);
		CHECK(pir_report_group_at(r, i)->email == NULL); /* addresses are teams' */
	}
	if (r && (g = group(r, "high"))) {
		CHECK_INT(g->nopen, 2);
		CHECK_INT(g->nclosed, 1);
		CHECK_STR(ids(buf, sizeof(buf), g->overdue, g->noverdue), "PIR-A PIR-E");
	}
	pir_report_free(r);
	r = NULL;

	ro.group_by = PIR_GROUP_OWNER;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 0, 4);
	if (r && (g = group(r, "@alice")))
		CHECK_STR(ids(buf, sizeof(buf), g->open, g->nopen), "PIR-A PIR-B");
	if (r && (g = group(r, "@bob")))
		CHECK_INT(g->nopen + g->nclosed, 3);
	pir_report_free(r);
	r = NULL;

	ro.group_by = PIR_GROUP_INCIDENT;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 0, 2);
	if (r && (g = group(r, "INC-1")))
		CHECK_STR(ids(buf, sizeof(buf), g->open, g->nopen), "PIR-A");
	if (r && (g = group(r, "no incident")))
		CHECK_INT(g->nopen, 5);
	pir_report_free(r);
	synth_free(&sy);
}

/* A wider window, a smaller warning, a shorter close window. */
static void test_windows(void)
{
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;
	const pir_report_group *g;
	char buf[256];
	synth sy;

	build(&sy);
	ro.since = D("2026-01-01");
	ro.warn_within = 3; /* PIR-B, due in 4 days, is not due soon: it is stale (too old) */
	ro.close_window = 2;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	if (r && (g = group(r, "payments"))) {
		CHECK_INT(g->nopened, 6);
		CHECK_INT(g->ndue_soon, 0);
		/* in the scan's order: medium before low */
		CHECK_STR(ids(buf, sizeof(buf), g->stale, g->nstale), "PIR-C PIR-B");
		/* closed yesterday: within the last two days, as-of included */
		CHECK_INT(g->nttc, 2);
	}
	pir_report_free(r);
	r = NULL;
	ro.close_window = 1; /* the as-of day only: yesterday's closes are out */
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	if (r && (g = group(r, "payments")))
		CHECK_INT(g->nttc, 0);
	pir_report_free(r);
	r = NULL;
	ro.since = D("2026-07-01"); /* the as-of day is not over: nothing yet */
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	if (r && (g = group(r, "payments")))
		CHECK_INT(g->nopened + g->nclosed, 0);
	pir_report_free(r);
	r = NULL;
	ro.close_window = 0;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), PIR_EINVALID);
	CHECK(r == NULL);
	synth_free(&sy);
}

/* Only the groups asked for; a configured team without items is no error; a typo is. */
static void test_group_selection(void)
{
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;
	synth sy;
	const char *one[] = {"search", NULL};
	const char *two[] = {"unassigned", "payments", NULL};
	const char *quiet[] = {"infra", NULL};
	const char *typo[] = {"payments", "serch", NULL};
	const char *far[] = {"zzzzzzzzzzzz", NULL};

	build(&sy);
	ro.groups = one;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 0, 1);
	if (r && pir_report_group_count(r) == 1)
		CHECK_STR(pir_report_group_at(r, 0)->name, "search");
	pir_report_free(r);
	r = NULL;

	ro.groups = two;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 0, 2);
	if (r && pir_report_group_count(r) == 2) {
		CHECK_STR(pir_report_group_at(r, 0)->name, "payments");
		CHECK_STR(pir_report_group_at(r, 1)->name, "unassigned");
	}
	pir_report_free(r);
	r = NULL;

	ro.groups = quiet;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 1, 0);
	pir_report_free(r);
	r = NULL;

	ro.groups = typo;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), PIR_ENOTFOUND);
	CHECK(r == NULL);
	CHECK_STR(pir_error_last(), "no team 'serch' in the report; did you mean 'search'?");

	ro.groups = far;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), PIR_ENOTFOUND);
	CHECK(strstr(pir_error_last(), "the nearest is") != NULL);

	/* grouping by owner, a team name is no group */
	ro.group_by = PIR_GROUP_OWNER;
	ro.groups = quiet;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), PIR_ENOTFOUND);
	synth_free(&sy);
}

/* An empty scan: no groups, and a selection has nothing to find. */
static void test_empty(void)
{
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;
	const char *want[] = {"ops", NULL};
	synth sy;

	CHECK_INT(synth_new(&sy, NULL, "empty"), 0);
	CHECK_INT(synth_link(&sy), 0);
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), 0);
	CHECK_INT(r ? pir_report_group_count(r) : 1, 0);
	pir_report_free(r);
	r = NULL;
	ro.groups = want;
	CHECK_INT(pir_report_new(&r, sy.scan, &ro), PIR_ENOTFOUND);
	CHECK(strstr(pir_error_last(), "it has no groups") != NULL);
	synth_free(&sy);
}

int main(void)
{
	pir_buf errors = PIR_BUF_INIT;

	CHECK_INT(pir_config_parse(&cfg, config_yml, strlen(config_yml), "cfg.yml", &errors), 0);
	pir_buf_dispose(&errors);
	RUN(test_by_team);
	RUN(test_other_groupings);
	RUN(test_windows);
	RUN(test_group_selection);
	RUN(test_empty);
	pir_config_free(cfg);
	return test_summary();
}
