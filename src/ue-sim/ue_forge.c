/*
 * ue_forge.c — the hostile UE's edits of its own messages (see ue_forge.h).
 *
 * The edits work on the text ue-sim has just written (one header a line, CRLF, no
 * folding), so they are plain string surgery: find the Via header lines, split off the
 * top element, change it.
 */
#include "ue-sim/ue_forge.h"

#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ue-sim/ue_dialog.h"

#define UE_FORGE_ESP 50 /* IP protocol number */

#define UE_FORGE_EXTRA_VIA "SIP/2.0/UDP " UE_FORGE_HOST4 ":5060;branch=z9hG4bKforgedextra"

static const char *const ue_forge_via_names[] = {
	"off", "branch", "host", "port", "extra-top", "extra-below", "drop-below",
};
static const char *const ue_forge_route_names[] = {"off", "alter", "drop", "replay", "wrapped-key"};

#define UE_FORGE_N_VIA	 (sizeof(ue_forge_via_names) / sizeof(ue_forge_via_names[0]))
#define UE_FORGE_N_ROUTE (sizeof(ue_forge_route_names) / sizeof(ue_forge_route_names[0]))

static int ue_forge_lookup(const char *const *names, size_t n, const char *name, int *mode)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0) {
			*mode = (int)i;
			return 0;
		}
	return -EINVAL;
}

int ue_forge_via_parse(const char *name, int *mode)
{
	return ue_forge_lookup(ue_forge_via_names, UE_FORGE_N_VIA, name, mode);
}

int ue_forge_route_parse(const char *name, int *mode)
{
	return ue_forge_lookup(ue_forge_route_names, UE_FORGE_N_ROUTE, name, mode);
}

const char *ue_forge_via_name(int mode)
{
	return mode >= 0 && (size_t)mode < UE_FORGE_N_VIA ? ue_forge_via_names[mode] : "?";
}

const char *ue_forge_route_name(int mode)
{
	return mode >= 0 && (size_t)mode < UE_FORGE_N_ROUTE ? ue_forge_route_names[mode] : "?";
}

/* ---- Via ---- */

/* Where one Via header line's value is: [val, end), and the line [line, next). */
struct ue_forge_line {
	size_t line, val, end, next;
};

/* Find the first Via header line at or after @from (a line start). */
static int ue_forge_find_via(const char *buf, size_t len, size_t from, struct ue_forge_line *l)
{
	size_t p = from, e, n;

	while (p < len) {
		const char *nl = memchr(buf + p, '\n', len - p);

		e = nl ? (size_t)(nl - buf) : len;
		if (e == p || (e == p + 1 && buf[p] == '\r'))
			return -ENOENT; /* the end of the headers */
		n = strncasecmp(buf + p, "Via", 3) == 0 ? 3
							: (tolower((unsigned char)buf[p]) == 'v');
		if (n && p + n < e) {
			size_t q = p + n;

			while (q < e && (buf[q] == ' ' || buf[q] == '\t'))
				q++;
			if (q < e && buf[q] == ':') {
				for (q++; q < e && (buf[q] == ' ' || buf[q] == '\t'); q++)
					;
				l->line = p, l->val = q, l->next = nl ? e + 1 : len;
				l->end = e > q && buf[e - 1] == '\r' ? e - 1 : e;
				return 0;
			}
		}
		p = nl ? e + 1 : len;
	}
	return -ENOENT;
}

/* The end of the first element of a Via value in [val, end). */
static size_t ue_forge_elem_end(const char *buf, size_t val, size_t end)
{
	const char *comma = memchr(buf + val, ',', end - val);

	return comma ? (size_t)(comma - buf) : end;
}

/* Replace [at, at+old) with @text; @return the new length or -ENOSPC. */
static int ue_forge_splice(char *buf, size_t len, size_t size, size_t at, size_t old,
			   const char *text)
{
	size_t n = strlen(text);

	if (len - old + n > size || len - old + n > (size_t)INT32_MAX)
		return -ENOSPC;
	memmove(buf + at + n, buf + at + old, len - at - old);
	memcpy(buf + at, text, n);
	return (int)(len - old + n);
}

