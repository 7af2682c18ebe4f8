/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "pirscan/common.h"

/* One message per thread: the history walk runs workers in parallel. */
static _Thread_local char error_message[1024];
static _Thread_local bool error_set;
static _Thread_local const char *error_option; /* the options field it is about, or NULL */

const char *pir_error_last(void)
{
	return error_set ? error_message : NULL;
}

const char *pir_error_option(void)
{
	return error_set ? error_option : NULL;
}

void pir_error_clear(void)
{
	error_set = false;
	error_message[0] = '\0';
	error_option = NULL;
}

/* Formatted aside first: an argument may be the last message itself (context added to it). */
static int set_message(int code, const char *option, const char *fmt, va_list ap)
{
	char msg[sizeof(error_message)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	memcpy(error_message, msg, sizeof(msg));
	error_set = true;
	error_option = option;
	return code;
}

int pir_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = set_message(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int pir_error_set_option(int code, const char *option, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = set_message(code, option, fmt, ap);
	va_end(ap);
	return code;
}

int pir_error_git(int giterr, const char *what)
{
	const git_error *e = git_error_last();
	int code = PIR_EGIT;

	if (giterr == GIT_ENOTFOUND)
		code = PIR_ENOTFOUND;
	if (e && e->message)
		return pir_error_set(code, "%s: %s", what, e->message);
	return pir_error_set(code, "%s: libgit2 error %d", what, giterr);
}

int pir_error_oom(void)
{
	return pir_error_set(PIR_ENOMEM, "out of memory");
}

const char *pir_version(void)
{
	return PIRSCAN_VERSION;
}
