/* SPDX-License-Identifier: MIT */
/*
 * Linking: every location (an entry of an action-items file, a marker in
 * code) of every scanned repository is joined to its item by ID; markers that
 * name only an incident, or nothing, are items of their own. Each item is
 * then dated from its locations, and aged and judged (age/).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "age.h"
#include "alloc.h"
#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "link.h"
#include "map.h"
#include "model.h"
#include "result.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"

typedef struct {
	pir_result_loc *x;
	size_t repo;	      /* index of its result */
	const char *id;	      /* the item it belongs to, NULL for an item of its own */
	const char *incident; /* a marker's incident */
	uint32_t item;
} raw_loc;

typedef struct {
	raw_loc *v;
	size_t n, cap;
	pir_strpool ids;      /* every ID an entry defines */
	pir_strpool live_ids; /* IDs an entry in a scanned tree defines */
} linker;

static const pir_commit_ref no_commit = {"", PIR_DATE_NONE, 0};

/* Every location of every result, and the IDs their entries define. */
static int gather(linker *l, pir_result *const *results, size_t n)
{
	uint32_t idx;

	for (size_t ri = 0; ri < n; ri++) {
		pir_result *res = results[ri];
		for (size_t i = 0; i < res->nlocs; i++) {
			pir_result_loc *x = &res->locs[i];
			const char *id = x->entry ? x->entry->id : NULL;
			if (pir_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
				return PIR_ENOMEM;
			l->v[l->n++] = (raw_loc){x, ri, id, NULL, 0};
			if (id && (pir_strpool_intern(&l->ids, id, strlen(id), &idx) < 0 ||
				   (x->live &&
				    pir_strpool_intern(&l->live_ids, id, strlen(id), &idx) < 0)))
				return PIR_ENOMEM;
		}
	}
	return 0;
}

/* With changed_since: was this diagnostic of a scanned file added by the change? */
bool pir_scan_diag_changed(const pir_scan *s, const pir_diagnostic *d)
{
	char *key;
	bool found;

	if (!d->repo || !d->path || !s->changed_diags.n)
		return false;
	if (!(key = pir_sprintf("%s%c%s%c%s%c%s", d->repo, 0, d->path, 0, d->code, 0, d->message)))
		return false;
	found = pir_strpool_find(&s->changed_diags, key,
				 strlen(d->repo) + strlen(d->path) + strlen(d->code) +
				     strlen(d->message) + 3) != PIR_MAP_NONE;
	free(key);
	return found;
}

/* Add a diagnostic to the scan's, remembering it as changed by the change under review. */
static int add_result_diag(pir_scan *s, const pir_diagnostic *d, bool changed)
{
	size_t len;
	uint32_t idx;
	char *key;
	int err;

	if ((err = pir_diag_add(&s->diag, d->level, d->code, d->repo, d->path, d->line, d->column,
				"%s", d->message)) < 0 ||
	    !changed || !d->repo || !d->path)
		return err;
	len = strlen(d->repo) + strlen(d->path) + strlen(d->code) + strlen(d->message) + 3;
	if (!(key = pir_sprintf("%s%c%s%c%s%c%s", d->repo, 0, d->path, 0, d->code, 0, d->message)))
		return PIR_ENOMEM;
	err = pir_strpool_intern(&s->changed_diags, key, len, &idx);
	free(key);
	return err;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A marker's reference is an item ID when an entry defines it or it looks like one. */
static void resolve_marker_ref(linker *l, raw_loc *x)
{
	const pir_marker *m = x->x->marker;

	x->id = m->id;
	x->incident = m->incident;
	if (m->ref) {
		if (pir_strpool_find(&l->ids, m->ref, strlen(m->ref)) != PIR_MAP_NONE ||
		    starts_with(m->ref, "PIR-"))
			x->id = m->ref;
		else
			x->incident = m->ref;
	}
}

/*
 * A result's diagnostics into the scan's, and what only linking can say:
 * lines that name an action-item ID some entry defines but hold no marker
 * (near-miss: a typo must not hide an item). Versions only in history not
 * searched in full are counted in one line.
 */
static int report_result(pir_scan *s, const linker *l, const pir_result *res)
{
	const char *name = res->info.name;
	size_t history = res->history_marker_limits;
	int err = 0;

	for (size_t i = 0; i < res->ndiags && !err; i++)
		err = add_result_diag(s, &res->diags[i].d, res->diags[i].changed);
	for (size_t i = 0; i < res->nmentions && !err; i++) {
		const pir_result_mention *x = &res->mentions[i];
		pir_diagnostic d = {PIR_DIAG_WARNING, "near-miss", name, x->path,
				    x->line,	      x->column,   NULL};
		if (pir_strpool_find(&l->ids, x->id, strlen(x->id)) == PIR_MAP_NONE)
			continue;
		if (!(d.message = pir_sprintf("this line names action item %s but is not a marker "
					      "(write 'TODO %s: ...', or add pirscan:ignore)",
					      x->id, x->id)))
			return PIR_ENOMEM;
		err = add_result_diag(s, &d, x->changed);
		free((char *)d.message);
	}
	if (!err && history)
		err = pir_diag_add(&s->diag, PIR_DIAG_WARNING, "marker-limit", name, NULL, 0, 0,
				   "%zu file version%s in history could not be searched for "
				   "markers in full; items are dated from the versions that could",
				   history, history == 1 ? "" : "s");
	return err;
}

/* An entry read from a postmortem document (a Markdown file), not an action-items file. */
static bool doc_entry(const pir_result_loc *x)
{
	size_t n = strlen(x->loc.path);

	return x->entry && ((n > 3 && !strcasecmp(x->loc.path + n - 3, ".md")) ||
			    (n > 9 && !strcasecmp(x->loc.path + n - 9, ".markdown")));
}

static int loc_order(const raw_loc *a, const raw_loc *b)
{
	int c;

	if (a->x->live != b->x->live)
		return a->x->live ? -1 : 1;
	if (a->x->loc.kind != b->x->loc.kind)
		return a->x->loc.kind == PIR_LOCATION_YAML ? -1 : 1;
	if (doc_entry(a->x) != doc_entry(b->x))
		return doc_entry(a->x) ? 1 : -1; /* the action-items entry wins */
	if (a->repo != b->repo)
		return a->repo < b->repo ? -1 : 1;
	if ((c = strcmp(a->x->loc.path, b->x->loc.path)) != 0)
		return c;
	if (a->x->loc.line != b->x->loc.line)
		return a->x->loc.line < b->x->loc.line ? -1 : 1;
	return a->x->loc.column < b->x->loc.column ? -1 : a->x->loc.column > b->x->loc.column;
}

static int cmp_loc_ptr(const void *a, const void *b)
{
	const raw_loc *x = *(const raw_loc *const *)a, *y = *(const raw_loc *const *)b;
	int c;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	c = loc_order(x, y);
	return c ? c : (x < y ? -1 : x > y);
}

static int earlier(const pir_commit_ref *a, const pir_commit_ref *b)
{
	if (!PIR_COMMIT_REF_SET(b))
		return 1;
	return a->time < b->time || (a->time == b->time && strcmp(a->commit, b->commit) < 0);
}

/* With changed_since: did the comparison remove an entry defining `id` (in any repository)? */
static bool entry_removed_since(const pir_scan *s, const char *id)
{
	for (size_t r = 0; r < s->nresults; r++)
		for (size_t i = 0; i < s->results[r]->ngone_ids; i++)
			if (strcmp(s->results[r]->gone_ids[i], id) == 0)
				return true;
	return false;
}

/* What the item takes from its first entry. */
static void copy_entry(const pir_scan *s, pir_item *it, const pir_entry *e)
{
	it->title = e->title;
	it->owner = e->owner;
	it->due = e->due;
	it->severity = e->severity;
	it->severity_rank = e->severity_rank;
	it->incident = e->incident;
	if (e->status)
		it->status = e->status;
	it->closed = e->closed;
	it->fields = e->fields;
	it->nfields = e->nfields;
	it->team = e->team;
	it->snooze_until = e->snooze_until;
	it->snooze_reason = e->snooze_reason;
	it->snoozed = e->snooze_until != PIR_DATE_NONE && s->as_of < e->snooze_until;
}

static bool same_text(const char *a, const char *b)
{
	if (a && *a == '@')
		a++;
	if (b && *b == '@')
		b++;
	return a && b && !strcmp(a, b);
}

/*
 * The item's action-items entry `e` wins over its postmortem document's row
 * `d`: where they disagree on status, owner or due date, a warning at the row.
 */
static int doc_conflict(pir_scan *s, const pir_result_loc *e, const raw_loc *doc)
{
	const pir_result_loc *d = doc ? doc->x : NULL;
	const pir_entry *a, *b;
	const char *what, *repo;
	char *msg;
	int err;

	if (!d || !e || e == d || !e->live || !d->live || !e->entry->id)
		return 0;
	a = e->entry;
	b = d->entry;
	repo = s->results[doc->repo]->info.name;
	what = a->closed != b->closed			     ? "status"
	       : b->owner && !same_text(a->owner, b->owner)  ? "owner"
	       : b->due != PIR_DATE_NONE && a->due != b->due ? "due date"
							     : NULL;
	if (!what)
		return 0;
	if (!(msg = pir_sprintf("action item %s: the document's %s differs from its action-items "
				"entry's (%s); the entry's is kept",
				a->id, what, e->loc.path)))
		return PIR_ENOMEM;
	err = pir_diag_add(&s->diag, PIR_DIAG_WARNING, "postmortem-conflict", repo, d->loc.path,
			   d->loc.line, d->loc.column, "%s", msg);
	free(msg);
	return err;
}

/* An item no longer in the tree: resolved by the last of its locations' removals. */
static void last_resolved(pir_item *it, raw_loc **locs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (PIR_COMMIT_REF_SET(&locs[i]->x->loc.resolved) &&
		    (!PIR_COMMIT_REF_SET(&it->resolved) ||
		     earlier(&it->resolved, &locs[i]->x->loc.resolved)))
			it->resolved = locs[i]->x->loc.resolved;
}

/*
 * The item's incident: its entry's, else its document row's (an entry
 * without linked_incident joined to a document's row), else its first
 * marker's; and the severity its incident gives when it has none.
 */
static void item_incident(const pir_scan *s, pir_item *it, const raw_loc *doc,
			  const raw_loc *marker)
{
	if (!it->incident && doc)
		it->incident = doc->x->entry->incident;
	if (!it->incident && marker)
		it->incident = marker->incident;
	pir_incident_severity(s, it);
}

/* Fill item `it` from its locations locs[0..n) (sorted: live, yaml first). */
static int build_item(pir_scan *s, linker *l, pir_item *it, raw_loc **locs, size_t n)
{
	const pir_result_loc *e = NULL;
	const raw_loc *first_marker = NULL, *first_doc = NULL;
	size_t live_entries = 0, live_docs = 0;
	bool live_marker = false, any_invalid = false, any_live = false;
	pir_location *out;
	pir_age_rules rules = {s->as_of, s->opts.stale_days, s->opts.stale_days_none,
			       s->opts.max_slips};
	pir_item_facts facts;
	int err;

	if (!(out = pir_arena_alloc(&s->arena, n * sizeof(*out))))
		return PIR_ENOMEM;
	memset(it, 0, sizeof(*it));
	it->introduced = it->resolved = it->closed_at = no_commit;
	for (size_t i = 0; i < n; i++) {
		const pir_result_loc *x = locs[i]->x;
		out[i] = x->loc;
		any_live |= x->live;
		it->changed |= x->loc.changed;
		if (x->entry) {
			if (!e)
				e = x;
			if (doc_entry(x) && !first_doc)
				first_doc = locs[i];
			if (x->live) {
				*(doc_entry(x) ? &live_docs : &live_entries) += 1;
				any_invalid |= x->entry->invalid;
			}
		} else {
			if (!first_marker)
				first_marker = locs[i];
			live_marker |= x->live;
		}
		if (PIR_COMMIT_REF_SET(&x->loc.introduced) &&
		    earlier(&x->loc.introduced, &it->introduced))
			it->introduced = x->loc.introduced;
	}
	if (!any_live)
		last_resolved(it, locs, n);
	it->locations = out;
	it->nlocations = n;
	it->id = locs[0]->id;
	it->due = PIR_DATE_NONE;
	it->severity_rank = PIR_SEVERITY_NONE;
	it->status = "open";
	if (e) {
		copy_entry(s, it, e->entry);
		if (!e->entry->id)
			any_invalid = true;
		it->closed_at = e->closed_at;
		it->due_changes = e->due;
		it->ndue_changes = e->ndue;
	} else {
		it->snooze_until = PIR_DATE_NONE;
	}
	if (first_marker && !it->title)
		it->title = first_marker->x->marker->note ? first_marker->x->marker->note
							  : first_marker->x->loc.text;
	item_incident(s, it, first_doc, first_marker);
	pir_age_item(&rules, it);
	/* a change that deleted the item's entry, leaving its marker, changed the item */
	if (!live_entries && live_marker && it->id && s->opts.changed_since &&
	    entry_removed_since(s, it->id))
		it->changed = true;
	if ((err = doc_conflict(s, e, first_doc)) < 0)
		return err;
	/* a row and an entry of one ID are one item; two of either are duplicates */
	facts.live_entries = live_entries > live_docs ? live_entries : live_docs;
	facts.live_marker = live_marker;
	facts.any_invalid = any_invalid;
	facts.due_written = e && e->entry->due_raw;
	facts.defined =
	    it->id && pir_strpool_find(&l->live_ids, it->id, strlen(it->id)) != PIR_MAP_NONE;
	pir_judge_item(&rules, it, &facts);
	return 0;
}

/* Assign each location its item: one per ID, one per location without an ID. */
static int assign_items(linker *l, uint32_t *nitems)
{
	pir_strpool by_id = {0};
	uint32_t idx, anon = 0;
	int err = 0;

	for (size_t i = 0; i < l->n && !err; i++) {
		raw_loc *x = &l->v[i];
		if (x->x->marker)
			resolve_marker_ref(l, x);
		if (x->id && (err = pir_strpool_intern(&by_id, x->id, strlen(x->id), &idx)) == 0)
			x->item = idx;
	}
	for (size_t i = 0; i < l->n && !err; i++)
		if (!l->v[i].id)
			l->v[i].item = (uint32_t)by_id.n + anon++;
	*nitems = (uint32_t)by_id.n + anon;
	pir_strpool_dispose(&by_id);
	return err;
}

static int sort_group(const pir_item *it)
{
	if (PIR_COMMIT_REF_SET(&it->resolved))
		return 2;
	return it->closed ? 1 : 0;
}

static int cmp_str_null_last(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/*
 * Most urgent first: overdue items, by severity then by days overdue; then
 * the others by severity, due date and age. A total order, so that output is
 * stable.
 */
static int cmp_items(const void *pa, const void *pb)
{
	const pir_item *a = pa, *b = pb;
	const pir_location *la = &a->locations[0], *lb = &b->locations[0];
	int c;

	if ((c = sort_group(a) - sort_group(b)) != 0)
		return c;
	if ((a->overdue_days > 0) != (b->overdue_days > 0))
		return a->overdue_days > 0 ? -1 : 1;
	if (a->severity_rank != b->severity_rank) {
		if (a->severity_rank < 0 || b->severity_rank < 0)
			return a->severity_rank < 0 ? 1 : -1;
		return a->severity_rank < b->severity_rank ? -1 : 1;
	}
	if (a->overdue_days != b->overdue_days)
		return a->overdue_days > b->overdue_days ? -1 : 1;
	if (a->due != b->due) {
		if (a->due == PIR_DATE_NONE || b->due == PIR_DATE_NONE)
			return a->due == PIR_DATE_NONE ? 1 : -1;
		return a->due < b->due ? -1 : 1;
	}
	if (a->age_days != b->age_days)
		return a->age_days > b->age_days ? -1 : 1;
	if ((c = cmp_str_null_last(a->id, b->id)) != 0)
		return c;
	if ((c = strcmp(la->repo, lb->repo)) != 0 || (c = strcmp(la->path, lb->path)) != 0)
		return c;
	if (la->line != lb->line)
		return la->line < lb->line ? -1 : 1;
	return la->column < lb->column ? -1 : la->column > lb->column;
}

static int cmp_diags(const void *pa, const void *pb)
{
	const pir_diagnostic *a = pa, *b = pb;
	int c;

	if ((c = cmp_str_null_last(a->repo, b->repo)) != 0 ||
	    (c = cmp_str_null_last(a->path, b->path)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return strcmp(a->message, b->message);
}

int pir_link(pir_scan *s)
{
	linker l = {0};
	raw_loc **order = NULL;
	uint32_t nitems = 0;
	int err = gather(&l, s->results, s->nresults);

	if (!err)
		err = pir_incidents_gather(s);

	for (size_t i = 0; i < s->nresults && !err; i++)
		err = report_result(s, &l, s->results[i]);
	if (err || (err = assign_items(&l, &nitems)) < 0)
		goto done;
	if (!(order = pir_calloc(l.n, sizeof(*order))) ||
	    !(s->items = pir_calloc(nitems, sizeof(*s->items)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < l.n; i++)
		order[i] = &l.v[i];
	if (l.n)
		qsort(order, l.n, sizeof(*order), cmp_loc_ptr);
	for (size_t i = 0; i < l.n && !err;) {
		size_t j = i;
		while (j < l.n && order[j]->item == order[i]->item)
			j++;
		err = build_item(s, &l, &s->items[s->nitems++], order + i, j - i);
		i = j;
	}
done:
	free(order);
	free(l.v);
	pir_strpool_dispose(&l.ids);
	pir_strpool_dispose(&l.live_ids);
	return err;
}

void pir_order(pir_scan *s)
{
	if (s->nitems)
		qsort(s->items, s->nitems, sizeof(*s->items), cmp_items);
	if (s->diag.n)
		qsort(s->diag.v, s->diag.n, sizeof(*s->diag.v), cmp_diags);
}
