/* test_ue_secagree.c — Security-Client offers, choosing the server entry, tampering, SA params. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ue-sim/ue_secagree.h"

static const uint8_t ck[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
			       0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t ik[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
			       0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};

static struct ue_offer offer(enum secagree_mech_type mech, unsigned prefix)
{
	struct ue_offer o = {
		.mech = mech,
		.algs = {IPSEC_INTEG_HMAC_SHA1_96},
		.n_algs = 1,
		.ealgs = {IPSEC_ENCR_NULL},
		.n_ealgs = 1,
		.spi_c = 12345678,
		.spi_s = 23456789,
		.port_c = 1357,
		.port_s = 1358,
		.prefix_len = prefix,
	};
	return o;
}

static void parse(const char *text, struct secagree_list *l)
{
	struct secagree_error err;

	assert_int_equal(secagree_parse(text, strlen(text), l, &err), 0);
}

/* The Security-Client of the addr-pref-length REGISTER example, byte for byte. */
static void test_ue_secagree_ipsec_man_test_vector_form(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_MAN, 64);
	char buf[512];

	(void)state;
	assert_true(ue_secagree_offer(&o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
			    "ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=12345678; SPI_U_TCP=23456789; "
			    "Port_U_UDP=1357; Port_U_TCP=1358; addr-pref-length=64");
}

static void test_ue_secagree_ipsec_man_own_values_parse_back(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_MAN, 0);
	struct secagree_list l;
	char buf[512];

	(void)state;
	o.spi_c = 4096, o.spi_s = 4097, o.port_c = 6100, o.port_s = 6101;
	o.algs[0] = IPSEC_INTEG_HMAC_MD5_96;
	o.ealgs[0] = IPSEC_ENCR_AES_CBC;
	assert_true(ue_secagree_offer(&o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "ipsec-man; alg=HMAC-MD5; ealg=aes-cbc; SPI_U_UDP=4096; "
				 "SPI_U_TCP=4097; Port_U_UDP=6100; Port_U_TCP=6101");
	parse(buf, &l);
	assert_int_equal(l.n_mechs, 1);
	assert_int_equal(l.mechs[0].type, SECAGREE_MECH_IPSEC_MAN);
	assert_int_equal(l.mechs[0].spi_u_udp, 4096);
	assert_int_equal(l.mechs[0].port_u_tcp, 6101);
	assert_false(l.mechs[0].present & SECAGREE_HAS(SECAGREE_F_ADDR_PREF_LEN));
}

static void test_ue_secagree_ipsec_3gpp_entry(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 64);
	struct secagree_list l;
	char buf[512];

	(void)state;
	o.ealgs[0] = IPSEC_ENCR_AES_CBC;
	assert_true(ue_secagree_offer(&o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=12345678; "
				 "spi-s=23456789; port-c=1357; port-s=1358; prot=esp; mod=trans; "
				 "addr-pref-length=64");
	parse(buf, &l);
	assert_int_equal(l.mechs[0].type, SECAGREE_MECH_IPSEC_3GPP);
	assert_int_equal(l.mechs[0].spi_s, 23456789);
	assert_int_equal(l.mechs[0].addr_pref_len, 64);
	assert_int_equal(secagree_mech_mode(&l.mechs[0]), SECAGREE_MODE_TRANS);
}

static void test_ue_secagree_one_entry_per_allowed_pair(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	struct secagree_list l;
	char buf[2048];

	(void)state;
	o.algs[0] = IPSEC_INTEG_HMAC_SHA1_96;
	o.algs[1] = IPSEC_INTEG_HMAC_MD5_96;
	o.algs[2] = IPSEC_INTEG_NULL;
	o.n_algs = 3;
	o.ealgs[0] = IPSEC_ENCR_AES_CBC;
	o.ealgs[1] = IPSEC_ENCR_AES_GCM;
	o.n_ealgs = 2;
	/* sha1/aes-cbc, md5/aes-cbc, null/aes-gcm; the HMACs never go with aes-gcm */
	assert_true(ue_secagree_offer(&o, buf, sizeof(buf)) > 0);
	parse(buf, &l);
	assert_int_equal(l.n_mechs, 3);
	assert_string_equal(l.mechs[0].alg, "hmac-sha-1-96");
	assert_string_equal(l.mechs[1].alg, "hmac-md5-96");
	assert_string_equal(l.mechs[2].alg, "null");
	assert_string_equal(l.mechs[2].ealg, "aes-gcm");
}

