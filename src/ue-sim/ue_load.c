/*
 * ue_load.c — load mode: N generated UEs in one process, each on an address of its own
 * (added to the interface like a temporary address), registering with a bounded number of
 * operations in flight and an optional start rate, then optionally sending MESSAGEs to
 * each other at a rate, then optionally de-registering. Each phase prints one line with
 * its throughput and latency percentiles; the last line is key=value pairs for benches.
 *
 * The UEs are the ordinary ones of ue_core/ue_reg/ue_call: load mode only replaces the
 * step engine (ue_run_done() hands each outcome to ue_load_done()).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/log.h"
#include "ue-sim/ue.h"
#include "ue-sim/ue_addr.h"

#define UE_LOAD_TICK_MS 5
#define UE_LOAD_SQN	0x20 /* the generated subscribers' SQN (a USIM in step with them) */

enum ue_load_phase { UE_LOAD_REGISTER, UE_LOAD_MESSAGE, UE_LOAD_DEREGISTER, UE_LOAD_PHASES };

static const char *const ue_load_phase_names[] = {"register", "message", "deregister"};
static const char *const ue_load_phase_keys[] = {"reg", "msg", "dereg"};

/* What one phase measured. */
struct ue_load_result {
	bool ran;
	unsigned ok, failed;
	double seconds, per_s, p50, p90, p99;
};

struct ue_load {
	struct ue_load_config cfg;
	int ifindex;
	struct sockaddr_storage *addrs; /* the addresses we added (family 0: not ours) */
	enum ue_load_phase phase;
	unsigned total, started, done, in_flight;
	size_t next; /* the UE the next operation tries first */
	uint64_t phase_start_us;
	double *lat_ms;
	size_t n_lat;
	uint64_t tick_timer;
	double cpu0; /* CPU seconds used before the first phase (set-up) */
	struct ue_step steps[UE_LOAD_PHASES];
	struct ue_load_result res[UE_LOAD_PHASES];
};

static uint64_t ue_load_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- identities and addresses ---- */

/* The first 16 bytes of SHA-256("ue-sim load WHAT:SEED:I"). */
static int ue_load_key(const char *what, unsigned seed, unsigned i, uint8_t out[16])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char text[64];
	int n = snprintf(text, sizeof(text), "ue-sim load %s:%u:%u", what, seed, i);

	if (!EVP_Digest(text, (size_t)n, md, &mdlen, EVP_sha256(), NULL) || mdlen < 16)
		return -EIO;
	memcpy(out, md, 16);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int ue_load_ident(const struct ue_load_config *cfg, unsigned i, struct ue_ident *id)
{
	char why[128];
	int ret;

	ue_ident_init(id);
	snprintf(id->name, sizeof(id->name), "load%u", i);
	snprintf(id->impi, sizeof(id->impi), "load%u@%s", i, cfg->domain);
	snprintf(id->impu, sizeof(id->impu), "sip:load%u@%s", i, cfg->domain);
	snprintf(id->domain, sizeof(id->domain), "%s", cfg->domain);
	ret = ue_load_key("K", cfg->seed, i, id->k);
	if (ret == 0)
		ret = ue_load_key("OPc", cfg->seed, i, id->opc);
	id->has_k = id->has_opc = true;
	id->sqn.sqn_ms = UE_LOAD_SQN;
	id->sqn_set = true;
	if (ret == 0 && ue_ident_finish(id, why, sizeof(why)) != 0)
		ret = -EINVAL;
	return ret;
}

static void ue_load_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

int ue_load_print_subscribers(const struct ue_load_config *cfg, FILE *out)
{
	struct ue_ident id;
	char k[33], opc[33];
	unsigned i;
	int ret = 0;

	for (i = 1; i <= cfg->n && ret == 0; i++) {
		ret = ue_load_ident(cfg, i, &id);
		if (ret)
			break;
		ue_load_hex(id.k, 16, k);
		ue_load_hex(id.opc, 16, opc);
		if (fprintf(out, "impi=%s impu=%s k=%s opc=%s amf=8000 sqn=%012x\n", id.impi,
			    id.impu, k, opc, UE_LOAD_SQN) < 0)
			ret = -EIO;
		ue_ident_wipe(&id);
		OPENSSL_cleanse(k, sizeof(k));
		OPENSSL_cleanse(opc, sizeof(opc));
	}
	return ret;
}

