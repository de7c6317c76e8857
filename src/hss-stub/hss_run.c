/*
 * hss_run.c — "hss-stub run": the S-CSCF/registrar on UDP and TCP. One process, one event
 * loop: the transport (src/sip/sip_transport.h) hands every message to hss_sip_receive(), a
 * one-second timer expires bindings and challenges, SIGTERM and SIGINT stop the loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/evloop.h"
#include "common/log.h"
#include "hss-stub/hss_cli.h"
#include "hss-stub/hss_sip.h"
#include "sip/sip_transport.h"
#include "sip/sip_util.h"

#define HSS_RUN_MAX_LISTEN (HSS_SIP_MAX_LOCALS / 2)
#define HSS_RUN_TICK_MS	   1000

static const char hss_run_cmd[] = "run";

static const char hss_run_usage[] =
	"usage: hss-stub run --listen ADDR[:PORT] [--listen ...] [--db FILE] [--domain DOMAIN]\n"
	"                    [--name URI] [--default-expires S] [--min-expires S]\n"
	"                    [--max-expires S] [--auth-timeout S] [--always-challenge]\n"
	"                    [--log-level LEVEL] [--syslog]\n"
	"\n"
	"Run the S-CSCF/registrar: AKA registration (401 with ck/ik, AUTS resynchronisation),\n"
	"bindings with Path, stateless routing of requests to registered IMPUs and of responses\n"
	"by Via. Listens on UDP and TCP at every ADDR (an IPv6 address may be bracketed; the\n"
	"port defaults to 5060, 0 picks one) and prints one 'listening' line each when ready.\n"
	"DOMAIN (default ims.test) is the home domain and realm; URI (default\n"
	"sip:scscf.DOMAIN) names the S-CSCF in Service-Route. LEVEL: err, warn, info, debug.\n";

enum {
	OPT_LISTEN = 256,
	OPT_DB,
	OPT_DOMAIN,
	OPT_NAME,
	OPT_DEFAULT_EXPIRES,
	OPT_MIN_EXPIRES,
	OPT_MAX_EXPIRES,
	OPT_AUTH_TIMEOUT,
	OPT_ALWAYS_CHALLENGE,
	OPT_LOG_LEVEL,
	OPT_SYSLOG,
};

static const struct option hss_run_opts[] = {
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"db", required_argument, NULL, OPT_DB},
	{"domain", required_argument, NULL, OPT_DOMAIN},
	{"name", required_argument, NULL, OPT_NAME},
	{"default-expires", required_argument, NULL, OPT_DEFAULT_EXPIRES},
	{"min-expires", required_argument, NULL, OPT_MIN_EXPIRES},
	{"max-expires", required_argument, NULL, OPT_MAX_EXPIRES},
	{"auth-timeout", required_argument, NULL, OPT_AUTH_TIMEOUT},
	{"always-challenge", no_argument, NULL, OPT_ALWAYS_CHALLENGE},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"syslog", no_argument, NULL, OPT_SYSLOG},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct hss_run_args {
	struct sockaddr_storage listen[HSS_RUN_MAX_LISTEN];
	size_t n_listen;
	const char *db;
	struct hss_sip_config cfg;
	int log_level;
	bool use_syslog, help;
};

/* Everything the loop's callbacks need. */
struct hss_run {
	struct evloop *loop;
	struct sip_transport *t;
	struct hss_sip *sip;
	struct hss_db *db;
};

/* ---- options ---- */

/*
 * ADDR[:PORT]: "[v6]" or "[v6]:port", "v4" or "v4:port", or a bare IPv6 address (more than
 * one colon), which then has no port.
 */
static int hss_run_parse_listen(const char *arg, struct sockaddr_storage *ss)
{
	const char *host = arg, *colon, *end;
	size_t host_len = strlen(arg);
	unsigned long port = 5060;
	char *stop;

	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		host = arg + 1;
		host_len = (size_t)(end - host);
		colon = end[1] ? end + 1 : NULL;
	} else {
		colon = strchr(arg, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 address */
		else if (colon)
			host_len = (size_t)(colon - arg);
	}
	if (colon) {
		errno = 0;
		port = strtoul(colon + 1, &stop, 10);
		if (!colon[1] || *stop || errno || port > 65535)
			return -EINVAL;
	}
	return sip_util_sockaddr_set(host, host_len, (uint16_t)port, ss);
}

