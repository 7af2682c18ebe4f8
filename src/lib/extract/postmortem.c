/* SPDX-License-Identifier: MIT */
/*
 * Markdown postmortems: the incident from the header fields, title or file
 * name, and the action items of the sections whose heading names them, from
 * tables (columns found by their header) and lists. One pass over the lines,
 * bounded by the limits of postmortem_int.h.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "extract.h"
#include "postmortem_int.h"
#include "yaml_util.h"

/* Bytes of item text kept of one document, all fields together. */
#define PM_MAX_TEXT ((size_t)4 << 20)

typedef struct {
	pir_postmortem *pm;
	const char *const *sev;
	pir_buf cell, echo;
	size_t text; /* bytes kept so far */
	unsigned ndiags;
	bool full;	/* an item limit was reached: no more items */
	bool cut_said;	/* a cell was cut: said once */
	bool short_ids; /* some item has a short ID */
} pm_reader;

typedef struct {
	const char *buf;
	size_t len, pos;
	unsigned no; /* of the line last returned */
} pm_lines;

static bool next_line(pm_lines *ls, pm_span *line)
{
	const char *nl;

	if (ls->pos >= ls->len)
		return false;
	line->p = ls->buf + ls->pos;
	nl = memchr(line->p, '\n', ls->len - ls->pos);
	line->n = nl ? (size_t)(nl - line->p) : ls->len - ls->pos;
	ls->pos += line->n + (nl ? 1 : 0);
	if (line->n && line->p[line->n - 1] == '\r')
		line->n--;
	if (ls->no < UINT_MAX)
		ls->no++;
	return true;
}

static int diag(pm_reader *rd, pir_diag_level level, const char *code, unsigned line,
		const char *fmt, ...) PIR_PRINTF(5, 6);

/* A one-line diagnostic; past PM_MAX_DIAGS one warning says the rest are not reported. */
static int diag(pm_reader *rd, pir_diag_level level, const char *code, unsigned line,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (rd->ndiags > PM_MAX_DIAGS)
		return 0;
	if (rd->ndiags++ == PM_MAX_DIAGS)
		return pir_fdiag_add(&rd->pm->items.diags, PIR_DIAG_WARNING, "postmortem-limit",
				     line, 1, "more than %d problems: the rest are not reported",
				     PM_MAX_DIAGS);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pir_fdiag_add(&rd->pm->items.diags, level, code, line, 1, "%s", msg);
}

/* `s` quoted for a message (cut, control characters escaped), valid until the next call. */
static const char *echo(pm_reader *rd, const char *s)
{
	rd->echo.size = 0;
	if (pir_yaml_put_echo(&rd->echo, s, strlen(s)) < 0 || !rd->echo.ptr)
		return "";
	return rd->echo.ptr;
}

static char *keep(pm_reader *rd, const char *s, size_t n)
{
	char *out;

	rd->text += n + 1;
	if (!(out = pir_arena_strndup(&rd->pm->items.strings, s, n)))
		pir_error_oom();
	return out;
}

/* The cleaned text of `s` in rd->cell: 0, or PIR_ENOMEM. */
static int clean(pm_reader *rd, pm_span s, pm_marks *marks, unsigned line)
{
	bool cut;

	if (pm_clean(&rd->cell, s, marks, &cut) < 0)
		return pir_error_oom();
	if (cut && !rd->cut_said) {
		rd->cut_said = true;
		return diag(rd, PIR_DIAG_WARNING, "postmortem-limit", line,
			    "a cell or list line longer than %d bytes was cut", PM_MAX_CELL);
	}
	return 0;
}

