/*
 * sign_wrap.c — the signing key wrapped under the pool key (AES-256-GCM; the version, key ID
 * and creation time are the associated data), and the cache of keys unwrapped from other
 * members of the pool. doc/signing.md says why a symmetric AEAD rather than an RSA pair.
 */
#include "sign/sign_int.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Bound into the AAD too, so a wrap can never be taken for another use of the pool key. */
static const char sign_wrap_label[] = "pcscf-sign wrap v1";

/* AES-256-GCM over one key: @enc 1 seals @in into @out and @tag, 0 opens and checks @tag. */
static int sign_wrap_gcm(const uint8_t *pool, const uint8_t *hdr, const uint8_t *nonce,
			 const uint8_t *in, uint8_t *out, uint8_t *tag, int enc)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SIGN_WRAP_NONCE_LEN, NULL) == 1 &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, pool, nonce, enc) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)sign_wrap_label,
			      (int)strlen(sign_wrap_label)) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, hdr, SIGN_WRAP_HDR_LEN) == 1 &&
	     EVP_CipherUpdate(ctx, out, &n, in, SIGN_KEY_LEN) == 1 && n == SIGN_KEY_LEN;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SIGN_WRAP_TAG_LEN, tag) == 1;
	/* Decrypting, this is where the tag is checked: @out is not used unless it passes. */
	ok = ok && EVP_CipherFinal_ex(ctx, out + n, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SIGN_WRAP_TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		explicit_bzero(out, SIGN_KEY_LEN);
	return ok ? 0 : -EBADMSG;
}

int sign_wrap_current(struct sign_ring *ring)
{
	const struct sign_key *key = sign_ring_signing_key(ring);
	uint8_t raw[SIGN_WRAP_LEN];
	uint8_t *nonce = raw + SIGN_WRAP_HDR_LEN, *ct = nonce + SIGN_WRAP_NONCE_LEN;
	int ret = 0;

	ring->wrap_text[0] = '\0';
	if (!ring->has_pool || !key)
		return 0;
	sign_wrap_header(raw, key->id, key->created);
	if (RAND_bytes(nonce, SIGN_WRAP_NONCE_LEN) != 1 ||
	    sign_wrap_gcm(ring->pool_key, raw, nonce, key->secret, ct, ct + SIGN_KEY_LEN, 1) < 0 ||
	    codec_base64url_encode(raw, sizeof(raw), ring->wrap_text, sizeof(ring->wrap_text)) < 0)
		ret = -EIO;
	explicit_bzero(raw, sizeof(raw));
	return ret;
}

void sign_cache_clear(struct sign_ring *ring)
{
	explicit_bzero(ring->cache, sizeof(ring->cache));
	ring->cache_clock = 0;
}

int sign_ring_set_pool_key(struct sign_ring *ring, const uint8_t *key)
{
	sign_cache_clear(ring);
	explicit_bzero(ring->pool_key, sizeof(ring->pool_key));
	ring->has_pool = key != NULL;
	if (key)
		memcpy(ring->pool_key, key, SIGN_KEY_LEN);
	return sign_wrap_current(ring);
}

/* The entry for exactly this wrapped token, or the slot to reuse (free, else least recent). */
static struct sign_cache_entry *sign_cache_slot(struct sign_ring *ring, const struct sign_wrap *w,
						bool *hit)
{
	struct sign_cache_entry *victim = &ring->cache[0];

	*hit = false;
	for (size_t i = 0; i < SIGN_CACHE_MAX; i++) {
		struct sign_cache_entry *e = &ring->cache[i];

		if (e->used && e->key.id == w->kid &&
		    CRYPTO_memcmp(e->raw, w->raw, SIGN_WRAP_LEN) == 0) {
			*hit = true;
			return e;
		}
		if (victim->used && (!e->used || e->stamp < victim->stamp))
			victim = e;
	}
	return victim;
}

/* Open @w into @e (already wiped): the GCM tag decides before the key is derived or kept. */
static enum sign_result sign_cache_fill(struct sign_ring *ring, struct sign_cache_entry *e,
					const struct sign_wrap *w)
{
	const uint8_t *nonce = w->raw + SIGN_WRAP_HDR_LEN, *ct = nonce + SIGN_WRAP_NONCE_LEN;
	uint8_t tag[SIGN_WRAP_TAG_LEN];

	memcpy(tag, ct + SIGN_KEY_LEN, sizeof(tag));
	if (sign_wrap_gcm(ring->pool_key, w->raw, nonce, ct, e->key.secret, tag, 0) < 0)
		return SIGN_BAD_WRAP;
	e->key.id = w->kid;
	e->key.created = w->created;
	e->key.expires = w->created + sign_ring_lifetime(ring);
	if (sign_key_derive(ring, &e->key) < 0) {
		sign_key_wipe(&e->key);
		return SIGN_BAD_WRAP;
	}
	memcpy(e->raw, w->raw, SIGN_WRAP_LEN);
	e->used = true;
	return SIGN_OK;
}

enum sign_result sign_wrap_key(struct sign_ring *ring, const struct sign_wrap *w, uint64_t now,
			       const struct sign_key **key)
{
	struct sign_cache_entry *e;
	enum sign_result r = SIGN_OK;
	bool hit;

	*key = NULL;
	if (!ring->has_pool)
		return SIGN_UNKNOWN_KEY;
	/* The timestamp first: an expired or future wrap is never opened, nor looked up. */
	if (w->created > now + SIGN_CLOCK_SKEW ||
	    (now >= w->created && now - w->created >= sign_ring_lifetime(ring)))
		return SIGN_EXPIRED_KEY;
	e = sign_cache_slot(ring, w, &hit);
	if (!hit) {
		explicit_bzero(e, sizeof(*e));
		r = sign_cache_fill(ring, e, w);
	}
	if (r == SIGN_OK) {
		e->stamp = ++ring->cache_clock;
		*key = &e->key;
	}
	return r;
}
