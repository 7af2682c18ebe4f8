/* SPDX-License-Identifier: MIT */
#include "internal.h"
#include "test.h"

static pir_marker_matcher *matcher;
static pir_marker_scratch *scratch;

static pir_marker_list scan(const char *text)
{
	pir_marker_list l = {0};
	CHECK_INT(pir_marker_scan(&l, matcher, scratch, text, strlen(text)), 0);
	return l;
}

/* One marker expected in `text`: check its fields. */
static void one(const char *text, unsigned line, unsigned col, const char *mtext,
		const char *id, const char *ref, const char *note)
{
	pir_marker_list l = scan(text);
	CHECK_INT(l.n, 1);
	if (l.n >= 1) {
		CHECK_INT(l.v[0].line, line);
		CHECK_INT(l.v[0].column, col);
		CHECK_STR(l.v[0].text, mtext);
		CHECK_STR(l.v[0].id, id);
		CHECK_STR(l.v[0].ref, ref);
		CHECK_STR(l.v[0].note, note);
		CHECK(l.v[0].incident == NULL);
	}
	pir_marker_list_clear(&l);
}

static void none(const char *text)
{
	pir_marker_list l = scan(text);
	CHECK_INT(l.n, 0);
	if (l.n)
		fprintf(stderr, "  unexpected marker in: %s\n", text);
	pir_marker_list_clear(&l);
}

static void test_default_grammar(void)
{
	one("// TODO PIR-2026-05-24-001: validate the config\n", 1, 4,
	    "TODO PIR-2026-05-24-001: validate the config", "PIR-2026-05-24-001", NULL,
	    "validate the config");
	one("# TODO PIR INC-2891 add a smoke test\n", 1, 3, "TODO PIR INC-2891 add a smoke test",
	    NULL, "INC-2891", "add a smoke test");
	one("x = 1; /* TODO PIR(INC-2891): retry budget */\n", 1, 11,
	    "TODO PIR(INC-2891): retry budget", NULL, "INC-2891", "retry budget");
	one("<!-- TODO PIR(PIR-2026-05-24-002): fix the docs -->", 1, 6,
	    "TODO PIR(PIR-2026-05-24-002): fix the docs", NULL, "PIR-2026-05-24-002",
	    "fix the docs");
	one("-- TODO PIR: no reference at all\n", 1, 4, "TODO PIR: no reference at all", NULL,
	    NULL, "no reference at all");
	one("TODO PIR\n", 1, 1, "TODO PIR", NULL, NULL, NULL);
	one("(* TODO PIR-7 ocaml *)", 1, 4, "TODO PIR-7 ocaml", "PIR-7", NULL, "ocaml");
	one("{- TODO PIR-8: haskell -}", 1, 4, "TODO PIR-8: haskell", "PIR-8", NULL, "haskell");
	one("{# TODO PIR-9: jinja #}", 1, 4, "TODO PIR-9: jinja", "PIR-9", NULL, "jinja");
	/* a trailing period is not part of the ID */
	one("# TODO PIR-2026-05-24-001.\n", 1, 3, "TODO PIR-2026-05-24-001.",
	    "PIR-2026-05-24-001", NULL, ".");
	/* lower-case words after TODO PIR are text, not a reference */
	one("# TODO PIR re-check the retry loop\n", 1, 3, "TODO PIR re-check the retry loop",
	    NULL, NULL, "re-check the retry loop");
}

static void test_not_markers(void)
{
	none("TODO PIRATE ship\n");
	none("XTODO PIR-1: no\n");
	none("TODO: PIR-1 is not the grammar\n");
	none("todo pir-1 lower case\n");
	none("TODO PIR_1\n");
	none("");
	none("TODO");
}

static void test_lines_and_crlf(void)
{
	const char *text = "a\r\nb\r\n// TODO PIR-1: first\r\n\r\n\n# TODO PIR INC-2 second\r\n";
	pir_marker_list l = scan(text);

	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_INT(l.v[0].line, 3);
		CHECK_STR(l.v[0].text, "TODO PIR-1: first");
		CHECK_STR(l.v[0].note, "first");
		CHECK_INT(l.v[1].line, 6);
		CHECK_INT(l.v[1].column, 3);
		CHECK_STR(l.v[1].note, "second");
	}
	pir_marker_list_clear(&l);
}

static void test_no_trailing_newline_and_nul(void)
{
	static const char text[] = "x\0y\n// TODO PIR-3: after a NUL";
	pir_marker_list l = {0};

	CHECK_INT(pir_marker_scan(&l, matcher, scratch, text, sizeof(text) - 1), 0);
	CHECK_INT(l.n, 1);
	if (l.n)
		CHECK_INT(l.v[0].line, 2);
	pir_marker_list_clear(&l);
}

