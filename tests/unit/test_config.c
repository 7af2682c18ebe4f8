/* SPDX-License-Identifier: MIT */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"
#include "test.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixtures build folder"
#endif
#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the source tree"
#endif

/* Parse `yaml` as "cfg.yml"; the config, or NULL with the error lines in `errors`. */
static pir_config *parse(const char *yaml, pir_buf *errors)
{
	pir_config *cfg = (pir_config *)&cfg; /* must be reset */
	int rc = pir_config_parse(&cfg, yaml, strlen(yaml), "cfg.yml", errors);

	CHECK(rc == 0 || rc == PIR_EINVALID);
	CHECK((rc == 0) == (cfg != NULL));
	CHECK((rc == 0) == (errors->size == 0));
	return cfg;
}

/* The error lines of an invalid `yaml`, exactly. */
static void check_errors(const char *yaml, const char *expected)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = parse(yaml, &errors);

	CHECK(cfg == NULL);
	CHECK_STR(errors.ptr, expected);
	if (errors.ptr && strcmp(errors.ptr, expected) != 0)
		fprintf(stderr, "  for input: %s\n", yaml);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static const char full_yaml[] =
    "# every key\n"
    "marker: 'TODO\\(PIR:(?<id>[^)]+)\\): (?<text>.*)'\n"
    "item_files: [action-items.yml, pir.yaml]\n"
    "severities: [critical, high, medium, low]\n"
    "stale_days: {critical: 15, high: 31, medium: 91, low: 181, none: 92}\n"
    "fail_on: high\n"
    "fail_on_reasons: [unknown-id, no-owner, slipping]\n"
    "grace: 3\n"
    "warn_within: 10\n"
    "max_slips: 4\n"
    "exclude: [\"vendor/**\", \"third_party/**\", \"*.min.js\"]\n"
    "as_of: 2026-11-22\n"
    "teams:\n"
    "  payments:\n"
    "    email: [payments-oncall@example.com, pay@example.com]\n"
    "    members: [\"@alice\", \"@bob\"]\n"
    "  search:\n"
    "    email: search@example.com\n"
    "  infra:\n"
    "report:\n"
    "  from: \"pirscan <pirscan@example.com>\"\n"
    "  smtp_url: \"smtps://smtp.example.com:465\"\n"
    "  smtp_user: \"pirscan\"\n";

