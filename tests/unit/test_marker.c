/* SPDX-License-Identifier: MIT */
#include "internal.h"
#include "test.h"

static pir_marker_matcher *matcher;
static pir_marker_scratch *scratch;

static pir_marker_list scan(const char *text)
{
	pir_marker_list l = {0};
	CHECK_INT(pir_marker_scan(&l, matcher, scratch, text, strlen(text), 0), 0);
	return l;
}

/* One marker expected in `text`: check its fields. */
static void one(const char *text, unsigned line, unsigned col, const char *mtext, const char *id,
		const char *ref, const char *note)
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
	one("-- TODO PIR: no reference at all\n", 1, 4, "TODO PIR: no reference at all", NULL, NULL,
	    "no reference at all");
	one("TODO PIR\n", 1, 1, "TODO PIR", NULL, NULL, NULL);
	one("(* TODO PIR-7 ocaml *)", 1, 4, "TODO PIR-7 ocaml", "PIR-7", NULL, "ocaml");
	one("{- TODO PIR-8: haskell -}", 1, 4, "TODO PIR-8: haskell", "PIR-8", NULL, "haskell");
	one("{# TODO PIR-9: jinja #}", 1, 4, "TODO PIR-9: jinja", "PIR-9", NULL, "jinja");
	/* a trailing period is not part of the ID */
	one("# TODO PIR-2026-05-24-001.\n", 1, 3, "TODO PIR-2026-05-24-001.", "PIR-2026-05-24-001",
	    NULL, ".");
	/* lower-case words after TODO PIR are text, not a reference */
	one("# TODO PIR re-check the retry loop\n", 1, 3, "TODO PIR re-check the retry loop", NULL,
	    NULL, "re-check the retry loop");
}

static void test_not_markers(void)
{
	none("TODO PIRATE ship\n");
	none("XTODO PIR-1: no\n");
	none("TODO(bob): not a PIR reference\n");
	none("TODOS PIR-1\n");
	none("FIXMEPIR-1\n");
	none("TODO fix PIR-1 later\n");
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

	CHECK_INT(pir_marker_scan(&l, matcher, scratch, text, sizeof(text) - 1, 0), 0);
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
	CHECK_INT(pir_marker_scan(&l, matcher, scratch, b.ptr, b.size, 0), 0);
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
/* A compact list keeps each marker's line, column and text, in order, and nothing else. */
static void test_compact(void)
{
	const char *src = "// TODO PIR-2026-01-02-003: first\nx\n# TODO PIR(INC-7) second\n"
			  "/* TODO PIR-2026-01-02-003: first */\n";
	pir_marker_list full = scan(src), l = scan(src), none_ = {0};

	CHECK_INT(l.n, 3);
	CHECK_INT(pir_marker_list_compact(&l), 0);
	CHECK(l.texts != NULL);
	CHECK_INT(l.n, full.n);
	for (size_t i = 0; i < l.n && i < full.n; i++) {
		CHECK_INT(l.v[i].line, full.v[i].line);
		CHECK_INT(l.v[i].column, full.v[i].column);
		CHECK_STR(l.v[i].text, full.v[i].text);
		CHECK(l.v[i].id == NULL && l.v[i].incident == NULL && l.v[i].ref == NULL &&
		      l.v[i].note == NULL);
	}
	CHECK_INT(pir_marker_list_compact(&l), 0); /* twice: no change */
	CHECK_INT(l.n, 3);
	CHECK_INT(pir_marker_list_compact(&none_), 0); /* empty: stays empty */
	CHECK(none_.texts == NULL);
	pir_marker_list_clear(&l);
	CHECK(l.texts == NULL && l.v == NULL && l.n == 0);
	pir_marker_list_clear(&full);
}

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
			CHECK_INT(pir_marker_scan(&l, matcher, scratch, buf, len, 0), 0);
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
		CHECK_INT(pir_marker_scan(&l, matcher, scratch, buf, len, 0), 0);
		CHECK_INT(l.n, 0);
		pir_marker_list_clear(&l);
	}
}

/* A matcher and scratch for `patterns` (NULL-terminated), scanned over `text`. */
typedef struct {
	pir_marker_matcher *m;
	pir_marker_scratch *s;
	pir_marker_list l;
} custom;

