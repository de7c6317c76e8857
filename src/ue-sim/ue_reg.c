/*
 * ue_reg.c — registration as TS 24.229 §5.1.1 and TS 33.203 §7 describe it for the UE.
 *
 *   REGISTER (Security-Client, in clear to the P-CSCF's unprotected port)
 *     <- 401 (WWW-Authenticate AKAv1-MD5, Security-Server)
 *   [SQN out of range: REGISTER with auts=, in clear again <- 401 with a fresh vector]
 *   install our side of the new SA set, then
 *   REGISTER (Authorization with RES, Security-Verify = the server list) from our port-c to
 *   the P-CSCF's port-s over the new set
 *     <- 200 (Service-Route, P-Associated-URI, Contact expires)
 *
 * A re-registration goes over the current set and offers a new one (new SPIs, a new
 * port-c, the same port-s); if it is challenged, the new set is installed and used for the
 * second REGISTER, and the old set is deleted when the 200 arrives over the new one
 * (TS 33.203 §7.4). If it is not challenged, the current set stays. A de-registration
 * (Expires: 0) deletes every set on its 200. Without sec-agree (mech=none) the same
 * exchange runs in clear.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "sip/sip_hdr.h"
#include "ue-sim/ue.h"

#define UE_REG_MAX_ROUNDS 4 /* 401s answered in one operation */

static void ue_reg_send(struct ue *ue, const struct ue_secset *over, const struct ue_auth *answer);

static bool ue_reg_secagree(const struct ue *ue)
{
	return ue->reg.mech == UE_MECH_IPSEC_3GPP || ue->reg.mech == UE_MECH_IPSEC_MAN;
}

const struct ue_secset *ue_reg_current_sa(const struct ue *ue)
{
	return ue->reg.cur && ue->reg.cur->set ? ue->reg.cur : NULL;
}

void ue_reg_secagree_headers(const struct ue *ue, struct sip_util_out *o, const char *verify)
{
	(void)ue;
	if (verify)
		sip_util_out_header(o, "Security-Verify", "%s", verify);
	sip_util_out_header(o, "Require", "sec-agree");
	sip_util_out_header(o, "Proxy-Require", "sec-agree");
}

/*
 * Give up a set: its sockets, its TCP connections (closed while the SAs still carry their
 * FINs), its kernel objects, its memory. @linger keeps the SAs for UE_LINGER_MS after the
 * FINs, for a set replaced while the P-CSCF still has it: its answering FIN then comes back
 * protected too.
 */
static void ue_reg_drop(struct ue *ue, struct ue_secset **pss, bool linger)
{
	struct ue_secset *ss = *pss;

	if (!ss)
		return;
	if (ss->set) {
		ue_unlisten_port(ue, ss->offer.port_c);
		ue_unlisten_port(ue, ss->offer.port_s);
	}
	ue_ipsec_retire(ue, ss, linger);
	*pss = NULL;
}

/*
 * A new offer for the pending set: fresh SPIs and both ports other than the current set's.
 * TS 33.203 §7.4 wants the new SAs told apart from the old ones by their selectors; with a
 * P-CSCF whose protected ports are fixed (as ours are), only new ports on our side do that.
 */
static int ue_reg_new_offer(struct ue *ue)
{
	struct ue_secset *ss = calloc(1, sizeof(*ss));
	struct ue_reg *r = &ue->reg;
	bool shift = r->cur && r->cur->offer.port_c == ue->port_c;

	if (!ss)
		return -ENOMEM;
	ss->offer = r->offer_tmpl;
	ss->offer.mech =
		r->mech == UE_MECH_IPSEC_MAN ? SECAGREE_MECH_IPSEC_MAN : SECAGREE_MECH_IPSEC_3GPP;
	ss->offer.spi_c = ue_ipsec_spi(ue->sim);
	ss->offer.spi_s = ue_ipsec_spi(ue->sim);
	ss->offer.port_c = (uint16_t)(ue->port_c + (shift ? 2 : 0));
	ss->offer.port_s = (uint16_t)(ue->port_s + (shift ? 2 : 0));
	ue_reg_drop(ue, &r->pending, false);
	r->pending = ss;
	return 0;
}

