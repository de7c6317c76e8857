/*
 * ipsec_keys.c — TS 33.203 Annex I: ESP keys from CK and IK, and the alg/ealg names.
 *
 * ipsec_keys.h says which texts each rule was checked against. Everything here is pure
 * computation: no logging (the inputs are secrets), no allocation but OpenSSL's own.
 */
#include "xfrm/ipsec_keys.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* TS 33.203 Annex I: FC and P0 of the two salt derivations (TS 33.220 Annex B KDF) */
#define KEYS_FC_AES_GMAC_SALT 0x58
#define KEYS_FC_AES_GCM_SALT  0x59
static const char keys_p0_aes_gmac_salt[] = "AES_GMAC_SALT";
static const char keys_p0_aes_gcm_salt[] = "AES_GCM_SALT";

/* Key lengths in bytes */
#define KEYS_HMAC_SHA1_KEY_LEN 20 /* IK || 32 zero bits */
#define KEYS_DES3_KEY_LEN      24 /* CK1 || CK2 || CK1 */
#define KEYS_HMAC_TRUNC_BITS   96
#define KEYS_AEAD_ICV_BITS     128

static const char *const ipsec_keys_integ_names[IPSEC_INTEG_COUNT] = {
    [IPSEC_INTEG_HMAC_SHA1_96] = "hmac-sha-1-96",
    [IPSEC_INTEG_HMAC_MD5_96] = "hmac-md5-96",
    [IPSEC_INTEG_AES_GMAC] = "aes-gmac",
    [IPSEC_INTEG_NULL] = "null",
};

static const char *const ipsec_keys_encr_names[IPSEC_ENCR_COUNT] = {
    [IPSEC_ENCR_NULL] = "null",
    [IPSEC_ENCR_AES_CBC] = "aes-cbc",
    [IPSEC_ENCR_DES_EDE3_CBC] = "des-ede3-cbc",
    [IPSEC_ENCR_AES_GCM] = "aes-gcm",
};

/* The ipsec-man (RFC 3329 era) spellings some UEs still send, e.g. alg=HMAC-SHA1 */
static const struct {
	const char *name;
	enum ipsec_integ integ;
} ipsec_keys_integ_aliases[] = {
    {"hmac-sha1", IPSEC_INTEG_HMAC_SHA1_96},
    {"hmac-md5", IPSEC_INTEG_HMAC_MD5_96},
};

/*
 * [alg][ealg]: integrity is mandatory, so alg null needs the AEAD aes-gcm; the AEADs are
 * ESP combined modes and take no second algorithm (ipsec_keys.h, ipsec_keys_allowed()).
 */
static const bool ipsec_keys_pairs[IPSEC_INTEG_COUNT][IPSEC_ENCR_COUNT] = {
    [IPSEC_INTEG_HMAC_SHA1_96] =
	{[IPSEC_ENCR_NULL] = true, [IPSEC_ENCR_AES_CBC] = true, [IPSEC_ENCR_DES_EDE3_CBC] = true},
    [IPSEC_INTEG_HMAC_MD5_96] =
	{[IPSEC_ENCR_NULL] = true, [IPSEC_ENCR_AES_CBC] = true, [IPSEC_ENCR_DES_EDE3_CBC] = true},
    [IPSEC_INTEG_AES_GMAC] = {[IPSEC_ENCR_NULL] = true},
    [IPSEC_INTEG_NULL] = {[IPSEC_ENCR_AES_GCM] = true},
};

/* ASCII-only case-insensitive equality: the names are ASCII, and the locale must not
 * matter (strcasecmp follows LC_CTYPE). */
