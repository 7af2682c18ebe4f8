/* SPDX-License-Identifier: MIT */
/* URLs of repository lists: which pirscan mirrors, without their credentials, and where. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "fleet.h"

static const char *const schemes[] = {"file", "git", "https", "ssh", NULL};

/* The length of "SCHEME" in "SCHEME://...", or 0. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return strncmp(s + n, "://", 3) == 0 ? n : 0;
}

bool pir_fleet_is_url(const char *s)
{
	return scheme_len(s) > 0;
}

/* The parts of a URL: [authority, path); userinfo ends at the last '@' of the authority. */
typedef struct {
	size_t scheme;	       /* its length */
	const char *authority; /* after "://" */
	const char *host;      /* after the userinfo */
	const char *path;      /* from the first '/' after the authority, or the end */
} url_parts;

static void url_split(url_parts *u, const char *url)
{
	const char *at;

	u->scheme = scheme_len(url);
	u->authority = url + u->scheme + 3;
	u->path = u->authority + strcspn(u->authority, "/");
	u->host = u->authority;
	for (at = u->authority; at < u->path; at++)
		if (*at == '@')
			u->host = at + 1;
}

int pir_fleet_url_check(const char *url)
{
	url_parts u;
	size_t k;

	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return pir_error_set(PIR_EINVALID,
					     "a URL has no spaces or control characters");
	url_split(&u, url);
	for (k = 0; schemes[k]; k++)
		if (strlen(schemes[k]) == u.scheme && !strncmp(url, schemes[k], u.scheme))
			break;
	if (!schemes[k])
		return pir_error_set(PIR_EINVALID,
				     "unsupported URL scheme '%.*s' (expected file://, git://, "
				     "https:// or ssh://)",
				     (int)(u.scheme > 20 ? 20 : u.scheme), url);
	if (strcmp(schemes[k], "file") && (u.host == u.path || *u.host == ':'))
		return pir_error_set(PIR_EINVALID, "the URL names no host");
	if (!*u.path || !u.path[strspn(u.path, "/")])
		return pir_error_set(PIR_EINVALID, "the URL names no repository");
	return 0;
}

char *pir_fleet_url_redact(const char *url)
{
	url_parts u;
	size_t head;
	char *out;

	if (!pir_fleet_is_url(url))
		return pir_strdup(url);
	url_split(&u, url);
	head = (size_t)(u.authority - url);
	if (!(out = pir_malloc(strlen(url) + 1)))
		return NULL;
	memcpy(out, url, head);
	strcpy(out + head, u.host);
	return out;
}

/* One part of a mirror's path: [A-Za-z0-9._-] as is, others %XX; "." and ".." escaped. */
static int put_part(pir_buf *b, const char *s, size_t n)
{
	int err = 0;

	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return pir_buf_printf(b, "%s", n == 1 ? "%2E" : "%2E%2E");
	for (size_t i = 0; i < n && !err; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '.' || c == '_' || c == '-')
			err = pir_buf_putc(b, (char)tolower(c));
		else
			err = pir_buf_printf(b, "%%%02X", c);
	}
	return err;
}

char *pir_fleet_mirror_path(const char *mirrors, const char *url)
{
	pir_buf b = PIR_BUF_INIT;
	url_parts u;
	const char *p, *last = NULL;
	size_t lastn = 0;
	int err;

	url_split(&u, url);
	err = pir_buf_printf(&b, "%s/%.*s/", mirrors, (int)u.scheme, url);
	if (!err && u.host < u.path) {
		err = put_part(&b, u.host, (size_t)(u.path - u.host));
		err = err ? err : pir_buf_putc(&b, '/');
	}
	for (p = u.path; !err && *p;) {
		size_t n;
		p += strspn(p, "/");
		if (!(n = strcspn(p, "/")))
			break;
		if (last)
			err = pir_buf_putc(&b, '/');
		err = err ? err : put_part(&b, p, n);
		last = p;
		lastn = n;
		p += n;
	}
	if (!err && !(lastn > 4 && !memcmp(last + lastn - 4, ".git", 4)))
		err = pir_buf_puts(&b, ".git");
	if (err) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

/* A line's name before the common prefix goes: no "./" before, no '/' or ".git" after. */
static void trim_name(const char **s, size_t *n)
{
	while (*n >= 2 && (*s)[0] == '.' && (*s)[1] == '/') {
		*s += 2;
		*n -= 2;
		while (*n && (*s)[0] == '/') {
			(*s)++;
			(*n)--;
		}
	}
	while (*n && (*s)[*n - 1] == '/')
		(*n)--;
	if (*n > 4 && !memcmp(*s + *n - 4, ".git", 4))
		*n -= 4;
	while (*n && (*s)[*n - 1] == '/')
		(*n)--;
}

int pir_fleet_list_names(const char **out, const char *const *lines, size_t n, pir_arena *arena)
{
	size_t common = 0;
	const char *first = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *s = lines[i];
		size_t len = strlen(s), k = 0;
		trim_name(&s, &len);
		if (!first) {
			first = s;
			common = len;
			continue;
		}
		while (k < common && k < len && s[k] == first[k])
			k++;
		common = k;
	}
	while (common && first[common - 1] != '/')
		common--;
	for (size_t i = 0; i < n; i++) {
		const char *s = lines[i];
		size_t len = strlen(s);
		trim_name(&s, &len);
		s += common;
		len -= common;
		out[i] = NULL;
		if (!len || (len == 1 && s[0] == '.') || (len == 2 && !memcmp(s, "..", 2)))
			continue;
		if (!(out[i] = pir_arena_strndup(arena, s, len)))
			return PIR_ENOMEM;
	}
	return 0;
}
