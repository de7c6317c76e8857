/*
 * sip_hdr.c — header value parsers (see sip_hdr.h): lists, generic parameters, Via,
 * name-addr, CSeq, numbers, Call-ID and Digest parameters.
 *
 * All of them work on (pointer, length) and return spans into it. They are written for
 * values that sip_msg_parse() has already checked for control bytes, but they are safe on
 * any input: they never read outside [s, s + len) and fail with -EINVAL on what they do
 * not understand.
 */
#include "sip/sip_hdr.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_uri.h"

/* ---- scanners ---- */

bool sip_hdr_is_token_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("-.!%*_+`'~", c) != NULL;
}

static bool sip_hdr_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t sip_hdr_skip_lws(const char *s, size_t len, size_t pos)
{
	while (pos < len && sip_hdr_is_lws(s[pos]))
		pos++;
	return pos;
}

static size_t sip_hdr_span_token(const char *s, size_t len, size_t pos)
{
	while (pos < len && sip_hdr_is_token_char((unsigned char)s[pos]))
		pos++;
	return pos;
}

/* Bytes of a parameter value that is not quoted: a token, or an IPv6 address (bare or in
 * brackets, as received= and maddr= may carry). */
static size_t sip_hdr_span_gen_value(const char *s, size_t len, size_t pos)
{
	while (pos < len && (sip_hdr_is_token_char((unsigned char)s[pos]) || s[pos] == ':' ||
			     s[pos] == '[' || s[pos] == ']'))
		pos++;
	return pos;
}

