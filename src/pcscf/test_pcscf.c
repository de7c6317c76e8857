/*
 * test_pcscf — the P-CSCF's decisions, message by message, without sockets or a kernel:
 * every message is given to pcscf_rx() with the addresses it came by, and what the logic
 * sends and asks of the privileged parent is recorded and checked. Expected headers are
 * written out by hand from RFC 3261, RFC 3329 §2.3.1, RFC 3581, TS 24.229 §5.2.2 and
 * TS 33.203; CK/IK are TS 35.208 test set 1; the REGISTER is the test vector of the
 * addr-pref-length proposal (issue 4).
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

#include "common/log.h"
#include "pcscf/pcscf.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_util.h"

#define CRLF "\r\n"
#define MOCK_MAX 16

/* ---- the recorder behind struct pcscf_ops ---- */

struct sent {
	struct pcscf_peer to;
	char *buf;
	size_t len;
};

struct mock {
	struct sent sent[MOCK_MAX];
	size_t nsent;
	uint32_t next_spi, next_reqid;
	uint32_t avoid[MOCK_MAX][2];
	size_t nalloc, nrelease;
	struct privsep_set_req installs[MOCK_MAX];
	uint32_t install_reqids[MOCK_MAX];
	size_t ninstalls;
	int install_ret;
	uint32_t deleted[MOCK_MAX];
	size_t ndeleted;
	uint32_t extended_reqid, extended_s;
	struct xfrm_addr added[MOCK_MAX];
	uint32_t added_reqid[MOCK_MAX];
	size_t nadded;
};

static struct mock mock;

static int mock_send(void *arg, const struct pcscf_peer *to, const char *buf, size_t len)
{
	struct sent *s = &mock.sent[mock.nsent++ % MOCK_MAX];

	(void)arg;
	free(s->buf);
	s->to = *to;
	s->buf = malloc(len + 1);
	memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}

static int mock_spi_alloc(void *arg, const uint32_t avoid[2], uint32_t *spi)
{
	(void)arg;
	mock.avoid[mock.nalloc % MOCK_MAX][0] = avoid[0];
	mock.avoid[mock.nalloc++ % MOCK_MAX][1] = avoid[1];
	*spi = mock.next_spi++;
	return 0;
}

static int mock_spi_release(void *arg, uint32_t spi)
{
	(void)arg, (void)spi;
	mock.nrelease++;
	return 0;
}

static int mock_set_install(void *arg, const struct privsep_set_req *req, uint32_t *reqid)
{
	(void)arg;
	if (mock.install_ret)
		return mock.install_ret;
	mock.installs[mock.ninstalls % MOCK_MAX] = *req;
	*reqid = mock.next_reqid++;
	mock.install_reqids[mock.ninstalls++ % MOCK_MAX] = *reqid;
	return 0;
}

static int mock_set_delete(void *arg, uint32_t reqid)
{
	(void)arg;
	mock.deleted[mock.ndeleted++ % MOCK_MAX] = reqid;
	return 0;
}

static int mock_set_extend(void *arg, uint32_t reqid, uint32_t lifetime_s)
{
	(void)arg;
	mock.extended_reqid = reqid;
	mock.extended_s = lifetime_s;
	return 0;
}

static int mock_set_add_address(void *arg, uint32_t reqid, const struct xfrm_addr *addr)
{
	(void)arg;
	mock.added_reqid[mock.nadded % MOCK_MAX] = reqid;
	mock.added[mock.nadded++ % MOCK_MAX] = *addr;
	return 0;
}

static const struct pcscf_ops mock_ops = {
	.send = mock_send,
	.spi_alloc = mock_spi_alloc,
	.spi_release = mock_spi_release,
	.set_install = mock_set_install,
	.set_delete = mock_set_delete,
	.set_extend = mock_set_extend,
	.set_add_address = mock_set_add_address,
};

static void mock_reset(void)
{
	for (size_t i = 0; i < MOCK_MAX; i++)
		free(mock.sent[i].buf);
	memset(&mock, 0, sizeof(mock));
	mock.next_spi = 0x5000;
	mock.next_reqid = 0x50c50000;
}

/* ---- set-up ---- */

static const char *const test_lines[] = {
	"access 2001:db8:a::1 10.1.0.1",
	"core 2001:db8:c::1 10.2.0.1",
	"scscf sip:[2001:db8:c::2]:5060",
	"ue-prefix 2001:db8:1::/48 5555::/16 10.1.0.0/16",
	"protected-ports 5064 5066",
	"max-expires 7200",
	"sa-grace 30",
	NULL,
};

static int setup(void **state)
{
	char line[256], why[256];
	struct config c;

	config_default(&c);
	for (const char *const *l = test_lines; *l; l++) {
		snprintf(line, sizeof(line), "%s", *l);
		if (config_parse_line(&c, line, why, sizeof(why)) < 0)
			fail_msg("%s: %s", *l, why);
	}
	mock_reset();
	*state = pcscf_new(&c, &mock_ops, NULL);
	assert_non_null(*state);
	return 0;
}

static int teardown(void **state)
{
	pcscf_free(*state);
	mock_reset();
	return 0;
}

