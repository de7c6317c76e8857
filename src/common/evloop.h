/*
 * evloop.h — a small single-threaded event loop: file descriptors (epoll), timers (a binary
 * heap on monotonic milliseconds), signals (signalfd) and a before-sleep hook.
 *
 * One loop per process; nothing here is thread-safe. Every callback may add, change or
 * delete any file descriptor, timer or signal, including its own:
 *  - after evloop_del_fd(), no event of that descriptor is delivered any more, even one
 *    already returned by the same epoll_wait(); a descriptor number that is closed and
 *    reused (accept(), socket()) and added again gets only events of its new registration;
 *  - a cancelled timer never fires; a timer added by a callback fires at the earliest in
 *    the next iteration, so a callback that re-arms itself with 0 ms cannot starve the loop.
 *
 * One iteration (evloop_run_once()): the before-sleep hook runs, the loop waits for events
 * until the next timer is due, dispatches the ready descriptors (each callback at most
 * once, with every ready event in one mask), then fires the due timers in order of their
 * deadline (ties: in the order they were added). The before-sleep hook is the one place
 * for batched work (SQLite commits, netlink batches) that must be flushed before waiting.
 */
#ifndef COMMON_EVLOOP_H
#define COMMON_EVLOOP_H

#include <stddef.h>
#include <stdint.h>

struct evloop;

/** Events of a file descriptor (a mask). */
enum evloop_events {
	EVLOOP_READ = 1u << 0,	/**< readable, or error/hang-up to be found by reading */
	EVLOOP_WRITE = 1u << 1, /**< writable, or error/hang-up to be found by writing */
};

/**
 * evloop_fd_cb - called when a registered descriptor is ready.
 * @loop: the loop.
 * @fd: the descriptor.
 * @events: the ready events (EVLOOP_READ|EVLOOP_WRITE), always within the registered mask.
 * An error or hang-up is reported as every registered event, so that the read or write the
 * callback does finds it.
 * @arg: the argument given at registration.
 */
typedef void (*evloop_fd_cb)(struct evloop *loop, int fd, unsigned int events, void *arg);

/**
 * evloop_timer_cb - called once when a timer is due; the timer is gone by then.
 * @loop: the loop.
 * @id: the timer's id (cancelling it now does nothing).
 * @arg: the argument given to evloop_timer_add().
 */
typedef void (*evloop_timer_cb)(struct evloop *loop, uint64_t id, void *arg);

/**
 * evloop_hook_cb - the before-sleep hook.
 * @loop: the loop.
 * @arg: the argument given to evloop_set_before_sleep().
 */
typedef void (*evloop_hook_cb)(struct evloop *loop, void *arg);

/**
 * evloop_signal_cb - called from the loop (not from a signal handler) for a delivered signal.
 * @loop: the loop.
 * @signo: the signal number.
 * @arg: the argument given to evloop_add_signal().
 */
typedef void (*evloop_signal_cb)(struct evloop *loop, int signo, void *arg);

/**
 * evloop_new() - create a loop.
 * @return the loop, or NULL with errno set (epoll_create1 failed, out of memory).
 */
struct evloop *evloop_new(void);

/**
 * evloop_free() - destroy a loop: pending timers are dropped without firing, descriptors
 * are left open (their owners close them), signals the loop blocked are unblocked again.
 * Not to be called from inside a callback of the same loop.
 * @loop: the loop, or NULL.
 */
void evloop_free(struct evloop *loop);

/**
 * evloop_add_fd() - watch a descriptor.
 * @loop: the loop.
 * @fd: the descriptor (any kind epoll accepts; not a regular file).
 * @events: EVLOOP_READ and/or EVLOOP_WRITE; 0 registers it without watching anything yet.
 * @cb: the callback.
 * @arg: passed to @cb.
 * @return 0, -EEXIST when @fd is already registered, -EINVAL for a negative @fd or a NULL
 * @cb, -ENOMEM, or the -errno of epoll_ctl().
 */
int evloop_add_fd(struct evloop *loop, int fd, unsigned int events, evloop_fd_cb cb, void *arg);

