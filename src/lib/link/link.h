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

/* link.c: with changed_since, was this diagnostic of a scanned file added by the change? */
bool pir_scan_diag_changed(const pir_scan *scan, const pir_diagnostic *d);

#endif
