/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_CLI_H
#define PIRSCAN_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "pirscan/pirscan.h"

/* Exit statuses: the same for every subcommand. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FINDINGS = 1, /* the gate found something (check) */
	CLI_EXIT_FATAL = 2,    /* usage and fatal errors */
};

struct pir_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int cmd_scan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
void cmd_scan_usage(FILE *f);

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

typedef struct {
	pir_scan_options scan;
	const char **repos;
	size_t nrepos;
	bool quiet;
	int color; /* -1 auto, 0 never, 1 always */
	unsigned set;            /* CLI_SET_* */
	const char *config_path; /* --config */
	bool no_config;          /* --no-config */
	pir_config *config;      /* loaded by cli_run_scan_prepare, or NULL */
	bool prepared;
	/* --severity, --owner, --team, --incident, --repo: NULL-terminated, or NULL */
	const char *const *filter[5];
} cli_scan_args;

#define CLI_SCAN_ARGS_INIT                                                                         \
	{PIR_SCAN_OPTIONS_INIT, NULL, 0, false, -1, 0, NULL, false, NULL, false, {NULL}}

/* Parse a scan option at argv[*i] (long options with "=VALUE" or a separate VALUE).
 * Returns 1 if consumed, 0 if not a scan option, -1 on a usage error (already reported). */
int cli_parse_scan_option(cli_scan_args *a, int argc, char **argv, int *i);
/* Load the configuration into `a` (once); prints its errors. */
int cli_run_scan_prepare(cli_scan_args *a);
/* Run the scan described by `a` (preparing it first if needed); prints diagnostics and progress. */
int cli_run_scan(pir_scan **out, cli_scan_args *a);
void cli_scan_args_dispose(cli_scan_args *a);
/*
 * The exit status after the output is written: CLI_EXIT_FATAL, with a
 * message, when an object could not be read (nothing can be vouched for);
 * otherwise `ret`.
 */
int cli_vouch(const pir_scan *scan, int ret);
bool cli_use_color(int mode);
unsigned cli_term_width(void);
/* Match "--name" or "--name=VALUE"; *value gets the value (maybe the next argument). */
int cli_opt_value(const char *name, int argc, char **argv, int *i, const char **value);

/* A number of days (0 to 100000) for option `opt`; -1 with a message otherwise. */
int cli_parse_days(int *out, const char *opt, const char *v);

extern const char *cli_scan_options_help;

/* The candidate nearest `word` (a unique prefix, or a small edit distance), or NULL. */
const char *cli_nearest(const char *word, const char *const *candidates);
/* "unknown option 'ARG'" with the nearest option of the help `usage` writes, if any. */
void cli_unknown_option(const char *arg, const char *cmd, void (*usage)(FILE *));
/* Whether `s` names a known severity of `list` (NULL for the defaults). */
bool cli_severity_known(const char *const *list, const char *s);
/* "OPT: unknown severity 'S'", with the nearest one of `list` if any. */
void cli_unknown_severity(const char *opt, const char *const *list, const char *s);

#endif
