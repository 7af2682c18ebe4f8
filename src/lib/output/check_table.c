/* SPDX-License-Identifier: MIT */
/* The gate for people: the terminal table fitted to its width, GitHub workflow commands and step
 * summary. */
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "check_int.h"
#include "check_write.h"
#include "pirscan/check.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "writer.h"
/* ---- table ---- */

/* The reasons, for a terminal: they quote names and values from the repository. */
static void why_term(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
		     const pir_check_result *r)
{
	pir_buf why = PIR_BUF_INIT;
	pir_out w = {&why, 0};

	pir_ck_explain_all(&w, c, wo, r, "; ");
	o->err = o->err ? o->err : w.err;
	pir_out_term(o, why.ptr);
	pir_buf_dispose(&why);
}

static const char *verdict_word(pir_verdict v)
{
	switch (v) {
	case PIR_VERDICT_FAIL:
		return "FAIL";
	case PIR_VERDICT_WARN:
		return "WARN";
	case PIR_VERDICT_SNOOZED:
		return "SNOOZED";
	default:
		return "PASS";
	}
}

/* The gate's overall word: cannot vouch (and why), failed or passed. */
static void put_verdict(pir_out *o, const pir_check *c, const char *no_vouch, const char *failed)
{
	if (!pir_check_cannot_vouch(c))
		pir_out_put(o, pir_check_failed(c) ? failed : "passed");
	else
		pir_out_putf(o, "%s (%s)", no_vouch,
			     pir_scan_unreadable_count(pir_check_scan(c))
				 ? "objects could not be read"
				 : "repositories could not be scanned");
}

static void summary_line(pir_out *o, const pir_check *c)
{
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];

	pir_out_put(o, "pirscan check: ");
	put_verdict(o, c, "CANNOT VOUCH", "FAILED");
	pir_out_putf(o,
		     ": %zu failing, %zu warning%s, %zu snoozed, %zu passed "
		     "(as of %s UTC; fail-on ",
		     pir_check_tally(c, PIR_VERDICT_FAIL), pir_check_tally(c, PIR_VERDICT_WARN),
		     pir_check_tally(c, PIR_VERDICT_WARN) == 1 ? "" : "s",
		     pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS),
		     pir_ck_date_str(d, pir_scan_as_of(pir_check_scan(c))));
	pir_out_term(o, opts->fail_on);
	pir_out_putf(o, ", grace %d day%s%s)\n", opts->grace, opts->grace == 1 ? "" : "s",
		     pir_check_invalid_fails(c) ? "" : "; invalid entries only warn");
}

static void write_table(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
{
	static const char *const col[] = {[PIR_VERDICT_FAIL] = "\033[1;31m",
					  [PIR_VERDICT_WARN] = "\033[33m",
					  [PIR_VERDICT_SNOOZED] = "\033[36m"};
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		char d[11];

		if (r->verdict == PIR_VERDICT_PASS)
			continue;
		if (wo->color)
			pir_out_put(o, col[r->verdict]);
		pir_out_putf(o, "%-7s", verdict_word(r->verdict));
		if (wo->color)
			pir_out_put(o, "\033[0m");
		pir_out_put(o, "  ");
		pir_out_term(o, pir_ck_result_name(r));
		if (!it) { /* a problem of a whole file */
			pir_out_put(o, "  ");
			pir_ck_where_str(o, pir_ck_result_where(r), pir_out_term);
			pir_out_put(o, "\n         ");
			pir_out_term(o, pir_ck_result_title(r));
			pir_out_put(o, "\n         ");
			why_term(o, c, wo, r);
			pir_out_put(o, "\n");
			continue;
		}
		pir_out_put(o, "  ");
		pir_out_term(o, it->severity ? it->severity : "-");
		pir_out_put(o, "  ");
		pir_out_term(o, it->owner && *it->owner ? it->owner : "no owner");
		if (it->overdue_days > 0)
			pir_out_putf(o, "  %lldd overdue", (long long)it->overdue_days);
		else if (it->due != PIR_DATE_NONE)
			pir_out_putf(o, "  due %s", pir_ck_date_str(d, it->due));
		else
			pir_out_put(o, "  no due date");
		if (it->id && it->incident) {
			pir_out_put(o, "  ");
			pir_out_term(o, it->incident);
		}
		pir_out_put(o, "  ");
		pir_ck_where_str(o, pir_ck_result_where(r), pir_out_term);
		pir_out_put(o, "\n         ");
		pir_out_term(o, it->title ? it->title : "");
		pir_out_put(o, "\n         ");
		if (r->verdict == PIR_VERDICT_SNOOZED && it->snoozed) {
			pir_out_putf(o, "snoozed until %s: ", pir_ck_date_str(d, it->snooze_until));
			pir_out_term(o, it->snooze_reason);
			if (r->why) {
				pir_out_put(o, "; would fail: ");
				why_term(o, c, wo, r);
			}
		} else {
			why_term(o, c, wo, r);
		}
		pir_out_put(o, "\n");
	}
	if (pir_check_count(c) > pir_check_tally(c, PIR_VERDICT_PASS))
		pir_out_put(o, "\n");
	summary_line(o, c);
}

