/*
 * sip_util.h — writing new SIP messages (responses to a parsed request, requests from
 * scratch), reason phrases, random branch/tag/Call-ID tokens and socket address helpers.
 *
 * Messages are written into a caller's buffer through a struct sip_util_out, which
 * remembers the first error (no room, a header value with CR or LF) so that a sequence of
 * writes needs one check at the end:
 *
 *   struct sip_util_out o;
 *   sip_util_out_init(&o, buf, sizeof(buf));
 *   sip_util_response_start(&o, &req, 401, NULL, my_tag);
 *   sip_util_out_header(&o, "WWW-Authenticate", "Digest realm=\"%s\", nonce=\"%s\"", r, n);
 *   len = sip_util_out_finish(&o, NULL, 0);   // Content-Length: 0, blank line; or -errno
 */
#ifndef PCSCF_SIP_UTIL_H
#define PCSCF_SIP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/sip_msg.h"

/** Room for a branch from sip_util_branch(), NUL included ("z9hG4bK" + 20 characters). */
#define SIP_UTIL_BRANCH_SIZE 28
/** Room for an address formatted by sip_util_sockaddr_format(), NUL included. */
#define SIP_UTIL_ADDR_SIZE 56

/** An output buffer being written; see the top of this file. */
struct sip_util_out {
	char *buf;
	size_t size;
	size_t len;
	int err; /* first error: -ENOSPC or -EINVAL */
};

/** The headers of a new request, all NUL-terminated and written as given. */
struct sip_util_request {
	const char *method;    /**< "REGISTER" */
	const char *ruri;      /**< "sip:registrar.home1.net" */
	const char *transport; /**< Via transport: "UDP", "TCP" */
	const char *via_host;  /**< Via sent-by host; an IPv6 address in brackets */
	uint16_t via_port;     /**< Via sent-by port; 0 leaves it out */
	const char *branch;    /**< Via branch (see sip_util_branch()) */
	bool rport;	       /**< add ";rport" to the Via (RFC 3581) */
	const char *from;      /**< From name-addr: "<sip:user1_public1@home1.net>" */
	const char *from_tag;  /**< From tag */
	const char *to;	       /**< To name-addr */
	const char *to_tag;    /**< To tag, or NULL for none */
	const char *call_id;   /**< Call-ID */
	uint32_t cseq;	       /**< CSeq number (below 2^31) */
	int max_forwards;      /**< Max-Forwards; a negative value writes 70 */
};

/**
 * sip_util_out_init() - start writing into a buffer.
 * @o: the writer.
 * @buf: the buffer.
 * @size: its size.
 */
void sip_util_out_init(struct sip_util_out *o, char *buf, size_t size);

/**
 * sip_util_out_append() - append raw bytes (nothing is checked).
 * @o: the writer.
 * @s: the bytes.
 * @len: their number.
 */
void sip_util_out_append(struct sip_util_out *o, const char *s, size_t len);

/**
 * sip_util_out_header() - append "@name: value" CRLF, the value formatted by printf.
 * A name that is not a token, or a value with CR, LF or another control byte but HTAB,
 * sets the error -EINVAL and writes nothing.
 * @o: the writer.
 * @name: the header name.
 * @fmt: printf format of the value.
 */
__attribute__((format(printf, 3, 4))) void
sip_util_out_header(struct sip_util_out *o, const char *name, const char *fmt, ...);

/**
 * sip_util_out_copy_header() - append header line @i of @msg as received (folds included).
 * @o: the writer.
 * @msg: a parsed message.
 * @i: header index (out of range sets -EINVAL).
 */
void sip_util_out_copy_header(struct sip_util_out *o, const struct sip_msg *msg, size_t i);

/**
 * sip_util_out_finish() - append "Content-Length: @body_len", the blank line and the body.
 * Add Content-Type first when there is a body.
 * @o: the writer.
 * @body: the body (may be NULL when @body_len is 0).
 * @body_len: its length.
 * @return the message length, or the first error: -ENOSPC (the buffer is too small) or
 * -EINVAL.
 */
int sip_util_out_finish(struct sip_util_out *o, const char *body, size_t body_len);

