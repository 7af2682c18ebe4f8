/* SPDX-License-Identifier: MIT */
/* libyaml helpers shared by the action-items loader and the configuration loader. */
#ifndef PIRSCAN_YAML_UTIL_H
#define PIRSCAN_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

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
 * repeat after the first. 0 or PIR_ENOMEM.
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

#endif
