/* SPDX-License-Identifier: MIT */
/*
 * TODO PIR markers. The default grammar is a pcre2 pattern anchored at each
 * occurrence of the literal "TODO" (found with a SIMD scan, or memmem: much
 * faster than letting the regex engine look for a first code unit).
 * A user pattern (--marker) is matched over the whole blob in multiline mode.
 * Lines are only counted between hits.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "internal.h"

/*
 * TODO PIR-2026-05-24-001: text      -> id
 * TODO PIR(INC-2891): text           -> ref (an ID or an incident)
 * TODO PIR INC-2891 text             -> ref
 * TODO PIR: text / TODO PIR text     -> no reference
 */
static const char default_pattern[] =
	"TODO[ \\t]+PIR"
	"(?:"
	"(?<pirid>-[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)"
	"|[ \\t]*\\([ \\t]*(?<pref>[^()\\s]+)[ \\t]*\\)"
	"|[ \\t]+(?<sref>[A-Z][A-Z0-9_]*-[0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)"
	")?"
	"(?![A-Za-z0-9_])"
	"[ \\t]*(?:[:,;-](?=\\s|\\z))?[ \\t]*"
	"(?<text>[^\\r\\n]*)";

struct pir_marker_matcher {
	pcre2_code *code;
	bool is_default;
	uint32_t g_id, g_incident, g_text, g_pirid, g_pref, g_sref;
};

struct pir_marker_scratch {
	pcre2_match_data *md;
};

static uint32_t group(pcre2_code *code, const char *name)
{
	int n = pcre2_substring_number_from_name(code, (PCRE2_SPTR)name);
	return n > 0 ? (uint32_t)n : 0;
}

int pir_marker_matcher_new(pir_marker_matcher **out, const char *pattern)
{
	pir_marker_matcher *m;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t flags = pattern ? PCRE2_MULTILINE : 0;

	*out = NULL;
	if (!(m = pir_calloc(1, sizeof(*m))))
		return PIR_ENOMEM;
	m->is_default = pattern == NULL;
	m->code = pcre2_compile((PCRE2_SPTR)(pattern ? pattern : default_pattern),
				PCRE2_ZERO_TERMINATED, flags, &errcode, &erroff, NULL);
	if (!m->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		free(m);
		return pir_error_set(PIR_EINVALID, "invalid marker pattern at offset %zu: %s",
				     (size_t)erroff, (const char *)msg);
	}
	/* JIT is an optimisation: without it (some platforms) matching still works. */
	(void)pcre2_jit_compile(m->code, PCRE2_JIT_COMPLETE);
	m->g_id = group(m->code, "id");
	m->g_incident = group(m->code, "incident");
	m->g_text = group(m->code, "text");
	m->g_pirid = group(m->code, "pirid");
	m->g_pref = group(m->code, "pref");
	m->g_sref = group(m->code, "sref");
	*out = m;
	return 0;
}

void pir_marker_matcher_free(pir_marker_matcher *m)
{
	if (!m)
		return;
	pcre2_code_free(m->code);
	free(m);
}

int pir_marker_scratch_new(pir_marker_scratch **out, const pir_marker_matcher *m)
{
	pir_marker_scratch *s;

	*out = NULL;
	if (!(s = pir_calloc(1, sizeof(*s))))
		return PIR_ENOMEM;
	if (!(s->md = pcre2_match_data_create_from_pattern(m->code, NULL))) {
		free(s);
		return pir_error_oom();
	}
	*out = s;
	return 0;
}

void pir_marker_scratch_free(pir_marker_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	free(s);
}

void pir_marker_list_clear(pir_marker_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		pir_marker *k = &list->v[i];
		free(k->text);
		free(k->id);
		free(k->incident);
		free(k->ref);
		free(k->note);
	}
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trim blanks and trailing comment closers ("*" "/", "-->", ...) from [s, s+*len). */
static void trim_marker(const char *s, size_t *len)
{
	static const char *const closers[] = {"*/", "-->", "--%>", "*)", "-}", "#}", "%}", "%>", "]]"};
	size_t n = *len;
	bool again = true;

	while (again) {
		again = false;
		while (n && is_blank(s[n - 1]))
			n--;
		for (size_t i = 0; i < PIR_ARRAY_SIZE(closers); i++) {
			size_t cl = strlen(closers[i]);
			if (n >= cl && memcmp(s + n - cl, closers[i], cl) == 0) {
				n -= cl;
				again = true;
				break;
			}
		}
	}
	*len = n;
}

/* Duplicate group `g` of the last match, trimmed; NULL when unset or empty. */
static int dup_group(char **out, const pir_marker_scratch *s, uint32_t g, const char *buf,
		     const char *prefix)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	size_t start, len;

	*out = NULL;
	if (!g || g >= pcre2_get_ovector_count(s->md) || ov[2 * g] == PCRE2_UNSET)
		return 0;
	start = ov[2 * g];
	len = ov[2 * g + 1] - start;
	while (len && is_blank(buf[start])) {
		start++;
		len--;
	}
	trim_marker(buf + start, &len);
	if (!len)
		return 0;
	if (prefix) {
		*out = pir_sprintf("%s%.*s", prefix, (int)len, buf + start);
		return *out ? 0 : PIR_ENOMEM;
	}
	*out = pir_strndup(buf + start, len);
	return *out ? 0 : PIR_ENOMEM;
}

