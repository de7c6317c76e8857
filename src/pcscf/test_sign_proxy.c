/*
 * test_sign_proxy — pcscfd's logic with "signing 3600 86400" (doc/signing.md): what goes
 * to a UE is signed, what comes back is checked. A terminating dialog: the INVITE carries
 * sg-v and the signed Record-Route; the UE's honest 200 goes on without sg-rr, a changed
 * one is dropped and counted; its BYE with the route set goes on, with a changed route set
 * it gets 403 (an ACK: dropped, never answered). An originating dialog: the 200 going to
 * the UE gets the caller route set on our entry. Two members of a pool (signing-pool-key):
 * one verifies the other's route set from the wrapped key alone; a tampered or expired
 * wrapped key, or a member of another pool, gets 403 (time() is wrapped to move the clock).
 * Keys are handed to the state database before anything signed with them is sent; a
 * logic restarted with them (pcscf_sign_restore()) verifies the dialogs of before, one
 * restarted without them answers 403.
 * Signing off is test_proxy's business.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcscf/test_harness.h"

#define OUR_ACCESS "sip:[2001:db8:a::1]:5064;lr"
#define OUR_CORE   "<sip:[2001:db8:c::1]:5060;lr>"
#define MT	   "<sip:mt@[2001:db8:c::2]:5060;lr>"

struct dialog {
	char via0[512], via1[256], rr[512]; /* as the INVITE reached the UE */
};

/* The terminating INVITE through the logic; what reached the UE is kept in @d. */
static void invite_to_ue(struct pcscf *p, struct dialog *d)
{
	struct sent *s;

	register_fully(p);
	rx(p, CORE, 5060, SCSCF, 5060, terminating_invite);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5066", "[5555::aaa:bbb:ccc:ddd]:1358");
	snprintf(d->via0, sizeof(d->via0), "%s", hdr(s, "Via", 0));
	snprintf(d->via1, sizeof(d->via1), "%s", hdr(s, "Via", 1));
	snprintf(d->rr, sizeof(d->rr), "%s", hdr(s, "Record-Route", 0));
}

/* The UE's 200, with @rr as our Record-Route line (NULL: none) and @via1 below ours. */
static void ue_200(struct pcscf *p, const struct dialog *d, const char *via1, const char *rr)
{
	char text[2048], rrline[600] = "";

	if (rr)
		snprintf(rrline, sizeof(rrline), "Record-Route: %s" CRLF "Record-Route: " MT CRLF,
			 rr);
	snprintf(text, sizeof(text),
		 "SIP/2.0 200 OK" CRLF "Via: %s" CRLF "Via: %s" CRLF "%s"
		 "From: <sip:user2@home1.net>;tag=i1" CRLF
		 "To: <sip:user1_public1@home1.net>;tag=u1" CRLF "Call-ID: inv1" CRLF
		 "CSeq: 1 INVITE" CRLF "Contact: <sip:[" UE "]:1358>" CRLF
		 "Content-Length: 0" CRLF CRLF,
		 d->via0, via1, rrline);
	rx(p, ACCESS, 5066, UE, 1358, text);
}

/* The UE's in-dialog @method to @ruri with @route as its Route (port-c to our port-s). */
static void ue_request(struct pcscf *p, const char *method, const char *ruri, const char *route)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "%s %s SIP/2.0" CRLF "Via: SIP/2.0/UDP [" UE "]:1358;branch=z9hG4bKb%s" CRLF
		 "Max-Forwards: 70" CRLF "Route: %s" CRLF
		 "From: <sip:user1_public1@home1.net>;tag=u1" CRLF
		 "To: <sip:user2@home1.net>;tag=i1" CRLF "Call-ID: inv1" CRLF "CSeq: 2 %s" CRLF
		 "Content-Length: 0" CRLF CRLF,
		 method, ruri, method, route, method);
	rx(p, ACCESS, 5064, UE, 1357, text);
}

/* The same to the caller's Contact, the dialog's remote target. */
static void ue_in_dialog(struct pcscf *p, const char *method, const char *route)
{
	ue_request(p, method, "sip:[2001:db8:1:2::1]:5100", route);
}

static uint64_t checks(struct pcscf *p, enum sign_result r)
{
	struct pcscf_stats st;

	pcscf_get_stats(p, &st);
	return st.sign_checks[r];
}