static int hss_run_uint(const char *opt, const char *arg, uint32_t min, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < min || v > UINT32_MAX || arg[0] == '-')
		return hss_cli_usage_error(hss_run_cmd, "--%s: expected a number of seconds >= %u",
					   opt, min);
	*out = (uint32_t)v;
	return 0;
}

static int hss_run_option(struct hss_run_args *a, int c)
{
	switch (c) {
	case OPT_LISTEN:
		if (a->n_listen >= HSS_RUN_MAX_LISTEN)
			return hss_cli_usage_error(hss_run_cmd, "more than %d --listen",
						   HSS_RUN_MAX_LISTEN);
		if (hss_run_parse_listen(optarg, &a->listen[a->n_listen]) != 0)
			return hss_cli_usage_error(hss_run_cmd, "--listen: '%s' is not ADDR[:PORT]",
						   optarg);
		a->n_listen++;
		return 0;
	case OPT_DB:
		a->db = optarg;
		return 0;
	case OPT_DOMAIN:
		a->cfg.domain = optarg;
		return 0;
	case OPT_NAME:
		a->cfg.name = optarg;
		return 0;
	case OPT_DEFAULT_EXPIRES:
		return hss_run_uint("default-expires", optarg, 1, &a->cfg.default_expires);
	case OPT_MIN_EXPIRES:
		return hss_run_uint("min-expires", optarg, 1, &a->cfg.min_expires);
	case OPT_MAX_EXPIRES:
		return hss_run_uint("max-expires", optarg, 1, &a->cfg.max_expires);
	case OPT_AUTH_TIMEOUT:
		return hss_run_uint("auth-timeout", optarg, 1, &a->cfg.auth_timeout_s);
	case OPT_ALWAYS_CHALLENGE:
		a->cfg.always_challenge = true;
		return 0;
	case OPT_LOG_LEVEL:
		a->log_level = log_level_from_name(optarg);
		if (a->log_level < 0)
			return hss_cli_usage_error(hss_run_cmd, "--log-level: unknown level '%s'",
						   optarg);
		return 0;
	case OPT_SYSLOG:
		a->use_syslog = true;
		return 0;
	case 'h':
		a->help = true;
		return 0;
	default:
		return HSS_EXIT_USAGE;
	}
}

static int hss_run_parse(struct hss_run_args *a, int argc, char **argv)
{
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", hss_run_opts, NULL)) != -1) {
		if (c == ':' || c == '?')
			return hss_cli_getopt_error(hss_run_cmd, hss_run_opts, c, argv);
		ret = hss_run_option(a, c);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return hss_cli_usage_error(hss_run_cmd, "unexpected argument '%s'", argv[optind]);
	if (a->help)
		return 0;
	if (a->n_listen == 0)
		return hss_cli_usage_error(hss_run_cmd, "missing --listen");
	if (a->cfg.min_expires && a->cfg.max_expires && a->cfg.min_expires > a->cfg.max_expires)
		return hss_cli_usage_error(hss_run_cmd, "--min-expires is above --max-expires");
	return 0;
}

/* ---- the loop's callbacks ---- */

static int hss_run_send(const struct hss_sip_tx *tx, void *arg)
{
	struct hss_run *r = arg;
	int ret;

	if (tx->proto == SIP_PROTO_TCP && tx->conn_id) {
		ret = sip_transport_send_conn(r->t, tx->conn_id, tx->buf, tx->len);
		if (ret != -ENOTCONN)
			return ret;
	}
	return sip_transport_send(r->t, tx->proto, tx->local, tx->peer, tx->buf, tx->len);
}

static void hss_run_rx(struct sip_transport *t, const struct sip_transport_rx *rx, void *arg)
{
	struct hss_run *r = arg;

	(void)t;
	hss_sip_receive(r->sip, rx, evloop_now_ms(r->loop));
}

static void hss_run_tick(struct evloop *loop, uint64_t id, void *arg)
{
	struct hss_run *r = arg;

	(void)id;
	hss_sip_expire(r->sip, evloop_now_ms(loop));
	if (!evloop_timer_add(loop, HSS_RUN_TICK_MS, hss_run_tick, r))
		log_err("cannot re-arm the expiry timer");
}

