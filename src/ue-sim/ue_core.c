/*
 * ue_core.c — a UE's sockets, sending and receiving, and the transaction layer it needs:
 * client transactions with RFC 3261 §17.1 retransmission over UDP (Timers A/E, B/F), and a
 * cache of the responses we sent, so a retransmitted request gets the same answer and an
 * INVITE's 2xx is repeated until its ACK (§13.3.1.4).
 *
 * Every UE binds its own addresses (never the wildcard), so many UEs can share a host and
 * a temporary address gets sockets of its own when it is added.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sip/sip_hdr.h"
#include "ue-sim/ue.h"

#define log_info_ret(ret, ...) log_at_errno(LOG_LEVEL_INFO, (ret), __VA_ARGS__)

static void ue_rx(struct sip_transport *t, const struct sip_transport_rx *rx, void *arg);

void ue_token(char *buf, size_t size, size_t n)
{
	if (sip_util_random_token(buf, size, n) != 0 && size > 0)
		snprintf(buf, size, "%lx", (unsigned long)random());
}

const char *ue_host(const struct ue *ue, char *buf, size_t size)
{
	if (sip_util_host_format(&ue->addrs[ue->src], buf, size, true) < 0)
		snprintf(buf, size, "invalid");
	return buf;
}

const char *ue_status_text(const struct sip_msg *resp, char *buf, size_t size)
{
	size_t i, n = resp->reason.len < 60 ? resp->reason.len : 60;
	int len = snprintf(buf, size, "%d ", resp->status);

	for (i = 0; len > 0 && (size_t)len + i + 1 < size && i < n; i++) {
		unsigned char c = (unsigned char)resp->reason.s[i];

		buf[len + (int)i] = c >= ' ' && c < 127 ? (char)c : '?';
	}
	if (len > 0 && (size_t)len + i < size)
		buf[len + (int)i] = '\0';
	return buf;
}

/*
 * Debug dumps of messages. The values of ck= and ik= (in a 401 straight from an S-CSCF) are
 * blanked: keys are never logged.
 */
static void ue_log_msg(const struct ue *ue, const char *what, const char *buf, size_t len)
{
	char *copy;
	size_t i, j;

	if (!log_enabled(LOG_LEVEL_DEBUG) || !(copy = malloc(len + 1)))
		return;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (i = 0; i + 4 <= len; i++) {
		if (strncasecmp(copy + i + 1, "k=\"", 3) != 0 ||
		    (i > 0 && isalnum((unsigned char)copy[i - 1])) ||
		    (tolower((unsigned char)copy[i]) != 'c' &&
		     tolower((unsigned char)copy[i]) != 'i'))
			continue;
		for (j = i + 4; j < len && copy[j] != '"'; j++)
			copy[j] = '*';
	}
	log_debug("%s: %s %zu bytes:\n%s", ue->id.name, what, len, copy);
	free(copy);
}

/* ---- sockets ---- */

static void ue_addr_with_port(const struct sockaddr_storage *addr, uint16_t port,
			      struct sockaddr_storage *out)
{
	*out = *addr;
	if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)out)->sin_port = htons(port);
}

static int ue_listen_one(struct ue *ue, size_t a, uint16_t port, enum sip_proto proto)
{
	struct ue_listener *l;
	int id;

	if (ue->n_listeners == UE_MAX_LISTENERS)
		return -ENOSPC;
	l = &ue->listeners[ue->n_listeners];
	ue_addr_with_port(&ue->addrs[a], port, &l->addr);
	id = sip_transport_listen(ue->tp, proto, &l->addr, 0);
	if (id < 0) {
		char text[SIP_UTIL_ADDR_SIZE];

		sip_util_sockaddr_format(&l->addr, text, sizeof(text));
		log_warn_ret(id, "%s: cannot listen on %s/%s", ue->id.name, text,
			     proto == SIP_PROTO_UDP ? "udp" : "tcp");
		return id;
	}
	l->proto = proto;
	l->id = id;
	ue->n_listeners++;
	return 0;
}

static int ue_listen_addr_port(struct ue *ue, size_t a, uint16_t port, bool tcp)
{
	int ret = ue_listen_one(ue, a, port, SIP_PROTO_UDP);

	if (ret == 0 && tcp)
		ret = ue_listen_one(ue, a, port, SIP_PROTO_TCP);
	return ret;
}

