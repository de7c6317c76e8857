/*
 * secagree.c — parse, format and compare Security-Client/-Server/-Verify values (RFC 3329,
 * TS 33.203 Annex H, and the older ipsec-man form).
 *
 * Grammar accepted (RFC 3329 §2.2 over RFC 3261 §25.1):
 *   value      = LWS* sec-mech *(LWS* "," LWS* sec-mech) LWS*
 *   sec-mech   = token *(LWS* ";" LWS* param)
 *   param      = token [LWS* "=" LWS* (token / quoted-string / "[" IPv6 "]")]
 *   LWS        = SP / HTAB / CRLF followed by SP or HTAB (a folded line)
 * Typed parameters may also be written as a quoted-string whose body is then read as the
 * value (spi-c="1234"); formatting writes them unquoted.
 *
 * The parser never reads at or past buf[len], allocates nothing and copies what it keeps
 * into the fixed-size list, so a list outlives the message it came from.
 */
#include "sip/secagree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How the value of a typed parameter is read, checked and written. */
enum field_kind {
	KIND_TOKEN,
	KIND_SPI,
	KIND_PORT,
	KIND_PREFLEN,
	KIND_Q,
};

struct field_desc {
	const char *name; /* canonical spelling, used when formatting and in errors */
	enum field_kind kind;
	size_t offset; /* of the member in struct secagree_mech */
};

#define FIELD(id, nm, k, member) [id] = {nm, k, offsetof(struct secagree_mech, member)}

static const struct field_desc secagree_fields[SECAGREE_F_COUNT] = {
	FIELD(SECAGREE_F_ALG, "alg", KIND_TOKEN, alg),
	FIELD(SECAGREE_F_EALG, "ealg", KIND_TOKEN, ealg),
	FIELD(SECAGREE_F_PROT, "prot", KIND_TOKEN, prot),
	FIELD(SECAGREE_F_MOD, "mod", KIND_TOKEN, mod),
	FIELD(SECAGREE_F_SPI_C, "spi-c", KIND_SPI, spi_c),
	FIELD(SECAGREE_F_SPI_S, "spi-s", KIND_SPI, spi_s),
	FIELD(SECAGREE_F_PORT_C, "port-c", KIND_PORT, port_c),
	FIELD(SECAGREE_F_PORT_S, "port-s", KIND_PORT, port_s),
	FIELD(SECAGREE_F_SPI_U_UDP, "SPI_U_UDP", KIND_SPI, spi_u_udp),
	FIELD(SECAGREE_F_SPI_U_TCP, "SPI_U_TCP", KIND_SPI, spi_u_tcp),
	FIELD(SECAGREE_F_PORT_U_UDP, "Port_U_UDP", KIND_PORT, port_u_udp),
	FIELD(SECAGREE_F_PORT_U_TCP, "Port_U_TCP", KIND_PORT, port_u_tcp),
	FIELD(SECAGREE_F_SPI_P_UDP, "SPI_P_UDP", KIND_SPI, spi_p_udp),
	FIELD(SECAGREE_F_SPI_P_TCP, "SPI_P_TCP", KIND_SPI, spi_p_tcp),
	FIELD(SECAGREE_F_PORT_P_UDP, "Port_P_UDP", KIND_PORT, port_p_udp),
	FIELD(SECAGREE_F_PORT_P_TCP, "Port_P_TCP", KIND_PORT, port_p_tcp),
	FIELD(SECAGREE_F_ADDR_PREF_LEN, "addr-pref-length", KIND_PREFLEN, addr_pref_len),
	FIELD(SECAGREE_F_Q, "q", KIND_Q, q),
};

/* The typed parameters of each mechanism, in the order they are formatted. */
static const enum secagree_field secagree_fields_3gpp[] = {
	SECAGREE_F_ALG,	   SECAGREE_F_EALG,   SECAGREE_F_PROT,		SECAGREE_F_MOD,
	SECAGREE_F_SPI_C,  SECAGREE_F_SPI_S,  SECAGREE_F_PORT_C,	SECAGREE_F_PORT_S,
	SECAGREE_F_ADDR_PREF_LEN, SECAGREE_F_Q,
};

