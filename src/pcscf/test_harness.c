/*
 * test_harness.c — what test_register and test_proxy share: the recorder behind struct
 * pcscf_ops, the logic set up with the lab's addresses, sending a message in, reading what
 * went out, and the messages of a registration (see test_harness.h).
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

#include "pcscf/reg.h"
#include "pcscf/test_harness.h"

/* ---- the recorder behind struct pcscf_ops ---- */

struct mock mock;

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

static int mock_set_install(void *arg, const struct privsep_set_req *req, uint32_t *reqid,
			    uint8_t *sealed)
{
	(void)arg;
	memset(sealed, 0x5e, SEAL_BLOB_LEN); /* what the parent's sealing would give */
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

static int mock_reg_save(void *arg, const struct reg *r)
{
	(void)arg;
	mock.nsaved++;
	mock.sent_at_save = mock.nsent;
	mock.saved_reqid = r->cur.reqid;
	memcpy(mock.saved_sealed, r->cur.sealed, SEAL_BLOB_LEN);
	return 0;
}

static int mock_reg_forget(void *arg, uint64_t id)
{
	(void)arg;
	mock.nforgotten++;
	mock.forgotten_id = id;
	return 0;
}

static int mock_sign_save(void *arg, const struct sign_key_record *recs, size_t n)
{
	(void)arg;
	mock.nsign_saves++;
	mock.sent_at_sign_save = mock.nsent;
	memcpy(mock.sign_recs, recs, n * sizeof(recs[0]));
	mock.nsign_recs = n;
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
	.reg_save = mock_reg_save,
	.reg_forget = mock_reg_forget,
	.sign_save = mock_sign_save,
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

static void config_line(struct config *c, const char *text)
{
	char line[256], why[256];

	snprintf(line, sizeof(line), "%s", text);
	if (config_parse_line(c, line, why, sizeof(why)) < 0)
		fail_msg("%s: %s", text, why);
}

struct pcscf *logic_new(const char *const *extra)
{
	struct pcscf *p;
	struct config c;

	config_default(&c);
	for (const char *const *l = test_lines; *l; l++)
		config_line(&c, *l);
	for (const char *const *l = extra; l && *l; l++)
		config_line(&c, *l);
	mock_reset();
	p = pcscf_new(&c, &mock_ops, NULL);
	explicit_bzero(&c, sizeof(c)); /* a pool key */
	assert_non_null(p);
	return p;
}

/* The logic with test_lines and @extra (a config line, or NULL). */
static int setup_with(void **state, const char *extra)
{
	const char *const lines[] = {extra, NULL};

	*state = logic_new(lines);
	return 0;
}

int setup(void **state)
{
	return setup_with(state, NULL);
}

int setup_signing(void **state)
{
	return setup_with(state, "signing 3600 86400");
}

int teardown(void **state)
{
	pcscf_free(*state);
	mock_reset();
	return 0;
}

void peer(struct pcscf_peer *pe, const char *local, uint16_t lport, const char *remote,
	  uint16_t rport)
{
	memset(pe, 0, sizeof(*pe));
	pe->proto = SIP_PROTO_UDP;
	assert_int_equal(sip_util_sockaddr_set(local, strlen(local), lport, &pe->local), 0);
	assert_int_equal(sip_util_sockaddr_set(remote, strlen(remote), rport, &pe->remote), 0);
}

uint64_t now_ms = 1000000;

/* Give @text to the logic as arriving at [local]:lport from [remote]:rport. */
void rx(struct pcscf *p, const char *local, uint16_t lport, const char *remote, uint16_t rport,
	const char *text)
{
	struct pcscf_peer pe;

	peer(&pe, local, lport, remote, rport);
	pcscf_rx(p, &pe, text, strlen(text), now_ms);
}

/* ---- reading what was sent ---- */

struct sent *sent_last(void)
{
	assert_true(mock.nsent > 0);
	return &mock.sent[(mock.nsent - 1) % MOCK_MAX];
}

void expect_dest(const struct sent *s, const char *local, const char *remote)
{
	char l[SIP_UTIL_ADDR_SIZE], r[SIP_UTIL_ADDR_SIZE];

	sip_util_sockaddr_format(&s->to.local, l, sizeof(l));
	sip_util_sockaddr_format(&s->to.remote, r, sizeof(r));
	assert_string_equal(l, local);
	assert_string_equal(r, remote);
}

/* The parsed view of a sent message (which must parse). */
struct sip_msg *sent_msg(const struct sent *s)
{
	static struct sip_msg msg;
	struct sip_msg_error err;

	if (sip_msg_parse(&msg, s->buf, s->len, 0, &err) < 0)
		fail_msg("sent message does not parse (%s):\n%s", err.reason, s->buf);
	return &msg;
}

/* Value of the @n-th header named @name, "" when absent (eight calls may be used at once). */
const char *hdr(const struct sent *s, const char *name, size_t n)
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

size_t hdr_count(const struct sent *s, const char *name)
{
	struct sip_msg *m = sent_msg(s);
	size_t n = 0;

	for (int i = sip_msg_find_name(m, name, strlen(name), 0); i >= 0;
	     i = sip_msg_find_name(m, name, strlen(name), (size_t)i + 1))
		n++;
	return n;
}

void expect_prefix(const char *value, const char *prefix)
{
	if (strncmp(value, prefix, strlen(prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", value, prefix);
}

const char register_vector[] =
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
void scscf_text(const struct sent *fwd, const char *status, const char *cseq, const char *extra,
		char *text, size_t size)
{
	snprintf(text, size,
		 "SIP/2.0 %s" CRLF "Via: %s" CRLF "Via: %s" CRLF "From: %s" CRLF
		 "To: %s;tag=s1" CRLF "Call-ID: %s" CRLF "CSeq: %s" CRLF "%s"
		 "Content-Length: 0" CRLF CRLF,
		 status, hdr(fwd, "Via", 0), hdr(fwd, "Via", 1), hdr(fwd, "From", 0),
		 hdr(fwd, "To", 0), hdr(fwd, "Call-ID", 0), cseq, extra);
}

void scscf_answers(struct pcscf *p, const struct sent *fwd, const char *status, const char *cseq,
		   const char *extra)
{
	char text[4096];

	scscf_text(fwd, status, cseq, extra, text, sizeof(text));
	rx(p, CORE, 5060, SCSCF, 5060, text);
}

const char challenge[] =
	"WWW-Authenticate: Digest realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", "
	"algorithm=AKAv1-MD5, qop=\"auth\", ck=\"" CK "\", ik=\"" IK "\"" CRLF;

void register_to_401(struct pcscf *p)
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

const char *protected_register(const char *verify, const char *expires)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:registrar.home1.net SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE
		 "]:1358;branch=z9hG4bK%s;rport" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		 "To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[" UE "]" CRLF
		 "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
		 "Authorization: Digest username=\"user1_private@home1.net\", "
		 "realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", "
		 "uri=\"sip:registrar.home1.net\", "
		 "response=\"6629fae49393a05397450978507c4ef1\", integrity-protected=\"yes\"" CRLF
		 "Security-Verify: %s" CRLF "Require: sec-agree" CRLF
		 "Proxy-Require: sec-agree" CRLF "CSeq: 2 REGISTER" CRLF "Expires: %s" CRLF
		 "Content-Length: 0" CRLF CRLF,
		 expires, verify, expires);
	return text;
}

const char ok_200[] = "Contact: <sip:[" UE "]>;expires=600" CRLF
		      "Service-Route: <sip:orig@[2001:db8:c::2]:5060;lr>" CRLF
		      "P-Associated-URI: <sip:user1_public1@home1.net>, <tel:+15551234>" CRLF;

/* Up to the 200 of the protected REGISTER: registered. */
void register_fully(struct pcscf *p)
{
	struct sent *s;

	register_to_401(p);
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "600"));
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	scscf_answers(p, s, "200 OK", "2 REGISTER", ok_200);
}

const char *message_from(const char *addr, const char *extra)
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
		 "Require: sec-agree" CRLF "%s"
		 "Content-Type: text/plain" CRLF "Content-Length: 2" CRLF CRLF "hi",
		 addr, extra);
	return text;
}

const char terminating_invite[] =
	"INVITE sip:[" UE "] SIP/2.0" CRLF
	"Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKs9" CRLF "Max-Forwards: 69" CRLF
	"Route: " PATH CRLF "Record-Route: <sip:mt@[2001:db8:c::2]:5060;lr>" CRLF
	"From: <sip:user2@home1.net>;tag=i1" CRLF "To: <sip:user1_public1@home1.net>" CRLF
	"Call-ID: inv1" CRLF "CSeq: 1 INVITE" CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF
	"Content-Length: 0" CRLF CRLF;

const char originating_invite[] =
	"INVITE sip:user2@home1.net SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE
	"]:1358;branch=z9hG4bKi2" CRLF "Max-Forwards: 70" CRLF
	"From: <sip:user1_public1@home1.net>;tag=i2" CRLF "To: <sip:user2@home1.net>" CRLF
	"Call-ID: inv2" CRLF "CSeq: 1 INVITE" CRLF "Contact: <sip:[" UE "]:1358>" CRLF
	"Content-Length: 0" CRLF CRLF;
