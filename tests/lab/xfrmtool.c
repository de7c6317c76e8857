/*
 * xfrmtool — drives the xfrm manager (src/xfrm) from the lab's tests and benchmarks.
 *
 *   xfrmtool install   SET-OPTIONS          install a set, print its reqid
 *   xfrmtool delete    SET-OPTIONS --reqid R
 *   xfrmtool add-address SET-OPTIONS --reqid R --addr A
 *   xfrmtool extend    SET-OPTIONS --reqid R --lifetime S
 *   xfrmtool counters  SET-OPTIONS --reqid R   "dst spi packets bytes failed" per SA
 *   xfrmtool reconcile [SET-OPTIONS --reqid R] [--guard ADDR --ports P,P]
 *   xfrmtool guard     --guard ADDR --ports P,P
 *   xfrmtool flush | count | hash V6BITS V4BITS | events MS
 *   xfrmtool spi N [--avoid S,S] [--spi-range MIN,MAX]   allocate N SPIs, one a line
 *   xfrmtool bulk install|delete N [FIRST]   sets for UEs FIRST…FIRST+N-1 (see
 *                      xfrmtool_bulk_params), timed: "sets=N seconds=S per_s=R"
 *
 * SET-OPTIONS: --role pcscf|ue --ue ADDR/PLEN --pcscf ADDR --ue-ports C,S
 *   --pcscf-ports C,S --ue-spis C,S --pcscf-spis C,S [--alg A] [--ealg E]
 *   [--transport any|udp|tcp] [--lifetime S] [--addr A (further UE addresses)]
 * Keys are derived from TS 35.208 test set 1's CK and IK.
 * Exit status: 0 success, 1 the manager failed (its message on stderr), 2 usage.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xfrm/xfrm_mgr.h"

static const uint8_t xfrmtool_ck[16] = { 0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
					 0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb };
static const uint8_t xfrmtool_ik[16] = { 0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
					 0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41 };

struct xfrmtool_args {
	struct xfrm_set_params params;
	bool have_set;
	uint32_t reqid;
	struct xfrm_addr addrs[16];
	size_t naddrs;
	struct xfrm_addr guard;
	bool have_guard;
	uint16_t ports[16];
	size_t nports;
	uint32_t avoid[8];
	size_t navoid;
	uint32_t spi_min, spi_max;
	const char *alg, *ealg;
};

static void xfrmtool_usage(const char *why)
{
	fprintf(stderr, "xfrmtool: %s (see the comment at the top of tests/lab/xfrmtool.c)\n", why);
	exit(2);
}

static unsigned long xfrmtool_number(const char *text, unsigned long max)
{
	char *end;
	unsigned long value = strtoul(text, &end, 0);

	if (*text == '\0' || *end != '\0' || value > max)
		xfrmtool_usage("bad number");
	return value;
}

/* "A,B" into two numbers */
static void xfrmtool_pair(const char *text, unsigned long max, uint32_t *a, uint32_t *b)
{
	char copy[64], *comma;

	snprintf(copy, sizeof(copy), "%s", text);
	comma = strchr(copy, ',');
	if (!comma)
		xfrmtool_usage("expected C,S");
	*comma = '\0';
	*a = (uint32_t)xfrmtool_number(copy, max);
	*b = (uint32_t)xfrmtool_number(comma + 1, max);
}

static void xfrmtool_addr(const char *text, struct xfrm_addr *addr, unsigned *plen)
{
	char copy[80], *slash;

	snprintf(copy, sizeof(copy), "%s", text);
	slash = strchr(copy, '/');
	if (slash) {
		*slash = '\0';
		if (!plen)
			xfrmtool_usage("no prefix length expected");
		*plen = (unsigned)xfrmtool_number(slash + 1, 128);
	} else if (plen) {
		*plen = 0;
	}
	if (xfrm_addr_parse(copy, addr) < 0)
		xfrmtool_usage("bad address");
	if (plen && *plen == 0)
		*plen = addr->family == AF_INET6 ? 128 : 32;
}

static void xfrmtool_list(const char *text, uint32_t *out, size_t *n, size_t max, unsigned long lim)
{
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *tok = strtok_r(copy, ",", &save); tok && *n < max; tok = strtok_r(NULL, ",", &save))
		out[(*n)++] = (uint32_t)xfrmtool_number(tok, lim);
}

