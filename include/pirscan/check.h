/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_CHECK_H
#define PIRSCAN_CHECK_H

#include <stdbool.h>
#include "common.h"
#include "scan.h"

PIR_BEGIN_DECL

/**
 * The policy of the gate; flags override it. Initialise with
 * PIR_CHECK_OPTIONS_INIT. How many due-date moves make an item `slipping`
 * is the scan's (pir_scan_options.max_slips): the reason is the scan's.
 */
typedef struct {
	unsigned version;
	const char *fail_on;   /**< severity name; items at or above it fail when overdue;
				    NULL: the most urgent severity of the scan */
	unsigned fail_reasons; /**< pir_reason bits that also fail */
	int grace;	       /**< days an item may be overdue before it fails */
	int warn_within;       /**< warn for items due within this many days */
	/**
	 * Invalid entries and unreadable action-items files only warn
	 * (--no-fail-on-invalid); by default they fail, as they cannot be
	 * judged. `invalid` in fail_reasons fails them whatever this says.
	 */
	bool warn_invalid;
} pir_check_options;

/* 2: max_slips left for the scan's */
#define PIR_CHECK_OPTIONS_VERSION 2
#define PIR_CHECK_OPTIONS_INIT                                                                     \
	{                                                                                          \
		PIR_CHECK_OPTIONS_VERSION, NULL, 0, 0, 7, false                                    \
	}

/** What the gate decided for one item. */
typedef enum {
	PIR_VERDICT_PASS = 0,
	PIR_VERDICT_WARN = 1,	 /**< reported, never fails */
	PIR_VERDICT_SNOOZED = 2, /**< would fail, but a snooze is active */
	PIR_VERDICT_FAIL = 3,
} pir_verdict;

/** Why: pir_reason bits, plus these. */
#define PIR_WHY_DUE_SOON (1u << 16)   /**< due within warn_within days */
#define PIR_WHY_GRACE (1u << 17)      /**< overdue, but within the grace days */
#define PIR_WHY_BELOW (1u << 18)      /**< overdue, below the fail-on severity */
#define PIR_WHY_UNCHANGED (1u << 19)  /**< would fail, but not touched since changed_since */
#define PIR_WHY_UNREADABLE (1u << 20) /**< an object of the repository cannot be read (no item) */

/**
 * One result of the gate: an item, or a problem of an action-items file as a
 * whole (a YAML syntax error, a file of the wrong shape, a binary file) that
 * no item stands for. Either way an unreadable entry is never left out.
 */
typedef struct {
	const pir_item *item; /**< NULL for a problem of a file as a whole */
	pir_verdict verdict;
	unsigned why; /**< PIR_REASON_* and PIR_WHY_* bits behind the verdict */
	/**
	 * What makes it `invalid`: the validation errors of the item's entries
	 * (borrowed from the scan's diagnostics, in file order), or for a result
	 * without item, the one diagnostic of its file.
	 */
	const pir_diagnostic *const *problems;
	size_t nproblems;
} pir_check_result;

/** The gate's decisions over a scan. Opaque. */
typedef struct pir_check pir_check;

/**
 * Decide every live item of `scan` under `opts`. `changed_only` is the
 * pull-request mode (the scan was run with changed_since): failures of items
 * not added or changed since then become warnings.
 * Returns 0, PIR_EINVALID (fail_on names no severity of the scan, or `opts`
 * is of another version) or PIR_ENOMEM.
 */
PIR_EXTERN(int)
pir_check_new(pir_check **out, const pir_scan *scan, const pir_check_options *opts,
	      bool changed_only);
PIR_EXTERN(void) pir_check_free(pir_check *check);

/**
 * Results: failing first, then warnings, then snoozed, then passed; within
 * each, file problems first, then items most urgent first.
 */
PIR_EXTERN(size_t) pir_check_count(const pir_check *check);
PIR_EXTERN(const pir_check_result *) pir_check_result_at(const pir_check *check, size_t i);
/** Number of results with verdict `v`. */
PIR_EXTERN(size_t) pir_check_tally(const pir_check *check, pir_verdict v);
/** True when any item fails: the gate's exit status is 1. */
PIR_EXTERN(bool) pir_check_failed(const pir_check *check);

/**
 * True when the scan could not read some of what it was asked to judge
 * (pir_scan_unreadable_count): the gate cannot vouch, and its exit status
 * is 2 whatever the verdicts, after its report is written.
 */
PIR_EXTERN(bool) pir_check_cannot_vouch(const pir_check *check);

/** Name of a PIR_WHY_* bit or reason bit ("due-soon", "overdue", ...). */
PIR_EXTERN(const char *) pir_check_why_name(unsigned bit);

typedef enum {
	PIR_CHECK_FORMAT_TABLE,
	PIR_CHECK_FORMAT_JSON,
	PIR_CHECK_FORMAT_SARIF,
	PIR_CHECK_FORMAT_JUNIT,
	PIR_CHECK_FORMAT_GITHUB,
	PIR_CHECK_FORMAT_GITLAB,
	PIR_CHECK_FORMAT_MARKDOWN, /**< the GitHub step summary */
} pir_check_format;

/** Parse a format name ("table", "sarif", ...); PIR_EINVALID when unknown (not "markdown"). */
PIR_EXTERN(int) pir_check_format_parse(pir_check_format *out, const char *name);

/** How the gate's report is written. */
typedef struct {
	unsigned version;
	bool color;	/**< table: ANSI colours for the verdicts */
	unsigned width; /**< table: lines word-wrapped to this many terminal columns; 0: no limit */
	/**
	 * How the report's sentences name two settings, in the caller's terms
	 * (the CLI gives its flags), or NULL for plain words: the size limit an
	 * action-items file was larger than (NULL: "the size limit"), and the
	 * rule that fails every overdue item, whatever its severity (NULL: the
	 * sentence does not name it).
	 */
	const char *size_limit_name;
	const char *overdue_rule_name;
} pir_check_write_options;

#define PIR_CHECK_WRITE_OPTIONS_VERSION 1
#define PIR_CHECK_WRITE_OPTIONS_INIT                                                               \
	{                                                                                          \
		PIR_CHECK_WRITE_OPTIONS_VERSION, false, 0, NULL, NULL                              \
	}

/**
 * Append the gate's report in `format` to `out`. `opts` (NULL for the
 * defaults) names settings in every format's sentences; its colour and width
 * matter for the table only: there a line longer than `width` is broken
 * between words and goes on indented, so nothing is cut and no terminal
 * wraps it; a single word wider than the width stays whole.
 */
PIR_EXTERN(int)
pir_check_write(pir_buf *out, const pir_check *check, pir_check_format format,
		const pir_check_write_options *opts);

PIR_END_DECL

#endif
