/*
 * hss_bind.h — the registrar's bindings (RFC 3261 §10.3), kept in memory.
 *
 * A registration belongs to one subscriber (IMPI). As in TS 24.229 §5.4.1.2 (implicit
 * registration set), registering one IMPU of a subscriber registers all of them, so the
 * bindings hang on the IMPI and the routing code finds the IMPI of a target IMPU in the
 * subscriber database. Each registration holds up to HSS_BIND_MAX_CONTACTS contacts; each
 * contact keeps its URI, its other header parameters (to echo them), the Path of the
 * REGISTER that set it (RFC 3327), the Call-ID and CSeq of that REGISTER and its expiry.
 * A registration without contacts is removed.
 */
#ifndef HSS_BIND_H
#define HSS_BIND_H

#include <stddef.h>
#include <stdint.h>

#define HSS_BIND_MAX_CONTACTS 8

/** One contact of a registration. */
struct hss_contact {
	char *uri;	     /**< the contact URI, without <> */
	char *params;	     /**< its header parameters but expires, as written (";a=b"), or "" */
	char *path;	     /**< the Path values of the REGISTER, joined with ", ", or NULL */
	char *call_id;	     /**< Call-ID of the REGISTER that set it */
	uint32_t cseq;	     /**< its CSeq */
	uint64_t expires_ms; /**< monotonic time it expires */
	uint64_t updated_ms; /**< monotonic time it was last set */
};

/** The registration of one subscriber. */
struct hss_reg {
	char *impi;
	struct hss_contact contacts[HSS_BIND_MAX_CONTACTS];
	size_t n_contacts;
};

/** What a REGISTER asks for one contact. */
struct hss_bind_update {
	const char *uri;     /**< contact URI */
	const char *params;  /**< other header parameters, or NULL */
	const char *path;    /**< Path values, or NULL */
	const char *call_id; /**< Call-ID */
	uint32_t cseq;	     /**< CSeq */
	uint32_t expires_s;  /**< 0 removes the contact */
};

/** Outcome of hss_bind_check(). */
enum hss_bind_order {
	HSS_BIND_ORDER_OK = 0,	  /**< new contact, other Call-ID, or a higher CSeq */
	HSS_BIND_ORDER_STALE = 1, /**< same Call-ID and a CSeq not above the stored one */
};

struct hss_bind;

/**
 * hss_bind_new() - an empty binding table.
 * @return the table, or NULL when out of memory.
 */
struct hss_bind *hss_bind_new(void);

/**
 * hss_bind_free() - free the table and every registration.
 * @b: the table, or NULL.
 */
void hss_bind_free(struct hss_bind *b);

/**
 * hss_bind_get() - the registration of a subscriber.
 * @b: the table.
 * @impi: the IMPI.
 * @return the registration (owned by the table; valid until the next change), or NULL.
 */
const struct hss_reg *hss_bind_get(const struct hss_bind *b, const char *impi);

/**
 * hss_bind_check() - RFC 3261 §10.3 step 7: may a REGISTER with this Call-ID and CSeq change
 * the binding of @uri?
 * @b: the table.
 * @impi: the IMPI.
 * @uri: the contact URI.
 * @call_id: the REGISTER's Call-ID.
 * @cseq: its CSeq.
 * @return HSS_BIND_ORDER_OK or HSS_BIND_ORDER_STALE.
 */
int hss_bind_check(const struct hss_bind *b, const char *impi, const char *uri, const char *call_id,
		   uint32_t cseq);

/**
 * hss_bind_update() - add, refresh or (expires 0) remove one contact. A new contact beyond
 * HSS_BIND_MAX_CONTACTS replaces the one set longest ago.
 * @b: the table.
 * @impi: the IMPI.
 * @u: the contact.
 * @now_ms: monotonic time.
 * @return 0 (also when removing a contact that was not there), -EINVAL, -ENOMEM.
 */
int hss_bind_update(struct hss_bind *b, const char *impi, const struct hss_bind_update *u,
		    uint64_t now_ms);

/**
 * hss_bind_remove_all() - remove every contact of a subscriber (Contact: *).
 * @b: the table.
 * @impi: the IMPI.
 * @return the number of contacts removed.
 */
size_t hss_bind_remove_all(struct hss_bind *b, const char *impi);

/**
 * hss_bind_target() - where requests for a subscriber go: the live contact set most
 * recently (no forking).
 * @b: the table.
 * @impi: the IMPI.
 * @now_ms: monotonic time.
 * @return the contact, or NULL when none is live.
 */
const struct hss_contact *hss_bind_target(const struct hss_bind *b, const char *impi,
					  uint64_t now_ms);

/**
 * hss_bind_expire() - remove expired contacts (and registrations left without contacts).
 * @b: the table.
 * @now_ms: monotonic time.
 * @return the number of contacts removed.
 */
size_t hss_bind_expire(struct hss_bind *b, uint64_t now_ms);

/**
 * hss_bind_count() - number of registrations.
 * @b: the table.
 * @return the count.
 */
size_t hss_bind_count(const struct hss_bind *b);

#endif /* HSS_BIND_H */
