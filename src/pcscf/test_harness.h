/*
 * test_harness.h — the P-CSCF's logic under test without sockets or a kernel: every message
 * is given to pcscf_rx() with the addresses it came by; what the logic sends and asks of the
 * privileged parent is recorded in `mock` and read back with the helpers below. The set-up
 * uses the lab's addresses (pcscf.conf with ue-prefix 5555::/16 added for the issue-4
 * vector's UE). Test code: short names, no prefixes.
 */
#ifndef PCSCF_TEST_HARNESS_H
#define PCSCF_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "pcscf/pcscf.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_util.h"

#define CRLF	 "\r\n"
#define MOCK_MAX 16

#define UE	"5555::aaa:bbb:ccc:ddd" /* the UE of the issue-4 vector */
#define UE_TEMP "5555::aaa:bbb:ccc:eee"
#define ACCESS	"2001:db8:a::1"
#define CORE	"2001:db8:c::1"
#define SCSCF	"2001:db8:c::2"
#define CK	"b40ba9a3c58b2a05bbf0d987b21bf8cb" /* TS 35.208 test set 1 */
#define IK	"f769bcd751044604127672711c6d3441"
#define PATH	"<sip:term@[2001:db8:c::1]:5060;lr>"
/* The Security-Server pcscfd sends for the vector (SPIs 0x5000, 0x5001 from the mock). */
#define SERVER_MAN                                                                                 \
	"ipsec-man;alg=HMAC-SHA1;SPI_P_UDP=20480;SPI_P_TCP=20481;Port_P_UDP=5066;Port_P_TCP=5064;" \
	"addr-pref-length=64"

/** One message the logic sent. */
struct sent {
	struct pcscf_peer to;
	char *buf;
	size_t len;
};

/** Everything the logic did through struct pcscf_ops (the last MOCK_MAX of each). */
struct mock {
	struct sent sent[MOCK_MAX];
	size_t nsent;
	uint32_t next_spi, next_reqid;
	uint32_t avoid[MOCK_MAX][2];
	size_t nalloc, nrelease;
	struct privsep_set_req installs[MOCK_MAX];
	uint32_t install_reqids[MOCK_MAX];
	size_t ninstalls;
	int install_ret; /**< set to make installs fail */
	uint32_t deleted[MOCK_MAX];
	size_t ndeleted;
	uint32_t extended_reqid, extended_s;
	struct xfrm_addr added[MOCK_MAX];
	uint32_t added_reqid[MOCK_MAX];
	size_t nadded;
	size_t nsaved;	      /**< reg_save calls */
	size_t sent_at_save;  /**< nsent when reg_save was last called */
	uint32_t saved_reqid; /**< the current set of the last registration saved */
	uint8_t saved_sealed[SEAL_BLOB_LEN];
	size_t nforgotten; /**< reg_forget calls */
	uint64_t forgotten_id;
	size_t nsign_saves;	  /**< sign_save calls */
	size_t sent_at_sign_save; /**< nsent when sign_save was last called */
	struct sign_key_record sign_recs[SIGN_RING_MAX]; /**< the ring it was last given */
	size_t nsign_recs;
};

extern struct mock mock;
extern uint64_t now_ms;

/** cmocka set-up: a fresh logic in *state, the recorder emptied. */
int setup(void **state);
/** The same with "signing 3600 86400" (doc/signing.md). */
int setup_signing(void **state);
/** A fresh logic with the test configuration and @extra lines (NULL-terminated, or NULL);
 *  the recorder is emptied. Free it with pcscf_free(). */
struct pcscf *logic_new(const char *const *extra);
/** cmocka tear-down. */
int teardown(void **state);

/** A peer from addresses and ports (UDP). */
void peer(struct pcscf_peer *pe, const char *local, uint16_t lport, const char *remote,
	  uint16_t rport);
/** Give @text to the logic as arriving at [local]:lport from [remote]:rport over UDP. */
void rx(struct pcscf *p, const char *local, uint16_t lport, const char *remote, uint16_t rport,
	const char *text);

/** The last message sent. */
struct sent *sent_last(void);
/** Check where a message went ("[addr]:port" strings). */
void expect_dest(const struct sent *s, const char *local, const char *remote);
/** The parsed view of a sent message (it must parse). */
struct sip_msg *sent_msg(const struct sent *s);
/** Value of the @n-th header named @name, "" when absent (eight may be used at once). */
const char *hdr(const struct sent *s, const char *name, size_t n);
/** Number of header lines named @name. */
size_t hdr_count(const struct sent *s, const char *name);
/** Check that @value starts with @prefix. */
void expect_prefix(const char *value, const char *prefix);

/** The issue-4 REGISTER, byte for byte. */
extern const char register_vector[];
/** WWW-Authenticate with ck and ik, as hss-stub writes it. */
extern const char challenge[];
/** A 200's registration headers: Contact expires=600, Service-Route, P-Associated-URI. */
extern const char ok_200[];
/** A terminating INVITE from the S-CSCF to the vector's UE, via our Path. */
extern const char terminating_invite[];
/** An INVITE from the vector's UE to user2 (Call-ID inv2), as it sends it. */
extern const char originating_invite[];

/** The S-CSCF's response to the request @fwd we forwarded. */
void scscf_text(const struct sent *fwd, const char *status, const char *cseq, const char *extra,
		char *text, size_t size);
/** The same, given to the logic from the S-CSCF. */
void scscf_answers(struct pcscf *p, const struct sent *fwd, const char *status, const char *cseq,
		   const char *extra);
/** The vector and its 401, with every check on the set installed. */
void register_to_401(struct pcscf *p);
/** The protected REGISTER (CSeq 2, from port-c 1357) with this Security-Verify and Expires. */
const char *protected_register(const char *verify, const char *expires);
/** register_to_401(), the protected REGISTER and its 200: registered for 600 s. */
void register_fully(struct pcscf *p);
/** A MESSAGE from the UE at @addr to user2, with @extra header lines. */
const char *message_from(const char *addr, const char *extra);

#endif /* PCSCF_TEST_HARNESS_H */
