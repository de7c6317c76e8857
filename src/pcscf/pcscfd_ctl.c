/*
 * pcscfd_ctl.c — pcscfd's control socket (ctl_proto.h): what pcscfctl asks, answered
 * from the child's registrations and, for kernel objects and keys, through the parent.
 *
 * A connection is served in one go: the request line is read with a short timeout and
 * the answer written, then the connection is closed. Only root and the control group can
 * connect (the socket file's mode); keys are exported to root only (SO_PEERCRED).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/evloop.h"
#include "common/log.h"
#include "pcscf/ctl_proto.h"
#include "pcscf/pcscfd.h"
#include "pcscf/reg.h"
#include "sip/sip_transport.h"

#define PCSCFD_CTL_TIMEOUT_MS 2000
#ifndef PCSCF_VERSION
#define PCSCF_VERSION "unknown"
#endif

/* The answer being built. */
struct ctl_out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void __attribute__((format(printf, 2, 3)))
ctl_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if (o->buf && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
		char *buf = realloc(o->buf, cap);

		if (!buf) {
			o->failed = true;
			return;
		}
		o->buf = buf, o->cap = cap;
	}
}

static void ctl_json(struct ctl_out *o, const char *s)
{
	char text[2 * REG_ROUTE_MAX];

	ctl_json_str(s, text, sizeof(text));
	ctl_printf(o, "%s", text);
}

static const char *ctl_addr(const struct xfrm_addr *a, char *buf)
{
	return a->family ? xfrm_addr_str(a, buf, INET6_ADDRSTRLEN) : "";
}

/* ---- signature checks (doc/signing.md) ---------------------------------------------- */

static const char *const ctl_sign_kinds[PCSCF_SIGN_KINDS] = {
	[PCSCF_SIGN_VIA] = "via",
	[PCSCF_SIGN_RR] = "record_route",
	[PCSCF_SIGN_ROUTE_SET] = "route_set",
	[PCSCF_SIGN_TARGET] = "target",
};

/* One counter of status, as "name value" or as a JSON member after others. */
static void ctl_counter(struct ctl_out *o, bool json, const char *prefix, const char *name,
			uint64_t v)
{
	char key[64];
	size_t i;

	/* Reason names have dashes ("bad-mac"); counter names use underscores. */
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	for (i = 0; key[i]; i++)
		key[i] = key[i] == '-' ? '_' : key[i];
	ctl_printf(o, json ? ", \"%s\": %llu" : "%s %llu\n", key, (unsigned long long)v);
}

/* The failed checks of one peer: "bad-mac=2 missing=1" or {"bad-mac": 2, ...}. */
static void ctl_sign_reasons(struct ctl_out *o, bool json, const struct reg_sign *s)
{
	bool first = true;

	ctl_printf(o, json ? "{" : "");
	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++) {
		if (!json && !s->by_reason[i])
			continue;
		ctl_printf(o, json ? "%s\"%s\": %llu" : "%s%s=%llu",
			   first  ? ""
			   : json ? ", "
				  : " ",
			   sign_result_name((enum sign_result)i),
			   (unsigned long long)s->by_reason[i]);
		first = false;
	}
	ctl_printf(o, json ? "}" : first ? "none" : "");
}

/* Seconds since a peer's last failed check (0 when none). */
static unsigned long long ctl_sign_ago(struct pcscfd *d, const struct reg_sign *s)
{
	uint64_t now = evloop_now_ms(d->loop);

	return s->last_ms && now > s->last_ms ? (unsigned long long)((now - s->last_ms) / 1000) : 0;
}

/* A peer's failed checks as JSON members (after others): "sign_failed", ... */
static void ctl_sign_peer_json(struct pcscfd *d, struct ctl_out *o, const struct reg_sign *s)
{
	ctl_printf(o, ", \"sign_failed\": %llu, \"sign_failed_by_reason\": ",
		   (unsigned long long)s->failed);
	ctl_sign_reasons(o, true, s);
	ctl_printf(o,
		   ", \"sign_last_failure\": \"%s\", \"sign_last_failure_s_ago\": %llu, "
		   "\"sign_over_rate\": %s",
		   s->failed ? sign_result_name(s->last) : "", ctl_sign_ago(d, s),
		   reg_sign_over_rate(s, evloop_now_ms(d->loop), d->cfg.sign_warn_rate) ? "true"
											: "false");
}

