/* SPDX-License-Identifier: MIT */
/*
 * The gate's report in each CI system's own format: a table for people,
 * JSON (the core document plus a "check" member), SARIF 2.1.0, JUnit XML,
 * GitHub workflow commands with a Markdown step summary, and GitLab Code
 * Quality. Everything from a repository is escaped for its format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "check_int.h"
#include "error.h"
#include "output.h"
#include "pirscan/check.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/date.h"
#include "pirscan/format.h"
#include "pirscan/scan.h"
#include "writer.h"

static const char *date_str(char buf[11], pir_date d)
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
static const char *result_name(const pir_check_result *r)
{
	return r->item ? item_name(r->item) : r->problems[0]->code;
}

/* A result's title: its item's, or the problem's message. */
static const char *result_title(const pir_check_result *r)
{
	return r->item ? r->item->title : r->problems[0]->message;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull; /* a separator: ("ab","c") is not ("a","bc") */
}

/* An item's stable name: its ID, or "marker-" and a hash of its marker text. */
static const char *fingerprint(char out[32], const pir_item *it)
{
	if (it->id)
		return it->id;
	snprintf(out, 32, "marker-%016llx",
		 (unsigned long long)fnv(1469598103934665603ull, it->locations[0].text));
	return out;
}

/* A file problem's stable name: "file-" and a hash of its path, code and message (not the line). */
static const char *problem_fingerprint(char out[32], const pir_diagnostic *d)
{
	uint64_t h = fnv(fnv(fnv(1469598103934665603ull, d->path), d->code), d->message);

	snprintf(out, 32, "file-%016llx", (unsigned long long)h);
	return out;
}

static const char *result_fingerprint(char out[32], const pir_check_result *r)
{
	return r->item ? fingerprint(out, r->item) : problem_fingerprint(out, r->problems[0]);
}

/*
 * One location of an item, stable across runs while it does not change: the
 * item, the path, the kind and the text, and which of identical ones it is
 * (not the line: lines move).
 */
static uint64_t location_hash(const pir_item *it, const pir_location *l)
{
	char fp[32];
	uint64_t h = fnv(1469598103934665603ull, fingerprint(fp, it));
	unsigned same = 0;

	for (const pir_location *x = it->locations; x < l; x++)
		same += x->kind == l->kind && !strcmp(x->path, l->path) &&
			!strcmp(x->text ? x->text : "", l->text ? l->text : "");
	h = fnv(h, l->path);
	h = fnv(h, l->kind == PIR_LOCATION_YAML ? "yaml" : "marker");
	h = fnv(h, l->text);
	return (h ^ same) * 1099511628211ull;
}

/* The reasons behind a verdict, most important first. */
static const unsigned why_order[] = {
	PIR_WHY_UNREADABLE,    PIR_REASON_OVERDUE,    PIR_REASON_UNKNOWN_ID, PIR_REASON_DUPLICATE_ID,
	PIR_REASON_INVALID,    PIR_REASON_DONE_BUT_MARKER_REMAINS, PIR_REASON_SLIPPING,
	PIR_REASON_NO_OWNER,   PIR_REASON_NO_DUE,     PIR_REASON_TOO_OLD,
	PIR_WHY_DUE_SOON,      PIR_WHY_GRACE,         PIR_WHY_BELOW,
	PIR_WHY_UNCHANGED,
};

static unsigned primary_why(unsigned why)
{
	for (size_t i = 0; i < PIR_ARRAY_SIZE(why_order); i++)
		if (why & why_order[i])
			return why_order[i];
	return 0;
}

/* Where to act on a result. */
typedef struct {
	const char *repo, *path;
	unsigned line, column; /* line >= 1; column 0 when unknown */
} where_t;

/*
 * A file problem at its position; an item whose first reason is `invalid` at
 * its first problem (the field to fix); any other item where its work is.
 */
static where_t result_where(const pir_check_result *r)
{
	const pir_location *l;

	if (r->nproblems && (!r->item || primary_why(r->why) == PIR_REASON_INVALID)) {
		const pir_diagnostic *d = r->problems[0];
		return (where_t){d->repo, d->path, d->line ? d->line : 1, d->line ? d->column : 0};
	}
	l = pir_item_work_location(r->item);
	return (where_t){l->repo, l->path, l->line, l->column};
}

/* Why a problem of a whole file fails: what it keeps from being read. */
static const char *file_problem_text(const char *code)
{
	if (strcmp(code, "yaml-syntax") == 0)
		return "not valid YAML: the rest of the file is not read, so the items in it cannot "
		       "be judged";
	if (strcmp(code, "yaml-schema") == 0)
		return "not an action-items entry: it is not read, so an item in it cannot be judged";
	if (strcmp(code, "binary") == 0)
		return "the action-items file is binary: none of its items can be read";
	if (strcmp(code, "too-large") == 0)
		return "the action-items file is larger than --max-size: none of its items are read";
	return "an action-items entry that cannot be read cannot be judged";
}

