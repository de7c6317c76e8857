/*
 * digest.h — HTTP Digest (RFC 2617) response computation with MD5, as SIP uses it, including
 * AKA Digest (RFC 3310, algorithm=AKAv1-MD5), where the password is RES as raw bytes.
 *
 * Supported: algorithm MD5 or AKAv1-MD5 (the same computation), qop absent or "auth".
 * Not supported: MD5-sess / AKAv1-MD5-sess and qop=auth-int (-EOPNOTSUPP).
 */
#ifndef COMMON_DIGEST_H
#define COMMON_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/** Size of an MD5 digest in lower-case hex, terminating NUL included. */
#define DIGEST_HEX_SIZE 33

/** Everything a response depends on. Strings are NUL-terminated and unquoted. */
struct digest_input {
	const char *username;
	const char *realm;
	const uint8_t *password; /* for AKAv1-MD5: RES, binary */
	size_t password_len;
	const char *method; /* "REGISTER" */
	const char *uri;    /* the digest-uri value */
	const char *nonce;
	const char *qop;    /* NULL for the RFC 2069 form, or "auth" */
	const char *nc;	    /* with qop: eight hex digits, e.g. "00000001" */
	const char *cnonce; /* with qop */
};

/**
 * digest_ha1() - HA1 = hex(MD5(username ":" realm ":" password)).
 * @username:     the user name (for IMS: the IMPI)
 * @realm:        the realm
 * @password:     password bytes (may be NULL when @password_len is 0)
 * @password_len: their number
 * @ha1:          receives 32 lower-case hex digits and a NUL
 * @return 0, -EINVAL for a NULL argument, -EIO when OpenSSL fails.
 */
int digest_ha1(const char *username, const char *realm, const uint8_t *password,
	       size_t password_len, char ha1[DIGEST_HEX_SIZE]);

/**
 * digest_response() - the request-digest: with qop,
 * MD5(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2), without it MD5(HA1 ":" nonce ":" HA2),
 * where HA2 = MD5(method ":" uri).
 * @in:       the inputs
 * @response: receives 32 lower-case hex digits and a NUL (emptied on error)
 * @return 0, -EINVAL for missing inputs (nc and cnonce are required with qop), -EOPNOTSUPP for
 *         a qop other than "auth", -EIO when OpenSSL fails.
 */
int digest_response(const struct digest_input *in, char response[DIGEST_HEX_SIZE]);

/**
 * digest_response_verify() - compare a received response with the expected one in constant
 * time (hex digits compared case-insensitively).
 * @in:       the inputs, with the password the server expects (XRES)
 * @response: the response parameter received
 * @return 0 when it matches, -EACCES when it does not (including a malformed @response), or an
 *         error of digest_response().
 */
int digest_response_verify(const struct digest_input *in, const char *response);

#endif /* COMMON_DIGEST_H */
