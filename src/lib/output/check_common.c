/* SPDX-License-Identifier: MIT */
/* What every format of the gate says: result names, fingerprints, why an item fails. */
#include <stdio.h>
#include <string.h>

#include "check_int.h"
#include "check_write.h"
#include "output.h"
#include "pirscan/check.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"
#include "writer.h"

const char *pir_ck_date_str(char buf[11], pir_date d)
{
	pir_date_format(buf, d);
	return buf[0] ? buf : "-";
}

/* The item's name in a report: its ID, else its incident, else "marker" (or "(no id)"). */
static const char *item_name(const pir_item *it)
{
	if (it->id || it->incident)
		return it->id ? it->id : it->incident;
	return it->nlocations && it->locations[0].kind == PIR_LOCATION_YAML ? "(no id)" : "marker";
}

/* A result's name: its item's, or for a problem of a whole file, the diagnostic's code. */
const char *pir_ck_result_name(const pir_check_result *r)
{
	return r->item ? item_name(r->item) : r->problems[0]->code;
}

/* A result's title: its item's, or the problem's message. */
const char *pir_ck_result_title(const pir_check_result *r)
{
	return r->item ? r->item->title : r->problems[0]->message;
}

uint64_t pir_ck_fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull; /* a separator: ("ab","c") is not ("a","bc") */
}

/* An item's stable name: its ID, or "marker-" and a hash of its marker text. */
const char *pir_ck_fingerprint(char out[32], const pir_item *it)
{
	if (it->id)
		return it->id;
	snprintf(out, 32, "marker-%016llx",
		 (unsigned long long)pir_ck_fnv(1469598103934665603ull, it->locations[0].text));
	return out;
}

/* A file problem's stable name: "file-" and a hash of its path, code and message (not the line). */
const char *pir_ck_problem_fingerprint(char out[32], const pir_diagnostic *d)
{
	uint64_t h = pir_ck_fnv(pir_ck_fnv(pir_ck_fnv(1469598103934665603ull, d->path), d->code),
				d->message);

	snprintf(out, 32, "file-%016llx", (unsigned long long)h);
	return out;
}

const char *pir_ck_result_fingerprint(char out[32], const pir_check_result *r)
{
	return r->item ? pir_ck_fingerprint(out, r->item)
		       : pir_ck_problem_fingerprint(out, r->problems[0]);
}

/*
 * One location of an item, stable across runs while it does not change: the
 * item, the path, the kind and the text, and which of identical ones it is
 * (not the line: lines move).
 */
uint64_t pir_ck_location_hash(const pir_item *it, const pir_location *l)
{
	char fp[32];
	uint64_t h = pir_ck_fnv(1469598103934665603ull, pir_ck_fingerprint(fp, it));
	unsigned same = 0;

	for (const pir_location *x = it->locations; x < l; x++)
		same += x->kind == l->kind && !strcmp(x->path, l->path) &&
			!strcmp(x->text ? x->text : "", l->text ? l->text : "");
	h = pir_ck_fnv(h, l->path);
	h = pir_ck_fnv(h, l->kind == PIR_LOCATION_YAML ? "yaml" : "marker");
	h = pir_ck_fnv(h, l->text);
	return (h ^ same) * 1099511628211ull;
}

const unsigned pir_ck_why_order[PIR_CK_NWHY] = {
    PIR_WHY_UNREADABLE,	     PIR_REASON_OVERDUE,  PIR_REASON_UNKNOWN_ID,
    PIR_REASON_DUPLICATE_ID, PIR_REASON_INVALID,  PIR_REASON_DONE_BUT_MARKER_REMAINS,
    PIR_REASON_SLIPPING,     PIR_REASON_NO_OWNER, PIR_REASON_NO_DUE,
    PIR_REASON_TOO_OLD,	     PIR_WHY_DUE_SOON,	  PIR_WHY_GRACE,
    PIR_WHY_BELOW,	     PIR_WHY_UNCHANGED,
};

