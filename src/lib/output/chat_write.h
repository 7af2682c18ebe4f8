/* SPDX-License-Identifier: MIT */
/*
 * What the chat writers share (chat_common.c): the sections a message
 * shows and each item's line; chat_slack.c, chat_teams.c and chat_json.c
 * write the formats. Prefixed pir_cw_.
 */
#ifndef PIRSCAN_OUTPUT_CHAT_WRITE_H
#define PIRSCAN_OUTPUT_CHAT_WRITE_H

#include "pirscan/chat.h"
#include "report_write.h"

/* The sections a chat message shows, in order. */
#define PIR_CW_NSECTIONS 3
extern const kind pir_cw_sections[PIR_CW_NSECTIONS];
extern const char *const pir_cw_titles[PIR_CW_NSECTIONS];

void pir_cw_ctx(ctx *c, pir_buf *out, const pir_report *report);
/* "payments: 2 overdue, 0 due soon, 2 open (2026-11-22)", raw (escape it). */
char *pir_cw_summary(const ctx *c, const pir_report_group *g);
/*
 * One item's line: name, title (cut at 200 bytes), phrase, owner, and its
 * location, linked when report.web_url gives one; `esc` escapes the text,
 * `link` writes a link (url, label already escaped) or NULL for none.
 */
void pir_cw_item_line(pir_out *o, const ctx *c, const pir_item *it, kind k, esc_fn esc,
		      void (*link)(pir_out *o, const char *url, const char *label));
/* `s` cut at `max` bytes on a character boundary, "…" added when cut; fresh, NULL on ENOMEM. */
char *pir_cw_cut(const char *s, size_t max);

int pir_cw_slack(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url);
int pir_cw_teams(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url);
int pir_cw_json(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url);

#endif
