/*
 * test_config — pcscf.conf: the example file loads, every keyword's errors are reported
 * with FILE:LINE, all of them in one run, and a bad file is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcscf/config.h"

static char *test_write(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static int test_load(const char *text, struct config *c, char *errors, size_t len)
{
	char *path = test_write(text);
	FILE *out = fmemopen(errors, len, "w");
	int n;

	memset(errors, 0, len);
	config_default(c);
	n = config_load(path, c, out);
	fclose(out);
	unlink(path);
	return n;
}

static void test_example_config_loads(void **state)
{
	struct config c;
	char errors[1024];
	char path[512];
	FILE *out = fmemopen(errors, sizeof(errors), "w");

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/pcscf.conf", getenv("srcdir") ? getenv("srcdir") : ".");
	config_default(&c);
	assert_int_equal(config_load(path, &c, out), 0);
	fclose(out);
	assert_int_equal(c.naccess, 2);
	assert_int_equal(c.port_s, 5064);
	assert_int_equal(c.nue_prefixes, 2);
	assert_int_equal(c.ue_prefixes[0].len, 48);
	assert_string_equal(c.scscf, "sip:[2001:db8:c::2]:5060");
}

static void test_every_error_is_reported_with_its_line(void **state)
{
	struct config c;
	char errors[2048];
	int n;

	(void)state;
	n = test_load("access 2001:db8:a::1\n"
		      "core 2001:db8:c::1\n"
		      "scscf sip:[2001:db8:c::2]\n"
		      "ue-prefix 2001:db8:1::/48\n"
		      "port 70000\n"				/* line 5 */
		      "protected-ports 5064 5064\n"		/* line 6 */
		      "integrity hmac-sha-1-96 rot13\n"	/* line 7 */
		      "frobnicate yes   # a comment\n"		/* line 8 */
		      "   # only a comment\n"
		      "ue-prefix 2001:db8:2::/200\n"		/* line 10 */
		      "log-level chatty\n",			/* line 11 */
		      &c, errors, sizeof(errors));
	assert_int_equal(n, 6);
	assert_non_null(strstr(errors, ":5: port"));
	assert_non_null(strstr(errors, ":6: protected-ports"));
	assert_non_null(strstr(errors, ":7: integrity: unknown algorithm 'rot13'"));
	assert_non_null(strstr(errors, ":8: unknown keyword 'frobnicate'"));
	assert_non_null(strstr(errors, ":10: ue-prefix"));
	assert_non_null(strstr(errors, ":11: log-level"));
}

static void test_missing_settings_are_named(void **state)
{
	struct config c;
	char errors[2048];

	(void)state;
	assert_int_equal(test_load("port 5060\n", &c, errors, sizeof(errors)), 4);
	assert_non_null(strstr(errors, "no 'access' address"));
	assert_non_null(strstr(errors, "no 'scscf' URI"));
}

static void test_scscf_must_be_a_core_family_address(void **state)
{
	struct config c;
	char errors[1024];

	(void)state;
	assert_int_equal(test_load("access 2001:db8:a::1\ncore 2001:db8:c::1\n"
				   "scscf sip:scscf.ims.test;transport=tcp\nue-prefix 2001:db8:1::/48\n",
				   &c, errors, sizeof(errors)), 1);
	assert_non_null(strstr(errors, "scscf: the host must be an address"));
	assert_int_equal(test_load("access 2001:db8:a::1\ncore 2001:db8:c::1\n"
				   "scscf sip:10.2.0.2:5060\nue-prefix 2001:db8:1::/48\n",
				   &c, errors, sizeof(errors)), 1);
	assert_non_null(strstr(errors, "scscf: no 'core' address of its family"));
	assert_int_equal(test_load("access 2001:db8:a::1\ncore 2001:db8:a::1\n"
				   "scscf sip:[2001:db8:c::2]\nue-prefix 2001:db8:1::/48\n",
				   &c, errors, sizeof(errors)), 1);
	assert_non_null(strstr(errors, "both 'access' and 'core'"));
}

static void test_unreadable_file_is_an_error(void **state)
{
	struct config c;
	char errors[256] = "";
	FILE *out = fmemopen(errors, sizeof(errors), "w");

	(void)state;
	config_default(&c);
	assert_true(config_load("/nonexistent/pcscf.conf", &c, out) < 0);
	fclose(out);
	assert_non_null(strstr(errors, "No such file"));
}

