/* SPDX-License-Identifier: MIT */
/*
 * The inline text of a postmortem's cells and list lines: markup removed,
 * done marks, dates, owners and ticket references found. Every function is
 * linear in its input.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "postmortem_int.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

pm_span pm_trim(pm_span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool at_ci(pm_span s, size_t i, const char *w, size_t wn)
{
	if (i + wn > s.n)
		return false;
	for (size_t k = 0; k < wn; k++)
		if (lower(s.p[i + k]) != w[k])
			return false;
	return true;
}

bool pm_has_ci(pm_span s, const char *needle)
{
	size_t wn = strlen(needle);
	for (size_t i = 0; i + wn <= s.n; i++)
		if (at_ci(s, i, needle, wn))
			return true;
	return false;
}

bool pm_eq_ci(pm_span s, const char *word)
{
	return s.n == strlen(word) && at_ci(s, 0, word, s.n);
}

static const char *const done_glyphs[] = {"\xe2\x9c\x85", "\xe2\x98\x91", "\xe2\x9c\x94",
					  "\xe2\x9c\x93"};

static size_t done_glyph(pm_span s, size_t i)
{
	for (size_t g = 0; g < sizeof(done_glyphs) / sizeof(done_glyphs[0]); g++) {
		size_t gn = strlen(done_glyphs[g]);
		if (i + gn <= s.n && !memcmp(s.p + i, done_glyphs[g], gn))
			return gn;
	}
	return 0;
}

/* An HTML tag at i ("<br>", "</b>", "<!-- -->"): its length, 0 when it is not one. */
static size_t html_tag(pm_span s, size_t i)
{
	size_t k = i + 1;

	if (k >= s.n || !(is_alpha(s.p[k]) || s.p[k] == '/' || s.p[k] == '!'))
		return 0;
	for (; k < s.n && k - i < 256 && s.p[k] != '<'; k++)
		if (s.p[k] == '>')
			return k - i + 1;
	return 0;
}

/* A link "[text](target)" at i: the text's span and the whole length, 0 when none. */
static size_t link_at(pm_span s, size_t i, pm_span *text, pm_span *target)
{
	size_t k = i + 1, close;

	for (; k < s.n && s.p[k] != ']' && s.p[k] != '[' && k - i < 512; k++)
		;
	if (k + 1 >= s.n || s.p[k] != ']' || s.p[k + 1] != '(')
		return 0;
	close = k + 2;
	for (; close < s.n && s.p[close] != ')' && !is_space(s.p[close]) && s.p[close] != '[' &&
	       close - k < 1024;
	     close++)
		;
	if (close >= s.n || s.p[close] != ')')
		return 0;
	*text = (pm_span){s.p + i + 1, k - i - 1};
	*target = (pm_span){s.p + k + 2, close - k - 2};
	return close - i + 1;
}

/* Marks that are words: **DONE**, **TODO**, (done). */
static size_t word_mark(pm_span s, size_t i, pm_marks *m)
{
	if (at_ci(s, i, "**done**", 8) || at_ci(s, i, "(done)", 6)) {
		m->done = true;
		return s.p[i] == '(' ? 6 : 8;
	}
	if (at_ci(s, i, "**todo**", 8)) {
		m->todo = true;
		return 8;
	}
	return 0;
}

static bool struck(pm_span s)
{
	s = pm_trim(s);
	if (s.n < 5 || memcmp(s.p, "~~", 2))
		return false;
	for (size_t i = 3; i + 1 < s.n; i++)
		if (s.p[i] == '~' && s.p[i + 1] == '~')
			return true;
	return false;
}

/* Append one byte of text, collapsing whitespace. */
static int put_text(pir_buf *out, char c)
{
	if (is_space(c) || (unsigned char)c < 0x20 || c == 0x7f) {
		if (!out->size || out->ptr[out->size - 1] == ' ')
			return 0;
		c = ' ';
	}
	return pir_buf_putc(out, c);
}