static void custom_scan(custom *c, const char *const *patterns, unsigned mflags, const char *text,
			unsigned sflags)
{
	memset(c, 0, sizeof(*c));
	CHECK_INT(pir_marker_matcher_new(&c->m, patterns, mflags), 0);
	if (!c->m)
		return;
	CHECK_INT(pir_marker_scratch_new(&c->s, c->m), 0);
	CHECK_INT(pir_marker_scan(&c->l, c->m, c->s, text, strlen(text), sflags), 0);
}

static void custom_done(custom *c)
{
	pir_marker_list_clear(&c->l);
	pir_marker_scratch_free(c->s);
	pir_marker_matcher_free(c->m);
}

static void test_custom_pattern(void)
{
	const char *pat[] = {"FIXME\\((?<incident>[A-Z]+-\\d+)\\) \\[(?<id>[^]]+)\\] (?<text>.*)$",
			     NULL};
	const char *bad[] = {"TODO(unclosed", NULL};
	pir_marker_matcher *m = NULL;
	custom c;

	custom_scan(&c, pat, 0, "ok\n# FIXME(INC-42) [AI-7] tidy up\r\n# FIXME nothing\n", 0);
	CHECK_INT(c.l.n, 1);
	if (c.l.n) {
		CHECK_INT(c.l.v[0].line, 2);
		CHECK_INT(c.l.v[0].column, 3);
		CHECK_STR(c.l.v[0].id, "AI-7");
		CHECK_STR(c.l.v[0].incident, "INC-42");
		CHECK_STR(c.l.v[0].note, "tidy up");
		CHECK(c.l.v[0].ref == NULL);
	}
	custom_done(&c);

	CHECK_INT(pir_marker_matcher_new(&m, bad, 0), PIR_EINVALID);
	CHECK(m == NULL);
	CHECK(strstr(pir_error_last(), "invalid marker pattern") != NULL);
	pir_marker_matcher_free(NULL);
	pir_marker_scratch_free(NULL);
}

/* The forms people write for the same marker. */
static void test_more_forms(void)
{
	one("// TODO(PIR-2026-05-24-001): validate it\n", 1, 4,
	    "TODO(PIR-2026-05-24-001): validate it", "PIR-2026-05-24-001", NULL, "validate it");
	one("# TODO (PIR-7) spaced\n", 1, 3, "TODO (PIR-7) spaced", "PIR-7", NULL, "spaced");
	one("// TODO: PIR-2026-05-24-001 validate it\n", 1, 4,
	    "TODO: PIR-2026-05-24-001 validate it", "PIR-2026-05-24-001", NULL, "validate it");
	one("# FIXME PIR-3: retry\n", 1, 3, "FIXME PIR-3: retry", "PIR-3", NULL, "retry");
	one(" * @todo PIR-4 document the flag\n", 1, 5, "todo PIR-4 document the flag", "PIR-4",
	    NULL, "document the flag");
	/* any case: the ID's prefix is written PIR, as action-items files do */
	one("// todo pir-5: lower case\n", 1, 4, "todo pir-5: lower case", "PIR-5", NULL,
	    "lower case");
	one("-- Todo Pir(INC-9) mixed\n", 1, 4, "Todo Pir(INC-9) mixed", NULL, "INC-9", "mixed");
	one("// fixme: pir: nothing named\n", 1, 4, "fixme: pir: nothing named", NULL, NULL,
	    "nothing named");
	/* a lower-case key is text, as before */
	one("# todo pir inc-9 text\n", 1, 3, "todo pir inc-9 text", NULL, NULL, "inc-9 text");
	/* a keyword that is no marker does not hide the one after it */
	one("// TODO: x; FIXME PIR-6 y\n", 1, 13, "FIXME PIR-6 y", "PIR-6", NULL, "y");
}

