/*
 * fwd.c — the pieces every path of the P-CSCF uses: addresses, responses we write
 * ourselves, the edits of a forwarded request (Max-Forwards, Via, received/rport, options,
 * routes), where a message goes next, and sending.
 */
#include "pcscf/pcscf_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

int fwd_addr_of(const struct sockaddr_storage *ss, struct xfrm_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->family = ss->ss_family;
	if (ss->ss_family == AF_INET6)
		addr->u.v6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	else if (ss->ss_family == AF_INET)
		addr->u.v4 = ((const struct sockaddr_in *)ss)->sin_addr;
	else
		return -EAFNOSUPPORT;
	return 0;
}

void fwd_ss_of(const struct xfrm_addr *addr, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = addr->u.v6;
		s6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = addr->u.v4;
		s4->sin_port = htons(port);
	}
}

/* Parse a URI or Via host (an IP literal, without brackets). */
static int fwd_host_addr(struct sip_str host, struct xfrm_addr *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (host.len == 0 || host.len >= sizeof(text))
		return -EINVAL;
	memcpy(text, host.s, host.len);
	text[host.len] = '\0';
	return xfrm_addr_parse(text, addr);
}

bool fwd_is_ours(const struct pcscf *p, struct sip_str host)
{
	struct xfrm_addr a;
	size_t i;

	if (fwd_host_addr(host, &a) < 0)
		return false;
	for (i = 0; i < p->cfg.naccess; i++)
		if (xfrm_addr_equal(&a, &p->cfg.access[i]))
			return true;
	for (i = 0; i < p->cfg.ncore; i++)
		if (xfrm_addr_equal(&a, &p->cfg.core[i]))
			return true;
	return false;
}

int fwd_core_local(const struct pcscf *p, int family, struct sockaddr_storage *ss)
{
	for (size_t i = 0; i < p->cfg.ncore; i++) {
		if (p->cfg.core[i].family == family) {
			fwd_ss_of(&p->cfg.core[i], p->cfg.port, ss);
			return 0;
		}
	}
	return -ENOENT;
}

/* The first element of the first Via line. */
static int fwd_top_via(const struct sip_msg *msg, struct sip_str *elem, struct sip_str *removal,
		       size_t *line)
{
	int i = sip_hdr_first_elem(msg, SIP_HDR_VIA, elem, removal);

	if (i < 0)
		return i;
	if (line)
		*line = (size_t)i;
	return 0;
}

/* Copy header @id, with a To tag added when asked and absent. */
static void fwd_reply_copy(struct sip_util_out *o, const struct sip_msg *req, enum sip_hdr_id id,
			   const char *to_tag)
{
	struct sip_nameaddr na;
	struct sip_str v;
	int i = sip_msg_find(req, id, 0);

	if (i < 0) {
		o->err = -EINVAL;
		return;
	}
	v = sip_msg_hdr_value(req, (size_t)i);
	if (id == SIP_HDR_TO && to_tag && sip_hdr_nameaddr_parse(v.s, v.len, &na) == 0 &&
	    !na.has_tag)
		sip_util_out_header(o, "To", "%.*s;tag=%s", (int)v.len, v.s, to_tag);
	else
		sip_util_out_copy_header(o, req, (size_t)i);
}

/*
 * Written by hand rather than with sip_util_response_start() so that it also serves a
 * request whose parse failed after its headers were read (the 400 to a malformed request),
 * and so that a 421/494 can carry only the top Via (RFC 3329 §2.3.1).
 */
int fwd_reply_start(struct pcscf *p, struct sip_util_out *o, const struct sip_msg *req, int status,
		    const char *reason, bool top_via_only)
{
	char tag[12], line[SIP_MSG_REASON_MAX + 160];
	struct sip_str elem, removal;
	int i, n;

	sip_util_out_init(o, p->out, sizeof(p->out));
	if (!reason)
		reason = sip_util_reason(status);
	if (sip_util_random_token(tag, sizeof(tag), 10) < 0 ||
	    fwd_top_via(req, &elem, &removal, NULL) < 0)
		return o->err = -EINVAL;
	n = snprintf(line, sizeof(line), "SIP/2.0 %03d %s\r\n", status, reason);
	if (n < 0 || (size_t)n >= sizeof(line) || strcspn(line, "\r\n") != (size_t)n - 2)
		return o->err = -EINVAL;
	sip_util_out_append(o, line, (size_t)n);
	if (top_via_only)
		sip_util_out_header(o, "Via", "%.*s", (int)elem.len, elem.s);
	for (i = sip_msg_find(req, SIP_HDR_VIA, 0); !top_via_only && i >= 0;
	     i = sip_msg_find(req, SIP_HDR_VIA, (size_t)i + 1))
		sip_util_out_copy_header(o, req, (size_t)i);
	fwd_reply_copy(o, req, SIP_HDR_FROM, NULL);
	fwd_reply_copy(o, req, SIP_HDR_TO, status > 100 ? tag : NULL);
	fwd_reply_copy(o, req, SIP_HDR_CALL_ID, NULL);
	fwd_reply_copy(o, req, SIP_HDR_CSEQ, NULL);
	return o->err;
}

