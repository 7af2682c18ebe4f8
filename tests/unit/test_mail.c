/* SPDX-License-Identifier: MIT */
/* Messages (quoted-printable, RFC 2047, injection), the mbox writer and sendmail. */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pirscan/mail.h"
#include "pirscan/pirscan.h"
#include "test.h"

/* ---- a small reader of what the writer produced ---- */

/* Every line ends in CRLF, has no other CR or LF, and is at most `max` bytes. */
static bool lines_ok(const char *m, size_t n, size_t max)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r'))
			return fprintf(stderr, "bare LF at %zu\n", i), false;
		if (m[i] == '\r' && (i + 1 == n || m[i + 1] != '\n'))
			return fprintf(stderr, "bare CR at %zu\n", i), false;
		if (m[i] == '\n') {
			if (i - 1 - start > max)
				return fprintf(stderr, "line of %zu bytes at %zu\n", i - 1 - start,
					       start),
				       false;
			start = i + 1;
		}
	}
	return start == n || (fprintf(stderr, "no CRLF at the end\n"), false);
}

static size_t header_end(const char *m)
{
	const char *e = strstr(m, "\r\n\r\n");
	return e ? (size_t)(e - m) + 2 : 0;
}

/* Unfolded value of the first header `name` (malloc'd), or NULL. */
static char *header(const char *m, const char *name)
{
	size_t end = header_end(m), n = strlen(name);
	char *v;
	size_t k = 0;

	for (size_t i = 0; i < end; i = (size_t)(strstr(m + i, "\r\n") - m) + 2) {
		if (!strncasecmp(m + i, name, n) && m[i + n] == ':') {
			const char *p = m + i + n + 1;
			v = malloc(end - i);
			while (*p == ' ')
				p++;
			for (; p < m + end; p++) {
				if (p[0] == '\r' && p[1] == '\n') {
					if (p[2] != ' ' && p[2] != '\t')
						break;
					p++;
					continue;
				}
				v[k++] = *p;
			}
			v[k] = '\0';
			return v;
		}
	}
	return NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode quoted-printable with CRLF lines into LF lines. */
static char *qp_decode(const char *s, size_t n, size_t *outlen)
{
	char *o = malloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			o[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			o[k++] = '\n';
			i++;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static int b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(t, c) : NULL;
	return p ? (int)(p - t) : -1;
}

/* Decode an unfolded header value's encoded words (UTF-8 Q and B); each word at most 75. */
static char *decode_2047(const char *v, bool *words_ok)
{
	char *o = malloc(strlen(v) * 3 + 1);
	size_t k = 0;
	bool last_word = false;

	*words_ok = true;
	for (const char *p = v; *p;) {
		const char *q = p;
		while (*q == ' ')
			q++;
		if (!strncmp(q, "=?UTF-8?", 8) && (q[8] == 'Q' || q[8] == 'B') && q[9] == '?') {
			const char *end = strstr(q + 10, "?=");
			char enc = q[8];
			if (!end)
				break;
			if (end + 2 - q > 75)
				*words_ok = false;
			if (!last_word)
				for (const char *s = p; s < q; s++)
					o[k++] = ' ';
			if (enc == 'Q') {
				for (const char *s = q + 10; s < end; s++) {
					if (*s == '_')
						o[k++] = ' ';
					else if (*s == '=')
						o[k++] = (char)(hexval(s[1]) * 16 + hexval(s[2])),
						s += 2;
					else
						o[k++] = *s;
				}
			} else {
				unsigned acc = 0, bits = 0;
				for (const char *s = q + 10; s < end && *s != '='; s++) {
					acc = acc << 6 | (unsigned)b64val(*s);
					bits += 6;
					if (bits >= 8) {
						bits -= 8;
						o[k++] = (char)(acc >> bits & 0xff);
					}
				}
			}
			p = end + 2;
			last_word = true;
		} else {
			last_word = false;
			o[k++] = *p++;
		}
	}
	o[k] = '\0';
	return o;
}

static char *compose(const char *subject, const char *text, const char *html)
{
	static const char *const to[] = {"team@example.com", NULL};
	pir_mail_message m = PIR_MAIL_MESSAGE_INIT;
	pir_buf b = PIR_BUF_INIT;
	char *s;

	m.from = "pirscan <pirscan@example.com>";
	m.to = to;
	m.subject = subject;
	m.date = 1795305600; /* 2026-11-22 00:00:00 UTC */
	m.message_id = "pirscan.test@example.com";
	m.text = text;
	m.text_len = strlen(text);
	m.html = html;
	m.html_len = html ? strlen(html) : 0;
	CHECK_INT(pir_mail_compose(&b, &m), 0);
	if (b.ptr)
		CHECK(lines_ok(b.ptr, b.size, 998));
	s = b.ptr ? strdup(b.ptr) : strdup("");
	pir_buf_dispose(&b);
	return s;
}

/* The encoded body of a text-only message, and its decoding. */
static char *body_of(const char *text, char **decoded)
{
	char *m = compose("s", text, NULL), *b;
	size_t n, h = header_end(m);

	b = strdup(m + h + 2);
	*decoded = qp_decode(b, strlen(b), &n);
	free(m);
	return b;
}

/* ---- tests ---- */

static void qp_case(const char *in, const char *want)
{
	char *dec, *enc = body_of(in, &dec);

	CHECK_STR(enc, want);
	CHECK(lines_ok(enc, strlen(enc), 76));
	free(enc);
	free(dec);
}

static void test_quoted_printable(void)
{
	char *dec, *enc;
	char line[400];

	qp_case("a=b\n", "a=3Db\r\n");
	qp_case("trailing  \n", "trailing =20\r\n");
	qp_case("tab\t\nend \t", "tab=09\r\nend =09\r\n");
	qp_case("caf\xc3\xa9\n", "caf=C3=A9\r\n");
	qp_case("a\r\nb\r\n", "a\r\nb\r\n");
	qp_case("a\rb\n", "a=0Db\r\n");
	qp_case("bell\x07 del\x7f\n", "bell=07 del=7F\r\n");
	qp_case("From me\nx From y\n", "=46rom me\r\nx From y\r\n");
	qp_case(".\n..x\n", "=2E\r\n=2E.x\r\n");
	qp_case("\n\n", "\r\n\r\n");
	qp_case("", "");

	/* 76 characters fit on a line; 77 need a soft break after 75 */
	memset(line, 'x', 76);
	strcpy(line + 76, "\n");
	enc = body_of(line, &dec);
	CHECK_INT(strlen(enc), 78);
	CHECK_STR(dec, line);
	free(enc);
	free(dec);
	memset(line, 'x', 77);
	strcpy(line + 77, "\n");
	enc = body_of(line, &dec);
	CHECK(!strncmp(enc + 75, "=\r\n", 3));
	CHECK_STR(dec, line);
	free(enc);
	free(dec);

	/* escapes are never split by a soft break, whatever the offset */
	for (int shift = 0; shift < 4; shift++) {
		size_t n = 0;
		for (int i = 0; i < shift; i++)
			line[n++] = 'y';
		for (int i = 0; i < 60; i++)
			line[n++] = (i % 3) ? '=' : 'z';
		memcpy(line + n, "\xe2\x82\xac end  \n", 10);
		line[n + 10] = '\0';
		enc = body_of(line, &dec);
		CHECK(lines_ok(enc, strlen(enc), 76));
		CHECK_STR(dec, line);
		for (char *p = enc; (p = strchr(p, '=')); p++)
			CHECK((p[1] == '\r' && p[2] == '\n') ||
			      (hexval(p[1]) >= 0 && hexval(p[2]) >= 0));
		free(enc);
		free(dec);
	}

	/* a long line with a space at a fold point keeps its space */
	for (int i = 0; i < 300; i++)
		line[i] = (i % 10 == 9) ? ' ' : 'a' + i % 26;
	strcpy(line + 300, "\n");
	enc = body_of(line, &dec);
	CHECK(lines_ok(enc, strlen(enc), 76));
	CHECK_STR(dec, line);
	free(enc);
	free(dec);
}

static void check_subject(const char *subject, const char *want_decoded)
{
	char *m = compose(subject, "t\n", NULL), *v, *d;
	bool words_ok;

	v = header(m, "Subject");
	CHECK(v != NULL);
	if (v) {
		d = decode_2047(v, &words_ok);
		CHECK_STR(d, want_decoded);
		CHECK(words_ok);
		free(d);
	}
	/* header lines: at most 76 (RFC 2047 asks it of lines with encoded words) */
	CHECK(lines_ok(m, header_end(m), 76));
	free(v);
	free(m);
}

static void test_subject(void)
{
	char long_ascii[400], long_utf8[600];
	size_t n = 0;

	check_subject("[pirscan] payments: 2 overdue, 1 due soon, 5 open (2026-11-22)",
		      "[pirscan] payments: 2 overdue, 1 due soon, 5 open (2026-11-22)");
	check_subject("[pirscan] Zahlungsverkehr: 2 \xc3\xbc"
		      "berf\xc3\xa4llig",
		      "[pirscan] Zahlungsverkehr: 2 \xc3\xbc"
		      "berf\xc3\xa4llig");
	check_subject("\xe6\x94\xaf\xe6\x89\x95\xe3\x81\x84: 2 overdue",
		      "\xe6\x94\xaf\xe6\x89\x95\xe3\x81\x84: 2 overdue");
	/* what looks like an encoded word is encoded, not passed through */
	check_subject("=?UTF-8?Q?hi?= there", "=?UTF-8?Q?hi?= there");
	check_subject("  spaced  out ", "  spaced  out ");
	for (int i = 0; i < 30; i++)
		n += (size_t)sprintf(long_ascii + n, "word%d ", i);
	long_ascii[n - 1] = '\0';
	check_subject(long_ascii, long_ascii);
	memset(long_ascii, 'q', 200);
	long_ascii[200] = '\0';
	check_subject(long_ascii, long_ascii);
	n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(long_utf8 + n, "\xe2\x82\xac%c", 'a' + i % 26);
	check_subject(long_utf8, long_utf8);
	/* invalid UTF-8 and control characters become U+FFFD */
	check_subject("bad \xff byte", "bad \xef\xbf\xbd byte");
}

static bool has_line(const char *m, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!strncasecmp(m, prefix, n))
		return true;
	for (const char *p = m; (p = strstr(p, "\r\n")); p += 2)
		if (!strncasecmp(p + 2, prefix, n))
			return true;
	return false;
}

static int compose_rc(const char *from, const char *to0, const char *id)
{
	const char *to[] = {to0, NULL};
	pir_mail_message m = PIR_MAIL_MESSAGE_INIT;
	pir_buf b = PIR_BUF_INIT;
	int rc;

	m.from = from;
	m.to = to;
	m.subject = "s";
	m.message_id = id;
	m.text = "t";
	m.text_len = 1;
	rc = pir_mail_compose(&b, &m);
	if (rc == 0)
		CHECK(lines_ok(b.ptr, b.size, 998));
	else
		CHECK_INT(b.size, 0); /* nothing written on an error */
	pir_buf_dispose(&b);
	return rc;
}

static void test_injection(void)
{
	char *m, *v, *d;
	bool ok;

	m = compose("x\r\nBcc: evil@x", "t\n", NULL);
	CHECK(!has_line(m, "Bcc:"));
	v = header(m, "Subject");
	d = v ? decode_2047(v, &ok) : NULL;
	CHECK_STR(d, "x\xef\xbf\xbd\xef\xbf\xbd"
		     "Bcc: evil@x");
	free(v);
	free(d);
	free(m);
	m = compose("x\nTo: evil@x\rCc: e@x\x0b", "t\n", NULL);
	CHECK(!has_line(m, "To: evil"));
	CHECK(!has_line(m, "Cc:"));
	free(m);

	CHECK_INT(compose_rc("a@example.com", "team@example.com", NULL), 0);
	CHECK_INT(compose_rc("a@example.com", "t@example.com\r\nBcc: evil@x", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com\r\nBcc: evil@x", "t@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("Bob\r\nBcc: e@x <a@example.com>", "t@example.com", NULL),
		  PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "t@example.com", "id@x\r\nBcc: e@x"), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "t@example.com", "no-at-sign"), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "not-an-address", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "two@at@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "sp ace@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "a..b@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "x@exa_mple..com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "\xc3\xa9@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("A <a@example.com> trailing", "t@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("A <a@example.com", "t@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("", "t@example.com", NULL), PIR_EINVALID);
	CHECK_INT(compose_rc("a@example.com", "ops+pir@[192.0.2.1]", NULL), 0);
	CHECK_INT(compose_rc("\"Ops, Team\" <ops@example.com>", "t@example.com", NULL), 0);
	CHECK_INT(compose_rc("J\xc3\xb6rg <j@example.com>", "t@example.com", NULL), 0);
}

static void test_addresses(void)
{
	static const char *const to[] = {"J. Doe <j@example.com>", "J\xc3\xb6rg <jo@example.com>",
					 "plain@example.com", NULL};
	pir_mail_message m = PIR_MAIL_MESSAGE_INIT;
	pir_buf b = PIR_BUF_INIT;
	char *v, *d;
	bool ok;

	CHECK_INT(pir_mail_address(&b, "pirscan <pirscan@example.com>"), 0);
	CHECK_STR(b.ptr, "pirscan@example.com");
	b.size = 0;
	CHECK_INT(pir_mail_address(&b, "  a@b.example  "), 0);
	CHECK_STR(b.ptr, "a@b.example");
	CHECK_INT(pir_mail_address(&b, "a\n@b"), PIR_EINVALID);
	CHECK(pir_error_last() && strstr(pir_error_last(), "control character"));
	pir_buf_dispose(&b);

	m.from = "pirscan <pirscan@example.com>";
	m.to = to;
	m.subject = "s";
	m.text = "t\n";
	m.text_len = 2;
	CHECK_INT(pir_mail_compose(&b, &m), 0);
	if (!b.ptr)
		return;
	v = header(b.ptr, "From");
	CHECK_STR(v, "pirscan <pirscan@example.com>");
	free(v);
	v = header(b.ptr, "To");
	d = v ? decode_2047(v, &ok) : NULL;
	CHECK_STR(d, "\"J. Doe\" <j@example.com>, J\xc3\xb6rg <jo@example.com>, plain@example.com");
	free(v);
	free(d);
	v = header(b.ptr, "Date");
	CHECK_STR(v, "Thu, 01 Jan 1970 00:00:00 +0000");
	free(v);
	CHECK(!has_line(b.ptr, "Message-ID:"));
	v = header(b.ptr, "Content-Type");
	CHECK_STR(v, "text/plain; charset=UTF-8");
	free(v);
	pir_buf_dispose(&b);
}

static void test_multipart(void)
{
	/* text that mimics a boundary and the MIME structure */
	char *m = compose("s", "--=_pirscan_0000000000000000\n--\nContent-Type: text/evil\n\n",
			  "<p>x</p>\n--=_pirscan_\n");
	char *ct = header(m, "Content-Type"), *bd, delim[100];
	size_t count = 0;

	CHECK(ct && !strncmp(ct, "multipart/alternative;", 22));
	bd = ct ? strstr(ct, "boundary=\"") : NULL;
	CHECK(bd != NULL);
	if (bd) {
		char *end = strchr(bd + 10, '"');
		*end = '\0';
		snprintf(delim, sizeof(delim), "\r\n--%s", bd + 10);
		for (const char *p = m; (p = strstr(p, delim)); p++)
			count++;
		CHECK_INT(count, 3); /* two parts, the closing delimiter */
		strcat(delim, "--\r\n");
		CHECK(strlen(m) >= strlen(delim) && !strcmp(m + strlen(m) - strlen(delim), delim));
	}
	CHECK(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n") != NULL);
	CHECK(strstr(m, "Content-Type: text/html; charset=UTF-8\r\n"
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n") != NULL);
	CHECK(has_line(m, "MIME-Version: 1.0\r\n"));
	CHECK(has_line(m, "Message-ID: <pirscan.test@example.com>\r\n"));
	CHECK(has_line(m, "Date: Sun, 22 Nov 2026 00:00:00 +0000\r\n"));
	/* the look-alike stays text of the first part */
	{
		const char *p = strstr(m, "--\r\nContent-Type: text/evil\r\n");
		const char *html = strstr(m, "Content-Type: text/html");
		CHECK(p && html && p < html);
	}
	free(ct);
	free(m);
}

static void test_mbox(void)
{
	const char *msg = "From: a@b\r\nSubject: s\r\n\r\nFrom here\r\n>From there\r\nok\r\n";
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_mail_mbox_append(&b, msg, strlen(msg), 1795305600), 0);
	CHECK_STR(b.ptr, "From pirscan@localhost Sun Nov 22 00:00:00 2026\n"
			 "From: a@b\nSubject: s\n\n>From here\n>>From there\nok\n\n");
	b.size = 0;
	CHECK_INT(pir_mail_mbox_append(&b, "x", 1, 1794700800), 0);
	CHECK_STR(b.ptr, "From pirscan@localhost Sun Nov 15 00:00:00 2026\nx\n\n");
	pir_buf_dispose(&b);
}

static void write_script(const char *path, const char *body)
{
	CHECK(test_write_file(path, body, strlen(body)));
	chmod(path, 0755);
}

/* A display name of one 1200-byte word: every header line stays short. */
static void test_long_display_name(void)
{
	static const char *const to[] = {"team@example.com", NULL};
	pir_mail_message m = PIR_MAIL_MESSAGE_INIT;
	pir_buf b = PIR_BUF_INIT;
	char from[1300];

	memset(from, 'a', 1200);
	snprintf(from + 1200, sizeof(from) - 1200, " <p@example.com>");
	m.from = from;
	m.to = to;
	m.subject = "s";
	m.date = 1795305600;
	m.message_id = "pirscan.test@example.com";
	m.text = "t";
	m.text_len = 1;
	CHECK_INT(pir_mail_compose(&b, &m), 0);
	if (b.ptr)
		CHECK(lines_ok(b.ptr, b.size, 78));
	pir_buf_dispose(&b);
}

static void test_sendmail(void)
{
	char dir[] = "/tmp/pirscan-mail-XXXXXX", path[256], out[256], args[256], script[1024];
	const char *msg = "To: t@example.com\r\nSubject: s\r\n\r\nline\r\n.\r\nlast\r\n";
	char *got, *big;

	if (!mkdtemp(dir)) {
		CHECK(false);
		return;
	}
	snprintf(path, sizeof(path), "%s/sendmail", dir);
	snprintf(out, sizeof(out), "%s/message", dir);
	snprintf(args, sizeof(args), "%s/args", dir);
	snprintf(script, sizeof(script), "#!/bin/sh\necho \"$@\" > '%s'\ncat > '%s'\n", args, out);
	write_script(path, script);
	CHECK_INT(pir_mail_send_sendmail(path, msg, strlen(msg)), 0);
	got = test_read_file(out, NULL);
	CHECK_STR(got, "To: t@example.com\nSubject: s\n\nline\n.\nlast\n");
	free(got);
	got = test_read_file(args, NULL);
	CHECK_STR(got, "-t -oi\n");
	free(got);

	/* a failing sendmail, one that reads nothing, one that is not there */
	write_script(path, "#!/bin/sh\ncat >/dev/null\nexit 3\n");
	CHECK_INT(pir_mail_send_sendmail(path, msg, strlen(msg)), PIR_ERROR);
	CHECK(pir_error_last() && strstr(pir_error_last(), "status 3"));
	write_script(path, "#!/bin/sh\nexit 0\n");
	big = malloc(4 << 20);
	memset(big, 'x', 4 << 20);
	CHECK_INT(pir_mail_send_sendmail(path, big, 4 << 20), PIR_ERROR);
	CHECK(pir_error_last() && strstr(pir_error_last(), "did not read"));
	free(big);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK_INT(pir_mail_send_sendmail(path, msg, strlen(msg)), PIR_ERROR);
	CHECK(pir_error_last() && strstr(pir_error_last(), "cannot run"));

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_INT(system(path), 0);
}

static void test_smtp_arguments(void)
{
	static const char *const rcpt[] = {"t@example.com", NULL};
	static const char *const bad_rcpt[] = {"t@example.com>\r\nDATA", NULL};
	pir_smtp_options o = PIR_SMTP_OPTIONS_INIT;

	o.url = "http://example.com";
	CHECK_INT(pir_mail_send_smtp(&o, "a@example.com", rcpt, "x", 1), PIR_EINVALID);
	o.url = "smtp://user:secret@example.com";
	CHECK_INT(pir_mail_send_smtp(&o, "a@example.com", rcpt, "x", 1), PIR_EINVALID);
	CHECK(pir_error_last() && !strstr(pir_error_last(), "secret"));
	o.url = "smtp://127.0.0.1:1";
	CHECK_INT(pir_mail_send_smtp(&o, "a@example.com", bad_rcpt, "x", 1), PIR_EINVALID);
	CHECK_INT(pir_mail_send_smtp(&o, "a@example.com\r\nRSET", rcpt, "x", 1), PIR_EINVALID);
	/* nothing listens on port 1: curl's message comes back */
	o.timeout_seconds = 5;
	CHECK_INT(pir_mail_send_smtp(&o, "a@example.com", rcpt, "x", 1), PIR_ERROR);
	CHECK(pir_error_last() && strstr(pir_error_last(), "127.0.0.1:1"));
}

/* ---- a real report: the fixtures and their .pirscan.yml (teams) ---- */

static void test_report_email(void)
{
	static const char *const repos[] = {"svc", "postmortems"};
	static const char *const override[] = {"me@example.com", NULL};
	pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_report_options ro = PIR_REPORT_OPTIONS_INIT;
	pir_mail_options mo = PIR_MAIL_OPTIONS_INIT;
	pir_config *cfg = NULL;
	pir_buf errors = PIR_BUF_INIT, a = PIR_BUF_INIT, b = PIR_BUF_INIT;
	pir_scan *s = NULL;
	pir_report *r = NULL;
	char path[4096];
	size_t with_email = 0, without = 0;

	snprintf(path, sizeof(path), "%s/svc", FIXTURES);
	CHECK_INT(pir_config_load_from_repository(&cfg, path, NULL, &errors), 0);
	o.teams_from = cfg;
	pir_date_parse(&o.as_of, "2026-11-22", 10);
	CHECK_INT(pir_scan_new(&s, &o), 0);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, repos[i]);
		CHECK_INT(pir_scan_add_repository(s, path), 0);
	}
	CHECK_INT(pir_scan_run(s), 0);
	CHECK_INT(pir_report_new(&r, s, &ro), 0);
	mo.from = "pirscan <pirscan@example.com>";
	mo.date = 1795327200; /* 2026-11-22 06:00 UTC */
	for (size_t i = 0; r && i < pir_report_group_count(r); i++) {
		const pir_report_group *g = pir_report_group_at(r, i);
		char want[256], *v, *d, *body;
		bool ok;
		size_t h, n;

		a.size = b.size = 0;
		if (!g->email) {
			without++;
			CHECK_INT(pir_report_write_email(&a, r, i, &mo), PIR_EINVALID);
			CHECK(pir_error_last() && strstr(pir_error_last(), g->name));
			continue;
		}
		with_email++;
		CHECK_INT(pir_report_write_email(&a, r, i, &mo), 0);
		CHECK_INT(pir_report_write_email(&b, r, i, &mo), 0);
		if (!a.ptr)
			continue;
		CHECK(a.size == b.size && !memcmp(a.ptr, b.ptr, a.size)); /* deterministic */
		CHECK(lines_ok(a.ptr, a.size, 998));
		CHECK(lines_ok(a.ptr, header_end(a.ptr), 76));
		snprintf(want, sizeof(want),
			 "[pirscan] %s: %zu overdue, %zu due soon, %zu open (2026-11-22)", g->name,
			 g->noverdue, g->ndue_soon, g->nopen);
		v = header(a.ptr, "Subject");
		d = v ? decode_2047(v, &ok) : NULL;
		CHECK_STR(d, want);
		free(v);
		free(d);
		v = header(a.ptr, "To");
		CHECK_STR(v, g->email[0]);
		free(v);
		v = header(a.ptr, "Message-ID");
		CHECK(v && !strncmp(v, "<pirscan.20261122.", 18) && strstr(v, "@example.com>"));
		free(v);
		/* the text part decodes to exactly what pir_report_write gives */
		h = header_end(a.ptr);
		body = strstr(a.ptr + h, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		if (body) {
			pir_buf text = PIR_BUF_INIT;
			char *end, *dec;
			body += 47;
			end = strstr(body, "\r\n--=_pirscan_");
			dec = end ? qp_decode(body, (size_t)(end - body), &n) : NULL;
			CHECK_INT(pir_report_write(&text, r, i, PIR_REPORT_TEXT), 0);
			CHECK_STR(dec, text.ptr ? text.ptr : "");
			free(dec);
			pir_buf_dispose(&text);
		}
		if (!strcmp(g->name, "payments"))
			CHECK(strstr(a.ptr, "PIR-2026-01-04-001") != NULL);
	}
	CHECK(with_email >= 2);
	CHECK(without >= 1); /* unassigned */

	/* explicit recipients, a Message-ID domain, a bad sender */
	a.size = 0;
	mo.to = override;
	mo.message_id_domain = "reports.example.org";
	CHECK_INT(pir_report_write_email(&a, r, pir_report_group_count(r) - 1, &mo), 0);
	CHECK(a.ptr && has_line(a.ptr, "To: me@example.com\r\n"));
	CHECK(a.ptr && strstr(a.ptr, "@reports.example.org>\r\n"));
	a.size = 0;
	mo.from = "nobody";
	CHECK_INT(pir_report_write_email(&a, r, 0, &mo), PIR_EINVALID);
	mo.from = NULL;
	CHECK_INT(pir_report_write_email(&a, r, 0, &mo), PIR_EINVALID);
	CHECK_INT(pir_report_write_email(&a, r, 9999, &mo), PIR_EINVALID);

	pir_buf_dispose(&a);
	pir_buf_dispose(&b);
	pir_buf_dispose(&errors);
	pir_report_free(r);
	pir_scan_free(s);
	pir_config_free(cfg);
}

int main(void)
{
	RUN(test_quoted_printable);
	RUN(test_subject);
	RUN(test_injection);
	RUN(test_addresses);
	RUN(test_multipart);
	RUN(test_mbox);
	RUN(test_long_display_name);
	RUN(test_sendmail);
	RUN(test_smtp_arguments);
	RUN(test_report_email);
	return test_summary();
}
