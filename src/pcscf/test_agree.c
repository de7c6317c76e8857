/*
 * test_agree — pcscfd's sec-agree choices: which offer entry is answered (q, then our
 * preference, TS 33.203 pairs), why an offer is refused, Security-Server in both syntaxes,
 * Security-Verify against what was sent, CK/IK from a 401. Expected strings are written
 * out from RFC 3329 §2.2 and TS 33.203 Annex H by hand; CK/IK are TS 35.208 test set 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcscf/agree.h"

#define CRLF "\r\n"

static const char *const base_config[] = {
	"access 2001:db8:a::1 10.1.0.1",
	"core 2001:db8:c::1",
	"scscf sip:[2001:db8:c::2]:5060",
	"ue-prefix 2001:db8:1::/48 5555::/16 10.1.0.0/16",
	NULL,
};

static void test_lines(struct config *c, const char *const *lines)
{
	char line[256], why[256];

	for (; lines && *lines; lines++) {
		snprintf(line, sizeof(line), "%s", *lines);
		if (config_parse_line(c, line, why, sizeof(why)) < 0)
			fail_msg("%s: %s", *lines, why);
	}
}

/* The defaults, our addresses, then @extra (may be NULL). */
static void test_config(struct config *c, const char *const *extra)
{
	config_default(c);
	test_lines(c, base_config);
	test_lines(c, extra);
}

static struct secagree_list *parse(const char *value)
{
	static struct secagree_list list;
	struct secagree_error err;

	if (secagree_parse(value, strlen(value), &list, &err) < 0)
		fail_msg("%s: %s", value, err.reason);
	return &list;
}

static int choose(const struct config *c, const char *offer, const char *ue, struct reg_sa *sa,
		  char *why)
{
	struct xfrm_addr addr;

	assert_int_equal(xfrm_addr_parse(ue, &addr), 0);
	return agree_choose(c, parse(offer), &addr, sa, why, 128);
}

static void test_agree_issue4_offer_is_chosen(void **state)
{
	struct config c;
	struct reg_sa sa;
	char why[128] = "";

	(void)state;
	test_config(&c, NULL);
	assert_int_equal(choose(&c,
				"ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=12345678; SPI_U_TCP=23456789; "
				"Port_U_UDP=1357; Port_U_TCP=1358; addr-pref-length=64",
				"5555::aaa:bbb:ccc:ddd", &sa, why),
			 0);
	assert_int_equal(sa.mech, SECAGREE_MECH_IPSEC_MAN);
	assert_int_equal(sa.integ, IPSEC_INTEG_HMAC_SHA1_96);
	assert_int_equal(sa.encr, IPSEC_ENCR_NULL);
	assert_int_equal(sa.ue.spi_c, 12345678);
	assert_int_equal(sa.ue.spi_s, 23456789);
	assert_int_equal(sa.ue.port_c, 1357);
	assert_int_equal(sa.ue.port_s, 1358);
	assert_int_equal(sa.prefix_len, 64);
	assert_true(sa.has_prefix_len);
}

static void test_agree_prefix_defaults_to_the_address(void **state)
{
	struct config c;
	struct reg_sa sa;
	char why[128];
	const char *offer = "ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3;port-s=4";

	(void)state;
	test_config(&c, NULL);
	assert_int_equal(choose(&c, offer, "2001:db8:1:1::1", &sa, why), 0);
	assert_int_equal(sa.prefix_len, 128);
	assert_false(sa.has_prefix_len);
	assert_int_equal(choose(&c, offer, "10.1.0.7", &sa, why), 0);
	assert_int_equal(sa.prefix_len, 32);
}

