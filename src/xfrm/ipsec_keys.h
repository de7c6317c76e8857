/*
 * ipsec_keys: the ESP algorithms of TS 33.203 and the derivation of their keys from the
 * IMS AKA keys CK and IK (TS 33.203 Annex I), in the shape Linux xfrm wants them.
 *
 * What was checked, and against what (the standards themselves are not in this tree):
 *
 * - TS 33.220 Annex B.2.0 (read on itecspec.com): S = FC || P0 || L0 || ... || Pn || Ln,
 *   Li = length of Pi in octets as a 16-bit big-endian number; derived key =
 *   HMAC-SHA-256(Key, S). FC is one octet here (the 0xFF || FC2 form is not needed).
 * - TS 33.203 Annex I, as quoted in OpenSIPS modules/proto_ipsec/ipsec_algo.c and in a
 *   TS 33.203 digest (both agree word for word on the points below):
 *   - hmac-sha-1-96: IK_esp = IK_im || 32 zero bits (160 bits);
 *   - aes-gmac (RFC 4543, 128-bit key): IK_esp = IK_im; salt = the 32 least significant
 *     bits of KDF(Key = CK_im || IK_im, FC = 0x58, P0 = "AES_GMAC_SALT", L0 = 0x00 0x0D);
 *   - aes-cbc (RFC 3602, 128-bit key): CK_esp = CK_im;
 *   - aes-gcm (RFC 4106, 128-bit key): CK_esp = CK_im; salt = the 32 least significant
 *     bits of KDF(Key = CK_im || IK_im, FC = 0x59, P0 = "AES_GCM_SALT", L0 = 0x00 0x0C).
 *   "32 least significant bits" is the last 4 octets of the 32-octet KDF output.
 * - hmac-md5-96 (IK_esp = IK_im) and des-ede3-cbc (CK_esp = CK1 || CK2 || CK1, CK = CK1 ||
 *   CK2, 64 bits each) are the pre-Rel-13 text, taken from DESIGN.md; the Linux xfrm code
 *   of doubango tinyIPSec builds the same 24-byte key (ck[0..15] || ck[0..7]). The DES
 *   parity bits are NOT adjusted: DES drops them in its key schedule (PC-1) and Linux
 *   does not check them, so both ends work with the raw CK bytes. Linux
 *   (include/crypto/internal/des.h, des3_ede_verify_key) refuses K1 == K3 only when the
 *   kernel runs in FIPS mode, and K1 == K2 only in FIPS mode or with
 *   CRYPTO_TFM_REQ_FORBID_WEAK_KEYS, which xfrm does not set: des-ede3-cbc therefore
 *   works on ordinary kernels and can never be installed on a FIPS-mode kernel.
 * - Allowed alg/ealg pairs (ipsec_keys_allowed()): not found in a primary copy of TS
 *   33.203; taken from a digest of Rel-12+ Annex H ("null" alg only with "aes-gcm", and
 *   "aes-gcm" only with alg "null"), from RFC 4543 (aes-gmac is ENCR_NULL_AUTH_AES_GMAC,
 *   a combined mode that encrypts nothing) and from xfrm, where XFRMA_ALG_AEAD cannot be
 *   combined with XFRMA_ALG_AUTH_TRUNC or XFRMA_ALG_CRYPT.
 * - The ipsec-man spellings "hmac-sha1"/"hmac-md5" come from our REGISTER examples
 *   (alg=HMAC-SHA1), not from RFC 3329 itself.
 */
#ifndef XFRM_IPSEC_KEYS_H
#define XFRM_IPSEC_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Integrity algorithms of TS 33.203 (Security-Client "alg") */
enum ipsec_integ {
	IPSEC_INTEG_HMAC_SHA1_96,
	IPSEC_INTEG_HMAC_MD5_96,
	IPSEC_INTEG_AES_GMAC,
	IPSEC_INTEG_NULL,
};

/* Encryption algorithms of TS 33.203 (Security-Client "ealg") */
enum ipsec_encr {
	IPSEC_ENCR_NULL,
	IPSEC_ENCR_AES_CBC,
	IPSEC_ENCR_DES_EDE3_CBC,
	IPSEC_ENCR_AES_GCM,
};

/* Number of values of each enum, for loops and range checks */
#define IPSEC_INTEG_COUNT 4
#define IPSEC_ENCR_COUNT  4

#define IPSEC_KEY_MAX 64
/* Length of the CK and IK of IMS AKA, in bytes */
#define IPSEC_AKA_KEY_LEN 16
/* Length of the RFC 4106 / RFC 4543 salt, in bytes */
#define IPSEC_SALT_LEN 4
/* Length of the TS 33.220 KDF output, in bytes */
#define IPSEC_KDF_LEN 32

