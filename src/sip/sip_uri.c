/*
 * sip_uri.c — SIP/SIPS/tel URI parser (see sip_uri.h).
 *
 * Character classes follow RFC 3261 §25.1: user = unreserved / escaped / user-unreserved,
 * password = unreserved / escaped / "&=+$,", paramchar = param-unreserved / unreserved /
 * escaped, hname/hvalue = hnv-unreserved / unreserved / escaped. An escape is accepted as a
 * '%' followed by two hex digits and left encoded.
 */
#include "sip/sip_uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static bool sip_uri_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool sip_uri_is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* unreserved = alphanum / "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
static bool sip_uri_is_unreserved(unsigned char c)
{
	return sip_uri_is_alnum(c) || (c != '\0' && strchr("-_.!~*'()", c) != NULL);
}

/*
 * End of a run of characters from @extra, unreserved ones and %XX escapes, starting at @pos;
 * a broken escape ends the run (and the caller then sees an unexpected '%').
 */
static size_t sip_uri_span(const char *s, size_t len, size_t pos, const char *extra)
{
	while (pos < len) {
		unsigned char c = (unsigned char)s[pos];

		if (c == '%') {
			if (pos + 2 >= len || !sip_uri_is_hex((unsigned char)s[pos + 1]) ||
			    !sip_uri_is_hex((unsigned char)s[pos + 2]))
				break;
			pos += 3;
			continue;
		}
		if (!sip_uri_is_unreserved(c) && (c == '\0' || !strchr(extra, c)))
			break;
		pos++;
	}
	return pos;
}

/* ---- host and port ---- */