/* ---- the end of an operation ---- */

static void ue_reg_start(struct ue *ue, const struct ue_step *step, enum ue_reg_kind kind);

__attribute__((format(printf, 4, 5))) static void
ue_reg_finish(struct ue *ue, int status, const char *reason, const char *fmt, ...)
{
	struct ue_reg *r = &ue->reg;
	const struct ue_step *next = r->deferred;
	enum ue_reg_kind kind = r->kind;
	char detail[256] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ue_reg_drop(ue, &r->pending, false);
	r->busy = false;
	r->deferred = NULL;
	if (kind == UE_REG_REFRESH)
		log_info("%s: refresh: %d %s %s", ue->id.name, status, reason ? reason : "",
			 detail);
	else
		ue_run_done(ue, status, reason, "%s", detail);
	if (next)
		ue_reg_step(ue, next);
}

static void ue_reg_refresh(struct evloop *loop, uint64_t id, void *arg);

/* TS 24.229 §5.1.1.4.1: 600 s before expiry, or at half time for short registrations. */
static void ue_reg_schedule(struct ue *ue)
{
	struct ue_reg *r = &ue->reg;
	uint64_t s = r->expires > 1200 ? r->expires - 600 : r->expires / 2;

	evloop_timer_cancel(ue->sim->loop, r->refresh_timer);
	r->refresh_timer = 0;
	if (r->registered && r->expires && ue->sim->cfg.refresh)
		r->refresh_timer =
			evloop_timer_add(ue->sim->loop, s ? s * 1000 : 500, ue_reg_refresh, ue);
}

static void ue_reg_refresh(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue *ue = arg;

	(void)id;
	ue->reg.refresh_timer = 0;
	if (ue->reg.busy) {
		ue->reg.refresh_timer = evloop_timer_add(loop, 1000, ue_reg_refresh, ue);
		return;
	}
	ue_reg_start(ue, NULL, UE_REG_REFRESH);
}

/* ---- the 200 ---- */

/* Copy every element of every header @id into @out (at most @max). */
static size_t ue_reg_elements(const struct sip_msg *msg, enum sip_hdr_id id, char out[][UE_URI_MAX],
			      size_t max)
{
	struct sip_hdr_iter it;
	struct sip_str v, elem;
	size_t n = 0;
	int i;

	for (i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while (n < max && sip_hdr_list_next(&it, &elem, NULL) == 1)
			if (elem.len < UE_URI_MAX)
				snprintf(out[n++], UE_URI_MAX, "%.*s", (int)elem.len, elem.s);
	}
	return n;
}

/* The expiry granted: our Contact's expires=, else Expires, else what we asked for. */
static uint32_t ue_reg_granted(const struct ue *ue, const struct sip_msg *resp)
{
	const struct ue_reg *r = &ue->reg;
	const struct ue_secset *bound = r->pending && r->pending->set ? r->pending : r->cur;
	char contacts[8][UE_URI_MAX], host[SIP_UTIL_ADDR_SIZE + 8];
	size_t n = ue_reg_elements(resp, SIP_HDR_CONTACT, contacts, 8), i, len;
	struct sip_nameaddr na;
	struct sip_str v;
	uint32_t e;

	ue_host(ue, host, SIP_UTIL_ADDR_SIZE);
	len = strlen(host);
	snprintf(host + len, sizeof(host) - len, ":%u",
		 ue_reg_secagree(ue) && bound ? bound->offer.port_s : ue->port);
	for (i = 0; i < n; i++)
		if (sip_hdr_nameaddr_parse(contacts[i], strlen(contacts[i]), &na) == 0 &&
		    na.has_expires && memmem(na.uri.s, na.uri.len, host, strlen(host)) &&
		    sip_hdr_uint_parse(na.expires.s, na.expires.len, 1u << 31, &e) == 0)
			return e;
	if (sip_msg_value_of(resp, SIP_HDR_EXPIRES, &v) == 0 &&
	    sip_hdr_uint_parse(v.s, v.len, 1u << 31, &e) == 0)
		return e;
	return ue->reg.req_expires;
}

