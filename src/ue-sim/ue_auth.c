/* ue_auth.c — AKA challenge in, Digest AKAv1-MD5 credentials out (see ue_auth.h). */
#include "ue-sim/ue_auth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/codec.h"
#include "sip/sip_hdr.h"
#include "sip/sip_util.h"

__attribute__((format(printf, 3, 4))) static int ue_auth_why(char *why, size_t why_size,
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

/* Copy a parameter value into a fixed buffer; -EINVAL when it does not fit. */
static int ue_auth_copy(char *dst, size_t size, struct sip_str v)
{
	if (v.len >= size)
		return -EINVAL;
	memcpy(dst, v.s, v.len);
	dst[v.len] = '\0';
	return 0;
}

/* Whether the qop-options list (`auth,auth-int`) holds "auth". */
static bool ue_auth_qop_has_auth(struct sip_str v)
{
	size_t pos = 0;

	while (pos < v.len) {
		size_t start = sip_hdr_skip_lws(v.s, v.len, pos), end = start;

		while (end < v.len && v.s[end] != ',' && v.s[end] != ' ' && v.s[end] != '\t')
			end++;
		if (end - start == 4 && strncasecmp(v.s + start, "auth", 4) == 0)
			return true;
		while (end < v.len && v.s[end] != ',')
			end++;
		pos = end + 1;
	}
	return false;
}

/* Decode the nonce into RAND and AUTN. */
static int ue_auth_nonce(struct ue_challenge *ch, char *why, size_t why_size)
{
	uint8_t raw[UE_AUTH_STR_MAX];
	ssize_t n = codec_base64_decode(ch->nonce, strlen(ch->nonce), raw, sizeof(raw));

	if (n < (ssize_t)(MILENAGE_RAND_LEN + AKA_AUTN_LEN))
		return ue_auth_why(why, why_size, "nonce is not base64 of RAND and AUTN");
	memcpy(ch->rand, raw, MILENAGE_RAND_LEN);
	memcpy(ch->autn, raw + MILENAGE_RAND_LEN, AKA_AUTN_LEN);
	return 0;
}

/* Take one parameter of the challenge. */
static int ue_auth_param(struct ue_challenge *ch, const struct sip_auth_param *p, bool *qop)
{
	if (sip_str_caseeq(p->name, "realm"))
		return ue_auth_copy(ch->realm, sizeof(ch->realm), p->value);
	if (sip_str_caseeq(p->name, "nonce"))
		return ue_auth_copy(ch->nonce, sizeof(ch->nonce), p->value);
	if (sip_str_caseeq(p->name, "opaque")) {
		ch->has_opaque = true;
		return ue_auth_copy(ch->opaque, sizeof(ch->opaque), p->value);
	}
	if (sip_str_caseeq(p->name, "algorithm"))
		return ue_auth_copy(ch->algorithm, sizeof(ch->algorithm), p->value);
	if (sip_str_caseeq(p->name, "qop")) {
		*qop = true;
		ch->qop_auth = ue_auth_qop_has_auth(p->value);
	}
	return 0;
}

int ue_auth_parse_challenge(const char *value, size_t len, struct ue_challenge *ch, char *why,
			    size_t why_size)
{
	struct sip_hdr_iter it;
	struct sip_auth_param p;
	struct sip_str scheme;
	bool qop = false;
	int ret;

	memset(ch, 0, sizeof(*ch));
	if (sip_hdr_auth_begin(&it, value, len, &scheme) != 0 || !sip_str_caseeq(scheme, "Digest"))
		return ue_auth_why(why, why_size, "not a Digest challenge");
	while ((ret = sip_hdr_auth_next(&it, &p)) == 1)
		if (ue_auth_param(ch, &p, &qop) != 0)
			return ue_auth_why(why, why_size, "a challenge parameter is too long");
	if (ret < 0)
		return ue_auth_why(why, why_size, "malformed challenge");
	if (strcasecmp(ch->algorithm, "AKAv1-MD5") != 0)
		return ue_auth_why(why, why_size, "algorithm is not AKAv1-MD5");
	if (!ch->realm[0] || !ch->nonce[0])
		return ue_auth_why(why, why_size, "challenge without realm or nonce");
	if (qop && !ch->qop_auth) {
		ue_auth_why(why, why_size, "qop offered without \"auth\"");
		return -EOPNOTSUPP;
	}
	return ue_auth_nonce(ch, why, why_size);
}

/* The response for the current nc/cnonce, password RES (AKA_OK) or empty (AUTS). */
static int ue_auth_compute(const struct ue_ident *id, const char *uri, const char *method,
			   struct ue_auth *auth)
{
	char nc[9];
	struct digest_input in = {
		.username = id->impi,
		.realm = auth->ch.realm,
		.password = auth->status == AKA_OK ? auth->resp.res : NULL,
		.password_len = auth->status == AKA_OK ? sizeof(auth->resp.res) : 0,
		.method = method,
		.uri = uri,
		.nonce = auth->ch.nonce,
		.qop = auth->ch.qop_auth ? "auth" : NULL,
		.nc = auth->ch.qop_auth ? nc : NULL,
		.cnonce = auth->ch.qop_auth ? auth->cnonce : NULL,
	};

	snprintf(nc, sizeof(nc), "%08x", auth->nc);
	return digest_response(&in, auth->response);
}

int ue_auth_run(struct ue_ident *id, const struct ue_challenge *ch, const char *uri,
		const char *method, struct ue_auth *auth)
{
	int ret;

	memset(auth, 0, sizeof(*auth));
	auth->ch = *ch;
	ret = aka_ue_authenticate(id->k, id->opc, ch->rand, ch->autn, &id->sqn, &auth->resp);
	if (ret < 0)
		return ret;
	auth->status = ret;
	if (ret == AKA_MAC_FAILURE)
		return ret;
	auth->nc = 0;
	ret = ue_auth_next(id, uri, method, auth);
	return ret < 0 ? ret : auth->status;
}

int ue_auth_next(const struct ue_ident *id, const char *uri, const char *method,
		 struct ue_auth *auth)
{
	int ret;

	if (auth->status != AKA_OK && auth->status != AKA_SYNC_FAILURE)
		return -EINVAL;
	auth->nc++;
	ret = sip_util_random_token(auth->cnonce, sizeof(auth->cnonce), 16);
	if (ret < 0)
		return ret;
	return ue_auth_compute(id, uri, method, auth);
}

int ue_auth_header(const struct ue_ident *id, const struct ue_auth *auth, const char *uri,
		   char *buf, size_t size)
{
	char auts[CODEC_BASE64_SIZE(AKA_AUTS_LEN)] = "", tail[128] = "";
	int n;

	if (auth->status != AKA_OK && auth->status != AKA_SYNC_FAILURE)
		return -EINVAL;
	if (auth->status == AKA_SYNC_FAILURE &&
	    codec_base64_encode(auth->resp.auts, AKA_AUTS_LEN, auts, sizeof(auts)) != 0)
		return -EINVAL;
	if (auth->ch.qop_auth)
		snprintf(tail, sizeof(tail), ", qop=auth, nc=%08x, cnonce=\"%s\"", auth->nc,
			 auth->cnonce);
	n = snprintf(buf, size,
		     "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
		     "response=\"%s\", algorithm=AKAv1-MD5%s%s%s%s%s%s",
		     id->impi, auth->ch.realm, auth->ch.nonce, uri, auth->response, tail,
		     auth->ch.has_opaque ? ", opaque=\"" : "",
		     auth->ch.has_opaque ? auth->ch.opaque : "", auth->ch.has_opaque ? "\"" : "",
		     auts[0] ? ", auts=\"" : "", auts);
	if (n >= 0 && (size_t)n < size && auts[0]) {
		int m = snprintf(buf + n, size - (size_t)n, "\"");

		n = m < 0 ? m : n + m;
	}
	OPENSSL_cleanse(auts, sizeof(auts));
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

int ue_auth_initial_header(const struct ue_ident *id, const char *uri, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "Digest username=\"%s\", realm=\"%s\", uri=\"%s\", nonce=\"\", "
			 "response=\"\"",
			 id->impi, id->domain, uri);

	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

void ue_auth_wipe(struct ue_auth *auth)
{
	if (!auth)
		return;
	aka_ue_response_wipe(&auth->resp);
	OPENSSL_cleanse(auth->response, sizeof(auth->response));
}
