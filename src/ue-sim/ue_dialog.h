/*
 * ue_dialog.h — dialog state of RFC 3261 §12 for the UE's calls: Call-ID, local and remote
 * tags and URIs, remote target, route set and CSeq numbers.
 *
 * The UAC side (we sent the INVITE) builds a dialog from the 2xx: route set = Record-Route
 * in reverse order, remote target = the 2xx's Contact. The UAS side builds it from the
 * INVITE: route set = Record-Route in order, remote target = the INVITE's Contact. Route
 * entries are kept as the name-addrs received (loose routing is assumed: the route set is
 * sent as Route and the request goes to the first hop, the P-CSCF).
 */
#ifndef UE_DIALOG_H
#define UE_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip_msg.h"

#define UE_DIALOG_MAX_ROUTES 8
#define UE_DIALOG_STR_MAX    256

/** One dialog. Create with the ue_dialog_*_new functions, free with ue_dialog_free(). */
struct ue_dialog {
	char call_id[UE_DIALOG_STR_MAX];
	char local_tag[64];
	char remote_tag[UE_DIALOG_STR_MAX];
	char local_uri[UE_DIALOG_STR_MAX];     /**< our URI (From of our requests) */
	char remote_uri[UE_DIALOG_STR_MAX];    /**< the peer's URI (To of our requests) */
	char remote_target[UE_DIALOG_STR_MAX]; /**< Request-URI of our in-dialog requests */
	char route[UE_DIALOG_MAX_ROUTES][UE_DIALOG_STR_MAX];
	size_t n_route;
	uint32_t local_cseq;  /**< last CSeq we used */
	uint32_t remote_cseq; /**< last CSeq the peer used (0: none yet) */
	bool caller;	      /**< we sent the INVITE */
	uint32_t invite_cseq; /**< CSeq of the INVITE (or re-INVITE) that ACK answers */
	struct ue_dialog *next;
};

/**
 * ue_dialog_uac_new() - the dialog a 2xx to our INVITE creates.
 * @resp: the 2xx (with a To tag and a Contact).
 * @local_uri: our URI (as in the INVITE's From, without brackets).
 * @local_tag: our From tag.
 * @cseq: the INVITE's CSeq.
 * @out: the new dialog.
 * @return 0, -EINVAL (no To tag, no or bad Contact, bad Record-Route, values too long),
 * -ENOMEM.
 */
int ue_dialog_uac_new(const struct sip_msg *resp, const char *local_uri, const char *local_tag,
		      uint32_t cseq, struct ue_dialog **out);

/**
 * ue_dialog_uas_new() - the dialog our 2xx to an INVITE creates.
 * @req: the INVITE.
 * @local_tag: the To tag we answer with.
 * @out: the new dialog.
 * @return 0, -EINVAL (no From tag, no or bad Contact, ...), -ENOMEM.
 */
int ue_dialog_uas_new(const struct sip_msg *req, const char *local_tag, struct ue_dialog **out);

/**
 * ue_dialog_free() - free one dialog (not the ones linked after it).
 * @d: the dialog, or NULL.
 */
void ue_dialog_free(struct ue_dialog *d);

/**
 * ue_dialog_match() - whether a message belongs to a dialog.
 * @d: the dialog.
 * @msg: a request we received (local tag = its To tag) or a response to one of ours
 * (local tag = its From tag).
 * @return true when Call-ID and both tags match.
 */
bool ue_dialog_match(const struct ue_dialog *d, const struct sip_msg *msg);

/**
 * ue_dialog_find() - the dialog of a message in a list.
 * @list: the first dialog.
 * @msg: the message.
 * @return the dialog, or NULL.
 */
struct ue_dialog *ue_dialog_find(struct ue_dialog *list, const struct sip_msg *msg);

/**
 * ue_dialog_route_value() - the Route value of in-dialog requests ("<a>, <b>").
 * @d: the dialog.
 * @buf: where to write ("" when the route set is empty).
 * @size: its size.
 * @return the length, or -ENOSPC.
 */
int ue_dialog_route_value(const struct ue_dialog *d, char *buf, size_t size);

/**
 * ue_dialog_remote_request() - check the CSeq of an in-dialog request from the peer
 * (RFC 3261 §12.2.2: lower than the last one is out of order) and remember it.
 * @d: the dialog.
 * @cseq: the request's CSeq number.
 * @is_ack: ACK (which reuses the INVITE's number and is always accepted).
 * @return 0, or -EINVAL when out of order (answer 500).
 */
int ue_dialog_remote_request(struct ue_dialog *d, uint32_t cseq, bool is_ack);

/**
 * ue_dialog_record_route() - collect the Record-Route entries of a message in order.
 * @msg: the message.
 * @route: receives the entries.
 * @max: room for at most this many.
 * @n: receives the count.
 * @return 0, -EINVAL (malformed), -E2BIG (too many or too long).
 */
int ue_dialog_record_route(const struct sip_msg *msg, char route[][UE_DIALOG_STR_MAX], size_t max,
			   size_t *n);

#endif /* UE_DIALOG_H */
