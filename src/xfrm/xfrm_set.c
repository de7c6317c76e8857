/*
 * xfrm_set.c — UE SA sets: what they look like in the kernel, and installing,
 * extending, growing and deleting them all or nothing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

/* SAs of a set: two towards the P-CSCF, two per UE address towards the UE. */
#define XFRM_SET_SA_MAX (2 + 2 * XFRM_SET_ADDR_MAX)
#define XFRM_SET_POLICY_MAX 4

static uint8_t xfrm_set_proto(enum xfrm_transport transport)
{
	return transport == XFRM_TRANSPORT_UDP ? IPPROTO_UDP :
	       transport == XFRM_TRANSPORT_TCP ? IPPROTO_TCP : 0;
}

/* @p addr with every bit after the first @p len cleared */
static struct xfrm_addr xfrm_set_mask(const struct xfrm_addr *addr, unsigned len)
{
	struct xfrm_addr out = *addr;
	uint8_t *bytes = (uint8_t *)&out.u;
	unsigned total = xfrm_addr_max_prefix(addr->family);

	for (unsigned bit = len; bit < total; bit++)
		bytes[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	return out;
}

/* The selector of traffic from @p from_ue ? UE : P-CSCF, between the given ports. */
static struct xfrm_selector xfrm_set_selector(const struct xfrm_set *set, bool from_ue,
					      uint16_t ue_port, uint16_t pcscf_port)
{
	const struct xfrm_set_params *p = &set->params;
	struct xfrm_addr prefix = xfrm_set_mask(&p->ue.addr, p->ue_prefix_len);
	unsigned host = xfrm_addr_max_prefix(p->pcscf.addr.family);
	struct xfrm_selector sel;

	memset(&sel, 0, sizeof(sel));
	sel.family = (uint16_t)p->pcscf.addr.family;
	sel.proto = xfrm_set_proto(p->transport);
	if (from_ue) {
		xfrm_addr_to_kernel(&prefix, &sel.saddr);
		sel.prefixlen_s = (uint8_t)p->ue_prefix_len;
		sel.sport = htons(ue_port);
		xfrm_addr_to_kernel(&p->pcscf.addr, &sel.daddr);
		sel.prefixlen_d = (uint8_t)host;
		sel.dport = htons(pcscf_port);
	} else {
		xfrm_addr_to_kernel(&p->pcscf.addr, &sel.saddr);
		sel.prefixlen_s = (uint8_t)host;
		sel.sport = htons(pcscf_port);
		xfrm_addr_to_kernel(&prefix, &sel.daddr);
		sel.prefixlen_d = (uint8_t)p->ue_prefix_len;
		sel.dport = htons(ue_port);
	}
	sel.sport_mask = sel.sport ? 0xffff : 0;
	sel.dport_mask = sel.dport ? 0xffff : 0;
	return sel;
}

static void xfrm_set_sa_common(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
			       struct xfrm_sa_desc *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->reqid = set->reqid;
	sa->keys = &set->params.keys;
	sa->lifetime_s = set->params.lifetime_s;
	sa->replay_window = mgr->config.replay_window;
}

/* The two SAs towards UE address @p addr. */
static size_t xfrm_set_sa_descs_to_ue(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
				      const struct xfrm_addr *addr, struct xfrm_sa_desc *out)
{
	const struct xfrm_set_params *p = &set->params;

	for (int i = 0; i < 2; i++) {
		xfrm_set_sa_common(mgr, set, &out[i]);
		out[i].src = p->pcscf.addr;
		out[i].dst = *addr;
	}
	/* P-CSCF port-c → UE port-s, and P-CSCF port-s → UE port-c */
	out[0].spi = p->ue.spi_s;
	out[0].sel = xfrm_set_selector(set, false, p->ue.port_s, p->pcscf.port_c);
	out[1].spi = p->ue.spi_c;
	out[1].sel = xfrm_set_selector(set, false, p->ue.port_c, p->pcscf.port_s);
	return 2;
}

size_t xfrm_set_sa_descs(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
			 struct xfrm_sa_desc *out, size_t max)
{
	const struct xfrm_set_params *p = &set->params;
	size_t n = 2;