static const enum secagree_field secagree_fields_man[] = {
	SECAGREE_F_ALG,	       SECAGREE_F_EALG,	      SECAGREE_F_SPI_U_UDP,
	SECAGREE_F_SPI_U_TCP,  SECAGREE_F_PORT_U_UDP, SECAGREE_F_PORT_U_TCP,
	SECAGREE_F_SPI_P_UDP,  SECAGREE_F_SPI_P_TCP,  SECAGREE_F_PORT_P_UDP,
	SECAGREE_F_PORT_P_TCP, SECAGREE_F_ADDR_PREF_LEN, SECAGREE_F_Q,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const secagree_mech_names[] = {
	[SECAGREE_MECH_OTHER] = NULL,
	[SECAGREE_MECH_IPSEC_3GPP] = "ipsec-3gpp",
	[SECAGREE_MECH_IPSEC_MAN] = "ipsec-man",
};

/* ---- character classes and scanners shared by the parser and the format checks ---- */

/* RFC 3261 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
static bool secagree_is_token_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("-.!%*_+`'~", c) != NULL;
}

static size_t secagree_span_token(const char *s, size_t len, size_t pos)
{
	while (pos < len && secagree_is_token_char((unsigned char)s[pos]))
		pos++;
	return pos;
}

static bool secagree_is_token(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && secagree_span_token(s, n, 0) == n;
}

/* qdtext (without CR/LF: we take unfolded values) or a quoted-pair's second byte. */
static bool secagree_is_qdtext(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f && c != '"' && c != '\\');
}

/*
 * Scan a quoted-string body from @pos up to (not including) the closing quote or the
 * first byte that cannot be in it. *bad is set when that byte is a broken quoted-pair or a
 * control character; stopping at '"' or at @len leaves it false.
 */
static size_t secagree_span_quoted(const char *s, size_t len, size_t pos, bool *bad)
{
	*bad = false;
	while (pos < len) {
		unsigned char c = (unsigned char)s[pos];

		if (c == '"')
			break;
		if (c == '\\') {
			unsigned char e;

			if (pos + 1 >= len) {
				*bad = true;
				break;
			}
			e = (unsigned char)s[pos + 1];
			if (e > 0x7f || e == '\0' || e == '\r' || e == '\n') {
				*bad = true;
				break;
			}
			pos += 2;
			continue;
		}
		if (!secagree_is_qdtext(c)) {
			*bad = true;
			break;
		}
		pos++;
	}
	return pos;
}

/* "[" 1*(HEXDIG / ":" / ".") "]" — an IPv6reference as gen-value; returns the end or 0. */
static size_t secagree_span_bracket(const char *s, size_t len, size_t pos)
{
	size_t start = pos;

	if (pos >= len || s[pos] != '[')
		return 0;
	pos++;
	while (pos < len && (strchr("0123456789abcdefABCDEF:.", s[pos]) && s[pos] != '\0'))
		pos++;
	if (pos >= len || s[pos] != ']' || pos == start + 1)
		return 0;
	return pos + 1;
}

/* ---- parser ---- */

struct secagree_parser {
	const char *buf;
	size_t len;
	size_t pos;
	struct secagree_error *err;
};

__attribute__((format(printf, 3, 4))) static int
secagree_fail(struct secagree_parser *p, enum secagree_err code, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		p->err->code = code;
		p->err->offset = p->pos;
		va_start(ap, fmt);
		vsnprintf(p->err->reason, sizeof(p->err->reason), fmt, ap);
		va_end(ap);
	}
	switch (code) {
	case SECAGREE_ERR_TOO_MANY_MECHS:
	case SECAGREE_ERR_TOO_MANY_PARAMS:
	case SECAGREE_ERR_TOO_LONG:
		return -E2BIG;
	default:
		return -EINVAL;
	}
}

static int secagree_peek(const struct secagree_parser *p)
{
	return p->pos < p->len ? (unsigned char)p->buf[p->pos] : -1;
}

