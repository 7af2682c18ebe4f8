/* SPDX-License-Identifier: MIT */
/*
 * TODO PIR markers. The default grammar is a pcre2 pattern anchored at each
 * occurrence of the keyword "TODO" or "FIXME", in any case (found with a SIMD
 * scan: much faster than letting the regex engine look for a first code
 * unit). User patterns (--marker) are matched line by line, each line its own
 * subject, so no match crosses the end of a line. One marker per line: the
 * first pattern that matches it. Lines are only counted between hits.
 *
 * Matching time is bounded: each match attempt has a small step limit, and a
 * line that needs more is tried again with more, up to a per-line limit; the
 * steps beyond the first attempt of each line come out of the pattern's
 * budget for the blob. A pattern over its line limit is not tried on that
 * line, and one over its budget not on the rest of the blob (the other
 * patterns, with budgets of their own, go on), each with a "marker-limit"
 * diagnostic.
 *
 * Four files, sharing marker_int.h: this one, the grammar (the default
 * pattern, user patterns compiled into a matcher, the per-thread scratch);
 * marker_match.c, matching each line within the step budgets; marker_text.c,
 * where a marker's text ends on its line; marker_search.c, the keyword scan
 * and the IDs named on lines without a marker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "extract.h"
#include "marker_int.h"
#include "pirscan/common.h"

/*
 * TODO PIR-2026-05-24-001: text      -> id
 * TODO(PIR-2026-05-24-001): text     -> id
 * TODO: PIR-1 / FIXME PIR-1 / @todo PIR-1 / todo pir-1   -> id (PIR upper-cased)
 * TODO PIR(INC-2891): text           -> ref (an ID or an incident)
 * TODO PIR INC-2891 text             -> ref
 * TODO PIR: text / TODO PIR text     -> no reference
 */
static const char default_pattern[] =
    "(?J)(?i:TODO|FIXME)"
    "(?:"
    "[ \\t]*\\([ \\t]*(?i:PIR)(?<pirid>-[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)[ \\t]*\\)"
    "|(?:[ \\t]*:[ \\t]*|[ \\t]+)(?i:PIR)"
    "(?:"
    "(?<pirid>-[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)"
    "|[ \\t]*\\([ \\t]*(?<ref>[^()\\s]+)[ \\t]*\\)"
    "|[ \\t]+(?<ref>[A-Z][A-Z0-9_]*-[0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)"
    ")?"
    ")"
    "(?![A-Za-z0-9_])"
    "[ \\t]*(?:[:,;-](?=\\s|\\z))?[ \\t]*"
    "(?<text>[^\\r\\n]*)";

/* Limits of one match attempt (the steps are marker_match.c's). */
#define HEAP_LIMIT_KIB 65536u /* backtracking memory of the interpreter */
#define DEPTH_LIMIT 100000u
#define JIT_STACK_MAX (1u << 20)

static const char *const known_groups[] = {"id", "incident", "ref", "text"};

static int add_warning(pir_marker_matcher *m, const char *pat, const char *name)
{
	char *w;

	if (pir_grow((void **)&m->warnings, &m->warnings_cap, m->nwarnings + 1, sizeof(char *)) <
		0 ||
	    !(w = pir_sprintf("marker pattern '%s': unknown group name '%s' is ignored "
			      "(pirscan reads id, incident, ref and text)",
			      pat, name)))
		return PIR_ENOMEM;
	m->warnings[m->nwarnings++] = w;
	return 0;
}

/* Every group named `name` (more than one with (?J)), in number order. */
static void groups_named(group_set *out, const pcre2_code *code, const char *name)
{
	PCRE2_SPTR first, last;
	uint32_t size;
	int rc;

	out->n = 0;
	/* with first and last given, the entries of the name are [first, last] */
	rc = pcre2_substring_nametable_scan(code, (PCRE2_SPTR)name, &first, &last);
	if (rc <= 0)
		return;
	size = (uint32_t)rc;
	for (PCRE2_SPTR e = first; e <= last && out->n < MAX_DUP; e += size)
		out->g[out->n++] = ((uint32_t)e[0] << 8) | e[1];
}

/* Named groups pirscan does not read: a warning each (a typo of "id" would lose every ID). */
static int check_names(pir_marker_matcher *m, const pcre2_code *code, const char *pat)
{
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table = NULL;
	int err = 0;

	pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count && !err; i++) {
		const char *name = (const char *)table + (size_t)i * size + 2;
		bool known = false, repeat = false;

		for (size_t k = 0; k < PIR_ARRAY_SIZE(known_groups); k++)
			known |= strcmp(name, known_groups[k]) == 0;
		repeat = i && strcmp(name, (const char *)table + (size_t)(i - 1) * size + 2) == 0;
		if (!known && !repeat)
			err = add_warning(m, pat, name);
	}
	return err;
}

