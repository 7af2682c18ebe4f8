/* SPDX-License-Identifier: MIT */
/* The Markdown postmortem reader: the shapes of the fuzz corpus, field by field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test.h"

static pir_postmortem pm;

static void load(const char *corpus_name, const char *name)
{
	char path[512];
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/fuzz/corpus/postmortem/%s", SOURCE_ROOT, corpus_name);
	buf = test_read_file(path, &len);
	CHECK(buf != NULL);
	pir_postmortem_clear(&pm);
	CHECK_INT(pir_postmortem_parse(&pm, buf, buf ? len : 0, name, NULL), 0);
	free(buf);
	if (getenv("PM_DUMP")) {
		const pir_incident_info *in = &pm.incident;
		char d[11];
		pir_date_format(d, in->date);
		printf("incident id=%s title=%s date=%s dur=%s sev=%s status=%s sections=%u\n",
		       in->id, in->title, d, in->duration, in->severity, in->status, pm.sections);
		for (size_t i = 0; i < pm.items.n; i++) {
			const pir_entry *e = &pm.items.v[i];
			pir_date_format(d, e->due);
			printf(
			    "  %u id=%s key=%s title=[%s] owner=%s due=%s/%s status=%s closed=%d "
			    "sev=%s inv=%d",
			    e->line, e->id, e->doc_key, e->title, e->owner, e->due_raw, d,
			    e->status, e->closed, e->severity, e->invalid);
			for (size_t k = 0; k < e->nfields; k++)
				printf(" %s=%s", e->fields[k].key, e->fields[k].json);
			printf("\n");
		}
		for (size_t i = 0; i < pm.items.diags.n; i++)
			printf("  diag %d %s %u: %s\n", pm.items.diags.v[i].level,
			       pm.items.diags.v[i].code, pm.items.diags.v[i].line,
			       pm.items.diags.v[i].message);
	}
}

static const pir_entry *item(size_t i)
{
	static const pir_entry none;

	CHECK(i < pm.items.n);
	return i < pm.items.n ? &pm.items.v[i] : &none;
}

static const char *field(const pir_entry *e, const char *key)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].key, key))
			return e->fields[i].json;
	return NULL;
}

static size_t count_code(const char *code, pir_diag_level level)
{
	size_t n = 0;
	for (size_t i = 0; i < pm.items.diags.n; i++)
		n += !strcmp(pm.items.diags.v[i].code, code) && pm.items.diags.v[i].level == level;
	return n;
}

static void seed_template(void)
{
	char d[11];

	load("seed-template", "postmortems/payments.md");
	CHECK_STR(pm.incident.id, "payments");
	CHECK_STR(pm.incident.title, "Incident: Payment service outage");
	pir_date_format(d, pm.incident.date);
	CHECK_STR(d, "2026-05-24");
	CHECK_STR(pm.incident.duration, "0 hours 40 minutes");
	CHECK_STR(pm.incident.severity, "p1");
	CHECK_STR(pm.incident.status, "resolved");
	CHECK_INT(pm.items.n, 3);
	CHECK_STR(item(0)->id, "PIR-2026-05-24-001");
	CHECK_STR(item(0)->title, "Add config schema validation");
	CHECK_STR(item(0)->owner, "@alice");
	CHECK_STR(item(0)->incident, "payments");
	CHECK_INT(item(0)->line, 13);
	pir_date_format(d, item(0)->due);
	CHECK_STR(d, "2026-05-31");
	/* free-form due: kept, no date, an info; a real but invalid date: invalid */
	CHECK_STR(item(1)->due_raw, "Sprint 4");
	CHECK(item(1)->due == PIR_DATE_NONE && !item(1)->invalid);
	CHECK_INT(count_code("postmortem-due", PIR_DIAG_INFO), 1);
	CHECK(item(2)->invalid && item(2)->due == PIR_DATE_NONE && !item(2)->owner);
	CHECK_INT(count_code("postmortem-field", PIR_DIAG_ERROR), 1);
	CHECK_INT(pm.items.diags.n, 2);
}

static void sre_book(void)
{
	load("sre-book", "docs/postmortems/sonnet.md");
	CHECK_INT(pm.items.n, 3);
	CHECK(item(0)->closed && !item(1)->closed && !item(2)->closed);
	CHECK_STR(item(0)->status, "done");
	CHECK(!item(0)->id && item(0)->doc_key && strlen(item(0)->doc_key) == 12);
	CHECK_STR(item(1)->owner, "martin");
	CHECK_STR(field(item(1), "ticket"), "\"Bug 5554823\"");
	CHECK_STR(field(item(1), "type"), "\"prevent\"");
	CHECK(!field(item(0), "ticket")); /* "n/a" names none */
	CHECK_STR(pm.incident.id, "sonnet");
	CHECK_STR(pm.incident.status, "complete, action items in progress");
}

