/* SPDX-License-Identifier: MIT */
/*
 * The item model below every stage: severity and reason names, and the
 * diagnostics of one parsed file
 * (pir_default_severities, pir_reason_name and pir_reason_parse are public,
 * in pirscan/scan.h).
 */
#ifndef PIRSCAN_MODEL_H
#define PIRSCAN_MODEL_H

#include <stddef.h>

#include "alloc.h"
#include "pirscan/scan.h"

/* Each reason's name, by bit number. */
extern const char *const pir_reason_names[PIR_REASON_COUNT];

/* diag.c: diagnostics of a parsed file, before they get a repo and path */

typedef struct {
	pir_diag_level level;
	const char *code; /* static string */
	unsigned line, column;
	char *message; /* owned */
} pir_fdiag;

typedef struct {
	pir_fdiag *v;
	size_t n, cap;
} pir_fdiag_list;

int pir_fdiag_add(pir_fdiag_list *list, pir_diag_level level, const char *code, unsigned line,
		  unsigned column, const char *fmt, ...) PIR_PRINTF(6, 7);
void pir_fdiag_list_clear(pir_fdiag_list *list);

#endif