/* What the kernel needs for one SA: either auth+enc, or one AEAD algorithm */
struct ipsec_alg_keys {
	enum ipsec_integ integ;
	enum ipsec_encr encr;
	bool aead;		  /* true: aes-gcm or aes-gmac, one XFRMA_ALG_AEAD */
	const char *auth_name;	  /* kernel name, "hmac(sha1)", "hmac(md5)"; NULL if aead */
	unsigned auth_trunc_bits; /* 96 for the HMACs; 0 if aead */
	uint8_t auth_key[IPSEC_KEY_MAX];
	unsigned auth_key_len; /* bytes */
	const char *enc_name;  /* "ecb(cipher_null)", "cbc(aes)", "cbc(des3_ede)", or the
				  AEAD name "rfc4106(gcm(aes))" / "rfc4543(gcm(aes))" */
	uint8_t enc_key[IPSEC_KEY_MAX];
	unsigned enc_key_len;	/* bytes (0 for null); for AEAD: key followed by the salt */
	unsigned aead_icv_bits; /* 128 for AEAD, else 0 */
};

/**
 * ipsec_keys_allowed() - whether an alg/ealg pair may form an SA.
 *
 * Integrity protection is mandatory (TS 33.203 §5.1.4, §6.3), and the two Rel-12 AEAD
 * algorithms are ESP combined modes (RFC 4106, RFC 4543; one XFRMA_ALG_AEAD in xfrm,
 * which cannot be paired with a separate auth or crypt algorithm). Hence, following the
 * Rel-12+ Annex H semantics of "alg"/"ealg":
 * - ealg aes-gcm only with alg null, and alg null only with ealg aes-gcm;
 * - alg aes-gmac only with ealg null;
 * - hmac-sha-1-96 and hmac-md5-96 with ealg null, aes-cbc or des-ede3-cbc.
 * hmac-md5-96 and des-ede3-cbc left Annex H in Rel-13 but older UEs still offer them;
 * refusing them is a policy for the caller, not a derivation error.
 * @integ: "alg"
 * @encr: "ealg"
 * @return 0, or -EINVAL for a pair (or an enum value) that TS 33.203 does not allow
 */
int ipsec_keys_allowed(enum ipsec_integ integ, enum ipsec_encr encr);

/**
 * ipsec_keys_derive() - derive the ESP keys of TS 33.203 Annex I from CK and IK.
 * @integ: "alg"
 * @encr: "ealg"
 * @ck: CK of the AKA run, 16 bytes
 * @ik: IK of the AKA run, 16 bytes
 * @out: filled in; zeroed on every error. Wipe it with ipsec_keys_wipe() when done.
 * @return 0, -EINVAL for a NULL argument or a combination TS 33.203 does not allow
 *	   (see ipsec_keys_allowed()), or -EIO if OpenSSL fails in the salt KDF
 */
int ipsec_keys_derive(enum ipsec_integ integ, enum ipsec_encr encr, const uint8_t ck[16],
		      const uint8_t ik[16], struct ipsec_alg_keys *out);

/**
 * ipsec_keys_wipe() - explicit_bzero the key bytes and key lengths of @keys.
 * The algorithm fields stay, so the caller can still say what it installed.
 * @keys: may be NULL
 */
void ipsec_keys_wipe(struct ipsec_alg_keys *keys);

/**
 * ipsec_integ_from_name() - parse an "alg" value, case-insensitively.
 * Accepts the TS 33.203 names "hmac-sha-1-96", "hmac-md5-96", "aes-gmac", "null" and the
 * ipsec-man spellings "hmac-sha1", "hmac-md5". No surrounding blanks or quotes.
 * @name: NUL-terminated
 * @out: set on success only
 * @return 0, or -EINVAL for NULL or an unknown name
 */
int ipsec_integ_from_name(const char *name, enum ipsec_integ *out);

/**
 * ipsec_encr_from_name() - parse an "ealg" value, case-insensitively.
 * Accepts "null", "aes-cbc", "des-ede3-cbc", "aes-gcm".
 * @name: NUL-terminated
 * @out: set on success only
 * @return 0, or -EINVAL for NULL or an unknown name
 */
int ipsec_encr_from_name(const char *name, enum ipsec_encr *out);

/**
 * ipsec_integ_name() - the TS 33.203 name of an integrity algorithm.
 * @return "hmac-sha-1-96", "hmac-md5-96", "aes-gmac", "null"; NULL for a bad value
 */
const char *ipsec_integ_name(enum ipsec_integ integ);

/**
 * ipsec_encr_name() - the TS 33.203 name of an encryption algorithm.
 * @return "null", "aes-cbc", "des-ede3-cbc", "aes-gcm"; NULL for a bad value
 */
const char *ipsec_encr_name(enum ipsec_encr encr);

/**
 * ipsec_kdf() - the TS 33.220 Annex B KDF with one parameter:
 * HMAC-SHA-256(key, FC || P0 || L0), L0 = p0_len as two big-endian octets.
 * @key: the KDF key (CK || IK for Annex I)
 * @key_len: its length in bytes, > 0
 * @fc: the one-octet function code
 * @p0: the parameter; may be NULL if @p0_len is 0
 * @p0_len: at most 65535
 * @out: the 32-byte result; zeroed on error
 * @return 0, -EINVAL for bad arguments, or -EIO if OpenSSL fails
 */
int ipsec_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *p0, size_t p0_len,
	      uint8_t out[32]);

#endif /* XFRM_IPSEC_KEYS_H */
