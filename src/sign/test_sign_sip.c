/*
 * test_sign_sip — the signatures on real messages, as a P-CSCF and a UE exchange them:
 * a terminating INVITE is forwarded to the UE with a signed Via, Record-Route and callee
 * route set; the UE's 200 must verify, and so must its in-dialog requests; an originating
 * dialog gets the caller route set in its 200. Every covered element is then changed in
 * turn and must be refused, tokens are moved between kinds, keys rotate and are purged,
 * target refreshes re-sign, and a second instance with only the pool key verifies.
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

#include "sign/sign.h"
#include "sign/sign_canon.h"
#include "sip/sip_hdr.h"
#include "sip/sip_uri.h"

#define T0	   1800000000ULL /* a wall-clock time in 2027 */
#define ROTATE	   3600
#define KEEP	   86400
#define BUF	   8192
#define OUR_BRANCH "z9hG4bKpc0123456789abcdef"
#define OUR_ACCESS "sip:[2001:db8:1::1]:5064;lr"
#define OUR_CORE   "sip:[2001:db8:2::1]:5060;lr"

static const struct sign_ring_config cfg = {.rotate_s = ROTATE, .keep_s = KEEP};

/* A dialog-creating INVITE from the core, for the UE bob (callee side). */
static const char term_invite[] =
	"INVITE sip:bob@[2001:db8:1::10]:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP scscf.ims.test:6060;branch=z9hG4bKs1, SIP/2.0/UDP icscf.ims.test"
	";branch=z9hG4bKi1;received=10.0.0.9\n"
	"Via: SIP/2.0/TCP [2001:db8:9::1]:5060;branch=z9hG4bKorig;rport=5070\n"
	"Record-Route: <sip:scscf.ims.test:6060;lr>\n"
	"Record-Route: <sip:orig-pcscf.ims.test;lr>, <sip:as.ims.test;lr;x=1>\n"
	"Max-Forwards: 68\n"
	"From: <sip:alice@ims.test>;tag=a1\n"
	"To: <sip:bob@ims.test>\n"
	"Call-ID: call-1@ims.test\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@[2001:db8:9::1]:5060;ob>\n"
	"Content-Length: 0\n\n";

/* The 200 for an originating INVITE of alice, as it comes back from the core. */
static const char orig_ok[] =
	"SIP/2.0 200 OK\n"
	"Via: SIP/2.0/UDP [2001:db8:1::10]:5060;branch=z9hG4bKue1\n"
	"Record-Route: <sip:term-pcscf.ims.test;lr>, <sip:scscf-b.ims.test;lr>\n"
	"Record-Route: <sip:scscf.ims.test:6060;lr>, <" OUR_CORE ">, <" OUR_ACCESS ">\n"
	"From: <sip:alice@ims.test>;tag=a1\n"
	"To: <sip:bob@ims.test>;tag=b1\n"
	"Call-ID: call-2@ims.test\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:bob@[2001:db8:7::5]:5060>\n"
	"Content-Length: 0\n\n";

struct fixture {
	struct sign_ring *ring;
	struct sip_msg *msg;
	struct sip_edit *ed;
	char fwd[BUF];	/* the INVITE as forwarded to the UE */
	char resp[BUF]; /* the UE's 200 */
	char req[BUF];	/* an in-dialog request of the UE */
};

/* @in with "\n" made "\r\n", into @out. */
static void crlf(const char *in, char *out)
{
	size_t o = 0;

	for (; *in && o + 2 < BUF; in++) {
		if (*in == '\n')
			out[o++] = '\r';
		out[o++] = *in;
	}
	out[o] = '\0';
}

static void parse(struct fixture *f, const char *text)
{
	assert_int_equal(sip_msg_parse(f->msg, text, strlen(text), 0, NULL), 0);
}

/* Apply the edits recorded on f->ed into @out. */
static void apply(struct fixture *f, char *out)
{
	size_t len;

	assert_int_equal(sip_edit_apply(f->ed, out, BUF - 1, &len), 0);
	out[len] = '\0';
}

/* What pcscfd does with a dialog-creating request towards a UE: our Via with sg-v, our two
 * Record-Route entries, the top one with sg-rs (and sg-wk) and sg-rr. */
