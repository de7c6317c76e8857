/*
 * test_ipsec_keys — TS 33.203 Annex I key derivation and the alg/ealg names.
 *
 * CK and IK are those of TS 35.208 test set 1. Expected keys are written out by hand from
 * the Annex I rules; expected KDF outputs come from the openssl command line, the command
 * next to each value (key = CK || IK; input S = FC || P0 || L0, L0 two octets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfrm/ipsec_keys.h"

/* TS 35.208 §4.3.1, test set 1 */
static const char *const test_ck_hex = "b40ba9a3c58b2a05bbf0d987b21bf8cb";
static const char *const test_ik_hex = "f769bcd751044604127672711c6d3441";
static const char *const test_ckik_hex =
    "b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441";

/*
 * printf '\x59AES_GCM_SALT\x00\x0c' | openssl dgst -sha256 -mac HMAC \
 *   -macopt hexkey:b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
 */
static const char *const test_kdf_gcm_hex =
    "990208b8e98def9647b3267bbc4fb85ba56472b9fe616bae6ed8e3d589273db6";
/*
 * printf '\x58AES_GMAC_SALT\x00\x0d' | openssl dgst -sha256 -mac HMAC \
 *   -macopt hexkey:b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
 */
static const char *const test_kdf_gmac_hex =
    "de2d8fa4a81e8872bed63550622ea1e4b741f4e0ef633fa3ecbf4e12dbc2b1c2";
/*
 * L0 above 255 (P0 = 300 times 'a', L0 = 0x01 0x2c):
 * { printf '\x10'; printf 'a%.0s' $(seq 300); printf '\x01\x2c'; } | openssl dgst -sha256 \
 *   -mac HMAC -macopt hexkey:b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
 */
static const char *const test_kdf_long_p0_hex =
    "cc8ec9dcd2965637a6f002e473148c4bf56537878642e73fb48c2b08144f34c2";
/*
 * Empty P0 (S = 0x7f 0x00 0x00):
 * printf '\x7f\x00\x00' | openssl dgst -sha256 -mac HMAC \
 *   -macopt hexkey:b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
 */
static const char *const test_kdf_empty_p0_hex =
    "684f83b3b8e8973b2f5fee6c4092b3ab25a38f4c94f38b42202086b4cbe16953";

static size_t test_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t len = strlen(hex) / 2;
	size_t i;

	assert_true(strlen(hex) % 2 == 0);
	assert_true(len <= max);
	for (i = 0; i < len; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], 0};

		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return len;
}

static void test_assert_bytes(const uint8_t *got, size_t got_len, const char *want_hex)
{
	uint8_t want[IPSEC_KEY_MAX];
	size_t want_len = test_unhex(want_hex, want, sizeof(want));

	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

static void test_derive(enum ipsec_integ integ, enum ipsec_encr encr, struct ipsec_alg_keys *out)
{
	uint8_t ck[16], ik[16];

	test_unhex(test_ck_hex, ck, sizeof(ck));
	test_unhex(test_ik_hex, ik, sizeof(ik));
	assert_int_equal(ipsec_keys_derive(integ, encr, ck, ik, out), 0);
	assert_int_equal(out->integ, integ);
	assert_int_equal(out->encr, encr);
}

static void test_ipsec_keys_hmac_sha1_96_key_is_ik_and_32_zero_bits(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_NULL, &k);
	assert_false(k.aead);
	assert_string_equal(k.auth_name, "hmac(sha1)");
	assert_int_equal(k.auth_trunc_bits, 96);
	test_assert_bytes(k.auth_key, k.auth_key_len,
			  "f769bcd751044604127672711c6d3441"
			  "00000000");
	assert_string_equal(k.enc_name, "ecb(cipher_null)");
	assert_int_equal(k.enc_key_len, 0);
	assert_int_equal(k.aead_icv_bits, 0);
}

static void test_ipsec_keys_hmac_md5_96_key_is_ik(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_HMAC_MD5_96, IPSEC_ENCR_NULL, &k);
	assert_false(k.aead);
	assert_string_equal(k.auth_name, "hmac(md5)");
	assert_int_equal(k.auth_trunc_bits, 96);
	test_assert_bytes(k.auth_key, k.auth_key_len, "f769bcd751044604127672711c6d3441");
	assert_string_equal(k.enc_name, "ecb(cipher_null)");
	assert_int_equal(k.enc_key_len, 0);
}

