/*
 * pcscf.h — the P-CSCF's SIP logic, without sockets or privileges.
 *
 * pcscfd feeds every message it receives to pcscf_rx() with the addresses it came by; the
 * logic parses it, decides, and acts through a table of operations: send a message, and
 * ask the privileged parent for SPIs and SA sets. pcscfd binds the operations to its
 * transport and to privsep.h; the unit tests bind them to recorders, so every decision can
 * be checked without a socket or a kernel.
 *
 * Where a message arrived says what it is:
 *  - an access address, the unprotected port: only an initial REGISTER is served there;
 *  - an access address, port-s or port-c: it came over a UE's SAs (the guard policies drop
 *    clear text on those ports), from the address and port the kernel checked;
 *  - a core address: from the S-CSCF side.
 *
 * Time is given by the caller (monotonic milliseconds) to pcscf_rx() and pcscf_tick(),
 * which expires registrations, pending registrations and transactions.
 */
#ifndef PCSCF_PCSCF_H
#define PCSCF_PCSCF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "pcscf/config.h"
#include "pcscf/privsep.h"
#include "pcscf/reg.h"
#include "sign/sign.h"
#include "sip/sip_transport.h"
#include "xfrm/xfrm_mgr.h"

/** How a message came, or how it is to be sent. */
struct pcscf_peer {
	enum sip_proto proto;		/**< SIP_PROTO_UDP or SIP_PROTO_TCP */
	struct sockaddr_storage local;	/**< our address and port */
	struct sockaddr_storage remote; /**< the other end's */
	uint64_t conn_id;		/**< TCP connection to use first; 0 for none */
};

/** What the logic asks of its environment; each returns 0 or -errno. */
struct pcscf_ops {
	/** Send one message (TCP: on conn_id if still open, else a connection from local). */
	int (*send)(void *arg, const struct pcscf_peer *to, const char *buf, size_t len);
	/** privsep_spi_alloc() */
	int (*spi_alloc)(void *arg, const uint32_t avoid[2], uint32_t *spi);
	/** privsep_spi_release() */
	int (*spi_release)(void *arg, uint32_t spi);
	/** privsep_set_install(); @sealed receives SEAL_BLOB_LEN bytes */
	int (*set_install)(void *arg, const struct privsep_set_req *req, uint32_t *reqid,
			   uint8_t *sealed);
	/** privsep_set_delete() */
	int (*set_delete)(void *arg, uint32_t reqid);
	/** privsep_set_extend() */
	int (*set_extend)(void *arg, uint32_t reqid, uint32_t lifetime_s);
	/** privsep_set_add_address() */
	int (*set_add_address)(void *arg, uint32_t reqid, const struct xfrm_addr *addr);
	/** Keep a new or changed registration in the state database (NULL: no database).
	 *  Called before anything that depends on it is sent. */
	int (*reg_save)(void *arg, const struct reg *r);
	/** Forget a registration in the state database (NULL: no database). */
	int (*reg_forget)(void *arg, uint64_t id);
	/** Keep the signing keys in the state database (NULL: no database): the whole ring,
	 *  oldest first, after a key was added or purged, before anything signed with a new
	 *  key is sent. The records are secrets: copy what is needed, the logic wipes them. */
	int (*sign_save)(void *arg, const struct sign_key_record *recs, size_t n);
};

/** What a failed signature check was about (doc/signing.md, the four signatures). */
enum pcscf_sign_kind {
	PCSCF_SIGN_VIA = 0,   /**< sg-v on a response */
	PCSCF_SIGN_RR,	      /**< sg-rr on a dialog-creating response */
	PCSCF_SIGN_ROUTE_SET, /**< the routes of sg-rs on an in-dialog request */
	PCSCF_SIGN_TARGET,    /**< its Request-URI (sg-tg, or the target half of sg-rs) */
	PCSCF_SIGN_KINDS,     /**< number of kinds */
};

/** Counters since pcscf_new(). */
struct pcscf_stats {
	uint64_t rx;		   /**< messages given to pcscf_rx() */
	uint64_t rx_bad;	   /**< messages that did not parse */
	uint64_t answered_bad;	   /**< of those, requests answered with the parser's status */
	uint64_t forwarded;	   /**< requests and responses sent on */
	uint64_t answered;	   /**< responses we generated (421, 494, 400, 403, ...) */
	uint64_t drop_unprotected; /**< requests other than REGISTER on the unprotected port */
	uint64_t drop_no_reg;	   /**< protected messages from no registration */
	uint64_t drop_no_txn;	   /**< responses that match no transaction of ours */
	uint64_t drop_other;	   /**< anything else dropped (no route, send failed, ...) */
	uint64_t absorbed;	   /**< REGISTER retransmissions not forwarded (answer pending) */
	uint64_t sets_installed;   /**< SA sets installed */
	uint64_t sets_deleted;	   /**< SA sets deleted */
	uint64_t addresses_added;  /**< further UE addresses given SAs */
	uint64_t registrations;	   /**< active registrations now */
	uint64_t pending;	   /**< registrations in progress now */
	/** Signature checks (config "signing"): [SIGN_OK] passed, the others failed and why. */
	uint64_t sign_checks[SIGN_RESULT_COUNT];
	uint64_t sign_failed_kind[PCSCF_SIGN_KINDS]; /**< failed checks by what was checked */
	uint64_t sign_made;	     /**< signatures made (sg-v, sg-rr, sg-rs, sg-tg) */
	uint64_t sign_403_limited;   /**< failed in-dialog requests dropped, not answered (rate) */
	uint64_t sign_warnings;	     /**< times a UE or the core reached signing-warn-rate */
	uint64_t sign_ues_over_rate; /**< UEs at or over signing-warn-rate in their window now */
	struct reg_sign sign_core;   /**< failed checks of responses from the core (signing-core) */
};

