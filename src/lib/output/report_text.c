/* SPDX-License-Identifier: MIT */
/* The report as plain text and as GitHub Markdown. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pirscan/common.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "report_write.h"
#include "writer.h"

/* ---- text ---- */

#define TEXT_WIDTH 100

size_t pir_rw_cp_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return k < left ? k : left;
}

/* Columns of one code point of terminal-safe text (pir_term_width's rule). */
static size_t cp_cols(const char *s, size_t k)
{
	unsigned char c = (unsigned char)*s;
	return (k >= 3 && c >= 0xe1 && c <= 0xed && c != 0xe2) || k == 4 ? 2 : 1;
}

/* Bytes of `s` (terminal-safe) that fit in `cols` columns, breaking at a code point. */
static size_t fit_bytes(const char *s, size_t cols, size_t *brk)
{
	size_t len = strlen(s), i = 0, w = 0;

	if (brk)
		*brk = 0;
	while (i < len) {
		size_t k = pir_rw_cp_len(s + i, len - i), cw = cp_cols(s + i, k);
		if (w + cw > cols)
			break;
		if (brk && s[i] == ' ' && i)
			*brk = i;
		w += cw;
		i += k;
	}
	return i;
}

/* Terminal-safe `s`, cut with an ellipsis when wider than `cols`. */
static void fit(pir_out *o, const char *s, size_t cols)
{
	size_t n, brk;

	if (pir_term_width(s) <= cols) {
		pir_out_put(o, s);
		return;
	}
	n = fit_bytes(s, cols - 1, &brk);
	if (brk && brk >= n - n / 4) /* end on a word when that loses little */
		n = brk;
	pir_out_putn(o, s, n);
	pir_out_put(o, "\u2026");
}

/* Terminal-safe `s`, word-wrapped under `indent` spaces; the last line cut. */
void pir_rw_wrap(pir_out *o, const char *s, size_t indent, size_t cols, int maxlines)
{
	for (int line = 0; *s && !o->err; line++) {
		size_t n, brk;

		while (*s == ' ')
			s++;
		pir_out_putf(o, "%*s", (int)indent, "");
		if (line == maxlines - 1 || pir_term_width(s) <= cols) {
			fit(o, s, cols);
			pir_out_put(o, "\n");
			return;
		}
		n = fit_bytes(s, cols, &brk);
		if (brk)
			n = brk;
		pir_out_putn(o, s, n);
		pir_out_put(o, "\n");
		s += n;
	}
}

/* Build a line in a side buffer, then write it cut to the text width. */
typedef struct {
	pir_buf b;
	pir_out o;
} line_t;

static void line_start(line_t *l)
{
	memset(&l->b, 0, sizeof(l->b));
	l->o.b = &l->b;
	l->o.err = 0;
}

/* The line's text (NULL after an error, which passes to `o`). */
static const char *line_text(pir_out *o, line_t *l)
{
	if (l->o.err && !o->err)
		o->err = l->o.err;
	return l->o.err ? NULL : l->b.ptr ? l->b.ptr : "";
}

static void line_end(pir_out *o, line_t *l, size_t indent)
{
	const char *text = line_text(o, l);

	pir_out_putf(o, "%*s", (int)indent, "");
	if (text)
		fit(o, text, TEXT_WIDTH - indent);
	pir_out_put(o, "\n");
	pir_buf_dispose(&l->b);
}

static void text_heading(pir_out *o, const char *escaped, char under)
{
	size_t w = pir_term_width(escaped);

	fit(o, escaped, TEXT_WIDTH);
	pir_out_put(o, "\n");
	for (size_t i = 0; i < w && i < TEXT_WIDTH; i++)
		pir_out_putn(o, &under, 1);
	pir_out_put(o, "\n");
}

