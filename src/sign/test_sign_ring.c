/*
 * test_sign_ring — the key ring without SIP: configuration limits, rotation and purge,
 * export and import (what the state layer will store), the pool wrap, and the strict token
 * parsers. Behaviour on messages is in test_sign_sip.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sign/sign_int.h"

#define T0 1800000000ULL

static const struct sign_ring_config cfg = {.rotate_s = 600, .keep_s = 3600};

static void test_sign_ring_refuses_bad_config(void **state)
{
	const struct sign_ring_config zero = {.rotate_s = 0, .keep_s = 10};
	const struct sign_ring_config too_many = {.rotate_s = 60, .keep_s = 60 * SIGN_RING_MAX};

	(void)state;
	errno = 0;
	assert_null(sign_ring_new(&zero));
	assert_int_equal(errno, EINVAL);
	assert_null(sign_ring_new(&too_many));
	assert_null(sign_ring_new(NULL));
}

static void test_sign_ring_rotates_and_purges(void **state)
{
	struct sign_ring *ring = sign_ring_new(&cfg);
	uint32_t ids[8];

	(void)state;
	assert_int_equal(sign_ring_current_id(ring), 0);
	assert_int_equal(sign_ring_tick(ring, T0), 1);
	ids[0] = sign_ring_current_id(ring);
	assert_int_not_equal(ids[0], 0);
	assert_int_equal(sign_ring_tick(ring, T0 + 599), 0);
	for (int i = 1; i <= 6; i++) {
		assert_int_equal(sign_ring_tick(ring, T0 + 600 * (uint64_t)i), 1);
		ids[i] = sign_ring_current_id(ring);
		assert_int_not_equal(ids[i], ids[i - 1]);
		assert_int_equal(sign_ring_count(ring), (size_t)i + 1);
	}
	/* The first key verifies for rotate + keep = 4200 s: at T0 + 4200 it goes (and a new
	 * key comes, since the current one is 600 s old). */
	assert_non_null(sign_ring_find(ring, ids[0]));
	assert_int_equal(sign_ring_tick(ring, T0 + 4200), 2);
	assert_null(sign_ring_find(ring, ids[0]));
	assert_non_null(sign_ring_find(ring, ids[1]));
	assert_int_equal(sign_ring_count(ring), 7);
	/* Long idle: everything old goes, one fresh key signs. */
	assert_int_equal(sign_ring_tick(ring, T0 + 100000), 8);
	assert_int_equal(sign_ring_count(ring), 1);
	sign_ring_free(ring);
}

static void test_sign_ring_export_import_round_trip(void **state)
{
	struct sign_ring *a = sign_ring_new(&cfg), *b = sign_ring_new(&cfg);
	struct sign_key_record recs[SIGN_RING_MAX];
	const struct sign_key *ka, *kb;
	int n;

	(void)state;
	sign_ring_tick(a, T0);
	sign_ring_tick(a, T0 + 600);
	sign_ring_tick(a, T0 + 1200);
	assert_int_equal(sign_ring_export(a, recs, 2), -ENOSPC);
	n = sign_ring_export(a, recs, SIGN_RING_MAX);
	assert_int_equal(n, 3);
	assert_true(recs[0].created < recs[1].created && recs[1].created < recs[2].created);
	/* Given in any order, imported keys sort by creation: the newest signs. */
	struct sign_key_record tmp = recs[0];
	recs[0] = recs[2], recs[2] = tmp;
	assert_int_equal(sign_ring_import(b, recs, 3, T0 + 1300), 3);
	assert_int_equal(sign_ring_current_id(b), sign_ring_current_id(a));
	for (int i = 0; i < n; i++) {
		ka = sign_ring_find(a, recs[i].id);
		kb = sign_ring_find(b, recs[i].id);
		assert_non_null(kb);
		assert_memory_equal(ka->sub, kb->sub, sizeof(ka->sub));
		assert_int_equal(ka->expires, kb->expires);
	}
	/* Records already expired are skipped. */
	assert_int_equal(sign_ring_import(b, recs, 3, recs[2].expires), 2);
	explicit_bzero(recs, sizeof(recs));
	sign_ring_free(a);
	sign_ring_free(b);
}

static void test_sign_ring_import_refuses_bad_records(void **state)
{
	struct sign_ring *ring = sign_ring_new(&cfg);
	struct sign_key_record recs[2] = {
		{.id = 7, .created = T0, .expires = T0 + 100, .secret = {1}},
		{.id = 7, .created = T0 + 1, .expires = T0 + 100, .secret = {2}},
	};

	(void)state;
	assert_int_equal(sign_ring_import(ring, recs, 2, T0), -EINVAL);
	assert_int_equal(sign_ring_count(ring), 0); /* nothing half-imported */
	recs[1].id = 0;
	assert_int_equal(sign_ring_import(ring, recs, 2, T0), -EINVAL);
	recs[1].id = 8, recs[1].expires = recs[1].created;
	assert_int_equal(sign_ring_import(ring, recs, 2, T0), -EINVAL);
	recs[1].expires = T0 + 50;
	assert_int_equal(sign_ring_import(ring, recs, 2, T0), 2);
	assert_int_equal(sign_ring_current_id(ring), 8);
	sign_ring_free(ring);
}