struct pcscf;

/**
 * pcscf_new() - create the logic.
 * @config: the configuration (copied).
 * @ops: the operations (kept; must outlive the logic).
 * @arg: passed to every operation.
 * @return the logic, or NULL (out of memory, or no usable scscf URI).
 */
struct pcscf *pcscf_new(const struct config *config, const struct pcscf_ops *ops, void *arg);

/**
 * pcscf_free() - free the logic; SA sets are left alone (see pcscf_shutdown()).
 * @p: the logic, or NULL.
 */
void pcscf_free(struct pcscf *p);

/**
 * pcscf_rx() - handle one received message.
 * @p: the logic.
 * @from: how it came (local and remote address, protocol, TCP connection).
 * @buf: the message.
 * @len: its length.
 * @now_ms: monotonic time.
 */
void pcscf_rx(struct pcscf *p, const struct pcscf_peer *from, const char *buf, size_t len,
	      uint64_t now_ms);

/**
 * pcscf_tick() - expire what is due: registrations (their SA sets are deleted), pending
 * registrations, old SA sets and transactions; rotate and purge the signing keys. Call
 * it about once a second.
 * @p: the logic.
 * @now_ms: monotonic time.
 */
void pcscf_tick(struct pcscf *p, uint64_t now_ms);

/**
 * pcscf_xfrm_event() - a kernel event: an ACQUIRE for an address inside a registered
 * prefix adds the SAs towards that address; a hard EXPIRE of a set's SA ends the
 * registration that used it.
 * @p: the logic.
 * @event: the event.
 * @now_ms: monotonic time.
 */
void pcscf_xfrm_event(struct pcscf *p, const struct xfrm_event *event, uint64_t now_ms);

/**
 * pcscf_shutdown() - delete every SA set and forget every registration (clean exit).
 * @p: the logic.
 */
void pcscf_shutdown(struct pcscf *p);

/**
 * pcscf_restore() - take back a registration from the state database (after a restart);
 * its SA sets must have been adopted by the parent already. It keeps its id.
 * @p: the logic.
 * @r: the registration (copied).
 * @return 0 or -ENOMEM
 */
int pcscf_restore(struct pcscf *p, const struct reg *r);

/**
 * pcscf_sign_restore() - take back the signing keys from the state database (at start,
 * before any message): expired records are skipped, then the ring ticks (a new key when
 * the newest is due, saved through ops->sign_save). Nothing is done when signing is off.
 * @p: the logic.
 * @recs: the records (the caller wipes them).
 * @n: their number (0: a first start).
 * @return the number of keys taken back, or -errno (sign_ring_import(); -EIO: no key)
 */
int pcscf_sign_restore(struct pcscf *p, const struct sign_key_record *recs, size_t n);

/** The signing keys at a glance, without secrets (pcscfctl status). */
struct pcscf_sign_status {
	size_t keys;		  /**< keys that verify (0: signing off or not started) */
	uint32_t current_id;	  /**< the key ID that signs now */
	uint64_t current_created; /**< when that key was made (wall-clock seconds) */
};

/**
 * pcscf_sign_status() - how many signing keys there are and which one signs.
 * @p: the logic.
 * @st: the status.
 */
void pcscf_sign_status(const struct pcscf *p, struct pcscf_sign_status *st);

/**
 * pcscf_registrations() - the registrations, newest first (follow ->next); for reading.
 * @p: the logic.
 * @return the first, or NULL.
 */
const struct reg *pcscf_registrations(const struct pcscf *p);

/** Whether pcscf_deregister() told the S-CSCF about one registration. */
enum pcscf_dereg_told {
	PCSCF_DEREG_TOLD = 0,	 /**< a de-REGISTER went to the S-CSCF (its answer is logged) */
	PCSCF_DEREG_NO_IMPI,	 /**< not told: IMPI unknown (restored from an older database) */
	PCSCF_DEREG_SEND_FAILED, /**< not told: the de-REGISTER could not be written or sent */
};

/** Called by pcscf_deregister() with each registration before it is forgotten. */
typedef void pcscf_dereg_fn(void *arg, const struct reg *r, enum pcscf_dereg_told told);

/**
 * pcscf_deregister() - end the registrations of @impu administratively: each is told to
 * the S-CSCF with a de-REGISTER on the UE's behalf (when its IMPI is known), then its SA
 * sets are deleted and it is forgotten, without waiting for the S-CSCF's answer. Pending
 * registrations (not registered at the S-CSCF) are left alone.
 * @p: the logic.
 * @impu: the public identity (compared without case).
 * @fn: called with each registration and what the S-CSCF was told, or NULL.
 * @arg: for @fn.
 * @return the number of registrations ended
 */
int pcscf_deregister(struct pcscf *p, const char *impu, pcscf_dereg_fn *fn, void *arg);

/**
 * pcscf_get_stats() - copy the counters.
 * @p: the logic.
 * @stats: the copy.
 */
void pcscf_get_stats(const struct pcscf *p, struct pcscf_stats *stats);

#endif /* PCSCF_PCSCF_H */
