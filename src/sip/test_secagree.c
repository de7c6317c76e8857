/*
 * test_secagree.c — Security-Client/-Server/-Verify parsing, formatting, comparison.
 *
 * Expected values are written out by hand from the header texts (RFC 3329 §2.2, TS 33.203
 * Annex H and the ipsec-man test vector), never taken from the code under test. Every input
 * is copied into a heap buffer of exactly its length, without a NUL, so that ASan catches a
 * read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/secagree.h"

static const char ipsec_man_vector[] =
	"ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=12345678; SPI_U_TCP=23456789; "
	"Port_U_UDP=1357; Port_U_TCP=1358; addr-pref-length=64";

/* Two offers of a UE, as sent in a first REGISTER. */
static const char ue_offer[] =
	"ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=3929102;"
	"spi-s=3929103;port-c=32416;port-s=32417;q=0.5;addr-pref-length=64, "
	"ipsec-3gpp;alg=hmac-md5-96;ealg=null;prot=esp;mod=trans;spi-c=3929102;"
	"spi-s=3929103;port-c=32416;port-s=32417;q=0.1;addr-pref-length=64";

static int parse_n(const char *s, size_t n, struct secagree_list *list,
		   struct secagree_error *err)
{
	char *copy = malloc(n ? n : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, s, n);
	ret = secagree_parse(copy, n, list, err);
	free(copy);
	return ret;
}

static int parse(const char *s, struct secagree_list *list, struct secagree_error *err)
{
	return parse_n(s, strlen(s), list, err);
}

static void expect_error(const char *s, int ret, enum secagree_err code, const char *reason)
{
	struct secagree_list list;
	struct secagree_error err;

	assert_int_equal(parse(s, &list, &err), ret);
	assert_int_equal(err.code, code);
	if (reason)
		assert_string_equal(err.reason, reason);
	assert_int_equal(list.n_mechs, 0);
}

static void test_secagree_ipsec_man_vector(void **state)
{
	struct secagree_list list;
	struct secagree_error err;
	const struct secagree_mech *m = &list.mechs[0];

	assert_int_equal(parse(ipsec_man_vector, &list, &err), 0);
	assert_int_equal(err.code, SECAGREE_OK);
	assert_int_equal(list.n_mechs, 1);
	assert_int_equal(m->type, SECAGREE_MECH_IPSEC_MAN);
	assert_string_equal(m->name, "ipsec-man");
	assert_string_equal(m->alg, "HMAC-SHA1");
	assert_int_equal(secagree_alg_lookup(m->alg), SECAGREE_ALG_HMAC_SHA1_96);
	assert_int_equal(m->spi_u_udp, 12345678);
	assert_int_equal(m->spi_u_tcp, 23456789);
	assert_int_equal(m->port_u_udp, 1357);
	assert_int_equal(m->port_u_tcp, 1358);
	assert_int_equal(m->addr_pref_len, 64);
	assert_int_equal(m->present,
			 SECAGREE_HAS(SECAGREE_F_ALG) | SECAGREE_HAS(SECAGREE_F_SPI_U_UDP) |
				 SECAGREE_HAS(SECAGREE_F_SPI_U_TCP) |
				 SECAGREE_HAS(SECAGREE_F_PORT_U_UDP) |
				 SECAGREE_HAS(SECAGREE_F_PORT_U_TCP) |
				 SECAGREE_HAS(SECAGREE_F_ADDR_PREF_LEN));
	assert_int_equal(m->n_params, 0);
	assert_int_equal(secagree_mech_ealg(m), SECAGREE_EALG_NULL);
}

static void test_secagree_ipsec_man_vector_formats_compact(void **state)
{
	struct secagree_list list;
	char buf[256];

	assert_int_equal(parse(ipsec_man_vector, &list, NULL), 0);
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), 113);
	assert_string_equal(buf, "ipsec-man;alg=HMAC-SHA1;SPI_U_UDP=12345678;SPI_U_TCP=23456789;"
				 "Port_U_UDP=1357;Port_U_TCP=1358;addr-pref-length=64");
}

static void test_secagree_ipsec_man_server_side_fields(void **state)
{
	struct secagree_list list;
	const struct secagree_mech *m = &list.mechs[0];

	assert_int_equal(parse("ipsec-man;alg=hmac-md5;ealg=aes-cbc;spi_p_udp=5000;"
			       "SPI_P_TCP=5001;PORT_P_UDP=5062;port_p_tcp=5063",
			       &list, NULL),
			 0);
	assert_int_equal(m->spi_p_udp, 5000);
	assert_int_equal(m->spi_p_tcp, 5001);
	assert_int_equal(m->port_p_udp, 5062);
	assert_int_equal(m->port_p_tcp, 5063);
	assert_string_equal(m->ealg, "aes-cbc");
	assert_int_equal(secagree_alg_lookup(m->alg), SECAGREE_ALG_HMAC_MD5_96);
	assert_int_equal(m->n_params, 0);
}