static void forward_to_ue(struct fixture *f, struct sign_ring *ring, const char *in, uint64_t now)
{
	static const struct sip_str own[] = {{OUR_CORE, sizeof(OUR_CORE) - 1}};
	char text[BUF], via[256], rr[512], vp[SIGN_PARAM_MAX], rp[SIGN_PARAM_MAX],
		sp[SIGN_PARAM_MAX];
	int n;

	crlf(in, text);
	parse(f, text);
	sip_edit_reset(f->ed, f->msg);
	assert_true(sign_via(ring, f->msg, OUR_BRANCH, now, vp, sizeof(vp)) > 0);
	assert_true(sign_rr(ring, f->msg, own, 1, now, rp, sizeof(rp)) > 0);
	assert_true(sign_route_callee(ring, f->msg, own, 1, now, sp, sizeof(sp)) > 0);
	n = snprintf(via, sizeof(via), "SIP/2.0/UDP [2001:db8:1::1]:5064;branch=%s%s", OUR_BRANCH,
		     vp);
	assert_int_equal(sip_edit_insert_top(f->ed, "Via", via, (size_t)n), 0);
	n = snprintf(rr, sizeof(rr), "<%s%s>%s, <%s>", OUR_ACCESS, sp, rp, OUR_CORE);
	assert_int_equal(sip_edit_insert_top(f->ed, "Record-Route", rr, (size_t)n), 0);
	apply(f, f->fwd);
}

/* The UE's 200 to f->fwd: Via, Record-Route, From, Call-ID and CSeq copied (RFC 3261 §8.2.6). */
static void ue_answer(struct fixture *f)
{
	size_t o;

	parse(f, f->fwd);
	o = (size_t)snprintf(f->resp, BUF, "SIP/2.0 200 OK\r\n");
	for (size_t i = 0; i < f->msg->n_hdrs; i++) {
		struct sip_str line = sip_msg_hdr_line(f->msg, i);
		uint8_t id = f->msg->hdrs[i].id;

		if (id == SIP_HDR_VIA || id == SIP_HDR_RECORD_ROUTE || id == SIP_HDR_FROM ||
		    id == SIP_HDR_CALL_ID || id == SIP_HDR_CSEQ)
			o += (size_t)snprintf(f->resp + o, BUF - o, "%.*s", (int)line.len, line.s);
	}
	snprintf(f->resp + o, BUF - o,
		 "To: <sip:bob@ims.test>;tag=b1\r\nContact: <sip:bob@[2001:db8:1::10]:5060>\r\n"
		 "Content-Length: 0\r\n\r\n");
}

/* An in-dialog BYE built from the dialog-creating message @dlg as its UE sees it: the route
 * set is its Record-Routes (bottom to top when @caller), the target its Contact URI. */
static void ue_request(struct fixture *f, const char *dlg, bool caller)
{
	struct sip_str rrs[SIGN_LIST_MAX], elem;
	struct sip_nameaddr na;
	char route[BUF] = "";
	size_t n, o = 0;

	parse(f, dlg);
	assert_int_equal(sign_collect(f->msg, SIP_HDR_RECORD_ROUTE, rrs, SIGN_LIST_MAX, &n), 0);
	for (size_t i = 0; i < n; i++) {
		elem = rrs[caller ? n - 1 - i : i];
		o += (size_t)snprintf(route + o, BUF - o, "%s%.*s", i ? ", " : "", (int)elem.len,
				      elem.s);
	}
	assert_int_equal(sign_first_contact(f->msg, &elem, &na), 0);
	snprintf(f->req, BUF,
		 "BYE %.*s SIP/2.0\r\nVia: SIP/2.0/UDP [2001:db8:1::10]:5060;branch=z9hG4bKue2\r\n"
		 "Route: %s\r\nMax-Forwards: 70\r\nFrom: <sip:x@ims.test>;tag=x1\r\n"
		 "To: <sip:y@ims.test>;tag=y1\r\nCall-ID: %.*s\r\nCSeq: 2 BYE\r\n"
		 "Content-Length: 0\r\n\r\n",
		 (int)na.uri.len, na.uri.s, route, (int)sip_msg_call_id(f->msg).len,
		 sip_msg_call_id(f->msg).s);
}

