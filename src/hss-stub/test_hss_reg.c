/*
 * test_hss_reg.c — REGISTER at the S-CSCF, on crafted messages: the AKA challenge and what
 * is in it, Digest verification, AUTS resynchronisation, identities, bindings (refresh,
 * de-registration, Contact *, expiry), intervals, retransmissions, the server transport's
 * Via rules and the parser's error answers.
 *
 * Expected vectors come from the common library's Milenage/AKA code (tested against
 * TS 35.208) run as the UE would run it; Digest responses from digest_response() (tested
 * against RFC 2617/3310 examples). Expected header texts are written out from RFC 3261,
 * RFC 3327 and TS 24.229.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/codec.h"
#include "test_hss_sip.h"

#define CRLF "\r\n"

static void expect_status(struct t_fix *f, size_t i, int status)
{
	struct t_sent *s = t_sent(f, i);

	if (s->msg.status != status)
		fail_msg("expected %d, got:\n%s", status, s->buf);
}

/* Register UE 1's first REGISTER and return the 401. */
static struct t_sent *challenge(struct t_fix *f, struct t_reg *r)
{
	t_clear(f);
	t_rx_ue(f, r->ue, t_register_text(f, r));
	expect_status(f, 0, 401);
	return t_sent(f, 0);
}

/* The 401's challenge answered in a second REGISTER with CSeq @cseq; returns the reply. */
static struct t_sent *answer(struct t_fix *f, struct t_reg *r, unsigned int cseq)
{
	static char authz[1024];

	assert_int_equal(t_answer(f, r->ue, &t_sent(f, 0)->msg, authz, sizeof(authz)), AKA_OK);
	r->authz = authz;
	r->cseq = cseq;
	t_clear(f);
	t_rx_ue(f, r->ue, t_register_text(f, r));
	assert_int_equal(f->n_sent, 1);
	return t_sent(f, 0);
}

static void test_hss_reg_first_register_gets_aka_challenge(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	uint8_t k[16], opc[16], amf[2] = {0x80, 0x00}, both[32];
	char nonce[64], ck[33], ik[33], want[512];
	struct aka_vector av;
	struct t_sent *s = challenge(f, &r);
	char www[512];

	snprintf(www, sizeof(www), "%s", t_hdr(&s->msg, "WWW-Authenticate", 0));

	assert_int_equal(f->n_sent, 1);
	assert_int_equal(s->proto, SIP_PROTO_UDP);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:1:1::1]:5060");
	assert_string_equal(t_addr(&s->local), "[2001:db8:c::2]:5060");
	assert_non_null(strstr(t_hdr(&s->msg, "To", 0), ";tag="));
	/* The vector for the next SQN (0x21) with the RAND of the nonce. */
	snprintf(nonce, sizeof(nonce), "%s", t_auth_param(www, "nonce"));
	assert_int_equal(codec_base64_decode(nonce, strlen(nonce), both, sizeof(both)), 32);
	codec_hex_decode_exact(f->ue[1].k, k, 16);
	codec_hex_decode_exact(f->ue[1].opc, opc, 16);
	assert_int_equal(aka_vector_generate(k, opc, amf, 0x21, both, &av), 0);
	assert_memory_equal(both + 16, av.autn, 16);
	codec_hex_encode(av.ck, 16, ck, sizeof(ck));
	codec_hex_encode(av.ik, 16, ik, sizeof(ik));
	snprintf(want, sizeof(want),
		 "Digest realm=\"ims.test\", nonce=\"%s\", algorithm=AKAv1-MD5, qop=\"auth\", "
		 "ck=\"%s\", ik=\"%s\"",
		 nonce, ck, ik);
	assert_string_equal(www, want);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x21);
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
}

