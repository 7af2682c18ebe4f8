/* SPDX-License-Identifier: MIT */
/*
 * Linking: every location (an entry of an action-items file, a marker in
 * code) of every scanned repository is joined to its item by ID; markers that
 * name only an incident, or nothing, are items of their own. Then each item
 * is dated from its locations and its stale reasons are decided.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "history.h"
#include "link.h"
#include "map.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "source.h"

typedef struct {
	pir_location loc;
	size_t repo;
	bool live;
	const pir_marker *marker;
	const pir_entry *entry;
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

static void commit_ref(pir_commit_ref *out, const pir_repo *r, uint32_t ci)
{
	*out = no_commit;
	if (ci == PIR_MAP_NONE || ci >= r->ncommits)
		return;
	git_oid_tostr(out->commit, sizeof(out->commit), &r->commits[ci].oid);
	out->time = r->commits[ci].time;
	out->date = pir_date_from_time(out->time);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* An entry changed when what a reader would act on changed. */
static bool same_entry(const pir_entry *a, const pir_entry *b)
{
	return same_str(a->title, b->title) && same_str(a->owner, b->owner) &&
	       same_str(a->due_raw, b->due_raw) && same_str(a->severity, b->severity) &&
	       same_str(a->status, b->status) && same_str(a->incident, b->incident) &&
	       same_str(a->team, b->team) && a->snooze_until == b->snooze_until &&
	       same_str(a->snooze_reason, b->snooze_reason) && a->invalid == b->invalid;
}

/*
 * With changed_since: was this live location added or changed since that
 * ref? Only a file that the comparison touched can hold one, and a marker
 * or entry found unchanged in any old version of the touched files (moved
 * or renamed) is not new.
 */
static bool location_changed(const pir_repo *r, const char *path, const pir_marker *m,
			     const pir_entry *e)
{
	if (!r->has_since || pir_strpool_find(&r->since_paths, path, strlen(path)) == PIR_MAP_NONE)
		return false;
	for (size_t g = 0; g < r->nsince_gone; g++) {
		const pir_blob *b = &r->blobs[r->since_gone[g]];
		if (m) {
			for (size_t i = 0; i < b->markers.n; i++)
				if (strcmp(b->markers.v[i].text, m->text) == 0)
					return false;
			continue;
		}
		for (size_t i = 0; b->entries && i < b->entries->n; i++)
			if (same_str(b->entries->v[i].id, e->id) &&
			    same_entry(&b->entries->v[i], e))
				return false;
	}
	return true;
}

/* The head blob at `path` of repository `r`, or PIR_MAP_NONE. */
static uint32_t head_blob(const pir_repo *r, const char *path)
{
	for (size_t i = 0; i < r->nhead; i++)
		if (strcmp(r->head[i].path, path) == 0)
			return r->head[i].blob;
	return PIR_MAP_NONE;
}

/* Problems that keep the rest of their file from being read: whatever a change adds there is
 * unseen. */
static bool hides_rest(const char *code)
{
	return strcmp(code, "yaml-syntax") == 0 || strcmp(code, "binary") == 0 ||
	       strcmp(code, "too-large") == 0;
}

/*
 * With changed_since: is this problem of an action-items file of the scanned
 * tree new? As for locations, only a file the comparison touched can hold a
 * new one, and the same problem (code and message) in an old version of a
 * touched file, or the same binary file, is not new. But a problem that hides
 * the rest of its file (a syntax error, a binary or too large file) counts as
 * changed whenever the change touched that file's content: what the change
 * added behind it cannot be judged, so it must not pass as old debt.
 */
bool pir_scan_diag_changed(const pir_scan *s, const pir_diagnostic *d)
{
	for (size_t i = 0; i < s->nrepos; i++) {
		const pir_repo *r = s->repos[i];
		uint32_t now;

		if (!d->repo || strcmp(r->name, d->repo) != 0)
			continue;
		if (!r->has_since || !d->path ||
		    pir_strpool_find(&r->since_paths, d->path, strlen(d->path)) == PIR_MAP_NONE)
			return false;
		now = head_blob(r, d->path);
		for (size_t g = 0; g < r->nsince_gone; g++)
			if (r->since_gone[g] == now)
				return false; /* the very same content was there before (a rename)
					       */
		if (hides_rest(d->code))
			return true;
		for (size_t g = 0; g < r->nsince_gone; g++) {
			const pir_blob *b = &r->blobs[r->since_gone[g]];
			for (size_t k = 0; b->entries && k < b->entries->diags.n; k++)
				if (strcmp(b->entries->diags.v[k].code, d->code) == 0 &&
				    strcmp(b->entries->diags.v[k].message, d->message) == 0)
					return false;
		}
		return true;
	}
	return false;
}

