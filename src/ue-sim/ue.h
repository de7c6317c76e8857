/*
 * ue.h — ue-sim's internals: the process (struct uesim), its UEs (struct ue) and the
 * pieces that work on them. One event loop serves everything.
 *
 *   ue_core.c   UEs, their sockets, sending, receiving, client and server transactions
 *   ue_reg.c    REGISTER: AKA, sec-agree, SA sets, re- and de-registration, refresh
 *   ue_call.c   MESSAGE, OPTIONS, INVITE/ACK/BYE/re-INVITE, and incoming requests
 *   ue_ipsec.c  the UE's SA sets (xfrm manager, SPI allocator) and temporary addresses
 *   ue_run.c    the steps: reading, running one at a time, printing one line each
 *   ue_hostile.c  attacks: clear text to the protected port, ESP capture and replay
 *   ue_load.c   load mode: N generated UEs registering (and sending) at a rate
 *
 * Every operation a step starts ends by calling ue_run_done() exactly once.
 */
#ifndef UE_H
#define UE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common/evloop.h"
#include "sip/secagree.h"
#include "sip/sip_msg.h"
#include "sip/sip_transport.h"
#include "sip/sip_util.h"
#include "ue-sim/ue_auth.h"
#include "ue-sim/ue_dialog.h"
#include "ue-sim/ue_ident.h"
#include "ue-sim/ue_secagree.h"
#include "ue-sim/ue_step.h"
#include "xfrm/xfrm_mgr.h"

#define UE_MAX_ADDRS	 8  /* the stable address and temporary ones */
#define UE_MAX_LISTENERS 40 /* sockets of one UE */
#define UE_MAX_ROUTES	 8  /* Service-Route entries kept */
#define UE_URI_MAX	 256
#define UE_MSG_MAX	 8192 /* largest message we write */
#define UE_VERIFY_MAX	 2048 /* Security-Verify value */
#define UE_T1_MS	 500
#define UE_T2_MS	 4000
#define UE_REQID_BASE	 0x5e510000u /* our reqids differ from pcscfd's 0x50c50000 */
#define UE_LINGER_MS	 1000	     /* a replaced set outlives its TCP connections' FINs */

struct uesim;
struct ue;
struct ue_txn;
struct ue_hostile;
struct ue_load;

/** Process-wide settings, from the command line. */
struct uesim_config {
	struct sockaddr_storage proxy; /**< where requests go: P-CSCF or S-CSCF, unprotected */
	bool have_proxy;
	bool direct;		 /**< --scscf: no P-CSCF, Route is the Service-Route only */
	enum sip_proto proto;	 /**< default transport */
	enum ue_mech mech;	 /**< default mechanism */
	struct ue_offer offer;	 /**< default algorithms and prefix (SPIs/ports unused) */
	uint32_t expires;	 /**< requested registration time */
	uint32_t txn_timeout_ms; /**< 64*T1 unless --timeout */
	uint32_t spi_next;	 /**< our SPI allocator */
	bool refresh;		 /**< re-register before expiry */
};

/** One SA set of a registration (TS 33.203: four SAs) and what was agreed for it. */
struct ue_secset {
	struct ue_offer offer;	     /**< our side: SPIs, ports, algorithms offered, prefix */
	struct ue_choice choice;     /**< the P-CSCF's side and the chosen algorithms */
	struct secagree_list server; /**< Security-Server as received */
	char verify[UE_VERIFY_MAX];  /**< Security-Verify to send (the server list, verbatim) */
	struct xfrm_set *set;	     /**< installed set, or NULL */
	struct xfrm_addr pcscf;	     /**< the P-CSCF's address */
	uint64_t linger_until;	     /**< replaced set: evloop ms of its deletion */
	struct ue_secset *next;	     /**< in ue_reg.lingering */
};

/** Where one message goes and from where. */
struct ue_path {
	enum sip_proto proto;
	struct sockaddr_storage local; /**< our address and port (port 0: any for TCP) */
	struct sockaddr_storage peer;
	const struct ue_secset *sa; /**< the SA set it travels in, or NULL (clear text) */
	uint16_t via_port;	    /**< port for Via/Contact */
};