size_t sip_hdr_span_quoted(const char *s, size_t len, size_t pos)
{
	if (pos >= len || s[pos] != '"')
		return 0;
	for (pos++; pos < len; pos++) {
		unsigned char c = (unsigned char)s[pos];

		if (c == '"')
			return pos + 1;
		if (c == '\\') {
			if (pos + 1 >= len || s[pos + 1] == '\r' || s[pos + 1] == '\n' ||
			    (unsigned char)s[pos + 1] > 0x7f)
				return 0;
			pos++;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return 0;
	}
	return 0;
}

static struct sip_str sip_hdr_span(const char *s, size_t start, size_t end)
{
	return (struct sip_str){s + start, end - start};
}

/* ---- lists ---- */

void sip_hdr_iter_init(struct sip_hdr_iter *it, const char *s, size_t len)
{
	it->s = s;
	it->len = len;
	it->pos = 0;
	it->prev_end = 0;
	it->n = 0;
}

/*
 * Position of the next element after a separator at or after @pos: 1 with *next set when
 * a comma follows, 0 at the end, -EINVAL when something else follows.
 */
static int sip_hdr_after_elem(const char *s, size_t len, size_t pos, size_t *next)
{
	pos = sip_hdr_skip_lws(s, len, pos);
	if (pos == len)
		return 0;
	if (s[pos] != ',')
		return -EINVAL;
	*next = sip_hdr_skip_lws(s, len, pos + 1);
	return 1;
}

/* Where element n + 1 starts: after the separator, or at the start for the first one. */
static int sip_hdr_iter_start(struct sip_hdr_iter *it, size_t *start)
{
	int ret;

	if (it->n == 0) {
		*start = sip_hdr_skip_lws(it->s, it->len, 0);
		return *start < it->len ? 1 : 0;
	}
	ret = sip_hdr_after_elem(it->s, it->len, it->pos, start);
	if (ret == 1 && *start == it->len)
		return -EINVAL; /* a trailing comma */
	return ret;
}

/* Record element [start, end) and compute its removal span. */
static void sip_hdr_iter_took(struct sip_hdr_iter *it, size_t start, size_t end,
			      struct sip_str *removal)
{
	size_t next;

	if (removal) {
		if (it->n > 0)
			*removal = sip_hdr_span(it->s, it->prev_end, end);
		else if (sip_hdr_after_elem(it->s, it->len, end, &next) == 1)
			*removal = sip_hdr_span(it->s, start, next);
		else
			*removal = sip_hdr_span(it->s, start, end);
	}
	it->prev_end = end;
	it->pos = end;
	it->n++;
}

int sip_hdr_list_next(struct sip_hdr_iter *it, struct sip_str *elem, struct sip_str *removal)
{
	const char *s = it->s;
	size_t start, pos, end;
	bool angle = false;
	int ret = sip_hdr_iter_start(it, &start);

	if (ret <= 0)
		return ret;
	for (pos = start; pos < it->len; pos++) {
		if (s[pos] == '"' && !angle) {
			pos = sip_hdr_span_quoted(s, it->len, pos);
			if (pos == 0)
				return -EINVAL;
			pos--;
		} else if (s[pos] == '<') {
			if (angle)
				return -EINVAL;
			angle = true;
		} else if (s[pos] == '>') {
			if (!angle)
				return -EINVAL;
			angle = false;
		} else if (s[pos] == ',' && !angle) {
			break;
		}
	}
	if (angle)
		return -EINVAL;
	end = pos;
	while (end > start && sip_hdr_is_lws(s[end - 1]))
		end--;
	if (end == start)
		return -EINVAL;
	*elem = sip_hdr_span(s, start, end);
	sip_hdr_iter_took(it, start, end, removal);
	return 1;
}

int sip_hdr_token_list_has(const char *s, size_t len, const char *token)
{
	struct sip_hdr_iter it;
	struct sip_str elem;
	int ret;

	sip_hdr_iter_init(&it, s, len);
	while ((ret = sip_hdr_list_next(&it, &elem, NULL)) == 1)
		if (sip_str_caseeq(elem, token))
			return 1;
	return ret;
}

/* ---- generic parameters ---- */

/* A value after '=' at @pos: quoted-string or gen-value; sets p->value and returns the end. */
static size_t sip_hdr_param_value(const char *s, size_t len, size_t pos, struct sip_param *p)
{
	size_t end;

	if (pos < len && s[pos] == '"') {
		end = sip_hdr_span_quoted(s, len, pos);
		if (end == 0)
			return 0;
		p->value = sip_hdr_span(s, pos + 1, end - 1);
		p->quoted = true;
		return end;
	}
	end = sip_hdr_span_gen_value(s, len, pos);
	if (end == pos)
		return 0;
	p->value = sip_hdr_span(s, pos, end);
	return end;
}

int sip_hdr_param_next(struct sip_hdr_iter *it, struct sip_param *p)
{
	const char *s = it->s;
	size_t pos = sip_hdr_skip_lws(s, it->len, it->pos), start, name_end, end;

	if (pos == it->len)
		return 0;
	if (s[pos] != ';')
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	start = pos;
	pos = sip_hdr_skip_lws(s, it->len, pos + 1);
	name_end = sip_hdr_span_token(s, it->len, pos);
	if (name_end == pos)
		return -EINVAL;
	p->name = sip_hdr_span(s, pos, name_end);
	end = name_end;
	pos = sip_hdr_skip_lws(s, it->len, name_end);
	if (pos < it->len && s[pos] == '=') {
		p->has_value = true;
		end = sip_hdr_param_value(s, it->len, sip_hdr_skip_lws(s, it->len, pos + 1), p);
		if (end == 0)
			return -EINVAL;
	}
	p->item = sip_hdr_span(s, start, end);
	it->pos = end;
	it->n++;
	return 1;
}

int sip_hdr_param_find(const char *s, size_t len, const char *name, struct sip_param *p)
{
	struct sip_hdr_iter it;
	struct sip_param cur;
	int ret;

	sip_hdr_iter_init(&it, s, len);
	while ((ret = sip_hdr_param_next(&it, &cur)) == 1) {
		if (sip_str_caseeq(cur.name, name)) {
			*p = cur;
			return 1;
		}
	}
	return ret;
}

/* ---- Via ---- */

/* sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS / SWS) */
static int sip_hdr_via_protocol(const char *s, size_t len, size_t *pos, struct sip_via *via)
{
	size_t p = sip_hdr_skip_lws(s, len, *pos), start = p, end;
	int part;

	for (part = 0; part < 3; part++) {
		if (part > 0) {
			p = sip_hdr_skip_lws(s, len, p);
			if (p >= len || s[p] != '/')
				return -EINVAL;
			p = sip_hdr_skip_lws(s, len, p + 1);
		}
		end = sip_hdr_span_token(s, len, p);
		if (end == p)
			return -EINVAL;
		if (part == 1)
			via->protocol = sip_hdr_span(s, start, end);
		else if (part == 2)
			via->transport = sip_hdr_span(s, p, end);
		p = end;
	}
	*pos = p;
	return 0;
}

static int sip_hdr_via_params(struct sip_via *via)
{
	struct sip_hdr_iter it;
	struct sip_param p;
	int ret;

	sip_hdr_iter_init(&it, via->params.s, via->params.len);
	while ((ret = sip_hdr_param_next(&it, &p)) == 1) {
		if (sip_str_caseeq(p.name, "branch") && !via->has_branch) {
			if (!p.has_value || p.quoted)
				return -EINVAL;
			via->branch = p.value;
			via->has_branch = true;
		} else if (sip_str_caseeq(p.name, "received") && !via->has_received) {
			if (!p.has_value || p.quoted)
				return -EINVAL;
			via->received = p.value;
			via->has_received = true;
		} else if (sip_str_caseeq(p.name, "rport") && !via->has_rport) {
			via->rport = p.value;
			via->has_rport = true;
		}
	}
	return ret;
}

int sip_hdr_via_parse(const char *s, size_t len, struct sip_via *via)
{
	size_t pos = 0, host_start;

	memset(via, 0, sizeof(*via));
	if (sip_hdr_via_protocol(s, len, &pos, via) != 0)
		return -EINVAL;
	host_start = sip_hdr_skip_lws(s, len, pos);
	if (host_start == pos || host_start == len)
		return -EINVAL;
	pos = host_start;
	if (sip_uri_parse_host(s, len, &pos, &via->host, &via->host_ipv6, &via->port) != 0)
		return -EINVAL;
	via->sent_by = sip_hdr_span(s, host_start, pos);
	pos = sip_hdr_skip_lws(s, len, pos);
	if (pos < len && s[pos] != ';')
		return -EINVAL;
	via->params = sip_hdr_span(s, pos, len);
	while (via->params.len > 0 && sip_hdr_is_lws(via->params.s[via->params.len - 1]))
		via->params.len--;
	return sip_hdr_via_params(via);
}

/* ---- name-addr ---- */

/* Display name before '<' at @pos: a quoted-string or tokens; *lt is the '<'. */
static int sip_hdr_display(const char *s, size_t len, size_t pos, struct sip_nameaddr *na,
			   size_t *lt)
{
	size_t end = pos;

	if (pos < len && s[pos] == '"') {
		end = sip_hdr_span_quoted(s, len, pos);
		if (end == 0)
			return -EINVAL;
		*lt = sip_hdr_skip_lws(s, len, end);
	} else {
		*lt = pos;
		while (*lt < len &&
		       (sip_hdr_is_token_char((unsigned char)s[*lt]) || sip_hdr_is_lws(s[*lt])))
			(*lt)++;
		end = *lt;
		while (end > pos && sip_hdr_is_lws(s[end - 1]))
			end--;
	}
	if (*lt >= len || s[*lt] != '<')
		return 1; /* not a name-addr */
	na->display = sip_hdr_span(s, pos, end);
	return 0;
}

static int sip_hdr_nameaddr_params(struct sip_nameaddr *na)
{
	struct sip_hdr_iter it;
	struct sip_param p;
	int ret;

	sip_hdr_iter_init(&it, na->params.s, na->params.len);
	while ((ret = sip_hdr_param_next(&it, &p)) == 1) {
		if (sip_str_caseeq(p.name, "tag") && !na->has_tag) {
			if (!p.has_value || p.quoted)
				return -EINVAL;
			na->tag = p.value;
			na->has_tag = true;
		} else if (sip_str_caseeq(p.name, "expires") && !na->has_expires) {
			if (!p.has_value)
				return -EINVAL;
			na->expires = p.value;
			na->has_expires = true;
		}
	}
	return ret;
}

int sip_hdr_nameaddr_parse(const char *s, size_t len, struct sip_nameaddr *na)
{
	size_t pos = sip_hdr_skip_lws(s, len, 0), lt, gt, end;
	struct sip_uri uri;
	int ret;

	memset(na, 0, sizeof(*na));
	if (pos == len)
		return -EINVAL;
	if (s[pos] == '*') {
		na->star = true;
		return sip_hdr_skip_lws(s, len, pos + 1) == len ? 0 : -EINVAL;
	}
	ret = sip_hdr_display(s, len, pos, na, &lt);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		const char *close = memchr(s + lt + 1, '>', len - lt - 1);

		if (!close)
			return -EINVAL;
		gt = (size_t)(close - s);
		na->uri = sip_hdr_span(s, lt + 1, gt);
		na->angle = true;
		end = gt + 1;
	} else {
		for (end = pos; end < len && s[end] != ';' && !sip_hdr_is_lws(s[end]); end++)
			;
		na->uri = sip_hdr_span(s, pos, end);
	}
	if (sip_uri_parse(na->uri.s, na->uri.len, &uri) != 0)
		return -EINVAL;
	if (!na->angle &&
	    (memchr(na->uri.s, ',', na->uri.len) || memchr(na->uri.s, '?', na->uri.len)))
		return -EINVAL; /* RFC 3261 §20.10: such a URI must be in <> */
	pos = sip_hdr_skip_lws(s, len, end);
	if (pos < len && s[pos] != ';')
		return -EINVAL;
	na->params = sip_hdr_span(s, pos, len);
	while (na->params.len > 0 && sip_hdr_is_lws(na->params.s[na->params.len - 1]))
		na->params.len--;
	return sip_hdr_nameaddr_params(na);
}

