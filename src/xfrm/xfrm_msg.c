/*
 * xfrm_msg.c — building xfrm netlink requests from <linux/xfrm.h> structures.
 *
 * Every builder returns a complete nl_msg or NULL (out of memory, or a key too long for
 * the message, which ipsec_keys never produces). Messages carrying keys are wiped by the
 * batch that sends them (xfrm_nl.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

static void xfrm_msg_lifetime(struct xfrm_lifetime_cfg *lft, uint32_t lifetime_s)
{
	lft->soft_byte_limit = XFRM_INF;
	lft->hard_byte_limit = XFRM_INF;
	lft->soft_packet_limit = XFRM_INF;
	lft->hard_packet_limit = XFRM_INF;
	if (lifetime_s == 0)
		return;
	lft->hard_add_expires_seconds = lifetime_s;
	/* Warn the owner (soft EXPIRE) a tenth before the end, at most a minute. */
	lft->soft_add_expires_seconds = lifetime_s - (lifetime_s / 10 < 60 ? lifetime_s / 10 : 60);
}

/* Append an xfrm_algo-shaped attribute: name, key length in bits, an optional extra
 * 32-bit field (truncation or ICV length), then the key. */
static int xfrm_msg_put_algo(struct nl_msg *msg, int type, const char *name, const uint8_t *key,
			     unsigned key_len, int extra_bits)
{
	unsigned char buf[sizeof(struct xfrm_algo_aead) + IPSEC_KEY_MAX];
	size_t head = extra_bits >= 0 ? sizeof(struct xfrm_algo_aead) : sizeof(struct xfrm_algo);
	struct xfrm_algo *algo = (struct xfrm_algo *)buf;
	int err;

	if (key_len > IPSEC_KEY_MAX || strlen(name) >= sizeof(algo->alg_name))
		return -1;
	memset(buf, 0, sizeof(buf));
	snprintf(algo->alg_name, sizeof(algo->alg_name), "%s", name);
	algo->alg_key_len = key_len * 8;
	if (extra_bits >= 0) /* xfrm_algo_auth and xfrm_algo_aead share this layout */
		((struct xfrm_algo_aead *)buf)->alg_icv_len = (unsigned)extra_bits;
	memcpy(buf + head, key, key_len);
	err = nla_put(msg, type, (int)(head + key_len), buf);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

static int xfrm_msg_put_keys(struct nl_msg *msg, const struct ipsec_alg_keys *keys)
{
	if (keys->aead)
		return xfrm_msg_put_algo(msg, XFRMA_ALG_AEAD, keys->enc_name, keys->enc_key,
					 keys->enc_key_len, (int)keys->aead_icv_bits);
	if (keys->auth_name &&
	    xfrm_msg_put_algo(msg, XFRMA_ALG_AUTH_TRUNC, keys->auth_name, keys->auth_key,
			      keys->auth_key_len, (int)keys->auth_trunc_bits) < 0)
		return -1;
	return xfrm_msg_put_algo(msg, XFRMA_ALG_CRYPT, keys->enc_name, keys->enc_key,
				 keys->enc_key_len, -1);
}

struct nl_msg *xfrm_msg_sa_add(const struct xfrm_sa_desc *sa, bool update)
{
	struct nl_msg *msg = nlmsg_alloc_simple(update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, 0);
	struct xfrm_usersa_info info;

	if (!msg)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.sel = sa->sel;
	xfrm_addr_to_kernel(&sa->dst, &info.id.daddr);
	info.id.spi = htonl(sa->spi);
	info.id.proto = IPPROTO_ESP;
	xfrm_addr_to_kernel(&sa->src, &info.saddr);
	xfrm_msg_lifetime(&info.lft, sa->lifetime_s);
	info.reqid = sa->reqid;
	info.family = (uint16_t)sa->dst.family;
	info.mode = XFRM_MODE_TRANSPORT;
	info.replay_window = sa->replay_window;
	if (nlmsg_append(msg, &info, sizeof(info), NLMSG_ALIGNTO) < 0 ||
	    xfrm_msg_put_keys(msg, sa->keys) < 0) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *xfrm_msg_sa_del(const struct xfrm_addr *dst, uint32_t spi)
{
	struct nl_msg *msg = nlmsg_alloc_simple(XFRM_MSG_DELSA, 0);
	struct xfrm_usersa_id id;

	if (!msg)
		return NULL;
	memset(&id, 0, sizeof(id));
	xfrm_addr_to_kernel(dst, &id.daddr);
	id.spi = htonl(spi);
	id.family = (uint16_t)dst->family;
	id.proto = IPPROTO_ESP;
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *xfrm_msg_policy_add(const struct xfrm_policy_desc *pol, bool update)
{
	struct nl_msg *msg =
		nlmsg_alloc_simple(update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, 0);
	struct xfrm_userpolicy_info info;
	struct xfrm_user_tmpl tmpl;

	if (!msg)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.sel = pol->sel;
	xfrm_msg_lifetime(&info.lft, pol->lifetime_s);
	info.priority = pol->priority;
	info.dir = pol->dir;
	info.action = pol->action;
	info.share = XFRM_SHARE_ANY;
	if (nlmsg_append(msg, &info, sizeof(info), NLMSG_ALIGNTO) < 0)
		goto fail;
	if (pol->reqid) {
		memset(&tmpl, 0, sizeof(tmpl));
		tmpl.id.proto = IPPROTO_ESP;
		tmpl.family = pol->sel.family;
		tmpl.reqid = pol->reqid;
		tmpl.mode = XFRM_MODE_TRANSPORT;
		tmpl.share = XFRM_SHARE_ANY;
		/* Any algorithm: the SA decides. Zero masks would match no SA at all. */
		tmpl.aalgos = tmpl.ealgos = tmpl.calgos = ~0u;
		if (nla_put(msg, XFRMA_TMPL, sizeof(tmpl), &tmpl) < 0)
			goto fail;
	}
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

struct nl_msg *xfrm_msg_policy_del(const struct xfrm_selector *sel, uint8_t dir)
{
	struct nl_msg *msg = nlmsg_alloc_simple(XFRM_MSG_DELPOLICY, 0);
	struct xfrm_userpolicy_id id;

	if (!msg)
		return NULL;
	memset(&id, 0, sizeof(id));
	id.sel = *sel;
	id.dir = dir;
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

const char *xfrm_msg_dir_str(uint8_t dir)
{
	return dir == XFRM_POLICY_IN ? "in" : dir == XFRM_POLICY_OUT ? "out" : "fwd";
}

const char *xfrm_msg_sel_str(const struct xfrm_selector *sel, char *buf, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct xfrm_addr a;

	xfrm_addr_from_kernel(&sel->saddr, sel->family, &a);
	xfrm_addr_str(&a, src, sizeof(src));
	xfrm_addr_from_kernel(&sel->daddr, sel->family, &a);
	xfrm_addr_str(&a, dst, sizeof(dst));
	snprintf(buf, len, "src %s/%u sport %u dst %s/%u dport %u proto %u", src,
		 sel->prefixlen_s, ntohs(sel->sport), dst, sel->prefixlen_d, ntohs(sel->dport),
		 sel->proto);
	return buf;
}