static void test_sign_terminating_invite_is_signed_and_200_checked(void **state)
{
	struct pcscf *p = *state;
	struct dialog d;
	struct sent *s;

	invite_to_ue(p, &d);
	assert_non_null(strstr(d.via0, ";branch=z9hG4bKpc"));
	assert_non_null(strstr(d.via0, ";sg-v="));
	expect_prefix(d.rr, "<" OUR_ACCESS ";sg-rs=");
	assert_non_null(strstr(d.rr, ">;sg-rr="));
	assert_non_null(strstr(d.rr, ", " OUR_CORE));
	ue_200(p, &d, d.via1, d.rr);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_int_equal(sent_msg(s)->status, 200);
	assert_null(strstr(hdr(s, "Record-Route", 0), "sg-rr"));
	expect_prefix(hdr(s, "Record-Route", 0), "<" OUR_ACCESS ";sg-rs=");
	assert_int_equal(checks(p, SIGN_OK), 1);
}

static void test_sign_changed_200_from_ue_is_dropped(void **state)
{
	struct pcscf *p = *state;
	char rr[512];
	struct dialog d;
	size_t sent;

	invite_to_ue(p, &d);
	sent = mock.nsent;
	ue_200(p, &d, "SIP/2.0/UDP [2001:db8:6::6]:5060;branch=z9hG4bKs9", d.rr);
	assert_int_equal(checks(p, SIGN_BAD_MAC), 1);
	snprintf(rr, sizeof(rr), "%s", d.rr);
	memcpy(strstr(rr, "[2001:db8:c::1]"), "[2001:db8:c::9]", 15);
	ue_200(p, &d, d.via1, rr);
	assert_int_equal(checks(p, SIGN_BAD_MAC), 2);
	ue_200(p, &d, d.via1, NULL); /* our Record-Route dropped: the caller would bypass us */
	assert_int_equal(checks(p, SIGN_MISSING), 1);
	assert_int_equal(mock.nsent, sent);
}

static void test_sign_in_dialog_request_needs_its_route_set(void **state)
{
	struct pcscf *p = *state;
	char route[1024];
	struct dialog d;
	struct sent *s;
	size_t sent;

	invite_to_ue(p, &d);
	snprintf(route, sizeof(route), "%s, " MT, d.rr);
	ue_in_dialog(p, "BYE", route);
	s = sent_last();
	expect_dest(s, "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_string_equal(hdr(s, "Route", 0), MT);
	assert_int_equal(checks(p, SIGN_OK), 1);
	/* Another next hop after ours: 403 to the UE. */
	memcpy(strstr(route, "mt@"), "xx@", 3);
	ue_in_dialog(p, "BYE", route);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_int_equal(sent_msg(s)->status, 403);
	assert_int_equal(checks(p, SIGN_BAD_MAC), 1);
	/* No route set at all: 403 too; an ACK is only dropped. */
	ue_in_dialog(p, "BYE", MT);
	assert_int_equal(sent_msg(sent_last())->status, 403);
	assert_int_equal(checks(p, SIGN_MISSING), 1);
	sent = mock.nsent;
	ue_in_dialog(p, "ACK", route);
	assert_int_equal(mock.nsent, sent);
	assert_int_equal(checks(p, SIGN_BAD_MAC), 2);
}

/* A UE sending forgeries gets 20 answers a second at most; the rest are counted. */
static void test_sign_403s_are_rate_limited(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	size_t answered = 0;
	struct dialog d;

	invite_to_ue(p, &d);
	for (int i = 0; i < 45; i++) {
		size_t before = mock.nsent;

		ue_in_dialog(p, "BYE", MT);
		answered += mock.nsent - before;
	}
	pcscf_get_stats(p, &st);
	assert_int_equal(st.sign_checks[SIGN_MISSING], 45);
	/* 45 requests take well under a second: at most one new second begins among them. */
	assert_true(answered >= 20 && answered <= 40);
	assert_int_equal(st.sign_403_limited, 45 - answered);
}

static void test_sign_caller_route_set_in_200_to_ue(void **state)
{
	struct pcscf *p = *state;
	char extra[512];
	struct sent *s;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, originating_invite);
	s = sent_last();
	assert_null(strstr(hdr(s, "Via", 0), "sg-v")); /* towards the core: not signed */
	snprintf(extra, sizeof(extra),
		 "Record-Route: " MT ", %s" CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF,
		 hdr(s, "Record-Route", 0));
	scscf_answers(p, s, "200 OK", "1 INVITE", extra);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_non_null(strstr(hdr(s, "Record-Route", 0), OUR_CORE ", <" OUR_ACCESS ";sg-rs="));
}

