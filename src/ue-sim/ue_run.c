/*
 * ue_run.c — the steps: read as they come (a file, or stdin fed by a scenario runner), run
 * one at a time, one line of output each:
 *
 *   ok STEP [STATUS] (details, T s)      the expectation was met (or there was nothing to
 *                                        expect and it worked: temp-address, sleep, ...)
 *   done STEP STATUS (details, T s)      no expect= was given: what happened
 *   FAIL STEP: expected E, got STATUS    the first of these ends ue-sim with exit status 1
 *   FAIL STEP: what went wrong           a local failure (AKA, xfrm, ...): the same
 *
 * Requests that arrive print "in METHOD from URI[: text]" lines in between. Nothing else is
 * written to stdout, and stdout is line-buffered, so a runner reading a pipe sees each line
 * as it happens.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ue-sim/ue.h"
#include "ue-sim/ue_forge.h"

#define UE_RUN_EXPECT_IN_MS 10000 /* how long `expect in` waits without timeout= */

static void ue_run_next_soon(struct uesim *sim);

/* Prefix for lines of a process with several UEs. */
static const char *ue_run_who(const struct ue *ue, char *buf, size_t size)
{
	if (ue->sim->n_ues > 1)
		snprintf(buf, size, "%s ", ue->id.name);
	else if (size)
		buf[0] = '\0';
	return buf;
}

/* "send MESSAGE", "register", ... */
static const char *ue_run_step_text(const struct ue_step *s, char *buf, size_t size)
{
	if (s->kind == UE_STEP_SEND)
		snprintf(buf, size, "send %s", s->method);
	else if (s->kind == UE_STEP_EXPECT && s->check == UE_CHECK_IN)
		snprintf(buf, size, "expect in %s", s->method);
	else if (s->kind == UE_STEP_EXPECT)
		snprintf(buf, size, "expect %s",
			 s->check == UE_CHECK_SAS	   ? "sas"
			 : s->check == UE_CHECK_REGISTERED ? "registered"
							   : "unregistered");
	else
		snprintf(buf, size, "%s", ue_step_name(s->kind));
	return buf;
}

bool ue_run_active(const struct ue *ue)
{
	return ue->sim->run.cur && ue->sim->run.cur_ue == ue;
}

static void ue_run_print_result(struct ue *ue, int status, const char *reason, const char *detail)
{
	struct ue_run *run = &ue->sim->run;
	const struct ue_step *s = run->cur;
	char who[72], what[64], got[96], want[16], extra[600];
	double t = (double)(evloop_now_ms(ue->sim->loop) - run->started) / 1000.0;
	bool met;

	ue_run_who(ue, who, sizeof(who));
	ue_run_step_text(s, what, sizeof(what));
	snprintf(extra, sizeof(extra), "%s%s%.2f s", detail, detail[0] ? ", " : "", t);
	if (status == 1 || status == -1) {
		printf("%s %s%s%s%s\n", status == 1 ? "ok" : "FAIL", who, what,
		       !detail[0]    ? ""
		       : status == 1 ? " "
				     : ": ",
		       detail);
		run->failed |= status == -1;
		return;
	}
	if (status)
		snprintf(got, sizeof(got), "%d %s", status, reason ? reason : "");
	else
		snprintf(got, sizeof(got), "timeout");
	met = ue_step_expect_met(s, status);
	if (!met)
		printf("FAIL %s%s: expected %s, got %s (%s)\n", who, what,
		       ue_step_expect_text(s, want, sizeof(want)), got, extra);
	else
		printf("%s %s%s %s (%s)\n", s->expect == UE_EXPECT_NONE ? "done" : "ok", who, what,
		       got, extra);
	run->failed |= !met;
}

