/* SPDX-License-Identifier: MIT */
/* The strict JSON reader (json.h): recursive descent, depth bounded, one error line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json.h"

typedef struct {
	const char *buf;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	pir_arena *a;
	pir_buf scratch; /* a string being decoded */
} parser;

static unsigned column_at(const parser *p, size_t pos)
{
	size_t c = pos - p->line_start + 1;
	return c > 0xffffffffu ? 0xffffffffu : (unsigned)c;
}

static int fail_at(const parser *p, size_t pos, const char *what)
{
	return pir_error_set(PIR_EINVALID, "line %u, column %u: %s", p->line, column_at(p, pos),
			     what);
}

static int fail(const parser *p, const char *what)
{
	if (p->pos >= p->len)
		return fail_at(p, p->pos, "unexpected end of the text");
	return fail_at(p, p->pos, what);
}

static void skip_space(parser *p)
{
	while (p->pos < p->len) {
		char c = p->buf[p->pos];
		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

static bool literal(parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->buf + p->pos, word, n))
		return false;
	p->pos += n;
	return true;
}

static bool digit(const parser *p)
{
	return p->pos < p->len && p->buf[p->pos] >= '0' && p->buf[p->pos] <= '9';
}

static int number(parser *p, pir_json *v)
{
	size_t start = p->pos;

	if (p->pos < p->len && p->buf[p->pos] == '-')
		p->pos++;
	if (!digit(p))
		return fail(p, "expected a digit");
	if (p->buf[p->pos++] != '0')
		while (digit(p))
			p->pos++;
	if (p->pos < p->len && p->buf[p->pos] == '.') {
		p->pos++;
		if (!digit(p))
			return fail(p, "expected a digit after the decimal point");
		while (digit(p))
			p->pos++;
	}
	if (p->pos < p->len && (p->buf[p->pos] == 'e' || p->buf[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->buf[p->pos] == '+' || p->buf[p->pos] == '-'))
			p->pos++;
		if (!digit(p))
			return fail(p, "expected a digit in the exponent");
		while (digit(p))
			p->pos++;
	}
	v->type = PIR_JSON_NUMBER;
	v->len = p->pos - start;
	return (v->s = pir_arena_strndup(p->a, p->buf + start, v->len)) ? 0 : pir_error_oom();
}

static int hex4(parser *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, p->pos++) {
		char c = p->pos < p->len ? p->buf[p->pos] : '\0';
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d == 16)
			return fail(p, "expected four hexadecimal digits after \\u");
		*out = *out << 4 | d;
	}
	return 0;
}

