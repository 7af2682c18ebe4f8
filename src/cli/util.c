/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pirscan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The flag that sets an options field the library's error is about
 * (pir_error_option), or NULL. Only where the message alone could mislead: an
 * unknown --changed-since revision is not the one being scanned.
 */
static const char *error_flag(void)
{
	static const struct {
		const char *option, *flag;
	} flags[] = {
	    {"changed_since", "--changed-since"},
	};
	const char *option = pir_error_option();

	for (size_t i = 0; option && i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(option, flags[i].option))
			return flags[i].flag;
	return NULL;
}

int cli_fail(int code, const char *context)
{
	const char *msg = pir_error_last(), *flag = error_flag();

	if (!msg)
		msg = "unknown error";
	if (context && flag)
		cli_error("%s: %s (%s)", context, msg, flag);
	else if (context)
		cli_error("%s: %s", context, msg);
	else if (flag)
		cli_error("%s (%s)", msg, flag);
	else
		cli_error("%s", msg);
	(void)code;
	return CLI_EXIT_FATAL;
}

int cli_write(const pir_buf *buf)
{
	if (buf->size && fwrite(buf->ptr, 1, buf->size, stdout) != buf->size) {
		cli_error("cannot write output: %s", strerror(errno));
		return CLI_EXIT_FATAL;
	}
	if (fflush(stdout) != 0) {
		cli_error("cannot write output: %s", strerror(errno));
		return CLI_EXIT_FATAL;
	}
	return CLI_EXIT_OK;
}

void cli_scan_args_dispose(cli_scan_args *a)
{
	free(a->repos);
	free(a->sources);
	pir_fleet_free(a->fleet);
	for (size_t f = 0; f < sizeof(a->filter) / sizeof(a->filter[0]); f++)
		free((void *)a->filter[f]);
	if (a->set & CLI_SET_ITEM_FILES)
		free((void *)a->scan.item_files);
	if (a->set & CLI_SET_MARKER)
		free((void *)a->scan.marker_patterns);
	pir_config_free(a->config);
	free(a->cache_default);
}

/* A configuration's errors, one "pirscan: file:line:column: message" line each. */
static void print_config_errors(const pir_buf *errors, int err)
{
	if (!errors->size) {
		cli_fail(err, NULL);
		return;
	}
	for (const char *line = errors->ptr; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		fprintf(stderr, "pirscan: %.*s\n", (int)len, line);
		line += len + (nl != NULL);
	}
}

/*
 * Where a host configuration file is: $PIRSCAN_CONFIG_USER or
 * $PIRSCAN_CONFIG_SYSTEM when set ("" for none, as GIT_CONFIG_GLOBAL and
 * GIT_CONFIG_SYSTEM), else $XDG_CONFIG_HOME/pirscan/config.yml (an absolute
 * XDG_CONFIG_HOME, else ~/.config) or /etc/pirscan/config.yml. *out is NULL
 * when there is none; -1 when out of memory.
 */
static int host_config_path(char **out, bool user)
{
	const char *v = getenv(user ? "PIRSCAN_CONFIG_USER" : "PIRSCAN_CONFIG_SYSTEM");
	const char *base, *tail = "/pirscan/config.yml";
	size_t len;

	*out = NULL;
	if (v)
		return *v && !(*out = strdup(v)) ? -1 : 0;
	if (!user)
		return !(*out = strdup("/etc/pirscan/config.yml")) ? -1 : 0;
	if ((base = getenv("XDG_CONFIG_HOME")) && base[0] == '/')
		;
	else if ((base = getenv("HOME")) && *base)
		tail = "/.config/pirscan/config.yml";
	else
		return 0;
	len = strlen(base) + strlen(tail) + 1;
	if (!(*out = malloc(len)))
		return -1;
	snprintf(*out, len, "%s%s", base, tail);
	return 0;
}

/*
 * The user's and then the system's file under the configuration already
 * loaded (the repository's or --config FILE): they add delivery settings
 * and teams, and never override what the layer above sets. A missing file
 * is fine; one that cannot be read, or is invalid, is an error.
 */
static int add_host_configs(cli_scan_args *a)
{
	for (int user = 1; user >= 0; user--) {
		pir_buf errors = PIR_BUF_INIT;
		pir_config *host = NULL;
		char *path;
		int err;

		if (host_config_path(&path, user) < 0) {
			cli_error("out of memory");
			return -1;
		}
		if (!path)
			continue;
		err = pir_config_load_host(&host, path, &errors);
		free(path);
		if (err == PIR_ENOTFOUND) {
			pir_buf_dispose(&errors);
			continue;
		}
		if (!err && !a->config)
			err = pir_config_parse(&a->config, "", 0, NULL, NULL);
		if (!err)
			err = pir_config_add_host(a->config, host);
		if (err < 0)
			print_config_errors(&errors, err);
		pir_buf_dispose(&errors);
		pir_config_free(host);
		if (err < 0)
			return -1;
	}
	return 0;
}

