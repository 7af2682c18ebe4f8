/* SPDX-License-Identifier: MIT */
/*
 * The report writers (text, Markdown, HTML) on real scans: the fixture
 * repositories, and a repository made here whose entries carry markup and
 * control characters, to check that each format escapes them.
 */
#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "pirscan/pirscan.h"
#include "test.h"

static pir_date D(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	pir_date_parse(&d, s, strlen(s));
	return d;
}

static pir_scan *scan_paths(const char *const *paths, bool history)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_scan *s = NULL;

	o.as_of = D("2026-11-22");
	o.no_history = !history;
	CHECK_INT(pir_scan_new(&s, &o), 0);
	for (size_t i = 0; paths[i]; i++)
		CHECK_INT(pir_scan_add_repository(s, paths[i]), 0);
	CHECK_INT(pir_scan_run(s), 0);
	return s;
}

static pir_scan *scan_fixtures(const char *const *repos, bool history)
{
	char *paths[8] = {0};
	pir_scan *s;
	size_t n = 0;

	for (; repos[n] && n < 7; n++) {
		paths[n] = malloc(strlen(FIXTURES) + strlen(repos[n]) + 2);
		sprintf(paths[n], "%s/%s", FIXTURES, repos[n]);
	}
	s = scan_paths((const char *const *)paths, history);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return s;
}

static pir_report *report(const pir_scan *s, pir_group_by by)
{
	pir_report_options o = PIR_REPORT_OPTIONS_INIT;
	pir_report *r = NULL;

	o.group_by = by;
	CHECK_INT(pir_report_new(&r, s, &o), 0);
	return r;
}

/* The report as a NUL-terminated string (free it); NULL when writing failed. */
static char *render(const pir_report *r, size_t group, pir_report_format f)
{
	pir_buf b = PIR_BUF_INIT;
	int err = pir_report_write(&b, r, group, f);

	CHECK_INT(err, 0);
	if (err) {
		fprintf(stderr, "pir_report_write: %s\n", pir_error_last());
		pir_buf_dispose(&b);
		return NULL;
	}
	CHECK(b.ptr != NULL && strlen(b.ptr) == b.size);
	return b.ptr;
}

/* Does `needle` occur after `from` and before the next `to` (or the end)? */
static bool within(const char *s, const char *from, const char *to, const char *needle)
{
	const char *a = s ? strstr(s, from) : NULL, *b, *n;

	if (!a)
		return false;
	a += strlen(from);
	b = to ? strstr(a, to) : NULL;
	n = strstr(a, needle);
	return n && (!b || n < b);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static size_t group_of(const pir_report *r, const char *id)
{
	for (size_t g = 0; g < pir_report_group_count(r); g++) {
		const pir_report_group *grp = pir_report_group_at(r, g);
		for (size_t i = 0; i < grp->nopen; i++)
			if (grp->open[i]->id && !strcmp(grp->open[i]->id, id))
				return g;
	}
	return SIZE_MAX;
}

/* Text: no control characters but newlines, no line wider than 100 code points. */
static bool text_clean(const char *s)
{
	size_t cols = 0;

	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if (*p == '\n') {
			cols = 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if ((*p & 0xc0) != 0x80 && ++cols > 100)
			return false;
	}
	return true;
}

/* Markdown: every table row is one line, opened and closed by a pipe; a blank line ends a table. */
static bool md_rows_whole(const char *s)
{
	const char *line = s;
	bool in_table = false;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len && line[0] == '|' && line[len - 1] != '|')
			return false;
		if (in_table && len && line[0] != '|')
			return false;
		if (memchr(line, '\r', len))
			return false;
		in_table = len && line[0] == '|';
		line = end ? end + 1 : NULL;
	}
	return true;
}

static const char *const both[] = {"svc", "postmortems", NULL};

