/* SPDX-License-Identifier: MIT */
/*
 * A small strict JSON reader (json.c): RFC 8259 and nothing more, into a tree
 * in the caller's arena. What pirscan reads back is its own output (a shard's
 * results, the cache's payload), so anything else is refused with one line
 * saying where and why: a byte order mark, comments, trailing commas, a
 * duplicate key, a NUL or a lone surrogate in a string, invalid UTF-8,
 * nesting deeper than PIR_JSON_MAX_DEPTH, text after the value. Numbers keep
 * their text; pir_json_int reads integers within bounds and nothing else.
 */
#ifndef PIRSCAN_UTIL_JSON_H
#define PIRSCAN_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define PIR_JSON_MAX_DEPTH 64

typedef enum {
	PIR_JSON_NULL,
	PIR_JSON_FALSE,
	PIR_JSON_TRUE,
	PIR_JSON_NUMBER,
	PIR_JSON_STRING,
	PIR_JSON_ARRAY,
	PIR_JSON_OBJECT,
} pir_json_type;

typedef struct pir_json pir_json;
struct pir_json {
	pir_json_type type;
	unsigned line, column; /* where the value starts, 1-based */
	const char *key;       /* a member of an object: its key */
	const char *s;	       /* a string (decoded, NUL-terminated) or a number's text */
	size_t len;	       /* its length in bytes */
	pir_json *v;	       /* an array's values or an object's members, in order */
	size_t n;
};

/*
 * Parse `len` bytes of `buf` into `*out`, allocated in `a` (the caller
 * disposes of it). Returns 0, PIR_ENOMEM, or PIR_EINVALID with the error
 * "line L, column C: what is wrong".
 */
int pir_json_parse(const pir_json **out, pir_arena *a, const char *buf, size_t len);

/* The member `key` of object `obj`, or NULL (also when `obj` is not an object). */
const pir_json *pir_json_get(const pir_json *obj, const char *key);

/* The integer `v` if it is one (no fraction, no exponent) in [min, max]. */
bool pir_json_int(const pir_json *v, int64_t min, int64_t max, int64_t *out);

/* `s` for a message: a JSON string literal of its first bytes, "..." when cut. */
#define PIR_JSON_SHOW_MAX 64
void pir_json_show(char out[PIR_JSON_SHOW_MAX], const char *s);

/* The name of a type for messages: "null", "a string", "an object", ... */
const char *pir_json_type_name(pir_json_type t);

#endif
