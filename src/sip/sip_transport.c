/*
 * sip_transport.c — UDP sockets, TCP listeners and connections on an evloop (see
 * sip_transport.h).
 *
 * Connections are found by peer address (for sending) and by id (for replies and
 * sip_transport_close_conn()) through two small chained hash tables. A connection may be
 * closed by any callback it triggers (the receive callback answering with a close, a
 * write error while it delivers a message); closing unhooks it from the tables and the
 * loop at once, and freeing waits until no callback of that connection is running (the
 * in_cb count), as Redis ae.c defers the deletion of events.
 */
#include "sip/sip_transport.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/evloop.h"
#include "common/log.h"
#include "sip/sip_msg.h"
#include "sip/sip_stream.h"
#include "sip/sip_util.h"

#define SIP_TRANSPORT_MAX_LISTENERS 64
#define SIP_TRANSPORT_BUCKETS	    1024
#define SIP_TRANSPORT_CHUNK	    16384 /* bytes per TCP read */
#define SIP_TRANSPORT_BURST	    64	  /* datagrams or accepts per callback, for fairness */

struct sip_listener {
	struct sip_transport *t;
	int id;
	int fd;
	enum sip_proto proto;
	struct sockaddr_storage addr; /* as bound (the kernel's port when 0 was asked) */
	bool wildcard;
	bool dead;
	int in_cb;
};

struct sip_conn {
	struct sip_transport *t;
	uint64_t id;
	int fd;
	bool connecting;
	bool dead;
	int in_cb; /* callbacks of this connection running: free only at 0 */
	struct sockaddr_storage local, peer;
	struct sip_stream *stream;
	char *out; /* queued output: out[out_off, out_len) */
	size_t out_off, out_len, out_cap;
	uint64_t last_ms;
	uint64_t timer; /* connect timeout, then idle timeout */
	struct sip_conn *next_peer, *next_id, *prev_all, *next_all;
};

struct sip_transport {
	struct evloop *loop;
	struct sip_transport_config cfg;
	sip_transport_rx_cb rx;
	void *rx_arg;
	sip_transport_conn_cb conn_cb;
	void *conn_arg;
	struct sip_listener *listeners[SIP_TRANSPORT_MAX_LISTENERS];
	int next_listener_id;
	struct sip_conn *by_peer[SIP_TRANSPORT_BUCKETS];
	struct sip_conn *by_id[SIP_TRANSPORT_BUCKETS];
	struct sip_conn *all;
	uint64_t next_conn_id;
	struct sip_transport_stats stats;
	char *rxbuf; /* max_msg + 1 bytes (UDP) or SIP_TRANSPORT_CHUNK (TCP), whichever is more */
};

static void sip_transport_conn_event(struct evloop *loop, int fd, unsigned int events, void *arg);
static void sip_transport_conn_timer(struct evloop *loop, uint64_t id, void *arg);

/* ---- set-up ---- */

struct sip_transport *sip_transport_new(struct evloop *loop, const struct sip_transport_config *cfg,
					sip_transport_rx_cb rx, void *arg)
{
	struct sip_transport *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	if (!t->cfg.max_msg)
		t->cfg.max_msg = SIP_MSG_MAX_LEN;
	if (!t->cfg.idle_ms)
		t->cfg.idle_ms = 600000;
	if (!t->cfg.connect_ms)
		t->cfg.connect_ms = 10000;
	if (!t->cfg.max_out)
		t->cfg.max_out = 1u << 20;
	if (!t->cfg.max_conns)
		t->cfg.max_conns = 4096;
	t->rxbuf = malloc(t->cfg.max_msg + 1 > SIP_TRANSPORT_CHUNK ? t->cfg.max_msg + 1
								   : SIP_TRANSPORT_CHUNK);
	if (!t->rxbuf) {
		free(t);
		return NULL;
	}
	t->loop = loop;
	t->rx = rx;
	t->rx_arg = arg;
	t->next_listener_id = 1;
	t->next_conn_id = 1;
	return t;
}

void sip_transport_set_conn_cb(struct sip_transport *t, sip_transport_conn_cb cb, void *arg)
{
	t->conn_cb = cb;
	t->conn_arg = arg;
}

void sip_transport_get_stats(const struct sip_transport *t, struct sip_transport_stats *stats)
{
	*stats = t->stats;
}