/* invalid: each problem, with its line ("path:line" when elsewhere than the result). */
static void explain_invalid(pir_out *o, const pir_check_result *r)
{
	where_t w = result_where(r);

	pir_out_put(o, "invalid: ");
	if (!r->item) {
		pir_out_put(o, file_problem_text(r->problems[0]->code));
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

/* One sentence per reason, for people. */
static void explain(pir_out *o, const pir_check *c, const pir_check_result *r, unsigned bit)
{
	const pir_item *it = r->item;
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];
	long long left;

	if (!it) { /* a problem of a whole file: invalid, and maybe not-changed */
		if (bit == PIR_WHY_UNREADABLE)
			pir_out_put(o, "cannot be read: what it holds is unknown, so the gate cannot vouch "
			       "for this repository");
		else if (bit == PIR_REASON_INVALID)
			explain_invalid(o, r);
		else if (bit == PIR_WHY_UNCHANGED)
			pir_out_put(o, "not added or changed by this change: the full gate still fails on it");
		return;
	}
	left = it->due != PIR_DATE_NONE ? (long long)(it->due - pir_scan_as_of(pir_check_scan(c))) : 0;
	switch (bit) {
	case PIR_REASON_OVERDUE:
		if (!pir_check_by_policy(c, it)) { /* failing through --fail-on-reason overdue */
			pir_out_putf(o, "overdue by %lld day%s (due %s; every overdue item fails: "
				"--fail-on-reason overdue)",
			     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
			     date_str(d, it->due));
			break;
		}
		pir_out_putf(o, "overdue by %lld day%s (due %s; fails at %s and above, grace %d day%s)",
		     (long long)it->overdue_days, it->overdue_days == 1 ? "" : "s",
		     date_str(d, it->due), opts->fail_on, opts->grace, opts->grace == 1 ? "" : "s");
		break;
	case PIR_WHY_DUE_SOON:
		if (left == 0)
			pir_out_putf(o, "due today (%s)", date_str(d, it->due));
		else
			pir_out_putf(o, "due in %lld day%s (%s)", left, left == 1 ? "" : "s", date_str(d, it->due));
		break;
	case PIR_WHY_GRACE:
		pir_out_putf(o, "overdue by %lld days, within the grace of %d days",
		     (long long)it->overdue_days, opts->grace);
		break;
	case PIR_WHY_BELOW:
		pir_out_putf(o, "overdue by %lld days, below the fail-on severity (%s)",
		     (long long)it->overdue_days, opts->fail_on);
		break;
	case PIR_WHY_UNCHANGED:
		pir_out_put(o, "not added or changed by this change: the full gate still fails on it");
		break;
	case PIR_REASON_SLIPPING:
		pir_out_putf(o, "slipping: the due date moved %zu times (more than %d)", it->ndue_changes,
		     opts->max_slips);
		break;
	case PIR_REASON_UNKNOWN_ID:
		pir_out_put(o, "unknown-id: a marker names it, but no action-items file defines it");
		break;
	case PIR_REASON_DUPLICATE_ID:
		pir_out_put(o, "duplicate-id: more than one action-items entry defines it");
		break;
	case PIR_REASON_INVALID:
		explain_invalid(o, r);
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
		pir_out_putf(o, "too-old: open for %lld days, longer than its severity allows",
		     (long long)it->age_days);
		break;
	default:
		pir_out_put(o, pir_check_why_name(bit));
		break;
	}
}

static void explain_all(pir_out *o, const pir_check *c, const pir_check_result *r, const char *sep)
{
	size_t n = 0;

	for (size_t i = 0; i < PIR_ARRAY_SIZE(why_order); i++) {
		if (!(r->why & why_order[i]))
			continue;
		if (n++)
			pir_out_put(o, sep);
		explain(o, c, r, why_order[i]);
	}
}

static void where_str(pir_out *o, where_t w, void (*esc)(pir_out *, const char *))
{
	esc(o, w.repo);
	pir_out_put(o, ":");
	esc(o, w.path);
	pir_out_putf(o, ":%u", w.line);
}

/* Is location `l` of a result reported (a failing or warned item's live locations)? */
static bool reported(const pir_location *l)
{
	return !PIR_COMMIT_REF_SET(&l->resolved);
}

/* ---- table ---- */

/* The reasons, for a terminal: they quote names and values from the repository. */
static void why_term(pir_out *o, const pir_check *c, const pir_check_result *r)
{
	pir_buf why = PIR_BUF_INIT;
	pir_out w = {&why, 0};

	explain_all(&w, c, r, "; ");
	o->err = o->err ? o->err : w.err;
	pir_out_term(o, why.ptr);
	pir_buf_dispose(&why);
}

static const char *verdict_word(pir_verdict v)
{
	switch (v) {
	case PIR_VERDICT_FAIL: return "FAIL";
	case PIR_VERDICT_WARN: return "WARN";
	case PIR_VERDICT_SNOOZED: return "SNOOZED";
	default: return "PASS";
	}
}

static void summary_line(pir_out *o, const pir_check *c)
{
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];

	pir_out_putf(o, "pirscan check: %s: %zu failing, %zu warning%s, %zu snoozed, %zu passed "
		"(as of %s UTC; fail-on ",
	     pir_check_cannot_vouch(c) ? "CANNOT VOUCH (objects could not be read)"
	     : pir_check_failed(c)	 ? "FAILED"
					 : "passed",
	     pir_check_tally(c, PIR_VERDICT_FAIL),
	     pir_check_tally(c, PIR_VERDICT_WARN), pir_check_tally(c, PIR_VERDICT_WARN) == 1 ? "" : "s",
	     pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS),
	     date_str(d, pir_scan_as_of(pir_check_scan(c))));
	pir_out_term(o, opts->fail_on);
	pir_out_putf(o, ", grace %d day%s%s)\n", opts->grace, opts->grace == 1 ? "" : "s",
	     pir_check_invalid_fails(c) ? "" : "; invalid entries only warn");
}