/* ---- numbers, CSeq, Call-ID ---- */

/* Digits at @pos: the end (== pos when none); *val saturates at UINT64_MAX / 10 scale. */
static size_t sip_hdr_digits(const char *s, size_t len, size_t pos, uint64_t *val)
{
	*val = 0;
	for (; pos < len && s[pos] >= '0' && s[pos] <= '9'; pos++) {
		if (*val <= UINT32_MAX)
			*val = *val * 10 + (uint64_t)(s[pos] - '0');
	}
	return pos;
}

int sip_hdr_uint_parse(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	size_t pos = sip_hdr_skip_lws(s, len, 0), end;
	uint64_t val;

	end = sip_hdr_digits(s, len, pos, &val);
	if (end == pos || sip_hdr_skip_lws(s, len, end) != len)
		return -EINVAL;
	if (val > max)
		return -ERANGE;
	*out = (uint32_t)val;
	return 0;
}

int sip_hdr_cseq_parse(const char *s, size_t len, uint32_t *seq, struct sip_str *method)
{
	size_t pos = sip_hdr_skip_lws(s, len, 0), end, m;
	uint64_t val;

	end = sip_hdr_digits(s, len, pos, &val);
	if (end == pos || val >= (1u << 31))
		return -EINVAL;
	m = sip_hdr_skip_lws(s, len, end);
	if (m == end)
		return -EINVAL;
	end = sip_hdr_span_token(s, len, m);
	if (end == m || sip_hdr_skip_lws(s, len, end) != len)
		return -EINVAL;
	*seq = (uint32_t)val;
	*method = sip_hdr_span(s, m, end);
	return 0;
}

