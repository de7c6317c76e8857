/*
 * test_hss_proxy.c — the S-CSCF's stateless routing on crafted messages: terminating
 * requests to a registered IMPU through its Path (RFC 3327) or straight to its contact,
 * 404/480 for unknown and unregistered users, Route values naming us removed, in-dialog
 * requests routed by Route / Request-URI, Max-Forwards, our own Via and its stateless
 * branch (RFC 3261 §16.11: CANCEL as its INVITE), ACKs for our own errors, and responses
 * routed back by Via (received/rport). Expected texts are written out by hand from
 * RFC 3261 §16.6 and §16.7.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_hss_sip.h"

#define CRLF "\r\n"
#define PCSCF "[2001:db8:c::1]:5070"
#define PATH  "<sip:term@[2001:db8:c::1]:5070;lr>"

/* A MESSAGE from ue1 to @ruri as the P-CSCF forwards it to the S-CSCF. */
static const char *message(const char *ruri, const char *route, const char *branch)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "MESSAGE %s SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=%s" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;rport=5060;branch=z9hG4bKue1" CRLF
		 "%s%s%s"
		 "Max-Forwards: 69" CRLF
		 "From: <sip:ue1@ims.test>;tag=a1" CRLF
		 "To: <sip:ue2@ims.test>" CRLF
		 "Call-ID: msg-1" CRLF
		 "CSeq: 1 MESSAGE" CRLF
		 "Content-Type: text/plain" CRLF
		 "Content-Length: 5" CRLF CRLF "hello",
		 ruri, branch, route ? "Route: " : "", route ? route : "", route ? CRLF : "");
	return buf;
}

static struct t_sent *only_sent(struct t_fix *f)
{
	if (f->n_sent != 1)
		fail_msg("expected one message, %zu sent", f->n_sent);
	return t_sent(f, 0);
}

/* The branch of our Via in a forwarded request (static buffer). */
static const char *our_branch(struct t_sent *s)
{
	static char buf[64];
	const char *via = t_hdr(&s->msg, "Via", 0), *b = strstr(via, ";branch=");

	assert_non_null(b);
	snprintf(buf, sizeof(buf), "%s", b + 8);
	assert_int_equal(strncmp(buf, "z9hG4bK-hss-", 12), 0);
	assert_int_equal(strlen(buf), 32);
	return buf;
}

static void test_hss_proxy_terminating_request_goes_through_path(void **state)
{
	struct t_fix *f = *state;
	char want[2048];
	struct t_sent *s;
	const char *branch;

	t_register(f, 2, NULL, PATH);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0,
	     message("sip:ue2@ims.test", "<sip:orig@scscf.ims.test;lr>", "z9hG4bKp1"));
	s = only_sent(f);
	assert_int_equal(s->proto, SIP_PROTO_UDP);
	assert_string_equal(t_addr(&s->peer), PCSCF);
	assert_true(s->has_local);
	assert_string_equal(t_addr(&s->local), "[2001:db8:c::2]:5060");
	branch = our_branch(s);
	snprintf(want, sizeof(want),
		 "MESSAGE sip:ue2@[2001:db8:1:2::1]:5060 SIP/2.0" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=%s" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKp1" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;rport=5060;branch=z9hG4bKue1" CRLF
		 "Route: " PATH CRLF "Max-Forwards: 68" CRLF
		 "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:ue2@ims.test>" CRLF
		 "Call-ID: msg-1" CRLF "CSeq: 1 MESSAGE" CRLF "Content-Type: text/plain" CRLF
		 "Content-Length: 5" CRLF CRLF "hello",
		 branch);
	assert_string_equal(s->buf, want);
}

static void test_hss_proxy_without_path_goes_to_the_contact(void **state)
{
	struct t_fix *f = *state;
	struct t_sent *s;

	t_register(f, 2, NULL, NULL);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKp1"));
	s = only_sent(f);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:1:2::1]:5060");
	assert_null(t_hdr(&s->msg, "Route", 0));
	assert_true(sip_str_eq(s->msg.ruri, "sip:ue2@[2001:db8:1:2::1]:5060"));
}

static void test_hss_proxy_unregistered_gets_480_unknown_gets_404(void **state)
{
	struct t_fix *f = *state;

	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKa"));
	assert_int_equal(only_sent(f)->msg.status, 480);
	assert_string_equal(t_addr(&f->sent[0].peer), PCSCF);
	t_clear(f);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:nobody@ims.test", NULL, "z9hG4bKb"));
	assert_int_equal(only_sent(f)->msg.status, 404);
	/* Another registered user's IMPU works; a tel: IMPU of a registered user too. */
	t_register(f, 1, NULL, NULL);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("tel:+15550001", NULL, "z9hG4bKc"));
	assert_string_equal(t_addr(&only_sent(f)->peer), "[2001:db8:1:1::1]:5060");
}