/* A peer's failed checks as one text line after its label. */
static void ctl_sign_peer_text(struct pcscfd *d, struct ctl_out *o, const char *label,
			       const struct reg_sign *s)
{
	ctl_printf(o, "%s %llu (", label, (unsigned long long)s->failed);
	ctl_sign_reasons(o, false, s);
	if (s->failed)
		ctl_printf(o, "), last %s %llu s ago%s\n", sign_result_name(s->last),
			   ctl_sign_ago(d, s),
			   reg_sign_over_rate(s, evloop_now_ms(d->loop), d->cfg.sign_warn_rate)
				   ? ", over signing-warn-rate"
				   : "");
	else
		ctl_printf(o, ")\n");
}

/* The signing counters of status, after the others (JSON: inside "counters"). */
static void ctl_status_signing(struct ctl_out *o, bool json, const struct pcscf_stats *st)
{
	uint64_t failed = 0;

	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++)
		failed += st->sign_checks[i];
	ctl_counter(o, json, "sign_", "made", st->sign_made);
	ctl_counter(o, json, "sign_", "verified", st->sign_checks[SIGN_OK]);
	ctl_counter(o, json, "sign_", "failed", failed);
	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++)
		ctl_counter(o, json, "sign_failed_", sign_result_name((enum sign_result)i),
			    st->sign_checks[i]);
	for (int k = 0; k < PCSCF_SIGN_KINDS; k++)
		ctl_counter(o, json, "sign_failed_", ctl_sign_kinds[k], st->sign_failed_kind[k]);
	ctl_counter(o, json, "sign_failed_", "core", st->sign_core.failed);
	ctl_counter(o, json, "sign_", "403_limited", st->sign_403_limited);
	ctl_counter(o, json, "sign_", "warnings", st->sign_warnings);
	ctl_counter(o, json, "sign_", "ues_over_rate", st->sign_ues_over_rate);
}

/* The signing keys: how many, which signs and since when (never a secret); JSON: members
 * of the signing object. */
static void ctl_status_keys(struct pcscfd *d, bool json, struct ctl_out *o)
{
	struct pcscf_sign_status ss;
	time_t now = time(NULL);
	unsigned long long age;

	pcscf_sign_status(d->logic, &ss);
	age = ss.keys && (uint64_t)now > ss.current_created
		      ? (unsigned long long)((uint64_t)now - ss.current_created)
		      : 0;
	if (json && ss.keys)
		ctl_printf(o, ", \"keys\": %zu, \"current\": \"%08x\", \"age_s\": %llu", ss.keys,
			   ss.current_id, age);
	else if (json)
		ctl_printf(o, ", \"keys\": 0, \"current\": null, \"age_s\": null");
	else if (ss.keys)
		ctl_printf(o, "signing keys %zu current %08x age_s %llu\n", ss.keys, ss.current_id,
			   age);
}

/* The signing settings and the core side's failures, after the counters. */
/* A setting's word: JSON true/false, else the config file's own words. */
static const char *ctl_switch(bool json, bool on, const char *yes, const char *no)
{
	return json ? (on ? "true" : "false") : (on ? yes : no);
}

static void ctl_status_signing_peer(struct pcscfd *d, struct ctl_out *o, bool json,
				    const struct pcscf_stats *st)
{
	const struct config *c = &d->cfg;

	ctl_printf(
		o,
		json ? ", \"signing\": {\"enabled\": %s, \"rotate_s\": %u, \"keep_s\": %u, "
		       "\"core_side\": %s, \"warn_rate_per_min\": %u, \"core\": {\"peer\": \"core\""
		     : "signing %s rotate_s %u keep_s %u core_side %s warn_rate_per_min %u\n",
		ctl_switch(json, c->sign_rotate_s, "on", "off"), c->sign_rotate_s, c->sign_keep_s,
		ctl_switch(json, c->sign_core, "yes", "no"), c->sign_warn_rate);
	if (json) {
		ctl_sign_peer_json(d, o, &st->sign_core);
		ctl_printf(o, "}");
		ctl_status_keys(d, true, o);
		ctl_printf(o, "}");
	} else {
		ctl_sign_peer_text(d, o, "sign_core_failures", &st->sign_core);
		ctl_status_keys(d, false, o);
	}
}

