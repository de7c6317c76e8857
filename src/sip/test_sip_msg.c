/*
 * test_sip_msg.c — the message parser (sip_msg.c), the header value parsers (sip_hdr.c) and
 * the URI parser (sip_uri.c) on real-world messages, on every error path, and on the pieces
 * a proxy reads (Via, name-addr, URI, CSeq, Digest parameters, lists).
 *
 * Expected values are read off the message texts by hand. Every message is copied into a
 * heap buffer of exactly its length, without a NUL, so ASan catches a read past the end.
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

#include "sip/secagree.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"

#define CRLF "\r\n"

/* The ipsec-man REGISTER every part of the project must accept. */
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

/* A 401 from the S-CSCF, still carrying ck and ik for the P-CSCF (TS 24.229 / 33.203). */
static const char challenge_401[] =
	"SIP/2.0 401 Unauthorized" CRLF
	"Via: SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1, "
	"SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7" CRLF
	"From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
	"To: <sip:user1_public1@home1.net>;tag=5ef4" CRLF "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
	"WWW-Authenticate: Digest realm=\"registrar.home1.net\", "
	"nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", algorithm=AKAv1-MD5, "
	"ck=\"00112233445566778899aabbccddeeff\", ik=\"ffeeddccbbaa99887766554433221100\"" CRLF
	"CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF;

#define SDP_BODY                                                                                   \
	"v=0" CRLF "o=- 2987933615 2987933615 IN IP6 5555::aaa:bbb:ccc:ddd" CRLF "s=-" CRLF        \
	"c=IN IP6 5555::aaa:bbb:ccc:ddd" CRLF "t=0 0" CRLF "m=audio 3456 RTP/AVP 97 96" CRLF       \
	"a=rtpmap:97 AMR/8000" CRLF

static const char invite_sdp[] =
	"INVITE tel:+1-212-555-2222 SIP/2.0" CRLF
	"Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;comp=sigcomp;branch=z9hG4bKnashds7" CRLF
	"Max-Forwards: 70" CRLF
	"Route: <sip:pcscf1.visited1.net:7531;lr;comp=sigcomp>, <sip:orig@scscf1.home1.net;lr>" CRLF
	"P-Preferred-Identity: \"John Doe\" <sip:user1_public1@home1.net>" CRLF "Privacy: none" CRLF
	"From: <sip:user1_public1@home1.net>;tag=171828" CRLF "To: <tel:+1-212-555-2222>" CRLF
	"Call-ID: cb03a0s09a2sdfglkj490333" CRLF "Cseq: 127 INVITE" CRLF "Require: sec-agree" CRLF
	"Proxy-Require: sec-agree" CRLF "Supported: precondition, 100rel, gruu" CRLF
	"Security-Verify: ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; spi-c=98765432; spi-s=909767; "
	"port-c=2452; port-s=1357" CRLF
	"Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357;comp=sigcomp>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A"
	"3gpp-service.ims.icsi.mmtel\"" CRLF
	"Allow: INVITE, ACK, CANCEL, BYE, PRACK, UPDATE, REFER, MESSAGE" CRLF
	"Content-Type: application/sdp" CRLF "Content-Length: 155" CRLF CRLF SDP_BODY;

static const char ringing_vias[] =
	"SIP/2.0 180 Ringing" CRLF
	"Via: SIP/2.0/UDP pcscf1.visited1.net:5088;branch=z9hG4bK240f34.1" CRLF
	"Via: SIP/2.0/TCP 10.0.0.7;branch=z9hG4bK332b23.1;received=10.0.0.8;rport=40123, "
	"SIP/2.0/TLS scscf1.home1.net;branch=z9hG4bK764z87.1" CRLF
	"Record-Route: <sip:scscf1.home1.net;lr>, <sip:pcscf1.visited1.net:7531;lr>" CRLF
	"From: <sip:user1_public1@home1.net>;tag=171828" CRLF
	"To: <tel:+1-212-555-2222>;tag=314159" CRLF "Call-ID: cb03a0s09a2sdfglkj490333" CRLF
	"CSeq: 127 INVITE" CRLF "Contact: <sip:[5555::eee:fff:aaa:bbb]:8805;comp=sigcomp>" CRLF
	"Content-Length: 0" CRLF CRLF;

/* Compact forms (RFC 3261 §7.3.3), an unknown header and body without Content-Type. */
static const char compact_message[] =
	"MESSAGE sip:user2@home2.net SIP/2.0" CRLF
	"v: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK776asdhds" CRLF
	"f: \"Alice\" <sip:alice@home1.net>;tag=1928301774" CRLF "t: <sip:user2@home2.net>" CRLF
	"i: a84b4c76e66710@pc33.home1.net" CRLF "m: <sip:alice@192.0.2.4>" CRLF "k: path" CRLF
	"s: lunch" CRLF "e: gzip" CRLF "X-Custom: 1" CRLF "CSeq: 1 MESSAGE" CRLF
	"Max-Forwards: 69" CRLF "c: text/plain" CRLF "l: 5" CRLF CRLF "hello";

/* Folded headers (obs-fold), extra white space around the colon and in Via. */
static const char folded_message[] =
	"OPTIONS sip:[2001:db8::10]:5070;transport=tcp SIP/2.0" CRLF
	"Via: SIP/2.0/TCP [2001:db8::1]:5060" CRLF
	"  ;branch=z9hG4bKfold1;received=2001:db8::9" CRLF
	"Via : SIP / 2.0 / UDP\t[2001:db8::2];branch=z9hG4bKfold2;rport" CRLF
	"From: <sip:a@[2001:db8::1]>;tag=x" CRLF "To:" CRLF "\t<sip:b@[2001:db8::10]>" CRLF
	"Call-ID: fold@[2001:db8::1]" CRLF "Subject: a long" CRLF "   subject" CRLF
	"CSeq: 8 OPTIONS" CRLF "Max-Forwards: 70" CRLF "Content-Length: 0" CRLF CRLF;

struct parsed {
	char *buf;
	struct sip_msg msg;
	struct sip_msg_error err;
	int ret;
};

static struct parsed *parse_n(const char *text, size_t len, unsigned int flags)
{
	struct parsed *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->buf = malloc(len ? len : 1);
	assert_non_null(p->buf);
	memcpy(p->buf, text, len);
	p->ret = sip_msg_parse(&p->msg, p->buf, len, flags, &p->err);
	return p;
}

