/* SPDX-License-Identifier: MIT */
/* Sending a composed message by SMTP with libcurl (STARTTLS, SMTPS, AUTH); secrets stay out of
 * messages. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "alloc.h"
#include "error.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/mail.h"

/* ---- SMTP ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;

static void curl_init(void)
{
	curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
	const char *p;
	size_t left;
} reader;

static size_t read_message(char *dst, size_t size, size_t nitems, void *payload)
{
	reader *r = payload;
	size_t n = size * nitems < r->left ? size * nitems : r->left;

	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* The server's last reply line (of a multi-line reply, its last line), for messages. */
typedef struct {
	char line[200];
} last_reply;

static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *payload)
{
	last_reply *r = payload;
	size_t n = 0;

	(void)curl;
	/* only what the server says: what we send (HEADER_OUT) includes AUTH */
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	if (size > sizeof(r->line) - 4) {
		size = sizeof(r->line) - 4;
		memcpy(r->line + size, "...", 4);
	} else {
		r->line[size] = '\0';
	}
	for (; n < size; n++)
		r->line[n] = ((unsigned char)data[n] < 0x20 || (unsigned char)data[n] >= 0x7f)
				 ? '?'
				 : data[n];
	return 0;
}

/* smtp:// or smtps://, no credentials in it, nothing a header or a shell would mind. */
static int check_url(const char *url)
{
	const char *host, *end;
	char e[96];

	if (!url || !*url)
		return pir_error_set(PIR_EINVALID, "no SMTP server URL");
	if (!strncasecmp(url, "smtp://", 7))
		host = url + 7;
	else if (!strncasecmp(url, "smtps://", 8))
		host = url + 8;
	else
		return pir_error_set(
		    PIR_EINVALID,
		    "SMTP URL '%s': expected smtp://HOST[:PORT] or smtps://HOST[:PORT]",
		    pir_mail_echo(e, sizeof(e), url));
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return pir_error_set(PIR_EINVALID,
					     "SMTP URL '%s': spaces or control characters",
					     pir_mail_echo(e, sizeof(e), url));
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)))
		return pir_error_set(PIR_EINVALID,
				     "SMTP URL: no user or password in the URL; give the user "
				     "separately and the password in the environment or ~/.netrc");
	if (end == host)
		return pir_error_set(PIR_EINVALID, "SMTP URL '%s' has no host",
				     pir_mail_echo(e, sizeof(e), url));
	return 0;
}

/*
 * Why a delivery failed, for a person: the server's own reply when it
 * refused something (curl says "Weird server reply" of a 554 after DATA),
 * the timeout, or curl's message.
 */
static int smtp_error(CURL *curl, const pir_smtp_options *o, CURLcode res, const char *errbuf,
		      const char *reply)
{
	const char *host = o->url + strcspn(o->url, ":") + 3;
	int hlen = (int)strcspn(host, "/?#");
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(res);
	long code = 0;

	if (res == CURLE_OPERATION_TIMEDOUT && o->timeout_seconds > 0)
		return pir_error_set(
		    PIR_ERROR, "%.*s: timed out: the delivery took more than %ld second%s%s%s",
		    hlen, host, o->timeout_seconds, o->timeout_seconds == 1 ? "" : "s",
		    reply[0] ? "; the server's last reply: " : "", reply);
	if (res == CURLE_USE_SSL_FAILED && !o->insecure)
		return pir_error_set(
		    PIR_MAIL_ENOSTARTTLS,
		    "%.*s: the server offers no STARTTLS, and smtp:// is only sent "
		    "over TLS",
		    hlen, host);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 400 && code <= 599 && res == CURLE_WEIRD_SERVER_REPLY && reply[0])
		return pir_error_set(PIR_ERROR, "%.*s: the server replied %s", hlen, host, reply);
	if (code >= 400 && code <= 599) {
		/* the reply line starts with its code unless it is a continuation */
		if (reply[0] && strtol(reply, NULL, 10) == code)
			return pir_error_set(PIR_ERROR, "%.*s: %s: the server replied %s", hlen,
					     host, why, reply);
		return pir_error_set(PIR_ERROR, "%.*s: %s: the server replied %ld", hlen, host, why,
				     code);
	}
	return pir_error_set(PIR_ERROR, "%.*s: %s", hlen, host, why);
}

/* How long curl waits for each reply of the server. */
static void set_response_timeout(CURL *curl, long seconds)
{
#if LIBCURL_VERSION_NUM >= 0x080600
	curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT_MS, seconds * 1000L);
#else
	curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, seconds);
#endif
}

/*
 * curl_easy_cleanup says QUIT and waits for the answer. After a failure
 * there is nothing to wait for: the connection is shut down first, so that
 * a server that stalls cannot hold pirscan past the timeout. After a
 * success, QUIT may take what is left of the timeout.
 */