/* The REGISTER of the issue (the addr-pref-length proposal), to a registrar of home1.net. */
static void test_hss_reg_issue_example_gets_401(void **state)
{
	static const char example[] =
	    "REGISTER sip:registrar.home1.net SIP/2.0" CRLF
	    "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7" CRLF
	    "Max-Forwards: 70" CRLF "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
	    "To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[5555::aaa:bbb:ccc:ddd]" CRLF
	    "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
	    "Authorization: Digest username=\"user1_private@home1.net\", "
	    "realm=\"registrar.home1.net\", nonce=\"\", uri=\"sip:registrar.home1.net\", "
	    "response=\"\"" CRLF
	    "Security-Client: ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=12345678; SPI_U_TCP=23456789; "
	    "Port_U_UDP=1357; Port_U_TCP=1358; addr-pref-length=64" CRLF
	    "Require: sec-agree" CRLF "CSeq: 1 REGISTER" CRLF "Expires: 7200" CRLF
	    "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;
	struct hss_sip_config cfg = {.domain = "home1.net", .name = "sip:registrar.home1.net"};
	struct hss_subscriber *sub = hss_subscriber_new();
	const char *www;
	struct t_sent *s;

	assert_non_null(sub);
	hss_subscriber_set_impi(sub, "user1_private@home1.net");
	hss_subscriber_add_impu(sub, "sip:user1_public1@home1.net");
	hss_subscriber_set_opc(sub, sub->k);
	assert_int_equal(hss_db_subscriber_add(f->db, sub), 0);
	hss_subscriber_free(sub);
	t_use_config(f, &cfg);
	t_rx(f, SIP_PROTO_UDP, "[5555::aaa:bbb:ccc:ddd]:5060", 0, example);
	s = t_sent(f, 0);
	assert_int_equal(s->msg.status, 401);
	assert_string_equal(t_addr(&s->peer), "[5555::aaa:bbb:ccc:ddd]:5060");
	www = t_hdr(&s->msg, "WWW-Authenticate", 0);
	assert_string_equal(t_auth_param(www, "realm"), "home1.net");
	assert_int_equal(strlen(t_auth_param(www, "nonce")), 44);
	assert_int_equal(t_db_sqn(f, "user1_private@home1.net"), 1);
}

static void test_hss_reg_correct_response_gets_200_with_route_and_identities(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1,
			  .expires = "600",
			  .contact = "<sip:ue1@[2001:db8:1:1::1]:5060>;+g.3gpp.smsip",
			  .path = "<sip:term@[2001:db8:c::1]:5070;lr>"};
	const struct hss_reg *reg;
	struct t_sent *s;
	const char *date;
	struct tm tm;

	challenge(f, &r);
	s = answer(f, &r, 2);
	expect_status(f, 0, 200);
	assert_string_equal(t_hdr(&s->msg, "Contact", 0),
			    "<sip:ue1@[2001:db8:1:1::1]:5060>;+g.3gpp.smsip;expires=600");
	assert_null(t_hdr(&s->msg, "Contact", 1));
	assert_string_equal(t_hdr(&s->msg, "Path", 0), "<sip:term@[2001:db8:c::1]:5070;lr>");
	assert_string_equal(t_hdr(&s->msg, "Service-Route", 0), "<sip:orig@scscf.ims.test;lr>");
	assert_string_equal(t_hdr(&s->msg, "P-Associated-URI", 0),
			    "<sip:ue1@ims.test>, <tel:+15550001>");
	assert_null(t_hdr(&s->msg, "WWW-Authenticate", 0));
	assert_non_null(strstr(t_hdr(&s->msg, "To", 0), ";tag="));
	date = t_hdr(&s->msg, "Date", 0);
	assert_non_null(date);
	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm));
	assert_int_equal(strlen(date), 29);
	reg = hss_sip_binding(f->sip, "ue1@ims.test");
	assert_non_null(reg);
	assert_int_equal(reg->n_contacts, 1);
	assert_string_equal(reg->contacts[0].uri, "sip:ue1@[2001:db8:1:1::1]:5060");
	assert_string_equal(reg->contacts[0].path, "<sip:term@[2001:db8:c::1]:5070;lr>");
	assert_true(reg->contacts[0].expires_ms == f->now + 600000);
}

static void test_hss_reg_wrong_response_gets_403_and_uses_up_the_nonce(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char authz[1024], *resp;

	challenge(f, &r);
	assert_int_equal(t_answer(f, 1, &t_sent(f, 0)->msg, authz, sizeof(authz)), AKA_OK);
	resp = strstr(authz, "response=\"") + 10;
	*resp = *resp == '0' ? '1' : '0';
	r.authz = authz;
	r.cseq = 2;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 403);
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	/* The right answer to the same nonce comes too late: a new challenge. */
	*resp = *resp == '0' ? '1' : '0';
	r.cseq = 3;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 401);
}

static void test_hss_reg_auts_resynchronises_the_sqn(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char authz[1024];

	f->ue[1].sqn.sqn_ms = 0x500; /* the USIM is ahead of the HSS */
	challenge(f, &r);
	assert_int_equal(t_answer(f, 1, &t_sent(f, 0)->msg, authz, sizeof(authz)),
			 AKA_SYNC_FAILURE);
	assert_non_null(strstr(authz, "auts=\""));
	r.authz = authz;
	r.cseq = 2;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 401);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x501);
	answer(f, &r, 3);
	expect_status(f, 0, 200);
	assert_int_equal(f->ue[1].sqn.sqn_ms, 0x501);
}