/* word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" /
 * ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}") */
static bool sip_hdr_is_word_char(unsigned char c)
{
	return sip_hdr_is_token_char(c) || (c != '\0' && strchr("()<>:\\\"/[]?{}", c) != NULL);
}

int sip_hdr_callid_parse(const char *s, size_t len, struct sip_str *id)
{
	size_t pos = sip_hdr_skip_lws(s, len, 0), end = pos, at = len;

	for (; end < len && !sip_hdr_is_lws(s[end]); end++) {
		if (s[end] == '@' && at == len && end > pos)
			at = end;
		else if (!sip_hdr_is_word_char((unsigned char)s[end]))
			return -EINVAL;
	}
	if (end == pos || at + 1 == end || sip_hdr_skip_lws(s, len, end) != len)
		return -EINVAL;
	*id = sip_hdr_span(s, pos, end);
	return 0;
}

/* ---- Digest parameters ---- */

int sip_hdr_auth_begin(struct sip_hdr_iter *it, const char *s, size_t len, struct sip_str *scheme)
{
	size_t pos = sip_hdr_skip_lws(s, len, 0), end = sip_hdr_span_token(s, len, pos);

	sip_hdr_iter_init(it, s, len);
	if (end == pos || (end < len && !sip_hdr_is_lws(s[end])))
		return -EINVAL;
	*scheme = sip_hdr_span(s, pos, end);
	/* The parameters are a list that starts after the scheme. */
	it->s = s + end;
	it->len = len - end;
	return 0;
}

