/*
 * ue_auth.h — the UE's side of IMS AKA over SIP Digest (RFC 3310, TS 24.229 §5.1.1.5):
 * reading a WWW-Authenticate challenge, running the USIM (aka_ue_authenticate) on its
 * nonce, and writing the Authorization header of the answer.
 *
 *  - The nonce is base64(RAND ‖ AUTN [‖ server data]); RAND and AUTN are its first 32 bytes.
 *  - AKA_OK: the Digest password is RES (binary); qop=auth with nc and cnonce when the
 *    challenge offers qop "auth", the RFC 2069 form otherwise.
 *  - AKA_SYNC_FAILURE: the answer carries auts="base64(AUTS)" and a response computed with
 *    an empty password (RFC 3310 §3.2), so the S-CSCF can resynchronise and challenge again.
 *  - AKA_MAC_FAILURE: the network is not authentic; the caller gives up.
 * A ck=/ik= in the challenge (hss-stub answering a UE directly) is ignored: the UE derives
 * its own CK and IK.
 */
#ifndef UE_AUTH_H
#define UE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/aka.h"
#include "common/digest.h"
#include "ue-sim/ue_ident.h"

#define UE_AUTH_STR_MAX 256 /* longest realm, nonce or opaque kept, NUL included */

/** A parsed AKA challenge. */
struct ue_challenge {
	char realm[UE_AUTH_STR_MAX];
	char nonce[UE_AUTH_STR_MAX];
	char opaque[UE_AUTH_STR_MAX];
	bool has_opaque;
	char algorithm[32];
	bool qop_auth; /**< qop offered and contains "auth" */
	uint8_t rand[MILENAGE_RAND_LEN];
	uint8_t autn[AKA_AUTN_LEN];
};

/** What the UE answers with, after ue_auth_run(). Wipe with ue_auth_wipe(). */
struct ue_auth {
	struct ue_challenge ch;
	int status; /**< AKA_OK, AKA_SYNC_FAILURE or AKA_MAC_FAILURE */
	struct aka_ue_response resp;
	uint32_t nc; /**< nonce count of the last answer */
	char cnonce[24];
	char response[DIGEST_HEX_SIZE]; /**< the last response computed */
};

/**
 * ue_auth_parse_challenge() - read a WWW-Authenticate value.
 * @value: the value (not NUL-terminated), e.g. `Digest realm="ims.test", nonce="...", ...`.
 * @len: its length.
 * @ch: the result.
 * @why: receives the reason of a refusal.
 * @why_size: its size.
 * @return 0, -EINVAL (not Digest, not AKAv1-MD5, no realm or nonce, a nonce that is not
 * base64 of at least 32 bytes, a value too long), -EOPNOTSUPP (qop without "auth").
 */
int ue_auth_parse_challenge(const char *value, size_t len, struct ue_challenge *ch, char *why,
			    size_t why_size);

/**
 * ue_auth_run() - run the USIM on a challenge and prepare the first answer (nc 1, a fresh
 * cnonce, the response).
 * @id: the UE (K, OPc, SQN_MS; SQN_MS advances on AKA_OK).
 * @ch: the challenge.
 * @uri: the digest-uri ("sip:ims.test").
 * @method: the request method ("REGISTER").
 * @auth: the result (the challenge is copied into it).
 * @return AKA_OK, AKA_SYNC_FAILURE, AKA_MAC_FAILURE, or a negative errno.
 */
int ue_auth_run(struct ue_ident *id, const struct ue_challenge *ch, const char *uri,
		const char *method, struct ue_auth *auth);

/**
 * ue_auth_next() - recompute the response for another request with the same nonce (nc + 1,
 * a new cnonce), e.g. a protected re-REGISTER that is not challenged again.
 * @id: the UE.
 * @uri: the digest-uri.
 * @method: the method.
 * @auth: a state from ue_auth_run() with AKA_OK.
 * @return 0 or a negative errno.
 */
int ue_auth_next(const struct ue_ident *id, const char *uri, const char *method,
		 struct ue_auth *auth);

/**
 * ue_auth_header() - write the Authorization value answering @auth.
 * @id: the UE (username).
 * @auth: the state of ue_auth_run() / ue_auth_next() (AKA_OK or AKA_SYNC_FAILURE).
 * @uri: the digest-uri.
 * @buf: where to write (NUL-terminated).
 * @size: its size.
 * @return the length, -ENOSPC, or -EINVAL (for AKA_MAC_FAILURE).
 */
int ue_auth_header(const struct ue_ident *id, const struct ue_auth *auth, const char *uri,
		   char *buf, size_t size);

/**
 * ue_auth_initial_header() - the Authorization of an unchallenged REGISTER (TS 24.229
 * §5.1.1.2.1): username, realm (the home domain), uri, empty nonce and response.
 * @id: the UE.
 * @uri: the digest-uri.
 * @buf: where to write.
 * @size: its size.
 * @return the length or -ENOSPC.
 */
int ue_auth_initial_header(const struct ue_ident *id, const char *uri, char *buf, size_t size);

/**
 * ue_auth_wipe() - erase RES, CK, IK and the AUTS of a state.
 * @auth: the state (may be NULL).
 */
void ue_auth_wipe(struct ue_auth *auth);

#endif /* UE_AUTH_H */
