/* SPDX-License-Identifier: MIT */
/* What the chat messages share: their sections and each item's line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_write.h"
#include "error.h"
#include "output.h"
#include "pirscan/chat.h"
#include "pirscan/report.h"
#include "writer.h"

const kind pir_cw_sections[PIR_CW_NSECTIONS] = {K_OVERDUE, K_DUE_SOON, K_STALE};
const char *const pir_cw_titles[PIR_CW_NSECTIONS] = {"Overdue", "Due soon", "Other stale items"};

void pir_cw_ctx(ctx *c, pir_buf *out, const pir_report *report)
{
	memset(c, 0, sizeof(*c));
	c->o.b = out;
	c->r = report;
	c->scan = pir_report_scan(report);
	c->opts = pir_report_options_of(report);
	c->as_of = pir_scan_as_of(c->scan);
	pir_rw_date_str(c->as_of_s, c->as_of);
	pir_rw_date_str(c->since_s, pir_report_since(report));
}

char *pir_cw_summary(const ctx *c, const pir_report_group *g)
{
	return pir_sprintf("%s: %zu overdue, %zu due soon, %zu open (%s)", g->name, g->noverdue,
			   g->ndue_soon, g->nopen, c->as_of_s);
}

char *pir_cw_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return pir_strdup(s);
	while (n > 0 && (n > max || ((unsigned char)s[n] & 0xc0) == 0x80))
		n--;
	return pir_sprintf("%.*s\xe2\x80\xa6", (int)n, s);
}

void pir_cw_item_line(pir_out *o, const ctx *c, const pir_item *it, kind k, esc_fn esc,
		      void (*link)(pir_out *o, const char *url, const char *label))
{
	char *title = pir_cw_cut(it->title ? it->title : "", 200);
	char *main_p = pir_rw_phrase_str(c, it, k, esc, false);
	pir_buf loc = PIR_BUF_INIT, url = PIR_BUF_INIT;
	pir_out l = {&loc, 0};
	int has = 0;

	if (!title || !main_p) {
		o->err = o->err ? o->err : PIR_ENOMEM;
		goto done;
	}
	esc(o, pir_rw_item_name(it));
	pir_out_put(o, " ");
	esc(o, title);
	pir_out_put(o, " \xe2\x80\x94 ");
	pir_out_put(o, main_p);
	pir_out_put(o, " \xc2\xb7 ");
	esc(o, it->owner && *it->owner ? it->owner : "no owner");
	pir_out_put(o, " \xc2\xb7 ");
	pir_rw_location(&l, it, esc);
	if (!l.err)
		l.err = pir_buf_putc(&loc, '\0');
	if (link && !l.err)
		has = pir_out_location_url(&url, c->scan, pir_item_work_location(it));
	if (l.err || has < 0)
		o->err = o->err ? o->err : PIR_ENOMEM;
	else if (has > 0 && !pir_buf_putc(&url, '\0'))
		link(o, url.ptr, loc.ptr);
	else
		pir_out_put(o, loc.ptr);
done:
	free(title);
	free(main_p);
	pir_buf_dispose(&loc);
	pir_buf_dispose(&url);
}
