/*
 * sign_ring.c — session keys: creation, rotation, purge, export and import, subkeys and
 * the MAC every signature uses.
 */
#include "sign/sign_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rand.h>

/* Labels of the subkeys: the version and the kind, so a subkey serves one kind only. */
static const char *const sign_kind_label[SIGN_KIND_COUNT] = {
	"pcscf-sign v1 via",
	"pcscf-sign v1 record-route",
	"pcscf-sign v1 route-set",
	"pcscf-sign v1 target",
};

void sign_key_wipe(struct sign_key *key)
{
	explicit_bzero(key, sizeof(*key));
}

/* Start an HMAC under @key on the shared context (its digest was set once, in
 * sign_ring_new(): fetching it by name on every MAC would cost more than the MAC). */
static int sign_hmac_init(struct sign_ring *ring, const uint8_t *key)
{
	return EVP_MAC_init(ring->mac, key, SIGN_KEY_LEN, NULL) == 1 ? 0 : -EIO;
}

int sign_key_derive(struct sign_ring *ring, struct sign_key *key)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t md_len;
	int ret = 0;

	for (int k = 0; k < SIGN_KIND_COUNT && ret == 0; k++) {
		const char *label = sign_kind_label[k];

		if (sign_hmac_init(ring, key->secret) < 0 ||
		    EVP_MAC_update(ring->mac, (const uint8_t *)label, strlen(label)) != 1 ||
		    EVP_MAC_final(ring->mac, md, &md_len, sizeof(md)) != 1 || md_len < SIGN_KEY_LEN)
			ret = -EIO;
		else
			memcpy(key->sub[k], md, SIGN_KEY_LEN);
	}
	explicit_bzero(md, sizeof(md));
	return ret;
}

/* Hand the gathered input to the MAC. */
static void sign_mac_flush(struct sign_ring *ring)
{
	if (ring->mac_len && !ring->mac_err &&
	    EVP_MAC_update(ring->mac, ring->mac_buf, ring->mac_len) != 1)
		ring->mac_err = -EIO;
	ring->mac_len = 0;
}

/* Add bytes to the MAC input. */
static void sign_mac_put(struct sign_ring *ring, const void *s, size_t len)
{
	if (ring->mac_len + len > sizeof(ring->mac_buf))
		sign_mac_flush(ring);
	if (len > sizeof(ring->mac_buf)) {
		if (!ring->mac_err && EVP_MAC_update(ring->mac, s, len) != 1)
			ring->mac_err = -EIO;
		return;
	}
	memcpy(ring->mac_buf + ring->mac_len, s, len);
	ring->mac_len += len;
}

void sign_mac_begin(struct sign_ring *ring, const struct sign_key *key, enum sign_kind kind)
{
	uint8_t k = (uint8_t)kind;

	ring->mac_len = 0;
	ring->mac_err = sign_hmac_init(ring, key->sub[kind]);
	sign_mac_put(ring, &k, 1);
}

void sign_mac_field(struct sign_ring *ring, const void *s, size_t len)
{
	uint8_t be[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			 (uint8_t)len};

	if (len > UINT32_MAX) {
		ring->mac_err = -EIO;
		return;
	}
	sign_mac_put(ring, be, sizeof(be));
	if (len)
		sign_mac_put(ring, s, len);
}

int sign_mac_end(struct sign_ring *ring, uint8_t out[SIGN_MAC_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t md_len = 0;
	int ret;

	sign_mac_flush(ring);
	ret = ring->mac_err;
	if (ret == 0 &&
	    (EVP_MAC_final(ring->mac, md, &md_len, sizeof(md)) != 1 || md_len < SIGN_MAC_LEN))
		ret = -EIO;
	if (ret == 0)
		memcpy(out, md, SIGN_MAC_LEN);
	explicit_bzero(md, sizeof(md));
	ring->mac_err = 0;
	return ret;
}

struct sign_ring *sign_ring_new(const struct sign_ring_config *cfg)
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	struct sign_ring *ring = NULL;
	EVP_MAC *hmac = NULL;

	if (!cfg || cfg->rotate_s == 0 ||
	    ((uint64_t)cfg->rotate_s + cfg->keep_s) / cfg->rotate_s + 2 > SIGN_RING_MAX) {
		errno = EINVAL;
		return NULL;
	}
	ring = calloc(1, sizeof(*ring));
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (ring && hmac)
		ring->mac = EVP_MAC_CTX_new(hmac);
	EVP_MAC_free(hmac); /* the context holds its own reference */
	if (!ring || !ring->mac || EVP_MAC_CTX_set_params(ring->mac, params) != 1) {
		if (ring)
			EVP_MAC_CTX_free(ring->mac);
		free(ring);
		errno = ENOMEM;
		return NULL;
	}
	ring->cfg = *cfg;
	return ring;
}

void sign_ring_free(struct sign_ring *ring)
{
	if (!ring)
		return;
	EVP_MAC_CTX_free(ring->mac);
	explicit_bzero(ring, sizeof(*ring));
	free(ring);
}

uint64_t sign_ring_lifetime(const struct sign_ring *ring)
{
	return (uint64_t)ring->cfg.rotate_s + ring->cfg.keep_s;
}

