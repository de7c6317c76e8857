/*
 * xfrm_internal.h — what the files of src/xfrm share and nobody else sees.
 */
#ifndef XFRM_INTERNAL_H
#define XFRM_INTERNAL_H

#include <linux/xfrm.h>

#include "xfrm/xfrm_mgr.h"
#include "xfrm/xfrm_nl.h"

/** Most UE addresses (registered + temporary) one set has SAs for. */
#define XFRM_SET_ADDR_MAX 16
/** Most ports one guard entry lists. */
#define XFRM_GUARD_PORTS_MAX 16

struct xfrm_set {
	uint32_t reqid;
	struct xfrm_set_params params;
	struct xfrm_addr addrs[XFRM_SET_ADDR_MAX];
	size_t naddrs;
	uint64_t created;	/* order of creation, for "newest first" */
};

struct xfrm_guard {
	struct xfrm_addr addr;
	uint16_t ports[XFRM_GUARD_PORTS_MAX];
	size_t nports;
};

/** A set of 32-bit values (open addressing, 0 = empty), for reserved SPIs. */
struct xfrm_u32set {
	uint32_t *slots;
	size_t cap, count;
};

struct xfrm_mgr {
	struct xfrm_mgr_config config;
	struct xfrm_nl nl;
	struct xfrm_set **sets;		/* indexed by reqid - reqid_base */
	size_t nsets;
	uint32_t next_reqid;		/* where the search for a free reqid starts */
	uint64_t created;
	struct xfrm_guard *guards;
	size_t nguards;
	struct xfrm_u32set spis;	/* inbound SPIs handed out or in use */
	struct xfrm_u32set kernel_reqids; /* our reqids the kernel had when we looked */
	bool kernel_loaded;		/* spis and kernel_reqids hold the kernel's */
};

/* What one SA of a set looks like in the kernel. */
struct xfrm_sa_desc {
	struct xfrm_addr src, dst;	/* src may be the wildcard (all zero) */
	uint32_t spi, reqid;
	struct xfrm_selector sel;
	const struct ipsec_alg_keys *keys;
	uint32_t lifetime_s;
	uint8_t replay_window;
};

/* What one policy looks like in the kernel. */
struct xfrm_policy_desc {
	struct xfrm_selector sel;
	uint8_t dir;			/* XFRM_POLICY_IN / _OUT */
	uint8_t action;			/* XFRM_POLICY_ALLOW / _BLOCK */
	uint32_t priority;
	uint32_t reqid;			/* template reqid; 0: no template */
	uint32_t lifetime_s;
};

/* xfrm_msg.c: building requests */
struct nl_msg *xfrm_msg_sa_add(const struct xfrm_sa_desc *sa, bool update);
struct nl_msg *xfrm_msg_sa_del(const struct xfrm_addr *dst, uint32_t spi);
struct nl_msg *xfrm_msg_policy_add(const struct xfrm_policy_desc *pol, bool update);
struct nl_msg *xfrm_msg_policy_del(const struct xfrm_selector *sel, uint8_t dir);
const char *xfrm_msg_sel_str(const struct xfrm_selector *sel, char *buf, size_t len);
const char *xfrm_msg_dir_str(uint8_t dir);

/* xfrm_set.c: the SAs and policies of a set */
size_t xfrm_set_sa_descs(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
			 struct xfrm_sa_desc *out, size_t max);
size_t xfrm_set_policy_descs(const struct xfrm_mgr *mgr, const struct xfrm_set *set,
			     struct xfrm_policy_desc *out, size_t max);
size_t xfrm_guard_policy_descs(const struct xfrm_mgr *mgr, const struct xfrm_guard *guard,
			       struct xfrm_policy_desc *out, size_t max);
int xfrm_batch_add_sa(struct xfrm_batch *batch, const struct xfrm_sa_desc *sa, bool update);
int xfrm_batch_add_policy(struct xfrm_batch *batch, const struct xfrm_policy_desc *pol,
			  bool update);
int xfrm_batch_del_sa(struct xfrm_batch *batch, const struct xfrm_addr *dst, uint32_t spi);
int xfrm_batch_del_policy(struct xfrm_batch *batch, const struct xfrm_selector *sel,
			  uint8_t dir);

/* xfrm_spi.c */
/* Note the SPIs and our reqids in the kernel (once; later calls do nothing). */
int xfrm_mgr_load_kernel(struct xfrm_mgr *mgr);
int xfrm_u32set_add(struct xfrm_u32set *set, uint32_t value);
bool xfrm_u32set_has(const struct xfrm_u32set *set, uint32_t value);
void xfrm_u32set_del(struct xfrm_u32set *set, uint32_t value);
void xfrm_u32set_free(struct xfrm_u32set *set);

/* xfrm_addr.c */
void xfrm_addr_to_kernel(const struct xfrm_addr *addr, xfrm_address_t *out);
void xfrm_addr_from_kernel(const xfrm_address_t *in, int family, struct xfrm_addr *out);
unsigned xfrm_addr_max_prefix(int family);

/* Is this SA / policy ours? */
bool xfrm_mgr_owns_reqid(const struct xfrm_mgr *mgr, uint32_t reqid);

#endif
