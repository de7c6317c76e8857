/*
 * hss_reg.c — REGISTER at the S-CSCF (RFC 3261 §10.3, RFC 3310, RFC 3327, TS 24.229 §5.4.1):
 * who is registering, AKA challenge / verification / resynchronisation, bindings, and the
 * 200 with Service-Route, P-Associated-URI, Path and Contact.
 *
 * Order of the checks, each answered with the first failure:
 *   Request-URI not ours (404), Require with an option we lack (420), Authorization
 *   unreadable (400), To not a public identity (404), no IMPI (403), unknown IMPI (403),
 *   IMPU not of this IMPI (403), then authentication (401/403), then the contacts
 *   (400/423), then the bindings change and 200.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "hss-stub/hss_sip_int.h"

#define HSS_REG_URI_MAX	   512
#define HSS_REG_PARAMS_MAX 512
#define HSS_REG_PATH_MAX   4096

/* One Digest credentials value. */
struct hss_reg_creds {
	bool digest; /* a Digest Authorization was found */
	bool ours;   /* ... for our realm */
	bool has_auts;
	char username[HSS_SIP_ID_SIZE];
	char realm[256];
	char nonce[128];
	char uri[1024];
	char response[72];
	char algorithm[32];
	char qop[32];
	char nc[16];
	char cnonce[256];
	char auts[64];
	char integrity[32]; /* integrity-protected, set by the P-CSCF (TS 24.229 §7.2A.2) */
};

/* One contact asked for. */
struct hss_reg_contact {
	char uri[HSS_REG_URI_MAX];
	char params[HSS_REG_PARAMS_MAX];
	uint32_t expires;
};

/* Everything about the REGISTER being handled. */
struct hss_reg_ctx {
	const struct hss_sip_req *req;
	struct hss_reg_creds creds;
	char impi[HSS_SIP_ID_SIZE];
	char impu[HSS_SIP_ID_SIZE];
	struct hss_subscriber *sub;
	struct hss_reg_contact contacts[HSS_BIND_MAX_CONTACTS];
	size_t n_contacts;
	bool star;	  /* Contact: * */
	bool has_contact; /* any Contact at all (else: a query) */
	char path[HSS_REG_PATH_MAX];
	const char *reason; /* of a failure */
};

/* ---- Authorization ---- */

/* Copy one auth-param into the field of its name; unknown names are ignored. */
static int hss_reg_creds_field(struct hss_reg_creds *c, const struct sip_auth_param *p)
{
	const struct {
		const char *name;
		char *dst;
		size_t size;
	} f[] = {
		{"username", c->username, sizeof(c->username)},
		{"realm", c->realm, sizeof(c->realm)},
		{"nonce", c->nonce, sizeof(c->nonce)},
		{"uri", c->uri, sizeof(c->uri)},
		{"response", c->response, sizeof(c->response)},
		{"algorithm", c->algorithm, sizeof(c->algorithm)},
		{"qop", c->qop, sizeof(c->qop)},
		{"nc", c->nc, sizeof(c->nc)},
		{"cnonce", c->cnonce, sizeof(c->cnonce)},
		{"auts", c->auts, sizeof(c->auts)},
		{"integrity-protected", c->integrity, sizeof(c->integrity)},
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!sip_str_caseeq(p->name, f[i].name))
			continue;
		if (f[i].dst == c->auts)
			c->has_auts = true;
		return hss_sip_copy_str(f[i].dst, f[i].size, p->value) ? -EINVAL : 0;
	}
	return 0;
}

/* Read one Authorization value: 1 when it is not Digest, 0, or -EINVAL. */
static int hss_reg_creds_read(struct sip_str v, struct hss_reg_creds *c)
{
	struct sip_hdr_iter it;
	struct sip_auth_param p;
	struct sip_str scheme;
	int ret;

	if (sip_hdr_auth_begin(&it, v.s, v.len, &scheme) != 0)
		return -EINVAL;
	if (!sip_str_caseeq(scheme, "Digest"))
		return 1;
	memset(c, 0, sizeof(*c));
	c->digest = true;
	while ((ret = sip_hdr_auth_next(&it, &p)) == 1)
		if (hss_reg_creds_field(c, &p) != 0)
			return -EINVAL;
	return ret < 0 ? -EINVAL : 0;
}

