/* SPDX-License-Identifier: MIT */
/*
 * pirscan report: the nightly report, one per team (or owner, incident,
 * severity), as text, Markdown or HTML on stdout, or as email: an mbox on
 * stdout, one .eml file per group, or delivered over SMTP or sendmail.
 * Exit 0 when everything was written or sent, 1 when some delivery failed,
 * 2 on usage and fatal errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "report_chat.h"
#include "pirscan/mail.h"

void cmd_report_usage(FILE *f)
{
	fputs(
	    "usage: pirscan report [OPTIONS] [REPO...]\n"
	    "\n"
	    "The report of the open action items, one per group: what is overdue, due soon\n"
	    "or stale, what was opened and closed since the last report, and how\n"
	    "remediation goes.\n"
	    "\n"
	    "Report options:\n"
	    "  --group-by KEY            team (default), owner, incident or severity\n"
	    "  --group NAME              only this group (repeatable), e.g. to send again to\n"
	    "                            the teams whose delivery failed\n"
	    "  --format FORMAT           text (default), md, html or email; slack, teams or\n"
	    "                            webhook: the chat messages --send would post\n"
	    "  --since YYYY-MM-DD        opened and closed after this date (default: the day\n"
	    "                            before --as-of)\n"
	    "  --warn-within DAYS        items due within DAYS are due soon (default 7)\n"
	    "  --output DIR              with --format email: one GROUP.eml per group in DIR\n"
	    "                            instead of an mbox on stdout\n"
	    "  -h, --help                show this help\n"
	    "\n"
	    "Email options (the configuration's report section fills in what is not given):\n"
	    "  --from ADDR               the sender, \"Name <addr>\" or addr (report.from)\n"
	    "  --send                    deliver each group's message to its team's addresses\n"
	    "  --smtp-url URL            smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]\n"
	    "                            (report.smtp_url)\n"
	    "  --smtp-user USER          log in as USER (report.smtp_user); the password comes\n"
	    "                            from $PIRSCAN_SMTP_PASSWORD or ~/.netrc, never from\n"
	    "                            the command line\n"
	    "  --smtp-insecure           allow smtp:// without STARTTLS (plain text)\n"
	    "  --smtp-ca-file FILE       verify the server with these CA certificates (PEM)\n"
	    "  --smtp-timeout SECONDS    give up on a message after SECONDS (report.smtp_timeout;\n"
	    "                            default 60)\n"
	    "  --sendmail[=PATH]         deliver with PATH -t -oi (default /usr/sbin/sendmail)\n"
	    "                            instead of SMTP; implies --send\n"
	    "\n"
	    "Team chat (with --send, to each team's slack_webhook, teams_webhook and webhook\n"
	    "of the configuration, or the variables their _env keys name; never from the\n"
	    "command line):\n"
	    "  --ca-file FILE            verify webhook servers with these CA certificates (PEM)\n"
	    "  --webhook-timeout SECONDS give up on a webhook after SECONDS, retries included\n"
	    "                            (default 30)\n"
	    "\n"
	    "Groups without an address are skipped with a warning. With --send, a summary\n"
	    "line goes to stderr; one failed delivery does not stop the others, and the exit\n"
	    "status is 1 when any failed. $SOURCE_DATE_EPOCH, when set, is the Date of the\n"
	    "messages.\n"
	    "\n",
	    f);
	fputs(cli_scan_options_help, f);
}

typedef enum { OUT_STDOUT, OUT_DIR, OUT_SMTP, OUT_SENDMAIL } delivery;

typedef struct {
	pir_report_options ropts;
	const char **groups; /* --group, NULL-terminated */
	size_t ngroups;
	const char *format;
	bool warn_set;
	const char *output;
	const char *from;
	bool send;
	const char *smtp_url, *smtp_user, *smtp_ca_file;
	long smtp_timeout; /* 0: not given */
	bool smtp_insecure;
	bool sendmail;
	const char *sendmail_path;
	pir_webhook_options webhook; /* team chat */
	bool no_smtp;		     /* --send with chat only: no team has an address */
} report_args;

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Whole seconds from 1 to a day, as report.smtp_timeout takes them. */
static int parse_timeout(long *out, const char *what, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > 86400) {
		cli_error("%s: expected whole seconds from 1 to 86400, not '%s'", what, v);
		return -1;
	}
	*out = n;
	return 0;
}