static void write_table(pir_out *o, const pir_check *c, bool color)
{
	static const char *const col[] = {[PIR_VERDICT_FAIL] = "\033[1;31m",
					  [PIR_VERDICT_WARN] = "\033[33m",
					  [PIR_VERDICT_SNOOZED] = "\033[36m"};
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		char d[11];

		if (r->verdict == PIR_VERDICT_PASS)
			continue;
		if (color)
			pir_out_put(o, col[r->verdict]);
		pir_out_putf(o, "%-7s", verdict_word(r->verdict));
		if (color)
			pir_out_put(o, "\033[0m");
		pir_out_put(o, "  ");
		pir_out_term(o, result_name(r));
		if (!it) { /* a problem of a whole file */
			pir_out_put(o, "  ");
			where_str(o, result_where(r), pir_out_term);
			pir_out_put(o, "\n         ");
			pir_out_term(o, result_title(r));
			pir_out_put(o, "\n         ");
			why_term(o, c, r);
			pir_out_put(o, "\n");
			continue;
		}
		pir_out_put(o, "  ");
		pir_out_term(o, it->severity ? it->severity : "-");
		pir_out_put(o, "  ");
		pir_out_term(o, it->owner && *it->owner ? it->owner : "no owner");
		if (it->overdue_days > 0)
			pir_out_putf(o, "  %lldd overdue", (long long)it->overdue_days);
		else if (it->due != PIR_DATE_NONE)
			pir_out_putf(o, "  due %s", date_str(d, it->due));
		else
			pir_out_put(o, "  no due date");
		if (it->id && it->incident) {
			pir_out_put(o, "  ");
			pir_out_term(o, it->incident);
		}
		pir_out_put(o, "  ");
		where_str(o, result_where(r), pir_out_term);
		pir_out_put(o, "\n         ");
		pir_out_term(o, it->title ? it->title : "");
		pir_out_put(o, "\n         ");
		if (r->verdict == PIR_VERDICT_SNOOZED && it->snoozed) {
			pir_out_putf(o, "snoozed until %s: ", date_str(d, it->snooze_until));
			pir_out_term(o, it->snooze_reason);
			if (r->why) {
				pir_out_put(o, "; would fail: ");
				why_term(o, c, r);
			}
		} else {
			why_term(o, c, r);
		}
		pir_out_put(o, "\n");
	}
	if (pir_check_count(c) > pir_check_tally(c, PIR_VERDICT_PASS))
		pir_out_put(o, "\n");
	summary_line(o, c);
}

/* ---- JSON ---- */

static int json_check_member(pir_buf *b, void *payload)
{
	const pir_check *c = payload;
	const pir_check_options *opts = pir_check_options_of(c);
	pir_out o = {b, 0};
	size_t n = 0;

	pir_out_put(&o, ",\n  \"check\": {\n    \"passed\": ");
	pir_out_put(&o, pir_check_failed(c) || pir_check_cannot_vouch(c) ? "false" : "true");
	pir_out_put(&o, ",\n    \"policy\": {\"fail_on\": ");
	pir_out_json(&o, opts->fail_on);
	pir_out_putf(&o, ", \"grace\": %d, \"warn_within\": %d, \"max_slips\": %d, \"fail_on_reasons\": [",
	     opts->grace, opts->warn_within, opts->max_slips);
	for (unsigned i = 0; i < 32; i++) {
		if (!(opts->fail_reasons & (1u << i)) || !pir_reason_name(1u << i))
			continue;
		pir_out_put(&o, n++ ? ", " : "");
		pir_out_json(&o, pir_reason_name(1u << i));
	}
	pir_out_putf(&o, "], \"fail_on_invalid\": %s, \"changed_only\": %s},\n",
	     pir_check_invalid_fails(c) ? "true" : "false",
	     pir_check_changed_only(c) ? "true" : "false");
	pir_out_putf(&o, "    \"summary\": {\"failing\": %zu, \"warnings\": %zu, \"snoozed\": %zu, "
		 "\"passed\": %zu},\n    \"results\": [",
	     pir_check_tally(c, PIR_VERDICT_FAIL), pir_check_tally(c, PIR_VERDICT_WARN),
	     pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS));
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		where_t l = result_where(r);
		size_t k = 0;
		char fp[32];

		pir_out_put(&o, i ? ",\n      {" : "\n      {");
		pir_out_put(&o, "\"item\": ");
		pir_out_json(&o, result_fingerprint(fp, r));
		pir_out_put(&o, r->item ? ", \"kind\": \"item\"" : ", \"kind\": \"file\"");
		pir_out_put(&o, ", \"verdict\": ");
		pir_out_json(&o, r->verdict == PIR_VERDICT_FAIL      ? "fail"
			     : r->verdict == PIR_VERDICT_WARN    ? "warn"
			     : r->verdict == PIR_VERDICT_SNOOZED ? "snoozed"
								 : "pass");
		pir_out_put(&o, ", \"why\": [");
		for (size_t w = 0; w < PIR_ARRAY_SIZE(why_order); w++) {
			if (!(r->why & why_order[w]))
				continue;
			pir_out_put(&o, k++ ? ", " : "");
			pir_out_json(&o, pir_check_why_name(why_order[w]));
		}
		pir_out_put(&o, "], \"repo\": ");
		pir_out_json(&o, l.repo);
		pir_out_put(&o, ", \"path\": ");
		pir_out_json(&o, l.path);
		pir_out_putf(&o, ", \"line\": %u, \"problems\": [", l.line);
		for (size_t p = 0; p < r->nproblems; p++) {
			const pir_diagnostic *d = r->problems[p];
			pir_out_put(&o, p ? ", {\"code\": " : "{\"code\": ");
			pir_out_json(&o, d->code);
			pir_out_put(&o, ", \"repo\": ");
			pir_out_json(&o, d->repo);
			pir_out_put(&o, ", \"path\": ");
			pir_out_json(&o, d->path);
			pir_out_putf(&o, ", \"line\": %u, \"column\": %u, \"message\": ", d->line ? d->line : 1,
			     d->line ? d->column : 0);
			pir_out_json(&o, d->message);
			pir_out_put(&o, "}");
		}
		pir_out_put(&o, "]}");
	}
	pir_out_put(&o, pir_check_count(c) ? "\n    ]\n  }" : "]\n  }");
	return o.err;
}

