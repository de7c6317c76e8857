/*
 * test_milenage.c — Milenage against the conformance test data of 3GPP TS 35.208 §4.3,
 * test sets 1 to 6. Every set checks OPc from OP, f1, f1*, f2, f3, f4, f5 and f5* separately,
 * so a failure names the function and the set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/codec.h"
#include "common/milenage.h"

/* TS 35.208 §4.3.n, copied as hex strings so they can be compared with the document. */
struct milenage_test_set {
	const char *k, *rand, *sqn, *amf, *op, *opc;
	const char *f1, *f1star, *f2, *f5, *f3, *f4, *f5star;
};

static const struct milenage_test_set test_sets[] = {
    {"465b5ce8b199b49faa5f0a2ee238a6bc", "23553cbe9637a89d218ae64dae47bf35", "ff9bb4d0b607", "b9b9",
     "cdc202d5123e20f62b6d676ac72cb318", "cd63cb71954a9f4e48a5994e37a02baf", "4a9ffac354dfafb3",
     "01cfaf9ec4e871e9", "a54211d5e3ba50bf", "aa689c648370", "b40ba9a3c58b2a05bbf0d987b21bf8cb",
     "f769bcd751044604127672711c6d3441", "451e8beca43b"},
    {"0396eb317b6d1c36f19c1c84cd6ffd16", "c00d603103dcee52c4478119494202e8", "fd8eef40df7d", "af17",
     "ff53bade17df5d4e793073ce9d7579fa", "53c15671c60a4b731c55b4a441c0bde2", "5df5b31807e258b0",
     "a8c016e51ef4a343", "d3a628ed988620f0", "c47783995f72", "58c433ff7a7082acd424220f2b67c556",
     "21a8c1f929702adb3e738488b9f5c5da", "30f1197061c1"},
    {"fec86ba6eb707ed08905757b1bb44b8f", "9f7c8d021accf4db213ccff0c7f71a6a", "9d0277595ffc", "725c",
     "dbc59adcb6f9a0ef735477b7fadf8374", "1006020f0a478bf6b699f15c062e42b3", "9cabc3e99baf7281",
     "95814ba2b3044324", "8011c48c0c214ed2", "33484dc2136b", "5dbdbb2954e8f3cde665b046179a5098",
     "59a92d3b476a0443487055cf88b2307b", "deacdd848cc6"},
    {"9e5944aea94b81165c82fbf9f32db751", "ce83dbc54ac0274a157c17f80d017bd6", "0b604a81eca8", "9e09",
     "223014c5806694c007ca1eeef57f004f", "a64a507ae1a2a98bb88eb4210135dc87", "74a58220cba84c49",
     "ac2cc74a96871837", "f365cd683cd92e96", "f0b9c08ad02e", "e203edb3971574f5a94b0d61b816345d",
     "0c4524adeac041c4dd830d20854fc46b", "6085a86c6f63"},
    {"4ab1deb05ca6ceb051fc98e77d026a84", "74b0cd6031a1c8339b2b6ce2b8c4a186", "e880a1b580b6", "9f07",
     "2d16c5cd1fdf6b22383584e3bef2a8d8", "dcf07cbd51855290b92a07a9891e523e", "49e785dd12626ef2",
     "9e85790336bb3fa2", "5860fc1bce351e7e", "31e11a609118", "7657766b373d1c2138f307e3de9242f9",
     "1c42e960d89b8fa99f2744e0708ccb53", "fe2555e54aa9"},
    {"6c38a116ac280c454f59332ee35c8c4f", "ee6466bc96202c5a557abbeff8babf63", "414b98222181", "4464",
     "1ba00a1a7c6700ac8c3ff3e96ad08725", "3803ef5363b947c6aaa225e58fae3934", "078adfb488241a57",
     "80246b8d0186bcf1", "16c8233f05a0ac28", "45b0f69ab06c", "3f8c7587fe8e4b233af676aede30ba3b",
     "a7466cc1e6b2a1337d49d3b66e95d7b4", "1f53cd2b1113"},
};

/* The inputs of one set, decoded. */
struct inputs {
	uint8_t k[16], rand[16], sqn[6], amf[2], op[16], opc[16];
};

static void decode(const char *hex, uint8_t *out, size_t len)
{
	assert_int_equal(codec_hex_decode_exact(hex, out, len), 0);
}

static void inputs_load(const struct milenage_test_set *ts, struct inputs *in)
{
	decode(ts->k, in->k, sizeof(in->k));
	decode(ts->rand, in->rand, sizeof(in->rand));
	decode(ts->sqn, in->sqn, sizeof(in->sqn));
	decode(ts->amf, in->amf, sizeof(in->amf));
	decode(ts->op, in->op, sizeof(in->op));
	/* OPc comes from the document, so each f-test is independent of milenage_opc(). */
	decode(ts->opc, in->opc, sizeof(in->opc));
}

