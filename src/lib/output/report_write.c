/* SPDX-License-Identifier: MIT */
/*
 * The report's writers: per group, what is overdue, due soon and otherwise
 * stale, what was opened and closed lately, and how remediation goes; as
 * plain text, GitHub Markdown, or one self-contained HTML document (inline
 * styles, table layout, inline SVG charts) that mail clients can show.
 * Everything from a repository is escaped for its format, and nothing
 * depends on the clock: the same report gives the same bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"

typedef struct {
	pir_buf *b;
	int err;
} out_t;

typedef void (*esc_fn)(out_t *o, const char *s);

static void put(out_t *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_puts(o->b, s);
}

static void putn(out_t *o, const char *s, size_t n)
{
	if (!o->err)
		o->err = pir_buf_put(o->b, s, n);
}

static void putf(out_t *o, const char *fmt, ...) PIR_PRINTF(2, 3);
static void putf(out_t *o, const char *fmt, ...)
{
	char tmp[512], *big;
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(tmp)) {
		put(o, tmp);
	} else if (n >= 0 && (big = pir_malloc((size_t)n + 1))) {
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		put(o, big);
		free(big);
	} else if (!o->err) {
		o->err = PIR_ENOMEM;
	}
	va_end(ap2);
}

static void term(out_t *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_term_str(o->b, s);
}

static void xml(out_t *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_xml_str(o->b, s);
}

/* GitHub Markdown text: specials backslash-escaped, < > & as entities, one line. */
static void md(out_t *o, const char *s)
{
	if (!s)
		return;
	for (; *s && !o->err; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n' || ch == '\r' || ch == '\t')
			put(o, " ");
		else if (ch < 0x20 || ch == 0x7f)
			continue;
		else if (ch == '<')
			put(o, "&lt;");
		else if (ch == '>')
			put(o, "&gt;");
		else if (ch == '&')
			put(o, "&amp;");
		else if (strchr("\\`*_{}[]()#!|~",
				ch)) { /* never at a line start: - . + are safe */
			char e[3] = {'\\', (char)ch, 0};
			put(o, e);
		} else
			putn(o, s, 1);
	}
}

/* ---- what every format says ---- */

typedef struct {
	out_t o;
	const pir_report *r;
	const pir_scan *scan;
	const pir_report_options *opts;
	pir_date as_of;
	char as_of_s[11];
	char since_s[11];
} ctx;

typedef enum { K_OVERDUE, K_DUE_SOON, K_STALE, K_OPENED, K_CLOSED } kind;

static const char *s_(long long n)
{
	return n == 1 ? "" : "s";
}

static const char *date_str(char buf[11], pir_date d)
{
	pir_date_format(buf, d);
	return buf[0] ? buf : "-";
}

/* The item's name: its ID, else its incident, else "marker". */
static const char *item_name(const pir_item *it)
{
	return it->id ? it->id : it->incident ? it->incident : "marker";
}

static size_t stale_count(const pir_report_group *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nopen; i++)
		n += PIR_ITEM_STALE(g->open[i]);
	return n;
}

static bool in_list(const pir_item *it, const pir_item *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == it)
			return true;
	return false;
}

static void section_title(out_t *o, const ctx *c, kind k)
{
	switch (k) {
	case K_OVERDUE:
		put(o, "Overdue");
		break;
	case K_DUE_SOON:
		putf(o, "Due within %d day%s", c->opts->warn_within, s_(c->opts->warn_within));
		break;
	case K_STALE:
		put(o, "Other stale items");
		break;
	case K_OPENED:
		putf(o, "Opened since %s", c->since_s);
		break;
	case K_CLOSED:
		putf(o, "Closed since %s", c->since_s);
		break;
	}
}

static void section_empty(out_t *o, const ctx *c, kind k)
{
	switch (k) {
	case K_OVERDUE:
		put(o, "Nothing overdue.");
		break;
	case K_DUE_SOON:
		putf(o, "Nothing due within %d day%s.", c->opts->warn_within,
		     s_(c->opts->warn_within));
		break;
	case K_STALE:
		put(o, "No other stale items.");
		break;
	case K_OPENED:
		putf(o, "Nothing opened since %s.", c->since_s);
		break;
	case K_CLOSED:
		putf(o, "Nothing closed since %s.", c->since_s);
		break;
	}
}

static const pir_item *const *section_items(const pir_report_group *g, kind k, size_t *n)
{
	switch (k) {
	case K_OVERDUE:
		*n = g->noverdue;
		return g->overdue;
	case K_DUE_SOON:
		*n = g->ndue_soon;
		return g->due_soon;
	case K_STALE:
		*n = g->nstale;
		return g->stale;
	case K_OPENED:
		*n = g->nopened;
		return g->opened;
	default:
		*n = g->nclosed;
		return g->closed;
	}
}

static void reasons(out_t *o, unsigned bits, const char *sep)
{
	size_t n = 0;

	for (unsigned i = 0; i < PIR_REASON_COUNT; i++)
		if ((bits & (1u << i)) && pir_reason_name(1u << i)) {
			put(o, n++ ? sep : "");
			put(o, pir_reason_name(1u << i));
		}
}

static void location(out_t *o, const pir_item *it, esc_fn esc)
{
	const pir_location *l = pir_item_work_location(it);

	esc(o, l->repo);
	put(o, ":");
	esc(o, l->path);
	putf(o, ":%u", l->line);
	if (it->nlocations > 1)
		putf(o, " (+%zu)", it->nlocations - 1);
}

