/* digest.c — RFC 2617 / RFC 3310 Digest responses with MD5. */
#include "common/digest.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/codec.h"

/* One input of a colon-joined hash. */
struct digest_part {
	const void *data;
	size_t len;
};

/* hex(MD5(part[0] ":" part[1] ":" ... part[n-1])). */
static int digest_md5_joined(const struct digest_part *part, size_t n, char hex[DIGEST_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx;
	int ok;
	size_t i;

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
	for (i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
		if (ok && part[i].len)
			ok = EVP_DigestUpdate(ctx, part[i].data, part[i].len) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len == 16;
	EVP_MD_CTX_free(ctx);
	if (ok)
		ok = codec_hex_encode(md, 16, hex, DIGEST_HEX_SIZE) == 0;
	OPENSSL_cleanse(md, sizeof(md));
	return ok ? 0 : -EIO;
}

static struct digest_part digest_str(const char *s)
{
	return (struct digest_part){s, strlen(s)};
}

int digest_ha1(const char *username, const char *realm, const uint8_t *password,
	       size_t password_len, char ha1[DIGEST_HEX_SIZE])
{
	struct digest_part parts[3];

	if (!username || !realm || (!password && password_len) || !ha1)
		return -EINVAL;
	parts[0] = digest_str(username);
	parts[1] = digest_str(realm);
	parts[2] = (struct digest_part){password, password_len};
	return digest_md5_joined(parts, 3, ha1);
}

static int digest_check_input(const struct digest_input *in)
{
	if (!in->username || !in->realm || (!in->password && in->password_len) || !in->method ||
	    !in->uri || !in->nonce)
		return -EINVAL;
	if (!in->qop)
		return 0;
	if (strcmp(in->qop, "auth") != 0)
		return -EOPNOTSUPP;
	if (!in->nc || !in->cnonce)
		return -EINVAL;
	return 0;
}

int digest_response(const struct digest_input *in, char response[DIGEST_HEX_SIZE])
{
	char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE];
	struct digest_part parts[6];
	size_t n = 0;
	int ret;

	if (!response)
		return -EINVAL;
	response[0] = '\0';
	if (!in)
		return -EINVAL;
	ret = digest_check_input(in);
	if (ret)
		return ret;
	ret = digest_ha1(in->username, in->realm, in->password, in->password_len, ha1);
	if (ret)
		return ret;
	parts[0] = digest_str(in->method);
	parts[1] = digest_str(in->uri);
	ret = digest_md5_joined(parts, 2, ha2);
	if (!ret) {
		parts[n++] = (struct digest_part){ha1, 32};
		parts[n++] = digest_str(in->nonce);
		if (in->qop) {
			parts[n++] = digest_str(in->nc);
			parts[n++] = digest_str(in->cnonce);
			parts[n++] = digest_str(in->qop);
		}
		parts[n++] = (struct digest_part){ha2, 32};
		ret = digest_md5_joined(parts, n, response);
	}
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (ret)
		response[0] = '\0';
	return ret;
}

int digest_response_verify(const struct digest_input *in, const char *response)
{
	char want[DIGEST_HEX_SIZE], got[DIGEST_HEX_SIZE];
	size_t i;
	int ret;

	ret = digest_response(in, want);
	if (ret)
		return ret;
	if (!response || strlen(response) != 32)
		return -EACCES;
	for (i = 0; i < 32; i++)
		got[i] = (char)tolower((unsigned char)response[i]);
	got[32] = '\0';
	ret = CRYPTO_memcmp(want, got, 32) == 0 ? 0 : -EACCES;
	OPENSSL_cleanse(want, sizeof(want));
	return ret;
}