static void lower(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- items ---- */

/* A new entry, or NULL at the item limit (said once) or on PIR_ENOMEM (*err). */
static pir_entry *new_entry(pm_reader *rd, unsigned line, int *err)
{
	pir_entry_list *l = &rd->pm->items;
	pir_entry *e;

	*err = 0;
	if (rd->full)
		return NULL;
	if (l->n >= PM_MAX_ITEMS || rd->text >= PM_MAX_TEXT) {
		rd->full = true;
		*err = diag(rd, PIR_DIAG_WARNING, "postmortem-limit", line,
			    "more than %d action items or %zu MiB of their text: the rest of the "
			    "document is not read",
			    PM_MAX_ITEMS, PM_MAX_TEXT >> 20);
		return NULL;
	}
	if ((*err = pir_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) < 0)
		return NULL;
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->column = 1;
	e->due = PIR_DATE_NONE;
	e->snooze_until = PIR_DATE_NONE;
	e->severity_rank = PIR_SEVERITY_NONE;
	return e;
}

/* A due date as written: ISO (valid, or invalid: an error), free-form (kept, info). */
static int set_due(pm_reader *rd, pir_entry *e, pm_span text)
{
	pm_span iso = pm_find_iso(text);

	text = pm_trim(text);
	if (!text.n || pm_eq_ci(text, "-") || pm_eq_ci(text, "n/a") || pm_eq_ci(text, "none"))
		return 0;
	if (iso.n)
		text = iso;
	if (!(e->due_raw = keep(rd, text.p, text.n)))
		return PIR_ENOMEM;
	if (iso.n && pir_date_parse(&e->due, iso.p, iso.n) == 0)
		return 0;
	e->due = PIR_DATE_NONE;
	if (iso.n) {
		e->invalid = true;
		return diag(rd, PIR_DIAG_ERROR, "postmortem-field", e->line,
			    "due \"%s\" is not a valid YYYY-MM-DD date", echo(rd, e->due_raw));
	}
	return diag(rd, PIR_DIAG_INFO, "postmortem-due", e->line,
		    "due \"%s\" is not a date: kept as text, the item has no due date",
		    echo(rd, e->due_raw));
}

/* An ID as written: "#12" and "12" are short (resolved later), others kept. */
static int set_id(pm_reader *rd, pir_entry *e, const char *id)
{
	size_t n = strlen(id), d = 0;

	if (*id == '#')
		id++, n--;
	while (d < n && id[d] >= '0' && id[d] <= '9')
		d++;
	if (!n)
		return 0;
	if (d == n) {
		if (n > 6)
			return diag(rd, PIR_DIAG_WARNING, "postmortem-id", e->line,
				    "ID \"%s\" is too long a number; the item has no ID",
				    echo(rd, id));
		rd->short_ids = true;
	}
	return (e->id = keep(rd, id, n)) ? 0 : PIR_ENOMEM;
}

static int add_field(pm_reader *rd, pir_entry *e, const char *key, const char *value)
{
	pir_buf json = PIR_BUF_INIT;
	int err = 0;

	if (!e->fields &&
	    !(e->fields = pir_arena_alloc(&rd->pm->items.strings, 3 * sizeof(*e->fields))))
		return pir_error_oom();
	if (e->nfields >= 3)
		return 0;
	if (pir_buf_json_str(&json, value) < 0 ||
	    !(e->fields[e->nfields].json = keep(rd, json.ptr, json.size)) ||
	    !(e->fields[e->nfields].key = keep(rd, key, strlen(key))))
		err = PIR_ENOMEM;
	else
		e->nfields++;
	pir_buf_dispose(&json);
	return err;
}

/* A Type or Priority value: a severity when it names one, else a field. */
static int set_type(pm_reader *rd, pir_entry *e, const char *key, const char *value)
{
	for (size_t i = 0; rd->sev[i]; i++) {
		if (pm_eq_ci((pm_span){value, strlen(value)}, rd->sev[i])) {
			if (!(e->severity = keep(rd, value, strlen(value))))
				return PIR_ENOMEM;
			lower(e->severity);
			e->severity_rank = (int)i;
			return 0;
		}
	}
	return add_field(rd, e, key, value);
}

static int set_ticket(pm_reader *rd, pir_entry *e, pm_span text, const pm_marks *m)
{
	pm_span t = pm_find_ticket(text);
	char *v;

	if (!t.n)
		t = m->link;
	if (!t.n)
		return 0;
	if (!(v = keep(rd, t.p, t.n)))
		return PIR_ENOMEM;
	return add_field(rd, e, "ticket", v);
}

/* ---- tables ---- */

enum pm_role { R_NONE, R_ID, R_TITLE, R_OWNER, R_DUE, R_STATUS, R_TICKET, R_TYPE };

typedef struct {
	pm_span v[PM_MAX_CELLS];
	size_t n;     /* cells kept */
	size_t total; /* cells in the row */
} pm_row;

/* Split on the pipes not escaped; the outer pipes are optional. */
static void split_row(pm_row *row, pm_span t)
{
	size_t start = 0;

	t = pm_trim(t);
	if (t.n && t.p[0] == '|')
		t.p++, t.n--;
	if (t.n && t.p[t.n - 1] == '|' && !(t.n > 1 && t.p[t.n - 2] == '\\'))
		t.n--;
	row->n = row->total = 0;
	for (size_t i = 0; i <= t.n; i++) {
		if (i < t.n && (t.p[i] != '|' || (i && t.p[i - 1] == '\\')))
			continue;
		if (row->n < PM_MAX_CELLS)
			row->v[row->n++] = pm_trim((pm_span){t.p + start, i - start});
		row->total++;
		start = i + 1;
	}
}

static bool is_delimiter_row(pm_span t)
{
	bool dash = false;

	t = pm_trim(t);
	if (!t.n || !memchr(t.p, '-', t.n))
		return false;
	for (size_t i = 0; i < t.n; i++) {
		char c = t.p[i];
		if (c == '-')
			dash = true;
		else if (c != '|' && c != ':' && c != ' ' && c != '\t')
			return false;
	}
	return dash;
}

static enum pm_role header_role(pm_span h)
{
	static const struct {
		const char *word;
		enum pm_role role;
		bool exact;
	} names[] = {
	    {"id", R_ID, true},		  {"#", R_ID, true},
	    {"no.", R_ID, true},	  {"no", R_ID, true},
	    {"ref", R_ID, true},	  {"owner", R_OWNER, false},
	    {"assignee", R_OWNER, false}, {"assigned", R_OWNER, false},
	    {"who", R_OWNER, true},	  {"dri", R_OWNER, true},
	    {"due", R_DUE, false},	  {"target", R_DUE, false},
	    {"deadline", R_DUE, false},	  {"eta", R_DUE, true},
	    {"when", R_DUE, true},	  {"status", R_STATUS, false},
	    {"state", R_STATUS, true},	  {"done", R_STATUS, true},
	    {"bug", R_TICKET, false},	  {"ticket", R_TICKET, false},
	    {"issue", R_TICKET, false},	  {"jira", R_TICKET, false},
	    {"link", R_TICKET, false},	  {"tracking", R_TICKET, false},
	    {"type", R_TYPE, false},	  {"priority", R_TYPE, false},
	    {"category", R_TYPE, false},  {"severity", R_TYPE, false},
	    {"action", R_TITLE, false},	  {"description", R_TITLE, false},
	    {"task", R_TITLE, false},	  {"item", R_TITLE, false},
	    {"what", R_TITLE, true},	  {"title", R_TITLE, false},
	    {"summary", R_TITLE, false},  {"follow", R_TITLE, false},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].exact ? pm_eq_ci(h, names[i].word) : pm_has_ci(h, names[i].word))
			return names[i].role;
	return R_NONE;
}