/* Subkeys differ by kind, and from the session key itself. */
static void test_sign_subkeys_are_separate(void **state)
{
	struct sign_ring *ring = sign_ring_new(&cfg);
	const struct sign_key *k;

	(void)state;
	sign_ring_tick(ring, T0);
	k = sign_ring_signing_key(ring);
	for (int i = 0; i < SIGN_KIND_COUNT; i++) {
		assert_memory_not_equal(k->sub[i], k->secret, SIGN_KEY_LEN);
		for (int j = i + 1; j < SIGN_KIND_COUNT; j++)
			assert_memory_not_equal(k->sub[i], k->sub[j], SIGN_KEY_LEN);
	}
	sign_ring_free(ring);
}

static void test_sign_wrap_opens_only_with_pool_key(void **state)
{
	static const uint8_t pool[SIGN_KEY_LEN] = {9, 9, 9};
	struct sign_ring *a = sign_ring_new(&cfg), *b = sign_ring_new(&cfg);
	const struct sign_key *key;
	struct sign_wrap w;

	(void)state;
	sign_ring_tick(a, T0);
	assert_string_equal(a->wrap_text, ""); /* not in a pool: nothing wrapped */
	assert_int_equal(sign_ring_set_pool_key(a, pool), 0);
	assert_int_equal(strlen(a->wrap_text), SIGN_WRAP_TEXT_SIZE - 1);
	assert_int_equal(sign_wrap_parse(a->wrap_text, strlen(a->wrap_text), &w), 0);
	assert_int_equal(w.kid, sign_ring_current_id(a));
	assert_int_equal(w.created, T0);
	assert_int_equal(sign_wrap_key(b, &w, T0, &key), SIGN_UNKNOWN_KEY);
	assert_int_equal(sign_ring_set_pool_key(b, pool), 0);
	assert_int_equal(sign_wrap_key(b, &w, T0, &key), SIGN_OK);
	assert_memory_equal(key->sub, sign_ring_signing_key(a)->sub, sizeof(key->sub));
	assert_int_equal(key->expires, T0 + 600 + 3600);
	/* The creation time is bound: changed, the tag no longer matches. */
	w.raw[12] ^= 1;
	w.created ^= 1;
	assert_int_equal(sign_wrap_key(b, &w, T0, &key), SIGN_BAD_WRAP);
	sign_ring_free(a);
	sign_ring_free(b);
}

static void test_sign_tokens_parse_strictly(void **state)
{
	struct sign_sig sig = {.kid = 0x01020304, .n_macs = 1, .mac = {{0xff}}}, back;
	char text[SIGN_SIG_TEXT_SIZE];
	struct sign_wrap w;

	(void)state;
	assert_int_equal(sign_sig_encode(&sig, text, sizeof(text)), 0);
	assert_int_equal(strlen(text), 28);
	assert_int_equal(
		strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		28);
	assert_int_equal(sign_sig_parse(text, 28, &back), 0);
	assert_int_equal(back.kid, sig.kid);
	assert_memory_equal(back.mac[0], sig.mac[0], SIGN_MAC_LEN);
	assert_int_equal(sign_sig_parse(text, 27, &back), -EINVAL);
	text[0] = 'B'; /* version 5 */
	assert_int_equal(sign_sig_parse(text, 28, &back), -EINVAL);
	assert_int_equal(sign_sig_parse("AQAAAAAAAAAAAAAAAAAAAAAAAAAA", 28, &back),
			 -EINVAL); /* kid 0 */
	assert_int_equal(sign_sig_parse("AQIDBA+/AAAAAAAAAAAAAAAAAAAA", 28, &back), -EINVAL);
	sig.n_macs = 2;
	assert_int_equal(sign_sig_encode(&sig, text, sizeof(text)), 0);
	assert_int_equal(strlen(text), 50);
	assert_int_equal(sign_sig_parse(text, 50, &back), 0);
	assert_int_equal(back.n_macs, 2);
	text[49] = 'B'; /* unused trailing bits set */
	assert_int_equal(sign_sig_parse(text, 50, &back), -EINVAL);
	assert_int_equal(sign_wrap_parse(text, 50, &w), -EINVAL);
	assert_int_equal(sign_wrap_parse("", 0, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_ring_refuses_bad_config),
		cmocka_unit_test(test_sign_ring_rotates_and_purges),
		cmocka_unit_test(test_sign_ring_export_import_round_trip),
		cmocka_unit_test(test_sign_ring_import_refuses_bad_records),
		cmocka_unit_test(test_sign_subkeys_are_separate),
		cmocka_unit_test(test_sign_wrap_opens_only_with_pool_key),
		cmocka_unit_test(test_sign_tokens_parse_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