/* base + i, in the low 32 bits of the address. */
static void ue_load_addr(const struct sockaddr_storage *base, unsigned i,
			 struct sockaddr_storage *out)
{
	uint8_t *a;
	uint32_t low;

	*out = *base;
	a = out->ss_family == AF_INET6 ? ((struct sockaddr_in6 *)out)->sin6_addr.s6_addr + 12
				       : (uint8_t *)&((struct sockaddr_in *)out)->sin_addr;
	memcpy(&low, a, 4);
	low = htonl(ntohl(low) + i);
	memcpy(a, &low, 4);
}

/* ---- phases ---- */

static int ue_load_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static double ue_load_pct(const double *v, size_t n, unsigned p)
{
	size_t r = (p * n + 99) / 100;

	return n == 0 ? 0.0 : v[r ? r - 1 : 0];
}

static void ue_load_report(struct ue_load *L)
{
	struct ue_load_result *r = &L->res[L->phase];

	r->ran = true;
	r->seconds = (double)(ue_load_now_us() - L->phase_start_us) / 1e6;
	r->per_s = r->seconds > 0 ? (double)r->ok / r->seconds : 0.0;
	qsort(L->lat_ms, L->n_lat, sizeof(double), ue_load_cmp);
	r->p50 = ue_load_pct(L->lat_ms, L->n_lat, 50);
	r->p90 = ue_load_pct(L->lat_ms, L->n_lat, 90);
	r->p99 = ue_load_pct(L->lat_ms, L->n_lat, 99);
	printf("%s: %u ok, %u failed in %.3f s: %.1f/s; latency ms p50 %.2f p90 %.2f p99 %.2f\n",
	       ue_load_phase_names[L->phase], r->ok, r->failed, r->seconds, r->per_s, r->p50,
	       r->p90, r->p99);
}

/* CPU seconds this process has used (user + system). */
static double ue_load_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0.0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void ue_load_summary(const struct ue_load *L)
{
	int p;

	printf("ues=%u cpu_s=%.2f", L->cfg.n, ue_load_cpu_s() - L->cpu0);
	for (p = 0; p < UE_LOAD_PHASES; p++) {
		const struct ue_load_result *r = &L->res[p];
		const char *k = ue_load_phase_keys[p];

		if (r->ran)
			printf(" %s_ok=%u %s_failed=%u %s_per_s=%.1f %s_p50_ms=%.2f %s_p90_ms=%.2f "
			       "%s_p99_ms=%.2f",
			       k, r->ok, k, r->failed, k, r->per_s, k, r->p50, k, r->p90, k,
			       r->p99);
	}
	printf("\n");
}

static void ue_load_pump(struct ue_load *L, struct uesim *sim);

static void ue_load_begin(struct ue_load *L, struct uesim *sim, enum ue_load_phase phase)
{
	L->phase = phase;
	L->total = phase == UE_LOAD_MESSAGE ? L->cfg.messages : L->cfg.n;
	L->started = L->done = L->in_flight = 0;
	L->next = 0;
	L->n_lat = 0;
	L->phase_start_us = ue_load_now_us();
	ue_load_pump(L, sim);
}

/* The phase is over: report it and begin the next one that was asked for, or end. */
static void ue_load_phase_end(struct ue_load *L, struct uesim *sim)
{
	bool failed = false;
	int p;

	ue_load_report(L);
	if (L->phase == UE_LOAD_REGISTER && L->cfg.messages)
		return ue_load_begin(L, sim, UE_LOAD_MESSAGE);
	if (L->phase != UE_LOAD_DEREGISTER && L->cfg.deregister)
		return ue_load_begin(L, sim, UE_LOAD_DEREGISTER);
	evloop_timer_cancel(sim->loop, L->tick_timer);
	L->tick_timer = 0;
	ue_load_summary(L);
	for (p = 0; p < UE_LOAD_PHASES; p++)
		failed |= L->res[p].failed > 0;
	ue_run_quit(sim, failed ? 1 : 0);
}

