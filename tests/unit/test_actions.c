/* SPDX-License-Identifier: MIT */
#include "internal.h"
#include "test.h"

/* Parse from an exact-size heap copy, so that reading past `len` is caught
 * by the sanitizers: the parser must not expect a terminating NUL. */
static int parse_n(pir_entry_list *l, const char *s, size_t len, const char *const *sev)
{
	char *copy = malloc(len ? len : 1);
	int err;

	memset(l, 0, sizeof(*l));
	memcpy(copy, s, len);
	err = pir_actions_parse(l, copy, len, sev);
	free(copy);
	return err;
}

static int parse(pir_entry_list *l, const char *s)
{
	return parse_n(l, s, strlen(s), NULL);
}

static pir_date date(const char *s)
{
	pir_date d = PIR_DATE_NONE;
	CHECK_INT(pir_date_parse(&d, s, strlen(s)), 0);
	return d;
}

static bool has(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}

/* No message may carry a control character. */
static void check_messages(const pir_entry_list *l)
{
	for (size_t i = 0; i < l->diags.n; i++)
		for (const char *p = l->diags.v[i].message; *p; p++)
			CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

#define CHECK_DIAG(l, i, lvl, cd, ln, col)                                                         \
	do {                                                                                       \
		CHECK((l)->diags.n > (i));                                                         \
		if ((l)->diags.n > (i)) {                                                          \
			CHECK_INT((l)->diags.v[i].level, lvl);                                     \
			CHECK_STR((l)->diags.v[i].code, cd);                                       \
			CHECK_INT((l)->diags.v[i].line, ln);                                       \
			CHECK_INT((l)->diags.v[i].column, col);                                    \
		}                                                                                  \
	} while (0)

#define MSG(l, i) ((l)->diags.n > (i) ? (l)->diags.v[i].message : NULL)

static const char example[] = "action_items:\n"
			      "  - id: PIR-2026-05-24-001\n"
			      "    title: Add JSON Schema validation to all service configs\n"
			      "    owner: \"@alice\"\n"
			      "    due: \"2026-05-31\"\n"
			      "    severity: high\n"
			      "    linked_incident: \"INC-2891\"\n";

static void check_example(const pir_entry_list *l)
{
	const pir_entry *e = &l->v[0];

	CHECK_INT(l->n, 1);
	CHECK_INT(l->diags.n, 0);
	if (l->n != 1)
		return;
	CHECK_INT(e->line, 2);
	CHECK_INT(e->column, 5);
	CHECK_STR(e->id, "PIR-2026-05-24-001");
	CHECK_STR(e->title, "Add JSON Schema validation to all service configs");
	CHECK_STR(e->owner, "@alice");
	CHECK_STR(e->due_raw, "2026-05-31");
	CHECK_INT(e->due, date("2026-05-31"));
	CHECK_STR(e->severity, "high");
	CHECK_INT(e->severity_rank, 1);
	CHECK_STR(e->status, NULL);
	CHECK(!e->closed);
	CHECK_STR(e->incident, "INC-2891");
	CHECK(!e->invalid);
	CHECK_INT(e->nfields, 0);
}

static void test_issue_example(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, example), 0);
	check_example(&l);
	pir_entry_list_clear(&l);
	CHECK(l.v == NULL && l.n == 0 && l.cap == 0);
	CHECK(l.diags.v == NULL && l.diags.n == 0 && l.diags.cap == 0);
}

