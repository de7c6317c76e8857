/*
 * pcscfd.c — the P-CSCF daemon: configuration, sockets (opened as root), the split into a
 * privileged parent that owns the kernel's IPsec tables and an unprivileged child that
 * runs the SIP logic (pcscf.h) on one event loop, with its state database
 * (pcscfd_state.c) and control socket (pcscfd_ctl.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/evloop.h"
#include "common/log.h"
#include "pcscf/config.h"
#include "pcscf/pcscf.h"
#include "pcscf/pcscfd.h"
#include "pcscf/privsep.h"
#include "sip/sip_transport.h"
#include "sip/sip_util.h"

#ifndef PCSCF_CONF
#define PCSCF_CONF "/etc/pcscf.conf"
#endif

#define PCSCFD_TICK_MS 1000

int pcscfd_send_now(struct pcscfd *d, const struct pcscf_peer *to, const char *buf, size_t len)
{
	int ret;

	if (to->proto == SIP_PROTO_TCP && to->conn_id) {
		ret = sip_transport_send_conn(d->tr, to->conn_id, buf, len);
		if (ret != -ENOTCONN)
			return ret;
	}
	return sip_transport_send(d->tr, to->proto, &to->local, &to->remote, buf, len);
}

/* Every privileged request logs the parent's reason when it fails. */
static int pcscfd_ps_result(struct pcscfd *d, int ret, const char *what)
{
	if (ret < 0)
		log_warn("%s: %s", what, privsep_error(d->ps));
	return ret;
}

/* Held until the state database has committed what this turn changed (see store.h). */
static int pcscfd_send(void *arg, const struct pcscf_peer *to, const char *buf, size_t len)
{
	return pcscfd_state_send(arg, to, buf, len);
}

static int pcscfd_spi_alloc(void *arg, const uint32_t avoid[2], uint32_t *spi)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, privsep_spi_alloc(d->ps, avoid, spi), "SPI allocation");
}

static int pcscfd_spi_release(void *arg, uint32_t spi)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, privsep_spi_release(d->ps, spi), "SPI release");
}

static int pcscfd_set_install(void *arg, const struct privsep_set_req *req, uint32_t *reqid,
			      uint8_t *sealed)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, privsep_set_install(d->ps, req, reqid, sealed),
				"SA set install");
}

static int pcscfd_set_delete(void *arg, uint32_t reqid)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, pcscfd_state_set_delete(d, reqid), "SA set delete");
}

static int pcscfd_set_extend(void *arg, uint32_t reqid, uint32_t lifetime_s)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, privsep_set_extend(d->ps, reqid, lifetime_s), "SA set extend");
}

static int pcscfd_set_add_address(void *arg, uint32_t reqid, const struct xfrm_addr *addr)
{
	struct pcscfd *d = arg;

	return pcscfd_ps_result(d, privsep_set_add_address(d->ps, reqid, addr), "SA address add");
}

static const struct pcscf_ops pcscfd_ops = {
	.send = pcscfd_send,
	.spi_alloc = pcscfd_spi_alloc,
	.spi_release = pcscfd_spi_release,
	.set_install = pcscfd_set_install,
	.set_delete = pcscfd_set_delete,
	.set_extend = pcscfd_set_extend,
	.set_add_address = pcscfd_set_add_address,
	.reg_save = pcscfd_state_save,
	.reg_forget = pcscfd_state_forget,
	.sign_save = pcscfd_state_sign_save,
};

static void pcscfd_rx(struct sip_transport *t, const struct sip_transport_rx *rx, void *arg)
{
	struct pcscfd *d = arg;
	struct pcscf_peer from = {.proto = rx->proto,
				  .local = *rx->local,
				  .remote = *rx->peer,
				  .conn_id = rx->conn_id};

	(void)t;
	pcscf_rx(d->logic, &from, rx->buf, rx->len, evloop_now_ms(d->loop));
}

