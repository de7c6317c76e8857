/*
 * aka.h — UMTS AKA (3GPP TS 33.102 §6.3) on top of Milenage, for both ends.
 *
 * Network side: aka_vector_generate() builds an authentication vector; aka_auts_verify()
 * checks a UE's resynchronisation token and recovers SQN_MS.
 * UE side: aka_ue_authenticate() checks AUTN (MAC-A, then SQN freshness), and answers with
 * RES/CK/IK or, for a stale or too-far-ahead SQN, with AUTS.
 *
 * Sequence numbers: we treat the 48-bit SQN as a plain counter (no SEQ||IND split, no array
 * of per-IND SEQ values as in TS 33.102 Annex C.1.2). The HSS hands out SQN+1 for every
 * vector; the UE accepts an SQN only if it is greater than the highest it has accepted and
 * at most a configured distance (delta, Annex C.2.1) ahead of it. The counter is stored in a
 * uint64_t, of which only the low 48 bits are used.
 *
 * Return values: 0 on success, a negative errno for bad arguments (-EINVAL) or crypto
 * failures (-ENOMEM, -EIO), and a positive enum aka_status value for a protocol outcome.
 */
#ifndef COMMON_AKA_H
#define COMMON_AKA_H

#include <stddef.h>
#include <stdint.h>

#include "common/milenage.h"

#define AKA_AUTN_LEN 16 /* (SQN xor AK) || AMF || MAC-A */
#define AKA_AUTS_LEN 14 /* (SQN_MS xor AK*) || MAC-S */
#define AKA_SQN_MAX  0xffffffffffffULL

/** Default delta: how far ahead of SQN_MS an SQN may be (TS 33.102 Annex C.2.1 suggests 2^28). */
#define AKA_SQN_DELTA_DEFAULT (1ULL << 28)

/** Protocol outcomes, returned as positive values. */
enum aka_status {
	AKA_OK = 0,
	AKA_MAC_FAILURE = 1,  /* MAC-A (or MAC-S) does not verify */
	AKA_SYNC_FAILURE = 2, /* MAC-A verifies, SQN out of range: AUTS computed */
};

/** An authentication vector as the HSS hands it to the S-CSCF. Wipe with aka_vector_wipe(). */
struct aka_vector {
	uint8_t rand[MILENAGE_RAND_LEN];
	uint8_t autn[AKA_AUTN_LEN];
	uint8_t xres[MILENAGE_RES_LEN];
	uint8_t ck[MILENAGE_CK_LEN];
	uint8_t ik[MILENAGE_IK_LEN];
	uint8_t ak[MILENAGE_AK_LEN];
	uint8_t mac_a[MILENAGE_MAC_LEN];
	uint64_t sqn; /* the SQN concealed in AUTN */
};

/** The UE's (USIM's) sequence number state. */
struct aka_ue_sqn {
	uint64_t sqn_ms; /* highest SQN accepted so far */
	uint64_t delta;	 /* largest accepted SQN - sqn_ms; 0 means no upper limit */
};

/** What the UE answers. Wipe with aka_ue_response_wipe(). */
struct aka_ue_response {
	uint8_t res[MILENAGE_RES_LEN]; /* valid with AKA_OK */
	uint8_t ck[MILENAGE_CK_LEN];   /* valid with AKA_OK */
	uint8_t ik[MILENAGE_IK_LEN];   /* valid with AKA_OK */
	uint8_t auts[AKA_AUTS_LEN];    /* valid with AKA_SYNC_FAILURE */
	uint64_t sqn;		       /* SQN recovered from AUTN (AKA_OK, AKA_SYNC_FAILURE) */
};

/**
 * aka_sqn_from_bytes() - read a 48-bit big-endian SQN.
 * @sqn: six bytes
 * @return the value.
 */
uint64_t aka_sqn_from_bytes(const uint8_t sqn[MILENAGE_SQN_LEN]);

/**
 * aka_sqn_to_bytes() - write the low 48 bits of @sqn big-endian.
 * @sqn: the value
 * @out: receives six bytes
 */
