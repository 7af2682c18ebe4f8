/* SPDX-License-Identifier: MIT */
/* Private declarations shared by libpirscan's modules. Not installed. */
#ifndef PIRSCAN_INTERNAL_H
#define PIRSCAN_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pirscan/pirscan.h"

#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "model.h"

/* ---- buffers and escaping (buf.c) ---- */

int pir_buf_grow(pir_buf *buf, size_t extra);
int pir_buf_put(pir_buf *buf, const char *data, size_t len);
int pir_buf_puts(pir_buf *buf, const char *s);
int pir_buf_putc(pir_buf *buf, char c);
int pir_buf_printf(pir_buf *buf, const char *fmt, ...) PIR_PRINTF(2, 3);
/** Append `s` as a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. NULL writes null. */
int pir_buf_json_str(pir_buf *buf, const char *s);
/** Append `s` as one CSV field, quoted when needed (RFC 4180). */
int pir_buf_csv_field(pir_buf *buf, const char *s);
/** Append `s` for a terminal: control characters and escapes become visible escapes. */
int pir_buf_term_str(pir_buf *buf, const char *s);
/** Number of terminal columns `s` takes once written by pir_buf_term_str (UTF-8 aware, approximate). */
size_t pir_term_width(const char *s);

/** Valid UTF-8? */
bool pir_utf8_valid(const char *s, size_t len);

/* ---- diagnostics of a parsed file, before they get a repo and path ---- */

typedef struct {
	pir_diag_level level;
	const char *code; /* static string */
	unsigned line, column;
	char *message; /* owned */
} pir_fdiag;

typedef struct {
	pir_fdiag *v;
	size_t n, cap;
} pir_fdiag_list;

int pir_fdiag_add(pir_fdiag_list *list, pir_diag_level level, const char *code, unsigned line,
		  unsigned column, const char *fmt, ...) PIR_PRINTF(6, 7);
void pir_fdiag_list_clear(pir_fdiag_list *list);

/* ---- markers (marker.c) ---- */

typedef struct pir_marker_matcher pir_marker_matcher;

/** One marker found in a blob. Strings are owned by the containing pir_marker_list. */
typedef struct {
	unsigned line;   /* 1-based */
	unsigned column; /* 1-based byte column of the match start */
	char *text;      /* the whole marker, from its keyword on, to the end of its comment or string */
	char *id;        /* action-item ID, or NULL */
	char *incident;  /* incident ID, or NULL */
	char *ref;       /* reference as written when id/incident are not decided yet, or NULL */
	char *note;      /* the free text after the reference, or NULL */
} pir_marker;

/** An action-item ID ("PIR-…", prefix upper-cased) named on a line that holds no marker. */
typedef struct {
	unsigned line, column;
	char *id;
} pir_id_mention;

typedef struct {
	pir_marker *v;
	size_t n, cap;
	pir_fdiag_list diags; /* marker-limit: lines, or the rest of the blob, not searched */
	pir_id_mention *mentions; /* with PIR_MARKER_MENTIONS, in line order */
	size_t nmentions, mentions_cap;
} pir_marker_list;

/* Matcher flags: keep only markers that name an ID, an incident or a reference. */
#define PIR_MARKER_REQUIRE_REF 1u
/* Scan flags: also record the IDs named on lines without a marker (near misses). */
#define PIR_MARKER_MENTIONS 1u

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

void pir_marker_list_clear(pir_marker_list *list);

/* ---- action-items files (actions.c) ---- */

/** One entry of an action-items file. Strings live in the list's arena. */
typedef struct {
	unsigned line, column; /* of the entry (its mapping), 1-based */
	char *id;
	char *title;
	char *owner;
	char *due_raw;       /* the due value as written, or NULL */
	pir_date due;        /* PIR_DATE_NONE when absent or invalid */
	char *severity;      /* lower-cased, or NULL */
	int severity_rank;   /* index into the severity list, PIR_SEVERITY_NONE */
	char *status;        /* lower-cased; NULL means open */
	bool closed;         /* done, closed or wontfix */
	char *incident;      /* linked_incident */
	char *team;          /* team, or NULL */
	pir_date snooze_until; /* snooze: {until, reason}; PIR_DATE_NONE without */
	char *snooze_reason;
	bool invalid;        /* some field failed validation (a diagnostic says which) */
	pir_field *fields;   /* unknown fields: key and the value as JSON text; strings owned */
	size_t nfields;
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
void pir_entry_list_clear(pir_entry_list *list);

/* ---- dates ---- */
bool pir_date_is_valid_ymd(int y, unsigned m, unsigned d);


/* ---- JSON pieces shared by the writers (format_json.c) ---- */
/* The scan's JSON document; `extra` may append more top-level members (",\n  ..."). */
int pir_json_document(pir_buf *out, const pir_scan *scan, const pir_format_options *o,
		      int (*extra)(pir_buf *out, void *payload), void *payload);
/* The location a person acts on: the first marker still in the tree, else the first. */
const pir_location *pir_item_work_location(const pir_item *it);
/** Append `s` for XML text or attribute values; characters XML 1.0 forbids are dropped. */
int pir_buf_xml_str(pir_buf *buf, const char *s);

/* ---- the gate, for its writers (check.c) ---- */
const pir_check_options *pir_check_options_of(const pir_check *c);
const pir_scan *pir_check_scan(const pir_check *c);
bool pir_check_changed_only(const pir_check *c);
/* Whether invalid entries and unreadable action-items files fail (else they warn). */
bool pir_check_invalid_fails(const pir_check *c);
/* Whether the item is overdue past the grace at or above the fail-on severity. */
bool pir_check_by_policy(const pir_check *c, const pir_item *it);
/* With changed_since: was this diagnostic of a scanned file added by the change (link.c)? */
bool pir_scan_diag_changed(const pir_scan *scan, const pir_diagnostic *d);


#endif
