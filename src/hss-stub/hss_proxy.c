/*
 * hss_proxy.c — the S-CSCF as a stateless proxy (RFC 3261 §16, §16.11).
 *
 * Requests: a Route naming us is removed (§16.4); a Request-URI of the home domain goes
 * through the location service: a registered IMPU is replaced by its contact and the Path
 * of its registration becomes the first Route values (RFC 3327 §5.4); any other request is
 * forwarded by its Route or Request-URI (loose routing, §16.12). Our Via goes on top with a
 * branch hashed from the request (so a retransmission, and the CANCEL of an INVITE, get
 * the same one), Max-Forwards goes down by one. We never Record-Route.
 *
 * Responses: our Via is removed and the response goes to the next Via: to received= (else
 * the sent-by host), at rport= (else the sent-by port, else 5060), by its transport.
 *
 * Next hops must be numeric addresses: the stub resolves no names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/codec.h"
#include "common/log.h"
#include "hss-stub/hss_sip_int.h"

/* What to do with a request. */
struct hss_proxy_plan {
	struct hss_sip_elem own_route; /* our Route value, to remove */
	bool has_own_route;
	const struct hss_contact *contact; /* location service result, or NULL */
	enum sip_proto proto;		   /* to the next hop */
	struct sockaddr_storage dst;
	const char *reason;
};

/* ---- resolving a URI ---- */

/* Transport and address of a URI with a numeric host (RFC 3263 without DNS). */
static int hss_proxy_resolve(const struct sip_uri *uri, enum sip_proto *proto,
			     struct sockaddr_storage *dst)
{
	if (uri->scheme != SIP_URI_SIP)
		return -EPROTONOSUPPORT;
	if (uri->transport.len == 0 || sip_str_caseeq(uri->transport, "udp"))
		*proto = SIP_PROTO_UDP;
	else if (sip_str_caseeq(uri->transport, "tcp"))
		*proto = SIP_PROTO_TCP;
	else
		return -EPROTONOSUPPORT;
	if (sip_util_sockaddr_set(uri->host.s, uri->host.len, uri->has_port ? uri->port : 5060,
				  dst) != 0)
		return -EHOSTUNREACH;
	return 0;
}

static int hss_proxy_resolve_text(const char *s, size_t len, enum sip_proto *proto,
				  struct sockaddr_storage *dst)
{
	struct sip_nameaddr na;
	struct sip_uri uri;

	if (sip_hdr_nameaddr_parse(s, len, &na) != 0 || na.star ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) != 0)
		return -EINVAL;
	return hss_proxy_resolve(&uri, proto, dst);
}

/* Whether a destination is one of our own listeners (a loop). */
static bool hss_proxy_is_self(const struct hss_sip *s, const struct sockaddr_storage *dst)
{
	size_t i;

	for (i = 0; i < s->n_locals; i++)
		if (sip_util_sockaddr_equal(&s->locals[i].addr, dst))
			return true;
	return false;
}

/* ---- the branch (RFC 3261 §16.11) ---- */

static void hss_proxy_hash_add(EVP_MD_CTX *md, struct sip_str v)
{
	EVP_DigestUpdate(md, v.s, v.len);
	EVP_DigestUpdate(md, "\n", 1);
}

/*
 * An RFC 3261 branch identifies the transaction by itself; an older one is completed with
 * the top Via, the tags, Call-ID, CSeq number and Request-URI. ACK and CANCEL hash as their
 * INVITE does (same branch), which is what the callee needs to match them.
 */