static void peer(struct pcscf_peer *pe, const char *local, uint16_t lport, const char *remote,
		 uint16_t rport)
{
	memset(pe, 0, sizeof(*pe));
	pe->proto = SIP_PROTO_UDP;
	assert_int_equal(sip_util_sockaddr_set(local, strlen(local), lport, &pe->local), 0);
	assert_int_equal(sip_util_sockaddr_set(remote, strlen(remote), rport, &pe->remote), 0);
}

static uint64_t now_ms = 1000000;

/* Give @text to the logic as arriving at [local]:lport from [remote]:rport. */
static void rx(struct pcscf *p, const char *local, uint16_t lport, const char *remote,
	       uint16_t rport, const char *text)
{
	struct pcscf_peer pe;

	peer(&pe, local, lport, remote, rport);
	pcscf_rx(p, &pe, text, strlen(text), now_ms);
}

/* ---- reading what was sent ---- */

static struct sent *sent_last(void)
{
	assert_true(mock.nsent > 0);
	return &mock.sent[(mock.nsent - 1) % MOCK_MAX];
}

static void expect_dest(const struct sent *s, const char *local, const char *remote)
{
	char l[SIP_UTIL_ADDR_SIZE], r[SIP_UTIL_ADDR_SIZE];

	sip_util_sockaddr_format(&s->to.local, l, sizeof(l));
	sip_util_sockaddr_format(&s->to.remote, r, sizeof(r));
	assert_string_equal(l, local);
	assert_string_equal(r, remote);
}

/* The parsed view of a sent message (which must parse). */
static struct sip_msg *sent_msg(const struct sent *s)
{
	static struct sip_msg msg;
	struct sip_msg_error err;

	if (sip_msg_parse(&msg, s->buf, s->len, 0, &err) < 0)
		fail_msg("sent message does not parse (%s):\n%s", err.reason, s->buf);
	return &msg;
}

/* Value of the @n-th header named @name, "" when absent (eight calls may be used at once). */
static const char *hdr(const struct sent *s, const char *name, size_t n)
{
	static char values[8][2048];
	static unsigned next;
	char *value = values[next++ % 8];
	struct sip_msg *m = sent_msg(s);
	int i = sip_msg_find_name(m, name, strlen(name), 0);
	struct sip_str v;

	while (i >= 0 && n--)
		i = sip_msg_find_name(m, name, strlen(name), (size_t)i + 1);
	if (i < 0)
		return "";
	v = sip_msg_hdr_value(m, (size_t)i);
	snprintf(value, sizeof(values[0]), "%.*s", (int)v.len, v.s);
	return value;
}

static size_t hdr_count(const struct sent *s, const char *name)
{
	struct sip_msg *m = sent_msg(s);
	size_t n = 0;

	for (int i = sip_msg_find_name(m, name, strlen(name), 0); i >= 0;
	     i = sip_msg_find_name(m, name, strlen(name), (size_t)i + 1))
		n++;
	return n;
}

