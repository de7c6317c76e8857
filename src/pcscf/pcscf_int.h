/*
 * pcscf_int.h — what the parts of the P-CSCF logic share (pcscf.c, fwd.c, register.c,
 * proxy.c); not for other users (see pcscf.h).
 */
#ifndef PCSCF_PCSCF_INT_H
#define PCSCF_PCSCF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcscf/pcscf.h"
#include "pcscf/reg.h"
#include "pcscf/txn.h"
#include "sip/secagree.h"
#include "sip/sip_edit.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"
#include "sip/sip_util.h"

/** How long a registration in progress (and its first SA set) lives without its 200. */
#define PCSCF_PENDING_S 240
/** Transactions: 64*T1 for non-INVITE, Timer C for INVITE. */
#define PCSCF_TXN_MS	    32000
#define PCSCF_TXN_INVITE_MS 180000
/** The prefix of our branches (after the RFC 3261 magic cookie). */
#define PCSCF_BRANCH_PREFIX "z9hG4bKpc"

/** Where a message arrived. */
enum pcscf_side {
	PCSCF_SIDE_OTHER = 0,	/**< none of our listening addresses and ports */
	PCSCF_SIDE_UNPROTECTED, /**< an access address, the unprotected port */
	PCSCF_SIDE_PORT_S,	/**< an access address, port-s (over a UE's SAs) */
	PCSCF_SIDE_PORT_C,	/**< an access address, port-c (over a UE's SAs) */
	PCSCF_SIDE_CORE,	/**< a core address */
};

struct pcscf {
	struct config cfg;
	const struct pcscf_ops *ops;
	void *arg;
	uint64_t now_ms;
	uint64_t secret[2]; /* keys the branch hash */
	struct reg_store store;
	struct txn_table txns;
	struct sip_edit *ed;
	struct secagree_list *lists; /* two, scratch */
	struct pcscf_stats st;
	struct pcscf_peer scscf; /* the S-CSCF and our core address towards it */
	char path[REG_URI_MAX];	 /* our Path value */
	struct sip_msg msg;	 /* the message being handled */
	char out[SIP_MSG_MAX_LEN];
	struct sign_ring *sign;	  /* signing keys (proxy_sign_ring()), NULL when off */
	uint64_t sign_fail_s;	  /* the second the failed checks below were counted in */
	unsigned int sign_fail_n; /* failed signature checks in that second */
	uint64_t sign_wall_s;	  /* time() when last read (proxy_sign_now()), 0: never */
	uint64_t sign_wall_ms;	  /* now_ms when it was read */
	/* The sent-by of the Via fwd_request_start() inserted last, for fwd_txn() to keep. */
	struct sockaddr_storage via_sent_by;
	struct dereg *deregs; /* our de-REGISTERs awaiting a final response (dereg.c) */
	bool via_signed;      /* and whether it carries sg-v (fwd_txn() sets TXN_SIGN_VIA) */
};

/** A message being handled. */
struct pcscf_in {
	const struct sip_msg *msg;
	const struct pcscf_peer *from;
	enum pcscf_side side;
	struct xfrm_addr src; /* from->remote's address */
	uint16_t src_port;
};

/* ---- fwd.c: addresses, replies, forwarding edits, sending ---- */

/** The address part of a socket address (AF_INET or AF_INET6); -EAFNOSUPPORT else. */
int fwd_addr_of(const struct sockaddr_storage *ss, struct xfrm_addr *addr);
/** A socket address from an address and a port. */
void fwd_ss_of(const struct xfrm_addr *addr, uint16_t port, struct sockaddr_storage *ss);
/** Whether a URI host (an IP literal) is one of our access or core addresses. */
bool fwd_is_ours(const struct pcscf *p, struct sip_str host);
/** Our core address of @family with the unprotected port; -ENOENT when there is none. */
int fwd_core_local(const struct pcscf *p, int family, struct sockaddr_storage *ss);

