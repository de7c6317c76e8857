/*
 * agree.c — choosing from a Security-Client offer, writing Security-Server, checking
 * Security-Verify, reading CK/IK (see agree.h for the rules).
 */
#include "pcscf/agree.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/codec.h"
#include "sip/sip_hdr.h"

static const enum secagree_alg agree_alg_map[IPSEC_INTEG_COUNT] = {
	[IPSEC_INTEG_HMAC_SHA1_96] = SECAGREE_ALG_HMAC_SHA1_96,
	[IPSEC_INTEG_HMAC_MD5_96] = SECAGREE_ALG_HMAC_MD5_96,
	[IPSEC_INTEG_AES_GMAC] = SECAGREE_ALG_AES_GMAC,
	[IPSEC_INTEG_NULL] = SECAGREE_ALG_NULL,
};

static const enum secagree_ealg agree_ealg_map[IPSEC_ENCR_COUNT] = {
	[IPSEC_ENCR_NULL] = SECAGREE_EALG_NULL,
	[IPSEC_ENCR_AES_CBC] = SECAGREE_EALG_AES_CBC,
	[IPSEC_ENCR_DES_EDE3_CBC] = SECAGREE_EALG_DES_EDE3_CBC,
	[IPSEC_ENCR_AES_GCM] = SECAGREE_EALG_AES_GCM,
};

static int agree_integ_of(enum secagree_alg alg, enum ipsec_integ *out)
{
	for (int i = 0; i < IPSEC_INTEG_COUNT; i++)
		if (agree_alg_map[i] == alg) {
			*out = (enum ipsec_integ)i;
			return 0;
		}
	return -EINVAL;
}

static int agree_encr_of(enum secagree_ealg ealg, enum ipsec_encr *out)
{
	for (int i = 0; i < IPSEC_ENCR_COUNT; i++)
		if (agree_ealg_map[i] == ealg) {
			*out = (enum ipsec_encr)i;
			return 0;
		}
	return -EINVAL;
}

int agree_parse_header(const struct sip_msg *msg, enum sip_hdr_id id, struct secagree_list *list,
		       char *why, size_t why_len)
{
	struct secagree_error err;
	int i, n = 0, ret;

	secagree_list_init(list);
	for (i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);

		ret = n++ ? secagree_parse_append(v.s, v.len, list, &err)
			  : secagree_parse(v.s, v.len, list, &err);
		if (ret < 0) {
			snprintf(why, why_len, "%s: %s", sip_msg_hdr_canonical(id), err.reason);
			return ret;
		}
	}
	return n ? 0 : -ENOENT;
}

/* The best entry for one alg/ealg pair, or -ENOENT. */
static int agree_pair_choice(const struct secagree_list *client, enum ipsec_integ integ,
			     enum ipsec_encr encr)
{
	struct secagree_policy pol = {
		.mechs = (1u << SECAGREE_MECH_IPSEC_3GPP) | (1u << SECAGREE_MECH_IPSEC_MAN),
		.algs = 1u << agree_alg_map[integ],
		.ealgs = 1u << agree_ealg_map[encr],
		.modes = 1u << SECAGREE_MODE_TRANS,
	};

	if (ipsec_keys_allowed(integ, encr) < 0)
		return -ENOENT;
	return secagree_choose(client, &pol);
}

/* The integrity algorithms to try with @encr, best first: the configured ones, and null
 * with aes-gcm. */
static size_t agree_integs(const struct config *c, enum ipsec_encr encr,
			   enum ipsec_integ out[IPSEC_INTEG_COUNT + 1])
{
	size_t n = 0;
	bool has_null = false;

	for (size_t i = 0; i < c->ninteg && i < IPSEC_INTEG_COUNT; i++) {
		out[n++] = c->integ[i];
		has_null |= c->integ[i] == IPSEC_INTEG_NULL;
	}
	if (encr == IPSEC_ENCR_AES_GCM && !has_null)
		out[n++] = IPSEC_INTEG_NULL;
	return n;
}

static unsigned agree_q(const struct secagree_mech *m)
{
	return (m->present & SECAGREE_HAS(SECAGREE_F_Q)) ? m->q : 1000;
}

/* The index of the entry to answer: highest q, then our preference; or -ENOENT. */
static int agree_best(const struct config *c, const struct secagree_list *client)
{
	enum ipsec_integ integs[IPSEC_INTEG_COUNT + 1];
	unsigned best_q = 0;
	int best = -ENOENT;

	for (size_t e = 0; e < c->nencr && e < IPSEC_ENCR_COUNT; e++) {
		size_t n = agree_integs(c, c->encr[e], integs);

		for (size_t i = 0; i < n; i++) {
			int idx = agree_pair_choice(client, integs[i], c->encr[e]);

			if (idx >= 0 && (best < 0 || agree_q(&client->mechs[idx]) > best_q)) {
				best = idx;
				best_q = agree_q(&client->mechs[idx]);
			}
		}
	}
	return best;
}

