/*
 * test_store — the state database and the sealing of keys: a registration written and
 * read back whole; expired ones dropped on load; the file 0600; a damaged, foreign or
 * newer file refused with a reason; schema migration from versions 1, 2 and 3 (a version-2
 * registration comes back without its IMPI, and keeps one written later); sealed keys
 * open only with their key and associated data; the key file refused when others can read
 * it; signing keys written, purged and read back, never in clear on disk, a tampered or
 * damaged one refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four above first */
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcscf/seal.h"
#include "pcscf/store.h"

static char test_dir[64];
static char test_path[128];

static int test_setup(void **state)
{
	(void)state;
	snprintf(test_dir, sizeof(test_dir), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(test_dir));
	snprintf(test_path, sizeof(test_path), "%s/state.db", test_dir);
	return 0;
}

static int test_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_reg(struct reg *r, uint64_t id, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	snprintf(r->impu, sizeof(r->impu), "sip:ue%llu@ims.test", (unsigned long long)id);
	snprintf(r->impi, sizeof(r->impi), "ue%llu@ims.test", (unsigned long long)id);
	snprintf(r->contact, sizeof(r->contact), "sip:ue@[2001:db8:1:1::10]:5070");
	snprintf(r->service_route, sizeof(r->service_route), "<sip:orig@scscf.ims.test;lr>");
	snprintf(r->call_id, sizeof(r->call_id), "call-%llu", (unsigned long long)id);
	r->proto = SIP_PROTO_UDP;
	xfrm_addr_parse("2001:db8:1:1::10", &r->last_addr);
	r->expires_ms = now + 600000;
	r->delete_ms = now + 630000;
	r->cur.reqid = 0x50c50000 + (uint32_t)id;
	r->cur.integ = IPSEC_INTEG_HMAC_SHA1_96;
	r->cur.encr = IPSEC_ENCR_AES_CBC;
	xfrm_addr_parse("2001:db8:1:1::10", &r->cur.ue.addr);
	r->cur.ue.port_c = 5070, r->cur.ue.port_s = 5072;
	r->cur.ue.spi_c = 0x1000, r->cur.ue.spi_s = 0x1001;
	xfrm_addr_parse("2001:db8:a::1", &r->cur.pcscf.addr);
	r->cur.pcscf.port_c = 5066, r->cur.pcscf.port_s = 5064;
	r->cur.pcscf.spi_c = 0x2000, r->cur.pcscf.spi_s = 0x2001;
	r->cur.prefix_len = 64;
	r->cur.has_prefix_len = true;
	snprintf(r->cur.server, sizeof(r->cur.server), "ipsec-3gpp;alg=hmac-sha-1-96");
	xfrm_addr_parse("2001:db8:1:1::77", &r->cur.addrs[0]);
	r->cur.naddrs = 1;
	memset(r->cur.sealed, 0xa5, sizeof(r->cur.sealed));
}

static struct reg test_loaded[4];
static int test_nloaded;

static int test_collect(void *arg, const struct reg *r)
{
	(void)arg;
	if (test_nloaded < 4)
		test_loaded[test_nloaded++] = *r;
	return 0;
}

