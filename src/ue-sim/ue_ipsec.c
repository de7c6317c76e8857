/*
 * ue_ipsec.c — the UE's side of its SA sets (XFRM_ROLE_UE through the xfrm manager), our
 * SPI allocator, and the temp-address step.
 *
 * The manager is opened on the first set, so ue-sim without sec-agree needs no privilege.
 * Its reqids start at UE_REQID_BASE, apart from pcscfd's, so a UE and a P-CSCF in one
 * namespace (a self-test) never take each other's objects for their own.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "ue-sim/ue.h"
#include "ue-sim/ue_addr.h"

struct xfrm_mgr *ue_ipsec_mgr(struct uesim *sim, char *why, size_t why_size)
{
	struct xfrm_mgr_config c;
	int ret;

	if (sim->xfrm)
		return sim->xfrm;
	xfrm_mgr_config_default(&c);
	c.reqid_base = UE_REQID_BASE;
	ret = xfrm_mgr_new(&c, &sim->xfrm);
	if (ret < 0) {
		snprintf(why, why_size, "cannot open the xfrm manager: %s", strerror(-ret));
		sim->xfrm = NULL;
	}
	return sim->xfrm;
}

uint32_t ue_ipsec_spi(struct uesim *sim)
{
	uint32_t spi = sim->cfg.spi_next++;

	if (spi < 256 || spi > 0x7fffffffu) { /* wrapped: start again at the bottom */
		spi = 0x1000;
		sim->cfg.spi_next = spi + 1;
	}
	return spi;
}

static void ue_ipsec_xaddr(const struct sockaddr_storage *ss, struct xfrm_addr *xa)
{
	memset(xa, 0, sizeof(*xa));
	xa->family = ss->ss_family;
	if (ss->ss_family == AF_INET6)
		xa->u.v6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		xa->u.v4 = ((const struct sockaddr_in *)ss)->sin_addr;
}

int ue_ipsec_install(struct ue *ue, struct ue_secset *ss, const uint8_t *ck, const uint8_t *ik,
		     uint32_t lifetime_s, char *why, size_t why_size)
{
	struct xfrm_mgr *mgr = ue_ipsec_mgr(ue->sim, why, why_size);
	struct xfrm_set_params p;
	struct xfrm_addr me;
	int ret;

	if (!mgr)
		return -EPERM;
	ue_ipsec_xaddr(&ue->addrs[ue->src], &me);
	ue_ipsec_xaddr(&ue->sim->cfg.proxy, &ss->pcscf);
	ret = ue_secagree_set_params(&ss->offer, &ss->choice, &me, &ss->pcscf, ck, ik, &p);
	if (ret) {
		snprintf(why, why_size, "SA parameters refused (families, prefix, algorithms)");
		return ret;
	}
	p.lifetime_s = lifetime_s;
	ret = xfrm_set_install(mgr, &p, &ss->set);
	ipsec_keys_wipe(&p.keys);
	if (ret) {
		snprintf(why, why_size, "%s", xfrm_mgr_error(mgr));
		ss->set = NULL;
		return ret;
	}
	log_info("%s: SA set reqid 0x%08x installed (spi-c 0x%x, spi-s 0x%x)", ue->id.name,
		 xfrm_set_reqid(ss->set), ss->offer.spi_c, ss->offer.spi_s);
	return 0;
}

void ue_ipsec_drop(struct ue *ue, struct ue_secset *ss)
{
	if (!ss)
		return;
	if (ss->set && ue->sim->xfrm) {
		uint32_t reqid = xfrm_set_reqid(ss->set);

		if (xfrm_set_delete(ue->sim->xfrm, ss->set) < 0)
			log_warn("%s: %s", ue->id.name, xfrm_mgr_error(ue->sim->xfrm));
		else
			log_info("%s: SA set reqid 0x%08x deleted", ue->id.name, reqid);
	}
	free(ss);
}

