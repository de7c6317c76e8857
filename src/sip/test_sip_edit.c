/*
 * test_sip_edit.c — the edit builder: every kind of edit on real messages, written out as
 * the exact text expected (by hand), re-parsed, and with the untouched bytes compared to
 * the original; conflicts, the sticky error, injection attempts and short buffers.
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

#include "sip/sip_edit.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

#define CRLF "\r\n"

#define VIA_P  "Via: SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1" CRLF
#define VIA_UE "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7" CRLF
#define WWW_HEAD                                                                                   \
	"WWW-Authenticate: Digest realm=\"registrar.home1.net\", "                                 \
	"nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", algorithm=AKAv1-MD5"
#define CKIK ", ck=\"00112233445566778899aabbccddeeff\", ik=\"ffeeddccbbaa99887766554433221100\""
#define DIALOG_401                                                                                 \
	"From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF                                        \
	"To: <sip:user1_public1@home1.net>;tag=5ef4" CRLF "Call-ID: apb03a0s09dkjdfglkj49111" CRLF

static const char challenge_401[] =
	"SIP/2.0 401 Unauthorized" CRLF VIA_P VIA_UE DIALOG_401 WWW_HEAD CKIK CRLF
	"CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF;

#define REG_HEAD                                                                                   \
	"REGISTER sip:registrar.home1.net SIP/2.0" CRLF                                            \
	"Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds8;rport" CRLF           \
	"Max-Forwards: 70" CRLF "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF                \
	"To: <sip:user1_public1@home1.net>" CRLF "Call-ID: apb03a0s09dkjdfglkj49111" CRLF
#define AUTHZ                                                                                      \
	"Authorization: Digest username=\"user1_private@home1.net\", "                             \
	"realm=\"registrar.home1.net\", "                                                          \
	"nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", "                               \
	"uri=\"sip:registrar.home1.net\", response=\"6629fae49393a05397450978507c4ef1\""
#define REG_TAIL                                                                                   \
	"Require: sec-agree" CRLF "Proxy-Require: sec-agree" CRLF "CSeq: 2 REGISTER" CRLF          \
	"Supported: path, sec-agree, gruu" CRLF "Subject:" CRLF "Content-Length: 0" CRLF CRLF

static const char register_2[] = REG_HEAD AUTHZ CRLF REG_TAIL;

struct fixture {
	char *buf;
	size_t len;
	struct sip_msg msg;
	struct sip_edit *ed;
	char out[4096];
	size_t out_len;
};

static struct fixture *setup(const char *text)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->len = strlen(text);
	f->buf = malloc(f->len);
	assert_non_null(f->buf);
	memcpy(f->buf, text, f->len);
	assert_int_equal(sip_msg_parse(&f->msg, f->buf, f->len, 0, NULL), 0);
	f->ed = sip_edit_new(&f->msg);
	assert_non_null(f->ed);
	return f;
}

static void teardown(struct fixture *f)
{
	sip_edit_free(f->ed);
	free(f->buf);
	free(f);
}

/* Apply, compare with @want, and check that the result parses. */
static void expect_output(struct fixture *f, const char *want)
{
	struct sip_msg again;
	struct sip_msg_error err;

	assert_int_equal(sip_edit_apply(f->ed, f->out, sizeof(f->out), &f->out_len), 0);
	if (f->out_len != strlen(want) || memcmp(f->out, want, f->out_len) != 0)
		fail_msg("got:\n%.*s\nwant:\n%s", (int)f->out_len, f->out, want);
	if (sip_msg_parse(&again, f->out, f->out_len, 0, &err) != 0)
		fail_msg("edited message does not parse: %s", err.reason);
}

static struct sip_str elem_of(const struct sip_msg *msg, size_t hdr, unsigned int n)
{
	struct sip_str v = sip_msg_hdr_value(msg, hdr), e;
	struct sip_hdr_iter it;

	sip_hdr_iter_init(&it, v.s, v.len);
	do
		assert_int_equal(sip_hdr_list_next(&it, &e, NULL), 1);
	while (n-- > 0);
	return e;
}