static socklen_t sip_transport_addrlen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* ---- connection tables ---- */

static size_t sip_transport_peer_hash(const struct sockaddr_storage *ss)
{
	const unsigned char *p;
	size_t i, n, h = 2166136261u;

	/* FNV-1a over address and port only: flow labels and padding must not matter. */
	if (ss->ss_family == AF_INET6) {
		p = (const unsigned char *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
		n = sizeof(struct in6_addr);
	} else {
		p = (const unsigned char *)&((const struct sockaddr_in *)ss)->sin_addr;
		n = sizeof(struct in_addr);
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ sip_util_sockaddr_port(ss)) * 16777619u;
	return h % SIP_TRANSPORT_BUCKETS;
}

static void sip_transport_conn_link(struct sip_transport *t, struct sip_conn *c)
{
	size_t hp = sip_transport_peer_hash(&c->peer), hi = c->id % SIP_TRANSPORT_BUCKETS;

	c->next_peer = t->by_peer[hp];
	t->by_peer[hp] = c;
	c->next_id = t->by_id[hi];
	t->by_id[hi] = c;
	c->next_all = t->all;
	c->prev_all = NULL;
	if (t->all)
		t->all->prev_all = c;
	t->all = c;
	t->stats.tcp_open++;
}

static void sip_transport_conn_unlink(struct sip_transport *t, struct sip_conn *c)
{
	struct sip_conn **pp;

	for (pp = &t->by_peer[sip_transport_peer_hash(&c->peer)]; *pp; pp = &(*pp)->next_peer)
		if (*pp == c) {
			*pp = c->next_peer;
			break;
		}
	for (pp = &t->by_id[c->id % SIP_TRANSPORT_BUCKETS]; *pp; pp = &(*pp)->next_id)
		if (*pp == c) {
			*pp = c->next_id;
			break;
		}
	if (c->prev_all)
		c->prev_all->next_all = c->next_all;
	else
		t->all = c->next_all;
	if (c->next_all)
		c->next_all->prev_all = c->prev_all;
	t->stats.tcp_open--;
}

static struct sip_conn *sip_transport_conn_by_id(const struct sip_transport *t, uint64_t id)
{
	struct sip_conn *c;

	for (c = t->by_id[id % SIP_TRANSPORT_BUCKETS]; c; c = c->next_id)
		if (c->id == id)
			return c;
	return NULL;
}

/* Whether @c may carry traffic from @local (NULL, port 0 or wildcard parts match all). */
static bool sip_transport_local_match(const struct sip_conn *c,
				      const struct sockaddr_storage *local)
{
	struct sockaddr_storage want;

	if (!local || sip_util_sockaddr_port(local) == 0)
		return true;
	if (sip_util_sockaddr_port(local) != sip_util_sockaddr_port(&c->local))
		return false;
	if (sip_util_sockaddr_is_any(local))
		return true;
	want = *local;
	return sip_util_sockaddr_equal(&want, &c->local);
}

static struct sip_conn *sip_transport_conn_find(const struct sip_transport *t,
						const struct sockaddr_storage *local,
						const struct sockaddr_storage *peer)
{
	struct sip_conn *c;

	for (c = t->by_peer[sip_transport_peer_hash(peer)]; c; c = c->next_peer)
		if (sip_util_sockaddr_equal(&c->peer, peer) && sip_transport_local_match(c, local))
			return c;
	return NULL;
}

/* ---- connection life ---- */

static void sip_transport_conn_free(struct sip_conn *c)
{
	sip_stream_free(c->stream);
	free(c->out);
	free(c);
}

/* Close now (unhook from tables and loop, report it); free when no callback runs. */
static void sip_transport_conn_close(struct sip_conn *c, int reason)
{
	struct sip_transport *t = c->t;

	if (c->dead)
		return;
	c->dead = true;
	sip_transport_conn_unlink(t, c);
	evloop_del_fd(t->loop, c->fd);
	evloop_timer_cancel(t->loop, c->timer);
	close(c->fd);
	c->fd = -1;
	if (t->conn_cb) {
		c->in_cb++;
		t->conn_cb(t, c->id, reason, &c->local, &c->peer, t->conn_arg);
		c->in_cb--;
	}
	if (c->in_cb == 0)
		sip_transport_conn_free(c);
}

static struct sip_conn *sip_transport_conn_new(struct sip_transport *t, int fd, bool connecting,
					       const struct sockaddr_storage *peer)
{
	struct sip_conn *c = calloc(1, sizeof(*c));
	socklen_t len = sizeof(c->local);
	int one = 1;

	if (!c)
		return NULL;
	c->stream = sip_stream_new(t->cfg.max_msg);
	if (!c->stream || evloop_add_fd(t->loop, fd, connecting ? EVLOOP_WRITE : EVLOOP_READ,
					sip_transport_conn_event, c) != 0) {
		sip_stream_free(c->stream);
		free(c);
		return NULL;
	}
	c->t = t;
	c->fd = fd;
	c->id = t->next_conn_id++;
	c->connecting = connecting;
	c->peer = *peer;
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->last_ms = evloop_now_ms(t->loop);
	c->timer = evloop_timer_add(t->loop, connecting ? t->cfg.connect_ms : t->cfg.idle_ms,
				    sip_transport_conn_timer, c);
	sip_transport_conn_link(t, c);
	return c;
}

static void sip_transport_conn_timer(struct evloop *loop, uint64_t id, void *arg)
{
	struct sip_conn *c = arg;
	struct sip_transport *t = c->t;
	uint64_t idle = evloop_now_ms(loop) - c->last_ms;

	c->timer = 0;
	if (c->connecting) {
		t->stats.tcp_connect_failed++;
		sip_transport_conn_close(c, -ETIMEDOUT);
	} else if (idle >= t->cfg.idle_ms) {
		t->stats.tcp_closed_idle++;
		sip_transport_conn_close(c, -ETIMEDOUT);
	} else {
		c->timer =
			evloop_timer_add(loop, t->cfg.idle_ms - idle, sip_transport_conn_timer, c);
	}
}

/* ---- connection output ---- */

static int sip_transport_conn_queue(struct sip_conn *c, const char *buf, size_t len)
{
	size_t pending = c->out_len - c->out_off, cap;
	char *out;

	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, pending);
		c->out_off = 0;
		c->out_len = pending;
	}
	if (pending + len > c->out_cap) {
		cap = c->out_cap ? c->out_cap : 4096;
		while (cap < pending + len)
			cap *= 2;
		out = realloc(c->out, cap);
		if (!out)
			return -ENOMEM;
		c->out = out;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return evloop_mod_fd(c->t->loop, c->fd,
			     c->connecting ? EVLOOP_WRITE : EVLOOP_READ | EVLOOP_WRITE);
}

