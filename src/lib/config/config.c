/* SPDX-License-Identifier: MIT */
/*
 * .pirscan.yml: a repository's policy, read with libyaml's document loader
 * and checked strictly. Unlike an action-items file, a configuration is
 * all or nothing: every problem is collected (each at the node at fault, as
 * "name:line:column: message"), and any problem makes the whole file invalid,
 * so a typo never silently weakens the CI gate.
 *
 * The file may come from the tree of a repository being scanned, so it is
 * hostile until proven otherwise: the same preflight as the action-items
 * loader refuses documents that would make libyaml slow, and every node the
 * reader visits is charged to a budget proportional to the input, which bounds
 * what aliases can make it do. The reader itself never goes deeper than
 * teams.NAME.email[i].
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "buf.h"
#include "config_int.h"
#include "error.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

const char *const pir_cfg_top_keys[K_COUNT] = {
    "marker",
    "item_files",
    "severities",
    "stale_days",
    "fail_on",
    "fail_on_reasons",
    "fail_on_invalid",
    "grace",
    "warn_within",
    "max_slips",
    "exclude",
    "as_of",
    "teams",
    "report",
    "marker_require_reference",
    "postmortem_files",
    "severity_from_incident", /* issue 12 */
};

const char *const pir_cfg_report_keys[R_COUNT] = {"from",	  "smtp_url", "smtp_user",
						  "smtp_timeout", "web_url",  "url"};

/* ---- positions and messages ---- */

