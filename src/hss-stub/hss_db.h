/*
 * hss_db.h — the HSS subscriber store (SQLite).
 *
 * One database file holds subscribers: an IMPI, one or more IMPUs (each IMPU belongs to one
 * subscriber), K, OP (optional) and OPc (always; derived from OP when OP is given), AMF and
 * the last SQN handed out. The file is created 0600, runs in WAL mode and records its schema
 * version in the table schema_version. Several processes may use one file: every change is
 * one transaction, and hss_db_sqn_advance() is atomic across them.
 *
 * Functions return 0 or a negative errno; on error hss_db_error() says what failed and why.
 * K, OP and OPc are never put into error messages.
 */
#ifndef HSS_DB_H
#define HSS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/milenage.h"

#define HSS_DB_DEFAULT_PATH   "/var/lib/hss-stub/hss.db"
#define HSS_DB_SCHEMA_VERSION 1
#define HSS_ID_MAX	      255 /* longest IMPI or IMPU, in bytes */
#define HSS_IMPU_MAX	      16  /* most IMPUs per subscriber */

/** One subscriber, as stored. Create with hss_subscriber_new(); secrets wiped on free. */
struct hss_subscriber {
	char *impi;
	char **impu; /* n_impu strings, in the order they were added */
	size_t n_impu;
	uint8_t k[MILENAGE_K_LEN];
	uint8_t op[MILENAGE_K_LEN]; /* valid when has_op */
	bool has_op;
	uint8_t opc[MILENAGE_K_LEN]; /* always valid once OP or OPc is set */
	bool has_opc;
	uint8_t amf[MILENAGE_AMF_LEN];
	uint64_t sqn; /* the last SQN used (48 bits) */
};

struct hss_db;

/**
 * hss_subscriber_new() - an empty subscriber with AMF 8000 and SQN 0.
 * @return the subscriber, or NULL when out of memory.
 */
struct hss_subscriber *hss_subscriber_new(void);

/**
 * hss_subscriber_free() - wipe K/OP/OPc and free everything.
 * @sub: the subscriber (may be NULL)
 */
void hss_subscriber_free(struct hss_subscriber *sub);

/**
 * hss_subscriber_set_impi() - set (replace) the IMPI.
 * @sub:  the subscriber
 * @impi: the IMPI, checked with hss_impi_check()
 * @return 0, -EINVAL for an invalid IMPI, -ENOMEM.
 */
int hss_subscriber_set_impi(struct hss_subscriber *sub, const char *impi);

/**
 * hss_subscriber_add_impu() - append an IMPU.
 * @sub:  the subscriber
 * @impu: the IMPU, checked with hss_impu_check()
 * @return 0, -EINVAL for an invalid IMPU, -EEXIST when @sub already has it, -E2BIG beyond
 *         HSS_IMPU_MAX, -ENOMEM.
 */
int hss_subscriber_add_impu(struct hss_subscriber *sub, const char *impu);

/**
 * hss_subscriber_set_op() - set OP and derive OPc from it and K (so set K first).
 * @sub: the subscriber
 * @op:  OP
 * @return 0 or a negative errno of milenage_opc().
 */
int hss_subscriber_set_op(struct hss_subscriber *sub, const uint8_t op[MILENAGE_K_LEN]);

/**
 * hss_subscriber_set_opc() - set OPc directly (and forget any OP).
 * @sub: the subscriber
 * @opc: OPc
 */
void hss_subscriber_set_opc(struct hss_subscriber *sub, const uint8_t opc[MILENAGE_K_LEN]);

/**
 * hss_impi_check() - is this a storable IMPI? Non-empty, at most HSS_ID_MAX bytes, printable
 * ASCII without spaces, quotes, backslashes or '#'.
 * @impi: the string
 * @return 0 or -EINVAL.
 */
int hss_impi_check(const char *impi);

/**
 * hss_impu_check() - is this a storable IMPU? As hss_impi_check(), and it starts with "sip:",
 * "sips:" or "tel:" followed by at least one character.
 * @impu: the string
 * @return 0 or -EINVAL.
 */
int hss_impu_check(const char *impu);

/**
 * hss_db_new() - an unopened database handle.
 * @return the handle or NULL when out of memory.
 */
struct hss_db *hss_db_new(void);

/**
 * hss_db_free() - close (rolling back an open transaction) and free.
 * @db: the handle (may be NULL)
 */
void hss_db_free(struct hss_db *db);

