/*
 * test_sip_transport.c — the stream framer (split at every byte, several messages at once,
 * keep-alives, limits, malformed framing) and the transport over loopback: UDP and TCP,
 * IPv4 and IPv6, choice of the sending socket, connection reuse, replies on a connection,
 * keep-alive answers, oversize and malformed streams, idle timeout, refused connects and a
 * connection closed from inside its own receive callback.
 *
 * IPv6 tests are skipped when ::1 cannot be bound (a host without IPv6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/evloop.h"
#include "sip/sip_stream.h"
#include "sip/sip_transport.h"
#include "sip/sip_util.h"

#define CRLF "\r\n"

static const char msg1[] = "MESSAGE sip:b@h SIP/2.0" CRLF "Via: SIP/2.0/TCP h;branch=z9hG4bK1" CRLF
			   "Content-Length: 5" CRLF CRLF "hello";
/* Compact l:, folded value, no body. */
static const char msg2[] = "SIP/2.0 200 OK" CRLF "l:" CRLF " 0" CRLF "CSeq: 1 MESSAGE" CRLF CRLF;

/* ---- framer ---- */

struct item {
	int ev;
	char text[256];
	size_t len;
};

/* Take everything available; returns the number of items, or a negative error. */
static int drain(struct sip_stream *st, struct item *items, int n, int max)
{
	const char *m;
	size_t len;
	int ev;

	while ((ev = sip_stream_next(st, &m, &len)) != SIP_STREAM_MORE) {
		if (ev < 0)
			return ev;
		assert_true(n < max);
		items[n].ev = ev;
		items[n].len = 0;
		if (ev == SIP_STREAM_MESSAGE) {
			assert_true(len < sizeof(items[n].text));
			memcpy(items[n].text, m, len);
			items[n].len = len;
		}
		n++;
	}
	return n;
}

static void check_items(const struct item *items, int n)
{
	assert_int_equal(n, 4);
	assert_int_equal(items[0].ev, SIP_STREAM_PING);
	assert_int_equal(items[1].ev, SIP_STREAM_MESSAGE);
	assert_int_equal(items[1].len, strlen(msg1));
	assert_memory_equal(items[1].text, msg1, strlen(msg1));
	assert_int_equal(items[2].ev, SIP_STREAM_PONG);
	assert_int_equal(items[3].ev, SIP_STREAM_MESSAGE);
	assert_int_equal(items[3].len, strlen(msg2));
	assert_memory_equal(items[3].text, msg2, strlen(msg2));
}

static void test_sip_stream_split_at_every_byte(void **state)
{
	char all[512];
	size_t n, i;
	struct item items[8];
	int got;

	n = (size_t)snprintf(all, sizeof(all), CRLF CRLF "%s" CRLF "%s", msg1, msg2);
	for (i = 0; i <= n; i++) {
		struct sip_stream *st = sip_stream_new(1024);

		assert_int_equal(sip_stream_feed(st, all, i), 0);
		got = drain(st, items, 0, 8);
		assert_int_equal(sip_stream_feed(st, all + i, n - i), 0);
		got = drain(st, items, got, 8);
		check_items(items, got);
		assert_int_equal(sip_stream_buffered(st), 0);
		sip_stream_free(st);
	}
}

static void test_sip_stream_byte_at_a_time_and_all_at_once(void **state)
{
	char all[512];
	size_t n, i;
	struct item items[8];
	struct sip_stream *st = sip_stream_new(1024);
	int got = 0;

	n = (size_t)snprintf(all, sizeof(all), CRLF CRLF "%s" CRLF "%s", msg1, msg2);
	for (i = 0; i < n; i++) {
		assert_int_equal(sip_stream_feed(st, all + i, 1), 0);
		got = drain(st, items, got, 8);
	}
	check_items(items, got);
	sip_stream_free(st);

	/* Two messages (and the keep-alives) in one segment. */
	st = sip_stream_new(1024);
	assert_int_equal(sip_stream_feed(st, all, n), 0);
	check_items(items, drain(st, items, 0, 8));
	sip_stream_free(st);
}

static int framing_error(const char *text, size_t max)
{
	struct sip_stream *st = sip_stream_new(max);
	struct item items[4];
	const char *m;
	size_t len;
	int ret;

	assert_int_equal(sip_stream_feed(st, text, strlen(text)), 0);
	ret = drain(st, items, 0, 4);
	if (ret < 0) /* errors are sticky */
		assert_int_equal(sip_stream_next(st, &m, &len), ret);
	sip_stream_free(st);
	return ret;
}

