/* SPDX-License-Identifier: MIT */
/* Shared by postmortem.c (the document) and postmortem_text.c (its cells and lines). */
#ifndef PIRSCAN_POSTMORTEM_INT_H
#define PIRSCAN_POSTMORTEM_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

/* Bounds on hostile input: bytes kept of one cell or list line, cells read
 * of one row, items of one document, diagnostics of one document. */
#define PM_MAX_CELL 2048
#define PM_MAX_CELLS 32
#define PM_MAX_ITEMS 5000
#define PM_MAX_DIAGS 50

/* A span of the input, not NUL-terminated. */
typedef struct {
	const char *p;
	size_t n;
} pm_span;

/* What the inline markup of a cell or list line said. */
typedef struct {
	bool done;    /* ✅, ☑, ✔, [x], ~~struck~~, **DONE**, (done) */
	bool todo;    /* **TODO** */
	pm_span link; /* the first link's target, or empty */
} pm_marks;

pm_span pm_trim(pm_span s);
bool pm_has_ci(pm_span s, const char *needle);
bool pm_eq_ci(pm_span s, const char *word);
/* Inline markup removed (HTML tags, emphasis, links to their text, code
 * ticks, escapes), whitespace collapsed, at most PM_MAX_CELL bytes (on a
 * character boundary); `*cut` set when it was longer. */
int pm_clean(pir_buf *out, pm_span s, pm_marks *marks, bool *cut);
/* The first YYYY-MM-DD-shaped run of `s` (valid or not), or an empty span. */
pm_span pm_find_iso(pm_span s);
/* The first incident-like ID ("INC-2891": letters, a dash, digits). */
pm_span pm_find_incident_id(pm_span s);
/* The first ticket reference: KEY-123 (not PIR-), #123, "Bug 123", b/123. */
pm_span pm_find_ticket(pm_span s);
/* The first @owner of `s`, with its @. */
pm_span pm_find_owner(pm_span s);
/* A done/closed/resolved status word. */
bool pm_status_closed(pm_span s);
/* FNV-1a of the letters and digits of `s`, lower-cased, as 12 hex digits. */
void pm_text_key(char out[13], const char *s);

/* A list item's marker ("- ", "* ", "+ ", "1. ", "1) "): its indent and text, else false. */
bool pm_list_item(pm_span line, unsigned *indent, pm_span *text);
/* "[ ]", "[x]" at the start of `text`: cut, [x] marks it done. */
void pm_checkbox(pm_span *text, pm_marks *m);
/* "due: Sprint 4": the free text after a "due" word, up to a separator. */
pm_span pm_due_words(pm_span raw);
/* A file's base name without its extension; a generic one ("README.md") gives its folder's. */
pm_span pm_name_stem(const char *name);

#endif