static void test_secagree_ue_offer_two_entries(void **state)
{
	struct secagree_list list;
	const struct secagree_mech *a = &list.mechs[0], *b = &list.mechs[1];

	assert_int_equal(parse(ue_offer, &list, NULL), 0);
	assert_int_equal(list.n_mechs, 2);
	assert_int_equal(a->type, SECAGREE_MECH_IPSEC_3GPP);
	assert_string_equal(a->alg, "hmac-sha-1-96");
	assert_string_equal(a->ealg, "aes-cbc");
	assert_string_equal(a->prot, "esp");
	assert_string_equal(a->mod, "trans");
	assert_int_equal(a->spi_c, 3929102);
	assert_int_equal(a->spi_s, 3929103);
	assert_int_equal(a->port_c, 32416);
	assert_int_equal(a->port_s, 32417);
	assert_int_equal(a->q, 500);
	assert_int_equal(a->addr_pref_len, 64);
	assert_string_equal(b->alg, "hmac-md5-96");
	assert_string_equal(b->ealg, "null");
	assert_int_equal(b->q, 100);
	assert_int_equal(secagree_mech_ealg(a), SECAGREE_EALG_AES_CBC);
	assert_int_equal(secagree_mech_mode(a), SECAGREE_MODE_TRANS);
}

static void test_secagree_large_spi_and_port_limits(void **state)
{
	struct secagree_list list;

	assert_int_equal(parse("ipsec-3gpp;spi-c=4294967295;spi-s=0;port-c=1;port-s=65535;"
			       "addr-pref-length=128;q=1.000",
			       &list, NULL),
			 0);
	assert_int_equal(list.mechs[0].spi_c, 4294967295u);
	assert_int_equal(list.mechs[0].spi_s, 0);
	assert_int_equal(list.mechs[0].port_c, 1);
	assert_int_equal(list.mechs[0].port_s, 65535);
	assert_int_equal(list.mechs[0].addr_pref_len, 128);
	assert_int_equal(list.mechs[0].q, 1000);
	assert_int_equal(parse("ipsec-3gpp;addr-pref-length=1;q=0", &list, NULL), 0);
	assert_int_equal(list.mechs[0].addr_pref_len, 1);
	assert_int_equal(list.mechs[0].q, 0);
	assert_int_equal(parse("ipsec-3gpp;q=0.", &list, NULL), 0);
	assert_int_equal(parse("ipsec-3gpp;q=0.125", &list, NULL), 0);
	assert_int_equal(list.mechs[0].q, 125);
}

static void test_secagree_quoted_values(void **state)
{
	struct secagree_list list;
	const struct secagree_mech *m = &list.mechs[0];

	assert_int_equal(parse("ipsec-3gpp;spi-c=\"1234\";alg=\"hmac-sha-1-96\";"
			       "x-note=\"a, b; c=d \\\"e\\\"\";x-empty=\"\", tls",
			       &list, NULL),
			 0);
	assert_int_equal(list.n_mechs, 2);
	assert_int_equal(m->spi_c, 1234);
	assert_string_equal(m->alg, "hmac-sha-1-96");
	assert_int_equal(m->n_params, 2);
	assert_string_equal(m->params[0].name, "x-note");
	assert_true(m->params[0].quoted);
	assert_string_equal(m->params[0].value, "a, b; c=d \\\"e\\\"");
	assert_true(m->params[1].has_value);
	assert_string_equal(m->params[1].value, "");
	assert_string_equal(list.mechs[1].name, "tls");
}

static void test_secagree_whitespace_variants(void **state)
{
	static const char *const variants[] = {
		"ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;port-c=2,digest;d-alg=md5",
		"  ipsec-3gpp ; alg = hmac-sha-1-96 ;spi-c= 1;port-c =2 , digest ;d-alg=md5  ",
		"\tipsec-3gpp\t;\talg\t=\thmac-sha-1-96;spi-c=1;port-c=2\t,\tdigest;d-alg=md5\t",
		"ipsec-3gpp;alg=hmac-sha-1-96;\r\n spi-c=1;port-c=2,\r\n\tdigest;d-alg=md5",
		"IPSEC-3GPP;ALG=HMAC-SHA-1-96;SPI-C=01;Port-C=0002,DIGEST;D-ALG=MD5",
	};
	struct secagree_list ref, list;
	size_t i;

	assert_int_equal(parse(variants[0], &ref, NULL), 0);
	for (i = 1; i < sizeof(variants) / sizeof(variants[0]); i++) {
		assert_int_equal(parse(variants[i], &list, NULL), 0);
		assert_int_equal(list.n_mechs, 2);
		assert_int_equal(list.mechs[0].spi_c, 1);
		assert_int_equal(list.mechs[0].port_c, 2);
		assert_true(secagree_verify_matches(&list, &ref));
	}
}