/* ---- status ----------------------------------------------------------------------- */

static void ctl_status(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o)
{
	struct pcscf_stats st;
	struct sip_transport_stats ts;
	char a[INET6_ADDRSTRLEN];
	unsigned sas = 0, pols = 0;
	const uint64_t uptime = (evloop_now_ms(d->loop) - d->started_ms) / 1000;

	pcscf_get_stats(d->logic, &st);
	sip_transport_get_stats(d->tr, &ts);
	privsep_count(d->ps, &sas, &pols);
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{"registrations", st.registrations},
		{"pending", st.pending},
		{"kernel_sas", sas},
		{"kernel_policies", pols},
		{"messages_in", st.rx},
		{"messages_out", ts.tx_udp + ts.tx_tcp},
		{"forwarded", st.forwarded},
		{"answered", st.answered},
		{"drop_bad", st.rx_bad},
		{"drop_unprotected", st.drop_unprotected},
		{"drop_no_registration", st.drop_no_reg},
		{"drop_no_transaction", st.drop_no_txn},
		{"drop_other", st.drop_other},
		{"register_retransmissions_absorbed", st.absorbed},
		{"sets_installed", st.sets_installed},
		{"sets_deleted", st.sets_deleted},
		{"addresses_added", st.addresses_added},
		{"state_commits", d->commits},
		{"messages_held_for_commit", d->held_total},
	};

	ctl_printf(o,
		   req->json ? "{\"version\": \"%s\", \"uptime_s\": %llu, \"listening\": ["
			     : "version %s\nuptime_s %llu\nlistening",
		   PCSCF_VERSION, (unsigned long long)uptime);
	for (size_t i = 0; i < d->cfg.naccess + d->cfg.ncore; i++) {
		const struct xfrm_addr *x =
			i < d->cfg.naccess ? &d->cfg.access[i] : &d->cfg.core[i - d->cfg.naccess];
		bool access = i < d->cfg.naccess;

		ctl_printf(o, req->json ? "%s\"%s [%s]:%u%s%s\"" : " %s%s [%s]:%u%s%s",
			   i && req->json ? ", " : "", access ? "access" : "core",
			   xfrm_addr_str(x, a, sizeof(a)), d->cfg.port, access ? "," : "",
			   access ? "protected" : "");
	}
	ctl_printf(o, req->json ? "], \"counters\": {" : "\n");
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ctl_printf(o, req->json ? "%s\"%s\": %llu" : "%s%s %llu\n",
			   i && req->json ? ", " : "", c[i].name, (unsigned long long)c[i].v);
	ctl_status_signing(o, req->json, &st);
	ctl_printf(o, req->json ? "}" : "");
	ctl_status_signing_peer(d, o, req->json, &st);
	ctl_printf(o, req->json ? "}\n" : "");
}

/* ---- registrations ---------------------------------------------------------------- */

static void ctl_set_json(struct pcscfd *d, struct ctl_out *o, const char *which,
			 const struct reg_sa *sa, bool counters)
{
	struct privsep_sa_info sas[PRIVSEP_SET_SAS_MAX];
	char a[INET6_ADDRSTRLEN];
	int n;

	ctl_printf(o,
		   "{\"which\": \"%s\", \"reqid\": \"0x%08x\", \"mech\": \"%s\", "
		   "\"alg\": \"%s\", \"ealg\": \"%s\", \"ue_spi_c\": %u, \"ue_spi_s\": %u, "
		   "\"ue_port_c\": %u, \"ue_port_s\": %u, \"pcscf\": \"%s\", "
		   "\"pcscf_spi_c\": %u, \"pcscf_spi_s\": %u",
		   which, sa->reqid,
		   sa->mech == SECAGREE_MECH_IPSEC_MAN ? "ipsec-man" : "ipsec-3gpp",
		   ipsec_integ_name(sa->integ), ipsec_encr_name(sa->encr), sa->ue.spi_c,
		   sa->ue.spi_s, sa->ue.port_c, sa->ue.port_s, ctl_addr(&sa->pcscf.addr, a),
		   sa->pcscf.spi_c, sa->pcscf.spi_s);
	n = counters ? privsep_set_sas(d->ps, sa->reqid, sas) : -1;
	if (counters)
		ctl_printf(o, ", \"sas\": [");
	for (int i = 0; i < n; i++)
		ctl_printf(o,
			   "%s{\"dst\": \"%s\", \"spi\": %u, \"bytes\": %llu, \"packets\": %llu, "
			   "\"integrity_failed\": %u}",
			   i ? ", " : "", ctl_addr(&sas[i].dst, a), sas[i].spi,
			   (unsigned long long)sas[i].counters.bytes,
			   (unsigned long long)sas[i].counters.packets,
			   sas[i].counters.integrity_failed);
	ctl_printf(o, counters ? "]}" : "}");
}

