/* SPDX-License-Identifier: MIT */
/*
 * .pirscan.yml: a repository's policy, read with libyaml's document loader
 * and checked strictly. Unlike an action-items file, a configuration is
 * all or nothing: every problem is collected (each at the node at fault, as
 * "name:line:column: message"), and any problem makes the whole file invalid,
 * so a typo never silently weakens the CI gate.
 *
 * The file may come from the tree of a repository being scanned, so it is
 * hostile until proven otherwise: the same preflight as the action-items
 * loader refuses documents that would make libyaml slow, and every node the
 * reader visits is charged to a budget proportional to the input, which bounds
 * what aliases can make it do. The reader itself never goes deeper than
 * teams.NAME.email[i].
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <yaml.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "extract.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

/* Collections nested deeper than this, and documents with more anchors, are refused. */
#define MAX_DEPTH 100
#define MAX_ANCHORS 1000
/* Values echoed in messages are cut to this many bytes. */
#define ECHO_MAX 60
/* Day counts above this are refused: dates plus it stay far from overflow. */
#define MAX_DAYS 1000000
/* Errors kept; past this, they are only counted (a hostile file could have millions). */
#define MAX_ERRORS 1000
/* A configuration larger than this is refused unread. */
#define MAX_SIZE (1024 * 1024)
/* The reason "slipping", until pir_reason_parse knows it. */
#define REASON_SLIPPING (1u << 8)
#define CONFIG_FILE ".pirscan.yml"

#define STR_(x) #x
#define STR(x) STR_(x)


enum top_key {
	K_MARKER,
	K_ITEM_FILES,
	K_SEVERITIES,
	K_STALE_DAYS,
	K_FAIL_ON,
	K_FAIL_ON_REASONS,
	K_FAIL_ON_INVALID,
	K_GRACE,
	K_WARN_WITHIN,
	K_MAX_SLIPS,
	K_EXCLUDE,
	K_AS_OF,
	K_TEAMS,
	K_REPORT,
	K_MARKER_REQUIRE_REFERENCE,
	K_COUNT
};

static const char *const top_keys[K_COUNT] = {
    "marker",	   "item_files", "severities", "stale_days", "fail_on", "fail_on_reasons",
    "fail_on_invalid", "grace",
    "warn_within", "max_slips",	 "exclude",    "as_of",	     "teams",	"report",
    "marker_require_reference",
};

enum report_key { R_FROM, R_SMTP_URL, R_SMTP_USER, R_SMTP_TIMEOUT, R_COUNT };

static const char *const report_keys[R_COUNT] = {"from", "smtp_url", "smtp_user", "smtp_timeout"};

/* The longest SMTP delivery report.smtp_timeout may allow, in seconds. */
#define MAX_SMTP_TIMEOUT 86400

struct pir_config {
	unsigned set; /* bit per top_key given a (non-null) value */
	char **markers;
	bool marker_require_reference;
	char **item_files; /* NULL-terminated, like the other lists */
	char **severities;
	char **exclude;
	int stale_days[PIR_SEVERITY_MAX];
	unsigned stale_set; /* bit per rank */
	int stale_none;
	bool stale_none_set;
	char *fail_on;
	unsigned fail_reasons;
	bool fail_on_invalid;
	int grace, warn_within, max_slips;
	pir_date as_of;
	pir_team *teams;
	size_t nteams, teams_cap;
	char *report[R_COUNT];
	pir_config_origin origin;
	pir_config_origin report_origin[R_COUNT]; /* where each report value came from */
};

typedef struct {
	pir_config *cfg;
	yaml_document_t *doc;
	pir_fdiag_list errs;
	size_t nerrors;			    /* errors found */
	size_t dropped;			    /* errors past MAX_ERRORS */
	unsigned dropped_line, dropped_col; /* where the first of them is */
	size_t budget;			    /* nodes and scalar bytes the reader may still visit */
	bool exhausted;
	/* what fail_on and stale_days are checked against; NULL when `severities` is invalid */
	const char *const *severities;
	char *severity_list; /* "critical, high, medium, low" */
	char *reason_list;
} reader;

/* ---- positions and messages ---- */

static int fail_at(reader *rd, unsigned line, unsigned column, const char *fmt, ...)
    PIR_PRINTF(4, 5);

