/* ue_addr.c — temporary addresses over rtnetlink (see ue_addr.h). */
#include "ue-sim/ue_addr.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>

/* RFC 5453 reserved interface IDs: subnet-router anycast (all zero), the reserved subnet
 * anycast range FDFF:FFFF:FFFF:FF80/121 and the proxy-mobile range 0200:5EFF:FE00:0000/104
 * (we refuse the whole /104, a superset). */
static bool ue_addr_iid_reserved(const uint8_t iid[8])
{
	static const uint8_t zero[8], anycast[7] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
				      pmip[5] = {0x02, 0x00, 0x5e, 0xff, 0xfe};

	return memcmp(iid, zero, 8) == 0 || (memcmp(iid, anycast, 7) == 0 && iid[7] >= 0x80) ||
	       memcmp(iid, pmip, 5) == 0;
}

int ue_addr_temporary(const struct sockaddr_storage *base, unsigned plen,
		      struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)base;
	struct sockaddr_in6 *o = (struct sockaddr_in6 *)out;
	uint8_t rnd[16];
	unsigned i;

	if (base->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (plen == 0 || plen > 127)
		return -EINVAL;
	do {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -errno;
		memset(out, 0, sizeof(*out));
		o->sin6_family = AF_INET6;
		for (i = 0; i < 16; i++) {
			unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
			uint8_t mask = (uint8_t)(0xffu >> keep); /* the random bits */

			o->sin6_addr.s6_addr[i] =
				(uint8_t)((b->sin6_addr.s6_addr[i] & ~mask) | (rnd[i] & mask));
		}
	} while ((plen <= 64 && ue_addr_iid_reserved(o->sin6_addr.s6_addr + 8)) ||
		 memcmp(&o->sin6_addr, &b->sin6_addr, 16) == 0);
	return 0;
}

static bool ue_addr_same(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (!a || a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

int ue_addr_ifindex(const struct sockaddr_storage *addr, int *ifindex)
{
	struct ifaddrs *list, *i;
	int ret = -ENODEV;

	if (getifaddrs(&list) != 0)
		return -errno;
	for (i = list; i; i = i->ifa_next)
		if (ue_addr_same(i->ifa_addr, addr)) {
			*ifindex = (int)if_nametoindex(i->ifa_name);
			ret = *ifindex > 0 ? 0 : -ENODEV;
			break;
		}
	freeifaddrs(list);
	return ret;
}

static int ue_addr_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	*(int *)arg = e->error;
	return NL_STOP;
}

static int ue_addr_on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(int *)arg = 0;
	return NL_STOP;
}

/* Send one RTM_NEWADDR/RTM_DELADDR and read its acknowledgement; -errno of the kernel. */
static int ue_addr_request(int type, int flags, int ifindex, const struct sockaddr_storage *addr,
			   unsigned plen)
{
	struct ifaddrmsg ifa = {.ifa_family = (uint8_t)addr->ss_family,
				.ifa_prefixlen = (uint8_t)plen,
				.ifa_flags = IFA_F_NODAD,
				.ifa_scope = RT_SCOPE_UNIVERSE,
				.ifa_index = (uint32_t)ifindex};
	const void *raw = addr->ss_family == AF_INET6
				  ? (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr
				  : (const void *)&((const struct sockaddr_in *)addr)->sin_addr;
	int len = addr->ss_family == AF_INET6 ? 16 : 4, result = 1, ret;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	ret = sk && cb ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (ret == 0 && !(msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | flags)))
		ret = -NLE_NOMEM;
	if (ret == 0)
		ret = nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	if (ret == 0)
		ret = nla_put(msg, IFA_LOCAL, len, raw);
	if (ret == 0)
		ret = nla_put(msg, IFA_ADDRESS, len, raw);
	if (ret == 0)
		ret = nla_put_u32(msg, IFA_FLAGS, IFA_F_NODAD);
	if (ret == 0) {
		nl_cb_err(cb, NL_CB_CUSTOM, ue_addr_on_error, &result);
		nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ue_addr_on_ack, &result);
		ret = nl_send_auto(sk, msg);
	}
	if (ret >= 0)
		ret = nl_recvmsgs(sk, cb);
	nlmsg_free(msg);
	nl_cb_put(cb);
	nl_socket_free(sk);
	/* result: 0 (ACK) or the kernel's -errno; 1 when neither came (a libnl failure) */
	return result <= 0 ? result : -EIO;
}

int ue_addr_add(int ifindex, const struct sockaddr_storage *addr, unsigned plen)
{
	return ue_addr_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, addr, plen);
}

int ue_addr_del(int ifindex, const struct sockaddr_storage *addr, unsigned plen)
{
	return ue_addr_request(RTM_DELADDR, 0, ifindex, addr, plen);
}