static void expect_prefix(const char *value, const char *prefix)
{
	if (strncmp(value, prefix, strlen(prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", value, prefix);
}

/* ---- messages ---- */

#define UE "5555::aaa:bbb:ccc:ddd"
#define UE_TEMP "5555::aaa:bbb:ccc:eee"
#define ACCESS "2001:db8:a::1"
#define CORE "2001:db8:c::1"
#define SCSCF "2001:db8:c::2"
#define CK "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define IK "f769bcd751044604127672711c6d3441"
#define PATH "<sip:term@[2001:db8:c::1]:5060;lr>"

/* The test vector, byte for byte. */
static const char register_vector[] =
	"REGISTER sip:registrar.home1.net SIP/2.0" CRLF
	"Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7" CRLF
	"Max-Forwards: 70" CRLF "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
	"To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[5555::aaa:bbb:ccc:ddd]" CRLF
	"Call-ID: apb03a0s09dkjdfglkj49111" CRLF
	"Authorization: Digest username=\"user1_private@home1.net\", "
	"realm=\"registrar.home1.net\", nonce=\"\", uri=\"sip:registrar.home1.net\", "
	"response=\"\"" CRLF
	"Security-Client: ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=12345678; SPI_U_TCP=23456789; "
	"Port_U_UDP=1357; Port_U_TCP=1358; addr-pref-length=64" CRLF "Require: sec-agree" CRLF
	"CSeq: 1 REGISTER" CRLF "Expires: 7200" CRLF "Content-Length: 0" CRLF CRLF;

/* The S-CSCF's answer to what we forwarded (our Via and the UE's). */
static void scscf_text(const struct sent *fwd, const char *status, const char *cseq,
		       const char *extra, char *text, size_t size)
{
	snprintf(text, size,
		 "SIP/2.0 %s" CRLF "Via: %s" CRLF "Via: %s" CRLF "From: %s" CRLF "To: %s;tag=s1" CRLF
		 "Call-ID: %s" CRLF "CSeq: %s" CRLF "%s" "Content-Length: 0" CRLF CRLF,
		 status, hdr(fwd, "Via", 0), hdr(fwd, "Via", 1), hdr(fwd, "From", 0), hdr(fwd, "To", 0),
		 hdr(fwd, "Call-ID", 0), cseq, extra);
}

static void scscf_answers(struct pcscf *p, const struct sent *fwd, const char *status,
			  const char *cseq, const char *extra)
{
	char text[4096];

	scscf_text(fwd, status, cseq, extra, text, sizeof(text));
	rx(p, CORE, 5060, SCSCF, 5060, text);
}

static const char challenge[] =
	"WWW-Authenticate: Digest realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", "
	"algorithm=AKAv1-MD5, qop=\"auth\", ck=\"" CK "\", ik=\"" IK "\"" CRLF;

static void test_pcscf_issue4_vector_is_forwarded_with_path(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s;

	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	assert_int_equal(mock.nsent, 1);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	expect_prefix(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:c::1]:5060;branch=z9hG4bKpc");
	assert_string_equal(hdr(s, "Via", 1), "SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7");
	assert_string_equal(hdr(s, "Path", 0), PATH);
	assert_string_equal(hdr(s, "Max-Forwards", 0), "69");
	assert_int_equal(hdr_count(s, "Security-Client"), 0);
	assert_int_equal(hdr_count(s, "Require"), 0);
	assert_string_equal(hdr(s, "Authorization", 0),
			    "Digest username=\"user1_private@home1.net\", realm=\"registrar.home1.net\", "
			    "nonce=\"\", uri=\"sip:registrar.home1.net\", response=\"\", "
			    "integrity-protected=\"no\"");
	assert_string_equal(hdr(s, "Contact", 0), "sip:[5555::aaa:bbb:ccc:ddd]");
	pcscf_get_stats(p, &st);
	assert_int_equal(st.pending, 1);
	assert_int_equal(mock.ninstalls, 0);
}

/* The vector, its 401 and the checks on the set; leaves the 401 as the last sent. */
static void register_to_401(struct pcscf *p)
{
	struct privsep_set_req *req;
	struct sent *s;
	char ue[INET6_ADDRSTRLEN];

	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	scscf_answers(p, sent_last(), "401 Unauthorized", "1 REGISTER", challenge);
	assert_int_equal(mock.nsent, 2);
	assert_int_equal(mock.nalloc, 2);
	assert_int_equal(mock.avoid[0][0], 12345678);
	assert_int_equal(mock.avoid[0][1], 23456789);
	assert_int_equal(mock.ninstalls, 1);
	req = &mock.installs[0];
	assert_string_equal(xfrm_addr_str(&req->ue.addr, ue, sizeof(ue)), UE);
	assert_int_equal(req->ue_prefix_len, 64);
	assert_int_equal(req->ue.spi_c, 12345678);
	assert_int_equal(req->ue.spi_s, 23456789);
	assert_int_equal(req->ue.port_c, 1357);
	assert_int_equal(req->ue.port_s, 1358);
	assert_string_equal(xfrm_addr_str(&req->pcscf.addr, ue, sizeof(ue)), ACCESS);
	assert_int_equal(req->pcscf.port_c, 5066);
	assert_int_equal(req->pcscf.port_s, 5064);
	assert_int_equal(req->pcscf.spi_c, 0x5000);
	assert_int_equal(req->pcscf.spi_s, 0x5001);
	assert_int_equal(req->integ, IPSEC_INTEG_HMAC_SHA1_96);
	assert_int_equal(req->encr, IPSEC_ENCR_NULL);
	assert_int_equal(req->ck[0], 0xb4);
	assert_int_equal(req->ik[15], 0x41);
	assert_true(req->lifetime_s > 0 && req->lifetime_s <= 300);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5060", "[5555::aaa:bbb:ccc:ddd]:5060");
}

static void test_pcscf_401_installs_the_set_and_hides_the_keys(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	register_to_401(p);
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 401);
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_string_equal(hdr(s, "Via", 0), "SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7");
	assert_string_equal(hdr(s, "WWW-Authenticate", 0),
			    "Digest realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", "
			    "algorithm=AKAv1-MD5, qop=\"auth\"");
	assert_null(strstr(s->buf, CK));
	assert_null(strstr(s->buf, IK));
	assert_string_equal(hdr(s, "Security-Server", 0),
			    "ipsec-man;alg=HMAC-SHA1;SPI_P_UDP=20480;SPI_P_TCP=20481;"
			    "Port_P_UDP=5066;Port_P_TCP=5064;addr-pref-length=64");
}

#define SERVER_MAN                                                                                 \
	"ipsec-man;alg=HMAC-SHA1;SPI_P_UDP=20480;SPI_P_TCP=20481;Port_P_UDP=5066;Port_P_TCP=5064;" \
	"addr-pref-length=64"

static const char *protected_register(const char *verify, const char *expires)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:registrar.home1.net SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bK%s;rport" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		 "To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[" UE "]" CRLF
		 "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
		 "Authorization: Digest username=\"user1_private@home1.net\", "
		 "realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", uri=\"sip:registrar.home1.net\", "
		 "response=\"6629fae49393a05397450978507c4ef1\", integrity-protected=\"yes\"" CRLF
		 "Security-Verify: %s" CRLF "Require: sec-agree" CRLF "Proxy-Require: sec-agree" CRLF
		 "CSeq: 2 REGISTER" CRLF "Expires: %s" CRLF "Content-Length: 0" CRLF CRLF,
		 expires, verify, expires);
	return text;
}

