/*
 * register.c — REGISTER through the P-CSCF: sec-agree (RFC 3329 §2.3.1), the SA set of
 * TS 33.203 installed on the S-CSCF's 401, the protected REGISTER (TS 24.229 §5.2.2),
 * registration, re-registration with a new set (TS 33.203 §7.4), de-registration and
 * expiry.
 *
 *   UE --REGISTER (Security-Client)--> 5060 --REGISTER + Path--> S-CSCF     pending
 *   UE <--401 + Security-Server------- 5060 <--401 (ck, ik)----- S-CSCF     set installed
 *   UE --REGISTER (Security-Verify)--> port-s --REGISTER-------> S-CSCF     over the set
 *   UE <--200------------------------- port-s <--200------------ S-CSCF     registered
 */
#include "pcscf/pcscf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "pcscf/agree.h"

static bool register_has_option(const struct sip_msg *msg, enum sip_hdr_id id, const char *token)
{
	for (int i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);

		if (sip_hdr_token_list_has(v.s, v.len, token) == 1)
			return true;
	}
	return false;
}

/* 421 or 494 with our capabilities in Security-Server and only the top Via. */
static void register_reply_secagree(struct pcscf *p, const struct pcscf_in *in, int status,
				    const char *reason)
{
	struct sip_util_out o;
	char caps[1024];

	if (fwd_reply_start(p, &o, in->msg, status, reason, true) < 0) {
		p->st.drop_other++;
		return;
	}
	if (status == 421)
		sip_util_out_header(&o, "Require", "sec-agree");
	if (agree_caps(&p->cfg, caps, sizeof(caps)) > 0)
		sip_util_out_header(&o, "Security-Server", "%s", caps);
	fwd_reply_send(p, &o, in);
}

void register_delete_set(struct pcscf *p, struct reg_sa *sa)
{
	int ret;

	if (!sa->reqid)
		return;
	ret = p->ops->set_delete(p->arg, sa->reqid);
	if (ret < 0)
		log_warn_ret(ret, "delete SA set 0x%08x", sa->reqid);
	else
		log_debug("SA set 0x%08x deleted", sa->reqid);
	p->st.sets_deleted++;
	sa->reqid = 0;
}

static void register_pending_drop(struct pcscf *p, struct reg_pending *pd)
{
	register_delete_set(p, &pd->sa);
	reg_pending_free(&p->store, pd);
}

void register_drop(struct pcscf *p, struct reg *r, const char *why)
{
	char addr[INET6_ADDRSTRLEN];

	log_info("%s: %s at %s/%u", why, r->impu,
		 xfrm_addr_str(&r->cur.ue.addr, addr, sizeof(addr)), r->cur.prefix_len);
	register_delete_set(p, &r->cur);
	register_delete_set(p, &r->old);
	if (p->ops->reg_forget && p->ops->reg_forget(p->arg, r->id) < 0)
		log_err("%s not removed from the state database", r->impu);
	reg_free(&p->store, r);
}

/* Take the sender's integrity-protected (never trust it) and set ours (TS 24.229 §5.2.2). */
static int register_integrity(struct pcscf *p, const struct sip_msg *msg, bool protected)
{
	static const char *const names[] = {"integrity-protected", NULL};
	const char *text =
		protected ? ", integrity-protected=\"yes\"" : ", integrity-protected=\"no\"";
	int ret = 0;

	for (int i = sip_msg_find(msg, SIP_HDR_AUTHORIZATION, 0); i >= 0 && ret >= 0;
	     i = sip_msg_find(msg, SIP_HDR_AUTHORIZATION, (size_t)i + 1)) {
		ret = sip_edit_auth_remove(p->ed, (size_t)i, names);
		if (ret >= 0)
			ret = sip_edit_append_to_value(p->ed, (size_t)i, text, strlen(text));
	}
	return ret < 0 ? ret : 0;
}

