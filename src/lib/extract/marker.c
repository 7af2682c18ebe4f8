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
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "error.h"
#include "extract.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"

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

/* Steps (pcre2's match limit): first attempt, most a line may take, a pattern's budget per blob. */
#define STEPS_FIRST 256u
#define STEPS_LINE (1u << 20)
#define STEPS_BLOB (10u * STEPS_LINE)
#define HEAP_LIMIT_KIB 65536u /* backtracking memory of the interpreter */
#define DEPTH_LIMIT 100000u
#define JIT_STACK_MAX (1u << 20)
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
};

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
	free(s);
}

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
	for (size_t i = 0; i < list->n; i++)
		marker_dispose(&list->v[i]);
	free(list->v);
	for (size_t i = 0; i < list->nmentions; i++)
		free(list->mentions[i].id);
	free(list->mentions);
	pir_fdiag_list_clear(&list->diags);
	list->v = NULL;
	list->mentions = NULL;
	list->n = list->cap = list->nmentions = list->mentions_cap = 0;
}

/* ---- where a marker's text ends ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool at(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

/* ---- HTML tags ---- */

#define TAG_DEPTH 8 /* open elements remembered */
#define TAG_LEN 16

typedef struct {
	char name[TAG_DEPTH][TAG_LEN];
	unsigned n;
} tag_stack;

typedef struct {
	const char *name;
	size_t len;
	bool closing;	 /* </name> */
	bool opens;	 /* a start tag of an element that needs closing (not <br>, not <x/>) */
	const char *end; /* after its '>' */
} html_tag;

static bool is_void(const char *name, size_t len)
{
	static const char *const v[] = {"area",	 "base", "br",	 "col",	  "embed",  "hr",    "img",
					"input", "link", "meta", "param", "source", "track", "wbr"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(v); i++) {
		size_t k = 0;
		while (k < len && v[i][k] && (name[k] | 0x20) == v[i][k])
			k++;
		if (k == len && !v[i][k])
			return true;
	}
	return false;
}

/*
 * The tag at `p` ("<li class=x>", "</li >"), if any. `*gt` caches the next
 * '>' (NULL at first, `end` when there is none), so a line of '<' is read once.
 */
static bool tag_at(html_tag *t, const char *p, const char *end, const char **gt)
{
	const char *q = p + 1;

	if (*p != '<' || q >= end)
		return false;
	t->closing = *q == '/';
	q += t->closing;
	if (q >= end || !is_alpha(*q))
		return false;
	t->name = q;
	while (q < end && (is_alnum(*q) || *q == '-'))
		q++;
	t->len = (size_t)(q - t->name);
	if (t->closing) {
		while (q < end && is_blank(*q))
			q++;
		if (q >= end || *q != '>')
			return false;
		t->opens = false;
		t->end = q + 1;
		return true;
	}
	if (q < end && *q != '>' && *q != '/' && !is_blank(*q))
		return false;
	if (!*gt || *gt < q) {
		const char *g = memchr(q, '>', (size_t)(end - q));
		*gt = g ? g : end;
	}
	if (*gt >= end)
		return false;
	t->opens = (*gt)[-1] != '/' && !is_void(t->name, t->len);
	t->end = *gt + 1;
	return true;
}

static void tags_push(tag_stack *s, const html_tag *t)
{
	size_t n = t->len < TAG_LEN - 1 ? t->len : TAG_LEN - 1;

	if (s->n == TAG_DEPTH) { /* forget the outermost */
		memmove(s->name[0], s->name[1], sizeof(s->name[0]) * (TAG_DEPTH - 1));
		s->n--;
	}
	for (size_t i = 0; i < n; i++)
		s->name[s->n][i] = (char)(t->name[i] | 0x20);
	s->name[s->n++][n] = '\0';
}

/* Close the innermost open element that `t` names: true when there was one. */
static bool tags_close(tag_stack *s, const html_tag *t)
{
	for (unsigned i = s->n; i-- > 0;) {
		size_t k = 0;
		while (k < t->len && s->name[i][k] && (t->name[k] | 0x20) == s->name[i][k])
			k++;
		if (s->name[i][k] == '\0' && (k == t->len || k == TAG_LEN - 1)) {
			s->n = i;
			return true;
		}
	}
	return false;
}

