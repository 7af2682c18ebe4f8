/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *cli_scan_options_help =
	"Scan options:\n"
	"  --ref REF           scan the tree of REF instead of HEAD\n"
	"  --all-refs          walk the history of every branch and tag\n"
	"  --no-history        skip the history walk (no ages; fast)\n"
	"  --as-of YYYY-MM-DD  compute ages and overdue days at this date (default: today, UTC)\n"
	"  --marker REGEX      pcre2 pattern replacing the marker grammar; named groups\n"
	"                      id, incident and text fill those fields\n"
	"  --item-file NAME    action-items file name (repeatable; default action-items.yml\n"
	"                      and action-items.yaml)\n"
	"  --max-size BYTES    skip blobs larger than this (suffix K, M, G; default 8M)\n"
	"  --threads N         worker threads (default: the number of cores, at most 8)\n"
	"  --color WHEN        auto, always or never (NO_COLOR is respected)\n"
	"  --config FILE       read the configuration from FILE instead of .pirscan.yml\n"
	"                      in the first repository's scanned tree\n"
	"  --no-config         use no configuration file\n"
	"  -q, --quiet         no progress and no diagnostics on stderr\n";

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pirscan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(int code, const char *context)
{
	const char *msg = pir_error_last();

	if (context)
		cli_error("%s: %s", context, msg ? msg : "unknown error");
	else
		cli_error("%s", msg ? msg : "unknown error");
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

int cli_opt_value(const char *name, int argc, char **argv, int *i, const char **value)
{
	size_t len = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, len) != 0)
		return 0;
	if (arg[len] == '=') {
		*value = arg + len + 1;
		return 1;
	}
	if (arg[len] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_error("option '%s' needs a value", name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

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
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
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

int cli_parse_scan_option(cli_scan_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v = NULL;
	int r;

	if (!strcmp(arg, "--all-refs")) {
		a->scan.all_refs = true;
		return 1;
	}
	if (!strcmp(arg, "--no-history")) {
		a->scan.no_history = true;
		return 1;
	}
	if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
		a->quiet = true;
		return 1;
	}
	if (!strcmp(arg, "--no-config")) {
		a->no_config = true;
		return 1;
	}
	if ((r = cli_opt_value("--config", argc, argv, i, &v)) != 0) {
		a->config_path = v;
		return r;
	}
	if ((r = cli_opt_value("--ref", argc, argv, i, &v)) != 0) {
		a->scan.ref = v;
		return r;
	}
	if ((r = cli_opt_value("--as-of", argc, argv, i, &v)) != 0) {
		if (r < 0)
			return r;
		if (pir_date_parse(&a->scan.as_of, v, strlen(v)) < 0) {
			cli_error("--as-of: invalid date '%s' (expected YYYY-MM-DD)", v);
			return -1;
		}
		a->set |= CLI_SET_AS_OF;
		return 1;
	}
	if ((r = cli_opt_value("--marker", argc, argv, i, &v)) != 0) {
		a->scan.marker_pattern = v;
		a->set |= CLI_SET_MARKER;
		return r;
	}
	if ((r = cli_opt_value("--item-file", argc, argv, i, &v)) != 0) {
		const char **files = (const char **)a->scan.item_files;
		size_t n = 0;
		if (r < 0)
			return r;
		while (files && files[n])
			n++;
		files = realloc(files, (n + 2) * sizeof(*files));
		if (!files) {
			cli_error("out of memory");
			return -1;
		}
		files[n] = v;
		files[n + 1] = NULL;
		a->scan.item_files = files;
		a->set |= CLI_SET_ITEM_FILES;
		return 1;
	}
	if ((r = cli_opt_value("--max-size", argc, argv, i, &v)) != 0) {
		if (r < 0)
			return r;
		if (parse_size(&a->scan.max_blob_size, v) < 0) {
			cli_error("--max-size: invalid size '%s'", v);
			return -1;
		}
		return 1;
	}
	if ((r = cli_opt_value("--threads", argc, argv, i, &v)) != 0) {
		char *end;
		long n;
		if (r < 0)
			return r;
		n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 64) {
			cli_error("--threads: expected a number from 1 to 64, not '%s'", v);
			return -1;
		}
		a->scan.threads = (unsigned)n;
		return 1;
	}
	if ((r = cli_opt_value("--color", argc, argv, i, &v)) != 0) {
		if (r < 0)
			return r;
		if (!strcmp(v, "auto"))
			a->color = -1;
		else if (!strcmp(v, "always"))
			a->color = 1;
		else if (!strcmp(v, "never"))
			a->color = 0;
		else {
			cli_error("--color: expected auto, always or never, not '%s'", v);
			return -1;
		}
		return 1;
	}
	if (arg[0] == '-' && arg[1] != '\0')
		return 0;
	/* a repository path */
	{
		const char **repos = realloc(a->repos, (a->nrepos + 1) * sizeof(*repos));
		if (!repos) {
			cli_error("out of memory");
			return -1;
		}
		repos[a->nrepos++] = arg;
		a->repos = repos;
	}
	return 1;
}

void cli_scan_args_dispose(cli_scan_args *a)
{
	free(a->repos);
	if (a->set & CLI_SET_ITEM_FILES)
		free((void *)a->scan.item_files);
	pir_config_free(a->config);
}