/* The first Contact's URI, or "*"; empty when there is none. */
static void register_contact(const struct sip_msg *msg, char *out, size_t size)
{
	struct sip_str v, elem, removal;
	struct sip_nameaddr na;
	struct sip_hdr_iter it;

	out[0] = '\0';
	if (sip_msg_value_of(msg, SIP_HDR_CONTACT, &v) < 0)
		return;
	sip_hdr_iter_init(&it, v.s, v.len);
	if (sip_hdr_list_next(&it, &elem, &removal) != 1 ||
	    sip_hdr_nameaddr_parse(elem.s, elem.len, &na) < 0)
		return;
	if (na.star)
		snprintf(out, size, "*");
	else if (na.uri.len < size)
		snprintf(out, size, "%.*s", (int)na.uri.len, na.uri.s);
}

/* The username of the first Digest Authorization: the IMPI (TS 24.229 §5.1.1.2.1); empty
 * when there is none, or when it could not be quoted back as it came (dereg.c does). */
static void register_impi(const struct sip_msg *msg, char *out, size_t size)
{
	struct sip_auth_param u;
	struct sip_hdr_iter it;
	struct sip_str v, scheme;

	out[0] = '\0';
	for (int i = sip_msg_find(msg, SIP_HDR_AUTHORIZATION, 0); i >= 0 && !out[0];
	     i = sip_msg_find(msg, SIP_HDR_AUTHORIZATION, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		if (sip_hdr_auth_begin(&it, v.s, v.len, &scheme) < 0 ||
		    !sip_str_caseeq(scheme, "Digest") ||
		    sip_hdr_auth_find(v.s, v.len, "username", &u) != 1 || !u.value.len ||
		    u.value.len >= size || memchr(u.value.s, '\\', u.value.len) ||
		    memchr(u.value.s, '"', u.value.len))
			continue;
		snprintf(out, size, "%.*s", (int)u.value.len, u.value.s);
	}
}

static int register_path(struct pcscf *p, const struct sip_msg *msg)
{
	int i = sip_msg_find(msg, SIP_HDR_PATH, 0);

	if (i >= 0)
		return sip_edit_insert_before(p->ed, (size_t)i, "Path", p->path, strlen(p->path));
	return sip_edit_append_header(p->ed, "Path", p->path, strlen(p->path));
}

/* Forward a REGISTER to the S-CSCF with our Via, Path and integrity-protected. */
static void register_forward(struct pcscf *p, const struct pcscf_in *in, enum txn_kind kind,
			     uint64_t pending_id, uint64_t reg_id)
{
	bool protected = in->side == PCSCF_SIDE_PORT_S;
	char branch[TXN_BRANCH_MAX];
	struct pcscf_peer to = p->scscf;
	struct txn *x;
	int ret = fwd_request_start(p, in, &to.local, to.proto, branch);

	if (ret > 0) {
		fwd_reply(p, in, ret, NULL);
		return;
	}
	if (ret == 0)
		ret = fwd_remove_all(p, in->msg, SIP_HDR_SECURITY_CLIENT);
	if (ret == 0)
		ret = fwd_remove_all(p, in->msg, SIP_HDR_SECURITY_VERIFY);
	if (ret == 0)
		ret = fwd_remove_option(p, in->msg, "sec-agree");
	if (ret == 0)
		ret = register_integrity(p, in->msg, protected);
	if (ret == 0)
		ret = register_path(p, in->msg);
	x = ret == 0 ? fwd_txn(p, in, branch, true) : NULL;
	if (!x) {
		log_warn("cannot forward a REGISTER: %s", ret < 0 ? strerror(-ret) : "no memory");
		p->st.drop_other++;
		return;
	}
	x->kind = kind;
	x->pending_id = pending_id;
	x->reg_id = reg_id;
	register_contact(in->msg, x->contact, sizeof(x->contact));
	register_impi(in->msg, x->impi, sizeof(x->impi));
	fwd_send_edited(p, &to);
}

/* A REGISTER with an acceptable offer: remember it (pending) and forward it. */
static void register_offer(struct pcscf *p, const struct pcscf_in *in, struct reg *r,
			   const struct reg_sa *sa)
{
	struct sip_str cid = sip_msg_call_id(in->msg);
	struct reg_pending *pd = reg_pending_find_call_id(&p->store, cid.s, cid.len);

	if (pd && pd->cseq != in->msg->cseq) {
		register_pending_drop(p, pd); /* a new attempt replaces the old one */
		pd = NULL;
	}
	if (!pd) {
		if (cid.len >= sizeof(pd->call_id)) {
			fwd_reply(p, in, 400, "Bad Request: Call-ID too long");
			return;
		}
		pd = reg_pending_new(&p->store);
		if (!pd) {
			fwd_reply(p, in, 500, NULL);
			return;
		}
		memcpy(pd->call_id, cid.s, cid.len);
		pd->cseq = in->msg->cseq;
		pd->reg_id = r ? r->id : 0;
		pd->sa = *sa;
	}
	pd->expires_ms = p->now_ms + PCSCF_PENDING_S * 1000ULL;
	register_forward(p, in, TXN_REGISTER_INITIAL, pd->id, pd->reg_id);
}

/* Read and choose from the Security-Client offer: 0 with @sa filled, or answered. */
static int register_read_offer(struct pcscf *p, const struct pcscf_in *in, struct reg_sa *sa)
{
	char why[SECAGREE_REASON_MAX + 64], reason[SECAGREE_REASON_MAX + 80];
	int ret = agree_parse_header(in->msg, SIP_HDR_SECURITY_CLIENT, p->lists, why, sizeof(why));

	if (ret == -ENOENT)
		return -ENOENT;
	if (ret < 0) {
		snprintf(reason, sizeof(reason), "Bad %s", why);
		fwd_reply(p, in, 400, reason);
		return ret;
	}
	ret = agree_choose(&p->cfg, p->lists, &in->src, sa, why, sizeof(why));
	if (ret == 494)
		register_reply_secagree(p, in, 494, why);
	else if (ret)
		fwd_reply(p, in, ret, why);
	return ret ? -EINVAL : 0;
}

/* A UE's retransmission of a REGISTER still waiting for the S-CSCF's final response is
 * absorbed (RFC 3261 §17.2.2, §16.6): forwarded, every copy would be challenged anew, each
 * 401 with new keys and a new SA set. Once answered, a copy goes on as a new attempt. */
static bool register_absorbed(struct pcscf *p, const struct pcscf_in *in)
{
	const struct txn *x = fwd_txn_of(p, in->msg);

	if (!x || x->answered || !x->to_ue || x->kind == TXN_PLAIN)
		return false;
	p->st.absorbed++;
	log_debug("REGISTER retransmission absorbed (Call-ID %.*s, CSeq %u)",
		  (int)sip_msg_call_id(in->msg).len, sip_msg_call_id(in->msg).s, in->msg->cseq);
	return true;
}

void register_unprotected(struct pcscf *p, const struct pcscf_in *in)
{
	struct reg_sa sa;
	int ret;

	if (register_absorbed(p, in))
		return;
	if (!register_has_option(in->msg, SIP_HDR_REQUIRE, "sec-agree") &&
	    !register_has_option(in->msg, SIP_HDR_PROXY_REQUIRE, "sec-agree")) {
		/* RFC 3329 §2.3.1; sec-agree optional is not offered yet: see pcscfd(8). */
		ret = register_has_option(in->msg, SIP_HDR_SUPPORTED, "sec-agree") ? 494 : 421;
		register_reply_secagree(p, in, ret, NULL);
		return;
	}
	ret = register_read_offer(p, in, &sa);
	if (ret == -ENOENT)
		register_reply_secagree(p, in, 494,
					"Security Agreement Required: no Security-Client");
	else if (ret == 0)
		register_offer(p, in, NULL, &sa);
}

/* 494 for a Security-Verify that is missing or differs; a pending set goes with it. */
static void register_verify_failed(struct pcscf *p, const struct pcscf_in *in,
				   struct reg_pending *pd, const struct reg_sa *sa, int verdict)
{
	struct sip_util_out o;
	char addr[INET6_ADDRSTRLEN];

	log_warn("Security-Verify %s from %s: 494", verdict == -ENOENT ? "missing" : "mismatch",
		 xfrm_addr_str(&in->src, addr, sizeof(addr)));
	if (fwd_reply_start(p, &o, in->msg, 494,
			    verdict == -ENOENT
				    ? "Security Agreement Required: no Security-Verify"
				    : "Security Agreement Required: Security-Verify mismatch",
			    false) == 0) {
		sip_util_out_header(&o, "Security-Server", "%s", sa->server);
		fwd_reply_send(p, &o, in);
	}
	if (pd)
		register_pending_drop(p, pd);
}

void register_protected(struct pcscf *p, const struct pcscf_in *in, struct reg *r,
			struct reg_pending *pd, enum reg_which which)
{
	const struct reg_sa *sa = which == REG_SA_PENDING ? &pd->sa
				  : which == REG_SA_OLD	  ? &r->old
							  : &r->cur;
	int verdict = agree_verify(in->msg, sa, p->lists);
	struct reg_sa offer;
	int ret;

	if (register_absorbed(p, in))
		return;
	if (verdict != 1) {
		register_verify_failed(p, in, which == REG_SA_PENDING ? pd : NULL, sa, verdict);
		return;
	}
	if (which == REG_SA_PENDING) {
		register_forward(p, in, TXN_REGISTER_NEW_SA, pd->id, pd->reg_id);
		return;
	}
	/* A re-REGISTER over a registration's set: a new offer makes a new set (§7.4). */
	ret = register_read_offer(p, in, &offer);
	if (ret == -ENOENT)
		register_forward(p, in, TXN_REGISTER_REFRESH, 0, r->id);
	else if (ret == 0)
		register_offer(p, in, r, &offer);
}

/* Turn the response being forwarded into a failure of ours (the set could not be made). */
static void register_fail(struct pcscf *p, const struct pcscf_in *in, const struct txn *x,
			  const char *reason)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "SIP/2.0 500 %s", reason);

	fwd_remove_all(p, in->msg, SIP_HDR_WWW_AUTHENTICATE);
	sip_edit_replace_start_line(p->ed, line, (size_t)n);
	fwd_send_edited(p, &x->back);
}

