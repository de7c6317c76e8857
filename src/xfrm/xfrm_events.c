/*
 * xfrm_events.c — ACQUIRE and EXPIRE from the kernel, parsed with <linux/xfrm.h>
 * (libnl-xfrm 3.7 has no ACQUIRE and reads EXPIRE at the wrong offset).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xfrm/xfrm_internal.h"

struct xfrm_events {
	int fd;
	unsigned char buf[64 * 1024];
};

int xfrm_events_open(struct xfrm_events **out)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	struct xfrm_events *events = calloc(1, sizeof(*events));
	int err;

	*out = NULL;
	if (!events)
		return -ENOMEM;
	events->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_XFRM);
	if (events->fd < 0) {
		err = -errno;
		free(events);
		return err;
	}
	local.nl_groups = (1u << (XFRMNLGRP_ACQUIRE - 1)) | (1u << (XFRMNLGRP_EXPIRE - 1));
	if (bind(events->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		err = -errno;
		close(events->fd);
		free(events);
		return err;
	}
	*out = events;
	return 0;
}

int xfrm_events_fd(const struct xfrm_events *events)
{
	return events->fd;
}

void xfrm_events_close(struct xfrm_events *events)
{
	if (!events)
		return;
	close(events->fd);
	explicit_bzero(events->buf, sizeof(events->buf));
	free(events);
}

/* @return true when @p nlh was an event we understand, filled into @p event */
static bool xfrm_events_parse(const struct nlmsghdr *nlh, struct xfrm_event *event)
{
	memset(event, 0, sizeof(*event));
	if (nlh->nlmsg_type == XFRM_MSG_ACQUIRE &&
	    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct xfrm_user_acquire))) {
		const struct xfrm_user_acquire *acq = NLMSG_DATA(nlh);

		event->type = XFRM_EVENT_ACQUIRE;
		xfrm_addr_from_kernel(&acq->id.daddr, acq->sel.family, &event->addr);
		xfrm_addr_from_kernel(&acq->saddr, acq->sel.family, &event->src);
		event->reqid = xfrm_nl_tmpl_reqid(nlh, sizeof(*acq));
		return true;
	}
	if (nlh->nlmsg_type == XFRM_MSG_EXPIRE &&
	    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct xfrm_user_expire))) {
		const struct xfrm_user_expire *exp = NLMSG_DATA(nlh);

		event->type = XFRM_EVENT_EXPIRE;
		xfrm_addr_from_kernel(&exp->state.id.daddr, exp->state.family, &event->addr);
		event->spi = ntohl(exp->state.id.spi);
		event->reqid = exp->state.reqid;
		event->hard = exp->hard != 0;
		return true;
	}
	return false;
}

int xfrm_events_read(struct xfrm_events *events,
		     void (*fn)(void *arg, const struct xfrm_event *event), void *arg)
{
	int count = 0;

	for (;;) {
		ssize_t len = recv(events->fd, events->buf, sizeof(events->buf), 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)events->buf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (len < 0)
			return -errno;
		for (; NLMSG_OK(nlh, (size_t)len); nlh = NLMSG_NEXT(nlh, len)) {
			struct xfrm_event event;

			if (xfrm_events_parse(nlh, &event)) {
				fn(arg, &event);
				count++;
			}
		}
		/* EXPIRE carries the SA, keys included. */
		explicit_bzero(events->buf, (size_t)len);
	}
	return count;
}
