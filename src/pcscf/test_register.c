/*
 * test_register — REGISTER through the P-CSCF's logic, message by message, without sockets
 * or a kernel (test_harness.h): sec-agree answers (421, 494, 400, 403), the set installed on
 * the 401 and CK/IK hidden, Security-Server in both syntaxes, the protected REGISTER
 * (Security-Verify, integrity-protected, Path), registration, re-registration with a new
 * set, de-registration and expiry. Expected headers are written out by hand from RFC 3261,
 * RFC 3329 §2.3.1, RFC 3581, TS 24.229 §5.2.2 and TS 33.203; CK/IK are TS 35.208 test set
 * 1; the REGISTER is the test vector of the addr-pref-length proposal (issue 4).
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
#include "pcscf/test_harness.h"

static const char *reregister_over_old(void)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:registrar.home1.net SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE
		 "]:1358;branch=z9hG4bKr3" CRLF "Max-Forwards: 70" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		 "To: <sip:user1_public1@home1.net>" CRLF "Contact: sip:[" UE "]" CRLF
		 "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
		 "Authorization: Digest username=\"user1_private@home1.net\", realm=\"r\", "
		 "nonce=\"n\", "
		 "uri=\"sip:registrar.home1.net\", response=\"r\"" CRLF
		 "Security-Client: ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=777; SPI_U_TCP=778; "
		 "Port_U_UDP=2357; Port_U_TCP=2358; addr-pref-length=64" CRLF
		 "Security-Verify: " SERVER_MAN CRLF "Require: sec-agree" CRLF
		 "CSeq: 3 REGISTER" CRLF "Expires: 600" CRLF "Content-Length: 0" CRLF CRLF);
	return text;
}

static const char *plain_register(const char *extra)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "REGISTER sip:ims.test SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKp1" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::9]:5060;branch=z9hG4bKp0" CRLF
		 "Max-Forwards: 70" CRLF "From: <sip:ue1@ims.test>;tag=p1" CRLF
		 "To: <sip:ue1@ims.test>" CRLF "Call-ID: plain1" CRLF "CSeq: 1 REGISTER" CRLF
		 "Contact: <sip:[2001:db8:1:1::1]>" CRLF "%s"
		 "Content-Length: 0" CRLF CRLF,
		 extra);
	return text;
}

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
	assert_string_equal(hdr(s, "Via", 1),
			    "SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7");
	assert_string_equal(hdr(s, "Path", 0), PATH);
	assert_string_equal(hdr(s, "Max-Forwards", 0), "69");
	assert_int_equal(hdr_count(s, "Security-Client"), 0);
	assert_int_equal(hdr_count(s, "Require"), 0);
	assert_string_equal(
		hdr(s, "Authorization", 0),
		"Digest username=\"user1_private@home1.net\", realm=\"registrar.home1.net\", "
		"nonce=\"\", uri=\"sip:registrar.home1.net\", response=\"\", "
		"integrity-protected=\"no\"");
	assert_string_equal(hdr(s, "Contact", 0), "sip:[5555::aaa:bbb:ccc:ddd]");
	pcscf_get_stats(p, &st);
	assert_int_equal(st.pending, 1);
	assert_int_equal(mock.ninstalls, 0);
}

/* The vector, its 401 and the checks on the set; leaves the 401 as the last sent. */
static void test_pcscf_401_installs_the_set_and_hides_the_keys(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	register_to_401(p);
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 401);
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_string_equal(hdr(s, "Via", 0),
			    "SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7");
	assert_string_equal(hdr(s, "WWW-Authenticate", 0),
			    "Digest realm=\"registrar.home1.net\", nonce=\"bm9uY2U=\", "
			    "algorithm=AKAv1-MD5, qop=\"auth\"");
	assert_null(strstr(s->buf, CK));
	assert_null(strstr(s->buf, IK));
	assert_string_equal(hdr(s, "Security-Server", 0),
			    "ipsec-man;alg=HMAC-SHA1;SPI_P_UDP=20480;SPI_P_TCP=20481;"
			    "Port_P_UDP=5066;Port_P_TCP=5064;addr-pref-length=64");
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
	assert_string_equal(
		hdr(s, "Authorization", 0),
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

/* The registration reaches the state database before its 200 is sent, with the sealed
 * keys the parent returned; de-registration forgets it. */
static void test_pcscf_registration_is_saved_before_its_200(void **state)
{
	struct pcscf *p = *state;
	uint8_t sealed[SEAL_BLOB_LEN];

	register_fully(p);
	assert_int_equal(mock.nsaved, 1);
	assert_int_equal(sent_msg(sent_last())->status, 200);
	/* REGISTER, 401, protected REGISTER forwarded: saved then, before the 200 went */
	assert_int_equal(mock.sent_at_save, 3);
	assert_int_equal(mock.nsent, 4);
	assert_int_equal(mock.saved_reqid, 0x50c50000);
	memset(sealed, 0x5e, sizeof(sealed));
	assert_memory_equal(mock.saved_sealed, sealed, SEAL_BLOB_LEN);
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "0"));
	scscf_answers(p, sent_last(), "200 OK", "2 REGISTER", "");
	assert_int_equal(mock.nforgotten, 1);
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

