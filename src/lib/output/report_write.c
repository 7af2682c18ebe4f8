/* SPDX-License-Identifier: MIT */
/*
 * The report's writers: per group, what is overdue, due soon and otherwise
 * stale, what was opened and closed lately, and how remediation goes; as
 * plain text, GitHub Markdown, or one self-contained HTML document (inline
 * styles, table layout, inline SVG charts) that mail clients can show.
 * Everything from a repository is escaped for its format, and nothing
 * depends on the clock: the same report gives the same bytes.
 */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "pirscan/common.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "report_write.h"
#include "writer.h"

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
	pir_rw_date_str(c.as_of_s, c.as_of);
	pir_rw_date_str(c.since_s, pir_report_since(report));
	first = group == SIZE_MAX ? 0 : group;
	end = group == SIZE_MAX ? n : group + 1;
	if (format == PIR_REPORT_HTML) {
		pir_rw_html_document(&c, group);
		return c.o.err;
	}
	if (first == end)
		pir_out_put(&c.o, "No action items.\n");
	for (size_t i = first; i < end; i++) {
		if (i > first)
			pir_out_put(&c.o, "\n");
		if (format == PIR_REPORT_TEXT)
			pir_rw_text_group(&c, pir_report_group_at(report, i));
		else
			pir_rw_md_group(&c, pir_report_group_at(report, i));
	}
	pir_out_put(&c.o, "\n");
	pir_rw_scanned(&c.o, c.scan, group == SIZE_MAX ? NULL : pir_report_group_at(report, group),
		       format == PIR_REPORT_TEXT ? pir_out_term : pir_out_md);
	pir_out_put(&c.o, "\n");
	return c.o.err;
}