int ue_listen_port(struct ue *ue, uint16_t port, bool tcp)
{
	size_t i, a;
	int ret = 0;

	for (i = 0; i < ue->n_ports; i++)
		if (ue->ports[i].port == port) {
			ue->ports[i].refs++;
			return 0;
		}
	if (ue->n_ports == sizeof(ue->ports) / sizeof(ue->ports[0]))
		return -ENOSPC;
	for (a = 0; a < ue->n_addrs && ret == 0; a++)
		ret = ue_listen_addr_port(ue, a, port, tcp);
	if (ret) {
		ue_unlisten_port(ue, port);
		return ret;
	}
	ue->ports[ue->n_ports].port = port;
	ue->ports[ue->n_ports].tcp = tcp;
	ue->ports[ue->n_ports++].refs = 1;
	return 0;
}

void ue_unlisten_port(struct ue *ue, uint16_t port)
{
	size_t i, j;

	for (i = 0; i < ue->n_ports; i++)
		if (ue->ports[i].port == port && --ue->ports[i].refs > 0)
			return;
	for (i = 0, j = 0; i < ue->n_listeners; i++) {
		if (sip_util_sockaddr_port(&ue->listeners[i].addr) == port)
			sip_transport_close_listener(ue->tp, ue->listeners[i].id);
		else
			ue->listeners[j++] = ue->listeners[i];
	}
	ue->n_listeners = j;
	for (i = 0, j = 0; i < ue->n_ports; i++)
		if (ue->ports[i].port != port)
			ue->ports[j++] = ue->ports[i];
	ue->n_ports = j;
}

int ue_listen_addr(struct ue *ue, size_t a)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < ue->n_ports && ret == 0; i++)
		ret = ue_listen_addr_port(ue, a, ue->ports[i].port, ue->ports[i].tcp);
	return ret;
}

int ue_new(struct uesim *sim, const struct ue_ident *id, const struct sockaddr_storage *addr,
	   uint16_t port, struct ue **out)
{
	struct ue *ue = calloc(1, sizeof(*ue));
	int ret;

	if (!ue)
		return -ENOMEM;
	ue->sim = sim;
	ue->id = *id;
	ue->addrs[0] = *addr;
	ue->n_addrs = 1;
	ue->port = port;
	ue->temp_plen = addr->ss_family == AF_INET6 ? 64 : 32;
	ue->rtp_port = 40000;
	ue->tp = sip_transport_new(sim->loop, NULL, ue_rx, ue);
	if (!ue->tp) {
		free(ue);
		return -ENOMEM;
	}
	ue_token(ue->reg.call_id, sizeof(ue->reg.call_id), 20);
	ret = ue_listen_port(ue, port, true);
	if (ret) {
		ue_free(ue);
		return ret;
	}
	*out = ue;
	return 0;
}

int uesim_add_ue(struct uesim *sim, struct ue *ue)
{
	if (sim->n_ues == sim->cap_ues) {
		size_t cap = sim->cap_ues ? sim->cap_ues * 2 : 8;
		struct ue **ues = realloc(sim->ues, cap * sizeof(*ues));

		if (!ues)
			return -ENOMEM;
		sim->ues = ues;
		sim->cap_ues = cap;
	}
	ue->idx = sim->n_ues;
	sim->ues[sim->n_ues++] = ue;
	return 0;
}

/* ---- client transactions ---- */

static void ue_txn_free(struct ue_txn *txn)
{
	struct ue *ue = txn->ue;
	struct ue_txn **pp;

	for (pp = &ue->txns; *pp; pp = &(*pp)->next)
		if (*pp == txn) {
			*pp = txn->next;
			break;
		}
	evloop_timer_cancel(ue->sim->loop, txn->retrans_timer);
	evloop_timer_cancel(ue->sim->loop, txn->timeout_timer);
	evloop_timer_cancel(ue->sim->loop, txn->linger_timer);
	free(txn->buf);
	free(txn->ack);
	free(txn);
}

int ue_send(struct ue *ue, const struct ue_path *path, const char *buf, size_t len)
{
	const struct sockaddr_storage *local = &path->local;
	int ret = sip_transport_send(ue->tp, path->proto, local, &path->peer, buf, len);

	if (ret < 0)
		log_info_ret(ret, "%s: send failed", ue->id.name);
	else
		ue_log_msg(ue, "sent", buf, len);
	return ret;
}

static void ue_txn_linger_end(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_txn *txn = arg;

	(void)loop;
	(void)id;
	txn->linger_timer = 0;
	ue_txn_free(txn);
}