/* The item's state in its section, the main phrase ("265 days overdue"). */
static void phrase(out_t *o, const ctx *c, const pir_item *it, kind k)
{
	char d[11];
	long long left = it->due != PIR_DATE_NONE ? (long long)(it->due - c->as_of) : 0;

	switch (k) {
	case K_OVERDUE:
		putf(o, "%lld day%s overdue", (long long)it->overdue_days, s_(it->overdue_days));
		break;
	case K_DUE_SOON:
		if (left <= 0)
			put(o, "due today");
		else
			putf(o, "due in %lld day%s", left, s_(left));
		break;
	case K_STALE:
		reasons(o, it->reasons, ", ");
		break;
	case K_OPENED:
		putf(o, "opened %s", date_str(d, it->introduced.date));
		break;
	case K_CLOSED:
		putf(o, "closed %s", date_str(d, it->closed_at.date));
		break;
	}
}

/* The secondary phrase: a date, an age, how it was closed; may be empty. */
static void subphrase(out_t *o, const pir_item *it, kind k, esc_fn esc)
{
	char d[11];

	switch (k) {
	case K_OVERDUE:
	case K_DUE_SOON:
		putf(o, "due %s", date_str(d, it->due));
		break;
	case K_STALE:
	case K_OPENED:
		if (it->has_age)
			putf(o, "%lld day%s old", (long long)it->age_days, s_(it->age_days));
		break;
	case K_CLOSED:
		if (it->closed) {
			put(o, "as ");
			esc(o, it->status ? it->status : "done");
		} else {
			put(o, "removed from the tree");
		}
		break;
	}
}

/* "snoozed until 2026-12-15: waiting for the vendor", for open items that are. */
static void snooze_note(out_t *o, const pir_item *it, kind k, esc_fn esc)
{
	char d[11];

	if (!it->snoozed || k == K_OPENED || k == K_CLOSED)
		return;
	putf(o, "snoozed until %s", date_str(d, it->snooze_until));
	if (it->snooze_reason && *it->snooze_reason) {
		put(o, ": ");
		esc(o, it->snooze_reason);
	}
}

/* A phrase into a fresh buffer (so callers can measure or escape it whole). */
static char *phrase_str(const ctx *c, const pir_item *it, kind k, esc_fn esc, bool sub)
{
	pir_buf b = PIR_BUF_INIT;
	out_t t = {&b, 0};

	if (sub)
		subphrase(&t, it, k, esc);
	else
		phrase(&t, c, it, k);
	if (!t.err)
		t.err = pir_buf_putc(&b, '\0');
	if (t.err) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

static void median_age(out_t *o, const pir_report_group *g)
{
	if (g->has_median_age)
		putf(o, "%lld day%s", (long long)g->median_age_days, s_(g->median_age_days));
	else if (!g->nopen)
		put(o, "no open items");
	else
		put(o, "unknown without history");
}

static void ttc_one(out_t *o, const pir_report_ttc *t, esc_fn esc)
{
	esc(o, t->severity ? t->severity : "no severity");
	putf(o, " %lld day%s (%zu closed)", (long long)t->median_days, s_(t->median_days),
	     t->closed);
}

static size_t week_peak(const pir_report_group *g)
{
	size_t p = 0;

	for (size_t i = 1; i < PIR_REPORT_WEEKS; i++)
		if (g->weekly_open[i] > g->weekly_open[p])
			p = i;
	return p;
}

/* "12 open, down 3 from 4 weeks ago (15); peak 18 in the week to 2026-08-10" */
static void trend(out_t *o, const ctx *c, const pir_report_group *g)
{
	size_t now = g->weekly_open[PIR_REPORT_WEEKS - 1],
	       then = g->weekly_open[PIR_REPORT_WEEKS - 5];
	size_t peak = week_peak(g);
	char d[11];

	if (!pir_scan_has_history(c->scan)) {
		put(o, "unknown without history");
		return;
	}
	putf(o, "%zu open, ", now);
	if (now < then)
		putf(o, "down %zu from 4 weeks ago (%zu)", then - now, then);
	else if (now > then)
		putf(o, "up %zu from 4 weeks ago (%zu)", now - then, then);
	else
		put(o, "unchanged from 4 weeks ago");
	if (g->weekly_open[peak] > now)
		putf(o, "; peak %zu in the week to %s", g->weekly_open[peak],
		     date_str(d, g->week_end[peak]));
}

/* The last 26 weeks as block characters, one per week. */
static void sparkline(out_t *o, const pir_report_group *g)
{
	static const char *const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
					    "\u2585", "\u2586", "\u2587", "\u2588"};
	size_t max = g->weekly_open[week_peak(g)];

	for (size_t i = 0; i < PIR_REPORT_WEEKS; i++)
		put(o, bars[max ? (g->weekly_open[i] * 7 + max / 2) / max : 0]);
}

static void scanned(out_t *o, const pir_scan *scan, esc_fn esc)
{
	size_t n = pir_scan_repository_count(scan);

	put(o, "Scanned: ");
	for (size_t i = 0; i < n; i++) {
		const pir_repository *repo = pir_scan_repository(scan, i);
		put(o, i ? ", " : "");
		esc(o, repo->name);
		if (repo->commit[0])
			putf(o, " at %.10s", repo->commit);
	}
	put(o, n ? "." : "nothing.");
}

/* ---- text ---- */

#define TEXT_WIDTH 100

static size_t cp_len(const char *s, size_t left)
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
		size_t k = cp_len(s + i, len - i), cw = cp_cols(s + i, k);
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
static void fit(out_t *o, const char *s, size_t cols)
{
	size_t n, brk;

	if (pir_term_width(s) <= cols) {
		put(o, s);
		return;
	}
	n = fit_bytes(s, cols - 1, &brk);
	if (brk && brk >= n - n / 4) /* end on a word when that loses little */
		n = brk;
	putn(o, s, n);
	put(o, "\u2026");
}

