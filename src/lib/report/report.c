/* SPDX-License-Identifier: MIT */
/*
 * The nightly report's data: items grouped by team, owner, incident or
 * severity, each group's sections (overdue, due soon, stale, opened and
 * closed since the last report) and its remediation figures (open count,
 * median age, median time to close, open items per week), all from the
 * scan's model and history: no state file.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "scan_int.h"

struct pir_report {
	const pir_scan *scan;
	pir_report_options opts;
	pir_date since;
	pir_report_group *groups;
	size_t ngroups;
	pir_arena arena;
};

int pir_group_by_parse(pir_group_by *out, const char *name)
{
	static const char *const names[] = {"team", "owner", "incident", "severity"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i])) {
			*out = (pir_group_by)i;
			return 0;
		}
	}
	return pir_error_set(PIR_EINVALID, "expected team, owner, incident or severity, not '%s'",
			     name);
}

const char *pir_group_by_name(pir_group_by g)
{
	static const char *const names[] = {"team", "owner", "incident", "severity"};
	return (unsigned)g < PIR_ARRAY_SIZE(names) ? names[g] : NULL;
}

static const char *group_name(const pir_item *it, pir_group_by g)
{
	switch (g) {
	case PIR_GROUP_OWNER:
		return it->owner && *it->owner ? it->owner : "unassigned";
	case PIR_GROUP_INCIDENT:
		return it->incident ? it->incident : "no incident";
	case PIR_GROUP_SEVERITY:
		return it->severity ? it->severity : "none";
	default:
		return it->team ? it->team : "unassigned";
	}
}

static bool is_open(const pir_item *it)
{
	return !it->closed && !PIR_COMMIT_REF_SET(&it->resolved);
}

static bool in_window(const pir_commit_ref *c, pir_date after, pir_date upto)
{
	return PIR_COMMIT_REF_SET(c) && c->date > after && c->date <= upto;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place); n > 0. Even counts take the lower middle. */
static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[(n - 1) / 2];
}

static int cmp_overdue(const void *a, const void *b)
{
	const pir_item *x = *(const pir_item *const *)a, *y = *(const pir_item *const *)b;

	if (x->overdue_days != y->overdue_days)
		return x->overdue_days > y->overdue_days ? -1 : 1;
	return x < y ? -1 : x > y; /* then the scan's order */
}

typedef struct {
	const pir_item **v;
	size_t n;
} list;

static int push(pir_report *r, list *l, const pir_item *it, size_t cap)
{
	if (!l->v && !(l->v = pir_arena_alloc(&r->arena, cap * sizeof(*l->v))))
		return PIR_ENOMEM;
	l->v[l->n++] = it;
	return 0;
}

/* Median days to close, per severity, of the items closed in the window. */
static int time_to_close(pir_report *r, pir_report_group *g, const pir_item **items, size_t n,
			 int64_t *days)
{
	pir_date as_of = pir_scan_as_of(r->scan);
	pir_date after = as_of - r->opts.close_window;
	pir_report_ttc *out;

	if (!(out = pir_arena_alloc(&r->arena, (PIR_SEVERITY_MAX + 1) * sizeof(*out))))
		return PIR_ENOMEM;
	g->ttc = out;
	/* rank -1 (no severity) last */
	for (int rank = 0; rank <= PIR_SEVERITY_MAX; rank++) {
		int want = rank == PIR_SEVERITY_MAX ? PIR_SEVERITY_NONE : rank;
		const char *name = want < 0 ? NULL : pir_scan_severity_name(r->scan, want);
		size_t k = 0;

		if (want >= 0 && !name)
			continue;
		for (size_t i = 0; i < n; i++) {
			const pir_item *it = items[i];
			int ir = it->severity_rank >= 0 ? it->severity_rank : PIR_SEVERITY_NONE;
			/* in_window: closed_at has a date; an absurd commit time gives none */
			if (ir != want || !in_window(&it->closed_at, after, as_of) ||
			    !PIR_COMMIT_REF_SET(&it->introduced) ||
			    it->introduced.date == PIR_DATE_NONE)
				continue;
			days[k++] = it->closed_at.date - it->introduced.date;
		}
		if (!k)
			continue;
		out[g->nttc].severity = name;
		out[g->nttc].closed = k;
		out[g->nttc].median_days = median(days, k);
		g->nttc++;
	}
	return 0;
}