static void test_crlf(void)
{
	pir_entry_list l;
	char crlf[sizeof(example) * 2];
	size_t n = 0;

	for (const char *p = example; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	CHECK_INT(parse_n(&l, crlf, n, NULL), 0);
	check_example(&l);
	pir_entry_list_clear(&l);

	/* positions after CRLF breaks: the bad date is on line 3 */
	CHECK_INT(parse(&l, "- id: A\r\n  title: T\r\n  due: 2026-02-30\r\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 3, 8);
	pir_entry_list_clear(&l);

	/* and for a syntax error */
	CHECK_INT(parse(&l, "- id: A\r\n  title: \"T\r\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 3, 1);
	pir_entry_list_clear(&l);
}

static void test_unquoted_due(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "action_items:\n- id: A\n  title: T\n  due: 2026-05-31\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 0);
	CHECK_STR(l.v[0].due_raw, "2026-05-31");
	CHECK_INT(l.v[0].due, date("2026-05-31"));
	CHECK(!l.v[0].invalid);
	CHECK_INT(l.v[0].line, 2);
	CHECK_INT(l.v[0].column, 3);
	pir_entry_list_clear(&l);
}

static void test_bare_sequence(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "# comment\n- id: A\n  title: T\n-   id: B\n    title: U\n"), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.diags.n, 0);
	CHECK_STR(l.v[0].id, "A");
	CHECK_INT(l.v[0].line, 2);
	CHECK_INT(l.v[0].column, 3);
	CHECK_STR(l.v[1].id, "B");
	CHECK_STR(l.v[1].title, "U");
	CHECK_INT(l.v[1].line, 4);
	CHECK_INT(l.v[1].column, 5);
	/* absent fields */
	CHECK_STR(l.v[1].owner, NULL);
	CHECK_STR(l.v[1].due_raw, NULL);
	CHECK_INT(l.v[1].due, PIR_DATE_NONE);
	CHECK_STR(l.v[1].severity, NULL);
	CHECK_INT(l.v[1].severity_rank, PIR_SEVERITY_NONE);
	CHECK_STR(l.v[1].incident, NULL);
	pir_entry_list_clear(&l);

	/* a flow sequence of flow mappings */
	CHECK_INT(parse(&l, "[{id: A, title: T}, {id: B, title: U, status: Done}]"), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.diags.n, 0);
	CHECK_INT(l.v[1].line, 1);
	CHECK_INT(l.v[1].column, 21);
	CHECK_STR(l.v[1].status, "done");
	CHECK(l.v[1].closed);
	pir_entry_list_clear(&l);
}

static void test_status(void)
{
	static const struct {
		const char *in, *stored;
		bool closed;
	} ok[] = {
	    {"done", "done", true},	  {"closed", "closed", true}, {"wontfix", "wontfix", true},
	    {"WontFix", "wontfix", true}, {"open", "open", false},    {"Open", "open", false},
	    {"~", NULL, false},		  {"\"\"", NULL, false},
	};
	pir_entry_list l;
	char yaml[128];

	for (size_t i = 0; i < PIR_ARRAY_SIZE(ok); i++) {
		snprintf(yaml, sizeof(yaml), "- id: A\n  title: T\n  status: %s\n", ok[i].in);
		CHECK_INT(parse(&l, yaml), 0);
		CHECK_INT(l.n, 1);
		CHECK_INT(l.diags.n, 0);
		CHECK_STR(l.v[0].status, ok[i].stored);
		CHECK_INT(l.v[0].closed, ok[i].closed);
		CHECK(!l.v[0].invalid);
		pir_entry_list_clear(&l);
	}

	CHECK_INT(parse(&l, "- id: A\n  title: T\n  status: In Progress\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK(l.v[0].invalid);
	CHECK(!l.v[0].closed);
	CHECK_STR(l.v[0].status, "in progress");
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 3, 11);
	CHECK_STR(MSG(&l, 0), "'status' \"in progress\" is not one of open, done, closed, wontfix");
	pir_entry_list_clear(&l);
}

static void test_invalid_dates(void)
{
	static const struct {
		const char *in, *raw, *msg;
	} bad[] = {
	    {"2026-02-30", "2026-02-30", "'due' \"2026-02-30\" is not a valid YYYY-MM-DD date"},
	    {"\"tomorrow\"", "tomorrow", "'due' \"tomorrow\" is not a valid YYYY-MM-DD date"},
	    {"next week", "next week", "'due' \"next week\" is not a valid YYYY-MM-DD date"},
	    {"20260531", "20260531", "'due' \"20260531\" is not a valid YYYY-MM-DD date"},
	    {"2026-5-31", "2026-5-31", "'due' \"2026-5-31\" is not a valid YYYY-MM-DD date"},
	    {"2026-05-31T10:00:00Z", "2026-05-31T10:00:00Z", NULL},
	};
	pir_entry_list l;
	char yaml[128];

	for (size_t i = 0; i < PIR_ARRAY_SIZE(bad); i++) {
		snprintf(yaml, sizeof(yaml), "- id: A\n  title: T\n  due: %s\n", bad[i].in);
		CHECK_INT(parse(&l, yaml), 0);
		CHECK_INT(l.n, 1);
		CHECK(l.v[0].invalid);
		CHECK_INT(l.v[0].due, PIR_DATE_NONE);
		CHECK_STR(l.v[0].due_raw, bad[i].raw);
		CHECK_INT(l.diags.n, 1);
		CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 3, 8);
		if (bad[i].msg)
			CHECK_STR(MSG(&l, 0), bad[i].msg);
		pir_entry_list_clear(&l);
	}

	/* an empty due is no due, not a bad one */
	CHECK_INT(parse(&l, "- id: A\n  title: T\n  due:\n"), 0);
	CHECK_INT(l.diags.n, 0);
	CHECK(!l.v[0].invalid);
	CHECK_STR(l.v[0].due_raw, NULL);
	pir_entry_list_clear(&l);
}

static void test_severity(void)
{
	static const char *const custom[] = {"P1", "p2", "P3", NULL};
	const char *yaml;
	pir_entry_list l;

	CHECK_INT(parse(&l, "- {id: A, title: T, severity: CRITICAL}\n"
			    "- {id: B, title: T, severity: Low}\n"
			    "- {id: C, title: T, severity: urgent}\n"),
		  0);
	CHECK_INT(l.n, 3);
	CHECK_STR(l.v[0].severity, "critical");
	CHECK_INT(l.v[0].severity_rank, 0);
	CHECK(!l.v[0].invalid);
	CHECK_STR(l.v[1].severity, "low");
	CHECK_INT(l.v[1].severity_rank, 3);
	CHECK(l.v[2].invalid);
	CHECK_INT(l.v[2].severity_rank, PIR_SEVERITY_NONE);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 3, 31);
	CHECK_STR(MSG(&l, 0), "'severity' \"urgent\" is not one of critical, high, medium, low");
	pir_entry_list_clear(&l);

	/* a configured list replaces the default one */
	yaml = "- {id: A, title: T, severity: P2}\n- {id: B, title: T, severity: high}\n";
	CHECK_INT(parse_n(&l, yaml, strlen(yaml), custom), 0);
	CHECK_INT(l.n, 2);
	CHECK_STR(l.v[0].severity, "p2");
	CHECK_INT(l.v[0].severity_rank, 1);
	CHECK(!l.v[0].invalid);
	CHECK(l.v[1].invalid);
	CHECK_INT(l.diags.n, 1);
	CHECK_STR(MSG(&l, 0), "'severity' \"high\" is not one of P1, p2, P3");
	pir_entry_list_clear(&l);
}

static void test_missing_id(void)
{
	pir_entry_list l;

	CHECK_INT(
	    parse(&l, "- title: T\n  owner: bob\n- id: \"\"\n  title: T\n- id:\n  title: T\n"), 0);
	CHECK_INT(l.n, 3);
	for (size_t i = 0; i < l.n; i++) {
		CHECK(l.v[i].invalid);
		CHECK_STR(l.v[i].id, NULL);
		CHECK_STR(l.v[i].title, "T");
	}
	CHECK_STR(l.v[0].owner, "bob");
	CHECK_INT(l.diags.n, 3);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 1, 3);
	CHECK_STR(MSG(&l, 0), "'id' is missing");
	CHECK_DIAG(&l, 1, PIR_DIAG_ERROR, "yaml-field", 3, 7);
	CHECK_STR(MSG(&l, 1), "'id' is empty");
	/* an empty plain scalar sits where the value would start */
	CHECK_DIAG(&l, 2, PIR_DIAG_ERROR, "yaml-field", 5, 6);
	CHECK_STR(MSG(&l, 2), "'id' is empty");
	pir_entry_list_clear(&l);
}

static void test_missing_title(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "- id: A\n  owner: bob\n- {}\n"), 0);
	CHECK_INT(l.n, 2);
	CHECK(l.v[0].invalid);
	CHECK(l.v[1].invalid);
	CHECK_INT(l.diags.n, 3);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 1, 3);
	CHECK_STR(MSG(&l, 0), "'title' is missing in entry \"A\"");
	CHECK_DIAG(&l, 1, PIR_DIAG_ERROR, "yaml-field", 3, 3);
	CHECK_STR(MSG(&l, 1), "'id' is missing");
	CHECK_DIAG(&l, 2, PIR_DIAG_ERROR, "yaml-field", 3, 3);
	CHECK_STR(MSG(&l, 2), "'title' is missing");
	pir_entry_list_clear(&l);
}