static void test_agree_highest_q_then_our_preference(void **state)
{
	static const char *const prefs[] = {"integrity hmac-md5-96 hmac-sha-1-96",
					    "encryption aes-cbc null", NULL};
	const char *ids = ";spi-c=1;spi-s=2;port-c=3;port-s=4";
	char offer[512], why[128];
	struct config c;
	struct reg_sa sa;

	(void)state;
	test_config(&c, prefs);
	/* equal q: ours decides (aes-cbc before null, md5 before sha1 within it) */
	snprintf(offer, sizeof(offer),
		 "ipsec-3gpp;alg=hmac-sha-1-96;ealg=null%s, "
		 "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc%s, "
		 "ipsec-3gpp;alg=hmac-md5-96;ealg=aes-cbc%s",
		 ids, ids, ids);
	assert_int_equal(choose(&c, offer, "2001:db8:1:1::1", &sa, why), 0);
	assert_int_equal(sa.integ, IPSEC_INTEG_HMAC_MD5_96);
	assert_int_equal(sa.encr, IPSEC_ENCR_AES_CBC);
	/* a higher q wins over our preference */
	snprintf(offer, sizeof(offer),
		 "ipsec-3gpp;q=0.5;alg=hmac-md5-96;ealg=aes-cbc%s, "
		 "ipsec-3gpp;q=0.9;alg=hmac-sha-1-96;ealg=null%s",
		 ids, ids);
	assert_int_equal(choose(&c, offer, "2001:db8:1:1::1", &sa, why), 0);
	assert_int_equal(sa.integ, IPSEC_INTEG_HMAC_SHA1_96);
	assert_int_equal(sa.encr, IPSEC_ENCR_NULL);
}

static void test_agree_aes_gcm_with_alg_null(void **state)
{
	struct config c;
	struct reg_sa sa;
	char why[128];

	(void)state;
	test_config(&c, NULL); /* defaults: aes-gcm first, integrity without null */
	assert_int_equal(
		choose(&c,
		       "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=1;spi-s=2;port-c=3;port-s="
		       "4, "
		       "ipsec-3gpp;alg=null;ealg=aes-gcm;spi-c=1;spi-s=2;port-c=3;port-s=4",
		       "2001:db8:1:1::1", &sa, why),
		0);
	assert_int_equal(sa.integ, IPSEC_INTEG_NULL);
	assert_int_equal(sa.encr, IPSEC_ENCR_AES_GCM);
}

static void expect_refused(const struct config *c, const char *offer, const char *ue, int status,
			   const char *reason)
{
	struct reg_sa sa;
	char why[128] = "";

	assert_int_equal(choose(c, offer, ue, &sa, why), status);
	if (!strstr(why, reason))
		fail_msg("reason '%s' does not say '%s'", why, reason);
}

static void test_agree_refusals_say_why(void **state)
{
	const char *ids = "spi-c=1;spi-s=2;port-c=3;port-s=4";
	char offer[256];
	struct config c;

	(void)state;
	test_config(&c, (const char *const[]){"integrity hmac-sha-1-96", "encryption null aes-cbc",
					      NULL});
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-md5-96;%s", ids);
	expect_refused(&c, offer, "2001:db8:1:1::1", 494, "alg hmac-md5-96 is not accepted");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-sha-1-96;ealg=des-ede3-cbc;%s", ids);
	expect_refused(&c, offer, "2001:db8:1:1::1", 494, "ealg des-ede3-cbc is not accepted");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=aes-gmac;ealg=aes-cbc;%s", ids);
	expect_refused(&c, offer, "2001:db8:1:1::1", 494, "not allowed by TS 33.203");
	expect_refused(&c, "ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;port-c=3", "2001:db8:1:1::1", 494,
		       "without its SPIs and ports");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-sha-1-96;mod=UDP-enc-tun;%s", ids);
	expect_refused(&c, offer, "2001:db8:1:1::1", 494, "mod=trans");
	expect_refused(&c, "digest;d-alg=md5", "2001:db8:1:1::1", 494, "neither ipsec-3gpp");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-sha-1-96;%s;addr-pref-length=48", ids);
	expect_refused(&c, offer, "2001:db8:1:1::1", 494, "shorter than the 64 allowed");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-sha-1-96;%s;addr-pref-length=64", ids);
	expect_refused(&c, offer, "10.1.0.7", 494, "too long for an IPv4 address");
	snprintf(offer, sizeof(offer), "ipsec-3gpp;alg=hmac-sha-1-96;%s", ids);
	expect_refused(&c, offer, "2001:db8:2::1", 403, "outside the UE prefixes");
}

