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

#include "pcscf/seal.h"
#include "sign/sign_key.h"
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
	/** The key that seals CK and IK for the state database (see seal.h); it stays in
	 *  the parent: the caller wipes its copy once privsep_start() returned. */
	uint8_t at_rest_key[SEAL_KEY_LEN];
	bool has_at_rest_key;
	/** Memory only the child needs (the signing pool key in pcscfd's configuration): the
	 *  parent wipes it at once after the split. NULL: none. */
	void *child_secret;
	size_t child_secret_len;
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

/** Most further UE addresses a set adopted after a restart can have. */
#define PRIVSEP_ADOPT_ADDRS 8
/** Most SAs privsep_set_sas() reports for one set. */
#define PRIVSEP_SET_SAS_MAX (4 + 2 * PRIVSEP_ADOPT_ADDRS)

/** A set to adopt after a restart: what privsep_set_install() was given, CK and IK
 *  sealed (seal.h) instead of in clear, the reqid it had and its further addresses. */
struct privsep_adopt_req {
	struct privsep_set_req set; /**< ck and ik unused (zero) */
	uint32_t reqid;
	uint8_t sealed[SEAL_BLOB_LEN];
	struct xfrm_addr addrs[PRIVSEP_ADOPT_ADDRS];
	uint32_t naddrs;
};

/** One SA of a set with its kernel counters. */
struct privsep_sa_info {
	struct xfrm_addr dst;
	uint32_t spi;
	struct xfrm_sa_counters counters;
};

/** A set's keys as they are in the kernel (for pcscfctl keys export only). */
struct privsep_set_keys {
	enum ipsec_integ integ;
	enum ipsec_encr encr;
	uint8_t auth_key[IPSEC_KEY_MAX];
	uint32_t auth_key_len;
	uint8_t enc_key[IPSEC_KEY_MAX];
	uint32_t enc_key_len; /**< AEAD: key followed by the salt */
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

/**
 * Install a set.
 * @param sealed when not NULL and the parent has an at-rest key: CK and IK sealed for the
 *        state database (SEAL_BLOB_LEN bytes); all zero without a key
 * @return 0 with its reqid, or -errno (EPERM: refused by the limits)
 */
int privsep_set_install(struct privsep *ps, const struct privsep_set_req *req, uint32_t *reqid,
			uint8_t *sealed);

/**
 * Adopt a set after a restart (xfrm_set_adopt()): the parent checks it against the limits,
 * opens the sealed keys (bound to the reqid, SPIs and algorithms) and registers the set
 * with its reqid; privsep_reconcile() then puts into the kernel what is missing.
 * @return 0 or -errno (EBADMSG: the sealed keys do not open; EEXIST: reqid taken)
 */
int privsep_set_adopt(struct privsep *ps, const struct privsep_adopt_req *req);

/** Reconcile the kernel with the known sets and the guard (xfrm_mgr_reconcile()). */
int privsep_reconcile(struct privsep *ps, struct xfrm_reconcile_report *report);

/** The SAs of set @p reqid with their counters. @return the number or -errno */
int privsep_set_sas(struct privsep *ps, uint32_t reqid,
		    struct privsep_sa_info sas[PRIVSEP_SET_SAS_MAX]);

/** The keys of set @p reqid (root's pcscfctl keys export). @return 0 or -errno */
int privsep_set_keys(struct privsep *ps, uint32_t reqid, struct privsep_set_keys *keys);

/**
 * Have the parent seal a signing key for the state database (seal_sign_encrypt()).
 * @param rec the key (the caller wipes it)
 * @param sealed SEAL_BLOB_LEN bytes out
 * @return 0 or -errno (EINVAL: no database key, or a bad record)
 */
int privsep_sign_seal(struct privsep *ps, const struct sign_key_record *rec,
		      uint8_t sealed[SEAL_BLOB_LEN]);

/**
 * Have the parent open a signing key from the state database (seal_sign_decrypt()).
 * @param rec ID, creation time and expiry as stored (in); the secret (out: wipe it)
 * @param sealed SEAL_BLOB_LEN bytes
 * @return 0 or -errno (EBADMSG: altered, or sealed under another database key)
 */
int privsep_sign_unseal(struct privsep *ps, struct sign_key_record *rec,
			const uint8_t sealed[SEAL_BLOB_LEN]);

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

/**
 * Seal @p req's CK and IK for the state database, bound to @p reqid, the SPIs and the
 * algorithms (what the parent does on every install; also used to seed a database).
 * @return 0 or -EIO
 */
int privsep_seal(const uint8_t key[SEAL_KEY_LEN], const struct privsep_set_req *req,
		 uint32_t reqid, uint8_t sealed[SEAL_BLOB_LEN]);

/* For the parent's checks, visible to the unit tests. */
/** Check @p req against @p limits. @return 0, or -EPERM with the reason in @p why */
int privsep_check_set(const struct privsep_limits *limits, const struct xfrm_mgr_config *config,
		      const struct privsep_set_req *req, char *why, size_t why_len);

#endif
