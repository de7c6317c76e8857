/*
 * store.c — the state database (see store.h).
 */
#include "config.h"

#include "pcscf/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_ERR_MAX 512

/* Migration N takes the schema from version N to N + 1. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE registration ("
	" id INTEGER PRIMARY KEY, impu TEXT NOT NULL, contact TEXT NOT NULL,"
	" assoc TEXT NOT NULL, service_route TEXT NOT NULL, call_id TEXT NOT NULL,"
	" proto INTEGER NOT NULL, last_addr TEXT NOT NULL, expires_at INTEGER NOT NULL,"
	" delete_at INTEGER NOT NULL, old_until INTEGER NOT NULL);"
	"CREATE TABLE sa_set ("
	" reg_id INTEGER NOT NULL REFERENCES registration(id) ON DELETE CASCADE,"
	" slot INTEGER NOT NULL, reqid INTEGER NOT NULL, mech INTEGER NOT NULL,"
	" integ INTEGER NOT NULL, encr INTEGER NOT NULL,"
	" ue_addr TEXT NOT NULL, ue_port_c INTEGER NOT NULL, ue_port_s INTEGER NOT NULL,"
	" ue_spi_c INTEGER NOT NULL, ue_spi_s INTEGER NOT NULL,"
	" pcscf_addr TEXT NOT NULL, pcscf_port_c INTEGER NOT NULL,"
	" pcscf_port_s INTEGER NOT NULL, pcscf_spi_c INTEGER NOT NULL,"
	" pcscf_spi_s INTEGER NOT NULL, prefix_len INTEGER NOT NULL,"
	" has_prefix_len INTEGER NOT NULL, server TEXT NOT NULL, addrs TEXT NOT NULL,"
	" sealed BLOB NOT NULL, PRIMARY KEY (reg_id, slot));",
	/* 2: pcscfctl looks registrations up by IMPU. */
	"CREATE INDEX registration_impu ON registration(impu);",
	/* 3: the IMPI, for the de-REGISTER of pcscfctl deregister ('': not told). */
	"ALTER TABLE registration ADD COLUMN impi TEXT NOT NULL DEFAULT '';",
	/* 4: the Via / Record-Route signing keys, the secret sealed (seal_sign_encrypt()). */
	"CREATE TABLE sign_key (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL, sealed BLOB NOT NULL);",
};

enum store_stmt {
	STORE_PUT_REG,
	STORE_PUT_SET,
	STORE_DEL_SETS,
	STORE_DEL_REG,
	STORE_STMT_COUNT,
};

static const char *const store_sql[STORE_STMT_COUNT] = {
	[STORE_PUT_REG] = "INSERT OR REPLACE INTO registration (id, impu, contact, assoc,"
			  " service_route, call_id, proto, last_addr, expires_at, delete_at,"
			  " old_until, impi) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[STORE_PUT_SET] = "INSERT INTO sa_set VALUES "
			  "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[STORE_DEL_SETS] = "DELETE FROM sa_set WHERE reg_id = ?",
	[STORE_DEL_REG] = "DELETE FROM registration WHERE id = ?",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STORE_STMT_COUNT];
	bool in_txn;
	char error[STORE_ERR_MAX];
};

static int __attribute__((format(printf, 3, 4)))
store_fail(struct store *s, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	return ret;
}

