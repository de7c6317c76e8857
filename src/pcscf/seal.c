/*
 * seal.c — the database key file and AES-256-GCM (OpenSSL EVP).
 */
#include "config.h"

#include "pcscf/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new key file: O_EXCL so that a file someone else made in between is not ours. */
static int seal_key_create(const char *path, uint8_t key[SEAL_KEY_LEN], char *why, size_t len)
{
	int fd, ret = 0;

	if (RAND_bytes(key, SEAL_KEY_LEN) != 1) {
		snprintf(why, len, "%s: no random bytes for a new key", path);
		return -EIO;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "cannot create the key file %s: %s", path, strerror(errno));
		return ret;
	}
	if (write(fd, key, SEAL_KEY_LEN) != SEAL_KEY_LEN || fsync(fd) < 0) {
		ret = -EIO;
		snprintf(why, len, "cannot write the key file %s: %s", path, strerror(errno));
		unlink(path);
	}
	close(fd);
	return ret;
}

int seal_key_load(const char *path, uint8_t key[SEAL_KEY_LEN], char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	int ret = 0;

	if (fd < 0 && errno == ENOENT)
		return seal_key_create(path, key, why, len);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "cannot open the key file %s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(why, len, "the key file %s is not a regular file", path);
	} else if (st.st_mode & 077) {
		ret = -EPERM;
		snprintf(why, len, "the key file %s is readable by others (mode %04o; want 0600)",
			 path, (unsigned)(st.st_mode & 07777));
	} else if (st.st_size != SEAL_KEY_LEN || read(fd, key, SEAL_KEY_LEN) != SEAL_KEY_LEN) {
		ret = -EINVAL;
		snprintf(why, len, "the key file %s does not hold %d bytes", path, SEAL_KEY_LEN);
	}
	close(fd);
	if (ret < 0)
		explicit_bzero(key, SEAL_KEY_LEN);
	return ret;
}

/* One GCM pass; @enc: encrypt (tag written) or decrypt (tag checked). */
static int seal_gcm(const uint8_t *key, const uint8_t *nonce, const void *aad, size_t aad_len,
		    const uint8_t *in, uint8_t *out, uint8_t *tag, int enc)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	     EVP_CipherUpdate(ctx, out, &n, in, 32) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(ctx, out + n, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : enc ? -EIO : -EBADMSG;
}

int seal_encrypt(const uint8_t key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
		 const uint8_t plain[32], uint8_t blob[SEAL_BLOB_LEN])
{
	if (RAND_bytes(blob, SEAL_NONCE_LEN) != 1)
		return -EIO;
	return seal_gcm(key, blob, aad, aad_len, plain, blob + SEAL_NONCE_LEN,
			blob + SEAL_NONCE_LEN + 32, 1);
}

int seal_decrypt(const uint8_t key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
		 const uint8_t blob[SEAL_BLOB_LEN], uint8_t plain[32])
{
	uint8_t tag[SEAL_TAG_LEN];
	int ret;

	memcpy(tag, blob + SEAL_NONCE_LEN + 32, sizeof(tag));
	ret = seal_gcm(key, blob, aad, aad_len, blob + SEAL_NONCE_LEN, plain, tag, 0);
	if (ret < 0)
		explicit_bzero(plain, 32);
	return ret;
}

/* The label, ID, creation time and expiry of a signing key, big-endian: what it is sealed
 * to. The label makes it longer than CK/IK's associated data, so neither opens as the other. */
#define SEAL_SIGN_LABEL "pcscf-sign key v1"
_Static_assert(SIGN_KEY_LEN == 32, "seal_encrypt() seals 32 bytes");
#define SEAL_SIGN_AAD_LEN (sizeof(SEAL_SIGN_LABEL) - 1 + 4 + 8 + 8)

static void seal_sign_aad(const struct sign_key_record *rec, uint8_t aad[SEAL_SIGN_AAD_LEN])
{
	size_t at = sizeof(SEAL_SIGN_LABEL) - 1;

	memcpy(aad, SEAL_SIGN_LABEL, at);
	for (int i = 3; i >= 0; i--)
		aad[at++] = (uint8_t)(rec->id >> (8 * i));
	for (int i = 7; i >= 0; i--)
		aad[at++] = (uint8_t)(rec->created >> (8 * i));
	for (int i = 7; i >= 0; i--)
		aad[at++] = (uint8_t)(rec->expires >> (8 * i));
}

int seal_sign_encrypt(const uint8_t key[SEAL_KEY_LEN], const struct sign_key_record *rec,
		      uint8_t blob[SEAL_BLOB_LEN])
{
	uint8_t aad[SEAL_SIGN_AAD_LEN];
	int ret = -EINVAL;

	if (rec->id != 0 && rec->expires > rec->created) {
		seal_sign_aad(rec, aad);
		ret = seal_encrypt(key, aad, sizeof(aad), rec->secret, blob);
	}
	if (ret < 0)
		memset(blob, 0, SEAL_BLOB_LEN);
	return ret;
}

int seal_sign_decrypt(const uint8_t key[SEAL_KEY_LEN], struct sign_key_record *rec,
		      const uint8_t blob[SEAL_BLOB_LEN])
{
	uint8_t aad[SEAL_SIGN_AAD_LEN];

	seal_sign_aad(rec, aad);
	return seal_decrypt(key, aad, sizeof(aad), blob, rec->secret);
}
