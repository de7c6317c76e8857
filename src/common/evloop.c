/*
 * evloop.c — epoll, a timer heap and signalfd behind one small loop (see evloop.h).
 *
 * Descriptors live in a table indexed by fd. Each registration gets a generation number
 * that travels in the epoll event (data.u64 = generation << 32 | fd): an event whose
 * generation no longer matches the table belongs to a registration deleted earlier in the
 * same batch (perhaps with the fd number already reused), and is dropped.
 *
 * Timers live in slots that are recycled through a free list; the heap holds slot numbers
 * ordered by (deadline, sequence number), and each slot knows its heap position so that a
 * cancel is O(log n). A timer id is generation << 32 | slot: a slot's generation changes
 * whenever its timer fires or is cancelled, so a stale id matches nothing.
 */
#include "common/evloop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Events taken from the kernel per epoll_wait(); more simply wait for the next iteration. */
#define EVLOOP_BATCH  256
#define EVLOOP_NO_POS UINT32_MAX
#define EVLOOP_NSIG   65

struct evloop_fd {
	evloop_fd_cb cb;
	void *arg;
	unsigned int mask;
	uint32_t gen; /* 0: not registered */
};

struct evloop_timer {
	uint64_t when; /* deadline, ms */
	uint64_t seq;  /* order of addition, breaks ties */
	evloop_timer_cb cb;
	void *arg;
	uint32_t gen;
	uint32_t pos; /* index in heap, or EVLOOP_NO_POS when the slot is free */
	uint32_t next_free;
};

struct evloop_signal {
	evloop_signal_cb cb;
	void *arg;
};

struct evloop {
	int epfd;
	int sigfd;
	bool stop;
	uint64_t now;
	uint32_t fd_gen;
	struct evloop_fd *fds;
	size_t n_fds;

	struct evloop_timer *timers; /* slots */
	size_t n_slots;
	uint32_t free_slot; /* head of the free list, EVLOOP_NO_POS when empty */
	uint32_t *heap;	    /* slot numbers */
	size_t heap_len;
	uint64_t next_seq;

	evloop_hook_cb before_sleep;
	void *before_sleep_arg;

	sigset_t sigmask;    /* signals read through sigfd */
	sigset_t sigblocked; /* of those, the ones this loop blocked (unblocked by _free) */
	struct evloop_signal signals[EVLOOP_NSIG];
};

static uint64_t evloop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void evloop_update_now(struct evloop *loop)
{
	uint64_t now = evloop_clock_ms();

	if (now > loop->now)
		loop->now = now;
}

struct evloop *evloop_new(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int saved = errno;

		free(loop);
		errno = saved;
		return NULL;
	}
	loop->sigfd = -1;
	loop->free_slot = EVLOOP_NO_POS;
	sigemptyset(&loop->sigmask);
	sigemptyset(&loop->sigblocked);
	evloop_update_now(loop);
	return loop;
}

void evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	sigprocmask(SIG_UNBLOCK, &loop->sigblocked, NULL);
	close(loop->epfd);
	free(loop->fds);
	free(loop->timers);
	free(loop->heap);
	free(loop);
}

/* ---- descriptors ---- */

static uint32_t evloop_to_epoll(unsigned int mask)
{
	return ((mask & EVLOOP_READ) ? EPOLLIN : 0) | ((mask & EVLOOP_WRITE) ? EPOLLOUT : 0);
}

static int evloop_fd_grow(struct evloop *loop, int fd)
{
	size_t n = loop->n_fds ? loop->n_fds : 64;
	struct evloop_fd *fds;

	while (n <= (size_t)fd)
		n *= 2;
	if (n == loop->n_fds)
		return 0;
	fds = realloc(loop->fds, n * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	memset(fds + loop->n_fds, 0, (n - loop->n_fds) * sizeof(*fds));
	loop->fds = fds;
	loop->n_fds = n;
	return 0;
}

static struct evloop_fd *evloop_fd_lookup(struct evloop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->n_fds || loop->fds[fd].gen == 0)
		return NULL;
	return &loop->fds[fd];
}

int evloop_add_fd(struct evloop *loop, int fd, unsigned int events, evloop_fd_cb cb, void *arg)
{
	struct epoll_event ev = {0};
	struct evloop_fd *e;
	int ret;

	if (fd < 0 || !cb)
		return -EINVAL;
	if (evloop_fd_lookup(loop, fd))
		return -EEXIST;
	ret = evloop_fd_grow(loop, fd);
	if (ret)
		return ret;
	if (++loop->fd_gen == 0)
		loop->fd_gen = 1;
	ev.events = evloop_to_epoll(events);
	ev.data.u64 = (uint64_t)loop->fd_gen << 32 | (uint32_t)fd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	e = &loop->fds[fd];
	e->cb = cb;
	e->arg = arg;
	e->mask = events & (EVLOOP_READ | EVLOOP_WRITE);
	e->gen = loop->fd_gen;
	return 0;
}