static struct parsed *parse_ok(const char *text)
{
	struct parsed *p = parse_n(text, strlen(text), 0);

	if (p->ret != 0)
		fail_msg("parse failed: %d %s", p->ret, p->err.reason);
	assert_int_equal(p->err.code, SIP_MSG_OK);
	return p;
}

static void parsed_free(struct parsed *p)
{
	free(p->buf);
	free(p);
}

static void assert_span(struct sip_str got, const char *want)
{
	if (got.len != strlen(want) || memcmp(got.s, want, got.len) != 0)
		fail_msg("got \"%.*s\", want \"%s\"", (int)got.len, got.s, want);
}

static struct sip_str value_of(const struct sip_msg *msg, enum sip_hdr_id id)
{
	struct sip_str v;

	assert_int_equal(sip_msg_value_of(msg, id, &v), 0);
	return v;
}

/* ---- whole messages ---- */

static void test_sip_msg_register_vector_start_line_and_headers(void **state)
{
	struct parsed *p = parse_ok(register_vector);
	const struct sip_msg *m = &p->msg;
	static const enum sip_hdr_id order[] = {
		SIP_HDR_VIA,	       SIP_HDR_MAX_FORWARDS,
		SIP_HDR_FROM,	       SIP_HDR_TO,
		SIP_HDR_CONTACT,       SIP_HDR_CALL_ID,
		SIP_HDR_AUTHORIZATION, SIP_HDR_SECURITY_CLIENT,
		SIP_HDR_REQUIRE,       SIP_HDR_CSEQ,
		SIP_HDR_EXPIRES,       SIP_HDR_CONTENT_LENGTH,
	};
	size_t i;

	assert_true(m->is_request);
	assert_int_equal(m->method, SIP_METHOD_REGISTER);
	assert_span(m->method_str, "REGISTER");
	assert_span(m->ruri, "sip:registrar.home1.net");
	assert_span(sip_msg_start_line(m), "REGISTER sip:registrar.home1.net SIP/2.0");
	assert_int_equal(m->n_hdrs, 12);
	for (i = 0; i < 12; i++)
		assert_int_equal(m->hdrs[i].id, order[i]);
	assert_int_equal(m->cseq, 1);
	assert_int_equal(m->cseq_method, SIP_METHOD_REGISTER);
	assert_int_equal(m->max_forwards, 70);
	assert_int_equal(m->flags, 0);
	assert_true(m->has_content_length);
	assert_int_equal(m->body_len, 0);
	assert_int_equal(m->body_off, strlen(register_vector));
	assert_int_equal(m->blank_off, strlen(register_vector) - 2);
	assert_span(sip_msg_call_id(m), "apb03a0s09dkjdfglkj49111");
	assert_span(sip_msg_hdr_name(m, 1), "Max-Forwards");
	assert_span(sip_msg_hdr_value(m, 1), "70");
	assert_span(sip_msg_hdr_line(m, 1), "Max-Forwards: 70\r\n");
	assert_span(value_of(m, SIP_HDR_EXPIRES), "7200");
	parsed_free(p);
}

static void test_sip_msg_register_vector_values(void **state)
{
	struct parsed *p = parse_ok(register_vector);
	const struct sip_msg *m = &p->msg;
	struct sip_str v, tag;
	struct sip_via via;
	struct sip_nameaddr na;
	struct sip_uri uri;
	struct secagree_list sec;
	uint32_t expires;

	v = value_of(m, SIP_HDR_VIA);
	assert_int_equal(sip_hdr_via_parse(v.s, v.len, &via), 0);
	assert_span(via.protocol, "SIP/2.0");
	assert_span(via.transport, "UDP");
	assert_span(via.host, "5555::aaa:bbb:ccc:ddd");
	assert_span(via.sent_by, "[5555::aaa:bbb:ccc:ddd]");
	assert_true(via.host_ipv6);
	assert_int_equal(via.port, 0);
	assert_true(via.has_branch);
	assert_span(via.branch, "z9hG4bKnashds7");
	assert_false(via.has_received || via.has_rport);

	assert_int_equal(sip_msg_from_tag(m, &tag), 0);
	assert_span(tag, "4fa3");
	assert_int_equal(sip_msg_to_tag(m, &tag), -ENOENT);
	assert_int_equal(tag.len, 0);

	v = value_of(m, SIP_HDR_CONTACT);
	assert_int_equal(sip_hdr_nameaddr_parse(v.s, v.len, &na), 0);
	assert_false(na.angle);
	assert_span(na.uri, "sip:[5555::aaa:bbb:ccc:ddd]");
	assert_int_equal(sip_uri_parse(na.uri.s, na.uri.len, &uri), 0);
	assert_int_equal(uri.scheme, SIP_URI_SIP);
	assert_span(uri.host, "5555::aaa:bbb:ccc:ddd");
	assert_true(uri.host_ipv6);
	assert_int_equal(uri.user.len, 0);

	v = value_of(m, SIP_HDR_SECURITY_CLIENT);
	assert_int_equal(secagree_parse(v.s, v.len, &sec, NULL), 0);
	assert_int_equal(sec.mechs[0].spi_u_udp, 12345678);
	assert_int_equal(sec.mechs[0].addr_pref_len, 64);

	v = value_of(m, SIP_HDR_REQUIRE);
	assert_int_equal(sip_hdr_token_list_has(v.s, v.len, "sec-agree"), 1);
	assert_int_equal(sip_hdr_token_list_has(v.s, v.len, "path"), 0);
	v = value_of(m, SIP_HDR_EXPIRES);
	assert_int_equal(sip_hdr_uint_parse(v.s, v.len, UINT32_MAX, &expires), 0);
	assert_int_equal(expires, 7200);
	parsed_free(p);
}

static void test_sip_msg_register_vector_authorization(void **state)
{
	static const char *const names[] = {"username", "realm", "nonce", "uri", "response"};
	static const char *const values[] = {"user1_private@home1.net", "registrar.home1.net", "",
					     "sip:registrar.home1.net", ""};
	struct parsed *p = parse_ok(register_vector);
	struct sip_str v = value_of(&p->msg, SIP_HDR_AUTHORIZATION), scheme;
	struct sip_hdr_iter it;
	struct sip_auth_param ap;
	int i = 0;

	assert_int_equal(sip_hdr_auth_begin(&it, v.s, v.len, &scheme), 0);
	assert_span(scheme, "Digest");
	while (sip_hdr_auth_next(&it, &ap) == 1) {
		assert_true(i < 5);
		assert_span(ap.name, names[i]);
		assert_span(ap.value, values[i]);
		assert_true(ap.quoted);
		i++;
	}
	assert_int_equal(i, 5);
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "NONCE", &ap), 1);
	assert_span(ap.item, "nonce=\"\"");
	assert_span(ap.removal, ", nonce=\"\"");
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "username", &ap), 1);
	assert_span(ap.removal, "username=\"user1_private@home1.net\", ");
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "ck", &ap), 0);
	parsed_free(p);
}

