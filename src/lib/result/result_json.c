/* SPDX-License-Identifier: MIT */
/* A result as JSON (result_json.h): every field, in a fixed order. */
#include <string.h>

#include "buf.h"
#include "result_json.h"
#include "writer.h"
#include "pirscan/date.h"

/* Objects and arrays with one member a line (pretty) or on one line (inline, compact). */
typedef struct {
	pir_out o;
	int indent; /* -1: compact */
	unsigned depth, inl;
	bool first;
} emitter;

static void sep(emitter *e)
{
	if (!e->first)
		pir_out_put(&e->o, ",");
	if (e->indent < 0 || e->inl) {
		if (!e->first)
			pir_out_put(&e->o, " ");
	} else {
		pir_out_putf(&e->o, "\n%*s", e->indent + 2 * (int)e->depth, "");
	}
	e->first = false;
}

static void begin(emitter *e, const char *bracket, bool inl)
{
	pir_out_put(&e->o, bracket);
	e->depth++;
	e->inl += inl;
	e->first = true;
}

static void end(emitter *e, const char *bracket, bool inl)
{
	e->depth--;
	if (!e->first && e->indent >= 0 && !e->inl)
		pir_out_putf(&e->o, "\n%*s", e->indent + 2 * (int)e->depth, "");
	e->inl -= inl;
	pir_out_put(&e->o, bracket);
	e->first = false;
}

static void key(emitter *e, const char *k)
{
	sep(e);
	pir_out_json(&e->o, k);
	pir_out_put(&e->o, ": ");
}

/* A string, or null; one that is not UTF-8 as {"hex": "..."}, so that it comes back whole. */
static void str(emitter *e, const char *s)
{
	static const char digits[] = "0123456789abcdef";

	if (!s || pir_utf8_valid(s, strlen(s))) {
		pir_out_json(&e->o, s);
		return;
	}
	pir_out_put(&e->o, "{\"hex\": \"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char h[2] = {digits[*p >> 4], digits[*p & 15]};
		pir_out_putn(&e->o, h, 2);
	}
	pir_out_put(&e->o, "\"}");
}

static void num(emitter *e, long long v)
{
	pir_out_putf(&e->o, "%lld", v);
}

static void boolean(emitter *e, bool v)
{
	pir_out_put(&e->o, v ? "true" : "false");
}

static void date(emitter *e, pir_date d)
{
	char s[11];

	pir_date_format(s, d);
	pir_out_json(&e->o, d == PIR_DATE_NONE || !s[0] ? NULL : s);
}

/* null when unset (no commit, no date, time 0), else {commit, date, time}. */
static void commit_ref(emitter *e, const pir_commit_ref *c)
{
	if (!c->commit[0] && c->date == PIR_DATE_NONE && c->time == 0) {
		pir_out_put(&e->o, "null");
		return;
	}
	begin(e, "{", true);
	key(e, "commit");
	pir_out_json(&e->o, c->commit[0] ? c->commit : NULL);
	key(e, "date");
	date(e, c->date);
	key(e, "time");
	num(e, (long long)c->time);
	end(e, "}", true);
}

static void repository(emitter *e, const pir_repository *r)
{
	begin(e, "{", false);
	key(e, "name");
	str(e, r->name);
	key(e, "path");
	str(e, r->path);
	key(e, "ref");
	str(e, r->ref);
	key(e, "commit");
	pir_out_json(&e->o, r->commit[0] ? r->commit : NULL);
	key(e, "shallow");
	boolean(e, r->shallow);
	key(e, "commits");
	num(e, (long long)r->commits);
	key(e, "blobs");
	num(e, (long long)r->blobs);
	end(e, "}", false);
}

static void marker(emitter *e, const pir_marker *m)
{
	begin(e, "{", false);
	key(e, "line");
	num(e, m->line);
	key(e, "column");
	num(e, m->column);
	key(e, "text");
	str(e, m->text);
	key(e, "id");
	str(e, m->id);
	key(e, "incident");
	str(e, m->incident);
	key(e, "ref");
	str(e, m->ref);
	key(e, "note");
	str(e, m->note);
	end(e, "}", false);
}

/* Unknown fields: each key with its value's JSON text, as a string. */
static void fields(emitter *e, const pir_field *f, size_t n)
{
	begin(e, "[", false);
	for (size_t i = 0; i < n; i++) {
		sep(e);
		begin(e, "{", true);
		key(e, "key");
		str(e, f[i].key);
		key(e, "json");
		str(e, f[i].json);
		end(e, "}", true);
	}
	end(e, "]", false);
}

static void entry(emitter *e, const pir_entry *en)
{
	begin(e, "{", false);
	key(e, "line");
	num(e, en->line);
	key(e, "column");
	num(e, en->column);
	key(e, "id");
	str(e, en->id);
	key(e, "title");
	str(e, en->title);
	key(e, "owner");
	str(e, en->owner);
	key(e, "due_raw");
	str(e, en->due_raw);
	key(e, "due");
	date(e, en->due);
	key(e, "severity");
	str(e, en->severity);
	key(e, "severity_rank");
	num(e, en->severity_rank);
	key(e, "status");
	str(e, en->status);
	key(e, "closed");
	boolean(e, en->closed);
	key(e, "incident");
	str(e, en->incident);
	key(e, "team");
	str(e, en->team);
	key(e, "snooze_until");
	date(e, en->snooze_until);
	key(e, "snooze_reason");
	str(e, en->snooze_reason);
	key(e, "invalid");
	boolean(e, en->invalid);
	key(e, "fields");
	fields(e, en->fields, en->nfields);
	end(e, "}", false);
}