/* One registration as one line of JSON (scenario tests count lines with "impu"). */
static void ctl_reg_json(struct pcscfd *d, struct ctl_out *o, const struct reg *r, bool counters)
{
	char a[INET6_ADDRSTRLEN];
	uint64_t now = evloop_now_ms(d->loop);

	ctl_printf(o, "{\"impu\": ");
	ctl_json(o, r->impu);
	ctl_printf(o, ", \"impi\": ");
	ctl_json(o, r->impi);
	ctl_printf(o, ", \"contact\": ");
	ctl_json(o, r->contact);
	ctl_printf(o,
		   ", \"ue\": \"%s\", \"prefix_len\": %u, \"last_address\": \"%s\", "
		   "\"addresses\": [\"%s\"",
		   ctl_addr(&r->cur.ue.addr, a), r->cur.prefix_len, ctl_addr(&r->last_addr, a),
		   ctl_addr(&r->cur.ue.addr, a));
	for (size_t i = 0; i < r->cur.naddrs; i++)
		ctl_printf(o, ", \"%s\"", ctl_addr(&r->cur.addrs[i], a));
	ctl_printf(o, "], \"transport\": \"%s\", \"expires_s\": %llu, \"sets\": [",
		   r->proto == SIP_PROTO_TCP ? "tcp" : "udp",
		   (unsigned long long)(r->expires_ms > now ? (r->expires_ms - now) / 1000 : 0));
	ctl_set_json(d, o, "current", &r->cur, counters);
	if (r->old.reqid) {
		ctl_printf(o, ", ");
		ctl_set_json(d, o, "old", &r->old, counters);
	}
	ctl_printf(o, "]");
	ctl_sign_peer_json(d, o, &r->sign);
	ctl_printf(o, "}");
}

static void ctl_reg_row(struct pcscfd *d, struct ctl_out *o, const struct reg *r)
{
	char a[INET6_ADDRSTRLEN];
	uint64_t now = evloop_now_ms(d->loop);

	ctl_printf(o, "%-32s %-26s/%-3u %9llu  0x%08x %s %-13s/%-12s %11llu\n", r->impu,
		   ctl_addr(&r->cur.ue.addr, a), r->cur.prefix_len,
		   (unsigned long long)(r->expires_ms > now ? (r->expires_ms - now) / 1000 : 0),
		   r->cur.reqid, r->proto == SIP_PROTO_TCP ? "tcp" : "udp",
		   ipsec_integ_name(r->cur.integ), ipsec_encr_name(r->cur.encr),
		   (unsigned long long)r->sign.failed);
}

/* Does @r match the IMPU or the UE address @key (NULL: every registration)? */
static bool ctl_reg_matches(const struct reg *r, const char *key)
{
	struct xfrm_addr a;

	if (!key)
		return true;
	if (xfrm_addr_parse(key, &a) == 0)
		return reg_sa_covers(&r->cur, &a);
	return strcasecmp(r->impu, key) == 0;
}

