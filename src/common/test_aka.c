/*
 * test_aka.c — authentication vectors, the UE's AUTN check and resynchronisation.
 *
 * Known answers: TS 35.208 §4.3.1 (test set 1). Values derived from it were computed outside
 * this code:
 *   SQN xor AK   = printf '%012x' $((0xff9bb4d0b607 ^ 0xaa689c648370))  -> 55f328b43577
 *   SQN xor AK*  = printf '%012x' $((0xff9bb4d0b607 ^ 0x451e8beca43b))  -> ba853f3c123c
 *   MAC-S of SQN_MS ff9bb4d0b607 with AMF 0000 -> cf44e93596e355c6, with the Milenage f1
 *   steps done by `openssl enc -aes-128-ecb -nopad -K 465b5c...` and XORs in the shell; the
 *   same pipeline with AMF b9b9 reproduces f1 || f1* of test set 1 (4a9ffac3...01cfaf9e...).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/aka.h"
#include "common/codec.h"

#define SET1_K	  "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OPC  "cd63cb71954a9f4e48a5994e37a02baf"
#define SET1_RAND "23553cbe9637a89d218ae64dae47bf35"
#define SET1_SQN  0xff9bb4d0b607ULL
#define SET1_AMF  "b9b9"
#define SET1_AUTN "55f328b43577" SET1_AMF "4a9ffac354dfafb3"
#define SET1_AUTS                                                                                  \
	"ba853f3c123c"                                                                             \
	"cf44e93596e355c6"

struct fixture {
	uint8_t k[16], opc[16], rand[16], amf[2];
	struct aka_vector av;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (codec_hex_decode_exact(SET1_K, f.k, 16) ||
	    codec_hex_decode_exact(SET1_OPC, f.opc, 16) ||
	    codec_hex_decode_exact(SET1_RAND, f.rand, 16) ||
	    codec_hex_decode_exact(SET1_AMF, f.amf, 2))
		return -1;
	if (aka_vector_generate(f.k, f.opc, f.amf, SET1_SQN, f.rand, &f.av))
		return -1;
	*state = &f;
	return 0;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want)
{
	char hex[CODEC_HEX_SIZE(32)];

	assert_true(len <= 32);
	assert_int_equal(codec_hex_encode(got, len, hex, sizeof(hex)), 0);
	assert_string_equal(hex, want);
}

static void test_aka_vector_from_test_set_1(void **state)
{
	struct fixture *f = *state;

	assert_hex(f->av.rand, 16, SET1_RAND);
	assert_hex(f->av.autn, 16, SET1_AUTN);
	assert_hex(f->av.xres, 8, "a54211d5e3ba50bf");
	assert_hex(f->av.ck, 16, "b40ba9a3c58b2a05bbf0d987b21bf8cb");
	assert_hex(f->av.ik, 16, "f769bcd751044604127672711c6d3441");
	assert_hex(f->av.ak, 6, "aa689c648370");
	assert_hex(f->av.mac_a, 8, "4a9ffac354dfafb3");
	assert_true(f->av.sqn == SET1_SQN);
}

static void test_aka_vector_without_rand_draws_a_fresh_one(void **state)
{
	struct fixture *f = *state;
	struct aka_vector a, b;

	assert_int_equal(aka_vector_generate(f->k, f->opc, f->amf, 1, NULL, &a), 0);
	assert_int_equal(aka_vector_generate(f->k, f->opc, f->amf, 1, NULL, &b), 0);
	assert_memory_not_equal(a.rand, b.rand, 16);
	assert_memory_not_equal(a.xres, b.xres, 8);
}

static void test_aka_vector_refuses_sqn_over_48_bits(void **state)
{
	struct fixture *f = *state;
	struct aka_vector a;

	assert_int_equal(aka_vector_generate(f->k, f->opc, f->amf, AKA_SQN_MAX + 1, f->rand, &a),
			 -EINVAL);
	assert_int_equal(aka_vector_generate(NULL, f->opc, f->amf, 1, f->rand, &a), -EINVAL);
}

static void test_aka_ue_accepts_the_vector(void **state)
{
	struct fixture *f = *state;
	struct aka_ue_sqn ue = {.sqn_ms = SET1_SQN - 5, .delta = AKA_SQN_DELTA_DEFAULT};
	struct aka_ue_response resp;

	assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, f->av.autn, &ue, &resp),
			 AKA_OK);
	assert_hex(resp.res, 8, "a54211d5e3ba50bf");
	assert_hex(resp.ck, 16, "b40ba9a3c58b2a05bbf0d987b21bf8cb");
	assert_hex(resp.ik, 16, "f769bcd751044604127672711c6d3441");
	assert_true(resp.sqn == SET1_SQN);
	assert_true(ue.sqn_ms == SET1_SQN);
}

/* Flip each bit of MAC-A, AMF and the concealed SQN in turn: every one must fail the MAC. */
static void test_aka_ue_rejects_any_flipped_autn_bit(void **state)
{
	struct fixture *f = *state;
	struct aka_ue_response resp;
	uint8_t autn[16];
	unsigned int bit;

	for (bit = 0; bit < 128; bit++) {
		struct aka_ue_sqn ue = {.sqn_ms = 0, .delta = 0};

		memcpy(autn, f->av.autn, sizeof(autn));
		autn[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, autn, &ue, &resp),
				 AKA_MAC_FAILURE);
		assert_true(ue.sqn_ms == 0);
		/* No RES and no keys leak out of a failed check. */
		assert_hex(resp.res, 8, "0000000000000000");
		assert_hex(resp.ck, 16, "00000000000000000000000000000000");
	}
}