static void test_full(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = parse(full_yaml, &errors);
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	const pir_team *t;

	CHECK(cfg != NULL);
	CHECK_STR(errors.ptr, NULL);
	if (!cfg)
		return;
	pir_config_apply_scan(cfg, &so);
	CHECK(so.marker_pattern == NULL);
	CHECK_INT(strv_len(so.marker_patterns), 1);
	CHECK_STR(so.marker_patterns[0], "TODO\\(PIR:(?<id>[^)]+)\\): (?<text>.*)");
	CHECK(!so.marker_require_reference);
	CHECK_INT(strv_len(so.item_files), 2);
	CHECK_STR(so.item_files[0], "action-items.yml");
	CHECK_STR(so.item_files[1], "pir.yaml");
	CHECK_INT(strv_len(so.severities), 4);
	CHECK_STR(so.severities[0], "critical");
	CHECK_STR(so.severities[3], "low");
	CHECK_INT(so.stale_days[0], 15);
	CHECK_INT(so.stale_days[1], 31);
	CHECK_INT(so.stale_days[2], 91);
	CHECK_INT(so.stale_days[3], 181);
	CHECK_INT(so.stale_days[4], 90); /* untouched */
	CHECK_INT(so.stale_days_none, 92);
	CHECK_INT(strv_len(so.exclude), 3);
	CHECK_STR(so.exclude[0], "vendor/**");
	CHECK_STR(so.exclude[2], "*.min.js");
	CHECK_INT(so.as_of, pir_date_from_civil(2026, 11, 22));
	/* what the file cannot set stays as it was */
	CHECK(so.ref == NULL);
	CHECK(!so.all_refs && !so.no_history);
	CHECK_INT(so.max_blob_size, 8u * 1024 * 1024);
	CHECK(so.changed_since == NULL);

	pir_config_apply_check(cfg, &co);
	CHECK_STR(co.fail_on, "high");
	CHECK_INT(co.fail_reasons, PIR_REASON_UNKNOWN_ID | PIR_REASON_NO_OWNER | (1u << 8));
	CHECK_INT(co.grace, 3);
	CHECK_INT(co.warn_within, 10);
	CHECK_INT(so.max_slips, 4); /* slipping is the scan's reason */

	CHECK_INT(pir_config_team_count(cfg), 3);
	t = pir_config_team(cfg, 0);
	CHECK_STR(t->name, "payments");
	CHECK_INT(strv_len(t->email), 2);
	CHECK_STR(t->email[0], "payments-oncall@example.com");
	CHECK_STR(t->email[1], "pay@example.com");
	CHECK_INT(strv_len(t->members), 2);
	CHECK_STR(t->members[0], "@alice");
	CHECK_STR(t->members[1], "@bob");
	t = pir_config_team(cfg, 1);
	CHECK_STR(t->name, "search");
	CHECK_INT(strv_len(t->email), 1);
	CHECK_STR(t->email[0], "search@example.com");
	CHECK(t->members != NULL && t->members[0] == NULL);
	t = pir_config_team(cfg, 2);
	CHECK_STR(t->name, "infra");
	CHECK(t->email != NULL && t->email[0] == NULL);
	CHECK(pir_config_team(cfg, 3) == NULL);

	CHECK_STR(pir_config_report_setting(cfg, "from"), "pirscan <pirscan@example.com>");
	CHECK_STR(pir_config_report_setting(cfg, "smtp_url"), "smtps://smtp.example.com:465");
	CHECK_STR(pir_config_report_setting(cfg, "smtp_user"), "pirscan");
	CHECK_STR(pir_config_report_setting(cfg, "smtp_password"), NULL);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

static void check_untouched(const pir_config *cfg)
{
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT, init = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;

	pir_config_apply_scan(cfg, &so);
	pir_config_apply_check(cfg, &co);
	CHECK(so.marker_pattern == NULL && so.item_files == NULL && so.severities == NULL &&
	      so.exclude == NULL);
	CHECK(memcmp(so.stale_days, init.stale_days, sizeof(so.stale_days)) == 0);
	CHECK_INT(so.stale_days_none, 90);
	CHECK_INT(so.as_of, PIR_DATE_NONE);
	CHECK(co.fail_on == NULL); /* left alone: the most urgent severity */
	CHECK_INT(co.fail_reasons, 0);
	CHECK_INT(co.grace, 0);
	CHECK_INT(co.warn_within, 7);
	CHECK_INT(so.max_slips, 2);
	CHECK_INT(pir_config_team_count(cfg), 0);
	CHECK_STR(pir_config_report_setting(cfg, "from"), NULL);
}

static void test_empty(void)
{
	static const char *const empty[] = {
	    "", "\n\n", "# only a comment\n# and another\n", "---\n", "---\n...\n", "~\n", "{}\n",
	    /* a key without a value is a key left out */
	    "marker:\nseverities: ~\nteams:\nreport: null\ngrace:\n", "stale_days: {high: }\n"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(empty); i++) {
		pir_buf errors = PIR_BUF_INIT;
		pir_config *cfg = parse(empty[i], &errors);

		CHECK(cfg != NULL);
		if (cfg)
			check_untouched(cfg);
		pir_config_free(cfg);
		pir_buf_dispose(&errors);
	}
	/* NULL config: nothing to apply, no teams */
	check_untouched(NULL);
	pir_config_free(NULL);
}

static void test_unknown_keys(void)
{
	check_errors("colour: red\n", "cfg.yml:1:1: unknown key \"colour\"\n");
	check_errors("stale_days:\n  urgent: 3\n",
		     "cfg.yml:2:3: unknown key \"urgent\" in 'stale_days' (expected one of "
		     "critical, high, medium, low, none)\n");
	check_errors(
	    "teams:\n  ops:\n    phone: 123\n",
	    "cfg.yml:3:5: unknown key \"phone\" in team \"ops\" (expected email, "
	    "members, slack_webhook, teams_webhook or webhook, or one of them with _env)\n");
	check_errors("report:\n  smtp_password: x\n",
		     "cfg.yml:2:3: unknown key \"smtp_password\" in 'report' (expected from, "
		     "smtp_url, smtp_user, smtp_timeout, web_url or url)\n");
	check_errors("? [a]\n: 1\n", "cfg.yml:1:3: a key must be a string, not a list\n");
}

/* marker: a list of patterns, "default" among them; marker_require_reference. */
static void test_marker_list(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = parse("marker:\n  - 'FIXME\\[(?<id>[^]]+)\\]'\n  - default\n"
				"marker_require_reference: true\n",
				&errors);
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;

	CHECK(cfg != NULL);
	pir_config_apply_scan(cfg, &so);
	CHECK_INT(strv_len(so.marker_patterns), 2);
	if (strv_len(so.marker_patterns) == 2) {
		CHECK_STR(so.marker_patterns[0], "FIXME\\[(?<id>[^]]+)\\]");
		CHECK_STR(so.marker_patterns[1], "default");
	}
	CHECK(so.marker_require_reference);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

static void test_wrong_types(void)
{
	check_errors("item_files: action-items.yml\n",
		     "cfg.yml:1:13: 'item_files' must be a list, not \"action-items.yml\"\n");
	check_errors("exclude: {a: b}\n",
		     "cfg.yml:1:10: 'exclude' must be a list, not a mapping\n");
	check_errors("grace: [1]\n",
		     "cfg.yml:1:8: 'grace' must be a non-negative integer, not a list\n");
	check_errors("warn_within: -1\n",
		     "cfg.yml:1:14: 'warn_within' must be a non-negative integer, not \"-1\"\n");
	check_errors("max_slips: 1.5\n",
		     "cfg.yml:1:12: 'max_slips' must be a non-negative integer, not \"1.5\"\n");
	check_errors("grace: \"7\"\n",
		     "cfg.yml:1:8: 'grace' must be a non-negative integer, not the string \"7\"\n");
	check_errors("grace: true\n",
		     "cfg.yml:1:8: 'grace' must be a non-negative integer, not the boolean true\n");
	check_errors("grace: 007\n",
		     "cfg.yml:1:8: 'grace' must be a non-negative integer, not \"007\"\n");
	check_errors("grace: 0x10\n",
		     "cfg.yml:1:8: 'grace' must be a non-negative integer, not \"0x10\"\n");
	check_errors(
	    "grace: 99999999999999999999\n",
	    "cfg.yml:1:8: 'grace' must be at most 1000000, not \"99999999999999999999\"\n");
	check_errors("marker: {a: b}\n",
		     "cfg.yml:1:9: 'marker' must be a list or a string, not a mapping\n");
	check_errors(
	    "marker: [a, '', '(']\n",
	    "cfg.yml:1:13: an item of 'marker' must not be empty\n"
	    "cfg.yml:1:17: 'marker' is not a valid PCRE2 pattern (at offset 1: missing closing "
	    "parenthesis)\n");
	check_errors("marker: []\n", "cfg.yml:1:9: 'marker' must not be an empty list (write "
				     "default for the built-in grammar)\n");
	check_errors(
	    "marker_require_reference: yes\n",
	    "cfg.yml:1:27: 'marker_require_reference' must be true or false, not \"yes\"\n");
	check_errors(
	    "marker_require_reference: 'true'\n",
	    "cfg.yml:1:27: 'marker_require_reference' must be true or false, not the string "
	    "\"true\"\n");
	check_errors("marker: ''\n", "cfg.yml:1:9: 'marker' must not be empty\n");
	check_errors("marker: \"a\\0b\"\n", "cfg.yml:1:9: 'marker' contains a NUL character\n");
	check_errors("fail_on: false\n",
		     "cfg.yml:1:10: 'fail_on' must be a string, not the boolean false\n");
	check_errors("fail_on_reasons: overdue\n",
		     "cfg.yml:1:18: 'fail_on_reasons' must be a list, not \"overdue\"\n");
	check_errors(
	    "stale_days: [1, 2]\n",
	    "cfg.yml:1:13: 'stale_days' must be a mapping of severity to days, not a list\n");
	check_errors("stale_days: {high: x}\n",
		     "cfg.yml:1:20: 'stale_days' of \"high\" must be a non-negative integer, not "
		     "\"x\"\n");
	check_errors("teams: [ops]\n",
		     "cfg.yml:1:8: 'teams' must be a mapping of team names, not a list\n");
	check_errors("teams:\n  ops: everyone\n",
		     "cfg.yml:2:8: team \"ops\" must be a mapping with email and members, not "
		     "\"everyone\"\n");
	check_errors("teams:\n  ops:\n    members: \"@alice\"\n",
		     "cfg.yml:3:14: 'members' of team \"ops\" must be a list, not the string "
		     "\"@alice\"\n");
	check_errors("teams:\n  ops:\n    members: [\"@a\", \"\"]\n",
		     "cfg.yml:3:21: an item of 'members' of team \"ops\" must not be empty\n");
	check_errors("report: smtp\n", "cfg.yml:1:9: 'report' must be a mapping, not \"smtp\"\n");
	check_errors("report:\n  from: [a]\n",
		     "cfg.yml:2:9: 'report.from' must be a string, not a list\n");
	check_errors("item_files: [a.yml, sub/b.yml, '']\n",
		     "cfg.yml:1:21: an item of 'item_files' must be a file name without '/', not "
		     "\"sub/b.yml\"\n"
		     "cfg.yml:1:32: an item of 'item_files' must not be empty\n");
	check_errors("exclude: [[a]]\n",
		     "cfg.yml:1:11: an item of 'exclude' must be a string, not a list\n");
}

static void test_bad_values(void)
{
	pir_buf errors = PIR_BUF_INIT;

	check_errors("as_of: 2026-02-30\n",
		     "cfg.yml:1:8: 'as_of' must be a date (YYYY-MM-DD), not \"2026-02-30\"\n");
	check_errors("as_of: 22/11/2026\n",
		     "cfg.yml:1:8: 'as_of' must be a date (YYYY-MM-DD), not \"22/11/2026\"\n");
	check_errors("fail_on: urgent\n",
		     "cfg.yml:1:10: 'fail_on' \"urgent\" is not one of the severities (critical, "
		     "high, medium, low)\n");
	check_errors("fail_on_reasons: [overdue, late]\n",
		     "cfg.yml:1:28: unknown reason \"late\" in 'fail_on_reasons' (expected one of "
		     "overdue, too-old, no-owner, no-due, unknown-id, duplicate-id, "
		     "done-but-marker-remains, invalid, slipping)\n");
	check_errors(
	    "teams:\n  ops:\n    email: [ops, \"a b@c.d\", \"@x\", \"x@\", ok@x.y]\n",
	    "cfg.yml:3:13: an item of 'email' of team \"ops\": \"ops\" is not an email "
	    "address\n"
	    "cfg.yml:3:18: an item of 'email' of team \"ops\": \"a b@c.d\" is not an email "
	    "address\n"
	    "cfg.yml:3:29: an item of 'email' of team \"ops\": \"@x\" is not an email "
	    "address\n"
	    "cfg.yml:3:35: an item of 'email' of team \"ops\": \"x@\" is not an email "
	    "address\n");
	check_errors("teams:\n  ops:\n    email: oncall\n",
		     "cfg.yml:3:12: 'email' of team \"ops\": \"oncall\" is not an email address\n");
	check_errors("severities: [P0, none, p1, p1, \"a\\tb\"]\n",
		     "cfg.yml:1:14: severity \"P0\" must be lower-case\n"
		     "cfg.yml:1:18: severity \"none\" is reserved (it stands for no severity)\n"
		     "cfg.yml:1:28: duplicate severity \"p1\"\n"
		     "cfg.yml:1:32: severity \"a b\" contains a control character\n");
	check_errors("severities: []\n",
		     "cfg.yml:1:13: 'severities' must name at least one severity\n");
	check_errors("severities: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n",
		     "cfg.yml:1:13: 'severities' names 17 severities; at most 16 are allowed\n");

	/* the message carries pcre2's own text */
	CHECK(parse("marker: 'TODO(PIR'\n", &errors) == NULL);
	CHECK_STR(errors.ptr, "cfg.yml:1:9: 'marker' is not a valid PCRE2 pattern (at offset 8: "
			      "missing closing parenthesis)\n");
	CHECK_INT(count_lines(errors.ptr), 1);
	pir_buf_dispose(&errors);
}

static void test_duplicates(void)
{
	check_errors("grace: 1\ngrace: 2\n", "cfg.yml:2:1: duplicate key \"grace\"\n");
	check_errors("teams:\n  ops: {}\n  web: {}\n  ops: {}\n",
		     "cfg.yml:4:3: duplicate team \"ops\"\n");
	check_errors("stale_days: {high: 1, none: 2, high: 3, none: 4}\n",
		     "cfg.yml:1:32: duplicate key \"high\" in 'stale_days'\n"
		     "cfg.yml:1:41: duplicate key \"none\" in 'stale_days'\n");
	check_errors("teams:\n  ops:\n    email: a@b\n    email: c@d\n",
		     "cfg.yml:4:5: duplicate key \"email\" in team \"ops\"\n");
	check_errors("report: {from: a, from: b}\n",
		     "cfg.yml:1:19: duplicate key \"from\" in 'report'\n");
}

static void test_structure(void)
{
	check_errors("- a\n- b\n",
		     "cfg.yml:1:1: the configuration must be a mapping, not a list\n");
	check_errors("hello\n",
		     "cfg.yml:1:1: the configuration must be a mapping, not \"hello\"\n");
	check_errors("grace: [1,\n",
		     "cfg.yml:2:1: invalid YAML: did not find expected node content (while "
		     "parsing a flow node at line 2 column 1)\n");
	check_errors("grace: 1\n  max_slips: 2\n",
		     "cfg.yml:2:12: invalid YAML: mapping values are not allowed in this "
		     "context\n");
	check_errors("grace: 1\n---\ngrace: 2\n",
		     "cfg.yml:3:1: a second YAML document; the configuration is one document\n");
}

/* Every problem is reported, in file order, whatever order they were found in. */
static void test_all_errors(void)
{
	pir_buf errors = PIR_BUF_INIT;

	check_errors("stale_days: {p9: 1}\n"
		     "grace: -2\n"
		     "severities: [p0, p1]\n"
		     "colour: x\n",
		     "cfg.yml:1:14: unknown key \"p9\" in 'stale_days' (expected one of p0, p1, "
		     "none)\n"
		     "cfg.yml:2:8: 'grace' must be a non-negative integer, not \"-2\"\n"
		     "cfg.yml:4:1: unknown key \"colour\"\n");
	CHECK(parse("marker: '('\nitem_files: x\nexclude: 3\nas_of: no\nfail_on: p\n"
		    "fail_on_reasons: [x]\nteams: 1\nreport: 2\nwarn_within: a\n",
		    &errors) == NULL);
	CHECK_INT(count_lines(errors.ptr), 9);
	CHECK_STR(pir_error_last(), "cfg.yml: 9 errors in the configuration");
	pir_buf_dispose(&errors);
}

static void test_custom_severities(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	/* stale_days and fail_on come first: they are still judged by `severities` */
	pir_config *cfg = parse("stale_days: {sev1: 1, sev3: 5, none: 9}\n"
				"fail_on: sev2\n"
				"severities: [sev1, sev2, sev3]\n",
				&errors);

	CHECK(cfg != NULL);
	pir_config_apply_scan(cfg, &so);
	pir_config_apply_check(cfg, &co);
	CHECK_INT(strv_len(so.severities), 3);
	CHECK_STR(so.severities[1], "sev2");
	CHECK_INT(so.stale_days[0], 1);
	CHECK_INT(so.stale_days[1], 30); /* not given: as it was */
	CHECK_INT(so.stale_days[2], 5);
	CHECK_INT(so.stale_days_none, 9);
	CHECK_STR(co.fail_on, "sev2");
	pir_config_free(cfg);
	pir_buf_dispose(&errors);

	/* the defaults are no longer severities */
	check_errors("fail_on: critical\nstale_days: {high: 3}\nseverities: [sev1, sev2]\n",
		     "cfg.yml:1:10: 'fail_on' \"critical\" is not one of the severities (sev1, "
		     "sev2)\n"
		     "cfg.yml:2:14: unknown key \"high\" in 'stale_days' (expected one of sev1, "
		     "sev2, none)\n");
	/* without severities, the defaults rank stale_days */
	cfg = parse("stale_days: {low: 365}\n", &errors);
	so = (pir_scan_options)PIR_SCAN_OPTIONS_INIT;
	pir_config_apply_scan(cfg, &so);
	CHECK_INT(so.stale_days[3], 365);
	CHECK_INT(so.stale_days[0], 14);
	CHECK(so.severities == NULL);
	pir_config_free(cfg);
	/* a wrong list is reported once, not again in every key it would judge */
	check_errors("severities: [A]\nfail_on: b\nstale_days: {c: 1}\n",
		     "cfg.yml:1:14: severity \"A\" must be lower-case\n");
	pir_buf_dispose(&errors);
}

/* fail_on_invalid: a boolean; false lets invalid entries warn, unless fail_on_reasons says invalid.
 */
static void test_fail_on_invalid(void)
{
	static const char *const values[] = {"false", "False", "true", "TRUE"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(values); i++) {
		char yaml[64];
		pir_buf errors = PIR_BUF_INIT;
		pir_check_options co = PIR_CHECK_OPTIONS_INIT;
		pir_config *cfg;

		snprintf(yaml, sizeof(yaml), "fail_on_invalid: %s\n", values[i]);
		cfg = parse(yaml, &errors);
		CHECK(cfg != NULL);
		co.warn_invalid = i >= 2; /* the file sets it either way */
		pir_config_apply_check(cfg, &co);
		CHECK(co.warn_invalid == (i < 2));
		pir_config_free(cfg);
		pir_buf_dispose(&errors);
	}
	check_errors("fail_on_invalid: no\n",
		     "cfg.yml:1:18: 'fail_on_invalid' must be true or false, not \"no\"\n");
	check_errors("fail_on_invalid: [false]\n",
		     "cfg.yml:1:18: 'fail_on_invalid' must be true or false, not a list\n");
	check_errors(
	    "fail_on_invalid: false\nfail_on_reasons: [invalid]\n",
	    "cfg.yml:1:18: 'fail_on_invalid' is false but 'fail_on_reasons' lists invalid\n");
}

static void test_email_forms(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *a = parse("teams: {ops: {email: ops@example.com}}\n", &errors);
	pir_config *b = parse("teams: {ops: {email: [ops@example.com]}}\n", &errors);
	pir_config *c = parse("teams: {ops: {email: [a@x.org, b@y.org], members: []}}\n", &errors);

	CHECK(a && b && c);
	if (a && b && c) {
		const pir_team *ta = pir_config_team(a, 0), *tb = pir_config_team(b, 0);
		const pir_team *tc = pir_config_team(c, 0);

		CHECK_INT(strv_len(ta->email), 1);
		CHECK_INT(strv_len(tb->email), 1);
		CHECK_STR(ta->email[0], "ops@example.com");
		CHECK_STR(tb->email[0], "ops@example.com");
		CHECK_INT(strv_len(tc->email), 2);
		CHECK_STR(tc->email[1], "b@y.org");
		CHECK_INT(strv_len(tc->members), 0);
	}
	pir_config_free(a);
	pir_config_free(b);
	pir_config_free(c);
	pir_buf_dispose(&errors);
}

static void test_as_of_forms(void)
{
	static const char *const forms[] = {"as_of: 2026-11-22\n", "as_of: '2026-11-22'\n",
					    "as_of: \"2026-11-22\"\n"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(forms); i++) {
		pir_buf errors = PIR_BUF_INIT;
		pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
		pir_config *cfg = parse(forms[i], &errors);

		pir_config_apply_scan(cfg, &so);
		CHECK_INT(so.as_of, pir_date_from_civil(2026, 11, 22));
		pir_config_free(cfg);
		pir_buf_dispose(&errors);
	}
}

/* Echoed values are escaped and cut, so an error line stays one line. */
static void test_escaping(void)
{
	check_errors("\"\\e[31mred\\nx\": 1\n",
		     "cfg.yml:1:1: unknown key \"\\x1b[31mred\\x0ax\"\n");
	check_errors("k123456789012345678901234567890123456789012345678901234567890abc: 1\n",
		     "cfg.yml:1:1: unknown key "
		     "\"k12345678901234567890123456789012345678901234567890123456789...\"\n");
	/* the name too */
	{
		pir_buf errors = PIR_BUF_INIT;
		pir_config *cfg = NULL;

		CHECK_INT(pir_config_parse(&cfg, "x: 1\n", 5, "a\nb.yml", &errors), PIR_EINVALID);
		CHECK_STR(errors.ptr, "a\\x0ab.yml:1:1: unknown key \"x\"\n");
		pir_buf_dispose(&errors);
	}
}

/* Inputs built to make the reader slow are refused with one error, quickly. */
static void test_hostile(void)
{
	pir_buf yaml = PIR_BUF_INIT, errors = PIR_BUF_INIT;
	pir_config *cfg = NULL;

	/* one team of 3000 members, aliased by 3000 teams: 9 million strings */
	pir_buf_puts(&yaml, "teams:\n  t0: &t\n    members: [");
	for (int i = 0; i < 3000; i++)
		pir_buf_printf(&yaml, "%s\"@m%d\"", i ? "," : "", i);
	pir_buf_puts(&yaml, "]\n");
	for (int i = 1; i < 3000; i++)
		pir_buf_printf(&yaml, "  t%d: *t\n", i);
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), PIR_EINVALID);
	CHECK_STR(errors.ptr,
		  "cfg.yml:1:1: aliases expand the document too much; the rest is not read\n");
	pir_buf_dispose(&errors);

	yaml.size = 0;
	pir_buf_puts(&yaml, "x: ");
	for (int i = 0; i < 150; i++)
		pir_buf_putc(&yaml, '[');
	for (int i = 0; i < 150; i++)
		pir_buf_putc(&yaml, ']');
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), PIR_EINVALID);
	CHECK_STR(errors.ptr, "cfg.yml:1:103: collections nested deeper than 100 levels; the file "
			      "is not read\n");
	pir_buf_dispose(&errors);

	/* an alias cycle: the team is the teams table again */
	check_errors(
	    "teams: &a {ops: *a}\n",
	    "cfg.yml:1:12: unknown key \"ops\" in team \"ops\" (expected email, "
	    "members, slack_webhook, teams_webhook or webhook, or one of them with _env)\n");

	/* a thousand errors are listed, the rest counted */
	yaml.size = 0;
	pir_buf_puts(&yaml, "exclude:\n");
	for (int i = 0; i < 1500; i++)
		pir_buf_puts(&yaml, "- []\n");
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), PIR_EINVALID);
	CHECK_INT(count_lines(errors.ptr), 1001);
	CHECK(errors.ptr && strstr(errors.ptr, "cfg.yml:1001:3: an item of 'exclude' must be a "
					       "string, not a list\n"
					       "cfg.yml:1002:3: too many errors; 500 more are not "
					       "shown\n") != NULL);
	CHECK_STR(pir_error_last(), "cfg.yml: 1500 errors in the configuration");
	pir_buf_dispose(&errors);

	/* too large */
	yaml.size = 0;
	pir_buf_puts(&yaml, "# ");
	while (yaml.size <= 1024 * 1024)
		pir_buf_puts(&yaml,
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), PIR_EINVALID);
	CHECK_STR(errors.ptr, "cfg.yml:1:1: the file is larger than 1 MiB; it is not read\n");
	CHECK(cfg == NULL);
	pir_buf_dispose(&errors);
	pir_buf_dispose(&yaml);
}