/* The Digest credentials for our realm, else the first Digest ones (for the username). */
static int hss_reg_creds(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	struct hss_reg_creds tmp;
	int i, ret;

	for (i = sip_msg_find(m, SIP_HDR_AUTHORIZATION, 0); i >= 0;
	     i = sip_msg_find(m, SIP_HDR_AUTHORIZATION, (size_t)i + 1)) {
		ret = hss_reg_creds_read(sip_msg_hdr_value(m, (size_t)i), &tmp);
		if (ret < 0) {
			OPENSSL_cleanse(&tmp, sizeof(tmp));
			c->reason = "Bad Request: malformed Authorization";
			return 400;
		}
		if (ret > 0)
			continue;
		tmp.ours = strcmp(tmp.realm, s->domain) == 0;
		if (!c->creds.digest || (tmp.ours && !c->creds.ours))
			c->creds = tmp;
		if (tmp.ours)
			break;
	}
	OPENSSL_cleanse(&tmp, sizeof(tmp));
	return 0;
}

/* ---- who registers ---- */

static int hss_reg_identities(struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	struct sip_str to = sip_msg_hdr_value(m, (size_t)m->first[SIP_HDR_TO]);
	struct sip_nameaddr na;
	struct sip_uri uri;

	if (sip_hdr_nameaddr_parse(to.s, to.len, &na) != 0 ||
	    sip_uri_parse(na.uri.s, na.uri.len, &uri) != 0 ||
	    hss_sip_uri_impu(&uri, c->impu, sizeof(c->impu)) != 0) {
		c->reason = "Not Found: To is not a public user identity";
		return 404;
	}
	if (c->creds.digest) {
		snprintf(c->impi, sizeof(c->impi), "%s", c->creds.username);
	} else if (uri.scheme != SIP_URI_TEL) {
		/* TS 23.003 §13.3: without credentials, the IMPI follows from the IMPU. */
		snprintf(c->impi, sizeof(c->impi), "%s", strchr(c->impu, ':') + 1);
	}
	if (!c->impi[0]) {
		c->reason = "Forbidden: no private user identity";
		return 403;
	}
	return 0;
}

static int hss_reg_subscriber(struct hss_sip *s, struct hss_reg_ctx *c)
{
	size_t i;
	int ret;

	ret = hss_impi_check(c->impi) ? -ENOENT
				      : hss_db_subscriber_get_by_impi(s->db, c->impi, &c->sub);
	if (ret == -ENOENT) {
		c->reason = "Forbidden: unknown subscriber";
		return 403;
	}
	if (ret) {
		log_err("cannot read subscriber %s: %s", c->impi, hss_db_error(s->db));
		c->reason = NULL;
		return 500;
	}
	for (i = 0; i < c->sub->n_impu; i++)
		if (strcasecmp(c->sub->impu[i], c->impu) == 0)
			return 0;
	c->reason = "Forbidden: public identity not of this subscriber";
	return 403;
}

/* ---- Require, Request-URI ---- */

/* A response with one more header. */
static void hss_reg_reply_with(struct hss_sip *s, const struct hss_sip_req *req, int status,
			       const char *name, const char *value)
{
	struct sip_util_out o;

	hss_sip_reply_start(s, req, &o, status, NULL);
	sip_util_out_header(&o, name, "%s", value);
	hss_sip_reply_send(s, req, &o);
}

