/* SPDX-License-Identifier: MIT */
/* The report as one self-contained HTML document: inline styles, table layout, inline SVG charts.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "report_write.h"
#include "writer.h"

/* ---- HTML ---- */

#define FONT "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
#define INK "#0f172a"
#define MUTED "#64748b"
#define RULE "#e2e8f0"
#define PAGE "#f1f5f9"
#define RED "#b42318"
#define RED_BG "#fef3f2"
#define AMBER "#b54708"
#define AMBER_BG "#fffaeb"
#define CALM "#94a3b8"
#define CALM_DARK "#475569"
#define TABLE                                                                                      \
	"role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\""

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* A round axis maximum of at most `maxticks` steps of 1, 2 or 5 times a power of ten. */
static void nice_axis(long long max, long long maxticks, long long *step, long long *top)
{
	long long s = 1;

	for (int i = 0; (max + s - 1) / s > maxticks; i++)
		s = (i % 3 == 1) ? s / 2 * 5 : s * 2; /* 1 2 5 10 20 50 ... */
	*step = s;
	*top = max > 0 ? (max + s - 1) / s * s : s;
}

static const char *sev_color(int rank, bool bg)
{
	if (rank == 0)
		return bg ? RED_BG : RED;
	if (rank == 1)
		return bg ? AMBER_BG : AMBER;
	return bg ? PAGE : CALM_DARK;
}

static void html_pill(pir_out *o, const char *text, const char *fg, const char *bg)
{
	pir_out_putf(
	    o,
	    "<span style=\"display:inline-block;padding:0 6px;border-radius:3px;background:%s;"
	    "color:%s;font-size:11px;line-height:16px;font-weight:bold\">",
	    bg, fg);
	pir_out_xml(o, text);
	pir_out_put(o, "</span>");
}

static void html_item(ctx *c, const pir_item *it, kind k)
{
	static const char *const color[] = {RED, AMBER, CALM_DARK, INK, INK};
	pir_out *o = &c->o;
	char *main_p = pir_rw_phrase_str(c, it, k, pir_out_xml, false),
	     *sub_p = pir_rw_phrase_str(c, it, k, pir_out_xml, true);
	const char *cell = "border-bottom:1px solid " RULE ";vertical-align:top;" FONT;

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	pir_out_putf(o,
		     "<tr><td style=\"padding:8px 12px 8px "
		     "0;word-wrap:break-word;overflow-wrap:anywhere;%s\">"
		     "<div style=\"font-size:14px;line-height:20px;color:" INK "\"><strong>",
		     cell);
	pir_out_xml(o, pir_rw_item_name(it));
	pir_out_put(o, "</strong>");
	if (it->title && *it->title) {
		pir_out_put(o, " &#8212; ");
		pir_out_xml(o, it->title);
	}
	pir_out_put(o, "</div><div style=\"font-size:12px;line-height:20px;color:" MUTED "\">");
	html_pill(o, it->severity ? it->severity : "no severity",
		  sev_color(it->severity_rank, false), sev_color(it->severity_rank, true));
	pir_out_put(o, " &#183; ");
	if (it->owner && *it->owner)
		pir_out_xml(o, it->owner);
	else
		pir_out_put(o, "<span style=\"color:" AMBER "\">no owner</span>");
	if (it->id && it->incident) {
		pir_out_put(o, " &#183; ");
		pir_out_xml(o, it->incident);
	}
	if (it->snoozed && k != K_OPENED && k != K_CLOSED) {
		pir_out_put(o, " &#183; <em>");
		pir_rw_snooze_note(o, it, k, pir_out_xml);
		pir_out_put(o, "</em>");
	}
	if (k == K_STALE && it->reasons) {
		pir_out_put(o, " &#183; ");
		for (unsigned i = 0; i < PIR_REASON_COUNT; i++)
			if ((it->reasons & (1u << i)) && pir_reason_name(1u << i)) {
				html_pill(o, pir_reason_name(1u << i), AMBER, AMBER_BG);
				pir_out_put(o, " ");
			}
	}
	pir_out_put(o, "<br><span style=\"font-family:Menlo,Consolas,monospace;font-size:11px\">");
	pir_rw_location_linked(o, c, it, true);
	pir_out_putf(
	    o,
	    "</span></div></td><td align=\"right\" style=\"padding:8px 0;text-align:right;"
	    "white-space:nowrap;%s\"><div style=\"font-size:13px;line-height:20px;font-weight:bold;"
	    "color:%s\">",
	    cell, color[k]);
	if (k == K_STALE) /* the reasons are pills on the left; the age goes here */
		pir_out_put(o, *sub_p ? sub_p : "age unknown");
	else
		pir_out_put(o, main_p);
	pir_out_put(o, "</div><div style=\"font-size:12px;line-height:20px;color:" MUTED "\">");
	if (k != K_STALE)
		pir_out_put(o, sub_p);
	pir_out_put(o, "</div></td></tr>\n");
done:
	free(main_p);
	free(sub_p);
}

