/* SPDX-License-Identifier: MIT */
/*
 * The CI gate: which items fail, which warn, which are snoozed. Predictable
 * and explainable: every verdict carries the reasons behind it, and the
 * dates are the scan's (UTC, or --as-of).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pir_check {
	const pir_scan *scan;
	pir_check_options opts;
	int fail_rank;
	bool changed_only;
	pir_check_result *results;
	size_t n;
	size_t tally[4];
};

static const struct {
	unsigned bit;
	const char *name;
} why_names[] = {
	{PIR_WHY_DUE_SOON, "due-soon"},
	{PIR_WHY_GRACE, "overdue-within-grace"},
	{PIR_WHY_BELOW, "overdue-below-fail-on"},
	{PIR_WHY_UNCHANGED, "not-changed"},
};

const char *pir_check_why_name(unsigned bit)
{
	for (size_t i = 0; i < PIR_ARRAY_SIZE(why_names); i++)
		if (why_names[i].bit == bit)
			return why_names[i].name;
	return pir_reason_name(bit);
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
	fail |= it->reasons & o->fail_reasons;
	if (!it->closed && it->due != PIR_DATE_NONE && !overdue &&
	    it->due - pir_scan_as_of(c->scan) <= o->warn_within)
		warn |= PIR_WHY_DUE_SOON;
	if (fail && it->snoozed) {
		r->verdict = PIR_VERDICT_SNOOZED;
		r->why = fail;
	} else if (fail && c->changed_only && !it->changed) {
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

/* Failing first, then warnings, snoozed, passed; within each, the scan's order. */
static int cmp_results(const void *a, const void *b)
{
	static const int order[] = {[PIR_VERDICT_FAIL] = 0, [PIR_VERDICT_WARN] = 1,
				    [PIR_VERDICT_SNOOZED] = 2, [PIR_VERDICT_PASS] = 3};
	const pir_check_result *x = a, *y = b;

	if (x->verdict != y->verdict)
		return order[x->verdict] - order[y->verdict];
	return x->item < y->item ? -1 : x->item > y->item;
}

int pir_check_new(pir_check **out, const pir_scan *scan, const pir_check_options *opts,
		  bool changed_only)
{
	pir_check_options defaults = PIR_CHECK_OPTIONS_INIT;
	pir_check *c;
	size_t n = pir_scan_item_count(scan);

	*out = NULL;
	if (!(c = pir_calloc(1, sizeof(*c))) || !(c->results = pir_calloc(n ? n : 1, sizeof(*c->results)))) {
		free(c);
		return PIR_ENOMEM;
	}
	c->scan = scan;
	c->opts = opts ? *opts : defaults;
	c->changed_only = changed_only;
	if (!c->opts.fail_on) /* the most urgent severity, whatever the list */
		c->opts.fail_on = pir_scan_severity_name(scan, 0);
	if (!c->opts.fail_on || (c->fail_rank = pir_scan_severity_rank(scan, c->opts.fail_on)) < 0) {
		int err = pir_error_set(PIR_EINVALID, "--fail-on: unknown severity '%s'",
					c->opts.fail_on ? c->opts.fail_on : "");
		pir_check_free(c);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (PIR_COMMIT_REF_SET(&it->resolved))
			continue; /* gone from the tree: nothing to gate */
		decide(c, it, &c->results[c->n]);
		c->tally[c->results[c->n].verdict]++;
		c->n++;
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
	return pir_scan_unreadable_count(c->scan) != 0;
}

int pir_check_format_parse(pir_check_format *out, const char *name)
{
	static const struct {
		const char *name;
		pir_check_format f;
	} names[] = {{"table", PIR_CHECK_FORMAT_TABLE},   {"json", PIR_CHECK_FORMAT_JSON},
		     {"sarif", PIR_CHECK_FORMAT_SARIF},   {"junit", PIR_CHECK_FORMAT_JUNIT},
		     {"github", PIR_CHECK_FORMAT_GITHUB}, {"gitlab", PIR_CHECK_FORMAT_GITLAB}};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].f;
			return 0;
		}
	}
	return pir_error_set(PIR_EINVALID,
			     "--format: expected table, json, sarif, junit, github or gitlab, not '%s'",
			     name);
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

bool pir_check_by_policy(const pir_check *c, const pir_item *it)
{
	return !it->closed && it->overdue_days > c->opts.grace && it->severity_rank >= 0 &&
	       it->severity_rank <= c->fail_rank;
}

bool pir_check_changed_only(const pir_check *c)
{
	return c->changed_only;
}