static bool agree_integ_accepted(const struct config *c, enum ipsec_integ integ,
				 enum ipsec_encr encr)
{
	enum ipsec_integ integs[IPSEC_INTEG_COUNT + 1];
	size_t n = agree_integs(c, encr, integs);

	for (size_t i = 0; i < n; i++)
		if (integs[i] == integ)
			return true;
	return false;
}

static bool agree_encr_accepted(const struct config *c, enum ipsec_encr encr)
{
	for (size_t i = 0; i < c->nencr && i < IPSEC_ENCR_COUNT; i++)
		if (c->encr[i] == encr)
			return true;
	return false;
}

static bool agree_has_ids(const struct secagree_mech *m)
{
	uint32_t need =
		m->type == SECAGREE_MECH_IPSEC_3GPP
			? SECAGREE_HAS(SECAGREE_F_SPI_C) | SECAGREE_HAS(SECAGREE_F_SPI_S) |
				  SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S)
			: SECAGREE_HAS(SECAGREE_F_SPI_U_UDP) | SECAGREE_HAS(SECAGREE_F_SPI_U_TCP) |
				  SECAGREE_HAS(SECAGREE_F_PORT_U_UDP) |
				  SECAGREE_HAS(SECAGREE_F_PORT_U_TCP);

	return (m->present & need) == need;
}

/* Why entry @m is not usable; the text names values only in our own spelling. */
static void agree_why_mech(const struct config *c, const struct secagree_mech *m, char *why,
			   size_t len)
{
	enum ipsec_integ integ;
	enum ipsec_encr encr;

	if (!agree_has_ids(m))
		snprintf(why, len, "%s offer without its SPIs and ports", m->name);
	else if (!(m->present & SECAGREE_HAS(SECAGREE_F_ALG)) ||
		 agree_integ_of(secagree_alg_lookup(m->alg), &integ) < 0)
		snprintf(why, len, "unknown or missing alg");
	else if (agree_encr_of(secagree_mech_ealg(m), &encr) < 0)
		snprintf(why, len, "unknown ealg");
	else if (secagree_mech_mode(m) != SECAGREE_MODE_TRANS)
		snprintf(why, len, "only mod=trans is supported");
	else if ((m->present & SECAGREE_HAS(SECAGREE_F_PROT)) && strcasecmp(m->prot, "esp") != 0)
		snprintf(why, len, "only prot=esp is supported");
	else if (ipsec_keys_allowed(integ, encr) < 0)
		snprintf(why, len, "alg %s with ealg %s is not allowed by TS 33.203",
			 ipsec_integ_name(integ), ipsec_encr_name(encr));
	else if (!agree_encr_accepted(c, encr))
		snprintf(why, len, "ealg %s is not accepted here", ipsec_encr_name(encr));
	else if (!agree_integ_accepted(c, integ, encr))
		snprintf(why, len, "alg %s is not accepted here", ipsec_integ_name(integ));
	else
		snprintf(why, len, "offer not usable");
}

static void agree_why(const struct config *c, const struct secagree_list *client, char *why,
		      size_t len)
{
	char detail[128];

	for (size_t i = 0; i < client->n_mechs; i++) {
		const struct secagree_mech *m = &client->mechs[i];

		if (m->type == SECAGREE_MECH_IPSEC_3GPP || m->type == SECAGREE_MECH_IPSEC_MAN) {
			agree_why_mech(c, m, detail, sizeof(detail));
			snprintf(why, len, "No acceptable security mechanism: %s", detail);
			return;
		}
	}
	snprintf(why, len, "No acceptable security mechanism: neither ipsec-3gpp nor ipsec-man");
}

static void agree_fill(const struct secagree_mech *m, const struct xfrm_addr *ue_addr,
		       struct reg_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->mech = m->type;
	agree_integ_of(secagree_alg_lookup(m->alg), &sa->integ);
	agree_encr_of(secagree_mech_ealg(m), &sa->encr);
	sa->ue.addr = *ue_addr;
	if (m->type == SECAGREE_MECH_IPSEC_3GPP) {
		sa->ue.spi_c = m->spi_c, sa->ue.spi_s = m->spi_s;
		sa->ue.port_c = m->port_c, sa->ue.port_s = m->port_s;
	} else {
		sa->ue.spi_c = m->spi_u_udp, sa->ue.spi_s = m->spi_u_tcp;
		sa->ue.port_c = m->port_u_udp, sa->ue.port_s = m->port_u_tcp;
	}
	sa->has_prefix_len = (m->present & SECAGREE_HAS(SECAGREE_F_ADDR_PREF_LEN)) != 0;
	if (sa->has_prefix_len)
		sa->prefix_len = m->addr_pref_len;
	else
		sa->prefix_len = ue_addr->family == AF_INET6 ? 128 : 32;
}

