/* SPDX-License-Identifier: MIT */
/*
 * The slim read of action-items files (actions_slim.c) against the full
 * parse: same entries, IDs, due values, closed bits and syntax verdict, or
 * the file left to the full parse where the slim read cannot tell.
 */
#include <dirent.h>

#include "internal.h"
#include "test.h"

static bool full_broken(const pir_entry_list *l)
{
	for (size_t i = 0; i < l->diags.n; i++)
		if (strcmp(l->diags.v[i].code, "yaml-syntax") == 0)
			return true;
	return false;
}

/* Both reads of `len` bytes of `s` (an exact-size heap copy: no reading past the end). */
static int agree_n(const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	pir_entry_list full = {0}, slim = {0};
	bool broken = true;
	int rc;

	memcpy(copy, s, len);
	CHECK_INT(pir_actions_parse(&full, copy, len, NULL), 0);
	rc = pir_actions_slim(&slim, &broken, copy, len);
	CHECK(rc == 0 || rc == 1);
	if (rc == 0) {
		CHECK_INT(slim.n, full.n);
		CHECK_INT(broken, full_broken(&full));
		for (size_t i = 0; i < slim.n && i < full.n; i++) {
			CHECK_STR(slim.v[i].id, full.v[i].id);
			CHECK_STR(slim.v[i].due_raw, full.v[i].due_raw);
			CHECK_INT(slim.v[i].closed, full.v[i].closed);
		}
	} else {
		CHECK_INT(slim.n, 0);
	}
	pir_entry_list_clear(&full);
	pir_entry_list_clear(&slim);
	free(copy);
	return rc;
}

static int agree(const char *s)
{
	return agree_n(s, strlen(s));
}

/* The cached read of `len` bytes of `s` through `c` gives what pir_actions_slim gives. */
static void cached_agrees_n(pir_slim_cache *c, const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	pir_entry_list plain = {0}, cached = {0};
	bool pb = false, cb = true;
	int prc, crc;

	memcpy(copy, s, len);
	prc = pir_actions_slim(&plain, &pb, copy, len);
	crc = pir_actions_slim_cached(c, &cached, &cb, copy, len);
	CHECK_INT(crc, prc);
	CHECK_INT(cached.n, plain.n);
	if (prc == 0)
		CHECK_INT(cb, pb);
	for (size_t i = 0; i < cached.n && i < plain.n; i++) {
		CHECK_STR(cached.v[i].id, plain.v[i].id);
		CHECK_STR(cached.v[i].due_raw, plain.v[i].due_raw);
		CHECK_INT(cached.v[i].closed, plain.v[i].closed);
	}
	pir_entry_list_clear(&plain);
	pir_entry_list_clear(&cached);
	free(copy);
}

/* Twice: the second time from what the first kept. */
static void cached_agrees(pir_slim_cache *c, const char *s)
{
	cached_agrees_n(c, s, strlen(s));
	cached_agrees_n(c, s, strlen(s));
}