static void bullets(void)
{
	load("bullets", "incidents/checkout.md");
	CHECK_STR(pm.incident.id, "INC-2891");
	CHECK_STR(pm.incident.severity, "sev2");
	CHECK_INT(pm.items.n, 4); /* the nested detail is not an item */
	CHECK(item(0)->closed);
	CHECK_STR(item(0)->title, "Raise the pool size (#412)");
	CHECK_STR(field(item(0), "ticket"), "\"#412\"");
	CHECK_STR(item(1)->owner, "@carol");
	CHECK_STR(item(1)->due_raw, "2026-02-01");
	CHECK_STR(field(item(1), "ticket"), "\"OPS-17\"");
	CHECK(item(2)->closed); /* ~~struck~~ */
	CHECK_STR(item(3)->due_raw, "TBD");
	CHECK(!item(3)->invalid && item(3)->due == PIR_DATE_NONE);
}

static void checklist(void)
{
	load("checklist", "pir/queue.md");
	CHECK_STR(pm.incident.id, "INC-3000");
	CHECK_STR(pm.incident.severity, "critical");
	CHECK_INT(pm.items.n, 4);
	CHECK_STR(item(0)->id, "PIR-2026-02-20-001");
	CHECK_STR(item(0)->title, "Alert on queue depth @dave 2026-03-01");
	CHECK_STR(item(0)->owner, "@dave");
	CHECK(!item(0)->closed && item(1)->closed && item(2)->closed && !item(3)->closed);
	CHECK_STR(item(2)->title, "Retry budget");
	CHECK_STR(item(3)->due_raw, "Q3");
}

static void no_section(void)
{
	load("no-section", "incidents/2026-03-03-dns.md");
	CHECK_INT(pm.items.n, 0);
	CHECK_INT(pm.sections, 0);
	CHECK_INT(pm.items.diags.n, 0); /* a postmortem without items is no problem */
	CHECK_STR(pm.incident.severity, "low");
}

static void short_ids(void)
{
	/* without a date, short IDs cannot be made full: keyed by text, one warning */
	load("short-no-date", "outage.md");
	CHECK_INT(pm.items.n, 2);
	CHECK(!item(0)->id && item(0)->doc_key && strcmp(item(0)->doc_key, item(1)->doc_key));
	CHECK_INT(count_code("postmortem-id", PIR_DIAG_WARNING), 1);
	/* the file name's date makes them full */
	load("short-no-date", "postmortems/2026-04-01-outage.md");
	CHECK_STR(item(1)->id, "PIR-2026-04-01-002");
	CHECK_STR(pm.incident.id, "2026-04-01-outage");
	load("crlf-bom", NULL);
	CHECK_STR(pm.incident.title, "Incident");
	CHECK_STR(item(0)->id, "PIR-2026-05-24-007");
	CHECK_STR(item(0)->title, "Fix it");
}

static void hostile(void)
{
	load("hostile", "pm.md");
	CHECK_STR(item(0)->title, "bold split x"); /* HTML tags gone */
	CHECK(item(0)->closed && item(0)->invalid && !item(0)->owner);
	CHECK_STR(item(1)->title, "a | escaped pipe");
	CHECK_INT(count_code("postmortem-table", PIR_DIAG_WARNING), 1);
	CHECK_INT(count_code("postmortem-limit", PIR_DIAG_WARNING), 1);
	for (size_t i = 0; i < pm.items.n; i++)
		CHECK(strlen(item(i)->title) <= 2048);
	/* the fenced block's heading and list are not read */
	for (size_t i = 0; i < pm.items.n; i++)
		CHECK(strcmp(item(i)->title, "not an item"));
	load("nul-bytes", "pm.md");
	CHECK_INT(pm.items.n, 1);
}

/* A 10 MB table: read up to the item limit, one warning, bounded memory. */
static void huge_table(void)
{
	const char *head = "# Action items\n| ID | Action Item | Owner |\n|--|--|--|\n";
	size_t cap = (size_t)10 << 20, len = strlen(head);
	char *buf = malloc(cap + 64);

	CHECK(buf != NULL);
	if (!buf)
		return;
	memcpy(buf, head, len);
	for (unsigned n = 0; len < cap; n++)
		len += (size_t)snprintf(buf + len, 64, "| %u | fix part %u | @t%u |\n", n % 999, n,
					n % 7);
	pir_postmortem_clear(&pm);
	CHECK_INT(pir_postmortem_parse(&pm, buf, len, "x.md", NULL), 0);
	CHECK_INT(pm.items.n, 5000);
	CHECK_INT(count_code("postmortem-limit", PIR_DIAG_WARNING), 1);
	/* one line of 10 MB of pipes */
	memset(buf + strlen(head), '|', cap - strlen(head));
	pir_postmortem_clear(&pm);
	CHECK_INT(pir_postmortem_parse(&pm, buf, cap, "x.md", NULL), 0);
	CHECK_INT(pm.items.n, 0);
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc > 1) { /* PM_DUMP=1 test_postmortem NAME...: show what is read */
		for (int i = 1; i < argc; i++)
			load(argv[i], argv[i]);
		pir_postmortem_clear(&pm);
		return test_failures != 0;
	}
	RUN(seed_template);
	RUN(sre_book);
	RUN(bullets);
	RUN(checklist);
	RUN(no_section);
	RUN(short_ids);
	RUN(hostile);
	RUN(huge_table);
	pir_postmortem_clear(&pm);
	fprintf(stderr, "%d checks, %d failures\n", test_checks, test_failures);
	return test_failures != 0;
}
