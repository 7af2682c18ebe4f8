/* SPDX-License-Identifier: MIT */
/* Fuzz target: the marker grammar over arbitrary blob contents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pir_marker_matcher *m;
	static pir_marker_scratch *s;
	pir_marker_list l = {0};

	if (!m && (pir_marker_matcher_new(&m, NULL, 0) < 0 || pir_marker_scratch_new(&s, m) < 0))
		abort();
	if (pir_marker_scan(&l, m, s, (const char *)data, size, PIR_MARKER_MENTIONS) < 0)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		/* every marker is on a line of the input and has no line break */
		if (l.v[i].line < 1 || l.v[i].column < 1 || strchr(l.v[i].text, '\n') ||
		    (strncasecmp(l.v[i].text, "TODO", 4) && strncasecmp(l.v[i].text, "FIXME", 5)))
			abort();
		/* and on a line after the one before */
		if (i && l.v[i].line <= l.v[i - 1].line)
			abort();
	}
	for (size_t i = 0; i < l.nmentions; i++)
		if (strncmp(l.mentions[i].id, "PIR-", 4) || strchr(l.mentions[i].id, '\n'))
			abort();
	pir_marker_list_clear(&l);
	return 0;
}