static void test_sip_msg_401_challenge_ck_ik(void **state)
{
	struct parsed *p = parse_ok(challenge_401);
	const struct sip_msg *m = &p->msg;
	struct sip_str v = value_of(m, SIP_HDR_WWW_AUTHENTICATE), tag;
	struct sip_auth_param ap;

	assert_false(m->is_request);
	assert_int_equal(m->status, 401);
	assert_span(m->reason, "Unauthorized");
	assert_int_equal(m->cseq_method, SIP_METHOD_REGISTER);
	assert_int_equal(m->max_forwards, -1);
	assert_int_equal(m->flags & SIP_MSG_F_NO_MAX_FORWARDS, 0); /* only noted for requests */
	assert_int_equal(sip_msg_to_tag(m, &tag), 0);
	assert_span(tag, "5ef4");
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "ck", &ap), 1);
	assert_span(ap.value, "00112233445566778899aabbccddeeff");
	assert_span(ap.removal, ", ck=\"00112233445566778899aabbccddeeff\"");
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "ik", &ap), 1);
	assert_span(ap.value, "ffeeddccbbaa99887766554433221100");
	assert_span(ap.item, "ik=\"ffeeddccbbaa99887766554433221100\"");
	assert_int_equal(sip_hdr_auth_find(v.s, v.len, "algorithm", &ap), 1);
	assert_span(ap.value, "AKAv1-MD5");
	assert_false(ap.quoted);
	parsed_free(p);
}

static void test_sip_msg_401_two_vias_in_one_line(void **state)
{
	struct parsed *p = parse_ok(challenge_401);
	struct sip_str v = value_of(&p->msg, SIP_HDR_VIA), elem, removal;
	struct sip_hdr_iter it;
	struct sip_via via;

	assert_int_equal(sip_msg_count(&p->msg, SIP_HDR_VIA), 1);
	sip_hdr_iter_init(&it, v.s, v.len);
	assert_int_equal(sip_hdr_list_next(&it, &elem, &removal), 1);
	assert_span(elem, "SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1");
	assert_span(removal, "SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1, ");
	assert_int_equal(sip_hdr_via_parse(elem.s, elem.len, &via), 0);
	assert_span(via.host, "pcscf1.visited1.net");
	assert_int_equal(via.port, 5060);
	assert_int_equal(sip_hdr_list_next(&it, &elem, &removal), 1);
	assert_int_equal(sip_hdr_via_parse(elem.s, elem.len, &via), 0);
	assert_span(via.sent_by, "[5555::aaa:bbb:ccc:ddd]:1357");
	assert_int_equal(via.port, 1357);
	assert_span(removal, ", SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7");
	assert_int_equal(sip_hdr_list_next(&it, &elem, &removal), 0);
	parsed_free(p);
}

static void test_sip_msg_invite_with_sdp_body(void **state)
{
	struct parsed *p = parse_ok(invite_sdp);
	const struct sip_msg *m = &p->msg;
	struct sip_str v, elem;
	struct sip_hdr_iter it;
	struct sip_nameaddr na;
	struct sip_uri uri;
	struct sip_param prm;

	assert_int_equal(strlen(SDP_BODY), 155);
	assert_int_equal(m->method, SIP_METHOD_INVITE);
	assert_span(m->ruri, "tel:+1-212-555-2222");
	assert_span(sip_msg_body(m), SDP_BODY);
	assert_int_equal(m->cseq, 127); /* "Cseq" in any case is CSeq */
	assert_span(value_of(m, SIP_HDR_CONTENT_TYPE), "application/sdp");
	assert_int_equal(sip_msg_find_name(m, "privacy", 7, 0), 4);
	assert_int_equal(sip_msg_find_name(m, "Privacy", 7, 4), 4);
	assert_int_equal(sip_msg_find_name(m, "Privacy", 7, 5), -ENOENT);

	v = value_of(m, SIP_HDR_ROUTE);
	sip_hdr_iter_init(&it, v.s, v.len);
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 1);
	assert_int_equal(sip_hdr_nameaddr_parse(elem.s, elem.len, &na), 0);
	assert_int_equal(sip_uri_parse(na.uri.s, na.uri.len, &uri), 0);
	assert_span(uri.host, "pcscf1.visited1.net");
	assert_int_equal(uri.port, 7531);
	assert_true(uri.lr);
	assert_int_equal(sip_uri_param_find(&uri, "comp", &prm), 1);
	assert_span(prm.value, "sigcomp");
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 1);
	assert_int_equal(sip_hdr_nameaddr_parse(elem.s, elem.len, &na), 0);
	assert_int_equal(sip_uri_parse(na.uri.s, na.uri.len, &uri), 0);
	assert_span(uri.user, "orig");
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 0);

	v = value_of(m, SIP_HDR_P_PREFERRED_IDENTITY);
	assert_int_equal(sip_hdr_nameaddr_parse(v.s, v.len, &na), 0);
	assert_span(na.display, "\"John Doe\"");
	assert_span(na.uri, "sip:user1_public1@home1.net");

	v = value_of(m, SIP_HDR_CONTACT);
	assert_int_equal(sip_hdr_nameaddr_parse(v.s, v.len, &na), 0);
	assert_int_equal(sip_hdr_param_find(na.params.s, na.params.len, "+g.3gpp.icsi-ref", &prm),
			 1);
	assert_true(prm.quoted);
	assert_span(prm.value, "urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel");
	v = value_of(m, SIP_HDR_SUPPORTED);
	assert_int_equal(sip_hdr_token_list_has(v.s, v.len, "100REL"), 1);
	parsed_free(p);
}

