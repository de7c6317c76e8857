/*
 * sign_int.h — what the files of src/sign share: keys, the ring, tokens and the MAC.
 */
#ifndef PCSCF_SIGN_INT_H
#define PCSCF_SIGN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "common/codec.h"
#include "sign/sign.h"
#include "sign/sign_key.h"

/** Kinds of signature: each has its own subkey and starts its MAC input. */
enum sign_kind {
	SIGN_KIND_VIA = 0,
	SIGN_KIND_RR,
	SIGN_KIND_ROUTE,
	SIGN_KIND_TARGET,
	SIGN_KIND_COUNT,
};

/** First byte of every token (a new format gets a new value). */
#define SIGN_TOKEN_VERSION 1
/** Signature token: version, key ID, one or two MACs. */
#define SIGN_SIG_LEN(n_macs) (1 + 4 + (n_macs)*SIGN_MAC_LEN)
/** Wrapped key: version, key ID, creation time, GCM nonce, wrapped key, GCM tag. */
#define SIGN_WRAP_HDR_LEN   (1 + 4 + 8)
#define SIGN_WRAP_NONCE_LEN 12
#define SIGN_WRAP_TAG_LEN   16
#define SIGN_WRAP_LEN	    (SIGN_WRAP_HDR_LEN + SIGN_WRAP_NONCE_LEN + SIGN_KEY_LEN + SIGN_WRAP_TAG_LEN)
/** Encoded lengths, NUL included. */
#define SIGN_WRAP_TEXT_SIZE CODEC_BASE64URL_SIZE(SIGN_WRAP_LEN)
#define SIGN_SIG_TEXT_SIZE  CODEC_BASE64URL_SIZE(SIGN_SIG_LEN(2))

/** A session key with its derived subkeys. */
struct sign_key {
	uint32_t id;
	uint64_t created;
	uint64_t expires;
	uint8_t secret[SIGN_KEY_LEN];
	uint8_t sub[SIGN_KIND_COUNT][SIGN_KEY_LEN];
};

/** A parsed signature token. */
struct sign_sig {
	uint32_t kid;
	size_t n_macs; /**< 1, or 2 for a route set (routes, target) */
	uint8_t mac[2][SIGN_MAC_LEN];
};

/** A parsed wrapped key (nothing unwrapped yet). */
struct sign_wrap {
	uint32_t kid;
	uint64_t created;
	uint8_t raw[SIGN_WRAP_LEN]; /**< the whole token, as decoded */
};

/** An unwrapped key of another pool member. */
struct sign_cache_entry {
	bool used;
	uint64_t stamp; /**< for least-recently-used eviction */
	uint8_t raw[SIGN_WRAP_LEN];
	struct sign_key key;
};

struct sign_ring {
	struct sign_ring_config cfg;
	struct sign_key keys[SIGN_RING_MAX]; /**< oldest first; the last one signs */
	size_t n_keys;
	bool has_pool;
	uint8_t pool_key[SIGN_KEY_LEN];
	char wrap_text[SIGN_WRAP_TEXT_SIZE]; /**< the current key, wrapped (pool only) */
	struct sign_cache_entry cache[SIGN_CACHE_MAX];
	uint64_t cache_clock;
	EVP_MAC_CTX *mac; /**< HMAC-SHA-256, reused for every MAC */
	int mac_err;	  /**< set when an update failed since sign_mac_begin() */
	/* MAC input gathered here and handed over in blocks: fields are small and many, and
	 * each EVP_MAC_update() costs a provider call. Not secret (message bytes). */
	uint8_t mac_buf[1024];
	size_t mac_len;
};

/* sign_ring.c */

/**
 * sign_key_derive() - fill key->sub from key->secret.
 * @ring: the ring (its MAC context).
 * @key: the key.
 * @return 0 or -EIO.
 */
int sign_key_derive(struct sign_ring *ring, struct sign_key *key);

/**
 * sign_ring_signing_key() - the key that signs now.
 * @ring: the ring.
 * @return the key, or NULL when there is none.
 */
