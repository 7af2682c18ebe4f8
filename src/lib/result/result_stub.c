/* SPDX-License-Identifier: MIT */
/* Until collect.c lands: a result's allocation and release (removed on merge). */
#include <stdlib.h>

#include "alloc.h"
#include "result.h"

int pir_result_new(pir_result **out)
{
	return (*out = pir_calloc(1, sizeof(**out))) ? 0 : PIR_ENOMEM;
}

void pir_result_free(pir_result *res)
{
	if (!res)
		return;
	pir_arena_dispose(&res->arena);
	free(res);
}
