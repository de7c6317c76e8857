/*
 * privsep.c — the privileged parent of pcscfd and the child's side of its channel.
 *
 * Every message is one fixed-size structure on a SOCK_SEQPACKET socket; a message of any
 * other size is refused before it is looked at. The parent answers every request with
 * one reply, in order; kernel events travel on a second socket so they never interleave
 * with replies.
 */
#include "config.h"

#include "pcscf/privsep.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum privsep_type {
	PRIVSEP_READY = 1,
	PRIVSEP_SET_INSTALL,
	PRIVSEP_SET_DELETE,
	PRIVSEP_SET_ADD_ADDRESS,
	PRIVSEP_SET_EXTEND,
	PRIVSEP_SPI_ALLOC,
	PRIVSEP_SPI_RELEASE,
	PRIVSEP_GUARD,
	PRIVSEP_COUNT,
	PRIVSEP_EVENT,
	PRIVSEP_SET_ADOPT,
	PRIVSEP_RECONCILE,
	PRIVSEP_SET_SAS,
	PRIVSEP_SET_KEYS,
	PRIVSEP_SIGN_SEAL,
	PRIVSEP_SIGN_UNSEAL,
};

/* A request from the child. Fields a type does not use are zero. */
struct privsep_msg {
	uint32_t type;
	uint32_t reqid;
	uint32_t value; /* lifetime, SPI */
	uint32_t avoid[2];
	struct xfrm_addr addr;
	struct privsep_set_req set;
	struct privsep_adopt_req adopt;
	struct sign_key_record sign; /* a signing key to seal, or the record of one to open */
	uint8_t sealed[SEAL_BLOB_LEN];
};

/* The parent's answer to one request (and the READY message). */
struct privsep_reply {
	uint32_t type;
	int32_t err;
	uint32_t value, value2, value3, value4;
	char error[XFRM_ERR_MAX];
	uint8_t sealed[SEAL_BLOB_LEN];
	struct privsep_sa_info sas[PRIVSEP_SET_SAS_MAX];
	struct privsep_set_keys keys;
	struct sign_key_record sign; /* an opened signing key */
};

struct privsep_event_msg {
	uint32_t type;
	struct xfrm_event event;
};

struct privsep {
	int cmd_fd, event_fd;
	char error[XFRM_ERR_MAX];
};

/* The parent's state. */
struct privsep_parent {
	struct privsep_limits limits;
	struct xfrm_mgr_config config;
	struct xfrm_mgr *mgr;
	struct xfrm_events *events;
	int cmd_fd, event_fd;
	unsigned events_dropped;
};

static bool privsep_in_limits_addr(const struct privsep_limits *l, const struct xfrm_addr *a)
{
	for (size_t i = 0; i < l->npcscf_addrs; i++)
		if (xfrm_addr_equal(&l->pcscf_addrs[i], a))
			return true;
	return false;
}

static bool privsep_in_limits_port(const struct privsep_limits *l, uint16_t port)
{
	for (size_t i = 0; i < l->nports; i++)
		if (l->ports[i] == port)
			return true;
	return false;
}

/* Is @p addr / @p len inside one of the access prefixes? */
static bool privsep_in_ue_prefixes(const struct privsep_limits *l, const struct xfrm_addr *addr,
				   unsigned len)
{
	for (size_t i = 0; i < l->nue_prefixes; i++)
		if (len >= l->ue_prefixes[i].len &&
		    xfrm_addr_in_prefix(addr, &l->ue_prefixes[i].addr, l->ue_prefixes[i].len))
			return true;
	return false;
}

