/* SPDX-License-Identifier: MIT */
/* pirscan [scan]: list the items. */
#include <string.h>

#include "cli.h"

void cmd_scan_usage(FILE *f)
{
	fputs("usage: pirscan [scan] [OPTIONS] [REPO...]\n"
	      "\n"
	      "List open action items, most urgent first. REPO is a repository (bare or not,\n"
	      "a worktree, or any folder inside one); the default is the current directory.\n"
	      "\n"
	      "Output options:\n"
	      "  --stale             only stale items, with their reasons\n"
	      "  --all               closed items and items gone from the tree too\n"
	      "  --format FORMAT     table (default), json or csv\n"
	      "  -h, --help          show this help\n"
	      "\n",
	      f);
	fputs(cli_scan_options_help, f);
}

/*
 * What to run next, for the end of the table's summary line: the reasons of
 * the stale items, and the gate. The library names no flag; this does.
 */
static const char *next_hint(const pir_scan *scan, const pir_format_options *fo)
{
	size_t listed = 0, stale = 0;

	for (size_t i = 0; i < pir_scan_item_count(scan); i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (!pir_format_selects(it, fo))
			continue;
		listed++;
		stale += PIR_ITEM_STALE(it);
	}
	if (!listed)
		return NULL;
	if (stale && !fo->stale_only)
		return "run 'pirscan --stale' for the reasons, 'pirscan check' to gate";
	return "run 'pirscan check' to gate";
}

int cmd_scan(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	pir_format_options fo = PIR_FORMAT_OPTIONS_INIT;
	const char *format = "table";
	pir_scan *scan = NULL;
	pir_buf out = PIR_BUF_INIT;
	int ret = CLI_EXIT_FATAL, err, r;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cmd_scan_usage(stdout);
			ret = CLI_EXIT_OK;
			goto done;
		} else if (!strcmp(arg, "--stale")) {
			fo.stale_only = true;
		} else if (!strcmp(arg, "--all")) {
			fo.all = true;
		} else if ((r = cli_opt_value("--format", argc, argv, &i, &v)) != 0) {
			if (r < 0)
				goto done;
			format = v;
		} else if ((r = cli_parse_scan_option(&a, argc, argv, &i)) != 0) {
			if (r < 0)
				goto done;
		} else {
			cli_unknown_option(arg, NULL, cmd_scan_usage);
			goto done;
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
		static const char *const formats[] = {"table", "json", "csv", NULL};
		const char *near = cli_nearest(format, formats);
		if (near)
			cli_error(
			    "--format: expected table, json or csv, not '%s'; did you mean '%s'?",
			    format, near);
		else
			cli_error("--format: expected table, json or csv, not '%s'", format);
		goto done;
	}
	if ((ret = cli_run_scan(&scan, &a)) != CLI_EXIT_OK)
		goto done;
	fo.color = cli_use_color(a.color);
	fo.width = cli_term_width();
	if (!strcmp(format, "json"))
		err = pir_format_json(&out, scan, &fo);
	else if (!strcmp(format, "csv"))
		err = pir_format_csv(&out, scan, &fo);
	else {
		fo.hint = next_hint(scan, &fo);
		err = pir_format_table(&out, scan, &fo);
	}
	ret = err < 0 ? cli_fail(err, NULL) : cli_vouch(scan, cli_write(&out));
done:
	pir_buf_dispose(&out);
	pir_scan_free(scan);
	cli_scan_args_dispose(&a);
	return ret;
}