static void assert_hex(const uint8_t *got, size_t len, const char *want)
{
	char hex[CODEC_HEX_SIZE(16)];

	assert_true(len <= 16);
	assert_int_equal(codec_hex_encode(got, len, hex, sizeof(hex)), 0);
	assert_string_equal(hex, want);
}

static void test_opc(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t opc[16];

	inputs_load(ts, &in);
	assert_int_equal(milenage_opc(in.k, in.op, opc), 0);
	assert_hex(opc, sizeof(opc), ts->opc);
}

static void test_f1(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t mac[8];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f1(in.k, in.opc, in.rand, in.sqn, in.amf, mac), 0);
	assert_hex(mac, sizeof(mac), ts->f1);
}

static void test_f1star(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t mac[8];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f1star(in.k, in.opc, in.rand, in.sqn, in.amf, mac), 0);
	assert_hex(mac, sizeof(mac), ts->f1star);
}

static void test_f2(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t res[8];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f2(in.k, in.opc, in.rand, res), 0);
	assert_hex(res, sizeof(res), ts->f2);
}

static void test_f3(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t ck[16];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f3(in.k, in.opc, in.rand, ck), 0);
	assert_hex(ck, sizeof(ck), ts->f3);
}

static void test_f4(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t ik[16];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f4(in.k, in.opc, in.rand, ik), 0);
	assert_hex(ik, sizeof(ik), ts->f4);
}

static void test_f5(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t ak[6];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f5(in.k, in.opc, in.rand, ak), 0);
	assert_hex(ak, sizeof(ak), ts->f5);
}

static void test_f5star(void **state)
{
	const struct milenage_test_set *ts = *state;
	struct inputs in;
	uint8_t ak[6];

	inputs_load(ts, &in);
	assert_int_equal(milenage_f5star(in.k, in.opc, in.rand, ak), 0);
	assert_hex(ak, sizeof(ak), ts->f5star);
}

/* The combined call must give what the single functions give (checked against set 4). */
static void test_milenage_f2345_matches_the_single_functions(void **state)
{
	const struct milenage_test_set *ts = &test_sets[3];
	struct inputs in;
	uint8_t res[8], ck[16], ik[16], ak[6];

	(void)state;
	inputs_load(ts, &in);
	assert_int_equal(milenage_f2345(in.k, in.opc, in.rand, res, ck, ik, ak), 0);
	assert_hex(res, sizeof(res), ts->f2);
	assert_hex(ck, sizeof(ck), ts->f3);
	assert_hex(ik, sizeof(ik), ts->f4);
	assert_hex(ak, sizeof(ak), ts->f5);
}

static void test_milenage_null_arguments_are_refused(void **state)
{
	uint8_t b[16] = {0}, out[16];

	(void)state;
	assert_int_equal(milenage_opc(NULL, b, out), -EINVAL);
	assert_int_equal(milenage_opc(b, NULL, out), -EINVAL);
	assert_int_equal(milenage_opc(b, b, NULL), -EINVAL);
	assert_int_equal(milenage_f1(b, b, NULL, b, b, out), -EINVAL);
	assert_int_equal(milenage_f1(b, b, b, NULL, b, out), -EINVAL);
	assert_int_equal(milenage_f1star(b, b, b, b, NULL, out), -EINVAL);
	assert_int_equal(milenage_f1star(b, NULL, b, b, b, out), -EINVAL);
	assert_int_equal(milenage_f2(b, b, b, NULL), -EINVAL);
	assert_int_equal(milenage_f3(NULL, b, b, out), -EINVAL);
	assert_int_equal(milenage_f4(b, b, NULL, out), -EINVAL);
	assert_int_equal(milenage_f5(b, NULL, b, out), -EINVAL);
	assert_int_equal(milenage_f5star(b, b, b, NULL), -EINVAL);
	assert_int_equal(milenage_f2345(b, b, NULL, out, NULL, NULL, NULL), -EINVAL);
}

#define SET_TEST(n, fn)                                                                            \
	{                                                                                          \
		"test_milenage_test_set_" #n "_" #fn, test_##fn, NULL, NULL,                       \
		    (void *)&test_sets[(n)-1]                                                      \
	}
#define SET_TESTS(n)                                                                               \
	SET_TEST(n, opc), SET_TEST(n, f1), SET_TEST(n, f1star), SET_TEST(n, f2), SET_TEST(n, f3),  \
	    SET_TEST(n, f4), SET_TEST(n, f5), SET_TEST(n, f5star)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    SET_TESTS(1),
	    SET_TESTS(2),
	    SET_TESTS(3),
	    SET_TESTS(4),
	    SET_TESTS(5),
	    SET_TESTS(6),
	    cmocka_unit_test(test_milenage_f2345_matches_the_single_functions),
	    cmocka_unit_test(test_milenage_null_arguments_are_refused),
	};

	return cmocka_run_group_tests_name("milenage", tests, NULL, NULL);
}