void fwd_response_dest(const struct pcscf_in *in, struct pcscf_peer *to)
{
	struct sip_str elem, removal;
	struct sip_via via;

	*to = *in->from;
	/* TCP: the connection it came on. Over SAs: the port it came from (the UE's port-c,
	 * TS 33.203 §7.1). Otherwise RFC 3581 rport, or the sent-by port (RFC 3261 §18.2.2),
	 * always at the source address (as received= says). */
	if (in->from->proto == SIP_PROTO_TCP || in->side == PCSCF_SIDE_PORT_S ||
	    in->side == PCSCF_SIDE_PORT_C)
		return;
	if (fwd_top_via(in->msg, &elem, &removal, NULL) < 0 ||
	    sip_hdr_via_parse(elem.s, elem.len, &via) < 0 || via.has_rport)
		return;
	fwd_ss_of(&in->src, via.port ? via.port : 5060, &to->remote);
}

int fwd_reply_send(struct pcscf *p, struct sip_util_out *o, const struct pcscf_in *in)
{
	struct pcscf_peer to;
	int len = sip_util_out_finish(o, NULL, 0);

	if (len < 0) {
		log_warn("cannot write a %d response: %s", in->msg->status, strerror(-len));
		p->st.drop_other++;
		return len;
	}
	fwd_response_dest(in, &to);
	p->st.answered++;
	return fwd_send(p, &to, p->out, (size_t)len);
}

int fwd_reply(struct pcscf *p, const struct pcscf_in *in, int status, const char *reason)
{
	struct sip_util_out o;

	if (fwd_reply_start(p, &o, in->msg, status, reason, false) < 0) {
		p->st.drop_other++;
		return -EINVAL;
	}
	return fwd_reply_send(p, &o, in);
}

/* A branch that depends on the request's own top Via, Call-ID and CSeq number, so that
 * a CANCEL and a non-2xx ACK get the branch of their INVITE (RFC 3261 §16.11). */
static void fwd_branch(const struct pcscf *p, const struct sip_msg *msg, struct sip_str via,
		       char *branch)
{
	struct sip_str cid = sip_msg_call_id(msg);
	uint64_t h = p->secret[0];

	for (int part = 0; part < 3; part++) {
		const char *s = part == 0 ? via.s : part == 1 ? cid.s : (const char *)&msg->cseq;
		size_t len = part == 0 ? via.len : part == 1 ? cid.len : sizeof(msg->cseq);

		for (size_t i = 0; i < len; i++) {
			h ^= (unsigned char)s[i];
			h *= 0x100000001b3ULL;
		}
		h ^= p->secret[1] + (uint64_t)part;
		h *= 0x100000001b3ULL;
	}
	snprintf(branch, TXN_BRANCH_MAX, PCSCF_BRANCH_PREFIX "%016llx", (unsigned long long)h);
}

/* Max-Forwards: 483 at 0, else decremented (or 70 added when absent, RFC 3261 §16.6). */
static int fwd_max_forwards(struct pcscf *p, const struct sip_msg *msg)
{
	char mf[12];
	int i = sip_msg_find(msg, SIP_HDR_MAX_FORWARDS, 0);

	if (i < 0)
		return sip_edit_append_header(p->ed, "Max-Forwards", "70", 2);
	if (msg->max_forwards <= 0)
		return 483;
	snprintf(mf, sizeof(mf), "%d", msg->max_forwards - 1);
	return sip_edit_replace_value(p->ed, (size_t)i, mf, strlen(mf));
}

/* received= when the sent-by host is not the source address; rport= when asked. */
static int fwd_via_received(struct pcscf *p, const struct pcscf_in *in, struct sip_str elem)
{
	struct sip_via via;
	struct xfrm_addr host;
	char text[INET6_ADDRSTRLEN], port[8];
	int ret = 0;

	if (sip_hdr_via_parse(elem.s, elem.len, &via) < 0)
		return -EINVAL;
	if (fwd_host_addr(via.host, &host) < 0 || !xfrm_addr_equal(&host, &in->src)) {
		xfrm_addr_str(&in->src, text, sizeof(text));
		ret = sip_edit_via_set_param(p->ed, elem, "received", text);
	}
	if (ret == 0 && via.has_rport) {
		snprintf(port, sizeof(port), "%u", in->src_port);
		ret = sip_edit_via_set_param(p->ed, elem, "rport", port);
	}
	return ret;
}