/* Replace the first @old in @text by @new (in place); the test fails when @old is absent. */
static void tamper(char *text, const char *old, const char *new)
{
	char *at = strstr(text, old);
	size_t ol = strlen(old), nl = strlen(new);

	assert_non_null(at);
	assert_true(strlen(text) - ol + nl < BUF);
	memmove(at + nl, at + ol, strlen(at + ol) + 1);
	memcpy(at, new, nl);
}

static enum sign_result via_check(struct fixture *f, const char *text, uint64_t now)
{
	parse(f, text);
	return sign_via_verify(f->ring, f->msg, now);
}

static enum sign_result rr_check(struct fixture *f, const char *text, uint64_t now)
{
	parse(f, text);
	return sign_rr_verify(f->ring, f->msg, now, NULL);
}

static enum sign_result route_check(struct sign_ring *ring, struct fixture *f, const char *text,
				    uint64_t now)
{
	parse(f, text);
	return sign_route_verify(ring, f->msg, now, NULL);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ring = sign_ring_new(&cfg);
	f->msg = sip_msg_new();
	f->ed = sip_edit_new(f->msg);
	assert_true(f->ring && f->msg && f->ed);
	assert_int_equal(sign_ring_tick(f->ring, T0), 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sip_edit_free(f->ed);
	sip_msg_free(f->msg);
	sign_ring_free(f->ring);
	free(f);
	return 0;
}

/* Run every (old, new) change on a fresh copy of @text; each must give @want. */
static void expect_each(struct fixture *f, const char *text, const char *const (*changes)[2],
			size_t n, enum sign_result want,
			enum sign_result (*check)(struct fixture *, const char *, uint64_t))
{
	char copy[BUF];

	for (size_t i = 0; i < n; i++) {
		strcpy(copy, text);
		tamper(copy, changes[i][0], changes[i][1]);
		if (check(f, copy, T0 + 1) != want)
			fail_msg("change %zu (%s -> %s): %s", i, changes[i][0], changes[i][1],
				 sign_result_name(check(f, copy, T0 + 1)));
	}
}

static enum sign_result route_check_own(struct fixture *f, const char *text, uint64_t now)
{
	return route_check(f->ring, f, text, now);
}

static void test_sign_honest_callee_dialog_verifies(void **state)
{
	struct fixture *f = *state;
	struct sip_str param;
	char out[BUF];

	forward_to_ue(f, f->ring, term_invite, T0);
	assert_non_null(strstr(f->fwd, ";" SIGN_PARAM_VIA "="));
	ue_answer(f);
	assert_int_equal(via_check(f, f->resp, T0 + 1), SIGN_OK);
	assert_int_equal(rr_check(f, f->resp, T0 + 1), SIGN_OK);
	/* sg-rr goes before the response leaves: the rest of the entry stays as it was. */
	parse(f, f->resp);
	assert_int_equal(sign_rr_verify(f->ring, f->msg, T0 + 1, &param), SIGN_OK);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sip_edit_remove_span(f->ed, param.s, param.len), 0);
	apply(f, out);
	assert_null(strstr(out, SIGN_PARAM_RR));
	assert_non_null(strstr(out, "<" OUR_ACCESS ";" SIGN_PARAM_ROUTE "="));
	ue_request(f, f->fwd, false);
	assert_int_equal(route_check(f->ring, f, f->req, T0 + 2), SIGN_OK);
}