/**
 * hss_db_open() - open or create the database. A missing file is created with mode 0600 (and
 * a missing parent directory with 0700); the schema is created or its version checked.
 * @db:   an unopened handle
 * @path: the file
 * @return 0, -EALREADY if @db is open, -EPROTO for a schema version this program does not
 *         know, -EIO or another negative errno.
 */
int hss_db_open(struct hss_db *db, const char *path);

/**
 * hss_db_error() - what the last failing call tried and why.
 * @db: the handle
 * @return a message (never NULL; "" when there was no error).
 */
const char *hss_db_error(const struct hss_db *db);

/**
 * hss_db_begin() - start a write transaction (BEGIN IMMEDIATE). The calls below join it
 * instead of committing on their own, until hss_db_commit() or hss_db_rollback().
 * @db: the handle
 * @return 0, -EBUSY when another process holds the write lock past the busy timeout, -EIO.
 */
int hss_db_begin(struct hss_db *db);

/**
 * hss_db_commit() - commit the transaction of hss_db_begin().
 * @db: the handle
 * @return 0 or a negative errno (then the transaction is rolled back).
 */
int hss_db_commit(struct hss_db *db);

/**
 * hss_db_rollback() - abandon the transaction of hss_db_begin(); harmless without one.
 * @db: the handle
 */
void hss_db_rollback(struct hss_db *db);

/**
 * hss_db_subscriber_add() - store a new subscriber with its IMPUs.
 * @db:  the handle
 * @sub: the subscriber; it needs an IMPI, at least one IMPU and OPc
 * @return 0, -EINVAL for an incomplete subscriber, -EEXIST when the IMPI or an IMPU is
 *         taken, -EIO.
 */
int hss_db_subscriber_add(struct hss_db *db, const struct hss_subscriber *sub);

/**
 * hss_db_subscriber_del() - delete a subscriber and its IMPUs.
 * @db:   the handle
 * @impi: its IMPI
 * @return 0, -ENOENT when there is no such subscriber, -EIO.
 */
int hss_db_subscriber_del(struct hss_db *db, const char *impi);

/**
 * hss_db_subscriber_get_by_impi() - load a subscriber.
 * @db:   the handle
 * @impi: its IMPI
 * @out:  receives a subscriber the caller frees with hss_subscriber_free()
 * @return 0, -ENOENT, -ENOMEM, -EIO.
 */
int hss_db_subscriber_get_by_impi(struct hss_db *db, const char *impi, struct hss_subscriber **out);

/**
 * hss_db_subscriber_get_by_impu() - load the subscriber an IMPU belongs to.
 * @db:   the handle
 * @impu: one of its IMPUs
 * @out:  receives a subscriber the caller frees with hss_subscriber_free()
 * @return 0, -ENOENT, -ENOMEM, -EIO.
 */
int hss_db_subscriber_get_by_impu(struct hss_db *db, const char *impu, struct hss_subscriber **out);

/** Called for each subscriber; a non-zero return stops the walk and is returned. */
typedef int (*hss_db_subscriber_cb)(const struct hss_subscriber *sub, void *arg);

/**
 * hss_db_subscriber_foreach() - visit every subscriber, ordered by IMPI.
 * @db:  the handle
 * @cb:  the callback; the subscriber is freed after it returns
 * @arg: passed to @cb
 * @return 0, the callback's non-zero value, or a negative errno.
 */
int hss_db_subscriber_foreach(struct hss_db *db, hss_db_subscriber_cb cb, void *arg);

/**
 * hss_db_sqn_advance() - atomically take the next SQN for a new vector: store
 * aka_sqn_next(SQN) and return it.
 * @db:   the handle
 * @impi: the subscriber
 * @sqn:  receives the SQN to put into the vector
 * @return 0, -ENOENT, -EBUSY, -EIO.
 */
int hss_db_sqn_advance(struct hss_db *db, const char *impi, uint64_t *sqn);

/**
 * hss_db_sqn_set() - store SQN, e.g. SQN_MS recovered from AUTS, so that the next
 * hss_db_sqn_advance() returns @sqn + 1.
 * @db:   the handle
 * @impi: the subscriber
 * @sqn:  the new value (48 bits)
 * @return 0, -EINVAL for more than 48 bits, -ENOENT, -EIO.
 */
int hss_db_sqn_set(struct hss_db *db, const char *impi, uint64_t sqn);

#endif /* HSS_DB_H */
