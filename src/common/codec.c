/* codec.c — hex and base64 encoders and strict decoders. */
#include "common/codec.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static const char codec_hex_digits[] = "0123456789abcdef";
static const char codec_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char codec_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of one hex digit, or -1. */
static int codec_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of one base64 character of the alphabet @alphabet (its last two differ), or -1. */
static int codec_b64_value(char c, const char *alphabet)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == alphabet[62])
		return 62;
	if (c == alphabet[63])
		return 63;
	return -1;
}

int codec_hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
	size_t i;

	if (!out || (!in && len))
		return -EINVAL;
	if (len > (SIZE_MAX - 1) / 2 || out_size < CODEC_HEX_SIZE(len)) {
		if (out_size)
			out[0] = '\0';
		return -ENOSPC;
	}
	for (i = 0; i < len; i++) {
		out[2 * i] = codec_hex_digits[in[i] >> 4];
		out[2 * i + 1] = codec_hex_digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return 0;
}

ssize_t codec_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size)
{
	size_t i;

	if ((!in && in_len) || (!out && out_size))
		return -EINVAL;
	if (in_len % 2)
		return -EINVAL;
	if (in_len / 2 > out_size || in_len / 2 > SSIZE_MAX)
		return -ENOSPC;
	for (i = 0; i < in_len / 2; i++) {
		int hi = codec_hex_value(in[2 * i]);
		int lo = codec_hex_value(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(in_len / 2);
}

int codec_hex_decode_exact(const char *in, uint8_t *out, size_t len)
{
	ssize_t n;

	if (!out)
		return -EINVAL;
	if (!in || strlen(in) != 2 * len) {
		memset(out, 0, len);
		return -EINVAL;
	}
	n = codec_hex_decode(in, 2 * len, out, len);
	if (n != (ssize_t)len) {
		memset(out, 0, len);
		return -EINVAL;
	}
	return 0;
}

/* Encode with @alphabet; @pad adds the '=' of the standard form. */
static int codec_b64_encode(const uint8_t *in, size_t len, char *out, size_t out_size,
			    const char *alphabet, int pad)
{
	size_t i, o = 0;

	if (!out || (!in && len))
		return -EINVAL;
	if (len > (SIZE_MAX / 4) * 3 - 3 ||
	    out_size < (pad ? CODEC_BASE64_SIZE(len) : CODEC_BASE64URL_SIZE(len))) {
		if (out_size)
			out[0] = '\0';
		return -ENOSPC;
	}
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 0x3f];
		out[o++] = alphabet[(v >> 6) & 0x3f];
		out[o++] = alphabet[v & 0x3f];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 0x3f];
		if (i + 1 < len)
			out[o++] = alphabet[(v >> 6) & 0x3f];
		else if (pad)
			out[o++] = '=';
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

int codec_base64_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
	return codec_b64_encode(in, len, out, out_size, codec_b64_alphabet, 1);
}

int codec_base64url_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
	return codec_b64_encode(in, len, out, out_size, codec_b64url_alphabet, 0);
}

/*
 * Strip the padding of @in and check it: with padding the length is a multiple of four and
 * the pad count matches what the data length needs. Returns the data length or -EINVAL.
 */
static ssize_t codec_b64_data_len(const char *in, size_t in_len)
{
	size_t pad = 0, len = in_len;

	while (len > 0 && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (len > 0 && in[len - 1] == '=')
		return -EINVAL;
	if (len % 4 == 1)
		return -EINVAL;
	if (pad && (in_len % 4 != 0 || pad != 4 - len % 4))
		return -EINVAL;
	if (len > SSIZE_MAX)
		return -EINVAL;
	return (ssize_t)len;
}

/* Decode the @len data characters of @in (padding already stripped) with @alphabet. */
static ssize_t codec_b64_decode(const char *in, size_t len, uint8_t *out, size_t out_size,
				const char *alphabet)
{
	size_t i, need, o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	if (len % 4 == 1)
		return -EINVAL;
	need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (need > out_size)
		return -ENOSPC;
	for (i = 0; i < len; i++) {
		int v = codec_b64_value(in[i], alphabet);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Unused low bits of the last character must be zero (canonical encoding). */
	if (bits && (acc & ((1u << bits) - 1)))
		return -EINVAL;
	return (ssize_t)o;
}

ssize_t codec_base64_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size)
{
	ssize_t data_len;

	if ((!in && in_len) || (!out && out_size))
		return -EINVAL;
	data_len = codec_b64_data_len(in, in_len);
	if (data_len < 0)
		return data_len;
	return codec_b64_decode(in, (size_t)data_len, out, out_size, codec_b64_alphabet);
}

ssize_t codec_base64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size)
{
	if ((!in && in_len) || (!out && out_size) || in_len > SSIZE_MAX)
		return -EINVAL;
	return codec_b64_decode(in, in_len, out, out_size, codec_b64url_alphabet);
}
