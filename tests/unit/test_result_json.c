/* SPDX-License-Identifier: MIT */
/* The strict JSON reader (util/json.c) and a result as JSON both ways (result/result_json*.c). */
#include "internal.h"
#include "test.h"

/* The error of parsing `text`, or NULL when it parses. */
static const char *json_error(const char *text)
{
	static char msg[512];
	pir_arena a = {NULL};
	const pir_json *root;
	int err = pir_json_parse(&root, &a, text, strlen(text));

	pir_arena_dispose(&a);
	if (!err)
		return NULL;
	snprintf(msg, sizeof(msg), "%s", pir_error_last());
	return msg;
}

static void test_json_values(void)
{
	pir_arena a = {NULL};
	const pir_json *root, *v;
	const char *text =
	    "{\"a\": [1, -2, 3.5e2, true, false, null],\n \"s\": \"\\u00e9\\ud83d\\ude00\\n\\/\","
	    " \"o\": {}}";
	int64_t x;

	CHECK_INT(pir_json_parse(&root, &a, text, strlen(text)), 0);
	CHECK_INT(root->type, PIR_JSON_OBJECT);
	CHECK_INT(root->n, 3);
	v = pir_json_get(root, "a");
	CHECK_INT(v->n, 6);
	CHECK(pir_json_int(&v->v[0], 0, 10, &x) && x == 1);
	CHECK(pir_json_int(&v->v[1], -2, 10, &x) && x == -2);
	CHECK(!pir_json_int(&v->v[1], 0, 10, &x));
	CHECK(!pir_json_int(&v->v[2], INT64_MIN, INT64_MAX, &x)); /* not an integer */
	CHECK_INT(v->v[3].type, PIR_JSON_TRUE);
	CHECK_INT(v->v[5].type, PIR_JSON_NULL);
	v = pir_json_get(root, "s");
	CHECK_STR(v->s, "\xc3\xa9\xf0\x9f\x98\x80\n/");
	CHECK_INT(v->line, 2);
	CHECK_INT(v->column, 7);
	CHECK(pir_json_get(root, "o")->type == PIR_JSON_OBJECT && pir_json_get(root, "o")->n == 0);
	CHECK(!pir_json_get(root, "nope"));
	pir_arena_dispose(&a);
}

static void test_json_int_bounds(void)
{
	pir_arena a = {NULL};
	const pir_json *root;
	const char *text = "[9223372036854775807, -9223372036854775808, 9223372036854775808, "
			   "-9223372036854775809, -0]";
	int64_t x;

	CHECK_INT(pir_json_parse(&root, &a, text, strlen(text)), 0);
	CHECK(pir_json_int(&root->v[0], INT64_MIN, INT64_MAX, &x) && x == INT64_MAX);
	CHECK(pir_json_int(&root->v[1], INT64_MIN, INT64_MAX, &x) && x == INT64_MIN);
	CHECK(!pir_json_int(&root->v[1], INT64_MIN + 1, INT64_MAX, &x));
	CHECK(!pir_json_int(&root->v[2], INT64_MIN, INT64_MAX, &x));
	CHECK(!pir_json_int(&root->v[3], INT64_MIN, INT64_MAX, &x));
	CHECK(pir_json_int(&root->v[4], 0, 0, &x) && x == 0);
	pir_arena_dispose(&a);
}

