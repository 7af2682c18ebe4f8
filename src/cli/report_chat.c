/* SPDX-License-Identifier: MIT */
/*
 * pirscan report, team chat (issue 12): each team's Slack, Teams and
 * generic webhooks, from trusted configuration files or the environment
 * variables they name, never from the command line; the payloads on
 * stdout with --format slack, teams or webhook. No message names a URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_chat.h"

static const char *const kind_key[PIR_CHAT_COUNT] = {"slack_webhook", "teams_webhook", "webhook"};

int cli_chat_format(const char *name, pir_chat_kind *out)
{
	for (int k = 0; k < PIR_CHAT_COUNT; k++)
		if (!strcmp(name, pir_chat_kind_name((pir_chat_kind)k))) {
			*out = (pir_chat_kind)k;
			return 0;
		}
	return -1;
}

static const char *report_url(const pir_config *cfg)
{
	return pir_config_report_setting(cfg, "url");
}

int cli_chat_print(const pir_report *report, const pir_config *cfg, pir_chat_kind kind)
{
	pir_buf out = PIR_BUF_INIT;
	int err = 0;

	for (size_t i = 0; i < pir_report_group_count(report) && !err; i++)
		err = pir_report_write_chat(&out, report, i, kind, report_url(cfg));
	if (err < 0) {
		pir_buf_dispose(&out);
		return cli_fail(err, NULL);
	}
	err = cli_write(&out);
	pir_buf_dispose(&out);
	return err;
}

static const pir_team *team_named(const pir_config *cfg, const char *name)
{
	for (size_t i = 0; i < pir_config_team_count(cfg); i++)
		if (!strcmp(pir_config_team(cfg, i)->name, name))
			return pir_config_team(cfg, i);
	return NULL;
}

bool cli_chat_any(const pir_config *cfg, const char *group)
{
	const pir_team *t = team_named(cfg, group);

	for (int k = 0; t && k < PIR_CHAT_COUNT; k++)
		if ((t->chat_url[k] || t->chat_env[k]) &&
		    t->chat_origin[k] != PIR_CONFIG_REPOSITORY)
			return true;
	return false;
}

/* `s` for a terminal, into a fresh string ("" when out of memory: for messages only). */
static char *shown(const char *s)
{
	pir_buf b = PIR_BUF_INIT;
	char *r = pir_format_term_str(&b, s) == 0 && b.ptr ? strdup(b.ptr) : NULL;

	pir_buf_dispose(&b);
	return r ? r : strdup("");
}

/* "payments slack (why)" appended to the list `*l`, ", " between. */
static void add(char **l, const char *group, pir_chat_kind k, const char *why)
{
	char *g = shown(group), *w = why ? shown(why) : NULL;
	size_t old = *l ? strlen(*l) : 0;
	size_t need = old + (g ? strlen(g) : 0) + (w ? strlen(w) : 0) + 32;
	char *p = realloc(*l, need);

	if (p) {
		snprintf(p + old, need - old, "%s%s %s%s%s%s", old ? ", " : "", g ? g : "",
			 pir_chat_kind_name(k), w ? " (" : "", w ? w : "", w ? ")" : "");
		*l = p;
	}
	free(g);
	free(w);
}

/* The URL of one webhook, or NULL with *why saying why not. */
static const char *hook_url(const pir_team *t, pir_chat_kind k, char *why, size_t n, bool quiet)
{
	const char *url;

	if (t->chat_origin[k] == PIR_CONFIG_REPOSITORY) {
		if (!quiet) {
			char *name = shown(t->name);
			fprintf(
			    stderr,
			    "pirscan: note: team %s: %s from the repository's .pirscan.yml is not "
			    "used (a webhook URL is a secret); set it in /etc/pirscan/config.yml, "
			    "~/.config/pirscan/config.yml or --config FILE\n",
			    name ? name : "", kind_key[k]);
			free(name);
		}
		return NULL;
	}
	if (t->chat_url[k])
		return t->chat_url[k];
	if (!(url = getenv(t->chat_env[k])) || !*url) {
		snprintf(why, n, "$%s is not set", t->chat_env[k]);
		return NULL;
	}
	return url;
}

void cli_chat_send(const pir_report *report, size_t group, const pir_config *cfg,
		   const pir_webhook_options *wo, bool quiet, cli_chat_tally *tally)
{
	const pir_report_group *g = pir_report_group_at(report, group);
	const pir_team *t = team_named(cfg, g->name);
	pir_buf payload = PIR_BUF_INIT;

	for (int k = 0; t && k < PIR_CHAT_COUNT; k++) {
		char why[160] = "";
		const char *url, *msg;
		char *name, *m;
		int err = 0;

		if (!t->chat_url[k] && !t->chat_env[k])
			continue;
		if (!(url = hook_url(t, (pir_chat_kind)k, why, sizeof(why), quiet)) && !why[0])
			continue;
		tally->attempted++;
		payload.size = 0;
		if (url && (err = pir_report_write_chat(&payload, report, group, (pir_chat_kind)k,
							report_url(cfg))) == 0)
			err = pir_webhook_post(wo, url, payload.ptr, payload.size);
		if (!url || err < 0) {
			/* the library's messages show the host only; `why` names a variable */
			msg = !url ? why : pir_error_last() ? pir_error_last() : "unknown error";
			name = shown(g->name);
			m = shown(msg);
			fprintf(stderr, "pirscan: %s: %s: %s\n", name ? name : "",
				pir_chat_kind_name((pir_chat_kind)k), m ? m : "");
			free(name);
			free(m);
			add(&tally->failed, g->name, (pir_chat_kind)k, msg);
			continue;
		}
		tally->sent++;
		add(&tally->went, g->name, (pir_chat_kind)k, NULL);
	}
	pir_buf_dispose(&payload);
}
