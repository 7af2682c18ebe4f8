/* SPDX-License-Identifier: MIT */
/* The chat messages' entry point: one group, in the kind asked for. */
#include <stddef.h>

#include "chat_write.h"
#include "error.h"
#include "pirscan/chat.h"
#include "pirscan/report.h"

const char *pir_chat_kind_name(pir_chat_kind ck)
{
	return ck == PIR_CHAT_SLACK ? "slack" : ck == PIR_CHAT_TEAMS ? "teams" : "webhook";
}

int pir_report_write_chat(pir_buf *out, const pir_report *report, size_t group, pir_chat_kind ck,
			  const char *report_url)
{
	ctx c;

	if (!out || !report || group >= pir_report_group_count(report))
		return pir_error_set(PIR_EINVALID, "no report or no such group");
	pir_cw_ctx(&c, out, report);
	if (ck == PIR_CHAT_SLACK)
		return pir_cw_slack(&c.o, &c, pir_report_group_at(report, group), report_url);
	if (ck == PIR_CHAT_TEAMS)
		return pir_cw_teams(&c.o, &c, pir_report_group_at(report, group), report_url);
	if (ck == PIR_CHAT_WEBHOOK)
		return pir_cw_json(&c.o, &c, pir_report_group_at(report, group), report_url);
	return pir_error_set(PIR_EINVALID, "unknown chat kind");
}
