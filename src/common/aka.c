/* aka.c — UMTS AKA vectors, AUTN checking and resynchronisation (TS 33.102 §6.3). */
#include "common/aka.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* AMF used in MAC-S of AUTS: all zero, so AUTS cannot be replayed as AUTN (§6.3.3). */
static const uint8_t aka_amf_resync[MILENAGE_AMF_LEN] = {0, 0};

uint64_t aka_sqn_from_bytes(const uint8_t sqn[MILENAGE_SQN_LEN])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		v = v << 8 | sqn[i];
	return v;
}

void aka_sqn_to_bytes(uint64_t sqn, uint8_t out[MILENAGE_SQN_LEN])
{
	int i;

	for (i = MILENAGE_SQN_LEN - 1; i >= 0; i--) {
		out[i] = (uint8_t)sqn;
		sqn >>= 8;
	}
}

uint64_t aka_sqn_next(uint64_t sqn)
{
	return (sqn + 1) & AKA_SQN_MAX;
}

int aka_random(uint8_t *buf, size_t len)
{
	if (!buf || len > INT32_MAX)
		return -EINVAL;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

void aka_vector_wipe(struct aka_vector *av)
{
	if (av)
		OPENSSL_cleanse(av, sizeof(*av));
}

void aka_ue_response_wipe(struct aka_ue_response *resp)
{
	if (resp)
		OPENSSL_cleanse(resp, sizeof(*resp));
}

int aka_vector_generate(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
			const uint8_t amf[MILENAGE_AMF_LEN], uint64_t sqn, const uint8_t *rand,
			struct aka_vector *av)
{
	uint8_t sqn_bytes[MILENAGE_SQN_LEN];
	int ret, i;

	if (!av)
		return -EINVAL;
	aka_vector_wipe(av);
	if (!k || !opc || !amf || sqn > AKA_SQN_MAX)
		return -EINVAL;
	if (rand)
		memcpy(av->rand, rand, MILENAGE_RAND_LEN);
	else if ((ret = aka_random(av->rand, MILENAGE_RAND_LEN)) != 0)
		return ret;
	av->sqn = sqn;
	aka_sqn_to_bytes(sqn, sqn_bytes);
	ret = milenage_f1(k, opc, av->rand, sqn_bytes, amf, av->mac_a);
	if (!ret)
		ret = milenage_f2345(k, opc, av->rand, av->xres, av->ck, av->ik, av->ak);
	if (ret) {
		aka_vector_wipe(av);
		return ret;
	}
	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		av->autn[i] = sqn_bytes[i] ^ av->ak[i];
	memcpy(av->autn + MILENAGE_SQN_LEN, amf, MILENAGE_AMF_LEN);
	memcpy(av->autn + MILENAGE_SQN_LEN + MILENAGE_AMF_LEN, av->mac_a, MILENAGE_MAC_LEN);
	return 0;
}

int aka_ue_sqn_acceptable(const struct aka_ue_sqn *state, uint64_t sqn)
{
	if (!state || sqn > AKA_SQN_MAX || sqn <= state->sqn_ms)
		return 0;
	if (state->delta && sqn - state->sqn_ms > state->delta)
		return 0;
	return 1;
}

int aka_auts_build(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		   const uint8_t rand[MILENAGE_RAND_LEN], uint64_t sqn_ms,
		   uint8_t auts[AKA_AUTS_LEN])
{
	uint8_t sqn[MILENAGE_SQN_LEN], ak_star[MILENAGE_AK_LEN];
	int ret, i;

	if (!auts || sqn_ms > AKA_SQN_MAX)
		return -EINVAL;
	aka_sqn_to_bytes(sqn_ms, sqn);
	ret = milenage_f5star(k, opc, rand, ak_star);
	if (!ret)
		ret = milenage_f1star(k, opc, rand, sqn, aka_amf_resync, auts + MILENAGE_SQN_LEN);
	if (!ret) {
		for (i = 0; i < MILENAGE_SQN_LEN; i++)
			auts[i] = sqn[i] ^ ak_star[i];
	} else {
		OPENSSL_cleanse(auts, AKA_AUTS_LEN);
	}
	OPENSSL_cleanse(ak_star, sizeof(ak_star));
	return ret;
}

int aka_auts_verify(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
		    uint64_t *sqn_ms)
{
	uint8_t sqn[MILENAGE_SQN_LEN], ak_star[MILENAGE_AK_LEN], mac_s[MILENAGE_MAC_LEN];
	int ret, i;

	if (!auts || !sqn_ms)
		return -EINVAL;
	ret = milenage_f5star(k, opc, rand, ak_star);
	if (ret)
		return ret;
	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		sqn[i] = auts[i] ^ ak_star[i];
	ret = milenage_f1star(k, opc, rand, sqn, aka_amf_resync, mac_s);
	if (!ret) {
		if (CRYPTO_memcmp(mac_s, auts + MILENAGE_SQN_LEN, MILENAGE_MAC_LEN) == 0)
			*sqn_ms = aka_sqn_from_bytes(sqn);
		else
			ret = AKA_MAC_FAILURE;
	}
	OPENSSL_cleanse(ak_star, sizeof(ak_star));
	OPENSSL_cleanse(mac_s, sizeof(mac_s));
	return ret;
}

/*
 * Recover SQN from AUTN and check MAC-A. Returns AKA_OK (with resp->sqn and RES/CK/IK set),
 * AKA_MAC_FAILURE or a negative errno.
 */
static int aka_ue_check_mac(const uint8_t *k, const uint8_t *opc, const uint8_t *rand,
			    const uint8_t *autn, struct aka_ue_response *resp)
{
	uint8_t sqn[MILENAGE_SQN_LEN], ak[MILENAGE_AK_LEN], xmac[MILENAGE_MAC_LEN];
	const uint8_t *amf = autn + MILENAGE_SQN_LEN;
	const uint8_t *mac = autn + MILENAGE_SQN_LEN + MILENAGE_AMF_LEN;
	int ret, i;

	ret = milenage_f2345(k, opc, rand, resp->res, resp->ck, resp->ik, ak);
	if (ret)
		return ret;
	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		sqn[i] = autn[i] ^ ak[i];
	ret = milenage_f1(k, opc, rand, sqn, amf, xmac);
	if (!ret && CRYPTO_memcmp(xmac, mac, MILENAGE_MAC_LEN) != 0)
		ret = AKA_MAC_FAILURE;
	if (!ret)
		resp->sqn = aka_sqn_from_bytes(sqn);
	OPENSSL_cleanse(ak, sizeof(ak));
	OPENSSL_cleanse(xmac, sizeof(xmac));
	return ret;
}

int aka_ue_authenticate(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
			const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
			struct aka_ue_sqn *state, struct aka_ue_response *resp)
{
	uint64_t sqn;
	int ret;

	if (!resp)
		return -EINVAL;
	aka_ue_response_wipe(resp);
	if (!autn || !state || state->sqn_ms > AKA_SQN_MAX)
		return -EINVAL;
	ret = aka_ue_check_mac(k, opc, rand, autn, resp);
	if (ret) {
		aka_ue_response_wipe(resp);
		return ret;
	}
	if (aka_ue_sqn_acceptable(state, resp->sqn)) {
		state->sqn_ms = resp->sqn;
		return AKA_OK;
	}
	/* Stale or too far ahead: no RES, no keys; answer with AUTS instead. */
	sqn = resp->sqn;
	aka_ue_response_wipe(resp);
	resp->sqn = sqn;
	ret = aka_auts_build(k, opc, rand, state->sqn_ms, resp->auts);
	if (ret) {
		aka_ue_response_wipe(resp);
		return ret;
	}
	return AKA_SYNC_FAILURE;
}
