/* SPDX-License-Identifier: MIT */
/*
 * Blobs known from their delta alone (blob_delta.c): a delta said to give
 * no marker must give none when it is built and scanned, on hand-made
 * cases and on thousands of random deltas over random bases; and the
 * common cases (a few lines changed, none with a keyword) must be told.
 */
#include <stdint.h>

#include "blob_delta.h"
#include "buf.h"
#include "extract.h"
#include "pack.h"
#include "pirscan/common.h"
#include "test.h"

static pir_marker_matcher *matcher;
static pir_marker_scratch *scratch;

/* ---- writing deltas ---- */

typedef struct {
	pir_buf ops;
	size_t out;
} delta_w;

static void copy_op(delta_w *w, size_t off, size_t n)
{
	unsigned char op = 0x80, arg[7];
	size_t na = 0;

	for (unsigned i = 0; i < 4; i++)
		if ((off >> (8 * i)) & 0xff) {
			op |= (unsigned char)(1u << i);
			arg[na++] = (unsigned char)(off >> (8 * i));
		}
	for (unsigned i = 0; i < 3; i++)
		if ((n >> (8 * i)) & 0xff) {
			op |= (unsigned char)(0x10u << i);
			arg[na++] = (unsigned char)(n >> (8 * i));
		}
	pir_buf_putc(&w->ops, (char)op);
	pir_buf_put(&w->ops, (const char *)arg, na);
	w->out += n;
}

static void insert_op(delta_w *w, const char *s, size_t n)
{
	while (n) {
		size_t k = n > 127 ? 127 : n;
		pir_buf_putc(&w->ops, (char)k);
		pir_buf_put(&w->ops, s, k);
		s += k;
		n -= k;
		w->out += k;
	}
}

static void put_varint(pir_buf *b, size_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		pir_buf_putc(b, (char)(v ? c | 0x80 : c));
	} while (v);
}

/* The delta `w` holds over a base of `base_len`, header first, into `out`. */
static void finish(delta_w *w, size_t base_len, pir_buf *out)
{
	out->size = 0;
	put_varint(out, base_len);
	put_varint(out, w->out);
	pir_buf_put(out, w->ops.ptr, w->ops.size);
}

/* ---- the base and the verdict ---- */

static pir_delta_bases *bases;
static pir_delta_lines made;

/* Scan `base` as the blob phase does; true when it was remembered (no marker). */
static bool remember(const char *base, uint64_t pos)
{
	pir_marker_list ml = {0};
	const size_t *lines;
	size_t n = 0;
	bool ok;

	CHECK_INT(pir_marker_scan(&ml, matcher, scratch, base, strlen(base), PIR_MARKER_LINES), 0);
	lines = pir_marker_scratch_lines(scratch, &n);
	ok = lines != NULL;
	CHECK(ok == (ml.n == 0 && ml.diags.n == 0));
	if (ok)
		CHECK_INT(pir_delta_bases_add(bases, pos, lines, n), 0);
	pir_marker_list_clear(&ml);
	return ok;
}

/*
 * What the delta in `d` over `base` gives when built and scanned: markers
 * plus diagnostics; with `told`, the keyword lines it was told to have
 * must be the scan's.
 */
static size_t built_findings(const char *base, const pir_buf *d, bool *binary,
			     const pir_delta_lines *told)
{
	unsigned char *out;
	size_t len, found, n = 0;
	pir_marker_list ml = {0};
	const size_t *lines;

	CHECK_INT(pir_delta_apply((const unsigned char *)base, strlen(base),
				  (const unsigned char *)d->ptr, d->size, &out, &len),
		  0);
	*binary = memchr(out, '\0', len < 8000 ? len : 8000) != NULL;
	CHECK_INT(pir_marker_scan(&ml, matcher, scratch, (const char *)out, len, PIR_MARKER_LINES),
		  0);
	found = ml.n + ml.diags.n;
	lines = pir_marker_scratch_lines(scratch, &n);
	if (told) {
		CHECK(lines != NULL);
		CHECK_INT(told->n, n);
		CHECK(lines && told->n == n &&
		      (!n || !memcmp(told->v, lines, 2 * n * sizeof(*lines))));
	}
	pir_marker_list_clear(&ml);
	free(out);
	return found;
}

