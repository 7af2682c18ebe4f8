/* SPDX-License-Identifier: MIT */
/* The incremental cache: SHA-256, the key, the SQLite file (cache.c), the history record (hist.c).
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "diag.h"
#include "gitinit.h"
#include "hist.h"
#include "sha256.h"
#include "test.h"

static void test_sha256(void)
{
	char hex[PIR_SHA256_HEX], part[PIR_SHA256_HEX];
	char buf[1000];
	pir_sha256 c;

	pir_sha256_hex(hex, "", 0);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pir_sha256_hex(hex, "abc", 3);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pir_sha256_hex(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* the same bytes in pieces of every size */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	pir_sha256_hex(hex, buf, sizeof(buf));
	for (size_t step = 1; step < 130; step += 7) {
		pir_sha256_init(&c);
		for (size_t at = 0; at < sizeof(buf); at += step)
			pir_sha256_update(&c, buf + at,
					  at + step > sizeof(buf) ? sizeof(buf) - at : step);
		pir_sha256_final_hex(&c, part);
		CHECK_STR(part, hex);
	}
}

/* ---- the key ---- */

static const char *const markers[] = {"TODO\\((?<id>[A-Z]+-[0-9]+)\\)", NULL};
static const char *const files[] = {"items.yml", NULL};
static const char *const sevs[] = {"sev1", "sev2", NULL};
static const char *const excl[] = {"vendor/**", NULL};
static const char *const empty_list[] = {NULL};

static pir_cache_facts base_facts(void)
{
	pir_cache_facts f = {"/srv/git/api.git",
			     "HEAD",
			     "0123456789012345678901234567890123456789",
			     NULL,
			     0,
			     NULL,
			     0,
			     NULL,
			     0};
	return f;
}

static void key_of(char out[PIR_SHA256_HEX], const pir_scan_options *o, const pir_cache_facts *f)
{
	pir_cache_key(out, o, f);
	CHECK_INT(strlen(out), 64);
}