static bool ipsec_keys_name_equal(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;

		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

const char *ipsec_integ_name(enum ipsec_integ integ)
{
	if ((unsigned)integ >= IPSEC_INTEG_COUNT)
		return NULL;
	return ipsec_keys_integ_names[integ];
}

const char *ipsec_encr_name(enum ipsec_encr encr)
{
	if ((unsigned)encr >= IPSEC_ENCR_COUNT)
		return NULL;
	return ipsec_keys_encr_names[encr];
}

int ipsec_integ_from_name(const char *name, enum ipsec_integ *out)
{
	size_t i;

	if (!name || !out)
		return -EINVAL;
	for (i = 0; i < IPSEC_INTEG_COUNT; i++) {
		if (ipsec_keys_name_equal(name, ipsec_keys_integ_names[i])) {
			*out = (enum ipsec_integ)i;
			return 0;
		}
	}
	for (i = 0; i < sizeof(ipsec_keys_integ_aliases) / sizeof(ipsec_keys_integ_aliases[0]);
	     i++) {
		if (ipsec_keys_name_equal(name, ipsec_keys_integ_aliases[i].name)) {
			*out = ipsec_keys_integ_aliases[i].integ;
			return 0;
		}
	}
	return -EINVAL;
}

int ipsec_encr_from_name(const char *name, enum ipsec_encr *out)
{
	size_t i;

	if (!name || !out)
		return -EINVAL;
	for (i = 0; i < IPSEC_ENCR_COUNT; i++) {
		if (ipsec_keys_name_equal(name, ipsec_keys_encr_names[i])) {
			*out = (enum ipsec_encr)i;
			return 0;
		}
	}
	return -EINVAL;
}

int ipsec_keys_allowed(enum ipsec_integ integ, enum ipsec_encr encr)
{
	if ((unsigned)integ >= IPSEC_INTEG_COUNT || (unsigned)encr >= IPSEC_ENCR_COUNT)
		return -EINVAL;
	return ipsec_keys_pairs[integ][encr] ? 0 : -EINVAL;
}

int ipsec_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *p0, size_t p0_len,
	      uint8_t out[32])
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	    OSSL_PARAM_construct_end(),
	};
	uint8_t l0[2] = {(uint8_t)(p0_len >> 8), (uint8_t)p0_len};
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t out_len = 0;
	int ret = -EIO;

	if (!out)
		return -EINVAL;
	memset(out, 0, IPSEC_KDF_LEN);
	if (!key || !key_len || (!p0 && p0_len) || p0_len > 0xffff)
		return -EINVAL;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		goto out;
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx)
		goto out;
	/* S = FC || P0 || L0, fed piecewise: no copy of S is needed */
	if (!EVP_MAC_init(ctx, key, key_len, params) || !EVP_MAC_update(ctx, &fc, 1) ||
	    (p0_len && !EVP_MAC_update(ctx, p0, p0_len)) || !EVP_MAC_update(ctx, l0, sizeof(l0)) ||
	    !EVP_MAC_final(ctx, out, &out_len, IPSEC_KDF_LEN) || out_len != IPSEC_KDF_LEN) {
		OPENSSL_cleanse(out, IPSEC_KDF_LEN);
		goto out;
	}
	ret = 0;
out:
	EVP_MAC_CTX_free(ctx); /* cleanses the HMAC key it holds */
	EVP_MAC_free(mac);
	return ret;
}

/* salt = the 32 least significant bits of KDF(CK || IK, fc, p0) */
static int ipsec_keys_salt(uint8_t fc, const char *p0, const uint8_t ck[16], const uint8_t ik[16],
			   uint8_t salt[IPSEC_SALT_LEN])
{
	uint8_t kdf_key[2 * IPSEC_AKA_KEY_LEN];
	uint8_t kdf_out[IPSEC_KDF_LEN];
	int ret;

	memcpy(kdf_key, ck, IPSEC_AKA_KEY_LEN);
	memcpy(kdf_key + IPSEC_AKA_KEY_LEN, ik, IPSEC_AKA_KEY_LEN);
	ret = ipsec_kdf(kdf_key, sizeof(kdf_key), fc, (const uint8_t *)p0, strlen(p0), kdf_out);
	if (!ret)
		memcpy(salt, kdf_out + IPSEC_KDF_LEN - IPSEC_SALT_LEN, IPSEC_SALT_LEN);
	explicit_bzero(kdf_key, sizeof(kdf_key));
	explicit_bzero(kdf_out, sizeof(kdf_out));
	return ret;
}

/* aes-gmac (RFC 4543): IK || salt; aes-gcm (RFC 4106): CK || salt. One XFRMA_ALG_AEAD. */
static int ipsec_keys_aead(enum ipsec_integ integ, const uint8_t ck[16], const uint8_t ik[16],
			   struct ipsec_alg_keys *out)
{
	bool gmac = integ == IPSEC_INTEG_AES_GMAC;

