/*
 * ue-sim — simulated IMS UEs driven by steps (see ue-sim(8) and ue_step.h).
 *
 *   ue-sim [GLOBAL OPTIONS] [--ue NAME [UE OPTIONS]]... --steps FILE|-
 *
 * Options that describe one UE (--ue, --impi, --local, ...) apply to the UE named by the
 * last --ue before them; given before any --ue they describe the first UE.
 * Exit status: 0 every step met its expectation, 1 one did not (or failed), 2 usage or
 * start-up error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "ue-sim/ue.h"

#define UESIM_MAX_UES 64

/* What the command line says about one UE. */
struct uesim_ue_opts {
	struct ue_ident id;
	char sub_name[64]; /* --ue NAME: the subscriber file line */
	struct sockaddr_storage local;
	bool have_local;
	uint16_t port, port_c, port_s;
	char dev[32];
	uint8_t op[MILENAGE_K_LEN];
	bool have_op;
	bool touched; /* some option was given for it */
};

struct uesim_opts {
	const char *subscribers;
	const char *steps;
	int log_level;
	struct uesim_ue_opts ue[UESIM_MAX_UES];
	size_t n_ue;
	struct ue_load_config load; /* --load N: load.n > 0 */
	bool print_subscribers;
};

static const char uesim_usage_text[] =
	"usage: ue-sim [options] [--ue NAME [UE options]]... --steps FILE|-\n"
	"global: --pcscf ADDR:PORT | --scscf ADDR:PORT, --subscribers FILE,\n"
	"        --transport udp|tcp, --mech ipsec-3gpp|ipsec-man|none, --no-ipsec,\n"
	"        --alg LIST, --ealg LIST, --prefix N, --expires S, --timeout S,\n"
	"        --spi-base N, --no-refresh, --log-level LEVEL, -v, --help, --version\n"
	"load:   --load N [--window W] [--rate R] [--messages M] [--msg-rate R] [--invites]\n"
	"        [--deregister] [--load-seed S] [--load-domain D] [--print-subscribers]\n"
	"        (with --local BASE [--dev IFNAME], instead of --ue and --steps)\n"
	"per UE: --ue NAME, --impi ID, --impu URI, --domain D, --k HEX, --opc HEX | --op HEX,\n"
	"        --sqn-ms HEX, --local ADDR, --port N, --ports C,S, --dev IFNAME\n"
	"see ue-sim(8)\n";

static void uesim_usage(const char *why)
{
	if (why)
		fprintf(stderr, "ue-sim: %s\n", why);
	fputs(uesim_usage_text, stderr);
	exit(2);
}

enum {
	OPT_PCSCF = 256,
	OPT_SCSCF,
	OPT_SUBSCRIBERS,
	OPT_TRANSPORT,
	OPT_MECH,
	OPT_NO_IPSEC,
	OPT_ALG,
	OPT_EALG,
	OPT_PREFIX,
	OPT_EXPIRES,
	OPT_TIMEOUT,
	OPT_SPI_BASE,
	OPT_NO_REFRESH,
	OPT_LOG_LEVEL,
	OPT_STEPS,
	OPT_VERSION,
	OPT_LOAD,
	OPT_WINDOW,
	OPT_RATE,
	OPT_MESSAGES,
	OPT_MSG_RATE,
	OPT_DEREGISTER,
	OPT_INVITES,
	OPT_LOAD_SEED,
	OPT_LOAD_DOMAIN,
	OPT_PRINT_SUBSCRIBERS,
	OPT_UE,
	OPT_IMPI,
	OPT_IMPU,
	OPT_DOMAIN,
	OPT_K,
	OPT_OPC,
	OPT_OP,
	OPT_SQN_MS,
	OPT_LOCAL,
	OPT_PORT,
	OPT_PORTS,
	OPT_DEV,
};

