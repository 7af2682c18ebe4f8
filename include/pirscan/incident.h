/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_INCIDENT_H
#define PIRSCAN_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "date.h"
#include "scan.h"

PIR_BEGIN_DECL

/**
 * One incident of a run scan: what its postmortem document says (when the
 * scanned trees hold one) and how its action items stand. An incident comes
 * from a postmortem document (its ID from its fields, its title or its path)
 * or from an item's `incident` that no document describes (then only `id`
 * and the counts are set). Strings are borrowed from the scan.
 */
typedef struct {
	const char *id;
	const char *title;    /**< the document's first heading; NULL without one */
	pir_date date;	      /**< the document's Date field, else its path's date; PIR_DATE_NONE */
	const char *duration; /**< as written; NULL when absent */
	const char *severity; /**< lower-cased as written ("p1", "sev2"); NULL when absent */
	const char *status;   /**< lower-cased as written; NULL when absent */
	const char *repo;     /**< the document's repository (display name); NULL without one */
	const char *path;     /**< the document's path in that repository; NULL without one */
	size_t open;	      /**< its items still open (not closed, still in the scanned tree) */
	size_t overdue;	      /**< of those, past their due date at the scan's as-of date */
	size_t closed;	      /**< its items closed, or resolved (gone from the scanned tree) */
	bool has_oldest_open_age;     /**< false without history or without open items */
	int64_t oldest_open_age_days; /**< the age of its oldest open item */
	/**
	 * Time to remediation: set when it has items, all of them closed with a
	 * known close date, and a date of its own.
	 */
	bool has_remediation;
	int64_t remediation_days; /**< from `date` to `remediated` */
	pir_date remediated;	  /**< its last item's close date; PIR_DATE_NONE unless set */
} pir_incident;

/**
 * Number of incidents of a run scan: every postmortem document's, and
 * every incident an item names. After pir_scan_filter, only the incidents
 * of the items it kept, counted over those items.
 */
PIR_EXTERN(size_t) pir_scan_incident_count(const pir_scan *scan);

/**
 * Incident `i` (< count), or NULL: the newest first (by date, incidents
 * without a date last), then by ID. The pointer is valid until the scan is
 * freed or filtered.
 */
PIR_EXTERN(const pir_incident *) pir_scan_incident(const pir_scan *scan, size_t i);

/** The incident of ID `id` (exact), or NULL. The same validity as pir_scan_incident. */
PIR_EXTERN(const pir_incident *) pir_scan_incident_find(const pir_scan *scan, const char *id);

/**
 * The incident of `item`'s `incident` when a postmortem document describes
 * it, or NULL (no incident, or one known by its ID only).
 */
PIR_EXTERN(const pir_incident *)
pir_scan_item_incident(const pir_scan *scan, const pir_item *item);

/** How pir_format_incidents writes the incidents. */
typedef enum {
	PIR_INCIDENTS_TABLE = 0,
	PIR_INCIDENTS_JSON,
	PIR_INCIDENTS_CSV,
	PIR_INCIDENTS_MARKDOWN,
} pir_incidents_format;

/** Parse "table", "json", "csv" or "md" (or "markdown"); PIR_EINVALID otherwise. */
PIR_EXTERN(int) pir_incidents_format_parse(pir_incidents_format *out, const char *name);

/**
 * Append the scan's incidents, one row each, in `format`: a table for a
 * terminal, JSON (docs/pirscan.schema.json, its "incidents" definition),
 * RFC 4180 CSV with a header row, or a Markdown table. Everything from a
 * repository is escaped for the format. Returns 0 or PIR_ENOMEM.
 */
PIR_EXTERN(int)
pir_format_incidents(pir_buf *out, const pir_scan *scan, pir_incidents_format format);

PIR_END_DECL

#endif
