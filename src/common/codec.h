/* codec.h — hex and base64 (RFC 4648) encoders and strict decoders. */
#ifndef COMMON_CODEC_H
#define COMMON_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Characters needed to hex-encode @n bytes, terminating NUL included. */
#define CODEC_HEX_SIZE(n) (2 * (n) + 1)

/** Characters needed to base64-encode @n bytes (padded), terminating NUL included. */
#define CODEC_BASE64_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/** Characters needed to base64url-encode @n bytes without padding, NUL included. */
#define CODEC_BASE64URL_SIZE(n) (((n)*4 + 2) / 3 + 1)

/**
 * codec_hex_encode() - write @len bytes as lower-case hex and a terminating NUL.
 * @in:       bytes to encode (may be NULL when @len is 0)
 * @len:      number of bytes
 * @out:      output buffer
 * @out_size: size of @out; at least CODEC_HEX_SIZE(@len)
 * @return 0, -EINVAL for a NULL buffer, -ENOSPC when @out is too small (then @out is "" if it
 *         has room for the NUL).
 */
int codec_hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size);

/**
 * codec_hex_decode() - decode hex digits (either case) into bytes.
 * @in:       the digits; no prefix, no separators, no whitespace
 * @in_len:   number of characters to read from @in
 * @out:      output buffer
 * @out_size: size of @out
 * @return the number of bytes written, -EINVAL for an odd length or a non-hex character,
 *         -ENOSPC when @out is too small. Nothing is guaranteed about @out on error.
 */
ssize_t codec_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size);

/**
 * codec_hex_decode_exact() - decode a NUL-terminated string of exactly 2 * @len hex digits.
 * @in:  the string
 * @out: receives @len bytes
 * @len: expected number of bytes
 * @return 0, or -EINVAL when @in is NULL, has another length or a non-hex character (then
 *         @out is zeroed).
 */
int codec_hex_decode_exact(const char *in, uint8_t *out, size_t len);

/**
 * codec_base64_encode() - encode bytes as padded base64 (standard alphabet) plus NUL.
 * @in:       bytes to encode (may be NULL when @len is 0)
 * @len:      number of bytes
 * @out:      output buffer
 * @out_size: size of @out; at least CODEC_BASE64_SIZE(@len)
 * @return 0, -EINVAL for a NULL buffer, -ENOSPC when @out is too small.
 */
int codec_base64_encode(const uint8_t *in, size_t len, char *out, size_t out_size);

/**
 * codec_base64_decode() - decode standard-alphabet base64.
 * @in:       the text; padding is optional, but if present it must be correct and final.
 *            Whitespace, the URL-safe alphabet and non-zero unused trailing bits are refused,
 *            so every byte string has exactly one accepted encoding (with or without padding).
 * @in_len:   number of characters to read from @in
 * @out:      output buffer
 * @out_size: size of @out
 * @return the number of bytes written, -EINVAL for malformed input, -ENOSPC when @out is too
 *         small.
 */
ssize_t codec_base64_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size);

/**
 * codec_base64url_encode() - encode bytes as base64url without padding (RFC 4648 §5) plus
 * NUL: the alphabet A-Z a-z 0-9 - _ is safe in a SIP token and in a URI parameter.
 * @in:       bytes to encode (may be NULL when @len is 0)
 * @len:      number of bytes
 * @out:      output buffer
 * @out_size: size of @out; at least CODEC_BASE64URL_SIZE(@len)
 * @return 0, -EINVAL for a NULL buffer, -ENOSPC when @out is too small.
 */
int codec_base64url_encode(const uint8_t *in, size_t len, char *out, size_t out_size);

/**
 * codec_base64url_decode() - decode base64url without padding, strictly: '=', white space,
 * the standard alphabet's '+' and '/' and non-zero unused trailing bits are refused, so every
 * byte string has exactly one accepted encoding.
 * @in:       the text
 * @in_len:   number of characters to read from @in
 * @out:      output buffer
 * @out_size: size of @out
 * @return the number of bytes written, -EINVAL for malformed input, -ENOSPC when @out is too
 *         small.
 */
ssize_t codec_base64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size);

#endif /* COMMON_CODEC_H */