static void test_sip_edit_no_edits_copies_message(void **state)
{
	struct fixture *f = setup(register_2);

	expect_output(f, register_2);
	teardown(f);
}

static void test_sip_edit_remove_ck_ik_from_401(void **state)
{
	static const char *const names[] = {"ck", "ik", NULL};
	struct fixture *f = setup(challenge_401);
	int www = sip_msg_find(&f->msg, SIP_HDR_WWW_AUTHENTICATE, 0);
	size_t keep;

	assert_int_equal(sip_edit_auth_remove(f->ed, (size_t)www, names), 2);
	expect_output(f, "SIP/2.0 401 Unauthorized" CRLF VIA_P VIA_UE DIALOG_401 WWW_HEAD CRLF
			 "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF);
	/* Everything up to the removed text and after it is byte for byte the original. */
	keep = strlen("SIP/2.0 401 Unauthorized" CRLF VIA_P VIA_UE DIALOG_401 WWW_HEAD);
	assert_memory_equal(f->out, f->buf, keep);
	assert_memory_equal(f->out + keep, f->buf + keep + strlen(CKIK),
			    f->len - keep - strlen(CKIK));
	teardown(f);
}

static void test_sip_edit_auth_remove_runs_keep_list_well_formed(void **state)
{
	static const char *const first_two[] = {"realm", "NONCE", NULL};
	static const char *const middle[] = {"algorithm", "ck", NULL};
	static const char *const none[] = {"opaque", NULL};
	struct fixture *f = setup(challenge_401);
	size_t www = (size_t)sip_msg_find(&f->msg, SIP_HDR_WWW_AUTHENTICATE, 0);

	assert_int_equal(sip_edit_auth_remove(f->ed, www, first_two), 2);
	expect_output(f, "SIP/2.0 401 Unauthorized" CRLF VIA_P VIA_UE DIALOG_401
			 "WWW-Authenticate: Digest algorithm=AKAv1-MD5" CKIK CRLF
			 "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_auth_remove(f->ed, www, middle), 2);
	assert_int_equal(sip_edit_auth_remove(f->ed, www, none), 0);
	expect_output(f, "SIP/2.0 401 Unauthorized" CRLF VIA_P VIA_UE DIALOG_401
			 "WWW-Authenticate: Digest realm=\"registrar.home1.net\", "
			 "nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", "
			 "ik=\"ffeeddccbbaa99887766554433221100\"" CRLF "CSeq: 1 REGISTER" CRLF
			 "Content-Length: 0" CRLF CRLF);
	teardown(f);
}

static void test_sip_edit_add_integrity_protected(void **state)
{
	struct fixture *f = setup(register_2);
	int authz = sip_msg_find(&f->msg, SIP_HDR_AUTHORIZATION, 0);

	assert_int_equal(
		sip_edit_append_to_value(f->ed, (size_t)authz, ", integrity-protected=\"yes\"", 27),
		0);
	expect_output(f, REG_HEAD AUTHZ ", integrity-protected=\"yes\"" CRLF REG_TAIL);
	teardown(f);
}

static void test_sip_edit_proxy_request_path(void **state)
{
	struct fixture *f = setup(register_2);
	const char *via = "SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1";
	struct sip_str ue_via = elem_of(&f->msg, 0, 0);
	int mf = sip_msg_find(&f->msg, SIP_HDR_MAX_FORWARDS, 0);
	int req = sip_msg_find(&f->msg, SIP_HDR_REQUIRE, 0);
	int preq = sip_msg_find(&f->msg, SIP_HDR_PROXY_REQUIRE, 0);
	int sup = sip_msg_find(&f->msg, SIP_HDR_SUPPORTED, 0);

	/* What a P-CSCF does to a protected REGISTER before sending it on. */
	assert_int_equal(sip_edit_insert_top(f->ed, "Via", via, strlen(via)), 0);
	assert_int_equal(sip_edit_via_set_param(f->ed, ue_via, "received", "5555::aaa:bbb:ccc:ddd"),
			 0);
	assert_int_equal(sip_edit_via_set_param(f->ed, ue_via, "rport", "1357"), 0);
	assert_int_equal(sip_edit_replace_value(f->ed, (size_t)mf, "69", 2), 0);
	assert_int_equal(sip_edit_list_remove(f->ed, (size_t)req, "sec-agree"), 1);
	assert_int_equal(sip_edit_list_remove(f->ed, (size_t)preq, "SEC-AGREE"), 1);
	assert_int_equal(sip_edit_list_remove(f->ed, (size_t)sup, "sec-agree"), 1);
	assert_int_equal(sip_edit_insert_after(f->ed, (size_t)mf, "Path",
					       "<sip:term@pcscf1.visited1.net;lr>", 33),
			 0);
	expect_output(
		f, "REGISTER sip:registrar.home1.net SIP/2.0" CRLF
		   "Via: SIP/2.0/UDP pcscf1.visited1.net:5060;branch=z9hG4bK351g45.1" CRLF
		   "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds8;rport=1357"
		   ";received=5555::aaa:bbb:ccc:ddd" CRLF "Max-Forwards: 69" CRLF
		   "Path: <sip:term@pcscf1.visited1.net;lr>" CRLF
		   "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		   "To: <sip:user1_public1@home1.net>" CRLF
		   "Call-ID: apb03a0s09dkjdfglkj49111" CRLF AUTHZ CRLF "CSeq: 2 REGISTER" CRLF
		   "Supported: path, gruu" CRLF "Subject:" CRLF "Content-Length: 0" CRLF CRLF);
	teardown(f);
}

static void test_sip_edit_response_path_removes_top_via(void **state)
{
	struct fixture *f = setup(challenge_401);

	assert_int_equal(sip_edit_remove_header(f->ed, 0), 0);
	assert_int_equal(sip_edit_replace_start_line(f->ed, "SIP/2.0 401 Unauthorized", 24), 0);
	expect_output(f, "SIP/2.0 401 Unauthorized" CRLF VIA_UE DIALOG_401 WWW_HEAD CKIK CRLF
			 "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF);
	teardown(f);
}

static void test_sip_edit_start_line_empty_value_and_order(void **state)
{
	struct fixture *f = setup(register_2);
	int subj = sip_msg_find(&f->msg, SIP_HDR_SUBJECT, 0);
	int cseq = sip_msg_find(&f->msg, SIP_HDR_CSEQ, 0);

	assert_int_equal(
		sip_edit_replace_start_line(f->ed, "REGISTER sip:scscf1.home1.net SIP/2.0", 37), 0);
	assert_int_equal(sip_edit_replace_value(f->ed, (size_t)subj, "hello", 5), 0);
	/* Insertions at one place keep the order of the calls, before a removal there. */
	assert_int_equal(sip_edit_insert_before(f->ed, (size_t)cseq, "X-A", "1", 1), 0);
	assert_int_equal(sip_edit_remove_header(f->ed, (size_t)cseq), 0);
	assert_int_equal(sip_edit_insert_before(f->ed, (size_t)cseq, "X-B", "2", 1), 0);
	assert_int_equal(sip_edit_append_header(f->ed, "CSeq", "3 REGISTER", 10), 0);
	expect_output(
		f, "REGISTER sip:scscf1.home1.net SIP/2.0" CRLF
		   "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds8;rport" CRLF
		   "Max-Forwards: 70" CRLF "From: <sip:user1_public1@home1.net>;tag=4fa3" CRLF
		   "To: <sip:user1_public1@home1.net>" CRLF
		   "Call-ID: apb03a0s09dkjdfglkj49111" CRLF AUTHZ CRLF "Require: sec-agree" CRLF
		   "Proxy-Require: sec-agree" CRLF "X-A: 1" CRLF "X-B: 2" CRLF
		   "Supported: path, sec-agree, gruu" CRLF "Subject: hello" CRLF
		   "Content-Length: 0" CRLF "CSeq: 3 REGISTER" CRLF CRLF);
	teardown(f);
}

static void test_sip_edit_single_element_removal_span(void **state)
{
	struct fixture *f = setup(challenge_401);
	struct sip_str v = sip_msg_hdr_value(&f->msg, 0), e, removal;
	struct sip_hdr_iter it;
	static const char two[] =
		"SIP/2.0 200 OK" CRLF
		"Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2" CRLF DIALOG_401
		"CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF;
	struct fixture *g = setup(two);

	sip_hdr_iter_init(&it, v.s, v.len);
	assert_int_equal(sip_hdr_list_next(&it, &e, &removal), 1);
	assert_int_equal(sip_edit_remove_span(f->ed, removal.s, removal.len), 0);
	teardown(f);

	v = sip_msg_hdr_value(&g->msg, 0);
	sip_hdr_iter_init(&it, v.s, v.len);
	assert_int_equal(sip_hdr_list_next(&it, &e, &removal), 1);
	assert_int_equal(sip_edit_remove_span(g->ed, removal.s, removal.len), 0);
	expect_output(g, "SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP b;branch=z9hG4bK2" CRLF DIALOG_401
			 "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF);
	sip_edit_reset(g->ed, &g->msg);
	assert_int_equal(sip_hdr_list_next(&it, &e, &removal), 1);
	assert_int_equal(sip_edit_remove_span(g->ed, removal.s, removal.len), 0);
	expect_output(g, "SIP/2.0 200 OK" CRLF "Via: SIP/2.0/UDP a;branch=z9hG4bK1" CRLF DIALOG_401
			 "CSeq: 1 REGISTER" CRLF "Content-Length: 0" CRLF CRLF);
	teardown(g);
}

static void test_sip_edit_set_body_rewrites_content_length(void **state)
{
	static const char with_body[] =
		"MESSAGE sip:b@h SIP/2.0" CRLF "v: SIP/2.0/TCP h;branch=z9hG4bK1" CRLF
		"f: <sip:a@h>;tag=1" CRLF "t: <sip:b@h>" CRLF "i: c1" CRLF "CSeq: 5 MESSAGE" CRLF
		"l: 5" CRLF "Max-Forwards: 70" CRLF CRLF "hello";
	static const char without[] =
		"MESSAGE sip:b@h SIP/2.0" CRLF "v: SIP/2.0/TCP h;branch=z9hG4bK1" CRLF
		"f: <sip:a@h>;tag=1" CRLF "t: <sip:b@h>" CRLF "i: c1" CRLF
		"CSeq: 5 MESSAGE" CRLF CRLF;
	struct fixture *f = setup(with_body);

	assert_int_equal(sip_edit_set_body(f->ed, "goodbye, world", 14), 0);
	assert_int_equal(sip_edit_set_body(f->ed, "x", 1), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_set_body(f->ed, "goodbye, world", 14), 0);
	expect_output(f, "MESSAGE sip:b@h SIP/2.0" CRLF "v: SIP/2.0/TCP h;branch=z9hG4bK1" CRLF
			 "f: <sip:a@h>;tag=1" CRLF "t: <sip:b@h>" CRLF "i: c1" CRLF
			 "CSeq: 5 MESSAGE" CRLF "l: 14" CRLF "Max-Forwards: 70" CRLF CRLF
			 "goodbye, world");
	teardown(f);

	f = setup(without);
	assert_int_equal(sip_edit_set_body(f->ed, "hi", 2), 0);
	expect_output(f, "MESSAGE sip:b@h SIP/2.0" CRLF "v: SIP/2.0/TCP h;branch=z9hG4bK1" CRLF
			 "f: <sip:a@h>;tag=1" CRLF "t: <sip:b@h>" CRLF "i: c1" CRLF
			 "CSeq: 5 MESSAGE" CRLF "Content-Length: 2" CRLF CRLF "hi");
	teardown(f);
}

static void test_sip_edit_conflicts_are_refused_and_sticky(void **state)
{
	struct fixture *f = setup(register_2);
	struct sip_str v = sip_msg_hdr_value(&f->msg, 1);
	size_t len;

	assert_int_equal(sip_edit_remove_header(f->ed, 1), 0);
	/* A replacement inside a removed line, an insertion strictly inside it. */
	assert_int_equal(sip_edit_replace_value(f->ed, 1, "1", 1), -EINVAL);
	assert_int_equal(sip_edit_replace_span(f->ed, v.s, 0, "x", 1), -EINVAL);
	/* Once refused, nothing is written. */
	assert_int_equal(sip_edit_apply(f->ed, f->out, sizeof(f->out), &len), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);

	/* Two removals may overlap; a replacement may not overlap a removal. */
	v = sip_msg_hdr_value(&f->msg, (size_t)sip_msg_find(&f->msg, SIP_HDR_SUPPORTED, 0));
	assert_int_equal(sip_edit_remove_span(f->ed, v.s, 6), 0);      /* "path, " */
	assert_int_equal(sip_edit_remove_span(f->ed, v.s + 3, 14), 0); /* "h, sec-agree, " */
	assert_int_equal(sip_edit_replace_span(f->ed, v.s + 4, 1, ";", 1), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_remove_span(f->ed, v.s, 6), 0);
	assert_int_equal(sip_edit_remove_span(f->ed, v.s + 3, 14), 0);
	expect_output(f,
		      REG_HEAD AUTHZ CRLF "Require: sec-agree" CRLF "Proxy-Require: sec-agree" CRLF
					  "CSeq: 2 REGISTER" CRLF "Supported: gruu" CRLF
					  "Subject:" CRLF "Content-Length: 0" CRLF CRLF);
	teardown(f);
}

static void test_sip_edit_refuses_injection_and_bad_spans(void **state)
{
	struct fixture *f = setup(register_2);
	static char outside[] = "sip:elsewhere";

	assert_int_equal(sip_edit_insert_top(f->ed, "X", "a\r\nVia: evil", 12), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_insert_top(f->ed, "X:Y", "a", 1), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_insert_top(f->ed, "", "a", 1), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_replace_value(f->ed, 2, "a\nb", 3), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_replace_start_line(f->ed, "A\r\nB", 4), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_remove_header(f->ed, f->msg.n_hdrs), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	/* A span crossing a line end, one in the body area, one outside the message. */
	assert_int_equal(sip_edit_remove_span(f->ed, f->buf + f->msg.hdrs[1].line_off, 20),
			 -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_remove_span(f->ed, f->buf + f->msg.blank_off, 2), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_remove_span(f->ed, outside, 3), -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	assert_int_equal(sip_edit_via_set_param(f->ed, elem_of(&f->msg, 0, 0), "received", "a;b"),
			 -EINVAL);
	sip_edit_reset(f->ed, &f->msg);
	expect_output(f, register_2);
	teardown(f);
}

static void test_sip_edit_short_buffer_reports_length(void **state)
{
	struct fixture *f = setup(register_2);
	char small[16];
	size_t len;

	assert_int_equal(sip_edit_insert_top(f->ed, "X", "1", 1), 0);
	assert_int_equal(sip_edit_apply(f->ed, small, sizeof(small), &len), -ENOSPC);
	assert_int_equal(len, strlen(register_2) + strlen("X: 1" CRLF));
	assert_int_equal(sip_edit_apply(f->ed, NULL, 0, &len), -ENOSPC);
	assert_int_equal(len, strlen(register_2) + 6);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_edit_no_edits_copies_message),
		cmocka_unit_test(test_sip_edit_remove_ck_ik_from_401),
		cmocka_unit_test(test_sip_edit_auth_remove_runs_keep_list_well_formed),
		cmocka_unit_test(test_sip_edit_add_integrity_protected),
		cmocka_unit_test(test_sip_edit_proxy_request_path),
		cmocka_unit_test(test_sip_edit_response_path_removes_top_via),
		cmocka_unit_test(test_sip_edit_start_line_empty_value_and_order),
		cmocka_unit_test(test_sip_edit_single_element_removal_span),
		cmocka_unit_test(test_sip_edit_set_body_rewrites_content_length),
		cmocka_unit_test(test_sip_edit_conflicts_are_refused_and_sticky),
		cmocka_unit_test(test_sip_edit_refuses_injection_and_bad_spans),
		cmocka_unit_test(test_sip_edit_short_buffer_reports_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