static void test_ipsec_keys_aes_cbc_key_is_ck(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_AES_CBC, &k);
	assert_false(k.aead);
	assert_string_equal(k.enc_name, "cbc(aes)");
	test_assert_bytes(k.enc_key, k.enc_key_len, "b40ba9a3c58b2a05bbf0d987b21bf8cb");
	/* the integrity half is unchanged by the choice of ealg */
	assert_string_equal(k.auth_name, "hmac(sha1)");
	test_assert_bytes(k.auth_key, k.auth_key_len,
			  "f769bcd751044604127672711c6d3441"
			  "00000000");
}

static void test_ipsec_keys_des_ede3_cbc_key_is_ck1_ck2_ck1(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_HMAC_MD5_96, IPSEC_ENCR_DES_EDE3_CBC, &k);
	assert_false(k.aead);
	assert_string_equal(k.enc_name, "cbc(des3_ede)");
	/* CK1 = b40ba9a3c58b2a05, CK2 = bbf0d987b21bf8cb; parity bits untouched */
	test_assert_bytes(k.enc_key, k.enc_key_len,
			  "b40ba9a3c58b2a05"
			  "bbf0d987b21bf8cb"
			  "b40ba9a3c58b2a05");
	assert_string_equal(k.auth_name, "hmac(md5)");
	test_assert_bytes(k.auth_key, k.auth_key_len, "f769bcd751044604127672711c6d3441");
}

static void test_ipsec_keys_aes_gcm_key_is_ck_and_kdf_salt(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_NULL, IPSEC_ENCR_AES_GCM, &k);
	assert_true(k.aead);
	assert_null(k.auth_name);
	assert_int_equal(k.auth_key_len, 0);
	assert_string_equal(k.enc_name, "rfc4106(gcm(aes))");
	assert_int_equal(k.aead_icv_bits, 128);
	/* salt = last 4 bytes of test_kdf_gcm_hex */
	test_assert_bytes(k.enc_key, k.enc_key_len,
			  "b40ba9a3c58b2a05bbf0d987b21bf8cb"
			  "89273db6");
}

static void test_ipsec_keys_aes_gmac_key_is_ik_and_kdf_salt(void **state)
{
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_AES_GMAC, IPSEC_ENCR_NULL, &k);
	assert_true(k.aead);
	assert_null(k.auth_name);
	assert_int_equal(k.auth_key_len, 0);
	assert_string_equal(k.enc_name, "rfc4543(gcm(aes))");
	assert_int_equal(k.aead_icv_bits, 128);
	/* salt = last 4 bytes of test_kdf_gmac_hex */
	test_assert_bytes(k.enc_key, k.enc_key_len,
			  "f769bcd751044604127672711c6d3441"
			  "dbc2b1c2");
}

static void test_ipsec_kdf_matches_openssl_command_line(void **state)
{
	uint8_t key[32], out[32], p0[300];

	(void)state;
	test_unhex(test_ckik_hex, key, sizeof(key));
	assert_int_equal(
	    ipsec_kdf(key, sizeof(key), 0x59, (const uint8_t *)"AES_GCM_SALT", 12, out), 0);
	test_assert_bytes(out, sizeof(out), test_kdf_gcm_hex);
	assert_int_equal(
	    ipsec_kdf(key, sizeof(key), 0x58, (const uint8_t *)"AES_GMAC_SALT", 13, out), 0);
	test_assert_bytes(out, sizeof(out), test_kdf_gmac_hex);
	memset(p0, 'a', sizeof(p0));
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x10, p0, sizeof(p0), out), 0);
	test_assert_bytes(out, sizeof(out), test_kdf_long_p0_hex);
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x7f, NULL, 0, out), 0);
	test_assert_bytes(out, sizeof(out), test_kdf_empty_p0_hex);
}

static void test_ipsec_kdf_rejects_bad_arguments(void **state)
{
	static uint8_t big[0x10000];
	uint8_t key[32] = {1}, out[32];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(ipsec_kdf(NULL, 32, 0x59, big, 1, out), -EINVAL);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(ipsec_kdf(key, 0, 0x59, big, 1, out), -EINVAL);
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x59, NULL, 1, out), -EINVAL);
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x59, big, sizeof(big), out), -EINVAL);
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x59, big, 1, NULL), -EINVAL);
	/* the largest length L0 can carry is fine */
	assert_int_equal(ipsec_kdf(key, sizeof(key), 0x59, big, sizeof(big) - 1, out), 0);
}

/*
 * Written from TS 33.203 (ipsec_keys.h), not from the code: rows alg, columns ealg
 * null, aes-cbc, des-ede3-cbc, aes-gcm.
 */
