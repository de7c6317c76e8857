/*
 * privsep.h — pcscfd's privilege separation.
 *
 * pcscfd starts as root and splits in two at once. The parent keeps the power to change
 * the kernel's IPsec tables and does nothing else: it owns the xfrm manager and carries
 * out narrow requests from the child after checking them against the configuration
 * (the P-CSCF's own addresses and protected ports, the access prefixes UEs live in, the
 * shortest prefix a UE may claim, our SPI range, the algorithms TS 33.203 allows, the
 * longest lifetime). The child parses SIP from the network; it runs as an unprivileged
 * user without capabilities, so a bug in the SIP code cannot touch IPsec directly.
 *
 * Requests are fixed-size structures on a SOCK_SEQPACKET pair, one enum of message
 * types, sizes checked on receipt; keys never travel: the child sends CK and IK (which it
 * must see to strip them from the 401 anyway) and the parent derives the ESP keys. Kernel
 * events (ACQUIRE, EXPIRE) come to the child on a second pair.
 */
#ifndef PCSCF_PRIVSEP_H
#define PCSCF_PRIVSEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xfrm/xfrm_mgr.h"

#define PRIVSEP_PREFIXES_MAX 16
#define PRIVSEP_ADDRS_MAX 4
#define PRIVSEP_PORTS_MAX 16

/** A prefix (address and length). */
struct privsep_prefix {
	struct xfrm_addr addr;
	unsigned len;
};

/** What the parent allows the child to ask for. */
struct privsep_limits {
	struct xfrm_addr pcscf_addrs[PRIVSEP_ADDRS_MAX]; /**< our protected addresses */
	size_t npcscf_addrs;
	uint16_t ports[PRIVSEP_PORTS_MAX];		 /**< our protected ports */
	size_t nports;
	struct privsep_prefix ue_prefixes[PRIVSEP_PREFIXES_MAX]; /**< where UEs live */
	size_t nue_prefixes;
	unsigned min_prefix_len6;	/**< shortest addr-pref-length accepted (IPv6) */
	unsigned min_prefix_len4;	/**< the same for IPv4 */
	uint32_t max_lifetime_s;	/**< longest SA lifetime */
};

/** A set as the child asks for it: no keys, CK and IK instead. */
struct privsep_set_req {
	struct xfrm_end ue;
	unsigned ue_prefix_len;
	struct xfrm_end pcscf;
	enum xfrm_transport transport;
	enum ipsec_integ integ;
	enum ipsec_encr encr;
	uint8_t ck[16], ik[16];
	uint32_t lifetime_s;
};

struct privsep;

/**
 * Split the process. The parent keeps root, serves the child until the child ends, and
 * exits with the child's status: this function returns only in the child, which has
 * become @p user (uid and gid) with no capabilities and PR_SET_NO_NEW_PRIVS.
 * @param limits what the child may ask for
 * @param config the xfrm manager's configuration (NULL: defaults)
 * @param user the unprivileged user, e.g. "nobody"
 * @param out the child's handle
 * @return 0 in the child, or -errno before the split (nothing was forked)
 */
int privsep_start(const struct privsep_limits *limits, const struct xfrm_mgr_config *config,
		  const char *user, struct privsep **out);

/** The message of the last failed request (from the parent, or local). */
const char *privsep_error(const struct privsep *ps);

/** Install a set. @return 0 with its reqid, or -errno (EPERM: refused by the limits) */
int privsep_set_install(struct privsep *ps, const struct privsep_set_req *req, uint32_t *reqid);

/** Delete the set @p reqid. @return 0 or -errno */
int privsep_set_delete(struct privsep *ps, uint32_t reqid);

/** Add the SAs towards a further address inside set @p reqid's prefix. @return 0 or -errno */
int privsep_set_add_address(struct privsep *ps, uint32_t reqid, const struct xfrm_addr *addr);

/** Give set @p reqid a new lifetime. @return 0 or -errno */
int privsep_set_extend(struct privsep *ps, uint32_t reqid, uint32_t lifetime_s);

/** Allocate an inbound SPI not equal to the UE's @p avoid[0..1]. @return 0 or -errno */
int privsep_spi_alloc(struct privsep *ps, const uint32_t avoid[2], uint32_t *spi);

/** Release an SPI that no set uses. @return 0 or -errno */
int privsep_spi_release(struct privsep *ps, uint32_t spi);

/** Install the protected-port guard on every P-CSCF address and port of the limits. */
int privsep_guard(struct privsep *ps);

/** Count the manager's objects in the kernel. @return 0 or -errno */
int privsep_count(struct privsep *ps, unsigned *sas, unsigned *policies);

/** The descriptor that becomes readable when kernel events arrive. */
int privsep_events_fd(const struct privsep *ps);

/** Read the queued events, calling @p fn for each. @return the number or -errno */
int privsep_events_read(struct privsep *ps, void (*fn)(void *arg, const struct xfrm_event *event),
			void *arg);

/** Close the channel (the parent then exits) and free the handle. */
void privsep_free(struct privsep *ps);

/* For the parent's checks, visible to the unit tests. */
/** Check @p req against @p limits. @return 0, or -EPERM with the reason in @p why */
int privsep_check_set(const struct privsep_limits *limits, const struct xfrm_mgr_config *config,
		      const struct privsep_set_req *req, char *why, size_t why_len);

#endif