static const char ok_200[] =
	"Contact: <sip:[" UE "]>;expires=600" CRLF
	"Service-Route: <sip:orig@[2001:db8:c::2]:5060;lr>" CRLF
	"P-Associated-URI: <sip:user1_public1@home1.net>, <tel:+15551234>" CRLF;

/* Up to the 200 of the protected REGISTER: registered. */
static void register_fully(struct pcscf *p)
{
	struct sent *s;

	register_to_401(p);
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "600"));
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	scscf_answers(p, s, "200 OK", "2 REGISTER", ok_200);
}

static void test_pcscf_protected_register_is_marked_and_forwarded(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	register_to_401(p);
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "600"));
	assert_int_equal(mock.nsent, 3);
	s = sent_last();
	assert_int_equal(hdr_count(s, "Security-Verify"), 0);
	assert_int_equal(hdr_count(s, "Require"), 0);
	assert_int_equal(hdr_count(s, "Proxy-Require"), 0);
	assert_string_equal(hdr(s, "Path", 0), PATH);
	/* the UE's own integrity-protected is replaced by ours */
	assert_string_equal(hdr(s, "Authorization", 0),
			    "Digest username=\"user1_private@home1.net\", realm=\"registrar.home1.net\", "
			    "nonce=\"bm9uY2U=\", uri=\"sip:registrar.home1.net\", "
			    "response=\"6629fae49393a05397450978507c4ef1\", integrity-protected=\"yes\"");
	/* RFC 3581: rport filled in (sent-by is the source address: no received) */
	assert_string_equal(hdr(s, "Via", 1),
			    "SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bK600;rport=1357");
}

static void test_pcscf_200_registers_and_extends_the_set(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s;

	register_fully(p);
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 200);
	/* over the SAs: from our port-s to the UE's port-c */
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_int_equal(mock.extended_reqid, 0x50c50000);
	assert_int_equal(mock.extended_s, 630);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.registrations, 1);
	assert_int_equal(st.pending, 0);
	assert_int_equal(mock.ndeleted, 0);
}

static void test_pcscf_verify_mismatch_gets_494_and_loses_the_set(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s;

	register_to_401(p);
	rx(p, ACCESS, 5064, UE, 1357,
	   protected_register("ipsec-man;alg=HMAC-MD5;SPI_P_UDP=20480;SPI_P_TCP=20481;"
			      "Port_P_UDP=5066;Port_P_TCP=5064;addr-pref-length=64",
			      "600"));
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 494);
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_string_equal(hdr(s, "Security-Server", 0), SERVER_MAN);
	assert_int_equal(mock.ndeleted, 1);
	assert_int_equal(mock.deleted[0], 0x50c50000);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.pending, 0);
}

static const char *message_from(const char *addr, const char *extra)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "MESSAGE sip:user2@home1.net SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [%s]:1358;branch=z9hG4bKm1;rport" CRLF "Max-Forwards: 70" CRLF
		 "Route: <sip:[2001:db8:a::1]:5064;lr>, <sip:orig@[2001:db8:c::2]:5060;lr>" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=m1" CRLF "To: <sip:user2@home1.net>" CRLF
		 "Call-ID: msg1" CRLF "CSeq: 1 MESSAGE" CRLF
		 "P-Asserted-Identity: <sip:someone.else@home1.net>" CRLF
		 "Security-Verify: " SERVER_MAN CRLF "Proxy-Require: sec-agree" CRLF
		 "Require: sec-agree" CRLF "%s" "Content-Type: text/plain" CRLF
		 "Content-Length: 2" CRLF CRLF "hi",
		 addr, extra);
	return text;
}

static void test_pcscf_message_gets_identity_and_service_route(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, message_from(UE, ""));
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_string_equal(hdr(s, "P-Asserted-Identity", 0), "<sip:user1_public1@home1.net>");
	assert_int_equal(hdr_count(s, "P-Asserted-Identity"), 1);
	assert_string_equal(hdr(s, "Route", 0), "<sip:orig@[2001:db8:c::2]:5060;lr>");
	assert_int_equal(hdr_count(s, "Route"), 1);
	assert_int_equal(hdr_count(s, "Security-Verify"), 0);
	assert_int_equal(hdr_count(s, "Require") + hdr_count(s, "Proxy-Require"), 0);
	assert_int_equal(hdr_count(s, "Record-Route"), 0);
	expect_prefix(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:c::1]:5060;branch=z9hG4bKpc");
	assert_int_equal(mock.nadded, 0);
	/* a preferred identity among the registered ones is kept */
	rx(p, ACCESS, 5064, UE, 1357, message_from(UE, "P-Preferred-Identity: <tel:+15551234>" CRLF));
	assert_string_equal(hdr(sent_last(), "P-Asserted-Identity", 0), "<tel:+15551234>");
	assert_int_equal(hdr_count(sent_last(), "P-Preferred-Identity"), 0);
}

