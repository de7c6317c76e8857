/* hss_db.c — the HSS subscriber store on SQLite. */
#include "hss-stub/hss_db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "common/aka.h"

#define HSS_DB_BUSY_TIMEOUT_MS 5000

struct hss_db {
	sqlite3 *sql;
	char err[512];
};

/*
 * Version 1. K, OP and OPc are stored in clear: the file is 0600 and secure_delete is on, so
 * a deleted subscriber's keys do not linger in free pages.
 */
static const char hss_db_schema_v1[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "INSERT INTO schema_version (version) VALUES (1);"
    "CREATE TABLE subscriber ("
    " id INTEGER PRIMARY KEY,"
    " impi TEXT NOT NULL UNIQUE,"
    " k BLOB NOT NULL CHECK (length(k) = 16),"
    " op BLOB CHECK (op IS NULL OR length(op) = 16),"
    " opc BLOB NOT NULL CHECK (length(opc) = 16),"
    " amf BLOB NOT NULL CHECK (length(amf) = 2),"
    " sqn INTEGER NOT NULL CHECK (sqn BETWEEN 0 AND 281474976710655));"
    "CREATE TABLE impu ("
    " impu TEXT PRIMARY KEY,"
    " subscriber_id INTEGER NOT NULL REFERENCES subscriber (id) ON DELETE CASCADE);"
    "CREATE INDEX impu_subscriber ON impu (subscriber_id);";

#define HSS_DB_COLUMNS "id, impi, k, op, opc, amf, sqn"

/* ---- subscribers in memory ---- */

struct hss_subscriber *hss_subscriber_new(void)
{
	struct hss_subscriber *sub = calloc(1, sizeof(*sub));

	if (sub)
		sub->amf[0] = 0x80;
	return sub;
}

void hss_subscriber_free(struct hss_subscriber *sub)
{
	size_t i;

	if (!sub)
		return;
	free(sub->impi);
	for (i = 0; i < sub->n_impu; i++)
		free(sub->impu[i]);
	free(sub->impu);
	OPENSSL_cleanse(sub, sizeof(*sub));
	free(sub);
}

/* Printable ASCII without space, quotes, backslash and '#' (comments in import files). */
static int hss_id_check(const char *s)
{
	size_t len;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (len == 0 || len > HSS_ID_MAX)
		return -EINVAL;
	for (; *s; s++) {
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\' || *s == '#')
			return -EINVAL;
	}
	return 0;
}

int hss_impi_check(const char *impi)
{
	return hss_id_check(impi);
}

int hss_impu_check(const char *impu)
{
	size_t scheme;

	if (hss_id_check(impu))
		return -EINVAL;
	if (!strncasecmp(impu, "sip:", 4) || !strncasecmp(impu, "tel:", 4))
		scheme = 4;
	else if (!strncasecmp(impu, "sips:", 5))
		scheme = 5;
	else
		return -EINVAL;
	return impu[scheme] ? 0 : -EINVAL;
}

int hss_subscriber_set_impi(struct hss_subscriber *sub, const char *impi)
{
	char *copy;

	if (!sub || hss_impi_check(impi))
		return -EINVAL;
	copy = strdup(impi);
	if (!copy)
		return -ENOMEM;
	free(sub->impi);
	sub->impi = copy;
	return 0;
}

int hss_subscriber_add_impu(struct hss_subscriber *sub, const char *impu)
{
	char **list;
	size_t i;

	if (!sub || hss_impu_check(impu))
		return -EINVAL;
	for (i = 0; i < sub->n_impu; i++) {
		if (!strcmp(sub->impu[i], impu))
			return -EEXIST;
	}
	if (sub->n_impu >= HSS_IMPU_MAX)
		return -E2BIG;
	list = realloc(sub->impu, (sub->n_impu + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	sub->impu = list;
	list[sub->n_impu] = strdup(impu);
	if (!list[sub->n_impu])
		return -ENOMEM;
	sub->n_impu++;
	return 0;
}

int hss_subscriber_set_op(struct hss_subscriber *sub, const uint8_t op[MILENAGE_K_LEN])
{
	int ret;

	if (!sub || !op)
		return -EINVAL;
	ret = milenage_opc(sub->k, op, sub->opc);
	if (ret)
		return ret;
	memcpy(sub->op, op, MILENAGE_K_LEN);
	sub->has_op = true;
	sub->has_opc = true;
	return 0;
}

void hss_subscriber_set_opc(struct hss_subscriber *sub, const uint8_t opc[MILENAGE_K_LEN])
{
	if (!sub || !opc)
		return;
	memcpy(sub->opc, opc, MILENAGE_K_LEN);
	OPENSSL_cleanse(sub->op, sizeof(sub->op));
	sub->has_op = false;
	sub->has_opc = true;
}

/* ---- database plumbing ---- */

static int hss_db_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_FULL:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

/* Record an error message and return @ret. */
__attribute__((format(printf, 3, 4))) static int hss_db_fail(struct hss_db *db, int ret,
							     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	return ret;
}

/* Record "@what: <sqlite's message>" and return the errno for @rc. */
static int hss_db_fail_sql(struct hss_db *db, int rc, const char *what)
{
	return hss_db_fail(db, hss_db_errno(rc), "%s: %s", what, sqlite3_errmsg(db->sql));
}

static int hss_db_exec(struct hss_db *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db->sql, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : hss_db_fail_sql(db, rc, what);
}

static int hss_db_prepare(struct hss_db *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(db->sql, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : hss_db_fail_sql(db, rc, "prepare");
}

/*
 * Every change runs in a transaction of its own (BEGIN IMMEDIATE, so read-modify-write is
 * atomic across processes), or, inside the caller's hss_db_begin(), in a savepoint, so a
 * failing call leaves the caller's transaction as it was.
 */
static int hss_db_tx_enter(struct hss_db *db, bool *owned)
{
	*owned = sqlite3_get_autocommit(db->sql) != 0;
	if (*owned)
		return hss_db_exec(db, "BEGIN IMMEDIATE", "begin transaction");
	return hss_db_exec(db, "SAVEPOINT hss_op", "savepoint");
}

static int hss_db_tx_leave(struct hss_db *db, bool owned, int ret)
{
	if (owned) {
		if (!ret)
			ret = hss_db_exec(db, "COMMIT", "commit");
		if (ret)
			sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	if (ret)
		sqlite3_exec(db->sql, "ROLLBACK TO hss_op", NULL, NULL, NULL);
	sqlite3_exec(db->sql, "RELEASE hss_op", NULL, NULL, NULL);
	return ret;
}

struct hss_db *hss_db_new(void)
{
	return calloc(1, sizeof(struct hss_db));
}

void hss_db_free(struct hss_db *db)
{
	if (!db)
		return;
	if (db->sql && !sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(db->sql);
	free(db);
}

const char *hss_db_error(const struct hss_db *db)
{
	return db ? db->err : "no database handle";
}

/* Create a missing file 0600 (and a missing parent directory 0700) before SQLite opens it. */
static int hss_db_create_file(struct hss_db *db, const char *path)
{
	char dir[4096];
	const char *slash;
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno == EEXIST)
			return 0;
		slash = strrchr(path, '/');
		if (errno != ENOENT || tries > 0 || !slash || slash == path ||
		    (size_t)(slash - path) >= sizeof(dir))
			break;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return hss_db_fail(db, -errno, "cannot create directory %s: %s", dir,
					   strerror(errno));
	}
	return hss_db_fail(db, -errno, "cannot create %s: %s", path, strerror(errno));
}

static int hss_db_wal(struct hss_db *db, const char *path)
{
	sqlite3_stmt *st = NULL;
	int ret = 0, rc;

	if (hss_db_prepare(db, "PRAGMA journal_mode = WAL", &st))
		return hss_db_fail(db, -EIO, "cannot open %s: %s", path, sqlite3_errmsg(db->sql));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		ret = hss_db_fail(db, hss_db_errno(rc), "cannot open %s: %s", path,
				  sqlite3_errmsg(db->sql));
	else if (strcasecmp((const char *)sqlite3_column_text(st, 0), "wal") != 0)
		ret = hss_db_fail(db, -EIO, "cannot put %s in WAL mode", path);
	sqlite3_finalize(st);
	return ret;
}

/* Query one integer; -ENOENT when there is no row. */
static int hss_db_query_int(struct hss_db *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = hss_db_prepare(db, sql, &st);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = hss_db_fail(db, -ENOENT, "no row for: %s", sql);
	else
		ret = hss_db_fail_sql(db, rc, "query");
	sqlite3_finalize(st);
	return ret;
}

static int hss_db_schema(struct hss_db *db, const char *path)
{
	int64_t n = 0, version = 0;
	bool owned;
	int ret;

	ret = hss_db_tx_enter(db, &owned);
	if (ret)
		return ret;
	ret = hss_db_query_int(db,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			       " AND name = 'schema_version'",
			       &n);
	if (!ret && n == 0) {
		ret = hss_db_query_int(db, "SELECT count(*) FROM sqlite_master", &n);
		if (!ret && n > 0)
			ret = hss_db_fail(db, -EPROTO, "%s is not an hss-stub database", path);
		else if (!ret)
			ret = hss_db_exec(db, hss_db_schema_v1, "create schema");
	} else if (!ret) {
		ret = hss_db_query_int(db, "SELECT max(version) FROM schema_version", &version);
		if (!ret && version != HSS_DB_SCHEMA_VERSION)
			ret = hss_db_fail(db, -EPROTO,
					  "%s has schema version %lld; this hss-stub knows %d",
					  path, (long long)version, HSS_DB_SCHEMA_VERSION);
	}
	return hss_db_tx_leave(db, owned, ret);
}

int hss_db_open(struct hss_db *db, const char *path)
{
	int ret, rc;

	if (!db || !path)
		return -EINVAL;
	if (db->sql)
		return hss_db_fail(db, -EALREADY, "database already open");
	db->err[0] = '\0';
	ret = hss_db_create_file(db, path);
	if (ret)
		return ret;
	rc = sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		ret = hss_db_fail(db, hss_db_errno(rc), "cannot open %s: %s", path,
				  db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, HSS_DB_BUSY_TIMEOUT_MS);
	ret = hss_db_wal(db, path);
	if (!ret)
		ret = hss_db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON",
				  "set pragmas");
	if (!ret)
		ret = hss_db_schema(db, path);
	if (!ret)
		return 0;
fail:
	sqlite3_close_v2(db->sql);
	db->sql = NULL;
	return ret;
}

int hss_db_begin(struct hss_db *db)
{
	if (!db || !db->sql)
		return -EINVAL;
	return hss_db_exec(db, "BEGIN IMMEDIATE", "begin transaction");
}

int hss_db_commit(struct hss_db *db)
{
	int ret;

	if (!db || !db->sql)
		return -EINVAL;
	ret = hss_db_exec(db, "COMMIT", "commit");
	if (ret)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

void hss_db_rollback(struct hss_db *db)
{
	if (db && db->sql && !sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- reading subscribers ---- */

/* Copy one BLOB column of exactly @len bytes. */
static int hss_db_column_blob(sqlite3_stmt *st, int col, uint8_t *out, size_t len)
{
	if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
	    (size_t)sqlite3_column_bytes(st, col) != len)
		return -EIO;
	memcpy(out, sqlite3_column_blob(st, col), len);
	return 0;
}

/* Build a subscriber (without IMPUs) from a row of HSS_DB_COLUMNS. */
static int hss_db_row_read(struct hss_db *db, sqlite3_stmt *st, struct hss_subscriber **out,
			   int64_t *id)
{
	struct hss_subscriber *sub = hss_subscriber_new();
	const char *impi = (const char *)sqlite3_column_text(st, 1);
	int64_t sqn = sqlite3_column_int64(st, 6);
	int ret = -ENOMEM;

	if (!sub || !impi || !(sub->impi = strdup(impi)))
		goto fail;
	ret = -EIO;
	*id = sqlite3_column_int64(st, 0);
	if (hss_db_column_blob(st, 2, sub->k, sizeof(sub->k)) ||
	    hss_db_column_blob(st, 4, sub->opc, sizeof(sub->opc)) ||
	    hss_db_column_blob(st, 5, sub->amf, sizeof(sub->amf)) || sqn < 0 ||
	    (uint64_t)sqn > AKA_SQN_MAX)
		goto fail;
	sub->has_opc = true;
	sub->sqn = (uint64_t)sqn;
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		if (hss_db_column_blob(st, 3, sub->op, sizeof(sub->op)))
			goto fail;
		sub->has_op = true;
	}
	*out = sub;
	return 0;
fail:
	hss_subscriber_free(sub);
	if (ret == -EIO)
		return hss_db_fail(db, ret, "corrupt subscriber row %s", impi ? impi : "(null)");
	return hss_db_fail(db, ret, "out of memory");
}

static int hss_db_impus_read(struct hss_db *db, sqlite3_stmt *st, int64_t id,
			     struct hss_subscriber *sub)
{
	int ret = 0, rc = SQLITE_DONE;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *impu = (const char *)sqlite3_column_text(st, 0);

		ret = hss_subscriber_add_impu(sub, impu ? impu : "");
		if (ret)
			ret = hss_db_fail(db, ret == -ENOMEM ? -ENOMEM : -EIO,
					  "bad IMPU stored for %s", sub->impi);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = hss_db_fail_sql(db, rc, "read IMPUs");
	sqlite3_reset(st);
	return ret;
}

/* Load the one subscriber @sql (with ?1 = @key) selects. */
static int hss_db_load(struct hss_db *db, const char *sql, const char *key,
		       struct hss_subscriber **out)
{
	sqlite3_stmt *st = NULL, *impus = NULL;
	struct hss_subscriber *sub = NULL;
	int64_t id = 0;
	int ret, rc;

	if (!db || !db->sql || !key || !out)
		return -EINVAL;
	*out = NULL;
	ret = hss_db_prepare(db, sql, &st);
	if (!ret)
		ret = hss_db_prepare(db,
				     "SELECT impu FROM impu WHERE subscriber_id = ?1"
				     " ORDER BY rowid",
				     &impus);
	if (!ret) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			ret = hss_db_row_read(db, st, &sub, &id);
		else if (rc == SQLITE_DONE)
			ret = hss_db_fail(db, -ENOENT, "no subscriber %s", key);
		else
			ret = hss_db_fail_sql(db, rc, "read subscriber");
	}
	if (!ret)
		ret = hss_db_impus_read(db, impus, id, sub);
	sqlite3_finalize(st);
	sqlite3_finalize(impus);
	if (ret)
		hss_subscriber_free(sub);
	else
		*out = sub;
	return ret;
}

int hss_db_subscriber_get_by_impi(struct hss_db *db, const char *impi, struct hss_subscriber **out)
{
	return hss_db_load(db, "SELECT " HSS_DB_COLUMNS " FROM subscriber WHERE impi = ?1", impi,
			   out);
}

int hss_db_subscriber_get_by_impu(struct hss_db *db, const char *impu, struct hss_subscriber **out)
{
	return hss_db_load(db,
			   "SELECT " HSS_DB_COLUMNS " FROM subscriber WHERE id ="
			   " (SELECT subscriber_id FROM impu WHERE impu = ?1)",
			   impu, out);
}

int hss_db_subscriber_foreach(struct hss_db *db, hss_db_subscriber_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL, *impus = NULL;
	int ret, rc = SQLITE_DONE;

	if (!db || !db->sql || !cb)
		return -EINVAL;
	ret = hss_db_prepare(db, "SELECT " HSS_DB_COLUMNS " FROM subscriber ORDER BY impi", &st);
	if (!ret)
		ret = hss_db_prepare(db,
				     "SELECT impu FROM impu WHERE subscriber_id = ?1"
				     " ORDER BY rowid",
				     &impus);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hss_subscriber *sub = NULL;
		int64_t id = 0;

		ret = hss_db_row_read(db, st, &sub, &id);
		if (!ret)
			ret = hss_db_impus_read(db, impus, id, sub);
		if (!ret)
			ret = cb(sub, arg);
		hss_subscriber_free(sub);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = hss_db_fail_sql(db, rc, "list subscribers");
	sqlite3_finalize(st);
	sqlite3_finalize(impus);
	return ret;
}

/* ---- changing subscribers ---- */

/* Run a prepared one-shot change; constraint violations become -EEXIST with @what. */
static int hss_db_step_done(struct hss_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return hss_db_fail(db, -EEXIST, "%s", what);
	return hss_db_fail_sql(db, rc, what);
}

static int hss_db_insert_impus(struct hss_db *db, const struct hss_subscriber *sub, int64_t id)
{
	sqlite3_stmt *st = NULL;
	char what[HSS_ID_MAX + 64];
	size_t i;
	int ret;

	ret = hss_db_prepare(db, "INSERT INTO impu (impu, subscriber_id) VALUES (?1, ?2)", &st);
	for (i = 0; !ret && i < sub->n_impu; i++) {
		snprintf(what, sizeof(what), "IMPU %s is already in use", sub->impu[i]);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, sub->impu[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		ret = hss_db_step_done(db, st, what);
	}
	sqlite3_finalize(st);
	return ret;
}

int hss_db_subscriber_add(struct hss_db *db, const struct hss_subscriber *sub)
{
	sqlite3_stmt *st = NULL;
	char what[HSS_ID_MAX + 64];
	bool owned;
	int ret;

	if (!db || !db->sql || !sub)
		return -EINVAL;
	if (hss_impi_check(sub->impi) || sub->n_impu == 0 || !sub->has_opc ||
	    sub->sqn > AKA_SQN_MAX)
		return hss_db_fail(db, -EINVAL, "incomplete subscriber");
	ret = hss_db_tx_enter(db, &owned);
	if (ret)
		return ret;
	ret = hss_db_prepare(db,
			     "INSERT INTO subscriber (impi, k, op, opc, amf, sqn)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			     &st);
	if (!ret) {
		sqlite3_bind_text(st, 1, sub->impi, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, sub->k, sizeof(sub->k), SQLITE_STATIC);
		if (sub->has_op)
			sqlite3_bind_blob(st, 3, sub->op, sizeof(sub->op), SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, sub->opc, sizeof(sub->opc), SQLITE_STATIC);
		sqlite3_bind_blob(st, 5, sub->amf, sizeof(sub->amf), SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)sub->sqn);
		snprintf(what, sizeof(what), "IMPI %s already exists", sub->impi);
		ret = hss_db_step_done(db, st, what);
		sqlite3_finalize(st);
	}
	if (!ret)
		ret = hss_db_insert_impus(db, sub, sqlite3_last_insert_rowid(db->sql));
	return hss_db_tx_leave(db, owned, ret);
}

/* Run @sql with ?1 = @impi (and ?2 = @value when @bind_value); -ENOENT if no row changed. */
static int hss_db_change_one(struct hss_db *db, const char *sql, const char *impi, bool bind_value,
			     int64_t value, const char *what)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!db || !db->sql || !impi)
		return -EINVAL;
	ret = hss_db_prepare(db, sql, &st);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, impi, -1, SQLITE_STATIC);
	if (bind_value)
		sqlite3_bind_int64(st, 2, value);
	ret = hss_db_step_done(db, st, what);
	if (!ret && sqlite3_changes(db->sql) == 0)
		ret = hss_db_fail(db, -ENOENT, "no subscriber %s", impi);
	sqlite3_finalize(st);
	return ret;
}

int hss_db_subscriber_del(struct hss_db *db, const char *impi)
{
	return hss_db_change_one(db, "DELETE FROM subscriber WHERE impi = ?1", impi, false, 0,
				 "delete subscriber");
}

int hss_db_sqn_set(struct hss_db *db, const char *impi, uint64_t sqn)
{
	if (sqn > AKA_SQN_MAX)
		return -EINVAL;
	return hss_db_change_one(db, "UPDATE subscriber SET sqn = ?2 WHERE impi = ?1", impi, true,
				 (int64_t)sqn, "set SQN");
}

int hss_db_sqn_advance(struct hss_db *db, const char *impi, uint64_t *sqn)
{
	sqlite3_stmt *st = NULL;
	uint64_t next = 0;
	bool owned;
	int ret, rc;

	if (!db || !db->sql || !impi || !sqn)
		return -EINVAL;
	ret = hss_db_tx_enter(db, &owned);
	if (ret)
		return ret;
	ret = hss_db_prepare(db, "SELECT sqn FROM subscriber WHERE impi = ?1", &st);
	if (!ret) {
		sqlite3_bind_text(st, 1, impi, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			next = aka_sqn_next((uint64_t)sqlite3_column_int64(st, 0));
		else if (rc == SQLITE_DONE)
			ret = hss_db_fail(db, -ENOENT, "no subscriber %s", impi);
		else
			ret = hss_db_fail_sql(db, rc, "read SQN");
		sqlite3_finalize(st);
	}
	if (!ret)
		ret = hss_db_sqn_set(db, impi, next);
	ret = hss_db_tx_leave(db, owned, ret);
	if (!ret)
		*sqn = next;
	return ret;
}
