/*
 * test_xfrm_msg — what the manager asks of the kernel, checked without a kernel: the
 * selectors and policies of a set, the requests built from them, address prefixes, the
 * SPI bookkeeping, and the parsing of the kernel's extended ACK. The kernel's answers
 * themselves are checked in the lab (tests/lab/t-xfrm-*.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

static struct xfrm_set test_set(enum xfrm_role role, const char *ue, unsigned plen)
{
	struct xfrm_set set;

	memset(&set, 0, sizeof(set));
	set.reqid = 0x50c50007;
	set.params.role = role;
	assert_int_equal(xfrm_addr_parse(ue, &set.params.ue.addr), 0);
	assert_int_equal(xfrm_addr_parse(strchr(ue, ':') ? "2001:db8:a::1" : "10.1.0.1",
					 &set.params.pcscf.addr), 0);
	set.params.ue_prefix_len = plen;
	set.params.ue.port_c = 6100, set.params.ue.port_s = 6101;
	set.params.pcscf.port_c = 6200, set.params.pcscf.port_s = 6201;
	set.params.ue.spi_c = 0x3000, set.params.ue.spi_s = 0x3001;
	set.params.pcscf.spi_c = 0x4000, set.params.pcscf.spi_s = 0x4001;
	set.params.transport = XFRM_TRANSPORT_UDP;
	set.params.keys.enc_name = "cbc(aes)";
	set.params.keys.auth_name = "hmac(sha1)";
	set.addrs[0] = set.params.ue.addr;
	set.naddrs = 1;
	return set;
}

static struct xfrm_mgr test_mgr(void)
{
	struct xfrm_mgr mgr;

	memset(&mgr, 0, sizeof(mgr));
	xfrm_mgr_config_default(&mgr.config);
	return mgr;
}

static void test_set_selectors_cover_the_ue_prefix_masked(void **state)
{
	struct xfrm_mgr mgr = test_mgr();
	struct xfrm_set set = test_set(XFRM_ROLE_PCSCF, "2001:db8:1:1:a:b:c:d", 64);
	struct xfrm_sa_desc sas[4];
	char text[256];

	(void)state;
	assert_int_equal(xfrm_set_sa_descs(&mgr, &set, sas, 4), 4);
	/* SA 0: UE port-c → P-CSCF port-s, SPI = P-CSCF spi-s, any source */
	assert_int_equal(sas[0].spi, 0x4001);
	assert_string_equal(xfrm_msg_sel_str(&sas[0].sel, text, sizeof(text)),
			    "src 2001:db8:1:1::/64 sport 6100 dst 2001:db8:a::1/128 dport 6201 proto 17");
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&sas[0].src.u.v6));
	assert_int_equal(sas[0].sel.sport_mask, 0xffff);
	/* SA 2: P-CSCF port-c → UE port-s, SPI = UE spi-s, to the UE's own address */
	assert_int_equal(sas[2].spi, 0x3001);
	assert_string_equal(xfrm_msg_sel_str(&sas[2].sel, text, sizeof(text)),
			    "src 2001:db8:a::1/128 sport 6200 dst 2001:db8:1:1::/64 dport 6101 proto 17");
	assert_true(xfrm_addr_equal(&sas[2].dst, &set.params.ue.addr));
	assert_int_equal(sas[3].spi, 0x3000);
}

static void test_set_policies_follow_the_role(void **state)
{
	struct xfrm_mgr mgr = test_mgr();
	struct xfrm_set pcscf = test_set(XFRM_ROLE_PCSCF, "10.1.0.11", 32);
	struct xfrm_set ue = test_set(XFRM_ROLE_UE, "10.1.0.11", 32);
	struct xfrm_policy_desc p[4], u[4];

	(void)state;
	assert_int_equal(xfrm_set_policy_descs(&mgr, &pcscf, p, 4), 4);
	assert_int_equal(xfrm_set_policy_descs(&mgr, &ue, u, 4), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(p[i].dir, i < 2 ? XFRM_POLICY_IN : XFRM_POLICY_OUT);
		assert_int_equal(u[i].dir, i < 2 ? XFRM_POLICY_OUT : XFRM_POLICY_IN);
		assert_memory_equal(&p[i].sel, &u[i].sel, sizeof(p[i].sel));
		assert_int_equal(p[i].reqid, 0x50c50007);
		assert_int_equal(p[i].priority, mgr.config.priority_set);
		assert_int_equal(p[i].sel.prefixlen_s + p[i].sel.prefixlen_d, 64);
	}
}

static void test_further_address_adds_sas_towards_it(void **state)
{
	struct xfrm_mgr mgr = test_mgr();
	struct xfrm_set set = test_set(XFRM_ROLE_PCSCF, "2001:db8:1:1::1", 64);
	struct xfrm_sa_desc sas[6];

	(void)state;
	assert_int_equal(xfrm_addr_parse("2001:db8:1:1::99", &set.addrs[1]), 0);
	set.naddrs = 2;
	assert_int_equal(xfrm_set_sa_descs(&mgr, &set, sas, 3), 0); /* too small: refused */
	assert_int_equal(xfrm_set_sa_descs(&mgr, &set, sas, 6), 6);
	assert_true(xfrm_addr_equal(&sas[4].dst, &set.addrs[1]));
	assert_int_equal(sas[4].spi, sas[2].spi);
	assert_memory_equal(&sas[4].sel, &sas[2].sel, sizeof(sas[2].sel));
}