/* Close (@reset: abort) the TCP connections on the set's ports; how many there were. */
static unsigned ue_ipsec_close_conns(struct ue *ue, const struct ue_secset *ss, bool reset)
{
	if (!ue->tp || !ss->set)
		return 0;
	return sip_transport_close_port(ue->tp, ss->offer.port_c, reset) +
	       sip_transport_close_port(ue->tp, ss->offer.port_s, reset);
}

/* Delete the lingering sets whose time has come; the timer again for the rest. */
static void ue_ipsec_linger_timer(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue *ue = arg;
	struct ue_secset **pp = &ue->reg.lingering, *ss;
	uint64_t now = evloop_now_ms(loop), next = 0;

	(void)id;
	ue->reg.linger_timer = 0;
	while ((ss = *pp)) {
		if (ss->linger_until <= now) {
			*pp = ss->next;
			ue_ipsec_drop(ue, ss);
			continue;
		}
		if (!next || ss->linger_until < next)
			next = ss->linger_until;
		pp = &ss->next;
	}
	if (next)
		ue->reg.linger_timer =
			evloop_timer_add(loop, next - now, ue_ipsec_linger_timer, ue);
}

void ue_ipsec_retire(struct ue *ue, struct ue_secset *ss, bool linger)
{
	struct evloop *loop = ue->sim->loop;

	if (!ss)
		return;
	unsigned closed = ue_ipsec_close_conns(ue, ss, !linger);

	log_debug("%s: %u TCP connection(s) of ports %u/%u closed", ue->id.name, closed,
		  ss->offer.port_c, ss->offer.port_s);
	if (closed == 0 || !linger)
		return ue_ipsec_drop(ue, ss);
	ss->linger_until = evloop_now_ms(loop) + UE_LINGER_MS;
	ss->next = ue->reg.lingering;
	ue->reg.lingering = ss;
	if (!ue->reg.linger_timer)
		ue->reg.linger_timer =
			evloop_timer_add(loop, UE_LINGER_MS, ue_ipsec_linger_timer, ue);
}

/* Add the new address's inbound SA pair to the current set; text for the step line. */
static int ue_ipsec_temp_sas(struct ue *ue, const struct sockaddr_storage *addr, char *text,
			     size_t size)
{
	const struct ue_secset *cur = ue->reg.cur;
	struct xfrm_addr xa;
	int ret;

	if (!cur || !cur->set || !ue->sim->xfrm) {
		snprintf(text, size, "no SA set");
		return 0;
	}
	ue_ipsec_xaddr(addr, &xa);
	ret = xfrm_set_add_address(ue->sim->xfrm, cur->set, &xa);
	if (ret == -EINVAL) {
		snprintf(text, size, "outside the set's /%u: no SAs for it",
			 xfrm_set_params(cur->set)->ue_prefix_len);
		return 0;
	}
	if (ret < 0) {
		snprintf(text, size, "%s", xfrm_mgr_error(ue->sim->xfrm));
		return ret;
	}
	snprintf(text, size, "SA pair added to reqid 0x%08x", xfrm_set_reqid(cur->set));
	return 0;
}