static void end_session(CURL *curl, const pir_smtp_options *o, CURLcode res)
{
	curl_socket_t sock = CURL_SOCKET_BAD;
	double spent = 0;

	if (res != CURLE_OK) {
		if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK &&
		    sock != CURL_SOCKET_BAD)
			shutdown(sock, SHUT_RDWR);
		return;
	}
	if (o->timeout_seconds > 0 &&
	    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &spent) == CURLE_OK) {
		long left = o->timeout_seconds - (long)spent;
		set_response_timeout(curl, left > 1 ? left : 1L);
	}
}

/* The options, the sender and the recipients, checked before anything is sent. */
static int check_envelope(const pir_smtp_options *o, const char *from_addr, const char *const *rcpt,
			  const char *message)
{
	int err;

	if (!o || !message || !rcpt || !rcpt[0])
		return pir_error_set(PIR_EINVALID, "SMTP: no options, message or recipient");
	if ((err = check_url(o->url)) < 0)
		return err;
	if (!from_addr ||
	    (err = pir_mail_check_addr_spec(from_addr, strlen(from_addr), true, "MAIL FROM")) < 0)
		return from_addr ? err : pir_error_set(PIR_EINVALID, "SMTP: no sender address");
	for (size_t i = 0; rcpt[i]; i++)
		if ((err = pir_mail_check_addr_spec(rcpt[i], strlen(rcpt[i]), true, "RCPT TO")) < 0)
			return err;
	return 0;
}

/* Each recipient as "<addr>", the form curl sends in RCPT TO. */
static int rcpt_list(const char *const *rcpt, struct curl_slist **list)
{
	for (size_t i = 0; rcpt[i]; i++) {
		char *a = pir_sprintf("<%s>", rcpt[i]);
		struct curl_slist *l = a ? curl_slist_append(*list, a) : NULL;
		free(a);
		if (!l)
			return pir_error_oom();
		*list = l;
	}
	return 0;
}

/*
 * The URL curl is given: the user's own, or, when ~/.netrc is to give the
 * password, one with the user in it (*url, malloc'd): ~/.netrc is searched
 * for this user only when the user is in the URL.
 */
static int set_url(CURL *curl, const pir_smtp_options *o, char **url)
{
	if (o->user && !o->password) {
		size_t scheme = strcspn(o->url, ":") + 3;
		char *user = curl_easy_escape(curl, o->user, 0);
		*url = user ? pir_sprintf("%.*s%s@%s", (int)scheme, o->url, user, o->url + scheme)
			    : NULL;
		curl_free(user);
		if (!*url)
			return pir_error_oom();
	}
	curl_easy_setopt(curl, CURLOPT_URL, *url ? *url : o->url);
	return 0;
}

/* SMTP or SMTPS only, TLS 1.2 at least (STARTTLS unless insecure), and the credentials. */
static void set_security(CURL *curl, const pir_smtp_options *o)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 (long)(o->insecure ? CURLUSESSL_TRY : CURLUSESSL_ALL));
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, o->ca_file);
	if (o->user && o->password) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, o->password);
	} else {
		curl_easy_setopt(curl, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	}
}

/* The envelope, the message (read from `r`, `len` bytes) and the timeouts. */
static void set_transfer(CURL *curl, const pir_smtp_options *o, const char *from,
			 struct curl_slist *list, reader *r, size_t len)
{
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, r);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	if (o->timeout_seconds > 0) {
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, o->timeout_seconds);
		/* each reply, QUIT's included (CURLOPT_TIMEOUT does not cover it) */
		set_response_timeout(curl, o->timeout_seconds);
	}
}

int pir_mail_send_smtp(const pir_smtp_options *o, const char *from_addr, const char *const *rcpt,
		       const char *message, size_t len)
{
	char errbuf[CURL_ERROR_SIZE] = "", *from = NULL, *url = NULL;
	last_reply reply = {""};
	struct curl_slist *list = NULL;
	reader r = {message, len};
	CURL *curl = NULL;
	CURLcode res;
	int err;

	if ((err = check_envelope(o, from_addr, rcpt, message)) < 0)
		return err;
	pthread_once(&curl_once, curl_init);
	if (curl_init_code != CURLE_OK)
		return pir_error_set(PIR_ERROR, "SMTP: cannot initialise libcurl: %s",
				     curl_easy_strerror(curl_init_code));
	if (!(from = pir_sprintf("<%s>", from_addr)))
		return PIR_ENOMEM;
	if ((err = rcpt_list(rcpt, &list)) < 0)
		goto done;
	if (!(curl = curl_easy_init())) {
		err = pir_error_set(PIR_ERROR, "SMTP: cannot initialise libcurl");
		goto done;
	}
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	/* the debug callback sees the server's replies; nothing is printed */
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &reply);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	if ((err = set_url(curl, o, &url)) < 0)
		goto done;
	set_security(curl, o);
	set_transfer(curl, o, from, list, &r, len);
	if ((res = curl_easy_perform(curl)) != CURLE_OK)
		err = smtp_error(curl, o, res, errbuf, reply.line);
	end_session(curl, o, res);
done:
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);
	free(from);
	free(url);
	return err;
}
