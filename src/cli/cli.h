/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_CLI_H
#define PIRSCAN_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "pirscan/pirscan.h"

/* Exit statuses: the same for every subcommand. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FINDINGS = 1, /* the gate found something (check) */
	CLI_EXIT_FATAL = 2,    /* usage and fatal errors */
	CLI_HELP_SHOWN = -1,   /* a command's option parser: the help was asked for (exit 0) */
};

struct pir_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int cmd_scan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
void cmd_scan_usage(FILE *f);
void cmd_check_usage(FILE *f);
void cmd_report_usage(FILE *f);
void cmd_incidents_usage(FILE *f);
/* Each command's option table, for its parser and the tests. */
extern const struct option cmd_scan_options[];
extern const struct option cmd_check_options[];
extern const struct option cmd_report_options[];
extern const struct option cmd_incidents_options[];

/* One-line message on stderr, prefixed "pirscan: ". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a libpirscan error code with the library's message; returns CLI_EXIT_FATAL. */
int cli_fail(int code, const char *context);
/* Write a buffer to stdout; returns CLI_EXIT_FATAL on a write error. */
int cli_write(const pir_buf *buf);

/* Options shared by the commands that scan. */
/* Which scan options a flag set: the configuration file fills in the others. */
enum {
	CLI_SET_MARKER = 1u << 0,
	CLI_SET_ITEM_FILES = 1u << 1,
	CLI_SET_AS_OF = 1u << 2,
};

/* A repository argument, or a list of them (--repos-from FILE), in the order given. */
typedef struct {
	const char *value;
	bool list;
} cli_source;

typedef struct {
	pir_scan_options scan;
	const char **repos; /* the repository arguments */
	size_t nrepos;
	cli_source *sources; /* the arguments and the lists, in order */
	size_t nsources;
	pir_fleet_options fleet_opts; /* --shard */
	bool no_fetch;		      /* --no-fetch */
	pir_fleet *fleet;	      /* resolved (and fetched) by cli_run_scan_prepare */
	bool quiet;
	int color;		 /* -1 auto, 0 never, 1 always */
	unsigned set;		 /* CLI_SET_* */
	const char *config_path; /* --config */
	bool no_config;		 /* --no-config */
	pir_config *config;	 /* loaded by cli_run_scan_prepare, or NULL */
	bool prepared;
	/* --severity, --owner, --team, --incident, --repo: NULL-terminated, or NULL */
	const char *const *filter[5];
	bool from_json; /* --from-json: the arguments are files of results, not repositories */
	const char *cache_dir; /* --cache DIR, NULL for the default */
	bool no_cache;	       /* --no-cache */
	char *cache_default;   /* the default folder, when used (freed with the args) */
} cli_scan_args;

#define CLI_SCAN_ARGS_INIT                                                                         \
	{                                                                                          \
		PIR_SCAN_OPTIONS_INIT, NULL, 0, NULL, 0, PIR_FLEET_OPTIONS_INIT, false, NULL,      \
		    false, -1, 0, NULL, false, NULL, false, {NULL}, false                          \
	}

/*
 * Options are parsed from tables with getopt_long: each command's own
 * entries, then CLI_SCAN_OPTIONS, then a zero entry. A value that is a
 * letter ('h', 'q') is also that short option; the others are long only.
 */
enum {
	CLI_OPT_ERROR = -2, /* a usage error, already reported */
	CLI_OPT_END = -1,
	CLI_OPT_ARG = 1, /* a repository argument, in cli_getopt.arg */
	CLI_OPT_SCAN = 0x100,
	CLI_OPT_REF = CLI_OPT_SCAN,
	CLI_OPT_ALL_REFS,
	CLI_OPT_NO_HISTORY,
	CLI_OPT_AS_OF,
	CLI_OPT_MARKER,
	CLI_OPT_ITEM_FILE,
	CLI_OPT_MAX_SIZE,
	CLI_OPT_THREADS,
	CLI_OPT_COLOR,
	CLI_OPT_CONFIG,
	CLI_OPT_NO_CONFIG,
	CLI_OPT_FROM_JSON,
	CLI_OPT_CACHE,
	CLI_OPT_NO_CACHE,
	CLI_OPT_REPOS_FROM,
	CLI_OPT_NO_FETCH,
	CLI_OPT_SHARD,
	CLI_OPT_QUIET = 'q',
	CLI_OPT_FILTER = 0x180,	 /* + the index in cli_scan_args.filter */
	CLI_OPT_COMMAND = 0x200, /* the first value of a command's own options */
};