enum {
	OPT_GROUP_BY = CLI_OPT_COMMAND,
	OPT_GROUP,
	OPT_FORMAT,
	OPT_SINCE,
	OPT_WARN_WITHIN,
	OPT_OUTPUT,
	OPT_FROM,
	OPT_SEND,
	OPT_SMTP_URL,
	OPT_SMTP_USER,
	OPT_SMTP_INSECURE,
	OPT_SMTP_CA_FILE,
	OPT_SMTP_TIMEOUT,
	OPT_SENDMAIL,
	OPT_CA_FILE,
	OPT_WEBHOOK_TIMEOUT,
};

/* In the order of the help: the suggestions for a mistyped option follow it. */
const struct option cmd_report_options[] = {
    {"group-by", required_argument, NULL, OPT_GROUP_BY},
    {"group", required_argument, NULL, OPT_GROUP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"since", required_argument, NULL, OPT_SINCE},
    {"warn-within", required_argument, NULL, OPT_WARN_WITHIN},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"help", no_argument, NULL, 'h'},
    {"from", required_argument, NULL, OPT_FROM},
    {"send", no_argument, NULL, OPT_SEND},
    {"smtp-url", required_argument, NULL, OPT_SMTP_URL},
    {"smtp-user", required_argument, NULL, OPT_SMTP_USER},
    {"smtp-insecure", no_argument, NULL, OPT_SMTP_INSECURE},
    {"smtp-ca-file", required_argument, NULL, OPT_SMTP_CA_FILE},
    {"smtp-timeout", required_argument, NULL, OPT_SMTP_TIMEOUT},
    {"sendmail", optional_argument, NULL, OPT_SENDMAIL},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"webhook-timeout", required_argument, NULL, OPT_WEBHOOK_TIMEOUT},
    CLI_SCAN_OPTIONS,
    {NULL, 0, NULL, 0},
};

static int add_group(report_args *r, const char *v)
{
	const char **g = realloc(r->groups, (r->ngroups + 2) * sizeof(*g));

	if (!g) {
		cli_error("out of memory");
		return -1;
	}
	g[r->ngroups++] = v;
	g[r->ngroups] = NULL;
	r->groups = g;
	r->ropts.groups = g;
	return 0;
}

/* The report options that take a value and check it; 0, or -1 on a usage error (reported). */
static int report_value_option(report_args *r, int c, const char *v)
{
	switch (c) {
	case OPT_GROUP_BY:
		if (pir_group_by_parse(&r->ropts.group_by, v) < 0) {
			cli_fail(PIR_EINVALID, "--group-by");
			return -1;
		}
		return 0;
	case OPT_GROUP:
		return add_group(r, v);
	case OPT_SINCE:
		if (pir_date_parse(&r->ropts.since, v, strlen(v)) < 0) {
			cli_error("--since: invalid date '%s' (expected YYYY-MM-DD)", v);
			return -1;
		}
		return 0;
	case OPT_WARN_WITHIN:
		r->warn_set = true;
		return cli_parse_days(&r->ropts.warn_within, "--warn-within", v);
	case OPT_SMTP_TIMEOUT:
		return parse_timeout(&r->smtp_timeout, "--smtp-timeout", v);
	case OPT_WEBHOOK_TIMEOUT:
		return parse_timeout(&r->webhook.timeout_seconds, "--webhook-timeout", v);
	case OPT_CA_FILE:
		r->webhook.ca_file = v;
		return 0;
	default:
		return 1; /* not one of these */
	}
}

/*
 * One of report's own options (v its value); 1 when c is none of them, 0,
 * or -1 on a usage error (reported). A PATH after --sendmail is taken when
 * it is an executable file: a repository is a folder, never this.
 */
static int report_option(report_args *r, cli_getopt *g, int c, const char *v)
{
	switch (c) {
	case OPT_FORMAT:
		r->format = v;
		return 0;
	case OPT_OUTPUT:
		r->output = v;
		return 0;
	case OPT_FROM:
		r->from = v;
		return 0;
	case OPT_SEND:
		r->send = true;
		return 0;
	case OPT_SMTP_URL:
		r->smtp_url = v;
		return 0;
	case OPT_SMTP_USER:
		r->smtp_user = v;
		return 0;
	case OPT_SMTP_CA_FILE:
		r->smtp_ca_file = v;
		return 0;
	case OPT_SMTP_INSECURE:
		r->smtp_insecure = true;
		return 0;
	case OPT_SENDMAIL:
		r->sendmail = r->send = true;
		if (v)
			r->sendmail_path = v;
		else if ((v = cli_getopt_peek(g)) && is_executable_file(v))
			r->sendmail_path = g->argv[optind++];
		return 0;
	default:
		return report_value_option(r, c, v);
	}
}