/* Length of a closing HTML tag ending at `n` ("</p>", "</li >"), or 0. */
static size_t closing_tag_before(const char *s, size_t n)
{
	size_t i = n;

	if (!i || s[i - 1] != '>')
		return 0;
	i--;
	while (i && is_blank(s[i - 1]))
		i--;
	while (i && (is_alnum(s[i - 1]) || s[i - 1] == '-'))
		i--;
	if (i < 2 || s[i - 2] != '<' || s[i - 1] != '/' || !is_alnum(s[i]))
		return 0;
	return n - (i - 2);
}

/*
 * Where the last element both opened and closed in [s, s+n) ends: a closing
 * tag before that is content ("make <code>x</code>"); one after it closes an
 * element opened before the marker (maybe on an earlier line) and is trimmed.
 */
static size_t content_tags_end(const char *s, size_t n)
{
	const char *end = s + n, *gt = NULL;
	tag_stack open = {.n = 0};
	size_t keep = 0;
	html_tag t;

	for (const char *p = s; p < end && (p = memchr(p, '<', (size_t)(end - p)));) {
		if (!tag_at(&t, p, end, &gt)) {
			p++;
			continue;
		}
		if (t.opens)
			tags_push(&open, &t);
		else if (t.closing && tags_close(&open, &t))
			keep = (size_t)(t.end - s);
		p = t.end;
	}
	return keep;
}

/*
 * Trim blanks and trailing closers from [s, s+*len): comment closers
 * ("*" "/", "-->", ...), the end of a triple-quoted string, a closing HTML
 * tag of an element not opened in the text.
 */
static void trim_marker(const char *s, size_t *len)
{
	static const char *const closers[] = {"*/", "-->", "--%>", "*)",     "-}", "#}",
					      "%}", "%>",  "]]",   "\"\"\"", "'''"};
	size_t n = *len, keep = 0, tag;
	bool again = true, tags_read = false;

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
		if (again || !(tag = closing_tag_before(s, n)))
			continue;
		if (!tags_read) {
			keep = content_tags_end(s, n);
			tags_read = true;
		}
		if (n - tag >= keep) {
			n -= tag;
			again = true;
		}
	}
	*len = n;
}

/* Comments that close on their line: opener, closer. Two-byte openers need a blank after. */
static const char *const block_comments[][2] = {
    {"<!--", "-->"}, {"<%--", "--%>"}, {"--[[", "]]"}, {"/*", "*/"},
    {"(* ", "*)"},   {"{- ", "-}"},    {"{# ", "#}"},  {"{% ", "%}"},
};

/* What a marker stands in, read from the line before it: the closest opener still open decides. */
typedef struct {
	char quote;	       /* inside a string opened by this quote, or 0 */
	bool triple;	       /* ... a triple-quoted one */
	const char *closer;    /* inside a block comment closed by this, or NULL */
	bool line_comment;     /* after // # or -- */
	unsigned comment_tags; /* elements open when the (last) line comment began */
	tag_stack tags;	       /* HTML elements opened and not closed, innermost last */
} context;

static bool opens_string(const char *bol, const char *p)
{
	char before = p > bol ? p[-1] : ' ';

	if (*p == '"')
		return true;
	if (!is_alnum(before))
		return true;
	/* Python's r'...', b'...', f'...', u'...' */
	return before && strchr("rRbBfFuU", before) && (p - 1 == bol || !is_alnum(p[-2]));
}

/*
 * Length of a line comment opener at p, or 0: "//"; "--" not before a word
 * ("--flag" is no comment); "#" at the start of the line or after a blank,
 * not before a word ("#define", "#fff" and "#42" are code or prose).
 */
static size_t line_comment_at(const char *bol, const char *p, const char *end)
{
	if (at(p, end, "//"))
		return 2;
	if (at(p, end, "--"))
		return p + 2 < end && is_word(p[2]) ? 0 : 2;
	if (*p != '#' || (p > bol && !is_blank(p[-1])))
		return 0;
	return p + 1 < end && is_word(p[1]) ? 0 : 1;
}