static int fail_at(reader *rd, unsigned line, unsigned column, const char *fmt, ...)
{
	char small[256], *msg = small;
	va_list ap;
	int n, err;

	rd->nerrors++;
	if (rd->errs.n >= MAX_ERRORS) {
		if (!rd->dropped++) {
			rd->dropped_line = line;
			rd->dropped_col = column;
		}
		return 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return pir_error_set(PIR_ERROR, "cannot format a message");
	if ((size_t)n >= sizeof(small)) {
		if (!(msg = pir_malloc((size_t)n + 1)))
			return PIR_ENOMEM;
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	err = pir_fdiag_add(&rd->errs, PIR_DIAG_ERROR, "config", line, column, "%s", msg);
	if (msg != small)
		free(msg);
	return err;
}

#define fail(rd, node, ...)                                                                        \
	fail_at((rd), pir_yaml_pos1((node)->start_mark.line), pir_yaml_pos1((node)->start_mark.column), __VA_ARGS__)

/* A value quoted for a one-line message: cut at ECHO_MAX bytes on a
 * character boundary, control characters escaped. */
typedef struct {
	char s[ECHO_MAX * 6 + 8];
} echo_buf;

static const char *echo(echo_buf *e, const char *s, size_t len)
{
	pir_buf out = PIR_BUF_INIT;
	size_t n = len > ECHO_MAX ? ECHO_MAX : len;
	char *copy;
	bool cut;

	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(e->s, sizeof(e->s), "\"?\"");
	if (!(copy = pir_strndup(s, n)))
		return e->s;
	/* the copy stops at an embedded NUL too */
	cut = n < len || strlen(copy) < n;
	if (pir_buf_putc(&out, '"') == 0 && pir_buf_term_str(&out, copy) == 0 &&
	    pir_buf_puts(&out, cut ? "...\"" : "\"") == 0)
		snprintf(e->s, sizeof(e->s), "%s", out.ptr);
	pir_buf_dispose(&out);
	free(copy);
	return e->s;
}

static const char *const bool_words[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};

static size_t scalar_len(const yaml_node_t *node)
{
	return node->data.scalar.length;
}

/* YAML's null: an empty or `~`/`null` plain scalar. A key set to it is absent. */
static bool is_bool(const yaml_node_t *node)
{
	return pir_yaml_plain_is_one_of(node, bool_words);
}

/* What a node is, for "must be X, not Y". */
static const char *describe(echo_buf *e, const yaml_node_t *node)
{
	char quoted[ECHO_MAX * 5]; /* an echo takes at most 4 bytes a byte, plus 6 */

	switch (node->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SCALAR_NODE:
		break;
	default:
		return "an empty node";
	}
	if (pir_yaml_is_null(node))
		return "null";
	snprintf(quoted, sizeof(quoted), "%s", echo(e, pir_yaml_text(node), scalar_len(node)));
	if (is_bool(node))
		snprintf(e->s, sizeof(e->s), "the boolean %s", pir_yaml_text(node));
	else if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		snprintf(e->s, sizeof(e->s), "the string %s", quoted);
	else
		snprintf(e->s, sizeof(e->s), "%s", quoted);
	return e->s;
}

/* The node at `index`, charged to the budget; NULL once the budget is spent. */
static const yaml_node_t *node_at(reader *rd, int index)
{
	const yaml_node_t *node = yaml_document_get_node(rd->doc, index);
	size_t cost;

	if (!node || rd->exhausted)
		return NULL;
	cost = 1 + (node->type == YAML_SCALAR_NODE ? scalar_len(node) : 0);
	if (cost > rd->budget) {
		rd->exhausted = true;
		return NULL;
	}
	rd->budget -= cost;
	return node;
}

/* ---- owned string lists ---- */

typedef struct {
	char **v;
	size_t n, cap;
} strlist;

static int strlist_add(strlist *l, const char *s, size_t len)
{
	if (pir_grow((void **)&l->v, &l->cap, l->n + 2, sizeof(*l->v)) < 0)
		return PIR_ENOMEM;
	if (!(l->v[l->n] = pir_strndup(s, len)))
		return PIR_ENOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

/* The list as a NULL-terminated array, empty when nothing was added. */
static char **strlist_finish(strlist *l)
{
	if (!l->v && pir_grow((void **)&l->v, &l->cap, 1, sizeof(*l->v)) == 0)
		l->v[0] = NULL;
	return l->v;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char *join(const char *const *words, const char *extra)
{
	pir_buf b = PIR_BUF_INIT;
	int err = pir_buf_puts(&b, "");

	for (size_t i = 0; !err && words[i]; i++) {
		if (i)
			err = pir_buf_puts(&b, ", ");
		if (!err)
			err = pir_buf_term_str(&b, words[i]);
	}
	if (!err && extra)
		err = pir_buf_printf(&b, "%s%s", b.size ? ", " : "", extra);
	if (err) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

/* ---- scalar values ---- */

/*
 * A string value: a scalar that is neither null nor a boolean and holds no
 * NUL. Returns 1 when it is one, 0 after an error, or PIR_ENOMEM.
 */
static int want_string(reader *rd, const yaml_node_t *v, const char *what)
{
	echo_buf e;

	if (v->type != YAML_SCALAR_NODE || pir_yaml_is_null(v) || is_bool(v)) {
		int err = fail(rd, v, "%s must be a string, not %s", what, describe(&e, v));
		return err < 0 ? err : 0;
	}
	if (memchr(pir_yaml_text(v), '\0', scalar_len(v))) {
		int err = fail(rd, v, "%s contains a NUL character", what);
		return err < 0 ? err : 0;
	}
	return 1;
}

/* A non-empty string value; same returns as want_string. */
static int want_text(reader *rd, const yaml_node_t *v, const char *what)
{
	int ok = want_string(rd, v, what);

	if (ok == 1 && scalar_len(v) == 0) {
		int err = fail(rd, v, "%s must not be empty", what);
		return err < 0 ? err : 0;
	}
	return ok;
}

/* A plain decimal integer from 0 to MAX_DAYS; same returns as want_string. */
static int want_count(reader *rd, const yaml_node_t *v, const char *what, int *out)
{
	const char *s;
	size_t len, i = 0;
	long value = 0;
	echo_buf e;
	int err;

	if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    pir_yaml_is_null(v) || is_bool(v))
		goto bad;
	s = pir_yaml_text(v);
	len = scalar_len(v);
	if (len && s[0] == '+')
		i++;
	if (i == len || (s[i] == '0' && len - i > 1))
		goto bad;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (value <= MAX_DAYS)
			value = value * 10 + (s[i] - '0');
	}
	if (value > MAX_DAYS) {
		err = fail(rd, v, "%s must be at most " STR(MAX_DAYS) ", not %s", what,
			   describe(&e, v));
		return err < 0 ? err : 0;
	}
	*out = (int)value;
	return 1;
bad:
	err = fail(rd, v, "%s must be a non-negative integer, not %s", what, describe(&e, v));
	return err < 0 ? err : 0;
}

/* ---- lists of strings ---- */

/* Checks one item of a list: 1 to keep it, 0 after an error, or PIR_ENOMEM. */
typedef int (*item_check)(reader *rd, const yaml_node_t *item, const char *what);

/*
 * A list of strings into `*out` (NULL-terminated, owned): every item is a
 * non-empty string accepted by `check` (if any). With `scalar_ok`, a single
 * string stands for a list of one. Returns 0 (errors recorded) or PIR_ENOMEM.
 */
static int read_list(reader *rd, const yaml_node_t *v, const char *what, bool scalar_ok,
		     item_check check, char ***out)
{
	strlist l = {NULL, 0, 0};
	char item_what[400];
	echo_buf e;
	int err = 0, ok;

	snprintf(item_what, sizeof(item_what), "an item of %s", what);
	if (scalar_ok && v->type == YAML_SCALAR_NODE) {
		if ((ok = want_text(rd, v, what)) == 1 && check)
			ok = check(rd, v, what);
		if (ok == 1)
			err = strlist_add(&l, pir_yaml_text(v), scalar_len(v));
		err = ok < 0 ? ok : err;
	} else if (v->type != YAML_SEQUENCE_NODE) {
		err = fail(rd, v, "%s must be a list%s, not %s", what,
			   scalar_ok ? " or a string" : "", describe(&e, v));
	} else {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     !err && it < v->data.sequence.items.top; it++) {
			const yaml_node_t *item = node_at(rd, *it);

			if (!item)
				continue;
			if ((ok = want_text(rd, item, item_what)) == 1 && check)
				ok = check(rd, item, item_what);
			if (ok == 1)
				err = strlist_add(&l, pir_yaml_text(item), scalar_len(item));
			else if (ok < 0)
				err = ok;
		}
	}
	if (!err && !strlist_finish(&l))
		err = PIR_ENOMEM;
	if (err) {
		strv_free(l.v);
		return err;
	}
	*out = l.v;
	return 0;
}

static int check_basename(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	if (!memchr(pir_yaml_text(item), '/', scalar_len(item)))
		return 1;
	err =
	    fail(rd, item, "%s must be a file name without '/', not %s", what, describe(&e, item));
	return err < 0 ? err : 0;
}

static int check_severity_name(reader *rd, const yaml_node_t *item, const char *what)
{
	const char *s = pir_yaml_text(item);
	size_t len = scalar_len(item);
	echo_buf e;
	int err = 1;

	(void)what;
	if (pir_yaml_is(item, "none"))
		err = fail(rd, item, "severity \"none\" is reserved (it stands for no severity)");
	for (size_t i = 0; err == 1 && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			err = fail(rd, item, "severity %s must be lower-case", echo(&e, s, len));
		else if (c < 0x20 || c == 0x7f)
			err = fail(rd, item, "severity %s contains a control character",
				   echo(&e, s, len));
	}
	return err == 1 ? 1 : err < 0 ? err : 0;
}

static bool is_email(const char *s, size_t len)
{
	size_t at = len;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
		if (c == '@')
			at = i;
	}
	return at > 0 && at + 1 < len;
}

static int check_email(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	if (is_email(pir_yaml_text(item), scalar_len(item)))
		return 1;
	err = fail(rd, item, "%s: %s is not an email address", what,
		   echo(&e, pir_yaml_text(item), scalar_len(item)));
	return err < 0 ? err : 0;
}

/* ---- the keys ---- */

/* One marker pattern: "default" or a pattern PCRE2 compiles (same returns as item_check). */
static int check_marker(reader *rd, const yaml_node_t *item, const char *what)
{
	pir_marker_matcher *m = NULL;
	pir_buf why = PIR_BUF_INIT;
	char *pat;
	const char *msg, *list[2];
	int err;

	(void)what;
	if (!(pat = pir_strndup(pir_yaml_text(item), scalar_len(item))))
		return PIR_ENOMEM;
	list[0] = pat;
	list[1] = NULL;
	err = pir_marker_matcher_new(&m, list, 0);
	pir_marker_matcher_free(m);
	free(pat);
	if (err == PIR_ENOMEM)
		return err;
	if (err == 0)
		return 1;
	/* pcre2's reason, without the prefix that would repeat what we say */
	msg = pir_error_last() ? pir_error_last() : "";
	if (strncmp(msg, "invalid marker pattern ", 23) == 0)
		msg += 23;
	if ((err = pir_buf_term_str(&why, msg)) == 0)
		err = fail(rd, item, "'marker' is not a valid PCRE2 pattern (%s)",
			   why.ptr ? why.ptr : "");
	pir_buf_dispose(&why);
	return err < 0 ? err : 0;
}

/* A pattern, or a list of them tried in order ("default": the built-in grammar). */
static int read_marker(reader *rd, const yaml_node_t *v)
{
	int err = read_list(rd, v, "'marker'", true, check_marker, &rd->cfg->markers);

	if (!err && v->type == YAML_SEQUENCE_NODE &&
	    v->data.sequence.items.top == v->data.sequence.items.start)
		err = fail(rd, v, "'marker' must not be an empty list (write default for the "
				  "built-in grammar)");
	return err;
}


/* true or false, in any of YAML 1.2's spellings (same returns as want_string). */
static int want_bool(reader *rd, const yaml_node_t *v, const char *what, bool *out)
{
	echo_buf e;
	int err;

	if (v->type == YAML_SCALAR_NODE && is_bool(v)) {
		*out = (pir_yaml_text(v)[0] | 0x20) == 't';
		return 1;
	}
	err = fail(rd, v, "%s must be true or false, not %s", what, describe(&e, v));
	return err < 0 ? err : 0;
}

/* Each item of the sequence `seq` that repeats an earlier one is an error. */
static int report_duplicates(reader *rd, const yaml_node_t *seq)
{
	const yaml_node_item_t *items = seq->data.sequence.items.start;
	size_t n = (size_t)(seq->data.sequence.items.top - items);
	echo_buf e;
	int err = 0;

	for (size_t i = 1; !err && i < n; i++) {
		const yaml_node_t *at = yaml_document_get_node(rd->doc, items[i]);

		for (size_t j = 0; at && at->type == YAML_SCALAR_NODE && j < i; j++) {
			const yaml_node_t *before = yaml_document_get_node(rd->doc, items[j]);

			if (before && before->type == YAML_SCALAR_NODE &&
			    scalar_len(at) == scalar_len(before) &&
			    memcmp(pir_yaml_text(at), pir_yaml_text(before), scalar_len(at)) == 0) {
				err = fail(rd, at, "duplicate severity %s",
					   echo(&e, pir_yaml_text(at), scalar_len(at)));
				break;
			}
		}
	}
	return err;
}

static int read_severities(reader *rd, const yaml_node_t *v)
{
	char **sev;
	size_t n;
	int err;

	rd->severities = NULL;
	if (v->type == YAML_SEQUENCE_NODE &&
	    (n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)) == 0)
		return fail(rd, v, "'severities' must name at least one severity");
	if (v->type == YAML_SEQUENCE_NODE && n > PIR_SEVERITY_MAX)
		return fail(rd, v, "'severities' names %zu severities; at most %d are allowed", n,
			    PIR_SEVERITY_MAX);
	n = rd->nerrors;
	if ((err = read_list(rd, v, "'severities'", false, check_severity_name, &sev)) < 0)
		return err;
	rd->cfg->severities = sev;
	if (v->type == YAML_SEQUENCE_NODE && (err = report_duplicates(rd, v)) < 0)
		return err;
	/* judge fail_on and stale_days by this list only when it is sound */
	if (rd->nerrors == n)
		rd->severities = (const char *const *)sev;
	return 0;
}

