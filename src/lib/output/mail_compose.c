/* SPDX-License-Identifier: MIT */
/*
 * The report by email: RFC 5322 messages (RFC 2045 quoted-printable bodies,
 * RFC 2047 subjects) and an mbox writer (deliver/ sends
 * them). Everything that ends up in a header line is
 * either validated (addresses, Message-ID) or encoded (subject, names), so
 * nothing from a repository or a configuration can start a header of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/mail.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"

/* Folded header lines stay within this; RFC 2047 asks 76 of lines with encoded words. */
#define LINE_MAX_HDR 76
/* An encoded word, "=?UTF-8?Q?...?=", is at most this long, so one fits after "Subject: ". */
#define WORD_MAX 66
#define WORD_OVERHEAD 12 /* "=?UTF-8?Q?" and "?=" */
#define QP_LINE 76

static const char hex[] = "0123456789ABCDEF";

/* ---- characters ---- */

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Length of the UTF-8 sequence at p (at most n bytes) and its code point; 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
	size_t k;
	unsigned c = p[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/*
 * Append `s` as header text: valid UTF-8 with every control character
 * (C0, DEL, C1) and every invalid byte replaced by U+FFFD.
 */
static int put_clean_text(pir_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	unsigned cp;
	int err = 0;

	while (!err && i < len) {
		k = utf8_decode(p + i, len - i, &cp);
		if (!k || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			err = pir_buf_puts(out, "\xef\xbf\xbd");
			i += k ? k : 1;
		} else {
			err = pir_buf_put(out, s + i, k);
			i += k;
		}
	}
	return err;
}

/* For error messages: `s` with control characters shown as '?', cut at `size`. */
const char *pir_mail_echo(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s && *s && i + 4 < size; s++)
		dst[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	if (s && *s)
		dst[i++] = '.', dst[i++] = '.', dst[i++] = '.';
	dst[i] = '\0';
	return dst;
}

/* ---- addresses ---- */

/* A dot-atom: atext runs separated by single dots. */
static bool is_dot_atom(const char *s, size_t n)
{
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !is_atext((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool is_domain_literal(const char *s, size_t n)
{
	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\')
			return false;
	}
	return true;
}

/* "local@domain" of `n` bytes; `what` names it in the message. */
int pir_mail_check_addr_spec(const char *s, size_t n, bool addr, const char *what)
{
	const char *at = NULL;
	char e[96];

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return pir_error_set(PIR_EINVALID, "%s: control character in '%s'", what,
					     pir_mail_echo(e, sizeof(e), s));
		if (c >= 0x80)
			return pir_error_set(
			    PIR_EINVALID,
			    "%s: '%s' is not an ASCII address (SMTPUTF8 is not supported)", what,
			    pir_mail_echo(e, sizeof(e), s));
	}
	if (n && s[n - 1] == ']') {
		/* a domain literal may not hold an '@'; the last one before it splits */
		for (size_t i = n; i-- > 0 && !at;)
			if (s[i] == '@')
				at = s + i;
	} else {
		at = memchr(s, '@', n);
	}
	if (!at || at == s || at + 1 == s + n)
		return pir_error_set(PIR_EINVALID, "%s: '%.*s' is not an address (name@domain)",
				     what, (int)(n < 80 ? n : 80), s);
	if (!is_dot_atom(s, (size_t)(at - s)) || (addr && at - s > 64))
		return pir_error_set(PIR_EINVALID, "%s: bad local part in '%.*s'", what,
				     (int)(n < 80 ? n : 80), s);
	if (!is_dot_atom(at + 1, n - (size_t)(at - s) - 1) &&
	    !is_domain_literal(at + 1, n - (size_t)(at - s) - 1))
		return pir_error_set(PIR_EINVALID, "%s: bad domain in '%.*s'", what,
				     (int)(n < 80 ? n : 80), s);
	if (addr && n > 254)
		return pir_error_set(PIR_EINVALID, "%s: address longer than 254 characters", what);
	return 0;
}

typedef struct {
	const char *name; /* display name, or NULL */
	size_t name_len;
	const char *addr;
	size_t addr_len;
} mailbox;

static int parse_mailbox(mailbox *m, const char *s, const char *what)
{
	size_t n, start = 0;
	const char *lt, *gt;
	char e[96];

	memset(m, 0, sizeof(*m));
	if (!s)
		return pir_error_set(PIR_EINVALID, "%s: no address", what);
	n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return pir_error_set(PIR_EINVALID, "%s: control character in '%s'", what,
					     pir_mail_echo(e, sizeof(e), s));
	while (start < n && s[start] == ' ')
		start++;
	while (n > start && s[n - 1] == ' ')
		n--;
	lt = memchr(s + start, '<', n - start);
	if (!lt) {
		if (memchr(s + start, '>', n - start))
			return pir_error_set(PIR_EINVALID, "%s: unbalanced '>' in '%s'", what,
					     pir_mail_echo(e, sizeof(e), s));
		m->addr = s + start;
		m->addr_len = n - start;
		return pir_mail_check_addr_spec(m->addr, m->addr_len, true, what);
	}
	gt = memchr(lt, '>', (size_t)(s + n - lt));
	if (!gt || gt != s + n - 1 || memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
		return pir_error_set(PIR_EINVALID, "%s: expected 'Name <address>', not '%s'", what,
				     pir_mail_echo(e, sizeof(e), s));
	m->name = s + start;
	m->name_len = (size_t)(lt - m->name);
	while (m->name_len && m->name[m->name_len - 1] == ' ')
		m->name_len--;
	if (m->name_len >= 2 && m->name[0] == '"' && m->name[m->name_len - 1] == '"')
		m->name++, m->name_len -= 2;
	if (memchr(m->name, '"', m->name_len) || memchr(m->name, '>', m->name_len))
		return pir_error_set(PIR_EINVALID, "%s: quotes or '>' inside the name of '%s'",
				     what, pir_mail_echo(e, sizeof(e), s));
	if (!m->name_len)
		m->name = NULL;
	m->addr = lt + 1;
	m->addr_len = (size_t)(gt - lt - 1);
	return pir_mail_check_addr_spec(m->addr, m->addr_len, true, what);
}

int pir_mail_address(pir_buf *out, const char *mailbox_text)
{
	mailbox m;
	int err;

	if ((err = parse_mailbox(&m, mailbox_text, "address")) < 0)
		return err;
	return pir_buf_put(out, m.addr, m.addr_len);
}

/* ---- header lines, folded ---- */

typedef struct {
	pir_buf *b;
	size_t col; /* columns used on the current line */
	bool first; /* no token yet on this header */
	int err;
} hdr;

static void hdr_start(hdr *h, const char *name)
{
	h->first = true;
	h->col = strlen(name) + 1;
	if (!h->err)
		h->err = pir_buf_printf(h->b, "%s:", name);
}

/* A token, after a space or a fold; tokens are never split. */
static void hdr_token(hdr *h, const char *t, size_t n)
{
	if (h->err)
		return;
	if (!h->first && h->col + 1 + n > LINE_MAX_HDR) {
		h->err = pir_buf_puts(h->b, "\r\n ");
		h->col = 1;
	} else {
		h->err = pir_buf_putc(h->b, ' ');
		h->col++;
	}
	if (!h->err)
		h->err = pir_buf_put(h->b, t, n);
	h->col += n;
	h->first = false;
}

static void hdr_end(hdr *h)
{
	if (!h->err)
		h->err = pir_buf_puts(h->b, "\r\n");
}

/* Characters an RFC 2047 Q word may carry as they are, in any header (rule 5.3). */
static bool q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_len(unsigned char c)
{
	return q_plain(c) || c == ' ' ? 1 : 3;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int put_base64(pir_buf *b, const unsigned char *p, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		err = pir_buf_put(b, q, 4);
	}
	return err;
}

/*
 * `s` (valid UTF-8, no controls) as encoded words of at most WORD_MAX
 * characters, split between characters: Q when that is no longer than B.
 */
static void hdr_encoded(hdr *h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t qlen = 0, i = 0;
	bool use_q;
	pir_buf w = PIR_BUF_INIT;

	for (size_t j = 0; j < n; j++)
		qlen += q_len(p[j]);
	use_q = qlen <= (n + 2) / 3 * 4;
	while (!h->err && i < n) {
		size_t start = i, payload = 0, k;
		unsigned cp;

		/* one word: whole characters while they fit */
		while (i < n) {
			size_t clen = 0;
			k = utf8_decode(p + i, n - i, &cp);
			if (!k)
				k = 1;
			if (use_q) {
				for (size_t j = 0; j < k; j++)
					clen += q_len(p[i + j]);
				if (payload + clen > WORD_MAX - WORD_OVERHEAD && i > start)
					break;
			} else if ((i + k - start + 2) / 3 * 4 > WORD_MAX - WORD_OVERHEAD &&
				   i > start) {
				break;
			}
			payload += clen;
			i += k;
		}
		w.size = 0;
		h->err = pir_buf_puts(&w, use_q ? "=?UTF-8?Q?" : "=?UTF-8?B?");
		if (use_q) {
			for (size_t j = start; !h->err && j < i; j++) {
				if (p[j] == ' ')
					h->err = pir_buf_putc(&w, '_');
				else if (q_plain(p[j]))
					h->err = pir_buf_putc(&w, (char)p[j]);
				else
					h->err = pir_buf_printf(&w, "=%c%c", hex[p[j] >> 4],
								hex[p[j] & 15]);
			}
		} else if (!h->err) {
			h->err = put_base64(&w, p + start, i - start);
		}
		if (!h->err)
			h->err = pir_buf_puts(&w, "?=");
		if (!h->err)
			hdr_token(h, w.ptr, w.size);
	}
	pir_buf_dispose(&w);
}

/* Unstructured text (the subject): plain words when that is safe, encoded words otherwise. */
static void hdr_text(hdr *h, const char *text)
{
	pir_buf clean = PIR_BUF_INIT;
	bool plain = true;
	size_t word = 0;

	if ((h->err = put_clean_text(&clean, text, strlen(text))) < 0)
		return;
	for (size_t i = 0; i < clean.size && plain; i++) {
		unsigned char c = (unsigned char)clean.ptr[i];
		if (c < 0x20 || c > 0x7e || (c == '=' && clean.ptr[i + 1] == '?') ||
		    (c == ' ' && (i == 0 || i + 1 == clean.size || clean.ptr[i + 1] == ' ')))
			plain = false;
		word = c == ' ' ? 0 : word + 1;
		if (word > LINE_MAX_HDR - 10)
			plain = false;
	}
	if (!clean.size) {
		/* an empty subject: keep the header well-formed */
	} else if (plain) {
		for (char *p = clean.ptr, *sp; p && !h->err; p = sp ? sp + 1 : NULL) {
			sp = strchr(p, ' ');
			hdr_token(h, p, sp ? (size_t)(sp - p) : strlen(p));
		}
	} else {
		hdr_encoded(h, clean.ptr, clean.size);
	}
	pir_buf_dispose(&clean);
}

/* A parsed mailbox: "addr", "Name <addr>", "\"N. Name\" <addr>" or encoded words. */
static void hdr_mailbox(hdr *h, const mailbox *m, bool comma)
{
	pir_buf t = PIR_BUF_INIT;

	if (m->name) {
		bool atoms = true, ascii = true;
		size_t word = 0;
		for (size_t i = 0; i < m->name_len; i++) {
			unsigned char c = (unsigned char)m->name[i];
			if (c >= 0x80)
				ascii = false;
			if ((!is_atext(c) && c != ' ') ||
			    (c == '=' && i + 1 < m->name_len && m->name[i + 1] == '?'))
				atoms = false; /* "=?" would read as an encoded word: quote it */
			/* a word longer than a line cannot be folded: encode it (in pieces) */
			word = c == ' ' ? 0 : word + 1;
			if (word > 66)
				atoms = false;
		}
		if (ascii && atoms) {
			for (size_t i = 0, s = 0; i <= m->name_len; i++) {
				if (i == m->name_len || m->name[i] == ' ') {
					if (i > s)
						hdr_token(h, m->name + s, i - s);
					s = i + 1;
				}
			}
		} else if (ascii && m->name_len < 60) {
			h->err = pir_buf_putc(&t, '"');
			for (size_t i = 0; !h->err && i < m->name_len; i++) {
				if (m->name[i] == '\\')
					h->err = pir_buf_putc(&t, '\\');
				if (!h->err)
					h->err = pir_buf_putc(&t, m->name[i]);
			}
			if (!h->err)
				h->err = pir_buf_putc(&t, '"');
			if (!h->err)
				hdr_token(h, t.ptr, t.size);
		} else if (!h->err) {
			pir_buf clean = PIR_BUF_INIT;
			if (!(h->err = put_clean_text(&clean, m->name, m->name_len)))
				hdr_encoded(h, clean.ptr, clean.size);
			pir_buf_dispose(&clean);
		}
	}
	t.size = 0;
	if (!h->err)
		h->err = pir_buf_printf(&t, "%s%.*s%s%s", m->name ? "<" : "", (int)m->addr_len,
					m->addr, m->name ? ">" : "", comma ? "," : "");
	if (!h->err)
		hdr_token(h, t.ptr, t.size);
	pir_buf_dispose(&t);
}

/* ---- quoted-printable (RFC 2045, 6.7) ---- */

static int qp_encode(pir_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t col = 0, i = 0;
	int err = 0;

	while (!err && i < n) {
		size_t eol = i, next;
		while (eol < n && p[eol] != '\n')
			eol++;
		next = eol < n ? eol + 1 : n;
		if (eol > i && p[eol - 1] == '\r' && eol < n)
			eol--; /* CRLF is a line break like LF; a lone CR is data */
		for (size_t j = i; !err && j < eol; j++) {
			unsigned char c = p[j];
			bool last = j + 1 == eol;
			bool enc =
			    c == '=' || c > 126 || (c < 32 && c != '\t') ||
			    ((c == ' ' || c == '\t') && last) ||
			    /* line starts that mbox and SMTP relays have been known to mangle */
			    (col == 0 && c == '.') ||
			    (col == 0 && c == 'F' && eol - j >= 5 && !memcmp(p + j, "From ", 5));
			size_t t = enc ? 3 : 1;

			if (col + t > (last ? QP_LINE : QP_LINE - 1)) {
				err = pir_buf_puts(out, "=\r\n");
				col = 0;
				if (!err && !enc &&
				    (c == '.' ||
				     (c == 'F' && eol - j >= 5 && !memcmp(p + j, "From ", 5))))
					enc = true, t = 3;
			}
			if (err)
				break;
			if (enc)
				err = pir_buf_printf(out, "=%c%c", hex[c >> 4], hex[c & 15]);
			else
				err = pir_buf_putc(out, (char)c);
			col += t;
		}
		if (!err && next > eol && eol < n)
			err = pir_buf_puts(out, "\r\n");
		col = 0;
		i = next;
	}
	return err;
}

/* ---- the message ---- */

/* English names, whatever the locale: RFC 5322 dates and mbox separators. */
static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int put_date(pir_buf *b, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return pir_error_set(PIR_EINVALID, "the message date is out of range");
	return pir_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
			      days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
			      tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static bool contains(const pir_buf *b, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; b->size >= n && i <= b->size - n; i++)
		if (b->ptr[i] == needle[0] && !memcmp(b->ptr + i, needle, n))
			return true;
	return false;
}

static int put_part_headers(pir_buf *b, const char *type)
{
	return pir_buf_printf(b,
			      "Content-Type: %s; charset=UTF-8\r\n"
			      "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
			      type);
}

static int check_message(const pir_mail_message *m)
{
	char e[96];
	const char *at;

	if (!m || !m->from || !*m->from)
		return pir_error_set(PIR_EINVALID, "the message has no sender (From)");
	if (!m->to || !m->to[0])
		return pir_error_set(PIR_EINVALID, "the message has no recipient");
	if (!m->text && m->text_len)
		return pir_error_set(PIR_EINVALID, "the message has no text");
	if (m->message_id) {
		at = strrchr(m->message_id, '@');
		if (!at || pir_mail_check_addr_spec(m->message_id, strlen(m->message_id), false,
						    "Message-ID") < 0)
			return pir_error_set(PIR_EINVALID, "Message-ID: '%s' is not left@right",
					     pir_mail_echo(e, sizeof(e), m->message_id));
	}
	return 0;
}

/* A boundary that no part contains ("=_" cannot occur in quoted-printable anyway), and its
 * delimiter. */
static int pick_boundary(char *boundary, size_t size, pir_buf *delim, const pir_buf *qtext,
			 const pir_buf *qhtml)
{
	int err;

	for (uint64_t seed = 0xcbf29ce484222325ull, round = 0;; round++) {
		uint64_t x =
		    fnv1a(fnv1a(fnv1a(seed, &round, sizeof(round)), qtext->ptr, qtext->size),
			  qhtml->ptr, qhtml->size);
		snprintf(boundary, size, "=_pirscan_%016llx", (unsigned long long)x);
		delim->size = 0;
		if ((err = pir_buf_printf(delim, "--%s", boundary)) < 0)
			return err;
		if (!contains(qtext, delim->ptr) && !contains(qhtml, delim->ptr))
			return 0;
	}
}

/* Date, From, To (the `nto` addresses, checked already), Subject, Message-ID and MIME headers. */
static int put_headers(pir_buf *b, const pir_mail_message *m, const mailbox *from, size_t nto)
{
	hdr h = {b, 0, true, 0};
	mailbox to;
	int err;

	if ((err = put_date(b, m->date)) < 0)
		return err;
	hdr_start(&h, "From");
	hdr_mailbox(&h, from, false);
	hdr_end(&h);
	hdr_start(&h, "To");
	for (size_t i = 0; i < nto && !h.err; i++) {
		parse_mailbox(&to, m->to[i], "To");
		hdr_mailbox(&h, &to, i + 1 < nto);
	}
	hdr_end(&h);
	hdr_start(&h, "Subject");
	hdr_text(&h, m->subject ? m->subject : "");
	hdr_end(&h);
	if ((err = h.err) < 0)
		return err;
	if (m->message_id && (err = pir_buf_printf(b, "Message-ID: <%s>\r\n", m->message_id)) < 0)
		return err;
	return pir_buf_puts(b, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
}

/* The body: the text part alone, or with an HTML part as multipart/alternative. */
static int put_body(pir_buf *b, const pir_mail_message *m, const char *boundary,
		    const pir_buf *delim, const pir_buf *qtext, const pir_buf *qhtml)
{
	int err;

	if (!m->html) {
		err = put_part_headers(b, "text/plain");
		if (!err)
			err = pir_buf_put(b, qtext->ptr, qtext->size);
		if (!err && (b->size < 2 || memcmp(b->ptr + b->size - 2, "\r\n", 2)))
			err = pir_buf_puts(b, "\r\n");
		return err;
	}
	err = pir_buf_printf(b,
			     "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n"
			     "This is a multi-part message in MIME format.\r\n\r\n%s\r\n",
			     boundary, delim->ptr);
	if (!err)
		err = put_part_headers(b, "text/plain");
	if (!err)
		err = pir_buf_put(b, qtext->ptr, qtext->size);
	if (!err)
		err = pir_buf_printf(b, "\r\n%s\r\n", delim->ptr);
	if (!err)
		err = put_part_headers(b, "text/html");
	if (!err)
		err = pir_buf_put(b, qhtml->ptr, qhtml->size);
	if (!err)
		err = pir_buf_printf(b, "\r\n%s--\r\n", delim->ptr);
	return err;
}

int pir_mail_compose(pir_buf *out, const pir_mail_message *m)
{
	pir_buf b = PIR_BUF_INIT, qtext = PIR_BUF_INIT, qhtml = PIR_BUF_INIT, delim = PIR_BUF_INIT;
	mailbox from, to;
	char boundary[40];
	size_t nto = 0;
	int err;

	if ((err = check_message(m)) < 0 || (err = parse_mailbox(&from, m->from, "From")) < 0)
		return err;
	for (; m->to[nto]; nto++)
		if ((err = parse_mailbox(&to, m->to[nto], "To")) < 0)
			return err;
	if ((err = qp_encode(&qtext, m->text ? m->text : "", m->text_len)) < 0 ||
	    (m->html && (err = qp_encode(&qhtml, m->html, m->html_len)) < 0) ||
	    (err = pick_boundary(boundary, sizeof(boundary), &delim, &qtext, &qhtml)) < 0 ||
	    (err = put_headers(&b, m, &from, nto)) < 0 ||
	    (err = put_body(&b, m, boundary, &delim, &qtext, &qhtml)) < 0)
		goto done;
	err = pir_buf_put(out, b.ptr, b.size);
done:
	pir_buf_dispose(&b);
	pir_buf_dispose(&qtext);
	pir_buf_dispose(&qhtml);
	pir_buf_dispose(&delim);
	return err;
}

/* ---- the report as a message ---- */

static int message_id(pir_buf *out, const pir_report_group *g, pir_date as_of, const pir_buf *text,
		      const pir_buf *html, const char *domain)
{
	int y;
	unsigned mo, d;
	uint64_t hash = 0xcbf29ce484222325ull;
	size_t n = 0;
	int err;

	pir_date_to_civil(as_of, &y, &mo, &d);
	hash = fnv1a(hash, g->name, strlen(g->name) + 1);
	hash = fnv1a(hash, &as_of, sizeof(as_of));
	hash = fnv1a(hash, text->ptr, text->size);
	hash = fnv1a(hash, html->ptr, html->size);
	if ((err = pir_buf_printf(out, "pirscan.%04d%02u%02u.", y, mo, d)) < 0)
		return err;
	for (const char *p = g->name; *p && n < 32 && !err; p++, n++) {
		char c = *p;
		bool ok =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		err = pir_buf_putc(out, ok ? c : '-');
	}
	if (!err)
		err = pir_buf_printf(out, "%s%016llx@%s", n ? "." : "", (unsigned long long)hash,
				     domain);
	return err;
}

int pir_report_write_email(pir_buf *out, const pir_report *report, size_t group,
			   const pir_mail_options *opts)
{
	pir_mail_message m = PIR_MAIL_MESSAGE_INIT;
	pir_buf text = PIR_BUF_INIT, html = PIR_BUF_INIT, id = PIR_BUF_INIT, from = PIR_BUF_INIT;
	const pir_report_group *g;
	const char *domain;
	char *subject = NULL, asof[11], e[96];
	int err;

	if (!out || !report || !opts)
		return pir_error_set(PIR_EINVALID, "pir_report_write_email: missing argument");
	if (group >= pir_report_group_count(report) || !(g = pir_report_group_at(report, group)))
		return pir_error_set(PIR_EINVALID, "the report has no group %zu", group);
	m.to = opts->to ? opts->to : g->email;
	if (!m.to || !m.to[0])
		return pir_error_set(PIR_EINVALID,
				     "group '%s' has no email address (teams.<name>.email in the "
				     "configuration)",
				     pir_mail_echo(e, sizeof(e), g->name));
	if (!opts->from || !*opts->from)
		return pir_error_set(PIR_EINVALID, "no sender: the message needs a From address");
	if ((err = pir_mail_address(&from, opts->from)) < 0)
		goto done;
	domain = opts->message_id_domain ? opts->message_id_domain : strrchr(from.ptr, '@') + 1;
	pir_date_format(asof, pir_scan_as_of(pir_report_scan(report)));
	if ((err = pir_report_write(&text, report, group, PIR_REPORT_TEXT)) < 0 ||
	    (err = pir_report_write(&html, report, group, PIR_REPORT_HTML)) < 0 ||
	    (err = message_id(&id, g, pir_scan_as_of(pir_report_scan(report)), &text, &html,
			      domain)) < 0)
		goto done;
	if (!(subject = pir_sprintf("[pirscan] %s: %zu overdue, %zu due soon, %zu open (%s)",
				    g->name, g->noverdue, g->ndue_soon, g->nopen, asof))) {
		err = PIR_ENOMEM;
		goto done;
	}
	m.from = opts->from;
	m.subject = subject;
	m.date = opts->date;
	m.message_id = id.ptr;
	m.text = text.ptr ? text.ptr : "";
	m.text_len = text.size;
	m.html = html.ptr ? html.ptr : "";
	m.html_len = html.size;
	err = pir_mail_compose(out, &m);
done:
	free(subject);
	pir_buf_dispose(&text);
	pir_buf_dispose(&html);
	pir_buf_dispose(&id);
	pir_buf_dispose(&from);
	return err;
}

/* ---- mbox ---- */

int pir_mail_mbox_append(pir_buf *out, const char *msg, size_t len, time_t date)
{
	struct tm tm;
	size_t i = 0;
	int err;

	if (!gmtime_r(&date, &tm))
		return pir_error_set(PIR_EINVALID, "the message date is out of range");
	err = pir_buf_printf(out, "From pirscan@localhost %s %s %2d %02d:%02d:%02d %04d\n",
			     days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
			     tm.tm_sec, tm.tm_year + 1900);
	while (!err && i < len) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - msg) : len, j = i, stop = end;

		if (stop > i && msg[stop - 1] == '\r')
			stop--;
		while (j < stop && msg[j] == '>')
			j++;
		if (stop - j >= 5 && !memcmp(msg + j, "From ", 5))
			err = pir_buf_putc(out, '>');
		if (!err)
			err = pir_buf_put(out, msg + i, stop - i);
		if (!err)
			err = pir_buf_putc(out, '\n');
		i = nl ? end + 1 : len;
	}
	return err ? err : pir_buf_putc(out, '\n');
}
