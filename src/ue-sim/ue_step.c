/* ue_step.c — the step language (see ue_step.h). */
#include "ue-sim/ue_step.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_transport.h"
#include "ue-sim/ue_forge.h"

#define UE_STEP_MAX_TOKENS 24

/* Options, as bits of what each step accepts. */
enum ue_step_opt {
	OPT_EXPECT = 1u << 0,
	OPT_PREFIX = 1u << 1,
	OPT_MECH = 1u << 2,
	OPT_ALG = 1u << 3,
	OPT_EALG = 1u << 4,
	OPT_TRANSPORT = 1u << 5,
	OPT_EXPIRES = 1u << 6,
	OPT_BODY = 1u << 7,
	OPT_TIMEOUT = 1u << 8,
	OPT_METHOD = 1u << 9,
	OPT_URI = 1u << 10,
	OPT_SPORT = 1u << 11,
	OPT_COUNT = 1u << 12,
};

/* Keywords, their positional arguments and accepted options. */
static const struct {
	const char *name;
	enum ue_step_kind kind;
	unsigned min_args, max_args;
	unsigned opts;
} ue_step_table[] = {
	{"register", UE_STEP_REGISTER, 0, 0,
	 OPT_EXPECT | OPT_PREFIX | OPT_MECH | OPT_ALG | OPT_EALG | OPT_TRANSPORT | OPT_EXPIRES},
	{"reregister", UE_STEP_REREGISTER, 0, 0, OPT_EXPECT | OPT_EXPIRES},
	{"deregister", UE_STEP_DEREGISTER, 0, 0, OPT_EXPECT},
	{"temp-address", UE_STEP_TEMP_ADDRESS, 0, 0, 0},
	{"send", UE_STEP_SEND, 2, 2, OPT_EXPECT | OPT_BODY | OPT_TIMEOUT},
	{"call", UE_STEP_CALL, 1, 1, OPT_EXPECT | OPT_TIMEOUT},
	{"reinvite", UE_STEP_REINVITE, 0, 0, OPT_EXPECT | OPT_TIMEOUT},
	{"hangup", UE_STEP_HANGUP, 0, 0, OPT_EXPECT | OPT_TIMEOUT},
	{"tamper-verify", UE_STEP_TAMPER_VERIFY, 0, 0,
	 OPT_EXPECT | OPT_METHOD | OPT_URI | OPT_TIMEOUT},
	{"sleep", UE_STEP_SLEEP, 1, 1, 0},
	{"expect", UE_STEP_EXPECT, 1, 2, OPT_TIMEOUT},
	{"quit", UE_STEP_QUIT, 0, 0, 0},
	{"plaintext", UE_STEP_PLAINTEXT, 0, 0,
	 OPT_EXPECT | OPT_METHOD | OPT_URI | OPT_BODY | OPT_SPORT | OPT_TIMEOUT},
	{"capture-esp", UE_STEP_CAPTURE_ESP, 0, 0, 0},
	{"replay-esp", UE_STEP_REPLAY_ESP, 0, 0, OPT_COUNT},
	{"forge-via", UE_STEP_FORGE_VIA, 1, 1, 0},
	{"forge-route", UE_STEP_FORGE_ROUTE, 1, 1, 0},
};

#define UE_STEP_TABLE_N (sizeof(ue_step_table) / sizeof(ue_step_table[0]))

__attribute__((format(printf, 3, 4))) static int ue_step_why(char *why, size_t why_size,
							     const char *fmt, ...)
{
	va_list ap;

	if (why && why_size) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Split @buf in place into tokens: white space separates, '#' outside quotes ends the line,
 * double quotes group (and are removed), a backslash inside quotes escapes the next byte.
 * Returns the number of tokens or -EINVAL.
 */
static int ue_step_tokens(char *buf, char **tok, size_t max)
{
	char *r = buf, *w = buf;
	size_t n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (*r == '\0' || *r == '#')
			return (int)n;
		if (n == max)
			return -EINVAL;
		tok[n++] = w;
		bool quoted = false;

		while (*r && (quoted ||
			      (*r != ' ' && *r != '\t' && *r != '\r' && *r != '\n' && *r != '#'))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
				continue;
			}
			if (quoted && *r == '\\' && r[1])
				r++;
			*w++ = *r++;
		}
		if (quoted)
			return -EINVAL;
		char stop = *r; /* w may equal r: read it before the terminator is written */

		*w++ = '\0';
		if (stop == '\0' || stop == '#')
			return (int)n;
		r++;
		/* w is at or before r, so the next token can still be written in place */
	}
}

/* Seconds with up to three decimals, into milliseconds. */
static int ue_step_seconds(const char *text, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned digits = 0;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) && whole < 10000000)
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && digits < 3; digits++)
			frac = frac * 10 + (uint64_t)(*p++ - '0');
		if (digits == 0)
			return -EINVAL;
	}
	if (*p != '\0')
		return -EINVAL;
	while (digits++ < 3)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return 0;
}