void ue_ipsec_temp_address(struct ue *ue, const struct ue_step *step)
{
	struct sockaddr_storage addr;
	char text[SIP_UTIL_ADDR_SIZE], sas[XFRM_ERR_MAX + 64];
	size_t n = ue->n_addrs;
	int ifindex, ret;

	(void)step;
	if (n == UE_MAX_ADDRS)
		return ue_run_done(ue, -1, NULL, "no room for another address");
	ret = ue_addr_temporary(&ue->addrs[0], ue->temp_plen, &addr);
	if (ret == 0)
		ret = ue->dev[0] ? ((ifindex = (int)if_nametoindex(ue->dev)) > 0 ? 0 : -ENODEV)
				 : ue_addr_ifindex(&ue->addrs[0], &ifindex);
	if (ret)
		return ue_run_done(ue, -1, NULL, "no temporary address: %s", strerror(-ret));
	sip_util_host_format(&addr, text, sizeof(text), false);
	ret = ue_addr_add(ifindex, &addr, ue->temp_plen);
	if (ret)
		return ue_run_done(ue, -1, NULL, "cannot add %s: %s", text, strerror(-ret));
	ue->addrs[n] = addr;
	ue->addr_added[n] = true;
	ue->n_addrs++;
	ret = ue_listen_addr(ue, n);
	if (ret == 0)
		ret = ue_ipsec_temp_sas(ue, &addr, sas, sizeof(sas));
	if (ret)
		return ue_run_done(ue, -1, NULL, "%s: %s", text, ret == -EADDRINUSE ? "busy" : sas);
	ue->src = n;
	ue_run_done(ue, 1, NULL, "%s (%s)", text, sas);
}

static void ue_ipsec_forget_addresses(struct ue *ue)
{
	size_t i;
	int ifindex;

	for (i = 1; i < ue->n_addrs; i++) {
		if (!ue->addr_added[i])
			continue;
		if (ue_addr_ifindex(&ue->addrs[i], &ifindex) == 0)
			ue_addr_del(ifindex, &ue->addrs[i], ue->temp_plen);
		ue->addr_added[i] = false;
	}
}

/* Whether a TCP socket of this namespace is still exchanging FINs (/proc/net/tcp states
 * FIN_WAIT1 04, FIN_WAIT2 05, LAST_ACK 09, CLOSING 0B). */
static bool ue_ipsec_tcp_closing(void)
{
	static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	char line[512];
	bool closing = false;

	for (size_t i = 0; i < 2 && !closing; i++) {
		FILE *f = fopen(files[i], "r");
		unsigned st;

		while (f && !closing && fgets(line, sizeof(line), f))
			if (sscanf(line, " %*s %*s %*s %x", &st) == 1)
				closing = st == 0x4 || st == 0x5 || st == 0x9 || st == 0xb;
		if (f)
			fclose(f);
	}
	return closing;
}

/* Close every UE's TCP connections, then wait (bounded) for their FINs to be exchanged. */
static void ue_ipsec_close_all_conns(struct uesim *sim)
{
	unsigned closed = 0;
	size_t i;

	for (i = 0; i < sim->n_ues; i++)
		if (sim->ues[i]->tp)
			closed += sip_transport_close_port(sim->ues[i]->tp, 0, false);
	for (i = 0; closed && i < UE_LINGER_MS / 20 && ue_ipsec_tcp_closing(); i++)
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
}

void ue_ipsec_cleanup(struct uesim *sim)
{
	size_t i;

	ue_ipsec_close_all_conns(sim);
	for (i = 0; i < sim->n_ues; i++) {
		struct ue *ue = sim->ues[i];

		evloop_timer_cancel(sim->loop, ue->reg.linger_timer);
		ue->reg.linger_timer = 0;
		while (ue->reg.lingering) {
			struct ue_secset *ss = ue->reg.lingering;

			ue->reg.lingering = ss->next;
			ue_ipsec_drop(ue, ss);
		}
		ue_ipsec_drop(ue, ue->reg.pending);
		ue_ipsec_drop(ue, ue->reg.cur);
		ue->reg.pending = ue->reg.cur = NULL;
		ue_ipsec_forget_addresses(ue);
	}
	xfrm_mgr_free(sim->xfrm);
	sim->xfrm = NULL;
}

int ue_ipsec_count(struct uesim *sim)
{
	unsigned sas = 0, policies = 0;
	char why[128];
	struct xfrm_mgr *mgr = ue_ipsec_mgr(sim, why, sizeof(why));
	int ret;

	if (!mgr)
		return -EPERM;
	ret = xfrm_mgr_count(mgr, &sas, &policies);
	return ret < 0 ? ret : (int)sas;
}
