/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mailbox parsing (pir_mail_address: "addr", "Name <addr>",
 * "\"N. Name\" <addr>") over each line of the input. An accepted mailbox
 * gives a bare ASCII address with one '@' before its domain, no longer than
 * 254 bytes, that is accepted again as itself; a rejected one gives a
 * one-line message without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirscan/pirscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_message(void)
{
	const char *m = pir_error_last();

	if (!m || !*m)
		abort();
	for (; *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			abort();
}

static void one(const char *mailbox)
{
	pir_buf out = PIR_BUF_INIT, again = PIR_BUF_INIT;
	int err = pir_mail_address(&out, mailbox);

	if (err == PIR_EINVALID) {
		check_message();
	} else if (err == 0) {
		if (!out.size || out.size > 254 || !memchr(out.ptr, '@', out.size) ||
		    out.ptr[0] == '@' || out.ptr[out.size - 1] == '@')
			abort();
		for (size_t i = 0; i < out.size; i++)
			if ((unsigned char)out.ptr[i] <= 0x20 || (unsigned char)out.ptr[i] >= 0x7f)
				abort();
		/* the bare address is a mailbox too, and reads as itself */
		if (pir_mail_address(&again, out.ptr) != 0 || again.size != out.size ||
		    memcmp(again.ptr, out.ptr, out.size) != 0)
			abort();
	} else if (err != PIR_ENOMEM) {
		abort();
	}
	pir_buf_dispose(&out);
	pir_buf_dispose(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *line, *next;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (line = s; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		one(line);
	}
	free(s);
	return 0;
}