int evloop_mod_fd(struct evloop *loop, int fd, unsigned int events)
{
	struct evloop_fd *e = evloop_fd_lookup(loop, fd);
	struct epoll_event ev = {0};

	if (!e)
		return -ENOENT;
	events &= EVLOOP_READ | EVLOOP_WRITE;
	if (events == e->mask)
		return 0;
	ev.events = evloop_to_epoll(events);
	ev.data.u64 = (uint64_t)e->gen << 32 | (uint32_t)fd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	e->mask = events;
	return 0;
}

int evloop_del_fd(struct evloop *loop, int fd)
{
	struct evloop_fd *e = evloop_fd_lookup(loop, fd);

	if (!e)
		return -ENOENT;
	/* Fails only if the owner closed fd first; the kernel then dropped it already. */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(e, 0, sizeof(*e));
	return 0;
}

/* Run the callback of one epoll event, unless its registration is gone or changed. */
static int evloop_dispatch_fd(struct evloop *loop, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	struct evloop_fd *e = evloop_fd_lookup(loop, fd);
	unsigned int ready = 0;

	if (!e || e->gen != gen)
		return 0; /* deleted by an earlier callback of this batch */
	if (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
		ready |= EVLOOP_READ;
	if (ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
		ready |= EVLOOP_WRITE;
	/* An earlier callback may have narrowed the mask since epoll_wait() returned. */
	ready &= e->mask;
	if (!ready)
		return 0;
	e->cb(loop, fd, ready, e->arg);
	return 1;
}

/* ---- timers ---- */

static bool evloop_timer_before(const struct evloop *loop, uint32_t a, uint32_t b)
{
	const struct evloop_timer *ta = &loop->timers[a], *tb = &loop->timers[b];

	return ta->when < tb->when || (ta->when == tb->when && ta->seq < tb->seq);
}

static void evloop_heap_set(struct evloop *loop, size_t pos, uint32_t slot)
{
	loop->heap[pos] = slot;
	loop->timers[slot].pos = (uint32_t)pos;
}

static void evloop_heap_up(struct evloop *loop, size_t pos)
{
	uint32_t slot = loop->heap[pos];

	while (pos > 0) {
		size_t parent = (pos - 1) / 2;

		if (!evloop_timer_before(loop, slot, loop->heap[parent]))
			break;
		evloop_heap_set(loop, pos, loop->heap[parent]);
		pos = parent;
	}
	evloop_heap_set(loop, pos, slot);
}

static void evloop_heap_down(struct evloop *loop, size_t pos)
{
	uint32_t slot = loop->heap[pos];

	for (;;) {
		size_t child = 2 * pos + 1;

		if (child >= loop->heap_len)
			break;
		if (child + 1 < loop->heap_len &&
		    evloop_timer_before(loop, loop->heap[child + 1], loop->heap[child]))
			child++;
		if (!evloop_timer_before(loop, loop->heap[child], slot))
			break;
		evloop_heap_set(loop, pos, loop->heap[child]);
		pos = child;
	}
	evloop_heap_set(loop, pos, slot);
}

/* Take the timer in @slot out of the heap and put the slot on the free list. */
static void evloop_timer_release(struct evloop *loop, uint32_t slot)
{
	struct evloop_timer *t = &loop->timers[slot];
	size_t pos = t->pos;
	uint32_t last = loop->heap[--loop->heap_len];

	if (pos < loop->heap_len) {
		evloop_heap_set(loop, pos, last);
		evloop_heap_up(loop, pos);
		evloop_heap_down(loop, loop->timers[last].pos);
	}
	t->pos = EVLOOP_NO_POS;
	t->cb = NULL;
	t->arg = NULL;
	if (++t->gen == 0)
		t->gen = 1;
	t->next_free = loop->free_slot;
	loop->free_slot = slot;
}

/* Make room for one more timer: a free slot exists and the heap has space for it. */
static int evloop_timer_reserve(struct evloop *loop)
{
	size_t n = loop->n_slots ? 2 * loop->n_slots : 64;
	struct evloop_timer *slots;
	uint32_t *heap;
	size_t i;

	if (loop->free_slot != EVLOOP_NO_POS)
		return 0;
	if (n >= EVLOOP_NO_POS)
		return -ENOMEM;
	heap = realloc(loop->heap, n * sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	loop->heap = heap;
	slots = realloc(loop->timers, n * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	loop->timers = slots;
	for (i = n; i-- > loop->n_slots;) {
		slots[i] = (struct evloop_timer){.gen = 1, .pos = EVLOOP_NO_POS};
		slots[i].next_free = loop->free_slot;
		loop->free_slot = (uint32_t)i;
	}
	loop->n_slots = n;
	return 0;
}

uint64_t evloop_timer_add(struct evloop *loop, uint64_t ms, evloop_timer_cb cb, void *arg)
{
	struct evloop_timer *t;
	uint32_t slot;

	if (!cb || evloop_timer_reserve(loop) != 0)
		return 0;
	evloop_update_now(loop);
	slot = loop->free_slot;
	t = &loop->timers[slot];
	loop->free_slot = t->next_free;
	t->when = ms > UINT64_MAX - loop->now ? UINT64_MAX : loop->now + ms;
	t->seq = loop->next_seq++;
	t->cb = cb;
	t->arg = arg;
	loop->heap[loop->heap_len] = slot;
	evloop_heap_up(loop, loop->heap_len++);
	return (uint64_t)t->gen << 32 | slot;
}

int evloop_timer_cancel(struct evloop *loop, uint64_t id)
{
	uint32_t slot = (uint32_t)id;
	uint32_t gen = (uint32_t)(id >> 32);

	if (gen == 0 || slot >= loop->n_slots || loop->timers[slot].gen != gen ||
	    loop->timers[slot].pos == EVLOOP_NO_POS)
		return -ENOENT;
	evloop_timer_release(loop, slot);
	return 0;
}

size_t evloop_timer_count(const struct evloop *loop)
{
	return loop->heap_len;
}

/* Milliseconds until the first timer is due, or -1 when there is none. */
static int evloop_timer_wait(const struct evloop *loop)
{
	uint64_t when;

	if (loop->heap_len == 0)
		return -1;
	when = loop->timers[loop->heap[0]].when;
	if (when <= loop->now)
		return 0;
	return when - loop->now > INT32_MAX ? INT32_MAX : (int)(when - loop->now);
}

/* Fire the timers due now; those added meanwhile wait for the next pass (see evloop.h). */
static int evloop_timers_fire(struct evloop *loop)
{
	uint64_t first_new = loop->next_seq;
	uint64_t now = loop->now;
	int fired = 0;

	while (loop->heap_len > 0) {
		uint32_t slot = loop->heap[0];
		struct evloop_timer *t = &loop->timers[slot];
		evloop_timer_cb cb = t->cb;
		void *arg = t->arg;
		uint64_t id = (uint64_t)t->gen << 32 | slot;

		if (t->when > now || t->seq >= first_new)
			break;
		evloop_timer_release(loop, slot);
		cb(loop, id, arg);
		fired++;
	}
	return fired;
}

/* ---- signals ---- */

static void evloop_signal_read(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int signo = (int)si.ssi_signo;

		if (signo > 0 && signo < EVLOOP_NSIG && loop->signals[signo].cb)
			loop->signals[signo].cb(loop, signo, loop->signals[signo].arg);
	}
}

int evloop_add_signal(struct evloop *loop, int signo, evloop_signal_cb cb, void *arg)
{
	sigset_t one, old;
	int fd, ret;

	if (signo <= 0 || signo >= EVLOOP_NSIG || signo == SIGKILL || signo == SIGSTOP || !cb)
		return -EINVAL;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, &old) < 0)
		return -errno;
	if (!sigismember(&old, signo))
		sigaddset(&loop->sigblocked, signo);
	sigaddset(&loop->sigmask, signo);
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		ret = evloop_add_fd(loop, fd, EVLOOP_READ, evloop_signal_read, NULL);
		if (ret) {
			close(fd);
			return ret;
		}
		loop->sigfd = fd;
	}
	loop->signals[signo] = (struct evloop_signal){cb, arg};
	return 0;
}