/* Write or queue; on a fatal error the connection is closed and the error returned. */
static int sip_transport_conn_write(struct sip_conn *c, const char *buf, size_t len)
{
	size_t pending = c->out_len - c->out_off;
	ssize_t n = 0;
	int ret;

	if (c->dead)
		return -ENOTCONN;
	if (pending + len > c->t->cfg.max_out) {
		c->t->stats.drop_tx_overflow++;
		sip_transport_conn_close(c, -ENOBUFS);
		return -ENOBUFS;
	}
	if (!c->connecting && pending == 0) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			ret = -errno;
			c->t->stats.drop_tx_error++;
			sip_transport_conn_close(c, ret);
			return ret;
		}
		if (n < 0)
			n = 0;
	}
	c->last_ms = evloop_now_ms(c->t->loop);
	if ((size_t)n == len)
		return 0;
	ret = sip_transport_conn_queue(c, buf + n, len - (size_t)n);
	if (ret) {
		sip_transport_conn_close(c, ret);
		return ret;
	}
	return 0;
}

static void sip_transport_conn_flush(struct sip_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				sip_transport_conn_close(c, -errno);
			return;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	evloop_mod_fd(c->t->loop, c->fd, EVLOOP_READ);
}

static void sip_transport_conn_connected(struct sip_conn *c)
{
	struct sip_transport *t = c->t;
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		t->stats.tcp_connect_failed++;
		sip_transport_conn_close(c, -err);
		return;
	}
	c->connecting = false;
	t->stats.tcp_connected++;
	len = sizeof(c->local);
	getsockname(c->fd, (struct sockaddr *)&c->local, &len);
	evloop_timer_cancel(t->loop, c->timer);
	c->last_ms = evloop_now_ms(t->loop);
	c->timer = evloop_timer_add(t->loop, t->cfg.idle_ms, sip_transport_conn_timer, c);
	evloop_mod_fd(t->loop, c->fd, EVLOOP_READ | (c->out_len ? EVLOOP_WRITE : 0));
	if (t->conn_cb)
		t->conn_cb(t, c->id, 1, &c->local, &c->peer, t->conn_arg);
}

