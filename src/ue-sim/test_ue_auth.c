/*
 * test_ue_auth.c — the UE's AKA client against the HSS side of src/common (aka_vector_generate,
 * aka_auts_verify), TS 35.208 test set 1, and Digest responses checked with an MD5 computed
 * here with OpenSSL's EVP (independent of src/common/digest.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/codec.h"
#include "sip/sip_hdr.h"
#include "ue-sim/ue_auth.h"

#define URI "sip:ims.test"

/* TS 35.208 §4.3.1, test set 1 */
static const uint8_t ts1_k[16] = {0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f,
				  0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc};
static const uint8_t ts1_opc[16] = {0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e,
				    0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf};
static const uint8_t ts1_rand[16] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,
				     0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35};
/* AUTN = (SQN ff9bb4d0b607 xor AK aa689c648370) || AMF b9b9 || MAC-A 4a9ffac354dfafb3 */
static const uint8_t ts1_autn[16] = {0x55, 0xf3, 0x28, 0xb4, 0x35, 0x77, 0xb9, 0xb9,
				     0x4a, 0x9f, 0xfa, 0xc3, 0x54, 0xdf, 0xaf, 0xb3};
static const uint8_t ts1_res[8] = {0xa5, 0x42, 0x11, 0xd5, 0xe3, 0xba, 0x50, 0xbf};
static const uint8_t ts1_ck[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
				   0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t ts1_ik[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
				   0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};

static void md5_hex(const void *data, size_t len, char out[33])
{
	uint8_t md[16];
	unsigned int n = 0;

	assert_int_equal(EVP_Digest(data, len, md, &n, EVP_md5(), NULL), 1);
	assert_int_equal(codec_hex_encode(md, 16, out, 33), 0);
}

/* The RFC 2617 qop=auth response, computed here with EVP. */
static void expected_response(const char *user, const char *realm, const uint8_t *pw, size_t pw_len,
			      const char *nonce, const char *nc, const char *cnonce, char out[33])
{
	char buf[1024], ha1[33], ha2[33];
	int n = snprintf(buf, sizeof(buf), "%s:%s:", user, realm);

	if (pw_len)
		memcpy(buf + n, pw, pw_len);
	md5_hex(buf, (size_t)n + pw_len, ha1);
	n = snprintf(buf, sizeof(buf), "REGISTER:%s", URI);
	md5_hex(buf, (size_t)n, ha2);
	n = snprintf(buf, sizeof(buf), "%s:%s:%s:%s:auth:%s", ha1, nonce, nc, cnonce, ha2);
	md5_hex(buf, (size_t)n, out);
}

static void make_ident(struct ue_ident *id, const uint8_t *k, const uint8_t *opc, uint64_t sqn_ms)
{
	ue_ident_init(id);
	snprintf(id->impi, sizeof(id->impi), "user1_private@home1.net");
	memcpy(id->k, k, 16);
	memcpy(id->opc, opc, 16);
	id->has_k = id->has_opc = true;
	id->sqn.sqn_ms = sqn_ms;
	assert_int_equal(ue_ident_finish(id, NULL, 0), 0);
}

/* A WWW-Authenticate value as an S-CSCF writes it, nonce = base64(RAND || AUTN). */
static void make_challenge(const uint8_t *rand, const uint8_t *autn, const char *qop, char *out,
			   size_t size)
{
	uint8_t raw[32];
	char nonce[CODEC_BASE64_SIZE(32)];

	memcpy(raw, rand, 16);
	memcpy(raw + 16, autn, 16);
	assert_int_equal(codec_base64_encode(raw, 32, nonce, sizeof(nonce)), 0);
	snprintf(out, size,
		 "Digest realm=\"home1.net\", nonce=\"%s\", algorithm=AKAv1-MD5%s%s%s, "
		 "ck=\"00112233445566778899aabbccddeeff\", ik=\"00112233445566778899aabbccddeeff\"",
		 nonce, qop ? ", qop=\"" : "", qop ? qop : "", qop ? "\"" : "");
}

/* The value of one auth-param of a header value written by ue_auth_header(). */
static void param(const char *hdr, const char *name, char *out, size_t size)
{
	struct sip_auth_param p;

	assert_int_equal(sip_hdr_auth_find(hdr, strlen(hdr), name, &p), 1);
	assert_true(p.value.len < size);
	memcpy(out, p.value.s, p.value.len);
	out[p.value.len] = '\0';
}

static void test_ue_auth_test_set_1_res_ck_ik(void **state)
{
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;
	char www[512], why[128];

	(void)state;
	make_ident(&id, ts1_k, ts1_opc, 0xff9bb4d0b606ULL);
	make_challenge(ts1_rand, ts1_autn, "auth", www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, why, sizeof(why)), 0);
	assert_memory_equal(ch.rand, ts1_rand, 16);
	assert_true(ch.qop_auth);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_OK);
	assert_memory_equal(auth.resp.res, ts1_res, 8);
	assert_memory_equal(auth.resp.ck, ts1_ck, 16);
	assert_memory_equal(auth.resp.ik, ts1_ik, 16);
	assert_int_equal(id.sqn.sqn_ms, 0xff9bb4d0b607ULL);
	ue_auth_wipe(&auth);
}

