/* SPDX-License-Identifier: MIT */
/*
 * Stage 4, linking: locations joined into items (link.c), each item's team
 * (teams.c), then the urgency order. They work on the scan's state.
 */
#ifndef PIRSCAN_LINK_H
#define PIRSCAN_LINK_H

#include <stdbool.h>

#include "scan_int.h"

/* link.c: join every location to its item, date it and decide its stale reasons */
int pir_link(pir_scan *scan);
/* link.c: items in urgency order, diagnostics by repository, path and line */
void pir_order(pir_scan *scan);

/* teams.c: each item's team, from its field, its owner's team or CODEOWNERS */
int pir_assign_teams(pir_scan *scan);

/*
 * incidents.c: the documents' incidents of every result, one per ID (the
 * first by repository, then path; another is an incident-duplicate
 * warning), before the items are built
 */
int pir_incidents_gather(pir_scan *scan);
/* incidents.c: the document's incident of ID `id`, or NULL */
const pir_incident *pir_incident_document(const pir_scan *scan, const char *id);
/* incidents.c: an item without a severity takes its incident's, severity_from_incident */
void pir_incident_severity(const pir_scan *scan, pir_item *item);
/*
 * incidents.c: the incidents the items name (and with `documents` every
 * document's), counted over the items, in their order; again after a filter
 */
int pir_incidents_count(pir_scan *scan, bool documents);
void pir_incidents_free(pir_scan *scan);

/* link.c: with changed_since, was this diagnostic of a scanned file added by the change? */
bool pir_scan_diag_changed(const pir_scan *scan, const pir_diagnostic *d);

#endif