/* 420 with Unsupported for options we do not have; sec-agree is the P-CSCF's business. */
static int hss_reg_require(struct hss_sip *s, const struct hss_sip_req *req)
{
	const struct sip_msg *m = req->msg;
	char unsupported[512] = "";
	struct sip_hdr_iter it;
	struct sip_str e;
	size_t len = 0;
	int i, n;

	for (i = sip_msg_find(m, SIP_HDR_REQUIRE, 0); i >= 0;
	     i = sip_msg_find(m, SIP_HDR_REQUIRE, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(m, (size_t)i);

		sip_hdr_iter_init(&it, v.s, v.len);
		while (sip_hdr_list_next(&it, &e, NULL) == 1) {
			if (sip_str_caseeq(e, "path") || sip_str_caseeq(e, "sec-agree"))
				continue;
			n = snprintf(unsupported + len, sizeof(unsupported) - len, "%s%.*s",
				     len ? ", " : "", (int)e.len, e.s);
			if (n > 0 && (size_t)n < sizeof(unsupported) - len)
				len += (size_t)n;
		}
	}
	if (!len)
		return 0;
	hss_reg_reply_with(s, req, 420, "Unsupported", unsupported);
	return -1;
}

static bool hss_reg_ruri_ok(const struct hss_sip *s, const struct hss_sip_req *req)
{
	struct sip_uri uri;

	if (sip_uri_parse(req->msg->ruri.s, req->msg->ruri.len, &uri) != 0)
		return false;
	return uri.user.len == 0 &&
	       (hss_sip_uri_in_domain(s, &uri) || hss_sip_uri_is_ours(s, &uri, req->rx));
}

/* ---- authentication ---- */

static int hss_reg_challenge(struct hss_sip *s, struct hss_reg_ctx *c)
{
	struct hss_auth_challenge ch;
	struct sip_util_out o;
	int ret;

	ret = hss_auth_challenge(s->auth, c->sub, c->req->now_ms, &ch);
	if (ret) {
		c->reason = NULL;
		return 500;
	}
	hss_sip_reply_start(s, c->req, &o, 401, NULL);
	sip_util_out_header(&o, "WWW-Authenticate",
			    "Digest realm=\"%s\", nonce=\"%s\", algorithm=AKAv1-MD5, qop=\"auth\", "
			    "ck=\"%s\", ik=\"%s\"",
			    s->domain, ch.nonce, ch.ck, ch.ik);
	log_info("%s: challenged (SQN %llx)", c->impi, (unsigned long long)ch.sqn);
	hss_auth_challenge_wipe(&ch);
	s->stats.challenges++;
	hss_sip_reply_send(s, c->req, &o);
	return -1;
}

/* TS 24.229 §5.4.1.2.1: a protected re-registration need not be authenticated again. */
static bool hss_reg_protected(const struct hss_sip *s, const struct hss_reg_ctx *c)
{
	const char *ip = c->creds.integrity;

	if (s->cfg.always_challenge || !c->creds.ours || !hss_bind_get(s->bind, c->impi))
		return false;
	return !strcmp(ip, "yes") || !strcmp(ip, "tls-yes") || !strcmp(ip, "ip-assoc-yes");
}

static int hss_reg_resync(struct hss_sip *s, struct hss_reg_ctx *c)
{
	int ret = hss_auth_resync(s->auth, c->sub, c->creds.nonce, c->creds.auts, c->req->now_ms);

	if (ret == HSS_AUTH_FAILED) {
		s->stats.auth_failures++;
		log_warn("%s: AUTS does not verify", c->impi);
		c->reason = "Forbidden: AUTS verification failed";
		return 403;
	}
	if (ret < 0) {
		c->reason = NULL;
		return 500;
	}
	if (ret == HSS_AUTH_OK)
		s->stats.resyncs++;
	return hss_reg_challenge(s, c);
}

static int hss_reg_verify(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct hss_reg_creds *cr = &c->creds;
	struct digest_input in = {
		.username = cr->username,
		.realm = cr->realm,
		.method = "REGISTER",
		.uri = cr->uri,
		.nonce = cr->nonce,
		.qop = cr->qop[0] ? cr->qop : NULL,
		.nc = cr->nc,
		.cnonce = cr->cnonce,
	};
	int ret;

	/* RFC 2617 §3.2.2.5: the digest-uri must be the Request-URI. */
	if (!sip_str_eq(c->req->msg->ruri, cr->uri)) {
		c->reason = "Bad Request: digest uri is not the Request-URI";
		return 400;
	}
	ret = hss_auth_verify(s->auth, c->impi, &in, cr->response, c->req->now_ms);
	if (ret == HSS_AUTH_OK)
		return 0;
	if (ret == HSS_AUTH_STALE)
		return hss_reg_challenge(s, c);
	s->stats.auth_failures++;
	log_warn("%s: authentication failed (%s)", c->impi,
		 ret == HSS_AUTH_FAILED ? "wrong response" : strerror(-ret));
	c->reason = "Forbidden: authentication failed";
	return 403;
}

/* 0 when the REGISTER is authenticated; a status to answer; -1 when answered already. */
static int hss_reg_authenticate(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct hss_reg_creds *cr = &c->creds;

	if (hss_reg_protected(s, c))
		return 0;
	if (!cr->ours || !cr->nonce[0])
		return hss_reg_challenge(s, c);
	if (cr->has_auts)
		return hss_reg_resync(s, c);
	if (!cr->response[0] || (cr->algorithm[0] && strcasecmp(cr->algorithm, "AKAv1-MD5")))
		return hss_reg_challenge(s, c);
	return hss_reg_verify(s, c);
}

/* ---- contacts ---- */

/* An Expires value; a malformed one counts as the default (RFC 3261 §20.19). */
static uint32_t hss_reg_expires_value(const struct hss_sip *s, struct sip_str v)
{
	uint32_t n;
	int ret = sip_hdr_uint_parse(v.s, v.len, UINT32_MAX, &n);

	if (ret == -ERANGE)
		return UINT32_MAX;
	return ret ? s->cfg.default_expires : n;
}

/* The header parameters of a contact without expires=. */
static int hss_reg_contact_params(struct sip_str params, char *buf, size_t size)
{
	struct sip_hdr_iter it;
	struct sip_param p;
	size_t len = 0;
	int ret;

	buf[0] = '\0';
	sip_hdr_iter_init(&it, params.s, params.len);
	while ((ret = sip_hdr_param_next(&it, &p)) == 1) {
		if (sip_str_caseeq(p.name, "expires"))
			continue;
		if (p.item.len >= size - len)
			return -ENOSPC;
		memcpy(buf + len, p.item.s, p.item.len);
		len += p.item.len;
		buf[len] = '\0';
	}
	return ret;
}

static int hss_reg_contact_read(const struct hss_sip *s, struct sip_str elem, uint32_t dflt,
				struct hss_reg_ctx *c)
{
	struct hss_reg_contact *out;
	struct sip_nameaddr na;
	struct sip_uri uri;

	if (sip_hdr_nameaddr_parse(elem.s, elem.len, &na) != 0) {
		c->reason = "Bad Request: malformed Contact";
		return 400;
	}
	if (na.star) {
		c->star = true;
		return 0;
	}
	if (c->n_contacts >= HSS_BIND_MAX_CONTACTS) {
		c->reason = "Forbidden: too many contacts";
		return 403;
	}
	out = &c->contacts[c->n_contacts];
	if (sip_uri_parse(na.uri.s, na.uri.len, &uri) != 0 ||
	    (uri.scheme != SIP_URI_SIP && uri.scheme != SIP_URI_SIPS) ||
	    hss_sip_copy_str(out->uri, sizeof(out->uri), na.uri) != 0 ||
	    hss_reg_contact_params(na.params, out->params, sizeof(out->params)) < 0) {
		c->reason = "Bad Request: unusable Contact";
		return 400;
	}
	out->expires = na.has_expires ? hss_reg_expires_value(s, na.expires) : dflt;
	c->n_contacts++;
	return 0;
}

static int hss_reg_contacts(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	struct sip_str v, e;
	struct sip_hdr_iter it;
	uint32_t dflt = s->cfg.default_expires;
	bool header_zero = false;
	int i, ret, status;

	if (sip_msg_value_of(m, SIP_HDR_EXPIRES, &v) == 0) {
		dflt = hss_reg_expires_value(s, v);
		header_zero = dflt == 0;
	}
	for (i = sip_msg_find(m, SIP_HDR_CONTACT, 0); i >= 0;
	     i = sip_msg_find(m, SIP_HDR_CONTACT, (size_t)i + 1)) {
		v = sip_msg_hdr_value(m, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &e, NULL)) == 1) {
			c->has_contact = true;
			status = hss_reg_contact_read(s, e, dflt, c);
			if (status)
				return status;
		}
		if (ret < 0) {
			c->reason = "Bad Request: malformed Contact";
			return 400;
		}
	}
	/* RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0. */
	if (c->star && (c->n_contacts > 0 || !header_zero)) {
		c->reason = "Bad Request: Contact * needs to be alone, with Expires: 0";
		return 400;
	}
	return 0;
}