static void html_section(ctx *c, const pir_report_group *g, kind k)
{
	static const char *const accent[] = {RED, AMBER, CALM_DARK, CALM_DARK, CALM_DARK};
	pir_out *o = &c->o;
	size_t n;
	const pir_item *const *items = pir_rw_section_items(g, k, &n);

	pir_out_putf(o,
		     "<h3 style=\"margin:24px 0 0 0;padding:0 0 6px 0;border-bottom:2px solid %s;"
		     "font-size:15px;line-height:20px;color:%s;" FONT "\">",
		     accent[k], accent[k]);
	pir_rw_section_title(o, c, k);
	pir_out_putf(o, " <span style=\"font-weight:normal;color:" MUTED "\">(%zu)</span></h3>\n",
		     n);
	if (!n) {
		pir_out_put(o, "<p style=\"margin:8px 0 0 0;font-size:13px;color:" MUTED ";" FONT
			       "\">");
		pir_rw_section_empty(o, c, k);
		pir_out_put(o, "</p>\n");
		return;
	}
	pir_out_put(o, "<table " TABLE " style=\"border-collapse:collapse\">\n");
	for (size_t i = 0; i < n; i++)
		html_item(c, items[i], k);
	pir_out_put(o, "</table>\n");
}

static void html_count(pir_out *o, size_t n, const char *label, const char *fg, const char *bg,
		       bool last)
{
	pir_out_putf(
	    o,
	    "<td width=\"23%%\" style=\"padding:10px 12px;background:%s;border-radius:6px;" FONT
	    "\"><div style=\"font-size:24px;line-height:30px;font-weight:bold;color:%s\">%zu</div>"
	    "<div style=\"font-size:12px;line-height:16px;color:%s\">%s</div></td>",
	    n ? bg : PAGE, n ? fg : INK, n, n ? fg : MUTED, label);
	if (!last)
		pir_out_put(o, "<td width=\"8\" style=\"font-size:0;line-height:0\">&#160;</td>");
}

