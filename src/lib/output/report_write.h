/* SPDX-License-Identifier: MIT */
/*
 * What the report's writers share (report_common.c): a sticky-error writer,
 * escapers, and what every format says; report_text.c and report_html.c
 * write the formats, report_write.c picks one. Prefixed pir_rw_.
 */
#ifndef PIRSCAN_OUTPUT_REPORT_WRITE_H
#define PIRSCAN_OUTPUT_REPORT_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc.h"
#include "pirscan/incident.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "writer.h"

typedef void (*esc_fn)(pir_out *o, const char *s);

typedef struct {
	pir_out o;
	const pir_report *r;
	const pir_scan *scan;
	const pir_report_options *opts;
	pir_date as_of;
	char as_of_s[11];
	char since_s[11];
} ctx;

typedef enum { K_OVERDUE, K_DUE_SOON, K_STALE, K_OPENED, K_CLOSED } kind;

/* The item's name: its ID, else its incident, else "marker". */
const char *pir_rw_item_name(const pir_item *it);
const pir_item *const *pir_rw_section_items(const pir_report_group *g, kind k, size_t *n);
/* A phrase into a fresh buffer (so callers can measure or escape it whole). */
char *pir_rw_phrase_str(const ctx *c, const pir_item *it, kind k, esc_fn esc, bool sub);
size_t pir_rw_stale_count(const pir_report_group *g);
/* Grouping by incident: the group's incident when a postmortem document describes it, or NULL. */
const pir_incident *pir_rw_group_incident(const ctx *c, const pir_report_group *g);
/*
 * What that postmortem says, on one line, escaped by `esc`: its title, date,
 * severity, status, duration and where it is.
 */
void pir_rw_incident_line(pir_out *o, const pir_incident *x, esc_fn esc);
bool pir_rw_in_list(const pir_item *it, const pir_item *const *list, size_t n);
void pir_rw_section_title(pir_out *o, const ctx *c, kind k);
const char *pir_rw_s_(long long n);
void pir_rw_section_empty(pir_out *o, const ctx *c, kind k);
void pir_rw_location(pir_out *o, const pir_item *it, esc_fn esc);
/* The location as a link when report.web_url gives one (Markdown, or HTML), else as above. */
void pir_rw_location_linked(pir_out *o, const ctx *c, const pir_item *it, bool html);
const char *pir_rw_date_str(char buf[11], pir_date d);
/* "snoozed until 2026-12-15: waiting for the vendor", for open items that are. */
void pir_rw_snooze_note(pir_out *o, const pir_item *it, kind k, esc_fn esc);
void pir_rw_median_age(pir_out *o, const pir_report_group *g);
void pir_rw_ttc_one(pir_out *o, const pir_report_ttc *t, esc_fn esc);
size_t pir_rw_week_peak(const pir_report_group *g);
/* "12 open, down 3 from 4 weeks ago (15); peak 18 in the week to 2026-08-10" */
void pir_rw_trend(pir_out *o, const ctx *c, const pir_report_group *g);
/* The last 26 weeks as block characters, one per week. */
void pir_rw_sparkline(pir_out *o, const pir_report_group *g);
/* The footer: repositories scanned (of group `g`'s items; NULL: all) and those that could not be.
 */
void pir_rw_scanned(pir_out *o, const pir_scan *scan, const pir_report_group *g, esc_fn esc);
size_t pir_rw_cp_len(const char *s, size_t left);
/* Terminal-safe `s`, word-wrapped under `indent` spaces; the last line cut. */
void pir_rw_wrap(pir_out *o, const char *s, size_t indent, size_t cols, int maxlines);
void pir_rw_text_group(ctx *c, const pir_report_group *g);
void pir_rw_md_group(ctx *c, const pir_report_group *g);
void pir_rw_html_document(ctx *c, size_t group);

#endif
