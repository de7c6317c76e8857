/*
 * test_privsep — the parent's checks of what the unprivileged child asks: each limit
 * refuses what it should, with the reason. The split itself runs in the lab
 * (tests/lab/t-pcscf-privsep.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "pcscf/privsep.h"

static struct privsep_limits test_limits(void)
{
	struct privsep_limits l;

	memset(&l, 0, sizeof(l));
	xfrm_addr_parse("2001:db8:a::1", &l.pcscf_addrs[0]);
	xfrm_addr_parse("10.1.0.1", &l.pcscf_addrs[1]);
	l.npcscf_addrs = 2;
	l.ports[0] = 5064, l.ports[1] = 5066;
	l.nports = 2;
	xfrm_addr_parse("2001:db8:1::", &l.ue_prefixes[0].addr);
	l.ue_prefixes[0].len = 48;
	xfrm_addr_parse("10.1.0.0", &l.ue_prefixes[1].addr);
	l.ue_prefixes[1].len = 16;
	l.nue_prefixes = 2;
	l.min_prefix_len6 = 56;
	l.min_prefix_len4 = 24;
	l.max_lifetime_s = 7200;
	return l;
}

static struct privsep_set_req test_req(void)
{
	struct privsep_set_req r;

	memset(&r, 0, sizeof(r));
	xfrm_addr_parse("2001:db8:1:7::1", &r.ue.addr);
	r.ue_prefix_len = 64;
	r.ue.port_c = 1357, r.ue.port_s = 1358, r.ue.spi_c = 12345678, r.ue.spi_s = 23456789;
	xfrm_addr_parse("2001:db8:a::1", &r.pcscf.addr);
	r.pcscf.port_c = 5066, r.pcscf.port_s = 5064, r.pcscf.spi_c = 5000, r.pcscf.spi_s = 5001;
	r.integ = IPSEC_INTEG_HMAC_SHA1_96;
	r.encr = IPSEC_ENCR_AES_CBC;
	r.lifetime_s = 3600;
	return r;
}

/* Apply @p change to a valid request and expect a refusal mentioning @p reason. */
#define EXPECT_REFUSED(change, reason)                                                         \
	do {                                                                                    \
		struct privsep_limits l = test_limits();                                        \
		struct xfrm_mgr_config c;                                                       \
		struct privsep_set_req r = test_req();                                          \
		char why[256] = "";                                                             \
		xfrm_mgr_config_default(&c);                                                    \
		change;                                                                         \
		assert_int_equal(privsep_check_set(&l, &c, &r, why, sizeof(why)), -EPERM);      \
		assert_non_null(strstr(why, reason));                                           \
	} while (0)

static void test_valid_request_is_accepted(void **state)
{
	struct privsep_limits l = test_limits();
	struct xfrm_mgr_config c;
	struct privsep_set_req r = test_req();
	char why[256] = "";

	(void)state;
	xfrm_mgr_config_default(&c);
	assert_int_equal(privsep_check_set(&l, &c, &r, why, sizeof(why)), 0);
	xfrm_addr_parse("10.1.3.4", &r.ue.addr);
	xfrm_addr_parse("10.1.0.1", &r.pcscf.addr);
	r.ue_prefix_len = 32;
	assert_int_equal(privsep_check_set(&l, &c, &r, why, sizeof(why)), 0);
}

static void test_foreign_pcscf_address_is_refused(void **state)
{
	(void)state;
	EXPECT_REFUSED(xfrm_addr_parse("2001:db8:a::2", &r.pcscf.addr), "not one of ours");
}

static void test_short_prefix_is_refused(void **state)
{
	(void)state;
	/* A UE claiming addr-pref-length=1 must not get SAs over half the Internet. */
	EXPECT_REFUSED(r.ue_prefix_len = 1, "shorter than allowed");
	EXPECT_REFUSED(r.ue_prefix_len = 55, "shorter than allowed");
	EXPECT_REFUSED(r.ue_prefix_len = 129, "invalid");
}

static void test_prefix_outside_access_network_is_refused(void **state)
{
	(void)state;
	EXPECT_REFUSED(xfrm_addr_parse("2001:db8:2::1", &r.ue.addr), "outside the access prefixes");
	EXPECT_REFUSED(xfrm_addr_parse("10.1.0.9", &r.ue.addr), "different families");
}

static void test_unprotected_port_and_foreign_spi_are_refused(void **state)
{
	(void)state;
	EXPECT_REFUSED(r.pcscf.port_s = 5060, "not a protected port");
	EXPECT_REFUSED(r.pcscf.spi_c = 300, "outside our range");
}

static void test_bad_algorithms_and_lifetimes_are_refused(void **state)
{
	(void)state;
	EXPECT_REFUSED(r.encr = IPSEC_ENCR_AES_GCM, "algorithm pair");
	EXPECT_REFUSED(r.lifetime_s = 0, "lifetime");
	EXPECT_REFUSED(r.lifetime_s = 7201, "lifetime");
	EXPECT_REFUSED(r.transport = (enum xfrm_transport)7, "transport");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_request_is_accepted),
		cmocka_unit_test(test_foreign_pcscf_address_is_refused),
		cmocka_unit_test(test_short_prefix_is_refused),
		cmocka_unit_test(test_prefix_outside_access_network_is_refused),
		cmocka_unit_test(test_unprotected_port_and_foreign_spi_are_refused),
		cmocka_unit_test(test_bad_algorithms_and_lifetimes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
