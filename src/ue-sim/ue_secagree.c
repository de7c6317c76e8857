/* ue_secagree.c — Security-Client offers, the server entry's choice, the UE's SA set. */
#include "ue-sim/ue_secagree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* A small appending writer that remembers overflow. */
struct ue_sa_out {
	char *buf;
	size_t size, len;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void ue_sa_printf(struct ue_sa_out *o, const char *fmt,
							       ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* The ipsec-man spelling of an integrity algorithm, or NULL when it has none. */
static const char *ue_secagree_man_alg(enum ipsec_integ integ)
{
	switch (integ) {
	case IPSEC_INTEG_HMAC_SHA1_96:
		return "HMAC-SHA1";
	case IPSEC_INTEG_HMAC_MD5_96:
		return "HMAC-MD5";
	default:
		return NULL;
	}
}

static void ue_secagree_entry_3gpp(struct ue_sa_out *o, const struct ue_offer *of,
				   enum ipsec_integ integ, enum ipsec_encr encr)
{
	ue_sa_printf(o,
		     "ipsec-3gpp; alg=%s; ealg=%s; spi-c=%u; spi-s=%u; port-c=%u; port-s=%u; "
		     "prot=esp; mod=trans",
		     ipsec_integ_name(integ), ipsec_encr_name(encr), of->spi_c, of->spi_s,
		     of->port_c, of->port_s);
}

static int ue_secagree_entry_man(struct ue_sa_out *o, const struct ue_offer *of,
				 enum ipsec_integ integ, enum ipsec_encr encr)
{
	const char *name = ue_secagree_man_alg(integ);

	if (!name)
		return -EINVAL;
	ue_sa_printf(o, "ipsec-man; alg=%s", name);
	if (encr != IPSEC_ENCR_NULL)
		ue_sa_printf(o, "; ealg=%s", ipsec_encr_name(encr));
	ue_sa_printf(o, "; SPI_U_UDP=%u; SPI_U_TCP=%u; Port_U_UDP=%u; Port_U_TCP=%u", of->spi_c,
		     of->spi_s, of->port_c, of->port_s);
	return 0;
}

static bool ue_secagree_offer_ok(const struct ue_offer *o)
{
	return (o->mech == SECAGREE_MECH_IPSEC_3GPP || o->mech == SECAGREE_MECH_IPSEC_MAN) &&
	       o->n_algs <= UE_SECAGREE_MAX_ALGS && o->n_ealgs <= UE_SECAGREE_MAX_ALGS &&
	       o->spi_c >= 256 && o->spi_s >= 256 && o->port_c && o->port_s && o->prefix_len <= 128;
}

int ue_secagree_offer(const struct ue_offer *o, char *buf, size_t size)
{
	struct ue_sa_out out = {.buf = buf, .size = size};
	size_t i, j, n = 0;
	int ret = 0;

	if (size == 0 || !ue_secagree_offer_ok(o))
		return -EINVAL;
	buf[0] = '\0';
	for (i = 0; i < o->n_algs && ret == 0; i++) {
		for (j = 0; j < o->n_ealgs && ret == 0; j++) {
			if (ipsec_keys_allowed(o->algs[i], o->ealgs[j]) != 0)
				continue;
			if (n++ > 0)
				ue_sa_printf(&out, ", ");
			if (o->mech == SECAGREE_MECH_IPSEC_3GPP)
				ue_secagree_entry_3gpp(&out, o, o->algs[i], o->ealgs[j]);
			else
				ret = ue_secagree_entry_man(&out, o, o->algs[i], o->ealgs[j]);
			if (ret == 0 && o->prefix_len)
				ue_sa_printf(&out, "; addr-pref-length=%u", o->prefix_len);
		}
	}
	if (ret == 0 && n == 0)
		ret = -EINVAL;
	if (ret == 0 && out.full)
		ret = -ENOSPC;
	if (ret)
		buf[0] = '\0';
	return ret ? ret : (int)out.len;
}

/* Whether the UE offered this alg/ealg pair. */
static bool ue_secagree_offered(const struct ue_offer *o, enum ipsec_integ integ,
				enum ipsec_encr encr)
{
	bool a = false, e = false;
	size_t i;

	for (i = 0; i < o->n_algs; i++)
		a |= o->algs[i] == integ;
	for (i = 0; i < o->n_ealgs; i++)
		e |= o->ealgs[i] == encr;
	return a && e && ipsec_keys_allowed(integ, encr) == 0;
}

/* The server's side of an entry of the offered mechanism; false when something is missing. */
static bool ue_secagree_server_side(const struct secagree_mech *m, struct ue_choice *c)
{
	uint32_t need;

	if (m->type == SECAGREE_MECH_IPSEC_3GPP) {
		need = SECAGREE_HAS(SECAGREE_F_SPI_C) | SECAGREE_HAS(SECAGREE_F_SPI_S) |
		       SECAGREE_HAS(SECAGREE_F_PORT_C) | SECAGREE_HAS(SECAGREE_F_PORT_S);
		c->spi_c = m->spi_c, c->spi_s = m->spi_s;
		c->port_c = m->port_c, c->port_s = m->port_s;
	} else {
		need = SECAGREE_HAS(SECAGREE_F_SPI_P_UDP) | SECAGREE_HAS(SECAGREE_F_SPI_P_TCP) |
		       SECAGREE_HAS(SECAGREE_F_PORT_P_UDP) | SECAGREE_HAS(SECAGREE_F_PORT_P_TCP);
		c->spi_c = m->spi_p_udp, c->spi_s = m->spi_p_tcp;
		c->port_c = m->port_p_udp, c->port_s = m->port_p_tcp;
	}
	return (m->present & need) == need && c->port_c && c->port_s;
}

/* Whether entry @m can be used; fills @c. */
static bool ue_secagree_usable(const struct ue_offer *o, const struct secagree_mech *m,
			       struct ue_choice *c)
{
	const char *encr = (m->present & SECAGREE_HAS(SECAGREE_F_EALG)) ? m->ealg : "null";

	if (m->type != o->mech || !(m->present & SECAGREE_HAS(SECAGREE_F_ALG)))
		return false;
	if ((m->present & SECAGREE_HAS(SECAGREE_F_PROT)) && strcasecmp(m->prot, "esp") != 0)
		return false;
	if (secagree_mech_mode(m) != SECAGREE_MODE_TRANS)
		return false;
	if (ipsec_integ_from_name(m->alg, &c->alg) != 0 ||
	    ipsec_encr_from_name(encr, &c->ealg) != 0)
		return false;
	return ue_secagree_offered(o, c->alg, c->ealg) && ue_secagree_server_side(m, c);
}

int ue_secagree_pick(const struct ue_offer *o, const struct secagree_list *server,
		     struct ue_choice *c, char *why, size_t why_size)
{
	struct ue_choice cur;
	int best_q = -1;
	size_t i;

	for (i = 0; i < server->n_mechs; i++) {
		const struct secagree_mech *m = &server->mechs[i];
		int q = (m->present & SECAGREE_HAS(SECAGREE_F_Q)) ? m->q : 1000;

		memset(&cur, 0, sizeof(cur));
		if (!ue_secagree_usable(o, m, &cur) || q <= best_q)
			continue;
		cur.index = i;
		*c = cur;
		best_q = q;
	}
	if (best_q >= 0)
		return 0;
	if (why && why_size)
		snprintf(why, why_size, "no usable %s entry in Security-Server",
			 o->mech == SECAGREE_MECH_IPSEC_MAN ? "ipsec-man" : "ipsec-3gpp");
	return -ENOENT;
}

int ue_secagree_tamper(const struct secagree_list *server, const struct ue_choice *c, char *buf,
		       size_t size)
{
	struct secagree_list copy = *server;
	struct secagree_mech *m;
	const char *weaker;
	bool man;

	if (c->index >= copy.n_mechs)
		return -EINVAL;
	m = &copy.mechs[c->index];
	man = m->type == SECAGREE_MECH_IPSEC_MAN;
	if (c->alg == IPSEC_INTEG_HMAC_SHA1_96)
		weaker = man ? "HMAC-MD5" : "hmac-md5-96";
	else
		weaker = man ? "HMAC-SHA1" : "hmac-sha-1-96";
	snprintf(m->alg, sizeof(m->alg), "%s", weaker);
	m->present |= SECAGREE_HAS(SECAGREE_F_ALG);
	return secagree_format_list(&copy, buf, size);
}

int ue_secagree_set_params(const struct ue_offer *o, const struct ue_choice *c,
			   const struct xfrm_addr *ue_addr, const struct xfrm_addr *pcscf_addr,
			   const uint8_t ck[16], const uint8_t ik[16], struct xfrm_set_params *p)
{
	unsigned full = ue_addr->family == AF_INET6 ? 128 : 32;

	memset(p, 0, sizeof(*p));
	if (ue_addr->family != pcscf_addr->family || o->prefix_len > full)
		return -EINVAL;
	p->role = XFRM_ROLE_UE;
	p->ue.addr = *ue_addr;
	p->ue.port_c = o->port_c, p->ue.port_s = o->port_s;
	p->ue.spi_c = o->spi_c, p->ue.spi_s = o->spi_s;
	p->ue_prefix_len = o->prefix_len ? o->prefix_len : full;
	p->pcscf.addr = *pcscf_addr;
	p->pcscf.port_c = c->port_c, p->pcscf.port_s = c->port_s;
	p->pcscf.spi_c = c->spi_c, p->pcscf.spi_s = c->spi_s;
	p->transport = XFRM_TRANSPORT_ANY;
	return ipsec_keys_derive(c->alg, c->ealg, ck, ik, &p->keys);
}

/* Split a comma-separated list and call @one on each name. */
static int ue_secagree_split(const char *text, size_t *n, int (*one)(const char *, void *, size_t),
			     void *out)
{
	char copy[128], *save = NULL, *tok;
	int ret;

	*n = 0;
	if (!text || snprintf(copy, sizeof(copy), "%s", text) >= (int)sizeof(copy))
		return -EINVAL;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n >= UE_SECAGREE_MAX_ALGS)
			return -EINVAL;
		ret = one(tok, out, (*n)++);
		if (ret)
			return ret;
	}
	return *n ? 0 : -EINVAL;
}

static int ue_secagree_one_alg(const char *name, void *out, size_t i)
{
	return ipsec_integ_from_name(name, &((enum ipsec_integ *)out)[i]);
}

static int ue_secagree_one_ealg(const char *name, void *out, size_t i)
{
	return ipsec_encr_from_name(name, &((enum ipsec_encr *)out)[i]);
}

int ue_secagree_parse_algs(const char *text, enum ipsec_integ *algs, size_t *n)
{
	return ue_secagree_split(text, n, ue_secagree_one_alg, algs);
}

int ue_secagree_parse_ealgs(const char *text, enum ipsec_encr *ealgs, size_t *n)
{
	return ue_secagree_split(text, n, ue_secagree_one_ealg, ealgs);
}