/* Terminal-safe `s`, word-wrapped under `indent` spaces; the last line cut. */
static void wrap(out_t *o, const char *s, size_t indent, size_t cols, int maxlines)
{
	for (int line = 0; *s && !o->err; line++) {
		size_t n, brk;

		while (*s == ' ')
			s++;
		putf(o, "%*s", (int)indent, "");
		if (line == maxlines - 1 || pir_term_width(s) <= cols) {
			fit(o, s, cols);
			put(o, "\n");
			return;
		}
		n = fit_bytes(s, cols, &brk);
		if (brk)
			n = brk;
		putn(o, s, n);
		put(o, "\n");
		s += n;
	}
}

/* Build a line in a side buffer, then write it cut to the text width. */
typedef struct {
	pir_buf b;
	out_t o;
} line_t;

static void line_start(line_t *l)
{
	memset(&l->b, 0, sizeof(l->b));
	l->o.b = &l->b;
	l->o.err = 0;
}

/* The line's text (NULL after an error, which passes to `o`). */
static const char *line_text(out_t *o, line_t *l)
{
	if (l->o.err && !o->err)
		o->err = l->o.err;
	return l->o.err ? NULL : l->b.ptr ? l->b.ptr : "";
}

static void line_end(out_t *o, line_t *l, size_t indent)
{
	const char *text = line_text(o, l);

	putf(o, "%*s", (int)indent, "");
	if (text)
		fit(o, text, TEXT_WIDTH - indent);
	put(o, "\n");
	pir_buf_dispose(&l->b);
}

static void text_heading(out_t *o, const char *escaped, char under)
{
	size_t w = pir_term_width(escaped);

	fit(o, escaped, TEXT_WIDTH);
	put(o, "\n");
	for (size_t i = 0; i < w && i < TEXT_WIDTH; i++)
		putn(o, &under, 1);
	put(o, "\n");
}

static void text_item(ctx *c, const pir_item *it, kind k)
{
	out_t *o = &c->o;
	line_t l;
	char *main_p = phrase_str(c, it, k, term, false), *sub_p = phrase_str(c, it, k, term, true);

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	line_start(&l);
	term(&l.o, item_name(it));
	put(&l.o, "  ");
	term(&l.o, it->severity ? it->severity : "no severity");
	put(&l.o, "  ");
	term(&l.o, it->owner && *it->owner ? it->owner : "no owner");
	put(&l.o, "  ");
	put(&l.o, main_p);
	if (*sub_p) {
		put(&l.o, " (");
		put(&l.o, sub_p);
		put(&l.o, ")");
	}
	if (it->id && it->incident) {
		put(&l.o, "  ");
		term(&l.o, it->incident);
	}
	line_end(o, &l, 2);
	if (it->title && *it->title) {
		const char *text;

		line_start(&l);
		term(&l.o, it->title);
		if ((text = line_text(o, &l)))
			wrap(o, text, 6, TEXT_WIDTH - 6, 2);
		pir_buf_dispose(&l.b);
	}
	if (it->snoozed && k != K_OPENED && k != K_CLOSED) {
		line_start(&l);
		snooze_note(&l.o, it, k, term);
		line_end(o, &l, 6);
	}
	line_start(&l);
	location(&l.o, it, term);
	line_end(o, &l, 6);
done:
	free(main_p);
	free(sub_p);
}

static void text_section(ctx *c, const pir_report_group *g, kind k)
{
	out_t *o = &c->o;
	line_t l;
	size_t n;
	const pir_item *const *items = section_items(g, k, &n);

	const char *text;

	line_start(&l);
	section_title(&l.o, c, k);
	putf(&l.o, " (%zu)", n);
	put(o, "\n");
	if ((text = line_text(o, &l)))
		text_heading(o, text, '-');
	pir_buf_dispose(&l.b);
	if (!n) {
		put(o, "  ");
		section_empty(o, c, k);
		put(o, "\n");
	}
	for (size_t i = 0; i < n; i++)
		text_item(c, items[i], k);
}

static void text_remediation(ctx *c, const pir_report_group *g)
{
	out_t *o = &c->o;
	line_t l;

	put(o, "\n");
	text_heading(o, "Remediation", '-');
	putf(o, "  Open items:                %zu\n", g->nopen);
	put(o, "  Median age of open items:  ");
	median_age(o, g);
	put(o, "\n");
	putf(o, "  Median time to close, items closed in the last %d day%s:", c->opts->close_window,
	     s_(c->opts->close_window));
	if (!g->nttc)
		put(o, " nothing closed");
	put(o, "\n");
	for (size_t i = 0; i < g->nttc; i++) {
		line_start(&l);
		ttc_one(&l.o, &g->ttc[i], term);
		line_end(o, &l, 4);
	}
	put(o, "  Backlog:                   ");
	trend(o, c, g);
	put(o, "\n");
	if (pir_scan_has_history(c->scan)) {
		char from[11], to[11];
		putf(o, "  Open per week:             ");
		sparkline(o, g);
		putf(o, "  (%s to %s)\n", date_str(from, g->week_end[0]),
		     date_str(to, g->week_end[PIR_REPORT_WEEKS - 1]));
	}
}

static void text_group(ctx *c, const pir_report_group *g)
{
	out_t *o = &c->o;
	line_t l;
	const char *text;

	line_start(&l);
	term(&l.o, g->name);
	if ((text = line_text(o, &l)))
		text_heading(o, text, '=');
	pir_buf_dispose(&l.b);
	line_start(&l);
	put(&l.o, pir_group_by_name(c->opts->group_by));
	put(&l.o, " ");
	term(&l.o, g->name);
	putf(&l.o, ": %zu open, %zu overdue, %zu due within %d day%s, %zu stale", g->nopen,
	     g->noverdue, g->ndue_soon, c->opts->warn_within, s_(c->opts->warn_within),
	     stale_count(g));
	line_end(o, &l, 0);
	putf(o, "As of %s (UTC); opened and closed since %s.\n", c->as_of_s, c->since_s);
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		text_section(c, g, k);
	text_remediation(c, g);
}

