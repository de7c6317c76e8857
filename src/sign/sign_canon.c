/*
 * sign_canon.c — the canonical forms of doc/signing.md, fed field by field into the MAC:
 * Via elements, lists of Record-Route / Route URIs, and remote targets. Signing and
 * checking call the same functions, so the two cannot drift apart.
 */
#include "sign/sign_canon.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_uri.h"

int sign_collect(const struct sip_msg *msg, enum sip_hdr_id id, struct sip_str *elems, size_t max,
		 size_t *n)
{
	struct sip_str elem, removal, v;
	struct sip_hdr_iter it;
	int ret = 0;

	*n = 0;
	for (int i = sip_msg_find(msg, id, 0); i >= 0 && ret == 0;
	     i = sip_msg_find(msg, id, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &elem, &removal)) == 1) {
			if (*n == max)
				return -E2BIG;
			elems[(*n)++] = elem;
		}
	}
	return ret;
}

/* The protocol of a Via without the white space RFC 3261 allows around its slashes. */
static int sign_canon_protocol(struct sign_ring *ring, struct sip_str proto)
{
	char buf[32];
	size_t n = 0;

	for (size_t i = 0; i < proto.len; i++) {
		char c = proto.s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (n == sizeof(buf))
			return -EINVAL;
		buf[n++] = c;
	}
	sign_mac_field(ring, buf, n);
	return 0;
}

int sign_canon_via(struct sign_ring *ring, struct sip_str elem, bool first_below)
{
	struct sip_hdr_iter it;
	struct sip_param p;
	struct sip_via via;
	int ret;

	if (sip_hdr_via_parse(elem.s, elem.len, &via) < 0 || !via.transport.len)
		return -EINVAL;
	ret = sign_canon_protocol(ring, via.protocol);
	if (ret < 0)
		return ret;
	sign_mac_field(ring, via.transport.s, via.transport.len);
	sign_mac_field(ring, via.sent_by.s, via.sent_by.len);
	sip_hdr_iter_init(&it, via.params.s, via.params.len);
	while ((ret = sip_hdr_param_next(&it, &p)) == 1) {
		uint8_t flags = (uint8_t)(p.has_value | p.quoted << 1);

		/* received and rport of the hop before us are ours to set (RFC 3261 §18.2.1). */
		if (first_below &&
		    (sip_str_caseeq(p.name, "received") || sip_str_caseeq(p.name, "rport")))
			continue;
		sign_mac_field(ring, p.name.s, p.name.len);
		sign_mac_field(ring, &flags, 1);
		sign_mac_field(ring, p.value.s, p.value.len);
	}
	sign_mac_field(ring, NULL, 0); /* no parameter name is empty: this ends the element */
	return ret;
}

int sign_canon_uri_of(struct sign_ring *ring, struct sip_str elem)
{
	struct sip_nameaddr na;

	if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) < 0 || na.star || !na.uri.len)
		return -EINVAL;
	sign_mac_field(ring, na.uri.s, na.uri.len);
	return 0;
}

int sign_canon_uris(struct sign_ring *ring, const struct sip_str *elems, size_t n, bool reverse)
{
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++)
		ret = sign_canon_uri_of(ring, elems[reverse ? n - 1 - i : i]);
	return ret;
}

bool sign_is_target_param(struct sip_str name)
{
	return sip_str_caseeq(name, SIGN_PARAM_TARGET) ||
	       sip_str_caseeq(name, SIGN_PARAM_TARGET_WRAP);
}

int sign_canon_target(struct sign_ring *ring, struct sip_str uri_text)
{
	char buf[SIP_MSG_MAX_HEADER_LEN];
	const char *from = uri_text.s;
	struct sip_hdr_iter it;
	struct sip_param p;
	struct sip_uri uri;
	size_t n = 0;
	int ret;

	if (sip_uri_parse(uri_text.s, uri_text.len, &uri) < 0 || uri.scheme == SIP_URI_OTHER ||
	    uri_text.len > sizeof(buf))
		return -EINVAL;
	sip_hdr_iter_init(&it, uri.params.s, uri.params.len);
	while ((ret = sip_uri_param_next(&it, &p)) == 1) {
		if (!sign_is_target_param(p.name))
			continue;
		memcpy(buf + n, from, (size_t)(p.item.s - from));
		n += (size_t)(p.item.s - from);
		from = p.item.s + p.item.len;
	}
	memcpy(buf + n, from, (size_t)(uri_text.s + uri_text.len - from));
	n += (size_t)(uri_text.s + uri_text.len - from);
	if (ret == 0)
		sign_mac_field(ring, buf, n);
	return ret;
}

int sign_first_contact(const struct sip_msg *msg, struct sip_str *elem, struct sip_nameaddr *na)
{
	int i = sip_hdr_first_elem(msg, SIP_HDR_CONTACT, elem, NULL);

	if (i < 0)
		return i;
	if (sip_hdr_nameaddr_parse(elem->s, elem->len, na) < 0 || na->star)
		return -EINVAL;
	return 0;
}

int sign_mac_uri_list(struct sign_ring *ring, const struct sign_key *key, enum sign_kind kind,
		      const struct sip_msg *msg, const struct sip_str *own, size_t n_own,
		      const struct sip_str *elems, size_t n, bool reverse, uint8_t *mac)
{
	struct sip_str cid = sip_msg_call_id(msg);
	int ret;

	sign_mac_begin(ring, key, kind);
	sign_mac_field(ring, cid.s, cid.len);
	for (size_t i = 0; i < n_own; i++)
		sign_mac_field(ring, own[i].s, own[i].len);
	ret = sign_canon_uris(ring, elems, n, reverse);
	if (ret == 0)
		return sign_mac_end(ring, mac);
	sign_mac_end(ring, mac); /* resets the context's error for the next MAC */
	return ret;
}

int sign_mac_target(struct sign_ring *ring, const struct sign_key *key, const struct sip_msg *msg,
		    struct sip_str uri, uint8_t *mac)
{
	struct sip_str cid = sip_msg_call_id(msg);
	int ret;

	sign_mac_begin(ring, key, SIGN_KIND_TARGET);
	sign_mac_field(ring, cid.s, cid.len);
	ret = sign_canon_target(ring, uri);
	if (ret == 0)
		return sign_mac_end(ring, mac);
	sign_mac_end(ring, mac);
	return ret;
}