static const struct option uesim_options[] = {
	{"pcscf", required_argument, NULL, OPT_PCSCF},
	{"scscf", required_argument, NULL, OPT_SCSCF},
	{"subscribers", required_argument, NULL, OPT_SUBSCRIBERS},
	{"transport", required_argument, NULL, OPT_TRANSPORT},
	{"mech", required_argument, NULL, OPT_MECH},
	{"no-ipsec", no_argument, NULL, OPT_NO_IPSEC},
	{"alg", required_argument, NULL, OPT_ALG},
	{"ealg", required_argument, NULL, OPT_EALG},
	{"prefix", required_argument, NULL, OPT_PREFIX},
	{"expires", required_argument, NULL, OPT_EXPIRES},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"spi-base", required_argument, NULL, OPT_SPI_BASE},
	{"no-refresh", no_argument, NULL, OPT_NO_REFRESH},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"steps", required_argument, NULL, OPT_STEPS},
	{"version", no_argument, NULL, OPT_VERSION},
	{"help", no_argument, NULL, 'h'},
	{"load", required_argument, NULL, OPT_LOAD},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"rate", required_argument, NULL, OPT_RATE},
	{"messages", required_argument, NULL, OPT_MESSAGES},
	{"msg-rate", required_argument, NULL, OPT_MSG_RATE},
	{"deregister", no_argument, NULL, OPT_DEREGISTER},
	{"invites", no_argument, NULL, OPT_INVITES},
	{"load-seed", required_argument, NULL, OPT_LOAD_SEED},
	{"load-domain", required_argument, NULL, OPT_LOAD_DOMAIN},
	{"print-subscribers", no_argument, NULL, OPT_PRINT_SUBSCRIBERS},
	{"ue", required_argument, NULL, OPT_UE},
	{"impi", required_argument, NULL, OPT_IMPI},
	{"impu", required_argument, NULL, OPT_IMPU},
	{"domain", required_argument, NULL, OPT_DOMAIN},
	{"k", required_argument, NULL, OPT_K},
	{"opc", required_argument, NULL, OPT_OPC},
	{"op", required_argument, NULL, OPT_OP},
	{"sqn-ms", required_argument, NULL, OPT_SQN_MS},
	{"local", required_argument, NULL, OPT_LOCAL},
	{"port", required_argument, NULL, OPT_PORT},
	{"ports", required_argument, NULL, OPT_PORTS},
	{"dev", required_argument, NULL, OPT_DEV},
	{NULL, 0, NULL, 0},
};

static unsigned long uesim_number(const char *text, unsigned long min, unsigned long max,
				  const char *what)
{
	char *end, why[96];
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (!*text || *end || errno || v < min || v > max) {
		snprintf(why, sizeof(why), "%s: a number from %lu to %lu expected", what, min, max);
		uesim_usage(why);
	}
	return v;
}

/* "[2001:db8::1]:5060", "10.0.0.1:5060", or an address alone with @port. */
static void uesim_hostport(const char *text, uint16_t port, struct sockaddr_storage *ss,
			   const char *what)
{
	char host[INET6_ADDRSTRLEN + 2], why[96];
	const char *colon = strrchr(text, ':');
	size_t n;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		n = close ? (size_t)(close - text - 1) : sizeof(host);
		colon = close && close[1] == ':' ? close + 1 : NULL;
		text++;
	} else if (colon && strchr(text, ':') == colon) {
		n = (size_t)(colon - text);
	} else {
		n = strlen(text);
		colon = NULL;
	}
	if (colon)
		port = (uint16_t)uesim_number(colon + 1, 1, 65535, what);
	snprintf(why, sizeof(why), "%s: an IPv4 or IPv6 address expected", what);
	if (n >= sizeof(host))
		uesim_usage(why);
	memcpy(host, text, n);
	host[n] = '\0';
	if (sip_util_sockaddr_set(host, n, port, ss) != 0)
		uesim_usage(why);
}

