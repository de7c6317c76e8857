/*
 * test_digest.c — Digest responses: the RFC 2617 §3.5 example and AKAv1-MD5 (RFC 3310).
 *
 * The AKA expectations were computed with md5sum, RES of TS 35.208 test set 1 as raw bytes:
 *   NONCE=$(printf '%s' 23553cbe9637a89d218ae64dae47bf35 55f328b43577b9b94a9ffac354dfafb3 \
 *           | xxd -r -p | base64 -w0)       (RAND || AUTN of test set 1, as in a 401)
 *   HA1=$( { printf 'ue1@ims.test:ims.test:'; printf 'a54211d5e3ba50bf' | xxd -r -p; } \
 *          | md5sum | cut -d' ' -f1)                      -> f87758639093f43fa72e6c8a8973dc76
 *   HA2=$(printf 'REGISTER:sip:ims.test' | md5sum | cut -d' ' -f1)
 *   printf '%s' "$HA1:$NONCE:00000001:0a4f113b:auth:$HA2" | md5sum
 *                                                         -> bee027786321f92d561e3d85d2ae4a99
 *   printf '%s' "$HA1:$NONCE:$HA2" | md5sum               -> 4b9cf0db69150f14b7371a674129561f
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/digest.h"

static const uint8_t set1_res[8] = {0xa5, 0x42, 0x11, 0xd5, 0xe3, 0xba, 0x50, 0xbf};

#define AKA_NONCE "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="

static struct digest_input rfc2617_example(void)
{
	return (struct digest_input){
	    .username = "Mufasa",
	    .realm = "testrealm@host.com",
	    .password = (const uint8_t *)"Circle Of Life",
	    .password_len = strlen("Circle Of Life"),
	    .method = "GET",
	    .uri = "/dir/index.html",
	    .nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093",
	    .qop = "auth",
	    .nc = "00000001",
	    .cnonce = "0a4f113b",
	};
}

static struct digest_input aka_example(void)
{
	return (struct digest_input){
	    .username = "ue1@ims.test",
	    .realm = "ims.test",
	    .password = set1_res,
	    .password_len = sizeof(set1_res),
	    .method = "REGISTER",
	    .uri = "sip:ims.test",
	    .nonce = AKA_NONCE,
	    .qop = "auth",
	    .nc = "00000001",
	    .cnonce = "0a4f113b",
	};
}

static void test_digest_rfc2617_example(void **state)
{
	struct digest_input in = rfc2617_example();
	char resp[DIGEST_HEX_SIZE];

	(void)state;
	assert_int_equal(digest_response(&in, resp), 0);
	assert_string_equal(resp, "6629fae49393a05397450978507c4ef1");
}

static void test_digest_aka_ha1_uses_binary_res(void **state)
{
	char ha1[DIGEST_HEX_SIZE];

	(void)state;
	assert_int_equal(digest_ha1("ue1@ims.test", "ims.test", set1_res, 8, ha1), 0);
	assert_string_equal(ha1, "f87758639093f43fa72e6c8a8973dc76");
}

static void test_digest_akav1_md5_with_qop_auth(void **state)
{
	struct digest_input in = aka_example();
	char resp[DIGEST_HEX_SIZE];

	(void)state;
	assert_int_equal(digest_response(&in, resp), 0);
	assert_string_equal(resp, "bee027786321f92d561e3d85d2ae4a99");
}

static void test_digest_akav1_md5_without_qop(void **state)
{
	struct digest_input in = aka_example();
	char resp[DIGEST_HEX_SIZE];

	(void)state;
	in.qop = NULL;
	in.nc = NULL;
	in.cnonce = NULL;
	assert_int_equal(digest_response(&in, resp), 0);
	assert_string_equal(resp, "4b9cf0db69150f14b7371a674129561f");
}

static void test_digest_verify_accepts_right_and_refuses_wrong(void **state)
{
	struct digest_input in = aka_example();
	uint8_t wrong_res[8];

	(void)state;
	assert_int_equal(digest_response_verify(&in, "bee027786321f92d561e3d85d2ae4a99"), 0);
	assert_int_equal(digest_response_verify(&in, "BEE027786321F92D561E3D85D2AE4A99"), 0);
	assert_int_equal(digest_response_verify(&in, "bee027786321f92d561e3d85d2ae4a98"), -EACCES);
	assert_int_equal(digest_response_verify(&in, "bee027786321f92d561e3d85d2ae4a9"), -EACCES);
	assert_int_equal(digest_response_verify(&in, ""), -EACCES);
	assert_int_equal(digest_response_verify(&in, NULL), -EACCES);

	/* A UE that computed RES from the wrong key fails. */
	memcpy(wrong_res, set1_res, sizeof(wrong_res));
	wrong_res[7] ^= 1;
	in.password = wrong_res;
	assert_int_equal(digest_response_verify(&in, "bee027786321f92d561e3d85d2ae4a99"), -EACCES);
}

static void test_digest_refuses_incomplete_or_unsupported_input(void **state)
{
	struct digest_input in;
	char resp[DIGEST_HEX_SIZE];

	(void)state;
	in = aka_example();
	in.qop = "auth-int";
	assert_int_equal(digest_response(&in, resp), -EOPNOTSUPP);
	assert_string_equal(resp, "");
	in = aka_example();
	in.cnonce = NULL;
	assert_int_equal(digest_response(&in, resp), -EINVAL);
	in = aka_example();
	in.nonce = NULL;
	assert_int_equal(digest_response(&in, resp), -EINVAL);
	in = aka_example();
	in.password = NULL;
	assert_int_equal(digest_response(&in, resp), -EINVAL);
	assert_int_equal(digest_response(NULL, resp), -EINVAL);
	assert_int_equal(digest_ha1(NULL, "r", NULL, 0, resp), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digest_rfc2617_example),
	    cmocka_unit_test(test_digest_aka_ha1_uses_binary_res),
	    cmocka_unit_test(test_digest_akav1_md5_with_qop_auth),
	    cmocka_unit_test(test_digest_akav1_md5_without_qop),
	    cmocka_unit_test(test_digest_verify_accepts_right_and_refuses_wrong),
	    cmocka_unit_test(test_digest_refuses_incomplete_or_unsupported_input),
	};

	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
