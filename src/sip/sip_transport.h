/*
 * sip_transport.h — SIP over UDP and TCP, IPv4 and IPv6, on an evloop.
 *
 * A transport owns sockets: UDP sockets and TCP listeners created with
 * sip_transport_listen(), TCP connections accepted from them or opened by
 * sip_transport_send(). Every message received (a datagram, or a message cut from a TCP
 * stream by sip_stream.h) goes to one receive callback with where it came from and where
 * it arrived; nothing is parsed here.
 *
 * Sending picks the socket by the local address a caller names, because on a sec-agree
 * hop the source port is part of the IPsec selector:
 *  - UDP: the UDP socket bound to the local port and address; a socket bound to the
 *    wildcard address with that port serves any local address, which is then set as the
 *    source with IP_PKTINFO/IPV6_PKTINFO. Without a local address (NULL or port 0), the first
 *    UDP socket of the peer's family is used.
 *  - TCP: an open (or opening) connection to the peer, whose local address matches when
 *    one is named (port, and address unless it is the wildcard); else a new connection,
 *    bound to the named local address and port (SO_REUSEADDR, so one local port can serve
 *    connections to many peers), or to what the kernel picks when none is named. A failed
 *    bind is an error, never a silent change of source port.
 * Responses to a request that came over TCP go back on its connection: use
 * sip_transport_send_conn() with the connection id from the receive callback.
 *
 * TCP connections are closed after a configurable idle time, when the peer sends a framing
 * error or a message over the size limit, when their output buffer overflows, or when the
 * peer closes. CRLFCRLF keep-alives are answered with CRLF; lone CRLFs are ignored; a UDP
 * datagram of CRLFs only is a keep-alive too and is dropped. Every drop is counted.
 *
 * Callbacks may send, close connections and listeners, but must not free the transport.
 */
#ifndef PCSCF_SIP_TRANSPORT_H
#define PCSCF_SIP_TRANSPORT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct evloop;
struct sip_transport;

/** Transport protocols. */
enum sip_proto {
	SIP_PROTO_UDP = 1,
	SIP_PROTO_TCP = 2,
};

/** Options of sip_transport_listen(). */
enum sip_transport_listen_flags {
	SIP_TRANSPORT_F_FREEBIND = 1u << 0, /**< bind an address not (yet) on an interface */
};

/** What the receive callback gets; pointers are valid during the callback only. */
struct sip_transport_rx {
	const char *buf;		      /**< the message (not NUL-terminated) */
	size_t len;			      /**< its length */
	enum sip_proto proto;		      /**< how it came */
	const struct sockaddr_storage *local; /**< our address it arrived at (never wildcard) */
	const struct sockaddr_storage *peer;  /**< the sender */
	uint64_t conn_id;		      /**< TCP connection, 0 for UDP */
};

/**
 * sip_transport_rx_cb - a message arrived.
 * @t: the transport.
 * @rx: the message and its addresses.
 * @arg: the argument given to sip_transport_new().
 */
typedef void (*sip_transport_rx_cb)(struct sip_transport *t, const struct sip_transport_rx *rx,
				    void *arg);

/**
 * sip_transport_conn_cb - a TCP connection opened (@reason 1) or closed (@reason 0 when the
 * peer closed or we closed it on request, else a negative errno: -ETIMEDOUT idle or connect
 * timeout, -EBADMSG framing error, -EMSGSIZE message too long, -ENOBUFS output overflow,
 * or the error of connect/read/write).
 * @t: the transport.
 * @conn_id: the connection.
 * @reason: as above.
 * @local: our address.
 * @peer: the peer's address.
 * @arg: the argument given to sip_transport_set_conn_cb().
 */
typedef void (*sip_transport_conn_cb)(struct sip_transport *t, uint64_t conn_id, int reason,
				      const struct sockaddr_storage *local,
				      const struct sockaddr_storage *peer, void *arg);

/** Limits; a zero field takes the default. */
struct sip_transport_config {
	size_t max_msg;		 /**< longest message, default SIP_MSG_MAX_LEN (65536) */
	unsigned int idle_ms;	 /**< TCP idle timeout, default 600000 (10 min) */
	unsigned int connect_ms; /**< TCP connect timeout, default 10000 */
	size_t max_out;		 /**< bytes queued per connection, default 1 MiB */
	size_t max_conns;	 /**< open TCP connections, default 4096 */
};

/** Counters (since sip_transport_new()). */
struct sip_transport_stats {
	uint64_t rx_udp;	     /**< datagrams delivered */
	uint64_t rx_tcp;	     /**< stream messages delivered */
	uint64_t tx_udp;	     /**< datagrams sent */
	uint64_t tx_tcp;	     /**< messages written or queued on a connection */
	uint64_t rx_keepalive;	     /**< CRLF keep-alives received (UDP and TCP) */
	uint64_t drop_udp_oversize;  /**< datagrams over max_msg */
	uint64_t drop_udp_error;     /**< recvmsg errors */
	uint64_t drop_tcp_malformed; /**< connections closed for a framing error */
	uint64_t drop_tcp_oversize;  /**< connections closed for a message over max_msg */
	uint64_t drop_tx_no_socket;  /**< no UDP socket for the local address/port */
	uint64_t drop_tx_error;	     /**< send/bind/connect errors, unknown connection */
	uint64_t drop_tx_overflow;   /**< TCP output buffer full */
	uint64_t tcp_accepted;	     /**< incoming connections */
	uint64_t tcp_refused;	     /**< incoming connections over max_conns */
	uint64_t tcp_connected;	     /**< outgoing connections established */
	uint64_t tcp_connect_failed; /**< outgoing connections that failed or timed out */
	uint64_t tcp_closed_idle;    /**< connections closed for idleness */
	uint64_t tcp_closed_peer;    /**< connections the peer closed (or reset) */
	uint64_t tcp_open;	     /**< connections open now */
};

