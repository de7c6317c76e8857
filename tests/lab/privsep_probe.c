/*
 * privsep_probe — checks pcscfd's privilege separation against the real kernel (run by
 * t-pcscf-privsep.sh in the P-CSCF namespace): the unprivileged child cannot change the
 * kernel's IPsec tables itself, the parent does what the limits allow and refuses the
 * rest with the reason. Prints one line per check; exit status 0 when all held.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcscf/privsep.h"

static int failures;

static void probe_check(bool ok, const char *what, const char *detail)
{
	printf("%s: %s%s%s\n", ok ? "ok" : "FAILED", what, detail ? ": " : "", detail ? detail : "");
	failures += !ok;
}

static struct privsep_limits probe_limits(void)
{
	struct privsep_limits l;

	memset(&l, 0, sizeof(l));
	xfrm_addr_parse("2001:db8:a::1", &l.pcscf_addrs[0]);
	xfrm_addr_parse("10.1.0.1", &l.pcscf_addrs[1]);
	l.npcscf_addrs = 2;
	l.ports[0] = 6200, l.ports[1] = 6201;
	l.nports = 2;
	xfrm_addr_parse("2001:db8:1::", &l.ue_prefixes[0].addr);
	l.ue_prefixes[0].len = 48;
	l.nue_prefixes = 1;
	l.min_prefix_len6 = 64;
	l.min_prefix_len4 = 32;
	l.max_lifetime_s = 600;
	return l;
}

static struct privsep_set_req probe_req(uint32_t spi_c, uint32_t spi_s)
{
	struct privsep_set_req r;

	memset(&r, 0, sizeof(r));
	xfrm_addr_parse("2001:db8:1:1::1", &r.ue.addr);
	r.ue_prefix_len = 64;
	r.ue.port_c = 6100, r.ue.port_s = 6101, r.ue.spi_c = 0x3000, r.ue.spi_s = 0x3001;
	xfrm_addr_parse("2001:db8:a::1", &r.pcscf.addr);
	r.pcscf.port_c = 6200, r.pcscf.port_s = 6201, r.pcscf.spi_c = spi_c, r.pcscf.spi_s = spi_s;
	r.integ = IPSEC_INTEG_HMAC_SHA1_96;
	r.encr = IPSEC_ENCR_AES_CBC;
	memset(r.ck, 0x11, sizeof(r.ck));
	memset(r.ik, 0x22, sizeof(r.ik));
	r.lifetime_s = 300;
	return r;
}

/* The child may not install an SA itself. */
static void probe_direct(void)
{
	struct xfrm_mgr *mgr;
	struct privsep_set_req r = probe_req(0x5000, 0x5001);
	struct xfrm_set_params params = { .role = XFRM_ROLE_PCSCF, .ue = r.ue, .ue_prefix_len = 64,
					   .pcscf = r.pcscf, .lifetime_s = 60 };
	struct xfrm_set *set;
	int err = xfrm_mgr_new(NULL, &mgr);

	ipsec_keys_derive(r.integ, r.encr, r.ck, r.ik, &params.keys);
	if (err == 0)
		err = xfrm_set_install(mgr, &params, &set);
	probe_check(err == -EPERM, "the child cannot install an SA directly",
		    err == 0 ? "it could" : strerror(-err));
	ipsec_keys_wipe(&params.keys);
	xfrm_mgr_free(mgr);
}

static void probe_count(struct privsep *ps, unsigned sas, unsigned policies, const char *what)
{
	unsigned s = 0, p = 0;
	char detail[64];

	privsep_count(ps, &s, &p);
	snprintf(detail, sizeof(detail), "sas=%u policies=%u", s, p);
	probe_check(s == sas && p == policies, what, detail);
}

static void probe_requests(struct privsep *ps)
{
	uint32_t avoid[2] = { 0x3000, 0x3001 }, spi_c = 0, spi_s = 0, reqid = 0, refused;
	struct privsep_set_req r;
	struct xfrm_addr addr;

	probe_check(privsep_guard(ps) == 0, "guard installed by the parent", privsep_error(ps));
	probe_check(privsep_spi_alloc(ps, avoid, &spi_c) == 0 &&
			    privsep_spi_alloc(ps, avoid, &spi_s) == 0 && spi_c != spi_s,
		    "two SPIs allocated", NULL);
	r = probe_req(spi_c, spi_s);
	probe_check(privsep_set_install(ps, &r, &reqid, NULL) == 0, "set installed by the parent",
		    privsep_error(ps));
	probe_count(ps, 4, 12, "4 SAs; 4 set policies and 8 guard policies");
	r = probe_req(spi_c, spi_s);
	r.ue_prefix_len = 8;
	probe_check(privsep_set_install(ps, &r, &refused, NULL) == -EPERM, "a /8 UE prefix is refused",
		    privsep_error(ps));
	xfrm_addr_parse("2001:db8:1:1::77", &addr);
	probe_check(privsep_set_add_address(ps, reqid, &addr) == 0, "a further address in the prefix",
		    privsep_error(ps));
	xfrm_addr_parse("2001:db8:1:2::77", &addr);
	probe_check(privsep_set_add_address(ps, reqid, &addr) == -EINVAL,
		    "an address outside the prefix is refused", privsep_error(ps));
	probe_check(privsep_set_extend(ps, reqid, 6000) == -EPERM, "a lifetime over the limit is refused",
		    privsep_error(ps));
	probe_check(privsep_set_delete(ps, reqid) == 0, "set deleted", privsep_error(ps));
	probe_count(ps, 0, 8, "only the guard is left");
	probe_check(privsep_set_delete(ps, reqid) == -ENOENT, "deleting it again is an error",
		    privsep_error(ps));
}

int main(void)
{
	struct privsep_limits limits = probe_limits();
	struct privsep *ps;
	int err = privsep_start(&limits, NULL, "nobody", &ps);

	if (err < 0) {
		fprintf(stderr, "privsep_probe: privsep_start: %s\n", strerror(-err));
		return 1;
	}
	probe_check(getuid() != 0 && geteuid() != 0, "the child runs without root", NULL);
	probe_direct();
	probe_requests(ps);
	privsep_free(ps);
	return failures ? 1 : 0;
}
