/*
 * pcscf.c — the P-CSCF logic's entry points: set-up, where a message arrived, the parse
 * (and the 400 to what does not parse), timers, kernel events, shutdown.
 */
#include "pcscf/pcscf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "common/log.h"

/* The S-CSCF from the scscf URI: an address (no DNS here), port, transport. */
static int pcscf_scscf(struct pcscf *p)
{
	struct sip_str uri = {p->cfg.scscf, strlen(p->cfg.scscf)};
	char core[SIP_UTIL_ADDR_SIZE];

	if (fwd_uri_dest(p, &uri, &p->scscf) < 0) {
		log_err("scscf %s: not a sip: URI with an address of a core family", p->cfg.scscf);
		return -EINVAL;
	}
	if (sip_util_sockaddr_format(&p->scscf.local, core, sizeof(core)) < 0)
		return -EINVAL;
	snprintf(p->path, sizeof(p->path), "<sip:term@%s;lr>", core);
	return 0;
}

struct pcscf *pcscf_new(const struct config *config, const struct pcscf_ops *ops, void *arg)
{
	struct pcscf *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cfg = *config;
	p->ops = ops;
	p->arg = arg;
	reg_store_init(&p->store);
	txn_table_init(&p->txns);
	p->ed = sip_edit_new(NULL);
	p->lists = calloc(2, sizeof(*p->lists));
	if (getrandom(p->secret, sizeof(p->secret), 0) != sizeof(p->secret) || !p->ed ||
	    !p->lists || pcscf_scscf(p) < 0) {
		pcscf_free(p);
		return NULL;
	}
	return p;
}

void pcscf_free(struct pcscf *p)
{
	if (!p)
		return;
	reg_store_clear(&p->store);
	txn_table_clear(&p->txns);
	dereg_clear(p);
	sip_edit_free(p->ed);
	sign_ring_free(p->sign);
	free(p->lists);
	explicit_bzero(&p->cfg, sizeof(p->cfg)); /* the pool key, if the ring never took it */
	free(p);
}

static bool pcscf_addr_in(const struct xfrm_addr *a, const struct xfrm_addr *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (xfrm_addr_equal(a, &list[i]))
			return true;
	return false;
}

static enum pcscf_side pcscf_side_of(const struct pcscf *p, const struct sockaddr_storage *local)
{
	uint16_t port = sip_util_sockaddr_port(local);
	struct xfrm_addr a;

	if (fwd_addr_of(local, &a) < 0)
		return PCSCF_SIDE_OTHER;
	if (pcscf_addr_in(&a, p->cfg.access, p->cfg.naccess)) {
		if (port == p->cfg.port)
			return PCSCF_SIDE_UNPROTECTED;
		if (port == p->cfg.port_s)
			return PCSCF_SIDE_PORT_S;
		if (port == p->cfg.port_c)
			return PCSCF_SIDE_PORT_C;
	}
	if (pcscf_addr_in(&a, p->cfg.core, p->cfg.ncore) && port == p->cfg.port)
		return PCSCF_SIDE_CORE;
	return PCSCF_SIDE_OTHER;
}

/* A message that did not parse: a request whose headers were read gets the parser's
 * status and reason (RFC 3261 §8.2, §21.4); anything else is dropped and counted. */
static void pcscf_bad(struct pcscf *p, struct pcscf_in *in, const struct sip_msg_error *err)
{
	const struct sip_msg *msg = in->msg;

	p->st.rx_bad++;
	log_debug("unparsable message from side %d: %s", in->side, err->reason);
	if (!msg->is_request || msg->method == SIP_METHOD_ACK || msg->n_hdrs == 0 ||
	    (in->side == PCSCF_SIDE_UNPROTECTED && msg->method != SIP_METHOD_REGISTER))
		return;
	if (fwd_reply(p, in, err->status, err->reason) == 0)
		p->st.answered_bad++;
}

void pcscf_rx(struct pcscf *p, const struct pcscf_peer *from, const char *buf, size_t len,
	      uint64_t now_ms)
{
	struct pcscf_in in = {.msg = &p->msg, .from = from};
	struct sip_msg_error err;

	p->now_ms = now_ms;
	p->st.rx++;
	in.side = pcscf_side_of(p, &from->local);
	if (in.side == PCSCF_SIDE_OTHER || fwd_addr_of(&from->remote, &in.src) < 0) {
		p->st.drop_other++;
		return;
	}
	in.src_port = sip_util_sockaddr_port(&from->remote);
	if (sip_msg_parse(&p->msg, buf, len, from->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0,
			  &err) < 0) {
		pcscf_bad(p, &in, &err);
		return;
	}
	switch (in.side) {
	case PCSCF_SIDE_UNPROTECTED:
		/* Only an initial REGISTER is served here: anything else, even from a
		 * registered UE's address, gets no service (pcscfd(8)). */
		if (p->msg.is_request && p->msg.method == SIP_METHOD_REGISTER)
			register_unprotected(p, &in);
		else
			p->st.drop_unprotected++;
		break;
	case PCSCF_SIDE_PORT_S:
	case PCSCF_SIDE_PORT_C:
		proxy_protected(p, &in);
		break;
	default:
		proxy_core(p, &in);
	}
}