static void register_release(struct pcscf *p, const uint32_t *spis, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p->ops->spi_release(p->arg, spis[i]);
}

/* Our SPIs and the set for pending registration @pd, with the keys of the 401. */
static int register_install(struct pcscf *p, const struct pcscf_in *in, const struct txn *x,
			    struct reg_pending *pd)
{
	uint32_t avoid[2] = {pd->sa.ue.spi_c, pd->sa.ue.spi_s}, spis[2], reqid;
	struct privsep_set_req req;
	int www, ret;

	memset(&req, 0, sizeof(req));
	ret = agree_keys(in->msg, req.ck, req.ik, &www);
	if (ret < 0) {
		log_warn("a 401 from the S-CSCF without usable ck and ik");
		return ret;
	}
	ret = p->ops->spi_alloc(p->arg, avoid, &spis[0]);
	if (ret == 0 && (ret = p->ops->spi_alloc(p->arg, avoid, &spis[1])) < 0)
		register_release(p, spis, 1);
	if (ret == 0) {
		fwd_addr_of(&x->back.local, &pd->sa.pcscf.addr);
		pd->sa.pcscf.port_c = p->cfg.port_c, pd->sa.pcscf.port_s = p->cfg.port_s;
		pd->sa.pcscf.spi_c = spis[0], pd->sa.pcscf.spi_s = spis[1];
		req.ue = pd->sa.ue, req.ue_prefix_len = pd->sa.prefix_len, req.pcscf = pd->sa.pcscf;
		req.transport = XFRM_TRANSPORT_ANY;
		req.integ = pd->sa.integ, req.encr = pd->sa.encr;
		/* Until the 200 extends it; never longer than the parent allows. */
		req.lifetime_s = PCSCF_PENDING_S;
		if (req.lifetime_s > p->cfg.max_expires_s + p->cfg.sa_grace_s)
			req.lifetime_s = p->cfg.max_expires_s + p->cfg.sa_grace_s;
		ret = p->ops->set_install(p->arg, &req, &reqid, pd->sa.sealed);
		if (ret < 0)
			register_release(p, spis, 2);
	}
	explicit_bzero(&req, sizeof(req));
	if (ret < 0)
		return ret;
	pd->sa.reqid = reqid;
	p->st.sets_installed++;
	return 0;
}