/* The transaction has its final outcome: report it once and linger for retransmissions. */
static void ue_txn_complete(struct ue_txn *txn, const struct sip_msg *resp)
{
	struct evloop *loop = txn->ue->sim->loop;
	ue_txn_cb cb = txn->final_cb;

	txn->completed = true;
	txn->final_cb = NULL;
	txn->prov_cb = NULL;
	evloop_timer_cancel(loop, txn->retrans_timer);
	evloop_timer_cancel(loop, txn->timeout_timer);
	txn->retrans_timer = txn->timeout_timer = 0;
	txn->linger_timer = evloop_timer_add(loop, txn->method == SIP_METHOD_INVITE ? 32000 : 5000,
					     ue_txn_linger_end, txn);
	if (cb)
		cb(txn->ue, txn, resp, txn->arg);
	if (!txn->linger_timer)
		ue_txn_free(txn);
}

static void ue_txn_timeout(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_txn *txn = arg;

	(void)loop;
	(void)id;
	txn->timeout_timer = 0;
	log_info("%s: %s transaction %s timed out", txn->ue->id.name,
		 sip_msg_method_name(txn->method), txn->branch);
	ue_txn_complete(txn, NULL);
}

static void ue_txn_retransmit(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_txn *txn = arg;

	(void)id;
	ue_send(txn->ue, &txn->path, txn->buf, txn->len);
	txn->interval_ms *= 2;
	if (txn->method != SIP_METHOD_INVITE && txn->interval_ms > UE_T2_MS)
		txn->interval_ms = UE_T2_MS;
	txn->retrans_timer = evloop_timer_add(loop, txn->interval_ms, ue_txn_retransmit, txn);
}

int ue_txn_start(struct ue *ue, const struct ue_path *path, const char *branch,
		 enum sip_method method, uint32_t cseq, const char *buf, size_t len,
		 ue_txn_cb final_cb, ue_txn_cb prov_cb, void *arg, struct ue_txn **out)
{
	struct evloop *loop = ue->sim->loop;
	struct ue_txn *txn = calloc(1, sizeof(*txn));
	int ret;

	if (!txn || !(txn->buf = malloc(len))) {
		free(txn);
		return -ENOMEM;
	}
	memcpy(txn->buf, buf, len);
	txn->len = len;
	txn->ue = ue;
	snprintf(txn->branch, sizeof(txn->branch), "%s", branch);
	txn->method = method;
	txn->cseq = cseq;
	txn->path = *path;
	txn->final_cb = final_cb;
	txn->prov_cb = prov_cb;
	txn->arg = arg;
	txn->interval_ms = UE_T1_MS;
	ret = ue_send(ue, path, buf, len);
	if (ret < 0) {
		free(txn->buf);
		free(txn);
		return ret;
	}
	if (path->proto == SIP_PROTO_UDP)
		txn->retrans_timer = evloop_timer_add(loop, UE_T1_MS, ue_txn_retransmit, txn);
	txn->timeout_timer =
		evloop_timer_add(loop, ue->sim->cfg.txn_timeout_ms, ue_txn_timeout, txn);
	txn->next = ue->txns;
	ue->txns = txn;
	if (out)
		*out = txn;
	return 0;
}

void ue_txn_orphan(struct ue_txn *txn)
{
	txn->final_cb = NULL;
	txn->prov_cb = NULL;
}

void ue_txn_set_ack(struct ue_txn *txn, const char *ack, size_t len)
{
	char *copy = malloc(len);

	if (!copy)
		return;
	memcpy(copy, ack, len);
	free(txn->ack);
	txn->ack = copy;
	txn->ack_len = len;
}

/* The top Via's branch of a message. */
static int ue_top_branch(const struct sip_msg *msg, struct sip_str *branch)
{
	struct sip_str elem;
	struct sip_via via;

	if (sip_hdr_first_elem(msg, SIP_HDR_VIA, &elem, NULL) < 0 ||
	    sip_hdr_via_parse(elem.s, elem.len, &via) != 0 || !via.has_branch)
		return -EINVAL;
	*branch = via.branch;
	return 0;
}

