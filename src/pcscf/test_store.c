/*
 * test_store — the state database and the sealing of keys: a registration written and
 * read back whole; expired ones dropped on load; the file 0600; a damaged, foreign or
 * newer file refused with a reason; schema migration from versions 1 and 2 (a version-2
 * registration comes back without its IMPI, and keeps one written later); sealed keys open
 * only with their key and associated data; the key file refused when others can read it.
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
	/* Back to version 1 (no IMPU index, no IMPI): opening migrates it again. */
	test_exec("DROP INDEX registration_impu; ALTER TABLE registration DROP COLUMN impi;"
		  "PRAGMA user_version = 1");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), 0);
	store_free(s);
	test_exec("PRAGMA user_version = 99");
	assert_int_equal(store_open(test_path, &s, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "newer"));
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
	test_exec("ALTER TABLE registration DROP COLUMN impi; PRAGMA user_version = 2");

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