static void test_format_parse(void)
{
	pir_report_format f = PIR_REPORT_HTML;

	CHECK_INT(pir_report_format_parse(&f, "text"), 0);
	CHECK_INT(f, PIR_REPORT_TEXT);
	CHECK_INT(pir_report_format_parse(&f, "md"), 0);
	CHECK_INT(f, PIR_REPORT_MARKDOWN);
	CHECK_INT(pir_report_format_parse(&f, "markdown"), 0);
	CHECK_INT(f, PIR_REPORT_MARKDOWN);
	CHECK_INT(pir_report_format_parse(&f, "html"), 0);
	CHECK_INT(f, PIR_REPORT_HTML);
	CHECK_INT(pir_report_format_parse(&f, "email"), PIR_EINVALID);
	CHECK_INT(pir_report_format_parse(&f, "HTML"), PIR_EINVALID);
	CHECK_INT(pir_report_format_parse(&f, ""), PIR_EINVALID);
}

static void test_bad_arguments(void)
{
	pir_scan *s = scan_fixtures(both, true);
	pir_report *r = report(s, PIR_GROUP_TEAM);
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_report_write(&b, r, pir_report_group_count(r), PIR_REPORT_TEXT),
		  PIR_EINVALID);
	CHECK_INT(pir_report_write(&b, r, 0, (pir_report_format)42), PIR_EINVALID);
	CHECK_INT(pir_report_write(&b, NULL, 0, PIR_REPORT_TEXT), PIR_EINVALID);
	CHECK_INT(b.size, 0);
	pir_buf_dispose(&b);
	pir_report_free(r);
	pir_scan_free(s);
}

static void test_text(void)
{
	pir_scan *s = scan_fixtures(both, true);
	pir_report *r = report(s, PIR_GROUP_TEAM);
	size_t g = group_of(r, "PIR-2026-01-04-001");
	char *one, *all;

	CHECK(g != SIZE_MAX);
	if (g == SIZE_MAX)
		goto done;
	one = render(r, g, PIR_REPORT_TEXT);
	all = render(r, SIZE_MAX, PIR_REPORT_TEXT);
	CHECK(one && !strncmp(one, "payments\n========\n", 18));
	CHECK(within(
	    one, "\nOverdue (1)\n", "\nDue within 7 days",
	    "PIR-2026-01-04-001  critical  @alice  266 days overdue (due 2026-03-01)  INC-2891"));
	CHECK(within(one, "\nOverdue (1)\n", "\nDue within",
		     "      Add a retry budget to the payments client\n"));
	CHECK(
	    within(one, "\nOverdue (1)\n", "\nDue within", "      svc:src/client/main.c:5 (+1)\n"));
	CHECK(within(one, "\nDue within 7 days (0)\n", "\nOther stale",
		     "  Nothing due within 7 days.\n"));
	CHECK(within(one, "\nOpened since 2026-11-21 (0)\n", "\nClosed",
		     "Nothing opened since 2026-11-21."));
	CHECK(within(one, "\nRemediation\n", NULL, "Median age of open items:  322 days"));
	CHECK(within(one, "\nRemediation\n", NULL,
		     "Backlog:                   1 open, unchanged from 4 weeks ago"));
	CHECK(within(one, "As of ", "\n", "2026-11-22 (UTC); opened and closed since 2026-11-21."));
	CHECK(strstr(one ? one : "", "Scanned: svc at ") != NULL);
	CHECK(text_clean(one));
	CHECK(text_clean(all));
	/* every group, one after another, in the report's order */
	CHECK(all && strstr(all, "@acme/platform\n==============\n") != NULL);
	CHECK(all && strstr(all, "payments\n") && strstr(all, "\nunassigned\n==========\n") &&
	      strstr(all, "\npayments\n") < strstr(all, "\nunassigned\n"));
	CHECK_INT(count(all, "\nRemediation\n"), pir_report_group_count(r));
	/* reasons of the other stale items, in vocabulary order */
	CHECK(all && strstr(all, "PIR-2026-99-99-999  no severity  no owner  too-old, no-owner, "
				 "no-due, unknown-id") != NULL);
	/* a snooze is shown, with its reason */
	CHECK(all &&
	      strstr(all,
		     "      snoozed until 2026-12-15: waiting for the vendor client release\n") !=
		  NULL);
	free(one);
	free(all);
done:
	pir_report_free(r);
	pir_scan_free(s);
}

