/* SPDX-License-Identifier: MIT */
/* What config.c (the reader), config_keys.c (each key) and config_load.c (files, layers) share. */
#ifndef PIRSCAN_CONFIG_INT_H
#define PIRSCAN_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "alloc.h"
#include "model.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

/* Nesting, anchors and echoes are held to yaml_util.h's limits (PIR_YAML_*). */
/* Day counts above this are refused: dates plus it stay far from overflow. */
#define MAX_DAYS 1000000
/* Errors kept; past this, they are only counted (a hostile file could have millions). */
#define MAX_ERRORS 1000
/* A configuration larger than this is refused unread. */
#define MAX_SIZE (1024 * 1024)
#define CONFIG_FILE ".pirscan.yml"

#define STR_(x) #x
#define STR(x) STR_(x)

enum top_key {
	K_MARKER,
	K_ITEM_FILES,
	K_SEVERITIES,
	K_STALE_DAYS,
	K_FAIL_ON,
	K_FAIL_ON_REASONS,
	K_FAIL_ON_INVALID,
	K_GRACE,
	K_WARN_WITHIN,
	K_MAX_SLIPS,
	K_EXCLUDE,
	K_AS_OF,
	K_TEAMS,
	K_REPORT,
	K_MARKER_REQUIRE_REFERENCE,
	/* issue 12, postmortem documents */
	K_POSTMORTEM_FILES,
	K_SEVERITY_FROM_INCIDENT,
	K_COUNT
};

extern const char *const pir_cfg_top_keys[K_COUNT];

enum report_key {
	R_FROM,
	R_SMTP_URL,
	R_SMTP_USER,
	R_SMTP_TIMEOUT,
	/* links and team chat (issue 12) */
	R_WEB_URL,
	R_URL,
	R_COUNT
};

extern const char *const pir_cfg_report_keys[R_COUNT];

/* The longest SMTP delivery report.smtp_timeout may allow, in seconds. */
#define MAX_SMTP_TIMEOUT 86400

struct pir_config {
	unsigned set; /* bit per top_key given a (non-null) value */
	char **markers;
	bool marker_require_reference;
	char **item_files; /* NULL-terminated, like the other lists */
	char **severities;
	char **exclude;
	char **postmortem_files; /* globs of the postmortem documents */
	/* an incident's severity (lower-cased) and the severity it gives, pair after pair */
	char **severity_from_incident;
	int stale_days[PIR_SEVERITY_MAX];
	unsigned stale_set; /* bit per rank */
	int stale_none;
	bool stale_none_set;
	char *fail_on;
	unsigned fail_reasons;
	bool fail_on_invalid;
	int grace, warn_within, max_slips;
	pir_date as_of;
	pir_team *teams;
	size_t nteams, teams_cap;
	char *report[R_COUNT];
	pir_config_origin origin;
	pir_config_origin report_origin[R_COUNT]; /* where each report value came from */
};

typedef struct {
	pir_config *cfg;
	yaml_document_t *doc;
	pir_fdiag_list errs;
	size_t nerrors;			    /* errors found */
	size_t dropped;			    /* errors past MAX_ERRORS */
	unsigned dropped_line, dropped_col; /* where the first of them is */
	size_t budget;			    /* nodes and scalar bytes the reader may still visit */
	bool exhausted;
	/* what fail_on and stale_days are checked against; NULL when `severities` is invalid */
	const char *const *severities;
	char *severity_list; /* "critical, high, medium, low" */
	char *reason_list;
} reader;

/* A value quoted for a one-line message: cut at PIR_YAML_ECHO_MAX bytes on a
 * character boundary, control characters escaped. */
typedef struct {
	char s[PIR_YAML_ECHO_MAX * 6 + 8];
} echo_buf;

typedef struct {
	char **v;
	size_t n, cap;
} strlist;

typedef int (*item_check)(reader *rd, const yaml_node_t *item, const char *what);

int pir_cfg_fail_at(reader *rd, unsigned line, unsigned column, const char *fmt, ...)
    PIR_PRINTF(4, 5);