static void test_non_scalar_fields(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "- id: A\n"
			    "  title: [a, b]\n"
			    "  owner: {name: bob}\n"
			    "  due:\n"
			    "    - 2026-05-31\n"
			    "  linked_incident: INC-1\n"),
		  0);
	CHECK_INT(l.n, 1);
	CHECK(l.v[0].invalid);
	CHECK_STR(l.v[0].id, "A");
	CHECK_STR(l.v[0].title, NULL);
	CHECK_STR(l.v[0].owner, NULL);
	CHECK_STR(l.v[0].due_raw, NULL);
	CHECK_STR(l.v[0].incident, "INC-1");
	/* no extra "title is missing": the bad title was reported */
	CHECK_INT(l.diags.n, 3);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 2, 10);
	CHECK_STR(MSG(&l, 0), "'title' must be a scalar, not a sequence");
	CHECK_DIAG(&l, 1, PIR_DIAG_ERROR, "yaml-field", 3, 10);
	CHECK_STR(MSG(&l, 1), "'owner' must be a scalar, not a mapping");
	CHECK_DIAG(&l, 2, PIR_DIAG_ERROR, "yaml-field", 5, 5);
	CHECK_STR(MSG(&l, 2), "'due' must be a scalar, not a sequence");
	pir_entry_list_clear(&l);
}

