/*
 * milenage.h — the Milenage algorithm set (3GPP TS 35.206) on AES-128.
 *
 * All functions take the subscriber key K and the operator variant OPc (see milenage_opc()),
 * use the constants r1..r5 and c1..c5 of TS 35.206 §4.1, and return 0 or a negative errno
 * (-EINVAL for a NULL argument, -ENOMEM or -EIO when OpenSSL fails). Intermediate values are
 * wiped before returning; the caller owns and wipes what it passes in and gets back.
 */
#ifndef COMMON_MILENAGE_H
#define COMMON_MILENAGE_H

#include <stdint.h>

#define MILENAGE_K_LEN	  16 /* K, OP, OPc */
#define MILENAGE_RAND_LEN 16
#define MILENAGE_SQN_LEN  6
#define MILENAGE_AMF_LEN  2
#define MILENAGE_MAC_LEN  8 /* MAC-A, MAC-S */
#define MILENAGE_RES_LEN  8
#define MILENAGE_CK_LEN	  16
#define MILENAGE_IK_LEN	  16
#define MILENAGE_AK_LEN	  6 /* AK, AK* */

/**
 * milenage_opc() - derive OPc = E_K(OP) xor OP.
 * @k:   subscriber key K
 * @op:  operator variant OP
 * @opc: receives OPc
 * @return 0 or a negative errno.
 */
int milenage_opc(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_K_LEN],
		 uint8_t opc[MILENAGE_K_LEN]);

/**
 * milenage_f1() - network authentication function f1 (MAC-A).
 * @k:     subscriber key K
 * @opc:   OPc
 * @rand:  RAND
 * @sqn:   SQN (48 bits, big-endian)
 * @amf:   AMF
 * @mac_a: receives MAC-A
 * @return 0 or a negative errno.
 */
int milenage_f1(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
		const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_a[MILENAGE_MAC_LEN]);

/**
 * milenage_f1star() - resynchronisation message authentication function f1* (MAC-S).
 * @k:     subscriber key K
 * @opc:   OPc
 * @rand:  RAND
 * @sqn:   SQN (for AUTS: SQN_MS)
 * @amf:   AMF (for AUTS: all zero, TS 33.102 §6.3.3)
 * @mac_s: receives MAC-S
 * @return 0 or a negative errno.
 */
int milenage_f1star(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
		    const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_s[MILENAGE_MAC_LEN]);

/**
 * milenage_f2345() - f2 (RES), f3 (CK), f4 (IK) and f5 (AK) in one pass.
 * @k:    subscriber key K
 * @opc:  OPc
 * @rand: RAND
 * @res:  receives RES (may be NULL)
 * @ck:   receives CK (may be NULL)
 * @ik:   receives IK (may be NULL)
 * @ak:   receives AK (may be NULL)
 * @return 0 or a negative errno.
 */
int milenage_f2345(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		   const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN],
		   uint8_t ck[MILENAGE_CK_LEN], uint8_t ik[MILENAGE_IK_LEN],
		   uint8_t ak[MILENAGE_AK_LEN]);

/**
 * milenage_f2() - user authentication function f2 (RES).
 * @k:    subscriber key K
 * @opc:  OPc
 * @rand: RAND
 * @res:  receives RES
 * @return 0 or a negative errno.
 */
int milenage_f2(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN]);

/**
 * milenage_f3() - cipher key derivation function f3 (CK).
 * @k:    subscriber key K
 * @opc:  OPc
 * @rand: RAND
 * @ck:   receives CK
 * @return 0 or a negative errno.
 */
int milenage_f3(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ck[MILENAGE_CK_LEN]);

/**
 * milenage_f4() - integrity key derivation function f4 (IK).
 * @k:    subscriber key K
 * @opc:  OPc
 * @rand: RAND
 * @ik:   receives IK
 * @return 0 or a negative errno.
 */
int milenage_f4(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ik[MILENAGE_IK_LEN]);

/**
 * milenage_f5() - anonymity key derivation function f5 (AK).
 * @k:    subscriber key K
 * @opc:  OPc
 * @rand: RAND
 * @ak:   receives AK
 * @return 0 or a negative errno.
 */
int milenage_f5(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak[MILENAGE_AK_LEN]);

/**
 * milenage_f5star() - resynchronisation anonymity key function f5* (AK*).
 * @k:       subscriber key K
 * @opc:     OPc
 * @rand:    RAND
 * @ak_star: receives AK*
 * @return 0 or a negative errno.
 */
int milenage_f5star(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak_star[MILENAGE_AK_LEN]);

#endif /* COMMON_MILENAGE_H */
