/* SPDX-License-Identifier: MIT */
/*
 * Incidents: the postmortem documents of every result, one per ID, gathered
 * before the items are built (an item without a severity may take its
 * incident's, severity_from_incident), then, once the items are built or
 * filtered, every incident an item names, with how its items stand.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "link.h"
#include "map.h"
#include "result.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/incident.h"
#include "pirscan/scan.h"

void pir_incidents_free(pir_scan *s)
{
	free(s->incident_docs);
	pir_strpool_dispose(&s->incident_doc_ids);
	free(s->incidents);
	free(s->incident_at);
	pir_strpool_dispose(&s->incident_ids);
}

static void from_document(pir_incident *x, const pir_result *res, const pir_result_incident *d)
{
	memset(x, 0, sizeof(*x));
	x->id = d->info.id;
	x->title = d->info.title;
	x->date = d->info.date;
	x->duration = d->info.duration;
	x->severity = d->info.severity;
	x->status = d->info.status;
	x->repo = res->info.name;
	x->path = d->path;
	x->remediated = PIR_DATE_NONE;
}

/* A second document of an incident: the first (by repository, then path) describes it. */
static int duplicate(pir_scan *s, const pir_incident *first, const pir_result *res,
		     const pir_result_incident *d)
{
	return pir_diag_add(&s->diag, PIR_DIAG_WARNING, "incident-duplicate", res->info.name,
			    d->path, 0, 0,
			    "incident %s is also described by %s:%s, which is the one used",
			    d->info.id, first->repo, first->path);
}

int pir_incidents_gather(pir_scan *s)
{
	size_t cap = 0;
	uint32_t k;
	int err = 0;

	for (size_t r = 0; r < s->nresults && !err; r++) {
		const pir_result *res = s->results[r];
		for (size_t i = 0; i < res->nincidents && !err; i++) {
			const pir_result_incident *d = &res->incidents[i];
			size_t before = s->incident_doc_ids.n;
			if ((err = pir_strpool_intern(&s->incident_doc_ids, d->info.id,
						      strlen(d->info.id), &k)) < 0)
				break;
			if (s->incident_doc_ids.n == before) {
				err = duplicate(s, &s->incident_docs[k], res, d);
				continue;
			}
			if ((err = pir_grow((void **)&s->incident_docs, &cap, k + 1,
					    sizeof(*s->incident_docs))) < 0)
				break;
			from_document(&s->incident_docs[k], res, d);
			s->nincident_docs = k + 1;
		}
	}
	return err;
}

const pir_incident *pir_incident_document(const pir_scan *s, const char *id)
{
	uint32_t k = id ? pir_strpool_find(&s->incident_doc_ids, id, strlen(id)) : PIR_MAP_NONE;

	return k == PIR_MAP_NONE ? NULL : &s->incident_docs[k];
}

void pir_incident_severity(const pir_scan *s, pir_item *it)
{
	const pir_incident *inc;
	const char *sev;

	if (it->severity || !s->opts.teams_from ||
	    !(inc = pir_incident_document(s, it->incident)) || !inc->severity ||
	    !(sev = pir_config_severity_from_incident(s->opts.teams_from, inc->severity)))
		return;
	it->severity = sev;
	it->severity_rank = PIR_SEVERITY_NONE;
	for (size_t i = 0; i < s->nseverities; i++)
		if (!strcmp(s->severities[i], sev))
			it->severity_rank = (int)i;
}

static bool is_open(const pir_item *it)
{
	return !it->closed && !PIR_COMMIT_REF_SET(&it->resolved);
}

/* Item `it` counted in its incident `x`; `*all_dated` stays true while every close is dated. */
static void count(pir_incident *x, const pir_item *it, bool *all_dated)
{
	if (!is_open(it)) {
		x->closed++;
		if (!PIR_COMMIT_REF_SET(&it->closed_at) || it->closed_at.date == PIR_DATE_NONE)
			*all_dated = false;
		else if (x->remediated == PIR_DATE_NONE || it->closed_at.date > x->remediated)
			x->remediated = it->closed_at.date;
		return;
	}
	x->open++;
	x->overdue += it->overdue_days > 0;
	if (it->has_age && (!x->has_oldest_open_age || it->age_days > x->oldest_open_age_days)) {
		x->has_oldest_open_age = true;
		x->oldest_open_age_days = it->age_days;
	}
}