static void test_pcscf_new_address_gets_sas_before_the_answer(void **state)
{
	struct pcscf *p = *state;
	size_t before;
	struct sent *s;
	char text[INET6_ADDRSTRLEN];

	register_fully(p);
	rx(p, ACCESS, 5064, UE_TEMP, 1357, message_from(UE_TEMP, ""));
	assert_int_equal(mock.nadded, 1);
	assert_int_equal(mock.added_reqid[0], 0x50c50000);
	assert_string_equal(xfrm_addr_str(&mock.added[0], text, sizeof(text)), UE_TEMP);
	before = mock.nsent;
	scscf_answers(p, sent_last(), "200 OK", "1 MESSAGE", "");
	assert_int_equal(mock.nsent, before + 1);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:eee]:1357");
	assert_string_equal(hdr(s, "Via", 0),
			    "SIP/2.0/UDP [" UE_TEMP "]:1358;branch=z9hG4bKm1;rport=1357");
	/* the same address again: no second request to the parent */
	rx(p, ACCESS, 5064, UE_TEMP, 1357, message_from(UE_TEMP, ""));
	assert_int_equal(mock.nadded, 1);
}

static const char terminating_invite[] =
	"INVITE sip:[" UE "] SIP/2.0" CRLF
	"Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKs9" CRLF "Max-Forwards: 69" CRLF
	"Route: " PATH CRLF "Record-Route: <sip:mt@[2001:db8:c::2]:5060;lr>" CRLF
	"From: <sip:user2@home1.net>;tag=i1" CRLF "To: <sip:user1_public1@home1.net>" CRLF
	"Call-ID: inv1" CRLF "CSeq: 1 INVITE" CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF
	"Content-Length: 0" CRLF CRLF;

static void test_pcscf_terminating_request_goes_over_the_sas(void **state)
{
	struct pcscf *p = *state;
	char reply[2048];
	struct sent *s;

	register_fully(p);
	rx(p, CORE, 5060, SCSCF, 5060, terminating_invite);
	s = sent_last();
	/* from our port-c to the UE's port-s */
	expect_dest(s, "[2001:db8:a::1]:5066", "[5555::aaa:bbb:ccc:ddd]:1358");
	assert_int_equal(hdr_count(s, "Route"), 0);
	expect_prefix(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:a::1]:5066;branch=z9hG4bKpc");
	assert_string_equal(hdr(s, "Record-Route", 0),
			    "<sip:[2001:db8:a::1]:5064;lr>, <sip:[2001:db8:c::1]:5060;lr>");
	/* the UE's 200 comes to port-c from its port-s and goes back to the S-CSCF */
	snprintf(reply, sizeof(reply),
		 "SIP/2.0 200 OK" CRLF "Via: %s" CRLF "Via: %s" CRLF "Record-Route: %s" CRLF
		 "Record-Route: <sip:mt@[2001:db8:c::2]:5060;lr>" CRLF
		 "From: <sip:user2@home1.net>;tag=i1" CRLF "To: <sip:user1_public1@home1.net>;tag=u1" CRLF
		 "Call-ID: inv1" CRLF "CSeq: 1 INVITE" CRLF "Content-Length: 0" CRLF CRLF,
		 hdr(s, "Via", 0), hdr(s, "Via", 1), hdr(s, "Record-Route", 0));
	rx(p, ACCESS, 5066, UE, 1358, reply);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_int_equal(sent_msg(s)->status, 200);
	assert_string_equal(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKs9");
	assert_int_equal(hdr_count(s, "Via"), 1);
}

static void test_pcscf_originating_invite_is_record_routed(void **state)
{
	struct pcscf *p = *state;
	char text[2048];

	register_fully(p);
	snprintf(text, sizeof(text),
		 "INVITE sip:user2@home1.net SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bKi2" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=i2" CRLF "To: <sip:user2@home1.net>" CRLF
		 "Call-ID: inv2" CRLF "CSeq: 1 INVITE" CRLF "Contact: <sip:[" UE "]:1358>" CRLF
		 "Content-Length: 0" CRLF CRLF);
	rx(p, ACCESS, 5064, UE, 1357, text);
	assert_string_equal(hdr(sent_last(), "Record-Route", 0),
			    "<sip:[2001:db8:c::1]:5060;lr>, <sip:[2001:db8:a::1]:5064;lr>");
}

static void test_pcscf_deregistration_leaves_no_set(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "0"));
	s = sent_last();
	assert_int_equal(mock.ndeleted, 0);
	scscf_answers(p, s, "200 OK", "2 REGISTER", "");
	expect_dest(sent_last(), "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_int_equal(mock.ndeleted, 1);
	assert_int_equal(mock.deleted[0], 0x50c50000);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.registrations, 0);
}

static void test_pcscf_expiry_deletes_the_set(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	register_fully(p);
	pcscf_tick(p, now_ms + 629 * 1000);
	assert_int_equal(mock.ndeleted, 0);
	pcscf_tick(p, now_ms + 630 * 1000);
	assert_int_equal(mock.ndeleted, 1);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.registrations, 0);
}

