/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_CONFIG_H
#define PIRSCAN_CONFIG_H

#include <stdbool.h>
#include "common.h"
#include "check.h"
#include "date.h"
#include "scan.h"

PIR_BEGIN_DECL

/** A parsed and validated .pirscan.yml (see docs/config.md). Opaque. */
typedef struct pir_config pir_config;

/**
 * Where a configuration comes from, which decides what it may set and
 * whether its SMTP server and user may be used (see docs/config.md).
 */
typedef enum {
	PIR_CONFIG_REPOSITORY =
	    0, /**< `.pirscan.yml` of a scanned tree: never trusted with credentials */
	PIR_CONFIG_OPERATOR, /**< a file the operator named (`--config FILE`) */
	PIR_CONFIG_HOST,     /**< the system or user file: only `report` and `teams` */
} pir_config_origin;

/** The team chats a report can go to (see pirscan/chat.h). */
typedef enum {
	PIR_CHAT_SLACK = 0, /**< a Slack incoming webhook, Block Kit */
	PIR_CHAT_TEAMS,	    /**< a Microsoft Teams workflow webhook, an Adaptive Card */
	PIR_CHAT_WEBHOOK,   /**< any endpoint taking the group's report as JSON */
} pir_chat_kind;
#define PIR_CHAT_COUNT 3

/** One team of the `teams` table. Strings are owned by the config. */
typedef struct {
	const char *name;
	const char *const *email;   /**< NULL-terminated */
	const char *const *members; /**< NULL-terminated, e.g. "@alice" */
	/* ---- team chat (issue 12) ---- */
	/** Per pir_chat_kind: the webhook URL (`slack_webhook`...), a secret; NULL when not set. */
	const char *chat_url[PIR_CHAT_COUNT];
	/** Per pir_chat_kind: the environment variable holding it (`slack_webhook_env`...). */
	const char *chat_env[PIR_CHAT_COUNT];
	/** Per pir_chat_kind: the file it came from (a repository's own is never used). */
	pir_config_origin chat_origin[PIR_CHAT_COUNT];
} pir_team;

/**
 * Parse and validate a configuration of `len` bytes; `name` is the file name
 * used in messages. Every problem (unknown key, wrong type, bad date, bad
 * pattern, unknown severity) is appended to `errors` as one line
 * "name:line:column: message\n"; when there is any, the function returns
 * PIR_EINVALID and `*out` is NULL. Returns 0 or PIR_ENOMEM otherwise.
 */
PIR_EXTERN(int)
pir_config_parse(pir_config **out, const char *buf, size_t len, const char *name, pir_buf *errors);

/**
 * Read and parse the file at `path`: PIR_ENOTFOUND when it does not exist,
 * PIR_ERROR when it cannot be read (both with a message), else as
 * pir_config_parse.
 */
PIR_EXTERN(int) pir_config_load(pir_config **out, const char *path, pir_buf *errors);

/**
 * Read a host configuration (the system or the user file) at `path`, as
 * pir_config_load, except that PIR_ENOTFOUND also covers a missing folder on
 * the way, and any top-level key other than `report` and `teams` is an error:
 * the policy of the gate is committed with the code, not set per host.
 */
PIR_EXTERN(int) pir_config_load_host(pir_config **out, const char *path, pir_buf *errors);

/**
 * Add a host configuration under `config`, git-style: what `config` sets
 * wins, `host` fills in the rest. Each `report` key is taken from `host`
 * when `config` does not set it, and always for `smtp_url` and `smtp_user`
 * set by a repository's own file (never used: its committers could send
 * the password anywhere). Teams are merged by name: a team's `email` or
 * `members` that `config` leaves out or empty come from `host`, and teams
 * only `host` names are added after the others. Apply the user file first,
 * then the system file. `host` is not changed and may be freed afterwards.
 * Returns 0 or PIR_ENOMEM.
 */
PIR_EXTERN(int) pir_config_add_host(pir_config *config, const pir_config *host);

/**
 * Read `.pirscan.yml` from the tree of `ref` (NULL: HEAD) of the repository
 * at `repo_path`, as the scan would see it. PIR_ENOTFOUND when the tree has
 * no such file (not an error for callers: the defaults apply), PIR_ENOTREPO
 * when the path is not a repository; PIR_EINVALID may come without error
 * lines when `ref` does not name a commit (pir_error_last() says why).
 */
PIR_EXTERN(int)
pir_config_load_from_repository(pir_config **out, const char *repo_path, const char *ref,
				pir_buf *errors);

PIR_EXTERN(void) pir_config_free(pir_config *config);

/**
 * Copy what the configuration sets into scan options: marker pattern, item
 * file names, severities, stale limits, excludes, as_of, max_slips. Keys it
 * does not set are left alone. Pointers refer to the config, which must
 * outlive `opts`.
 */
PIR_EXTERN(void) pir_config_apply_scan(const pir_config *config, pir_scan_options *opts);

/** Copy what the configuration sets into check options (fail_on, grace, ...); the config must
 * outlive `opts`. */
PIR_EXTERN(void) pir_config_apply_check(const pir_config *config, pir_check_options *opts);

/** The teams table, in file order. */
/**
 * The severity `severity_from_incident` maps an incident's severity to
 * (`severity` as its postmortem writes it, compared without regard to ASCII
 * case), or NULL when the configuration maps none. Borrowed from `config`.
 */
PIR_EXTERN(const char *)
pir_config_severity_from_incident(const pir_config *config, const char *severity);

PIR_EXTERN(size_t) pir_config_team_count(const pir_config *config);
PIR_EXTERN(const pir_team *) pir_config_team(const pir_config *config, size_t i);

/**
 * A setting of the `report` section ("from", "smtp_url", "smtp_user",
 * "smtp_timeout" as decimal seconds, "web_url" the link template of
 * locations, "url" where the full report is read), or NULL.
 */
PIR_EXTERN(const char *) pir_config_report_setting(const pir_config *config, const char *key);

/**
 * Which file the value of a `report` setting came from (after
 * pir_config_add_host); PIR_CONFIG_REPOSITORY when it is not set.
 */
PIR_EXTERN(pir_config_origin) pir_config_report_origin(const pir_config *config, const char *key);

PIR_END_DECL

#endif