static void test_secagree_other_mechanisms_kept_opaque(void **state)
{
	static const char in[] =
		"digest;d-alg=md5;d-qop=auth-int;d-ver=\"0123456789abcdef0123456789abcdef\", "
		"tls;q=0.2, ipsec-ike;flag;x=[2001:db8::1]";
	struct secagree_list list;
	char buf[256];

	assert_int_equal(parse(in, &list, NULL), 0);
	assert_int_equal(list.n_mechs, 3);
	assert_int_equal(list.mechs[0].type, SECAGREE_MECH_OTHER);
	assert_int_equal(list.mechs[0].n_params, 3);
	assert_string_equal(list.mechs[0].params[2].name, "d-ver");
	assert_string_equal(list.mechs[0].params[2].value, "0123456789abcdef0123456789abcdef");
	assert_int_equal(list.mechs[1].present, 0);
	assert_string_equal(list.mechs[1].params[0].value, "0.2");
	assert_false(list.mechs[2].params[0].has_value);
	assert_string_equal(list.mechs[2].params[1].value, "[2001:db8::1]");
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), (int)strlen(in));
	assert_string_equal(buf, "digest;d-alg=md5;d-qop=auth-int;"
				 "d-ver=\"0123456789abcdef0123456789abcdef\", tls;q=0.2, "
				 "ipsec-ike;flag;x=[2001:db8::1]");
}

static void test_secagree_unknown_params_kept_in_order(void **state)
{
	struct secagree_list list;
	const struct secagree_mech *m = &list.mechs[0];

	assert_int_equal(parse("ipsec-3gpp;zz=1;alg=null;SPI_U_UDP=5;zz=2;bare", &list, NULL), 0);
	assert_int_equal(m->n_params, 4);
	assert_string_equal(m->params[0].name, "zz");
	assert_string_equal(m->params[0].value, "1");
	assert_string_equal(m->params[1].name, "SPI_U_UDP"); /* not an ipsec-3gpp parameter */
	assert_string_equal(m->params[2].value, "2");
	assert_string_equal(m->params[3].name, "bare");
	assert_false(m->params[3].has_value);
}

static void test_secagree_error_missing_value(void **state)
{
	expect_error("ipsec-3gpp;spi-c", -EINVAL, SECAGREE_ERR_MISSING_VALUE,
		     "spi-c: missing value");
	expect_error("ipsec-3gpp;alg=", -EINVAL, SECAGREE_ERR_MISSING_VALUE,
		     "missing parameter value after '='");
	expect_error("ipsec-3gpp;port-s=\"\"", -EINVAL, SECAGREE_ERR_MISSING_VALUE,
		     "port-s: missing value");
	expect_error("ipsec-man;SPI_U_TCP;", -EINVAL, SECAGREE_ERR_MISSING_VALUE, NULL);
	expect_error("ipsec-man;SPI_U_TCP", -EINVAL, SECAGREE_ERR_MISSING_VALUE,
		     "SPI_U_TCP: missing value");
}

