/* SPDX-License-Identifier: MIT */
/*
 * Links to locations (issue 12): report.web_url expanded for a location
 * still in the scanned tree, at its repository's scanned commit. A
 * location that left the tree has no link: its lines are in no commit the
 * scan names.
 */
#include <string.h>

#include "buf.h"
#include "output.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "scan_int.h"
#include "urltmpl.h"

const char *pir_out_web_url(const pir_scan *scan)
{
	const char *t = scan ? pir_config_report_setting(scan->opts.teams_from, "web_url") : NULL;

	/* checked when the configuration was read; checked again, it costs nothing */
	return t && pir_urltmpl_check(t) == 0 ? t : NULL;
}

const pir_repository *pir_out_repository(const pir_scan *scan, const char *name)
{
	for (size_t i = 0; name && i < pir_scan_repository_count(scan); i++) {
		const pir_repository *r = pir_scan_repository(scan, i);
		if (r->name && !strcmp(r->name, name))
			return r;
	}
	return NULL;
}

int pir_out_location_url(pir_buf *out, const pir_scan *scan, const pir_location *l)
{
	const char *t = pir_out_web_url(scan);
	const pir_repository *r;
	int err;

	if (!t || !l || !l->path || PIR_COMMIT_REF_SET(&l->resolved))
		return 0;
	if (!(r = pir_out_repository(scan, l->repo)) || !r->commit[0])
		return 0;
	err = pir_urltmpl_expand(out, t, l->repo, r->commit, l->path, l->line);
	return err < 0 ? err : 1;
}