/* The nonce of the first WWW-Authenticate (empty when none or too long). */
static void register_nonce(const struct sip_msg *msg, char *out, size_t size)
{
	struct sip_auth_param n;
	struct sip_str v;

	out[0] = '\0';
	if (sip_msg_value_of(msg, SIP_HDR_WWW_AUTHENTICATE, &v) == 0 &&
	    sip_hdr_auth_find(v.s, v.len, "nonce", &n) == 1 && n.value.len < size)
		snprintf(out, size, "%.*s", (int)n.value.len, n.value.s);
}

static void register_401(struct pcscf *p, const struct pcscf_in *in, const struct txn *x)
{
	struct reg_pending *pd = reg_pending_find_id(&p->store, x->pending_id);
	char addr[INET6_ADDRSTRLEN], nonce[REG_NONCE_MAX];
	int ret;

	if (!pd) {
		fwd_send_edited(p, &x->back);
		return;
	}
	/* The same challenge again (the S-CSCF answering a retransmission): the same set. A
	 * new challenge brings new keys: the set follows the last one. */
	register_nonce(in->msg, nonce, sizeof(nonce));
	if (pd->sa.reqid && nonce[0] && strcmp(nonce, pd->nonce) == 0) {
		sip_edit_append_header(p->ed, "Security-Server", pd->sa.server,
				       strlen(pd->sa.server));
		fwd_send_edited(p, &x->back);
		return;
	}
	register_delete_set(p, &pd->sa);
	snprintf(pd->nonce, sizeof(pd->nonce), "%s", nonce);
	ret = register_install(p, in, x, pd);
	if (ret == 0 && agree_server(&pd->sa, pd->sa.server, sizeof(pd->sa.server)) < 0)
		ret = -EINVAL;
	if (ret < 0) {
		log_warn_ret(ret, "no SA set for %s",
			     xfrm_addr_str(&pd->sa.ue.addr, addr, sizeof(addr)));
		register_fail(p, in, x, "Server Internal Error: no security association");
		register_pending_drop(p, pd);
		return;
	}
	log_info("SA set 0x%08x for %s/%u: %s %s/%s", pd->sa.reqid,
		 xfrm_addr_str(&pd->sa.ue.addr, addr, sizeof(addr)), pd->sa.prefix_len,
		 pd->sa.mech == SECAGREE_MECH_IPSEC_MAN ? "ipsec-man" : "ipsec-3gpp",
		 ipsec_integ_name(pd->sa.integ), ipsec_encr_name(pd->sa.encr));
	pd->expires_ms = p->now_ms + PCSCF_PENDING_S * 1000ULL;
	sip_edit_append_header(p->ed, "Security-Server", pd->sa.server, strlen(pd->sa.server));
	fwd_send_edited(p, &x->back);
}