/* Each option that changes what is extracted changes the key. */
static void test_key_extraction_options(void)
{
	const pir_scan_options def = PIR_SCAN_OPTIONS_INIT;
	pir_cache_facts f = base_facts();
	char base[PIR_SHA256_HEX], k[PIR_SHA256_HEX];
	pir_scan_options o;

	key_of(base, &def, &f);
#define CHANGES(stmt)                                                                              \
	do {                                                                                       \
		o = def;                                                                           \
		stmt;                                                                              \
		key_of(k, &o, &f);                                                                 \
		if (!strcmp(k, base))                                                              \
			fprintf(stderr, "does not change the key: %s\n", #stmt);                   \
		CHECK(strcmp(k, base) != 0);                                                       \
	} while (0)
	CHANGES(o.no_history = true);
	CHANGES(o.all_refs = true);
	CHANGES(o.max_blob_size = 1024);
	CHANGES(o.marker_pattern = markers[0]);
	CHANGES(o.marker_patterns = markers);
	CHANGES(o.marker_require_reference = true);
	CHANGES(o.item_files = files);
	CHANGES(o.severities = sevs);
	CHANGES(o.exclude = excl);
	CHANGES(o.changed_since = "main");
#undef CHANGES
}

/* The repository's facts: each one changes the key. */
static void test_key_facts(void)
{
	const pir_scan_options o = PIR_SCAN_OPTIONS_INIT;
	pir_cache_facts f = base_facts(), g;
	char base[PIR_SHA256_HEX], k[PIR_SHA256_HEX];
	char refs[] = "refs/heads/main 0123456789012345678901234567890123456789\n";
	char shallow[] = "0123456789012345678901234567890123456789\n";

	key_of(base, &o, &f);
#define CHANGES(stmt)                                                                              \
	do {                                                                                       \
		g = f;                                                                             \
		stmt;                                                                              \
		key_of(k, &o, &g);                                                                 \
		if (!strcmp(k, base))                                                              \
			fprintf(stderr, "does not change the key: %s\n", #stmt);                   \
		CHECK(strcmp(k, base) != 0);                                                       \
	} while (0)
	CHANGES(g.repo = "/srv/git/web.git");
	CHANGES(g.repo = "https://example.com/api.git");
	CHANGES(g.ref = "refs/heads/main");
	CHANGES(g.commit[39] = '0');
	CHANGES(g.commit[0] = '\0');
	CHANGES((g.refs = refs, g.refs_len = strlen(refs)));
	CHANGES((g.shallow = shallow, g.shallow_len = strlen(shallow)));
	CHANGES((g.grafts = shallow, g.grafts_len = strlen(shallow)));
	/* one byte more of the shallow file: its commits, not only whether there is one */
	f.shallow = shallow;
	f.shallow_len = strlen(shallow) - 1;
	key_of(base, &o, &f);
	CHANGES(g.shallow_len = strlen(shallow));
	/* the field boundaries are in the hash: moving a byte from one field to the next shows */
	f = base_facts();
	f.repo = "/srv/a";
	f.ref = "bHEAD";
	key_of(base, &o, &f);
	CHANGES((g.repo = "/srv/ab", g.ref = "HEAD"));
#undef CHANGES
}

static int progress(const pir_progress *p, void *payload)
{
	return 0;
}

/* What linking applies after the cache (dates, teams, stale limits) and the threads: not. */
static void test_key_other_options(void)
{
	const pir_scan_options def = PIR_SCAN_OPTIONS_INIT;
	pir_cache_facts f = base_facts();
	char base[PIR_SHA256_HEX], k[PIR_SHA256_HEX];
	pir_scan_options o;
	int dummy;

	key_of(base, &def, &f);
#define SAME(stmt)                                                                                 \
	do {                                                                                       \
		o = def;                                                                           \
		stmt;                                                                              \
		key_of(k, &o, &f);                                                                 \
		if (strcmp(k, base))                                                               \
			fprintf(stderr, "changes the key: %s\n", #stmt);                           \
		CHECK_STR(k, base);                                                                \
	} while (0)
	SAME(o.threads = 1);
	SAME(o.threads = 7);
	SAME(o.as_of = 20000);
	SAME(o.stale_days[0] = 1);
	SAME(o.stale_days_none = 3);
	SAME(o.max_slips = 9);
	SAME(o.teams_from = (const struct pir_config *)&dummy);
	SAME((o.progress = progress, o.progress_payload = &dummy));
	SAME(o.cache_dir = "/tmp/elsewhere");
	SAME(o.ref = "refs/heads/other"); /* the facts say what was scanned */
	/* the same lists, spelled otherwise */
	SAME(o.item_files = empty_list);
	SAME(o.exclude = empty_list);
	SAME(o.marker_patterns = empty_list);
#undef SAME
	/* one pattern as marker_pattern or as the list: the same matcher */
	o = def;
	o.marker_pattern = markers[0];
	key_of(base, &o, &f);
	o = def;
	o.marker_patterns = markers;
	key_of(k, &o, &f);
	CHECK_STR(k, base);
	CHECK(pir_cache_applies(&(pir_scan_options){.cache_dir = "/c"}));
	CHECK(!pir_cache_applies(&(pir_scan_options){.cache_dir = NULL}));
	CHECK(!pir_cache_applies(&(pir_scan_options){.cache_dir = "/c", .changed_since = "main"}));
}

/* The facts read from fixture repositories. */
static void test_facts_read(void)
{
	git_repository *repo = NULL;
	pir_cache_facts f, g;
	git_oid oid;
	char a[PIR_SHA256_HEX], b[PIR_SHA256_HEX];
	const pir_scan_options o = PIR_SCAN_OPTIONS_INIT;

	pir_git_acquire();
	CHECK_INT(git_repository_open(&repo, FIXTURES "/svc-shallow"), 0);
	CHECK_INT(git_reference_name_to_id(&oid, repo, "HEAD"), 0);
	CHECK_INT(pir_cache_facts_read(&f, repo, "/x/svc-shallow", NULL, &oid, false), 0);
	CHECK(f.shallow != NULL && f.shallow_len >= 40);
	CHECK(f.refs == NULL);
	CHECK_STR(f.ref, "HEAD");
	CHECK_INT(strlen(f.commit), 40);
	pir_cache_key(a, &o, &f);
	pir_cache_facts_dispose(&f);
	git_repository_free(repo);

	CHECK_INT(git_repository_open(&repo, FIXTURES "/svc"), 0);
	CHECK_INT(git_reference_name_to_id(&oid, repo, "HEAD"), 0);
	CHECK_INT(pir_cache_facts_read(&f, repo, "/x/svc", NULL, &oid, true), 0);
	CHECK_INT(pir_cache_facts_read(&g, repo, "/x/svc", NULL, &oid, true), 0);
	CHECK(f.shallow == NULL);
	CHECK(f.refs && strstr(f.refs, "refs/heads/"));
	CHECK(f.refs && !strstr(f.refs, "HEAD "));
	pir_cache_key(a, &o, &f);
	pir_cache_key(b, &o, &g);
	CHECK_STR(a, b);
	pir_cache_facts_dispose(&f);
	pir_cache_facts_dispose(&g);
	git_repository_free(repo);
	pir_git_release();
}

/* ---- the file ---- */

static char tmpdir[] = "/tmp/pirscan-cache-test.XXXXXX";

static char *path_in(const char *name)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static size_t count_code(const pir_diag_sink *d, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += !strcmp(d->v[i].code, code);
	return n;
}

static void clear_dir(void)
{
	const char *names[] = {"cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm",
			       "cache.sqlite.corrupt"};
	for (size_t i = 0; i < 4; i++)
		unlink(path_in(names[i]));
}

static pir_cache *open_ok(pir_diag_sink *d)
{
	pir_cache *c = NULL;
	CHECK_INT(pir_cache_open(&c, tmpdir, d), 0);
	CHECK(c != NULL);
	return c;
}

static void store(pir_cache *c, const char *key, const char *repo, const char *json)
{
	CHECK_INT(pir_cache_store(c, key, repo, "HEAD", json, strlen(json)), 0);
}

static int lookup(pir_cache *c, const char *key, const char *want)
{
	char *json = NULL;
	size_t len = 0;
	int r = pir_cache_lookup(c, key, &json, &len);

	if (r == 1 && want) {
		CHECK_INT(len, strlen(want));
		CHECK_STR(json, want);
	}
	free(json);
	return r;
}

static void test_store_lookup(void)
{
	pir_diag_sink d;
	pir_cache *c;

	clear_dir();
	pir_diag_sink_init(&d);
	c = open_ok(&d);
	CHECK_INT(lookup(c, "k1", NULL), 0);
	store(c, "k1", "/r/a", "{\"a\":1}");
	CHECK_INT(lookup(c, "k1", "{\"a\":1}"), 1);
	store(c, "k1", "/r/a", "{\"a\":2}"); /* replaced */
	CHECK_INT(lookup(c, "k1", "{\"a\":2}"), 1);
	CHECK_INT(pir_cache_hits(c), 2);
	CHECK_INT(pir_cache_stores(c), 2);
	pir_cache_close(c);
	/* it persists, and nothing was said */
	c = open_ok(&d);
	CHECK_INT(lookup(c, "k1", "{\"a\":2}"), 1);
	CHECK_INT(lookup(c, "k2", NULL), 0);
	pir_cache_close(c);
	CHECK_INT(d.n, 0);
	CHECK_INT(pir_cache_lookup(NULL, "k1", &(char *){NULL}, &(size_t){0}), 0);
	CHECK_INT(pir_cache_store(NULL, "k1", "r", "", "x", 1), 0);
	pir_cache_close(NULL);
	pir_diag_sink_dispose(&d);
}

/* A repository keeps its latest few results; others are not touched. */
static void test_prune(void)
{
	pir_diag_sink d;
	pir_cache *c;
	char key[16];

	clear_dir();
	pir_diag_sink_init(&d);
	c = open_ok(&d);
	store(c, "other", "/r/b", "b");
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "a%d", i);
		store(c, key, "/r/a", key);
	}
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "a%d", i);
		CHECK_INT(lookup(c, key, key), i >= 6 - PIR_CACHE_KEEP);
	}
	CHECK_INT(lookup(c, "other", "b"), 1);
	pir_cache_close(c);
	CHECK_INT(d.n, 0);
	pir_diag_sink_dispose(&d);
}