static int pcscfd_listen_one(struct pcscfd *d, enum sip_proto proto, const struct xfrm_addr *a,
			     uint16_t port)
{
	struct sockaddr_storage ss;
	char text[INET6_ADDRSTRLEN];
	int ret;

	memset(&ss, 0, sizeof(ss));
	xfrm_addr_str(a, text, sizeof(text));
	if (sip_util_sockaddr_set(text, strlen(text), port, &ss) < 0)
		return -EINVAL;
	ret = sip_transport_listen(d->tr, proto, &ss, 0);
	if (ret < 0)
		log_err_ret(ret, "listen on %s [%s]:%u", proto == SIP_PROTO_TCP ? "TCP" : "UDP",
			    text, port);
	return ret < 0 ? ret : 0;
}

/*
 * Access addresses: UDP on the unprotected port, port-s and port-c; TCP listeners on the
 * unprotected port and port-s only, because our TCP connections to UEs leave from port-c
 * (TS 33.203 §7.1) and Linux refuses to bind a connection to a port a listener holds.
 * Core addresses: the unprotected port, UDP and TCP.
 */
static int pcscfd_listen(struct pcscfd *d)
{
	const struct config *c = &d->cfg;
	int ret = 0;

	for (size_t i = 0; i < c->naccess && ret == 0; i++) {
		ret = pcscfd_listen_one(d, SIP_PROTO_UDP, &c->access[i], c->port);
		if (ret == 0)
			ret = pcscfd_listen_one(d, SIP_PROTO_UDP, &c->access[i], c->port_s);
		if (ret == 0)
			ret = pcscfd_listen_one(d, SIP_PROTO_UDP, &c->access[i], c->port_c);
		if (ret == 0 && c->tcp)
			ret = pcscfd_listen_one(d, SIP_PROTO_TCP, &c->access[i], c->port);
		if (ret == 0 && c->tcp)
			ret = pcscfd_listen_one(d, SIP_PROTO_TCP, &c->access[i], c->port_s);
	}
	for (size_t i = 0; i < c->ncore && ret == 0; i++) {
		ret = pcscfd_listen_one(d, SIP_PROTO_UDP, &c->core[i], c->port);
		if (ret == 0 && c->tcp)
			ret = pcscfd_listen_one(d, SIP_PROTO_TCP, &c->core[i], c->port);
	}
	return ret;
}

static void pcscfd_log_stats(struct pcscfd *d)
{
	struct sip_transport_stats ts;
	struct pcscf_stats st;
	uint64_t failed = 0;

	pcscf_get_stats(d->logic, &st);
	for (int i = SIGN_OK + 1; i < SIGN_RESULT_COUNT; i++)
		failed += st.sign_checks[i];
	sip_transport_get_stats(d->tr, &ts);
	log_info("registrations=%llu pending=%llu rx=%llu bad=%llu forwarded=%llu answered=%llu "
		 "drop_unprotected=%llu drop_no_reg=%llu drop_no_txn=%llu drop_other=%llu "
		 "sets_installed=%llu sets_deleted=%llu addresses_added=%llu tcp_open=%llu",
		 (unsigned long long)st.registrations, (unsigned long long)st.pending,
		 (unsigned long long)st.rx, (unsigned long long)st.rx_bad,
		 (unsigned long long)st.forwarded, (unsigned long long)st.answered,
		 (unsigned long long)st.drop_unprotected, (unsigned long long)st.drop_no_reg,
		 (unsigned long long)st.drop_no_txn, (unsigned long long)st.drop_other,
		 (unsigned long long)st.sets_installed, (unsigned long long)st.sets_deleted,
		 (unsigned long long)st.addresses_added, (unsigned long long)ts.tcp_open);
	log_info("sign_made=%llu sign_verified=%llu sign_failed=%llu sign_failed_core=%llu "
		 "sign_403_limited=%llu sign_warnings=%llu sign_ues_over_rate=%llu",
		 (unsigned long long)st.sign_made, (unsigned long long)st.sign_checks[SIGN_OK],
		 (unsigned long long)failed, (unsigned long long)st.sign_core.failed,
		 (unsigned long long)st.sign_403_limited, (unsigned long long)st.sign_warnings,
		 (unsigned long long)st.sign_ues_over_rate);
}

