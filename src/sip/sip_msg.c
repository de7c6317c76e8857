/*
 * sip_msg.c — the message parser: start line, header lines, body, and the checks listed in
 * sip_msg.h. Header values are read by sip_hdr.c.
 *
 * The parser walks the buffer once, line by line; a line ends only at CRLF, and every byte
 * of the start line and of the headers is checked on the way (no NUL, no bare CR or LF, no
 * other control byte but HTAB), so that what the value parsers later see is plain text in
 * which CR and LF only appear as part of a fold.
 */
#include "sip/sip_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_hdr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sip_msg_name {
	const char *name;
	char compact; /* 0 when none */
};

static const struct sip_msg_name sip_msg_hdr_names[SIP_HDR_COUNT] = {
	[SIP_HDR_VIA] = {"Via", 'v'},
	[SIP_HDR_FROM] = {"From", 'f'},
	[SIP_HDR_TO] = {"To", 't'},
	[SIP_HDR_CALL_ID] = {"Call-ID", 'i'},
	[SIP_HDR_CSEQ] = {"CSeq", 0},
	[SIP_HDR_MAX_FORWARDS] = {"Max-Forwards", 0},
	[SIP_HDR_CONTACT] = {"Contact", 'm'},
	[SIP_HDR_CONTENT_LENGTH] = {"Content-Length", 'l'},
	[SIP_HDR_CONTENT_TYPE] = {"Content-Type", 'c'},
	[SIP_HDR_CONTENT_ENCODING] = {"Content-Encoding", 'e'},
	[SIP_HDR_EXPIRES] = {"Expires", 0},
	[SIP_HDR_MIN_EXPIRES] = {"Min-Expires", 0},
	[SIP_HDR_ROUTE] = {"Route", 0},
	[SIP_HDR_RECORD_ROUTE] = {"Record-Route", 0},
	[SIP_HDR_PATH] = {"Path", 0},
	[SIP_HDR_SERVICE_ROUTE] = {"Service-Route", 0},
	[SIP_HDR_AUTHORIZATION] = {"Authorization", 0},
	[SIP_HDR_PROXY_AUTHORIZATION] = {"Proxy-Authorization", 0},
	[SIP_HDR_WWW_AUTHENTICATE] = {"WWW-Authenticate", 0},
	[SIP_HDR_PROXY_AUTHENTICATE] = {"Proxy-Authenticate", 0},
	[SIP_HDR_AUTHENTICATION_INFO] = {"Authentication-Info", 0},
	[SIP_HDR_SECURITY_CLIENT] = {"Security-Client", 0},
	[SIP_HDR_SECURITY_SERVER] = {"Security-Server", 0},
	[SIP_HDR_SECURITY_VERIFY] = {"Security-Verify", 0},
	[SIP_HDR_REQUIRE] = {"Require", 0},
	[SIP_HDR_PROXY_REQUIRE] = {"Proxy-Require", 0},
	[SIP_HDR_SUPPORTED] = {"Supported", 'k'},
	[SIP_HDR_UNSUPPORTED] = {"Unsupported", 0},
	[SIP_HDR_ALLOW] = {"Allow", 0},
	[SIP_HDR_SUBJECT] = {"Subject", 's'},
	[SIP_HDR_USER_AGENT] = {"User-Agent", 0},
	[SIP_HDR_SERVER] = {"Server", 0},
	[SIP_HDR_RETRY_AFTER] = {"Retry-After", 0},
	[SIP_HDR_EVENT] = {"Event", 'o'},
	[SIP_HDR_ALLOW_EVENTS] = {"Allow-Events", 'u'},
	[SIP_HDR_REFER_TO] = {"Refer-To", 'r'},
	[SIP_HDR_REFERRED_BY] = {"Referred-By", 'b'},
	[SIP_HDR_SESSION_EXPIRES] = {"Session-Expires", 'x'},
	[SIP_HDR_ACCEPT_CONTACT] = {"Accept-Contact", 'a'},
	[SIP_HDR_REJECT_CONTACT] = {"Reject-Contact", 'j'},
	[SIP_HDR_REQUEST_DISPOSITION] = {"Request-Disposition", 'd'},
	[SIP_HDR_IDENTITY] = {"Identity", 'y'},
	[SIP_HDR_IDENTITY_INFO] = {"Identity-Info", 'n'},
	[SIP_HDR_P_ASSOCIATED_URI] = {"P-Associated-URI", 0},
	[SIP_HDR_P_ASSERTED_IDENTITY] = {"P-Asserted-Identity", 0},
	[SIP_HDR_P_PREFERRED_IDENTITY] = {"P-Preferred-Identity", 0},
	[SIP_HDR_P_ACCESS_NETWORK_INFO] = {"P-Access-Network-Info", 0},
	[SIP_HDR_P_VISITED_NETWORK_ID] = {"P-Visited-Network-ID", 0},
	[SIP_HDR_P_CHARGING_VECTOR] = {"P-Charging-Vector", 0},
};