/* The options: CLI_EXIT_OK to go on, CLI_HELP_SHOWN, or CLI_EXIT_FATAL (reported). */
static int parse_options(report_args *r, cli_scan_args *a, int argc, char **argv)
{
	cli_getopt g = CLI_GETOPT_INIT(argc, argv, cmd_report_options, "report");
	const char *next;
	int c, n;

	for (;;) {
		if ((next = cli_getopt_peek(&g)) &&
		    (!strncmp(next, "--slack-webhook", 15) ||
		     !strncmp(next, "--teams-webhook", 15) || !strncmp(next, "--webhook=", 10) ||
		     !strcmp(next, "--webhook"))) {
			cli_error(
			    "a webhook URL is a secret, never given on the command line: set "
			    "teams.NAME.slack_webhook_env (or teams_webhook_env, webhook_env) "
			    "in the configuration and the URL in that variable");
			return CLI_EXIT_FATAL;
		}
		if ((next = cli_getopt_peek(&g)) && !strncmp(next, "--smtp-password", 15)) {
			cli_error("there is no --smtp-password: a password on the command line is "
				  "seen by every user; set PIRSCAN_SMTP_PASSWORD or use ~/.netrc");
			return CLI_EXIT_FATAL;
		}
		if ((c = cli_getopt_next(&g)) == CLI_OPT_END)
			return CLI_EXIT_OK;
		if (c == CLI_OPT_ERROR)
			return CLI_EXIT_FATAL;
		if (c == 'h') {
			cmd_report_usage(stdout);
			return CLI_HELP_SHOWN;
		}
		if ((n = report_option(r, &g, c, g.arg)) > 0)
			n = cli_scan_option(a, c, g.arg);
		if (n < 0)
			return CLI_EXIT_FATAL;
	}
}

/* A report setting the operator vouches for: from --config FILE or a host file. */
static const char *trusted_setting(const pir_config *cfg, const char *key)
{
	const char *v = pir_config_report_setting(cfg, key);

	return v && pir_config_report_origin(cfg, key) != PIR_CONFIG_REPOSITORY ? v : NULL;
}

/* The flags that exclude each other, and the default format and warning days. */
static int resolve_format(report_args *r, const pir_config *cfg)
{
	if (!r->format)
		r->format = r->send ? "email" : "text";
	if (r->send && strcmp(r->format, "email")) {
		cli_error("--send needs --format email, not '%s'", r->format);
		return -1;
	}
	if (r->output && strcmp(r->format, "email")) {
		cli_error("--output is for --format email; other formats go to stdout");
		return -1;
	}
	if (r->output && r->send) {
		cli_error("--output and --send exclude each other");
		return -1;
	}
	if (r->sendmail && r->smtp_url) {
		cli_error("--sendmail and --smtp-url exclude each other");
		return -1;
	}
	if (!r->warn_set && cfg) {
		pir_check_options c = PIR_CHECK_OPTIONS_INIT;
		pir_config_apply_check(cfg, &c);
		r->ropts.warn_within = c.warn_within;
	}
	return 0;
}

/* What email needs whatever the delivery: teams, a valid sender, a sendmail that runs. */
static int resolve_email(report_args *r, const pir_config *cfg)
{
	pir_buf addr = PIR_BUF_INIT;
	int err;

	if (r->ropts.group_by != PIR_GROUP_TEAM) {
		cli_error("--format email sends each team its report: it needs --group-by team");
		return -1;
	}
	if (!r->from && cfg)
		r->from = pir_config_report_setting(cfg, "from");
	if (!r->from) {
		cli_error("email needs a sender: --from ADDR, or report.from in the configuration");
		return -1;
	}
	err = pir_mail_address(&addr, r->from);
	pir_buf_dispose(&addr);
	if (err < 0) {
		cli_fail(err, "--from");
		return -1;
	}
	if (r->sendmail) {
		const char *path = r->sendmail_path ? r->sendmail_path : "/usr/sbin/sendmail";
		if (!is_executable_file(path)) {
			cli_error("--sendmail: %s is not an executable file", path);
			return -1;
		}
	}
	return 0;
}

