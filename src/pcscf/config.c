/*
 * config.c — reading pcscf.conf: a sorted keyword table, one handler a keyword.
 */
#include "config.h"

#include "pcscf/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "sign/sign_key.h"

#define CONFIG_WORDS_MAX 8

typedef int (*config_handler)(struct config *c, char **words, size_t n, char *why, size_t len);

static int __attribute__((format(printf, 3, 4))) config_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int config_number(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(text, &end, 10);
	return (*text && !*end && !errno && *out >= min && *out <= max && isdigit((unsigned char)*text))
		       ? 0
		       : -1;
}

static int config_addrs(struct xfrm_addr *addrs, size_t *n, char **words, size_t nwords, char *why,
			size_t len)
{
	for (size_t i = 0; i < nwords; i++) {
		if (*n == CONFIG_ADDRS_MAX)
			return config_fail(why, len, "at most %s addresses", "4");
		if (xfrm_addr_parse(words[i], &addrs[*n]) < 0)
			return config_fail(why, len, "'%s' is not an IPv6 or IPv4 address", words[i]);
		(*n)++;
	}
	return 0;
}

static int config_access(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_addrs(c->access, &c->naccess, w, n, why, len);
}

static int config_core(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_addrs(c->core, &c->ncore, w, n, why, len);
}

static int config_port(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long v;

	if (n != 1 || config_number(w[0], 1, 65535, &v) < 0)
		return config_fail(why, len, "port: expected one number 1-65535");
	c->port = (uint16_t)v;
	return 0;
}

static int config_protected_ports(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long s, cl;

	if (n != 2 || config_number(w[0], 1, 65535, &s) < 0 || config_number(w[1], 1, 65535, &cl) < 0 ||
	    s == cl)
		return config_fail(why, len, "protected-ports: expected PORT-S PORT-C, two different ports");
	c->port_s = (uint16_t)s;
	c->port_c = (uint16_t)cl;
	return 0;
}

static int config_scscf(struct config *c, char **w, size_t n, char *why, size_t len)
{
	if (n != 1 || strncmp(w[0], "sip:", 4) != 0 || strlen(w[0]) >= sizeof(c->scscf))
		return config_fail(why, len, "scscf: expected one sip: URI");
	snprintf(c->scscf, sizeof(c->scscf), "%s", w[0]);
	return 0;
}

static int config_ue_prefix(struct config *c, char **w, size_t n, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		struct privsep_prefix *p = &c->ue_prefixes[c->nue_prefixes];
		char *slash = strchr(w[i], '/');
		unsigned long plen;

		if (c->nue_prefixes == PRIVSEP_PREFIXES_MAX)
			return config_fail(why, len, "at most %s UE prefixes", "16");
		if (!slash)
			return config_fail(why, len, "ue-prefix '%s': expected ADDRESS/LENGTH", w[i]);
		*slash = '\0';
		if (xfrm_addr_parse(w[i], &p->addr) < 0 ||
		    config_number(slash + 1, 1, p->addr.family == AF_INET6 ? 128 : 32, &plen) < 0)
			return config_fail(why, len, "ue-prefix '%s': bad address or length", w[i]);
		p->len = (unsigned)plen;
		c->nue_prefixes++;
	}
	return 0;
}

static int config_min_prefix(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long v6, v4;

	if (n != 2 || config_number(w[0], 1, 128, &v6) < 0 || config_number(w[1], 1, 32, &v4) < 0)
		return config_fail(why, len, "min-prefix-length: expected IPV6-BITS (1-128) IPV4-BITS (1-32)");
	c->min_prefix_len6 = (unsigned)v6;
	c->min_prefix_len4 = (unsigned)v4;
	return 0;
}

static int config_integrity(struct config *c, char **w, size_t n, char *why, size_t len)
{
	c->ninteg = 0;
	for (size_t i = 0; i < n && i < IPSEC_INTEG_COUNT; i++)
		if (ipsec_integ_from_name(w[i], &c->integ[c->ninteg++]) < 0)
			return config_fail(why, len, "integrity: unknown algorithm '%s'", w[i]);
	return n ? 0 : config_fail(why, len, "integrity: name at least one algorithm");
}

static int config_encryption(struct config *c, char **w, size_t n, char *why, size_t len)
{
	c->nencr = 0;
	for (size_t i = 0; i < n && i < IPSEC_ENCR_COUNT; i++)
		if (ipsec_encr_from_name(w[i], &c->encr[c->nencr++]) < 0)
			return config_fail(why, len, "encryption: unknown algorithm '%s'", w[i]);
	return n ? 0 : config_fail(why, len, "encryption: name at least one algorithm");
}