/* ---- GitHub Actions ---- */

/* Workflow command escaping: data escapes % CR LF; properties also : and ,. */
static void gh_escape(pir_out *o, const char *s, bool property)
{
	pir_buf b = PIR_BUF_INIT;

	for (; s && *s && !o->err; s++) {
		switch (*s) {
		case '%':
			o->err = pir_buf_puts(&b, "%25");
			break;
		case '\r':
			o->err = pir_buf_puts(&b, "%0D");
			break;
		case '\n':
			o->err = pir_buf_puts(&b, "%0A");
			break;
		case ':':
			o->err = property ? pir_buf_puts(&b, "%3A") : pir_buf_putc(&b, ':');
			break;
		case ',':
			o->err = property ? pir_buf_puts(&b, "%2C") : pir_buf_putc(&b, ',');
			break;
		default:
			o->err = pir_buf_putc(&b, *s);
			break;
		}
	}
	if (b.ptr)
		pir_out_put(o, b.ptr);
	pir_buf_dispose(&b);
}

void pir_ck_write_github(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
{
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		const char *cmd = r->verdict == PIR_VERDICT_FAIL      ? "error"
				  : r->verdict == PIR_VERDICT_WARN    ? "warning"
				  : r->verdict == PIR_VERDICT_SNOOZED ? "notice"
								      : NULL;
		if (!cmd || (r->verdict == PIR_VERDICT_SNOOZED && !r->why))
			continue;
		/* one annotation per item, where the work is: GitHub shows only a few per step */
		{
			where_t l = pir_ck_result_where(r);
			pir_buf msg = PIR_BUF_INIT, title = PIR_BUF_INIT;
			pir_out m = {&msg, 0}, t = {&title, 0};
			char d[11];

			pir_out_put(&t, pir_ck_result_name(r));
			if (strcmp(pir_ck_result_name(r),
				   pir_check_why_name(pir_ck_primary_why(r->why))) != 0) {
				pir_out_put(&t, " ");
				pir_out_put(&t, pir_check_why_name(pir_ck_primary_why(r->why)));
			}
			if (pir_ck_result_title(r)) {
				pir_out_put(&m, pir_ck_result_title(r));
				pir_out_put(&m, ": ");
			}
			if (it && r->verdict == PIR_VERDICT_SNOOZED) {
				pir_out_putf(
				    &m, "snoozed until %s: ", pir_ck_date_str(d, it->snooze_until));
				pir_out_put(&m, it->snooze_reason ? it->snooze_reason : "");
				pir_out_put(&m, "; would fail: ");
			}
			pir_ck_explain_all(&m, c, wo, r, "; ");
			if (it && it->owner && *it->owner) {
				pir_out_put(&m, " (owner ");
				pir_out_put(&m, it->owner);
				pir_out_put(&m, ")");
			}
			o->err = o->err ? o->err : m.err ? m.err : t.err;
			pir_out_putf(o, "::%s file=", cmd);
			gh_escape(o, l.path, true);
			pir_out_putf(o, ",line=%u,col=%u,title=", l.line, l.column ? l.column : 1);
			gh_escape(o, title.ptr, true);
			pir_out_put(o, "::");
			gh_escape(o, msg.ptr, false);
			pir_out_put(o, "\n");
			pir_buf_dispose(&msg);
			pir_buf_dispose(&title);
		}
	}
	summary_line(o, c);
}

/* ---- Markdown (the GitHub step summary) ---- */

void pir_ck_write_markdown(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
{
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];
	bool any = false;

	pir_out_put(o, "## pirscan check: ");
	put_verdict(o, c, "cannot vouch", "failed");
	pir_out_put(o, "\n\n");
	pir_out_putf(
	    o,
	    "%zu failing, %zu warning%s, %zu snoozed, %zu passed, as of %s (UTC); fails on "
	    "overdue items at ",
	    pir_check_tally(c, PIR_VERDICT_FAIL), pir_check_tally(c, PIR_VERDICT_WARN),
	    pir_check_tally(c, PIR_VERDICT_WARN) == 1 ? "" : "s",
	    pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS),
	    pir_ck_date_str(d, pir_scan_as_of(pir_check_scan(c))));
	pir_out_md(o, opts->fail_on);
	pir_out_putf(o, " and above, grace %d days.\n\n", opts->grace);
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		if (r->verdict == PIR_VERDICT_PASS)
			continue;
		if (!any)
			pir_out_put(o, "| | Item | Severity | Owner | Due | Location | Why |\n"
				       "|---|---|---|---|---|---|---|\n");
		any = true;
		pir_out_putf(o, "| %s | ", verdict_word(r->verdict));
		pir_out_md(o, pir_ck_result_name(r));
		if (pir_ck_result_title(r)) {
			pir_out_put(o, ": ");
			pir_out_md(o, pir_ck_result_title(r));
		}
		pir_out_put(o, " | ");
		pir_out_md(o, it && it->severity ? it->severity : "-");
		pir_out_put(o, " | ");
		pir_out_md(o, it && it->owner ? it->owner : "-");
		pir_out_putf(o, " | %s | ", pir_ck_date_str(d, it ? it->due : PIR_DATE_NONE));
		pir_ck_where_str(o, pir_ck_result_where(r), pir_out_md);
		pir_out_put(o, " | ");
		{
			pir_buf why = PIR_BUF_INIT;
			pir_out w = {&why, 0};
			if (it && r->verdict == PIR_VERDICT_SNOOZED) {
				pir_out_putf(
				    &w, "snoozed until %s: ", pir_ck_date_str(d, it->snooze_until));
				pir_out_put(&w, it->snooze_reason ? it->snooze_reason : "");
			} else {
				pir_ck_explain_all(&w, c, wo, r, "; ");
			}
			o->err = o->err ? o->err : w.err;
			pir_out_md(o, why.ptr);
			pir_buf_dispose(&why);
		}
		pir_out_put(o, " |\n");
	}
}

