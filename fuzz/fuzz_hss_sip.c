/*
 * fuzz_hss_sip.c — hss-stub's SIP side: the registrar (Authorization, identities, Contact,
 * Expires, Path, Require) and the stateless proxy (Route, Request-URI, Via of responses),
 * src/hss-stub/hss_sip.c, hss_reg.c, hss_proxy.c and what they use.
 *
 * FUZZ-SOURCES: src/hss-stub/hss_sip.c src/hss-stub/hss_reg.c src/hss-stub/hss_proxy.c
 * FUZZ-SOURCES: src/hss-stub/hss_auth.c src/hss-stub/hss_bind.c src/hss-stub/hss_map.c
 * FUZZ-SOURCES: src/hss-stub/hss_db.c src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c
 * FUZZ-SOURCES: src/sip/sip_edit.c src/sip/sip_util.c src/common/aka.c src/common/milenage.c
 * FUZZ-SOURCES: src/common/digest.c src/common/codec.c src/common/log.c
 * FUZZ-PKG: sqlite3 libcrypto
 *
 * One S-CSCF for ims.test with the lab subscribers ue1 and ue2 (ue2 registered with a Path)
 * in a database in a temporary directory; each input is one message received over UDP from
 * a UE, then over TCP from the P-CSCF, a second later each time (so bindings, challenges
 * and remembered transactions expire as they would). When the input parses as a request
 * or response, everything the logic sends must parse again: a response to it, or the
 * message it forwarded (with Content-Length when it goes over TCP).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/codec.h"
#include "common/log.h"
#include "fuzz.h"
#include "hss-stub/hss_sip_int.h"

static struct hss_db *fuzz_db;
static struct hss_sip *fuzz_sip;
static char fuzz_dir[64];
static uint64_t fuzz_now = 1000000;
static bool fuzz_check;
static struct sip_msg fuzz_again;

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_hss_sip: %s\n", what);
	abort();
}

static int fuzz_send(const struct hss_sip_tx *tx, void *arg)
{
	(void)arg;
	if (!tx->buf || tx->len == 0 || !tx->peer)
		fuzz_fail("sent an empty message or to nowhere");
	if (fuzz_check && tx->len <= SIP_MSG_MAX_LEN &&
	    sip_msg_parse(&fuzz_again, tx->buf, tx->len,
			  tx->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0, NULL) != 0)
		fuzz_fail("sent a message that does not parse");
	return 0;
}

static void fuzz_cleanup(void)
{
	static const char *const files[] = {"hss.db", "hss.db-wal", "hss.db-shm"};
	char path[128];
	size_t i;

	hss_sip_free(fuzz_sip);
	hss_db_free(fuzz_db);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, files[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

static void fuzz_subscriber(const char *impi, const char *impu, const char *k, const char *opc)
{
	struct hss_subscriber *sub = hss_subscriber_new();
	uint8_t o[16];

	if (!sub || hss_subscriber_set_impi(sub, impi) || hss_subscriber_add_impu(sub, impu) ||
	    codec_hex_decode_exact(k, sub->k, 16) || codec_hex_decode_exact(opc, o, 16))
		fuzz_fail("cannot build a subscriber");
	hss_subscriber_set_opc(sub, o);
	sub->sqn = 0x20;
	if (hss_db_subscriber_add(fuzz_db, sub) != 0)
		fuzz_fail(hss_db_error(fuzz_db));
	hss_subscriber_free(sub);
}

static void fuzz_local(enum sip_proto proto, const char *host)
{
	struct sockaddr_storage ss;

	if (sip_util_sockaddr_set(host, strlen(host), 5060, &ss) != 0 ||
	    hss_sip_add_local(fuzz_sip, proto, &ss) != 0)
		fuzz_fail("cannot add a local address");
}

static void fuzz_init(void)
{
	struct hss_sip_config cfg = {.domain = "ims.test"};
	struct hss_bind_update u = {"sip:ue2@[2001:db8:1:2::1]:5060", "",
				    "<sip:term@[2001:db8:c::1]:5070;lr>", "fuzz", 1, 1000000000};
	char path[128];

	log_init("fuzz_hss_sip", LOG_LEVEL_ERR, false);
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_hss_sip.XXXXXX");
	if (!mkdtemp(fuzz_dir))
		fuzz_fail("mkdtemp");
	snprintf(path, sizeof(path), "%s/hss.db", fuzz_dir);
	fuzz_db = hss_db_new();
	if (!fuzz_db || hss_db_open(fuzz_db, path) != 0)
		fuzz_fail("cannot open the database");
	atexit(fuzz_cleanup);
	fuzz_subscriber("ue1@ims.test", "sip:ue1@ims.test", "ceb82e634ee88d9f99f889e41bff9a6a",
			"6210adee92d89e49211c0bb0b8ef421a");
	fuzz_subscriber("ue2@ims.test", "sip:ue2@ims.test", "df015b7c1d04027948b2b3191ef8ba5d",
			"7865b1a3fc4122b337d79a65337368cb");
	fuzz_sip = hss_sip_new(&cfg, fuzz_db, fuzz_send, NULL);
	if (!fuzz_sip)
		fuzz_fail("hss_sip_new");
	fuzz_local(SIP_PROTO_UDP, "2001:db8:c::2");
	fuzz_local(SIP_PROTO_TCP, "2001:db8:c::2");
	fuzz_local(SIP_PROTO_UDP, "10.2.0.2");
	fuzz_local(SIP_PROTO_TCP, "10.2.0.2");
	if (hss_bind_update(fuzz_sip->bind, "ue2@ims.test", &u, fuzz_now) != 0)
		fuzz_fail("cannot register ue2");
}

static void fuzz_one(const char *buf, size_t len, enum sip_proto proto, const char *peer,
		     uint64_t conn_id)
{
	struct sockaddr_storage from, to;
	struct sip_transport_rx rx = {buf, len, proto, &to, &from, conn_id};
	struct sip_msg *m = sip_msg_new();

	if (!m)
		fuzz_fail("out of memory");
	sip_util_sockaddr_set(peer, strlen(peer), 5060, &from);
	sip_util_sockaddr_set("2001:db8:c::2", 13, 5060, &to);
	fuzz_check =
	    sip_msg_parse(m, buf, len, proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0, NULL) == 0;
	sip_msg_free(m);
	fuzz_now += 1000;
	hss_sip_receive(fuzz_sip, &rx, fuzz_now);
	hss_sip_expire(fuzz_sip, fuzz_now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_sip)
		fuzz_init();
	fuzz_one((const char *)data, size, SIP_PROTO_UDP, "2001:db8:1:1::1", 0);
	fuzz_one((const char *)data, size, SIP_PROTO_TCP, "2001:db8:c::1", 7);
	return 0;
}
