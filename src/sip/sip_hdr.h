/*
 * sip_hdr.h — parsers for header values (RFC 3261 §25.1 and §20), over spans of a message.
 *
 * Every function reads exactly the bytes given (no NUL needed), copies nothing and returns
 * spans that point into its input, so a span's offset in the message is `span.s - msg->buf`
 * and can be handed to the edit builder (sip_edit.h). White space (LWS) is SP, HTAB, CR and
 * LF: in a value checked by sip_msg_parse(), CR and LF only occur as part of a fold.
 *
 * Lists: Via, Contact, Route, Record-Route, Path, Service-Route, Security-*, Require,
 * Supported, ... are comma-separated lists, and a header may also appear on several lines.
 * Iterate over the elements of one line with sip_hdr_list_next(); commas inside a
 * quoted-string or inside <...> do not split. Each element comes with a "removal" span: the
 * element with one separating comma and the white space around it (the one before it, or
 * for the first element the one after it), so that deleting that one element leaves a
 * well-formed list. To delete several elements of one value, use sip_edit_list_remove() or
 * sip_edit_auth_remove() (sip_edit.h).
 *
 * Return values of iterators: 1 with an element, 0 at the end, -EINVAL on malformed input.
 */
#ifndef PCSCF_SIP_HDR_H
#define PCSCF_SIP_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip_msg.h"

/** State of an iteration over a list, a parameter list or Digest parameters. */
struct sip_hdr_iter {
	const char *s;
	size_t len;
	size_t pos;
	size_t prev_end; /* end of the previous element, for removal spans */
	unsigned int n;	 /* elements returned so far */
};

/** One ";name[=value]" parameter (of a Via, a name-addr, a URI, ...). */
struct sip_param {
	struct sip_str name;  /**< as written */
	struct sip_str value; /**< without the quotes of a quoted-string; empty when none */
	struct sip_str item;  /**< ";name=value" from the semicolon: delete it to drop the param */
	bool has_value;	      /**< "=" was given */
	bool quoted;	      /**< the value was a quoted-string (escapes kept as written) */
};

/** One Via element (RFC 3261 §20.42). */
struct sip_via {
	struct sip_str protocol;  /**< "SIP/2.0" (white space around the slashes is allowed) */
	struct sip_str transport; /**< "UDP", "TCP", "TLS", "SCTP", ... as written */
	struct sip_str sent_by;	  /**< host[:port] as written, brackets included */
	struct sip_str host;	  /**< without brackets */
	bool host_ipv6;		  /**< host was an [IPv6reference] */
	uint16_t port;		  /**< 0 when absent */
	struct sip_str params;	  /**< from the first ';' to the end of the element; may be empty */
	struct sip_str branch;	  /**< value of branch=, or empty */
	struct sip_str received;  /**< value of received=, or empty */
	struct sip_str rport;	  /**< value of rport= (empty for a bare ";rport") */
	bool has_branch;
	bool has_received;
	bool has_rport; /**< ";rport" with or without a value */
};

/** A name-addr or addr-spec with header parameters: From, To, Contact, Route, Path, ... */
struct sip_nameaddr {
	struct sip_str display; /**< display-name as written (quotes included), or empty */
	struct sip_str uri;	/**< the URI (inside <> when angle); see sip_uri_parse() */
	struct sip_str params;	/**< header parameters from the first ';' after the URI */
	struct sip_str tag;	/**< value of tag=, or empty */
	struct sip_str expires; /**< value of expires=, or empty */
	bool has_tag;
	bool has_expires;
	bool angle; /**< the URI was in <> */
	bool star;  /**< the value was "*" (Contact of a de-registration) */
};

/** One auth-param of a Digest challenge or credentials (RFC 3261 §25.1, RFC 2617). */
struct sip_auth_param {
	struct sip_str name;	/**< as written */
	struct sip_str value;	/**< without quotes when quoted */
	struct sip_str item;	/**< name=value as written, quotes included */
	struct sip_str removal; /**< item with one separating comma and its white space */
	bool quoted;
};

/**
 * sip_hdr_iter_init() - start an iteration over a value.
 * @it: the iterator.
 * @s: the value (a list, a ";"-parameter list, or Digest parameters).
 * @len: its length.
 */
void sip_hdr_iter_init(struct sip_hdr_iter *it, const char *s, size_t len);

/**
 * sip_hdr_list_next() - next element of a comma-separated list.
 * @it: the iterator.
 * @elem: set to the element without surrounding white space.
 * @removal: if not NULL, set to the span to delete to remove the element (see above).
 * @return 1, 0 at the end, -EINVAL for an empty element, an unterminated quoted-string or
 * <...>, or a stray '>'.
 */
int sip_hdr_list_next(struct sip_hdr_iter *it, struct sip_str *elem, struct sip_str *removal);

/**
 * sip_hdr_param_next() - next ";name[=value]" of a generic-param list (white space allowed
 * around ";" and "="; a value is a token, an IPv6 address with or without brackets, or a
 * quoted-string).
 * @it: an iterator over the params span (which starts at a ';', or is empty).
 * @p: set to the parameter.
 * @return 1, 0 at the end, -EINVAL on malformed input.
 */
int sip_hdr_param_next(struct sip_hdr_iter *it, struct sip_param *p);