static void test_secagree_error_bad_number(void **state)
{
	expect_error("ipsec-3gpp;spi-c=12a", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "spi-c: not a 32-bit number");
	expect_error("ipsec-3gpp;spi-s=-1", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "spi-s: not a 32-bit number");
	expect_error("ipsec-3gpp;spi-c=0x10", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "spi-c: not a 32-bit number");
	expect_error("ipsec-3gpp;port-c=[::1]", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "port-c: not a port number (1..65535)");
	expect_error("ipsec-3gpp;alg=\"hmac sha\"", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "alg: not a token");
	expect_error("ipsec-3gpp;q=1.5", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "q: not a q-value (0..1, up to 3 decimals)");
	expect_error("ipsec-3gpp;q=0.1234", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
	expect_error("ipsec-3gpp;q=2", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
	expect_error("ipsec-3gpp;q=.5", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
	expect_error("ipsec-3gpp;q=1.001", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
}

static void test_secagree_error_spi_overflow(void **state)
{
	expect_error("ipsec-3gpp;spi-c=4294967296", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "spi-c: not a 32-bit number");
	expect_error("ipsec-3gpp;spi-s=99999999999999999999999", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "spi-s: not a 32-bit number");
	expect_error("ipsec-man;SPI_U_UDP=4294967296", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "SPI_U_UDP: not a 32-bit number");
}

static void test_secagree_error_port_range(void **state)
{
	expect_error("ipsec-3gpp;port-c=0", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "port-c: not a port number (1..65535)");
	expect_error("ipsec-3gpp;port-s=65536", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "port-s: not a port number (1..65535)");
	expect_error("ipsec-man;Port_U_UDP=0", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "Port_U_UDP: not a port number (1..65535)");
	expect_error("ipsec-man;Port_U_TCP=65536", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
}

static void test_secagree_error_addr_pref_length_range(void **state)
{
	expect_error("ipsec-3gpp;addr-pref-length=0", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "addr-pref-length: not a prefix length (1..128)");
	expect_error("ipsec-3gpp;addr-pref-length=129", -EINVAL, SECAGREE_ERR_BAD_VALUE,
		     "addr-pref-length: not a prefix length (1..128)");
	expect_error("ipsec-man;addr-pref-length=256", -EINVAL, SECAGREE_ERR_BAD_VALUE, NULL);
}

static void test_secagree_error_duplicate_known_param(void **state)
{
	expect_error("ipsec-3gpp;spi-c=1;SPI-C=1", -EINVAL, SECAGREE_ERR_DUPLICATE,
		     "spi-c: duplicate parameter");
	expect_error("ipsec-man;alg=HMAC-SHA1;ALG=HMAC-MD5", -EINVAL, SECAGREE_ERR_DUPLICATE,
		     "alg: duplicate parameter");
}

static void test_secagree_error_too_many_mechanisms(void **state)
{
	struct secagree_list list;

	assert_int_equal(parse("tls,tls,tls,tls,tls,tls,tls,tls", &list, NULL), 0);
	assert_int_equal(list.n_mechs, 8);
	expect_error("tls,tls,tls,tls,tls,tls,tls,tls,tls", -E2BIG,
		     SECAGREE_ERR_TOO_MANY_MECHS, "too many security mechanisms (most 8)");
}

static void test_secagree_error_too_many_params(void **state)
{
	struct secagree_list list;

	assert_int_equal(parse("tls;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p", &list, NULL), 0);
	assert_int_equal(list.mechs[0].n_params, 16);
	expect_error("tls;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q", -E2BIG,
		     SECAGREE_ERR_TOO_MANY_PARAMS,
		     "too many parameters in one mechanism (most 16)");
	/* typed parameters count too */
	expect_error("ipsec-3gpp;alg=null;ealg=null;prot=esp;mod=trans;spi-c=1;spi-s=2;port-c=3;"
		     "port-s=4;q=1;addr-pref-length=64;a;b;c;d;e;f;g",
		     -E2BIG, SECAGREE_ERR_TOO_MANY_PARAMS, NULL);
}

static void test_secagree_error_too_long(void **state)
{
	struct secagree_list list;
	char in[256];

	memset(in, 'a', 33);
	in[33] = '\0';
	expect_error(in, -E2BIG, SECAGREE_ERR_TOO_LONG, "mechanism name too long (most 32 bytes)");
	snprintf(in, sizeof(in), "tls;x=%0*d", SECAGREE_VALUE_MAX + 1, 7);
	expect_error(in, -E2BIG, SECAGREE_ERR_TOO_LONG, NULL);
	snprintf(in, sizeof(in), "tls;x=%0*d", SECAGREE_VALUE_MAX, 7);
	assert_int_equal(parse(in, &list, NULL), 0);
	assert_int_equal(strlen(list.mechs[0].params[0].value), SECAGREE_VALUE_MAX);
}

static void test_secagree_error_list_syntax(void **state)
{
	expect_error("tls, ", -EINVAL, SECAGREE_ERR_SYNTAX, "trailing ','");
	expect_error("ipsec-3gpp;spi-c=1,", -EINVAL, SECAGREE_ERR_SYNTAX, "trailing ','");
	expect_error(",tls", -EINVAL, SECAGREE_ERR_SYNTAX, "expected a mechanism name");
	expect_error("tls,,digest", -EINVAL, SECAGREE_ERR_SYNTAX, "expected a mechanism name");
	expect_error("tls;;q=1", -EINVAL, SECAGREE_ERR_SYNTAX, "expected a parameter name");
	expect_error("tls;q=1;", -EINVAL, SECAGREE_ERR_SYNTAX, "expected a parameter name");
	expect_error("tls digest", -EINVAL, SECAGREE_ERR_SYNTAX,
		     "expected ',' or ';' after a mechanism");
	expect_error("tls;x=\"abc", -EINVAL, SECAGREE_ERR_SYNTAX, "unterminated quoted-string");
	expect_error("tls;x=\"a\rb\"", -EINVAL, SECAGREE_ERR_SYNTAX,
		     "bad character in quoted-string");
	expect_error("tls;x=\"ab\\", -EINVAL, SECAGREE_ERR_SYNTAX, NULL);
	expect_error("tls;x=\"a\\\rb\"", -EINVAL, SECAGREE_ERR_SYNTAX,
		     "bad character in quoted-string");
	expect_error("tls;x=\"a\\\x80\"", -EINVAL, SECAGREE_ERR_SYNTAX, NULL);
	expect_error("tls;x=\"a\x01\"", -EINVAL, SECAGREE_ERR_SYNTAX, NULL);
	expect_error("tls;x=a=b", -EINVAL, SECAGREE_ERR_SYNTAX, NULL);
	expect_error("tls\r\ndigest", -EINVAL, SECAGREE_ERR_SYNTAX, NULL);
	expect_error("tls;x=[zz]", -EINVAL, SECAGREE_ERR_SYNTAX, "bad parameter value");
	expect_error("tls;x=;y", -EINVAL, SECAGREE_ERR_MISSING_VALUE,
		     "missing parameter value after '='");
}

static void test_secagree_error_empty_input(void **state)
{
	struct secagree_list list;
	struct secagree_error err;

	assert_int_equal(parse_n("", 0, &list, &err), -EINVAL);
	assert_int_equal(err.code, SECAGREE_ERR_EMPTY);
	assert_string_equal(err.reason, "no security mechanism");
	assert_int_equal(secagree_parse(NULL, 0, &list, &err), -EINVAL);
	assert_int_equal(err.code, SECAGREE_ERR_EMPTY);
	expect_error(" \t ", -EINVAL, SECAGREE_ERR_EMPTY, "no security mechanism");
}

static void test_secagree_error_embedded_nul(void **state)
{
	static const char in[] = "tls\0, digest";
	struct secagree_list list;
	struct secagree_error err;

	assert_int_equal(parse_n(in, sizeof(in) - 1, &list, &err), -EINVAL);
	assert_int_equal(err.code, SECAGREE_ERR_NUL);
	assert_int_equal(err.offset, 3);
	assert_string_equal(err.reason, "embedded NUL byte");
	assert_int_equal(parse_n("tls;x=\"a\0\"", 10, &list, &err), -EINVAL);
	assert_int_equal(err.code, SECAGREE_ERR_NUL);
}

static void test_secagree_error_offset_points_at_parameter(void **state)
{
	struct secagree_list list;
	struct secagree_error err;

	assert_int_equal(parse("ipsec-3gpp; spi-c=1; port-c=0", &list, &err), -EINVAL);
	assert_int_equal(err.offset, 21);
}

static void test_secagree_reads_only_len_bytes(void **state)
{
	static const char in[] = "ipsec-3gpp;spi-c=12345;port-c=9";
	struct secagree_list list;

	/* cut inside the number: what lies beyond len must not be seen */
	assert_int_equal(parse_n(in, 19, &list, NULL), 0);
	assert_int_equal(list.mechs[0].spi_c, 12);
	assert_int_equal(parse_n("tls;x=\"ab\"", 9, &list, NULL), -EINVAL);
	assert_int_equal(parse_n("tls;a\r\n x", 6, &list, NULL), -EINVAL);
	assert_int_equal(parse_n("tls\r\n", 5, &list, NULL), -EINVAL);
	assert_int_equal(parse_n("tls;x=[::1", 10, &list, NULL), -EINVAL);
}

static void test_secagree_append_keeps_list_on_error(void **state)
{
	struct secagree_list list;
	struct secagree_error err;

	assert_int_equal(parse("tls", &list, NULL), 0);
	assert_int_equal(secagree_parse_append("digest, ipsec-3gpp;spi-c=1", 26, &list, NULL), 0);
	assert_int_equal(list.n_mechs, 3);
	assert_int_equal(secagree_parse_append("digest, ipsec-3gpp;port-c=0", 27, &list, &err),
			 -EINVAL);
	assert_int_equal(list.n_mechs, 3);
	assert_int_equal(list.mechs[2].spi_c, 1);
}

static void test_secagree_format_ipsec_3gpp_from_struct(void **state)
{
	struct secagree_list list;
	struct secagree_mech *m = &list.mechs[0];
	char buf[256];

	list.n_mechs = 1;
	secagree_mech_init(m, SECAGREE_MECH_IPSEC_3GPP);
	strcpy(m->alg, "hmac-sha-1-96");
	strcpy(m->ealg, "aes-cbc");
	strcpy(m->prot, "esp");
	strcpy(m->mod, "trans");
	m->spi_c = 1000;
	m->spi_s = 1001;
	m->port_c = 5100;
	m->port_s = 5101;
	m->present = SECAGREE_HAS(SECAGREE_F_ALG) | SECAGREE_HAS(SECAGREE_F_EALG) |
		     SECAGREE_HAS(SECAGREE_F_PROT) | SECAGREE_HAS(SECAGREE_F_MOD) |
		     SECAGREE_HAS(SECAGREE_F_SPI_C) | SECAGREE_HAS(SECAGREE_F_SPI_S) |
		     SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S);
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), 106);
	assert_string_equal(buf, "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;"
				 "spi-c=1000;spi-s=1001;port-c=5100;port-s=5101");
	m->q = 50;
	m->addr_pref_len = 64;
	m->present |= SECAGREE_HAS(SECAGREE_F_Q) | SECAGREE_HAS(SECAGREE_F_ADDR_PREF_LEN);
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), 106 + 27);
	assert_string_equal(buf, "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;"
				 "spi-c=1000;spi-s=1001;port-c=5100;port-s=5101;"
				 "addr-pref-length=64;q=0.05");
}

