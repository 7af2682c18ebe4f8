/* SPDX-License-Identifier: MIT */
/* Each key of .pirscan.yml: its reader and its checks. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "buf.h"
#include "config_int.h"
#include "extract.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

/* ---- the keys ---- */

/* One marker pattern: "default" or a pattern PCRE2 compiles (same returns as item_check). */
static int check_marker(reader *rd, const yaml_node_t *item, const char *what)
{
	pir_marker_matcher *m = NULL;
	pir_buf why = PIR_BUF_INIT;
	char *pat;
	const char *msg, *list[2];
	int err;

	(void)what;
	if (!(pat = pir_strndup(pir_yaml_text(item), pir_cfg_scalar_len(item))))
		return PIR_ENOMEM;
	list[0] = pat;
	list[1] = NULL;
	err = pir_marker_matcher_new(&m, list, 0);
	pir_marker_matcher_free(m);
	free(pat);
	if (err == PIR_ENOMEM)
		return err;
	if (err == 0)
		return 1;
	/* pcre2's reason, without the prefix that would repeat what we say */
	msg = pir_error_last() ? pir_error_last() : "";
	if (strncmp(msg, "invalid marker pattern ", 23) == 0)
		msg += 23;
	if ((err = pir_buf_term_str(&why, msg)) == 0)
		err = fail(rd, item, "'marker' is not a valid PCRE2 pattern (%s)",
			   why.ptr ? why.ptr : "");
	pir_buf_dispose(&why);
	return err < 0 ? err : 0;
}

int pir_cfg_read_marker(reader *rd, const yaml_node_t *v)
{
	int err = pir_cfg_read_list(rd, v, "'marker'", true, check_marker, &rd->cfg->markers);

	if (!err && v->type == YAML_SEQUENCE_NODE &&
	    v->data.sequence.items.top == v->data.sequence.items.start)
		err = fail(rd, v,
			   "'marker' must not be an empty list (write default for the "
			   "built-in grammar)");
	return err;
}

int pir_cfg_want_bool(reader *rd, const yaml_node_t *v, const char *what, bool *out)
{
	echo_buf e;
	int err;

	if (v->type == YAML_SCALAR_NODE && pir_cfg_is_bool(v)) {
		*out = (pir_yaml_text(v)[0] | 0x20) == 't';
		return 1;
	}
	err = fail(rd, v, "%s must be true or false, not %s", what, pir_cfg_describe(&e, v));
	return err < 0 ? err : 0;
}

/* Each item of the sequence `seq` that repeats an earlier one is an error. */
static int report_duplicates(reader *rd, const yaml_node_t *seq)
{
	const yaml_node_item_t *items = seq->data.sequence.items.start;
	size_t n = (size_t)(seq->data.sequence.items.top - items);
	echo_buf e;
	int err = 0;

	for (size_t i = 1; !err && i < n; i++) {
		const yaml_node_t *at = yaml_document_get_node(rd->doc, items[i]);

		for (size_t j = 0; at && at->type == YAML_SCALAR_NODE && j < i; j++) {
			const yaml_node_t *before = yaml_document_get_node(rd->doc, items[j]);

			if (before && before->type == YAML_SCALAR_NODE &&
			    pir_cfg_scalar_len(at) == pir_cfg_scalar_len(before) &&
			    memcmp(pir_yaml_text(at), pir_yaml_text(before),
				   pir_cfg_scalar_len(at)) == 0) {
				err = fail(
				    rd, at, "duplicate severity %s",
				    pir_cfg_echo(&e, pir_yaml_text(at), pir_cfg_scalar_len(at)));
				break;
			}
		}
	}
	return err;
}

int pir_cfg_read_severities(reader *rd, const yaml_node_t *v)
{
	char **sev;
	size_t n;
	int err;

	rd->severities = NULL;
	if (v->type == YAML_SEQUENCE_NODE &&
	    (n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)) == 0)
		return fail(rd, v, "'severities' must name at least one severity");
	if (v->type == YAML_SEQUENCE_NODE && n > PIR_SEVERITY_MAX)
		return fail(rd, v, "'severities' names %zu severities; at most %d are allowed", n,
			    PIR_SEVERITY_MAX);
	n = rd->nerrors;
	if ((err = pir_cfg_read_list(rd, v, "'severities'", false, pir_cfg_check_severity_name,
				     &sev)) < 0)
		return err;
	rd->cfg->severities = sev;
	if (v->type == YAML_SEQUENCE_NODE && (err = report_duplicates(rd, v)) < 0)
		return err;
	/* judge fail_on and stale_days by this list only when it is sound */
	if (rd->nerrors == n)
		rd->severities = (const char *const *)sev;
	return 0;
}