/** What a client transaction reports: a final response, or none (timeout). */
typedef void (*ue_txn_cb)(struct ue *ue, struct ue_txn *txn, const struct sip_msg *resp, void *arg);

/** A client transaction (RFC 3261 §17.1). */
struct ue_txn {
	struct ue *ue;
	char branch[SIP_UTIL_BRANCH_SIZE];
	enum sip_method method;
	uint32_t cseq;
	char *buf;
	size_t len;
	struct ue_path path;
	unsigned interval_ms;
	uint64_t retrans_timer, timeout_timer, linger_timer;
	bool completed; /**< final response seen; kept a while for retransmissions */
	char *ack;	/**< INVITE: the ACK to repeat when the final response repeats */
	size_t ack_len;
	ue_txn_cb final_cb; /**< called once: final response or timeout */
	ue_txn_cb prov_cb;  /**< called for every provisional response, may be NULL */
	void *arg;
	struct ue_txn *next;
};

/** A response we sent, kept to answer retransmissions (and repeat an INVITE's 2xx). */
struct ue_srv {
	struct ue *ue;
	char branch[SIP_UTIL_BRANCH_SIZE + 40];
	enum sip_method method;
	char call_id[UE_URI_MAX];
	uint32_t cseq;
	char *resp;
	size_t len;
	enum sip_proto proto;
	uint64_t conn_id;
	struct sockaddr_storage local, peer;
	unsigned interval_ms;
	uint64_t retrans_timer, expire_timer;
	struct ue_srv *next;
};

/** Kinds of registration operation. */
enum ue_reg_kind {
	UE_REG_INITIAL,
	UE_REG_RE,
	UE_REG_DE,
	UE_REG_REFRESH, /**< our own re-registration timer: no step waits for it */
};

/** Registration state of one UE. */
struct ue_reg {
	bool registered;
	enum ue_mech mech;
	enum sip_proto proto;
	struct ue_offer offer_tmpl; /**< algorithms and prefix of the last register step */
	char call_id[64];
	uint32_t cseq;
	uint32_t expires;    /**< granted */
	uint64_t expires_at; /**< evloop ms */
	char service_route[UE_MAX_ROUTES][UE_URI_MAX];
	size_t n_service_route;
	char assoc_uri[UE_URI_MAX];
	struct ue_auth auth; /**< the last AKA run (for the Authorization of re-REGISTERs) */
	bool have_auth;
	struct ue_secset *cur;	     /**< the SA set in use */
	struct ue_secset *pending;   /**< the set being negotiated */
	struct ue_secset *lingering; /**< replaced sets waiting for their TCP FINs */
	uint64_t linger_timer;
	uint16_t next_port_c;
	uint64_t refresh_timer;
	/* the operation in progress */
	bool busy;
	enum ue_reg_kind kind;
	bool tamper;
	bool resynced;
	bool challenged;
	unsigned rounds;
	uint32_t req_expires;
	char from_tag[32];
	const struct ue_secset *op_sa;	/**< the set the op's first REGISTER went over */
	const struct ue_step *deferred; /**< a step that arrived during a refresh */
};

/** The non-REGISTER operation a step runs (one at a time per UE). */
struct ue_callop {
	bool busy;
	enum ue_step_kind kind;
	struct ue_txn *txn;
	uint64_t timer; /**< the step's timeout= */
	struct ue_dialog *dialog;
	char call_id[64];
	char from_tag[32];
	char ruri[UE_URI_MAX];
	char route[1024]; /**< Route of the request, for the ACK of a non-2xx */
	uint32_t cseq;
	uint64_t sent;
};

/** A socket of a UE. */
struct ue_listener {
	struct sockaddr_storage addr;
	enum sip_proto proto;
	int id;
};