int privsep_check_set(const struct privsep_limits *l, const struct xfrm_mgr_config *config,
		      const struct privsep_set_req *r, char *why, size_t why_len)
{
	unsigned min = r->ue.addr.family == AF_INET6 ? l->min_prefix_len6 : l->min_prefix_len4;
	const char *reason = NULL;

	if (!privsep_in_limits_addr(l, &r->pcscf.addr))
		reason = "the P-CSCF address is not one of ours";
	else if (r->ue.addr.family != r->pcscf.addr.family)
		reason = "UE and P-CSCF addresses of different families";
	else if (r->ue_prefix_len < min || r->ue_prefix_len > (r->ue.addr.family == AF_INET6 ? 128u : 32u))
		reason = "the UE prefix length is shorter than allowed or invalid";
	else if (!privsep_in_ue_prefixes(l, &r->ue.addr, r->ue_prefix_len))
		reason = "the UE prefix is outside the access prefixes";
	else if (!privsep_in_limits_port(l, r->pcscf.port_c) || !privsep_in_limits_port(l, r->pcscf.port_s))
		reason = "a P-CSCF port is not a protected port";
	else if (r->pcscf.spi_c < config->spi_min || r->pcscf.spi_c > config->spi_max ||
		 r->pcscf.spi_s < config->spi_min || r->pcscf.spi_s > config->spi_max)
		reason = "a P-CSCF SPI is outside our range";
	else if (ipsec_keys_allowed(r->integ, r->encr) < 0)
		reason = "the algorithm pair is not allowed by TS 33.203";
	else if (r->lifetime_s == 0 || r->lifetime_s > l->max_lifetime_s)
		reason = "the lifetime is zero or too long";
	else if ((unsigned)r->transport > XFRM_TRANSPORT_TCP)
		reason = "unknown transport";
	if (!reason)
		return 0;
	snprintf(why, why_len, "refused: %s", reason);
	return -EPERM;
}

/* What sealed keys are bound to: the set's reqid, SPIs and algorithms. */
struct privsep_aad {
	uint32_t reqid, integ, encr, spis[4];
};

static void privsep_aad_of(const struct privsep_set_req *r, uint32_t reqid, struct privsep_aad *a)
{
	memset(a, 0, sizeof(*a));
	a->reqid = reqid;
	a->integ = (uint32_t)r->integ;
	a->encr = (uint32_t)r->encr;
	a->spis[0] = r->ue.spi_c, a->spis[1] = r->ue.spi_s;
	a->spis[2] = r->pcscf.spi_c, a->spis[3] = r->pcscf.spi_s;
}

int privsep_seal(const uint8_t key[SEAL_KEY_LEN], const struct privsep_set_req *req,
		 uint32_t reqid, uint8_t sealed[SEAL_BLOB_LEN])
{
	uint8_t plain[32];
	struct privsep_aad aad;
	int err;

	privsep_aad_of(req, reqid, &aad);
	memcpy(plain, req->ck, 16);
	memcpy(plain + 16, req->ik, 16);
	err = seal_encrypt(key, &aad, sizeof(aad), plain, sealed);
	if (err < 0)
		memset(sealed, 0, SEAL_BLOB_LEN);
	explicit_bzero(plain, sizeof(plain));
	return err;
}

/* Seal CK and IK for the child's database; nothing (zeros) without a key. */
static void privsep_parent_seal(struct privsep_parent *p, const struct privsep_set_req *r,
				uint32_t reqid, uint8_t sealed[SEAL_BLOB_LEN])
{
	if (p->limits.has_at_rest_key)
		privsep_seal(p->limits.at_rest_key, r, reqid, sealed);
}

static int privsep_parent_install(struct privsep_parent *p, struct privsep_set_req *r,
				  struct privsep_reply *reply)
{
	struct xfrm_set_params params;
	struct xfrm_set *set;
	int err = privsep_check_set(&p->limits, &p->config, r, reply->error, sizeof(reply->error));

	if (err < 0)
		return err;
	memset(&params, 0, sizeof(params));
	params.role = XFRM_ROLE_PCSCF;
	params.ue = r->ue;
	params.ue_prefix_len = r->ue_prefix_len;
	params.pcscf = r->pcscf;
	params.transport = r->transport;
	params.lifetime_s = r->lifetime_s;
	err = ipsec_keys_derive(r->integ, r->encr, r->ck, r->ik, &params.keys);
	if (err == 0)
		err = xfrm_set_install(p->mgr, &params, &set);
	ipsec_keys_wipe(&params.keys);
	if (err == 0) {
		reply->value = xfrm_set_reqid(set);
		privsep_parent_seal(p, r, reply->value, reply->sealed);
	}
	return err;
}