static void test_hss_proxy_ack_of_our_error_is_absorbed(void **state)
{
	static const char invite[] =
	    "INVITE sip:nobody@ims.test SIP/2.0" CRLF
	    "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKinv" CRLF "Max-Forwards: 70" CRLF
	    "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:nobody@ims.test>" CRLF
	    "Call-ID: inv-1" CRLF "CSeq: 1 INVITE" CRLF "Content-Length: 0" CRLF CRLF;
	static const char ack[] =
	    "ACK sip:nobody@ims.test SIP/2.0" CRLF
	    "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKinv" CRLF "Max-Forwards: 70" CRLF
	    "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:nobody@ims.test>;tag=x" CRLF
	    "Call-ID: inv-1" CRLF "CSeq: 1 ACK" CRLF "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;

	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, invite);
	assert_int_equal(only_sent(f)->msg.status, 404);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, ack);
	assert_int_equal(f->n_sent, 1);
	/* The INVITE again: the same answer, byte for byte. */
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, invite);
	assert_int_equal(f->n_sent, 2);
	assert_string_equal(f->sent[0].buf, f->sent[1].buf);
}

static void test_hss_proxy_responses_go_back_by_via(void **state)
{
	struct t_fix *f = *state;
	char resp[2048], want[2048], branch[64];
	struct t_sent *s;

	t_register(f, 2, NULL, PATH);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKp1"));
	snprintf(branch, sizeof(branch), "%s", our_branch(only_sent(f)));
	t_clear(f);
	snprintf(resp, sizeof(resp),
		 "SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=%s, "
		 "SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKp1;received=2001:db8:c::9;rport=6000" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;rport=5060;branch=z9hG4bKue1" CRLF
		 "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:ue2@ims.test>;tag=b2" CRLF
		 "Call-ID: msg-1" CRLF "CSeq: 1 MESSAGE" CRLF "Content-Length: 0" CRLF CRLF,
		 branch);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, resp);
	s = only_sent(f);
	assert_int_equal(s->proto, SIP_PROTO_UDP);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:c::9]:6000");
	snprintf(want, sizeof(want),
		 "SIP/2.0 200 OK" CRLF "Via: "
		 "SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKp1;received=2001:db8:c::9;rport=6000" CRLF
		 "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;rport=5060;branch=z9hG4bKue1" CRLF
		 "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:ue2@ims.test>;tag=b2" CRLF
		 "Call-ID: msg-1" CRLF "CSeq: 1 MESSAGE" CRLF "Content-Length: 0" CRLF CRLF);
	assert_string_equal(s->buf, want);
}

static void test_hss_proxy_response_not_for_us_is_dropped(void **state)
{
	static const char resp[] =
	    "SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKp1" CRLF
	    "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKue1" CRLF
	    "From: <sip:ue1@ims.test>;tag=a1" CRLF "To: <sip:ue2@ims.test>;tag=b2" CRLF
	    "Call-ID: msg-1" CRLF "CSeq: 1 MESSAGE" CRLF "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;
	struct hss_sip_stats st;

	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, resp);
	assert_int_equal(f->n_sent, 0);
	hss_sip_get_stats(f->sip, &st);
	assert_int_equal(st.dropped, 1);
}

static void test_hss_proxy_cancel_takes_the_branch_of_its_invite(void **state)
{
	static const char fmt[] = "%s sip:ue2@ims.test SIP/2.0" CRLF
				  "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKinv2" CRLF
				  "Max-Forwards: 70" CRLF "From: <sip:ue1@ims.test>;tag=a1" CRLF
				  "To: <sip:ue2@ims.test>" CRLF "Call-ID: inv-2" CRLF
				  "CSeq: 1 %s" CRLF "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;
	char text[1024], branch[64];

	t_register(f, 2, NULL, PATH);
	snprintf(text, sizeof(text), fmt, "INVITE", "INVITE");
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	snprintf(branch, sizeof(branch), "%s", our_branch(only_sent(f)));
	t_clear(f);
	snprintf(text, sizeof(text), fmt, "CANCEL", "CANCEL");
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	assert_string_equal(our_branch(only_sent(f)), branch);
	assert_string_equal(t_addr(&f->sent[0].peer), PCSCF);
	assert_true(sip_str_eq(f->sent[0].msg.ruri, "sip:ue2@[2001:db8:1:2::1]:5060"));
	/* Another transaction gets another branch. */
	t_clear(f);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKp9"));
	assert_string_not_equal(our_branch(only_sent(f)), branch);
}

