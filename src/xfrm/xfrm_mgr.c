/*
 * xfrm_mgr.c — the manager: its configuration, the protected-port guard, and what it
 * does with the kernel as a whole (reconcile, flush, count, hash thresholds).
 *
 * Ownership rule: an SA is ours when its reqid lies in our range; a policy is ours when
 * it has our set priority and a template whose reqid lies in our range, or our guard
 * priority and the block action. Nothing else is ever deleted or changed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

void xfrm_mgr_config_default(struct xfrm_mgr_config *config)
{
	memset(config, 0, sizeof(*config));
	config->reqid_base = 0x50c50000;
	config->reqid_count = 65536;
	config->priority_set = 0x5c50;
	config->priority_guard = 0x5c5f0;
	config->spi_min = 4096;
	config->spi_max = 0x7fffffff;
	config->replay_window = 32;
	config->batch = 128;
}

bool xfrm_mgr_owns_reqid(const struct xfrm_mgr *mgr, uint32_t reqid)
{
	return reqid >= mgr->config.reqid_base &&
	       reqid - mgr->config.reqid_base < mgr->config.reqid_count;
}

int xfrm_mgr_new(const struct xfrm_mgr_config *config, struct xfrm_mgr **out)
{
	struct xfrm_mgr *mgr = calloc(1, sizeof(*mgr));
	int err;

	*out = NULL;
	if (!mgr)
		return -ENOMEM;
	if (config)
		mgr->config = *config;
	else
		xfrm_mgr_config_default(&mgr->config);
	if (mgr->config.spi_min < 256 || mgr->config.spi_max < mgr->config.spi_min ||
	    mgr->config.reqid_count == 0 || mgr->config.reqid_base == 0 ||
	    mgr->config.replay_window > 32 ||
	    mgr->config.priority_set >= mgr->config.priority_guard) {
		free(mgr);
		return -EINVAL;
	}
	mgr->sets = calloc(mgr->config.reqid_count, sizeof(*mgr->sets));
	if (!mgr->sets) {
		free(mgr);
		return -ENOMEM;
	}
	err = xfrm_nl_open(&mgr->nl, mgr->config.batch);
	if (err < 0) {
		free(mgr->sets);
		free(mgr);
		return err;
	}
	if (mgr->config.hash_bits6 || mgr->config.hash_bits4) {
		err = xfrm_mgr_set_hash_thresholds(
			mgr, mgr->config.hash_bits6 ? mgr->config.hash_bits6 : 128,
			mgr->config.hash_bits4 ? mgr->config.hash_bits4 : 32);
		if (err < 0) {
			xfrm_mgr_free(mgr);
			return err;
		}
	}
	*out = mgr;
	return 0;
}

static void xfrm_mgr_forget_all(struct xfrm_mgr *mgr)
{
	for (uint32_t i = 0; i < mgr->config.reqid_count && mgr->nsets; i++) {
		struct xfrm_set *set = mgr->sets[i];

		if (!set)
			continue;
		ipsec_keys_wipe(&set->params.keys);
		explicit_bzero(set, sizeof(*set));
		free(set);
		mgr->sets[i] = NULL;
		mgr->nsets--;
	}
}

void xfrm_mgr_free(struct xfrm_mgr *mgr)
{
	if (!mgr)
		return;
	xfrm_mgr_forget_all(mgr);
	free(mgr->sets);
	free(mgr->guards);
	xfrm_u32set_free(&mgr->spis);
	xfrm_u32set_free(&mgr->kernel_reqids);
	xfrm_nl_close(&mgr->nl);
	free(mgr);
}

const char *xfrm_mgr_error(const struct xfrm_mgr *mgr)
{
	return mgr->nl.error;
}

struct xfrm_set *xfrm_mgr_find_reqid(struct xfrm_mgr *mgr, uint32_t reqid)
{
	return xfrm_mgr_owns_reqid(mgr, reqid) ? mgr->sets[reqid - mgr->config.reqid_base] : NULL;
}

struct xfrm_set *xfrm_mgr_find_address(struct xfrm_mgr *mgr, const struct xfrm_addr *addr)
{
	struct xfrm_set *best = NULL;

	for (uint32_t i = 0, seen = 0; i < mgr->config.reqid_count && seen < mgr->nsets; i++) {
		struct xfrm_set *set = mgr->sets[i];

		if (!set)
			continue;
		seen++;
		if (xfrm_set_covers(set, addr) && (!best || set->created > best->created))
			best = set;
	}
	return best;
}

void xfrm_mgr_foreach_set(struct xfrm_mgr *mgr, void (*fn)(void *arg, struct xfrm_set *set),
			  void *arg)
{
	for (uint32_t i = 0, seen = 0; i < mgr->config.reqid_count && seen < mgr->nsets; i++)
		if (mgr->sets[i]) {
			seen++;
			fn(arg, mgr->sets[i]);
		}
}

/* --- the guard ---------------------------------------------------------------------- */

size_t xfrm_guard_policy_descs(const struct xfrm_mgr *mgr, const struct xfrm_guard *guard,
			       struct xfrm_policy_desc *out, size_t max)
{
	unsigned host = xfrm_addr_max_prefix(guard->addr.family);
	size_t n = 0;

