/*
 * secagree.h — values of the Security-Client, Security-Server and Security-Verify headers
 * (RFC 3329 §2.2) with the ipsec-3gpp mechanism of TS 33.203 (Annex H) and the older
 * ipsec-man form.
 *
 * A header value is a comma-separated list of `mechanism-name *(";" param)`. The parser
 * copies it into a fixed-size struct secagree_list (no allocation), checks the parameters of
 * the two IPsec mechanisms we understand and keeps every other parameter, and every
 * parameter of other mechanisms (digest, tls, ipsec-ike, ...), as raw (name, value) pairs
 * so that a list can be compared and echoed.
 *
 * Decisions worth knowing:
 *  - Numbers are compared as numbers, so "spi-c=0123" in a Security-Verify equals the
 *    "spi-c=123" we sent: the UE repeated the same SPI, and a leading zero gives an attacker
 *    nothing to bid down. Parameters are compared as a set (their order inside a mechanism
 *    does not matter), mechanisms in order (RFC 3329 §2.3.1). See secagree_mech_equal().
 *  - ipsec-man: the UE side's SPI_U_UDP, SPI_U_TCP, Port_U_UDP and Port_U_TCP come from the
 *    test vector we must accept. We found no published definition of the P-CSCF side, so it
 *    is defined by symmetry as SPI_P_UDP, SPI_P_TCP, Port_P_UDP and Port_P_TCP, with the same
 *    value rules (32-bit SPIs, ports 1..65535).
 *  - addr-pref-length is checked against 1..128 only; the caller, who knows the address
 *    family, rejects more than 32 for IPv4.
 *  - Typed parameters given as a quoted-string are accepted (spi-c="1234") and written back
 *    unquoted; their value must then be a token or a number like an unquoted one.
 *  - Names of parameters and mechanisms never appear in error reasons as received: a reason
 *    names the parameter in our spelling, so it is safe to echo in a response.
 */
#ifndef PCSCF_SIP_SECAGREE_H
#define PCSCF_SIP_SECAGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Most mechanisms in one list (all header lines of one header together). */
#define SECAGREE_MAX_MECHS 8
/** Most parameters, known or not, of one mechanism. */
#define SECAGREE_MAX_PARAMS 16
/** Longest mechanism or parameter name, in bytes. */
#define SECAGREE_NAME_MAX 32
/** Longest value of a typed string parameter (alg, ealg, prot, mod), in bytes. */
#define SECAGREE_TOKEN_MAX 32
/** Longest raw parameter value (without the quotes of a quoted-string), in bytes. */
#define SECAGREE_VALUE_MAX 96
/** Room for the reason text of a parse error, NUL included. */
#define SECAGREE_REASON_MAX 96

/** What a mechanism entry is. */
enum secagree_mech_type {
	SECAGREE_MECH_OTHER = 0,  /**< any other name: kept opaque in params[] */
	SECAGREE_MECH_IPSEC_3GPP, /**< "ipsec-3gpp" (TS 33.203) */
	SECAGREE_MECH_IPSEC_MAN,  /**< "ipsec-man" (older form) */
};

/**
 * Typed parameters; bit (1u << field) of secagree_mech.present says that it was given.
 * ipsec-3gpp knows ALG..PORT_S, ADDR_PREF_LEN and Q; ipsec-man knows ALG, EALG,
 * SPI_U_UDP..PORT_P_TCP, ADDR_PREF_LEN and Q. A name that its mechanism does not know is
 * kept as a raw parameter.
 */
