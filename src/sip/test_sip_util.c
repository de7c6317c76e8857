/*
 * test_sip_util.c — responses built from parsed requests, requests from scratch, the
 * writer's error handling, reason phrases, random tokens and socket address helpers.
 * Expected texts are written out by hand from RFC 3261 §8.2.6.2 and the request fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_msg.h"
#include "sip/sip_util.h"

#define CRLF "\r\n"

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

/* Two Via lines, compact names, a To with white space after its value, a To tag. */
static const char options_compact[] =
	"OPTIONS sip:b@h SIP/2.0" CRLF "v: SIP/2.0/UDP p1;branch=z9hG4bKp1" CRLF
	"Via: SIP/2.0/UDP ue;branch=z9hG4bKu1;rport=5070;received=192.0.2.7" CRLF
	"f: <sip:a@h>;tag=aa" CRLF "t: <sip:b@h>  " CRLF "i: call-1" CRLF "CSeq: 9 OPTIONS" CRLF
	"Max-Forwards: 70" CRLF CRLF;

struct req {
	char *buf;
	struct sip_msg msg;
};

static struct req *parse(const char *text)
{
	struct req *r = calloc(1, sizeof(*r));
	size_t len = strlen(text);

	assert_non_null(r);
	r->buf = malloc(len);
	assert_non_null(r->buf);
	memcpy(r->buf, text, len);
	assert_int_equal(sip_msg_parse(&r->msg, r->buf, len, 0, NULL), 0);
	return r;
}

static void req_free(struct req *r)
{
	free(r->buf);
	free(r);
}

static void expect_text(const char *buf, int len, const char *want)
{
	struct sip_msg again;
	struct sip_msg_error err;

	assert_true(len > 0);
	if ((size_t)len != strlen(want) || memcmp(buf, want, (size_t)len) != 0)
		fail_msg("got:\n%.*s\nwant:\n%s", len, buf, want);
	if (sip_msg_parse(&again, buf, (size_t)len, SIP_PARSE_STREAM, &err) != 0)
		fail_msg("built message does not parse: %s", err.reason);
}

static void test_sip_util_401_to_register_vector(void **state)
{
	struct req *r = parse(register_vector);
	struct sip_util_out o;
	char buf[1024];
	int len;

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 401, NULL, "abc"), 0);
	sip_util_out_header(&o, "WWW-Authenticate",
			    "Digest realm=\"%s\", nonce=\"%s\", algorithm=AKAv1-MD5",
			    "registrar.home1.net", "xyz");
	len = sip_util_out_finish(&o, NULL, 0);
	expect_text(buf, len,
		    "SIP/2.0 401 Unauthorized" CRLF
		    "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd];branch=z9hG4bKnashds7" CRLF
		    "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		    "To: <sip:user1_public1@home1.net>;tag=abc" CRLF
		    "Call-ID: apb03a0s09dkjdfglkj49111" CRLF "CSeq: 1 REGISTER" CRLF
		    "WWW-Authenticate: Digest realm=\"registrar.home1.net\", nonce=\"xyz\", "
		    "algorithm=AKAv1-MD5" CRLF "Content-Length: 0" CRLF CRLF);
	req_free(r);
}

static void test_sip_util_100_trying_has_no_tag_and_copies_lines(void **state)
{
	struct req *r = parse(options_compact);
	struct sip_util_out o;
	char buf[1024];
	int len;

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 100, NULL, "zz"), 0);
	len = sip_util_out_finish(&o, NULL, 0);
	expect_text(buf, len,
		    "SIP/2.0 100 Trying" CRLF "v: SIP/2.0/UDP p1;branch=z9hG4bKp1" CRLF
		    "Via: SIP/2.0/UDP ue;branch=z9hG4bKu1;rport=5070;received=192.0.2.7" CRLF
		    "f: <sip:a@h>;tag=aa" CRLF "t: <sip:b@h>  " CRLF "i: call-1" CRLF
		    "CSeq: 9 OPTIONS" CRLF "Content-Length: 0" CRLF CRLF);

	/* A final response gets the tag right after the value, before the trailing blanks. */
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 200, "Fine", "zz"), 0);
	sip_util_out_header(&o, "Content-Type", "text/plain");
	len = sip_util_out_finish(&o, "ok", 2);
	expect_text(buf, len,
		    "SIP/2.0 200 Fine" CRLF "v: SIP/2.0/UDP p1;branch=z9hG4bKp1" CRLF
		    "Via: SIP/2.0/UDP ue;branch=z9hG4bKu1;rport=5070;received=192.0.2.7" CRLF
		    "f: <sip:a@h>;tag=aa" CRLF "t: <sip:b@h>;tag=zz  " CRLF "i: call-1" CRLF
		    "CSeq: 9 OPTIONS" CRLF "Content-Type: text/plain" CRLF
		    "Content-Length: 2" CRLF CRLF "ok");
	req_free(r);
}

