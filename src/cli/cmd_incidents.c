/* SPDX-License-Identifier: MIT */
/* pirscan incidents: one row per incident, with how its action items stand. */
#include <string.h>

#include "cli.h"

void cmd_incidents_usage(FILE *f)
{
	fputs("usage: pirscan incidents [OPTIONS] [REPO...]\n"
	      "\n"
	      "List the incidents, newest first: each postmortem document's (its ID, date,\n"
	      "severity, status and duration) and each incident an item names, with its items\n"
	      "open, overdue and closed, the age of its oldest open item and its time to\n"
	      "remediation (days from the incident to its last item's close, once all are\n"
	      "closed).\n"
	      "\n"
	      "Output options:\n"
	      "  --format FORMAT     table (default), json, csv or md\n"
	      "  -h, --help          show this help\n"
	      "\n",
	      f);
	fputs(cli_scan_options_help, f);
}

enum { OPT_FORMAT = CLI_OPT_COMMAND };

/* In the order of the help: the suggestions for a mistyped option follow it. */
const struct option cmd_incidents_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    CLI_SCAN_OPTIONS,
    {NULL, 0, NULL, 0},
};

static int check_format(const char *format, pir_incidents_format *out)
{
	static const char *const formats[] = {"table", "json", "csv", "md", NULL};

	if (pir_incidents_format_parse(out, format) == 0)
		return 0;
	cli_bad_choice("--format", format, formats);
	return -1;
}

/* The options: CLI_EXIT_OK to go on, CLI_HELP_SHOWN, or CLI_EXIT_FATAL (reported). */
static int parse_options(cli_scan_args *a, pir_incidents_format *format, int argc, char **argv)
{
	cli_getopt g = CLI_GETOPT_INIT(argc, argv, cmd_incidents_options, "incidents");
	const char *name = "table";
	int c;

	while ((c = cli_getopt_next(&g)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ERROR:
			return CLI_EXIT_FATAL;
		case 'h':
			cmd_incidents_usage(stdout);
			return CLI_HELP_SHOWN;
		case OPT_FORMAT:
			name = g.arg;
			break;
		default:
			if (cli_scan_option(a, c, g.arg) < 0)
				return CLI_EXIT_FATAL;
		}
	}
	return check_format(name, format) < 0 ? CLI_EXIT_FATAL : CLI_EXIT_OK;
}

int cmd_incidents(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	pir_incidents_format format = PIR_INCIDENTS_TABLE;
	pir_scan *scan = NULL;
	pir_buf out = PIR_BUF_INIT;
	int ret, err;

	if ((ret = parse_options(&a, &format, argc, argv)) != CLI_EXIT_OK) {
		ret = ret == CLI_HELP_SHOWN ? CLI_EXIT_OK : ret;
		goto done;
	}
	if ((ret = cli_run_scan(&scan, &a)) != CLI_EXIT_OK)
		goto done;
	err = pir_format_incidents(&out, scan, format);
	ret = err < 0 ? cli_fail(err, NULL) : cli_vouch(scan, cli_write(&out));
done:
	pir_buf_dispose(&out);
	pir_scan_free(scan);
	cli_scan_args_dispose(&a);
	return ret;
}
