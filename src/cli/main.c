/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct pir_cmd commands[] = {
	{"scan", cmd_scan, "list action items (the default command)"},
	{"check", cmd_check, "the CI gate: fail on overdue items (exit 1)"},
	{"report", cmd_report, "the nightly report, one per team, by email"},
	{"help", cmd_help, "show this help"},
	{"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
	fputs("usage: pirscan [COMMAND] [OPTIONS] [REPO...]\n"
	      "\n"
	      "Find post-incident action items (action-items.yml entries and TODO PIR markers)\n"
	      "in git repositories, dated from history.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\nRun 'pirscan COMMAND --help' for a command's options; see pirscan(1).\n"
	      "\nWithout a command, pirscan scans:\n\n",
	      f);
	cmd_scan_usage(f);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return CLI_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("pirscan %s\n", pir_version());
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		return cmd_version(argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(argc, argv);
	if (argc > 1) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].fn(argc - 1, argv + 1);
	}
	/* no command: scan, with every argument an option or a repository */
	return cmd_scan(argc, argv);
}