static void test_hss_reg_forged_auts_gets_403(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char authz[1024];
	const char *nonce;

	challenge(f, &r);
	nonce = t_auth_param(t_hdr(&t_sent(f, 0)->msg, "WWW-Authenticate", 0), "nonce");
	snprintf(authz, sizeof(authz),
		 "Digest username=\"ue1@ims.test\", realm=\"ims.test\", nonce=\"%s\", "
		 "uri=\"sip:ims.test\", response=\"\", auts=\"AAECAwQFBgcICQoLDA0=\"",
		 nonce);
	r.authz = authz;
	r.cseq = 2;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 403);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x21);
}

static void test_hss_reg_stale_or_empty_credentials_get_a_new_challenge(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};

	/* A nonce we never sent (32 zero bytes). */
	r.authz = "Digest username=\"ue1@ims.test\", realm=\"ims.test\", "
		  "nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\", uri=\"sip:ims.test\", "
		  "response=\"0123456789abcdef0123456789abcdef\"";
	challenge(f, &r);
	/* TS 24.229 §5.1.1.2: the first REGISTER carries an empty nonce and response. */
	r.authz = "Digest username=\"ue1@ims.test\", realm=\"ims.test\", nonce=\"\", "
		  "uri=\"sip:ims.test\", response=\"\"";
	r.cseq = 2;
	challenge(f, &r);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x22);
}

static void test_hss_reg_digest_uri_must_be_the_request_uri(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char authz[1024], *uri;

	challenge(f, &r);
	assert_int_equal(t_answer(f, 1, &t_sent(f, 0)->msg, authz, sizeof(authz)), AKA_OK);
	uri = strstr(authz, "uri=\"sip:ims.test\"");
	memcpy(uri, "uri=\"sip:ims.tesx\"", 18);
	r.authz = authz;
	r.cseq = 2;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 400);
}

static void test_hss_reg_unknown_or_foreign_identities_get_403(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char text[4096], *to;

	/* Nobody: the IMPI derived from the To IMPU is unknown. */
	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	while ((to = strstr(text, "sip:ue1@ims.test")) != NULL)
		memcpy(to, "sip:ue9@ims.test", 16);
	t_clear(f);
	t_rx_ue(f, 1, text);
	expect_status(f, 0, 403);
	assert_string_equal(t_reason(&t_sent(f, 0)->msg), "Forbidden: unknown subscriber");
	/* ue2's IMPI registering ue1's IMPU. */
	r.authz = "Digest username=\"ue2@ims.test\", realm=\"ims.test\", nonce=\"\", "
		  "uri=\"sip:ims.test\", response=\"\"";
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 403);
	assert_int_equal(t_db_sqn(f, "ue2@ims.test"), 0x20);
}

static void test_hss_reg_other_domain_gets_404(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char text[4096];

	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	memcpy(text, "REGISTER sip:ims.tesx", 21);
	t_clear(f);
	t_rx_ue(f, 1, text);
	expect_status(f, 0, 404);
}

static void test_hss_reg_deregistration_removes_the_binding(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "0", .cseq = 3};
	struct t_sent *s;

	t_register(f, 1, NULL, NULL);
	assert_non_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	challenge(f, &r);
	s = answer(f, &r, 4);
	expect_status(f, 0, 200);
	assert_null(t_hdr(&s->msg, "Contact", 0));
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
}

static void test_hss_reg_contact_star_removes_every_contact(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .contact = "*", .expires = "0", .cseq = 5};

	t_register(f, 1, NULL, NULL);
	t_register(f, 1, "<sip:ue1@[2001:db8:1:1::1]:5062>", NULL);
	assert_int_equal(hss_sip_binding(f->sip, "ue1@ims.test")->n_contacts, 2);
	challenge(f, &r);
	answer(f, &r, 6);
	expect_status(f, 0, 200);
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	/* "*" with a non-zero Expires is an error. */
	r.expires = "600";
	r.cseq = 7;
	challenge(f, &r);
	answer(f, &r, 8);
	expect_status(f, 0, 400);
}

static void test_hss_reg_bindings_expire_by_timer(void **state)
{
	struct t_fix *f = *state;

	t_register(f, 1, NULL, NULL);
	hss_sip_expire(f->sip, f->now + 599000);
	assert_non_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	hss_sip_expire(f->sip, f->now + 600000);
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
}

