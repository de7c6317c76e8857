/*
 * proxy.c — everything but REGISTER: requests from registered UEs over their SAs
 * (originating), requests from the core for them (terminating), and the responses to
 * both, relayed by our transactions.
 *
 * Originating (TS 24.229 §5.2.6.3): the kernel let the request in on port-s only over a
 * registered UE's SAs, so its source address lies in that UE's prefix; a new address gets
 * its SAs before anything is answered. The request loses Security-Verify and the sec-agree
 * option tags, gets P-Asserted-Identity from the registration (a P-Preferred-Identity that
 * is one of the registered identities is honoured), our Via, a Record-Route when it starts
 * a dialog, and the Service-Route as its Route (initial requests); it goes to the S-CSCF.
 *
 * Terminating (§5.2.6.4): a request from the core whose Request-URI is a registered UE's
 * contact loses the Route entries that name us (our Path, our Record-Route), gets our Via
 * (port-c) and a Record-Route when it starts a dialog, and goes over the UE's SAs from our
 * port-c to its port-s, at the address the UE last used. The UE's responses get their
 * P-Asserted-Identity from its registration as its requests do (what the UE put there is
 * dropped), so nothing from the access side claims an identity we did not assert.
 *
 * Record-Route: two entries, one per side (RFC 5658), so that each side's in-dialog
 * requests reach us on the right address: the access side on port-s (over the SAs).
 */
#include "pcscf/pcscf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "pcscf/agree.h"

int proxy_note_address(struct pcscf *p, struct reg_sa *sa, const struct xfrm_addr *addr)
{
	char text[INET6_ADDRSTRLEN];
	int ret;

	if (!sa->reqid || reg_sa_has_addr(sa, addr))
		return 0;
	ret = p->ops->set_add_address(p->arg, sa->reqid, addr);
	if (ret < 0) {
		log_warn_ret(ret, "SAs towards %s (set 0x%08x)",
			     xfrm_addr_str(addr, text, sizeof(text)), sa->reqid);
		return ret;
	}
	p->st.addresses_added++;
	log_info("SAs towards %s added to set 0x%08x", xfrm_addr_str(addr, text, sizeof(text)),
		 sa->reqid);
	ret = reg_sa_note_addr(sa, addr);
	pcscf_persist_sa(p, sa);
	return ret;
}

static bool proxy_is_dialog_start(const struct sip_msg *msg)
{
	struct sip_str tag;

	if (sip_msg_to_tag(msg, &tag) == 0)
		return false;
	return msg->method == SIP_METHOD_INVITE || msg->method == SIP_METHOD_SUBSCRIBE ||
	       msg->method == SIP_METHOD_REFER || msg->method == SIP_METHOD_NOTIFY;
}

/* Our two Record-Route entries, the side the request goes to first. */
static int proxy_record_route(struct pcscf *p, const struct sip_msg *msg, const struct reg_sa *sa,
			      bool towards_core)
{
	char access[SIP_UTIL_ADDR_SIZE], core[SIP_UTIL_ADDR_SIZE],
		rr[2 * SIP_UTIL_ADDR_SIZE + 40 + 2 * SIGN_PARAM_MAX];
	struct sockaddr_storage a, c;
	int n;

	if (!proxy_is_dialog_start(msg))
		return 0;
	fwd_ss_of(&sa->pcscf.addr, sa->pcscf.port_s, &a);
	if (fwd_core_local(p, p->scscf.remote.ss_family, &c) < 0 ||
	    sip_util_sockaddr_format(&a, access, sizeof(access)) < 0 ||
	    sip_util_sockaddr_format(&c, core, sizeof(core)) < 0)
		return -EINVAL;
	if ((!towards_core || p->cfg.sign_core) && proxy_sign_ring(p))
		n = proxy_sign_record_route(p, msg, towards_core ? core : access,
					    towards_core ? access : core, !towards_core, rr,
					    sizeof(rr));
	else
		n = snprintf(rr, sizeof(rr), "<sip:%s;lr>, <sip:%s;lr>",
			     towards_core ? core : access, towards_core ? access : core);
	return n < 0 ? n : sip_edit_insert_top(p->ed, "Record-Route", rr, (size_t)n);
}

/* What a forwarded request carries in its Record-Route (doc/signing.md), for its
 * responses; fwd_txn() has set TXN_SIGN_VIA already. */
static uint8_t proxy_txn_sign(struct pcscf *p, const struct sip_msg *msg, bool from_ue)
{
	if (!proxy_is_dialog_start(msg) || !proxy_sign_ring(p))
		return 0;
	if (from_ue)
		return TXN_RR_CALLER | (p->cfg.sign_core ? TXN_SIGN_RR : 0);
	return TXN_SIGN_RR;
}

