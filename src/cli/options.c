/* SPDX-License-Identifier: MIT */
/* The options: getopt_long over each command's table, and the scan options all share. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_scan_options_help =
    "Scan options:\n"
    "  --ref REF           scan the tree of REF instead of HEAD\n"
    "  --all-refs          walk the history of every branch and tag\n"
    "  --no-history        skip the history walk (no ages; fast)\n"
    "  --as-of YYYY-MM-DD  compute ages and overdue days at this date (default: today, UTC)\n"
    "  --marker REGEX      pcre2 pattern replacing the marker grammar (repeatable: tried\n"
    "                      in order; 'default' is the built-in grammar); named groups\n"
    "                      id, incident, ref and text fill those fields\n"
    "  --item-file NAME    action-items file name (repeatable; default action-items.yml\n"
    "                      and action-items.yaml)\n"
    "  --max-size BYTES    skip blobs larger than this (suffix K, M, G; default 8M)\n"
    "  --threads N         worker threads (default: the number of cores, at most 8)\n"
    "  --cache DIR         keep each repository's result in DIR/cache.sqlite and use it\n"
    "                      again while its refs and these options are the same\n"
    "                      (default: $XDG_CACHE_HOME/pirscan, else ~/.cache/pirscan)\n"
    "  --no-cache          neither read nor write the cache\n"
    "  --color WHEN        auto, always or never (NO_COLOR is respected)\n"
    "  --config FILE       read the configuration from FILE instead of .pirscan.yml\n"
    "                      in the first repository's scanned tree\n"
    "  --no-config         use no configuration file\n"
    "  --from-json         the arguments are files written by 'pirscan --format json'\n"
    "                      (shards): link their results instead of scanning\n"
    "  -q, --quiet         no progress and no diagnostics on stderr\n"
    "\n"
    "Repository options:\n"
    "  --repos-from FILE   read repositories from FILE ('-' for standard input), one a\n"
    "                      line, with the arguments; '#' starts a comment line. A line\n"
    "                      is a path or a file://, git://, https:// or ssh:// URL,\n"
    "                      kept as a bare mirror under $XDG_CACHE_HOME/pirscan and\n"
    "                      fetched first; it is named by what follows the folder all\n"
    "                      lines of FILE share, without '.git'\n"
    "  --no-fetch          scan the mirrors of URLs as they are\n"
    "  --shard K/N         only the K-th of N slices of the repositories (0 <= K < N),\n"
    "                      balanced by size, the same in every shard: in a Kubernetes\n"
    "                      Indexed Job, --shard \"$JOB_COMPLETION_INDEX/N\"\n"
    "\n"
    "Filter options (each repeatable: values of one option OR, options AND):\n"
    "  --severity NAME     items of this severity\n"
    "  --owner NAME        items of this owner ('@alice' and 'alice' are the same)\n"
    "  --team NAME         items of this team ('unassigned' for none)\n"
    "  --incident ID       items of this incident\n"
    "  --repo NAME         items with a location in this repository (its name or path)\n";

int cli_parse_days(int *out, const char *opt, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 100000) {
		cli_error("%s: expected a number of days (0 or more), not '%s'", opt, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int parse_size(size_t *out, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (v > (SIZE_MAX >> shift))
		return -1;
	v <<= shift;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Append `v` to the NULL-terminated list of a repeatable option (the list is the caller's). */
static int push_value(const char *const **list, const char *v)
{
	const char **l = (const char **)*list;
	size_t n = 0;

	while (l && l[n])
		n++;
	if (!(l = realloc(l, (n + 2) * sizeof(*l)))) {
		cli_error("out of memory");
		return -1;
	}
	l[n] = v;
	l[n + 1] = NULL;
	*list = l;
	return 0;
}

