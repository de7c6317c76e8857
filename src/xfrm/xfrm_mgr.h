/*
 * xfrm_mgr.h — the kernel IPsec manager: UE SA sets over xfrm netlink (libnl-xfrm).
 *
 * A *set* is what TS 33.203 calls the SAs of one registration: four transport-mode ESP
 * SAs between a UE and the P-CSCF, and the policies that make the kernel use them:
 *
 *   UE port-c → P-CSCF port-s   SPI = P-CSCF spi-s     (towards the P-CSCF)
 *   UE port-s → P-CSCF port-c   SPI = P-CSCF spi-c     (towards the P-CSCF)
 *   P-CSCF port-c → UE port-s   SPI = UE spi-s         (towards the UE)
 *   P-CSCF port-s → UE port-c   SPI = UE spi-c         (towards the UE)
 *
 * The UE side of every selector is the UE's prefix (addr-pref-length); the P-CSCF side
 * is one address and port. SAs towards the P-CSCF have a wildcard source address, so any
 * source inside the prefix is accepted (the kernel checks the selector after decrypting).
 * SAs towards the UE are identified by their destination, so each further UE address in
 * the prefix needs its own pair (xfrm_set_add_address()). The same set describes both
 * ends: the role says which end this kernel is.
 *
 * Ownership: every SA carries a reqid from the manager's range, every policy this
 * manager makes has one of its two priorities (and, for set policies, a template with a
 * reqid of the range). Listing, reconciling and flushing only ever touch such objects.
 *
 * Every request asks for an acknowledgement and every acknowledgement is read; requests
 * are sent in batches (many netlink messages per sendmsg). A failure is reported as
 * -errno with a message naming the operation, the SA (destination, SPI, protocol) or the
 * policy (direction, selector), and the kernel's extended-ACK text when it gave one.
 */
#ifndef XFRM_MGR_H
#define XFRM_MGR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xfrm/ipsec_keys.h"

/** Which end of the set this kernel is. */
enum xfrm_role {
	XFRM_ROLE_PCSCF, /**< we are the P-CSCF: SAs towards the UE are outbound */
	XFRM_ROLE_UE,	 /**< we are the UE: SAs towards the UE are inbound */
};

/** Transport protocols a set's selectors cover. */
enum xfrm_transport {
	XFRM_TRANSPORT_ANY, /**< UDP and TCP (and anything else) on the ports */
	XFRM_TRANSPORT_UDP,
	XFRM_TRANSPORT_TCP,
};

