/* SPDX-License-Identifier: MIT */
/*
 * What the gate's writers share (check_common.c); check_table.c and
 * check_ci.c write the formats, format_check.c picks one. Prefixed pir_ck_.
 */
#ifndef PIRSCAN_OUTPUT_CHECK_WRITE_H
#define PIRSCAN_OUTPUT_CHECK_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pirscan/check.h"
#include "pirscan/scan.h"
#include "writer.h"

/* The reasons behind a verdict, most important first. */
#define PIR_CK_NWHY 14
extern const unsigned pir_ck_why_order[PIR_CK_NWHY];

typedef struct {
	const char *repo, *path;
	unsigned line, column; /* line >= 1; column 0 when unknown */
} where_t;

/* A result's title: its item's, or the problem's message. */
const char *pir_ck_result_title(const pir_check_result *r);
/* A result's name: its item's, or for a problem of a whole file, the diagnostic's code. */
const char *pir_ck_result_name(const pir_check_result *r);
const char *pir_ck_result_fingerprint(char out[32], const pir_check_result *r);
uint64_t pir_ck_fnv(uint64_t h, const char *s);
/* An item's stable name: its ID, or "marker-" and a hash of its marker text. */
const char *pir_ck_fingerprint(char out[32], const pir_item *it);
/* A file problem's stable name: "file-" and a hash of its path, code and message (not the line). */
const char *pir_ck_problem_fingerprint(char out[32], const pir_diagnostic *d);
/*
 * One location of an item, stable across runs while it does not change: the
 * item, the path, the kind and the text, and which of identical ones it is
 * (not the line: lines move).
 */
uint64_t pir_ck_location_hash(const pir_item *it, const pir_location *l);
unsigned pir_ck_primary_why(unsigned why);
/*
 * A file problem at its position; an item whose first reason is `invalid` at
 * its first problem (the field to fix); any other item where its work is.
 */
where_t pir_ck_result_where(const pir_check_result *r);
const char *pir_ck_date_str(char buf[11], pir_date d);
/* Every reason of a result, one sentence each, `sep` between; `wo` names the settings. */
void pir_ck_explain_all(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			const pir_check_result *r, const char *sep);
void pir_ck_where_str(pir_out *o, where_t w, void (*esc)(pir_out *, const char *));
/* Is location `l` of a result reported (a failing or warned item's live locations)? */
bool pir_ck_reported(const pir_location *l);
void pir_ck_write_github(pir_out *o, const pir_check *c, const pir_check_write_options *wo);
void pir_ck_write_markdown(pir_out *o, const pir_check *c, const pir_check_write_options *wo);
void pir_ck_table(pir_out *o, const pir_check *c, const pir_check_write_options *opts);
int pir_ck_json_check_member(pir_buf *b, void *payload);
void pir_ck_write_sarif(pir_out *o, const pir_check *c, const pir_check_write_options *wo);
void pir_ck_write_junit(pir_out *o, const pir_check *c, const pir_check_write_options *wo);
void pir_ck_write_gitlab(pir_out *o, const pir_check *c, const pir_check_write_options *wo);

#endif
