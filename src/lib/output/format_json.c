/* SPDX-License-Identifier: MIT */
/* The JSON output: the stable contract other tools read (docs/pirscan.schema.json). */
#include <string.h>

#include "buf.h"
#include "output.h"
#include "scan_int.h"
#include "writer.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/format.h"
#include "pirscan/incident.h"
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

static void key(pir_out *w, const char *indent, const char *k, bool first)
{
	pir_out_put(w, first ? "\n" : ",\n");
	pir_out_put(w, indent);
	pir_out_json(w, k);
	pir_out_put(w, ": ");
}

static void num(pir_out *w, bool set, long long v)
{
	if (!w->err)
		w->err = set ? pir_buf_printf(w->b, "%lld", v) : pir_buf_puts(w->b, "null");
}

static void date(pir_out *w, pir_date d)
{
	char s[11];

	pir_date_format(s, d);
	if (!s[0]) { /* none, or outside years 0-9999 */
		pir_out_put(w, "null");
		return;
	}
	pir_out_json(w, s);
}

static void commit_ref(pir_out *w, const pir_commit_ref *c)
{
	if (!PIR_COMMIT_REF_SET(c)) {
		pir_out_put(w, "null");
		return;
	}
	pir_out_put(w, "{\"commit\": ");
	pir_out_json(w, c->commit);
	pir_out_put(w, ", \"date\": ");
	date(w, c->date);
	pir_out_put(w, "}");
}

static void location(pir_out *w, const pir_location *l)
{
	const char *in = "        ";

	pir_out_put(w, "{");
	key(w, in, "repo", true);
	pir_out_json(w, l->repo);
	key(w, in, "path", false);
	pir_out_json(w, l->path);
	key(w, in, "line", false);
	num(w, true, l->line);
	key(w, in, "column", false);
	num(w, true, l->column);
	key(w, in, "kind", false);
	pir_out_json(w, l->kind == PIR_LOCATION_YAML ? "yaml" : "marker");
	key(w, in, "text", false);
	pir_out_json(w, l->text);
	key(w, in, "introduced", false);
	commit_ref(w, &l->introduced);
	key(w, in, "resolved", false);
	commit_ref(w, &l->resolved);
	key(w, in, "changed", false);
	pir_out_put(w, l->changed ? "true" : "false");
	pir_out_put(w, "\n      }");
}

/* The reason names of `bits`, as a JSON array. */
static void json_reasons(pir_out *w, unsigned bits)
{
	pir_out_put(w, "[");
	for (unsigned i = 0, n = 0; i < PIR_REASON_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (n++)
			pir_out_put(w, ", ");
		pir_out_json(w, pir_reason_name(1u << i));
	}
	pir_out_put(w, "]");
}

/* The snooze, {until, reason, active}, or null. */
static void json_snooze(pir_out *w, const pir_item *it)
{
	if (it->snooze_until == PIR_DATE_NONE) {
		pir_out_put(w, "null");
	} else {
		pir_out_put(w, "{\"until\": ");
		date(w, it->snooze_until);
		pir_out_put(w, ", \"reason\": ");
		pir_out_json(w, it->snooze_reason);
		pir_out_put(w, ", \"active\": ");
		pir_out_put(w, it->snoozed ? "true" : "false");
		pir_out_put(w, "}");
	}
}

/* The due date moves, as an array of {old, new, commit, date}. */
static void json_due_changes(pir_out *w, const pir_item *it)
{
	pir_out_put(w, "[");
	for (size_t i = 0; i < it->ndue_changes; i++) {
		const pir_due_change *d = &it->due_changes[i];
		pir_out_put(w, i ? ", {\"old\": " : "{\"old\": ");
		date(w, d->old_due);
		pir_out_put(w, ", \"new\": ");
		date(w, d->new_due);
		pir_out_put(w, ", \"commit\": ");
		pir_out_json(w, d->commit.commit);
		pir_out_put(w, ", \"date\": ");
		date(w, d->commit.date);
		pir_out_put(w, "}");
	}
	pir_out_put(w, "]");
}

/* What the item's incident's postmortem says, or null (no incident, or none describes it). */
static void json_incident(pir_out *w, const pir_scan *scan, const pir_item *it)
{
	const pir_incident *x = pir_scan_item_incident(scan, it);

	if (!x) {
		pir_out_put(w, "null");
		return;
	}
	pir_out_put(w, "{\"id\": ");
	pir_out_json(w, x->id);
	pir_out_put(w, ", \"title\": ");
	pir_out_json(w, x->title);
	pir_out_put(w, ", \"date\": ");
	date(w, x->date);
	pir_out_put(w, ", \"severity\": ");
	pir_out_json(w, x->severity);
	pir_out_put(w, ", \"status\": ");
	pir_out_json(w, x->status);
	pir_out_put(w, ", \"duration\": ");
	pir_out_json(w, x->duration);
	pir_out_put(w, ", \"repo\": ");
	pir_out_json(w, x->repo);
	pir_out_put(w, ", \"path\": ");
	pir_out_json(w, x->path);
	pir_out_put(w, "}");
}