static const char *const sip_msg_methods[SIP_METHOD_COUNT] = {
	[SIP_METHOD_INVITE] = "INVITE",	    [SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE",	    [SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_REGISTER] = "REGISTER", [SIP_METHOD_OPTIONS] = "OPTIONS",
	[SIP_METHOD_PRACK] = "PRACK",	    [SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_NOTIFY] = "NOTIFY",	    [SIP_METHOD_PUBLISH] = "PUBLISH",
	[SIP_METHOD_INFO] = "INFO",	    [SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_MESSAGE] = "MESSAGE",   [SIP_METHOD_UPDATE] = "UPDATE",
};

/* ---- small helpers ---- */

bool sip_str_eq(struct sip_str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && (n == 0 || memcmp(a.s, b, n) == 0);
}

bool sip_str_caseeq(struct sip_str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && (n == 0 || strncasecmp(a.s, b, n) == 0);
}

enum sip_hdr_id sip_msg_hdr_lookup(const char *name, size_t len)
{
	size_t i;

	if (len == 1) {
		for (i = 1; i < SIP_HDR_COUNT; i++)
			if (sip_msg_hdr_names[i].compact &&
			    (name[0] | 0x20) == sip_msg_hdr_names[i].compact)
				return (enum sip_hdr_id)i;
		return SIP_HDR_OTHER;
	}
	for (i = 1; i < SIP_HDR_COUNT; i++)
		if (sip_str_caseeq((struct sip_str){name, len}, sip_msg_hdr_names[i].name))
			return (enum sip_hdr_id)i;
	return SIP_HDR_OTHER;
}

const char *sip_msg_hdr_canonical(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR_COUNT)
		return NULL;
	return sip_msg_hdr_names[id].name;
}

enum sip_method sip_msg_method_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 1; i < SIP_METHOD_COUNT; i++)
		if (sip_str_eq((struct sip_str){name, len}, sip_msg_methods[i]))
			return (enum sip_method)i;
	return SIP_METHOD_OTHER;
}

const char *sip_msg_method_name(enum sip_method method)
{
	if (method <= SIP_METHOD_OTHER || method >= SIP_METHOD_COUNT)
		return NULL;
	return sip_msg_methods[method];
}

struct sip_msg *sip_msg_new(void)
{
	return calloc(1, sizeof(struct sip_msg));
}

void sip_msg_free(struct sip_msg *msg)
{
	free(msg);
}

/* ---- parser state and errors ---- */

struct sip_msg_parser {
	struct sip_msg *msg;
	const char *buf;
	size_t len;
	struct sip_msg_error *err;
};

__attribute__((format(printf, 5, 6))) static int sip_msg_fail(struct sip_msg_parser *p,
							      enum sip_msg_err code, size_t offset,
							      int status, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		p->err->code = code;
		p->err->status = status;
		p->err->offset = offset;
		va_start(ap, fmt);
		vsnprintf(p->err->reason, sizeof(p->err->reason), fmt, ap);
		va_end(ap);
	}
	return status == 513 ? -EMSGSIZE : -EINVAL;
}

/* Name of a header in an error reason: ours, never the bytes received. */
static const char *sip_msg_err_name(enum sip_hdr_id id)
{
	const char *name = sip_msg_hdr_canonical(id);

	return name ? name : "header";
}

/*
 * End of the line starting at @pos: the offset of its CR (followed by LF). Fails on NUL,
 * control bytes, bare CR or LF, on a line longer than the limit, or at the end of input.
 */