static void test_addr_prefix_membership(void **state)
{
	struct xfrm_addr a, p;

	(void)state;
	assert_int_equal(xfrm_addr_parse("2001:db8:1:1:ffff::1", &a), 0);
	assert_int_equal(xfrm_addr_parse("2001:db8:1:1::1", &p), 0);
	assert_true(xfrm_addr_in_prefix(&a, &p, 64));
	assert_false(xfrm_addr_in_prefix(&a, &p, 65));
	assert_false(xfrm_addr_in_prefix(&a, &p, 128));
	assert_false(xfrm_addr_in_prefix(&a, &p, 129));
	assert_int_equal(xfrm_addr_parse("10.1.0.200", &a), 0);
	assert_int_equal(xfrm_addr_parse("10.1.0.1", &p), 0);
	assert_true(xfrm_addr_in_prefix(&a, &p, 24));
	assert_false(xfrm_addr_in_prefix(&a, &p, 25));
	assert_false(xfrm_addr_in_prefix(&a, &p, 33));
	assert_int_equal(xfrm_addr_parse("2001:db8::1", &p), 0);
	assert_false(xfrm_addr_in_prefix(&a, &p, 0)); /* across families: never */
	assert_int_equal(xfrm_addr_parse("not an address", &a), -EINVAL);
}

static void test_sa_request_carries_keys_and_lifetime(void **state)
{
	struct xfrm_mgr mgr = test_mgr();
	struct xfrm_set set = test_set(XFRM_ROLE_PCSCF, "2001:db8:1:1::1", 64);
	struct xfrm_sa_desc sas[4];
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info *info;

	(void)state;
	set.params.lifetime_s = 600;
	set.params.keys.auth_key_len = 20;
	set.params.keys.auth_trunc_bits = 96;
	set.params.keys.enc_key_len = 16;
	memset(set.params.keys.enc_key, 0xab, 16);
	xfrm_set_sa_descs(&mgr, &set, sas, 4);
	msg = xfrm_msg_sa_add(&sas[0], false);
	assert_non_null(msg);
	nlh = nlmsg_hdr(msg);
	info = NLMSG_DATA(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(ntohl(info->id.spi), 0x4001);
	assert_int_equal(info->id.proto, IPPROTO_ESP);
	assert_int_equal(info->mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(info->reqid, 0x50c50007);
	assert_int_equal(info->lft.hard_add_expires_seconds, 600);
	assert_int_equal(info->lft.soft_add_expires_seconds, 540);
	assert_int_equal(info->replay_window, 32);
	/* auth-trunc and crypt attributes follow the fixed part */
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*info))) +
						 NLA_ALIGN(NLA_HDRLEN + sizeof(struct xfrm_algo_auth) + 20) +
						 NLA_ALIGN(NLA_HDRLEN + sizeof(struct xfrm_algo) + 16));
	nlmsg_free(msg);
}

/* An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
static void test_ext_ack_text_is_reported(void **state)
{
	struct xfrm_nl nl;
	struct xfrm_batch batch = { 0 };
	unsigned char buf[256];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *nla = (struct nlattr *)(buf + NLMSG_HDRLEN + sizeof(*e));
	const char text[] = "Invalid algorithm";
	size_t acked = 0;

	(void)state;
	memset(&nl, 0, sizeof(nl));
	memset(buf, 0, sizeof(buf));
	assert_non_null(xfrm_batch_add(&batch, nlmsg_alloc_simple(XFRM_MSG_NEWSA, 0), "add SA x"));
	nla->nla_type = NLMSGERR_ATTR_MSG;
	nla->nla_len = (uint16_t)(NLA_HDRLEN + sizeof(text));
	memcpy((char *)nla + NLA_HDRLEN, text, sizeof(text));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	nlh->nlmsg_seq = 41;
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + sizeof(*e) + NLA_ALIGN(nla->nla_len));
	e->error = -EINVAL;
	e->msg.nlmsg_len = 300; /* capped: the request is not echoed */
	xfrm_nl_record(&batch, 41, nlh, &acked);
	assert_int_equal(acked, 1);
	assert_int_equal(xfrm_nl_first_failure(&nl, &batch), -EINVAL);
	assert_string_equal(nl.error, "add SA x: Invalid argument (kernel: Invalid algorithm)");
	xfrm_batch_clear(&batch);
}

static void test_spi_set_add_has_del(void **state)
{
	struct xfrm_u32set set = { 0 };

	(void)state;
	for (uint32_t v = 1; v <= 5000; v++)
		assert_int_equal(xfrm_u32set_add(&set, v * 7919u), 0);
	assert_int_equal(set.count, 5000);
	for (uint32_t v = 1; v <= 5000; v += 2)
		xfrm_u32set_del(&set, v * 7919u);
	for (uint32_t v = 1; v <= 5000; v++)
		assert_int_equal(xfrm_u32set_has(&set, v * 7919u), v % 2 == 0);
	assert_false(xfrm_u32set_has(&set, 0));
	xfrm_u32set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_selectors_cover_the_ue_prefix_masked),
		cmocka_unit_test(test_set_policies_follow_the_role),
		cmocka_unit_test(test_further_address_adds_sas_towards_it),
		cmocka_unit_test(test_addr_prefix_membership),
		cmocka_unit_test(test_sa_request_carries_keys_and_lifetime),
		cmocka_unit_test(test_ext_ack_text_is_reported),
		cmocka_unit_test(test_spi_set_add_has_del),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
