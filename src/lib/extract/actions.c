/* SPDX-License-Identifier: MIT */
/*
 * Action-items files: YAML loaded with libyaml's document loader, then read
 * entry by entry. Every problem becomes a diagnostic at the node at fault and
 * reading goes on, so one bad field costs one entry its validity, not the file.
 *
 * The input comes from any commit of any repository, so it is hostile until
 * proven otherwise. Two passes keep it cheap: a preflight over the event
 * stream refuses documents that would make libyaml itself slow (its scanner
 * is quadratic in flow nesting, its loader in the number of anchors), and
 * every loaded document is measured with its aliases expanded before it is
 * read, which bounds both the work and the recursion of what follows.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "error.h"
#include "extract.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

typedef struct {
	pir_entry_list *out;
	yaml_document_t *doc;
	const char *const *severities;
	char *severity_hint; /* " is not one of critical, high, ..." */
	size_t budget;	     /* nodes and scalar bytes the rest of the stream may expand to */
} reader;

/* ---- positions and messages ---- */

static unsigned mark_line(const yaml_node_t *node)
{
	return pir_yaml_pos1(node->start_mark.line);
}

static unsigned mark_col(const yaml_node_t *node)
{
	return pir_yaml_pos1(node->start_mark.column);
}

static const char *kind_name(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return "scalar";
	case YAML_SEQUENCE_NODE:
		return "sequence";
	case YAML_MAPPING_NODE:
		return "mapping";
	default:
		return "empty node";
	}
}

/* A diagnostic reading `prefix "value" suffix`. */
static int diag_value(reader *rd, pir_diag_level level, const char *code, const yaml_node_t *at,
		      const char *prefix, const char *value, size_t len, const char *suffix)
{
	pir_buf echo = PIR_BUF_INIT;
	int err;

	if ((err = pir_yaml_put_echo(&echo, value, len)) == 0)
		err = pir_fdiag_add(&rd->out->diags, level, code, mark_line(at), mark_col(at),
				    "%s\"%s\"%s", prefix, echo.ptr ? echo.ptr : "", suffix);
	pir_buf_dispose(&echo);
	return err;
}

static int make_severity_hint(reader *rd)
{
	pir_buf hint = PIR_BUF_INIT;
	int err;

	if (!rd->severities[0])
		err = pir_buf_puts(&hint, " is not allowed (no severities are configured)");
	else
		err = pir_buf_puts(&hint, " is not one of ");
	for (size_t i = 0; !err && rd->severities[i]; i++) {
		if (i)
			err = pir_buf_puts(&hint, ", ");
		if (!err)
			err = pir_buf_term_str(&hint, rd->severities[i]);
	}
	if (err) {
		pir_buf_dispose(&hint);
		return err;
	}
	rd->severity_hint = hint.ptr;
	return 0;
}

/* ---- scalars ---- */

static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

