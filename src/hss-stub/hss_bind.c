/* hss_bind.c — registrations by IMPI, each with a few contacts (see hss_bind.h). */
#include "hss-stub/hss_bind.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hss-stub/hss_map.h"

struct hss_bind {
	struct hss_map *regs; /* IMPI -> struct hss_reg */
};

static void hss_contact_clear(struct hss_contact *c)
{
	free(c->uri);
	free(c->params);
	free(c->path);
	free(c->call_id);
	memset(c, 0, sizeof(*c));
}

static void hss_reg_free(void *p)
{
	struct hss_reg *r = p;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_contacts; i++)
		hss_contact_clear(&r->contacts[i]);
	free(r->impi);
	free(r);
}

struct hss_bind *hss_bind_new(void)
{
	struct hss_bind *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->regs = hss_map_new(hss_reg_free);
	if (!b->regs) {
		free(b);
		return NULL;
	}
	return b;
}

void hss_bind_free(struct hss_bind *b)
{
	if (!b)
		return;
	hss_map_free(b->regs);
	free(b);
}

const struct hss_reg *hss_bind_get(const struct hss_bind *b, const char *impi)
{
	return b ? hss_map_get(b->regs, impi) : NULL;
}

static struct hss_contact *hss_bind_find_contact(const struct hss_reg *r, const char *uri)
{
	size_t i;

	for (i = 0; r && i < r->n_contacts; i++)
		if (strcmp(r->contacts[i].uri, uri) == 0)
			return (struct hss_contact *)&r->contacts[i];
	return NULL;
}

int hss_bind_check(const struct hss_bind *b, const char *impi, const char *uri, const char *call_id,
		   uint32_t cseq)
{
	const struct hss_contact *c = hss_bind_find_contact(hss_bind_get(b, impi), uri);

	if (c && strcmp(c->call_id, call_id) == 0 && cseq <= c->cseq)
		return HSS_BIND_ORDER_STALE;
	return HSS_BIND_ORDER_OK;
}

static void hss_bind_drop_contact(struct hss_reg *r, size_t i)
{
	hss_contact_clear(&r->contacts[i]);
	r->n_contacts--;
	if (i < r->n_contacts)
		memmove(&r->contacts[i], &r->contacts[i + 1],
			(r->n_contacts - i) * sizeof(r->contacts[0]));
	memset(&r->contacts[r->n_contacts], 0, sizeof(r->contacts[0]));
}

/* The slot for a new contact: a free one, else the one set longest ago (emptied). */
static struct hss_contact *hss_bind_new_slot(struct hss_reg *r)
{
	size_t i, oldest = 0;

	if (r->n_contacts < HSS_BIND_MAX_CONTACTS)
		return &r->contacts[r->n_contacts++];
	for (i = 1; i < r->n_contacts; i++)
		if (r->contacts[i].updated_ms < r->contacts[oldest].updated_ms)
			oldest = i;
	hss_contact_clear(&r->contacts[oldest]);
	return &r->contacts[oldest];
}

static char *hss_bind_dup(const char *s)
{
	return strdup(s ? s : "");
}

/* Fill @c from @u; on failure @c is left empty. */
static int hss_bind_fill(struct hss_contact *c, const struct hss_bind_update *u, uint64_t now_ms)
{
	struct hss_contact n = {0};

	n.uri = hss_bind_dup(u->uri);
	n.params = hss_bind_dup(u->params);
	n.call_id = hss_bind_dup(u->call_id);
	n.path = u->path ? strdup(u->path) : NULL;
	if (!n.uri || !n.params || !n.call_id || (u->path && !n.path)) {
		hss_contact_clear(&n);
		return -ENOMEM;
	}
	n.cseq = u->cseq;
	n.expires_ms = now_ms + (uint64_t)u->expires_s * 1000;
	n.updated_ms = now_ms;
	hss_contact_clear(c);
	*c = n;
	return 0;
}

static struct hss_reg *hss_bind_reg_create(struct hss_bind *b, const char *impi)
{
	struct hss_reg *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->impi = strdup(impi);
	if (!r->impi || hss_map_put(b->regs, impi, r) != 0) {
		hss_reg_free(r);
		return NULL;
	}
	return r;
}

int hss_bind_update(struct hss_bind *b, const char *impi, const struct hss_bind_update *u,
		    uint64_t now_ms)
{
	struct hss_reg *r;
	struct hss_contact *c;
	int ret;

	if (!b || !impi || !u || !u->uri || !u->call_id)
		return -EINVAL;
	r = hss_map_get(b->regs, impi);
	c = hss_bind_find_contact(r, u->uri);
	if (u->expires_s == 0) {
		if (c)
			hss_bind_drop_contact(r, (size_t)(c - r->contacts));
		if (r && r->n_contacts == 0)
			hss_map_del(b->regs, impi);
		return 0;
	}
	if (!r && !(r = hss_bind_reg_create(b, impi)))
		return -ENOMEM;
	if (!c)
		c = hss_bind_new_slot(r);
	ret = hss_bind_fill(c, u, now_ms);
	if (ret) {
		hss_bind_drop_contact(r, (size_t)(c - r->contacts));
		if (r->n_contacts == 0)
			hss_map_del(b->regs, impi);
	}
	return ret;
}

size_t hss_bind_remove_all(struct hss_bind *b, const char *impi)
{
	const struct hss_reg *r = hss_bind_get(b, impi);
	size_t n = r ? r->n_contacts : 0;

	if (r)
		hss_map_del(b->regs, impi);
	return n;
}

const struct hss_contact *hss_bind_target(const struct hss_bind *b, const char *impi,
					  uint64_t now_ms)
{
	const struct hss_reg *r = hss_bind_get(b, impi);
	const struct hss_contact *best = NULL;
	size_t i;

	for (i = 0; r && i < r->n_contacts; i++) {
		const struct hss_contact *c = &r->contacts[i];

		if (c->expires_ms > now_ms && (!best || c->updated_ms >= best->updated_ms))
			best = c;
	}
	return best;
}

struct hss_bind_sweep {
	uint64_t now_ms;
	size_t removed;
};

/* Drop the expired contacts of one registration; the registration goes when it is empty. */
static bool hss_bind_sweep_reg(const char *key, void *value, void *arg)
{
	struct hss_bind_sweep *s = arg;
	struct hss_reg *r = value;
	size_t i = 0;

	(void)key;
	while (i < r->n_contacts) {
		if (r->contacts[i].expires_ms <= s->now_ms) {
			hss_bind_drop_contact(r, i);
			s->removed++;
		} else {
			i++;
		}
	}
	return r->n_contacts == 0;
}

size_t hss_bind_expire(struct hss_bind *b, uint64_t now_ms)
{
	struct hss_bind_sweep s = {now_ms, 0};

	if (b)
		hss_map_sweep(b->regs, hss_bind_sweep_reg, &s);
	return s.removed;
}

size_t hss_bind_count(const struct hss_bind *b)
{
	return b ? hss_map_count(b->regs) : 0;
}
