/*
 * sip_util.c — writing responses and requests, reason phrases, random tokens, socket
 * address helpers (see sip_util.h).
 */
#include "sip/sip_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sip/sip_hdr.h"

/* ---- the writer ---- */

void sip_util_out_init(struct sip_util_out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->err = 0;
	if (size)
		buf[0] = '\0';
}

static void sip_util_out_fail(struct sip_util_out *o, int err)
{
	if (o->err == 0)
		o->err = err;
}

void sip_util_out_append(struct sip_util_out *o, const char *s, size_t len)
{
	if (o->err)
		return;
	if (len > o->size - o->len) {
		sip_util_out_fail(o, -ENOSPC);
		return;
	}
	if (len)
		memcpy(o->buf + o->len, s, len);
	o->len += len;
}

static void sip_util_out_str(struct sip_util_out *o, const char *s)
{
	sip_util_out_append(o, s, strlen(s));
}

/* Text fit for a header value or a start line: no control byte but HTAB. */
static bool sip_util_text_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return false;
	return true;
}

static bool sip_util_token_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	for (i = 0; i < n; i++)
		if (!sip_hdr_is_token_char((unsigned char)s[i]))
			return false;
	return n > 0;
}

void sip_util_out_header(struct sip_util_out *o, const char *name, const char *fmt, ...)
{
	size_t start = o->len, value;
	va_list ap;
	int n;

	if (o->err)
		return;
	if (!sip_util_token_ok(name)) {
		sip_util_out_fail(o, -EINVAL);
		return;
	}
	sip_util_out_str(o, name);
	sip_util_out_append(o, ": ", 2);
	if (o->err)
		return;
	value = o->len;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->len = start;
		sip_util_out_fail(o, n < 0 ? -EINVAL : -ENOSPC);
		return;
	}
	o->len += (size_t)n;
	if (!sip_util_text_ok(o->buf + value, (size_t)n)) {
		o->len = start;
		sip_util_out_fail(o, -EINVAL);
		return;
	}
	sip_util_out_append(o, "\r\n", 2);
}

void sip_util_out_copy_header(struct sip_util_out *o, const struct sip_msg *msg, size_t i)
{
	struct sip_str line = sip_msg_hdr_line(msg, i);

	if (i >= msg->n_hdrs) {
		sip_util_out_fail(o, -EINVAL);
		return;
	}
	sip_util_out_append(o, line.s, line.len);
}

int sip_util_out_finish(struct sip_util_out *o, const char *body, size_t body_len)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%zu", body_len);

	if (body_len && !body)
		sip_util_out_fail(o, -EINVAL);
	sip_util_out_append(o, "Content-Length: ", 16);
	sip_util_out_append(o, num, (size_t)n);
	sip_util_out_append(o, "\r\n\r\n", 4);
	sip_util_out_append(o, body, body_len);
	if (o->err)
		return o->err;
	if (o->len > INT32_MAX)
		return -ENOSPC;
	if (o->len < o->size)
		o->buf[o->len] = '\0'; /* for the convenience of logs and tests */
	return (int)o->len;
}

/* ---- responses and requests ---- */

/* The To line of @req with ";tag=@tag" after its value. */
static void sip_util_to_with_tag(struct sip_util_out *o, const struct sip_msg *req, size_t i,
				 const char *tag)
{
	const struct sip_hdr *h = &req->hdrs[i];
	size_t value_end = (size_t)h->value_off + h->value_len;
	size_t line_end = (size_t)h->line_off + h->line_len;

	sip_util_out_append(o, req->buf + h->line_off, value_end - h->line_off);
	sip_util_out_append(o, ";tag=", 5);
	sip_util_out_str(o, tag);
	sip_util_out_append(o, req->buf + value_end, line_end - value_end);
}

