/*
 * test_hss_db.c — the subscriber store and the import parser, on real SQLite files in a
 * temporary directory. Expected OPc values are TS 35.208 test set 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/codec.h"
#include "hss-stub/hss_db.h"
#include "hss-stub/hss_import.h"

#define SET1_K	 "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP	 "cdc202d5123e20f62b6d676ac72cb318"
#define SET1_OPC "cd63cb71954a9f4e48a5994e37a02baf"

struct fixture {
	char dir[64];
	char path[128];
	struct hss_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_hss_db.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/hss.db", f->dir);
	f->db = hss_db_new();
	if (!f->db || hss_db_open(f->db, f->path))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	hss_db_free(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void hex(const char *s, uint8_t *out, size_t len)
{
	assert_int_equal(codec_hex_decode_exact(s, out, len), 0);
}

/* ue@x with sip:ue@x, tel:+1555000 (when @two), K and OP of test set 1, SQN 0x20. */
static struct hss_subscriber *make_sub(const char *impi, const char *impu, bool two)
{
	struct hss_subscriber *sub = hss_subscriber_new();
	uint8_t op[16];

	assert_non_null(sub);
	assert_int_equal(hss_subscriber_set_impi(sub, impi), 0);
	assert_int_equal(hss_subscriber_add_impu(sub, impu), 0);
	if (two)
		assert_int_equal(hss_subscriber_add_impu(sub, "tel:+1555000"), 0);
	hex(SET1_K, sub->k, 16);
	hex(SET1_OP, op, 16);
	assert_int_equal(hss_subscriber_set_op(sub, op), 0);
	sub->sqn = 0x20;
	return sub;
}

static void add_sub(struct hss_db *db, const char *impi, const char *impu, bool two)
{
	struct hss_subscriber *sub = make_sub(impi, impu, two);

	assert_int_equal(hss_db_subscriber_add(db, sub), 0);
	hss_subscriber_free(sub);
}

static char *sql_text(const char *path, const char *sql)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(s);
	assert_non_null(out);
	return out;
}

static void test_hss_db_new_file_is_0600_wal_with_schema_version(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	char *v;

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	v = sql_text(f->path, "PRAGMA journal_mode");
	assert_string_equal(v, "wal");
	free(v);
	v = sql_text(f->path, "SELECT version FROM schema_version");
	assert_string_equal(v, "1");
	free(v);
}

static void test_hss_db_creates_a_missing_directory(void **state)
{
	struct fixture *f = *state;
	struct hss_db *db = hss_db_new();
	char path[160];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/sub/hss.db", f->dir);
	assert_int_equal(hss_db_open(db, path), 0);
	hss_db_free(db);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
}

static void test_hss_db_refuses_unknown_schema_and_foreign_files(void **state)
{
	struct fixture *f = *state;
	struct hss_db *db;
	char path[160];
	sqlite3 *s;

	assert_int_equal(sqlite3_open(f->path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "UPDATE schema_version SET version = 2", 0, 0, 0), 0);
	sqlite3_close(s);
	db = hss_db_new();
	assert_int_equal(hss_db_open(db, f->path), -EPROTO);
	assert_non_null(strstr(hss_db_error(db), "schema version 2"));
	hss_db_free(db);

	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "CREATE TABLE t (x)", 0, 0, 0), 0);
	sqlite3_close(s);
	db = hss_db_new();
	assert_int_equal(hss_db_open(db, path), -EPROTO);
	assert_non_null(strstr(hss_db_error(db), "not an hss-stub database"));
	hss_db_free(db);

	snprintf(path, sizeof(path), "%s/text.db", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text long enough to have a header\n", fp);
	fclose(fp);
	db = hss_db_new();
	assert_true(hss_db_open(db, path) < 0);
	hss_db_free(db);
}

static void test_hss_db_lookup_by_impi_and_impu(void **state)
{
	struct fixture *f = *state;
	struct hss_subscriber *sub = NULL;
	uint8_t opc[16];

	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", true);
	assert_int_equal(hss_db_subscriber_get_by_impu(f->db, "tel:+1555000", &sub), 0);
	assert_string_equal(sub->impi, "ue1@ims.test");
	assert_int_equal(sub->n_impu, 2);
	assert_string_equal(sub->impu[0], "sip:ue1@ims.test");
	assert_string_equal(sub->impu[1], "tel:+1555000");
	hex(SET1_OPC, opc, 16);
	assert_memory_equal(sub->opc, opc, 16);
	assert_true(sub->has_op);
	assert_int_equal(sub->amf[0], 0x80);
	assert_int_equal(sub->amf[1], 0x00);
	assert_true(sub->sqn == 0x20);
	hss_subscriber_free(sub);

	assert_int_equal(hss_db_subscriber_get_by_impi(f->db, "ue1@ims.test", &sub), 0);
	assert_string_equal(sub->impu[0], "sip:ue1@ims.test");
	hss_subscriber_free(sub);
	assert_int_equal(hss_db_subscriber_get_by_impi(f->db, "ue2@ims.test", &sub), -ENOENT);
	assert_null(sub);
	assert_int_equal(hss_db_subscriber_get_by_impu(f->db, "sip:ue2@ims.test", &sub), -ENOENT);
}

