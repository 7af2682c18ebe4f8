/* SPDX-License-Identifier: MIT */
/*
 * Team assignment (teams.c) on synthetic scans: an item's own team, its
 * owner's team from the configuration, else CODEOWNERS (GitHub and GitLab
 * syntax) for its first marker's path. No git repository on disk.
 */
#include "pirscan/config.h"
#include "synth.h"
#include "test.h"

static const char config_yml[] = "teams:\n"
				 "  payments:\n"
				 "    email: pay@example.com\n"
				 "    members: [\"@alice\", \"@bob\"]\n"
				 "  search:\n"
				 "    email: search@example.com\n";

static const char codeowners[] = "# who owns what\n"
				 "*                @org/fallback\n"
				 "/docs/           @docs-team @org/search\n"
				 "*.sql            @dba # trailing comment\n"
				 "db/              @db-owners\n"
				 "src/payments/    @org/payments\n"
				 "build/**/gen.c   @alice\n"
				 "vendor/*         @org/vendor\n"
				 "[Docs] @docs-section\n"
				 "^[Another one] @nobody\n"
				 "src/payments/generated/\n"
				 "README           @readers\n"
				 "\\#odd.c           @hash\n";

static pir_config *config(void)
{
	pir_config *cfg = NULL;
	pir_buf errors = PIR_BUF_INIT;

	CHECK_INT(pir_config_parse(&cfg, config_yml, strlen(config_yml), "cfg.yml", &errors), 0);
	pir_buf_dispose(&errors);
	return cfg;
}

/* The team of the item whose title (an anonymous marker's note) contains `text`. */
static void check_team(const synth *sy, const char *text, const char *team, const char *source)
{
	const pir_item *it = synth_item_titled(sy, text);

	if (!it) {
		fprintf(stderr, "no item '%s'\n", text);
		CHECK(it != NULL);
		return;
	}
	if (strcmp(it->team, team) || strcmp(it->team_source, source))
		fprintf(stderr, "'%s': team %s (%s), expected %s (%s)\n", text, it->team,
			it->team_source, team, source);
	CHECK_STR(it->team, team);
	CHECK_STR(it->team_source, source);
}

static void marker_at(synth *sy, const char *path, const char *note)
{
	char text[256];

	snprintf(text, sizeof(text), "x = 1 # TODO PIR: %s\n", note);
	synth_head(sy, path, synth_blob(sy, text, false));
}

/* CODEOWNERS: the last matching rule wins; anchored, folder and glob patterns. */
static void test_codeowners(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_config *cfg = config();
	synth sy;

	o.no_history = true;
	o.as_of = 20000;
	o.teams_from = cfg;
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, ".github/CODEOWNERS", synth_blob(&sy, codeowners, false));
	/* a second CODEOWNERS that GitHub does not read: the .github one comes first */
	synth_head(&sy, "CODEOWNERS", synth_blob(&sy, "* @root-file\n", false));
	marker_at(&sy, "main.c", "top level");
	marker_at(&sy, "docs/guide/intro.md", "under docs");
	marker_at(&sy, "src/docs/x.md", "docs not at the root");
	marker_at(&sy, "q/report.sql", "some sql");
	marker_at(&sy, "db/schema.sql", "sql under db");
	marker_at(&sy, "src/payments/charge.c", "payments code");
	marker_at(&sy, "src/payments/generated/tables.c", "codegen output");
	marker_at(&sy, "build/a/b/gen.c", "generated deep");
	marker_at(&sy, "build/gen.c", "generated shallow");
	marker_at(&sy, "vendor/lib.c", "vendored file");
	marker_at(&sy, "vendor/deep/lib.c", "vendored deeper");
	marker_at(&sy, "D", "one letter");
	marker_at(&sy, "README", "readme at the root");
	marker_at(&sy, "sub/README", "readme in a folder");
	marker_at(&sy, "#odd.c", "a name starting with #");
	CHECK_INT(synth_link(&sy), 0);

	check_team(&sy, "top level", "@org/fallback", "codeowners");
	/* the first owner that is a team wins, "@org/NAME" naming team NAME */
	check_team(&sy, "under docs", "search", "codeowners");
	check_team(&sy, "docs not at the root", "@org/fallback", "codeowners");
	check_team(&sy, "some sql", "@dba", "codeowners");
	check_team(&sy, "sql under db", "@db-owners", "codeowners");
	check_team(&sy, "payments code", "payments", "codeowners");
	/* a rule without owners unassigns what it matches */
	check_team(&sy, "codegen output", "unassigned", "unassigned");
	/* an owner who is a member of a team is that team */
	check_team(&sy, "generated deep", "payments", "codeowners");
	check_team(&sy, "generated shallow", "payments", "codeowners");
	/* "vendor/" then star: the files in vendor, not deeper */
	check_team(&sy, "vendored file", "@org/vendor", "codeowners");
	check_team(&sy, "vendored deeper", "@org/fallback", "codeowners");
	/* a GitLab section header is no rule (though "[Docs]" would match "D") */
	check_team(&sy, "one letter", "@org/fallback", "codeowners");
	/* an unanchored name matches at any depth */
	check_team(&sy, "readme at the root", "@readers", "codeowners");
	check_team(&sy, "readme in a folder", "@readers", "codeowners");
	/* "\#" starts a pattern with a literal # (GitLab), not a comment */
	check_team(&sy, "a name starting with #", "@hash", "codeowners");
	synth_free(&sy);
	pir_config_free(cfg);
}