static char *temp_dir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = pir_sprintf("%s/test_config.XXXXXX", base);

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(char *dir)
{
	if (dir)
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void write_file(const char *path, const char *content)
{
	CHECK(test_write_file(path, content, strlen(content)));
}

static void test_load(void)
{
	char *dir = temp_dir(), *path = NULL, *missing = NULL;
	pir_buf errors = PIR_BUF_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_config *cfg = (pir_config *)&cfg;

	CHECK(dir != NULL);
	if (!dir)
		return;
	missing = pir_sprintf("%s/nope.yml", dir);
	CHECK_INT(pir_config_load(&cfg, missing, &errors), PIR_ENOTFOUND);
	CHECK(cfg == NULL);
	CHECK_INT(errors.size, 0);
	CHECK(pir_error_last() && strstr(pir_error_last(), missing) &&
	      strstr(pir_error_last(), "No such file or directory"));

	CHECK_INT(pir_config_load(&cfg, dir, &errors), PIR_ERROR);
	CHECK(pir_error_last() && strstr(pir_error_last(), "Is a directory"));

	path = pir_sprintf("%s/pirscan.yml", dir);
	write_file(path, "grace: 5\nfail_on_reasons: [too-old]\n");
	CHECK_INT(pir_config_load(&cfg, path, &errors), 0);
	pir_config_apply_check(cfg, &co);
	CHECK_INT(co.grace, 5);
	CHECK_INT(co.fail_reasons, PIR_REASON_TOO_OLD);
	pir_config_free(cfg);

	/* errors name the path */
	write_file(path, "\ngrace: x\n");
	CHECK_INT(pir_config_load(&cfg, path, &errors), PIR_EINVALID);
	CHECK(cfg == NULL);
	{
		char *want = pir_sprintf(
		    "%s:2:8: 'grace' must be a non-negative integer, not \"x\"\n", path);
		CHECK_STR(errors.ptr, want);
		free(want);
	}
	pir_buf_dispose(&errors);
	free(path);
	free(missing);
	remove_tree(dir);
}

static const pir_team *find_team(const pir_config *cfg, const char *name)
{
	for (size_t i = 0; i < pir_config_team_count(cfg); i++)
		if (!strcmp(pir_config_team(cfg, i)->name, name))
			return pir_config_team(cfg, i);
	return NULL;
}

/* The system and user files under the repository's: report and teams only, git-style. */
static void test_host_layers(void)
{
	char *dir = temp_dir(), *sys = NULL, *user = NULL, *missing = NULL;
	pir_config *repo = NULL, *u = NULL, *s = NULL, *cfg = (pir_config *)&cfg;
	pir_buf errors = PIR_BUF_INIT;
	const pir_team *t;
	const char *repo_yml = "report:\n  from: repo@example.com\n"
			       "  smtp_url: smtp://evil.example.com\n"
			       "teams:\n  payments:\n    members: ['@alice']\n"
			       "  search:\n    email: search@example.com\n";

	CHECK(dir != NULL);
	if (!dir)
		return;
	sys = pir_sprintf("%s/system.yml", dir);
	user = pir_sprintf("%s/user.yml", dir);
	missing = pir_sprintf("%s/no/such/folder/config.yml", dir);
	CHECK_INT(pir_config_load_host(&cfg, missing, &errors), PIR_ENOTFOUND);
	CHECK(cfg == NULL);
	CHECK_INT(pir_config_load_host(&cfg, dir, &errors), PIR_ERROR); /* unreadable: an error */

	/* a host file may not change the gate's policy */
	write_file(sys, "report:\n  from: a@example.com\nfail_on: low\ngrace: 9\n");
	CHECK_INT(pir_config_load_host(&cfg, sys, &errors), PIR_EINVALID);
	{
		char *want = pir_sprintf(
		    "%s:3:1: 'fail_on' is a repository setting: it goes in .pirscan.yml; a host "
		    "configuration sets only 'report' and 'teams'\n"
		    "%s:4:1: 'grace' is a repository setting: it goes in .pirscan.yml; a host "
		    "configuration sets only 'report' and 'teams'\n",
		    sys, sys);
		CHECK_STR(errors.ptr, want);
		free(want);
	}
	errors.size = 0;
	/* ... the same keys are fine in --config FILE */
	CHECK_INT(pir_config_load(&cfg, sys, &errors), 0);
	CHECK_INT(pir_config_report_origin(cfg, "from"), PIR_CONFIG_OPERATOR);
	pir_config_free(cfg);

	write_file(sys, "report:\n  from: sys@example.com\n  smtp_url: smtps://sys.example.com\n"
			"  smtp_user: sysuser\n  smtp_timeout: 30\n"
			"teams:\n  payments:\n    email: pay@example.com\n"
			"  ops:\n    email: ops@example.com\n    members: ['@olga']\n");
	write_file(user, "report:\n  smtp_timeout: 5\n"
			 "teams:\n  payments:\n    email: [pay-me@example.com]\n"
			 "    members: ['@nobody']\n");
	CHECK_INT(pir_config_load_host(&s, sys, &errors), 0);
	CHECK_INT(pir_config_load_host(&u, user, &errors), 0);
	CHECK_INT(errors.size, 0);
	CHECK_STR(pir_config_report_setting(s, "smtp_timeout"), "30");
	CHECK_INT(pir_config_report_origin(s, "smtp_url"), PIR_CONFIG_HOST);

	/* the repository's: its teams, its own from, and a server that must not be used */
	CHECK_INT(pir_config_parse(&repo, repo_yml, strlen(repo_yml), NULL, &errors), 0);
	CHECK_INT(errors.size, 0);
	if (!repo || !u || !s)
		goto done;
	CHECK_INT(pir_config_report_origin(repo, "smtp_url"), PIR_CONFIG_REPOSITORY);
	CHECK_INT(pir_config_add_host(repo, u), 0);
	CHECK_INT(pir_config_add_host(repo, s), 0);
	CHECK_STR(pir_config_report_setting(repo, "from"), "repo@example.com");
	CHECK_INT(pir_config_report_origin(repo, "from"), PIR_CONFIG_REPOSITORY);
	CHECK_STR(pir_config_report_setting(repo, "smtp_url"), "smtps://sys.example.com");
	CHECK_INT(pir_config_report_origin(repo, "smtp_url"), PIR_CONFIG_HOST);
	CHECK_STR(pir_config_report_setting(repo, "smtp_user"), "sysuser");
	CHECK_STR(pir_config_report_setting(repo, "smtp_timeout"), "5"); /* user over system */
	/* teams: the repository's first, its members kept, the user's address over the system's */
	CHECK_INT(pir_config_team_count(repo), 3);
	CHECK_STR(pir_config_team(repo, 0)->name, "payments");
	CHECK_STR(pir_config_team(repo, 1)->name, "search");
	CHECK_STR(pir_config_team(repo, 2)->name, "ops");
	if ((t = find_team(repo, "payments"))) {
		CHECK_STR(t->members[0], "@alice");
		CHECK(t->members[1] == NULL);
		CHECK_STR(t->email[0], "pay-me@example.com");
		CHECK(t->email[1] == NULL);
	}
	if ((t = find_team(repo, "search")))
		CHECK_STR(t->email[0], "search@example.com");
	if ((t = find_team(repo, "ops"))) {
		CHECK_STR(t->email[0], "ops@example.com");
		CHECK_STR(t->members[0], "@olga");
	}
done:
	pir_config_free(repo);
	pir_config_free(u);
	pir_config_free(s);
	pir_buf_dispose(&errors);
	free(sys);
	free(user);
	free(missing);
	remove_tree(dir);
}

/* report.smtp_timeout: whole seconds, 1 to a day. */
static void test_smtp_timeout(void)
{
	static const char *const bad[] = {
	    "report: {smtp_timeout: 0}\n", "report: {smtp_timeout: 86401}\n",
	    "report: {smtp_timeout: \"10\"}\n", "report: {smtp_timeout: 1.5}\n", NULL};
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = NULL;

	for (size_t i = 0; bad[i]; i++) {
		errors.size = 0;
		CHECK_INT(pir_config_parse(&cfg, bad[i], strlen(bad[i]), "c.yml", &errors),
			  PIR_EINVALID);
		CHECK(errors.size && strstr(errors.ptr, "'report.smtp_timeout'"));
	}
	errors.size = 0;
	CHECK_INT(pir_config_parse(&cfg, "report: {smtp_timeout: 86400}\n", 30, "c.yml", &errors),
		  0);
	CHECK_STR(pir_config_report_setting(cfg, "smtp_timeout"), "86400");
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

/* Commit `files` (name, content, ..., NULL; a content of NULL is a symbolic
 * link to "target.yml") as the whole tree of a new commit on HEAD. */
static void commit_tree(git_repository *repo, git_oid *out, ...)
{
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_oid tree_id, head;
	const char *name;
	va_list ap;

	CHECK_INT(git_repository_index(&idx, repo), 0);
	CHECK_INT(git_index_clear(idx), 0);
	va_start(ap, out);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *content = va_arg(ap, const char *);
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = name;
		e.mode = content ? GIT_FILEMODE_BLOB : GIT_FILEMODE_LINK;
		if (!content)
			content = "target.yml";
		CHECK_INT(git_index_add_from_buffer(idx, &e, content, strlen(content)), 0);
	}
	va_end(ap);
	CHECK_INT(git_index_write_tree(&tree_id, idx), 0);
	CHECK_INT(git_tree_lookup(&tree, repo, &tree_id), 0);
	CHECK_INT(git_signature_new(&sig, "Test", "test@example.com", 1763800000, 0), 0);
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
		CHECK_INT(git_commit_lookup(&parent, repo, &head), 0);
	CHECK_INT(git_commit_create_v(out, repo, "HEAD", sig, sig, NULL, "test commit", tree,
				      parent ? 1 : 0, parent),
		  0);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static void test_repository(void)
{
	char *dir = temp_dir(), *sub = NULL, *plain = temp_dir();
	char first[GIT_OID_HEXSZ + 1], valid[GIT_OID_HEXSZ + 1];
	pir_buf errors = PIR_BUF_INIT;
	git_repository *repo = NULL;
	pir_config *cfg = NULL;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	git_oid oid;

	CHECK(dir && plain);
	if (!dir || !plain)
		return;
	git_libgit2_init();
	CHECK_INT(git_repository_init(&repo, dir, 0), 0);

	/* an empty repository */
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, NULL, &errors), PIR_ENOTFOUND);
	CHECK(cfg == NULL);

	commit_tree(repo, &oid, "README", "hello\n", NULL);
	git_oid_tostr(first, sizeof(first), &oid);
	commit_tree(repo, &oid, "README", "hello\n", ".pirscan.yml",
		    "fail_on: high\nmax_slips: 1\n", NULL);
	git_oid_tostr(valid, sizeof(valid), &oid);

	CHECK_INT(pir_config_load_from_repository(&cfg, dir, NULL, &errors), 0);
	pir_config_apply_check(cfg, &co);
	pir_config_apply_scan(cfg, &so);
	CHECK_STR(co.fail_on, "high");
	CHECK_INT(so.max_slips, 1);
	pir_config_free(cfg);

	/* from a folder inside the work tree, as the scan opens it */
	sub = pir_sprintf("%s/sub", dir);
	CHECK_INT(mkdir(sub, 0700), 0);
	CHECK_INT(pir_config_load_from_repository(&cfg, sub, "HEAD", &errors), 0);
	pir_config_free(cfg);

	/* an older commit has none */
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, first, &errors), PIR_ENOTFOUND);
	CHECK(cfg == NULL);
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, "no-such-ref", &errors),
		  PIR_ENOTFOUND);
	CHECK_INT(errors.size, 0);

	/* a broken one is named .pirscan.yml */
	commit_tree(repo, &oid, ".pirscan.yml", "fail_on: high\nfail_on: low\n", NULL);
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, NULL, &errors), PIR_EINVALID);
	CHECK_STR(errors.ptr, ".pirscan.yml:2:1: duplicate key \"fail_on\"\n");
	CHECK(cfg == NULL);
	/* ... and the earlier, valid one is still at its commit */
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, valid, &errors), 0);
	CHECK(cfg != NULL);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);

	/* a symbolic link is not read */
	commit_tree(repo, &oid, ".pirscan.yml", NULL, "target.yml", "grace: 1\n", NULL);
	CHECK_INT(pir_config_load_from_repository(&cfg, dir, NULL, &errors), PIR_EINVALID);
	CHECK_STR(errors.ptr, ".pirscan.yml:1:1: not a regular file\n");
	pir_buf_dispose(&errors);

	CHECK_INT(pir_config_load_from_repository(&cfg, plain, NULL, &errors), PIR_ENOTREPO);
	CHECK(cfg == NULL);
	CHECK_INT(errors.size, 0);

	git_repository_free(repo);
	git_libgit2_shutdown();
	free(sub);
	remove_tree(dir);
	remove_tree(plain);
}

