/*
 * pcscfd.h — the parts of the pcscfd program (pcscfd.c, pcscfd_state.c, pcscfd_ctl.c):
 * the daemon's state, its state database glue and its control socket.
 */
#ifndef PCSCF_PCSCFD_H
#define PCSCF_PCSCFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pcscf/config.h"
#include "pcscf/pcscf.h"

struct evloop;
struct sip_transport;
struct store;
struct pcscfd_held;

/** The daemon. */
struct pcscfd {
	struct config cfg;
	const char *path;
	bool check_only, foreground;
	int log_level; /* -l, or -1 */
	struct evloop *loop;
	struct sip_transport *tr;
	struct privsep *ps;
	struct pcscf *logic;
	struct store *store;	  /* the state database (the child's) */
	struct pcscfd_held *held; /* messages held until the store commits */
	int ctl_fd;		  /* the control socket's listener, or -1 */
	pid_t parent;		  /* the privileged parent's pid */
	uint64_t started_ms;	  /* monotonic, for the uptime */
	uint64_t held_total;	  /* messages that waited for a commit */
	uint64_t commits;	  /* transactions committed */
	int status;
};

/* ---- pcscfd_state.c ---- */

/**
 * pcscfd_state_prepare() - as root, before the split: read or create the database key
 * file into @limits (the parent keeps it) and make the database's directory and file the
 * unprivileged user's.
 * @return 0 or -errno (logged)
 */
int pcscfd_state_prepare(struct pcscfd *d, struct privsep_limits *limits);

/**
 * pcscfd_state_open() - open the state database (the child, after the split); a damaged
 * or foreign file is an error, never an empty start.
 * @return 0 or -errno (logged)
 */
int pcscfd_state_open(struct pcscfd *d);

/**
 * pcscfd_state_restore() - load the signing keys (opened by the parent) into the logic's
 * ring, then the registrations; drop the expired ones, have the parent adopt their SA sets
 * and reconcile the kernel (missing SAs back, our unknown ones gone).
 * @return 0 or -errno (logged)
 */
int pcscfd_state_restore(struct pcscfd *d);

/** The store operations for pcscf_ops (reg_save, reg_forget). */
int pcscfd_state_save(void *arg, const struct reg *r);
/** See pcscfd_state_save(). */
int pcscfd_state_forget(void *arg, uint64_t id);

/**
 * pcscfd_state_sign_save() - pcscf_ops.sign_save: delete the stored signing keys the ring
 * no longer has and store its new ones, sealed by the parent, in the open transaction
 * (what is sent in this turn is held until it commits).
 * @return 0 or -errno (logged)
 */
int pcscfd_state_sign_save(void *arg, const struct sign_key_record *recs, size_t n);

/**
 * pcscfd_state_send() - send now, or hold the message until the open transaction commits.
 * @return 0 or -errno
 */
int pcscfd_state_send(struct pcscfd *d, const struct pcscf_peer *to, const char *buf, size_t len);

/**
 * pcscfd_state_set_delete() - delete a set now, or after the held messages (which may
 * have to travel over it).
 * @return 0 or -errno
 */
int pcscfd_state_set_delete(struct pcscfd *d, uint32_t reqid);

/** The before-sleep hook: commit, then send what was held. */
void pcscfd_state_flush(struct evloop *loop, void *arg);

/** Commit, drop what is held, close. */
void pcscfd_state_close(struct pcscfd *d);

/* ---- pcscfd_ctl.c ---- */

/**
 * pcscfd_ctl_listen() - create the control socket (as root, before the split): mode 0600,
 * or 0660 with the control group.
 * @return 0 or -errno (logged)
 */
int pcscfd_ctl_listen(struct pcscfd *d);

/** Serve the control socket on the loop (the child). @return 0 or -errno */
int pcscfd_ctl_start(struct pcscfd *d);

/** Stop serving and close. */
void pcscfd_ctl_close(struct pcscfd *d);

/** Send every message the logic asks for (the held-send path included). */
int pcscfd_send_now(struct pcscfd *d, const struct pcscf_peer *to, const char *buf, size_t len);

#endif /* PCSCF_PCSCFD_H */
