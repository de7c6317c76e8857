/*
 * ue_step.h — the step language that drives ue-sim (one step a line, '#' starts a comment):
 *
 *   [UE] register [prefix=N] [mech=ipsec-3gpp|ipsec-man|none] [alg=A[,A]] [ealg=E[,E]]
 *                 [transport=udp|tcp] [expires=S] [expect=E]
 *   [UE] reregister [expires=S] [expect=E]
 *   [UE] deregister [expect=E]
 *   [UE] temp-address
 *   [UE] send MESSAGE|OPTIONS URI [body=TEXT] [timeout=S] [expect=E]
 *   [UE] call URI [timeout=S] [expect=E]
 *   [UE] reinvite [expect=E]
 *   [UE] hangup [expect=E]
 *   [UE] tamper-verify [method=REGISTER|MESSAGE|OPTIONS] [uri=URI] [expect=E]
 *   [UE] sleep S
 *   [UE] expect in METHOD [timeout=S]   an incoming METHOD arrived (since the last such step)
 *   [UE] expect registered | unregistered
 *   [UE] expect sas N                   ue-sim holds N SAs in the kernel
 *   [UE] plaintext [method=M] [uri=URI] [body=TEXT] [sport=N] [timeout=S] [expect=E]
 *                                       clear text to the P-CSCF's port-s (hostile)
 *   [UE] capture-esp                    keep the UE's next outgoing ESP packet
 *   [UE] replay-esp [count=N]           send the captured packet again, byte for byte
 *   [UE] forge-via off|branch|host|port|extra-top|extra-below|drop-below
 *                                       how the UE's answers alter their Vias
 *   [UE] forge-route off|alter|drop|replay
 *                                       how the UE's in-dialog requests alter their Route
 *   quit
 *
 * E is a status code (200), a class (2xx) or "timeout" (no final response). S are seconds,
 * with up to three decimals. UE is the name of one of the process's UEs; without it a step
 * goes to the first UE. A value with spaces is written in double quotes (body="hi there").
 */
#ifndef UE_STEP_H
#define UE_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ue-sim/ue_secagree.h"

#define UE_STEP_LINE_MAX 1024 /* longest step line */
#define UE_STEP_URI_MAX	 256
#define UE_STEP_BODY_MAX 512

/** What a step does. */
enum ue_step_kind {
	UE_STEP_REGISTER,
	UE_STEP_REREGISTER,
	UE_STEP_DEREGISTER,
	UE_STEP_TEMP_ADDRESS,
	UE_STEP_SEND,
	UE_STEP_CALL,
	UE_STEP_REINVITE,
	UE_STEP_HANGUP,
	UE_STEP_TAMPER_VERIFY,
	UE_STEP_SLEEP,
	UE_STEP_EXPECT,
	UE_STEP_QUIT,
	UE_STEP_PLAINTEXT,
	UE_STEP_CAPTURE_ESP,
	UE_STEP_REPLAY_ESP,
	UE_STEP_FORGE_VIA,
	UE_STEP_FORGE_ROUTE,
};

/** The outcome a step is expected to have. */
enum ue_expect_kind {
	UE_EXPECT_NONE,	   /**< print what happened, expect nothing */
	UE_EXPECT_STATUS,  /**< this final status */
	UE_EXPECT_CLASS,   /**< a final status of this class (code is 1..6) */
	UE_EXPECT_TIMEOUT, /**< no final response */
};

/** What an `expect` step checks. */
enum ue_check {
	UE_CHECK_IN,	       /**< an incoming request of a method */
	UE_CHECK_REGISTERED,   /**< the UE is registered */
	UE_CHECK_UNREGISTERED, /**< the UE is not registered */
	UE_CHECK_SAS,	       /**< number of kernel SAs of this process */
};

/** Registration mechanisms a step can ask for. */
enum ue_mech {
	UE_MECH_DEFAULT = 0, /**< the process default (--no-ipsec or ipsec-3gpp) */
	UE_MECH_NONE,	     /**< no sec-agree, no IPsec */
	UE_MECH_IPSEC_3GPP,
	UE_MECH_IPSEC_MAN,
};

/** One parsed step. Unset options are 0 / empty. */
struct ue_step {
	enum ue_step_kind kind;
	unsigned lineno;
	char ue[64]; /**< target UE name, "" for the first */
	enum ue_expect_kind expect;
	int expect_code;
	/* register */
	unsigned prefix; /**< addr-pref-length to offer; 0 = default */
	enum ue_mech mech;
	enum ipsec_integ algs[UE_SECAGREE_MAX_ALGS];
	size_t n_algs;
	enum ipsec_encr ealgs[UE_SECAGREE_MAX_ALGS];
	size_t n_ealgs;
	int transport; /**< 0, or enum sip_proto */
	int expires;   /**< -1 = default */
	/* send, call, tamper-verify */
	char method[32];
	char uri[UE_STEP_URI_MAX];
	char body[UE_STEP_BODY_MAX];
	bool has_body;
	/* sleep duration, or how long to wait (timeout=) */
	uint64_t ms;
	/* expect; replay-esp count= */
	enum ue_check check;
	unsigned count;
	/* plaintext sport= (0: the kernel picks) */
	unsigned sport;
	/* forge-via, forge-route: the mode (enum ue_forge_via / ue_forge_route) */
	int forge;
};

/**
 * ue_step_parse() - parse one line.
 * @line: the line (a trailing newline is allowed).
 * @step: the result.
 * @why: receives the reason of a refusal.
 * @why_size: its size.
 * @return 0 for a step, 1 for a blank or comment line, -EINVAL for a malformed one.
 */
int ue_step_parse(const char *line, struct ue_step *step, char *why, size_t why_size);

/**
 * ue_step_name() - the step's keyword ("register", "send", ...).
 * @kind: the kind.
 * @return the name.
 */
const char *ue_step_name(enum ue_step_kind kind);

/**
 * ue_step_expect_met() - whether an outcome meets a step's expectation.
 * @step: the step.
 * @status: the final status, or 0 for "no final response" (timeout).
 * @return true when met (always for UE_EXPECT_NONE).
 */
bool ue_step_expect_met(const struct ue_step *step, int status);

/**
 * ue_step_expect_text() - the expectation as written ("200", "2xx", "timeout").
 * @step: the step.
 * @buf: where to write.
 * @size: its size.
 * @return @buf.
 */
const char *ue_step_expect_text(const struct ue_step *step, char *buf, size_t size);

#endif /* UE_STEP_H */