enum secagree_field {
	SECAGREE_F_ALG = 0,	  /**< alg: token (hmac-sha-1-96, HMAC-SHA1, ...) */
	SECAGREE_F_EALG,	  /**< ealg: token (aes-cbc, null, ...) */
	SECAGREE_F_PROT,	  /**< prot: token (esp) */
	SECAGREE_F_MOD,		  /**< mod: token (trans, UDP-enc-tun) */
	SECAGREE_F_SPI_C,	  /**< spi-c: 32-bit unsigned decimal */
	SECAGREE_F_SPI_S,	  /**< spi-s */
	SECAGREE_F_PORT_C,	  /**< port-c: 1..65535 */
	SECAGREE_F_PORT_S,	  /**< port-s */
	SECAGREE_F_SPI_U_UDP,	  /**< ipsec-man SPI_U_UDP (UE side) */
	SECAGREE_F_SPI_U_TCP,	  /**< ipsec-man SPI_U_TCP */
	SECAGREE_F_PORT_U_UDP,	  /**< ipsec-man Port_U_UDP */
	SECAGREE_F_PORT_U_TCP,	  /**< ipsec-man Port_U_TCP */
	SECAGREE_F_SPI_P_UDP,	  /**< ipsec-man SPI_P_UDP (P-CSCF side, by symmetry) */
	SECAGREE_F_SPI_P_TCP,	  /**< ipsec-man SPI_P_TCP */
	SECAGREE_F_PORT_P_UDP,	  /**< ipsec-man Port_P_UDP */
	SECAGREE_F_PORT_P_TCP,	  /**< ipsec-man Port_P_TCP */
	SECAGREE_F_ADDR_PREF_LEN, /**< addr-pref-length: 1..128 (family not checked) */
	SECAGREE_F_Q,		  /**< q: 0..1 with up to 3 decimals, kept in thousandths */
	SECAGREE_F_COUNT
};

/** Bit of secagree_mech.present for @p field. */
#define SECAGREE_HAS(field) (1u << (field))

/** A parameter kept as received: unknown ones, and all those of SECAGREE_MECH_OTHER. */
struct secagree_param {
	char name[SECAGREE_NAME_MAX + 1];   /**< as received (compared case-insensitively) */
	char value[SECAGREE_VALUE_MAX + 1]; /**< token, [IPv6], or quoted-string body */
	bool has_value;			    /**< false for a bare `;name` */
	bool quoted; /**< value was a quoted-string (kept with its backslash escapes) */
};

/** One entry of a list: a mechanism with its typed fields and its kept parameters. */
struct secagree_mech {
	enum secagree_mech_type type;
	char name[SECAGREE_NAME_MAX + 1]; /**< as received */
	uint32_t present;		  /**< SECAGREE_HAS(SECAGREE_F_...) bits */
	char alg[SECAGREE_TOKEN_MAX + 1];
	char ealg[SECAGREE_TOKEN_MAX + 1];
	char prot[SECAGREE_TOKEN_MAX + 1];
	char mod[SECAGREE_TOKEN_MAX + 1];
	uint32_t spi_c, spi_s;
	uint16_t port_c, port_s;
	uint32_t spi_u_udp, spi_u_tcp, spi_p_udp, spi_p_tcp;
	uint16_t port_u_udp, port_u_tcp, port_p_udp, port_p_tcp;
	uint8_t addr_pref_len;
	uint16_t q; /**< thousandths: 0..1000 */
	size_t n_params;
	struct secagree_param params[SECAGREE_MAX_PARAMS]; /**< kept raw, in received order */
};

/** A whole header value (or several header lines appended). */
struct secagree_list {
	size_t n_mechs;
	struct secagree_mech mechs[SECAGREE_MAX_MECHS];
};

/** Why a parse failed. */
enum secagree_err {
	SECAGREE_OK = 0,
	SECAGREE_ERR_EMPTY,	      /**< no mechanism at all */
	SECAGREE_ERR_SYNTAX,	      /**< unexpected character, empty list element, bad quoting */
	SECAGREE_ERR_NUL,	      /**< embedded NUL byte */
	SECAGREE_ERR_MISSING_VALUE,   /**< a typed parameter without "=value" */
	SECAGREE_ERR_BAD_VALUE,	      /**< not a number, not a token, out of range */
	SECAGREE_ERR_DUPLICATE,	      /**< a typed parameter given twice in one mechanism */
	SECAGREE_ERR_TOO_MANY_MECHS,  /**< more than SECAGREE_MAX_MECHS */
	SECAGREE_ERR_TOO_MANY_PARAMS, /**< more than SECAGREE_MAX_PARAMS in one mechanism */
	SECAGREE_ERR_TOO_LONG,	      /**< a name or value longer than its buffer */
};