static void ue_txn_response(struct ue *ue, const struct sip_msg *resp)
{
	struct sip_str branch;
	struct ue_txn *txn;

	if (ue_top_branch(resp, &branch) != 0)
		return;
	for (txn = ue->txns; txn; txn = txn->next)
		if (sip_str_eq(branch, txn->branch) && resp->cseq_method == txn->method)
			break;
	if (!txn) {
		log_debug("%s: response %d matches no transaction", ue->id.name, resp->status);
		return;
	}
	if (txn->completed) {
		/* a repeated final response: an INVITE's is answered with its ACK again */
		if (txn->ack && resp->status >= 200)
			ue_send(ue, &txn->path, txn->ack, txn->ack_len);
		return;
	}
	if (resp->status < 200) {
		if (txn->method == SIP_METHOD_INVITE) {
			evloop_timer_cancel(ue->sim->loop, txn->retrans_timer);
			txn->retrans_timer = 0;
		} else if (txn->retrans_timer) {
			txn->interval_ms = UE_T2_MS;
		}
		if (txn->prov_cb)
			txn->prov_cb(ue, txn, resp, txn->arg);
		return;
	}
	ue_txn_complete(txn, resp);
}

/* ---- the responses we sent ---- */

static void ue_srv_free(struct ue_srv *srv)
{
	struct ue *ue = srv->ue;
	struct ue_srv **pp;

	for (pp = &ue->srvs; *pp; pp = &(*pp)->next)
		if (*pp == srv) {
			*pp = srv->next;
			break;
		}
	evloop_timer_cancel(ue->sim->loop, srv->retrans_timer);
	evloop_timer_cancel(ue->sim->loop, srv->expire_timer);
	free(srv->resp);
	free(srv);
}

static int ue_srv_send(struct ue_srv *srv)
{
	struct ue *ue = srv->ue;
	int ret;

	if (srv->proto == SIP_PROTO_TCP)
		ret = sip_transport_send_conn(ue->tp, srv->conn_id, srv->resp, srv->len);
	else
		ret = sip_transport_send(ue->tp, SIP_PROTO_UDP, &srv->local, &srv->peer, srv->resp,
					 srv->len);
	if (ret < 0)
		log_info_ret(ret, "%s: cannot send a response", ue->id.name);
	else
		ue_log_msg(ue, "sent", srv->resp, srv->len);
	return ret;
}

static void ue_srv_expire(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_srv *srv = arg;

	(void)loop;
	(void)id;
	srv->expire_timer = 0;
	ue_srv_free(srv);
}

static void ue_srv_repeat(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_srv *srv = arg;

	(void)id;
	ue_srv_send(srv);
	srv->interval_ms = srv->interval_ms * 2 > UE_T2_MS ? UE_T2_MS : srv->interval_ms * 2;
	srv->retrans_timer = evloop_timer_add(loop, srv->interval_ms, ue_srv_repeat, srv);
}

static struct ue_srv *ue_srv_find(struct ue *ue, const struct sip_msg *req)
{
	enum sip_method m = req->method == SIP_METHOD_ACK ? SIP_METHOD_INVITE : req->method;
	struct sip_str branch;
	struct ue_srv *srv;

	if (ue_top_branch(req, &branch) != 0)
		return NULL;
	for (srv = ue->srvs; srv; srv = srv->next)
		if (srv->method == m && sip_str_eq(branch, srv->branch))
			return srv;
	return NULL;
}

int ue_respond(struct ue *ue, const struct sip_msg *req, const struct sip_transport_rx *rx,
	       const char *resp, size_t len, bool repeat)
{
	struct ue_srv *srv = ue_srv_find(ue, req);
	struct sip_str branch = {"", 0};
	int ret;

	if (!srv) {
		srv = calloc(1, sizeof(*srv));
		if (!srv)
			return -ENOMEM;
		ue_top_branch(req, &branch);
		snprintf(srv->branch, sizeof(srv->branch), "%.*s", (int)branch.len, branch.s);
		srv->ue = ue;
		srv->method = req->method;
		snprintf(srv->call_id, sizeof(srv->call_id), "%.*s", (int)sip_msg_call_id(req).len,
			 sip_msg_call_id(req).s);
		srv->cseq = req->cseq;
		srv->proto = rx->proto;
		srv->conn_id = rx->conn_id;
		srv->local = *rx->local;
		srv->peer = *rx->peer;
		srv->next = ue->srvs;
		ue->srvs = srv;
		srv->expire_timer =
			evloop_timer_add(ue->sim->loop, 64 * UE_T1_MS, ue_srv_expire, srv);
	}
	free(srv->resp);
	srv->resp = malloc(len);
	if (!srv->resp) {
		ue_srv_free(srv);
		return -ENOMEM;
	}
	memcpy(srv->resp, resp, len);
	srv->len = len;
	ret = ue_srv_send(srv);
	if (repeat && rx->proto == SIP_PROTO_UDP && !srv->retrans_timer) {
		srv->interval_ms = UE_T1_MS;
		srv->retrans_timer = evloop_timer_add(ue->sim->loop, UE_T1_MS, ue_srv_repeat, srv);
	}
	return ret;
}