static void test_hss_db_duplicate_impi_or_impu_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct hss_subscriber *sub;

	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", false);
	sub = make_sub("ue1@ims.test", "sip:other@ims.test", false);
	assert_int_equal(hss_db_subscriber_add(f->db, sub), -EEXIST);
	assert_non_null(strstr(hss_db_error(f->db), "IMPI ue1@ims.test already exists"));
	hss_subscriber_free(sub);

	/* New IMPI, but its second IMPU is taken: the subscriber row must not stay behind. */
	sub = make_sub("ue2@ims.test", "sip:ue2@ims.test", false);
	assert_int_equal(hss_subscriber_add_impu(sub, "sip:ue1@ims.test"), 0);
	assert_int_equal(hss_db_subscriber_add(f->db, sub), -EEXIST);
	assert_non_null(strstr(hss_db_error(f->db), "IMPU sip:ue1@ims.test is already in use"));
	hss_subscriber_free(sub);
	assert_int_equal(hss_db_subscriber_get_by_impi(f->db, "ue2@ims.test", &sub), -ENOENT);
	assert_int_equal(hss_db_subscriber_get_by_impu(f->db, "sip:ue2@ims.test", &sub), -ENOENT);
}

static void test_hss_db_del_removes_the_impus(void **state)
{
	struct fixture *f = *state;
	struct hss_subscriber *sub = NULL;

	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", true);
	assert_int_equal(hss_db_subscriber_del(f->db, "ue1@ims.test"), 0);
	assert_int_equal(hss_db_subscriber_get_by_impu(f->db, "tel:+1555000", &sub), -ENOENT);
	assert_int_equal(hss_db_subscriber_del(f->db, "ue1@ims.test"), -ENOENT);
	/* The IMPUs are free again. */
	add_sub(f->db, "ue9@ims.test", "sip:ue1@ims.test", true);
}

static void test_hss_db_sqn_advance_and_set(void **state)
{
	struct fixture *f = *state;
	struct hss_subscriber *sub = NULL;
	uint64_t sqn = 0;

	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", false);
	assert_int_equal(hss_db_sqn_advance(f->db, "ue1@ims.test", &sqn), 0);
	assert_true(sqn == 0x21);
	assert_int_equal(hss_db_subscriber_get_by_impi(f->db, "ue1@ims.test", &sub), 0);
	assert_true(sub->sqn == 0x21);
	hss_subscriber_free(sub);

	assert_int_equal(hss_db_sqn_set(f->db, "ue1@ims.test", 0xff9bb4d0b607ULL), 0);
	assert_int_equal(hss_db_sqn_advance(f->db, "ue1@ims.test", &sqn), 0);
	assert_true(sqn == 0xff9bb4d0b608ULL);
	assert_int_equal(hss_db_sqn_set(f->db, "ue1@ims.test", 0xffffffffffffULL), 0);
	assert_int_equal(hss_db_sqn_advance(f->db, "ue1@ims.test", &sqn), 0);
	assert_true(sqn == 0);

	assert_int_equal(hss_db_sqn_set(f->db, "ue1@ims.test", 1ULL << 48), -EINVAL);
	assert_int_equal(hss_db_sqn_set(f->db, "nobody", 5), -ENOENT);
	assert_int_equal(hss_db_sqn_advance(f->db, "nobody", &sqn), -ENOENT);
}

