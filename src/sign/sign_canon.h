/*
 * sign_canon.h — canonical forms of the signed headers (doc/signing.md), internal to
 * src/sign. Each function feeds fields into the MAC begun with sign_mac_begin().
 */
#ifndef PCSCF_SIGN_CANON_H
#define PCSCF_SIGN_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "sign/sign_int.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

/** Most Via, Record-Route or Route entries a signed message may have. */
#define SIGN_LIST_MAX 64

/**
 * sign_collect() - every element of every header line of a kind, in message order.
 * @msg: the message.
 * @id: the header (SIP_HDR_VIA, SIP_HDR_RECORD_ROUTE, SIP_HDR_ROUTE).
 * @elems: receives the elements.
 * @max: room in @elems.
 * @n: set to their number.
 * @return 0, -EINVAL (malformed list), -E2BIG (more than @max).
 */
int sign_collect(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *elems, size_t max,
		 size_t *n);

/**
 * sign_canon_via() - one Via element: protocol without white space, transport, sent-by,
 * then name, flags and value of each parameter, then an empty field.
 * @ring: the ring whose MAC is running.
 * @elem: the element.
 * @first_below: the element right below the P-CSCF's own (its received and rport are
 * left out).
 * @return 0 or -EINVAL.
 */
int sign_canon_via(struct sign_ring *ring, struct sip_str elem, bool first_below);

/**
 * sign_canon_uri_of() - the URI of a name-addr list element (Record-Route, Route), as written.
 * @ring: the ring whose MAC is running.
 * @elem: the element.
 * @return 0 or -EINVAL.
 */
int sign_canon_uri_of(struct sign_ring *ring, struct sip_str elem);

/**
 * sign_canon_uris() - the URIs of several elements, one field each.
 * @ring: the ring whose MAC is running.
 * @elems: the elements.
 * @n: their number.
 * @reverse: last element first (a caller's route set).
 * @return 0 or -EINVAL.
 */
int sign_canon_uris(struct sign_ring *ring, const struct sip_str *elems, size_t n, bool reverse);

/**
 * sign_canon_target() - a remote target: the URI as written without any sg-tg or sg-tw
 * parameter (sip, sips and tel URIs only).
 * @ring: the ring whose MAC is running.
 * @uri_text: the URI.
 * @return 0 or -EINVAL.
 */
int sign_canon_target(struct sign_ring *ring, struct sip_str uri_text);

/**
 * sign_is_target_param() - whether a URI parameter name is sg-tg or sg-tw.
 * @name: the name.
 * @return true when it is.
 */
bool sign_is_target_param(struct sip_str name);

/**
 * sign_first_contact() - the first Contact element of a message, parsed.
 * @msg: the message.
 * @elem: set to the element.
 * @na: set to its parse.
 * @return 0, -ENOENT (no Contact), -EINVAL (malformed, or "*").
 */
int sign_first_contact(const struct sip_msg *msg, struct sip_str *elem, struct sip_nameaddr *na);

/**
 * sign_mac_uri_list() - a MAC over the Call-ID, then @own (URIs given as text), then the
 * URIs of @elems: the Record-Route signature and the routes half of a route-set signature.
 * @ring: the ring.
 * @key: the key.
 * @kind: SIGN_KIND_RR or SIGN_KIND_ROUTE.
 * @msg: the message (its Call-ID).
 * @own: URIs first in the list (the P-CSCF's own entries), or NULL.
 * @n_own: their number.
 * @elems: name-addr elements whose URIs follow.
 * @n: their number.
 * @reverse: take @elems last first.
 * @mac: receives SIGN_MAC_LEN bytes.
 * @return 0, -EINVAL (an element does not parse), -EIO.
 */
int sign_mac_uri_list(struct sign_ring *ring, const struct sign_key *key, enum sign_kind kind,
		      const struct sip_msg *msg, const struct sip_str *own, size_t n_own,
		      const struct sip_str *elems, size_t n, bool reverse, uint8_t *mac);

/**
 * sign_mac_target() - a MAC over the Call-ID and a remote target (sign_canon_target()).
 * @ring: the ring.
 * @key: the key.
 * @msg: the message (its Call-ID).
 * @uri: the target URI.
 * @mac: receives SIGN_MAC_LEN bytes.
 * @return 0, -EINVAL, -EIO.
 */
int sign_mac_target(struct sign_ring *ring, const struct sign_key *key, const struct sip_msg *msg,
		    struct sip_str uri, uint8_t *mac);

/* sign_sip.c: pieces the signatures share. */

/**
 * sign_signing_key() - the key that signs at @now.
 * @ring: the ring.
 * @now: wall-clock seconds.
 * @key: set to the key.
 * @return 0, or -ENOKEY (no key, or sign_ring_tick() not called since it expired).
 */
int sign_signing_key(const struct sign_ring *ring, uint64_t now, const struct sign_key **key);

/**
 * sign_request_rrs() - the signing key and the Record-Route entries of a message, the
 * start of every signature over them.
 * @ring: the ring.
 * @req: the message.
 * @now: wall-clock seconds.
 * @key: set to the signing key.
 * @rrs: receives SIGN_LIST_MAX entries at most.
 * @n: set to their number.
 * @return 0, -ENOKEY, -EINVAL (a malformed list, or too many entries).
 */
int sign_request_rrs(const struct sign_ring *ring, const struct sip_msg *req, uint64_t now,
		     const struct sign_key **key, struct sip_str *rrs, size_t *n);

/**
 * sign_format() - ";NAME=TOKEN", and ";WRAP_NAME=WRAPPED-KEY" when @wrap_name is given and
 * the ring is in a pool.
 * @ring: the ring.
 * @name: the parameter name.
 * @sig: the signature.
 * @wrap_name: the wrapped key's parameter name, or NULL.
 * @out: receives the text.
 * @size: room in @out.
 * @return its length, -EINVAL, -ENOSPC.
 */
int sign_format(const struct sign_ring *ring, const char *name, const struct sign_sig *sig,
		const char *wrap_name, char *out, size_t size);

/**
 * sign_own_key() - a key of the ring that verifies at @now.
 * @ring: the ring.
 * @kid: its ID.
 * @now: wall-clock seconds.
 * @key: set to the key (also when expired).
 * @return SIGN_OK, SIGN_UNKNOWN_KEY, SIGN_EXPIRED_KEY.
 */
enum sign_result sign_own_key(const struct sign_ring *ring, uint32_t kid, uint64_t now,
			      const struct sign_key **key);

/**
 * sign_any_key() - the ring's key with ID @kid, else the one wrapped in @wrap.
 * @ring: the ring.
 * @kid: the key ID of the signature.
 * @wrap: the wrapped-key parameter, or NULL.
 * @now: wall-clock seconds.
 * @key: set to the key.
 * @return SIGN_OK or the reason.
 */
enum sign_result sign_any_key(struct sign_ring *ring, uint32_t kid, const struct sip_param *wrap,
			      uint64_t now, const struct sign_key **key);

/**
 * sign_param_sig() - the signature token of a parameter.
 * @p: the parameter.
 * @n_macs: how many MACs this kind carries.
 * @sig: the result.
 * @return SIGN_OK or SIGN_MALFORMED.
 */
enum sign_result sign_param_sig(const struct sip_param *p, size_t n_macs, struct sign_sig *sig);

/**
 * sign_compare() - compare two MACs in constant time.
 * @mac: the one computed.
 * @want: the one carried.
 * @return SIGN_OK or SIGN_BAD_MAC.
 */
enum sign_result sign_compare(const uint8_t *mac, const uint8_t *want);

#endif /* PCSCF_SIGN_CANON_H */