static int severity_rank(const reader *rd, const yaml_node_t *v)
{
	for (size_t i = 0; rd->severities[i]; i++)
		if (pir_yaml_is(v, rd->severities[i]))
			return (int)i;
	return PIR_SEVERITY_NONE;
}

static int read_fail_on(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int ok;

	if ((ok = want_text(rd, v, "'fail_on'")) != 1)
		return ok;
	if (rd->severities && severity_rank(rd, v) == PIR_SEVERITY_NONE)
		return fail(rd, v, "'fail_on' %s is not one of the severities (%s)",
			    echo(&e, pir_yaml_text(v), scalar_len(v)), rd->severity_list);
	if (!(rd->cfg->fail_on = pir_strndup(pir_yaml_text(v), scalar_len(v))))
		return PIR_ENOMEM;
	return 0;
}

static int read_stale_pair(reader *rd, const yaml_node_t *key, const yaml_node_t *v, unsigned *seen)
{
	char what[320];
	echo_buf e;
	int rank, ok, days = 0;
	unsigned bit;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of 'stale_days' must be a severity name, not %s",
			    describe(&e, key));
	if (pir_yaml_is(key, "none"))
		rank = PIR_SEVERITY_NONE;
	else if (!rd->severities)
		rank = PIR_SEVERITY_MAX; /* not judged: `severities` is wrong */
	else if ((rank = severity_rank(rd, key)) == PIR_SEVERITY_NONE)
		return fail(rd, key, "unknown key %s in 'stale_days' (expected one of %s, none)",
			    echo(&e, pir_yaml_text(key), scalar_len(key)), rd->severity_list);
	bit = rank == PIR_SEVERITY_NONE ? 1u << PIR_SEVERITY_MAX
	      : rank < PIR_SEVERITY_MAX ? 1u << rank
					: 0;
	if (*seen & bit)
		return fail(rd, key, "duplicate key %s in 'stale_days'",
			    echo(&e, pir_yaml_text(key), scalar_len(key)));
	*seen |= bit;
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'stale_days' of %s",
		 echo(&e, pir_yaml_text(key), scalar_len(key)));
	if ((ok = want_count(rd, v, what, &days)) != 1)
		return ok;
	if (rank == PIR_SEVERITY_NONE) {
		rd->cfg->stale_none = days;
		rd->cfg->stale_none_set = true;
	} else if (rank < PIR_SEVERITY_MAX) {
		rd->cfg->stale_days[rank] = days;
		rd->cfg->stale_set |= 1u << rank;
	}
	return 0;
}