static void test_unknown_fields(void)
{
	pir_entry_list l;
	const pir_entry *e;

	CHECK_INT(parse(&l, "- id: A\n"
			    "  priority: 3\n"
			    "  title: T\n"
			    "  tags: [a, \"b\", 1.5, -2e3, true, null, ~, '7', 0123, yes, .inf]\n"
			    "  nums: [-0, 1.5E+10, 1., 1e, 0x1F, +1, 1_000, \"2\", 3]\n"
			    "  meta:\n"
			    "    a: 1\n"
			    "    b: {c: d, 10: [], e: {}}\n"
			    "  note: \"say \\\"hi\\\"\\nback\\\\slash\\ttab\"\n"
			    "  empty:\n"
			    "  block: |\n"
			    "    line one\n"
			    "    line two\n"
			    "  ? [x, y]\n"
			    "  : complex key\n"
			    "  uni: \"caf\\u00e9 \\u2028\"\n"),
		  0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_WARNING, "yaml-field", 14, 5);
	CHECK_STR(MSG(&l, 0), "ignored a key that is a sequence, not a scalar");
	e = &l.v[0];
	CHECK(!e->invalid);
	CHECK_STR(e->title, "T");
	CHECK_INT(e->nfields, 8);
	if (e->nfields == 8) {
		CHECK_STR(e->fields[0].key, "priority");
		CHECK_STR(e->fields[0].json, "3");
		CHECK_STR(e->fields[1].key, "tags");
		CHECK_STR(e->fields[1].json,
			  "[\"a\",\"b\",1.5,-2e3,true,null,null,\"7\",\"0123\",\"yes\",\".inf\"]");
		CHECK_STR(e->fields[2].key, "nums");
		CHECK_STR(e->fields[2].json,
			  "[-0,1.5E+10,\"1.\",\"1e\",\"0x1F\",\"+1\",\"1_000\",\"2\",3]");
		CHECK_STR(e->fields[3].key, "meta");
		CHECK_STR(e->fields[3].json, "{\"a\":1,\"b\":{\"c\":\"d\",\"10\":[],\"e\":{}}}");
		CHECK_STR(e->fields[4].key, "note");
		CHECK_STR(e->fields[4].json, "\"say \\\"hi\\\"\\nback\\\\slash\\ttab\"");
		CHECK_STR(e->fields[5].key, "empty");
		CHECK_STR(e->fields[5].json, "null");
		CHECK_STR(e->fields[6].key, "block");
		CHECK_STR(e->fields[6].json, "\"line one\\nline two\\n\"");
		CHECK_STR(e->fields[7].key, "uni");
		CHECK_STR(e->fields[7].json, "\"caf\xc3\xa9 \\u2028\"");
	}
	pir_entry_list_clear(&l);
}