/** One simulated UE. */
struct ue {
	struct uesim *sim;
	struct ue_ident id;
	struct sip_transport *tp;
	struct sockaddr_storage addrs[UE_MAX_ADDRS]; /**< [0] stable, then temporary */
	bool addr_added[UE_MAX_ADDRS];		     /**< added by us: deleted on exit */
	size_t n_addrs;
	size_t src;		 /**< index of the address we send from */
	uint16_t port;		 /**< unprotected port */
	uint16_t port_c, port_s; /**< protected ports (base) */
	char dev[32];		 /**< interface for temporary addresses ("" = find) */
	unsigned temp_plen;	 /**< prefix length temporary addresses are drawn in */
	struct ue_listener listeners[UE_MAX_LISTENERS];
	size_t n_listeners;
	struct {
		uint16_t port;
		bool tcp;
		unsigned refs;
	} ports[8]; /**< the ports every address listens on */
	size_t n_ports;
	struct ue_reg reg;
	struct ue_callop call;
	struct ue_txn *txns;
	struct ue_srv *srvs;
	struct ue_dialog *dialogs;
	struct ue_dialog *last_dialog;	     /**< the one hangup/reinvite act on */
	unsigned in_count[SIP_METHOD_COUNT]; /**< incoming requests per method */
	unsigned in_seen[SIP_METHOD_COUNT];  /**< of which `expect in` has counted */
	uint32_t sdp_version;
	uint16_t rtp_port;
	int forge_via;		    /**< enum ue_forge_via: how answers alter their Vias */
	int forge_route;	    /**< enum ue_forge_route: how in-dialog requests alter Route */
	struct ue_hostile *hostile; /**< attack state, NULL until an attack step */
	size_t idx;		    /**< position in sim->ues */
	uint64_t op_started_us;	    /**< load mode: when the UE's operation began */
};

/** The step engine's state. */
struct ue_run {
	int in_fd; /**< steps come from here (-1 when read) */
	char buf[UE_STEP_LINE_MAX + 2];
	size_t len;
	unsigned lineno;
	bool eof;
	struct ue_step *queue[64];
	size_t q_head, q_len;
	struct ue_step *cur; /**< the step being run, NULL when idle */
	struct ue *cur_ue;
	uint64_t started;
	uint64_t step_timer; /**< sleep, expect timeout, or a step's timeout= */
	uint64_t op_timeout;
	bool failed;
	bool quitting;
};

/** The process. */
struct uesim {
	struct evloop *loop;
	struct uesim_config cfg;
	struct xfrm_mgr *xfrm; /**< opened on first use */
	struct ue **ues;       /**< n_ues of them (room for cap_ues) */
	size_t n_ues, cap_ues;
	struct ue_run run;
	struct ue_load *load; /**< load mode (no steps), or NULL */
	int exit_code;
};

/** Add a UE to the process (ues grows as needed). @return 0/-ENOMEM */
int uesim_add_ue(struct uesim *sim, struct ue *ue);

/* ---- ue_core.c ---- */

/** Create a UE on the loop: sockets on its address and unprotected port. @return 0/-errno */
int ue_new(struct uesim *sim, const struct ue_ident *id, const struct sockaddr_storage *addr,
	   uint16_t port, struct ue **out);
/** Close a UE's sockets and free it (SAs and addresses are removed by ue_ipsec_cleanup()). */
void ue_free(struct ue *ue);
/** Open UDP (and with @tcp, TCP) sockets on every address of the UE at @port. @return 0/-errno */
int ue_listen_port(struct ue *ue, uint16_t port, bool tcp);
/** Close the sockets of @port on every address. */
void ue_unlisten_port(struct ue *ue, uint16_t port);
/** Open the sockets of every port in use on address @i (after a new address). @return 0/-errno */
int ue_listen_addr(struct ue *ue, size_t i);
/** The path of a new request: over @sa when not NULL, else in clear to the proxy. */
void ue_path_request(const struct ue *ue, const struct ue_secset *sa, enum sip_proto proto,
		     struct ue_path *p);
/** Start a request: request line to CSeq, with our Via for @path. @return 0/-errno */
int ue_out_request(struct ue *ue, struct sip_util_out *o, const struct ue_path *path,
		   const struct sip_util_request *r);
