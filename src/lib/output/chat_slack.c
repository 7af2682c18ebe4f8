/* SPDX-License-Identifier: MIT */
/*
 * A group's report as a Slack message (Block Kit): a header, a context
 * line, a section block per 3,000 characters of items, and past Slack's
 * limits (50 blocks, 3,000 characters a text) "and N more" with a link to
 * the full report. Text from repositories is escaped for mrkdwn (& < >)
 * and then for JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_write.h"
#include "output.h"
#include "pirscan/chat.h"
#include "writer.h"

/* Room kept in a text for the "and N more" line, and blocks kept for the end. */
#define RESERVE_TEXT 200
#define RESERVE_BLOCKS 3
/* A line longer than this is shown without its title and location. */
#define MAX_LINE 1500

static void slack_esc(pir_out *o, const char *s)
{
	for (const char *p = s ? s : ""; *p && !o->err; p++) {
		size_t n = strcspn(p, "&<>");
		pir_out_putn(o, p, n);
		p += n;
		if (!*p)
			break;
		pir_out_put(o, *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : "&gt;");
	}
}

static void slack_link(pir_out *o, const char *url, const char *label)
{
	pir_out_put(o, "<");
	slack_esc(o, url); /* percent-encoded: only '&' is left to escape */
	pir_out_put(o, "|");
	pir_out_put(o, label);
	pir_out_put(o, ">");
}

typedef struct {
	pir_out *o;
	pir_buf text; /* the section being filled, mrkdwn */
	size_t blocks;
} msg;

static void block_text(msg *m, const char *type, const char *text_type, const char *text)
{
	pir_out_putf(m->o, ",\n  {\"type\": \"%s\", \"text\": {\"type\": \"%s\", \"text\": ", type,
		     text_type);
	pir_out_json(m->o, text);
	pir_out_put(m->o, text_type[0] == 'p' ? ", \"emoji\": false}}" : "}}");
	m->blocks++;
}

static void flush(msg *m)
{
	if (!m->text.size)
		return;
	if (pir_buf_putc(&m->text, '\0') < 0)
		m->o->err = PIR_ENOMEM;
	else
		block_text(m, "section", "mrkdwn", m->text.ptr);
	m->text.size = 0;
}

/* One line of an item into the section, a new block when the text is full; false: no room. */
static bool add_line(msg *m, const ctx *c, const pir_item *it, kind k, const char *head)
{
	pir_buf line = PIR_BUF_INIT;
	pir_out l = {&line, 0};
	bool ok = true;

	pir_out_put(&l, "\xe2\x80\xa2 ");
	pir_cw_item_line(&l, c, it, k, slack_esc, slack_link);
	if (!l.err && line.size > MAX_LINE) {
		char *p = pir_rw_phrase_str(c, it, k, slack_esc, false);
		line.size = 0;
		pir_out_put(&l, "\xe2\x80\xa2 ");
		slack_esc(&l, pir_rw_item_name(it));
		pir_out_put(&l, " \xe2\x80\x94 ");
		pir_out_put(&l, p ? p : "");
		free(p);
	}
	if (l.err) {
		m->o->err = l.err;
	} else if (m->text.size + line.size + 1 > PIR_SLACK_MAX_TEXT - RESERVE_TEXT) {
		if (m->blocks + 1 >= PIR_SLACK_MAX_BLOCKS - RESERVE_BLOCKS)
			ok = false;
		else
			flush(m);
		if (ok && pir_buf_puts(&m->text, head) < 0)
			m->o->err = PIR_ENOMEM;
	}
	if (ok && !m->o->err &&
	    (pir_buf_put(&m->text, line.ptr, line.size) < 0 || pir_buf_putc(&m->text, '\n') < 0))
		m->o->err = PIR_ENOMEM;
	pir_buf_dispose(&line);
	return ok;
}

/* The sections' items; returns how many did not fit. */
static size_t sections(msg *m, const ctx *c, const pir_report_group *g)
{
	size_t left = 0;

	for (int s = 0; s < PIR_CW_NSECTIONS; s++) {
		size_t n;
		const pir_item *const *items = pir_rw_section_items(g, pir_cw_sections[s], &n);
		char head[64];

		if (!n)
			continue;
		snprintf(head, sizeof(head), "*%s (%zu)*\n", pir_cw_titles[s], n);
		if (left ||
		    (m->text.size && m->blocks + 1 >= PIR_SLACK_MAX_BLOCKS - RESERVE_BLOCKS)) {
			left += n;
			continue;
		}
		flush(m);
		if (pir_buf_puts(&m->text, head) < 0)
			m->o->err = PIR_ENOMEM;
		for (size_t i = 0; i < n && !m->o->err; i++)
			if (!add_line(m, c, items[i], pir_cw_sections[s], head)) {
				left += n - i;
				break;
			}
	}
	return left;
}

static void ending(msg *m, size_t left, const pir_report_group *g, const char *report_url)
{
	pir_buf t = PIR_BUF_INIT;
	pir_out o = {&t, 0};

	if (left)
		pir_out_putf(&o,
			     "\xe2\x80\xa6"
			     "and %zu more",
			     left);
	else if (!g->noverdue && !g->ndue_soon && !g->nstale)
		pir_out_put(&o, "Nothing overdue, due soon or stale.");
	if (report_url) {
		pir_out_put(&o, t.size ? ": " : "");
		slack_link(&o, report_url, "the full report");
	}
	if (!o.err && t.size && !(o.err = pir_buf_putc(&t, '\0')))
		block_text(m, "section", "mrkdwn", t.ptr);
	m->o->err = m->o->err ? m->o->err : o.err;
	pir_buf_dispose(&t);
}

int pir_cw_slack(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url)
{
	char *summary = pir_cw_summary(c, g), *head = summary ? pir_cw_cut(summary, 150) : NULL;
	msg m = {o, PIR_BUF_INIT, 0};
	pir_buf ctxline = PIR_BUF_INIT;
	pir_out cl = {&ctxline, 0};
	size_t left;

	if (!head) {
		free(summary);
		return PIR_ENOMEM;
	}
	pir_out_put(o, "{\"text\": ");
	pir_out_put(&cl, ""); /* the notification's text, mrkdwn too */
	slack_esc(&cl, summary);
	if (!cl.err && !(cl.err = pir_buf_putc(&ctxline, '\0')))
		pir_out_json(o, ctxline.ptr);
	ctxline.size = 0;
	pir_out_put(o, ", \"blocks\": [\n  {\"type\": \"header\", \"text\": {\"type\": "
		       "\"plain_text\", \"text\": ");
	pir_out_json(o, head);
	pir_out_put(o, ", \"emoji\": false}}");
	m.blocks = 1;
	pir_out_putf(&cl, "%zu opened, %zu closed since %s \xc2\xb7 as of %s (UTC)", g->nopened,
		     g->nclosed, c->since_s, c->as_of_s);
	if (!cl.err && !(cl.err = pir_buf_putc(&ctxline, '\0'))) {
		pir_out_put(o, ",\n  {\"type\": \"context\", \"elements\": [{\"type\": \"mrkdwn\", "
			       "\"text\": ");
		pir_out_json(o, ctxline.ptr);
		pir_out_put(o, "}]}");
		m.blocks++;
	}
	o->err = o->err ? o->err : cl.err;
	left = sections(&m, c, g);
	flush(&m);
	ending(&m, left, g, report_url);
	pir_out_put(o, "\n]}\n");
	pir_buf_dispose(&m.text);
	pir_buf_dispose(&ctxline);
	free(summary);
	free(head);
	return o->err;
}