static void test_markdown(void)
{
	pir_scan *s = scan_fixtures(both, true);
	pir_report *r = report(s, PIR_GROUP_TEAM);
	size_t g = group_of(r, "PIR-2026-01-04-001");
	char *one = g != SIZE_MAX ? render(r, g, PIR_REPORT_MARKDOWN) : NULL;
	char *all = render(r, SIZE_MAX, PIR_REPORT_MARKDOWN);

	CHECK(one && !strncmp(one, "## payments\n\n**1 open** · 1 overdue", 35));
	CHECK(within(
	    one, "\n### Overdue (1)\n", "\n### Due within",
	    "| PIR-2026-01-04-001 | Add a retry budget to the payments client | critical | @alice "
	    "| 266 days overdue | due 2026-03-01 | INC-2891 | svc:src/client/main.c:5 (+1) |"));
	CHECK(within(one, "\n### Due within 7 days (0)\n", "\n###", "Nothing due within 7 days."));
	CHECK(within(one, "\n### Remediation\n", NULL, "- Median age of open items: 322 days"));
	CHECK(md_rows_whole(all));
	/* repository strings are escaped: the team with a slash is fine, the marker path too */
	CHECK(all && strstr(all, "## @acme/platform\n") != NULL);
	CHECK(all && strstr(all, "svc:db/orders.sql:1") != NULL);
	CHECK_INT(count(all, "\n### Remediation\n"), pir_report_group_count(r));
	free(one);
	free(all);
	pir_report_free(r);
	pir_scan_free(s);
}

static void test_html(void)
{
	pir_scan *s = scan_fixtures(both, true);
	pir_report *r = report(s, PIR_GROUP_TEAM);
	size_t g = group_of(r, "PIR-2026-01-04-001");
	size_t n = pir_report_group_count(r);
	char *one = g != SIZE_MAX ? render(r, g, PIR_REPORT_HTML) : NULL;
	char *all = render(r, SIZE_MAX, PIR_REPORT_HTML);
	char *again = render(r, SIZE_MAX, PIR_REPORT_HTML);

	CHECK(one && !strncmp(one, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33));
	CHECK(one && strstr(one, "<meta charset=\"utf-8\">") != NULL);
	CHECK(
	    one &&
	    strstr(one, "<title>Post-incident action items: payments, as of 2026-11-22</title>") !=
		NULL);
	CHECK(within(one, ">Overdue <span", ">Due within 7 days",
		     "<strong>PIR-2026-01-04-001</strong> &#8212; Add a retry budget to the "
		     "payments client"));
	CHECK(within(one, ">Overdue <span", ">Due within 7 days", "266 days overdue"));
	CHECK(within(one, ">Due within 7 days <span", ">Other stale items",
		     "Nothing due within 7 days."));
	CHECK_INT(count(one, "<svg "), 2);
	CHECK_INT(count(one, "role=\"img\" "), 2);
	CHECK_INT(count(one, "</svg>"), 2);
	CHECK(within(one, "<svg ", "</svg>", "<title>Open items per week"));
	CHECK(
	    within(one, "aria-label=\"Ages of", "</svg>", "<title>Ages of open items by severity"));
	/* the one overdue item is a red dot at 322 days, on the critical row */
	CHECK(within(one, "aria-label=\"Ages of", "</svg>", ">critical <tspan"));
	CHECK(within(one, "aria-label=\"Ages of", "</svg>",
		     "fill=\"#b42318\" fill-opacity=\"0.8\" stroke=\"#ffffff\" "
		     "stroke-width=\"1\"><title>PIR-2026-01-04-001: 322 days old</title>"));
	/* mail-safe: no scripts, no external resources, no stylesheet needed */
	CHECK(!strstr(one, "<script"));
	CHECK(!strstr(all, "<script"));
	CHECK(!strstr(all, "<link") && !strstr(all, "src=\"http") && !strstr(all, "url("));
	CHECK(!strstr(all, "<style"));
	CHECK(!strstr(all, "class=\""));
	/* all groups: one document, an overview, two charts per group */
	CHECK_INT(count(all, "<!DOCTYPE html>"), 1);
	CHECK_INT(count(all, "</html>"), 1);
	CHECK_INT(count(all, "<svg "), 2 * n);
	CHECK_INT(count(all, "<h2 "), n);
	CHECK(all &&
	      strstr(all, "<title>Post-incident action items: by team, as of 2026-11-22</title>") !=
		  NULL);
	CHECK(within(all, "<th align=\"left\"", "</table>", ">payments</td>"));
	/* deterministic */
	CHECK(all && again && !strcmp(all, again));
	free(one);
	free(all);
	free(again);
	pir_report_free(r);
	pir_scan_free(s);
}

