/* SPDX-License-Identifier: MIT */
/*
 * Links and team chat (issue 12): report.web_url, report.url, and each
 * team's webhooks. A webhook URL is a secret: no message here quotes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "config_int.h"
#include "error.h"
#include "pirscan/config.h"
#include "urltmpl.h"
#include "yaml_util.h"

static const char *const chat_keys[PIR_CHAT_COUNT] = {"slack_webhook", "teams_webhook", "webhook"};

int pir_cfg_check_link(reader *rd, const yaml_node_t *v, const char *what, bool is_template)
{
	char *s = pir_strndup(pir_yaml_text(v), pir_cfg_scalar_len(v));
	int err;

	if (!s)
		return PIR_ENOMEM;
	err = pir_urltmpl_check(s);
	if (!err && !is_template && strchr(s, '{'))
		err = pir_error_set(PIR_EINVALID, "takes no placeholder");
	free(s);
	if (!err)
		return 1;
	err = fail(rd, v, "%s %s", what, pir_error_last() ? pir_error_last() : "is not a URL");
	return err < 0 ? err : 0;
}

/* A webhook's URL: an https:// URL, never quoted in a message (same returns as want_string). */
static int check_webhook_url(reader *rd, const yaml_node_t *v, const char *what)
{
	size_t len = pir_cfg_scalar_len(v);
	const char *s = pir_yaml_text(v);
	int err;

	if (v->type != YAML_SCALAR_NODE || len < 9 || memchr(s, '\0', len) ||
	    strncmp(s, "https://", 8) || s[8] == '/') {
		err = fail(rd, v, "%s must be an https:// URL (not quoted here: it is a secret)",
			   what);
		return err < 0 ? err : 0;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f) {
			err = fail(rd, v, "%s has a space or a control character", what);
			return err < 0 ? err : 0;
		}
	return 1;
}

/* An environment variable's name: [A-Za-z_][A-Za-z0-9_]* (same returns as want_string). */
static int check_env_name(reader *rd, const yaml_node_t *v, const char *what)
{
	size_t len = pir_cfg_scalar_len(v);
	const char *s = pir_yaml_text(v);
	echo_buf e;
	int ok, err;

	if ((ok = pir_cfg_want_text(rd, v, what)) != 1)
		return ok;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
		      (i && c >= '0' && c <= '9'))) {
			err = fail(rd, v, "%s must name an environment variable, not %s", what,
				   pir_cfg_echo(&e, s, len));
			return err < 0 ? err : 0;
		}
	}
	return 1;
}

int pir_cfg_read_team_chat(reader *rd, pir_team *t, const char *team_echo, const yaml_node_t *key,
			   const yaml_node_t *v, unsigned *seen)
{
	char what[440];
	int k = -1, env = 0, ok;
	unsigned bit;

	for (int i = 0; i < PIR_CHAT_COUNT && k < 0; i++) {
		size_t n = strlen(chat_keys[i]);
		if (pir_yaml_is(key, chat_keys[i]))
			k = i;
		else if (pir_cfg_scalar_len(key) == n + 4 &&
			 !strncmp(pir_yaml_text(key), chat_keys[i], n) &&
			 !strcmp(pir_yaml_text(key) + n, "_env"))
			k = i, env = 1;
	}
	if (k < 0)
		return 1;
	snprintf(what, sizeof(what), "'%s%s' of team %s", chat_keys[k], env ? "_env" : "",
		 team_echo);
	bit = 1u << (8 + 2 * k + env);
	if (*seen & bit)
		return fail(rd, key, "duplicate key %s", what);
	*seen |= bit;
	if (pir_yaml_is_null(v))
		return 0;
	if ((ok = env ? check_env_name(rd, v, what) : check_webhook_url(rd, v, what)) != 1)
		return ok;
	if (*seen & (1u << (8 + 2 * k + !env)))
		return fail(rd, key, "team %s sets both '%s' and '%s_env': give one", team_echo,
			    chat_keys[k], chat_keys[k]);
	if (!((env ? t->chat_env : t->chat_url)[k] =
		  pir_strndup(pir_yaml_text(v), pir_cfg_scalar_len(v))))
		return PIR_ENOMEM;
	t->chat_origin[k] = rd->cfg->origin;
	return 0;
}

int pir_cfg_team_chat_fill(pir_team *t, const pir_team *from)
{
	for (int k = 0; k < PIR_CHAT_COUNT; k++) {
		bool has = t->chat_url[k] || t->chat_env[k];

		if (!(from->chat_url[k] || from->chat_env[k]) ||
		    (has && t->chat_origin[k] != PIR_CONFIG_REPOSITORY))
			continue;
		free((char *)t->chat_url[k]);
		free((char *)t->chat_env[k]);
		t->chat_url[k] = from->chat_url[k] ? pir_strdup(from->chat_url[k]) : NULL;
		t->chat_env[k] = from->chat_env[k] ? pir_strdup(from->chat_env[k]) : NULL;
		t->chat_origin[k] = from->chat_origin[k];
		if ((from->chat_url[k] && !t->chat_url[k]) ||
		    (from->chat_env[k] && !t->chat_env[k]))
			return PIR_ENOMEM;
	}
	return 0;
}