static int config_secagree(struct config *c, char **w, size_t n, char *why, size_t len)
{
	if (n == 1 && !strcmp(w[0], "require"))
		c->secagree = CONFIG_SECAGREE_REQUIRE;
	else if (n == 1 && !strcmp(w[0], "optional"))
		c->secagree = CONFIG_SECAGREE_OPTIONAL;
	else
		return config_fail(why, len, "sec-agree: expected require or optional");
	return 0;
}

static int config_seconds(uint32_t *out, const char *name, char **w, size_t n, char *why, size_t len)
{
	unsigned long v;

	if (n != 1 || config_number(w[0], 1, 86400 * 7, &v) < 0)
		return config_fail(why, len, "%s: expected seconds (1-604800)", name);
	*out = (uint32_t)v;
	return 0;
}

static int config_sa_grace(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_seconds(&c->sa_grace_s, "sa-grace", w, n, why, len);
}

static int config_max_expires(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_seconds(&c->max_expires_s, "max-expires", w, n, why, len);
}

static int config_spi_range(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long lo, hi;

	if (n != 2 || config_number(w[0], 256, 0xffffffffUL, &lo) < 0 ||
	    config_number(w[1], 256, 0xffffffffUL, &hi) < 0 || hi < lo + 1024)
		return config_fail(why, len, "spi-range: expected MIN MAX, 256 <= MIN, MAX - MIN >= 1024");
	c->spi_min = (uint32_t)lo;
	c->spi_max = (uint32_t)hi;
	return 0;
}

static int config_string(char *out, size_t size, const char *name, char **w, size_t n, char *why,
			 size_t len)
{
	if (n != 1 || strlen(w[0]) >= size)
		return config_fail(why, len, "%s: expected one value", name);
	snprintf(out, size, "%s", w[0]);
	return 0;
}

static int config_user(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_string(c->user, sizeof(c->user), "user", w, n, why, len);
}

static int config_control(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_string(c->control, sizeof(c->control), "control", w, n, why, len);
}

static int config_database(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_string(c->database, sizeof(c->database), "database", w, n, why, len);
}

static int config_database_key(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_string(c->database_key, sizeof(c->database_key), "database-key", w, n, why,
			     len);
}

static int config_control_group(struct config *c, char **w, size_t n, char *why, size_t len)
{
	return config_string(c->control_group, sizeof(c->control_group), "control-group", w, n,
			     why, len);
}

static int config_log_level(struct config *c, char **w, size_t n, char *why, size_t len)
{
	static const char *names[] = { "error", "warning", "notice", "info", "debug" };

	for (size_t i = 0; n == 1 && i < 5; i++)
		if (!strcasecmp(w[0], names[i])) {
			c->log_level = LOG_ERR + (int)i;
			return 0;
		}
	return config_fail(why, len, "log-level: expected error, warning, notice, info or debug");
}

static int config_transport(struct config *c, char **w, size_t n, char *why, size_t len)
{
	c->tcp = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(w[i], "tcp"))
			c->tcp = true;
		else if (strcmp(w[i], "udp") != 0)
			return config_fail(why, len, "transport: '%s' is neither udp nor tcp", w[i]);
	}
	return 0;
}

/* signing off | signing ROTATE-S KEEP-S (doc/signing.md: KEEP-S >= the longest dialog). */
static int config_signing(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long rotate, keep;

	if (n == 1 && !strcmp(w[0], "off")) {
		c->sign_rotate_s = c->sign_keep_s = 0;
		return 0;
	}
	if (n != 2 || config_number(w[0], 5, 86400 * 7, &rotate) < 0 ||
	    config_number(w[1], 60, 86400 * 30, &keep) < 0 ||
	    (rotate + keep) / rotate + 2 > SIGN_RING_MAX)
		return config_fail(why, len,
				   "signing: expected off, or ROTATE-SECONDS (5-604800) KEEP-SECONDS "
				   "(60-2592000, at most 61 rotations)");
	c->sign_rotate_s = (uint32_t)rotate;
	c->sign_keep_s = (uint32_t)keep;
	return 0;
}

