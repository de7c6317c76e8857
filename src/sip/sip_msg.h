/*
 * sip_msg.h — a parsed view of one SIP message (RFC 3261 §7) over its raw bytes.
 *
 * A proxy must forward what it received with small edits (DESIGN.md: re-serialising through
 * libosip2 reorders headers and drops unknown parameters), so the parser copies nothing: it
 * records where the start line, every header line, every value and the body lie in the
 * caller's buffer, and the edit builder (sip_edit.h) produces a new buffer from those
 * offsets. Values are read with the parsers of sip_hdr.h and sip_uri.h.
 *
 * What is checked (everything else is left to whoever reads a header):
 *  - the size limits below; only CRLF line ends; no NUL or other control byte (except HTAB)
 *    in the start line or in a header; header names are tokens;
 *  - start line: request "METHOD SP Request-URI SP SIP/2.0" or response "SIP/2.0 SP 3DIGIT
 *    SP reason"; another SIP-Version gives status 505;
 *  - obs-fold (a line starting with SP or HTAB continues the previous header) is accepted;
 *    the value span then contains the CRLFs, which every value parser reads as white space;
 *  - Via, From, To, Call-ID and CSeq present (Max-Forwards too, for requests: its absence
 *    is only noted in SIP_MSG_F_NO_MAX_FORWARDS); From, To, Call-ID, CSeq, Max-Forwards and
 *    Content-Length at most once; every Via element, From, To, Call-ID, CSeq,
 *    Max-Forwards (0..255) and Content-Length well-formed; the CSeq method of a request is
 *    its method;
 *  - Content-Length equal to the length of the body. Without Content-Length the body is the
 *    rest of the datagram, unless SIP_PARSE_STREAM is given (RFC 3261 §18.3: a stream
 *    message must have one; the framer of sip_stream.h has cut the message to it).
 *
 * The input is never read at or past buf[len], and need not be NUL-terminated. A struct
 * sip_msg points into the buffer: keep the buffer while the view is used.
 */
#ifndef PCSCF_SIP_MSG_H
#define PCSCF_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest message accepted, in bytes (status 513 above it). */
#define SIP_MSG_MAX_LEN 65536
/** Most header lines in one message. */
#define SIP_MSG_MAX_HEADERS 128
/** Longest header line (or start line), folded continuations and CRLF included. */
#define SIP_MSG_MAX_HEADER_LEN 8192
/** Room for a parse error's reason phrase, NUL included. */
#define SIP_MSG_REASON_MAX 80

/** A span of bytes inside a message (not NUL-terminated). */
struct sip_str {
	const char *s;
	size_t len;
};

/** Methods we know by name; any other token is SIP_METHOD_OTHER. */
enum sip_method {
	SIP_METHOD_OTHER = 0,
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_REGISTER,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_PRACK,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_PUBLISH,
	SIP_METHOD_INFO,
	SIP_METHOD_REFER,
	SIP_METHOD_MESSAGE,
	SIP_METHOD_UPDATE,
	SIP_METHOD_COUNT
};

/**
 * Headers we know by name, long or compact form (RFC 3261 §7.3.3 and later RFCs: v, f, t,
 * i, m, l, c, k, s, e, o, u, r, b, x, a, j, d, y, n). Any other name is SIP_HDR_OTHER.
 */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0,
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTACT,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_EXPIRES,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_ROUTE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_PATH,
	SIP_HDR_SERVICE_ROUTE,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_AUTHENTICATION_INFO,
	SIP_HDR_SECURITY_CLIENT,
	SIP_HDR_SECURITY_SERVER,
	SIP_HDR_SECURITY_VERIFY,
	SIP_HDR_REQUIRE,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_ALLOW,
	SIP_HDR_SUBJECT,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_EVENT,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_ACCEPT_CONTACT,
	SIP_HDR_REJECT_CONTACT,
	SIP_HDR_REQUEST_DISPOSITION,
	SIP_HDR_IDENTITY,
	SIP_HDR_IDENTITY_INFO,
	SIP_HDR_P_ASSOCIATED_URI,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_P_ACCESS_NETWORK_INFO,
	SIP_HDR_P_VISITED_NETWORK_ID,
	SIP_HDR_P_CHARGING_VECTOR,
	SIP_HDR_COUNT
};

/** Parse options. */
enum sip_parse_flags {
	SIP_PARSE_STREAM = 1u << 0, /**< from TCP/TLS: Content-Length is required */
};

/** Facts noted by a successful parse. */
enum sip_msg_flags {
	SIP_MSG_F_NO_MAX_FORWARDS = 1u << 0, /**< a request without Max-Forwards */
	SIP_MSG_F_FOLDED = 1u << 1,	     /**< at least one header used obs-fold */
};

/** One header line; offsets are from the start of the message. */
struct sip_hdr {
	uint32_t line_off;  /**< first byte of the name */
	uint32_t line_len;  /**< the whole line: continuations and the final CRLF included */
	uint32_t value_off; /**< first byte of the value, after the colon and white space */
	uint32_t value_len; /**< up to the last non-white byte (0 for an empty value) */
	uint16_t name_len;  /**< the name as written, without white space before the colon */
	uint8_t id;	    /**< enum sip_hdr_id */
	bool folded;	    /**< the value continues on folded lines */
};

