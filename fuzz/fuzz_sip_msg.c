/*
 * fuzz_sip_msg.c — the SIP message parser (src/sip/sip_msg.c) and everything that reads or
 * rewrites a parsed message.
 *
 * FUZZ-SOURCES: src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c src/sip/sip_edit.c
 * FUZZ-SOURCES: src/sip/sip_util.c src/sip/secagree.c
 *
 * The input is one message, parsed as a datagram and as a stream message. A failed parse
 * must leave a reason and a status of 400, 505 or 513. A successful one is checked for
 * consistency (every span inside the message, the header index right), then every header
 * value goes through the parsers that fit its name, and every span they return must lie
 * inside that value. Then one set of edits (a Via on top, Max-Forwards rewritten, ck/ik
 * removed from challenges, a header of another kind removed, a new body) must give a
 * message that parses again with the expected headers, and a request must be answerable
 * with a 200 that parses and carries our To tag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sip/secagree.h"
#include "sip/sip_edit.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"
#include "sip/sip_util.h"

#define FUZZ_OUT_SIZE (2 * SIP_MSG_MAX_LEN + 4096)

static struct sip_msg fuzz_msg, fuzz_again;
static char fuzz_out[FUZZ_OUT_SIZE];
static struct secagree_list fuzz_sec;
static struct sip_edit *fuzz_ed;

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_sip_msg: %s\n", what);
	abort();
}

/* A span returned by a parser must lie inside [v.s, v.s + v.len]. */
static void fuzz_inside(struct sip_str v, struct sip_str sub)
{
	if (sub.len == 0 && sub.s == NULL)
		return;
	if (sub.s < v.s || sub.s > v.s + v.len || sub.len > (size_t)(v.s + v.len - sub.s))
		fuzz_fail("a span outside its value");
}

static void fuzz_uri(struct sip_str v, struct sip_str u)
{
	struct sip_uri uri;
	struct sip_hdr_iter it;
	struct sip_param p;

	if (sip_uri_parse(u.s, u.len, &uri) != 0)
		return;
	fuzz_inside(v, uri.host);
	fuzz_inside(v, uri.user);
	fuzz_inside(v, uri.params);
	fuzz_inside(v, uri.headers);
	sip_hdr_iter_init(&it, uri.params.s, uri.params.len);
	while (sip_uri_param_next(&it, &p) == 1)
		fuzz_inside(v, p.item);
}

static void fuzz_element(enum sip_hdr_id id, struct sip_str v, struct sip_str e)
{
	struct sip_via via;
	struct sip_nameaddr na;
	struct sip_hdr_iter it;
	struct sip_param p;

	if (id == SIP_HDR_VIA) {
		if (sip_hdr_via_parse(e.s, e.len, &via) == 0) {
			fuzz_inside(v, via.host);
			fuzz_inside(v, via.branch);
			fuzz_inside(v, via.params);
		}
		return;
	}
	if (sip_hdr_nameaddr_parse(e.s, e.len, &na) != 0)
		return;
	fuzz_inside(v, na.uri);
	fuzz_inside(v, na.display);
	fuzz_inside(v, na.tag);
	fuzz_uri(v, na.uri);
	sip_hdr_iter_init(&it, na.params.s, na.params.len);
	while (sip_hdr_param_next(&it, &p) == 1)
		fuzz_inside(v, p.item);
}

static void fuzz_auth(struct sip_str v)
{
	struct sip_hdr_iter it;
	struct sip_auth_param p;
	struct sip_str scheme;

	if (sip_hdr_auth_begin(&it, v.s, v.len, &scheme) != 0)
		return;
	while (sip_hdr_auth_next(&it, &p) == 1) {
		fuzz_inside(v, p.item);
		fuzz_inside(v, p.removal);
		fuzz_inside(v, p.value);
	}
}

static void fuzz_values(const struct sip_msg *m)
{
	struct sip_hdr_iter it;
	struct sip_str v, e, r, s;
	uint32_t n;
	size_t i;

	for (i = 0; i < m->n_hdrs; i++) {
		enum sip_hdr_id id = (enum sip_hdr_id)m->hdrs[i].id;
		struct sip_str name = sip_msg_hdr_name(m, i);
		int first = sip_msg_find_name(m, name.s, name.len, 0);

		if (first < 0 || first > (int)i)
			fuzz_fail("find_name missed a header");
		v = sip_msg_hdr_value(m, i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while (sip_hdr_list_next(&it, &e, &r) == 1) {
			fuzz_inside(v, e);
			fuzz_inside(v, r);
			if (id != SIP_HDR_OTHER && id != SIP_HDR_AUTHORIZATION &&
			    id != SIP_HDR_WWW_AUTHENTICATE)
				fuzz_element(id, v, e);
		}
		fuzz_auth(v);
		sip_hdr_cseq_parse(v.s, v.len, &n, &s);
		sip_hdr_uint_parse(v.s, v.len, UINT32_MAX, &n);
		sip_hdr_callid_parse(v.s, v.len, &s);
		sip_hdr_token_list_has(v.s, v.len, "sec-agree");
		if (id >= SIP_HDR_SECURITY_CLIENT && id <= SIP_HDR_SECURITY_VERIFY)
			secagree_parse(v.s, v.len, &fuzz_sec, NULL);
	}
	fuzz_uri(m->ruri, m->ruri);
}

static void fuzz_structure(const struct sip_msg *m, size_t len)
{
	size_t i, n;

	if (m->body_off + m->body_len != len || m->blank_off + 2 != m->body_off ||
	    m->start_len > m->blank_off + 2)
		fuzz_fail("body or start line out of place");
	for (i = 0; i < m->n_hdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];

		if (h->line_off + h->line_len > m->blank_off || h->value_off < h->line_off ||
		    h->value_off + h->value_len > h->line_off + h->line_len - 2 ||
		    (i > 0 && h->line_off != m->hdrs[i - 1].line_off + m->hdrs[i - 1].line_len))
			fuzz_fail("header spans inconsistent");
	}
	for (i = 1; i < SIP_HDR_COUNT; i++) {
		n = sip_msg_count(m, (enum sip_hdr_id)i);
		if ((n == 0) != (m->first[i] < 0))
			fuzz_fail("first[] and count disagree");
	}
}

