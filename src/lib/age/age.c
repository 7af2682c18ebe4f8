/* SPDX-License-Identifier: MIT */
/* Ageing and judging: an item's age, days overdue and stale reasons (age.h). */
#include <string.h>

#include "age.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"

static const pir_commit_ref no_commit = {"", PIR_DATE_NONE, 0};

static int earlier(const pir_commit_ref *a, const pir_commit_ref *b)
{
	if (!PIR_COMMIT_REF_SET(b))
		return 1;
	return a->time < b->time || (a->time == b->time && strcmp(a->commit, b->commit) < 0);
}

/* When the item was closed, its age and how overdue it is, as of the rules' date. */
void pir_age_item(const pir_age_rules *rules, pir_item *it)
{
	/* an item that left the tree open was closed when it left */
	if (PIR_COMMIT_REF_SET(&it->resolved) &&
	    (!PIR_COMMIT_REF_SET(&it->closed_at) || earlier(&it->resolved, &it->closed_at)))
		it->closed_at = it->resolved;
	if (!it->closed && !PIR_COMMIT_REF_SET(&it->resolved)) /* reopened, or never closed */
		it->closed_at = no_commit;
	/* an absurd commit time has no date (pir_date_from_time), so no age either */
	pir_date end = PIR_COMMIT_REF_SET(&it->resolved) ? it->resolved.date : rules->as_of;
	if (PIR_COMMIT_REF_SET(&it->introduced) && it->introduced.date != PIR_DATE_NONE &&
	    end != PIR_DATE_NONE) {
		it->has_age = true;
		it->age_days = end - it->introduced.date;
		if (it->age_days < 0)
			it->age_days = 0;
	}
	if (it->due != PIR_DATE_NONE) {
		it->has_overdue = true;
		if (!it->closed && !PIR_COMMIT_REF_SET(&it->resolved) && rules->as_of > it->due)
			it->overdue_days = rules->as_of - it->due;
	}
}

static int stale_limit(const pir_age_rules *rules, int rank)
{
	return rank >= 0 && rank < PIR_SEVERITY_MAX ? rules->stale_days[rank]
						    : rules->stale_days_none;
}

void pir_judge_item(const pir_age_rules *rules, pir_item *it, const pir_item_facts *f)
{
	bool live = !PIR_COMMIT_REF_SET(&it->resolved);

	if (!live)
		return;
	if (it->id && f->live_marker && !f->defined)
		it->reasons |= PIR_REASON_UNKNOWN_ID;
	if (f->live_entries > 1)
		it->reasons |= PIR_REASON_DUPLICATE_ID;
	if (f->any_invalid)
		it->reasons |= PIR_REASON_INVALID;
	if (it->closed) {
		if (f->live_marker)
			it->reasons |= PIR_REASON_DONE_BUT_MARKER_REMAINS;
		return;
	}
	if (it->has_overdue && it->overdue_days > 0)
		it->reasons |= PIR_REASON_OVERDUE;
	if (it->has_age && it->age_days > stale_limit(rules, it->severity_rank))
		it->reasons |= PIR_REASON_TOO_OLD;
	if (!it->owner || !*it->owner)
		it->reasons |= PIR_REASON_NO_OWNER;
	if (it->due == PIR_DATE_NONE && !f->due_written)
		it->reasons |= PIR_REASON_NO_DUE;
	if ((int64_t)it->ndue_changes > rules->max_slips)
		it->reasons |= PIR_REASON_SLIPPING;
}