static void test_agrees(void)
{
	static const char *const docs[] = {
	    "action_items:\n  - id: PIR-1\n    title: T\n    due: 2024-01-02\n    status: Done\n"
	    "  - id: PIR-2\n    due: \"2024-13-40\"\n    status: open\n",
	    "- {id: A, due: 2024-01-01, status: WONTFIX}\n- {id: B, status: closed}\n- {title: "
	    "x}\n",
	    /* duplicates: the first kept, whatever it holds */
	    "- {id: A, id: B, due: 2024-01-01, due: 2025-01-01, status: done, status: open}\n",
	    "- {id: '', id: B, due: ~, due: 2024-01-01}\n",
	    /* null, empty, quoted null, not scalars */
	    "- {id: ~, due: null, status: NULL}\n- {id: 'null', due: \"~\"}\n- {id: , due: }\n",
	    "- {id: [a, b], due: {x: 1}, status: [done]}\n- id:\n    nested: [1, {2: 3}]\n",
	    /* keys that are not scalars, other fields, nested values */
	    "- {[id]: A, ? {due: x} : y, id: C, owner: {a: [1, 2]}, snooze: {until: 2024-01-01}}\n",
	    /* shapes */
	    "action_items: ~\n",
	    "action_items: {id: A}\n",
	    "action_items: [x, ~, [1], {id: A}]\n",
	    "other: [{id: A}]\naction_items: [{id: B}]\naction_items: [{id: C}]\n",
	    "{action_items: 3, action_items: [{id: B}]}\n",
	    "just a scalar\n",
	    "",
	    "---\n",
	    "# only a comment\n",
	    "[]\n",
	    "{}\n",
	    /* several documents, a syntax error in one */
	    "- {id: A}\n---\n- {id: B}\n...\n---\naction_items: [{id: C, due: 2024-02-03}]\n",
	    "- {id: A}\n---\n- {id: B}\n- [unclosed\n---\n- {id: C}\n",
	    "- id: A\n  title: [\n",
	    "- {id: A}\n\t- id: B\n",
	    "key: value: other\n",
	    /* line ends, a byte order mark, quoting styles, statuses */
	    "- id: A\r\n  due: 2024-01-01\r\n  status: Closed\r\n",
	    "\xef\xbb\xbf- {id: A, due: '2024-01-01'}\n",
	    "- id: |\n    multi\n    line\n  due: >\n    2024-01-01\n  status: \"done\"\n",
	    "- {id: \"A\\u0000B\", due: \"x\\0y\", status: \"do\\0ne\"}\n",
	    "- {id: A, status: donee}\n- {id: B, status: don}\n- {id: C, status: 'wontfix'}\n",
	    "- !!str {id: !!str A, due: !custom 2024-01-01}\n",
	    "- {id: \xff\xfe}\n",
	};

	pir_slim_cache *c = pir_slim_cache_new();

	CHECK(c != NULL);
	for (size_t i = 0; i < PIR_ARRAY_SIZE(docs); i++) {
		int rc = agree(docs[i]);
		if (rc != 0)
			fprintf(stderr, "doc %zu left to the full parse\n", i);
		CHECK_INT(rc, 0);
		cached_agrees(c, docs[i]);
	}
	CHECK_INT(agree_n("- {id: A}\n- {id: B\0}\n", 20), 0);
	cached_agrees_n(c, "- {id: A}\n- {id: B\0}\n", 20);
	pir_slim_cache_free(c);
}

/* Entries already in `out` stay, whichever read decides (a fallback to the whole included). */
static void test_cached_keeps_out(pir_slim_cache *c)
{
	static const char *const docs[] = {"- id: A\n- id: \"B\n", "- id: A\n- id: B\n",
					   "- id: A\n- id: *x\n"};

	for (size_t i = 0; i < PIR_ARRAY_SIZE(docs); i++) {
		pir_entry_list plain = {0}, cached = {0};
		bool pb = false, cb = true;
		int prc, crc;
		CHECK(pir_actions_slim(&plain, &pb, "- id: P\n", 8) == 0);
		CHECK(pir_actions_slim(&cached, &cb, "- id: P\n", 8) == 0);
		prc = pir_actions_slim(&plain, &pb, docs[i], strlen(docs[i]));
		crc = pir_actions_slim_cached(c, &cached, &cb, docs[i], strlen(docs[i]));
		CHECK_INT(crc, prc);
		CHECK_INT(cached.n, plain.n);
		CHECK_INT(cb, pb);
		pir_entry_list_clear(&plain);
		pir_entry_list_clear(&cached);
	}
}

/*
 * Streams the cached read splits at its item lines, or must not: each read
 * through one cache, twice, equals pir_actions_slim's read of it.
 */