/** Details of a parse error, fit to quote in a SIP 4xx reason or a log line. */
struct secagree_error {
	enum secagree_err code;
	size_t offset; /**< byte offset in the input where the problem was seen */
	char reason[SECAGREE_REASON_MAX]; /**< e.g. "spi-c: not a 32-bit number"; no input bytes */
};

/** Integrity algorithms, as named by either mechanism. */
enum secagree_alg {
	SECAGREE_ALG_UNKNOWN = 0,
	SECAGREE_ALG_HMAC_MD5_96,  /**< hmac-md5-96, HMAC-MD5 */
	SECAGREE_ALG_HMAC_SHA1_96, /**< hmac-sha-1-96, HMAC-SHA1 */
	SECAGREE_ALG_AES_GMAC,	   /**< aes-gmac */
	SECAGREE_ALG_NULL,	   /**< null */
};

/** Encryption algorithms. */
enum secagree_ealg {
	SECAGREE_EALG_UNKNOWN = 0,
	SECAGREE_EALG_NULL,	    /**< null, or ealg absent */
	SECAGREE_EALG_AES_CBC,	    /**< aes-cbc */
	SECAGREE_EALG_DES_EDE3_CBC, /**< des-ede3-cbc */
	SECAGREE_EALG_AES_GCM,	    /**< aes-gcm */
};

/** IPsec modes of ipsec-3gpp. */
enum secagree_mode {
	SECAGREE_MODE_UNKNOWN = 0,
	SECAGREE_MODE_TRANS,	   /**< trans, or mod absent */
	SECAGREE_MODE_UDP_ENC_TUN, /**< UDP-enc-tun */
};

/** What we accept when choosing from a client's offer (see secagree_choose()). */
struct secagree_policy {
	uint32_t mechs; /**< bits (1u << SECAGREE_MECH_IPSEC_...) */
	uint32_t algs;	/**< bits (1u << SECAGREE_ALG_...) */
	uint32_t ealgs; /**< bits (1u << SECAGREE_EALG_...) */
	uint32_t modes; /**< bits (1u << SECAGREE_MODE_...) */
};

/**
 * secagree_list_init() - empty a list.
 * @list: the list.
 */
void secagree_list_init(struct secagree_list *list);

/**
 * secagree_list_new() - allocate an empty list on the heap.
 * @return the list, or NULL when out of memory.
 */
struct secagree_list *secagree_list_new(void);

/**
 * secagree_list_free() - free a list from secagree_list_new().
 * @list: the list, or NULL.
 */
void secagree_list_free(struct secagree_list *list);

/**
 * secagree_parse() - parse one header value into an emptied list.
 * @buf: the value (after "Security-Client:"); need not be NUL-terminated.
 * @len: its length; nothing at or after buf[len] is read.
 * @list: the result.
 * @err: filled with the reason on failure (and code SECAGREE_OK on success); may be NULL.
 * @return 0, -EINVAL on a syntax or value error, -E2BIG when a limit (mechanisms, parameters,
 * length of a name or value) is exceeded. On failure @list is left empty.
 */
int secagree_parse(const char *buf, size_t len, struct secagree_list *list,
		   struct secagree_error *err);

/**
 * secagree_parse_append() - parse one more header line of the same header into @list.
 * @buf: the value; need not be NUL-terminated.
 * @len: its length.
 * @list: a list that already holds the earlier lines.
 * @err: filled on failure; may be NULL.
 * @return as secagree_parse(); on failure @list is left as it was before the call.
 */
int secagree_parse_append(const char *buf, size_t len, struct secagree_list *list,
			  struct secagree_error *err);

/**
 * secagree_mech_init() - set up an empty mechanism of a given type, for formatting.
 * @mech: the entry.
 * @type: SECAGREE_MECH_IPSEC_3GPP or SECAGREE_MECH_IPSEC_MAN (name is set from it); for
 * SECAGREE_MECH_OTHER the caller fills name.
 */
void secagree_mech_init(struct secagree_mech *mech, enum secagree_mech_type type);

