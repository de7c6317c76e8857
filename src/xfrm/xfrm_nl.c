/*
 * xfrm_nl.c — batched xfrm netlink requests, each acknowledged and checked.
 *
 * The kernel processes every message of one sendmsg in order and answers each one
 * that asked for it (NLM_F_ACK) with an NLMSG_ERROR carrying 0 or -errno, so a batch
 * costs one system call per window instead of two per request, and no answer is ever
 * left unread for the next call to stumble on.
 */
#include "config.h"

#include "xfrm/xfrm_nl.h"

#include <errno.h>
#include <linux/xfrm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Large enough for a dump chunk and for a window of requests. */
#define XFRM_NL_BUF_LEN (256 * 1024)
/* Requests are packed into one sendmsg up to this many bytes. */
#define XFRM_NL_SEND_MAX (64 * 1024)

int xfrm_nl_fail(struct xfrm_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->error, sizeof(nl->error), fmt, ap);
	va_end(ap);
	return err;
}

static int xfrm_nl_setopt(int fd, int opt)
{
	int one = 1;

	return setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one)) < 0 ? -errno : 0;
}

int xfrm_nl_open(struct xfrm_nl *nl, unsigned window)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->window = window ? window : 128;
	nl->sock = nl_socket_alloc();
	nl->buf = calloc(1, XFRM_NL_BUF_LEN);
	if (!nl->sock || !nl->buf) {
		xfrm_nl_close(nl);
		return xfrm_nl_fail(nl, -ENOMEM, "cannot allocate the netlink socket");
	}
	nl_socket_disable_seq_check(nl->sock);
	err = nl_connect(nl->sock, NETLINK_XFRM);
	if (err < 0) {
		xfrm_nl_close(nl);
		return xfrm_nl_fail(nl, -EPROTONOSUPPORT,
				    "cannot open NETLINK_XFRM (is xfrm_user loaded?): %s",
				    nl_geterror(err));
	}
	nl->fd = nl_socket_get_fd(nl->sock);
	nl->buf_len = XFRM_NL_BUF_LEN;
	/* Answers to a whole window must fit in the receive queue. */
	nl_socket_set_buffer_size(nl->sock, 4 * 1024 * 1024, 1024 * 1024);
	/* The kernel's own error text; and no echo of our request (it holds keys). */
	if ((err = xfrm_nl_setopt(nl->fd, NETLINK_EXT_ACK)) < 0 ||
	    (err = xfrm_nl_setopt(nl->fd, NETLINK_CAP_ACK)) < 0) {
		xfrm_nl_close(nl);
		return xfrm_nl_fail(nl, err, "setsockopt(NETLINK_EXT_ACK/CAP_ACK): %s",
				    strerror(-err));
	}
	return 0;
}

void xfrm_nl_close(struct xfrm_nl *nl)
{
	if (nl->buf) {
		explicit_bzero(nl->buf, XFRM_NL_BUF_LEN);
		free(nl->buf);
	}
	if (nl->sock)
		nl_socket_free(nl->sock);
	nl->buf = NULL;
	nl->sock = NULL;
}

static void xfrm_nl_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

struct xfrm_req *xfrm_batch_add(struct xfrm_batch *batch, struct nl_msg *msg, const char *fmt, ...)
{
	struct xfrm_req *req;
	va_list ap;

	if (!msg)
		return NULL;
	if (batch->n == batch->cap) {
		size_t cap = batch->cap ? batch->cap * 2 : 16;
		struct xfrm_req *reqs = realloc(batch->reqs, cap * sizeof(*reqs));

		if (!reqs) {
			xfrm_nl_msg_free(msg);
			return NULL;
		}
		batch->reqs = reqs;
		batch->cap = cap;
	}
	req = &batch->reqs[batch->n++];
	memset(req, 0, sizeof(*req));
	req->msg = msg;
	va_start(ap, fmt);
	vsnprintf(req->what, sizeof(req->what), fmt, ap);
	va_end(ap);
	return req;
}

void xfrm_batch_clear(struct xfrm_batch *batch)
{
	for (size_t i = 0; i < batch->n; i++)
		if (batch->reqs[i].msg)
			xfrm_nl_msg_free(batch->reqs[i].msg);
	free(batch->reqs);
	memset(batch, 0, sizeof(*batch));
}

/* Pack requests [first, *next) into the buffer: as many as fit and the window allows. */
static size_t xfrm_nl_pack(struct xfrm_nl *nl, struct xfrm_batch *batch, size_t first,
			   size_t limit, uint32_t seq_base, size_t *next)
{
	size_t len = 0, i;

	for (i = first; i < limit; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(batch->reqs[i].msg);
		size_t msg_len = NLMSG_ALIGN(nlh->nlmsg_len);

		if (len + msg_len > XFRM_NL_SEND_MAX && i > first)
			break;
		nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = seq_base + (uint32_t)i;
		nlh->nlmsg_pid = 0;
		memcpy(nl->buf + len, nlh, nlh->nlmsg_len);
		memset(nl->buf + len + nlh->nlmsg_len, 0, msg_len - nlh->nlmsg_len);
		len += msg_len;
	}
	*next = i;
	return len;
}