int pir_cfg_fail_at(reader *rd, unsigned line, unsigned column, const char *fmt, ...)
{
	char small[256], *msg = small;
	va_list ap;
	int n, err;

	rd->nerrors++;
	if (rd->errs.n >= MAX_ERRORS) {
		if (!rd->dropped++) {
			rd->dropped_line = line;
			rd->dropped_col = column;
		}
		return 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return pir_error_set(PIR_ERROR, "cannot format a message");
	if ((size_t)n >= sizeof(small)) {
		if (!(msg = pir_malloc((size_t)n + 1)))
			return PIR_ENOMEM;
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	err = pir_fdiag_add(&rd->errs, PIR_DIAG_ERROR, "config", line, column, "%s", msg);
	if (msg != small)
		free(msg);
	return err;
}

const char *pir_cfg_echo(echo_buf *e, const char *s, size_t len)
{
	pir_buf out = PIR_BUF_INIT;

	snprintf(e->s, sizeof(e->s), "\"?\"");
	if (pir_buf_putc(&out, '"') == 0 && pir_yaml_put_echo(&out, s, len) == 0 &&
	    pir_buf_putc(&out, '"') == 0)
		snprintf(e->s, sizeof(e->s), "%s", out.ptr);
	pir_buf_dispose(&out);
	return e->s;
}

static const char *const bool_words[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};

size_t pir_cfg_scalar_len(const yaml_node_t *node)
{
	return node->data.scalar.length;
}

bool pir_cfg_is_bool(const yaml_node_t *node)
{
	return pir_yaml_plain_is_one_of(node, bool_words);
}

const char *pir_cfg_describe(echo_buf *e, const yaml_node_t *node)
{
	char quoted[PIR_YAML_ECHO_MAX * 5]; /* an echo takes at most 4 bytes a byte, plus 6 */

	switch (node->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SCALAR_NODE:
		break;
	default:
		return "an empty node";
	}
	if (pir_yaml_is_null(node))
		return "null";
	snprintf(quoted, sizeof(quoted), "%s",
		 pir_cfg_echo(e, pir_yaml_text(node), pir_cfg_scalar_len(node)));
	if (pir_cfg_is_bool(node))
		snprintf(e->s, sizeof(e->s), "the boolean %s", pir_yaml_text(node));
	else if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		snprintf(e->s, sizeof(e->s), "the string %s", quoted);
	else
		snprintf(e->s, sizeof(e->s), "%s", quoted);
	return e->s;
}

const yaml_node_t *pir_cfg_node_at(reader *rd, int index)
{
	const yaml_node_t *node = yaml_document_get_node(rd->doc, index);
	size_t cost;

	if (!node || rd->exhausted)
		return NULL;
	cost = 1 + (node->type == YAML_SCALAR_NODE ? pir_cfg_scalar_len(node) : 0);
	if (cost > rd->budget) {
		rd->exhausted = true;
		return NULL;
	}
	rd->budget -= cost;
	return node;
}

/* ---- owned string lists ---- */

int pir_cfg_strlist_add(strlist *l, const char *s, size_t len)
{
	if (pir_grow((void **)&l->v, &l->cap, l->n + 2, sizeof(*l->v)) < 0)
		return PIR_ENOMEM;
	if (!(l->v[l->n] = pir_strndup(s, len)))
		return PIR_ENOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

char **pir_cfg_strlist_finish(strlist *l)
{
	if (!l->v && pir_grow((void **)&l->v, &l->cap, 1, sizeof(*l->v)) == 0)
		l->v[0] = NULL;
	return l->v;
}

void pir_cfg_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char *pir_cfg_join(const char *const *words)
{
	pir_buf b = PIR_BUF_INIT;
	int err = pir_buf_puts(&b, "");

	for (size_t i = 0; !err && words[i]; i++) {
		if (i)
			err = pir_buf_puts(&b, ", ");
		if (!err)
			err = pir_buf_term_str(&b, words[i]);
	}
	if (err) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

/* ---- scalar values ---- */

int pir_cfg_want_string(reader *rd, const yaml_node_t *v, const char *what)
{
	echo_buf e;

	if (v->type != YAML_SCALAR_NODE || pir_yaml_is_null(v) || pir_cfg_is_bool(v)) {
		int err = fail(rd, v, "%s must be a string, not %s", what, pir_cfg_describe(&e, v));
		return err < 0 ? err : 0;
	}
	if (memchr(pir_yaml_text(v), '\0', pir_cfg_scalar_len(v))) {
		int err = fail(rd, v, "%s contains a NUL character", what);
		return err < 0 ? err : 0;
	}
	return 1;
}

int pir_cfg_want_text(reader *rd, const yaml_node_t *v, const char *what)
{
	int ok = pir_cfg_want_string(rd, v, what);

	if (ok == 1 && pir_cfg_scalar_len(v) == 0) {
		int err = fail(rd, v, "%s must not be empty", what);
		return err < 0 ? err : 0;
	}
	return ok;
}

int pir_cfg_want_count(reader *rd, const yaml_node_t *v, const char *what, int *out)
{
	const char *s;
	size_t len, i = 0;
	long value = 0;
	echo_buf e;
	int err;

	if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    pir_yaml_is_null(v) || pir_cfg_is_bool(v))
		goto bad;
	s = pir_yaml_text(v);
	len = pir_cfg_scalar_len(v);
	if (len && s[0] == '+')
		i++;
	if (i == len || (s[i] == '0' && len - i > 1))
		goto bad;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (value <= MAX_DAYS)
			value = value * 10 + (s[i] - '0');
	}
	if (value > MAX_DAYS) {
		err = fail(rd, v, "%s must be at most " STR(MAX_DAYS) ", not %s", what,
			   pir_cfg_describe(&e, v));
		return err < 0 ? err : 0;
	}
	*out = (int)value;
	return 1;
bad:
	err =
	    fail(rd, v, "%s must be a non-negative integer, not %s", what, pir_cfg_describe(&e, v));
	return err < 0 ? err : 0;
}

/* ---- lists of strings ---- */

/* Checks one item of a list: 1 to keep it, 0 after an error, or PIR_ENOMEM. */

int pir_cfg_read_list(reader *rd, const yaml_node_t *v, const char *what, bool scalar_ok,
		      item_check check, char ***out)
{
	strlist l = {NULL, 0, 0};
	char item_what[400];
	echo_buf e;
	int err = 0, ok;

	snprintf(item_what, sizeof(item_what), "an item of %s", what);
	if (scalar_ok && v->type == YAML_SCALAR_NODE) {
		if ((ok = pir_cfg_want_text(rd, v, what)) == 1 && check)
			ok = check(rd, v, what);
		if (ok == 1)
			err = pir_cfg_strlist_add(&l, pir_yaml_text(v), pir_cfg_scalar_len(v));
		err = ok < 0 ? ok : err;
	} else if (v->type != YAML_SEQUENCE_NODE) {
		err = fail(rd, v, "%s must be a list%s, not %s", what,
			   scalar_ok ? " or a string" : "", pir_cfg_describe(&e, v));
	} else {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     !err && it < v->data.sequence.items.top; it++) {
			const yaml_node_t *item = pir_cfg_node_at(rd, *it);

			if (!item)
				continue;
			if ((ok = pir_cfg_want_text(rd, item, item_what)) == 1 && check)
				ok = check(rd, item, item_what);
			if (ok == 1)
				err = pir_cfg_strlist_add(&l, pir_yaml_text(item),
							  pir_cfg_scalar_len(item));
			else if (ok < 0)
				err = ok;
		}
	}
	if (!err && !pir_cfg_strlist_finish(&l))
		err = PIR_ENOMEM;
	if (err) {
		pir_cfg_strv_free(l.v);
		return err;
	}
	*out = l.v;
	return 0;
}

int pir_cfg_check_basename(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	if (!memchr(pir_yaml_text(item), '/', pir_cfg_scalar_len(item)))
		return 1;
	err = fail(rd, item, "%s must be a file name without '/', not %s", what,
		   pir_cfg_describe(&e, item));
	return err < 0 ? err : 0;
}

int pir_cfg_check_severity_name(reader *rd, const yaml_node_t *item, const char *what)
{
	const char *s = pir_yaml_text(item);
	size_t len = pir_cfg_scalar_len(item);
	echo_buf e;
	int err = 1;

	(void)what;
	if (pir_yaml_is(item, "none"))
		err = fail(rd, item, "severity \"none\" is reserved (it stands for no severity)");
	for (size_t i = 0; err == 1 && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			err = fail(rd, item, "severity %s must be lower-case",
				   pir_cfg_echo(&e, s, len));
		else if (c < 0x20 || c == 0x7f)
			err = fail(rd, item, "severity %s contains a control character",
				   pir_cfg_echo(&e, s, len));
	}
	return err == 1 ? 1 : err < 0 ? err : 0;
}

static bool is_email(const char *s, size_t len)
{
	size_t at = len;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
		if (c == '@')
			at = i;
	}
	return at > 0 && at + 1 < len;
}