static void test_sip_stream_malformed_and_oversize(void **state)
{
	char big[600];

	assert_int_equal(
		framing_error("OPTIONS sip:a SIP/2.0" CRLF "CSeq: 1 OPTIONS" CRLF CRLF, 1024),
		-EBADMSG);
	assert_int_equal(framing_error("OPTIONS sip:a SIP/2.0" CRLF "l: 0" CRLF
				       "Content-Length: 0" CRLF CRLF,
				       1024),
			 -EBADMSG);
	assert_int_equal(framing_error("OPTIONS sip:a SIP/2.0" CRLF "l: 1 2" CRLF CRLF "12", 1024),
			 -EBADMSG);
	assert_int_equal(framing_error("OPTIONS sip:a SIP/2.0" CRLF "l: x" CRLF CRLF, 1024),
			 -EBADMSG);
	assert_int_equal(framing_error("OPTIONS sip:a SIP/2.0" CRLF "l:" CRLF CRLF, 1024),
			 -EBADMSG);
	/* Headers plus body over the limit, by Content-Length alone (nothing of it has come). */
	assert_int_equal(framing_error("OPTIONS sip:a SIP/2.0" CRLF "l: 1000" CRLF CRLF, 1024),
			 -EMSGSIZE);
	assert_int_equal(
		framing_error("OPTIONS sip:a SIP/2.0" CRLF "l: 99999999999999" CRLF CRLF, 1024),
		-EMSGSIZE);
	/* A header section that never ends within the limit. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(framing_error(big, 512), -EMSGSIZE);
	assert_int_equal(framing_error(big, 1024), SIP_STREAM_MORE);
	/* Exactly at the limit is fine. */
	assert_int_equal(strlen(msg1), 87);
	assert_int_equal(framing_error(msg1, 87), 1);
	assert_int_equal(framing_error(msg1, 86), -EMSGSIZE);
}

static void test_sip_stream_refuses_unbounded_buffering(void **state)
{
	struct sip_stream *st = sip_stream_new(100);
	char junk[150];

	assert_null(sip_stream_new(10));
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(sip_stream_feed(st, junk, sizeof(junk)), 0);
	assert_int_equal(sip_stream_feed(st, junk, 50), 0);
	assert_int_equal(sip_stream_feed(st, junk, 1), -ENOBUFS);
	sip_stream_free(st);
}

/* ---- transport over loopback ---- */

#define MAX_RX 8

struct rx_log {
	int n;
	char text[MAX_RX][512];
	size_t len[MAX_RX];
	enum sip_proto proto[MAX_RX];
	struct sockaddr_storage local[MAX_RX], peer[MAX_RX];
	uint64_t conn[MAX_RX];
	bool close_on_rx; /* close the connection from inside the callback */
	int ups, downs, last_reason;
};

static void on_rx(struct sip_transport *t, const struct sip_transport_rx *rx, void *arg)
{
	struct rx_log *log = arg;
	int i = log->n++;

	assert_true(i < MAX_RX && rx->len < sizeof(log->text[0]));
	memcpy(log->text[i], rx->buf, rx->len);
	log->len[i] = rx->len;
	log->proto[i] = rx->proto;
	log->local[i] = *rx->local;
	log->peer[i] = *rx->peer;
	log->conn[i] = rx->conn_id;
	if (log->close_on_rx)
		assert_int_equal(sip_transport_close_conn(t, rx->conn_id), 0);
}

static void on_conn(struct sip_transport *t, uint64_t id, int reason,
		    const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		    void *arg)
{
	struct rx_log *log = arg;

	if (reason == 1) {
		log->ups++;
	} else {
		log->downs++;
		log->last_reason = reason;
	}
}

static struct sip_transport *new_transport(struct evloop *loop, struct rx_log *log,
					   const struct sip_transport_config *cfg)
{
	struct sip_transport *t = sip_transport_new(loop, cfg, on_rx, log);

	assert_non_null(t);
	sip_transport_set_conn_cb(t, on_conn, log);
	return t;
}

static struct sockaddr_storage addr(const char *host, uint16_t port)
{
	struct sockaddr_storage ss;

	assert_int_equal(sip_util_sockaddr_set(host, strlen(host), port, &ss), 0);
	return ss;
}