static void test_many(void)
{
	pir_buf b = PIR_BUF_INIT;
	pir_marker_list l = {0};

	for (int i = 0; i < 5000; i++)
		pir_buf_printf(&b, "line %d TODO not a marker\n// TODO PIR-%d: x\n", i, i);
	CHECK_INT(pir_marker_scan(&l, matcher, scratch, b.ptr, b.size), 0);
	CHECK_INT(l.n, 5000);
	if (l.n == 5000) {
		CHECK_INT(l.v[4999].line, 10000);
		CHECK_STR(l.v[4999].id, "PIR-4999");
	}
	pir_marker_list_clear(&l);
	pir_buf_dispose(&b);
}

/*
 * The literal search reads 16 bytes at a time: a marker at every offset of
 * buffers of every length around that block, among near misses ('T' with an
 * 'O' three bytes on, "TOD"), is found exactly once, at its column.
 */
static void test_every_offset(void)
{
	static const char noise[] = "T  O TOD TxxO ";
	static const char mark[] = "TODO PIR X-1 t";
	char buf[96];
	pir_marker_list l = {0};

	for (size_t len = 0; len <= 64; len++) {
		for (size_t at = 0; at + sizeof(mark) - 1 <= len; at++) {
			bool ok;
			for (size_t i = 0; i < len; i++)
				buf[i] = noise[i % (sizeof(noise) - 1)];
			if (at)
				buf[at - 1] = ' ';
			memcpy(buf + at, mark, sizeof(mark) - 1);
			CHECK_INT(pir_marker_scan(&l, matcher, scratch, buf, len), 0);
			ok = l.n == 1 && l.v[0].column == at + 1 && l.v[0].ref &&
			     !strcmp(l.v[0].ref, "X-1");
			if (!ok)
				fprintf(stderr, "len %zu at %zu: %zu markers\n", len, at, l.n);
			CHECK(ok);
			pir_marker_list_clear(&l);
		}
		/* the noise alone holds none */
		for (size_t i = 0; i < len; i++)
			buf[i] = noise[i % (sizeof(noise) - 1)];
		CHECK_INT(pir_marker_scan(&l, matcher, scratch, buf, len), 0);
		CHECK_INT(l.n, 0);
		pir_marker_list_clear(&l);
	}
}

static void test_custom_pattern(void)
{
	pir_marker_matcher *m = NULL;
	pir_marker_scratch *s = NULL;
	pir_marker_list l = {0};
	const char *text = "ok\n# FIXME(INC-42) [AI-7] tidy up\n# FIXME nothing\n";

	CHECK_INT(pir_marker_matcher_new(&m, "FIXME\\((?<incident>[A-Z]+-\\d+)\\) \\[(?<id>[^]]+)\\] "
					     "(?<text>.*)$"),
		  0);
	CHECK_INT(pir_marker_scratch_new(&s, m), 0);
	CHECK_INT(pir_marker_scan(&l, m, s, text, strlen(text)), 0);
	CHECK_INT(l.n, 1);
	if (l.n) {
		CHECK_INT(l.v[0].line, 2);
		CHECK_INT(l.v[0].column, 3);
		CHECK_STR(l.v[0].id, "AI-7");
		CHECK_STR(l.v[0].incident, "INC-42");
		CHECK_STR(l.v[0].note, "tidy up");
		CHECK(l.v[0].ref == NULL);
	}
	pir_marker_list_clear(&l);
	pir_marker_scratch_free(s);
	pir_marker_matcher_free(m);

	CHECK_INT(pir_marker_matcher_new(&m, "TODO(unclosed"), PIR_EINVALID);
	CHECK(m == NULL);
	CHECK(strstr(pir_error_last(), "invalid marker pattern") != NULL);
	pir_marker_matcher_free(NULL);
	pir_marker_scratch_free(NULL);
}

int main(void)
{
	CHECK_INT(pir_marker_matcher_new(&matcher, NULL), 0);
	CHECK_INT(pir_marker_scratch_new(&scratch, matcher), 0);
	RUN(test_default_grammar);
	RUN(test_not_markers);
	RUN(test_lines_and_crlf);
	RUN(test_no_trailing_newline_and_nul);
	RUN(test_many);
	RUN(test_every_offset);
	RUN(test_custom_pattern);
	pir_marker_scratch_free(scratch);
	pir_marker_matcher_free(matcher);
	return test_summary();
}
