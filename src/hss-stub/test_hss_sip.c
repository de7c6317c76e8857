/* test_hss_sip.c — the shared fixture of the registrar and proxy tests (see test_hss_sip.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/codec.h"
#include "common/digest.h"
#include "sip/sip_hdr.h"
#include "sip/sip_util.h"
#include "test_hss_sip.h"

/* The lab subscribers ue1 and ue2 of etc/subscribers.example; ue1 also has a tel: IMPU. */
static const struct t_ue t_ues[3] = {
    {NULL, NULL, NULL, NULL, NULL, {0, 0}, 0},
    {"ue1@ims.test", "sip:ue1@ims.test", "tel:+15550001", "ceb82e634ee88d9f99f889e41bff9a6a",
     "6210adee92d89e49211c0bb0b8ef421a", {0x20, AKA_SQN_DELTA_DEFAULT}, 0},
    {"ue2@ims.test", "sip:ue2@ims.test", NULL, "df015b7c1d04027948b2b3191ef8ba5d",
     "7865b1a3fc4122b337d79a65337368cb", {0x20, AKA_SQN_DELTA_DEFAULT}, 0},
};

static int t_send(const struct hss_sip_tx *tx, void *arg)
{
	struct t_fix *f = arg;
	struct t_sent *s;

	assert_true(f->n_sent < T_MAX_SENT);
	s = &f->sent[f->n_sent++];
	memset(s, 0, sizeof(*s));
	s->proto = tx->proto;
	s->peer = *tx->peer;
	s->has_local = tx->local != NULL;
	if (tx->local)
		s->local = *tx->local;
	s->conn_id = tx->conn_id;
	s->buf = malloc(tx->len + 1);
	assert_non_null(s->buf);
	memcpy(s->buf, tx->buf, tx->len);
	s->buf[tx->len] = '\0';
	s->len = tx->len;
	return f->send_result;
}

static void t_add_subscriber(struct t_fix *f, const struct t_ue *u)
{
	struct hss_subscriber *sub = hss_subscriber_new();
	uint8_t opc[MILENAGE_K_LEN];

	assert_non_null(sub);
	assert_int_equal(hss_subscriber_set_impi(sub, u->impi), 0);
	assert_int_equal(hss_subscriber_add_impu(sub, u->impu), 0);
	if (u->impu2)
		assert_int_equal(hss_subscriber_add_impu(sub, u->impu2), 0);
	assert_int_equal(codec_hex_decode_exact(u->k, sub->k, sizeof(sub->k)), 0);
	assert_int_equal(codec_hex_decode_exact(u->opc, opc, sizeof(opc)), 0);
	hss_subscriber_set_opc(sub, opc);
	sub->sqn = 0x20;
	assert_int_equal(hss_db_subscriber_add(f->db, sub), 0);
	hss_subscriber_free(sub);
}

static void t_add_local(struct t_fix *f, enum sip_proto proto, const char *host)
{
	struct sockaddr_storage ss;

	assert_int_equal(sip_util_sockaddr_set(host, strlen(host), 5060, &ss), 0);
	assert_int_equal(hss_sip_add_local(f->sip, proto, &ss), 0);
}

void t_use_config(struct t_fix *f, const struct hss_sip_config *cfg)
{
	hss_sip_free(f->sip);
	f->sip = hss_sip_new(cfg, f->db, t_send, f);
	assert_non_null(f->sip);
	t_add_local(f, SIP_PROTO_UDP, T_SCSCF6);
	t_add_local(f, SIP_PROTO_TCP, T_SCSCF6);
	t_add_local(f, SIP_PROTO_UDP, T_SCSCF4);
	t_add_local(f, SIP_PROTO_TCP, T_SCSCF4);
}

static int t_setup_with(void **state, const struct hss_sip_config *cfg)
{
	struct t_fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_hss_sip.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/hss.db", f->dir);
	f->db = hss_db_new();
	if (!f->db || hss_db_open(f->db, f->path))
		return -1;
	memcpy(f->ue, t_ues, sizeof(f->ue));
	t_add_subscriber(f, &f->ue[1]);
	t_add_subscriber(f, &f->ue[2]);
	t_use_config(f, cfg);
	f->now = 1000000;
	*state = f;
	return 0;
}

int t_setup(void **state)
{
	struct hss_sip_config cfg = {.domain = "ims.test"};

	return t_setup_with(state, &cfg);
}

int t_setup_always_challenge(void **state)
{
	struct hss_sip_config cfg = {.domain = "ims.test", .always_challenge = true};

	return t_setup_with(state, &cfg);
}

