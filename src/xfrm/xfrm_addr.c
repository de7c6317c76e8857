/*
 * xfrm_addr.c — IPv4/IPv6 addresses and prefixes for the xfrm manager.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xfrm/xfrm_internal.h"

int xfrm_addr_parse(const char *text, struct xfrm_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET6, text, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, text, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	return -EINVAL;
}

const char *xfrm_addr_str(const struct xfrm_addr *addr, char *buf, size_t len)
{
	if (!inet_ntop(addr->family, &addr->u, buf, (socklen_t)len))
		snprintf(buf, len, "(family %d)", addr->family);
	return buf;
}

unsigned xfrm_addr_max_prefix(int family)
{
	return family == AF_INET6 ? 128 : family == AF_INET ? 32 : 0;
}

bool xfrm_addr_equal(const struct xfrm_addr *a, const struct xfrm_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
}

bool xfrm_addr_in_prefix(const struct xfrm_addr *addr, const struct xfrm_addr *prefix,
			 unsigned len)
{
	const uint8_t *a = (const uint8_t *)&addr->u, *p = (const uint8_t *)&prefix->u;
	unsigned full = len / 8, rest = len % 8;

	if (addr->family != prefix->family || len > xfrm_addr_max_prefix(addr->family))
		return false;
	if (memcmp(a, p, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ p[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

void xfrm_addr_to_kernel(const struct xfrm_addr *addr, xfrm_address_t *out)
{
	memset(out, 0, sizeof(*out));
	if (addr->family == AF_INET)
		out->a4 = addr->u.v4.s_addr;
	else if (addr->family == AF_INET6)
		memcpy(out->a6, &addr->u.v6, sizeof(out->a6));
}

void xfrm_addr_from_kernel(const xfrm_address_t *in, int family, struct xfrm_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	if (family == AF_INET)
		out->u.v4.s_addr = in->a4;
	else
		memcpy(&out->u.v6, in->a6, sizeof(out->u.v6));
}
