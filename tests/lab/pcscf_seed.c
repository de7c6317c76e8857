/*
 * pcscf_seed.c — fill pcscfd's state database with N registrations, through pcscfd's own
 * store and sealing code, for bench/restart (registering 10,000 UEs for real takes too
 * long there; the kernel side of that bench is real).
 *
 *   pcscf_seed -f CONFIG -n N
 *
 * UE i (1…N) has 2001:db8:1:i::1/64, hmac-sha-1-96 + aes-cbc with random CK and IK, SA set
 * reqid 0x50c50000 + i - 1, our SPIs 0x10000000 + 2i and + 1, and expires in an hour.
 */
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pcscf/config.h"
#include "pcscf/privsep.h"
#include "pcscf/store.h"

#define SEED_EXPIRES_MS 3600000ULL

/* Registration @i with its set; its keys sealed under @key. */
static int seed_reg(const struct config *cfg, const uint8_t *key, unsigned i, struct reg *r)
{
	struct privsep_set_req req;
	char addr[64];
	int err;

	memset(r, 0, sizeof(*r));
	memset(&req, 0, sizeof(req));
	r->id = i;
	snprintf(r->impu, sizeof(r->impu), "sip:bench%u@ims.test", i);
	snprintf(r->contact, sizeof(r->contact), "sip:bench%u@[2001:db8:1:%x::1]:5100", i, i);
	snprintf(r->call_id, sizeof(r->call_id), "seed-%u", i);
	snprintf(addr, sizeof(addr), "2001:db8:1:%x::1", i);
	xfrm_addr_parse(addr, &req.ue.addr);
	req.ue.port_c = 5100, req.ue.port_s = 5102;
	req.ue.spi_c = 0x20000000 + 2 * i, req.ue.spi_s = req.ue.spi_c + 1;
	req.pcscf.addr = cfg->access[0];
	req.pcscf.port_c = cfg->port_c, req.pcscf.port_s = cfg->port_s;
	req.pcscf.spi_c = 0x10000000 + 2 * i, req.pcscf.spi_s = req.pcscf.spi_c + 1;
	req.integ = IPSEC_INTEG_HMAC_SHA1_96, req.encr = IPSEC_ENCR_AES_CBC;
	if (RAND_bytes(req.ck, 16) != 1 || RAND_bytes(req.ik, 16) != 1)
		return -EIO;
	r->cur.reqid = 0x50c50000 + i - 1;
	r->cur.integ = req.integ, r->cur.encr = req.encr;
	r->cur.ue = req.ue, r->cur.pcscf = req.pcscf;
	r->cur.prefix_len = 64, r->cur.has_prefix_len = true;
	r->last_addr = req.ue.addr;
	r->expires_ms = 1000000 + SEED_EXPIRES_MS;
	r->delete_ms = r->expires_ms + cfg->sa_grace_s * 1000ULL;
	err = privsep_seal(key, &req, r->cur.reqid, r->cur.sealed);
	explicit_bzero(&req, sizeof(req));
	return err;
}

static int seed(const struct config *cfg, unsigned n)
{
	struct store_clock clock = {.mono_ms = 1000000};
	uint8_t key[SEAL_KEY_LEN];
	struct store *s = NULL;
	struct timespec ts;
	struct reg r;
	char why[512];
	int err = seal_key_load(cfg->database_key, key, why, sizeof(why));

	clock_gettime(CLOCK_REALTIME, &ts);
	clock.wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (err == 0)
		err = store_open(cfg->database, &s, why, sizeof(why));
	for (unsigned i = 1; err == 0 && i <= n; i++) {
		err = seed_reg(cfg, key, i, &r);
		if (err == 0)
			err = store_put(s, &r, &clock);
		if (err < 0)
			snprintf(why, sizeof(why), "registration %u: %s", i,
				 s ? store_error(s) : "");
	}
	if (err == 0 && (err = store_commit(s)) < 0)
		snprintf(why, sizeof(why), "%s", store_error(s));
	if (err < 0)
		fprintf(stderr, "pcscf_seed: %s\n", why);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&r, sizeof(r));
	store_free(s);
	return err;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	struct config cfg;
	unsigned long n = 0;
	int opt;

	while ((opt = getopt(argc, argv, "f:n:")) != -1) {
		if (opt == 'f')
			conf = optarg;
		else if (opt == 'n')
			n = strtoul(optarg, NULL, 10);
	}
	config_default(&cfg);
	if (!conf || n == 0 || n > 65535 || config_load(conf, &cfg, stderr) != 0 ||
	    cfg.naccess == 0) {
		fprintf(stderr, "usage: pcscf_seed -f CONFIG -n N (1…65535; the config valid)\n");
		return 2;
	}
	umask(077);
	return seed(&cfg, (unsigned)n) < 0 ? 1 : 0;
}