/* The host of the top Via's sent-by: [*hs, *he). */
static int ue_forge_sent_by(const char *buf, size_t val, size_t eend, size_t *hs, size_t *he)
{
	size_t p = val;

	while (p < eend && buf[p] != ' ' && buf[p] != '\t') /* SIP/2.0/UDP */
		p++;
	while (p < eend && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	if (p >= eend)
		return -EINVAL;
	*hs = p;
	if (buf[p] == '[') {
		const char *close = memchr(buf + p, ']', eend - p);

		if (!close)
			return -EINVAL;
		*he = (size_t)(close - buf) + 1;
		return 0;
	}
	while (p < eend && buf[p] != ':' && buf[p] != ';' && buf[p] != ' ')
		p++;
	*he = p;
	return *he > *hs ? 0 : -EINVAL;
}

static int ue_forge_branch(char *buf, size_t len, size_t size, const struct ue_forge_line *l)
{
	size_t eend = ue_forge_elem_end(buf, l->val, l->end), p;

	for (p = l->val; p + 7 <= eend; p++)
		if (strncasecmp(buf + p, "branch=", 7) == 0) {
			p += 7;
			if (p + 7 <= eend && strncmp(buf + p, "z9hG4bK", 7) == 0)
				p += 7;
			return ue_forge_splice(buf, len, size, p, 0, "f0rged");
		}
	return -ENOENT;
}

static int ue_forge_host_port(char *buf, size_t len, size_t size, const struct ue_forge_line *l,
			      bool port)
{
	size_t eend = ue_forge_elem_end(buf, l->val, l->end), hs, he, ds;
	unsigned long n = 0;
	char text[16];

	if (ue_forge_sent_by(buf, l->val, eend, &hs, &he) != 0)
		return -EINVAL;
	if (!port)
		return ue_forge_splice(buf, len, size, hs, he - hs,
				       buf[hs] == '[' ? UE_FORGE_HOST6 : UE_FORGE_HOST4);
	if (he >= eend || buf[he] != ':')
		return ue_forge_splice(buf, len, size, he, 0, ":5999");
	for (ds = he + 1; ds < eend && isdigit((unsigned char)buf[ds]); ds++)
		n = n * 10 + (unsigned long)(buf[ds] - '0');
	snprintf(text, sizeof(text), "%lu", n >= 65535 ? 65534 : n + 1);
	return ue_forge_splice(buf, len, size, he + 1, ds - he - 1, text);
}

/* Remove the Via element below the top one (in the same line or the next Via line). */
static int ue_forge_drop_below(char *buf, size_t len, const struct ue_forge_line *l)
{
	size_t eend = ue_forge_elem_end(buf, l->val, l->end), e2;
	struct ue_forge_line n;

	if (eend < l->end) { /* "top, second[, …]": remove ", second" */
		e2 = ue_forge_elem_end(buf, eend + 1, l->end);
		memmove(buf + eend, buf + e2, len - e2);
		return (int)(len - (e2 - eend));
	}
	if (ue_forge_find_via(buf, len, l->next, &n) != 0)
		return -ENOENT;
	e2 = ue_forge_elem_end(buf, n.val, n.end);
	if (e2 == n.end) { /* the whole line goes */
		memmove(buf + n.line, buf + n.next, len - n.next);
		return (int)(len - (n.next - n.line));
	}
	for (e2++; e2 < n.end && (buf[e2] == ' ' || buf[e2] == '\t'); e2++)
		;
	memmove(buf + n.val, buf + e2, len - e2);
	return (int)(len - (e2 - n.val));
}

int ue_forge_via_apply(char *buf, size_t len, size_t size, int mode)
{
	const char *nl = memchr(buf, '\n', len);
	struct ue_forge_line l;

	if (mode == UE_FORGE_VIA_OFF)
		return (int)len;
	if (!nl || ue_forge_find_via(buf, len, (size_t)(nl - buf) + 1, &l) != 0)
		return -ENOENT;
	switch (mode) {
	case UE_FORGE_VIA_BRANCH:
		return ue_forge_branch(buf, len, size, &l);
	case UE_FORGE_VIA_HOST:
	case UE_FORGE_VIA_PORT:
		return ue_forge_host_port(buf, len, size, &l, mode == UE_FORGE_VIA_PORT);
	case UE_FORGE_VIA_EXTRA_TOP:
		return ue_forge_splice(buf, len, size, l.line, 0,
				       "Via: " UE_FORGE_EXTRA_VIA "\r\n");
	case UE_FORGE_VIA_EXTRA_BELOW:
		return ue_forge_splice(buf, len, size, ue_forge_elem_end(buf, l.val, l.end), 0,
				       ", " UE_FORGE_EXTRA_VIA);
	case UE_FORGE_VIA_DROP_BELOW:
		return ue_forge_drop_below(buf, len, &l);
	default:
		return -EINVAL;
	}
}

/* ---- Route ---- */

/* Whether @c is a base64url character (the alphabet of every signing token). */
static bool ue_forge_is_b64url(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/*
 * Change one character inside the wrapped key of the first sg-wk token in @buf (a Route
 * value): another base64url character, so the token still decodes and only the pool
 * member's GCM check can tell. -ENOENT when there is no token that long.
 */
static int ue_forge_wrapped_key(char *buf)
{
	char *wk = strstr(buf, ";sg-wk="), *c;
	size_t n;

	if (!wk)
		return -ENOENT;
	wk += strlen(";sg-wk=");
	for (n = 0; ue_forge_is_b64url(wk[n]); n++)
		;
	if (n <= UE_FORGE_WK_CHAR)
		return -ENOENT;
	c = wk + UE_FORGE_WK_CHAR;
	*c = *c == 'A' ? 'B' : 'A';
	return 0;
}

int ue_forge_route_value(int mode, const struct ue_dialog *d, const struct ue_dialog *other,
			 char *buf, size_t size)
{
	char *last, *close;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	switch (mode) {
	case UE_FORGE_ROUTE_DROP:
		return 0;
	case UE_FORGE_ROUTE_REPLAY:
		if (!other || other->n_route == 0)
			return -ENOENT;
		return ue_dialog_route_value(other, buf, size);
	case UE_FORGE_ROUTE_ALTER:
		if (d->n_route == 0)
			return -ENOENT;
		n = ue_dialog_route_value(d, buf, size);
		if (n < 0)
			return n;
		/* the last entry: after the last ", <" (URIs in a route set are bracketed) */
		last = strrchr(buf, '<');
		close = last ? strchr(last, '>') : NULL;
		n = ue_forge_splice(buf, (size_t)n + 1, size,
				    close ? (size_t)(close - buf) : (size_t)n, 0, ";x-forged");
		return n < 0 ? n : n - 1; /* the splice moved the terminating NUL along */
	case UE_FORGE_ROUTE_WRAPPED_KEY:
		n = ue_dialog_route_value(d, buf, size);
		if (n >= 0 && ue_forge_wrapped_key(buf) < 0)
			n = -ENOENT;
		return n;
	default:
		return ue_dialog_route_value(d, buf, size);
	}
}

/* ---- ESP frames ---- */

static bool ue_forge_addr_is(const uint8_t *a, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return memcmp(a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16) == 0;
	return memcmp(a, &((const struct sockaddr_in *)ss)->sin_addr, 4) == 0;
}

int ue_forge_esp_frame(const uint8_t *frame, size_t len, const struct sockaddr_storage *srcs,
		       size_t n_srcs, const struct sockaddr_storage *dst, uint32_t *spi,
		       uint32_t *seq)
{
	const uint8_t *ip = frame + ETH_HLEN, *src, *esp;
	uint16_t type;
	size_t i, alen, hlen;

	if (len < ETH_HLEN + 20)
		return -ENOENT;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == ETH_P_IPV6 && dst->ss_family == AF_INET6 && len >= ETH_HLEN + 40 + 8 &&
	    ip[6] == UE_FORGE_ESP)
		src = ip + 8, alen = 16, hlen = 40;
	else if (type == ETH_P_IP && dst->ss_family == AF_INET && (ip[0] >> 4) == 4 &&
		 ip[9] == UE_FORGE_ESP && len >= ETH_HLEN + (size_t)(ip[0] & 15) * 4 + 8)
		src = ip + 12, alen = 4, hlen = (size_t)(ip[0] & 15) * 4;
	else
		return -ENOENT;
	if (hlen < 20 || !ue_forge_addr_is(src + alen, dst))
		return -ENOENT;
	for (i = 0; i < n_srcs; i++)
		if (srcs[i].ss_family == dst->ss_family && ue_forge_addr_is(src, &srcs[i]))
			break;
	if (i == n_srcs)
		return -ENOENT;
	esp = ip + hlen;
	*spi = (uint32_t)esp[0] << 24 | (uint32_t)esp[1] << 16 | (uint32_t)esp[2] << 8 | esp[3];
	*seq = (uint32_t)esp[4] << 24 | (uint32_t)esp[5] << 16 | (uint32_t)esp[6] << 8 | esp[7];
	return 0;
}