/**
 * sip_util_response_start() - write the status line and the headers a response copies from
 * its request (RFC 3261 §8.2.6.2): every Via line in order, From, To, Call-ID and CSeq,
 * each as received. A tag is added to To when the request's To has none, @to_tag is
 * given and the status is above 100.
 * @o: the writer.
 * @req: the parsed request.
 * @status: 100..699.
 * @reason: the reason phrase, or NULL for sip_util_reason(@status).
 * @to_tag: the To tag of this UAS, or NULL.
 * @return 0, or -EINVAL (not a request, bad status, reason or tag); the error is also kept
 * in @o.
 */
int sip_util_response_start(struct sip_util_out *o, const struct sip_msg *req, int status,
			    const char *reason, const char *to_tag);

/**
 * sip_util_request_start() - write a request line and Via, Max-Forwards, From, To, Call-ID
 * and CSeq. Add Contact, Expires, ... with sip_util_out_header() and end with
 * sip_util_out_finish().
 * @o: the writer.
 * @r: what to write; every field but to_tag is required.
 * @return 0, or -EINVAL (a missing field, a method that is not a token, a CSeq of 2^31 or
 * more); the error is also kept in @o.
 */
int sip_util_request_start(struct sip_util_out *o, const struct sip_util_request *r);

/**
 * sip_util_reason() - the reason phrase RFC 3261 and RFC 3329 give a status.
 * @status: the status code.
 * @return the phrase; for unknown codes, that of the class ("Unauthorized" for 401, "Bad
 * Request" for an unknown 4xx, ...).
 */
const char *sip_util_reason(int status);

/**
 * sip_util_random_token() - random characters from [0-9a-z] (getrandom), for tags and
 * Call-IDs.
 * @buf: where to write them and a NUL.
 * @size: its size; at least @n + 1.
 * @n: how many characters.
 * @return 0, -ENOSPC, or the -errno of getrandom().
 */
int sip_util_random_token(char *buf, size_t size, size_t n);

/**
 * sip_util_branch() - a new RFC 3261 branch: "z9hG4bK" and 20 random characters.
 * @buf: where to write it.
 * @size: its size; at least SIP_UTIL_BRANCH_SIZE.
 * @return 0, -ENOSPC, or the -errno of getrandom().
 */
int sip_util_branch(char *buf, size_t size);

/**
 * sip_util_sockaddr_set() - fill a socket address from a host (IPv4 or IPv6, with or
 * without brackets; no names are resolved) and a port.
 * @host: the address text (not NUL-terminated).
 * @host_len: its length.
 * @port: the port.
 * @ss: the result (AF_INET or AF_INET6).
 * @return 0, or -EINVAL when @host is not a numeric address.
 */
int sip_util_sockaddr_set(const char *host, size_t host_len, uint16_t port,
			  struct sockaddr_storage *ss);

/**
 * sip_util_sockaddr_format() - write "192.0.2.1:5060" or "[2001:db8::1]:5060".
 * @ss: an AF_INET or AF_INET6 address.
 * @buf: where to write; SIP_UTIL_ADDR_SIZE is always enough.
 * @size: its size.
 * @return the length written, -ENOSPC, or -EAFNOSUPPORT.
 */
int sip_util_sockaddr_format(const struct sockaddr_storage *ss, char *buf, size_t size);

/**
 * sip_util_host_format() - write the address only, IPv6 in brackets when @brackets (as in
 * a Via sent-by or a SIP URI) or bare (as in a received= parameter).
 * @ss: an AF_INET or AF_INET6 address.
 * @buf: where to write.
 * @size: its size.
 * @brackets: whether to bracket IPv6 addresses.
 * @return the length written, -ENOSPC, or -EAFNOSUPPORT.
 */
int sip_util_host_format(const struct sockaddr_storage *ss, char *buf, size_t size, bool brackets);

/**
 * sip_util_sockaddr_port() - the port of an address.
 * @ss: an AF_INET or AF_INET6 address.
 * @return the port in host order, 0 for another family.
 */
uint16_t sip_util_sockaddr_port(const struct sockaddr_storage *ss);

/**
 * sip_util_sockaddr_equal() - whether two addresses have the same family, address and port
 * (for IPv6 the scope id too).
 * @a: one address.
 * @b: the other.
 * @return true when equal.
 */
bool sip_util_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/**
 * sip_util_sockaddr_is_any() - whether the address part is the wildcard (0.0.0.0 or ::).
 * @ss: an AF_INET or AF_INET6 address.
 * @return true when it is.
 */
bool sip_util_sockaddr_is_any(const struct sockaddr_storage *ss);

#endif /* PCSCF_SIP_UTIL_H */
