/*
 * txn.h — the requests pcscfd forwarded and still expects responses to.
 *
 * pcscfd forwards each request with a Via of its own whose branch is derived from the
 * request's own top Via (so a CANCEL, or the ACK of a non-2xx response, gets the branch of
 * its INVITE, as RFC 3261 §16.11 has stateless proxies do). It remembers, under that branch,
 * how the request came and therefore where its responses go (RFC 3261 §18.2.2, RFC 3581;
 * over the UE's SAs to its port-c when it came over them), and what a REGISTER was about.
 * Entries are kept for 32 s (64*T1), an INVITE's for 180 s (Timer C); a response that
 * matches no entry is dropped and counted.
 */
#ifndef PCSCF_TXN_H
#define PCSCF_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcscf/pcscf.h"
#include "pcscf/reg.h"

#define TXN_BRANCH_MAX 48
#define TXN_BUCKETS    1024

/** What a forwarded request was. */
enum txn_kind {
	TXN_PLAIN = 0,	      /**< any request: relay responses */
	TXN_REGISTER_INITIAL, /**< unprotected REGISTER with an offer: pending_id */
	TXN_REGISTER_NEW_SA,  /**< REGISTER over the pending set: pending_id */
	TXN_REGISTER_REFRESH, /**< REGISTER over a registration's set, no new offer: reg_id */
	TXN_DEREGISTER,	      /**< our own de-REGISTER (pcscfctl deregister, dereg.c) */
};

/** What pcscfd signed or added on a forwarded request (doc/signing.md). */
enum txn_sign {
	TXN_SIGN_VIA = 1u << 0,	 /**< our Via has sg-v: check it on the UE's responses */
	TXN_SIGN_RR = 1u << 1,	 /**< our Record-Route has sg-rr: a 101-299 response must too */
	TXN_RR_CALLER = 1u << 2, /**< our Record-Route on a UE's request: sign its route set */
};

/** One forwarded request. */
struct txn {
	struct txn *next;
	char branch[TXN_BRANCH_MAX];	 /**< the branch of our Via */
	bool cancel;			 /**< a CANCEL (it shares its INVITE's branch) */
	struct pcscf_peer back;		 /**< where its responses go */
	struct sockaddr_storage sent_by; /**< the host and port of our Via */
	bool to_ue;			 /**< responses go to a UE */
	enum txn_kind kind;
	uint64_t pending_id, reg_id;
	char contact[REG_URI_MAX]; /**< REGISTER: the Contact URI ("*" for all) */
	char impi[REG_URI_MAX];	   /**< REGISTER: the Authorization username (empty: none) */
	uint64_t expires_ms;
	uint8_t sign;  /**< enum txn_sign bits: what was signed on the request */
	bool answered; /**< a final response came (retransmissions are no longer absorbed) */
};

/** The table. */
struct txn_table {
	struct txn *buckets[TXN_BUCKETS];
	size_t count;
};

/**
 * txn_table_init() - an empty table.
 * @t: the table.
 */
void txn_table_init(struct txn_table *t);

/**
 * txn_table_clear() - free every entry.
 * @t: the table.
 */
void txn_table_clear(struct txn_table *t);

/**
 * txn_add() - add an entry (an entry with the same branch and kind is replaced, as a
 * retransmission refreshes it).
 * @t: the table.
 * @branch: our branch (NUL-terminated, shorter than TXN_BRANCH_MAX).
 * @cancel: whether it is a CANCEL.
 * @expires_ms: when it goes.
 * @return the entry (the caller fills the rest), or NULL when out of memory.
 */
struct txn *txn_add(struct txn_table *t, const char *branch, bool cancel, uint64_t expires_ms);

/**
 * txn_find() - the entry of a branch.
 * @t: the table.
 * @branch: the branch (not NUL-terminated).
 * @len: its length.
 * @cancel: whether the response is to a CANCEL.
 * @return the entry, or NULL.
 */
struct txn *txn_find(struct txn_table *t, const char *branch, size_t len, bool cancel);

/**
 * txn_remove() - remove an entry and free it.
 * @t: the table.
 * @x: the entry.
 */
void txn_remove(struct txn_table *t, struct txn *x);

/**
 * txn_expire() - remove the entries whose time has come.
 * @t: the table.
 * @now_ms: the time.
 * @return how many were removed.
 */
size_t txn_expire(struct txn_table *t, uint64_t now_ms);

#endif /* PCSCF_TXN_H */