	for (size_t i = 0; i < guard->nports && n + 2 <= max; i++) {
		for (int dir = 0; dir < 2; dir++, n++) {
			struct xfrm_selector *sel = &out[n].sel;

			memset(&out[n], 0, sizeof(out[n]));
			sel->family = (uint16_t)guard->addr.family;
			if (dir == 0) { /* nothing in to the port */
				xfrm_addr_to_kernel(&guard->addr, &sel->daddr);
				sel->prefixlen_d = (uint8_t)host;
				sel->dport = htons(guard->ports[i]);
				sel->dport_mask = 0xffff;
				out[n].dir = XFRM_POLICY_IN;
			} else { /* nothing out from the port */
				xfrm_addr_to_kernel(&guard->addr, &sel->saddr);
				sel->prefixlen_s = (uint8_t)host;
				sel->sport = htons(guard->ports[i]);
				sel->sport_mask = 0xffff;
				out[n].dir = XFRM_POLICY_OUT;
			}
			out[n].action = XFRM_POLICY_BLOCK;
			out[n].priority = mgr->config.priority_guard;
		}
	}
	return n;
}

static int xfrm_guard_run(struct xfrm_mgr *mgr, const struct xfrm_guard *guard, bool install)
{
	struct xfrm_policy_desc pols[2 * XFRM_GUARD_PORTS_MAX];
	struct xfrm_batch batch = {0};
	size_t n = xfrm_guard_policy_descs(mgr, guard, pols, 2 * XFRM_GUARD_PORTS_MAX);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		if (!install) {
			err = xfrm_batch_del_policy(&batch, &pols[i].sel, pols[i].dir);
		} else if ((err = xfrm_batch_add_policy(&batch, &pols[i], false)) == 0) {
			batch.reqs[batch.n - 1].exist_ok = true;
		}
	}
	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &batch);
	xfrm_batch_clear(&batch);
	return err;
}

static struct xfrm_guard *xfrm_guard_find(struct xfrm_mgr *mgr, const struct xfrm_addr *addr)
{
	for (size_t i = 0; i < mgr->nguards; i++)
		if (xfrm_addr_equal(&mgr->guards[i].addr, addr))
			return &mgr->guards[i];
	return NULL;
}

int xfrm_guard_install(struct xfrm_mgr *mgr, const struct xfrm_addr *addr, const uint16_t *ports,
		       size_t nports)
{
	struct xfrm_guard guard = {.addr = *addr}, *known;
	int err;

	if (nports == 0 || nports > XFRM_GUARD_PORTS_MAX || !xfrm_addr_max_prefix(addr->family))
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "a guard takes one address and 1-%d ports",
				    XFRM_GUARD_PORTS_MAX);
	memcpy(guard.ports, ports, nports * sizeof(*ports));
	guard.nports = nports;
	err = xfrm_guard_run(mgr, &guard, true);
	if (err < 0)
		return err;
	known = xfrm_guard_find(mgr, addr);
	if (!known) {
		struct xfrm_guard *guards =
			realloc(mgr->guards, (mgr->nguards + 1) * sizeof(*guards));

		if (!guards)
			return xfrm_nl_fail(&mgr->nl, -ENOMEM, "out of memory");
		mgr->guards = guards;
		known = &mgr->guards[mgr->nguards++];
	}
	*known = guard;
	return 0;
}

int xfrm_guard_remove(struct xfrm_mgr *mgr, const struct xfrm_addr *addr, const uint16_t *ports,
		      size_t nports)
{
	struct xfrm_guard guard = {.addr = *addr}, *known;

	if (nports == 0 || nports > XFRM_GUARD_PORTS_MAX)
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "a guard takes 1-%d ports",
				    XFRM_GUARD_PORTS_MAX);
	memcpy(guard.ports, ports, nports * sizeof(*ports));
	guard.nports = nports;
	known = xfrm_guard_find(mgr, addr);
	if (known) {
		*known = mgr->guards[--mgr->nguards];
	}
	return xfrm_guard_run(mgr, &guard, false);
}

/* --- hash thresholds ---------------------------------------------------------------- */

int xfrm_mgr_set_hash_thresholds(struct xfrm_mgr *mgr, unsigned v6_bits, unsigned v4_bits)
{
	struct xfrmu_spdhthresh v6 = {(uint8_t)v6_bits, (uint8_t)v6_bits};
	struct xfrmu_spdhthresh v4 = {(uint8_t)v4_bits, (uint8_t)v4_bits};
	struct nl_msg *msg = nlmsg_alloc_simple(XFRM_MSG_NEWSPDINFO, 0);
	struct xfrm_batch batch = {0};
	uint32_t flags = 0;
	int err;

	if (v6_bits > 128 || v4_bits > 32) {
		nlmsg_free(msg);
		return xfrm_nl_fail(&mgr->nl, -EINVAL, "hash thresholds: IPv6 <= 128, IPv4 <= 32");
	}
	if (msg && (nlmsg_append(msg, &flags, sizeof(flags), NLMSG_ALIGNTO) < 0 ||
		    nla_put(msg, XFRMA_SPD_IPV6_HTHRESH, sizeof(v6), &v6) < 0 ||
		    nla_put(msg, XFRMA_SPD_IPV4_HTHRESH, sizeof(v4), &v4) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!xfrm_batch_add(&batch, msg, "set policy hash thresholds IPv6 %u IPv4 %u", v6_bits,
			    v4_bits))
		return xfrm_nl_fail(&mgr->nl, -ENOMEM, "out of memory");
	err = xfrm_nl_run(&mgr->nl, &batch);
	xfrm_batch_clear(&batch);
	return err;
}
