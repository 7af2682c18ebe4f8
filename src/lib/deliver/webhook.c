/* SPDX-License-Identifier: MIT */
/*
 * POSTing a chat message to a webhook with libcurl: HTTPS only, the
 * certificate verified, no redirects, a total time limit, bounded retries
 * honouring Retry-After. A webhook URL is a secret: no message holds more
 * of it than its host, libcurl's included.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "pirscan/chat.h"
#include "pirscan/common.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_code;

static void init(void)
{
	init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The host part of an https:// URL (after the scheme, up to / ? #), and its length. */
static const char *host_of(const char *url, int *len)
{
	const char *h = url + 8;
	const char *at;
	size_t n = strcspn(h, "/?#");

	/* never a user or password: what is before '@' stays hidden */
	if ((at = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	*len = (int)n;
	return h;
}

int pir_webhook_redact(pir_buf *out, const char *url)
{
	int n;
	const char *h;

	if (!url || strncasecmp(url, "https://", 8))
		return pir_buf_puts(out, "(not an https:// URL)");
	h = host_of(url, &n);
	for (int i = 0; i < n; i++)
		if ((unsigned char)h[i] <= 0x20 || h[i] == 0x7f)
			return pir_buf_puts(out, "https://(a bad host)/\xe2\x80\xa6");
	return pir_buf_printf(out, "https://%.*s/\xe2\x80\xa6", n, h);
}

typedef struct {
	long retry_after; /* seconds, -1 when the reply had none */
} reply_info;

static size_t on_header(char *data, size_t size, size_t n, void *payload)
{
	reply_info *r = payload;
	size_t len = size * n;

	if (len > 12 && !strncasecmp(data, "Retry-After:", 12)) {
		char buf[32];
		size_t k = len - 12 < sizeof(buf) - 1 ? len - 12 : sizeof(buf) - 1;
		char *end;
		long v;

		memcpy(buf, data + 12, k);
		buf[k] = '\0';
		errno = 0;
		v = strtol(buf, &end, 10);
		/* seconds only: an HTTP date is taken as "no advice" */
		if (!errno && end != buf && v >= 0 && (*end == '\r' || *end == '\n' || !*end))
			r->retry_after = v;
	}
	return len;
}

static size_t discard(char *data, size_t size, size_t n, void *payload)
{
	(void)data;
	(void)payload;
	return size * n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_options(CURL *curl, const pir_webhook_options *o, const char *url,
			struct curl_slist *headers, const char *payload, size_t len)
{
	curl_easy_setopt(curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "pirscan/" PIRSCAN_VERSION);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
}

/*
 * One try within `left` seconds: 0 on 2xx, 1 to try again (*wait set), or
 * an error. `why` gets the reason of the last failure (never the URL).
 */
static int try_once(CURL *curl, const pir_webhook_options *o, double left, long *wait, char *why,
		    size_t whylen)
{
	reply_info r = {-1};
	long code = 0;
	CURLcode res;

	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
			 (long)(left * 1000) > 1 ? (long)(left * 1000) : 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(left * 1000) > 1 ? (long)(left * 1000) : 1L);
	res = curl_easy_perform(curl);
	*wait = -1;
	if (res != CURLE_OK) {
		/* curl_easy_strerror, never the error buffer: that one may quote the URL */
		snprintf(why, whylen, "%s",
			 res == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(res));
		if (res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE ||
		    res == CURLE_SSL_CONNECT_ERROR || res == CURLE_UNSUPPORTED_PROTOCOL ||
		    res == CURLE_OPERATION_TIMEDOUT)
			return PIR_ERROR; /* trying again would give the same */
		return 1;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code <= 299)
		return 0;
	snprintf(why, whylen, "the server replied %ld", code);
	if (code == 429 || (code >= 500 && code <= 599)) {
		*wait = r.retry_after;
		if (r.retry_after > o->max_wait_seconds) {
			snprintf(why, whylen, "the server replied %ld, Retry-After %ld seconds",
				 code, r.retry_after);
			return PIR_ERROR;
		}
		return 1;
	}
	return PIR_ERROR;
}

static int post(CURL *curl, const pir_webhook_options *o, const char *shown)
{
	double start = now(), limit = o->timeout_seconds > 0 ? (double)o->timeout_seconds : 1e9;
	char why[160] = "";
	int ret = PIR_ERROR;

	for (unsigned attempt = 0; attempt <= o->retries; attempt++) {
		long wait = -1;
		double left = limit - (now() - start);

		if (left <= 0) {
			snprintf(why, sizeof(why), "timed out");
			break;
		}
		if ((ret = try_once(curl, o, left, &wait, why, sizeof(why))) <= 0)
			break;
		if (attempt == o->retries)
			break;
		if (wait < 0)
			wait = 1L << (attempt < 5 ? attempt : 5);
		if (now() - start + (double)wait >= limit) {
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "; no time left to wait %ld seconds", wait);
			break;
		}
		{
			struct timespec ts = {wait, 0};
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	if (ret == 0)
		return 0;
	return pir_error_set(PIR_ERROR, "%s: %s", shown, why);
}

int pir_webhook_post(const pir_webhook_options *o, const char *url, const char *payload, size_t len)
{
	pir_buf shown = PIR_BUF_INIT;
	struct curl_slist *headers = NULL, *h;
	CURL *curl = NULL;
	int err;

	if (!o || !url || !payload || strncasecmp(url, "https://", 8) || strlen(url) < 9)
		return pir_error_set(PIR_EINVALID, "a webhook URL must start with https://");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return pir_error_set(PIR_EINVALID,
					     "a webhook URL has a space or a control character");
	pthread_once(&once, init);
	if (init_code != CURLE_OK)
		return pir_error_set(PIR_ERROR, "cannot initialise libcurl");
	if (pir_webhook_redact(&shown, url) < 0 || pir_buf_putc(&shown, '\0') < 0)
		return pir_error_oom();
	if (!(h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8")) ||
	    !(headers = h, h = curl_slist_append(headers, "Expect:"))) {
		err = pir_error_oom();
		goto done;
	}
	headers = h;
	if (!(curl = curl_easy_init())) {
		err = pir_error_set(PIR_ERROR, "cannot initialise libcurl");
		goto done;
	}
	set_options(curl, o, url, headers, payload, len);
	err = post(curl, o, shown.ptr);
done:
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	pir_buf_dispose(&shown);
	return err;
}
