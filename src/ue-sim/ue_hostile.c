/*
 * ue_hostile.c — attacks a UE makes on its own P-CSCF, for tests that the P-CSCF (and the
 * kernel under it) refuse them:
 *
 *   plaintext    a request in clear to the P-CSCF's protected server port, from the UE's
 *                registered address. The UE's own policies would encrypt anything between
 *                its protected ports and the P-CSCF's, so the request goes from a socket
 *                with a per-socket bypass policy (IP[V6]_XFRM_POLICY: allow, no template);
 *                the source port is one the UE does not hold (its own are bound).
 *   capture-esp  an AF_PACKET socket on the UE's interface keeps the first ESP packet the
 *                UE sends to the P-CSCF after the step;
 *   replay-esp   sends that frame again, byte for byte, on the same interface: only the
 *                P-CSCF kernel's anti-replay window stands in its way.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/xfrm.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ue-sim/ue.h"
#include "ue-sim/ue_addr.h"
#include "ue-sim/ue_forge.h"

#define UE_HOSTILE_PLAIN_MS  3000 /* how long plaintext waits for an answer without timeout= */
#define UE_HOSTILE_FRAME_MAX 2048

/* A UE's attack state (one plaintext request and one capture at a time). */
struct ue_hostile {
	struct ue *ue;
	int plain_fd;
	char *plain_buf;
	size_t plain_len;
	struct sockaddr_storage plain_peer;
	unsigned interval_ms;
	uint64_t retrans_timer, timeout_timer;
	int cap_fd;
	int cap_ifindex;
	uint8_t frame[UE_HOSTILE_FRAME_MAX];
	size_t frame_len;
	uint32_t spi, seq;
};

static struct ue_hostile *ue_hostile_get(struct ue *ue)
{
	if (!ue->hostile && (ue->hostile = calloc(1, sizeof(*ue->hostile)))) {
		ue->hostile->ue = ue;
		ue->hostile->plain_fd = ue->hostile->cap_fd = -1;
	}
	return ue->hostile;
}

static void ue_hostile_close(struct evloop *loop, int *fd)
{
	if (*fd < 0)
		return;
	evloop_del_fd(loop, *fd);
	close(*fd);
	*fd = -1;
}

/* ---- plaintext ---- */

static void ue_hostile_plain_end(struct ue_hostile *h)
{
	struct evloop *loop = h->ue->sim->loop;

	evloop_timer_cancel(loop, h->retrans_timer);
	evloop_timer_cancel(loop, h->timeout_timer);
	h->retrans_timer = h->timeout_timer = 0;
	ue_hostile_close(loop, &h->plain_fd);
	free(h->plain_buf);
	h->plain_buf = NULL;
}

static void ue_hostile_plain_send(struct ue_hostile *h)
{
	socklen_t len = h->plain_peer.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							    : sizeof(struct sockaddr_in);

	if (sendto(h->plain_fd, h->plain_buf, h->plain_len, 0,
		   (const struct sockaddr *)&h->plain_peer, len) < 0)
		log_info("%s: plaintext: sendto: %s", h->ue->id.name, strerror(errno));
}

static void ue_hostile_plain_retrans(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_hostile *h = arg;

	(void)id;
	ue_hostile_plain_send(h);
	h->interval_ms = h->interval_ms * 2 > UE_T2_MS ? UE_T2_MS : h->interval_ms * 2;
	h->retrans_timer = evloop_timer_add(loop, h->interval_ms, ue_hostile_plain_retrans, h);
}

static void ue_hostile_plain_timeout(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue_hostile *h = arg;

	(void)loop;
	(void)id;
	h->timeout_timer = 0;
	ue_hostile_plain_end(h);
	ue_run_done(h->ue, 0, NULL, "no answer to the clear-text request");
}