static void test_secagree_format_q_values(void **state)
{
	static const struct {
		uint16_t q;
		const char *text;
	} cases[] = {{0, "tls;q=0"}, {1000, "tls;q=1"}, {500, "tls;q=0.5"},
		     {120, "tls;q=0.12"}, {7, "tls;q=0.007"}};
	struct secagree_mech m;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		secagree_mech_init(&m, SECAGREE_MECH_IPSEC_3GPP);
		m.q = cases[i].q;
		m.present = SECAGREE_HAS(SECAGREE_F_Q);
		assert_int_equal(secagree_format_mech(&m, buf, sizeof(buf)),
				 (int)strlen(cases[i].text) + 7);
		assert_string_equal(buf + 10, cases[i].text + 3);
	}
}

static void test_secagree_format_enospc(void **state)
{
	struct secagree_list list;
	char buf[128];
	size_t size;
	int n;

	assert_int_equal(parse(ipsec_man_vector, &list, NULL), 0);
	n = secagree_format_list(&list, buf, sizeof(buf));
	assert_int_equal(n, 113);
	for (size = 0; size <= (size_t)n; size++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(secagree_format_list(&list, buf, size), -ENOSPC);
		if (size > 0)
			assert_int_equal(buf[0], '\0');
		assert_int_equal(buf[size], 'X'); /* nothing written past size */
	}
	assert_int_equal(secagree_format_list(&list, buf, (size_t)n + 1), n);
}

