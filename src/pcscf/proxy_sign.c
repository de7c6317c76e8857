/*
 * proxy_sign.c — Via and Record-Route signing on the UE side (doc/signing.md), when
 * pcscf.conf says "signing ROTATE KEEP": what proxy.c and fwd.c call at each step.
 *
 * Towards a UE: our Via gets sg-v (fwd.c); a dialog-creating request gets sg-rs (callee
 * route set) and sg-rr on our access-side Record-Route entry; an in-dialog request with a
 * Contact gets sg-tg; a dialog-creating response to an originating UE gets sg-rs on our
 * entry (caller route set), a 2xx of a target refresh gets sg-tg.
 * From a UE: responses must carry our sg-v (and sg-rr, removed here, on a 101-299 response
 * to a request we signed it on) or are dropped; in-dialog requests must carry sg-rs in
 * their first Route entry or get 403 (ACK: dropped), at most PROXY_SIGN_403_PER_S a second.
 *
 * Keys live only in this process for now: a restart makes new ones, so the dialogs of
 * before get 403 on their next request (the state layer will persist them, encrypted).
 * With "signing-pool-key" the ring gets the pool key when it is made, and route-set and
 * target signatures carry the signing key wrapped under it, for the other members.
 */
#include "pcscf/pcscf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

/** Most failed checks a second that are logged and, for requests, answered 403 (the rest
 * are only counted and dropped). */
#define PROXY_SIGN_403_PER_S 20

/*
 * Signing asks for the time several times per message (key tick, sign, verify), and
 * time() is a system call wherever the vDSO does not serve it: under user-mode Linux each
 * call costs 100-300 us, which was most of what signing cost. Key lifetimes are hours and
 * a wrapped key's skew allowance minutes, so a value read once per second of the event
 * loop's monotonic clock is precise enough; a step of the wall clock shows within a second.
 */
uint64_t proxy_sign_now(struct pcscf *p)
{
	if (!p->sign_wall_s || p->now_ms < p->sign_wall_ms || p->now_ms - p->sign_wall_ms >= 1000) {
		p->sign_wall_s = (uint64_t)time(NULL);
		p->sign_wall_ms = p->now_ms;
	}
	return p->sign_wall_s;
}

struct sign_ring *proxy_sign_ring(struct pcscf *p)
{
	struct sign_ring_config cfg = {p->cfg.sign_rotate_s, p->cfg.sign_keep_s};
	int ret;

	if (!cfg.rotate_s)
		return NULL;
	if (!p->sign && !(p->sign = sign_ring_new(&cfg))) {
		log_warn_errno("signing keys (rotate %u s, keep %u s)", cfg.rotate_s, cfg.keep_s);
		return NULL;
	}
	if (p->cfg.sign_pool) {
		/* The ring keeps its own copy: ours goes now (no key yet, nothing to wrap). */
		p->cfg.sign_pool = false;
		sign_ring_set_pool_key(p->sign, p->cfg.sign_pool_key);
		explicit_bzero(p->cfg.sign_pool_key, sizeof(p->cfg.sign_pool_key));
	}
	ret = sign_ring_tick(p->sign, proxy_sign_now(p));
	if (ret < 0)
		log_warn_ret(ret, "signing key rotation");
	else if (ret > 0)
		log_info("signing key %08x now signs (%zu keys kept)",
			 sign_ring_current_id(p->sign), sign_ring_count(p->sign));
	return p->sign;
}

