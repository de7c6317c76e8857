/*
 * ue_addr.h — RFC 4941 temporary addresses for a simulated UE: a random interface ID
 * inside the UE's prefix, added to its interface over rtnetlink (RTM_NEWADDR with
 * IFA_F_NODAD, built with libnl-3's nl_msg as src/xfrm builds its messages) and removed
 * again when ue-sim ends.
 */
#ifndef UE_ADDR_H
#define UE_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

/**
 * ue_addr_temporary() - a random address inside @base's prefix (RFC 4941 §3.3): the bits
 * after @plen are random, never all zero, never an RFC 5453 reserved interface ID, never
 * @base itself.
 * @base: an IPv6 address of the prefix.
 * @plen: the prefix length (1..127).
 * @out: the new address (port 0).
 * @return 0, -EAFNOSUPPORT for IPv4, -EINVAL for a bad length, or the -errno of getrandom.
 */
int ue_addr_temporary(const struct sockaddr_storage *base, unsigned plen,
		      struct sockaddr_storage *out);

/**
 * ue_addr_ifindex() - the interface that holds an address.
 * @addr: the address (its port is ignored).
 * @ifindex: receives the interface index.
 * @return 0, -ENODEV when no interface has it, or the -errno of getifaddrs.
 */
int ue_addr_ifindex(const struct sockaddr_storage *addr, int *ifindex);

/**
 * ue_addr_add() - add an address to an interface (no duplicate address detection).
 * @ifindex: the interface.
 * @addr: the address.
 * @plen: its prefix length.
 * @return 0, or the kernel's -errno (-EEXIST, -EPERM, ...).
 */
int ue_addr_add(int ifindex, const struct sockaddr_storage *addr, unsigned plen);

/**
 * ue_addr_del() - remove an address from an interface.
 * @ifindex: the interface.
 * @addr: the address.
 * @plen: its prefix length.
 * @return 0, or the kernel's -errno.
 */
int ue_addr_del(int ifindex, const struct sockaddr_storage *addr, unsigned plen);

#endif /* UE_ADDR_H */
