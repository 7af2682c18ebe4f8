/* SPDX-License-Identifier: MIT */
/*
 * The CI gate: which items fail, which warn, which are snoozed. Predictable
 * and explainable: every verdict carries the reasons behind it, and the
 * dates are the scan's (UTC, or --as-of).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "check_int.h"
#include "error.h"
#include "link.h"
#include "pirscan/check.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "scan_int.h"

struct pir_check {
	const pir_scan *scan;
	pir_check_options opts;
	int fail_rank;
	bool changed_only;
	pir_check_result *results;
	size_t n;
	size_t tally[4];
	const pir_diagnostic **problems; /* the results' problems, one slice each */
};

static const struct {
	unsigned bit;
	const char *name;
} why_names[] = {
    {PIR_WHY_DUE_SOON, "due-soon"},
    {PIR_WHY_GRACE, "overdue-within-grace"},
    {PIR_WHY_BELOW, "overdue-below-fail-on"},
    {PIR_WHY_UNCHANGED, "not-changed"},
    {PIR_WHY_UNREADABLE, "unreadable-object"},
};

const char *pir_check_why_name(unsigned bit)
{
	for (size_t i = 0; i < PIR_ARRAY_SIZE(why_names); i++)
		if (why_names[i].bit == bit)
			return why_names[i].name;
	return pir_reason_name(bit);
}

/* The reasons that fail: invalid unless the policy lets invalid entries pass with a warning. */
static unsigned failing_reasons(const pir_check_options *o)
{
	return o->fail_reasons | (o->warn_invalid ? 0 : PIR_REASON_INVALID);
}

/* Decide one live item. */
static void decide(const pir_check *c, const pir_item *it, pir_check_result *r)
{
	const pir_check_options *o = &c->opts;
	bool overdue = !it->closed && it->overdue_days > 0;
	bool at_or_above = it->severity_rank >= 0 && it->severity_rank <= c->fail_rank;
	unsigned fail = 0, warn = 0;

	r->item = it;
	if (overdue && at_or_above && it->overdue_days > o->grace)
		fail |= PIR_REASON_OVERDUE;
	else if (overdue && at_or_above)
		warn |= PIR_WHY_GRACE;
	else if (overdue)
		warn |= PIR_WHY_BELOW;
	fail |= it->reasons & failing_reasons(o);
	warn |= it->reasons & PIR_REASON_INVALID & ~fail;
	if (!it->closed && it->due != PIR_DATE_NONE && !overdue &&
	    it->due - pir_scan_as_of(c->scan) <= o->warn_within)
		warn |= PIR_WHY_DUE_SOON;
	if (it->snoozed && (fail & PIR_REASON_INVALID)) {
		/* a snooze vouches for a date, not for an entry that cannot be read */
		fail = PIR_REASON_INVALID;
	} else if (fail && it->snoozed) {
		r->verdict = PIR_VERDICT_SNOOZED;
		r->why = fail;
		return;
	}
	if (fail && c->changed_only && !it->changed) {
		r->verdict = PIR_VERDICT_WARN;
		r->why = fail | PIR_WHY_UNCHANGED;
	} else if (fail) {
		r->verdict = PIR_VERDICT_FAIL;
		r->why = fail;
	} else if (warn) {
		r->verdict = PIR_VERDICT_WARN;
		r->why = warn;
	} else {
		r->verdict = it->snoozed ? PIR_VERDICT_SNOOZED : PIR_VERDICT_PASS;
		r->why = 0;
	}
}

/* Decide a problem of an action-items file that no item stands for. */
static void decide_file(const pir_check *c, pir_check_result *r)
{
	bool fails = failing_reasons(&c->opts) & PIR_REASON_INVALID;

	r->item = NULL;
	if (strcmp(r->problems[0]->code, "unreadable-object") == 0) {
		/* what it holds is unknown: no policy and no pull-request mode let it pass */
		r->why = PIR_WHY_UNREADABLE;
		r->verdict = PIR_VERDICT_FAIL;
		return;
	}
	r->why = PIR_REASON_INVALID;
	if (fails && c->changed_only && !pir_scan_diag_changed(c->scan, r->problems[0])) {
		r->verdict = PIR_VERDICT_WARN;
		r->why |= PIR_WHY_UNCHANGED;
	} else {
		r->verdict = fails ? PIR_VERDICT_FAIL : PIR_VERDICT_WARN;
	}
}

/* ---- problems of the action-items files ---- */

/*
 * What keeps an action-items file of the scanned tree from being read
 * (actions.c, scan.c): its errors, and its being skipped as too large; and
 * any file of the repository that could not be read (unreadable-object):
 * it may hold a marker or an entry, so it is a result the gate fails on.
 */
static bool is_file_problem(const pir_scan *s, const pir_diagnostic *d)
{
	static const char *const codes[] = {"yaml-syntax", "yaml-schema",	"yaml-field",
					    "binary",	   "unreadable-object", "postmortem-field"};

	if (!d->path || !d->repo)
		return false;
	if (strcmp(d->code, "too-large") == 0)
		return pir_scan_is_item_file(s, d->path);
	for (size_t i = 0; d->level == PIR_DIAG_ERROR && i < PIR_ARRAY_SIZE(codes); i++)
		if (strcmp(d->code, codes[i]) == 0)
			return true;
	return false;
}