static void test_sign_via_covers_every_via_below_ours(void **state)
{
	static const char *const changes[][2] = {
		{"branch=z9hG4bKs1", "branch=z9hG4bKs2"},
		{"scscf.ims.test:6060;branch", "scscf.ims.test:6061;branch"},
		{"SIP/2.0/UDP icscf", "SIP/2.0/TCP icscf"},
		{"icscf.ims.test", "evil.example"},
		{"received=10.0.0.9", "received=10.6.6.6"},
		{"rport=5070", "rport=5071"},
		{"[2001:db8:9::1]:5060;branch", "[2001:db8:9::2]:5060;branch"},
		{", SIP/2.0/UDP icscf.ims.test;branch=z9hG4bKi1;received=10.0.0.9", ""},
		{"Via: SIP/2.0/TCP",
		 "Via: SIP/2.0/UDP victim.example;branch=z9hG4bKx, SIP/2.0/TCP"},
		{"branch=z9hG4bKorig", "branch=z9hG4bKorig;maddr=victim.example"},
		{"CSeq: 1 INVITE", "CSeq: 2 INVITE"},
		{OUR_BRANCH, "z9hG4bKpc0123456789abcdee"},
	};
	struct fixture *f = *state;
	char ok[BUF];

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_answer(f);
	expect_each(f, f->resp, changes, sizeof(changes) / sizeof(changes[0]), SIGN_BAD_MAC,
		    via_check);
	/* White space RFC 3261 allows may change; the Vias' order may not. */
	strcpy(ok, f->resp);
	tamper(ok, "SIP/2.0/UDP scscf", "SIP / 2.0 / UDP scscf");
	tamper(ok, ";branch=z9hG4bKs1", " ; branch = z9hG4bKs1");
	assert_int_equal(via_check(f, ok, T0 + 1), SIGN_OK);
	/* received and rport of the hop before us are ours to add (doc/signing.md). */
	strcpy(ok, f->resp);
	tamper(ok, "branch=z9hG4bKs1", "branch=z9hG4bKs1;received=192.0.2.1;rport=6060");
	assert_int_equal(via_check(f, ok, T0 + 1), SIGN_OK);
}

static void test_sign_via_missing_or_malformed(void **state)
{
	struct fixture *f = *state;
	char copy[BUF];

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_answer(f);
	strcpy(copy, f->resp);
	tamper(copy, ";" SIGN_PARAM_VIA "=", ";x-other=");
	assert_int_equal(via_check(f, copy, T0 + 1), SIGN_MISSING);
	strcpy(copy, f->resp);
	tamper(copy, SIGN_PARAM_VIA "=", SIGN_PARAM_VIA "=AAAA");
	assert_int_equal(via_check(f, copy, T0 + 1), SIGN_MALFORMED);
	strcpy(copy, f->resp);
	tamper(copy, SIGN_PARAM_VIA "=", SIGN_PARAM_VIA "=\"q\";x=");
	assert_int_equal(via_check(f, copy, T0 + 1), SIGN_MALFORMED);
}

static void test_sign_rr_covers_every_record_route_below_ours(void **state)
{
	static const char *const changes[][2] = {
		{"<sip:scscf.ims.test:6060;lr>", "<sip:evil.example;lr>"},
		{"orig-pcscf.ims.test", "orig-pcscf.ims.tesT"},
		{";x=1", ";x=2"},
		{"<" OUR_CORE ">", "<sip:[2001:db8:2::66]:5060;lr>"},
		{"Record-Route: <sip:scscf.ims.test:6060;lr>\r\n", ""},
		{", <sip:as.ims.test;lr;x=1>", ""},
		{"<sip:orig-pcscf.ims.test;lr>, <sip:as.ims.test;lr;x=1>",
		 "<sip:as.ims.test;lr;x=1>, <sip:orig-pcscf.ims.test;lr>"},
		{"<sip:as.ims.test;lr;x=1>", "<sip:as.ims.test;lr;x=1>, <sip:victim.example;lr>"},
		{"Call-ID: call-1@ims.test", "Call-ID: call-9@ims.test"},
	};
	struct fixture *f = *state;

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_answer(f);
	expect_each(f, f->resp, changes, sizeof(changes) / sizeof(changes[0]), SIGN_BAD_MAC,
		    rr_check);
	expect_each(f, f->resp, (const char *const[][2]){{";" SIGN_PARAM_RR "=", ";x-rr="}}, 1,
		    SIGN_MISSING, rr_check);
}