/*
 * The SMTP server: from --smtp-url or a trusted file. Credentials go only
 * where the operator says: a .pirscan.yml committed in a scanned repository
 * could otherwise send the password to any host. The server and user come
 * from flags, --config FILE or the host's files, never from a repository's
 * own configuration.
 */
static int resolve_smtp_url(report_args *r, const pir_config *cfg)
{
	const char *host;

	if (!r->smtp_url && pir_config_report_setting(cfg, "smtp_url") &&
	    !trusted_setting(cfg, "smtp_url"))
		fprintf(stderr,
			"pirscan: note: report.smtp_url in the repository's .pirscan.yml is "
			"not used for credentials; give --smtp-url, or set it in "
			"/etc/pirscan/config.yml or --config FILE\n");
	if (!r->smtp_url)
		r->smtp_url = trusted_setting(cfg, "smtp_url");
	if (!r->smtp_url) {
		cli_error(
		    "--send needs a server: --smtp-url URL, or report.smtp_url in "
		    "/etc/pirscan/config.yml, ~/.config/pirscan/config.yml or a --config FILE "
		    "(or --sendmail)");
		return -1;
	}
	if (strncasecmp(r->smtp_url, "smtp://", 7) && strncasecmp(r->smtp_url, "smtps://", 8)) {
		pir_buf shown = PIR_BUF_INIT;
		pir_format_term_str(&shown, r->smtp_url); /* it may come from a file */
		cli_error(
		    "the SMTP URL: expected smtp://HOST[:PORT] or smtps://HOST[:PORT], not '%s'",
		    shown.ptr ? shown.ptr : "");
		pir_buf_dispose(&shown);
		return -1;
	}
	host = strstr(r->smtp_url, "://") + 3;
	if (memchr(host, '@', strcspn(host, "/?#"))) {
		cli_error("--smtp-url: no user or password in the URL: the user goes in "
			  "--smtp-user, the password in PIRSCAN_SMTP_PASSWORD or ~/.netrc");
		return -1;
	}
	return 0;
}

/* The SMTP options: the server, the user and password, TLS and the time limit. */
static int resolve_smtp(report_args *r, const pir_config *cfg, pir_smtp_options *smtp)
{
	const char *v;

	if (resolve_smtp_url(r, cfg) < 0)
		return -1;
	if (!r->smtp_user)
		r->smtp_user = trusted_setting(cfg, "smtp_user");
	if ((v = getenv("PIRSCAN_SMTP_PASSWORD")) && *v) {
		if (!r->smtp_user) {
			cli_error("PIRSCAN_SMTP_PASSWORD is set but there is no user to log in as: "
				  "--smtp-user USER or report.smtp_user in the configuration");
			return -1;
		}
		smtp->password = v;
	}
	smtp->url = r->smtp_url;
	smtp->user = r->smtp_user;
	smtp->insecure = r->smtp_insecure;
	smtp->ca_file = r->smtp_ca_file;
	if (!r->smtp_timeout && (v = pir_config_report_setting(cfg, "smtp_timeout")) &&
	    parse_timeout(&r->smtp_timeout, "report.smtp_timeout", v) < 0)
		return -1;
	if (r->smtp_timeout)
		smtp->timeout_seconds = r->smtp_timeout;
	return 0;
}

/* No team has an address and some have a webhook: --send needs no mail server. */
static bool chat_only(const pir_config *cfg)
{
	bool chat = false;

	for (size_t i = 0; i < pir_config_team_count(cfg); i++) {
		const pir_team *t = pir_config_team(cfg, i);
		if (t->email && t->email[0])
			return false;
		/* a repository's own webhooks count: report_chat.c says why they are not used */
		for (int k = 0; k < PIR_CHAT_COUNT; k++)
			chat |= t->chat_url[k] || t->chat_env[k];
	}
	return chat;
}

/* What the flags leave open, from the configuration; usage errors are reported here. */
static int resolve(report_args *r, const pir_config *cfg, pir_smtp_options *smtp)
{
	if (resolve_format(r, cfg) < 0)
		return -1;
	if (strcmp(r->format, "email"))
		return 0;
	if (r->send && !r->sendmail && !r->smtp_url && !trusted_setting(cfg, "smtp_url") &&
	    r->ropts.group_by == PIR_GROUP_TEAM && chat_only(cfg)) {
		r->no_smtp = true; /* nothing to mail: the teams have chat only */
		return 0;
	}
	if (resolve_email(r, cfg) < 0)
		return -1;
	if (!r->send || r->sendmail)
		return 0;
	return resolve_smtp(r, cfg, smtp);
}

