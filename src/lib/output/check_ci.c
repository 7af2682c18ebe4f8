/* SPDX-License-Identifier: MIT */
/* The gate for CI systems: JSON, SARIF 2.1.0, JUnit XML and GitLab Code Quality. */
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "check_int.h"
#include "check_write.h"
#include "output.h"
#include "pirscan/check.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "urltmpl.h"
#include "writer.h"
/* ---- JSON ---- */

int pir_ck_json_check_member(pir_buf *b, void *payload)
{
	const pir_check *c = payload;
	const pir_check_options *opts = pir_check_options_of(c);
	pir_out o = {b, 0};
	size_t n = 0;

	pir_out_put(&o, ",\n  \"check\": {\n    \"passed\": ");
	pir_out_put(&o, pir_check_failed(c) || pir_check_cannot_vouch(c) ? "false" : "true");
	pir_out_put(&o, ",\n    \"policy\": {\"fail_on\": ");
	pir_out_json(&o, opts->fail_on);
	pir_out_putf(
	    &o, ", \"grace\": %d, \"warn_within\": %d, \"max_slips\": %d, \"fail_on_reasons\": [",
	    opts->grace, opts->warn_within, pir_check_max_slips(c));
	for (unsigned i = 0; i < 32; i++) {
		if (!(opts->fail_reasons & (1u << i)) || !pir_reason_name(1u << i))
			continue;
		pir_out_put(&o, n++ ? ", " : "");
		pir_out_json(&o, pir_reason_name(1u << i));
	}
	pir_out_putf(&o, "], \"fail_on_invalid\": %s, \"changed_only\": %s},\n",
		     pir_check_invalid_fails(c) ? "true" : "false",
		     pir_check_changed_only(c) ? "true" : "false");
	pir_out_putf(&o,
		     "    \"summary\": {\"failing\": %zu, \"warnings\": %zu, \"snoozed\": %zu, "
		     "\"passed\": %zu},\n    \"results\": [",
		     pir_check_tally(c, PIR_VERDICT_FAIL), pir_check_tally(c, PIR_VERDICT_WARN),
		     pir_check_tally(c, PIR_VERDICT_SNOOZED), pir_check_tally(c, PIR_VERDICT_PASS));
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		where_t l = pir_ck_result_where(r);
		size_t k = 0;
		char fp[32];

		pir_out_put(&o, i ? ",\n      {" : "\n      {");
		pir_out_put(&o, "\"item\": ");
		pir_out_json(&o, pir_ck_result_fingerprint(fp, r));
		pir_out_put(&o, r->item ? ", \"kind\": \"item\"" : ", \"kind\": \"file\"");
		pir_out_put(&o, ", \"verdict\": ");
		pir_out_json(&o, r->verdict == PIR_VERDICT_FAIL	     ? "fail"
				 : r->verdict == PIR_VERDICT_WARN    ? "warn"
				 : r->verdict == PIR_VERDICT_SNOOZED ? "snoozed"
								     : "pass");
		pir_out_put(&o, ", \"why\": [");
		for (size_t w = 0; w < PIR_CK_NWHY; w++) {
			if (!(r->why & pir_ck_why_order[w]))
				continue;
			pir_out_put(&o, k++ ? ", " : "");
			pir_out_json(&o, pir_check_why_name(pir_ck_why_order[w]));
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
			pir_out_putf(&o, ", \"line\": %u, \"column\": %u, \"message\": ",
				     d->line ? d->line : 1, d->line ? d->column : 0);
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
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
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
    PIR_REASON_OVERDUE,
    PIR_REASON_TOO_OLD,
    PIR_REASON_NO_OWNER,
    PIR_REASON_NO_DUE,
    PIR_REASON_UNKNOWN_ID,
    PIR_REASON_DUPLICATE_ID,
    PIR_REASON_DONE_BUT_MARKER_REMAINS,
    PIR_REASON_INVALID,
    PIR_REASON_SLIPPING,
    PIR_WHY_DUE_SOON,
    PIR_WHY_GRACE,
    PIR_WHY_BELOW,
    PIR_WHY_UNCHANGED,
    PIR_WHY_UNREADABLE,
};

static const char *rule_text(unsigned bit)
{
	switch (bit) {
	case PIR_REASON_OVERDUE:
		return "An open action item is past its due date.";
	case PIR_REASON_TOO_OLD:
		return "An open action item is older than its severity allows.";
	case PIR_REASON_NO_OWNER:
		return "An open action item has no owner.";
	case PIR_REASON_NO_DUE:
		return "An open action item has no due date.";
	case PIR_REASON_UNKNOWN_ID:
		return "A marker names an ID that no action-items file defines.";
	case PIR_REASON_DUPLICATE_ID:
		return "Two action-items entries define the same ID.";
	case PIR_REASON_DONE_BUT_MARKER_REMAINS:
		return "The action item is closed but a marker still names it.";
	case PIR_REASON_INVALID:
		return "An action-items entry or file cannot be read, so its items cannot be "
		       "judged.";
	case PIR_REASON_SLIPPING:
		return "The action item's due date keeps moving.";
	case PIR_WHY_DUE_SOON:
		return "An open action item is due soon.";
	case PIR_WHY_GRACE:
		return "An action item is overdue, within the grace period.";
	case PIR_WHY_BELOW:
		return "An action item is overdue, below the fail-on severity.";
	case PIR_WHY_UNCHANGED:
		return "An action item fails the gate but this change did not touch it.";
	case PIR_WHY_UNREADABLE:
		return "A file of the repository cannot be read, so the gate cannot vouch for it.";
	default:
		return "";
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
	pir_out_putf(o, ", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": {\"startLine\": %u}}",
		     line ? line : 1);
}

/* With report.web_url, a location's link, in its property bag (SARIF has no member for it). */
static void sarif_link(pir_out *o, const pir_scan *scan, const pir_location *l)
{
	pir_buf url = PIR_BUF_INIT;
	int has = o->err || !l ? 0 : pir_out_location_url(&url, scan, l);

	if (has < 0)
		o->err = has;
	if (has > 0) {
		pir_out_put(o, ", \"properties\": {\"url\": ");
		pir_out_json(o, url.ptr);
		pir_out_put(o, "}");
	}
	pir_buf_dispose(&url);
}

/*
 * With report.web_url, where each scanned repository is (SARIF 2.1.0
 * §3.14.14): repositoryUri, the template up to {repo}; revisionId, the
 * scanned commit; with one repository, mapped to %SRCROOT%, the base of
 * every artifact's URI.
 */
static void sarif_provenance(pir_out *o, const pir_scan *scan)
{
	const char *t = pir_out_web_url(scan);
	size_t n = pir_scan_repository_count(scan), k = 0;

	if (!t)
		return;
	pir_out_put(o, "    \"versionControlProvenance\": [");
	for (size_t i = 0; i < n; i++) {
		const pir_repository *r = pir_scan_repository(scan, i);
		pir_buf uri = PIR_BUF_INIT;

		if (!r->commit[0] || !r->name)
			continue;
		if (pir_urltmpl_repository(&uri, t, r->name) < 0)
			o->err = o->err ? o->err : PIR_ENOMEM;
		pir_out_put(o,
			    k++ ? ",\n      {\"repositoryUri\": " : "\n      {\"repositoryUri\": ");
		pir_out_json(o, uri.ptr ? uri.ptr : "");
		pir_out_put(o, ", \"revisionId\": ");
		pir_out_json(o, r->commit);
		if (n == 1)
			pir_out_put(o, ", \"mappedTo\": {\"uriBaseId\": \"%SRCROOT%\"}");
		pir_out_put(o, ", \"properties\": {\"repository\": ");
		pir_out_json(o, r->name);
		pir_out_put(o, "}}");
		pir_buf_dispose(&uri);
	}
	pir_out_put(o, k ? "\n    ],\n" : "],\n");
}

/* "NAME: TITLE (reasons[; owner OWNER])", a JSON string: SARIF message, GitLab description. */
static void json_summary(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			 const pir_check_result *r, bool owner)
{
	const pir_item *it = r->item;
	pir_buf msg = PIR_BUF_INIT;
	pir_out m = {&msg, 0};

	pir_out_put(&m, pir_ck_result_name(r));
	if (pir_ck_result_title(r)) {
		pir_out_put(&m, ": ");
		pir_out_put(&m, pir_ck_result_title(r));
	}
	pir_out_put(&m, " (");
	pir_ck_explain_all(&m, c, wo, r, "; ");
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
static void sarif_result(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			 const pir_check_result *r, const pir_location *l, bool *first)
{
	const pir_item *it = r->item;
	const pir_diagnostic *fd = it ? NULL : r->problems[0];
	unsigned rule = pir_ck_primary_why(r->why ? r->why : PIR_REASON_OVERDUE);
	char fp[32];

	pir_out_put(o, *first ? "\n        {" : ",\n        {");
	*first = false;
	pir_out_put(o, "\"ruleId\": ");
	pir_out_json(o, pir_check_why_name(rule));
	pir_out_putf(o, ", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ",
		     rule_index(rule),
		     r->verdict == PIR_VERDICT_FAIL   ? "error"
		     : r->verdict == PIR_VERDICT_WARN ? "warning"
						      : "note");
	json_summary(o, c, wo, r, true);
	pir_out_put(o, "}, \"locations\": [{");
	sarif_physical(o, l ? l->path : fd->path, l ? l->line : fd->line);
	sarif_link(o, pir_check_scan(c), l);
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
	pir_out_json(o, pir_ck_result_fingerprint(fp, r));
	if (l)
		pir_out_putf(o, ", \"pirscanLocation/v1\": \"%016llx\"",
			     (unsigned long long)pir_ck_location_hash(it, l));
	else
		pir_out_putf(
		    o, ", \"pirscanLocation/v1\": \"%016llx\"",
		    (unsigned long long)pir_ck_fnv(pir_ck_fnv(1469598103934665603ull, fp), "file"));
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
		pir_out_putf(&m, "snoozed until %s: ", pir_ck_date_str(d, it->snooze_until));
		pir_out_put(&m, it->snooze_reason ? it->snooze_reason : "");
		o->err = o->err ? o->err : m.err;
		pir_out_put(o, ", \"suppressions\": [{\"kind\": \"inSource\", \"justification\": ");
		pir_out_json(o, j.ptr);
		pir_out_put(o, "}]");
		pir_buf_dispose(&j);
	}
	pir_out_put(o, "}");
}

void pir_ck_write_sarif(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
{
	bool first = true;

	pir_out_put(
	    o, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
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
		pir_out_putf(
		    o, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
		    bit & (PIR_WHY_DUE_SOON | PIR_WHY_GRACE | PIR_WHY_BELOW | PIR_WHY_UNCHANGED)
			? "warning"
			: "error");
	}
	pir_out_put(o, "]}},\n");
	sarif_provenance(o, pir_check_scan(c));
	pir_out_put(o, "    \"results\": [");
	for (size_t i = 0; i < pir_check_count(c); i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		if (r->verdict == PIR_VERDICT_PASS ||
		    (r->verdict == PIR_VERDICT_SNOOZED && !r->why))
			continue;
		if (!r->item)
			sarif_result(o, c, wo, r, NULL, &first);
		for (size_t k = 0; r->item && k < r->item->nlocations; k++)
			if (pir_ck_reported(&r->item->locations[k]))
				sarif_result(o, c, wo, r, &r->item->locations[k], &first);
	}
	pir_out_put(o, first ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n");
}

/* ---- JUnit XML ---- */

void pir_ck_write_junit(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
{
	size_t n = pir_check_count(c);
	size_t fails = pir_check_tally(c, PIR_VERDICT_FAIL);
	size_t skips = pir_check_tally(c, PIR_VERDICT_SNOOZED);
	char d[11];

	pir_out_put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	pir_out_putf(
	    o,
	    "<testsuites name=\"pirscan check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"%zu\" time=\"0\">\n",
	    n, fails, skips);
	pir_out_putf(
	    o,
	    "  <testsuite name=\"pirscan check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"%zu\" time=\"0\" timestamp=\"%sT00:00:00\">\n",
	    n, fails, skips, pir_ck_date_str(d, pir_scan_as_of(pir_check_scan(c))));
	for (size_t i = 0; i < n; i++) {
		const pir_check_result *r = pir_check_result_at(c, i);
		const pir_item *it = r->item;
		where_t l = pir_ck_result_where(r);

		pir_out_put(o, "    <testcase name=\"");
		pir_out_xml(o, pir_ck_result_name(r));
		if (pir_ck_result_title(r)) {
			pir_out_put(o, ": ");
			pir_out_xml(o, pir_ck_result_title(r));
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
			pir_ck_explain_all(&m, c, wo, r, "; ");
			o->err = o->err ? o->err : m.err;
			pir_out_put(o, "      <failure type=\"");
			pir_out_xml(o, pir_check_why_name(pir_ck_primary_why(r->why)));
			pir_out_put(o, "\" message=\"");
			pir_out_xml(o, msg.ptr);
			pir_out_put(o, "\">");
			pir_ck_where_str(o, l, pir_out_xml);
			if (it && it->owner) {
				pir_out_put(o, " owner ");
				pir_out_xml(o, it->owner);
			}
			pir_out_put(o, "</failure>\n");
			pir_buf_dispose(&msg);
		} else if (r->verdict == PIR_VERDICT_SNOOZED) {
			pir_out_put(o, "      <skipped message=\"snoozed until ");
			pir_out_put(o, pir_ck_date_str(d, it->snooze_until));
			pir_out_put(o, ": ");
			pir_out_xml(o, it->snooze_reason);
			pir_out_put(o, "\"/>\n");
		} else {
			pir_buf msg = PIR_BUF_INIT;
			pir_out m = {&msg, 0};
			/* severity names come from the config: escape */
			pir_ck_explain_all(&m, c, wo, r, "; ");
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

/* ---- GitLab Code Quality ---- */

/* One Code Quality issue of result `r` at `path`:`line`. */
static void gitlab_issue(pir_out *o, const pir_check *c, const pir_check_write_options *wo,
			 const pir_check_result *r, const char *path, unsigned line,
			 uint64_t fingerprint, bool *first)
{
	const pir_item *it = r->item;
	const char *sev = r->verdict == PIR_VERDICT_WARN ? "minor"
			  : it && it->severity_rank == 0 ? "critical"
							 : "major";

	pir_out_put(o, *first ? "\n  {\"description\": " : ",\n  {\"description\": ");
	*first = false;
	json_summary(o, c, wo, r, false);
	pir_out_put(o, ", \"check_name\": ");
	pir_out_json(o, pir_check_why_name(pir_ck_primary_why(r->why)));
	pir_out_putf(
	    o, ", \"fingerprint\": \"%016llx\", \"severity\": \"%s\", \"location\": {\"path\": ",
	    (unsigned long long)fingerprint, sev);
	pir_out_json(o, path);
	pir_out_putf(o, ", \"lines\": {\"begin\": %u}}}", line ? line : 1);
}

void pir_ck_write_gitlab(pir_out *o, const pir_check *c, const pir_check_write_options *wo)
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
			gitlab_issue(o, c, wo, r, d->path, d->line,
				     pir_ck_fnv(pir_ck_fnv(1469598103934665603ull,
							   pir_ck_problem_fingerprint(fp, d)),
						"file"),
				     &first);
			continue;
		}
		/* not the repository's folder name: clones differ */
		for (size_t k = 0; k < it->nlocations; k++)
			if (pir_ck_reported(&it->locations[k]))
				gitlab_issue(o, c, wo, r, it->locations[k].path,
					     it->locations[k].line,
					     pir_ck_location_hash(it, &it->locations[k]), &first);
	}
	pir_out_put(o, first ? "]\n" : "\n]\n");
}