static void xfrmtool_option(struct xfrmtool_args *a, const char *name, const char *value)
{
	struct xfrm_set_params *p = &a->params;
	uint32_t x, y;

	if (!strcmp(name, "role"))
		p->role = !strcmp(value, "ue") ? XFRM_ROLE_UE : XFRM_ROLE_PCSCF;
	else if (!strcmp(name, "ue"))
		xfrmtool_addr(value, &p->ue.addr, &p->ue_prefix_len), a->have_set = true;
	else if (!strcmp(name, "pcscf"))
		xfrmtool_addr(value, &p->pcscf.addr, NULL);
	else if (!strcmp(name, "ue-ports"))
		xfrmtool_pair(value, 65535, &x, &y), p->ue.port_c = (uint16_t)x, p->ue.port_s = (uint16_t)y;
	else if (!strcmp(name, "pcscf-ports"))
		xfrmtool_pair(value, 65535, &x, &y), p->pcscf.port_c = (uint16_t)x,
			p->pcscf.port_s = (uint16_t)y;
	else if (!strcmp(name, "ue-spis"))
		xfrmtool_pair(value, 0xffffffffUL, &p->ue.spi_c, &p->ue.spi_s);
	else if (!strcmp(name, "pcscf-spis"))
		xfrmtool_pair(value, 0xffffffffUL, &p->pcscf.spi_c, &p->pcscf.spi_s);
	else if (!strcmp(name, "alg"))
		a->alg = value;
	else if (!strcmp(name, "ealg"))
		a->ealg = value;
	else if (!strcmp(name, "transport"))
		p->transport = !strcmp(value, "udp")	 ? XFRM_TRANSPORT_UDP :
			       !strcmp(value, "tcp") ? XFRM_TRANSPORT_TCP : XFRM_TRANSPORT_ANY;
	else if (!strcmp(name, "lifetime"))
		p->lifetime_s = (uint32_t)xfrmtool_number(value, 0xffffffffUL);
	else if (!strcmp(name, "reqid"))
		a->reqid = (uint32_t)xfrmtool_number(value, 0xffffffffUL);
	else if (!strcmp(name, "addr") && a->naddrs < 16)
		xfrmtool_addr(value, &a->addrs[a->naddrs++], NULL);
	else if (!strcmp(name, "guard"))
		xfrmtool_addr(value, &a->guard, NULL), a->have_guard = true;
	else if (!strcmp(name, "ports")) {
		uint32_t ports[16];
		size_t n = 0;

		xfrmtool_list(value, ports, &n, 16, 65535);
		for (size_t i = 0; i < n; i++)
			a->ports[a->nports++] = (uint16_t)ports[i];
	} else if (!strcmp(name, "spi-range"))
		xfrmtool_pair(value, 0xffffffffUL, &a->spi_min, &a->spi_max);
	else if (!strcmp(name, "avoid"))
		xfrmtool_list(value, a->avoid, &a->navoid, 8, 0xffffffffUL);
	else
		xfrmtool_usage("unknown option");
}

static void xfrmtool_parse(int argc, char **argv, struct xfrmtool_args *a)
{
	enum ipsec_integ integ;
	enum ipsec_encr encr;

	memset(a, 0, sizeof(*a));
	a->alg = "hmac-sha-1-96";
	a->ealg = "aes-cbc";
	for (int i = 0; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
			xfrmtool_usage("options are --name value");
		xfrmtool_option(a, argv[i] + 2, argv[i + 1]);
	}
	if (!a->have_set)
		return;
	if (ipsec_integ_from_name(a->alg, &integ) < 0 || ipsec_encr_from_name(a->ealg, &encr) < 0)
		xfrmtool_usage("unknown algorithm");
	if (ipsec_keys_derive(integ, encr, xfrmtool_ck, xfrmtool_ik, &a->params.keys) < 0)
		xfrmtool_usage("algorithm pair not allowed by TS 33.203");
}

static int xfrmtool_fail(struct xfrm_mgr *mgr, const char *what, int err)
{
	fprintf(stderr, "xfrmtool: %s failed: %s\n", what, mgr ? xfrm_mgr_error(mgr) : strerror(-err));
	return 1;
}

static void xfrmtool_print_counters(void *arg, const struct xfrm_addr *dst, uint32_t spi,
				    const struct xfrm_sa_counters *c)
{
	char text[INET6_ADDRSTRLEN];

	(void)arg;
	printf("%s 0x%08x packets=%llu bytes=%llu failed=%u\n", xfrm_addr_str(dst, text, sizeof(text)),
	       spi, (unsigned long long)c->packets, (unsigned long long)c->bytes, c->integrity_failed);
}

static void xfrmtool_print_event(void *arg, const struct xfrm_event *e)
{
	char addr[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];

	(void)arg;
	if (e->type == XFRM_EVENT_ACQUIRE)
		printf("acquire dst %s src %s reqid 0x%08x\n", xfrm_addr_str(&e->addr, addr, sizeof(addr)),
		       xfrm_addr_str(&e->src, src, sizeof(src)), e->reqid);
	else
		printf("expire %s dst %s spi 0x%08x reqid 0x%08x\n", e->hard ? "hard" : "soft",
		       xfrm_addr_str(&e->addr, addr, sizeof(addr)), e->spi, e->reqid);
	fflush(stdout);
}