static void text_item(ctx *c, const pir_item *it, kind k)
{
	pir_out *o = &c->o;
	line_t l;
	char *main_p = pir_rw_phrase_str(c, it, k, pir_out_term, false),
	     *sub_p = pir_rw_phrase_str(c, it, k, pir_out_term, true);

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	line_start(&l);
	pir_out_term(&l.o, pir_rw_item_name(it));
	pir_out_put(&l.o, "  ");
	pir_out_term(&l.o, it->severity ? it->severity : "no severity");
	pir_out_put(&l.o, "  ");
	pir_out_term(&l.o, it->owner && *it->owner ? it->owner : "no owner");
	pir_out_put(&l.o, "  ");
	pir_out_put(&l.o, main_p);
	if (*sub_p) {
		pir_out_put(&l.o, " (");
		pir_out_put(&l.o, sub_p);
		pir_out_put(&l.o, ")");
	}
	if (it->id && it->incident) {
		pir_out_put(&l.o, "  ");
		pir_out_term(&l.o, it->incident);
	}
	line_end(o, &l, 2);
	if (it->title && *it->title) {
		const char *text;

		line_start(&l);
		pir_out_term(&l.o, it->title);
		if ((text = line_text(o, &l)))
			pir_rw_wrap(o, text, 6, TEXT_WIDTH - 6, 2);
		pir_buf_dispose(&l.b);
	}
	if (it->snoozed && k != K_OPENED && k != K_CLOSED) {
		line_start(&l);
		pir_rw_snooze_note(&l.o, it, k, pir_out_term);
		line_end(o, &l, 6);
	}
	line_start(&l);
	pir_rw_location(&l.o, it, pir_out_term);
	line_end(o, &l, 6);
done:
	free(main_p);
	free(sub_p);
}

static void text_section(ctx *c, const pir_report_group *g, kind k)
{
	pir_out *o = &c->o;
	line_t l;
	size_t n;
	const pir_item *const *items = pir_rw_section_items(g, k, &n);

	const char *text;

	line_start(&l);
	pir_rw_section_title(&l.o, c, k);
	pir_out_putf(&l.o, " (%zu)", n);
	pir_out_put(o, "\n");
	if ((text = line_text(o, &l)))
		text_heading(o, text, '-');
	pir_buf_dispose(&l.b);
	if (!n) {
		pir_out_put(o, "  ");
		pir_rw_section_empty(o, c, k);
		pir_out_put(o, "\n");
	}
	for (size_t i = 0; i < n; i++)
		text_item(c, items[i], k);
}

static void text_remediation(ctx *c, const pir_report_group *g)
{
	pir_out *o = &c->o;
	line_t l;

	pir_out_put(o, "\n");
	text_heading(o, "Remediation", '-');
	pir_out_putf(o, "  Open items:                %zu\n", g->nopen);
	pir_out_put(o, "  Median age of open items:  ");
	pir_rw_median_age(o, g);
	pir_out_put(o, "\n");
	pir_out_putf(o, "  Median time to close, items closed in the last %d day%s:",
		     c->opts->close_window, pir_rw_s_(c->opts->close_window));
	if (!g->nttc)
		pir_out_put(o, " nothing closed");
	pir_out_put(o, "\n");
	for (size_t i = 0; i < g->nttc; i++) {
		line_start(&l);
		pir_rw_ttc_one(&l.o, &g->ttc[i], pir_out_term);
		line_end(o, &l, 4);
	}
	pir_out_put(o, "  Backlog:                   ");
	pir_rw_trend(o, c, g);
	pir_out_put(o, "\n");
	if (pir_scan_has_history(c->scan)) {
		char from[11], to[11];
		pir_out_putf(o, "  Open per week:             ");
		pir_rw_sparkline(o, g);
		pir_out_putf(o, "  (%s to %s)\n", pir_rw_date_str(from, g->week_end[0]),
			     pir_rw_date_str(to, g->week_end[PIR_REPORT_WEEKS - 1]));
	}
}

void pir_rw_text_group(ctx *c, const pir_report_group *g)
{
	pir_out *o = &c->o;
	const pir_incident *x;
	line_t l;
	const char *text;

	line_start(&l);
	pir_out_term(&l.o, g->name);
	if ((text = line_text(o, &l)))
		text_heading(o, text, '=');
	pir_buf_dispose(&l.b);
	line_start(&l);
	pir_out_put(&l.o, pir_group_by_name(c->opts->group_by));
	pir_out_put(&l.o, " ");
	pir_out_term(&l.o, g->name);
	pir_out_putf(&l.o, ": %zu open, %zu overdue, %zu due within %d day%s, %zu stale", g->nopen,
		     g->noverdue, g->ndue_soon, c->opts->warn_within,
		     pir_rw_s_(c->opts->warn_within), pir_rw_stale_count(g));
	line_end(o, &l, 0);
	if ((x = pir_rw_group_incident(c, g))) {
		line_start(&l);
		pir_rw_incident_line(&l.o, x, pir_out_term);
		if ((text = line_text(o, &l)))
			pir_rw_wrap(o, text, 0, TEXT_WIDTH, 3);
		pir_buf_dispose(&l.b);
	}
	pir_out_putf(o, "As of %s (UTC); opened and closed since %s.\n", c->as_of_s, c->since_s);
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		text_section(c, g, k);
	text_remediation(c, g);
}

