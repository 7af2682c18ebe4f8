/* SPDX-License-Identifier: MIT */
/* The item model's names: the default severities and the stale reasons. */
#include <string.h>

#include "error.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"

static const char *const default_severities[] = {"critical", "high", "medium", "low", NULL};

const char *const *pir_default_severities(void)
{
	return default_severities;
}

const char *const pir_reason_names[PIR_REASON_COUNT] = {
    "overdue",
    "too-old",
    "no-owner",
    "no-due",
    "unknown-id",
    "duplicate-id",
    "done-but-marker-remains",
    "invalid",
    "slipping",
};

const char *pir_reason_name(unsigned reason)
{
	for (unsigned i = 0; i < PIR_REASON_COUNT; i++)
		if (reason == 1u << i)
			return pir_reason_names[i];
	return NULL;
}

int pir_reason_parse(unsigned *out, const char *name)
{
	for (unsigned i = 0; i < PIR_REASON_COUNT; i++) {
		if (strcmp(name, pir_reason_names[i]) == 0) {
			*out = 1u << i;
			return 0;
		}
	}
	return pir_error_set(PIR_EINVALID, "unknown reason '%s'", name);
}
