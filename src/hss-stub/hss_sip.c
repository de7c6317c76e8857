/*
 * hss_sip.c — hss-stub's SIP side: parsing and dispatch, the server transport's Via rules
 * (received/rport, RFC 3261 §18.2.1, RFC 3581), answered-request memory, replies, and the
 * helpers hss_reg.c and hss_proxy.c share (see hss_sip_int.h).
 */
#include "hss-stub/hss_sip.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/aka.h"
#include "common/log.h"
#include "hss-stub/hss_sip_int.h"

#define HSS_SIP_TXN_MS	     32000 /* Timer J: 64 * T1 */
#define HSS_SIP_TXN_MAX	     4096
#define HSS_SIP_TXN_MAX_LEN  16384 /* longer answers are made again, not kept (memory bound) */
#define HSS_SIP_AUTH_PENDING 65536

/* A response we sent, kept for retransmissions of its request. */
struct hss_sip_txn {
	enum sip_proto proto;
	struct sockaddr_storage local, peer;
	bool has_local;
	bool invite; /* an ACK with the same branch ends here */
	uint64_t conn_id;
	uint64_t expires_ms;
	size_t len;
	char buf[];
};

static void hss_sip_txn_free(void *p)
{
	struct hss_sip_txn *t = p;

	if (!t)
		return;
	OPENSSL_cleanse(t, sizeof(*t) + t->len);
	free(t);
}

/* ---- set-up ---- */

/* A domain is a host name: letters, digits, '-' and '.', nothing to quote in a realm. */
static bool hss_sip_domain_ok(const char *d)
{
	size_t i;

	for (i = 0; d && d[i]; i++)
		if (!isalnum((unsigned char)d[i]) && d[i] != '-' && d[i] != '.')
			return false;
	return d && i > 0 && i < 200;
}

static char *hss_sip_lower_dup(struct sip_str s)
{
	char *d = malloc(s.len + 1);
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < s.len; i++)
		d[i] = (char)tolower((unsigned char)s.s[i]);
	d[s.len] = '\0';
	return d;
}

/* Parse --name and build the Service-Route from it. */
static int hss_sip_set_name(struct hss_sip *s, const char *name)
{
	struct sip_uri uri;
	char route[512];
	bool v6;
	int n;

	if (asprintf(&s->name, "%s%s", name ? "" : "sip:scscf.", name ? name : s->domain) < 0) {
		s->name = NULL;
		return -ENOMEM;
	}
	if (sip_uri_parse(s->name, strlen(s->name), &uri) != 0 || uri.scheme != SIP_URI_SIP ||
	    uri.user.len > 0)
		return -EINVAL;
	s->name_host = hss_sip_lower_dup(uri.host);
	if (!s->name_host)
		return -ENOMEM;
	s->name_port = uri.has_port ? uri.port : 0;
	v6 = uri.host_ipv6;
	if (uri.has_port)
		n = snprintf(route, sizeof(route), "<sip:orig@%s%s%s:%u;lr>", v6 ? "[" : "",
			     s->name_host, v6 ? "]" : "", uri.port);
	else
		n = snprintf(route, sizeof(route), "<sip:orig@%s%s%s;lr>", v6 ? "[" : "",
			     s->name_host, v6 ? "]" : "");
	if (n < 0 || (size_t)n >= sizeof(route))
		return -EINVAL;
	s->service_route = strdup(route);
	return s->service_route ? 0 : -ENOMEM;
}

static void hss_sip_defaults(struct hss_sip_config *c)
{
	if (!c->default_expires)
		c->default_expires = 3600;
	if (!c->min_expires)
		c->min_expires = 60;
	if (!c->max_expires)
		c->max_expires = 600000;
	if (!c->auth_timeout_s)
		c->auth_timeout_s = 60;
	if (c->default_expires < c->min_expires)
		c->default_expires = c->min_expires;
	if (c->max_expires < c->default_expires)
		c->max_expires = c->default_expires;
}