/* The title ends where the comment, string or element holding the marker does. */
static void test_title_ends(void)
{
	one("\tprintf(\"TODO PIR-1: fix it\"); }\n", 1, 10, "TODO PIR-1: fix it", "PIR-1", NULL,
	    "fix it");
	one("x = \"\"\"TODO PIR-1: doc it\"\"\"\n", 1, 8, "TODO PIR-1: doc it", "PIR-1", NULL,
	    "doc it");
	one("    TODO PIR-1: end of a docstring.\"\"\"\n", 1, 5, "TODO PIR-1: end of a docstring.",
	    "PIR-1", NULL, "end of a docstring.");
	one("<p>TODO PIR-1: fix the page</p><p>more</p>\n", 1, 4, "TODO PIR-1: fix the page",
	    "PIR-1", NULL, "fix the page");
	one("fix the page TODO PIR-1: now</li >\n", 1, 14, "TODO PIR-1: now", "PIR-1", NULL, "now");
	one("/* TODO PIR-1: fix */ int x; /* other */\n", 1, 4, "TODO PIR-1: fix", "PIR-1", NULL,
	    "fix");
	one("<!-- TODO PIR-1: docs --> <b>x</b>\n", 1, 6, "TODO PIR-1: docs", "PIR-1", NULL,
	    "docs");
	one("s = 'TODO PIR-1: it's here'; t()\n", 1, 6, "TODO PIR-1: it's here", "PIR-1", NULL,
	    "it's here");
	one("log(f'TODO PIR-1: {x}')\n", 1, 7, "TODO PIR-1: {x}", "PIR-1", NULL, "{x}");
	one("s = \"a \\\" TODO PIR-1: esc \\\" b\" + c\n", 1, 11, "TODO PIR-1: esc \\\" b", "PIR-1",
	    NULL, "esc \\\" b");
	/* in a line comment, quotes are prose */
	one("x(); // TODO PIR-1: don't \"quote\" me); }\n", 1, 9,
	    "TODO PIR-1: don't \"quote\" me); }", "PIR-1", NULL, "don't \"quote\" me); }");
	one("Don't forget: TODO PIR-1: it's fine\n", 1, 15, "TODO PIR-1: it's fine", "PIR-1", NULL,
	    "it's fine");
	/* a string that does not close on its line runs to the end of it */
	one("x = `TODO PIR-1: multi\n", 1, 6, "TODO PIR-1: multi", "PIR-1", NULL, "multi");
}

/* The closest opener before the marker decides: a '#' before a word is no comment. */
static void test_closest_opener(void)
{
	one("#define MSG \"TODO PIR-2026-01-01-001: x\"\n", 1, 14, "TODO PIR-2026-01-01-001: x",
	    "PIR-2026-01-01-001", NULL, "x");
	one("a { color: #fff; /* TODO PIR-2026-01-01-001: css comment */ }\n", 1, 21,
	    "TODO PIR-2026-01-01-001: css comment", "PIR-2026-01-01-001", NULL, "css comment");
	/* a string in a line comment ends where its quote does */
	one("// printf(\"TODO PIR-1: x\"); }\n", 1, 12, "TODO PIR-1: x", "PIR-1", NULL, "x");
	one("x = 1  # see \"TODO PIR-1: y\" there\n", 1, 15, "TODO PIR-1: y", "PIR-1", NULL, "y");
	/* ... but a comment after the string is a comment: quotes in it are prose */
	one("s = \"a\"  # TODO PIR-1: fix \"it\" now\n", 1, 12, "TODO PIR-1: fix \"it\" now",
	    "PIR-1", NULL, "fix \"it\" now");
	one("#TODO PIR-1: glued \"quote\" }\n", 1, 2, "TODO PIR-1: glued \"quote\" }", "PIR-1",
	    NULL, "glued \"quote\" }");
	/* "--flag" is no comment, "-- " is */
	one("run --msg \"TODO PIR-1: z\" --x\n", 1, 12, "TODO PIR-1: z", "PIR-1", NULL, "z");
	/* an issue number is no comment: the element decides */
	one("<p>see #42 TODO PIR-1: w</p> more\n", 1, 12, "TODO PIR-1: w", "PIR-1", NULL, "w");
	/* a URL in a start tag is no comment */
	one("<a href=http://x.org/a>TODO PIR-1: link</a> tail\n", 1, 24, "TODO PIR-1: link",
	    "PIR-1", NULL, "link");
	/* a comment opened after an element decides over it */
	one("<li>// TODO PIR-1: v</li> tail\n", 1, 8, "TODO PIR-1: v</li> tail", "PIR-1", NULL,
	    "v</li> tail");
	one("<li>// TODO PIR-1: v</li>\n", 1, 8, "TODO PIR-1: v", "PIR-1", NULL, "v");
}