static void test_fixtures(void)
{
	static const char *const without[] = {"demo", "empty", "postmortems.git"};
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = NULL;
	char path[4096];

	for (size_t i = 0; i < PIR_ARRAY_SIZE(without); i++) {
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, without[i]);
		CHECK_INT(pir_config_load_from_repository(&cfg, path, NULL, &errors),
			  PIR_ENOTFOUND);
		CHECK(cfg == NULL);
		CHECK_INT(errors.size, 0);
	}
	/* svc commits a teams table */
	snprintf(path, sizeof(path), "%s/svc", FIXTURES);
	CHECK_INT(pir_config_load_from_repository(&cfg, path, NULL, &errors), 0);
	if (cfg) {
		CHECK_INT(pir_config_team_count(cfg), 3);
		CHECK_STR(pir_config_team(cfg, 0)->name, "payments");
		CHECK_STR(pir_config_report_setting(cfg, "from"), "pirscan <pirscan@example.com>");
	}
	pir_config_free(cfg);
	cfg = NULL;
	snprintf(path, sizeof(path), "%s/no-such-repository", FIXTURES);
	CHECK_INT(pir_config_load_from_repository(&cfg, path, NULL, &errors), PIR_ENOTREPO);
	pir_buf_dispose(&errors);
}

/* The example shipped in contrib/ is valid, and says what it shows. */
static void test_contrib_example(void)
{
	pir_buf errors = PIR_BUF_INIT;
	pir_config *cfg = NULL;
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;

	CHECK_INT(pir_config_load(&cfg, SOURCE_ROOT "/contrib/pirscan.yml", &errors), 0);
	CHECK_STR(errors.ptr, NULL);
	if (errors.ptr)
		fprintf(stderr, "%s", errors.ptr);
	pir_config_apply_scan(cfg, &so);
	pir_config_apply_check(cfg, &co);
	CHECK_INT(strv_len(so.severities), 4);
	CHECK_STR(co.fail_on, "critical");
	CHECK(pir_config_team_count(cfg) >= 1);
	CHECK(pir_config_report_setting(cfg, "from") != NULL);
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
}

