/* SPDX-License-Identifier: MIT */
/* Civil dates (date.c; the rest is public in pirscan/date.h). */
#ifndef PIRSCAN_UTIL_DATES_H
#define PIRSCAN_UTIL_DATES_H

#include <stdbool.h>

#include "pirscan/date.h"

bool pir_date_is_valid_ymd(int y, unsigned m, unsigned d);

#endif