static void test_store_round_trip(void **state)
{
	const struct store_clock now = {.mono_ms = 1000000, .wall_ms = 1700000000000};
	const struct store_clock later = {.mono_ms = 50000, .wall_ms = 1700000060000};
	struct store *s;
	struct reg r, gone;
	struct stat st;
	unsigned expired;
	char why[256];

	(void)state;
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	assert_int_equal(stat(test_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	test_reg(&r, 7, now.mono_ms);
	test_reg(&gone, 8, now.mono_ms);
	gone.delete_ms = now.mono_ms + 1000; /* due before "later" */
	assert_int_equal(store_put(s, &r, &now), 0);
	assert_int_equal(store_put(s, &gone, &now), 0);
	assert_true(store_pending(s));
	assert_int_equal(store_commit(s), 0);
	assert_false(store_pending(s));
	store_free(s);

	/* After a "reboot": monotonic time restarted, wall time went on by a minute. */
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_nloaded = 0;
	assert_int_equal(store_load(s, &later, test_collect, NULL, &expired), 1);
	assert_int_equal(expired, 1);
	assert_int_equal(test_nloaded, 1);
	assert_int_equal(test_loaded[0].id, 7);
	assert_string_equal(test_loaded[0].impu, r.impu);
	assert_string_equal(test_loaded[0].impi, r.impi);
	assert_string_equal(test_loaded[0].service_route, r.service_route);
	assert_int_equal(test_loaded[0].expires_ms, later.mono_ms + 600000 - 60000);
	assert_int_equal(test_loaded[0].cur.reqid, r.cur.reqid);
	assert_int_equal(test_loaded[0].cur.pcscf.spi_s, 0x2001);
	assert_int_equal(test_loaded[0].cur.naddrs, 1);
	assert_true(xfrm_addr_equal(&test_loaded[0].cur.addrs[0], &r.cur.addrs[0]));
	assert_memory_equal(test_loaded[0].cur.sealed, r.cur.sealed, SEAL_BLOB_LEN);
	assert_int_equal(test_loaded[0].old.reqid, 0);
	assert_int_equal(store_forget(s, 7), 0);
	assert_int_equal(store_commit(s), 0);
	test_nloaded = 0;
	assert_int_equal(store_load(s, &later, test_collect, NULL, &expired), 0);
	store_free(s);
}

static void test_store_refuses_garbage(void **state)
{
	struct store *s = NULL;
	char why[256];
	int fd = open(test_path, O_WRONLY | O_CREAT, 0600);

	(void)state;
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, "this is not a database ", 23), 23);
	close(fd);
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), -EPROTO);
	assert_null(s);
	assert_non_null(strstr(why, test_path));
}

static void test_store_refuses_open_mode(void **state)
{
	struct store *s = NULL;
	char why[256];
	int fd = open(test_path, O_WRONLY | O_CREAT, 0644);

	(void)state;
	close(fd);
	chmod(test_path, 0644);
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "0644"));
}

static void test_exec(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(test_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_store_migrates_and_refuses_newer(void **state)
{
	struct store *s = NULL;
	char why[256];

	(void)state;
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	store_free(s);
	/* Back to version 1 (no IMPU index, no impi, no signing keys): opening migrates it
	 * again. */
	test_exec("DROP TABLE sign_key; ALTER TABLE registration DROP COLUMN impi;"
		  "DROP INDEX registration_impu; PRAGMA user_version = 1");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	store_free(s);
	test_exec("PRAGMA user_version = 99");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "newer"));
}

/* A signing key record with a recognisable secret. */
static void test_sign_rec(struct sign_key_record *rec, uint32_t id, uint64_t created,
			  uint64_t expires)
{
	rec->id = id;
	rec->created = created;
	rec->expires = expires;
	for (size_t i = 0; i < SIGN_KEY_LEN; i++)
		rec->secret[i] = (uint8_t)(0x40 + i + id);
}

/* @rec sealed under @key, as pcscfd's parent seals it. */
static void test_sign_row(const uint8_t *key, const struct sign_key_record *rec,
			  struct store_sign_key *row)
{
	row->id = rec->id;
	row->created = rec->created;
	row->expires = rec->expires;
	assert_int_equal(seal_sign_encrypt(key, rec, row->sealed), 0);
}

/* Whether @len bytes of @needle occur in the file @path (a missing file has nothing). */
static bool test_file_has(const char *path, const void *needle, size_t len)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return memmem(buf, n, needle, len) != NULL;
}

