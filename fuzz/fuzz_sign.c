/*
 * fuzz_sign.c — Via / Record-Route / route-set signatures (src/sign/): the token and
 * wrapped-key parsers, and every check and signature on a parsed message.
 *
 * FUZZ-SOURCES: src/sign/sign_ring.c src/sign/sign_wrap.c src/sign/sign_token.c
 * FUZZ-SOURCES: src/sign/sign_canon.c src/sign/sign_sip.c src/sign/sign_route.c
 * FUZZ-SOURCES: src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c src/sip/sip_edit.c
 * FUZZ-SOURCES: src/common/codec.c
 * FUZZ-PKG: libcrypto
 *
 * Two rings of one pool, with fixed keys and a fixed time, so that the seeds (made by
 * test_sign_sip-style exchanges under the key below) carry signatures that verify and the
 * fuzzer starts from the deep end: ring A owns the signing key, ring B only has the pool
 * key and must go through the wrapped key. Short inputs are also read as tokens: one that
 * parses must encode back to exactly the same text (there is one spelling of each token).
 * A message that parses is checked by every verifier (results in range, the sg-rr span
 * inside the message, no sg-tg left in a Request-URI the route check cleaned), and signed
 * by every signer (parameter text only of token characters, ';' and '='; edits that apply).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sign/sign.h"
#include "sign/sign_int.h"
#include "sip/sip_edit.h"
#include "sip/sip_hdr.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"

#define FUZZ_T0	      1800000000ULL
#define FUZZ_NOW      (FUZZ_T0 + 10)
#define FUZZ_OUT_SIZE (SIP_MSG_MAX_LEN + 4096)

/* Test keys only: they sign the seed corpus. */
static const struct sign_key_record fuzz_key = {
	.id = 0x51515151,
	.created = FUZZ_T0,
	.expires = FUZZ_T0 + 3600 + 86400,
	.secret = "fuzz_sign session key, test only",
};
static const uint8_t fuzz_pool[SIGN_KEY_LEN] = "fuzz_sign pool key, test only...";
static const struct sign_ring_config fuzz_cfg = {.rotate_s = 3600, .keep_s = 86400};

static struct sign_ring *fuzz_a, *fuzz_b;
static struct sip_msg fuzz_msg, fuzz_again;
static struct sip_edit *fuzz_ed;
static char fuzz_out[FUZZ_OUT_SIZE];

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_sign: %s\n", what);
	abort();
}

static void fuzz_init(void)
{
	if (fuzz_a)
		return;
	fuzz_a = sign_ring_new(&fuzz_cfg);
	fuzz_b = sign_ring_new(&fuzz_cfg);
	fuzz_ed = sip_edit_new(&fuzz_msg);
	if (!fuzz_a || !fuzz_b || !fuzz_ed || sign_ring_import(fuzz_a, &fuzz_key, 1, FUZZ_NOW) != 1)
		fuzz_fail("cannot set up the rings");
}

/* A token that parses has exactly one spelling: encoding it again gives the input back. */
static void fuzz_tokens(const char *s, size_t len)
{
	char again[SIGN_WRAP_TEXT_SIZE];
	struct sign_sig sig;
	struct sign_wrap w;

	if (sign_sig_parse(s, len, &sig) == 0 &&
	    (sign_sig_encode(&sig, again, sizeof(again)) != 0 || strlen(again) != len ||
	     memcmp(again, s, len) != 0))
		fuzz_fail("a signature token does not encode back to itself");
	if (sign_wrap_parse(s, len, &w) == 0 &&
	    (codec_base64url_encode(w.raw, sizeof(w.raw), again, sizeof(again)) != 0 ||
	     strlen(again) != len || memcmp(again, s, len) != 0))
		fuzz_fail("a wrapped key does not encode back to itself");
}

/* Parameter text must be safe as a token and as a URI parameter. */
static void fuzz_param_text(const char *text, int n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789-_;=";

	if (n < 0)
		return;
	if ((size_t)n != strlen(text) || strspn(text, ok) != (size_t)n)
		fuzz_fail("parameter text with a character outside token / uri-param");
}

static void fuzz_apply(void)
{
	size_t len;

	sip_edit_apply(fuzz_ed, fuzz_out, sizeof(fuzz_out), &len);
}