/** Our host as it goes in a URI or Via ("[2001:db8::1]"). */
const char *ue_host(const struct ue *ue, char *buf, size_t size);
/** Send a request as a new client transaction; the buffer is copied. @return 0/-errno */
int ue_txn_start(struct ue *ue, const struct ue_path *path, const char *branch,
		 enum sip_method method, uint32_t cseq, const char *buf, size_t len,
		 ue_txn_cb final_cb, ue_txn_cb prov_cb, void *arg, struct ue_txn **out);
/** Forget a transaction's callbacks (its owner gave up on it); it still absorbs responses. */
void ue_txn_orphan(struct ue_txn *txn);
/** Remember the ACK of an INVITE transaction, to repeat on a repeated final response. */
void ue_txn_set_ack(struct ue_txn *txn, const char *ack, size_t len);
/** Send one message along a path, without a transaction (ACK). @return 0/-errno */
int ue_send(struct ue *ue, const struct ue_path *path, const char *buf, size_t len);
/**
 * Answer a request: send @resp the way the request came (TCP: its connection; UDP: from the
 * address it arrived at to its source) and keep it for retransmissions of the request;
 * @repeat: an INVITE's 2xx over UDP, repeated until its ACK. @return 0/-errno
 */
int ue_respond(struct ue *ue, const struct sip_msg *req, const struct sip_transport_rx *rx,
	       const char *resp, size_t len, bool repeat);
/** Stop repeating the 2xx of the INVITE with this Call-ID and CSeq (its ACK came). */
void ue_srv_acked(struct ue *ue, const struct sip_msg *ack);
/** Format "203 Reason" of a response, sanitised, into @buf. */
const char *ue_status_text(const struct sip_msg *resp, char *buf, size_t size);
/** A new random token (tags, Call-IDs). */
void ue_token(char *buf, size_t size, size_t n);

/* ---- ue_reg.c ---- */

/** Start a registration step (register/reregister/deregister/tamper-verify REGISTER). */
void ue_reg_step(struct ue *ue, const struct ue_step *step);
/** Add the sec-agree headers of a protected request (Security-Verify, Require, ...). */
void ue_reg_secagree_headers(const struct ue *ue, struct sip_util_out *o, const char *verify);
/** Whether requests should go over an SA set now, and which. */
const struct ue_secset *ue_reg_current_sa(const struct ue *ue);
/** Cancel timers and free the sets' memory (kernel objects: ue_ipsec_cleanup()). */
void ue_reg_free(struct ue *ue);

/* ---- ue_call.c ---- */

/** Start a send/call/hangup/reinvite/tamper-verify (non-REGISTER) step. */
void ue_call_step(struct ue *ue, const struct ue_step *step);
/** Handle a request that arrived (no retransmission of one already answered). */
void ue_call_incoming(struct ue *ue, const struct sip_msg *req, const struct sip_transport_rx *rx);
/** Free the UE's dialogs. */
void ue_call_free(struct ue *ue);
/**
 * Write a new request outside a dialog as a send step describes it (MESSAGE by default),
 * for @path, without sending it. @return its length or -errno
 */
int ue_call_write_new(struct ue *ue, const struct ue_step *step, const struct ue_path *path,
		      char *buf, size_t size);

/* ---- ue_hostile.c ---- */

/** Run the plaintext step: clear text to the P-CSCF's port-s from the UE's address. */
void ue_hostile_plaintext(struct ue *ue, const struct ue_step *step);
/** Run the capture-esp step: keep the next ESP packet the UE sends to the P-CSCF. */
void ue_hostile_capture(struct ue *ue, const struct ue_step *step);
/** Run the replay-esp step: send the captured frame again, byte for byte. */
void ue_hostile_replay(struct ue *ue, const struct ue_step *step);
/** Close the attack sockets and free the state. */
void ue_hostile_free(struct ue *ue);

/* ---- ue_load.c ---- */