static time_t message_date(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s && *s) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && !*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* A group name as shown on a terminal: control characters as '?'. */
static void print_name(const char *name)
{
	pir_buf b = PIR_BUF_INIT;

	if (pir_format_term_str(&b, name) == 0 && b.ptr)
		fputs(b.ptr, stderr);
	pir_buf_dispose(&b);
}

/* GROUP.eml: [A-Za-z0-9._-] kept, others '_', no leading dot, unique in `used` (any case). */
static char *eml_name(const char *group, char ***used, size_t *nused)
{
	size_t n = 0, len;
	char base[101], *name = NULL, **u;

	for (const char *p = group; *p && n < sizeof(base) - 1; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		base[n] = ok && !(n == 0 && c == '.') ? c : '_';
		n++;
	}
	if (!n)
		base[n++] = '_';
	base[n] = '\0';
	for (unsigned k = 1;; k++) {
		bool taken = false;
		free(name);
		len = n + 16;
		if (!(name = malloc(len)))
			return NULL;
		if (k == 1)
			snprintf(name, len, "%s.eml", base);
		else
			snprintf(name, len, "%s-%u.eml", base, k);
		for (size_t i = 0; i < *nused && !taken; i++)
			taken = !strcasecmp((*used)[i], name);
		if (!taken)
			break;
	}
	if (!(u = realloc(*used, (*nused + 1) * sizeof(*u)))) {
		free(name);
		return NULL;
	}
	*used = u;
	u[(*nused)++] = name;
	return name;
}

/*
 * Write DIR/NAME atomically: a temporary file in DIR, flushed to disk, then
 * renamed over NAME. A full disk or a file size limit leaves NAME as it was
 * (or absent), never truncated; the temporary file is removed on failure.
 * A symbolic link at NAME is replaced, never followed.
 */