unsigned pir_ck_primary_why(unsigned why)
{
	for (size_t i = 0; i < PIR_CK_NWHY; i++)
		if (why & pir_ck_why_order[i])
			return pir_ck_why_order[i];
	return 0;
}

/* Where to act on a result. */

/*
 * A file problem at its position; an item whose first reason is `invalid` at
 * its first problem (the field to fix); any other item where its work is.
 */
where_t pir_ck_result_where(const pir_check_result *r)
{
	const pir_location *l;

	if (r->nproblems && (!r->item || pir_ck_primary_why(r->why) == PIR_REASON_INVALID)) {
		const pir_diagnostic *d = r->problems[0];
		return (where_t){d->repo, d->path, d->line ? d->line : 1, d->line ? d->column : 0};
	}
	l = pir_item_work_location(r->item);
	return (where_t){l->repo, l->path, l->line, l->column};
}

/* Why a problem of a whole file fails: what it keeps from being read. */
static void file_problem_text(pir_out *o, const pir_check_write_options *wo, const char *code)
{
	if (strcmp(code, "yaml-syntax") == 0)
		pir_out_put(o, "not valid YAML: the rest of the file is not read, so the items in "
			       "it cannot be judged");
	else if (strcmp(code, "yaml-schema") == 0)
		pir_out_put(o, "not an action-items entry: it is not read, so an item in it cannot "
			       "be judged");
	else if (strcmp(code, "binary") == 0)
		pir_out_put(o, "the action-items file is binary: none of its items can be read");
	else if (strcmp(code, "too-large") == 0)
		pir_out_putf(o,
			     "the action-items file is larger than %s: none of its items are read",
			     wo->size_limit_name ? wo->size_limit_name : "the size limit");
	else
		pir_out_put(o, "an action-items entry that cannot be read cannot be judged");
}

/* invalid: each problem, with its line ("path:line" when elsewhere than the result). */
static void explain_invalid(pir_out *o, const pir_check_write_options *wo,
			    const pir_check_result *r)
{
	where_t w = pir_ck_result_where(r);

	pir_out_put(o, "invalid: ");
	if (!r->item) {
		file_problem_text(o, wo, r->problems[0]->code);
		return;
	}
	if (!r->nproblems)
		pir_out_put(o, "its action-items entry failed validation");
	for (size_t k = 0; k < r->nproblems; k++) {
		const pir_diagnostic *d = r->problems[k];
		if (k)
			pir_out_put(o, "; ");
		if (strcmp(d->path, w.path) != 0 || strcmp(d->repo, w.repo) != 0) {
			pir_out_put(o, d->path);
			pir_out_put(o, ":");
		}
		pir_out_putf(o, "line %u: ", d->line);
		pir_out_put(o, d->message);
	}
}

/* The sentence for a problem of a whole file: invalid, and maybe not-changed. */
static void explain_file(pir_out *o, const pir_check_write_options *wo, const pir_check_result *r,
			 unsigned bit)
{
	if (bit == PIR_WHY_UNREADABLE)
		pir_out_put(o, "cannot be read: what it holds is unknown, so the gate cannot vouch "
			       "for this repository");
	else if (bit == PIR_REASON_INVALID)
		explain_invalid(o, wo, r);
	else if (bit == PIR_WHY_UNCHANGED)
		pir_out_put(o,
			    "not added or changed by this change: the full gate still fails on it");
}

/* The sentence for an overdue item: by how much, and which rule fails it. */
static void explain_overdue(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			    const pir_item *it)
{
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];

	if (!pir_check_by_policy(c, it)) { /* failing through `overdue` in fail_reasons */
		pir_out_putf(o, "overdue by %lld day%s (due %s; every overdue item fails",
			     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
			     pir_ck_date_str(d, it->due));
		if (wo->overdue_rule_name)
			pir_out_putf(o, ": %s", wo->overdue_rule_name);
		pir_out_put(o, ")");
		return;
	}
	pir_out_putf(o, "overdue by %lld day%s (due %s; fails at %s and above, grace %d day%s)",
		     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
		     pir_ck_date_str(d, it->due), opts->fail_on, opts->grace,
		     opts->grace == 1 ? "" : "s");
}