static void test_secagree_format_rejects_invalid_struct(void **state)
{
	struct secagree_list list = {.n_mechs = 1};
	struct secagree_mech *m = &list.mechs[0];
	char buf[128];

	secagree_mech_init(m, SECAGREE_MECH_IPSEC_3GPP);
	m->present = SECAGREE_HAS(SECAGREE_F_PORT_C); /* port 0 */
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), -EINVAL);
	m->present = SECAGREE_HAS(SECAGREE_F_ALG); /* empty alg */
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), -EINVAL);
	strcpy(m->alg, "a b");
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), -EINVAL);
	m->present = SECAGREE_HAS(SECAGREE_F_SPI_U_UDP); /* not an ipsec-3gpp field */
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), -EINVAL);
	m->present = SECAGREE_HAS(SECAGREE_F_Q);
	m->q = 1001;
	assert_int_equal(secagree_format_mech(m, buf, sizeof(buf)), -EINVAL);
	secagree_mech_init(m, SECAGREE_MECH_OTHER); /* no name */
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), -EINVAL);
	strcpy(m->name, "tls");
	m->n_params = 1;
	strcpy(m->params[0].name, "x");
	m->params[0].has_value = true;
	strcpy(m->params[0].value, "a\"b");
	m->params[0].quoted = true;
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), -EINVAL);
	m->params[0].quoted = false;
	m->params[0].value[0] = '\0'; /* unquoted empty value */
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), -EINVAL);
	m->params[0].has_value = false;
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "tls;x");
	list.n_mechs = 0;
	assert_int_equal(secagree_format_list(&list, buf, sizeof(buf)), -EINVAL);
}

static void test_secagree_round_trip(void **state)
{
	static const char *const inputs[] = {
		ipsec_man_vector,
		ue_offer,
		"ipsec-3gpp; alg=\"hmac-md5-96\"; spi-c=\"007\"; x=\"q\\\"uote\"; y; z=[::1], tls",
		"ipsec-man;alg=HMAC-MD5;ealg=aes-cbc;SPI_P_UDP=1;SPI_P_TCP=2;Port_P_UDP=3;"
		"Port_P_TCP=4;q=0.300",
		"digest;d-alg=md5;d-qop=auth-int;d-ver=\"0123456789abcdef0123456789abcdef\"",
	};
	struct secagree_list a, b;
	char buf1[2048], buf2[2048];
	size_t i;
	int n;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(parse(inputs[i], &a, NULL), 0);
		n = secagree_format_list(&a, buf1, sizeof(buf1));
		assert_true(n > 0);
		assert_int_equal(parse(buf1, &b, NULL), 0);
		assert_true(secagree_verify_matches(&a, &b));
		assert_int_equal(secagree_format_list(&b, buf2, sizeof(buf2)), n);
		assert_string_equal(buf1, buf2);
	}
}

static bool verify_equal(const char *verify, const char *server)
{
	struct secagree_list v, s;

	assert_int_equal(parse(verify, &v, NULL), 0);
	assert_int_equal(parse(server, &s, NULL), 0);
	return secagree_verify_matches(&v, &s);
}

static const char server_list[] =
	"ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=123;spi-s=124;"
	"port-c=5100;port-s=5101;q=0.1, "
	"ipsec-3gpp;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=123;spi-s=124;"
	"port-c=5100;port-s=5101;q=0.05";

static void test_secagree_verify_equal(void **state)
{
	assert_true(verify_equal(server_list, server_list));
	/* spelling differences that do not change the meaning */
	assert_true(verify_equal(
		"IPSEC-3GPP; ALG=HMAC-SHA-1-96; ealg=AES-CBC; prot=esp; mod=trans; spi-c=0123;"
		" spi-s=124; port-c=05100; port-s=5101; q=0.100 ,"
		"ipsec-3gpp;q=0.050;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=\"123\";spi-s=124;"
		"port-s=5101;port-c=5100",
		server_list));
}