/* The result of an entry that a filter (pir_scan_filter) left out. */
#define FILTERED_OUT (SIZE_MAX - 1)

/* Where an entry of a live item starts: field errors after it, up to the next, are its own. */
typedef struct {
	const pir_location *loc;
	size_t result;
} anchor;

static int cmp_pos(const char *repo_a, const char *path_a, unsigned line_a, unsigned col_a,
		   const char *repo_b, const char *path_b, unsigned line_b, unsigned col_b)
{
	int c;

	if ((c = strcmp(repo_a, repo_b)) != 0 || (c = strcmp(path_a, path_b)) != 0)
		return c;
	if (line_a != line_b)
		return line_a < line_b ? -1 : 1;
	return col_a < col_b ? -1 : col_a > col_b;
}

static int cmp_anchors(const void *a, const void *b)
{
	const pir_location *x = ((const anchor *)a)->loc, *y = ((const anchor *)b)->loc;
	return cmp_pos(x->repo, x->path, x->line, x->column, y->repo, y->path, y->line, y->column);
}

/* The result whose entry holds the field error `d`: the last entry starting at or before it. */
static size_t entry_of(const anchor *v, size_t n, const pir_diagnostic *d)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first anchor after d */
		size_t mid = lo + (hi - lo) / 2;
		const pir_location *l = v[mid].loc;
		if (cmp_pos(l->repo, l->path, l->line, l->column, d->repo, d->path, d->line,
			    d->column) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || strcmp(v[lo - 1].loc->repo, d->repo) != 0 ||
	    strcmp(v[lo - 1].loc->path, d->path) != 0)
		return SIZE_MAX;
	return v[lo - 1].result;
}

/* Anchor the live entries of `it` for result `result`; returns the new count. */
static size_t add_anchors(anchor *v, size_t n, const pir_item *it, size_t result)
{
	for (size_t k = 0; k < it->nlocations; k++)
		if (it->locations[k].kind == PIR_LOCATION_YAML &&
		    !PIR_COMMIT_REF_SET(&it->locations[k].resolved))
			v[n++] = (anchor){&it->locations[k], result};
	return n;
}

/*
 * Give each item result the field errors of its entries, and each other
 * problem of an action-items file a result of its own (results[nitems..]).
 * Sets the number of results; returns 0 or PIR_ENOMEM.
 */
static int attach_problems(pir_check *c, size_t nitems, size_t *nresults)
{
	const pir_scan *s = c->scan;
	size_t nd = pir_scan_diagnostic_count(s), na = 0, nfile = 0, used = 0;
	size_t *owner = NULL, *count = NULL;
	anchor *anchors = NULL;
	int err = PIR_ENOMEM;

	for (size_t i = 0; i < nitems; i++)
		na += c->results[i].item->nlocations;
	for (size_t i = 0; i < s->nfiltered; i++)
		na += s->items[s->nitems + i].nlocations;
	if (!(owner = pir_calloc(nd ? nd : 1, sizeof(*owner))) ||
	    !(count = pir_calloc(nitems + nd + 1, sizeof(*count))) ||
	    !(anchors = pir_calloc(na ? na : 1, sizeof(*anchors))) ||
	    !(c->problems = pir_calloc(nd ? nd : 1, sizeof(*c->problems))))
		goto done;
	na = 0;
	for (size_t i = 0; i < nitems; i++)
		na = add_anchors(anchors, na, c->results[i].item, i);
	for (size_t i = 0; i < s->nfiltered; i++) /* entries a filter left out: their errors too */
		na = add_anchors(anchors, na, &s->items[s->nitems + i], FILTERED_OUT);
	if (na)
		qsort(anchors, na, sizeof(*anchors), cmp_anchors);
	for (size_t d = 0; d < nd; d++) {
		const pir_diagnostic *diag = pir_scan_diagnostic(s, d);
		owner[d] = SIZE_MAX;
		if (!is_file_problem(s, diag))
			continue;
		if (strcmp(diag->code, "yaml-field") == 0)
			owner[d] = entry_of(anchors, na, diag);
		if (owner[d] == FILTERED_OUT) { /* an entry the filters left out: not judged */
			owner[d] = SIZE_MAX;
			continue;
		}
		if (owner[d] == SIZE_MAX) /* never dropped: a result of its own */
			owner[d] = nitems + nfile++;
		count[owner[d]]++;
	}
	for (size_t r = 0; r < nitems + nfile; r++) {
		c->results[r].problems = c->problems + used;
		used += count[r];
		count[r] = 0;
	}
	for (size_t d = 0; d < nd; d++) {
		pir_check_result *r = owner[d] == SIZE_MAX ? NULL : &c->results[owner[d]];
		if (r)
			c->problems[r->problems - c->problems + r->nproblems++] =
			    pir_scan_diagnostic(s, d);
	}
	*nresults = nitems + nfile;
	err = 0;
done:
	free(owner);
	free(count);
	free(anchors);
	return err;
}

