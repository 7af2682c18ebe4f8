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

enum { OPT_STALE = CLI_OPT_COMMAND, OPT_ALL, OPT_FORMAT };

/* In the order of the help: the suggestions for a mistyped option follow it. */
const struct option cmd_scan_options[] = {
    {"stale", no_argument, NULL, OPT_STALE},
    {"all", no_argument, NULL, OPT_ALL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    CLI_SCAN_OPTIONS,
    {NULL, 0, NULL, 0},
};

static int check_format(const char *format)
{
	static const char *const formats[] = {"table", "json", "csv", NULL};

	if (!strcmp(format, "table") || !strcmp(format, "json") || !strcmp(format, "csv"))
		return 0;
	cli_bad_choice("--format", format, formats);
	return -1;
}

/* The options: CLI_EXIT_OK to go on, CLI_HELP_SHOWN, or CLI_EXIT_FATAL (reported). */
static int parse_options(cli_scan_args *a, pir_format_options *fo, const char **format, int argc,
			 char **argv)
{
	cli_getopt g = CLI_GETOPT_INIT(argc, argv, cmd_scan_options, NULL);
	int c;

	while ((c = cli_getopt_next(&g)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ERROR:
			return CLI_EXIT_FATAL;
		case 'h':
			cmd_scan_usage(stdout);
			return CLI_HELP_SHOWN;
		case OPT_STALE:
			fo->stale_only = true;
			break;
		case OPT_ALL:
			fo->all = true;
			break;
		case OPT_FORMAT:
			*format = g.arg;
			break;
		default:
			if (cli_scan_option(a, c, g.arg) < 0)
				return CLI_EXIT_FATAL;
		}
	}
	return check_format(*format) < 0 ? CLI_EXIT_FATAL : CLI_EXIT_OK;
}

int cmd_scan(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	pir_format_options fo = PIR_FORMAT_OPTIONS_INIT;
	const char *format = "table";
	pir_scan *scan = NULL;
	pir_buf out = PIR_BUF_INIT;
	int ret, err;

	if ((ret = parse_options(&a, &fo, &format, argc, argv)) != CLI_EXIT_OK) {
		ret = ret == CLI_HELP_SHOWN ? CLI_EXIT_OK : ret;
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