const struct sign_key *sign_ring_signing_key(const struct sign_ring *ring);

/**
 * sign_ring_find() - a ring key by ID.
 * @ring: the ring.
 * @kid: the ID.
 * @return the key, or NULL.
 */
const struct sign_key *sign_ring_find(const struct sign_ring *ring, uint32_t kid);

/**
 * sign_ring_lifetime() - how long a key verifies after its creation.
 * @ring: the ring.
 * @return rotate_s + keep_s.
 */
uint64_t sign_ring_lifetime(const struct sign_ring *ring);

/**
 * sign_mac_begin() - start a MAC of @kind under @key; the kind is its first input byte.
 * @ring: the ring (its MAC context).
 * @key: the key.
 * @kind: the kind.
 */
void sign_mac_begin(struct sign_ring *ring, const struct sign_key *key, enum sign_kind kind);

/**
 * sign_mac_field() - add one field: its length (32 bits, big-endian), then its bytes.
 * @ring: the ring.
 * @s: the bytes.
 * @len: their number.
 */
void sign_mac_field(struct sign_ring *ring, const void *s, size_t len);

/**
 * sign_mac_end() - the truncated MAC.
 * @ring: the ring.
 * @out: receives SIGN_MAC_LEN bytes.
 * @return 0, or -EIO when any step since sign_mac_begin() failed.
 */
int sign_mac_end(struct sign_ring *ring, uint8_t out[SIGN_MAC_LEN]);

/* sign_token.c */

/**
 * sign_sig_encode() - write a signature token as base64url.
 * @sig: the signature.
 * @out: receives the text and a NUL.
 * @size: room in @out.
 * @return 0 or -ENOSPC.
 */
int sign_sig_encode(const struct sign_sig *sig, char *out, size_t size);

/**
 * sign_sig_parse() - read a signature token (strict base64url, known version and length).
 * @s: the text.
 * @len: its length.
 * @sig: the result.
 * @return 0 or -EINVAL.
 */
int sign_sig_parse(const char *s, size_t len, struct sign_sig *sig);

/**
 * sign_wrap_parse() - read a wrapped-key token (strict base64url, known version, length).
 * @s: the text.
 * @len: its length.
 * @w: the result.
 * @return 0 or -EINVAL.
 */
int sign_wrap_parse(const char *s, size_t len, struct sign_wrap *w);

/**
 * sign_wrap_header() - write the SIGN_WRAP_HDR_LEN bytes that start a wrapped key.
 * @p: where.
 * @kid: the key ID.
 * @created: its creation time.
 */
void sign_wrap_header(uint8_t *p, uint32_t kid, uint64_t created);

/* sign_wrap.c */

/**
 * sign_wrap_current() - wrap the signing key under the pool key into ring->wrap_text
 * (empty without a pool or a key).
 * @ring: the ring.
 * @return 0 or -EIO.
 */
int sign_wrap_current(struct sign_ring *ring);

/**
 * sign_wrap_key() - the key a wrapped token carries: the timestamp is checked first, then
 * the cache, then the GCM tag; only then is the key used.
 * @ring: the ring (pool key, cache).
 * @w: the parsed token.
 * @now: wall-clock seconds.
 * @key: set to the key (owned by the cache).
 * @return SIGN_OK, SIGN_EXPIRED_KEY, SIGN_BAD_WRAP, SIGN_UNKNOWN_KEY (not in a pool).
 */
enum sign_result sign_wrap_key(struct sign_ring *ring, const struct sign_wrap *w, uint64_t now,
			       const struct sign_key **key);

/**
 * sign_cache_clear() - wipe and forget every unwrapped key.
 * @ring: the ring.
 */
void sign_cache_clear(struct sign_ring *ring);

/**
 * sign_key_wipe() - wipe a key.
 * @key: the key.
 */
void sign_key_wipe(struct sign_key *key);

#endif /* PCSCF_SIGN_INT_H */