static struct uesim_ue_opts *uesim_cur_ue(struct uesim_opts *o)
{
	if (o->n_ue == 0) {
		memset(&o->ue[0], 0, sizeof(o->ue[0]));
		ue_ident_init(&o->ue[0].id);
		o->n_ue = 1;
	}
	o->ue[o->n_ue - 1].touched = true;
	return &o->ue[o->n_ue - 1];
}

static void uesim_new_ue(struct uesim_opts *o, const char *name)
{
	struct uesim_ue_opts *u;

	if (o->n_ue == 0 || o->ue[o->n_ue - 1].sub_name[0] || o->ue[o->n_ue - 1].id.impi[0]) {
		if (o->n_ue == UESIM_MAX_UES)
			uesim_usage("too many UEs");
		memset(&o->ue[o->n_ue], 0, sizeof(o->ue[0]));
		ue_ident_init(&o->ue[o->n_ue].id);
		o->n_ue++;
	}
	u = uesim_cur_ue(o);
	snprintf(u->sub_name, sizeof(u->sub_name), "%s", name);
	snprintf(u->id.name, sizeof(u->id.name), "%s", name);
}

static void uesim_key(const char *text, uint8_t *out, bool *flag, const char *what)
{
	char why[64];

	snprintf(why, sizeof(why), "%s: 32 hex digits expected", what);
	if (ue_ident_parse_hex(text, out, MILENAGE_K_LEN) != 0)
		uesim_usage(why);
	*flag = true;
}

/* The options that describe one UE; false when @opt is not one of them. */
static bool uesim_ue_option(struct uesim_opts *o, int opt, const char *arg)
{
	struct uesim_ue_opts *u;
	uint32_t c, s;

	if (opt == OPT_UE) {
		uesim_new_ue(o, arg);
		return true;
	}
	if (opt < OPT_IMPI)
		return false;
	u = uesim_cur_ue(o);
	switch (opt) {
	case OPT_IMPI:
		snprintf(u->id.impi, sizeof(u->id.impi), "%s", arg);
		break;
	case OPT_IMPU:
		snprintf(u->id.impu, sizeof(u->id.impu), "%s", arg);
		break;
	case OPT_DOMAIN:
		snprintf(u->id.domain, sizeof(u->id.domain), "%s", arg);
		break;
	case OPT_K:
		uesim_key(arg, u->id.k, &u->id.has_k, "--k");
		break;
	case OPT_OPC:
		uesim_key(arg, u->id.opc, &u->id.has_opc, "--opc");
		break;
	case OPT_OP:
		uesim_key(arg, u->op, &u->have_op, "--op");
		break;
	case OPT_SQN_MS:
		if (ue_ident_parse_sqn(arg, &u->id.sqn.sqn_ms) != 0)
			uesim_usage("--sqn-ms: up to 12 hex digits expected");
		u->id.sqn_set = true;
		break;
	case OPT_LOCAL:
		uesim_hostport(arg, 0, &u->local, "--local");
		u->have_local = true;
		break;
	case OPT_PORT:
		u->port = (uint16_t)uesim_number(arg, 1, 65535, "--port");
		break;
	case OPT_PORTS:
		if (sscanf(arg, "%u,%u", &c, &s) != 2 || !c || !s || c > 65533 || s > 65533 ||
		    c == s || c + 2 == s || s + 2 == c)
			uesim_usage(
				"--ports: C,S expected (re-registrations also use C+2 and S+2)");
		u->port_c = (uint16_t)c, u->port_s = (uint16_t)s;
		break;
	case OPT_DEV:
		snprintf(u->dev, sizeof(u->dev), "%s", arg);
		break;
	default:
		return false;
	}
	return true;
}

static double uesim_rate(const char *text, const char *what)
{
	char *end, why[96];
	double v = strtod(text, &end);

	if (!*text || *end || !(v >= 0 && v <= 1e6)) {
		snprintf(why, sizeof(why), "%s: a rate from 0 to 1000000 per second expected",
			 what);
		uesim_usage(why);
	}
	return v;
}