/* Terminal columns of s[0..n), ANSI colour sequences (ours, the only raw ESC) not counted. */
static size_t visible_width(const char *s, size_t n, pir_buf *tmp)
{
	tmp->size = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (pir_buf_putc(tmp, s[i]) < 0)
			return n;
	}
	return tmp->size && pir_buf_putc(tmp, '\0') == 0 ? pir_term_width(tmp->ptr) : 0;
}

/* Where a line's continuation starts: its own indentation, under a result's name, or 2. */
static size_t continuation(const char *line, size_t n)
{
	static const char *const heads[] = {"FAIL", "WARN", "SNOOZED", "\033["};
	size_t k = 0;

	while (k < n && line[k] == ' ')
		k++;
	if (k)
		return k;
	for (size_t i = 0; i < PIR_ARRAY_SIZE(heads); i++)
		if (n >= strlen(heads[i]) && memcmp(line, heads[i], strlen(heads[i])) == 0)
			return 9;
	return 2;
}

/*
 * Append the word s[0..n) in at most `room` columns: whole when it fits,
 * else "…" and its end (a path keeps its file name and line). Returns the
 * columns written.
 */
static size_t put_word(pir_out *o, const char *s, size_t n, size_t room, pir_buf *tmp)
{
	size_t w = visible_width(s, n, tmp), k = n, kept = 0;

	if (w <= room || room < 2) {
		pir_out_putn(o, s, n);
		return w;
	}
	/* back from the end one UTF-8 sequence at a time: linear in the word */
	while (k > 0) {
		size_t start = k - 1, cw;

		while (start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80)
			start--;
		cw = visible_width(s + start, k - start, tmp);
		if (kept + cw > room - 1)
			break;
		kept += cw;
		k = start;
	}
	pir_out_put(o, "\xe2\x80\xa6"); /* … */
	pir_out_putn(o, s + k, n - k);
	return 1 + kept;
}

/*
 * Append one line of `text`, broken between words and going on indented,
 * so that no piece is wider than `width`; a word wider than a whole line
 * is elided from the left.
 */
static void wrap_line(pir_out *o, const char *line, size_t n, unsigned width, pir_buf *tmp)
{
	size_t indent = continuation(line, n), col = 0, i = 0;
	bool first = true;

	while (i < n) {
		size_t ws = i, we, w;

		while (ws < n && line[ws] == ' ')
			ws++;
		we = ws;
		while (we < n && line[we] != ' ')
			we++;
		if (we == ws)
			break;
		w = visible_width(line + ws, we - ws, tmp);
		if (first) { /* the line's own indentation and its first word */
			pir_out_putn(o, line, ws);
			col =
			    ws + put_word(o, line + ws, we - ws, width > ws ? width - ws : 0, tmp);
			first = false;
		} else if (col + (ws - i) + w <= width) {
			pir_out_putn(o, line + i, we - i);
			col += (ws - i) + w;
		} else {
			pir_out_putf(o, "\n%*s", (int)indent, "");
			col = indent + put_word(o, line + ws, we - ws,
						width > indent ? width - indent : 0, tmp);
		}
		i = we;
	}
	pir_out_put(o, "\n");
}

/* The table's lines fitted to `width` columns. */
static void fit_table(pir_out *o, const char *text, size_t len, unsigned width)
{
	pir_buf tmp = PIR_BUF_INIT;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (nl ? (size_t)(nl - text) : len) - at;

		if (visible_width(text + at, n, &tmp) <= width)
			pir_out_putn(o, text + at, n + (nl != NULL));
		else
			wrap_line(o, text + at, n, width, &tmp);
		at += n + (nl != NULL);
	}
	pir_buf_dispose(&tmp);
}

void pir_ck_table(pir_out *o, const pir_check *c, const pir_check_write_options *opts)
{
	pir_buf raw = PIR_BUF_INIT;
	pir_out r = {&raw, 0};

	if (!opts->width) {
		write_table(o, c, opts);
		return;
	}
	write_table(&r, c, opts);
	if (r.err)
		o->err = o->err ? o->err : r.err;
	else
		fit_table(o, raw.ptr ? raw.ptr : "", raw.size, opts->width);
	pir_buf_dispose(&raw);
}