/* Run the loop until *counter reaches @want (or two seconds pass). */
static void run_until(struct evloop *loop, const int *counter, int want)
{
	int i;

	for (i = 0; i < 200 && *counter < want; i++)
		assert_true(evloop_run_once(loop, 10) >= 0);
	assert_int_equal(*counter, want);
}

static void run_for(struct evloop *loop, int ms)
{
	int i;

	for (i = 0; i < ms; i++)
		evloop_run_once(loop, 1);
}

static bool have_ipv6(void)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static int listen_on(struct sip_transport *t, enum sip_proto proto, const char *host,
		     struct sockaddr_storage *bound)
{
	struct sockaddr_storage a = addr(host, 0);
	int id = sip_transport_listen(t, proto, &a, 0);

	assert_true(id > 0);
	assert_int_equal(sip_transport_listener_addr(t, id, bound), 0);
	assert_int_not_equal(sip_util_sockaddr_port(bound), 0);
	return id;
}

static void udp_round_trip(const char *host)
{
	struct evloop *loop = evloop_new();
	struct rx_log log = {0};
	struct sip_transport *t = new_transport(loop, &log, NULL);
	struct sockaddr_storage a, b;
	struct sip_transport_stats st;

	listen_on(t, SIP_PROTO_UDP, host, &a);
	listen_on(t, SIP_PROTO_UDP, host, &b);
	assert_int_equal(sip_transport_send(t, SIP_PROTO_UDP, &a, &b, msg1, strlen(msg1)), 0);
	run_until(loop, &log.n, 1);
	assert_int_equal(log.len[0], strlen(msg1));
	assert_memory_equal(log.text[0], msg1, strlen(msg1));
	assert_int_equal(log.proto[0], SIP_PROTO_UDP);
	assert_int_equal(log.conn[0], 0);
	assert_true(sip_util_sockaddr_equal(&log.local[0], &b));
	assert_true(sip_util_sockaddr_equal(&log.peer[0], &a)); /* sent from the named socket */
	sip_transport_get_stats(t, &st);
	assert_int_equal(st.tx_udp, 1);
	assert_int_equal(st.rx_udp, 1);
	sip_transport_free(t);
	evloop_free(loop);
}

static void test_sip_transport_udp_ipv4(void **state)
{
	udp_round_trip("127.0.0.1");
}

static void test_sip_transport_udp_ipv6(void **state)
{
	if (!have_ipv6())
		skip();
	udp_round_trip("::1");
}

static void test_sip_transport_udp_wildcard_socket_sets_source(void **state)
{
	struct evloop *loop = evloop_new();
	struct rx_log log = {0};
	struct sip_transport *t = new_transport(loop, &log, NULL);
	struct sockaddr_storage any, b, from;

	listen_on(t, SIP_PROTO_UDP, "0.0.0.0", &any);
	listen_on(t, SIP_PROTO_UDP, "127.0.0.1", &b);
	from = addr("127.0.0.2", sip_util_sockaddr_port(&any));
	assert_int_equal(sip_transport_send(t, SIP_PROTO_UDP, &from, &b, msg1, strlen(msg1)), 0);
	run_until(loop, &log.n, 1);
	assert_true(sip_util_sockaddr_equal(&log.peer[0], &from));
	/* And back: the wildcard socket reports the address the datagram came to. */
	assert_int_equal(sip_transport_send(t, SIP_PROTO_UDP, &b, &from, msg2, strlen(msg2)), 0);
	run_until(loop, &log.n, 2);
	assert_true(sip_util_sockaddr_equal(&log.local[1], &from));
	sip_transport_free(t);
	evloop_free(loop);
}