static void test_secagree_verify_reordered_mechanisms(void **state)
{
	assert_false(verify_equal(
		"ipsec-3gpp;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=123;spi-s=124;"
		"port-c=5100;port-s=5101;q=0.05, "
		"ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=123;"
		"spi-s=124;port-c=5100;port-s=5101;q=0.1",
		server_list));
}

static void test_secagree_verify_one_value_changed(void **state)
{
	assert_false(verify_equal(
		"ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=123;spi-s=124;"
		"port-c=5100;port-s=5102;q=0.1, "
		"ipsec-3gpp;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=123;spi-s=124;"
		"port-c=5100;port-s=5101;q=0.05",
		server_list));
	/* a bidding-down attempt: encryption dropped from the first entry */
	assert_false(verify_equal(
		"ipsec-3gpp;alg=hmac-sha-1-96;prot=esp;mod=trans;spi-c=123;spi-s=124;"
		"port-c=5100;port-s=5101;q=0.1, "
		"ipsec-3gpp;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=123;spi-s=124;"
		"port-c=5100;port-s=5101;q=0.05",
		server_list));
	assert_false(verify_equal("tls;x=\"Ab\"", "tls;x=\"ab\""));
	assert_true(verify_equal("tls;x=Ab", "tls;x=ab"));
	assert_false(verify_equal("tls;x=\"ab\"", "tls;x=ab"));
	assert_false(verify_equal("tls;x", "tls;x=\"\""));
	assert_false(verify_equal("tls;x=1;x=1", "tls;x=1;x=2"));
	assert_true(verify_equal("tls;x=2;x=1", "tls;x=1;x=2"));
	assert_false(verify_equal("tls", "digest"));
}

static void test_secagree_verify_extra_mechanism(void **state)
{
	char longer[sizeof(server_list) + 16];

	snprintf(longer, sizeof(longer), "%s, tls", server_list);
	assert_false(verify_equal(longer, server_list));
	assert_false(verify_equal(server_list, longer));
	assert_false(verify_equal("tls;q=0.5;x", "tls;q=0.5"));
}

static const struct secagree_policy all_policy = {
	.mechs = (1u << SECAGREE_MECH_IPSEC_3GPP) | (1u << SECAGREE_MECH_IPSEC_MAN),
	.algs = (1u << SECAGREE_ALG_HMAC_SHA1_96) | (1u << SECAGREE_ALG_HMAC_MD5_96),
	.ealgs = (1u << SECAGREE_EALG_NULL) | (1u << SECAGREE_EALG_AES_CBC),
	.modes = 1u << SECAGREE_MODE_TRANS,
};

static int choose(const char *offer, const struct secagree_policy *pol)
{
	struct secagree_list list;

	assert_int_equal(parse(offer, &list, NULL), 0);
	return secagree_choose(&list, pol);
}

/* The SPIs and ports an ipsec-3gpp offer needs to be usable. */
#define SA ";spi-c=1;spi-s=2;port-c=3;port-s=4"

static void test_secagree_choose_by_q_then_order(void **state)
{
	struct secagree_policy md5_only = all_policy;

	assert_int_equal(choose(ue_offer, &all_policy), 0);
	md5_only.algs = 1u << SECAGREE_ALG_HMAC_MD5_96;
	assert_int_equal(choose(ue_offer, &md5_only), 1);
	/* higher q later in the list wins */
	assert_int_equal(choose("ipsec-3gpp;alg=hmac-md5-96" SA ";q=0.2,"
				"ipsec-3gpp;alg=hmac-sha-1-96" SA ";q=0.7",
				&all_policy),
			 1);
	/* absent q counts as 1; equal q: the first */
	assert_int_equal(choose("ipsec-3gpp;alg=hmac-md5-96" SA ";q=0.9,"
				"ipsec-3gpp;alg=hmac-sha-1-96" SA,
				&all_policy),
			 1);
	assert_int_equal(choose("ipsec-3gpp;alg=hmac-md5-96" SA ","
				"ipsec-3gpp;alg=hmac-sha-1-96" SA,
				&all_policy),
			 0);
}

