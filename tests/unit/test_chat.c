/* SPDX-License-Identifier: MIT */
/*
 * Links and team chat (issue 12): the link templates, the redaction of
 * webhook URLs, and the chat composers on a repository made here with
 * hundreds of overdue items whose titles carry markup, so that Slack's and
 * Teams' limits are reached and every format's escaping is seen.
 */
#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "json.h"
#include "test.h"
#include "urltmpl.h"

static char *expand(const char *t, const char *repo, const char *commit, const char *path,
		    unsigned line)
{
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_urltmpl_expand(&b, t, repo, commit, path, line), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	return b.ptr;
}

static void test_templates(void)
{
	const char *t = "https://git.example.com/{repo}/blob/{commit}/{path}#L{line}";
	char *s;
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_urltmpl_check(t), 0);
	CHECK_INT(pir_urltmpl_check("http://h/{path}"), 0);
	CHECK_INT(pir_urltmpl_check("https://h/{branch}/{path}"), PIR_EINVALID);
	CHECK(strstr(pir_error_last(), "unknown placeholder '{branch}'") != NULL);
	CHECK_INT(pir_urltmpl_check("https://h/{path"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https://h/path}"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("ftp://h/{path}"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https:///{path}"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https://h/a b"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https://h/\"><script>"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https://h/x)(y"), PIR_EINVALID);
	CHECK_INT(pir_urltmpl_check("https://h/x|y"), PIR_EINVALID);

	s = expand(t, "org/api", "0123abcd", "src/a b/<x>&\"y\".c", 12);
	CHECK_STR(
	    s, "https://git.example.com/org/api/blob/0123abcd/src/a%20b/%3Cx%3E%26%22y%22.c#L12");
	free(s);
	/* a path of other scripts, a '#', '?', '%' and a ')' */
	s = expand(t, "svc", "c", "d\xc3\xa9j\xc3\xa0/#?%)", 1);
	CHECK_STR(s, "https://git.example.com/svc/blob/c/d%C3%A9j%C3%A0/%23%3F%25%29#L1");
	free(s);
	CHECK_INT(pir_urltmpl_repository(&b, t, "org/api"), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	CHECK_STR(b.ptr, "https://git.example.com/org/api");
	b.size = 0;
	CHECK_INT(pir_urltmpl_repository(&b, "https://h/code/{path}?rev={commit}", "x"), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	CHECK_STR(b.ptr, "https://h/code");
	pir_buf_dispose(&b);
}

static void test_redact(void)
{
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_webhook_redact(&b, "https://hooks.slack.com/services/T0/B0/secret"), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	CHECK_STR(b.ptr, "https://hooks.slack.com/\xe2\x80\xa6");
	b.size = 0;
	CHECK_INT(pir_webhook_redact(&b, "https://user:pw@h.example?sig=secret"), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	CHECK_STR(b.ptr, "https://h.example/\xe2\x80\xa6");
	b.size = 0;
	CHECK_INT(pir_webhook_redact(&b, "http://h/secret"), 0);
	CHECK_INT(pir_buf_putc(&b, '\0'), 0);
	CHECK(strstr(b.ptr, "secret") == NULL);
	pir_buf_dispose(&b);
	/* refused before anything is sent, without the URL in the message */
	pir_webhook_options o = PIR_WEBHOOK_OPTIONS_INIT;
	CHECK_INT(pir_webhook_post(&o, "http://h/secret", "{}", 2), PIR_EINVALID);
	CHECK(strstr(pir_error_last(), "secret") == NULL);
	CHECK_INT(pir_webhook_post(&o, "https://h/sec ret", "{}", 2), PIR_EINVALID);
	CHECK(strstr(pir_error_last(), "sec") == NULL);
}

/* A repository with `n` overdue entries (one team) whose titles carry markup. */
static int make_repo(git_repository *repo, size_t n)
{
	git_oid blob, tree_id, commit_id;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	pir_buf y = PIR_BUF_INIT;
	int err;

	pir_buf_puts(&y, "action_items:\n");
	for (size_t i = 0; i < n; i++)
		pir_buf_printf(
		    &y,
		    "  - id: PIR-2026-11-01-%03zu\n"
		    "    title: '<!channel> & <https://evil.example|click> *bold* "
		    "[x](https://evil.example) number %zu of a long list of things to do'\n"
		    "    owner: \"@ann\"\n    due: 2026-11-10\n    severity: high\n",
		    i + 1, i + 1);
	if ((err = git_blob_create_from_buffer(&blob, repo, y.ptr, y.size)) < 0 ||
	    (err = git_treebuilder_new(&tb, repo, NULL)) < 0 ||
	    (err = git_treebuilder_insert(NULL, tb, "action-items.yml", &blob, GIT_FILEMODE_BLOB)) <
		0 ||
	    (err = git_treebuilder_write(&tree_id, tb)) < 0 ||
	    (err = git_tree_lookup(&tree, repo, &tree_id)) < 0 ||
	    (err = git_signature_new(&sig, "Pat", "pat@example.com", 1793880000, 0)) < 0)
		goto done;
	err = git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, "items", tree, 0);
done:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	pir_buf_dispose(&y);
	return err;
}

static pir_report *scan_report(const char *dir, const char *config, pir_scan **s, pir_config **cfg)
{
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_buf errors = PIR_BUF_INIT;
	pir_report *r = NULL;

	CHECK_INT(pir_config_parse(cfg, config, strlen(config), "cfg.yml", &errors), 0);
	pir_buf_dispose(&errors);
	pir_date_parse(&o.as_of, "2026-11-22", 10);
	o.no_history = true;
	o.teams_from = *cfg;
	CHECK_INT(pir_scan_new(s, &o), 0);
	CHECK_INT(pir_scan_add_repository(*s, dir), 0);
	CHECK_INT(pir_scan_run(*s), 0);
	CHECK_INT(pir_report_new(&r, *s, &ro), 0);
	return r;
}

static const pir_json *parse(pir_arena *a, const pir_buf *b)
{
	const pir_json *j = NULL;
	int err = pir_json_parse(&j, a, b->ptr, b->size);

	CHECK_INT(err, 0);
	if (err)
		fprintf(stderr, "json: %s\n", pir_error_last());
	return j;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void check_slack(const pir_json *j, size_t nitems)
{
	const pir_json *blocks = pir_json_get(j, "blocks"), *last;
	size_t shown = 0;

	CHECK(blocks && blocks->type == PIR_JSON_ARRAY);
	if (!blocks)
		return;
	CHECK(blocks->n <= PIR_SLACK_MAX_BLOCKS);
	CHECK_STR(pir_json_get(&blocks->v[0], "type")->s, "header");
	for (size_t i = 0; i < blocks->n; i++) {
		const pir_json *t = pir_json_get(&blocks->v[i], "text");
		const char *type = pir_json_get(&blocks->v[i], "type")->s;
		if (strcmp(type, "section"))
			continue;
		CHECK(t && t->type == PIR_JSON_OBJECT);
		CHECK_STR(pir_json_get(t, "type")->s, "mrkdwn");
		CHECK(pir_json_get(t, "text")->len <= PIR_SLACK_MAX_TEXT);
		/* repository text escaped: no <!channel>, no link of its own */
		CHECK(strstr(pir_json_get(t, "text")->s, "<!channel>") == NULL);
		CHECK(strstr(pir_json_get(t, "text")->s, "<https://evil") == NULL);
		shown += count(pir_json_get(t, "text")->s, "\xe2\x80\xa2 ");
	}
	last = pir_json_get(&blocks->v[blocks->n - 1], "text");
	if (shown < nitems) {
		char more[128];
		snprintf(more, sizeof(more),
			 "\xe2\x80\xa6"
			 "and %zu more: <https://r.example/latest|the "
			 "full report>",
			 nitems - shown);
		CHECK_STR(pir_json_get(last, "text")->s, more);
	}
	CHECK(shown == nitems || shown > 20); /* a long list fills the blocks */
}

static void check_teams(const pir_json *j, const pir_buf *b, size_t nitems)
{
	const pir_json *a = pir_json_get(j, "attachments"), *card, *body;
	size_t items = 0;

	CHECK(b->size <= PIR_TEAMS_MAX_BYTES);
	CHECK(a && a->n == 1);
	if (!a || a->n != 1)
		return;
	card = pir_json_get(&a->v[0], "content");
	CHECK_STR(pir_json_get(card, "type")->s, "AdaptiveCard");
	body = pir_json_get(card, "body");
	for (size_t i = 0; body && i < body->n; i++) {
		const char *t = pir_json_get(&body->v[i], "text")->s;
		CHECK_STR(pir_json_get(&body->v[i], "type")->s, "TextBlock");
		items += !strncmp(t, "PIR-", 4);
		/* Markdown escaped: no link of the repository's own */
		CHECK(strstr(t, "[x](https://evil") == NULL);
	}
	CHECK(items > 0 && items <= 40);
	if (items < nitems) {
		char more[128];
		snprintf(more, sizeof(more),
			 "\xe2\x80\xa6"
			 "and %zu more: see the full report",
			 nitems - items);
		CHECK_STR(pir_json_get(&body->v[body->n - 1], "text")->s, more);
	}
	CHECK_STR(pir_json_get(&pir_json_get(card, "actions")->v[0], "url")->s,
		  "https://r.example/latest");
}

static void test_composers(void)
{
	static const char config[] =
	    "teams:\n  core:\n    members: ['@ann']\n"
	    "report:\n  web_url: 'https://git.example.com/{repo}/blob/{commit}/{path}#L{line}'\n"
	    "  url: 'https://r.example/latest'\n";
	static const size_t sizes[] = {3, 300};

	for (size_t k = 0; k < 2; k++) {
		char dir[] = "/tmp/pirscan-chat-XXXXXX";
		git_repository *repo = NULL;
		pir_scan *s = NULL;
		pir_config *cfg = NULL;
		pir_report *r;
		pir_buf b = PIR_BUF_INIT;
		pir_arena a;
		const pir_json *j;
		char cmd[64];

		CHECK(mkdtemp(dir) != NULL);
		CHECK_INT(git_repository_init(&repo, dir, 0), 0);
		CHECK_INT(make_repo(repo, sizes[k]), 0);
		r = scan_report(dir, config, &s, &cfg);
		CHECK_INT(pir_report_group_count(r), 1);
		a.head = NULL;

		CHECK_INT(
		    pir_report_write_chat(&b, r, 0, PIR_CHAT_SLACK, "https://r.example/latest"), 0);
		if ((j = parse(&a, &b)))
			check_slack(j, sizes[k]);
		b.size = 0;
		CHECK_INT(
		    pir_report_write_chat(&b, r, 0, PIR_CHAT_TEAMS, "https://r.example/latest"), 0);
		if ((j = parse(&a, &b)))
			check_teams(j, &b, sizes[k]);
		b.size = 0;
		CHECK_INT(pir_report_write_chat(&b, r, 0, PIR_CHAT_WEBHOOK, NULL), 0);
		if ((j = parse(&a, &b))) {
			const pir_json *od = pir_json_get(j, "overdue");
			CHECK(od && od->n == sizes[k]); /* JSON: every item, no cut */
			CHECK(pir_json_get(j, "report_url")->type == PIR_JSON_NULL);
			CHECK(!strncmp(pir_json_get(pir_json_get(&od->v[0], "location"), "url")->s,
				       "https://git.example.com/", 24));
		}
		CHECK_INT(pir_report_write_chat(&b, r, 1, PIR_CHAT_SLACK, NULL), PIR_EINVALID);
		pir_arena_dispose(&a);
		pir_buf_dispose(&b);
		pir_report_free(r);
		pir_scan_free(s);
		pir_config_free(cfg);
		git_repository_free(repo);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK_INT(system(cmd), 0);
	}
}

/* The teams' webhook keys: read, checked, never quoted; layers fill in the trusted ones. */
static void test_config(void)
{
	pir_buf e = PIR_BUF_INIT;
	pir_config *c = NULL, *host = NULL;
	static const char ok[] = "teams:\n  core:\n    slack_webhook_env: SLACK_URL\n"
				 "    teams_webhook: https://example.webhook.office.com/x/secret\n";
	static const char bad[] = "teams:\n  core:\n    webhook: http://h/secret\n"
				  "    slack_webhook: https://h/a\n    slack_webhook_env: A\n"
				  "    teams_webhook_env: 9X\n";

	CHECK_INT(pir_config_parse(&c, ok, strlen(ok), "cfg.yml", &e), 0);
	if (c) {
		const pir_team *t = pir_config_team(c, 0);
		CHECK_STR(t->chat_env[PIR_CHAT_SLACK], "SLACK_URL");
		CHECK_STR(t->chat_url[PIR_CHAT_TEAMS],
			  "https://example.webhook.office.com/x/secret");
		CHECK(t->chat_url[PIR_CHAT_WEBHOOK] == NULL &&
		      t->chat_env[PIR_CHAT_WEBHOOK] == NULL);
		CHECK_INT(t->chat_origin[PIR_CHAT_TEAMS], PIR_CONFIG_REPOSITORY);
	}
	CHECK_INT(pir_config_load_host(&host, "/nonexistent/pirscan.yml", &e), PIR_ENOTFOUND);
	e.size = 0;
	CHECK_INT(pir_config_parse(&host, "teams:\n  core:\n    webhook: https://h/w\n", 39,
				   "host.yml", &e),
		  0);
	if (c && host) {
		CHECK_INT(pir_config_add_host(c, host), 0);
		CHECK_STR(pir_config_team(c, 0)->chat_url[PIR_CHAT_WEBHOOK], "https://h/w");
	}
	pir_config_free(c);
	pir_config_free(host);
	c = NULL;
	e.size = 0;
	CHECK_INT(pir_config_parse(&c, bad, strlen(bad), "cfg.yml", &e), PIR_EINVALID);
	CHECK_INT(pir_buf_putc(&e, '\0'), 0);
	CHECK(strstr(e.ptr, "h/secret") == NULL);
	CHECK(strstr(e.ptr, "cfg.yml:3:14: 'webhook' of team \"core\" must be an https:// URL") !=
	      NULL);
	CHECK(strstr(e.ptr, "sets both 'slack_webhook' and 'slack_webhook_env'") != NULL);
	CHECK(strstr(e.ptr, "'teams_webhook_env' of team \"core\" must name an environment "
			    "variable") != NULL);
	pir_buf_dispose(&e);
	pir_config_free(c);
}

int main(void)
{
	git_libgit2_init();
	RUN(test_templates);
	RUN(test_redact);
	RUN(test_config);
	RUN(test_composers);
	git_libgit2_shutdown();
	return test_summary();
}
