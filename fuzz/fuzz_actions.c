/* SPDX-License-Identifier: MIT */
/* Fuzz target: the action-items loader over arbitrary YAML. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_entry_list l = {0};

	if (pir_actions_parse(&l, (const char *)data, size, NULL) < 0)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if ((!l.v[i].id || !l.v[i].title) && !l.v[i].invalid)
			abort(); /* an entry without id or title is invalid */
	for (size_t i = 0; i < l.diags.n; i++)
		if (strchr(l.diags.v[i].message, '\n'))
			abort(); /* diagnostics are one line */
	pir_entry_list_clear(&l);
	return 0;
}