/* An answer on the bypass socket: the P-CSCF served what it must not have. */
static void ue_hostile_plain_readable(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct ue_hostile *h = arg;
	char buf[UE_MSG_MAX], status[80];
	struct sip_msg *msg = sip_msg_new();
	struct sip_msg_error err;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	(void)loop;
	(void)events;
	if (msg && n > 0 && sip_msg_parse(msg, buf, (size_t)n, 0, &err) == 0 && !msg->is_request &&
	    msg->status >= 200) {
		ue_status_text(msg, status, sizeof(status));
		ue_hostile_plain_end(h);
		ue_run_done(h->ue, msg->status, status + 4, "the clear-text request was answered");
	}
	sip_msg_free(msg);
}

/* A UDP socket on the UE's address whose packets no xfrm policy of the UE may encrypt. */
static int ue_hostile_bypass_socket(const struct sockaddr_storage *local, uint16_t port)
{
	struct sockaddr_storage addr = *local;
	struct xfrm_userpolicy_info pol;
	int v6 = addr.ss_family == AF_INET6, ret;
	int fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&pol, 0, sizeof(pol));
	pol.sel.family = addr.ss_family;
	pol.dir = XFRM_POLICY_OUT;
	pol.action = XFRM_POLICY_ALLOW;
	if (v6)
		((struct sockaddr_in6 *)&addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&addr)->sin_port = htons(port);
	if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY,
		       &pol, sizeof(pol)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr,
		 v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Open the socket and fill the path the request is written for. */
static int ue_hostile_plain_path(struct ue_hostile *h, const struct ue_step *step,
				 struct ue_path *path)
{
	struct ue *ue = h->ue;
	const struct ue_secset *sa = ue_reg_current_sa(ue);
	socklen_t len = sizeof(path->local);

	if (!sa)
		return -ENOTCONN;
	h->plain_fd = ue_hostile_bypass_socket(&ue->addrs[ue->src], (uint16_t)step->sport);
	if (h->plain_fd < 0)
		return h->plain_fd;
	ue_path_request(ue, sa, SIP_PROTO_UDP, path);
	if (getsockname(h->plain_fd, (struct sockaddr *)&path->local, &len) < 0)
		return -errno;
	path->via_port = sip_util_sockaddr_port(&path->local);
	h->plain_peer = path->peer;
	return evloop_add_fd(ue->sim->loop, h->plain_fd, EVLOOP_READ, ue_hostile_plain_readable, h);
}

void ue_hostile_plaintext(struct ue *ue, const struct ue_step *step)
{
	struct ue_hostile *h = ue_hostile_get(ue);
	char buf[UE_MSG_MAX], peer[SIP_UTIL_ADDR_SIZE], local[SIP_UTIL_ADDR_SIZE];
	struct ue_path path;
	int ret, len;

	if (!h)
		return ue_run_done(ue, -1, NULL, "out of memory");
	if (!ue->sim->cfg.have_proxy || ue->sim->cfg.direct)
		return ue_run_done(ue, -1, NULL, "plaintext needs a P-CSCF (--pcscf)");
	ret = ue_hostile_plain_path(h, step, &path);
	if (ret == -ENOTCONN)
		return ue_run_done(ue, -1, NULL, "no SA set: register with sec-agree first");
	len = ret ? ret : ue_call_write_new(ue, step, &path, buf, sizeof(buf));
	if (len < 0 || !(h->plain_buf = malloc((size_t)len))) {
		ue_hostile_plain_end(h);
		return ue_run_done(ue, -1, NULL, "cannot send in clear: %s",
				   strerror(len < 0 ? -len : ENOMEM));
	}
	memcpy(h->plain_buf, buf, (size_t)len);
	h->plain_len = (size_t)len;
	h->interval_ms = UE_T1_MS;
	ue_hostile_plain_send(h);
	h->retrans_timer = evloop_timer_add(ue->sim->loop, UE_T1_MS, ue_hostile_plain_retrans, h);
	h->timeout_timer =
		evloop_timer_add(ue->sim->loop, step->ms ? step->ms : UE_HOSTILE_PLAIN_MS,
				 ue_hostile_plain_timeout, h);
	sip_util_sockaddr_format(&path.local, local, sizeof(local));
	sip_util_sockaddr_format(&path.peer, peer, sizeof(peer));
	log_info("%s: %s in clear from %s to %s", ue->id.name,
		 step->method[0] ? step->method : "MESSAGE", local, peer);
}