static int hss_proxy_branch(const struct hss_sip *s, const struct sip_msg *m, char *out,
			    size_t size)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	struct hss_sip_via v;
	struct sip_str tag = {"", 0};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char cseq[16], hex[CODEC_HEX_SIZE(10)];
	int ret = -ENOMEM;

	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	ret = hss_sip_via_nth(m, 0, &v);
	if (ret)
		goto out;
	EVP_DigestUpdate(md, s->secret, sizeof(s->secret));
	if (v.via.branch.len > 7 && strncmp(v.via.branch.s, "z9hG4bK", 7) == 0) {
		hss_proxy_hash_add(md, v.via.branch);
	} else {
		hss_proxy_hash_add(md, v.e.elem);
		sip_msg_to_tag(m, &tag);
		hss_proxy_hash_add(md, tag);
		sip_msg_from_tag(m, &tag);
		hss_proxy_hash_add(md, tag);
		hss_proxy_hash_add(md, sip_msg_call_id(m));
		snprintf(cseq, sizeof(cseq), "%u", m->cseq);
		hss_proxy_hash_add(md, (struct sip_str){cseq, strlen(cseq)});
		hss_proxy_hash_add(md, m->ruri);
	}
	ret = -EIO;
	if (EVP_DigestFinal_ex(md, digest, NULL) != 1 ||
	    codec_hex_encode(digest, 10, hex, sizeof(hex)) != 0)
		goto out;
	ret = snprintf(out, size, "%s%s", HSS_SIP_BRANCH_PREFIX, hex) < (int)size ? 0 : -ENOSPC;
out:
	EVP_MD_CTX_free(md);
	return ret;
}

/* ---- requests ---- */

/* §16.4: the first Route value naming us is noted for removal. */
static void hss_proxy_own_route(const struct hss_sip *s, const struct hss_sip_req *req,
				struct hss_proxy_plan *p)
{
	struct sip_nameaddr na;
	struct sip_uri uri;

	if (hss_sip_elem_nth(req->msg, SIP_HDR_ROUTE, 0, &p->own_route) != 0)
		return;
	if (sip_hdr_nameaddr_parse(p->own_route.elem.s, p->own_route.elem.len, &na) != 0 ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) != 0)
		return;
	p->has_own_route = hss_sip_uri_is_ours(s, &uri, req->rx);
}

/* A request for the S-CSCF itself (no user part): OPTIONS is answered, ACK ends here. */
static void hss_proxy_local(struct hss_sip *s, const struct hss_sip_req *req)
{
	struct sip_util_out o;
	int status;

	switch (req->msg->method) {
	case SIP_METHOD_ACK:
		return;
	case SIP_METHOD_OPTIONS:
		status = 200;
		break;
	case SIP_METHOD_CANCEL:
		hss_sip_reply(s, req, 481, NULL);
		return;
	default:
		status = 405;
		break;
	}
	hss_sip_reply_start(s, req, &o, status, NULL);
	sip_util_out_header(&o, "Allow", "REGISTER, OPTIONS");
	hss_sip_reply_send(s, req, &o);
}

/* The location service: 0 with p->contact set, or a status (404, 480, 500). */
static int hss_proxy_locate(struct hss_sip *s, const struct hss_sip_req *req,
			    const struct sip_uri *uri, struct hss_proxy_plan *p)
{
	char impu[HSS_SIP_ID_SIZE];
	struct hss_subscriber *sub = NULL;
	int ret;

	if (hss_sip_uri_impu(uri, impu, sizeof(impu)) != 0 ||
	    (ret = hss_db_subscriber_get_by_impu(s->db, impu, &sub)) == -ENOENT) {
		p->reason = "Not Found: no such user";
		return 404;
	}
	if (ret) {
		log_err("cannot look %s up: %s", impu, hss_db_error(s->db));
		return 500;
	}
	p->contact = hss_bind_target(s->bind, sub->impi, req->now_ms);
	hss_subscriber_free(sub);
	if (!p->contact) {
		p->reason = "Temporarily Unavailable: not registered";
		return 480;
	}
	log_debug("%s is at %s", impu, p->contact->uri);
	return 0;
}

/* The next hop: the first Path value, else the first Route left, else the Request-URI. */
static int hss_proxy_next_hop(const struct hss_sip_req *req, struct hss_proxy_plan *p)
{
	struct hss_sip_elem route;
	struct sip_hdr_iter it;
	struct sip_str first, ruri = req->msg->ruri;
	struct sip_uri uri;

	if (p->contact && p->contact->path) {
		sip_hdr_iter_init(&it, p->contact->path, strlen(p->contact->path));
		if (sip_hdr_list_next(&it, &first, NULL) != 1)
			return -EINVAL;
		return hss_proxy_resolve_text(first.s, first.len, &p->proto, &p->dst);
	}
	if (hss_sip_elem_nth(req->msg, SIP_HDR_ROUTE, p->has_own_route ? 1 : 0, &route) == 0)
		return hss_proxy_resolve_text(route.elem.s, route.elem.len, &p->proto, &p->dst);
	/* A bare URI: its ';' parameters are URI parameters (transport=), not header ones. */
	if (p->contact)
		ruri = (struct sip_str){p->contact->uri, strlen(p->contact->uri)};
	if (sip_uri_parse(ruri.s, ruri.len, &uri) != 0)
		return -EINVAL;
	return hss_proxy_resolve(&uri, &p->proto, &p->dst);
}