static void test_sip_transport_udp_drops_are_counted(void **state)
{
	struct sip_transport_config cfg = {.max_msg = 1000};
	struct evloop *loop = evloop_new();
	struct rx_log log = {0};
	struct sip_transport *t = new_transport(loop, &log, &cfg);
	struct sockaddr_storage b, nowhere = addr("127.0.0.1", 9);
	struct sip_transport_stats st;
	char big[2000];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	listen_on(t, SIP_PROTO_UDP, "127.0.0.1", &b);
	memset(big, 'x', sizeof(big));
	assert_int_equal(
		sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&b, sizeof(struct sockaddr_in)),
		(ssize_t)sizeof(big));
	assert_int_equal(
		sendto(fd, CRLF CRLF, 4, 0, (struct sockaddr *)&b, sizeof(struct sockaddr_in)), 4);
	assert_int_equal(sendto(fd, msg1, strlen(msg1), 0, (struct sockaddr *)&b,
				sizeof(struct sockaddr_in)),
			 (ssize_t)strlen(msg1));
	run_until(loop, &log.n, 1);
	assert_int_equal(sip_transport_send(t, SIP_PROTO_UDP, &nowhere, &b, msg1, strlen(msg1)),
			 -EADDRNOTAVAIL);
	assert_int_equal(sip_transport_send(t, SIP_PROTO_UDP, NULL, &b, big, sizeof(big)),
			 -EMSGSIZE);
	sip_transport_get_stats(t, &st);
	assert_int_equal(st.drop_udp_oversize, 1);
	assert_int_equal(st.rx_keepalive, 1);
	assert_int_equal(st.rx_udp, 1);
	assert_int_equal(st.drop_tx_no_socket, 1);
	close(fd);
	sip_transport_free(t);
	evloop_free(loop);
}

static void tcp_round_trip(const char *host)
{
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0}, clog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, NULL);
	struct sip_transport *cli = new_transport(loop, &clog, NULL);
	struct sockaddr_storage s, peer;
	struct sip_transport_stats st;

	listen_on(srv, SIP_PROTO_TCP, host, &s);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, NULL, &s, msg1, strlen(msg1)), 0);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, NULL, &s, msg2, strlen(msg2)), 0);
	run_until(loop, &slog.n, 2);
	assert_memory_equal(slog.text[0], msg1, strlen(msg1));
	assert_memory_equal(slog.text[1], msg2, strlen(msg2));
	assert_int_equal(slog.proto[0], SIP_PROTO_TCP);
	assert_int_not_equal(slog.conn[0], 0);
	assert_int_equal(slog.conn[0], slog.conn[1]);
	assert_true(sip_util_sockaddr_equal(&slog.local[0], &s));
	/* The reply goes back on the same connection. */
	assert_int_equal(sip_transport_send_conn(srv, slog.conn[0], msg2, strlen(msg2)), 0);
	run_until(loop, &clog.n, 1);
	assert_true(sip_util_sockaddr_equal(&clog.peer[0], &s));
	assert_int_equal(sip_transport_conn_addrs(cli, clog.conn[0], &peer, NULL), 0);
	assert_true(sip_util_sockaddr_equal(&peer, &slog.peer[0]));
	sip_transport_get_stats(cli, &st);
	assert_int_equal(st.tcp_connected, 1); /* the second message reused the connection */
	assert_int_equal(st.tx_tcp, 2);
	assert_int_equal(st.tcp_open, 1);
	sip_transport_get_stats(srv, &st);
	assert_int_equal(st.tcp_accepted, 1);
	assert_int_equal(st.rx_tcp, 2);
	assert_int_equal(clog.ups, 1);
	assert_int_equal(slog.ups, 1);
	sip_transport_free(cli);
	sip_transport_free(srv);
	evloop_free(loop);
}

static void test_sip_transport_tcp_ipv4(void **state)
{
	tcp_round_trip("127.0.0.1");
}

static void test_sip_transport_tcp_ipv6(void **state)
{
	if (!have_ipv6())
		skip();
	tcp_round_trip("::1");
}

/* A free TCP port on 127.0.0.1 (bound and released). */
static uint16_t free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void test_sip_transport_tcp_from_named_local_port(void **state)
{
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0}, clog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, NULL);
	struct sip_transport *cli = new_transport(loop, &clog, NULL);
	struct sockaddr_storage s, local = addr("127.0.0.1", free_port()), other;
	struct sip_transport_stats st;

	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, &local, &s, msg1, strlen(msg1)), 0);
	run_until(loop, &slog.n, 1);
	assert_true(sip_util_sockaddr_equal(&slog.peer[0], &local));
	/* Another local port to the same peer is another connection. */
	other = addr("127.0.0.1", free_port());
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, &other, &s, msg1, strlen(msg1)), 0);
	run_until(loop, &slog.n, 2);
	assert_true(sip_util_sockaddr_equal(&slog.peer[1], &other));
	assert_int_not_equal(slog.conn[0], slog.conn[1]);
	sip_transport_get_stats(cli, &st);
	assert_int_equal(st.tcp_connected, 2);
	sip_transport_free(cli);
	sip_transport_free(srv);
	evloop_free(loop);
}