/* What the step line says about the registration's SAs. */
static void ue_reg_describe(const struct ue *ue, bool not_challenged, char *buf, size_t size)
{
	const struct ue_secset *ss = ue->reg.cur;

	if (!ue_reg_secagree(ue) || !ss || !ss->set) {
		snprintf(buf, size, "no IPsec, expires %u%s", ue->reg.expires,
			 ue->reg.resynced ? ", AKA resync" : "");
		return;
	}
	snprintf(buf, size, "reqid 0x%08x, alg %s, ealg %s, prefix %u, expires %u%s%s",
		 xfrm_set_reqid(ss->set), ipsec_integ_name(ss->choice.alg),
		 ipsec_encr_name(ss->choice.ealg), xfrm_set_params(ss->set)->ue_prefix_len,
		 ue->reg.expires, ue->reg.resynced ? ", AKA resync" : "",
		 not_challenged ? ", not challenged: SAs kept" : "");
}

static void ue_reg_ok(struct ue *ue, const struct sip_msg *resp)
{
	struct ue_reg *r = &ue->reg;
	char detail[256], status[80];
	bool not_challenged = r->pending && !r->pending->set;

	ue_status_text(resp, status, sizeof(status));
	r->expires = r->req_expires ? ue_reg_granted(ue, resp) : 0;
	if (r->expires == 0) {
		r->registered = false;
		ue_reg_drop(ue, &r->cur, false);
		ue_reg_schedule(ue);
		ue_reg_finish(ue, resp->status, status + 4, "SAs deleted");
		return;
	}
	r->n_service_route =
		ue_reg_elements(resp, SIP_HDR_SERVICE_ROUTE, r->service_route, UE_MAX_ROUTES);
	if (ue_reg_elements(resp, SIP_HDR_P_ASSOCIATED_URI, &r->assoc_uri, 1) == 0)
		r->assoc_uri[0] = '\0';
	r->registered = true;
	r->expires_at = evloop_now_ms(ue->sim->loop) + (uint64_t)r->expires * 1000;
	if (r->pending && r->pending->set) {
		/* the 200 came over the new set: it is in use, the old one goes */
		ue_reg_drop(ue, &r->cur, true);
		r->cur = r->pending;
		r->pending = NULL;
		if (ue->sim->xfrm)
			xfrm_set_extend(ue->sim->xfrm, r->cur->set, r->expires + 60);
	}
	ue_reg_schedule(ue);
	ue_reg_describe(ue, not_challenged, detail, sizeof(detail));
	ue_reg_finish(ue, resp->status, status + 4, "%s", detail);
}

/* ---- the 401 ---- */

/* CK and IK are in the kernel's SAs now (or never needed): only RES is kept, for the
 * Authorization of later re-REGISTERs. */
static void ue_reg_forget_keys(struct ue_reg *r)
{
	OPENSSL_cleanse(r->auth.resp.ck, sizeof(r->auth.resp.ck));
	OPENSSL_cleanse(r->auth.resp.ik, sizeof(r->auth.resp.ik));
}

