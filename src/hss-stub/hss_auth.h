/*
 * hss_auth.h — the S-CSCF's side of IMS AKA (TS 33.203 §6.1, RFC 3310): challenges with
 * fresh vectors from the HSS, Digest AKAv1-MD5 verification with XRES as the password, and
 * SQN resynchronisation from AUTS (TS 33.102 §6.3.5).
 *
 * Every challenge takes the next SQN of its subscriber in the database (hss_db_sqn_advance)
 * and is remembered by its nonce, base64(RAND || AUTN), with the IMPI, RAND and XRES, until it
 * is answered (once: right or wrong) or times out. The table is bounded: beyond its size the
 * oldest challenge is forgotten. XRES is wiped when a challenge is forgotten; CK and IK are
 * not kept at all (they leave in the 401).
 *
 * Return values: 0 (HSS_AUTH_OK) or a positive enum hss_auth_result for a protocol outcome,
 * a negative errno for a failure (database, crypto, memory, bad arguments).
 */
#ifndef HSS_AUTH_H
#define HSS_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "common/aka.h"
#include "common/codec.h"
#include "common/digest.h"
#include "hss-stub/hss_db.h"

/** Room for a nonce, base64 of RAND || AUTN (32 bytes), NUL included. */
#define HSS_AUTH_NONCE_SIZE CODEC_BASE64_SIZE(MILENAGE_RAND_LEN + AKA_AUTN_LEN)
/** Room for CK or IK in hex, NUL included. */
#define HSS_AUTH_KEY_HEX_SIZE CODEC_HEX_SIZE(MILENAGE_CK_LEN)

/** Outcomes of checking what a UE answered. */
enum hss_auth_result {
	HSS_AUTH_OK = 0, /**< the response (or AUTS) verifies */
	HSS_AUTH_STALE =
		1, /**< no such challenge (never issued, answered, timed out, other IMPI) */
	HSS_AUTH_FAILED = 2, /**< the response (or AUTS's MAC-S) is wrong; the challenge is gone */
};

/** What goes into a 401. Wipe with hss_auth_challenge_wipe(). */
struct hss_auth_challenge {
	char nonce[HSS_AUTH_NONCE_SIZE];
	char ck[HSS_AUTH_KEY_HEX_SIZE]; /**< lower-case hex, for the P-CSCF */
	char ik[HSS_AUTH_KEY_HEX_SIZE];
	uint64_t sqn; /**< the SQN concealed in AUTN */
};

struct hss_auth;

/**
 * hss_auth_new() - an empty challenge table.
 * @db: the subscriber database (outlives the table).
 * @timeout_ms: how long a challenge can be answered.
 * @max_pending: most challenges remembered at once (0: 65536).
 * @return the table, or NULL when out of memory.
 */
struct hss_auth *hss_auth_new(struct hss_db *db, uint64_t timeout_ms, size_t max_pending);

/**
 * hss_auth_free() - forget (and wipe) every challenge.
 * @a: the table, or NULL.
 */
void hss_auth_free(struct hss_auth *a);

/**
 * hss_auth_challenge() - a new challenge for a subscriber: the next SQN, a random RAND.
 * @a: the table.
 * @sub: the subscriber (its K, OPc, AMF; the SQN is taken from the database).
 * @now_ms: monotonic time.
 * @out: the nonce, CK and IK.
 * @return 0, or a negative errno (database: see hss_db_error(); crypto).
 */
int hss_auth_challenge(struct hss_auth *a, const struct hss_subscriber *sub, uint64_t now_ms,
		       struct hss_auth_challenge *out);

/**
 * hss_auth_challenge_wipe() - erase a challenge's copy of CK and IK.
 * @c: the challenge.
 */
void hss_auth_challenge_wipe(struct hss_auth_challenge *c);

/**
 * hss_auth_verify() - check a Digest response against the challenge its nonce names.
 * @a: the table.
 * @impi: the IMPI the credentials are for (must be the challenge's).
 * @in: username, realm, method, uri, nonce and qop/nc/cnonce as received (the password is
 * ignored: XRES of the challenge is used).
 * @response: the response parameter received.
 * @now_ms: monotonic time.
 * @return HSS_AUTH_OK, HSS_AUTH_STALE, HSS_AUTH_FAILED, or a negative errno (-EOPNOTSUPP for
 * a qop other than auth, -EINVAL for missing nc/cnonce with qop: the challenge is gone then
 * too).
 */
int hss_auth_verify(struct hss_auth *a, const char *impi, const struct digest_input *in,
		    const char *response, uint64_t now_ms);

/**
 * hss_auth_resync() - check AUTS sent for a challenge and store SQN_MS as the subscriber's
 * SQN, so that the next challenge uses SQN_MS + 1.
 * @a: the table.
 * @sub: the subscriber.
 * @nonce: the nonce the UE answered.
 * @auts: the auts parameter (base64 of 14 bytes).
 * @now_ms: monotonic time.
 * @return HSS_AUTH_OK, HSS_AUTH_STALE, HSS_AUTH_FAILED (MAC-S wrong or AUTS malformed; the
 * challenge is gone), or a negative errno.
 */
int hss_auth_resync(struct hss_auth *a, const struct hss_subscriber *sub, const char *nonce,
		    const char *auts, uint64_t now_ms);

/**
 * hss_auth_expire() - forget challenges that timed out.
 * @a: the table.
 * @now_ms: monotonic time.
 * @return how many were forgotten.
 */
size_t hss_auth_expire(struct hss_auth *a, uint64_t now_ms);

/**
 * hss_auth_pending() - number of challenges remembered.
 * @a: the table.
 * @return the count.
 */
size_t hss_auth_pending(const struct hss_auth *a);

#endif /* HSS_AUTH_H */
