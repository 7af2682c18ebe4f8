/* SPDX-License-Identifier: MIT */
/* What every format of the report says (the escapers are util's: writer.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "map.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/incident.h"
#include "pirscan/report.h"
#include "pirscan/scan.h"
#include "report_write.h"
#include "writer.h"

/* ---- what every format says ---- */

const char *pir_rw_s_(long long n)
{
	return n == 1 ? "" : "s";
}

const char *pir_rw_date_str(char buf[11], pir_date d)
{
	pir_date_format(buf, d);
	return buf[0] ? buf : "-";
}

/* The item's name: its ID, else its incident, else "marker". */
const char *pir_rw_item_name(const pir_item *it)
{
	return it->id ? it->id : it->incident ? it->incident : "marker";
}

/* One part of the incident line: " · " between parts, `label` and `v` escaped. */
static void part(pir_out *o, bool *first, const char *label, const char *v, esc_fn esc)
{
	if (!v)
		return;
	pir_out_put(o, *first ? "" : " \u00b7 ");
	*first = false;
	pir_out_put(o, label);
	esc(o, v);
}

const pir_incident *pir_rw_group_incident(const ctx *c, const pir_report_group *g)
{
	const pir_incident *x = c->opts->group_by == PIR_GROUP_INCIDENT
				    ? pir_scan_incident_find(c->scan, g->name)
				    : NULL;

	return x && x->path ? x : NULL;
}

void pir_rw_incident_line(pir_out *o, const pir_incident *x, esc_fn esc)
{
	char d[11];
	bool first = true;

	pir_date_format(d, x->date);
	part(o, &first, "", x->title, esc);
	part(o, &first, "date ", d[0] ? d : NULL, esc);
	part(o, &first, "severity ", x->severity, esc);
	part(o, &first, "status ", x->status, esc);
	part(o, &first, "duration ", x->duration, esc);
	part(o, &first, "postmortem ", x->repo, esc);
	pir_out_put(o, ":");
	esc(o, x->path);
}

size_t pir_rw_stale_count(const pir_report_group *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nopen; i++)
		n += PIR_ITEM_STALE(g->open[i]);
	return n;
}

bool pir_rw_in_list(const pir_item *it, const pir_item *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == it)
			return true;
	return false;
}

void pir_rw_section_title(pir_out *o, const ctx *c, kind k)
{
	switch (k) {
	case K_OVERDUE:
		pir_out_put(o, "Overdue");
		break;
	case K_DUE_SOON:
		pir_out_putf(o, "Due within %d day%s", c->opts->warn_within,
			     pir_rw_s_(c->opts->warn_within));
		break;
	case K_STALE:
		pir_out_put(o, "Other stale items");
		break;
	case K_OPENED:
		pir_out_putf(o, "Opened since %s", c->since_s);
		break;
	case K_CLOSED:
		pir_out_putf(o, "Closed since %s", c->since_s);
		break;
	}
}

void pir_rw_section_empty(pir_out *o, const ctx *c, kind k)
{
	switch (k) {
	case K_OVERDUE:
		pir_out_put(o, "Nothing overdue.");
		break;
	case K_DUE_SOON:
		pir_out_putf(o, "Nothing due within %d day%s.", c->opts->warn_within,
			     pir_rw_s_(c->opts->warn_within));
		break;
	case K_STALE:
		pir_out_put(o, "No other stale items.");
		break;
	case K_OPENED:
		pir_out_putf(o, "Nothing opened since %s.", c->since_s);
		break;
	case K_CLOSED:
		pir_out_putf(o, "Nothing closed since %s.", c->since_s);
		break;
	}
}

const pir_item *const *pir_rw_section_items(const pir_report_group *g, kind k, size_t *n)
{
	switch (k) {
	case K_OVERDUE:
		*n = g->noverdue;
		return g->overdue;
	case K_DUE_SOON:
		*n = g->ndue_soon;
		return g->due_soon;
	case K_STALE:
		*n = g->nstale;
		return g->stale;
	case K_OPENED:
		*n = g->nopened;
		return g->opened;
	default:
		*n = g->nclosed;
		return g->closed;
	}
}

static void reasons(pir_out *o, unsigned bits, const char *sep)
{
	size_t n = 0;

	for (unsigned i = 0; i < PIR_REASON_COUNT; i++)
		if ((bits & (1u << i)) && pir_reason_name(1u << i)) {
			pir_out_put(o, n++ ? sep : "");
			pir_out_put(o, pir_reason_name(1u << i));
		}
}

void pir_rw_location(pir_out *o, const pir_item *it, esc_fn esc)
{
	const pir_location *l = pir_item_work_location(it);

	esc(o, l->repo);
	pir_out_put(o, ":");
	esc(o, l->path);
	pir_out_putf(o, ":%u", l->line);
	if (it->nlocations > 1)
		pir_out_putf(o, " (+%zu)", it->nlocations - 1);
}

