/*
 * sign_token.c — the byte layout of signature and wrapped-key tokens, in base64url without
 * padding (doc/signing.md): strict, so that every token has one spelling.
 */
#include "sign/sign_int.h"

#include <errno.h>
#include <string.h>

static void sign_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t sign_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int sign_sig_encode(const struct sign_sig *sig, char *out, size_t size)
{
	uint8_t raw[SIGN_SIG_LEN(2)];
	size_t len = SIGN_SIG_LEN(sig->n_macs);

	if (sig->n_macs < 1 || sig->n_macs > 2)
		return -EINVAL;
	raw[0] = SIGN_TOKEN_VERSION;
	sign_put32(raw + 1, sig->kid);
	memcpy(raw + 5, sig->mac, sig->n_macs * SIGN_MAC_LEN);
	return codec_base64url_encode(raw, len, out, size);
}

int sign_sig_parse(const char *s, size_t len, struct sign_sig *sig)
{
	uint8_t raw[SIGN_SIG_LEN(2)];
	ssize_t n;

	memset(sig, 0, sizeof(*sig));
	if (len >= SIGN_SIG_TEXT_SIZE)
		return -EINVAL;
	n = codec_base64url_decode(s, len, raw, sizeof(raw));
	if (n != SIGN_SIG_LEN(1) && n != SIGN_SIG_LEN(2))
		return -EINVAL;
	if (raw[0] != SIGN_TOKEN_VERSION)
		return -EINVAL;
	sig->kid = sign_get32(raw + 1);
	sig->n_macs = n == SIGN_SIG_LEN(1) ? 1 : 2;
	memcpy(sig->mac, raw + 5, sig->n_macs * SIGN_MAC_LEN);
	return sig->kid ? 0 : -EINVAL;
}

/* The header of a wrapped key: version, key ID, creation time (also its GCM AAD). */
void sign_wrap_header(uint8_t *p, uint32_t kid, uint64_t created)
{
	p[0] = SIGN_TOKEN_VERSION;
	sign_put32(p + 1, kid);
	sign_put32(p + 5, (uint32_t)(created >> 32));
	sign_put32(p + 9, (uint32_t)created);
}

int sign_wrap_parse(const char *s, size_t len, struct sign_wrap *w)
{
	ssize_t n;

	memset(w, 0, sizeof(*w));
	if (len >= SIGN_WRAP_TEXT_SIZE)
		return -EINVAL;
	n = codec_base64url_decode(s, len, w->raw, sizeof(w->raw));
	if (n != SIGN_WRAP_LEN || w->raw[0] != SIGN_TOKEN_VERSION)
		return -EINVAL;
	w->kid = sign_get32(w->raw + 1);
	w->created = (uint64_t)sign_get32(w->raw + 5) << 32 | sign_get32(w->raw + 9);
	return w->kid ? 0 : -EINVAL;
}
