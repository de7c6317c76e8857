/*
 * fuzz_ue_rx.c — what ue-sim reads from the network beyond src/sip's parsers: AKA challenges
 * (src/ue-sim/ue_auth.c), the choice of a Security-Server entry and the tampered
 * Security-Verify built from it (ue_secagree.c), and dialogs from responses and requests
 * (ue_dialog.c).
 *
 * FUZZ-SOURCES: src/ue-sim/ue_auth.c src/ue-sim/ue_secagree.c src/ue-sim/ue_dialog.c
 * FUZZ-SOURCES: src/ue-sim/ue_ident.c src/hss-stub/hss_import.c src/hss-stub/hss_db.c
 * FUZZ-SOURCES: src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c src/sip/sip_util.c
 * FUZZ-SOURCES: src/sip/secagree.c src/common/codec.c src/common/milenage.c
 * FUZZ-SOURCES: src/common/aka.c src/common/digest.c src/xfrm/ipsec_keys.c
 * FUZZ-PKG: libcrypto sqlite3
 *
 * The input is one message (a datagram). Every WWW-Authenticate goes through the challenge
 * parser; an accepted one must have a realm and a nonce, and is run through the USIM (with
 * fixed keys) and answered: the answer must read back as Digest credentials naming our
 * IMPI. All Security-Server lines together are offered to the choice for both mechanisms;
 * a chosen entry must be one of the list, and its tampered list must parse and must not
 * verify. A response makes a UAC dialog, a request a UAS one; a dialog must match the
 * message it came from (the UAC side) and write its route set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sip/sip_hdr.h"
#include "ue-sim/ue_auth.h"
#include "ue-sim/ue_dialog.h"
#include "ue-sim/ue_secagree.h"

static struct sip_msg fuzz_msg;
static struct secagree_list fuzz_server, fuzz_again;
static char fuzz_buf[4096];

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_ue_rx: %s\n", what);
	abort();
}

static void fuzz_challenge(struct sip_str v)
{
	static const uint8_t k[16] = {0x46, 0x5b, 0x5c, 0xe8}, opc[16] = {0xcd, 0x63};
	struct sip_auth_param p;
	struct ue_challenge ch;
	struct ue_ident id;
	struct ue_auth auth;
	char why[128];
	int ret;

	if (ue_auth_parse_challenge(v.s, v.len, &ch, why, sizeof(why)) != 0)
		return;
	if (!ch.realm[0] || !ch.nonce[0])
		fuzz_fail("a challenge without realm or nonce was accepted");
	ue_ident_init(&id);
	snprintf(id.impi, sizeof(id.impi), "ue1@ims.test");
	snprintf(id.domain, sizeof(id.domain), "ims.test");
	memcpy(id.k, k, 16);
	memcpy(id.opc, opc, 16);
	ret = ue_auth_run(&id, &ch, "sip:ims.test", "REGISTER", &auth);
	if ((ret == AKA_OK || ret == AKA_SYNC_FAILURE) &&
	    ue_auth_header(&id, &auth, "sip:ims.test", fuzz_buf, sizeof(fuzz_buf)) > 0) {
		if (sip_hdr_auth_find(fuzz_buf, strlen(fuzz_buf), "username", &p) != 1 ||
		    !sip_str_eq(p.value, "ue1@ims.test"))
			fuzz_fail("our answer does not read back");
	}
	ue_auth_wipe(&auth);
}

static void fuzz_pick(enum secagree_mech_type mech)
{
	struct ue_offer o = {.mech = mech,
			     .algs = {IPSEC_INTEG_HMAC_SHA1_96, IPSEC_INTEG_HMAC_MD5_96},
			     .n_algs = 2,
			     .ealgs = {IPSEC_ENCR_NULL, IPSEC_ENCR_AES_CBC},
			     .n_ealgs = 2,
			     .spi_c = 4096,
			     .spi_s = 4097,
			     .port_c = 6100,
			     .port_s = 6101,
			     .prefix_len = 64};
	struct ue_choice c;
	int n;

	if (ue_secagree_pick(&o, &fuzz_server, &c, NULL, 0) != 0)
		return;
	if (c.index >= fuzz_server.n_mechs || fuzz_server.mechs[c.index].type != mech)
		fuzz_fail("the chosen entry is not one of the offered mechanism");
	n = ue_secagree_tamper(&fuzz_server, &c, fuzz_buf, sizeof(fuzz_buf));
	if (n < 0)
		return; /* a kept raw parameter that cannot be written back: refused, fine */
	if (secagree_parse(fuzz_buf, (size_t)n, &fuzz_again, NULL) != 0)
		fuzz_fail("a tampered Security-Verify does not parse");
	if (secagree_verify_matches(&fuzz_again, &fuzz_server))
		fuzz_fail("a tampered Security-Verify still matches");
}

static void fuzz_security_server(void)
{
	struct sip_str v;
	int i, n = 0;

	for (i = sip_msg_find(&fuzz_msg, SIP_HDR_SECURITY_SERVER, 0); i >= 0;
	     i = sip_msg_find(&fuzz_msg, SIP_HDR_SECURITY_SERVER, (size_t)i + 1)) {
		v = sip_msg_hdr_value(&fuzz_msg, (size_t)i);
		if ((n++ ? secagree_parse_append(v.s, v.len, &fuzz_server, NULL)
			 : secagree_parse(v.s, v.len, &fuzz_server, NULL)) != 0)
			return;
	}
	if (n == 0)
		return;
	fuzz_pick(SECAGREE_MECH_IPSEC_3GPP);
	fuzz_pick(SECAGREE_MECH_IPSEC_MAN);
}

static void fuzz_dialog(void)
{
	struct ue_dialog *d = NULL;
	int ret;

	if (fuzz_msg.is_request)
		ret = ue_dialog_uas_new(&fuzz_msg, "localtag", &d);
	else
		ret = ue_dialog_uac_new(&fuzz_msg, "sip:ue1@ims.test", "localtag", 1, &d);
	if (ret != 0)
		return;
	if (!fuzz_msg.is_request && !ue_dialog_match(d, &fuzz_msg)) {
		struct sip_str tag;

		/* the From tag is ours only when the message says so */
		if (sip_msg_from_tag(&fuzz_msg, &tag) == 0 && sip_str_eq(tag, "localtag"))
			fuzz_fail("a UAC dialog does not match its own response");
	}
	ue_dialog_route_value(d, fuzz_buf, sizeof(fuzz_buf));
	ue_dialog_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int i;

	if (sip_msg_parse(&fuzz_msg, (const char *)data, size, 0, NULL) != 0)
		return 0;
	for (i = sip_msg_find(&fuzz_msg, SIP_HDR_WWW_AUTHENTICATE, 0); i >= 0;
	     i = sip_msg_find(&fuzz_msg, SIP_HDR_WWW_AUTHENTICATE, (size_t)i + 1))
		fuzz_challenge(sip_msg_hdr_value(&fuzz_msg, (size_t)i));
	fuzz_security_server();
	fuzz_dialog();
	return 0;
}