static void test_sign_callee_route_set_tampering_refused(void **state)
{
	static const char *const changes[][2] = {
		{"BYE sip:alice@[2001:db8:9::1]:5060;ob", "BYE sip:victim@[2001:db8:6::6]:5060;ob"},
		{";ob SIP/2.0", " SIP/2.0"},
		{"<sip:scscf.ims.test:6060;lr>", "<sip:evil.example;lr>"},
		{"<" OUR_CORE ">, ", ""},
		{", <sip:as.ims.test;lr;x=1>", ""},
		{"<sip:as.ims.test;lr;x=1>", "<sip:as.ims.test;lr;x=1>, <sip:victim.example;lr>"},
		{"<sip:scscf.ims.test:6060;lr>, <sip:orig-pcscf.ims.test;lr>",
		 "<sip:orig-pcscf.ims.test;lr>, <sip:scscf.ims.test:6060;lr>"},
		{"Call-ID: call-1@ims.test", "Call-ID: call-9@ims.test"},
	};
	struct fixture *f = *state;

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_request(f, f->fwd, false);
	assert_int_equal(route_check(f->ring, f, f->req, T0 + 1), SIGN_OK);
	expect_each(f, f->req, changes, sizeof(changes) / sizeof(changes[0]), SIGN_BAD_MAC,
		    route_check_own);
	/* Without our entry on top (dropped, or moved down) the signature is missing. */
	expect_each(f, f->req,
		    (const char *const[][2]){
			    {"Route: <" OUR_ACCESS ";" SIGN_PARAM_ROUTE, "Route: <sip:x;y"}},
		    1, SIGN_MISSING, route_check_own);
	/* Our own entry's URI is the carrier, not covered: it only brings the request here. */
}

static void test_sign_route_replayed_from_another_dialog_refused(void **state)
{
	struct fixture *f = *state;
	char other[sizeof(term_invite) + 8], route_a[BUF], *b, *e;

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_request(f, f->fwd, false);
	strcpy(route_a, strstr(f->req, "Route: "));
	*strstr(route_a, "\r\n") = '\0';
	strcpy(other, term_invite);
	tamper(other, "call-1@", "call-2@");
	forward_to_ue(f, f->ring, other, T0);
	ue_request(f, f->fwd, false);
	assert_int_equal(route_check(f->ring, f, f->req, T0 + 1), SIGN_OK);
	/* Dialog 2's request with dialog 1's Route: same hops, other Call-ID. */
	b = strstr(f->req, "Route: ");
	e = strstr(b, "\r\n");
	memmove(b + strlen(route_a), e, strlen(e) + 1);
	memcpy(b, route_a, strlen(route_a));
	assert_int_equal(route_check(f->ring, f, f->req, T0 + 1), SIGN_BAD_MAC);
}

/* pcscfd on the 200 of an originating dialog: it signs the caller side on its own entry. */
static void caller_dialog(struct fixture *f, struct sign_ring *ring, char *to_ue)
{
	char text[BUF];

	crlf(orig_ok, text);
	parse(f, text);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sign_route_caller(ring, f->ed, f->msg, T0), 0);
	apply(f, to_ue);
}

static void test_sign_caller_route_set_bottom_to_top(void **state)
{
	static const char *const changes[][2] = {
		{"BYE sip:bob@[2001:db8:7::5]:5060", "BYE sip:bob@[2001:db8:7::6]:5060"},
		{"<sip:term-pcscf.ims.test;lr>", "<sip:evil.example;lr>"},
		{"<" OUR_CORE ">, ", ""},
		{", <sip:term-pcscf.ims.test;lr>", ""},
		{"<sip:scscf-b.ims.test;lr>, <sip:term-pcscf.ims.test;lr>",
		 "<sip:term-pcscf.ims.test;lr>, <sip:scscf-b.ims.test;lr>"},
		{"Call-ID: call-2@", "Call-ID: call-1@"},
	};
	struct fixture *f = *state;
	char to_ue[BUF];

	caller_dialog(f, f->ring, to_ue);
	assert_non_null(strstr(to_ue, "<" OUR_ACCESS ";" SIGN_PARAM_ROUTE "="));
	ue_request(f, to_ue, true);
	assert_non_null(strstr(f->req, "Route: <" OUR_ACCESS ";" SIGN_PARAM_ROUTE "="));
	assert_int_equal(route_check(f->ring, f, f->req, T0 + 1), SIGN_OK);
	expect_each(f, f->req, changes, sizeof(changes) / sizeof(changes[0]), SIGN_BAD_MAC,
		    route_check_own);
	/* Signing again replaces the old parameters rather than adding a second set. */
	parse(f, to_ue);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sign_route_caller(f->ring, f->ed, f->msg, T0), 0);
	apply(f, f->resp);
	assert_null(strstr(strstr(f->resp, SIGN_PARAM_ROUTE "=") + 1, SIGN_PARAM_ROUTE "="));
}