int sip_util_response_start(struct sip_util_out *o, const struct sip_msg *req, int status,
			    const char *reason, const char *to_tag)
{
	static const enum sip_hdr_id copied[] = {SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID,
						 SIP_HDR_CSEQ};
	struct sip_str tag;
	size_t k;
	int i;

	if (!reason)
		reason = sip_util_reason(status);
	if (!req->is_request || status < 100 || status > 699 ||
	    !sip_util_text_ok(reason, strlen(reason)) || (to_tag && !sip_util_token_ok(to_tag))) {
		sip_util_out_fail(o, -EINVAL);
		return -EINVAL;
	}
	sip_util_out_str(o, "SIP/2.0 ");
	sip_util_out_append(o,
			    (char[]){(char)('0' + status / 100), (char)('0' + status / 10 % 10),
				     (char)('0' + status % 10), ' '},
			    4);
	sip_util_out_str(o, reason);
	sip_util_out_append(o, "\r\n", 2);
	for (i = sip_msg_find(req, SIP_HDR_VIA, 0); i >= 0;
	     i = sip_msg_find(req, SIP_HDR_VIA, (size_t)i + 1))
		sip_util_out_copy_header(o, req, (size_t)i);
	for (k = 0; k < sizeof(copied) / sizeof(copied[0]); k++) {
		i = sip_msg_find(req, copied[k], 0);
		if (i < 0)
			continue; /* cannot happen for a parsed request */
		if (copied[k] == SIP_HDR_TO && to_tag && status > 100 &&
		    sip_msg_to_tag(req, &tag) != 0)
			sip_util_to_with_tag(o, req, (size_t)i, to_tag);
		else
			sip_util_out_copy_header(o, req, (size_t)i);
	}
	return o->err ? o->err : 0;
}

static bool sip_util_request_ok(const struct sip_util_request *r)
{
	return sip_util_token_ok(r->method) && r->ruri && r->transport && r->via_host &&
	       r->branch && r->from && r->from_tag && r->to && r->call_id && r->cseq < (1u << 31) &&
	       sip_util_text_ok(r->ruri, strlen(r->ruri)) && !strchr(r->ruri, ' ') &&
	       sip_util_token_ok(r->branch) && sip_util_token_ok(r->from_tag) &&
	       (!r->to_tag || sip_util_token_ok(r->to_tag));
}

int sip_util_request_start(struct sip_util_out *o, const struct sip_util_request *r)
{
	char port[8] = "";

	if (!sip_util_request_ok(r)) {
		sip_util_out_fail(o, -EINVAL);
		return -EINVAL;
	}
	if (r->via_port)
		snprintf(port, sizeof(port), ":%u", r->via_port);
	sip_util_out_str(o, r->method);
	sip_util_out_append(o, " ", 1);
	sip_util_out_str(o, r->ruri);
	sip_util_out_str(o, " SIP/2.0\r\n");
	sip_util_out_header(o, "Via", "SIP/2.0/%s %s%s;branch=%s%s", r->transport, r->via_host,
			    port, r->branch, r->rport ? ";rport" : "");
	sip_util_out_header(o, "Max-Forwards", "%d", r->max_forwards < 0 ? 70 : r->max_forwards);
	sip_util_out_header(o, "From", "%s;tag=%s", r->from, r->from_tag);
	if (r->to_tag)
		sip_util_out_header(o, "To", "%s;tag=%s", r->to, r->to_tag);
	else
		sip_util_out_header(o, "To", "%s", r->to);
	sip_util_out_header(o, "Call-ID", "%s", r->call_id);
	sip_util_out_header(o, "CSeq", "%u %s", r->cseq, r->method);
	return o->err ? o->err : 0;
}