static void test_sip_msg_response_with_several_vias(void **state)
{
	struct parsed *p = parse_ok(ringing_vias);
	const struct sip_msg *m = &p->msg;
	struct sip_str v, elem;
	struct sip_hdr_iter it;
	struct sip_via via;
	int i;

	assert_int_equal(m->status, 180);
	assert_span(m->reason, "Ringing");
	assert_int_equal(sip_msg_count(m, SIP_HDR_VIA), 2);
	assert_int_equal(sip_msg_nth(m, SIP_HDR_VIA, 0), 0);
	assert_int_equal(sip_msg_nth(m, SIP_HDR_VIA, 1), 1);
	assert_int_equal(sip_msg_nth(m, SIP_HDR_VIA, 2), -ENOENT);
	i = sip_msg_nth(m, SIP_HDR_VIA, 1);
	v = sip_msg_hdr_value(m, (size_t)i);
	sip_hdr_iter_init(&it, v.s, v.len);
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 1);
	assert_int_equal(sip_hdr_via_parse(elem.s, elem.len, &via), 0);
	assert_span(via.transport, "TCP");
	assert_span(via.host, "10.0.0.7");
	assert_false(via.host_ipv6);
	assert_span(via.received, "10.0.0.8");
	assert_true(via.has_rport);
	assert_span(via.rport, "40123");
	assert_span(via.params, ";branch=z9hG4bK332b23.1;received=10.0.0.8;rport=40123");
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 1);
	assert_int_equal(sip_hdr_via_parse(elem.s, elem.len, &via), 0);
	assert_span(via.transport, "TLS");
	assert_span(via.branch, "z9hG4bK764z87.1");
	assert_int_equal(sip_hdr_list_next(&it, &elem, NULL), 0);
	assert_int_equal(sip_msg_count(m, SIP_HDR_RECORD_ROUTE), 1);
	parsed_free(p);
}

static void test_sip_msg_compact_forms_map_to_long_names(void **state)
{
	struct parsed *p = parse_ok(compact_message);
	const struct sip_msg *m = &p->msg;
	static const enum sip_hdr_id ids[] = {
		SIP_HDR_VIA,
		SIP_HDR_FROM,
		SIP_HDR_TO,
		SIP_HDR_CALL_ID,
		SIP_HDR_CONTACT,
		SIP_HDR_SUPPORTED,
		SIP_HDR_SUBJECT,
		SIP_HDR_CONTENT_ENCODING,
		SIP_HDR_OTHER,
		SIP_HDR_CSEQ,
		SIP_HDR_MAX_FORWARDS,
		SIP_HDR_CONTENT_TYPE,
		SIP_HDR_CONTENT_LENGTH,
	};
	size_t i;

	assert_int_equal(m->n_hdrs, 13);
	for (i = 0; i < 13; i++)
		assert_int_equal(m->hdrs[i].id, ids[i]);
	assert_span(sip_msg_body(m), "hello");
	assert_span(sip_msg_call_id(m), "a84b4c76e66710@pc33.home1.net");
	assert_int_equal(sip_msg_find_name(m, "Via", 3, 0), 0);
	assert_int_equal(sip_msg_find_name(m, "CONTENT-LENGTH", 14, 0), 12);
	assert_int_equal(sip_msg_find_name(m, "x-custom", 8, 0), 8);
	assert_int_equal(sip_msg_find_name(m, "X-Other", 7, 0), -ENOENT);
	assert_span(sip_msg_hdr_name(m, 0), "v");
	assert_int_equal(sip_msg_hdr_lookup("L", 1), SIP_HDR_CONTENT_LENGTH);
	assert_int_equal(sip_msg_hdr_lookup("q", 1), SIP_HDR_OTHER);
	assert_string_equal(sip_msg_hdr_canonical(SIP_HDR_CALL_ID), "Call-ID");
	assert_null(sip_msg_hdr_canonical(SIP_HDR_OTHER));
	parsed_free(p);
}

static void test_sip_msg_folded_headers_and_ipv6(void **state)
{
	struct parsed *p = parse_ok(folded_message);
	const struct sip_msg *m = &p->msg;
	struct sip_str v;
	struct sip_via via;
	struct sip_nameaddr na;
	struct sip_uri uri;

	assert_true(m->flags & SIP_MSG_F_FOLDED);
	assert_true(m->hdrs[0].folded);
	v = sip_msg_hdr_value(m, 0);
	assert_span(
		v, "SIP/2.0/TCP [2001:db8::1]:5060\r\n  ;branch=z9hG4bKfold1;received=2001:db8::9");
	assert_int_equal(sip_hdr_via_parse(v.s, v.len, &via), 0);
	assert_span(via.host, "2001:db8::1");
	assert_int_equal(via.port, 5060);
	assert_span(via.branch, "z9hG4bKfold1");
	assert_span(via.received, "2001:db8::9");
	v = sip_msg_hdr_value(m, 1);
	assert_int_equal(sip_hdr_via_parse(v.s, v.len, &via), 0);
	assert_span(via.protocol, "SIP / 2.0");
	assert_span(via.transport, "UDP");
	assert_true(via.has_rport);
	assert_int_equal(via.rport.len, 0);
	v = value_of(m, SIP_HDR_TO);
	assert_span(v, "<sip:b@[2001:db8::10]>");
	assert_int_equal(sip_hdr_nameaddr_parse(v.s, v.len, &na), 0);
	assert_span(value_of(m, SIP_HDR_SUBJECT), "a long\r\n   subject");
	assert_int_equal(sip_uri_parse(m->ruri.s, m->ruri.len, &uri), 0);
	assert_span(uri.host, "2001:db8::10");
	assert_int_equal(uri.port, 5070);
	assert_span(uri.transport, "tcp");
	assert_span(sip_msg_call_id(m), "fold@[2001:db8::1]");
	parsed_free(p);
}

static void test_sip_msg_missing_max_forwards_is_noted(void **state)
{
	struct parsed *p =
		parse_ok("BYE sip:a@b SIP/2.0" CRLF "Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF
			 "From: <sip:a@b>;tag=1" CRLF "To: <sip:c@d>;tag=2" CRLF "Call-ID: x" CRLF
			 "CSeq: 2 BYE" CRLF CRLF);

	assert_true(p->msg.flags & SIP_MSG_F_NO_MAX_FORWARDS);
	assert_int_equal(p->msg.max_forwards, -1);
	assert_false(p->msg.has_content_length);
	assert_int_equal(p->msg.body_len, 0);
	parsed_free(p);
}