/* Does the scalar hold a NUL byte (which a C string would silently cut)? */
static bool has_nul(const yaml_node_t *node)
{
	return memchr(node->data.scalar.value, '\0', node->data.scalar.length) != NULL;
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Case-insensitive for ASCII only: the locale must not change what matches. */
static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* ---- unknown fields as JSON text ---- */

static size_t skip_digits(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* The JSON grammar's number, which is stricter than YAML's (no 0123, +1, .5, 1_000). */
static bool is_json_number(const char *s, size_t len)
{
	size_t i = 0, j;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if ((j = skip_digits(s, len, i)) > i)
		i = j;
	else
		return false;
	if (i < len && s[i] == '.') {
		if ((j = skip_digits(s, len, i + 1)) == i + 1)
			return false;
		i = j;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((j = skip_digits(s, len, i)) == i)
			return false;
		i = j;
	}
	return i == len;
}

/* A JSON string of `len` bytes. `s[len]` is NUL (libyaml terminates its
 * scalars, pir_buf its buffers); bytes before it may be NUL too. */
static int put_json_string(pir_buf *out, const char *s, size_t len)
{
	pir_buf part = PIR_BUF_INIT;
	size_t i = 0;
	int err;

	if (!memchr(s, '\0', len))
		return pir_buf_json_str(out, s);
	/* pir_buf_json_str stops at NUL: quote each NUL-terminated piece alone */
	err = pir_buf_putc(out, '"');
	while (!err && i <= len) {
		size_t n = strlen(s + i);

		part.size = 0;
		if (!(err = pir_buf_json_str(&part, s + i)))
			err = pir_buf_put(out, part.ptr + 1, part.size - 2);
		if (!err && i + n < len)
			err = pir_buf_puts(out, "\\u0000");
		i += n + 1;
	}
	pir_buf_dispose(&part);
	return err ? err : pir_buf_putc(out, '"');
}

static int put_json_scalar(pir_buf *out, const yaml_node_t *node)
{
	const char *s = pir_yaml_text(node);
	size_t len = node->data.scalar.length;

	if (pir_yaml_is_null(node))
		return pir_buf_puts(out, "null");
	if (pir_yaml_plain_is_one_of(node, true_words))
		return pir_buf_puts(out, "true");
	if (pir_yaml_plain_is_one_of(node, false_words))
		return pir_buf_puts(out, "false");
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_json_number(s, len))
		return pir_buf_put(out, s, len);
	return put_json_string(out, s, len);
}

static int put_json(pir_buf *out, yaml_document_t *doc, const yaml_node_t *node);

static int put_json_key(pir_buf *out, yaml_document_t *doc, const yaml_node_t *key)
{
	pir_buf text = PIR_BUF_INIT;
	int err;

	if (key && key->type == YAML_SCALAR_NODE)
		return put_json_string(out, pir_yaml_text(key), key->data.scalar.length);
	/* JSON keys are strings: a complex key becomes its own JSON text */
	if ((err = put_json(&text, doc, key)) == 0)
		err = put_json_string(out, text.ptr, text.size);
	pir_buf_dispose(&text);
	return err;
}

/* The recursion is bounded: check_expansion refused documents nested deeper
 * than PIR_YAML_MAX_DEPTH, aliases included. */
static int put_json(pir_buf *out, yaml_document_t *doc, const yaml_node_t *node)
{
	int err = 0;

	if (!node)
		return pir_buf_puts(out, "null");
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return put_json_scalar(out, node);
	case YAML_SEQUENCE_NODE:
		err = pir_buf_putc(out, '[');
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     !err && it < node->data.sequence.items.top; it++) {
			if (it > node->data.sequence.items.start)
				err = pir_buf_putc(out, ',');
			if (!err)
				err = put_json(out, doc, yaml_document_get_node(doc, *it));
		}
		return err ? err : pir_buf_putc(out, ']');
	case YAML_MAPPING_NODE:
		err = pir_buf_putc(out, '{');
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     !err && p < node->data.mapping.pairs.top; p++) {
			if (p > node->data.mapping.pairs.start)
				err = pir_buf_putc(out, ',');
			if (!err)
				err = put_json_key(out, doc, yaml_document_get_node(doc, p->key));
			if (!err)
				err = pir_buf_putc(out, ':');
			if (!err)
				err = put_json(out, doc, yaml_document_get_node(doc, p->value));
		}
		return err ? err : pir_buf_putc(out, '}');
	default:
		return pir_buf_puts(out, "null");
	}
}

/* ---- entries ---- */

enum field_kind { FIELD_TEXT, FIELD_DUE, FIELD_SEVERITY, FIELD_STATUS };

static const struct {
	const char *name;
	enum field_kind kind;
	size_t offset; /* of the char * in pir_entry */
} known_fields[] = {
    {"id", FIELD_TEXT, offsetof(pir_entry, id)},
    {"title", FIELD_TEXT, offsetof(pir_entry, title)},
    {"owner", FIELD_TEXT, offsetof(pir_entry, owner)},
    {"due", FIELD_DUE, offsetof(pir_entry, due_raw)},
    {"severity", FIELD_SEVERITY, offsetof(pir_entry, severity)},
    {"status", FIELD_STATUS, offsetof(pir_entry, status)},
    {"linked_incident", FIELD_TEXT, offsetof(pir_entry, incident)},
    {"team", FIELD_TEXT, offsetof(pir_entry, team)},
};

#define FIELD_ID 0
#define FIELD_TITLE 1

typedef struct {
	reader *rd;
	pir_entry *e;
	const yaml_node_t *map;
	unsigned reported; /* bit per known field: a diagnostic already names it */
} entry_reader;

