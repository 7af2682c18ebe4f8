/* SPDX-License-Identifier: MIT */
/* Link templates: checked once, expanded per location with percent-encoded segments. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "urltmpl.h"

static const char *const placeholders[] = {"repo", "commit", "path", "line"};
enum { P_REPO, P_COMMIT, P_PATH, P_LINE, P_COUNT };

/* The placeholder `{name}` at `s` (s[0] == '{'): its index and length, or -1. */
static int placeholder_at(const char *s, size_t *len)
{
	for (int i = 0; i < P_COUNT; i++) {
		size_t n = strlen(placeholders[i]);

		if (!strncmp(s + 1, placeholders[i], n) && s[n + 1] == '}') {
			*len = n + 2;
			return i;
		}
	}
	return -1;
}

static int bad_char(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr("\"'<>\\^`|()[]", c) != NULL;
}

int pir_urltmpl_check(const char *t)
{
	const char *host;
	size_t n;

	if (!t || (strncasecmp(t, "https://", 8) && strncasecmp(t, "http://", 7)))
		return pir_error_set(PIR_EINVALID, "must start with https:// or http://");
	host = t + (t[4] == ':' ? 7 : 8);
	if (!*host || *host == '/' || *host == '{')
		return pir_error_set(PIR_EINVALID, "has no host after the scheme");
	for (const char *p = t; *p; p++) {
		if (*p == '{') {
			if (placeholder_at(p, &n) < 0) {
				size_t len = strcspn(p + 1, "}");
				return pir_error_set(
				    PIR_EINVALID,
				    "unknown placeholder '{%.*s%s' (expected {repo}, {commit}, "
				    "{path} or {line})",
				    len > 40 ? 40 : (int)len, p + 1, p[len + 1] == '}' ? "}" : "");
			}
			p += n - 1;
		} else if (*p == '}') {
			return pir_error_set(PIR_EINVALID, "has a '}' without its '{'");
		} else if (bad_char((unsigned char)*p)) {
			return pir_error_set(PIR_EINVALID,
					     "has a space, a control character or one of "
					     "\"'<>\\^`|()[] (percent-encode it)");
		}
	}
	return 0;
}

int pir_url_escape(pir_buf *out, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && !err; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
		    (keep_slash && *p == '/')) {
			err = pir_buf_putc(out, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			err = pir_buf_put(out, e, 3);
		}
	}
	return err;
}

/* Expand the first `end` bytes of a checked template. */
static int expand(pir_buf *out, const char *t, size_t end, const char *repo, const char *commit,
		  const char *path, unsigned line)
{
	int err = 0;
	size_t i = 0, n;

	while (i < end && !err) {
		int k = t[i] == '{' ? placeholder_at(t + i, &n) : -1;

		if (k < 0) {
			err = pir_buf_putc(out, t[i++]);
			continue;
		}
		if (k == P_REPO)
			err = pir_url_escape(out, repo, 1);
		else if (k == P_COMMIT)
			err = pir_url_escape(out, commit, 0);
		else if (k == P_PATH)
			err = pir_url_escape(out, path, 1);
		else
			err = pir_buf_printf(out, "%u", line);
		i += n;
	}
	return err;
}

int pir_urltmpl_expand(pir_buf *out, const char *t, const char *repo, const char *commit,
		       const char *path, unsigned line)
{
	return expand(out, t, strlen(t), repo, commit, path, line);
}

int pir_urltmpl_repository(pir_buf *out, const char *t, const char *repo)
{
	const char *r = strstr(t, "{repo}");
	size_t end = r ? (size_t)(r - t) + 6 : strcspn(t, "{");

	while (!r && end > 8 && t[end - 1] == '/')
		end--;
	return expand(out, t, end, repo, NULL, NULL, 0);
}
