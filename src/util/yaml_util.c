/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "pirscan/common.h"
#include "yaml_util.h"

#define PIR_YAML_STR_(x) #x
#define PIR_YAML_STR(x) PIR_YAML_STR_(x)

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};

unsigned pir_yaml_pos1(size_t v)
{
	return v >= UINT_MAX ? UINT_MAX : (unsigned)v + 1;
}

const char *pir_yaml_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

bool pir_yaml_is(const yaml_node_t *node, const char *s)
{
	size_t len = strlen(s);

	return node && node->type == YAML_SCALAR_NODE && node->data.scalar.length == len &&
	       memcmp(node->data.scalar.value, s, len) == 0;
}

bool pir_yaml_plain_is_one_of(const yaml_node_t *node, const char *const *words)
{
	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (; *words; words++)
		if (pir_yaml_is(node, *words))
			return true;
	return false;
}

bool pir_yaml_is_null(const yaml_node_t *node)
{
	return pir_yaml_plain_is_one_of(node, null_words);
}

typedef struct {
	const char *s;
	size_t len;
	size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
	const key_ref *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int pir_yaml_find_duplicates(bool **out, yaml_document_t *doc, const yaml_node_t *map)
{
	const yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	size_t npairs = (size_t)(map->data.mapping.pairs.top - pairs), n = 0;
	key_ref *keys;
	bool *dup;

	*out = NULL;
	if (!(keys = pir_calloc(npairs ? npairs : 1, sizeof(*keys))))
		return PIR_ENOMEM;
	if (!(dup = pir_calloc(npairs ? npairs : 1, sizeof(*dup)))) {
		free(keys);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < npairs; i++) {
		const yaml_node_t *key = yaml_document_get_node(doc, pairs[i].key);

		if (key && key->type == YAML_SCALAR_NODE)
			keys[n++] = (key_ref){pir_yaml_text(key), key->data.scalar.length, i};
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), key_ref_cmp);
	for (size_t i = 1; i < n; i++)
		if (keys[i].len == keys[i - 1].len &&
		    !memcmp(keys[i].s, keys[i - 1].s, keys[i].len))
			dup[keys[i].index] = true;
	free(keys);
	*out = dup;
	return 0;
}

void pir_yaml_offset_position(const char *buf, size_t len, size_t offset, unsigned *line,
			      unsigned *column)
{
	size_t l = 0, c = 0, i = 0;

	/* libyaml does not count a byte order mark */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < offset && i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			l++;
			c = 0;
		} else if (ch != '\r' && (ch & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = pir_yaml_pos1(l);
	*column = pir_yaml_pos1(c);
}

const char *pir_yaml_event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

int pir_yaml_parser_error(const yaml_parser_t *p, const char *buf, size_t len, unsigned *line,
			  unsigned *column, char *msg, size_t msgsize)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";

	if (p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR)
		return PIR_ENOMEM;
	*line = pir_yaml_pos1(p->problem_mark.line);
	*column = pir_yaml_pos1(p->problem_mark.column);
	if (p->error == YAML_READER_ERROR) {
		/* bad bytes: libyaml gives an offset, not a mark */
		pir_yaml_offset_position(buf, len, p->problem_offset, line, column);
		if (p->problem_value >= 0)
			snprintf(msg, msgsize, "%s (0x%02X)", problem, (unsigned)p->problem_value);
		else
			snprintf(msg, msgsize, "%s", problem);
	} else if (p->context) {
		snprintf(msg, msgsize, "%s (%s at line %u column %u)", problem, p->context,
			 pir_yaml_pos1(p->context_mark.line),
			 pir_yaml_pos1(p->context_mark.column));
	} else {
		snprintf(msg, msgsize, "%s", problem);
	}
	return 0;
}

static void preflight_event(pir_yaml_preflight *pf, const yaml_event_t *ev, unsigned *depth,
			    unsigned *anchors)
{
	if (pir_yaml_event_anchor(ev) && ++*anchors > PIR_YAML_MAX_ANCHORS) {
		pf->refused = true;
		pf->why = "more than " PIR_YAML_STR(PIR_YAML_MAX_ANCHORS) " anchors in a document";
	}
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		*anchors = 0;
		break;
	case YAML_DOCUMENT_END_EVENT:
		pf->ndocs++;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++*depth > PIR_YAML_MAX_DEPTH) {
			pf->refused = true;
			pf->why = "collections nested deeper than " PIR_YAML_STR(
			    PIR_YAML_MAX_DEPTH) " levels";
		}
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		--*depth;
		break;
	default:
		break;
	}
	if (pf->refused)
		pf->mark = ev->start_mark;
}

int pir_yaml_preflight_run(pir_yaml_preflight *pf, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned depth = 0, anchors = 0;
	bool end = false;
	int err = 0;

	memset(pf, 0, sizeof(*pf));
	if (!yaml_parser_initialize(&parser))
		return pir_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!end && !pf->refused) {
		if (!yaml_parser_parse(&parser, &event)) {
			if (parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR)
				err = pir_error_oom();
			break;
		}
		preflight_event(pf, &event, &depth, &anchors);
		end = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return err;
}

/* How many `c` bytes `buf` holds, counting no further than `stop`. */
static size_t count_byte(const char *buf, size_t len, char c, size_t stop)
{
	const char *p = buf, *end = buf + len;
	size_t n = 0;

	while (n < stop && (p = memchr(p, c, (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

bool pir_yaml_preflight_needed(const char *buf, size_t len)
{
	size_t flow;

	if (memchr(buf, '&', len))
		return true;
	flow = count_byte(buf, len, '[', PIR_YAML_MAX_DEPTH + 1);
	return flow + count_byte(buf, len, '{', PIR_YAML_MAX_DEPTH + 1 - flow) > PIR_YAML_MAX_DEPTH;
}

int pir_yaml_put_echo(pir_buf *out, const char *s, size_t len)
{
	size_t n = len > PIR_YAML_ECHO_MAX ? PIR_YAML_ECHO_MAX : len;
	char *copy;
	int err;

	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	if (!(copy = pir_strndup(s, n)))
		return PIR_ENOMEM;
	err = pir_buf_term_str(out, copy);
	/* the copy stops at an embedded NUL too */
	if (!err && (n < len || strlen(copy) < n))
		err = pir_buf_puts(out, "...");
	free(copy);
	return err;
}
