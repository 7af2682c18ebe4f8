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

	for (size_t i = 0; i < PIR_ARRAY_SIZE(docs); i++) {
		int rc = agree(docs[i]);
		if (rc != 0)
			fprintf(stderr, "doc %zu left to the full parse\n", i);
		CHECK_INT(rc, 0);
	}
	CHECK_INT(agree_n("- {id: A}\n- {id: B\0}\n", 20), 0);
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
	struct dirent *de;
	size_t files = 0;

	CHECK(d != NULL);
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
		free(buf);
		files++;
	}
	if (d)
		closedir(d);
	CHECK(files >= 10);
}

int main(void)
{
	RUN(test_agrees);
	RUN(test_leaves_to_full);
	RUN(test_fuzz_corpus);
	return test_summary();
}
