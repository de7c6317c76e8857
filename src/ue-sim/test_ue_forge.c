/*
 * test_ue_forge.c — what a hostile ue-sim sends: the Vias of its answers under each
 * forge-via mode, the Route of its in-dialog requests under each forge-route mode (the
 * wrapped key it tampers with still decodes, and only its ciphertext differs), and the ESP
 * frames capture-esp keeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/codec.h"
#include "sip/sip_msg.h"
#include "ue-sim/ue_dialog.h"
#include "ue-sim/ue_forge.h"

/* ue2's 200 to a MESSAGE that came through the P-CSCF (its Via on top). */
static const char answer[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP [2001:db8:a::1]:5066;branch=z9hG4bKpcscf1;rport=5066\r\n"
	"Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKscscf1, "
	"SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKue1\r\n"
	"From: <sip:ue1@ims.test>;tag=a\r\n"
	"To: <sip:ue2@ims.test>;tag=b\r\n"
	"Call-ID: c1\r\n"
	"CSeq: 1 MESSAGE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* Forge @mode into a copy of answer[]; the result must still parse. */
static int forge(int mode, char *buf, size_t size)
{
	struct sip_msg m;
	int n;

	memset(buf, 0, size);
	memcpy(buf, answer, sizeof(answer) - 1);
	n = ue_forge_via_apply(buf, sizeof(answer) - 1, size, mode);
	if (n > 0) {
		buf[n] = '\0';
		assert_int_equal(sip_msg_parse(&m, buf, (size_t)n, 0, NULL), 0);
	}
	return n;
}

/* The first line of @buf starting with @prefix, copied into @out. */
static const char *line_of(const char *buf, const char *prefix, char *out, size_t size)
{
	const char *p = strstr(buf, prefix), *e = p ? strstr(p, "\r\n") : NULL;

	assert_non_null(e);
	snprintf(out, size, "%.*s", (int)(e - p), p);
	return out;
}

static void test_ue_forge_via_top_changes(void **state)
{
	char buf[2048], line[256];

	(void)state;
	assert_int_equal(forge(UE_FORGE_VIA_OFF, buf, sizeof(buf)), sizeof(answer) - 1);
	assert_string_equal(buf, answer);
	assert_true(forge(UE_FORGE_VIA_BRANCH, buf, sizeof(buf)) > 0);
	assert_string_equal(line_of(buf, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP [2001:db8:a::1]:5066;branch=z9hG4bKf0rgedpcscf1;"
			    "rport=5066");
	assert_true(forge(UE_FORGE_VIA_HOST, buf, sizeof(buf)) > 0);
	assert_string_equal(line_of(buf, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP " UE_FORGE_HOST6 ":5066;branch=z9hG4bKpcscf1;"
			    "rport=5066");
	assert_true(forge(UE_FORGE_VIA_PORT, buf, sizeof(buf)) > 0);
	assert_string_equal(line_of(buf, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP [2001:db8:a::1]:5067;branch=z9hG4bKpcscf1;"
			    "rport=5066");
	/* everything below the top Via stays as it was */
	assert_non_null(strstr(buf, "Via: SIP/2.0/UDP [2001:db8:c::2]:5060;branch=z9hG4bKscscf1, "
				    "SIP/2.0/UDP [2001:db8:1:1::1]:6101;branch=z9hG4bKue1\r\n"));
}

static void test_ue_forge_via_extra_and_dropped(void **state)
{
	char buf[2048], line[256];
	const char *second;

	(void)state;
	assert_true(forge(UE_FORGE_VIA_EXTRA_TOP, buf, sizeof(buf)) > 0);
	assert_string_equal(line_of(buf, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP " UE_FORGE_HOST4 ":5060;branch=z9hG4bKforgedextra");
	second = strstr(buf, "Via:") + 4;
	assert_string_equal(line_of(second, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP [2001:db8:a::1]:5066;branch=z9hG4bKpcscf1;"
			    "rport=5066");
	assert_true(forge(UE_FORGE_VIA_EXTRA_BELOW, buf, sizeof(buf)) > 0);
	assert_string_equal(line_of(buf, "Via:", line, sizeof(line)),
			    "Via: SIP/2.0/UDP [2001:db8:a::1]:5066;branch=z9hG4bKpcscf1;"
			    "rport=5066, SIP/2.0/UDP " UE_FORGE_HOST4
			    ":5060;branch=z9hG4bKforgedextra");
	/* the S-CSCF's Via (first of the second line) goes, ue1's stays */
	assert_true(forge(UE_FORGE_VIA_DROP_BELOW, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "scscf1"));
	assert_non_null(strstr(buf, "\r\nVia: SIP/2.0/UDP [2001:db8:1:1::1]:6101;"
				    "branch=z9hG4bKue1\r\n"));
	assert_non_null(strstr(buf, "branch=z9hG4bKpcscf1;rport=5066\r\n"));
}

static void test_ue_forge_via_refusals(void **state)
{
	char small[sizeof(answer)], none[] = "SIP/2.0 200 OK\r\nCSeq: 1 MESSAGE\r\n\r\n";
	int mode;

	(void)state;
	memcpy(small, answer, sizeof(answer));
	assert_int_equal(ue_forge_via_apply(small, sizeof(answer) - 1, sizeof(small),
					    UE_FORGE_VIA_EXTRA_TOP),
			 -ENOSPC);
	assert_int_equal(ue_forge_via_apply(none, strlen(none), sizeof(none), UE_FORGE_VIA_BRANCH),
			 -ENOENT);
	assert_int_equal(ue_forge_via_parse("extra-below", &mode), 0);
	assert_int_equal(mode, UE_FORGE_VIA_EXTRA_BELOW);
	assert_string_equal(ue_forge_via_name(mode), "extra-below");
	assert_int_equal(ue_forge_via_parse("sideways", &mode), -EINVAL);
	assert_int_equal(ue_forge_route_parse("replay", &mode), 0);
	assert_string_equal(ue_forge_route_name(mode), "replay");
}

static struct ue_dialog *dialog(const char *const *routes, size_t n)
{
	static struct ue_dialog d[2];
	static int next;
	struct ue_dialog *x = &d[next++ % 2];
	size_t i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < n; i++)
		snprintf(x->route[i], sizeof(x->route[i]), "%s", routes[i]);
	x->n_route = n;
	return x;
}

static void test_ue_forge_route_modes(void **state)
{
	static const char *const mine[] = {"<sip:[2001:db8:a::1]:5064;lr>",
					   "<sip:scscf.ims.test;lr>"};
	static const char *const theirs[] = {"<sip:[2001:db8:a::1]:5064;lr;x=other>"};
	struct ue_dialog *d = dialog(mine, 2), *o = dialog(theirs, 1);
	char buf[512];

	(void)state;
	assert_int_equal(ue_forge_route_value(UE_FORGE_ROUTE_OFF, d, o, buf, sizeof(buf)),
			 (int)strlen("<sip:[2001:db8:a::1]:5064;lr>, <sip:scscf.ims.test;lr>"));
	assert_string_equal(buf, "<sip:[2001:db8:a::1]:5064;lr>, <sip:scscf.ims.test;lr>");
	assert_true(ue_forge_route_value(UE_FORGE_ROUTE_ALTER, d, o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "<sip:[2001:db8:a::1]:5064;lr>, <sip:scscf.ims.test;lr;x-forged>");
	assert_int_equal(ue_forge_route_value(UE_FORGE_ROUTE_DROP, d, o, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_true(ue_forge_route_value(UE_FORGE_ROUTE_REPLAY, d, o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "<sip:[2001:db8:a::1]:5064;lr;x=other>");
	assert_int_equal(ue_forge_route_value(UE_FORGE_ROUTE_REPLAY, d, NULL, buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(ue_forge_route_value(UE_FORGE_ROUTE_ALTER, d, o, buf, 20), -ENOSPC);
}

/* A wrapped-key token as a pool member writes it (doc/signing.md): version, key ID,
 * creation time, nonce, wrapped key, tag; 73 bytes, 98 characters. */
#define WK_BYTES 73
static void wrapped_key_token(uint8_t raw[WK_BYTES], char *text, size_t size)
{
	size_t i;

	for (i = 0; i < WK_BYTES; i++)
		raw[i] = (uint8_t)(i * 37 + 1);
	raw[0] = 1;
	assert_int_equal(codec_base64url_encode(raw, WK_BYTES, text, size), 0);
	assert_int_equal(strlen(text), 98);
}

static void test_ue_forge_route_wrapped_key(void **state)
{
	const char *entries[] = {NULL, "<sip:scscf.ims.test;lr>"};
	char wk[128], first[256], honest[512], forged[512];
	uint8_t raw[WK_BYTES], seen[WK_BYTES + 2];
	const char *tok;
	struct ue_dialog *d;
	size_t i;
	int n;

	(void)state;
	wrapped_key_token(raw, wk, sizeof(wk));
	snprintf(first, sizeof(first), "<sip:[2001:db8:a::1]:5064;lr;sg-rs=abc;sg-wk=%s>", wk);
	entries[0] = first;
	d = dialog(entries, 2);
	n = ue_forge_route_value(UE_FORGE_ROUTE_OFF, d, NULL, honest, sizeof(honest));
	assert_int_equal(
		ue_forge_route_value(UE_FORGE_ROUTE_WRAPPED_KEY, d, NULL, forged, sizeof(forged)),
		n);
	/* one character changed, the one UE_FORGE_WK_CHAR into the token */
	tok = strstr(forged, ";sg-wk=") + strlen(";sg-wk=");
	for (i = 0; i < (size_t)n; i++)
		if (forged[i] != honest[i])
			assert_ptr_equal(forged + i, tok + UE_FORGE_WK_CHAR);
	assert_int_not_equal(tok[UE_FORGE_WK_CHAR], wk[UE_FORGE_WK_CHAR]);
	/* it still decodes; version, key ID, time, nonce and tag are the same: only the GCM
	 * ciphertext (bytes 25-56) differs */
	assert_int_equal(codec_base64url_decode(tok, 98, seen, sizeof(seen)), WK_BYTES);
	assert_memory_equal(seen, raw, 25);
	assert_memory_not_equal(seen + 25, raw + 25, 32);
	assert_memory_equal(seen + 57, raw + 57, WK_BYTES - 57);
	/* no wrapped key (a member without a pool key), or one cut short */
	entries[0] = "<sip:[2001:db8:a::1]:5064;lr;sg-rs=abc>";
	d = dialog(entries, 2);
	assert_int_equal(
		ue_forge_route_value(UE_FORGE_ROUTE_WRAPPED_KEY, d, NULL, forged, sizeof(forged)),
		-ENOENT);
	wk[UE_FORGE_WK_CHAR] = '\0';
	snprintf(first, sizeof(first), "<sip:[2001:db8:a::1]:5064;lr;sg-wk=%s>", wk);
	entries[0] = first;
	d = dialog(entries, 1);
	assert_int_equal(
		ue_forge_route_value(UE_FORGE_ROUTE_WRAPPED_KEY, d, NULL, forged, sizeof(forged)),
		-ENOENT);
	assert_int_equal(ue_forge_route_parse("wrapped-key", &n), 0);
	assert_int_equal(n, UE_FORGE_ROUTE_WRAPPED_KEY);
	assert_string_equal(ue_forge_route_name(n), "wrapped-key");
}

static void addr6(struct sockaddr_storage *ss, const char *text)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)ss)->sin6_addr), 1);
}

static void test_ue_forge_esp_frame(void **state)
{
	uint8_t f[14 + 40 + 16] = {0};
	struct sockaddr_storage me[2], pcscf, other;
	uint32_t spi = 0, seq = 0;

	(void)state;
	addr6(&me[0], "2001:db8:1:1::1");
	addr6(&me[1], "2001:db8:1:1::77");
	addr6(&pcscf, "2001:db8:a::1");
	addr6(&other, "2001:db8:c::2");
	f[12] = 0x86, f[13] = 0xdd, f[14] = 0x60, f[14 + 6] = 50;
	memcpy(f + 14 + 8, &((struct sockaddr_in6 *)&me[1])->sin6_addr, 16);
	memcpy(f + 14 + 24, &((struct sockaddr_in6 *)&pcscf)->sin6_addr, 16);
	memcpy(f + 54, "\x00\x00\x10\x01\x00\x00\x00\x07", 8);
	assert_int_equal(ue_forge_esp_frame(f, sizeof(f), me, 2, &pcscf, &spi, &seq), 0);
	assert_int_equal(spi, 0x1001);
	assert_int_equal(seq, 7);
	/* to someone else, not ESP, from someone else, cut short */
	assert_int_equal(ue_forge_esp_frame(f, sizeof(f), me, 2, &other, &spi, &seq), -ENOENT);
	assert_int_equal(ue_forge_esp_frame(f, sizeof(f), me, 1, &pcscf, &spi, &seq), -ENOENT);
	assert_int_equal(ue_forge_esp_frame(f, 50, me, 2, &pcscf, &spi, &seq), -ENOENT);
	f[14 + 6] = 17;
	assert_int_equal(ue_forge_esp_frame(f, sizeof(f), me, 2, &pcscf, &spi, &seq), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_forge_via_top_changes),
		cmocka_unit_test(test_ue_forge_via_extra_and_dropped),
		cmocka_unit_test(test_ue_forge_via_refusals),
		cmocka_unit_test(test_ue_forge_route_modes),
		cmocka_unit_test(test_ue_forge_route_wrapped_key),
		cmocka_unit_test(test_ue_forge_esp_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
