/* SPDX-License-Identifier: MIT */
/*
 * pirscan check: the CI gate. Exit 1 when an item fails, 0 otherwise, 2 on
 * errors and when an object could not be read (it cannot vouch).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fputs("usage: pirscan check [OPTIONS] [REPO...]\n"
	      "\n"
	      "Fail (exit 1) when an open action item is overdue by more than the grace days\n"
	      "and its severity is at or above --fail-on, or when an action-items entry or\n"
	      "file cannot be read (invalid); warn about items due soon.\n"
	      "\n"
	      "Gate options (flags win over the configuration file):\n"
	      "  --fail-on SEVERITY        fail on overdue items at or above it (default: the\n"
	      "                            most urgent severity, critical)\n"
	      "  --grace DAYS              days an item may be overdue before it fails (default 0)\n"
	      "  --fail-on-reason LIST     also fail on these stale reasons, comma-separated\n"
	      "                            (e.g. unknown-id,no-owner,invalid,slipping)\n"
	      "  --warn-within DAYS        warn about items due within DAYS (default 7)\n"
	      "  --max-slips N             a due date moved more than N times is slipping (default 2)\n"
	      "  --no-fail-on-invalid      invalid entries and unreadable action-items files only\n"
	      "                            warn (default: they fail; --fail-on-invalid restores it)\n"
	      "  --changed-since REF       pull-request mode: fail only on items added or changed\n"
	      "                            since REF; older failures are warnings\n"
	      "  --format FORMAT           table (default), json, sarif, junit, github or gitlab\n"
	      "  -h, --help                show this help\n"
	      "\n"
	      "With --format github and $GITHUB_STEP_SUMMARY set, a Markdown summary is\n"
	      "appended to that file.\n"
	      "\n",
	      f);
	fputs(cli_scan_options_help, f);
}

enum {
	SET_FAIL_ON = 1u << 0,
	SET_GRACE = 1u << 1,
	SET_REASONS = 1u << 2,
	SET_WARN = 1u << 3,
	SET_SLIPS = 1u << 4,
	SET_INVALID = 1u << 5,
};

static int parse_reasons(unsigned *out, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int ret = 0;

	if (!copy)
		return -1;
	*out = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned bit;
		while (*tok == ' ')
			tok++;
		if (pir_reason_parse(&bit, tok) < 0) {
			cli_error("--fail-on-reason: unknown reason '%s' (see pirscan(1), STALE REASONS)",
				  tok);
			ret = -1;
			break;
		}
		*out |= bit;
	}
	free(copy);
	return ret;
}

static bool severity_known(const char *const *list, const char *name)
{
	for (list = list && list[0] ? list : pir_default_severities(); *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* Append the Markdown summary to $GITHUB_STEP_SUMMARY, as GitHub Actions expects. */
