/*
 * proxy_sign.c — Via and Record-Route signing (doc/signing.md), when pcscf.conf says
 * "signing ROTATE KEEP": what proxy.c and fwd.c call at each step, and the failure
 * counters (by reason, by kind, per UE or the core side; signing-warn-rate warns).
 *
 * Towards a UE: our Via gets sg-v (fwd.c); a dialog-creating request gets sg-rs (callee
 * route set) and sg-rr on our access-side Record-Route entry; an in-dialog request with a
 * Contact gets sg-tg; a dialog-creating response to an originating UE gets sg-rs on our
 * entry (caller route set), a 2xx of a target refresh gets sg-tg.
 * From a UE: responses must carry our sg-v (and sg-rr, removed here, on a 101-299 response
 * to a request we signed it on) or are dropped; in-dialog requests must carry sg-rs in
 * their first Route entry or get 403 (ACK: dropped), at most PROXY_SIGN_403_PER_S a second.
 *
 * With "signing-core yes" our Via towards the core carries sg-v and our core-side
 * Record-Route entry sg-rr, checked on the core's responses (no route set there: see the
 * doc).
 *
 * Keys outlive a restart: whenever a tick adds or purges one, the whole ring goes to
 * ops->sign_save (pcscfd seals the new keys in the parent and writes them into this
 * event-loop turn's transaction, so nothing signed with a new key leaves before the key
 * is on disk); at start pcscf_sign_restore() takes the stored keys back. With
 * "signing-pool-key" the ring gets the pool key when it is made, and route-set and
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

/* The ring, made on first use (with the pool key, if any), or NULL when signing is off. */
static struct sign_ring *proxy_sign_make(struct pcscf *p)
{
	struct sign_ring_config cfg = {p->cfg.sign_rotate_s, p->cfg.sign_keep_s};

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
	return p->sign;
}

/* Hand the whole ring to the state database after a key was added or purged. A failure
 * is logged and signing goes on: only a restart before the next good save loses dialogs. */
static void proxy_sign_save(struct pcscf *p)
{
	struct sign_key_record recs[SIGN_RING_MAX];
	int n;

	if (!p->ops->sign_save)
		return;
	n = sign_ring_export(p->sign, recs, SIGN_RING_MAX);
	if (n >= 0 && p->ops->sign_save(p->arg, recs, (size_t)n) < 0)
		log_warn("signing keys not saved: a restart would refuse the dialogs signed now");
	explicit_bzero(recs, sizeof(recs));
}

struct sign_ring *proxy_sign_ring(struct pcscf *p)
{
	int ret;

	if (!proxy_sign_make(p))
		return NULL;
	ret = sign_ring_tick(p->sign, proxy_sign_now(p));
	if (ret < 0) {
		log_warn_ret(ret, "signing key rotation");
	} else if (ret > 0) {
		log_info("signing key %08x now signs (%zu keys kept)",
			 sign_ring_current_id(p->sign), sign_ring_count(p->sign));
		proxy_sign_save(p);
	}
	return p->sign;
}

int pcscf_sign_restore(struct pcscf *p, const struct sign_key_record *recs, size_t n)
{
	int ret = 0;

	if (!p->cfg.sign_rotate_s)
		return 0;
	if (!proxy_sign_make(p))
		return -ENOMEM;
	if (n)
		ret = sign_ring_import(p->sign, recs, n, proxy_sign_now(p));
	if (ret >= 0 && !proxy_sign_ring(p))
		ret = -EIO;
	return ret;
}

void pcscf_sign_status(const struct pcscf *p, struct pcscf_sign_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!p->sign)
		return;
	st->keys = sign_ring_count(p->sign);
	st->current_id = sign_ring_current_id(p->sign);
	st->current_created = sign_ring_current_created(p->sign);
}