typedef struct {
	enum pm_role role[PM_MAX_CELLS];
	char key[PM_MAX_CELLS][16]; /* a Type column's field name: "type", "priority" */
	size_t ncols;
	bool said_shape; /* a row of another width: said once */
} pm_table;

/* The header's roles: NULL-free; false when no column holds a description. */
static int read_header(pm_reader *rd, pm_table *tb, pm_span t, unsigned line, bool *items)
{
	pm_row row;
	bool title = false;
	int err;

	split_row(&row, t);
	memset(tb, 0, sizeof(*tb));
	tb->ncols = row.n;
	for (size_t i = 0; i < row.n; i++) {
		pm_marks m = {0};
		if ((err = clean(rd, row.v[i], &m, line)) < 0)
			return err;
		tb->role[i] = header_role((pm_span){rd->cell.ptr, rd->cell.size});
		if (tb->role[i] == R_TITLE && title)
			tb->role[i] = R_NONE;
		title |= tb->role[i] == R_TITLE;
		if (tb->role[i] == R_TYPE) {
			snprintf(tb->key[i], sizeof(tb->key[i]), "%s",
				 pm_has_ci((pm_span){rd->cell.ptr, rd->cell.size}, "prior")
				     ? "priority"
				     : "type");
		}
	}
	*items = title;
	return 0;
}

