/* SPDX-License-Identifier: MIT */
/* The JSON output: the stable contract other tools read (docs/pirscan.schema.json). */
#include <string.h>

#include "buf.h"
#include "output.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/format.h"
#include "pirscan/scan.h"

bool pir_format_selects(const pir_item *item, const pir_format_options *o)
{
	bool resolved = PIR_COMMIT_REF_SET(&item->resolved);

	if (o->stale_only && !PIR_ITEM_STALE(item))
		return false;
	if (o->all)
		return true;
	if (resolved)
		return false;
	return !item->closed || PIR_ITEM_STALE(item);
}

typedef struct {
	pir_buf *b;
	int err;
} jw;

static void put(jw *w, const char *s)
{
	if (!w->err)
		w->err = pir_buf_puts(w->b, s);
}

static void str(jw *w, const char *s)
{
	if (!w->err)
		w->err = pir_buf_json_str(w->b, s);
}

static void key(jw *w, const char *indent, const char *k, bool first)
{
	put(w, first ? "\n" : ",\n");
	put(w, indent);
	str(w, k);
	put(w, ": ");
}

static void num(jw *w, bool set, long long v)
{
	if (!w->err)
		w->err = set ? pir_buf_printf(w->b, "%lld", v) : pir_buf_puts(w->b, "null");
}

static void date(jw *w, pir_date d)
{
	char s[11];

	pir_date_format(s, d);
	if (!s[0]) { /* none, or outside years 0-9999 */
		put(w, "null");
		return;
	}
	str(w, s);
}

static void commit_ref(jw *w, const pir_commit_ref *c)
{
	if (!PIR_COMMIT_REF_SET(c)) {
		put(w, "null");
		return;
	}
	put(w, "{\"commit\": ");
	str(w, c->commit);
	put(w, ", \"date\": ");
	date(w, c->date);
	put(w, "}");
}

static void location(jw *w, const pir_location *l)
{
	const char *in = "        ";

	put(w, "{");
	key(w, in, "repo", true);
	str(w, l->repo);
	key(w, in, "path", false);
	str(w, l->path);
	key(w, in, "line", false);
	num(w, true, l->line);
	key(w, in, "column", false);
	num(w, true, l->column);
	key(w, in, "kind", false);
	str(w, l->kind == PIR_LOCATION_YAML ? "yaml" : "marker");
	key(w, in, "text", false);
	str(w, l->text);
	key(w, in, "introduced", false);
	commit_ref(w, &l->introduced);
	key(w, in, "resolved", false);
	commit_ref(w, &l->resolved);
	key(w, in, "changed", false);
	put(w, l->changed ? "true" : "false");
	put(w, "\n      }");
}

static void item(jw *w, const pir_item *it)
{
	const char *in = "      ";

	put(w, "{");
	key(w, in, "id", true);
	str(w, it->id);
	key(w, in, "title", false);
	str(w, it->title);
	key(w, in, "incident", false);
	str(w, it->incident);
	key(w, in, "owner", false);
	str(w, it->owner && *it->owner ? it->owner : NULL);
	key(w, in, "due", false);
	date(w, it->due);
	key(w, in, "severity", false);
	str(w, it->severity);
	key(w, in, "status", false);
	str(w, it->status);
	key(w, in, "closed", false);
	put(w, it->closed ? "true" : "false");
	key(w, in, "introduced", false);
	commit_ref(w, &it->introduced);
	key(w, in, "resolved", false);
	commit_ref(w, &it->resolved);
	key(w, in, "age_days", false);
	num(w, it->has_age, it->age_days);
	key(w, in, "overdue_days", false);
	num(w, it->has_overdue, it->overdue_days);
	key(w, in, "stale", false);
	put(w, PIR_ITEM_STALE(it) ? "true" : "false");
	key(w, in, "reasons", false);
	put(w, "[");
	for (unsigned i = 0, n = 0; i < PIR_REASON_COUNT; i++) {
		if (!(it->reasons & (1u << i)))
			continue;
		if (n++)
			put(w, ", ");
		str(w, pir_reason_name(1u << i));
	}
	put(w, "]");
	key(w, in, "team", false);
	str(w, it->team);
	key(w, in, "team_source", false);
	str(w, it->team_source);
	key(w, in, "closed_at", false);
	commit_ref(w, &it->closed_at);
	key(w, in, "snooze", false);
	if (it->snooze_until == PIR_DATE_NONE) {
		put(w, "null");
	} else {
		put(w, "{\"until\": ");
		date(w, it->snooze_until);
		put(w, ", \"reason\": ");
		str(w, it->snooze_reason);
		put(w, ", \"active\": ");
		put(w, it->snoozed ? "true" : "false");
		put(w, "}");
	}
	key(w, in, "due_changes", false);
	put(w, "[");
	for (size_t i = 0; i < it->ndue_changes; i++) {
		const pir_due_change *d = &it->due_changes[i];
		put(w, i ? ", {\"old\": " : "{\"old\": ");
		date(w, d->old_due);
		put(w, ", \"new\": ");
		date(w, d->new_due);
		put(w, ", \"commit\": ");
		str(w, d->commit.commit);
		put(w, ", \"date\": ");
		date(w, d->commit.date);
		put(w, "}");
	}
	put(w, "]");
	key(w, in, "locations", false);
	put(w, "[");
	for (size_t i = 0; i < it->nlocations; i++) {
		put(w, i ? ", " : "");
		location(w, &it->locations[i]);
	}
	put(w, "]");
	key(w, in, "fields", false);
	put(w, "{");
	for (size_t i = 0; i < it->nfields; i++) {
		put(w, i ? ", " : "");
		str(w, it->fields[i].key);
		put(w, ": ");
		put(w, it->fields[i].json);
	}
	put(w, "}\n    }");
}

