/* SPDX-License-Identifier: MIT */
/*
 * The cache file (see cache.h): open and check it, rebuild it when it cannot
 * be trusted, read and write rows. Every public call holds the cache's lock,
 * so worker threads may share one pir_cache; SQLite's own locking (WAL, a
 * busy timeout) lets two processes share the file.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cache.h"
#include "error.h"

#ifndef PIRSCAN_VERSION
#define PIRSCAN_VERSION "unknown"
#endif

#define BUSY_TIMEOUT_MS 30000

struct pir_cache {
	sqlite3 *db;
	char *path;
	pir_diag_sink *diag;
	pthread_mutex_t lock;
	char **hits; /* keys read this run: their `used` is set at close */
	size_t nhits, hits_cap;
	size_t nstores;
};

/* What went wrong with the file: nothing, it cannot be trusted, or it cannot be used. */
enum { DB_OK = 0, DB_BAD = 1, DB_UNUSABLE = 2 };

static const char schema[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE results ("
    " key TEXT PRIMARY KEY," /* cache_key.c: SHA-256 of what the result depends on */
    " repo TEXT NOT NULL,"   /* the real path of its git folder, or its URL */
    " tips TEXT NOT NULL,"   /* what was scanned, for people */
    " stored INTEGER NOT NULL, used INTEGER NOT NULL," /* seconds since the epoch */
    " length INTEGER NOT NULL, sha256 TEXT NOT NULL,"  /* of the payload */
    " payload TEXT NOT NULL);"			       /* the result as JSON */
    "CREATE INDEX results_repo ON results (repo, used);";

static int db_class(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK
	       : rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB		? DB_BAD
									: DB_UNUSABLE;
}

/* Run `sql` (no rows); a DB_* with the cause in `why`. */
static int db_exec(sqlite3 *db, const char *sql, char *why, size_t size)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		snprintf(why, size, "%s", sqlite3_errmsg(db));
	return db_class(rc);
}

/* The first column of the first row of `sql`, as text (NUL when no row). */
static int db_text(sqlite3 *db, const char *sql, char *out, size_t size, char *why, size_t wsize)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	*out = '\0';
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, size, "%s", t ? (const char *)t : "");
	}
	if (db_class(rc) != DB_OK)
		snprintf(why, wsize, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return db_class(rc);
}