/* Open items at the end of each of the last 26 weeks, as bars. */
static void svg_weekly(ctx *c, const pir_report_group *g)
{
	enum { W = 600, H = 190, L = 40, R = 12, T = 18, B = 28 };
	const double pw = W - L - R, ph = H - T - B, slot = pw / PIR_REPORT_WEEKS;
	pir_out *o = &c->o;
	size_t last = g->weekly_open[PIR_REPORT_WEEKS - 1],
	       max = g->weekly_open[pir_rw_week_peak(g)];
	bool history = pir_scan_has_history(c->scan);
	long long step, top;
	char d[11];

	nice_axis((long long)max, 4, &step, &top);
	pir_out_putf(
	    o,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" style=\"display:block;width:100%%;max-width:%dpx;height:auto\" "
	    "font-family=\"Helvetica,Arial,sans-serif\" aria-label=\"Open items per week, ",
	    W, H, W, H, W);
	pir_out_xml(o, g->name);
	pir_out_put(o, ": ");
	pir_rw_trend(o, c, g);
	pir_out_put(o, "\"><title>Open items per week over the last 26 weeks, ");
	pir_out_xml(o, g->name);
	pir_out_put(o, "</title>\n");
	for (long long v = 0; v <= top; v += step) {
		double y = T + ph - ph * (double)v / (double)top;
		pir_out_putf(o,
			     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
			     "stroke-width=\"1\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
			     "font-size=\"11\" fill=\"" MUTED "\">%lld</text>\n",
			     L, y, W - R, y, v ? RULE : CALM, L - 6, y + 4, v);
	}
	for (size_t i = 0; history && i < PIR_REPORT_WEEKS; i++) {
		double h = ph * (double)g->weekly_open[i] / (double)top, x = L + slot * (double)i;
		bool now = i == PIR_REPORT_WEEKS - 1;
		pir_out_putf(
		    o,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
		    "<title>week to %s: %zu open</title></rect>\n",
		    x + slot * 0.15, T + ph - h, slot * 0.7, h, now ? CALM_DARK : CALM,
		    pir_rw_date_str(d, g->week_end[i]), g->weekly_open[i]);
		if ((PIR_REPORT_WEEKS - 1 - i) % 4 == 0) {
			int y, m0;
			unsigned m, day;
			pir_date_to_civil(g->week_end[i], &y, &m, &day);
			m0 = m >= 1 && m <= 12 ? (int)m - 1 : 0;
			pir_out_putf(
			    o,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" CALM
			    "\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
			    "fill=\"" MUTED "\">%s %u</text>\n",
			    x + slot / 2, T + ph, x + slot / 2, T + ph + 4, x + slot / 2, H - 8,
			    months[m0], day);
		}
	}
	if (history)
		pir_out_putf(o,
			     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
			     "font-weight=\"bold\" fill=\"" INK "\">%zu</text>\n",
			     L + slot * (PIR_REPORT_WEEKS - 0.5),
			     T + ph - ph * (double)last / (double)top - 4, last);
	else
		pir_out_putf(o,
			     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
			     "fill=\"" MUTED "\">No history: weekly counts are unknown</text>\n",
			     L + (int)pw / 2, T + ph / 2);
	pir_out_put(o, "</svg>\n");
}

/* A severity name cut to `max` code points (before escaping). */
static void xml_cut(pir_out *o, const char *s, size_t max)
{
	size_t len = strlen(s), i = 0, n = 0;
	char *cut;

	while (i < len && n < max) {
		i += pir_rw_cp_len(s + i, len - i);
		n++;
	}
	if (i == len) {
		pir_out_xml(o, s);
		return;
	}
	if (!(cut = pir_strndup(s, i))) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		return;
	}
	pir_out_xml(o, cut);
	pir_out_put(o, "\u2026");
	free(cut);
}

/* One row per severity present among the open items (and "none"), a dot per item at its age. */
/* The ages chart: its width, margins, row height and the room under the rows. */
enum {
	AGES_W = 600,
	AGES_L = 112,
	AGES_R = 16,
	AGES_T = 8,
	AGES_ROW = 30,
	AGES_AXIS = 36,
	AGES_LEGEND = 22
};

/* The severities that have open items, in rank order ("none" last), and how many each. */
static size_t svg_ages_rows(const pir_report_group *g, int *rank, size_t *nrow_items)
{
	size_t nrows = 0;

	for (int r = 0; r <= PIR_SEVERITY_MAX; r++) {
		int want = r < PIR_SEVERITY_MAX ? r : PIR_SEVERITY_NONE;
		for (size_t i = 0; i < g->nopen; i++) {
			const pir_item *it = g->open[i];
			int ir = it->severity_rank >= 0 && it->severity_rank < PIR_SEVERITY_MAX
				     ? it->severity_rank
				     : PIR_SEVERITY_NONE;
			if (ir != want)
				continue;
			if (!nrow_items[nrows]++)
				rank[nrows] = want;
		}
		if (nrow_items[nrows])
			nrows++;
	}
	return nrows;
}