/* A set from the database: checked like a new one, keys unsealed, adopted with its reqid. */
static int privsep_parent_adopt(struct privsep_parent *p, struct privsep_adopt_req *a,
				struct privsep_reply *reply)
{
	struct xfrm_set_params params;
	struct privsep_aad aad;
	struct xfrm_set *set;
	uint8_t plain[32];
	int err = privsep_check_set(&p->limits, &p->config, &a->set, reply->error,
				    sizeof(reply->error));

	if (err < 0)
		return err;
	if (!p->limits.has_at_rest_key || a->naddrs > PRIVSEP_ADOPT_ADDRS)
		return -EINVAL;
	privsep_aad_of(&a->set, a->reqid, &aad);
	err = seal_decrypt(p->limits.at_rest_key, &aad, sizeof(aad), a->sealed, plain);
	if (err < 0) {
		snprintf(reply->error, sizeof(reply->error),
			 "the sealed keys of set 0x%08x do not open (another key file?)", a->reqid);
		return err;
	}
	memset(&params, 0, sizeof(params));
	params.role = XFRM_ROLE_PCSCF;
	params.ue = a->set.ue;
	params.ue_prefix_len = a->set.ue_prefix_len;
	params.pcscf = a->set.pcscf;
	params.transport = a->set.transport;
	params.lifetime_s = a->set.lifetime_s;
	err = ipsec_keys_derive(a->set.integ, a->set.encr, plain, plain + 16, &params.keys);
	explicit_bzero(plain, sizeof(plain));
	if (err == 0)
		err = xfrm_set_adopt(p->mgr, &params, a->reqid, a->addrs, a->naddrs, &set);
	ipsec_keys_wipe(&params.keys);
	return err;
}

static void privsep_parent_sa_one(void *arg, const struct xfrm_addr *dst, uint32_t spi,
				  const struct xfrm_sa_counters *counters)
{
	struct privsep_reply *reply = arg;

	if (reply->value >= PRIVSEP_SET_SAS_MAX)
		return;
	reply->sas[reply->value].dst = *dst;
	reply->sas[reply->value].spi = spi;
	reply->sas[reply->value].counters = *counters;
	reply->value++;
}

static void privsep_parent_keys(const struct xfrm_set *set, struct privsep_set_keys *out)
{
	const struct ipsec_alg_keys *k = &xfrm_set_params(set)->keys;

	out->integ = k->integ;
	out->encr = k->encr;
	out->auth_key_len = k->auth_key_len;
	memcpy(out->auth_key, k->auth_key, k->auth_key_len);
	out->enc_key_len = k->enc_key_len;
	memcpy(out->enc_key, k->enc_key, k->enc_key_len);
}

/* The set @p reqid, or NULL with the reply's error set. */
static struct xfrm_set *privsep_parent_set(struct privsep_parent *p, uint32_t reqid,
					   struct privsep_reply *reply)
{
	struct xfrm_set *set = xfrm_mgr_find_reqid(p->mgr, reqid);

	if (!set)
		snprintf(reply->error, sizeof(reply->error), "no set with reqid 0x%08x", reqid);
	return set;
}

static int privsep_parent_set_op(struct privsep_parent *p, struct privsep_msg *m,
				 struct privsep_reply *reply)
{
	struct xfrm_set *set = privsep_parent_set(p, m->reqid, reply);

	if (!set)
		return -ENOENT;
	switch (m->type) {
	case PRIVSEP_SET_DELETE:
		return xfrm_set_delete(p->mgr, set);
	case PRIVSEP_SET_SAS:
		return xfrm_set_counters(p->mgr, set, privsep_parent_sa_one, reply);
	case PRIVSEP_SET_KEYS:
		privsep_parent_keys(set, &reply->keys);
		return 0;
	case PRIVSEP_SET_ADD_ADDRESS:
		return xfrm_set_add_address(p->mgr, set, &m->addr);
	default: /* PRIVSEP_SET_EXTEND */
		if (m->value == 0 || m->value > p->limits.max_lifetime_s) {
			snprintf(reply->error, sizeof(reply->error), "refused: lifetime %u", m->value);
			return -EPERM;
		}
		return xfrm_set_extend(p->mgr, set, m->value);
	}
}