void aka_sqn_to_bytes(uint64_t sqn, uint8_t out[MILENAGE_SQN_LEN]);

/**
 * aka_sqn_next() - the SQN the HSS uses for the next vector.
 * @sqn: the last SQN used (or SQN_MS after a resynchronisation)
 * @return @sqn + 1, modulo 2^48 (a UE never accepts the wrap; at one vector a second that
 *         takes nine million years).
 */
uint64_t aka_sqn_next(uint64_t sqn);

/**
 * aka_random() - fill a buffer from OpenSSL's CSPRNG (for RAND).
 * @buf: the buffer
 * @len: its length
 * @return 0 or -EIO.
 */
int aka_random(uint8_t *buf, size_t len);

/**
 * aka_vector_generate() - build an authentication vector (TS 33.102 §6.3.2).
 * @k:    subscriber key K
 * @opc:  OPc
 * @amf:  AMF
 * @sqn:  the SQN to conceal in AUTN (at most AKA_SQN_MAX)
 * @rand: RAND to use, or NULL for a fresh random one
 * @av:   receives the vector; wiped on error
 * @return 0 or a negative errno.
 */
int aka_vector_generate(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
			const uint8_t amf[MILENAGE_AMF_LEN], uint64_t sqn, const uint8_t *rand,
			struct aka_vector *av);

/**
 * aka_vector_wipe() - erase a vector's contents.
 * @av: the vector (may be NULL)
 */
void aka_vector_wipe(struct aka_vector *av);

/**
 * aka_ue_authenticate() - the USIM's side of AKA (TS 33.102 §6.3.3).
 * @k:     subscriber key K
 * @opc:   OPc
 * @rand:  RAND received
 * @autn:  AUTN received
 * @state: the UE's SQN state; on AKA_OK its sqn_ms becomes the received SQN
 * @resp:  receives RES/CK/IK (AKA_OK) or AUTS (AKA_SYNC_FAILURE); otherwise wiped
 * @return AKA_OK, AKA_MAC_FAILURE, AKA_SYNC_FAILURE or a negative errno.
 */
int aka_ue_authenticate(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
			const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
			struct aka_ue_sqn *state, struct aka_ue_response *resp);

/**
 * aka_ue_sqn_acceptable() - the UE's freshness rule on its own.
 * @state: the UE's SQN state
 * @sqn:   the SQN from AUTN
 * @return 1 when @sqn > sqn_ms and (delta is 0 or @sqn - sqn_ms <= delta), else 0.
 */
int aka_ue_sqn_acceptable(const struct aka_ue_sqn *state, uint64_t sqn);

/**
 * aka_auts_build() - the UE's resynchronisation token AUTS = (SQN_MS xor AK*) || MAC-S,
 * MAC-S computed with AMF = 0000 (TS 33.102 §6.3.3).
 * @k:      subscriber key K
 * @opc:    OPc
 * @rand:   the RAND of the rejected challenge
 * @sqn_ms: the UE's highest accepted SQN
 * @auts:   receives AUTS
 * @return 0 or a negative errno.
 */
int aka_auts_build(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		   const uint8_t rand[MILENAGE_RAND_LEN], uint64_t sqn_ms,
		   uint8_t auts[AKA_AUTS_LEN]);

/**
 * aka_auts_verify() - the HSS's check of AUTS (TS 33.102 §6.3.5).
 * @k:      subscriber key K
 * @opc:    OPc
 * @rand:   the RAND the UE answered (the one the HSS sent)
 * @auts:   AUTS received
 * @sqn_ms: receives SQN_MS when MAC-S verifies
 * @return AKA_OK, AKA_MAC_FAILURE or a negative errno. On AKA_OK the HSS continues with
 *         aka_sqn_next(*sqn_ms).
 */
int aka_auts_verify(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
		    uint64_t *sqn_ms);

/**
 * aka_ue_response_wipe() - erase a UE response.
 * @resp: the response (may be NULL)
 */
void aka_ue_response_wipe(struct aka_ue_response *resp);

#endif /* COMMON_AKA_H */