/* Seconds of one Contact element that is @contact, or -1 when it is another. */
static long register_contact_expiry(struct sip_str elem, const char *contact, long dflt)
{
	struct sip_nameaddr na;
	uint32_t v;

	if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) < 0 || na.star ||
	    na.uri.len != strlen(contact) || strncasecmp(na.uri.s, contact, na.uri.len) != 0)
		return -1;
	if (na.has_expires &&
	    sip_hdr_uint_parse(na.expires.s, na.expires.len, 0xffffffffu, &v) == 0)
		return (long)v;
	return dflt;
}

/* How long the 200 registers @contact for (0: not, or no longer), capped at max-expires. */
static uint32_t register_expiry(const struct pcscf *p, const struct sip_msg *msg,
				const char *contact)
{
	struct sip_str v, elem, removal;
	struct sip_hdr_iter it;
	long dflt = 3600, found = 0;
	uint32_t e;

	if (!contact[0] || strcmp(contact, "*") == 0)
		return 0;
	if (sip_msg_value_of(msg, SIP_HDR_EXPIRES, &v) == 0 &&
	    sip_hdr_uint_parse(v.s, v.len, 0xffffffffu, &e) == 0)
		dflt = (long)e;
	for (int i = sip_msg_find(msg, SIP_HDR_CONTACT, 0); i >= 0 && !found;
	     i = sip_msg_find(msg, SIP_HDR_CONTACT, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while (!found && sip_hdr_list_next(&it, &elem, &removal) == 1) {
			long s = register_contact_expiry(elem, contact, dflt);

			if (s >= 0)
				found = s ? s : -2;
		}
	}
	if (found <= 0)
		return 0;
	return found > (long)p->cfg.max_expires_s ? p->cfg.max_expires_s : (uint32_t)found;
}

/* Every header line of a kind joined into @out (", "), or empty. */
static void register_join(const struct sip_msg *msg, enum sip_hdr_id id, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);
		int n = snprintf(out + used, size - used, "%s%.*s", used ? ", " : "", (int)v.len,
				 v.s);

		if (n < 0 || (size_t)n >= size - used || memchr(v.s, '\r', v.len)) {
			log_warn("%s too long or folded: not kept", sip_msg_hdr_canonical(id));
			out[0] = '\0';
			return;
		}
		used += (size_t)n;
	}
}