/* Reason phrases of RFC 3261 §21, RFC 3262-era 2xx (202) and RFC 3329 (494). */
static const struct {
	int status;
	const char *reason;
} sip_util_reasons[] = {
	{100, "Trying"},
	{180, "Ringing"},
	{181, "Call Is Being Forwarded"},
	{182, "Queued"},
	{183, "Session Progress"},
	{200, "OK"},
	{202, "Accepted"},
	{300, "Multiple Choices"},
	{301, "Moved Permanently"},
	{302, "Moved Temporarily"},
	{305, "Use Proxy"},
	{380, "Alternative Service"},
	{400, "Bad Request"},
	{401, "Unauthorized"},
	{402, "Payment Required"},
	{403, "Forbidden"},
	{404, "Not Found"},
	{405, "Method Not Allowed"},
	{406, "Not Acceptable"},
	{407, "Proxy Authentication Required"},
	{408, "Request Timeout"},
	{410, "Gone"},
	{413, "Request Entity Too Large"},
	{414, "Request-URI Too Long"},
	{415, "Unsupported Media Type"},
	{416, "Unsupported URI Scheme"},
	{420, "Bad Extension"},
	{421, "Extension Required"},
	{423, "Interval Too Brief"},
	{480, "Temporarily Unavailable"},
	{481, "Call/Transaction Does Not Exist"},
	{482, "Loop Detected"},
	{483, "Too Many Hops"},
	{484, "Address Incomplete"},
	{485, "Ambiguous"},
	{486, "Busy Here"},
	{487, "Request Terminated"},
	{488, "Not Acceptable Here"},
	{491, "Request Pending"},
	{493, "Undecipherable"},
	{494, "Security Agreement Required"},
	{500, "Server Internal Error"},
	{501, "Not Implemented"},
	{502, "Bad Gateway"},
	{503, "Service Unavailable"},
	{504, "Server Time-out"},
	{505, "Version Not Supported"},
	{513, "Message Too Large"},
	{600, "Busy Everywhere"},
	{603, "Decline"},
	{604, "Does Not Exist Anywhere"},
	{606, "Not Acceptable"},
};

const char *sip_util_reason(int status)
{
	static const char *const classes[] = {
		"Unknown",	    "Trying",	   "OK",
		"Multiple Choices", "Bad Request", "Server Internal Error",
		"Busy Everywhere"};
	size_t i;

	for (i = 0; i < sizeof(sip_util_reasons) / sizeof(sip_util_reasons[0]); i++)
		if (sip_util_reasons[i].status == status)
			return sip_util_reasons[i].reason;
	if (status >= 100 && status <= 699)
		return classes[status / 100];
	return classes[0];
}

/* ---- random tokens ---- */

int sip_util_random_token(char *buf, size_t size, size_t n)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[64];
	size_t i, done = 0;

	if (size <= n)
		return -ENOSPC;
	while (done < n) {
		size_t want = n - done < sizeof(rnd) ? n - done : sizeof(rnd);
		ssize_t got = getrandom(rnd, want, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* 252 = 7 * 36: dropping bytes above it keeps every character equally likely. */
		for (i = 0; i < (size_t)got && done < n; i++)
			if (rnd[i] < 252)
				buf[done++] = alphabet[rnd[i] % 36];
	}
	buf[n] = '\0';
	return 0;
}

int sip_util_branch(char *buf, size_t size)
{
	if (size < SIP_UTIL_BRANCH_SIZE)
		return -ENOSPC;
	memcpy(buf, "z9hG4bK", 7);
	return sip_util_random_token(buf + 7, size - 7, SIP_UTIL_BRANCH_SIZE - 8);
}

/* ---- socket addresses ---- */

int sip_util_sockaddr_set(const char *host, size_t host_len, uint16_t port,
			  struct sockaddr_storage *ss)
{
	char text[INET6_ADDRSTRLEN];
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
		host++;
		host_len -= 2;
	}
	if (host_len == 0 || host_len >= sizeof(text))
		return -EINVAL;
	memcpy(text, host, host_len);
	text[host_len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

int sip_util_host_format(const struct sockaddr_storage *ss, char *buf, size_t size, bool brackets)
{
	char text[INET6_ADDRSTRLEN];
	int n;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, text, sizeof(text));
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, text,
			  sizeof(text));
	else
		return -EAFNOSUPPORT;
	if (ss->ss_family == AF_INET6 && brackets)
		n = snprintf(buf, size, "[%s]", text);
	else
		n = snprintf(buf, size, "%s", text);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int sip_util_sockaddr_format(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	int n = sip_util_host_format(ss, buf, size, true), m;

	if (n < 0)
		return n;
	m = snprintf(buf + n, size - (size_t)n, ":%u", sip_util_sockaddr_port(ss));
	return m < 0 || (size_t)m >= size - (size_t)n ? -ENOSPC : n + m;
}

uint16_t sip_util_sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

bool sip_util_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

bool sip_util_sockaddr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}