/* One step of pm_clean at s.p[*i]: markup skipped or text copied. */
static int clean_step(pir_buf *out, pm_span s, size_t *i, pm_marks *m)
{
	pm_span text, target;
	size_t n;
	char c = s.p[*i];

	if ((n = done_glyph(s, *i)) || (n = word_mark(s, *i, m))) {
		if (done_glyph(s, *i))
			m->done = true;
	} else if (c == '<' && (n = html_tag(s, *i))) {
		c = ' ';
	} else if (c == '[' && (n = link_at(s, *i, &text, &target))) {
		if (!m->link.n)
			m->link = target;
		for (size_t k = 0; k < text.n; k++)
			if (text.p[k] != '*' && text.p[k] != '`' && put_text(out, text.p[k]) < 0)
				return -1;
		*i += n;
		return 0;
	} else if (c == '\\' && *i + 1 < s.n && !is_space(s.p[*i + 1])) {
		n = 1;
		c = 0;
	} else if (c == '*' || c == '`' || (c == '~' && *i + 1 < s.n && s.p[*i + 1] == '~') ||
		   (c == '_' && *i + 1 < s.n && s.p[*i + 1] == '_')) {
		n = c == '~' || c == '_' ? 2 : 1;
	} else {
		*i += 1;
		return put_text(out, c);
	}
	*i += n;
	if (c == ' ')
		return put_text(out, ' ');
	if (!c && *i < s.n) {
		*i += 1;
		return put_text(out, s.p[*i - 1]);
	}
	return 0;
}

/* Cut at PM_MAX_CELL bytes, not inside a UTF-8 sequence. */
static void cut_utf8(pir_buf *out, bool *cut)
{
	size_t n = PM_MAX_CELL;

	if (out->size <= PM_MAX_CELL)
		return;
	while (n && ((unsigned char)out->ptr[n] & 0xC0) == 0x80)
		n--;
	out->size = n;
	out->ptr[n] = '\0';
	*cut = true;
}

int pm_clean(pir_buf *out, pm_span s, pm_marks *marks, bool *cut)
{
	size_t i = 0;

	out->size = 0;
	if (out->ptr)
		out->ptr[0] = '\0';
	*cut = false;
	if (struck(s))
		marks->done = true;
	if (s.n > (size_t)PM_MAX_CELL * 4) {
		s.n = (size_t)PM_MAX_CELL * 4;
		*cut = true;
	}
	while (i < s.n)
		if (clean_step(out, s, &i, marks) < 0)
			return -1;
	while (out->size && out->ptr[out->size - 1] == ' ')
		out->size--;
	if (pir_buf_put(out, "", 0) < 0)
		return -1;
	cut_utf8(out, cut);
	return 0;
}

static size_t digits_at(pm_span s, size_t i)
{
	size_t k = i;
	while (k < s.n && is_digit(s.p[k]))
		k++;
	return k - i;
}

pm_span pm_find_iso(pm_span s)
{
	for (size_t i = 0; i + 10 <= s.n; i++) {
		if ((i && is_digit(s.p[i - 1])) || digits_at(s, i) != 4 || s.p[i + 4] != '-' ||
		    digits_at(s, i + 5) != 2 || s.p[i + 7] != '-' || digits_at(s, i + 8) != 2)
			continue;
		if (i + 10 < s.n && is_digit(s.p[i + 10]))
			continue;
		return (pm_span){s.p + i, 10};
	}
	return (pm_span){NULL, 0};
}

/* Letters (2 to 10, starting a word), a dash, digits: its length at i, else 0. */
static size_t key_id_at(pm_span s, size_t i, bool upper_only)
{
	size_t k = i, d;

	if (i && (is_alpha(s.p[i - 1]) || is_digit(s.p[i - 1])))
		return 0;
	while (k < s.n && is_alpha(s.p[k]) && (!upper_only || (s.p[k] >= 'A' && s.p[k] <= 'Z')))
		k++;
	if (k - i < 2 || k - i > 10 || k >= s.n || s.p[k] != '-' || !(d = digits_at(s, k + 1)))
		return 0;
	k += 1 + d;
	return k < s.n && (is_alpha(s.p[k]) || is_digit(s.p[k])) ? 0 : k - i;
}

pm_span pm_find_incident_id(pm_span s)
{
	for (size_t i = 0; i < s.n; i++) {
		size_t n = key_id_at(s, i, false);
		if (n && !at_ci(s, i, "pir-", 4) && !at_ci(s, i, "sev-", 4))
			return (pm_span){s.p + i, n};
	}
	return (pm_span){NULL, 0};
}

pm_span pm_find_ticket(pm_span s)
{
	for (size_t i = 0; i < s.n; i++) {
		size_t n;
		if ((n = key_id_at(s, i, true)) && !at_ci(s, i, "pir-", 4) &&
		    !at_ci(s, i, "sev-", 4) && !at_ci(s, i, "inc-", 4))
			return (pm_span){s.p + i, n};
		if (s.p[i] == '#' && (n = digits_at(s, i + 1)))
			return (pm_span){s.p + i, n + 1};
		if ((at_ci(s, i, "bug ", 4) || at_ci(s, i, "b/", 2)) &&
		    (n = digits_at(s, i + (s.p[i + 1] == '/' ? 2 : 4))))
			return (pm_span){s.p + i, n + (s.p[i + 1] == '/' ? 2 : 4)};
	}
	return (pm_span){NULL, 0};
}