/* ---- failure counters, signing-warn-rate (pcscf.conf(5)) ---- */

static struct pcscf_stats stats_of(struct pcscf *p)
{
	struct pcscf_stats st;

	pcscf_get_stats(p, &st);
	return st;
}

static uint64_t failed_total(const struct pcscf_stats *st)
{
	uint64_t n = 0;

	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++)
		n += st->sign_checks[i];
	return n;
}

/* Each forgery moves its reason, its kind and the UE's own counters by exactly one. */
static void test_sign_counters_by_reason_kind_and_ue(void **state)
{
	struct pcscf *p = *state;
	const struct reg *r;
	struct pcscf_stats st;
	char rr[512], route[1024];
	struct dialog d;

	invite_to_ue(p, &d);
	st = stats_of(p);
	assert_int_equal(st.sign_made, 3); /* sg-v, sg-rs, sg-rr */
	assert_int_equal(failed_total(&st), 0);
	ue_200(p, &d, "SIP/2.0/UDP [2001:db8:6::6]:5060;branch=z9hG4bKs9", d.rr);
	st = stats_of(p);
	assert_int_equal(st.sign_checks[SIGN_BAD_MAC], 1);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_VIA], 1);
	snprintf(rr, sizeof(rr), "%s", d.rr);
	memcpy(strstr(rr, "[2001:db8:c::1]"), "[2001:db8:c::9]", 15);
	ue_200(p, &d, d.via1, rr);
	ue_200(p, &d, d.via1, NULL);
	st = stats_of(p);
	assert_int_equal(st.sign_checks[SIGN_BAD_MAC], 2);
	assert_int_equal(st.sign_checks[SIGN_MISSING], 1);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_RR], 2);
	/* in-dialog: a changed route set, then the right route set to another target */
	snprintf(route, sizeof(route), "%s, " MT, d.rr);
	ue_request(p, "BYE", "sip:[2001:db8:1:2::1]:5100", MT);
	ue_request(p, "BYE", "sip:[2001:db8:1:2::7]:5100", route);
	st = stats_of(p);
	assert_int_equal(st.sign_checks[SIGN_MISSING], 2);
	assert_int_equal(st.sign_checks[SIGN_BAD_MAC], 3);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_ROUTE_SET], 1);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_TARGET], 1);
	assert_int_equal(st.sign_checks[SIGN_OK], 0);
	assert_int_equal(failed_total(&st), 5);
	assert_int_equal(st.sign_core.failed, 0);
	/* the UE's own: every one of them, the last a bad MAC */
	r = pcscf_registrations(p);
	assert_int_equal(r->sign.failed, 5);
	assert_int_equal(r->sign.by_reason[SIGN_BAD_MAC], 3);
	assert_int_equal(r->sign.by_reason[SIGN_MISSING], 2);
	assert_int_equal(r->sign.last, SIGN_BAD_MAC);
	assert_int_equal(r->sign.last_ms, now_ms);
	/* the honest ones count as verified, not as failures */
	ue_in_dialog(p, "BYE", route);
	st = stats_of(p);
	assert_int_equal(st.sign_checks[SIGN_OK], 1);
	assert_int_equal(failed_total(&st), 5);
	assert_int_equal(pcscf_registrations(p)->sign.failed, 5);
}

/* signing-warn-rate 3: the third failure within a minute warns, the fourth and fifth do
 * not; a minute later the window starts again and the third failure warns again. */
