/* SPDX-License-Identifier: MIT */
/*
 * Stage 5, ageing and judging: an item's age and days overdue as of a date,
 * and the reasons it is stale. Pure functions of the item, its facts from
 * linking and the rules; nothing here reads git or the scan.
 */
#ifndef PIRSCAN_AGE_H
#define PIRSCAN_AGE_H

#include <stdbool.h>
#include <stddef.h>

#include "pirscan/scan.h"

typedef struct {
	pir_date as_of;
	const int *stale_days; /* too-old limit per severity rank (PIR_SEVERITY_MAX of them) */
	int stale_days_none;   /* for an item without a severity */
	int max_slips;	       /* more due-date moves than this: slipping */
} pir_age_rules;

/* What linking knows of an item beyond its fields. */
typedef struct {
	size_t live_entries; /* entries in a scanned tree that define it */
	bool live_marker;    /* a marker in a scanned tree names it */
	bool any_invalid;    /* a live entry failed validation, or it has no ID */
	bool due_written;    /* its entry has a due value, valid or not */
	bool defined;	     /* an entry in a scanned tree defines its ID */
} pir_item_facts;

/* When the item was closed, its age and how overdue it is, as of rules->as_of. */
void pir_age_item(const pir_age_rules *rules, pir_item *it);
/* Its stale reasons (it->reasons), from its dates (pir_age_item first) and facts. */
void pir_judge_item(const pir_age_rules *rules, pir_item *it, const pir_item_facts *facts);

#endif
