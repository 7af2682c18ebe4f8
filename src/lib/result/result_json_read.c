/* SPDX-License-Identifier: MIT */
/*
 * A result from JSON (result_json.h): each object's keys checked first (none
 * missing, none unknown), then each value for its type and range, copied
 * into the result's arena. Counts come from the arrays, never from the text.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json.h"
#include "result_json.h"
#include "pirscan/date.h"

typedef struct {
	pir_result *r;
	pir_arena *a;
} reader;

static int bad(const pir_json *v, const char *fmt, ...) PIR_PRINTF(2, 3);

/* The error "line L, column C: ..." at `v`. */
static int bad(const pir_json *v, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pir_error_set(PIR_EINVALID, "line %u, column %u: %s", v->line, v->column, what);
}

static int wrong(const pir_json *v, const char *k, const char *want)
{
	return bad(v, "\"%s\" must be %s, not %s", k, want, pir_json_type_name(v->type));
}

/* `v` is an object `what` with exactly the keys `keys` (NULL-terminated). */
static int shape(const pir_json *v, const char *what, const char *const *keys)
{
	if (v->type != PIR_JSON_OBJECT)
		return wrong(v, what, "an object");
	for (size_t i = 0; i < v->n; i++) {
		const char *const *k = keys;
		while (*k && strcmp(*k, v->v[i].key))
			k++;
		if (!*k) {
			char shown[PIR_JSON_SHOW_MAX];
			pir_json_show(shown, v->v[i].key);
			return bad(&v->v[i], "unknown key %s in %s", shown, what);
		}
	}
	for (const char *const *k = keys; *k; k++)
		if (!pir_json_get(v, *k))
			return bad(v, "\"%s\" missing in %s", *k, what);
	return 0;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* {"hex": "..."}: a string that is not UTF-8, byte for byte. */
static int hex_string(reader *rd, const pir_json *v, const char *k, const char **out)
{
	static const char *const keys[] = {"hex", NULL};
	const pir_json *h;
	char *s;
	int err;

	if ((err = shape(v, k, keys)) < 0)
		return err;
	h = pir_json_get(v, "hex");
	if (h->type != PIR_JSON_STRING || h->len % 2 || !h->len)
		return bad(h, "\"%s\" must be %s", k, "pairs of hexadecimal digits");
	if (!(s = pir_arena_alloc(rd->a, h->len / 2 + 1)))
		return pir_error_oom();
	for (size_t i = 0; i < h->len; i += 2) {
		int hi = hex_digit(h->s[i]), lo = hex_digit(h->s[i + 1]);
		if (hi < 0 || lo < 0 || (!hi && !lo))
			return bad(h, "\"%s\" must be %s", k,
				   "pairs of lower-case hex digits, no 00");
		s[i / 2] = (char)(hi << 4 | lo);
	}
	s[h->len / 2] = '\0';
	if (pir_utf8_valid(s, h->len / 2))
		return bad(h, "\"%s\" is %s", k, "valid UTF-8: it is written as a string");
	*out = s;
	return 0;
}

/* The string `k` of `obj` (null when `nullable`), in the result's arena. */
static int str_value(reader *rd, const pir_json *v, const char *k, const char **out, bool nullable)
{
	*out = NULL;
	if (v->type == PIR_JSON_NULL && nullable)
		return 0;
	if (v->type == PIR_JSON_OBJECT)
		return hex_string(rd, v, k, out);
	if (v->type != PIR_JSON_STRING)
		return wrong(v, k, nullable ? "a string or null" : "a string");
	return (*out = pir_arena_strndup(rd->a, v->s, v->len)) ? 0 : pir_error_oom();
}

static int get_str(reader *rd, const pir_json *obj, const char *k, const char **out, bool nullable)
{
	return str_value(rd, pir_json_get(obj, k), k, out, nullable);
}

static int get_int(const pir_json *obj, const char *k, int64_t min, int64_t max, int64_t *out)
{
	const pir_json *v = pir_json_get(obj, k);
	char want[80];

	if (pir_json_int(v, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "an integer from %lld to %lld", (long long)min,
		 (long long)max);
	return v->type == PIR_JSON_NUMBER ? bad(v, "\"%s\" must be %s", k, want)
					  : wrong(v, k, want);
}

static int get_uint(const pir_json *obj, const char *k, unsigned *out)
{
	int64_t x;
	int err = get_int(obj, k, 0, UINT32_MAX, &x);

	*out = (unsigned)x;
	return err;
}

static int get_size(const pir_json *obj, const char *k, size_t *out)
{
	int64_t x;
	int err = get_int(obj, k, 0, INT64_MAX, &x);

	*out = (size_t)x;
	return err;
}

static int get_bool(const pir_json *obj, const char *k, bool *out)
{
	const pir_json *v = pir_json_get(obj, k);

	if (v->type != PIR_JSON_TRUE && v->type != PIR_JSON_FALSE)
		return wrong(v, k, "true or false");
	*out = v->type == PIR_JSON_TRUE;
	return 0;
}

static int get_date(const pir_json *obj, const char *k, pir_date *out)
{
	const pir_json *v = pir_json_get(obj, k);

	*out = PIR_DATE_NONE;
	if (v->type == PIR_JSON_NULL)
		return 0;
	if (v->type != PIR_JSON_STRING)
		return wrong(v, k, "a date (YYYY-MM-DD) or null");
	if (pir_date_parse(out, v->s, v->len) < 0)
		return bad(v, "\"%s\" must be %s", k, "a date (YYYY-MM-DD) or null");
	return 0;
}

/* A full commit id in lower-case hex, or null (an empty id). */
static int get_commit(const pir_json *obj, const char *k, char out[41])
{
	const pir_json *v = pir_json_get(obj, k);
	bool ok = v->type == PIR_JSON_STRING && v->len == 40;

	out[0] = '\0';
	if (v->type == PIR_JSON_NULL)
		return 0;
	for (size_t i = 0; ok && i < 40; i++)
		ok = hex_digit(v->s[i]) >= 0;
	if (!ok)
		return v->type == PIR_JSON_STRING
			   ? bad(v, "\"%s\" must be %s", k, "40 lower-case hex digits or null")
			   : wrong(v, k, "a commit id or null");
	memcpy(out, v->s, 41);
	return 0;
}

static int get_commit_ref(const pir_json *obj, const char *k, pir_commit_ref *out)
{
	static const char *const keys[] = {"commit", "date", "time", NULL};
	const pir_json *v = pir_json_get(obj, k);
	int err;

	memset(out, 0, sizeof(*out));
	out->date = PIR_DATE_NONE;
	if (v->type == PIR_JSON_NULL)
		return 0;
	if ((err = shape(v, k, keys)) < 0 || (err = get_commit(v, "commit", out->commit)) < 0 ||
	    (err = get_date(v, "date", &out->date)) < 0)
		return err;
	return get_int(v, "time", INT64_MIN, INT64_MAX, &out->time);
}

/*
 * The array `k` of `obj`, and room for its values (zeroed): in the arena, or
 * with `heap` from the allocator (locations, mentions and diagnostics, which
 * pir_result_free releases one by one, as collect.c grows them).
 */
static int get_array(reader *rd, const pir_json *obj, const char *k, const pir_json **arr,
		     void **out, size_t size, bool heap)
{
	const pir_json *v = pir_json_get(obj, k);

	*out = NULL;
	*arr = v;
	if (v->type != PIR_JSON_ARRAY)
		return wrong(v, k, "an array");
	if (!v->n)
		return 0;
	if (heap)
		return (*out = pir_calloc(v->n, size)) ? 0 : PIR_ENOMEM;
	if (v->n > SIZE_MAX / size || !(*out = pir_arena_alloc(rd->a, v->n * size)))
		return pir_error_oom();
	memset(*out, 0, v->n * size);
	return 0;
}

static int read_repository(reader *rd, const pir_json *obj)
{
	static const char *const keys[] = {"name",    "path",	 "ref",	  "commit",
					   "shallow", "commits", "blobs", NULL};
	const pir_json *v = pir_json_get(obj, "repository");
	pir_repository *ri = &rd->r->info;
	int err;

	if ((err = shape(v, "repository", keys)) < 0 ||
	    (err = get_str(rd, v, "name", &ri->name, false)) < 0 ||
	    (err = get_str(rd, v, "path", &ri->path, true)) < 0 ||
	    (err = get_str(rd, v, "ref", &ri->ref, true)) < 0 ||
	    (err = get_commit(v, "commit", ri->commit)) < 0 ||
	    (err = get_bool(v, "shallow", &ri->shallow)) < 0 ||
	    (err = get_size(v, "commits", &ri->commits)) < 0)
		return err;
	if ((err = get_size(v, "blobs", &ri->blobs)) < 0)
		return err;
	if (!*ri->name)
		return bad(pir_json_get(v, "name"), "\"%s\" must be %s", "name",
			   "a non-empty string");
	return 0;
}

static int read_marker(reader *rd, const pir_json *v, pir_marker **out)
{
	static const char *const keys[] = {"line",     "column", "text", "id",
					   "incident", "ref",	 "note", NULL};
	pir_marker *m;
	int err;

	*out = NULL;
	if (v->type == PIR_JSON_NULL)
		return 0;
	if ((err = shape(v, "marker", keys)) < 0)
		return err;
	if (!(m = pir_arena_alloc(rd->a, sizeof(*m))))
		return pir_error_oom();
	memset(m, 0, sizeof(*m));
	if ((err = get_uint(v, "line", &m->line)) < 0 ||
	    (err = get_uint(v, "column", &m->column)) < 0 ||
	    (err = get_str(rd, v, "text", (const char **)&m->text, false)) < 0 ||
	    (err = get_str(rd, v, "id", (const char **)&m->id, true)) < 0 ||
	    (err = get_str(rd, v, "incident", (const char **)&m->incident, true)) < 0 ||
	    (err = get_str(rd, v, "ref", (const char **)&m->ref, true)) < 0 ||
	    (err = get_str(rd, v, "note", (const char **)&m->note, true)) < 0)
		return err;
	*out = m;
	return 0;
}

/* An unknown field: its key and its value's JSON text, which must be JSON (it is written as is).
 */
static int read_field(reader *rd, const pir_json *v, pir_field *f)
{
	static const char *const keys[] = {"key", "json", NULL};
	const pir_json *parsed;
	pir_arena tmp = {NULL};
	int err;

	if ((err = shape(v, "field", keys)) < 0 ||
	    (err = get_str(rd, v, "key", &f->key, false)) < 0 ||
	    (err = get_str(rd, v, "json", &f->json, false)) < 0)
		return err;
	err = pir_json_parse(&parsed, &tmp, f->json, strlen(f->json));
	pir_arena_dispose(&tmp);
	if (err == PIR_EINVALID)
		return bad(pir_json_get(v, "json"), "\"%s\" must be %s", "json", "JSON text");
	return err;
}

static int read_fields(reader *rd, const pir_json *obj, pir_entry *en)
{
	const pir_json *arr;
	int err;

	if ((err = get_array(rd, obj, "fields", &arr, (void **)&en->fields, sizeof(*en->fields),
			     false)) < 0)
		return err;
	en->nfields = arr->n;
	for (size_t i = 0; i < arr->n && !err; i++)
		err = read_field(rd, &arr->v[i], &en->fields[i]);
	return err;
}

static int entry_strings(reader *rd, const pir_json *v, pir_entry *en)
{
	int err;

	if ((err = get_str(rd, v, "id", (const char **)&en->id, true)) < 0 ||
	    (err = get_str(rd, v, "title", (const char **)&en->title, true)) < 0 ||
	    (err = get_str(rd, v, "owner", (const char **)&en->owner, true)) < 0 ||
	    (err = get_str(rd, v, "due_raw", (const char **)&en->due_raw, true)) < 0 ||
	    (err = get_str(rd, v, "severity", (const char **)&en->severity, true)) < 0 ||
	    (err = get_str(rd, v, "status", (const char **)&en->status, true)) < 0 ||
	    (err = get_str(rd, v, "incident", (const char **)&en->incident, true)) < 0 ||
	    (err = get_str(rd, v, "team", (const char **)&en->team, true)) < 0)
		return err;
	return get_str(rd, v, "snooze_reason", (const char **)&en->snooze_reason, true);
}

static int read_entry(reader *rd, const pir_json *v, pir_entry **out)
{
	static const char *const keys[] = {
	    "line",    "column",   "id",       "title",		"owner",
	    "due_raw", "due",	   "severity", "severity_rank", "status",
	    "closed",  "incident", "team",     "snooze_until",	"snooze_reason",
	    "invalid", "fields",   NULL};
	pir_entry *en;
	int64_t rank;
	int err;

	*out = NULL;
	if (v->type == PIR_JSON_NULL)
		return 0;
	if ((err = shape(v, "entry", keys)) < 0)
		return err;
	if (!(en = pir_arena_alloc(rd->a, sizeof(*en))))
		return pir_error_oom();
	memset(en, 0, sizeof(*en));
	if ((err = get_uint(v, "line", &en->line)) < 0 ||
	    (err = get_uint(v, "column", &en->column)) < 0 ||
	    (err = entry_strings(rd, v, en)) < 0 || (err = get_date(v, "due", &en->due)) < 0 ||
	    (err = get_int(v, "severity_rank", PIR_SEVERITY_NONE, PIR_SEVERITY_MAX - 1, &rank)) <
		0 ||
	    (err = get_bool(v, "closed", &en->closed)) < 0 ||
	    (err = get_date(v, "snooze_until", &en->snooze_until)) < 0 ||
	    (err = get_bool(v, "invalid", &en->invalid)) < 0 || (err = read_fields(rd, v, en)) < 0)
		return err;
	en->severity_rank = (int)rank;
	*out = en;
	return 0;
}

static int read_due_changes(reader *rd, const pir_json *obj, pir_result_loc *rl)
{
	static const char *const keys[] = {"old", "new", "commit", NULL};
	const pir_json *arr;
	int err;

	if ((err = get_array(rd, obj, "due_changes", &arr, (void **)&rl->due, sizeof(*rl->due),
			     false)) < 0)
		return err;
	rl->ndue = arr->n;
	for (size_t i = 0; i < arr->n && !err; i++) {
		const pir_json *d = &arr->v[i];
		if ((err = shape(d, "due change", keys)) < 0 ||
		    (err = get_date(d, "old", &rl->due[i].old_due)) < 0 ||
		    (err = get_date(d, "new", &rl->due[i].new_due)) < 0)
			return err;
		err = get_commit_ref(d, "commit", &rl->due[i].commit);
	}
	return err;
}

static int get_kind(const pir_json *obj, pir_location_kind *out)
{
	const pir_json *v = pir_json_get(obj, "kind");

	if (v->type == PIR_JSON_STRING && !strcmp(v->s, "yaml"))
		*out = PIR_LOCATION_YAML;
	else if (v->type == PIR_JSON_STRING && !strcmp(v->s, "marker"))
		*out = PIR_LOCATION_MARKER;
	else
		return bad(v, "\"%s\" must be %s", "kind", "\"yaml\" or \"marker\"");
	return 0;
}

static int read_location(reader *rd, const pir_json *v, pir_result_loc *rl)
{
	static const char *const keys[] = {
	    "path",    "line", "column",    "kind",	   "text",   "introduced", "resolved",
	    "changed", "live", "closed_at", "due_changes", "marker", "entry",	   NULL};
	pir_location *l = &rl->loc;
	int err;

	if ((err = shape(v, "location", keys)) < 0 ||
	    (err = get_str(rd, v, "path", &l->path, false)) < 0 ||
	    (err = get_uint(v, "line", &l->line)) < 0 ||
	    (err = get_uint(v, "column", &l->column)) < 0 || (err = get_kind(v, &l->kind)) < 0 ||
	    (err = get_str(rd, v, "text", &l->text, true)) < 0 ||
	    (err = get_commit_ref(v, "introduced", &l->introduced)) < 0 ||
	    (err = get_commit_ref(v, "resolved", &l->resolved)) < 0 ||
	    (err = get_bool(v, "changed", &l->changed)) < 0 ||
	    (err = get_bool(v, "live", &rl->live)) < 0 ||
	    (err = get_commit_ref(v, "closed_at", &rl->closed_at)) < 0 ||
	    (err = read_due_changes(rd, v, rl)) < 0 ||
	    (err = read_marker(rd, pir_json_get(v, "marker"), &rl->marker)) < 0 ||
	    (err = read_entry(rd, pir_json_get(v, "entry"), &rl->entry)) < 0)
		return err;
	l->repo = rd->r->info.name;
	if ((rl->marker && (rl->entry || l->kind != PIR_LOCATION_MARKER)) ||
	    (rl->entry && l->kind != PIR_LOCATION_YAML))
		return bad(v, "a location's kind must match its marker or entry");
	return 0;
}

static int read_mention(reader *rd, const pir_json *v, pir_result_mention *m)
{
	static const char *const keys[] = {"path", "line", "column", "id", "changed", NULL};
	int err;

	if ((err = shape(v, "mention", keys)) < 0 ||
	    (err = get_str(rd, v, "path", &m->path, false)) < 0 ||
	    (err = get_uint(v, "line", &m->line)) < 0 ||
	    (err = get_uint(v, "column", &m->column)) < 0 ||
	    (err = get_str(rd, v, "id", &m->id, false)) < 0)
		return err;
	return get_bool(v, "changed", &m->changed);
}

static int get_level(const pir_json *obj, pir_diag_level *out)
{
	static const char *const names[] = {"info", "warning", "error"};
	const pir_json *v = pir_json_get(obj, "level");

	for (int i = 0; i < 3; i++)
		if (v->type == PIR_JSON_STRING && !strcmp(v->s, names[i])) {
			*out = (pir_diag_level)i;
			return 0;
		}
	return bad(v, "\"%s\" must be %s", "level", "\"info\", \"warning\" or \"error\"");
}

static int read_diag(reader *rd, const pir_json *v, pir_result_diag *rdg)
{
	static const char *const keys[] = {"level",  "code",	"repo",	   "path", "line",
					   "column", "message", "changed", NULL};
	pir_diagnostic *d = &rdg->d;
	int err;

	if ((err = shape(v, "diagnostic", keys)) < 0 || (err = get_level(v, &d->level)) < 0 ||
	    (err = get_str(rd, v, "code", &d->code, false)) < 0 ||
	    (err = get_str(rd, v, "repo", &d->repo, true)) < 0 ||
	    (err = get_str(rd, v, "path", &d->path, true)) < 0 ||
	    (err = get_uint(v, "line", &d->line)) < 0 ||
	    (err = get_uint(v, "column", &d->column)) < 0 ||
	    (err = get_str(rd, v, "message", &d->message, false)) < 0)
		return err;
	if (d->repo && !strcmp(d->repo, rd->r->info.name))
		d->repo = rd->r->info.name; /* as collected */
	return get_bool(v, "changed", &rdg->changed);
}

static int read_incident(reader *rd, const pir_json *v, pir_result_incident *x)
{
	static const char *const keys[] = {"path",     "id",	   "title",  "date_raw", "date",
					   "duration", "severity", "status", NULL};
	pir_incident_info *in = &x->info;
	int err;

	if ((err = shape(v, "incident", keys)) < 0 ||
	    (err = get_str(rd, v, "path", &x->path, false)) < 0 ||
	    (err = get_str(rd, v, "id", (const char **)&in->id, false)) < 0 ||
	    (err = get_str(rd, v, "title", (const char **)&in->title, true)) < 0 ||
	    (err = get_str(rd, v, "date_raw", (const char **)&in->date_raw, true)) < 0 ||
	    (err = get_date(v, "date", &in->date)) < 0 ||
	    (err = get_str(rd, v, "duration", (const char **)&in->duration, true)) < 0 ||
	    (err = get_str(rd, v, "severity", (const char **)&in->severity, true)) < 0)
		return err;
	return get_str(rd, v, "status", (const char **)&in->status, true);
}

static int read_incidents(reader *rd, const pir_json *v)
{
	pir_result *r = rd->r;
	const pir_json *a;
	int err;

	if ((err = get_array(rd, v, "incidents", &a, (void **)&r->incidents, sizeof(*r->incidents),
			     true)) < 0)
		return err;
	for (size_t i = 0; i < a->n && !err; i++, r->nincidents++)
		err = read_incident(rd, &a->v[i], &r->incidents[i]);
	return err;
}

static int read_lists(reader *rd, const pir_json *v)
{
	pir_result *r = rd->r;
	const pir_json *a;
	int err;

	if ((err = get_array(rd, v, "locations", &a, (void **)&r->locs, sizeof(*r->locs), true)) <
	    0)
		return err;
	for (size_t i = 0; i < a->n && !err; i++, r->nlocs++)
		err = read_location(rd, &a->v[i], &r->locs[i]);
	if (err || (err = get_array(rd, v, "mentions", &a, (void **)&r->mentions,
				    sizeof(*r->mentions), true)) < 0)
		return err;
	for (size_t i = 0; i < a->n && !err; i++, r->nmentions++)
		err = read_mention(rd, &a->v[i], &r->mentions[i]);
	if (err || (err = get_array(rd, v, "gone_ids", &a, (void **)&r->gone_ids,
				    sizeof(*r->gone_ids), false)) < 0)
		return err;
	for (size_t i = 0; i < a->n && !err; i++, r->ngone_ids++)
		err = str_value(rd, &a->v[i], "gone_ids", (const char **)&r->gone_ids[i], false);
	if (err)
		return err;
	if ((err = get_array(rd, v, "diagnostics", &a, (void **)&r->diags, sizeof(*r->diags),
			     true)) < 0)
		return err;
	for (size_t i = 0; i < a->n && !err; i++, r->ndiags++)
		err = read_diag(rd, &a->v[i], &r->diags[i]);
	return err ? err : read_incidents(rd, v);
}

int pir_result_json_read(pir_result **out, const pir_json *v)
{
	static const char *const keys[] = {"format",	 "repository",	"gitdir",
					   "position",	 "failed",	"history_marker_limits",
					   "codeowners", "locations",	"mentions",
					   "gone_ids",	 "diagnostics", "incidents",
					   NULL};
	reader rd;
	int64_t format;
	int err;

	*out = NULL;
	if (v->type != PIR_JSON_OBJECT)
		return wrong(v, "a result", "an object");
	if (!pir_json_get(v, "format") ||
	    !pir_json_int(pir_json_get(v, "format"), 0, INT64_MAX, &format))
		return bad(v, "a result without its \"format\" (an integer)");
	if (format != PIR_RESULT_JSON_FORMAT)
		return pir_error_set(PIR_EINVALID,
				     "line %u, column %u: results of format %lld; this pirscan "
				     "reads format %d",
				     v->line, v->column, (long long)format, PIR_RESULT_JSON_FORMAT);
	if ((err = shape(v, "a result", keys)) < 0 || (err = pir_result_new(&rd.r)) < 0)
		return err;
	rd.a = &rd.r->arena;
	if ((err = read_repository(&rd, v)) < 0 ||
	    (err = get_str(&rd, v, "gitdir", (const char **)&rd.r->gitdir, true)) < 0 ||
	    (err = get_size(v, "position", &rd.r->position)) < 0 ||
	    (err = get_bool(v, "failed", &rd.r->failed)) < 0 ||
	    (err = get_size(v, "history_marker_limits", &rd.r->history_marker_limits)) < 0 ||
	    (err = get_str(&rd, v, "codeowners", (const char **)&rd.r->codeowners, true)) < 0 ||
	    (err = read_lists(&rd, v)) < 0) {
		pir_result_free(rd.r);
		return err;
	}
	*out = rd.r;
	return 0;
}

int pir_result_json_parse(pir_result **out, const char *buf, size_t len)
{
	pir_arena tmp = {NULL};
	const pir_json *root;
	int err;

	*out = NULL;
	if ((err = pir_json_parse(&root, &tmp, buf, len)) == 0)
		err = pir_result_json_read(out, root);
	pir_arena_dispose(&tmp);
	return err;
}

static void free_results(pir_result **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pir_result_free(v[i]);
	free(v);
}

int pir_results_json_parse(pir_result ***out, size_t *n, const char *buf, size_t len)
{
	pir_arena tmp = {NULL};
	const pir_json *root, *arr;
	pir_result **v = NULL;
	size_t i = 0;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = pir_json_parse(&root, &tmp, buf, len)) < 0)
		goto done;
	if (root->type != PIR_JSON_OBJECT || !pir_json_get(root, "pirscan")) {
		err = bad(root, "not the output of pirscan --format json");
		goto done;
	}
	if (!(arr = pir_json_get(root, "results")) || arr->type != PIR_JSON_ARRAY) {
		err = bad(arr ? arr : root, "no \"results\" array to read results from");
		goto done;
	}
	if (arr->n && !(v = pir_calloc(arr->n, sizeof(*v)))) {
		err = PIR_ENOMEM;
		goto done;
	}
	for (; i < arr->n && !err; i++)
		err = pir_result_json_read(&v[i], &arr->v[i]);
done:
	pir_arena_dispose(&tmp);
	if (err) {
		free_results(v, i);
		return err;
	}
	*out = v;
	*n = i;
	return 0;
}