static int ctl_registrations(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o,
			     const char *key, bool detail)
{
	int n = 0;

	if (req->json && !detail)
		ctl_printf(o, "{\"registrations\": [\n");
	else if (!req->json)
		ctl_printf(o, "%-32s %-30s %9s  %-10s %-30s %11s\n", "IMPU", "UE/PREFIX",
			   "EXPIRES_S", "SET", "ALGORITHMS", "SIGN_FAILED");
	for (const struct reg *r = pcscf_registrations(d->logic); r; r = r->next) {
		if (!ctl_reg_matches(r, key))
			continue;
		if (req->json) {
			ctl_printf(o, "%s", n && !detail ? ",\n" : "");
			ctl_reg_json(d, o, r, detail);
		} else {
			ctl_reg_row(d, o, r);
		}
		n++;
		if (detail)
			break;
	}
	if (req->json)
		ctl_printf(o, detail ? "\n" : "\n]}\n");
	return detail && n == 0 ? -ENOENT : 0;
}

static void ctl_set_rows(struct pcscfd *d, struct ctl_out *o, const char *impu, const char *which,
			 const struct reg_sa *sa)
{
	struct privsep_sa_info sas[PRIVSEP_SET_SAS_MAX];
	char a[INET6_ADDRSTRLEN];
	int n = privsep_set_sas(d->ps, sa->reqid, sas);

	for (int i = 0; i < n; i++)
		ctl_printf(o, "0x%08x %-7s %-32s %-26s 0x%08x %12llu %10llu\n", sa->reqid, which,
			   impu, ctl_addr(&sas[i].dst, a), sas[i].spi,
			   (unsigned long long)sas[i].counters.bytes,
			   (unsigned long long)sas[i].counters.packets);
}

static int ctl_show(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o)
{
	const struct reg *r;

	if (req->json)
		return ctl_registrations(d, req, o, req->argv[0], true);
	for (r = pcscf_registrations(d->logic); r && !ctl_reg_matches(r, req->argv[0]);)
		r = r->next;
	if (!r)
		return -ENOENT;
	ctl_registrations(d, req, o, req->argv[0], true);
	ctl_printf(o, "contact %s\nservice-route %s\nassociated %s\n", r->contact, r->service_route,
		   r->assoc);
	ctl_sign_peer_text(d, o, "signature-failures", &r->sign);
	ctl_printf(o,
		   "\n%-10s %-7s %-32s %-26s "
		   "%-10s %12s %10s\n",
		   "SET", "WHICH", "IMPU", "DST", "SPI", "BYTES", "PACKETS");
	ctl_set_rows(d, o, r->impu, "current", &r->cur);
	if (r->old.reqid)
		ctl_set_rows(d, o, r->impu, "old", &r->old);
	return 0;
}

static int ctl_sa_list(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o)
{
	unsigned sas = 0, pols = 0;
	int ret = privsep_count(d->ps, &sas, &pols);

	if (ret < 0)
		return ret;
	if (req->json) {
		ctl_printf(o,
			   "{\"kernel_sas\": %u, \"kernel_policies\": %u, \"registrations\": [\n",
			   sas, pols);
		for (const struct reg *r = pcscf_registrations(d->logic); r; r = r->next) {
			ctl_reg_json(d, o, r, true);
			ctl_printf(o, "%s\n", r->next ? "," : "");
		}
		ctl_printf(o, "]}\n");
		return 0;
	}
	ctl_printf(o, "%-10s %-7s %-32s %-26s %-10s %12s %10s\n", "SET", "WHICH", "IMPU", "DST",
		   "SPI", "BYTES", "PACKETS");
	for (const struct reg *r = pcscf_registrations(d->logic); r; r = r->next) {
		ctl_set_rows(d, o, r->impu, "current", &r->cur);
		if (r->old.reqid)
			ctl_set_rows(d, o, r->impu, "old", &r->old);
	}
	ctl_printf(o,
		   "kernel: %u SAs and %u policies of ours (sets of registrations in progress "
		   "and the guard included)\n",
		   sas, pols);
	return 0;
}

static int ctl_flush_orphans(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o)
{
	struct xfrm_reconcile_report rep;
	int ret = privsep_reconcile(d->ps, &rep);

	if (ret < 0)
		return ret;
	ctl_printf(o,
		   req->json ? "{\"sas_removed\": %u, \"policies_removed\": %u, "
			       "\"sas_added\": %u, \"policies_added\": %u}\n"
			     : "removed %u SAs and %u policies; put back %u SAs and %u policies\n",
		   rep.sas_removed, rep.policies_removed, rep.sas_added, rep.policies_added);
	return 0;
}