	if (max < 2 + 2 * set->naddrs)
		return 0;
	for (int i = 0; i < 2; i++) {
		xfrm_set_sa_common(mgr, set, &out[i]);
		/* Towards the P-CSCF: any source inside the prefix (checked by the selector) */
		out[i].src.family = p->pcscf.addr.family;
		out[i].dst = p->pcscf.addr;
	}
	/* UE port-c → P-CSCF port-s, and UE port-s → P-CSCF port-c */
	out[0].spi = p->pcscf.spi_s;
	out[0].sel = xfrm_set_selector(set, true, p->ue.port_c, p->pcscf.port_s);
	out[1].spi = p->pcscf.spi_c;
	out[1].sel = xfrm_set_selector(set, true, p->ue.port_s, p->pcscf.port_c);
	for (size_t a = 0; a < set->naddrs; a++)
		n += xfrm_set_sa_descs_to_ue(mgr, set, &set->addrs[a], out + n);
	return n;
}

size_t xfrm_set_policy_descs(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
			     struct xfrm_policy_desc *out, size_t max)
{
	const struct xfrm_set_params *p = &set->params;
	/* Towards the P-CSCF is inbound for the P-CSCF, outbound for the UE. */
	uint8_t to_pcscf = p->role == XFRM_ROLE_PCSCF ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	uint8_t to_ue = p->role == XFRM_ROLE_PCSCF ? XFRM_POLICY_OUT : XFRM_POLICY_IN;

	if (max < XFRM_SET_POLICY_MAX)
		return 0;
	memset(out, 0, XFRM_SET_POLICY_MAX * sizeof(*out));
	out[0].sel = xfrm_set_selector(set, true, p->ue.port_c, p->pcscf.port_s);
	out[0].dir = to_pcscf;
	out[1].sel = xfrm_set_selector(set, true, p->ue.port_s, p->pcscf.port_c);
	out[1].dir = to_pcscf;
	out[2].sel = xfrm_set_selector(set, false, p->ue.port_s, p->pcscf.port_c);
	out[2].dir = to_ue;
	out[3].sel = xfrm_set_selector(set, false, p->ue.port_c, p->pcscf.port_s);
	out[3].dir = to_ue;
	for (int i = 0; i < XFRM_SET_POLICY_MAX; i++) {
		out[i].action = XFRM_POLICY_ALLOW;
		out[i].priority = mgr->config.priority_set;
		out[i].reqid = set->reqid;
		out[i].lifetime_s = p->lifetime_s;
	}
	return XFRM_SET_POLICY_MAX;
}

int xfrm_batch_add_sa(struct xfrm_batch *batch, const struct xfrm_sa_desc *sa, bool update)
{
	char dst[INET6_ADDRSTRLEN];

	return xfrm_batch_add(batch, xfrm_msg_sa_add(sa, update), "%s SA dst %s spi 0x%08x esp",
			      update ? "update" : "add", xfrm_addr_str(&sa->dst, dst, sizeof(dst)),
			      sa->spi)
		       ? 0
		       : -ENOMEM;
}

int xfrm_batch_add_policy(struct xfrm_batch *batch, const struct xfrm_policy_desc *pol,
			  bool update)
{
	char sel[256];

	return xfrm_batch_add(batch, xfrm_msg_policy_add(pol, update), "%s policy dir %s %s",
			      update ? "update" : "add", xfrm_msg_dir_str(pol->dir),
			      xfrm_msg_sel_str(&pol->sel, sel, sizeof(sel)))
		       ? 0
		       : -ENOMEM;
}

int xfrm_batch_del_sa(struct xfrm_batch *batch, const struct xfrm_addr *dst, uint32_t spi)
{
	char text[INET6_ADDRSTRLEN];
	struct xfrm_req *req = xfrm_batch_add(batch, xfrm_msg_sa_del(dst, spi),
					      "delete SA dst %s spi 0x%08x esp",
					      xfrm_addr_str(dst, text, sizeof(text)), spi);

	if (!req)
		return -ENOMEM;
	req->missing_ok = true;
	return 0;
}

int xfrm_batch_del_policy(struct xfrm_batch *batch, const struct xfrm_selector *sel, uint8_t dir)
{
	char text[256];
	struct xfrm_req *req = xfrm_batch_add(batch, xfrm_msg_policy_del(sel, dir),
					      "delete policy dir %s %s", xfrm_msg_dir_str(dir),
					      xfrm_msg_sel_str(sel, text, sizeof(text)));

	if (!req)
		return -ENOMEM;
	req->missing_ok = true;
	return 0;
}

/* Queue the removal of every object of @p set, policies first. */
static int xfrm_set_batch_delete(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
				 struct xfrm_batch *batch)
{
	struct xfrm_sa_desc sas[XFRM_SET_SA_MAX];
	struct xfrm_policy_desc pols[XFRM_SET_POLICY_MAX];
	size_t nsas = xfrm_set_sa_descs(mgr, set, sas, XFRM_SET_SA_MAX);
	size_t npols = xfrm_set_policy_descs(mgr, set, pols, XFRM_SET_POLICY_MAX);
	int err = 0;

