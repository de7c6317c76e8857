/*
 * labtool — small network probes for the lab's tests.
 *
 *   labtool udp-send [-f] [-s SRC] [-p SPORT] DST PORT MESSAGE [COUNT]
 *   labtool udp-recv ADDR PORT COUNT TIMEOUT_MS
 *   labtool esp-inject DST SPI SEQ [LEN]
 *   labtool udp-echo ADDR PORT SECONDS
 *   labtool udp-rtt [-s SRC] [-p SPORT] DST PORT SECONDS
 *
 * udp-send -f may use a source address
 * the host does not have (IP_FREEBIND), as a spoofing attacker would. udp-recv binds ADDR:PORT, waits until COUNT datagrams arrived or TIMEOUT_MS
 * passed, prints "received N" and exits 0 if N == COUNT, 1 otherwise. COUNT 0
 * asserts that nothing arrives. esp-inject sends one ESP packet with the given
 * SPI and sequence number whose payload and ICV are random bytes: a forgery
 * the receiving kernel must reject. udp-echo answers every datagram from the socket it
 * arrived on; udp-rtt sends one datagram at a time and waits for its echo, for SECONDS,
 * and prints "round_trips=N seconds=S rt_per_s=R" (benchmarks only: it asserts nothing).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Set by -f: bind to a source address this host does not have (a spoofer's view). */
static bool labtool_freebind;

static int labtool_sockaddr(const char *addr, unsigned port, struct sockaddr_storage *ss,
			    socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	fprintf(stderr, "labtool: %s is not an IPv4 or IPv6 address\n", addr);
	return -1;
}

static unsigned labtool_number(const char *text, const char *what)
{
	char *end;
	unsigned long value = strtoul(text, &end, 0);

	if (*text == '\0' || *end != '\0' || value > 0xffffffffUL) {
		fprintf(stderr, "labtool: %s '%s' is not a number\n", what, text);
		exit(2);
	}
	return (unsigned)value;
}

static long labtool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int labtool_bind_source(int fd, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len;

	int one = 1;

	if (labtool_sockaddr(addr, port, &ss, &len) < 0)
		return -1;
	if (labtool_freebind && setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0) {
		fprintf(stderr, "labtool: setsockopt(IP_FREEBIND): %s\n", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "labtool: bind(%s port %u): %s\n", addr, port, strerror(errno));
		return -1;
	}
	return 0;
}

/* Take "-f", "-s SRC" and "-p SPORT" from the front of the arguments. */
static void labtool_source_options(int *argc, char ***argv, const char **source, unsigned *port)
{
	for (; *argc >= 2 && strcmp((*argv)[1], "-f") == 0; (*argc)--, (*argv)++)
		labtool_freebind = true;
	while (*argc >= 3 && (strcmp((*argv)[1], "-s") == 0 || strcmp((*argv)[1], "-p") == 0)) {
		if ((*argv)[1][1] == 's')
			*source = (*argv)[2];
		else
			*port = labtool_number((*argv)[2], "source port");
		*argc -= 2;
		*argv += 2;
	}
}

