/*
 * xfrm_kernel.c — reading the kernel's tables: counters, counting, flushing our own
 * objects, and reconciling the kernel with the sets the manager knows.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

#define XFRM_KERNEL_SA_MAX (2 + 2 * XFRM_SET_ADDR_MAX)
/* Bits of a set's "present" word: SAs from 0, policies from 48. */
#define XFRM_KERNEL_POLICY_BIT 48

/* One object of ours seen in a dump. */
struct xfrm_kernel_obj {
	bool is_sa;
	struct xfrm_addr dst;		/* SA */
	uint32_t spi, reqid;		/* SA; policy: template reqid (0: none) */
	struct xfrm_selector sel;	/* policy */
	uint8_t dir, action;		/* policy */
	uint32_t priority;		/* policy */
	struct xfrm_sa_counters counters;
};

struct xfrm_kernel_walk {
	struct xfrm_mgr *mgr;
	void (*fn)(struct xfrm_kernel_walk *walk, const struct xfrm_kernel_obj *obj);
	void *arg;
	int err;
};

static void xfrm_kernel_sa_seen(void *arg, const struct nlmsghdr *nlh)
{
	struct xfrm_kernel_walk *walk = arg;
	const struct xfrm_usersa_info *info = NLMSG_DATA(nlh);
	struct xfrm_kernel_obj obj;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
		return;
	/* Larval (ACQUIRE) states have SPI 0 and vanish by themselves. */
	if (!xfrm_mgr_owns_reqid(walk->mgr, info->reqid) || info->id.spi == 0)
		return;
	memset(&obj, 0, sizeof(obj));
	obj.is_sa = true;
	xfrm_addr_from_kernel(&info->id.daddr, info->family, &obj.dst);
	obj.spi = ntohl(info->id.spi);
	obj.reqid = info->reqid;
	obj.counters.bytes = info->curlft.bytes;
	obj.counters.packets = info->curlft.packets;
	obj.counters.integrity_failed = info->stats.integrity_failed;
	obj.counters.replay = info->stats.replay;
	walk->fn(walk, &obj);
}

static void xfrm_kernel_policy_seen(void *arg, const struct nlmsghdr *nlh)
{
	struct xfrm_kernel_walk *walk = arg;
	const struct xfrm_userpolicy_info *info = NLMSG_DATA(nlh);
	const struct xfrm_mgr_config *config = &walk->mgr->config;
	struct xfrm_kernel_obj obj;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
		return;
	memset(&obj, 0, sizeof(obj));
	obj.reqid = xfrm_nl_tmpl_reqid(nlh, sizeof(*info));
	if (!(info->priority == config->priority_set && xfrm_mgr_owns_reqid(walk->mgr, obj.reqid)) &&
	    !(info->priority == config->priority_guard && info->action == XFRM_POLICY_BLOCK))
		return;
	obj.sel = info->sel;
	obj.dir = info->dir;
	obj.action = info->action;
	obj.priority = info->priority;
	walk->fn(walk, &obj);
}

static int xfrm_kernel_walk(struct xfrm_kernel_walk *walk, bool sas, bool policies)
{
	int err = 0;

	if (sas)
		err = xfrm_nl_dump(&walk->mgr->nl, XFRM_MSG_GETSA, xfrm_kernel_sa_seen, walk);
	if (err == 0 && policies)
		err = xfrm_nl_dump(&walk->mgr->nl, XFRM_MSG_GETPOLICY, xfrm_kernel_policy_seen,
				   walk);
	return err < 0 ? err : walk->err;
}

/* --- counters and counting ---------------------------------------------------------- */

struct xfrm_counters_arg {
	const struct xfrm_set *set;
	void (*fn)(void *arg, const struct xfrm_addr *dst, uint32_t spi,
		   const struct xfrm_sa_counters *counters);
	void *arg;
};

static void xfrm_kernel_counters_one(struct xfrm_kernel_walk *walk, const struct xfrm_kernel_obj *obj)
{
	struct xfrm_counters_arg *c = walk->arg;

	if (obj->reqid == c->set->reqid)
		c->fn(c->arg, &obj->dst, obj->spi, &obj->counters);
}

int xfrm_set_counters(struct xfrm_mgr *mgr, struct xfrm_set *set,
		      void (*fn)(void *arg, const struct xfrm_addr *dst, uint32_t spi,
				 const struct xfrm_sa_counters *counters),
		      void *arg)
{
	struct xfrm_counters_arg c = { set, fn, arg };
	struct xfrm_kernel_walk walk = { mgr, xfrm_kernel_counters_one, &c, 0 };

	return xfrm_kernel_walk(&walk, true, false);
}