static void pcscfd_signal(struct evloop *loop, int signo, void *arg)
{
	struct pcscfd *d = arg;

	if (signo == SIGUSR1) {
		pcscfd_log_stats(d);
	} else if (signo == SIGQUIT || getppid() != d->parent) {
		/* A planned restart, or the parent has died: the SAs and the database stay
		 * for the next start to reconcile. */
		log_info("%s: exiting, keeping the registrations and their SAs",
			 getppid() != d->parent ? "the privileged parent has gone"
						: strsignal(signo));
		evloop_stop(loop);
	} else if (signo == SIGHUP) {
		log_warn("SIGHUP: reloading the configuration is not supported; restart instead");
	} else {
		log_info("%s: deleting every SA set and exiting", strsignal(signo));
		pcscfd_log_stats(d);
		pcscf_shutdown(d->logic);
		evloop_stop(loop);
	}
}

static void pcscfd_tick(struct evloop *loop, uint64_t id, void *arg)
{
	struct pcscfd *d = arg;

	(void)id;
	pcscf_tick(d->logic, evloop_now_ms(loop));
	if (!evloop_timer_add(loop, PCSCFD_TICK_MS, pcscfd_tick, d))
		log_err("cannot re-arm the tick timer");
}

static void pcscfd_event(void *arg, const struct xfrm_event *event)
{
	struct pcscfd *d = arg;

	pcscf_xfrm_event(d->logic, event, evloop_now_ms(d->loop));
}

static void pcscfd_events(struct evloop *loop, int fd, unsigned int events, void *arg)
{
	struct pcscfd *d = arg;

	(void)fd, (void)events;
	if (privsep_events_read(d->ps, pcscfd_event, d) == -EPIPE) {
		log_err("the privileged parent has gone: exiting");
		d->status = 1;
		evloop_stop(loop);
	}
}

/* The child's loop: guard, logic, events, signals, tick. */
static int pcscfd_serve(struct pcscfd *d)
{
	static const int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT};
	int ret = privsep_guard(d->ps);

	if (ret < 0) {
		log_err("cannot install the protected-port guard: %s", privsep_error(d->ps));
		return 1;
	}
	d->started_ms = evloop_now_ms(d->loop);
	d->logic = pcscf_new(&d->cfg, &pcscfd_ops, d);
	/* The logic has its copy of the pool key (its ring takes it, and wipes that copy). */
	explicit_bzero(d->cfg.sign_pool_key, sizeof(d->cfg.sign_pool_key));
	if (!d->logic || pcscfd_state_open(d) < 0 || pcscfd_state_restore(d) < 0)
		return 1;
	evloop_set_before_sleep(d->loop, pcscfd_state_flush, d);
	if (pcscfd_ctl_start(d) < 0) {
		log_err("cannot serve the control socket");
		return 1;
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]) && ret == 0; i++)
		ret = evloop_add_signal(d->loop, signals[i], pcscfd_signal, d);
	if (ret == 0)
		ret = evloop_add_fd(d->loop, privsep_events_fd(d->ps), EVLOOP_READ, pcscfd_events,
				    d);
	if (ret < 0 || !evloop_timer_add(d->loop, PCSCFD_TICK_MS, pcscfd_tick, d)) {
		log_err("cannot set up the event loop");
		return 1;
	}
	log_info("ready: S-CSCF %s, protected ports %u/%u, running as %s", d->cfg.scscf,
		 d->cfg.port_s, d->cfg.port_c, d->cfg.user);
	if (d->foreground)
		fprintf(stderr, "pcscfd: ready\n");
	ret = evloop_run(d->loop);
	if (ret < 0)
		log_err_ret(ret, "event loop");
	return ret < 0 ? 1 : d->status;
}