/* ---- Markdown ---- */

static void md_item(ctx *c, const pir_item *it, kind k)
{
	bool snoozed = it->snoozed && k != K_OPENED && k != K_CLOSED;
	out_t *o = &c->o;
	char *main_p = phrase_str(c, it, k, md, false), *sub_p = phrase_str(c, it, k, md, true);

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	put(o, "| ");
	md(o, item_name(it));
	put(o, " | ");
	md(o, it->title);
	put(o, " | ");
	md(o, it->severity ? it->severity : "-");
	put(o, " | ");
	md(o, it->owner && *it->owner ? it->owner : "-");
	put(o, " | ");
	put(o, main_p);
	put(o, " | ");
	put(o, *sub_p || snoozed ? sub_p : "-");
	if (*sub_p && snoozed)
		put(o, "; ");
	snooze_note(o, it, k, md);
	put(o, " | ");
	md(o, it->id && it->incident ? it->incident : "-");
	put(o, " | ");
	location(o, it, md);
	put(o, " |\n");
done:
	free(main_p);
	free(sub_p);
}

static void md_section(ctx *c, const pir_report_group *g, kind k)
{
	static const char *const state[] = {"Overdue", "Due", "Reasons", "Opened", "Closed"};
	static const char *const more[] = {"Details", "Details", "Age", "Age", "How"};
	out_t *o = &c->o;
	size_t n;
	const pir_item *const *items = section_items(g, k, &n);

	put(o, "\n### ");
	section_title(o, c, k);
	putf(o, " (%zu)\n\n", n);
	if (!n) {
		section_empty(o, c, k);
		put(o, "\n");
		return;
	}
	putf(o,
	     "| Item | Title | Severity | Owner | %s | %s | Incident | Location |\n"
	     "|---|---|---|---|---|---|---|---|\n",
	     state[k], more[k]);
	for (size_t i = 0; i < n; i++)
		md_item(c, items[i], k);
}

static void md_group(ctx *c, const pir_report_group *g)
{
	out_t *o = &c->o;

	put(o, "## ");
	md(o, g->name);
	putf(o, "\n\n**%zu open** · %zu overdue · %zu due within %d day%s · %zu stale — %s ",
	     g->nopen, g->noverdue, g->ndue_soon, c->opts->warn_within, s_(c->opts->warn_within),
	     stale_count(g), pir_group_by_name(c->opts->group_by));
	md(o, g->name);
	putf(o, ", as of %s (UTC), opened and closed since %s.\n", c->as_of_s, c->since_s);
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		md_section(c, g, k);
	putf(o, "\n### Remediation\n\n- Open items: %zu\n- Median age of open items: ", g->nopen);
	median_age(o, g);
	putf(o, "\n- Median time to close (items closed in the last %d day%s): ",
	     c->opts->close_window, s_(c->opts->close_window));
	if (!g->nttc)
		put(o, "nothing closed");
	for (size_t i = 0; i < g->nttc; i++) {
		put(o, i ? "; " : "");
		ttc_one(o, &g->ttc[i], md);
	}
	put(o, "\n- Backlog: ");
	trend(o, c, g);
	if (pir_scan_has_history(c->scan)) {
		char from[11], to[11];
		put(o, "\n- Open per week: ");
		sparkline(o, g);
		putf(o, " (%s to %s)", date_str(from, g->week_end[0]),
		     date_str(to, g->week_end[PIR_REPORT_WEEKS - 1]));
	}
	put(o, "\n");
}

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

static void html_pill(out_t *o, const char *text, const char *fg, const char *bg)
{
	putf(o,
	     "<span style=\"display:inline-block;padding:0 6px;border-radius:3px;background:%s;"
	     "color:%s;font-size:11px;line-height:16px;font-weight:bold\">",
	     bg, fg);
	xml(o, text);
	put(o, "</span>");
}