/* ---- Markdown ---- */

static void md_item(ctx *c, const pir_item *it, kind k)
{
	bool snoozed = it->snoozed && k != K_OPENED && k != K_CLOSED;
	pir_out *o = &c->o;
	char *main_p = pir_rw_phrase_str(c, it, k, pir_out_md, false),
	     *sub_p = pir_rw_phrase_str(c, it, k, pir_out_md, true);

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	pir_out_put(o, "| ");
	pir_out_md(o, pir_rw_item_name(it));
	pir_out_put(o, " | ");
	pir_out_md(o, it->title);
	pir_out_put(o, " | ");
	pir_out_md(o, it->severity ? it->severity : "-");
	pir_out_put(o, " | ");
	pir_out_md(o, it->owner && *it->owner ? it->owner : "-");
	pir_out_put(o, " | ");
	pir_out_put(o, main_p);
	pir_out_put(o, " | ");
	pir_out_put(o, *sub_p || snoozed ? sub_p : "-");
	if (*sub_p && snoozed)
		pir_out_put(o, "; ");
	pir_rw_snooze_note(o, it, k, pir_out_md);
	pir_out_put(o, " | ");
	pir_out_md(o, it->id && it->incident ? it->incident : "-");
	pir_out_put(o, " | ");
	pir_rw_location_linked(o, c, it, false);
	pir_out_put(o, " |\n");
done:
	free(main_p);
	free(sub_p);
}

static void md_section(ctx *c, const pir_report_group *g, kind k)
{
	static const char *const state[] = {"Overdue", "Due", "Reasons", "Opened", "Closed"};
	static const char *const more[] = {"Details", "Details", "Age", "Age", "How"};
	pir_out *o = &c->o;
	size_t n;
	const pir_item *const *items = pir_rw_section_items(g, k, &n);

	pir_out_put(o, "\n### ");
	pir_rw_section_title(o, c, k);
	pir_out_putf(o, " (%zu)\n\n", n);
	if (!n) {
		pir_rw_section_empty(o, c, k);
		pir_out_put(o, "\n");
		return;
	}
	pir_out_putf(o,
		     "| Item | Title | Severity | Owner | %s | %s | Incident | Location |\n"
		     "|---|---|---|---|---|---|---|---|\n",
		     state[k], more[k]);
	for (size_t i = 0; i < n; i++)
		md_item(c, items[i], k);
}

void pir_rw_md_group(ctx *c, const pir_report_group *g)
{
	pir_out *o = &c->o;
	const pir_incident *x;

	pir_out_put(o, "## ");
	pir_out_md(o, g->name);
	pir_out_putf(o,
		     "\n\n**%zu open** · %zu overdue · %zu due within %d day%s · %zu stale — %s ",
		     g->nopen, g->noverdue, g->ndue_soon, c->opts->warn_within,
		     pir_rw_s_(c->opts->warn_within), pir_rw_stale_count(g),
		     pir_group_by_name(c->opts->group_by));
	pir_out_md(o, g->name);
	pir_out_putf(o, ", as of %s (UTC), opened and closed since %s.\n", c->as_of_s, c->since_s);
	if ((x = pir_rw_group_incident(c, g))) {
		pir_out_put(o, "\n");
		pir_rw_incident_line(o, x, pir_out_md);
		pir_out_put(o, "\n");
	}
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		md_section(c, g, k);
	pir_out_putf(
	    o, "\n### Remediation\n\n- Open items: %zu\n- Median age of open items: ", g->nopen);
	pir_rw_median_age(o, g);
	pir_out_putf(o, "\n- Median time to close (items closed in the last %d day%s): ",
		     c->opts->close_window, pir_rw_s_(c->opts->close_window));
	if (!g->nttc)
		pir_out_put(o, "nothing closed");
	for (size_t i = 0; i < g->nttc; i++) {
		pir_out_put(o, i ? "; " : "");
		pir_rw_ttc_one(o, &g->ttc[i], pir_out_md);
	}
	pir_out_put(o, "\n- Backlog: ");
	pir_rw_trend(o, c, g);
	if (pir_scan_has_history(c->scan)) {
		char from[11], to[11];
		pir_out_put(o, "\n- Open per week: ");
		pir_rw_sparkline(o, g);
		pir_out_putf(o, " (%s to %s)", pir_rw_date_str(from, g->week_end[0]),
			     pir_rw_date_str(to, g->week_end[PIR_REPORT_WEEKS - 1]));
	}
	pir_out_put(o, "\n");
}
