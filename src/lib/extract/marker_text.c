/* SPDX-License-Identifier: MIT */
/*
 * Where a marker's text ends on its line: read what the line opened before
 * the marker (a string, a block comment, a line comment, HTML elements) and
 * stop where that closes, so that code after the marker (`"); }`, `</p>`) is
 * not part of its title; then trim closers and blanks from the end. Pure
 * byte reading, no regex; used by marker_match.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"
#include "marker_int.h"

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
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
void pir_mk_trim(const char *s, size_t *len)
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
const char *pir_mk_text_end(const char *bol, const char *m, const char *eol)
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