/*
 * The configuration: --config FILE, else .pirscan.yml in the scanned tree of
 * the first repository, with the host's files under it. It fills in what no
 * flag set; flags win.
 */
static int load_config(cli_scan_args *a, const char *first_repo)
{
	pir_scan_options from_file = PIR_SCAN_OPTIONS_INIT;
	pir_buf errors = PIR_BUF_INIT;
	int err;

	if (a->no_config)
		return 0;
	/*
	 * In pull-request mode the policy is the target's (--changed-since), not
	 * the one the change brings: a pull request cannot loosen its own gate.
	 */
	if (a->config_path)
		err = pir_config_load(&a->config, a->config_path, &errors);
	else if (a->from_json)
		err = PIR_ENOTFOUND; /* no repository to read it from: --config FILE */
	else if (!first_repo)	     /* an empty list, or only URLs not mirrored */
		err = PIR_ENOTFOUND;
	else
		err = pir_config_load_from_repository(
		    &a->config, first_repo,
		    a->scan.changed_since ? a->scan.changed_since : a->scan.ref, &errors);
	if (err == PIR_ENOTFOUND && !a->config_path)
		err = 0; /* no file: the defaults apply */
	if (err < 0)
		print_config_errors(&errors, err);
	pir_buf_dispose(&errors);
	if (err < 0 || add_host_configs(a) < 0)
		return -1;
	if (!a->config)
		return 0;
	pir_config_apply_scan(a->config, &from_file);
	if (!(a->set & CLI_SET_MARKER))
		a->scan.marker_patterns = from_file.marker_patterns;
	a->scan.marker_require_reference = from_file.marker_require_reference;
	if (!(a->set & CLI_SET_ITEM_FILES))
		a->scan.item_files = from_file.item_files;
	if (!(a->set & CLI_SET_AS_OF))
		a->scan.as_of = from_file.as_of;
	a->scan.severities = from_file.severities;
	memcpy(a->scan.stale_days, from_file.stale_days, sizeof(a->scan.stale_days));
	a->scan.stale_days_none = from_file.stale_days_none;
	a->scan.exclude = from_file.exclude;
	a->scan.max_slips = from_file.max_slips;
	a->scan.postmortem_files = from_file.postmortem_files; /* issue 12 */
	a->scan.teams_from = a->config;
	return 0;
}

/* A terminal that cannot do escape sequences (Emacs shells, some CI logs). */
static bool term_dumb(void)
{
	const char *t = getenv("TERM");

	return t && !strcmp(t, "dumb");
}

bool cli_use_color(int mode)
{
	const char *nc = getenv("NO_COLOR");

	if (mode >= 0)
		return mode == 1;
	if ((nc && *nc) || term_dumb())
		return false;
	return isatty(STDOUT_FILENO) != 0;
}

/*
 * The width the table fits: $COLUMNS when set to a number (an explicit
 * request, honoured even when piped, as ls does), else the terminal's, else
 * no limit when standard output is not a terminal (a pipe gets every
 * character, as with gh).
 */
unsigned cli_term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	char *end;
	long n;

	if (cols && *cols) {
		errno = 0;
		n = strtol(cols, &end, 10);
		if (!errno && !*end && n > 0 && n <= 100000)
			return (unsigned)n;
	}
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 80;
}

/* Optimal string alignment distance (edits and adjacent swaps), ASCII case folded. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *d, best;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	if (!(d = calloc((la + 1) * (lb + 1), sizeof(*d))))
		return SIZE_MAX;
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost =
			    tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < v)
				v = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	}
	best = D(la, lb);
#undef D
	free(d);
	return best;
}

const char *cli_nearest(const char *word, const char *const *candidates)
{
	const char *best = NULL, *prefix = NULL;
	size_t best_d = SIZE_MAX, len = strlen(word), nprefix = 0, dashes = strspn(word, "-");

	if (len <= dashes)
		return NULL;
	for (const char *const *c = candidates; *c; c++) {
		size_t d = edit_distance(word, *c), lc = strlen(*c);
		if (strlen(*c) > len && !strncasecmp(*c, word, len) && len - dashes >= 2) {
			prefix = *c;
			nprefix++;
		}
		/* close enough: at most 2 edits, and at most half the longer word */
		if (d <= 2 && d * 2 <= (lc > len ? lc : len) - dashes && d < best_d) {
			best = *c;
			best_d = d;
		}
	}
	if (best)
		return best;
	return nprefix == 1 ? prefix : NULL;
}