/* signing-pool-key FILE: read now, while pcscfd is root (doc/signing.md, Pools). */
static int config_signing_pool_key(struct config *c, char **w, size_t n, char *why, size_t len)
{
	int ret = n == 1 ? sign_keyfile_read(w[0], c->sign_pool_key) : -EINVAL;

	c->sign_pool = ret == 0;
	if (ret == -EPERM)
		return config_fail(why, len, "signing-pool-key: %s: group or others may access it (chmod 600)",
				   w[0]);
	if (ret < 0)
		return config_fail(why, len, "signing-pool-key: %s: %s", n == 1 ? w[0] : "expected FILE",
				   ret == -EINVAL ? "not a file of 64 hex digits" : strerror(-ret));
	return 0;
}

/* signing-core yes|no: whether the core side is an untrusted hop (doc/signing.md). */
static int config_signing_core(struct config *c, char **w, size_t n, char *why, size_t len)
{
	if (n == 1 && (!strcmp(w[0], "yes") || !strcmp(w[0], "no")))
		c->sign_core = !strcmp(w[0], "yes");
	else
		return config_fail(why, len, "signing-core: expected yes or no");
	return 0;
}

/* signing-warn-rate N|off: failed checks a minute from one UE (or the core) that warn. */
static int config_signing_warn_rate(struct config *c, char **w, size_t n, char *why, size_t len)
{
	unsigned long v = 0;

	if (n != 1 || (strcmp(w[0], "off") != 0 && config_number(w[0], 1, 1000000, &v) < 0))
		return config_fail(why, len, "signing-warn-rate: expected off, or failures a minute "
					     "(1-1000000)");
	c->sign_warn_rate = (uint32_t)v;
	return 0;
}

/* Sorted by keyword: looked up with bsearch. */
static const struct config_keyword {
	const char *name;
	config_handler handler;
} config_keywords[] = {
	{ "access", config_access },
	{ "control", config_control },
	{ "control-group", config_control_group },
	{ "core", config_core },
	{ "database", config_database },
	{ "database-key", config_database_key },
	{ "encryption", config_encryption },
	{ "integrity", config_integrity },
	{ "log-level", config_log_level },
	{ "max-expires", config_max_expires },
	{ "min-prefix-length", config_min_prefix },
	{ "port", config_port },
	{ "protected-ports", config_protected_ports },
	{ "sa-grace", config_sa_grace },
	{ "scscf", config_scscf },
	{ "sec-agree", config_secagree },
	{ "signing", config_signing },
	{ "signing-core", config_signing_core },
	{ "signing-pool-key", config_signing_pool_key },
	{ "signing-warn-rate", config_signing_warn_rate },
	{ "spi-range", config_spi_range },
	{ "transport", config_transport },
	{ "ue-prefix", config_ue_prefix },
	{ "user", config_user },
};

static int config_keyword_cmp(const void *key, const void *entry)
{
	return strcmp(key, ((const struct config_keyword *)entry)->name);
}

void config_default(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 5060;
	c->port_s = 5064;
	c->port_c = 5066;
	c->min_prefix_len6 = 64;
	c->min_prefix_len4 = 24;
	c->integ[0] = IPSEC_INTEG_HMAC_SHA1_96;
	c->integ[1] = IPSEC_INTEG_AES_GMAC;
	c->integ[2] = IPSEC_INTEG_HMAC_MD5_96;
	c->ninteg = 3;
	c->encr[0] = IPSEC_ENCR_AES_GCM;
	c->encr[1] = IPSEC_ENCR_AES_CBC;
	c->encr[2] = IPSEC_ENCR_NULL;
	c->encr[3] = IPSEC_ENCR_DES_EDE3_CBC;
	c->nencr = 4;
	c->secagree = CONFIG_SECAGREE_REQUIRE;
	c->sa_grace_s = 30;
	c->max_expires_s = 7200;
	c->spi_min = 4096;
	c->spi_max = 0x7fffffff;
	snprintf(c->user, sizeof(c->user), "nobody");
	snprintf(c->control, sizeof(c->control), "/run/pcscfd.sock");
	snprintf(c->database, sizeof(c->database), "/var/lib/pcscfd/state.db");
	snprintf(c->database_key, sizeof(c->database_key), "/etc/pcscfd/state.key");
	c->log_level = LOG_INFO;
	c->tcp = true;
	c->sign_warn_rate = 10;
}

