/* SPDX-License-Identifier: MIT */
/*
 * Action-items files, the slim read: of each entry only what the history's
 * replay needs (its ID, its due value as written, whether it is closed), as
 * pir_actions_parse would read them, from libyaml's event stream without
 * loading documents, checking duplicates or reading any other field.
 *
 * It reads the same stream with the same parser and the same rules (the
 * first `action_items` key, the first of duplicate keys, empty and null
 * values, non-scalar values, NUL bytes, a syntax error that drops its
 * document and ends the stream). What it does not model it hands back to
 * the full parse: anchors and aliases (the loader's composer), documents
 * pir_actions_parse would refuse or measure (its preflight, very deep
 * nesting, a stream that would exhaust its expansion budget) and any
 * parser error that is not a syntax error.
 */
#include <stdbool.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "extract.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "yaml_util.h"

/* Deeper than this, the full parse decides (its check_expansion bounds nesting). */
#define SLIM_MAX_DEPTH 64

enum { SLIM_OK = 0, SLIM_SYNTAX = 1, SLIM_FULL = 2 };

typedef struct {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have; /* ev holds an event to delete */
	unsigned depth;
	size_t units, budget; /* nodes and scalar bytes, as check_expansion counts them */
	pir_entry_list *out;
} slim;

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};

/* Is the event's node one the composer must see (an anchor, an alias)? */
static bool anchored(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return true;
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor != NULL;
	default:
		return false;
	}
}

/* The next event: SLIM_OK, SLIM_SYNTAX at a syntax error, SLIM_FULL when the full parse decides. */
static int next(slim *s)
{
	yaml_event_type_t t;

	if (s->have)
		yaml_event_delete(&s->ev);
	s->have = false;
	if (!yaml_parser_parse(&s->parser, &s->ev))
		return s->parser.error == YAML_MEMORY_ERROR ? SLIM_FULL : SLIM_SYNTAX;
	s->have = true;
	if (anchored(&s->ev))
		return SLIM_FULL;
	t = s->ev.type;
	if (t == YAML_SCALAR_EVENT)
		s->units += 1 + s->ev.data.scalar.length;
	if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
		s->units++;
		if (++s->depth > SLIM_MAX_DEPTH)
			return SLIM_FULL;
	}
	if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
		s->depth--;
	return s->units > s->budget ? SLIM_FULL : SLIM_OK;
}

static bool is_start(const slim *s)
{
	return s->ev.type == YAML_SEQUENCE_START_EVENT || s->ev.type == YAML_MAPPING_START_EVENT;
}

/* Skip the node whose first event is the current one. */
static int skip(slim *s)
{
	unsigned depth = s->depth;
	int st = SLIM_OK;

	if (!is_start(s))
		return SLIM_OK;
	while (st == SLIM_OK && s->depth >= depth)
		st = next(s);
	return st;
}

static bool scalar_is(const slim *s, const char *word)
{
	size_t len = strlen(word);

	return s->ev.type == YAML_SCALAR_EVENT && s->ev.data.scalar.length == len &&
	       memcmp(s->ev.data.scalar.value, word, len) == 0;
}

/* A known field's text as read_known keeps it: NULL when empty, null, not a scalar or with NUL. */
static const char *field_text(const slim *s)
{
	const yaml_event_t *ev = &s->ev;

	if (ev->type != YAML_SCALAR_EVENT || !ev->data.scalar.length ||
	    memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return NULL;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		for (size_t i = 0; null_words[i]; i++)
			if (scalar_is(s, null_words[i]))
				return NULL;
	return (const char *)ev->data.scalar.value;
}

static bool is_closed(const char *status)
{
	static const char *const closed[] = {"done", "closed", "wontfix"};
	char low[8];
	size_t n = strlen(status);

	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i <= n; i++)
		low[i] = status[i] >= 'A' && status[i] <= 'Z' ? (char)(status[i] - 'A' + 'a')
							      : status[i];
	for (size_t i = 0; i < PIR_ARRAY_SIZE(closed); i++)
		if (strcmp(low, closed[i]) == 0)
			return true;
	return false;
}

enum { F_ID, F_DUE, F_STATUS, F_NONE };

/* The value of field `f` (the current event is its first). */
static int read_value(slim *s, pir_entry *e, int f)
{
	const char *text = field_text(s);

	if (!text)
		return skip(s);
	if (f == F_STATUS) {
		e->closed = is_closed(text);
		return SLIM_OK;
	}
	if (!(*(f == F_ID ? &e->id : &e->due_raw) =
		  pir_arena_strndup(&s->out->strings, text, s->ev.data.scalar.length)))
		return PIR_ENOMEM;
	return SLIM_OK;
}