static void html_item(ctx *c, const pir_item *it, kind k)
{
	static const char *const color[] = {RED, AMBER, CALM_DARK, INK, INK};
	out_t *o = &c->o;
	char *main_p = phrase_str(c, it, k, xml, false), *sub_p = phrase_str(c, it, k, xml, true);
	const char *cell = "border-bottom:1px solid " RULE ";vertical-align:top;" FONT;

	if (!main_p || !sub_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	putf(o,
	     "<tr><td style=\"padding:8px 12px 8px "
	     "0;word-wrap:break-word;overflow-wrap:anywhere;%s\">"
	     "<div style=\"font-size:14px;line-height:20px;color:" INK "\"><strong>",
	     cell);
	xml(o, item_name(it));
	put(o, "</strong>");
	if (it->title && *it->title) {
		put(o, " &#8212; ");
		xml(o, it->title);
	}
	put(o, "</div><div style=\"font-size:12px;line-height:20px;color:" MUTED "\">");
	html_pill(o, it->severity ? it->severity : "no severity",
		  sev_color(it->severity_rank, false), sev_color(it->severity_rank, true));
	put(o, " &#183; ");
	if (it->owner && *it->owner)
		xml(o, it->owner);
	else
		put(o, "<span style=\"color:" AMBER "\">no owner</span>");
	if (it->id && it->incident) {
		put(o, " &#183; ");
		xml(o, it->incident);
	}
	if (it->snoozed && k != K_OPENED && k != K_CLOSED) {
		put(o, " &#183; <em>");
		snooze_note(o, it, k, xml);
		put(o, "</em>");
	}
	if (k == K_STALE && it->reasons) {
		put(o, " &#183; ");
		for (unsigned i = 0; i < PIR_REASON_COUNT; i++)
			if ((it->reasons & (1u << i)) && pir_reason_name(1u << i)) {
				html_pill(o, pir_reason_name(1u << i), AMBER, AMBER_BG);
				put(o, " ");
			}
	}
	put(o, "<br><span style=\"font-family:Menlo,Consolas,monospace;font-size:11px\">");
	location(o, it, xml);
	putf(
	    o,
	    "</span></div></td><td align=\"right\" style=\"padding:8px 0;text-align:right;"
	    "white-space:nowrap;%s\"><div style=\"font-size:13px;line-height:20px;font-weight:bold;"
	    "color:%s\">",
	    cell, color[k]);
	if (k == K_STALE) /* the reasons are pills on the left; the age goes here */
		put(o, *sub_p ? sub_p : "age unknown");
	else
		put(o, main_p);
	put(o, "</div><div style=\"font-size:12px;line-height:20px;color:" MUTED "\">");
	if (k != K_STALE)
		put(o, sub_p);
	put(o, "</div></td></tr>\n");
done:
	free(main_p);
	free(sub_p);
}

static void html_section(ctx *c, const pir_report_group *g, kind k)
{
	static const char *const accent[] = {RED, AMBER, CALM_DARK, CALM_DARK, CALM_DARK};
	out_t *o = &c->o;
	size_t n;
	const pir_item *const *items = section_items(g, k, &n);

	putf(o,
	     "<h3 style=\"margin:24px 0 0 0;padding:0 0 6px 0;border-bottom:2px solid %s;"
	     "font-size:15px;line-height:20px;color:%s;" FONT "\">",
	     accent[k], accent[k]);
	section_title(o, c, k);
	putf(o, " <span style=\"font-weight:normal;color:" MUTED "\">(%zu)</span></h3>\n", n);
	if (!n) {
		put(o, "<p style=\"margin:8px 0 0 0;font-size:13px;color:" MUTED ";" FONT "\">");
		section_empty(o, c, k);
		put(o, "</p>\n");
		return;
	}
	put(o, "<table " TABLE " style=\"border-collapse:collapse\">\n");
	for (size_t i = 0; i < n; i++)
		html_item(c, items[i], k);
	put(o, "</table>\n");
}

static void html_count(out_t *o, size_t n, const char *label, const char *fg, const char *bg,
		       bool last)
{
	putf(o,
	     "<td width=\"23%%\" style=\"padding:10px 12px;background:%s;border-radius:6px;" FONT
	     "\"><div style=\"font-size:24px;line-height:30px;font-weight:bold;color:%s\">%zu</div>"
	     "<div style=\"font-size:12px;line-height:16px;color:%s\">%s</div></td>",
	     n ? bg : PAGE, n ? fg : INK, n, n ? fg : MUTED, label);
	if (!last)
		put(o, "<td width=\"8\" style=\"font-size:0;line-height:0\">&#160;</td>");
}

/* Open items at the end of each of the last 26 weeks, as bars. */
static void svg_weekly(ctx *c, const pir_report_group *g)
{
	enum { W = 600, H = 190, L = 40, R = 12, T = 18, B = 28 };
	const double pw = W - L - R, ph = H - T - B, slot = pw / PIR_REPORT_WEEKS;
	out_t *o = &c->o;
	size_t last = g->weekly_open[PIR_REPORT_WEEKS - 1], max = g->weekly_open[week_peak(g)];
	bool history = pir_scan_has_history(c->scan);
	long long step, top;
	char d[11];

	nice_axis((long long)max, 4, &step, &top);
	putf(o,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
	     "viewBox=\"0 0 %d %d\" style=\"display:block;width:100%%;max-width:%dpx;height:auto\" "
	     "font-family=\"Helvetica,Arial,sans-serif\" aria-label=\"Open items per week, ",
	     W, H, W, H, W);
	xml(o, g->name);
	put(o, ": ");
	trend(o, c, g);
	put(o, "\"><title>Open items per week over the last 26 weeks, ");
	xml(o, g->name);
	put(o, "</title>\n");
	for (long long v = 0; v <= top; v += step) {
		double y = T + ph - ph * (double)v / (double)top;
		putf(o,
		     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
		     "stroke-width=\"1\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
		     "font-size=\"11\" fill=\"" MUTED "\">%lld</text>\n",
		     L, y, W - R, y, v ? RULE : CALM, L - 6, y + 4, v);
	}
	for (size_t i = 0; history && i < PIR_REPORT_WEEKS; i++) {
		double h = ph * (double)g->weekly_open[i] / (double)top, x = L + slot * (double)i;
		bool now = i == PIR_REPORT_WEEKS - 1;
		putf(o,
		     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
		     "<title>week to %s: %zu open</title></rect>\n",
		     x + slot * 0.15, T + ph - h, slot * 0.7, h, now ? CALM_DARK : CALM,
		     date_str(d, g->week_end[i]), g->weekly_open[i]);
		if ((PIR_REPORT_WEEKS - 1 - i) % 4 == 0) {
			int y, m0;
			unsigned m, day;
			pir_date_to_civil(g->week_end[i], &y, &m, &day);
			m0 = m >= 1 && m <= 12 ? (int)m - 1 : 0;
			putf(
			    o,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" CALM
			    "\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
			    "fill=\"" MUTED "\">%s %u</text>\n",
			    x + slot / 2, T + ph, x + slot / 2, T + ph + 4, x + slot / 2, H - 8,
			    months[m0], day);
		}
	}
	if (history)
		putf(o,
		     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
		     "font-weight=\"bold\" fill=\"" INK "\">%zu</text>\n",
		     L + slot * (PIR_REPORT_WEEKS - 0.5),
		     T + ph - ph * (double)last / (double)top - 4, last);
	else
		putf(o,
		     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
		     "fill=\"" MUTED "\">No history: weekly counts are unknown</text>\n",
		     L + (int)pw / 2, T + ph / 2);
	put(o, "</svg>\n");
}

/* A severity name cut to `max` code points (before escaping). */
static void xml_cut(out_t *o, const char *s, size_t max)
{
	size_t len = strlen(s), i = 0, n = 0;
	char *cut;

	while (i < len && n < max) {
		i += cp_len(s + i, len - i);
		n++;
	}
	if (i == len) {
		xml(o, s);
		return;
	}
	if (!(cut = pir_strndup(s, i))) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		return;
	}
	xml(o, cut);
	put(o, "\u2026");
	free(cut);
}

