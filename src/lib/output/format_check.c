/* SPDX-License-Identifier: MIT */
/*
 * The gate's report in each CI system's own format: a table for people,
 * JSON (the core document plus a "check" member), SARIF 2.1.0, JUnit XML,
 * GitHub workflow commands with a Markdown step summary, and GitLab Code
 * Quality. Everything from a repository is escaped for its format.
 */
#include "check_int.h"
#include "check_write.h"
#include "error.h"
#include "output.h"
#include "pirscan/check.h"
#include "pirscan/common.h"
#include "pirscan/format.h"
#include "writer.h"

int pir_check_write(pir_buf *out, const pir_check *c, pir_check_format format,
		    const pir_check_write_options *opts)
{
	static const pir_check_write_options defaults = PIR_CHECK_WRITE_OPTIONS_INIT;
	pir_format_options fo = PIR_FORMAT_OPTIONS_INIT;
	pir_out o = {out, 0};

	if (!opts)
		opts = &defaults;
	switch (format) {
	case PIR_CHECK_FORMAT_TABLE:
		pir_ck_table(&o, c, opts);
		break;
	case PIR_CHECK_FORMAT_JSON:
		return pir_json_document(out, pir_check_scan(c), &fo, pir_ck_json_check_member,
					 (void *)c);
	case PIR_CHECK_FORMAT_SARIF:
		pir_ck_write_sarif(&o, c, opts);
		break;
	case PIR_CHECK_FORMAT_JUNIT:
		pir_ck_write_junit(&o, c, opts);
		break;
	case PIR_CHECK_FORMAT_GITHUB:
		pir_ck_write_github(&o, c, opts);
		break;
	case PIR_CHECK_FORMAT_GITLAB:
		pir_ck_write_gitlab(&o, c, opts);
		break;
	case PIR_CHECK_FORMAT_MARKDOWN:
		pir_ck_write_markdown(&o, c, opts);
		break;
	default:
		return pir_error_set(PIR_EINVALID, "unknown check format");
	}
	return o.err;
}
