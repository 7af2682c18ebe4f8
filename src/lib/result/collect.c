/* SPDX-License-Identifier: MIT */
/*
 * Collecting: one scanned repository's locations, dated from its history,
 * with what the change under review touched, into a result that owns its
 * memory. After this nothing reads the repository again, so the driver can
 * free it before the next one is scanned.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "history.h"
#include "map.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "result.h"
#include "source.h"

typedef struct {
	pir_result *res;
	pir_repo *r;
	size_t cap, mentions_cap, incidents_cap;
} collector;

static const pir_commit_ref no_commit = {"", PIR_DATE_NONE, 0};

/* Where GitHub and GitLab look for CODEOWNERS, in their order. */
static const char *const codeowners_paths[] = {".github/CODEOWNERS", "CODEOWNERS",
					       "docs/CODEOWNERS", ".gitlab/CODEOWNERS"};

int pir_result_new(pir_result **out)
{
	if (!(*out = pir_calloc(1, sizeof(**out))))
		return PIR_ENOMEM;
	return 0;
}

void pir_result_free(pir_result *res)
{
	if (!res)
		return;
	free(res->locs);
	free(res->mentions);
	free(res->diags);
	free(res->incidents);
	pir_arena_dispose(&res->arena);
	free(res);
}

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

/* A copy of `s` in the result's arena; NULL stays NULL. 0 or PIR_ENOMEM. */
static int dup(collector *c, char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = pir_arena_strdup(&c->res->arena, s)))
		return PIR_ENOMEM;
	return 0;
}

static int copy_marker(collector *c, pir_marker **out, const pir_marker *m)
{
	pir_marker *x = pir_arena_alloc(&c->res->arena, sizeof(*x));

	if (!x)
		return PIR_ENOMEM;
	*x = *m;
	*out = x;
	if (dup(c, &x->text, m->text) < 0 || dup(c, &x->id, m->id) < 0 ||
	    dup(c, &x->incident, m->incident) < 0 || dup(c, &x->ref, m->ref) < 0 ||
	    dup(c, &x->note, m->note) < 0)
		return PIR_ENOMEM;
	return 0;
}

