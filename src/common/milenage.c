/*
 * milenage.c — Milenage (3GPP TS 35.206 §4.1) with OpenSSL's AES-128 as the kernel E_K.
 *
 *   TEMP = E_K(RAND xor OPc)
 *   OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc,  IN1 = SQN||AMF||SQN||AMF
 *   OUTn = E_K(rot(TEMP xor OPc, rn) xor cn) xor OPc,           n = 2..5
 *
 * with r1 = 64, r2 = 0, r3 = 32, r4 = 64, r5 = 96 bits and c1..c5 = 0, 1, 2, 4, 8 (as 128-bit
 * integers, so only the last byte differs). f1 = OUT1[0..63], f1* = OUT1[64..127],
 * f2 = OUT2[64..127], f5 = OUT2[0..47], f3 = OUT3, f4 = OUT4, f5* = OUT5[0..47].
 */
#include "common/milenage.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define MILENAGE_BLOCK 16

/* One computation: the keyed cipher, OPc and TEMP. Wiped by milenage_ctx_done(). */
struct milenage_ctx {
	EVP_CIPHER_CTX *cipher;
	uint8_t opc[MILENAGE_BLOCK];
	uint8_t temp[MILENAGE_BLOCK];
};

/* E_K of one block. */
static int milenage_encrypt(struct milenage_ctx *ctx, const uint8_t in[MILENAGE_BLOCK],
			    uint8_t out[MILENAGE_BLOCK])
{
	int outl = 0;

	if (EVP_EncryptUpdate(ctx->cipher, out, &outl, in, MILENAGE_BLOCK) != 1 ||
	    outl != MILENAGE_BLOCK)
		return -EIO;
	return 0;
}

static void milenage_ctx_done(struct milenage_ctx *ctx)
{
	EVP_CIPHER_CTX_free(ctx->cipher);
	ctx->cipher = NULL;
	OPENSSL_cleanse(ctx->opc, sizeof(ctx->opc));
	OPENSSL_cleanse(ctx->temp, sizeof(ctx->temp));
}

/*
 * Key the cipher with K and remember OPc; with @rand, also compute TEMP. On error the context
 * is already released.
 */
static int milenage_ctx_init(struct milenage_ctx *ctx, const uint8_t *k, const uint8_t *opc,
			     const uint8_t *rand)
{
	uint8_t in[MILENAGE_BLOCK];
	int ret, i;

	memset(ctx, 0, sizeof(*ctx));
	if (!k || !opc)
		return -EINVAL;
	ctx->cipher = EVP_CIPHER_CTX_new();
	if (!ctx->cipher)
		return -ENOMEM;
	if (EVP_EncryptInit_ex(ctx->cipher, EVP_aes_128_ecb(), NULL, k, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx->cipher, 0) != 1) {
		milenage_ctx_done(ctx);
		return -EIO;
	}
	memcpy(ctx->opc, opc, MILENAGE_BLOCK);
	if (!rand)
		return 0;
	for (i = 0; i < MILENAGE_BLOCK; i++)
		in[i] = rand[i] ^ opc[i];
	ret = milenage_encrypt(ctx, in, ctx->temp);
	OPENSSL_cleanse(in, sizeof(in));
	if (ret)
		milenage_ctx_done(ctx);
	return ret;
}

/*
 * out = E_K(add xor rot(x xor OPc, rot_bytes) xor c) xor OPc, where rot() rotates left
 * (towards the most significant end) and c is the constant's last byte. @add may be NULL.
 */
static int milenage_out(struct milenage_ctx *ctx, const uint8_t x[MILENAGE_BLOCK],
			const uint8_t *add, unsigned int rot_bytes, uint8_t c,
			uint8_t out[MILENAGE_BLOCK])
{
	uint8_t in[MILENAGE_BLOCK];
	int ret, i;

	for (i = 0; i < MILENAGE_BLOCK; i++) {
		unsigned int j = (i + rot_bytes) % MILENAGE_BLOCK;

		in[i] = x[j] ^ ctx->opc[j];
		if (add)
			in[i] ^= add[i];
	}
	in[MILENAGE_BLOCK - 1] ^= c;
	ret = milenage_encrypt(ctx, in, out);
	for (i = 0; i < MILENAGE_BLOCK; i++)
		out[i] ^= ctx->opc[i];
	OPENSSL_cleanse(in, sizeof(in));
	return ret;
}

int milenage_opc(const uint8_t k[MILENAGE_K_LEN], const uint8_t op[MILENAGE_K_LEN],
		 uint8_t opc[MILENAGE_K_LEN])
{
	struct milenage_ctx ctx;
	int ret, i;

	if (!op || !opc)
		return -EINVAL;
	/* Key the cipher only; OPc is not known yet, so pass OP as a placeholder. */
	ret = milenage_ctx_init(&ctx, k, op, NULL);
	if (ret)
		return ret;
	ret = milenage_encrypt(&ctx, op, opc);
	for (i = 0; i < MILENAGE_K_LEN; i++)
		opc[i] ^= op[i];
	if (ret)
		OPENSSL_cleanse(opc, MILENAGE_K_LEN);
	milenage_ctx_done(&ctx);
	return ret;
}