static int labtool_udp_send(int argc, char **argv)
{
	struct sockaddr_storage dst;
	socklen_t dst_len;
	const char *source = NULL;
	unsigned count = 1, source_port = 0;
	int fd;

	labtool_source_options(&argc, &argv, &source, &source_port);
	if (argc < 4)
		return 2;
	if (argc >= 5)
		count = labtool_number(argv[4], "count");
	if (labtool_sockaddr(argv[1], labtool_number(argv[2], "port"), &dst, &dst_len) < 0)
		return 2;
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || ((source || source_port) &&
			labtool_bind_source(fd, source ? source : (dst.ss_family == AF_INET6 ? "::" : "0.0.0.0"), source_port) < 0))
		return 1;
	for (unsigned i = 0; i < count; i++) {
		if (sendto(fd, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&dst, dst_len) < 0) {
			fprintf(stderr, "labtool: sendto(%s): %s\n", argv[1], strerror(errno));
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int labtool_udp_recv(int argc, char **argv)
{
	struct sockaddr_storage local;
	socklen_t local_len;
	unsigned expected, received = 0;
	long deadline;
	int fd;

	if (argc != 5)
		return 2;
	if (labtool_sockaddr(argv[1], labtool_number(argv[2], "port"), &local, &local_len) < 0)
		return 2;
	expected = labtool_number(argv[3], "count");
	deadline = labtool_now_ms() + labtool_number(argv[4], "timeout");
	fd = socket(local.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, local_len) < 0) {
		fprintf(stderr, "labtool: bind(%s port %s): %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	/* Tell a waiting test that the socket is bound. */
	printf("listening\n");
	fflush(stdout);
	while (labtool_now_ms() < deadline && (expected == 0 || received < expected)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[2048];

		if (poll(&pfd, 1, (int)(deadline - labtool_now_ms())) <= 0)
			continue;
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			received++;
	}
	close(fd);
	printf("received %u\n", received);
	return received == expected ? 0 : 1;
}

static int labtool_esp_inject(int argc, char **argv)
{
	struct sockaddr_storage dst;
	socklen_t dst_len;
	unsigned char packet[512];
	unsigned len = 64, spi, seq;
	int fd, ret = 1;

	if (argc < 4)
		return 2;
	if (labtool_sockaddr(argv[1], 0, &dst, &dst_len) < 0)
		return 2;
	spi = labtool_number(argv[2], "spi");
	seq = labtool_number(argv[3], "sequence number");
	if (argc >= 5)
		len = labtool_number(argv[4], "length");
	if (len < 8 + 16 || len > sizeof(packet)) {
		fprintf(stderr, "labtool: length must be 24..%zu\n", sizeof(packet));
		return 2;
	}
	if (getrandom(packet, len, 0) != (ssize_t)len)
		return 1;
	spi = htonl(spi);
	seq = htonl(seq);
	memcpy(packet, &spi, 4);
	memcpy(packet + 4, &seq, 4);
	fd = socket(dst.ss_family, SOCK_RAW, IPPROTO_ESP);
	if (fd < 0) {
		fprintf(stderr, "labtool: socket(SOCK_RAW, IPPROTO_ESP): %s\n", strerror(errno));
		return 1;
	}
	if (sendto(fd, packet, len, 0, (struct sockaddr *)&dst, dst_len) == (ssize_t)len)
		ret = 0;
	else
		fprintf(stderr, "labtool: sendto(%s): %s\n", argv[1], strerror(errno));
	close(fd);
	return ret;
}

static int labtool_udp_echo(int argc, char **argv)
{
	struct sockaddr_storage local;
	socklen_t local_len;
	long deadline;
	int fd;

	if (argc != 4 || labtool_sockaddr(argv[1], labtool_number(argv[2], "port"), &local, &local_len) < 0)
		return 2;
	deadline = labtool_now_ms() + 1000L * labtool_number(argv[3], "seconds");
	fd = socket(local.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, local_len) < 0) {
		fprintf(stderr, "labtool: bind(%s port %s): %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (labtool_now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof(peer);
		char buf[2048];
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &peer_len);
		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, peer_len);
	}
	close(fd);
	return 0;
}

static int labtool_udp_rtt(int argc, char **argv)
{
	struct sockaddr_storage dst;
	socklen_t dst_len;
	const char *source = NULL;
	unsigned source_port = 0, trips = 0, lost = 0;
	long start, deadline;
	int fd;

	labtool_source_options(&argc, &argv, &source, &source_port);
	if (argc != 4 || labtool_sockaddr(argv[1], labtool_number(argv[2], "port"), &dst, &dst_len) < 0)
		return 2;
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || labtool_bind_source(fd, source ? source : (dst.ss_family == AF_INET6 ? "::" : "0.0.0.0"),
					  source_port) < 0 ||
	    connect(fd, (struct sockaddr *)&dst, dst_len) < 0)
		return 1;
	start = labtool_now_ms();
	deadline = start + 1000L * labtool_number(argv[3], "seconds");
	while (labtool_now_ms() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[64] = "OPTIONS sip:bench SIP/2.0 (round trip probe)";

		if (send(fd, buf, strlen(buf), 0) < 0 || poll(&pfd, 1, 100) <= 0 || recv(fd, buf, sizeof(buf), 0) < 0) {
			lost++;
			continue;
		}
		trips++;
	}
	double seconds = (double)(labtool_now_ms() - start) / 1000.0;
	printf("round_trips=%u lost=%u seconds=%.2f rt_per_s=%.0f\n", trips, lost, seconds, trips / seconds);
	close(fd);
	return trips ? 0 : 1;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2 && strcmp(argv[1], "udp-send") == 0)
		ret = labtool_udp_send(argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "udp-recv") == 0)
		ret = labtool_udp_recv(argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "esp-inject") == 0)
		ret = labtool_esp_inject(argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "udp-echo") == 0)
		ret = labtool_udp_echo(argc - 1, argv + 1);
	else if (argc >= 2 && strcmp(argv[1], "udp-rtt") == 0)
		ret = labtool_udp_rtt(argc - 1, argv + 1);
	if (ret == 2)
		fprintf(stderr, "usage: labtool udp-send [-f] [-s SRC] [-p SPORT] DST PORT MESSAGE [COUNT]\n"
				"       labtool udp-recv ADDR PORT COUNT TIMEOUT_MS\n"
				"       labtool esp-inject DST SPI SEQ [LEN]\n"
				"       labtool udp-echo ADDR PORT SECONDS\n"
				"       labtool udp-rtt [-s SRC] [-p SPORT] DST PORT SECONDS\n");
	return ret;
}