static void test_sign_warning_fires_once_per_window(void **state)
{
	const char *const lines[] = {"signing 3600 86400", "signing-warn-rate 3", NULL};
	struct pcscf *p = logic_new(lines);
	struct pcscf_stats st;
	struct dialog d;

	(void)state;
	invite_to_ue(p, &d);
	for (int i = 1; i <= 5; i++) {
		ue_in_dialog(p, "BYE", MT);
		st = stats_of(p);
		assert_int_equal(st.sign_warnings, i >= 3 ? 1 : 0);
		assert_int_equal(st.sign_ues_over_rate, i >= 3 ? 1 : 0);
	}
	now_ms += 60000;
	pcscf_tick(p, now_ms);
	assert_int_equal(stats_of(p).sign_ues_over_rate, 0);
	for (int i = 1; i <= 3; i++)
		ue_in_dialog(p, "BYE", MT);
	st = stats_of(p);
	assert_int_equal(st.sign_warnings, 2);
	assert_int_equal(st.sign_ues_over_rate, 1);
	assert_int_equal(pcscf_registrations(p)->sign.failed, 8);
	pcscf_free(p);
}

/* ---- signing-core yes: towards the core too ---- */

#define OUR_CORE_URI "sip:[2001:db8:c::1]:5060;lr"

/* The S-CSCF's answer to @fwd, with @from changed to @to in it (NULL: honest). */
static void scscf_forges(struct pcscf *p, const struct sent *fwd, const char *status,
			 const char *cseq, const char *extra, const char *from, const char *to)
{
	char text[4096], *at;

	scscf_text(fwd, status, cseq, extra, text, sizeof(text));
	if (from) {
		at = strstr(text, from);
		assert_non_null(at);
		assert_int_equal(strlen(from), strlen(to));
		memcpy(at, to, strlen(to));
	}
	rx(p, CORE, 5060, SCSCF, 5060, text);
}

static int setup_signing_core(void **state)
{
	const char *const lines[] = {"signing 3600 86400", "signing-core yes", NULL};

	*state = logic_new(lines);
	return 0;
}

/* REGISTER and the INVITE go to the core with sg-v, the INVITE's core-side Record-Route
 * with sg-rr; the honest 401, 200s and the 200 of the INVITE pass (sg-rr removed). */
static void test_sign_core_requests_signed_and_honest_answers_pass(void **state)
{
	struct pcscf *p = *state;
	char extra[512];
	struct sent *s;

	register_fully(p); /* its 401 and 200 are checked: both verify */
	assert_int_equal(checks(p, SIGN_OK), 2);
	rx(p, ACCESS, 5064, UE, 1357, originating_invite);
	s = sent_last();
	assert_non_null(strstr(hdr(s, "Via", 0), ";sg-v="));
	expect_prefix(hdr(s, "Record-Route", 0), "<" OUR_CORE_URI ">;sg-rr=");
	assert_non_null(strstr(hdr(s, "Record-Route", 0), ", <" OUR_ACCESS ">"));
	snprintf(extra, sizeof(extra),
		 "Record-Route: " MT ", %s" CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF,
		 hdr(s, "Record-Route", 0));
	scscf_answers(p, s, "200 OK", "1 INVITE", extra);
	assert_int_equal(checks(p, SIGN_OK), 3);
	s = sent_last();
	expect_dest(s, "[2001:db8:a::1]:5064", "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_null(strstr(hdr(s, "Record-Route", 0), "sg-rr"));
	assert_non_null(strstr(hdr(s, "Record-Route", 0), OUR_CORE ", <" OUR_ACCESS ";sg-rs="));
	assert_int_equal(stats_of(p).sign_core.failed, 0);
}

/* A response from the core with a changed Via below ours, a changed or missing
 * Record-Route below our core-side entry: dropped, counted under the core. */
static void test_sign_core_forged_response_is_dropped_and_counted(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	char extra[512], bare[512];
	struct sent *s, fwd;
	size_t sent;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, originating_invite);
	s = sent_last();
	fwd = *s;
	fwd.buf = strdup(s->buf);
	snprintf(extra, sizeof(extra),
		 "Record-Route: " MT ", %s" CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF,
		 hdr(s, "Record-Route", 0));
	snprintf(bare, sizeof(bare),
		 "Record-Route: " MT CRLF "Contact: <sip:[2001:db8:1:2::1]:5100>" CRLF);
	sent = mock.nsent;
	scscf_forges(p, &fwd, "180 Ringing", "1 INVITE", "", "z9hG4bKi2", "z9hG4bKi3");
	scscf_forges(p, &fwd, "200 OK", "1 INVITE", extra, "[2001:db8:a::1]:5064",
		     "[2001:db8:a::9]:5064");
	scscf_forges(p, &fwd, "200 OK", "1 INVITE", bare, NULL, NULL);
	assert_int_equal(mock.nsent, sent);
	st = stats_of(p);
	assert_int_equal(st.sign_core.failed, 3);
	assert_int_equal(st.sign_core.by_reason[SIGN_BAD_MAC], 2);
	assert_int_equal(st.sign_core.by_reason[SIGN_MISSING], 1);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_VIA], 1);
	assert_int_equal(st.sign_failed_kind[PCSCF_SIGN_RR], 2);
	assert_int_equal(failed_total(&st), 3);
	assert_int_equal(pcscf_registrations(p)->sign.failed, 0); /* not the UE's doing */
	/* the honest one still goes through */
	scscf_forges(p, &fwd, "200 OK", "1 INVITE", extra, NULL, NULL);
	assert_int_equal(mock.nsent, sent + 1);
	free(fwd.buf);
}