static int sip_msg_line_end(struct sip_msg_parser *p, size_t pos, size_t *cr)
{
	size_t i, limit = p->len;

	if (limit - pos > SIP_MSG_MAX_HEADER_LEN)
		limit = pos + SIP_MSG_MAX_HEADER_LEN;
	for (i = pos; i < limit; i++) {
		unsigned char c = (unsigned char)p->buf[i];

		if (c == '\r') {
			if (i + 1 >= p->len)
				break;
			if (p->buf[i + 1] != '\n')
				return sip_msg_fail(p, SIP_MSG_ERR_LINE_END, i, 400,
						    "Bad Request: bare CR");
			*cr = i;
			return 0;
		}
		if (c == '\n')
			return sip_msg_fail(p, SIP_MSG_ERR_LINE_END, i, 400,
					    "Bad Request: bare LF");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return sip_msg_fail(p, SIP_MSG_ERR_LINE_END, i, 400,
					    "Bad Request: control character");
	}
	if (i == limit && limit < p->len)
		return sip_msg_fail(p, SIP_MSG_ERR_LINE_TOO_LONG, pos, 513,
				    "Message Too Large: line too long");
	return sip_msg_fail(p, SIP_MSG_ERR_NO_BLANK_LINE, p->len, 400,
			    "Bad Request: no end of headers");
}

/* ---- start line ---- */

/* "SIP/2.0" (any case) is 0; another "SIP/x.y" is 505; anything else 400. */
static int sip_msg_version(struct sip_msg_parser *p, size_t pos, size_t len)
{
	const char *v = p->buf + pos;
	size_t i = 4, digits;

	if (len == 7 && strncasecmp(v, "SIP/2.0", 7) == 0)
		return 0;
	if (len < 4 || strncasecmp(v, "SIP/", 4) != 0)
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, pos, 400,
				    "Bad Request: malformed SIP-Version");
	for (digits = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		digits++;
	if (digits == 0 || i == len || v[i++] != '.')
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, pos, 400,
				    "Bad Request: malformed SIP-Version");
	for (digits = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		digits++;
	if (digits == 0 || i != len)
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, pos, 400,
				    "Bad Request: malformed SIP-Version");
	return sip_msg_fail(p, SIP_MSG_ERR_VERSION, pos, 505, "Version Not Supported");
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (the reason may be absent). */
static int sip_msg_status_line(struct sip_msg_parser *p, size_t cr)
{
	struct sip_msg *msg = p->msg;
	const char *b = p->buf;
	size_t sp = 0, code;
	int ret;

	while (sp < cr && b[sp] != ' ')
		sp++;
	ret = sip_msg_version(p, 0, sp);
	if (ret)
		return ret;
	code = sp + 1;
	if (sp == cr || code + 3 > cr || b[code] < '1' || b[code] > '6' || b[code + 1] < '0' ||
	    b[code + 1] > '9' || b[code + 2] < '0' || b[code + 2] > '9' ||
	    (code + 3 < cr && b[code + 3] != ' '))
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, code, 400,
				    "Bad Request: malformed status line");
	msg->is_request = false;
	msg->status = (b[code] - '0') * 100 + (b[code + 1] - '0') * 10 + (b[code + 2] - '0');
	msg->reason.s = b + (code + 3 < cr ? code + 4 : cr);
	msg->reason.len = cr - (size_t)(msg->reason.s - b);
	return 0;
}

/* "scheme:" with scheme = ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") */
static bool sip_msg_has_scheme(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return false;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return true;
		if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '+' && c != '-' && c != '.')
			return false;
	}
	return false;
}

/* Request-Line = Method SP Request-URI SP SIP-Version */
static int sip_msg_request_line(struct sip_msg_parser *p, size_t cr)
{
	struct sip_msg *msg = p->msg;
	const char *b = p->buf;
	size_t m = 0, u, v;

	while (m < cr && sip_hdr_is_token_char((unsigned char)b[m]))
		m++;
	if (m == 0 || m == cr || b[m] != ' ')
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, m, 400,
				    "Bad Request: malformed request line");
	for (u = m + 1; u < cr && b[u] != ' ' && b[u] != '\t'; u++)
		;
	if (u == cr || b[u] != ' ' || !sip_msg_has_scheme(b + m + 1, u - m - 1))
		return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, m + 1, 400,
				    "Bad Request: malformed Request-URI");
	v = u + 1;
	msg->is_request = true;
	msg->method_str = (struct sip_str){b, m};
	msg->method = sip_msg_method_lookup(b, m);
	msg->ruri = (struct sip_str){b + m + 1, u - m - 1};
	return sip_msg_version(p, v, cr - v);
}