static void test_cached_shapes(void)
{
	static const char *const docs[] = {
	    /* split: keyed, bare, indentless, comments anywhere, blank lines, no last newline */
	    "# header\n\naction_items:  # the list\n  - id: A\n    due: 2024-01-01\n\n"
	    "# a comment at column 0\n  - id: B\n    status: done\n  # indented comment\n",
	    "- id: A\n  due: 2024-01-01\n- id: B\n  status: Closed",
	    "action_items:\n- id: A\n- id: B\n  due: x\n",
	    "  - id: A\n  - id: B\n",
	    "action_items:\n  -\n    id: A\n  - plain scalar\n  - [1, 2]\n  - {id: C}\n  -\n",
	    "action_items:\n  - id: A\n    title: |\n      text\n# not in the text\n      more\n"
	    "  - id: B\n",
	    "action_items:\n  - id: A\n    title: |+\n      kept\n\n\n  - id: B\n",
	    "action_items:\n  - id: A\n    title: a plain\n      scalar on lines\n  - id: B\n",
	    /* what carries across an item line: the item alone is broken, the whole decides */
	    "action_items:\n  - id: \"A\n  - id: B\"\n  - id: C\n",
	    "action_items:\n  - id: 'A\n  - B'\n",
	    "action_items:\n  - [A,\n  - B]\n  - id: C\n",
	    "action_items:\n  - {id: A,\n  - id: B}\n",
	    "action_items:\n  - id: A\n  - id: [\n  - id: C\n",
	    "action_items:\n  - id: A\n    due: *alias\n  - id: B\n",
	    "action_items:\n  - id: A\n  - id: B\xff\n",
	    /* not split: the whole is read */
	    "action_items:\n  - id: A\n  title: at the sequence's column\n",
	    "action_items:\n  - id: A\nother:\n  - id: B\n",
	    "action_items:\n  - id: A\naction_items:\n  - id: B\n",
	    "action_items:\n  - id: A\n---\n  - id: B\n",
	    "%YAML 1.1\n---\naction_items:\n  - id: A\n",
	    "action_items:\r\n  - id: A\r\n  - id: B\r\n",
	    "action_items:\n  - id: A\n    title: x\xc2\x85  - id: B\n",
	    "action_items:\n  - id: A\n    title: x\xe2\x80\xa8  - id: B\n",
	    "\xef\xbb\xbf"
	    "action_items:\n  - id: A\n",
	    "# caf\xc3\xa9\naction_items:\n  - id: A\n",
	    "action_items:\n\t- id: A\n",
	    "action_items:\n  -\tid: A\n  - id: B\n",
	    "action_items:#x\n  - id: A\n",
	    "action_items: []\n  - id: A\n",
	    "\"action_items\":\n  - id: A\n",
	    "action_items:\n   - id: A\n  - id: B\n",
	    "action_items:\n  - id: A\n - id: B\n",
	    "action_items:\n",
	    "",
	    /* duplicates inside an item, several entries of one item's lines */
	    "action_items:\n  - {id: A, id: B, due: 1, due: 2, status: done, status: open}\n"
	    "  - id: C\n    id: D\n",
	    "- a\n - b\n- id: C\n",
	};
	pir_slim_cache *c = pir_slim_cache_new();
	size_t read, found;

	CHECK(c != NULL);
	for (size_t i = 0; i < PIR_ARRAY_SIZE(docs); i++)
		cached_agrees(c, docs[i]);
	pir_slim_cache_counts(c, &read, &found);
	CHECK(read > 20);
	CHECK(found > 20);
	/* the same item bytes bare, then after action_items: one level deeper (depth 65) */
#define D8 "- - - - - - - - "
	cached_agrees(c, "- id: A\n" D8 D8 D8 D8 D8 D8 D8 D8 "x\n");
	cached_agrees(c, "action_items:\n- id: A\n" D8 D8 D8 D8 D8 D8 D8 D8 "x\n");
#undef D8
	CHECK_INT(pir_actions_slim_cached(NULL, &(pir_entry_list){0}, &(bool){false}, "", 0), 0);
	test_cached_keeps_out(c);
	pir_slim_cache_free(c);
}

/*
 * A file's history: an entry added at each version, some edited, closed
 * or removed, a comment and an entry with a syntax error for a while. Every
 * version is read through one cache; from the second on, all but the
 * changed items are found.
 */
