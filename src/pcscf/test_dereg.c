/*
 * test_dereg — pcscfctl deregister through the P-CSCF's logic (test_harness.h): the IMPI
 * kept from the REGISTER; the de-REGISTER that leaves for the S-CSCF on the UE's behalf
 * (TS 24.229 §5.2.2, §7.2A.2: Request-URI the home domain, our Via and Path, Contact
 * expires=0, Expires: 0, Authorization with the IMPI and integrity-protected="yes"); the SA
 * set deleted without waiting for the answer; the answer absorbed, not relayed; over UDP
 * the request sent again until answered and given up after 64*T1 (RFC 3261 §17.1.2);
 * nothing sent for a pending registration or one whose IMPI is unknown.
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

#define IMPU "sip:user1_public1@home1.net"

/* What pcscf_deregister() reported. */
struct told {
	int n;
	enum pcscf_dereg_told last;
	char impi[REG_URI_MAX];
};

static void told_record(void *arg, const struct reg *r, enum pcscf_dereg_told told)
{
	struct told *t = arg;

	t->n++;
	t->last = told;
	snprintf(t->impi, sizeof(t->impi), "%s", r->impi);
}

/* The S-CSCF's answer to our own request @s (one Via: ours). */
static void scscf_answers_ours(struct pcscf *p, const struct sent *s, const char *status)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "SIP/2.0 %s" CRLF "Via: %s" CRLF "From: %s" CRLF "To: %s;tag=s9" CRLF
		 "Call-ID: %s" CRLF "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF,
		 status, hdr(s, "Via", 0), hdr(s, "From", 0), hdr(s, "To", 0),
		 hdr(s, "Call-ID", 0));
	rx(p, CORE, 5060, SCSCF, 5060, text);
}

static void test_dereg_keeps_the_impi_of_the_register(void **state)
{
	struct pcscf *p = *state;

	register_fully(p);
	assert_non_null(pcscf_registrations(p));
	assert_string_equal(pcscf_registrations(p)->impi, "user1_private@home1.net");
}

static void test_dereg_sends_the_deregister_and_drops_the_set(void **state)
{
	struct pcscf *p = *state;
	struct told t = {0};
	struct sent *s;
	size_t before;

	register_fully(p);
	before = mock.nsent;
	assert_int_equal(pcscf_deregister(p, "SIP:user1_public1@HOME1.net", told_record, &t), 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.last, PCSCF_DEREG_TOLD);
	assert_int_equal(mock.nsent, before + 1);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	expect_prefix(s->buf, "REGISTER sip:home1.net SIP/2.0\r\n");
	assert_int_equal(hdr_count(s, "Via"), 1);
	expect_prefix(hdr(s, "Via", 0), "SIP/2.0/UDP [2001:db8:c::1]:5060;branch=z9hG4bKpc");
	expect_prefix(hdr(s, "From", 0), "<" IMPU ">;tag=");
	assert_string_equal(hdr(s, "To", 0), "<" IMPU ">");
	assert_string_equal(hdr(s, "CSeq", 0), "1 REGISTER");
	assert_string_not_equal(hdr(s, "Call-ID", 0), "apb03a0s09dkjdfglkj49111");
	assert_string_equal(hdr(s, "Contact", 0), "<sip:[" UE "]>;expires=0");
	assert_string_equal(hdr(s, "Expires", 0), "0");
	assert_string_equal(hdr(s, "Path", 0), PATH);
	assert_string_equal(hdr(s, "Authorization", 0),
			    "Digest username=\"user1_private@home1.net\", realm=\"home1.net\", "
			    "uri=\"sip:home1.net\", nonce=\"\", response=\"\", "
			    "integrity-protected=\"yes\"");
	assert_int_equal(hdr_count(s, "Security-Verify"), 0);
	/* Gone at once, without the S-CSCF's answer. */
	assert_null(pcscf_registrations(p));
	assert_int_equal(mock.ndeleted, 1);
	assert_int_equal(mock.deleted[0], mock.install_reqids[0]);
	assert_int_equal(mock.nforgotten, 1);
}

