/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the strict JSON reader (util/json.c) and a result from JSON
 * (result/result_json_read.c). The input is read as a result and as a
 * document of results; whatever is accepted must write back (pretty and on
 * one line) to text that reads again and writes back byte for byte the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *written(const pir_result *r, int indent)
{
	pir_buf b = PIR_BUF_INIT;

	if (pir_result_json_write(&b, r, indent) < 0)
		abort();
	return b.ptr;
}

/* `r` written, read back and written again: the same text. */
static void round_trip(const pir_result *r)
{
	for (int indent = -1; indent <= 4; indent += 5) {
		char *text = written(r, indent), *again;
		pir_result *back = NULL;

		if (pir_result_json_parse(&back, text, strlen(text)) < 0)
			abort();
		again = written(back, indent);
		if (strcmp(text, again))
			abort();
		free(again);
		free(text);
		pir_result_free(back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	pir_result *r = NULL, **v = NULL;
	size_t n = 0;

	if (pir_result_json_parse(&r, text, size) == 0) {
		round_trip(r);
		pir_result_free(r);
	} else if (!pir_error_last() || strchr(pir_error_last(), '\n')) {
		abort(); /* one line saying what is wrong */
	}
	if (pir_results_json_parse(&v, &n, text, size) == 0) {
		for (size_t i = 0; i < n; i++) {
			round_trip(v[i]);
			pir_result_free(v[i]);
		}
		free(v);
	}
	return 0;
}