static void xfrm_kernel_count_one(struct xfrm_kernel_walk *walk, const struct xfrm_kernel_obj *obj)
{
	unsigned *counts = walk->arg;

	counts[obj->is_sa ? 0 : 1]++;
}

int xfrm_mgr_count(struct xfrm_mgr *mgr, unsigned *sas, unsigned *policies)
{
	unsigned counts[2] = { 0, 0 };
	struct xfrm_kernel_walk walk = { mgr, xfrm_kernel_count_one, counts, 0 };
	int err = xfrm_kernel_walk(&walk, true, true);

	*sas = counts[0];
	*policies = counts[1];
	return err;
}

/* --- flush and reconcile ------------------------------------------------------------ */

struct xfrm_reconcile {
	struct xfrm_batch batch;	/* deletions of objects nobody wants */
	uint64_t *present;		/* per reqid index: which expected objects exist */
	uint64_t *guard_present;	/* per guard: which of its policies exist */
	bool flush;			/* delete everything of ours */
	struct xfrm_reconcile_report *report;
};

static void xfrm_kernel_queue_delete(struct xfrm_kernel_walk *walk, const struct xfrm_kernel_obj *obj)
{
	struct xfrm_reconcile *rc = walk->arg;
	int err;

	if (obj->is_sa) {
		err = xfrm_batch_del_sa(&rc->batch, &obj->dst, obj->spi);
		rc->report->sas_removed++;
	} else {
		err = xfrm_batch_del_policy(&rc->batch, &obj->sel, obj->dir);
		rc->report->policies_removed++;
	}
	if (err < 0)
		walk->err = err;
}

/* Is @p obj one of the expected objects of its set or of a guard? Marks it present. */
static bool xfrm_kernel_expected(struct xfrm_mgr *mgr, struct xfrm_reconcile *rc,
				 const struct xfrm_kernel_obj *obj)
{
	struct xfrm_set *set = xfrm_mgr_find_reqid(mgr, obj->reqid);
	struct xfrm_policy_desc pols[2 * XFRM_GUARD_PORTS_MAX];
	struct xfrm_sa_desc sas[XFRM_KERNEL_SA_MAX];
	size_t n;

	if (set && obj->is_sa) {
		n = xfrm_set_sa_descs(mgr, set, sas, XFRM_KERNEL_SA_MAX);
		for (size_t i = 0; i < n; i++)
			if (sas[i].spi == obj->spi && xfrm_addr_equal(&sas[i].dst, &obj->dst))
				return rc->present[set->reqid - mgr->config.reqid_base] |= 1ull << i;
		return false;
	}
	if (set) {
		n = xfrm_set_policy_descs(mgr, set, pols, 2 * XFRM_GUARD_PORTS_MAX);
		for (size_t i = 0; i < n; i++)
			if (pols[i].dir == obj->dir && !memcmp(&pols[i].sel, &obj->sel, sizeof(obj->sel)))
				return rc->present[set->reqid - mgr->config.reqid_base] |=
				       1ull << (XFRM_KERNEL_POLICY_BIT + i);
		return false;
	}
	for (size_t g = 0; !obj->is_sa && obj->action == XFRM_POLICY_BLOCK && g < mgr->nguards; g++) {
		n = xfrm_guard_policy_descs(mgr, &mgr->guards[g], pols, 2 * XFRM_GUARD_PORTS_MAX);
		for (size_t i = 0; i < n; i++)
			if (pols[i].dir == obj->dir && !memcmp(&pols[i].sel, &obj->sel, sizeof(obj->sel)))
				return rc->guard_present[g] |= 1ull << i;
	}
	return false;
}

static void xfrm_kernel_reconcile_one(struct xfrm_kernel_walk *walk, const struct xfrm_kernel_obj *obj)
{
	struct xfrm_reconcile *rc = walk->arg;

	if (rc->flush || !xfrm_kernel_expected(walk->mgr, rc, obj))
		xfrm_kernel_queue_delete(walk, obj);
}