/* Four processes advance the same SQN 50 times each: 200 different values, none lost. */
static void test_hss_db_sqn_advance_is_atomic_across_processes(void **state)
{
	struct fixture *f = *state;
	uint8_t seen[256] = {0};
	int fds[2], i, status;
	uint64_t v;

	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", false);
	assert_int_equal(hss_db_sqn_set(f->db, "ue1@ims.test", 0), 0);
	/* An SQLite connection must not cross fork(): close ours, each child opens its own. */
	hss_db_free(f->db);
	f->db = NULL;
	assert_int_equal(pipe(fds), 0);
	for (i = 0; i < 4; i++) {
		if (fork() == 0) {
			struct hss_db *db = hss_db_new();
			int n, bad = hss_db_open(db, f->path);

			for (n = 0; n < 50 && !bad; n++) {
				bad = hss_db_sqn_advance(db, "ue1@ims.test", &v);
				if (!bad && write(fds[1], &v, sizeof(v)) != sizeof(v))
					bad = 1;
			}
			hss_db_free(db);
			_exit(bad ? 1 : 0);
		}
	}
	close(fds[1]);
	for (i = 0; i < 200; i++) {
		assert_int_equal(read(fds[0], &v, sizeof(v)), sizeof(v));
		assert_true(v >= 1 && v <= 200);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
	}
	close(fds[0]);
	for (i = 0; i < 4; i++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static int collect_impi(const struct hss_subscriber *sub, void *arg)
{
	strcat(arg, sub->impi);
	strcat(arg, " ");
	return 0;
}

static void test_hss_db_foreach_in_impi_order_and_rollback(void **state)
{
	struct fixture *f = *state;
	char names[128] = "";

	add_sub(f->db, "ue2@ims.test", "sip:ue2@ims.test", false);
	add_sub(f->db, "ue1@ims.test", "sip:ue1@ims.test", false);
	assert_int_equal(hss_db_begin(f->db), 0);
	add_sub(f->db, "ue3@ims.test", "sip:ue3@ims.test", false);
	hss_db_rollback(f->db);
	assert_int_equal(hss_db_subscriber_foreach(f->db, collect_impi, names), 0);
	assert_string_equal(names, "ue1@ims.test ue2@ims.test ");
}

static void test_hss_subscriber_checks_identities(void **state)
{
	struct hss_subscriber *sub = hss_subscriber_new();

	(void)state;
	assert_int_equal(hss_impi_check("ue1@ims.test"), 0);
	assert_int_equal(hss_impi_check(""), -EINVAL);
	assert_int_equal(hss_impi_check("ue 1@ims.test"), -EINVAL);
	assert_int_equal(hss_impi_check("ue1#x"), -EINVAL);
	assert_int_equal(hss_impi_check("\xc3\xa9"), -EINVAL);
	assert_int_equal(hss_impu_check("sip:ue1@ims.test"), 0);
	assert_int_equal(hss_impu_check("SIPS:ue1@ims.test"), 0);
	assert_int_equal(hss_impu_check("tel:+15550001"), 0);
	assert_int_equal(hss_impu_check("sip:"), -EINVAL);
	assert_int_equal(hss_impu_check("ue1@ims.test"), -EINVAL);
	assert_int_equal(hss_subscriber_add_impu(sub, "sip:a@b"), 0);
	assert_int_equal(hss_subscriber_add_impu(sub, "sip:a@b"), -EEXIST);
	hss_subscriber_free(sub);
}

static void test_hss_import_parse_good_line(void **state)
{
	struct hss_subscriber *sub = NULL;
	char why[128];
	uint8_t opc[16];

	(void)state;
	assert_int_equal(
	    hss_import_parse_line("  impi=ue1@ims.test\timpu=sip:ue1@ims.test impu=tel:+1 k=" SET1_K
				  " op=" SET1_OP " amf=b9b9 sqn=000000000020  # lab UE 1\n",
				  &sub, why, sizeof(why)),
	    0);
	assert_non_null(sub);
	assert_string_equal(sub->impi, "ue1@ims.test");
	assert_int_equal(sub->n_impu, 2);
	hex(SET1_OPC, opc, 16);
	assert_memory_equal(sub->opc, opc, 16);
	assert_int_equal(sub->amf[0], 0xb9);
	assert_true(sub->sqn == 0x20);
	hss_subscriber_free(sub);

	assert_int_equal(hss_import_parse_line("   # just a comment\n", &sub, why, sizeof(why)), 0);
	assert_null(sub);
	assert_int_equal(hss_import_parse_line("\n", &sub, why, sizeof(why)), 0);
	assert_null(sub);
}

static void test_hss_import_parse_refuses_bad_lines_with_a_reason(void **state)
{
	static const char *const cases[][2] = {
	    {"impu=sip:a@b k=" SET1_K " opc=" SET1_OPC, "missing impi"},
	    {"impi=a impu=sip:a@b opc=" SET1_OPC, "missing k"},
	    {"impi=a impu=sip:a@b k=" SET1_K, "missing op or opc"},
	    {"impi=a impu=sip:a@b k=" SET1_K " op=" SET1_OP " opc=" SET1_OPC,
	     "give op or opc, not both"},
	    {"impi=a impu=sip:a@b k=465b opc=" SET1_OPC, "k: expected 32 hex digits, got 4"},
	    {"impi=a impu=sip:a@b k=" SET1_K " opc=" SET1_OPC " amf=80x0",
	     "amf: expected 4 hex digits, character 3 is not a hex digit"},
	    {"impi=a impu=sip:a@b k=" SET1_K " opc=" SET1_OPC " colour=red",
	     "unknown field 'colour'"},
	    {"impi=a impi=b impu=sip:a@b k=" SET1_K " opc=" SET1_OPC, "impi given twice"},
	    {"impi=a impu=a@b k=" SET1_K " opc=" SET1_OPC, "impu: 'a@b' is not a"},
	    {"impi=a impu=\x1b[2J k=" SET1_K " opc=" SET1_OPC, "impu: '?[2J' is not a"},
	    {"impi=a impu= k=" SET1_K, "impu: empty value"},
	    {"impi=a impu=sip:a@b k:" SET1_K, "field 3 is not name=value"},
	};
	struct hss_subscriber *sub = NULL;
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		assert_int_equal(hss_import_parse_line(cases[i][0], &sub, why, sizeof(why)),
				 -EINVAL);
		assert_null(sub);
		if (!strstr(why, cases[i][1]))
			fail_msg("line %zu: got '%s', want '%s'", i, why, cases[i][1]);
		/* No key material is ever quoted back. */
		assert_null(strstr(why, SET1_K + 8));
		assert_null(strstr(why, SET1_OPC + 8));
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

#define LINE(n) "impi=ue" #n "@ims.test impu=sip:ue" #n "@ims.test k=" SET1_K " opc=" SET1_OPC "\n"

static void test_hss_import_file_is_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	char path[160], *msgs = NULL;
	size_t count = 99, msgs_len = 0;
	FILE *errs = open_memstream(&msgs, &msgs_len);
	char names[128] = "";

	snprintf(path, sizeof(path), "%s/subs.txt", f->dir);
	write_file(path, "# lab\n" LINE(1) LINE(2) "impi=ue3@ims.test k=00\n" LINE(4));
	assert_int_equal(hss_import_file(f->db, path, false, errs, &count), -EINVAL);
	fflush(errs);
	assert_non_null(strstr(msgs, "/subs.txt:4: missing impu\n"));
	assert_int_equal(count, 0);
	assert_int_equal(hss_db_subscriber_foreach(f->db, collect_impi, names), 0);
	assert_string_equal(names, "");

	/* A conflict with the database is only found while adding; still nothing stays. */
	add_sub(f->db, "ue2@ims.test", "sip:ue2@ims.test", false);
	write_file(path, LINE(1) LINE(2) LINE(3));
	assert_int_equal(hss_import_file(f->db, path, false, errs, &count), -EINVAL);
	fflush(errs);
	assert_non_null(strstr(msgs, "/subs.txt:2: IMPI ue2@ims.test already exists\n"));
	assert_int_equal(hss_db_subscriber_foreach(f->db, collect_impi, names), 0);
	assert_string_equal(names, "ue2@ims.test ");

	/* --replace takes over ue2, but a repeated IMPI inside the file is still refused. */
	write_file(path, LINE(1) LINE(2) LINE(1));
	assert_int_equal(hss_import_file(f->db, path, true, errs, &count), -EINVAL);
	write_file(path, LINE(1) LINE(2) LINE(3));
	assert_int_equal(hss_import_file(f->db, path, true, errs, &count), 0);
	assert_int_equal(count, 3);
	names[0] = '\0';
	assert_int_equal(hss_db_subscriber_foreach(f->db, collect_impi, names), 0);
	assert_string_equal(names, "ue1@ims.test ue2@ims.test ue3@ims.test ");
	fclose(errs);
	free(msgs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hss_db_new_file_is_0600_wal_with_schema_version,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_creates_a_missing_directory, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_refuses_unknown_schema_and_foreign_files,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_lookup_by_impi_and_impu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_duplicate_impi_or_impu_changes_nothing,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_del_removes_the_impus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_sqn_advance_and_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_sqn_advance_is_atomic_across_processes,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hss_db_foreach_in_impi_order_and_rollback, setup,
					    teardown),
	    cmocka_unit_test(test_hss_subscriber_checks_identities),
	    cmocka_unit_test(test_hss_import_parse_good_line),
	    cmocka_unit_test(test_hss_import_parse_refuses_bad_lines_with_a_reason),
	    cmocka_unit_test_setup_teardown(test_hss_import_file_is_all_or_nothing, setup,
					    teardown),
	};

	return cmocka_run_group_tests_name("hss_db", tests, NULL, NULL);
}