/* ---- connection input ---- */

/* Hand out what the framer has; false when the connection was closed meanwhile. */
static bool sip_transport_conn_drain(struct sip_conn *c)
{
	struct sip_transport *t = c->t;
	struct sip_transport_rx rx = {.proto = SIP_PROTO_TCP};
	int ev;

	while (!c->dead) {
		ev = sip_stream_next(c->stream, &rx.buf, &rx.len);
		if (ev == SIP_STREAM_MORE)
			break;
		if (ev == SIP_STREAM_PING || ev == SIP_STREAM_PONG) {
			t->stats.rx_keepalive++;
			if (ev == SIP_STREAM_PING)
				sip_transport_conn_write(c, "\r\n", 2);
		} else if (ev == SIP_STREAM_MESSAGE) {
			t->stats.rx_tcp++;
			rx.local = &c->local;
			rx.peer = &c->peer;
			rx.conn_id = c->id;
			t->rx(t, &rx, t->rx_arg);
		} else {
			if (ev == -EMSGSIZE)
				t->stats.drop_tcp_oversize++;
			else
				t->stats.drop_tcp_malformed++;
			sip_transport_conn_close(c, ev);
		}
	}
	return !c->dead;
}

static void sip_transport_conn_read(struct sip_conn *c)
{
	struct sip_transport *t = c->t;
	int reads, ret;

	for (reads = 0; reads < 4 && !c->dead; reads++) {
		ssize_t n = recv(c->fd, t->rxbuf, SIP_TRANSPORT_CHUNK, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			t->stats.tcp_closed_peer++;
			sip_transport_conn_close(c, n == 0 ? 0 : -errno);
			return;
		}
		c->last_ms = evloop_now_ms(t->loop);
		ret = sip_stream_feed(c->stream, t->rxbuf, (size_t)n);
		if (ret) {
			t->stats.drop_tcp_oversize++;
			sip_transport_conn_close(c, -EMSGSIZE);
			return;
		}
		if (!sip_transport_conn_drain(c) || n < SIP_TRANSPORT_CHUNK)
			return;
	}
}

static void sip_transport_conn_event(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct sip_conn *c = arg;

	c->in_cb++;
	if (c->connecting && (events & EVLOOP_WRITE))
		sip_transport_conn_connected(c);
	else if (!c->connecting && (events & EVLOOP_WRITE))
		sip_transport_conn_flush(c);
	if (!c->dead && !c->connecting && (events & EVLOOP_READ))
		sip_transport_conn_read(c);
	c->in_cb--;
	if (c->dead && c->in_cb == 0)
		sip_transport_conn_free(c);
}

/* ---- listeners ---- */

static void sip_transport_accept(struct sip_listener *l)
{
	struct sip_transport *t = l->t;
	struct sockaddr_storage peer;
	struct sip_conn *c;
	int i, fd;

	for (i = 0; i < SIP_TRANSPORT_BURST; i++) {
		socklen_t len = sizeof(peer);

		memset(&peer, 0, sizeof(peer));
		fd = accept4(l->fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_errno("accept4");
			if (errno != EINTR)
				return;
			continue;
		}
		if (t->stats.tcp_open >= t->cfg.max_conns ||
		    !(c = sip_transport_conn_new(t, fd, false, &peer))) {
			t->stats.tcp_refused++;
			close(fd);
			continue;
		}
		t->stats.tcp_accepted++;
		if (t->conn_cb) {
			c->in_cb++;
			t->conn_cb(t, c->id, 1, &c->local, &c->peer, t->conn_arg);
			if (--c->in_cb == 0 && c->dead)
				sip_transport_conn_free(c);
		}
	}
}

/* ---- UDP ---- */

static bool sip_transport_only_crlf(const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != '\r' && b[i] != '\n')
			return false;
	return true;
}