static int sip_uri_ipv6(const char *s, size_t len, size_t *pos, struct sip_str *host)
{
	const char *close = memchr(s + *pos, ']', len - *pos);
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	size_t n;

	if (!close)
		return -EINVAL;
	n = (size_t)(close - s) - *pos - 1;
	if (n == 0 || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s + *pos + 1, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return -EINVAL;
	*host = (struct sip_str){s + *pos + 1, n};
	*pos = (size_t)(close - s) + 1;
	return 0;
}

/* A hostname or IPv4 address; an all-digits-and-dots host must be a valid IPv4 address. */
static int sip_uri_hostname(const char *s, size_t len, size_t *pos, struct sip_str *host)
{
	size_t p = *pos;
	bool numeric = true;
	char addr[INET_ADDRSTRLEN];
	struct in_addr a4;

	while (p < len && (sip_uri_is_alnum((unsigned char)s[p]) || s[p] == '-' || s[p] == '.' ||
			   s[p] == '_')) {
		if (!(s[p] >= '0' && s[p] <= '9') && s[p] != '.')
			numeric = false;
		p++;
	}
	if (p == *pos || s[*pos] == '.' || s[*pos] == '-')
		return -EINVAL;
	if (numeric) {
		if (p - *pos >= sizeof(addr))
			return -EINVAL;
		memcpy(addr, s + *pos, p - *pos);
		addr[p - *pos] = '\0';
		if (inet_pton(AF_INET, addr, &a4) != 1)
			return -EINVAL;
	}
	*host = (struct sip_str){s + *pos, p - *pos};
	*pos = p;
	return 0;
}

int sip_uri_parse_host(const char *s, size_t len, size_t *pos, struct sip_str *host, bool *ipv6,
		       uint16_t *port)
{
	size_t p = *pos;
	unsigned int val = 0;
	int ret, digits = 0;

	*ipv6 = p < len && s[p] == '[';
	*port = 0;
	ret = *ipv6 ? sip_uri_ipv6(s, len, &p, host) : sip_uri_hostname(s, len, &p, host);
	if (ret)
		return ret;
	if (p < len && s[p] == ':') {
		for (p++; p < len && s[p] >= '0' && s[p] <= '9' && digits < 5; p++, digits++)
			val = val * 10 + (unsigned int)(s[p] - '0');
		if (digits == 0 || val == 0 || val > 65535 ||
		    (p < len && s[p] >= '0' && s[p] <= '9'))
			return -EINVAL;
		*port = (uint16_t)val;
	}
	*pos = p;
	return 0;
}

/* ---- parameters and headers ---- */

#define SIP_URI_PARAMCHAR "[]/:&+$"

int sip_uri_param_next(struct sip_hdr_iter *it, struct sip_param *p)
{
	const char *s = it->s;
	size_t pos = it->pos, name_end, end;

	if (pos >= it->len)
		return 0;
	if (s[pos] != ';')
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	name_end = sip_uri_span(s, it->len, pos + 1, SIP_URI_PARAMCHAR);
	if (name_end == pos + 1)
		return -EINVAL;
	p->name = (struct sip_str){s + pos + 1, name_end - pos - 1};
	end = name_end;
	if (end < it->len && s[end] == '=') {
		end = sip_uri_span(s, it->len, name_end + 1, SIP_URI_PARAMCHAR);
		if (end == name_end + 1)
			return -EINVAL;
		p->has_value = true;
		p->value = (struct sip_str){s + name_end + 1, end - name_end - 1};
	}
	if (end < it->len && s[end] != ';')
		return -EINVAL;
	p->item = (struct sip_str){s + pos, end - pos};
	it->pos = end;
	it->n++;
	return 1;
}

int sip_uri_param_find(const struct sip_uri *uri, const char *name, struct sip_param *p)
{
	struct sip_hdr_iter it;
	struct sip_param cur;

	sip_hdr_iter_init(&it, uri->params.s, uri->params.len);
	while (sip_uri_param_next(&it, &cur) == 1) {
		if (sip_str_caseeq(cur.name, name)) {
			*p = cur;
			return 1;
		}
	}
	return 0;
}

/* Parameters (from a ';') and headers (from a '?') at @pos to the end of the URI. */
static int sip_uri_tail(const char *s, size_t len, size_t pos, struct sip_uri *uri)
{
	struct sip_hdr_iter it;
	struct sip_param p;
	size_t q;
	int ret;

	for (q = pos; q < len && s[q] != '?'; q++)
		;
	uri->params = (struct sip_str){s + pos, q - pos};
	sip_hdr_iter_init(&it, uri->params.s, uri->params.len);
	while ((ret = sip_uri_param_next(&it, &p)) == 1) {
		if (sip_str_caseeq(p.name, "transport"))
			uri->transport = p.value;
		else if (sip_str_caseeq(p.name, "maddr"))
			uri->maddr = p.value;
		else if (sip_str_caseeq(p.name, "user"))
			uri->user_param = p.value;
		else if (sip_str_caseeq(p.name, "lr"))
			uri->lr = true;
	}
	if (ret < 0)
		return ret;
	if (q < len) {
		uri->headers = (struct sip_str){s + q + 1, len - q - 1};
		if (uri->headers.len == 0 || sip_uri_span(s, len, q + 1, "[]/?:+$=&") != len)
			return -EINVAL;
	}
	return 0;
}

/* ---- schemes ---- */

static int sip_uri_sip(const char *s, size_t len, size_t pos, struct sip_uri *uri)
{
	const char *at = memchr(s + pos, '@', len - pos);
	size_t end;

	if (at) {
		size_t at_pos = (size_t)(at - s);

		end = sip_uri_span(s, at_pos, pos, "&=+$,;?/");
		if (end == pos)
			return -EINVAL;
		uri->user = (struct sip_str){s + pos, end - pos};
		if (end < at_pos) {
			if (s[end] != ':' || sip_uri_span(s, at_pos, end + 1, "&=+$,") != at_pos)
				return -EINVAL;
			uri->password = (struct sip_str){s + end + 1, at_pos - end - 1};
		}
		pos = at_pos + 1;
	}
	if (sip_uri_parse_host(s, len, &pos, &uri->host, &uri->host_ipv6, &uri->port) != 0)
		return -EINVAL;
	uri->has_port = uri->port != 0;
	if (pos < len && s[pos] != ';' && s[pos] != '?')
		return -EINVAL;
	return sip_uri_tail(s, len, pos, uri);
}

/* tel:number;params (RFC 3966), checked loosely: digits, hex, visual separators, "+*#". */
static int sip_uri_tel(const char *s, size_t len, size_t pos, struct sip_uri *uri)
{
	size_t end = pos;

	while (end < len && (sip_uri_is_alnum((unsigned char)s[end]) ||
			     (s[end] != '\0' && strchr("+-.()*#", s[end]))))
		end++;
	if (end == pos || (end < len && s[end] != ';'))
		return -EINVAL;
	uri->user = (struct sip_str){s + pos, end - pos};
	return sip_uri_tail(s, len, end, uri);
}

int sip_uri_parse(const char *s, size_t len, struct sip_uri *uri)
{
	size_t i, colon = 0;

	memset(uri, 0, sizeof(*uri));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>')
			return -EINVAL;
		if (c == ':' && colon == 0)
			colon = i;
	}
	if (colon == 0 || colon + 1 == len || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return -EINVAL;
	for (i = 1; i < colon; i++)
		if (!sip_uri_is_alnum((unsigned char)s[i]) && !strchr("+-.", s[i]))
			return -EINVAL;
	uri->scheme_str = (struct sip_str){s, colon};
	uri->opaque = (struct sip_str){s + colon + 1, len - colon - 1};
	if (sip_str_caseeq(uri->scheme_str, "sip"))
		uri->scheme = SIP_URI_SIP;
	else if (sip_str_caseeq(uri->scheme_str, "sips"))
		uri->scheme = SIP_URI_SIPS;
	else if (sip_str_caseeq(uri->scheme_str, "tel"))
		uri->scheme = SIP_URI_TEL;
	else
		return 0;
	if (uri->scheme == SIP_URI_TEL)
		return sip_uri_tel(s, len, colon + 1, uri);
	return sip_uri_sip(s, len, colon + 1, uri);
}