static void test_complex_json_keys_and_nul(void)
{
	pir_entry_list l;
	const pir_entry *e;

	CHECK_INT(parse(&l, "- id: A\n"
			    "  title: T\n"
			    "  m: {[1, 2]: x, {a: b}: y}\n"
			    "  n: \"a\\0b\\0\"\n"),
		  0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 0);
	e = &l.v[0];
	CHECK_INT(e->nfields, 2);
	if (e->nfields == 2) {
		CHECK_STR(e->fields[0].json, "{\"[1,2]\":\"x\",\"{\\\"a\\\":\\\"b\\\"}\":\"y\"}");
		CHECK_STR(e->fields[1].json, "\"a\\u0000b\\u0000\"");
	}
	pir_entry_list_clear(&l);

	/* a NUL in a known field or in a key cannot be kept in a C string */
	CHECK_INT(parse(&l, "- id: \"A\\0B\"\n  title: T\n  \"k\\0\": 1\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK(l.v[0].invalid);
	CHECK_STR(l.v[0].id, NULL);
	CHECK_INT(l.v[0].nfields, 0);
	CHECK_INT(l.diags.n, 2);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-field", 1, 7);
	CHECK_STR(MSG(&l, 0), "'id' contains a NUL character");
	CHECK_DIAG(&l, 1, PIR_DIAG_WARNING, "yaml-field", 3, 3);
	CHECK_STR(MSG(&l, 1), "key \"k...\" contains a NUL character; ignored");
	pir_entry_list_clear(&l);
}

static void test_duplicate_key(void)
{
	pir_entry_list l;

	CHECK_INT(
	    parse(&l, "- id: A\n  title: first\n  x: 1\n  title: second\n  x: 2\n  'id': B\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK(!l.v[0].invalid);
	CHECK_STR(l.v[0].id, "A");
	CHECK_STR(l.v[0].title, "first");
	CHECK_INT(l.v[0].nfields, 1);
	CHECK_STR(l.v[0].fields[0].json, "1");
	CHECK_INT(l.diags.n, 3);
	CHECK_DIAG(&l, 0, PIR_DIAG_WARNING, "yaml-field", 4, 3);
	CHECK_STR(MSG(&l, 0), "duplicate key \"title\" ignored; the first one is kept");
	CHECK_DIAG(&l, 1, PIR_DIAG_WARNING, "yaml-field", 5, 3);
	CHECK_DIAG(&l, 2, PIR_DIAG_WARNING, "yaml-field", 6, 3);
	CHECK_STR(MSG(&l, 2), "duplicate key \"id\" ignored; the first one is kept");
	pir_entry_list_clear(&l);

	/* a duplicate action_items: the first list is read */
	CHECK_INT(
	    parse(&l, "action_items:\n- {id: A, title: T}\naction_items:\n- {id: B, title: T}\n"),
	    0);
	CHECK_INT(l.n, 1);
	CHECK_STR(l.v[0].id, "A");
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_WARNING, "yaml-schema", 3, 1);
	pir_entry_list_clear(&l);
}

static void test_non_mapping_item(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "action_items:\n"
			    "  - just a string\n"
			    "  - [1, 2]\n"
			    "  - id: A\n"
			    "    title: T\n"
			    "  -\n"),
		  0);
	CHECK_INT(l.n, 1);
	CHECK_STR(l.v[0].id, "A");
	CHECK_INT(l.v[0].line, 4);
	CHECK_INT(l.diags.n, 3);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-schema", 2, 5);
	CHECK_STR(MSG(&l, 0), "action item must be a mapping, found \"just a string\"");
	CHECK_DIAG(&l, 1, PIR_DIAG_ERROR, "yaml-schema", 3, 5);
	CHECK_STR(MSG(&l, 1), "action item must be a mapping, not a sequence");
	CHECK_DIAG(&l, 2, PIR_DIAG_ERROR, "yaml-schema", 6, 4);
	CHECK_STR(MSG(&l, 2), "action item is empty");
	pir_entry_list_clear(&l);
}

static void test_wrong_shapes(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "version: 1\nitems:\n  - id: A\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_WARNING, "yaml-schema", 1, 1);
	CHECK_STR(MSG(&l, 0), "no action_items key");
	pir_entry_list_clear(&l);

	CHECK_INT(parse(&l, "action_items:\n  id: A\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-schema", 2, 3);
	CHECK_STR(MSG(&l, 0), "'action_items' must be a sequence, not a mapping");
	pir_entry_list_clear(&l);

	CHECK_INT(parse(&l, "just text\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-schema", 1, 1);
	pir_entry_list_clear(&l);

	/* other top-level keys are ignored silently */
	CHECK_INT(parse(&l, "version: 2\naction_items:\n- {id: A, title: T}\nowners: [a]\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 0);
	pir_entry_list_clear(&l);
}

static void test_malformed(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "action_items:\n  - id: [unclosed\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 3, 1);
	CHECK_STR(MSG(&l, 0), "did not find expected ',' or ']' "
			      "(while parsing a flow sequence at line 2 column 9)");
	pir_entry_list_clear(&l);

	CHECK_INT(parse(&l, "- id: A\n  title: T\n bad: indent\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 3, 2);
	pir_entry_list_clear(&l);

	CHECK_INT(parse(&l, "- id: *nowhere\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 1, 7);
	CHECK_STR(MSG(&l, 0), "found undefined alias");
	pir_entry_list_clear(&l);
}

static void test_empty(void)
{
	static const char *const empty[] = {
	    "",	       "\n",	     "# nothing\n",	"---\n",
	    "--- ~\n", "---\n...\n", "action_items:\n", "action_items: []\n",
	    "[]",      "null"};
	pir_entry_list l;

	for (size_t i = 0; i < PIR_ARRAY_SIZE(empty); i++) {
		CHECK_INT(parse(&l, empty[i]), 0);
		CHECK_INT(l.n, 0);
		CHECK_INT(l.diags.n, 0);
		pir_entry_list_clear(&l);
	}
	memset(&l, 0, sizeof(l));
	CHECK_INT(pir_actions_parse(&l, NULL, 0, NULL), 0);
	CHECK_INT(l.n + l.diags.n, 0);
	pir_entry_list_clear(&l);
	pir_entry_list_clear(NULL);
}

static void test_embedded_nul(void)
{
	static const char yaml[] = "action_items:\n  - id: A\0B\n    title: T\n";
	pir_entry_list l;

	CHECK_INT(parse_n(&l, yaml, sizeof(yaml) - 1, NULL), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 2, 10);
	CHECK_STR(MSG(&l, 0), "control characters are not allowed (0x00)");
	pir_entry_list_clear(&l);

	/* everything up to len is read, nothing after it */
	CHECK_INT(parse_n(&l, "- {id: A, title: T}\n- {id: B, title: U}\n", 20, NULL), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 0);
	pir_entry_list_clear(&l);
}

static void test_invalid_utf8(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "- id: A\n  title: caf\xc3\xa9 \xff\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 2, 15);
	CHECK_STR(MSG(&l, 0), "invalid leading UTF-8 octet (0xFF)");
	pir_entry_list_clear(&l);

	/* a byte order mark is skipped and not counted */
	CHECK_INT(parse(&l, "\xef\xbb\xbf- {id: A, title: T}\n- {id: B, title: \xc3\x28}\n"), 0);
	CHECK_INT(l.n, 0);
	/* libyaml points at the byte that breaks the sequence */
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 2, 19);
	CHECK_STR(MSG(&l, 0), "invalid trailing UTF-8 octet (0x28)");
	pir_entry_list_clear(&l);
	CHECK_INT(parse(&l, "\xef\xbb\xbf- {id: A, title: T}\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.v[0].line, 1);
	CHECK_INT(l.v[0].column, 3);
	pir_entry_list_clear(&l);
}

static void test_two_documents(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "- id: A\n  title: T\n---\naction_items:\n  - id: B\n    title: U\n"
			    "--- # empty\n...\n---\nother: 1\n"),
		  0);
	CHECK_INT(l.n, 2);
	CHECK_STR(l.v[0].id, "A");
	CHECK_STR(l.v[1].id, "B");
	CHECK_INT(l.v[1].line, 5);
	CHECK_INT(l.v[1].column, 5);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_WARNING, "yaml-schema", 10, 1);
	pir_entry_list_clear(&l);

	/* a broken second document keeps the first one's entries */
	CHECK_INT(parse(&l, "- id: A\n  title: T\n---\n- id: B\n  title: \"U\n"), 0);
	CHECK_INT(l.n, 1);
	CHECK_STR(l.v[0].id, "A");
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 6, 1);
	CHECK(has(MSG(&l, 0), "while scanning a quoted scalar at line 5 column 10"));
	pir_entry_list_clear(&l);
}

static void test_aliases(void)
{
	pir_entry_list l;

	CHECK_INT(parse(&l, "- {id: A, title: T, owner: &o \"@alice\", tags: &t [x, y]}\n"
			    "- {id: B, title: T, owner: *o, tags: *t}\n"),
		  0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.diags.n, 0);
	CHECK_STR(l.v[1].owner, "@alice");
	CHECK_INT(l.v[1].nfields, 1);
	CHECK_STR(l.v[1].fields[0].json, "[\"x\",\"y\"]");
	pir_entry_list_clear(&l);

	/* an alias to its own collection must not loop */
	CHECK_INT(parse(&l, "- {id: A, title: T}\n- &e {id: B, title: T, self: *e}\n"), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 2, 3);
	CHECK(has(MSG(&l, 0), "deeper than 100 levels"));
	pir_entry_list_clear(&l);
}

static void test_alias_bomb(void)
{
	static const char bomb[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
				   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
				   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
				   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
				   "action_items:\n- {id: A, title: T, x: *h}\n"
				   "---\n- {id: B, title: T}\n";
	pir_entry_list l;

	CHECK_INT(parse(&l, bomb), 0);
	/* the bomb is refused, the next document is still read */
	CHECK_INT(l.n, 1);
	CHECK_STR(l.v[0].id, "B");
	CHECK_INT(l.diags.n, 1);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-syntax", 1, 1);
	CHECK_STR(MSG(&l, 0), "aliases expand the document too much; document ignored");
	pir_entry_list_clear(&l);
}

static void test_deep_nesting(void)
{
	size_t n = 200000;
	char *deep = malloc(n + 64);
	size_t len;
	pir_entry_list l;

	/* 100 levels are fine */
	len = (size_t)sprintf(deep, "- {id: A, title: T, x: ");
	for (size_t i = 0; i < 98; i++)
		deep[len++] = '[';
	for (size_t i = 0; i < 98; i++)
		deep[len++] = ']';
	deep[len++] = '}';
	CHECK_INT(parse_n(&l, deep, len, NULL), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.diags.n, 0);
	CHECK_INT(l.v[0].nfields, 1);
	CHECK_INT(strlen(l.v[0].fields[0].json), 2 * 98);
	pir_entry_list_clear(&l);

	/* one more is not, and deep input must not take long */
	memcpy(deep, "- ok\n---\n", 9);
	memset(deep + 9, '[', n);
	CHECK_INT(parse_n(&l, deep, n + 9, NULL), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.diags.n, 2);
	CHECK_DIAG(&l, 0, PIR_DIAG_ERROR, "yaml-schema", 1, 3);
	CHECK_DIAG(&l, 1, PIR_DIAG_ERROR, "yaml-syntax", 3, 101);
	CHECK_STR(MSG(&l, 1), "collections nested deeper than 100 levels; the rest of the file is "
			      "ignored");
	pir_entry_list_clear(&l);
	free(deep);
}

/* The shared preflight's anchor limit, counted per document: 1000 anchors in
 * each of two documents pass, a 1001st in one document refuses the rest. */
static void test_anchor_limit(void)
{
	pir_buf yaml = PIR_BUF_INIT;
	pir_entry_list l;

	for (int d = 0; d < 2; d++) {
		pir_buf_puts(&yaml, "---\n- {id: A, title: T}\n");
		for (int i = 0; i < 1000; i++)
			pir_buf_printf(&yaml, "- &a%d x\n", i);
	}
	CHECK_INT(parse_n(&l, yaml.ptr, yaml.size, NULL), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.diags.n, 2 * 1000); /* "action item must be a mapping" */
	for (size_t i = 0; i < l.diags.n; i++)
		CHECK_STR(l.diags.v[i].code, "yaml-schema");
	pir_entry_list_clear(&l);

	pir_buf_puts(&yaml, "- &a1000 x\n");
	CHECK_INT(parse_n(&l, yaml.ptr, yaml.size, NULL), 0);
	CHECK_INT(l.n, 1); /* the first document is read, the second refused */
	CHECK_INT(l.diags.n, 1000 + 1);
	CHECK_DIAG(&l, 1000, PIR_DIAG_ERROR, "yaml-syntax", 2005, 3);
	CHECK_STR(MSG(&l, 1000), "more than 1000 anchors in a document; the rest of the file is "
				 "ignored");
	pir_entry_list_clear(&l);
	pir_buf_dispose(&yaml);
}

static void test_message_escaping(void)
{
	pir_entry_list l;
	char yaml[512];
	const char *msg;

	/* a 100-byte value is cut, on a character boundary */
	snprintf(
	    yaml, sizeof(yaml), "- {id: A, title: T, due: \"%s%s\"}",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "0123456789012345678901234567890123456789");
	CHECK_INT(parse(&l, yaml), 0);
	msg = MSG(&l, 0);
	CHECK(msg && pir_utf8_valid(msg, strlen(msg)));
	CHECK(has(msg, "\xc3\xa9x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		       "\xc3\xa9\xc3\xa9...\" is not a valid"));
	CHECK(msg && strlen(msg) < 120);
	pir_entry_list_clear(&l);

	/* control characters are escaped */
	CHECK_INT(parse(&l, "- {id: A, title: T, status: \"x\\ny\\e\\r\"}"), 0);
	CHECK_STR(MSG(&l, 0), "'status' \"x\\x0ay\\x1b\\x0d\" is not one of open, done, closed, "
			      "wontfix");
	check_messages(&l);
	pir_entry_list_clear(&l);
}

int main(void)
{
	RUN(test_issue_example);
	RUN(test_crlf);
	RUN(test_unquoted_due);
	RUN(test_bare_sequence);
	RUN(test_status);
	RUN(test_invalid_dates);
	RUN(test_severity);
	RUN(test_missing_id);
	RUN(test_missing_title);
	RUN(test_non_scalar_fields);
	RUN(test_unknown_fields);
	RUN(test_complex_json_keys_and_nul);
	RUN(test_duplicate_key);
	RUN(test_non_mapping_item);
	RUN(test_wrong_shapes);
	RUN(test_malformed);
	RUN(test_empty);
	RUN(test_embedded_nul);
	RUN(test_invalid_utf8);
	RUN(test_two_documents);
	RUN(test_aliases);
	RUN(test_alias_bomb);
	RUN(test_deep_nesting);
	RUN(test_anchor_limit);
	RUN(test_message_escaping);
	return test_summary();
}