static void test_secagree_choose_skips_unusable(void **state)
{
	struct secagree_policy pol = all_policy;

	assert_int_equal(choose("digest;q=1, tls, "
				"ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3;q=1, "
				"ipsec-3gpp;alg=aes-gmac" SA ", "
				"ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-gcm" SA ", "
				"ipsec-3gpp;alg=hmac-sha-1-96;prot=ah" SA ", "
				"ipsec-3gpp;alg=hmac-sha-1-96;mod=UDP-enc-tun" SA ", "
				"ipsec-3gpp" SA,
				&pol),
			 -ENOENT);
	pol.modes |= 1u << SECAGREE_MODE_UDP_ENC_TUN;
	assert_int_equal(choose("ipsec-3gpp;alg=hmac-sha-1-96;mod=UDP-enc-tun" SA, &pol), 0);
	pol.mechs = 1u << SECAGREE_MECH_IPSEC_MAN;
	assert_int_equal(choose(ue_offer, &pol), -ENOENT);
	assert_int_equal(choose(ipsec_man_vector, &pol), 0);
	assert_int_equal(choose("ipsec-man;alg=HMAC-SHA1;SPI_U_UDP=1;SPI_U_TCP=2;Port_U_UDP=3",
				&pol),
			 -ENOENT);
}

static void test_secagree_algorithm_lookups(void **state)
{
	assert_int_equal(secagree_alg_lookup("HMAC-SHA-1-96"), SECAGREE_ALG_HMAC_SHA1_96);
	assert_int_equal(secagree_alg_lookup("hmac-md5"), SECAGREE_ALG_HMAC_MD5_96);
	assert_int_equal(secagree_alg_lookup("aes-gmac"), SECAGREE_ALG_AES_GMAC);
	assert_int_equal(secagree_alg_lookup("null"), SECAGREE_ALG_NULL);
	assert_int_equal(secagree_alg_lookup("hmac-sha-256"), SECAGREE_ALG_UNKNOWN);
	assert_int_equal(secagree_ealg_lookup("DES-EDE3-CBC"), SECAGREE_EALG_DES_EDE3_CBC);
	assert_int_equal(secagree_ealg_lookup("aes-gcm"), SECAGREE_EALG_AES_GCM);
	assert_int_equal(secagree_ealg_lookup("rc4"), SECAGREE_EALG_UNKNOWN);
	assert_string_equal(secagree_field_name(SECAGREE_F_PORT_U_UDP), "Port_U_UDP");
	assert_string_equal(secagree_field_name(SECAGREE_F_COUNT), "?");
}

static void test_secagree_list_new_is_empty(void **state)
{
	struct secagree_list *list = secagree_list_new();

	assert_non_null(list);
	assert_int_equal(list->n_mechs, 0);
	assert_int_equal(secagree_parse_append("tls", 3, list, NULL), 0);
	assert_int_equal(list->n_mechs, 1);
	secagree_list_free(list);
	secagree_list_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secagree_ipsec_man_vector),
		cmocka_unit_test(test_secagree_ipsec_man_vector_formats_compact),
		cmocka_unit_test(test_secagree_ipsec_man_server_side_fields),
		cmocka_unit_test(test_secagree_ue_offer_two_entries),
		cmocka_unit_test(test_secagree_large_spi_and_port_limits),
		cmocka_unit_test(test_secagree_quoted_values),
		cmocka_unit_test(test_secagree_whitespace_variants),
		cmocka_unit_test(test_secagree_other_mechanisms_kept_opaque),
		cmocka_unit_test(test_secagree_unknown_params_kept_in_order),
		cmocka_unit_test(test_secagree_error_missing_value),
		cmocka_unit_test(test_secagree_error_bad_number),
		cmocka_unit_test(test_secagree_error_spi_overflow),
		cmocka_unit_test(test_secagree_error_port_range),
		cmocka_unit_test(test_secagree_error_addr_pref_length_range),
		cmocka_unit_test(test_secagree_error_duplicate_known_param),
		cmocka_unit_test(test_secagree_error_too_many_mechanisms),
		cmocka_unit_test(test_secagree_error_too_many_params),
		cmocka_unit_test(test_secagree_error_too_long),
		cmocka_unit_test(test_secagree_error_list_syntax),
		cmocka_unit_test(test_secagree_error_empty_input),
		cmocka_unit_test(test_secagree_error_embedded_nul),
		cmocka_unit_test(test_secagree_error_offset_points_at_parameter),
		cmocka_unit_test(test_secagree_reads_only_len_bytes),
		cmocka_unit_test(test_secagree_append_keeps_list_on_error),
		cmocka_unit_test(test_secagree_format_ipsec_3gpp_from_struct),
		cmocka_unit_test(test_secagree_format_q_values),
		cmocka_unit_test(test_secagree_format_enospc),
		cmocka_unit_test(test_secagree_format_rejects_invalid_struct),
		cmocka_unit_test(test_secagree_round_trip),
		cmocka_unit_test(test_secagree_verify_equal),
		cmocka_unit_test(test_secagree_verify_reordered_mechanisms),
		cmocka_unit_test(test_secagree_verify_one_value_changed),
		cmocka_unit_test(test_secagree_verify_extra_mechanism),
		cmocka_unit_test(test_secagree_choose_by_q_then_order),
		cmocka_unit_test(test_secagree_choose_skips_unusable),
		cmocka_unit_test(test_secagree_algorithm_lookups),
		cmocka_unit_test(test_secagree_list_new_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