/* Decide where the request goes: 0, a status to answer, or -1 when it was handled. */
static int hss_proxy_plan(struct hss_sip *s, const struct hss_sip_req *req,
			  struct hss_proxy_plan *p)
{
	const struct sip_msg *m = req->msg;
	struct sip_uri uri;
	int status;

	if (m->max_forwards == 0) {
		p->reason = NULL;
		return 483;
	}
	hss_proxy_own_route(s, req, p);
	if (sip_uri_parse(m->ruri.s, m->ruri.len, &uri) != 0) {
		p->reason = "Bad Request: malformed Request-URI";
		return 400;
	}
	if (hss_sip_uri_in_domain(s, &uri) || hss_sip_uri_is_ours(s, &uri, req->rx)) {
		if (uri.scheme != SIP_URI_TEL && uri.user.len == 0) {
			hss_proxy_local(s, req);
			return -1;
		}
		status = hss_proxy_locate(s, req, &uri, p);
		if (status)
			return status;
	}
	if (hss_proxy_next_hop(req, p) != 0) {
		p->reason = "Not Found: no route to the next hop";
		return 404;
	}
	if (hss_proxy_is_self(s, &p->dst)) {
		p->reason = NULL;
		return 482;
	}
	return 0;
}

/* A datagram may lack Content-Length; a stream message must have one (RFC 3261 §18.3). */
static void hss_proxy_content_length(struct sip_edit *ed, const struct sip_msg *m)
{
	struct sip_str body = sip_msg_body(m);

	if (!m->has_content_length)
		sip_edit_set_body(ed, body.s, body.len);
}

/* Request line, Route, Via and Max-Forwards edits; the result goes into s->out. */
static int hss_proxy_edit(struct hss_sip *s, const struct hss_sip_req *req,
			  const struct hss_proxy_plan *p, const char *via, size_t *len)
{
	const struct sip_msg *m = req->msg;
	struct sip_edit *ed = s->ed;
	char line[1100], mf[8];
	int n, route = sip_msg_find(m, SIP_HDR_ROUTE, 0);

	sip_edit_reset(ed, m);
	if (p->contact) {
		n = snprintf(line, sizeof(line), "%.*s %s SIP/2.0", (int)m->method_str.len,
			     m->method_str.s, p->contact->uri);
		if (n < 0 || (size_t)n >= sizeof(line))
			return -ENOSPC;
		sip_edit_replace_start_line(ed, line, (size_t)n);
	}
	if (p->has_own_route)
		hss_sip_edit_remove_elem(ed, &p->own_route);
	if (p->contact && p->contact->path) {
		if (route >= 0)
			sip_edit_insert_before(ed, (size_t)route, "Route", p->contact->path,
					       strlen(p->contact->path));
		else
			sip_edit_append_header(ed, "Route", p->contact->path,
					       strlen(p->contact->path));
	}
	sip_edit_insert_top(ed, "Via", via, strlen(via));
	if (m->max_forwards > 0) {
		n = snprintf(mf, sizeof(mf), "%d", m->max_forwards - 1);
		sip_edit_replace_value(ed, (size_t)m->first[SIP_HDR_MAX_FORWARDS], mf, (size_t)n);
	} else {
		sip_edit_append_header(ed, "Max-Forwards", "70", 2);
	}
	hss_proxy_content_length(ed, m);
	return sip_edit_apply(ed, s->out, sizeof(s->out), len);
}