static void test_pcscf_pending_registration_times_out(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	register_to_401(p);
	pcscf_tick(p, now_ms + 3600 * 1000);
	assert_int_equal(mock.ndeleted, 1);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.pending, 0);
}

static const char *plain_register(const char *extra)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:ims.test SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKp1" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::9]:5060;branch=z9hG4bKp0" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:ue1@ims.test>;tag=p1" CRLF "To: <sip:ue1@ims.test>" CRLF
		 "Call-ID: plain1" CRLF "CSeq: 1 REGISTER" CRLF "Contact: <sip:[2001:db8:1:1::1]>" CRLF
		 "%s" "Content-Length: 0" CRLF CRLF,
		 extra);
	return text;
}

static void test_pcscf_without_sec_agree_gets_421(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060, plain_register(""));
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 421);
	assert_string_equal(hdr(s, "Require", 0), "sec-agree");
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_string_equal(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKp1");
	expect_prefix(hdr(s, "Security-Server", 0), "ipsec-3gpp;alg=");
	expect_prefix(hdr(s, "To", 0), "<sip:ue1@ims.test>;tag=");
	expect_dest(s, "[2001:db8:a::1]:5060", "[2001:db8:1:1::1]:5060");
	assert_int_equal(mock.ninstalls, 0);
}

static void test_pcscf_sec_agree_only_supported_gets_494(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060, plain_register("Supported: path, sec-agree" CRLF));
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 494);
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_int_equal(hdr_count(s, "Require"), 0);
	expect_prefix(hdr(s, "Security-Server", 0), "ipsec-3gpp;alg=");
}

static void test_pcscf_bad_security_client_gets_400(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060,
	   plain_register("Require: sec-agree" CRLF
			  "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;spi-c=99999999999" CRLF));
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 400);
	if (!strstr(s->buf, "SIP/2.0 400 Bad Security-Client: spi-c: "))
		fail_msg("reason does not name the parameter:\n%s", s->buf);
}

static void test_pcscf_unacceptable_offer_gets_494_naming_why(void **state)
{
	struct pcscf *p = *state;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060,
	   plain_register("Require: sec-agree" CRLF
			  "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3;"
			  "port-s=4;addr-pref-length=40" CRLF));
	assert_int_equal(sent_msg(sent_last())->status, 494);
	if (!strstr(sent_last()->buf, "494 addr-pref-length 40 is shorter than the 64 allowed"))
		fail_msg("%s", sent_last()->buf);
	assert_int_equal(mock.nsent, 1);
}

static void test_pcscf_unprotected_requests_get_no_service(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	register_fully(p);
	mock.nsent = 0;
	rx(p, ACCESS, 5060, UE, 1357, message_from(UE, ""));
	assert_int_equal(mock.nsent, 0);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.drop_unprotected, 1);
}

static void test_pcscf_malformed_request_gets_400_with_reason(void **state)
{
	struct pcscf *p = *state;
	static const char no_cseq[] = "OPTIONS sip:x@ims.test SIP/2.0" CRLF
				      "Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKb1" CRLF
				      "Max-Forwards: 70" CRLF "From: <sip:a@ims.test>;tag=1" CRLF
				      "To: <sip:x@ims.test>" CRLF "Call-ID: bad1" CRLF
				      "Content-Length: 0" CRLF CRLF;
	static const char garbage[] = "\x01\x02 not sip at all\r\n\r\n";
	struct pcscf_stats st;

	rx(p, CORE, 5060, SCSCF, 5060, "OPTIONS sip:x@ims.test SIP/2.0" CRLF
	   "Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKb1" CRLF "Max-Forwards: 70" CRLF
	   "From: <sip:a@ims.test>;tag=1" CRLF "To: <sip:x@ims.test>" CRLF "Call-ID: bad1" CRLF
	   "CSeq: 1 OPTIONS" CRLF "Content-Length: 5" CRLF CRLF "ab");
	assert_int_equal(mock.nsent, 1);
	assert_int_equal(sent_msg(sent_last())->status, 400);
	rx(p, CORE, 5060, SCSCF, 5060, no_cseq);
	/* no CSeq: nothing a response could carry, dropped and counted */
	assert_int_equal(mock.nsent, 1);
	rx(p, CORE, 5060, SCSCF, 5060, garbage);
	assert_int_equal(mock.nsent, 1);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.rx_bad, 3);
	assert_int_equal(st.answered_bad, 1);
}

static void test_pcscf_response_without_our_transaction_is_dropped(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	rx(p, CORE, 5060, SCSCF, 5060,
	   "SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP [2001:db8:c::1]:5060;branch=z9hG4bKpc0000" CRLF
	   "Via: SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bKx" CRLF "From: <sip:a@b>;tag=1" CRLF
	   "To: <sip:c@d>;tag=2" CRLF "Call-ID: x" CRLF "CSeq: 1 MESSAGE" CRLF
	   "Content-Length: 0" CRLF CRLF);
	assert_int_equal(mock.nsent, 0);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.drop_no_txn, 1);
}