/* One row per severity present among the open items (and "none"), a dot per item at its age. */
static void svg_ages(ctx *c, const pir_report_group *g)
{
	enum { W = 600, L = 112, R = 16, T = 8, ROW = 30, AXIS = 36, LEGEND = 22 };
	static const double jitter[5] = {0, -7, 7, -3.5, 3.5};
	const double pw = W - L - R;
	out_t *o = &c->o;
	int rank[PIR_SEVERITY_MAX + 1];
	size_t nrows = 0, unknown = 0, nrow_items[PIR_SEVERITY_MAX + 1] = {0};
	long long max = 0, step, top;
	int h;

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
	for (size_t i = 0; i < g->nopen; i++) {
		if (!g->open[i]->has_age)
			unknown++;
		else if (g->open[i]->age_days > max)
			max = g->open[i]->age_days;
	}
	nice_axis(max, 6, &step, &top);
	h = T + (int)(nrows ? nrows : 1) * ROW + AXIS + LEGEND;
	putf(o,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
	     "viewBox=\"0 0 %d %d\" style=\"display:block;width:100%%;max-width:%dpx;height:auto\" "
	     "font-family=\"Helvetica,Arial,sans-serif\" aria-label=\"Ages of the %zu open item%s",
	     W, h, W, h, W, g->nopen, s_((long long)g->nopen));
	put(o, " of ");
	xml(o, g->name);
	putf(o,
	     " by severity, in days; the oldest is %lld day%s old\"><title>Ages of open items by "
	     "severity, ",
	     max, s_(max));
	xml(o, g->name);
	put(o, "</title>\n");
	for (size_t r = 0; r < nrows; r++) {
		const char *name = rank[r] >= 0 ? pir_scan_severity_name(c->scan, rank[r]) : NULL;
		double cy = T + ROW * (double)r + ROW / 2.0;
		bool other = false; /* severities outside the vocabulary share the "none" row */
		size_t k = 0;

		for (size_t i = 0; rank[r] < 0 && i < g->nopen; i++)
			other |= g->open[i]->severity_rank < 0 && g->open[i]->severity;

		putf(o, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", L,
		     cy - ROW / 2.0, pw, ROW, r % 2 ? "#ffffff" : "#f8fafc");
		putf(o,
		     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\" fill=\"" INK
		     "\">",
		     L - 10, cy + 4);
		xml_cut(o, name ? name : other ? "other" : "none", 12);
		putf(o, " <tspan fill=\"" MUTED "\">(%zu)</tspan></text>\n", nrow_items[r]);
		for (size_t i = 0; i < g->nopen; i++) {
			const pir_item *it = g->open[i];
			int ir = it->severity_rank >= 0 && it->severity_rank < PIR_SEVERITY_MAX
				     ? it->severity_rank
				     : PIR_SEVERITY_NONE;
			const char *fill = in_list(it, g->overdue, g->noverdue)	    ? RED
					   : in_list(it, g->due_soon, g->ndue_soon) ? "#f79009"
										    : CALM_DARK;
			if (ir != rank[r] || !it->has_age)
				continue;
			putf(o,
			     "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" "
			     "fill-opacity=\"0.8\" "
			     "stroke=\"#ffffff\" stroke-width=\"1\"><title>",
			     L + pw * (double)it->age_days / (double)top, cy + jitter[k++ % 5],
			     fill);
			xml(o, item_name(it));
			putf(o, ": %lld day%s old</title></circle>\n", (long long)it->age_days,
			     s_(it->age_days));
		}
	}
	if (!nrows)
		putf(o,
		     "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"" MUTED
		     "\">No open items</text>\n",
		     L + (int)pw / 2, T + ROW / 2 + 4);
	{
		int ay = T + (int)(nrows ? nrows : 1) * ROW;
		putf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" CALM "\"/>\n", L,
		     ay, W - R, ay);
		for (long long v = 0; v <= top; v += step) {
			double x = L + pw * (double)v / (double)top;
			putf(o,
			     "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"" CALM
			     "\"/>"
			     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
			     "fill=\"" MUTED "\">%lld</text>\n",
			     x, ay, x, ay + 4, x, ay + 16, v);
		}
		putf(o,
		     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" fill=\"" MUTED
		     "\">days open</text>\n",
		     W - R, ay + 30);
		ay += AXIS + LEGEND / 2;
		putf(
		    o,
		    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"" RED "\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" fill=\"" INK "\">overdue</text>"
		    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#f79009\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" fill=\"" INK "\">due soon</text>"
		    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"" CALM_DARK "\"/><text x=\"%d\" "
		    "y=\"%d\" font-size=\"11\" fill=\"" INK "\">other open</text>\n",
		    L + 5, ay - 4, L + 14, ay, L + 85, ay - 4, L + 94, ay, L + 170, ay - 4, L + 179,
		    ay);
		if (unknown)
			putf(o,
			     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
			     "fill=\"" MUTED "\">%zu without a known age</text>\n",
			     W - R, ay, unknown);
	}
	put(o, "</svg>\n");
}