/* The NLMSGERR_ATTR_MSG text of an error answer, if the kernel attached one. */
static void xfrm_nl_ext_ack(const struct nlmsghdr *nlh, char *text, size_t len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t offset = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *nla;

	text[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (offset + NLA_HDRLEN <= nlh->nlmsg_len) {
		nla = (const struct nlattr *)((const char *)nlh + offset);
		if (nla->nla_len < NLA_HDRLEN || offset + nla->nla_len > nlh->nlmsg_len)
			return;
		if ((nla->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(text, len, "%.*s", (int)(nla->nla_len - NLA_HDRLEN),
				 (const char *)nla + NLA_HDRLEN);
			return;
		}
		offset += NLA_ALIGN(nla->nla_len);
	}
}

void xfrm_nl_record(struct xfrm_batch *batch, uint32_t seq_base, const struct nlmsghdr *nlh,
			   size_t *acked)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t i = nlh->nlmsg_seq - seq_base;
	struct xfrm_req *req;

	if (nlh->nlmsg_type != NLMSG_ERROR || i >= batch->n || batch->reqs[i].done)
		return; /* not ours: a stray answer from an earlier, failed call */
	req = &batch->reqs[i];
	req->done = true;
	req->result = e->error;
	if ((req->result == -ENOENT || req->result == -ESRCH) && req->missing_ok)
		req->result = 0;
	if (req->result == -EEXIST && req->exist_ok)
		req->result = 0;
	if (req->result)
		xfrm_nl_ext_ack(nlh, req->kernel_text, sizeof(req->kernel_text));
	(*acked)++;
}

/* Read answers until every request below @p until has one. */
static int xfrm_nl_collect(struct xfrm_nl *nl, struct xfrm_batch *batch, uint32_t seq_base,
			   size_t until, size_t *acked)
{
	while (*acked < until) {
		ssize_t len = recv(nl->fd, nl->buf, nl->buf_len, 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return xfrm_nl_fail(nl, -errno, "reading netlink acknowledgements: %s",
					    strerror(errno));
		for (; NLMSG_OK(nlh, (size_t)len); nlh = NLMSG_NEXT(nlh, len))
			xfrm_nl_record(batch, seq_base, nlh, acked);
	}
	return 0;
}

int xfrm_nl_first_failure(struct xfrm_nl *nl, struct xfrm_batch *batch)
{
	for (size_t i = 0; i < batch->n; i++) {
		struct xfrm_req *req = &batch->reqs[i];

		if (req->result == 0)
			continue;
		return xfrm_nl_fail(nl, req->result, "%s: %s%s%s%s", req->what,
				    strerror(-req->result), req->kernel_text[0] ? " (kernel: " : "",
				    req->kernel_text, req->kernel_text[0] ? ")" : "");
	}
	return 0;
}

int xfrm_nl_run(struct xfrm_nl *nl, struct xfrm_batch *batch)
{
	size_t sent = 0, acked = 0, next;
	uint32_t seq_base = nl->seq + 1;
	int err;

	nl->seq += (uint32_t)batch->n + 1;
	while (sent < batch->n) {
		size_t limit = acked + nl->window < batch->n ? acked + nl->window : batch->n;
		size_t len = xfrm_nl_pack(nl, batch, sent, limit, seq_base, &next);
		ssize_t n = send(nl->fd, nl->buf, len, 0);

		explicit_bzero(nl->buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return xfrm_nl_fail(nl, -errno, "%s: sendmsg: %s", batch->reqs[sent].what,
					    strerror(errno));
		sent = next;
		/* Keep the window full: wait for the older half before sending more. */
		err = xfrm_nl_collect(nl, batch, seq_base,
				      sent < batch->n ? sent - (sent - acked) / 2 : sent, &acked);
		if (err < 0)
			return err;
	}
	return xfrm_nl_first_failure(nl, batch);
}

/* A dump request carries no payload: the kernel parses attributes right after the
 * header (a struct there is "leftover bytes" in its log). */
static int xfrm_nl_dump_request(struct xfrm_nl *nl, int type)
{
	struct nlmsghdr nlh = {
		.nlmsg_len = NLMSG_LENGTH(0),
		.nlmsg_type = (uint16_t)type,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = ++nl->seq,
	};

	return send(nl->fd, &nlh, nlh.nlmsg_len, 0) < 0 ? -errno : 0;
}

int xfrm_nl_dump(struct xfrm_nl *nl, int type, void (*fn)(void *arg, const struct nlmsghdr *nlh),
		 void *arg)
{
	const char *what = type == XFRM_MSG_GETSA ? "SAs" : "policies";
	uint32_t seq;
	int err = xfrm_nl_dump_request(nl, type);

	if (err < 0)
		return xfrm_nl_fail(nl, err, "dump %s: %s", what, strerror(-err));
	seq = nl->seq;
	for (;;) {
		ssize_t len = recv(nl->fd, nl->buf, nl->buf_len, 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			err = xfrm_nl_fail(nl, -errno, "dump %s: %s", what, strerror(errno));
			break;
		}
		for (; NLMSG_OK(nlh, (size_t)len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				err = xfrm_nl_fail(nl, e->error, "dump %s: %s", what,
						   strerror(-e->error));
				goto out;
			}
			fn(arg, nlh);
		}
	}
out:
	explicit_bzero(nl->buf, nl->buf_len);
	return err;
}

uint32_t xfrm_nl_tmpl_reqid(const struct nlmsghdr *nlh, size_t fixed)
{
	size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(fixed);

	while (offset + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *nla = (const struct nlattr *)((const char *)nlh + offset);

		if (nla->nla_len < NLA_HDRLEN || offset + nla->nla_len > nlh->nlmsg_len)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == XFRMA_TMPL &&
		    nla->nla_len >= NLA_HDRLEN + sizeof(struct xfrm_user_tmpl))
			return ((const struct xfrm_user_tmpl *)((const char *)nla + NLA_HDRLEN))->reqid;
		offset += NLA_ALIGN(nla->nla_len);
	}
	return 0;
}
