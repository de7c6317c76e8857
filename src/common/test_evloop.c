/*
 * test_evloop.c — timers (order, cancellation, re-entry, 100k), descriptors over socketpairs
 * (readiness, deletion from callbacks, reuse of a descriptor number), the before-sleep hook,
 * signals and run/stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/evloop.h"

/* Run the loop until no timer is left (or give up after @max iterations). */
static void run_until_no_timers(struct evloop *loop, int max)
{
	while (evloop_timer_count(loop) > 0 && max-- > 0)
		assert_true(evloop_run_once(loop, 1000) >= 0);
	assert_int_equal(evloop_timer_count(loop), 0);
}

/* ---- timers ---- */

struct fire_log {
	int order[16];
	int n;
};

struct tag {
	struct fire_log *log;
	int value;
};

static void record_tag(struct evloop *loop, uint64_t id, void *arg)
{
	struct tag *t = arg;

	t->log->order[t->log->n++] = t->value;
}

static void test_evloop_timers_fire_by_deadline_then_insertion(void **state)
{
	struct evloop *loop = evloop_new();
	struct fire_log log = {{0}, 0};
	struct tag tags[] = {{&log, 30}, {&log, 10}, {&log, 20}, {&log, 11}, {&log, 0}};
	uint64_t ms[] = {30, 10, 20, 10, 0};
	uint64_t start;
	size_t i;

	assert_non_null(loop);
	start = evloop_now_ms(loop);
	for (i = 0; i < 5; i++)
		assert_int_not_equal(evloop_timer_add(loop, ms[i], record_tag, &tags[i]), 0);
	assert_int_equal(evloop_timer_count(loop), 5);
	run_until_no_timers(loop, 100);
	assert_int_equal(log.n, 5);
	/* 10 and 11 are both due at +10 ms: the one added first fires first. */
	assert_int_equal(log.order[0], 0);
	assert_int_equal(log.order[1], 10);
	assert_int_equal(log.order[2], 11);
	assert_int_equal(log.order[3], 20);
	assert_int_equal(log.order[4], 30);
	assert_true(evloop_now_ms(loop) >= start + 30);
	evloop_free(loop);
}

static void test_evloop_cancelled_timer_never_fires(void **state)
{
	struct evloop *loop = evloop_new();
	struct fire_log log = {{0}, 0};
	struct tag a = {&log, 1}, b = {&log, 2}, c = {&log, 3};
	uint64_t ida, idb, idc;

	ida = evloop_timer_add(loop, 1, record_tag, &a);
	idb = evloop_timer_add(loop, 1, record_tag, &b);
	idc = evloop_timer_add(loop, 2, record_tag, &c);
	assert_int_equal(evloop_timer_cancel(loop, idb), 0);
	assert_int_equal(evloop_timer_cancel(loop, idb), -ENOENT);
	assert_int_equal(evloop_timer_count(loop), 2);
	run_until_no_timers(loop, 100);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.order[0], 1);
	assert_int_equal(log.order[1], 3);
	/* Fired timers, id 0 and made-up ids are not pending. */
	assert_int_equal(evloop_timer_cancel(loop, ida), -ENOENT);
	assert_int_equal(evloop_timer_cancel(loop, idc), -ENOENT);
	assert_int_equal(evloop_timer_cancel(loop, 0), -ENOENT);
	assert_int_equal(evloop_timer_cancel(loop, (uint64_t)7 << 32 | 1000000), -ENOENT);
	evloop_free(loop);
}

struct canceller {
	uint64_t victim;
	uint64_t self;
	int fired;
	int cancel_self_ret;
	int cancel_victim_ret;
};

static void cancel_other(struct evloop *loop, uint64_t id, void *arg)
{
	struct canceller *c = arg;

	c->fired++;
	c->cancel_self_ret = evloop_timer_cancel(loop, id);
	c->cancel_victim_ret = evloop_timer_cancel(loop, c->victim);
}

static void count_fire(struct evloop *loop, uint64_t id, void *arg)
{
	(*(int *)arg)++;
}

