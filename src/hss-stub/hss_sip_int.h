/*
 * hss_sip_int.h — what hss_sip.c (dispatch, transactions, replies), hss_reg.c (REGISTER) and
 * hss_proxy.c (routing) share. Not for use outside src/hss-stub.
 */
#ifndef HSS_SIP_INT_H
#define HSS_SIP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hss-stub/hss_auth.h"
#include "hss-stub/hss_bind.h"
#include "hss-stub/hss_map.h"
#include "hss-stub/hss_sip.h"
#include "sip/sip_edit.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"
#include "sip/sip_util.h"

/** Output buffer: a forwarded message may grow by a Via and a few Route lines. */
#define HSS_SIP_OUT_SIZE (SIP_MSG_MAX_LEN + 4096)
/** Our branches: the magic cookie and a marker, then a hash (RFC 3261 §16.11). */
#define HSS_SIP_BRANCH_PREFIX "z9hG4bK-hss-"
/** Room for a "host:port" with an IPv6 host in brackets. */
#define HSS_SIP_HOSTPORT_SIZE 80
/** Room for an IMPU or IMPI built from a URI. */
#define HSS_SIP_ID_SIZE (HSS_ID_MAX + 1)

/** A listening address. */
struct hss_sip_local {
	enum sip_proto proto;
	struct sockaddr_storage addr;
};

struct hss_sip {
	char *domain;	     /* realm and home domain */
	char *name;	     /* own URI */
	char *name_host;     /* its host, lower case, without brackets */
	uint16_t name_port;  /* its port, 0 when absent */
	char *service_route; /* "<sip:orig@HOST[:PORT];lr>" */
	struct hss_sip_config cfg;
	struct hss_db *db;
	struct hss_auth *auth;
	struct hss_bind *bind;
	struct hss_map *txns; /* answered requests, see hss_sip.h */
	struct hss_sip_local locals[HSS_SIP_MAX_LOCALS];
	size_t n_locals;
	hss_sip_send_cb send;
	void *send_arg;
	uint8_t secret[16]; /* keys the stateless branch hash */
	struct sip_edit *ed;
	struct hss_sip_stats stats;
	struct sip_msg msg;	      /* the message being handled */
	char fixed[HSS_SIP_OUT_SIZE]; /* a request after received/rport were added */
	char out[HSS_SIP_OUT_SIZE];   /* what is being sent */
};

/** The request being handled and where it came from. */
struct hss_sip_req {
	const struct sip_transport_rx *rx;
	const struct sip_msg *msg; /* with received/rport in its top Via */
	uint64_t now_ms;
	char txn_key[512]; /* "" when the request cannot be matched (no RFC 3261 branch) */
};

/**
 * hss_sip_reply_start() - start a response to @req in s->out: status line, Via, From,
 * To (with a new tag unless it has one), Call-ID, CSeq.
 * @s: the object.
 * @req: the request.
 * @o: the writer to use for further headers.
 * @status: the status code.
 * @reason: the reason phrase, or NULL for the standard one.
 */
void hss_sip_reply_start(struct hss_sip *s, const struct hss_sip_req *req, struct sip_util_out *o,
			 int status, const char *reason);

/**
 * hss_sip_reply_send() - finish the response in @o (Content-Length, no body), send it where
 * RFC 3261 §18.2.2 and RFC 3581 say, and remember it for retransmissions.
 * @s: the object.
 * @req: the request.
 * @o: the writer from hss_sip_reply_start().
 * @return 0, or a negative errno (the response did not fit, or could not be sent).
 */
int hss_sip_reply_send(struct hss_sip *s, const struct hss_sip_req *req, struct sip_util_out *o);

/**
 * hss_sip_reply() - send a response without further headers.
 * @s: the object.
 * @req: the request.
 * @status: the status code.
 * @reason: the reason phrase, or NULL.
 * @return as hss_sip_reply_send().
 */
int hss_sip_reply(struct hss_sip *s, const struct hss_sip_req *req, int status, const char *reason);

/**
 * hss_sip_transmit() - send s->out[0..@len) through the send callback (counted; the buffer
 * is wiped afterwards, as a 401 holds CK and IK).
 * @s: the object.
 * @tx: where to (buf and len are set here).
 * @len: the length.
 * @return the callback's result.
 */
int hss_sip_transmit(struct hss_sip *s, struct hss_sip_tx *tx, size_t len);

/**
 * hss_sip_uri_is_ours() - whether a URI names this S-CSCF: its host is the home domain, the
 * host of --name, or one of the local addresses (or the one @rx came to), and its port, when
 * given, one we listen on (or the port of --name).
 * @s: the object.
 * @uri: the parsed URI.
 * @rx: the message being handled (its local address counts as ours), or NULL.
 * @return true when it does.
 */