static void test_sip_util_existing_to_tag_is_kept(void **state)
{
	struct req *r = parse("BYE sip:b@h SIP/2.0" CRLF "Via: SIP/2.0/TCP ue;branch=z9hG4bKb" CRLF
			      "From: <sip:a@h>;tag=aa" CRLF "To: <sip:b@h>;tag=bb" CRLF
			      "Call-ID: c" CRLF "CSeq: 3 BYE" CRLF "Content-Length: 0" CRLF CRLF);
	struct sip_util_out o;
	char buf[512];
	int len;

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 481, NULL, "new"), 0);
	len = sip_util_out_finish(&o, NULL, 0);
	expect_text(buf, len,
		    "SIP/2.0 481 Call/Transaction Does Not Exist" CRLF
		    "Via: SIP/2.0/TCP ue;branch=z9hG4bKb" CRLF "From: <sip:a@h>;tag=aa" CRLF
		    "To: <sip:b@h>;tag=bb" CRLF "Call-ID: c" CRLF "CSeq: 3 BYE" CRLF
		    "Content-Length: 0" CRLF CRLF);
	req_free(r);
}

static void test_sip_util_response_refuses_bad_input(void **state)
{
	struct req *r = parse(register_vector);
	struct req *resp = parse("SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF
				 "From: <sip:a@b>;tag=1" CRLF "To: <sip:c@d>;tag=2" CRLF
				 "Call-ID: x" CRLF "CSeq: 2 BYE" CRLF CRLF);
	struct sip_util_out o;
	char buf[1024];

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &resp->msg, 200, NULL, NULL), -EINVAL);
	assert_int_equal(sip_util_out_finish(&o, NULL, 0), -EINVAL);
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 99, NULL, NULL), -EINVAL);
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 400, "Bad\r\nX: y", NULL), -EINVAL);
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_response_start(&o, &r->msg, 200, NULL, "a;b"), -EINVAL);
	/* Too small a buffer. */
	sip_util_out_init(&o, buf, 64);
	assert_int_equal(sip_util_response_start(&o, &r->msg, 200, NULL, "t"), -ENOSPC);
	assert_int_equal(sip_util_out_finish(&o, NULL, 0), -ENOSPC);
	req_free(r);
	req_free(resp);
}

static void test_sip_util_request_from_scratch(void **state)
{
	const struct sip_util_request rq = {
		.method = "REGISTER",
		.ruri = "sip:registrar.home1.net",
		.transport = "UDP",
		.via_host = "[5555::aaa:bbb:ccc:ddd]",
		.via_port = 1357,
		.branch = "z9hG4bKnashds7",
		.rport = true,
		.from = "<sip:user1_public1@home1.net>",
		.from_tag = "4fa3",
		.to = "<sip:user1_public1@home1.net>",
		.call_id = "apb03a0s09dkjdfglkj49111",
		.cseq = 1,
		.max_forwards = -1,
	};
	struct sip_util_out o;
	char buf[1024];
	int len;

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), 0);
	sip_util_out_header(&o, "Contact", "<sip:[5555::aaa:bbb:ccc:ddd]:1357>");
	sip_util_out_header(&o, "Expires", "%d", 7200);
	len = sip_util_out_finish(&o, NULL, 0);
	expect_text(buf, len,
		    "REGISTER sip:registrar.home1.net SIP/2.0" CRLF
		    "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7;rport" CRLF
		    "Max-Forwards: 70" CRLF "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		    "To: <sip:user1_public1@home1.net>" CRLF
		    "Call-ID: apb03a0s09dkjdfglkj49111" CRLF "CSeq: 1 REGISTER" CRLF
		    "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>" CRLF "Expires: 7200" CRLF
		    "Content-Length: 0" CRLF CRLF);
}

static void test_sip_util_request_and_header_checks(void **state)
{
	struct sip_util_request rq = {
		.method = "MESSAGE",
		.ruri = "sip:b@h",
		.transport = "TCP",
		.via_host = "192.0.2.1",
		.branch = "z9hG4bK1",
		.from = "<sip:a@h>",
		.from_tag = "1",
		.to = "<sip:b@h>",
		.to_tag = "2",
		.call_id = "c",
		.cseq = 7,
		.max_forwards = 0,
	};
	struct sip_util_out o;
	char buf[512];
	int len;

	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), 0);
	sip_util_out_header(&o, "Content-Type", "text/plain");
	len = sip_util_out_finish(&o, "hi", 2);
	expect_text(buf, len,
		    "MESSAGE sip:b@h SIP/2.0" CRLF "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1" CRLF
		    "Max-Forwards: 0" CRLF "From: <sip:a@h>;tag=1" CRLF "To: <sip:b@h>;tag=2" CRLF
		    "Call-ID: c" CRLF "CSeq: 7 MESSAGE" CRLF "Content-Type: text/plain" CRLF
		    "Content-Length: 2" CRLF CRLF "hi");

	/* A header value cannot smuggle in a line; the writer keeps the first error. */
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), 0);
	sip_util_out_header(&o, "Subject", "a\r\nVia: %s", "evil");
	sip_util_out_header(&o, "X-Fine", "1");
	assert_int_equal(sip_util_out_finish(&o, NULL, 0), -EINVAL);
	sip_util_out_init(&o, buf, sizeof(buf));
	sip_util_out_header(&o, "Bad Name", "1");
	assert_int_equal(o.err, -EINVAL);

	rq.cseq = 1u << 31;
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), -EINVAL);
	rq.cseq = 1;
	rq.method = "BAD METHOD";
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), -EINVAL);
	rq.method = "MESSAGE";
	rq.call_id = NULL;
	sip_util_out_init(&o, buf, sizeof(buf));
	assert_int_equal(sip_util_request_start(&o, &rq), -EINVAL);
}