/* An auth-param value: quoted-string, or a token (with "/:@=[]" for lenient peers). */
static size_t sip_hdr_auth_value(const char *s, size_t len, size_t pos, struct sip_auth_param *p)
{
	size_t end = pos;

	if (pos < len && s[pos] == '"') {
		end = sip_hdr_span_quoted(s, len, pos);
		if (end == 0)
			return 0;
		p->value = sip_hdr_span(s, pos + 1, end - 1);
		p->quoted = true;
		return end;
	}
	while (end < len && (sip_hdr_is_token_char((unsigned char)s[end]) ||
			     (s[end] != '\0' && strchr("/:@=[]", s[end]))))
		end++;
	if (end == pos)
		return 0;
	p->value = sip_hdr_span(s, pos, end);
	return end;
}

int sip_hdr_auth_next(struct sip_hdr_iter *it, struct sip_auth_param *p)
{
	const char *s = it->s;
	size_t start, name_end, pos, end;
	int ret = sip_hdr_iter_start(it, &start);

	if (ret <= 0)
		return ret;
	memset(p, 0, sizeof(*p));
	name_end = sip_hdr_span_token(s, it->len, start);
	if (name_end == start)
		return -EINVAL;
	pos = sip_hdr_skip_lws(s, it->len, name_end);
	if (pos >= it->len || s[pos] != '=')
		return -EINVAL;
	end = sip_hdr_auth_value(s, it->len, sip_hdr_skip_lws(s, it->len, pos + 1), p);
	if (end == 0)
		return -EINVAL;
	p->name = sip_hdr_span(s, start, name_end);
	p->item = sip_hdr_span(s, start, end);
	sip_hdr_iter_took(it, start, end, &p->removal);
	return 1;
}

int sip_hdr_auth_find(const char *s, size_t len, const char *name, struct sip_auth_param *p)
{
	struct sip_hdr_iter it;
	struct sip_auth_param cur;
	struct sip_str scheme;
	int ret;

	if (sip_hdr_auth_begin(&it, s, len, &scheme) != 0)
		return -EINVAL;
	while ((ret = sip_hdr_auth_next(&it, &cur)) == 1) {
		if (sip_str_caseeq(cur.name, name)) {
			*p = cur;
			return 1;
		}
	}
	return ret;
}

int sip_hdr_first_elem(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *elem,
		       struct sip_str *removal)
{
	struct sip_hdr_iter it;
	struct sip_str v;
	int i = sip_msg_find(msg, id, 0);

	if (i < 0)
		return -ENOENT;
	v = sip_msg_hdr_value(msg, (size_t)i);
	sip_hdr_iter_init(&it, v.s, v.len);
	return sip_hdr_list_next(&it, elem, removal) == 1 ? i : -EINVAL;
}