/* Our address a datagram arrived at: the socket's, with the packet's destination address. */
static void sip_transport_udp_local(const struct sip_listener *l, struct msghdr *mh,
				    struct sockaddr_storage *local)
{
	struct cmsghdr *cm;

	*local = l->addr;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)local)->sin_addr = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)local;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			sin6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				sin6->sin6_scope_id = (uint32_t)pi.ipi6_ifindex;
		}
	}
}

static void sip_transport_udp_read(struct sip_listener *l)
{
	struct sip_transport *t = l->t;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_storage peer, local;
	struct sip_transport_rx rx = {.proto = SIP_PROTO_UDP, .local = &local, .peer = &peer};
	int i;

	for (i = 0; i < SIP_TRANSPORT_BURST && !l->dead; i++) {
		struct iovec iov = {t->rxbuf, t->cfg.max_msg + 1};
		struct msghdr mh = {.msg_name = &peer,
				    .msg_namelen = sizeof(peer),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf.buf,
				    .msg_controllen = sizeof(cbuf.buf)};
		ssize_t n;

		memset(&peer, 0, sizeof(peer));
		n = recvmsg(l->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN)
				t->stats.drop_udp_error++;
			return;
		}
		if ((size_t)n > t->cfg.max_msg) {
			t->stats.drop_udp_oversize++;
			continue;
		}
		if (sip_transport_only_crlf(t->rxbuf, (size_t)n)) {
			t->stats.rx_keepalive++;
			continue;
		}
		sip_transport_udp_local(l, &mh, &local);
		rx.buf = t->rxbuf;
		rx.len = (size_t)n;
		t->stats.rx_udp++;
		t->rx(t, &rx, t->rx_arg);
	}
}

/*
 * The UDP socket to send from: one bound to exactly @local beats one bound to the wildcard
 * address with @local's port (which then needs the source set by pktinfo).
 */
static struct sip_listener *sip_transport_udp_pick(const struct sip_transport *t,
						   const struct sockaddr_storage *local,
						   sa_family_t family, bool *pktinfo)
{
	struct sip_listener *best = NULL;
	int i, score, best_score = 0;

	for (i = 0; i < SIP_TRANSPORT_MAX_LISTENERS; i++) {
		struct sip_listener *l = t->listeners[i];

		if (!l || l->proto != SIP_PROTO_UDP || l->addr.ss_family != family)
			continue;
		score = 1;
		if (local && sip_util_sockaddr_port(local) != 0) {
			if (sip_util_sockaddr_port(local) != sip_util_sockaddr_port(&l->addr))
				continue;
			if (!sip_util_sockaddr_is_any(local)) {
				if (sip_util_sockaddr_equal(local, &l->addr))
					score = 2;
				else if (!l->wildcard)
					continue;
			}
		}
		if (score > best_score) {
			best = l;
			best_score = score;
		}
	}
	*pktinfo = best && best->wildcard && local && !sip_util_sockaddr_is_any(local) &&
		   local->ss_family == family;
	return best;
}