static void test_ue_secagree_offer_refusals(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	char buf[512];

	(void)state;
	o.ealgs[0] = IPSEC_ENCR_AES_GCM; /* no allowed pair */
	assert_int_equal(ue_secagree_offer(&o, buf, sizeof(buf)), -EINVAL);
	o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	o.spi_c = 255;
	assert_int_equal(ue_secagree_offer(&o, buf, sizeof(buf)), -EINVAL);
	o = offer(SECAGREE_MECH_IPSEC_MAN, 0);
	o.algs[0] = IPSEC_INTEG_AES_GMAC; /* ipsec-man has no name for it */
	assert_int_equal(ue_secagree_offer(&o, buf, sizeof(buf)), -EINVAL);
	o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	assert_int_equal(ue_secagree_offer(&o, buf, 40), -ENOSPC);
	assert_string_equal(buf, "");
}

static void test_ue_secagree_pick_highest_q_of_offered(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	struct secagree_list server;
	struct ue_choice c;

	(void)state;
	o.algs[1] = IPSEC_INTEG_HMAC_MD5_96;
	o.n_algs = 2;
	o.ealgs[1] = IPSEC_ENCR_AES_CBC;
	o.n_ealgs = 2;
	parse("ipsec-3gpp;alg=hmac-sha-1-96;ealg=des-ede3-cbc;spi-c=1;spi-s=2;port-c=3;port-s=4;q="
	      "0.9, "
	      "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=1111;spi-s=2222;port-c=5064;"
	      "port-s=5066;q=0.1, "
	      "ipsec-3gpp;alg=hmac-md5-96;ealg=null;spi-c=3333;spi-s=4444;port-c=5068;port-s=5070;"
	      "q=0.5, "
	      "tls;q=1",
	      &server);
	assert_int_equal(ue_secagree_pick(&o, &server, &c, NULL, 0), 0);
	assert_int_equal(c.index, 2);
	assert_int_equal(c.alg, IPSEC_INTEG_HMAC_MD5_96);
	assert_int_equal(c.ealg, IPSEC_ENCR_NULL);
	assert_int_equal(c.spi_c, 3333);
	assert_int_equal(c.spi_s, 4444);
	assert_int_equal(c.port_c, 5068);
	assert_int_equal(c.port_s, 5070);
}

static void test_ue_secagree_pick_ipsec_man_server_side(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_MAN, 64);
	struct secagree_list server;
	struct ue_choice c;
	char why[128];

	(void)state;
	parse("ipsec-man; alg=HMAC-SHA1; SPI_P_UDP=5001; SPI_P_TCP=5002; Port_P_UDP=6200; "
	      "Port_P_TCP=6201",
	      &server);
	assert_int_equal(ue_secagree_pick(&o, &server, &c, why, sizeof(why)), 0);
	assert_int_equal(c.spi_c, 5001);
	assert_int_equal(c.spi_s, 5002);
	assert_int_equal(c.port_c, 6200);
	assert_int_equal(c.port_s, 6201);
	/* an ipsec-3gpp answer to an ipsec-man offer is not usable */
	parse("ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3;port-s=4", &server);
	assert_int_equal(ue_secagree_pick(&o, &server, &c, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "ipsec-man"));
}

static void test_ue_secagree_pick_skips_incomplete_or_foreign(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	struct secagree_list server;
	struct ue_choice c;

	(void)state;
	parse("ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3, "	       /* no port-s */
	      "ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4, " /* not offered */
	      "ipsec-3gpp;alg=hmac-sha-1-96;mod=UDP-enc-tun;spi-c=1;spi-s=2;port-c=3;port-s=4",
	      &server);
	assert_int_equal(ue_secagree_pick(&o, &server, &c, NULL, 0), -ENOENT);
}

static void test_ue_secagree_tamper_breaks_verify(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 0);
	struct secagree_list server, verify;
	struct ue_choice c;
	char buf[1024];

	(void)state;
	parse("ipsec-3gpp; alg=hmac-sha-1-96; ealg=null; spi-c=1111; spi-s=2222; port-c=5064; "
	      "port-s=5066; q=0.5",
	      &server);
	assert_int_equal(ue_secagree_pick(&o, &server, &c, NULL, 0), 0);
	assert_true(secagree_format_list(&server, buf, sizeof(buf)) > 0);
	parse(buf, &verify);
	assert_true(secagree_verify_matches(&verify, &server));
	assert_true(ue_secagree_tamper(&server, &c, buf, sizeof(buf)) > 0);
	parse(buf, &verify);
	assert_false(secagree_verify_matches(&verify, &server));
	assert_string_equal(verify.mechs[0].alg, "hmac-md5-96");
	assert_int_equal(verify.mechs[0].spi_c, 1111);
}