void pir_rw_location_linked(pir_out *o, const ctx *c, const pir_item *it, bool html)
{
	pir_buf url = PIR_BUF_INIT;
	int has = o->err ? 0 : pir_out_location_url(&url, c->scan, pir_item_work_location(it));

	if (has < 0)
		o->err = has;
	if (has <= 0) {
		pir_rw_location(o, it, html ? pir_out_xml : pir_out_md);
	} else if (html) {
		/* the URL is percent-encoded: '&' is all XML could mind */
		pir_out_put(o, "<a href=\"");
		pir_out_xml(o, url.ptr);
		pir_out_put(o, "\" style=\"color:inherit\">");
		pir_rw_location(o, it, pir_out_xml);
		pir_out_put(o, "</a>");
	} else {
		pir_out_put(o, "[");
		pir_rw_location(o, it, pir_out_md);
		pir_out_put(o, "](");
		pir_out_put(o, url.ptr);
		pir_out_put(o, ")");
	}
	pir_buf_dispose(&url);
}

/* The item's state in its section, the main phrase ("265 days overdue"). */
static void phrase(pir_out *o, const ctx *c, const pir_item *it, kind k)
{
	char d[11];
	long long left = it->due != PIR_DATE_NONE ? (long long)(it->due - c->as_of) : 0;

	switch (k) {
	case K_OVERDUE:
		pir_out_putf(o, "%lld day%s overdue", (long long)it->overdue_days,
			     pir_rw_s_(it->overdue_days));
		break;
	case K_DUE_SOON:
		if (left <= 0)
			pir_out_put(o, "due today");
		else
			pir_out_putf(o, "due in %lld day%s", left, pir_rw_s_(left));
		break;
	case K_STALE:
		reasons(o, it->reasons, ", ");
		break;
	case K_OPENED:
		pir_out_putf(o, "opened %s", pir_rw_date_str(d, it->introduced.date));
		break;
	case K_CLOSED:
		pir_out_putf(o, "closed %s", pir_rw_date_str(d, it->closed_at.date));
		break;
	}
}

/* The secondary phrase: a date, an age, how it was closed; may be empty. */
static void subphrase(pir_out *o, const pir_item *it, kind k, esc_fn esc)
{
	char d[11];

	switch (k) {
	case K_OVERDUE:
	case K_DUE_SOON:
		pir_out_putf(o, "due %s", pir_rw_date_str(d, it->due));
		break;
	case K_STALE:
	case K_OPENED:
		if (it->has_age)
			pir_out_putf(o, "%lld day%s old", (long long)it->age_days,
				     pir_rw_s_(it->age_days));
		break;
	case K_CLOSED:
		if (it->closed) {
			pir_out_put(o, "as ");
			esc(o, it->status ? it->status : "done");
		} else {
			pir_out_put(o, "removed from the tree");
		}
		break;
	}
}

/* "snoozed until 2026-12-15: waiting for the vendor", for open items that are. */
void pir_rw_snooze_note(pir_out *o, const pir_item *it, kind k, esc_fn esc)
{
	char d[11];

	if (!it->snoozed || k == K_OPENED || k == K_CLOSED)
		return;
	pir_out_putf(o, "snoozed until %s", pir_rw_date_str(d, it->snooze_until));
	if (it->snooze_reason && *it->snooze_reason) {
		pir_out_put(o, ": ");
		esc(o, it->snooze_reason);
	}
}