/* The shared preflight's anchor limit: 1000 anchors are read, a 1001st
 * refuses the file at its anchor. */
static void test_anchor_limit(void)
{
	pir_buf yaml = PIR_BUF_INIT, errors = PIR_BUF_INIT;
	pir_config *cfg = NULL;

	pir_buf_puts(&yaml, "exclude:\n");
	for (int i = 0; i < 1000; i++)
		pir_buf_printf(&yaml, "  - &a%d x%d\n", i, i);
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), 0);
	CHECK_STR(errors.ptr, NULL);
	pir_config_free(cfg);
	cfg = NULL;

	pir_buf_puts(&yaml, "  - &a1000 x\n");
	CHECK_INT(pir_config_parse(&cfg, yaml.ptr, yaml.size, "cfg.yml", &errors), PIR_EINVALID);
	CHECK(cfg == NULL);
	CHECK_STR(errors.ptr,
		  "cfg.yml:1002:5: more than 1000 anchors in a document; the file is not read\n");
	pir_buf_dispose(&errors);
	pir_buf_dispose(&yaml);
}

int main(void)
{
	RUN(test_full);
	RUN(test_empty);
	RUN(test_unknown_keys);
	RUN(test_wrong_types);
	RUN(test_marker_list);
	RUN(test_bad_values);
	RUN(test_duplicates);
	RUN(test_structure);
	RUN(test_all_errors);
	RUN(test_custom_severities);
	RUN(test_fail_on_invalid);
	RUN(test_email_forms);
	RUN(test_as_of_forms);
	RUN(test_escaping);
	RUN(test_hostile);
	RUN(test_load);
	RUN(test_host_layers);
	RUN(test_smtp_timeout);
	RUN(test_repository);
	RUN(test_fixtures);
	RUN(test_anchor_limit);
	RUN(test_contrib_example);
	return test_summary();
}