static void test_sip_util_reason_phrases(void **state)
{
	assert_string_equal(sip_util_reason(494), "Security Agreement Required");
	assert_string_equal(sip_util_reason(421), "Extension Required");
	assert_string_equal(sip_util_reason(513), "Message Too Large");
	assert_string_equal(sip_util_reason(199), "Trying");
	assert_string_equal(sip_util_reason(499), "Bad Request");
	assert_string_equal(sip_util_reason(599), "Server Internal Error");
	assert_string_equal(sip_util_reason(1000), "Unknown");
}

static void test_sip_util_random_tokens(void **state)
{
	char a[SIP_UTIL_BRANCH_SIZE], b[SIP_UTIL_BRANCH_SIZE], t[9];
	size_t i;

	assert_int_equal(sip_util_branch(a, sizeof(a)), 0);
	assert_int_equal(sip_util_branch(b, sizeof(b)), 0);
	assert_int_equal(strlen(a), SIP_UTIL_BRANCH_SIZE - 1);
	assert_memory_equal(a, "z9hG4bK", 7);
	assert_string_not_equal(a, b);
	for (i = 7; a[i]; i++)
		assert_non_null(strchr("0123456789abcdefghijklmnopqrstuvwxyz", a[i]));
	assert_int_equal(sip_util_branch(a, SIP_UTIL_BRANCH_SIZE - 1), -ENOSPC);
	assert_int_equal(sip_util_random_token(t, sizeof(t), 8), 0);
	assert_int_equal(strlen(t), 8);
	assert_int_equal(sip_util_random_token(t, sizeof(t), 9), -ENOSPC);
}

static void test_sip_util_socket_addresses(void **state)
{
	struct sockaddr_storage a, b;
	char buf[SIP_UTIL_ADDR_SIZE];

	assert_int_equal(sip_util_sockaddr_set("[2001:db8::1]", 13, 5060, &a), 0);
	assert_int_equal(a.ss_family, AF_INET6);
	assert_int_equal(sip_util_sockaddr_format(&a, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "[2001:db8::1]:5060");
	assert_int_equal(sip_util_host_format(&a, buf, sizeof(buf), false), 11);
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(sip_util_sockaddr_set("2001:db8::1", 11, 5060, &b), 0);
	assert_true(sip_util_sockaddr_equal(&a, &b));
	assert_int_equal(sip_util_sockaddr_set("2001:db8::1", 11, 5061, &b), 0);
	assert_false(sip_util_sockaddr_equal(&a, &b));
	assert_int_equal(sip_util_sockaddr_port(&b), 5061);

	assert_int_equal(sip_util_sockaddr_set("192.0.2.1", 9, 5060, &a), 0);
	assert_int_equal(a.ss_family, AF_INET);
	assert_int_equal(((struct sockaddr_in *)&a)->sin_addr.s_addr, htonl(0xc0000201));
	assert_int_equal(sip_util_sockaddr_format(&a, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "192.0.2.1:5060");
	assert_int_equal(sip_util_sockaddr_format(&a, buf, 10), -ENOSPC);
	assert_false(sip_util_sockaddr_equal(&a, &b));
	assert_false(sip_util_sockaddr_is_any(&a));
	assert_int_equal(sip_util_sockaddr_set("0.0.0.0", 7, 1, &a), 0);
	assert_true(sip_util_sockaddr_is_any(&a));
	assert_int_equal(sip_util_sockaddr_set("::", 2, 1, &a), 0);
	assert_true(sip_util_sockaddr_is_any(&a));

	assert_int_equal(sip_util_sockaddr_set("example.com", 11, 1, &a), -EINVAL);
	assert_int_equal(sip_util_sockaddr_set("[]", 2, 1, &a), -EINVAL);
	assert_int_equal(sip_util_sockaddr_set("", 0, 1, &a), -EINVAL);
	memset(&a, 0, sizeof(a));
	a.ss_family = AF_UNIX;
	assert_int_equal(sip_util_sockaddr_format(&a, buf, sizeof(buf)), -EAFNOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_util_401_to_register_vector),
		cmocka_unit_test(test_sip_util_100_trying_has_no_tag_and_copies_lines),
		cmocka_unit_test(test_sip_util_existing_to_tag_is_kept),
		cmocka_unit_test(test_sip_util_response_refuses_bad_input),
		cmocka_unit_test(test_sip_util_request_from_scratch),
		cmocka_unit_test(test_sip_util_request_and_header_checks),
		cmocka_unit_test(test_sip_util_reason_phrases),
		cmocka_unit_test(test_sip_util_random_tokens),
		cmocka_unit_test(test_sip_util_socket_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