/* Whether @uri (a name-addr or URI) is one of the identities in P-Associated-URI. */
static bool proxy_is_associated(const struct reg *r, struct sip_str value)
{
	struct sip_nameaddr want, have;
	struct sip_str elem, removal;
	struct sip_hdr_iter it;

	if (sip_hdr_nameaddr_parse(value.s, value.len, &want) < 0)
		return false;
	if (strlen(r->impu) == want.uri.len && strncasecmp(r->impu, want.uri.s, want.uri.len) == 0)
		return true;
	sip_hdr_iter_init(&it, r->assoc, strlen(r->assoc));
	while (sip_hdr_list_next(&it, &elem, &removal) == 1)
		if (sip_hdr_nameaddr_parse(elem.s, elem.len, &have) == 0 &&
		    have.uri.len == want.uri.len &&
		    strncasecmp(have.uri.s, want.uri.s, want.uri.len) == 0)
			return true;
	return false;
}

/* P-Asserted-Identity from the registration; what the UE said about it is dropped. */
static int proxy_identity(struct pcscf *p, const struct sip_msg *msg, const struct reg *r)
{
	char pai[REG_URI_MAX + 2];
	struct sip_str ppi;
	struct sip_nameaddr na;
	int n, ret;

	n = snprintf(pai, sizeof(pai), "<%s>", r->impu);
	if (sip_msg_value_of(msg, SIP_HDR_P_PREFERRED_IDENTITY, &ppi) == 0 &&
	    proxy_is_associated(r, ppi) && sip_hdr_nameaddr_parse(ppi.s, ppi.len, &na) == 0 &&
	    na.uri.len < REG_URI_MAX)
		n = snprintf(pai, sizeof(pai), "<%.*s>", (int)na.uri.len, na.uri.s);
	ret = fwd_remove_all(p, msg, SIP_HDR_P_ASSERTED_IDENTITY);
	if (ret == 0)
		ret = fwd_remove_all(p, msg, SIP_HDR_P_PREFERRED_IDENTITY);
	if (ret == 0)
		ret = sip_edit_append_header(p->ed, "P-Asserted-Identity", pai, (size_t)n);
	return ret;
}

/* The next hop of an originating request: the first Service-Route entry of an initial
 * request, the route set's first entry that is not us in a dialog (empty: the S-CSCF). */
static void proxy_orig_next(struct pcscf *p, const struct sip_msg *msg, const struct reg *r,
			    struct sip_str *next)
{
	struct sip_str tag, removal;
	struct sip_hdr_iter it;

	next->s = NULL, next->len = 0;
	if (sip_msg_to_tag(msg, &tag) == 0) {
		fwd_pop_routes(p, msg, next, false);
		return;
	}
	sip_hdr_iter_init(&it, r->service_route, strlen(r->service_route));
	if (!r->service_route[0] || sip_hdr_list_next(&it, next, &removal) != 1)
		next->s = NULL, next->len = 0;
}

/* Route of an originating request: the Service-Route (initial), or the route set without
 * our own entries (in a dialog). */
static int proxy_orig_route(struct pcscf *p, const struct sip_msg *msg, const struct reg *r)
{
	struct sip_str tag, next;
	int ret;

	if (sip_msg_to_tag(msg, &tag) == 0)
		return fwd_pop_routes(p, msg, &next, true);
	ret = fwd_remove_all(p, msg, SIP_HDR_ROUTE);
	if (ret < 0 || !r->service_route[0])
		return ret;
	return sip_edit_insert_top(p->ed, "Route", r->service_route, strlen(r->service_route));
}

/* The sec-agree leftovers a UE puts in every request (TS 24.229 §5.1.2A.1). */
static int proxy_strip_secagree(struct pcscf *p, const struct sip_msg *msg)
{
	int ret = fwd_remove_all(p, msg, SIP_HDR_SECURITY_VERIFY);

	if (ret == 0)
		ret = fwd_remove_all(p, msg, SIP_HDR_SECURITY_CLIENT);
	if (ret == 0)
		ret = fwd_remove_option(p, msg, "sec-agree");
	return ret;
}