static void secagree_skip_lws(struct secagree_parser *p)
{
	while (p->pos < p->len) {
		char c = p->buf[p->pos];

		if (c == ' ' || c == '\t') {
			p->pos++;
		} else if (c == '\r' && p->pos + 2 < p->len && p->buf[p->pos + 1] == '\n' &&
			   (p->buf[p->pos + 2] == ' ' || p->buf[p->pos + 2] == '\t')) {
			p->pos += 3;
		} else {
			break;
		}
	}
}

/* Copy a token of at most @max bytes into @out; @what names it in errors. */
static int secagree_take_token(struct secagree_parser *p, char *out, size_t max, const char *what)
{
	size_t end = secagree_span_token(p->buf, p->len, p->pos);
	size_t n = end - p->pos;

	if (n == 0)
		return secagree_fail(p, SECAGREE_ERR_SYNTAX, "expected a %s", what);
	if (n > max)
		return secagree_fail(p, SECAGREE_ERR_TOO_LONG, "%s too long (most %zu bytes)", what,
				     max);
	memcpy(out, p->buf + p->pos, n);
	out[n] = '\0';
	p->pos = end;
	return 0;
}

/* A parameter value after "=": token, quoted-string or [IPv6]. */
static int secagree_take_value(struct secagree_parser *p, struct secagree_param *param)
{
	size_t start = p->pos, end, n;
	bool bad;

	param->has_value = true;
	if (secagree_peek(p) == '"') {
		start++;
		end = secagree_span_quoted(p->buf, p->len, start, &bad);
		if (end >= p->len || bad) {
			p->pos = end;
			return secagree_fail(p, SECAGREE_ERR_SYNTAX, "%s",
					     end >= p->len ? "unterminated quoted-string"
							   : "bad character in quoted-string");
		}
		param->quoted = true;
		p->pos = end + 1;
	} else {
		end = secagree_span_bracket(p->buf, p->len, start);
		if (end == 0)
			end = secagree_span_token(p->buf, p->len, start);
		if (end == start && (end == p->len || p->buf[end] == ';' || p->buf[end] == ','))
			return secagree_fail(p, SECAGREE_ERR_MISSING_VALUE,
					     "missing parameter value after '='");
		if (end == start)
			return secagree_fail(p, SECAGREE_ERR_SYNTAX, "bad parameter value");
		p->pos = end;
	}
	n = end - start;
	if (n > SECAGREE_VALUE_MAX)
		return secagree_fail(p, SECAGREE_ERR_TOO_LONG,
				     "parameter value too long (most %d bytes)",
				     SECAGREE_VALUE_MAX);
	memcpy(param->value, p->buf + start, n);
	param->value[n] = '\0';
	return 0;
}

/* Decimal digits only, at least one, value at most @max. */
static bool secagree_parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* RFC 3261 qvalue: ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths. */
static bool secagree_parse_q(const char *s, uint16_t *out)
{
	unsigned int v, scale = 100;

	if (s[0] != '0' && s[0] != '1')
		return false;
	v = (unsigned int)(s[0] - '0') * 1000;
	if (s[1] == '\0')
		goto done;
	if (s[1] != '.')
		return false;
	for (s += 2; *s; s++, scale /= 10) {
		if (scale == 0 || *s < '0' || *s > '9')
			return false;
		v += (unsigned int)(*s - '0') * scale;
	}
	if (v > 1000)
		return false;
done:
	*out = (uint16_t)v;
	return true;
}

/* Check and store the value of typed parameter @f; @param holds what was read. */
static int secagree_set_field(struct secagree_parser *p, struct secagree_mech *m,
			      enum secagree_field f, const struct secagree_param *param)
{
	const struct field_desc *d = &secagree_fields[f];
	char *dst = (char *)m + d->offset;
	uint32_t v;