/* One severity's row of the ages chart: its label, then a dot per open item of known age. */
static void svg_ages_row(ctx *c, const pir_report_group *g, size_t index, int rank, size_t count,
			 long long top)
{
	static const double jitter[5] = {0, -7, 7, -3.5, 3.5};
	const double pw = AGES_W - AGES_L - AGES_R;
	pir_out *o = &c->o;
	const char *name = rank >= 0 ? pir_scan_severity_name(c->scan, rank) : NULL;
	double cy = AGES_T + AGES_ROW * (double)index + AGES_ROW / 2.0;
	bool other = false; /* severities outside the vocabulary share the "none" row */
	size_t k = 0;

	for (size_t i = 0; rank < 0 && i < g->nopen; i++)
		other |= g->open[i]->severity_rank < 0 && g->open[i]->severity;

	pir_out_putf(o, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
		     AGES_L, cy - AGES_ROW / 2.0, pw, AGES_ROW, index % 2 ? "#ffffff" : "#f8fafc");
	pir_out_putf(
	    o, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\" fill=\"" INK "\">",
	    AGES_L - 10, cy + 4);
	xml_cut(o, name ? name : other ? "other" : "none", 12);
	pir_out_putf(o, " <tspan fill=\"" MUTED "\">(%zu)</tspan></text>\n", count);
	for (size_t i = 0; i < g->nopen; i++) {
		const pir_item *it = g->open[i];
		int ir = it->severity_rank >= 0 && it->severity_rank < PIR_SEVERITY_MAX
			     ? it->severity_rank
			     : PIR_SEVERITY_NONE;
		const char *fill = pir_rw_in_list(it, g->overdue, g->noverdue)	   ? RED
				   : pir_rw_in_list(it, g->due_soon, g->ndue_soon) ? "#f79009"
										   : CALM_DARK;
		if (ir != rank || !it->has_age)
			continue;
		pir_out_putf(o,
			     "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" "
			     "fill-opacity=\"0.8\" "
			     "stroke=\"#ffffff\" stroke-width=\"1\"><title>",
			     AGES_L + pw * (double)it->age_days / (double)top, cy + jitter[k++ % 5],
			     fill);
		pir_out_xml(o, pir_rw_item_name(it));
		pir_out_putf(o, ": %lld day%s old</title></circle>\n", (long long)it->age_days,
			     pir_rw_s_(it->age_days));
	}
}

/* The ages chart's axis (ticks every `step` days up to `top`) and legend. */
static void svg_ages_axis(pir_out *o, size_t nrows, long long step, long long top, size_t unknown)
{
	const double pw = AGES_W - AGES_L - AGES_R;
	int ay = AGES_T + (int)(nrows ? nrows : 1) * AGES_ROW;

	pir_out_putf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" CALM "\"/>\n",
		     AGES_L, ay, AGES_W - AGES_R, ay);
	for (long long v = 0; v <= top; v += step) {
		double x = AGES_L + pw * (double)v / (double)top;
		pir_out_putf(o,
			     "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"" CALM
			     "\"/>"
			     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
			     "fill=\"" MUTED "\">%lld</text>\n",
			     x, ay, x, ay + 4, x, ay + 16, v);
	}
	pir_out_putf(o,
		     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" fill=\"" MUTED
		     "\">days open</text>\n",
		     AGES_W - AGES_R, ay + 30);
	ay += AGES_AXIS + AGES_LEGEND / 2;
	pir_out_putf(
	    o,
	    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"" RED "\"/><text x=\"%d\" y=\"%d\" "
	    "font-size=\"11\" fill=\"" INK "\">overdue</text>"
	    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#f79009\"/><text x=\"%d\" y=\"%d\" "
	    "font-size=\"11\" fill=\"" INK "\">due soon</text>"
	    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"" CALM_DARK "\"/><text x=\"%d\" "
	    "y=\"%d\" font-size=\"11\" fill=\"" INK "\">other open</text>\n",
	    AGES_L + 5, ay - 4, AGES_L + 14, ay, AGES_L + 85, ay - 4, AGES_L + 94, ay, AGES_L + 170,
	    ay - 4, AGES_L + 179, ay);
	if (unknown)
		pir_out_putf(o,
			     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
			     "fill=\"" MUTED "\">%zu without a known age</text>\n",
			     AGES_W - AGES_R, ay, unknown);
}

