/*
 * test_hss_sip.h — the fixture test_hss_reg.c and test_hss_proxy.c share: a subscriber
 * database in a temporary directory, the SIP logic with a send callback that keeps what it
 * is given, crafted REGISTERs, and a UE side (AKA with the common library's UE functions,
 * Digest with digest_response()) that answers challenges the way RFC 3310 says.
 *
 * Addresses: the S-CSCF listens on UDP and TCP at [2001:db8:c::2]:5060 and 10.2.0.2:5060;
 * UE n sends from [2001:db8:1:n::1]:5060; the P-CSCF is [2001:db8:c::1]:5070.
 */
#ifndef TEST_HSS_SIP_H
#define TEST_HSS_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/aka.h"
#include "hss-stub/hss_db.h"
#include "hss-stub/hss_sip.h"
#include "sip/sip_msg.h"

#define T_SCSCF6   "2001:db8:c::2"
#define T_SCSCF4   "10.2.0.2"
#define T_PCSCF6   "2001:db8:c::1"
#define T_MAX_SENT 16

/** One message the logic sent. */
struct t_sent {
	enum sip_proto proto;
	struct sockaddr_storage local, peer;
	bool has_local;
	uint64_t conn_id;
	char *buf;
	size_t len;
	struct sip_msg msg; /* parsed by t_sent() */
};

/** A lab subscriber and its keys (as in etc/subscribers.example). */
struct t_ue {
	const char *impi, *impu, *impu2;
	const char *k, *opc;
	struct aka_ue_sqn sqn; /* the UE's SQN state */
	unsigned int cseq;     /* the last CSeq t_register() used */
};

struct t_fix {
	char dir[64];
	char path[128];
	struct hss_db *db;
	struct hss_sip *sip;
	struct t_sent sent[T_MAX_SENT];
	size_t n_sent;
	int send_result; /* what the send callback returns */
	uint64_t now;	 /* monotonic ms passed to the logic */
	struct t_ue ue[3];
};

/** What a crafted REGISTER holds (NULL and 0 fields are left out or defaulted). */
struct t_reg {
	int ue;		     /* 1 or 2: which UE (From/To, source address) */
	unsigned int cseq;   /* default 1 */
	const char *branch;  /* default "z9hG4bKreg<cseq>" */
	const char *contact; /* Contact value; default <sip:ueN@[addr]:5060>; "" for none */
	const char *expires; /* Expires header value */
	const char *path;    /* Path header value */
	const char *authz;   /* Authorization value */
	const char *extra;   /* more header lines, each ending in CRLF */
	bool rport;	     /* ";rport" in the Via */
};

/** Set-up with the default configuration (domain ims.test, min-expires 60). */
int t_setup(void **state);
/** Set-up with always_challenge set. */
int t_setup_always_challenge(void **state);
/** Replace the logic with one of another configuration (same database and addresses). */
void t_use_config(struct t_fix *f, const struct hss_sip_config *cfg);
/** Tear-down: free everything, remove the directory. */
int t_teardown(void **state);

/** Hand @text to the logic as if it came over @proto from @peer ("[v6]:port" or "v4:port") to
 * the S-CSCF's address of the same family (port 5060); @conn_id for TCP. */
void t_rx(struct t_fix *f, enum sip_proto proto, const char *peer, uint64_t conn_id,
	  const char *text);
/** t_rx() over UDP from UE @ue's address, port 5060. */
void t_rx_ue(struct t_fix *f, int ue, const char *text);

/** The @i-th message sent, parsed (fails the test when it does not parse). */
struct t_sent *t_sent(struct t_fix *f, size_t i);
/** Forget what was sent. */
void t_clear(struct t_fix *f);

/** Value of the @nth header named @name, as a string (static buffer), or NULL. */
const char *t_hdr(const struct sip_msg *m, const char *name, size_t nth);
/** Value of an auth-param of a challenge or credentials value (static buffer), or NULL. */
const char *t_auth_param(const char *value, const char *name);
/** The reason phrase of a response (static buffer). */
const char *t_reason(const struct sip_msg *m);
/** "ip:port" of an address (static buffer, IPv6 bracketed). */
const char *t_addr(const struct sockaddr_storage *ss);

/** A crafted REGISTER (static buffer). */
const char *t_register_text(struct t_fix *f, const struct t_reg *r);

/**
 * The UE's answer to a 401: verify AUTN, compute RES and the Digest response; write the
 * Authorization value (with auts= instead on a sync failure).
 * @return AKA_OK, AKA_SYNC_FAILURE, or fails the test.
 */
int t_answer(struct t_fix *f, int ue, const struct sip_msg *challenge, char *authz, size_t size);

/** Register UE @ue with @contact (NULL: default) and @path (NULL: none) through the whole
 * AKA exchange; asserts the 200. The first call uses CSeq 1 and 2, the next 3 and 4, ... */
void t_register(struct t_fix *f, int ue, const char *contact, const char *path);

/** The SQN stored for @impi. */
uint64_t t_db_sqn(struct t_fix *f, const char *impi);

#endif /* TEST_HSS_SIP_H */