static void test_sip_msg_datagram_without_content_length_takes_rest(void **state)
{
	struct parsed *p = parse_ok("SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF
				    "From: <sip:a@b>;tag=1" CRLF "To: <sip:c@d>;tag=2" CRLF
				    "Call-ID: x" CRLF "CSeq: 2 BYE" CRLF CRLF "rest");

	assert_span(sip_msg_body(&p->msg), "rest");
	parsed_free(p);
}

/* ---- errors ---- */

#define HDRS_OK                                                                                    \
	"Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF "From: <sip:a@b>;tag=1" CRLF                     \
	"To: <sip:c@d>" CRLF "Call-ID: x" CRLF "CSeq: 1 OPTIONS" CRLF "Max-Forwards: 70" CRLF

static void expect_err_n(const char *text, size_t len, unsigned int flags, int ret,
			 enum sip_msg_err code, int status, const char *reason)
{
	struct parsed *p = parse_n(text, len, flags);

	if (p->ret != ret || p->err.code != code)
		fail_msg("want %d/%d, got %d/%d (%s)", ret, code, p->ret, p->err.code,
			 p->err.reason);
	assert_int_equal(p->err.status, status);
	if (reason)
		assert_string_equal(p->err.reason, reason);
	parsed_free(p);
}

static void expect_err(const char *text, enum sip_msg_err code, int status, const char *reason)
{
	expect_err_n(text, strlen(text), 0, status == 513 ? -EMSGSIZE : -EINVAL, code, status,
		     reason);
}

static void test_sip_msg_missing_required_headers(void **state)
{
	static const char *const lines[] = {
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF,
		"From: <sip:a@b>;tag=1" CRLF,
		"To: <sip:c@d>" CRLF,
		"Call-ID: x" CRLF,
		"CSeq: 1 OPTIONS" CRLF,
	};
	static const char *const reasons[] = {
		"Bad Request: missing Via",  "Bad Request: missing From",
		"Bad Request: missing To",   "Bad Request: missing Call-ID",
		"Bad Request: missing CSeq",
	};
	char text[512];
	size_t skip, i;

	for (skip = 0; skip < 5; skip++) {
		snprintf(text, sizeof(text), "OPTIONS sip:a@b SIP/2.0" CRLF);
		for (i = 0; i < 5; i++)
			if (i != skip)
				strcat(text, lines[i]);
		strcat(text, CRLF);
		expect_err(text, SIP_MSG_ERR_MISSING_HEADER, 400, reasons[skip]);
	}
}

static void test_sip_msg_duplicate_single_headers(void **state)
{
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "CSeq: 1 OPTIONS" CRLF CRLF,
		   SIP_MSG_ERR_DUPLICATE_HEADER, 400, "Bad Request: duplicate CSeq");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "i: y" CRLF CRLF,
		   SIP_MSG_ERR_DUPLICATE_HEADER, 400, "Bad Request: duplicate Call-ID");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "Content-Length: 0" CRLF "l: 0" CRLF CRLF,
		   SIP_MSG_ERR_DUPLICATE_HEADER, 400, "Bad Request: duplicate Content-Length");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "Max-Forwards: 70" CRLF CRLF,
		   SIP_MSG_ERR_DUPLICATE_HEADER, 400, "Bad Request: duplicate Max-Forwards");
}

static void test_sip_msg_malformed_checked_values(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{"Via: SIP/2.0/UDP" CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0/UDP h:0" CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0/UDP h:65536" CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0/UDP [::1" CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0/UDP h;branch" CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0/UDP h, " CRLF, "Bad Request: malformed Via"},
		{"Via: SIP/2.0 h" CRLF, "Bad Request: malformed Via"},
		{"Via:" CRLF, "Bad Request: malformed Via"},
		{"From: nothing" CRLF, "Bad Request: malformed From"},
		{"From: *" CRLF, "Bad Request: malformed From"},
		{"From: <sip:a@b;tag=1" CRLF, "Bad Request: malformed From"},
		{"To: \"unterminated <sip:a@b>" CRLF, "Bad Request: malformed To"},
		{"Call-ID: a b" CRLF, "Bad Request: malformed Call-ID"},
		{"Call-ID: @x" CRLF, "Bad Request: malformed Call-ID"},
		{"CSeq: OPTIONS" CRLF, "Bad Request: malformed CSeq"},
		{"CSeq: 2147483648 OPTIONS" CRLF, "Bad Request: malformed CSeq"},
		{"Max-Forwards: 256" CRLF, "Bad Request: malformed Max-Forwards"},
		{"Max-Forwards: -1" CRLF, "Bad Request: malformed Max-Forwards"},
		{"Content-Length: 0x0" CRLF, "Bad Request: malformed Content-Length"},
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* The bad line comes first; the good one of the same name is left out. */
		const char *colon = strchr(cases[i].line, ':');
		char name[32];
		const char *l, *next;

		snprintf(name, sizeof(name), "%.*s", (int)(colon - cases[i].line), cases[i].line);
		snprintf(text, sizeof(text), "OPTIONS sip:a@b SIP/2.0" CRLF "%s", cases[i].line);
		for (l = HDRS_OK; *l; l = next) {
			next = strstr(l, CRLF) + 2;
			if (strncmp(l, name, strlen(name)) != 0 || l[strlen(name)] != ':')
				strncat(text, l, (size_t)(next - l));
		}
		strcat(text, CRLF);
		expect_err(text, SIP_MSG_ERR_BAD_HEADER, 400, cases[i].reason);
	}
}

static void test_sip_msg_cseq_method_must_match(void **state)
{
	expect_err("INVITE sip:a@b SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_CSEQ_METHOD, 400,
		   "Bad Request: CSeq method does not match");
	/* Method names are case-sensitive (RFC 3261 §7.1). */
	expect_err("options sip:a@b SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_CSEQ_METHOD, 400, NULL);
}

static void test_sip_msg_content_length_checks(void **state)
{
	static const char stream_without[] = "OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK CRLF;

	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "Content-Length: 3" CRLF CRLF "ab",
		   SIP_MSG_ERR_CONTENT_LENGTH, 400,
		   "Bad Request: Content-Length does not match the body");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "Content-Length: 1" CRLF CRLF "ab",
		   SIP_MSG_ERR_CONTENT_LENGTH, 400, NULL);
	expect_err_n(stream_without, strlen(stream_without), SIP_PARSE_STREAM, -EINVAL,
		     SIP_MSG_ERR_CONTENT_LENGTH, 400, "Bad Request: missing Content-Length");
}

