/* SPDX-License-Identifier: MIT */
/*
 * Matching markers (see marker.c for the design): the default grammar from
 * keyword to keyword, any list of patterns line by line, each attempt within
 * the step budgets; each marker's text cut where its comment, string or
 * element ends (marker_text.c), then the IDs named on other lines
 * (marker_search.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "extract.h"
#include "marker_int.h"
#include "model.h"
#include "pirscan/common.h"

/* Steps (pcre2's match limit): first attempt, most a line may take, a pattern's budget per blob. */
#define STEPS_FIRST 256u
#define STEPS_LINE (1u << 20)
#define STEPS_BLOB (10u * STEPS_LINE)

static void marker_dispose(pir_marker *k)
{
	free(k->text);
	free(k->id);
	free(k->incident);
	free(k->ref);
	free(k->note);
}

void pir_marker_list_clear(pir_marker_list *list)
{
	for (size_t i = 0; !list->texts && i < list->n; i++)
		marker_dispose(&list->v[i]);
	free(list->texts);
	list->texts = NULL;
	free(list->v);
	for (size_t i = 0; i < list->nmentions; i++)
		free(list->mentions[i].id);
	free(list->mentions);
	pir_fdiag_list_clear(&list->diags);
	list->v = NULL;
	list->mentions = NULL;
	list->n = list->cap = list->nmentions = list->mentions_cap = 0;
}

int pir_marker_list_compact(pir_marker_list *list)
{
	size_t total = 0, at = 0;
	pir_marker *v;
	char *texts;

	if (list->texts || !list->n)
		return 0;
	for (size_t i = 0; i < list->n; i++)
		total += strlen(list->v[i].text) + 1;
	if (!(texts = pir_malloc(total)) || !(v = pir_malloc(list->n * sizeof(*v)))) {
		free(texts);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < list->n; i++) {
		size_t len = strlen(list->v[i].text) + 1;
		memcpy(texts + at, list->v[i].text, len);
		v[i] = (pir_marker){
		    list->v[i].line, list->v[i].column, texts + at, NULL, NULL, NULL, NULL};
		at += len;
		marker_dispose(&list->v[i]);
	}
	free(list->v);
	list->v = v;
	list->cap = list->n;
	list->texts = texts;
	return 0;
}

typedef struct {
	const pir_marker_matcher *m;
	pir_marker_scratch *s;
	pir_marker_list *out;
	const char *buf;
	size_t len;
	size_t live;	 /* patterns not dropped */
	size_t dropping; /* the pattern budget_match just dropped, or SIZE_MAX */
	unsigned line;	 /* of `counted`: lines are counted only up to what is reported */
	size_t counted;
	size_t known, known_bol; /* the start of the line of `known` */
} scanner;

/* Pattern `pi` is over its budget: it is not tried again in this blob. */
static void drop(scanner *sc, size_t pi)
{
	sc->s->dropped[pi] = true;
	sc->live--;
	sc->dropping = pi;
}

/*
 * pcre2_match of pattern `pi` with the step limits. Returns its result;
 * PCRE2_ERROR_MATCHLIMIT and other errors for a line that could not be
 * matched, and drops the pattern when its budget in the blob does not allow
 * another attempt (the other patterns have budgets of their own).
 */
static int budget_match(scanner *sc, size_t pi, const char *subject, size_t n, size_t start,
			uint32_t options)
{
	const pattern *p = &sc->m->v[pi];
	unsigned long long *spent = &sc->s->spent[pi];
	uint32_t limit = STEPS_FIRST;
	int rc;

	for (;;) {
		pcre2_set_match_limit(sc->s->mc, limit);
		rc = pcre2_match(p->code, (PCRE2_SPTR)subject, n, start, options, sc->s->md,
				 sc->s->mc);
		if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
			return rc;
		if (rc != PCRE2_ERROR_MATCHLIMIT) {
			/* out of depth, heap or JIT stack: the line costs its whole limit */
			*spent += STEPS_LINE;
			if (*spent >= STEPS_BLOB)
				drop(sc, pi);
			return rc;
		}
		if (limit >= STEPS_LINE)
			return rc; /* every attempt was charged */
		limit = limit * 8 > STEPS_LINE ? STEPS_LINE : limit * 8;
		if (*spent + limit > STEPS_BLOB) {
			drop(sc, pi);
			return rc;
		}
		*spent += limit;
	}
}

/* Advance the line counter to `to` (not before where it is). */
static void count_to(scanner *sc, size_t to)
{
	const char *p = sc->buf + sc->counted, *end = sc->buf + to, *nl;

	if (to <= sc->counted)
		return;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		sc->line++;
		p = nl + 1;
	}
	sc->counted = to;
}

/* The start of the line holding `at` (at or after every `at` asked before): each byte looked at
 * once. */
