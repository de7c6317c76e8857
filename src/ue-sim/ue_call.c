/*
 * ue_call.c — the UE's requests other than REGISTER, and its answers to incoming requests.
 *
 * Routing (TS 24.229 §5.1.2A.1): a request outside a dialog carries Route = the P-CSCF's
 * URI with its protected server port (or its unprotected port, in clear), then the
 * Service-Route of the registration; with --scscf (no P-CSCF) only the Service-Route. A
 * request inside a dialog carries the dialog's route set and goes to its remote target.
 * Every request goes to the proxy: over the current SA set from our port-c to its port-s
 * when there is one. Answers go back the way the request came (ue_respond()).
 *
 * Incoming MESSAGE, OPTIONS, INVITE (180 then 200 with an SDP answer), re-INVITE and BYE
 * get 200; each prints an "in METHOD from URI" line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sip/sip_hdr.h"
#include "ue-sim/ue.h"
#include "ue-sim/ue_forge.h"

#define UE_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE"

/* What an outgoing request needs beyond the Via. */
struct ue_call_req {
	const char *method;
	const char *ruri;
	const char *to;	    /**< name-addr */
	const char *to_tag; /**< or NULL */
	const char *from;   /**< name-addr */
	const char *from_tag;
	const char *call_id;
	uint32_t cseq;
	const char *route;  /**< Route value, "" for none */
	const char *verify; /**< Security-Verify override (tamper-verify), or NULL */
	bool contact;	    /**< add our Contact */
	const char *ctype;  /**< Content-Type of the body, or NULL */
	const char *body;
	size_t body_len;
};