	if (m->present & SECAGREE_HAS(f))
		return secagree_fail(p, SECAGREE_ERR_DUPLICATE, "%s: duplicate parameter", d->name);
	if (!param->has_value || param->value[0] == '\0')
		return secagree_fail(p, SECAGREE_ERR_MISSING_VALUE, "%s: missing value", d->name);
	switch (d->kind) {
	case KIND_TOKEN:
		if (!secagree_is_token(param->value))
			return secagree_fail(p, SECAGREE_ERR_BAD_VALUE, "%s: not a token", d->name);
		if (strlen(param->value) > SECAGREE_TOKEN_MAX)
			return secagree_fail(p, SECAGREE_ERR_TOO_LONG, "%s: value too long",
					     d->name);
		strcpy(dst, param->value);
		break;
	case KIND_SPI:
		if (!secagree_parse_uint(param->value, UINT32_MAX, &v))
			return secagree_fail(p, SECAGREE_ERR_BAD_VALUE,
					     "%s: not a 32-bit number", d->name);
		memcpy(dst, &(uint32_t){v}, sizeof(uint32_t));
		break;
	case KIND_PORT:
		if (!secagree_parse_uint(param->value, 65535, &v) || v == 0)
			return secagree_fail(p, SECAGREE_ERR_BAD_VALUE,
					     "%s: not a port number (1..65535)", d->name);
		memcpy(dst, &(uint16_t){(uint16_t)v}, sizeof(uint16_t));
		break;
	case KIND_PREFLEN:
		if (!secagree_parse_uint(param->value, 128, &v) || v == 0)
			return secagree_fail(p, SECAGREE_ERR_BAD_VALUE,
					     "%s: not a prefix length (1..128)", d->name);
		*(uint8_t *)dst = (uint8_t)v;
		break;
	case KIND_Q:
		if (!secagree_parse_q(param->value, &m->q))
			return secagree_fail(p, SECAGREE_ERR_BAD_VALUE,
					     "%s: not a q-value (0..1, up to 3 decimals)", d->name);
		break;
	}
	m->present |= SECAGREE_HAS(f);
	return 0;
}

/* The typed parameter of @m's mechanism called @name (any case), or SECAGREE_F_COUNT. */
static enum secagree_field secagree_lookup_field(const struct secagree_mech *m, const char *name)
{
	const enum secagree_field *list;
	size_t i, n;

	if (m->type == SECAGREE_MECH_IPSEC_3GPP) {
		list = secagree_fields_3gpp;
		n = ARRAY_SIZE(secagree_fields_3gpp);
	} else if (m->type == SECAGREE_MECH_IPSEC_MAN) {
		list = secagree_fields_man;
		n = ARRAY_SIZE(secagree_fields_man);
	} else {
		return SECAGREE_F_COUNT;
	}
	for (i = 0; i < n; i++)
		if (strcasecmp(secagree_fields[list[i]].name, name) == 0)
			return list[i];
	return SECAGREE_F_COUNT;
}

/* One `name [= value]` after a ";". */
static int secagree_parse_param(struct secagree_parser *p, struct secagree_mech *m,
				unsigned int *count)
{
	struct secagree_param param = {0};
	size_t start = p->pos;
	enum secagree_field f;
	int ret;

	if (*count >= SECAGREE_MAX_PARAMS)
		return secagree_fail(p, SECAGREE_ERR_TOO_MANY_PARAMS,
				     "too many parameters in one mechanism (most %d)",
				     SECAGREE_MAX_PARAMS);
	ret = secagree_take_token(p, param.name, SECAGREE_NAME_MAX, "parameter name");
	if (ret)
		return ret;
	secagree_skip_lws(p);
	if (secagree_peek(p) == '=') {
		p->pos++;
		secagree_skip_lws(p);
		ret = secagree_take_value(p, &param);
		if (ret)
			return ret;
	}
	(*count)++;
	f = secagree_lookup_field(m, param.name);
	if (f != SECAGREE_F_COUNT) {
		size_t end = p->pos;

		p->pos = start; /* errors about a value point at its parameter */
		ret = secagree_set_field(p, m, f, &param);
		p->pos = end;
		return ret;
	}
	m->params[m->n_params++] = param;
	return 0;
}

static int secagree_parse_mech(struct secagree_parser *p, struct secagree_mech *m)
{
	unsigned int count = 0;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = secagree_take_token(p, m->name, SECAGREE_NAME_MAX, "mechanism name");
	if (ret)
		return ret;
	if (strcasecmp(m->name, "ipsec-3gpp") == 0)
		m->type = SECAGREE_MECH_IPSEC_3GPP;
	else if (strcasecmp(m->name, "ipsec-man") == 0)
		m->type = SECAGREE_MECH_IPSEC_MAN;
	else
		m->type = SECAGREE_MECH_OTHER;
	for (;;) {
		secagree_skip_lws(p);
		if (secagree_peek(p) != ';')
			return 0;
		p->pos++;
		secagree_skip_lws(p);
		ret = secagree_parse_param(p, m, &count);
		if (ret)
			return ret;
	}
}

