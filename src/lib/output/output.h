/* SPDX-License-Identifier: MIT */
/* Stage 6, model to bytes: what the writers share. */
#ifndef PIRSCAN_OUTPUT_H
#define PIRSCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "pirscan/check.h"
#include "pirscan/format.h"
#include "pirscan/scan.h"

/* format_json.c */
/* The scan's JSON document; `extra` may append more top-level members (",\n  ..."). */
int pir_json_document(pir_buf *out, const pir_scan *scan, const pir_format_options *o,
		      int (*extra)(pir_buf *out, void *payload), void *payload);
/* The location a person acts on: the first marker still in the tree, else the first. */
const pir_location *pir_item_work_location(const pir_item *it);

/* links.c: report.web_url (issue 12) */
/* The scan's link template, or NULL when none is set. */
const char *pir_out_web_url(const pir_scan *scan);
/* The scanned repository of that display name, or NULL. */
const pir_repository *pir_out_repository(const pir_scan *scan, const char *name);
/*
 * Append the link of `l` (percent-encoded, see urltmpl.h): 1 when there is
 * one, 0 when there is none (no template, or `l` left the tree), or
 * PIR_ENOMEM.
 */
int pir_out_location_url(pir_buf *out, const pir_scan *scan, const pir_location *l);

/* mail_compose.c, for deliver/ too */
/* For error messages: `s` with control characters shown as '?', cut at `size`. */
const char *pir_mail_echo(char *dst, size_t size, const char *s);
/* "local@domain" of `n` bytes; with `addr`, within RFC 5321 lengths (64-byte local part, 254 in
 * all). */
int pir_mail_check_addr_spec(const char *s, size_t n, bool addr, const char *what);

#endif