static raw_loc *new_loc(linker *l, size_t repo, const pir_repo *r, const char *path)
{
	raw_loc *x;

	if (pir_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*x)) < 0)
		return NULL;
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->repo = repo;
	x->loc.repo = r->name;
	x->loc.path = path;
	x->loc.introduced.date = PIR_DATE_NONE;
	x->loc.resolved.date = PIR_DATE_NONE;
	return x;
}

/*
 * A location's dates from its key across history: introduced, and resolved
 * when it is gone from the scanned tree (a live one marks its key as there).
 */
static void date_by_key(raw_loc *x, pir_repo *r, pir_key_kind kind, const char *text, bool live)
{
	uint32_t k;

	if (!r->keys || (k = pir_key_find(r, kind, text)) == PIR_MAP_NONE)
		return;
	commit_ref(&x->loc.introduced, r, r->keys[k].intro_commit);
	if (live)
		r->keys[k].in_head = true;
	else
		commit_ref(&x->loc.resolved, r, r->keys[k].rm_commit);
}

/* A marker's location, live or resolved, dated by the replay (history.h). */
static int add_marker_loc(linker *l, size_t ri, pir_repo *r, const char *path, const pir_marker *m,
			  bool live, uint32_t intro, uint32_t rm)
{
	raw_loc *x = new_loc(l, ri, r, path);

	if (!x)
		return PIR_ENOMEM;
	x->live = live;
	x->marker = m;
	x->loc.kind = PIR_LOCATION_MARKER;
	x->loc.line = m->line;
	x->loc.column = m->column;
	x->loc.text = m->text;
	x->loc.changed = live && location_changed(r, path, m, NULL);
	commit_ref(&x->loc.introduced, r, intro);
	if (!live)
		commit_ref(&x->loc.resolved, r, rm);
	return 0;
}

static int add_entry_loc(linker *l, size_t ri, pir_repo *r, const char *path, const pir_entry *e,
			 bool live)
{
	raw_loc *x = new_loc(l, ri, r, path);
	uint32_t idx;

	if (!x)
		return PIR_ENOMEM;
	x->live = live;
	x->entry = e;
	x->id = e->id;
	x->loc.kind = PIR_LOCATION_YAML;
	x->loc.line = e->line;
	x->loc.column = e->column;
	x->loc.text = e->title ? e->title : e->id;
	x->loc.changed = live && location_changed(r, path, NULL, e);
	if (e->id) {
		if (pir_strpool_intern(&l->ids, e->id, strlen(e->id), &idx) < 0 ||
		    (live && pir_strpool_intern(&l->live_ids, e->id, strlen(e->id), &idx) < 0))
			return PIR_ENOMEM;
		date_by_key(x, r, PIR_KEY_ENTRY, e->id, live);
	}
	return 0;
}

static int collect_live(linker *l, size_t ri, pir_repo *r)
{
	int err = 0;

	for (size_t i = 0; i < r->nhead && !err; i++) {
		const pir_head_entry *h = &r->head[i];
		const pir_blob *b = &r->blobs[h->blob];

		if (h->yaml && b->entries)
			for (size_t k = 0; k < b->entries->n && !err; k++)
				err = add_entry_loc(l, ri, r, h->path, &b->entries->v[k], true);
		for (size_t k = 0; k < b->markers.n && !err; k++)
			err =
			    add_marker_loc(l, ri, r, h->path, &b->markers.v[k], true,
					   pir_marker_intro(r, h->path, h->blob, k), PIR_MAP_NONE);
	}
	return err;
}