static const char *level_name(pir_diag_level l)
{
	return l == PIR_DIAG_ERROR ? "error" : l == PIR_DIAG_WARNING ? "warning" : "info";
}

static void diagnostic(jw *w, const pir_diagnostic *d)
{
	const char *in = "      ";

	put(w, "{");
	key(w, in, "level", true);
	str(w, level_name(d->level));
	key(w, in, "code", false);
	str(w, d->code);
	key(w, in, "repo", false);
	str(w, d->repo);
	key(w, in, "path", false);
	str(w, d->path);
	key(w, in, "line", false);
	num(w, d->line != 0, d->line);
	key(w, in, "column", false);
	num(w, d->column != 0, d->column);
	key(w, in, "message", false);
	str(w, d->message);
	put(w, "\n    }");
}

static void repository(jw *w, const pir_repository *r)
{
	const char *in = "      ";

	put(w, "{");
	key(w, in, "name", true);
	str(w, r->name);
	key(w, in, "path", false);
	str(w, r->path);
	key(w, in, "ref", false);
	str(w, r->ref);
	key(w, in, "commit", false);
	str(w, r->commit[0] ? r->commit : NULL);
	key(w, in, "shallow", false);
	put(w, r->shallow ? "true" : "false");
	key(w, in, "commits", false);
	num(w, true, (long long)r->commits);
	key(w, in, "blobs", false);
	num(w, true, (long long)r->blobs);
	put(w, "\n    }");
}

int pir_format_json(pir_buf *out, const pir_scan *scan, const pir_format_options *o)
{
	return pir_json_document(out, scan, o, NULL, NULL);
}

int pir_json_document(pir_buf *out, const pir_scan *scan, const pir_format_options *o,
		      int (*extra)(pir_buf *out, void *payload), void *payload)
{
	pir_format_options defaults = PIR_FORMAT_OPTIONS_INIT;
	jw w = {out, 0};
	size_t n = 0;

	if (!o)
		o = &defaults;
	put(&w, "{");
	key(&w, "  ", "pirscan", true);
	str(&w, pir_version());
	key(&w, "  ", "as_of", false);
	date(&w, pir_scan_as_of(scan));
	key(&w, "  ", "history", false);
	put(&w, pir_scan_has_history(scan) ? "true" : "false");
	key(&w, "  ", "repositories", false);
	put(&w, "[");
	for (size_t i = 0; i < pir_scan_repository_count(scan); i++) {
		put(&w, i ? ", " : "");
		repository(&w, pir_scan_repository(scan, i));
	}
	put(&w, "]");
	key(&w, "  ", "items", false);
	put(&w, "[");
	for (size_t i = 0; i < pir_scan_item_count(scan); i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (!pir_format_selects(it, o))
			continue;
		put(&w, n++ ? ", " : "");
		item(&w, it);
	}
	put(&w, "]");
	key(&w, "  ", "diagnostics", false);
	put(&w, "[");
	for (size_t i = 0; i < pir_scan_diagnostic_count(scan); i++) {
		put(&w, i ? ", " : "");
		diagnostic(&w, pir_scan_diagnostic(scan, i));
	}
	put(&w, "]");
	if (extra && !w.err)
		w.err = extra(out, payload);
	put(&w, "\n}\n");
	return w.err;
}