static void test_agree_server_ipsec_3gpp(void **state)
{
	struct reg_sa sa;
	char buf[REG_SERVER_MAX];

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.mech = SECAGREE_MECH_IPSEC_3GPP;
	sa.integ = IPSEC_INTEG_HMAC_SHA1_96;
	sa.encr = IPSEC_ENCR_AES_CBC;
	sa.pcscf.spi_c = 8765, sa.pcscf.spi_s = 8766, sa.pcscf.port_c = 5066,
	sa.pcscf.port_s = 5064;
	assert_true(agree_server(&sa, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;"
				 "spi-c=8765;spi-s=8766;port-c=5066;port-s=5064");
	sa.has_prefix_len = true, sa.prefix_len = 64;
	assert_true(agree_server(&sa, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
			    "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;"
			    "spi-c=8765;spi-s=8766;port-c=5066;port-s=5064;addr-pref-length=64");
}

static void test_agree_server_ipsec_man(void **state)
{
	struct reg_sa sa;
	char buf[REG_SERVER_MAX];

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.mech = SECAGREE_MECH_IPSEC_MAN;
	sa.integ = IPSEC_INTEG_HMAC_SHA1_96;
	sa.encr = IPSEC_ENCR_NULL;
	sa.pcscf.spi_c = 8765, sa.pcscf.spi_s = 8766, sa.pcscf.port_c = 5066,
	sa.pcscf.port_s = 5064;
	sa.has_prefix_len = true, sa.prefix_len = 64;
	assert_true(agree_server(&sa, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "ipsec-man;alg=HMAC-SHA1;SPI_P_UDP=8765;SPI_P_TCP=8766;"
				 "Port_P_UDP=5066;Port_P_TCP=5064;addr-pref-length=64");
}

static void test_agree_caps_list_accepted_pairs(void **state)
{
	struct config c;
	char buf[1024];

	(void)state;
	test_config(&c, (const char *const[]){"integrity hmac-sha-1-96 aes-gmac",
					      "encryption aes-gcm null", NULL});
	assert_true(agree_caps(&c, buf, sizeof(buf)) > 0);
	assert_string_equal(
		buf,
		"ipsec-3gpp;alg=null;ealg=aes-gcm;prot=esp;mod=trans;port-c=5066;port-s=5064, "
		"ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;prot=esp;mod=trans;port-c=5066;port-s=5064,"
		" "
		"ipsec-3gpp;alg=aes-gmac;ealg=null;prot=esp;mod=trans;port-c=5066;port-s=5064");
}

static struct sip_msg *parse_msg(const char *text)
{
	static struct sip_msg msg;
	struct sip_msg_error err;

	if (sip_msg_parse(&msg, text, strlen(text), 0, &err) < 0)
		fail_msg("test message: %s", err.reason);
	return &msg;
}

#define REQ_HEAD                                                                                   \
	"MESSAGE sip:b@ims.test SIP/2.0" CRLF                                                      \
	"Via: SIP/2.0/UDP [2001:db8:1:1::1]:5100;branch=z9hG4bK1" CRLF "Max-Forwards: 70" CRLF     \
	"From: <sip:a@ims.test>;tag=1" CRLF "To: <sip:b@ims.test>" CRLF "Call-ID: c1" CRLF         \
	"CSeq: 1 MESSAGE" CRLF

static void test_agree_verify(void **state)
{
	static struct secagree_list lists[2];
	struct reg_sa sa;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	snprintf(sa.server, sizeof(sa.server),
		 "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=8765;spi-s="
		 "8766;"
		 "port-c=5066;port-s=5064");
	assert_int_equal(
		agree_verify(parse_msg(REQ_HEAD "Security-Verify: ipsec-3gpp; alg=hmac-sha-1-96; "
						"ealg=aes-cbc; prot=esp; mod=trans; spi-c=8765; "
						"spi-s=8766; port-c=5066; port-s=5064" CRLF
						"Content-Length: 0" CRLF CRLF),
			     &sa, lists),
		1);
	assert_int_equal(
		agree_verify(parse_msg(REQ_HEAD "Security-Verify: ipsec-3gpp; alg=hmac-md5-96; "
						"ealg=aes-cbc; prot=esp; mod=trans; spi-c=8765; "
						"spi-s=8766; port-c=5066; port-s=5064" CRLF
						"Content-Length: 0" CRLF CRLF),
			     &sa, lists),
		0);
	assert_int_equal(agree_verify(parse_msg(REQ_HEAD "Security-Verify: ipsec-3gpp;;" CRLF
							 "Content-Length: 0" CRLF CRLF),
				      &sa, lists),
			 0);
	assert_int_equal(
		agree_verify(parse_msg(REQ_HEAD "Content-Length: 0" CRLF CRLF), &sa, lists),
		-ENOENT);
}

#define RSP_HEAD                                                                                   \
	"SIP/2.0 401 Unauthorized" CRLF "Via: SIP/2.0/UDP [2001:db8:1:1::1];branch=z9hG4bK1" CRLF  \
	"From: <sip:a@ims.test>;tag=1" CRLF "To: <sip:a@ims.test>;tag=2" CRLF "Call-ID: c1" CRLF   \
	"CSeq: 1 REGISTER" CRLF

static void test_agree_keys_from_401(void **state)
{
	static const uint8_t want_ck[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
					    0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
	static const uint8_t want_ik[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
					    0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};
	uint8_t ck[16], ik[16];
	int www = -1;

	(void)state;
	assert_int_equal(
		agree_keys(parse_msg(RSP_HEAD "WWW-Authenticate: Digest realm=\"ims.test\", "
					      "nonce=\"abc\", algorithm=AKAv1-MD5, "
					      "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", "
					      "ik=\"f769bcd751044604127672711c6d3441\"" CRLF
					      "Content-Length: 0" CRLF CRLF),
			   ck, ik, &www),
		0);
	assert_int_equal(www, 5);
	assert_memory_equal(ck, want_ck, 16);
	assert_memory_equal(ik, want_ik, 16);
	assert_int_equal(
		agree_keys(parse_msg(RSP_HEAD "WWW-Authenticate: Digest realm=\"r\", "
					      "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8c\", "
					      "ik=\"f769bcd751044604127672711c6d3441\"" CRLF
					      "Content-Length: 0" CRLF CRLF),
			   ck, ik, &www),
		-EINVAL);
	assert_int_equal(agree_keys(parse_msg(RSP_HEAD "WWW-Authenticate: Digest realm=\"r\"" CRLF
						       "Content-Length: 0" CRLF CRLF),
				    ck, ik, &www),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree_issue4_offer_is_chosen),
		cmocka_unit_test(test_agree_prefix_defaults_to_the_address),
		cmocka_unit_test(test_agree_highest_q_then_our_preference),
		cmocka_unit_test(test_agree_aes_gcm_with_alg_null),
		cmocka_unit_test(test_agree_refusals_say_why),
		cmocka_unit_test(test_agree_server_ipsec_3gpp),
		cmocka_unit_test(test_agree_server_ipsec_man),
		cmocka_unit_test(test_agree_caps_list_accepted_pairs),
		cmocka_unit_test(test_agree_verify),
		cmocka_unit_test(test_agree_keys_from_401),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