void ue_run_done(struct ue *ue, int status, const char *reason, const char *fmt, ...)
{
	struct uesim *sim = ue->sim;
	struct ue_run *run = &sim->run;
	char detail[512];
	va_list ap;

	if (sim->load) /* load mode: no steps, the load driver counts outcomes */
		return ue_load_done(ue, status);
	if (!ue_run_active(ue)) {
		log_warn("%s: an outcome without a step (status %d)", ue->id.name, status);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	evloop_timer_cancel(sim->loop, run->step_timer);
	run->step_timer = 0;
	ue_run_print_result(ue, status, reason, detail);
	free(run->cur);
	run->cur = NULL;
	run->cur_ue = NULL;
	if (run->failed)
		ue_run_quit(sim, 1);
	else
		ue_run_next_soon(sim);
}

/* ---- expect ---- */

static bool ue_run_take_incoming(struct ue *ue, enum sip_method m)
{
	if (ue->in_count[m] <= ue->in_seen[m])
		return false;
	ue->in_seen[m]++;
	return true;
}

void ue_run_incoming(struct ue *ue, enum sip_method method, const char *text)
{
	struct ue_run *run = &ue->sim->run;
	const struct ue_step *s = run->cur;
	char who[72] = "";

	if (ue->sim->load) { /* thousands of these: counted, not printed */
		if (method < SIP_METHOD_COUNT)
			ue->in_count[method]++;
		return;
	}
	if (ue->sim->n_ues > 1)
		snprintf(who, sizeof(who), " [%s]", ue->id.name);
	printf("in %s%s\n", text, who);
	if (method < SIP_METHOD_COUNT)
		ue->in_count[method]++;
	if (s && run->cur_ue == ue && s->kind == UE_STEP_EXPECT && s->check == UE_CHECK_IN &&
	    sip_msg_method_lookup(s->method, strlen(s->method)) == method &&
	    ue_run_take_incoming(ue, method))
		ue_run_done(ue, 1, NULL, "(%u received)", ue->in_count[method]);
}

static void ue_run_step_timeout(struct evloop *loop, uint64_t id, void *arg)
{
	struct ue *ue = arg;
	struct ue_run *run = &ue->sim->run;

	(void)loop;
	(void)id;
	run->step_timer = 0;
	if (run->cur->kind == UE_STEP_SLEEP)
		ue_run_done(ue, 1, NULL, "%.3g", (double)run->cur->ms / 1000.0);
	else
		ue_run_done(ue, -1, NULL, "no %s arrived in %.3g s", run->cur->method,
			    (double)(run->cur->ms ? run->cur->ms : UE_RUN_EXPECT_IN_MS) / 1000.0);
}

static void ue_run_expect(struct ue *ue, const struct ue_step *s)
{
	enum sip_method m;
	int n;

	switch (s->check) {
	case UE_CHECK_REGISTERED:
	case UE_CHECK_UNREGISTERED:
		if (ue->reg.registered == (s->check == UE_CHECK_REGISTERED))
			return ue_run_done(ue, 1, NULL, "%s", "");
		return ue_run_done(ue, -1, NULL, "the UE is %sregistered",
				   ue->reg.registered ? "" : "not ");
	case UE_CHECK_SAS:
		n = ue_ipsec_count(ue->sim);
		if (n < 0)
			return ue_run_done(ue, -1, NULL, "cannot count SAs: %s", strerror(-n));
		if ((unsigned)n == s->count)
			return ue_run_done(ue, 1, NULL, "%d", n);
		return ue_run_done(ue, -1, NULL, "expected %u SAs, the kernel has %d", s->count, n);
	case UE_CHECK_IN:
		m = sip_msg_method_lookup(s->method, strlen(s->method));
		if (m == SIP_METHOD_OTHER)
			return ue_run_done(ue, -1, NULL, "unknown method %s", s->method);
		if (ue_run_take_incoming(ue, m))
			return ue_run_done(ue, 1, NULL, "(%u received)", ue->in_count[m]);
		ue->sim->run.step_timer =
			evloop_timer_add(ue->sim->loop, s->ms ? s->ms : UE_RUN_EXPECT_IN_MS,
					 ue_run_step_timeout, ue);
		return;
	}
}

/* ---- running ---- */

static struct ue *ue_run_find_ue(struct uesim *sim, const char *name)
{
	size_t i;

	if (!name[0])
		return sim->n_ues ? sim->ues[0] : NULL;
	for (i = 0; i < sim->n_ues; i++)
		if (strcmp(sim->ues[i]->id.name, name) == 0)
			return sim->ues[i];
	return NULL;
}

static void ue_run_dispatch(struct ue *ue, const struct ue_step *s)
{
	switch (s->kind) {
	case UE_STEP_REGISTER:
	case UE_STEP_REREGISTER:
	case UE_STEP_DEREGISTER:
		return ue_reg_step(ue, s);
	case UE_STEP_TAMPER_VERIFY:
		if (!s->method[0] || strcmp(s->method, "REGISTER") == 0)
			return ue_reg_step(ue, s);
		return ue_call_step(ue, s);
	case UE_STEP_SEND:
	case UE_STEP_CALL:
	case UE_STEP_HANGUP:
	case UE_STEP_REINVITE:
		return ue_call_step(ue, s);
	case UE_STEP_TEMP_ADDRESS:
		return ue_ipsec_temp_address(ue, s);
	case UE_STEP_SLEEP:
		ue->sim->run.step_timer =
			evloop_timer_add(ue->sim->loop, s->ms, ue_run_step_timeout, ue);
		return;
	case UE_STEP_EXPECT:
		return ue_run_expect(ue, s);
	case UE_STEP_QUIT:
		return ue_run_done(ue, 1, NULL, "%s", "");
	case UE_STEP_PLAINTEXT:
		return ue_hostile_plaintext(ue, s);
	case UE_STEP_CAPTURE_ESP:
		return ue_hostile_capture(ue, s);
	case UE_STEP_REPLAY_ESP:
		return ue_hostile_replay(ue, s);
	case UE_STEP_FORGE_VIA:
		ue->forge_via = s->forge;
		return ue_run_done(ue, 1, NULL, "%s (final answers from now on)",
				   ue_forge_via_name(s->forge));
	case UE_STEP_FORGE_ROUTE:
		ue->forge_route = s->forge;
		return ue_run_done(ue, 1, NULL, "%s (in-dialog requests from now on)",
				   ue_forge_route_name(s->forge));
	}
}

static void ue_run_next(struct evloop *loop, uint64_t id, void *arg)
{
	struct uesim *sim = arg;
	struct ue_run *run = &sim->run;
	struct ue_step *s;
	struct ue *ue;

	(void)loop;
	(void)id;
	if (run->cur || run->quitting)
		return;
	if (run->q_len == 0) {
		if (run->eof)
			ue_run_quit(sim, 0);
		return;
	}
	s = run->queue[run->q_head];
	run->q_head = (run->q_head + 1) % (sizeof(run->queue) / sizeof(run->queue[0]));
	run->q_len--;
	ue = ue_run_find_ue(sim, s->ue);
	if (!ue) {
		printf("FAIL line %u: no UE named %s\n", s->lineno, s->ue);
		free(s);
		return ue_run_quit(sim, 1);
	}
	run->cur = s;
	run->cur_ue = ue;
	run->started = evloop_now_ms(sim->loop);
	if (s->kind == UE_STEP_QUIT)
		run->eof = true, run->q_len = 0;
	ue_run_dispatch(ue, s);
}

static void ue_run_next_soon(struct uesim *sim)
{
	evloop_timer_add(sim->loop, 0, ue_run_next, sim);
}

/* ---- reading ---- */

/* Parse one line into the queue; false when ue-sim must stop (bad line, queue full). */
static bool ue_run_line(struct uesim *sim, const char *line)
{
	struct ue_run *run = &sim->run;
	size_t cap = sizeof(run->queue) / sizeof(run->queue[0]);
	struct ue_step *s = malloc(sizeof(*s));
	char why[200];
	int ret;

	run->lineno++;
	if (!s)
		return false;
	ret = ue_step_parse(line, s, why, sizeof(why));
	if (ret == 1) {
		free(s);
		return true;
	}
	if (ret < 0 || run->q_len == cap) {
		printf("FAIL line %u: %s\n", run->lineno, ret < 0 ? why : "too many steps queued");
		free(s);
		return false;
	}
	s->lineno = run->lineno;
	run->queue[(run->q_head + run->q_len++) % cap] = s;
	return true;
}

/* Split what was read into lines; the rest waits for more. */
static bool ue_run_lines(struct uesim *sim)
{
	struct ue_run *run = &sim->run;
	char *nl;

	while ((nl = memchr(run->buf, '\n', run->len))) {
		*nl = '\0';
		if (!ue_run_line(sim, run->buf))
			return false;
		run->len -= (size_t)(nl + 1 - run->buf);
		memmove(run->buf, nl + 1, run->len);
	}
	if (run->len >= sizeof(run->buf) - 1) {
		printf("FAIL line %u: longer than %d characters\n", run->lineno + 1,
		       UE_STEP_LINE_MAX);
		return false;
	}
	return true;
}

/* Read what is there; returns false on a bad line. */
static bool ue_run_read(struct uesim *sim)
{
	struct ue_run *run = &sim->run;
	ssize_t n = read(run->in_fd, run->buf + run->len, sizeof(run->buf) - 1 - run->len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0) {
		run->eof = true;
		if (run->len) { /* a last line without a newline */
			run->buf[run->len] = '\0';
			run->len = 0;
			return ue_run_line(sim, run->buf);
		}
		return true;
	}
	run->len += (size_t)n;
	return ue_run_lines(sim);
}

static void ue_run_readable(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct uesim *sim = arg;

	(void)events;
	if (!ue_run_read(sim))
		return ue_run_quit(sim, 2);
	if (sim->run.eof) {
		evloop_del_fd(loop, fd);
		sim->run.in_fd = -1;
	}
	ue_run_next_soon(sim);
}

int ue_run_start(struct uesim *sim, int fd)
{
	struct ue_run *run = &sim->run;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	run->in_fd = fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	ret = evloop_add_fd(sim->loop, fd, EVLOOP_READ, ue_run_readable, sim);
	if (ret == -EPERM) { /* a regular file: read it all now */
		while (!run->eof)
			if (!ue_run_read(sim))
				return -EINVAL;
		run->in_fd = -1;
		ue_run_next_soon(sim);
		return 0;
	}
	return ret;
}

/* ---- the end ---- */

static void ue_run_stop(struct evloop *loop, uint64_t id, void *arg)
{
	struct uesim *sim = arg;
	size_t i;

	(void)id;
	ue_ipsec_cleanup(sim);
	for (i = 0; i < sim->n_ues; i++)
		ue_free(sim->ues[i]);
	sim->n_ues = 0;
	ue_load_free(sim);
	while (sim->run.q_len) {
		free(sim->run.queue[sim->run.q_head]);
		sim->run.q_head = (sim->run.q_head + 1) %
				  (sizeof(sim->run.queue) / sizeof(sim->run.queue[0]));
		sim->run.q_len--;
	}
	free(sim->run.cur);
	sim->run.cur = NULL;
	fflush(stdout);
	evloop_stop(loop);
}

void ue_run_quit(struct uesim *sim, int code)
{
	if (sim->run.quitting)
		return;
	sim->run.quitting = true;
	sim->exit_code = code;
	if (sim->run.in_fd >= 0) {
		evloop_del_fd(sim->loop, sim->run.in_fd);
		sim->run.in_fd = -1;
	}
	/* Never free UEs from inside their own callbacks: stop from a timer. */
	evloop_timer_add(sim->loop, 0, ue_run_stop, sim);
}