static void sip_transport_set_source(struct msghdr *mh, struct cmsghdr *cm,
				     const struct sockaddr_storage *local)
{
	if (local->ss_family == AF_INET) {
		struct in_pktinfo pi = {0};

		pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = {0};

		pi.ipi6_addr = ((const struct sockaddr_in6 *)local)->sin6_addr;
		pi.ipi6_ifindex = ((const struct sockaddr_in6 *)local)->sin6_scope_id;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

static int sip_transport_udp_send(struct sip_transport *t, const struct sockaddr_storage *local,
				  const struct sockaddr_storage *peer, const char *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_name = (void *)peer,
			    .msg_namelen = sip_transport_addrlen(peer),
			    .msg_iov = &iov,
			    .msg_iovlen = 1};
	bool pktinfo;
	struct sip_listener *l = sip_transport_udp_pick(t, local, peer->ss_family, &pktinfo);

	if (!l) {
		t->stats.drop_tx_no_socket++;
		return -EADDRNOTAVAIL;
	}
	if (pktinfo) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		sip_transport_set_source(&mh, (struct cmsghdr *)cbuf.buf, local);
	}
	if (sendmsg(l->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		t->stats.drop_tx_error++;
		return -errno;
	}
	t->stats.tx_udp++;
	return 0;
}

/* ---- listeners ---- */

static void sip_transport_listener_free(struct sip_listener *l)
{
	free(l);
}

static void sip_transport_listener_event(struct evloop *loop, int fd, unsigned int events,
					 void *arg)
{
	struct sip_listener *l = arg;

	l->in_cb++;
	if (l->proto == SIP_PROTO_UDP)
		sip_transport_udp_read(l);
	else
		sip_transport_accept(l);
	if (--l->in_cb == 0 && l->dead)
		sip_transport_listener_free(l);
}

static int sip_transport_sockopts(int fd, int family, enum sip_proto proto, unsigned int flags)
{
	int one = 1;

	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return -errno;
	/* TCP only: for UDP it would let two sockets share a port and split its traffic. */
	if (proto == SIP_PROTO_TCP &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return -errno;
	if ((flags & SIP_TRANSPORT_F_FREEBIND) &&
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		return -errno;
	if (proto == SIP_PROTO_UDP && family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		return -errno;
	if (proto == SIP_PROTO_UDP && family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/* socket(), options, bind() and listen() for a new listener; returns the fd or -errno. */
static int sip_transport_listen_socket(enum sip_proto proto, const struct sockaddr_storage *addr,
				       unsigned int flags)
{
	int type = proto == SIP_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(addr->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	ret = sip_transport_sockopts(fd, addr->ss_family, proto, flags);
	if (ret == 0 && bind(fd, (const struct sockaddr *)addr, sip_transport_addrlen(addr)) < 0)
		ret = -errno;
	if (ret == 0 && proto == SIP_PROTO_TCP && listen(fd, 128) < 0)
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int sip_transport_listen(struct sip_transport *t, enum sip_proto proto,
			 const struct sockaddr_storage *addr, unsigned int flags)
{
	struct sip_listener *l;
	socklen_t len = sizeof(struct sockaddr_storage);
	int slot, fd, ret;

	if (addr->ss_family != AF_INET && addr->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (proto != SIP_PROTO_UDP && proto != SIP_PROTO_TCP)
		return -EINVAL;
	for (slot = 0; slot < SIP_TRANSPORT_MAX_LISTENERS && t->listeners[slot]; slot++)
		;
	if (slot == SIP_TRANSPORT_MAX_LISTENERS)
		return -ENOSPC;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	fd = sip_transport_listen_socket(proto, addr, flags);
	if (fd < 0) {
		free(l);
		return fd;
	}
	l->t = t;
	l->fd = fd;
	l->proto = proto;
	getsockname(fd, (struct sockaddr *)&l->addr, &len);
	l->wildcard = sip_util_sockaddr_is_any(&l->addr);
	ret = evloop_add_fd(t->loop, fd, EVLOOP_READ, sip_transport_listener_event, l);
	if (ret) {
		close(fd);
		free(l);
		return ret;
	}
	l->id = t->next_listener_id++;
	t->listeners[slot] = l;
	return l->id;
}

static struct sip_listener *sip_transport_listener_find(const struct sip_transport *t, int id,
							int *slot)
{
	int i;

	for (i = 0; i < SIP_TRANSPORT_MAX_LISTENERS; i++)
		if (t->listeners[i] && t->listeners[i]->id == id) {
			if (slot)
				*slot = i;
			return t->listeners[i];
		}
	return NULL;
}

int sip_transport_listener_addr(const struct sip_transport *t, int id,
				struct sockaddr_storage *addr)
{
	struct sip_listener *l = sip_transport_listener_find(t, id, NULL);

	if (!l)
		return -ENOENT;
	*addr = l->addr;
	return 0;
}

int sip_transport_close_listener(struct sip_transport *t, int id)
{
	int slot;
	struct sip_listener *l = sip_transport_listener_find(t, id, &slot);

	if (!l)
		return -ENOENT;
	t->listeners[slot] = NULL;
	l->dead = true;
	evloop_del_fd(t->loop, l->fd);
	close(l->fd);
	if (l->in_cb == 0)
		sip_transport_listener_free(l);
	return 0;
}

/* ---- sending ---- */

/* A new outgoing connection to @peer, from @local when it names a port or an address. */
static int sip_transport_conn_open(struct sip_transport *t, const struct sockaddr_storage *local,
				   const struct sockaddr_storage *peer, struct sip_conn **out)
{
	int fd, ret = 0;

	if (t->stats.tcp_open >= t->cfg.max_conns)
		return -EMFILE;
	fd = socket(peer->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (local && (sip_util_sockaddr_port(local) || !sip_util_sockaddr_is_any(local))) {
		if (local->ss_family != peer->ss_family)
			ret = -EAFNOSUPPORT;
		else
			ret = sip_transport_sockopts(fd, peer->ss_family, SIP_PROTO_TCP, 0);
		if (ret == 0 &&
		    bind(fd, (const struct sockaddr *)local, sip_transport_addrlen(local)) < 0)
			ret = -errno;
	}
	if (ret == 0 &&
	    connect(fd, (const struct sockaddr *)peer, sip_transport_addrlen(peer)) < 0 &&
	    errno != EINPROGRESS)
		ret = -errno;
	if (ret == 0 && !(*out = sip_transport_conn_new(t, fd, true, peer)))
		ret = -ENOMEM;
	if (ret)
		close(fd);
	return ret;
}

int sip_transport_send(struct sip_transport *t, enum sip_proto proto,
		       const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		       const char *buf, size_t len)
{
	struct sip_conn *c;
	int ret;

	if (!peer || (peer->ss_family != AF_INET && peer->ss_family != AF_INET6))
		return -EAFNOSUPPORT;
	if (len > t->cfg.max_msg)
		return -EMSGSIZE;
	if (proto == SIP_PROTO_UDP)
		return sip_transport_udp_send(t, local, peer, buf, len);
	if (proto != SIP_PROTO_TCP)
		return -EINVAL;
	c = sip_transport_conn_find(t, local, peer);
	if (!c) {
		ret = sip_transport_conn_open(t, local, peer, &c);
		if (ret) {
			t->stats.drop_tx_error++;
			return ret;
		}
	}
	ret = sip_transport_conn_write(c, buf, len);
	if (ret == 0)
		t->stats.tx_tcp++;
	return ret;
}

int sip_transport_send_conn(struct sip_transport *t, uint64_t conn_id, const char *buf, size_t len)
{
	struct sip_conn *c = sip_transport_conn_by_id(t, conn_id);
	int ret;

	if (!c) {
		t->stats.drop_tx_error++;
		return -ENOTCONN;
	}
	if (len > t->cfg.max_msg)
		return -EMSGSIZE;
	ret = sip_transport_conn_write(c, buf, len);
	if (ret == 0)
		t->stats.tx_tcp++;
	return ret;
}

int sip_transport_close_conn(struct sip_transport *t, uint64_t conn_id)
{
	struct sip_conn *c = sip_transport_conn_by_id(t, conn_id);

	if (!c)
		return -ENOENT;
	sip_transport_conn_close(c, 0);
	return 0;
}

unsigned sip_transport_close_port(struct sip_transport *t, uint16_t port, bool reset)
{
	struct linger abort = {.l_onoff = 1, .l_linger = 0};
	struct sip_conn *c;
	unsigned n = 0;

	/* From the head each time: a close callback may close other connections. */
	for (;;) {
		for (c = t->all; c; c = c->next_all)
			if (!port || sip_util_sockaddr_port(&c->local) == port)
				break;
		if (!c)
			return n;
		if (reset)
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
		sip_transport_conn_close(c, 0);
		n++;
	}
}

int sip_transport_conn_addrs(const struct sip_transport *t, uint64_t conn_id,
			     struct sockaddr_storage *local, struct sockaddr_storage *peer)
{
	const struct sip_conn *c = sip_transport_conn_by_id(t, conn_id);

	if (!c)
		return -ENOENT;
	if (local)
		*local = c->local;
	if (peer)
		*peer = c->peer;
	return 0;
}

void sip_transport_free(struct sip_transport *t)
{
	struct sip_conn *c, *next;
	int i;

	if (!t)
		return;
	for (i = 0; i < SIP_TRANSPORT_MAX_LISTENERS; i++)
		if (t->listeners[i])
			sip_transport_close_listener(t, t->listeners[i]->id);
	for (c = t->all; c; c = next) {
		next = c->next_all;
		evloop_del_fd(t->loop, c->fd);
		evloop_timer_cancel(t->loop, c->timer);
		close(c->fd);
		sip_transport_conn_free(c);
	}
	free(t->rxbuf);
	free(t);
}