static int ue_step_uint(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (*end || errno || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int ue_step_expect_value(const char *v, struct ue_step *s)
{
	unsigned code;

	if (strcmp(v, "timeout") == 0) {
		s->expect = UE_EXPECT_TIMEOUT;
		return 0;
	}
	if (strlen(v) == 3 && v[0] >= '1' && v[0] <= '6' && strcmp(v + 1, "xx") == 0) {
		s->expect = UE_EXPECT_CLASS;
		s->expect_code = v[0] - '0';
		return 0;
	}
	if (ue_step_uint(v, 699, &code) || code < 100)
		return -EINVAL;
	s->expect = UE_EXPECT_STATUS;
	s->expect_code = (int)code;
	return 0;
}

static int ue_step_mech(const char *v, struct ue_step *s)
{
	if (strcmp(v, "ipsec-3gpp") == 0)
		s->mech = UE_MECH_IPSEC_3GPP;
	else if (strcmp(v, "ipsec-man") == 0)
		s->mech = UE_MECH_IPSEC_MAN;
	else if (strcmp(v, "none") == 0)
		s->mech = UE_MECH_NONE;
	else
		return -EINVAL;
	return 0;
}

static int ue_step_copy(char *dst, size_t size, const char *v)
{
	return snprintf(dst, size, "%s", v) >= (int)size ? -EINVAL : 0;
}

/* Apply one name=value option; returns -EINVAL for a bad value, -ENOENT for a bad name. */
static int ue_step_option(struct ue_step *s, unsigned allowed, const char *name, const char *v)
{
	unsigned n;

	if (strcmp(name, "expect") == 0 && (allowed & OPT_EXPECT))
		return ue_step_expect_value(v, s);
	if (strcmp(name, "prefix") == 0 && (allowed & OPT_PREFIX))
		return ue_step_uint(v, 128, &s->prefix) || s->prefix == 0 ? -EINVAL : 0;
	if (strcmp(name, "mech") == 0 && (allowed & OPT_MECH))
		return ue_step_mech(v, s);
	if (strcmp(name, "alg") == 0 && (allowed & OPT_ALG))
		return ue_secagree_parse_algs(v, s->algs, &s->n_algs);
	if (strcmp(name, "ealg") == 0 && (allowed & OPT_EALG))
		return ue_secagree_parse_ealgs(v, s->ealgs, &s->n_ealgs);
	if (strcmp(name, "transport") == 0 && (allowed & OPT_TRANSPORT)) {
		s->transport = !strcmp(v, "udp")   ? SIP_PROTO_UDP
			       : !strcmp(v, "tcp") ? SIP_PROTO_TCP
						   : 0;
		return s->transport ? 0 : -EINVAL;
	}
	if (strcmp(name, "expires") == 0 && (allowed & OPT_EXPIRES)) {
		if (ue_step_uint(v, 1u << 30, &n))
			return -EINVAL;
		s->expires = (int)n;
		return 0;
	}
	if (strcmp(name, "body") == 0 && (allowed & OPT_BODY)) {
		s->has_body = true;
		return ue_step_copy(s->body, sizeof(s->body), v);
	}
	if (strcmp(name, "timeout") == 0 && (allowed & OPT_TIMEOUT))
		return ue_step_seconds(v, &s->ms);
	if (strcmp(name, "method") == 0 && (allowed & OPT_METHOD))
		return ue_step_copy(s->method, sizeof(s->method), v);
	if (strcmp(name, "uri") == 0 && (allowed & OPT_URI))
		return ue_step_copy(s->uri, sizeof(s->uri), v);
	if (strcmp(name, "sport") == 0 && (allowed & OPT_SPORT))
		return ue_step_uint(v, 65535, &s->sport) || s->sport == 0 ? -EINVAL : 0;
	if (strcmp(name, "count") == 0 && (allowed & OPT_COUNT))
		return ue_step_uint(v, 100, &s->count) || s->count == 0 ? -EINVAL : 0;
	return -ENOENT;
}

/* The positional arguments of steps that have them. */
static int ue_step_args(struct ue_step *s, char **args, unsigned n, char *why, size_t why_size)
{
	switch (s->kind) {
	case UE_STEP_SEND:
		if (strcmp(args[0], "MESSAGE") != 0 && strcmp(args[0], "OPTIONS") != 0)
			return ue_step_why(why, why_size, "send: MESSAGE or OPTIONS, not %.32s",
					   args[0]);
		if (ue_step_copy(s->method, sizeof(s->method), args[0]) ||
		    ue_step_copy(s->uri, sizeof(s->uri), args[1]))
			return ue_step_why(why, why_size, "send: URI too long");
		return 0;
	case UE_STEP_CALL:
		return ue_step_copy(s->uri, sizeof(s->uri), args[0])
			       ? ue_step_why(why, why_size, "call: URI too long")
			       : 0;
	case UE_STEP_SLEEP:
		return ue_step_seconds(args[0], &s->ms)
			       ? ue_step_why(why, why_size, "sleep: seconds expected")
			       : 0;
	case UE_STEP_FORGE_VIA:
		return ue_forge_via_parse(args[0], &s->forge)
			       ? ue_step_why(why, why_size,
					     "forge-via: off, branch, host, port, extra-top, "
					     "extra-below or drop-below")
			       : 0;
	case UE_STEP_FORGE_ROUTE:
		return ue_forge_route_parse(args[0], &s->forge)
			       ? ue_step_why(why, why_size,
					     "forge-route: off, alter, drop, replay or "
					     "wrapped-key")
			       : 0;
	default:
		break;
	}
	/* expect */
	if (strcmp(args[0], "in") == 0 && n == 2) {
		s->check = UE_CHECK_IN;
		return ue_step_copy(s->method, sizeof(s->method), args[1]);
	}
	if (strcmp(args[0], "sas") == 0 && n == 2) {
		s->check = UE_CHECK_SAS;
		return ue_step_uint(args[1], 1000000, &s->count)
			       ? ue_step_why(why, why_size, "expect sas: a number expected")
			       : 0;
	}
	if (strcmp(args[0], "registered") == 0 && n == 1)
		s->check = UE_CHECK_REGISTERED;
	else if (strcmp(args[0], "unregistered") == 0 && n == 1)
		s->check = UE_CHECK_UNREGISTERED;
	else
		return ue_step_why(why, why_size,
				   "expect: in METHOD, registered, unregistered or sas N");
	return 0;
}

static int ue_step_keyword(const char *word)
{
	size_t i;

	for (i = 0; i < UE_STEP_TABLE_N; i++)
		if (strcmp(word, ue_step_table[i].name) == 0)
			return (int)i;
	return -1;
}

/* Parse the tokens after the keyword at index @k of the table. */
static int ue_step_rest(struct ue_step *s, int k, char **tok, int n, char *why, size_t why_size)
{
	char *args[4];
	unsigned nargs = 0;
	int i, ret;

	for (i = 0; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (!eq) {
			if (nargs == ue_step_table[k].max_args)
				return ue_step_why(why, why_size, "%s: unexpected argument '%.40s'",
						   ue_step_table[k].name, tok[i]);
			args[nargs++] = tok[i];
			continue;
		}
		*eq = '\0';
		ret = ue_step_option(s, ue_step_table[k].opts, tok[i], eq + 1);
		if (ret)
			return ue_step_why(why, why_size, "%s: %s option '%.32s'",
					   ue_step_table[k].name,
					   ret == -ENOENT ? "unknown" : "bad value of", tok[i]);
	}
	if (nargs < ue_step_table[k].min_args)
		return ue_step_why(why, why_size, "%s: missing argument", ue_step_table[k].name);
	return nargs ? ue_step_args(s, args, nargs, why, why_size) : 0;
}

int ue_step_parse(const char *line, struct ue_step *step, char *why, size_t why_size)
{
	char buf[UE_STEP_LINE_MAX + 1], *tok[UE_STEP_MAX_TOKENS];
	int n, k, first = 0;

	memset(step, 0, sizeof(*step));
	step->expires = -1;
	if (strlen(line) > UE_STEP_LINE_MAX)
		return ue_step_why(why, why_size, "line longer than %d characters",
				   UE_STEP_LINE_MAX);
	strcpy(buf, line);
	n = ue_step_tokens(buf, tok, UE_STEP_MAX_TOKENS);
	if (n < 0)
		return ue_step_why(why, why_size, "unterminated quote or too many words");
	if (n == 0)
		return 1;
	k = ue_step_keyword(tok[0]);
	if (k < 0 && n > 1) {
		if (ue_step_copy(step->ue, sizeof(step->ue), tok[0]))
			return ue_step_why(why, why_size, "UE name too long");
		first = 1;
		k = ue_step_keyword(tok[1]);
	}
	if (k < 0)
		return ue_step_why(why, why_size, "unknown step '%.40s'", tok[first]);
	step->kind = ue_step_table[k].kind;
	return ue_step_rest(step, k, tok + first + 1, n - first - 1, why, why_size);
}

const char *ue_step_name(enum ue_step_kind kind)
{
	size_t i;

	for (i = 0; i < UE_STEP_TABLE_N; i++)
		if (ue_step_table[i].kind == kind)
			return ue_step_table[i].name;
	return "?";
}

bool ue_step_expect_met(const struct ue_step *step, int status)
{
	switch (step->expect) {
	case UE_EXPECT_STATUS:
		return status == step->expect_code;
	case UE_EXPECT_CLASS:
		return status / 100 == step->expect_code;
	case UE_EXPECT_TIMEOUT:
		return status == 0;
	default:
		return true;
	}
}

const char *ue_step_expect_text(const struct ue_step *step, char *buf, size_t size)
{
	switch (step->expect) {
	case UE_EXPECT_STATUS:
		snprintf(buf, size, "%d", step->expect_code);
		break;
	case UE_EXPECT_CLASS:
		snprintf(buf, size, "%dxx", step->expect_code);
		break;
	case UE_EXPECT_TIMEOUT:
		snprintf(buf, size, "timeout");
		break;
	default:
		snprintf(buf, size, "anything");
		break;
	}
	return buf;
}