static void test_hss_reg_reregistration_refreshes_and_older_cseq_is_refused(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600", .cseq = 3};
	char authz[1024];

	t_register(f, 1, NULL, NULL);
	f->now += 300000;
	challenge(f, &r);
	answer(f, &r, 4);
	expect_status(f, 0, 200);
	assert_true(hss_sip_binding(f->sip, "ue1@ims.test")->contacts[0].expires_ms ==
		    f->now + 600000);
	/* Same Call-ID, a CSeq below the binding's (RFC 3261 §10.3 step 7). */
	r.cseq = 5;
	challenge(f, &r);
	assert_int_equal(t_answer(f, 1, &t_sent(f, 0)->msg, authz, sizeof(authz)), AKA_OK);
	r.authz = authz;
	r.cseq = 3;
	r.branch = "z9hG4bKold";
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 400);
}

static void test_hss_reg_intervals_below_min_get_423_above_max_are_cut(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "30"};
	struct t_sent *s;

	challenge(f, &r);
	s = answer(f, &r, 2);
	expect_status(f, 0, 423);
	assert_string_equal(t_hdr(&s->msg, "Min-Expires", 0), "60");
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	r.expires = "4000000000";
	r.cseq = 3;
	challenge(f, &r);
	s = answer(f, &r, 4);
	expect_status(f, 0, 200);
	assert_string_equal(t_hdr(&s->msg, "Contact", 0),
			    "<sip:ue1@[2001:db8:1:1::1]:5060>;expires=600000");
}

static void test_hss_reg_retransmission_gets_the_same_401(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	const char *text = t_register_text(f, &r);

	t_rx_ue(f, 1, text);
	t_rx_ue(f, 1, text);
	assert_int_equal(f->n_sent, 2);
	assert_int_equal(f->sent[0].len, f->sent[1].len);
	assert_memory_equal(f->sent[0].buf, f->sent[1].buf, f->sent[0].len);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x21);
	/* Not after Timer J. */
	f->now += 33000;
	hss_sip_expire(f->sip, f->now);
	t_rx_ue(f, 1, text);
	assert_int_equal(f->n_sent, 3);
	assert_int_equal(t_db_sqn(f, "ue1@ims.test"), 0x22);
}

static void test_hss_reg_protected_reregistration_skips_the_challenge(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600", .cseq = 3};

	r.authz = "Digest username=\"ue1@ims.test\", realm=\"ims.test\", nonce=\"\", "
		  "uri=\"sip:ims.test\", response=\"\", integrity-protected=\"yes\"";
	/* Not registered yet: authenticated all the same. */
	challenge(f, &r);
	t_register(f, 1, NULL, NULL);
	r.cseq = 5;
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 200);
}

/* The P-CSCF's de-REGISTER on a UE's behalf (pcscfctl deregister): integrity-protected, so
 * not challenged, and the binding goes. */
static void test_hss_reg_protected_deregistration_removes_the_binding(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "0", .cseq = 9};

	r.authz = "Digest username=\"ue1@ims.test\", realm=\"ims.test\", uri=\"sip:ims.test\", "
		  "nonce=\"\", response=\"\", integrity-protected=\"yes\"";
	t_register(f, 1, NULL, NULL);
	assert_non_null(hss_sip_binding(f->sip, "ue1@ims.test"));
	t_clear(f);
	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 200);
	assert_null(hss_sip_binding(f->sip, "ue1@ims.test"));
}

static void test_hss_reg_always_challenge_challenges_protected_ones(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600", .cseq = 3};

	r.authz = "Digest username=\"ue1@ims.test\", realm=\"ims.test\", nonce=\"\", "
		  "uri=\"sip:ims.test\", response=\"\", integrity-protected=\"yes\"";
	t_register(f, 1, NULL, NULL);
	challenge(f, &r);
}

static void test_hss_reg_unknown_required_option_gets_420(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600", .extra = "Require: sec-agree, foo" CRLF};

	t_rx_ue(f, 1, t_register_text(f, &r));
	expect_status(f, 0, 420);
	assert_string_equal(t_hdr(&t_sent(f, 0)->msg, "Unsupported", 0), "foo");
	/* sec-agree and path alone are fine (the P-CSCF handles sec-agree). */
	r.extra = "Require: sec-agree, path" CRLF;
	r.cseq = 2;
	challenge(f, &r);
}