static int sip_msg_start_line_parse(struct sip_msg_parser *p)
{
	size_t cr;
	int ret;

	ret = sip_msg_line_end(p, 0, &cr);
	if (ret) {
		if (p->err && p->err->code == SIP_MSG_ERR_NO_BLANK_LINE)
			return sip_msg_fail(p, SIP_MSG_ERR_START_LINE, 0, 400,
					    "Bad Request: no start line");
		return ret;
	}
	p->msg->start_len = (uint32_t)(cr + 2);
	if (cr >= 4 && strncasecmp(p->buf, "SIP/", 4) == 0)
		return sip_msg_status_line(p, cr);
	return sip_msg_request_line(p, cr);
}

/* ---- header lines ---- */

static bool sip_msg_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Value span of a line: after the colon to the last CR, without LWS at either end. */
static void sip_msg_value_span(const char *b, size_t colon, size_t last_cr, struct sip_hdr *h)
{
	size_t start = sip_hdr_skip_lws(b, last_cr, colon + 1), end = last_cr;

	while (end > start &&
	       (sip_msg_is_wsp(b[end - 1]) || b[end - 1] == '\r' || b[end - 1] == '\n'))
		end--;
	h->value_off = (uint32_t)start;
	h->value_len = (uint32_t)(end - start);
}

/* One header line at @pos (plus its folded continuations); *next is the following line. */
static int sip_msg_header_line(struct sip_msg_parser *p, size_t pos, size_t *next)
{
	struct sip_msg *msg = p->msg;
	struct sip_hdr hdr = {0}, *h = &hdr; /* copied into the table once it is known to fit */
	size_t name_end = pos, colon, cr;
	int ret;

	while (name_end < p->len && sip_hdr_is_token_char((unsigned char)p->buf[name_end]))
		name_end++;
	for (colon = name_end; colon < p->len && sip_msg_is_wsp(p->buf[colon]); colon++)
		;
	if (name_end == pos || colon >= p->len || p->buf[colon] != ':')
		return sip_msg_fail(p, SIP_MSG_ERR_HEADER_SYNTAX, pos, 400,
				    "Bad Request: malformed header line");
	ret = sip_msg_line_end(p, colon, &cr);
	while (ret == 0 && cr + 2 < p->len && sip_msg_is_wsp(p->buf[cr + 2])) {
		h->folded = true;
		ret = sip_msg_line_end(p, cr + 2, &cr);
	}
	if (ret)
		return ret;
	if (cr + 2 - pos > SIP_MSG_MAX_HEADER_LEN)
		return sip_msg_fail(p, SIP_MSG_ERR_LINE_TOO_LONG, pos, 513,
				    "Message Too Large: header too long");
	if (msg->n_hdrs == SIP_MSG_MAX_HEADERS)
		return sip_msg_fail(p, SIP_MSG_ERR_TOO_MANY_HEADERS, pos, 513,
				    "Message Too Large: too many headers");
	h->line_off = (uint32_t)pos;
	h->line_len = (uint32_t)(cr + 2 - pos);
	h->name_len = (uint16_t)(name_end - pos);
	h->id = (uint8_t)sip_msg_hdr_lookup(p->buf + pos, name_end - pos);
	sip_msg_value_span(p->buf, colon, cr, h);
	if (h->folded)
		msg->flags |= SIP_MSG_F_FOLDED;
	if (h->id != SIP_HDR_OTHER && msg->first[h->id] < 0)
		msg->first[h->id] = (int16_t)msg->n_hdrs;
	msg->hdrs[msg->n_hdrs++] = hdr;
	*next = cr + 2;
	return 0;
}

