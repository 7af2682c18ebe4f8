/* SPDX-License-Identifier: MIT */
/*
 * A result as JSON, both ways: the one serialization of pir_result, written
 * into `pirscan --format json` (its "results" member, read back by
 * --from-json) and stored by the cache. The writer (result_json.c) is
 * deterministic and writes every field; the reader (result_json_read.c)
 * refuses whatever the writer would not have written: an unknown format,
 * a missing or unknown key, a value of the wrong type or out of range.
 * Counts are never read: they are the lengths of the arrays.
 *
 * A string that is not valid UTF-8 (a path or a marker from a file in
 * another encoding) is written {"hex": "..."} so that it comes back byte
 * for byte; every other string through the JSON escaper (buf.c).
 */
#ifndef PIRSCAN_RESULT_JSON_H
#define PIRSCAN_RESULT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "pirscan/common.h"
#include "result.h"

/* The "format" of a result object; a reader refuses any other. */
#define PIR_RESULT_JSON_FORMAT 2 /* 2: the scanned tree's postmortem documents (incidents) */

/*
 * Append `res` as one JSON object. With `indent` >= 0 one member a line, the
 * lines after the first indented by `indent` spaces more than their depth;
 * with -1 on one line. Returns 0 or PIR_ENOMEM.
 */
int pir_result_json_write(pir_buf *out, const pir_result *res, int indent);

/*
 * A result from `v`, an object written by pir_result_json_write, its strings
 * and arrays copied into the result's arena. Returns 0, PIR_ENOMEM or
 * PIR_EINVALID with "line L, column C: what is wrong".
 */
int pir_result_json_read(pir_result **out, const pir_json *v);

/* The same from the text of one result (the cache's payload). */
int pir_result_json_parse(pir_result **out, const char *buf, size_t len);

/*
 * Every result of a document written by `pirscan --format json` (its
 * "results" array), in order; `*out` is an array of `*n` results, each
 * freed with pir_result_free, the array with free. PIR_EINVALID when the
 * text is not such a document.
 */
int pir_results_json_parse(pir_result ***out, size_t *n, const char *buf, size_t len);

#endif
