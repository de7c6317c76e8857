/*
 * ue_forge.h — what a hostile UE changes in what it sends (for tests of the P-CSCF):
 * the Vias of its answers and the Route of its in-dialog requests; and which of its own
 * frames it keeps to replay. Pure functions, so unit tests and the fuzz harness see exactly
 * what goes on the wire.
 */
#ifndef UE_FORGE_H
#define UE_FORGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct ue_dialog;

/** How the UE's answers alter their Vias (forge-via). */
enum ue_forge_via {
	UE_FORGE_VIA_OFF = 0,	  /**< honest: the request's Vias, as received */
	UE_FORGE_VIA_BRANCH,	  /**< the top Via's branch changed */
	UE_FORGE_VIA_HOST,	  /**< the top Via's host replaced by a documentation address */
	UE_FORGE_VIA_PORT,	  /**< the top Via's port changed (one up, or :5999 added) */
	UE_FORGE_VIA_EXTRA_TOP,	  /**< an extra Via above the top one */
	UE_FORGE_VIA_EXTRA_BELOW, /**< an extra Via right below the top one */
	UE_FORGE_VIA_DROP_BELOW,  /**< the Via below the top one removed */
};

/** How the UE's in-dialog requests alter their Route (forge-route). */
enum ue_forge_route {
	UE_FORGE_ROUTE_OFF = 0,	    /**< honest: the dialog's route set */
	UE_FORGE_ROUTE_ALTER,	    /**< the last entry's URI gets a parameter ";x-forged" */
	UE_FORGE_ROUTE_DROP,	    /**< no Route header at all */
	UE_FORGE_ROUTE_REPLAY,	    /**< the route set of another dialog of the UE */
	UE_FORGE_ROUTE_WRAPPED_KEY, /**< one character of the sg-wk token's wrapped key changed */
};

/** Where forge-route wrapped-key changes the sg-wk token: a character inside the wrapped
 * key's GCM ciphertext (bytes 25-56 of the token, doc/signing.md), so the token still
 * parses and names the same key ID and creation time, and only the GCM tag check fails. */
#define UE_FORGE_WK_CHAR 60

/** The host a forged Via names (TEST-NET-2, RFC 5737; RFC 3849 for IPv6). */
#define UE_FORGE_HOST4 "198.51.100.66"
#define UE_FORGE_HOST6 "[2001:db8:dead::66]"

/**
 * ue_forge_via_parse() - a forge-via mode from its name.
 * @name: "off", "branch", "host", "port", "extra-top", "extra-below" or "drop-below".
 * @mode: receives an enum ue_forge_via.
 * @return 0 or -EINVAL.
 */
int ue_forge_via_parse(const char *name, int *mode);

/**
 * ue_forge_route_parse() - a forge-route mode from its name.
 * @name: "off", "alter", "drop", "replay" or "wrapped-key".
 * @mode: receives an enum ue_forge_route.
 * @return 0 or -EINVAL.
 */
int ue_forge_route_parse(const char *name, int *mode);

/**
 * ue_forge_via_name() - the name of a forge-via mode.
 * @mode: an enum ue_forge_via.
 * @return the name ("?" when unknown).
 */
const char *ue_forge_via_name(int mode);

/**
 * ue_forge_route_name() - the name of a forge-route mode.
 * @mode: an enum ue_forge_route.
 * @return the name ("?" when unknown).
 */
const char *ue_forge_route_name(int mode);

/**
 * ue_forge_via_apply() - alter the Vias of a message written by ue-sim, in place.
 * @buf: the message (start line, headers, body).
 * @len: its length.
 * @size: the room in @buf.
 * @mode: an enum ue_forge_via.
 * @return the new length, or -ENOENT (no Via, or no second Via for drop-below), -ENOSPC
 * (no room), -EINVAL (a top Via without a sent-by).
 */
int ue_forge_via_apply(char *buf, size_t len, size_t size, int mode);

/**
 * ue_forge_route_value() - the Route value of an in-dialog request under a forge-route mode.
 * @mode: an enum ue_forge_route.
 * @d: the dialog the request belongs to.
 * @other: another dialog of the UE (for replay), or NULL.
 * @buf: receives the value ("" for no Route header).
 * @size: its size.
 * @return its length, or -ENOENT (nothing to alter, no other dialog with a route set, no
 * sg-wk token of at least UE_FORGE_WK_CHAR + 1 characters), -ENOSPC.
 */
int ue_forge_route_value(int mode, const struct ue_dialog *d, const struct ue_dialog *other,
			 char *buf, size_t size);

/**
 * ue_forge_esp_frame() - whether an Ethernet frame carries an ESP packet from one of
 * @srcs to @dst (IPv6 with ESP as the first next header, or IPv4 with protocol 50).
 * @frame: the frame as an AF_PACKET SOCK_RAW socket reads it.
 * @len: its length.
 * @srcs: addresses the packet may come from (ports ignored).
 * @n_srcs: their number.
 * @dst: where it must go (port ignored).
 * @spi: receives the SPI (host order).
 * @seq: receives the ESP sequence number (host order).
 * @return 0 when it does, -ENOENT when not (or too short to tell).
 */
int ue_forge_esp_frame(const uint8_t *frame, size_t len, const struct sockaddr_storage *srcs,
		       size_t n_srcs, const struct sockaddr_storage *dst, uint32_t *spi,
		       uint32_t *seq);

#endif /* UE_FORGE_H */
