/*
 * sign_route.c — route-set and target signatures: signed on the way to a UE (callee side in
 * the request, caller side in the response), checked on every in-dialog request from it.
 */
#include "sign/sign.h"

#include <errno.h>
#include <string.h>

#include "sign/sign_canon.h"
#include "sip/sip_uri.h"

/* Whether a URI parameter is one of the route-set signature's. */
static bool sign_route_is_param(struct sip_str name)
{
	return sip_str_caseeq(name, SIGN_PARAM_ROUTE) || sip_str_caseeq(name, SIGN_PARAM_WRAP);
}

/*
 * Put @text at the end of the URI parameters of the name-addr @elem, after removing the
 * parameters @strip picks; an addr-spec gets angle brackets so that they stay URI parameters.
 */
static int sign_route_uri_put(struct sip_edit *ed, struct sip_str elem,
			      bool (*strip)(struct sip_str), const char *text, size_t len)
{
	struct sip_nameaddr na;
	struct sip_hdr_iter it;
	struct sip_param p;
	struct sip_uri uri;
	const char *at;
	int ret;

	if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) < 0 || na.star ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) < 0 || uri.scheme == SIP_URI_OTHER)
		return -EINVAL;
	sip_hdr_iter_init(&it, uri.params.s, uri.params.len);
	while ((ret = sip_uri_param_next(&it, &p)) == 1)
		if (strip(p.name) && sip_edit_remove_span(ed, p.item.s, p.item.len) < 0)
			return -EINVAL;
	at = uri.headers.len ? uri.headers.s - 1 : na.uri.s + na.uri.len;
	if (ret == 0 && !na.angle)
		ret = sip_edit_replace_span(ed, na.uri.s, 0, "<", 1);
	if (ret == 0)
		ret = sip_edit_replace_span(ed, at, 0, text, len);
	if (ret == 0 && !na.angle)
		ret = sip_edit_replace_span(ed, na.uri.s + na.uri.len, 0, ">", 1);
	return ret;
}

/* Both MACs of a route-set token: the routes (@own, then @elems) and the remote target. */
static int sign_route_macs(struct sign_ring *ring, const struct sign_key *key,
			   const struct sip_msg *msg, const struct sip_str *own, size_t n_own,
			   const struct sip_str *elems, size_t n, bool reverse,
			   struct sign_sig *sig)
{
	struct sip_nameaddr contact;
	struct sip_str elem;
	int ret = sign_first_contact(msg, &elem, &contact);

	if (ret == 0)
		ret = sign_mac_uri_list(ring, key, SIGN_KIND_ROUTE, msg, own, n_own, elems, n,
					reverse, sig->mac[0]);
	if (ret == 0)
		ret = sign_mac_target(ring, key, msg, contact.uri, sig->mac[1]);
	sig->kid = key->id;
	sig->n_macs = 2;
	return ret;
}

int sign_route_callee(struct sign_ring *ring, const struct sip_msg *req,
		      const struct sip_str *own_below, size_t n_own, uint64_t now, char *out,
		      size_t size)
{
	struct sip_str rrs[SIGN_LIST_MAX];
	const struct sign_key *key;
	struct sign_sig sig;
	size_t n;
	int ret = sign_request_rrs(ring, req, now, &key, rrs, &n);

	if (ret == 0)
		ret = sign_route_macs(ring, key, req, own_below, n_own, rrs, n, false, &sig);
	if (ret == 0)
		ret = sign_format(ring, SIGN_PARAM_ROUTE, &sig, SIGN_PARAM_WRAP, out, size);
	return ret;
}

int sign_route_caller(struct sign_ring *ring, struct sip_edit *ed, const struct sip_msg *resp,
		      uint64_t now)
{
	struct sip_str rrs[SIGN_LIST_MAX];
	char text[SIGN_PARAM_MAX];
	const struct sign_key *key;
	struct sign_sig sig;
	size_t n = 0;
	int ret = sign_request_rrs(ring, resp, now, &key, rrs, &n);

	if (ret == 0 && n == 0)
		ret = -ENOENT;
	/* The caller's route set is the Record-Routes bottom to top; ours is the bottom one. */
	if (ret == 0)
		ret = sign_route_macs(ring, key, resp, NULL, 0, rrs, n - 1, true, &sig);
	if (ret == 0)
		ret = sign_format(ring, SIGN_PARAM_ROUTE, &sig, SIGN_PARAM_WRAP, text,
				  sizeof(text));
	if (ret >= 0)
		ret = sign_route_uri_put(ed, rrs[n - 1], sign_route_is_param, text, (size_t)ret);
	return ret;
}