/* ---- SARIF 2.1.0 ---- */

/* A relative path as a URI reference: unreserved bytes and '/' stay, the rest %XX. */
static void uri(pir_out *o, const char *path)
{
	pir_buf b = PIR_BUF_INIT;
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)path; *p && !o->err; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			o->err = pir_buf_putc(&b, (char)*p);
		} else {
			char e[4] = {'%', hex[*p >> 4], hex[*p & 15], 0};
			o->err = pir_buf_puts(&b, e);
		}
	}
	pir_out_json(o, b.ptr ? b.ptr : "");
	pir_buf_dispose(&b);
}

static const unsigned sarif_rules[] = {
	PIR_REASON_OVERDUE,  PIR_REASON_TOO_OLD,       PIR_REASON_NO_OWNER,
	PIR_REASON_NO_DUE,   PIR_REASON_UNKNOWN_ID,    PIR_REASON_DUPLICATE_ID,
	PIR_REASON_DONE_BUT_MARKER_REMAINS, PIR_REASON_INVALID, PIR_REASON_SLIPPING,
	PIR_WHY_DUE_SOON,    PIR_WHY_GRACE,            PIR_WHY_BELOW,
	PIR_WHY_UNCHANGED,   PIR_WHY_UNREADABLE,
};

static const char *rule_text(unsigned bit)
{
	switch (bit) {
	case PIR_REASON_OVERDUE: return "An open action item is past its due date.";
	case PIR_REASON_TOO_OLD: return "An open action item is older than its severity allows.";
	case PIR_REASON_NO_OWNER: return "An open action item has no owner.";
	case PIR_REASON_NO_DUE: return "An open action item has no due date.";
	case PIR_REASON_UNKNOWN_ID: return "A marker names an ID that no action-items file defines.";
	case PIR_REASON_DUPLICATE_ID: return "Two action-items entries define the same ID.";
	case PIR_REASON_DONE_BUT_MARKER_REMAINS:
		return "The action item is closed but a marker still names it.";
	case PIR_REASON_INVALID:
		return "An action-items entry or file cannot be read, so its items cannot be judged.";
	case PIR_REASON_SLIPPING: return "The action item's due date keeps moving.";
	case PIR_WHY_DUE_SOON: return "An open action item is due soon.";
	case PIR_WHY_GRACE: return "An action item is overdue, within the grace period.";
	case PIR_WHY_BELOW: return "An action item is overdue, below the fail-on severity.";
	case PIR_WHY_UNCHANGED: return "An action item fails the gate but this change did not touch it.";
	case PIR_WHY_UNREADABLE:
		return "A file of the repository cannot be read, so the gate cannot vouch for it.";
	default: return "";
	}
}

static size_t rule_index(unsigned bit)
{
	for (size_t i = 0; i < PIR_ARRAY_SIZE(sarif_rules); i++)
		if (sarif_rules[i] == bit)
			return i;
	return 0;
}

/* A SARIF physical location: a relative URI and a line (no column: ours count bytes,
 * SARIF's UTF-16 code units). */
