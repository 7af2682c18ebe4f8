/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct pir_cmd commands[] = {
    {"scan", cmd_scan, "list action items (the default command)"},
    {"check", cmd_check, "the CI gate: fail on overdue items (exit 1)"},
    {"report", cmd_report, "the nightly report, one per team, by email"},
    {"incidents", cmd_incidents, "one row per incident, with how its items stand"},
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
	fputs("\nRun 'pirscan help COMMAND' for a command's options; see pirscan(1).\n"
	      "\nWithout a command, pirscan scans:\n\n",
	      f);
	cmd_scan_usage(f);
}

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct pir_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "unknown command 'chek'; did you mean 'check'?" when a command is near; 0 when none is. */
static int unknown_command(const char *word)
{
	const char *names[NCOMMANDS + 1];
	const char *near;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[NCOMMANDS] = NULL;
	if (!(near = cli_nearest(word, names)))
		return 0;
	cli_error("unknown command '%s'; did you mean '%s'?", word, near);
	return 1;
}

/* pirscan help [COMMAND]: a command's own help, as with 'pirscan COMMAND --help'. */
static int cmd_help(int argc, char **argv)
{
	const struct pir_cmd *c;
	char *args[] = {NULL, "--help", NULL};

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!(c = find_command(argv[1]))) {
		if (!unknown_command(argv[1]))
			cli_error("unknown command '%s' (see 'pirscan help')", argv[1]);
		return CLI_EXIT_FATAL;
	}
	args[0] = argv[1];
	return c->fn(2, args);
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("pirscan %s\n", pir_version());
	return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		return cmd_version(argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(1, argv);
	if (argc > 1) {
		const struct pir_cmd *c = find_command(argv[1]);
		struct stat st;
		if (c)
			return c->fn(argc - 1, argv + 1);
		/* a word that is no path but is near a command is a typo, not a repository */
		if (argv[1][0] != '-' && stat(argv[1], &st) != 0 && unknown_command(argv[1]))
			return CLI_EXIT_FATAL;
	}
	/* no command: scan, with every argument an option or a repository */
	return cmd_scan(argc, argv);
}

int main(int argc, char **argv)
{
	int ret;

	pir_library_init(); /* once for the whole run: the configuration and the scan share it */
	ret = dispatch(argc, argv);
	pir_library_shutdown();
	return ret;
}