static void test_pcscf_without_sec_agree_gets_421(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060, plain_register(""));
	s = sent_last();
	assert_int_equal(sent_msg(s)->status, 421);
	assert_string_equal(hdr(s, "Require", 0), "sec-agree");
	assert_int_equal(hdr_count(s, "Via"), 1);
	assert_string_equal(hdr(s, "Via", 0),
			    "SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKp1");
	expect_prefix(hdr(s, "Security-Server", 0), "ipsec-3gpp;alg=");
	expect_prefix(hdr(s, "To", 0), "<sip:ue1@ims.test>;tag=");
	expect_dest(s, "[2001:db8:a::1]:5060", "[2001:db8:1:1::1]:5060");
	assert_int_equal(mock.ninstalls, 0);
}

static void test_pcscf_sec_agree_only_supported_gets_494(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	rx(p, ACCESS, 5060, "2001:db8:1:1::1", 5060,
	   plain_register("Supported: path, sec-agree" CRLF));
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

static void test_pcscf_reregistration_swaps_sets(void **state)
{
	struct pcscf *p = *state;
	char verify[512];
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, reregister_over_old());
	assert_string_equal(
		hdr(sent_last(), "Authorization", 0),
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

/* RFC 3261 §17.2.2: a UDP retransmission of a REGISTER waiting for the S-CSCF is absorbed
 * (the S-CSCF would challenge every copy); once answered, a copy goes on as before. */
static void test_pcscf_register_retransmission_is_absorbed_while_pending(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;

	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	rx(p, ACCESS, 5060, UE, 5060, register_vector);
	assert_int_equal(mock.nsent, 1);
	scscf_answers(p, sent_last(), "401 Unauthorized", "1 REGISTER", challenge);
	assert_int_equal(mock.nsent, 2);
	assert_int_equal(mock.ninstalls, 1);
	rx(p, ACCESS, 5060, UE, 5060, register_vector); /* the 401 was lost */
	assert_int_equal(mock.nsent, 3);
	expect_dest(sent_last(), "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "600"));
	rx(p, ACCESS, 5064, UE, 1357, protected_register(SERVER_MAN, "600"));
	assert_int_equal(mock.nsent, 4);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.absorbed, 2);
	scscf_answers(p, sent_last(), "200 OK", "2 REGISTER", ok_200);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.registrations, 1);
}

/* Mutate @text (flip, insert CR/LF/NUL/commas/quotes, truncate) with a fixed seed. */
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pcscf_issue4_vector_is_forwarded_with_path),
		T(test_pcscf_401_installs_the_set_and_hides_the_keys),
		T(test_pcscf_protected_register_is_marked_and_forwarded),
		T(test_pcscf_200_registers_and_extends_the_set),
		T(test_pcscf_registration_is_saved_before_its_200),
		T(test_pcscf_verify_mismatch_gets_494_and_loses_the_set),
		T(test_pcscf_deregistration_leaves_no_set),
		T(test_pcscf_expiry_deletes_the_set),
		T(test_pcscf_pending_registration_times_out),
		T(test_pcscf_without_sec_agree_gets_421),
		T(test_pcscf_sec_agree_only_supported_gets_494),
		T(test_pcscf_bad_security_client_gets_400),
		T(test_pcscf_unacceptable_offer_gets_494_naming_why),
		T(test_pcscf_reregistration_swaps_sets),
		T(test_pcscf_failed_install_turns_the_401_into_500),
		T(test_pcscf_shutdown_deletes_every_set),
		T(test_pcscf_repeated_challenge_keeps_the_set),
		T(test_pcscf_register_retransmission_is_absorbed_while_pending),
	};

	log_init("test_register", LOG_LEVEL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