/* The item's own team, then its owner's, before CODEOWNERS; else unassigned. */
static void test_precedence(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_config *cfg = config();
	const pir_item *it;
	synth sy;

	o.no_history = true;
	o.as_of = 20000;
	o.teams_from = cfg;
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "CODEOWNERS", synth_blob(&sy, "src/ @org/search\n", false));
	synth_head(&sy, "pm/action-items.yml",
		   synth_blob(&sy,
			      "- {id: PIR-1, title: a, owner: \"@alice\", team: infra}\n"
			      "- {id: PIR-2, title: b, owner: \"@bob\"}\n"
			      "- {id: PIR-3, title: c, owner: \"@zed\"}\n"
			      "- {id: PIR-4, title: d, owner: \"@zed\"}\n"
			      "- {id: PIR-5, title: e, owner: \"search\"}\n",
			      true));
	synth_head(&sy, "src/a.c",
		   synth_blob(&sy,
			      "// TODO PIR-1: a\n// TODO PIR-2: b\n// TODO PIR-3: c\n"
			      "// TODO PIR: anonymous in src\n",
			      false));
	synth_head(&sy, "other.c", synth_blob(&sy, "// TODO PIR: anonymous elsewhere\n", false));
	CHECK_INT(synth_link(&sy), 0);

	it = synth_item(&sy, "PIR-1");
	CHECK(it && !strcmp(it->team, "infra") && !strcmp(it->team_source, "item"));
	it = synth_item(&sy, "PIR-2");
	CHECK(it && !strcmp(it->team, "payments") && !strcmp(it->team_source, "owner"));
	/* an owner in no team: CODEOWNERS for its marker */
	it = synth_item(&sy, "PIR-3");
	CHECK(it && !strcmp(it->team, "search") && !strcmp(it->team_source, "codeowners"));
	/* and with no marker: unassigned */
	it = synth_item(&sy, "PIR-4");
	CHECK(it && !strcmp(it->team, "unassigned") && !strcmp(it->team_source, "unassigned"));
	/* an owner that names a team is that team */
	it = synth_item(&sy, "PIR-5");
	CHECK(it && !strcmp(it->team, "search") && !strcmp(it->team_source, "owner"));
	check_team(&sy, "anonymous in src", "search", "codeowners");
	/* no rule matches: unassigned */
	check_team(&sy, "anonymous elsewhere", "unassigned", "unassigned");
	synth_free(&sy);
	pir_config_free(cfg);
}

/* Without CODEOWNERS or a teams table, everything is unassigned (or its own team). */
static void test_nothing_assigns(void)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	const pir_item *it;
	synth sy;

	o.no_history = true;
	o.as_of = 20000;
	CHECK_INT(synth_new(&sy, &o, "svc"), 0);
	synth_head(&sy, "pm/action-items.yml",
		   synth_blob(&sy,
			      "- {id: PIR-1, title: a, owner: \"@alice\"}\n"
			      "- {id: PIR-2, title: b, owner: \"@alice\", team: ops}\n",
			      true));
	synth_head(&sy, "src/a.c", synth_blob(&sy, "// TODO PIR-1: a\n", false));
	CHECK_INT(synth_link(&sy), 0);
	it = synth_item(&sy, "PIR-1");
	CHECK(it && !strcmp(it->team, "unassigned") && !strcmp(it->team_source, "unassigned"));
	it = synth_item(&sy, "PIR-2");
	CHECK(it && !strcmp(it->team, "ops") && !strcmp(it->team_source, "item"));
	synth_free(&sy);
}

int main(void)
{
	RUN(test_codeowners);
	RUN(test_precedence);
	RUN(test_nothing_assigns);
	return test_summary();
}
