/* SPDX-License-Identifier: MIT */
/*
 * What the marker files share: the compiled patterns and the per-thread
 * scratch (marker.c makes them, marker_match.c uses them), the byte classes
 * every file reads lines with, and what matching takes from the other two:
 * where a marker's text ends (marker_text.c) and the searches that need no
 * regex (marker_search.c). Matching calls down into those two, never back.
 */
#ifndef PIRSCAN_EXTRACT_MARKER_INT_H
#define PIRSCAN_EXTRACT_MARKER_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract.h"

#define MAX_DUP 8 /* groups of one name that are looked at (with (?J)) */

typedef struct {
	uint32_t g[MAX_DUP];
	unsigned n;
} group_set;

typedef struct {
	pcre2_code *code;
	bool is_default;
	int first; /* a byte every match starts with, or -1 */
	group_set id, incident, ref, text;
} pattern;

struct pir_marker_matcher {
	pattern *v;
	size_t n;
	bool default_only;
	unsigned flags;
	uint32_t captures; /* the most capture groups of any pattern */
	char **warnings;
	size_t nwarnings, warnings_cap;
};

struct pir_marker_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *jit;
	unsigned long long *spent; /* per pattern: steps of its budget in this blob */
	bool *dropped;		   /* per pattern: over its budget, not tried in this blob */
	size_t *lines;		   /* PIR_MARKER_LINES: pairs of offsets */
	size_t nlines;		   /* pairs */
	size_t lines_cap;	   /* offsets */
	bool lines_ok; /* the last scan recorded them, and gave no marker and no diagnostic */
};

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static inline bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* The end of the line holding `from`: its '\n', or `len`. */
static inline size_t line_end(const char *buf, size_t len, size_t from)
{
	const char *nl = memchr(buf + from, '\n', len - from);
	return nl ? (size_t)(nl - buf) : len;
}

static inline bool has_ignore(const char *bol, const char *eol)
{
	return memmem(bol, (size_t)(eol - bol), "pirscan:ignore", 14) != NULL;
}

/* ---- marker_text.c ---- */

/*
 * Where the text of a marker at `m` ends, before `eol`: at the end of the
 * string, block comment or HTML element it stands in (read from the line
 * from `bol`), so that code after it on the line is not part of its title.
 */
const char *pir_mk_text_end(const char *bol, const char *m, const char *eol);
/*
 * Trim blanks and trailing closers from [s, s+*len): comment closers, the
 * end of a triple-quoted string, a closing HTML tag of an element not opened
 * in the text.
 */
void pir_mk_trim(const char *s, size_t *len);

/* ---- marker_search.c ---- */

/* The first keyword ("TODO" or "FIXME", any case) in [p, p+n), or NULL. */
const char *pir_mk_find_keyword(const char *p, size_t n);
/*
 * Every "PIR-..." on a line of `buf` that holds no marker (out->v from
 * `next` on, in line order) and no pirscan:ignore, into out->mentions, up to
 * a limit past which one marker-limit diagnostic says so. 0 or PIR_ENOMEM.
 */
int pir_mk_find_mentions(pir_marker_list *out, size_t next, const char *buf, size_t len);

#endif