static pir_pack_delta as_delta(const char *base, uint64_t pos, const pir_buf *d)
{
	return (pir_pack_delta){(const unsigned char *)base,
				strlen(base),
				pos,
				(const unsigned char *)d->ptr,
				d->size,
				0,
				PIR_OBJ_BLOB};
}

/* The verdict on one delta, checked against the built blob when it says "clean". */
static int verdict(const char *base, uint64_t pos, delta_w *w)
{
	pir_buf d = PIR_BUF_INIT;
	pir_pack_delta pd;
	bool binary;
	size_t found;
	int clean;

	finish(w, strlen(base), &d);
	pd = as_delta(base, pos, &d);
	clean = pir_delta_clean(bases, &pd, &made);
	CHECK(clean >= 0);
	found = built_findings(base, &d, &binary, clean ? &made : NULL);
	/* told without the lines, the same verdict */
	CHECK_INT(pir_delta_clean(bases, &pd, NULL), clean);
	CHECK_INT(pir_delta_binary(&pd), binary);
	if (clean)
		CHECK_INT(found, 0);
	pir_buf_dispose(&d);
	pir_buf_dispose(&w->ops);
	w->out = 0;
	return clean;
}

/* ---- hand-made cases ---- */

static const char base1[] = "int a;\n"
			    "// TODO fix this later\n"
			    "int b;\n"
			    "int todo_count;\n"
			    "int c;\n";
/* offsets: "int a;\n" 0..7, the TODO line 7..30 (its '\n' at 29), "int b;\n" 30..37,
 * the todo_count line 37..53, "int c;\n" 53..60 */

static void test_told(void)
{
	delta_w w = {PIR_BUF_INIT, 0};

	CHECK(remember(base1, 1));
	/* the whole base, then a new plain line */
	copy_op(&w, 0, 60);
	insert_op(&w, "int d;\n", 7);
	CHECK_INT(verdict(base1, 1, &w), 1);
	/* a plain line replaced, the keyword lines copied whole */
	copy_op(&w, 0, 30);
	insert_op(&w, "long b;\n", 8);
	copy_op(&w, 37, 23);
	CHECK_INT(verdict(base1, 1, &w), 1);
	/* lines dropped, keyword lines reordered: each is still a line of the base */
	copy_op(&w, 37, 16);
	copy_op(&w, 7, 23);
	CHECK_INT(verdict(base1, 1, &w), 1);
	/* a keyword line that ends where the copy does, the next byte a '\n' of an insert */
	copy_op(&w, 0, 29);
	insert_op(&w, "\nint z;\n", 8);
	CHECK_INT(verdict(base1, 1, &w), 1);
	/* an unknown base is never told */
	copy_op(&w, 0, 60);
	CHECK_INT(verdict(base1, 99, &w), 0);
}

static void test_not_told(void)
{
	delta_w w = {PIR_BUF_INIT, 0};

	CHECK(remember(base1, 1));
	/* an insert with a keyword: a marker */
	copy_op(&w, 0, 60);
	insert_op(&w, "// TODO PIR-7: new\n", 19);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* " PIR" put into the keyword line: part of it copied */
	copy_op(&w, 0, 15);
	insert_op(&w, " PIR", 4);
	copy_op(&w, 15, 45);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* a keyword made across two inserts, "TO" + "DO": no keyword within either */
	copy_op(&w, 0, 7);
	insert_op(&w, "TO", 2);
	insert_op(&w, "DO PIR\n", 7);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* across a copy and an insert: the "t" of "int", then "odo PIR" */
	copy_op(&w, 2, 1);
	insert_op(&w, "odo PIR\n", 8);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* a copy that takes part of a keyword line: its start */
	copy_op(&w, 7, 12);
	insert_op(&w, "\n", 1);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* the same keyword line twice (the step budget is the base's only once) */
	copy_op(&w, 7, 23);
	copy_op(&w, 7, 23);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* a keyword line whose copy starts mid-line in the result */
	insert_op(&w, "x", 1);
	copy_op(&w, 7, 23);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* a keyword line copied whole but joined to the next line: "...later" + "PIR" */
	copy_op(&w, 7, 22);
	insert_op(&w, " PIR\n", 5);
	CHECK_INT(verdict(base1, 1, &w), 0);
	/* a base with a marker is not remembered */
	CHECK(!remember("// TODO PIR-1: x\n", 2));
}

static void test_binary(void)
{
	delta_w w = {PIR_BUF_INIT, 0};

	CHECK(remember(base1, 1));
	/* told binary (verdict compares), and clean too: no keyword line touched */
	copy_op(&w, 0, 7);
	insert_op(&w, "\0", 1);
	CHECK_INT(verdict(base1, 1, &w), 1);
	/* a NUL past the first 8000 bytes is no binary */
	for (int i = 0; i < 1200; i++)
		copy_op(&w, 0, 7);
	insert_op(&w, "\0", 1);
	CHECK_INT(verdict(base1, 1, &w), 1);
}

/* ---- random deltas ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const char *const plain[] = {"int a;\n",
				    "// TODO: later\n",
				    "xFIXME y\n",
				    "int todo_count;\n",
				    "\n",
				    "PIR-3 named\n",
				    "/* fixme, some day */\n",
				    "return 0;\n",
				    "TODO\n",
				    "  todo PIR\n"};