static int privsep_parent_guard(struct privsep_parent *p)
{
	int err = 0;

	for (size_t i = 0; i < p->limits.npcscf_addrs && err == 0; i++)
		err = xfrm_guard_install(p->mgr, &p->limits.pcscf_addrs[i], p->limits.ports,
					 p->limits.nports);
	return err;
}

/* Seal a signing key for the child's database, or open one from it. The child holds the
 * keys anyway (it signs); what it never holds is the database key. */
static int privsep_parent_sign(struct privsep_parent *p, struct privsep_msg *m,
			       struct privsep_reply *reply)
{
	int err;

	if (!p->limits.has_at_rest_key) {
		snprintf(reply->error, sizeof(reply->error), "no database key");
		return -EINVAL;
	}
	if (m->type == PRIVSEP_SIGN_SEAL) {
		err = seal_sign_encrypt(p->limits.at_rest_key, &m->sign, reply->sealed);
		if (err < 0)
			snprintf(reply->error, sizeof(reply->error),
				 "signing key %08x cannot be sealed", m->sign.id);
		return err;
	}
	reply->sign = m->sign;
	err = seal_sign_decrypt(p->limits.at_rest_key, &reply->sign, m->sealed);
	if (err < 0)
		snprintf(reply->error, sizeof(reply->error),
			 "the sealed signing key %08x does not open (altered, or another key file?)",
			 m->sign.id);
	return err;
}

static int privsep_parent_reconcile(struct privsep_parent *p, struct privsep_reply *reply)
{
	struct xfrm_reconcile_report report;
	int err = xfrm_mgr_reconcile(p->mgr, &report);

	reply->value = report.sas_added, reply->value2 = report.sas_removed;
	reply->value3 = report.policies_added, reply->value4 = report.policies_removed;
	return err;
}

static void privsep_parent_dispatch(struct privsep_parent *p, struct privsep_msg *m,
				    struct privsep_reply *reply)
{
	int err;

	switch (m->type) {
	case PRIVSEP_SET_INSTALL:
		err = privsep_parent_install(p, &m->set, reply);
		break;
	case PRIVSEP_SET_DELETE:
	case PRIVSEP_SET_ADD_ADDRESS:
	case PRIVSEP_SET_EXTEND:
	case PRIVSEP_SET_SAS:
	case PRIVSEP_SET_KEYS:
		err = privsep_parent_set_op(p, m, reply);
		break;
	case PRIVSEP_SET_ADOPT:
		err = privsep_parent_adopt(p, &m->adopt, reply);
		break;
	case PRIVSEP_RECONCILE:
		err = privsep_parent_reconcile(p, reply);
		break;
	case PRIVSEP_SIGN_SEAL:
	case PRIVSEP_SIGN_UNSEAL:
		err = privsep_parent_sign(p, m, reply);
		break;
	case PRIVSEP_SPI_ALLOC:
		err = xfrm_spi_alloc(p->mgr, m->avoid, 2, &reply->value);
		break;
	case PRIVSEP_SPI_RELEASE:
		xfrm_spi_release(p->mgr, m->value);
		err = 0;
		break;
	case PRIVSEP_GUARD:
		err = privsep_parent_guard(p);
		break;
	case PRIVSEP_COUNT:
		err = xfrm_mgr_count(p->mgr, &reply->value, &reply->value2);
		break;
	default:
		snprintf(reply->error, sizeof(reply->error), "unknown request type %u", m->type);
		err = -EINVAL;
	}
	if (err < 0 && reply->error[0] == '\0')
		snprintf(reply->error, sizeof(reply->error), "%s", xfrm_mgr_error(p->mgr));
	reply->err = err;
}