void pcscf_tick(struct pcscf *p, uint64_t now_ms)
{
	p->now_ms = now_ms;
	register_tick(p);
	dereg_tick(p);
	txn_expire(&p->txns, now_ms);
	if (p->sign) /* rotate and purge on time, traffic or not */
		proxy_sign_ring(p);
}

/* The set of reqid @reqid, with its registration or pending registration. */
static struct reg_sa *pcscf_set_of(struct pcscf *p, uint32_t reqid, struct reg **reg,
				   struct reg_pending **pending)
{
	*reg = NULL;
	*pending = NULL;
	for (struct reg *r = p->store.regs; r && reqid; r = r->next) {
		*reg = r;
		if (r->cur.reqid == reqid)
			return &r->cur;
		if (r->old.reqid == reqid)
			return &r->old;
	}
	*reg = NULL;
	for (struct reg_pending *pd = p->store.pending; pd && reqid; pd = pd->next) {
		*pending = pd;
		if (pd->sa.reqid == reqid)
			return &pd->sa;
	}
	*pending = NULL;
	return NULL;
}

void pcscf_xfrm_event(struct pcscf *p, const struct xfrm_event *event, uint64_t now_ms)
{
	struct reg_pending *pd;
	struct reg *r;
	struct reg_sa *sa = pcscf_set_of(p, event->reqid, &r, &pd);

	p->now_ms = now_ms;
	if (event->type == XFRM_EVENT_ACQUIRE) {
		if (!sa && (r = reg_find_addr(&p->store, &event->addr)))
			sa = &r->cur;
		if (sa && reg_sa_covers(sa, &event->addr))
			proxy_note_address(p, sa, &event->addr);
		return;
	}
	if (!sa || !event->hard)
		return;
	log_info("SA set 0x%08x expired in the kernel", sa->reqid);
	if (r && sa == &r->cur)
		register_drop(p, r, "SAs expired");
	else if (r)
		register_delete_set(p, sa), pcscf_persist(p, r);
	else
		register_delete_set(p, sa), reg_pending_free(&p->store, pd);
}

void pcscf_shutdown(struct pcscf *p)
{
	while (p->store.regs)
		register_drop(p, p->store.regs, "shutting down");
	while (p->store.pending) {
		register_delete_set(p, &p->store.pending->sa);
		reg_pending_free(&p->store, p->store.pending);
	}
}

void pcscf_persist(struct pcscf *p, const struct reg *r)
{
	if (p->ops->reg_save && p->ops->reg_save(p->arg, r) < 0)
		log_err("registration of %s not saved in the state database", r->impu);
}

void pcscf_persist_sa(struct pcscf *p, const struct reg_sa *sa)
{
	for (struct reg *r = p->store.regs; r; r = r->next)
		if (sa == &r->cur || sa == &r->old)
			pcscf_persist(p, r);
}

int pcscf_restore(struct pcscf *p, const struct reg *from)
{
	struct reg *r = reg_new(&p->store);
	struct reg *next;

	if (!r)
		return -ENOMEM;
	next = r->next;
	*r = *from;
	r->next = next;
	if (p->store.next_id <= r->id)
		p->store.next_id = r->id + 1;
	return 0;
}

const struct reg *pcscf_registrations(const struct pcscf *p)
{
	return p->store.regs;
}

/* What the S-CSCF was told about @r: a de-REGISTER when its IMPI is known. */
static enum pcscf_dereg_told pcscf_dereg_tell(struct pcscf *p, const struct reg *r)
{
	int ret = dereg_send(p, r);

	if (ret == -ENODATA)
		log_warn("%s: IMPI unknown (restored from an older state database): the S-CSCF "
			 "is not told",
			 r->impu);
	return ret == 0		 ? PCSCF_DEREG_TOLD
	       : ret == -ENODATA ? PCSCF_DEREG_NO_IMPI
				 : PCSCF_DEREG_SEND_FAILED;
}

int pcscf_deregister(struct pcscf *p, const char *impu, pcscf_dereg_fn *fn, void *arg)
{
	enum pcscf_dereg_told told;
	struct reg *r, *next;
	int n = 0;

	for (r = p->store.regs; r; r = next) {
		next = r->next;
		if (strcasecmp(r->impu, impu) != 0)
			continue;
		/* Told first, then gone: the SAs do not wait for the S-CSCF's answer. */
		told = pcscf_dereg_tell(p, r);
		if (fn)
			fn(arg, r, told);
		register_drop(p, r, "de-registered by pcscfctl");
		n++;
	}
	return n;
}

void pcscf_get_stats(const struct pcscf *p, struct pcscf_stats *stats)
{
	*stats = p->st;
	stats->registrations = p->store.nregs;
	stats->pending = p->store.npending;
	for (const struct reg *r = p->store.regs; r; r = r->next)
		stats->sign_ues_over_rate +=
			reg_sign_over_rate(&r->sign, p->now_ms, p->cfg.sign_warn_rate);
}