static size_t line_start(scanner *sc, size_t at_)
{
	const char *nl =
	    at_ > sc->known ? memrchr(sc->buf + sc->known, '\n', at_ - sc->known) : NULL;

	if (nl)
		sc->known_bol = (size_t)(nl - sc->buf) + 1;
	if (at_ > sc->known)
		sc->known = at_;
	return sc->known_bol;
}

static bool word_start(const char *buf, size_t at_)
{
	return at_ == 0 || (!is_word(buf[at_ - 1]));
}

/* Duplicate the first set group of `gs` within [.., cut), trimmed; NULL when unset or empty. */
static int dup_group(char **out, const scanner *sc, const group_set *gs, const char *subject,
		     size_t cut, const char *prefix)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->s->md);
	uint32_t count = pcre2_get_ovector_count(sc->s->md);
	size_t start = 0, end = 0;
	bool set = false;

	*out = NULL;
	for (unsigned i = 0; i < gs->n && !set; i++) {
		uint32_t g = gs->g[i];
		if (g < count && ov[2 * g] != PCRE2_UNSET) {
			start = ov[2 * g];
			end = ov[2 * g + 1];
			set = true;
		}
	}
	if (!set)
		return 0;
	if (end > cut)
		end = cut;
	while (start < end && is_blank(subject[start]))
		start++;
	if (start >= end)
		return 0;
	end -= start;
	pir_mk_trim(subject + start, &end);
	if (!end)
		return 0;
	*out = prefix ? pir_sprintf("%s%.*s", prefix, (int)end, subject + start)
		      : pir_strndup(subject + start, end);
	return *out ? 0 : PIR_ENOMEM;
}

/*
 * The last match of pattern `p` (on the line [bol, eol)) as a
 * marker at `mstart`. Kept unless the line says pirscan:ignore or, with
 * PIR_MARKER_REQUIRE_REF, it names nothing. Returns 1 when kept, 0, or PIR_ENOMEM.
 */
static int add_marker(scanner *sc, const pattern *p, const char *bol, const char *eol,
		      size_t mstart)
{
	const char *mp = bol + mstart, *stop = pir_mk_text_end(bol, mp, eol);
	size_t cut = (size_t)(stop - bol), tlen = cut - mstart;
	pir_marker k = {0};
	int err;

	pir_mk_trim(mp, &tlen);
	if (has_ignore(bol, eol))
		return 0;
	count_to(sc, (size_t)(bol - sc->buf));
	k.line = sc->line;
	k.column = (unsigned)(mstart + 1);

	if (!(k.text = pir_strndup(mp, tlen)) ||
	    (err = dup_group(&k.id, sc, &p->id, bol, cut, p->is_default ? "PIR" : NULL)) < 0 ||
	    (err = dup_group(&k.incident, sc, &p->incident, bol, cut, NULL)) < 0 ||
	    (err = dup_group(&k.ref, sc, &p->ref, bol, cut, NULL)) < 0 ||
	    (err = dup_group(&k.note, sc, &p->text, bol, cut, NULL)) < 0) {
		marker_dispose(&k);
		return PIR_ENOMEM;
	}
	if ((sc->m->flags & PIR_MARKER_REQUIRE_REF) && !k.id && !k.incident && !k.ref) {
		marker_dispose(&k);
		return 0;
	}
	if (pir_grow((void **)&sc->out->v, &sc->out->cap, sc->out->n + 1, sizeof(k)) < 0) {
		marker_dispose(&k);
		return PIR_ENOMEM;
	}
	sc->out->v[sc->out->n++] = k;
	return 1;
}

static int limit_diag(scanner *sc, int rc, size_t pi, const char *bol)
{
	PCRE2_UCHAR why[128];
	char which[32] = "";

	count_to(sc, (size_t)(bol - sc->buf));
	pcre2_get_error_message(rc, why, sizeof(why));
	if (sc->m->n > 1)
		snprintf(which, sizeof(which), " %zu", pi + 1);
	if (sc->dropping == pi) {
		sc->dropping = SIZE_MAX;
		if (sc->live)
			return pir_fdiag_add(&sc->out->diags, PIR_DIAG_WARNING, "marker-limit",
					     sc->line, 1,
					     "marker pattern%s took too many steps in this file; "
					     "it is not tried on lines from %u on (the other "
					     "patterns are)",
					     which, sc->line);
		return pir_fdiag_add(&sc->out->diags, PIR_DIAG_WARNING, "marker-limit", sc->line, 1,
				     "marker pattern%s took too many steps in this file; lines "
				     "from %u on are not searched for markers",
				     which, sc->line);
	}
	if (sc->live > 1)
		return pir_fdiag_add(&sc->out->diags, PIR_DIAG_WARNING, "marker-limit", sc->line, 1,
				     "marker pattern%s cannot be matched on this line (%s); "
				     "pattern%s is not tried on this line",
				     which, (const char *)why, which);
	return pir_fdiag_add(&sc->out->diags, PIR_DIAG_WARNING, "marker-limit", sc->line, 1,
			     "marker pattern%s cannot be matched on this line (%s); the line is "
			     "not searched for markers",
			     which, (const char *)why);
}

