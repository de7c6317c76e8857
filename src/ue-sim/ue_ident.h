/*
 * ue_ident.h — who a simulated UE is: its private and public identities, its home domain,
 * the USIM's K and OPc, and the USIM's sequence number state (SQN_MS).
 *
 * An identity comes from command-line values or from a subscriber file in the format of
 * etc/subscribers.example (the same parser hss-stub imports with). A UE named "ue1" is the
 * line whose impi is "ue1" or starts with "ue1@". The file's sqn is the last SQN the HSS
 * used; the UE starts with SQN_MS equal to it (a USIM in step with its HSS) unless told
 * otherwise (--sqn-ms), which is how a test forces a resynchronisation.
 */
#ifndef UE_IDENT_H
#define UE_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/aka.h"
#include "common/milenage.h"

#define UE_IDENT_MAX 256 /* longest IMPI, IMPU or domain, NUL included */

/** One UE's identity and USIM. Wipe with ue_ident_wipe(). */
struct ue_ident {
	char name[64];		   /**< short name used in steps ("ue1") */
	char impi[UE_IDENT_MAX];   /**< private identity, also the Digest username */
	char impu[UE_IDENT_MAX];   /**< public identity (SIP URI) used in From/To */
	char domain[UE_IDENT_MAX]; /**< home domain: registrar URI sip:<domain>, Digest realm */
	uint8_t k[MILENAGE_K_LEN];
	uint8_t opc[MILENAGE_K_LEN];
	bool has_k, has_opc;
	struct aka_ue_sqn sqn; /**< SQN_MS and the freshness window */
	bool sqn_set;	       /**< sqn.sqn_ms was given explicitly */
};

/**
 * ue_ident_init() - an empty identity with the default SQN window.
 * @id: the identity.
 */
void ue_ident_init(struct ue_ident *id);

/**
 * ue_ident_from_file() - fill @id from the subscriber file line of UE @name.
 * Values already set in @id (impu, domain, K, OPc, an explicit SQN_MS) are kept: the
 * command line wins over the file.
 * @path: the subscriber file.
 * @name: "ue1" (matches impi "ue1" or "ue1@...") or a whole IMPI.
 * @id: the identity to complete.
 * @why: receives the reason of a failure ("FILE:LINE: ..." or "no subscriber ue9 in FILE").
 * @why_size: its size.
 * @return 0, -ENOENT when no line matches, -EINVAL for a malformed file, or the -errno of
 * reading it.
 */
int ue_ident_from_file(const char *path, const char *name, struct ue_ident *id, char *why,
		       size_t why_size);

/**
 * ue_ident_finish() - check an identity and fill what can be derived: name from the IMPI's
 * user part, domain from the IMPI's host part, IMPU "sip:<impi>".
 * @id: the identity.
 * @why: receives the reason when something required is missing.
 * @why_size: its size.
 * @return 0, or -EINVAL (no IMPI, no K or OPc, no domain).
 */
int ue_ident_finish(struct ue_ident *id, char *why, size_t why_size);

/**
 * ue_ident_parse_hex() - a key given on the command line (exactly 2 * @len hex digits).
 * @text: the digits.
 * @out: receives @len bytes.
 * @len: the expected number of bytes.
 * @return 0 or -EINVAL.
 */
int ue_ident_parse_hex(const char *text, uint8_t *out, size_t len);

/**
 * ue_ident_parse_sqn() - an SQN given as up to 12 hex digits.
 * @text: the digits.
 * @sqn: receives the value.
 * @return 0 or -EINVAL.
 */
int ue_ident_parse_sqn(const char *text, uint64_t *sqn);

/**
 * ue_ident_wipe() - erase K and OPc.
 * @id: the identity (may be NULL).
 */
void ue_ident_wipe(struct ue_ident *id);

#endif /* UE_IDENT_H */
