/* hss_auth.c — AKA challenges, Digest AKAv1-MD5 verification, AUTS resynchronisation. */
#include "hss-stub/hss_auth.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "hss-stub/hss_map.h"

#define HSS_AUTH_MAX_PENDING_DEFAULT 65536

/* One challenge sent and not yet answered. */
struct hss_auth_pending {
	char impi[HSS_ID_MAX + 1];
	uint8_t rand[MILENAGE_RAND_LEN];
	uint8_t xres[MILENAGE_RES_LEN];
	uint64_t expires_ms;
};

struct hss_auth {
	struct hss_db *db;
	struct hss_map *pending; /* nonce -> struct hss_auth_pending */
	uint64_t timeout_ms;
	size_t max_pending;
};

static void hss_auth_pending_free(void *p)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, sizeof(struct hss_auth_pending));
	free(p);
}

struct hss_auth *hss_auth_new(struct hss_db *db, uint64_t timeout_ms, size_t max_pending)
{
	struct hss_auth *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->pending = hss_map_new(hss_auth_pending_free);
	if (!a->pending) {
		free(a);
		return NULL;
	}
	a->db = db;
	a->timeout_ms = timeout_ms;
	a->max_pending = max_pending ? max_pending : HSS_AUTH_MAX_PENDING_DEFAULT;
	return a;
}

void hss_auth_free(struct hss_auth *a)
{
	if (!a)
		return;
	hss_map_free(a->pending);
	free(a);
}

void hss_auth_challenge_wipe(struct hss_auth_challenge *c)
{
	if (c)
		OPENSSL_cleanse(c, sizeof(*c));
}

/* Remember @av under its nonce; the oldest challenge goes when the table is full. */
static int hss_auth_remember(struct hss_auth *a, const char *impi, const struct aka_vector *av,
			     const char *nonce, uint64_t now_ms)
{
	struct hss_auth_pending *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	snprintf(p->impi, sizeof(p->impi), "%s", impi);
	memcpy(p->rand, av->rand, sizeof(p->rand));
	memcpy(p->xres, av->xres, sizeof(p->xres));
	p->expires_ms = now_ms + a->timeout_ms;
	while (hss_map_count(a->pending) >= a->max_pending)
		hss_map_del_oldest(a->pending);
	ret = hss_map_put(a->pending, nonce, p);
	if (ret)
		hss_auth_pending_free(p);
	return ret;
}

static int hss_auth_encode(const struct aka_vector *av, struct hss_auth_challenge *out)
{
	uint8_t both[MILENAGE_RAND_LEN + AKA_AUTN_LEN];
	int ret;

	memcpy(both, av->rand, MILENAGE_RAND_LEN);
	memcpy(both + MILENAGE_RAND_LEN, av->autn, AKA_AUTN_LEN);
	ret = codec_base64_encode(both, sizeof(both), out->nonce, sizeof(out->nonce));
	if (!ret)
		ret = codec_hex_encode(av->ck, sizeof(av->ck), out->ck, sizeof(out->ck));
	if (!ret)
		ret = codec_hex_encode(av->ik, sizeof(av->ik), out->ik, sizeof(out->ik));
	out->sqn = av->sqn;
	return ret;
}

int hss_auth_challenge(struct hss_auth *a, const struct hss_subscriber *sub, uint64_t now_ms,
		       struct hss_auth_challenge *out)
{
	struct aka_vector av;
	uint64_t sqn = 0;
	int ret;

	if (!a || !sub || !sub->impi || !out)
		return -EINVAL;
	memset(&av, 0, sizeof(av));
	memset(out, 0, sizeof(*out));
	ret = hss_db_sqn_advance(a->db, sub->impi, &sqn);
	if (ret) {
		log_err("cannot take the next SQN of %s: %s", sub->impi, hss_db_error(a->db));
		return ret;
	}
	ret = aka_vector_generate(sub->k, sub->opc, sub->amf, sqn, NULL, &av);
	if (!ret)
		ret = hss_auth_encode(&av, out);
	if (!ret)
		ret = hss_auth_remember(a, sub->impi, &av, out->nonce, now_ms);
	aka_vector_wipe(&av);
	if (ret)
		hss_auth_challenge_wipe(out);
	else
		log_debug("challenge for %s with SQN %llx", sub->impi, (unsigned long long)sqn);
	return ret;
}

/* The live challenge of @nonce for @impi, or NULL. */
static struct hss_auth_pending *hss_auth_find(struct hss_auth *a, const char *impi,
					      const char *nonce, uint64_t now_ms)
{
	struct hss_auth_pending *p = hss_map_get(a->pending, nonce);

	if (!p || strcmp(p->impi, impi) != 0)
		return NULL;
	if (p->expires_ms <= now_ms) {
		hss_map_del(a->pending, nonce);
		return NULL;
	}
	return p;
}

int hss_auth_verify(struct hss_auth *a, const char *impi, const struct digest_input *in,
		    const char *response, uint64_t now_ms)
{
	struct hss_auth_pending *p;
	struct digest_input d;
	int ret;

	if (!a || !impi || !in || !in->nonce || !response)
		return -EINVAL;
	p = hss_auth_find(a, impi, in->nonce, now_ms);
	if (!p)
		return HSS_AUTH_STALE;
	d = *in;
	d.password = p->xres;
	d.password_len = sizeof(p->xres);
	ret = digest_response_verify(&d, response);
	/* A nonce is good for one answer, right or wrong (RFC 3310 §3.3). */
	hss_map_del(a->pending, in->nonce);
	if (ret == -EACCES)
		return HSS_AUTH_FAILED;
	return ret ? ret : HSS_AUTH_OK;
}

int hss_auth_resync(struct hss_auth *a, const struct hss_subscriber *sub, const char *nonce,
		    const char *auts, uint64_t now_ms)
{
	uint8_t raw[AKA_AUTS_LEN + 3];
	struct hss_auth_pending *p;
	uint64_t sqn_ms = 0;
	ssize_t n;
	int ret;

	if (!a || !sub || !sub->impi || !nonce || !auts)
		return -EINVAL;
	p = hss_auth_find(a, sub->impi, nonce, now_ms);
	if (!p)
		return HSS_AUTH_STALE;
	n = codec_base64_decode(auts, strlen(auts), raw, sizeof(raw));
	if (n != AKA_AUTS_LEN)
		ret = AKA_MAC_FAILURE;
	else
		ret = aka_auts_verify(sub->k, sub->opc, p->rand, raw, &sqn_ms);
	hss_map_del(a->pending, nonce);
	if (ret == AKA_MAC_FAILURE)
		return HSS_AUTH_FAILED;
	if (ret)
		return ret < 0 ? ret : -EIO;
	ret = hss_db_sqn_set(a->db, sub->impi, sqn_ms);
	if (ret) {
		log_err("cannot store SQN_MS of %s: %s", sub->impi, hss_db_error(a->db));
		return ret;
	}
	log_info("resynchronised %s: SQN_MS %llx", sub->impi, (unsigned long long)sqn_ms);
	return HSS_AUTH_OK;
}

static bool hss_auth_is_expired(const char *key, void *value, void *arg)
{
	const struct hss_auth_pending *p = value;

	(void)key;
	return p->expires_ms <= *(const uint64_t *)arg;
}

size_t hss_auth_expire(struct hss_auth *a, uint64_t now_ms)
{
	return a ? hss_map_sweep(a->pending, hss_auth_is_expired, &now_ms) : 0;
}

size_t hss_auth_pending(const struct hss_auth *a)
{
	return a ? hss_map_count(a->pending) : 0;
}