static int add_marker(pir_marker_list *out, const pir_marker_matcher *m,
		      const pir_marker_scratch *s, const char *buf, size_t len, size_t mstart,
		      unsigned line, unsigned column)
{
	const char *eol = memchr(buf + mstart, '\n', len - mstart);
	size_t tlen = (eol ? (size_t)(eol - buf) : len) - mstart;
	pir_marker *k;
	int err;

	if (pir_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
		return PIR_ENOMEM;
	k = &out->v[out->n];
	memset(k, 0, sizeof(*k));
	k->line = line;
	k->column = column;
	trim_marker(buf + mstart, &tlen);
	if (!(k->text = pir_strndup(buf + mstart, tlen)))
		return PIR_ENOMEM;
	out->n++;
	if (m->is_default) {
		if ((err = dup_group(&k->id, s, m->g_pirid, buf, "PIR")) < 0 ||
		    (err = dup_group(&k->ref, s, m->g_pref, buf, NULL)) < 0 ||
		    (!k->ref && (err = dup_group(&k->ref, s, m->g_sref, buf, NULL)) < 0))
			return err;
	} else if ((err = dup_group(&k->id, s, m->g_id, buf, NULL)) < 0 ||
		   (err = dup_group(&k->incident, s, m->g_incident, buf, NULL)) < 0) {
		return err;
	}
	return dup_group(&k->note, s, m->g_text, buf, NULL);
}

/* Advance the line counter from *pos to `to`. */
static void count_lines(const char *buf, size_t *pos, size_t to, unsigned *line, size_t *bol)
{
	const char *p = buf + *pos, *end = buf + to, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		(*line)++;
		*bol = (size_t)(nl - buf) + 1;
		p = nl + 1;
	}
	*pos = to;
}

static size_t next_line(const char *buf, size_t len, size_t from)
{
	const char *nl = memchr(buf + from, '\n', len - from);
	return nl ? (size_t)(nl - buf) + 1 : len;
}

static bool word_start(const char *buf, size_t at)
{
	unsigned char c;

	if (at == 0)
		return true;
	c = (unsigned char)buf[at - 1];
	return !(c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		 (c >= 'a' && c <= 'z'));
}

/*
 * The first "TODO" in [p, p+n). With SSE2 (every x86-64), 16 positions at a
 * time are tested for a 'T' with an 'O' three bytes on, and only those
 * rare candidates are checked byte by byte: about three times the speed of
 * glibc's memmem, which was the largest cost of a history scan after
 * inflating.
 */
static const char *find_todo(const char *p, size_t n)
{
	const char *end = p + n;

#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i t = _mm_set1_epi8('T'), o = _mm_set1_epi8('O');

	for (; end - p >= 19; p += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 3));
		unsigned mask = (unsigned)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpeq_epi8(a, t), _mm_cmpeq_epi8(b, o)));

		while (mask) {
			unsigned i = (unsigned)__builtin_ctz(mask);
			if (p[i + 1] == 'O' && p[i + 2] == 'D')
				return p + i;
			mask &= mask - 1;
		}
	}
#endif
	return memmem(p, (size_t)(end - p), "TODO", 4);
}

int pir_marker_scan(pir_marker_list *out, const pir_marker_matcher *m, pir_marker_scratch *s,
		    const char *buf, size_t len)
{
	size_t pos = 0, counted = 0, bol = 0;
	unsigned line = 1;
	int rc, err;

	while (pos < len) {
		size_t mstart;

		if (m->is_default) {
			const char *hit = find_todo(buf + pos, len - pos);
			if (!hit)
				break;
			mstart = (size_t)(hit - buf);
			if (!word_start(buf, mstart)) {
				pos = mstart + 4;
				continue;
			}
			rc = pcre2_match(m->code, (PCRE2_SPTR)buf, len, mstart, PCRE2_ANCHORED,
					 s->md, NULL);
			if (rc == PCRE2_ERROR_NOMATCH) {
				pos = mstart + 4;
				continue;
			}
		} else {
			rc = pcre2_match(m->code, (PCRE2_SPTR)buf, len, pos, 0, s->md, NULL);
			if (rc == PCRE2_ERROR_NOMATCH)
				break;
			mstart = pcre2_get_ovector_pointer(s->md)[0];
		}
		if (rc < 0) {
			/* match limit or similar on pathological input: stop this blob */
			break;
		}
		count_lines(buf, &counted, mstart, &line, &bol);
		if ((err = add_marker(out, m, s, buf, len, mstart, line,
				      (unsigned)(mstart - bol + 1))) < 0)
			return err;
		pos = next_line(buf, len, mstart);
	}
	return 0;
}