static void write_file(const char *path, const char *data, size_t len)
{
	CHECK(test_write_file(path, data, len));
}

/* Reopened after `damage`, the cache warns `code` once, starts afresh and works. */
static void expect_rebuilt(const char *what, const char *code)
{
	pir_diag_sink d;
	pir_cache *c;

	pir_diag_sink_init(&d);
	c = open_ok(&d);
	if (count_code(&d, code) != 1)
		fprintf(stderr, "%s: %zu %s warnings\n", what, count_code(&d, code), code);
	CHECK_INT(count_code(&d, code), 1);
	if (getenv("SHOW"))
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "  %s: %s\n", d.v[i].code, d.v[i].message);
	CHECK_INT(d.n, 1);
	if (d.n) {
		CHECK(strstr(d.v[0].message, "cache.sqlite") != NULL);
		CHECK(strchr(d.v[0].message, '\n') == NULL);
		CHECK_INT(d.v[0].level, PIR_DIAG_WARNING);
	}
	CHECK_INT(lookup(c, "k1", NULL), 0);
	store(c, "k1", "/r/a", "fresh");
	CHECK_INT(lookup(c, "k1", "fresh"), 1);
	pir_cache_close(c);
	pir_diag_sink_dispose(&d);
	CHECK(access(path_in("cache.sqlite.corrupt"), F_OK) == 0);
}