static int read_stale_days(reader *rd, const yaml_node_t *v)
{
	unsigned seen = 0;
	echo_buf e;
	int err = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'stale_days' must be a mapping of severity to days, not %s",
			    describe(&e, v));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     !err && p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = node_at(rd, p->key), *value = node_at(rd, p->value);

		if (key && value)
			err = read_stale_pair(rd, key, value, &seen);
	}
	return err;
}

/* The bit of a reason name, or 0. */
static unsigned reason_bit(const char *name)
{
	for (unsigned b = 0; b < 32; b++) {
		const char *known = pir_reason_name(1u << b);

		if (known && strcmp(known, name) == 0)
			return 1u << b;
	}
	return strcmp(name, "slipping") == 0 ? REASON_SLIPPING : 0;
}

/* "overdue, too-old, ...", every name reason_bit knows. */
static char *reason_list(void)
{
	const char *names[34];
	size_t n = 0;

	for (unsigned b = 0; b < 32; b++)
		if (pir_reason_name(1u << b))
			names[n++] = pir_reason_name(1u << b);
	names[n] = NULL;
	return join(names, pir_reason_name(REASON_SLIPPING) ? NULL : "slipping");
}

static int check_reason(reader *rd, const yaml_node_t *item, const char *what)
{
	echo_buf e;
	int err;

	(void)what;
	if (reason_bit(pir_yaml_text(item)))
		return 1;
	err = fail(rd, item, "unknown reason %s in 'fail_on_reasons' (expected one of %s)",
		   echo(&e, pir_yaml_text(item), scalar_len(item)), rd->reason_list);
	return err < 0 ? err : 0;
}

static int read_fail_on_reasons(reader *rd, const yaml_node_t *v)
{
	char **names = NULL;
	int err;

	if ((err = read_list(rd, v, "'fail_on_reasons'", false, check_reason, &names)) < 0)
		return err;
	for (size_t i = 0; names[i]; i++)
		rd->cfg->fail_reasons |= reason_bit(names[i]);
	strv_free(names);
	return 0;
}

/* A boolean; false contradicts `invalid` in fail_on_reasons (read before it, in key order). */
static int read_fail_on_invalid(reader *rd, const yaml_node_t *v)
{
	echo_buf e;

	if (v->type != YAML_SCALAR_NODE || !is_bool(v))
		return fail(rd, v, "'fail_on_invalid' must be true or false, not %s", describe(&e, v));
	rd->cfg->fail_on_invalid = pir_yaml_text(v)[0] == 't' || pir_yaml_text(v)[0] == 'T';
	if (!rd->cfg->fail_on_invalid && (rd->cfg->fail_reasons & PIR_REASON_INVALID))
		return fail(rd, v, "'fail_on_invalid' is false but 'fail_on_reasons' lists invalid");
	return 0;
}

static int read_as_of(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int ok;

	if ((ok = want_string(rd, v, "'as_of'")) != 1)
		return ok;
	if (pir_date_parse(&rd->cfg->as_of, pir_yaml_text(v), scalar_len(v)) == 0)
		return 0;
	rd->cfg->as_of = PIR_DATE_NONE;
	return fail(rd, v, "'as_of' must be a date (YYYY-MM-DD), not %s", describe(&e, v));
}

/* ---- teams ---- */

/* Flag every pair whose scalar key an earlier pair has: sorting keeps a
 * mapping with many keys from costing a quadratic number of comparisons. */
static void team_clear(pir_team *t)
{
	free((char *)t->name);
	strv_free((char **)t->email);
	strv_free((char **)t->members);
}