/* 423 for a too short interval (RFC 3261 §10.3 step 6), else cut to the maximum. */
static int hss_reg_intervals(struct hss_sip *s, struct hss_reg_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_contacts; i++) {
		uint32_t *e = &c->contacts[i].expires;

		if (*e != 0 && *e < s->cfg.min_expires) {
			char min[16];

			snprintf(min, sizeof(min), "%u", s->cfg.min_expires);
			hss_reg_reply_with(s, c->req, 423, "Min-Expires", min);
			return -1;
		}
		if (*e > s->cfg.max_expires)
			*e = s->cfg.max_expires;
	}
	return 0;
}

/* The Path values of the REGISTER, in order, joined with ", " (RFC 3327 §5.3). */
static int hss_reg_path(struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	size_t len = 0;
	int i, n;

	c->path[0] = '\0';
	for (i = sip_msg_find(m, SIP_HDR_PATH, 0); i >= 0;
	     i = sip_msg_find(m, SIP_HDR_PATH, (size_t)i + 1)) {
		struct sip_str v = sip_msg_hdr_value(m, (size_t)i);

		n = snprintf(c->path + len, sizeof(c->path) - len, "%s%.*s", len ? ", " : "",
			     (int)v.len, v.s);
		if (n < 0 || (size_t)n >= sizeof(c->path) - len || memchr(v.s, '\r', v.len)) {
			c->reason = "Bad Request: Path too long or folded";
			return 400;
		}
		len += (size_t)n;
	}
	return 0;
}