void ue_srv_acked(struct ue *ue, const struct sip_msg *ack)
{
	struct ue_srv *srv;

	for (srv = ue->srvs; srv; srv = srv->next)
		if (srv->method == SIP_METHOD_INVITE && srv->cseq == ack->cseq &&
		    sip_str_eq(sip_msg_call_id(ack), srv->call_id)) {
			evloop_timer_cancel(ue->sim->loop, srv->retrans_timer);
			srv->retrans_timer = 0;
		}
}

/* ---- receiving ---- */

static void ue_rx_request(struct ue *ue, const struct sip_msg *msg,
			  const struct sip_transport_rx *rx)
{
	struct ue_srv *srv = ue_srv_find(ue, msg);

	if (msg->method == SIP_METHOD_ACK) {
		ue_srv_acked(ue, msg);
		if (srv)
			return; /* the ACK of a non-2xx: ends that transaction */
	} else if (srv) {
		if (srv->resp)
			ue_srv_send(srv); /* a retransmission: the same answer */
		return;
	}
	ue_call_incoming(ue, msg, rx);
}

static void ue_rx(struct sip_transport *t, const struct sip_transport_rx *rx, void *arg)
{
	struct ue *ue = arg;
	struct sip_msg *msg = sip_msg_new();
	struct sip_msg_error err;
	char from[SIP_UTIL_ADDR_SIZE];

	(void)t;
	if (!msg)
		return;
	sip_util_sockaddr_format(rx->peer, from, sizeof(from));
	if (log_enabled(LOG_LEVEL_DEBUG)) {
		char what[SIP_UTIL_ADDR_SIZE + 16];

		snprintf(what, sizeof(what), "from %s:", from);
		ue_log_msg(ue, what, rx->buf, rx->len);
	}
	if (sip_msg_parse(msg, rx->buf, rx->len, rx->proto == SIP_PROTO_TCP ? SIP_PARSE_STREAM : 0,
			  &err) != 0)
		log_info("%s: dropped a message from %s: %s", ue->id.name, from, err.reason);
	else if (msg->is_request)
		ue_rx_request(ue, msg, rx);
	else
		ue_txn_response(ue, msg);
	sip_msg_free(msg);
}

/* ---- building and sending ---- */

void ue_path_request(const struct ue *ue, const struct ue_secset *sa, enum sip_proto proto,
		     struct ue_path *p)
{
	const struct uesim_config *cfg = &ue->sim->cfg;

	memset(p, 0, sizeof(*p));
	p->proto = proto;
	p->sa = sa;
	if (sa) {
		ue_addr_with_port(&ue->addrs[ue->src], sa->offer.port_c, &p->local);
		ue_addr_with_port(&cfg->proxy, sa->choice.port_s, &p->peer);
		p->via_port = sa->offer.port_s;
		return;
	}
	/* In clear: UDP from our unprotected port, TCP from a port the kernel picks (a port
	 * with a listener cannot also be the source of a connection). */
	ue_addr_with_port(&ue->addrs[ue->src], proto == SIP_PROTO_UDP ? ue->port : 0, &p->local);
	p->peer = cfg->proxy;
	p->via_port = ue->port;
}

int ue_out_request(struct ue *ue, struct sip_util_out *o, const struct ue_path *path,
		   const struct sip_util_request *r)
{
	struct sip_util_request req = *r;
	char host[SIP_UTIL_ADDR_SIZE];

	req.transport = path->proto == SIP_PROTO_TCP ? "TCP" : "UDP";
	req.via_host = ue_host(ue, host, sizeof(host));
	req.via_port = path->via_port;
	req.rport = path->proto == SIP_PROTO_UDP;
	sip_util_request_start(o, &req);
	sip_util_out_header(o, "User-Agent", "ue-sim/%s", PACKAGE_VERSION);
	return o->err;
}

void ue_free(struct ue *ue)
{
	if (!ue)
		return;
	while (ue->txns)
		ue_txn_free(ue->txns);
	while (ue->srvs)
		ue_srv_free(ue->srvs);
	ue_reg_free(ue);
	ue_call_free(ue);
	ue_hostile_free(ue);
	sip_transport_free(ue->tp);
	ue_ident_wipe(&ue->id);
	free(ue);
}