const char *pir_cfg_echo(echo_buf *e, const char *s, size_t len);
/* What a node is, for "must be X, not Y". */
const char *pir_cfg_describe(echo_buf *e, const yaml_node_t *node);
size_t pir_cfg_scalar_len(const yaml_node_t *node);
/* A plain true or false, in any of YAML 1.2's spellings. */
bool pir_cfg_is_bool(const yaml_node_t *node);
/* The node at `index`, charged to the budget; NULL once the budget is spent. */
const yaml_node_t *pir_cfg_node_at(reader *rd, int index);
int pir_cfg_strlist_add(strlist *l, const char *s, size_t len);
/* The list as a NULL-terminated array, empty when nothing was added. */
char **pir_cfg_strlist_finish(strlist *l);
void pir_cfg_strv_free(char **v);
/* `words` joined by ", ", each escaped for a terminal (they go into messages); NULL on ENOMEM. */
char *pir_cfg_join(const char *const *words);
/*
 * A string value: a scalar that is neither null nor a boolean and holds no
 * NUL. Returns 1 when it is one, 0 after an error, or PIR_ENOMEM.
 */
int pir_cfg_want_string(reader *rd, const yaml_node_t *v, const char *what);
/* A non-empty string value; same returns as want_string. */
int pir_cfg_want_text(reader *rd, const yaml_node_t *v, const char *what);
/* A plain decimal integer from 0 to MAX_DAYS; same returns as want_string. */
int pir_cfg_want_count(reader *rd, const yaml_node_t *v, const char *what, int *out);
/*
 * A list of strings into `*out` (NULL-terminated, owned): every item is a
 * non-empty string accepted by `check` (if any). With `scalar_ok`, a single
 * string stands for a list of one. Returns 0 (errors recorded) or PIR_ENOMEM.
 */
int pir_cfg_read_list(reader *rd, const yaml_node_t *v, const char *what, bool scalar_ok,
		      item_check check, char ***out);
int pir_cfg_check_basename(reader *rd, const yaml_node_t *item, const char *what);
int pir_cfg_check_severity_name(reader *rd, const yaml_node_t *item, const char *what);
int pir_cfg_check_email(reader *rd, const yaml_node_t *item, const char *what);
/* true or false, in any of YAML 1.2's spellings (same returns as want_string). */
int pir_cfg_want_bool(reader *rd, const yaml_node_t *v, const char *what, bool *out);
/* Free what a team holds (its name, emails and members), not the team itself. */
void pir_cfg_team_clear(pir_team *t);
/* "overdue, too-old, ...", every name reason_bit knows. */
char *pir_cfg_reason_list(void);
/* A pattern, or a list of them tried in order ("default": the built-in grammar). */
int pir_cfg_read_marker(reader *rd, const yaml_node_t *v);
int pir_cfg_read_severities(reader *rd, const yaml_node_t *v);
int pir_cfg_read_stale_days(reader *rd, const yaml_node_t *v);
int pir_cfg_read_fail_on(reader *rd, const yaml_node_t *v);
int pir_cfg_read_fail_on_reasons(reader *rd, const yaml_node_t *v);
/* A boolean; false contradicts `invalid` in fail_on_reasons (read before it, in key order). */
int pir_cfg_read_fail_on_invalid(reader *rd, const yaml_node_t *v);
int pir_cfg_read_as_of(reader *rd, const yaml_node_t *v);
int pir_cfg_read_teams(reader *rd, const yaml_node_t *v);
int pir_cfg_read_report(reader *rd, const yaml_node_t *v);
/* config_incident.c */
int pir_cfg_read_severity_from_incident(reader *rd, const yaml_node_t *v);

/* ---- links and team chat (issue 12, config_chat.c) ---- */
/* report.web_url or report.url, checked; same returns as want_string. */
int pir_cfg_check_link(reader *rd, const yaml_node_t *v, const char *what, bool is_template);
/*
 * A chat key of a team (slack_webhook[_env], teams_webhook[_env],
 * webhook[_env]): 0 when read (errors recorded), 1 when `key` is none of
 * them, or PIR_ENOMEM. `seen` holds bits from 8 up for these keys.
 */
int pir_cfg_read_team_chat(reader *rd, pir_team *t, const char *team_echo, const yaml_node_t *key,
			   const yaml_node_t *v, unsigned *seen);
/* Fill what `t` has no trusted value for from `from` (a host file's team). */
int pir_cfg_team_chat_fill(pir_team *t, const pir_team *from);
int pir_cfg_parse_as(pir_config **out, const char *buf, size_t len, const char *name,
		     pir_config_origin origin, pir_buf *errors);

#define fail(rd, node, ...)                                                                        \
	pir_cfg_fail_at((rd), pir_yaml_pos1((node)->start_mark.line),                              \
			pir_yaml_pos1((node)->start_mark.column), __VA_ARGS__)

#endif