/* Only a closing tag of an element opened before the marker ends or trims the title. */
static void test_tags_in_titles(void)
{
	one("<li>TODO PIR-2026-01-01-001: make <code>foo</code></li>\n", 1, 5,
	    "TODO PIR-2026-01-01-001: make <code>foo</code>", "PIR-2026-01-01-001", NULL,
	    "make <code>foo</code>");
	one("TODO PIR-1: make <b>it</b>\n", 1, 1, "TODO PIR-1: make <b>it</b>", "PIR-1", NULL,
	    "make <b>it</b>");
	/* a closing tag no element of the text opened: opened before, on an earlier line */
	one("  TODO PIR-1: use <b>x</b> now</li></ul>\n", 1, 3, "TODO PIR-1: use <b>x</b> now",
	    "PIR-1", NULL, "use <b>x</b> now");
	/* nested elements of one name, and void elements */
	one("<div>TODO PIR-1: a <div>b</div> c</div> d\n", 1, 6, "TODO PIR-1: a <div>b</div> c",
	    "PIR-1", NULL, "a <div>b</div> c");
	one("<p><br>TODO PIR-1: after a break</p><p>x</p>\n", 1, 8, "TODO PIR-1: after a break",
	    "PIR-1", NULL, "after a break");
	one("<ul><li>x</li><li>TODO PIR-1: second <i>item</i></li></ul>\n", 1, 19,
	    "TODO PIR-1: second <i>item</i>", "PIR-1", NULL, "second <i>item</i>");
}

static void test_ignore_and_require_ref(void)
{
	custom c;

	none("// TODO PIR-1: generated pirscan:ignore\n");
	custom_scan(&c, NULL, PIR_MARKER_REQUIRE_REF,
		    "// TODO PIR: no reference\n// TODO PIR-1: id\n# TODO PIR INC-2 incident\n"
		    "// TODO PIR(X) ref\n",
		    0);
	CHECK_INT(c.l.n, 3);
	if (c.l.n == 3) {
		CHECK_STR(c.l.v[0].id, "PIR-1");
		CHECK_STR(c.l.v[1].ref, "INC-2");
		CHECK_STR(c.l.v[2].ref, "X");
	}
	custom_done(&c);
}

/* A custom pattern sees one line at a time: \s, [^x] and \z stop at its end. */
static void test_custom_one_line(void)
{
	const char *ws[] = {"FIXME\\s+(?<id>\\S+)", NULL};
	const char *neg[] = {"FIXME (?<text>[^;]+);", NULL};
	const char *end[] = {"(?<text>x+)\\z", NULL};
	custom c;

	custom_scan(&c, ws, 0, "FIXME\nAI-1\nFIXME  AI-2\n", 0);
	CHECK_INT(c.l.n, 1);
	if (c.l.n)
		CHECK_STR(c.l.v[0].id, "AI-2");
	custom_done(&c);
	custom_scan(&c, neg, 0, "FIXME a\nb;\n", 0);
	CHECK_INT(c.l.n, 0);
	custom_done(&c);
	custom_scan(&c, (const char *const[]){"(?<text>x*)", NULL}, 0, "a\nxx\n\n", 0);
	CHECK_INT(c.l.n, 1); /* empty matches are no markers */
	if (c.l.n)
		CHECK_INT(c.l.v[0].line, 2);
	custom_done(&c);
	custom_scan(&c, end, 0, "axx\r\nyx\n", 0);
	CHECK_INT(c.l.n, 2);
	if (c.l.n == 2) {
		CHECK_STR(c.l.v[0].note, "xx");
		CHECK_INT(c.l.v[1].line, 2);
	}
	custom_done(&c);
}

/* With (?J), the group of a name that took part in the match fills the field. */
static void test_duplicate_names(void)
{
	const char *pat[] = {"(?J)(?:A-(?<id>\\d+)(?<incident>)|B-(?<id>\\d+)/(?<incident>\\w+))",
			     NULL};
	custom c;

	custom_scan(&c, pat, 0, "x B-7/INC1\nA-3\n", 0);
	CHECK_INT(c.l.n, 2);
	if (c.l.n == 2) {
		CHECK_STR(c.l.v[0].id, "7");
		CHECK_STR(c.l.v[0].incident, "INC1");
		CHECK_STR(c.l.v[1].id, "3");
		CHECK(c.l.v[1].incident == NULL);
	}
	CHECK_INT(pir_marker_matcher_warning_count(c.m), 0);
	custom_done(&c);
}

