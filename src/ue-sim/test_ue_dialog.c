/* test_ue_dialog.c — dialogs from a 2xx (UAC) and from an INVITE (UAS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "ue-sim/ue_dialog.h"

/* A 200 to ue1's INVITE as it comes back through two proxies that record-routed. */
static const char ok_invite[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKabc;rport=6100\r\n"
	"Record-Route: <sip:scscf.ims.test;lr>, <sip:[2001:db8:c::1]:5060;lr>\r\n"
	"Record-Route: <sip:[2001:db8:a::1]:6201;lr>\r\n"
	"From: <sip:ue1@ims.test>;tag=ue1tag\r\n"
	"To: <sip:ue2@ims.test>;tag=ue2tag\r\n"
	"Call-ID: call-1@ue1\r\n"
	"CSeq: 7 INVITE\r\n"
	"Contact: <sip:ue2@[2001:db8:1:2::1]:6301>;expires=600\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* The INVITE ue2 receives in the same call. */
static const char invite[] =
	"INVITE sip:ue2@[2001:db8:1:2::1]:6301 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP [2001:db8:a::1]:6200;branch=z9hG4bKp\r\n"
	"Via: SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKabc;rport=6100\r\n"
	"Max-Forwards: 68\r\n"
	"Record-Route: <sip:scscf.ims.test;lr>, <sip:[2001:db8:c::1]:5060;lr>\r\n"
	"Record-Route: <sip:[2001:db8:a::1]:6201;lr>\r\n"
	"From: \"Ue One\" <sip:ue1@ims.test>;tag=ue1tag\r\n"
	"To: <sip:ue2@ims.test>\r\n"
	"Call-ID: call-1@ue1\r\n"
	"CSeq: 7 INVITE\r\n"
	"Contact: <sip:ue1@[2001:db8:1:1::1]:6101>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static void parse(const char *text, struct sip_msg *m)
{
	assert_int_equal(sip_msg_parse(m, text, strlen(text), 0, NULL), 0);
}

static void test_ue_dialog_uac_route_set_is_reversed(void **state)
{
	struct ue_dialog *d;
	struct sip_msg m;
	char route[512];

	(void)state;
	parse(ok_invite, &m);
	assert_int_equal(ue_dialog_uac_new(&m, "sip:ue1@ims.test", "ue1tag", 7, &d), 0);
	assert_true(d->caller);
	assert_string_equal(d->call_id, "call-1@ue1");
	assert_string_equal(d->remote_tag, "ue2tag");
	assert_string_equal(d->remote_uri, "sip:ue2@ims.test");
	assert_string_equal(d->remote_target, "sip:ue2@[2001:db8:1:2::1]:6301");
	assert_int_equal(d->n_route, 3);
	assert_string_equal(d->route[0], "<sip:[2001:db8:a::1]:6201;lr>");
	assert_string_equal(d->route[2], "<sip:scscf.ims.test;lr>");
	assert_true(ue_dialog_route_value(d, route, sizeof(route)) > 0);
	assert_string_equal(route, "<sip:[2001:db8:a::1]:6201;lr>, <sip:[2001:db8:c::1]:5060;lr>, "
				   "<sip:scscf.ims.test;lr>");
	assert_int_equal(ue_dialog_route_value(d, route, 20), -ENOSPC);
	assert_true(ue_dialog_match(d, &m));
	assert_int_equal(d->local_cseq, 7);
	ue_dialog_free(d);
}

static void test_ue_dialog_uas_route_set_in_order(void **state)
{
	struct ue_dialog *d;
	struct sip_msg m;

	(void)state;
	parse(invite, &m);
	assert_int_equal(ue_dialog_uas_new(&m, "ue2tag", &d), 0);
	assert_false(d->caller);
	assert_string_equal(d->local_uri, "sip:ue2@ims.test");
	assert_string_equal(d->remote_uri, "sip:ue1@ims.test");
	assert_string_equal(d->remote_tag, "ue1tag");
	assert_string_equal(d->remote_target, "sip:ue1@[2001:db8:1:1::1]:6101");
	assert_int_equal(d->n_route, 3);
	assert_string_equal(d->route[0], "<sip:scscf.ims.test;lr>");
	assert_string_equal(d->route[2], "<sip:[2001:db8:a::1]:6201;lr>");
	assert_int_equal(d->remote_cseq, 7);
	/* the INVITE itself has no To tag yet: it does not match until the peer uses ours */
	assert_false(ue_dialog_match(d, &m));
	ue_dialog_free(d);
}

static void test_ue_dialog_find_by_tags(void **state)
{
	static const char bye[] = "BYE sip:ue2@[2001:db8:1:2::1]:6301 SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP [2001:db8:a::1]:6200;branch=z9hG4bKq\r\n"
				  "Max-Forwards: 70\r\n"
				  "From: <sip:ue1@ims.test>;tag=ue1tag\r\n"
				  "To: <sip:ue2@ims.test>;tag=ue2tag\r\n"
				  "Call-ID: call-1@ue1\r\n"
				  "CSeq: 8 BYE\r\n"
				  "Content-Length: 0\r\n\r\n";
	struct ue_dialog *a, *b;
	struct sip_msg m;

	(void)state;
	parse(invite, &m);
	assert_int_equal(ue_dialog_uas_new(&m, "other", &a), 0);
	assert_int_equal(ue_dialog_uas_new(&m, "ue2tag", &b), 0);
	a->next = b;
	parse(bye, &m);
	assert_ptr_equal(ue_dialog_find(a, &m), b);
	assert_int_equal(ue_dialog_remote_request(b, 8, false), 0);
	assert_int_equal(ue_dialog_remote_request(b, 8, false), -EINVAL);
	assert_int_equal(ue_dialog_remote_request(b, 5, false), -EINVAL);
	assert_int_equal(ue_dialog_remote_request(b, 7, true), 0);
	assert_int_equal(ue_dialog_remote_request(b, 9, false), 0);
	b->call_id[0] = 'x';
	assert_null(ue_dialog_find(a, &m));
	ue_dialog_free(a);
	ue_dialog_free(b);
}

static void test_ue_dialog_refuses_incomplete_messages(void **state)
{
	static const char no_contact[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKabc\r\n"
		"From: <sip:ue1@ims.test>;tag=ue1tag\r\n"
		"To: <sip:ue2@ims.test>;tag=ue2tag\r\n"
		"Call-ID: call-1@ue1\r\n"
		"CSeq: 7 INVITE\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char no_tag[] = "SIP/2.0 200 OK\r\n"
				     "Via: SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKabc\r\n"
				     "From: <sip:ue1@ims.test>;tag=ue1tag\r\n"
				     "To: <sip:ue2@ims.test>\r\n"
				     "Call-ID: call-1@ue1\r\n"
				     "CSeq: 7 INVITE\r\n"
				     "Contact: <sip:ue2@[2001:db8:1:2::1]>\r\n"
				     "Content-Length: 0\r\n\r\n";
	struct ue_dialog *d = NULL;
	struct sip_msg m;

	(void)state;
	parse(no_contact, &m);
	assert_int_equal(ue_dialog_uac_new(&m, "sip:ue1@ims.test", "ue1tag", 7, &d), -EINVAL);
	parse(no_tag, &m);
	assert_int_equal(ue_dialog_uac_new(&m, "sip:ue1@ims.test", "ue1tag", 7, &d), -EINVAL);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_dialog_uac_route_set_is_reversed),
		cmocka_unit_test(test_ue_dialog_uas_route_set_in_order),
		cmocka_unit_test(test_ue_dialog_find_by_tags),
		cmocka_unit_test(test_ue_dialog_refuses_incomplete_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
