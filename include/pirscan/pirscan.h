/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_H
#define PIRSCAN_H

/* libpirscan: find post-incident action items in git repositories. */
#include "common.h"
#include "date.h"
#include "scan.h"
#include "format.h"
#include "config.h"
#include "check.h"
#include "report.h"
#include "mail.h"
#include "chat.h"
#include "fleet.h"
#include "incident.h"

#endif
