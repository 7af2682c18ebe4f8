/* SPDX-License-Identifier: MIT */
/*
 * A group's report as a Microsoft Teams message for a workflow webhook: one
 * Adaptive Card (1.4) with a title, a summary, a TextBlock per item under
 * each section's heading, and, past the card's size, "and N more" with a
 * link to the full report (an Action.OpenUrl when report.url is set). Text
 * from repositories is escaped for the card's Markdown, then for JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_write.h"
#include "output.h"
#include "pirscan/chat.h"
#include "writer.h"

/* Items on one card at most, whatever their size (a card is read on a phone). */
#define MAX_ITEMS 40

static void md_link(pir_out *o, const char *url, const char *label)
{
	pir_out_put(o, "[");
	pir_out_put(o, label);
	pir_out_put(o, "](");
	pir_out_put(o, url); /* percent-encoded: no ')' nor space */
	pir_out_put(o, ")");
}

static void text_block(pir_out *o, const char *text, const char *style)
{
	pir_out_put(o, ",\n      {\"type\": \"TextBlock\", \"wrap\": true, \"text\": ");
	pir_out_json(o, text);
	pir_out_put(o, style);
	pir_out_put(o, "}");
}

/* The item blocks; returns how many did not fit in `budget` bytes or MAX_ITEMS. */
static size_t items(pir_out *o, const ctx *c, const pir_report_group *g, size_t budget)
{
	size_t left = 0, shown = 0, start = o->b->size;

	for (int s = 0; s < PIR_CW_NSECTIONS; s++) {
		size_t n;
		const pir_item *const *list = pir_rw_section_items(g, pir_cw_sections[s], &n);
		char head[64];

		if (!n)
			continue;
		if (left || shown >= MAX_ITEMS || o->b->size - start > budget) {
			left += n;
			continue;
		}
		snprintf(head, sizeof(head), "%s (%zu)", pir_cw_titles[s], n);
		text_block(o, head, ", \"weight\": \"Bolder\", \"spacing\": \"Medium\"");
		for (size_t i = 0; i < n && !o->err; i++) {
			pir_buf line = PIR_BUF_INIT;
			pir_out l = {&line, 0};

			pir_cw_item_line(&l, c, list[i], pir_cw_sections[s], pir_out_md, md_link);
			if (!l.err)
				l.err = pir_buf_putc(&line, '\0');
			if (l.err || shown >= MAX_ITEMS ||
			    o->b->size - start + line.size * 2 > budget) {
				o->err = o->err ? o->err : l.err;
				left += n - i;
				pir_buf_dispose(&line);
				break;
			}
			text_block(o, line.ptr, ", \"spacing\": \"Small\"");
			shown++;
			pir_buf_dispose(&line);
		}
	}
	return left;
}

int pir_cw_teams(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url)
{
	char *summary = pir_cw_summary(c, g);
	pir_buf t = PIR_BUF_INIT;
	pir_out to = {&t, 0};
	size_t left;

	if (!summary)
		return PIR_ENOMEM;
	pir_out_md(&to, summary);
	if (!to.err)
		to.err = pir_buf_putc(&t, '\0');
	pir_out_put(o,
		    "{\"type\": \"message\", \"attachments\": [{\"contentType\": "
		    "\"application/vnd.microsoft.card.adaptive\", \"contentUrl\": null, "
		    "\"content\": {\n    \"$schema\": "
		    "\"http://adaptivecards.io/schemas/adaptive-card.json\",\n    \"type\": "
		    "\"AdaptiveCard\", \"version\": \"1.4\", \"msteams\": {\"width\": \"Full\"},\n"
		    "    \"body\": [\n      {\"type\": \"TextBlock\", \"wrap\": true, \"size\": "
		    "\"Large\", \"weight\": \"Bolder\", \"text\": ");
	pir_out_json(o, t.ptr ? t.ptr : "");
	pir_out_put(o, "}");
	t.size = 0;
	pir_out_putf(&to, "%zu opened, %zu closed since %s \xc2\xb7 as of %s (UTC)", g->nopened,
		     g->nclosed, c->since_s, c->as_of_s);
	if (!to.err && !(to.err = pir_buf_putc(&t, '\0')))
		text_block(o, t.ptr, ", \"isSubtle\": true, \"spacing\": \"None\"");
	left = items(o, c, g, PIR_TEAMS_MAX_BYTES - 2000);
	t.size = 0;
	if (left)
		pir_out_putf(&to,
			     "\xe2\x80\xa6"
			     "and %zu more%s",
			     left, report_url ? ": see the full report" : "");
	else if (!g->noverdue && !g->ndue_soon && !g->nstale)
		pir_out_put(&to, "Nothing overdue, due soon or stale.");
	if (!to.err && t.size && !(to.err = pir_buf_putc(&t, '\0')))
		text_block(o, t.ptr, ", \"spacing\": \"Medium\"");
	pir_out_put(o, "\n    ]");
	if (report_url) {
		pir_out_put(o, ",\n    \"actions\": [{\"type\": \"Action.OpenUrl\", \"title\": "
			       "\"The full report\", \"url\": ");
		pir_out_json(o, report_url);
		pir_out_put(o, "}]");
	}
	pir_out_put(o, "\n  }}]}\n");
	o->err = o->err ? o->err : to.err;
	pir_buf_dispose(&t);
	free(summary);
	return o->err;
}