int pir_cfg_check_email(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	if (is_email(pir_yaml_text(item), pir_cfg_scalar_len(item)))
		return 1;
	err = fail(rd, item, "%s: %s is not an email address", what,
		   pir_cfg_echo(&e, pir_yaml_text(item), pir_cfg_scalar_len(item)));
	return err < 0 ? err : 0;
}

void pir_cfg_team_clear(pir_team *t)
{
	free((char *)t->name);
	pir_cfg_strv_free((char **)t->email);
	pir_cfg_strv_free((char **)t->members);
	for (int k = 0; k < PIR_CHAT_COUNT; k++) { /* config_chat.c's keys */
		free((char *)t->chat_url[k]);
		free((char *)t->chat_env[k]);
	}
}

void pir_config_free(pir_config *config)
{
	if (!config)
		return;
	pir_cfg_strv_free(config->markers);
	pir_cfg_strv_free(config->item_files);
	pir_cfg_strv_free(config->severities);
	pir_cfg_strv_free(config->exclude);
	pir_cfg_strv_free(config->postmortem_files);
	pir_cfg_strv_free(config->severity_from_incident);
	free(config->fail_on);
	for (size_t i = 0; i < config->nteams; i++)
		pir_cfg_team_clear(&config->teams[i]);
	free(config->teams);
	for (size_t i = 0; i < R_COUNT; i++)
		free(config->report[i]);
	free(config);
}