/**
 * sip_transport_new() - create a transport with no sockets yet.
 * @loop: the event loop (outlives the transport).
 * @cfg: limits, or NULL for the defaults.
 * @rx: the receive callback.
 * @arg: passed to @rx.
 * @return the transport, or NULL when out of memory.
 */
struct sip_transport *sip_transport_new(struct evloop *loop, const struct sip_transport_config *cfg,
					sip_transport_rx_cb rx, void *arg);

/**
 * sip_transport_free() - close every socket and free the transport (no close callbacks).
 * @t: the transport, or NULL.
 */
void sip_transport_free(struct sip_transport *t);

/**
 * sip_transport_set_conn_cb() - set the TCP connection callback.
 * @t: the transport.
 * @cb: the callback, or NULL.
 * @arg: passed to @cb.
 */
void sip_transport_set_conn_cb(struct sip_transport *t, sip_transport_conn_cb cb, void *arg);

/**
 * sip_transport_listen() - open a UDP socket or a TCP listener.
 * @t: the transport.
 * @proto: SIP_PROTO_UDP or SIP_PROTO_TCP.
 * @addr: address and port to bind (AF_INET or AF_INET6; IPv6 sockets are IPv6-only; port 0
 * lets the kernel choose, see sip_transport_listener_addr()).
 * @flags: SIP_TRANSPORT_F_* bits.
 * @return a listener id (> 0), or -errno (of socket, bind, listen), -EAFNOSUPPORT, -EINVAL.
 */
int sip_transport_listen(struct sip_transport *t, enum sip_proto proto,
			 const struct sockaddr_storage *addr, unsigned int flags);

/**
 * sip_transport_listener_addr() - the address a listener is bound to.
 * @t: the transport.
 * @id: the listener id.
 * @addr: set to the address.
 * @return 0, or -ENOENT.
 */
int sip_transport_listener_addr(const struct sip_transport *t, int id,
				struct sockaddr_storage *addr);

/**
 * sip_transport_close_listener() - close a UDP socket or TCP listener (connections accepted
 * from it stay open).
 * @t: the transport.
 * @id: the listener id.
 * @return 0, or -ENOENT.
 */
int sip_transport_close_listener(struct sip_transport *t, int id);

/**
 * sip_transport_send() - send one message (see the top of this file for socket choice).
 * @t: the transport.
 * @proto: SIP_PROTO_UDP or SIP_PROTO_TCP.
 * @local: our address to send from, or NULL.
 * @peer: where to.
 * @buf: the message.
 * @len: its length (at most max_msg).
 * @return 0 when sent or queued (TCP), -EADDRNOTAVAIL (no UDP socket), -EMSGSIZE, -ENOBUFS
 * (TCP queue full), -EMFILE (connection limit), or the -errno of sendmsg/bind/connect.
 */
int sip_transport_send(struct sip_transport *t, enum sip_proto proto,
		       const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		       const char *buf, size_t len);

/**
 * sip_transport_send_conn() - send one message on a TCP connection.
 * @t: the transport.
 * @conn_id: the connection (from the receive or connection callback).
 * @buf: the message.
 * @len: its length.
 * @return 0, -ENOTCONN when the connection is gone, -EMSGSIZE, -ENOBUFS, or a write error.
 */
int sip_transport_send_conn(struct sip_transport *t, uint64_t conn_id, const char *buf, size_t len);

/**
 * sip_transport_close_conn() - close a TCP connection now (queued output is dropped); the
 * connection callback reports reason 0.
 * @t: the transport.
 * @conn_id: the connection.
 * @return 0, or -ENOENT.
 */
int sip_transport_close_conn(struct sip_transport *t, uint64_t conn_id);

/**
 * sip_transport_close_port() - close every TCP connection whose local port is @port, as
 * sip_transport_close_conn() does for one (0: every connection). The kernel sends the FIN
 * (or with @reset, the RST) at once, so a caller about to delete the SAs of @port closes
 * its connections first and what they send last still leaves protected. @reset is for a
 * peer that deletes its SAs as well: a FIN would wait for an answer that cannot come and
 * be retransmitted in the clear once the SAs are gone; a RST needs no answer.
 * @t: the transport.
 * @port: our port, host order, or 0.
 * @reset: abort (SO_LINGER 0: RST, no FIN exchange) rather than close.
 * @return how many connections were closed.
 */
unsigned sip_transport_close_port(struct sip_transport *t, uint16_t port, bool reset);

/**
 * sip_transport_conn_addrs() - the addresses of a TCP connection.
 * @t: the transport.
 * @conn_id: the connection.
 * @local: set to our address (may be NULL).
 * @peer: set to the peer's address (may be NULL).
 * @return 0, or -ENOENT.
 */
int sip_transport_conn_addrs(const struct sip_transport *t, uint64_t conn_id,
			     struct sockaddr_storage *local, struct sockaddr_storage *peer);

/**
 * sip_transport_get_stats() - copy the counters.
 * @t: the transport.
 * @stats: the copy.
 */
void sip_transport_get_stats(const struct sip_transport *t, struct sip_transport_stats *stats);

#endif /* PCSCF_SIP_TRANSPORT_H */
