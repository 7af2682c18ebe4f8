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
#include "pirscan/report.h"
#include "pirscan/scan.h"

typedef struct {
	pir_buf *b;
	int err;
} out_t;

typedef void (*esc_fn)(out_t *o, const char *s);

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

/* The item's name: its ID, else its incident, else "marker". */
const char *pir_rw_item_name(const pir_item *it);
const pir_item *const *pir_rw_section_items(const pir_report_group *g, kind k, size_t *n);
/* A phrase into a fresh buffer (so callers can measure or escape it whole). */
char *pir_rw_phrase_str(const ctx *c, const pir_item *it, kind k, esc_fn esc, bool sub);
void pir_rw_put(out_t *o, const char *s);
void pir_rw_putn(out_t *o, const char *s, size_t n);
void pir_rw_putf(out_t *o, const char *fmt, ...) PIR_PRINTF(2, 3);
void pir_rw_term(out_t *o, const char *s);
void pir_rw_xml(out_t *o, const char *s);
/* GitHub Markdown text: specials backslash-escaped, < > & as entities, one line. */
void pir_rw_md(out_t *o, const char *s);
size_t pir_rw_stale_count(const pir_report_group *g);
bool pir_rw_in_list(const pir_item *it, const pir_item *const *list, size_t n);
void pir_rw_section_title(out_t *o, const ctx *c, kind k);
const char *pir_rw_s_(long long n);
void pir_rw_section_empty(out_t *o, const ctx *c, kind k);
void pir_rw_location(out_t *o, const pir_item *it, esc_fn esc);
const char *pir_rw_date_str(char buf[11], pir_date d);
/* "snoozed until 2026-12-15: waiting for the vendor", for open items that are. */
void pir_rw_snooze_note(out_t *o, const pir_item *it, kind k, esc_fn esc);
void pir_rw_median_age(out_t *o, const pir_report_group *g);
void pir_rw_ttc_one(out_t *o, const pir_report_ttc *t, esc_fn esc);
size_t pir_rw_week_peak(const pir_report_group *g);
/* "12 open, down 3 from 4 weeks ago (15); peak 18 in the week to 2026-08-10" */
void pir_rw_trend(out_t *o, const ctx *c, const pir_report_group *g);
/* The last 26 weeks as block characters, one per week. */
void pir_rw_sparkline(out_t *o, const pir_report_group *g);
void pir_rw_scanned(out_t *o, const pir_scan *scan, esc_fn esc);
size_t pir_rw_cp_len(const char *s, size_t left);
/* Terminal-safe `s`, word-wrapped under `indent` spaces; the last line cut. */
void pir_rw_wrap(out_t *o, const char *s, size_t indent, size_t cols, int maxlines);
void pir_rw_text_group(ctx *c, const pir_report_group *g);
void pir_rw_md_group(ctx *c, const pir_report_group *g);
void pir_rw_html_document(ctx *c, size_t group);

#endif