/* ---- keys export (Wireshark's esp_sa table) ----------------------------------------- */

static void ctl_hex(struct ctl_out *o, const uint8_t *key, size_t len)
{
	ctl_printf(o, len ? "\"0x" : "\"");
	for (size_t i = 0; i < len; i++)
		ctl_printf(o, "%02x", key[i]);
	ctl_printf(o, "\"");
}

static void ctl_esp_line(struct ctl_out *o, const struct privsep_set_keys *k, int family,
			 const char *src, const char *dst, uint32_t spi)
{
	static const char *const encr[] = {
		[IPSEC_ENCR_NULL] = "NULL",
		[IPSEC_ENCR_AES_CBC] = "AES-CBC [RFC3602]",
		[IPSEC_ENCR_DES_EDE3_CBC] = "TripleDES-CBC [RFC2451]",
		[IPSEC_ENCR_AES_GCM] = "AES-GCM with 16 octet ICV [RFC4106]",
	};
	const char *auth = k->integ == IPSEC_INTEG_HMAC_MD5_96 ? "HMAC-MD5-96 [RFC2403]"
			   : k->encr == IPSEC_ENCR_AES_GCM     ? "NULL"
							       : "HMAC-SHA-1-96 [RFC2404]";

	ctl_printf(o, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",",
		   family == AF_INET6 ? "IPv6" : "IPv4", src, dst, spi, encr[k->encr]);
	ctl_hex(o, k->enc_key, k->enc_key_len);
	ctl_printf(o, ",\"%s\",", auth);
	ctl_hex(o, k->encr == IPSEC_ENCR_AES_GCM ? NULL : k->auth_key,
		k->encr == IPSEC_ENCR_AES_GCM ? 0 : k->auth_key_len);
	ctl_printf(o, "\n");
}

/* The SAs of one set: towards the P-CSCF from any address of the prefix, towards each
 * UE address the set has SAs for. */
static void ctl_keys_set(struct pcscfd *d, struct ctl_out *o, const struct reg_sa *sa)
{
	struct privsep_set_keys k;
	char pc[INET6_ADDRSTRLEN], ue[INET6_ADDRSTRLEN];
	int fam = sa->pcscf.addr.family;

	if (privsep_set_keys(d->ps, sa->reqid, &k) < 0) {
		ctl_printf(o, "# set 0x%08x: %s\n", sa->reqid, privsep_error(d->ps));
		return;
	}
	if (k.integ == IPSEC_INTEG_AES_GMAC) {
		ctl_printf(o, "# set 0x%08x: aes-gmac, which Wireshark cannot check\n", sa->reqid);
	} else {
		ctl_addr(&sa->pcscf.addr, pc);
		ctl_esp_line(o, &k, fam, "*", pc, sa->pcscf.spi_s);
		ctl_esp_line(o, &k, fam, "*", pc, sa->pcscf.spi_c);
		for (size_t i = 0; i <= sa->naddrs; i++) {
			ctl_addr(i ? &sa->addrs[i - 1] : &sa->ue.addr, ue);
			ctl_esp_line(o, &k, fam, pc, ue, sa->ue.spi_s);
			ctl_esp_line(o, &k, fam, pc, ue, sa->ue.spi_c);
		}
	}
	explicit_bzero(&k, sizeof(k));
}

static int ctl_keys_export(struct pcscfd *d, struct ctl_out *o)
{
	size_t n = 0;

	ctl_printf(o, "# Wireshark esp_sa table from pcscfd (pcscfctl keys export): secret\n");
	for (const struct reg *r = pcscf_registrations(d->logic); r; r = r->next, n++) {
		ctl_keys_set(d, o, &r->cur);
		if (r->old.reqid)
			ctl_keys_set(d, o, &r->old);
	}
	log_warn("pcscfctl: the ESP keys of %zu registrations exported", n);
	return 0;
}

/* ---- requests --------------------------------------------------------------------- */