static void test_dereg_answer_is_absorbed_and_ends_the_resending(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent sent;
	size_t before;

	register_fully(p);
	assert_int_equal(pcscf_deregister(p, IMPU, NULL, NULL), 1);
	sent = *sent_last();
	sent.buf = strdup(sent.buf);
	before = mock.nsent;
	scscf_answers_ours(p, &sent, "100 Trying");
	scscf_answers_ours(p, &sent, "200 OK");
	scscf_answers_ours(p, &sent, "200 OK"); /* a retransmission */
	assert_int_equal(mock.nsent, before);	/* nothing relayed towards the UE */
	for (int i = 1; i <= 40; i++)
		pcscf_tick(p, now_ms + i * 1000ULL);
	assert_int_equal(mock.nsent, before); /* answered: never sent again */
	pcscf_get_stats(p, &st);
	assert_int_equal(st.drop_no_txn, 1);
	free(sent.buf);
}

static void test_dereg_is_resent_over_udp_until_given_up(void **state)
{
	struct pcscf *p = *state;
	char *first;
	size_t before;

	register_fully(p);
	assert_int_equal(pcscf_deregister(p, IMPU, NULL, NULL), 1);
	first = strdup(sent_last()->buf);
	before = mock.nsent;
	pcscf_tick(p, now_ms + 400);
	assert_int_equal(mock.nsent, before); /* not before T1 */
	pcscf_tick(p, now_ms + 1000);
	assert_int_equal(mock.nsent, before + 1);
	assert_string_equal(sent_last()->buf, first); /* the same request, the same branch */
	for (int i = 2; i <= 31; i++)
		pcscf_tick(p, now_ms + i * 1000ULL);
	assert_true(mock.nsent >= before + 8 && mock.nsent <= before + 12); /* at most every T2 */
	before = mock.nsent;
	for (int i = 32; i <= 60; i++)
		pcscf_tick(p, now_ms + i * 1000ULL);
	assert_int_equal(mock.nsent, before); /* given up after 64*T1 */
	free(first);
}

static void test_dereg_sends_nothing_for_a_pending_registration(void **state)
{
	struct pcscf *p = *state;
	struct told t = {0};
	size_t before;

	register_to_401(p); /* challenged, not registered at the S-CSCF */
	before = mock.nsent;
	assert_int_equal(pcscf_deregister(p, IMPU, told_record, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(mock.nsent, before);
	assert_int_equal(mock.ndeleted, 0);
}

static void test_dereg_without_impi_is_local_only(void **state)
{
	struct pcscf *p = *state;
	struct told t = {0};
	struct reg r;
	size_t before;

	register_fully(p);
	r = *pcscf_registrations(p); /* as restored from a version-2 state database */
	r.impi[0] = '\0';
	r.id = 99;
	r.cur.reqid = 0x777;
	assert_int_equal(pcscf_deregister(p, IMPU, NULL, NULL), 1);
	assert_int_equal(pcscf_restore(p, &r), 0);
	before = mock.nsent;
	assert_int_equal(pcscf_deregister(p, IMPU, told_record, &t), 1);
	assert_int_equal(t.last, PCSCF_DEREG_NO_IMPI);
	assert_string_equal(t.impi, "");
	assert_int_equal(mock.nsent, before);
	assert_int_equal(mock.deleted[mock.ndeleted - 1], 0x777);
	assert_null(pcscf_registrations(p));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dereg_keeps_the_impi_of_the_register),
		T(test_dereg_sends_the_deregister_and_drops_the_set),
		T(test_dereg_answer_is_absorbed_and_ends_the_resending),
		T(test_dereg_is_resent_over_udp_until_given_up),
		T(test_dereg_sends_nothing_for_a_pending_registration),
		T(test_dereg_without_impi_is_local_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
