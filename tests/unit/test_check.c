/* SPDX-License-Identifier: MIT */
/* The gate (check.c) and its writers (format_check.c), on the fixture repositories. */
#include <stdlib.h>

#include "pirscan/pirscan.h"
#include "test.h"

static pir_date D(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	pir_date_parse(&d, s, strlen(s));
	return d;
}

static pir_scan *run(const char *repo, pir_scan_options *o)
{
	char path[4096];
	pir_scan *s = NULL;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, repo);
	CHECK_INT(pir_scan_new(&s, o), 0);
	CHECK_INT(pir_scan_add_repository(s, path), 0);
	CHECK_INT(pir_scan_run(s), 0);
	return s;
}

/* The result of the item `id`, or of the file problem `code` when id is NULL. */
static const pir_check_result *result(const pir_check *c, const char *id, const char *code)
{
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		if (id && r->item && r->item->id && !strcmp(r->item->id, id))
			return r;
		if (!id && !r->item && !strcmp(r->problems[0]->code, code))
			return r;
	}
	fprintf(stderr, "no result %s\n", id ? id : code);
	return NULL;
}

static char *render(const pir_check *c, pir_check_format f)
{
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_check_write(&b, c, f, NULL), 0);
	return b.ptr; /* a pir_buf's memory is malloc'ed: the caller frees it */
}