bool hss_sip_uri_is_ours(const struct hss_sip *s, const struct sip_uri *uri,
			 const struct sip_transport_rx *rx);

/**
 * hss_sip_uri_in_domain() - whether a URI is one of the home network's (host = the home
 * domain, the host of --name, or a tel: URI), i.e. resolved by the location service.
 * @s: the object.
 * @uri: the parsed URI.
 * @return true when it is.
 */
bool hss_sip_uri_in_domain(const struct hss_sip *s, const struct sip_uri *uri);

/**
 * hss_sip_uri_impu() - the public identity a URI names: "sip:user@host" (host in lower
 * case, no port or parameters), "sips:..." likewise, or "tel:number".
 * @uri: the parsed URI.
 * @buf: where to write it.
 * @size: its size.
 * @return 0, -EINVAL (no user part, another scheme), -ENOSPC.
 */
int hss_sip_uri_impu(const struct sip_uri *uri, char *buf, size_t size);

/**
 * hss_sip_pick_local() - the local address to send from to @peer over @proto, and the
 * "host:port" for our Via.
 * @s: the object.
 * @proto: the transport.
 * @peer: the destination.
 * @rx: the message being handled (its local address replaces a wildcard), or NULL.
 * @local: receives the address to send from.
 * @hostport: receives the Via sent-by.
 * @size: room in @hostport (HSS_SIP_HOSTPORT_SIZE).
 * @return 0, or -EADDRNOTAVAIL when we have no listener of that transport and family.
 */
int hss_sip_pick_local(const struct hss_sip *s, enum sip_proto proto,
		       const struct sockaddr_storage *peer, const struct sip_transport_rx *rx,
		       struct sockaddr_storage *local, char *hostport, size_t size);

/** One element of a list header (Via, Route, ...), with where it sits. */
struct hss_sip_elem {
	size_t hdr;		/* index of its header line */
	struct sip_str elem;	/* the element */
	struct sip_str removal; /* delete this to drop the element from a line with others */
	bool alone;		/* the only element of its line: drop the line instead */
};

/** One Via element, parsed. */
struct hss_sip_via {
	struct hss_sip_elem e;
	struct sip_via via;
};

/**
 * hss_sip_elem_nth() - the @n-th element of a list header, counting over every line of that
 * header (0 is the top one).
 * @msg: the message.
 * @id: the header (SIP_HDR_VIA, SIP_HDR_ROUTE, ...).
 * @n: which element.
 * @out: the element.
 * @return 0, -ENOENT when there are fewer, -EINVAL when a line is malformed.
 */
int hss_sip_elem_nth(const struct sip_msg *msg, enum sip_hdr_id id, size_t n,
		     struct hss_sip_elem *out);

/**
 * hss_sip_via_nth() - the @n-th Via element, parsed.
 * @msg: the message.
 * @n: which element (0: the top one).
 * @out: the element.
 * @return 0, -ENOENT when there are fewer, -EINVAL when malformed.
 */
int hss_sip_via_nth(const struct sip_msg *msg, size_t n, struct hss_sip_via *out);

/**
 * hss_sip_edit_remove_elem() - record the removal of a list element (its line when alone).
 * @ed: the editor.
 * @e: the element.
 * @return as sip_edit_remove_span().
 */
int hss_sip_edit_remove_elem(struct sip_edit *ed, const struct hss_sip_elem *e);

/**
 * hss_sip_copy_str() - copy a span as a NUL-terminated string.
 * @dst: the destination.
 * @size: its size.
 * @src: the span.
 * @return 0, or -ENOSPC when it does not fit (then @dst is "").
 */
int hss_sip_copy_str(char *dst, size_t size, struct sip_str src);

/**
 * hss_reg_handle() - answer a REGISTER (hss_reg.c).
 * @s: the object.
 * @req: the request.
 */
void hss_reg_handle(struct hss_sip *s, const struct hss_sip_req *req);

/**
 * hss_proxy_request() - route a request that is not a REGISTER (hss_proxy.c).
 * @s: the object.
 * @req: the request.
 */
void hss_proxy_request(struct hss_sip *s, const struct hss_sip_req *req);

/**
 * hss_proxy_response() - forward a response by its Via (hss_proxy.c).
 * @s: the object.
 * @rx: where it came from.
 * @msg: the parsed response.
 */
void hss_proxy_response(struct hss_sip *s, const struct sip_transport_rx *rx,
			const struct sip_msg *msg);

#endif /* HSS_SIP_INT_H */