int proxy_sign_record_route(struct pcscf *p, const struct sip_msg *msg, const char *top,
			    const char *below, bool route_set, char *rr, size_t size)
{
	char own[SIP_UTIL_ADDR_SIZE + 16], rs[SIGN_PARAM_MAX] = "", sig[SIGN_PARAM_MAX];
	struct sign_ring *ring = proxy_sign_ring(p);
	struct sip_str below_uri;
	uint64_t now = proxy_sign_now(p);
	int n;

	n = snprintf(own, sizeof(own), "sip:%s;lr", below);
	below_uri.s = own, below_uri.len = (size_t)n;
	if (!ring ||
	    (route_set && sign_route_callee(ring, msg, &below_uri, 1, now, rs, sizeof(rs)) < 0) ||
	    sign_rr(ring, msg, &below_uri, 1, now, sig, sizeof(sig)) < 0)
		return -EINVAL;
	p->st.sign_made += route_set ? 2 : 1;
	n = snprintf(rr, size, "<sip:%s;lr%s>%s, <%s>", top, rs, sig, own);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* Count a signature made by a function that returns 0 or -errno. */
static int proxy_sign_made(struct pcscf *p, int ret)
{
	if (ret == 0)
		p->st.sign_made++;
	return ret;
}

int proxy_sign_refresh(struct pcscf *p, const struct sip_msg *msg)
{
	struct sign_ring *ring = proxy_sign_ring(p);
	struct sip_str tag;

	if (!ring || sip_msg_to_tag(msg, &tag) < 0 || sip_msg_find(msg, SIP_HDR_CONTACT, 0) < 0)
		return 0;
	return proxy_sign_made(p, sign_target(ring, p->ed, msg, proxy_sign_now(p)));
}

/* The warning of a peer that reached signing-warn-rate: who, and its failures by reason
 * (never a token or a header: a forger chooses those, and tokens are no one's business). */
static void proxy_sign_warn(struct pcscf *p, const struct pcscf_in *in, const struct reg *r,
			    const struct reg_sign *s)
{
	char addr[INET6_ADDRSTRLEN], counts[256] = "";
	size_t off = 0;

	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++) {
		int n = s->by_reason[i] ? snprintf(counts + off, sizeof(counts) - off, " %s=%llu",
						   sign_result_name((enum sign_result)i),
						   (unsigned long long)s->by_reason[i])
					: 0;

		if (n > 0 && (size_t)n < sizeof(counts) - off)
			off += (size_t)n;
	}
	p->st.sign_warnings++;
	log_warn("%s (%s): %u failed signature checks within %d s (signing-warn-rate); "
		 "since registration:%s",
		 r ? r->impu : "core side", xfrm_addr_str(&in->src, addr, sizeof(addr)),
		 p->cfg.sign_warn_rate, REG_SIGN_WINDOW_MS / 1000, counts);
}

/*
 * Count a failed check of @kind: in all, and against its peer (the UE of @r, or the core
 * side; a message from a UE we cannot place counts in all only), which warns when it
 * reaches signing-warn-rate. Log it while this second has seen fewer than
 * PROXY_SIGN_403_PER_S (then warn once): a UE sending forgeries must not flood the log,
 * nor get its 403s. Returns whether the failure is within that rate.
 */
static bool proxy_sign_failed(struct pcscf *p, const struct pcscf_in *in, struct reg *r,
			      enum sign_result res, enum pcscf_sign_kind kind, uint64_t now)
{
	struct reg_sign *peer = in->side == PCSCF_SIDE_CORE ? &p->st.sign_core
				: r			    ? &r->sign
							    : NULL;
	char addr[INET6_ADDRSTRLEN];

	p->st.sign_checks[res]++;
	p->st.sign_failed_kind[kind]++;
	if (peer && reg_sign_note(peer, res, p->now_ms, p->cfg.sign_warn_rate))
		proxy_sign_warn(p, in, peer == &p->st.sign_core ? NULL : r, peer);
	if (p->sign_fail_s != now)
		p->sign_fail_s = now, p->sign_fail_n = 0;
	if (p->sign_fail_n >= PROXY_SIGN_403_PER_S) {
		if (p->sign_fail_n++ == PROXY_SIGN_403_PER_S)
			log_warn("more than %d failed signature checks a second",
				 PROXY_SIGN_403_PER_S);
		return false;
	}
	p->sign_fail_n++;
	log_info("%s from %s%s: signature %s",
		 in->msg->is_request ? "in-dialog request" : "response",
		 in->side == PCSCF_SIDE_CORE ? "the core, " : "",
		 xfrm_addr_str(&in->src, addr, sizeof(addr)), sign_result_name(res));
	return true;
}