static void test_grouping_and_history(void)
{
	pir_scan *s = scan_fixtures(both, false);
	pir_report *r = report(s, PIR_GROUP_SEVERITY);
	char *html = render(r, SIZE_MAX, PIR_REPORT_HTML);
	char *text = render(r, SIZE_MAX, PIR_REPORT_TEXT);

	/* without history: no ages, no trend, but still two charts per group */
	CHECK_INT(count(html, "<svg "), 2 * pir_report_group_count(r));
	CHECK(html && strstr(html, "No history: weekly counts are unknown") != NULL);
	CHECK(text && strstr(text, "Median age of open items:  unknown without history") != NULL);
	CHECK(text && strstr(text, "Backlog:                   unknown without history") != NULL);
	CHECK(text &&
	      !strncmp(text, "critical\n========\nseverity critical: 2 open, 2 overdue", 54));
	CHECK(text_clean(text));
	free(html);
	free(text);
	pir_report_free(r);
	pir_scan_free(s);
}

/* pir_report_options.groups: exact names, configured teams without items, the nearest name. */
static void test_select_groups(void)
{
	static const char yml[] =
	    "teams:\n  data:\n    members: ['@erin']\n  ghost:\n    email: g@example.com\n";
	const char *const keep[] = {"unassigned", "data", NULL}, *const ghost[] = {"ghost", NULL};
	const char *const typo[] = {"data", "dta", NULL};
	pir_report_options o = PIR_REPORT_OPTIONS_INIT;
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	pir_config *cfg = NULL;
	pir_scan *s = NULL;
	pir_report *r = NULL;
	char *path = malloc(strlen(FIXTURES) + 16), *svc = malloc(strlen(FIXTURES) + 16);

	sprintf(path, "%s/postmortems", FIXTURES);
	sprintf(svc, "%s/svc", FIXTURES);
	CHECK_INT(pir_config_parse(&cfg, yml, strlen(yml), NULL, NULL), 0);
	so.as_of = D("2026-11-22");
	so.no_history = true;
	so.teams_from = cfg;
	CHECK_INT(pir_scan_new(&s, &so), 0);
	CHECK_INT(pir_scan_add_repository(s, svc), 0);
	CHECK_INT(pir_scan_add_repository(s, path), 0);
	CHECK_INT(pir_scan_run(s), 0);

	o.groups = keep;
	CHECK_INT(pir_report_new(&r, s, &o), 0);
	CHECK_INT(pir_report_group_count(r), 2);
	if (pir_report_group_count(r) == 2) {
		CHECK_STR(pir_report_group_at(r, 0)->name, "data");
		CHECK_STR(pir_report_group_at(r, 1)->name, "unassigned");
	}
	pir_report_free(r);
	r = NULL;

	o.groups = ghost; /* a team of the configuration without items: nothing to report */
	CHECK_INT(pir_report_new(&r, s, &o), 0);
	CHECK_INT(pir_report_group_count(r), 0);
	pir_report_free(r);
	r = (pir_report *)&r;

	o.groups = typo;
	CHECK_INT(pir_report_new(&r, s, &o), PIR_ENOTFOUND);
	CHECK(r == NULL);
	CHECK_STR(pir_error_last(), "no team 'dta' in the report; did you mean 'data'?");

	o.group_by = PIR_GROUP_SEVERITY; /* configured teams are no severities */
	o.groups = ghost;
	CHECK_INT(pir_report_new(&r, s, &o), PIR_ENOTFOUND);
	CHECK(pir_error_last() &&
	      !strncmp(pir_error_last(), "no severity 'ghost' in the report; ", 35));
	pir_scan_free(s);
	pir_config_free(cfg);
	free(path);
	free(svc);
}