int fwd_request_start(struct pcscf *p, const struct pcscf_in *in,
		      const struct sockaddr_storage *local, enum sip_proto proto, char *branch)
{
	char host[SIP_UTIL_ADDR_SIZE], via[160 + SIGN_PARAM_MAX], sig[SIGN_PARAM_MAX] = "";
	/* Towards a UE, and towards the core with signing-core. */
	struct sign_ring *ring =
		in->side == PCSCF_SIDE_CORE || p->cfg.sign_core ? proxy_sign_ring(p) : NULL;
	struct sip_str elem, removal;
	int ret, n;

	sip_edit_reset(p->ed, in->msg);
	if (fwd_top_via(in->msg, &elem, &removal, NULL) < 0)
		return -EINVAL;
	ret = fwd_max_forwards(p, in->msg);
	if (ret != 0)
		return ret;
	fwd_branch(p, in->msg, elem, branch);
	if (sip_util_sockaddr_format(local, host, sizeof(host)) < 0)
		return -EINVAL;
	p->via_sent_by = *local;
	p->via_signed = ring != NULL;
	/* sg-v over the Vias the request came with (doc/signing.md). */
	if (ring && sign_via(ring, in->msg, branch, proxy_sign_now(p), sig, sizeof(sig)) < 0)
		return -EINVAL;
	if (ring)
		p->st.sign_made++;
	n = snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=%s%s",
		     proto == SIP_PROTO_TCP ? "TCP" : "UDP", host, branch, sig);
	ret = sip_edit_insert_top(p->ed, "Via", via, (size_t)n);
	if (ret == 0)
		ret = fwd_via_received(p, in, elem);
	return ret;
}

int fwd_remove_option(struct pcscf *p, const struct sip_msg *msg, const char *token)
{
	static const enum sip_hdr_id ids[] = {SIP_HDR_REQUIRE, SIP_HDR_PROXY_REQUIRE};
	int ret = 0;

	for (size_t k = 0; k < 2; k++)
		for (int i = sip_msg_find(msg, ids[k], 0); i >= 0 && ret >= 0;
		     i = sip_msg_find(msg, ids[k], (size_t)i + 1))
			ret = sip_edit_list_remove(p->ed, (size_t)i, token);
	return ret < 0 ? ret : 0;
}

int fwd_remove_all(struct pcscf *p, const struct sip_msg *msg, enum sip_hdr_id id)
{
	int ret = 0;

	for (int i = sip_msg_find(msg, id, 0); i >= 0 && ret == 0;
	     i = sip_msg_find(msg, id, (size_t)i + 1))
		ret = sip_edit_remove_header(p->ed, (size_t)i);
	return ret;
}

int fwd_remove_keys(struct pcscf *p, const struct sip_msg *msg)
{
	static const char *const keys[] = {"ck", "ik", NULL};
	static const enum sip_hdr_id ids[] = {SIP_HDR_WWW_AUTHENTICATE, SIP_HDR_PROXY_AUTHENTICATE};
	int ret = 0;

	for (size_t k = 0; k < 2; k++)
		for (int i = sip_msg_find(msg, ids[k], 0); i >= 0 && ret >= 0;
		     i = sip_msg_find(msg, ids[k], (size_t)i + 1))
			ret = sip_edit_auth_remove(p->ed, (size_t)i, keys);
	return ret < 0 ? ret : 0;
}

/* Which of our sides one Route element names: 1 access, 2 core, 0 not us. */
static int fwd_route_side(const struct pcscf *p, struct sip_str elem)
{
	struct sip_nameaddr na;
	struct xfrm_addr a;
	struct sip_uri uri;
	size_t i;

	if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) < 0 ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) < 0 || fwd_host_addr(uri.host, &a) < 0)
		return 0;
	for (i = 0; i < p->cfg.naccess; i++)
		if (xfrm_addr_equal(&a, &p->cfg.access[i]))
			return 1;
	for (i = 0; i < p->cfg.ncore; i++)
		if (xfrm_addr_equal(&a, &p->cfg.core[i]))
			return 2;
	return 0;
}

/* Is @elem one of ours for this pass: the first entry, or the second when it names our
 * other side (the pair of RFC 5658)? A dialog between two UEs of ours passes us twice,
 * and the second pass's entries must stay, or the request leaves the route set. */
static bool fwd_route_pops(const struct pcscf *p, struct sip_str elem, int *first, unsigned n)
{
	int side = fwd_route_side(p, elem);

	if (!side || n >= 2 || (n == 1 && side == *first))
		return false;
	if (n == 0)
		*first = side;
	return true;
}