static void test_ue_auth_round_trip_with_hss_vector(void **state)
{
	static const uint8_t amf[2] = {0x80, 0x00};
	char www[512], hdr[1024], nc[16], cnonce[64], resp[64], want[33];
	struct aka_vector av;
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;

	(void)state;
	make_ident(&id, ts1_k, ts1_opc, 0x20);
	assert_int_equal(aka_vector_generate(ts1_k, ts1_opc, amf, 0x21, NULL, &av), 0);
	make_challenge(av.rand, av.autn, "auth,auth-int", www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, NULL, 0), 0);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_OK);
	assert_memory_equal(auth.resp.res, av.xres, 8);
	assert_memory_equal(auth.resp.ck, av.ck, 16);
	assert_int_equal(id.sqn.sqn_ms, 0x21);
	assert_true(ue_auth_header(&id, &auth, URI, hdr, sizeof(hdr)) > 0);
	param(hdr, "username", resp, sizeof(resp));
	assert_string_equal(resp, "user1_private@home1.net");
	param(hdr, "uri", resp, sizeof(resp));
	assert_string_equal(resp, URI);
	param(hdr, "nc", nc, sizeof(nc));
	assert_string_equal(nc, "00000001");
	param(hdr, "cnonce", cnonce, sizeof(cnonce));
	param(hdr, "response", resp, sizeof(resp));
	expected_response(id.impi, "home1.net", av.xres, 8, ch.nonce, nc, cnonce, want);
	assert_string_equal(resp, want);
	assert_null(strstr(hdr, "auts"));

	/* The same nonce again: nc 2, a new cnonce, still RES as the password. */
	assert_int_equal(ue_auth_next(&id, URI, "REGISTER", &auth), 0);
	assert_true(ue_auth_header(&id, &auth, URI, hdr, sizeof(hdr)) > 0);
	param(hdr, "nc", nc, sizeof(nc));
	assert_string_equal(nc, "00000002");
	param(hdr, "cnonce", cnonce, sizeof(cnonce));
	param(hdr, "response", resp, sizeof(resp));
	expected_response(id.impi, "home1.net", av.xres, 8, ch.nonce, nc, cnonce, want);
	assert_string_equal(resp, want);
	ue_auth_wipe(&auth);
	aka_vector_wipe(&av);
}

static void test_ue_auth_stale_sqn_answers_auts_the_hss_accepts(void **state)
{
	static const uint8_t amf[2] = {0x80, 0x00};
	char www[512], hdr[1024], auts_b64[64], nc[16], cnonce[64], resp[64], want[33];
	uint8_t auts[32];
	uint64_t sqn_ms = 0;
	struct aka_vector av;
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;

	(void)state;
	make_ident(&id, ts1_k, ts1_opc, 0x1000); /* the USIM is ahead of the HSS */
	assert_int_equal(aka_vector_generate(ts1_k, ts1_opc, amf, 0x21, NULL, &av), 0);
	make_challenge(av.rand, av.autn, "auth", www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, NULL, 0), 0);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_SYNC_FAILURE);
	assert_int_equal(id.sqn.sqn_ms, 0x1000);
	assert_true(ue_auth_header(&id, &auth, URI, hdr, sizeof(hdr)) > 0);
	param(hdr, "auts", auts_b64, sizeof(auts_b64));
	assert_int_equal(codec_base64_decode(auts_b64, strlen(auts_b64), auts, sizeof(auts)),
			 AKA_AUTS_LEN);
	assert_int_equal(aka_auts_verify(ts1_k, ts1_opc, av.rand, auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 0x1000);
	/* RFC 3310 §3.2: the response of a resynchronisation uses an empty password */
	param(hdr, "nc", nc, sizeof(nc));
	param(hdr, "cnonce", cnonce, sizeof(cnonce));
	param(hdr, "response", resp, sizeof(resp));
	expected_response(id.impi, "home1.net", NULL, 0, ch.nonce, nc, cnonce, want);
	assert_string_equal(resp, want);

	/* The HSS continues after SQN_MS: the next vector is accepted. */
	assert_int_equal(aka_vector_generate(ts1_k, ts1_opc, amf, aka_sqn_next(sqn_ms), NULL, &av),
			 0);
	make_challenge(av.rand, av.autn, "auth", www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, NULL, 0), 0);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_OK);
	assert_int_equal(id.sqn.sqn_ms, 0x1001);
	ue_auth_wipe(&auth);
	aka_vector_wipe(&av);
}