/* The registration's facts from the 200 and its transaction. */
static void register_update(struct pcscf *p, struct reg *r, const struct sip_msg *msg,
			    const struct txn *x, uint32_t expiry)
{
	struct sip_nameaddr na;
	struct sip_str to;

	if (sip_msg_value_of(msg, SIP_HDR_TO, &to) == 0 &&
	    sip_hdr_nameaddr_parse(to.s, to.len, &na) == 0 && na.uri.len < sizeof(r->impu))
		snprintf(r->impu, sizeof(r->impu), "%.*s", (int)na.uri.len, na.uri.s);
	if (x->contact[0] && strcmp(x->contact, "*") != 0)
		snprintf(r->contact, sizeof(r->contact), "%s", x->contact);
	if (x->impi[0])
		snprintf(r->impi, sizeof(r->impi), "%s", x->impi);
	register_join(msg, SIP_HDR_P_ASSOCIATED_URI, r->assoc, sizeof(r->assoc));
	register_join(msg, SIP_HDR_SERVICE_ROUTE, r->service_route, sizeof(r->service_route));
	r->proto = x->back.proto;
	fwd_addr_of(&x->back.remote, &r->last_addr);
	r->expires_ms = p->now_ms + expiry * 1000ULL;
	r->delete_ms = r->expires_ms + p->cfg.sa_grace_s * 1000ULL;
	if (p->ops->set_extend(p->arg, r->cur.reqid, expiry + p->cfg.sa_grace_s) < 0)
		log_warn("cannot extend SA set 0x%08x", r->cur.reqid);
	pcscf_persist(p, r); /* on disk before the 200 leaves (see store.h) */
}

/* A UE registering afresh replaces what it had (the 200 proves the AKA run). */
static void register_replace(struct pcscf *p, const struct reg_sa *sa, const struct sip_msg *msg)
{
	struct sip_nameaddr na;
	struct sip_str to;
	struct reg *r, *next;

	if (sip_msg_value_of(msg, SIP_HDR_TO, &to) < 0 ||
	    sip_hdr_nameaddr_parse(to.s, to.len, &na) < 0)
		return;
	for (r = p->store.regs; r; r = next) {
		next = r->next;
		if (reg_sa_covers(&r->cur, &sa->ue.addr) ||
		    (strlen(r->impu) == na.uri.len &&
		     strncasecmp(r->impu, na.uri.s, na.uri.len) == 0))
			register_drop(p, r, "replaced by a new registration");
	}
}