/** Write the start of a response to @req into p->out (see fwd.c); 0 or -errno. */
int fwd_reply_start(struct pcscf *p, struct sip_util_out *o, const struct sip_msg *req, int status,
		    const char *reason, bool top_via_only);
/** Finish a response from fwd_reply_start() and send it back the way @in came. */
int fwd_reply_send(struct pcscf *p, struct sip_util_out *o, const struct pcscf_in *in);
/** Answer @in with a bare response (no headers but the copied ones). */
int fwd_reply(struct pcscf *p, const struct pcscf_in *in, int status, const char *reason);
/** Where responses to a request received as @in go (RFC 3261 §18.2.2, RFC 3581, TS 33.203). */
void fwd_response_dest(const struct pcscf_in *in, struct pcscf_peer *to);

/**
 * Start forwarding the request @in: reset the editor, check and decrement Max-Forwards,
 * set received/rport on the sender's Via and insert our Via for sending from @local over
 * @proto. @branch receives our branch (TXN_BRANCH_MAX).
 * @return 0, 483 when Max-Forwards is 0, or -errno.
 */
int fwd_request_start(struct pcscf *p, const struct pcscf_in *in,
		      const struct sockaddr_storage *local, enum sip_proto proto, char *branch);
/** Remove every element equal to @token from every Require and Proxy-Require line. */
int fwd_remove_option(struct pcscf *p, const struct sip_msg *msg, const char *token);
/** Remove every header line of a kind. */
int fwd_remove_all(struct pcscf *p, const struct sip_msg *msg, enum sip_hdr_id id);
/** Remove ck= and ik= from every WWW-Authenticate and Proxy-Authenticate. */
int fwd_remove_keys(struct pcscf *p, const struct sip_msg *msg);
/**
 * The leading Route entries that name us for this pass are removed (when @edit): the
 * first, and the second when it names our other side (RFC 5658); a second pass through us
 * (both ends of a dialog are our UEs) stays. @next gets the first other entry (empty when
 * none).
 */
int fwd_pop_routes(struct pcscf *p, const struct sip_msg *msg, struct sip_str *next, bool edit);
/** The next hop for a URI (name-addr or addr-spec) whose host is an address not ours;
 *  -ENOENT otherwise. */
int fwd_uri_dest(struct pcscf *p, const struct sip_str *uri, struct pcscf_peer *to);
/** The next hop towards the core for a URI (NULL or not an address of a peer: the S-CSCF). */
int fwd_core_dest(struct pcscf *p, const struct sip_str *uri, struct pcscf_peer *to);
/** Apply the edits into p->out and send; counts forwarded or dropped. */
int fwd_send_edited(struct pcscf *p, const struct pcscf_peer *to);
/** Send a buffer; counts a failure as dropped. */
int fwd_send(struct pcscf *p, const struct pcscf_peer *to, const char *buf, size_t len);
/** Add a transaction for a forwarded request (it keeps the sent-by of our Via). */
struct txn *fwd_txn(struct pcscf *p, const struct pcscf_in *in, const char *branch, bool to_ue);
/** The transaction a request received would be forwarded under (the same top Via,
 *  Call-ID and CSeq: a retransmission finds its original's), or NULL. */
struct txn *fwd_txn_of(struct pcscf *p, const struct sip_msg *msg);
/** Whether a response's top Via (ours by its branch) has the sent-by we put in our Via for
 *  @x: host and port (RFC 3261 §18.1.2); a mismatch means the response is not ours. */
bool fwd_via_sent_by_ok(const struct txn *x, const struct sip_via *via);

/* ---- proxy_sign.c: Via / Record-Route signing (doc/signing.md) ---- */

/** The signing keys, rotated as due, or NULL when signing is off (or failed to start). */
struct sign_ring *proxy_sign_ring(struct pcscf *p);
/** Wall-clock seconds, for signatures (pool members compare them): time() read again
 * once a second of the monotonic clock (now_ms), so at most a second behind. */
uint64_t proxy_sign_now(struct pcscf *p);
/** Our two Record-Route entries (sip:@top;lr, then sip:@below;lr), the top one signed:
 * sg-rr, and sg-rs when @route_set (towards a UE), into @rr; its length, or -errno. */
