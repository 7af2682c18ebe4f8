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
			cli_error("unknown option '%s' (see 'pirscan --help')", arg);
			goto done;
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
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
	else
		err = pir_format_table(&out, scan, &fo);
	ret = err < 0 ? cli_fail(err, NULL) : cli_vouch(scan, cli_write(&out));
done:
	pir_buf_dispose(&out);
	pir_scan_free(scan);
	cli_scan_args_dispose(&a);
	return ret;
}