static void due_changes(emitter *e, const pir_due_change *d, size_t n)
{
	begin(e, "[", false);
	for (size_t i = 0; i < n; i++) {
		sep(e);
		begin(e, "{", true);
		key(e, "old");
		date(e, d[i].old_due);
		key(e, "new");
		date(e, d[i].new_due);
		key(e, "commit");
		commit_ref(e, &d[i].commit);
		end(e, "}", true);
	}
	end(e, "]", false);
}

static void location(emitter *e, const pir_result_loc *rl)
{
	const pir_location *l = &rl->loc;

	begin(e, "{", false);
	key(e, "path");
	str(e, l->path);
	key(e, "line");
	num(e, l->line);
	key(e, "column");
	num(e, l->column);
	key(e, "kind");
	pir_out_json(&e->o, l->kind == PIR_LOCATION_YAML ? "yaml" : "marker");
	key(e, "text");
	str(e, l->text);
	key(e, "introduced");
	commit_ref(e, &l->introduced);
	key(e, "resolved");
	commit_ref(e, &l->resolved);
	key(e, "changed");
	boolean(e, l->changed);
	key(e, "live");
	boolean(e, rl->live);
	key(e, "closed_at");
	commit_ref(e, &rl->closed_at);
	key(e, "due_changes");
	due_changes(e, rl->due, rl->ndue);
	key(e, "marker");
	if (rl->marker)
		marker(e, rl->marker);
	else
		pir_out_put(&e->o, "null");
	key(e, "entry");
	if (rl->entry)
		entry(e, rl->entry);
	else
		pir_out_put(&e->o, "null");
	end(e, "}", false);
}

static void mention(emitter *e, const pir_result_mention *m)
{
	begin(e, "{", true);
	key(e, "path");
	str(e, m->path);
	key(e, "line");
	num(e, m->line);
	key(e, "column");
	num(e, m->column);
	key(e, "id");
	str(e, m->id);
	key(e, "changed");
	boolean(e, m->changed);
	end(e, "}", true);
}

static const char *level_name(pir_diag_level l)
{
	return l == PIR_DIAG_ERROR ? "error" : l == PIR_DIAG_WARNING ? "warning" : "info";
}

static void diagnostic(emitter *e, const pir_result_diag *rd)
{
	const pir_diagnostic *d = &rd->d;

	begin(e, "{", true);
	key(e, "level");
	pir_out_json(&e->o, level_name(d->level));
	key(e, "code");
	str(e, d->code);
	key(e, "repo");
	str(e, d->repo);
	key(e, "path");
	str(e, d->path);
	key(e, "line");
	num(e, d->line);
	key(e, "column");
	num(e, d->column);
	key(e, "message");
	str(e, d->message);
	key(e, "changed");
	boolean(e, rd->changed);
	end(e, "}", true);
}

static void incident(emitter *e, const pir_result_incident *x)
{
	const pir_incident_info *in = &x->info;

	begin(e, "{", true);
	key(e, "path");
	str(e, x->path);
	key(e, "id");
	str(e, in->id);
	key(e, "title");
	str(e, in->title);
	key(e, "date_raw");
	str(e, in->date_raw);
	key(e, "date");
	date(e, in->date);
	key(e, "duration");
	str(e, in->duration);
	key(e, "severity");
	str(e, in->severity);
	key(e, "status");
	str(e, in->status);
	end(e, "}", true);
}

static void lists(emitter *e, const pir_result *r)
{
	key(e, "locations");
	begin(e, "[", false);
	for (size_t i = 0; i < r->nlocs; i++) {
		sep(e);
		location(e, &r->locs[i]);
	}
	end(e, "]", false);
	key(e, "mentions");
	begin(e, "[", false);
	for (size_t i = 0; i < r->nmentions; i++) {
		sep(e);
		mention(e, &r->mentions[i]);
	}
	end(e, "]", false);
	key(e, "gone_ids");
	begin(e, "[", false);
	for (size_t i = 0; i < r->ngone_ids; i++) {
		sep(e);
		str(e, r->gone_ids[i]);
	}
	end(e, "]", false);
	key(e, "diagnostics");
	begin(e, "[", false);
	for (size_t i = 0; i < r->ndiags; i++) {
		sep(e);
		diagnostic(e, &r->diags[i]);
	}
	end(e, "]", false);
	key(e, "incidents");
	begin(e, "[", false);
	for (size_t i = 0; i < r->nincidents; i++) {
		sep(e);
		incident(e, &r->incidents[i]);
	}
	end(e, "]", false);
}

int pir_result_json_write(pir_buf *out, const pir_result *r, int indent)
{
	emitter e = {{out, 0}, indent < 0 ? -1 : indent, 0, 0, true};

	begin(&e, "{", false);
	key(&e, "format");
	num(&e, PIR_RESULT_JSON_FORMAT);
	key(&e, "repository");
	repository(&e, &r->info);
	key(&e, "gitdir");
	str(&e, r->gitdir);
	key(&e, "position");
	num(&e, (long long)r->position);
	key(&e, "failed");
	boolean(&e, r->failed);
	key(&e, "history_marker_limits");
	num(&e, (long long)r->history_marker_limits);
	key(&e, "codeowners");
	str(&e, r->codeowners);
	lists(&e, r);
	end(&e, "}", false);
	return e.o.err;
}