/* ---- capture and replay ---- */

static void ue_hostile_cap_readable(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct ue_hostile *h = arg;
	struct ue *ue = h->ue;
	struct sockaddr_ll from;
	socklen_t flen;
	ssize_t n;
	int budget;

	(void)events;
	for (budget = 0; budget < 64; budget++) {
		flen = sizeof(from);
		n = recvfrom(fd, h->frame, sizeof(h->frame), 0, (struct sockaddr *)&from, &flen);
		if (n <= 0)
			return;
		if (from.sll_pkttype != PACKET_OUTGOING ||
		    ue_forge_esp_frame(h->frame, (size_t)n, ue->addrs, ue->n_addrs,
				       &ue->sim->cfg.proxy, &h->spi, &h->seq) != 0)
			continue;
		h->frame_len = (size_t)n;
		log_info("%s: captured ESP spi 0x%08x seq %u (%zd bytes)", ue->id.name, h->spi,
			 h->seq, n);
		ue_hostile_close(loop, &h->cap_fd);
		return;
	}
}

void ue_hostile_capture(struct ue *ue, const struct ue_step *step)
{
	struct ue_hostile *h = ue_hostile_get(ue);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	char name[IF_NAMESIZE] = "?";
	int ifindex = 0, ret;

	(void)step;
	if (!h)
		return ue_run_done(ue, -1, NULL, "out of memory");
	ret = ue_addr_ifindex(&ue->addrs[ue->src], &ifindex);
	ue_hostile_close(ue->sim->loop, &h->cap_fd);
	h->frame_len = 0;
	if (ret == 0 && (h->cap_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
					    htons(ETH_P_ALL))) < 0)
		ret = -errno;
	sll.sll_ifindex = ifindex;
	if (ret == 0 && bind(h->cap_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		ret = -errno;
	if (ret == 0)
		ret = evloop_add_fd(ue->sim->loop, h->cap_fd, EVLOOP_READ, ue_hostile_cap_readable,
				    h);
	if (ret) {
		ue_hostile_close(ue->sim->loop, &h->cap_fd);
		return ue_run_done(ue, -1, NULL, "cannot capture: %s", strerror(-ret));
	}
	h->cap_ifindex = ifindex;
	if_indextoname((unsigned)ifindex, name);
	ue_run_done(ue, 1, NULL, "armed on %s: the next ESP packet to the P-CSCF is kept", name);
}

void ue_hostile_replay(struct ue *ue, const struct ue_step *step)
{
	struct ue_hostile *h = ue->hostile;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_halen = ETH_ALEN};
	unsigned i, count = step->count ? step->count : 1;
	int fd, ret = 0;

	if (!h || !h->frame_len)
		return ue_run_done(ue, -1, NULL,
				   "nothing captured (capture-esp, then send over the SAs)");
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ue_run_done(ue, -1, NULL, "socket(AF_PACKET): %s", strerror(errno));
	sll.sll_ifindex = h->cap_ifindex;
	sll.sll_protocol = htons((uint16_t)(h->frame[12] << 8 | h->frame[13]));
	memcpy(sll.sll_addr, h->frame, ETH_ALEN); /* the frame's own destination */
	for (i = 0; i < count && ret == 0; i++)
		if (sendto(fd, h->frame, h->frame_len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
			ret = -errno;
	close(fd);
	if (ret)
		return ue_run_done(ue, -1, NULL, "sendto(AF_PACKET): %s", strerror(-ret));
	ue_run_done(ue, 1, NULL, "%u x ESP spi 0x%08x seq %u (%zu bytes) sent again", count, h->spi,
		    h->seq, h->frame_len);
}

void ue_hostile_free(struct ue *ue)
{
	struct ue_hostile *h = ue->hostile;

	if (!h)
		return;
	ue_hostile_plain_end(h);
	ue_hostile_close(ue->sim->loop, &h->cap_fd);
	free(h);
	ue->hostile = NULL;
}