/* The sentence for an item due soon: today, or in how many days. */
static void explain_due_soon(pir_out *o, const pir_check *c, const pir_item *it)
{
	long long left =
	    it->due != PIR_DATE_NONE ? (long long)(it->due - pir_scan_as_of(pir_check_scan(c))) : 0;
	char d[11];

	if (left == 0)
		pir_out_putf(o, "due today (%s)", pir_ck_date_str(d, it->due));
	else
		pir_out_putf(o, "due in %lld day%s (%s)", left, left == 1 ? "" : "s",
			     pir_ck_date_str(d, it->due));
}

/* One sentence per reason, for people. */
static void explain(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
		    const pir_check_result *r, unsigned bit)
{
	const pir_item *it = r->item;
	const pir_check_options *opts = pir_check_options_of(c);

	if (!it) {
		explain_file(o, wo, r, bit);
		return;
	}
	switch (bit) {
	case PIR_REASON_OVERDUE:
		explain_overdue(o, c, wo, it);
		break;
	case PIR_WHY_DUE_SOON:
		explain_due_soon(o, c, it);
		break;
	case PIR_WHY_GRACE:
		pir_out_putf(o, "overdue by %lld day%s, within the grace of %d day%s",
			     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
			     opts->grace, opts->grace == 1 ? "" : "s");
		break;
	case PIR_WHY_BELOW:
		pir_out_putf(o, "overdue by %lld day%s, below the fail-on severity (%s)",
			     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
			     opts->fail_on);
		break;
	case PIR_WHY_UNCHANGED:
		pir_out_put(o,
			    "not added or changed by this change: the full gate still fails on it");
		break;
	case PIR_REASON_SLIPPING:
		pir_out_putf(o, "slipping: the due date moved %zu times (more than %d)",
			     it->ndue_changes, pir_check_max_slips(c));
		break;
	case PIR_REASON_UNKNOWN_ID:
		pir_out_put(o,
			    "unknown-id: a marker names it, but no action-items file defines it");
		break;
	case PIR_REASON_DUPLICATE_ID:
		pir_out_put(o, "duplicate-id: more than one action-items entry defines it");
		break;
	case PIR_REASON_INVALID:
		explain_invalid(o, wo, r);
		break;
	case PIR_REASON_DONE_BUT_MARKER_REMAINS:
		pir_out_put(o, "done-but-marker-remains: closed as ");
		pir_out_put(o, it->status ? it->status : "done");
		pir_out_put(o, ", but a marker still names it");
		break;
	case PIR_REASON_NO_OWNER:
		pir_out_put(o, "no-owner: nobody owns it");
		break;
	case PIR_REASON_NO_DUE:
		pir_out_put(o, "no-due: it has no due date");
		break;
	case PIR_REASON_TOO_OLD:
		pir_out_putf(o, "too-old: open for %lld day%s, longer than its severity allows",
			     (long long)it->age_days, it->age_days == 1 ? "" : "s");
		break;
	default:
		pir_out_put(o, pir_check_why_name(bit));
		break;
	}
}

void pir_ck_explain_all(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			const pir_check_result *r, const char *sep)
{
	size_t n = 0;

	for (size_t i = 0; i < PIR_CK_NWHY; i++) {
		if (!(r->why & pir_ck_why_order[i]))
			continue;
		if (n++)
			pir_out_put(o, sep);
		explain(o, c, wo, r, pir_ck_why_order[i]);
	}
}

void pir_ck_where_str(pir_out *o, where_t w, void (*esc)(pir_out *, const char *))
{
	esc(o, w.repo);
	pir_out_put(o, ":");
	esc(o, w.path);
	pir_out_putf(o, ":%u", w.line);
}

/* Is location `l` of a result reported (a failing or warned item's live locations)? */
bool pir_ck_reported(const pir_location *l)
{
	return !PIR_COMMIT_REF_SET(&l->resolved);
}