/* Operations the rate allows to start now (the window aside). */
static unsigned ue_load_allowed(const struct ue_load *L)
{
	double rate = L->phase == UE_LOAD_MESSAGE ? L->cfg.msg_rate : L->cfg.rate;
	double s = (double)(ue_load_now_us() - L->phase_start_us) / 1e6;
	double may = rate > 0 ? (double)(uint64_t)(s * rate) + 1 : (double)L->total;

	return may > (double)L->started ? (unsigned)(may - (double)L->started) : 0;
}

static void ue_load_start_op(struct ue_load *L, struct uesim *sim, struct ue *ue)
{
	struct ue_step *s = &L->steps[L->phase];

	ue->op_started_us = ue_load_now_us();
	L->started++;
	L->in_flight++;
	if (L->phase == UE_LOAD_MESSAGE) {
		snprintf(s->uri, sizeof(s->uri), "sip:load%zu@%s", (ue->idx + 1) % sim->n_ues + 1,
			 L->cfg.domain);
		ue_call_step(ue, s);
	} else {
		ue_reg_step(ue, s);
	}
}

/* Start what the window and the rate allow. */
static void ue_load_pump(struct ue_load *L, struct uesim *sim)
{
	unsigned may = ue_load_allowed(L);
	struct ue *ue;

	while (may > 0 && L->started < L->total && L->in_flight < L->cfg.window) {
		ue = sim->ues[L->next % sim->n_ues];
		if (ue->reg.busy || ue->call.busy)
			break; /* its previous operation is still running: on the next tick */
		L->next++;
		may--;
		if (L->phase == UE_LOAD_DEREGISTER && !ue->reg.registered) {
			L->started++, L->done++; /* never registered: nothing to undo */
			continue;
		}
		ue_load_start_op(L, sim, ue);
	}
}

static void ue_load_tick(struct evloop *loop, uint64_t id, void *arg)
{
	struct uesim *sim = arg;
	struct ue_load *L = sim->load;

	(void)id;
	L->tick_timer = evloop_timer_add(loop, UE_LOAD_TICK_MS, ue_load_tick, sim);
	if (L->done >= L->total && L->in_flight == 0)
		return ue_load_phase_end(L, sim);
	ue_load_pump(L, sim);
}

void ue_load_done(struct ue *ue, int status)
{
	struct ue_load *L = ue->sim->load;
	struct ue_load_result *r = &L->res[L->phase];
	bool ok = L->phase == UE_LOAD_MESSAGE ? status / 100 == 2 : status == 200;

	if (ok) {
		r->ok++;
		L->lat_ms[L->n_lat++] = (double)(ue_load_now_us() - ue->op_started_us) / 1000.0;
	} else {
		r->failed++;
		log_warn("%s: %s: %s", ue->id.name, ue_load_phase_names[L->phase],
			 status > 0    ? "refused"
			 : status == 0 ? "no final response"
				       : "failed");
	}
	L->in_flight--;
	L->done++;
	/* the next operations start from the loop, never inside this one's callbacks */
	evloop_timer_cancel(ue->sim->loop, L->tick_timer);
	L->tick_timer = evloop_timer_add(ue->sim->loop, 0, ue_load_tick, ue->sim);
}

/* ---- start and end ---- */

/* Enough descriptors for every UE's sockets (about six each). */
static void ue_load_rlimit(unsigned n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n * 8 + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (rl.rlim_max < want)
			rl.rlim_max = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)want,
				 strerror(errno));
	}
}