/*
 * Try pattern `pi` on the line [bol, eol) (the default grammar: at keywords
 * from `from` on). Returns 1 when it gave a marker, 0
 * when not (including a line it could not be matched on: reported), or
 * PIR_ENOMEM.
 */
static int try_line(scanner *sc, size_t pi, const char *bol, const char *eol, const char *from)
{
	const pattern *p = &sc->m->v[pi];
	size_t n = (size_t)(eol - bol);
	PCRE2_SIZE *ov;
	int rc;

	if (p->is_default) {
		for (const char *q = from; q < eol;) {
			const char *hit = pir_mk_find_keyword(q, (size_t)(eol - q));
			if (!hit)
				return 0;
			q = hit + 1;
			if (!word_start(bol, (size_t)(hit - bol)))
				continue;
			rc = budget_match(sc, pi, bol, n, (size_t)(hit - bol), PCRE2_ANCHORED);
			if (rc == PCRE2_ERROR_NOMATCH)
				continue;
			if (rc < 0)
				return limit_diag(sc, rc, pi, bol);
			return add_marker(sc, p, bol, eol, (size_t)(hit - bol));
		}
		return 0;
	}
	if (n && eol[-1] == '\r')
		n--;
	if (p->first >= 0) {
		int c = p->first, other = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? c ^ 0x20 : c;
		if (!memchr(bol, c, n) && !memchr(bol, other, n))
			return 0;
	}
	rc = budget_match(sc, pi, bol, n, 0, 0);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return limit_diag(sc, rc, pi, bol);
	ov = pcre2_get_ovector_pointer(sc->s->md);
	if (ov[0] == ov[1]) /* an empty match is no marker */
		return 0;
	return add_marker(sc, p, bol, bol + n, ov[0]);
}

/* PIR_MARKER_LINES: the line holding the keyword at `at`, once. */
static int note_line(scanner *sc, size_t at_)
{
	pir_marker_scratch *s = sc->s;
	size_t bol = line_start(sc, at_);

	if (s->nlines && s->lines[2 * s->nlines - 2] == bol)
		return 0;
	if (pir_grow((void **)&s->lines, &s->lines_cap, 2 * (s->nlines + 1), sizeof(*s->lines)) < 0)
		return PIR_ENOMEM;
	s->lines[2 * s->nlines] = bol;
	s->lines[2 * s->nlines + 1] = line_end(sc->buf, sc->len, at_);
	s->nlines++;
	return 0;
}

/* The default grammar alone: from keyword to keyword, lines counted in between. */
static int scan_default(scanner *sc, bool lines)
{
	const char *buf = sc->buf;
	size_t pos = 0;
	int err;

	while (pos < sc->len && sc->live) {
		const char *hit = pir_mk_find_keyword(buf + pos, sc->len - pos);
		size_t mstart, eol;

		if (!hit)
			break;
		mstart = (size_t)(hit - buf);
		if (lines && (err = note_line(sc, mstart)) < 0)
			return err;
		if (!word_start(buf, mstart)) {
			pos = mstart + 1;
			continue;
		}
		eol = line_end(buf, sc->len, mstart);
		if ((err = try_line(sc, 0, buf + line_start(sc, mstart), buf + eol, hit)) < 0)
			return err;
		pos = eol + 1;
	}
	return 0;
}

/* Any list of patterns: every line, patterns in order, the first marker wins. */
static int scan_lines(scanner *sc)
{
	const char *buf = sc->buf;
	size_t pos = 0;

	while (pos < sc->len && sc->live) {
		size_t eol = line_end(buf, sc->len, pos);
		for (size_t i = 0; i < sc->m->n; i++) {
			int r = sc->s->dropped[i]
				    ? 0
				    : try_line(sc, i, buf + pos, buf + eol, buf + pos);
			if (r < 0)
				return r;
			if (r > 0)
				break;
		}
		pos = eol + 1;
	}
	return 0;
}

int pir_marker_scan(pir_marker_list *out, const pir_marker_matcher *m, pir_marker_scratch *s,
		    const char *buf, size_t len, unsigned flags)
{
	scanner sc = {m, s, out, buf, len, m->n, SIZE_MAX, 1, 0, 0, 0};
	size_t first = out->n, ndiags = out->diags.n;
	bool lines = m->default_only && (flags & PIR_MARKER_LINES);
	int err;

	memset(s->spent, 0, m->n * sizeof(*s->spent));
	memset(s->dropped, 0, m->n * sizeof(*s->dropped));
	s->nlines = 0;
	s->lines_ok = false;
	err = m->default_only ? scan_default(&sc, lines) : scan_lines(&sc);
	/* lines give the blobs built from this one nothing only when it gave nothing */
	s->lines_ok = !err && lines && out->n == first && out->diags.n == ndiags;
	if (!err && (flags & PIR_MARKER_MENTIONS))
		err = pir_mk_find_mentions(out, first, buf, len);
	return err;
}
