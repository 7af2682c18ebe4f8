/* SPDX-License-Identifier: MIT */
/* libyaml helpers shared by the action-items loader and the configuration loader. */
#ifndef PIRSCAN_YAML_UTIL_H
#define PIRSCAN_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "buf.h"

/** A 0-based libyaml mark as a 1-based line or column (saturating). */
unsigned pir_yaml_pos1(size_t v);
/** The scalar's bytes (libyaml NUL-terminates them). */
const char *pir_yaml_text(const yaml_node_t *node);
/** Is `node` a scalar whose value is exactly `s`? NULL is not. */
bool pir_yaml_is(const yaml_node_t *node, const char *s);
/** Is `node` a plain (unquoted) scalar among `words` (NULL-terminated)? */
bool pir_yaml_plain_is_one_of(const yaml_node_t *node, const char *const *words);
/** A plain null: empty, ~, null, Null, NULL. */
bool pir_yaml_is_null(const yaml_node_t *node);
/**
 * Mark the pairs of mapping `map` whose scalar key repeats an earlier one:
 * `*out` (owned by the caller) gets one flag per pair, true for every
 * repeat after the first. Sorting keeps a mapping with many keys from
 * costing a quadratic number of comparisons. 0 or PIR_ENOMEM.
 */
int pir_yaml_find_duplicates(bool **out, yaml_document_t *doc, const yaml_node_t *map);
/** The 1-based line and column (in characters) of byte `offset`, as libyaml counts them. */
void pir_yaml_offset_position(const char *buf, size_t len, size_t offset, unsigned *line,
			      unsigned *column);
/**
 * Where and what a libyaml parser error is: 1-based line and column, and a
 * one-line message (without a prefix) in `msg`. Returns PIR_ENOMEM when the
 * parser failed for lack of memory, or said nothing (its loader does that
 * when an allocation fails), else 0.
 */
int pir_yaml_parser_error(const yaml_parser_t *p, const char *buf, size_t len, unsigned *line,
			  unsigned *column, char *msg, size_t msgsize);

/** The anchor an event defines, or NULL. */
const char *pir_yaml_event_anchor(const yaml_event_t *ev);

/*
 * The limits every YAML input of pirscan is held to, whoever reads it (the
 * action-items loader and the configuration loader share them).
 */
/** Collections nested deeper than this are refused (counting through aliases
 * where a loader measures them). */
#define PIR_YAML_MAX_DEPTH 100
/** Anchors allowed in one document. */
#define PIR_YAML_MAX_ANCHORS 1000
/** Values echoed in messages are cut to this many bytes. */
#define PIR_YAML_ECHO_MAX 60

/**
 * What the preflight found: how many documents ended before it stopped, and
 * whether the one after them is refused, where and why (a one-line reason
 * without a prefix or a consequence). When nothing is refused, the stream
 * ended or a syntax error stopped it, which the loader will report.
 */
typedef struct {
	size_t ndocs;
	bool refused;
	yaml_mark_t mark;
	const char *why;
} pir_yaml_preflight;

/**
 * Walk the event stream before loading it: libyaml's scanner is quadratic in
 * flow nesting and its loader in the number of anchors, so a document with
 * collections nested deeper than PIR_YAML_MAX_DEPTH or more than
 * PIR_YAML_MAX_ANCHORS anchors is refused, and the walk stops there.
 * Returns 0 (see `pf`) or PIR_ENOMEM (with its message set).
 */
int pir_yaml_preflight_run(pir_yaml_preflight *pf, const char *buf, size_t len);
/**
 * Whether the preflight could refuse `buf` for its flow nesting or anchors:
 * false when it holds no '&' and at most PIR_YAML_MAX_DEPTH '[' and '{'
 * bytes. Block collections nested too deep are not seen by this test; a
 * caller that skips the preflight on it must bound them itself.
 */
bool pir_yaml_preflight_needed(const char *buf, size_t len);
/**
 * Append `s` (`len` bytes) for a one-line message: cut at PIR_YAML_ECHO_MAX
 * bytes on a character boundary (and at an embedded NUL), "..." after a cut
 * value, control characters escaped. 0 or PIR_ENOMEM.
 */
int pir_yaml_put_echo(pir_buf *out, const char *s, size_t len);

#endif