/* Tokens moved between kinds: the MACs differ by subkey and kind byte, so all fail. */
static void test_sign_key_type_confusion_refused(void **state)
{
	struct fixture *f = *state;
	char copy[BUF], vtok[64], rtok[64];

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_answer(f);
	sscanf(strstr(f->resp, SIGN_PARAM_VIA "=") + strlen(SIGN_PARAM_VIA) + 1, "%63[A-Za-z0-9_-]",
	       vtok);
	sscanf(strstr(f->resp, SIGN_PARAM_RR "=") + strlen(SIGN_PARAM_RR) + 1, "%63[A-Za-z0-9_-]",
	       rtok);
	assert_string_not_equal(vtok, rtok);
	strcpy(copy, f->resp);
	tamper(copy, vtok, rtok);
	assert_int_equal(via_check(f, copy, T0 + 1), SIGN_BAD_MAC);
	strcpy(copy, f->resp);
	tamper(copy, rtok, vtok);
	assert_int_equal(rr_check(f, copy, T0 + 1), SIGN_BAD_MAC);
	/* A route-set token (two MACs) is not a Via token, nor the reverse. */
	sscanf(strstr(f->resp, SIGN_PARAM_ROUTE "=") + strlen(SIGN_PARAM_ROUTE) + 1,
	       "%63[A-Za-z0-9_-]", rtok);
	strcpy(copy, f->resp);
	tamper(copy, vtok, rtok);
	assert_int_equal(via_check(f, copy, T0 + 1), SIGN_MALFORMED);
}

static void test_sign_rotation_keeps_then_purges_old_keys(void **state)
{
	struct fixture *f = *state;
	uint32_t first = sign_ring_current_id(f->ring);
	char resp[BUF];

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_answer(f);
	strcpy(resp, f->resp);
	ue_request(f, f->fwd, false);
	assert_int_equal(sign_ring_tick(f->ring, T0 + ROTATE - 1), 0);
	assert_int_equal(sign_ring_tick(f->ring, T0 + ROTATE), 1);
	assert_int_not_equal(sign_ring_current_id(f->ring), first);
	assert_int_equal(sign_ring_count(f->ring), 2);
	/* A BYE after the rotation still verifies with the retired key. */
	assert_int_equal(route_check(f->ring, f, f->req, T0 + ROTATE + 1), SIGN_OK);
	assert_int_equal(via_check(f, resp, T0 + ROTATE + 1), SIGN_OK);
	/* Past its lifetime it is refused, as expired until the tick purges it. */
	assert_int_equal(route_check(f->ring, f, f->req, T0 + ROTATE + KEEP), SIGN_EXPIRED_KEY);
	for (uint64_t t = T0 + 2 * ROTATE; t <= T0 + ROTATE + KEEP; t += ROTATE)
		assert_true(sign_ring_tick(f->ring, t) >= 1);
	assert_int_equal(route_check(f->ring, f, f->req, T0 + ROTATE + KEEP), SIGN_UNKNOWN_KEY);
	assert_int_equal(via_check(f, resp, T0 + ROTATE + KEEP), SIGN_UNKNOWN_KEY);
	assert_true(sign_ring_count(f->ring) <= KEEP / ROTATE + 1);
}