/* The load mode's options; false when @opt is not one of them. */
static bool uesim_load_option(struct uesim_opts *o, int opt, const char *arg)
{
	struct ue_load_config *l = &o->load;

	switch (opt) {
	case OPT_LOAD:
		l->n = (unsigned)uesim_number(arg, 1, 100000, "--load");
		break;
	case OPT_WINDOW:
		l->window = (unsigned)uesim_number(arg, 1, 100000, "--window");
		break;
	case OPT_RATE:
		l->rate = uesim_rate(arg, "--rate");
		break;
	case OPT_MESSAGES:
		l->messages = (unsigned)uesim_number(arg, 0, 10000000, "--messages");
		break;
	case OPT_MSG_RATE:
		l->msg_rate = uesim_rate(arg, "--msg-rate");
		break;
	case OPT_DEREGISTER:
		l->deregister = true;
		break;
	case OPT_INVITES:
		l->invites = true;
		break;
	case OPT_LOAD_SEED:
		l->seed = (unsigned)uesim_number(arg, 0, 0xffffffffu, "--load-seed");
		break;
	case OPT_LOAD_DOMAIN:
		if (snprintf(l->domain, sizeof(l->domain), "%s", arg) >= (int)sizeof(l->domain))
			uesim_usage("--load-domain: too long");
		break;
	case OPT_PRINT_SUBSCRIBERS:
		o->print_subscribers = true;
		break;
	default:
		return false;
	}
	return true;
}

static void uesim_mech(struct uesim_config *cfg, const char *arg)
{
	if (!strcmp(arg, "ipsec-3gpp"))
		cfg->mech = UE_MECH_IPSEC_3GPP;
	else if (!strcmp(arg, "ipsec-man"))
		cfg->mech = UE_MECH_IPSEC_MAN;
	else if (!strcmp(arg, "none"))
		cfg->mech = UE_MECH_NONE;
	else
		uesim_usage("--mech: ipsec-3gpp, ipsec-man or none");
}

/* Options about ue-sim itself rather than its UEs' network. */
static void uesim_misc_option(struct uesim_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_LOG_LEVEL:
		if ((o->log_level = log_level_from_name(arg)) < 0)
			uesim_usage("--log-level: err, warn, info or debug");
		break;
	case OPT_STEPS:
		o->steps = arg;
		break;
	case 'v':
		o->log_level = o->log_level < LOG_LEVEL_INFO ? LOG_LEVEL_INFO : LOG_LEVEL_DEBUG;
		break;
	case OPT_VERSION:
		printf("ue-sim %s\n", PACKAGE_VERSION);
		exit(0);
	case 'h':
		fputs(uesim_usage_text, stdout);
		exit(0);
	default:
		uesim_usage(NULL);
	}
}

static void uesim_global_option(struct uesim_opts *o, struct uesim_config *cfg, int opt,
				const char *arg)
{
	switch (opt) {
	case OPT_PCSCF:
	case OPT_SCSCF:
		uesim_hostport(arg, 5060, &cfg->proxy, opt == OPT_PCSCF ? "--pcscf" : "--scscf");
		cfg->have_proxy = true;
		cfg->direct = opt == OPT_SCSCF;
		break;
	case OPT_SUBSCRIBERS:
		o->subscribers = arg;
		break;
	case OPT_TRANSPORT:
		cfg->proto = !strcmp(arg, "udp")   ? SIP_PROTO_UDP
			     : !strcmp(arg, "tcp") ? SIP_PROTO_TCP
						   : 0;
		if (!cfg->proto)
			uesim_usage("--transport: udp or tcp");
		break;
	case OPT_MECH:
		uesim_mech(cfg, arg);
		break;
	case OPT_NO_IPSEC:
		cfg->mech = UE_MECH_NONE;
		break;
	case OPT_ALG:
		if (ue_secagree_parse_algs(arg, cfg->offer.algs, &cfg->offer.n_algs) != 0)
			uesim_usage("--alg: hmac-sha-1-96, hmac-md5-96, aes-gmac or null, "
				    "comma-separated");
		break;
	case OPT_EALG:
		if (ue_secagree_parse_ealgs(arg, cfg->offer.ealgs, &cfg->offer.n_ealgs) != 0)
			uesim_usage(
				"--ealg: null, aes-cbc, des-ede3-cbc or aes-gcm, comma-separated");
		break;
	case OPT_PREFIX:
		cfg->offer.prefix_len = (unsigned)uesim_number(arg, 1, 128, "--prefix");
		break;
	case OPT_EXPIRES:
		cfg->expires = (uint32_t)uesim_number(arg, 1, 1u << 30, "--expires");
		break;
	case OPT_TIMEOUT:
		cfg->txn_timeout_ms = (uint32_t)uesim_number(arg, 1, 3600, "--timeout") * 1000;
		break;
	case OPT_SPI_BASE:
		cfg->spi_next = (uint32_t)uesim_number(arg, 256, 0x7fff0000, "--spi-base");
		break;
	case OPT_NO_REFRESH:
		cfg->refresh = false;
		break;
	default:
		uesim_misc_option(o, opt, arg);
	}
}