/**
 * secagree_format_mech() - write one mechanism in the syntax of its type.
 * @mech: the entry. ipsec-3gpp:
 * `ipsec-3gpp;alg=..;ealg=..;prot=..;mod=..;spi-c=..;spi-s=..;port-c=..;port-s=..`;
 * ipsec-man: `ipsec-man;alg=..;ealg=..;SPI_U_UDP=..;SPI_U_TCP=..;Port_U_UDP=..;Port_U_TCP=..`
 * then the SPI_P_/Port_P_ fields; both followed by addr-pref-length and q, each only when
 * present, then the kept raw parameters in order.
 * @buf: where to write; NUL-terminated whenever @size > 0.
 * @size: its size.
 * @return the length written (without the NUL), -ENOSPC when it does not fit, -EINVAL when a
 * field cannot be written validly (empty or non-token string, port 0, q > 1000, ...).
 */
int secagree_format_mech(const struct secagree_mech *mech, char *buf, size_t size);

/**
 * secagree_format_list() - write a whole list, entries separated by ", ".
 * @list: the list (at least one entry).
 * @buf: where to write; NUL-terminated whenever @size > 0.
 * @size: its size.
 * @return the length written, -ENOSPC, or -EINVAL (also for an empty list).
 */
int secagree_format_list(const struct secagree_list *list, char *buf, size_t size);

/**
 * secagree_mech_equal() - whether two entries say the same thing.
 * Names are compared case-insensitively, typed numbers as numbers (spi-c=0123 equals
 * spi-c=123), typed strings and unquoted raw values case-insensitively, quoted raw values
 * exactly. The order of parameters inside an entry does not matter.
 * @a: one entry.
 * @b: the other.
 * @return true when equal.
 */
bool secagree_mech_equal(const struct secagree_mech *a, const struct secagree_mech *b);

/**
 * secagree_verify_matches() - RFC 3329 §2.3.1 check of a received Security-Verify.
 * @verify: the list received in Security-Verify.
 * @server: the Security-Server list we sent.
 * @return true when both have the same mechanisms in the same order, each equal by
 * secagree_mech_equal(); false otherwise (the caller answers 494).
 */
bool secagree_verify_matches(const struct secagree_list *verify,
			     const struct secagree_list *server);

/**
 * secagree_choose() - pick the entry of a Security-Client offer to answer.
 * An entry is usable when its type, alg, ealg (absent = null) and mod (absent = trans) are
 * in @policy, prot is absent or esp, and its SPIs and ports are present (ipsec-3gpp:
 * spi-c, spi-s, port-c, port-s; ipsec-man: SPI_U_UDP, SPI_U_TCP, Port_U_UDP, Port_U_TCP).
 * Among usable entries the highest q wins (absent q counts as 1), then the earliest.
 * @client: the parsed Security-Client list.
 * @policy: what we support.
 * @return the index of the chosen entry, or -ENOENT when none is usable.
 */
int secagree_choose(const struct secagree_list *client, const struct secagree_policy *policy);

/**
 * secagree_alg_lookup() - integrity algorithm of an alg value (case-insensitive).
 * @name: the value, NUL-terminated.
 * @return the algorithm, or SECAGREE_ALG_UNKNOWN.
 */
enum secagree_alg secagree_alg_lookup(const char *name);

/**
 * secagree_ealg_lookup() - encryption algorithm of an ealg value (case-insensitive).
 * @name: the value, NUL-terminated.
 * @return the algorithm, or SECAGREE_EALG_UNKNOWN.
 */
enum secagree_ealg secagree_ealg_lookup(const char *name);

/**
 * secagree_mech_ealg() - encryption algorithm of an entry (absent ealg means null).
 * @mech: the entry.
 * @return the algorithm.
 */
enum secagree_ealg secagree_mech_ealg(const struct secagree_mech *mech);

/**
 * secagree_mech_mode() - IPsec mode of an entry (absent mod means trans).
 * @mech: the entry.
 * @return the mode.
 */
enum secagree_mode secagree_mech_mode(const struct secagree_mech *mech);

/**
 * secagree_field_name() - canonical spelling of a typed parameter.
 * @field: the field.
 * @return its name ("spi-c", "SPI_U_UDP", ...), or "?" when out of range.
 */
const char *secagree_field_name(enum secagree_field field);

#endif /* PCSCF_SIP_SECAGREE_H */