/* The first AKAv1-MD5 challenge of the 401. */
static int ue_reg_find_challenge(const struct sip_msg *resp, struct ue_challenge *ch, char *why,
				 size_t why_size)
{
	struct sip_str v;
	int i, ret = -ENOENT;

	snprintf(why, why_size, "401 without WWW-Authenticate");
	for (i = sip_msg_find(resp, SIP_HDR_WWW_AUTHENTICATE, 0); i >= 0;
	     i = sip_msg_find(resp, SIP_HDR_WWW_AUTHENTICATE, (size_t)i + 1)) {
		v = sip_msg_hdr_value(resp, (size_t)i);
		ret = ue_auth_parse_challenge(v.s, v.len, ch, why, why_size);
		if (ret == 0)
			return 0;
	}
	return ret;
}

/* Security-Server: the parsed list and the value to repeat in Security-Verify. */
static int ue_reg_server_list(const struct sip_msg *resp, struct ue_secset *ss, char *why,
			      size_t why_size)
{
	struct secagree_error err;
	size_t len = 0, k;
	struct sip_str v;
	int i, n = 0, ret;

	for (i = sip_msg_find(resp, SIP_HDR_SECURITY_SERVER, 0); i >= 0;
	     i = sip_msg_find(resp, SIP_HDR_SECURITY_SERVER, (size_t)i + 1), n++) {
		v = sip_msg_hdr_value(resp, (size_t)i);
		ret = n ? secagree_parse_append(v.s, v.len, &ss->server, &err)
			: secagree_parse(v.s, v.len, &ss->server, &err);
		if (ret) {
			snprintf(why, why_size, "bad Security-Server: %s", err.reason);
			return ret;
		}
		if (len + v.len + 3 > sizeof(ss->verify)) {
			snprintf(why, why_size, "Security-Server too long to repeat");
			return -E2BIG;
		}
		len += (size_t)snprintf(ss->verify + len, sizeof(ss->verify) - len, "%s%.*s",
					n ? ", " : "", (int)v.len, v.s);
	}
	if (n == 0) {
		snprintf(why, why_size, "401 without Security-Server");
		return -ENOENT;
	}
	for (k = 0; k < len; k++) /* a folded value: its line breaks become spaces */
		if (ss->verify[k] == '\r' || ss->verify[k] == '\n' || ss->verify[k] == '\t')
			ss->verify[k] = ' ';
	return 0;
}

/* Agree on the pending set, open its ports and install our side of it. */
static int ue_reg_install(struct ue *ue, const struct sip_msg *resp, char *why, size_t why_size)
{
	struct ue_secset *ss = ue->reg.pending;
	const struct ue_auth *a = &ue->reg.auth;
	int ret;

	if (!ss) {
		snprintf(why, why_size, "no offer to agree on");
		return -EINVAL;
	}
	ret = ue_reg_server_list(resp, ss, why, why_size);
	if (ret == 0)
		ret = ue_secagree_pick(&ss->offer, &ss->server, &ss->choice, why, why_size);
	if (ret == 0 && ue->reg.tamper &&
	    ue_secagree_tamper(&ss->server, &ss->choice, ss->verify, sizeof(ss->verify)) < 0) {
		snprintf(why, why_size, "cannot write a tampered Security-Verify");
		ret = -EINVAL;
	}
	if (ret)
		return ret;
	/* The ports are held exactly as long as the set is installed (see ue_reg_drop). */
	ret = ue_listen_port(ue, ss->offer.port_c, false);
	if (ret == 0 && (ret = ue_listen_port(ue, ss->offer.port_s, true)) != 0)
		ue_unlisten_port(ue, ss->offer.port_c);
	if (ret) {
		snprintf(why, why_size, "cannot open the protected ports %u/%u: %s",
			 ss->offer.port_c, ss->offer.port_s, strerror(-ret));
		return ret;
	}
	ret = ue_ipsec_install(ue, ss, a->resp.ck, a->resp.ik, ue->reg.req_expires + 60, why,
			       why_size);
	if (ret) {
		ue_unlisten_port(ue, ss->offer.port_c);
		ue_unlisten_port(ue, ss->offer.port_s);
	}
	return ret;
}