static void test_aka_ue_rejects_a_wrong_rand(void **state)
{
	struct fixture *f = *state;
	struct aka_ue_sqn ue = {.sqn_ms = 0, .delta = 0};
	struct aka_ue_response resp;
	uint8_t rand[16];

	memcpy(rand, f->av.rand, 16);
	rand[15] ^= 1;
	assert_int_equal(aka_ue_authenticate(f->k, f->opc, rand, f->av.autn, &ue, &resp),
			 AKA_MAC_FAILURE);
}

/* A replayed challenge: sync failure, AUTS as computed independently, and the HSS recovers. */
static void test_aka_replayed_sqn_gives_auts_the_hss_resyncs_from(void **state)
{
	struct fixture *f = *state;
	struct aka_ue_sqn ue = {.sqn_ms = SET1_SQN - 1, .delta = AKA_SQN_DELTA_DEFAULT};
	struct aka_ue_response resp;
	struct aka_vector next;
	uint64_t sqn_ms = 0;

	assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, f->av.autn, &ue, &resp),
			 AKA_OK);
	assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, f->av.autn, &ue, &resp),
			 AKA_SYNC_FAILURE);
	assert_hex(resp.auts, AKA_AUTS_LEN, SET1_AUTS);
	assert_hex(resp.res, 8, "0000000000000000");
	assert_true(ue.sqn_ms == SET1_SQN);

	assert_int_equal(aka_auts_verify(f->k, f->opc, f->av.rand, resp.auts, &sqn_ms), AKA_OK);
	assert_true(sqn_ms == SET1_SQN);

	/* The HSS continues after SQN_MS, and the UE accepts that. */
	assert_int_equal(
	    aka_vector_generate(f->k, f->opc, f->amf, aka_sqn_next(sqn_ms), NULL, &next), 0);
	assert_int_equal(aka_ue_authenticate(f->k, f->opc, next.rand, next.autn, &ue, &resp),
			 AKA_OK);
	assert_true(ue.sqn_ms == SET1_SQN + 1);
}

static void test_aka_ue_rejects_sqn_too_far_ahead(void **state)
{
	struct fixture *f = *state;
	struct aka_ue_sqn ue = {.sqn_ms = 0x20, .delta = AKA_SQN_DELTA_DEFAULT};
	struct aka_ue_response resp;
	uint64_t sqn_ms = 0;

	assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, f->av.autn, &ue, &resp),
			 AKA_SYNC_FAILURE);
	assert_true(ue.sqn_ms == 0x20);
	assert_int_equal(aka_auts_verify(f->k, f->opc, f->av.rand, resp.auts, &sqn_ms), AKA_OK);
	assert_true(sqn_ms == 0x20);

	/* Without a limit, the same jump is fine. */
	ue.delta = 0;
	assert_int_equal(aka_ue_authenticate(f->k, f->opc, f->av.rand, f->av.autn, &ue, &resp),
			 AKA_OK);
}

static void test_aka_sqn_window_edges(void **state)
{
	struct aka_ue_sqn ue = {.sqn_ms = 100, .delta = 10};

	(void)state;
	assert_false(aka_ue_sqn_acceptable(&ue, 99));
	assert_false(aka_ue_sqn_acceptable(&ue, 100));
	assert_true(aka_ue_sqn_acceptable(&ue, 101));
	assert_true(aka_ue_sqn_acceptable(&ue, 110));
	assert_false(aka_ue_sqn_acceptable(&ue, 111));
	assert_false(aka_ue_sqn_acceptable(&ue, AKA_SQN_MAX + 1));
	assert_false(aka_ue_sqn_acceptable(NULL, 101));
}

static void test_aka_auts_with_flipped_bit_is_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t auts[AKA_AUTS_LEN];
	uint64_t sqn_ms = 42;
	unsigned int bit;

	for (bit = 0; bit < 8 * AKA_AUTS_LEN; bit++) {
		assert_int_equal(codec_hex_decode_exact(SET1_AUTS, auts, sizeof(auts)), 0);
		auts[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		assert_int_equal(aka_auts_verify(f->k, f->opc, f->rand, auts, &sqn_ms),
				 AKA_MAC_FAILURE);
		assert_true(sqn_ms == 42);
	}
}

static void test_aka_sqn_bytes_round_trip_and_wrap(void **state)
{
	uint8_t b[6];

	(void)state;
	aka_sqn_to_bytes(0x0123456789abULL, b);
	assert_hex(b, 6, "0123456789ab");
	assert_true(aka_sqn_from_bytes(b) == 0x0123456789abULL);
	aka_sqn_to_bytes(0xffff000000000001ULL, b);
	assert_hex(b, 6, "000000000001");
	assert_true(aka_sqn_next(0x20) == 0x21);
	assert_true(aka_sqn_next(AKA_SQN_MAX) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aka_vector_from_test_set_1),
	    cmocka_unit_test(test_aka_vector_without_rand_draws_a_fresh_one),
	    cmocka_unit_test(test_aka_vector_refuses_sqn_over_48_bits),
	    cmocka_unit_test(test_aka_ue_accepts_the_vector),
	    cmocka_unit_test(test_aka_ue_rejects_any_flipped_autn_bit),
	    cmocka_unit_test(test_aka_ue_rejects_a_wrong_rand),
	    cmocka_unit_test(test_aka_replayed_sqn_gives_auts_the_hss_resyncs_from),
	    cmocka_unit_test(test_aka_ue_rejects_sqn_too_far_ahead),
	    cmocka_unit_test(test_aka_sqn_window_edges),
	    cmocka_unit_test(test_aka_auts_with_flipped_bit_is_refused),
	    cmocka_unit_test(test_aka_sqn_bytes_round_trip_and_wrap),
	};

	return cmocka_run_group_tests_name("aka", tests, setup, NULL);
}
