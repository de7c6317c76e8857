/*
 * sign.h — signing what the P-CSCF puts into Via and Record-Route, and checking the copies
 * a UE sends back (doc/signing.md has the canonical forms, the encodings and the reasons).
 *
 * Four signatures, each an HMAC-SHA-256 truncated to 128 bits under a subkey of its own kind:
 *  - Via (parameter sg-v of the P-CSCF's own Via on a request towards a UE): the Vias the
 *    request arrived with, bound to the P-CSCF's branch and the CSeq; checked on the UE's
 *    response.
 *  - Record-Route (header parameter sg-rr of the P-CSCF's own Record-Route on that request):
 *    the URIs of the Record-Routes below it, bound to the Call-ID; checked on the UE's
 *    response, then removed.
 *  - Route set (URI parameter sg-rs of the same entry, or of the P-CSCF's entry in a
 *    dialog-creating response towards an originating UE): the route set below that entry,
 *    the remote target (the other side's Contact URI) and the Call-ID; the UE echoes it in
 *    the Route of every in-dialog request, where sign_route_verify() checks it.
 *  - Target (URI parameter sg-tg of a Contact in a target refresh towards a UE): a new
 *    remote target bound to the Call-ID; it comes back in the Request-URI.
 * With a pool key, sg-wk (and sg-tw next to sg-tg) carries the signing key, wrapped.
 *
 * Signing functions write parameter text (";sg-v=...") for the caller to put into the header
 * it builds, or record edits on a struct sip_edit (sip_edit.h) for headers already in the
 * message. Verifying functions return an enum sign_result, one value per failure counter.
 */
#ifndef PCSCF_SIGN_SIGN_H
#define PCSCF_SIGN_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sign/sign_key.h"
#include "sip/sip_edit.h"
#include "sip/sip_msg.h"

/** Parameter names (tokens, and valid URI parameter names). */
#define SIGN_PARAM_VIA	       "sg-v"
#define SIGN_PARAM_RR	       "sg-rr"
#define SIGN_PARAM_ROUTE       "sg-rs"
#define SIGN_PARAM_WRAP	       "sg-wk"
#define SIGN_PARAM_TARGET      "sg-tg"
#define SIGN_PARAM_TARGET_WRAP "sg-tw"

/** Room for any parameter text a signing function writes, NUL included. */
#define SIGN_PARAM_MAX 192

/** Outcome of a check; every value but SIGN_OK is a reason to drop (or answer 403). */
enum sign_result {
	SIGN_OK = 0,
	SIGN_MISSING,	   /**< no signature where one must be */
	SIGN_MALFORMED,	   /**< a signature, wrapped key or covered header that does not parse */
	SIGN_BAD_MAC,	   /**< the MAC does not match: something covered was changed */
	SIGN_UNKNOWN_KEY,  /**< no key with that ID (purged, or another node's without a wrap) */
	SIGN_EXPIRED_KEY,  /**< the key is past its lifetime (or a wrap's time is in the future) */
	SIGN_BAD_WRAP,	   /**< a wrapped key failed its integrity check or names another key */
	SIGN_RESULT_COUNT, /**< number of values, for counter arrays */
};

/**
 * sign_result_name() - a short name for logs and counters ("bad-mac").
 * @r: the result.
 * @return a static string.
 */
const char *sign_result_name(enum sign_result r);

/**
 * sign_via() - the Via signature of a request the P-CSCF forwards towards a UE.
 * @ring: the keys.
 * @req: the request as it arrived (its Vias are the ones below the P-CSCF's own).
 * @branch: the branch of the P-CSCF's own Via, NUL-terminated.
 * @now: wall-clock seconds.
 * @out: receives ";sg-v=TOKEN", to append to the P-CSCF's Via.
 * @size: room in @out (SIGN_PARAM_MAX is enough).
 * @return its length, -ENOKEY (no signing key), -EINVAL (a Via does not parse), -ENOSPC.
 */
int sign_via(struct sign_ring *ring, const struct sip_msg *req, const char *branch, uint64_t now,
	     char *out, size_t size);

/**
 * sign_via_verify() - check the Via signature of a response from a UE: its top Via must be
 * the P-CSCF's, with sg-v over the Vias below it, its branch and the CSeq.
 * @ring: the keys.
 * @resp: the response.
 * @now: wall-clock seconds.
 * @return SIGN_OK or the reason.
 */
enum sign_result sign_via_verify(struct sign_ring *ring, const struct sip_msg *resp, uint64_t now);

/**
 * sign_rr() - the Record-Route signature for the P-CSCF's top Record-Route entry on a
 * request towards a UE.
 * @ring: the keys.
 * @req: the request as it arrived (its Record-Routes go below the P-CSCF's entries).
 * @own_below: URIs of the P-CSCF's other entries inserted right below the signed one.
 * @n_own: their number (may be 0).
 * @now: wall-clock seconds.
 * @out: receives ";sg-rr=TOKEN", a header parameter to put after the entry's ">".
 * @size: room in @out.
 * @return its length, -ENOKEY, -EINVAL (a Record-Route does not parse), -ENOSPC.
 */