/* signing-core no (the default): nothing towards the core is signed, and a response from
 * the core with a changed Via below ours goes on to the UE, unchecked and uncounted. */
static void test_sign_core_off_leaves_core_responses_alone(void **state)
{
	struct pcscf *p = *state;
	struct pcscf_stats st;
	struct sent *s, fwd;
	size_t sent;

	register_fully(p);
	rx(p, ACCESS, 5064, UE, 1357, originating_invite);
	s = sent_last();
	assert_null(strstr(hdr(s, "Via", 0), "sg-v"));
	assert_null(strstr(hdr(s, "Record-Route", 0), "sg-rr"));
	fwd = *s;
	fwd.buf = strdup(s->buf);
	sent = mock.nsent;
	scscf_forges(p, &fwd, "180 Ringing", "1 INVITE", "", "z9hG4bKi2", "z9hG4bKi3");
	assert_int_equal(mock.nsent, sent + 1);
	st = stats_of(p);
	assert_int_equal(failed_total(&st), 0);
	assert_int_equal(st.sign_checks[SIGN_OK], 0);
	assert_int_equal(st.sign_made, 0);
	free(fwd.buf);
}

/* ---- two members of a pool (signing-pool-key) ---- */

/* Wall-clock seconds the logic sees ahead of the real ones (time() is wrapped). */
static time_t clock_ahead;

time_t __real_time(time_t *t);
time_t __wrap_time(time_t *t);
time_t __wrap_time(time_t *t)
{
	time_t now = __real_time(NULL) + clock_ahead;

	if (t)
		*t = now;
	return now;
}

/* A logic with signing and the pool key of @hex (written to a 0600 file), the UE
 * registered when @reg; the recorder starts empty. */
static struct pcscf *pool_member(const char *hex, bool reg)
{
	char path[] = "/tmp/test_sign_pool.XXXXXX", line[64];
	const char *const lines[] = {"signing 3600 86400", line, NULL};
	struct pcscf *p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, hex, strlen(hex)), (ssize_t)strlen(hex));
	close(fd);
	snprintf(line, sizeof(line), "signing-pool-key %s", path);
	p = logic_new(lines);
	unlink(path);
	if (reg)
		register_fully(p);
	return p;
}

/* The keys saved before the INVITE they sign is sent; after a "restart" with those keys
 * the dialog's BYE goes on, without them it gets 403 (unknown key). */