/* A new file's tables, in one transaction; a run that created them first wins. */
static int db_create(sqlite3 *db, char *why, size_t size)
{
	char sql[512], app[32];
	int r;

	if ((r = db_exec(db, "BEGIN IMMEDIATE", why, size)) != DB_OK)
		return r;
	if ((r = db_text(db, "PRAGMA application_id", app, sizeof(app), why, size)) != DB_OK)
		goto fail;
	if (atol(app) != 0) /* made meanwhile by another run: checked by the caller */
		return db_exec(db, "COMMIT", why, size);
	snprintf(sql, sizeof(sql),
		 "PRAGMA application_id = %d; PRAGMA user_version = %d;"
		 "INSERT INTO meta VALUES ('format', '%s'), ('pirscan', '%s');"
		 "COMMIT",
		 PIR_CACHE_APPLICATION_ID, PIR_CACHE_SCHEMA, PIR_CACHE_FORMAT, PIRSCAN_VERSION);
	if ((r = db_exec(db, schema, why, size)) == DB_OK &&
	    (r = db_exec(db, sql, why, size)) == DB_OK)
		return DB_OK;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

/* Is it ours, of this schema and whole? Creates the tables of an empty file. */
static int db_check(sqlite3 *db, char *why, size_t size)
{
	char app[32], ver[32], tables[32], ok[256];
	int r;

	if ((r = db_text(db, "PRAGMA application_id", app, sizeof(app), why, size)) != DB_OK ||
	    (r = db_text(db, "PRAGMA user_version", ver, sizeof(ver), why, size)) != DB_OK ||
	    (r = db_text(db, "SELECT count(*) FROM sqlite_master", tables, sizeof(tables), why,
			 size)) != DB_OK)
		return r;
	if (atol(app) == 0 && atol(ver) == 0 && atol(tables) == 0) {
		if ((r = db_create(db, why, size)) != DB_OK)
			return r;
		return db_check(db, why, size);
	}
	if (atol(app) != PIR_CACHE_APPLICATION_ID) {
		snprintf(why, size, "not a pirscan cache (application_id %ld)", atol(app));
		return DB_BAD;
	}
	if (atol(ver) != PIR_CACHE_SCHEMA) {
		snprintf(why, size, "schema version %ld, this pirscan writes %d", atol(ver),
			 PIR_CACHE_SCHEMA);
		return DB_BAD;
	}
	if ((r = db_text(db, "PRAGMA quick_check", ok, sizeof(ok), why, size)) != DB_OK)
		return r;
	if (strcmp(ok, "ok")) {
		snprintf(why, size, "quick_check: %s", ok);
		return DB_BAD;
	}
	if ((r = db_text(db, "SELECT value FROM meta WHERE key = 'format'", ok, sizeof(ok), why,
			 size)) != DB_OK)
		return r;
	if (strcmp(ok, PIR_CACHE_FORMAT)) {
		snprintf(why, size, "payload format '%s', this pirscan writes %s", ok,
			 PIR_CACHE_FORMAT);
		return DB_BAD;
	}
	return DB_OK;
}

/* Another pirscan wrote the rows: their keys name its version, drop them (not an error). */
static int db_version(sqlite3 *db, char *why, size_t size)
{
	char ver[128], sql[256];

	if (db_text(db, "SELECT value FROM meta WHERE key = 'pirscan'", ver, sizeof(ver), why,
		    size) != DB_OK ||
	    !strcmp(ver, PIRSCAN_VERSION))
		return DB_OK;
	snprintf(sql, sizeof(sql),
		 "BEGIN IMMEDIATE; DELETE FROM results;"
		 "INSERT OR REPLACE INTO meta VALUES ('pirscan', '%s'); COMMIT",
		 PIRSCAN_VERSION);
	if (db_exec(db, sql, why, size) != DB_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return DB_UNUSABLE;
	}
	return DB_OK;
}

static int db_open(pir_cache *c, char *why, size_t size)
{
	char mode[32];
	int rc, r;

	rc = sqlite3_open_v2(c->path, &c->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, size, "%s", c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return db_class(rc) == DB_BAD ? DB_BAD : DB_UNUSABLE;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if ((r = db_text(c->db, "PRAGMA journal_mode = WAL", mode, sizeof(mode), why, size)) !=
		DB_OK ||
	    (r = db_exec(c->db, "PRAGMA synchronous = NORMAL", why, size)) != DB_OK ||
	    (r = db_check(c->db, why, size)) != DB_OK)
		return r;
	return db_version(c->db, why, size);
}

static void db_close(pir_cache *c)
{
	sqlite3_close(c->db);
	c->db = NULL;
}

/* Move a file that cannot be trusted aside (FILE.corrupt), and its journal away. */
static int move_aside(const pir_cache *c)
{
	char *aside = pir_sprintf("%s.corrupt", c->path);
	char *wal = pir_sprintf("%s-wal", c->path);
	char *shm = pir_sprintf("%s-shm", c->path);
	int err = aside && wal && shm ? 0 : PIR_ENOMEM;

	if (!err && rename(c->path, aside) < 0 && errno != ENOENT)
		unlink(c->path);
	if (!err) {
		unlink(wal);
		unlink(shm);
	}
	free(aside);
	free(wal);
	free(shm);
	return err;
}

/* One line: "FILE: CAUSE; WHAT NOW". */
static int warn(pir_cache *c, const char *code, const char *file, const char *cause,
		const char *then)
{
	return pir_diag_add(c->diag, PIR_DIAG_WARNING, code, NULL, NULL, 0, 0, "%s: %s; %s", file,
			    cause, then);
}

/* Open the file, rebuilding it once when it cannot be trusted. */
static int open_file(pir_cache *c)
{
	char why[512] = "";
	int r = db_open(c, why, sizeof(why)), err;

	if (r == DB_BAD) {
		db_close(c);
		if ((err = warn(c, "cache-rebuilt", c->path, why,
				"moved to " PIR_CACHE_FILE ".corrupt and started afresh")) < 0 ||
		    (err = move_aside(c)) < 0)
			return err;
		r = db_open(c, why, sizeof(why));
	}
	if (r != DB_OK) {
		db_close(c);
		return warn(c, "cache-unavailable", c->path, why, "scanning without the cache");
	}
	return 0;
}

/* mkdir -p, the last folder private to the user; 0, an errno, or PIR_ENOMEM. */
static int make_dirs(const char *dir)
{
	char *p = pir_strdup(dir);
	int e = 0;

	if (!p)
		return PIR_ENOMEM;
	for (char *s = p + 1; *s && !e; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			e = errno;
		*s = '/';
	}
	if (!e && mkdir(p, 0700) < 0 && errno != EEXIST)
		e = errno;
	if (!e && access(p, W_OK) < 0)
		e = errno;
	free(p);
	return e;
}

int pir_cache_open(pir_cache **out, const char *dir, pir_diag_sink *diag)
{
	pir_cache *c;
	int err;

	*out = NULL;
	if (!(c = pir_calloc(1, sizeof(*c))))
		return PIR_ENOMEM;
	c->diag = diag;
	pthread_mutex_init(&c->lock, NULL);
	if (!(c->path = pir_sprintf("%s/%s", dir, PIR_CACHE_FILE))) {
		err = PIR_ENOMEM;
		goto done;
	}
	if ((err = make_dirs(dir)) > 0) {
		err =
		    warn(c, "cache-unavailable", dir, strerror(err), "scanning without the cache");
		goto done;
	}
	if (err < 0 || (err = open_file(c)) < 0 || !c->db)
		goto done;
	*out = c;
	return 0;
done:
	pir_cache_close(c);
	return err;
}

/* A statement failed: warn, and stop using the cache (rebuilt at the next open if bad). */
static int give_up(pir_cache *c, int rc)
{
	const char *cause = sqlite3_errmsg(c->db);
	int err;

	err = warn(c, db_class(rc) == DB_BAD ? "cache-rebuilt" : "cache-unavailable", c->path,
		   cause, "not used any more by this run");
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	db_close(c);
	return err;
}

/* Delete one row (its own transaction). */
static int delete_row(pir_cache *c, const char *key)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "DELETE FROM results WHERE key = ?", -1, &st, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return db_class(rc) == DB_OK ? 0 : give_up(c, rc);
}

static int drop_locked(pir_cache *c, const char *key, const char *why)
{
	int err = warn(c, "cache-rebuilt", c->path, why,
		       "the entry is dropped and the repository scanned");
	return err < 0 ? err : delete_row(c, key);
}

int pir_cache_drop(pir_cache *c, const char *key, const char *why)
{
	int err = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->db)
		err = drop_locked(c, key, why);
	pthread_mutex_unlock(&c->lock);
	return err;
}