static void test_ue_secagree_set_params_ue_role_on_prefix(void **state)
{
	struct ue_offer o = offer(SECAGREE_MECH_IPSEC_3GPP, 64);
	struct ue_choice c = {.alg = IPSEC_INTEG_HMAC_SHA1_96,
			      .ealg = IPSEC_ENCR_AES_CBC,
			      .spi_c = 5001,
			      .spi_s = 5002,
			      .port_c = 6200,
			      .port_s = 6201};
	struct xfrm_addr ue, pcscf, v4;
	struct xfrm_set_params p;

	(void)state;
	assert_int_equal(xfrm_addr_parse("2001:db8:1:1::1", &ue), 0);
	assert_int_equal(xfrm_addr_parse("2001:db8:a::1", &pcscf), 0);
	assert_int_equal(ue_secagree_set_params(&o, &c, &ue, &pcscf, ck, ik, &p), 0);
	assert_int_equal(p.role, XFRM_ROLE_UE);
	assert_int_equal(p.ue_prefix_len, 64);
	assert_int_equal(p.ue.spi_c, 12345678);
	assert_int_equal(p.ue.port_s, 1358);
	assert_int_equal(p.pcscf.spi_s, 5002);
	assert_int_equal(p.pcscf.port_c, 6200);
	assert_string_equal(p.keys.auth_name, "hmac(sha1)");
	assert_int_equal(p.keys.auth_key_len, 20);
	assert_memory_equal(p.keys.auth_key, ik, 16);
	assert_memory_equal(p.keys.enc_key, ck, 16);
	ipsec_keys_wipe(&p.keys);

	o.prefix_len = 0; /* not offered: the UE's one address */
	assert_int_equal(ue_secagree_set_params(&o, &c, &ue, &pcscf, ck, ik, &p), 0);
	assert_int_equal(p.ue_prefix_len, 128);
	ipsec_keys_wipe(&p.keys);
	assert_int_equal(xfrm_addr_parse("10.1.0.10", &v4), 0);
	assert_int_equal(ue_secagree_set_params(&o, &c, &v4, &pcscf, ck, ik, &p), -EINVAL);
}

static void test_ue_secagree_alg_lists(void **state)
{
	enum ipsec_integ algs[UE_SECAGREE_MAX_ALGS];
	enum ipsec_encr ealgs[UE_SECAGREE_MAX_ALGS];
	size_t n;

	(void)state;
	assert_int_equal(ue_secagree_parse_algs("hmac-sha-1-96,hmac-md5-96", algs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(algs[1], IPSEC_INTEG_HMAC_MD5_96);
	assert_int_equal(ue_secagree_parse_ealgs("null,aes-cbc,des-ede3-cbc,aes-gcm", ealgs, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(ealgs[3], IPSEC_ENCR_AES_GCM);
	assert_int_equal(ue_secagree_parse_algs("hmac-sha-256", algs, &n), -EINVAL);
	assert_int_equal(ue_secagree_parse_ealgs("", ealgs, &n), -EINVAL);
	assert_int_equal(ue_secagree_parse_ealgs("null,null,null,null,null", ealgs, &n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_secagree_ipsec_man_test_vector_form),
		cmocka_unit_test(test_ue_secagree_ipsec_man_own_values_parse_back),
		cmocka_unit_test(test_ue_secagree_ipsec_3gpp_entry),
		cmocka_unit_test(test_ue_secagree_one_entry_per_allowed_pair),
		cmocka_unit_test(test_ue_secagree_offer_refusals),
		cmocka_unit_test(test_ue_secagree_pick_highest_q_of_offered),
		cmocka_unit_test(test_ue_secagree_pick_ipsec_man_server_side),
		cmocka_unit_test(test_ue_secagree_pick_skips_incomplete_or_foreign),
		cmocka_unit_test(test_ue_secagree_tamper_breaks_verify),
		cmocka_unit_test(test_ue_secagree_set_params_ue_role_on_prefix),
		cmocka_unit_test(test_ue_secagree_alg_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