static void read_context(context *c, const char *bol, const char *end)
{
	const char *gt = NULL;
	html_tag t;
	size_t lc;

	memset(c, 0, sizeof(*c));
	for (const char *p = bol; p < end; p++) {
		if (c->quote) {
			const char *triple = c->quote == '"' ? "\"\"\"" : "'''";
			if (*p == '\\') {
				p += p + 1 < end;
			} else if (*p == c->quote && !c->triple) {
				c->quote = 0;
			} else if (*p == c->quote && at(p, end, triple)) {
				c->quote = 0;
				p += 2;
			}
			continue;
		}
		if (c->closer) {
			if (at(p, end, c->closer)) {
				p += strlen(c->closer) - 1;
				c->closer = NULL;
			}
			continue;
		}
		for (size_t i = 0; i < PIR_ARRAY_SIZE(block_comments) && !c->closer; i++) {
			if (at(p, end, block_comments[i][0])) {
				c->closer = block_comments[i][1];
				p += strlen(block_comments[i][0]) - 1;
			}
		}
		if (c->closer)
			continue;
		if ((lc = line_comment_at(bol, p, end)) != 0) {
			c->line_comment = true;
			c->comment_tags = c->tags.n;
			p += lc - 1;
		} else if ((*p == '"' || *p == '\'' || *p == '`') && opens_string(bol, p)) {
			c->quote = *p;
			c->triple = *p != '`' && at(p, end, *p == '"' ? "\"\"\"" : "'''");
			if (c->triple)
				p += 2;
		} else if (*p == '<' && tag_at(&t, p, end, &gt)) {
			if (t.opens)
				tags_push(&c->tags, &t);
			else if (t.closing && tags_close(&c->tags, &t) &&
				 c->comment_tags > c->tags.n)
				c->comment_tags = c->tags.n;
			p = t.end - 1;
		}
	}
}

/*
 * The first closing tag in [p, eol) of an element open before the marker
 * (elements opened after it and closed are its content), or NULL.
 */
static const char *closing_of(const context *c, const char *p, const char *eol)
{
	tag_stack inner = {.n = 0}, outer = c->tags;
	const char *gt = NULL;
	html_tag t;

	while (p < eol && (p = memchr(p, '<', (size_t)(eol - p)))) {
		if (!tag_at(&t, p, eol, &gt)) {
			p++;
			continue;
		}
		if (t.opens)
			tags_push(&inner, &t);
		else if (t.closing && !tags_close(&inner, &t) && tags_close(&outer, &t))
			return p;
		p = t.end;
	}
	return NULL;
}

/*
 * Where the text of a marker at `m` ends, before `eol`: at the end of the
 * string, block comment or HTML element it stands in, so that code after it
 * on the line (`"); }`, `*` `/ int x;`, `</p>`) is not part of its title.
 */
static const char *text_end(const char *bol, const char *m, const char *eol)
{
	const char *stop;
	context c;

	read_context(&c, bol, m);
	if (c.quote) {
		for (const char *p = m; p < eol; p++) {
			if (*p == '\\') {
				p += p + 1 < eol;
				continue;
			}
			if (*p == c.quote &&
			    (c.triple || c.quote == '"' || p + 1 == eol || !is_alnum(p[1])))
				return p;
		}
		return eol;
	}
	if (c.closer) {
		for (const char *p = m; p < eol; p++)
			if (at(p, eol, c.closer))
				return p;
		return eol;
	}
	if (c.line_comment && c.tags.n <= c.comment_tags)
		return eol;
	if (c.tags.n && (stop = closing_of(&c, m, eol)))
		return stop;
	return eol;
}

/* ---- matching ---- */

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

static size_t line_end(const char *buf, size_t len, size_t from)
{
	const char *nl = memchr(buf + from, '\n', len - from);
	return nl ? (size_t)(nl - buf) : len;
}

static bool word_start(const char *buf, size_t at_)
{
	return at_ == 0 || (!is_word(buf[at_ - 1]));
}