/* Every reason, summary and message is written in full, whatever its length. */
static void test_long_severity_name(void)
{
	char longname[701];
	const char *sev[] = {longname, "critical", "high", "medium", "low", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_scan *s;
	char want[800];

	memset(longname, 'x', sizeof(longname) - 1);
	memcpy(longname, "sev-", 4);
	longname[sizeof(longname) - 1] = '\0';
	o.severities = sev;
	o.as_of = D("2026-07-01");
	s = run("demo", &o);
	CHECK_INT(pir_check_new(&c, s, NULL, false), 0); /* fails at the most urgent: longname */
	if (c) {
		char *table = render(c, PIR_CHECK_FORMAT_TABLE);
		char *gh = render(c, PIR_CHECK_FORMAT_GITHUB);
		char *md = render(c, PIR_CHECK_FORMAT_MARKDOWN);

		CHECK(!pir_check_failed(c));
		/* PIR-2026-05-24-001 (high) is overdue below it */
		snprintf(want, sizeof(want), "below the fail-on severity (%s)\n", longname);
		CHECK(table && strstr(table, want));
		want[strlen(want) - 1] = '\0'; /* the annotation goes on with the owner */
		CHECK(gh && strstr(gh, want));
		snprintf(want, sizeof(want), "fail-on %s, grace 0 days)\n", longname);
		CHECK(table && strstr(table, want));
		CHECK(gh && strstr(gh, want));
		snprintf(want, sizeof(want), "items at %s and above, grace 0 days.\n", longname);
		CHECK(md && strstr(md, want));
		free(table);
		free(gh);
		free(md);
	}
	pir_check_free(c);
	pir_scan_free(s);
}

/* invalid/: default policy, every format's view of the same results. */
static void test_invalid_fails(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check *c = NULL;
	const pir_check_result *r;
	pir_scan *s;

	o.as_of = D("2026-04-01");
	s = run("invalid", &o);
	CHECK_INT(pir_check_new(&c, s, NULL, false), 0);
	if (!c)
		goto done;
	CHECK(pir_check_failed(c));
	CHECK_INT(pir_check_tally(c, PIR_VERDICT_FAIL), 6);
	CHECK_INT(pir_check_tally(c, PIR_VERDICT_PASS), 2);
	/* file problems come first, with no item and their diagnostic */
	r = pir_check_result_at(c, 0);
	CHECK(r && !r->item && r->nproblems == 1);
	r = result(c, NULL, "yaml-syntax");
	if (r) {
		CHECK_INT(r->verdict, PIR_VERDICT_FAIL);
		CHECK_INT(r->why, PIR_REASON_INVALID);
		CHECK_STR(r->problems[0]->path, "incidents/inc-300/action-items.yml");
	}
	r = result(c, NULL, "yaml-schema");
	CHECK(r && r->problems[0]->line == 12);
	/* a field error belongs to its entry, at its own line */
	r = result(c, "PIR-2026-03-01-002", NULL);
	if (r) {
		CHECK_INT(r->verdict, PIR_VERDICT_FAIL);
		CHECK_INT(r->nproblems, 1);
		CHECK_INT(r->problems[0]->line, 10);
		CHECK(strstr(r->problems[0]->message, "2026/05/31") != NULL);
	}
	r = result(c, "PIR-2026-03-09-001", NULL);
	CHECK(r && r->nproblems == 1 && strstr(r->problems[0]->message, "hihg"));
	/* a snooze cannot vouch for an entry that cannot be read */
	r = result(c, "PIR-2026-03-09-003", NULL);
	if (r) {
		CHECK_INT(r->verdict, PIR_VERDICT_FAIL);
		CHECK_INT(r->why, PIR_REASON_INVALID);
	}
	/* the entry without an id */
	for (size_t i = 0; i < pir_check_count(c); i++) {
		r = pir_check_result_at(c, i);
		if (r->item && !r->item->id) {
			CHECK_INT(r->verdict, PIR_VERDICT_FAIL);
			CHECK(r->nproblems == 1 &&
			      !strcmp(r->problems[0]->message, "'id' is missing"));
		}
	}
	{
		char *gh = render(c, PIR_CHECK_FORMAT_GITHUB);
		char *gl = render(c, PIR_CHECK_FORMAT_GITLAB);
		char *ju = render(c, PIR_CHECK_FORMAT_JUNIT);
		/* annotations on the field to fix */
		CHECK(gh &&
		      strstr(gh, "::error file=incidents/inc-100/action-items.yml,line=10,col=10,"
				 "title=PIR-2026-03-01-002 invalid::"));
		CHECK(gh && strstr(gh, "::error file=incidents/inc-300/action-items.yml,line=4,"));
		CHECK(gl &&
		      strstr(gl, "\"path\": \"incidents/inc-300/action-items.yml\", \"lines\": "
				 "{\"begin\": 4}"));
		CHECK(ju && strstr(ju, "failures=\"6\""));
		free(gh);
		free(gl);
		free(ju);
	}
done:
	pir_check_free(c);
	pir_scan_free(s);
}

/* The opt-out: warnings, unless `invalid` is a failing reason. */
static void test_invalid_opt_out(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_scan *s;

	o.as_of = D("2026-04-01");
	s = run("invalid", &o);
	co.warn_invalid = true;
	CHECK_INT(pir_check_new(&c, s, &co, false), 0);
	if (c) {
		const pir_check_result *r = result(c, NULL, "yaml-syntax");
		CHECK(!pir_check_failed(c));
		CHECK_INT(pir_check_tally(c, PIR_VERDICT_WARN), 6);
		CHECK(r && r->verdict == PIR_VERDICT_WARN && r->why == PIR_REASON_INVALID);
		/* overdue, but without a severity it cannot fail on the date either */
		r = result(c, "PIR-2026-03-09-003", NULL);
		CHECK(r && r->verdict == PIR_VERDICT_WARN &&
		      r->why == (PIR_REASON_INVALID | PIR_WHY_BELOW));
	}
	pir_check_free(c);
	co.fail_reasons = PIR_REASON_INVALID;
	CHECK_INT(pir_check_new(&c, s, &co, false), 0);
	CHECK(c && pir_check_failed(c) && pir_check_tally(c, PIR_VERDICT_FAIL) == 6);
	pir_check_free(c);
	pir_scan_free(s);
}

/* Pull-request mode: what the change added fails, what it did not touch warns. */
static void test_invalid_changed_since(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_scan *s;

	o.as_of = D("2026-04-01");
	o.changed_since = "HEAD~1";
	s = run("invalid", &o);
	CHECK_INT(pir_check_new(&c, s, NULL, true), 0);
	if (c) {
		const pir_check_result *r;
		CHECK(pir_check_failed(c));
		CHECK_INT(pir_check_tally(c, PIR_VERDICT_FAIL), 4);
		CHECK_INT(pir_check_tally(c, PIR_VERDICT_WARN), 2);
		r = result(c, NULL, "yaml-syntax"); /* a new file */
		CHECK(r && r->verdict == PIR_VERDICT_FAIL);
		/* in a file the change edited, but not changed */
		r = result(c, NULL, "yaml-schema");
		CHECK(r && r->verdict == PIR_VERDICT_WARN &&
		      r->why == (PIR_REASON_INVALID | PIR_WHY_UNCHANGED));
		r = result(c, "PIR-2026-03-01-002", NULL);
		CHECK(r && r->verdict == PIR_VERDICT_WARN &&
		      r->why == (PIR_REASON_INVALID | PIR_WHY_UNCHANGED));
		r = result(c, "PIR-2026-03-09-001", NULL);
		CHECK(r && r->verdict == PIR_VERDICT_FAIL);
	}
	pir_check_free(c);
	pir_scan_free(s);
}

/* Terminal columns of an ASCII line that may hold "…": one per UTF-8 sequence. */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * The table fitted to a width: no line wider, nothing lost but the middle of
 * a word too wide for any line, and a 200,000-character word elided in linear
 * time (a quadratic elision took minutes: the test's timeout trips).
 */
static void test_fit_width(void)
{
	static char longname[200001];
	const char *sev[] = {longname, "critical", "high", "medium", "low", NULL};
	pir_check_write_options wo = PIR_CHECK_WRITE_OPTIONS_INIT;
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_buf b = PIR_BUF_INIT;
	pir_scan *s;

	memset(longname, 'x', sizeof(longname) - 1);
	memcpy(longname, "sev-", 4);
	memcpy(longname + sizeof(longname) - 5, "-end", 4);
	o.severities = sev;
	o.as_of = D("2026-07-01");
	s = run("demo", &o);
	CHECK_INT(pir_check_new(&c, s, NULL, false), 0);
	wo.width = 60;
	if (c && pir_check_write(&b, c, PIR_CHECK_FORMAT_TABLE, &wo) == 0 && b.ptr) {
		size_t lines = 0;

		CHECK(strstr(b.ptr, "\xe2\x80\xa6xxxx") &&
		      strstr(b.ptr, "xxxx-end"));	 /* its end kept */
		CHECK(strstr(b.ptr, "sev-xxx") == NULL); /* and its start elided */
		for (char *line = b.ptr, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			CHECK(nl != NULL);
			if (!nl)
				break;
			*nl = '\0';
			CHECK(columns(line) <= 60 || !fprintf(stderr, "too wide: %s\n", line));
			lines++;
		}
		CHECK(lines > 5);
	}
	CHECK(c != NULL);
	pir_buf_dispose(&b);
	pir_check_free(c);
	pir_scan_free(s);
}

/* Table lines of the gate over demo, the settings named by `wo` (NULL: plain words). */
static char *gate_table(size_t max_blob_size, const pir_check_write_options *wo)
{
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_buf b = PIR_BUF_INIT;
	pir_scan *s;

	o.as_of = D("2026-11-22");
	o.max_blob_size = max_blob_size;
	s = run("demo", &o);
	co.fail_on = "critical";
	co.fail_reasons = PIR_REASON_OVERDUE;
	CHECK_INT(pir_check_new(&c, s, &co, false), 0);
	if (c)
		CHECK_INT(pir_check_write(&b, c, PIR_CHECK_FORMAT_TABLE, wo), 0);
	pir_check_free(c);
	pir_scan_free(s);
	return b.ptr; /* malloc'ed: the caller frees it */
}

/* The sentences name the size limit and the overdue rule as the caller says, else in plain words.
 */
static void test_setting_names(void)
{
	pir_check_write_options wo = PIR_CHECK_WRITE_OPTIONS_INIT;
	char *t;

	t = gate_table(150, NULL);
	CHECK(t && strstr(t, "larger than the size limit: none of its items are read"));
	CHECK(t && !strstr(t, "--"));
	free(t);
	t = gate_table(8u << 20, NULL);
	CHECK(t && strstr(t, "; every overdue item fails)"));
	CHECK(t && !strstr(t, "--"));
	free(t);

	wo.size_limit_name = "--max-size";
	wo.overdue_rule_name = "--fail-on-reason overdue";
	t = gate_table(150, &wo);
	CHECK(t && strstr(t, "larger than --max-size: none of its items are read"));
	free(t);
	t = gate_table(8u << 20, &wo);
	CHECK(t && strstr(t, "; every overdue item fails: --fail-on-reason overdue)"));
	free(t);
}

/* The gate's options are of this version; the slipping limit is the scan's. */
static void test_options(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_check *c = NULL;
	pir_scan *s;

	o.as_of = D("2026-11-22");
	o.max_slips = 5;
	s = run("demo", &o);
	co.version = 1;
	CHECK_INT(pir_check_new(&c, s, &co, false), PIR_EINVALID);
	CHECK(c == NULL);
	co.version = PIR_CHECK_OPTIONS_VERSION;
	co.fail_on = "nope";
	CHECK_INT(pir_check_new(&c, s, &co, false), PIR_EINVALID);
	CHECK_STR(pir_error_last(), "unknown severity 'nope'");
	CHECK_STR(pir_error_option(), "fail_on");
	co.fail_on = NULL;
	CHECK_INT(pir_check_new(&c, s, &co, false), 0);
	if (c) {
		char *json = render(c, PIR_CHECK_FORMAT_JSON);

		CHECK(json && strstr(json, "\"max_slips\": 5,"));
		free(json);
	}
	pir_check_free(c);
	pir_scan_free(s);
}

int main(void)
{
	RUN(test_options);
	RUN(test_long_severity_name);
	RUN(test_fit_width);
	RUN(test_setting_names);
	RUN(test_invalid_fails);
	RUN(test_invalid_opt_out);
	RUN(test_invalid_changed_since);
	return test_summary();
}