static void hss_run_signal(struct evloop *loop, int signo, void *arg)
{
	(void)arg;
	log_info("signal %d: stopping", signo);
	evloop_stop(loop);
}

/* ---- set-up ---- */

/* UDP and TCP on every address, then one "listening" line each. */
static int hss_run_listen(struct hss_run *r, const struct hss_run_args *a)
{
	static const enum sip_proto protos[] = {SIP_PROTO_UDP, SIP_PROTO_TCP};
	struct sockaddr_storage bound[HSS_SIP_MAX_LOCALS];
	char text[SIP_UTIL_ADDR_SIZE];
	size_t i, k, n = 0;
	int id, ret;

	for (i = 0; i < a->n_listen; i++) {
		for (k = 0; k < 2; k++, n++) {
			sip_util_sockaddr_format(&a->listen[i], text, sizeof(text));
			id = sip_transport_listen(r->t, protos[k], &a->listen[i], 0);
			if (id < 0)
				return hss_cli_fail(hss_run_cmd, "cannot listen on %s %s: %s",
						    k ? "TCP" : "UDP", text, strerror(-id));
			ret = sip_transport_listener_addr(r->t, id, &bound[n]);
			if (!ret)
				ret = hss_sip_add_local(r->sip, protos[k], &bound[n]);
			if (ret)
				return hss_cli_fail(hss_run_cmd, "cannot use %s: %s", text,
						    strerror(-ret));
		}
	}
	for (i = 0; i < n; i++) {
		sip_util_sockaddr_format(&bound[i], text, sizeof(text));
		printf("listening on %s %s\n", i % 2 ? "tcp" : "udp", text);
	}
	return hss_cli_flush(hss_run_cmd);
}

static int hss_run_setup(struct hss_run *r, const struct hss_run_args *a)
{
	int ret;

	ret = hss_cli_db_open(hss_run_cmd, a->db, &r->db);
	if (ret)
		return ret;
	r->loop = evloop_new();
	if (!r->loop)
		return hss_cli_fail(hss_run_cmd, "cannot create the event loop: %s",
				    strerror(errno));
	r->sip = hss_sip_new(&a->cfg, r->db, hss_run_send, r);
	if (!r->sip)
		return hss_cli_fail(hss_run_cmd, "%s",
				    errno == EINVAL ? "bad --domain or --name (a sip: URI"
						      " without user part)"
						    : "out of memory");
	r->t = sip_transport_new(r->loop, NULL, hss_run_rx, r);
	if (!r->t)
		return hss_cli_fail(hss_run_cmd, "out of memory");
	if (evloop_add_signal(r->loop, SIGTERM, hss_run_signal, r) ||
	    evloop_add_signal(r->loop, SIGINT, hss_run_signal, r) ||
	    !evloop_timer_add(r->loop, HSS_RUN_TICK_MS, hss_run_tick, r))
		return hss_cli_fail(hss_run_cmd, "cannot set up signals and timers");
	return hss_run_listen(r, a);
}

static void hss_run_cleanup(struct hss_run *r)
{
	sip_transport_free(r->t);
	hss_sip_free(r->sip);
	evloop_free(r->loop);
	hss_db_free(r->db);
}

int hss_run_main(int argc, char **argv)
{
	struct hss_run_args a;
	struct hss_run r = {0};
	int ret;

	memset(&a, 0, sizeof(a));
	a.cfg.domain = "ims.test";
	a.log_level = LOG_LEVEL_INFO;
	ret = hss_run_parse(&a, argc, argv);
	if (ret)
		return ret;
	if (a.help) {
		fputs(hss_run_usage, stdout);
		return hss_cli_flush(hss_run_cmd);
	}
	log_init("hss-stub", a.log_level, a.use_syslog);
	signal(SIGPIPE, SIG_IGN);
	ret = hss_run_setup(&r, &a);
	if (!ret) {
		log_info("S-CSCF for %s running", a.cfg.domain);
		ret = evloop_run(r.loop);
		if (ret) {
			log_err_ret(ret, "event loop failed");
			ret = HSS_EXIT_FAIL;
		}
	}
	hss_run_cleanup(&r);
	return ret;
}