static int secagree_parse_list(struct secagree_parser *p, struct secagree_list *list)
{
	const char *nul = memchr(p->buf, '\0', p->len);
	int ret;

	if (nul) {
		p->pos = (size_t)(nul - p->buf);
		return secagree_fail(p, SECAGREE_ERR_NUL, "embedded NUL byte");
	}
	secagree_skip_lws(p);
	if (p->pos == p->len)
		return secagree_fail(p, SECAGREE_ERR_EMPTY, "no security mechanism");
	for (;;) {
		if (list->n_mechs >= SECAGREE_MAX_MECHS)
			return secagree_fail(p, SECAGREE_ERR_TOO_MANY_MECHS,
					     "too many security mechanisms (most %d)",
					     SECAGREE_MAX_MECHS);
		ret = secagree_parse_mech(p, &list->mechs[list->n_mechs]);
		if (ret)
			return ret;
		list->n_mechs++;
		if (p->pos == p->len)
			return 0;
		if (secagree_peek(p) != ',')
			return secagree_fail(p, SECAGREE_ERR_SYNTAX,
					     "expected ',' or ';' after a mechanism");
		p->pos++;
		secagree_skip_lws(p);
		if (p->pos == p->len)
			return secagree_fail(p, SECAGREE_ERR_SYNTAX, "trailing ','");
	}
}

void secagree_list_init(struct secagree_list *list)
{
	list->n_mechs = 0;
}

struct secagree_list *secagree_list_new(void)
{
	return calloc(1, sizeof(struct secagree_list));
}

void secagree_list_free(struct secagree_list *list)
{
	free(list);
}

int secagree_parse_append(const char *buf, size_t len, struct secagree_list *list,
			  struct secagree_error *err)
{
	struct secagree_parser p = {.buf = buf, .len = len, .pos = 0, .err = err};
	size_t before = list->n_mechs;
	int ret;

	if (err) {
		err->code = SECAGREE_OK;
		err->offset = 0;
		err->reason[0] = '\0';
	}
	if (buf == NULL && len > 0)
		return secagree_fail(&p, SECAGREE_ERR_EMPTY, "no input");
	if (buf == NULL)
		buf = p.buf = "";
	ret = secagree_parse_list(&p, list);
	if (ret)
		list->n_mechs = before;
	return ret;
}

int secagree_parse(const char *buf, size_t len, struct secagree_list *list,
		   struct secagree_error *err)
{
	secagree_list_init(list);
	return secagree_parse_append(buf, len, list, err);
}

/* ---- formatting ---- */

struct secagree_out {
	char *buf;
	size_t size;
	size_t len;
	bool full;
};

static void secagree_out_mem(struct secagree_out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->size == 0 || n >= o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void secagree_out_str(struct secagree_out *o, const char *s)
{
	secagree_out_mem(o, s, strlen(s));
}

static void secagree_out_uint(struct secagree_out *o, uint32_t v)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "%u", (unsigned int)v);

	secagree_out_mem(o, tmp, (size_t)n);
}

/* 1000 -> "1", 500 -> "0.5", 125 -> "0.125", 0 -> "0". */
static void secagree_out_q(struct secagree_out *o, uint16_t q)
{
	char tmp[8];
	int n;

	if (q == 1000 || q == 0) {
		secagree_out_str(o, q ? "1" : "0");
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "0.%03u", (unsigned int)q);
	while (n > 2 && tmp[n - 1] == '0')
		n--;
	secagree_out_mem(o, tmp, (size_t)n);
}

static uint32_t secagree_field_number(const struct secagree_mech *m, enum secagree_field f)
{
	const struct field_desc *d = &secagree_fields[f];
	const char *src = (const char *)m + d->offset;
	uint32_t v32;
	uint16_t v16;

	switch (d->kind) {
	case KIND_SPI:
		memcpy(&v32, src, sizeof(v32));
		return v32;
	case KIND_PORT:
	case KIND_Q:
		memcpy(&v16, src, sizeof(v16));
		return v16;
	case KIND_PREFLEN:
		return *(const uint8_t *)src;
	case KIND_TOKEN:
		break;
	}
	return 0;
}