	for (size_t i = 0; i < npols && !err; i++)
		err = xfrm_batch_del_policy(batch, &pols[i].sel, pols[i].dir);
	for (size_t i = 0; i < nsas && !err; i++)
		err = xfrm_batch_del_sa(batch, &sas[i].dst, sas[i].spi);
	return err;
}

/* Queue every object of @p set: SAs before the policies that will use them. */
static int xfrm_set_batch_install(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
				  struct xfrm_batch *batch, bool update)
{
	struct xfrm_sa_desc sas[XFRM_SET_SA_MAX];
	struct xfrm_policy_desc pols[XFRM_SET_POLICY_MAX];
	size_t nsas = xfrm_set_sa_descs(mgr, set, sas, XFRM_SET_SA_MAX);
	size_t npols = xfrm_set_policy_descs(mgr, set, pols, XFRM_SET_POLICY_MAX);
	int err = 0;

	for (size_t i = 0; i < nsas && !err; i++)
		err = xfrm_batch_add_sa(batch, &sas[i], update);
	for (size_t i = 0; i < npols && !err; i++)
		err = xfrm_batch_add_policy(batch, &pols[i], update);
	return err;
}

static int xfrm_set_validate(struct xfrm_mgr *mgr, const struct xfrm_set_params *p)
{
	int family = p->pcscf.addr.family;
	unsigned max = xfrm_addr_max_prefix(family);

	if (max == 0 || p->ue.addr.family != family)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "UE and P-CSCF addresses must be of one family");
	if (p->ue_prefix_len < 1 || p->ue_prefix_len > max)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "UE prefix length %u is not in 1-%u",
				    p->ue_prefix_len, max);
	if (!p->ue.port_c || !p->ue.port_s || !p->pcscf.port_c || !p->pcscf.port_s)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "every protected port must be set");
	if (p->ue.spi_c < 256 || p->ue.spi_s < 256 || p->pcscf.spi_c < 256 || p->pcscf.spi_s < 256)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "SPIs below 256 are reserved (RFC 4303)");
	if (p->ue.spi_c == p->ue.spi_s || p->pcscf.spi_c == p->pcscf.spi_s)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "spi-c and spi-s of one end must differ");
	if (!p->keys.enc_name || (!p->keys.aead && !p->keys.auth_name))
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "no algorithms in the set's keys");
	return 0;
}

static int xfrm_set_reserve_reqid(struct xfrm_mgr *mgr, uint32_t wanted, uint32_t *reqid)
{
	uint32_t count = mgr->config.reqid_count;

	if (wanted) {
		if (!xfrm_mgr_owns_reqid(mgr, wanted))
			return xfrm_nl_fail(&mgr->nl, -EINVAL, "reqid 0x%08x is outside our range",
					    wanted);
		if (mgr->sets[wanted - mgr->config.reqid_base])
			return xfrm_nl_fail(&mgr->nl, -EEXIST, "reqid 0x%08x is taken", wanted);
		*reqid = wanted;
		return 0;
	}
	/* A reqid the kernel still has (an orphan from an earlier run) is not free either. */
	int err = xfrm_mgr_load_kernel(mgr);

	if (err < 0)
		return err;
	for (uint32_t tries = 0; tries < count; tries++) {
		uint32_t index = (mgr->next_reqid + tries) % count;

		if (!mgr->sets[index] &&
		    !xfrm_u32set_has(&mgr->kernel_reqids, mgr->config.reqid_base + index)) {
			mgr->next_reqid = (index + 1) % count;
			*reqid = mgr->config.reqid_base + index;
			return 0;
		}
	}
	return xfrm_nl_fail(&mgr->nl, -ENOSPC, "all %u reqids are in use", count);
}