static void test_pcscf_unregistered_protected_source_is_dropped(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	rx(p, ACCESS, 5064, "2001:db8:1:7::1", 1357, message_from("2001:db8:1:7::1", ""));
	assert_int_equal(mock.nsent, 0);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.drop_no_reg, 1);
}

static const char *reregister_over_old(void)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:registrar.home1.net SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bKr3" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		 "To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[" UE "]" CRLF
		 "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
		 "Authorization: Digest username=\"user1_private@home1.net\", realm=\"r\", nonce=\"n\", "
		 "uri=\"sip:registrar.home1.net\", response=\"r\"" CRLF
		 "Security-Client: ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=777; SPI_U_TCP=778; "
		 "Port_U_UDP=2357; Port_U_TCP=2358; addr-pref-length=64" CRLF
		 "Security-Verify: " SERVER_MAN CRLF "Require: sec-agree" CRLF
		 "CSeq: 3 REGISTER" CRLF "Expires: 600" CRLF "Content-Length: 0" CRLF CRLF);
	return text;
}

static void test_pcscf_reregistration_swaps_sets(void **state)
{
	struct pcscf *p = *state;
	char verify[512];
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, reregister_over_old());
	assert_string_equal(hdr(sent_last(), "Authorization", 0),
			    "Digest username=\"user1_private@home1.net\", realm=\"r\", nonce=\"n\", "
			    "uri=\"sip:registrar.home1.net\", response=\"r\", integrity-protected=\"yes\"");
	scscf_answers(p, sent_last(), "401 Unauthorized", "3 REGISTER", challenge);
	assert_int_equal(mock.ninstalls, 2);
	assert_int_equal(mock.installs[1].ue.port_c, 2357);
	s = sent_last();
	/* the 401 goes back over the old set */
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	snprintf(verify, sizeof(verify), "%s", hdr(s, "Security-Server", 0));
	rx(p, ACCESS, 5064, UE, 2357, protected_register(verify, "600"));
	scscf_answers(p, sent_last(), "200 OK", "2 REGISTER", ok_200);
	expect_dest(sent_last(), "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:2357");
	assert_int_equal(mock.ndeleted, 0); /* the old set stays until the new one is used */
	assert_int_equal(mock.extended_reqid, 0x50c50001);
	rx(p, ACCESS, 5064, UE, 2357, message_from(UE, ""));
	assert_int_equal(mock.ndeleted, 1);
	assert_int_equal(mock.deleted[0], 0x50c50000);
}

static void test_pcscf_acquire_inside_a_prefix_adds_the_address(void **state)
{
	struct pcscf *p = *state;
	struct xfrm_event ev;

	register_fully(p);
	memset(&ev, 0, sizeof(ev));
	ev.type = XFRM_EVENT_ACQUIRE;
	xfrm_addr_parse("5555::1:2:3:4", &ev.addr);
	ev.reqid = 0x50c50000;
	pcscf_xfrm_event(p, &ev, now_ms);
	assert_int_equal(mock.nadded, 1);
	xfrm_addr_parse("5556::1", &ev.addr);
	pcscf_xfrm_event(p, &ev, now_ms);
	assert_int_equal(mock.nadded, 1);
}

static void test_pcscf_failed_install_turns_the_401_into_500(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s;

	mock.install_ret = -EPERM;
	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	scscf_answers(p, sent_last(), "401 Unauthorized", "1 REGISTER", challenge);
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 500);
	assert_int_equal(hdr_count(s, "WWW-Authenticate"), 0);
	assert_null(strstr(s->buf, CK));
	assert_int_equal(mock.nrelease, 2);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.pending, 0);
}

static void test_pcscf_shutdown_deletes_every_set(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	register_fully(p);
	pcscf_shutdown(p);
	assert_int_equal(mock.ndeleted, 1);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.registrations, 0);
}

static void test_pcscf_repeated_challenge_keeps_the_set(void **state)
{
	struct pcscf *p = *state;
	char server[512];
	struct sent *fwd;

	register_to_401(p);
	snprintf(server, sizeof(server), "%s", hdr(sent_last(), "Security-Server", 0));
	/* the UE retransmits, the S-CSCF repeats its 401: same set, same Security-Server */
	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	fwd = sent_last();
	scscf_answers(p, fwd, "401 Unauthorized", "1 REGISTER", challenge);
	assert_int_equal(mock.ninstalls, 1);
	assert_int_equal(mock.ndeleted, 0);
	assert_string_equal(hdr(sent_last(), "Security-Server", 0), server);
	/* another retransmission answered with a new challenge: new keys, a new set */
	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	scscf_answers(p, fwd, "401 Unauthorized", "1 REGISTER",
		      "WWW-Authenticate: Digest realm=\"registrar.home1.net\", nonce=\"bmV3\", "
		      "algorithm=AKAv1-MD5, ck=\"" IK "\", ik=\"" CK "\"" CRLF);
	assert_int_equal(mock.ninstalls, 2);
	assert_int_equal(mock.ndeleted, 1);
	assert_int_equal(mock.installs[1].ck[0], 0xf7);
}