void cli_bad_choice(const char *opt, const char *value, const char *const *choices)
{
	const char *near = cli_nearest(value, choices);
	char list[256];
	size_t at = 0;

	list[0] = '\0';
	for (size_t i = 0; choices[i] && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s",
				       !i		? ""
				       : choices[i + 1] ? ", "
							: " or ",
				       choices[i]);
	if (near)
		cli_error("%s: expected %s, not '%s'; did you mean '%s'?", opt, list, value, near);
	else
		cli_error("%s: expected %s, not '%s'", opt, list, value);
}

bool cli_severity_known(const char *const *list, const char *s)
{
	for (list = list && list[0] ? list : pir_default_severities(); *list; list++)
		if (!strcasecmp(*list, s))
			return true;
	return false;
}

void cli_unknown_severity(const char *opt, const char *const *list, const char *s)
{
	const char *near = cli_nearest(s, list && list[0] ? list : pir_default_severities());

	if (near)
		cli_error("%s: unknown severity '%s'; did you mean '%s'?", opt, s, near);
	else
		cli_error("%s: unknown severity '%s'", opt, s);
}

typedef struct {
	struct timespec last;
	bool shown;
	size_t repos_done, repos_total; /* of several repositories */
} progress_state;

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int on_progress(const pir_progress *p, void *payload)
{
	progress_state *st = payload;
	struct timespec now;
	bool final = p->total && p->done >= p->total;

	bool repos = !strcmp(p->phase, "repositories");

	if (repos) {
		st->repos_done = p->done;
		st->repos_total = p->total;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && st->shown && elapsed(&st->last, &now) < 0.1)
		return 0;
	if (repos) { /* one done (perhaps from the cache): the fleet's line alone */
		st->last = now;
		st->shown = true;
		fprintf(stderr, "\r\033[Kpirscan: repo %zu/%zu %s", p->done, p->total, p->repo);
		return 0;
	}
	if (!p->repo) {
		if (st->shown)
			fputs("\r\033[K", stderr);
		st->shown = false;
		return 0;
	}
	st->last = now;
	st->shown = true;
	fputs("\r\033[Kpirscan: ", stderr);
	if (st->repos_total) /* the fleet first: repo 417/998 */
		fprintf(stderr, "repo %zu/%zu ",
			st->repos_done + 1 > st->repos_total ? st->repos_total : st->repos_done + 1,
			st->repos_total);
	if (p->total)
		fprintf(stderr, "%s: %s %zu/%zu (%u%%)", p->repo, p->phase, p->done, p->total,
			(unsigned)(p->done * 100 / p->total));
	else
		fprintf(stderr, "%s: %s %zu", p->repo, p->phase, p->done);
	return 0;
}

static int print_diagnostics(const pir_scan *scan)
{
	pir_buf b = PIR_BUF_INIT;
	int err = 0;

	bool unborn = false;

	for (size_t i = 0; i < pir_scan_diagnostic_count(scan) && !err; i++) {
		const pir_diagnostic *d = pir_scan_diagnostic(scan, i);
		err = pir_format_diagnostic(&b, d);
		unborn |= !strcmp(d->code, "unborn-head");
	}
	if (!err && b.size)
		fwrite(b.ptr, 1, b.size, stderr);
	pir_buf_dispose(&b);
	/* the library names no flag: the way out is the CLI's to say */
	if (!err && unborn)
		fputs("pirscan: hint: scan one of its branches with --ref BRANCH\n", stderr);
	return err;
}

/* The codes of the repositories that could not be scanned, for cli_vouch's message. */
static const char *unscanned_codes(const pir_scan *scan)
{
	static const char *const codes[] = {"unborn-head", "repository-error", "fetch-failed"};
	static char buf[64];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t c = 0; c < sizeof(codes) / sizeof(*codes); c++) {
		for (size_t i = 0; i < pir_scan_diagnostic_count(scan); i++) {
			if (strcmp(pir_scan_diagnostic(scan, i)->code, codes[c]))
				continue;
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "",
					      codes[c]);
			break;
		}
	}
	return buf;
}

static size_t count_code(const pir_scan *scan, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < pir_scan_diagnostic_count(scan); i++)
		n += !strcmp(pir_scan_diagnostic(scan, i)->code, code);
	return n;
}