static void test_cached_history(void)
{
	pir_slim_cache *c = pir_slim_cache_new();
	pir_buf doc = PIR_BUF_INIT;
	size_t read, found;

	CHECK(c != NULL);
	for (int v = 0; v < 300; v++) {
		doc.size = 0;
		pir_buf_puts(&doc, "# action items\naction_items:\n");
		for (int i = 0; i <= v; i++) {
			if (i % 37 == 5 && v > i + 3)
				continue; /* removed three versions after it came */
			pir_buf_printf(&doc, "  - id: PIR-%04d\n    title: \"item %d\"\n", i, i);
			if (i % 3 == 0)
				pir_buf_printf(&doc, "    due: 2024-%02d-%02d\n", 1 + i % 12,
					       1 + (i + v / 50) % 28);
			if (i % 7 == 0 && v > i + 10)
				pir_buf_puts(&doc, "    status: done\n");
			if (i % 50 == 0)
				pir_buf_puts(&doc, "# section\n\n");
		}
		if (v >= 100 && v < 110)
			pir_buf_puts(&doc, "  - id: [broken\n");
		cached_agrees_n(c, doc.ptr, doc.size);
	}
	pir_slim_cache_counts(c, &read, &found);
	/* about one item read alone per version (and the ones edited) */
	CHECK(read < 300 * 6);
	CHECK(found > 300 * 100);
	pir_buf_dispose(&doc);
	pir_slim_cache_free(c);
}

/* Anchors, aliases and what the full parse's checks judge are left to it. */
static void test_leaves_to_full(void)
{
	char deep[8000];
	size_t n = 0;

	CHECK_INT(agree("- &a {id: A}\n- *a\n"), 1);
	CHECK_INT(agree("- {id: A, due: &d 2024-01-01}\n"), 1);
	for (int i = 0; i < 80; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "%*s- \n", i * 2, "");
	CHECK(n < sizeof(deep));
	CHECK_INT(agree_n(deep, n), 1);
	CHECK_INT(agree("- [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
			"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]"
			"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
			"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"),
		  1);
}

/* Every file of the fuzz corpus: the slim read agrees or leaves it to the full parse. */
static void test_fuzz_corpus(void)
{
	const char *dir = SOURCE_ROOT "/fuzz/corpus/actions";
	DIR *d = opendir(dir);
	pir_slim_cache *c = pir_slim_cache_new();
	struct dirent *de;
	size_t files = 0;

	CHECK(d != NULL);
	CHECK(c != NULL);
	while (d && (de = readdir(d))) {
		char path[4096];
		size_t len;
		char *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(buf = test_read_file(path, &len)))
			continue;
		agree_n(buf, len);
		cached_agrees_n(c, buf, len);
		cached_agrees_n(c, buf, len);
		free(buf);
		files++;
	}
	if (d)
		closedir(d);
	pir_slim_cache_free(c);
	CHECK(files >= 10);
}

/* More items than the cache keeps: it starts again, and the reads still agree. */
static void test_cached_full(void)
{
	pir_slim_cache *c = pir_slim_cache_new();
	pir_buf doc = PIR_BUF_INIT;
	size_t read, found;

	CHECK(c != NULL);
	pir_buf_puts(&doc, "action_items:\n");
	for (int i = 0; i < 70000; i++)
		pir_buf_printf(&doc, "- id: P%d\n", i);
	cached_agrees_n(c, doc.ptr, doc.size);
	cached_agrees_n(c, doc.ptr, doc.size);
	pir_slim_cache_counts(c, &read, &found);
	/* each pass read its items alone: the cache started again as it went */
	CHECK_INT(read, 140000);
	CHECK_INT(found, 0);
	pir_buf_dispose(&doc);
	pir_slim_cache_free(c);
}

int main(void)
{
	RUN(test_agrees);
	RUN(test_leaves_to_full);
	RUN(test_cached_shapes);
	RUN(test_cached_history);
	RUN(test_cached_full);
	RUN(test_fuzz_corpus);
	return test_summary();
}