static void test_hss_proxy_in_dialog_request_follows_route_and_request_uri(void **state)
{
	static const char fmt[] = "BYE sip:ue2@[2001:db8:1:2::1]:5060 SIP/2.0" CRLF
				  "Via: SIP/2.0/UDP [2001:db8:1:1::1]:5060;branch=z9hG4bKbye" CRLF
				  "%s"
				  "Max-Forwards: 70" CRLF "From: <sip:ue1@ims.test>;tag=a1" CRLF
				  "To: <sip:ue2@ims.test>;tag=b2" CRLF "Call-ID: inv-3" CRLF
				  "CSeq: 2 BYE" CRLF "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;
	char text[1024];
	struct t_sent *s;

	snprintf(text, sizeof(text), fmt, "");
	t_rx_ue(f, 1, text);
	s = only_sent(f);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:1:2::1]:5060");
	assert_true(sip_str_eq(s->msg.ruri, "sip:ue2@[2001:db8:1:2::1]:5060"));
	/* Our own Route goes, the next one is followed (loose routing). */
	t_clear(f);
	snprintf(text, sizeof(text), fmt,
		 "Route: <sip:[2001:db8:c::2]:5060;lr>, <sip:[2001:db8:c::1]:5070;lr>" CRLF);
	t_rx_ue(f, 1, text);
	s = only_sent(f);
	assert_string_equal(t_addr(&s->peer), PCSCF);
	assert_string_equal(t_hdr(&s->msg, "Route", 0), "<sip:[2001:db8:c::1]:5070;lr>");
	assert_true(sip_str_eq(s->msg.ruri, "sip:ue2@[2001:db8:1:2::1]:5060"));
}

static void test_hss_proxy_max_forwards_is_checked_and_added(void **state)
{
	struct t_fix *f = *state;
	char text[2048], *mf;

	t_register(f, 2, NULL, NULL);
	snprintf(text, sizeof(text), "%s", message("sip:ue2@ims.test", NULL, "z9hG4bKm0"));
	mf = strstr(text, "Max-Forwards: 69");
	memcpy(mf, "Max-Forwards:  0", 16);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	assert_int_equal(only_sent(f)->msg.status, 483);
	t_clear(f);
	snprintf(text, sizeof(text), "%s", message("sip:ue2@ims.test", NULL, "z9hG4bKm1"));
	mf = strstr(text, "Max-Forwards: 69" CRLF);
	memmove(mf, mf + 18, strlen(mf + 18) + 1);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	assert_string_equal(t_hdr(&only_sent(f)->msg, "Max-Forwards", 0), "70");
}

static void test_hss_proxy_options_for_the_scscf_is_answered(void **state)
{
	static const char fmt[] = "OPTIONS %s SIP/2.0" CRLF
				  "Via: SIP/2.0/UDP [2001:db8:c::1]:5070;branch=z9hG4bKo%d" CRLF
				  "Max-Forwards: 70" CRLF "From: <sip:pcscf@ims.test>;tag=o" CRLF
				  "To: <%s>" CRLF "Call-ID: opt-1" CRLF "CSeq: %d OPTIONS" CRLF
				  "Content-Length: 0" CRLF CRLF;
	struct t_fix *f = *state;
	char text[1024];

	snprintf(text, sizeof(text), fmt, "sip:scscf.ims.test", 1, "sip:scscf.ims.test", 1);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	assert_int_equal(only_sent(f)->msg.status, 200);
	assert_string_equal(t_hdr(&f->sent[0].msg, "Allow", 0), "REGISTER, OPTIONS");
	t_clear(f);
	snprintf(text, sizeof(text), fmt, "sip:10.2.0.2:5060", 2, "sip:10.2.0.2", 2);
	t_rx(f, SIP_PROTO_UDP, "10.2.0.1:5070", 0, text);
	assert_int_equal(only_sent(f)->msg.status, 200);
	assert_string_equal(t_addr(&f->sent[0].local), "10.2.0.2:5060");
}

static void test_hss_proxy_path_to_ourselves_is_a_loop(void **state)
{
	struct t_fix *f = *state;

	t_register(f, 2, NULL, "<sip:[2001:db8:c::2]:5060;lr>");
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKl"));
	assert_int_equal(only_sent(f)->msg.status, 482);
}