static void test_sign_keys_saved_first_and_restored(void **state)
{
	struct pcscf *p = *state, *restarted, *fresh;
	struct sign_key_record recs[SIGN_RING_MAX];
	const char *const lines[] = {"signing 3600 86400", NULL};
	char route[1024];
	struct dialog d;
	size_t n;

	invite_to_ue(p, &d);
	assert_int_equal(mock.nsign_saves, 1);
	assert_int_equal(mock.nsign_recs, 1);
	assert_true(mock.sent_at_sign_save < mock.nsent); /* the INVITE went after */
	n = mock.nsign_recs;
	memcpy(recs, mock.sign_recs, sizeof(recs));
	snprintf(route, sizeof(route), "%s, " MT, d.rr);

	restarted = logic_new(lines);
	assert_int_equal(pcscf_sign_restore(restarted, recs, n), 1);
	assert_int_equal(mock.nsign_saves, 0); /* the restored key is still current */
	register_fully(restarted);
	ue_in_dialog(restarted, "BYE", route);
	expect_dest(sent_last(), "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_int_equal(checks(restarted, SIGN_OK), 1);

	fresh = logic_new(lines);
	assert_int_equal(pcscf_sign_restore(fresh, NULL, 0), 0);
	assert_int_equal(mock.nsign_saves, 1); /* a first start: a new key, saved */
	register_fully(fresh);
	ue_in_dialog(fresh, "BYE", route);
	assert_int_equal(sent_msg(sent_last())->status, 403);
	assert_int_equal(checks(fresh, SIGN_UNKNOWN_KEY), 1);
	explicit_bzero(recs, sizeof(recs));
	pcscf_free(restarted);
	pcscf_free(fresh);
}

#define POOL_KEY  "6c6162206b6579206f6620746865206c616220706f6f6c2c2033322062797465"
#define OTHER_KEY "6f74686572206b65793a206e6f74206f6620746869732070636f6f6c20212121"

/* A dialog set up through one member; its in-dialog requests reach another, which shares
 * nothing with the first but the pool key: verified from the wrapped key the route set
 * carries. A tampered wrapped key, an expired one, or another pool's member: 403. */
static void test_sign_pool_member_verifies_another_members_route_set(void **state)
{
	struct pcscf *second = pool_member(POOL_KEY, true),
		     *stranger = pool_member(OTHER_KEY, true);
	struct pcscf *first = pool_member(POOL_KEY, false); /* invite_to_ue() registers */
	char route[1024], *wk;
	struct dialog d;

	(void)state;
	invite_to_ue(first, &d);
	assert_non_null(strstr(d.rr, ";sg-wk="));
	snprintf(route, sizeof(route), "%s, " MT, d.rr);
	ue_in_dialog(second, "BYE", route);
	expect_dest(sent_last(), "[2001:db8:c::1]:5060", "[2001:db8:c::2]:5060");
	assert_string_equal(hdr(sent_last(), "Route", 0), MT);
	assert_int_equal(checks(second, SIGN_OK), 1);
	/* the same token again: from the cache of unwrapped keys */
	ue_in_dialog(second, "BYE", route);
	assert_int_equal(checks(second, SIGN_OK), 2);
	/* not in this pool */
	ue_in_dialog(stranger, "BYE", route);
	assert_int_equal(sent_msg(sent_last())->status, 403);
	assert_int_equal(checks(stranger, SIGN_BAD_WRAP), 1);
	/* one character of the wrapped key changed (inside the ciphertext) */
	wk = strstr(route, ";sg-wk=") + strlen(";sg-wk=") + 60;
	*wk = *wk == 'A' ? 'B' : 'A';
	ue_in_dialog(second, "BYE", route);
	assert_int_equal(sent_msg(sent_last())->status, 403);
	assert_int_equal(checks(second, SIGN_BAD_WRAP), 1);
	*wk = *wk == 'A' ? 'B' : 'A';
	/* past rotate + keep: refused before it is opened, cached or not (the logic reads
	 * the wall clock again once a second of its monotonic clock has passed) */
	clock_ahead = 3600 + 86400 + 1;
	now_ms += 1000;
	ue_in_dialog(second, "BYE", route);
	clock_ahead = 0;
	assert_int_equal(sent_msg(sent_last())->status, 403);
	assert_int_equal(checks(second, SIGN_EXPIRED_KEY), 1);
	pcscf_free(second);
	pcscf_free(stranger);
	pcscf_free(first);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup_signing, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sign_terminating_invite_is_signed_and_200_checked),
		T(test_sign_changed_200_from_ue_is_dropped),
		T(test_sign_in_dialog_request_needs_its_route_set),
		T(test_sign_403s_are_rate_limited),
		T(test_sign_caller_route_set_in_200_to_ue),
		T(test_sign_keys_saved_first_and_restored),
		T(test_sign_counters_by_reason_kind_and_ue),
		cmocka_unit_test(test_sign_warning_fires_once_per_window),
		cmocka_unit_test_setup_teardown(
			test_sign_core_requests_signed_and_honest_answers_pass, setup_signing_core,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_sign_core_forged_response_is_dropped_and_counted, setup_signing_core,
			teardown),
		T(test_sign_core_off_leaves_core_responses_alone),
		cmocka_unit_test(test_sign_pool_member_verifies_another_members_route_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