static int severity_rank(const reader *rd, const yaml_node_t *v)
{
	for (size_t i = 0; rd->severities[i]; i++)
		if (pir_yaml_is(v, rd->severities[i]))
			return (int)i;
	return PIR_SEVERITY_NONE;
}

int pir_cfg_read_fail_on(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int ok;

	if ((ok = pir_cfg_want_text(rd, v, "'fail_on'")) != 1)
		return ok;
	if (rd->severities && severity_rank(rd, v) == PIR_SEVERITY_NONE)
		return fail(rd, v, "'fail_on' %s is not one of the severities (%s)",
			    pir_cfg_echo(&e, pir_yaml_text(v), pir_cfg_scalar_len(v)),
			    rd->severity_list);
	if (!(rd->cfg->fail_on = pir_strndup(pir_yaml_text(v), pir_cfg_scalar_len(v))))
		return PIR_ENOMEM;
	return 0;
}

static int read_stale_pair(reader *rd, const yaml_node_t *key, const yaml_node_t *v, unsigned *seen)
{
	char what[320];
	echo_buf e;
	int rank, ok, days = 0;
	unsigned bit;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of 'stale_days' must be a severity name, not %s",
			    pir_cfg_describe(&e, key));
	if (pir_yaml_is(key, "none"))
		rank = PIR_SEVERITY_NONE;
	else if (!rd->severities)
		rank = PIR_SEVERITY_MAX; /* not judged: `severities` is wrong */
	else if ((rank = severity_rank(rd, key)) == PIR_SEVERITY_NONE)
		return fail(rd, key, "unknown key %s in 'stale_days' (expected one of %s, none)",
			    pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)),
			    rd->severity_list);
	bit = rank == PIR_SEVERITY_NONE ? 1u << PIR_SEVERITY_MAX
	      : rank < PIR_SEVERITY_MAX ? 1u << rank
					: 0;
	if (*seen & bit)
		return fail(rd, key, "duplicate key %s in 'stale_days'",
			    pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
	*seen |= bit;
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'stale_days' of %s",
		 pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
	if ((ok = pir_cfg_want_count(rd, v, what, &days)) != 1)
		return ok;
	if (rank == PIR_SEVERITY_NONE) {
		rd->cfg->stale_none = days;
		rd->cfg->stale_none_set = true;
	} else if (rank < PIR_SEVERITY_MAX) {
		rd->cfg->stale_days[rank] = days;
		rd->cfg->stale_set |= 1u << rank;
	}
	return 0;
}

int pir_cfg_read_stale_days(reader *rd, const yaml_node_t *v)
{
	unsigned seen = 0;
	echo_buf e;
	int err = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'stale_days' must be a mapping of severity to days, not %s",
			    pir_cfg_describe(&e, v));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     !err && p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = pir_cfg_node_at(rd, p->key),
				  *value = pir_cfg_node_at(rd, p->value);

		if (key && value)
			err = read_stale_pair(rd, key, value, &seen);
	}
	return err;
}

/* The bit of a reason name, or 0. */
static unsigned reason_bit(const char *name)
{
	for (unsigned b = 0; b < 32; b++) {
		const char *known = pir_reason_name(1u << b);

		if (known && strcmp(known, name) == 0)
			return 1u << b;
	}
	return 0;
}

char *pir_cfg_reason_list(void)
{
	const char *names[34];
	size_t n = 0;

	for (unsigned b = 0; b < 32; b++)
		if (pir_reason_name(1u << b))
			names[n++] = pir_reason_name(1u << b);
	names[n] = NULL;
	return pir_cfg_join(names);
}