static void sarif_physical(pir_out *o, const char *path, unsigned line)
{
	pir_out_put(o, "\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
	uri(o, path);
	pir_out_putf(o, ", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": {\"startLine\": %u}}", line ? line : 1);
}

/* "NAME: TITLE (reasons[; owner OWNER])", a JSON string: SARIF message, GitLab description. */
static void json_summary(pir_out *o, const pir_check *c, const pir_check_result *r, bool owner)
{
	const pir_item *it = r->item;
	pir_buf msg = PIR_BUF_INIT;
	pir_out m = {&msg, 0};

	pir_out_put(&m, result_name(r));
	if (result_title(r)) {
		pir_out_put(&m, ": ");
		pir_out_put(&m, result_title(r));
	}
	pir_out_put(&m, " (");
	explain_all(&m, c, r, "; ");
	if (owner && it && it->owner && *it->owner) {
		pir_out_put(&m, "; owner ");
		pir_out_put(&m, it->owner);
	}
	pir_out_put(&m, ")");
	o->err = o->err ? o->err : m.err;
	pir_out_json(o, msg.ptr);
	pir_buf_dispose(&msg);
}

/* One SARIF result: at location `l` of the result's item, or at its file problem (`l` NULL). */
static void sarif_result(pir_out *o, const pir_check *c, const pir_check_result *r,
			 const pir_location *l, bool *first)
{
	const pir_item *it = r->item;
	const pir_diagnostic *fd = it ? NULL : r->problems[0];
	unsigned rule = primary_why(r->why ? r->why : PIR_REASON_OVERDUE);
	char fp[32];

	pir_out_put(o, *first ? "\n        {" : ",\n        {");
	*first = false;
	pir_out_put(o, "\"ruleId\": ");
	pir_out_json(o, pir_check_why_name(rule));
	pir_out_putf(o, ", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ", rule_index(rule),
	     r->verdict == PIR_VERDICT_FAIL ? "error" : r->verdict == PIR_VERDICT_WARN ? "warning" : "note");
	json_summary(o, c, r, true);
	pir_out_put(o, "}, \"locations\": [{");
	sarif_physical(o, l ? l->path : fd->path, l ? l->line : fd->line);
	pir_out_put(o, "}]");
	if (it && r->nproblems) { /* the fields to fix */
		pir_out_put(o, ", \"relatedLocations\": [");
		for (size_t k = 0; k < r->nproblems; k++) {
			const pir_diagnostic *d = r->problems[k];
			pir_out_putf(o, "%s{\"id\": %zu, ", k ? ", " : "", k + 1);
			sarif_physical(o, d->path, d->line);
			pir_out_put(o, ", \"message\": {\"text\": ");
			pir_out_json(o, d->message);
			pir_out_put(o, "}}");
		}
		pir_out_put(o, "]");
	}
	pir_out_put(o, ", \"partialFingerprints\": {\"pirscanItem/v1\": ");
	pir_out_json(o, result_fingerprint(fp, r));
	if (l)
		pir_out_putf(o, ", \"pirscanLocation/v1\": \"%016llx\"", (unsigned long long)location_hash(it, l));
	else
		pir_out_putf(o, ", \"pirscanLocation/v1\": \"%016llx\"",
		     (unsigned long long)fnv(fnv(1469598103934665603ull, fp), "file"));
	pir_out_put(o, "}, \"properties\": {\"repository\": ");
	pir_out_json(o, l ? l->repo : fd->repo);
	pir_out_put(o, ", \"severity\": ");
	pir_out_json(o, it ? it->severity : NULL);
	pir_out_put(o, ", \"owner\": ");
	pir_out_json(o, it ? it->owner : NULL);
	pir_out_put(o, ", \"incident\": ");
	pir_out_json(o, it ? it->incident : NULL);
	pir_out_put(o, "}");
	if (it && r->verdict == PIR_VERDICT_SNOOZED && it->snoozed) {
		char d[11];
		pir_buf j = PIR_BUF_INIT;
		pir_out m = {&j, 0};
		pir_out_putf(&m, "snoozed until %s: ", date_str(d, it->snooze_until));
		pir_out_put(&m, it->snooze_reason ? it->snooze_reason : "");
		o->err = o->err ? o->err : m.err;
		pir_out_put(o, ", \"suppressions\": [{\"kind\": \"inSource\", \"justification\": ");
		pir_out_json(o, j.ptr);
		pir_out_put(o, "}]");
		pir_buf_dispose(&j);
	}
	pir_out_put(o, "}");
}

static void write_sarif(pir_out *o, const pir_check *c)
{
	bool first = true;

	pir_out_put(o, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	       "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": "
	       "\"pirscan\", \"version\": ");
	pir_out_json(o, pir_version());
	pir_out_put(o, ", \"rules\": [");
	for (size_t i = 0; i < PIR_ARRAY_SIZE(sarif_rules); i++) {
		unsigned bit = sarif_rules[i];
		pir_out_put(o, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
		pir_out_json(o, pir_check_why_name(bit));
		pir_out_put(o, ", \"shortDescription\": {\"text\": ");
		pir_out_json(o, rule_text(bit));
		pir_out_putf(o, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
		     bit & (PIR_WHY_DUE_SOON | PIR_WHY_GRACE | PIR_WHY_BELOW | PIR_WHY_UNCHANGED)
			     ? "warning"
			     : "error");
	}
	pir_out_put(o, "]}},\n    \"results\": [");
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		if (r->verdict == PIR_VERDICT_PASS ||
		    (r->verdict == PIR_VERDICT_SNOOZED && !r->why))
			continue;
		if (!r->item)
			sarif_result(o, c, r, NULL, &first);
		for (size_t k = 0; r->item && k < r->item->nlocations; k++)
			if (reported(&r->item->locations[k]))
				sarif_result(o, c, r, &r->item->locations[k], &first);
	}
	pir_out_put(o, first ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n");
}

/* ---- JUnit XML ---- */

static void write_junit(pir_out *o, const pir_check *c)
{
	size_t n = pir_check_count(c);
	size_t fails = pir_check_tally(c, PIR_VERDICT_FAIL);
	size_t skips = pir_check_tally(c, PIR_VERDICT_SNOOZED);
	char d[11];

	pir_out_put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	pir_out_putf(o, "<testsuites name=\"pirscan check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\" time=\"0\">\n",
	     n, fails, skips);
	pir_out_putf(o, "  <testsuite name=\"pirscan check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\" time=\"0\" timestamp=\"%sT00:00:00\">\n",
	     n, fails, skips, date_str(d, pir_scan_as_of(pir_check_scan(c))));
	for (size_t i = 0; i < n; i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		where_t l = result_where(r);

		pir_out_put(o, "    <testcase name=\"");
		pir_out_xml(o, result_name(r));
		if (result_title(r)) {
			pir_out_put(o, ": ");
			pir_out_xml(o, result_title(r));
		}
		pir_out_put(o, "\" classname=\"pirscan.");
		pir_out_xml(o, l.repo);
		pir_out_put(o, "\" file=\"");
		pir_out_xml(o, l.path);
		pir_out_putf(o, "\" line=\"%u\" time=\"0\"", l.line);
		if (r->verdict == PIR_VERDICT_PASS) {
			pir_out_put(o, "/>\n");
			continue;
		}
		pir_out_put(o, ">\n");
		if (r->verdict == PIR_VERDICT_FAIL) {
			pir_buf msg = PIR_BUF_INIT;
			pir_out m = {&msg, 0};
			explain_all(&m, c, r, "; ");
			o->err = o->err ? o->err : m.err;
			pir_out_put(o, "      <failure type=\"");
			pir_out_xml(o, pir_check_why_name(primary_why(r->why)));
			pir_out_put(o, "\" message=\"");
			pir_out_xml(o, msg.ptr);
			pir_out_put(o, "\">");
			where_str(o, l, pir_out_xml);
			if (it && it->owner) {
				pir_out_put(o, " owner ");
				pir_out_xml(o, it->owner);
			}
			pir_out_put(o, "</failure>\n");
			pir_buf_dispose(&msg);
		} else if (r->verdict == PIR_VERDICT_SNOOZED) {
			pir_out_put(o, "      <skipped message=\"snoozed until ");
			pir_out_put(o, date_str(d, it->snooze_until));
			pir_out_put(o, ": ");
			pir_out_xml(o, it->snooze_reason);
			pir_out_put(o, "\"/>\n");
		} else {
			pir_buf msg = PIR_BUF_INIT;
			pir_out m = {&msg, 0};
			explain_all(&m, c, r, "; "); /* severity names come from the config: escape */
			o->err = o->err ? o->err : m.err;
			pir_out_put(o, "      <system-out>warning: ");
			pir_out_xml(o, msg.ptr);
			pir_out_put(o, "</system-out>\n");
			pir_buf_dispose(&msg);
		}
		pir_out_put(o, "    </testcase>\n");
	}
	pir_out_put(o, "  </testsuite>\n</testsuites>\n");
}

/* ---- GitHub Actions ---- */

/* Workflow command escaping: data escapes % CR LF; properties also : and ,. */
static void gh_escape(pir_out *o, const char *s, bool property)
{
	pir_buf b = PIR_BUF_INIT;

	for (; s && *s && !o->err; s++) {
		switch (*s) {
		case '%': o->err = pir_buf_puts(&b, "%25"); break;
		case '\r': o->err = pir_buf_puts(&b, "%0D"); break;
		case '\n': o->err = pir_buf_puts(&b, "%0A"); break;
		case ':': o->err = property ? pir_buf_puts(&b, "%3A") : pir_buf_putc(&b, ':'); break;
		case ',': o->err = property ? pir_buf_puts(&b, "%2C") : pir_buf_putc(&b, ','); break;
		default: o->err = pir_buf_putc(&b, *s); break;
		}
	}
	if (b.ptr)
		pir_out_put(o, b.ptr);
	pir_buf_dispose(&b);
}

static void write_github(pir_out *o, const pir_check *c)
{
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		const char *cmd = r->verdict == PIR_VERDICT_FAIL      ? "error"
				  : r->verdict == PIR_VERDICT_WARN    ? "warning"
				  : r->verdict == PIR_VERDICT_SNOOZED ? "notice"
								      : NULL;
		if (!cmd || (r->verdict == PIR_VERDICT_SNOOZED && !r->why))
			continue;
		/* one annotation per item, where the work is: GitHub shows only a few per step */
		{
			where_t l = result_where(r);
			pir_buf msg = PIR_BUF_INIT, title = PIR_BUF_INIT;
			pir_out m = {&msg, 0}, t = {&title, 0};
			char d[11];

			pir_out_put(&t, result_name(r));
			if (strcmp(result_name(r), pir_check_why_name(primary_why(r->why))) != 0) {
				pir_out_put(&t, " ");
				pir_out_put(&t, pir_check_why_name(primary_why(r->why)));
			}
			if (result_title(r)) {
				pir_out_put(&m, result_title(r));
				pir_out_put(&m, ": ");
			}
			if (it && r->verdict == PIR_VERDICT_SNOOZED) {
				pir_out_putf(&m, "snoozed until %s: ", date_str(d, it->snooze_until));
				pir_out_put(&m, it->snooze_reason ? it->snooze_reason : "");
				pir_out_put(&m, "; would fail: ");
			}
			explain_all(&m, c, r, "; ");
			if (it && it->owner && *it->owner) {
				pir_out_put(&m, " (owner ");
				pir_out_put(&m, it->owner);
				pir_out_put(&m, ")");
			}
			o->err = o->err ? o->err : m.err ? m.err : t.err;
			pir_out_putf(o, "::%s file=", cmd);
			gh_escape(o, l.path, true);
			pir_out_putf(o, ",line=%u,col=%u,title=", l.line, l.column ? l.column : 1);
			gh_escape(o, title.ptr, true);
			pir_out_put(o, "::");
			gh_escape(o, msg.ptr, false);
			pir_out_put(o, "\n");
			pir_buf_dispose(&msg);
			pir_buf_dispose(&title);
		}
	}
	summary_line(o, c);
}

/* ---- Markdown (the GitHub step summary) ---- */

static void md(pir_out *o, const char *s)
{
	pir_buf b = PIR_BUF_INIT;

	if (!s)
		s = "";
	for (; *s && !o->err; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n' || ch == '\r' || ch == '\t')
			o->err = pir_buf_putc(&b, ' ');
		else if (ch < 0x20 || ch == 0x7f)
			continue;
		else if (ch == '<')
			o->err = pir_buf_puts(&b, "&lt;");
		else if (ch == '>')
			o->err = pir_buf_puts(&b, "&gt;");
		else if (ch == '&')
			o->err = pir_buf_puts(&b, "&amp;");
		else if (strchr("\\`*_{}[]()#!|~", ch)) { /* cells never start a line: - . + are safe */
			o->err = pir_buf_putc(&b, '\\');
			if (!o->err)
				o->err = pir_buf_putc(&b, (char)ch);
		} else
			o->err = pir_buf_putc(&b, (char)ch);
	}
	if (b.ptr)
		pir_out_put(o, b.ptr);
	pir_buf_dispose(&b);
}

static void write_markdown(pir_out *o, const pir_check *c)
{
	const pir_check_options *opts = pir_check_options_of(c);
	char d[11];
	bool any = false;

	pir_out_putf(o, "## pirscan check: %s\n\n",
	     pir_check_cannot_vouch(c) ? "cannot vouch (objects could not be read)"
	     : pir_check_failed(c)	 ? "failed"
					 : "passed");
	pir_out_putf(o, "%zu failing, %zu warning%s, %zu snoozed, %zu passed, as of %s (UTC); fails on "
		"overdue items at ",
	     pir_check_tally(c, PIR_VERDICT_FAIL), pir_check_tally(c, PIR_VERDICT_WARN),
	     pir_check_tally(c, PIR_VERDICT_WARN) == 1 ? "" : "s",
	     pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS),
	     date_str(d, pir_scan_as_of(pir_check_scan(c))));
	md(o, opts->fail_on);
	pir_out_putf(o, " and above, grace %d days.\n\n", opts->grace);
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		if (r->verdict == PIR_VERDICT_PASS)
			continue;
		if (!any)
			pir_out_put(o, "| | Item | Severity | Owner | Due | Location | Why |\n"
			       "|---|---|---|---|---|---|---|\n");
		any = true;
		pir_out_putf(o, "| %s | ", verdict_word(r->verdict));
		md(o, result_name(r));
		if (result_title(r)) {
			pir_out_put(o, ": ");
			md(o, result_title(r));
		}
		pir_out_put(o, " | ");
		md(o, it && it->severity ? it->severity : "-");
		pir_out_put(o, " | ");
		md(o, it && it->owner ? it->owner : "-");
		pir_out_putf(o, " | %s | ", date_str(d, it ? it->due : PIR_DATE_NONE));
		where_str(o, result_where(r), md);
		pir_out_put(o, " | ");
		{
			pir_buf why = PIR_BUF_INIT;
			pir_out w = {&why, 0};
			if (it && r->verdict == PIR_VERDICT_SNOOZED) {
				pir_out_putf(&w, "snoozed until %s: ", date_str(d, it->snooze_until));
				pir_out_put(&w, it->snooze_reason ? it->snooze_reason : "");
			} else {
				explain_all(&w, c, r, "; ");
			}
			o->err = o->err ? o->err : w.err;
			md(o, why.ptr);
			pir_buf_dispose(&why);
		}
		pir_out_put(o, " |\n");
	}
}