static int first_byte(const pcre2_code *code)
{
	uint32_t type = 0, unit = 0;

	if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) < 0 || type != 1 ||
	    pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) < 0 || unit > 0xff)
		return -1;
	return (int)unit;
}

static int compile(pir_marker_matcher *m, pattern *p, const char *pat, size_t index)
{
	int errcode, err;
	PCRE2_SIZE erroff;
	uint32_t captures = 0;

	p->is_default = pat == NULL;
	p->code = pcre2_compile((PCRE2_SPTR)(pat ? pat : default_pattern), PCRE2_ZERO_TERMINATED, 0,
				&errcode, &erroff, NULL);
	if (!p->code) {
		PCRE2_UCHAR msg[256];
		char which[32] = "";
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		if (m->n > 1)
			snprintf(which, sizeof(which), " %zu", index + 1);
		return pir_error_set(PIR_EINVALID, "invalid marker pattern%s at offset %zu: %s",
				     which, (size_t)erroff, (const char *)msg);
	}
	/* JIT is an optimisation: without it (some platforms) matching still works. */
	(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(p->code, PCRE2_INFO_CAPTURECOUNT, &captures);
	if (captures > m->captures)
		m->captures = captures;
	p->first = p->is_default ? -1 : first_byte(p->code);
	groups_named(&p->id, p->code, p->is_default ? "pirid" : "id");
	groups_named(&p->incident, p->code, "incident");
	groups_named(&p->ref, p->code, "ref");
	groups_named(&p->text, p->code, "text");
	if (!p->is_default && (err = check_names(m, p->code, pat)) < 0)
		return err;
	return 0;
}

int pir_marker_matcher_new(pir_marker_matcher **out, const char *const *patterns, unsigned flags)
{
	static const char *const only_default[] = {"default", NULL};
	pir_marker_matcher *m;
	size_t n = 0;
	int err = 0;

	*out = NULL;
	if (!patterns || !patterns[0])
		patterns = only_default;
	while (patterns[n])
		n++;
	if (!(m = pir_calloc(1, sizeof(*m))) || !(m->v = pir_calloc(n, sizeof(*m->v)))) {
		free(m);
		return PIR_ENOMEM;
	}
	m->n = n;
	m->flags = flags;
	m->default_only = true;
	for (size_t i = 0; i < n && !err; i++) {
		bool is_default = strcmp(patterns[i], "default") == 0;
		m->default_only &= is_default;
		err = compile(m, &m->v[i], is_default ? NULL : patterns[i], i);
	}
	if (err) {
		pir_marker_matcher_free(m);
		return err;
	}
	*out = m;
	return 0;
}

void pir_marker_matcher_free(pir_marker_matcher *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		pcre2_code_free(m->v[i].code);
	free(m->v);
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m);
}

size_t pir_marker_matcher_warning_count(const pir_marker_matcher *m)
{
	return m ? m->nwarnings : 0;
}

const char *pir_marker_matcher_warning(const pir_marker_matcher *m, size_t i)
{
	return m && i < m->nwarnings ? m->warnings[i] : NULL;
}

bool pir_marker_matcher_default_only(const pir_marker_matcher *m)
{
	return m->default_only;
}

const size_t *pir_marker_scratch_lines(const pir_marker_scratch *s, size_t *n)
{
	static const size_t none[2];

	*n = s->lines_ok ? s->nlines : 0;
	if (!s->lines_ok)
		return NULL;
	return s->nlines ? s->lines : none;
}

int pir_marker_scratch_new(pir_marker_scratch **out, const pir_marker_matcher *m)
{
	pir_marker_scratch *s;

	*out = NULL;
	if (!(s = pir_calloc(1, sizeof(*s))))
		return PIR_ENOMEM;
	s->md = pcre2_match_data_create(m->captures + 1, NULL);
	s->mc = pcre2_match_context_create(NULL);
	s->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	s->spent = pir_calloc(m->n, sizeof(*s->spent));
	s->dropped = pir_calloc(m->n, sizeof(*s->dropped));
	if (!s->md || !s->mc || !s->spent || !s->dropped) {
		pir_marker_scratch_free(s);
		return pir_error_oom();
	}
	if (s->jit)
		pcre2_jit_stack_assign(s->mc, NULL, s->jit);
	pcre2_set_depth_limit(s->mc, DEPTH_LIMIT);
	pcre2_set_heap_limit(s->mc, HEAP_LIMIT_KIB);
	*out = s;
	return 0;
}

void pir_marker_scratch_free(pir_marker_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mc);
	pcre2_jit_stack_free(s->jit);
	free(s->spent);
	free(s->dropped);
	free(s->lines);
	free(s);
}
