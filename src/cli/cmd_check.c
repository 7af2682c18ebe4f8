/* SPDX-License-Identifier: MIT */
/*
 * pirscan check: the CI gate. Exit 1 when an item fails, 0 otherwise, 2 on
 * errors and when an object could not be read (it cannot vouch).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cmd_check_usage(FILE *f)
{
	fputs(
	    "usage: pirscan check [OPTIONS] [REPO...]\n"
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
	    "  --max-slips N             a due date moved more than N times is slipping (default "
	    "2)\n"
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
			cli_error(
			    "--fail-on-reason: unknown reason '%s' (see pirscan(1), STALE REASONS)",
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
static int write_step_summary(const pir_check *check, const pir_check_write_options *wo)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	pir_buf md = PIR_BUF_INIT;
	FILE *f;
	int ret = 0;

	if (!path || !*path)
		return 0;
	if (pir_check_write(&md, check, PIR_CHECK_FORMAT_MARKDOWN, wo) < 0) {
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

enum {
	OPT_FAIL_ON = CLI_OPT_COMMAND,
	OPT_GRACE,
	OPT_FAIL_ON_REASON,
	OPT_WARN_WITHIN,
	OPT_MAX_SLIPS,
	OPT_NO_FAIL_ON_INVALID,
	OPT_FAIL_ON_INVALID,
	OPT_CHANGED_SINCE,
	OPT_FORMAT,
};

/* In the order of the help: the suggestions for a mistyped option follow it. */
const struct option cmd_check_options[] = {
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"grace", required_argument, NULL, OPT_GRACE},
    {"fail-on-reason", required_argument, NULL, OPT_FAIL_ON_REASON},
    {"warn-within", required_argument, NULL, OPT_WARN_WITHIN},
    {"max-slips", required_argument, NULL, OPT_MAX_SLIPS},
    {"no-fail-on-invalid", no_argument, NULL, OPT_NO_FAIL_ON_INVALID},
    {"fail-on-invalid", no_argument, NULL, OPT_FAIL_ON_INVALID},
    {"changed-since", required_argument, NULL, OPT_CHANGED_SINCE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    CLI_SCAN_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* What the flags say: the gate's options, which of them are set (SET_*), and the format. */
typedef struct {
	pir_check_options opts;
	unsigned set;
	pir_check_format format;
	int max_slips; /* the scan's option: slipping is a reason of the scan's */
} check_flags;

/* One of check's own options; 0, or -1 on a usage error (reported). */
static int check_option(check_flags *f, cli_scan_args *a, int c, const char *v)
{
	switch (c) {
	case OPT_NO_FAIL_ON_INVALID:
	case OPT_FAIL_ON_INVALID:
		f->opts.warn_invalid = c == OPT_NO_FAIL_ON_INVALID;
		f->set |= SET_INVALID;
		return 0;
	case OPT_FAIL_ON_REASON:
		f->set |= SET_REASONS;
		return parse_reasons(&f->opts.fail_reasons, v);
	case OPT_FAIL_ON:
		f->opts.fail_on = v;
		f->set |= SET_FAIL_ON;
		return 0;
	case OPT_GRACE:
		f->set |= SET_GRACE;
		return cli_parse_days(&f->opts.grace, "--grace", v);
	case OPT_WARN_WITHIN:
		f->set |= SET_WARN;
		return cli_parse_days(&f->opts.warn_within, "--warn-within", v);
	case OPT_MAX_SLIPS:
		f->set |= SET_SLIPS;
		return cli_parse_days(&f->max_slips, "--max-slips", v);
	case OPT_CHANGED_SINCE:
		a->scan.changed_since = v;
		return 0;
	case OPT_FORMAT:
		if (pir_check_format_parse(&f->format, v) < 0) {
			cli_fail(PIR_EINVALID, "--format");
			return -1;
		}
		return 0;
	default:
		return cli_scan_option(a, c, v);
	}
}

/* The options: CLI_EXIT_OK to go on, CLI_HELP_SHOWN, or CLI_EXIT_FATAL (reported). */
static int parse_options(check_flags *f, cli_scan_args *a, int argc, char **argv)
{
	cli_getopt g = CLI_GETOPT_INIT(argc, argv, cmd_check_options, "check");
	int c;

	while ((c = cli_getopt_next(&g)) != CLI_OPT_END) {
		if (c == CLI_OPT_ERROR)
			return CLI_EXIT_FATAL;
		if (c == 'h') {
			cmd_check_usage(stdout);
			return CLI_HELP_SHOWN;
		}
		if (check_option(f, a, c, g.arg) < 0)
			return CLI_EXIT_FATAL;
	}
	return CLI_EXIT_OK;
}

/*
 * The gate's options: the configuration's, then the flags over them. A
 * usage error (a contradiction, an unknown --fail-on) is reported here,
 * before a long scan.
 */
static int gate_options(pir_check_options *opts, const check_flags *f, cli_scan_args *a)
{
	if (a->config)
		pir_config_apply_check(a->config, opts);
	if (f->set & SET_FAIL_ON)
		opts->fail_on = f->opts.fail_on;
	if (f->set & SET_GRACE)
		opts->grace = f->opts.grace;
	if (f->set & SET_REASONS)
		opts->fail_reasons = f->opts.fail_reasons;
	if (f->set & SET_WARN)
		opts->warn_within = f->opts.warn_within;
	if (f->set & SET_SLIPS) /* over the configuration's, applied to the scan's options */
		a->scan.max_slips = f->max_slips;
	if ((f->set & SET_INVALID) && f->opts.warn_invalid) {
		if ((f->set & SET_REASONS) && (f->opts.fail_reasons & PIR_REASON_INVALID)) {
			cli_error("--no-fail-on-invalid contradicts --fail-on-reason invalid");
			return -1;
		}
		opts->fail_reasons &=
		    ~(unsigned)PIR_REASON_INVALID; /* the flag wins over the file */
	}
	if (f->set & SET_INVALID)
		opts->warn_invalid = f->opts.warn_invalid;
	if (opts->fail_on && !severity_known(a->scan.severities, opts->fail_on)) {
		cli_unknown_severity("--fail-on", a->scan.severities, opts->fail_on);
		return -1;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	check_flags f = {PIR_CHECK_OPTIONS_INIT, 0, PIR_CHECK_FORMAT_TABLE, 0};
	pir_check_options opts = PIR_CHECK_OPTIONS_INIT;
	pir_scan *scan = NULL;
	pir_check *check = NULL;
	pir_check_write_options wo = PIR_CHECK_WRITE_OPTIONS_INIT;
	pir_buf out = PIR_BUF_INIT;
	int ret, err;

	if ((ret = parse_options(&f, &a, argc, argv)) != CLI_EXIT_OK) {
		ret = ret == CLI_HELP_SHOWN ? CLI_EXIT_OK : ret;
		goto done;
	}
	if ((ret = cli_run_scan_prepare(&a)) != CLI_EXIT_OK)
		goto done;
	ret = CLI_EXIT_FATAL;
	if (gate_options(&opts, &f, &a) < 0)
		goto done;
	if ((ret = cli_run_scan(&scan, &a)) != CLI_EXIT_OK)
		goto done;
	ret = CLI_EXIT_FATAL;
	if ((err = pir_check_new(&check, scan, &opts, a.scan.changed_since != NULL)) < 0) {
		/* the library names no flag: the policy's severity is --fail-on's or fail_on's */
		if (err == PIR_EINVALID && pir_error_option() &&
		    !strcmp(pir_error_option(), "fail_on"))
			cli_error("--fail-on: %s", pir_error_last());
		else
			cli_fail(err, NULL);
		goto done;
	}
	wo.color = cli_use_color(a.color);
	wo.width = cli_term_width();
	/* the library names no flag: the report's sentences name ours */
	wo.size_limit_name = "--max-size";
	wo.overdue_rule_name = "--fail-on-reason overdue";
	if ((err = pir_check_write(&out, check, f.format, &wo)) < 0) {
		cli_fail(err, NULL);
		goto done;
	}
	if ((ret = cli_write(&out)) != CLI_EXIT_OK)
		goto done;
	if (f.format == PIR_CHECK_FORMAT_GITHUB &&
	    (ret = write_step_summary(check, &wo)) != CLI_EXIT_OK)
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