/* Check a row's payload against its length and checksum; 1 when it holds. */
static int row_sound(sqlite3_stmt *st, bool binary, const char **why)
{
	const char *payload = binary ? (const char *)sqlite3_column_blob(st, 2)
				     : (const char *)sqlite3_column_text(st, 2);
	size_t n = (size_t)sqlite3_column_bytes(st, 2);
	const unsigned char *sum = sqlite3_column_text(st, 1);
	char hex[PIR_SHA256_HEX];

	if (!payload || (sqlite3_int64)n != sqlite3_column_int64(st, 0)) {
		*why = "an entry is not the length it was stored with";
		return 0;
	}
	pir_sha256_hex(hex, payload, n);
	if (!sum || strcmp(hex, (const char *)sum)) {
		*why = "an entry failed its checksum";
		return 0;
	}
	return 1;
}

static int lookup_locked(pir_cache *c, const char *key, char **json, size_t *len, bool binary)
{
	sqlite3_stmt *st = NULL;
	const char *why = NULL;
	int rc, found = 0, err = 0;

	rc = sqlite3_prepare_v2(c->db, "SELECT length, sha256, payload FROM results WHERE key = ?",
				-1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC)) == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && row_sound(st, binary, &why)) {
		*len = (size_t)sqlite3_column_bytes(st, 2);
		if (binary && (*json = pir_malloc(*len + 1)))
			memcpy(*json, sqlite3_column_blob(st, 2), *len);
		else if (!binary)
			*json = pir_strndup((const char *)sqlite3_column_text(st, 2), *len);
		if (!*json)
			err = PIR_ENOMEM;
		else if (pir_grow((void **)&c->hits, &c->hits_cap, c->nhits + 1,
				  sizeof(*c->hits)) == 0 &&
			 (c->hits[c->nhits] = pir_strdup(key)))
			c->nhits++;
		found = !err;
	}
	sqlite3_finalize(st);
	if (err)
		return err;
	if (why)
		return drop_locked(c, key, why);
	if (db_class(rc) != DB_OK)
		return give_up(c, rc);
	return found;
}

