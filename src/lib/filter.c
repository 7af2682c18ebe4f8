/* SPDX-License-Identifier: MIT */
/* Item filters (--severity, --owner, --team, --incident, --repo): one rule for every output. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "error.h"
#include "link.h"
#include "pirscan/common.h"
#include "pirscan/scan.h"
#include "scan_int.h"

static bool list_empty(const char *const *list)
{
	return !list || !list[0];
}

/* Owners compare without a leading '@': "@alice" and "alice" are the same person. */
static const char *owner_key(const char *s)
{
	return s[0] == '@' ? s + 1 : s;
}

static bool in_list(const char *const *list, const char *value, bool owner)
{
	if (list_empty(list))
		return true;
	if (!value || !*value)
		return false;
	for (; *list; list++) {
		if (owner ? !strcasecmp(owner_key(*list), owner_key(value))
			  : !strcasecmp(*list, value))
			return true;
	}
	return false;
}

/* Whether `value` names repository `r`: its display name, or the same folder as its path. */
static bool names_repo(const pir_repository *r, const char *value)
{
	char *a, *b;
	bool same;

	if ((r->name && !strcasecmp(r->name, value)) || (r->path && !strcmp(r->path, value)))
		return true;
	if (!r->path || !(a = realpath(r->path, NULL)))
		return false;
	b = realpath(value, NULL);
	same = b && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/* For each repository of the scan, whether the list selects it; NULL when out of memory. */
static bool *selected_repos(const pir_scan *scan, const char *const *list)
{
	size_t n = pir_scan_repository_count(scan);
	bool *sel = pir_calloc(n ? n : 1, sizeof(*sel));

	for (size_t i = 0; sel && i < n; i++)
		for (const char *const *v = list; *v && !sel[i]; v++)
			sel[i] = names_repo(pir_scan_repository(scan, i), *v);
	return sel;
}

/* A repository value that names none of the scan's is a mistake, not an empty list. */
static int check_repos(const pir_scan *scan, const char *const *list)
{
	for (const char *const *v = list; *v; v++) {
		size_t i, n = pir_scan_repository_count(scan);
		for (i = 0; i < n && !names_repo(pir_scan_repository(scan, i), *v); i++)
			;
		if (i == n)
			return pir_error_set(PIR_ENOTFOUND,
					     "'%s' is none of the scanned repositories", *v);
	}
	return 0;
}

static bool match(const pir_item_filter *f, const pir_scan *scan, const bool *sel,
		  const pir_item *it)
{
	/* a severity that could not be read ("critcal") cannot rule an item out: it fails closed */
	bool unread_severity = it->severity && *it->severity && it->severity_rank < 0;

	if ((!in_list(f->severities, it->severity, false) && !unread_severity) ||
	    !in_list(f->owners, it->owner, true) || !in_list(f->teams, it->team, false) ||
	    !in_list(f->incidents, it->incident, false))
		return false;
	if (list_empty(f->repos))
		return true;
	for (size_t i = 0; i < it->nlocations; i++) {
		for (size_t r = 0; r < pir_scan_repository_count(scan); r++) {
			const char *name = pir_scan_repository(scan, r)->name;
			if (sel[r] && name && it->locations[i].repo &&
			    !strcmp(name, it->locations[i].repo))
				return true;
		}
	}
	return false;
}

bool pir_item_filter_match(const pir_item_filter *f, const pir_scan *scan, const pir_item *it)
{
	bool *sel = NULL, ok;

	if (!f)
		return true;
	if (!list_empty(f->repos) && !(sel = selected_repos(scan, f->repos)))
		return false;
	ok = match(f, scan, sel, it);
	free(sel);
	return ok;
}

static bool narrows(const pir_item_filter *f)
{
	return !list_empty(f->severities) || !list_empty(f->owners) || !list_empty(f->teams) ||
	       !list_empty(f->incidents) || !list_empty(f->repos);
}

int pir_scan_filter(pir_scan *s, const pir_item_filter *f)
{
	size_t kept = 0;
	bool *sel = NULL;
	int err;

	if (!s->ran)
		return pir_error_set(PIR_EINVALID, "the scan has not run");
	if (!f)
		return 0;
	if (!list_empty(f->repos) && (err = check_repos(s, f->repos)) < 0)
		return err;
	if (!list_empty(f->repos) && !(sel = selected_repos(s, f->repos)))
		return pir_error_oom();
	/*
	 * A stable partition: the items kept first, in order, then those left
	 * out, which the gate still needs to tell whose entry a field error is.
	 */
	{
		size_t n = s->nitems + s->nfiltered, out = 0;
		pir_item *left = pir_calloc(n ? n : 1, sizeof(*left));

		if (!left) {
			free(sel);
			return pir_error_oom();
		}
		for (size_t i = 0; i < n; i++) {
			if (i < s->nitems && match(f, s, sel, &s->items[i]))
				s->items[kept++] = s->items[i];
			else
				left[out++] = s->items[i];
		}
		memcpy(s->items + kept, left, out * sizeof(*left));
		s->nitems = kept;
		s->nfiltered = out;
		free(left);
	}
	free(sel);
	/* the incidents of the items kept; every document's too when nothing narrows */
	return pir_incidents_count(s, !narrows(f));
}