static int write_eml(const char *dir, const char *name, const pir_buf *msg)
{
	size_t len = strlen(dir) + strlen(name) + 16;
	char *path = malloc(len), *tmp = malloc(len);
	const char *p = msg->ptr;
	size_t left = msg->size;
	mode_t mask;
	int fd = -1, ret = -1;

	if (!path || !tmp) {
		cli_error("out of memory");
		goto done;
	}
	snprintf(path, len, "%s/%s", dir, name);
	snprintf(tmp, len, "%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(tmp)) < 0) {
		cli_error("cannot create a file in %s: %s", dir, strerror(errno));
		goto done;
	}
	mask = umask(0);
	umask(mask);
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = ENOSPC;
		if (w <= 0)
			goto write_error;
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, 0644 & ~mask) < 0 || fsync(fd) < 0)
		goto write_error;
	if (close(fd) < 0) {
		fd = -1;
		goto write_error;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto write_error;
	ret = 0;
	goto done;
write_error:
	cli_error("cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlink(tmp);
done:
	free(path);
	free(tmp);
	return ret;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The group's addresses, bare, for the envelope: a NULL-terminated list to free_strv. */
static int envelope_rcpt(const pir_report_group *g, char ***out)
{
	size_t n = 0;
	char **v;
	int err = 0;

	while (g->email[n])
		n++;
	if (!(v = calloc(n + 1, sizeof(*v))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		pir_buf addr = PIR_BUF_INIT;
		if (!(err = pir_mail_address(&addr, g->email[i])) && !(v[i] = strdup(addr.ptr)))
			err = PIR_ENOMEM;
		pir_buf_dispose(&addr);
	}
	if (err)
		free_strv(v);
	else
		*out = v;
	return err;
}

/* The names of failed and skipped groups, for the summary line. */
typedef struct {
	char *s;
	size_t len;
} namelist;

typedef struct {
	size_t attempted, sent;
	bool no_starttls; /* a server offered no STARTTLS */
	namelist failed;  /* "name (reason), ..." */
	namelist skipped; /* "name, ..." */
} tally;

static void add_name(namelist *l, const char *raw, const char *reason)
{
	pir_buf shown = PIR_BUF_INIT;
	const char *name;
	size_t need;
	char *p;

	if (pir_format_term_str(&shown, raw) < 0 || !shown.ptr) {
		pir_buf_dispose(&shown);
		return;
	}
	name = shown.ptr;
	need = l->len + strlen(name) + (reason ? strlen(reason) + 3 : 0) + 3;
	if (!(p = realloc(l->s, need))) {
		pir_buf_dispose(&shown);
		return;
	}
	l->s = p;
	if (l->len) {
		memcpy(p + l->len, ", ", 2);
		l->len += 2;
	}
	memcpy(p + l->len, name, strlen(name));
	l->len += strlen(name);
	p[l->len] = '\0';
	if (reason)
		l->len += (size_t)snprintf(p + l->len, need - l->len, " (%s)", reason);
	pir_buf_dispose(&shown);
}

static int emit_email(report_args *r, const pir_report *report, const pir_smtp_options *smtp,
		      const pir_config *cfg, bool quiet, tally *t)
{
	pir_mail_options mo = PIR_MAIL_OPTIONS_INIT;
	pir_buf msg = PIR_BUF_INIT, mbox = PIR_BUF_INIT, from = PIR_BUF_INIT;
	char **used = NULL;
	size_t nused = 0;
	delivery how = r->send	   ? (r->sendmail ? OUT_SENDMAIL : OUT_SMTP)
		       : r->output ? OUT_DIR
				   : OUT_STDOUT;
	int ret = CLI_EXIT_FATAL, err;

	if (r->no_smtp)
		return CLI_EXIT_OK;
	mo.from = r->from;
	mo.date = message_date();
	if ((err = pir_mail_address(&from, r->from)) < 0) {
		cli_fail(err, "--from");
		goto done;
	}
	if (how == OUT_DIR && mkdir(r->output, 0777) < 0 && errno != EEXIST) {
		cli_error("cannot create %s: %s", r->output, strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < pir_report_group_count(report); i++) {
		const pir_report_group *g = pir_report_group_at(report, i);
		char **rcpt = NULL;
		const char *name;

		if (!g->email || !g->email[0]) {
			if (r->send && cli_chat_any(cfg, g->name))
				continue; /* its chat is its only channel */
			add_name(&t->skipped, g->name, NULL);
			if (!quiet) {
				fputs("pirscan: warning: ", stderr);
				print_name(g->name);
				fputs(": no email address; skipped\n", stderr);
			}
			continue;
		}
		t->attempted++;
		msg.size = 0;
		err = pir_report_write_email(&msg, report, i, &mo);
		if (!err && how == OUT_SMTP && !(err = envelope_rcpt(g, &rcpt)))
			err = pir_mail_send_smtp(smtp, from.ptr, (const char *const *)rcpt, msg.ptr,
						 msg.size);
		else if (!err && how == OUT_SENDMAIL)
			err = pir_mail_send_sendmail(r->sendmail_path, msg.ptr, msg.size);
		else if (!err && how == OUT_STDOUT)
			err = pir_mail_mbox_append(&mbox, msg.ptr, msg.size, mo.date);
		free_strv(rcpt);
		if (err == PIR_ENOMEM) {
			cli_fail(err, NULL);
			goto done;
		}
		if (err < 0) {
			const char *why = pir_error_last() ? pir_error_last() : "unknown error";
			fputs("pirscan: ", stderr);
			print_name(g->name);
			fprintf(stderr, ": %s\n", why);
			add_name(&t->failed, g->name, why);
			t->no_starttls |= err == PIR_MAIL_ENOSTARTTLS;
			continue;
		}
		if (how == OUT_DIR) {
			if (!(name = eml_name(g->name, &used, &nused))) {
				cli_error("out of memory");
				goto done;
			}
			if (write_eml(r->output, name, &msg) < 0)
				goto done;
		}
		t->sent++;
	}
	ret = how == OUT_STDOUT ? cli_write(&mbox) : CLI_EXIT_OK;
done:
	for (size_t i = 0; i < nused; i++)
		free(used[i]);
	free(used);
	pir_buf_dispose(&msg);
	pir_buf_dispose(&mbox);
	pir_buf_dispose(&from);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	cli_scan_args a = CLI_SCAN_ARGS_INIT;
	report_args r = {.ropts = PIR_REPORT_OPTIONS_INIT, .webhook = PIR_WEBHOOK_OPTIONS_INIT};
	cli_chat_tally chat = {0, 0, NULL, NULL};
	pir_chat_kind chat_kind = PIR_CHAT_SLACK;
	bool chat_format = false;
	pir_smtp_options smtp = PIR_SMTP_OPTIONS_INIT;
	pir_report_format format = PIR_REPORT_TEXT;
	tally t = {0, 0, false, {NULL, 0}, {NULL, 0}};
	pir_scan *scan = NULL;
	pir_report *report = NULL;
	pir_buf out = PIR_BUF_INIT;
	int ret, err;

	if ((ret = parse_options(&r, &a, argc, argv)) != CLI_EXIT_OK) {
		ret = ret == CLI_HELP_SHOWN ? CLI_EXIT_OK : ret;
		goto done;
	}
	ret = CLI_EXIT_FATAL;
	chat_format = r.format && cli_chat_format(r.format, &chat_kind) == 0;
	if (r.format && strcmp(r.format, "email") && !chat_format &&
	    pir_report_format_parse(&format, r.format) < 0) {
		cli_error("--format: expected text, md, html, email, slack, teams or webhook, not "
			  "'%s'",
			  r.format);
		goto done;
	}
	if ((ret = cli_run_scan_prepare(&a)) != CLI_EXIT_OK)
		goto done;
	ret = CLI_EXIT_FATAL;
	if (resolve(&r, a.config, &smtp) < 0)
		goto done;
	a.scan.teams_from = a.config;
	if ((ret = cli_run_scan(&scan, &a)) != CLI_EXIT_OK)
		goto done;
	ret = CLI_EXIT_FATAL;
	if ((err = pir_report_new(&report, scan, &r.ropts)) < 0) {
		cli_fail(err, err == PIR_ENOTFOUND && r.groups ? "--group" : NULL);
		goto done;
	}
	if (chat_format) {
		ret = cli_vouch(scan, cli_chat_print(report, a.config, chat_kind));
		goto done;
	}
	if (strcmp(r.format, "email")) {
		if ((err = pir_report_write(&out, report, SIZE_MAX, format)) < 0)
			cli_fail(err, NULL);
		else
			ret = cli_vouch(scan, cli_write(&out));
		goto done;
	}
	if ((ret = emit_email(&r, report, &smtp, a.config, a.quiet, &t)) != CLI_EXIT_OK)
		goto done;
	for (size_t i = 0; r.send && i < pir_report_group_count(report); i++)
		cli_chat_send(report, i, a.config, &r.webhook, a.quiet, &chat);
	if (r.send && !t.attempted && !chat.attempted && pir_report_group_count(report)) {
		/* a nightly job that reaches nobody must not look like a success */
		cli_error("nothing was sent: no group has an email address (skipped: %s); give "
			  "each team teams.NAME.email in the configuration",
			  t.skipped.s ? t.skipped.s : "");
		ret = CLI_EXIT_FATAL;
		goto done;
	}
	if (r.send && (t.failed.len || chat.failed || !a.quiet)) {
		fputs("pirscan report:", stderr);
		if (t.attempted || !chat.attempted)
			fprintf(stderr, " sent %zu of %zu messages", t.sent, t.attempted);
		if (t.failed.len)
			fprintf(stderr, "; failed: %s", t.failed.s);
		if (t.skipped.len)
			fprintf(stderr, "; skipped (no address): %s", t.skipped.s);
		if (chat.attempted)
			fprintf(stderr, "%schat: sent %zu of %zu%s%s%s", t.attempted ? "; " : " ",
				chat.sent, chat.attempted, chat.went ? " (" : "",
				chat.went ? chat.went : "", chat.went ? ")" : "");
		if (chat.failed)
			fprintf(stderr, "; chat failed: %s", chat.failed);
		fputc('\n', stderr);
	}
	if (t.no_starttls)
		fputs("pirscan: hint: --smtp-insecure lets smtp:// go on in plain text, password "
		      "included: for a relay on this host or a test server only; otherwise use "
		      "smtps:// or a server with STARTTLS\n",
		      stderr);
	ret = cli_vouch(scan, t.failed.len || chat.failed ? CLI_EXIT_FINDINGS : CLI_EXIT_OK);
done:
	free(t.failed.s);
	free(t.skipped.s);
	free(chat.went);
	free(chat.failed);
	free(r.groups);
	pir_buf_dispose(&out);
	pir_report_free(report);
	pir_scan_free(scan);
	cli_scan_args_dispose(&a);
	return ret;
}