static void test_sip_msg_start_line_errors(void **state)
{
	expect_err("OPTIONS  sip:a@b SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400,
		   "Bad Request: malformed Request-URI");
	expect_err("OPTIONS sip:a@b" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400,
		   "Bad Request: malformed Request-URI");
	expect_err("OPTIONS nouri SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400, NULL);
	expect_err("OPTIONS sip:a@b HTTP/1.1" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400,
		   "Bad Request: malformed SIP-Version");
	expect_err("OPTIONS sip:a@b SIP/3.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_VERSION, 505,
		   "Version Not Supported");
	expect_err("SIP/2.0 20 OK" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400,
		   "Bad Request: malformed status line");
	expect_err("SIP/2.0 700 Odd" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400, NULL);
	expect_err("SIP/2.0 2000 OK" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400, NULL);
	expect_err("SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400, NULL);
	expect_err(" OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK CRLF, SIP_MSG_ERR_START_LINE, 400, NULL);
	expect_err("", SIP_MSG_ERR_START_LINE, 400, "Bad Request: no start line");
	expect_err("OPTIONS sip:a@b SIP/2.0", SIP_MSG_ERR_START_LINE, 400, NULL);
}

static void test_sip_msg_line_errors(void **state)
{
	static const char with_nul[] = "OPTIONS sip:a@b SIP/2.0" CRLF "X: a\0b" CRLF HDRS_OK CRLF;

	expect_err("OPTIONS sip:a@b SIP/2.0\n" HDRS_OK CRLF, SIP_MSG_ERR_LINE_END, 400,
		   "Bad Request: bare LF");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF "X: a\rb" CRLF HDRS_OK CRLF, SIP_MSG_ERR_LINE_END,
		   400, "Bad Request: bare CR");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF "X: a\x01" CRLF HDRS_OK CRLF,
		   SIP_MSG_ERR_LINE_END, 400, "Bad Request: control character");
	expect_err_n(with_nul, sizeof(with_nul) - 1, 0, -EINVAL, SIP_MSG_ERR_LINE_END, 400,
		     "Bad Request: control character");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF " folded: x" CRLF HDRS_OK CRLF,
		   SIP_MSG_ERR_HEADER_SYNTAX, 400, "Bad Request: folded line without a header");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF "No colon" CRLF HDRS_OK CRLF,
		   SIP_MSG_ERR_HEADER_SYNTAX, 400, "Bad Request: malformed header line");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF "Bad(name): x" CRLF HDRS_OK CRLF,
		   SIP_MSG_ERR_HEADER_SYNTAX, 400, NULL);
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK, SIP_MSG_ERR_NO_BLANK_LINE, 400,
		   "Bad Request: no end of headers");
	expect_err("OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK "\r", SIP_MSG_ERR_NO_BLANK_LINE, 400,
		   NULL);
}

static void test_sip_msg_limits(void **state)
{
	size_t size = SIP_MSG_MAX_LEN + 1, i, n;
	char *big = malloc(size + 64);
	static const char head[] = "OPTIONS sip:a@b SIP/2.0" CRLF HDRS_OK;

	assert_non_null(big);
	/* 65537 bytes: too large before anything else is looked at. */
	memset(big, 'a', size);
	expect_err_n(big, size, 0, -EMSGSIZE, SIP_MSG_ERR_TOO_LARGE, 513, "Message Too Large");

	/* 122 X- headers + 6 = 128 is fine, one more is too many. */
	for (n = 122; n <= 123; n++) {
		strcpy(big, head);
		for (i = 0; i < n; i++)
			strcat(big, "X-A: b" CRLF);
		strcat(big, CRLF);
		if (n == 122) {
			struct parsed *p = parse_ok(big);

			assert_int_equal(p->msg.n_hdrs, SIP_MSG_MAX_HEADERS);
			parsed_free(p);
		} else {
			/* In a view of exactly its size, so that ASan sees a write past the table.
			 */
			struct sip_msg *m = sip_msg_new();
			struct sip_msg_error err;

			assert_non_null(m);
			expect_err(big, SIP_MSG_ERR_TOO_MANY_HEADERS, 513,
				   "Message Too Large: too many headers");
			assert_int_equal(sip_msg_parse(m, big, strlen(big), 0, &err), -EMSGSIZE);
			assert_int_equal(m->n_hdrs, SIP_MSG_MAX_HEADERS);
			sip_msg_free(m);
		}
	}

	/* A header line of exactly 8192 bytes with its CRLF is fine; 8193 is not. */
	for (n = 8192; n <= 8193; n++) {
		strcpy(big, head);
		i = strlen(big);
		memcpy(big + i, "X: ", 3);
		memset(big + i + 3, 'v', n - 5);
		memcpy(big + i + n - 2, CRLF CRLF, 5);
		if (n == 8192) {
			struct parsed *p = parse_ok(big);

			assert_int_equal(p->msg.hdrs[6].line_len, 8192);
			parsed_free(p);
		} else {
			expect_err(big, SIP_MSG_ERR_LINE_TOO_LONG, 513,
				   "Message Too Large: header too long");
		}
	}
	/* The same length made of folded lines counts as one header. */
	strcpy(big, head);
	strcat(big, "X: a");
	for (i = 0; i < 1200; i++)
		strcat(big, CRLF " abcde");
	strcat(big, CRLF CRLF);
	expect_err(big, SIP_MSG_ERR_LINE_TOO_LONG, 513, "Message Too Large: header too long");
	/* A start line over the limit. */
	memcpy(big, "OPTIONS sip:", 12);
	memset(big + 12, 'a', 9000);
	strcpy(big + 9012, " SIP/2.0" CRLF HDRS_OK CRLF);
	expect_err(big, SIP_MSG_ERR_LINE_TOO_LONG, 513, "Message Too Large: line too long");
	free(big);
}

/* ---- value parsers on their own ---- */