static int hss_sip_init(struct hss_sip *s, const struct hss_sip_config *cfg)
{
	int ret;

	s->cfg = *cfg;
	hss_sip_defaults(&s->cfg);
	s->domain = strdup(cfg->domain);
	if (!s->domain)
		return -ENOMEM;
	ret = hss_sip_set_name(s, cfg->name);
	if (ret)
		return ret;
	s->cfg.domain = s->domain;
	s->cfg.name = s->name;
	s->auth = hss_auth_new(s->db, (uint64_t)s->cfg.auth_timeout_s * 1000, HSS_SIP_AUTH_PENDING);
	s->bind = hss_bind_new();
	s->txns = hss_map_new(hss_sip_txn_free);
	s->ed = sip_edit_new(&s->msg);
	if (!s->auth || !s->bind || !s->txns || !s->ed)
		return -ENOMEM;
	return aka_random(s->secret, sizeof(s->secret));
}

struct hss_sip *hss_sip_new(const struct hss_sip_config *cfg, struct hss_db *db,
			    hss_sip_send_cb send, void *arg)
{
	struct hss_sip *s;
	int ret;

	if (!cfg || !hss_sip_domain_ok(cfg->domain) || !db || !send) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->db = db;
	s->send = send;
	s->send_arg = arg;
	ret = hss_sip_init(s, cfg);
	if (ret) {
		hss_sip_free(s);
		errno = -ret;
		return NULL;
	}
	return s;
}

