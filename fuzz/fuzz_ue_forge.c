/*
 * fuzz_ue_forge.c — the hostile ue-sim's surgery on messages (src/ue-sim/ue_forge.c): the
 * forged Vias of its answers, written over whatever Vias the request brought, and the
 * check of the frames it captures from its interface before replaying one.
 *
 * FUZZ-SOURCES: src/ue-sim/ue_forge.c src/ue-sim/ue_dialog.c
 * FUZZ-SOURCES: src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c src/sip/sip_util.c
 * FUZZ-SOURCES: src/common/codec.c
 * FUZZ-PKG: libcrypto
 *
 * The first byte chooses: with its top bit set, the rest is an Ethernet frame checked
 * against fixed IPv6 and IPv4 addresses (an accepted frame must be long enough to hold the
 * headers and the SPI and sequence number read from it); with the next bit (0x40), the rest
 * is a route set (Record-Route entries as received, one a line) under every forge-route
 * mode: "off" gives the route set as is, wrapped-key changes exactly one character of it or
 * refuses; otherwise the rest is a message and the byte's low bits pick a forge-via mode.
 * The result must fit the buffer, "off" must change nothing, an extra Via adds exactly its
 * text, drop-below only removes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ue-sim/ue_dialog.h"
#include "ue-sim/ue_forge.h"

#define FUZZ_ROOM 512 /* more than any forged Via adds */

static char fuzz_buf[8192 + FUZZ_ROOM];

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_ue_forge: %s\n", what);
	abort();
}

static void fuzz_addr(struct sockaddr_storage *ss, int family, const char *text)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET6)
		inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)ss)->sin6_addr);
	else
		inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr);
}

static void fuzz_frame(const uint8_t *f, size_t len)
{
	struct sockaddr_storage me[2], pcscf6, pcscf4;
	uint32_t spi, seq;

	fuzz_addr(&me[0], AF_INET6, "2001:db8:1:1::1");
	fuzz_addr(&me[1], AF_INET, "10.1.0.11");
	fuzz_addr(&pcscf6, AF_INET6, "2001:db8:a::1");
	fuzz_addr(&pcscf4, AF_INET, "10.1.0.1");
	if (ue_forge_esp_frame(f, len, me, 2, &pcscf6, &spi, &seq) == 0 && len < 14 + 40 + 8)
		fuzz_fail("a short IPv6 frame was taken for ESP");
	if (ue_forge_esp_frame(f, len, me, 2, &pcscf4, &spi, &seq) == 0 && len < 14 + 20 + 8)
		fuzz_fail("a short IPv4 frame was taken for ESP");
}

static void fuzz_via(int mode, const uint8_t *msg, size_t len)
{
	static const char extra[] =
		"Via: SIP/2.0/UDP " UE_FORGE_HOST4 ":5060;branch=z9hG4bKforgedextra\r\n";
	int n;

	memcpy(fuzz_buf, msg, len);
	n = ue_forge_via_apply(fuzz_buf, len, len + FUZZ_ROOM, mode);
	if (n < 0)
		return;
	if ((size_t)n > len + FUZZ_ROOM)
		fuzz_fail("the result is longer than the buffer");
	if (mode == UE_FORGE_VIA_OFF && ((size_t)n != len || memcmp(fuzz_buf, msg, len) != 0))
		fuzz_fail("forge-via off changed the message");
	if (mode == UE_FORGE_VIA_EXTRA_TOP && (size_t)n != len + sizeof(extra) - 1)
		fuzz_fail("extra-top added something else than one Via line");
	if (mode == UE_FORGE_VIA_DROP_BELOW && (size_t)n >= len)
		fuzz_fail("drop-below did not remove anything");
}

/* The route set in @text, one entry a line, into @d (entries too long are cut). */
static void fuzz_dialog(struct ue_dialog *d, const uint8_t *text, size_t len)
{
	size_t at = 0, n;

	memset(d, 0, sizeof(*d));
	while (at < len && d->n_route < UE_DIALOG_MAX_ROUTES) {
		const uint8_t *nl = memchr(text + at, '\n', len - at);

		n = (nl ? (size_t)(nl - text) : len) - at;
		if (n >= UE_DIALOG_STR_MAX)
			n = UE_DIALOG_STR_MAX - 1;
		memcpy(d->route[d->n_route], text + at, n);
		d->route[d->n_route++][n] = '\0'; /* a NUL inside cuts the entry short */
		at = nl ? (size_t)(nl - text) + 1 : len;
	}
}

static void fuzz_route(const uint8_t *text, size_t len)
{
	static char honest[UE_DIALOG_MAX_ROUTES * (UE_DIALOG_STR_MAX + 2)], forged[sizeof(honest)];
	static struct ue_dialog d;
	int mode, n, m;
	size_t i, diff = 0;

	fuzz_dialog(&d, text, len);
	n = ue_forge_route_value(UE_FORGE_ROUTE_OFF, &d, NULL, honest, sizeof(honest));
	if (n < 0 || (size_t)n != strlen(honest))
		fuzz_fail("forge-route off: no route set, or a wrong length");
	for (mode = UE_FORGE_ROUTE_ALTER; mode <= UE_FORGE_ROUTE_WRAPPED_KEY; mode++) {
		m = ue_forge_route_value(mode, &d, &d, forged, sizeof(forged));
		if (m >= 0 && (size_t)m != strlen(forged))
			fuzz_fail("forge-route: the length returned is not the value's");
	}
	m = ue_forge_route_value(UE_FORGE_ROUTE_WRAPPED_KEY, &d, NULL, forged, sizeof(forged));
	if (m < 0)
		return;
	for (i = 0; i < (size_t)n && m == n; i++)
		diff += forged[i] != honest[i];
	if (m != n || diff != 1)
		fuzz_fail("forge-route wrapped-key changed something else than one character");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size - 1 > sizeof(fuzz_buf) - FUZZ_ROOM)
		return 0;
	if (data[0] & 0x80)
		fuzz_frame(data + 1, size - 1);
	else if (data[0] & 0x40)
		fuzz_route(data + 1, size - 1);
	else
		fuzz_via(data[0] % 7, data + 1, size - 1);
	return 0;
}