/* One cell into its entry's field. */
static int read_cell(pm_reader *rd, pir_entry *e, const pm_table *tb, size_t i, pm_marks *m)
{
	pm_span text = {rd->cell.ptr, rd->cell.size};
	int err = 0;

	switch (tb->role[i]) {
	case R_ID:
		return set_id(rd, e, rd->cell.ptr);
	case R_TITLE:
		if (!text.n)
			return 0;
		return (e->title = keep(rd, text.p, text.n)) ? 0 : PIR_ENOMEM;
	case R_OWNER: /* as written, with its @ if it has one (as in action-items files) */
		if (!text.n || pm_eq_ci(text, "@") || pm_eq_ci(text, "-") ||
		    pm_eq_ci(text, "n/a") || pm_eq_ci(text, "tbd"))
			return 0;
		return (e->owner = keep(rd, text.p, text.n)) ? 0 : PIR_ENOMEM;
	case R_DUE:
		return set_due(rd, e, text);
	case R_STATUS:
		if (!text.n)
			return 0;
		if (pm_status_closed(text))
			m->done = true;
		if (!(e->status = keep(rd, text.p, text.n)))
			return PIR_ENOMEM;
		lower(e->status);
		return 0;
	case R_TICKET:
		return set_ticket(rd, e, text, m);
	case R_TYPE:
		return text.n ? set_type(rd, e, tb->key[i], rd->cell.ptr) : 0;
	default:
		return err;
	}
}

static int finish_entry(pm_reader *rd, pir_entry *e, const pm_marks *m)
{
	if (!m->done)
		return 0;
	e->closed = true;
	if (!e->status || !strcmp(e->status, "open") || !strcmp(e->status, "todo"))
		return (e->status = keep(rd, "done", 4)) ? 0 : PIR_ENOMEM;
	return 0;
}

static int read_table_row(pm_reader *rd, pm_table *tb, pm_span t, unsigned line)
{
	pm_row row;
	pm_marks m = {0};
	pir_entry *e;
	int err;

	split_row(&row, t);
	if (row.total != tb->ncols && !tb->said_shape) {
		tb->said_shape = true;
		if ((err = diag(rd, PIR_DIAG_WARNING, "postmortem-table", line,
				"a row has %zu cells, its header %zu: cells are read by position",
				row.total, tb->ncols)) < 0)
			return err;
	}
	if (!(e = new_entry(rd, line, &err)))
		return err;
	for (size_t i = 0; i < row.n && i < tb->ncols && !err; i++)
		if (tb->role[i] != R_NONE && !(err = clean(rd, row.v[i], &m, line)))
			err = read_cell(rd, e, tb, i, &m);
	if (err)
		return err;
	if (!e->title) {
		rd->pm->items.n--; /* a row without a description is no item */
		return 0;
	}
	return finish_entry(rd, e, &m);
}

/* A table whose header is `t` (the delimiter row is next): its rows, up to the first other line. */
static int read_table(pm_reader *rd, pm_lines *ls, pm_span t)
{
	pm_table tb;
	pm_span line;
	bool items;
	int err;

	if ((err = read_header(rd, &tb, t, ls->no, &items)) < 0)
		return err;
	next_line(ls, &line); /* the delimiter row */
	for (;;) {
		pm_lines peek = *ls;
		if (!next_line(&peek, &line) || !pm_trim(line).n || !memchr(line.p, '|', line.n))
			return 0;
		*ls = peek;
		if (items && !rd->full && (err = read_table_row(rd, &tb, line, ls->no)) < 0)
			return err;
	}
}

/* ---- lists ---- */

/* A leading full ID ("PIR-2026-05-24-002:"), cut from the text. */
static int leading_id(pm_reader *rd, pir_entry *e, pm_span *text)
{
	size_t n = 0;

	if (text->n < 5 || !pm_has_ci((pm_span){text->p, 4}, "pir-"))
		return 0;
	while (n < text->n && text->p[n] != ' ' && text->p[n] != ':' && text->p[n] != ')' &&
	       text->p[n] != ']' && text->p[n] != ',')
		n++;
	if (!(e->id = keep(rd, text->p, n)))
		return PIR_ENOMEM;
	for (size_t i = 0; i < 3; i++)
		e->id[i] = (char)(e->id[i] & ~0x20);
	while (n < text->n && (text->p[n] == ':' || text->p[n] == ')' || text->p[n] == ']' ||
			       text->p[n] == ' ' || text->p[n] == '-'))
		n++;
	*text = (pm_span){text->p + n, text->n - n};
	return 0;
}

