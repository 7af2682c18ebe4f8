/* SPDX-License-Identifier: MIT */
/*
 * Link templates (urltmpl.c): an http(s) URL with placeholders {repo},
 * {commit}, {path} and {line}, checked once, then expanded per location
 * with the substituted segments percent-encoded (RFC 3986: unreserved
 * characters and '/' kept). A checked template holds no character that
 * HTML, Markdown, Slack or JSON would need escaped inside a link, except
 * '&' (HTML and Slack escape it).
 */
#ifndef PIRSCAN_UTIL_URLTMPL_H
#define PIRSCAN_UTIL_URLTMPL_H

#include <stddef.h>

#include "pirscan/common.h"

/*
 * 0 when `t` is a template: http:// or https://, a host, no space, control
 * or any of "'<>\^`|()[] outside placeholders, braces only around a known
 * placeholder. PIR_EINVALID otherwise, with pir_error_last() saying why in
 * one line (the unknown placeholder quoted, cut to 40 bytes).
 */
int pir_urltmpl_check(const char *t);

/* Append `s` percent-encoded, keeping [A-Za-z0-9-._~] and, with keep_slash, '/'. */
int pir_url_escape(pir_buf *out, const char *s, int keep_slash);

/* Append the expansion of a checked template; `commit` and `path` may be NULL (then empty). */
int pir_urltmpl_expand(pir_buf *out, const char *t, const char *repo, const char *commit,
		       const char *path, unsigned line);

/*
 * Append the repository's own URL: the template up to the end of {repo}
 * (else up to the first placeholder, without trailing '/'), expanded.
 */
int pir_urltmpl_repository(pir_buf *out, const char *t, const char *repo);

#endif
