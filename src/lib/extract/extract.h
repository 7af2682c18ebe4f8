/* SPDX-License-Identifier: MIT */
/*
 * Stage 2, bytes to locations: markers in any file (marker.c and the files
 * it names, sharing marker_int.h) and the entries of action-items files
 * (actions.c). Pure functions of their input, fuzzed.
 */
#ifndef PIRSCAN_EXTRACT_H
#define PIRSCAN_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "model.h"

/* ---- markers (marker.c, marker_match.c) ---- */

typedef struct pir_marker_matcher pir_marker_matcher;

/** One marker found in a blob. Strings are owned by the containing pir_marker_list. */
typedef struct {
	unsigned line;	 /* 1-based */
	unsigned column; /* 1-based byte column of the match start */
	char *text; /* the whole marker, from its keyword on, to the end of its comment or string */
	char *id;   /* action-item ID, or NULL */
	char *incident; /* incident ID, or NULL */
	char *ref;	/* reference as written when id/incident are not decided yet, or NULL */
	char *note;	/* the free text after the reference, or NULL */
} pir_marker;

/** An action-item ID ("PIR-…", prefix upper-cased) named on a line that holds no marker. */
typedef struct {
	unsigned line, column;
	char *id;
} pir_id_mention;

typedef struct {
	pir_marker *v;
	size_t n, cap;
	pir_fdiag_list diags;	  /* marker-limit: lines, or the rest of the blob, not searched */
	pir_id_mention *mentions; /* with PIR_MARKER_MENTIONS, in line order */
	size_t nmentions, mentions_cap;
	char *texts; /* compact (pir_marker_list_compact): every text, one block; else NULL */
} pir_marker_list;

/* Matcher flags: keep only markers that name an ID, an incident or a reference. */
#define PIR_MARKER_REQUIRE_REF 1u
/* Scan flags: also record the IDs named on lines without a marker (near misses). */
#define PIR_MARKER_MENTIONS 1u
/*
 * Scan flags: with the default grammar alone, also record the lines that
 * hold a keyword, "TODO" or "FIXME" in any case and anywhere (those the
 * grammar is tried on, and those where it is not, after a letter):
 * pir_marker_scratch_lines. The grammar's outcome on a line depends on that
 * line alone, which is what blob_delta.c builds on.
 */
#define PIR_MARKER_LINES 2u

/**
 * Compile the marker patterns, a NULL-terminated list (NULL or empty: the
 * default grammar). The entry "default" stands for the default grammar, any
 * other is a pcre2 pattern whose named groups `id`, `incident`, `ref` and
 * `text` fill those fields. Returns PIR_EINVALID with a message naming the
 * offset on a bad pattern. Group names pirscan does not read are warnings
 * (pir_marker_matcher_warning).
 */
int pir_marker_matcher_new(pir_marker_matcher **out, const char *const *patterns, unsigned flags);
void pir_marker_matcher_free(pir_marker_matcher *m);
size_t pir_marker_matcher_warning_count(const pir_marker_matcher *m);
const char *pir_marker_matcher_warning(const pir_marker_matcher *m, size_t i);

/**
 * Find every marker in `buf`, one a line at most. The matcher is read-only
 * during the call; `s` is a per-thread scratch object from
 * pir_marker_scratch_new. Appends to `out` (markers, marker-limit
 * diagnostics, with PIR_MARKER_MENTIONS mentions); returns 0 or PIR_ENOMEM.
 */
typedef struct pir_marker_scratch pir_marker_scratch;
int pir_marker_scratch_new(pir_marker_scratch **out, const pir_marker_matcher *m);
void pir_marker_scratch_free(pir_marker_scratch *s);
int pir_marker_scan(pir_marker_list *out, const pir_marker_matcher *m, pir_marker_scratch *s,
		    const char *buf, size_t len, unsigned flags);

/**
 * After a pir_marker_scan with PIR_MARKER_LINES and the default grammar
 * alone: the lines of the blob that hold a keyword, as `*n` pairs of
 * offsets [start, end) (end: the line's '\n', or the blob's end), in order,
 * valid until the next scan with `s`. NULL when they were not recorded, or
 * when that scan gave a marker or a diagnostic.
 */
const size_t *pir_marker_scratch_lines(const pir_marker_scratch *s, size_t *n);
/** Whether the matcher is the default grammar alone (PIR_MARKER_LINES records only then). */
bool pir_marker_matcher_default_only(const pir_marker_matcher *m);
/**
 * The first keyword of the default grammar ("TODO", "FIXME", any case) in
 * [p, p+n) and its length in `*len`, or NULL.
 */
const char *pir_marker_find_keyword(const char *p, size_t n, size_t *len);

void pir_marker_list_clear(pir_marker_list *list);
/**
 * Keep of each marker only its line, column and text, the texts in one
 * block (`texts`): what dating needs of a version the output does not show,
 * in a fraction of the memory. Returns 0, or PIR_ENOMEM with `list` as it was.
 */
int pir_marker_list_compact(pir_marker_list *list);

/* ---- action-items files (actions.c) ---- */