/* ---- GitLab Code Quality ---- */

/* One Code Quality issue of result `r` at `path`:`line`. */
static void gitlab_issue(pir_out *o, const pir_check *c, const pir_check_result *r, const char *path,
			 unsigned line, uint64_t fingerprint, bool *first)
{
	const pir_item *it = r->item;
	const char *sev = r->verdict == PIR_VERDICT_WARN ? "minor"
			  : it && it->severity_rank == 0 ? "critical"
							 : "major";

	pir_out_put(o, *first ? "\n  {\"description\": " : ",\n  {\"description\": ");
	*first = false;
	json_summary(o, c, r, false);
	pir_out_put(o, ", \"check_name\": ");
	pir_out_json(o, pir_check_why_name(primary_why(r->why)));
	pir_out_putf(o, ", \"fingerprint\": \"%016llx\", \"severity\": \"%s\", \"location\": {\"path\": ",
	     (unsigned long long)fingerprint, sev);
	pir_out_json(o, path);
	pir_out_putf(o, ", \"lines\": {\"begin\": %u}}}", line ? line : 1);
}

static void write_gitlab(pir_out *o, const pir_check *c)
{
	bool first = true;

	pir_out_put(o, "[");
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;

		if (r->verdict != PIR_VERDICT_FAIL && r->verdict != PIR_VERDICT_WARN)
			continue;
		if (!it) {
			const pir_diagnostic *d = r->problems[0];
			char fp[32];
			gitlab_issue(o, c, r, d->path, d->line,
				     fnv(fnv(1469598103934665603ull, problem_fingerprint(fp, d)), "file"),
				     &first);
			continue;
		}
		/* not the repository's folder name: clones differ */
		for (size_t k = 0; k < it->nlocations; k++)
			if (reported(&it->locations[k]))
				gitlab_issue(o, c, r, it->locations[k].path, it->locations[k].line,
					     location_hash(it, &it->locations[k]), &first);
	}
	pir_out_put(o, first ? "]\n" : "\n]\n");
}