static void test_empty(void)
{
	static const char *const empty[] = {"empty", NULL};
	pir_scan *s = scan_fixtures(empty, true);
	pir_report *r = report(s, PIR_GROUP_TEAM);
	char *text = render(r, SIZE_MAX, PIR_REPORT_TEXT);
	char *md = render(r, SIZE_MAX, PIR_REPORT_MARKDOWN);
	char *html = render(r, SIZE_MAX, PIR_REPORT_HTML);

	CHECK_INT(pir_report_group_count(r), 0);
	CHECK(text && !strncmp(text, "No action items.\n", 17));
	CHECK(md && !strncmp(md, "No action items.\n", 17));
	CHECK(html && strstr(html, "No action items.") && strstr(html, "</html>\n"));
	free(text);
	free(md);
	free(html);
	pir_report_free(r);
	pir_scan_free(s);
}

/* ---- a repository with hostile content, made with libgit2 ---- */

static const char items_v1[] =
    "action_items:\n"
    "  - id: PIR-2026-11-01-001\n"
    "    title: '<script>alert(1)</script> & \"x\" | *y*'\n"
    "    owner: \"@eve <img src=x onerror=alert(1)>\"\n"
    "    due: 2026-11-10\n"
    "    severity: critical\n"
    "    team: \"<b>ops</b>\"\n"
    "    linked_incident: \"INC-1 ]]> --> <!--\"\n"
    "  - id: PIR-2026-11-01-002\n"
    "    title: \"first line\\nsecond line \\e[31mred\\e[0m \\a bell\"\n"
    "    owner: \"@mallory\"\n"
    "    due: 2026-11-25\n"
    "    severity: high\n"
    "    team: \"<b>ops</b>\"\n"
    "  - id: PIR-2026-11-01-003\n"
    "    title: \"[link](javascript:alert(1)) _under_ `code` # ~strike~ {x} !\\\\\"\n"
    "    owner: \"@trent\"\n"
    "    due: 2026-12-31\n"
    "    severity: low\n"
    "    team: \"<b>ops</b>\"\n";

static const char items_v2_tail[] =
    "  - id: PIR-2026-11-22-001\n"
    "    title: \"new <em>item</em>\"\n"
    "    severity: medium\n"
    "    team: \"<b>ops</b>\"\n"
    "  - id: PIR-2026-11-22-002\n"
    "    title: \"Make the long titles wrap: one two three four five six seven eight nine ten "
    "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty "
    "twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven "
    "twenty-eight twenty-nine thirty\"\n"
    "    owner: "
    "\"@an-owner-with-a-name-so-long-that-the-line-cannot-hold-it-together-with-the-rest\"\n"
    "    due: 2026-12-20\n"
    "    severity: low\n"
    "    team: \"<b>ops</b>\"\n";