/* The newest first, those without a date last, then by ID. */
static int cmp_incidents(const void *pa, const void *pb)
{
	const pir_incident *a = pa, *b = pb;

	if (a->date != b->date) {
		if (a->date == PIR_DATE_NONE || b->date == PIR_DATE_NONE)
			return a->date == PIR_DATE_NONE ? 1 : -1;
		return a->date > b->date ? -1 : 1;
	}
	return strcmp(a->id, b->id);
}

/* Intern incident `id` (a document's, else an item's): its index in the list being built. */
static int add(pir_scan *s, size_t *cap, const char *id, uint32_t *out)
{
	size_t before = s->incident_ids.n;
	const pir_incident *doc;
	pir_incident *x;
	int err;

	if ((err = pir_strpool_intern(&s->incident_ids, id, strlen(id), out)) < 0 ||
	    s->incident_ids.n == before)
		return err;
	if ((err = pir_grow((void **)&s->incidents, cap, *out + 1, sizeof(*s->incidents))) < 0)
		return err;
	x = &s->incidents[*out];
	if ((doc = pir_incident_document(s, id))) {
		*x = *doc;
	} else {
		memset(x, 0, sizeof(*x));
		x->id = s->incident_ids.strs[*out];
		x->date = x->remediated = PIR_DATE_NONE;
	}
	s->nincidents = *out + 1;
	return 0;
}

/* Remediated: every item closed, each close dated, and the incident dated. */
static void remediation(pir_incident *x, bool all_dated)
{
	x->has_remediation = x->closed && !x->open && all_dated && x->date != PIR_DATE_NONE &&
			     x->remediated != PIR_DATE_NONE;
	if (x->has_remediation)
		x->remediation_days = x->remediated - x->date;
	else
		x->remediated = PIR_DATE_NONE;
}

int pir_incidents_count(pir_scan *s, bool documents)
{
	size_t cap = 0;
	bool *dated = NULL;
	uint32_t k;
	int err = 0;

	free(s->incidents);
	free(s->incident_at);
	pir_strpool_dispose(&s->incident_ids);
	memset(&s->incident_ids, 0, sizeof(s->incident_ids));
	s->incidents = NULL;
	s->incident_at = NULL;
	s->nincidents = 0;
	for (size_t i = 0; documents && i < s->nincident_docs && !err; i++)
		err = add(s, &cap, s->incident_docs[i].id, &k);
	for (size_t i = 0; i < s->nitems && !err; i++)
		if (s->items[i].incident)
			err = add(s, &cap, s->items[i].incident, &k);
	if (err || !s->nincidents)
		return err;
	if (!(dated = pir_calloc(s->nincidents, sizeof(*dated))) ||
	    !(s->incident_at = pir_calloc(s->nincidents, sizeof(*s->incident_at)))) {
		free(dated);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < s->nincidents; i++)
		dated[i] = true;
	for (size_t i = 0; i < s->nitems; i++) {
		const pir_item *it = &s->items[i];
		if (it->incident && (k = pir_strpool_find(&s->incident_ids, it->incident,
							  strlen(it->incident))) != PIR_MAP_NONE)
			count(&s->incidents[k], it, &dated[k]);
	}
	for (size_t i = 0; i < s->nincidents; i++)
		remediation(&s->incidents[i], dated[i]);
	free(dated);
	qsort(s->incidents, s->nincidents, sizeof(*s->incidents), cmp_incidents);
	for (size_t i = 0; i < s->nincidents; i++) {
		const char *id = s->incidents[i].id;
		s->incident_at[pir_strpool_find(&s->incident_ids, id, strlen(id))] = (uint32_t)i;
	}
	return 0;
}

size_t pir_scan_incident_count(const pir_scan *s)
{
	return s ? s->nincidents : 0;
}

const pir_incident *pir_scan_incident(const pir_scan *s, size_t i)
{
	return s && i < s->nincidents ? &s->incidents[i] : NULL;
}

const pir_incident *pir_scan_incident_find(const pir_scan *s, const char *id)
{
	uint32_t k;

	if (!s || !id || !s->incident_at ||
	    (k = pir_strpool_find(&s->incident_ids, id, strlen(id))) == PIR_MAP_NONE)
		return NULL;
	return &s->incidents[s->incident_at[k]];
}

const pir_incident *pir_scan_item_incident(const pir_scan *s, const pir_item *it)
{
	const pir_incident *x = s && it ? pir_scan_incident_find(s, it->incident) : NULL;

	return x && x->path ? x : NULL;
}