static const char *const fragments[] = {"TO",
					"DO",
					" PIR",
					"PIR-9",
					"\n",
					"FIX",
					"ME",
					"x",
					"TODO PIR-2: y\n",
					"fixme pir\n",
					"\t",
					"\0",
					"int q;\n",
					"// TODO: sometime\n",
					"o",
					"do"};

static void test_random(void)
{
	size_t told = 0, total = 0;

	for (unsigned round = 0; round < 300; round++) {
		pir_buf base = PIR_BUF_INIT;
		size_t nlines = 3 + next_rand() % 30, starts[34];
		uint64_t pos = 1000 + round;

		for (size_t i = 0; i < nlines; i++) {
			const char *l = plain[next_rand() % (sizeof(plain) / sizeof(*plain))];
			/* "  todo PIR" is a marker: most bases do without it */
			if (!strcmp(l, "  todo PIR\n") && next_rand() % 4)
				l = plain[0];
			starts[i] = base.size;
			pir_buf_puts(&base, l);
		}
		starts[nlines] = base.size;
		if (!remember(base.ptr, pos)) {
			pir_buf_dispose(&base);
			continue;
		}
		for (unsigned k = 0; k < 40; k++) {
			delta_w w = {PIR_BUF_INIT, 0};
			size_t nops = 1 + next_rand() % 8;
			for (size_t o = 0; o < nops; o++) {
				if (next_rand() % 3 == 0) { /* whole lines */
					size_t a = next_rand() % nlines;
					size_t b = a + 1 + next_rand() % (nlines - a);
					copy_op(&w, starts[a], starts[b] - starts[a]);
				} else if (next_rand() % 2) { /* anywhere */
					size_t off = next_rand() % base.size;
					size_t n = 1 + next_rand() % (base.size - off);
					copy_op(&w, off, n);
				} else {
					size_t f =
					    next_rand() % (sizeof(fragments) / sizeof(*fragments));
					const char *s = fragments[f];
					insert_op(&w, s, *s ? strlen(s) : 1);
				}
			}
			told += (size_t)verdict(base.ptr, pos, &w);
			total++;
		}
		pir_buf_dispose(&base);
	}
	/* both verdicts are common: the test covers each */
	printf("%zu of %zu random deltas told\n", told, total);
	CHECK(told > total / 20);
	CHECK(told < total - total / 20);
}

int main(void)
{
	CHECK_INT(pir_marker_matcher_new(&matcher, NULL, 0), 0);
	CHECK_INT(pir_marker_scratch_new(&scratch, matcher), 0);
	CHECK_INT(pir_delta_bases_new(&bases), 0);
	RUN(test_told);
	RUN(test_not_told);
	RUN(test_binary);
	RUN(test_random);
	pir_delta_bases_free(bases);
	free(made.v);
	pir_marker_scratch_free(scratch);
	pir_marker_matcher_free(matcher);
	return test_summary();
}