static int commit_file(git_repository *repo, const char *content, const char *date, const char *msg)
{
	git_oid blob, tree_id, commit_id, parent_id;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	int y, err;
	unsigned m, d;

	sscanf(date, "%d-%u-%u", &y, &m, &d);
	if ((err = git_blob_create_from_buffer(&blob, repo, content, strlen(content))) < 0 ||
	    (err = git_treebuilder_new(&tb, repo, NULL)) < 0 ||
	    (err = git_treebuilder_insert(NULL, tb, "action-items.yml", &blob, GIT_FILEMODE_BLOB)) <
		0 ||
	    (err = git_treebuilder_write(&tree_id, tb)) < 0 ||
	    (err = git_tree_lookup(&tree, repo, &tree_id)) < 0 ||
	    (err = git_signature_new(&sig, "Pat Postmortem", "pat@example.com",
				     (git_time_t)pir_date_from_civil(y, m, d) * 86400 + 43200, 0)) <
		0)
		goto done;
	if (git_reference_name_to_id(&parent_id, repo, "HEAD") == 0 &&
	    (err = git_commit_lookup(&parent, repo, &parent_id)) < 0)
		goto done;
	err = git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, msg, tree,
				  parent ? 1 : 0, parent);
done:
	if (err < 0)
		fprintf(stderr, "libgit2: %s\n",
			git_error_last() ? git_error_last()->message : "?");
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return err;
}

