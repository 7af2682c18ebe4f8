/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the .pirscan.yml parser (pir_config_parse) over arbitrary
 * bytes. A configuration parses with no error lines, or fails with
 * PIR_EINVALID and at least one, each "fuzz.yml:LINE:COLUMN: message" on
 * one line with no control characters; what parses is what a scan accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirscan/pirscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_errors(const pir_buf *errors)
{
	const char *p = errors->ptr, *end = errors->ptr + errors->size;

	if (!errors->size || end[-1] != '\n')
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || strncmp(p, "fuzz.yml:", 9) != 0)
			abort();
		for (const char *c = p; c < nl; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort(); /* repository content must not reach a terminal raw */
		p = nl + 1;
	}
}

static void check_config(const pir_config *cfg)
{
	pir_scan_options so = PIR_SCAN_OPTIONS_INIT;
	pir_check_options co = PIR_CHECK_OPTIONS_INIT;
	pir_scan *scan = NULL;
	static const char *const keys[] = {"from", "smtp_url", "smtp_user", "smtp_timeout"};

	for (size_t i = 0; i < pir_config_team_count(cfg); i++) {
		const pir_team *t = pir_config_team(cfg, i);
		if (!t || !t->name)
			abort();
		for (const char *const *e = t->email; e && *e; e++)
			if (!**e || strchr(*e, '\n') || strchr(*e, '\r'))
				abort(); /* an address can never start a header line */
		for (const char *const *m = t->members; m && *m; m++)
			if (!**m)
				abort();
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = pir_config_report_setting(cfg, keys[i]);
		if (v && (strchr(v, '\n') || strchr(v, '\r')))
			abort();
	}
	pir_config_apply_check(cfg, &co);
	pir_config_apply_scan(cfg, &so);
	/* a configuration that validates gives options that a scan takes */
	switch (pir_scan_new(&scan, &so)) {
	case 0:
	case PIR_ENOMEM:
		break;
	default:
		abort();
	}
	pir_scan_free(scan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pir_config *cfg = NULL;
	pir_buf errors = PIR_BUF_INIT;
	int err = pir_config_parse(&cfg, (const char *)data, size, "fuzz.yml", &errors);

	if (err == 0) {
		if (!cfg || errors.size)
			abort();
		check_config(cfg);
	} else if (err == PIR_EINVALID) {
		if (cfg)
			abort();
		check_errors(&errors);
	} else if (err != PIR_ENOMEM) {
		abort();
	}
	pir_config_free(cfg);
	pir_buf_dispose(&errors);
	return 0;
}