/* One request: @return false when the child has gone. */
static bool privsep_parent_request(struct privsep_parent *p)
{
	struct privsep_msg m;
	struct privsep_reply reply;
	ssize_t n = recv(p->cmd_fd, &m, sizeof(m), MSG_TRUNC);

	if (n == 0 || (n < 0 && errno != EINTR))
		return false;
	if (n < 0)
		return true;
	memset(&reply, 0, sizeof(reply));
	reply.type = m.type;
	if ((size_t)n != sizeof(m)) {
		reply.err = -EBADMSG;
		snprintf(reply.error, sizeof(reply.error), "request of %zd bytes, not %zu", n, sizeof(m));
	} else {
		privsep_parent_dispatch(p, &m, &reply);
	}
	explicit_bzero(&m, sizeof(m));
	do
		n = send(p->cmd_fd, &reply, sizeof(reply), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR); /* a forwarded signal */
	explicit_bzero(&reply, sizeof(reply)); /* it may hold keys (SET_KEYS, SIGN_UNSEAL) */
	return n == sizeof(reply);
}

static void privsep_parent_forward(void *arg, const struct xfrm_event *event)
{
	struct privsep_parent *p = arg;
	struct privsep_event_msg msg = { .type = PRIVSEP_EVENT, .event = *event };

	/* Never block the parent on a slow child: a lost event is repaired by reconcile. */
	if (send(p->event_fd, &msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL) != sizeof(msg))
		p->events_dropped++;
}

static volatile pid_t privsep_child_pid;

/* The parent passes the signals meant for the daemon on to the child, which cleans up
 * (through the parent) and exits; the parent follows when the child has gone. */
static void privsep_parent_forward_signal(int signo)
{
	int saved = errno;

	if (privsep_child_pid > 0)
		kill(privsep_child_pid, signo);
	errno = saved;
}

static void privsep_parent_signals(pid_t child)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = privsep_parent_forward_signal;
	sigemptyset(&sa.sa_mask);
	privsep_child_pid = child;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
}

static void privsep_parent_serve(struct privsep_parent *p)
{
	struct pollfd fds[2] = { { .fd = p->cmd_fd, .events = POLLIN },
				 { .fd = xfrm_events_fd(p->events), .events = POLLIN } };

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[1].revents & POLLIN)
			xfrm_events_read(p->events, privsep_parent_forward, p);
		if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !privsep_parent_request(p))
			return;
	}
}

/* The parent after the split: set up, say READY (or why not), serve, exit with the child. */
static void __attribute__((noreturn))
privsep_parent_main(struct privsep_parent *p, pid_t child)
{
	struct privsep_reply ready = { .type = PRIVSEP_READY };
	int status = 0;

	privsep_parent_signals(child);
	ready.err = xfrm_mgr_new(&p->config, &p->mgr);
	if (ready.err == 0)
		ready.err = xfrm_events_open(&p->events);
	if (ready.err < 0)
		snprintf(ready.error, sizeof(ready.error), "cannot open the xfrm manager: %s",
			 p->mgr ? xfrm_mgr_error(p->mgr) : strerror(-ready.err));
	if (send(p->cmd_fd, &ready, sizeof(ready), MSG_NOSIGNAL) == sizeof(ready) && ready.err == 0)
		privsep_parent_serve(p);
	close(p->cmd_fd);
	close(p->event_fd);
	xfrm_events_close(p->events);
	xfrm_mgr_free(p->mgr); /* the kernel keeps the SAs: a restart reconciles them */
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int privsep_drop(const struct passwd *pw)
{
	if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return -errno;
	/* Changing from root to another uid cleared every capability; keep it that way. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* Without the parent the child can do nothing useful; set after the uid change,
	 * which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int privsep_child_ready(struct privsep *ps)
{
	struct privsep_reply ready;
	ssize_t n = recv(ps->cmd_fd, &ready, sizeof(ready), 0);

	if (n != sizeof(ready) || ready.type != PRIVSEP_READY) {
		snprintf(ps->error, sizeof(ps->error), "the privileged parent did not start");
		return -EPIPE;
	}
	snprintf(ps->error, sizeof(ps->error), "%s", ready.error);
	return ready.err;
}

int privsep_start(const struct privsep_limits *limits, const struct xfrm_mgr_config *config,
		  const char *user, struct privsep **out)
{
	struct privsep_parent parent = { .limits = *limits };
	struct passwd *pw = getpwnam(user);
	int cmd[2], event[2], err;
	pid_t pid;

	*out = NULL;
	if (!pw || pw->pw_uid == 0)
		return pw ? -EPERM : -ENOENT;
	if (config)
		parent.config = *config;
	else
		xfrm_mgr_config_default(&parent.config);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cmd) < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, event) < 0) {
		err = -errno;
		close(cmd[0]), close(cmd[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(cmd[0]), close(cmd[1]), close(event[0]), close(event[1]);
		return err;
	}
	if (pid > 0) {
		if (limits->child_secret) /* the child's alone, as the at-rest key is ours */
			explicit_bzero(limits->child_secret, limits->child_secret_len);
		close(cmd[1]), close(event[1]);
		parent.cmd_fd = cmd[0];
		parent.event_fd = event[0];
		privsep_parent_main(&parent, pid);
	}
	close(cmd[0]), close(event[0]);
	explicit_bzero(&parent, sizeof(parent)); /* the at-rest key is the parent's alone */
	struct privsep *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->cmd_fd = cmd[1];
	ps->event_fd = event[1];
	if ((err = privsep_drop(pw)) < 0) {
		snprintf(ps->error, sizeof(ps->error), "dropping privileges to %s: %s", user,
			 strerror(-err));
	} else if ((err = privsep_child_ready(ps)) == 0) {
		*out = ps;
		return 0;
	}
	privsep_free(ps);
	return err;
}