static void ue_reg_challenge(struct ue *ue, const struct sip_msg *resp)
{
	struct ue_reg *r = &ue->reg;
	struct ue_challenge ch;
	char why[200], uri[UE_URI_MAX + 8];
	int ret;

	if (ue_reg_find_challenge(resp, &ch, why, sizeof(why)) != 0)
		return ue_reg_finish(ue, -1, NULL, "%s", why);
	if (r->pending && r->pending->set) /* challenged again after the protected REGISTER */
		return ue_reg_finish(ue, resp->status, "Unauthorized",
				     "challenged again over the new SAs");
	snprintf(uri, sizeof(uri), "sip:%s", ue->id.domain);
	ue_auth_wipe(&r->auth);
	ret = ue_auth_run(&ue->id, &ch, uri, "REGISTER", &r->auth);
	r->have_auth = ret == AKA_OK;
	if (ret == AKA_MAC_FAILURE)
		return ue_reg_finish(ue, -1, NULL,
				     "AKA: MAC failure, the network is not authentic");
	if (ret == AKA_SYNC_FAILURE && r->resynced)
		return ue_reg_finish(ue, -1, NULL, "AKA: SQN still out of range after a resync");
	if (ret < 0)
		return ue_reg_finish(ue, -1, NULL, "AKA: %s", strerror(-ret));
	r->challenged = true;
	if (ret == AKA_SYNC_FAILURE) {
		r->resynced = true;
		log_info("%s: SQN out of range (SQN_MS %012llx): answering with AUTS", ue->id.name,
			 (unsigned long long)ue->id.sqn.sqn_ms);
		return ue_reg_send(ue, r->op_sa, &r->auth);
	}
	if (!ue_reg_secagree(ue)) {
		ue_reg_forget_keys(r);
		return ue_reg_send(ue, r->op_sa, &r->auth);
	}
	ret = ue_reg_install(ue, resp, why, sizeof(why));
	ue_reg_forget_keys(r);
	if (ret != 0)
		return ue_reg_finish(ue, -1, NULL, "%s", why);
	ue_reg_send(ue, r->pending, &r->auth);
}

static void ue_reg_final(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp, void *arg)
{
	struct ue_reg *r = &ue->reg;
	char status[80];

	(void)txn;
	(void)arg;
	if (!resp)
		return ue_reg_finish(ue, 0, NULL, "no final response");
	if (resp->status == 401 && ++r->rounds < UE_REG_MAX_ROUNDS)
		return ue_reg_challenge(ue, resp);
	if (resp->status >= 200 && resp->status < 300)
		return ue_reg_ok(ue, resp);
	ue_status_text(resp, status, sizeof(status));
	ue_reg_finish(ue, resp->status, status + 4, "%s",
		      r->pending && r->pending->set ? "new SAs deleted" : "");
}

/* ---- sending ---- */

/* The Authorization of the REGISTER: an answer, the last credentials again, or empty ones. */
static int ue_reg_authorization(struct ue *ue, const struct ue_auth *answer, const char *uri,
				char *buf, size_t size)
{
	struct ue_reg *r = &ue->reg;

	if (answer)
		return ue_auth_header(&ue->id, answer, uri, buf, size);
	if (r->kind != UE_REG_INITIAL && r->have_auth &&
	    ue_auth_next(&ue->id, uri, "REGISTER", &r->auth) == 0)
		return ue_auth_header(&ue->id, &r->auth, uri, buf, size);
	return ue_auth_initial_header(&ue->id, uri, buf, size);
}

/* Contact: the protected server port of the set the REGISTER is bound to (TS 24.229
 * §5.1.1.4.1); when it replaces the current set, the old contact goes (expires=0). */