static void uesim_defaults(struct uesim_opts *o, struct uesim_config *cfg)
{
	uint32_t r;

	memset(o, 0, sizeof(*o));
	memset(cfg, 0, sizeof(*cfg));
	o->log_level = LOG_LEVEL_ERR;
	o->load.window = 64;
	o->load.msg_rate = 100;
	snprintf(o->load.domain, sizeof(o->load.domain), "ims.test");
	cfg->proto = SIP_PROTO_UDP;
	cfg->expires = 600;
	cfg->txn_timeout_ms = 64 * UE_T1_MS;
	cfg->refresh = true;
	cfg->offer.algs[0] = IPSEC_INTEG_HMAC_SHA1_96;
	cfg->offer.n_algs = 1;
	cfg->offer.ealgs[0] = IPSEC_ENCR_AES_CBC;
	cfg->offer.ealgs[1] = IPSEC_ENCR_NULL;
	cfg->offer.n_ealgs = 2;
	/* SPIs of different runs should not meet in one kernel: start somewhere random */
	r = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 12);
	cfg->spi_next = 0x10000 + r % 0x7ff00000u;
}

static void uesim_parse(int argc, char **argv, struct uesim_opts *o, struct uesim_config *cfg)
{
	int opt;

	uesim_defaults(o, cfg);
	while ((opt = getopt_long(argc, argv, "vh", uesim_options, NULL)) != -1)
		if (!uesim_ue_option(o, opt, optarg) && !uesim_load_option(o, opt, optarg))
			uesim_global_option(o, cfg, opt, optarg);
	if (optind < argc)
		uesim_usage("unexpected argument");
	if (cfg->mech == UE_MECH_DEFAULT)
		cfg->mech = cfg->direct ? UE_MECH_NONE : UE_MECH_IPSEC_3GPP;
	if (o->load.n) {
		if (o->print_subscribers)
			return;
		if (o->steps || o->n_ue != 1 || !o->ue[0].have_local || o->ue[0].sub_name[0])
			uesim_usage("--load: --local BASE instead of --ue and --steps");
		if (!cfg->have_proxy)
			uesim_usage("--load: --pcscf or --scscf is required");
		o->load.base = o->ue[0].local;
		snprintf(o->load.dev, sizeof(o->load.dev), "%s", o->ue[0].dev);
		return;
	}
	if (!o->steps)
		uesim_usage("--steps FILE or --steps - is required");
	if (o->n_ue == 0)
		uesim_usage("no UE: give --ue NAME (with --subscribers) or --impi");
}

