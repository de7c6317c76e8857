/*
 * xfrm_spi.c — inbound SPI allocation.
 *
 * An SPI is handed out only if no live SA of this kernel uses it (the kernel's SAs are
 * read once, on the first allocation: xfrm_mgr_load_kernel()), no set of this manager uses it, it is not
 * reserved by an earlier allocation, and the UE did not choose it: on a host where UE
 * and P-CSCF share an address (tests, loopback) equal SPIs would name the same SA.
 * Candidates are random, so SPIs are not predictable from one registration to the next.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "xfrm/xfrm_internal.h"

static size_t xfrm_u32set_slot(uint32_t value, size_t cap)
{
	return (size_t)((value * 2654435761u) & (cap - 1));
}

static int xfrm_u32set_grow(struct xfrm_u32set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < set->cap; i++) {
		size_t j;

		if (!set->slots[i])
			continue;
		for (j = xfrm_u32set_slot(set->slots[i], cap); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = set->slots[i];
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int xfrm_u32set_add(struct xfrm_u32set *set, uint32_t value)
{
	size_t i;

	if (value == 0 || xfrm_u32set_has(set, value))
		return 0;
	if ((set->count + 1) * 2 > set->cap && xfrm_u32set_grow(set) < 0)
		return -ENOMEM;
	for (i = xfrm_u32set_slot(value, set->cap); set->slots[i]; i = (i + 1) & (set->cap - 1))
		;
	set->slots[i] = value;
	set->count++;
	return 0;
}

bool xfrm_u32set_has(const struct xfrm_u32set *set, uint32_t value)
{
	if (!set->cap)
		return false;
	for (size_t i = xfrm_u32set_slot(value, set->cap); set->slots[i];
	     i = (i + 1) & (set->cap - 1))
		if (set->slots[i] == value)
			return true;
	return false;
}

void xfrm_u32set_del(struct xfrm_u32set *set, uint32_t value)
{
	size_t i, j;

	if (!set->cap)
		return;
	for (i = xfrm_u32set_slot(value, set->cap); set->slots[i] != value;
	     i = (i + 1) & (set->cap - 1))
		if (!set->slots[i])
			return;
	set->slots[i] = 0;
	set->count--;
	/* Re-insert the rest of the cluster so lookups never stop early. */
	for (j = (i + 1) & (set->cap - 1); set->slots[j]; j = (j + 1) & (set->cap - 1)) {
		uint32_t moved = set->slots[j];

		set->slots[j] = 0;
		set->count--;
		xfrm_u32set_add(set, moved);
	}
}

void xfrm_u32set_free(struct xfrm_u32set *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

static void xfrm_spi_note_kernel_sa(void *arg, const struct nlmsghdr *nlh)
{
	struct xfrm_mgr *mgr = arg;
	const struct xfrm_usersa_info *info = NLMSG_DATA(nlh);

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
		return;
	if (info->id.proto == IPPROTO_ESP)
		xfrm_u32set_add(&mgr->spis, ntohl(info->id.spi));
	if (xfrm_mgr_owns_reqid(mgr, info->reqid))
		xfrm_u32set_add(&mgr->kernel_reqids, info->reqid);
}

int xfrm_mgr_load_kernel(struct xfrm_mgr *mgr)
{
	int err;

	if (mgr->kernel_loaded)
		return 0;
	err = xfrm_nl_dump(&mgr->nl, XFRM_MSG_GETSA, xfrm_spi_note_kernel_sa, mgr);
	if (err == 0)
		mgr->kernel_loaded = true;
	return err;
}

static bool xfrm_spi_avoided(uint32_t spi, const uint32_t *avoid, size_t navoid)
{
	for (size_t i = 0; i < navoid; i++)
		if (avoid[i] == spi)
			return true;
	return false;
}

static bool xfrm_spi_free(const struct xfrm_mgr *mgr, uint32_t spi, const uint32_t *avoid,
			  size_t navoid)
{
	return !xfrm_u32set_has(&mgr->spis, spi) && !xfrm_spi_avoided(spi, avoid, navoid);
}

int xfrm_spi_alloc(struct xfrm_mgr *mgr, const uint32_t *avoid, size_t navoid, uint32_t *spi)
{
	uint64_t range = (uint64_t)mgr->config.spi_max - mgr->config.spi_min + 1;
	uint32_t r;
	int err;

	if ((err = xfrm_mgr_load_kernel(mgr)) < 0)
		return err;
	/* Random candidates; a small or crowded range is then searched in full. */
	for (int tries = 0; tries < 64; tries++) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return xfrm_nl_fail(&mgr->nl, -EIO, "getrandom failed");
		*spi = mgr->config.spi_min + (uint32_t)(r % range);
		if (xfrm_spi_free(mgr, *spi, avoid, navoid))
			return xfrm_u32set_add(&mgr->spis, *spi);
	}
	for (uint64_t i = 0; range <= (1u << 20) && i < range; i++) {
		*spi = mgr->config.spi_min + (uint32_t)((r + i) % range);
		if (xfrm_spi_free(mgr, *spi, avoid, navoid))
			return xfrm_u32set_add(&mgr->spis, *spi);
	}
	return xfrm_nl_fail(&mgr->nl, -ENOSPC, "no free SPI in %#x-%#x", mgr->config.spi_min,
			    mgr->config.spi_max);
}

void xfrm_spi_release(struct xfrm_mgr *mgr, uint32_t spi)
{
	xfrm_u32set_del(&mgr->spis, spi);
}
