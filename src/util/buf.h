/* SPDX-License-Identifier: MIT */
/* Growable buffers (pir_buf, public in pirscan/common.h) and escaping for each output (buf.c). */
#ifndef PIRSCAN_UTIL_BUF_H
#define PIRSCAN_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc.h"
#include "pirscan/common.h"

int pir_buf_grow(pir_buf *buf, size_t extra);
int pir_buf_put(pir_buf *buf, const char *data, size_t len);
int pir_buf_puts(pir_buf *buf, const char *s);
int pir_buf_putc(pir_buf *buf, char c);
int pir_buf_printf(pir_buf *buf, const char *fmt, ...) PIR_PRINTF(2, 3);
/** Append `s` as a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. NULL writes
 * null. */
int pir_buf_json_str(pir_buf *buf, const char *s);
/** Append `s` as one CSV field, quoted when needed (RFC 4180). */
int pir_buf_csv_field(pir_buf *buf, const char *s);
/** Append `s` for a terminal: control characters and escapes become visible escapes. */
int pir_buf_term_str(pir_buf *buf, const char *s);
/** Number of terminal columns `s` takes once written by pir_buf_term_str (UTF-8 aware,
 * approximate). */
size_t pir_term_width(const char *s);

/** Valid UTF-8? */
bool pir_utf8_valid(const char *s, size_t len);

/** Append `s` for XML text or attribute values; characters XML 1.0 forbids are dropped. */
int pir_buf_xml_str(pir_buf *buf, const char *s);

/** Append `s` as GitHub Markdown text on one line: the specials \`*_{}[]()#!|~ backslash-escaped,
 * < > & as entities, newlines and tabs as spaces, other control characters dropped. Not for the
 * start of a line (- . + are left alone). NULL writes nothing. */
int pir_buf_md_str(pir_buf *buf, const char *s);

#endif
