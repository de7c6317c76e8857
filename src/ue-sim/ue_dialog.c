/* ue_dialog.c — RFC 3261 §12 dialog bookkeeping (see ue_dialog.h). */
#include "ue-sim/ue_dialog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_hdr.h"

static int ue_dialog_copy(char *dst, size_t size, struct sip_str v)
{
	if (v.len == 0 || v.len >= size)
		return -EINVAL;
	memcpy(dst, v.s, v.len);
	dst[v.len] = '\0';
	return 0;
}

int ue_dialog_record_route(const struct sip_msg *msg, char route[][UE_DIALOG_STR_MAX], size_t max,
			   size_t *n)
{
	struct sip_hdr_iter it;
	struct sip_str v, elem;
	int i, ret;

	*n = 0;
	for (i = sip_msg_find(msg, SIP_HDR_RECORD_ROUTE, 0); i >= 0;
	     i = sip_msg_find(msg, SIP_HDR_RECORD_ROUTE, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &elem, NULL)) == 1) {
			if (*n == max || elem.len >= UE_DIALOG_STR_MAX)
				return -E2BIG;
			memcpy(route[*n], elem.s, elem.len);
			route[(*n)++][elem.len] = '\0';
		}
		if (ret < 0)
			return -EINVAL;
	}
	return 0;
}

/* The URI of the first Contact of @msg. */
static int ue_dialog_contact(const struct sip_msg *msg, char *dst, size_t size)
{
	struct sip_hdr_iter it;
	struct sip_nameaddr na;
	struct sip_str v, elem;
	int i = sip_msg_find(msg, SIP_HDR_CONTACT, 0);

	if (i < 0)
		return -EINVAL;
	v = sip_msg_hdr_value(msg, (size_t)i);
	sip_hdr_iter_init(&it, v.s, v.len);
	if (sip_hdr_list_next(&it, &elem, NULL) != 1 ||
	    sip_hdr_nameaddr_parse(elem.s, elem.len, &na) != 0 || na.star)
		return -EINVAL;
	return ue_dialog_copy(dst, size, na.uri);
}

/* The URI of a From or To header. */
static int ue_dialog_party_uri(const struct sip_msg *msg, enum sip_hdr_id id, char *dst,
			       size_t size)
{
	struct sip_nameaddr na;
	struct sip_str v;

	if (sip_msg_value_of(msg, id, &v) != 0 || sip_hdr_nameaddr_parse(v.s, v.len, &na) != 0)
		return -EINVAL;
	return ue_dialog_copy(dst, size, na.uri);
}

static void ue_dialog_reverse(struct ue_dialog *d)
{
	char tmp[UE_DIALOG_STR_MAX];
	size_t i;

	for (i = 0; i < d->n_route / 2; i++) {
		memcpy(tmp, d->route[i], sizeof(tmp));
		memcpy(d->route[i], d->route[d->n_route - 1 - i], sizeof(tmp));
		memcpy(d->route[d->n_route - 1 - i], tmp, sizeof(tmp));
	}
}

/* What both sides share: Call-ID, remote tag, remote target, route set. */
static int ue_dialog_fill(struct ue_dialog *d, const struct sip_msg *msg, bool uac)
{
	struct sip_str tag;
	int ret;

	ret = ue_dialog_copy(d->call_id, sizeof(d->call_id), sip_msg_call_id(msg));
	if (ret == 0)
		ret = uac ? sip_msg_to_tag(msg, &tag) : sip_msg_from_tag(msg, &tag);
	if (ret == 0)
		ret = ue_dialog_copy(d->remote_tag, sizeof(d->remote_tag), tag);
	if (ret == 0)
		ret = ue_dialog_contact(msg, d->remote_target, sizeof(d->remote_target));
	if (ret == 0)
		ret = ue_dialog_party_uri(msg, uac ? SIP_HDR_TO : SIP_HDR_FROM, d->remote_uri,
					  sizeof(d->remote_uri));
	if (ret == 0)
		ret = ue_dialog_record_route(msg, d->route, UE_DIALOG_MAX_ROUTES, &d->n_route);
	if (ret == 0 && uac)
		ue_dialog_reverse(d);
	return ret ? -EINVAL : 0;
}

int ue_dialog_uac_new(const struct sip_msg *resp, const char *local_uri, const char *local_tag,
		      uint32_t cseq, struct ue_dialog **out)
{
	struct ue_dialog *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	d->caller = true;
	d->local_cseq = cseq;
	d->invite_cseq = cseq;
	if (snprintf(d->local_uri, sizeof(d->local_uri), "%s", local_uri) >=
		    (int)sizeof(d->local_uri) ||
	    snprintf(d->local_tag, sizeof(d->local_tag), "%s", local_tag) >=
		    (int)sizeof(d->local_tag))
		ret = -EINVAL;
	else
		ret = ue_dialog_fill(d, resp, true);
	if (ret) {
		free(d);
		return ret;
	}
	*out = d;
	return 0;
}

int ue_dialog_uas_new(const struct sip_msg *req, const char *local_tag, struct ue_dialog **out)
{
	struct ue_dialog *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	d->remote_cseq = req->cseq;
	d->invite_cseq = req->cseq;
	/* Our own requests in this dialog start from a number of our own (§12.2.1.1). */
	d->local_cseq = 1;
	if (snprintf(d->local_tag, sizeof(d->local_tag), "%s", local_tag) >=
	    (int)sizeof(d->local_tag))
		ret = -EINVAL;
	else
		ret = ue_dialog_party_uri(req, SIP_HDR_TO, d->local_uri, sizeof(d->local_uri));
	if (ret == 0)
		ret = ue_dialog_fill(d, req, false);
	if (ret) {
		free(d);
		return ret;
	}
	*out = d;
	return 0;
}

void ue_dialog_free(struct ue_dialog *d)
{
	free(d);
}

bool ue_dialog_match(const struct ue_dialog *d, const struct sip_msg *msg)
{
	struct sip_str local, remote;

	if (!sip_str_eq(sip_msg_call_id(msg), d->call_id))
		return false;
	if (msg->is_request) {
		if (sip_msg_to_tag(msg, &local) != 0 || sip_msg_from_tag(msg, &remote) != 0)
			return false;
	} else if (sip_msg_from_tag(msg, &local) != 0 || sip_msg_to_tag(msg, &remote) != 0) {
		return false;
	}
	return sip_str_eq(local, d->local_tag) && sip_str_eq(remote, d->remote_tag);
}

struct ue_dialog *ue_dialog_find(struct ue_dialog *list, const struct sip_msg *msg)
{
	for (; list; list = list->next)
		if (ue_dialog_match(list, msg))
			return list;
	return NULL;
}

int ue_dialog_route_value(const struct ue_dialog *d, char *buf, size_t size)
{
	size_t len = 0, i;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < d->n_route; i++) {
		n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", d->route[i]);
		if (n < 0 || (size_t)n >= size - len) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		len += (size_t)n;
	}
	return (int)len;
}

int ue_dialog_remote_request(struct ue_dialog *d, uint32_t cseq, bool is_ack)
{
	if (is_ack)
		return 0;
	if (d->remote_cseq && cseq <= d->remote_cseq)
		return -EINVAL;
	d->remote_cseq = cseq;
	return 0;
}