static int field_error(entry_reader *er, size_t k, const yaml_node_t *at, const char *what)
{
	er->e->invalid = true;
	er->reported |= 1u << k;
	return pir_fdiag_add(&er->rd->out->diags, PIR_DIAG_ERROR, "yaml-field", mark_line(at),
			     mark_col(at), "'%s' %s", known_fields[k].name, what);
}

/* The value stored for field k is wrong: say so, quoting it. */
static int field_bad_value(entry_reader *er, size_t k, const yaml_node_t *at, const char *why)
{
	const char *value = *(char **)((char *)er->e + known_fields[k].offset);
	pir_buf echo = PIR_BUF_INIT;
	int err;

	er->e->invalid = true;
	er->reported |= 1u << k;
	if ((err = pir_yaml_put_echo(&echo, value, strlen(value))) == 0)
		err = pir_fdiag_add(&er->rd->out->diags, PIR_DIAG_ERROR, "yaml-field",
				    mark_line(at), mark_col(at), "'%s' \"%s\"%s",
				    known_fields[k].name, echo.ptr ? echo.ptr : "", why);
	pir_buf_dispose(&echo);
	return err;
}

static int check_due(entry_reader *er, size_t k, const yaml_node_t *at)
{
	pir_entry *e = er->e;

	if (pir_date_parse(&e->due, e->due_raw, strlen(e->due_raw)) == 0)
		return 0;
	e->due = PIR_DATE_NONE;
	return field_bad_value(er, k, at, " is not a valid YYYY-MM-DD date");
}

static int check_severity(entry_reader *er, size_t k, const yaml_node_t *at)
{
	pir_entry *e = er->e;
	const char *const *sev = er->rd->severities;

	ascii_lower(e->severity);
	for (size_t i = 0; sev[i]; i++) {
		if (ascii_caseeq(e->severity, sev[i])) {
			e->severity_rank = (int)i;
			return 0;
		}
	}
	return field_bad_value(er, k, at, er->rd->severity_hint);
}

static int check_status(entry_reader *er, size_t k, const yaml_node_t *at)
{
	static const char *const closed[] = {"done", "closed", "wontfix"};
	pir_entry *e = er->e;

	ascii_lower(e->status);
	for (size_t i = 0; i < PIR_ARRAY_SIZE(closed); i++) {
		if (strcmp(e->status, closed[i]) == 0) {
			e->closed = true;
			return 0;
		}
	}
	if (strcmp(e->status, "open") == 0)
		return 0;
	return field_bad_value(er, k, at, " is not one of open, done, closed, wontfix");
}

static int read_known(entry_reader *er, size_t k, const yaml_node_t *key, const yaml_node_t *value)
{
	char **slot = (char **)((char *)er->e + known_fields[k].offset);
	const yaml_node_t *at = value ? value : key;

	if (!value || pir_yaml_is_null(value) ||
	    (value->type == YAML_SCALAR_NODE && !value->data.scalar.length))
		return k == FIELD_ID ? field_error(er, k, at, "is empty") : 0;
	if (value->type != YAML_SCALAR_NODE) {
		const char *what = value->type == YAML_MAPPING_NODE
				       ? "must be a scalar, not a mapping"
				       : "must be a scalar, not a sequence";
		return field_error(er, k, at, what);
	}
	if (has_nul(value))
		return field_error(er, k, at, "contains a NUL character");
	if (!(*slot = pir_arena_strndup(&er->rd->out->strings, pir_yaml_text(value),
					value->data.scalar.length)))
		return pir_error_oom();
	switch (known_fields[k].kind) {
	case FIELD_DUE:
		return check_due(er, k, at);
	case FIELD_SEVERITY:
		return check_severity(er, k, at);
	case FIELD_STATUS:
		return check_status(er, k, at);
	default:
		return 0;
	}
}