int config_parse_line(struct config *c, char *line, char *why, size_t why_len)
{
	char *words[CONFIG_WORDS_MAX + 1], *save = NULL, *hash = strchr(line, '#');
	const struct config_keyword *kw;
	size_t n = 0;

	if (hash)
		*hash = '\0';
	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == CONFIG_WORDS_MAX + 1)
			return config_fail(why, why_len, "too many words (at most %s values)", "8");
		words[n++] = w;
	}
	if (n == 0)
		return 0;
	kw = bsearch(words[0], config_keywords, sizeof(config_keywords) / sizeof(config_keywords[0]),
		     sizeof(config_keywords[0]), config_keyword_cmp);
	if (!kw)
		return config_fail(why, why_len, "unknown keyword '%s'", words[0]);
	return kw->handler(c, words + 1, n - 1, why, why_len);
}

int config_load(const char *path, struct config *c, FILE *errors)
{
	FILE *f = fopen(path, "r");
	char line[1024], why[256];
	int lineno = 0, nerrors = 0;

	if (!f) {
		int err = errno;

		fprintf(errors, "%s: %s\n", path, strerror(err));
		return -err;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(errors, "%s:%d: line longer than %zu characters\n", path, lineno,
				sizeof(line) - 2);
			nerrors++;
			while (fgets(line, sizeof(line), f) && !strchr(line, '\n'))
				;
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		if (config_parse_line(c, line, why, sizeof(why)) < 0) {
			fprintf(errors, "%s:%d: %s\n", path, lineno, why);
			nerrors++;
		}
	}
	fclose(f);
	return nerrors + config_check(c, path, errors);
}

/* The host of the scscf URI as an address: sip:[v6]..., or sip:v4... */
static int config_scscf_addr(const char *uri, struct xfrm_addr *addr)
{
	const char *h = uri + 4, *end;
	char host[64];

	if (*h == '[') {
		end = strchr(++h, ']');
	} else {
		end = h + strcspn(h, ":;?");
	}
	if (!end || end == h || (size_t)(end - h) >= sizeof(host))
		return -1;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	return xfrm_addr_parse(host, addr) < 0 ? -1 : 0;
}

static bool config_has_family(const struct xfrm_addr *addrs, size_t n, int family)
{
	for (size_t i = 0; i < n; i++)
		if (addrs[i].family == family)
			return true;
	return false;
}

int config_check(const struct config *c, const char *path, FILE *errors)
{
	struct xfrm_addr scscf;

	int n = 0;

	if (c->naccess == 0)
		n++, fprintf(errors, "%s: no 'access' address: where do UEs reach us?\n", path);
	if (c->ncore == 0)
		n++, fprintf(errors, "%s: no 'core' address: where does the S-CSCF reach us?\n", path);
	if (c->scscf[0] == '\0')
		n++, fprintf(errors, "%s: no 'scscf' URI: where do REGISTERs go?\n", path);
	else if (config_scscf_addr(c->scscf, &scscf) < 0)
		n++, fprintf(errors, "%s: scscf: the host must be an address (names are not resolved)\n",
			     path);
	else if (c->ncore && !config_has_family(c->core, c->ncore, scscf.family))
		n++, fprintf(errors, "%s: scscf: no 'core' address of its family\n", path);
	if (c->nue_prefixes == 0)
		n++, fprintf(errors, "%s: no 'ue-prefix': which addresses may UEs have?\n", path);
	if (c->port == c->port_s || c->port == c->port_c)
		n++, fprintf(errors, "%s: the unprotected port is also a protected port\n", path);
	for (size_t i = 0; i < c->naccess; i++)
		for (size_t j = 0; j < c->ncore; j++)
			if (xfrm_addr_equal(&c->access[i], &c->core[j]))
				n++, fprintf(errors, "%s: an address is both 'access' and 'core'\n", path);
	return n;
}

void config_privsep_limits(const struct config *c, struct privsep_limits *l)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->pcscf_addrs, c->access, c->naccess * sizeof(c->access[0]));
	l->npcscf_addrs = c->naccess;
	l->ports[0] = c->port_s;
	l->ports[1] = c->port_c;
	l->nports = 2;
	memcpy(l->ue_prefixes, c->ue_prefixes, c->nue_prefixes * sizeof(c->ue_prefixes[0]));
	l->nue_prefixes = c->nue_prefixes;
	l->min_prefix_len6 = c->min_prefix_len6;
	l->min_prefix_len4 = c->min_prefix_len4;
	l->max_lifetime_s = c->max_expires_s + c->sa_grace_s;
}