/* A phrase into a fresh buffer (so callers can measure or escape it whole). */
char *pir_rw_phrase_str(const ctx *c, const pir_item *it, kind k, esc_fn esc, bool sub)
{
	pir_buf b = PIR_BUF_INIT;
	pir_out t = {&b, 0};

	if (sub)
		subphrase(&t, it, k, esc);
	else
		phrase(&t, c, it, k);
	if (!t.err)
		t.err = pir_buf_putc(&b, '\0');
	if (t.err) {
		pir_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

void pir_rw_median_age(pir_out *o, const pir_report_group *g)
{
	if (g->has_median_age)
		pir_out_putf(o, "%lld day%s", (long long)g->median_age_days,
			     pir_rw_s_(g->median_age_days));
	else if (!g->nopen)
		pir_out_put(o, "no open items");
	else
		pir_out_put(o, "unknown without history");
}

void pir_rw_ttc_one(pir_out *o, const pir_report_ttc *t, esc_fn esc)
{
	esc(o, t->severity ? t->severity : "no severity");
	pir_out_putf(o, " %lld day%s (%zu closed)", (long long)t->median_days,
		     pir_rw_s_(t->median_days), t->closed);
}

size_t pir_rw_week_peak(const pir_report_group *g)
{
	size_t p = 0;

	for (size_t i = 1; i < PIR_REPORT_WEEKS; i++)
		if (g->weekly_open[i] > g->weekly_open[p])
			p = i;
	return p;
}

/* "12 open, down 3 from 4 weeks ago (15); peak 18 in the week to 2026-08-10" */
void pir_rw_trend(pir_out *o, const ctx *c, const pir_report_group *g)
{
	size_t now = g->weekly_open[PIR_REPORT_WEEKS - 1],
	       then = g->weekly_open[PIR_REPORT_WEEKS - 5];
	size_t peak = pir_rw_week_peak(g);
	char d[11];

	if (!pir_scan_has_history(c->scan)) {
		pir_out_put(o, "unknown without history");
		return;
	}
	pir_out_putf(o, "%zu open, ", now);
	if (now < then)
		pir_out_putf(o, "down %zu from 4 weeks ago (%zu)", then - now, then);
	else if (now > then)
		pir_out_putf(o, "up %zu from 4 weeks ago (%zu)", now - then, then);
	else
		pir_out_put(o, "unchanged from 4 weeks ago");
	if (g->weekly_open[peak] > now)
		pir_out_putf(o, "; peak %zu in the week to %s", g->weekly_open[peak],
			     pir_rw_date_str(d, g->week_end[peak]));
}

/* The last 26 weeks as block characters, one per week. */
void pir_rw_sparkline(pir_out *o, const pir_report_group *g)
{
	static const char *const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
					    "\u2585", "\u2586", "\u2587", "\u2588"};
	size_t max = g->weekly_open[pir_rw_week_peak(g)];

	for (size_t i = 0; i < PIR_REPORT_WEEKS; i++)
		pir_out_put(o, bars[max ? (g->weekly_open[i] * 7 + max / 2) / max : 0]);
}

/* Whether the repository named `name` could not be scanned (an error, a failed fetch, an unborn
 * HEAD). */
static bool not_scanned(const pir_scan *scan, const char *name)
{
	for (size_t i = 0; i < pir_scan_diagnostic_count(scan); i++) {
		const pir_diagnostic *d = pir_scan_diagnostic(scan, i);
		if (d->repo && !strcmp(d->repo, name) &&
		    (!strcmp(d->code, "repository-error") || !strcmp(d->code, "unborn-head") ||
		     !strcmp(d->code, "fetch-failed")))
			return true;
	}
	return false;
}

/* The names of the repositories the group's items come from; 0 or PIR_ENOMEM. */
static int group_repos(pir_strpool *out, const pir_report_group *g)
{
	const pir_item *const *lists[] = {g->open, g->opened, g->closed};
	size_t ns[] = {g->nopen, g->nopened, g->nclosed};
	uint32_t idx;

	for (size_t l = 0; l < PIR_ARRAY_SIZE(lists); l++)
		for (size_t i = 0; i < ns[l]; i++)
			for (size_t k = 0; k < lists[l][i]->nlocations; k++) {
				const char *repo = lists[l][i]->locations[k].repo;
				if (pir_strpool_intern(out, repo, strlen(repo), &idx) < 0)
					return PIR_ENOMEM;
			}
	return 0;
}

/*
 * The footer: the repositories scanned (for one group `g`, those its items
 * come from; NULL: every one), and every repository that could not be
 * scanned, since what it holds may belong to any group.
 */
void pir_rw_scanned(pir_out *o, const pir_scan *scan, const pir_report_group *g, esc_fn esc)
{
	size_t n = pir_scan_repository_count(scan), shown = 0, failed = 0;
	pir_strpool mine = {0};

	if (g && group_repos(&mine, g) < 0) {
		o->err = PIR_ENOMEM;
		return;
	}
	pir_out_put(o, "Scanned: ");
	for (size_t i = 0; i < n; i++) {
		const pir_repository *repo = pir_scan_repository(scan, i);
		if (not_scanned(scan, repo->name)) {
			failed++;
			continue;
		}
		if (g && pir_strpool_find(&mine, repo->name, strlen(repo->name)) == PIR_MAP_NONE)
			continue;
		pir_out_put(o, shown++ ? ", " : "");
		esc(o, repo->name);
		if (repo->commit[0])
			pir_out_putf(o, " at %.10s", repo->commit);
	}
	pir_out_put(o, shown ? "." : "nothing.");
	pir_strpool_dispose(&mine);
	if (!failed)
		return;
	pir_out_put(o, " Could not be scanned: ");
	shown = 0;
	for (size_t i = 0; i < n; i++) {
		const pir_repository *repo = pir_scan_repository(scan, i);
		if (!not_scanned(scan, repo->name))
			continue;
		pir_out_put(o, shown++ ? ", " : "");
		esc(o, repo->name);
	}
	pir_out_put(o, ".");
}