/* A set in memory only: validated, with its reqid and SPIs taken. */
static int xfrm_set_new(struct xfrm_mgr *mgr, const struct xfrm_set_params *params,
			uint32_t wanted_reqid, struct xfrm_set **out)
{
	struct xfrm_set *set;
	uint32_t reqid = 0;
	int err = xfrm_set_validate(mgr, params);

	if (err < 0 || (err = xfrm_set_reserve_reqid(mgr, wanted_reqid, &reqid)) < 0)
		return err;
	set = calloc(1, sizeof(*set));
	if (!set)
		return xfrm_nl_fail(&mgr->nl, -ENOMEM, "out of memory");
	set->reqid = reqid;
	set->params = *params;
	set->addrs[0] = params->ue.addr;
	set->naddrs = 1;
	set->created = ++mgr->created;
	mgr->sets[reqid - mgr->config.reqid_base] = set;
	mgr->nsets++;
	/* Our inbound SPIs stay reserved while the set lives. */
	if (params->role == XFRM_ROLE_PCSCF) {
		xfrm_u32set_add(&mgr->spis, params->pcscf.spi_c);
		xfrm_u32set_add(&mgr->spis, params->pcscf.spi_s);
	} else {
		xfrm_u32set_add(&mgr->spis, params->ue.spi_c);
		xfrm_u32set_add(&mgr->spis, params->ue.spi_s);
	}
	*out = set;
	return 0;
}

static void xfrm_set_forget(struct xfrm_mgr *mgr, struct xfrm_set *set)
{
	const struct xfrm_end *local =
		set->params.role == XFRM_ROLE_PCSCF ? &set->params.pcscf : &set->params.ue;

	xfrm_spi_release(mgr, local->spi_c);
	xfrm_spi_release(mgr, local->spi_s);
	mgr->sets[set->reqid - mgr->config.reqid_base] = NULL;
	mgr->nsets--;
	ipsec_keys_wipe(&set->params.keys);
	explicit_bzero(set, sizeof(*set));
	free(set);
}

/* Undo the requests of @p done that succeeded (an install that failed half-way). */
static void xfrm_set_rollback(struct xfrm_mgr *mgr, const struct xfrm_batch *done,
			      const struct xfrm_sa_desc *sas, size_t nsas,
			      const struct xfrm_policy_desc *pols)
{
	struct xfrm_batch undo = { 0 };
	char saved[sizeof(mgr->nl.error)];

	memcpy(saved, mgr->nl.error, sizeof(saved));
	for (size_t i = done->n; i-- > 0;) {
		if (!done->reqs[i].done || done->reqs[i].result != 0)
			continue;
		if (i < nsas)
			xfrm_batch_del_sa(&undo, &sas[i].dst, sas[i].spi);
		else
			xfrm_batch_del_policy(&undo, &pols[i - nsas].sel, pols[i - nsas].dir);
	}
	if (xfrm_nl_run(&mgr->nl, &undo) < 0) {
		char reason[sizeof(mgr->nl.error)];

		memcpy(reason, mgr->nl.error, sizeof(reason));
		snprintf(mgr->nl.error, sizeof(mgr->nl.error), "%.240s; and undoing it failed: %.240s",
			 saved, reason);
	} else {
		memcpy(mgr->nl.error, saved, sizeof(saved));
	}
	xfrm_batch_clear(&undo);
}

int xfrm_set_install(struct xfrm_mgr *mgr, const struct xfrm_set_params *params,
		     struct xfrm_set **out)
{
	struct xfrm_sa_desc sas[XFRM_SET_SA_MAX];
	struct xfrm_policy_desc pols[XFRM_SET_POLICY_MAX];
	struct xfrm_batch batch = { 0 };
	struct xfrm_set *set;
	size_t nsas;
	int err = xfrm_set_new(mgr, params, 0, &set);