static int copy_fields(collector *c, pir_entry *x, const pir_entry *e)
{
	pir_field *f;

	x->fields = NULL;
	if (!e->nfields)
		return 0;
	if (!(f = pir_arena_alloc(&c->res->arena, e->nfields * sizeof(*f))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < e->nfields; i++)
		if (!(f[i].key = pir_arena_strdup(&c->res->arena, e->fields[i].key)) ||
		    !(f[i].json = pir_arena_strdup(&c->res->arena, e->fields[i].json)))
			return PIR_ENOMEM;
	x->fields = f;
	return 0;
}

static int copy_entry(collector *c, pir_entry **out, const pir_entry *e)
{
	pir_entry *x = pir_arena_alloc(&c->res->arena, sizeof(*x));

	if (!x)
		return PIR_ENOMEM;
	*x = *e;
	*out = x;
	if (dup(c, &x->id, e->id) < 0 || dup(c, &x->title, e->title) < 0 ||
	    dup(c, &x->owner, e->owner) < 0 || dup(c, &x->due_raw, e->due_raw) < 0 ||
	    dup(c, &x->severity, e->severity) < 0 || dup(c, &x->status, e->status) < 0 ||
	    dup(c, &x->incident, e->incident) < 0 || dup(c, &x->team, e->team) < 0 ||
	    dup(c, &x->snooze_reason, e->snooze_reason) < 0)
		return PIR_ENOMEM;
	return copy_fields(c, x, e);
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

static bool since_touched(const pir_repo *r, const char *path)
{
	return r->has_since && path &&
	       pir_strpool_find(&r->since_paths, path, strlen(path)) != PIR_MAP_NONE;
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
	if (!since_touched(r, path))
		return false;
	for (size_t g = 0; g < r->nsince_gone; g++) {
		const pir_blob *b = &r->blobs[r->since_gone[g]];
		if (m) {
			const pir_marker_list *ml = pir_blob_markers(b);
			for (size_t i = 0; i < ml->n; i++)
				if (strcmp(ml->v[i].text, m->text) == 0)
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

/* The head blob at `path`, or PIR_MAP_NONE. */
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
 * With changed_since: is this problem of a file of the scanned tree new? As
 * for locations, only a file the comparison touched can hold a new one, and
 * the same problem (code and message) in an old version of a touched file,
 * or the same binary file, is not new. But a problem that hides the rest of
 * its file (a syntax error, a binary or too large file) counts as changed
 * whenever the change touched that file's content: what the change added
 * behind it cannot be judged, so it must not pass as old debt.
 */
static bool diag_changed(const pir_repo *r, const char *path, const char *code, const char *msg)
{
	uint32_t now;

	if (!since_touched(r, path))
		return false;
	now = head_blob(r, path);
	for (size_t g = 0; g < r->nsince_gone; g++)
		if (r->since_gone[g] == now)
			return false; /* the very same content was there before (a rename) */
	if (hides_rest(code))
		return true;
	for (size_t g = 0; g < r->nsince_gone; g++) {
		const pir_blob *b = &r->blobs[r->since_gone[g]];
		for (size_t k = 0; b->entries && k < b->entries->diags.n; k++)
			if (strcmp(b->entries->diags.v[k].code, code) == 0 &&
			    strcmp(b->entries->diags.v[k].message, msg) == 0)
				return false;
	}
	return true;
}

static pir_result_loc *new_loc(collector *c, const char *path, bool live)
{
	pir_result *res = c->res;
	pir_result_loc *x;

	if (pir_grow((void **)&res->locs, &c->cap, res->nlocs + 1, sizeof(*x)) < 0)
		return NULL;
	x = &res->locs[res->nlocs];
	memset(x, 0, sizeof(*x));
	if (!(x->loc.path = pir_arena_strdup(&res->arena, path)))
		return NULL;
	res->nlocs++;
	x->live = live;
	x->loc.repo = res->info.name;
	x->loc.introduced = x->loc.resolved = x->closed_at = no_commit;
	return x;
}

/*
 * A location's dates from its key across history: introduced, and resolved
 * when it is gone from the scanned tree (a live one marks its key as there).
 */
static const pir_key *date_by_key(pir_result_loc *x, pir_repo *r, pir_key_kind kind,
				  const char *text)
{
	uint32_t k;

	if (!r->keys || (k = pir_key_find(r, kind, text)) == PIR_MAP_NONE)
		return NULL;
	commit_ref(&x->loc.introduced, r, r->keys[k].intro_commit);
	if (x->live)
		r->keys[k].in_head = true;
	else
		commit_ref(&x->loc.resolved, r, r->keys[k].rm_commit);
	return &r->keys[k];
}

/* A marker's location, live or resolved, dated by the replay (history.h). */
static int add_marker_loc(collector *c, const char *path, const pir_marker *m, bool live,
			  uint32_t intro, uint32_t rm)
{
	pir_result_loc *x = new_loc(c, path, live);

	if (!x || copy_marker(c, &x->marker, m) < 0)
		return PIR_ENOMEM;
	x->loc.kind = PIR_LOCATION_MARKER;
	x->loc.line = m->line;
	x->loc.column = m->column;
	x->loc.text = x->marker->text;
	x->loc.changed = live && location_changed(c->r, path, m, NULL);
	commit_ref(&x->loc.introduced, c->r, intro);
	if (!live)
		commit_ref(&x->loc.resolved, c->r, rm);
	return 0;
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

static bool earlier(const pir_commit_ref *a, const pir_commit_ref *b)
{
	if (!PIR_COMMIT_REF_SET(b))
		return true;
	return a->time < b->time || (a->time == b->time && strcmp(a->commit, b->commit) < 0);
}

/*
 * From the history of the entry's ID: its due-date moves, and when a closed
 * entry was closed (its last change to a closed status; an entry written
 * closed was closed when it was introduced).
 */
static int entry_history(collector *c, pir_result_loc *x, const pir_key *key)
{
	pir_due_change *out;
	size_t n = 0;

	for (size_t i = 0; i < key->ndue; i++) {
		pir_commit_ref ref;
		if (!key->due[i].is_status || !key->due[i].closed)
			continue;
		commit_ref(&ref, c->r, key->due[i].commit);
		if (!PIR_COMMIT_REF_SET(&x->closed_at) || earlier(&x->closed_at, &ref))
			x->closed_at = ref;
	}
	if (x->entry->closed && !PIR_COMMIT_REF_SET(&x->closed_at))
		commit_ref(&x->closed_at, c->r, key->intro_commit);
	for (size_t i = 0; i < key->ndue; i++)
		n += !key->due[i].is_status;
	if (!n)
		return 0;
	if (!(out = pir_arena_alloc(&c->res->arena, n * sizeof(*out))))
		return PIR_ENOMEM;
	n = 0;
	for (size_t i = 0; i < key->ndue; i++) {
		if (key->due[i].is_status)
			continue;
		out[n].old_due = date_or_none(key->due[i].old_due);
		out[n].new_due = date_or_none(key->due[i].new_due);
		commit_ref(&out[n++].commit, c->r, key->due[i].commit);
	}
	qsort(out, n, sizeof(*out), cmp_due_change);
	x->due = out;
	x->ndue = n;
	return 0;
}

/*
 * An entry's location; a postmortem document's row without an incident
 * (its document names none) takes `incident`, the one the path gives.
 */
static int add_entry_loc(collector *c, const char *path, const pir_entry *e, bool live,
			 const char *incident)
{
	pir_result_loc *x = new_loc(c, path, live);
	const pir_key *key;

	if (!x || copy_entry(c, &x->entry, e) < 0)
		return PIR_ENOMEM;
	if (!x->entry->incident)
		x->entry->incident = (char *)incident;
	x->loc.kind = PIR_LOCATION_YAML;
	x->loc.line = e->line;
	x->loc.column = e->column;
	x->loc.text = x->entry->title ? x->entry->title : x->entry->id;
	x->loc.changed = live && location_changed(c->r, path, NULL, e);
	if (e->id && (key = date_by_key(x, c->r, PIR_KEY_ENTRY, e->id)))
		return entry_history(c, x, key);
	return 0;
}

/* The incident ID the path of a document naming none gives, in the result's arena, or NULL. */
static int path_incident(collector *c, const char *path, const char **out)
{
	char *id = NULL;
	int err = pir_postmortem_path_id(&id, path);

	*out = NULL;
	if (!err && id && !(*out = pir_arena_strdup(&c->res->arena, id)))
		err = PIR_ENOMEM;
	free(id);
	return err;
}

/*
 * A document of the scanned tree: its incident, with the ID and the date its
 * path gives when it names none; `*id` that ID for its rows (NULL: none).
 */
static int add_incident(collector *c, const char *path, const pir_incident_info *in,
			const char **id)
{
	pir_result *res = c->res;
	pir_result_incident *x;
	pir_incident_info *o;
	int err;

	*id = NULL;
	/* a Markdown file at such a path with no title and no header field is no postmortem */
	if (!in->id && !in->title && !in->date_raw && !in->duration && !in->severity && !in->status)
		return 0;
	if ((err = path_incident(c, path, id)) < 0 || (!in->id && !*id))
		return err;
	if (pir_grow((void **)&res->incidents, &c->incidents_cap, res->nincidents + 1, sizeof(*x)) <
	    0)
		return PIR_ENOMEM;
	x = &res->incidents[res->nincidents];
	memset(x, 0, sizeof(*x));
	o = &x->info;
	if (in->id && dup(c, &o->id, in->id) < 0)
		return PIR_ENOMEM;
	if (!in->id)
		o->id = (char *)*id;
	o->date = in->date != PIR_DATE_NONE ? in->date : pir_postmortem_path_date(path);
	if (dup(c, (char **)&x->path, path) < 0 || dup(c, &o->title, in->title) < 0 ||
	    dup(c, &o->date_raw, in->date_raw) < 0 || dup(c, &o->duration, in->duration) < 0 ||
	    dup(c, &o->severity, in->severity) < 0 || dup(c, &o->status, in->status) < 0)
		return PIR_ENOMEM;
	res->nincidents++;
	*id = in->id ? NULL : o->id;
	return 0;
}

static int cmp_incident(const void *a, const void *b)
{
	return strcmp(((const pir_result_incident *)a)->path,
		      ((const pir_result_incident *)b)->path);
}

static int collect_live(collector *c)
{
	pir_repo *r = c->r;
	int err = 0;

	for (size_t i = 0; i < r->nhead && !err; i++) {
		const pir_head_entry *h = &r->head[i];
		const pir_blob *b = &r->blobs[h->blob];
		const char *incident = NULL;

		if (h->yaml == PIR_ITEMS_DOC && b->incident &&
		    (err = add_incident(c, h->path, b->incident, &incident)) < 0)
			break;
		if (h->yaml && b->entries)
			for (size_t k = 0; k < b->entries->n && !err; k++)
				err = add_entry_loc(c, h->path, &b->entries->v[k], true, incident);
		for (size_t k = 0; k < pir_blob_markers(b)->n && !err; k++)
			err =
			    add_marker_loc(c, h->path, &pir_blob_markers(b)->v[k], true,
					   pir_marker_intro(r, h->path, h->blob, k), PIR_MAP_NONE);
	}
	if (!err && c->res->nincidents > 1)
		qsort(c->res->incidents, c->res->nincidents, sizeof(*c->res->incidents),
		      cmp_incident);
	return err;
}

/* Entry IDs and marker locations that left the scanned tree: a location each, where last seen. */
static int collect_resolved(collector *c)
{
	pir_repo *r = c->r;
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
			const char *incident = NULL;
			if (!e->id || strcmp(e->id, s) != 0)
				continue;
			if (!e->incident && (b->flags & PIR_BLOB_WANT_DOC))
				err = path_incident(c, key->rm_path, &incident);
			if (!err)
				err = add_entry_loc(c, key->rm_path, e, false, incident);
			break;
		}
	}
	for (size_t i = 0; i < ngone && !err; i++) {
		const pir_blob *b = &r->blobs[gone[i].blob];
		if (gone[i].marker < pir_blob_markers(b)->n)
			err =
			    add_marker_loc(c, gone[i].path, &pir_blob_markers(b)->v[gone[i].marker],
					   false, gone[i].intro_commit, gone[i].rm_commit);
	}
	return err;
}

static int add_diag(collector *c, const pir_diagnostic *d, size_t *cap)
{
	pir_result *res = c->res;
	pir_result_diag *x;
	pir_arena *a = &res->arena;

	if (pir_grow((void **)&res->diags, cap, res->ndiags + 1, sizeof(*x)) < 0)
		return PIR_ENOMEM;
	x = &res->diags[res->ndiags];
	x->d = *d;
	x->d.repo = res->info.name;
	if ((d->path && !(x->d.path = pir_arena_strdup(a, d->path))) ||
	    !(x->d.message = pir_arena_strdup(a, d->message)))
		return PIR_ENOMEM;
	x->changed = diag_changed(c->r, d->path, d->code, d->message);
	res->ndiags++;
	return 0;
}

/*
 * What the marker scan says of the scanned tree: lines it could not search
 * (marker-limit, now), lines that name an ID but hold no marker (mentions:
 * near misses once linking knows every ID), and how many versions only in
 * history were not searched in full.
 */
static int collect_marker_scan(collector *c, size_t *dcap)
{
	pir_repo *r = c->r;
	pir_result *res = c->res;
	int err = 0;

	for (size_t i = 0; i < r->nhead && !err; i++) {
		const pir_head_entry *h = &r->head[i];
		const pir_marker_list *ml = pir_blob_markers(&r->blobs[h->blob]);

		for (size_t k = 0; k < ml->diags.n && !err; k++) {
			const pir_fdiag *f = &ml->diags.v[k];
			pir_diagnostic d = {f->level, f->code,	 NULL,	    h->path,
					    f->line,  f->column, f->message};
			err = add_diag(c, &d, dcap);
		}
		for (size_t k = 0; !h->yaml && k < ml->nmentions && !err; k++) {
			const pir_id_mention *m = &ml->mentions[k];
			pir_result_mention *x;
			if (pir_grow((void **)&res->mentions, &c->mentions_cap, res->nmentions + 1,
				     sizeof(*x)) < 0)
				return PIR_ENOMEM;
			x = &res->mentions[res->nmentions];
			x->line = m->line;
			x->column = m->column;
			x->changed = diag_changed(r, h->path, "near-miss", "");
			if (!(x->path = pir_arena_strdup(&res->arena, h->path)) ||
			    !(x->id = pir_arena_strdup(&res->arena, m->id)))
				return PIR_ENOMEM;
			res->nmentions++;
		}
	}
	for (size_t i = 0; i < r->nblobs; i++)
		res->history_marker_limits += pir_blob_markers(&r->blobs[i])->diags.n &&
					      !(r->blobs[i].flags & PIR_BLOB_AT_HEAD);
	return err;
}

/* IDs of the entries in the versions the change under review replaced or deleted. */
static int collect_gone_ids(collector *c)
{
	pir_repo *r = c->r;
	pir_result *res = c->res;
	size_t n = 0;

	for (size_t g = 0; r->has_since && g < r->nsince_gone; g++) {
		const pir_blob *b = &r->blobs[r->since_gone[g]];
		for (size_t i = 0; b->entries && i < b->entries->n; i++)
			n += b->entries->v[i].id != NULL;
	}
	if (!n)
		return 0;
	if (!(res->gone_ids = pir_arena_alloc(&res->arena, n * sizeof(char *))))
		return PIR_ENOMEM;
	for (size_t g = 0; g < r->nsince_gone; g++) {
		const pir_blob *b = &r->blobs[r->since_gone[g]];
		for (size_t i = 0; b->entries && i < b->entries->n; i++)
			if (b->entries->v[i].id &&
			    dup(c, &res->gone_ids[res->ngone_ids++], b->entries->v[i].id) < 0)
				return PIR_ENOMEM;
	}
	return 0;
}

/* CODEOWNERS of the scanned tree; none when it has none or it cannot be read (reported). */
static int collect_codeowners(collector *c)
{
	pir_repo *r = c->r;

	for (size_t k = 0; k < PIR_ARRAY_SIZE(codeowners_paths); k++) {
		uint32_t bi = head_blob(r, codeowners_paths[k]);
		git_odb_object *obj = NULL;
		git_odb *odb = NULL;
		int err = 0;

		if (bi == PIR_MAP_NONE)
			continue;
		if (git_repository_odb(&odb, r->repo) == 0 &&
		    git_odb_read(&obj, odb, &r->blobs[bi].oid) == 0 &&
		    !(c->res->codeowners = pir_arena_strndup(
			  &c->res->arena, git_odb_object_data(obj), git_odb_object_size(obj))))
			err = PIR_ENOMEM;
		git_odb_object_free(obj);
		git_odb_free(odb);
		return err;
	}
	return 0;
}

static int collect_info(collector *c)
{
	pir_repo *r = c->r;
	pir_result *res = c->res;
	pir_repository *ri = &res->info;

	if (!(ri->name = pir_arena_strdup(&res->arena, r->name)) ||
	    dup(c, (char **)&ri->path, r->path) < 0 || dup(c, (char **)&ri->ref, r->refname) < 0 ||
	    dup(c, &res->gitdir, r->gitdir) < 0)
		return PIR_ENOMEM;
	if (!r->empty && r->refname)
		git_oid_tostr(ri->commit, sizeof(ri->commit), &r->head_commit);
	ri->shallow = r->shallow;
	ri->commits = r->ncommits;
	ri->blobs = 0; /* the versions listed, not those the walk only saw */
	for (size_t b = 0; b < r->nblobs; b++)
		ri->blobs += (r->blobs[b].flags & PIR_BLOB_LISTED) != 0;
	return 0;
}

int pir_result_failed(pir_result **out, pir_repo *r, const char *code, const char *why)
{
	collector c = {0};
	size_t dcap = 0;
	pir_repository *ri;
	int err;

	*out = NULL;
	if ((err = pir_result_new(&c.res)) < 0)
		return err;
	c.r = r;
	ri = &c.res->info;
	c.res->failed = true;
	if (!(ri->name = pir_arena_strdup(&c.res->arena, r->name)) ||
	    dup(&c, (char **)&ri->path, r->path) < 0 || dup(&c, &c.res->gitdir, r->gitdir) < 0) {
		err = PIR_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < r->diag.n && !err; i++)
		err = add_diag(&c, &r->diag.v[i], &dcap);
	if (!err) {
		pir_diagnostic d = {PIR_DIAG_ERROR, code, NULL, NULL, 0, 0, NULL};
		/* a failed fetch's message names the URL and the cause already */
		if (!(d.message =
			  !strcmp(code, "fetch-failed")
			      ? pir_strdup(why ? why : "fetch failed")
			      : pir_sprintf("cannot be scanned: %s", why ? why : "unknown error")))
			err = PIR_ENOMEM;
		else
			err = add_diag(&c, &d, &dcap);
		free((char *)d.message);
	}
	if (err)
		goto fail;
	*out = c.res;
	return 0;
fail:
	pir_result_free(c.res);
	return err;
}

int pir_result_collect(pir_result **out, pir_repo *r, bool history)
{
	collector c = {0};
	size_t dcap = 0;
	int err;

	*out = NULL;
	if ((err = pir_result_new(&c.res)) < 0)
		return err;
	c.r = r;
	if ((err = collect_info(&c)) < 0 || (err = collect_live(&c)) < 0 ||
	    (history && r->keys && (err = collect_resolved(&c)) < 0) ||
	    (err = collect_marker_scan(&c, &dcap)) < 0 || (err = collect_gone_ids(&c)) < 0 ||
	    (err = collect_codeowners(&c)) < 0)
		goto fail;
	for (size_t i = 0; i < r->diag.n && !err; i++)
		err = add_diag(&c, &r->diag.v[i], &dcap);
	if (err)
		goto fail;
	*out = c.res;
	return 0;
fail:
	pir_result_free(c.res);
	return err;
}