/* Terminal columns of s[0..n), ANSI colour sequences (ours, the only raw ESC) not counted. */
static size_t visible_width(const char *s, size_t n, pir_buf *tmp)
{
	tmp->size = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (pir_buf_putc(tmp, s[i]) < 0)
			return n;
	}
	return tmp->size && pir_buf_putc(tmp, '\0') == 0 ? pir_term_width(tmp->ptr) : 0;
}

/* Where a line's continuation starts: its own indentation, under a result's name, or 2. */
static size_t continuation(const char *line, size_t n)
{
	static const char *const heads[] = {"FAIL", "WARN", "SNOOZED", "\033["};
	size_t k = 0;

	while (k < n && line[k] == ' ')
		k++;
	if (k)
		return k;
	for (size_t i = 0; i < PIR_ARRAY_SIZE(heads); i++)
		if (n >= strlen(heads[i]) && memcmp(line, heads[i], strlen(heads[i])) == 0)
			return 9;
	return 2;
}

/*
 * Append the word s[0..n) in at most `room` columns: whole when it fits,
 * else "…" and its end (a path keeps its file name and line). Returns the
 * columns written.
 */
static size_t put_word(pir_out *o, const char *s, size_t n, size_t room, pir_buf *tmp)
{
	size_t w = visible_width(s, n, tmp), k = 0;

	if (w <= room || room < 2) {
		pir_out_putn(o, s, n);
		return w;
	}
	while (k < n && visible_width(s + k, n - k, tmp) > room - 1) {
		k++;
		while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
			k++; /* never inside a UTF-8 sequence */
	}
	pir_out_put(o, "\xe2\x80\xa6"); /* … */
	pir_out_putn(o, s + k, n - k);
	return 1 + visible_width(s + k, n - k, tmp);
}