/* After a successful route check with an editor, the Request-URI has no sg-tg left. */
static void fuzz_route_check(struct sign_ring *ring)
{
	struct sip_uri uri;
	struct sip_param p;
	enum sign_result r;
	bool target = true;
	size_t len;

	sip_edit_reset(fuzz_ed, &fuzz_msg);
	r = sign_route_verify_which(ring, &fuzz_msg, FUZZ_NOW, fuzz_ed, &target);
	if ((unsigned int)r >= SIGN_RESULT_COUNT || (r == SIGN_OK && target))
		fuzz_fail("route check result out of range, or a passed check blames the target");
	if (r != SIGN_OK)
		return;
	if (sip_edit_apply(fuzz_ed, fuzz_out, sizeof(fuzz_out), &len) != 0 ||
	    sip_msg_parse(&fuzz_again, fuzz_out, len, 0, NULL) != 0)
		return; /* the edit may push a line over a limit: not a signing bug */
	if (sip_uri_parse(fuzz_again.ruri.s, fuzz_again.ruri.len, &uri) == 0 &&
	    sip_uri_param_find(&uri, SIGN_PARAM_TARGET, &p) == 1)
		fuzz_fail("sg-tg left in the Request-URI");
}

static void fuzz_verify(void)
{
	struct sip_str param;
	enum sign_result r;

	if ((unsigned int)sign_via_verify(fuzz_a, &fuzz_msg, FUZZ_NOW) >= SIGN_RESULT_COUNT)
		fuzz_fail("Via check result out of range");
	r = sign_rr_verify(fuzz_a, &fuzz_msg, FUZZ_NOW, &param);
	if ((unsigned int)r >= SIGN_RESULT_COUNT)
		fuzz_fail("Record-Route check result out of range");
	if (r == SIGN_OK &&
	    (param.s < fuzz_msg.buf || param.s + param.len > fuzz_msg.buf + fuzz_msg.len))
		fuzz_fail("sg-rr span outside the message");
	/* The core side's check: our entry below one the core added. */
	r = sign_rr_verify_at(fuzz_a, &fuzz_msg, 1, FUZZ_NOW, &param);
	if ((unsigned int)r >= SIGN_RESULT_COUNT)
		fuzz_fail("Record-Route check (entry 1) result out of range");
	if (r == SIGN_OK &&
	    (param.s < fuzz_msg.buf || param.s + param.len > fuzz_msg.buf + fuzz_msg.len))
		fuzz_fail("sg-rr span (entry 1) outside the message");
	fuzz_route_check(fuzz_a);
	fuzz_route_check(fuzz_b);
}

static void fuzz_sign(void)
{
	static const struct sip_str own = {"sip:[2001:db8:2::1]:5060;lr", 27};
	char text[SIGN_PARAM_MAX];

	fuzz_param_text(text,
			sign_via(fuzz_a, &fuzz_msg, "z9hG4bKpc1", FUZZ_NOW, text, sizeof(text)));
	fuzz_param_text(text, sign_rr(fuzz_a, &fuzz_msg, &own, 1, FUZZ_NOW, text, sizeof(text)));
	fuzz_param_text(
		text, sign_route_callee(fuzz_a, &fuzz_msg, &own, 1, FUZZ_NOW, text, sizeof(text)));
	sip_edit_reset(fuzz_ed, &fuzz_msg);
	sign_route_caller(fuzz_a, fuzz_ed, &fuzz_msg, FUZZ_NOW);
	fuzz_apply();
	sip_edit_reset(fuzz_ed, &fuzz_msg);
	sign_target(fuzz_a, fuzz_ed, &fuzz_msg, FUZZ_NOW);
	fuzz_apply();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	/* Forget what earlier inputs unwrapped: each input starts from the same state. */
	sign_ring_set_pool_key(fuzz_a, fuzz_pool);
	sign_ring_set_pool_key(fuzz_b, fuzz_pool);
	if (size < 128)
		fuzz_tokens((const char *)data, size);
	if (sip_msg_parse(&fuzz_msg, (const char *)data, size, 0, NULL) != 0)
		return 0;
	fuzz_verify();
	fuzz_sign();
	return 0;
}