static int ctl_log_level(const struct ctl_request *req, struct ctl_out *o)
{
	int level = log_level_from_name(req->argv[0]);

	if (level < 0)
		return -EINVAL;
	log_set_level(level);
	log_info("log level %s (pcscfctl)", log_level_name(level));
	ctl_printf(o, req->json ? "{\"log_level\": \"%s\"}\n" : "log level %s\n",
		   log_level_name(level));
	return 0;
}

/* What deregister reports of each registration it ended. */
struct ctl_dereg {
	const struct ctl_request *req;
	struct ctl_out rows; /* one row (or JSON object) per registration */
	int n, told;
};

static const char *const ctl_dereg_why[] = {
	[PCSCF_DEREG_TOLD] = "de-REGISTER sent",
	[PCSCF_DEREG_NO_IMPI] = "IMPI unknown (restored from an older state database)",
	[PCSCF_DEREG_SEND_FAILED] = "the de-REGISTER could not be sent (see the log)",
};

static void ctl_dereg_one(void *arg, const struct reg *r, enum pcscf_dereg_told told)
{
	struct ctl_dereg *c = arg;
	char a[INET6_ADDRSTRLEN];

	ctl_addr(&r->cur.ue.addr, a);
	if (c->req->json) {
		ctl_printf(&c->rows, "%s{\"impu\": ", c->n ? ",\n" : "");
		ctl_json(&c->rows, r->impu);
		ctl_printf(&c->rows, ", \"impi\": ");
		ctl_json(&c->rows, r->impi);
		ctl_printf(&c->rows,
			   ", \"ue\": \"%s\", \"prefix_len\": %u, \"scscf_told\": %s, "
			   "\"detail\": \"%s\"}",
			   a, r->cur.prefix_len, told == PCSCF_DEREG_TOLD ? "true" : "false",
			   ctl_dereg_why[told]);
	} else {
		ctl_printf(&c->rows, "%-32s %-26s/%-3u %-3s %s\n", r->impu, a, r->cur.prefix_len,
			   told == PCSCF_DEREG_TOLD ? "yes" : "no", ctl_dereg_why[told]);
	}
	c->n++;
	c->told += told == PCSCF_DEREG_TOLD;
}

/* The S-CSCF's answer comes later: pcscfd logs it (pcscfctl(8)). */
static int ctl_deregister(struct pcscfd *d, const struct ctl_request *req, struct ctl_out *o)
{
	struct ctl_dereg c = {.req = req};
	int ret = 0;

	pcscf_deregister(d->logic, req->argv[0], ctl_dereg_one, &c);
	if (c.rows.failed)
		ret = -ENOMEM;
	else if (c.n == 0)
		ret = -ENOENT;
	else if (req->json)
		ctl_printf(o,
			   "{\"deregistered\": %d, \"scscf_told\": %d, \"registrations\": "
			   "[\n%s\n]}\n",
			   c.n, c.told, c.rows.buf);
	else
		ctl_printf(
			o,
			"%d registration(s) ended, %d told to the S-CSCF\n%-32s %-30s %-3s %s\n%s",
			c.n, c.told, "IMPU", "UE/PREFIX", "TOLD", "DETAIL", c.rows.buf);
	free(c.rows.buf);
	return ret;
}

static int ctl_dispatch(struct pcscfd *d, const struct ctl_request *req, uid_t uid,
			struct ctl_out *o)
{
	switch (req->cmd) {
	case CTL_CMD_STATUS:
		ctl_status(d, req, o);
		return 0;
	case CTL_CMD_REGISTRATIONS:
		return ctl_registrations(d, req, o, req->argc ? req->argv[1] : NULL, false);
	case CTL_CMD_REGISTRATION_SHOW:
		return ctl_show(d, req, o);
	case CTL_CMD_DEREGISTER:
		return ctl_deregister(d, req, o);
	case CTL_CMD_SA_LIST:
		return ctl_sa_list(d, req, o);
	case CTL_CMD_SA_FLUSH_ORPHANS:
		return ctl_flush_orphans(d, req, o);
	case CTL_CMD_KEYS_EXPORT:
		return uid == 0 ? ctl_keys_export(d, o) : -EPERM;
	case CTL_CMD_LOG_LEVEL:
		return ctl_log_level(req, o);
	default:
		return -EINVAL;
	}
}