int fwd_pop_routes(struct pcscf *p, const struct sip_msg *msg, struct sip_str *next, bool edit)
{
	struct sip_str elem, removal;
	struct sip_hdr_iter it;
	unsigned ours = 0;
	int i, ret, first = 0;

	next->s = NULL, next->len = 0;
	for (i = sip_msg_find(msg, SIP_HDR_ROUTE, 0); i >= 0 && !next->s;
	     i = sip_msg_find(msg, SIP_HDR_ROUTE, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);
		const char *cut = NULL; /* where the popped elements of this line start */

		sip_hdr_iter_init(&it, v.s, v.len);
		while (!next->s && (ret = sip_hdr_list_next(&it, &elem, &removal)) == 1) {
			if (!fwd_route_pops(p, elem, &first, ours)) {
				*next = elem;
				break;
			}
			if (!cut)
				cut = removal.s;
			ours++;
		}
		if (!next->s && ret < 0)
			return ret;
		/* One span up to the first element kept (the elements' own removal spans
		 * overlap), or the whole line when nothing in it is kept. */
		if (edit && cut &&
		    (next->s ? sip_edit_remove_span(p->ed, cut, (size_t)(next->s - cut))
			     : sip_edit_remove_header(p->ed, (size_t)i)) < 0)
			return -EINVAL;
	}
	return 0;
}

int fwd_uri_dest(struct pcscf *p, const struct sip_str *uri_s, struct pcscf_peer *to)
{
	struct sip_nameaddr na;
	struct xfrm_addr addr;
	struct sip_uri uri;

	if (!uri_s || !uri_s->s || sip_hdr_nameaddr_parse(uri_s->s, uri_s->len, &na) < 0 ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) < 0 || fwd_host_addr(uri.host, &addr) < 0 ||
	    fwd_is_ours(p, uri.host))
		return -ENOENT;
	memset(to, 0, sizeof(*to));
	to->proto = sip_str_caseeq(uri.transport, "tcp") ? SIP_PROTO_TCP : SIP_PROTO_UDP;
	fwd_ss_of(&addr, uri.has_port ? uri.port : 5060, &to->remote);
	return fwd_core_local(p, addr.family, &to->local);
}

int fwd_core_dest(struct pcscf *p, const struct sip_str *uri, struct pcscf_peer *to)
{
	if (fwd_uri_dest(p, uri, to) == 0)
		return 0;
	*to = p->scscf;
	return 0;
}

int fwd_send(struct pcscf *p, const struct pcscf_peer *to, const char *buf, size_t len)
{
	int ret = p->ops->send(p->arg, to, buf, len);

	if (ret < 0) {
		char where[SIP_UTIL_ADDR_SIZE] = "?";

		sip_util_sockaddr_format(&to->remote, where, sizeof(where));
		log_warn_ret(ret, "send to %s", where);
		p->st.drop_other++;
	}
	return ret;
}

int fwd_send_edited(struct pcscf *p, const struct pcscf_peer *to)
{
	size_t len;
	int ret = sip_edit_apply(p->ed, p->out, sizeof(p->out), &len);

	if (ret < 0) {
		log_warn_ret(ret, "cannot edit the message to forward");
		p->st.drop_other++;
		return ret;
	}
	ret = fwd_send(p, to, p->out, len);
	if (ret == 0)
		p->st.forwarded++;
	return ret;
}

struct txn *fwd_txn(struct pcscf *p, const struct pcscf_in *in, const char *branch, bool to_ue)
{
	bool invite = in->msg->method == SIP_METHOD_INVITE;
	struct txn *x = txn_add(&p->txns, branch, in->msg->method == SIP_METHOD_CANCEL,
				p->now_ms + (invite ? PCSCF_TXN_INVITE_MS : PCSCF_TXN_MS));

	if (!x) {
		log_err("out of memory for a transaction");
		return NULL;
	}
	fwd_response_dest(in, &x->back);
	x->sent_by = p->via_sent_by;
	x->to_ue = to_ue;
	x->sign = p->via_signed ? TXN_SIGN_VIA : 0;
	return x;
}

struct txn *fwd_txn_of(struct pcscf *p, const struct sip_msg *msg)
{
	char branch[TXN_BRANCH_MAX];
	struct sip_str elem, removal;

	if (fwd_top_via(msg, &elem, &removal, NULL) < 0)
		return NULL;
	fwd_branch(p, msg, elem, branch);
	return txn_find(&p->txns, branch, strlen(branch), msg->method == SIP_METHOD_CANCEL);
}

bool fwd_via_sent_by_ok(const struct txn *x, const struct sip_via *via)
{
	struct sockaddr_storage ss;

	/* As addresses, not as text: "[2001:DB8::1]" is the same sent-by as "[2001:db8::1]".
	 * A missing port is not our port: we always write one. */
	return via->port &&
	       sip_util_sockaddr_set(via->host.s, via->host.len, via->port, &ss) == 0 &&
	       sip_util_sockaddr_equal(&ss, &x->sent_by);
}
