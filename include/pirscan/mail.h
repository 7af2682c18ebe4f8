/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_MAIL_H
#define PIRSCAN_MAIL_H

#include <stdbool.h>
#include <time.h>
#include "common.h"

PIR_BEGIN_DECL

/**
 * A message to compose: what pir_report_write_email fills in for a report,
 * open to other callers. Strings are UTF-8 and borrowed. Initialise with
 * PIR_MAIL_MESSAGE_INIT.
 */
typedef struct {
	unsigned version;
	const char *from;	/**< "Name <addr>" or "addr" */
	const char *const *to;	/**< NULL-terminated, at least one; same forms as `from` */
	const char *subject;	/**< control characters become U+FFFD; encoded per RFC 2047 */
	time_t date;		/**< the Date header, written in UTC */
	const char *message_id; /**< "left@right" without the brackets, or NULL for none */
	const char *text;	/**< the text/plain part */
	size_t text_len;
	const char *html; /**< the text/html part, or NULL for a text-only message */
	size_t html_len;
} pir_mail_message;

#define PIR_MAIL_MESSAGE_VERSION 1
#define PIR_MAIL_MESSAGE_INIT                                                                      \
	{                                                                                          \
		PIR_MAIL_MESSAGE_VERSION, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, 0              \
	}

/**
 * Append an RFC 5322 message: headers, then multipart/alternative with the
 * text and HTML parts (or a single text/plain part), UTF-8,
 * quoted-printable, every line CRLF-terminated and at most 76 bytes in the
 * bodies. Nothing in the strings can start a header line: addresses with
 * control characters or a bad syntax, and a bad Message-ID, are rejected
 * with PIR_EINVALID; the subject is encoded. Returns 0, PIR_EINVALID or
 * PIR_ENOMEM.
 */
PIR_EXTERN(int) pir_mail_compose(pir_buf *out, const pir_mail_message *msg);

/**
 * Check a mailbox ("Name <addr>" or "addr": ASCII dot-atoms on both sides
 * of the '@', or a domain literal) and append its bare address to `out`.
 * Returns 0, PIR_EINVALID with a message saying what is wrong, or PIR_ENOMEM.
 */
PIR_EXTERN(int) pir_mail_address(pir_buf *out, const char *mailbox);

/**
 * Append a message (CRLF or LF lines) to an mbox (mboxrd): a
 * "From pirscan@localhost <asctime>" separator for `date` (UTC), the message
 * with LF line ends and lines matching /^>*From / quoted with one more '>',
 * and a blank line.
 */
PIR_EXTERN(int) pir_mail_mbox_append(pir_buf *out, const char *message, size_t len, time_t date);

/** How to reach an SMTP server. Initialise with PIR_SMTP_OPTIONS_INIT. */
typedef struct {
	unsigned version;
	const char *url;      /**< smtp://host[:port] (STARTTLS) or smtps://host[:port] (TLS) */
	const char *user;     /**< NULL: no login, unless ~/.netrc has one for the host */
	const char *password; /**< NULL: from ~/.netrc, if it has one */
	bool insecure;	     /**< smtp:// may go on in plain text when the server has no STARTTLS */
	const char *ca_file; /**< PEM bundle to verify the server with; NULL: the system's */
	long timeout_seconds; /**< for each message, from connecting to the last reply; 0: no limit
			       */
} pir_smtp_options;

#define PIR_SMTP_OPTIONS_VERSION 1
#define PIR_SMTP_TIMEOUT_DEFAULT 60
#define PIR_SMTP_OPTIONS_INIT                                                                      \
	{                                                                                          \
		PIR_SMTP_OPTIONS_VERSION, NULL, NULL, NULL, false, NULL, PIR_SMTP_TIMEOUT_DEFAULT  \
	}

/**
 * What pir_mail_send_smtp returns when an smtp:// server offers no STARTTLS
 * and `insecure` is false, so that a caller can say how to allow plain text.
 */
#define PIR_MAIL_ENOSTARTTLS (-64)

/**
 * Deliver `message` (`len` bytes, CRLF lines) over SMTP with libcurl, from
 * the envelope address `from_addr` to every address of the NULL-terminated
 * `rcpt` (bare addresses, see pir_mail_address). The server's certificate is
 * always verified; smtp:// requires STARTTLS unless `insecure`. The whole
 * delivery takes at most `timeout_seconds`. Returns 0, PIR_EINVALID for a
 * bad URL or address, PIR_MAIL_ENOSTARTTLS, or PIR_ERROR with a message
 * naming the server and the cause: the server's failing reply as it sent it
 * (code and text, control characters as '?'), or the timeout, or curl's
 * message (a refused recipient fails the whole delivery).
 */
PIR_EXTERN(int)
pir_mail_send_smtp(const pir_smtp_options *opts, const char *from_addr, const char *const *rcpt,
		   const char *message, size_t len);

/**
 * Deliver `message` with `sendmail -t -oi` (recipients from its headers),
 * run directly, never through a shell, with LF line ends on its input.
 * `sendmail_path` NULL means /usr/sbin/sendmail. Returns 0, or PIR_ERROR
 * when it cannot be started or exits unsuccessfully.
 */
PIR_EXTERN(int) pir_mail_send_sendmail(const char *sendmail_path, const char *message, size_t len);

PIR_END_DECL

#endif