static int store_exec(struct store *s, const char *sql, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	int ret = 0;

	if (rc != SQLITE_OK)
		ret = store_fail(s, rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? -EPROTO : -EIO,
				 "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return ret;
}

/* One integer from a query (a pragma). */
static int store_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	int ret = 0;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		ret = store_fail(s, rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? -EPROTO : -EIO,
				 "%s: %s", sql, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ret;
}

/* The file exists with mode 0600 before SQLite opens it (its -wal and -shm take its mode). */
static int store_create_file(struct store *s, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat st;
	int ret = 0;

	if (fd < 0)
		return store_fail(s, -errno, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		ret = store_fail(s, -EINVAL, "%s is not a regular file", path);
	else if (st.st_mode & 077)
		ret = store_fail(s, -EPERM, "%s is open to others (mode %04o; want 0600)", path,
				 (unsigned)(st.st_mode & 07777));
	close(fd);
	return ret;
}

/* WAL, a real check of every page, then the migrations this file lacks. */
static int store_prepare_schema(struct store *s, const char *path)
{
	int64_t version = 0;
	char check[16] = "";
	sqlite3_stmt *st = NULL;
	int ret = store_exec(s,
			     "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
			     "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON",
			     "set pragmas");

	if (ret == 0 &&
	    sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		snprintf(check, sizeof(check), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (ret == 0 && strcmp(check, "ok") != 0)
		ret = store_fail(s, -EPROTO, "damaged: %s", sqlite3_errmsg(s->db));
	if (ret == 0)
		ret = store_int(s, "PRAGMA user_version", &version);
	if (ret == 0 && version > STORE_SCHEMA_VERSION)
		ret = store_fail(s, -EPROTO, "schema version %lld is newer than this pcscfd's (%d)",
				 (long long)version, STORE_SCHEMA_VERSION);
	for (; ret == 0 && version < STORE_SCHEMA_VERSION; version++) {
		char sql[2048];

		snprintf(sql, sizeof(sql), "BEGIN; %s PRAGMA user_version = %lld; COMMIT;",
			 store_migrations[version], (long long)version + 1);
		ret = store_exec(s, sql, "schema migration");
		if (ret < 0)
			store_exec(s, "ROLLBACK", "rollback");
	}
	if (ret < 0) {
		char reason[STORE_ERR_MAX];

		snprintf(reason, sizeof(reason), "%s", s->error);
		store_fail(s, ret, "%s: %s", path, reason);
	}
	return ret;
}

int store_open(const char *path, struct store **out, char *why, size_t why_len)
{
	struct store *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	ret = store_create_file(s, path);
	if (ret == 0 && sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
					NULL) != SQLITE_OK)
		ret = store_fail(s, -EIO, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
	if (ret == 0)
		ret = store_prepare_schema(s, path);
	for (int i = 0; ret == 0 && i < STORE_STMT_COUNT; i++)
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &s->stmt[i], NULL) != SQLITE_OK)
			ret = store_fail(s, -EPROTO, "%s: %s", path, sqlite3_errmsg(s->db));
	if (ret < 0) {
		snprintf(why, why_len, "%s", s->error);
		store_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	if (s->in_txn)
		store_commit(s);
	for (int i = 0; i < STORE_STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	free(s);
}

const char *store_error(const struct store *s)
{
	return s->error;
}

bool store_pending(const struct store *s)
{
	return s->in_txn;
}

static int store_begin(struct store *s)
{
	int ret = 0;

	if (!s->in_txn) {
		ret = store_exec(s, "BEGIN IMMEDIATE", "begin");
		s->in_txn = ret == 0;
	}
	return ret;
}

int store_commit(struct store *s)
{
	int ret;

	if (!s->in_txn)
		return 0;
	ret = store_exec(s, "COMMIT", "commit");
	if (ret < 0)
		store_exec(s, "ROLLBACK", "rollback");
	s->in_txn = false;
	return ret;
}

/* Run a bound statement to its end and reset it. */
static int store_step(struct store *s, enum store_stmt which)
{
	sqlite3_stmt *st = s->stmt[which];
	int rc = sqlite3_step(st);
	int ret = 0;

	if (rc != SQLITE_DONE)
		ret = store_fail(s, -EIO, "%s: %s", store_sql[which], sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

static int64_t store_to_wall(uint64_t mono, const struct store_clock *c)
{
	return mono ? c->wall_ms + ((int64_t)mono - (int64_t)c->mono_ms) : 0;
}

static uint64_t store_to_mono(int64_t wall, const struct store_clock *c)
{
	int64_t mono = (int64_t)c->mono_ms + (wall - c->wall_ms);

	return wall == 0 ? 0 : mono > 0 ? (uint64_t)mono : 1;
}

/* ---- rows ------------------------------------------------------------------------ */

static void store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
}

static void store_bind_addr(sqlite3_stmt *st, int col, const struct xfrm_addr *a)
{
	char text[INET6_ADDRSTRLEN] = "";

	if (a->family)
		xfrm_addr_str(a, text, sizeof(text));
	store_bind_text(st, col, text);
}

/* The further addresses, comma-separated. */
static void store_bind_addrs(sqlite3_stmt *st, int col, const struct reg_sa *sa)
{
	char text[REG_ADDRS_MAX * (INET6_ADDRSTRLEN + 1)] = "", one[INET6_ADDRSTRLEN];
	size_t used = 0;

	for (size_t i = 0; i < sa->naddrs; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s", i ? "," : "",
					 xfrm_addr_str(&sa->addrs[i], one, sizeof(one)));
	store_bind_text(st, col, text);
}

static int store_put_set(struct store *s, uint64_t reg_id, int slot, const struct reg_sa *sa)
{
	sqlite3_stmt *st = s->stmt[STORE_PUT_SET];
	const int64_t v[] = {(int64_t)reg_id, slot, sa->reqid, sa->mech, sa->integ, sa->encr};
	const int64_t ue[] = {sa->ue.port_c, sa->ue.port_s, sa->ue.spi_c, sa->ue.spi_s};
	const int64_t pc[] = {sa->pcscf.port_c, sa->pcscf.port_s, sa->pcscf.spi_c,
			      sa->pcscf.spi_s,	sa->prefix_len,	  sa->has_prefix_len};
	int col = 1;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		sqlite3_bind_int64(st, col++, v[i]);
	store_bind_addr(st, col++, &sa->ue.addr);
	for (size_t i = 0; i < sizeof(ue) / sizeof(ue[0]); i++)
		sqlite3_bind_int64(st, col++, ue[i]);
	store_bind_addr(st, col++, &sa->pcscf.addr);
	for (size_t i = 0; i < sizeof(pc) / sizeof(pc[0]); i++)
		sqlite3_bind_int64(st, col++, pc[i]);
	store_bind_text(st, col++, sa->server);
	store_bind_addrs(st, col++, sa);
	sqlite3_bind_blob(st, col, sa->sealed, sizeof(sa->sealed), SQLITE_TRANSIENT);
	return store_step(s, STORE_PUT_SET);
}

static int store_put_reg(struct store *s, const struct reg *r, const struct store_clock *c)
{
	sqlite3_stmt *st = s->stmt[STORE_PUT_REG];
	const char *texts[] = {r->impu, r->contact, r->assoc, r->service_route, r->call_id};
	const int64_t times[] = {store_to_wall(r->expires_ms, c), store_to_wall(r->delete_ms, c),
				 r->old.reqid ? store_to_wall(r->old_until_ms, c) : 0};
	int col = 1;

	sqlite3_bind_int64(st, col++, (int64_t)r->id);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		store_bind_text(st, col++, texts[i]);
	sqlite3_bind_int64(st, col++, r->proto);
	store_bind_addr(st, col++, &r->last_addr);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		sqlite3_bind_int64(st, col++, times[i]);
	store_bind_text(st, col, r->impi);
	return store_step(s, STORE_PUT_REG);
}

int store_put(struct store *s, const struct reg *r, const struct store_clock *clock)
{
	int ret = store_begin(s);

	if (ret == 0) {
		sqlite3_bind_int64(s->stmt[STORE_DEL_SETS], 1, (int64_t)r->id);
		ret = store_step(s, STORE_DEL_SETS);
	}
	if (ret == 0)
		ret = store_put_reg(s, r, clock);
	if (ret == 0 && r->cur.reqid)
		ret = store_put_set(s, r->id, 0, &r->cur);
	if (ret == 0 && r->old.reqid)
		ret = store_put_set(s, r->id, 1, &r->old);
	return ret;
}

int store_forget(struct store *s, uint64_t id)
{
	int ret = store_begin(s);

	if (ret == 0) {
		sqlite3_bind_int64(s->stmt[STORE_DEL_SETS], 1, (int64_t)id);
		ret = store_step(s, STORE_DEL_SETS);
	}
	if (ret == 0) {
		sqlite3_bind_int64(s->stmt[STORE_DEL_REG], 1, (int64_t)id);
		ret = store_step(s, STORE_DEL_REG);
	}
	return ret;
}

/* ---- loading ----------------------------------------------------------------------- */

static void store_col_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

static int store_col_addr(sqlite3_stmt *st, int col, struct xfrm_addr *a)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	memset(a, 0, sizeof(*a));
	return t && *t ? xfrm_addr_parse((const char *)t, a) : 0;
}

static int store_col_addrs(sqlite3_stmt *st, int col, struct reg_sa *sa)
{
	char text[REG_ADDRS_MAX * (INET6_ADDRSTRLEN + 1)], *save = NULL;
	int ret = 0;

	store_col_text(st, col, text, sizeof(text));
	for (char *t = strtok_r(text, ",", &save); t && ret == 0; t = strtok_r(NULL, ",", &save))
		ret = sa->naddrs < REG_ADDRS_MAX ? xfrm_addr_parse(t, &sa->addrs[sa->naddrs++])
						 : -E2BIG;
	return ret;
}

/* One sa_set row (columns as in the schema) into @sa. */
static int store_read_set(sqlite3_stmt *st, struct reg_sa *sa)
{
	const void *blob = sqlite3_column_blob(st, 20);
	int ret;

	memset(sa, 0, sizeof(*sa));
	sa->reqid = (uint32_t)sqlite3_column_int64(st, 2);
	sa->mech = (enum secagree_mech_type)sqlite3_column_int(st, 3);
	sa->integ = (enum ipsec_integ)sqlite3_column_int(st, 4);
	sa->encr = (enum ipsec_encr)sqlite3_column_int(st, 5);
	ret = store_col_addr(st, 6, &sa->ue.addr);
	sa->ue.port_c = (uint16_t)sqlite3_column_int(st, 7);
	sa->ue.port_s = (uint16_t)sqlite3_column_int(st, 8);
	sa->ue.spi_c = (uint32_t)sqlite3_column_int64(st, 9);
	sa->ue.spi_s = (uint32_t)sqlite3_column_int64(st, 10);
	if (ret == 0)
		ret = store_col_addr(st, 11, &sa->pcscf.addr);
	sa->pcscf.port_c = (uint16_t)sqlite3_column_int(st, 12);
	sa->pcscf.port_s = (uint16_t)sqlite3_column_int(st, 13);
	sa->pcscf.spi_c = (uint32_t)sqlite3_column_int64(st, 14);
	sa->pcscf.spi_s = (uint32_t)sqlite3_column_int64(st, 15);
	sa->prefix_len = (unsigned)sqlite3_column_int(st, 16);
	sa->has_prefix_len = sqlite3_column_int(st, 17) != 0;
	store_col_text(st, 18, sa->server, sizeof(sa->server));
	if (ret == 0)
		ret = store_col_addrs(st, 19, sa);
	if (ret == 0 && (!blob || sqlite3_column_bytes(st, 20) != SEAL_BLOB_LEN))
		ret = -EINVAL;
	if (ret == 0)
		memcpy(sa->sealed, blob, SEAL_BLOB_LEN);
	return ret;
}

static int store_read_sets(struct store *s, sqlite3_stmt *st, struct reg *r)
{
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, (int64_t)r->id);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = store_read_set(st, sqlite3_column_int(st, 1) ? &r->old : &r->cur);
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, -EIO, "reading SA sets: %s", sqlite3_errmsg(s->db));
	else if (ret < 0)
		store_fail(s, ret, "registration %llu has a damaged SA set",
			   (unsigned long long)r->id);
	sqlite3_reset(st);
	return ret;
}

static int store_read_reg(sqlite3_stmt *st, struct reg *r, const struct store_clock *c)
{
	memset(r, 0, sizeof(*r));
	r->id = (uint64_t)sqlite3_column_int64(st, 0);
	store_col_text(st, 1, r->impu, sizeof(r->impu));
	store_col_text(st, 2, r->contact, sizeof(r->contact));
	store_col_text(st, 3, r->assoc, sizeof(r->assoc));
	store_col_text(st, 4, r->service_route, sizeof(r->service_route));
	store_col_text(st, 5, r->call_id, sizeof(r->call_id));
	r->proto = (enum sip_proto)sqlite3_column_int(st, 6);
	r->expires_ms = store_to_mono(sqlite3_column_int64(st, 8), c);
	r->delete_ms = store_to_mono(sqlite3_column_int64(st, 9), c);
	r->old_until_ms = store_to_mono(sqlite3_column_int64(st, 10), c);
	store_col_text(st, 11, r->impi, sizeof(r->impi));
	return store_col_addr(st, 7, &r->last_addr);
}

/* Every row of registration, each with its sets, to @fn. */
static int store_load_rows(struct store *s, const struct store_clock *clock,
			   int (*fn)(void *arg, const struct reg *r), void *arg)
{
	sqlite3_stmt *regs = NULL, *sets = NULL;
	struct reg *r = malloc(sizeof(*r));
	int rc = SQLITE_OK, ret = r ? 0 : -ENOMEM, count = 0;

	if (ret == 0 && (sqlite3_prepare_v2(s->db, "SELECT * FROM registration ORDER BY id", -1,
					    &regs, NULL) != SQLITE_OK ||
			 sqlite3_prepare_v2(s->db, "SELECT * FROM sa_set WHERE reg_id = ?", -1,
					    &sets, NULL) != SQLITE_OK))
		ret = store_fail(s, -EIO, "reading registrations: %s", sqlite3_errmsg(s->db));
	while (ret == 0 && (rc = sqlite3_step(regs)) == SQLITE_ROW) {
		ret = store_read_reg(regs, r, clock);
		if (ret < 0)
			store_fail(s, ret, "registration %lld is damaged",
				   (long long)sqlite3_column_int64(regs, 0));
		if (ret == 0)
			ret = store_read_sets(s, sets, r);
		if (ret == 0)
			ret = fn(arg, r);
		count++;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, -EIO, "reading registrations: %s", sqlite3_errmsg(s->db));
	if (r)
		explicit_bzero(r, sizeof(*r));
	free(r);
	sqlite3_finalize(regs);
	sqlite3_finalize(sets);
	return ret < 0 ? ret : count;
}

/* Run @sql (a DELETE with one parameter, @now) in a transaction; count what it deleted. */
static int store_drop_expired(struct store *s, const char *sql, int64_t now, const char *what,
			      unsigned *expired)
{
	sqlite3_stmt *st = NULL;
	int ret = store_begin(s);

	*expired = 0;
	if (ret == 0 && sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		ret = store_fail(s, -EIO, "dropping expired %s: %s", what, sqlite3_errmsg(s->db));
	if (ret == 0) {
		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = store_fail(s, -EIO, "dropping expired %s: %s", what,
					 sqlite3_errmsg(s->db));
		else
			*expired = (unsigned)sqlite3_changes(s->db);
	}
	sqlite3_finalize(st);
	return ret;
}

int store_load(struct store *s, const struct store_clock *clock,
	       int (*fn)(void *arg, const struct reg *r), void *arg, unsigned *expired)
{
	int ret = store_drop_expired(s, "DELETE FROM registration WHERE delete_at <= ?",
				     clock->wall_ms, "registrations", expired);

	if (ret == 0)
		ret = store_load_rows(s, clock, fn, arg);
	if (ret >= 0) {
		int err = store_commit(s);

		ret = err < 0 ? err : ret;
	}
	return ret;
}

/* ---- signing keys ------------------------------------------------------------------ */

/* The statements of this section are prepared when used: keys change once a rotation. */
static int store_sign_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_fail(s, -EIO, "%s: %s", sql, sqlite3_errmsg(s->db));
	return 0;
}

/* Bind a key's ID and times to the first three parameters. */
static void store_sign_bind(sqlite3_stmt *st, const struct store_sign_key *k)
{
	sqlite3_bind_int64(st, 1, k->id);
	sqlite3_bind_int64(st, 2, (int64_t)k->created);
	sqlite3_bind_int64(st, 3, (int64_t)k->expires);
}

int store_sign_put(struct store *s, const struct store_sign_key *k)
{
	sqlite3_stmt *st = NULL;
	int ret = store_begin(s);

	if (ret == 0)
		ret = store_sign_prepare(s, "INSERT OR REPLACE INTO sign_key VALUES (?,?,?,?)",
					 &st);
	if (ret == 0) {
		store_sign_bind(st, k);
		sqlite3_bind_blob(st, 4, k->sealed, SEAL_BLOB_LEN, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = store_fail(s, -EIO, "storing signing key %08x: %s", k->id,
					 sqlite3_errmsg(s->db));
	}
	sqlite3_finalize(st);
	return ret;
}

int store_sign_has(struct store *s, const struct store_sign_key *k)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = store_sign_prepare(
			s, "SELECT 1 FROM sign_key WHERE id = ? AND created = ? AND expires = ?",
			&st);

	if (ret == 0) {
		store_sign_bind(st, k);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			ret = rc == SQLITE_ROW;
		else
			ret = store_fail(s, -EIO, "looking up signing key %08x: %s", k->id,
					 sqlite3_errmsg(s->db));
	}
	sqlite3_finalize(st);
	return ret;
}

int store_sign_keep(struct store *s, const uint32_t *ids, size_t n)
{
	char sql[64 + 2 * STORE_SIGN_MAX] = "DELETE FROM sign_key";
	sqlite3_stmt *st = NULL;
	int ret = n > STORE_SIGN_MAX ? -E2BIG : store_begin(s);

	for (size_t i = 0; ret == 0 && i < n; i++)
		strcat(sql, i ? ",?" : " WHERE id NOT IN (?");
	if (ret == 0 && n)
		strcat(sql, ")");
	if (ret == 0)
		ret = store_sign_prepare(s, sql, &st);
	for (size_t i = 0; ret == 0 && i < n; i++)
		sqlite3_bind_int64(st, (int)i + 1, ids[i]);
	if (ret == 0 && sqlite3_step(st) != SQLITE_DONE)
		ret = store_fail(s, -EIO, "deleting signing keys: %s", sqlite3_errmsg(s->db));
	if (ret == 0)
		ret = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return ret;
}

/* One sign_key row into @k; a row that cannot be ours is damaged. */
static int store_sign_read(struct store *s, sqlite3_stmt *st, struct store_sign_key *k)
{
	int64_t id = sqlite3_column_int64(st, 0);
	const void *blob = sqlite3_column_blob(st, 3);
	int len = sqlite3_column_bytes(st, 3);

	memset(k, 0, sizeof(*k));
	k->id = (uint32_t)id;
	k->created = (uint64_t)sqlite3_column_int64(st, 1);
	k->expires = (uint64_t)sqlite3_column_int64(st, 2);
	if (id <= 0 || id > UINT32_MAX || !blob || len != SEAL_BLOB_LEN ||
	    sqlite3_column_int64(st, 1) < 0 || k->expires <= k->created)
		return store_fail(s, -EINVAL,
				  "signing key %lld is damaged (ID, times or a sealed key"
				  " of %d bytes, not %d)",
				  (long long)id, len, SEAL_BLOB_LEN);
	memcpy(k->sealed, blob, SEAL_BLOB_LEN);
	return 0;
}

/* Every row, oldest first, into @out. */
static int store_sign_rows(struct store *s, struct store_sign_key *out, size_t max)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE,
	    ret = store_sign_prepare(s, "SELECT * FROM sign_key ORDER BY created", &st);
	size_t n = 0;

	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == max)
			ret = store_fail(s, -ENOSPC, "more than %zu signing keys", max);
		else
			ret = store_sign_read(s, st, &out[n++]);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, -EIO, "reading signing keys: %s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ret < 0 ? ret : (int)n;
}

int store_sign_load(struct store *s, uint64_t now, struct store_sign_key *out, size_t max,
		    unsigned *expired)
{
	int ret = store_drop_expired(s, "DELETE FROM sign_key WHERE expires <= ?", (int64_t)now,
				     "signing keys", expired);

	if (ret == 0)
		ret = store_sign_rows(s, out, max);
	if (ret >= 0) {
		int err = store_commit(s);

		ret = err < 0 ? err : ret;
	}
	return ret;
}