static void item(pir_out *w, const pir_scan *scan, const pir_item *it)
{
	const char *in = "      ";

	pir_out_put(w, "{");
	key(w, in, "id", true);
	pir_out_json(w, it->id);
	key(w, in, "title", false);
	pir_out_json(w, it->title);
	key(w, in, "incident", false);
	pir_out_json(w, it->incident);
	key(w, in, "incident_details", false);
	json_incident(w, scan, it);
	key(w, in, "owner", false);
	pir_out_json(w, it->owner && *it->owner ? it->owner : NULL);
	key(w, in, "due", false);
	date(w, it->due);
	key(w, in, "severity", false);
	pir_out_json(w, it->severity);
	key(w, in, "status", false);
	pir_out_json(w, it->status);
	key(w, in, "closed", false);
	pir_out_put(w, it->closed ? "true" : "false");
	key(w, in, "introduced", false);
	commit_ref(w, &it->introduced);
	key(w, in, "resolved", false);
	commit_ref(w, &it->resolved);
	key(w, in, "age_days", false);
	num(w, it->has_age, it->age_days);
	key(w, in, "overdue_days", false);
	num(w, it->has_overdue, it->overdue_days);
	key(w, in, "stale", false);
	pir_out_put(w, PIR_ITEM_STALE(it) ? "true" : "false");
	key(w, in, "reasons", false);
	json_reasons(w, it->reasons);
	key(w, in, "team", false);
	pir_out_json(w, it->team);
	key(w, in, "team_source", false);
	pir_out_json(w, it->team_source);
	key(w, in, "closed_at", false);
	commit_ref(w, &it->closed_at);
	key(w, in, "snooze", false);
	json_snooze(w, it);
	key(w, in, "due_changes", false);
	json_due_changes(w, it);
	key(w, in, "locations", false);
	pir_out_put(w, "[");
	for (size_t i = 0; i < it->nlocations; i++) {
		pir_out_put(w, i ? ", " : "");
		location(w, &it->locations[i]);
	}
	pir_out_put(w, "]");
	key(w, in, "fields", false);
	pir_out_put(w, "{");
	for (size_t i = 0; i < it->nfields; i++) {
		pir_out_put(w, i ? ", " : "");
		pir_out_json(w, it->fields[i].key);
		pir_out_put(w, ": ");
		pir_out_put(w, it->fields[i].json);
	}
	pir_out_put(w, "}\n    }");
}

static const char *level_name(pir_diag_level l)
{
	return l == PIR_DIAG_ERROR ? "error" : l == PIR_DIAG_WARNING ? "warning" : "info";
}

static void diagnostic(pir_out *w, const pir_diagnostic *d)
{
	const char *in = "      ";

	pir_out_put(w, "{");
	key(w, in, "level", true);
	pir_out_json(w, level_name(d->level));
	key(w, in, "code", false);
	pir_out_json(w, d->code);
	key(w, in, "repo", false);
	pir_out_json(w, d->repo);
	key(w, in, "path", false);
	pir_out_json(w, d->path);
	key(w, in, "line", false);
	num(w, d->line != 0, d->line);
	key(w, in, "column", false);
	num(w, d->column != 0, d->column);
	key(w, in, "message", false);
	pir_out_json(w, d->message);
	pir_out_put(w, "\n    }");
}

static void repository(pir_out *w, const pir_repository *r)
{
	const char *in = "      ";

	pir_out_put(w, "{");
	key(w, in, "name", true);
	pir_out_json(w, r->name);
	key(w, in, "path", false);
	pir_out_json(w, r->path);
	key(w, in, "ref", false);
	pir_out_json(w, r->ref);
	key(w, in, "commit", false);
	pir_out_json(w, r->commit[0] ? r->commit : NULL);
	key(w, in, "shallow", false);
	pir_out_put(w, r->shallow ? "true" : "false");
	key(w, in, "commits", false);
	num(w, true, (long long)r->commits);
	key(w, in, "blobs", false);
	num(w, true, (long long)r->blobs);
	pir_out_put(w, "\n    }");
}

/* Each repository's result, all of it, for another run to link (--from-json). */
static int results_member(pir_buf *out, void *payload)
{
	int err = pir_buf_printf(
	    out, ",\n  \"extraction\": \"%s\",\n  \"results\": ", pir_scan_extraction(payload));

	return err ? err : pir_scan_write_results(out, payload, 4);
}

int pir_format_json(pir_buf *out, const pir_scan *scan, const pir_format_options *o)
{
	return pir_json_document(out, scan, o, results_member, (void *)scan);
}

int pir_json_document(pir_buf *out, const pir_scan *scan, const pir_format_options *o,
		      int (*extra)(pir_buf *out, void *payload), void *payload)
{
	pir_format_options defaults = PIR_FORMAT_OPTIONS_INIT;
	pir_out w = {out, 0};
	size_t n = 0;

	if (!o)
		o = &defaults;
	pir_out_put(&w, "{");
	key(&w, "  ", "pirscan", true);
	pir_out_json(&w, pir_version());
	key(&w, "  ", "as_of", false);
	date(&w, pir_scan_as_of(scan));
	key(&w, "  ", "history", false);
	pir_out_put(&w, pir_scan_has_history(scan) ? "true" : "false");
	key(&w, "  ", "repositories", false);
	pir_out_put(&w, "[");
	for (size_t i = 0; i < pir_scan_repository_count(scan); i++) {
		pir_out_put(&w, i ? ", " : "");
		repository(&w, pir_scan_repository(scan, i));
	}
	pir_out_put(&w, "]");
	key(&w, "  ", "items", false);
	pir_out_put(&w, "[");
	for (size_t i = 0; i < pir_scan_item_count(scan); i++) {
		const pir_item *it = pir_scan_item(scan, i);
		if (!pir_format_selects(it, o))
			continue;
		pir_out_put(&w, n++ ? ", " : "");
		item(&w, scan, it);
	}
	pir_out_put(&w, "]");
	key(&w, "  ", "diagnostics", false);
	pir_out_put(&w, "[");
	for (size_t i = 0; i < pir_scan_diagnostic_count(scan); i++) {
		pir_out_put(&w, i ? ", " : "");
		diagnostic(&w, pir_scan_diagnostic(scan, i));
	}
	pir_out_put(&w, "]");
	if (extra && !w.err)
		w.err = extra(out, payload);
	pir_out_put(&w, "\n}\n");
	return w.err;
}