/* One binding changed; a removal says how many are left (the lab waits for it). */
static void hss_reg_log_change(const struct hss_sip *s, const struct hss_reg_ctx *c,
			       const struct hss_reg_contact *k)
{
	const struct hss_reg *r = hss_bind_get(s->bind, c->impi);

	if (k->expires)
		log_info("%s: registered %s for %u s%s", c->impi, k->uri, k->expires,
			 c->path[0] ? " (with Path)" : "");
	else
		log_info("%s: binding of %s removed, %zu left", c->impi, k->uri,
			 r ? r->n_contacts : 0);
}

/* RFC 3261 §10.3 step 7: check every contact first, then change them all. */
static int hss_reg_apply(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	char call_id[256];
	size_t i;

	if (hss_sip_copy_str(call_id, sizeof(call_id), sip_msg_call_id(m)) != 0) {
		c->reason = "Bad Request: Call-ID too long";
		return 400;
	}
	if (c->star) {
		log_info("%s: all contacts removed (%zu)", c->impi,
			 hss_bind_remove_all(s->bind, c->impi));
		return 0;
	}
	for (i = 0; i < c->n_contacts; i++)
		if (hss_bind_check(s->bind, c->impi, c->contacts[i].uri, call_id, m->cseq)) {
			c->reason = "Bad Request: CSeq not above the binding's";
			return 400;
		}
	for (i = 0; i < c->n_contacts; i++) {
		const struct hss_reg_contact *k = &c->contacts[i];
		struct hss_bind_update u = {k->uri,  k->params, c->path[0] ? c->path : NULL,
					    call_id, m->cseq,	k->expires};

		if (hss_bind_update(s->bind, c->impi, &u, c->req->now_ms) != 0) {
			c->reason = NULL;
			return 500;
		}
		hss_reg_log_change(s, c, k);
	}
	return 0;
}

/* ---- the 200 ---- */