static void remove_tree(const char *dir)
{
	char *cmd = malloc(strlen(dir) + 16);

	sprintf(cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

static void test_escaping(void)
{
	char dir[] = "/tmp/pirscan-report-XXXXXX";
	const char *paths[] = {dir, NULL};
	git_repository *repo = NULL;
	pir_scan *s = NULL;
	pir_report *r = NULL;
	char *v2 = NULL, *text = NULL, *md = NULL, *html = NULL;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(git_repository_init(&repo, dir, 0), 0);
	if (!repo)
		goto done;
	v2 = malloc(sizeof(items_v1) + sizeof(items_v2_tail) + 32);
	strcpy(v2, items_v1);
	/* the third entry is done the day before the as-of date (the day reported), and a fourth
	 * appears */
	strcat(v2, "    status: done\n");
	strcat(v2, items_v2_tail);
	CHECK_INT(commit_file(repo, items_v1, "2026-11-01", "Action items"), 0);
	CHECK_INT(commit_file(repo, v2, "2026-11-21", "One done, one more"), 0);
	s = scan_paths(paths, true);
	r = report(s, PIR_GROUP_TEAM);
	CHECK_INT(pir_report_group_count(r), 1);
	text = render(r, SIZE_MAX, PIR_REPORT_TEXT);
	md = render(r, SIZE_MAX, PIR_REPORT_MARKDOWN);
	html = render(r, SIZE_MAX, PIR_REPORT_HTML);
	if (!text || !md || !html)
		goto done;

	/* each section has its item */
	CHECK(within(text, "\nOverdue (1)\n", "\nDue within", "PIR-2026-11-01-001  critical"));
	CHECK(within(text, "\nDue within 7 days (1)\n", "\nOther stale",
		     "PIR-2026-11-01-002  high  @mallory  due in 3 days (due 2026-11-25)"));
	CHECK(within(text, "\nOther stale items (1)\n", "\nOpened",
		     "PIR-2026-11-22-001  medium  no owner  no-owner, no-due (1 day old)"));
	CHECK(within(text, "\nOpened since 2026-11-21 (2)\n", "\nClosed", "PIR-2026-11-22-001"));
	/* long lines: titles wrap on two lines at most, other lines are cut */
	CHECK(within(
	    text, "\nOpened since 2026-11-21 (2)\n", "\nClosed",
	    "  PIR-2026-11-22-002  low  "
	    "@an-owner-with-a-name-so-long-that-the-line-cannot-hold-it-together-with\u2026\n"
	    "      Make the long titles wrap: one two three four five six seven eight nine ten "
	    "eleven twelve\n"
	    "      thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one "
	    "twenty-two\u2026\n"));
	CHECK(within(text, "\nClosed since 2026-11-21 (1)\n", "\nRemediation",
		     "PIR-2026-11-01-003  low  @trent  closed 2026-11-21 (as done)"));
	CHECK(within(text, "\nRemediation\n", NULL, "    low 20 days (1 closed)\n"));
	CHECK(within(text, "\nRemediation\n", NULL,
		     "Backlog:                   4 open, up 4 from 4 weeks ago (0)"));

	/* text: control characters shown as escapes, never sent */
	CHECK(text_clean(text));
	CHECK(strstr(text, "first line\\x0asecond line \\x1b[31mred\\x1b[0m \\x07 bell") != NULL);
	CHECK(strstr(text, "<script>alert(1)</script> & \"x\" | *y*") !=
	      NULL); /* plain text is literal */

	/* Markdown: markup inert, specials escaped, rows whole */
	CHECK(!strstr(md, "<script") && !strstr(md, "<img") && !strstr(md, "<b>") &&
	      !strstr(md, "<em>"));
	CHECK(strstr(md, "## &lt;b&gt;ops&lt;/b&gt;\n") != NULL);
	CHECK(strstr(md, "| &lt;script&gt;alert\\(1\\)&lt;/script&gt; &amp; \"x\" \\| \\*y\\* |") !=
	      NULL);
	CHECK(strstr(md, "| @eve &lt;img src=x onerror=alert\\(1\\)&gt; |") != NULL);
	CHECK(strstr(md, "\\[link\\]\\(javascript:alert\\(1\\)\\) \\_under\\_ \\`code\\` \\# "
			 "\\~strike\\~ \\{x\\} \\!\\\\") != NULL);
	CHECK(strstr(md, "| first line second line \\[31mred\\[0m  bell |") != NULL);
	CHECK(md_rows_whole(md));
	for (const unsigned char *p = (const unsigned char *)md; *p; p++)
		if (*p < 0x20 && *p != '\n') {
			CHECK(!"control character in Markdown");
			break;
		}

	/* HTML: every repository string escaped, in text, attributes and SVG */
	CHECK(!strstr(html, "<script") && !strstr(html, "<img") && !strstr(html, "<b>") &&
	      !strstr(html, "<em>item"));
	CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; | *y*") !=
	      NULL);
	CHECK(strstr(html, "<h2 style=") &&
	      within(html, "<h2 style=", "</h2>", "&lt;b&gt;ops&lt;/b&gt;"));
	CHECK(within(html, "<title>Open items per week", "</title>", "&lt;b&gt;ops&lt;/b&gt;"));
	CHECK(within(html, "aria-label=\"Open items per week, ", "\">", "&lt;b&gt;ops&lt;/b&gt;"));
	CHECK(strstr(html, "INC-1 ]]&gt; --&gt; &lt;!--") != NULL);
	CHECK(strstr(html, "@eve &lt;img src=x onerror=alert(1)&gt;") != NULL);
	CHECK(strstr(html, "first line&#10;second line [31mred[0m  bell") != NULL);
	for (const unsigned char *p = (const unsigned char *)html; *p; p++)
		if (*p < 0x20 && *p != '\n') {
			CHECK(!"control character in HTML");
			break;
		}
	CHECK_INT(count(html, "<svg "), 2);
	/* the overdue dot is red, the due-soon dot amber */
	CHECK(within(html, "aria-label=\"Ages of", "</svg>",
		     "fill=\"#b42318\" fill-opacity=\"0.8\" stroke=\"#ffffff\" "
		     "stroke-width=\"1\"><title>PIR-2026-11-01-001: 21 days old</title>"));
	CHECK(within(html, "aria-label=\"Ages of", "</svg>",
		     "fill=\"#f79009\" fill-opacity=\"0.8\" stroke=\"#ffffff\" "
		     "stroke-width=\"1\"><title>PIR-2026-11-01-002: 21 days old</title>"));
done:
	free(text);
	free(md);
	free(html);
	free(v2);
	pir_report_free(r);
	pir_scan_free(s);
	git_repository_free(repo);
	remove_tree(dir);
}

int main(void)
{
	git_libgit2_init();
	RUN(test_format_parse);
	RUN(test_bad_arguments);
	RUN(test_text);
	RUN(test_markdown);
	RUN(test_html);
	RUN(test_grouping_and_history);
	RUN(test_select_groups);
	RUN(test_empty);
	RUN(test_escaping);
	git_libgit2_shutdown();
	return test_summary();
}