static void test_limits_follow_the_config(void **state)
{
	struct config c;
	struct privsep_limits l;
	char errors[256];

	(void)state;
	assert_int_equal(test_load("access 2001:db8:a::1 10.1.0.1\ncore 2001:db8:c::1\n"
				   "scscf sip:[2001:db8:c::2]:5060\nue-prefix 2001:db8:1::/48\nmax-expires 600\n"
				   "sa-grace 20\nmin-prefix-length 56 28\n",
				   &c, errors, sizeof(errors)), 0);
	config_privsep_limits(&c, &l);
	assert_int_equal(l.npcscf_addrs, 2);
	assert_int_equal(l.max_lifetime_s, 620);
	assert_int_equal(l.min_prefix_len6, 56);
	assert_int_equal(l.min_prefix_len4, 28);
	assert_int_equal(l.ports[0], 5064);
	assert_int_equal(c.log_level, LOG_INFO);
}

/* signing: off by default; ROTATE KEEP within what one key ring holds. */
static void test_signing_keyword(void **state)
{
	char why[256], line[64];
	struct config c;

	(void)state;
	config_default(&c);
	assert_int_equal(c.sign_rotate_s, 0);
	snprintf(line, sizeof(line), "signing 3600 86400");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_int_equal(c.sign_rotate_s, 3600);
	assert_int_equal(c.sign_keep_s, 86400);
	snprintf(line, sizeof(line), "signing 60 86400"); /* 1442 keys */
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "signing"));
	snprintf(line, sizeof(line), "signing 3600");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
	snprintf(line, sizeof(line), "signing off");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_int_equal(c.sign_rotate_s, 0);
}

/* signing-core: no by default; signing-warn-rate: 10 by default, off is 0. */
static void test_signing_core_and_warn_rate(void **state)
{
	static const char *const bad[] = {"signing-core on", "signing-core", "signing-warn-rate 0",
					  "signing-warn-rate ten", "signing-warn-rate 1 2", NULL};
	char why[256], line[64];
	struct config c;

	(void)state;
	config_default(&c);
	assert_false(c.sign_core);
	assert_int_equal(c.sign_warn_rate, 10);
	snprintf(line, sizeof(line), "signing-core yes");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_true(c.sign_core);
	snprintf(line, sizeof(line), "signing-warn-rate 250");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_int_equal(c.sign_warn_rate, 250);
	snprintf(line, sizeof(line), "signing-warn-rate off");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_int_equal(c.sign_warn_rate, 0);
	snprintf(line, sizeof(line), "signing-core no");
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_false(c.sign_core);
	for (const char *const *b = bad; *b; b++) {
		snprintf(line, sizeof(line), "%s", *b);
		assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
		assert_non_null(strstr(why, "signing-"));
	}
}

/* Write @text to a fresh file of mode @mode; its path goes into @path. */
static void write_key_file(char *path, const char *text, mode_t mode)
{
	int fd;

	snprintf(path, 64, "/tmp/test_config_key.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* signing-pool-key: 64 hex digits in a file only its owner may access; anything else is
 * refused with the reason. */
static void test_signing_pool_key_file(void **state)
{
	static const char hex[] = "000102030405060708090a0b0c0d0e0f"
				  "101112131415161718191A1B1C1D1E1F";
	char why[256], line[128], path[64];
	struct config c;

	(void)state;
	config_default(&c);
	assert_false(c.sign_pool);
	write_key_file(path,
		       "  "
		       "000102030405060708090a0b0c0d0e0f"
		       "101112131415161718191A1B1C1D1E1F"
		       "\n",
		       0600);
	snprintf(line, sizeof(line), "signing-pool-key %s", path);
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), 0);
	assert_true(c.sign_pool);
	for (int i = 0; i < 32; i++)
		assert_int_equal(c.sign_pool_key[i], i);
	assert_int_equal(chmod(path, 0644), 0); /* world-readable */
	snprintf(line, sizeof(line), "signing-pool-key %s", path);
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "chmod 600"));
	assert_false(c.sign_pool);
	assert_int_equal(c.sign_pool_key[1], 0); /* wiped */
	unlink(path);
	write_key_file(path, hex + 2, 0600); /* 31 bytes */
	snprintf(line, sizeof(line), "signing-pool-key %s", path);
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "64 hex digits"));
	unlink(path);
	snprintf(line, sizeof(line), "signing-pool-key %s", path); /* gone */
	assert_int_equal(config_parse_line(&c, line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_config_loads),
		cmocka_unit_test(test_every_error_is_reported_with_its_line),
		cmocka_unit_test(test_missing_settings_are_named),
		cmocka_unit_test(test_scscf_must_be_a_core_family_address),
		cmocka_unit_test(test_unreadable_file_is_an_error),
		cmocka_unit_test(test_limits_follow_the_config),
		cmocka_unit_test(test_signing_keyword),
		cmocka_unit_test(test_signing_core_and_warn_rate),
		cmocka_unit_test(test_signing_pool_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