static int read_unknown(entry_reader *er, const yaml_node_t *key, const yaml_node_t *value)
{
	pir_entry *e = er->e;
	pir_buf json = PIR_BUF_INIT;
	char *name;
	int err;

	if (has_nul(key))
		return diag_value(er->rd, PIR_DIAG_WARNING, "yaml-field", key, "key ",
				  pir_yaml_text(key), key->data.scalar.length,
				  " contains a NUL character; ignored");
	/* at most one field per pair: no need to grow the array later */
	if (!e->fields) {
		size_t pairs =
		    (size_t)(er->map->data.mapping.pairs.top - er->map->data.mapping.pairs.start);
		if (!(e->fields =
			  pir_arena_alloc(&er->rd->out->strings, pairs * sizeof(*e->fields))))
			return pir_error_oom();
	}
	if ((err = put_json(&json, er->rd->doc, value)) < 0 ||
	    !(name = pir_arena_strndup(&er->rd->out->strings, pir_yaml_text(key),
				       key->data.scalar.length)) ||
	    !(e->fields[e->nfields].json =
		  pir_arena_strndup(&er->rd->out->strings, json.ptr ? json.ptr : "", json.size))) {
		pir_buf_dispose(&json);
		return err < 0 ? err : pir_error_oom();
	}
	pir_buf_dispose(&json);
	e->fields[e->nfields].key = name;
	e->nfields++;
	return 0;
}

static int snooze_error(entry_reader *er, const yaml_node_t *at, const char *what)
{
	er->e->invalid = true;
	return pir_fdiag_add(&er->rd->out->diags, PIR_DIAG_ERROR, "yaml-field", mark_line(at),
			     mark_col(at), "'snooze' %s", what);
}

/* snooze: {until: YYYY-MM-DD, reason: TEXT}, both required: a snooze is reviewed like code. */
static int read_snooze(entry_reader *er, const yaml_node_t *key, const yaml_node_t *value)
{
	yaml_document_t *doc = er->rd->doc;
	const yaml_node_t *until = NULL, *reason = NULL;
	pir_entry *e = er->e;
	int err = 0;

	if (!value || value->type != YAML_MAPPING_NODE)
		return snooze_error(er, value ? value : key,
				    "must be a mapping with 'until' and 'reason'");
	for (yaml_node_pair_t *p = value->data.mapping.pairs.start;
	     !err && p < value->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (k && pir_yaml_is(k, "until") && !until)
			until = v;
		else if (k && pir_yaml_is(k, "reason") && !reason)
			reason = v;
		else if (k) {
			e->invalid = true;
			err = diag_value(er->rd, PIR_DIAG_ERROR, "yaml-field", k, "'snooze' key ",
					 k->type == YAML_SCALAR_NODE ? pir_yaml_text(k) : "",
					 k->type == YAML_SCALAR_NODE ? k->data.scalar.length : 0,
					 " is not until or reason");
		}
	}
	if (err)
		return err;
	if (!until || until->type != YAML_SCALAR_NODE || has_nul(until) ||
	    pir_date_parse(&e->snooze_until, pir_yaml_text(until), until->data.scalar.length) < 0) {
		e->snooze_until = PIR_DATE_NONE;
		return snooze_error(er, until ? until : value, "'until' must be a YYYY-MM-DD date");
	}
	if (!reason || reason->type != YAML_SCALAR_NODE || has_nul(reason) ||
	    !reason->data.scalar.length) {
		e->snooze_until = PIR_DATE_NONE;
		return snooze_error(er, reason ? reason : value, "needs a 'reason'");
	}
	if (!(e->snooze_reason = pir_arena_strndup(&er->rd->out->strings, pir_yaml_text(reason),
						   reason->data.scalar.length)))
		return pir_error_oom();
	return 0;
}

static int read_pair(entry_reader *er, const yaml_node_t *key, const yaml_node_t *value)
{
	if (pir_yaml_is(key, "snooze"))
		return read_snooze(er, key, value);
	for (size_t k = 0; k < PIR_ARRAY_SIZE(known_fields); k++)
		if (pir_yaml_is(key, known_fields[k].name))
			return read_known(er, k, key, value);
	return read_unknown(er, key, value);
}

/* The entry must have an id and a title: mark it invalid with a diagnostic
 * for each one missing, unless an error about that field was given already. */