int sign_rr(struct sign_ring *ring, const struct sip_msg *req, const struct sip_str *own_below,
	    size_t n_own, uint64_t now, char *out, size_t size);

/**
 * sign_rr_verify() - check the Record-Route signature of a response from a UE: the first
 * Record-Route entry carries sg-rr over the URIs of every entry below it and the Call-ID.
 * @ring: the keys.
 * @resp: the response.
 * @now: wall-clock seconds.
 * @param: if not NULL, set to the ";sg-rr=..." span, to remove (sip_edit_remove_span())
 * before the response is forwarded; empty unless the result is SIGN_OK.
 * @return SIGN_OK or the reason.
 */
enum sign_result sign_rr_verify(struct sign_ring *ring, const struct sip_msg *resp, uint64_t now,
				struct sip_str *param);

/**
 * sign_rr_verify_at() - sign_rr_verify() on the entry @at (0 the first) instead of the first:
 * for the P-CSCF's core-side entry of a response from the core, below the entries the core
 * added above it (the entries above are not covered).
 * @ring: the keys.
 * @resp: the response.
 * @at: the index of the P-CSCF's entry among every Record-Route entry, top to bottom.
 * @now: wall-clock seconds.
 * @param: as for sign_rr_verify().
 * @return SIGN_OK or the reason (SIGN_MISSING when there are not @at + 1 entries).
 */
enum sign_result sign_rr_verify_at(struct sign_ring *ring, const struct sip_msg *resp, size_t at,
				   uint64_t now, struct sip_str *param);

/**
 * sign_route_callee() - the route-set signature of a dialog-creating request towards a
 * terminating UE: URI parameters for the P-CSCF's top Record-Route entry.
 * @ring: the keys.
 * @req: the request as it arrived (Record-Routes, Contact, Call-ID).
 * @own_below: URIs of the P-CSCF's other entries right below the signed one.
 * @n_own: their number.
 * @now: wall-clock seconds.
 * @out: receives ";sg-rs=TOKEN" (and ";sg-wk=WRAPPED" in a pool), to append to the URI.
 * @size: room in @out.
 * @return its length, -ENOKEY, -EINVAL (no Contact, or a header does not parse), -ENOSPC.
 */
int sign_route_callee(struct sign_ring *ring, const struct sip_msg *req,
		      const struct sip_str *own_below, size_t n_own, uint64_t now, char *out,
		      size_t size);

/**
 * sign_route_caller() - sign the route set of a dialog-creating response going back to an
 * originating UE: sg-rs (and sg-wk) are added to the URI of the last Record-Route entry,
 * which must be the P-CSCF's own (its caller-side entry; the caller checks that).
 * @ring: the keys.
 * @ed: the editor the response is being forwarded with.
 * @resp: the response.
 * @now: wall-clock seconds.
 * @return 0, -ENOKEY, -ENOENT (no Record-Route or no Contact), -EINVAL, -ENOMEM.
 */
int sign_route_caller(struct sign_ring *ring, struct sip_edit *ed, const struct sip_msg *resp,
		      uint64_t now);

/**
 * sign_route_verify() - check an in-dialog request from a UE: its first Route entry carries
 * sg-rs over the Route entries below it, the Call-ID and the Request-URI (or, after a
 * target refresh, the Request-URI carries sg-tg for itself).
 * @ring: the keys.
 * @req: the request (never ACK: the caller lets those through unchecked, see the doc).
 * @now: wall-clock seconds.
 * @ed: if not NULL and the result is SIGN_OK, sg-tg and sg-tw are removed from the
 * Request-URI on it (the first Route entry is the P-CSCF's own and goes anyway).
 * @return SIGN_OK or the reason.
 */
enum sign_result sign_route_verify(struct sign_ring *ring, const struct sip_msg *req, uint64_t now,
				   struct sip_edit *ed);

/**
 * sign_route_verify_which() - sign_route_verify(), telling which half failed, for the
 * failure counters.
 * @ring: the keys.
 * @req: the request.
 * @now: wall-clock seconds.
 * @ed: as for sign_route_verify().
 * @target: if not NULL, set to true when the route set verified but the remote target
 * (sg-tg, or the target MAC of sg-rs) did not, false otherwise.
 * @return SIGN_OK or the reason.
 */
enum sign_result sign_route_verify_which(struct sign_ring *ring, const struct sip_msg *req,
					 uint64_t now, struct sip_edit *ed, bool *target);

/**
 * sign_target() - sign the remote target of a target refresh (a re-INVITE, UPDATE, their
 * 2xx, ...) forwarded towards a UE: sg-tg (and sg-tw) are added to the first Contact URI,
 * after any sg-tg and sg-tw it had are removed.
 * @ring: the keys.
 * @ed: the editor the message is being forwarded with.
 * @msg: the message.
 * @now: wall-clock seconds.
 * @return 0, -ENOKEY, -ENOENT (no Contact), -EINVAL, -ENOMEM.
 */
int sign_target(struct sign_ring *ring, struct sip_edit *ed, const struct sip_msg *msg,
		uint64_t now);

#endif /* PCSCF_SIGN_SIGN_H */