int proxy_sign_record_route(struct pcscf *p, const struct sip_msg *msg, const char *access,
			    const char *core, char *rr, size_t size)
{
	char own[SIP_UTIL_ADDR_SIZE + 16], rs[SIGN_PARAM_MAX], sig[SIGN_PARAM_MAX];
	struct sign_ring *ring = proxy_sign_ring(p);
	struct sip_str below;
	uint64_t now = proxy_sign_now(p);
	int n;

	n = snprintf(own, sizeof(own), "sip:%s;lr", core);
	below.s = own, below.len = (size_t)n;
	if (!ring || sign_route_callee(ring, msg, &below, 1, now, rs, sizeof(rs)) < 0 ||
	    sign_rr(ring, msg, &below, 1, now, sig, sizeof(sig)) < 0)
		return -EINVAL;
	n = snprintf(rr, size, "<sip:%s;lr%s>%s, <%s>", access, rs, sig, own);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int proxy_sign_refresh(struct pcscf *p, const struct sip_msg *msg)
{
	struct sign_ring *ring = proxy_sign_ring(p);
	struct sip_str tag;

	if (!ring || sip_msg_to_tag(msg, &tag) < 0 || sip_msg_find(msg, SIP_HDR_CONTACT, 0) < 0)
		return 0;
	return sign_target(ring, p->ed, msg, proxy_sign_now(p));
}

/*
 * Count a failed check; log it while this second has seen fewer than PROXY_SIGN_403_PER_S
 * (then warn once): a UE sending forgeries must not flood the log, nor get its 403s.
 * Returns whether the failure is within that rate.
 */
static bool proxy_sign_failed(struct pcscf *p, const struct pcscf_in *in, enum sign_result r,
			      const char *what, uint64_t now)
{
	char addr[INET6_ADDRSTRLEN];

	p->st.sign_checks[r]++;
	if (p->sign_fail_s != now)
		p->sign_fail_s = now, p->sign_fail_n = 0;
	if (p->sign_fail_n >= PROXY_SIGN_403_PER_S) {
		if (p->sign_fail_n++ == PROXY_SIGN_403_PER_S)
			log_warn("more than %d failed signature checks a second",
				 PROXY_SIGN_403_PER_S);
		return false;
	}
	p->sign_fail_n++;
	log_info("%s from %s: signature %s", what, xfrm_addr_str(&in->src, addr, sizeof(addr)),
		 sign_result_name(r));
	return true;
}

bool proxy_sign_check_request(struct pcscf *p, const struct pcscf_in *in)
{
	struct sign_ring *ring = proxy_sign_ring(p);
	uint64_t now = proxy_sign_now(p);
	enum sign_result r;
	struct sip_str tag;

	if (!ring || sip_msg_to_tag(in->msg, &tag) < 0)
		return true;
	r = sign_route_verify(ring, in->msg, now, p->ed);
	if (r == SIGN_OK) {
		p->st.sign_checks[SIGN_OK]++;
		return true;
	}
	if (!proxy_sign_failed(p, in, r, "in-dialog request", now)) {
		if (in->msg->method != SIP_METHOD_ACK)
			p->st.sign_403_limited++;
		return false;
	}
	if (in->msg->method != SIP_METHOD_ACK) /* an ACK is never answered */
		fwd_reply(p, in, 403, "Forbidden: route set not verified");
	return false;
}

bool proxy_sign_check_response(struct pcscf *p, const struct pcscf_in *in, const struct txn *x)
{
	struct sign_ring *ring = x->sign ? proxy_sign_ring(p) : NULL;
	const struct sip_msg *msg = in->msg;
	uint64_t now = proxy_sign_now(p);
	struct sip_str param, tag;
	enum sign_result r = SIGN_OK;
	bool dialog;

	if (!ring)
		return !x->sign; /* signed, but the keys are gone: nothing can verify */
	/* A response that establishes the dialog must carry our Record-Route back (RFC 3261
	 * §12.1.1): without it the other side's requests would bypass us. */
	dialog = (x->sign & TXN_SIGN_RR) && msg->status > 100 && msg->status < 300 &&
		 sip_msg_to_tag(msg, &tag) == 0;
	if (x->sign & TXN_SIGN_VIA)
		r = sign_via_verify(ring, msg, now);
	if (r == SIGN_OK && dialog)
		r = sign_rr_verify(ring, msg, now, &param);
	if (r != SIGN_OK) {
		proxy_sign_failed(p, in, r, "response", now);
		return false;
	}
	p->st.sign_checks[SIGN_OK]++;
	return !dialog || sip_edit_remove_span(p->ed, param.s, param.len) == 0;
}

int proxy_sign_response_to_ue(struct pcscf *p, const struct sip_msg *msg, const struct txn *x)
{
	struct sign_ring *ring;
	uint64_t now = proxy_sign_now(p);
	struct sip_str tag;

	if (msg->status <= 100 || msg->status >= 300 || sip_msg_to_tag(msg, &tag) < 0 ||
	    !(ring = proxy_sign_ring(p)))
		return 0;
	if ((x->sign & TXN_RR_CALLER) && sip_msg_find(msg, SIP_HDR_RECORD_ROUTE, 0) >= 0)
		return sign_route_caller(ring, p->ed, msg, now);
	if (msg->status >= 200 && sip_msg_find(msg, SIP_HDR_CONTACT, 0) >= 0)
		return sign_target(ring, p->ed, msg, now);
	return 0;
}