static int check_required(entry_reader *er)
{
	pir_entry *e = er->e;
	pir_fdiag_list *diags = &er->rd->out->diags;
	int err = 0;

	if (!e->id && !(er->reported & (1u << FIELD_ID))) {
		e->invalid = true;
		err = pir_fdiag_add(diags, PIR_DIAG_ERROR, "yaml-field", e->line, e->column,
				    "'id' is missing");
	}
	if (!err && !e->title && !(er->reported & (1u << FIELD_TITLE))) {
		e->invalid = true;
		if (e->id)
			err = diag_value(er->rd, PIR_DIAG_ERROR, "yaml-field", er->map,
					 "'title' is missing in entry ", e->id, strlen(e->id), "");
		else
			err = pir_fdiag_add(diags, PIR_DIAG_ERROR, "yaml-field", e->line, e->column,
					    "'title' is missing");
	}
	return err;
}

static int read_entry(reader *rd, const yaml_node_t *map)
{
	pir_entry_list *out = rd->out;
	const yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	size_t npairs = (size_t)(map->data.mapping.pairs.top - pairs);
	entry_reader er = {rd, NULL, map, 0};
	bool *dup = NULL;
	int err;

	if ((err = pir_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v))) < 0)
		return err;
	er.e = &out->v[out->n++];
	memset(er.e, 0, sizeof(*er.e));
	er.e->line = mark_line(map);
	er.e->column = mark_col(map);
	er.e->due = PIR_DATE_NONE;
	er.e->snooze_until = PIR_DATE_NONE;
	er.e->severity_rank = PIR_SEVERITY_NONE;
	if ((err = pir_yaml_find_duplicates(&dup, rd->doc, map)) < 0)
		return err;
	for (size_t i = 0; i < npairs && !err; i++) {
		const yaml_node_t *key = yaml_document_get_node(rd->doc, pairs[i].key);
		const yaml_node_t *value = yaml_document_get_node(rd->doc, pairs[i].value);

		if (!key)
			continue;
		if (key->type != YAML_SCALAR_NODE)
			err = pir_fdiag_add(&out->diags, PIR_DIAG_WARNING, "yaml-field",
					    mark_line(key), mark_col(key),
					    "ignored a key that is a %s, not a scalar",
					    kind_name(key));
		else if (dup[i])
			err = diag_value(rd, PIR_DIAG_WARNING, "yaml-field", key, "duplicate key ",
					 pir_yaml_text(key), key->data.scalar.length,
					 " ignored; the first one is kept");
		else
			err = read_pair(&er, key, value);
	}
	if (!err)
		err = check_required(&er);
	free(dup);
	return err;
}

/* ---- documents ---- */

static int read_items(reader *rd, const yaml_node_t *seq)
{
	int err = 0;

	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     !err && it < seq->data.sequence.items.top; it++) {
		const yaml_node_t *item = yaml_document_get_node(rd->doc, *it);

		if (!item)
			continue;
		if (item->type == YAML_MAPPING_NODE)
			err = read_entry(rd, item);
		else if (pir_yaml_is_null(item))
			err =
			    pir_fdiag_add(&rd->out->diags, PIR_DIAG_ERROR, "yaml-schema",
					  mark_line(item), mark_col(item), "action item is empty");
		else if (item->type == YAML_SCALAR_NODE)
			err = diag_value(rd, PIR_DIAG_ERROR, "yaml-schema", item,
					 "action item must be a mapping, found ",
					 pir_yaml_text(item), item->data.scalar.length, "");
		else
			err = pir_fdiag_add(&rd->out->diags, PIR_DIAG_ERROR, "yaml-schema",
					    mark_line(item), mark_col(item),
					    "action item must be a mapping, not a %s",
					    kind_name(item));
	}
	return err;
}

static int read_top_mapping(reader *rd, const yaml_node_t *map)
{
	pir_fdiag_list *diags = &rd->out->diags;
	const yaml_node_t *items = NULL;
	bool found = false;
	int err = 0;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !err && p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = yaml_document_get_node(rd->doc, p->key);

		if (!pir_yaml_is(key, "action_items"))
			continue;
		if (found)
			err = pir_fdiag_add(
			    diags, PIR_DIAG_WARNING, "yaml-schema", mark_line(key), mark_col(key),
			    "duplicate key \"action_items\" ignored; the first one is kept");
		found = true;
		if (!items)
			items = yaml_document_get_node(rd->doc, p->value);
	}
	if (err)
		return err;
	if (!found)
		return pir_fdiag_add(diags, PIR_DIAG_WARNING, "yaml-schema", mark_line(map),
				     mark_col(map), "no action_items key");
	if (!items || pir_yaml_is_null(items))
		return 0;
	if (items->type != YAML_SEQUENCE_NODE)
		return pir_fdiag_add(diags, PIR_DIAG_ERROR, "yaml-schema", mark_line(items),
				     mark_col(items), "'action_items' must be a sequence, not a %s",
				     kind_name(items));
	return read_items(rd, items);
}

