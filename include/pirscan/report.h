/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_REPORT_H
#define PIRSCAN_REPORT_H

#include <stdbool.h>
#include <time.h>
#include "common.h"
#include "scan.h"

PIR_BEGIN_DECL

typedef enum {
	PIR_GROUP_TEAM = 0,
	PIR_GROUP_OWNER,
	PIR_GROUP_INCIDENT,
	PIR_GROUP_SEVERITY,
} pir_group_by;

/** Parse "team", "owner", "incident" or "severity"; PIR_EINVALID otherwise. */
PIR_EXTERN(int) pir_group_by_parse(pir_group_by *out, const char *name);
PIR_EXTERN(const char *) pir_group_by_name(pir_group_by g);

#define PIR_REPORT_WEEKS 26

typedef struct {
	unsigned version;
	pir_group_by group_by;
	/**
	 * Opened and closed from this date (included) up to the as-of date
	 * (excluded: that day is not over); PIR_DATE_NONE: the day before as-of,
	 * so that a nightly run reports the previous day, each change once.
	 */
	pir_date since;
	/** Items due within this many days are "due soon". */
	int warn_within;
	/** Time to close is measured over items closed in the last this many days. */
	int close_window;
	/**
	 * Only these groups (NULL-terminated names, exact), e.g. to retry the
	 * teams whose delivery failed; NULL: every group. A name that is no
	 * group of the scan, nor (grouping by team) a configured team, makes
	 * pir_report_new fail with PIR_ENOTFOUND and a message naming the
	 * nearest valid one. Read during pir_report_new only.
	 */
	const char *const *groups;
} pir_report_options;

#define PIR_REPORT_OPTIONS_VERSION 1
#define PIR_REPORT_OPTIONS_INIT                                                                    \
	{                                                                                          \
		PIR_REPORT_OPTIONS_VERSION, PIR_GROUP_TEAM, PIR_DATE_NONE, 7, 90, NULL             \
	}

/** Median days to close the items of one severity closed in the window. */
typedef struct {
	const char *severity; /**< NULL for items without a valid severity (absent or unknown) */
	size_t closed;	      /**< items closed in the window */
	int64_t median_days;
} pir_report_ttc;

/**
 * One group of the report (a team, an owner, an incident or a severity).
 * Item lists are borrowed from the scan; each list is most urgent first
 * (overdue: most overdue first).
 */
typedef struct {
	const char *name; /**< "unassigned" when nothing assigns the items */
	const char *const
	    *email; /**< the team's addresses (group by team), NULL-terminated; NULL when none */
	const pir_item *const *overdue; /**< open, past due */
	size_t noverdue;
	const pir_item *const *due_soon; /**< open, due within warn_within days */
	size_t ndue_soon;
	const pir_item *const *stale; /**< other open stale items (reasons say why) */
	size_t nstale;
	const pir_item *const *opened; /**< introduced on or after `since`, before as-of */
	size_t nopened;
	const pir_item *const
	    *closed; /**< closed (status or removal) on or after `since`, before as-of */
	size_t nclosed;
	const pir_item *const *open; /**< every open item of the group */
	size_t nopen;
	bool has_median_age;	 /**< false without history or open items */
	int64_t median_age_days; /**< of the open items */
	const pir_report_ttc
	    *ttc; /**< by severity, most urgent first, only severities with closes */
	size_t nttc;
	/**
	 * Open items at the end of each of the last 26 weeks (index 25: as-of),
	 * from history; without history (pir_scan_has_history) only the last
	 * week is meaningful.
	 */
	size_t weekly_open[PIR_REPORT_WEEKS];
	pir_date week_end[PIR_REPORT_WEEKS];
} pir_report_group;

typedef struct pir_report pir_report;

/**
 * Group the scan's items and compute each group's sections and figures.
 * Teams and their addresses come from the scan's `teams_from` option.
 * Returns 0, PIR_EINVALID, PIR_ENOTFOUND (an unknown name in `groups`) or
 * PIR_ENOMEM.
 */
PIR_EXTERN(int)
pir_report_new(pir_report **out, const pir_scan *scan, const pir_report_options *opts);
PIR_EXTERN(void) pir_report_free(pir_report *report);

PIR_EXTERN(const pir_scan *) pir_report_scan(const pir_report *report);
PIR_EXTERN(const pir_report_options *) pir_report_options_of(const pir_report *report);
/** The `since` date actually used. */
PIR_EXTERN(pir_date) pir_report_since(const pir_report *report);
/** Groups in name order, "unassigned" last. */
PIR_EXTERN(size_t) pir_report_group_count(const pir_report *report);
PIR_EXTERN(const pir_report_group *) pir_report_group_at(const pir_report *report, size_t i);

typedef enum {
	PIR_REPORT_TEXT = 0,
	PIR_REPORT_MARKDOWN,
	PIR_REPORT_HTML,
} pir_report_format;

/** Parse "text", "md" (or "markdown") or "html"; PIR_EINVALID otherwise ("email" is the CLI's). */
PIR_EXTERN(int) pir_report_format_parse(pir_report_format *out, const char *name);

/**
 * Append the report of one group (`group` < count), or of every group
 * (`group` == SIZE_MAX), in `format`. HTML is one self-contained document
 * (inline styles, table layout, inline SVG charts, no scripts) readable in
 * mail clients. Everything from a repository is escaped for the format.
 */
PIR_EXTERN(int)
pir_report_write(pir_buf *out, const pir_report *report, size_t group, pir_report_format format);

/** What an email message needs beyond the report. */
typedef struct {
	unsigned version;
	const char *from;	       /**< "Name <addr>" or "addr" */
	const char *const *to;	       /**< NULL: the group's addresses */
	time_t date;		       /**< the Date header */
	const char *message_id_domain; /**< right side of Message-ID; NULL: from's domain */
} pir_mail_options;

#define PIR_MAIL_OPTIONS_VERSION 1
#define PIR_MAIL_OPTIONS_INIT                                                                      \
	{                                                                                          \
		PIR_MAIL_OPTIONS_VERSION, NULL, NULL, 0, NULL                                      \
	}

/**
 * Append one RFC 5322 message for `group`: MIME multipart/alternative with
 * text/plain and text/html parts, UTF-8, quoted-printable, an RFC 2047
 * subject carrying the counts, Date, Message-ID, From and To. Lines end in
 * CRLF. PIR_EINVALID when there is no From or no recipient.
 */
PIR_EXTERN(int)
pir_report_write_email(pir_buf *out, const pir_report *report, size_t group,
		       const pir_mail_options *opts);

PIR_END_DECL

#endif
