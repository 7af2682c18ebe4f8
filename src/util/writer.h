/* SPDX-License-Identifier: MIT */
/*
 * The one writer of every output (writer.c): appends to a pir_buf and keeps
 * the first error, so a writer checks once at the end. Nothing is ever
 * truncated: pir_out_putf formats whatever the length.
 */
#ifndef PIRSCAN_UTIL_WRITER_H
#define PIRSCAN_UTIL_WRITER_H

#include <stddef.h>

#include "alloc.h"
#include "pirscan/common.h"

typedef struct {
	pir_buf *b;
	int err; /* the first error; once set, nothing more is written */
} pir_out;

void pir_out_put(pir_out *o, const char *s);
void pir_out_putn(pir_out *o, const char *s, size_t n);
/* printf into the output, whatever the length: names from the configuration can be long. */
void pir_out_putf(pir_out *o, const char *fmt, ...) PIR_PRINTF(2, 3);
/* `s` as a JSON string literal, as XML text, for a terminal, as Markdown text (buf.h's
 * escapers). */
void pir_out_json(pir_out *o, const char *s);
void pir_out_xml(pir_out *o, const char *s);
void pir_out_term(pir_out *o, const char *s);
void pir_out_md(pir_out *o, const char *s);

#endif
