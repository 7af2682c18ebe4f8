/* SPDX-License-Identifier: MIT */
/*
 * The incidents, one row each (pirscan incidents): a table for a terminal,
 * JSON, CSV and Markdown. Every format has the same columns in the same
 * order; what comes from a repository is escaped for each.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "output.h"
#include "writer.h"
#include "pirscan/date.h"
#include "pirscan/incident.h"

enum {
	COL_ID,
	COL_DATE,
	COL_SEVERITY,
	COL_STATUS,
	COL_DURATION,
	COL_OPEN,
	COL_OVERDUE,
	COL_CLOSED,
	COL_OLDEST,
	COL_TTR,
	COL_POSTMORTEM,
	COL_TITLE,
	NCOLS
};

static const char *const headers[NCOLS] = {"ID",       "DATE", "SEVERITY",   "STATUS",
					   "DURATION", "OPEN", "OVERDUE",    "CLOSED",
					   "OLDEST",   "TTR",  "POSTMORTEM", "TITLE"};
static const char *const csv_headers[NCOLS] = {
    "id",      "date",	 "severity",	     "status",		 "duration",   "open",
    "overdue", "closed", "oldest_open_days", "remediation_days", "postmortem", "title"};

int pir_incidents_format_parse(pir_incidents_format *out, const char *name)
{
	static const struct {
		const char *name;
		pir_incidents_format f;
	} names[] = {{"table", PIR_INCIDENTS_TABLE},
		     {"json", PIR_INCIDENTS_JSON},
		     {"csv", PIR_INCIDENTS_CSV},
		     {"md", PIR_INCIDENTS_MARKDOWN},
		     {"markdown", PIR_INCIDENTS_MARKDOWN}};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name)) {
			*out = names[i].f;
			return 0;
		}
	return pir_error_set(PIR_EINVALID, "expected table, json, csv or md, not '%s'",
			     name ? name : "");
}

/* A cell as text (NULL: none); numbers and dates in `tmp`. */
static const char *cell(const pir_incident *x, int col, char *tmp, size_t size, pir_buf *pm)
{
	switch (col) {
	case COL_ID:
		return x->id;
	case COL_DATE:
		pir_date_format(tmp, x->date);
		return x->date == PIR_DATE_NONE || !tmp[0] ? NULL : tmp;
	case COL_SEVERITY:
		return x->severity;
	case COL_STATUS:
		return x->status;
	case COL_DURATION:
		return x->duration;
	case COL_OPEN:
	case COL_OVERDUE:
	case COL_CLOSED:
		snprintf(tmp, size, "%zu",
			 col == COL_OPEN      ? x->open
			 : col == COL_OVERDUE ? x->overdue
					      : x->closed);
		return tmp;
	case COL_OLDEST:
		if (!x->has_oldest_open_age)
			return NULL;
		snprintf(tmp, size, "%lld", (long long)x->oldest_open_age_days);
		return tmp;
	case COL_TTR:
		if (!x->has_remediation)
			return NULL;
		snprintf(tmp, size, "%lld", (long long)x->remediation_days);
		return tmp;
	case COL_POSTMORTEM:
		if (!x->path)
			return NULL;
		pm->size = 0;
		if (pir_buf_printf(pm, "%s:%s", x->repo, x->path) < 0)
			return NULL;
		return pm->ptr;
	default:
		return x->title;
	}
}

static bool numeric(int col)
{
	return col >= COL_OPEN && col <= COL_TTR;
}

static int write_table(pir_out *o, const pir_scan *s)
{
	size_t width[NCOLS], n = pir_scan_incident_count(s);
	char tmp[32];
	pir_buf pm = PIR_BUF_INIT;

	for (int c = 0; c < NCOLS; c++)
		width[c] = strlen(headers[c]);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < NCOLS; c++) {
			const char *v = cell(pir_scan_incident(s, i), c, tmp, sizeof(tmp), &pm);
			size_t w = v ? pir_term_width(v) : 1;
			if (w > width[c])
				width[c] = w;
		}
	for (size_t i = 0; i <= n; i++) {
		for (int c = 0; c < NCOLS; c++) {
			const char *v =
			    i ? cell(pir_scan_incident(s, i - 1), c, tmp, sizeof(tmp), &pm)
			      : headers[c];
			size_t w = v ? pir_term_width(v) : 1;
			if (numeric(c) && i)
				pir_out_putf(o, "%*s", (int)(width[c] - w), "");
			pir_out_term(o, v ? v : "-");
			if (c < NCOLS - 1 && !(numeric(c) && i))
				pir_out_putf(o, "%*s", (int)(width[c] - w), "");
			if (c < NCOLS - 1)
				pir_out_put(o, "  ");
		}
		pir_out_put(o, "\n");
	}
	pir_out_putf(o, "\n%zu incident%s\n", n, n == 1 ? "" : "s");
	pir_buf_dispose(&pm);
	return o->err;
}

static void json_num(pir_out *o, bool set, long long v)
{
	if (set)
		pir_out_putf(o, "%lld", v);
	else
		pir_out_put(o, "null");
}