/* A Via on top, Max-Forwards 69, ck/ik gone, one unknown header gone, a new body. */
static void fuzz_edit(const struct sip_msg *m, unsigned int flags)
{
	static const char via[] = "SIP/2.0/UDP fuzz.invalid;branch=z9hG4bKfuzz";
	static const char *const keys[] = {"ck", "ik", NULL};
	size_t i, out_len, removed = 0;
	int mf = sip_msg_find(m, SIP_HDR_MAX_FORWARDS, 0);

	sip_edit_reset(fuzz_ed, m);
	if (sip_edit_insert_top(fuzz_ed, "Via", via, sizeof(via) - 1) != 0)
		fuzz_fail("insert_top refused");
	if (mf >= 0 && sip_edit_replace_value(fuzz_ed, (size_t)mf, "69", 2) != 0)
		fuzz_fail("replace_value refused");
	for (i = 0; i < m->n_hdrs; i++)
		if (m->hdrs[i].id == SIP_HDR_WWW_AUTHENTICATE)
			sip_edit_auth_remove(fuzz_ed, i, keys);
	for (i = 0; i < m->n_hdrs && !removed; i++)
		if (m->hdrs[i].id == SIP_HDR_OTHER && sip_edit_remove_header(fuzz_ed, i) == 0)
			removed = 1;
	if (sip_edit_set_body(fuzz_ed, "fuzz", 4) != 0)
		fuzz_fail("set_body refused");
	if (sip_edit_apply(fuzz_ed, fuzz_out, sizeof(fuzz_out), &out_len) != 0)
		return; /* an auth_remove on a malformed challenge: refused as a whole */
	/* Up to two more lines (Via, Content-Length) may cross the header limit. */
	if (out_len > SIP_MSG_MAX_LEN || m->n_hdrs + 2 > SIP_MSG_MAX_HEADERS)
		return;
	if (sip_msg_parse(&fuzz_again, fuzz_out, out_len, flags, NULL) != 0)
		fuzz_fail("edited message does not parse");
	if (fuzz_again.n_hdrs + removed != m->n_hdrs + 1 + (m->has_content_length ? 0 : 1) ||
	    fuzz_again.body_len != 4 || fuzz_again.hdrs[0].id != SIP_HDR_VIA ||
	    (mf >= 0 && fuzz_again.max_forwards != 69))
		fuzz_fail("edited message has other headers than expected");
}

static void fuzz_answer(const struct sip_msg *m)
{
	struct sip_util_out o;
	struct sip_str tag, req_tag;
	int len;

	if (!m->is_request)
		return;
	sip_util_out_init(&o, fuzz_out, sizeof(fuzz_out));
	if (sip_util_response_start(&o, m, 200, NULL, "fuzz") != 0)
		fuzz_fail("response_start refused a parsed request");
	len = sip_util_out_finish(&o, NULL, 0);
	if (len < 0)
		fuzz_fail("response does not fit");
	if (len > SIP_MSG_MAX_LEN)
		return;
	if (sip_msg_parse(&fuzz_again, fuzz_out, (size_t)len, SIP_PARSE_STREAM, NULL) != 0)
		fuzz_fail("response does not parse");
	if (sip_msg_to_tag(&fuzz_again, &tag) != 0)
		fuzz_fail("response lacks a To tag");
	if (sip_msg_to_tag(m, &req_tag) != 0
		    ? !sip_str_eq(tag, "fuzz")
		    : tag.len != req_tag.len || memcmp(tag.s, req_tag.s, tag.len) != 0)
		fuzz_fail("response has the wrong To tag");
}

static void fuzz_one(const char *buf, size_t len, unsigned int flags)
{
	struct sip_msg_error err;

	if (sip_msg_parse(&fuzz_msg, buf, len, flags, &err) != 0) {
		if (err.code == SIP_MSG_OK || err.reason[0] == '\0' ||
		    memchr(err.reason, '\0', sizeof(err.reason)) == NULL ||
		    (err.status != 400 && err.status != 505 && err.status != 513))
			fuzz_fail("a failed parse without a reason");
		return;
	}
	fuzz_structure(&fuzz_msg, len);
	fuzz_values(&fuzz_msg);
	fuzz_edit(&fuzz_msg, flags);
	fuzz_answer(&fuzz_msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_ed) {
		fuzz_ed = sip_edit_new(&fuzz_msg);
		if (!fuzz_ed)
			fuzz_fail("out of memory");
	}
	fuzz_one((const char *)data, size, 0);
	fuzz_one((const char *)data, size, SIP_PARSE_STREAM);
	return 0;
}