static const int test_allowed[IPSEC_INTEG_COUNT][IPSEC_ENCR_COUNT] = {
    [IPSEC_INTEG_HMAC_SHA1_96] = {1, 1, 1, 0},
    [IPSEC_INTEG_HMAC_MD5_96] = {1, 1, 1, 0},
    [IPSEC_INTEG_AES_GMAC] = {1, 0, 0, 0},
    [IPSEC_INTEG_NULL] = {0, 0, 0, 1},
};

static void test_ipsec_keys_forbidden_combinations_are_refused(void **state)
{
	uint8_t ck[16], ik[16];
	struct ipsec_alg_keys k;
	int integ, encr;

	(void)state;
	test_unhex(test_ck_hex, ck, sizeof(ck));
	test_unhex(test_ik_hex, ik, sizeof(ik));
	for (integ = 0; integ < IPSEC_INTEG_COUNT; integ++) {
		for (encr = 0; encr < IPSEC_ENCR_COUNT; encr++) {
			int want = test_allowed[integ][encr] ? 0 : -EINVAL;

			memset(&k, 0xaa, sizeof(k));
			assert_int_equal(ipsec_keys_allowed(integ, encr), want);
			assert_int_equal(ipsec_keys_derive(integ, encr, ck, ik, &k), want);
			if (want)
				assert_int_equal(k.auth_key_len + k.enc_key_len + k.auth_key[0] +
						     k.enc_key[0],
						 0);
		}
	}
}

static void test_ipsec_keys_bad_arguments_are_refused(void **state)
{
	uint8_t ck[16] = {0}, ik[16] = {0};
	struct ipsec_alg_keys k;

	(void)state;
	assert_int_equal(ipsec_keys_derive(IPSEC_INTEG_COUNT, IPSEC_ENCR_NULL, ck, ik, &k),
			 -EINVAL);
	assert_int_equal(ipsec_keys_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_COUNT, ck, ik, &k),
			 -EINVAL);
	assert_int_equal(ipsec_keys_derive((enum ipsec_integ) - 1, IPSEC_ENCR_NULL, ck, ik, &k),
			 -EINVAL);
	assert_int_equal(ipsec_keys_allowed(IPSEC_INTEG_NULL, (enum ipsec_encr) - 1), -EINVAL);
	assert_int_equal(ipsec_keys_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_NULL, NULL, ik, &k),
			 -EINVAL);
	assert_int_equal(ipsec_keys_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_NULL, ck, NULL, &k),
			 -EINVAL);
	assert_int_equal(ipsec_keys_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_NULL, ck, ik, NULL),
			 -EINVAL);
}

static void test_ipsec_names_round_trip(void **state)
{
	static const char *const integ_names[] = {"hmac-sha-1-96", "hmac-md5-96", "aes-gmac",
						  "null"};
	static const char *const encr_names[] = {"null", "aes-cbc", "des-ede3-cbc", "aes-gcm"};
	enum ipsec_integ integ;
	enum ipsec_encr encr;
	int i;

	(void)state;
	for (i = 0; i < IPSEC_INTEG_COUNT; i++) {
		assert_string_equal(ipsec_integ_name(i), integ_names[i]);
		assert_int_equal(ipsec_integ_from_name(integ_names[i], &integ), 0);
		assert_int_equal(integ, i);
	}
	for (i = 0; i < IPSEC_ENCR_COUNT; i++) {
		assert_string_equal(ipsec_encr_name(i), encr_names[i]);
		assert_int_equal(ipsec_encr_from_name(encr_names[i], &encr), 0);
		assert_int_equal(encr, i);
	}
	assert_null(ipsec_integ_name(IPSEC_INTEG_COUNT));
	assert_null(ipsec_encr_name(IPSEC_ENCR_COUNT));
	assert_null(ipsec_integ_name((enum ipsec_integ) - 1));
}

static void test_ipsec_names_ignore_case_and_accept_ipsec_man_spellings(void **state)
{
	enum ipsec_integ integ;
	enum ipsec_encr encr;

	(void)state;
	assert_int_equal(ipsec_integ_from_name("HMAC-SHA-1-96", &integ), 0);
	assert_int_equal(integ, IPSEC_INTEG_HMAC_SHA1_96);
	assert_int_equal(ipsec_integ_from_name("HMAC-SHA1", &integ), 0);
	assert_int_equal(integ, IPSEC_INTEG_HMAC_SHA1_96);
	assert_int_equal(ipsec_integ_from_name("HMAC-MD5", &integ), 0);
	assert_int_equal(integ, IPSEC_INTEG_HMAC_MD5_96);
	assert_int_equal(ipsec_integ_from_name("Aes-Gmac", &integ), 0);
	assert_int_equal(integ, IPSEC_INTEG_AES_GMAC);
	assert_int_equal(ipsec_integ_from_name("NULL", &integ), 0);
	assert_int_equal(integ, IPSEC_INTEG_NULL);
	assert_int_equal(ipsec_encr_from_name("DES-EDE3-CBC", &encr), 0);
	assert_int_equal(encr, IPSEC_ENCR_DES_EDE3_CBC);
	assert_int_equal(ipsec_encr_from_name("AES-GCM", &encr), 0);
	assert_int_equal(encr, IPSEC_ENCR_AES_GCM);
	assert_int_equal(ipsec_encr_from_name("Null", &encr), 0);
	assert_int_equal(encr, IPSEC_ENCR_NULL);
}