/* OUT1 for f1 and f1*. */
static int milenage_out1(const uint8_t *k, const uint8_t *opc, const uint8_t *rand,
			 const uint8_t *sqn, const uint8_t *amf, uint8_t out1[MILENAGE_BLOCK])
{
	struct milenage_ctx ctx;
	uint8_t in1[MILENAGE_BLOCK];
	int ret;

	if (!rand || !sqn || !amf)
		return -EINVAL;
	ret = milenage_ctx_init(&ctx, k, opc, rand);
	if (ret)
		return ret;
	memcpy(in1, sqn, MILENAGE_SQN_LEN);
	memcpy(in1 + MILENAGE_SQN_LEN, amf, MILENAGE_AMF_LEN);
	memcpy(in1 + 8, in1, 8);
	ret = milenage_out(&ctx, in1, ctx.temp, 8, 0x00, out1);
	milenage_ctx_done(&ctx);
	return ret;
}

int milenage_f1(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
		const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_a[MILENAGE_MAC_LEN])
{
	uint8_t out1[MILENAGE_BLOCK];
	int ret;

	if (!mac_a)
		return -EINVAL;
	ret = milenage_out1(k, opc, rand, sqn, amf, out1);
	if (!ret)
		memcpy(mac_a, out1, MILENAGE_MAC_LEN);
	OPENSSL_cleanse(out1, sizeof(out1));
	return ret;
}

int milenage_f1star(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
		    const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_s[MILENAGE_MAC_LEN])
{
	uint8_t out1[MILENAGE_BLOCK];
	int ret;

	if (!mac_s)
		return -EINVAL;
	ret = milenage_out1(k, opc, rand, sqn, amf, out1);
	if (!ret)
		memcpy(mac_s, out1 + 8, MILENAGE_MAC_LEN);
	OPENSSL_cleanse(out1, sizeof(out1));
	return ret;
}

/* Compute OUT2..OUT5 as requested (NULL skips one) for one RAND. */
static int milenage_out2345(const uint8_t *k, const uint8_t *opc, const uint8_t *rand,
			    uint8_t *out2, uint8_t *out3, uint8_t *out4, uint8_t *out5)
{
	static const struct {
		unsigned int rot_bytes;
		uint8_t c;
	} param[4] = {{0, 1}, {4, 2}, {8, 4}, {12, 8}};
	uint8_t *outs[4] = {out2, out3, out4, out5};
	struct milenage_ctx ctx;
	int ret, i;

	if (!rand)
		return -EINVAL;
	ret = milenage_ctx_init(&ctx, k, opc, rand);
	if (ret)
		return ret;
	for (i = 0; i < 4 && !ret; i++) {
		if (outs[i])
			ret = milenage_out(&ctx, ctx.temp, NULL, param[i].rot_bytes, param[i].c,
					   outs[i]);
	}
	milenage_ctx_done(&ctx);
	return ret;
}

int milenage_f2345(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		   const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN],
		   uint8_t ck[MILENAGE_CK_LEN], uint8_t ik[MILENAGE_IK_LEN],
		   uint8_t ak[MILENAGE_AK_LEN])
{
	uint8_t out2[MILENAGE_BLOCK], out3[MILENAGE_BLOCK], out4[MILENAGE_BLOCK];
	int ret;

	ret = milenage_out2345(k, opc, rand, (res || ak) ? out2 : NULL, ck ? out3 : NULL,
			       ik ? out4 : NULL, NULL);
	if (!ret) {
		if (res)
			memcpy(res, out2 + 8, MILENAGE_RES_LEN);
		if (ak)
			memcpy(ak, out2, MILENAGE_AK_LEN);
		if (ck)
			memcpy(ck, out3, MILENAGE_CK_LEN);
		if (ik)
			memcpy(ik, out4, MILENAGE_IK_LEN);
	}
	OPENSSL_cleanse(out2, sizeof(out2));
	OPENSSL_cleanse(out3, sizeof(out3));
	OPENSSL_cleanse(out4, sizeof(out4));
	return ret;
}

int milenage_f2(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN])
{
	if (!res)
		return -EINVAL;
	return milenage_f2345(k, opc, rand, res, NULL, NULL, NULL);
}

int milenage_f3(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ck[MILENAGE_CK_LEN])
{
	if (!ck)
		return -EINVAL;
	return milenage_f2345(k, opc, rand, NULL, ck, NULL, NULL);
}

int milenage_f4(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ik[MILENAGE_IK_LEN])
{
	if (!ik)
		return -EINVAL;
	return milenage_f2345(k, opc, rand, NULL, NULL, ik, NULL);
}

int milenage_f5(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak[MILENAGE_AK_LEN])
{
	if (!ak)
		return -EINVAL;
	return milenage_f2345(k, opc, rand, NULL, NULL, NULL, ak);
}

int milenage_f5star(const uint8_t k[MILENAGE_K_LEN], const uint8_t opc[MILENAGE_K_LEN],
		    const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak_star[MILENAGE_AK_LEN])
{
	uint8_t out5[MILENAGE_BLOCK];
	int ret;

	if (!ak_star)
		return -EINVAL;
	ret = milenage_out2345(k, opc, rand, NULL, NULL, NULL, out5);
	if (!ret)
		memcpy(ak_star, out5, MILENAGE_AK_LEN);
	OPENSSL_cleanse(out5, sizeof(out5));
	return ret;
}