const char *privsep_error(const struct privsep *ps)
{
	return ps->error;
}

void privsep_free(struct privsep *ps)
{
	if (!ps)
		return;
	close(ps->cmd_fd);
	close(ps->event_fd);
	free(ps);
}

/* Send @p m, wait for its reply. The request is wiped (it may hold CK and IK). */
static int privsep_call(struct privsep *ps, struct privsep_msg *m, struct privsep_reply *reply)
{
	ssize_t n = send(ps->cmd_fd, m, sizeof(*m), MSG_NOSIGNAL);

	memset(reply, 0, sizeof(*reply));
	explicit_bzero(m, sizeof(*m));
	if (n != sizeof(*m)) {
		snprintf(ps->error, sizeof(ps->error), "privileged parent: %s", strerror(errno));
		return -EPIPE;
	}
	do
		n = recv(ps->cmd_fd, reply, sizeof(*reply), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*reply)) {
		snprintf(ps->error, sizeof(ps->error), "privileged parent: no reply");
		return -EPIPE;
	}
	if (reply->err < 0)
		snprintf(ps->error, sizeof(ps->error), "%s", reply->error);
	return reply->err;
}

int privsep_set_install(struct privsep *ps, const struct privsep_set_req *req, uint32_t *reqid,
			uint8_t *sealed)
{
	struct privsep_msg m = { .type = PRIVSEP_SET_INSTALL, .set = *req };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	*reqid = err == 0 ? reply.value : 0;
	if (sealed)
		memcpy(sealed, reply.sealed, SEAL_BLOB_LEN);
	return err;
}

int privsep_set_adopt(struct privsep *ps, const struct privsep_adopt_req *req)
{
	struct privsep_msg m = { .type = PRIVSEP_SET_ADOPT, .adopt = *req };
	struct privsep_reply reply;

	return privsep_call(ps, &m, &reply);
}

int privsep_reconcile(struct privsep *ps, struct xfrm_reconcile_report *report)
{
	struct privsep_msg m = { .type = PRIVSEP_RECONCILE };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	report->sas_added = reply.value, report->sas_removed = reply.value2;
	report->policies_added = reply.value3, report->policies_removed = reply.value4;
	return err;
}

int privsep_set_sas(struct privsep *ps, uint32_t reqid,
		    struct privsep_sa_info sas[PRIVSEP_SET_SAS_MAX])
{
	struct privsep_msg m = { .type = PRIVSEP_SET_SAS, .reqid = reqid };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	if (err < 0)
		return err;
	memcpy(sas, reply.sas, reply.value * sizeof(sas[0]));
	return (int)reply.value;
}