static int check_reason(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	(void)what;
	if (reason_bit(pir_yaml_text(item)))
		return 1;
	err =
	    fail(rd, item, "unknown reason %s in 'fail_on_reasons' (expected one of %s)",
		 pir_cfg_echo(&e, pir_yaml_text(item), pir_cfg_scalar_len(item)), rd->reason_list);
	return err < 0 ? err : 0;
}

int pir_cfg_read_fail_on_reasons(reader *rd, const yaml_node_t *v)
{
	char **names = NULL;
	int err;

	if ((err = pir_cfg_read_list(rd, v, "'fail_on_reasons'", false, check_reason, &names)) < 0)
		return err;
	for (size_t i = 0; names[i]; i++)
		rd->cfg->fail_reasons |= reason_bit(names[i]);
	pir_cfg_strv_free(names);
	return 0;
}

int pir_cfg_read_fail_on_invalid(reader *rd, const yaml_node_t *v)
{
	echo_buf e;

	if (v->type != YAML_SCALAR_NODE || !pir_cfg_is_bool(v))
		return fail(rd, v, "'fail_on_invalid' must be true or false, not %s",
			    pir_cfg_describe(&e, v));
	rd->cfg->fail_on_invalid = pir_yaml_text(v)[0] == 't' || pir_yaml_text(v)[0] == 'T';
	if (!rd->cfg->fail_on_invalid && (rd->cfg->fail_reasons & PIR_REASON_INVALID))
		return fail(rd, v,
			    "'fail_on_invalid' is false but 'fail_on_reasons' lists invalid");
	return 0;
}

int pir_cfg_read_as_of(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int ok;

	if ((ok = pir_cfg_want_string(rd, v, "'as_of'")) != 1)
		return ok;
	if (pir_date_parse(&rd->cfg->as_of, pir_yaml_text(v), pir_cfg_scalar_len(v)) == 0)
		return 0;
	rd->cfg->as_of = PIR_DATE_NONE;
	return fail(rd, v, "'as_of' must be a date (YYYY-MM-DD), not %s", pir_cfg_describe(&e, v));
}

/* ---- teams ---- */

static int read_team_pair(reader *rd, pir_team *t, const char *team_echo, const yaml_node_t *key,
			  const yaml_node_t *v, unsigned *seen)
{
	char what[420]; /* "'members' of team " and an echo of up to 367 bytes */
	char **list = NULL;
	echo_buf e;
	int k, err;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of team %s must be a string, not %s", team_echo,
			    pir_cfg_describe(&e, key));
	k = pir_yaml_is(key, "email") ? 0 : pir_yaml_is(key, "members") ? 1 : -1;
	if (k < 0 && (err = pir_cfg_read_team_chat(rd, t, team_echo, key, v, seen)) != 1)
		return err;
	if (k < 0)
		return fail(rd, key,
			    "unknown key %s in team %s (expected email, members, slack_webhook, "
			    "teams_webhook or webhook, or one of them with _env)",
			    pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)),
			    team_echo);
	if (*seen & (1u << k))
		return fail(rd, key, "duplicate key \"%s\" in team %s", k ? "members" : "email",
			    team_echo);
	*seen |= 1u << k;
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'%s' of team %s", k ? "members" : "email", team_echo);
	if ((err = pir_cfg_read_list(rd, v, what, k == 0, k ? NULL : pir_cfg_check_email, &list)) <
	    0)
		return err;
	if (k) {
		pir_cfg_strv_free((char **)t->members);
		t->members = (const char *const *)list;
	} else {
		pir_cfg_strv_free((char **)t->email);
		t->email = (const char *const *)list;
	}
	return 0;
}