/* Entry IDs and marker locations that left the scanned tree: a location each, where last seen. */
static int collect_resolved(linker *l, size_t ri, pir_repo *r)
{
	const pir_marker_gone *gone;
	size_t ngone = pir_markers_gone(r, &gone);
	int err = 0;

	for (uint32_t k = 0; k < r->keys_pool.n && !err; k++) {
		const pir_key *key = &r->keys[k];
		const char *s;
		const pir_blob *b;

		if (key->in_head || key->intro_commit == PIR_MAP_NONE ||
		    key->rm_commit == PIR_MAP_NONE || key->rm_blob == PIR_MAP_NONE ||
		    pir_key_decode(r, k, &s) != PIR_KEY_ENTRY || !r->blobs[key->rm_blob].entries)
			continue;
		b = &r->blobs[key->rm_blob];
		for (size_t i = 0; i < b->entries->n; i++) {
			const pir_entry *e = &b->entries->v[i];
			if (e->id && strcmp(e->id, s) == 0) {
				err = add_entry_loc(l, ri, r, key->rm_path, e, false);
				break;
			}
		}
	}
	for (size_t i = 0; i < ngone && !err; i++) {
		const pir_blob *b = &r->blobs[gone[i].blob];
		if (gone[i].marker < b->markers.n)
			err = add_marker_loc(l, ri, r, gone[i].path, &b->markers.v[gone[i].marker],
					     false, gone[i].intro_commit, gone[i].rm_commit);
	}
	return err;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A marker's reference is an item ID when an entry defines it or it looks like one. */
static void resolve_marker_ref(linker *l, raw_loc *x)
{
	const pir_marker *m = x->marker;

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
 * What the marker scan says of the scanned tree: lines it could not search
 * (marker-limit), and lines that name an action-item ID some entry defines
 * but hold no marker (near-miss: a typo must not hide an item). Versions
 * only in history are counted in one line.
 */
static int report_marker_scan(pir_scan *s, const linker *l, const pir_repo *r)
{
	size_t history = 0;
	int err = 0;

	for (size_t i = 0; i < r->nhead && !err; i++) {
		const pir_head_entry *h = &r->head[i];
		const pir_marker_list *ml = &r->blobs[h->blob].markers;

		for (size_t k = 0; k < ml->diags.n && !err; k++) {
			const pir_fdiag *d = &ml->diags.v[k];
			err = pir_diag_add(&s->diag, d->level, d->code, r->name, h->path, d->line,
					   d->column, "%s", d->message);
		}
		for (size_t k = 0; !h->yaml && k < ml->nmentions && !err; k++) {
			const pir_id_mention *x = &ml->mentions[k];
			if (pir_strpool_find(&l->ids, x->id, strlen(x->id)) == PIR_MAP_NONE)
				continue;
			err = pir_diag_add(&s->diag, PIR_DIAG_WARNING, "near-miss", r->name,
					   h->path, x->line, x->column,
					   "this line names action item %s but is not a marker "
					   "(write 'TODO %s: ...', or add pirscan:ignore)",
					   x->id, x->id);
		}
	}
	for (size_t i = 0; i < r->nblobs; i++)
		history += r->blobs[i].markers.diags.n && !(r->blobs[i].flags & PIR_BLOB_AT_HEAD);
	if (!err && history)
		err = pir_diag_add(&s->diag, PIR_DIAG_WARNING, "marker-limit", r->name, NULL, 0, 0,
				   "%zu file version%s in history could not be searched for "
				   "markers in full; items are dated from the versions that could",
				   history, history == 1 ? "" : "s");
	return err;
}

static int loc_order(const raw_loc *a, const raw_loc *b)
{
	int c;

	if (a->live != b->live)
		return a->live ? -1 : 1;
	if (a->loc.kind != b->loc.kind)
		return a->loc.kind == PIR_LOCATION_YAML ? -1 : 1;
	if (a->repo != b->repo)
		return a->repo < b->repo ? -1 : 1;
	if ((c = strcmp(a->loc.path, b->loc.path)) != 0)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	return a->loc.column < b->loc.column ? -1 : a->loc.column > b->loc.column;
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

static int stale_limit(const pir_scan *s, int rank)
{
	return rank >= 0 && rank < PIR_SEVERITY_MAX ? s->opts.stale_days[rank]
						    : s->opts.stale_days_none;
}

static void decide_reasons(pir_scan *s, pir_item *it, size_t live_entries, bool live_marker,
			   bool any_invalid, bool due_written, bool defined)
{
	bool live = !PIR_COMMIT_REF_SET(&it->resolved);

	if (!live)
		return;
	if (it->id && live_marker && !defined)
		it->reasons |= PIR_REASON_UNKNOWN_ID;
	if (live_entries > 1)
		it->reasons |= PIR_REASON_DUPLICATE_ID;
	if (any_invalid)
		it->reasons |= PIR_REASON_INVALID;
	if (it->closed) {
		if (live_marker)
			it->reasons |= PIR_REASON_DONE_BUT_MARKER_REMAINS;
		return;
	}
	if (it->has_overdue && it->overdue_days > 0)
		it->reasons |= PIR_REASON_OVERDUE;
	if (it->has_age && it->age_days > stale_limit(s, it->severity_rank))
		it->reasons |= PIR_REASON_TOO_OLD;
	if (!it->owner || !*it->owner)
		it->reasons |= PIR_REASON_NO_OWNER;
	if (it->due == PIR_DATE_NONE && !due_written)
		it->reasons |= PIR_REASON_NO_DUE;
	if ((int64_t)it->ndue_changes > s->opts.max_slips)
		it->reasons |= PIR_REASON_SLIPPING;
}

static int cmp_due_change(const void *a, const void *b)
{
	const pir_due_change *x = a, *y = b;
	if (x->commit.time != y->commit.time)
		return x->commit.time < y->commit.time ? -1 : 1;
	return strcmp(x->commit.commit, y->commit.commit);
}

static pir_date date_or_none(const char *s)
{
	pir_date d;
	return s && pir_date_parse(&d, s, strlen(s)) == 0 ? d : PIR_DATE_NONE;
}

/*
 * From the history of the entry `e` of repository `r`: its due-date moves,
 * and when a closed entry was closed (its last change to a closed status;
 * an entry written closed was closed when it was introduced).
 */
static int entry_history(pir_scan *s, pir_item *it, const pir_repo *r, const pir_entry *e)
{
	uint32_t k;
	const pir_key *key;
	pir_due_change *out;
	size_t n = 0;

	if (!e->id || !r->keys || (k = pir_key_find(r, PIR_KEY_ENTRY, e->id)) == PIR_MAP_NONE)
		return 0;
	key = &r->keys[k];
	for (size_t i = 0; i < key->ndue; i++) {
		pir_commit_ref c;
		if (!key->due[i].is_status || !key->due[i].closed)
			continue;
		commit_ref(&c, r, key->due[i].commit);
		if (!PIR_COMMIT_REF_SET(&it->closed_at) || earlier(&it->closed_at, &c))
			it->closed_at = c;
	}
	if (e->closed && !PIR_COMMIT_REF_SET(&it->closed_at))
		commit_ref(&it->closed_at, r, key->intro_commit);
	for (size_t i = 0; i < key->ndue; i++)
		n += !key->due[i].is_status;
	if (!n)
		return 0;
	if (!(out = pir_arena_alloc(&s->arena, n * sizeof(*out))))
		return PIR_ENOMEM;
	n = 0;
	for (size_t i = 0; i < key->ndue; i++) {
		if (key->due[i].is_status)
			continue;
		out[n].old_due = date_or_none(key->due[i].old_due);
		out[n].new_due = date_or_none(key->due[i].new_due);
		commit_ref(&out[n++].commit, r, key->due[i].commit);
	}
	qsort(out, n, sizeof(*out), cmp_due_change);
	it->due_changes = out;
	it->ndue_changes = n;
	return 0;
}

/* With changed_since: did the comparison remove an entry defining `id` (in any repository)? */
static bool entry_removed_since(const pir_scan *s, const char *id)
{
	for (size_t r = 0; r < s->nrepos; r++) {
		const pir_repo *repo = s->repos[r];
		for (size_t g = 0; repo->has_since && g < repo->nsince_gone; g++) {
			const pir_blob *b = &repo->blobs[repo->since_gone[g]];
			for (size_t i = 0; b->entries && i < b->entries->n; i++)
				if (same_str(b->entries->v[i].id, id))
					return true;
		}
	}
	return false;
}

/* Fill item `it` from its locations locs[0..n) (sorted: live, yaml first). */
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

/* When the item was closed, its age and how overdue it is, as of the scan's date. */
static void date_item(const pir_scan *s, pir_item *it)
{
	/* an item that left the tree open was closed when it left */
	if (PIR_COMMIT_REF_SET(&it->resolved) &&
	    (!PIR_COMMIT_REF_SET(&it->closed_at) || earlier(&it->resolved, &it->closed_at)))
		it->closed_at = it->resolved;
	if (!it->closed && !PIR_COMMIT_REF_SET(&it->resolved)) /* reopened, or never closed */
		it->closed_at = no_commit;
	/* an absurd commit time has no date (pir_date_from_time), so no age either */
	pir_date end = PIR_COMMIT_REF_SET(&it->resolved) ? it->resolved.date : s->as_of;
	if (PIR_COMMIT_REF_SET(&it->introduced) && it->introduced.date != PIR_DATE_NONE &&
	    end != PIR_DATE_NONE) {
		it->has_age = true;
		it->age_days = end - it->introduced.date;
		if (it->age_days < 0)
			it->age_days = 0;
	}
	if (it->due != PIR_DATE_NONE) {
		it->has_overdue = true;
		if (!it->closed && !PIR_COMMIT_REF_SET(&it->resolved) && s->as_of > it->due)
			it->overdue_days = s->as_of - it->due;
	}
}

static int build_item(pir_scan *s, linker *l, pir_item *it, raw_loc **locs, size_t n)
{
	const pir_entry *e = NULL;
	const pir_repo *e_repo = NULL;
	const raw_loc *first_marker = NULL;
	size_t live_entries = 0;
	bool live_marker = false, any_invalid = false, any_live = false;
	pir_location *out;

	if (!(out = pir_arena_alloc(&s->arena, n * sizeof(*out))))
		return PIR_ENOMEM;
	memset(it, 0, sizeof(*it));
	it->introduced = it->resolved = it->closed_at = no_commit;
	for (size_t i = 0; i < n; i++) {
		const raw_loc *x = locs[i];
		out[i] = x->loc;
		any_live |= x->live;
		it->changed |= x->loc.changed;
		if (x->entry) {
			if (!e) {
				e = x->entry;
				e_repo = s->repos[x->repo];
			}
			if (x->live) {
				live_entries++;
				any_invalid |= x->entry->invalid;
			}
		} else {
			if (!first_marker)
				first_marker = x;
			live_marker |= x->live;
		}
		if (PIR_COMMIT_REF_SET(&x->loc.introduced) &&
		    earlier(&x->loc.introduced, &it->introduced))
			it->introduced = x->loc.introduced;
	}
	if (!any_live)
		for (size_t i = 0; i < n; i++)
			if (PIR_COMMIT_REF_SET(&locs[i]->loc.resolved) &&
			    (!PIR_COMMIT_REF_SET(&it->resolved) ||
			     earlier(&it->resolved, &locs[i]->loc.resolved)))
				it->resolved = locs[i]->loc.resolved;
	it->locations = out;
	it->nlocations = n;
	it->id = locs[0]->id;
	it->due = PIR_DATE_NONE;
	it->severity_rank = PIR_SEVERITY_NONE;
	it->status = "open";
	if (e) {
		copy_entry(s, it, e);
		if (!e->id)
			any_invalid = true;
		if (entry_history(s, it, e_repo, e) < 0)
			return PIR_ENOMEM;
	} else {
		it->snooze_until = PIR_DATE_NONE;
	}
	if (first_marker) {
		if (!it->title)
			it->title = first_marker->marker->note ? first_marker->marker->note
							       : first_marker->loc.text;
		if (!it->incident)
			it->incident = first_marker->incident;
	}
	date_item(s, it);
	/* a change that deleted the item's entry, leaving its marker, changed the item */
	if (!live_entries && live_marker && it->id && s->opts.changed_since &&
	    entry_removed_since(s, it->id))
		it->changed = true;
	decide_reasons(s, it, live_entries, live_marker, any_invalid, e && e->due_raw,
		       it->id &&
			   pir_strpool_find(&l->live_ids, it->id, strlen(it->id)) != PIR_MAP_NONE);
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
		if (x->marker)
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
	int err = 0;

	for (size_t i = 0; i < s->nrepos && !err; i++)
		err = collect_live(&l, i, s->repos[i]);
	if (s->opts.no_history == false)
		for (size_t i = 0; i < s->nrepos && !err; i++)
			if (s->repos[i]->keys)
				err = collect_resolved(&l, i, s->repos[i]);
	for (size_t i = 0; i < s->nrepos && !err; i++)
		err = report_marker_scan(s, &l, s->repos[i]);
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