static void proxy_originating(struct pcscf *p, const struct pcscf_in *in, struct reg *r,
			      const struct reg_sa *sa)
{
	char branch[TXN_BRANCH_MAX];
	struct pcscf_peer to;
	struct txn *x = NULL;
	struct sip_str next;
	int ret, verdict = agree_verify(in->msg, sa, p->lists);

	if (verdict == 0) {
		fwd_reply(p, in, 494, "Security Agreement Required: Security-Verify mismatch");
		return;
	}
	proxy_orig_next(p, in->msg, r, &next);
	fwd_core_dest(p, next.s ? &next : NULL, &to);
	ret = fwd_request_start(p, in, &to.local, to.proto, branch);
	if (ret == 0 && !proxy_sign_check_request(p, in, r))
		return; /* answered 403 or dropped, and counted */
	if (ret == 0)
		ret = proxy_strip_secagree(p, in->msg);
	if (ret == 0)
		ret = proxy_identity(p, in->msg, r);
	if (ret == 0)
		ret = proxy_orig_route(p, in->msg, r);
	if (ret == 0)
		ret = proxy_record_route(p, in->msg, sa, true);
	if (ret > 0) {
		fwd_reply(p, in, ret, NULL);
		return;
	}
	if (ret < 0 || (in->msg->method != SIP_METHOD_ACK && !(x = fwd_txn(p, in, branch, true)))) {
		log_warn("cannot forward a request from %s", r->impu);
		p->st.drop_other++;
		return;
	}
	if (x)
		x->sign |= proxy_txn_sign(p, in->msg, true);
	fwd_send_edited(p, &to);
}

void proxy_protected(struct pcscf *p, const struct pcscf_in *in)
{
	bool request = in->msg->is_request;
	struct reg_pending *pd;
	struct reg *r;
	enum reg_which which;
	struct reg_sa *sa;

	if (request != (in->side == PCSCF_SIDE_PORT_S)) {
		p->st.drop_other++; /* requests come to port-s, responses to port-c */
		return;
	}
	which = reg_match(&p->store, &in->src, in->src_port, request, &r, &pd);
	if (which == REG_SA_NONE) {
		p->st.drop_no_reg++;
		return;
	}
	sa = which == REG_SA_PENDING ? &pd->sa : which == REG_SA_OLD ? &r->old : &r->cur;
	/* Before anything is answered: SAs towards a new address in the prefix. */
	if (proxy_note_address(p, sa, &in->src) < 0) {
		p->st.drop_other++;
		return;
	}
	if (which == REG_SA_CUR && r->old.reqid) {
		log_info("%s uses its new SA set: old set 0x%08x goes", r->impu, r->old.reqid);
		register_delete_set(p, &r->old);
		pcscf_persist(p, r);
	}
	if (r && which != REG_SA_PENDING)
		r->last_addr = in->src;
	if (!request)
		proxy_response(p, in, r);
	else if (in->msg->method == SIP_METHOD_REGISTER)
		register_protected(p, in, r, pd, which);
	else if (which == REG_SA_PENDING)
		p->st.drop_no_reg++; /* not registered yet */
	else
		proxy_originating(p, in, r, sa);
}

/* The registration a terminating request is for: the one whose prefix holds the
 * Request-URI's host. */
static struct reg *proxy_term_reg(struct pcscf *p, const struct sip_msg *msg)
{
	struct xfrm_addr addr;
	struct sip_uri uri;
	char host[INET6_ADDRSTRLEN];

	if (sip_uri_parse(msg->ruri.s, msg->ruri.len, &uri) < 0 || !uri.host.len ||
	    uri.host.len >= sizeof(host))
		return NULL;
	memcpy(host, uri.host.s, uri.host.len);
	host[uri.host.len] = '\0';
	if (xfrm_addr_parse(host, &addr) < 0)
		return NULL;
	return reg_find_addr(&p->store, &addr);
}

/* Over the UE's current set: from our port-c to its port-s, where it last was. */
static void proxy_ue_dest(const struct reg *r, const struct sip_msg *msg, struct pcscf_peer *to)
{
	struct sip_uri uri;

	memset(to, 0, sizeof(*to));
	to->proto = r->proto;
	if (sip_uri_parse(msg->ruri.s, msg->ruri.len, &uri) == 0 && uri.transport.len)
		to->proto = sip_str_caseeq(uri.transport, "tcp") ? SIP_PROTO_TCP : SIP_PROTO_UDP;
	fwd_ss_of(&r->cur.pcscf.addr, r->cur.pcscf.port_c, &to->local);
	fwd_ss_of(&r->last_addr, r->cur.ue.port_s, &to->remote);
}