static int xfrmtool_events(const char *ms_text)
{
	struct xfrm_events *events;
	int ms = (int)xfrmtool_number(ms_text, 3600000), err = xfrm_events_open(&events);

	if (err < 0)
		return xfrmtool_fail(NULL, "events", err);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		struct pollfd pfd = { .fd = xfrm_events_fd(events), .events = POLLIN };

		if (poll(&pfd, 1, ms) <= 0)
			break;
		if ((err = xfrm_events_read(events, xfrmtool_print_event, NULL)) < 0)
			break;
	}
	xfrm_events_close(events);
	return err < 0 ? xfrmtool_fail(NULL, "reading events", err) : 0;
}

/*
 * The set of bulk UE number i (benchmarks): UE 2001:db8:1:<i>::1/64 (10.<i>.0.1/24 for
 * IPv4 is not needed), P-CSCF 2001:db8:a::1, ports as in testlib.sh, UE SPIs
 * 0x100000 + 2i (+1), P-CSCF SPIs 0x200000 + 2i (+1). bench/xfrm writes the same objects
 * as `ip -batch` commands.
 */
static void xfrmtool_bulk_params(unsigned i, struct xfrm_set_params *p)
{
	char ue[64];

	memset(p, 0, sizeof(*p));
	snprintf(ue, sizeof(ue), "2001:db8:1:%x::1", i);
	xfrm_addr_parse(ue, &p->ue.addr);
	xfrm_addr_parse("2001:db8:a::1", &p->pcscf.addr);
	p->role = XFRM_ROLE_PCSCF;
	p->ue_prefix_len = 64;
	p->ue.port_c = 6100, p->ue.port_s = 6101, p->pcscf.port_c = 6200, p->pcscf.port_s = 6201;
	p->ue.spi_c = 0x100000 + 2 * i, p->ue.spi_s = p->ue.spi_c + 1;
	p->pcscf.spi_c = 0x200000 + 2 * i, p->pcscf.spi_s = p->pcscf.spi_c + 1;
	p->lifetime_s = 3600;
	ipsec_keys_derive(IPSEC_INTEG_HMAC_SHA1_96, IPSEC_ENCR_AES_CBC, xfrmtool_ck, xfrmtool_ik,
			  &p->keys);
}

static double xfrmtool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int xfrmtool_bulk(struct xfrm_mgr *mgr, int argc, char **argv)
{
	struct xfrm_set_params p;
	struct xfrm_set *set;
	unsigned n, first;
	bool install;
	double start;
	int err = 0;

	if (argc < 2)
		xfrmtool_usage("bulk install|delete N [FIRST]");
	install = !strcmp(argv[0], "install");
	n = (unsigned)xfrmtool_number(argv[1], 60000);
	first = argc > 2 ? (unsigned)xfrmtool_number(argv[2], 60000) : 1;
	start = xfrmtool_now();
	for (unsigned i = first; i < first + n && err == 0; i++) {
		xfrmtool_bulk_params(i, &p);
		if (install)
			err = xfrm_set_install(mgr, &p, &set);
		else if ((err = xfrm_set_adopt(mgr, &p, 0, NULL, 0, &set)) == 0)
			err = xfrm_set_delete(mgr, set);
		ipsec_keys_wipe(&p.keys);
	}
	if (err < 0)
		return xfrmtool_fail(mgr, argv[0], err);
	double seconds = xfrmtool_now() - start;
	printf("sets=%u seconds=%.3f per_s=%.0f\n", n, seconds, n / seconds);
	return 0;
}

/* Commands that work on one set known from the command line. */
static int xfrmtool_set_command(struct xfrm_mgr *mgr, const char *cmd, struct xfrmtool_args *a)
{
	struct xfrm_set *set;
	int err;

	if (!a->have_set)
		xfrmtool_usage("this command needs the set's options");
	if (!strcmp(cmd, "install")) {
		if ((err = xfrm_set_install(mgr, &a->params, &set)) < 0)
			return xfrmtool_fail(mgr, "install", err);
		printf("installed reqid 0x%08x\n", xfrm_set_reqid(set));
		for (size_t i = 0; i < a->naddrs; i++)
			if ((err = xfrm_set_add_address(mgr, set, &a->addrs[i])) < 0)
				return xfrmtool_fail(mgr, "add-address", err);
		return 0;
	}
	uint32_t saved = a->params.lifetime_s;
	if ((err = xfrm_set_adopt(mgr, &a->params, a->reqid, !strcmp(cmd, "add-address") ? NULL : a->addrs,
				  !strcmp(cmd, "add-address") ? 0 : a->naddrs, &set)) < 0)
		return xfrmtool_fail(mgr, "adopt", err);
	if (!strcmp(cmd, "delete"))
		err = xfrm_set_delete(mgr, set);
	else if (!strcmp(cmd, "add-address"))
		err = a->naddrs ? xfrm_set_add_address(mgr, set, &a->addrs[0]) : -EINVAL;
	else if (!strcmp(cmd, "extend"))
		err = xfrm_set_extend(mgr, set, saved);
	else if (!strcmp(cmd, "counters"))
		err = xfrm_set_counters(mgr, set, xfrmtool_print_counters, NULL);
	else
		xfrmtool_usage("unknown command");
	return err < 0 ? xfrmtool_fail(mgr, cmd, err) : 0;
}