/** An IPv4 or IPv6 address. */
struct xfrm_addr {
	int family; /**< AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/** One end of a set: its address, its two protected ports, its two inbound SPIs. */
struct xfrm_end {
	struct xfrm_addr addr;
	uint16_t port_c, port_s;
	uint32_t spi_c, spi_s;
};

/** Everything needed to install a set. */
struct xfrm_set_params {
	enum xfrm_role role;
	struct xfrm_end ue;	/**< ue.addr is the UE's address at registration */
	unsigned ue_prefix_len; /**< addr-pref-length: 1–128 (IPv6), 1–32 (IPv4) */
	struct xfrm_end pcscf;
	enum xfrm_transport transport;
	struct ipsec_alg_keys keys; /**< algorithms and derived keys (copied, wiped on free) */
	uint32_t lifetime_s;	    /**< hard lifetime of every object; 0 = none */
};

/** Kernel counters of one SA. */
struct xfrm_sa_counters {
	uint64_t bytes, packets;
	uint32_t integrity_failed, replay;
};

/** The manager's tag and limits; see xfrm_mgr_config_default(). */
struct xfrm_mgr_config {
	uint32_t reqid_base;	   /**< first reqid of our range */
	uint32_t reqid_count;	   /**< size of the range (= most sets at once) */
	uint32_t priority_set;	   /**< priority of set policies (lower wins) */
	uint32_t priority_guard;   /**< priority of the guard's block policies */
	uint32_t spi_min, spi_max; /**< inbound SPI range, spi_min >= 256 */
	uint8_t replay_window;	   /**< anti-replay window of every SA (<= 32) */
	unsigned batch;		   /**< netlink messages in flight at most */
	/* Policy hash thresholds set when the manager opens (xfrm_mgr_set_hash_thresholds()):
	 * 0/0 leaves the kernel's; 0 for one family is its default (128 or 32). Set them to
	 * the shortest UE prefix, or the policies of /64 sets go to the kernel's unhashed
	 * list, which every insertion walks: installing N sets then costs O(N^2). */
	unsigned hash_bits6, hash_bits4;
};

struct xfrm_mgr;
struct xfrm_set;

/** Length of the error messages kept by the manager. */
#define XFRM_ERR_MAX 512

/** Fill @p config with the defaults (reqids 0x50c50000+65536, SPIs 4096–0x7fffffff, the
 *  kernel's hash thresholds left alone). */
void xfrm_mgr_config_default(struct xfrm_mgr_config *config);

/**
 * Open the netlink socket of a manager in the current network namespace.
 * @param config NULL for the defaults
 * @param out the new manager
 * @return 0 or -errno (xfrm_user missing: -EPROTONOSUPPORT)
 */
int xfrm_mgr_new(const struct xfrm_mgr_config *config, struct xfrm_mgr **out);

/** Close the socket and free the manager and every set it still holds in memory.
 *  Kernel objects stay: freeing is not deleting. */
void xfrm_mgr_free(struct xfrm_mgr *mgr);

/** The message of the last failed call ("" if none). */
const char *xfrm_mgr_error(const struct xfrm_mgr *mgr);

/**
 * Install a set: its four SAs, then its policies, all or nothing. On failure everything
 * this call installed is removed again and the error names the failed step.
 * @param mgr the manager
 * @param params the set; the keys are copied (the caller wipes its own copy)
 * @param out the new set, owned by @p mgr
 * @return 0, -EINVAL (bad parameters), -ENOSPC (no reqid left) or the kernel's -errno
 */
int xfrm_set_install(struct xfrm_mgr *mgr, const struct xfrm_set_params *params,
		     struct xfrm_set **out);

/**
 * Delete a set's SAs (including those for further addresses) and policies, and free it.
 * Objects already gone from the kernel are not an error.
 * @return 0 or the first -errno (the set is freed anyway)
 */
int xfrm_set_delete(struct xfrm_mgr *mgr, struct xfrm_set *set);

/**
 * Add the SA pair towards a further UE address inside the set's prefix: same SPIs, keys
 * and selectors, destination @p addr. Adding an address the set has is a no-op.
 * @return 0, -EINVAL (not inside the prefix), -E2BIG (too many addresses) or -errno
 */
int xfrm_set_add_address(struct xfrm_mgr *mgr, struct xfrm_set *set, const struct xfrm_addr *addr);

/**
 * Give every object of the set a new hard lifetime of @p lifetime_s from now.
 * @return 0 or -errno
 */
int xfrm_set_extend(struct xfrm_mgr *mgr, struct xfrm_set *set, uint32_t lifetime_s);

/** The set's reqid (its key in the kernel). */
uint32_t xfrm_set_reqid(const struct xfrm_set *set);

/** The set's parameters (keys included; never log them). */
const struct xfrm_set_params *xfrm_set_params(const struct xfrm_set *set);

/** The UE addresses the set has SAs for (the first is the registered one). */
size_t xfrm_set_addresses(const struct xfrm_set *set, const struct xfrm_addr **addrs);

/** Does @p addr lie inside the set's UE prefix? */
bool xfrm_set_covers(const struct xfrm_set *set, const struct xfrm_addr *addr);

/** Find the set whose reqid is @p reqid, or NULL. */
struct xfrm_set *xfrm_mgr_find_reqid(struct xfrm_mgr *mgr, uint32_t reqid);

/** Find the set whose UE prefix covers @p addr (the newest if several), or NULL. */
struct xfrm_set *xfrm_mgr_find_address(struct xfrm_mgr *mgr, const struct xfrm_addr *addr);

/** Call @p fn for every set the manager holds (do not install or delete from @p fn). */
void xfrm_mgr_foreach_set(struct xfrm_mgr *mgr, void (*fn)(void *arg, struct xfrm_set *set),
			  void *arg);

/** Call @p fn for every SA of @p set with its kernel counters (one dump of the kernel).
 *  @return 0 or -errno */
int xfrm_set_counters(struct xfrm_mgr *mgr, struct xfrm_set *set,
		      void (*fn)(void *arg, const struct xfrm_addr *dst, uint32_t spi,
				 const struct xfrm_sa_counters *counters),
		      void *arg);

/**
 * Install the protected-port guard: for @p addr and each port, block policies (priority
 * priority_guard) so that nothing is accepted on or sent from the port unless a set's
 * policy (which has a better priority) covers it. Installing it twice is not an error.
 * @return 0 or -errno
 */
int xfrm_guard_install(struct xfrm_mgr *mgr, const struct xfrm_addr *addr, const uint16_t *ports,
		       size_t nports);

/** Remove the guard for @p addr and @p ports. @return 0 or -errno */
int xfrm_guard_remove(struct xfrm_mgr *mgr, const struct xfrm_addr *addr, const uint16_t *ports,
		      size_t nports);

/** What xfrm_mgr_reconcile() changed. */
struct xfrm_reconcile_report {
	unsigned sas_added, sas_removed;
	unsigned policies_added, policies_removed;
};

/**
 * Make the kernel hold exactly the sets known to @p mgr (installed, adopted with
 * xfrm_set_adopt(), plus the guard policies listed by @p guard_addr/@p ports):
 * missing SAs and policies are added, our objects that belong to no known set are
 * removed, objects that are not ours are never touched.
 * @return 0 or -errno
 */
int xfrm_mgr_reconcile(struct xfrm_mgr *mgr, struct xfrm_reconcile_report *report);

/**
 * Register a set the kernel should have without installing it now (e.g. loaded from
 * the database after a restart); xfrm_mgr_reconcile() installs what is missing.
 * @param reqid the reqid the set had; 0 to take a new one
 * @return 0, -EINVAL, -EEXIST (reqid taken) or -ENOSPC
 */
int xfrm_set_adopt(struct xfrm_mgr *mgr, const struct xfrm_set_params *params, uint32_t reqid,
		   const struct xfrm_addr *addrs, size_t naddrs, struct xfrm_set **out);

/**
 * Delete every SA and policy of ours in the kernel, known or not, and forget all sets.
 * @return 0 or -errno
 */
int xfrm_mgr_flush(struct xfrm_mgr *mgr);

/** Count our SAs and policies in the kernel (one dump each). @return 0 or -errno */
int xfrm_mgr_count(struct xfrm_mgr *mgr, unsigned *sas, unsigned *policies);

/**
 * Allocate an inbound SPI: inside [spi_min, spi_max], used by no live inbound SA of this
 * kernel or set of this manager, not handed out before and still reserved, and not one of
 * @p avoid (the SPIs the UE chose). Reserved until xfrm_spi_release() or until a set that
 * uses it is deleted.
 * @return 0 or -ENOSPC
 */
int xfrm_spi_alloc(struct xfrm_mgr *mgr, const uint32_t *avoid, size_t navoid, uint32_t *spi);

/** Give back an SPI from xfrm_spi_alloc() that no set uses. */
void xfrm_spi_release(struct xfrm_mgr *mgr, uint32_t spi);

/**
 * Set the kernel's policy hash thresholds: policies whose selectors have at least
 * @p v6_bits (IPv6) / @p v4_bits (IPv4) prefix bits on both sides are hashed instead of
 * searched linearly. The kernel's default is 128/32 (only host selectors are hashed).
 * @return 0 or -errno
 */
int xfrm_mgr_set_hash_thresholds(struct xfrm_mgr *mgr, unsigned v6_bits, unsigned v4_bits);

/** Events from the kernel (xfrm_events_*). */
enum xfrm_event_type {
	XFRM_EVENT_ACQUIRE, /**< a packet to @c addr found a policy but no SA */
	XFRM_EVENT_EXPIRE,  /**< an SA reached its soft (hard == false) or hard lifetime */
};

/** One event. */
struct xfrm_event {
	enum xfrm_event_type type;
	struct xfrm_addr addr; /**< ACQUIRE: the packet's destination; EXPIRE: the SA's */
	struct xfrm_addr src;  /**< ACQUIRE: the packet's source */
	uint32_t spi;	       /**< EXPIRE: the SA's SPI */
	uint32_t reqid;	       /**< the template's (ACQUIRE) or SA's (EXPIRE) reqid */
	bool hard;	       /**< EXPIRE: hard expiry (the kernel deleted the SA) */
};

struct xfrm_events;

/** Subscribe to ACQUIRE and EXPIRE in the current namespace. @return 0 or -errno */
int xfrm_events_open(struct xfrm_events **out);

/** The descriptor to poll for input. */
int xfrm_events_fd(const struct xfrm_events *events);

/**
 * Read what is queued (non-blocking) and call @p fn for each event.
 * @return number of events, or -errno (-ENOBUFS: events were lost; reconcile)
 */
int xfrm_events_read(struct xfrm_events *events,
		     void (*fn)(void *arg, const struct xfrm_event *event), void *arg);

/** Close the subscription. */
void xfrm_events_close(struct xfrm_events *events);

/** Parse "2001:db8::1" or "10.0.0.1". @return 0 or -EINVAL */
int xfrm_addr_parse(const char *text, struct xfrm_addr *out);

/** Format an address into @p buf (INET6_ADDRSTRLEN bytes). @return buf */
const char *xfrm_addr_str(const struct xfrm_addr *addr, char *buf, size_t len);

/** Is @p addr inside @p prefix / @p len? (false across families) */
bool xfrm_addr_in_prefix(const struct xfrm_addr *addr, const struct xfrm_addr *prefix,
			 unsigned len);

/** Are two addresses equal? */
bool xfrm_addr_equal(const struct xfrm_addr *a, const struct xfrm_addr *b);

#endif