/* Mutate @text (flip, insert CR/LF/NUL/commas/quotes, truncate) with a fixed seed. */
static size_t mutate(const char *text, char *out, size_t size, uint32_t *seed)
{
	static const char bytes[] = "\r\n\0,;=\"<>:[] 9zZ\xff";
	size_t len = strlen(text), n;

	memcpy(out, text, len);
	n = 1 + (*seed >> 8) % 4;
	while (n-- && len > 2) {
		*seed = *seed * 1103515245u + 12345u;
		size_t at = (*seed >> 4) % len;

		switch ((*seed >> 24) % 4) {
		case 0:
			out[at] = bytes[(*seed >> 12) % (sizeof(bytes) - 1)];
			break;
		case 1:
			if (len + 1 < size) {
				memmove(out + at + 1, out + at, len - at);
				out[at] = bytes[(*seed >> 12) % (sizeof(bytes) - 1)];
				len++;
			}
			break;
		case 2:
			memmove(out + at, out + at + 1, len - at - 1);
			len--;
			break;
		default:
			len = at + 1;
		}
	}
	return len;
}

/* Mutated REGISTERs, 401s, protected requests and responses, on every side: nothing
 * crashes (ASan/UBSan builds check memory), nothing unexpected is installed. */
static void test_pcscf_mutated_messages_are_survived(void **state)
{
	static const struct {
		const char *local, *remote;
		uint16_t lport, rport;
	} from[] = { { ACCESS, UE, 5060, 5060 }, { ACCESS, UE, 5064, 1357 },
		     { ACCESS, UE, 5064, 1357 }, { CORE, SCSCF, 5060, 5060 },
		     { CORE, SCSCF, 5060, 5060 }, { ACCESS, UE, 5066, 1358 } };
	struct pcscf *p = *state;
	char out[4096], *text[6];
	uint32_t seed = 0x5eed;
	struct pcscf_peer pe;

	register_fully(p);
	text[0] = strdup(register_vector);
	text[1] = strdup(protected_register(SERVER_MAN, "600"));
	text[2] = strdup(message_from(UE, ""));
	text[3] = strdup(terminating_invite);
	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	scscf_text(sent_last(), "401 Unauthorized", "1 REGISTER", challenge, out, sizeof(out));
	text[4] = strdup(out);
	rx(p, CORE, 5060, SCSCF, 5060, terminating_invite);
	snprintf(out, sizeof(out),
		 "SIP/2.0 200 OK" CRLF "Via: %s" CRLF "Via: %s" CRLF "From: <sip:user2@home1.net>;tag=i1" CRLF
		 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF "CSeq: 1 INVITE" CRLF
		 "Content-Length: 0" CRLF CRLF,
		 hdr(sent_last(), "Via", 0), hdr(sent_last(), "Via", 1));
	text[5] = strdup(out);
	for (unsigned i = 0; i < 60000; i++) {
		size_t len = mutate(text[i % 6], out, sizeof(out), &seed);

		peer(&pe, from[i % 6].local, from[i % 6].lport, from[i % 6].remote, from[i % 6].rport);
		pe.proto = i % 12 < 6 ? SIP_PROTO_UDP : SIP_PROTO_TCP;
		pcscf_rx(p, &pe, out, len, now_ms);
	}
	for (int k = 0; k < 6; k++)
		free(text[k]);
	pcscf_shutdown(p);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pcscf_issue4_vector_is_forwarded_with_path),
		T(test_pcscf_401_installs_the_set_and_hides_the_keys),
		T(test_pcscf_protected_register_is_marked_and_forwarded),
		T(test_pcscf_200_registers_and_extends_the_set),
		T(test_pcscf_verify_mismatch_gets_494_and_loses_the_set),
		T(test_pcscf_message_gets_identity_and_service_route),
		T(test_pcscf_new_address_gets_sas_before_the_answer),
		T(test_pcscf_terminating_request_goes_over_the_sas),
		T(test_pcscf_originating_invite_is_record_routed),
		T(test_pcscf_deregistration_leaves_no_set),
		T(test_pcscf_expiry_deletes_the_set),
		T(test_pcscf_pending_registration_times_out),
		T(test_pcscf_without_sec_agree_gets_421),
		T(test_pcscf_sec_agree_only_supported_gets_494),
		T(test_pcscf_bad_security_client_gets_400),
		T(test_pcscf_unacceptable_offer_gets_494_naming_why),
		T(test_pcscf_unprotected_requests_get_no_service),
		T(test_pcscf_malformed_request_gets_400_with_reason),
		T(test_pcscf_response_without_our_transaction_is_dropped),
		T(test_pcscf_unregistered_protected_source_is_dropped),
		T(test_pcscf_reregistration_swaps_sets),
		T(test_pcscf_acquire_inside_a_prefix_adds_the_address),
		T(test_pcscf_failed_install_turns_the_401_into_500),
		T(test_pcscf_shutdown_deletes_every_set),
		T(test_pcscf_repeated_challenge_keeps_the_set),
		T(test_pcscf_mutated_messages_are_survived),
	};

	log_init("test_pcscf", LOG_LEVEL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
