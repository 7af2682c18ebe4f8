/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "pirscan/common.h"

void *pir_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		pir_error_oom();
	return p;
}

void *pir_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		pir_error_oom();
	return p;
}

void *pir_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		pir_error_oom();
	return q;
}

char *pir_strndup(const char *s, size_t n)
{
	char *d = pir_malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *pir_strdup(const char *s)
{
	return s ? pir_strndup(s, strlen(s)) : NULL;
}

char *pir_sprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = pir_malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int pir_grow(void **arr, size_t *cap, size_t want, size_t size)
{
	size_t ncap;
	void *p;

	if (want <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < want)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return pir_error_oom();
	if (!(p = pir_realloc(*arr, ncap * size)))
		return PIR_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

void pir_buf_dispose(pir_buf *buf)
{
	if (!buf)
		return;
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

int pir_buf_grow(pir_buf *buf, size_t extra)
{
	size_t want = buf->size + extra + 1;
	size_t n;
	char *p;

	if (want <= buf->asize)
		return 0;
	n = buf->asize ? buf->asize : 256;
	while (n < want)
		n *= 2;
	if (!(p = pir_realloc(buf->ptr, n)))
		return PIR_ENOMEM;
	buf->ptr = p;
	buf->asize = n;
	return 0;
}

int pir_buf_put(pir_buf *buf, const char *data, size_t len)
{
	if (pir_buf_grow(buf, len) < 0)
		return PIR_ENOMEM;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int pir_buf_puts(pir_buf *buf, const char *s)
{
	return pir_buf_put(buf, s, strlen(s));
}

int pir_buf_putc(pir_buf *buf, char c)
{
	return pir_buf_put(buf, &c, 1);
}

int pir_buf_printf(pir_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pir_error_set(PIR_ERROR, "format error");
	if (pir_buf_grow(buf, (size_t)n) < 0)
		return PIR_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool pir_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if (!(k = utf8_seq(p + i, len - i)))
			return false;
		i += k;
	}
	return true;
}

int pir_buf_json_str(pir_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, k;
	int err = 0;

	if (!s)
		return pir_buf_puts(buf, "null");
	len = strlen(s);
	if ((err = pir_buf_grow(buf, len + 2)) < 0)
		return err;
	err = pir_buf_putc(buf, '"');
	while (!err && i < len) {
		unsigned char c = p[i];
		const char *esc = NULL;

		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			break;
		}
		if (esc) {
			err = pir_buf_puts(buf, esc);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			err = pir_buf_printf(buf, "\\u%04x", c);
			i++;
		} else if (!(k = utf8_seq(p + i, len - i))) {
			err = pir_buf_puts(buf, "\xef\xbf\xbd");
			i++;
		} else if (k == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			/* U+2028/2029 break JavaScript string literals */
			err = pir_buf_printf(buf, "\\u%04x", p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			i += k;
		} else {
			err = pir_buf_put(buf, s + i, k);
			i += k;
		}
	}
	return err ? err : pir_buf_putc(buf, '"');
}

int pir_buf_csv_field(pir_buf *buf, const char *s)
{
	int err = 0;

	if (!s)
		return 0;
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' '))
		return pir_buf_puts(buf, s);
	err = pir_buf_putc(buf, '"');
	for (; !err && *s; s++)
		err = *s == '"' ? pir_buf_puts(buf, "\"\"") : pir_buf_putc(buf, *s);
	return err ? err : pir_buf_putc(buf, '"');
}

int pir_buf_term_str(pir_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, k;
	int err = 0;

	if (!s)
		return 0;
	len = strlen(s);
	while (!err && i < len) {
		unsigned char c = p[i];

		if (c == '\t') {
			err = pir_buf_putc(buf, ' ');
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			err = pir_buf_printf(buf, "\\x%02x", c);
			i++;
		} else if (!(k = utf8_seq(p + i, len - i))) {
			err = pir_buf_printf(buf, "\\x%02x", c);
			i++;
		} else if (k == 2 && c == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			/* C1 controls (CSI is U+009B) */
			err = pir_buf_printf(buf, "\\u%04x", p[i + 1]);
			i += k;
		} else {
			err = pir_buf_put(buf, s + i, k);
			i += k;
		}
	}
	return err;
}

size_t pir_term_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, k, w = 0;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		unsigned char c = p[i];

		if (c == '\t') {
			w++;
			i++;
		} else if (c < 0x20 || c == 0x7f || !(k = utf8_seq(p + i, len - i))) {
			w += 4;
			i++;
		} else if (k == 2 && c == 0xc2 && p[i + 1] <= 0x9f) {
			w += 6;
			i += k;
		} else {
			/* East Asian wide ranges count double; good enough for a table. */
			if (k >= 3 && c >= 0xe1 && c <= 0xed && c != 0xe2)
				w += 2;
			else if (k == 4)
				w += 2;
			else
				w++;
			i += k;
		}
	}
	return w;
}

int pir_buf_xml_str(pir_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, k;
	int err = 0;

	if (!s)
		return 0;
	len = strlen(s);
	while (!err && i < len) {
		unsigned char c = p[i];
		const char *esc = NULL;

		switch (c) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '"':
			esc = "&quot;";
			break;
		case '\'':
			esc = "&apos;";
			break;
		case '\n':
			esc = "&#10;";
			break;
		case '\r':
			esc = "&#13;";
			break;
		case '\t':
			esc = "&#9;";
			break;
		default:
			break;
		}
		if (esc) {
			err = pir_buf_puts(buf, esc);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			i++; /* not allowed in XML 1.0, even as a reference */
		} else if (!(k = utf8_seq(p + i, len - i))) {
			err = pir_buf_puts(buf, "\xef\xbf\xbd");
			i++;
		} else if (k == 3 && p[i] == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe) {
			i += k; /* U+FFFE and U+FFFF are not characters */
		} else {
			err = pir_buf_put(buf, s + i, k);
			i += k;
		}
	}
	return err;
}

int pir_buf_md_str(pir_buf *buf, const char *s)
{
	int err = 0;

	if (!s)
		return 0;
	for (; *s && !err; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n' || ch == '\r' || ch == '\t')
			err = pir_buf_putc(buf, ' ');
		else if (ch < 0x20 || ch == 0x7f)
			continue;
		else if (ch == '<')
			err = pir_buf_puts(buf, "&lt;");
		else if (ch == '>')
			err = pir_buf_puts(buf, "&gt;");
		else if (ch == '&')
			err = pir_buf_puts(buf, "&amp;");
		else if (strchr("\\`*_{}[]()#!|~",
				ch)) { /* never at a line start: - . + are safe */
			err = pir_buf_putc(buf, '\\');
			if (!err)
				err = pir_buf_putc(buf, (char)ch);
		} else
			err = pir_buf_putc(buf, (char)ch);
	}
	return err;
}
