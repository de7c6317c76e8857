/*
 * hss_sip.h — hss-stub's SIP side: an S-CSCF registrar with AKA (RFC 3261 §10, RFC 3310,
 * RFC 3327, TS 24.229 §5.4.1) and a stateless proxy that routes requests for registered
 * IMPUs to their contacts through the stored Path, and responses back by Via (RFC 3261 §16.11,
 * §18.2.2, RFC 3581). It does not Record-Route.
 *
 * No sockets here: hss_sip_receive() takes one message as the transport delivered it, and
 * everything to be sent goes through the send callback, so the logic is tested on crafted
 * messages. Time is passed in (monotonic milliseconds); hss_sip_expire() is to be called
 * about once a second.
 *
 * Answered requests are remembered for 32 s (RFC 3261 §17.2.2, Timer J) by their top Via
 * branch, sent-by and method: a retransmission gets the same response again, and an ACK
 * for a final response we gave to an INVITE ends there.
 */
#ifndef HSS_SIP_H
#define HSS_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "hss-stub/hss_bind.h"
#include "hss-stub/hss_db.h"
#include "sip/sip_transport.h"

/** Most local addresses (listeners) the logic knows of. */
#define HSS_SIP_MAX_LOCALS 16

/** Configuration; strings are copied. Zero numbers take the defaults. */
struct hss_sip_config {
	const char *domain;	  /**< home domain and Digest realm, e.g. "ims.test" (required) */
	const char *name;	  /**< own SIP URI; NULL: "sip:scscf.<domain>" */
	uint32_t default_expires; /**< when a REGISTER names none; default 3600 s */
	uint32_t min_expires;	  /**< shorter ones get 423; default 60 s */
	uint32_t max_expires;	  /**< longer ones are cut to it; default 600000 s */
	uint32_t auth_timeout_s;  /**< how long a challenge can be answered; default 60 s */
	bool always_challenge;	  /**< challenge integrity-protected re-registrations too */
};

/** One message to send. Pointers are valid during the callback only. */
struct hss_sip_tx {
	enum sip_proto proto;
	const struct sockaddr_storage *local; /**< send from (may be NULL: any) */
	const struct sockaddr_storage *peer;  /**< send to */
	uint64_t conn_id; /**< TCP: try this connection first (0: none); else @peer */
	const char *buf;
	size_t len;
};

/**
 * hss_sip_send_cb - send one message.
 * @tx: what and where.
 * @arg: the argument given to hss_sip_new().
 * @return 0, or a negative errno (logged by the caller of the callback).
 */
typedef int (*hss_sip_send_cb)(const struct hss_sip_tx *tx, void *arg);

/** Counters since hss_sip_new(). */
struct hss_sip_stats {
	uint64_t rx_requests;	     /**< requests that parsed */
	uint64_t rx_responses;	     /**< responses that parsed */
	uint64_t rx_malformed;	     /**< messages that did not parse */
	uint64_t retransmissions;    /**< requests answered again from the cache */
	uint64_t challenges;	     /**< 401s sent */
	uint64_t registrations;	     /**< 200s to REGISTER */
	uint64_t auth_failures;	     /**< 403s for a wrong response or AUTS */
	uint64_t resyncs;	     /**< SQN resynchronisations */
	uint64_t requests_forwarded; /**< requests proxied */
	uint64_t responses_forwarded;
	uint64_t dropped;     /**< messages dropped (not ours, no route, send errors) */
	uint64_t send_errors; /**< the send callback failed */
};

struct hss_sip;

/**
 * hss_sip_new() - the registrar and proxy.
 * @cfg: configuration.
 * @db: the subscriber database (outlives the result).
 * @send: the send callback.
 * @arg: passed to @send.
 * @return the object, or NULL (bad configuration, e.g. a --name that is not a sip: URI, or
 * out of memory; errno says which: EINVAL, ENOMEM).
 */
struct hss_sip *hss_sip_new(const struct hss_sip_config *cfg, struct hss_db *db,
			    hss_sip_send_cb send, void *arg);

/**
 * hss_sip_free() - free it (bindings and challenges are lost).
 * @s: the object, or NULL.
 */
void hss_sip_free(struct hss_sip *s);

/**
 * hss_sip_add_local() - tell the logic an address it listens on: it sends from there, puts
 * it into its Via, and recognises Route and Request-URI values naming it.
 * @s: the object.
 * @proto: SIP_PROTO_UDP or SIP_PROTO_TCP.
 * @addr: the bound address (a wildcard address is allowed) with its port.
 * @return 0, -EINVAL, -ENOSPC (more than HSS_SIP_MAX_LOCALS).
 */
int hss_sip_add_local(struct hss_sip *s, enum sip_proto proto, const struct sockaddr_storage *addr);

/**
 * hss_sip_receive() - handle one received message (a datagram, or a message cut from a TCP
 * stream); whatever is to be sent goes through the send callback before this returns.
 * @s: the object.
 * @rx: the message and its addresses, as the transport gives them.
 * @now_ms: monotonic time.
 */
void hss_sip_receive(struct hss_sip *s, const struct sip_transport_rx *rx, uint64_t now_ms);

/**
 * hss_sip_expire() - drop expired bindings, challenges and remembered transactions.
 * @s: the object.
 * @now_ms: monotonic time.
 */
void hss_sip_expire(struct hss_sip *s, uint64_t now_ms);

/**
 * hss_sip_binding() - the registration of a subscriber (for tests and logs).
 * @s: the object.
 * @impi: the IMPI.
 * @return the registration, or NULL.
 */
const struct hss_reg *hss_sip_binding(const struct hss_sip *s, const char *impi);

/**
 * hss_sip_get_stats() - the counters.
 * @s: the object.
 * @stats: receives a copy.
 */
void hss_sip_get_stats(const struct hss_sip *s, struct hss_sip_stats *stats);

#endif /* HSS_SIP_H */