static void test_unknown_group(void)
{
	const char *pat[] = {"TODO (?<ids>\\S+) (?<text>.*)", "(?<kw>FIXME)", NULL};
	custom c;

	custom_scan(&c, pat, 0, "TODO a b\n", 0);
	CHECK_INT(pir_marker_matcher_warning_count(c.m), 2);
	CHECK(pir_marker_matcher_warning(c.m, 0) &&
	      strstr(pir_marker_matcher_warning(c.m, 0), "'ids'"));
	CHECK(pir_marker_matcher_warning(c.m, 1) &&
	      strstr(pir_marker_matcher_warning(c.m, 1), "'kw'"));
	CHECK(pir_marker_matcher_warning(c.m, 2) == NULL);
	CHECK_INT(c.l.n, 1);
	custom_done(&c);
}

/* Patterns are tried in order on each line; "default" is the built-in grammar. */
static void test_composed(void)
{
	const char *both[] = {"FIXME\\[(?<id>[^]]+)\\]", "default", NULL};
	const char *custom_only[] = {"FIXME\\[(?<id>[^]]+)\\]", NULL};
	const char *text = "FIXME[AI-1]\n// TODO PIR-2: x\n// FIXME[AI-3] TODO PIR-4\n";
	custom c;

	custom_scan(&c, both, 0, text, 0);
	CHECK_INT(c.l.n, 3);
	if (c.l.n == 3) {
		CHECK_STR(c.l.v[0].id, "AI-1");
		CHECK_STR(c.l.v[1].id, "PIR-2");
		CHECK_INT(c.l.v[1].line, 2);
		CHECK_INT(c.l.v[1].column, 4);
		CHECK_STR(c.l.v[2].id, "AI-3");
	}
	custom_done(&c);
	custom_scan(&c, custom_only, 0, text, 0);
	CHECK_INT(c.l.n, 2);
	custom_done(&c);
}

/*
 * A pattern that backtracks exponentially: each line is given up on at its
 * step limit with a diagnostic naming it, the lines after it are still
 * searched, and past the blob's budget the rest is left with one last
 * diagnostic. (The old scanner stopped at the first such line, silently.)
 */
static void test_limits(void)
{
	const char *pat[] = {"(?<text>(a|aa)+)$", NULL};
	pir_buf b = PIR_BUF_INIT;
	custom c;

	pir_buf_puts(&b, "aa\n");
	for (int i = 0; i < 40; i++)
		pir_buf_putc(&b, 'a');
	pir_buf_puts(&b, "b\naaa\n");
	custom_scan(&c, pat, 0, b.ptr, 0);
	CHECK_INT(c.l.n, 2);
	if (c.l.n == 2)
		CHECK_INT(c.l.v[1].line, 3);
	CHECK_INT(c.l.diags.n, 1);
	if (c.l.diags.n) {
		CHECK_STR(c.l.diags.v[0].code, "marker-limit");
		CHECK_INT(c.l.diags.v[0].line, 2);
		CHECK(strstr(c.l.diags.v[0].message, "the line is not searched") != NULL);
	}
	custom_done(&c);

	/* many such lines: a bounded number of attempts, then the rest of the blob is left */
	b.size = 0;
	for (int k = 0; k < 1000; k++) {
		for (int i = 0; i < 40; i++)
			pir_buf_putc(&b, 'a');
		pir_buf_puts(&b, "b\n");
	}
	pir_buf_puts(&b, "aaa\n");
	custom_scan(&c, pat, 0, b.ptr, 0);
	CHECK_INT(c.l.n, 0);
	CHECK(c.l.diags.n >= 2 && c.l.diags.n <= 12);
	if (c.l.diags.n >= 2) {
		const pir_fdiag *last = &c.l.diags.v[c.l.diags.n - 1];
		CHECK(strstr(last->message, "are not searched for markers") != NULL);
		CHECK_INT(last->line, c.l.diags.n);
		CHECK_INT(last->column, 1);
	}
	custom_done(&c);
	pir_buf_dispose(&b);
}