static void svg_ages(ctx *c, const pir_report_group *g)
{
	const double pw = AGES_W - AGES_L - AGES_R;
	pir_out *o = &c->o;
	int rank[PIR_SEVERITY_MAX + 1];
	size_t nrows = 0, unknown = 0, nrow_items[PIR_SEVERITY_MAX + 1] = {0};
	long long max = 0, step, top;
	int h;

	nrows = svg_ages_rows(g, rank, nrow_items);
	for (size_t i = 0; i < g->nopen; i++) {
		if (!g->open[i]->has_age)
			unknown++;
		else if (g->open[i]->age_days > max)
			max = g->open[i]->age_days;
	}
	nice_axis(max, 6, &step, &top);
	h = AGES_T + (int)(nrows ? nrows : 1) * AGES_ROW + AGES_AXIS + AGES_LEGEND;
	pir_out_putf(
	    o,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" style=\"display:block;width:100%%;max-width:%dpx;height:auto\" "
	    "font-family=\"Helvetica,Arial,sans-serif\" aria-label=\"Ages of the %zu open item%s",
	    AGES_W, h, AGES_W, h, AGES_W, g->nopen, pir_rw_s_((long long)g->nopen));
	pir_out_put(o, " of ");
	pir_out_xml(o, g->name);
	pir_out_putf(
	    o,
	    " by severity, in days; the oldest is %lld day%s old\"><title>Ages of open items by "
	    "severity, ",
	    max, pir_rw_s_(max));
	pir_out_xml(o, g->name);
	pir_out_put(o, "</title>\n");
	for (size_t r = 0; r < nrows; r++)
		svg_ages_row(c, g, r, rank[r], nrow_items[r], top);
	if (!nrows)
		pir_out_putf(
		    o,
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"" MUTED
		    "\">No open items</text>\n",
		    AGES_L + (int)pw / 2, AGES_T + AGES_ROW / 2 + 4);
	svg_ages_axis(o, nrows, step, top, unknown);
	pir_out_put(o, "</svg>\n");
}

static void html_fact(pir_out *o, const char *label)
{
	pir_out_put(o, "<tr><td style=\"padding:6px 12px 6px 0;border-bottom:1px solid " RULE
		       ";width:45%;"
		       "font-size:13px;color:" MUTED ";vertical-align:top;" FONT "\">");
	pir_out_put(o, label);
	pir_out_put(o, "</td><td style=\"padding:6px 0;border-bottom:1px solid " RULE
		       ";font-size:13px;"
		       "color:" INK ";vertical-align:top;" FONT "\">");
}

static void html_chart_title(pir_out *o, const char *title)
{
	pir_out_put(o, "<div style=\"margin:20px 0 6px 0;font-size:13px;font-weight:bold;color:" INK
		       ";" FONT "\">");
	pir_out_put(o, title);
	pir_out_put(o, "</div>\n");
}

