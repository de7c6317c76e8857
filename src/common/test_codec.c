/*
 * test_codec.c — hex and base64: RFC 4648 §10 test vectors, the AKA nonce of TS 35.208 test
 * set 1 (expected text from `printf '%s' RAND AUTN | xxd -r -p | base64 -w0`), and malformed
 * input, which must be refused with -EINVAL and never read or write out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/codec.h"

static void test_codec_hex_encode_is_lower_case(void **state)
{
	const uint8_t in[] = {0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
	char out[CODEC_HEX_SIZE(sizeof(in))];

	(void)state;
	assert_int_equal(codec_hex_encode(in, sizeof(in), out, sizeof(out)), 0);
	assert_string_equal(out, "0001abcdefff");
	assert_int_equal(codec_hex_encode(NULL, 0, out, 1), 0);
	assert_string_equal(out, "");
}

static void test_codec_hex_encode_refuses_small_buffer(void **state)
{
	const uint8_t in[] = {1, 2, 3};
	char out[6] = "xxxxx";

	(void)state;
	assert_int_equal(codec_hex_encode(in, sizeof(in), out, sizeof(out)), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(codec_hex_encode(in, sizeof(in), NULL, 7), -EINVAL);
	assert_int_equal(codec_hex_encode(NULL, 1, out, sizeof(out)), -EINVAL);
}

static void test_codec_hex_decode_accepts_both_cases(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(codec_hex_decode("aBcD09fF", 8, out, sizeof(out)), 4);
	assert_memory_equal(out, "\xab\xcd\x09\xff", 4);
	assert_int_equal(codec_hex_decode("", 0, out, sizeof(out)), 0);
}

static void test_codec_hex_decode_refuses_malformed_input(void **state)
{
	static const char *const bad[] = {"abc",  "0g", "g0", " 00",	 "00 ",
					  "0x00", "-1", "zz", "\xff\xff"};
	uint8_t out[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(codec_hex_decode(bad[i], strlen(bad[i]), out, sizeof(out)),
				 -EINVAL);
	/* An embedded NUL is a bad character, not the end of the input. */
	assert_int_equal(codec_hex_decode("00\0000", 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(codec_hex_decode("000000", 6, out, 2), -ENOSPC);
	assert_int_equal(codec_hex_decode(NULL, 2, out, sizeof(out)), -EINVAL);
}

static void test_codec_hex_decode_exact_wants_exact_length(void **state)
{
	uint8_t out[2] = {0x55, 0x55};

	(void)state;
	assert_int_equal(codec_hex_decode_exact("b9b9", out, 2), 0);
	assert_memory_equal(out, "\xb9\xb9", 2);
	assert_int_equal(codec_hex_decode_exact("b9b", out, 2), -EINVAL);
	assert_memory_equal(out, "\0\0", 2);
	assert_int_equal(codec_hex_decode_exact("b9b9b9", out, 2), -EINVAL);
	assert_int_equal(codec_hex_decode_exact("b9x9", out, 2), -EINVAL);
	assert_int_equal(codec_hex_decode_exact("", out, 2), -EINVAL);
	assert_int_equal(codec_hex_decode_exact(NULL, out, 2), -EINVAL);
}

/* RFC 4648 §10. */
static const char *const rfc4648[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_codec_base64_rfc4648_vectors(void **state)
{
	char enc[CODEC_BASE64_SIZE(6)];
	uint8_t dec[6];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		const char *plain = rfc4648[i][0], *text = rfc4648[i][1];

		assert_int_equal(codec_base64_encode((const uint8_t *)plain, strlen(plain), enc,
						     CODEC_BASE64_SIZE(strlen(plain))),
				 0);
		assert_string_equal(enc, text);
		assert_int_equal(codec_base64_decode(text, strlen(text), dec, sizeof(dec)),
				 (ssize_t)strlen(plain));
		assert_memory_equal(dec, plain, strlen(plain));
	}
}

static void test_codec_base64_aka_nonce(void **state)
{
	static const char nonce[] = "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=";
	uint8_t raw[32], dec[32];
	char enc[CODEC_BASE64_SIZE(32)];

	(void)state;
	assert_int_equal(codec_hex_decode("23553cbe9637a89d218ae64dae47bf35"
					  "55f328b43577b9b94a9ffac354dfafb3",
					  64, raw, sizeof(raw)),
			 32);
	assert_int_equal(codec_base64_encode(raw, 32, enc, sizeof(enc)), 0);
	assert_string_equal(enc, nonce);
	assert_int_equal(codec_base64_decode(nonce, strlen(nonce), dec, sizeof(dec)), 32);
	assert_memory_equal(dec, raw, 32);
}

static void test_codec_base64_padding_is_optional_but_checked(void **state)
{
	uint8_t dec[8];

	(void)state;
	assert_int_equal(codec_base64_decode("Zg", 2, dec, sizeof(dec)), 1);
	assert_int_equal(codec_base64_decode("Zm8", 3, dec, sizeof(dec)), 2);
	assert_memory_equal(dec, "fo", 2);
	assert_int_equal(codec_base64_decode("Zg=", 3, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode("Zm8==", 5, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode("Zm9v=", 5, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode("Zg===", 5, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode("====", 4, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode("Zg==Zg==", 8, dec, sizeof(dec)), -EINVAL);
}

/* RFC 4648 §5: the URL alphabet without padding; the AKA nonce has both '+' and '/'. */
static void test_codec_base64url_unpadded(void **state)
{
	static const char url[] = "I1U8vpY3qJ0hiuZNrke_NVXzKLQ1d7m5Sp_6w1Tfr7M";
	uint8_t raw[32], dec[32];
	char enc[CODEC_BASE64URL_SIZE(32)], small[CODEC_BASE64URL_SIZE(4)];

	(void)state;
	assert_int_equal(codec_base64_decode("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=", 44,
					     raw, sizeof(raw)),
			 32);
	assert_int_equal(codec_base64url_encode(raw, 32, enc, sizeof(enc)), 0);
	assert_string_equal(enc, url);
	assert_int_equal(codec_base64url_decode(url, strlen(url), dec, sizeof(dec)), 32);
	assert_memory_equal(dec, raw, 32);
	assert_int_equal(codec_base64url_encode((const uint8_t *)"foob", 4, small, sizeof(small)),
			 0);
	assert_string_equal(small, "Zm9vYg");
	assert_int_equal(codec_base64url_encode((const uint8_t *)"foob", 4, small, 6), -ENOSPC);
	/* Padding, the standard alphabet and stray trailing bits are refused. */
	assert_int_equal(codec_base64url_decode("Zm9vYg==", 8, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64url_decode("I1U8+A", 6, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64url_decode("I1U8/A", 6, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64url_decode("Zh", 2, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64url_decode("Z", 1, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64url_decode("Zm9vYg", 6, dec, 3), -ENOSPC);
}

static void test_codec_base64_refuses_malformed_input(void **state)
{
	static const char *const bad[] = {
	    "Z",     /* a lone character carries no byte */
	    "Zm9vY", /* the same after a full group */
	    "Zm9v Zg==", "Zm9v\nZg==",	"Zm-v", "Zm_v",
	    "Zm9*",	 "Zm\xc3\xa9v", "Zh==", /* non-zero unused bits: not the canonical encoding
						   of "f" */
	    "Zm9=",				/* idem for "fo" */
	    "=Zm9",
	};
	uint8_t dec[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(codec_base64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec)),
				 -EINVAL);
	assert_int_equal(codec_base64_decode("Zm\0v", 4, dec, sizeof(dec)), -EINVAL);
	assert_int_equal(codec_base64_decode(NULL, 4, dec, sizeof(dec)), -EINVAL);
}

static void test_codec_base64_refuses_small_buffers(void **state)
{
	uint8_t dec[5];
	char enc[8];

	(void)state;
	assert_int_equal(codec_base64_decode("Zm9vYmFy", 8, dec, sizeof(dec)), -ENOSPC);
	assert_int_equal(codec_base64_decode("Zm9vYmE=", 8, dec, sizeof(dec)), 5);
	assert_int_equal(codec_base64_encode((const uint8_t *)"foobar", 6, enc, sizeof(enc)),
			 -ENOSPC);
	assert_string_equal(enc, "");
}

/* Every byte string of length 0..40 survives an encode/decode round trip in both codecs. */
static void test_codec_round_trip_all_lengths(void **state)
{
	uint8_t in[40], out[40];
	char text[CODEC_BASE64_SIZE(40) > CODEC_HEX_SIZE(40) ? CODEC_BASE64_SIZE(40)
							     : CODEC_HEX_SIZE(40)];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 250);
	for (len = 0; len <= sizeof(in); len++) {
		assert_int_equal(codec_base64_encode(in, len, text, sizeof(text)), 0);
		assert_int_equal(strlen(text) + 1, CODEC_BASE64_SIZE(len));
		assert_int_equal(codec_base64_decode(text, strlen(text), out, len), (ssize_t)len);
		assert_memory_equal(in, out, len);
		assert_int_equal(codec_hex_encode(in, len, text, sizeof(text)), 0);
		assert_int_equal(codec_hex_decode(text, strlen(text), out, len), (ssize_t)len);
		assert_memory_equal(in, out, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codec_hex_encode_is_lower_case),
	    cmocka_unit_test(test_codec_hex_encode_refuses_small_buffer),
	    cmocka_unit_test(test_codec_hex_decode_accepts_both_cases),
	    cmocka_unit_test(test_codec_hex_decode_refuses_malformed_input),
	    cmocka_unit_test(test_codec_hex_decode_exact_wants_exact_length),
	    cmocka_unit_test(test_codec_base64_rfc4648_vectors),
	    cmocka_unit_test(test_codec_base64_aka_nonce),
	    cmocka_unit_test(test_codec_base64_padding_is_optional_but_checked),
	    cmocka_unit_test(test_codec_base64url_unpadded),
	    cmocka_unit_test(test_codec_base64_refuses_malformed_input),
	    cmocka_unit_test(test_codec_base64_refuses_small_buffers),
	    cmocka_unit_test(test_codec_round_trip_all_lengths),
	};

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