/*
 * Each pattern has a budget of its own: the catastrophic one is dropped for
 * the rest of the blob with one warning naming it, the default grammar goes
 * on to the end (it used to stop with it), and every line warning says the
 * other patterns are still tried.
 */
static void test_budget_per_pattern(void)
{
	const char *pat[] = {"(a|aa)+$", "default", NULL};
	const char *two[] = {"(a|aa)+$", "(?<text>(b|bb)+)$", NULL};
	pir_buf b = PIR_BUF_INIT;
	size_t dropped = 0;
	custom c;

	for (int k = 0; k < 1000; k++) {
		for (int i = 0; i < 40; i++)
			pir_buf_putc(&b, 'a');
		pir_buf_puts(&b, k ? "b\n" : "b // TODO PIR-2026-01-01-008: same line\n");
	}
	pir_buf_puts(&b, "// TODO PIR-2026-01-01-009: at the end\n");
	custom_scan(&c, pat, 0, b.ptr, 0);
	CHECK_INT(c.l.n, 2);
	if (c.l.n == 2) {
		CHECK_STR(c.l.v[0].id, "PIR-2026-01-01-008");
		CHECK_INT(c.l.v[0].line, 1);
		CHECK_STR(c.l.v[1].id, "PIR-2026-01-01-009");
		CHECK_INT(c.l.v[1].line, 1001);
	}
	CHECK(c.l.diags.n >= 2 && c.l.diags.n <= 12);
	for (size_t i = 0; i < c.l.diags.n; i++) {
		const char *msg = c.l.diags.v[i].message;
		CHECK(strncmp(msg, "marker pattern 1 ", 17) == 0);
		CHECK(strstr(msg, "not searched") == NULL);
		if (strstr(msg, "too many steps")) {
			dropped++;
			CHECK(strstr(msg, "it is not tried on lines from") != NULL);
			CHECK_INT(i, c.l.diags.n - 1);
		} else {
			CHECK(strstr(msg, "pattern 1 is not tried on this line") != NULL);
		}
	}
	CHECK_INT(dropped, 1);
	custom_done(&c);

	/* when every pattern is over its budget, the rest of the blob is not searched */
	b.size = 0;
	for (int k = 0; k < 1000; k++) {
		for (int i = 0; i < 40; i++)
			pir_buf_putc(&b, 'a');
		pir_buf_puts(&b, "c\n");
		for (int i = 0; i < 40; i++)
			pir_buf_putc(&b, 'b');
		pir_buf_puts(&b, "c\n");
	}
	pir_buf_puts(&b, "bb\n");
	custom_scan(&c, two, 0, b.ptr, 0);
	CHECK_INT(c.l.n, 0);
	dropped = 0;
	for (size_t i = 0; i < c.l.diags.n; i++)
		dropped += strstr(c.l.diags.v[i].message, "too many steps") != NULL;
	CHECK_INT(dropped, 2);
	CHECK(c.l.diags.n >= 4 && c.l.diags.n <= 24);
	if (c.l.diags.n)
		CHECK(strstr(c.l.diags.v[c.l.diags.n - 1].message,
			     "are not searched for markers") != NULL);
	custom_done(&c);
	pir_buf_dispose(&b);
}

/* IDs named on lines that hold no marker: what near-miss warnings are made of. */
static void test_mentions(void)
{
	const char *text = "// TOD PIR-2026-05-24-001\n"
			   "// PIR-2026-05-24-001 todo, PIR-2026-05-24-001 again, pir-9\n"
			   "// TODO PIR-1: x, see PIR-2\n"
			   "id: PIR-3 # pirscan:ignore\n"
			   "xPIR-4 PIR- PIR-/ \"PIR-5.\"\n";
	custom c;

	custom_scan(&c, NULL, 0, text, PIR_MARKER_MENTIONS);
	CHECK_INT(c.l.n, 1);
	CHECK_INT(c.l.nmentions, 4);
	if (c.l.nmentions == 4) {
		CHECK_STR(c.l.mentions[0].id, "PIR-2026-05-24-001");
		CHECK_INT(c.l.mentions[0].line, 1);
		CHECK_INT(c.l.mentions[0].column, 8);
		CHECK_STR(c.l.mentions[1].id, "PIR-2026-05-24-001");
		CHECK_INT(c.l.mentions[1].line, 2);
		CHECK_INT(c.l.mentions[1].column, 4);
		CHECK_STR(c.l.mentions[2].id, "PIR-9");
		CHECK_STR(c.l.mentions[3].id, "PIR-5");
		CHECK_INT(c.l.mentions[3].line, 5);
	}
	custom_done(&c);
	/* not asked: none */
	custom_scan(&c, NULL, 0, text, 0);
	CHECK_INT(c.l.nmentions, 0);
	custom_done(&c);
}