/* The scan options, in the order of cli_scan_options_help (the suggestions follow it). */
#define CLI_SCAN_OPTIONS                                                                           \
	{"ref", required_argument, NULL, CLI_OPT_REF},                                             \
	    {"all-refs", no_argument, NULL, CLI_OPT_ALL_REFS},                                     \
	    {"no-history", no_argument, NULL, CLI_OPT_NO_HISTORY},                                 \
	    {"as-of", required_argument, NULL, CLI_OPT_AS_OF},                                     \
	    {"marker", required_argument, NULL, CLI_OPT_MARKER},                                   \
	    {"item-file", required_argument, NULL, CLI_OPT_ITEM_FILE},                             \
	    {"max-size", required_argument, NULL, CLI_OPT_MAX_SIZE},                               \
	    {"threads", required_argument, NULL, CLI_OPT_THREADS},                                 \
	    {"cache", required_argument, NULL, CLI_OPT_CACHE},                                     \
	    {"no-cache", no_argument, NULL, CLI_OPT_NO_CACHE},                                     \
	    {"color", required_argument, NULL, CLI_OPT_COLOR},                                     \
	    {"config", required_argument, NULL, CLI_OPT_CONFIG},                                   \
	    {"no-config", no_argument, NULL, CLI_OPT_NO_CONFIG},                                   \
	    {"from-json", no_argument, NULL, CLI_OPT_FROM_JSON},                                   \
	    {"quiet", no_argument, NULL, CLI_OPT_QUIET},                                           \
	    {"repos-from", required_argument, NULL, CLI_OPT_REPOS_FROM},                           \
	    {"no-fetch", no_argument, NULL, CLI_OPT_NO_FETCH},                                     \
	    {"shard", required_argument, NULL, CLI_OPT_SHARD},                                     \
	    {"severity", required_argument, NULL, CLI_OPT_FILTER + 0},                             \
	    {"owner", required_argument, NULL, CLI_OPT_FILTER + 1},                                \
	    {"team", required_argument, NULL, CLI_OPT_FILTER + 2},                                 \
	    {"incident", required_argument, NULL, CLI_OPT_FILTER + 3},                             \
	{                                                                                          \
		"repo", required_argument, NULL, CLI_OPT_FILTER + 4                                \
	}

/* The state of one command's option parsing. */
typedef struct {
	int argc;
	char **argv;
	const struct option *options; /* the command's table */
	const char *cmd;	      /* "check", "report", or NULL for scan */
	const char *arg;	      /* the option's value (NULL if none), or the repository */
	bool started, rest;	      /* rest: after "--", only repositories */
} cli_getopt;

#define CLI_GETOPT_INIT(argc, argv, options, cmd)                                                  \
	{                                                                                          \
		(argc), (argv), (options), (cmd), NULL, false, false                               \
	}

/*
 * The next option of g: its value (a CLI_OPT_* or a command's own), with
 * its value in g->arg; CLI_OPT_ARG for a repository; CLI_OPT_END after the
 * last; CLI_OPT_ERROR when an option is unknown, abbreviated, given a value
 * it does not take, or missing one (reported). Options and repositories may
 * come in any order; "--" ends the options.
 */
int cli_getopt_next(cli_getopt *g);
/* The argument the next cli_getopt_next looks at, or NULL (none, or after "--"). */
const char *cli_getopt_peek(const cli_getopt *g);
/* The names a table accepts, "-h" before "--help": a NULL-terminated list, one free(). */
char **cli_option_names(const struct option *options);

/*
 * Apply a scan option (a CLI_OPT_* value from CLI_SCAN_OPTIONS, or
 * CLI_OPT_ARG for a repository) with its value. Returns 0, or -1 on a
 * usage error (reported).
 */
int cli_scan_option(cli_scan_args *a, int opt, const char *value);
/* Load the configuration into `a` (once); prints its errors. */
int cli_run_scan_prepare(cli_scan_args *a);
/* Run the scan described by `a` (preparing it first if needed); prints diagnostics and progress. */
int cli_run_scan(pir_scan **out, cli_scan_args *a);
void cli_scan_args_dispose(cli_scan_args *a);
/*
 * repos.c: the fleet of `a` (its arguments and lists, "." without either)
 * resolved, its URLs fetched (unless --no-fetch; "fetch K/N" with `progress`),
 * its paths checked. CLI_EXIT_OK or CLI_EXIT_FATAL (reported).
 */
int cli_fleet_prepare(cli_scan_args *a, bool progress);
/* The first repository of the fleet that can be opened (for .pirscan.yml), or NULL. */
const char *cli_fleet_first(const cli_scan_args *a);
/* Add the fleet's repositories to `scan`, with their names; CLI_EXIT_OK or CLI_EXIT_FATAL. */
int cli_fleet_add(pir_scan *scan, const cli_scan_args *a);
/*
 * The exit status after the output is written: CLI_EXIT_FATAL, with a
 * message, when an object could not be read (nothing can be vouched for);
 * otherwise `ret`.
 */
int cli_vouch(const pir_scan *scan, int ret);
bool cli_use_color(int mode);
unsigned cli_term_width(void);

/* A number of days (0 to 100000) for option `opt`; -1 with a message otherwise. */
int cli_parse_days(int *out, const char *opt, const char *v);

extern const char *cli_scan_options_help;

/* The candidate nearest `word` (a unique prefix, or a small edit distance), or NULL. */
const char *cli_nearest(const char *word, const char *const *candidates);
/* "OPT: expected a, b or c, not 'VALUE'", with the nearest of `choices` (NULL-ended), if any. */
void cli_bad_choice(const char *opt, const char *value, const char *const *choices);
/* "unknown option 'ARG'" with the nearest option of the table `options`, if any. */
void cli_unknown_option(const char *arg, const char *cmd, const struct option *options);
/* Whether `s` names a known severity of `list` (NULL for the defaults). */
bool cli_severity_known(const char *const *list, const char *s);
/* "OPT: unknown severity 'S'", with the nearest one of `list` if any. */
void cli_unknown_severity(const char *opt, const char *const *list, const char *s);

#endif
