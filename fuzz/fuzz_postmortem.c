/* SPDX-License-Identifier: MIT */
/* Fuzz target: the Markdown postmortem reader over arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_postmortem pm = {0};

	if (pir_postmortem_parse(&pm, (const char *)data, size, "postmortems/2026-05-24-inc-7.md",
				 NULL) < 0)
		abort();
	for (size_t i = 0; i < pm.items.n; i++) {
		const pir_entry *e = &pm.items.v[i];
		if (!e->title || !*e->title || (!e->id && !e->doc_key))
			abort(); /* every item has a text and a key */
		if (e->closed && !e->status)
			abort();
	}
	if (pm.items.n > 5000 || pm.items.diags.n > 51)
		abort(); /* the limits hold */
	for (size_t i = 0; i < pm.items.diags.n; i++)
		if (strchr(pm.items.diags.v[i].message, '\n'))
			abort(); /* diagnostics are one line */
	pir_postmortem_clear(&pm);
	return 0;
}
