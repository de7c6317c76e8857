/*
 * seal.h — key material at rest: the database key file and AES-256-GCM sealing.
 *
 * The privileged parent reads (or creates) the key file before the split and keeps the
 * key; the state database only ever holds CK and IK sealed under it, bound to the set
 * they belong to (the associated data names its reqid, SPIs and algorithms), so a row
 * copied onto another set does not open.
 */
#ifndef PCSCF_SEAL_H
#define PCSCF_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "sign/sign_key.h"

#define SEAL_KEY_LEN   32
#define SEAL_NONCE_LEN 12
#define SEAL_TAG_LEN   16
/** Sealed CK and IK: nonce, 32 bytes of ciphertext, tag. */
#define SEAL_BLOB_LEN (SEAL_NONCE_LEN + 32 + SEAL_TAG_LEN)

/**
 * seal_key_load() - read the key file, or create it (0600, random) when it is missing.
 * A key file that others than its owner may read, or that is not SEAL_KEY_LEN bytes,
 * is refused.
 * @path: the key file.
 * @key: the key (wipe it when done).
 * @why: the reason of a failure.
 * @why_len: its size.
 * @return 0 or -errno
 */
int seal_key_load(const char *path, uint8_t key[SEAL_KEY_LEN], char *why, size_t why_len);

/**
 * seal_encrypt() - seal 32 bytes.
 * @key: the key.
 * @aad: associated data (authenticated, not stored).
 * @aad_len: its length.
 * @plain: 32 bytes.
 * @blob: SEAL_BLOB_LEN bytes out.
 * @return 0 or -EIO
 */
int seal_encrypt(const uint8_t key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
		 const uint8_t plain[32], uint8_t blob[SEAL_BLOB_LEN]);

/**
 * seal_decrypt() - open a blob from seal_encrypt().
 * @key: the key.
 * @aad: the same associated data.
 * @aad_len: its length.
 * @blob: SEAL_BLOB_LEN bytes.
 * @plain: 32 bytes out (wipe them when done).
 * @return 0, or -EBADMSG when the blob or its associated data was altered (or the key
 * is another)
 */
int seal_decrypt(const uint8_t key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
		 const uint8_t blob[SEAL_BLOB_LEN], uint8_t plain[32]);

/**
 * seal_sign_encrypt() - seal a signing key (Via / Record-Route signing, doc/signing.md)
 * for the state database, bound to its key ID, creation time and expiry: the associated
 * data starts with a label of its own, so a sealed signing key and sealed CK/IK never
 * open as each other.
 * @key: the database key.
 * @rec: the key's record (its secret is read, not wiped).
 * @blob: SEAL_BLOB_LEN bytes out (zeros on error).
 * @return 0, -EINVAL (ID 0, or expiry not after creation) or -EIO
 */
int seal_sign_encrypt(const uint8_t key[SEAL_KEY_LEN], const struct sign_key_record *rec,
		      uint8_t blob[SEAL_BLOB_LEN]);

/**
 * seal_sign_decrypt() - open a signing key sealed by seal_sign_encrypt().
 * @key: the database key.
 * @rec: ID, creation time and expiry as stored (in); the secret (out: wipe it when done).
 * @blob: SEAL_BLOB_LEN bytes.
 * @return 0, or -EBADMSG when the blob or the record's times or ID were altered (or the
 * key is another); the secret is zero then
 */
int seal_sign_decrypt(const uint8_t key[SEAL_KEY_LEN], struct sign_key_record *rec,
		      const uint8_t blob[SEAL_BLOB_LEN]);

#endif /* PCSCF_SEAL_H */