	out->aead = true;
	out->enc_name = gmac ? "rfc4543(gcm(aes))" : "rfc4106(gcm(aes))";
	out->aead_icv_bits = KEYS_AEAD_ICV_BITS;
	memcpy(out->enc_key, gmac ? ik : ck, IPSEC_AKA_KEY_LEN);
	out->enc_key_len = IPSEC_AKA_KEY_LEN + IPSEC_SALT_LEN;
	if (gmac)
		return ipsec_keys_salt(KEYS_FC_AES_GMAC_SALT, keys_p0_aes_gmac_salt, ck, ik,
				       out->enc_key + IPSEC_AKA_KEY_LEN);
	return ipsec_keys_salt(KEYS_FC_AES_GCM_SALT, keys_p0_aes_gcm_salt, ck, ik,
			       out->enc_key + IPSEC_AKA_KEY_LEN);
}

/* hmac-sha-1-96: IK || 32 zero bits; hmac-md5-96: IK */
static void ipsec_keys_auth(enum ipsec_integ integ, const uint8_t ik[16],
			    struct ipsec_alg_keys *out)
{
	out->auth_trunc_bits = KEYS_HMAC_TRUNC_BITS;
	memcpy(out->auth_key, ik, IPSEC_AKA_KEY_LEN);
	if (integ == IPSEC_INTEG_HMAC_SHA1_96) {
		out->auth_name = "hmac(sha1)";
		memset(out->auth_key + IPSEC_AKA_KEY_LEN, 0,
		       KEYS_HMAC_SHA1_KEY_LEN - IPSEC_AKA_KEY_LEN);
		out->auth_key_len = KEYS_HMAC_SHA1_KEY_LEN;
	} else {
		out->auth_name = "hmac(md5)";
		out->auth_key_len = IPSEC_AKA_KEY_LEN;
	}
}

/*
 * aes-cbc: CK; des-ede3-cbc: CK1 || CK2 || CK1 with the DES parity bits left as they are
 * (Linux ignores them; see ipsec_keys.h); null: ESP still needs a crypt algorithm in
 * xfrm, cipher_null with an empty key.
 */
static void ipsec_keys_enc(enum ipsec_encr encr, const uint8_t ck[16], struct ipsec_alg_keys *out)
{
	switch (encr) {
	case IPSEC_ENCR_AES_CBC:
		out->enc_name = "cbc(aes)";
		memcpy(out->enc_key, ck, IPSEC_AKA_KEY_LEN);
		out->enc_key_len = IPSEC_AKA_KEY_LEN;
		break;
	case IPSEC_ENCR_DES_EDE3_CBC:
		out->enc_name = "cbc(des3_ede)";
		memcpy(out->enc_key, ck, IPSEC_AKA_KEY_LEN); /* CK1 || CK2 */
		memcpy(out->enc_key + IPSEC_AKA_KEY_LEN, ck, IPSEC_AKA_KEY_LEN / 2); /* CK1 */
		out->enc_key_len = KEYS_DES3_KEY_LEN;
		break;
	default:
		out->enc_name = "ecb(cipher_null)";
		out->enc_key_len = 0;
		break;
	}
}

int ipsec_keys_derive(enum ipsec_integ integ, enum ipsec_encr encr, const uint8_t ck[16],
		      const uint8_t ik[16], struct ipsec_alg_keys *out)
{
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!ck || !ik)
		return -EINVAL;
	ret = ipsec_keys_allowed(integ, encr);
	if (ret)
		return ret;

	out->integ = integ;
	out->encr = encr;
	if (integ == IPSEC_INTEG_AES_GMAC || encr == IPSEC_ENCR_AES_GCM) {
		ret = ipsec_keys_aead(integ, ck, ik, out);
		if (ret)
			explicit_bzero(out, sizeof(*out));
		return ret;
	}
	ipsec_keys_auth(integ, ik, out);
	ipsec_keys_enc(encr, ck, out);
	return 0;
}

void ipsec_keys_wipe(struct ipsec_alg_keys *keys)
{
	if (!keys)
		return;
	explicit_bzero(keys->auth_key, sizeof(keys->auth_key));
	explicit_bzero(keys->enc_key, sizeof(keys->enc_key));
	keys->auth_key_len = 0;
	keys->enc_key_len = 0;
}