static void test_evloop_cancel_inside_callback_stops_due_timer(void **state)
{
	struct evloop *loop = evloop_new();
	struct canceller c = {0};
	int victim_fired = 0;

	/* Both are due in the same pass; the first cancels the second, which must not fire. */
	c.self = evloop_timer_add(loop, 2, cancel_other, &c);
	c.victim = evloop_timer_add(loop, 2, count_fire, &victim_fired);
	usleep(5000);
	assert_int_equal(evloop_run_once(loop, 0), 1);
	assert_int_equal(c.fired, 1);
	assert_int_equal(c.cancel_self_ret, -ENOENT); /* a firing timer is no longer pending */
	assert_int_equal(c.cancel_victim_ret, 0);
	assert_int_equal(victim_fired, 0);
	assert_int_equal(evloop_timer_count(loop), 0);
	evloop_free(loop);
}

static void rearm_zero(struct evloop *loop, uint64_t id, void *arg)
{
	int *n = arg;

	if (++*n < 5)
		assert_int_not_equal(evloop_timer_add(loop, 0, rearm_zero, n), 0);
}

static void test_evloop_zero_timer_added_by_callback_waits_for_next_pass(void **state)
{
	struct evloop *loop = evloop_new();
	int n = 0;

	evloop_timer_add(loop, 0, rearm_zero, &n);
	assert_int_equal(evloop_run_once(loop, 0), 1);
	assert_int_equal(n, 1);
	assert_int_equal(evloop_run_once(loop, 0), 1);
	assert_int_equal(n, 2);
	run_until_no_timers(loop, 10);
	assert_int_equal(n, 5);
	evloop_free(loop);
}

#define MANY 100000

struct many {
	uint64_t due[MANY];
	uint64_t id[MANY];
	bool fired[MANY];
	uint64_t last_due;
	size_t n_fired;
	bool out_of_order;
	size_t idx[MANY];
};

static struct many *many_state;

static void many_fire(struct evloop *loop, uint64_t id, void *arg)
{
	size_t *i = arg;
	struct many *m = many_state;

	if (m->fired[*i] || m->due[*i] < m->last_due)
		m->out_of_order = true;
	m->fired[*i] = true;
	m->last_due = m->due[*i];
	m->n_fired++;
	/* A deadline must not be missed by more than the loop's granularity allows. */
	if (evloop_now_ms(loop) < m->due[*i])
		m->out_of_order = true;
}

static void test_evloop_100k_timers_fire_in_order_and_cancel(void **state)
{
	struct many *m = calloc(1, sizeof(*m));
	struct evloop *loop = evloop_new();
	size_t i, cancelled = 0;

	assert_non_null(m);
	many_state = m;
	srand(42);
	for (i = 0; i < MANY; i++) {
		uint64_t ms = (uint64_t)(rand() % 50);

		m->idx[i] = i;
		m->id[i] = evloop_timer_add(loop, ms, many_fire, &m->idx[i]);
		assert_int_not_equal(m->id[i], 0);
		m->due[i] = evloop_now_ms(loop) + ms;
	}
	assert_int_equal(evloop_timer_count(loop), MANY);
	for (i = 0; i < MANY; i += 3, cancelled++)
		assert_int_equal(evloop_timer_cancel(loop, m->id[i]), 0);
	run_until_no_timers(loop, 1000);
	assert_false(m->out_of_order);
	assert_int_equal(m->n_fired, MANY - cancelled);
	for (i = 0; i < MANY; i++)
		assert_int_equal(m->fired[i], i % 3 != 0);
	evloop_free(loop);
	free(m);
}

/* ---- descriptors ---- */

struct fd_probe {
	int fd;
	int calls;
	unsigned int last_events;
	bool delete_self;
	bool close_self;
	int delete_other; /* fd to delete from the callback, or -1 */
	char buf[64];
	ssize_t got;
};

static void probe_cb(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct fd_probe *p = arg;

	assert_int_equal(fd, p->fd);
	p->calls++;
	p->last_events = events;
	if (events & EVLOOP_READ)
		p->got = read(fd, p->buf, sizeof(p->buf));
	if (p->delete_other >= 0)
		assert_int_equal(evloop_del_fd(loop, p->delete_other), 0);
	if (p->delete_self)
		assert_int_equal(evloop_del_fd(loop, fd), 0);
	if (p->close_self)
		close(fd);
}

static void make_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
}

