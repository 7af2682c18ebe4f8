/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_DATE_H
#define PIRSCAN_DATE_H

#include "common.h"

PIR_BEGIN_DECL

/**
 * A calendar date as a count of days since 1970-01-01 (proleptic Gregorian,
 * UTC). PIR_DATE_NONE stands for "no date".
 */
typedef int32_t pir_date;

#define PIR_DATE_NONE INT32_MIN

/**
 * Parse a strict `YYYY-MM-DD` date of `len` bytes (years 1000 to 9999).
 * Returns 0 and stores the date, or PIR_EINVALID for anything else
 * (wrong shape, month 13, February 30, trailing text).
 */
PIR_EXTERN(int) pir_date_parse(pir_date *out, const char *str, size_t len);

/** Format `date` as `YYYY-MM-DD` into `out` (at least 11 bytes). */
PIR_EXTERN(void) pir_date_format(char out[11], pir_date date);

/** Today's date in UTC. */
PIR_EXTERN(pir_date) pir_date_today(void);

/**
 * The UTC date of a Unix timestamp (seconds since the epoch), or
 * PIR_DATE_NONE when it falls outside the years 1000 to 9999, the dates
 * pirscan reads and writes (a commit time such as -2^63 has no date).
 */
PIR_EXTERN(pir_date) pir_date_from_time(int64_t seconds);

/** Days from (year, month, day); no validation. */
PIR_EXTERN(pir_date) pir_date_from_civil(int year, unsigned month, unsigned day);

/** Split a date into year, month and day. */
PIR_EXTERN(void) pir_date_to_civil(pir_date date, int *year, unsigned *month, unsigned *day);

PIR_END_DECL

#endif