static int write_step_summary(const pir_check *check)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	pir_buf md = PIR_BUF_INIT;
	FILE *f;
	int ret = 0;

	if (!path || !*path)
		return 0;
	if (pir_check_write(&md, check, PIR_CHECK_FORMAT_MARKDOWN, NULL) < 0) {
		pir_buf_dispose(&md);
		return cli_fail(PIR_ENOMEM, NULL);
	}
	if (!(f = fopen(path, "a")) || fwrite(md.ptr, 1, md.size, f) != md.size) {
		cli_error("cannot write the step summary %s: %s", path, strerror(errno));
		ret = CLI_EXIT_FATAL;
	}
	if (f && fclose(f) != 0 && !ret) {
		cli_error("cannot write the step summary %s: %s", path, strerror(errno));
		ret = CLI_EXIT_FATAL;
	}
	pir_buf_dispose(&md);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	pir_check_options flags = PIR_CHECK_OPTIONS_INIT, opts = PIR_CHECK_OPTIONS_INIT;
	pir_check_format format = PIR_CHECK_FORMAT_TABLE;
	unsigned set = 0;
	pir_scan *scan = NULL;
	pir_check *check = NULL;
	pir_check_write_options wo = PIR_CHECK_WRITE_OPTIONS_INIT;
	pir_buf out = PIR_BUF_INIT;
	int ret = CLI_EXIT_FATAL, err, r;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			ret = CLI_EXIT_OK;
			goto done;
		} else if (!strcmp(arg, "--no-fail-on-invalid") || !strcmp(arg, "--fail-on-invalid")) {
			flags.warn_invalid = arg[2] == 'n';
			set |= SET_INVALID;
		} else if ((r = cli_opt_value("--fail-on-reason", argc, argv, &i, &v)) != 0) {
			if (r < 0 || parse_reasons(&flags.fail_reasons, v) < 0)
				goto done;
			set |= SET_REASONS;
		} else if ((r = cli_opt_value("--fail-on", argc, argv, &i, &v)) != 0) {
			if (r < 0)
				goto done;
			flags.fail_on = v;
			set |= SET_FAIL_ON;
		} else if ((r = cli_opt_value("--grace", argc, argv, &i, &v)) != 0) {
			if (r < 0 || cli_parse_days(&flags.grace, "--grace", v) < 0)
				goto done;
			set |= SET_GRACE;
		} else if ((r = cli_opt_value("--warn-within", argc, argv, &i, &v)) != 0) {
			if (r < 0 || cli_parse_days(&flags.warn_within, "--warn-within", v) < 0)
				goto done;
			set |= SET_WARN;
		} else if ((r = cli_opt_value("--max-slips", argc, argv, &i, &v)) != 0) {
			if (r < 0 || cli_parse_days(&flags.max_slips, "--max-slips", v) < 0)
				goto done;
			set |= SET_SLIPS;
		} else if ((r = cli_opt_value("--changed-since", argc, argv, &i, &v)) != 0) {
			if (r < 0)
				goto done;
			a.scan.changed_since = v;
		} else if ((r = cli_opt_value("--format", argc, argv, &i, &v)) != 0) {
			if (r < 0)
				goto done;
			if (pir_check_format_parse(&format, v) < 0) {
				cli_fail(PIR_EINVALID, NULL);
				goto done;
			}
		} else if ((r = cli_parse_scan_option(&a, argc, argv, &i)) != 0) {
			if (r < 0)
				goto done;
		} else {
			cli_unknown_option(arg, "check", usage);
			goto done;
		}
	}
	/* the configuration is loaded by the scan; the slips limit is the scan's to apply */
	a.scan.max_slips = flags.max_slips;
	if ((ret = cli_run_scan_prepare(&a)) != CLI_EXIT_OK)
		goto done;
	if (a.config)
		pir_config_apply_check(a.config, &opts);
	if (set & SET_FAIL_ON)
		opts.fail_on = flags.fail_on;
	if (set & SET_GRACE)
		opts.grace = flags.grace;
	if (set & SET_REASONS)
		opts.fail_reasons = flags.fail_reasons;
	if (set & SET_WARN)
		opts.warn_within = flags.warn_within;
	if (set & SET_SLIPS)
		opts.max_slips = flags.max_slips;
	if ((set & SET_INVALID) && flags.warn_invalid) {
		if ((set & SET_REASONS) && (flags.fail_reasons & PIR_REASON_INVALID)) {
			cli_error("--no-fail-on-invalid contradicts --fail-on-reason invalid");
			ret = CLI_EXIT_FATAL;
			goto done;
		}
		opts.fail_reasons &= ~(unsigned)PIR_REASON_INVALID; /* the flag wins over the file */
	}
	if (set & SET_INVALID)
		opts.warn_invalid = flags.warn_invalid;
	a.scan.max_slips = opts.max_slips;
	/* a wrong --fail-on is a usage error: say so before a long scan */
	if (opts.fail_on && !severity_known(a.scan.severities, opts.fail_on)) {
		cli_unknown_severity("--fail-on", a.scan.severities, opts.fail_on);
		ret = CLI_EXIT_FATAL;
		goto done;
	}
	if ((ret = cli_run_scan(&scan, &a)) != CLI_EXIT_OK)
		goto done;
	ret = CLI_EXIT_FATAL;
	if ((err = pir_check_new(&check, scan, &opts, a.scan.changed_since != NULL)) < 0) {
		cli_fail(err, NULL);
		goto done;
	}
	wo.color = cli_use_color(a.color);
	wo.width = cli_term_width();
	if ((err = pir_check_write(&out, check, format, &wo)) < 0) {
		cli_fail(err, NULL);
		goto done;
	}
	if ((ret = cli_write(&out)) != CLI_EXIT_OK)
		goto done;
	if (format == PIR_CHECK_FORMAT_GITHUB && (ret = write_step_summary(check)) != CLI_EXIT_OK)
		goto done;
	ret = pir_check_failed(check) ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
	if (pir_check_cannot_vouch(check))
		ret = cli_vouch(scan, ret);
done:
	pir_buf_dispose(&out);
	pir_check_free(check);
	pir_scan_free(scan);
	cli_scan_args_dispose(&a);
	return ret;
}