static void test_sip_hdr_list_honours_quotes_and_brackets(void **state)
{
	static const char v[] = "\"Doe, John\" <sip:a@b;x=\"1\">;q=0.5 ,<sip:c@d?h=1,2>  , *";
	struct sip_hdr_iter it;
	struct sip_str e, r;

	sip_hdr_iter_init(&it, v, strlen(v));
	assert_int_equal(sip_hdr_list_next(&it, &e, &r), 1);
	assert_span(e, "\"Doe, John\" <sip:a@b;x=\"1\">;q=0.5");
	assert_span(r, "\"Doe, John\" <sip:a@b;x=\"1\">;q=0.5 ,");
	assert_int_equal(sip_hdr_list_next(&it, &e, &r), 1);
	assert_span(e, "<sip:c@d?h=1,2>");
	assert_span(r, " ,<sip:c@d?h=1,2>");
	assert_int_equal(sip_hdr_list_next(&it, &e, &r), 1);
	assert_span(e, "*");
	assert_span(r, "  , *");
	assert_int_equal(sip_hdr_list_next(&it, &e, &r), 0);
	assert_int_equal(it.n, 3);

	sip_hdr_iter_init(&it, "a,,b", 4);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), 1);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), -EINVAL);
	sip_hdr_iter_init(&it, "<a,b", 4);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), -EINVAL);
	sip_hdr_iter_init(&it, "a>", 2);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), -EINVAL);
	sip_hdr_iter_init(&it, "\"a, b", 5);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), -EINVAL);
	sip_hdr_iter_init(&it, "  ", 2);
	assert_int_equal(sip_hdr_list_next(&it, &e, NULL), 0);
	sip_hdr_iter_init(&it, "only", 4);
	assert_int_equal(sip_hdr_list_next(&it, &e, &r), 1);
	assert_span(r, "only");
}

static void test_sip_hdr_params(void **state)
{
	static const char v[] = ";branch=z9hG4bK1 ; rport ;received=[2001:db8::1];x=\"a;b\"";
	struct sip_hdr_iter it;
	struct sip_param p;

	sip_hdr_iter_init(&it, v, strlen(v));
	assert_int_equal(sip_hdr_param_next(&it, &p), 1);
	assert_span(p.name, "branch");
	assert_span(p.item, ";branch=z9hG4bK1");
	assert_int_equal(sip_hdr_param_next(&it, &p), 1);
	assert_span(p.name, "rport");
	assert_false(p.has_value);
	assert_span(p.item, "; rport");
	assert_int_equal(sip_hdr_param_next(&it, &p), 1);
	assert_span(p.value, "[2001:db8::1]");
	assert_int_equal(sip_hdr_param_next(&it, &p), 1);
	assert_true(p.quoted);
	assert_span(p.value, "a;b");
	assert_int_equal(sip_hdr_param_next(&it, &p), 0);
	assert_int_equal(sip_hdr_param_find(v, strlen(v), "RPORT", &p), 1);
	assert_int_equal(sip_hdr_param_find(v, strlen(v), "maddr", &p), 0);
	assert_int_equal(sip_hdr_param_find(";a=", 3, "a", &p), -EINVAL);
	assert_int_equal(sip_hdr_param_find(";=b", 3, "a", &p), -EINVAL);
	assert_int_equal(sip_hdr_param_find("a=b", 3, "a", &p), -EINVAL);
}

static void test_sip_hdr_nameaddr_forms(void **state)
{
	struct sip_nameaddr na;
	static const char quoted[] = "\"A \\\"B\\\" C\" <sip:x@y>;tag=9;expires=60";
	static const char tokens[] = "Bob  Smith <sips:bob@example.com>";
	static const char spec[] = "sip:carol@example.com;tag=77";

	assert_int_equal(sip_hdr_nameaddr_parse(quoted, strlen(quoted), &na), 0);
	assert_span(na.display, "\"A \\\"B\\\" C\"");
	assert_span(na.uri, "sip:x@y");
	assert_span(na.tag, "9");
	assert_span(na.expires, "60");
	assert_span(na.params, ";tag=9;expires=60");
	assert_int_equal(sip_hdr_nameaddr_parse(tokens, strlen(tokens), &na), 0);
	assert_span(na.display, "Bob  Smith");
	assert_true(na.angle);
	assert_int_equal(sip_hdr_nameaddr_parse(spec, strlen(spec), &na), 0);
	assert_span(na.uri, "sip:carol@example.com");
	assert_span(na.tag, "77");
	assert_false(na.angle);
	assert_int_equal(sip_hdr_nameaddr_parse(" * ", 3, &na), 0);
	assert_true(na.star);
	assert_int_equal(sip_hdr_nameaddr_parse("* x", 3, &na), -EINVAL);
	assert_int_equal(sip_hdr_nameaddr_parse("<sip:a@b> x", 11, &na), -EINVAL);
	assert_int_equal(sip_hdr_nameaddr_parse("<>", 2, &na), -EINVAL);
	assert_int_equal(sip_hdr_nameaddr_parse("<sip:a@b>;tag", 13, &na), -EINVAL);
	assert_int_equal(sip_hdr_nameaddr_parse("sip:a@b?x=1", 11, &na), -EINVAL);
	assert_int_equal(sip_hdr_nameaddr_parse("", 0, &na), -EINVAL);
}