static void test_store_sign_round_trip(void **state)
{
	const uint64_t now = 1700000000;
	uint8_t key[SEAL_KEY_LEN];
	struct sign_key_record recs[3], back;
	struct store_sign_key rows[STORE_SIGN_MAX];
	char why[256], wal[160];
	const uint32_t keep[] = {0x1111, 0x3333};
	unsigned expired;
	struct store *s;

	(void)state;
	memset(key, 0x5a, sizeof(key));
	test_sign_rec(&recs[0], 0x1111, now - 100, now + 500);
	test_sign_rec(&recs[1], 0x2222, now - 50, now + 550); /* purged below */
	test_sign_rec(&recs[2], 0x3333, now - 900, now - 1);  /* expired at now */
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	for (int i = 0; i < 3; i++) {
		test_sign_row(key, &recs[i], &rows[i]);
		assert_int_equal(store_sign_has(s, &rows[i]), 0);
		assert_int_equal(store_sign_put(s, &rows[i]), 0);
		assert_int_equal(store_sign_has(s, &rows[i]), 1);
	}
	assert_true(store_pending(s));
	assert_int_equal(store_sign_keep(s, keep, 2), 1);
	assert_int_equal(store_sign_has(s, &rows[1]), 0);
	assert_int_equal(store_commit(s), 0);
	/* Neither the database nor its journal holds a secret in clear. */
	snprintf(wal, sizeof(wal), "%s-wal", test_path);
	for (int i = 0; i < 3; i++) {
		assert_false(test_file_has(test_path, recs[i].secret, SIGN_KEY_LEN));
		assert_false(test_file_has(wal, recs[i].secret, SIGN_KEY_LEN));
	}
	store_free(s);

	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	assert_int_equal(store_sign_load(s, now, rows, STORE_SIGN_MAX, &expired), 1);
	assert_int_equal(expired, 1);
	assert_int_equal(rows[0].id, 0x1111);
	assert_int_equal(rows[0].created, now - 100);
	assert_int_equal(rows[0].expires, now + 500);
	memset(&back, 0, sizeof(back));
	back.id = rows[0].id, back.created = rows[0].created, back.expires = rows[0].expires;
	assert_int_equal(seal_sign_decrypt(key, &back, rows[0].sealed), 0);
	assert_memory_equal(back.secret, recs[0].secret, SIGN_KEY_LEN);
	assert_int_equal(store_sign_keep(s, NULL, 0), 1);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_sign_load(s, now, rows, STORE_SIGN_MAX, &expired), 0);
	store_free(s);
}

static void test_store_sign_tampered_refused(void **state)
{
	const uint64_t now = 1700000000;
	uint8_t key[SEAL_KEY_LEN];
	struct sign_key_record rec, back;
	struct store_sign_key row;
	unsigned expired;
	struct store *s;
	char why[256];

	(void)state;
	memset(key, 0x5a, sizeof(key));
	test_sign_rec(&rec, 0xabcd, now - 10, now + 100);
	test_sign_row(key, &rec, &row);
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	assert_int_equal(store_sign_put(s, &row), 0);
	assert_int_equal(store_commit(s), 0);
	store_free(s);

	/* A longer life written into the row: the key no longer opens. */
	test_exec("UPDATE sign_key SET expires = expires + 86400");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	assert_int_equal(store_sign_load(s, now, &row, 1, &expired), 1);
	back.id = row.id, back.created = row.created, back.expires = row.expires;
	assert_int_equal(seal_sign_decrypt(key, &back, row.sealed), -EBADMSG);
	/* Nor with its own times and one bit of the sealed key changed, nor as CK/IK. */
	back.expires = now + 100;
	row.sealed[SEAL_NONCE_LEN + 3] ^= 0x10;
	assert_int_equal(seal_sign_decrypt(key, &back, row.sealed), -EBADMSG);
	row.sealed[SEAL_NONCE_LEN + 3] ^= 0x10;
	assert_int_equal(seal_sign_decrypt(key, &back, row.sealed), 0);
	assert_int_not_equal(seal_decrypt(key, "", 0, row.sealed, back.secret), 0);
	store_free(s);

	/* A row whose sealed key has the wrong size is damaged: load fails and says which. */
	test_exec("UPDATE sign_key SET sealed = x'00112233'");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	assert_int_equal(store_sign_load(s, now, &row, 1, &expired), -EINVAL);
	assert_non_null(strstr(store_error(s), "signing key 43981 is damaged"));
	store_free(s);
}

/* A registration and a signing key written at the current version survive a migration
 * from a file taken back to @version (as an older pcscfd left it). */
