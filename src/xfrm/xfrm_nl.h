/*
 * xfrm_nl.h — the manager's netlink channel (internal): batched requests whose every
 * acknowledgement is read, dumps, and error texts with the kernel's extended ACK.
 *
 * Messages are built with libnl-3 (nl_msg, attributes) from <linux/xfrm.h> structures.
 * libnl-xfrm's SA objects are not used: they copy keys into heap memory that they free
 * without wiping, and its parser misreads EXPIRE messages. Every buffer that held a key
 * (requests, the send buffer, dump replies) is wiped here before it is freed or reused.
 */
#ifndef XFRM_NL_H
#define XFRM_NL_H

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Room for the description of one request. */
#define XFRM_REQ_WHAT_MAX 200

/** One request of a batch and, after xfrm_nl_run(), its outcome. */
struct xfrm_req {
	struct nl_msg *msg;		/**< built request, freed (and wiped) by the batch */
	char what[XFRM_REQ_WHAT_MAX];	/**< "add SA dst 2001:db8::1 spi 0x00001000 esp" */
	bool missing_ok;		/**< ENOENT/ESRCH count as success (deletes) */
	bool exist_ok;			/**< EEXIST counts as success (idempotent adds) */
	bool done;			/**< an acknowledgement arrived */
	int result;			/**< 0 or -errno, valid when done */
	char kernel_text[128];		/**< extended-ACK message, "" if none */
};

/** A growing list of requests. */
struct xfrm_batch {
	struct xfrm_req *reqs;
	size_t n, cap;
};

/** The netlink channel. */
struct xfrm_nl {
	struct nl_sock *sock;
	int fd;
	uint32_t seq;
	unsigned window;		/**< requests in flight at most */
	unsigned char *buf;		/**< send and receive buffer */
	size_t buf_len;
	char error[512];
};

/** Open a NETLINK_XFRM socket with extended and capped ACKs. @return 0 or -errno */
int xfrm_nl_open(struct xfrm_nl *nl, unsigned window);

/** Close it and wipe the buffer. */
void xfrm_nl_close(struct xfrm_nl *nl);

/** Record an error message on the channel (printf-style). @return @p err */
int xfrm_nl_fail(struct xfrm_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Append a request to @p batch (it takes @p msg, also on failure).
 * @return the request, or NULL when out of memory
 */
struct xfrm_req *xfrm_batch_add(struct xfrm_batch *batch, struct nl_msg *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Free (and wipe) every request of @p batch and empty it. */
void xfrm_batch_clear(struct xfrm_batch *batch);

/**
 * Send every request of @p batch, several per sendmsg, with at most the channel's window
 * in flight, and read an acknowledgement for each.
 * @return 0 if every request succeeded, else the first failure's -errno, with its
 *	   message ("add SA …: File exists (kernel: …)") in nl->error
 */
int xfrm_nl_run(struct xfrm_nl *nl, struct xfrm_batch *batch);

/**
 * Dump the kernel's SAs (XFRM_MSG_GETSA) or policies (XFRM_MSG_GETPOLICY) and call
 * @p fn for each message. The receive buffer is wiped afterwards (SA dumps carry keys).
 * @return 0 or -errno
 */
int xfrm_nl_dump(struct xfrm_nl *nl, int type, void (*fn)(void *arg, const struct nlmsghdr *nlh),
		 void *arg);

/** The reqid of the first XFRMA_TMPL after a fixed part of @p fixed bytes, or 0. */
uint32_t xfrm_nl_tmpl_reqid(const struct nlmsghdr *nlh, size_t fixed);

/* Used by xfrm_nl_run(); visible for the unit tests. */
/** Record the answer @p nlh for its request of @p batch; counts it in @p acked. */
void xfrm_nl_record(struct xfrm_batch *batch, uint32_t seq_base, const struct nlmsghdr *nlh,
		    size_t *acked);
/** The first failed request of @p batch as -errno with its message, or 0. */
int xfrm_nl_first_failure(struct xfrm_nl *nl, struct xfrm_batch *batch);

#endif