static int read_team_pair(reader *rd, pir_team *t, const char *team_echo, const yaml_node_t *key,
			  const yaml_node_t *v, unsigned *seen)
{
	char what[420]; /* "'members' of team " and an echo of up to 367 bytes */
	char **list = NULL;
	echo_buf e;
	int k, err;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of team %s must be a string, not %s", team_echo,
			    describe(&e, key));
	k = pir_yaml_is(key, "email") ? 0 : pir_yaml_is(key, "members") ? 1 : -1;
	if (k < 0)
		return fail(rd, key, "unknown key %s in team %s (expected email or members)",
			    echo(&e, pir_yaml_text(key), scalar_len(key)), team_echo);
	if (*seen & (1u << k))
		return fail(rd, key, "duplicate key \"%s\" in team %s", k ? "members" : "email",
			    team_echo);
	*seen |= 1u << k;
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'%s' of team %s", k ? "members" : "email", team_echo);
	if ((err = read_list(rd, v, what, k == 0, k ? NULL : check_email, &list)) < 0)
		return err;
	if (k) {
		strv_free((char **)t->members);
		t->members = (const char *const *)list;
	} else {
		strv_free((char **)t->email);
		t->email = (const char *const *)list;
	}
	return 0;
}

static int read_team(reader *rd, const yaml_node_t *key, const yaml_node_t *v)
{
	pir_config *cfg = rd->cfg;
	strlist empty = {NULL, 0, 0};
	unsigned seen = 0;
	pir_team *t;
	echo_buf e;
	char team_echo[sizeof(e.s)];
	int err = 0;

	snprintf(team_echo, sizeof(team_echo), "%s", echo(&e, pir_yaml_text(key), scalar_len(key)));
	if (pir_grow((void **)&cfg->teams, &cfg->teams_cap, cfg->nteams + 1, sizeof(*cfg->teams)) <
	    0)
		return PIR_ENOMEM;
	t = &cfg->teams[cfg->nteams++];
	memset(t, 0, sizeof(*t));
	if (!(t->name = pir_strndup(pir_yaml_text(key), scalar_len(key))))
		return PIR_ENOMEM;
	if (v->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     !err && p < v->data.mapping.pairs.top; p++) {
			const yaml_node_t *k = node_at(rd, p->key), *val = node_at(rd, p->value);

			if (k && val)
				err = read_team_pair(rd, t, team_echo, k, val, &seen);
		}
	} else if (!pir_yaml_is_null(v)) {
		err = fail(rd, v, "team %s must be a mapping with email and members, not %s",
			   team_echo, describe(&e, v));
	}
	if (!err && !t->email && !(t->email = (const char *const *)strlist_finish(&empty)))
		err = PIR_ENOMEM;
	empty = (strlist){NULL, 0, 0};
	if (!err && !t->members && !(t->members = (const char *const *)strlist_finish(&empty)))
		err = PIR_ENOMEM;
	return err;
}

static int read_teams(reader *rd, const yaml_node_t *v)
{
	const yaml_node_pair_t *pairs;
	bool *dup = NULL;
	echo_buf e;
	int err, ok;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'teams' must be a mapping of team names, not %s",
			    describe(&e, v));
	pairs = v->data.mapping.pairs.start;
	if ((err = pir_yaml_find_duplicates(&dup, rd->doc, v)) < 0)
		return err;
	for (size_t i = 0; !err && pairs + i < v->data.mapping.pairs.top; i++) {
		const yaml_node_t *key = node_at(rd, pairs[i].key);
		const yaml_node_t *value = node_at(rd, pairs[i].value);

		if (!key || !value)
			continue;
		if ((ok = want_text(rd, key, "a team name")) != 1)
			err = ok < 0 ? ok : 0;
		else if (dup[i])
			err = fail(rd, key, "duplicate team %s",
				   echo(&e, pir_yaml_text(key), scalar_len(key)));
		else
			err = read_team(rd, key, value);
	}
	free(dup);
	return err;
}

/* ---- report ---- */

static int read_report_pair(reader *rd, const yaml_node_t *key, const yaml_node_t *v)
{
	char what[64];
	echo_buf e;
	int k = -1, ok;

	if (key->type != YAML_SCALAR_NODE)
		return fail(rd, key, "a key of 'report' must be a string, not %s",
			    describe(&e, key));
	for (int i = 0; i < R_COUNT; i++)
		if (pir_yaml_is(key, report_keys[i]))
			k = i;
	if (k < 0)
		return fail(rd, key,
			    "unknown key %s in 'report' (expected from, smtp_url, smtp_user or "
			    "smtp_timeout)",
			    echo(&e, pir_yaml_text(key), scalar_len(key)));
	if (rd->cfg->report[k])
		return fail(rd, key, "duplicate key \"%s\" in 'report'", report_keys[k]);
	if (pir_yaml_is_null(v))
		return 0;
	snprintf(what, sizeof(what), "'report.%s'", report_keys[k]);
	if (k == R_SMTP_TIMEOUT) {
		int seconds = 0;

		if ((ok = want_count(rd, v, what, &seconds)) != 1)
			return ok;
		if (seconds < 1 || seconds > MAX_SMTP_TIMEOUT)
			return fail(rd, v, "%s must be from 1 to " STR(MAX_SMTP_TIMEOUT)
				    " seconds, not %d", what, seconds);
	} else if ((ok = want_text(rd, v, what)) != 1) {
		return ok;
	}
	if (!(rd->cfg->report[k] = pir_strndup(pir_yaml_text(v), scalar_len(v))))
		return PIR_ENOMEM;
	rd->cfg->report_origin[k] = rd->cfg->origin;
	return 0;
}

static int read_report(reader *rd, const yaml_node_t *v)
{
	echo_buf e;
	int err = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v, "'report' must be a mapping, not %s", describe(&e, v));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     !err && p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = node_at(rd, p->key), *value = node_at(rd, p->value);

		if (key && value)
			err = read_report_pair(rd, key, value);
	}
	return err;
}

/* ---- the document ---- */

static int read_value(reader *rd, enum top_key k, const yaml_node_t *v)
{
	pir_config *cfg = rd->cfg;

	switch (k) {
	case K_MARKER:
		return read_marker(rd, v);
	case K_ITEM_FILES:
		return read_list(rd, v, "'item_files'", false, check_basename, &cfg->item_files);
	case K_SEVERITIES:
		return read_severities(rd, v);
	case K_STALE_DAYS:
		return read_stale_days(rd, v);
	case K_FAIL_ON:
		return read_fail_on(rd, v);
	case K_FAIL_ON_REASONS:
		return read_fail_on_reasons(rd, v);
	case K_FAIL_ON_INVALID:
		return read_fail_on_invalid(rd, v);
	case K_GRACE:
		return want_count(rd, v, "'grace'", &cfg->grace) < 0 ? PIR_ENOMEM : 0;
	case K_WARN_WITHIN:
		return want_count(rd, v, "'warn_within'", &cfg->warn_within) < 0 ? PIR_ENOMEM : 0;
	case K_MAX_SLIPS:
		return want_count(rd, v, "'max_slips'", &cfg->max_slips) < 0 ? PIR_ENOMEM : 0;
	case K_EXCLUDE:
		return read_list(rd, v, "'exclude'", false, NULL, &cfg->exclude);
	case K_AS_OF:
		return read_as_of(rd, v);
	case K_TEAMS:
		return read_teams(rd, v);
	case K_REPORT:
		return read_report(rd, v);
	case K_MARKER_REQUIRE_REFERENCE:
		return want_bool(rd, v, "'marker_require_reference'", &cfg->marker_require_reference) <
				       0
			       ? PIR_ENOMEM
			       : 0;
	default:
		return 0;
	}
}