/* The 200 to the REGISTER that came over a pending set. */
static void register_activate(struct pcscf *p, const struct pcscf_in *in, const struct txn *x)
{
	struct reg_pending *pd = reg_pending_find_id(&p->store, x->pending_id);
	uint32_t expiry = register_expiry(p, in->msg, x->contact);
	char addr[INET6_ADDRSTRLEN];
	struct reg *r;

	if (!pd) {
		fwd_send_edited(p, &x->back);
		return;
	}
	r = reg_find_id(&p->store, pd->reg_id);
	if (expiry == 0) {
		fwd_send_edited(p, &x->back); /* over the sets, before they go */
		register_pending_drop(p, pd);
		if (r)
			register_drop(p, r, "de-registered");
		return;
	}
	if (!r) {
		register_replace(p, &pd->sa, in->msg);
		r = reg_new(&p->store);
	} else {
		register_delete_set(p, &r->old);
		r->old = r->cur;
		r->old_until_ms = r->delete_ms;
	}
	if (!r) {
		log_err("out of memory for a registration");
		register_pending_drop(p, pd);
		fwd_send_edited(p, &x->back);
		return;
	}
	r->cur = pd->sa;
	snprintf(r->call_id, sizeof(r->call_id), "%s", pd->call_id);
	reg_pending_free(&p->store, pd);
	register_update(p, r, in->msg, x, expiry);
	fwd_send_edited(p, &x->back);
	log_info("registered %s at %s/%u for %u s (SA set 0x%08x%s)", r->impu,
		 xfrm_addr_str(&r->cur.ue.addr, addr, sizeof(addr)), r->cur.prefix_len, expiry,
		 r->cur.reqid, r->old.reqid ? ", old set kept until used" : "");
}

/* The 200 to a REGISTER over a registration's set (no new set). */
static void register_refresh(struct pcscf *p, const struct pcscf_in *in, const struct txn *x,
			     uint64_t reg_id)
{
	struct reg *r = reg_find_id(&p->store, reg_id);
	uint32_t expiry = register_expiry(p, in->msg, x->contact);

	if (r && expiry)
		register_update(p, r, in->msg, x, expiry);
	fwd_send_edited(p, &x->back); /* a de-registration's 200 over the sets, before they go */
	if (!r)
		return;
	if (expiry == 0) {
		register_drop(p, r, "de-registered");
		return;
	}
	log_info("re-registered %s for %u s", r->impu, expiry);
}

void register_response(struct pcscf *p, const struct pcscf_in *in, struct txn *x)
{
	int status = in->msg->status;
	struct reg_pending *pd = reg_pending_find_id(&p->store, x->pending_id);

	if (status < 200) {
		fwd_send_edited(p, &x->back);
	} else if (status == 401 && x->kind == TXN_REGISTER_INITIAL) {
		register_401(p, in, x);
	} else if (status < 300 && x->kind == TXN_REGISTER_NEW_SA) {
		register_activate(p, in, x);
	} else if (status < 300) {
		/* REFRESH, or an offer the S-CSCF accepted without a challenge: the current
		 * set stays; a registration that had none gets no service. */
		uint64_t reg_id = x->kind == TXN_REGISTER_REFRESH ? x->reg_id : pd ? pd->reg_id : 0;

		if (pd)
			register_pending_drop(p, pd);
		if (!reg_id)
			log_warn("the S-CSCF accepted a REGISTER without a challenge: no SAs, no "
				 "service");
		register_refresh(p, in, x, reg_id);
	} else {
		fwd_send_edited(p, &x->back);
		if (pd && x->kind != TXN_REGISTER_REFRESH)
			register_pending_drop(p, pd);
	}
	if (status >= 200)
		x->pending_id = 0; /* a retransmitted final response changes nothing more */
}

void register_tick(struct pcscf *p)
{
	struct reg_pending *pd, *pnext;
	struct reg *r, *next;

	for (r = p->store.regs; r; r = next) {
		next = r->next;
		if (p->now_ms >= r->delete_ms)
			register_drop(p, r, "expired");
		else if (r->old.reqid && p->now_ms >= r->old_until_ms)
			register_delete_set(p, &r->old), pcscf_persist(p, r);
	}
	for (pd = p->store.pending; pd; pd = pnext) {
		pnext = pd->next;
		if (p->now_ms >= pd->expires_ms) {
			log_info("registration in progress timed out (Call-ID %s)", pd->call_id);
			register_pending_drop(p, pd);
		}
	}
}