/* Complete one UE's identity and create it. */
static int uesim_make_ue(struct uesim *sim, const struct uesim_opts *o, struct uesim_ue_opts *u)
{
	char why[300];
	struct ue *ue;
	int ret;

	if (o->subscribers && u->sub_name[0] &&
	    ue_ident_from_file(o->subscribers, u->sub_name, &u->id, why, sizeof(why)) != 0)
		return fprintf(stderr, "ue-sim: %s\n", why), -EINVAL;
	if (u->have_op && u->id.has_k && !u->id.has_opc) {
		if (milenage_opc(u->id.k, u->op, u->id.opc) != 0)
			return fprintf(stderr, "ue-sim: cannot derive OPc\n"), -EINVAL;
		u->id.has_opc = true;
	}
	if (ue_ident_finish(&u->id, why, sizeof(why)) != 0)
		return fprintf(stderr, "ue-sim: %s\n", why), -EINVAL;
	if (!u->have_local)
		return fprintf(stderr, "ue-sim: %s: --local ADDR is required\n", u->id.name),
		       -EINVAL;
	ret = ue_new(sim, &u->id, &u->local, u->port ? u->port : 5060, &ue);
	if (ret)
		return fprintf(stderr, "ue-sim: %s: cannot open its sockets: %s\n", u->id.name,
			       strerror(-ret)),
		       ret;
	ue->port_c = u->port_c ? u->port_c : 6100;
	ue->port_s = u->port_s ? u->port_s : 6101;
	snprintf(ue->dev, sizeof(ue->dev), "%s", u->dev);
	ret = uesim_add_ue(sim, ue);
	if (ret)
		ue_free(ue);
	return ret;
}

static void uesim_signal(struct evloop *loop, int signo, void *arg)
{
	struct uesim *sim = arg;

	(void)loop;
	log_info("signal %d: removing SAs and stopping", signo);
	ue_run_quit(sim, sim->run.failed ? 1 : 0);
}

static int uesim_open_steps(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "ue-sim: %s: %s\n", path, strerror(errno));
	return fd;
}

/* Create the UEs of the command line and start reading steps; @return 0 or -errno. */
static int uesim_start_steps(struct uesim *sim, struct uesim_opts *o, int *fd)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < o->n_ue && ret == 0; i++)
		ret = uesim_make_ue(sim, o, &o->ue[i]);
	for (i = 0; i < o->n_ue; i++) {
		ue_ident_wipe(&o->ue[i].id);
		OPENSSL_cleanse(o->ue[i].op, sizeof(o->ue[i].op));
	}
	*fd = ret ? -1 : uesim_open_steps(o->steps);
	if (*fd < 0)
		return ret ? ret : -ENOENT;
	ret = ue_run_start(sim, *fd);
	if (ret)
		fprintf(stderr, "ue-sim: cannot read the steps: %s\n", strerror(-ret));
	return ret;
}

static void uesim_free_all(struct uesim *sim)
{
	size_t i;

	ue_ipsec_cleanup(sim);
	for (i = 0; i < sim->n_ues; i++)
		ue_free(sim->ues[i]);
	sim->n_ues = 0;
	ue_load_free(sim);
	free(sim->ues);
	sim->ues = NULL;
}

int main(int argc, char **argv)
{
	static struct uesim_opts o;
	static struct uesim sim;
	int fd = -1, ret;

	uesim_parse(argc, argv, &o, &sim.cfg);
	log_init("ue-sim", o.log_level, false);
	if (o.load.n && o.print_subscribers)
		return ue_load_print_subscribers(&o.load, stdout) == 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	sim.loop = evloop_new();
	if (!sim.loop)
		return fprintf(stderr, "ue-sim: cannot create the event loop\n"), 2;
	ret = o.load.n ? ue_load_start(&sim, &o.load) : uesim_start_steps(&sim, &o, &fd);
	if (ret) {
		uesim_free_all(&sim);
		evloop_free(sim.loop);
		return 2;
	}
	evloop_add_signal(sim.loop, SIGTERM, uesim_signal, &sim);
	evloop_add_signal(sim.loop, SIGINT, uesim_signal, &sim);
	evloop_run(sim.loop);
	free(sim.ues);
	evloop_free(sim.loop);
	if (fd > STDIN_FILENO)
		close(fd);
	return sim.exit_code;
}
