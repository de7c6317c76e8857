/*
 * ue_secagree.h — the client side of sec-agree (RFC 3329) with the ipsec-3gpp mechanism of
 * TS 33.203 Annex H and the older ipsec-man form: the Security-Client offer, the choice of
 * the server's entry after the 401, and the parameters of the UE's own SA set.
 *
 * ipsec-man maps onto the four SAs of TS 33.203 by position, as the parameters are listed:
 *
 *     SPI_U_UDP ≙ spi-c    SPI_U_TCP ≙ spi-s    Port_U_UDP ≙ port-c    Port_U_TCP ≙ port-s
 *
 * and the same for the P-CSCF's SPI_P_... and Port_P_... (the names secagree.h gives its
 * side by symmetry). This convention is ours (no published text defines the server side);
 * pcscfd must use the same one.
 *
 * The offer is written with "; " between parameters, as in TS 24.229's examples and in the
 * ipsec-man REGISTER of the addr-pref-length proposal:
 *
 *     ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; prot=esp; mod=trans; spi-c=..; spi-s=..;
 *         port-c=..; port-s=..[; addr-pref-length=N]
 *     ipsec-man; alg=HMAC-SHA1; SPI_U_UDP=..; SPI_U_TCP=..; Port_U_UDP=..; Port_U_TCP=..
 *         [; addr-pref-length=N]
 *
 * One entry per allowed (alg, ealg) pair of the offer, in the order given. ipsec-man writes
 * alg as HMAC-SHA1/HMAC-MD5 and writes ealg only when it is not null.
 */
#ifndef UE_SECAGREE_H
#define UE_SECAGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/secagree.h"
#include "xfrm/ipsec_keys.h"
#include "xfrm/xfrm_mgr.h"

#define UE_SECAGREE_MAX_ALGS 4 /* integrity or encryption algorithms in one offer */

/** What the UE offers in Security-Client. */
struct ue_offer {
	enum secagree_mech_type mech; /**< SECAGREE_MECH_IPSEC_3GPP or _IPSEC_MAN */
	enum ipsec_integ algs[UE_SECAGREE_MAX_ALGS];
	size_t n_algs;
	enum ipsec_encr ealgs[UE_SECAGREE_MAX_ALGS];
	size_t n_ealgs;
	uint32_t spi_c, spi_s;
	uint16_t port_c, port_s;
	unsigned prefix_len; /**< addr-pref-length to offer; 0 leaves the parameter out */
};

/** The server's entry the UE uses, with the P-CSCF's side of the set. */
struct ue_choice {
	size_t index; /**< entry of the Security-Server list */
	enum ipsec_integ alg;
	enum ipsec_encr ealg;
	uint32_t spi_c, spi_s;	 /**< the P-CSCF's */
	uint16_t port_c, port_s; /**< the P-CSCF's */
};

/**
 * ue_secagree_offer() - write the Security-Client value.
 * @o: the offer (at least one allowed alg/ealg pair, SPIs >= 256, ports > 0).
 * @buf: where to write (NUL-terminated).
 * @size: its size.
 * @return the length, -ENOSPC, or -EINVAL (no allowed pair, bad mechanism or values).
 */
int ue_secagree_offer(const struct ue_offer *o, char *buf, size_t size);

/**
 * ue_secagree_pick() - choose the Security-Server entry to use: of the offered mechanism,
 * with an alg/ealg pair the UE offered, with the server's SPIs and ports present; the
 * highest q wins (absent q counts as 1), then the earliest.
 * @o: what the UE offered.
 * @server: the parsed Security-Server list.
 * @c: the choice.
 * @why: receives the reason when nothing fits.
 * @why_size: its size.
 * @return 0 or -ENOENT.
 */
int ue_secagree_pick(const struct ue_offer *o, const struct secagree_list *server,
		     struct ue_choice *c, char *why, size_t why_size);

/**
 * ue_secagree_tamper() - a Security-Verify value that differs from the server's list the way
 * a bidding-down attacker would change it: the chosen entry's alg is swapped for the other
 * HMAC (hmac-sha-1-96 <-> hmac-md5-96).
 * @server: the Security-Server list received.
 * @c: the choice made from it.
 * @buf: where to write.
 * @size: its size.
 * @return the length, -ENOSPC or -EINVAL.
 */
int ue_secagree_tamper(const struct secagree_list *server, const struct ue_choice *c, char *buf,
		       size_t size);

/**
 * ue_secagree_set_params() - the parameters of the UE's own SA set (XFRM_ROLE_UE).
 * @o: the offer (the UE's SPIs and ports; its prefix length, 128/32 when 0).
 * @c: the choice (the P-CSCF's SPIs and ports, the algorithms).
 * @ue_addr: the UE's address.
 * @pcscf_addr: the P-CSCF's address.
 * @ck: CK of the AKA run.
 * @ik: IK of the AKA run.
 * @p: the result; its keys must be wiped (ipsec_keys_wipe) by the caller.
 * @return 0, or -EINVAL (families differ, prefix too long, pair not allowed), -EIO.
 */
int ue_secagree_set_params(const struct ue_offer *o, const struct ue_choice *c,
			   const struct xfrm_addr *ue_addr, const struct xfrm_addr *pcscf_addr,
			   const uint8_t ck[16], const uint8_t ik[16], struct xfrm_set_params *p);

/**
 * ue_secagree_parse_algs() - a comma-separated list of alg names ("hmac-sha-1-96,hmac-md5-96").
 * @text: the list.
 * @algs: receives the algorithms.
 * @n: receives their number.
 * @return 0 or -EINVAL (unknown name, empty, more than UE_SECAGREE_MAX_ALGS).
 */
int ue_secagree_parse_algs(const char *text, enum ipsec_integ *algs, size_t *n);

/**
 * ue_secagree_parse_ealgs() - a comma-separated list of ealg names ("aes-cbc,null").
 * @text: the list.
 * @ealgs: receives the algorithms.
 * @n: receives their number.
 * @return 0 or -EINVAL.
 */
int ue_secagree_parse_ealgs(const char *text, enum ipsec_encr *ealgs, size_t *n);

#endif /* UE_SECAGREE_H */