static void test_sip_uri_forms(void **state)
{
	struct sip_uri u;
	struct sip_param p;
	static const char full[] = "sips:alice:secret@[2001:db8::5]:5061;transport=tcp;lr;maddr=h"
				   ";user=phone?subject=x&priority=urgent";
	static const char tel[] = "tel:+1-212-555-2222;phone-context=home1.net";

	assert_int_equal(sip_uri_parse(full, strlen(full), &u), 0);
	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_span(u.user, "alice");
	assert_span(u.password, "secret");
	assert_span(u.host, "2001:db8::5");
	assert_true(u.host_ipv6 && u.has_port);
	assert_int_equal(u.port, 5061);
	assert_span(u.transport, "tcp");
	assert_span(u.maddr, "h");
	assert_span(u.user_param, "phone");
	assert_true(u.lr);
	assert_span(u.headers, "subject=x&priority=urgent");
	assert_int_equal(sip_uri_param_find(&u, "LR", &p), 1);
	assert_false(p.has_value);

	assert_int_equal(sip_uri_parse(tel, strlen(tel), &u), 0);
	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_span(u.user, "+1-212-555-2222");
	assert_int_equal(sip_uri_param_find(&u, "phone-context", &p), 1);
	assert_span(p.value, "home1.net");

	assert_int_equal(sip_uri_parse("urn:service:sos", 15, &u), 0);
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_span(u.opaque, "service:sos");
	assert_int_equal(sip_uri_parse("sip:%61lice;day=tue@h", 21, &u), 0);
	assert_span(u.user, "%61lice;day=tue");
	assert_int_equal(sip_uri_parse("SIP:10.1.2.3:5060", 17, &u), 0);
	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_span(u.host, "10.1.2.3");

	assert_int_equal(sip_uri_parse("sip:", 4, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:@h", 6, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:h:", 6, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:1.2.3.999", 13, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:[::g]", 9, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:h x", 7, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:h;=x", 8, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:h?", 6, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("sip:a%zz@h", 10, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("1sip:h", 6, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("nocolon", 7, &u), -EINVAL);
	assert_int_equal(sip_uri_parse("tel:", 4, &u), -EINVAL);
}

static void test_sip_hdr_numbers_cseq_callid(void **state)
{
	uint32_t n;
	struct sip_str m, id;

	assert_int_equal(sip_hdr_uint_parse(" 42 ", 4, 100, &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(sip_hdr_uint_parse("101", 3, 100, &n), -ERANGE);
	assert_int_equal(sip_hdr_uint_parse("4294967295", 10, UINT32_MAX, &n), 0);
	assert_int_equal(n, UINT32_MAX);
	assert_int_equal(sip_hdr_uint_parse("4294967296", 10, UINT32_MAX, &n), -ERANGE);
	assert_int_equal(sip_hdr_uint_parse("99999999999999999999999", 23, UINT32_MAX, &n),
			 -ERANGE);
	assert_int_equal(sip_hdr_uint_parse("", 0, 1, &n), -EINVAL);
	assert_int_equal(sip_hdr_uint_parse("1 2", 3, 100, &n), -EINVAL);

	assert_int_equal(sip_hdr_cseq_parse("2147483647 ACK", 14, &n, &m), 0);
	assert_int_equal(n, 2147483647u);
	assert_span(m, "ACK");
	assert_int_equal(sip_hdr_cseq_parse("1INVITE", 7, &n, &m), -EINVAL);
	assert_int_equal(sip_hdr_cseq_parse("1 INVITE x", 10, &n, &m), -EINVAL);

	assert_int_equal(sip_hdr_callid_parse(" f81d4fae-7dec@foo.bar.com ", 27, &id), 0);
	assert_span(id, "f81d4fae-7dec@foo.bar.com");
	assert_int_equal(sip_hdr_callid_parse("a@b@c", 5, &id), -EINVAL);
	assert_int_equal(sip_hdr_callid_parse("a@", 2, &id), -EINVAL);
	assert_int_equal(sip_hdr_callid_parse("a;b", 3, &id), -EINVAL);
	assert_int_equal(sip_hdr_callid_parse("", 0, &id), -EINVAL);
}

static void test_sip_hdr_auth_params_edge_cases(void **state)
{
	static const char v[] = "Digest qop=\"auth,auth-int\" , nc=00000001,cnonce=\"a\\\"b\"";
	struct sip_hdr_iter it;
	struct sip_auth_param p;
	struct sip_str scheme;

	assert_int_equal(sip_hdr_auth_begin(&it, v, strlen(v), &scheme), 0);
	assert_int_equal(sip_hdr_auth_next(&it, &p), 1);
	assert_span(p.value, "auth,auth-int");
	assert_span(p.removal, "qop=\"auth,auth-int\" , ");
	assert_int_equal(sip_hdr_auth_next(&it, &p), 1);
	assert_span(p.item, "nc=00000001");
	assert_span(p.removal, " , nc=00000001");
	assert_int_equal(sip_hdr_auth_next(&it, &p), 1);
	assert_span(p.value, "a\\\"b");
	assert_int_equal(sip_hdr_auth_next(&it, &p), 0);

	assert_int_equal(sip_hdr_auth_begin(&it, "", 0, &scheme), -EINVAL);
	assert_int_equal(sip_hdr_auth_begin(&it, "Digest=x", 8, &scheme), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest a", 8, "a", &p), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest a=", 9, "a", &p), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest a=1 b=2", 14, "b", &p), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest a=1,", 11, "b", &p), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest a=\"1", 11, "a", &p), -EINVAL);
	assert_int_equal(sip_hdr_auth_find("Digest", 6, "a", &p), 0);
}

static void test_sip_msg_method_table(void **state)
{
	assert_int_equal(sip_msg_method_lookup("PRACK", 5), SIP_METHOD_PRACK);
	assert_int_equal(sip_msg_method_lookup("prack", 5), SIP_METHOD_OTHER);
	assert_int_equal(sip_msg_method_lookup("PRACKS", 6), SIP_METHOD_OTHER);
	assert_string_equal(sip_msg_method_name(SIP_METHOD_UPDATE), "UPDATE");
	assert_null(sip_msg_method_name(SIP_METHOD_OTHER));
	assert_null(sip_msg_method_name(SIP_METHOD_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_msg_register_vector_start_line_and_headers),
		cmocka_unit_test(test_sip_msg_register_vector_values),
		cmocka_unit_test(test_sip_msg_register_vector_authorization),
		cmocka_unit_test(test_sip_msg_401_challenge_ck_ik),
		cmocka_unit_test(test_sip_msg_401_two_vias_in_one_line),
		cmocka_unit_test(test_sip_msg_invite_with_sdp_body),
		cmocka_unit_test(test_sip_msg_response_with_several_vias),
		cmocka_unit_test(test_sip_msg_compact_forms_map_to_long_names),
		cmocka_unit_test(test_sip_msg_folded_headers_and_ipv6),
		cmocka_unit_test(test_sip_msg_missing_max_forwards_is_noted),
		cmocka_unit_test(test_sip_msg_datagram_without_content_length_takes_rest),
		cmocka_unit_test(test_sip_msg_missing_required_headers),
		cmocka_unit_test(test_sip_msg_duplicate_single_headers),
		cmocka_unit_test(test_sip_msg_malformed_checked_values),
		cmocka_unit_test(test_sip_msg_cseq_method_must_match),
		cmocka_unit_test(test_sip_msg_content_length_checks),
		cmocka_unit_test(test_sip_msg_start_line_errors),
		cmocka_unit_test(test_sip_msg_line_errors),
		cmocka_unit_test(test_sip_msg_limits),
		cmocka_unit_test(test_sip_hdr_list_honours_quotes_and_brackets),
		cmocka_unit_test(test_sip_hdr_params),
		cmocka_unit_test(test_sip_hdr_nameaddr_forms),
		cmocka_unit_test(test_sip_uri_forms),
		cmocka_unit_test(test_sip_hdr_numbers_cseq_callid),
		cmocka_unit_test(test_sip_hdr_auth_params_edge_cases),
		cmocka_unit_test(test_sip_msg_method_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