static int xfrmtool_reconcile(struct xfrm_mgr *mgr, struct xfrmtool_args *a, bool only_guard)
{
	struct xfrm_reconcile_report r;
	struct xfrm_set *set;
	int err;

	if (a->have_set && (err = xfrm_set_adopt(mgr, &a->params, a->reqid, a->addrs, a->naddrs, &set)) < 0)
		return xfrmtool_fail(mgr, "adopt", err);
	if (a->have_guard && (err = xfrm_guard_install(mgr, &a->guard, a->ports, a->nports)) < 0)
		return xfrmtool_fail(mgr, "guard", err);
	if (only_guard)
		return 0;
	if ((err = xfrm_mgr_reconcile(mgr, &r)) < 0)
		return xfrmtool_fail(mgr, "reconcile", err);
	printf("sas_added=%u sas_removed=%u policies_added=%u policies_removed=%u\n", r.sas_added,
	       r.sas_removed, r.policies_added, r.policies_removed);
	return 0;
}

static int xfrmtool_run(struct xfrm_mgr *mgr, const char *cmd, int argc, char **argv)
{
	struct xfrmtool_args a;
	unsigned sas, policies;
	int err;

	if (!strcmp(cmd, "flush"))
		return xfrm_mgr_flush(mgr) < 0 ? xfrmtool_fail(mgr, "flush", -1) : 0;
	if (!strcmp(cmd, "count")) {
		if ((err = xfrm_mgr_count(mgr, &sas, &policies)) < 0)
			return xfrmtool_fail(mgr, "count", err);
		printf("sas=%u policies=%u\n", sas, policies);
		return 0;
	}
	if (!strcmp(cmd, "hash")) {
		if (argc != 2)
			xfrmtool_usage("hash V6BITS V4BITS");
		err = xfrm_mgr_set_hash_thresholds(mgr, (unsigned)xfrmtool_number(argv[0], 128),
						   (unsigned)xfrmtool_number(argv[1], 32));
		return err < 0 ? xfrmtool_fail(mgr, "hash", err) : 0;
	}
	if (!strcmp(cmd, "bulk"))
		return xfrmtool_bulk(mgr, argc, argv);
	if (!strcmp(cmd, "spi")) {
		unsigned long n = argc >= 1 ? xfrmtool_number(argv[0], 1000000) : 1;
		uint32_t spi;

		xfrmtool_parse(argc - 1, argv + 1, &a);
		for (unsigned long i = 0; i < n; i++) {
			if ((err = xfrm_spi_alloc(mgr, a.avoid, a.navoid, &spi)) < 0)
				return xfrmtool_fail(mgr, "spi", err);
			printf("0x%08x\n", spi);
		}
		return 0;
	}
	xfrmtool_parse(argc, argv, &a);
	if (!strcmp(cmd, "reconcile") || !strcmp(cmd, "guard"))
		err = xfrmtool_reconcile(mgr, &a, !strcmp(cmd, "guard"));
	else
		err = xfrmtool_set_command(mgr, cmd, &a);
	ipsec_keys_wipe(&a.params.keys);
	return err;
}

int main(int argc, char **argv)
{
	struct xfrm_mgr *mgr;
	int err;

	if (argc < 2)
		xfrmtool_usage("no command");
	struct xfrm_mgr_config config;

	xfrm_mgr_config_default(&config);
	if (!strcmp(argv[1], "events"))
		return xfrmtool_events(argc > 2 ? argv[2] : "1000");
	if (!strcmp(argv[1], "spi") && argc > 3) {
		struct xfrmtool_args a;

		xfrmtool_parse(argc - 3, argv + 3, &a);
		if (a.spi_min)
			config.spi_min = a.spi_min, config.spi_max = a.spi_max;
	}
	if ((err = xfrm_mgr_new(&config, &mgr)) < 0) {
		fprintf(stderr, "xfrmtool: cannot open the xfrm manager: %s\n", strerror(-err));
		return 1;
	}
	err = xfrmtool_run(mgr, argv[1], argc - 2, argv + 2);
	xfrm_mgr_free(mgr);
	return err;
}