/* A cache of a few rows, closed. */
static void fill(void)
{
	pir_diag_sink d;
	pir_cache *c;
	char key[16], payload[4096];

	clear_dir();
	pir_diag_sink_init(&d);
	c = open_ok(&d);
	memset(payload, 'x', sizeof(payload) - 1);
	payload[sizeof(payload) - 1] = '\0';
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		store(c, key, key, payload);
	}
	pir_cache_close(c);
	pir_diag_sink_dispose(&d);
}

static void sql(const char *stmt)
{
	sqlite3 *db = NULL;
	CHECK_INT(sqlite3_open(path_in("cache.sqlite"), &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_damaged(void)
{
	struct stat st;

	/* not SQLite at all */
	clear_dir();
	write_file(path_in("cache.sqlite"), "this is not a database, only a text file\n", 42);
	expect_rebuilt("text file", "cache-rebuilt");
	/* random bytes the size of a few pages */
	clear_dir();
	{
		char junk[8192];
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)(i * 131 + 17);
		write_file(path_in("cache.sqlite"), junk, sizeof(junk));
	}
	expect_rebuilt("junk", "cache-rebuilt");
	/* another program's database */
	clear_dir();
	sql("CREATE TABLE t (x); PRAGMA application_id = 42;");
	expect_rebuilt("foreign", "cache-rebuilt");
	/* SQLite, but nobody's */
	clear_dir();
	sql("CREATE TABLE results (x);");
	expect_rebuilt("no application id", "cache-rebuilt");
	/* a schema of another version */
	fill();
	sql("PRAGMA user_version = 99;");
	expect_rebuilt("schema", "cache-rebuilt");
	/* another payload format */
	fill();
	sql("UPDATE meta SET value = '99' WHERE key = 'format';");
	expect_rebuilt("format", "cache-rebuilt");
	/* truncated to half (checkpointed first: the rows are in the main file) */
	fill();
	sql("PRAGMA wal_checkpoint(TRUNCATE);");
	CHECK_INT(stat(path_in("cache.sqlite"), &st), 0);
	CHECK_INT(truncate(path_in("cache.sqlite"), st.st_size / 2), 0);
	unlink(path_in("cache.sqlite-wal"));
	unlink(path_in("cache.sqlite-shm"));
	expect_rebuilt("truncated", "cache-rebuilt");
}

/* A row whose payload does not match its checksum or length: dropped, never returned. */
static void test_bad_row(void)
{
	pir_diag_sink d;
	pir_cache *c;

	fill();
	sql("UPDATE results SET payload = 'tampered' WHERE key = 'k1';"
	    "UPDATE results SET length = 3 WHERE key = 'k2';");
	pir_diag_sink_init(&d);
	c = open_ok(&d);
	CHECK_INT(d.n, 0);
	CHECK_INT(lookup(c, "k1", NULL), 0);
	CHECK_INT(lookup(c, "k2", NULL), 0);
	CHECK_INT(count_code(&d, "cache-rebuilt"), 2);
	CHECK_INT(lookup(c, "k1", NULL), 0); /* gone: no second warning */
	CHECK_INT(count_code(&d, "cache-rebuilt"), 2);
	CHECK_INT(lookup(c, "k3", NULL), 1);
	/* a hit the reader refused */
	CHECK_INT(pir_cache_drop(c, "k3", "the result does not read back"), 0);
	CHECK_INT(count_code(&d, "cache-rebuilt"), 3);
	CHECK_INT(lookup(c, "k3", NULL), 0);
	pir_cache_close(c);
	pir_diag_sink_dispose(&d);
}

/* A folder that cannot be written, or is a file: a warning, and no cache. */
static void test_unusable_dir(void)
{
	pir_diag_sink d;
	pir_cache *c = (pir_cache *)1;
	char *file = path_in("plain-file");

	pir_diag_sink_init(&d);
	write_file(file, "x", 1);
	CHECK_INT(pir_cache_open(&c, file, &d), 0);
	CHECK(c == NULL);
	CHECK_INT(count_code(&d, "cache-unavailable"), 1);
	unlink(file);
	if (geteuid() != 0) { /* root writes anywhere */
		char *ro = path_in("ro");
		mkdir(ro, 0500);
		CHECK_INT(pir_cache_open(&c, ro, &d), 0);
		CHECK(c == NULL);
		CHECK_INT(count_code(&d, "cache-unavailable"), 2);
		c = NULL;
		CHECK_INT(pir_cache_open(&c, path_in("ro/sub"), &d), 0);
		CHECK(c == NULL);
		CHECK_INT(count_code(&d, "cache-unavailable"), 3);
		rmdir(ro);
	}
	pir_diag_sink_dispose(&d);
}

/* Two handles on one file (as two runs): each sees the other's rows. */
static void test_two_handles(void)
{
	pir_diag_sink d;
	pir_cache *a, *b;
	char key[16];

	clear_dir();
	pir_diag_sink_init(&d);
	a = open_ok(&d);
	b = open_ok(&d);
	for (int i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		store(i % 2 ? a : b, key, key, key);
	}
	for (int i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_INT(lookup(i % 2 ? b : a, key, key), 1);
	}
	pir_cache_close(a);
	pir_cache_close(b);
	CHECK_INT(d.n, 0);
	pir_diag_sink_dispose(&d);
}

/* A small record: encoded compressed, decoded the same; every cut and every flipped byte refused.
 */
static void test_hist_record(void)
{
	pir_hist h = {0}, d;
	pir_buf b = PIR_BUF_INIT;
	git_oid o[4];

	for (int i = 0; i < 4; i++)
		memset(o[i].id, 0x11 * (i + 1), GIT_OID_RAWSZ);
	CHECK_INT(pir_hist_add_blob(&h, &o[0], PIR_HIST_LISTED | PIR_HIST_KEYED), 0);
	CHECK_INT(pir_hist_add_blob(&h, &o[1], PIR_HIST_LINK), 0);
	CHECK_INT(pir_hist_add_commit(&h, &o[2], &o[3], 1700000000, 0, NULL), 0);
	CHECK_INT(pir_hist_add_group(&h), 0);
	CHECK_INT(pir_hist_add_change(&h, "src/a.c", PIR_MAP_NONE, 0), 0);
	CHECK_INT(pir_hist_end_commit(&h), 0);
	CHECK_INT(pir_hist_add_commit(&h, &o[3], &o[2], 1700000100, 1, &o[2]), 0);
	CHECK_INT(pir_hist_add_group(&h), 0);
	CHECK_INT(pir_hist_add_change(&h, "src/a.c", 0, 1), 0);
	CHECK_INT(pir_hist_add_change(&h, "b.txt", PIR_MAP_NONE, 1), 0);
	CHECK_INT(pir_hist_end_commit(&h), 0);
	CHECK_INT(pir_hist_encode(&h, &b), 0);
	CHECK_INT(pir_hist_decode(&d, (const unsigned char *)b.ptr, b.size), 0);
	CHECK_INT(d.nblobs, 2);
	CHECK_INT(d.flags[1], PIR_HIST_LINK);
	CHECK_INT(d.ncommits, 2);
	CHECK_INT(d.nch, 3);
	CHECK_STR(d.paths.strs[d.ch[2].path], "b.txt");
	CHECK_INT(d.ch[1].old_blob, 0);
	CHECK_INT(d.commits[1].time, 1700000100);
	CHECK(git_oid_equal(&d.par[d.commits[1].parents], &o[2]));
	pir_hist_dispose(&d);
	for (size_t cut = 0; cut < b.size; cut++) {
		CHECK_INT(pir_hist_decode(&d, (const unsigned char *)b.ptr, cut), PIR_EINVALID);
	}
	for (size_t i = 0; i < b.size; i++) {
		int rc;
		b.ptr[i] ^= 0x20;
		rc = pir_hist_decode(&d, (const unsigned char *)b.ptr, b.size);
		b.ptr[i] ^= 0x20;
		/* refused, or bits the stream does not use (the same record) */
		if (rc == 0) {
			pir_buf again = PIR_BUF_INIT;
			CHECK_INT(pir_hist_encode(&d, &again), 0);
			CHECK(again.size == b.size && !memcmp(again.ptr, b.ptr, b.size));
			pir_buf_dispose(&again);
			pir_hist_dispose(&d);
		} else {
			CHECK_INT(rc, PIR_EINVALID);
		}
	}
	pir_buf_dispose(&b);
	pir_hist_dispose(&h);
}

int main(void)
{
	CHECK(mkdtemp(tmpdir) != NULL);
	RUN(test_sha256);
	RUN(test_key_extraction_options);
	RUN(test_key_facts);
	RUN(test_key_other_options);
	RUN(test_facts_read);
	RUN(test_store_lookup);
	RUN(test_prune);
	RUN(test_damaged);
	RUN(test_bad_row);
	RUN(test_unusable_dir);
	RUN(test_two_handles);
	RUN(test_hist_record);
	clear_dir();
	rmdir(tmpdir);
	return test_summary();
}
