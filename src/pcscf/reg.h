/*
 * reg.h — pcscfd's registrations, the registrations in progress, and the SA sets they use.
 *
 * A *pending* registration is a REGISTER between its Security-Client offer and the 200:
 * it holds the UE's offer and, after the 401, the SA set installed for it. The 200 to the
 * REGISTER that came over that set makes it a *registration*: the registered IMPU, its
 * Service-Route and expiry, and the set in use (plus, after a re-registration, the old
 * set until the UE uses the new one, TS 33.203 §7.4).
 *
 * Objects are found by what arrives: a protected message's source address (inside the
 * set's UE prefix) and source port (the UE's port-c for requests, port-s for responses),
 * a Call-ID, or an id. Ids, not pointers, are kept across messages, so a freed object is
 * never used by mistake. Lists are searched linearly (fine for thousands).
 */
#ifndef PCSCF_REG_H
#define PCSCF_REG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcscf/seal.h"
#include "sign/sign.h"
#include "sip/secagree.h"
#include "sip/sip_transport.h"
#include "xfrm/ipsec_keys.h"
#include "xfrm/xfrm_mgr.h"

#define REG_URI_MAX	256
#define REG_ROUTE_MAX	512
#define REG_CALL_ID_MAX 128
#define REG_SERVER_MAX	320
#define REG_ADDRS_MAX	8
#define REG_NONCE_MAX	128

/** The window signing-warn-rate counts failed signature checks in (pcscf.conf(5)). */
#define REG_SIGN_WINDOW_MS 60000

/** Failed signature checks of one peer: a UE's registration, or the core side. */
struct reg_sign {
	uint64_t failed;		       /**< failed checks in all */
	uint64_t by_reason[SIGN_RESULT_COUNT]; /**< of those, by reason ([SIGN_OK] stays 0) */
	enum sign_result last;		       /**< the reason of the last one */
	uint64_t last_ms;		       /**< when (monotonic ms); 0: never */
	uint64_t window_ms;		       /**< when the current rate window began */
	uint32_t window_n;		       /**< failures in that window */
};

/** One SA set as agreed with a UE. */
struct reg_sa {
	uint32_t reqid;		      /**< the set's reqid; 0 while not installed */
	enum secagree_mech_type mech; /**< the syntax the UE used */
	enum ipsec_integ integ;	      /**< alg */
	enum ipsec_encr encr;	      /**< ealg */
	struct xfrm_end ue;	      /**< UE address at registration, its ports and SPIs */
	struct xfrm_end pcscf;	      /**< our access address, ports and SPIs */
	unsigned prefix_len;	      /**< the UE prefix of the selectors */
	bool has_prefix_len;	      /**< the UE offered addr-pref-length */
	char server[REG_SERVER_MAX];  /**< the Security-Server value we sent */
	struct xfrm_addr addrs[REG_ADDRS_MAX]; /**< UE addresses with SAs towards them */
	size_t naddrs;
	uint8_t sealed[SEAL_BLOB_LEN]; /**< CK and IK sealed by the parent, for the database */
};

/** An active registration. */
struct reg {
	struct reg *next;
	uint64_t id;
	char impu[REG_URI_MAX];		   /**< the registered public identity (To) */
	char impi[REG_URI_MAX];		   /**< the private identity (Authorization username);
					    *   empty when unknown (restored from an old database) */
	char contact[REG_URI_MAX];	   /**< the UE's Contact URI */
	char assoc[REG_ROUTE_MAX];	   /**< P-Associated-URI of the 200, as received */
	char service_route[REG_ROUTE_MAX]; /**< Service-Route values, joined by ", " */
	char call_id[REG_CALL_ID_MAX];
	struct reg_sa cur;	    /**< the set in use */
	struct reg_sa old;	    /**< the previous set (reqid 0: none) */
	uint64_t old_until_ms;	    /**< when the old set goes at the latest */
	struct xfrm_addr last_addr; /**< where the UE last sent from */
	enum sip_proto proto;	    /**< transport of its REGISTER */
	uint64_t expires_ms;	    /**< end of the registration */
	uint64_t delete_ms;	    /**< when its sets are deleted (expiry + sa-grace) */
	struct reg_sign sign;	    /**< its failed signature checks (not stored) */
};

/** A registration in progress. */
struct reg_pending {
	struct reg_pending *next;
	uint64_t id;
	char call_id[REG_CALL_ID_MAX];
	uint32_t cseq;		   /**< CSeq of its REGISTER (a retransmission has the same) */
	uint64_t reg_id;	   /**< the registration it renews; 0 for an initial one */
	struct reg_sa sa;	   /**< the offer; installed after the 401 (reqid != 0) */
	char nonce[REG_NONCE_MAX]; /**< the challenge the set was made for (public) */
	uint64_t expires_ms;	   /**< forgotten (and its set deleted) after this */
};