static void test_store_migrates_from(int version)
{
	const struct store_clock now = {.mono_ms = 1000000, .wall_ms = 1700000000000};
	struct store_sign_key row;
	struct store *s = NULL;
	unsigned expired;
	struct reg r;
	char why[256];

	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_reg(&r, 3, now.mono_ms);
	assert_int_equal(store_put(s, &r, &now), 0);
	assert_int_equal(store_commit(s), 0);
	store_free(s);
	test_exec("DROP TABLE sign_key; PRAGMA user_version = 3");
	if (version < 3)
		test_exec("ALTER TABLE registration DROP COLUMN impi; PRAGMA user_version = 2");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_nloaded = 0;
	assert_int_equal(store_load(s, &now, test_collect, NULL, &expired), 1);
	assert_string_equal(test_loaded[0].impu, r.impu);
	memset(&row, 0, sizeof(row));
	row.id = 7, row.created = 1, row.expires = 2;
	assert_int_equal(store_sign_put(s, &row), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_sign_load(s, 1, &row, 1, &expired), 1);
	store_free(s);
}

static void test_store_migrates_from_2(void **state)
{
	(void)state;
	test_store_migrates_from(2);
}

static void test_store_migrates_from_3(void **state)
{
	(void)state;
	test_store_migrates_from(3);
}

/* A version-2 file (no impi column) with a registration in it, as an older pcscfd left it. */
static void test_store_migrates_version_2_rows(void **state)
{
	const struct store_clock now = {.mono_ms = 1000000, .wall_ms = 1700000000000};
	struct store *s = NULL;
	unsigned expired;
	struct reg r;
	char why[256];

	(void)state;
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_reg(&r, 5, now.mono_ms);
	assert_int_equal(store_put(s, &r, &now), 0);
	store_free(s);
	test_exec("DROP TABLE sign_key; ALTER TABLE registration DROP COLUMN impi;"
		  "PRAGMA user_version = 2");

	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_nloaded = 0;
	assert_int_equal(store_load(s, &now, test_collect, NULL, &expired), 1);
	assert_int_equal(test_loaded[0].id, 5);
	assert_string_equal(test_loaded[0].impu, r.impu);
	assert_string_equal(test_loaded[0].impi, ""); /* unknown: pcscfctl deregister says so */
	assert_int_equal(test_loaded[0].cur.reqid, r.cur.reqid);
	assert_int_equal(store_put(s, &r, &now), 0); /* the next REGISTER brings it */
	store_free(s);

	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	test_nloaded = 0;
	assert_int_equal(store_load(s, &now, test_collect, NULL, &expired), 1);
	assert_string_equal(test_loaded[0].impi, "ue5@ims.test");
	store_free(s);
}

static void test_seal(void **state)
{
	uint8_t key[SEAL_KEY_LEN], other[SEAL_KEY_LEN], plain[32], back[32];
	uint8_t blob[SEAL_BLOB_LEN];
	char why[256], path[160];
	struct stat st;
	uint32_t aad = 1, aad2 = 2;

	(void)state;
	snprintf(path, sizeof(path), "%s/state.key", test_dir);
	assert_int_equal(seal_key_load(path, key, why, sizeof(why)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(seal_key_load(path, other, why, sizeof(why)), 0);
	assert_memory_equal(key, other, SEAL_KEY_LEN); /* read back, not made anew */
	memset(plain, 0x3c, sizeof(plain));
	assert_int_equal(seal_encrypt(key, &aad, sizeof(aad), plain, blob), 0);
	assert_memory_not_equal(blob + SEAL_NONCE_LEN, plain, 32);
	assert_int_equal(seal_decrypt(key, &aad, sizeof(aad), blob, back), 0);
	assert_memory_equal(back, plain, 32);
	assert_int_equal(seal_decrypt(key, &aad2, sizeof(aad2), blob, back), -EBADMSG);
	other[0] ^= 1;
	assert_int_equal(seal_decrypt(other, &aad, sizeof(aad), blob, back), -EBADMSG);
	chmod(path, 0640);
	assert_int_equal(seal_key_load(path, other, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "0640"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_round_trip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_store_refuses_garbage, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_refuses_open_mode, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrates_and_refuses_newer, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrates_version_2_rows, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_seal, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_store_sign_round_trip, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_sign_tampered_refused, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrates_from_2, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrates_from_3, test_setup,
						test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
