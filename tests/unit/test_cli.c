/* SPDX-License-Identifier: MIT */
/* The CLI's option tables and their parser (getopt_long): no git needed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "test.h"

static const struct {
	const char *name;
	const struct option *options;
	void (*usage)(FILE *);
} commands[] = {
    {"scan", cmd_scan_options, cmd_scan_usage},
    {"check", cmd_check_options, cmd_check_usage},
    {"report", cmd_report_options, cmd_report_usage},
    {"incidents", cmd_incidents_options, cmd_incidents_usage},
};

/* The value of the option called `name` in `options` (a command's own are private). */
static int value_of(const struct option *options, const char *name)
{
	for (; options->name; options++)
		if (!strcmp(options->name, name))
			return options->val;
	return 0;
}

static bool listed(char **names, const char *word)
{
	for (; *names; names++)
		if (!strcmp(*names, word))
			return true;
	return false;
}

/*
 * Every option a command's help names is in its table and the other way
 * round, as tests/completion_test.py reads the help ("PATH -t -oi" are
 * sendmail's): the suggestions and the completions offer the same options.
 */
static void test_help_names_the_table(void)
{
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		char *text = NULL, **names = cli_option_names(commands[c].options);
		size_t size = 0;
		FILE *f = open_memstream(&text, &size);
		CHECK(f != NULL && names != NULL);
		if (!f || !names)
			return;
		commands[c].usage(f);
		fclose(f);
		for (const char *p = text; *p; p++) {
			size_t k = 1;
			char word[64];
			if (*p != '-' || (p > text && !strchr(" [\n", p[-1])))
				continue;
			k += p[1] == '-';
			if (!isalpha((unsigned char)p[k]))
				continue;
			k += strspn(p + k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
				 ? 1
				 : 0;
			k += strspn(p + k, "abcdefghijklmnopqrstuvwxyz0123456789-");
			snprintf(word, sizeof(word), "%.*s", (int)k, p);
			p += k - 1;
			if (strcmp(word, "-t") && strcmp(word, "-oi") && !listed(names, word)) {
				fprintf(stderr,
					"%s: the help names %s, the table has no such option\n",
					commands[c].name, word);
				CHECK(!"an option of the help is missing from the table");
			}
		}
		for (char **n = names; *n; n++) {
			char pat[80];
			snprintf(pat, sizeof(pat), " %s", *n);
			if (!strstr(text, pat)) {
				fprintf(stderr, "%s: %s is not in the help\n", commands[c].name,
					*n);
				CHECK(!"an option of the table is missing from the help");
			}
		}
		free(names);
		free(text);
	}
}

/* What a parse sends to stderr, in `buf` (the messages are part of the interface). */
static FILE *err_capture;
static int saved_stderr = -1;

static void capture_start(void)
{
	fflush(stderr);
	err_capture = tmpfile();
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(err_capture), STDERR_FILENO);
}

static char *capture_end(void)
{
	static char buf[1024];
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(err_capture);
	n = fread(buf, 1, sizeof(buf) - 1, err_capture);
	buf[n] = '\0';
	fclose(err_capture);
	return buf;
}

/* Parse argv as `cmd` would; the options and repositories seen, one "name=value" or "@repo" each.
 */
static int parse(char *out, size_t size, const struct option *options, const char *cmd, char **argv)
{
	int argc = 0, c;
	cli_getopt g;
	size_t len = 0;

	while (argv[argc])
		argc++;
	g = (cli_getopt)CLI_GETOPT_INIT(argc, argv, options, cmd);
	out[0] = '\0';
	while ((c = cli_getopt_next(&g)) != CLI_OPT_END && c != CLI_OPT_ERROR) {
		const struct option *o = options;
		while (o->name && o->val != c)
			o++;
		len += (size_t)snprintf(out + len, size - len, "%s%s%s%s", len ? " " : "",
					c == CLI_OPT_ARG ? "@"
					: o->name	 ? o->name
							 : "?",
					g.arg && c != CLI_OPT_ARG ? "=" : "", g.arg ? g.arg : "");
	}
	return c;
}

