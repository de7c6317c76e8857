/*
 * store.h — pcscfd's state database (SQLite, WAL): the registrations and the SA sets
 * they use, with everything needed to put the sets back into the kernel after a crash.
 *
 * The unprivileged child owns it (see pcscfd(8), "STATE"). CK and IK are stored only
 * sealed by the privileged parent (seal.h). Writes go into one transaction that stays
 * open until store_commit(): pcscfd commits once per event-loop turn and holds back what
 * it sends until then, so a 200 to a REGISTER never leaves before its registration is on
 * disk and a registration storm costs one fsync per turn, not per message.
 *
 * The schema is versioned (PRAGMA user_version) and migrated on open; a file that is not
 * a database of ours, is damaged, or comes from a newer pcscfd is refused with a reason.
 * Times are kept as wall-clock milliseconds (monotonic time restarts with the machine);
 * the caller gives both clocks.
 */
#ifndef PCSCF_STORE_H
#define PCSCF_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "pcscf/reg.h"

/** The schema version this pcscfd writes. */
#define STORE_SCHEMA_VERSION 3

struct store;

/** Both clocks at one moment, to convert times between them. */
struct store_clock {
	uint64_t mono_ms; /**< monotonic (what struct reg holds) */
	int64_t wall_ms;  /**< CLOCK_REALTIME (what the database holds) */
};

/**
 * store_open() - open or create the database (mode 0600), put it in WAL mode, check it
 * and migrate its schema.
 * @path: the file.
 * @out: the store.
 * @why: the reason of a failure (names the file and SQLite's words).
 * @why_len: its size.
 * @return 0 or -errno (-EPROTO: not ours, damaged or too new)
 */
int store_open(const char *path, struct store **out, char *why, size_t why_len);

/**
 * store_free() - commit what is open and close.
 * @s: the store, or NULL.
 */
void store_free(struct store *s);

/** The message of the last failure. */
const char *store_error(const struct store *s);

/**
 * store_put() - write a registration and its sets (replacing what was kept for its id)
 * into the open transaction (opened when none is).
 * @s: the store.
 * @r: the registration.
 * @clock: now.
 * @return 0 or -errno
 */
int store_put(struct store *s, const struct reg *r, const struct store_clock *clock);

/**
 * store_forget() - delete a registration (and its sets) in the open transaction.
 * @s: the store.
 * @id: the registration's id.
 * @return 0 or -errno
 */
int store_forget(struct store *s, uint64_t id);

/** Whether a transaction is open (writes not yet on disk). */
bool store_pending(const struct store *s);

/**
 * store_commit() - commit the open transaction, if any.
 * @s: the store.
 * @return 0 or -errno
 */
int store_commit(struct store *s);

/**
 * store_load() - every registration, oldest first; those whose sets are due for deletion
 * are deleted from the database instead (and counted in @expired).
 * @s: the store.
 * @clock: now.
 * @fn: called with each registration (times converted to @clock's monotonic time; next
 *      is NULL); returns 0 or -errno to stop.
 * @arg: for @fn.
 * @expired: set to the number of expired registrations dropped.
 * @return the number of registrations given to @fn, or -errno
 */
int store_load(struct store *s, const struct store_clock *clock,
	       int (*fn)(void *arg, const struct reg *r), void *arg, unsigned *expired);

#endif /* PCSCF_STORE_H */
