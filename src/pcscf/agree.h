/*
 * agree.h — pcscfd's side of sec-agree (RFC 3329, TS 33.203): reading a UE's
 * Security-Client offer, choosing what to install, writing Security-Server, checking
 * Security-Verify, and taking CK and IK out of the S-CSCF's 401.
 *
 * The choice. An offer entry is usable when its mechanism is ipsec-3gpp or ipsec-man,
 * it names its SPIs and ports, its mode is trans and prot esp, and its alg/ealg pair is
 * accepted by the configuration and allowed by TS 33.203 (ipsec_keys_allowed()). Among
 * usable entries the highest q wins (RFC 3329), and among those with the same q the
 * configuration's preference: encryption algorithms in their order, and within one, the
 * integrity algorithms in theirs (alg "null" counts as accepted with aes-gcm, which
 * protects integrity itself).
 *
 * ipsec-man names its SPIs and ports after transports; pcscfd maps them onto the four
 * SAs of TS 33.203 so: SPI_U_UDP/Port_U_UDP are the UE's spi-c/port-c, SPI_U_TCP/Port_U_TCP
 * its spi-s/port-s, and our SPI_P_UDP/Port_P_UDP and SPI_P_TCP/Port_P_TCP are our spi-c/
 * port-c and spi-s/port-s (see secagree.h for the P-side names).
 */
#ifndef PCSCF_AGREE_H
#define PCSCF_AGREE_H

#include <stddef.h>
#include <stdint.h>

#include "pcscf/config.h"
#include "pcscf/reg.h"
#include "sip/secagree.h"
#include "sip/sip_msg.h"

/**
 * agree_parse_header() - parse every line of one Security-* header of a message.
 * @msg: the message.
 * @id: SIP_HDR_SECURITY_CLIENT or SIP_HDR_SECURITY_VERIFY.
 * @list: the result.
 * @why: on failure, a reason fit for a reason phrase ("Security-Client: spi-c: ...").
 * @why_len: its size.
 * @return 0, -ENOENT when the message has no such header, -EINVAL or -E2BIG when malformed.
 */
int agree_parse_header(const struct sip_msg *msg, enum sip_hdr_id id, struct secagree_list *list,
		       char *why, size_t why_len);

/**
 * agree_choose() - choose an entry of a Security-Client offer (see the top of this file)
 * and describe the UE's side of the set to install.
 * @config: what we accept; min-prefix-length and ue-prefix are checked too.
 * @client: the offer.
 * @ue_addr: the address the REGISTER came from.
 * @sa: filled: mechanism, algorithms, the UE's address, ports, SPIs and prefix length.
 * @why: on failure, the reason for the reason phrase.
 * @why_len: its size.
 * @return 0, or the status to answer with: 494 (nothing acceptable) or 403 (an address
 * outside the configured UE prefixes).
 */
int agree_choose(const struct config *config, const struct secagree_list *client,
		 const struct xfrm_addr *ue_addr, struct reg_sa *sa, char *why, size_t why_len);

/**
 * agree_server() - write the Security-Server value for an installed set, in the syntax
 * of the UE's offer, with our SPIs and ports (and the UE's addr-pref-length echoed).
 * @sa: the set (mech, algorithms, pcscf side, prefix).
 * @buf: where to write.
 * @size: its size.
 * @return the length, or -ENOSPC / -EINVAL.
 */
int agree_server(const struct reg_sa *sa, char *buf, size_t size);

/**
 * agree_caps() - the Security-Server value of a 421 or 494: one ipsec-3gpp entry per
 * accepted algorithm pair, in order of preference, with our protected ports.
 * @config: the configuration.
 * @buf: where to write.
 * @size: its size.
 * @return the length, or -ENOSPC / -EINVAL.
 */
int agree_caps(const struct config *config, char *buf, size_t size);

/**
 * agree_verify() - RFC 3329 §2.3.1: does the message's Security-Verify equal the
 * Security-Server list we sent for this set?
 * @msg: the message.
 * @sa: the set, with the Security-Server we sent.
 * @scratch: room for two parsed lists (2 * sizeof(struct secagree_list)).
 * @return 1 when equal, 0 when different or malformed, -ENOENT when absent.
 */
int agree_verify(const struct sip_msg *msg, const struct reg_sa *sa, struct secagree_list *scratch);

/**
 * agree_keys() - CK and IK from the ck= and ik= parameters of a 401's WWW-Authenticate.
 * @msg: the 401.
 * @ck: the 16 bytes of CK.
 * @ik: the 16 bytes of IK.
 * @www: set to the index of the header they were in.
 * @return 0, -ENOENT when no WWW-Authenticate has both, -EINVAL when they are not 32 hex
 * digits. @ck and @ik are wiped on failure.
 */
int agree_keys(const struct sip_msg *msg, uint8_t ck[16], uint8_t ik[16], int *www);

#endif /* PCSCF_AGREE_H */