/* Failing first, then warnings, snoozed, passed; within each, file problems, then scan order. */
static int cmp_results(const void *a, const void *b)
{
	static const int order[] = {[PIR_VERDICT_FAIL] = 0,
				    [PIR_VERDICT_WARN] = 1,
				    [PIR_VERDICT_SNOOZED] = 2,
				    [PIR_VERDICT_PASS] = 3};
	const pir_check_result *x = a, *y = b;

	if (x->verdict != y->verdict)
		return order[x->verdict] - order[y->verdict];
	if (!x->item != !y->item)
		return x->item ? 1 : -1;
	if (!x->item)
		return x->problems[0] < y->problems[0] ? -1 : x->problems[0] > y->problems[0];
	return x->item < y->item ? -1 : x->item > y->item;
}

int pir_check_new(pir_check **out, const pir_scan *scan, const pir_check_options *opts,
		  bool changed_only)
{
	pir_check_options defaults = PIR_CHECK_OPTIONS_INIT;
	pir_check *c;
	size_t n = pir_scan_item_count(scan), nd = pir_scan_diagnostic_count(scan), nitems = 0;
	int err;

	*out = NULL;
	if (opts && opts->version != PIR_CHECK_OPTIONS_VERSION)
		return pir_error_set(PIR_EINVALID, "unsupported options version %u", opts->version);
	if (!(c = pir_calloc(1, sizeof(*c))) ||
	    !(c->results = pir_calloc(n + nd + 1, sizeof(*c->results)))) {
		free(c);
		return PIR_ENOMEM;
	}
	c->scan = scan;
	c->opts = opts ? *opts : defaults;
	c->changed_only = changed_only;
	if (!c->opts.fail_on) /* the most urgent severity, whatever the list */
		c->opts.fail_on = pir_scan_severity_name(scan, 0);
	if (!c->opts.fail_on ||
	    (c->fail_rank = pir_scan_severity_rank(scan, c->opts.fail_on)) < 0) {
		err = pir_error_set_option(PIR_EINVALID, "fail_on", "unknown severity '%s'",
					   c->opts.fail_on ? c->opts.fail_on : "");
		pir_check_free(c);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (!PIR_COMMIT_REF_SET(&it->resolved)) /* gone from the tree: nothing to gate */
			c->results[nitems++].item = it;
	}
	if ((err = attach_problems(c, nitems, &c->n)) < 0) {
		pir_check_free(c);
		return err;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (i < nitems)
			decide(c, c->results[i].item, &c->results[i]);
		else
			decide_file(c, &c->results[i]);
		c->tally[c->results[i].verdict]++;
	}
	qsort(c->results, c->n, sizeof(*c->results), cmp_results);
	*out = c;
	return 0;
}

void pir_check_free(pir_check *c)
{
	if (!c)
		return;
	free(c->results);
	free(c->problems);
	free(c);
}

size_t pir_check_count(const pir_check *c)
{
	return c->n;
}

const pir_check_result *pir_check_result_at(const pir_check *c, size_t i)
{
	return i < c->n ? &c->results[i] : NULL;
}

size_t pir_check_tally(const pir_check *c, pir_verdict v)
{
	return (unsigned)v < 4 ? c->tally[v] : 0;
}

bool pir_check_failed(const pir_check *c)
{
	return c->tally[PIR_VERDICT_FAIL] != 0;
}

bool pir_check_cannot_vouch(const pir_check *c)
{
	return pir_scan_unreadable_count(c->scan) != 0 || pir_scan_unscanned_count(c->scan) != 0;
}

int pir_check_format_parse(pir_check_format *out, const char *name)
{
	static const struct {
		const char *name;
		pir_check_format f;
	} names[] = {{"table", PIR_CHECK_FORMAT_TABLE},	  {"json", PIR_CHECK_FORMAT_JSON},
		     {"sarif", PIR_CHECK_FORMAT_SARIF},	  {"junit", PIR_CHECK_FORMAT_JUNIT},
		     {"github", PIR_CHECK_FORMAT_GITHUB}, {"gitlab", PIR_CHECK_FORMAT_GITLAB}};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].f;
			return 0;
		}
	}
	return pir_error_set(
	    PIR_EINVALID, "expected table, json, sarif, junit, github or gitlab, not '%s'", name);
}

/* ---- shared by the writers ---- */

const pir_check_options *pir_check_options_of(const pir_check *c)
{
	return &c->opts;
}

const pir_scan *pir_check_scan(const pir_check *c)
{
	return c->scan;
}

int pir_check_max_slips(const pir_check *c)
{
	return c->scan->opts.max_slips;
}

bool pir_check_by_policy(const pir_check *c, const pir_item *it)
{
	return !it->closed && it->overdue_days > c->opts.grace && it->severity_rank >= 0 &&
	       it->severity_rank <= c->fail_rank;
}

bool pir_check_invalid_fails(const pir_check *c)
{
	return failing_reasons(&c->opts) & PIR_REASON_INVALID;
}

bool pir_check_changed_only(const pir_check *c)
{
	return c->changed_only;
}