static void html_remediation(ctx *c, const pir_report_group *g)
{
	pir_out *o = &c->o;

	pir_out_put(
	    o,
	    "<h3 style=\"margin:24px 0 0 0;padding:0 0 6px 0;border-bottom:2px solid " CALM_DARK
	    ";font-size:15px;line-height:20px;color:" CALM_DARK ";" FONT "\">Remediation</h3>\n");
	pir_out_put(o, "<table " TABLE " style=\"border-collapse:collapse\">\n");
	html_fact(o, "Open items");
	pir_out_putf(o, "%zu</td></tr>\n", g->nopen);
	html_fact(o, "Median age of open items");
	pir_rw_median_age(o, g);
	pir_out_put(o, "</td></tr>\n");
	pir_out_putf(
	    o,
	    "<tr><td style=\"padding:6px 12px 6px 0;border-bottom:1px solid " RULE ";width:45%%;"
	    "font-size:13px;color:" MUTED ";vertical-align:top;" FONT "\">Median time to close"
	    "<br><span style=\"font-size:11px\">items closed in the last %d day%s</span></td>"
	    "<td style=\"padding:6px 0;border-bottom:1px solid " RULE ";font-size:13px;color:" INK
	    ";vertical-align:top;" FONT "\">",
	    c->opts->close_window, pir_rw_s_(c->opts->close_window));
	if (!g->nttc)
		pir_out_put(o, "nothing closed");
	for (size_t i = 0; i < g->nttc; i++) {
		pir_out_put(o, i ? "<br>" : "");
		pir_rw_ttc_one(o, &g->ttc[i], pir_out_xml);
	}
	pir_out_put(o, "</td></tr>\n");
	html_fact(o, "Backlog");
	pir_rw_trend(o, c, g);
	pir_out_put(o, "</td></tr>\n</table>\n");
	html_chart_title(o, "Open items per week, last 26 weeks");
	svg_weekly(c, g);
	html_chart_title(o, "Age of open items by severity");
	svg_ages(c, g);
}

static void html_group(ctx *c, const pir_report_group *g)
{
	pir_out *o = &c->o;
	const pir_incident *x;

	pir_out_put(
	    o, "<tr><td style=\"padding:0 0 24px 0\">\n<table " TABLE " style=\"border-collapse:"
	       "separate;background:#ffffff;border:1px solid " RULE ";border-radius:8px\">\n"
	       "<tr><td style=\"padding:20px 24px 24px 24px;" FONT "\">\n"
	       "<div style=\"font-size:11px;line-height:16px;letter-spacing:1px;text-transform:"
	       "uppercase;color:" MUTED "\">");
	pir_out_put(o, pir_group_by_name(c->opts->group_by));
	pir_out_put(
	    o, "</div>\n<h2 style=\"margin:2px 0 2px 0;font-size:22px;line-height:28px;color:" INK
	       ";" FONT "\">");
	pir_out_xml(o, g->name);
	pir_out_put(o, "</h2>\n");
	if ((x = pir_rw_group_incident(c, g))) {
		pir_out_put(o, "<div style=\"font-size:13px;line-height:18px;color:" INK "\">");
		pir_rw_incident_line(o, x, pir_out_xml);
		pir_out_put(o, "</div>\n");
	}
	pir_out_putf(o,
		     "<div style=\"font-size:13px;line-height:18px;color:" MUTED "\">As of %s (UTC)"
		     " &#183; opened and closed since %s</div>\n",
		     c->as_of_s, c->since_s);
	pir_out_put(o, "<table " TABLE " style=\"margin:16px 0 0 0\"><tr>");
	html_count(o, g->nopen, "open", INK, PAGE, false);
	html_count(o, g->noverdue, "overdue", RED, RED_BG, false);
	html_count(o, g->ndue_soon, "due soon", AMBER, AMBER_BG, false);
	html_count(o, pir_rw_stale_count(g), "stale", CALM_DARK, PAGE, true);
	pir_out_put(o, "</tr></table>\n");
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		html_section(c, g, k);
	html_remediation(c, g);
	pir_out_put(o, "</td></tr>\n</table>\n</td></tr>\n");
}

