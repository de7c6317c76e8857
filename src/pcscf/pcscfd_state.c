/*
 * pcscfd_state.c — pcscfd's state database: opening it, restoring after a restart, and
 * the group commit (one transaction per event-loop turn, messages held until it is on
 * disk).
 *
 * Why the child owns the database: the registrations are SIP facts the child makes and
 * reads on every message, so the parent (which must stay small and only change IPsec on
 * checked requests) would otherwise parse registrations from the child. The keys are the
 * exception: the child stores CK and IK only sealed by the parent, which keeps the
 * key-file key; on restore the parent opens them, checks the set against its limits
 * like a new one and adopts it. The Via / Record-Route signing keys are kept the same
 * way: sealed by the parent when a rotation makes one, deleted when the ring purges it,
 * opened by the parent at start. See pcscfd(8), STATE.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/evloop.h"
#include "common/log.h"
#include "pcscf/pcscfd.h"
#include "pcscf/store.h"
#include "sip/sip_transport.h"

/* A message waiting for the commit, or (buf NULL) a set deletion that must not overtake
 * the messages held before it (a de-registration's 200 goes over the set). */
struct pcscfd_held_msg {
	struct pcscf_peer to;
	size_t len;
	char *buf;
	uint32_t delete_reqid;
};

struct pcscfd_held {
	struct pcscfd_held_msg *msgs;
	size_t n, cap;
};

static void pcscfd_state_clock(const struct pcscfd *d, struct store_clock *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	c->wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	c->mono_ms = evloop_now_ms(d->loop);
}

int pcscfd_state_open(struct pcscfd *d)
{
	char why[512];
	int ret;

	d->held = calloc(1, sizeof(*d->held));
	if (!d->held)
		return -ENOMEM;
	ret = store_open(d->cfg.database, &d->store, why, sizeof(why));
	if (ret < 0)
		log_err("state database: %s", why);
	return ret;
}

/* The parent's request for one stored set; @until_ms: when it is to go at the latest. */
static int pcscfd_state_adopt(struct pcscfd *d, const struct reg_sa *sa, uint64_t until_ms)
{
	struct privsep_adopt_req req;
	uint64_t now = evloop_now_ms(d->loop);
	uint32_t max = d->cfg.max_expires_s + d->cfg.sa_grace_s;
	int ret;

	memset(&req, 0, sizeof(req));
	req.set.ue = sa->ue;
	req.set.ue_prefix_len = sa->prefix_len;
	req.set.pcscf = sa->pcscf;
	req.set.transport = XFRM_TRANSPORT_ANY;
	req.set.integ = sa->integ;
	req.set.encr = sa->encr;
	req.set.lifetime_s = until_ms > now ? (uint32_t)((until_ms - now + 999) / 1000) : 1;
	if (req.set.lifetime_s > max)
		req.set.lifetime_s = max;
	req.reqid = sa->reqid;
	memcpy(req.sealed, sa->sealed, sizeof(req.sealed));
	for (size_t i = 0; i < sa->naddrs && i < PRIVSEP_ADOPT_ADDRS; i++)
		req.addrs[req.naddrs++] = sa->addrs[i];
	ret = privsep_set_adopt(d->ps, &req);
	if (ret < 0)
		log_err("SA set 0x%08x cannot be restored: %s", sa->reqid, privsep_error(d->ps));
	return ret;
}

/* One stored registration: its sets adopted, then the logic takes it. A registration
 * whose current set cannot be restored is forgotten (its UE registers again). */
static int pcscfd_state_restore_one(void *arg, const struct reg *stored)
{
	struct pcscfd *d = arg;
	struct reg r = *stored;
	int ret = pcscfd_state_adopt(d, &r.cur, r.delete_ms);

	if (ret == 0 && r.old.reqid && pcscfd_state_adopt(d, &r.old, r.old_until_ms) < 0)
		memset(&r.old, 0, sizeof(r.old));
	if (ret == 0)
		ret = pcscf_restore(d->logic, &r);
	else
		store_forget(d->store, r.id);
	explicit_bzero(&r, sizeof(r));
	return ret == -ENOMEM ? ret : 0;
}

/* The stored signing keys back into the logic's ring, opened by the parent. A key that does
 * not open (altered, or another database key) stops pcscfd, as a damaged row does: going
 * on would refuse every dialog signed with it, silently. */