int privsep_sign_seal(struct privsep *ps, const struct sign_key_record *rec,
		      uint8_t sealed[SEAL_BLOB_LEN])
{
	struct privsep_msg m = {.type = PRIVSEP_SIGN_SEAL, .sign = *rec};
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	memcpy(sealed, reply.sealed, SEAL_BLOB_LEN);
	return err;
}

int privsep_sign_unseal(struct privsep *ps, struct sign_key_record *rec,
			const uint8_t sealed[SEAL_BLOB_LEN])
{
	struct privsep_msg m = {.type = PRIVSEP_SIGN_UNSEAL, .sign = *rec};
	struct privsep_reply reply;
	int err;

	memset(m.sign.secret, 0, sizeof(m.sign.secret));
	memcpy(m.sealed, sealed, SEAL_BLOB_LEN);
	err = privsep_call(ps, &m, &reply);
	if (err == 0)
		memcpy(rec->secret, reply.sign.secret, sizeof(rec->secret));
	explicit_bzero(&reply, sizeof(reply));
	return err;
}

int privsep_set_keys(struct privsep *ps, uint32_t reqid, struct privsep_set_keys *keys)
{
	struct privsep_msg m = { .type = PRIVSEP_SET_KEYS, .reqid = reqid };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	if (err == 0)
		*keys = reply.keys;
	explicit_bzero(&reply, sizeof(reply));
	return err;
}

static int privsep_simple(struct privsep *ps, uint32_t type, uint32_t reqid, uint32_t value,
			  const struct xfrm_addr *addr)
{
	struct privsep_msg m = { .type = type, .reqid = reqid, .value = value };
	struct privsep_reply reply;

	if (addr)
		m.addr = *addr;
	return privsep_call(ps, &m, &reply);
}

int privsep_set_delete(struct privsep *ps, uint32_t reqid)
{
	return privsep_simple(ps, PRIVSEP_SET_DELETE, reqid, 0, NULL);
}

int privsep_set_add_address(struct privsep *ps, uint32_t reqid, const struct xfrm_addr *addr)
{
	return privsep_simple(ps, PRIVSEP_SET_ADD_ADDRESS, reqid, 0, addr);
}

int privsep_set_extend(struct privsep *ps, uint32_t reqid, uint32_t lifetime_s)
{
	return privsep_simple(ps, PRIVSEP_SET_EXTEND, reqid, lifetime_s, NULL);
}

int privsep_spi_release(struct privsep *ps, uint32_t spi)
{
	return privsep_simple(ps, PRIVSEP_SPI_RELEASE, 0, spi, NULL);
}

int privsep_guard(struct privsep *ps)
{
	return privsep_simple(ps, PRIVSEP_GUARD, 0, 0, NULL);
}

int privsep_spi_alloc(struct privsep *ps, const uint32_t avoid[2], uint32_t *spi)
{
	struct privsep_msg m = { .type = PRIVSEP_SPI_ALLOC, .avoid = { avoid[0], avoid[1] } };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	*spi = err == 0 ? reply.value : 0;
	return err;
}

int privsep_count(struct privsep *ps, unsigned *sas, unsigned *policies)
{
	struct privsep_msg m = { .type = PRIVSEP_COUNT };
	struct privsep_reply reply;
	int err = privsep_call(ps, &m, &reply);

	*sas = reply.value;
	*policies = reply.value2;
	return err;
}

int privsep_events_fd(const struct privsep *ps)
{
	return ps->event_fd;
}

int privsep_events_read(struct privsep *ps, void (*fn)(void *arg, const struct xfrm_event *event),
			void *arg)
{
	struct privsep_event_msg msg;
	int count = 0;
	ssize_t n;

	while ((n = recv(ps->event_fd, &msg, sizeof(msg), MSG_DONTWAIT)) == sizeof(msg)) {
		if (msg.type == PRIVSEP_EVENT) {
			fn(arg, &msg.event);
			count++;
		}
	}
	if (n == 0)
		return -EPIPE;
	return count;
}