static void proxy_terminating(struct pcscf *p, const struct pcscf_in *in)
{
	struct reg *r = proxy_term_reg(p, in->msg);
	char branch[TXN_BRANCH_MAX];
	struct pcscf_peer to;
	struct txn *x = NULL;
	struct sip_str next;
	int ret;

	if (!r) {
		if (in->msg->method == SIP_METHOD_ACK)
			p->st.drop_no_reg++;
		else
			fwd_reply(p, in, 404, "Not Found: not registered here");
		return;
	}
	proxy_ue_dest(r, in->msg, &to);
	ret = fwd_request_start(p, in, &to.local, to.proto, branch);
	if (ret == 0)
		ret = fwd_pop_routes(p, in->msg, &next, true);
	if (ret == 0)
		ret = proxy_record_route(p, in->msg, &r->cur, false);
	if (ret == 0)
		ret = proxy_sign_refresh(p, in->msg);
	if (ret > 0) {
		fwd_reply(p, in, ret, NULL);
		return;
	}
	if (ret < 0 ||
	    (in->msg->method != SIP_METHOD_ACK && !(x = fwd_txn(p, in, branch, false)))) {
		log_warn("cannot forward a request to %s", r->impu);
		p->st.drop_other++;
		return;
	}
	if (x)
		x->sign |= proxy_txn_sign(p, in->msg, false);
	fwd_send_edited(p, &to);
}

void proxy_core(struct pcscf *p, const struct pcscf_in *in)
{
	if (!in->msg->is_request)
		proxy_response(p, in, NULL);
	else if (in->msg->method == SIP_METHOD_REGISTER)
		fwd_reply(p, in, 403, "Forbidden: no REGISTER from the core side");
	else
		proxy_terminating(p, in);
}

/* Our Via on top of a response: its element and branch, or -ENOENT. */
static int proxy_our_via(const struct sip_msg *msg, struct sip_str *removal, size_t *line,
			 bool *whole_line, struct sip_via *via)
{
	struct sip_str v, elem;
	int i = sip_hdr_first_elem(msg, SIP_HDR_VIA, &elem, removal);

	if (i < 0 || sip_hdr_via_parse(elem.s, elem.len, via) < 0 ||
	    via->branch.len <= strlen(PCSCF_BRANCH_PREFIX) ||
	    strncmp(via->branch.s, PCSCF_BRANCH_PREFIX, strlen(PCSCF_BRANCH_PREFIX)) != 0)
		return -ENOENT;
	v = sip_msg_hdr_value(msg, (size_t)i);
	*line = (size_t)i;
	/* The parse checked every Via element: ours is the whole line when it ends it. */
	*whole_line = elem.s + elem.len == v.s + v.len;
	return 0;
}

void proxy_response(struct pcscf *p, const struct pcscf_in *in, struct reg *from_ue)
{
	const struct sip_msg *msg = in->msg;
	struct sip_str removal;
	struct sip_via via;
	struct txn *x;
	bool whole;
	size_t line;
	int ret;

	if (proxy_our_via(msg, &removal, &line, &whole, &via) < 0 ||
	    !(x = txn_find(&p->txns, via.branch.s, via.branch.len,
			   msg->cseq_method == SIP_METHOD_CANCEL)) ||
	    x->to_ue != (in->side == PCSCF_SIDE_CORE) || !fwd_via_sent_by_ok(x, &via)) {
		p->st.drop_no_txn++; /* a changed sent-by is not our Via (RFC 3261 §18.1.2) */
		return;
	}
	sip_edit_reset(p->ed, msg);
	ret = whole ? sip_edit_remove_header(p->ed, line)
		    : sip_edit_remove_span(p->ed, removal.s, removal.len);
	if (ret == 0 && x->to_ue)
		ret = fwd_remove_keys(p, msg); /* CK and IK never leave towards a UE */
	if (ret == 0 && !proxy_sign_check_response(p, in, x, from_ue))
		return; /* a response that does not verify: dropped, counted */
	if (ret == 0 && x->to_ue && msg->cseq_method != SIP_METHOD_REGISTER)
		ret = proxy_sign_response_to_ue(p, msg, x);
	/* A UE's answer says who answered (the connected party) only as we assert it. */
	if (ret == 0 && from_ue && !x->to_ue)
		ret = proxy_identity(p, msg, from_ue);
	if (ret < 0) {
		log_warn_ret(ret, "cannot relay a %d response", msg->status);
		p->st.drop_other++;
		return;
	}
	if (msg->status >= 200)
		x->answered = true;
	if (x->kind == TXN_DEREGISTER)
		dereg_response(p, in, x); /* ours: it goes no further */
	else if (x->kind != TXN_PLAIN && msg->cseq_method == SIP_METHOD_REGISTER)
		register_response(p, in, x);
	else
		fwd_send_edited(p, &x->back);
}