	if (err < 0)
		return err;
	nsas = xfrm_set_sa_descs(mgr, set, sas, XFRM_SET_SA_MAX);
	xfrm_set_policy_descs(mgr, set, pols, XFRM_SET_POLICY_MAX);
	err = xfrm_set_batch_install(mgr, set, &batch, false);
	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &batch);
	if (err < 0) {
		char reason[sizeof(mgr->nl.error)];
		size_t step = 0;

		while (step < batch.n && batch.reqs[step].result == 0 && batch.reqs[step].done)
			step++;
		memcpy(reason, mgr->nl.error, sizeof(reason));
		xfrm_nl_fail(&mgr->nl, err, "install set reqid 0x%08x: step %zu of %zu: %.400s",
			     set->reqid, step + 1, batch.n, reason);
		xfrm_set_rollback(mgr, &batch, sas, nsas, pols);
		xfrm_set_forget(mgr, set);
		set = NULL;
	}
	xfrm_batch_clear(&batch);
	explicit_bzero(sas, sizeof(sas));
	*out = set;
	return err;
}

int xfrm_set_delete(struct xfrm_mgr *mgr, struct xfrm_set *set)
{
	struct xfrm_batch batch = { 0 };
	int err = xfrm_set_batch_delete(mgr, set, &batch);

	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &batch);
	xfrm_batch_clear(&batch);
	xfrm_set_forget(mgr, set);
	return err;
}

int xfrm_set_add_address(struct xfrm_mgr *mgr, struct xfrm_set *set, const struct xfrm_addr *addr)
{
	struct xfrm_sa_desc sas[2];
	struct xfrm_batch batch = { 0 };
	char text[INET6_ADDRSTRLEN];
	int err = 0;

	for (size_t i = 0; i < set->naddrs; i++)
		if (xfrm_addr_equal(&set->addrs[i], addr))
			return 0;
	if (!xfrm_set_covers(set, addr))
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "%s is outside the prefix of set 0x%08x",
				    xfrm_addr_str(addr, text, sizeof(text)), set->reqid);
	if (set->naddrs == XFRM_SET_ADDR_MAX)
		return xfrm_nl_fail(&mgr->nl, -E2BIG, "set 0x%08x has %d addresses already",
				    set->reqid, XFRM_SET_ADDR_MAX);
	xfrm_set_sa_descs_to_ue(mgr, set, addr, sas);
	for (int i = 0; i < 2 && !err; i++)
		err = xfrm_batch_add_sa(&batch, &sas[i], false);
	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &batch);
	if (err < 0)
		xfrm_set_rollback(mgr, &batch, sas, 2, NULL);
	else
		set->addrs[set->naddrs++] = *addr;
	xfrm_batch_clear(&batch);
	explicit_bzero(sas, sizeof(sas));
	return err;
}

int xfrm_set_extend(struct xfrm_mgr *mgr, struct xfrm_set *set, uint32_t lifetime_s)
{
	struct xfrm_batch batch = { 0 };
	uint32_t old = set->params.lifetime_s;
	int err;

	set->params.lifetime_s = lifetime_s;
	err = xfrm_set_batch_install(mgr, set, &batch, true);
	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &batch);
	if (err < 0)
		set->params.lifetime_s = old;
	xfrm_batch_clear(&batch);
	return err;
}

int xfrm_set_adopt(struct xfrm_mgr *mgr, const struct xfrm_set_params *params, uint32_t reqid,
		   const struct xfrm_addr *addrs, size_t naddrs, struct xfrm_set **out)
{
	struct xfrm_set *set;
	int err = xfrm_set_new(mgr, params, reqid, &set);

	if (err < 0)
		return err;
	for (size_t i = 0; i < naddrs && set->naddrs < XFRM_SET_ADDR_MAX; i++) {
		bool known = false;

		for (size_t j = 0; j < set->naddrs; j++)
			known = known || xfrm_addr_equal(&set->addrs[j], &addrs[i]);
		if (!known && xfrm_set_covers(set, &addrs[i]))
			set->addrs[set->naddrs++] = addrs[i];
	}
	*out = set;
	return 0;
}

uint32_t xfrm_set_reqid(const struct xfrm_set *set)
{
	return set->reqid;
}

const struct xfrm_set_params *xfrm_set_params(const struct xfrm_set *set)
{
	return &set->params;
}

size_t xfrm_set_addresses(const struct xfrm_set *set, const struct xfrm_addr **addrs)
{
	*addrs = set->addrs;
	return set->naddrs;
}

bool xfrm_set_covers(const struct xfrm_set *set, const struct xfrm_addr *addr)
{
	return xfrm_addr_in_prefix(addr, &set->params.ue.addr, set->params.ue_prefix_len);
}