/* Whether typed field @f of @m holds a value the parser would accept. */
static bool secagree_field_valid(const struct secagree_mech *m, enum secagree_field f)
{
	const struct field_desc *d = &secagree_fields[f];
	const char *s = (const char *)m + d->offset;
	uint32_t v = secagree_field_number(m, f);

	switch (d->kind) {
	case KIND_TOKEN:
		return memchr(s, '\0', SECAGREE_TOKEN_MAX + 1) && secagree_is_token(s);
	case KIND_SPI:
		return true;
	case KIND_PORT:
		return v >= 1;
	case KIND_PREFLEN:
		return v >= 1 && v <= 128;
	case KIND_Q:
		return v <= 1000;
	}
	return false;
}

static int secagree_out_field(struct secagree_out *o, const struct secagree_mech *m,
			      enum secagree_field f)
{
	const struct field_desc *d = &secagree_fields[f];

	if (!secagree_field_valid(m, f))
		return -EINVAL;
	secagree_out_str(o, ";");
	secagree_out_str(o, d->name);
	secagree_out_str(o, "=");
	if (d->kind == KIND_TOKEN)
		secagree_out_str(o, (const char *)m + d->offset);
	else if (d->kind == KIND_Q)
		secagree_out_q(o, m->q);
	else
		secagree_out_uint(o, secagree_field_number(m, f));
	return 0;
}

/* Whether a kept parameter would parse back as it is. */
static bool secagree_param_valid(const struct secagree_param *pm)
{
	size_t n;
	bool bad;

	if (!memchr(pm->name, '\0', sizeof(pm->name)) || !secagree_is_token(pm->name))
		return false;
	if (!pm->has_value)
		return true;
	if (!memchr(pm->value, '\0', sizeof(pm->value)))
		return false;
	n = strlen(pm->value);
	if (pm->quoted)
		return secagree_span_quoted(pm->value, n, 0, &bad) == n && !bad;
	return n > 0 && (secagree_span_token(pm->value, n, 0) == n ||
			 secagree_span_bracket(pm->value, n, 0) == n);
}

static int secagree_out_param(struct secagree_out *o, const struct secagree_param *pm)
{
	if (!secagree_param_valid(pm))
		return -EINVAL;
	secagree_out_str(o, ";");
	secagree_out_str(o, pm->name);
	if (!pm->has_value)
		return 0;
	secagree_out_str(o, pm->quoted ? "=\"" : "=");
	secagree_out_str(o, pm->value);
	if (pm->quoted)
		secagree_out_str(o, "\"");
	return 0;
}