static void test_ue_auth_bad_mac_gives_up(void **state)
{
	uint8_t autn[16];
	char www[512], hdr[1024];
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;

	(void)state;
	memcpy(autn, ts1_autn, 16);
	autn[15] ^= 1;
	make_ident(&id, ts1_k, ts1_opc, 0);
	make_challenge(ts1_rand, autn, "auth", www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, NULL, 0), 0);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_MAC_FAILURE);
	assert_int_equal(ue_auth_header(&id, &auth, URI, hdr, sizeof(hdr)), -EINVAL);
	assert_int_equal(id.sqn.sqn_ms, 0);
}

static void test_ue_auth_without_qop_uses_rfc2069_form(void **state)
{
	char www[512], hdr[1024];
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;

	(void)state;
	make_ident(&id, ts1_k, ts1_opc, 0xff9bb4d0b606ULL);
	make_challenge(ts1_rand, ts1_autn, NULL, www, sizeof(www));
	assert_int_equal(ue_auth_parse_challenge(www, strlen(www), &ch, NULL, 0), 0);
	assert_false(ch.qop_auth);
	assert_int_equal(ue_auth_run(&id, &ch, URI, "REGISTER", &auth), AKA_OK);
	assert_true(ue_auth_header(&id, &auth, URI, hdr, sizeof(hdr)) > 0);
	assert_null(strstr(hdr, "qop"));
	assert_null(strstr(hdr, "cnonce"));
}

static void test_ue_auth_refuses_bad_challenges(void **state)
{
	static const char *const bad[] = {
		"Basic realm=\"x\"",
		"Digest realm=\"home1.net\", "
		"nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
		"algorithm=MD5",
		"Digest realm=\"home1.net\", nonce=\"AAAA\", algorithm=AKAv1-MD5",
		"Digest nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
		"algorithm=AKAv1-MD5",
		"Digest realm=\"home1.net\", nonce=\"not base64!\", algorithm=AKAv1-MD5",
		"Digest realm=\"home1.net\" nonce",
	};
	const char *int_only = "Digest realm=\"home1.net\", "
			       "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
			       "algorithm=AKAv1-MD5, qop=\"auth-int\"";
	struct ue_challenge ch;
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			ue_auth_parse_challenge(bad[i], strlen(bad[i]), &ch, why, sizeof(why)),
			-EINVAL);
	assert_int_equal(ue_auth_parse_challenge(int_only, strlen(int_only), &ch, why, sizeof(why)),
			 -EOPNOTSUPP);
}

static void test_ue_auth_initial_header_is_empty_credentials(void **state)
{
	struct ue_ident id;
	char hdr[512], v[64];

	(void)state;
	make_ident(&id, ts1_k, ts1_opc, 0);
	assert_true(ue_auth_initial_header(&id, "sip:home1.net", hdr, sizeof(hdr)) > 0);
	assert_string_equal(hdr,
			    "Digest username=\"user1_private@home1.net\", realm=\"home1.net\", "
			    "uri=\"sip:home1.net\", nonce=\"\", response=\"\"");
	param(hdr, "realm", v, sizeof(v));
	assert_string_equal(v, "home1.net");
	assert_int_equal(ue_auth_initial_header(&id, "sip:home1.net", hdr, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_auth_test_set_1_res_ck_ik),
		cmocka_unit_test(test_ue_auth_round_trip_with_hss_vector),
		cmocka_unit_test(test_ue_auth_stale_sqn_answers_auts_the_hss_accepts),
		cmocka_unit_test(test_ue_auth_bad_mac_gives_up),
		cmocka_unit_test(test_ue_auth_without_qop_uses_rfc2069_form),
		cmocka_unit_test(test_ue_auth_refuses_bad_challenges),
		cmocka_unit_test(test_ue_auth_initial_header_is_empty_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