size_t sign_ring_count(const struct sign_ring *ring)
{
	return ring->n_keys;
}

const struct sign_key *sign_ring_signing_key(const struct sign_ring *ring)
{
	return ring->n_keys ? &ring->keys[ring->n_keys - 1] : NULL;
}

uint32_t sign_ring_current_id(const struct sign_ring *ring)
{
	return ring->n_keys ? ring->keys[ring->n_keys - 1].id : 0;
}

uint64_t sign_ring_current_created(const struct sign_ring *ring)
{
	return ring->n_keys ? ring->keys[ring->n_keys - 1].created : 0;
}

const struct sign_key *sign_ring_find(const struct sign_ring *ring, uint32_t kid)
{
	for (size_t i = 0; i < ring->n_keys; i++)
		if (ring->keys[i].id == kid)
			return &ring->keys[i];
	return NULL;
}

/* Drop the keys expired at @now (they are oldest first, but check each). */
static int sign_ring_purge(struct sign_ring *ring, uint64_t now)
{
	size_t kept = 0;
	int purged = 0;

	for (size_t i = 0; i < ring->n_keys; i++) {
		if (ring->keys[i].expires <= now) {
			purged++;
			continue;
		}
		if (kept != i)
			ring->keys[kept] = ring->keys[i];
		kept++;
	}
	for (size_t i = kept; i < ring->n_keys; i++)
		sign_key_wipe(&ring->keys[i]);
	ring->n_keys = kept;
	return purged;
}

/* A new signing key with a random ID that no key of the ring has. */
static int sign_ring_add(struct sign_ring *ring, uint64_t now)
{
	struct sign_key *key;

	if (ring->n_keys == SIGN_RING_MAX) /* cannot happen with a checked config */
		return -ENOSPC;
	key = &ring->keys[ring->n_keys];
	do {
		if (RAND_bytes((uint8_t *)&key->id, sizeof(key->id)) != 1)
			return -EIO;
	} while (key->id == 0 || sign_ring_find(ring, key->id));
	if (RAND_bytes(key->secret, SIGN_KEY_LEN) != 1 || sign_key_derive(ring, key) < 0) {
		sign_key_wipe(key);
		return -EIO;
	}
	key->created = now;
	key->expires = now + sign_ring_lifetime(ring);
	ring->n_keys++;
	return sign_wrap_current(ring);
}

int sign_ring_tick(struct sign_ring *ring, uint64_t now)
{
	const struct sign_key *cur;
	int changed = sign_ring_purge(ring, now), ret = 0;

	cur = sign_ring_signing_key(ring);
	if (!cur || cur->created + ring->cfg.rotate_s <= now) {
		ret = sign_ring_add(ring, now);
		changed++;
	} else if (changed) {
		ret = sign_wrap_current(ring);
	}
	return ret < 0 ? ret : changed;
}

int sign_ring_export(const struct sign_ring *ring, struct sign_key_record *out, size_t max)
{
	if (max < ring->n_keys)
		return -ENOSPC;
	for (size_t i = 0; i < ring->n_keys; i++) {
		out[i].id = ring->keys[i].id;
		out[i].created = ring->keys[i].created;
		out[i].expires = ring->keys[i].expires;
		memcpy(out[i].secret, ring->keys[i].secret, SIGN_KEY_LEN);
	}
	return (int)ring->n_keys;
}

/* Insert @rec keeping the keys sorted by creation time (the newest signs). */
static int sign_ring_insert(struct sign_ring *ring, const struct sign_key_record *rec)
{
	size_t at = ring->n_keys;

	if (rec->id == 0 || rec->expires <= rec->created || sign_ring_find(ring, rec->id))
		return -EINVAL;
	if (ring->n_keys == SIGN_RING_MAX)
		return -ENOSPC;
	while (at > 0 && ring->keys[at - 1].created > rec->created) {
		ring->keys[at] = ring->keys[at - 1];
		at--;
	}
	ring->keys[at].id = rec->id;
	ring->keys[at].created = rec->created;
	ring->keys[at].expires = rec->expires;
	memcpy(ring->keys[at].secret, rec->secret, SIGN_KEY_LEN);
	ring->n_keys++;
	return sign_key_derive(ring, &ring->keys[at]);
}

int sign_ring_import(struct sign_ring *ring, const struct sign_key_record *recs, size_t n,
		     uint64_t now)
{
	int ret = 0;

	sign_ring_purge(ring, UINT64_MAX);
	for (size_t i = 0; i < n && ret == 0; i++)
		if (recs[i].expires > now)
			ret = sign_ring_insert(ring, &recs[i]);
	if (ret == 0)
		ret = sign_wrap_current(ring);
	if (ret < 0)
		sign_ring_purge(ring, UINT64_MAX);
	return ret < 0 ? ret : (int)ring->n_keys;
}

const char *sign_result_name(enum sign_result r)
{
	static const char *const names[SIGN_RESULT_COUNT] = {
		"ok", "missing", "malformed", "bad-mac", "unknown-key", "expired-key", "bad-wrap",
	};

	return (unsigned int)r < SIGN_RESULT_COUNT ? names[r] : "?";
}