/* Add UE @i's address and create the UE. */
static int ue_load_make_ue(struct uesim *sim, struct ue_load *L, unsigned i)
{
	struct sockaddr_storage addr;
	unsigned plen = L->cfg.base.ss_family == AF_INET6 ? 64 : 32;
	struct ue_ident id;
	struct ue *ue = NULL;
	int ret = ue_load_ident(&L->cfg, i, &id);

	ue_load_addr(&L->cfg.base, i, &addr);
	if (ret == 0) {
		ret = ue_addr_add(L->ifindex, &addr, plen);
		if (ret == 0)
			L->addrs[i - 1] = addr;
		else if (ret == -EEXIST)
			ret = 0; /* there already: used, not ours to remove */
	}
	if (ret == 0)
		ret = ue_new(sim, &id, &addr, 5060, &ue);
	ue_ident_wipe(&id);
	if (ret == 0) {
		ue->port_c = 6100, ue->port_s = 6101;
		ret = uesim_add_ue(sim, ue);
		if (ret)
			ue_free(ue);
	}
	if (ret)
		fprintf(stderr, "ue-sim: load UE %u: %s\n", i, strerror(-ret));
	return ret;
}

static int ue_load_steps(struct ue_load *L)
{
	static const char *const lines[UE_LOAD_PHASES] = {"register", "send MESSAGE sip:x",
							  "deregister"};
	char why[128];
	int p;

	for (p = 0; p < UE_LOAD_PHASES; p++)
		if (ue_step_parse(p == UE_LOAD_MESSAGE && L->cfg.invites ? "call sip:x" : lines[p],
				  &L->steps[p], why, sizeof(why)) != 0)
			return -EINVAL;
	return 0;
}

static int ue_load_ifindex(struct ue_load *L)
{
	if (!L->cfg.dev[0])
		return ue_addr_ifindex(&L->cfg.base, &L->ifindex) == 0 ? 0 : -ENODEV;
	L->ifindex = (int)if_nametoindex(L->cfg.dev);
	return L->ifindex > 0 ? 0 : -ENODEV;
}

int ue_load_start(struct uesim *sim, const struct ue_load_config *cfg)
{
	struct ue_load *L = calloc(1, sizeof(*L));
	size_t cap = cfg->n > cfg->messages ? cfg->n : cfg->messages;
	char first[SIP_UTIL_ADDR_SIZE], proxy[SIP_UTIL_ADDR_SIZE];
	struct sockaddr_storage a;
	unsigned i;
	int ret = 0;

	if (!L || !(L->lat_ms = calloc(cap, sizeof(double))) ||
	    !(L->addrs = calloc(cfg->n, sizeof(*L->addrs)))) {
		sim->load = L;
		return -ENOMEM;
	}
	sim->load = L;
	L->cfg = *cfg;
	sim->run.in_fd = -1;
	if (ue_load_ifindex(L) != 0) {
		fprintf(stderr, "ue-sim: load: no interface for the UEs' addresses (--dev)\n");
		return -ENODEV;
	}
	ue_load_rlimit(cfg->n);
	ret = ue_load_steps(L);
	for (i = 1; i <= cfg->n && ret == 0; i++)
		ret = ue_load_make_ue(sim, L, i);
	if (ret)
		return ret;
	ue_load_addr(&cfg->base, 1, &a);
	sip_util_host_format(&a, first, sizeof(first), false);
	sip_util_sockaddr_format(&sim->cfg.proxy, proxy, sizeof(proxy));
	L->cpu0 = ue_load_cpu_s();
	printf("load: %u UEs from %s, window %u, %s %s (set-up: %.2f s CPU)\n", cfg->n, first,
	       cfg->window, sim->cfg.direct ? "S-CSCF" : "P-CSCF", proxy, L->cpu0);
	fflush(stdout);
	L->tick_timer = evloop_timer_add(sim->loop, UE_LOAD_TICK_MS, ue_load_tick, sim);
	ue_load_begin(L, sim, UE_LOAD_REGISTER);
	return 0;
}

void ue_load_free(struct uesim *sim)
{
	struct ue_load *L = sim->load;
	unsigned i;

	if (!L)
		return;
	evloop_timer_cancel(sim->loop, L->tick_timer);
	for (i = 0; L->addrs && i < L->cfg.n; i++)
		if (L->addrs[i].ss_family)
			ue_addr_del(L->ifindex, &L->addrs[i],
				    L->addrs[i].ss_family == AF_INET6 ? 64 : 32);
	free(L->addrs);
	free(L->lat_ms);
	free(L);
	sim->load = NULL;
}