int sign_target(struct sign_ring *ring, struct sip_edit *ed, const struct sip_msg *msg,
		uint64_t now)
{
	struct sign_sig sig = {.n_macs = 1};
	char text[SIGN_PARAM_MAX];
	const struct sign_key *key;
	struct sip_nameaddr na;
	struct sip_str elem;
	int ret = sign_signing_key(ring, now, &key);

	if (ret == 0)
		ret = sign_first_contact(msg, &elem, &na);
	if (ret == 0)
		ret = sign_mac_target(ring, key, msg, na.uri, sig.mac[0]);
	if (ret == 0) {
		sig.kid = key->id;
		ret = sign_format(ring, SIGN_PARAM_TARGET, &sig, SIGN_PARAM_TARGET_WRAP, text,
				  sizeof(text));
	}
	if (ret >= 0)
		ret = sign_route_uri_put(ed, elem, sign_is_target_param, text, (size_t)ret);
	return ret;
}

/* The target half: sg-tg in the Request-URI after a target refresh, else the second MAC of
 * the route-set token (checked after the routes: @rs_key may live in the unwrap cache). */
static enum sign_result sign_route_check_target(struct sign_ring *ring, const struct sip_msg *req,
						const struct sign_sig *rs,
						const struct sign_key *rs_key, uint64_t now,
						const struct sip_uri *ruri)
{
	const struct sign_key *key = rs_key;
	const uint8_t *want = rs->mac[1];
	uint8_t mac[SIGN_MAC_LEN];
	enum sign_result r = SIGN_OK;
	struct sip_param tg, tw;
	struct sign_sig sig;

	if (sip_uri_param_find(ruri, SIGN_PARAM_TARGET, &tg) == 1) {
		r = sign_param_sig(&tg, 1, &sig);
		if (r == SIGN_OK)
			r = sign_any_key(ring, sig.kid,
					 sip_uri_param_find(ruri, SIGN_PARAM_TARGET_WRAP, &tw) == 1
						 ? &tw
						 : NULL,
					 now, &key);
		want = sig.mac[0];
	}
	if (r == SIGN_OK && sign_mac_target(ring, key, req, req->ruri, mac) < 0)
		r = SIGN_MALFORMED;
	return r == SIGN_OK ? sign_compare(mac, want) : r;
}

/* Take sg-tg and sg-tw out of the Request-URI before the request goes on. */
static void sign_route_strip_target(struct sip_edit *ed, const struct sip_uri *ruri)
{
	struct sip_hdr_iter it;
	struct sip_param p;

	sip_hdr_iter_init(&it, ruri->params.s, ruri->params.len);
	while (sip_uri_param_next(&it, &p) == 1)
		if (sign_is_target_param(p.name))
			sip_edit_remove_span(ed, p.item.s,
					     p.item.len); /* apply reports a failure */
}

enum sign_result sign_route_verify(struct sign_ring *ring, const struct sip_msg *req, uint64_t now,
				   struct sip_edit *ed)
{
	return sign_route_verify_which(ring, req, now, ed, NULL);
}

enum sign_result sign_route_verify_which(struct sign_ring *ring, const struct sip_msg *req,
					 uint64_t now, struct sip_edit *ed, bool *target)
{
	struct sip_str routes[SIGN_LIST_MAX];
	struct sip_uri carrier, ruri;
	uint8_t mac[SIGN_MAC_LEN];
	const struct sign_key *key;
	struct sip_nameaddr na;
	struct sip_param rs, wk;
	struct sign_sig sig;
	enum sign_result r;
	size_t n;

	if (target)
		*target = false;
	if (sign_collect(req, SIP_HDR_ROUTE, routes, SIGN_LIST_MAX, &n) < 0)
		return SIGN_MALFORMED;
	if (n == 0)
		return SIGN_MISSING;
	if (sip_hdr_nameaddr_parse(routes[0].s, routes[0].len, &na) < 0 || na.star ||
	    sip_uri_parse(na.uri.s, na.uri.len, &carrier) < 0 ||
	    sip_uri_parse(req->ruri.s, req->ruri.len, &ruri) < 0)
		return SIGN_MALFORMED;
	if (sip_uri_param_find(&carrier, SIGN_PARAM_ROUTE, &rs) != 1)
		return SIGN_MISSING;
	r = sign_param_sig(&rs, 2, &sig);
	if (r == SIGN_OK)
		r = sign_any_key(ring, sig.kid,
				 sip_uri_param_find(&carrier, SIGN_PARAM_WRAP, &wk) == 1 ? &wk
											 : NULL,
				 now, &key);
	if (r == SIGN_OK && sign_mac_uri_list(ring, key, SIGN_KIND_ROUTE, req, NULL, 0, routes + 1,
					      n - 1, false, mac) < 0)
		r = SIGN_MALFORMED;
	if (r == SIGN_OK)
		r = sign_compare(mac, sig.mac[0]);
	if (r == SIGN_OK) {
		r = sign_route_check_target(ring, req, &sig, key, now, &ruri);
		if (target)
			*target = r != SIGN_OK;
	}
	if (r == SIGN_OK && ed)
		sign_route_strip_target(ed, &ruri);
	return r;
}