static void html_fact(out_t *o, const char *label)
{
	put(o, "<tr><td style=\"padding:6px 12px 6px 0;border-bottom:1px solid " RULE ";width:45%;"
	       "font-size:13px;color:" MUTED ";vertical-align:top;" FONT "\">");
	put(o, label);
	put(o, "</td><td style=\"padding:6px 0;border-bottom:1px solid " RULE ";font-size:13px;"
	       "color:" INK ";vertical-align:top;" FONT "\">");
}

static void html_chart_title(out_t *o, const char *title)
{
	put(o, "<div style=\"margin:20px 0 6px 0;font-size:13px;font-weight:bold;color:" INK
	       ";" FONT "\">");
	put(o, title);
	put(o, "</div>\n");
}

static void html_remediation(ctx *c, const pir_report_group *g)
{
	out_t *o = &c->o;

	put(o,
	    "<h3 style=\"margin:24px 0 0 0;padding:0 0 6px 0;border-bottom:2px solid " CALM_DARK
	    ";font-size:15px;line-height:20px;color:" CALM_DARK ";" FONT "\">Remediation</h3>\n");
	put(o, "<table " TABLE " style=\"border-collapse:collapse\">\n");
	html_fact(o, "Open items");
	putf(o, "%zu</td></tr>\n", g->nopen);
	html_fact(o, "Median age of open items");
	median_age(o, g);
	put(o, "</td></tr>\n");
	putf(o,
	     "<tr><td style=\"padding:6px 12px 6px 0;border-bottom:1px solid " RULE ";width:45%%;"
	     "font-size:13px;color:" MUTED ";vertical-align:top;" FONT "\">Median time to close"
	     "<br><span style=\"font-size:11px\">items closed in the last %d day%s</span></td>"
	     "<td style=\"padding:6px 0;border-bottom:1px solid " RULE ";font-size:13px;color:" INK
	     ";vertical-align:top;" FONT "\">",
	     c->opts->close_window, s_(c->opts->close_window));
	if (!g->nttc)
		put(o, "nothing closed");
	for (size_t i = 0; i < g->nttc; i++) {
		put(o, i ? "<br>" : "");
		ttc_one(o, &g->ttc[i], xml);
	}
	put(o, "</td></tr>\n");
	html_fact(o, "Backlog");
	trend(o, c, g);
	put(o, "</td></tr>\n</table>\n");
	html_chart_title(o, "Open items per week, last 26 weeks");
	svg_weekly(c, g);
	html_chart_title(o, "Age of open items by severity");
	svg_ages(c, g);
}

static void html_group(ctx *c, const pir_report_group *g)
{
	out_t *o = &c->o;

	put(o, "<tr><td style=\"padding:0 0 24px 0\">\n<table " TABLE " style=\"border-collapse:"
	       "separate;background:#ffffff;border:1px solid " RULE ";border-radius:8px\">\n"
	       "<tr><td style=\"padding:20px 24px 24px 24px;" FONT "\">\n"
	       "<div style=\"font-size:11px;line-height:16px;letter-spacing:1px;text-transform:"
	       "uppercase;color:" MUTED "\">");
	put(o, pir_group_by_name(c->opts->group_by));
	put(o, "</div>\n<h2 style=\"margin:2px 0 2px 0;font-size:22px;line-height:28px;color:" INK
	       ";" FONT "\">");
	xml(o, g->name);
	putf(o,
	     "</h2>\n<div style=\"font-size:13px;line-height:18px;color:" MUTED "\">As of %s (UTC)"
	     " &#183; opened and closed since %s</div>\n",
	     c->as_of_s, c->since_s);
	put(o, "<table " TABLE " style=\"margin:16px 0 0 0\"><tr>");
	html_count(o, g->nopen, "open", INK, PAGE, false);
	html_count(o, g->noverdue, "overdue", RED, RED_BG, false);
	html_count(o, g->ndue_soon, "due soon", AMBER, AMBER_BG, false);
	html_count(o, stale_count(g), "stale", CALM_DARK, PAGE, true);
	put(o, "</tr></table>\n");
	for (kind k = K_OVERDUE; k <= K_CLOSED; k++)
		html_section(c, g, k);
	html_remediation(c, g);
	put(o, "</td></tr>\n</table>\n</td></tr>\n");
}