static void test_sign_no_key_no_signature(void **state)
{
	struct fixture *f = *state;
	struct sign_ring *empty = sign_ring_new(&cfg);
	char text[BUF], out[SIGN_PARAM_MAX];

	crlf(term_invite, text);
	parse(f, text);
	assert_int_equal(sign_via(empty, f->msg, OUR_BRANCH, T0, out, sizeof(out)), -ENOKEY);
	/* Nor with a key past its lifetime that no tick replaced. */
	assert_int_equal(
		sign_via(f->ring, f->msg, OUR_BRANCH, T0 + ROTATE + KEEP, out, sizeof(out)),
		-ENOKEY);
	assert_int_equal(sign_via(f->ring, f->msg, OUR_BRANCH, T0, out, 10), -ENOSPC);
	sign_ring_free(empty);
}

/* A re-INVITE from alice with a new Contact, forwarded to bob with sg-tg on that Contact. */
static void refresh_target(struct fixture *f, const char *contact, char *to_ue)
{
	char text[BUF];

	crlf(term_invite, text);
	tamper(text, "To: <sip:bob@ims.test>", "To: <sip:bob@ims.test>;tag=b1");
	tamper(text, "<sip:alice@[2001:db8:9::1]:5060;ob>", contact);
	tamper(text, "CSeq: 1", "CSeq: 2");
	parse(f, text);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sign_target(f->ring, f->ed, f->msg, T0 + 5), 0);
	apply(f, to_ue);
}

static void test_sign_target_refresh_resigns_the_new_contact(void **state)
{
	struct fixture *f = *state;
	char to_ue[BUF], bye[BUF], out[BUF], *tg;

	forward_to_ue(f, f->ring, term_invite, T0);
	ue_request(f, f->fwd, false);
	strcpy(bye, f->req);
	refresh_target(f, "<sip:alice@[2001:db8:9::2]:5062>", to_ue);
	tg = strstr(to_ue, "Contact: <sip:alice@[2001:db8:9::2]:5062;" SIGN_PARAM_TARGET "=");
	assert_non_null(tg);
	/* bob's next request goes to the new target, with sg-tg, over the same route set. */
	sscanf(tg + strlen("Contact: <"), "%255[^>]", out);
	tamper(bye, "sip:alice@[2001:db8:9::1]:5060;ob", out);
	assert_int_equal(route_check(f->ring, f, bye, T0 + 6), SIGN_OK);
	/* sg-tg is taken out before the request goes on. */
	parse(f, bye);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sign_route_verify(f->ring, f->msg, T0 + 6, f->ed), SIGN_OK);
	apply(f, out);
	assert_non_null(strstr(out, "BYE sip:alice@[2001:db8:9::2]:5062 SIP/2.0\r\n"));
	/* The new target without its signature, or changed, is refused. */
	tamper(bye, ";" SIGN_PARAM_TARGET "=", ";x=");
	assert_int_equal(route_check(f->ring, f, bye, T0 + 6), SIGN_BAD_MAC);
	tamper(bye, ";x=", ";" SIGN_PARAM_TARGET "=");
	tamper(bye, "5062", "5063");
	assert_int_equal(route_check(f->ring, f, bye, T0 + 6), SIGN_BAD_MAC);
}

static void test_sign_target_addr_spec_contact_gets_brackets(void **state)
{
	struct fixture *f = *state;
	char to_ue[BUF];

	forward_to_ue(f, f->ring, term_invite, T0);
	refresh_target(f, "sip:alice@[2001:db8:9::3];expires=60", to_ue);
	assert_non_null(
		strstr(to_ue, "Contact: <sip:alice@[2001:db8:9::3];" SIGN_PARAM_TARGET "="));
	assert_non_null(strstr(to_ue, ">;expires=60\r\n"));
	/* Signed twice: one sg-tg only, the old one replaced. */
	parse(f, to_ue);
	sip_edit_reset(f->ed, f->msg);
	assert_int_equal(sign_target(f->ring, f->ed, f->msg, T0 + 5), 0);
	apply(f, f->resp);
	assert_null(strstr(strstr(f->resp, SIGN_PARAM_TARGET "=") + 1, SIGN_PARAM_TARGET "="));
}

static const uint8_t pool_key[SIGN_KEY_LEN] = "pool key of pcscf pool 1 (test)";

/* A second instance of the pool: its own keys, the pool key, no shared state. */
static struct sign_ring *pool_member(const uint8_t *key, uint64_t now)
{
	struct sign_ring *b = sign_ring_new(&cfg);