int evloop_del_signal(struct evloop *loop, int signo)
{
	if (signo <= 0 || signo >= EVLOOP_NSIG || !loop->signals[signo].cb)
		return -ENOENT;
	loop->signals[signo] = (struct evloop_signal){NULL, NULL};
	sigdelset(&loop->sigmask, signo);
	if (signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* ---- the loop ---- */

void evloop_set_before_sleep(struct evloop *loop, evloop_hook_cb cb, void *arg)
{
	loop->before_sleep = cb;
	loop->before_sleep_arg = arg;
}

int evloop_run_once(struct evloop *loop, int timeout_ms)
{
	struct epoll_event events[EVLOOP_BATCH];
	int i, n, wait, done = 0;

	if (loop->before_sleep)
		loop->before_sleep(loop, loop->before_sleep_arg);
	evloop_update_now(loop);
	wait = evloop_timer_wait(loop);
	if (wait < 0 || (timeout_ms >= 0 && timeout_ms < wait))
		wait = timeout_ms;
	n = epoll_wait(loop->epfd, events, EVLOOP_BATCH, wait);
	if (n < 0 && errno != EINTR)
		return -errno;
	evloop_update_now(loop);
	for (i = 0; i < n; i++)
		done += evloop_dispatch_fd(loop, &events[i]);
	return done + evloop_timers_fire(loop);
}

int evloop_run(struct evloop *loop)
{
	int ret;

	loop->stop = false;
	while (!loop->stop) {
		ret = evloop_run_once(loop, -1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	loop->stop = true;
}

uint64_t evloop_now_ms(const struct evloop *loop)
{
	return loop->now;
}
