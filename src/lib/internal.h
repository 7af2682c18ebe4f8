/* SPDX-License-Identifier: MIT */
/*
 * Every private header at once, for the unit tests and fuzzers. Library
 * files include only the headers they use (see the README's Layout).
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
#include "model.h"
#include "output.h"
#include "pirscan/pirscan.h"

#endif