static int secagree_out_mech(struct secagree_out *o, const struct secagree_mech *m)
{
	const enum secagree_field *list = NULL;
	uint32_t known = 0;
	size_t i, n = 0;
	int ret;

	if (m->type == SECAGREE_MECH_IPSEC_3GPP) {
		list = secagree_fields_3gpp;
		n = ARRAY_SIZE(secagree_fields_3gpp);
	} else if (m->type == SECAGREE_MECH_IPSEC_MAN) {
		list = secagree_fields_man;
		n = ARRAY_SIZE(secagree_fields_man);
	} else if (m->type != SECAGREE_MECH_OTHER || !memchr(m->name, '\0', sizeof(m->name)) ||
		   !secagree_is_token(m->name)) {
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		known |= SECAGREE_HAS(list[i]);
	if (m->n_params > SECAGREE_MAX_PARAMS || (m->present & ~known))
		return -EINVAL;
	secagree_out_str(o, list ? secagree_mech_names[m->type] : m->name);
	for (i = 0; i < n; i++) {
		if (!(m->present & SECAGREE_HAS(list[i])))
			continue;
		ret = secagree_out_field(o, m, list[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < m->n_params; i++) {
		ret = secagree_out_param(o, &m->params[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int secagree_out_finish(struct secagree_out *o, int ret)
{
	if (ret == 0 && o->full)
		ret = -ENOSPC;
	if (ret && o->size > 0)
		o->buf[0] = '\0';
	return ret ? ret : (int)o->len;
}

int secagree_format_mech(const struct secagree_mech *mech, char *buf, size_t size)
{
	struct secagree_out o = {.buf = buf, .size = size};

	if (size > 0)
		buf[0] = '\0';
	return secagree_out_finish(&o, secagree_out_mech(&o, mech));
}

int secagree_format_list(const struct secagree_list *list, char *buf, size_t size)
{
	struct secagree_out o = {.buf = buf, .size = size};
	size_t i;
	int ret = 0;

	if (size > 0)
		buf[0] = '\0';
	if (list->n_mechs == 0 || list->n_mechs > SECAGREE_MAX_MECHS)
		return -EINVAL;
	for (i = 0; i < list->n_mechs && ret == 0; i++) {
		if (i > 0)
			secagree_out_str(&o, ", ");
		ret = secagree_out_mech(&o, &list->mechs[i]);
	}
	return secagree_out_finish(&o, ret);
}

void secagree_mech_init(struct secagree_mech *mech, enum secagree_mech_type type)
{
	memset(mech, 0, sizeof(*mech));
	mech->type = type;
	if (type == SECAGREE_MECH_IPSEC_3GPP || type == SECAGREE_MECH_IPSEC_MAN)
		strcpy(mech->name, secagree_mech_names[type]);
}

/* ---- comparison and choice ---- */

static bool secagree_param_equal(const struct secagree_param *a, const struct secagree_param *b)
{
	if (strcasecmp(a->name, b->name) != 0 || a->has_value != b->has_value)
		return false;
	if (!a->has_value)
		return true;
	if (a->quoted != b->quoted)
		return false;
	/* RFC 3261 §7.3.1: tokens compare case-insensitively, quoted-strings exactly. */
	return a->quoted ? strcmp(a->value, b->value) == 0 : strcasecmp(a->value, b->value) == 0;
}

/* The kept parameters as a multiset: every one of @a pairs with its own one of @b. */
static bool secagree_params_equal(const struct secagree_mech *a, const struct secagree_mech *b)
{
	bool used[SECAGREE_MAX_PARAMS] = {false};
	size_t i, j;

	if (a->n_params != b->n_params || a->n_params > SECAGREE_MAX_PARAMS)
		return false;
	for (i = 0; i < a->n_params; i++) {
		for (j = 0; j < b->n_params; j++) {
			if (!used[j] && secagree_param_equal(&a->params[i], &b->params[j]))
				break;
		}
		if (j == b->n_params)
			return false;
		used[j] = true;
	}
	return true;
}

bool secagree_mech_equal(const struct secagree_mech *a, const struct secagree_mech *b)
{
	int f;

	if (a->type != b->type || a->present != b->present)
		return false;
	if (a->type == SECAGREE_MECH_OTHER && strcasecmp(a->name, b->name) != 0)
		return false;
	for (f = 0; f < SECAGREE_F_COUNT; f++) {
		const struct field_desc *d = &secagree_fields[f];

		if (!(a->present & SECAGREE_HAS(f)))
			continue;
		if (d->kind == KIND_TOKEN) {
			if (strcasecmp((const char *)a + d->offset, (const char *)b + d->offset))
				return false;
		} else if (secagree_field_number(a, f) != secagree_field_number(b, f)) {
			return false;
		}
	}
	return secagree_params_equal(a, b);
}

bool secagree_verify_matches(const struct secagree_list *verify,
			     const struct secagree_list *server)
{
	size_t i;

	if (verify->n_mechs != server->n_mechs || verify->n_mechs > SECAGREE_MAX_MECHS)
		return false;
	for (i = 0; i < verify->n_mechs; i++)
		if (!secagree_mech_equal(&verify->mechs[i], &server->mechs[i]))
			return false;
	return true;
}

enum secagree_alg secagree_alg_lookup(const char *name)
{
	static const struct {
		const char *name;
		enum secagree_alg alg;
	} algs[] = {
		{"hmac-sha-1-96", SECAGREE_ALG_HMAC_SHA1_96},
		{"hmac-md5-96", SECAGREE_ALG_HMAC_MD5_96},
		{"aes-gmac", SECAGREE_ALG_AES_GMAC},
		{"null", SECAGREE_ALG_NULL},
		{"hmac-sha1", SECAGREE_ALG_HMAC_SHA1_96}, /* ipsec-man spelling */
		{"hmac-md5", SECAGREE_ALG_HMAC_MD5_96},	  /* ipsec-man spelling */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++)
		if (strcasecmp(name, algs[i].name) == 0)
			return algs[i].alg;
	return SECAGREE_ALG_UNKNOWN;
}

enum secagree_ealg secagree_ealg_lookup(const char *name)
{
	static const struct {
		const char *name;
		enum secagree_ealg ealg;
	} ealgs[] = {
		{"null", SECAGREE_EALG_NULL},
		{"aes-cbc", SECAGREE_EALG_AES_CBC},
		{"des-ede3-cbc", SECAGREE_EALG_DES_EDE3_CBC},
		{"aes-gcm", SECAGREE_EALG_AES_GCM},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ealgs); i++)
		if (strcasecmp(name, ealgs[i].name) == 0)
			return ealgs[i].ealg;
	return SECAGREE_EALG_UNKNOWN;
}

enum secagree_ealg secagree_mech_ealg(const struct secagree_mech *mech)
{
	if (!(mech->present & SECAGREE_HAS(SECAGREE_F_EALG)))
		return SECAGREE_EALG_NULL;
	return secagree_ealg_lookup(mech->ealg);
}

enum secagree_mode secagree_mech_mode(const struct secagree_mech *mech)
{
	if (!(mech->present & SECAGREE_HAS(SECAGREE_F_MOD)) || strcasecmp(mech->mod, "trans") == 0)
		return SECAGREE_MODE_TRANS;
	if (strcasecmp(mech->mod, "UDP-enc-tun") == 0)
		return SECAGREE_MODE_UDP_ENC_TUN;
	return SECAGREE_MODE_UNKNOWN;
}

const char *secagree_field_name(enum secagree_field field)
{
	if ((unsigned int)field >= SECAGREE_F_COUNT)
		return "?";
	return secagree_fields[field].name;
}

static bool secagree_usable(const struct secagree_mech *m, const struct secagree_policy *pol)
{
	uint32_t need;

	if (m->type == SECAGREE_MECH_IPSEC_3GPP)
		need = SECAGREE_HAS(SECAGREE_F_SPI_C) | SECAGREE_HAS(SECAGREE_F_SPI_S) |
		       SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S);
	else if (m->type == SECAGREE_MECH_IPSEC_MAN)
		need = SECAGREE_HAS(SECAGREE_F_SPI_U_UDP) | SECAGREE_HAS(SECAGREE_F_SPI_U_TCP) |
		       SECAGREE_HAS(SECAGREE_F_PORT_U_UDP) | SECAGREE_HAS(SECAGREE_F_PORT_U_TCP);
	else
		return false;
	need |= SECAGREE_HAS(SECAGREE_F_ALG);
	if ((m->present & need) != need || !(pol->mechs & (1u << m->type)))
		return false;
	if (!(pol->algs & (1u << secagree_alg_lookup(m->alg))) ||
	    !(pol->ealgs & (1u << secagree_mech_ealg(m))) ||
	    !(pol->modes & (1u << secagree_mech_mode(m))))
		return false;
	return !(m->present & SECAGREE_HAS(SECAGREE_F_PROT)) || strcasecmp(m->prot, "esp") == 0;
}

int secagree_choose(const struct secagree_list *client, const struct secagree_policy *policy)
{
	int best = -ENOENT;
	unsigned int best_q = 0;
	size_t i;

	for (i = 0; i < client->n_mechs && i < SECAGREE_MAX_MECHS; i++) {
		const struct secagree_mech *m = &client->mechs[i];
		unsigned int q = (m->present & SECAGREE_HAS(SECAGREE_F_Q)) ? m->q : 1000;

		if (!secagree_usable(m, policy))
			continue;
		if (best < 0 || q > best_q) {
			best = (int)i;
			best_q = q;
		}
	}
	return best;
}