static void test_order_and_values(void)
{
	char got[512];
	char *argv[] = {"scan",	 "svc",	 "--stale", "other", "--format=json",
			"--ref", "main", "-q",	    "-",     "--as-of",
			"-h",	 "--",	 "--all",   "-q",    NULL};

	/* options after repositories, both value forms, a value that looks like an option */
	CHECK_INT(parse(got, sizeof(got), cmd_scan_options, NULL, argv), CLI_OPT_END);
	CHECK_STR(got, "@svc stale @other format=json ref=main quiet @- as-of=-h @--all @-q");
	/* the same whatever POSIXLY_CORRECT says */
	setenv("POSIXLY_CORRECT", "1", 1);
	CHECK_INT(parse(got, sizeof(got), cmd_scan_options, NULL, argv), CLI_OPT_END);
	CHECK_STR(got, "@svc stale @other format=json ref=main quiet @- as-of=-h @--all @-q");
	unsetenv("POSIXLY_CORRECT");
}

static void test_errors(void)
{
	static const struct {
		char *argv[4];
		const char *cmd, *err;
	} cases[] = {
	    /* an abbreviation getopt_long would take is no option here */
	    {{"scan", "--stal", NULL},
	     NULL,
	     "pirscan: unknown option '--stal'; did you mean '--stale'? (see 'pirscan --help')\n"},
	    {{"check", "--fail-on-r=x", NULL},
	     "check",
	     "pirscan: unknown option '--fail-on-r=x'; did you mean '--fail-on'? (see 'pirscan "
	     "check --help')\n"},
	    /* nor is a cluster of short options */
	    {{"scan", "-qh", NULL},
	     NULL,
	     "pirscan: unknown option '-qh'; did you mean '-h'? (see 'pirscan --help')\n"},
	    {{"scan", "--stale=1", NULL},
	     NULL,
	     "pirscan: unknown option '--stale=1'; did you mean '--stale'? (see 'pirscan "
	     "--help')\n"},
	    {{"scan", "svc", "--ref", NULL}, NULL, "pirscan: option '--ref' needs a value\n"},
	    {{"report", "--sendmai", NULL},
	     "report",
	     "pirscan: unknown option '--sendmai'; did you mean '--sendmail'? (see 'pirscan "
	     "report --help')\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[512];
		const struct option *o = !cases[i].cmd			  ? cmd_scan_options
					 : !strcmp(cases[i].cmd, "check") ? cmd_check_options
									  : cmd_report_options;
		int c;
		capture_start();
		c = parse(got, sizeof(got), o, cases[i].cmd, (char **)cases[i].argv);
		CHECK_STR(capture_end(), cases[i].err);
		CHECK_INT(c, CLI_OPT_ERROR);
	}
}

/* Repeatable options append, in order; a filter of each kind. */
static void test_repeatable(void)
{
	char *argv[] = {"scan",
			"--marker",
			"a",
			"--marker=b",
			"--severity",
			"high",
			"--severity=low",
			"--item-file=x",
			"--item-file",
			"y",
			"--team=core",
			"svc",
			NULL};
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	cli_getopt g = CLI_GETOPT_INIT(12, argv, cmd_scan_options, NULL);
	int c;

	while ((c = cli_getopt_next(&g)) != CLI_OPT_END && c != CLI_OPT_ERROR)
		CHECK_INT(cli_scan_option(&a, c, g.arg), 0);
	CHECK_INT(c, CLI_OPT_END);
	CHECK(a.scan.marker_patterns && a.scan.marker_patterns[2] == NULL);
	if (a.scan.marker_patterns) {
		CHECK_STR(a.scan.marker_patterns[0], "a");
		CHECK_STR(a.scan.marker_patterns[1], "b");
	}
	CHECK(a.scan.item_files && !strcmp(a.scan.item_files[0], "x") &&
	      !strcmp(a.scan.item_files[1], "y") && !a.scan.item_files[2]);
	CHECK(a.filter[0] && !strcmp(a.filter[0][0], "high") && !strcmp(a.filter[0][1], "low") &&
	      !a.filter[0][2]);
	CHECK(a.filter[2] && !strcmp(a.filter[2][0], "core") && !a.filter[2][1]);
	CHECK_INT(a.nrepos, 1);
	CHECK_INT(a.set, CLI_SET_MARKER | CLI_SET_ITEM_FILES);
	CHECK_INT(value_of(cmd_scan_options, "quiet"), 'q');
	cli_scan_args_dispose(&a);
}

int main(void)
{
	RUN(test_help_names_the_table);
	RUN(test_order_and_values);
	RUN(test_errors);
	RUN(test_repeatable);
	fprintf(stderr, "%d checks, %d failed\n", test_checks, test_failures);
	return test_failures ? 1 : 0;
}