/**
 * evloop_mod_fd() - change the events watched on a registered descriptor.
 * @loop: the loop.
 * @fd: the descriptor.
 * @events: the new mask (0 to pause it).
 * @return 0, -ENOENT when @fd is not registered, or the -errno of epoll_ctl().
 */
int evloop_mod_fd(struct evloop *loop, int fd, unsigned int events);

/**
 * evloop_del_fd() - stop watching a descriptor (call it before closing the descriptor).
 * Safe from any callback, including the one being run for @fd.
 * @loop: the loop.
 * @fd: the descriptor.
 * @return 0, or -ENOENT when @fd is not registered.
 */
int evloop_del_fd(struct evloop *loop, int fd);

/**
 * evloop_timer_add() - call @cb once, @ms milliseconds from now.
 * @loop: the loop.
 * @ms: the delay; 0 fires in the next pass over the timers.
 * @cb: the callback.
 * @arg: passed to @cb.
 * @return the timer's id (never 0), or 0 when out of memory or @cb is NULL.
 */
uint64_t evloop_timer_add(struct evloop *loop, uint64_t ms, evloop_timer_cb cb, void *arg);

/**
 * evloop_timer_cancel() - cancel a pending timer; it will not fire. Safe from any callback.
 * @loop: the loop.
 * @id: the id from evloop_timer_add(); 0 and ids of timers that already fired or were
 * cancelled are accepted and do nothing.
 * @return 0 when a pending timer was cancelled, -ENOENT otherwise.
 */
int evloop_timer_cancel(struct evloop *loop, uint64_t id);

/**
 * evloop_timer_count() - number of pending timers.
 * @loop: the loop.
 * @return the count.
 */
size_t evloop_timer_count(const struct evloop *loop);

/**
 * evloop_set_before_sleep() - set (or with a NULL @cb, clear) the before-sleep hook.
 * @loop: the loop.
 * @cb: called at the start of every iteration, before waiting for events.
 * @arg: passed to @cb.
 */
void evloop_set_before_sleep(struct evloop *loop, evloop_hook_cb cb, void *arg);

/**
 * evloop_add_signal() - deliver @signo through the loop. The signal is blocked for the
 * process (sigprocmask) and read from a signalfd, so @cb runs as an ordinary callback.
 * @loop: the loop.
 * @signo: the signal (not SIGKILL or SIGSTOP).
 * @cb: the callback; replaces an earlier one for the same signal.
 * @arg: passed to @cb.
 * @return 0, -EINVAL for a signal that cannot be caught, or the -errno of signalfd().
 */
int evloop_add_signal(struct evloop *loop, int signo, evloop_signal_cb cb, void *arg);

/**
 * evloop_del_signal() - stop delivering @signo (it stays blocked until evloop_free()).
 * @loop: the loop.
 * @signo: the signal.
 * @return 0, or -ENOENT when no callback was set for it.
 */
int evloop_del_signal(struct evloop *loop, int signo);

/**
 * evloop_run_once() - run one iteration (see the top of this file).
 * @loop: the loop.
 * @timeout_ms: the longest wait for events in milliseconds, shortened to the next timer;
 * -1 waits until a descriptor, a signal or a timer is ready; 0 does not wait.
 * @return the number of descriptor callbacks and timers run (0 on timeout), or the -errno
 * of epoll_wait() (an interrupted wait counts as a timeout).
 */
int evloop_run_once(struct evloop *loop, int timeout_ms);

/**
 * evloop_run() - run iterations until evloop_stop() is called.
 * @loop: the loop.
 * @return 0 after evloop_stop(), or the -errno of epoll_wait().
 */
int evloop_run(struct evloop *loop);

/**
 * evloop_stop() - make evloop_run() return at the end of the current iteration.
 * @loop: the loop.
 */
void evloop_stop(struct evloop *loop);

/**
 * evloop_now_ms() - the loop's monotonic clock in milliseconds (CLOCK_MONOTONIC), as read
 * at the last wake-up or timer addition; cheap to call from callbacks.
 * @loop: the loop.
 * @return milliseconds since an unspecified start.
 */
uint64_t evloop_now_ms(const struct evloop *loop);

#endif /* COMMON_EVLOOP_H */