static void test_json_refused(void)
{
	char deep[200];

	CHECK_STR(json_error(""), "line 1, column 1: unexpected end of the text");
	CHECK_STR(json_error("\xef\xbb\xbf{}"), "line 1, column 1: expected a value");
	CHECK_STR(json_error("{\"a\": 1,}"), "line 1, column 9: expected a key (a string)");
	CHECK_STR(json_error("[1,]"), "line 1, column 4: expected a value");
	CHECK_STR(json_error("{\"a\": 1,\n \"a\": 2}"), "line 2, column 7: duplicate key \"a\"");
	CHECK_STR(json_error("// c\n{}"), "line 1, column 1: expected a value");
	CHECK_STR(json_error("{} x"), "line 1, column 4: text after the value");
	CHECK_STR(json_error("01"), "line 1, column 2: text after the value");
	CHECK_STR(json_error("1."), "line 1, column 3: unexpected end of the text");
	CHECK_STR(json_error("\"a\tb\""),
		  "line 1, column 3: a control character in a string (escape it)");
	CHECK_STR(json_error("\"\\u0000\""), "line 1, column 2: \\u0000 in a string");
	CHECK_STR(json_error("\"\\ud800\""),
		  "line 1, column 2: a high surrogate without its low surrogate");
	CHECK_STR(json_error("\"\\udc00\""), "line 1, column 2: a lone low surrogate");
	CHECK_STR(json_error("\"\\x\""), "line 1, column 2: an unknown escape in a string");
	CHECK_STR(json_error("\"\xff\""), "line 1, column 1: a string that is not valid UTF-8");
	CHECK_STR(json_error("\"abc"), "line 1, column 1: a string without its closing quote");
	CHECK_STR(json_error("nul"), "line 1, column 1: expected a value");
	CHECK_STR(json_error("{\"a\" 1}"), "line 1, column 6: expected ':' after the key");
	CHECK_STR(json_error("[1 2]"), "line 1, column 4: expected ',' or ']'");
	memset(deep, '[', sizeof(deep));
	deep[sizeof(deep) - 1] = '\0';
	CHECK_STR(json_error(deep), "line 1, column 65: nested too deeply");
	/* many keys: duplicates found by sorting */
	{
		pir_buf b = PIR_BUF_INIT;
		pir_buf_puts(&b, "{");
		for (int i = 0; i < 100; i++)
			pir_buf_printf(&b, "%s\"k%d\": %d", i ? ", " : "", i % 99, i);
		pir_buf_puts(&b, "}");
		CHECK_STR(json_error(b.ptr), "line 1, column 1077: duplicate key \"k0\"");
		pir_buf_dispose(&b);
	}
}

