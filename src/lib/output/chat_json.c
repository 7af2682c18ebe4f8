/* SPDX-License-Identifier: MIT */
/*
 * A group's report as JSON, for a generic webhook: the group, the dates,
 * the counts, and the items of each section with their location and link.
 * No limit: the receiver decides. Strings are JSON-escaped.
 */
#include <stdlib.h>

#include "buf.h"
#include "chat_write.h"
#include "output.h"
#include "pirscan/chat.h"
#include "writer.h"

static void json_item(pir_out *o, const ctx *c, const pir_item *it, kind k)
{
	const pir_location *l = pir_item_work_location(it);
	char *phrase = pir_rw_phrase_str(c, it, k, pir_out_put, false);
	pir_buf url = PIR_BUF_INIT;
	char d[11];
	int has;

	pir_out_put(o, "{\"id\": ");
	pir_out_json(o, it->id);
	pir_out_put(o, ", \"title\": ");
	pir_out_json(o, it->title);
	pir_out_put(o, ", \"severity\": ");
	pir_out_json(o, it->severity);
	pir_out_put(o, ", \"owner\": ");
	pir_out_json(o, it->owner);
	pir_out_put(o, ", \"team\": ");
	pir_out_json(o, it->team);
	pir_out_put(o, ", \"incident\": ");
	pir_out_json(o, it->incident);
	pir_out_put(o, ", \"due\": ");
	pir_out_json(o, it->due == PIR_DATE_NONE ? NULL : pir_rw_date_str(d, it->due));
	pir_out_put(o, ", \"state\": ");
	pir_out_json(o, phrase);
	pir_out_put(o, ", \"location\": ");
	if (!l) {
		pir_out_put(o, "null}");
		free(phrase);
		return;
	}
	pir_out_put(o, "{\"repository\": ");
	pir_out_json(o, l->repo);
	pir_out_put(o, ", \"path\": ");
	pir_out_json(o, l->path);
	pir_out_putf(o, ", \"line\": %u, \"url\": ", l->line);
	if ((has = pir_out_location_url(&url, c->scan, l)) < 0 || pir_buf_putc(&url, '\0') < 0)
		o->err = o->err ? o->err : PIR_ENOMEM;
	pir_out_json(o, has > 0 ? url.ptr : NULL);
	pir_out_put(o, "}}");
	pir_buf_dispose(&url);
	free(phrase);
}

int pir_cw_json(pir_out *o, const ctx *c, const pir_report_group *g, const char *report_url)
{
	static const char *const keys[PIR_CW_NSECTIONS] = {"overdue", "due_soon", "other_stale"};

	pir_out_put(o, "{\"pirscan_report\": 1, \"group_by\": ");
	pir_out_json(o, pir_group_by_name(c->opts->group_by));
	pir_out_put(o, ", \"group\": ");
	pir_out_json(o, g->name);
	pir_out_put(o, ", \"as_of\": ");
	pir_out_json(o, c->as_of_s);
	pir_out_put(o, ", \"since\": ");
	pir_out_json(o, c->since_s);
	pir_out_put(o, ", \"report_url\": ");
	pir_out_json(o, report_url);
	pir_out_putf(o,
		     ",\n \"counts\": {\"open\": %zu, \"overdue\": %zu, \"due_soon\": %zu, "
		     "\"other_stale\": %zu, \"opened\": %zu, \"closed\": %zu}",
		     g->nopen, g->noverdue, g->ndue_soon, g->nstale, g->nopened, g->nclosed);
	for (int s = 0; s < PIR_CW_NSECTIONS; s++) {
		size_t n;
		const pir_item *const *items = pir_rw_section_items(g, pir_cw_sections[s], &n);

		pir_out_putf(o, ",\n \"%s\": [", keys[s]);
		for (size_t i = 0; i < n; i++) {
			pir_out_put(o, i ? ",\n  " : "\n  ");
			json_item(o, c, items[i], pir_cw_sections[s]);
		}
		pir_out_put(o, n ? "\n ]" : "]");
	}
	pir_out_put(o, "\n}\n");
	return o->err;
}
