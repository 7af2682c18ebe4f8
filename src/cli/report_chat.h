/* SPDX-License-Identifier: MIT */
/* pirscan report's team chat (report_chat.c), for cmd_report.c. */
#ifndef PIRSCAN_CLI_REPORT_CHAT_H
#define PIRSCAN_CLI_REPORT_CHAT_H

#include <stdbool.h>

#include "pirscan/pirscan.h"

typedef struct {
	size_t attempted, sent;
	char *went;   /* "payments slack, ...", NULL for none */
	char *failed; /* "payments teams (why), ..." */
} cli_chat_tally;

/* "slack", "teams" or "webhook" as a --format: 0 and *out, or -1. */
int cli_chat_format(const char *name, pir_chat_kind *out);
/* Every group's payload of `kind` on stdout, one JSON document each: what --send would post. */
int cli_chat_print(const pir_report *report, const pir_config *cfg, pir_chat_kind kind);
/* Whether the group's team has a webhook pirscan may use. */
bool cli_chat_any(const pir_config *cfg, const char *group);
/* Post the group's messages to its team's webhooks; failures are reported and counted. */
void cli_chat_send(const pir_report *report, size_t group, const pir_config *cfg,
		   const pir_webhook_options *wo, bool quiet, cli_chat_tally *tally);

#endif