static int pcscfd_start(struct pcscfd *d)
{
	struct privsep_limits limits;
	struct xfrm_mgr_config xc;
	int ret;

	d->loop = evloop_new();
	d->tr = d->loop ? sip_transport_new(d->loop, NULL, pcscfd_rx, d) : NULL;
	if (!d->tr) {
		log_err_errno("cannot create the event loop");
		return 1;
	}
	if (pcscfd_listen(d) < 0 || pcscfd_ctl_listen(d) < 0)
		return 1;
	if (!d->foreground && daemon(0, 0) < 0) {
		log_err_errno("daemon");
		return 1;
	}
	config_privsep_limits(&d->cfg, &limits);
	limits.child_secret = d->cfg.sign_pool_key; /* the parent's copy of it goes at once */
	limits.child_secret_len = sizeof(d->cfg.sign_pool_key);
	if (pcscfd_state_prepare(d, &limits) < 0)
		return 1;
	xfrm_mgr_config_default(&xc);
	xc.spi_min = d->cfg.spi_min;
	xc.spi_max = d->cfg.spi_max;
	/* Every set's selectors are at least this long: hashed, not on the unhashed list. */
	xc.hash_bits6 = d->cfg.min_prefix_len6;
	xc.hash_bits4 = d->cfg.min_prefix_len4;
	d->parent = getpid();
	/* Returns in the child only, which is then d->cfg.user without capabilities. */
	ret = privsep_start(&limits, &xc, d->cfg.user, &d->ps);
	explicit_bzero(&limits, sizeof(limits)); /* the at-rest key stays with the parent */
	if (ret < 0) {
		log_err_ret(ret, "privilege separation (user %s)%s%s", d->cfg.user,
			    d->ps ? ": " : "", d->ps ? privsep_error(d->ps) : "");
		return 1;
	}
	return pcscfd_serve(d);
}

static void pcscfd_usage(FILE *f)
{
	fprintf(f, "usage: pcscfd [-f FILE] [-n] [-d] [-l LEVEL]\n"
		   "  -f FILE   configuration (default " PCSCF_CONF ")\n"
		   "  -n        check the configuration and exit\n"
		   "  -d        stay in the foreground, log to stderr\n"
		   "  -l LEVEL  log level: error, warning, info or debug\n");
}

static int pcscfd_options(struct pcscfd *d, int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "f:ndl:h")) != -1) {
		switch (opt) {
		case 'f':
			d->path = optarg;
			break;
		case 'n':
			d->check_only = true;
			break;
		case 'd':
			d->foreground = true;
			break;
		case 'l':
			d->log_level = log_level_from_name(optarg);
			if (d->log_level < 0) {
				fprintf(stderr, "pcscfd: unknown log level '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			pcscfd_usage(stdout);
			exit(0);
		default:
			pcscfd_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		pcscfd_usage(stderr);
		return 2;
	}
	return 0;
}

static void pcscfd_free(struct pcscfd *d)
{
	pcscfd_state_flush(d->loop, d);
	pcscfd_state_close(d);
	pcscfd_ctl_close(d);
	pcscf_free(d->logic);
	privsep_free(d->ps);
	sip_transport_free(d->tr);
	evloop_free(d->loop);
	explicit_bzero(d->cfg.sign_pool_key, sizeof(d->cfg.sign_pool_key));
}

int main(int argc, char **argv)
{
	struct pcscfd d = {.path = PCSCF_CONF, .log_level = -1, .ctl_fd = -1};
	int ret = pcscfd_options(&d, argc, argv);

	if (ret)
		return ret;
	config_default(&d.cfg);
	ret = config_load(d.path, &d.cfg, stderr);
	if (ret != 0) {
		fprintf(stderr, "pcscfd: %s: %s\n", d.path,
			ret < 0 ? "cannot be read" : "configuration refused");
		return 1;
	}
	if (d.check_only) {
		printf("pcscfd: %s: configuration OK\n", d.path);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init("pcscfd", d.log_level >= 0 ? d.log_level : d.cfg.log_level, !d.foreground);
	ret = pcscfd_start(&d);
	pcscfd_free(&d);
	return ret;
}
