/* test_ue_ident.c — UE identities from options and from the subscriber file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ue-sim/ue_ident.h"

#define EXAMPLE UE_TEST_SRCDIR "/etc/subscribers.example"

/* ue1's K and OPc as etc/subscribers.example writes them. */
static const uint8_t ue1_k[16] = {0xce, 0xb8, 0x2e, 0x63, 0x4e, 0xe8, 0x8d, 0x9f,
				  0x99, 0xf8, 0x89, 0xe4, 0x1b, 0xff, 0x9a, 0x6a};
static const uint8_t ue1_opc[16] = {0x62, 0x10, 0xad, 0xee, 0x92, 0xd8, 0x9e, 0x49,
				    0x21, 0x1c, 0x0b, 0xb0, 0xb8, 0xef, 0x42, 0x1a};

static void test_ue_ident_example_file_ue1(void **state)
{
	struct ue_ident id;
	char why[200];

	(void)state;
	ue_ident_init(&id);
	assert_int_equal(ue_ident_from_file(EXAMPLE, "ue1", &id, why, sizeof(why)), 0);
	assert_int_equal(ue_ident_finish(&id, why, sizeof(why)), 0);
	assert_string_equal(id.impi, "ue1@ims.test");
	assert_string_equal(id.impu, "sip:ue1@ims.test");
	assert_string_equal(id.domain, "ims.test");
	assert_string_equal(id.name, "ue1");
	assert_memory_equal(id.k, ue1_k, 16);
	assert_memory_equal(id.opc, ue1_opc, 16);
	assert_int_equal(id.sqn.sqn_ms, 0x20);
	ue_ident_wipe(&id);
	assert_false(id.has_k);
}

static void test_ue_ident_whole_impi_matches(void **state)
{
	struct ue_ident id;

	(void)state;
	ue_ident_init(&id);
	assert_int_equal(ue_ident_from_file(EXAMPLE, "ue8@ims.test", &id, NULL, 0), 0);
	assert_string_equal(id.impi, "ue8@ims.test");
}

static void test_ue_ident_unknown_ue_is_enoent(void **state)
{
	struct ue_ident id;
	char why[200];

	(void)state;
	ue_ident_init(&id);
	/* "ue" is a prefix of every IMPI but the name of none */
	assert_int_equal(ue_ident_from_file(EXAMPLE, "ue", &id, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no subscriber ue"));
	assert_int_equal(ue_ident_from_file(EXAMPLE, "ue9", &id, why, sizeof(why)), -ENOENT);
}

static void test_ue_ident_command_line_wins(void **state)
{
	struct ue_ident id;

	(void)state;
	ue_ident_init(&id);
	id.sqn.sqn_ms = 0x5000;
	id.sqn_set = true;
	snprintf(id.impu, sizeof(id.impu), "sip:other@ims.test");
	assert_int_equal(ue_ident_from_file(EXAMPLE, "ue2", &id, NULL, 0), 0);
	assert_int_equal(id.sqn.sqn_ms, 0x5000);
	assert_string_equal(id.impu, "sip:other@ims.test");
	assert_string_equal(id.impi, "ue2@ims.test");
}

static void test_ue_ident_bad_file_names_line(void **state)
{
	char path[] = "/tmp/test_ue_ident.XXXXXX", why[200];
	struct ue_ident id;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_true(write(fd, "# comment\nimpi=ue1@ims.test k=00\n", 33) == 33);
	close(fd);
	ue_ident_init(&id);
	assert_int_equal(ue_ident_from_file(path, "ue1", &id, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, ":2: "));
	unlink(path);
	assert_int_equal(ue_ident_from_file(path, "ue1", &id, why, sizeof(why)), -ENOENT);
}

static void test_ue_ident_finish_requires_keys_and_domain(void **state)
{
	struct ue_ident id;
	char why[200];

	(void)state;
	ue_ident_init(&id);
	assert_int_equal(ue_ident_finish(&id, why, sizeof(why)), -EINVAL);
	snprintf(id.impi, sizeof(id.impi), "alice");
	assert_int_equal(ue_ident_finish(&id, why, sizeof(why)), -EINVAL);
	id.has_k = id.has_opc = true;
	assert_int_equal(ue_ident_finish(&id, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "domain"));
	snprintf(id.domain, sizeof(id.domain), "home1.net");
	assert_int_equal(ue_ident_finish(&id, why, sizeof(why)), 0);
	assert_string_equal(id.impu, "sip:alice");
	assert_string_equal(id.name, "alice");
}

static void test_ue_ident_sqn_and_hex_options(void **state)
{
	uint64_t sqn = 0;
	uint8_t k[16];

	(void)state;
	assert_int_equal(ue_ident_parse_sqn("1000", &sqn), 0);
	assert_int_equal(sqn, 0x1000);
	assert_int_equal(ue_ident_parse_sqn("ff9bb4d0b607", &sqn), 0);
	assert_int_equal(sqn, 0xff9bb4d0b607ULL);
	assert_int_equal(ue_ident_parse_sqn("1ff9bb4d0b607", &sqn), -EINVAL);
	assert_int_equal(ue_ident_parse_sqn("xyz", &sqn), -EINVAL);
	assert_int_equal(ue_ident_parse_sqn("", &sqn), -EINVAL);
	assert_int_equal(ue_ident_parse_hex("ceb82e634ee88d9f99f889e41bff9a6a", k, 16), 0);
	assert_memory_equal(k, ue1_k, 16);
	assert_int_equal(ue_ident_parse_hex("ceb82e", k, 16), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_ident_example_file_ue1),
		cmocka_unit_test(test_ue_ident_whole_impi_matches),
		cmocka_unit_test(test_ue_ident_unknown_ue_is_enoent),
		cmocka_unit_test(test_ue_ident_command_line_wins),
		cmocka_unit_test(test_ue_ident_bad_file_names_line),
		cmocka_unit_test(test_ue_ident_finish_requires_keys_and_domain),
		cmocka_unit_test(test_ue_ident_sqn_and_hex_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