/* A result with every field set, strings in its arena. */
static pir_result *sample(void)
{
	pir_result *r;
	pir_arena *a;
	pir_result_loc *l;
	pir_entry *en;
	pir_marker *m;

	if (pir_result_new(&r) < 0)
		return NULL;
	a = &r->arena;
	r->info.name = "svc";
	r->info.path = "/srv/git/svc";
	r->info.ref = "HEAD";
	strcpy(r->info.commit, "0123456789abcdef0123456789abcdef01234567");
	r->info.shallow = true;
	r->info.commits = 12;
	r->info.blobs = 34;
	r->gitdir = pir_arena_strdup(a, "/srv/git/svc/.git/");
	r->history_marker_limits = 2;
	r->codeowners = pir_arena_strdup(a, "* @team-a\n/src/ @team-b # \"quoted\"\n");
	r->nlocs = 2;
	r->locs = pir_calloc(2, sizeof(*r->locs)); /* as collect.c: released by pir_result_free */

	l = &r->locs[0];
	en = pir_arena_alloc(a, sizeof(*en));
	memset(en, 0, sizeof(*en));
	en->line = 3, en->column = 5;
	en->id = "PIR-1";
	en->title = "Fix \"it\"\xe2\x80\xa8 now";
	en->owner = "@alice";
	en->due_raw = "2026-01-31";
	pir_date_parse(&en->due, "2026-01-31", 10);
	en->severity = "high";
	en->severity_rank = 1;
	en->status = "done";
	en->closed = true;
	en->incident = "INC-7";
	en->team = "payments";
	pir_date_parse(&en->snooze_until, "2026-03-01", 10);
	en->snooze_reason = "waiting";
	en->invalid = true;
	en->nfields = 2;
	en->fields = pir_arena_alloc(a, 2 * sizeof(*en->fields));
	en->fields[0] = (pir_field){"impact", "\"customers\""};
	en->fields[1] = (pir_field){"links", "[1, {\"a\": null}]"};
	l->entry = en;
	l->live = true;
	l->loc = (pir_location){"svc",
				"pm/action-items.yml",
				3,
				5,
				PIR_LOCATION_YAML,
				en->title,
				{"", PIR_DATE_NONE, 0},
				{"", PIR_DATE_NONE, 0},
				true};
	strcpy(l->loc.introduced.commit, "1111111111111111111111111111111111111111");
	l->loc.introduced.date = 20000;
	l->loc.introduced.time = 20000LL * 86400 + 5;
	l->closed_at = l->loc.introduced;
	l->ndue = 1;
	l->due = pir_arena_alloc(a, sizeof(*l->due));
	l->due[0] = (pir_due_change){PIR_DATE_NONE, en->due, l->loc.introduced};

	l = &r->locs[1];
	m = pir_arena_alloc(a, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->line = 9, m->column = 4;
	m->text = pir_arena_strdup(a, "TODO(PIR-1): caf\xe9 latin-1"); /* not UTF-8 */
	m->id = pir_arena_strdup(a, "PIR-1");
	m->note = pir_arena_strdup(a, "caf\xe9 latin-1");
	l->marker = m;
	l->loc = (pir_location){"svc",
				"src/caf\xe9.c",
				9,
				4,
				PIR_LOCATION_MARKER,
				m->text,
				{"", PIR_DATE_NONE, 0},
				{"", PIR_DATE_NONE, 0},
				false};
	l->loc.resolved.time = -1; /* a set time without a commit survives */
	l->loc.resolved.date = PIR_DATE_NONE;

	r->nmentions = 1;
	r->mentions = pir_calloc(1, sizeof(*r->mentions));
	r->mentions[0] = (pir_result_mention){"README", 2, 10, "PIR-9", true};
	r->ngone_ids = 1;
	r->gone_ids = pir_arena_alloc(a, sizeof(*r->gone_ids));
	r->gone_ids[0] = pir_arena_strdup(a, "PIR-8");
	r->ndiags = 2;
	r->diags = pir_calloc(2, sizeof(*r->diags));
	r->diags[0] = (pir_result_diag){
	    {PIR_DIAG_WARNING, "yaml-syntax", "svc", "pm/action-items.yml", 4, 2, "bad \x01 thing"},
	    true};
	r->diags[1] =
	    (pir_result_diag){{PIR_DIAG_INFO, "binary", NULL, NULL, 0, 0, "1 binary file"}, false};
	r->nincidents = 1;
	r->incidents = pir_calloc(1, sizeof(*r->incidents));
	r->incidents[0].path = pir_arena_strdup(a, "pm/2026-05-24-payments.md");
	r->incidents[0].info = (pir_incident_info){pir_arena_strdup(a, "2026-05-24-payments"),
						   pir_arena_strdup(a, "Payments \"down\""),
						   pir_arena_strdup(a, "24 May 2026"),
						   20597,
						   pir_arena_strdup(a, "40 minutes"),
						   pir_arena_strdup(a, "p1"),
						   NULL};
	return r;
}

static char *write(const pir_result *r, int indent)
{
	pir_buf b = PIR_BUF_INIT;

	CHECK_INT(pir_result_json_write(&b, r, indent), 0);
	return b.ptr;
}

static void test_round_trip(void)
{
	pir_result *r = sample(), *back = NULL, *back2 = NULL;
	char *pretty = write(r, 2), *compact = write(r, -1), *again, *again2;

	CHECK(strchr(pretty, '\n') != NULL);
	CHECK(strchr(compact, '\n') == NULL);
	CHECK(strstr(pretty, "{\"hex\": \"") != NULL);
	CHECK(strstr(pretty, "\\u2028") != NULL);
	CHECK_INT(pir_result_json_parse(&back, pretty, strlen(pretty)), 0);
	CHECK_INT(pir_result_json_parse(&back2, compact, strlen(compact)), 0);
	if (!back || !back2)
		goto done;
	again = write(back, 2);
	again2 = write(back2, 2);
	CHECK_STR(again, pretty);
	CHECK_STR(again2, pretty);
	free(again);
	free(again2);
	CHECK_STR(back->locs[1].marker->text, "TODO(PIR-1): caf\xe9 latin-1");
	CHECK_STR(back->locs[1].loc.path, "src/caf\xe9.c");
	CHECK(back->locs[0].loc.repo == back->info.name);
	CHECK_INT(back->locs[1].loc.resolved.time, -1);
	CHECK(!PIR_COMMIT_REF_SET(&back->locs[1].loc.resolved));
	CHECK_INT(back->locs[0].entry->due, r->locs[0].entry->due);
	CHECK_INT(back->locs[0].entry->severity_rank, 1);
	CHECK_STR(back->locs[0].entry->fields[1].json, "[1, {\"a\": null}]");
	CHECK_INT(back->locs[0].due[0].old_due, PIR_DATE_NONE);
	CHECK_INT(back->diags[0].changed, 1);
	CHECK(back->diags[1].d.repo == NULL);
	CHECK_STR(back->codeowners, r->codeowners);
	CHECK_INT(back->nincidents, 1);
	CHECK_STR(back->incidents[0].path, "pm/2026-05-24-payments.md");
	CHECK_STR(back->incidents[0].info.title, "Payments \"down\"");
	CHECK_INT(back->incidents[0].info.date, 20597);
	CHECK_STR(back->incidents[0].info.severity, "p1");
	CHECK(back->incidents[0].info.status == NULL);
done:
	pir_result_free(back);
	pir_result_free(back2);
	pir_result_free(r);
	free(pretty);
	free(compact);
}

static void test_empty_result(void)
{
	pir_result *r, *back = NULL;
	char *text, *again;

	CHECK_INT(pir_result_new(&r), 0);
	r->info.name = "empty";
	r->failed = true;
	text = write(r, 0);
	CHECK_INT(pir_result_json_parse(&back, text, strlen(text)), 0);
	if (back) {
		again = write(back, 0);
		CHECK_STR(again, text);
		CHECK(back->failed && !back->nlocs && !back->locs && !back->gitdir);
		free(again);
	}
	pir_result_free(back);
	pir_result_free(r);
	free(text);
}

/* The error reading `text` after replacing `from` by `to` in a written sample. */
static const char *read_error(const char *from, const char *to)
{
	static char msg[512];
	pir_result *r = sample(), *back = NULL;
	char *text = write(r, -1), *hit = strstr(text, from);
	pir_buf b = PIR_BUF_INIT;
	int err;

	pir_result_free(r);
	if (!hit) {
		free(text);
		return "(no such text)";
	}
	pir_buf_put(&b, text, (size_t)(hit - text));
	pir_buf_puts(&b, to);
	pir_buf_puts(&b, hit + strlen(from));
	free(text);
	err = pir_result_json_parse(&back, b.ptr, b.size);
	pir_buf_dispose(&b);
	pir_result_free(back);
	if (!err)
		return NULL;
	snprintf(msg, sizeof(msg), "%s", pir_error_last());
	return msg;
}

static void test_refused(void)
{
	CHECK_STR(read_error("\"format\": 2", "\"format\": 1"),
		  "line 1, column 1: results of format 1; this pirscan reads format 2");
	CHECK_STR(read_error(", \"incidents\": [{", ", \"incidents\": [{\"x\": 1, "),
		  "line 1, column 2354: unknown key \"x\" in incident");
	CHECK_STR(read_error("\"format\": 2, ", ""),
		  "line 1, column 1: a result without its \"format\" (an integer)");
	CHECK_STR(read_error("\"failed\": false", "\"failed\": 0"),
		  "line 1, column 241: \"failed\" must be true or false, not a number");
	CHECK_STR(read_error("\"failed\": false", "\"failed\": false, \"extra\": 1"),
		  "line 1, column 257: unknown key \"extra\" in a result");
	CHECK_STR(read_error("\"gitdir\": \"/srv/git/svc/.git/\", ", ""),
		  "line 1, column 1: \"gitdir\" missing in a result");
	CHECK_STR(
	    read_error("\"commits\": 12", "\"commits\": -1"),
	    "line 1, column 166: \"commits\" must be an integer from 0 to 9223372036854775807");
	CHECK_STR(read_error("\"line\": 3", "\"line\": 4294967296"),
		  "line 1, column 387: \"line\" must be an integer from 0 to 4294967295");
	CHECK_STR(read_error("\"0123456789abcdef", "\"0123456789ABCDEF"),
		  "line 1, column 94: \"commit\" must be 40 lower-case hex digits or null");
	CHECK_STR(read_error("\"kind\": \"yaml\"", "\"kind\": \"marker\""),
		  "line 1, column 347: a location's kind must match its marker or entry");
	CHECK_STR(read_error("\"json\": \"\\\"customers\\\"\"", "\"json\": \"{oops\""),
		  "line 1, column 1274: \"json\" must be JSON text");
	CHECK_STR(read_error("\"due\": \"2026-01-31\"", "\"due\": \"2026-02-30\""),
		  "line 1, column 1033: \"due\" must be a date (YYYY-MM-DD) or null");
	CHECK_STR(read_error("\"path\": \"README\"", "\"path\": {\"hex\": \"41\"}"),
		  "line 1, column 1935: \"path\" is valid UTF-8: it is written as a string");
	CHECK_STR(read_error("\"level\": \"warning\"", "\"level\": \"fatal\""),
		  "line 1, column 2045: \"level\" must be \"info\", \"warning\" or \"error\"");
	CHECK_STR(read_error("\"gone_ids\": [\"PIR-8\"]", "\"gone_ids\": [8]"),
		  "line 1, column 2009: \"gone_ids\" must be a string, not a number");
	CHECK_STR(read_error("\"severity_rank\": 1", "\"severity_rank\": 16"),
		  "line 1, column 1084: \"severity_rank\" must be an integer from -1 to 15");
}

static void test_results_document(void)
{
	pir_result *r = sample(), **v = NULL;
	pir_buf b = PIR_BUF_INIT;
	size_t n = 99;

	pir_buf_puts(&b, "{\"pirscan\": \"0.1.0\", \"items\": [], \"results\": [");
	pir_result_json_write(&b, r, 4);
	pir_buf_puts(&b, ", ");
	pir_result_json_write(&b, r, 4);
	pir_buf_puts(&b, "]}\n");
	CHECK_INT(pir_results_json_parse(&v, &n, b.ptr, b.size), 0);
	CHECK_INT(n, 2);
	for (size_t i = 0; i < n; i++) {
		CHECK_STR(v[i]->info.name, "svc");
		pir_result_free(v[i]);
	}
	free(v);
	CHECK_INT(pir_results_json_parse(&v, &n, "{\"pirscan\": \"0.1.0\"}", 20), PIR_EINVALID);
	CHECK_STR(pir_error_last(), "line 1, column 1: no \"results\" array to read results from");
	CHECK_INT(pir_results_json_parse(&v, &n, "[]", 2), PIR_EINVALID);
	CHECK_STR(pir_error_last(), "line 1, column 1: not the output of pirscan --format json");
	CHECK(v == NULL && n == 0);
	CHECK_INT(pir_results_json_parse(&v, &n, "{\"pirscan\": \"x\", \"results\": []}", 31), 0);
	CHECK(v == NULL && n == 0);
	pir_buf_dispose(&b);
	pir_result_free(r);
}

int main(void)
{
	RUN(test_json_values);
	RUN(test_json_int_bounds);
	RUN(test_json_refused);
	RUN(test_round_trip);
	RUN(test_empty_result);
	RUN(test_refused);
	RUN(test_results_document);
	fprintf(stderr, "%d checks, %d failures\n", test_checks, test_failures);
	return test_failures != 0;
}
