/* SPDX-License-Identifier: MIT */
/*
 * The item model below every stage: severity and reason names
 * (pir_default_severities, pir_reason_name and pir_reason_parse are public,
 * in pirscan/scan.h).
 */
#ifndef PIRSCAN_MODEL_H
#define PIRSCAN_MODEL_H

#include "pirscan/scan.h"

/* Each reason's name, by bit number. */
extern const char *const pir_reason_names[PIR_REASON_COUNT];

#endif
