/* SPDX-License-Identifier: MIT */
#include "internal.h"
#include "test.h"
#include "writer.h"

static void test_json(void)
{
	pir_buf b = PIR_BUF_INIT;

	pir_buf_json_str(&b, "a\"b\\c\nd\te\x01\x7f");
	CHECK_STR(b.ptr, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\"");
	b.size = 0;
	pir_buf_json_str(&b, "caf\xc3\xa9 \xff bad \xe2\x80\xa8");
	CHECK_STR(b.ptr, "\"caf\xc3\xa9 \xef\xbf\xbd bad \\u2028\"");
	b.size = 0;
	pir_buf_json_str(&b, "</script>");
	CHECK_STR(b.ptr, "\"</script>\"");
	b.size = 0;
	pir_buf_json_str(&b, NULL);
	CHECK_STR(b.ptr, "null");
	pir_buf_dispose(&b);
	pir_buf_dispose(&b);
}

static void test_csv(void)
{
	pir_buf b = PIR_BUF_INIT;

	pir_buf_csv_field(&b, "plain");
	pir_buf_putc(&b, '|');
	pir_buf_csv_field(&b, "a,b");
	pir_buf_putc(&b, '|');
	pir_buf_csv_field(&b, "say \"hi\"\nbye");
	pir_buf_putc(&b, '|');
	pir_buf_csv_field(&b, " padded");
	CHECK_STR(b.ptr, "plain|\"a,b\"|\"say \"\"hi\"\"\nbye\"|\" padded\"");
	pir_buf_dispose(&b);
}

static void test_term(void)
{
	pir_buf b = PIR_BUF_INIT;

	pir_buf_term_str(&b, "red \033[31m\x07 tab\there \xc2\x9b csi \xff");
	CHECK_STR(b.ptr, "red \\x1b[31m\\x07 tab here \\u009b csi \\xff");
	CHECK_INT(pir_term_width("abc"), 3);
	CHECK_INT(pir_term_width("caf\xc3\xa9"), 4);
	CHECK_INT(pir_term_width("\x1b"), 4);
	pir_buf_dispose(&b);
}

static void test_md(void)
{
	pir_buf b = PIR_BUF_INIT;
	pir_out o = {&b, 0};

	pir_buf_md_str(&b, "a|b *c* `d` [e](f) #1 ~x~ \\ _u_ {g} !h");
	CHECK_STR(b.ptr,
		  "a\\|b \\*c\\* \\`d\\` \\[e\\]\\(f\\) \\#1 \\~x\\~ \\\\ \\_u\\_ \\{g\\} \\!h");
	b.size = 0;
	pir_buf_md_str(&b, "<b>&\nline\ttab\r\x01\x7f- . +");
	CHECK_STR(b.ptr, "&lt;b&gt;&amp; line tab - . +");
	b.size = 0;
	b.ptr[0] = 0;
	CHECK_INT(pir_buf_md_str(&b, NULL), 0);
	CHECK_INT(b.size, 0);
	pir_out_md(&o, "x|y");
	CHECK_STR(b.ptr, "x\\|y");
	CHECK_INT(o.err, 0);
	pir_buf_dispose(&b);
}

static void test_utf8(void)
{
	CHECK(pir_utf8_valid("abc", 3));
	CHECK(pir_utf8_valid("\xc3\xa9", 2));
	CHECK(!pir_utf8_valid("\xc3", 1));
	CHECK(!pir_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	CHECK(!pir_utf8_valid("\xc0\xaf", 2));	   /* overlong */
}

/* The oid set against a plain search: every id found at its index, absent ones not, as the
 * array it indexes grows and moves. */
static void test_oidset(void)
{
	typedef struct {
		git_oid oid;
		int payload;
	} elem;
	pir_oidset set = {0};
	elem *v = NULL;
	size_t cap = 0, n = 5000;

	CHECK_INT(pir_oidset_get(&set, v, sizeof(*v), &(git_oid){{0}}), PIR_MAP_NONE);
	for (size_t i = 0; i < n; i++) {
		git_oid id = {{0}};
		/* the same first four bytes for many: one probe chain, told apart by the rest */
		uint32_t lo = (uint32_t)(i % 7), hi = (uint32_t)(i * 2654435761u);
		memcpy(id.id, &lo, 4);
		memcpy(id.id + 8, &hi, 4);
		memcpy(id.id + 16, &i, sizeof(uint32_t));
		CHECK_INT(pir_oidset_get(&set, v, sizeof(*v), &id), PIR_MAP_NONE);
		CHECK_INT(pir_grow((void **)&v, &cap, i + 1, sizeof(*v)), 0);
		v[i].oid = id;
		v[i].payload = (int)i;
		CHECK_INT(pir_oidset_add(&set, v, sizeof(*v), (uint32_t)i), 0);
	}
	CHECK_INT(set.n, n);
	for (size_t i = 0; i < n; i++) {
		git_oid other = v[i].oid;
		CHECK_INT(pir_oidset_get(&set, v, sizeof(*v), &v[i].oid), i);
		other.id[19] ^= 1;
		CHECK_INT(pir_oidset_get(&set, v, sizeof(*v), &other), PIR_MAP_NONE);
	}
	pir_oidset_dispose(&set);
	CHECK_INT(pir_oidset_get(&set, v, sizeof(*v), &v[0].oid), PIR_MAP_NONE);
	free(v);
}

int main(void)
{
	RUN(test_json);
	RUN(test_csv);
	RUN(test_term);
	RUN(test_md);
	RUN(test_utf8);
	RUN(test_oidset);
	return test_summary();
}
