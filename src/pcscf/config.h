/*
 * config.h — pcscfd's configuration: the file format of pcscf.conf(5).
 *
 * One setting a line, `keyword value…`, `#` starts a comment. Errors are reported as
 * `FILE:LINE: reason`, all of them in one run; a file with any error is refused.
 */
#ifndef PCSCF_CONFIG_H
#define PCSCF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pcscf/privsep.h"
#include "xfrm/ipsec_keys.h"

#define CONFIG_ADDRS_MAX 4
#define CONFIG_PREFS_MAX 4
#define CONFIG_URI_MAX 256
#define CONFIG_PATH_MAX 256

/** How strictly sec-agree is required from UEs. */
enum config_secagree {
	CONFIG_SECAGREE_REQUIRE, /**< a REGISTER without sec-agree gets 421 */
	CONFIG_SECAGREE_OPTIONAL,
};

/** Everything pcscfd is configured with. */
struct config {
	struct xfrm_addr access[CONFIG_ADDRS_MAX]; /**< access-side addresses (UEs) */
	size_t naccess;
	struct xfrm_addr core[CONFIG_ADDRS_MAX];   /**< core-side addresses (S-CSCF) */
	size_t ncore;
	uint16_t port;				   /**< the unprotected port, 5060 */
	uint16_t port_s, port_c;		   /**< the protected server and client ports */
	char scscf[CONFIG_URI_MAX];		   /**< where REGISTER goes: sip:host[:port] */
	struct privsep_prefix ue_prefixes[PRIVSEP_PREFIXES_MAX];
	size_t nue_prefixes;
	unsigned min_prefix_len6, min_prefix_len4;
	enum ipsec_integ integ[IPSEC_INTEG_COUNT]; /**< integrity preference, best first */
	size_t ninteg;
	enum ipsec_encr encr[IPSEC_ENCR_COUNT];	   /**< encryption preference, best first */
	size_t nencr;
	enum config_secagree secagree;
	uint32_t sa_grace_s;			   /**< SA lifetime beyond registration expiry */
	uint32_t max_expires_s;			   /**< longest registration accepted */
	uint32_t spi_min, spi_max;
	char user[64];				   /**< the unprivileged user of the SIP side */
	char control[CONFIG_PATH_MAX];		   /**< pcscfctl's control socket */
	char database[CONFIG_PATH_MAX];		   /**< the state database */
	char database_key[CONFIG_PATH_MAX];	   /**< the key that seals keys in it */
	char control_group[64];			   /**< may use the control socket; "" root */
	int log_level;				   /**< LOG_ERR … LOG_DEBUG (syslog levels) */
	bool tcp;				   /**< listen on TCP as well as UDP */
	uint32_t sign_rotate_s;			   /**< Via/Record-Route signing key period; 0: off */
	uint32_t sign_keep_s;			   /**< how long a retired signing key verifies */
	bool sign_pool;				   /**< sign_pool_key holds the pool key */
	uint8_t sign_pool_key[32];		   /**< signing-pool-key: a secret, wipe copies */
	bool sign_core;				   /**< signing-core: sign and check towards the core too */
	uint32_t sign_warn_rate;		   /**< failed checks a minute a peer warns at; 0: never */
};

/** Fill @p config with the defaults (see pcscf.conf(5)). */
void config_default(struct config *config);

/**
 * Read @p path into @p config (over the defaults).
 * @param errors where `FILE:LINE: reason` lines go (every error, not just the first)
 * @return 0, or the number of errors (negative -errno if the file cannot be read)
 */
int config_load(const char *path, struct config *config, FILE *errors);

/** Parse one line (without its newline) into @p config. @return 0 or -1 with @p why set */
int config_parse_line(struct config *config, char *line, char *why, size_t why_len);

/** Check what no single line can: required settings, consistency. @return errors found */
int config_check(const struct config *config, const char *path, FILE *errors);

/** The limits the privileged parent enforces, from the configuration. */
void config_privsep_limits(const struct config *config, struct privsep_limits *limits);

#endif