/** One entry of an action-items file. Strings live in the list's arena. */
typedef struct {
	unsigned line, column; /* of the entry (its mapping), 1-based */
	char *id;
	char *title;
	char *owner;
	char *due_raw;	       /* the due value as written, or NULL */
	pir_date due;	       /* PIR_DATE_NONE when absent or invalid */
	char *severity;	       /* lower-cased, or NULL */
	int severity_rank;     /* index into the severity list, PIR_SEVERITY_NONE */
	char *status;	       /* lower-cased; NULL means open */
	bool closed;	       /* done, closed or wontfix */
	char *incident;	       /* linked_incident */
	char *team;	       /* team, or NULL */
	pir_date snooze_until; /* snooze: {until, reason}; PIR_DATE_NONE without */
	char *snooze_reason;
	bool invalid;	   /* some field failed validation (a diagnostic says which) */
	pir_field *fields; /* unknown fields: key and the value as JSON text; strings owned */
	size_t nfields;
	char *doc_key; /* a postmortem's item without an ID: 12 hex digits from its text */
} pir_entry;

typedef struct {
	pir_entry *v;
	size_t n, cap;
	pir_fdiag_list diags;
	pir_arena strings; /* the entries' strings and fields: one release for all */
} pir_entry_list;

/**
 * Parse an action-items file: a mapping whose `action_items` key holds a
 * sequence of mappings, or a bare top-level sequence of mappings.
 * `severities` is the NULL-terminated list of valid severity names, most
 * urgent first. Problems become diagnostics in `out->diags` (with line and
 * column); entries that could be read are kept. Returns 0 or PIR_ENOMEM.
 */
int pir_actions_parse(pir_entry_list *out, const char *buf, size_t len,
		      const char *const *severities);
/** The nodes and scalar bytes a stream of `len` bytes may expand to (aliases beyond: refused). */
size_t pir_actions_budget(size_t len);
void pir_entry_list_clear(pir_entry_list *list);
/**
 * The slim read (actions_slim.c): of each entry only `id`, `due_raw` and
 * `closed`, exactly as pir_actions_parse would read them (the other fields
 * stay empty, no diagnostics), and in `*broken` whether it would report a
 * syntax error. Returns 0; 1 when only the full parse can tell (anchors,
 * aliases, what its preflight or expansion checks would judge), with `out`
 * left empty; or PIR_ENOMEM.
 */
int pir_actions_slim(pir_entry_list *out, bool *broken, const char *buf, size_t len);
/** pir_actions_slim, and in `*units` the nodes and scalar bytes it counted. */
int pir_actions_slim_units(pir_entry_list *out, bool *broken, const char *buf, size_t len,
			   size_t *units);
/** A new slim entry at the end of `out`, no field read yet; NULL when out of memory. */
pir_entry *pir_entry_list_add_slim(pir_entry_list *out);

/**
 * The slim read of the versions of a growing file (actions_slim_cache.c): a
 * version whose items each start a line at one indentation is read item by
 * item, and an item whose bytes an earlier version held (the cache keeps a
 * bounded number) is not parsed again. Same result as pir_actions_slim,
 * which reads whatever it does not split. Not thread-safe: one per thread.
 */
typedef struct pir_slim_cache pir_slim_cache;
pir_slim_cache *pir_slim_cache_new(void);
void pir_slim_cache_free(pir_slim_cache *c);
/** pir_actions_slim through the cache `c` (NULL: pir_actions_slim itself). */
int pir_actions_slim_cached(pir_slim_cache *c, pir_entry_list *out, bool *broken, const char *buf,
			    size_t len);
/** Items `c` has read alone, and items it found already read. */
void pir_slim_cache_counts(const pir_slim_cache *c, size_t *read, size_t *found);

/* ---- postmortem documents (postmortem.c, postmortem_text.c) ---- */

/** The incident a postmortem is about, from its header fields, title or file name. */
typedef struct {
	char *id;	/* "INC-2891", else the file's base name; NULL without a name */
	char *title;	/* the first heading, or NULL */
	char *date_raw; /* the Date field as written, or NULL */
	pir_date date;	/* PIR_DATE_NONE when absent or invalid */
	char *duration; /* as written, or NULL */
	char *severity; /* lower-cased as written ("p1", "sev1", "critical"), or NULL */
	char *status;	/* lower-cased as written, or NULL */
} pir_incident_info;

typedef struct {
	pir_entry_list items; /* its action items; their strings live in items.strings */
	pir_incident_info incident;
	unsigned sections; /* action-item sections found */
} pir_postmortem;

/**
 * Read a Markdown postmortem: its incident (header fields such as
 * `**Date:**`, `Severity:`, the title, else `name`, the file's path or NULL)
 * and the items of its action-item sections (tables with columns found by
 * their header, and lists). A short ID ("001") becomes
 * "PIR-<incident date>-001"; an item without an ID has a NULL id and a
 * `doc_key`. Every entry's `incident` is the document's. Problems are
 * diagnostics in `out->items.diags`; input past the limits of
 * postmortem_int.h is skipped with a `postmortem-limit` warning. Returns 0 or
 * PIR_ENOMEM.
 */
int pir_postmortem_parse(pir_postmortem *out, const char *buf, size_t len, const char *name,
			 const char *const *severities);
void pir_postmortem_clear(pir_postmortem *pm);
/**
 * The incident ID a postmortem's path gives, for a document whose fields and
 * title name none (the blob phase parses without the path: one blob, any
 * number of paths): an ID in the path ("INC-2891", its prefix upper-cased),
 * else the file name's stem ("postmortems/2026-05-24-payments.md" gives
 * "2026-05-24-payments"; a generic name such as README.md its folder's),
 * as pir_postmortem_parse finds it from `name`. `*out` is malloc'ed, NULL
 * when the path gives none. Returns 0 or PIR_ENOMEM.
 */
int pir_postmortem_path_id(char **out, const char *path);
/** The first YYYY-MM-DD date in `path`, or PIR_DATE_NONE. */
pir_date pir_postmortem_path_date(const char *path);

#endif
