/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: CODEOWNERS (teams.c) through team assignment. The input up
 * to its first NUL is .github/CODEOWNERS; after it, one path a line, each
 * holding a marker (a fixed set of paths without a NUL). Every item gets a
 * team and a source; a team from CODEOWNERS is one owner token of the file.
 * The scan is synthetic (tests/unit/synth.h): no repository on disk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const default_paths[] = {
    "main.c",
    "src/a.c",
    "src/payments/charge.c",
    "docs/guide/intro.md",
    "vendor/x/y.c",
    "build/gen/gen.c",
    "README",
    "a/b/c/d/e/f.sql",
    "#odd",
    "[x]",
};

#define MAX_PATHS 32

static void check_items(const synth *sy, const char *text)
{
	for (size_t i = 0; i < pir_scan_item_count(sy->scan); i++) {
		const pir_item *it = pir_scan_item(sy->scan, i);

		if (!it->team || !it->team_source)
			abort();
		if (!strcmp(it->team_source, "unassigned")) {
			if (strcmp(it->team, "unassigned"))
				abort();
		} else if (!strcmp(it->team_source, "codeowners")) {
			const char *h = it->team;
			if (!*it->team || strpbrk(it->team, " \t\r\n") || !strstr(text, it->team))
				abort();
			/* a comment ends the owners: a '#' in one is escaped */
			while ((h = strchr(h, '#')))
				if (h++ == it->team || h[-2] != '\\')
					abort();
		} else {
			abort(); /* no entry, no teams table: only these two */
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *text = malloc(tlen + 1), *paths = NULL;
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	size_t npaths = 0;
	synth sy;

	static bool once;

	if (!once) { /* libgit2 stays initialised: no init and shutdown per input */
		git_libgit2_init();
		once = true;
	}
	if (!text)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	o.no_history = true;
	o.as_of = 20000;
	o.threads = 1;
	if (synth_new(&sy, &o, "fuzz") < 0)
		abort();
	synth_head(&sy, ".github/CODEOWNERS", synth_blob(&sy, text, false));
	if (nul) {
		size_t plen = size - tlen - 1;
		if (!(paths = malloc(plen + 1)))
			abort();
		memcpy(paths, nul + 1, plen);
		paths[plen] = '\0';
		for (char *p = paths, *next; p && npaths < MAX_PATHS; p = next) {
			char marker[64];
			if ((next = strchr(p, '\n')))
				*next++ = '\0';
			if (!*p || strlen(p) > 4096)
				continue;
			snprintf(marker, sizeof(marker), "# TODO PIR: item %zu\n", npaths++);
			synth_head(&sy, p, synth_blob(&sy, marker, false));
		}
	} else {
		for (size_t i = 0; i < sizeof(default_paths) / sizeof(*default_paths); i++) {
			char marker[64];
			snprintf(marker, sizeof(marker), "# TODO PIR: item %zu\n", i);
			synth_head(&sy, default_paths[i], synth_blob(&sy, marker, false));
		}
	}
	if (synth_link(&sy) < 0)
		abort();
	check_items(&sy, text);
	synth_free(&sy);
	free(paths);
	free(text);
	return 0;
}