static void test_hss_reg_tcp_response_goes_on_the_connection(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char text[4096], *udp;

	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	udp = strstr(text, "SIP/2.0/UDP");
	memcpy(udp, "SIP/2.0/TCP", 11);
	t_rx(f, SIP_PROTO_TCP, "[2001:db8:1:1::1]:40001", 7, text);
	expect_status(f, 0, 401);
	assert_int_equal(f->sent[0].proto, SIP_PROTO_TCP);
	assert_int_equal(f->sent[0].conn_id, 7);
	/* If the connection is gone: to the source address and the sent-by port. */
	assert_string_equal(t_addr(&f->sent[0].peer), "[2001:db8:1:1::1]:5060");
}

static void test_hss_reg_response_follows_received_and_rport(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600", .rport = true};
	struct t_sent *s;

	/* A UE behind a NAT: another address and port than its Via says. */
	t_rx(f, SIP_PROTO_UDP, "[2001:db8:1:1::99]:40000", 0, t_register_text(f, &r));
	s = t_sent(f, 0);
	assert_int_equal(s->msg.status, 401);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:1:1::99]:40000");
	assert_string_equal(t_hdr(&s->msg, "Via", 0),
			    "SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKreg1;rport=40000;"
			    "received=2001:db8:1:1::99");
	/* Without rport: the source address, the Via port. */
	t_clear(f);
	r.rport = false;
	r.cseq = 2;
	t_rx(f, SIP_PROTO_UDP, "[2001:db8:1:1::99]:40000", 0, t_register_text(f, &r));
	assert_string_equal(t_addr(&t_sent(f, 0)->peer), "[2001:db8:1:1::99]:5060");
}

static void test_hss_reg_malformed_requests_get_the_parser_status(void **state)
{
	struct t_fix *f = *state;
	struct t_reg r = {.ue = 1, .expires = "600"};
	char text[16384], *p;
	size_t i;

	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	p = strstr(text, "Max-Forwards: 70");
	memcpy(p, "Max-Forwards: 7x", 16);
	t_rx_ue(f, 1, text);
	expect_status(f, 0, 400);
	assert_string_equal(t_reason(&t_sent(f, 0)->msg), "Bad Request: malformed Max-Forwards");
	/* Another SIP version: 505. */
	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	memcpy(strstr(text, "SIP/2.0\r\n"), "SIP/3.0", 7);
	t_rx_ue(f, 1, text);
	expect_status(f, 1, 505);
	/* Too many header lines: 513. */
	snprintf(text, sizeof(text), "%s", t_register_text(f, &r));
	p = strstr(text, "Content-Length");
	for (i = 0; i < 130; i++)
		p += sprintf(p, "X-Filler: %zu" CRLF, i);
	sprintf(p, "Content-Length: 0" CRLF CRLF);
	t_rx_ue(f, 1, text);
	expect_status(f, 2, 513);
	/* No Via: nowhere to answer. */
	t_rx_ue(f, 1, "REGISTER sip:ims.test SIP/2.0" CRLF "From: <sip:a@b>;tag=1" CRLF
		      "To: <sip:a@b>" CRLF "Call-ID: x" CRLF "CSeq: 1 REGISTER" CRLF CRLF);
	assert_int_equal(f->n_sent, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hss_reg_first_register_gets_aka_challenge,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_issue_example_gets_401, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_correct_response_gets_200_with_route_and_identities, t_setup,
		t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_wrong_response_gets_403_and_uses_up_the_nonce, t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_auts_resynchronises_the_sqn, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_forged_auts_gets_403, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_stale_or_empty_credentials_get_a_new_challenge, t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_digest_uri_must_be_the_request_uri,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_unknown_or_foreign_identities_get_403,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_other_domain_gets_404, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_deregistration_removes_the_binding,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_contact_star_removes_every_contact,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_bindings_expire_by_timer, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_reregistration_refreshes_and_older_cseq_is_refused, t_setup,
		t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_intervals_below_min_get_423_above_max_are_cut, t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_retransmission_gets_the_same_401,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_protected_reregistration_skips_the_challenge, t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(
		test_hss_reg_protected_deregistration_removes_the_binding, t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_always_challenge_challenges_protected_ones,
					    t_setup_always_challenge, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_unknown_required_option_gets_420, t_setup,
					    t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_tcp_response_goes_on_the_connection,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_response_follows_received_and_rport,
					    t_setup, t_teardown),
	    cmocka_unit_test_setup_teardown(test_hss_reg_malformed_requests_get_the_parser_status,
					    t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