/* The prefix the UE claims: 0, or the status (494, 403) with the reason. */
static int agree_check_prefix(const struct config *c, const struct reg_sa *sa, char *why,
			      size_t len)
{
	bool v6 = sa->ue.addr.family == AF_INET6;
	unsigned min = v6 ? c->min_prefix_len6 : c->min_prefix_len4;

	if (sa->prefix_len > (v6 ? 128u : 32u)) {
		snprintf(why, len, "addr-pref-length %u is too long for an IPv4 address",
			 sa->prefix_len);
		return 494;
	}
	if (sa->prefix_len < min) {
		snprintf(why, len, "addr-pref-length %u is shorter than the %u allowed",
			 sa->prefix_len, min);
		return 494;
	}
	for (size_t i = 0; i < c->nue_prefixes; i++)
		if (sa->prefix_len >= c->ue_prefixes[i].len &&
		    xfrm_addr_in_prefix(&sa->ue.addr, &c->ue_prefixes[i].addr,
					c->ue_prefixes[i].len))
			return 0;
	snprintf(why, len, "Forbidden: address outside the UE prefixes");
	return 403;
}

int agree_choose(const struct config *config, const struct secagree_list *client,
		 const struct xfrm_addr *ue_addr, struct reg_sa *sa, char *why, size_t why_len)
{
	int best = agree_best(config, client);

	if (best < 0) {
		agree_why(config, client, why, why_len);
		return 494;
	}
	agree_fill(&client->mechs[best], ue_addr, sa);
	return agree_check_prefix(config, sa, why, why_len);
}

/* ipsec-man spells the HMACs as in our REGISTER example (alg=HMAC-SHA1). */
static const char *agree_alg_name(enum secagree_mech_type mech, enum ipsec_integ integ)
{
	if (mech == SECAGREE_MECH_IPSEC_MAN && integ == IPSEC_INTEG_HMAC_SHA1_96)
		return "HMAC-SHA1";
	if (mech == SECAGREE_MECH_IPSEC_MAN && integ == IPSEC_INTEG_HMAC_MD5_96)
		return "HMAC-MD5";
	return ipsec_integ_name(integ);
}

static void agree_set_token(struct secagree_mech *m, enum secagree_field f, char *dst,
			    const char *value)
{
	snprintf(dst, SECAGREE_TOKEN_MAX + 1, "%s", value);
	m->present |= SECAGREE_HAS(f);
}

static void agree_server_ids(struct secagree_mech *m, const struct reg_sa *sa)
{
	if (sa->mech == SECAGREE_MECH_IPSEC_3GPP) {
		m->spi_c = sa->pcscf.spi_c, m->spi_s = sa->pcscf.spi_s;
		m->port_c = sa->pcscf.port_c, m->port_s = sa->pcscf.port_s;
		m->present |= SECAGREE_HAS(SECAGREE_F_SPI_C) | SECAGREE_HAS(SECAGREE_F_SPI_S) |
			      SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S);
	} else {
		m->spi_p_udp = sa->pcscf.spi_c, m->spi_p_tcp = sa->pcscf.spi_s;
		m->port_p_udp = sa->pcscf.port_c, m->port_p_tcp = sa->pcscf.port_s;
		m->present |=
			SECAGREE_HAS(SECAGREE_F_SPI_P_UDP) | SECAGREE_HAS(SECAGREE_F_SPI_P_TCP) |
			SECAGREE_HAS(SECAGREE_F_PORT_P_UDP) | SECAGREE_HAS(SECAGREE_F_PORT_P_TCP);
	}
}