static void test_evloop_fd_read_and_write_readiness(void **state)
{
	struct evloop *loop = evloop_new();
	struct fd_probe p = {.delete_other = -1};
	int sv[2];

	make_pair(sv);
	p.fd = sv[0];
	assert_int_equal(evloop_add_fd(loop, sv[0], EVLOOP_READ, probe_cb, &p), 0);
	assert_int_equal(evloop_add_fd(loop, sv[0], EVLOOP_READ, probe_cb, &p), -EEXIST);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(p.calls, 0);

	assert_int_equal(write(sv[1], "ping", 4), 4);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(p.calls, 1);
	assert_int_equal(p.last_events, EVLOOP_READ);
	assert_int_equal(p.got, 4);
	assert_memory_equal(p.buf, "ping", 4);

	/* An idle socket is writable: only the events asked for are reported. */
	assert_int_equal(evloop_mod_fd(loop, sv[0], EVLOOP_WRITE), 0);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(p.last_events, EVLOOP_WRITE);
	assert_int_equal(evloop_mod_fd(loop, sv[0], 0), 0);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(p.calls, 2);

	/* Peer gone: reported as readable, and the read finds the end of the stream. */
	assert_int_equal(evloop_mod_fd(loop, sv[0], EVLOOP_READ), 0);
	close(sv[1]);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(p.got, 0);

	assert_int_equal(evloop_del_fd(loop, sv[0]), 0);
	assert_int_equal(evloop_del_fd(loop, sv[0]), -ENOENT);
	assert_int_equal(evloop_mod_fd(loop, sv[0], EVLOOP_READ), -ENOENT);
	assert_int_equal(evloop_add_fd(loop, -1, EVLOOP_READ, probe_cb, &p), -EINVAL);
	close(sv[0]);
	evloop_free(loop);
}

static void test_evloop_fd_deleted_in_own_callback(void **state)
{
	struct evloop *loop = evloop_new();
	struct fd_probe p = {.delete_other = -1, .delete_self = true, .close_self = true};
	int sv[2];

	make_pair(sv);
	p.fd = sv[0];
	assert_int_equal(evloop_add_fd(loop, sv[0], EVLOOP_READ | EVLOOP_WRITE, probe_cb, &p), 0);
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(p.calls, 1);
	assert_int_equal(p.last_events, EVLOOP_READ | EVLOOP_WRITE);
	/* The peer still has its end open: nothing more is dispatched for the closed one. */
	assert_int_equal(evloop_run_once(loop, 10), 0);
	assert_int_equal(p.calls, 1);
	close(sv[1]);
	evloop_free(loop);
}

static void test_evloop_fd_deleted_by_earlier_callback_of_same_batch(void **state)
{
	struct evloop *loop = evloop_new();
	struct fd_probe a = {.delete_other = -1}, b = {.delete_other = -1};
	int s1[2], s2[2];

	make_pair(s1);
	make_pair(s2);
	a.fd = s1[0];
	b.fd = s2[0];
	/* Whichever runs first deletes the other; the other must then not run. */
	a.delete_other = s2[0];
	b.delete_other = s1[0];
	assert_int_equal(evloop_add_fd(loop, s1[0], EVLOOP_READ, probe_cb, &a), 0);
	assert_int_equal(evloop_add_fd(loop, s2[0], EVLOOP_READ, probe_cb, &b), 0);
	assert_int_equal(write(s1[1], "1", 1), 1);
	assert_int_equal(write(s2[1], "2", 1), 1);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(a.calls + b.calls, 1);
	close(s1[0]);
	close(s1[1]);
	close(s2[0]);
	close(s2[1]);
	evloop_free(loop);
}

struct reuse {
	struct fd_probe *victim;
	int victim_peer;
	struct fd_probe *fresh;
	int fresh_peer;
};

/* Deletes and closes the victim, then creates a socket that gets the victim's number. */
static void reuse_cb(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct reuse *r = arg;
	char c;
	int sv[2];

	assert_int_equal(read(fd, &c, 1), 1);
	if (r->fresh->fd >= 0)
		return;
	assert_int_equal(evloop_del_fd(loop, r->victim->fd), 0);
	close(r->victim->fd);
	make_pair(sv);
	r->fresh->fd = sv[0];
	r->fresh_peer = sv[1];
	assert_int_equal(evloop_add_fd(loop, sv[0], EVLOOP_READ, probe_cb, r->fresh), 0);
}