static int read_team(reader *rd, const yaml_node_t *key, const yaml_node_t *v)
{
	pir_config *cfg = rd->cfg;
	strlist empty = {NULL, 0, 0};
	unsigned seen = 0;
	pir_team *t;
	echo_buf e;
	char team_echo[sizeof(e.s)];
	int err = 0;

	snprintf(team_echo, sizeof(team_echo), "%s",
		 pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
	if (pir_grow((void **)&cfg->teams, &cfg->teams_cap, cfg->nteams + 1, sizeof(*cfg->teams)) <
	    0)
		return PIR_ENOMEM;
	t = &cfg->teams[cfg->nteams++];
	memset(t, 0, sizeof(*t));
	if (!(t->name = pir_strndup(pir_yaml_text(key), pir_cfg_scalar_len(key))))
		return PIR_ENOMEM;
	if (v->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     !err && p < v->data.mapping.pairs.top; p++) {
			const yaml_node_t *k = pir_cfg_node_at(rd, p->key),
					  *val = pir_cfg_node_at(rd, p->value);

			if (k && val)
				err = read_team_pair(rd, t, team_echo, k, val, &seen);
		}
	} else if (!pir_yaml_is_null(v)) {
		err = fail(rd, v, "team %s must be a mapping with email and members, not %s",
			   team_echo, pir_cfg_describe(&e, v));
	}
	if (!err && !t->email && !(t->email = (const char *const *)pir_cfg_strlist_finish(&empty)))
		err = PIR_ENOMEM;
	empty = (strlist){NULL, 0, 0};
	if (!err && !t->members &&
	    !(t->members = (const char *const *)pir_cfg_strlist_finish(&empty)))
		err = PIR_ENOMEM;
	return err;
}

int pir_cfg_read_teams(reader *rd, const yaml_node_t *v)
{
	const yaml_node_pair_t *pairs;
	bool *dup = NULL;
	echo_buf e;
	int err, ok;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'teams' must be a mapping of team names, not %s",
			    pir_cfg_describe(&e, v));
	pairs = v->data.mapping.pairs.start;
	if ((err = pir_yaml_find_duplicates(&dup, rd->doc, v)) < 0)
		return err;
	for (size_t i = 0; !err && pairs + i < v->data.mapping.pairs.top; i++) {
		const yaml_node_t *key = pir_cfg_node_at(rd, pairs[i].key);
		const yaml_node_t *value = pir_cfg_node_at(rd, pairs[i].value);

		if (!key || !value)
			continue;
		if ((ok = pir_cfg_want_text(rd, key, "a team name")) != 1)
			err = ok < 0 ? ok : 0;
		else if (dup[i])
			err = fail(rd, key, "duplicate team %s",
				   pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
		else
			err = read_team(rd, key, value);
	}
	free(dup);
	return err;
}

/* ---- report ---- */

static int read_report_pair(reader *rd, const yaml_node_t *key, const yaml_node_t *v)
{
	char what[64];
	echo_buf e;
	int k = -1, ok;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of 'report' must be a string, not %s",
			    pir_cfg_describe(&e, key));
	for (int i = 0; i < R_COUNT; i++)
		if (pir_yaml_is(key, pir_cfg_report_keys[i]))
			k = i;
	if (k < 0)
		return fail(rd, key,
			    "unknown key %s in 'report' (expected from, smtp_url, smtp_user, "
			    "smtp_timeout, web_url or url)",
			    pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
	if (rd->cfg->report[k])
		return fail(rd, key, "duplicate key \"%s\" in 'report'", pir_cfg_report_keys[k]);
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'report.%s'", pir_cfg_report_keys[k]);
	if (k == R_SMTP_TIMEOUT) {
		int seconds = 0;

		if ((ok = pir_cfg_want_count(rd, v, what, &seconds)) != 1)
			return ok;
		if (seconds < 1 || seconds > MAX_SMTP_TIMEOUT)
			return fail(
			    rd, v, "%s must be from 1 to " STR(MAX_SMTP_TIMEOUT) " seconds, not %d",
			    what, seconds);
	} else if ((ok = pir_cfg_want_text(rd, v, what)) != 1) {
		return ok;
	} else if ((k == R_WEB_URL || k == R_URL) &&
		   (ok = pir_cfg_check_link(rd, v, what, k == R_WEB_URL)) != 1) {
		return ok;
	}
	if (!(rd->cfg->report[k] = pir_strndup(pir_yaml_text(v), pir_cfg_scalar_len(v))))
		return PIR_ENOMEM;
	rd->cfg->report_origin[k] = rd->cfg->origin;
	return 0;
}

int pir_cfg_read_report(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int err = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'report' must be a mapping, not %s", pir_cfg_describe(&e, v));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     !err && p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = pir_cfg_node_at(rd, p->key),
				  *value = pir_cfg_node_at(rd, p->value);

		if (key && value)
			err = read_report_pair(rd, key, value);
	}
	return err;
}
