/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "error.h"
#include "writer.h"

void pir_out_put(pir_out *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_puts(o->b, s);
}

void pir_out_putn(pir_out *o, const char *s, size_t n)
{
	if (!o->err)
		o->err = pir_buf_put(o->b, s, n);
}

void pir_out_putf(pir_out *o, const char *fmt, ...)
{
	va_list ap, again;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		o->err = pir_error_set(PIR_ERROR, "format error");
	else if ((o->err = pir_buf_grow(o->b, (size_t)n)) == 0) {
		vsnprintf(o->b->ptr + o->b->size, (size_t)n + 1, fmt, again);
		o->b->size += (size_t)n;
	}
	va_end(again);
}

void pir_out_json(pir_out *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_json_str(o->b, s);
}

void pir_out_xml(pir_out *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_xml_str(o->b, s);
}

void pir_out_term(pir_out *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_term_str(o->b, s);
}

void pir_out_md(pir_out *o, const char *s)
{
	if (!o->err)
		o->err = pir_buf_md_str(o->b, s);
}
