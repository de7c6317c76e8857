/*
 * sip_uri.h — SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966), parsed in place.
 *
 *   sip:user:password@host:port;uri-parameters?headers
 *
 * The host is a hostname (letters, digits, '-', '.', '_'), an IPv4 address (checked with
 * inet_pton when it is all digits and dots) or an [IPv6reference] (checked with inet_pton).
 * Escapes (%XX) are left as written; the user part may hold ';', '?' or '/', as RFC 3261
 * allows for telephone-subscriber users. URIs of other schemes are accepted with their
 * scheme and the rest as written (SIP_URI_OTHER).
 */
#ifndef PCSCF_SIP_URI_H
#define PCSCF_SIP_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"

/** URI schemes we parse. */
enum sip_uri_scheme {
	SIP_URI_OTHER = 0, /**< any other scheme: only scheme and opaque are set */
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

/** A parsed URI: spans into the input. */
struct sip_uri {
	enum sip_uri_scheme scheme;
	struct sip_str scheme_str; /**< as written, without ':' */
	struct sip_str opaque;	   /**< everything after "scheme:" */
	struct sip_str user;	   /**< sip/sips: the user part; tel: the number */
	struct sip_str password;   /**< sip/sips, after "user:" */
	struct sip_str host;	   /**< without brackets */
	bool host_ipv6;
	bool has_port;
	uint16_t port;
	struct sip_str params;	/**< from the first ';' (after the host, or after the tel number) */
	struct sip_str headers; /**< after '?', without it */
	struct sip_str transport;  /**< value of transport=, or empty */
	struct sip_str maddr;	   /**< value of maddr=, or empty */
	struct sip_str user_param; /**< value of user= (e.g. "phone"), or empty */
	bool lr;		   /**< ";lr" present */
};

/**
 * sip_uri_parse() - parse a URI.
 * @s: the URI (e.g. a Request-URI or the uri span of a sip_nameaddr).
 * @len: its length.
 * @uri: the result.
 * @return 0, or -EINVAL (no scheme, empty or bad host, bad port, bad parameters, white
 * space or control bytes).
 */
int sip_uri_parse(const char *s, size_t len, struct sip_uri *uri);

/**
 * sip_uri_param_next() - next ";name[=value]" of a URI parameter list (no white space or
 * quotes in URIs).
 * @it: an iterator over uri->params (see sip_hdr_iter_init()).
 * @p: set to the parameter (quoted is always false).
 * @return 1, 0 at the end, -EINVAL on malformed input.
 */
int sip_uri_param_next(struct sip_hdr_iter *it, struct sip_param *p);

/**
 * sip_uri_param_find() - the first URI parameter of a name (case-insensitive).
 * @uri: the parsed URI.
 * @name: the parameter name, NUL-terminated.
 * @p: set to the parameter when found.
 * @return 1 when found, 0 when absent.
 */
int sip_uri_param_find(const struct sip_uri *uri, const char *name, struct sip_param *p);

/**
 * sip_uri_parse_host() - parse `host [":" port]` at @pos (used for URIs and Via sent-by).
 * @s: the text.
 * @len: its length.
 * @pos: in: where the host starts; out: the position after the host and port.
 * @host: the host, without brackets.
 * @ipv6: set when the host was an [IPv6reference].
 * @port: the port (1..65535), or 0 when absent.
 * @return 0, or -EINVAL.
 */
int sip_uri_parse_host(const char *s, size_t len, size_t *pos, struct sip_str *host, bool *ipv6,
		       uint16_t *port);

#endif /* PCSCF_SIP_URI_H */
