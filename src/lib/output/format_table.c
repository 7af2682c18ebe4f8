/* SPDX-License-Identifier: MIT */
/* The terminal table and the CSV writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/format.h"
#include "pirscan/scan.h"

#define COL_RESET "\033[0m"
#define COL_RED "\033[31m"
#define COL_BOLDRED "\033[1;31m"
#define COL_YELLOW "\033[33m"
#define COL_DIM "\033[2m"
#define COL_BOLD "\033[1m"

enum {
	C_ID,
	C_STATUS,
	C_SEV,
	C_OWNER,
	C_DUE,
	C_AGE,
	C_INCIDENT,
	C_LOCATION,
	C_REASONS,
	C_TITLE,
	C_N
};

static const char *const headers[C_N] = {"ID",	"STATUS",   "SEVERITY", "OWNER",   "DUE",
					 "AGE", "INCIDENT", "LOCATION", "REASONS", "TITLE"};

typedef struct {
	char *cell[C_N];
	const char *color[C_N];
} row;

static char *reasons_str(unsigned reasons)
{
	pir_buf b = PIR_BUF_INIT;

	for (unsigned i = 0; i < PIR_REASON_COUNT; i++) {
		if (!(reasons & (1u << i)))
			continue;
		if ((b.size && pir_buf_putc(&b, ',') < 0) ||
		    pir_buf_puts(&b, pir_reason_name(1u << i)) < 0) {
			pir_buf_dispose(&b);
			return NULL;
		}
	}
	return b.ptr ? b.ptr : pir_strdup("");
}

/* Cells are escaped for the terminal when they are made. */
static char *term(const char *s)
{
	pir_buf b = PIR_BUF_INIT;

	if (pir_buf_term_str(&b, s ? s : "-") < 0 || pir_buf_putc(&b, '\0') < 0) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

static const char *due_color(const pir_item *it, pir_date as_of)
{
	if (it->overdue_days > 0)
		return COL_RED;
	if (it->due != PIR_DATE_NONE && !it->closed && it->due - as_of <= 7)
		return COL_YELLOW;
	return NULL;
}

/* Where the work is: the first marker still in the tree, else the first location. */
const pir_location *pir_item_work_location(const pir_item *it)
{
	for (size_t i = 0; i < it->nlocations; i++)
		if (it->locations[i].kind == PIR_LOCATION_MARKER &&
		    !PIR_COMMIT_REF_SET(&it->locations[i].resolved))
			return &it->locations[i];
	return &it->locations[0];
}

/* What the STATUS column says: gone from the tree, closed, snoozed, or the status as written. */
static const char *status_of(const pir_item *it)
{
	if (PIR_COMMIT_REF_SET(&it->resolved))
		return "resolved";
	if (!it->closed && it->snoozed)
		return "snoozed";
	return it->status && *it->status ? it->status : "open";
}

static int fill_row(row *r, const pir_item *it, pir_date as_of)
{
	const pir_location *l = pir_item_work_location(it);
	char d[11];

	memset(r, 0, sizeof(*r));
	pir_date_format(d, it->due);
	r->cell[C_ID] = term(it->id);
	r->cell[C_STATUS] = term(status_of(it));
	r->cell[C_SEV] = term(it->severity);
	r->cell[C_OWNER] = term(it->owner && *it->owner ? it->owner : NULL);
	if (it->overdue_days > 0)
		r->cell[C_DUE] = pir_sprintf("%lldd overdue", (long long)it->overdue_days);
	else
		r->cell[C_DUE] = pir_strdup(d[0] ? d : "-");
	r->cell[C_AGE] =
	    it->has_age ? pir_sprintf("%lldd", (long long)it->age_days) : pir_strdup("-");
	r->cell[C_INCIDENT] = term(it->incident);
	{
		char *loc = it->nlocations > 1 ? pir_sprintf("%s:%s:%u (+%zu)", l->repo, l->path,
							     l->line, it->nlocations - 1)
					       : pir_sprintf("%s:%s:%u", l->repo, l->path, l->line);
		r->cell[C_LOCATION] = loc ? term(loc) : NULL;
		free(loc);
	}
	{
		char *rs = reasons_str(it->reasons);
		r->cell[C_REASONS] = rs && *rs ? term(rs) : term(NULL);
		free(rs);
	}
	r->cell[C_TITLE] = term(it->title);
	for (int c = 0; c < C_N; c++)
		if (!r->cell[c])
			return PIR_ENOMEM;
	r->color[C_DUE] = due_color(it, as_of);
	if (it->severity_rank == 0)
		r->color[C_SEV] = COL_BOLDRED;
	else if (it->severity_rank == 1)
		r->color[C_SEV] = COL_YELLOW;
	if (it->reasons)
		r->color[C_REASONS] = COL_YELLOW;
	r->color[C_LOCATION] = COL_DIM;
	if (strcmp(status_of(it), "open"))
		r->color[C_STATUS] = COL_DIM;
	return 0;
}

static void free_row(row *r)
{
	for (int c = 0; c < C_N; c++)
		free(r->cell[c]);
}

/* Cut `s` to at most `width` terminal columns, ending with "…" when cut. */
static void put_cut(pir_buf *b, const char *s, size_t width, int *err)
{
	size_t w = 0, i = 0;

	if (pir_term_width(s) <= width) {
		if (!*err)
			*err = pir_buf_puts(b, s);
		return;
	}
	while (s[i] && w + 1 < width) {
		size_t k = 1;
		while ((s[i + k] & 0xc0) == 0x80)
			k++;
		char tmp[8] = {0};
		memcpy(tmp, s + i, k < 8 ? k : 7);
		w += pir_term_width(tmp);
		if (w + 1 > width)
			break;
		i += k;
	}
	if (!*err)
		*err = pir_buf_put(b, s, i);
	if (!*err)
		*err = pir_buf_puts(b, "\xe2\x80\xa6");
}

/* Keep the end of `s` (a location: file and line matter most), starting with "…". */
static const char *cut_left(const char *s, size_t width)
{
	size_t w = pir_term_width(s);

	while (*s && w + 1 > width) {
		const char *next = s + 1;
		while ((*next & 0xc0) == 0x80)
			next++;
		char tmp[8] = {0};
		memcpy(tmp, s, (size_t)(next - s) < 8 ? (size_t)(next - s) : 7);
		w -= pir_term_width(tmp);
		s = next;
	}
	return s;
}

static void put_cell(pir_buf *b, const char *s, const char *color, bool use_color, size_t width,
		     int col, int *err)
{
	size_t w = pir_term_width(s);
	bool last = col == C_TITLE;

	if (*err)
		return;
	if (use_color && color)
		*err = pir_buf_puts(b, color);
	if (w > width && col != C_LOCATION) {
		put_cut(b, s, width, err);
		w = width;
	} else if (w > width) {
		s = cut_left(s, width);
		if (!*err)
			*err = pir_buf_puts(b, "\xe2\x80\xa6");
		if (!*err)
			*err = pir_buf_puts(b, s);
		w = width;
	} else if (!*err) {
		*err = pir_buf_puts(b, s);
	}
	if (!*err && use_color && color)
		*err = pir_buf_puts(b, COL_RESET);
	for (; !*err && !last && w < width + 2; w++)
		*err = pir_buf_putc(b, ' ');
}

/*
 * Fitting a row to the width: the steps tried in turn until the row fits,
 * each cutting a column to a width (with "…") or, with 0, leaving it out.
 * The title and the location give way first, then the columns that matter
 * least (incident, age), then the location altogether: ID, severity, owner,
 * due date and title are the last to go.
 */
static const struct {
	int col;
	size_t width;
} fit_steps[] = {
    {C_LOCATION, 24}, {C_REASONS, 16}, {C_TITLE, 24}, {C_OWNER, 12},	{C_INCIDENT, 12},
    {C_STATUS, 10},   {C_INCIDENT, 0}, {C_AGE, 0},    {C_LOCATION, 16}, {C_TITLE, 20},
    {C_LOCATION, 0},  {C_REASONS, 10}, {C_TITLE, 12}, {C_OWNER, 8},	{C_OWNER, 0},
    {C_TITLE, 8},     {C_ID, 12},
};

static size_t row_width(const size_t *width, const bool *show)
{
	size_t total = 0, n = 0;

	for (int c = 0; c < C_N; c++)
		if (show[c]) {
			total += width[c];
			n++;
		}
	return total + (n ? 2 * (n - 1) : 0);
}

static void fit(size_t *width, bool *show, size_t limit)
{
	static const int give_back[] = {C_TITLE, C_LOCATION, C_REASONS};
	size_t natural[C_N], total;

	memcpy(natural, width, sizeof(natural));
	for (size_t i = 0; i < PIR_ARRAY_SIZE(fit_steps) && row_width(width, show) > limit; i++) {
		int c = fit_steps[i].col;
		if (!show[c])
			continue;
		if (!fit_steps[i].width)
			show[c] = false;
		else if (width[c] > fit_steps[i].width)
			width[c] = fit_steps[i].width;
	}
	/* what is left goes back to the title first, then to the location and reasons */
	total = row_width(width, show);
	for (size_t k = 0; k < PIR_ARRAY_SIZE(give_back) && total < limit; k++) {
		int c = give_back[k];
		size_t more = natural[c] - width[c];
		if (!show[c] || !more)
			continue;
		if (more > limit - total)
			more = limit - total;
		width[c] += more;
		total += more;
	}
}

int pir_format_table(pir_buf *out, const pir_scan *scan, const pir_format_options *o)
{
	pir_format_options defaults = PIR_FORMAT_OPTIONS_INIT;
	size_t n = pir_scan_item_count(scan), nrows = 0, width[C_N] = {0};
	size_t stale = 0, overdue = 0, summary;
	row *rows;
	bool show[C_N], not_open = false;
	int err = 0;

	if (!o)
		o = &defaults;
	if (!(rows = pir_calloc(n ? n : 1, sizeof(*rows))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (!pir_format_selects(it, o))
			continue;
		err = fill_row(&rows[nrows++], it, pir_scan_as_of(scan));
		stale += PIR_ITEM_STALE(it);
		overdue += it->overdue_days > 0;
		not_open |= strcmp(status_of(it), "open") != 0;
	}
	for (int c = 0; c < C_N; c++) {
		/* STATUS with --all, or when a listed item is closed or snoozed */
		show[c] =
		    (c != C_REASONS || o->stale_only) && (c != C_STATUS || o->all || not_open);
		width[c] = pir_term_width(headers[c]);
		for (size_t i = 0; i < nrows && !err; i++) {
			size_t w = pir_term_width(rows[i].cell[c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (o->width)
		fit(width, show, o->width);
	if (!err && nrows) {
		for (int c = 0; c < C_N; c++)
			if (show[c])
				put_cell(out, headers[c], COL_BOLD, o->color, width[c], c, &err);
		if (!err)
			err = pir_buf_putc(out, '\n');
		for (size_t i = 0; i < nrows && !err; i++) {
			for (int c = 0; c < C_N; c++)
				if (show[c])
					put_cell(out, rows[i].cell[c], rows[i].color[c], o->color,
						 width[c], c, &err);
			if (!err)
				err = pir_buf_putc(out, '\n');
		}
	}
	if (!err && nrows)
		err = pir_buf_putc(out, '\n');
	summary = out->size;
	if (!err)
		err = pir_buf_printf(out, "%zu item%s, %zu stale, %zu overdue", nrows,
				     nrows == 1 ? "" : "s", stale, overdue);
	/* the caller's hint on the same line, or on the next when the line would not fit */
	if (!err && o->hint && *o->hint) {
		size_t w = out->size - summary + 2 + pir_term_width(o->hint);
		err = pir_buf_puts(out, o->width && w > o->width ? "\n" : "; ");
		if (!err)
			err = pir_buf_term_str(out, o->hint);
	}
	if (!err)
		err = pir_buf_putc(out, '\n');
	for (size_t i = 0; i < nrows; i++)
		free_row(&rows[i]);
	free(rows);
	return err;
}

static void csv(pir_buf *b, const char *s, bool last, int *err)
{
	if (!*err)
		*err = pir_buf_csv_field(b, s);
	if (!*err)
		*err = last ? pir_buf_puts(b, "\r\n") : pir_buf_putc(b, ',');
}

static void csv_num(pir_buf *b, bool set, long long v, int *err)
{
	char s[32] = "";

	if (set)
		snprintf(s, sizeof(s), "%lld", v);
	csv(b, s, false, err);
}

static void csv_date(pir_buf *b, pir_date d, int *err)
{
	char s[11];

	pir_date_format(s, d);
	csv(b, s, false, err);
}

int pir_format_csv(pir_buf *out, const pir_scan *scan, const pir_format_options *o)
{
	pir_format_options defaults = PIR_FORMAT_OPTIONS_INIT;
	int err = 0;

	if (!o)
		o = &defaults;
	err = pir_buf_puts(out, "id,title,incident,owner,due,severity,status,introduced_commit,"
				"introduced_date,resolved_commit,resolved_date,age_days,"
				"overdue_days,stale,reasons,repo,path,line,locations,team\r\n");
	for (size_t i = 0; i < pir_scan_item_count(scan) && !err; i++) {
		const pir_item *it = pir_scan_item(scan, i);
		const pir_location *l = &it->locations[0];
		char *rs;

		if (!pir_format_selects(it, o))
			continue;
		csv(out, it->id, false, &err);
		csv(out, it->title, false, &err);
		csv(out, it->incident, false, &err);
		csv(out, it->owner, false, &err);
		csv_date(out, it->due, &err);
		csv(out, it->severity, false, &err);
		csv(out, it->status, false, &err);
		csv(out, it->introduced.commit, false, &err);
		csv_date(out, it->introduced.date, &err);
		csv(out, it->resolved.commit, false, &err);
		csv_date(out, it->resolved.date, &err);
		csv_num(out, it->has_age, it->age_days, &err);
		csv_num(out, it->has_overdue, it->overdue_days, &err);
		csv(out, PIR_ITEM_STALE(it) ? "true" : "false", false, &err);
		if (!(rs = reasons_str(it->reasons)))
			return PIR_ENOMEM;
		for (char *p = rs; *p; p++)
			if (*p == ',')
				*p = ';';
		csv(out, rs, false, &err);
		free(rs);
		csv(out, l->repo, false, &err);
		csv(out, l->path, false, &err);
		csv_num(out, true, l->line, &err);
		csv_num(out, true, (long long)it->nlocations, &err);
		csv(out, it->team, true, &err);
	}
	return err;
}

int pir_format_diagnostic(pir_buf *out, const pir_diagnostic *d)
{
	const char *level = d->level == PIR_DIAG_ERROR	   ? "error"
			    : d->level == PIR_DIAG_WARNING ? "warning"
							   : "note";
	int err = pir_buf_printf(out, "pirscan: %s: ", level);

	if (!err && d->repo) {
		err = pir_buf_term_str(out, d->repo);
		if (!err && d->path) {
			err = pir_buf_putc(out, ':');
			if (!err)
				err = pir_buf_term_str(out, d->path);
		}
		if (!err && d->line)
			err = pir_buf_printf(out, ":%u:%u", d->line, d->column);
		if (!err)
			err = pir_buf_puts(out, ": ");
	}
	if (!err)
		err = pir_buf_term_str(out, d->message);
	if (!err)
		err = pir_buf_printf(out, " [%s]\n", d->code);
	return err;
}

int pir_format_term_str(pir_buf *out, const char *s)
{
	return pir_buf_term_str(out, s);
}