static void ue_reg_contact(struct ue *ue, struct sip_util_out *o, const struct ue_path *path)
{
	const struct ue_reg *r = &ue->reg;
	const struct ue_secset *bound = path->sa ? path->sa : r->pending;
	char host[SIP_UTIL_ADDR_SIZE];

	ue_host(ue, host, sizeof(host));
	if (!ue_reg_secagree(ue) || !bound) {
		sip_util_out_header(o, "Contact", "<sip:%s@%s:%u>", ue->id.name, host, ue->port);
		return;
	}
	if (r->cur && bound != r->cur && r->cur->offer.port_s != bound->offer.port_s &&
	    r->req_expires)
		sip_util_out_header(o, "Contact", "<sip:%s@%s:%u>, <sip:%s@%s:%u>;expires=0",
				    ue->id.name, host, bound->offer.port_s, ue->id.name, host,
				    r->cur->offer.port_s);
	else
		sip_util_out_header(o, "Contact", "<sip:%s@%s:%u>", ue->id.name, host,
				    bound->offer.port_s);
}

static int ue_reg_write(struct ue *ue, const struct ue_path *path, const struct ue_auth *answer,
			char *branch, char *buf, size_t size)
{
	struct ue_reg *r = &ue->reg;
	char ruri[UE_URI_MAX + 8], party[UE_URI_MAX + 2], authz[1024], offer[1024];
	struct sip_util_request req = {.method = "REGISTER",
				       .ruri = ruri,
				       .branch = branch,
				       .from = party,
				       .from_tag = r->from_tag,
				       .to = party,
				       .call_id = r->call_id,
				       .cseq = ++r->cseq,
				       .max_forwards = 70};
	char tampered[UE_VERIFY_MAX];
	const char *verify = path->sa ? path->sa->verify : NULL;
	struct sip_util_out o;
	bool sa = ue_reg_secagree(ue);

	/* tamper-verify over the current set: its first REGISTER already carries the lie (a
	 * new set's list is altered when it is agreed, see ue_reg_install) */
	if (r->tamper && path->sa && path->sa == r->cur) {
		if (ue_secagree_tamper(&r->cur->server, &r->cur->choice, tampered,
				       sizeof(tampered)) < 0)
			return -EINVAL;
		verify = tampered;
	}
	snprintf(ruri, sizeof(ruri), "sip:%s", ue->id.domain);
	snprintf(party, sizeof(party), "<%s>", ue->id.impu);
	if (sip_util_branch(branch, SIP_UTIL_BRANCH_SIZE) != 0 ||
	    ue_reg_authorization(ue, answer, ruri, authz, sizeof(authz)) < 0 ||
	    (sa && ue_secagree_offer(&r->pending->offer, offer, sizeof(offer)) < 0))
		return -EINVAL;
	sip_util_out_init(&o, buf, size);
	ue_out_request(ue, &o, path, &req);
	ue_reg_contact(ue, &o, path);
	sip_util_out_header(&o, "Expires", "%u", r->req_expires);
	sip_util_out_header(&o, "Authorization", "%s", authz);
	sip_util_out_header(&o, "Supported", sa ? "path, sec-agree" : "path");
	if (sa) {
		sip_util_out_header(&o, "Security-Client", "%s", offer);
		ue_reg_secagree_headers(ue, &o, verify);
	}
	return sip_util_out_finish(&o, NULL, 0);
}

static void ue_reg_send(struct ue *ue, const struct ue_secset *over, const struct ue_auth *answer)
{
	char buf[UE_MSG_MAX], branch[SIP_UTIL_BRANCH_SIZE];
	struct ue_path path;
	int len, ret;

	if (ue_reg_secagree(ue) && !ue->reg.pending && (ret = ue_reg_new_offer(ue)) != 0)
		return ue_reg_finish(ue, -1, NULL, "%s", strerror(-ret));
	ue_path_request(ue, over, ue->reg.proto, &path);
	len = ue_reg_write(ue, &path, answer, branch, buf, sizeof(buf));
	if (len < 0)
		return ue_reg_finish(ue, -1, NULL, "cannot write the REGISTER");
	ret = ue_txn_start(ue, &path, branch, SIP_METHOD_REGISTER, ue->reg.cseq, buf, (size_t)len,
			   ue_reg_final, NULL, NULL, NULL);
	if (ret < 0)
		ue_reg_finish(ue, -1, NULL, "cannot send the REGISTER: %s", strerror(-ret));
}