static int read_list_item(pm_reader *rd, pm_span text, unsigned line)
{
	pm_marks m = {0};
	pm_span owner, iso, due;
	pir_entry *e;
	int err;

	pm_checkbox(&text, &m);
	if (!(e = new_entry(rd, line, &err)))
		return err;
	if ((err = leading_id(rd, e, &text)) < 0 || (err = clean(rd, text, &m, line)) < 0)
		return err;
	if (!rd->cell.size) {
		rd->pm->items.n--;
		return 0;
	}
	if (!(e->title = keep(rd, rd->cell.ptr, rd->cell.size)))
		return PIR_ENOMEM;
	owner = pm_find_owner(text);
	if (owner.n && !(e->owner = keep(rd, owner.p, owner.n)))
		return PIR_ENOMEM;
	iso = pm_find_iso(text);
	due = iso.n ? iso : pm_due_words(text);
	if (due.n && (err = set_due(rd, e, due)) < 0)
		return err;
	if ((err = set_ticket(rd, e, text, &m)) < 0)
		return err;
	return finish_entry(rd, e, &m);
}

/* ---- the document ---- */

/* An ATX heading ("## Action Items"): its level and text; 7 for a line all bold. */
static int heading(pm_span t, pm_span *text)
{
	size_t n = 0;

	while (n < t.n && n < 7 && t.p[n] == '#')
		n++;
	if (n >= 1 && n <= 6 && (n == t.n || t.p[n] == ' ' || t.p[n] == '\t')) {
		*text = pm_trim((pm_span){t.p + n, t.n - n});
		while (text->n && text->p[text->n - 1] == '#')
			text->n--;
		return (int)n;
	}
	if (t.n > 4 && !memcmp(t.p, "**", 2) &&
	    (!memcmp(t.p + t.n - 2, "**", 2) || !memcmp(t.p + t.n - 3, "**:", 3)) &&
	    !memchr(t.p + 2, '*', t.n - 5)) {
		*text = t;
		return 7;
	}
	return 0;
}