/*
 * Append one line of `text`, broken between words and going on indented,
 * so that no piece is wider than `width`; a word wider than a whole line
 * is elided from the left.
 */
static void wrap_line(pir_out *o, const char *line, size_t n, unsigned width, pir_buf *tmp)
{
	size_t indent = continuation(line, n), col = 0, i = 0;
	bool first = true;

	while (i < n) {
		size_t ws = i, we, w;

		while (ws < n && line[ws] == ' ')
			ws++;
		we = ws;
		while (we < n && line[we] != ' ')
			we++;
		if (we == ws)
			break;
		w = visible_width(line + ws, we - ws, tmp);
		if (first) { /* the line's own indentation and its first word */
			pir_out_putn(o, line, ws);
			col = ws + put_word(o, line + ws, we - ws, width > ws ? width - ws : 0, tmp);
			first = false;
		} else if (col + (ws - i) + w <= width) {
			pir_out_putn(o, line + i, we - i);
			col += (ws - i) + w;
		} else {
			pir_out_putf(o, "\n%*s", (int)indent, "");
			col = indent + put_word(o, line + ws, we - ws,
						width > indent ? width - indent : 0, tmp);
		}
		i = we;
	}
	pir_out_put(o, "\n");
}

/* The table's lines fitted to `width` columns. */
static void fit_table(pir_out *o, const char *text, size_t len, unsigned width)
{
	pir_buf tmp = PIR_BUF_INIT;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (nl ? (size_t)(nl - text) : len) - at;

		if (visible_width(text + at, n, &tmp) <= width)
			pir_out_putn(o, text + at, n + (nl != NULL));
		else
			wrap_line(o, text + at, n, width, &tmp);
		at += n + (nl != NULL);
	}
	pir_buf_dispose(&tmp);
}

static void table(pir_out *o, const pir_check *c, const pir_check_write_options *opts)
{
	pir_buf raw = PIR_BUF_INIT;
	pir_out r = {&raw, 0};

	if (!opts->width) {
		write_table(o, c, opts->color);
		return;
	}
	write_table(&r, c, opts->color);
	if (r.err)
		o->err = o->err ? o->err : r.err;
	else
		fit_table(o, raw.ptr ? raw.ptr : "", raw.size, opts->width);
	pir_buf_dispose(&raw);
}

int pir_check_write(pir_buf *out, const pir_check *c, pir_check_format format,
		    const pir_check_write_options *opts)
{
	static const pir_check_write_options defaults = PIR_CHECK_WRITE_OPTIONS_INIT;
	pir_format_options fo = PIR_FORMAT_OPTIONS_INIT;
	pir_out o = {out, 0};

	if (!opts)
		opts = &defaults;
	switch (format) {
	case PIR_CHECK_FORMAT_TABLE: table(&o, c, opts); break;
	case PIR_CHECK_FORMAT_JSON:
		return pir_json_document(out, pir_check_scan(c), &fo, json_check_member, (void *)c);
	case PIR_CHECK_FORMAT_SARIF: write_sarif(&o, c); break;
	case PIR_CHECK_FORMAT_JUNIT: write_junit(&o, c); break;
	case PIR_CHECK_FORMAT_GITHUB: write_github(&o, c); break;
	case PIR_CHECK_FORMAT_GITLAB: write_gitlab(&o, c); break;
	case PIR_CHECK_FORMAT_MARKDOWN: write_markdown(&o, c); break;
	default: return pir_error_set(PIR_EINVALID, "unknown check format");
	}
	return o.err;
}