/** A parsed message: spans into the buffer given to sip_msg_parse(). */
struct sip_msg {
	const char *buf; /**< the message */
	size_t len;	 /**< its length */
	bool is_request;
	/* request */
	enum sip_method method;	   /**< SIP_METHOD_OTHER for unknown methods: see method_str */
	struct sip_str method_str; /**< as written */
	struct sip_str ruri;	   /**< Request-URI, unparsed (see sip_uri_parse()) */
	/* response */
	int status;	       /**< 100..699 */
	struct sip_str reason; /**< reason phrase, may be empty */
	/* both */
	uint32_t start_len;	      /**< start line with its CRLF */
	uint32_t flags;		      /**< enum sip_msg_flags */
	int16_t first[SIP_HDR_COUNT]; /**< index of the first header of each id, -1 if none */
	uint32_t blank_off;	      /**< the CRLF that ends the headers */
	uint32_t body_off;	      /**< first body byte (= blank_off + 2) */
	uint32_t body_len;
	bool has_content_length;
	uint32_t cseq;			/**< CSeq number */
	enum sip_method cseq_method;	/**< CSeq method */
	struct sip_str cseq_method_str; /**< as written */
	int max_forwards;		/**< 0..255, or -1 when absent */
	size_t n_hdrs;
	struct sip_hdr hdrs[SIP_MSG_MAX_HEADERS]; /**< in message order (kept last: see parse) */
};

/** Why a parse failed. */
enum sip_msg_err {
	SIP_MSG_OK = 0,
	SIP_MSG_ERR_TOO_LARGE,	      /**< over SIP_MSG_MAX_LEN (513) */
	SIP_MSG_ERR_TOO_MANY_HEADERS, /**< over SIP_MSG_MAX_HEADERS (513) */
	SIP_MSG_ERR_LINE_TOO_LONG,    /**< a line over SIP_MSG_MAX_HEADER_LEN (513) */
	SIP_MSG_ERR_START_LINE,	      /**< malformed request or status line */
	SIP_MSG_ERR_VERSION,	      /**< SIP-Version other than 2.0 (505) */
	SIP_MSG_ERR_LINE_END,	      /**< bare CR or LF, NUL or a control byte */
	SIP_MSG_ERR_HEADER_SYNTAX,    /**< no colon, bad name, fold with nothing to continue */
	SIP_MSG_ERR_NO_BLANK_LINE,    /**< headers not ended by an empty line */
	SIP_MSG_ERR_MISSING_HEADER,   /**< a required header is absent */
	SIP_MSG_ERR_DUPLICATE_HEADER, /**< a single-valued header given twice */
	SIP_MSG_ERR_BAD_HEADER,	      /**< a checked header value is malformed */
	SIP_MSG_ERR_CONTENT_LENGTH,   /**< missing on a stream, or not the body length */
	SIP_MSG_ERR_CSEQ_METHOD,      /**< CSeq method differs from the request method */
};

/** Details of a parse error, fit to answer a request with (no input bytes in them). */
struct sip_msg_error {
	enum sip_msg_err code;
	int status;			 /**< 400, 505 or 513 */
	size_t offset;			 /**< where in the input the problem was seen */
	char reason[SIP_MSG_REASON_MAX]; /**< e.g. "Bad Request: missing CSeq" */
};

/**
 * sip_msg_parse() - parse one whole message.
 * @msg: the view to fill.
 * @buf: the message bytes (need not be NUL-terminated).
 * @len: their number; exactly one message (a datagram, or what the stream framer cut).
 * @flags: SIP_PARSE_* bits.
 * @err: filled with the reason on failure (code SIP_MSG_OK on success); may be NULL.
 * @return 0, -EMSGSIZE when a limit is exceeded, -EINVAL for anything malformed.
 */
int sip_msg_parse(struct sip_msg *msg, const char *buf, size_t len, unsigned int flags,
		  struct sip_msg_error *err);

/**
 * sip_msg_new() - allocate a zeroed view on the heap (it is about 3.5 KiB).
 * @return the view, or NULL when out of memory.
 */
struct sip_msg *sip_msg_new(void);

/**
 * sip_msg_free() - free a view from sip_msg_new() (not the buffer it points into).
 * @msg: the view, or NULL.
 */
void sip_msg_free(struct sip_msg *msg);

/**
 * sip_msg_find() - the first header of a kind at or after an index.
 * Loop over all of them with
 * `for (i = sip_msg_find(m, id, 0); i >= 0; i = sip_msg_find(m, id, i + 1))`.
 * @msg: the message.
 * @id: the header (not SIP_HDR_OTHER: use sip_msg_find_name() for those).
 * @from: the first index to look at.
 * @return the index, or -ENOENT.
 */
int sip_msg_find(const struct sip_msg *msg, enum sip_hdr_id id, size_t from);