static int pcscfd_state_sign_restore(struct pcscfd *d)
{
	struct store_sign_key rows[STORE_SIGN_MAX];
	struct sign_key_record recs[STORE_SIGN_MAX];
	unsigned expired = 0;
	int n = store_sign_load(d->store, (uint64_t)time(NULL), rows, STORE_SIGN_MAX, &expired);
	int ret = n < 0 ? n : 0;

	if (n < 0)
		log_err("state database %s: %s", d->cfg.database, store_error(d->store));
	else if (!d->cfg.sign_rotate_s && n > 0)
		log_info("state: %d signing keys kept unused (signing is off)", n);
	for (int i = 0; d->cfg.sign_rotate_s && i < n && ret == 0; i++) {
		recs[i].id = rows[i].id;
		recs[i].created = rows[i].created;
		recs[i].expires = rows[i].expires;
		ret = privsep_sign_unseal(d->ps, &recs[i], rows[i].sealed);
		if (ret < 0)
			log_err("state database %s: %s", d->cfg.database, privsep_error(d->ps));
	}
	if (ret == 0 && d->cfg.sign_rotate_s) {
		ret = pcscf_sign_restore(d->logic, recs, (size_t)n);
		if (ret < 0)
			log_err_ret(ret, "signing keys from %s", d->cfg.database);
		else
			log_info("state: %d signing keys restored, %u expired dropped", ret,
				 expired);
	}
	explicit_bzero(recs, sizeof(recs));
	return ret < 0 ? ret : 0;
}

/* Seconds on the monotonic clock, to say how long each step of a restore took. */
static double pcscfd_state_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pcscfd_state_restore(struct pcscfd *d)
{
	struct xfrm_reconcile_report rep;
	struct pcscf_stats st;
	struct store_clock clock;
	double t0 = pcscfd_state_seconds(), t1;
	unsigned expired = 0;
	int ret = pcscfd_state_sign_restore(d);

	if (ret < 0)
		return ret;
	pcscfd_state_clock(d, &clock);
	ret = store_load(d->store, &clock, pcscfd_state_restore_one, d, &expired);
	if (ret < 0) {
		log_err("state database %s: %s", d->cfg.database, store_error(d->store));
		return ret;
	}
	t1 = pcscfd_state_seconds();
	ret = privsep_reconcile(d->ps, &rep);
	if (ret < 0) {
		log_err("reconciling the kernel: %s", privsep_error(d->ps));
		return ret;
	}
	pcscf_get_stats(d->logic, &st);
	log_info("state: %llu registrations restored, %u expired dropped (%.2f s); kernel: %u SAs "
		 "and %u policies put back, %u SAs and %u policies removed (%.2f s)",
		 (unsigned long long)st.registrations, expired, t1 - t0, rep.sas_added,
		 rep.policies_added, rep.sas_removed, rep.policies_removed,
		 pcscfd_state_seconds() - t1);
	return 0;
}

int pcscfd_state_save(void *arg, const struct reg *r)
{
	struct pcscfd *d = arg;
	struct store_clock clock;
	int ret;

	if (!d->store)
		return 0;
	pcscfd_state_clock(d, &clock);
	ret = store_put(d->store, r, &clock);
	if (ret < 0)
		log_err("state database: %s", store_error(d->store));
	return ret;
}

int pcscfd_state_forget(void *arg, uint64_t id)
{
	struct pcscfd *d = arg;
	int ret;

	if (!d->store)
		return 0;
	ret = store_forget(d->store, id);
	if (ret < 0)
		log_err("state database: %s", store_error(d->store));
	return ret;
}

/* One key into the open transaction, sealed by the parent, unless it is stored already. */
static int pcscfd_state_sign_put(struct pcscfd *d, const struct sign_key_record *rec)
{
	struct store_sign_key k = {.id = rec->id, .created = rec->created, .expires = rec->expires};
	int ret = store_sign_has(d->store, &k), sealed = 0;

	if (ret == 0) {
		sealed = privsep_sign_seal(d->ps, rec, k.sealed);
		ret = sealed < 0 ? sealed : store_sign_put(d->store, &k);
	}
	if (sealed < 0)
		log_err("signing key %08x: %s", rec->id, privsep_error(d->ps));
	else if (ret < 0)
		log_err("state database: %s", store_error(d->store));
	return ret < 0 ? ret : 0;
}