static int hss_proxy_forward(struct hss_sip *s, const struct hss_sip_req *req,
			     const struct hss_proxy_plan *p)
{
	char hostport[HSS_SIP_HOSTPORT_SIZE], branch[64], via[200];
	struct sockaddr_storage local;
	struct hss_sip_tx tx = {0};
	size_t len = 0;
	int ret;

	ret = hss_sip_pick_local(s, p->proto, &p->dst, req->rx, &local, hostport, sizeof(hostport));
	if (!ret)
		ret = hss_proxy_branch(s, req->msg, branch, sizeof(branch));
	if (ret)
		return ret;
	snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=%s",
		 p->proto == SIP_PROTO_TCP ? "TCP" : "UDP", hostport, branch);
	ret = hss_proxy_edit(s, req, p, via, &len);
	if (ret)
		return ret;
	tx.proto = p->proto;
	tx.local = p->proto == SIP_PROTO_UDP ? &local : NULL;
	tx.peer = &p->dst;
	s->stats.requests_forwarded++;
	log_debug("%.*s forwarded to %s", (int)req->msg->method_str.len, req->msg->method_str.s,
		  p->contact ? p->contact->uri : "the next hop");
	return hss_sip_transmit(s, &tx, len);
}

void hss_proxy_request(struct hss_sip *s, const struct hss_sip_req *req)
{
	struct hss_proxy_plan p;
	int status;

	memset(&p, 0, sizeof(p));
	status = hss_proxy_plan(s, req, &p);
	if (status < 0)
		return;
	if (status == 0) {
		status = hss_proxy_forward(s, req, &p) == 0 ? 0 : 500;
		p.reason = NULL;
	}
	if (status == 0)
		return;
	log_info("%.*s %.*s: %d %s", (int)req->msg->method_str.len, req->msg->method_str.s,
		 (int)req->msg->ruri.len, req->msg->ruri.s, status, p.reason ? p.reason : "");
	if (req->msg->method == SIP_METHOD_ACK) {
		s->stats.dropped++;
		return;
	}
	hss_sip_reply(s, req, status, p.reason);
}

/* ---- responses ---- */

/* Where the next Via says the response goes. */
static int hss_proxy_response_dest(const struct hss_sip_via *v, enum sip_proto *proto,
				   struct sockaddr_storage *dst)
{
	struct sip_str host = v->via.has_received ? v->via.received : v->via.host;
	uint32_t port = v->via.port ? v->via.port : 5060;

	if (sip_str_caseeq(v->via.transport, "UDP"))
		*proto = SIP_PROTO_UDP;
	else if (sip_str_caseeq(v->via.transport, "TCP"))
		*proto = SIP_PROTO_TCP;
	else
		return -EPROTONOSUPPORT;
	if (v->via.has_rport && v->via.rport.len &&
	    sip_hdr_uint_parse(v->via.rport.s, v->via.rport.len, 65535, &port) != 0)
		return -EINVAL;
	return sip_util_sockaddr_set(host.s, host.len, (uint16_t)port, dst);
}

void hss_proxy_response(struct hss_sip *s, const struct sip_transport_rx *rx,
			const struct sip_msg *msg)
{
	char hostport[HSS_SIP_HOSTPORT_SIZE];
	struct sockaddr_storage dst, local;
	struct hss_sip_via top, next;
	struct hss_sip_tx tx = {0};
	size_t len = 0;

	if (hss_sip_via_nth(msg, 0, &top) != 0 ||
	    top.via.branch.len < strlen(HSS_SIP_BRANCH_PREFIX) ||
	    strncmp(top.via.branch.s, HSS_SIP_BRANCH_PREFIX, strlen(HSS_SIP_BRANCH_PREFIX)) != 0) {
		log_info("response %d whose top Via is not ours: dropped", msg->status);
		s->stats.dropped++;
		return;
	}
	if (hss_sip_via_nth(msg, 1, &next) != 0 ||
	    hss_proxy_response_dest(&next, &tx.proto, &dst) != 0 ||
	    hss_sip_pick_local(s, tx.proto, &dst, rx, &local, hostport, sizeof(hostport)) != 0) {
		log_info("response %d with no usable second Via: dropped", msg->status);
		s->stats.dropped++;
		return;
	}
	sip_edit_reset(s->ed, msg);
	hss_sip_edit_remove_elem(s->ed, &top.e);
	hss_proxy_content_length(s->ed, msg);
	if (sip_edit_apply(s->ed, s->out, sizeof(s->out), &len) != 0) {
		s->stats.dropped++;
		return;
	}
	tx.local = tx.proto == SIP_PROTO_UDP ? &local : NULL;
	tx.peer = &dst;
	s->stats.responses_forwarded++;
	hss_sip_transmit(s, &tx, len);
}