bool proxy_sign_check_request(struct pcscf *p, const struct pcscf_in *in, struct reg *r)
{
	struct sign_ring *ring = proxy_sign_ring(p);
	uint64_t now = proxy_sign_now(p);
	enum sign_result res;
	struct sip_str tag;
	bool target;

	if (!ring || sip_msg_to_tag(in->msg, &tag) < 0)
		return true;
	res = sign_route_verify_which(ring, in->msg, now, p->ed, &target);
	if (res == SIGN_OK) {
		p->st.sign_checks[SIGN_OK]++;
		return true;
	}
	if (!proxy_sign_failed(p, in, r, res, target ? PCSCF_SIGN_TARGET : PCSCF_SIGN_ROUTE_SET,
			       now)) {
		if (in->msg->method != SIP_METHOD_ACK)
			p->st.sign_403_limited++;
		return false;
	}
	if (in->msg->method != SIP_METHOD_ACK) /* an ACK is never answered */
		fwd_reply(p, in, 403, "Forbidden: route set not verified");
	return false;
}

/*
 * The Record-Route check of a response from the core: the core adds its entries above
 * ours, so the entry to check is our first one (an address of ours) that carries sg-rr;
 * the entries above it are the core's to write and not covered.
 */
static enum sign_result proxy_sign_rr_core(struct pcscf *p, struct sign_ring *ring,
					   const struct sip_msg *msg, uint64_t now,
					   struct sip_str *param)
{
	struct sip_str elem, removal;
	struct sip_nameaddr na;
	struct sip_hdr_iter it;
	struct sip_param sg;
	struct sip_uri uri;
	size_t at = 0;
	int ret = 1;

	for (int i = sip_msg_find(msg, SIP_HDR_RECORD_ROUTE, 0); i >= 0 && ret == 1;
	     i = sip_msg_find(msg, SIP_HDR_RECORD_ROUTE, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);

		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &elem, &removal)) == 1) {
			if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) == 0 &&
			    sip_uri_parse(na.uri.s, na.uri.len, &uri) == 0 &&
			    fwd_is_ours(p, uri.host) &&
			    sip_hdr_param_find(na.params.s, na.params.len, SIGN_PARAM_RR, &sg) == 1)
				return sign_rr_verify_at(ring, msg, at, now, param);
			at++;
		}
		ret = ret == 0 ? 1 : ret;
	}
	if (param)
		param->s = NULL, param->len = 0;
	return ret < 0 ? SIGN_MALFORMED : SIGN_MISSING;
}

bool proxy_sign_check_response(struct pcscf *p, const struct pcscf_in *in, const struct txn *x,
			       struct reg *from_ue)
{
	uint8_t want = x->sign & (TXN_SIGN_VIA | TXN_SIGN_RR);
	struct sign_ring *ring = want ? proxy_sign_ring(p) : NULL;
	const struct sip_msg *msg = in->msg;
	enum pcscf_sign_kind kind = PCSCF_SIGN_VIA;
	uint64_t now = proxy_sign_now(p);
	struct sip_str param, tag;
	enum sign_result r = SIGN_OK;
	bool dialog;

	if (!ring)
		return !want; /* signed, but the keys are gone: nothing can verify */
	/* A response that establishes the dialog must carry our Record-Route back (RFC 3261
	 * §12.1.1): without it the other side's requests would bypass us. */
	dialog = (want & TXN_SIGN_RR) && msg->status > 100 && msg->status < 300 &&
		 sip_msg_to_tag(msg, &tag) == 0;
	if (want & TXN_SIGN_VIA)
		r = sign_via_verify(ring, msg, now);
	if (r == SIGN_OK && dialog) {
		kind = PCSCF_SIGN_RR;
		r = x->to_ue ? proxy_sign_rr_core(p, ring, msg, now, &param)
			     : sign_rr_verify(ring, msg, now, &param);
	}
	if (r != SIGN_OK) {
		proxy_sign_failed(p, in, from_ue, r, kind, now);
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
		return proxy_sign_made(p, sign_route_caller(ring, p->ed, msg, now));
	if (msg->status >= 200 && sip_msg_find(msg, SIP_HDR_CONTACT, 0) >= 0)
		return proxy_sign_made(p, sign_target(ring, p->ed, msg, now));
	return 0;
}