/* Keyword length at p ("todo" 4, "fixme" 5, any case), or 0. */
static size_t keyword_at(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (n >= 4 && (p[0] | 0x20) == 't' && (p[1] | 0x20) == 'o' && (p[2] | 0x20) == 'd' &&
	    (p[3] | 0x20) == 'o')
		return 4;
	if (n >= 5 && (p[0] | 0x20) == 'f' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'x' &&
	    (p[3] | 0x20) == 'm' && (p[4] | 0x20) == 'e')
		return 5;
	return 0;
}

/*
 * The first keyword ("TODO" or "FIXME", any case) in [p, p+n). With SSE2
 * (every x86-64), 16 positions at a time are tested for a 't' with an 'o'
 * three bytes on, or an 'f' with an 'm' (case folded by setting bit 5, which
 * maps no other byte to these letters), and only those rare candidates are
 * checked byte by byte.
 */
static const char *find_keyword(const char *p, size_t n)
{
	const char *end = p + n;

#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i fold = _mm_set1_epi8(0x20), t = _mm_set1_epi8('t'), o = _mm_set1_epi8('o'),
		      f = _mm_set1_epi8('f'), mm = _mm_set1_epi8('m');

	for (; end - p >= 19; p += 16) {
		__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), fold);
		__m128i b =
		    _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + 3)), fold);
		__m128i hit =
		    _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, t), _mm_cmpeq_epi8(b, o)),
				 _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, mm)));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);

		while (mask) {
			unsigned i = (unsigned)__builtin_ctz(mask);
			if (keyword_at(p + i, end))
				return p + i;
			mask &= mask - 1;
		}
	}
#endif
	for (; p < end; p++)
		if (((*p | 0x20) == 't' || (*p | 0x20) == 'f') && keyword_at(p, end))
			return p;
	return NULL;
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
	trim_marker(subject + start, &end);
	if (!end)
		return 0;
	*out = prefix ? pir_sprintf("%s%.*s", prefix, (int)end, subject + start)
		      : pir_strndup(subject + start, end);
	return *out ? 0 : PIR_ENOMEM;
}

static bool has_ignore(const char *bol, const char *eol)
{
	return memmem(bol, (size_t)(eol - bol), "pirscan:ignore", 14) != NULL;
}

/*
 * The last match of pattern `p` (on `subject`, the line at `bol`) as a
 * marker at `mstart`. Kept unless the line says pirscan:ignore or, with
 * PIR_MARKER_REQUIRE_REF, it names nothing. Returns 1 when kept, 0, or PIR_ENOMEM.
 */