static void hss_reg_ok_contacts(struct hss_sip *s, struct hss_reg_ctx *c, struct sip_util_out *o)
{
	const struct hss_reg *r = hss_bind_get(s->bind, c->impi);
	size_t i;

	for (i = 0; r && i < r->n_contacts; i++) {
		const struct hss_contact *k = &r->contacts[i];
		uint64_t left = k->expires_ms > c->req->now_ms ? k->expires_ms - c->req->now_ms : 0;

		if (left == 0)
			continue;
		sip_util_out_header(o, "Contact", "<%s>%s;expires=%llu", k->uri, k->params,
				    (unsigned long long)((left + 999) / 1000));
	}
}

/* TS 24.229 §5.4.1.2.2: the registered IMPU first, then the rest of the set. */
static void hss_reg_ok_associated(const struct hss_reg_ctx *c, struct sip_util_out *o)
{
	char list[HSS_IMPU_MAX * (HSS_ID_MAX + 4) + 1];
	size_t i, len = 0;
	int n;

	n = snprintf(list, sizeof(list), "<%s>", c->impu);
	len = n > 0 ? (size_t)n : 0;
	for (i = 0; i < c->sub->n_impu && len < sizeof(list); i++) {
		if (strcasecmp(c->sub->impu[i], c->impu) == 0)
			continue;
		n = snprintf(list + len, sizeof(list) - len, ", <%s>", c->sub->impu[i]);
		if (n > 0)
			len += (size_t)n;
	}
	sip_util_out_header(o, "P-Associated-URI", "%s", list);
}

static void hss_reg_ok(struct hss_sip *s, struct hss_reg_ctx *c)
{
	const struct sip_msg *m = c->req->msg;
	struct sip_util_out o;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	hss_sip_reply_start(s, c->req, &o, 200, NULL);
	hss_reg_ok_contacts(s, c, &o);
	for (i = sip_msg_find(m, SIP_HDR_PATH, 0); i >= 0;
	     i = sip_msg_find(m, SIP_HDR_PATH, (size_t)i + 1))
		sip_util_out_copy_header(&o, m, (size_t)i);
	sip_util_out_header(&o, "Service-Route", "%s", s->service_route);
	hss_reg_ok_associated(c, &o);
	if (gmtime_r(&now, &tm) && strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
		sip_util_out_header(&o, "Date", "%s", date);
	s->stats.registrations++;
	hss_sip_reply_send(s, c->req, &o);
}

/* ---- the whole REGISTER ---- */

/* Who, and is it them: 0 to go on, a status to answer, -1 when answered. */
static int hss_reg_admit(struct hss_sip *s, struct hss_reg_ctx *c)
{
	int status;

	if (!hss_reg_ruri_ok(s, c->req)) {
		c->reason = "Not Found: not a domain of this registrar";
		return 404;
	}
	if (hss_reg_require(s, c->req))
		return -1;
	status = hss_reg_creds(s, c);
	if (!status)
		status = hss_reg_identities(c);
	if (!status)
		status = hss_reg_subscriber(s, c);
	if (!status)
		status = hss_reg_authenticate(s, c);
	return status;
}

void hss_reg_handle(struct hss_sip *s, const struct hss_sip_req *req)
{
	struct hss_reg_ctx *c = calloc(1, sizeof(*c));
	int status;

	if (!c) {
		hss_sip_reply(s, req, 500, NULL);
		return;
	}
	c->req = req;
	status = hss_reg_admit(s, c);
	if (!status)
		status = hss_reg_contacts(s, c);
	if (!status)
		status = hss_reg_intervals(s, c);
	if (!status)
		status = hss_reg_path(c);
	if (!status)
		status = hss_reg_apply(s, c);
	if (!status)
		hss_reg_ok(s, c);
	else if (status > 0)
		hss_sip_reply(s, req, status, c->reason);
	if (status > 0)
		log_info("REGISTER %s: %d %s", c->impi[0] ? c->impi : "?", status,
			 c->reason ? c->reason : "");
	hss_subscriber_free(c->sub);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}