/* \uXXXX (p->pos after the u), with its low surrogate when it is a high one. */
static int unicode_escape(parser *p, size_t at)
{
	unsigned cp, lo;
	char u[4];
	int err;

	if ((err = hex4(p, &cp)) < 0)
		return err;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail_at(p, at, "a lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (!literal(p, "\\u"))
			return fail_at(p, at, "a high surrogate without its low surrogate");
		if ((err = hex4(p, &lo)) < 0)
			return err;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail_at(p, at, "a high surrogate without its low surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail_at(p, at, "\\u0000 in a string");
	if (cp < 0x80)
		return pir_buf_putc(&p->scratch, (char)cp);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
		return pir_buf_put(&p->scratch, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return pir_buf_put(&p->scratch, u, 3);
	}
	u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
	return pir_buf_put(&p->scratch, u, 4);
}

static int escape(parser *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t at = p->pos++;
	const char *k;

	if (p->pos >= p->len)
		return fail(p, "");
	if (p->buf[p->pos] == 'u') {
		p->pos++;
		return unicode_escape(p, at);
	}
	if (!p->buf[p->pos] || !(k = strchr(from, p->buf[p->pos])))
		return fail_at(p, at, "an unknown escape in a string");
	p->pos++;
	return pir_buf_putc(&p->scratch, to[k - from]);
}

/* A string (p->pos on its opening quote), decoded into the arena. */
static int string(parser *p, const char **out, size_t *outlen)
{
	size_t start = p->pos++;
	int err = 0;

	p->scratch.size = 0;
	while (!err) {
		size_t run = p->pos;
		while (p->pos < p->len && p->buf[p->pos] != '"' && p->buf[p->pos] != '\\' &&
		       (unsigned char)p->buf[p->pos] >= 0x20)
			p->pos++;
		if ((err = pir_buf_put(&p->scratch, p->buf + run, p->pos - run)) < 0)
			return err;
		if (p->pos >= p->len)
			return fail_at(p, start, "a string without its closing quote");
		if (p->buf[p->pos] == '"')
			break;
		if (p->buf[p->pos] != '\\')
			return fail(p, "a control character in a string (escape it)");
		err = escape(p);
	}
	if (err)
		return err;
	p->pos++;
	if (!pir_utf8_valid(p->scratch.ptr ? p->scratch.ptr : "", p->scratch.size))
		return fail_at(p, start, "a string that is not valid UTF-8");
	*outlen = p->scratch.size;
	*out = pir_arena_strndup(p->a, p->scratch.ptr ? p->scratch.ptr : "", p->scratch.size);
	return *out ? 0 : pir_error_oom();
}

static int value(parser *p, pir_json *v, unsigned depth);

static int key_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A duplicate key of an object's `n` members, or NULL. */
static const pir_json *duplicate(const pir_json *m, size_t n)
{
	const char **keys;
	const pir_json *dup = NULL;

	if (n < 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t k = 0; k < i; k++)
				if (!strcmp(m[i].key, m[k].key))
					return &m[i];
		return NULL;
	}
	if (!(keys = pir_calloc(n, sizeof(*keys))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		keys[i] = m[i].key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < n && !dup; i++) {
		size_t seen = 0;
		if (strcmp(keys[i], keys[i - 1]))
			continue;
		for (size_t k = 0; k < n && !dup; k++) /* the second one, for its line */
			if (!strcmp(m[k].key, keys[i]) && seen++)
				dup = &m[k];
	}
	free(keys);
	return dup;
}

/* The members of an object or the values of an array, p->pos after the opening bracket. */
static int members(parser *p, pir_json *v, bool object, unsigned depth)
{
	char close = object ? '}' : ']';
	pir_json *m = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	skip_space(p);
	if (p->pos < p->len && p->buf[p->pos] == close)
		goto end;
	for (;;) {
		if ((err = pir_grow((void **)&m, &cap, n + 1, sizeof(*m))) < 0)
			goto done;
		memset(&m[n], 0, sizeof(*m));
		skip_space(p);
		if (object) {
			size_t klen;
			if (p->pos >= p->len || p->buf[p->pos] != '"') {
				err = fail(p, "expected a key (a string)");
				goto done;
			}
			if ((err = string(p, &m[n].key, &klen)) < 0)
				goto done;
			skip_space(p);
			if (p->pos >= p->len || p->buf[p->pos] != ':') {
				err = fail(p, "expected ':' after the key");
				goto done;
			}
			p->pos++;
			skip_space(p);
		}
		if ((err = value(p, &m[n++], depth + 1)) < 0)
			goto done;
		skip_space(p);
		if (p->pos < p->len && p->buf[p->pos] == close)
			break;
		if (p->pos >= p->len || p->buf[p->pos] != ',') {
			err = fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
			goto done;
		}
		p->pos++;
	}
	if (object && n > 1) {
		const pir_json *dup = duplicate(m, n);
		if (dup) {
			err =
			    pir_error_set(PIR_EINVALID, "line %u, column %u: duplicate key \"%s\"",
					  dup->line, dup->column, dup->key);
			goto done;
		}
	}
end:
	p->pos++;
	v->n = n;
	if (n && !(v->v = pir_arena_alloc(p->a, n * sizeof(*m))))
		err = pir_error_oom();
	else if (n)
		memcpy(v->v, m, n * sizeof(*m));
done:
	free(m);
	return err;
}

static int value(parser *p, pir_json *v, unsigned depth)
{
	char c;

	v->line = p->line;
	v->column = column_at(p, p->pos);
	if (p->pos >= p->len)
		return fail(p, "");
	c = p->buf[p->pos];
	if (c == '{' || c == '[') {
		if (depth >= PIR_JSON_MAX_DEPTH)
			return fail(p, "nested too deeply");
		v->type = c == '{' ? PIR_JSON_OBJECT : PIR_JSON_ARRAY;
		p->pos++;
		return members(p, v, c == '{', depth);
	}
	if (c == '"') {
		v->type = PIR_JSON_STRING;
		return string(p, &v->s, &v->len);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(p, v);
	if (literal(p, "null"))
		v->type = PIR_JSON_NULL;
	else if (literal(p, "true"))
		v->type = PIR_JSON_TRUE;
	else if (literal(p, "false"))
		v->type = PIR_JSON_FALSE;
	else
		return fail(p, "expected a value");
	return 0;
}

int pir_json_parse(const pir_json **out, pir_arena *a, const char *buf, size_t len)
{
	parser p = {buf, len, 0, 1, 0, a, PIR_BUF_INIT};
	pir_json *root;
	int err;

	*out = NULL;
	if (!(root = pir_arena_alloc(a, sizeof(*root))))
		return pir_error_oom();
	memset(root, 0, sizeof(*root));
	skip_space(&p);
	if ((err = value(&p, root, 0)) == 0) {
		skip_space(&p);
		if (p.pos < p.len)
			err = fail(&p, "text after the value");
	}
	pir_buf_dispose(&p.scratch);
	if (!err)
		*out = root;
	return err;
}

const pir_json *pir_json_get(const pir_json *obj, const char *key)
{
	if (!obj || obj->type != PIR_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->v[i].key, key))
			return &obj->v[i];
	return NULL;
}

bool pir_json_int(const pir_json *v, int64_t min, int64_t max, int64_t *out)
{
	const char *s;
	bool neg;
	uint64_t x = 0, lim;

	if (!v || v->type != PIR_JSON_NUMBER || strpbrk(v->s, ".eE"))
		return false;
	s = v->s;
	neg = *s == '-';
	s += neg;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (x > (lim - d) / 10)
			return false;
		x = x * 10 + d;
	}
	if (neg && x == (uint64_t)INT64_MAX + 1) {
		*out = INT64_MIN;
	} else {
		int64_t r = neg ? -(int64_t)x : (int64_t)x;
		if (r < min || r > max)
			return false;
		*out = r;
		return true;
	}
	return min == INT64_MIN;
}

void pir_json_show(char out[PIR_JSON_SHOW_MAX], const char *s)
{
	size_t n = strlen(s), cut = n > 32 ? 32 : n;
	pir_buf b = PIR_BUF_INIT;
	char *head;

	while (cut < n && cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--; /* not inside a UTF-8 sequence */
	if (!(head = pir_strndup(s, cut)) || pir_buf_json_str(&b, head) < 0 ||
	    b.size + 4 > PIR_JSON_SHOW_MAX) {
		snprintf(out, PIR_JSON_SHOW_MAX, "%s", "a key");
	} else {
		snprintf(out, PIR_JSON_SHOW_MAX, "%s%s", b.ptr, cut < n ? "..." : "");
	}
	free(head);
	pir_buf_dispose(&b);
}

const char *pir_json_type_name(pir_json_type t)
{
	static const char *const names[] = {"null",	"false",    "true",	"a number",
					    "a string", "an array", "an object"};
	return t <= PIR_JSON_OBJECT ? names[t] : "a value";
}