static void test_evloop_reused_fd_number_gets_no_stale_event(void **state)
{
	struct evloop *loop = evloop_new();
	struct fd_probe victim = {.delete_other = -1}, fresh = {.delete_other = -1, .fd = -1};
	struct reuse r = {&victim, -1, &fresh, -1};
	int s1[2], s2[2], old_fd;

	make_pair(s1);
	make_pair(s2);
	victim.fd = s2[0];
	old_fd = s2[0];
	assert_int_equal(evloop_add_fd(loop, s1[0], EVLOOP_READ, reuse_cb, &r), 0);
	assert_int_equal(evloop_add_fd(loop, s2[0], EVLOOP_READ, probe_cb, &victim), 0);
	/* Usually dispatched in this order, so the stale-event case is the one exercised. */
	assert_int_equal(write(s1[1], "r", 1), 1);
	assert_int_equal(write(s2[1], "v", 1), 1);
	close(s2[1]);
	/*
	 * If the victim runs first it reads its byte; otherwise it is deleted and its number is
	 * handed to a new, idle socket, which must not see the victim's pending event.
	 */
	evloop_run_once(loop, 1000);
	if (fresh.fd == old_fd)
		assert_int_equal(fresh.calls, 0);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(fresh.calls, 0);
	evloop_del_fd(loop, s1[0]);
	evloop_del_fd(loop, fresh.fd);
	close(s1[0]);
	close(s1[1]);
	close(fresh.fd);
	close(r.fresh_peer);
	evloop_free(loop);
}

/* ---- hook, signals, run/stop ---- */

struct hook_state {
	int calls;
	int timer_fired_before;
};

static void hook_cb(struct evloop *loop, void *arg)
{
	((struct hook_state *)arg)->calls++;
}

static void test_evloop_before_sleep_runs_each_iteration(void **state)
{
	struct evloop *loop = evloop_new();
	struct hook_state h = {0};

	evloop_set_before_sleep(loop, hook_cb, &h);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(h.calls, 2);
	evloop_set_before_sleep(loop, NULL, NULL);
	assert_int_equal(evloop_run_once(loop, 0), 0);
	assert_int_equal(h.calls, 2);
	evloop_free(loop);
}

static void signal_cb(struct evloop *loop, int signo, void *arg)
{
	*(int *)arg = signo;
}

static void test_evloop_signal_delivered_as_callback(void **state)
{
	struct evloop *loop = evloop_new();
	int got = 0;

	assert_int_equal(evloop_add_signal(loop, SIGKILL, signal_cb, &got), -EINVAL);
	assert_int_equal(evloop_add_signal(loop, SIGUSR1, signal_cb, &got), 0);
	assert_int_equal(evloop_add_signal(loop, SIGUSR2, signal_cb, &got), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(got, SIGUSR2);
	assert_int_equal(evloop_del_signal(loop, SIGUSR2), 0);
	assert_int_equal(evloop_del_signal(loop, SIGUSR2), -ENOENT);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(evloop_run_once(loop, 1000), 1);
	assert_int_equal(got, SIGUSR1);
	evloop_free(loop);
}

static void stop_cb(struct evloop *loop, uint64_t id, void *arg)
{
	(*(int *)arg)++;
	evloop_stop(loop);
}

static void test_evloop_run_returns_after_stop(void **state)
{
	struct evloop *loop = evloop_new();
	int stopped = 0, other = 0;

	evloop_timer_add(loop, 5, stop_cb, &stopped);
	evloop_timer_add(loop, 60000, count_fire, &other);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(stopped, 1);
	assert_int_equal(other, 0);
	assert_int_equal(evloop_timer_count(loop), 1); /* dropped unfired by evloop_free */
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evloop_timers_fire_by_deadline_then_insertion),
		cmocka_unit_test(test_evloop_cancelled_timer_never_fires),
		cmocka_unit_test(test_evloop_cancel_inside_callback_stops_due_timer),
		cmocka_unit_test(test_evloop_zero_timer_added_by_callback_waits_for_next_pass),
		cmocka_unit_test(test_evloop_100k_timers_fire_in_order_and_cancel),
		cmocka_unit_test(test_evloop_fd_read_and_write_readiness),
		cmocka_unit_test(test_evloop_fd_deleted_in_own_callback),
		cmocka_unit_test(test_evloop_fd_deleted_by_earlier_callback_of_same_batch),
		cmocka_unit_test(test_evloop_reused_fd_number_gets_no_stale_event),
		cmocka_unit_test(test_evloop_before_sleep_runs_each_iteration),
		cmocka_unit_test(test_evloop_signal_delivered_as_callback),
		cmocka_unit_test(test_evloop_run_returns_after_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