/* Read the request line (the client sends it at once; a slow one is cut off). */
static int ctl_read(int fd, struct ctl_request *req)
{
	char buf[CTL_LINE_MAX];
	size_t len = 0;
	int ret = -EAGAIN;

	while (ret == -EAGAIN && len < sizeof(buf)) {
		ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);

		if (n <= 0)
			return n == 0 ? -EPIPE : -errno;
		len += (size_t)n;
		ret = ctl_request_parse(buf, len, req);
	}
	return ret;
}

static void ctl_answer(int fd, int err, const struct ctl_request *req, struct ctl_out *o)
{
	char head[160];
	int code = err == -EPERM    ? CTL_EXIT_DENIED
		   : err == -EINVAL ? CTL_EXIT_USAGE
				    : CTL_EXIT_FAILED;
	const char *why = err == -ENOENT   ? "no such registration"
			  : err == -EPERM  ? "only root may do that"
			  : err == -EINVAL ? "bad request or argument"
					   : strerror(-err);
	int n = err == 0 ? snprintf(head, sizeof(head), "OK\n")
			 : snprintf(head, sizeof(head), "ERR %d %s: %s\n", code,
				    req ? ctl_cmd_name(req->cmd) : "request", why);
	const char *parts[2] = {head, err == 0 && o->buf ? o->buf : ""};
	size_t lens[2] = {(size_t)n, err == 0 ? o->len : 0};

	for (int i = 0; i < 2; i++)
		for (size_t off = 0; off < lens[i];) {
			ssize_t w = send(fd, parts[i] + off, lens[i] - off, MSG_NOSIGNAL);

			if (w <= 0)
				return;
			off += (size_t)w;
		}
}

static void ctl_serve(struct pcscfd *d, int fd)
{
	struct timeval tv = {.tv_sec = PCSCFD_CTL_TIMEOUT_MS / 1000};
	struct ucred cred = {.uid = (uid_t)-1};
	socklen_t clen = sizeof(cred);
	struct ctl_request req;
	struct ctl_out o = {0};
	int err;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		cred.uid = (uid_t)-1;
	err = ctl_read(fd, &req);
	if (err < 0) {
		if (err != -EPIPE)
			ctl_answer(fd, -EINVAL, NULL, &o);
		return;
	}
	log_debug("pcscfctl (uid %d): %s", (int)cred.uid, ctl_cmd_name(req.cmd));
	err = ctl_dispatch(d, &req, cred.uid, &o);
	if (err == 0 && o.failed)
		err = -ENOMEM;
	ctl_answer(fd, err, &req, &o);
	if (o.buf)
		explicit_bzero(o.buf, o.cap); /* it may hold keys */
	free(o.buf);
}

static void ctl_accept(struct evloop *loop, int lfd, unsigned int events, void *arg)
{
	struct pcscfd *d = arg;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	(void)loop, (void)events;
	if (fd < 0)
		return;
	/* A reply flushed by pcscfd_state_flush() can wait: the answer reflects memory. */
	ctl_serve(d, fd);
	close(fd);
}

int pcscfd_ctl_listen(struct pcscfd *d)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct group *gr = d->cfg.control_group[0] ? getgrnam(d->cfg.control_group) : NULL;
	const char *path = d->cfg.control;
	int fd;

	if (d->cfg.control_group[0] && !gr) {
		log_err("control-group %s: no such group", d->cfg.control_group);
		return -ENOENT;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("control socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path); /* a socket left by a crash */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, gr ? 0660 : 0600) < 0 || (gr && chown(path, 0, gr->gr_gid) < 0) ||
	    listen(fd, 16) < 0) {
		int err = -errno;

		log_err_errno("control socket %s", path);
		close(fd);
		return err;
	}
	d->ctl_fd = fd;
	return 0;
}

int pcscfd_ctl_start(struct pcscfd *d)
{
	if (d->ctl_fd < 0)
		return 0;
	return evloop_add_fd(d->loop, d->ctl_fd, EVLOOP_READ, ctl_accept, d);
}

void pcscfd_ctl_close(struct pcscfd *d)
{
	if (d->ctl_fd < 0)
		return;
	if (d->loop)
		evloop_del_fd(d->loop, d->ctl_fd);
	close(d->ctl_fd);
	d->ctl_fd = -1;
}