static int sip_msg_headers(struct sip_msg_parser *p)
{
	size_t pos = p->msg->start_len;
	int ret;

	for (;;) {
		if (pos + 1 < p->len && p->buf[pos] == '\r' && p->buf[pos + 1] == '\n')
			break;
		if (pos >= p->len || (pos + 1 == p->len && p->buf[pos] == '\r'))
			return sip_msg_fail(p, SIP_MSG_ERR_NO_BLANK_LINE, pos, 400,
					    "Bad Request: no end of headers");
		if (sip_msg_is_wsp(p->buf[pos]))
			return sip_msg_fail(p, SIP_MSG_ERR_HEADER_SYNTAX, pos, 400,
					    "Bad Request: folded line without a header");
		ret = sip_msg_header_line(p, pos, &pos);
		if (ret)
			return ret;
	}
	p->msg->blank_off = (uint32_t)pos;
	p->msg->body_off = (uint32_t)(pos + 2);
	p->msg->body_len = (uint32_t)(p->len - pos - 2);
	return 0;
}

/* ---- checks of the headers every message needs ---- */

static struct sip_str sip_msg_value_at(const struct sip_msg *msg, size_t i)
{
	const struct sip_hdr *h = &msg->hdrs[i];

	return (struct sip_str){msg->buf + h->value_off, h->value_len};
}

/* Present (when @required) and at most once. */
static int sip_msg_check_once(struct sip_msg_parser *p, enum sip_hdr_id id, bool required)
{
	int first = p->msg->first[id], second;

	if (first < 0) {
		if (!required)
			return 0;
		return sip_msg_fail(p, SIP_MSG_ERR_MISSING_HEADER, p->msg->blank_off, 400,
				    "Bad Request: missing %s", sip_msg_err_name(id));
	}
	second = sip_msg_find(p->msg, id, (size_t)first + 1);
	if (second >= 0)
		return sip_msg_fail(p, SIP_MSG_ERR_DUPLICATE_HEADER, p->msg->hdrs[second].line_off,
				    400, "Bad Request: duplicate %s", sip_msg_err_name(id));
	return 0;
}

static int sip_msg_bad(struct sip_msg_parser *p, size_t i)
{
	return sip_msg_fail(p, SIP_MSG_ERR_BAD_HEADER, p->msg->hdrs[i].value_off, 400,
			    "Bad Request: malformed %s", sip_msg_err_name(p->msg->hdrs[i].id));
}

/* Every element of every Via line must parse; at least one element overall. */
static int sip_msg_check_via(struct sip_msg_parser *p)
{
	struct sip_hdr_iter it;
	struct sip_str elem;
	struct sip_via via;
	int i, ret;

	if (p->msg->first[SIP_HDR_VIA] < 0)
		return sip_msg_fail(p, SIP_MSG_ERR_MISSING_HEADER, p->msg->blank_off, 400,
				    "Bad Request: missing Via");
	for (i = p->msg->first[SIP_HDR_VIA]; i >= 0; i = sip_msg_find(p->msg, SIP_HDR_VIA, i + 1)) {
		struct sip_str v = sip_msg_value_at(p->msg, (size_t)i);

		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &elem, NULL)) == 1)
			if (sip_hdr_via_parse(elem.s, elem.len, &via) != 0)
				return sip_msg_bad(p, (size_t)i);
		if (ret < 0 || it.n == 0)
			return sip_msg_bad(p, (size_t)i);
	}
	return 0;
}

static int sip_msg_check_addr(struct sip_msg_parser *p, enum sip_hdr_id id)
{
	size_t i = (size_t)p->msg->first[id];
	struct sip_str v = sip_msg_value_at(p->msg, i);
	struct sip_nameaddr na;

	if (sip_hdr_nameaddr_parse(v.s, v.len, &na) != 0 || na.star)
		return sip_msg_bad(p, i);
	return 0;
}

static int sip_msg_check_cseq(struct sip_msg_parser *p)
{
	struct sip_msg *msg = p->msg;
	size_t i = (size_t)msg->first[SIP_HDR_CSEQ];
	struct sip_str v = sip_msg_value_at(msg, i);

	if (sip_hdr_cseq_parse(v.s, v.len, &msg->cseq, &msg->cseq_method_str) != 0)
		return sip_msg_bad(p, i);
	msg->cseq_method = sip_msg_method_lookup(msg->cseq_method_str.s, msg->cseq_method_str.len);
	if (msg->is_request &&
	    (msg->cseq_method_str.len != msg->method_str.len ||
	     memcmp(msg->cseq_method_str.s, msg->method_str.s, msg->method_str.len) != 0))
		return sip_msg_fail(p, SIP_MSG_ERR_CSEQ_METHOD, msg->hdrs[i].value_off, 400,
				    "Bad Request: CSeq method does not match");
	return 0;
}