int cli_vouch(const pir_scan *scan, int ret)
{
	size_t n = pir_scan_unreadable_count(scan), u = pir_scan_unscanned_count(scan);
	size_t f = count_code(scan, "results-error");

	if ((!n && !u) || (ret != CLI_EXIT_OK && ret != CLI_EXIT_FINDINGS))
		return ret;
	if (n)
		cli_error("%zu object%s could not be read (unreadable-object); the result cannot "
			  "be vouched for",
			  n, n == 1 ? "" : "s");
	if (u > f)
		cli_error("%zu repositor%s could not be scanned (%s); the result cannot be "
			  "vouched for",
			  u - f, u - f == 1 ? "y" : "ies", unscanned_codes(scan));
	if (f)
		cli_error("%zu result%s could not be read (results-error); the result cannot be "
			  "vouched for",
			  f, f == 1 ? "" : "s");
	return CLI_EXIT_FATAL;
}

/* Progress on a terminal only, and not with --quiet. */
static bool show_progress(const cli_scan_args *a)
{
	return !a->quiet && isatty(STDERR_FILENO) && !term_dumb();
}

int cli_run_scan_prepare(cli_scan_args *a)
{
	if (a->prepared)
		return CLI_EXIT_OK;
	a->prepared = true;
	/* with --from-json the arguments are files of results, not repositories */
	if ((!a->from_json && cli_fleet_prepare(a, show_progress(a)) != CLI_EXIT_OK) ||
	    load_config(a, a->from_json ? NULL : cli_fleet_first(a)) < 0)
		return CLI_EXIT_FATAL;
	/* a wrong --severity is a usage error: say so before a long scan */
	for (size_t i = 0; a->filter[0] && a->filter[0][i]; i++) {
		if (!cli_severity_known(a->scan.severities, a->filter[0][i])) {
			cli_unknown_severity("--severity", a->scan.severities, a->filter[0][i]);
			return CLI_EXIT_FATAL;
		}
	}
	return CLI_EXIT_OK;
}

/*
 * The cache folder: --cache DIR, else $XDG_CACHE_HOME/pirscan (an absolute
 * XDG_CACHE_HOME), else ~/.cache/pirscan; none with --no-cache or without
 * HOME. -1 when out of memory.
 */
static int cache_dir(cli_scan_args *a)
{
	int err;

	a->scan.cache_dir = NULL;
	if (a->no_cache)
		return 0;
	if (a->cache_dir) {
		a->scan.cache_dir = a->cache_dir;
		return 0;
	}
	/* the fleet's rule, so that results and mirrors share one folder */
	if ((err = pir_fleet_cache_dir(&a->cache_default, NULL)) == PIR_ENOTFOUND)
		return 0;
	if (err < 0)
		return -1;
	a->scan.cache_dir = a->cache_default;
	return 0;
}

int cli_run_scan(pir_scan **out, cli_scan_args *a)
{
	static const char *const input[] = {"-"};
	progress_state st = {{0, 0}, false, 0, 0};
	pir_scan *scan = NULL;
	const char *const *files = a->nrepos ? a->repos : input;
	size_t nfiles = a->nrepos ? a->nrepos : 1;
	int err;

	*out = NULL;
	if (cli_run_scan_prepare(a) != CLI_EXIT_OK)
		return CLI_EXIT_FATAL;
	if (show_progress(a)) {
		a->scan.progress = on_progress;
		a->scan.progress_payload = &st;
	}
	/* of several repositories, one that cannot be read does not stop the others */
	a->scan.keep_going = a->from_json ? nfiles > 1 : a->fleet && pir_fleet_count(a->fleet) > 1;
	if (!a->cache_default && cache_dir(a) < 0)
		return cli_fail(PIR_ENOMEM, NULL);
	if ((err = pir_scan_new(&scan, &a->scan)) < 0)
		return cli_fail(err, NULL);
	for (size_t i = 0; a->from_json && i < nfiles; i++) {
		if ((err = pir_scan_add_results_file(scan, files[i])) < 0) {
			pir_scan_free(scan);
			return cli_fail(err, NULL);
		}
	}
	if (!a->from_json && cli_fleet_add(scan, a) != CLI_EXIT_OK) {
		pir_scan_free(scan);
		return CLI_EXIT_FATAL;
	}
	err = pir_scan_run(scan);
	if (st.shown)
		fputs("\r\033[K", stderr);
	if (err < 0) {
		pir_scan_free(scan);
		return cli_fail(err, NULL);
	}
	{
		pir_item_filter f = PIR_ITEM_FILTER_INIT;
		f.severities = a->filter[0];
		f.owners = a->filter[1];
		f.teams = a->filter[2];
		f.incidents = a->filter[3];
		f.repos = a->filter[4];
		if ((err = pir_scan_filter(scan, &f)) < 0) {
			pir_scan_free(scan);
			return cli_fail(err, err == PIR_ENOTFOUND ? "--repo" : NULL);
		}
	}
	if (!a->quiet && print_diagnostics(scan) < 0) {
		pir_scan_free(scan);
		return cli_fail(PIR_ENOMEM, NULL);
	}
	*out = scan;
	return CLI_EXIT_OK;
}