/* One incident as a JSON object (docs/pirscan.schema.json, $defs/incident). */
static void json_incident(pir_out *o, const pir_incident *x)
{
	char d[11];

	pir_out_put(o, "{\"id\": ");
	pir_out_json(o, x->id);
	pir_out_put(o, ", \"title\": ");
	pir_out_json(o, x->title);
	pir_date_format(d, x->date);
	pir_out_put(o, ", \"date\": ");
	pir_out_json(o, x->date == PIR_DATE_NONE || !d[0] ? NULL : d);
	pir_out_put(o, ", \"severity\": ");
	pir_out_json(o, x->severity);
	pir_out_put(o, ", \"status\": ");
	pir_out_json(o, x->status);
	pir_out_put(o, ", \"duration\": ");
	pir_out_json(o, x->duration);
	pir_out_put(o, ", \"repo\": ");
	pir_out_json(o, x->repo);
	pir_out_put(o, ", \"path\": ");
	pir_out_json(o, x->path);
	pir_out_putf(o, ", \"open\": %zu, \"overdue\": %zu, \"closed\": %zu", x->open, x->overdue,
		     x->closed);
	pir_out_put(o, ", \"oldest_open_days\": ");
	json_num(o, x->has_oldest_open_age, (long long)x->oldest_open_age_days);
	pir_out_put(o, ", \"remediation_days\": ");
	json_num(o, x->has_remediation, (long long)x->remediation_days);
	pir_date_format(d, x->remediated);
	pir_out_put(o, ", \"remediated\": ");
	pir_out_json(o, x->remediated == PIR_DATE_NONE || !d[0] ? NULL : d);
	pir_out_put(o, "}");
}

static int write_json(pir_out *o, const pir_scan *s)
{
	size_t n = pir_scan_incident_count(s), nd = pir_scan_diagnostic_count(s);
	char asof[11];

	pir_date_format(asof, pir_scan_as_of(s));
	pir_out_put(o, "{\n  \"pirscan\": ");
	pir_out_json(o, pir_version());
	pir_out_put(o, ",\n  \"as_of\": ");
	pir_out_json(o, asof);
	pir_out_put(o, ",\n  \"incidents\": [");
	for (size_t i = 0; i < n; i++) {
		pir_out_put(o, i ? ",\n    " : "\n    ");
		json_incident(o, pir_scan_incident(s, i));
	}
	pir_out_put(o, n ? "\n  ],\n  \"diagnostics\": [" : "],\n  \"diagnostics\": [");
	for (size_t i = 0; i < nd; i++) {
		const pir_diagnostic *d = pir_scan_diagnostic(s, i);
		static const char *const levels[] = {"info", "warning", "error"};
		pir_out_put(o, i ? ",\n    {\"level\": " : "\n    {\"level\": ");
		pir_out_json(o, levels[d->level]);
		pir_out_put(o, ", \"code\": ");
		pir_out_json(o, d->code);
		pir_out_put(o, ", \"repo\": ");
		pir_out_json(o, d->repo);
		pir_out_put(o, ", \"path\": ");
		pir_out_json(o, d->path);
		pir_out_put(o, ", \"line\": ");
		json_num(o, d->line != 0, d->line);
		pir_out_put(o, ", \"column\": ");
		json_num(o, d->column != 0, d->column);
		pir_out_put(o, ", \"message\": ");
		pir_out_json(o, d->message);
		pir_out_put(o, "}");
	}
	pir_out_put(o, nd ? "\n  ]\n}\n" : "]\n}\n");
	return o->err;
}

static int write_rows(pir_out *o, const pir_scan *s, bool md)
{
	size_t n = pir_scan_incident_count(s);
	char tmp[32];
	pir_buf pm = PIR_BUF_INIT;

	for (int c = 0; c < NCOLS; c++) {
		pir_out_put(o, md ? (c ? " | " : "| ") : (c ? "," : ""));
		pir_out_put(o, md ? headers[c] : csv_headers[c]);
	}
	pir_out_put(o, md ? " |\n|" : "\r\n");
	for (int c = 0; md && c < NCOLS; c++)
		pir_out_put(o, numeric(c) ? "---:|" : "---|");
	if (md)
		pir_out_put(o, "\n");
	for (size_t i = 0; i < n && !o->err; i++) {
		for (int c = 0; c < NCOLS; c++) {
			const char *v = cell(pir_scan_incident(s, i), c, tmp, sizeof(tmp), &pm);
			if (md) {
				pir_out_put(o, c ? " | " : "| ");
				pir_out_md(o, v ? v : "-");
				continue;
			}
			if (c)
				pir_out_put(o, ",");
			if (v && !o->err && (o->err = pir_buf_csv_field(o->b, v)) < 0)
				break;
		}
		pir_out_put(o, md ? " |\n" : "\r\n");
	}
	pir_buf_dispose(&pm);
	return o->err;
}

int pir_format_incidents(pir_buf *out, const pir_scan *s, pir_incidents_format format)
{
	pir_out o = {out, 0};

	switch (format) {
	case PIR_INCIDENTS_JSON:
		return write_json(&o, s);
	case PIR_INCIDENTS_CSV:
		return write_rows(&o, s, false);
	case PIR_INCIDENTS_MARKDOWN:
		return write_rows(&o, s, true);
	default:
		return write_table(&o, s);
	}
}