void hss_sip_free(struct hss_sip *s)
{
	if (!s)
		return;
	hss_auth_free(s->auth);
	hss_bind_free(s->bind);
	hss_map_free(s->txns);
	sip_edit_free(s->ed);
	free(s->domain);
	free(s->name);
	free(s->name_host);
	free(s->service_route);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int hss_sip_add_local(struct hss_sip *s, enum sip_proto proto, const struct sockaddr_storage *addr)
{
	if (!s || !addr || (proto != SIP_PROTO_UDP && proto != SIP_PROTO_TCP) ||
	    (addr->ss_family != AF_INET && addr->ss_family != AF_INET6))
		return -EINVAL;
	if (s->n_locals >= HSS_SIP_MAX_LOCALS)
		return -ENOSPC;
	s->locals[s->n_locals].proto = proto;
	s->locals[s->n_locals].addr = *addr;
	s->n_locals++;
	return 0;
}

static bool hss_sip_txn_expired(const char *key, void *value, void *arg)
{
	(void)key;
	return ((struct hss_sip_txn *)value)->expires_ms <= *(const uint64_t *)arg;
}

void hss_sip_expire(struct hss_sip *s, uint64_t now_ms)
{
	size_t n;

	if (!s)
		return;
	hss_auth_expire(s->auth, now_ms);
	hss_map_sweep(s->txns, hss_sip_txn_expired, &now_ms);
	n = hss_bind_expire(s->bind, now_ms);
	if (n)
		log_info("%zu contact(s) expired; %zu registration(s) left", n,
			 hss_bind_count(s->bind));
}

const struct hss_reg *hss_sip_binding(const struct hss_sip *s, const char *impi)
{
	return s ? hss_bind_get(s->bind, impi) : NULL;
}

void hss_sip_get_stats(const struct hss_sip *s, struct hss_sip_stats *stats)
{
	if (s && stats)
		*stats = s->stats;
}

/* ---- small helpers ---- */

int hss_sip_copy_str(char *dst, size_t size, struct sip_str src)
{
	if (size == 0)
		return -ENOSPC;
	if (src.len >= size) {
		dst[0] = '\0';
		return -ENOSPC;
	}
	if (src.len)
		memcpy(dst, src.s, src.len);
	dst[src.len] = '\0';
	return 0;
}

int hss_sip_elem_nth(const struct sip_msg *msg, enum sip_hdr_id id, size_t n,
		     struct hss_sip_elem *out)
{
	struct sip_hdr_iter it;
	struct sip_str v, e, r;
	size_t seen = 0;
	int i, ret;

	for (i = sip_msg_find(msg, id, 0); i >= 0; i = sip_msg_find(msg, id, (size_t)i + 1)) {
		v = sip_msg_hdr_value(msg, (size_t)i);
		sip_hdr_iter_init(&it, v.s, v.len);
		while ((ret = sip_hdr_list_next(&it, &e, &r)) == 1) {
			if (seen++ != n)
				continue;
			out->hdr = (size_t)i;
			out->elem = e;
			out->removal = r;
			out->alone = it.n == 1 && sip_hdr_list_next(&it, &e, &r) == 0;
			return 0;
		}
		if (ret < 0)
			return -EINVAL;
	}
	return -ENOENT;
}

int hss_sip_via_nth(const struct sip_msg *msg, size_t n, struct hss_sip_via *out)
{
	int ret = hss_sip_elem_nth(msg, SIP_HDR_VIA, n, &out->e);

	if (ret)
		return ret;
	return sip_hdr_via_parse(out->e.elem.s, out->e.elem.len, &out->via);
}

int hss_sip_edit_remove_elem(struct sip_edit *ed, const struct hss_sip_elem *e)
{
	if (e->alone)
		return sip_edit_remove_header(ed, e->hdr);
	return sip_edit_remove_span(ed, e->removal.s, e->removal.len);
}

static bool hss_sip_host_eq(struct sip_str host, const char *name)
{
	return host.len == strlen(name) && strncasecmp(host.s, name, host.len) == 0;
}

/* Whether @host (numeric) is the address of @ss. */
static bool hss_sip_host_is_addr(struct sip_str host, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage a;

	if (sip_util_sockaddr_set(host.s, host.len, 0, &a) != 0 || a.ss_family != ss->ss_family)
		return false;
	if (a.ss_family == AF_INET)
		return ((struct sockaddr_in *)&a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)ss)->sin_addr.s_addr;
	return memcmp(&((struct sockaddr_in6 *)&a)->sin6_addr,
		      &((const struct sockaddr_in6 *)ss)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

static bool hss_sip_listens_on_port(const struct hss_sip *s, uint16_t port)
{
	size_t i;

	for (i = 0; i < s->n_locals; i++)
		if (sip_util_sockaddr_port(&s->locals[i].addr) == port)
			return true;
	return false;
}

bool hss_sip_uri_in_domain(const struct hss_sip *s, const struct sip_uri *uri)
{
	if (uri->scheme == SIP_URI_TEL)
		return true;
	if (uri->scheme != SIP_URI_SIP && uri->scheme != SIP_URI_SIPS)
		return false;
	return hss_sip_host_eq(uri->host, s->domain) || hss_sip_host_eq(uri->host, s->name_host);
}

bool hss_sip_uri_is_ours(const struct hss_sip *s, const struct sip_uri *uri,
			 const struct sip_transport_rx *rx)
{
	bool host = false;
	size_t i;

	if (uri->scheme != SIP_URI_SIP && uri->scheme != SIP_URI_SIPS)
		return false;
	if (hss_sip_host_eq(uri->host, s->name_host) &&
	    (!uri->has_port || uri->port == s->name_port))
		return true;
	host = hss_sip_host_eq(uri->host, s->domain);
	for (i = 0; !host && i < s->n_locals; i++)
		host = hss_sip_host_is_addr(uri->host, &s->locals[i].addr);
	if (!host && rx)
		host = hss_sip_host_is_addr(uri->host, rx->local);
	if (!host)
		return false;
	return !uri->has_port || hss_sip_listens_on_port(s, uri->port) ||
	       (rx && uri->port == sip_util_sockaddr_port(rx->local));
}

int hss_sip_uri_impu(const struct sip_uri *uri, char *buf, size_t size)
{
	const char *scheme = uri->scheme == SIP_URI_SIPS ? "sips" : "sip";
	size_t i, at;
	int n;

	if (uri->scheme == SIP_URI_TEL) {
		n = snprintf(buf, size, "tel:%.*s", (int)uri->user.len, uri->user.s);
		return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
	}
	if ((uri->scheme != SIP_URI_SIP && uri->scheme != SIP_URI_SIPS) || uri->user.len == 0)
		return -EINVAL;
	n = snprintf(buf, size, "%s:%.*s@%s%.*s%s", scheme, (int)uri->user.len, uri->user.s,
		     uri->host_ipv6 ? "[" : "", (int)uri->host.len, uri->host.s,
		     uri->host_ipv6 ? "]" : "");
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	at = strlen(scheme) + 1 + uri->user.len + 1;
	for (i = at; buf[i]; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return 0;
}

static int hss_sip_hostport(const struct sockaddr_storage *addr, uint16_t port, char *buf,
			    size_t size)
{
	char host[SIP_UTIL_ADDR_SIZE];
	int n;

	if (sip_util_host_format(addr, host, sizeof(host), true) < 0)
		return -EINVAL;
	n = snprintf(buf, size, "%s:%u", host, port);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int hss_sip_pick_local(const struct hss_sip *s, enum sip_proto proto,
		       const struct sockaddr_storage *peer, const struct sip_transport_rx *rx,
		       struct sockaddr_storage *local, char *hostport, size_t size)
{
	const struct hss_sip_local *l = NULL;
	uint16_t port;
	size_t i;

	for (i = 0; i < s->n_locals && !l; i++)
		if (s->locals[i].proto == proto && s->locals[i].addr.ss_family == peer->ss_family)
			l = &s->locals[i];
	if (!l)
		return -EADDRNOTAVAIL;
	*local = l->addr;
	port = sip_util_sockaddr_port(&l->addr);
	if (sip_util_sockaddr_is_any(&l->addr)) {
		/* A wildcard listener: name the address the message came to, if it fits. */
		if (!rx || rx->local->ss_family != peer->ss_family) {
			int n = snprintf(hostport, size, "%s:%u", s->name_host, port);

			return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
		}
		*local = *rx->local;
		if (local->ss_family == AF_INET)
			((struct sockaddr_in *)local)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)local)->sin6_port = htons(port);
	}
	return hss_sip_hostport(local, port, hostport, size);
}

/* ---- sending ---- */

int hss_sip_transmit(struct hss_sip *s, struct hss_sip_tx *tx, size_t len)
{
	int ret;

	tx->buf = s->out;
	tx->len = len;
	ret = s->send(tx, s->send_arg);
	OPENSSL_cleanse(s->out, len);
	if (ret) {
		s->stats.send_errors++;
		log_warn_ret(ret, "cannot send %zu bytes", len);
	}
	return ret;
}

static void hss_sip_remember(struct hss_sip *s, const struct hss_sip_req *req,
			     const struct hss_sip_tx *tx, size_t len)
{
	struct hss_sip_txn *t;

	if (!req->txn_key[0] || len > HSS_SIP_TXN_MAX_LEN)
		return;
	t = calloc(1, sizeof(*t) + len);
	if (!t)
		return;
	t->proto = tx->proto;
	t->peer = *tx->peer;
	t->has_local = tx->local != NULL;
	if (tx->local)
		t->local = *tx->local;
	t->conn_id = tx->conn_id;
	t->invite = req->msg->method == SIP_METHOD_INVITE;
	t->expires_ms = req->now_ms + HSS_SIP_TXN_MS;
	t->len = len;
	memcpy(t->buf, s->out, len);
	while (hss_map_count(s->txns) >= HSS_SIP_TXN_MAX)
		hss_map_del_oldest(s->txns);
	if (hss_map_put(s->txns, req->txn_key, t) != 0)
		hss_sip_txn_free(t);
}

void hss_sip_reply_start(struct hss_sip *s, const struct hss_sip_req *req, struct sip_util_out *o,
			 int status, const char *reason)
{
	char tag[12];

	sip_util_out_init(o, s->out, sizeof(s->out));
	if (sip_util_random_token(tag, sizeof(tag), 10) != 0)
		snprintf(tag, sizeof(tag), "hss%u", (unsigned)(req->now_ms & 0xffffff));
	sip_util_response_start(o, req->msg, status, reason, tag);
}

/*
 * Where a response to @req goes (RFC 3261 §18.2.2, RFC 3581 §4): over TCP, the connection
 * it came on, else a new one to the source address and the sent-by port; over UDP, the
 * source address (what received= says) and, with rport, the source port, else the sent-by
 * port or 5060.
 */
static void hss_sip_reply_dest(const struct hss_sip_req *req, struct sockaddr_storage *peer)
{
	const struct sip_transport_rx *rx = req->rx;
	struct hss_sip_via v;
	uint16_t port = 5060;
	bool rport = false;

	*peer = *rx->peer;
	if (hss_sip_via_nth(req->msg, 0, &v) == 0) {
		rport = v.via.has_rport;
		if (v.via.port)
			port = v.via.port;
	}
	if (rx->proto == SIP_PROTO_UDP && rport)
		return;
	if (peer->ss_family == AF_INET)
		((struct sockaddr_in *)peer)->sin_port = htons(port);
	else if (peer->ss_family == AF_INET6)
		((struct sockaddr_in6 *)peer)->sin6_port = htons(port);
}

int hss_sip_reply_send(struct hss_sip *s, const struct hss_sip_req *req, struct sip_util_out *o)
{
	struct sockaddr_storage peer;
	struct hss_sip_tx tx = {0};
	int len = sip_util_out_finish(o, NULL, 0);

	if (len < 0) {
		log_err_ret(len, "cannot write a response");
		OPENSSL_cleanse(s->out, sizeof(s->out));
		return len;
	}
	hss_sip_reply_dest(req, &peer);
	tx.proto = req->rx->proto;
	tx.local = req->rx->local;
	tx.peer = &peer;
	tx.conn_id = req->rx->conn_id;
	hss_sip_remember(s, req, &tx, (size_t)len);
	return hss_sip_transmit(s, &tx, (size_t)len);
}

int hss_sip_reply(struct hss_sip *s, const struct hss_sip_req *req, int status, const char *reason)
{
	struct sip_util_out o;

	hss_sip_reply_start(s, req, &o, status, reason);
	return hss_sip_reply_send(s, req, &o);
}

/* ---- receiving ---- */

/*
 * RFC 3261 §18.2.1 and RFC 3581 §4: received= when the sent-by host is not the source
 * address, rport=<source port> when the client asked for it. The request is rewritten into
 * s->fixed and parsed again into s->msg.
 */
static int hss_sip_fix_via(struct hss_sip *s, const struct sip_transport_rx *rx)
{
	char ip[SIP_UTIL_ADDR_SIZE], port[8];
	struct hss_sip_via v;
	bool received;
	size_t len;

	if (hss_sip_via_nth(&s->msg, 0, &v) != 0)
		return -EINVAL;
	received = !hss_sip_host_is_addr(v.via.host, rx->peer);
	if (!received && !v.via.has_rport)
		return 0;
	sip_edit_reset(s->ed, &s->msg);
	if (received) {
		if (sip_util_host_format(rx->peer, ip, sizeof(ip), false) < 0)
			return -EINVAL;
		sip_edit_via_set_param(s->ed, v.e.elem, "received", ip);
	}
	if (v.via.has_rport) {
		snprintf(port, sizeof(port), "%u", sip_util_sockaddr_port(rx->peer));
		sip_edit_via_set_param(s->ed, v.e.elem, "rport", port);
	}
	if (sip_edit_apply(s->ed, s->fixed, sizeof(s->fixed), &len) != 0)
		return -EINVAL;
	return sip_msg_parse(&s->msg, s->fixed, len,
			     rx->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0, NULL);
}

/* "METHOD branch sent-by" of the top Via (ACK as INVITE); "" without an RFC 3261 branch. */
static void hss_sip_txn_key(const struct sip_msg *msg, char *key, size_t size)
{
	const char *method = msg->method == SIP_METHOD_ACK ? "INVITE" : NULL;
	struct hss_sip_via v;
	int n;

	key[0] = '\0';
	if (hss_sip_via_nth(msg, 0, &v) != 0 || v.via.branch.len <= 7 ||
	    strncmp(v.via.branch.s, "z9hG4bK", 7) != 0)
		return;
	if (method)
		n = snprintf(key, size, "%s %.*s %.*s", method, (int)v.via.branch.len,
			     v.via.branch.s, (int)v.via.sent_by.len, v.via.sent_by.s);
	else
		n = snprintf(key, size, "%.*s %.*s %.*s", (int)msg->method_str.len,
			     msg->method_str.s, (int)v.via.branch.len, v.via.branch.s,
			     (int)v.via.sent_by.len, v.via.sent_by.s);
	if (n < 0 || (size_t)n >= size)
		key[0] = '\0';
}

/* A request we answered before: send the answer again (or end an ACK). */
static bool hss_sip_retransmission(struct hss_sip *s, const struct hss_sip_req *req)
{
	struct hss_sip_txn *t = hss_map_get(s->txns, req->txn_key);
	struct hss_sip_tx tx = {0};

	if (!req->txn_key[0] || !t || t->expires_ms <= req->now_ms)
		return false;
	if (req->msg->method == SIP_METHOD_ACK) {
		log_debug("ACK for our final response absorbed");
		return t->invite;
	}
	s->stats.retransmissions++;
	tx.proto = t->proto;
	tx.local = t->has_local ? &t->local : NULL;
	tx.peer = &t->peer;
	tx.conn_id = t->conn_id;
	memcpy(s->out, t->buf, t->len);
	hss_sip_transmit(s, &tx, t->len);
	return true;
}

static void hss_sip_request(struct hss_sip *s, const struct sip_transport_rx *rx, uint64_t now_ms)
{
	struct hss_sip_req req = {rx, &s->msg, now_ms, ""};

	if (hss_sip_fix_via(s, rx) != 0) {
		log_warn("cannot add received/rport to a %.*s; dropped", (int)s->msg.method_str.len,
			 s->msg.method_str.s);
		s->stats.dropped++;
		return;
	}
	hss_sip_txn_key(&s->msg, req.txn_key, sizeof(req.txn_key));
	if (hss_sip_retransmission(s, &req))
		return;
	if (s->msg.method == SIP_METHOD_REGISTER)
		hss_reg_handle(s, &req);
	else
		hss_proxy_request(s, &req);
}

/* The request line of @buf with "SIP/2.0" as its version, into s->fixed; 0 or -EINVAL. */
static int hss_sip_fix_version(struct hss_sip *s, const char *buf, size_t len, size_t *out_len)
{
	const char *cr = memchr(buf, '\r', len), *sp;
	size_t head, rest;

	if (!cr)
		return -EINVAL;
	for (sp = cr; sp > buf && sp[-1] != ' '; sp--)
		;
	if (sp == buf || cr - sp < 4 || strncasecmp(sp, "SIP/", 4) != 0)
		return -EINVAL;
	head = (size_t)(sp - buf);
	rest = len - (size_t)(cr - buf);
	if (head + 7 + rest > sizeof(s->fixed))
		return -EINVAL;
	memcpy(s->fixed, buf, head);
	memcpy(s->fixed + head, "SIP/2.0", 7);
	memcpy(s->fixed + head + 7, cr, rest);
	*out_len = head + 7 + rest;
	return 0;
}

static bool hss_sip_answerable(const struct sip_msg *m)
{
	return m->is_request && m->method != SIP_METHOD_ACK && m->first[SIP_HDR_VIA] >= 0 &&
	       m->first[SIP_HDR_FROM] >= 0 && m->first[SIP_HDR_TO] >= 0 &&
	       m->first[SIP_HDR_CALL_ID] >= 0 && m->first[SIP_HDR_CSEQ] >= 0;
}

/*
 * A request that does not parse still gets the parser's status when its Via, From, To,
 * Call-ID and CSeq lines were read (RFC 3261 §8.2 and §16.3); it goes back to the source
 * address and port. A request with another SIP-Version is parsed again as SIP/2.0 to find
 * them, and answered 505.
 */
static void hss_sip_answer_malformed(struct hss_sip *s, const struct sip_transport_rx *rx,
				     uint64_t now_ms, const struct sip_msg_error *err)
{
	unsigned int flags = rx->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0;
	struct hss_sip_req req = {rx, &s->msg, now_ms, ""};
	struct hss_sip_tx tx = {0};
	struct sip_util_out o;
	size_t len;
	int n;

	if (err->code == SIP_MSG_ERR_VERSION &&
	    (hss_sip_fix_version(s, rx->buf, rx->len, &len) != 0 ||
	     sip_msg_parse(&s->msg, s->fixed, len, flags, NULL) != 0))
		return;
	if (!hss_sip_answerable(&s->msg))
		return;
	hss_sip_reply_start(s, &req, &o, err->status, err->reason);
	n = sip_util_out_finish(&o, NULL, 0);
	if (n < 0)
		return;
	tx.proto = rx->proto;
	tx.local = rx->local;
	tx.peer = rx->peer;
	tx.conn_id = rx->conn_id;
	hss_sip_transmit(s, &tx, (size_t)n);
}

void hss_sip_receive(struct hss_sip *s, const struct sip_transport_rx *rx, uint64_t now_ms)
{
	unsigned int flags = rx->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0;
	struct sip_msg_error err;

	if (!s || !rx || !rx->buf)
		return;
	if (sip_msg_parse(&s->msg, rx->buf, rx->len, flags, &err) != 0) {
		s->stats.rx_malformed++;
		log_info("malformed message (%s)", err.reason);
		hss_sip_answer_malformed(s, rx, now_ms, &err);
		return;
	}
	if (s->msg.is_request) {
		s->stats.rx_requests++;
		hss_sip_request(s, rx, now_ms);
	} else {
		s->stats.rx_responses++;
		hss_proxy_response(s, rx, &s->msg);
	}
}