/* ---- starting ---- */

static void ue_reg_start(struct ue *ue, const struct ue_step *step, enum ue_reg_kind kind)
{
	struct ue_reg *r = &ue->reg;

	r->busy = true;
	r->kind = kind;
	r->tamper = step && step->kind == UE_STEP_TAMPER_VERIFY;
	r->resynced = r->challenged = false;
	r->rounds = 0;
	if (kind == UE_REG_DE)
		r->req_expires = 0;
	else if (step && step->expires >= 0)
		r->req_expires = (uint32_t)step->expires;
	else if (kind == UE_REG_INITIAL || !r->req_expires)
		r->req_expires = ue->sim->cfg.expires;
	ue_token(r->from_tag, sizeof(r->from_tag), 12);
	ue_reg_drop(ue, &r->pending, false);
	r->op_sa = kind == UE_REG_INITIAL ? NULL : ue_reg_current_sa(ue);
	ue_reg_send(ue, r->op_sa, NULL);
}

/* A register step's choices over the process defaults. */
static void ue_reg_options(struct ue *ue, const struct ue_step *step)
{
	const struct uesim_config *cfg = &ue->sim->cfg;
	struct ue_reg *r = &ue->reg;

	r->mech = step->mech != UE_MECH_DEFAULT ? step->mech : cfg->mech;
	r->proto = step->transport ? (enum sip_proto)step->transport : cfg->proto;
	r->offer_tmpl = cfg->offer;
	if (step->n_algs) {
		memcpy(r->offer_tmpl.algs, step->algs, sizeof(step->algs));
		r->offer_tmpl.n_algs = step->n_algs;
	}
	if (step->n_ealgs) {
		memcpy(r->offer_tmpl.ealgs, step->ealgs, sizeof(step->ealgs));
		r->offer_tmpl.n_ealgs = step->n_ealgs;
	}
	if (step->prefix)
		r->offer_tmpl.prefix_len = step->prefix;
}

void ue_reg_step(struct ue *ue, const struct ue_step *step)
{
	struct ue_reg *r = &ue->reg;
	bool initial = step->kind == UE_STEP_REGISTER ||
		       (step->kind == UE_STEP_TAMPER_VERIFY && !r->registered);

	if (!ue->sim->cfg.have_proxy)
		return ue_run_done(ue, -1, NULL, "no --pcscf or --scscf to register with");
	if (r->busy) { /* our own refresh is running: this step follows it */
		r->deferred = step;
		return;
	}
	if (!initial && !r->registered)
		return ue_run_done(ue, -1, NULL, "not registered");
	if (initial)
		ue_reg_options(ue, step);
	if (step->kind == UE_STEP_TAMPER_VERIFY && !ue_reg_secagree(ue))
		return ue_run_done(ue, -1, NULL, "tamper-verify needs sec-agree (mech is none)");
	ue_reg_start(ue, step,
		     initial				? UE_REG_INITIAL
		     : step->kind == UE_STEP_DEREGISTER ? UE_REG_DE
							: UE_REG_RE);
}

void ue_reg_free(struct ue *ue)
{
	struct ue_reg *r = &ue->reg;

	evloop_timer_cancel(ue->sim->loop, r->refresh_timer);
	evloop_timer_cancel(ue->sim->loop, r->linger_timer);
	r->refresh_timer = r->linger_timer = 0;
	while (r->lingering) {
		struct ue_secset *ss = r->lingering;

		r->lingering = ss->next;
		free(ss);
	}
	free(r->pending);
	free(r->cur);
	r->pending = r->cur = NULL;
	ue_auth_wipe(&r->auth);
}
