/* SPDX-License-Identifier: MIT */
/* The gate, for its writers (check.c). */
#ifndef PIRSCAN_CHECK_INT_H
#define PIRSCAN_CHECK_INT_H

#include <stdbool.h>

#include "pirscan/check.h"

const pir_check_options *pir_check_options_of(const pir_check *c);
const pir_scan *pir_check_scan(const pir_check *c);
/* The scan's limit of due-date moves: `slipping` is the scan's reason, judged with its options. */
int pir_check_max_slips(const pir_check *c);
bool pir_check_changed_only(const pir_check *c);
/* Whether invalid entries and unreadable action-items files fail (else they warn). */
bool pir_check_invalid_fails(const pir_check *c);
/* Whether the item is overdue past the grace at or above the fail-on severity. */
bool pir_check_by_policy(const pir_check *c, const pir_item *it);

#endif