/* The Route of a request outside a dialog. */
static int ue_call_route(const struct ue *ue, const struct ue_path *path, char *buf, size_t size)
{
	const struct ue_reg *r = &ue->reg;
	char host[SIP_UTIL_ADDR_SIZE];
	size_t len = 0, i;
	int n = 0;

	buf[0] = '\0';
	if (!ue->sim->cfg.direct) {
		sip_util_host_format(&ue->sim->cfg.proxy, host, sizeof(host), true);
		n = snprintf(buf, size, "<sip:%s:%u;lr>", host,
			     path->sa ? path->sa->choice.port_s
				      : sip_util_sockaddr_port(&ue->sim->cfg.proxy));
		if (n < 0 || (size_t)n >= size)
			return -ENOSPC;
		len = (size_t)n;
	}
	for (i = 0; i < r->n_service_route; i++) {
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", r->service_route[i]);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return (int)len;
}

/* The SDP we offer and answer with: one audio stream, PCMU and telephone-event. */
static int ue_call_sdp(struct ue *ue, char *buf, size_t size)
{
	char host[SIP_UTIL_ADDR_SIZE];
	const char *ip = ue->addrs[ue->src].ss_family == AF_INET6 ? "IP6" : "IP4";
	int n;

	sip_util_host_format(&ue->addrs[ue->src], host, sizeof(host), false);
	n = snprintf(buf, size,
		     "v=0\r\no=%s 1 %u IN %s %s\r\ns=ue-sim\r\nc=IN %s %s\r\nt=0 0\r\n"
		     "m=audio %u RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
		     "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n",
		     ue->id.name, ++ue->sdp_version, ip, host, ip, host, ue->rtp_port);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static int ue_call_write(struct ue *ue, const struct ue_path *path, const struct ue_call_req *cr,
			 const char *branch, char *buf, size_t size)
{
	struct sip_util_request req = {.method = cr->method,
				       .ruri = cr->ruri,
				       .branch = branch,
				       .from = cr->from,
				       .from_tag = cr->from_tag,
				       .to = cr->to,
				       .to_tag = cr->to_tag,
				       .call_id = cr->call_id,
				       .cseq = cr->cseq,
				       .max_forwards = 70};
	char host[SIP_UTIL_ADDR_SIZE];
	struct sip_util_out o;

	sip_util_out_init(&o, buf, size);
	ue_out_request(ue, &o, path, &req);
	if (cr->route[0])
		sip_util_out_header(&o, "Route", "%s", cr->route);
	if (cr->contact)
		sip_util_out_header(&o, "Contact", "<sip:%s@%s:%u>", ue->id.name,
				    ue_host(ue, host, sizeof(host)), path->via_port);
	if (strcmp(cr->method, "ACK") != 0) {
		sip_util_out_header(&o, "P-Preferred-Identity", "<%s>", ue->id.impu);
		if (path->sa)
			ue_reg_secagree_headers(ue, &o, cr->verify ? cr->verify : path->sa->verify);
	}
	if (!strcmp(cr->method, "INVITE") || !strcmp(cr->method, "OPTIONS"))
		sip_util_out_header(&o, "Allow", UE_ALLOW);
	if (cr->ctype)
		sip_util_out_header(&o, "Content-Type", "%s", cr->ctype);
	return sip_util_out_finish(&o, cr->body, cr->body_len);
}

/* ---- the end of a step ---- */

static void ue_call_finish(struct ue *ue, int status, const char *reason, const char *detail)
{
	struct ue_callop *c = &ue->call;

	evloop_timer_cancel(ue->sim->loop, c->timer);
	c->timer = 0;
	if (c->txn)
		ue_txn_orphan(c->txn);
	c->txn = NULL;
	c->busy = false;
	ue_run_done(ue, status, reason, "%s", detail ? detail : "");
}

static void ue_call_timeout(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue *ue = arg;

	(void)loop;
	(void)id;
	ue->call.timer = 0;
	ue_call_finish(ue, 0, NULL, "no final response in time");
}

static void ue_call_unlink(struct ue *ue, struct ue_dialog *d)
{
	struct ue_dialog **pp;

	for (pp = &ue->dialogs; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	if (ue->last_dialog == d)
		ue->last_dialog = ue->dialogs;
	ue_dialog_free(d);
}

/*
 * The ACK of an INVITE's final response: in the dialog for a 2xx (@d), else in the
 * transaction (RFC 3261 §17.1.1.3): the request's Request-URI, Call-ID, From, Route and
 * branch, the response's To. A re-INVITE's request came from its dialog (ue->call.dialog).
 */
static void ue_call_ack(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp,
			const struct ue_dialog *d)
{
	char buf[UE_MSG_MAX], branch[SIP_UTIL_BRANCH_SIZE], from[UE_URI_MAX + 2];
	char to[UE_URI_MAX + 2], route[1024], tag[UE_DIALOG_STR_MAX];
	const struct ue_dialog *in = d ? d : ue->call.dialog;
	struct ue_callop *c = &ue->call;
	struct ue_call_req cr = {.method = "ACK",
				 .from = from,
				 .to = to,
				 .to_tag = tag,
				 .cseq = txn->cseq,
				 .route = route};
	struct sip_str t;
	int len;

	if (in) {
		snprintf(from, sizeof(from), "<%s>", in->local_uri);
		snprintf(to, sizeof(to), "<%s>", in->remote_uri);
		cr.ruri = in->remote_target, cr.from_tag = in->local_tag, cr.call_id = in->call_id;
	} else {
		snprintf(from, sizeof(from), "<%s>", ue->id.impu);
		snprintf(to, sizeof(to), "<%s>", c->ruri);
		cr.ruri = c->ruri, cr.from_tag = c->from_tag, cr.call_id = c->call_id;
	}
	if (d) {
		snprintf(tag, sizeof(tag), "%s", d->remote_tag);
		if (ue_dialog_route_value(d, route, sizeof(route)) < 0 ||
		    sip_util_branch(branch, sizeof(branch)) != 0)
			return;
	} else {
		if (sip_msg_to_tag(resp, &t) != 0 || t.len >= sizeof(tag))
			t.len = 0;
		snprintf(tag, sizeof(tag), "%.*s", (int)t.len, t.s);
		cr.to_tag = t.len ? tag : NULL;
		snprintf(route, sizeof(route), "%s", c->route);
		snprintf(branch, sizeof(branch), "%s", txn->branch);
	}
	len = ue_call_write(ue, &txn->path, &cr, branch, buf, sizeof(buf));
	if (len < 0)
		return;
	ue_send(ue, &txn->path, buf, (size_t)len);
	ue_txn_set_ack(txn, buf, (size_t)len);
}

/* A final response to an INVITE (call or re-INVITE) we sent. */
static void ue_call_invite_final(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp,
				 void *arg)
{
	struct ue_callop *c = &ue->call;
	struct ue_dialog *d = c->dialog;
	char status[80], detail[128] = "";

	(void)arg;
	if (!resp)
		return ue_call_finish(ue, 0, NULL, "no final response");
	ue_status_text(resp, status, sizeof(status));
	if (resp->status < 300 && !d) {
		char local[UE_URI_MAX];

		snprintf(local, sizeof(local), "%s", ue->id.impu);
		if (ue_dialog_uac_new(resp, local, c->from_tag, c->cseq, &d) == 0) {
			d->next = ue->dialogs;
			ue->dialogs = d;
			ue->last_dialog = d;
			snprintf(detail, sizeof(detail), "dialog %.60s", d->call_id);
		} else {
			snprintf(detail, sizeof(detail), "2xx without a usable Contact or To tag");
		}
	}
	ue_call_ack(ue, txn, resp, resp->status < 300 ? d : NULL);
	c->txn = NULL;
	ue_call_finish(ue, resp->status, status + 4, detail);
}

static void ue_call_plain_final(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp,
				void *arg)
{
	struct ue_callop *c = &ue->call;
	char status[80];

	(void)txn;
	(void)arg;
	c->txn = NULL;
	if (!resp)
		return ue_call_finish(ue, 0, NULL, "no final response");
	ue_status_text(resp, status, sizeof(status));
	if (c->kind == UE_STEP_HANGUP && c->dialog) {
		ue_call_unlink(ue, c->dialog);
		c->dialog = NULL;
	}
	ue_call_finish(ue, resp->status, status + 4, NULL);
}

static void ue_call_provisional(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp,
				void *arg)
{
	(void)txn;
	(void)arg;
	log_info("%s: %d on the way", ue->id.name, resp->status);
}

/* ---- starting a step ---- */

/* Fill what a request outside a dialog needs; the body is the step's. */
static int ue_call_new_request(struct ue *ue, const struct ue_step *step, const struct ue_path *p,
			       struct ue_call_req *cr, char *to, char *from, char *route,
			       size_t route_size)
{
	struct ue_callop *c = &ue->call;
	const char *uri = step->uri[0] ? step->uri : ue->id.impu;

	ue_token(c->call_id, sizeof(c->call_id), 20);
	ue_token(c->from_tag, sizeof(c->from_tag), 12);
	snprintf(c->ruri, sizeof(c->ruri), "%s", uri);
	c->cseq = 1;
	snprintf(to, UE_URI_MAX + 2, "<%s>", uri);
	snprintf(from, UE_URI_MAX + 2, "<%s>", ue->id.impu);
	if (ue_call_route(ue, p, route, route_size) < 0)
		return -ENOSPC;
	snprintf(c->route, sizeof(c->route), "%s", route);
	cr->ruri = c->ruri, cr->to = to, cr->from = from, cr->from_tag = c->from_tag;
	cr->call_id = c->call_id, cr->cseq = c->cseq, cr->route = route;
	return 0;
}

/* Another dialog of the UE than @d (the route set forge-route replay takes), or NULL. */
static const struct ue_dialog *ue_call_other_dialog(const struct ue *ue, const struct ue_dialog *d)
{
	const struct ue_dialog *o;

	for (o = ue->dialogs; o && o == d; o = o->next)
		;
	return o;
}

/* Fill what a request inside the UE's last dialog needs (its Route as forge-route says). */
static int ue_call_dialog_request(struct ue *ue, struct ue_dialog *d, struct ue_call_req *cr,
				  char *to, char *from, char *route, size_t route_size)
{
	int ret;

	snprintf(to, UE_URI_MAX + 2, "<%s>", d->remote_uri);
	snprintf(from, UE_URI_MAX + 2, "<%s>", d->local_uri);
	ret = ue_forge_route_value(ue->forge_route, d, ue_call_other_dialog(ue, d), route,
				   route_size);
	if (ret < 0)
		return ret;
	snprintf(ue->call.route, sizeof(ue->call.route), "%s", route); /* for a non-2xx ACK */
	ue->call.cseq = ++d->local_cseq;
	cr->ruri = d->remote_target, cr->to = to, cr->to_tag = d->remote_tag, cr->from = from;
	cr->from_tag = d->local_tag, cr->call_id = d->call_id, cr->cseq = d->local_cseq;
	cr->route = route;
	return 0;
}

/* Body, method and callbacks of each step. */
static int ue_call_prepare(struct ue *ue, const struct ue_step *step, struct ue_call_req *cr,
			   char *body, size_t body_size, char *verify, size_t verify_size)
{
	const struct ue_secset *sa = ue_reg_current_sa(ue);
	int n;

	switch (step->kind) {
	case UE_STEP_SEND:
	case UE_STEP_TAMPER_VERIFY:
		cr->method = step->method[0] ? step->method : "MESSAGE";
		if (strcmp(cr->method, "MESSAGE") == 0) {
			n = step->has_body
				    ? snprintf(body, body_size, "%s", step->body)
				    : snprintf(body, body_size, "hello from %s", ue->id.name);
			cr->ctype = "text/plain", cr->body = body, cr->body_len = (size_t)n;
		}
		if (step->kind == UE_STEP_TAMPER_VERIFY) {
			if (!sa ||
			    ue_secagree_tamper(&sa->server, &sa->choice, verify, verify_size) < 0)
				return -ENOTCONN;
			cr->verify = verify;
		}
		return 0;
	case UE_STEP_CALL:
	case UE_STEP_REINVITE:
		cr->method = "INVITE";
		cr->contact = true;
		n = ue_call_sdp(ue, body, body_size);
		if (n < 0)
			return n;
		cr->ctype = "application/sdp", cr->body = body, cr->body_len = (size_t)n;
		return 0;
	default: /* hangup */
		cr->method = "BYE";
		return 0;
	}
}

static void ue_call_launch(struct ue *ue, const struct ue_step *step)
{
	char to[UE_URI_MAX + 2], from[UE_URI_MAX + 2], route[1024], body[UE_STEP_BODY_MAX + 64];
	char verify[UE_VERIFY_MAX], buf[UE_MSG_MAX], branch[SIP_UTIL_BRANCH_SIZE];
	struct ue_callop *c = &ue->call;
	struct ue_call_req cr = {0};
	struct ue_path path;
	bool in_dialog = step->kind == UE_STEP_HANGUP || step->kind == UE_STEP_REINVITE;
	enum sip_method m;
	int len, ret;

	ue_path_request(ue, ue_reg_current_sa(ue),
			ue->reg.registered ? ue->reg.proto : ue->sim->cfg.proto, &path);
	ret = ue_call_prepare(ue, step, &cr, body, sizeof(body), verify, sizeof(verify));
	if (ret == -ENOTCONN)
		return ue_call_finish(ue, -1, NULL, "no SA set to tamper with (register first)");
	if (ret == 0)
		ret = in_dialog ? ue_call_dialog_request(ue, c->dialog, &cr, to, from, route,
							 sizeof(route))
				: ue_call_new_request(ue, step, &path, &cr, to, from, route,
						      sizeof(route));
	if (ret == -ENOENT)
		return ue_call_finish(ue, -1, NULL,
				      "forge-route: no route set to alter or replay, or no "
				      "wrapped key (sg-wk) in it");
	if (ret == 0)
		ret = sip_util_branch(branch, sizeof(branch));
	len = ret ? ret : ue_call_write(ue, &path, &cr, branch, buf, sizeof(buf));
	if (len < 0)
		return ue_call_finish(ue, -1, NULL, "cannot write the request");
	m = sip_msg_method_lookup(cr.method, strlen(cr.method));
	ret = ue_txn_start(ue, &path, branch, m, cr.cseq, buf, (size_t)len,
			   m == SIP_METHOD_INVITE ? ue_call_invite_final : ue_call_plain_final,
			   m == SIP_METHOD_INVITE ? ue_call_provisional : NULL, NULL, &c->txn);
	if (ret < 0)
		return ue_call_finish(ue, -1, NULL, strerror(-ret));
	if (step->ms)
		c->timer = evloop_timer_add(ue->sim->loop, step->ms, ue_call_timeout, ue);
}

int ue_call_write_new(struct ue *ue, const struct ue_step *step, const struct ue_path *path,
		      char *buf, size_t size)
{
	char to[UE_URI_MAX + 2], from[UE_URI_MAX + 2], route[1024], body[UE_STEP_BODY_MAX + 64];
	char verify[UE_VERIFY_MAX], branch[SIP_UTIL_BRANCH_SIZE];
	struct ue_step s = *step;
	struct ue_call_req cr = {0};
	int ret;

	s.kind = UE_STEP_SEND;
	ret = ue_call_prepare(ue, &s, &cr, body, sizeof(body), verify, sizeof(verify));
	if (ret == 0)
		ret = ue_call_new_request(ue, &s, path, &cr, to, from, route, sizeof(route));
	if (ret == 0)
		ret = sip_util_branch(branch, sizeof(branch));
	return ret ? ret : ue_call_write(ue, path, &cr, branch, buf, size);
}

void ue_call_step(struct ue *ue, const struct ue_step *step)
{
	struct ue_callop *c = &ue->call;

	if (!ue->sim->cfg.have_proxy)
		return ue_run_done(ue, -1, NULL, "no --pcscf or --scscf to send to");
	c->busy = true;
	c->kind = step->kind;
	c->dialog = NULL;
	if (step->kind == UE_STEP_HANGUP || step->kind == UE_STEP_REINVITE) {
		c->dialog = ue->last_dialog;
		if (!c->dialog)
			return ue_call_finish(ue, -1, NULL, "no call to act on");
	}
	ue_call_launch(ue, step);
}

/* ---- incoming requests ---- */

/* "in METHOD from URI[: body]" for the step output. */
static void ue_call_report(struct ue *ue, const struct sip_msg *req)
{
	struct sip_str v, body = sip_msg_body(req);
	struct sip_nameaddr na;
	char text[400], uri[UE_URI_MAX] = "?";
	size_t i, n = body.len < 200 ? body.len : 200, len;

	if (sip_msg_value_of(req, SIP_HDR_FROM, &v) == 0 &&
	    sip_hdr_nameaddr_parse(v.s, v.len, &na) == 0 && na.uri.len < sizeof(uri))
		snprintf(uri, sizeof(uri), "%.*s", (int)na.uri.len, na.uri.s);
	len = (size_t)snprintf(text, sizeof(text), "%.*s from %s", (int)req->method_str.len,
			       req->method_str.s, uri);
	if (req->method == SIP_METHOD_MESSAGE && n && len + n + 3 < sizeof(text)) {
		text[len++] = ':', text[len++] = ' ';
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)body.s[i];

			text[len++] = ch >= ' ' && ch < 127 ? (char)ch : ' ';
		}
		text[len] = '\0';
	}
	ue_run_incoming(ue, req->method, text);
}

/* Write and send a response; @sdp and @contact for answers to INVITEs. */
static void ue_call_answer(struct ue *ue, const struct sip_msg *req,
			   const struct sip_transport_rx *rx, int status, const char *tag,
			   bool dialog_headers)
{
	char buf[UE_MSG_MAX], sdp[512], host[SIP_UTIL_ADDR_SIZE];
	struct sip_util_out o;
	bool invite_ok = req->method == SIP_METHOD_INVITE && status == 200;
	int len = 0, i;

	sip_util_out_init(&o, buf, sizeof(buf));
	sip_util_response_start(&o, req, status, NULL, tag);
	if (dialog_headers) {
		for (i = sip_msg_find(req, SIP_HDR_RECORD_ROUTE, 0); i >= 0;
		     i = sip_msg_find(req, SIP_HDR_RECORD_ROUTE, (size_t)i + 1))
			sip_util_out_copy_header(&o, req, (size_t)i);
		sip_util_host_format(rx->local, host, sizeof(host), true);
		sip_util_out_header(&o, "Contact", "<sip:%s@%s:%u>", ue->id.name, host,
				    sip_util_sockaddr_port(rx->local));
	}
	if (status == 405 || req->method == SIP_METHOD_OPTIONS)
		sip_util_out_header(&o, "Allow", UE_ALLOW);
	if (invite_ok && (len = ue_call_sdp(ue, sdp, sizeof(sdp))) > 0)
		sip_util_out_header(&o, "Content-Type", "application/sdp");
	len = sip_util_out_finish(&o, invite_ok && len > 0 ? sdp : NULL,
				  invite_ok && len > 0 ? (size_t)len : 0);
	if (len > 0 && ue->forge_via && status >= 200) /* provisional answers stay honest */
		len = ue_forge_via_apply(buf, (size_t)len, sizeof(buf), ue->forge_via);
	if (len > 0)
		ue_respond(ue, req, rx, buf, (size_t)len, invite_ok);
	else
		log_warn("%s: cannot write a %d: %s", ue->id.name, status, strerror(-len));
}

static void ue_call_in_invite(struct ue *ue, const struct sip_msg *req,
			      const struct sip_transport_rx *rx)
{
	struct ue_dialog *d;
	struct sip_str tag;
	char local[32];

	if (sip_msg_to_tag(req, &tag) == 0) { /* a re-INVITE */
		d = ue_dialog_find(ue->dialogs, req);
		if (!d || ue_dialog_remote_request(d, req->cseq, false) != 0)
			return ue_call_answer(ue, req, rx, d ? 500 : 481, NULL, false);
		ue_call_report(ue, req);
		return ue_call_answer(ue, req, rx, 200, NULL, true);
	}
	ue_token(local, sizeof(local), 12);
	if (ue_dialog_uas_new(req, local, &d) != 0)
		return ue_call_answer(ue, req, rx, 400, local, false);
	d->next = ue->dialogs;
	ue->dialogs = d;
	ue->last_dialog = d;
	ue_call_report(ue, req);
	ue_call_answer(ue, req, rx, 180, local, true);
	ue_call_answer(ue, req, rx, 200, local, true);
}

void ue_call_incoming(struct ue *ue, const struct sip_msg *req, const struct sip_transport_rx *rx)
{
	struct ue_dialog *d;
	char tag[32];

	ue_token(tag, sizeof(tag), 12);
	switch (req->method) {
	case SIP_METHOD_ACK:
		return; /* the 2xx stopped repeating in ue_srv_acked() */
	case SIP_METHOD_INVITE:
		return ue_call_in_invite(ue, req, rx);
	case SIP_METHOD_BYE:
		d = ue_dialog_find(ue->dialogs, req);
		if (!d)
			return ue_call_answer(ue, req, rx, 481, tag, false);
		ue_call_report(ue, req);
		ue_call_unlink(ue, d);
		return ue_call_answer(ue, req, rx, 200, NULL, false);
	case SIP_METHOD_MESSAGE:
	case SIP_METHOD_OPTIONS:
		ue_call_report(ue, req);
		return ue_call_answer(ue, req, rx, 200, tag, false);
	case SIP_METHOD_CANCEL: /* every INVITE is answered at once: nothing left to cancel */
		return ue_call_answer(ue, req, rx, 200, tag, false);
	default:
		return ue_call_answer(ue, req, rx, 405, tag, false);
	}
}

void ue_call_free(struct ue *ue)
{
	struct ue_dialog *d;

	evloop_timer_cancel(ue->sim->loop, ue->call.timer);
	while ((d = ue->dialogs)) {
		ue->dialogs = d->next;
		ue_dialog_free(d);
	}
	ue->last_dialog = NULL;
}