int pcscfd_state_sign_save(void *arg, const struct sign_key_record *recs, size_t n)
{
	struct pcscfd *d = arg;
	uint32_t ids[STORE_SIGN_MAX] = {0};
	int ret = 0;

	if (!d->store)
		return 0;
	if (n > STORE_SIGN_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		ids[i] = recs[i].id;
	/* Purged keys first: a new key may take the ID of one purged in the same tick. */
	ret = store_sign_keep(d->store, ids, n);
	if (ret < 0)
		log_err("state database: %s", store_error(d->store));
	for (size_t i = 0; ret >= 0 && i < n; i++)
		ret = pcscfd_state_sign_put(d, &recs[i]);
	return ret < 0 ? ret : 0;
}

/* A new slot at the end of the held queue, or NULL. */
static struct pcscfd_held_msg *pcscfd_state_hold(struct pcscfd_held *h)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct pcscfd_held_msg *msgs = realloc(h->msgs, cap * sizeof(*msgs));

		if (!msgs)
			return NULL;
		h->msgs = msgs, h->cap = cap;
	}
	memset(&h->msgs[h->n], 0, sizeof(h->msgs[0]));
	return &h->msgs[h->n];
}

int pcscfd_state_send(struct pcscfd *d, const struct pcscf_peer *to, const char *buf, size_t len)
{
	struct pcscfd_held *h = d->held;
	struct pcscfd_held_msg *m;

	if (!d->store || (!store_pending(d->store) && h->n == 0))
		return pcscfd_send_now(d, to, buf, len);
	m = pcscfd_state_hold(h);
	if (!m)
		return -ENOMEM;
	m->buf = malloc(len);
	if (!m->buf)
		return -ENOMEM;
	memcpy(m->buf, buf, len);
	m->len = len;
	m->to = *to;
	h->n++;
	d->held_total++;
	return 0;
}

int pcscfd_state_set_delete(struct pcscfd *d, uint32_t reqid)
{
	struct pcscfd_held_msg *m;

	if (!d->held || d->held->n == 0)
		return privsep_set_delete(d->ps, reqid);
	m = pcscfd_state_hold(d->held);
	if (!m)
		return privsep_set_delete(d->ps, reqid);
	m->delete_reqid = reqid;
	d->held->n++;
	return 0;
}

void pcscfd_state_flush(struct evloop *loop, void *arg)
{
	struct pcscfd *d = arg;
	struct pcscfd_held *h = d->held;

	(void)loop;
	if (d->store && store_pending(d->store)) {
		/* A failed commit is logged; the messages go anyway: the service goes on,
		 * only a crash before the next good commit would lose the registrations. */
		if (store_commit(d->store) < 0)
			log_err("state database commit: %s", store_error(d->store));
		else
			d->commits++;
	}
	for (size_t i = 0; h && i < h->n; i++) {
		struct pcscfd_held_msg *m = &h->msgs[i];

		if (!m->buf && privsep_set_delete(d->ps, m->delete_reqid) < 0)
			log_warn("SA set delete: %s", privsep_error(d->ps));
		else if (m->buf && pcscfd_send_now(d, &m->to, m->buf, m->len) < 0)
			log_debug("a held message could not be sent");
		free(m->buf);
	}
	if (h)
		h->n = 0;
}

void pcscfd_state_close(struct pcscfd *d)
{
	if (d->held) {
		for (size_t i = 0; i < d->held->n; i++)
			free(d->held->msgs[i].buf);
		free(d->held->msgs);
		free(d->held);
		d->held = NULL;
	}
	store_free(d->store);
	d->store = NULL;
}

/* A path's directory part into @out. */
static void pcscfd_state_dirname(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Give the database file (and its WAL files) to the child's user. */
static int pcscfd_state_chown(const char *path, const struct passwd *pw)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char name[CONFIG_PATH_MAX + 8];
	int ret = 0;

	for (size_t i = 0; i < 3 && ret == 0; i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		if (lchown(name, pw->pw_uid, pw->pw_gid) < 0 && errno != ENOENT) {
			ret = -errno;
			log_err_errno("chown %s to %s", name, pw->pw_name);
		}
	}
	return ret;
}

int pcscfd_state_prepare(struct pcscfd *d, struct privsep_limits *limits)
{
	struct passwd *pw = getpwnam(d->cfg.user);
	char dir[CONFIG_PATH_MAX], why[512];
	int ret;

	if (!pw)
		return -ENOENT;
	ret = seal_key_load(d->cfg.database_key, limits->at_rest_key, why, sizeof(why));
	if (ret < 0) {
		log_err("state database key: %s", why);
		return ret;
	}
	limits->has_at_rest_key = true;
	/* The child, not root, writes the database: its directory is the child's. */
	pcscfd_state_dirname(d->cfg.database, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_err_errno("cannot create the state database's directory %s", dir);
		return -errno;
	}
	if (chown(dir, pw->pw_uid, pw->pw_gid) < 0) {
		log_err_errno("chown %s to %s", dir, pw->pw_name);
		return -errno;
	}
	return pcscfd_state_chown(d->cfg.database, pw);
}