static bool owner_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || c == '/';
}

pm_span pm_find_owner(pm_span s)
{
	for (size_t i = 0; i + 1 < s.n; i++) {
		size_t k = i + 1;
		if (s.p[i] != '@' || (i && owner_char(s.p[i - 1])))
			continue;
		while (k < s.n && owner_char(s.p[k]) && k - i < 128)
			k++;
		while (k > i + 1 && s.p[k - 1] == '.')
			k--;
		if (k > i + 1) /* with its '@', as owners are written in action-items files */
			return (pm_span){s.p + i, k - i};
	}
	return (pm_span){NULL, 0};
}

bool pm_status_closed(pm_span s)
{
	static const char *const words[] = {"done",	 "closed", "resolved", "complete",
					    "completed", "fixed",  "wontfix",  "won't fix"};
	s = pm_trim(s);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (pm_eq_ci(s, words[i]))
			return true;
	return false;
}

void pm_text_key(char out[13], const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		char c = lower(*s);
		if (!is_alpha(c) && !is_digit(c) && !((unsigned char)c & 0x80))
			continue;
		h = (h ^ (unsigned char)c) * 1099511628211ull;
	}
	snprintf(out, 13, "%012llx", (unsigned long long)(h >> 16));
}

/* ---- lines and names ---- */

/* A list item's marker ("- ", "* ", "+ ", "1. ", "1) "): the text after it, else false. */
bool pm_list_item(pm_span line, unsigned *indent, pm_span *text)
{
	size_t i = 0, d = 0;

	*indent = 0;
	for (; i < line.n && (line.p[i] == ' ' || line.p[i] == '\t'); i++)
		*indent += line.p[i] == '\t' ? 4 : 1;
	if (i < line.n && (line.p[i] == '-' || line.p[i] == '*' || line.p[i] == '+')) {
		i++;
	} else {
		while (i + d < line.n && d < 9 && line.p[i + d] >= '0' && line.p[i + d] <= '9')
			d++;
		if (!d || i + d >= line.n || (line.p[i + d] != '.' && line.p[i + d] != ')'))
			return false;
		i += d + 1;
	}
	if (i >= line.n || (line.p[i] != ' ' && line.p[i] != '\t'))
		return false;
	*text = pm_trim((pm_span){line.p + i, line.n - i});
	return text->n > 0;
}

/* "[ ]", "[x]": the checkbox's state, the text after it. */
void pm_checkbox(pm_span *text, pm_marks *m)
{
	if (text->n < 3 || text->p[0] != '[' || text->p[2] != ']' ||
	    (text->p[1] != ' ' && text->p[1] != 'x' && text->p[1] != 'X'))
		return;
	if (text->p[1] != ' ')
		m->done = true;
	*text = pm_trim((pm_span){text->p + 3, text->n - 3});
}

/* "due: Sprint 4": the free text after a "due" word, up to a separator. */
pm_span pm_due_words(pm_span raw)
{
	for (size_t i = 0; i + 4 < raw.n; i++) {
		size_t k;
		if (!pm_has_ci((pm_span){raw.p + i, 3}, "due") ||
		    (i && raw.p[i - 1] != ' ' && raw.p[i - 1] != '(') ||
		    (raw.p[i + 3] != ':' && raw.p[i + 3] != ' '))
			continue;
		k = i + 4;
		while (k < raw.n && (raw.p[k] == ' ' || raw.p[k] == ':'))
			k++;
		i = k;
		while (k < raw.n && raw.p[k] != ',' && raw.p[k] != ')' && raw.p[k] != ';' &&
		       raw.p[k] != '|')
			k++;
		return pm_trim((pm_span){raw.p + i, k - i});
	}
	return (pm_span){NULL, 0};
}

/* The file's base name without its extension; a generic one ("README.md") gives its folder's. */
pm_span pm_name_stem(const char *name)
{
	static const char *const generic[] = {"readme",	  "index", "postmortem", "post-mortem",
					      "incident", "pir",   "report"};
	pm_span s = {name, strlen(name)};

	for (int pass = 0; pass < 2; pass++) {
		const char *slash = NULL, *dot;
		for (size_t i = 0; i < s.n; i++)
			if (s.p[i] == '/')
				slash = s.p + i;
		pm_span base = slash ? (pm_span){slash + 1, s.n - (size_t)(slash + 1 - s.p)} : s;
		if ((dot = memchr(base.p, '.', base.n)))
			base.n = (size_t)(dot - base.p);
		bool gen = false;
		for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
			gen |= pm_eq_ci(base, generic[i]);
		if (!gen || !slash || pass)
			return base;
		s.n = (size_t)(slash - s.p);
	}
	return s;
}