int agree_server(const struct reg_sa *sa, char *buf, size_t size)
{
	struct secagree_mech m;

	if (sa->mech != SECAGREE_MECH_IPSEC_3GPP && sa->mech != SECAGREE_MECH_IPSEC_MAN)
		return -EINVAL;
	secagree_mech_init(&m, sa->mech);
	agree_set_token(&m, SECAGREE_F_ALG, m.alg, agree_alg_name(sa->mech, sa->integ));
	if (sa->mech == SECAGREE_MECH_IPSEC_3GPP || sa->encr != IPSEC_ENCR_NULL)
		agree_set_token(&m, SECAGREE_F_EALG, m.ealg, ipsec_encr_name(sa->encr));
	if (sa->mech == SECAGREE_MECH_IPSEC_3GPP) {
		agree_set_token(&m, SECAGREE_F_PROT, m.prot, "esp");
		agree_set_token(&m, SECAGREE_F_MOD, m.mod, "trans");
	}
	agree_server_ids(&m, sa);
	if (sa->has_prefix_len) {
		m.addr_pref_len = (uint8_t)sa->prefix_len;
		m.present |= SECAGREE_HAS(SECAGREE_F_ADDR_PREF_LEN);
	}
	return secagree_format_mech(&m, buf, size);
}

int agree_caps(const struct config *config, char *buf, size_t size)
{
	enum ipsec_integ integs[IPSEC_INTEG_COUNT + 1];
	size_t used = 0, count = 0;
	struct reg_sa sa;
	int n;

	memset(&sa, 0, sizeof(sa));
	sa.mech = SECAGREE_MECH_IPSEC_3GPP;
	sa.pcscf.port_c = config->port_c, sa.pcscf.port_s = config->port_s;
	for (size_t e = 0; e < config->nencr && e < IPSEC_ENCR_COUNT; e++) {
		size_t ni = agree_integs(config, config->encr[e], integs);

		for (size_t i = 0; i < ni && count < SECAGREE_MAX_MECHS; i++) {
			struct secagree_mech m;

			if (ipsec_keys_allowed(integs[i], config->encr[e]) < 0)
				continue;
			secagree_mech_init(&m, SECAGREE_MECH_IPSEC_3GPP);
			agree_set_token(&m, SECAGREE_F_ALG, m.alg, ipsec_integ_name(integs[i]));
			agree_set_token(&m, SECAGREE_F_EALG, m.ealg,
					ipsec_encr_name(config->encr[e]));
			agree_set_token(&m, SECAGREE_F_PROT, m.prot, "esp");
			agree_set_token(&m, SECAGREE_F_MOD, m.mod, "trans");
			m.port_c = config->port_c, m.port_s = config->port_s;
			m.present |=
				SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S);
			n = snprintf(buf + used, size - used, "%s", count ? ", " : "");
			if (n < 0 || (size_t)n >= size - used)
				return -ENOSPC;
			used += (size_t)n;
			n = secagree_format_mech(&m, buf + used, size - used);
			if (n < 0)
				return n;
			used += (size_t)n;
			count++;
		}
	}
	return count ? (int)used : -EINVAL;
}

int agree_verify(const struct sip_msg *msg, const struct reg_sa *sa, struct secagree_list *scratch)
{
	char why[SECAGREE_REASON_MAX + 32];
	int ret = agree_parse_header(msg, SIP_HDR_SECURITY_VERIFY, &scratch[0], why, sizeof(why));

	if (ret == -ENOENT)
		return -ENOENT;
	if (ret < 0 || secagree_parse(sa->server, strlen(sa->server), &scratch[1], NULL) < 0)
		return 0;
	return secagree_verify_matches(&scratch[0], &scratch[1]) ? 1 : 0;
}

/* Decode one 32-digit key parameter. */
static int agree_key(const struct sip_auth_param *p, uint8_t key[16])
{
	char hex[33];
	int ret;

	if (p->value.len != 32)
		return -EINVAL;
	memcpy(hex, p->value.s, 32);
	hex[32] = '\0';
	ret = codec_hex_decode_exact(hex, key, 16);
	explicit_bzero(hex, sizeof(hex));
	return ret;
}

int agree_keys(const struct sip_msg *msg, uint8_t ck[16], uint8_t ik[16], int *www)
{
	struct sip_auth_param pck, pik;
	int i, ret = -ENOENT;

	for (i = sip_msg_find(msg, SIP_HDR_WWW_AUTHENTICATE, 0); i >= 0;
	     i = sip_msg_find(msg, SIP_HDR_WWW_AUTHENTICATE, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(msg, (size_t)i);

		if (sip_hdr_auth_find(v.s, v.len, "ck", &pck) != 1 ||
		    sip_hdr_auth_find(v.s, v.len, "ik", &pik) != 1)
			continue;
		*www = i;
		ret = agree_key(&pck, ck);
		if (ret == 0)
			ret = agree_key(&pik, ik);
		break;
	}
	if (ret < 0) {
		explicit_bzero(ck, 16);
		explicit_bzero(ik, 16);
	}
	return ret;
}