static int sip_msg_check_numbers(struct sip_msg_parser *p, unsigned int flags)
{
	struct sip_msg *msg = p->msg;
	int i = msg->first[SIP_HDR_MAX_FORWARDS];
	struct sip_str v;
	uint32_t n;

	msg->max_forwards = -1;
	if (i >= 0) {
		v = sip_msg_value_at(msg, (size_t)i);
		if (sip_hdr_uint_parse(v.s, v.len, 255, &n) != 0)
			return sip_msg_bad(p, (size_t)i);
		msg->max_forwards = (int)n;
	} else if (msg->is_request) {
		msg->flags |= SIP_MSG_F_NO_MAX_FORWARDS;
	}
	i = msg->first[SIP_HDR_CONTENT_LENGTH];
	if (i < 0) {
		if (flags & SIP_PARSE_STREAM)
			return sip_msg_fail(p, SIP_MSG_ERR_CONTENT_LENGTH, msg->blank_off, 400,
					    "Bad Request: missing Content-Length");
		return 0;
	}
	v = sip_msg_value_at(msg, (size_t)i);
	if (sip_hdr_uint_parse(v.s, v.len, UINT32_MAX, &n) != 0)
		return sip_msg_bad(p, (size_t)i);
	msg->has_content_length = true;
	if (n != msg->body_len)
		return sip_msg_fail(p, SIP_MSG_ERR_CONTENT_LENGTH, msg->hdrs[i].value_off, 400,
				    "Bad Request: Content-Length does not match the body");
	return 0;
}

static int sip_msg_check(struct sip_msg_parser *p, unsigned int flags)
{
	static const enum sip_hdr_id required[] = {SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID,
						   SIP_HDR_CSEQ};
	struct sip_str id;
	size_t i;
	int ret;

	ret = sip_msg_check_via(p);
	for (i = 0; ret == 0 && i < ARRAY_SIZE(required); i++)
		ret = sip_msg_check_once(p, required[i], true);
	if (ret == 0)
		ret = sip_msg_check_once(p, SIP_HDR_MAX_FORWARDS, false);
	if (ret == 0)
		ret = sip_msg_check_once(p, SIP_HDR_CONTENT_LENGTH, false);
	if (ret == 0)
		ret = sip_msg_check_addr(p, SIP_HDR_FROM);
	if (ret == 0)
		ret = sip_msg_check_addr(p, SIP_HDR_TO);
	if (ret == 0) {
		struct sip_str v = sip_msg_value_at(p->msg, (size_t)p->msg->first[SIP_HDR_CALL_ID]);

		if (sip_hdr_callid_parse(v.s, v.len, &id) != 0)
			ret = sip_msg_bad(p, (size_t)p->msg->first[SIP_HDR_CALL_ID]);
	}
	if (ret == 0)
		ret = sip_msg_check_cseq(p);
	if (ret == 0)
		ret = sip_msg_check_numbers(p, flags);
	return ret;
}

int sip_msg_parse(struct sip_msg *msg, const char *buf, size_t len, unsigned int flags,
		  struct sip_msg_error *err)
{
	struct sip_msg_parser p = {msg, buf, len, err};
	size_t i;
	int ret;

	/* Everything but the header table, which is filled as far as n_hdrs says. */
	memset(msg, 0, offsetof(struct sip_msg, hdrs));
	msg->buf = buf;
	msg->len = len;
	for (i = 0; i < SIP_HDR_COUNT; i++)
		msg->first[i] = -1;
	msg->max_forwards = -1;
	if (err) {
		err->code = SIP_MSG_OK;
		err->status = 0;
		err->offset = 0;
		err->reason[0] = '\0';
	}
	if (len > SIP_MSG_MAX_LEN)
		return sip_msg_fail(&p, SIP_MSG_ERR_TOO_LARGE, SIP_MSG_MAX_LEN, 513,
				    "Message Too Large");
	ret = sip_msg_start_line_parse(&p);
	if (ret == 0)
		ret = sip_msg_headers(&p);
	if (ret == 0)
		ret = sip_msg_check(&p, flags);
	return ret;
}