/* With several groups: one line per group first, so the reader sees where to look. */
static void html_overview(ctx *c)
{
	pir_out *o = &c->o;
	const char *th = "padding:6px 8px;border-bottom:2px solid " RULE ";font-size:12px;"
			 "color:" MUTED ";text-align:right;" FONT;
	const char *td = "padding:6px 8px;border-bottom:1px solid " RULE ";font-size:13px;"
			 "text-align:right;" FONT;

	pir_out_put(o, "<tr><td style=\"padding:0 0 24px 0\">\n<table " TABLE
		       " style=\"border-collapse:"
		       "collapse;background:#ffffff;border:1px solid " RULE "\">\n<tr>");
	pir_out_putf(o, "<th align=\"left\" style=\"%s;text-align:left\">%c%s</th>", th,
		     pir_group_by_name(c->opts->group_by)[0] - 'a' + 'A',
		     pir_group_by_name(c->opts->group_by) + 1);
	pir_out_putf(o,
		     "<th align=\"right\" style=\"%s\">Open</th><th align=\"right\" "
		     "style=\"%s\">Overdue</th>"
		     "<th align=\"right\" style=\"%s\">Due soon</th><th align=\"right\" "
		     "style=\"%s\">Stale</th>"
		     "</tr>\n",
		     th, th, th, th);
	for (size_t i = 0; i < pir_report_group_count(c->r); i++) {
		const pir_report_group *g = pir_report_group_at(c->r, i);
		pir_out_putf(o, "<tr><td style=\"%s;text-align:left;color:" INK "\">", td);
		pir_out_xml(o, g->name);
		pir_out_putf(o, "</td><td style=\"%s;color:" INK "\">%zu</td>", td, g->nopen);
		pir_out_putf(o, "<td style=\"%s;color:%s;font-weight:%s\">%zu</td>", td,
			     g->noverdue ? RED : MUTED, g->noverdue ? "bold" : "normal",
			     g->noverdue);
		pir_out_putf(o, "<td style=\"%s;color:%s;font-weight:%s\">%zu</td>", td,
			     g->ndue_soon ? AMBER : MUTED, g->ndue_soon ? "bold" : "normal",
			     g->ndue_soon);
		pir_out_putf(o, "<td style=\"%s;color:" CALM_DARK "\">%zu</td></tr>\n", td,
			     pir_rw_stale_count(g));
	}
	pir_out_put(o, "</table>\n</td></tr>\n");
}

void pir_rw_html_document(ctx *c, size_t group)
{
	pir_out *o = &c->o;
	size_t n = pir_report_group_count(c->r);
	const pir_report_group *only = group != SIZE_MAX ? pir_report_group_at(c->r, group) : NULL;

	pir_out_put(
	    o,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light\">\n<title>Post-incident action items: ");
	if (only)
		pir_out_xml(o, only->name);
	else
		pir_out_putf(o, "by %s", pir_group_by_name(c->opts->group_by));
	pir_out_putf(o, ", as of %s</title>\n</head>\n", c->as_of_s);
	pir_out_put(o, "<body style=\"margin:0;padding:0;background:" PAGE "\">\n<table " TABLE
		       " style=\"background:" PAGE "\">\n");
	pir_out_putf(o,
		     "<tr><td align=\"center\" "
		     "style=\"padding:24px 12px\">\n<table role=\"presentation\" width=\"680\" "
		     "cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
		     "style=\"width:100%%;max-width:680px\">\n"
		     "<tr><td style=\"padding:0 4px 16px 4px;" FONT
		     "\"><div style=\"font-size:12px;"
		     "line-height:16px;color:" MUTED "\">pirscan report &#183; as of %s (UTC)</div>"
		     "<h1 style=\"margin:4px 0 0 0;font-size:24px;line-height:30px;color:" INK
		     ";" FONT "\">Post-incident action items</h1></td></tr>\n",
		     c->as_of_s);
	if (only) {
		html_group(c, only);
	} else {
		if (n > 1)
			html_overview(c);
		if (!n)
			pir_out_put(
			    o, "<tr><td style=\"padding:0 4px 24px 4px;font-size:14px;color:" MUTED
			       ";" FONT "\">No action items.</td></tr>\n");
		for (size_t i = 0; i < n; i++)
			html_group(c, pir_report_group_at(c->r, i));
	}
	pir_out_put(o, "<tr><td style=\"padding:0 4px;font-size:11px;line-height:16px;color:" MUTED
		       ";" FONT "\">");
	pir_rw_scanned(o, c->scan, only, pir_out_xml);
	pir_out_put(o, " Ages and dates are UTC days; opened and closed dates come from git "
		       "history.</td></tr>\n"
		       "</table>\n</td></tr>\n</table>\n</body>\n</html>\n");
}