/* Queue what the known sets and guards should have and the kernel lacks. */
static int xfrm_kernel_queue_missing(struct xfrm_mgr *mgr, struct xfrm_reconcile *rc,
				     struct xfrm_batch *add)
{
	struct xfrm_sa_desc sas[XFRM_KERNEL_SA_MAX];
	struct xfrm_policy_desc pols[2 * XFRM_GUARD_PORTS_MAX];
	int err = 0;

	for (uint32_t r = 0, seen = 0; r < mgr->config.reqid_count && seen < mgr->nsets && !err; r++) {
		struct xfrm_set *set = mgr->sets[r];
		size_t nsas, npols;

		if (!set)
			continue;
		seen++;
		nsas = xfrm_set_sa_descs(mgr, set, sas, XFRM_KERNEL_SA_MAX);
		npols = xfrm_set_policy_descs(mgr, set, pols, 2 * XFRM_GUARD_PORTS_MAX);
		for (size_t i = 0; i < nsas && !err; i++)
			if (!(rc->present[r] & (1ull << i)) &&
			    (err = xfrm_batch_add_sa(add, &sas[i], false)) == 0)
				rc->report->sas_added++;
		for (size_t i = 0; i < npols && !err; i++)
			if (!(rc->present[r] & (1ull << (XFRM_KERNEL_POLICY_BIT + i))) &&
			    (err = xfrm_batch_add_policy(add, &pols[i], false)) == 0)
				rc->report->policies_added++;
		explicit_bzero(sas, sizeof(sas));
	}
	for (size_t g = 0; g < mgr->nguards && !err; g++) {
		size_t n = xfrm_guard_policy_descs(mgr, &mgr->guards[g], pols, 2 * XFRM_GUARD_PORTS_MAX);

		for (size_t i = 0; i < n && !err; i++)
			if (!(rc->guard_present[g] & (1ull << i)) &&
			    (err = xfrm_batch_add_policy(add, &pols[i], false)) == 0)
				rc->report->policies_added++;
	}
	return err;
}

static int xfrm_kernel_reconcile(struct xfrm_mgr *mgr, bool flush,
				 struct xfrm_reconcile_report *report)
{
	struct xfrm_reconcile rc = { .flush = flush, .report = report };
	struct xfrm_kernel_walk walk = { mgr, xfrm_kernel_reconcile_one, &rc, 0 };
	struct xfrm_batch add = { 0 };
	int err;

	memset(report, 0, sizeof(*report));
	rc.present = calloc(mgr->config.reqid_count, sizeof(*rc.present));
	rc.guard_present = calloc(mgr->nguards + 1, sizeof(*rc.guard_present));
	if (!rc.present || !rc.guard_present) {
		err = xfrm_nl_fail(&mgr->nl, -ENOMEM, "out of memory");
		goto out;
	}
	err = xfrm_kernel_walk(&walk, true, true);
	if (err == 0)
		err = xfrm_nl_run(&mgr->nl, &rc.batch); /* policies and SAs nobody wants */
	if (err == 0 && !flush)
		err = xfrm_kernel_queue_missing(mgr, &rc, &add);
	if (err == 0 && !flush)
		err = xfrm_nl_run(&mgr->nl, &add);
out:
	xfrm_batch_clear(&rc.batch);
	xfrm_batch_clear(&add);
	free(rc.present);
	free(rc.guard_present);
	return err;
}

/* After a reconcile or flush the orphans are gone: read the kernel again when needed. */
static void xfrm_kernel_forget_loaded(struct xfrm_mgr *mgr)
{
	xfrm_u32set_free(&mgr->kernel_reqids);
	mgr->kernel_loaded = false;
}

int xfrm_mgr_reconcile(struct xfrm_mgr *mgr, struct xfrm_reconcile_report *report)
{
	int err = xfrm_kernel_reconcile(mgr, false, report);

	if (err == 0)
		xfrm_kernel_forget_loaded(mgr);
	return err;
}

int xfrm_mgr_flush(struct xfrm_mgr *mgr)
{
	struct xfrm_reconcile_report report;
	int err = xfrm_kernel_reconcile(mgr, true, &report);

	for (uint32_t r = 0; r < mgr->config.reqid_count && mgr->nsets; r++)
		if (mgr->sets[r]) {
			ipsec_keys_wipe(&mgr->sets[r]->params.keys);
			free(mgr->sets[r]);
			mgr->sets[r] = NULL;
			mgr->nsets--;
		}
	mgr->nguards = 0;
	if (err == 0)
		xfrm_kernel_forget_loaded(mgr);
	return err;
}