/* ---- accessors ---- */

int sip_msg_find(const struct sip_msg *msg, enum sip_hdr_id id, size_t from)
{
	size_t i;

	if (id <= SIP_HDR_OTHER || id >= SIP_HDR_COUNT || msg->first[id] < 0)
		return -ENOENT;
	if (from < (size_t)msg->first[id])
		from = (size_t)msg->first[id];
	for (i = from; i < msg->n_hdrs; i++)
		if (msg->hdrs[i].id == id)
			return (int)i;
	return -ENOENT;
}

int sip_msg_find_name(const struct sip_msg *msg, const char *name, size_t name_len, size_t from)
{
	enum sip_hdr_id id = sip_msg_hdr_lookup(name, name_len);
	size_t i;

	if (id != SIP_HDR_OTHER)
		return sip_msg_find(msg, id, from);
	for (i = from; i < msg->n_hdrs; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];

		if (h->id == SIP_HDR_OTHER && h->name_len == name_len &&
		    strncasecmp(msg->buf + h->line_off, name, name_len) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int sip_msg_nth(const struct sip_msg *msg, enum sip_hdr_id id, size_t n)
{
	int i;

	for (i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1))
		if (n-- == 0)
			return i;
	return -ENOENT;
}

size_t sip_msg_count(const struct sip_msg *msg, enum sip_hdr_id id)
{
	size_t n = 0;
	int i;

	for (i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1))
		n++;
	return n;
}

struct sip_str sip_msg_hdr_name(const struct sip_msg *msg, size_t i)
{
	if (i >= msg->n_hdrs)
		return (struct sip_str){msg->buf, 0};
	return (struct sip_str){msg->buf + msg->hdrs[i].line_off, msg->hdrs[i].name_len};
}

struct sip_str sip_msg_hdr_value(const struct sip_msg *msg, size_t i)
{
	if (i >= msg->n_hdrs)
		return (struct sip_str){msg->buf, 0};
	return sip_msg_value_at(msg, i);
}

struct sip_str sip_msg_hdr_line(const struct sip_msg *msg, size_t i)
{
	if (i >= msg->n_hdrs)
		return (struct sip_str){msg->buf, 0};
	return (struct sip_str){msg->buf + msg->hdrs[i].line_off, msg->hdrs[i].line_len};
}

struct sip_str sip_msg_start_line(const struct sip_msg *msg)
{
	return (struct sip_str){msg->buf, msg->start_len - 2};
}

struct sip_str sip_msg_body(const struct sip_msg *msg)
{
	return (struct sip_str){msg->buf + msg->body_off, msg->body_len};
}

int sip_msg_value_of(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *value)
{
	int i = sip_msg_find(msg, id, 0);

	if (i < 0)
		return i;
	*value = sip_msg_value_at(msg, (size_t)i);
	return 0;
}

struct sip_str sip_msg_call_id(const struct sip_msg *msg)
{
	struct sip_str v = {msg->buf, 0}, id = {msg->buf, 0};

	if (sip_msg_value_of(msg, SIP_HDR_CALL_ID, &v) == 0)
		sip_hdr_callid_parse(v.s, v.len, &id);
	return id;
}

static int sip_msg_tag_of(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *tag)
{
	struct sip_nameaddr na;
	struct sip_str v;

	*tag = (struct sip_str){msg->buf, 0};
	if (sip_msg_value_of(msg, id, &v) != 0 || sip_hdr_nameaddr_parse(v.s, v.len, &na) != 0 ||
	    !na.has_tag)
		return -ENOENT;
	*tag = na.tag;
	return 0;
}

int sip_msg_from_tag(const struct sip_msg *msg, struct sip_str *tag)
{
	return sip_msg_tag_of(msg, SIP_HDR_FROM, tag);
}

int sip_msg_to_tag(const struct sip_msg *msg, struct sip_str *tag)
{
	return sip_msg_tag_of(msg, SIP_HDR_TO, tag);
}