int proxy_sign_record_route(struct pcscf *p, const struct sip_msg *msg, const char *top,
			    const char *below, bool route_set, char *rr, size_t size);
/** sg-tg on the Contact of an in-dialog request towards a UE (a target refresh); 0 or -errno. */
int proxy_sign_refresh(struct pcscf *p, const struct sip_msg *msg);
/** Check an in-dialog request from the UE of @r (p->ed started); false: answered 403 or
 * dropped (counted, against @r too). */
bool proxy_sign_check_request(struct pcscf *p, const struct pcscf_in *in, struct reg *r);
/** Check a response to request @x, from the UE of @from_ue or (signing-core, @from_ue NULL)
 * from the core, when @x carried signatures to check (p->ed started); false: drop it
 * (counted, against @from_ue too). */
bool proxy_sign_check_response(struct pcscf *p, const struct pcscf_in *in, const struct txn *x,
			       struct reg *from_ue);
/** Sign a response going to a UE: the caller's route set, or a refreshed target; 0 or -errno. */
int proxy_sign_response_to_ue(struct pcscf *p, const struct sip_msg *msg, const struct txn *x);

/* ---- pcscf.c ---- */

/** Hand a new or changed registration to the state database. */
void pcscf_persist(struct pcscf *p, const struct reg *r);
/** Hand the registration that holds set @sa (if any) to the state database. */
void pcscf_persist_sa(struct pcscf *p, const struct reg_sa *sa);

/* ---- register.c ---- */

/** A REGISTER on the unprotected port. */
void register_unprotected(struct pcscf *p, const struct pcscf_in *in);
/** A REGISTER over a set (@which) of registration @r and/or pending registration @pd. */
void register_protected(struct pcscf *p, const struct pcscf_in *in, struct reg *r,
			struct reg_pending *pd, enum reg_which which);
/** A response to a REGISTER we forwarded (our Via is already removed in p->ed). */
void register_response(struct pcscf *p, const struct pcscf_in *in, struct txn *x);
/** Delete a set through the parent and count it; @sa->reqid becomes 0. */
void register_delete_set(struct pcscf *p, struct reg_sa *sa);
/** Delete a registration's sets and forget it. */
void register_drop(struct pcscf *p, struct reg *r, const char *why);
/** Expire what is due. */
void register_tick(struct pcscf *p);

/* ---- dereg.c: the de-REGISTER of pcscfctl deregister ---- */

struct dereg;

/**
 * Send the de-REGISTER of registration @r to the S-CSCF (the registration itself is the
 * caller's to drop). 0 when sent; -ENODATA when its IMPI is unknown (nothing sent);
 * another -errno when it could not be written or sent (logged).
 */
int dereg_send(struct pcscf *p, const struct reg *r);
/** A response to a de-REGISTER of ours (@x): a final one is logged and ends it. */
void dereg_response(struct pcscf *p, const struct pcscf_in *in, const struct txn *x);
/** Resend (UDP) what is due and give up (logged) on what got no final response in time. */
void dereg_tick(struct pcscf *p);
/** Forget every de-REGISTER in progress. */
void dereg_clear(struct pcscf *p);

/* ---- proxy.c ---- */

/** A message that came over a UE's SAs (port-s or port-c). */
void proxy_protected(struct pcscf *p, const struct pcscf_in *in);
/** A message from the core side. */
void proxy_core(struct pcscf *p, const struct pcscf_in *in);
/** A response: relayed by our transaction, or dropped. @from_ue: the registration whose SAs
 *  it came over (its P-Asserted-Identity is set from it, its signature failures counted
 *  against it), NULL from the core. */
void proxy_response(struct pcscf *p, const struct pcscf_in *in, struct reg *from_ue);
/** Give set @sa SAs towards @addr when it has none yet (before anything is answered). */
int proxy_note_address(struct pcscf *p, struct reg_sa *sa, const struct xfrm_addr *addr);

#endif /* PCSCF_PCSCF_INT_H */