/**
 * sip_hdr_param_find() - the first parameter of a name (case-insensitive).
 * @s: a params span (from a ';', or empty).
 * @len: its length.
 * @name: the name, NUL-terminated.
 * @p: set to the parameter when found.
 * @return 1 when found, 0 when absent, -EINVAL when the list is malformed.
 */
int sip_hdr_param_find(const char *s, size_t len, const char *name, struct sip_param *p);

/**
 * sip_hdr_via_parse() - parse one Via element (one list element, not a whole line).
 * @s: the element.
 * @len: its length.
 * @via: the result.
 * @return 0, or -EINVAL (bad protocol, host, port, or parameter syntax).
 */
int sip_hdr_via_parse(const char *s, size_t len, struct sip_via *via);

/**
 * sip_hdr_nameaddr_parse() - parse `[display-name] <URI> *(;param)`, `URI *(;param)` (the
 * addr-spec form: every ';' after the URI starts a header parameter) or `*`.
 * @s: the value or list element.
 * @len: its length.
 * @na: the result.
 * @return 0, or -EINVAL.
 */
int sip_hdr_nameaddr_parse(const char *s, size_t len, struct sip_nameaddr *na);

/**
 * sip_hdr_cseq_parse() - parse a CSeq value: `1*DIGIT LWS Method`.
 * @s: the value.
 * @len: its length.
 * @seq: the number (below 2^31, RFC 3261 §8.1.1.5).
 * @method: the method token.
 * @return 0, or -EINVAL.
 */
int sip_hdr_cseq_parse(const char *s, size_t len, uint32_t *seq, struct sip_str *method);

/**
 * sip_hdr_uint_parse() - parse a decimal number with optional surrounding white space
 * (Max-Forwards, Expires, Content-Length, Min-Expires).
 * @s: the value.
 * @len: its length.
 * @max: the largest value accepted.
 * @out: the number.
 * @return 0, -EINVAL when not a number, -ERANGE when above @max.
 */
int sip_hdr_uint_parse(const char *s, size_t len, uint32_t max, uint32_t *out);

/**
 * sip_hdr_callid_parse() - check a Call-ID: `word ["@" word]`, no white space inside.
 * @s: the value.
 * @len: its length.
 * @id: the Call-ID without surrounding white space.
 * @return 0, or -EINVAL.
 */
int sip_hdr_callid_parse(const char *s, size_t len, struct sip_str *id);

/**
 * sip_hdr_auth_begin() - start reading a challenge or credentials value: the scheme.
 * @it: the iterator; positioned at the first parameter.
 * @s: the value of WWW-Authenticate, Authorization, ...
 * @len: its length.
 * @scheme: set to the scheme token ("Digest").
 * @return 0, or -EINVAL when there is no scheme token.
 */
int sip_hdr_auth_begin(struct sip_hdr_iter *it, const char *s, size_t len, struct sip_str *scheme);

/**
 * sip_hdr_auth_next() - next `name=value` (token or quoted-string) of a challenge or
 * credentials; parameters are separated by commas.
 * @it: the iterator from sip_hdr_auth_begin().
 * @p: the parameter.
 * @return 1, 0 at the end, -EINVAL on malformed input.
 */
int sip_hdr_auth_next(struct sip_hdr_iter *it, struct sip_auth_param *p);

/**
 * sip_hdr_auth_find() - the first auth-param of a name (case-insensitive).
 * @s: the whole header value (scheme included).
 * @len: its length.
 * @name: the name, NUL-terminated.
 * @p: set to the parameter when found.
 * @return 1 when found, 0 when absent, -EINVAL when the value is malformed.
 */
int sip_hdr_auth_find(const char *s, size_t len, const char *name, struct sip_auth_param *p);

/**
 * sip_hdr_token_list_has() - whether a comma-separated token list (Require, Supported,
 * Proxy-Require, Allow) contains a token (case-insensitive).
 * @s: the value.
 * @len: its length.
 * @token: the token, NUL-terminated.
 * @return 1 when present, 0 when absent, -EINVAL when the list is malformed.
 */
int sip_hdr_token_list_has(const char *s, size_t len, const char *token);

/**
 * sip_hdr_is_token_char() - RFC 3261 token character: alphanum and -.!%*_+`'~
 * @c: the byte.
 * @return true when it is one.
 */
bool sip_hdr_is_token_char(unsigned char c);

/**
 * sip_hdr_skip_lws() - first position at or after @pos that is not white space.
 * @s: the text.
 * @len: its length.
 * @pos: where to start.
 * @return the position (@len when only white space is left).
 */
size_t sip_hdr_skip_lws(const char *s, size_t len, size_t pos);

/**
 * sip_hdr_span_quoted() - end of a quoted-string that starts at @pos (at its '"').
 * @s: the text.
 * @len: its length.
 * @pos: position of the opening quote.
 * @return the position after the closing quote, or 0 when it is not terminated or holds a
 * control byte other than HTAB or a fold.
 */
size_t sip_hdr_span_quoted(const char *s, size_t len, size_t pos);

/**
 * sip_hdr_first_elem() - the first list element of the first header of a kind (the top
 * Via, the first Contact, the first Route entry).
 * @msg: the message.
 * @id: the header.
 * @elem: set to the element.
 * @removal: if not NULL, set to its removal span (see sip_hdr_list_next()).
 * @return the header's index, -ENOENT when there is no such header, -EINVAL when its list
 * is empty or malformed.
 */
int sip_hdr_first_elem(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *elem,
		       struct sip_str *removal);

#endif /* PCSCF_SIP_HDR_H */