/** All of them. */
struct reg_store {
	struct reg *regs;
	struct reg_pending *pending;
	size_t nregs, npending;
	uint64_t next_id;
};

/** Which set of a registration a message came by. */
enum reg_which {
	REG_SA_NONE = 0,
	REG_SA_CUR,
	REG_SA_OLD,
	REG_SA_PENDING,
};

/**
 * reg_store_init() - an empty store.
 * @s: the store.
 */
void reg_store_init(struct reg_store *s);

/**
 * reg_store_clear() - free everything (kernel sets are the caller's business).
 * @s: the store.
 */
void reg_store_clear(struct reg_store *s);

/**
 * reg_new() - add an empty registration.
 * @s: the store.
 * @return it (zeroed but for its id), or NULL when out of memory.
 */
struct reg *reg_new(struct reg_store *s);

/**
 * reg_free() - remove a registration from the store and free it.
 * @s: the store.
 * @r: the registration.
 */
void reg_free(struct reg_store *s, struct reg *r);

/**
 * reg_find_id() - a registration by id.
 * @s: the store.
 * @id: the id (0 finds nothing).
 * @return it, or NULL.
 */
struct reg *reg_find_id(struct reg_store *s, uint64_t id);

/**
 * reg_find_addr() - the registration whose current set's prefix holds @addr (the newest
 * when several do).
 * @s: the store.
 * @addr: a UE address.
 * @return it, or NULL.
 */
struct reg *reg_find_addr(struct reg_store *s, const struct xfrm_addr *addr);

/**
 * reg_pending_new() - add a pending registration.
 * @s: the store.
 * @return it (zeroed but for its id), or NULL when out of memory.
 */
struct reg_pending *reg_pending_new(struct reg_store *s);

/**
 * reg_pending_free() - remove a pending registration and free it.
 * @s: the store.
 * @pd: the pending registration.
 */
void reg_pending_free(struct reg_store *s, struct reg_pending *pd);

/**
 * reg_pending_find_id() - a pending registration by id.
 * @s: the store.
 * @id: the id.
 * @return it, or NULL.
 */
struct reg_pending *reg_pending_find_id(struct reg_store *s, uint64_t id);

/**
 * reg_pending_find_call_id() - a pending registration by Call-ID.
 * @s: the store.
 * @call_id: the Call-ID (not NUL-terminated).
 * @len: its length.
 * @return it, or NULL.
 */
struct reg_pending *reg_pending_find_call_id(struct reg_store *s, const char *call_id, size_t len);

/**
 * reg_match() - which set a protected message came by: the set whose UE prefix holds
 * @addr and whose UE port-c (@from_port_c) or port-s (otherwise) is @port. Registrations
 * are searched first (current, then old set), then pending registrations with an
 * installed set.
 * @s: the store.
 * @addr: the source address.
 * @port: the source port.
 * @from_port_c: true for a request (sent from the UE's port-c), false for a response.
 * @reg: set to the registration, or NULL.
 * @pending: set to the pending registration, or NULL.
 * @return which set matched (REG_SA_NONE when none did).
 */
enum reg_which reg_match(struct reg_store *s, const struct xfrm_addr *addr, uint16_t port,
			 bool from_port_c, struct reg **reg, struct reg_pending **pending);

/**
 * reg_sa_covers() - whether @addr lies inside the set's UE prefix.
 * @sa: the set.
 * @addr: the address.
 * @return true when it does.
 */
bool reg_sa_covers(const struct reg_sa *sa, const struct xfrm_addr *addr);

/**
 * reg_sa_has_addr() - whether the set already has SAs towards @addr.
 * @sa: the set.
 * @addr: the address.
 * @return true when it has.
 */
bool reg_sa_has_addr(const struct reg_sa *sa, const struct xfrm_addr *addr);

/**
 * reg_sa_note_addr() - remember that the set now has SAs towards @addr.
 * @sa: the set.
 * @addr: the address.
 * @return 0, or -E2BIG when REG_ADDRS_MAX addresses are known already.
 */
int reg_sa_note_addr(struct reg_sa *sa, const struct xfrm_addr *addr);

/**
 * reg_sign_note() - count a failed signature check of a peer, in its rate window too (a
 * window begins with the first failure after the last window ended).
 * @s: the peer's counters.
 * @r: the reason (not SIGN_OK).
 * @now_ms: monotonic time.
 * @rate: failures a window that make a warning (0: never).
 * @return true when this failure reached @rate: once a window at most.
 */
bool reg_sign_note(struct reg_sign *s, enum sign_result r, uint64_t now_ms, uint32_t rate);

/**
 * reg_sign_over_rate() - whether a peer's current window has reached @rate.
 * @s: the peer's counters.
 * @now_ms: monotonic time.
 * @rate: as for reg_sign_note() (0: never over).
 * @return true when it has.
 */
bool reg_sign_over_rate(const struct reg_sign *s, uint64_t now_ms, uint32_t rate);

#endif /* PCSCF_REG_H */