/* Fill one group from the items that belong to it (in the scan's order). */
static int fill_group(pir_report *r, pir_report_group *g, const pir_item **items, size_t n)
{
	const pir_scan *s = r->scan;
	pir_date as_of = pir_scan_as_of(s);
	list overdue = {0}, soon = {0}, stale = {0}, opened = {0}, closed = {0}, open = {0};
	int64_t *ages = NULL, *ttc = NULL;
	size_t nages = 0;
	int err = 0;

	for (size_t w = 0; w < PIR_REPORT_WEEKS; w++)
		g->week_end[w] = as_of - 7 * (pir_date)(PIR_REPORT_WEEKS - 1 - w);
	if (!(ages = pir_calloc(n, sizeof(*ages))) || !(ttc = pir_calloc(n, sizeof(*ttc)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const pir_item *it = items[i];
		bool live_open = is_open(it);

		if (live_open) {
			err = push(r, &open, it, n);
			if (!err && it->has_age)
				ages[nages++] = it->age_days;
			if (!err && it->overdue_days > 0)
				err = push(r, &overdue, it, n);
			else if (!err && it->due != PIR_DATE_NONE &&
				 it->due - as_of <= r->opts.warn_within)
				err = push(r, &soon, it, n);
			else if (!err && PIR_ITEM_STALE(it))
				err = push(r, &stale, it, n);
		}
		/*
		 * Opened and closed in [since, as-of): whole days, the as-of day
		 * excluded because it is not over. A nightly run with the default
		 * since (the day before) reports the previous UTC day, so each
		 * opening and each close is reported exactly once, whatever the
		 * hour the run starts.
		 */
		if (!err && in_window(&it->introduced, r->since - 1, as_of - 1))
			err = push(r, &opened, it, n);
		if (!err && in_window(&it->closed_at, r->since - 1, as_of - 1))
			err = push(r, &closed, it, n);
		/* open at the end of each week: introduced by then and not yet closed */
		for (size_t w = 0; w < PIR_REPORT_WEEKS; w++) {
			pir_date end = g->week_end[w];
			bool known = PIR_COMMIT_REF_SET(&it->introduced) &&
				     it->introduced.date != PIR_DATE_NONE;
			bool started =
			    known ? it->introduced.date <= end : w == PIR_REPORT_WEEKS - 1;
			bool ended = PIR_COMMIT_REF_SET(&it->closed_at) ? it->closed_at.date <= end
									: !live_open;
			g->weekly_open[w] += started && !ended;
		}
	}
	if (err)
		goto done;
	if (overdue.n)
		qsort(overdue.v, overdue.n, sizeof(*overdue.v), cmp_overdue);
	g->overdue = overdue.v, g->noverdue = overdue.n;
	g->due_soon = soon.v, g->ndue_soon = soon.n;
	g->stale = stale.v, g->nstale = stale.n;
	g->opened = opened.v, g->nopened = opened.n;
	g->closed = closed.v, g->nclosed = closed.n;
	g->open = open.v, g->nopen = open.n;
	if ((g->has_median_age = nages > 0))
		g->median_age_days = median(ages, nages);
	err = time_to_close(r, g, items, n, ttc);
done:
	free(ages);
	free(ttc);
	return err;
}

static int cmp_group_names(const void *a, const void *b)
{
	const pir_report_group *x = a, *y = b;
	bool ux = !strcmp(x->name, "unassigned"), uy = !strcmp(y->name, "unassigned");

	if (ux != uy)
		return ux ? 1 : -1;
	return strcmp(x->name, y->name);
}

static const char *const *team_email(const pir_scan *s, const char *name)
{
	const pir_config *cfg = s->opts.teams_from;

	for (size_t t = 0; cfg && t < pir_config_team_count(cfg); t++) {
		const pir_team *team = pir_config_team(cfg, t);
		if (!strcmp(team->name, name))
			return team->email && team->email[0] ? team->email : NULL;
	}
	return NULL;
}

/* Levenshtein distance, capped: names longer than this are not compared. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static bool is_team(const pir_scan *s, const char *name)
{
	const pir_config *cfg = s->opts.teams_from;

	for (size_t t = 0; cfg && t < pir_config_team_count(cfg); t++)
		if (!strcmp(pir_config_team(cfg, t)->name, name))
			return true;
	return false;
}

/* `s` for a one-line message: control characters as '?', cut with "...". */
static void printable(char *dst, size_t size, const char *s)
{
	size_t k = 0;

	for (; *s && k + 4 < size; s++)
		dst[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	if (*s)
		dst[k++] = '.', dst[k++] = '.', dst[k++] = '.';
	dst[k] = '\0';
}

/* The error for a name of `groups` that is not among `names`: with the nearest one, if close. */
static int unknown_group(const pir_report *r, const char *want, const char **names, size_t n)
{
	const pir_config *cfg = r->scan->opts.teams_from;
	const char *best = NULL;
	size_t best_d = SIZE_MAX, limit = strlen(want) / 3 + 1;
	char shown[128], near[128];

	for (size_t i = 0; i < n; i++)
		if (distance(want, names[i]) < best_d)
			best_d = distance(want, names[i]), best = names[i];
	for (size_t t = 0;
	     r->opts.group_by == PIR_GROUP_TEAM && cfg && t < pir_config_team_count(cfg); t++) {
		const char *name = pir_config_team(cfg, t)->name;
		if (distance(want, name) < best_d)
			best_d = distance(want, name), best = name;
	}
	printable(shown, sizeof(shown), want);
	printable(near, sizeof(near), best ? best : "");
	if (best && best_d <= limit)
		return pir_error_set(PIR_ENOTFOUND, "no %s '%s' in the report; did you mean '%s'?",
				     pir_group_by_name(r->opts.group_by), shown, near);
	if (best)
		return pir_error_set(PIR_ENOTFOUND, "no %s '%s' in the report; the nearest is '%s'",
				     pir_group_by_name(r->opts.group_by), shown, near);
	return pir_error_set(PIR_ENOTFOUND, "no %s '%s' in the report: it has no groups",
			     pir_group_by_name(r->opts.group_by), shown);
}

/* Keep only the names `r->opts.groups` asks for, in place. */
static int select_groups(pir_report *r, const char **names, size_t *n)
{
	const char *const *want = r->opts.groups;
	size_t kept = 0;

	for (size_t w = 0; want && want[w]; w++) {
		bool found = false;
		for (size_t i = 0; i < *n && !found; i++)
			found = !strcmp(names[i], want[w]);
		/* a configured team without items is no error: it has nothing to report */
		if (!found && !(r->opts.group_by == PIR_GROUP_TEAM && is_team(r->scan, want[w])))
			return unknown_group(r, want[w], names, *n);
	}
	if (!want)
		return 0;
	for (size_t i = 0; i < *n; i++) {
		bool asked = false;
		for (size_t w = 0; want[w] && !asked; w++)
			asked = !strcmp(names[i], want[w]);
		if (asked)
			names[kept++] = names[i];
	}
	*n = kept;
	return 0;
}

int pir_report_new(pir_report **out, const pir_scan *scan, const pir_report_options *opts)
{
	pir_report_options defaults = PIR_REPORT_OPTIONS_INIT;
	size_t n = pir_scan_item_count(scan);
	const pir_item **items = NULL;
	const char **names = NULL;
	pir_report *r;
	int err = 0;

	*out = NULL;
	if (!(r = pir_calloc(1, sizeof(*r))))
		return PIR_ENOMEM;
	r->scan = scan;
	r->opts = opts ? *opts : defaults;
	if ((unsigned)r->opts.group_by > PIR_GROUP_SEVERITY || r->opts.warn_within < 0 ||
	    r->opts.close_window < 1) {
		err = pir_error_set(PIR_EINVALID, "invalid report options");
		goto done;
	}
	r->since = r->opts.since != PIR_DATE_NONE ? r->opts.since : pir_scan_as_of(scan) - 1;
	if (!(items = pir_calloc(n ? n : 1, sizeof(*items))) ||
	    !(names = pir_calloc(n ? n : 1, sizeof(*names))) ||
	    !(r->groups = pir_calloc(n ? n : 1, sizeof(*r->groups)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	/* the distinct group names, in first-seen order */
	for (size_t i = 0; i < n; i++) {
		const char *name = group_name(pir_scan_item(scan, i), r->opts.group_by);
		size_t g;
		for (g = 0; g < r->ngroups; g++)
			if (!strcmp(names[g], name))
				break;
		if (g == r->ngroups)
			names[r->ngroups++] = name;
	}
	if ((err = select_groups(r, names, &r->ngroups)) < 0)
		goto done;
	for (size_t g = 0; g < r->ngroups && !err; g++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(group_name(pir_scan_item(scan, i), r->opts.group_by), names[g]))
				items[k++] = pir_scan_item(scan, i);
		r->groups[g].name = names[g];
		if (r->opts.group_by == PIR_GROUP_TEAM)
			r->groups[g].email = team_email(scan, names[g]);
		err = fill_group(r, &r->groups[g], items, k);
	}
	if (!err && r->ngroups)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group_names);
done:
	free(items);
	free(names);
	if (err)
		pir_report_free(r);
	else
		*out = r;
	return err;
}

void pir_report_free(pir_report *r)
{
	if (!r)
		return;
	free(r->groups);
	pir_arena_dispose(&r->arena);
	free(r);
}

const pir_scan *pir_report_scan(const pir_report *r)
{
	return r->scan;
}

const pir_report_options *pir_report_options_of(const pir_report *r)
{
	return &r->opts;
}

pir_date pir_report_since(const pir_report *r)
{
	return r->since;
}

size_t pir_report_group_count(const pir_report *r)
{
	return r->ngroups;
}

const pir_report_group *pir_report_group_at(const pir_report *r, size_t i)
{
	return i < r->ngroups ? &r->groups[i] : NULL;
}
