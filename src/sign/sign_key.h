/*
 * sign_key.h — the key ring of Via / Record-Route signing (doc/signing.md).
 *
 * A ring holds the P-CSCF's session keys: each has a 32-bit key ID, a creation time and an
 * expiry. The newest key signs; every key verifies until it expires. sign_ring_tick()
 * makes a new key every rotate_s seconds and purges a key once it is rotate_s + keep_s
 * old, so keep_s must be at least as long as the longest dialog. From each session key,
 * one subkey per kind of signature is derived, and the kind also starts every MAC input,
 * so that no signature can pass as one of another kind.
 *
 * A ring may also hold the pool key that every P-CSCF of a pool shares: the current
 * session key is then carried in route-set signatures wrapped under it (AES-256-GCM, key ID
 * and creation time as associated data), so that another member can verify them; the
 * keys it unwraps are cached by key ID.
 *
 * Times are wall-clock seconds (time(NULL)): members of a pool compare them. The ring is
 * not thread-safe; one event loop owns it. Secrets are wiped when a key is purged, a cache
 * entry is evicted and the ring is freed; exported records are the caller's to wipe.
 */
#ifndef PCSCF_SIGN_KEY_H
#define PCSCF_SIGN_KEY_H

#include <stddef.h>
#include <stdint.h>

/** Length of a session key and of the pool key, in bytes. */
#define SIGN_KEY_LEN 32
/** Length of a MAC as carried: HMAC-SHA-256 truncated to 128 bits. */
#define SIGN_MAC_LEN 16
/** Most session keys one ring holds (rotations within one verification lifetime). */
#define SIGN_RING_MAX 64
/** Most unwrapped keys of other pool members kept. */
#define SIGN_CACHE_MAX 64
/** How far in the future a wrapped key's creation time may lie (clock differences). */
#define SIGN_CLOCK_SKEW 300

/** How keys rotate. */
struct sign_ring_config {
	uint32_t rotate_s; /**< a new signing key this often (seconds, > 0) */
	uint32_t keep_s;   /**< a retired key still verifies this long (>= longest dialog) */
};

/** A session key as the state layer stores it (encrypted at rest: it is a secret). */
struct sign_key_record {
	uint32_t id;		      /**< key ID, not 0 */
	uint64_t created;	      /**< wall-clock seconds */
	uint64_t expires;	      /**< verifies while now < expires */
	uint8_t secret[SIGN_KEY_LEN]; /**< the key */
};

struct sign_ring;

/**
 * sign_ring_new() - an empty ring (no key yet: call sign_ring_tick() or sign_ring_import()).
 * @cfg: rotation period and verification lifetime; SIGN_RING_MAX keys must cover
 * rotate_s + keep_s.
 * @return the ring, or NULL with errno EINVAL (bad @cfg) or ENOMEM.
 */
struct sign_ring *sign_ring_new(const struct sign_ring_config *cfg);

/**
 * sign_ring_free() - wipe every key and free the ring.
 * @ring: the ring, or NULL.
 */
void sign_ring_free(struct sign_ring *ring);

/**
 * sign_ring_tick() - purge expired keys and make a new signing key when the current one is
 * rotate_s old (or there is none). Call it at start and then periodically.
 * @ring: the ring.
 * @now: wall-clock seconds.
 * @return the number of keys added and purged (non-zero: persist the ring again), or
 * -EIO when no random key could be drawn.
 */
int sign_ring_tick(struct sign_ring *ring, uint64_t now);

/**
 * sign_ring_count() - how many session keys the ring holds.
 * @ring: the ring.
 * @return the count.
 */
size_t sign_ring_count(const struct sign_ring *ring);

/**
 * sign_ring_current_id() - the key ID that signs now.
 * @ring: the ring.
 * @return the ID, or 0 when the ring is empty.
 */
uint32_t sign_ring_current_id(const struct sign_ring *ring);

/**
 * sign_ring_current_created() - when the key that signs now was made.
 * @ring: the ring.
 * @return wall-clock seconds, or 0 when the ring is empty.
 */
uint64_t sign_ring_current_created(const struct sign_ring *ring);

/**
 * sign_ring_export() - copy the session keys out, oldest first, for the state layer.
 * @ring: the ring.
 * @out: the records (secrets: wipe them with explicit_bzero() once stored).
 * @max: room in @out.
 * @return the number written, or -ENOSPC when @max is below sign_ring_count().
 */
int sign_ring_export(const struct sign_ring *ring, struct sign_key_record *out, size_t max);

/**
 * sign_ring_import() - replace the ring's keys with stored records (at start-up); records
 * already expired at @now are skipped.
 * @ring: the ring.
 * @recs: the records (left as they are: the caller wipes them).
 * @n: their number.
 * @now: wall-clock seconds.
 * @return the number of keys now in the ring, -EINVAL (ID 0, duplicate ID, expiry not after
 * creation), -ENOSPC (more than SIGN_RING_MAX live records), -EIO. On error the ring is
 * left empty.
 */
int sign_ring_import(struct sign_ring *ring, const struct sign_key_record *recs, size_t n,
		     uint64_t now);

/**
 * sign_ring_set_pool_key() - share keys with a pool: route-set signatures carry the signing
 * key wrapped under @key, and wrapped keys of other members are accepted. NULL leaves the
 * pool (nothing is wrapped or unwrapped). The unwrapped-key cache is emptied either way.
 * @ring: the ring.
 * @key: SIGN_KEY_LEN bytes (copied), or NULL.
 * @return 0, or -EIO when the current key cannot be wrapped.
 */
int sign_ring_set_pool_key(struct sign_ring *ring, const uint8_t *key);

/**
 * sign_keyfile_read() - read a pool key from a file of 2 * SIGN_KEY_LEN hex digits (white
 * space around them allowed) that only its owner may read or write.
 * @path: the file.
 * @key: SIGN_KEY_LEN bytes out (wiped on error; the caller wipes it when done).
 * @return 0, -EPERM (group or others have any access to it), -EINVAL (not a regular file,
 * or not exactly the hex of SIGN_KEY_LEN bytes), or the -errno of open/read.
 */
int sign_keyfile_read(const char *path, uint8_t *key);

#endif /* PCSCF_SIGN_KEY_H */