/* Which keys the top mapping gives, then their values: severities first, as
 * fail_on and stale_days are judged by it wherever they stand. */
static int read_top(reader *rd, const yaml_node_t *map)
{
	const yaml_node_t *values[K_COUNT] = {NULL};
	echo_buf e;
	int err = 0;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !err && p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = node_at(rd, p->key), *value = node_at(rd, p->value);
		int k = -1;

		if (!key || !value)
			continue;
		for (int i = 0; i < K_COUNT; i++)
			if (pir_yaml_is(key, top_keys[i]))
				k = i;
		if (key->type != YAML_SCALAR_NODE)
			err = fail(rd, key, "a key must be a string, not %s", describe(&e, key));
		else if (k < 0)
			err = fail(rd, key, "unknown key %s",
				   echo(&e, pir_yaml_text(key), scalar_len(key)));
		else if (values[k])
			err = fail(rd, key, "duplicate key \"%s\"", top_keys[k]);
		else if (rd->cfg->origin == PIR_CONFIG_HOST && k != K_TEAMS && k != K_REPORT)
			err = fail(rd, key,
				   "'%s' is a repository setting: it goes in " CONFIG_FILE
				   "; a host configuration sets only 'report' and 'teams'",
				   top_keys[k]);
		else
			values[k] = value;
	}
	if (!err && values[K_SEVERITIES] && !pir_yaml_is_null(values[K_SEVERITIES]))
		err = read_severities(rd, values[K_SEVERITIES]);
	if (!err && rd->severities && rd->severities != pir_default_severities()) {
		free(rd->severity_list);
		if (!(rd->severity_list = join(rd->severities, NULL)))
			err = PIR_ENOMEM;
	}
	for (int k = 0; !err && k < K_COUNT; k++) {
		if (!values[k] || pir_yaml_is_null(values[k]))
			continue;
		rd->cfg->set |= 1u << k;
		if (k != K_SEVERITIES)
			err = read_value(rd, (enum top_key)k, values[k]);
	}
	return err;
}

static int read_document(reader *rd)
{
	const yaml_node_t *root = yaml_document_get_root_node(rd->doc);
	echo_buf e;
	int err;

	if (!root || pir_yaml_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail(rd, root, "the configuration must be a mapping, not %s",
			    describe(&e, root));
	if ((err = read_top(rd, root)) == 0 && rd->exhausted)
		err = fail(rd, root, "aliases expand the document too much; the rest is not read");
	return err;
}

/* ---- the stream ---- */

/* A syntax error of the configuration, with its position. */
static int syntax_error(reader *rd, const yaml_parser_t *p, const char *buf, size_t len)
{
	unsigned line, col;
	char msg[512];

	if (pir_yaml_parser_error(p, buf, len, &line, &col, msg, sizeof(msg)) < 0)
		return pir_error_oom();
	return fail_at(rd, line, col, "invalid YAML: %s", msg);
}

/*
 * Walk the event stream before loading it: libyaml's scanner is quadratic
 * in flow nesting and its loader in anchors. Returns 0 when the stream may
 * be loaded (a syntax error is left to the loader to report), 1 after an
 * error saying why not, or PIR_ENOMEM.
 */
static int preflight(reader *rd, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned depth = 0, anchors = 0;
	const char *why = NULL;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return pir_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (bool end = false; !end && !why;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR)
				err = pir_error_oom();
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT)
			anchors = 0;
		if (pir_yaml_event_anchor(&ev) && ++anchors > MAX_ANCHORS)
			why = "more than " STR(MAX_ANCHORS) " anchors in a document";
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > MAX_DEPTH)
				why = "collections nested deeper than " STR(MAX_DEPTH) " levels";
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		if (why)
			err = fail_at(rd, pir_yaml_pos1(ev.start_mark.line), pir_yaml_pos1(ev.start_mark.column),
				      "%s; the file is not read", why);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return err < 0 ? err : why ? 1 : 0;
}

/* Load and read the one document of the stream; a second one is an error. */
static int read_stream(reader *rd, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return pir_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = syntax_error(rd, &parser, buf, len);
		goto done;
	}
	rd->doc = &doc;
	err = read_document(rd);
	if (!err && yaml_document_get_root_node(&doc)) {
		if (!yaml_parser_load(&parser, &extra)) {
			err = syntax_error(rd, &parser, buf, len);
		} else {
			const yaml_node_t *root = yaml_document_get_root_node(&extra);

			if (root)
				err = fail(rd, root,
					   "a second YAML document; the configuration is one "
					   "document");
			yaml_document_delete(&extra);
		}
	}
	rd->doc = NULL;
	yaml_document_delete(&doc);
done:
	yaml_parser_delete(&parser);
	return err;
}