static bool action_heading(pm_span text)
{
	static const char *const words[] = {"action item", "action-item", "actionable",
					    "follow-up",   "follow up",	  "followup",
					    "remediation", "corrective",  "action plan"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (pm_has_ci(text, words[i]))
			return true;
	return pm_eq_ci(pm_trim(text), "actions") || pm_eq_ci(pm_trim(text), "**actions**");
}

enum pm_field { F_NONE, F_ID, F_DATE, F_DURATION, F_SEVERITY, F_STATUS };

static enum pm_field field_name(pm_span k)
{
	static const struct {
		const char *name;
		enum pm_field f;
	} names[] = {
	    {"incident", F_ID},
	    {"incident id", F_ID},
	    {"incident number", F_ID},
	    {"id", F_ID},
	    {"date", F_DATE},
	    {"incident date", F_DATE},
	    {"date of incident", F_DATE},
	    {"start date", F_DATE},
	    {"duration", F_DURATION},
	    {"impact duration", F_DURATION},
	    {"severity", F_SEVERITY},
	    {"sev", F_SEVERITY},
	    {"incident severity", F_SEVERITY},
	    {"priority", F_SEVERITY},
	    {"status", F_STATUS},
	    {"incident status", F_STATUS},
	};

	k = pm_trim(k);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (pm_eq_ci(k, names[i].name))
			return names[i].f;
	return F_NONE;
}

static int set_date(pm_reader *rd, pm_span v, unsigned line)
{
	pir_incident_info *inc = &rd->pm->incident;
	pm_span iso = pm_find_iso(v);

	if (!(inc->date_raw = keep(rd, v.p, v.n)))
		return PIR_ENOMEM;
	if (iso.n && pir_date_parse(&inc->date, iso.p, iso.n) == 0)
		return 0;
	inc->date = PIR_DATE_NONE;
	return diag(rd, PIR_DIAG_WARNING, "postmortem-field", line,
		    "the incident's date \"%s\" is not a YYYY-MM-DD date", echo(rd, inc->date_raw));
}

/* "**Severity:** P1", "- Date: 2026-05-24": a header field, the first of each kind kept. */
static int header_field(pm_reader *rd, pm_span t, unsigned line)
{
	pir_incident_info *inc = &rd->pm->incident;
	pm_marks m = {0};
	const char *colon;
	pm_span key, v;
	char **slot;
	int err;

	if (t.n > 256 || !memchr(t.p, ':', t.n) || (err = clean(rd, t, &m, line)) < 0)
		return 0;
	key = (pm_span){rd->cell.ptr, rd->cell.size};
	if (key.n > 1 && (key.p[0] == '-' || key.p[0] == '+') && key.p[1] == ' ')
		key.p += 2, key.n -= 2;
	if (!(colon = memchr(key.p, ':', key.n)))
		return 0;
	v = pm_trim((pm_span){colon + 1, key.n - (size_t)(colon + 1 - key.p)});
	key.n = (size_t)(colon - key.p);
	switch (field_name(key)) {
	case F_ID:
		slot = &inc->id;
		break;
	case F_DATE:
		return inc->date_raw || !v.n ? 0 : set_date(rd, v, line);
	case F_DURATION:
		slot = &inc->duration;
		break;
	case F_SEVERITY:
		slot = &inc->severity;
		break;
	case F_STATUS:
		slot = &inc->status;
		break;
	default:
		return 0;
	}
	if (*slot || !v.n)
		return 0;
	if (!(*slot = keep(rd, v.p, v.n)))
		return PIR_ENOMEM;
	if (slot != &inc->id)
		lower(*slot);
	return 0;
}

typedef struct {
	int section;   /* the action section's heading level, 0 outside one */
	unsigned base; /* the indent of its first list item */
	bool fence;    /* inside a fenced code block */
} pm_state;

static int read_heading(pm_reader *rd, pm_state *st, int level, pm_span text, unsigned line)
{
	pm_marks m = {0};
	int err;

	if (st->section && level <= st->section)
		st->section = 0;
	if (!rd->pm->incident.title && level <= 2) {
		if ((err = clean(rd, text, &m, line)) < 0)
			return err;
		if (rd->cell.size &&
		    !(rd->pm->incident.title = keep(rd, rd->cell.ptr, rd->cell.size)))
			return PIR_ENOMEM;
	}
	if (action_heading(text)) {
		st->section = level;
		st->base = UINT_MAX;
		rd->pm->sections++;
	}
	return 0;
}

static int read_line(pm_reader *rd, pm_state *st, pm_lines *ls, pm_span line)
{
	pm_span t = pm_trim(line), text;
	unsigned indent;
	int level;

	if (t.n >= 3 && (!memcmp(t.p, "```", 3) || !memcmp(t.p, "~~~", 3))) {
		st->fence = !st->fence;
		return 0;
	}
	if (st->fence)
		return 0;
	if ((level = heading(t, &text)))
		return read_heading(rd, st, level, text, ls->no);
	if (!st->section)
		return header_field(rd, t, ls->no);
	if (memchr(t.p, '|', t.n)) {
		pm_lines peek = *ls;
		pm_span next;
		if (next_line(&peek, &next) && is_delimiter_row(next))
			return read_table(rd, ls, t);
	}
	if (rd->full || !pm_list_item(line, &indent, &text))
		return 0;
	if (st->base == UINT_MAX)
		st->base = indent;
	return indent > st->base + 1 ? 0 : read_list_item(rd, text, ls->no);
}

static void upper_prefix(char *id)
{
	for (; *id && *id != '-'; id++)
		if (*id >= 'a' && *id <= 'z')
			*id = (char)(*id - 'a' + 'A');
}

static int find_incident(pm_reader *rd, const char *name)
{
	pir_incident_info *inc = &rd->pm->incident;
	pm_span id = {NULL, 0}, iso;
	bool stem = false;

	if (name && inc->date == PIR_DATE_NONE &&
	    (iso = pm_find_iso((pm_span){name, strlen(name)})).n &&
	    pir_date_parse(&inc->date, iso.p, iso.n) < 0)
		inc->date = PIR_DATE_NONE;
	if (inc->id)
		return 0;
	if (inc->title)
		id = pm_find_incident_id((pm_span){inc->title, strlen(inc->title)});
	if (name && !id.n)
		id = pm_find_incident_id((pm_span){name, strlen(name)});
	if (name && !id.n && (stem = true))
		id = pm_name_stem(name);
	if (!id.n)
		return 0;
	if (!(inc->id = keep(rd, id.p, id.n)))
		return PIR_ENOMEM;
	if (!stem)
		upper_prefix(inc->id);
	return 0;
}

int pir_postmortem_path_id(char **out, const char *path)
{
	pm_span id = pm_find_incident_id((pm_span){path, strlen(path)});
	bool stem = !id.n;

	*out = NULL;
	if (stem)
		id = pm_name_stem(path);
	if (!id.n)
		return 0;
	if (!(*out = pir_strndup(id.p, id.n)))
		return PIR_ENOMEM;
	if (!stem)
		upper_prefix(*out);
	return 0;
}

pir_date pir_postmortem_path_date(const char *path)
{
	pm_span iso = pm_find_iso((pm_span){path, strlen(path)});
	pir_date d;

	return iso.n && pir_date_parse(&d, iso.p, iso.n) == 0 ? d : PIR_DATE_NONE;
}

/* Short IDs made full from the incident's date; items without an ID keyed by their text. */
static int resolve_ids(pm_reader *rd)
{
	pir_incident_info *inc = &rd->pm->incident;
	char day[11], full[40], key[13];
	bool said = false;
	int err = 0;

	pir_date_format(day, inc->date);
	for (size_t i = 0; i < rd->pm->items.n && !err; i++) {
		pir_entry *e = &rd->pm->items.v[i];
		e->incident = inc->id;
		if (e->id && strspn(e->id, "0123456789") == strlen(e->id)) {
			if (inc->date != PIR_DATE_NONE) {
				snprintf(full, sizeof(full), "PIR-%s-%03ld", day,
					 strtol(e->id, NULL, 10));
				if (!(e->id = keep(rd, full, strlen(full))))
					return PIR_ENOMEM;
				continue;
			}
			if (!said && (said = true))
				err = diag(
				    rd, PIR_DIAG_WARNING, "postmortem-id", e->line,
				    "short IDs such as \"%s\" need the incident's date (a Date: "
				    "field; the file name's is not used for IDs); the items are "
				    "keyed by their text",
				    echo(rd, e->id));
			e->id = NULL;
		}
		if (!e->id) {
			pm_text_key(key, e->title ? e->title : "");
			if (!(e->doc_key = keep(rd, key, 12)))
				return PIR_ENOMEM;
		}
	}
	return err;
}

int pir_postmortem_parse(pir_postmortem *out, const char *buf, size_t len, const char *name,
			 const char *const *severities)
{
	pm_reader rd = {out,
			severities ? severities : pir_default_severities(),
			PIR_BUF_INIT,
			PIR_BUF_INIT,
			0,
			0,
			false,
			false,
			false};
	pm_lines ls = {buf ? buf : "", buf ? len : 0, 0, 0};
	pm_state st = {0, UINT_MAX, false};
	pm_span line;
	int err = 0;

	out->incident.date = PIR_DATE_NONE;
	if (ls.len >= 3 && !memcmp(ls.buf, "\xef\xbb\xbf", 3))
		ls.pos = 3;
	while (!err && next_line(&ls, &line))
		err = read_line(&rd, &st, &ls, line);
	if (!err)
		err = find_incident(&rd, name);
	if (!err)
		err = resolve_ids(&rd);
	pir_buf_dispose(&rd.cell);
	pir_buf_dispose(&rd.echo);
	if (err < 0) {
		pir_postmortem_clear(out);
		return err;
	}
	return 0;
}

void pir_postmortem_clear(pir_postmortem *pm)
{
	if (!pm)
		return;
	pir_entry_list_clear(&pm->items);
	memset(pm, 0, sizeof(*pm));
	pm->incident.date = PIR_DATE_NONE;
}