/*
 * The configuration: --config FILE, else .pirscan.yml in the scanned tree of
 * the first repository. It fills in what no flag set; flags win.
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
	else
		err = pir_config_load_from_repository(
			&a->config, first_repo,
			a->scan.changed_since ? a->scan.changed_since : a->scan.ref, &errors);
	if (err == PIR_ENOTFOUND && !a->config_path) {
		pir_buf_dispose(&errors);
		return 0; /* no file: the defaults apply */
	}
	if (err < 0) {
		if (errors.size) {
			/* one line per problem, each "file:line:column: message" */
			for (const char *line = errors.ptr; *line;) {
				const char *nl = strchr(line, '\n');
				size_t len = nl ? (size_t)(nl - line) : strlen(line);
				fprintf(stderr, "pirscan: %.*s\n", (int)len, line);
				line += len + (nl != NULL);
			}
		} else {
			cli_fail(err, NULL);
		}
		pir_buf_dispose(&errors);
		return -1;
	}
	pir_buf_dispose(&errors);
	pir_config_apply_scan(a->config, &from_file);
	if (!(a->set & CLI_SET_MARKER))
		a->scan.marker_pattern = from_file.marker_pattern;
	if (!(a->set & CLI_SET_ITEM_FILES))
		a->scan.item_files = from_file.item_files;
	if (!(a->set & CLI_SET_AS_OF))
		a->scan.as_of = from_file.as_of;
	a->scan.severities = from_file.severities;
	memcpy(a->scan.stale_days, from_file.stale_days, sizeof(a->scan.stale_days));
	a->scan.stale_days_none = from_file.stale_days_none;
	a->scan.exclude = from_file.exclude;
	a->scan.max_slips = from_file.max_slips;
	a->scan.teams_from = a->config;
	return 0;
}

bool cli_use_color(int mode)
{
	const char *nc = getenv("NO_COLOR");

	if (mode >= 0)
		return mode == 1;
	if (nc && *nc)
		return false;
	return isatty(STDOUT_FILENO) != 0;
}

unsigned cli_term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	if (cols && atoi(cols) > 0)
		return (unsigned)atoi(cols);
	return 80;
}

typedef struct {
	struct timespec last;
	bool shown;
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

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && st->shown && elapsed(&st->last, &now) < 0.1)
		return 0;
	if (!p->repo) {
		if (st->shown)
			fputs("\r\033[K", stderr);
		st->shown = false;
		return 0;
	}
	st->last = now;
	st->shown = true;
	if (p->total)
		fprintf(stderr, "\r\033[Kpirscan: %s: %s %zu/%zu (%u%%)", p->repo, p->phase,
			p->done, p->total, (unsigned)(p->done * 100 / p->total));
	else
		fprintf(stderr, "\r\033[Kpirscan: %s: %s %zu", p->repo, p->phase, p->done);
	return 0;
}

static int print_diagnostics(const pir_scan *scan)
{
	pir_buf b = PIR_BUF_INIT;
	int err = 0;

	for (size_t i = 0; i < pir_scan_diagnostic_count(scan) && !err; i++)
		err = pir_format_diagnostic(&b, pir_scan_diagnostic(scan, i));
	if (!err && b.size)
		fwrite(b.ptr, 1, b.size, stderr);
	pir_buf_dispose(&b);
	return err;
}

int cli_vouch(const pir_scan *scan, int ret)
{
	size_t n = pir_scan_unreadable_count(scan);

	if (!n || (ret != CLI_EXIT_OK && ret != CLI_EXIT_FINDINGS))
		return ret;
	cli_error("%zu object%s could not be read (unreadable-object); the result cannot be "
		  "vouched for",
		  n, n == 1 ? "" : "s");
	return CLI_EXIT_FATAL;
}

int cli_run_scan_prepare(cli_scan_args *a)
{
	if (a->prepared)
		return CLI_EXIT_OK;
	a->prepared = true;
	return load_config(a, a->nrepos ? a->repos[0] : ".") < 0 ? CLI_EXIT_FATAL : CLI_EXIT_OK;
}

int cli_run_scan(pir_scan **out, cli_scan_args *a)
{
	static const char *const here[] = {"."};
	progress_state st = {{0, 0}, false};
	pir_scan *scan = NULL;
	const char *const *repos = a->nrepos ? a->repos : here;
	size_t nrepos = a->nrepos ? a->nrepos : 1;
	int err;

	*out = NULL;
	if (cli_run_scan_prepare(a) != CLI_EXIT_OK)
		return CLI_EXIT_FATAL;
	if (!a->quiet && isatty(STDERR_FILENO)) {
		a->scan.progress = on_progress;
		a->scan.progress_payload = &st;
	}
	if ((err = pir_scan_new(&scan, &a->scan)) < 0)
		return cli_fail(err, NULL);
	for (size_t i = 0; i < nrepos; i++) {
		if ((err = pir_scan_add_repository(scan, repos[i])) < 0) {
			pir_scan_free(scan);
			return cli_fail(err, NULL);
		}
	}
	err = pir_scan_run(scan);
	if (st.shown)
		fputs("\r\033[K", stderr);
	if (err < 0) {
		pir_scan_free(scan);
		return cli_fail(err, NULL);
	}
	if (!a->quiet && print_diagnostics(scan) < 0) {
		pir_scan_free(scan);
		return cli_fail(PIR_ENOMEM, NULL);
	}
	*out = scan;
	return CLI_EXIT_OK;
}
