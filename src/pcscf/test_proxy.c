/*
 * test_proxy — requests and responses through the P-CSCF's logic once a UE is registered
 * (test_harness.h): originating requests (P-Asserted-Identity, Service-Route, Record-Route,
 * sec-agree leftovers removed), temporary addresses, terminating requests over the SAs,
 * responses by transaction, what is dropped, malformed input, and mutated messages on
 * every side (ASan/UBSan builds check memory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pcscf/test_harness.h"

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
	rx(p, ACCESS, 5064, UE, 1357,
	   message_from(UE, "P-Preferred-Identity: <tel:+15551234>" CRLF));
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
		 "From: <sip:user2@home1.net>;tag=i1" CRLF
		 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF
		 "CSeq: 1 INVITE" CRLF "Content-Length: 0" CRLF CRLF,
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

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, originating_invite);
	assert_string_equal(hdr(sent_last(), "Record-Route", 0),
			    "<sip:[2001:db8:c::1]:5060;lr>, <sip:[2001:db8:a::1]:5064;lr>");
}

/* Both our entries lead one Route line: what stays is a well-formed list (no ", <mt>"). */
static void test_pcscf_in_dialog_route_pops_both_our_entries(void **state)
{
	struct pcscf *p = *state;
	char text[2048];

	register_fully(p);
	snprintf(text, sizeof(text),
		 "BYE sip:[2001:db8:1:2::1]:5100 SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE
		 "]:1358;branch=z9hG4bKb3" CRLF "Max-Forwards: 70" CRLF
		 "Route: <sip:[2001:db8:a::1]:5064;lr>, <sip:[2001:db8:c::1]:5060;lr>, "
		 "<sip:mt@[2001:db8:c::2]:5060;lr>" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=u1" CRLF
		 "To: <sip:user2@home1.net>;tag=i1" CRLF "Call-ID: inv1" CRLF "CSeq: 2 BYE" CRLF
		 "Content-Length: 0" CRLF CRLF);
	rx(p, ACCESS, 5064, UE, 1357, text);
	assert_string_equal(hdr(sent_last(), "Route", 0), "<sip:mt@[2001:db8:c::2]:5060;lr>");
	assert_int_equal(hdr_count(sent_last(), "Route"), 1);
}

/* Both ends of the dialog are our UEs: the route set names us twice (caller side, then
 * callee side). Only the caller side's pair goes; the ACK keeps the callee side's entries,
 * so it comes back to us and reaches the callee over its SAs, never around them. */