static void test_ipsec_names_unknown_are_refused(void **state)
{
	static const char *const bad_integ[] = {
	    "",	     "hmac-sha-256-128", "aes-cbc", "hmac-sha-1-9", "hmac-sha-1-96x", " null",
	    "null ", "\"null\"",	 "sha1"};
	static const char *const bad_encr[] = {"",     "aes",	     "aes-cbc ", "hmac-sha-1-96",
					       "3des", "aes-gcm-16", "des-ede3"};
	enum ipsec_integ integ = IPSEC_INTEG_AES_GMAC;
	enum ipsec_encr encr = IPSEC_ENCR_AES_CBC;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_integ) / sizeof(bad_integ[0]); i++)
		assert_int_equal(ipsec_integ_from_name(bad_integ[i], &integ), -EINVAL);
	for (i = 0; i < sizeof(bad_encr) / sizeof(bad_encr[0]); i++)
		assert_int_equal(ipsec_encr_from_name(bad_encr[i], &encr), -EINVAL);
	assert_int_equal(ipsec_integ_from_name(NULL, &integ), -EINVAL);
	assert_int_equal(ipsec_encr_from_name(NULL, &encr), -EINVAL);
	assert_int_equal(ipsec_integ_from_name("null", NULL), -EINVAL);
	assert_int_equal(ipsec_encr_from_name("null", NULL), -EINVAL);
	/* untouched on failure */
	assert_int_equal(integ, IPSEC_INTEG_AES_GMAC);
	assert_int_equal(encr, IPSEC_ENCR_AES_CBC);
}

static void test_ipsec_keys_wipe_zeroes_the_key_bytes(void **state)
{
	static const uint8_t zero[IPSEC_KEY_MAX];
	struct ipsec_alg_keys k;

	(void)state;
	test_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_DES_EDE3_CBC, &k);
	ipsec_keys_wipe(&k);
	assert_memory_equal(k.auth_key, zero, sizeof(zero));
	assert_memory_equal(k.enc_key, zero, sizeof(zero));
	assert_int_equal(k.auth_key_len, 0);
	assert_int_equal(k.enc_key_len, 0);
	/* what was installed can still be named */
	assert_string_equal(k.auth_name, "hmac(sha1)");
	assert_string_equal(k.enc_name, "cbc(des3_ede)");

	test_derive(IPSEC_INTEG_NULL, IPSEC_ENCR_AES_GCM, &k);
	ipsec_keys_wipe(&k);
	assert_memory_equal(k.enc_key, zero, sizeof(zero));
	assert_int_equal(k.enc_key_len, 0);
	ipsec_keys_wipe(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipsec_keys_hmac_sha1_96_key_is_ik_and_32_zero_bits),
	    cmocka_unit_test(test_ipsec_keys_hmac_md5_96_key_is_ik),
	    cmocka_unit_test(test_ipsec_keys_aes_cbc_key_is_ck),
	    cmocka_unit_test(test_ipsec_keys_des_ede3_cbc_key_is_ck1_ck2_ck1),
	    cmocka_unit_test(test_ipsec_keys_aes_gcm_key_is_ck_and_kdf_salt),
	    cmocka_unit_test(test_ipsec_keys_aes_gmac_key_is_ik_and_kdf_salt),
	    cmocka_unit_test(test_ipsec_kdf_matches_openssl_command_line),
	    cmocka_unit_test(test_ipsec_kdf_rejects_bad_arguments),
	    cmocka_unit_test(test_ipsec_keys_forbidden_combinations_are_refused),
	    cmocka_unit_test(test_ipsec_keys_bad_arguments_are_refused),
	    cmocka_unit_test(test_ipsec_names_round_trip),
	    cmocka_unit_test(test_ipsec_names_ignore_case_and_accept_ipsec_man_spellings),
	    cmocka_unit_test(test_ipsec_names_unknown_are_refused),
	    cmocka_unit_test(test_ipsec_keys_wipe_zeroes_the_key_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