static void test_hss_proxy_tcp_contact_is_reached_over_tcp(void **state)
{
	struct t_fix *f = *state;
	struct t_sent *s;

	t_register(f, 2, "<sip:ue2@[2001:db8:1:2::1]:5060;transport=tcp>", NULL);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKt"));
	s = only_sent(f);
	assert_int_equal(s->proto, SIP_PROTO_TCP);
	assert_false(s->has_local);
	assert_string_equal(t_addr(&s->peer), "[2001:db8:1:2::1]:5060");
	assert_int_equal(strncmp(t_hdr(&s->msg, "Via", 0), "SIP/2.0/TCP [2001:db8:c::2]:5060;", 33),
			 0);
}

static void test_hss_proxy_udp_request_without_length_gets_one_over_tcp(void **state)
{
	struct t_fix *f = *state;
	char text[2048], *cl;
	struct t_sent *s;

	t_register(f, 2, "<sip:ue2@[2001:db8:1:2::1]:5060;transport=tcp>", NULL);
	snprintf(text, sizeof(text), "%s", message("sip:ue2@ims.test", NULL, "z9hG4bKcl"));
	cl = strstr(text, "Content-Length: 5" CRLF);
	memmove(cl, cl + 19, strlen(cl + 19) + 1);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, text);
	s = only_sent(f);
	assert_int_equal(s->proto, SIP_PROTO_TCP);
	assert_int_equal(sip_msg_parse(&s->msg, s->buf, s->len, SIP_PARSE_STREAM, NULL), 0);
	assert_string_equal(t_hdr(&s->msg, "Content-Length", 0), "5");
}

static void test_hss_proxy_retransmission_is_forwarded_with_the_same_branch(void **state)
{
	struct t_fix *f = *state;

	t_register(f, 2, NULL, PATH);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKr"));
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKr"));
	assert_int_equal(f->n_sent, 2);
	assert_string_equal(f->sent[0].buf, f->sent[1].buf);
}

static void test_hss_proxy_ipv4_contact_is_reached_from_ipv4(void **state)
{
	struct t_fix *f = *state;
	struct t_sent *s;

	t_register(f, 2, "<sip:ue2@10.1.0.12:5060>", NULL);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bK4"));
	s = only_sent(f);
	assert_string_equal(t_addr(&s->peer), "10.1.0.12:5060");
	assert_string_equal(t_addr(&s->local), "10.2.0.2:5060");
	assert_int_equal(strncmp(t_hdr(&s->msg, "Via", 0), "SIP/2.0/UDP 10.2.0.2:5060;", 26), 0);
}

static void test_hss_proxy_binding_expiry_makes_the_user_unavailable(void **state)
{
	struct t_fix *f = *state;

	t_register(f, 2, NULL, PATH);
	f->now += 600000;
	hss_sip_expire(f->sip, f->now);
	t_rx(f, SIP_PROTO_UDP, PCSCF, 0, message("sip:ue2@ims.test", NULL, "z9hG4bKe"));
	assert_int_equal(only_sent(f)->msg.status, 480);
}

#define T(name) cmocka_unit_test_setup_teardown(name, t_setup, t_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_hss_proxy_terminating_request_goes_through_path),
	    T(test_hss_proxy_without_path_goes_to_the_contact),
	    T(test_hss_proxy_unregistered_gets_480_unknown_gets_404),
	    T(test_hss_proxy_ack_of_our_error_is_absorbed),
	    T(test_hss_proxy_responses_go_back_by_via),
	    T(test_hss_proxy_response_not_for_us_is_dropped),
	    T(test_hss_proxy_cancel_takes_the_branch_of_its_invite),
	    T(test_hss_proxy_in_dialog_request_follows_route_and_request_uri),
	    T(test_hss_proxy_max_forwards_is_checked_and_added),
	    T(test_hss_proxy_options_for_the_scscf_is_answered),
	    T(test_hss_proxy_path_to_ourselves_is_a_loop),
	    T(test_hss_proxy_tcp_contact_is_reached_over_tcp),
	    T(test_hss_proxy_udp_request_without_length_gets_one_over_tcp),
	    T(test_hss_proxy_retransmission_is_forwarded_with_the_same_branch),
	    T(test_hss_proxy_ipv4_contact_is_reached_from_ipv4),
	    T(test_hss_proxy_binding_expiry_makes_the_user_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