/* With several groups: one line per group first, so the reader sees where to look. */
static void html_overview(ctx *c)
{
	out_t *o = &c->o;
	const char *th = "padding:6px 8px;border-bottom:2px solid " RULE ";font-size:12px;"
			 "color:" MUTED ";text-align:right;" FONT;
	const char *td = "padding:6px 8px;border-bottom:1px solid " RULE ";font-size:13px;"
			 "text-align:right;" FONT;

	put(o, "<tr><td style=\"padding:0 0 24px 0\">\n<table " TABLE " style=\"border-collapse:"
	       "collapse;background:#ffffff;border:1px solid " RULE "\">\n<tr>");
	putf(o, "<th align=\"left\" style=\"%s;text-align:left\">%c%s</th>", th,
	     pir_group_by_name(c->opts->group_by)[0] - 'a' + 'A',
	     pir_group_by_name(c->opts->group_by) + 1);
	putf(o,
	     "<th align=\"right\" style=\"%s\">Open</th><th align=\"right\" "
	     "style=\"%s\">Overdue</th>"
	     "<th align=\"right\" style=\"%s\">Due soon</th><th align=\"right\" "
	     "style=\"%s\">Stale</th>"
	     "</tr>\n",
	     th, th, th, th);
	for (size_t i = 0; i < pir_report_group_count(c->r); i++) {
		const pir_report_group *g = pir_report_group_at(c->r, i);
		putf(o, "<tr><td style=\"%s;text-align:left;color:" INK "\">", td);
		xml(o, g->name);
		putf(o, "</td><td style=\"%s;color:" INK "\">%zu</td>", td, g->nopen);
		putf(o, "<td style=\"%s;color:%s;font-weight:%s\">%zu</td>", td,
		     g->noverdue ? RED : MUTED, g->noverdue ? "bold" : "normal", g->noverdue);
		putf(o, "<td style=\"%s;color:%s;font-weight:%s\">%zu</td>", td,
		     g->ndue_soon ? AMBER : MUTED, g->ndue_soon ? "bold" : "normal", g->ndue_soon);
		putf(o, "<td style=\"%s;color:" CALM_DARK "\">%zu</td></tr>\n", td, stale_count(g));
	}
	put(o, "</table>\n</td></tr>\n");
}

static void html_document(ctx *c, size_t group)
{
	out_t *o = &c->o;
	size_t n = pir_report_group_count(c->r);
	const pir_report_group *only = group != SIZE_MAX ? pir_report_group_at(c->r, group) : NULL;

	put(o,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light\">\n<title>Post-incident action items: ");
	if (only)
		xml(o, only->name);
	else
		putf(o, "by %s", pir_group_by_name(c->opts->group_by));
	putf(o, ", as of %s</title>\n</head>\n", c->as_of_s);
	put(o, "<body style=\"margin:0;padding:0;background:" PAGE "\">\n<table " TABLE
	       " style=\"background:" PAGE "\">\n");
	putf(o,
	     "<tr><td align=\"center\" "
	     "style=\"padding:24px 12px\">\n<table role=\"presentation\" width=\"680\" "
	     "cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	     "style=\"width:100%%;max-width:680px\">\n"
	     "<tr><td style=\"padding:0 4px 16px 4px;" FONT "\"><div style=\"font-size:12px;"
	     "line-height:16px;color:" MUTED "\">pirscan report &#183; as of %s (UTC)</div>"
	     "<h1 style=\"margin:4px 0 0 0;font-size:24px;line-height:30px;color:" INK ";" FONT
	     "\">Post-incident action items</h1></td></tr>\n",
	     c->as_of_s);
	if (only) {
		html_group(c, only);
	} else {
		if (n > 1)
			html_overview(c);
		if (!n)
			put(o, "<tr><td style=\"padding:0 4px 24px 4px;font-size:14px;color:" MUTED
			       ";" FONT "\">No action items.</td></tr>\n");
		for (size_t i = 0; i < n; i++)
			html_group(c, pir_report_group_at(c->r, i));
	}
	put(o, "<tr><td style=\"padding:0 4px;font-size:11px;line-height:16px;color:" MUTED ";" FONT
	       "\">");
	scanned(o, c->scan, xml);
	put(o, " Ages and dates are UTC days; opened and closed dates come from git "
	       "history.</td></tr>\n"
	       "</table>\n</td></tr>\n</table>\n</body>\n</html>\n");
}

/* ---- entry points ---- */

int pir_report_format_parse(pir_report_format *out, const char *name)
{
	if (!name)
		return pir_error_set(PIR_EINVALID, "no report format");
	if (!strcmp(name, "text"))
		*out = PIR_REPORT_TEXT;
	else if (!strcmp(name, "md") || !strcmp(name, "markdown"))
		*out = PIR_REPORT_MARKDOWN;
	else if (!strcmp(name, "html"))
		*out = PIR_REPORT_HTML;
	else
		return pir_error_set(PIR_EINVALID, "unknown report format '%s' (text, md or html)",
				     name);
	return 0;
}

int pir_report_write(pir_buf *out, const pir_report *report, size_t group, pir_report_format format)
{
	ctx c;
	size_t n, first, end;

	if (!out || !report)
		return pir_error_set(PIR_EINVALID, "no report to write");
	n = pir_report_group_count(report);
	if (group != SIZE_MAX && group >= n)
		return pir_error_set(PIR_EINVALID, "no group %zu in the report (%zu groups)", group,
				     n);
	if (format != PIR_REPORT_TEXT && format != PIR_REPORT_MARKDOWN && format != PIR_REPORT_HTML)
		return pir_error_set(PIR_EINVALID, "unknown report format");
	memset(&c, 0, sizeof(c));
	c.o.b = out;
	c.r = report;
	c.scan = pir_report_scan(report);
	c.opts = pir_report_options_of(report);
	c.as_of = pir_scan_as_of(c.scan);
	date_str(c.as_of_s, c.as_of);
	date_str(c.since_s, pir_report_since(report));
	first = group == SIZE_MAX ? 0 : group;
	end = group == SIZE_MAX ? n : group + 1;
	if (format == PIR_REPORT_HTML) {
		html_document(&c, group);
		return c.o.err;
	}
	if (first == end)
		put(&c.o, "No action items.\n");
	for (size_t i = first; i < end; i++) {
		if (i > first)
			put(&c.o, "\n");
		if (format == PIR_REPORT_TEXT)
			text_group(&c, pir_report_group_at(report, i));
		else
			md_group(&c, pir_report_group_at(report, i));
	}
	put(&c.o, "\n");
	scanned(&c.o, c.scan, format == PIR_REPORT_TEXT ? term : md);
	put(&c.o, "\n");
	return c.o.err;
}
