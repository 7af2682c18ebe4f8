/* SPDX-License-Identifier: MIT */
/*
 * The private headers at once, for the unit tests and fuzzers (all but the
 * ones of a folder's internals: config_int.h, pack_int.h, marker_int.h, workers.h,
 * check_write.h and report_write.h). Library files include only the headers they use (see
 * the README's Layout).
 */
#ifndef PIRSCAN_INTERNAL_H
#define PIRSCAN_INTERNAL_H

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "check_int.h"
#include "dates.h"
#include "error.h"
#include "extract.h"
#include "fleet.h"
#include "glob.h"
#include "history.h"
#include "json.h"
#include "link.h"
#include "map.h"
#include "model.h"
#include "output.h"
#include "result.h"
#include "pirscan/pirscan.h"
#include "result_json.h"
#include "scan_int.h"
#include "source.h"

#endif