typedef struct {
	yaml_document_t *doc;
	size_t *size;	       /* expanded size of each node, 0 until known */
	unsigned char *height; /* collections nested in each node, itself included */
	size_t cap;
	const yaml_node_t *deep; /* where PIR_YAML_MAX_DEPTH was passed */
} measure;

enum { MEASURE_OK, MEASURE_DEEP, MEASURE_BIG };

static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

size_t pir_actions_budget(size_t len)
{
	/* without aliases a stream expands to at most about 3 units a byte */
	return sat_add(len > SIZE_MAX / 4 ? SIZE_MAX : len * 4, 4096);
}

static int measure_node(measure *m, int index, unsigned room);

static int measure_child(measure *m, int index, unsigned room, size_t *total, unsigned *height)
{
	int st;

	if (!yaml_document_get_node(m->doc, index))
		return MEASURE_OK;
	if ((st = measure_node(m, index, room)) != MEASURE_OK)
		return st;
	*total = sat_add(*total, m->size[index - 1]);
	if (m->height[index - 1] + 1u > *height)
		*height = m->height[index - 1] + 1u;
	return *total > m->cap ? MEASURE_BIG : MEASURE_OK;
}

/*
 * Size of a node with aliases expanded (a node plus its scalar's bytes) and
 * its depth in collections, memoised so that a shared node costs its size
 * at each use but is walked once. An alias cycle never completes and ends
 * as too deep; so does the recursion, after at most `room` levels.
 */
static int measure_node(measure *m, int index, unsigned room)
{
	const yaml_node_t *node = yaml_document_get_node(m->doc, index);
	size_t total = 1;
	unsigned height = 1;
	int st = MEASURE_OK;

	if (node->type == YAML_SCALAR_NODE) {
		m->size[index - 1] = sat_add(1, node->data.scalar.length);
		return m->size[index - 1] > m->cap ? MEASURE_BIG : MEASURE_OK;
	}
	if (m->size[index - 1] ? m->height[index - 1] > room : room == 0) {
		m->deep = node;
		return MEASURE_DEEP;
	}
	if (m->size[index - 1])
		return MEASURE_OK;
	if (node->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     !st && it < node->data.sequence.items.top; it++)
			st = measure_child(m, *it, room - 1, &total, &height);
	} else if (node->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     !st && p < node->data.mapping.pairs.top; p++)
			if (!(st = measure_child(m, p->key, room - 1, &total, &height)))
				st = measure_child(m, p->value, room - 1, &total, &height);
	}
	if (st)
		return st;
	m->size[index - 1] = total;
	m->height[index - 1] = (unsigned char)height;
	return MEASURE_OK;
}

/* 0 when the document may be read, 1 after a diagnostic saying why not. */
static int check_expansion(reader *rd)
{
	size_t n = (size_t)(rd->doc->nodes.top - rd->doc->nodes.start);
	measure m = {rd->doc, NULL, NULL, rd->budget, NULL};
	const yaml_node_t *root = yaml_document_get_root_node(rd->doc);
	int err, st;

	m.size = pir_calloc(n, sizeof(*m.size));
	m.height = pir_calloc(n, sizeof(*m.height));
	if (!m.size || !m.height) {
		err = PIR_ENOMEM;
		goto done;
	}
	st = measure_node(&m, 1, PIR_YAML_MAX_DEPTH);
	if (st == MEASURE_OK) {
		rd->budget -= m.size[0];
		err = 0;
	} else if (st == MEASURE_DEEP) {
		err = pir_fdiag_add(
		    &rd->out->diags, PIR_DIAG_ERROR, "yaml-syntax", mark_line(m.deep),
		    mark_col(m.deep),
		    "aliases nest the document deeper than %d levels; document ignored",
		    PIR_YAML_MAX_DEPTH);
	} else {
		err = pir_fdiag_add(&rd->out->diags, PIR_DIAG_ERROR, "yaml-syntax", mark_line(root),
				    mark_col(root),
				    "aliases expand the document too much; document ignored");
	}
	if (st != MEASURE_OK && err == 0)
		err = 1;
done:
	free(m.size);
	free(m.height);
	return err;
}