static void test_pcscf_dialog_between_our_ues_keeps_the_second_pass(void **state)
{
	struct pcscf *p = *state;
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357,
	   "ACK sip:user2@[5555::1:2:3:4]:6101 SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE
	   "]:1358;branch=z9hG4bKa3" CRLF "Max-Forwards: 70" CRLF
	   "Route: <sip:[2001:db8:a::1]:5064;lr>, <sip:[2001:db8:c::1]:5060;lr>, "
	   "<sip:[2001:db8:c::1]:5060;lr>, <sip:10.1.0.1:5064;lr>" CRLF
	   "From: <sip:user1_public1@home1.net>;tag=i3" CRLF "To: <sip:user2@home1.net>;tag=u3" CRLF
	   "Call-ID: inv3" CRLF "CSeq: 1 ACK" CRLF "Content-Length: 0" CRLF CRLF);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_int_equal(sent_msg(s)->method, SIP_METHOD_ACK);
	assert_int_equal(hdr_count(s, "Route"), 1);
	assert_string_equal(hdr(s, "Route", 0),
			    "<sip:[2001:db8:c::1]:5060;lr>, <sip:10.1.0.1:5064;lr>");
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
	static const char no_cseq[] =
		"OPTIONS sip:x@ims.test SIP/2.0" CRLF
		"Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKb1" CRLF
		"Max-Forwards: 70" CRLF "From: <sip:a@ims.test>;tag=1" CRLF
		"To: <sip:x@ims.test>" CRLF "Call-ID: bad1" CRLF "Content-Length: 0" CRLF CRLF;
	static const char garbage[] = "\x01\x02 not sip at all\r\n\r\n";
	struct pcscf_stats st;

	rx(p, CORE, 5060, SCSCF, 5060,
	   "OPTIONS sip:x@ims.test SIP/2.0" CRLF
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

/* Our Via on a UE's 200 with our branch but another host or port (RFC 3261 §18.1.2): not
 * ours, dropped and counted; the same address written otherwise is still ours. */
static void test_pcscf_response_with_changed_sent_by_is_dropped(void **state)
{
	static const struct {
		const char *from, *to;
		bool relayed;
	} cases[] = {{"[2001:db8:a::1]:5066", "[2001:db8:a::9]:5066", false},
		     {"[2001:db8:a::1]:5066", "[2001:db8:a::1]:5067", false},
		     {"[2001:db8:a::1]:5066", "[2001:db8:a::1]", false},
		     {"[2001:db8:a::1]:5066", "[2001:DB8:A:0::1]:5066", true}};
	struct pcscf *p = *state;
	char via[512], reply[2048];
	struct pcscf_stats st;
	struct sent *s;
	size_t before;

	register_fully(p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rx(p, CORE, 5060, SCSCF, 5060, terminating_invite);
		s = sent_last();
		expect_prefix(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:a::1]:5066;");
		snprintf(via, sizeof(via), "SIP/2.0/UDP %s%s", cases[i].to,
			 hdr(s, "Via", 0) + strlen("SIP/2.0/UDP ") + strlen(cases[i].from));
		snprintf(reply, sizeof(reply),
			 "SIP/2.0 486 Busy Here" CRLF "Via: %s" CRLF "Via: %s" CRLF
			 "From: <sip:user2@home1.net>;tag=i1" CRLF
			 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF
			 "CSeq: 1 INVITE" CRLF "Content-Length: 0" CRLF CRLF,
			 via, hdr(s, "Via", 1));
		before = mock.nsent;
		rx(p, ACCESS, 5066, UE, 1358, reply);
		assert_int_equal(mock.nsent, before + cases[i].relayed);
		pcscf_get_stats(p, &st);
		assert_int_equal(st.drop_no_txn, i + 1 - (i >= 3));
	}
	/* from the core side too: the S-CSCF's answer to an originating MESSAGE */
	rx(p, ACCESS, 5064, UE, 1357, message_from(UE, ""));
	s = sent_last();
	snprintf(via, sizeof(via), "SIP/2.0/UDP [2001:db8:c::7]:5060%s",
		 hdr(s, "Via", 0) + strlen("SIP/2.0/UDP [2001:db8:c::1]:5060"));
	snprintf(reply, sizeof(reply),
		 "SIP/2.0 200 OK" CRLF "Via: %s" CRLF "Via: %s" CRLF "From: <sip:a@b>;tag=1" CRLF
		 "To: <sip:c@d>;tag=2" CRLF "Call-ID: x" CRLF "CSeq: 1 MESSAGE" CRLF
		 "Content-Length: 0" CRLF CRLF,
		 via, hdr(s, "Via", 1));
	before = mock.nsent;
	rx(p, CORE, 5060, SCSCF, 5060, reply);
	assert_int_equal(mock.nsent, before);
	pcscf_get_stats(p, &st);
	assert_int_equal(st.drop_no_txn, 4);
}

/* The UE's answer to a terminating INVITE: toward the core, P-Asserted-Identity is ours
 * (the registered identity, or a registered P-Preferred-Identity), never the UE's. */
static void test_pcscf_ue_response_identity_is_asserted_by_us(void **state)
{
	static const struct {
		const char *status, *extra, *pai;
	} cases[] = {
		{"180 Ringing", "P-Asserted-Identity: <sip:ceo@home1.net>" CRLF,
		 "<sip:user1_public1@home1.net>"},
		{"200 OK",
		 "P-Asserted-Identity: <sip:ceo@home1.net>" CRLF
		 "P-Preferred-Identity: <tel:+15551234>" CRLF,
		 "<tel:+15551234>"},
	};
	struct pcscf *p = *state;
	char reply[2048], via0[512], via1[512];
	struct sent *fwd;

	register_fully(p);
	rx(p, CORE, 5060, SCSCF, 5060, terminating_invite);
	snprintf(via0, sizeof(via0), "%s", hdr(sent_last(), "Via", 0));
	snprintf(via1, sizeof(via1), "%s", hdr(sent_last(), "Via", 1));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(reply, sizeof(reply),
			 "SIP/2.0 %s" CRLF "Via: %s" CRLF "Via: %s" CRLF
			 "From: <sip:user2@home1.net>;tag=i1" CRLF
			 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF
			 "CSeq: 1 INVITE" CRLF "%sContent-Length: 0" CRLF CRLF,
			 cases[i].status, via0, via1, cases[i].extra);
		rx(p, ACCESS, 5066, UE, 1358, reply);
		fwd = sent_last();
		expect_dest(fwd, "[" CORE "]:5060", "[" SCSCF "]:5060");
		assert_int_equal(hdr_count(fwd, "P-Asserted-Identity"), 1);
		assert_string_equal(hdr(fwd, "P-Asserted-Identity", 0), cases[i].pai);
		assert_int_equal(hdr_count(fwd, "P-Preferred-Identity"), 0);
	}
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
	} from[] = {{ACCESS, UE, 5060, 5060},  {ACCESS, UE, 5064, 1357},  {ACCESS, UE, 5064, 1357},
		    {CORE, SCSCF, 5060, 5060}, {CORE, SCSCF, 5060, 5060}, {ACCESS, UE, 5066, 1358}};
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
		 "SIP/2.0 200 OK" CRLF "Via: %s" CRLF "Via: %s" CRLF
		 "From: <sip:user2@home1.net>;tag=i1" CRLF
		 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF
		 "CSeq: 1 INVITE" CRLF "Content-Length: 0" CRLF CRLF,
		 hdr(sent_last(), "Via", 0), hdr(sent_last(), "Via", 1));
	text[5] = strdup(out);
	for (unsigned i = 0; i < 60000; i++) {
		size_t len = mutate(text[i % 6], out, sizeof(out), &seed);

		peer(&pe, from[i % 6].local, from[i % 6].lport, from[i % 6].remote,
		     from[i % 6].rport);
		pe.proto = i % 12 < 6 ? SIP_PROTO_UDP : SIP_PROTO_TCP;
		pcscf_rx(p, &pe, out, len, now_ms);
	}
	for (int k = 0; k < 6; k++)
		free(text[k]);
	pcscf_shutdown(p);
}