/* Closing by local port takes exactly that port's connections; the peer sees each close. */
static void test_sip_transport_close_port(void **state)
{
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0}, clog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, NULL);
	struct sip_transport *cli = new_transport(loop, &clog, NULL);
	uint16_t port_a = free_port(), port_b = free_port();
	struct sockaddr_storage s, a = addr("127.0.0.1", port_a), b = addr("127.0.0.1", port_b);
	struct sip_transport_stats st;

	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, &a, &s, msg1, strlen(msg1)), 0);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, &b, &s, msg1, strlen(msg1)), 0);
	run_until(loop, &slog.n, 2);
	assert_int_equal(sip_transport_close_port(cli, port_a, false), 1);
	assert_int_equal(sip_transport_close_port(cli, port_a, false), 0);
	run_until(loop, &slog.downs, 1);
	sip_transport_get_stats(cli, &st);
	assert_int_equal(st.tcp_open, 1);
	/* the one left is port b's: it still carries a message */
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, &b, &s, msg1, strlen(msg1)), 0);
	run_until(loop, &slog.n, 3);
	assert_true(sip_util_sockaddr_equal(&slog.peer[2], &b));
	assert_int_equal(sip_transport_close_port(cli, 0, true), 1);
	run_until(loop, &slog.downs, 2);
	sip_transport_get_stats(cli, &st);
	assert_int_equal(st.tcp_open, 0);
	sip_transport_free(cli);
	sip_transport_free(srv);
	evloop_free(loop);
}

/* A plain client socket connected to @s, non-blocking. */
static int raw_connect(const struct sockaddr_storage *s)
{
	int fd = socket(s->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_true(connect(fd, (const struct sockaddr *)s, sizeof(struct sockaddr_in)) == 0 ||
		    errno == EINPROGRESS);
	return fd;
}

/* Read what the server sent (after running the loop a little); 0 means it closed. */
static ssize_t raw_read(struct evloop *loop, int fd, char *buf, size_t size)
{
	ssize_t n = -1;
	int i;

	for (i = 0; i < 200 && n < 0; i++) {
		evloop_run_once(loop, 5);
		n = recv(fd, buf, size, MSG_DONTWAIT);
	}
	return n;
}

static void test_sip_transport_tcp_fragments_pings_and_pipelining(void **state)
{
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, NULL);
	struct sockaddr_storage s;
	char all[512], buf[16];
	size_t n, cut1 = 10, cut2 = 50;
	int fd;

	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	fd = raw_connect(&s);
	run_for(loop, 5);
	/* One message in three segments. */
	assert_int_equal(send(fd, msg1, cut1, 0), (ssize_t)cut1);
	run_for(loop, 5);
	assert_int_equal(send(fd, msg1 + cut1, cut2 - cut1, 0), (ssize_t)(cut2 - cut1));
	run_for(loop, 5);
	assert_int_equal(slog.n, 0);
	assert_int_equal(send(fd, msg1 + cut2, strlen(msg1) - cut2, 0),
			 (ssize_t)(strlen(msg1) - cut2));
	run_until(loop, &slog.n, 1);
	/* A ping is answered with CRLF; two messages in one segment make two callbacks. */
	assert_int_equal(send(fd, CRLF CRLF, 4, 0), 4);
	assert_int_equal(raw_read(loop, fd, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, CRLF, 2);
	n = (size_t)snprintf(all, sizeof(all), "%s%s", msg2, msg1);
	assert_int_equal(send(fd, all, n, 0), (ssize_t)n);
	run_until(loop, &slog.n, 3);
	assert_memory_equal(slog.text[1], msg2, strlen(msg2));
	assert_memory_equal(slog.text[2], msg1, strlen(msg1));
	close(fd);
	run_until(loop, &slog.downs, 1);
	assert_int_equal(slog.last_reason, 0);
	sip_transport_free(srv);
	evloop_free(loop);
}

static void bad_stream(const char *text, int reason)
{
	struct sip_transport_config cfg = {.max_msg = 1000};
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, &cfg);
	struct sockaddr_storage s;
	struct sip_transport_stats st;
	char buf[16];
	int fd;

	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	fd = raw_connect(&s);
	run_for(loop, 5);
	assert_int_equal(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	assert_int_equal(raw_read(loop, fd, buf, sizeof(buf)), 0); /* the server hung up */
	assert_int_equal(slog.last_reason, reason);
	sip_transport_get_stats(srv, &st);
	assert_int_equal(st.drop_tcp_oversize, reason == -EMSGSIZE);
	assert_int_equal(st.drop_tcp_malformed, reason == -EBADMSG);
	assert_int_equal(st.tcp_open, 0);
	assert_int_equal(slog.n, 0);
	close(fd);
	sip_transport_free(srv);
	evloop_free(loop);
}

static void test_sip_transport_tcp_oversize_and_malformed_close(void **state)
{
	bad_stream("MESSAGE sip:b@h SIP/2.0" CRLF "Content-Length: 5000" CRLF CRLF, -EMSGSIZE);
	bad_stream("MESSAGE sip:b@h SIP/2.0" CRLF "CSeq: 1 MESSAGE" CRLF CRLF, -EBADMSG);
}

static void test_sip_transport_tcp_idle_timeout(void **state)
{
	struct sip_transport_config cfg = {.idle_ms = 30};
	struct evloop *loop = evloop_new();
	struct rx_log slog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, &cfg);
	struct sockaddr_storage s;
	struct sip_transport_stats st;
	int fd;

	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	fd = raw_connect(&s);
	run_until(loop, &slog.ups, 1);
	run_until(loop, &slog.downs, 1);
	assert_int_equal(slog.last_reason, -ETIMEDOUT);
	sip_transport_get_stats(srv, &st);
	assert_int_equal(st.tcp_closed_idle, 1);
	assert_int_equal(st.tcp_open, 0);
	close(fd);
	sip_transport_free(srv);
	evloop_free(loop);
}