/*
 * One long line of distinct IDs (the old de-dup compared each with every
 * earlier one: quadratic): at most 1000 are kept per blob, with one
 * diagnostic where the rest begins; repeats on a line are one mention.
 */
static void test_mentions_bounded(void)
{
	pir_buf b = PIR_BUF_INIT;
	custom c;

	for (int i = 0; i < 1500; i++)
		pir_buf_printf(&b, "PIR-%d ", i);
	pir_buf_puts(&b, "\nPIR-1 again\n");
	custom_scan(&c, NULL, 0, b.ptr, PIR_MARKER_MENTIONS);
	CHECK_INT(c.l.nmentions, 1000);
	if (c.l.nmentions == 1000) {
		CHECK_STR(c.l.mentions[999].id, "PIR-999");
		CHECK_INT(c.l.mentions[999].line, 1);
	}
	CHECK_INT(c.l.diags.n, 1);
	if (c.l.diags.n) {
		CHECK_STR(c.l.diags.v[0].code, "marker-limit");
		CHECK_INT(c.l.diags.v[0].line, 1);
		CHECK_INT(c.l.diags.v[0].column, 1 + 10 * 6 + 90 * 7 + 900 * 8);
		CHECK(strstr(c.l.diags.v[0].message, "not checked for near misses") != NULL);
	}
	custom_done(&c);

	/* repeats: once a line, however many; every line counts again */
	b.size = 0;
	for (int i = 0; i < 50000; i++)
		pir_buf_puts(&b, i % 2 ? "pir-7 " : "PIR-8 ");
	pir_buf_puts(&b, "\n");
	for (int i = 0; i < 999; i++)
		pir_buf_puts(&b, "PIR-7\n");
	pir_buf_puts(&b, "PIR-9\n");
	custom_scan(&c, NULL, 0, b.ptr, PIR_MARKER_MENTIONS);
	CHECK_INT(c.l.nmentions, 1000);
	if (c.l.nmentions == 1000) {
		CHECK_STR(c.l.mentions[0].id, "PIR-8");
		CHECK_STR(c.l.mentions[1].id, "PIR-7");
		CHECK_INT(c.l.mentions[1].line, 1);
		CHECK_INT(c.l.mentions[2].line, 2);
		CHECK_INT(c.l.mentions[999].line, 999);
	}
	CHECK_INT(c.l.diags.n, 1);
	if (c.l.diags.n)
		CHECK_INT(c.l.diags.v[0].line, 1000);
	custom_done(&c);
	pir_buf_dispose(&b);
}

int main(void)
{
	CHECK_INT(pir_marker_matcher_new(&matcher, NULL, 0), 0);
	CHECK_INT(pir_marker_scratch_new(&scratch, matcher), 0);
	RUN(test_default_grammar);
	RUN(test_not_markers);
	RUN(test_lines_and_crlf);
	RUN(test_no_trailing_newline_and_nul);
	RUN(test_many);
	RUN(test_compact);
	RUN(test_every_offset);
	RUN(test_custom_pattern);
	RUN(test_more_forms);
	RUN(test_title_ends);
	RUN(test_closest_opener);
	RUN(test_tags_in_titles);
	RUN(test_ignore_and_require_ref);
	RUN(test_custom_one_line);
	RUN(test_duplicate_names);
	RUN(test_unknown_group);
	RUN(test_composed);
	RUN(test_limits);
	RUN(test_budget_per_pattern);
	RUN(test_mentions);
	RUN(test_mentions_bounded);
	pir_marker_scratch_free(scratch);
	pir_marker_matcher_free(matcher);
	return test_summary();
}