/**
 * sip_msg_find_name() - as sip_msg_find(), by name: case-insensitive, and a known header
 * matches in its long and its compact form ("Via" finds "v:" lines and the other way round).
 * @msg: the message.
 * @name: the header name (not NUL-terminated).
 * @name_len: its length.
 * @from: the first index to look at.
 * @return the index, or -ENOENT.
 */
int sip_msg_find_name(const struct sip_msg *msg, const char *name, size_t name_len, size_t from);

/**
 * sip_msg_nth() - the @n-th (from 0) header of a kind.
 * @msg: the message.
 * @id: the header.
 * @n: which one.
 * @return the index, or -ENOENT.
 */
int sip_msg_nth(const struct sip_msg *msg, enum sip_hdr_id id, size_t n);

/**
 * sip_msg_count() - how many header lines of a kind the message has.
 * @msg: the message.
 * @id: the header.
 * @return the count.
 */
size_t sip_msg_count(const struct sip_msg *msg, enum sip_hdr_id id);

/**
 * sip_msg_hdr_name() - name of header @i as written ("v", "Via", "VIA").
 * @msg: the message.
 * @i: index below msg->n_hdrs.
 * @return the span (empty when @i is out of range).
 */
struct sip_str sip_msg_hdr_name(const struct sip_msg *msg, size_t i);

/**
 * sip_msg_hdr_value() - value of header @i, without surrounding white space; a folded
 * value contains its CRLFs.
 * @msg: the message.
 * @i: index below msg->n_hdrs.
 * @return the span (empty when @i is out of range).
 */
struct sip_str sip_msg_hdr_value(const struct sip_msg *msg, size_t i);

/**
 * sip_msg_hdr_line() - the whole line of header @i, final CRLF included.
 * @msg: the message.
 * @i: index below msg->n_hdrs.
 * @return the span (empty when @i is out of range).
 */
struct sip_str sip_msg_hdr_line(const struct sip_msg *msg, size_t i);

/**
 * sip_msg_start_line() - the request or status line, without its CRLF.
 * @msg: the message.
 * @return the span.
 */
struct sip_str sip_msg_start_line(const struct sip_msg *msg);

/**
 * sip_msg_body() - the body.
 * @msg: the message.
 * @return the span (possibly empty).
 */
struct sip_str sip_msg_body(const struct sip_msg *msg);

/**
 * sip_msg_value_of() - value of the first header of a kind (convenience).
 * @msg: the message.
 * @id: the header.
 * @value: set to the value.
 * @return 0, or -ENOENT when the message has no such header.
 */
int sip_msg_value_of(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *value);

/**
 * sip_msg_call_id() - the Call-ID (checked by the parse).
 * @msg: the message.
 * @return its value.
 */
struct sip_str sip_msg_call_id(const struct sip_msg *msg);

/**
 * sip_msg_from_tag() - the tag parameter of From.
 * @msg: the message.
 * @tag: set to the tag value, or to an empty span when there is none.
 * @return 0 when there is a tag, -ENOENT when there is none.
 */
int sip_msg_from_tag(const struct sip_msg *msg, struct sip_str *tag);

/**
 * sip_msg_to_tag() - the tag parameter of To.
 * @msg: the message.
 * @tag: set to the tag value, or to an empty span when there is none.
 * @return 0 when there is a tag, -ENOENT when there is none.
 */
int sip_msg_to_tag(const struct sip_msg *msg, struct sip_str *tag);

/**
 * sip_msg_hdr_lookup() - the id of a header name (long or compact form, any case).
 * @name: the name.
 * @len: its length.
 * @return the id, or SIP_HDR_OTHER.
 */
enum sip_hdr_id sip_msg_hdr_lookup(const char *name, size_t len);

/**
 * sip_msg_hdr_canonical() - the long name of a known header, as RFCs spell it.
 * @id: the header.
 * @return "Via", "Call-ID", "CSeq", ...; NULL for SIP_HDR_OTHER or out of range.
 */
const char *sip_msg_hdr_canonical(enum sip_hdr_id id);

/**
 * sip_msg_method_lookup() - the method of a name (method names are case-sensitive).
 * @name: the name.
 * @len: its length.
 * @return the method, or SIP_METHOD_OTHER.
 */
enum sip_method sip_msg_method_lookup(const char *name, size_t len);

/**
 * sip_msg_method_name() - the name of a known method.
 * @method: the method.
 * @return "INVITE", ...; NULL for SIP_METHOD_OTHER or out of range.
 */
const char *sip_msg_method_name(enum sip_method method);

/**
 * sip_str_eq() - whether a span equals a NUL-terminated string (case-sensitive).
 * @a: the span.
 * @b: the string.
 * @return true when equal.
 */
bool sip_str_eq(struct sip_str a, const char *b);

/**
 * sip_str_caseeq() - whether a span equals a NUL-terminated string, ignoring ASCII case.
 * @a: the span.
 * @b: the string.
 * @return true when equal.
 */
bool sip_str_caseeq(struct sip_str a, const char *b);

#endif /* PCSCF_SIP_MSG_H */