static int read_document(reader *rd, yaml_document_t *doc)
{
	const yaml_node_t *root = yaml_document_get_root_node(doc);
	int err;

	rd->doc = doc;
	if ((err = check_expansion(rd)) != 0)
		return err < 0 ? err : 0;
	switch (root->type) {
	case YAML_MAPPING_NODE:
		return read_top_mapping(rd, root);
	case YAML_SEQUENCE_NODE:
		return read_items(rd, root);
	default:
		if (pir_yaml_is_null(root))
			return 0;
		return pir_fdiag_add(&rd->out->diags, PIR_DIAG_ERROR, "yaml-schema",
				     mark_line(root), mark_col(root),
				     "expected a mapping with an action_items key or a sequence of "
				     "action items, found a %s",
				     kind_name(root));
	}
}

/* ---- the stream ---- */

/* A syntax error of an action-items file, as a diagnostic with its position. */
static int syntax_diag(reader *rd, const yaml_parser_t *p, const char *buf, size_t len)
{
	unsigned line, col;
	char msg[512];

	if (pir_yaml_parser_error(p, buf, len, &line, &col, msg, sizeof(msg)) < 0)
		return pir_error_oom();
	return pir_fdiag_add(&rd->out->diags, PIR_DIAG_ERROR, "yaml-syntax", line, col, "%s", msg);
}

/* Load and read the next document: 0, 1 at the end of the stream (or at a
 * syntax error, after its diagnostic), or PIR_ENOMEM. */
static int read_next(reader *rd, yaml_parser_t *parser, const char *buf, size_t len)
{
	yaml_document_t doc;
	int err;

	if (!yaml_parser_load(parser, &doc)) {
		err = syntax_diag(rd, parser, buf, len);
		return err < 0 ? err : 1;
	}
	if (!yaml_document_get_root_node(&doc)) {
		yaml_document_delete(&doc);
		return 1;
	}
	err = read_document(rd, &doc);
	yaml_document_delete(&doc);
	return err;
}

int pir_actions_parse(pir_entry_list *out, const char *buf, size_t len,
		      const char *const *severities)
{
	reader rd = {out, NULL, severities ? severities : pir_default_severities(), NULL, 0};
	yaml_parser_t parser;
	bool parser_ready = false;
	pir_yaml_preflight pf;
	int err;

	if (!buf) {
		buf = "";
		len = 0;
	}
	rd.budget = pir_actions_budget(len);
	memset(&pf, 0, sizeof(pf));
	/* The preflight is skipped where it could refuse nothing for flow nesting
	 * or anchors (most files are block YAML, and history holds many versions
	 * of them); check_expansion bounds block nesting in every document. */
	if ((err = make_severity_hint(&rd)) < 0 ||
	    (pir_yaml_preflight_needed(buf, len) &&
	     (err = pir_yaml_preflight_run(&pf, buf, len)) < 0))
		goto done;
	if (!yaml_parser_initialize(&parser)) {
		err = pir_error_oom();
		goto done;
	}
	parser_ready = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (size_t i = 0; err == 0; i++) {
		if (pf.refused && i == pf.ndocs) {
			err = pir_fdiag_add(&out->diags, PIR_DIAG_ERROR, "yaml-syntax",
					    pir_yaml_pos1(pf.mark.line),
					    pir_yaml_pos1(pf.mark.column),
					    "%s; the rest of the file is ignored", pf.why);
			break;
		}
		err = read_next(&rd, &parser, buf, len);
	}
done:
	if (parser_ready)
		yaml_parser_delete(&parser);
	free(rd.severity_hint);
	if (err < 0) {
		pir_entry_list_clear(out);
		return err;
	}
	return 0;
}

void pir_entry_list_clear(pir_entry_list *list)
{
	if (!list)
		return;
	free(list->v);
	pir_arena_dispose(&list->strings);
	pir_fdiag_list_clear(&list->diags);
	memset(list, 0, sizeof(*list));
}