pir_entry *pir_entry_list_add_slim(pir_entry_list *out)
{
	pir_entry *e;

	if (pir_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
		return NULL;
	e = &out->v[out->n++];
	memset(e, 0, sizeof(*e));
	e->due = e->snooze_until = PIR_DATE_NONE;
	e->severity_rank = PIR_SEVERITY_NONE;
	return e;
}

/* An entry (the current event starts its mapping): the first id, due and status keys. */
static int read_entry(slim *s)
{
	static const char *const names[] = {"id", "due", "status"};
	unsigned seen = 0;
	pir_entry *e;
	int st;

	if (!(e = pir_entry_list_add_slim(s->out)))
		return PIR_ENOMEM;
	while ((st = next(s)) == SLIM_OK && s->ev.type != YAML_MAPPING_END_EVENT) {
		int f = F_NONE;
		for (int i = 0; i < F_NONE && s->ev.type == YAML_SCALAR_EVENT; i++)
			if (scalar_is(s, names[i]))
				f = i;
		if (f != F_NONE && (seen & (1u << f)))
			f = F_NONE; /* a duplicate key: the first one is kept */
		if (f != F_NONE)
			seen |= 1u << f;
		if ((st = skip(s)) != SLIM_OK || (st = next(s)) != SLIM_OK)
			break;
		if ((st = f == F_NONE ? skip(s) : read_value(s, e, f)) != SLIM_OK)
			break;
	}
	return st;
}

/* A sequence of items (the current event starts it): its mappings are the entries. */
static int read_items(slim *s)
{
	int st;

	while ((st = next(s)) == SLIM_OK && s->ev.type != YAML_SEQUENCE_END_EVENT)
		if ((st = s->ev.type == YAML_MAPPING_START_EVENT ? read_entry(s) : skip(s)) !=
		    SLIM_OK)
			break;
	return st;
}

/* The top mapping (the current event starts it): the value of its first `action_items` key. */
static int read_top(slim *s)
{
	bool found = false;
	int st;

	while ((st = next(s)) == SLIM_OK && s->ev.type != YAML_MAPPING_END_EVENT) {
		bool items = !found && scalar_is(s, "action_items");
		found = found || items;
		if ((st = skip(s)) != SLIM_OK || (st = next(s)) != SLIM_OK)
			break;
		st = items && s->ev.type == YAML_SEQUENCE_START_EVENT ? read_items(s) : skip(s);
		if (st != SLIM_OK)
			break;
	}
	return st;
}

/* One document, its DOCUMENT-START event read; its entries are dropped at a syntax error. */
static int read_document(slim *s)
{
	size_t start = s->out->n;
	int st;

	if ((st = next(s)) == SLIM_OK) {
		if (s->ev.type == YAML_MAPPING_START_EVENT)
			st = read_top(s);
		else if (s->ev.type == YAML_SEQUENCE_START_EVENT)
			st = read_items(s);
		else
			st = skip(s);
	}
	if (st == SLIM_OK && (st = next(s)) == SLIM_OK && s->ev.type != YAML_DOCUMENT_END_EVENT)
		st = SLIM_FULL; /* not what a well-formed stream gives: the full parse decides */
	if (st == SLIM_SYNTAX)
		s->out->n = start;
	return st;
}

static int read_stream(slim *s, bool *broken)
{
	int st;

	if ((st = next(s)) == SLIM_OK && s->ev.type != YAML_STREAM_START_EVENT)
		st = SLIM_FULL;
	while (st == SLIM_OK && (st = next(s)) == SLIM_OK &&
	       s->ev.type == YAML_DOCUMENT_START_EVENT)
		st = read_document(s);
	if (st == SLIM_OK && s->ev.type != YAML_STREAM_END_EVENT)
		st = SLIM_FULL;
	if (st == SLIM_SYNTAX) {
		*broken = true;
		st = SLIM_OK;
	}
	return st;
}

int pir_actions_slim(pir_entry_list *out, bool *broken, const char *buf, size_t len)
{
	size_t units;

	return pir_actions_slim_units(out, broken, buf, len, &units);
}

int pir_actions_slim_units(pir_entry_list *out, bool *broken, const char *buf, size_t len,
			   size_t *units)
{
	slim s;
	int st;

	memset(&s, 0, sizeof(s));
	s.out = out;
	*broken = false;
	*units = 0;
	if (!buf) {
		buf = "";
		len = 0;
	}
	s.budget = pir_actions_budget(len); /* pir_actions_parse's */
	if (pir_yaml_preflight_needed(buf, len))
		return 1;
	if (!yaml_parser_initialize(&s.parser))
		return pir_error_oom();
	yaml_parser_set_input_string(&s.parser, (const unsigned char *)buf, len);
	st = read_stream(&s, broken);
	*units = s.units;
	if (s.have)
		yaml_event_delete(&s.ev);
	yaml_parser_delete(&s.parser);
	if (st == SLIM_FULL || st < 0)
		pir_entry_list_clear(out);
	return st == SLIM_FULL ? 1 : st;
}