/* The same with "signing" on (what it does: test_sign_proxy.c): its paths survive too. */
static void test_pcscf_mutated_messages_are_survived_signing(void **state)
{
	test_pcscf_mutated_messages_are_survived(state);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pcscf_message_gets_identity_and_service_route),
		T(test_pcscf_new_address_gets_sas_before_the_answer),
		T(test_pcscf_terminating_request_goes_over_the_sas),
		T(test_pcscf_ue_response_identity_is_asserted_by_us),
		T(test_pcscf_originating_invite_is_record_routed),
		T(test_pcscf_in_dialog_route_pops_both_our_entries),
		T(test_pcscf_dialog_between_our_ues_keeps_the_second_pass),
		T(test_pcscf_unprotected_requests_get_no_service),
		T(test_pcscf_malformed_request_gets_400_with_reason),
		T(test_pcscf_response_without_our_transaction_is_dropped),
		T(test_pcscf_response_with_changed_sent_by_is_dropped),
		T(test_pcscf_unregistered_protected_source_is_dropped),
		T(test_pcscf_acquire_inside_a_prefix_adds_the_address),
		T(test_pcscf_mutated_messages_are_survived),
		cmocka_unit_test_setup_teardown(test_pcscf_mutated_messages_are_survived_signing,
						setup_signing, teardown),
	};

	log_init("test_proxy", LOG_LEVEL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