	assert_non_null(b);
	assert_int_equal(sign_ring_tick(b, now), 1);
	assert_int_equal(sign_ring_set_pool_key(b, key), 0);
	return b;
}

static void test_sign_pool_member_verifies_with_pool_key_only(void **state)
{
	struct fixture *f = *state;
	struct sign_ring *b = pool_member(pool_key, T0);
	char to_ue[BUF];

	assert_int_equal(sign_ring_set_pool_key(f->ring, pool_key), 0);
	forward_to_ue(f, f->ring, term_invite, T0);
	assert_non_null(strstr(f->fwd, ";" SIGN_PARAM_WRAP "="));
	ue_request(f, f->fwd, false);
	assert_int_equal(route_check(b, f, f->req, T0 + 10), SIGN_OK);
	assert_int_equal(route_check(b, f, f->req, T0 + 11), SIGN_OK); /* from the cache */
	caller_dialog(f, f->ring, to_ue);
	ue_request(f, to_ue, true);
	assert_int_equal(route_check(b, f, f->req, T0 + 12), SIGN_OK);
	/* The pool's other Via / Record-Route keys are not shared: those stay node-local. */
	sign_ring_free(b);
	/* Without the pool key, or with another one, the wrapped key is of no use. */
	b = sign_ring_new(&cfg);
	assert_int_equal(sign_ring_tick(b, T0), 1);
	assert_int_equal(route_check(b, f, f->req, T0 + 10), SIGN_UNKNOWN_KEY);
	sign_ring_free(b);
	b = pool_member((const uint8_t *)"another pool's key, 32 bytes...", T0);
	assert_int_equal(route_check(b, f, f->req, T0 + 10), SIGN_BAD_WRAP);
	sign_ring_free(b);
}

static void test_sign_pool_wrap_tampering_and_expiry_refused(void **state)
{
	struct fixture *f = *state;
	struct sign_ring *b = pool_member(pool_key, T0);
	char copy[BUF], *wk;
	size_t len;
	enum sign_result r;

	assert_int_equal(sign_ring_set_pool_key(f->ring, pool_key), 0);
	forward_to_ue(f, f->ring, term_invite, T0);
	ue_request(f, f->fwd, false);
	assert_int_equal(route_check(b, f, f->req, T0 + 10), SIGN_OK); /* now cached */
	wk = strstr(f->req, SIGN_PARAM_WRAP "=") + strlen(SIGN_PARAM_WRAP) + 1;
	len = strspn(wk, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	assert_int_equal(len, 98);
	/* Every character changed in turn: never accepted, cached key or not. */
	for (size_t i = 0; i < len; i++) {
		strcpy(copy, f->req);
		copy[wk - f->req + (ptrdiff_t)i] = wk[i] == 'A' ? 'B' : 'A';
		r = route_check(b, f, copy, T0 + 10);
		if (r != SIGN_BAD_WRAP && r != SIGN_MALFORMED && r != SIGN_EXPIRED_KEY)
			fail_msg("wrapped key changed at %zu: %s", i, sign_result_name(r));
	}
	/* Past the pool's key lifetime, or too far in the future, it is not even opened. */
	assert_int_equal(route_check(b, f, f->req, T0 + ROTATE + KEEP), SIGN_EXPIRED_KEY);
	assert_int_equal(route_check(b, f, f->req, T0 - SIGN_CLOCK_SKEW - 1), SIGN_EXPIRED_KEY);
	assert_int_equal(route_check(b, f, f->req, T0 - SIGN_CLOCK_SKEW), SIGN_OK);
	sign_ring_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_honest_callee_dialog_verifies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sign_via_covers_every_via_below_ours, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sign_via_missing_or_malformed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sign_rr_covers_every_record_route_below_ours,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_callee_route_set_tampering_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_sign_route_replayed_from_another_dialog_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_caller_route_set_bottom_to_top, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sign_key_type_confusion_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sign_rotation_keeps_then_purges_old_keys,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_no_key_no_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_target_refresh_resigns_the_new_contact,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_target_addr_spec_contact_gets_brackets,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_pool_member_verifies_with_pool_key_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_pool_wrap_tampering_and_expiry_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