static void test_sip_transport_tcp_refused_and_close_in_callback(void **state)
{
	struct evloop *loop = evloop_new();
	struct rx_log slog = {.close_on_rx = true}, clog = {0};
	struct sip_transport *srv = new_transport(loop, &slog, NULL);
	struct sip_transport *cli = new_transport(loop, &clog, NULL);
	struct sockaddr_storage s, closed = addr("127.0.0.1", free_port());
	struct sip_transport_stats st;
	char all[512];
	int n;

	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, NULL, &closed, msg1, strlen(msg1)),
			 0);
	run_until(loop, &clog.downs, 1);
	assert_int_equal(clog.last_reason, -ECONNREFUSED);
	sip_transport_get_stats(cli, &st);
	assert_int_equal(st.tcp_connect_failed, 1);

	/* Two messages in one segment; the first callback closes: the second is not delivered. */
	listen_on(srv, SIP_PROTO_TCP, "127.0.0.1", &s);
	n = snprintf(all, sizeof(all), "%s%s", msg1, msg1);
	assert_int_equal(sip_transport_send(cli, SIP_PROTO_TCP, NULL, &s, all, (size_t)n), 0);
	run_until(loop, &slog.downs, 1);
	assert_int_equal(slog.n, 1);
	assert_int_equal(slog.last_reason, 0);
	run_until(loop, &clog.downs, 2);
	assert_int_equal(sip_transport_send_conn(srv, slog.conn[0], msg1, strlen(msg1)), -ENOTCONN);
	assert_int_equal(sip_transport_close_conn(srv, slog.conn[0]), -ENOENT);
	sip_transport_free(cli);
	sip_transport_free(srv);
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_stream_split_at_every_byte),
		cmocka_unit_test(test_sip_stream_byte_at_a_time_and_all_at_once),
		cmocka_unit_test(test_sip_stream_malformed_and_oversize),
		cmocka_unit_test(test_sip_stream_refuses_unbounded_buffering),
		cmocka_unit_test(test_sip_transport_udp_ipv4),
		cmocka_unit_test(test_sip_transport_udp_ipv6),
		cmocka_unit_test(test_sip_transport_udp_wildcard_socket_sets_source),
		cmocka_unit_test(test_sip_transport_udp_drops_are_counted),
		cmocka_unit_test(test_sip_transport_tcp_ipv4),
		cmocka_unit_test(test_sip_transport_tcp_ipv6),
		cmocka_unit_test(test_sip_transport_tcp_from_named_local_port),
		cmocka_unit_test(test_sip_transport_close_port),
		cmocka_unit_test(test_sip_transport_tcp_fragments_pings_and_pipelining),
		cmocka_unit_test(test_sip_transport_tcp_oversize_and_malformed_close),
		cmocka_unit_test(test_sip_transport_tcp_idle_timeout),
		cmocka_unit_test(test_sip_transport_tcp_refused_and_close_in_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