static int lookup(pir_cache *c, const char *key, char **json, size_t *len, bool binary)
{
	int r = 0;

	*json = NULL;
	*len = 0;
	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->db)
		r = lookup_locked(c, key, json, len, binary);
	pthread_mutex_unlock(&c->lock);
	return r;
}

int pir_cache_lookup(pir_cache *c, const char *key, char **json, size_t *len)
{
	return lookup(c, key, json, len, false);
}

int pir_cache_lookup_blob(pir_cache *c, const char *key, unsigned char **data, size_t *len)
{
	return lookup(c, key, (char **)data, len, true);
}

/* The row, then the repository's older rows beyond the few kept: one transaction. */
static int store_locked(pir_cache *c, const char *key, const char *repo, const char *tips,
			const char *json, size_t len, bool binary, int keep)
{
	static const char insert[] =
	    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	static const char prune[] =
	    "DELETE FROM results WHERE repo = ?1 AND key NOT IN (SELECT key FROM results"
	    " WHERE repo = ?1 ORDER BY used DESC, stored DESC, rowid DESC LIMIT ?2)";
	sqlite3_stmt *ins = NULL, *del = NULL;
	char sum[PIR_SHA256_HEX];
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int rc;

	pir_sha256_hex(sum, json, len);
	if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(c->db, insert, -1, &ins, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(c->db, prune, -1, &del, NULL)) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(ins, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, repo, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, tips ? tips : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, now);
	sqlite3_bind_int64(ins, 5, now);
	sqlite3_bind_int64(ins, 6, (sqlite3_int64)len);
	sqlite3_bind_text(ins, 7, sum, -1, SQLITE_STATIC);
	if (binary)
		sqlite3_bind_blob(ins, 8, json, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_text(ins, 8, json, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(del, 1, repo, -1, SQLITE_STATIC);
	sqlite3_bind_int(del, 2, keep);
	if ((rc = sqlite3_step(ins)) == SQLITE_DONE && (rc = sqlite3_step(del)) == SQLITE_DONE)
		rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
done:
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	if (db_class(rc) != DB_OK)
		return give_up(c, rc);
	c->nstores++;
	return 0;
}

static int store(pir_cache *c, const char *key, const char *repo, const char *tips,
		 const char *json, size_t len, bool binary, int keep)
{
	int err = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	/* longer than SQLite takes a value: such a result is not kept */
	if (c->db && len < (size_t)sqlite3_limit(c->db, SQLITE_LIMIT_LENGTH, -1))
		err = store_locked(c, key, repo, tips, json, len, binary, keep);
	pthread_mutex_unlock(&c->lock);
	return err;
}

int pir_cache_store(pir_cache *c, const char *key, const char *repo, const char *tips,
		    const char *json, size_t len)
{
	return store(c, key, repo, tips, json, len, false, PIR_CACHE_KEEP);
}

int pir_cache_store_blob(pir_cache *c, const char *key, const char *repo, const char *tips,
			 const unsigned char *data, size_t len, int keep)
{
	return store(c, key, repo, tips, (const char *)data, len, true, keep);
}

/* The hits' `used`, and rows idle too long dropped: one transaction, failures ignored. */
static void record_use(pir_cache *c)
{
	sqlite3_stmt *st = NULL, *idle = NULL;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int rc;

	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return;
	rc = sqlite3_prepare_v2(c->db, "UPDATE results SET used = ? WHERE key = ?", -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < c->nhits; i++) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, c->hits[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_reset(st) : SQLITE_ERROR;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "DELETE FROM results WHERE used < ?", -1, &idle,
					NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(idle, 1, now - (sqlite3_int64)PIR_CACHE_MAX_IDLE_DAYS * 86400);
		rc = sqlite3_step(idle) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(idle);
	sqlite3_exec(c->db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
}

const char *pir_cache_path(const pir_cache *c)
{
	return c ? c->path : NULL;
}

size_t pir_cache_hits(const pir_cache *c)
{
	return c ? c->nhits : 0;
}

size_t pir_cache_stores(const pir_cache *c)
{
	return c ? c->nstores : 0;
}

void pir_cache_close(pir_cache *c)
{
	if (!c)
		return;
	if (c->db)
		record_use(c);
	db_close(c);
	for (size_t i = 0; i < c->nhits; i++)
		free(c->hits[i]);
	free(c->hits);
	free(c->path);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