/** What the load mode runs (from the command line). */
struct ue_load_config {
	unsigned n;		      /**< UEs */
	struct sockaddr_storage base; /**< UE i (1..n) gets base + i */
	unsigned window;	      /**< operations in flight at most */
	double rate;		      /**< operations started per second at most (0: no limit) */
	unsigned messages;	      /**< MESSAGEs after the registrations */
	double msg_rate;	      /**< MESSAGEs per second */
	bool invites;		      /**< INVITEs (acknowledged calls) instead of MESSAGEs */
	bool deregister;	      /**< de-register everyone at the end */
	unsigned seed;		      /**< of the generated identities */
	char domain[128];	      /**< of the generated identities */
	char dev[32];		      /**< interface for the addresses ("" = the base's) */
};

/**
 * Generate load UE @i's identity (1-based): IMPI loadI@DOMAIN, IMPU sip:loadI@DOMAIN, K and
 * OPc from SHA-256 of the seed and @i, AMF 8000, SQN 000000000020. @return 0/-errno
 */
int ue_load_ident(const struct ue_load_config *cfg, unsigned i, struct ue_ident *id);
/** Print the subscriber lines of the N load UEs (hss-stub import format). @return 0/-errno */
int ue_load_print_subscribers(const struct ue_load_config *cfg, FILE *out);
/** Create the load UEs and start. @return 0/-errno (a message went to stderr) */
int ue_load_start(struct uesim *sim, const struct ue_load_config *cfg);
/** A load UE's operation ended (called instead of the step engine's report). */
void ue_load_done(struct ue *ue, int status);
/** Free the load state and remove the addresses it added. */
void ue_load_free(struct uesim *sim);

/* ---- ue_ipsec.c ---- */

/** The manager, opened on first use. @return it, or NULL with @why filled */
struct xfrm_mgr *ue_ipsec_mgr(struct uesim *sim, char *why, size_t why_size);
/** A new SPI of ours (unique in this process, >= 256). */
uint32_t ue_ipsec_spi(struct uesim *sim);
/** Install a set; @why gets the manager's error. @return 0/-errno */
int ue_ipsec_install(struct ue *ue, struct ue_secset *ss, const uint8_t *ck, const uint8_t *ik,
		     uint32_t lifetime_s, char *why, size_t why_size);
/** Delete a set's kernel objects and free it (NULL is fine). */
void ue_ipsec_drop(struct ue *ue, struct ue_secset *ss);
/**
 * Close the set's TCP connections, then delete it. With @linger (the P-CSCF keeps the set a
 * while: a re-registration replaced it) their FINs leave over it and it is deleted
 * UE_LINGER_MS later, so the answering FINs come back over it too. Without (the P-CSCF
 * deletes its side now: de-registration, failure) they are aborted with a RST that leaves
 * over the set and needs no answer, and it is deleted at once. NULL is fine.
 */
void ue_ipsec_retire(struct ue *ue, struct ue_secset *ss, bool linger);
/** Run the temp-address step. */
void ue_ipsec_temp_address(struct ue *ue, const struct ue_step *step);
/**
 * Close every TCP connection, give the FIN exchanges up to UE_LINGER_MS to finish over the
 * SAs, then delete every set and every address the process added.
 */
void ue_ipsec_cleanup(struct uesim *sim);
/** Number of our SAs in the kernel, or -errno. */
int ue_ipsec_count(struct uesim *sim);

/* ---- ue_run.c ---- */

/**
 * Report the outcome of the running step and go on with the next.
 * @status: the final SIP status, 0 for none (timeout), -1 for a local failure (@detail says
 * what failed); @detail: extra text for the line, may be NULL.
 */
__attribute__((format(printf, 4, 5))) void ue_run_done(struct ue *ue, int status,
						       const char *reason, const char *fmt, ...);
/** Whether @ue is running a step now (its operations report through ue_run_done()). */
bool ue_run_active(const struct ue *ue);
/** Print an "in ..." line (incoming request) and count it. */
void ue_run_incoming(struct ue *ue, enum sip_method method, const char *text);
/** Start reading steps from @fd (a file or stdin). @return 0/-errno */
int ue_run_start(struct uesim *sim, int fd);
/** Stop: delete SAs and addresses, free UEs, and make the loop return. */
void ue_run_quit(struct uesim *sim, int code);

#endif /* UE_H */