static int parse_threads(unsigned *out, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || n < 1 || n > 64) {
		cli_error("--threads: expected a number from 1 to 64, not '%s'", v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int parse_color(int *out, const char *v)
{
	if (!strcmp(v, "auto"))
		*out = -1;
	else if (!strcmp(v, "always"))
		*out = 1;
	else if (!strcmp(v, "never"))
		*out = 0;
	else {
		cli_error("--color: expected auto, always or never, not '%s'", v);
		return -1;
	}
	return 0;
}

/* A repository argument, or with `list` a file of them, in the order given. */
static int add_source(cli_scan_args *a, const char *value, bool list)
{
	cli_source *sources = realloc(a->sources, (a->nsources + 1) * sizeof(*sources));
	const char **repos = list ? a->repos : realloc(a->repos, (a->nrepos + 1) * sizeof(*repos));

	if (sources)
		a->sources = sources;
	if (repos)
		a->repos = repos;
	if (!sources || (!list && !repos)) {
		cli_error("out of memory");
		return -1;
	}
	sources[a->nsources++] = (cli_source){value, list};
	if (!list)
		repos[a->nrepos++] = value;
	return 0;
}

static int parse_shard(cli_scan_args *a, const char *v)
{
	if (pir_fleet_parse_shard(&a->fleet_opts.shard, &a->fleet_opts.nshards, v) < 0) {
		cli_error("--shard: %s", pir_error_last());
		return -1;
	}
	return 0;
}

/* The options that take a value and check it. */
static int scan_value_option(cli_scan_args *a, int opt, const char *v)
{
	switch (opt) {
	case CLI_OPT_AS_OF:
		if (pir_date_parse(&a->scan.as_of, v, strlen(v)) < 0) {
			cli_error("--as-of: invalid date '%s' (expected YYYY-MM-DD)", v);
			return -1;
		}
		a->set |= CLI_SET_AS_OF;
		return 0;
	case CLI_OPT_MARKER:
		if (push_value(&a->scan.marker_patterns, v) < 0)
			return -1;
		a->set |= CLI_SET_MARKER;
		return 0;
	case CLI_OPT_ITEM_FILE:
		if (push_value(&a->scan.item_files, v) < 0)
			return -1;
		a->set |= CLI_SET_ITEM_FILES;
		return 0;
	case CLI_OPT_MAX_SIZE:
		if (parse_size(&a->scan.max_blob_size, v) < 0) {
			cli_error("--max-size: invalid size '%s'", v);
			return -1;
		}
		return 0;
	case CLI_OPT_THREADS:
		return parse_threads(&a->scan.threads, v);
	case CLI_OPT_COLOR:
		return parse_color(&a->color, v);
	case CLI_OPT_REPOS_FROM:
		return add_source(a, v, true);
	case CLI_OPT_SHARD:
		return parse_shard(a, v);
	default:
		return push_value(&a->filter[opt - CLI_OPT_FILTER], v);
	}
}

int cli_scan_option(cli_scan_args *a, int opt, const char *v)
{
	switch (opt) {
	case CLI_OPT_ARG:
		return add_source(a, v, false);
	case CLI_OPT_NO_FETCH:
		a->no_fetch = true;
		return 0;
	case CLI_OPT_ALL_REFS:
		a->scan.all_refs = true;
		return 0;
	case CLI_OPT_NO_HISTORY:
		a->scan.no_history = true;
		return 0;
	case CLI_OPT_QUIET:
		a->quiet = true;
		return 0;
	case CLI_OPT_NO_CONFIG:
		a->no_config = true;
		return 0;
	case CLI_OPT_FROM_JSON:
		a->from_json = true;
		return 0;
	case CLI_OPT_CONFIG:
		a->config_path = v;
		return 0;
	case CLI_OPT_REF:
		a->scan.ref = v;
		return 0;
	case CLI_OPT_CACHE: /* the last of --cache and --no-cache wins */
		a->cache_dir = v;
		a->fleet_opts.cache_dir = v; /* the mirrors of URLs are kept there too */
		a->no_cache = false;
		return 0;
	case CLI_OPT_NO_CACHE:
		a->no_cache = true;
		return 0;
	default:
		return scan_value_option(a, opt, v);
	}
}

/*
 * The short options of a table: "-" (repositories come back in order, as
 * CLI_OPT_ARG), ":" (a missing value is ':', not '?'), then the letters.
 */
static const char *short_options(const struct option *options, char *buf, size_t size)
{
	size_t n = 0;

	buf[n++] = '-';
	buf[n++] = ':';
	for (; options->name && n + 1 < size; options++)
		if (options->val > 0 && options->val < 128 && isalpha(options->val))
			buf[n++] = (char)options->val;
	buf[n] = '\0';
	return buf;
}

/* The entry `arg` names exactly ("-x", "--name" or "--name=VALUE"), or NULL. */
static const struct option *exact_option(const struct option *options, const char *arg)
{
	size_t len;

	if (arg[0] != '-')
		return NULL;
	if (arg[1] != '-') {
		for (; arg[1] && !arg[2] && options->name; options++)
			if (options->val == (unsigned char)arg[1])
				return options;
		return NULL;
	}
	len = strcspn(arg + 2, "=");
	for (; options->name; options++)
		if (strlen(options->name) == len && !strncmp(options->name, arg + 2, len))
			return options;
	return NULL;
}

const char *cli_getopt_peek(const cli_getopt *g)
{
	int at = g->started ? optind : 1;

	return !g->rest && at < g->argc ? g->argv[at] : NULL;
}

/*
 * getopt_long with "-" ordering: options and repositories in the order
 * given, whatever POSIXLY_CORRECT says. Its own messages are off (opterr 0)
 * and these are the CLI's: getopt would also take an abbreviation ("--stal"
 * for "--stale") or a cluster ("-qh"); neither is an option here.
 */
int cli_getopt_next(cli_getopt *g)
{
	char shorts[32];
	const struct option *o;
	const char *arg;
	int at, c;

	if (!g->started) {
		optind = 0; /* GNU: start afresh */
		opterr = 0;
		g->started = true;
	}
	if (g->rest) {
		if (optind >= g->argc)
			return CLI_OPT_END;
		g->arg = g->argv[optind++];
		return CLI_OPT_ARG;
	}
	at = optind ? optind : 1;
	c = getopt_long(g->argc, g->argv, short_options(g->options, shorts, sizeof(shorts)),
			g->options, NULL);
	if (c == -1) {
		g->rest = true; /* after "--", or at the end */
		return cli_getopt_next(g);
	}
	g->arg = optarg;
	if (c == CLI_OPT_ARG)
		return CLI_OPT_ARG;
	arg = g->argv[at];
	if (!(o = exact_option(g->options, arg)) || c == '?') {
		cli_unknown_option(arg, g->cmd, g->options);
		return CLI_OPT_ERROR;
	}
	if (c == ':') {
		cli_error("option '--%s' needs a value", o->name);
		return CLI_OPT_ERROR;
	}
	return c;
}

char **cli_option_names(const struct option *options)
{
	size_t n = 0, size = 0, k = 0;
	char **names, *p;

	for (; options[n].name; n++)
		size += strlen(options[n].name) + 3 + 3; /* "--name", and "-x" maybe */
	if (!(names = malloc((2 * n + 1) * sizeof(*names) + size)))
		return NULL;
	p = (char *)(names + 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		int c = options[i].val;
		if (c > 0 && c < 128 && isalpha(c)) {
			names[k++] = p;
			p += sprintf(p, "-%c", c) + 1;
		}
		names[k++] = p;
		p += sprintf(p, "--%s", options[i].name) + 1;
	}
	names[k] = NULL;
	return names;
}

void cli_unknown_option(const char *arg, const char *cmd, const struct option *options)
{
	char **names = cli_option_names(options);
	char *name = strdup(arg);
	const char *near = NULL;
	const char *help = cmd ? cmd : "";

	if (name && strchr(name, '='))
		*strchr(name, '=') = '\0';
	if (names && name)
		near = cli_nearest(name, (const char *const *)names);
	if (near)
		cli_error("unknown option '%s'; did you mean '%s'? (see 'pirscan %s%s--help')", arg,
			  near, help, *help ? " " : "");
	else
		cli_error("unknown option '%s' (see 'pirscan %s%s--help')", arg, help,
			  *help ? " " : "");
	free(names);
	free(name);
}