static int diag_order(const void *a, const void *b)
{
	const pir_fdiag *const *x = a, *const *y = b;

	if ((*x)->line != (*y)->line)
		return (*x)->line < (*y)->line ? -1 : 1;
	if ((*x)->column != (*y)->column)
		return (*x)->column < (*y)->column ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* Append the errors to `out` in file order, each on a line naming `name`. */
static int write_errors(const reader *rd, const char *name, pir_buf *out)
{
	const pir_fdiag_list *errs = &rd->errs;
	const pir_fdiag **order;
	pir_buf where = PIR_BUF_INIT;
	int err;

	if (!out)
		return 0;
	if (!(order = pir_calloc(errs->n, sizeof(*order))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < errs->n; i++)
		order[i] = &errs->v[i];
	qsort(order, errs->n, sizeof(*order), diag_order);
	err = pir_buf_term_str(&where, name);
	for (size_t i = 0; !err && i < errs->n; i++)
		err = pir_buf_printf(out, "%s:%u:%u: %s\n", where.ptr ? where.ptr : "",
				     order[i]->line, order[i]->column, order[i]->message);
	if (!err && rd->dropped)
		err = pir_buf_printf(out, "%s:%u:%u: too many errors; %zu more are not shown\n",
				     where.ptr ? where.ptr : "", rd->dropped_line, rd->dropped_col,
				     rd->dropped);
	pir_buf_dispose(&where);
	free(order);
	return err;
}

static int parse_as(pir_config **out, const char *buf, size_t len, const char *name,
		    pir_config_origin origin, pir_buf *errors)
{
	reader rd;
	int err;

	*out = NULL;
	memset(&rd, 0, sizeof(rd));
	if (!buf) {
		buf = "";
		len = 0;
	}
	if (!name)
		name = CONFIG_FILE;
	if (!(rd.cfg = pir_calloc(1, sizeof(*rd.cfg))))
		return PIR_ENOMEM;
	rd.cfg->as_of = PIR_DATE_NONE;
	rd.cfg->origin = origin;
	rd.severities = pir_default_severities();
	/* Without aliases the reader visits each node once: about 2 units a byte. */
	rd.budget = len * 4 + 4096;
	if (!(rd.severity_list = join(pir_default_severities(), NULL)) ||
	    !(rd.reason_list = reason_list())) {
		err = PIR_ENOMEM;
		goto done;
	}
	if (len > MAX_SIZE)
		err = fail_at(&rd, 1, 1, "the file is larger than 1 MiB; it is not read");
	else if ((err = preflight(&rd, buf, len)) == 0)
		err = read_stream(&rd, buf, len);
	if (err > 0)
		err = 0;
	if (!err && rd.nerrors) {
		if ((err = write_errors(&rd, name, errors)) == 0)
			err = pir_error_set(PIR_EINVALID, "%s: %zu error%s in the configuration",
					    name, rd.nerrors, rd.nerrors == 1 ? "" : "s");
	}
done:
	free(rd.severity_list);
	free(rd.reason_list);
	pir_fdiag_list_clear(&rd.errs);
	if (err) {
		pir_config_free(rd.cfg);
		return err == PIR_ENOMEM ? pir_error_oom() : err;
	}
	*out = rd.cfg;
	return 0;
}

int pir_config_parse(pir_config **out, const char *buf, size_t len, const char *name,
		     pir_buf *errors)
{
	return parse_as(out, buf, len, name, PIR_CONFIG_REPOSITORY, errors);
}

/* ---- loading ---- */

/* Read at most MAX_SIZE + 1 bytes: enough for the parser to refuse a larger file. */
static int read_file(pir_buf *out, const char *path)
{
	struct stat st;
	int fd, e = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		e = errno;
	else if (fstat(fd, &st) < 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	while (!e && out->size <= MAX_SIZE) {
		ssize_t n;

		if (pir_buf_grow(out, 65536) < 0) {
			close(fd);
			return PIR_ENOMEM;
		}
		if ((n = read(fd, out->ptr + out->size, 65536)) < 0 && errno != EINTR)
			e = errno;
		else if (n == 0)
			break;
		else if (n > 0)
			out->size += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (e)
		return pir_error_set(e == ENOENT || e == ENOTDIR ? PIR_ENOTFOUND : PIR_ERROR,
				     "cannot read '%s': %s", path, strerror(e));
	return 0;
}

static int load_as(pir_config **out, const char *path, pir_config_origin origin,
		   pir_buf *errors)
{
	pir_buf content = PIR_BUF_INIT;
	int err;

	*out = NULL;
	if ((err = read_file(&content, path)) == 0)
		err = parse_as(out, content.ptr, content.size, path, origin, errors);
	pir_buf_dispose(&content);
	return err;
}

int pir_config_load(pir_config **out, const char *path, pir_buf *errors)
{
	return load_as(out, path, PIR_CONFIG_OPERATOR, errors);
}

int pir_config_load_host(pir_config **out, const char *path, pir_buf *errors)
{
	return load_as(out, path, PIR_CONFIG_HOST, errors);
}

/* The blob of CONFIG_FILE in the tree of `ref`, or PIR_ENOTFOUND. */
static int find_config_blob(git_blob **out, git_repository *repo, const char *path, const char *ref)
{
	const char *spec = ref ? ref : "HEAD";
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int gerr, err = 0;

	if (!ref && git_repository_head_unborn(repo) == 1)
		return pir_error_set(PIR_ENOTFOUND, "%s: the repository has no commits yet", path);
	if ((gerr = git_revparse_single(&obj, repo, spec)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set(PIR_ENOTFOUND, "%s: unknown revision '%s'", path, spec)
			  : pir_error_git(gerr, path);
		goto done;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		err = pir_error_set(PIR_EINVALID, "%s: '%s' does not name a commit", path, spec);
		goto done;
	}
	if ((gerr = git_commit_tree(&tree, commit)) < 0) {
		err = pir_error_git(gerr, path);
		goto done;
	}
	if ((gerr = git_tree_entry_bypath(&entry, tree, CONFIG_FILE)) < 0) {
		err =
		    gerr == GIT_ENOTFOUND
			? pir_error_set(PIR_ENOTFOUND, "%s: no " CONFIG_FILE " in '%s'", path, spec)
			: pir_error_git(gerr, path);
		goto done;
	}
	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		err = 1;
		goto done;
	}
	if ((gerr = git_blob_lookup(out, repo, git_tree_entry_id(entry))) < 0)
		err = pir_error_git(gerr, path);
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return err;
}

int pir_config_load_from_repository(pir_config **out, const char *repo_path, const char *ref,
				    pir_buf *errors)
{
	git_repository *repo = NULL;
	git_blob *blob = NULL;
	int gerr, err;

	*out = NULL;
	git_libgit2_init();
	if ((gerr = git_repository_open_ext(&repo, repo_path, 0, NULL)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set(PIR_ENOTREPO, "'%s' is not a git repository", repo_path)
			  : pir_error_git(gerr, repo_path);
		goto done;
	}
	if ((err = find_config_blob(&blob, repo, repo_path, ref)) < 0)
		goto done;
	if (err == 1) {
		/* a link, a folder or a submodule: the scan would not read it either */
		err = PIR_EINVALID;
		if (errors && pir_buf_puts(errors, CONFIG_FILE ":1:1: not a regular file\n") < 0)
			err = PIR_ENOMEM;
		else
			pir_error_set(err, CONFIG_FILE ": not a regular file");
		goto done;
	}
	err = pir_config_parse(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			       CONFIG_FILE, errors);
done:
	git_blob_free(blob);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return err;
}

void pir_config_free(pir_config *config)
{
	if (!config)
		return;
	strv_free(config->markers);
	strv_free(config->item_files);
	strv_free(config->severities);
	strv_free(config->exclude);
	free(config->fail_on);
	for (size_t i = 0; i < config->nteams; i++)
		team_clear(&config->teams[i]);
	free(config->teams);
	for (size_t i = 0; i < R_COUNT; i++)
		free(config->report[i]);
	free(config);
}

/* ---- what the configuration sets ---- */

static bool has(const pir_config *config, enum top_key k)
{
	return (config->set & (1u << k)) != 0;
}

void pir_config_apply_scan(const pir_config *config, pir_scan_options *opts)
{
	if (!config || !opts)
		return;
	if (has(config, K_MARKER)) {
		opts->marker_patterns = (const char *const *)config->markers;
		opts->marker_pattern = NULL;
	}
	if (has(config, K_MARKER_REQUIRE_REFERENCE))
		opts->marker_require_reference = config->marker_require_reference;

	if (has(config, K_ITEM_FILES))
		opts->item_files = (const char *const *)config->item_files;
	if (has(config, K_SEVERITIES))
		opts->severities = (const char *const *)config->severities;
	for (int i = 0; i < PIR_SEVERITY_MAX; i++)
		if (config->stale_set & (1u << i))
			opts->stale_days[i] = config->stale_days[i];
	if (config->stale_none_set)
		opts->stale_days_none = config->stale_none;
	if (has(config, K_EXCLUDE))
		opts->exclude = (const char *const *)config->exclude;
	if (has(config, K_AS_OF))
		opts->as_of = config->as_of;
	if (has(config, K_MAX_SLIPS)) /* slipping is a reason of the scan's model */
		opts->max_slips = config->max_slips;
}

void pir_config_apply_check(const pir_config *config, pir_check_options *opts)
{
	if (!config || !opts)
		return;
	if (has(config, K_FAIL_ON))
		opts->fail_on = config->fail_on;
	if (has(config, K_FAIL_ON_REASONS))
		opts->fail_reasons = config->fail_reasons;
	if (has(config, K_FAIL_ON_INVALID))
		opts->warn_invalid = !config->fail_on_invalid;
	if (has(config, K_GRACE))
		opts->grace = config->grace;
	if (has(config, K_WARN_WITHIN))
		opts->warn_within = config->warn_within;
	if (has(config, K_MAX_SLIPS))
		opts->max_slips = config->max_slips;
}

size_t pir_config_team_count(const pir_config *config)
{
	return config ? config->nteams : 0;
}

const pir_team *pir_config_team(const pir_config *config, size_t i)
{
	return config && i < config->nteams ? &config->teams[i] : NULL;
}

const char *pir_config_report_setting(const pir_config *config, const char *key)
{
	if (!config || !key)
		return NULL;
	for (size_t i = 0; i < R_COUNT; i++)
		if (strcmp(key, report_keys[i]) == 0)
			return config->report[i];
	return NULL;
}

pir_config_origin pir_config_report_origin(const pir_config *config, const char *key)
{
	for (size_t i = 0; config && key && i < R_COUNT; i++)
		if (strcmp(key, report_keys[i]) == 0 && config->report[i])
			return config->report_origin[i];
	return PIR_CONFIG_REPOSITORY;
}

/* ---- layers ---- */

static char **strv_dup(const char *const *v)
{
	strlist l = {NULL, 0, 0};

	for (size_t i = 0; v && v[i]; i++) {
		if (strlist_add(&l, v[i], strlen(v[i])) < 0) {
			strv_free(l.v);
			return NULL;
		}
	}
	return strlist_finish(&l);
}

/* `*dst` (a list the layer above left empty) becomes a copy of `src` when that has items. */
static int fill_list(const char *const **dst, const char *const *src)
{
	char **copy;

	if ((*dst && (*dst)[0]) || !src || !src[0])
		return 0;
	if (!(copy = strv_dup(src)))
		return PIR_ENOMEM;
	strv_free((char **)*dst);
	*dst = (const char *const *)copy;
	return 0;
}

static int add_host_team(pir_config *config, const pir_team *from)
{
	pir_team *t = NULL;

	for (size_t i = 0; i < config->nteams && !t; i++)
		if (strcmp(config->teams[i].name, from->name) == 0)
			t = &config->teams[i];
	if (!t) {
		if (pir_grow((void **)&config->teams, &config->teams_cap, config->nteams + 1,
			     sizeof(*config->teams)) < 0)
			return PIR_ENOMEM;
		t = &config->teams[config->nteams];
		memset(t, 0, sizeof(*t));
		if (!(t->name = pir_strdup(from->name)))
			return PIR_ENOMEM;
		config->nteams++;
	}
	if (fill_list(&t->email, from->email) < 0 || fill_list(&t->members, from->members) < 0)
		return PIR_ENOMEM;
	if ((!t->email && !(t->email = (const char *const *)strv_dup(NULL))) ||
	    (!t->members && !(t->members = (const char *const *)strv_dup(NULL))))
		return PIR_ENOMEM;
	return 0;
}

int pir_config_add_host(pir_config *config, const pir_config *host)
{
	if (!config || !host)
		return 0;
	for (size_t k = 0; k < R_COUNT; k++) {
		/* a scanned repository never supplies the server or the login: the host's win */
		bool untrusted = config->report[k] && config->report_origin[k] ==
							  PIR_CONFIG_REPOSITORY &&
				 (k == R_SMTP_URL || k == R_SMTP_USER);

		if (!host->report[k] || (config->report[k] && !untrusted))
			continue;
		free(config->report[k]);
		if (!(config->report[k] = pir_strdup(host->report[k])))
			return pir_error_oom();
		config->report_origin[k] = host->report_origin[k];
		config->set |= 1u << K_REPORT;
	}
	for (size_t i = 0; i < host->nteams; i++) {
		if (add_host_team(config, &host->teams[i]) < 0)
			return pir_error_oom();
		config->set |= 1u << K_TEAMS;
	}
	return 0;
}