int t_teardown(void **state)
{
	struct t_fix *f = *state;
	char cmd[160];

	t_clear(f);
	hss_sip_free(f->sip);
	hss_db_free(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void t_parse_addr(const char *text, struct sockaddr_storage *ss)
{
	const char *colon = strrchr(text, ':');

	assert_non_null(colon);
	assert_int_equal(
	    sip_util_sockaddr_set(text, (size_t)(colon - text), (uint16_t)atoi(colon + 1), ss), 0);
}

void t_rx(struct t_fix *f, enum sip_proto proto, const char *peer, uint64_t conn_id,
	  const char *text)
{
	struct sockaddr_storage from, to;
	struct sip_transport_rx rx = {0};

	t_parse_addr(peer, &from);
	t_parse_addr(from.ss_family == AF_INET6 ? "[" T_SCSCF6 "]:5060" : T_SCSCF4 ":5060", &to);
	rx.buf = text;
	rx.len = strlen(text);
	rx.proto = proto;
	rx.local = &to;
	rx.peer = &from;
	rx.conn_id = conn_id;
	hss_sip_receive(f->sip, &rx, f->now);
}

void t_rx_ue(struct t_fix *f, int ue, const char *text)
{
	char peer[64];

	snprintf(peer, sizeof(peer), "[2001:db8:1:%d::1]:5060", ue);
	t_rx(f, SIP_PROTO_UDP, peer, 0, text);
}

struct t_sent *t_sent(struct t_fix *f, size_t i)
{
	struct t_sent *s;

	if (i >= f->n_sent)
		fail_msg("message %zu was not sent (%zu sent)", i, f->n_sent);
	s = &f->sent[i];
	if (sip_msg_parse(&s->msg, s->buf, s->len, 0, NULL) != 0)
		fail_msg("sent message does not parse:\n%s", s->buf);
	return s;
}

void t_clear(struct t_fix *f)
{
	size_t i;

	for (i = 0; i < f->n_sent; i++)
		free(f->sent[i].buf);
	f->n_sent = 0;
}

const char *t_hdr(const struct sip_msg *m, const char *name, size_t nth)
{
	static char buf[8192];
	int i = sip_msg_find_name(m, name, strlen(name), 0);
	struct sip_str v;

	while (i >= 0 && nth--)
		i = sip_msg_find_name(m, name, strlen(name), (size_t)i + 1);
	if (i < 0)
		return NULL;
	v = sip_msg_hdr_value(m, (size_t)i);
	assert_true(v.len < sizeof(buf));
	memcpy(buf, v.s, v.len);
	buf[v.len] = '\0';
	return buf;
}

const char *t_auth_param(const char *value, const char *name)
{
	static char buf[1024];
	struct sip_auth_param p;

	if (sip_hdr_auth_find(value, strlen(value), name, &p) != 1)
		return NULL;
	assert_true(p.value.len < sizeof(buf));
	memcpy(buf, p.value.s, p.value.len);
	buf[p.value.len] = '\0';
	return buf;
}

const char *t_reason(const struct sip_msg *m)
{
	static char buf[256];

	assert_int_equal((int)(m->reason.len < sizeof(buf)), 1);
	memcpy(buf, m->reason.s, m->reason.len);
	buf[m->reason.len] = '\0';
	return buf;
}

const char *t_addr(const struct sockaddr_storage *ss)
{
	static char buf[SIP_UTIL_ADDR_SIZE];

	assert_true(sip_util_sockaddr_format(ss, buf, sizeof(buf)) > 0);
	return buf;
}

/* "NAME: VALUE" CRLF, or "" without a value. */
static void t_line(char *buf, size_t size, const char *name, const char *value)
{
	buf[0] = '\0';
	if (value)
		snprintf(buf, size, "%s: %s\r\n", name, value);
}

const char *t_register_text(struct t_fix *f, const struct t_reg *r)
{
	static char buf[8192], contact[256], branch[64], path[512], authz[2048], expires[64];
	unsigned int cseq = r->cseq ? r->cseq : 1;
	const char *user = f->ue[r->ue].impu + 4;

	snprintf(branch, sizeof(branch), "z9hG4bKreg%u", cseq);
	snprintf(contact, sizeof(contact), "Contact: %s\r\n", r->contact ? r->contact : "");
	if (!r->contact)
		snprintf(contact, sizeof(contact), "Contact: <sip:ue%d@[2001:db8:1:%d::1]:5060>\r\n",
			 r->ue, r->ue);
	else if (!r->contact[0])
		contact[0] = '\0';
	t_line(path, sizeof(path), "Path", r->path);
	t_line(authz, sizeof(authz), "Authorization", r->authz);
	t_line(expires, sizeof(expires), "Expires", r->expires);
	snprintf(buf, sizeof(buf),
		 "REGISTER sip:ims.test SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP [2001:db8:1:%d::1]:5060;branch=%s%s\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:%s>;tag=from%d\r\n"
		 "To: <sip:%s>\r\n"
		 "Call-ID: reg-ue%d\r\n"
		 "CSeq: %u REGISTER\r\n"
		 "%s%s%s%s%s"
		 "Content-Length: 0\r\n\r\n",
		 r->ue, r->branch ? r->branch : branch, r->rport ? ";rport" : "", user, r->ue, user,
		 r->ue, cseq, contact, expires, path, authz, r->extra ? r->extra : "");
	return buf;
}

/* Decode the nonce of a challenge into RAND and AUTN. */
static void t_nonce(const char *www, uint8_t rand[16], uint8_t autn[16])
{
	const char *nonce = t_auth_param(www, "nonce");
	uint8_t both[32];

	assert_non_null(nonce);
	assert_int_equal(codec_base64_decode(nonce, strlen(nonce), both, sizeof(both)), 32);
	memcpy(rand, both, 16);
	memcpy(autn, both + 16, 16);
}

static void t_digest(const char *impi, const char *nonce, const uint8_t *res, size_t res_len,
		     char response[DIGEST_HEX_SIZE])
{
	struct digest_input in = {
	    .username = impi, .realm = "ims.test", .password = res, .password_len = res_len,
	    .method = "REGISTER", .uri = "sip:ims.test", .nonce = nonce, .qop = "auth",
	    .nc = "00000001", .cnonce = "0a4f113b",
	};

	assert_int_equal(digest_response(&in, response), 0);
}

int t_answer(struct t_fix *f, int ue, const struct sip_msg *challenge, char *authz, size_t size)
{
	struct t_ue *u = &f->ue[ue];
	const char *www = t_hdr(challenge, "WWW-Authenticate", 0);
	uint8_t k[16], opc[16], rand[16], autn[16];
	struct aka_ue_response resp;
	char nonce[64], response[DIGEST_HEX_SIZE], auts[32], hex[33];
	int ret;

	assert_non_null(www);
	snprintf(nonce, sizeof(nonce), "%s", t_auth_param(www, "nonce"));
	t_nonce(www, rand, autn);
	assert_int_equal(codec_hex_decode_exact(u->k, k, 16), 0);
	assert_int_equal(codec_hex_decode_exact(u->opc, opc, 16), 0);
	ret = aka_ue_authenticate(k, opc, rand, autn, &u->sqn, &resp);
	if (ret == AKA_SYNC_FAILURE) {
		assert_int_equal(codec_base64_encode(resp.auts, sizeof(resp.auts), auts,
						     sizeof(auts)), 0);
		t_digest(u->impi, nonce, NULL, 0, response);
		snprintf(authz, size,
			 "Digest username=\"%s\", realm=\"ims.test\", nonce=\"%s\", "
			 "uri=\"sip:ims.test\", response=\"%s\", algorithm=AKAv1-MD5, "
			 "auts=\"%s\", qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
			 u->impi, nonce, response, auts);
		return ret;
	}
	assert_int_equal(ret, AKA_OK);
	/* The P-CSCF's keys are the UE's keys. */
	codec_hex_encode(resp.ck, 16, hex, sizeof(hex));
	assert_string_equal(t_auth_param(www, "ck"), hex);
	codec_hex_encode(resp.ik, 16, hex, sizeof(hex));
	assert_string_equal(t_auth_param(www, "ik"), hex);
	t_digest(u->impi, nonce, resp.res, sizeof(resp.res), response);
	snprintf(authz, size,
		 "Digest username=\"%s\", realm=\"ims.test\", nonce=\"%s\", uri=\"sip:ims.test\", "
		 "response=\"%s\", algorithm=AKAv1-MD5, qop=auth, nc=00000001, "
		 "cnonce=\"0a4f113b\"",
		 u->impi, nonce, response);
	return AKA_OK;
}

void t_register(struct t_fix *f, int ue, const char *contact, const char *path)
{
	struct t_reg r = {.ue = ue, .contact = contact, .path = path, .expires = "600"};
	char authz[1024];

	r.cseq = ++f->ue[ue].cseq;
	t_clear(f);
	t_rx_ue(f, ue, t_register_text(f, &r));
	assert_int_equal(t_sent(f, 0)->msg.status, 401);
	assert_int_equal(t_answer(f, ue, &t_sent(f, 0)->msg, authz, sizeof(authz)), AKA_OK);
	r.cseq = ++f->ue[ue].cseq;
	r.authz = authz;
	t_clear(f);
	t_rx_ue(f, ue, t_register_text(f, &r));
	assert_int_equal(t_sent(f, 0)->msg.status, 200);
	t_clear(f);
}

uint64_t t_db_sqn(struct t_fix *f, const char *impi)
{
	struct hss_subscriber *sub = NULL;
	uint64_t sqn;

	assert_int_equal(hss_db_subscriber_get_by_impi(f->db, impi, &sub), 0);
	sqn = sub->sqn;
	hss_subscriber_free(sub);
	return sqn;
}
