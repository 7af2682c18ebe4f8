/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_FORMAT_H
#define PIRSCAN_FORMAT_H

#include <stdbool.h>
#include "common.h"
#include "scan.h"

PIR_BEGIN_DECL

/** Which items a writer includes and how it lays them out. */
typedef struct {
	unsigned version;
	/** Only stale items (any reason applies). */
	bool stale_only;
	/** Closed and resolved items too; by default open items, and closed ones still stale. */
	bool all;
	/** ANSI colour (table only). */
	bool color;
	/**
	 * Width the table fits (its title and location cut with "…", the least
	 * useful columns left out when that is not enough); 0 for no limit.
	 */
	unsigned width;
	/** Table only: text ending the summary line (what to run next), or NULL. */
	const char *hint;
} pir_format_options;

#define PIR_FORMAT_OPTIONS_VERSION 1
#define PIR_FORMAT_OPTIONS_INIT                                                                    \
	{                                                                                          \
		PIR_FORMAT_OPTIONS_VERSION, false, false, false, 0, NULL                           \
	}

/** Whether `item` is listed under `opts`. */
PIR_EXTERN(bool) pir_format_selects(const pir_item *item, const pir_format_options *opts);

/**
 * Append the scan as one JSON object (the stable contract, see
 * docs/pirscan.schema.json) to `out`, followed by a newline.
 */
PIR_EXTERN(int) pir_format_json(pir_buf *out, const pir_scan *scan, const pir_format_options *opts);

/** Append a human-readable table of the selected items to `out`. */
PIR_EXTERN(int)
pir_format_table(pir_buf *out, const pir_scan *scan, const pir_format_options *opts);

/** Append RFC 4180 CSV, one row per selected item, with a header row. */
PIR_EXTERN(int) pir_format_csv(pir_buf *out, const pir_scan *scan, const pir_format_options *opts);

/**
 * Append one diagnostic as a line for a terminal:
 * `pirscan: warning: repo:path:line:column: message`, with repository
 * content escaped so that it cannot drive the terminal.
 */
PIR_EXTERN(int) pir_format_diagnostic(pir_buf *out, const pir_diagnostic *d);

/**
 * Append `s` for a terminal: control characters (C0, DEL, C1), escapes and
 * invalid UTF-8 become visible \xNN or \uNNNN text. For any string that
 * comes from a repository or a configuration file.
 */
PIR_EXTERN(int) pir_format_term_str(pir_buf *out, const char *s);

PIR_END_DECL

#endif
