/*
 * sip_stream.h — RFC 3261 §18.3 framing of SIP over a byte stream (TCP), with the RFC 5626
 * §3.5.1 CRLF keep-alives.
 *
 * Bytes go in with sip_stream_feed(); sip_stream_next() then hands out, one at a time:
 *  - a message: the header section up to and including the first CRLFCRLF, then exactly
 *    Content-Length more bytes (the header section is searched for Content-Length, long or
 *    compact form, any case, folded or not);
 *  - a ping: a CRLFCRLF between messages (answer it with a single CRLF);
 *  - a pong: a lone CRLF between messages (ignore it; RFC 3261 §7.5 lets a sender put CRLFs
 *    before a message).
 * A header section without Content-Length, with two of them or with a value that is not a
 * number, is malformed (-EBADMSG); a message longer than the maximum (headers included) is
 * -EMSGSIZE. Either way the stream cannot be resynchronised: close the connection.
 *
 * The framer only cuts; the message is then parsed with sip_msg_parse(..., SIP_PARSE_STREAM).
 * Searching resumes where the previous search stopped, so feeding a message one byte at a
 * time costs about as much as feeding it whole.
 */
#ifndef PCSCF_SIP_STREAM_H
#define PCSCF_SIP_STREAM_H

#include <stddef.h>

struct sip_stream;

/** What sip_stream_next() found. */
enum sip_stream_event {
	SIP_STREAM_MORE = 0,	/**< nothing complete yet: feed more */
	SIP_STREAM_MESSAGE = 1, /**< a whole message */
	SIP_STREAM_PING = 2,	/**< CRLFCRLF keep-alive: answer with CRLF */
	SIP_STREAM_PONG = 3,	/**< a lone CRLF: ignore */
};

/**
 * sip_stream_new() - create a framer for one connection.
 * @max_msg: the longest message accepted, headers and body (SIP_MSG_MAX_LEN is typical);
 * at least 64.
 * @return the framer, or NULL when out of memory or @max_msg is too small.
 */
struct sip_stream *sip_stream_new(size_t max_msg);

/**
 * sip_stream_free() - free a framer.
 * @st: the framer, or NULL.
 */
void sip_stream_free(struct sip_stream *st);

/**
 * sip_stream_feed() - append received bytes. Call sip_stream_next() until it returns
 * SIP_STREAM_MORE before feeding again, so that at most one incomplete message is kept.
 * @st: the framer.
 * @data: the bytes.
 * @len: their number.
 * @return 0, -ENOBUFS when more than twice the maximum message size would be buffered,
 * -ENOMEM.
 */
int sip_stream_feed(struct sip_stream *st, const char *data, size_t len);

/**
 * sip_stream_next() - take the next complete item from the buffer.
 * @st: the framer.
 * @msg: set to the message (for SIP_STREAM_MESSAGE); valid until the next call on @st.
 * @len: set to its length.
 * @return a SIP_STREAM_* event, -EBADMSG (malformed framing) or -EMSGSIZE (too long); after
 * an error every further call returns the same error.
 */
int sip_stream_next(struct sip_stream *st, const char **msg, size_t *len);

/**
 * sip_stream_buffered() - bytes received and not yet handed out.
 * @st: the framer.
 * @return the count.
 */
size_t sip_stream_buffered(const struct sip_stream *st);

#endif /* PCSCF_SIP_STREAM_H */
