/*
 * sign_sip.c — the signatures of sign.h on parsed messages: what each covers is in
 * sign_canon.c, how keys are found here.
 */
#include "sign/sign.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sign/sign_canon.h"
#include "sip/sip_uri.h"

/* The key that signs now: -ENOKEY before the first tick, or when it was not called since
 * the key expired. */
int sign_signing_key(const struct sign_ring *ring, uint64_t now, const struct sign_key **key)
{
	*key = sign_ring_signing_key(ring);
	return *key && (*key)->expires > now ? 0 : -ENOKEY;
}

/* ";NAME=TOKEN" for a signature with @n_macs MACs, and ";WRAPNAME=WRAP" in a pool. */
int sign_format(const struct sign_ring *ring, const char *name, const struct sign_sig *sig,
		const char *wrap_name, char *out, size_t size)
{
	char tok[SIGN_SIG_TEXT_SIZE];
	int n;

	if (sign_sig_encode(sig, tok, sizeof(tok)) < 0)
		return -EINVAL;
	if (wrap_name && ring->wrap_text[0])
		n = snprintf(out, size, ";%s=%s;%s=%s", name, tok, wrap_name, ring->wrap_text);
	else
		n = snprintf(out, size, ";%s=%s", name, tok);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* A key of our own ring that verifies at @now. */
enum sign_result sign_own_key(const struct sign_ring *ring, uint32_t kid, uint64_t now,
			      const struct sign_key **key)
{
	*key = sign_ring_find(ring, kid);
	if (!*key)
		return SIGN_UNKNOWN_KEY;
	return (*key)->expires > now ? SIGN_OK : SIGN_EXPIRED_KEY;
}

/* Our key, else the one wrapped in @wrap (a pool member's). */
enum sign_result sign_any_key(struct sign_ring *ring, uint32_t kid, const struct sip_param *wrap,
			      uint64_t now, const struct sign_key **key)
{
	struct sign_wrap w;

	if (sign_ring_find(ring, kid) || !wrap)
		return sign_own_key(ring, kid, now, key);
	if (sign_wrap_parse(wrap->value.s, wrap->value.len, &w) < 0)
		return SIGN_MALFORMED;
	if (w.kid != kid)
		return SIGN_BAD_WRAP;
	return sign_wrap_key(ring, &w, now, key);
}

/* Parse a parameter's token; @n_macs is what this kind carries. */
enum sign_result sign_param_sig(const struct sip_param *p, size_t n_macs, struct sign_sig *sig)
{
	if (!p->has_value || p->quoted || sign_sig_parse(p->value.s, p->value.len, sig) < 0 ||
	    sig->n_macs != n_macs)
		return SIGN_MALFORMED;
	return SIGN_OK;
}

enum sign_result sign_compare(const uint8_t *mac, const uint8_t *want)
{
	return CRYPTO_memcmp(mac, want, SIGN_MAC_LEN) == 0 ? SIGN_OK : SIGN_BAD_MAC;
}

/* MAC of the Via kind: our branch, the CSeq, then the Vias below ours. */
static int sign_via_mac(struct sign_ring *ring, const struct sign_key *key, const char *branch,
			size_t branch_len, const struct sip_msg *msg, const struct sip_str *vias,
			size_t n, uint8_t *mac)
{
	uint8_t seq[4] = {(uint8_t)(msg->cseq >> 24), (uint8_t)(msg->cseq >> 16),
			  (uint8_t)(msg->cseq >> 8), (uint8_t)msg->cseq};
	int ret = 0;

	sign_mac_begin(ring, key, SIGN_KIND_VIA);
	sign_mac_field(ring, branch, branch_len);
	sign_mac_field(ring, seq, sizeof(seq));
	sign_mac_field(ring, msg->cseq_method_str.s, msg->cseq_method_str.len);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = sign_canon_via(ring, vias[i], i == 0);
	if (ret == 0)
		ret = sign_mac_end(ring, mac);
	else
		sign_mac_end(ring, mac);
	return ret;
}

int sign_via(struct sign_ring *ring, const struct sip_msg *req, const char *branch, uint64_t now,
	     char *out, size_t size)
{
	struct sip_str vias[SIGN_LIST_MAX];
	struct sign_sig sig = {.n_macs = 1};
	const struct sign_key *key;
	size_t n;
	int ret = sign_signing_key(ring, now, &key);

	if (ret == 0)
		ret = sign_collect(req, SIP_HDR_VIA, vias, SIGN_LIST_MAX, &n) < 0 ? -EINVAL : 0;
	if (ret == 0)
		ret = sign_via_mac(ring, key, branch, strlen(branch), req, vias, n, sig.mac[0]);
	if (ret == 0) {
		sig.kid = key->id;
		ret = sign_format(ring, SIGN_PARAM_VIA, &sig, NULL, out, size);
	}
	return ret;
}

enum sign_result sign_via_verify(struct sign_ring *ring, const struct sip_msg *resp, uint64_t now)
{
	struct sip_str vias[SIGN_LIST_MAX];
	uint8_t mac[SIGN_MAC_LEN];
	const struct sign_key *key;
	struct sign_sig sig;
	struct sip_param p;
	struct sip_via via;
	enum sign_result r;
	size_t n;

	if (sign_collect(resp, SIP_HDR_VIA, vias, SIGN_LIST_MAX, &n) < 0 || n == 0 ||
	    sip_hdr_via_parse(vias[0].s, vias[0].len, &via) < 0 || !via.has_branch)
		return SIGN_MALFORMED;
	if (sip_hdr_param_find(via.params.s, via.params.len, SIGN_PARAM_VIA, &p) != 1)
		return SIGN_MISSING;
	r = sign_param_sig(&p, 1, &sig);
	if (r == SIGN_OK)
		r = sign_own_key(ring, sig.kid, now, &key);
	if (r != SIGN_OK)
		return r;
	if (sign_via_mac(ring, key, via.branch.s, via.branch.len, resp, vias + 1, n - 1, mac) < 0)
		return SIGN_MALFORMED;
	return sign_compare(mac, sig.mac[0]);
}

int sign_request_rrs(const struct sign_ring *ring, const struct sip_msg *req, uint64_t now,
		     const struct sign_key **key, struct sip_str *rrs, size_t *n)
{
	int ret = sign_signing_key(ring, now, key);

	if (ret == 0 && sign_collect(req, SIP_HDR_RECORD_ROUTE, rrs, SIGN_LIST_MAX, n) < 0)
		ret = -EINVAL;
	return ret;
}

int sign_rr(struct sign_ring *ring, const struct sip_msg *req, const struct sip_str *own_below,
	    size_t n_own, uint64_t now, char *out, size_t size)
{
	struct sip_str rrs[SIGN_LIST_MAX];
	struct sign_sig sig = {.n_macs = 1};
	const struct sign_key *key;
	size_t n;
	int ret = sign_request_rrs(ring, req, now, &key, rrs, &n);

	if (ret == 0)
		ret = sign_mac_uri_list(ring, key, SIGN_KIND_RR, req, own_below, n_own, rrs, n,
					false, sig.mac[0]);
	if (ret == 0) {
		sig.kid = key->id;
		ret = sign_format(ring, SIGN_PARAM_RR, &sig, NULL, out, size);
	}
	return ret;
}

enum sign_result sign_rr_verify(struct sign_ring *ring, const struct sip_msg *resp, uint64_t now,
				struct sip_str *param)
{
	return sign_rr_verify_at(ring, resp, 0, now, param);
}

enum sign_result sign_rr_verify_at(struct sign_ring *ring, const struct sip_msg *resp, size_t at,
				   uint64_t now, struct sip_str *param)
{
	struct sip_str rrs[SIGN_LIST_MAX];
	uint8_t mac[SIGN_MAC_LEN];
	const struct sign_key *key;
	struct sip_nameaddr na;
	struct sign_sig sig;
	struct sip_param p;
	enum sign_result r;
	size_t n;

	if (param)
		param->s = NULL, param->len = 0;
	if (sign_collect(resp, SIP_HDR_RECORD_ROUTE, rrs, SIGN_LIST_MAX, &n) < 0)
		return SIGN_MALFORMED;
	if (n <= at)
		return SIGN_MISSING;
	if (sip_hdr_nameaddr_parse(rrs[at].s, rrs[at].len, &na) < 0)
		return SIGN_MALFORMED;
	if (sip_hdr_param_find(na.params.s, na.params.len, SIGN_PARAM_RR, &p) != 1)
		return SIGN_MISSING;
	r = sign_param_sig(&p, 1, &sig);
	if (r == SIGN_OK)
		r = sign_own_key(ring, sig.kid, now, &key);
	if (r == SIGN_OK && sign_mac_uri_list(ring, key, SIGN_KIND_RR, resp, NULL, 0, rrs + at + 1,
					      n - at - 1, false, mac) < 0)
		r = SIGN_MALFORMED;
	if (r == SIGN_OK)
		r = sign_compare(mac, sig.mac[0]);
	if (r == SIGN_OK && param)
		*param = p.item;
	return r;
}
