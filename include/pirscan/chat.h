/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_CHAT_H
#define PIRSCAN_CHAT_H

#include "common.h"
#include "config.h"
#include "report.h"

PIR_BEGIN_DECL

/** Slack's limits: blocks in a message, characters in a text. */
#define PIR_SLACK_MAX_BLOCKS 50
#define PIR_SLACK_MAX_TEXT 3000
/** What a Teams card is held to (the service takes about 28 KB). */
#define PIR_TEAMS_MAX_BYTES 24000

/**
 * Append the chat message of one group (`group` < count) for `kind`: a
 * Slack Block Kit message, a Teams message with one Adaptive Card (1.4),
 * or the group's report as JSON (docs/report.md). What is overdue, due
 * soon and otherwise stale, most urgent first, each location a link when
 * report.web_url is set; past the service's limits the rest is cut with
 * "and N more" and a link to `report_url` (NULL: none). Everything from a
 * repository is escaped for the format (Slack mrkdwn: & < >; Teams:
 * Markdown; all: JSON). Returns 0, PIR_EINVALID or PIR_ENOMEM.
 */
PIR_EXTERN(int)
pir_report_write_chat(pir_buf *out, const pir_report *report, size_t group, pir_chat_kind kind,
		      const char *report_url);

/** The kind's name: "slack", "teams" or "webhook". */
PIR_EXTERN(const char *) pir_chat_kind_name(pir_chat_kind kind);

/** How to deliver to a webhook. Initialise with PIR_WEBHOOK_OPTIONS_INIT. */
typedef struct {
	unsigned version;
	const char *ca_file;   /**< PEM bundle to verify the server with; NULL: the system's */
	long timeout_seconds;  /**< for the whole delivery, retries and waits included */
	unsigned retries;      /**< tries after the first, on 429, 5xx and connection failures */
	long max_wait_seconds; /**< the longest Retry-After honoured; longer fails at once */
} pir_webhook_options;

#define PIR_WEBHOOK_OPTIONS_VERSION 1
#define PIR_WEBHOOK_OPTIONS_INIT                                                                   \
	{                                                                                          \
		PIR_WEBHOOK_OPTIONS_VERSION, NULL, 30, 3, 20                                       \
	}

/**
 * POST `payload` (JSON, `len` bytes) to `url` (https:// only) with libcurl:
 * the certificate verified, no redirects followed, the whole delivery
 * within timeout_seconds. A 429 or 5xx reply, or a failed connection, is
 * tried again up to `retries` times, after its Retry-After (seconds) or
 * 1, 2, 4... seconds. Returns 0 on a 2xx reply, PIR_EINVALID for a URL
 * that is not https://, PIR_ERROR otherwise. No message ever holds the
 * URL: the host is shown, the rest redacted, libcurl's own messages too.
 */
PIR_EXTERN(int)
pir_webhook_post(const pir_webhook_options *opts, const char *url, const char *payload, size_t len);

/** Append `url` as shown in messages: scheme and host, the rest as "/…" (redacted). */
PIR_EXTERN(int) pir_webhook_redact(pir_buf *out, const char *url);

PIR_END_DECL

#endif