static int add_marker(scanner *sc, const pattern *p, const char *bol, const char *eol,
		      size_t mstart)
{
	const char *mp = bol + mstart, *stop = text_end(bol, mp, eol);
	size_t cut = (size_t)(stop - bol), tlen = cut - mstart;
	pir_marker k = {0};
	int err;

	trim_marker(mp, &tlen);
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
			const char *hit = find_keyword(q, (size_t)(eol - q));
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

/* The default grammar alone: from keyword to keyword, lines counted in between. */
static int scan_default(scanner *sc)
{
	const char *buf = sc->buf;
	size_t pos = 0;
	int err;

	while (pos < sc->len && sc->live) {
		const char *hit = find_keyword(buf + pos, sc->len - pos);
		size_t mstart, eol;

		if (!hit)
			break;
		mstart = (size_t)(hit - buf);
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

/* ---- mentions of IDs on lines without a marker ---- */

#define MENTIONS_MAX 1000u /* kept per blob; past that, one diagnostic */
#define MENTION_SLOTS                                                                              \
	2048u /* of the set of a line's IDs: a power of two, over 2 * MENTIONS_MAX                 \
	       */

/* A slot of the set of the IDs named on one line: in use when `line` is that line. */
typedef struct {
	unsigned line;
	size_t index; /* in out->mentions */
} mention_slot;

static uint32_t hash_id(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Record "PIR" and the rest of [s, s+n) at line:column, once a line (`set`
 * holds the IDs of the line: each is looked up in constant time). Returns 1
 * when recorded, 0 when the line named it already, 2 when it is new but
 * `full`, or PIR_ENOMEM.
 */
static int add_mention(pir_marker_list *out, mention_slot *set, bool full, unsigned line,
		       unsigned column, const char *s, size_t n)
{
	char *id = pir_sprintf("PIR%.*s", (int)(n - 3), s + 3);
	pir_id_mention *x;
	uint32_t h;

	if (!id)
		return PIR_ENOMEM;
	for (h = hash_id(id) & (MENTION_SLOTS - 1); set[h].line == line;
	     h = (h + 1) & (MENTION_SLOTS - 1)) {
		if (strcmp(out->mentions[set[h].index].id, id) == 0) {
			free(id);
			return 0;
		}
	}
	if (full) {
		free(id);
		return 2;
	}
	if (pir_grow((void **)&out->mentions, &out->mentions_cap, out->nmentions + 1, sizeof(*x)) <
	    0) {
		free(id);
		return PIR_ENOMEM;
	}
	set[h].line = line;
	set[h].index = out->nmentions;
	x = &out->mentions[out->nmentions++];
	x->id = id;
	x->line = line;
	x->column = column;
	return 1;
}

/*
 * Every "PIR-..." (prefix in any case) on a line that holds no marker and no
 * pirscan:ignore, each line looked at once, up to MENTIONS_MAX.
 */
static int find_mentions(pir_marker_list *out, size_t next, const char *buf, size_t len)
{
	size_t pos = 0, bol = 0, counted = 0, eol = 0, kept = 0;
	unsigned line = 1, checked = 0; /* the line whose marker and ignore were looked at */
	mention_slot *set = NULL;
	const char *dash;
	int err = 0, r;

	while (pos < len && (dash = memchr(buf + pos, '-', len - pos))) {
		size_t d = (size_t)(dash - buf), s = d - 3, e = d + 1;
		const char *p;

		pos = d + 1;
		if (d < 3 || (buf[s] | 0x20) != 'p' || (buf[s + 1] | 0x20) != 'i' ||
		    (buf[s + 2] | 0x20) != 'r' || (s && is_word(buf[s - 1])) || e >= len ||
		    !is_alnum(buf[e]))
			continue;
		while (e < len && (is_alnum(buf[e]) || strchr("._/-", buf[e])))
			e++;
		while (!is_alnum(buf[e - 1]))
			e--;
		for (p = buf + counted; (p = memchr(p, '\n', (size_t)(buf + s - p)));) {
			line++;
			bol = (size_t)(p - buf) + 1;
			p++;
		}
		counted = s;
		if (checked != line) {
			checked = line;
			while (next < out->n && out->v[next].line < line)
				next++;
			eol = line_end(buf, len, s);
			if ((next < out->n && out->v[next].line == line) ||
			    has_ignore(buf + bol, buf + eol)) {
				pos = eol;
				continue;
			}
		}
		if (!set && !(set = pir_calloc(MENTION_SLOTS, sizeof(*set)))) {
			err = PIR_ENOMEM;
			break;
		}
		r = add_mention(out, set, kept == MENTIONS_MAX, line, (unsigned)(s - bol + 1),
				buf + s, e - s);
		if (r == 2)
			err =
			    pir_fdiag_add(&out->diags, PIR_DIAG_WARNING, "marker-limit", line,
					  (unsigned)(s - bol + 1),
					  "more than %u IDs (PIR-...) are named on lines without a "
					  "marker in this file; those from here on are not checked "
					  "for near misses",
					  MENTIONS_MAX);
		if (r < 0 || r == 2) {
			err = r < 0 ? r : err;
			break;
		}
		kept += (size_t)r;
		pos = e;
	}
	free(set);
	return err;
}

int pir_marker_scan(pir_marker_list *out, const pir_marker_matcher *m, pir_marker_scratch *s,
		    const char *buf, size_t len, unsigned flags)
{
	scanner sc = {m, s, out, buf, len, m->n, SIZE_MAX, 1, 0, 0, 0};

	size_t first = out->n;
	int err;

	memset(s->spent, 0, m->n * sizeof(*s->spent));
	memset(s->dropped, 0, m->n * sizeof(*s->dropped));
	err = m->default_only ? scan_default(&sc) : scan_lines(&sc);
	if (!err && (flags & PIR_MARKER_MENTIONS))
		err = find_mentions(out, first, buf, len);

	return err;
}
