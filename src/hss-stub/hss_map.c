/*
 * hss_map.c — chained hash table (FNV-1a, power-of-two buckets, doubled at load 1) with a
 * doubly linked list in insertion order (see hss_map.h).
 */
#include "hss-stub/hss_map.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HSS_MAP_MIN_BUCKETS 16

struct hss_map_entry {
	struct hss_map_entry *chain;	     /* next in the bucket */
	struct hss_map_entry *older, *newer; /* insertion order */
	void *value;
	uint32_t hash;
	char key[]; /* NUL-terminated */
};

struct hss_map {
	struct hss_map_entry **buckets;
	size_t n_buckets; /* a power of two */
	size_t count;
	struct hss_map_entry *oldest, *newest;
	hss_map_free_cb free_value;
};

static uint32_t hss_map_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619u;
	}
	return h;
}

struct hss_map *hss_map_new(hss_map_free_cb free_value)
{
	struct hss_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->buckets = calloc(HSS_MAP_MIN_BUCKETS, sizeof(*m->buckets));
	if (!m->buckets) {
		free(m);
		return NULL;
	}
	m->n_buckets = HSS_MAP_MIN_BUCKETS;
	m->free_value = free_value;
	return m;
}

static void hss_map_entry_free(struct hss_map *m, struct hss_map_entry *e)
{
	if (m->free_value)
		m->free_value(e->value);
	free(e);
}

void hss_map_free(struct hss_map *m)
{
	struct hss_map_entry *e, *next;

	if (!m)
		return;
	for (e = m->oldest; e; e = next) {
		next = e->newer;
		hss_map_entry_free(m, e);
	}
	free(m->buckets);
	free(m);
}

static struct hss_map_entry **hss_map_slot(const struct hss_map *m, const char *key, uint32_t hash)
{
	struct hss_map_entry **p = &m->buckets[hash & (m->n_buckets - 1)];

	while (*p && ((*p)->hash != hash || strcmp((*p)->key, key) != 0))
		p = &(*p)->chain;
	return p;
}

void *hss_map_get(const struct hss_map *m, const char *key)
{
	struct hss_map_entry *e;

	if (!m || !key)
		return NULL;
	e = *hss_map_slot(m, key, hss_map_hash(key));
	return e ? e->value : NULL;
}

static void hss_map_order_unlink(struct hss_map *m, struct hss_map_entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		m->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		m->newest = e->older;
	e->older = e->newer = NULL;
}

static void hss_map_order_append(struct hss_map *m, struct hss_map_entry *e)
{
	e->older = m->newest;
	e->newer = NULL;
	if (m->newest)
		m->newest->newer = e;
	else
		m->oldest = e;
	m->newest = e;
}

/* Double the buckets; a failed allocation just leaves longer chains. */
static void hss_map_grow(struct hss_map *m)
{
	size_t n = m->n_buckets * 2, i;
	struct hss_map_entry **b = calloc(n, sizeof(*b));
	struct hss_map_entry *e;

	if (!b)
		return;
	for (e = m->oldest; e; e = e->newer) {
		i = e->hash & (n - 1);
		e->chain = b[i];
		b[i] = e;
	}
	free(m->buckets);
	m->buckets = b;
	m->n_buckets = n;
}

int hss_map_put(struct hss_map *m, const char *key, void *value)
{
	uint32_t hash;
	struct hss_map_entry **slot, *e;
	size_t len;

	if (!m || !key || !value)
		return -EINVAL;
	hash = hss_map_hash(key);
	slot = hss_map_slot(m, key, hash);
	if (*slot) {
		e = *slot;
		if (m->free_value && e->value != value)
			m->free_value(e->value);
		e->value = value;
		hss_map_order_unlink(m, e);
		hss_map_order_append(m, e);
		return 0;
	}
	len = strlen(key);
	e = calloc(1, sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	memcpy(e->key, key, len + 1);
	e->hash = hash;
	e->value = value;
	*slot = e;
	hss_map_order_append(m, e);
	if (++m->count > m->n_buckets)
		hss_map_grow(m);
	return 0;
}

static void hss_map_unlink(struct hss_map *m, struct hss_map_entry **slot)
{
	struct hss_map_entry *e = *slot;

	*slot = e->chain;
	hss_map_order_unlink(m, e);
	m->count--;
	hss_map_entry_free(m, e);
}

int hss_map_del(struct hss_map *m, const char *key)
{
	struct hss_map_entry **slot;

	if (!m || !key)
		return -ENOENT;
	slot = hss_map_slot(m, key, hss_map_hash(key));
	if (!*slot)
		return -ENOENT;
	hss_map_unlink(m, slot);
	return 0;
}

size_t hss_map_count(const struct hss_map *m)
{
	return m ? m->count : 0;
}

int hss_map_del_oldest(struct hss_map *m)
{
	if (!m || !m->oldest)
		return -ENOENT;
	return hss_map_del(m, m->oldest->key);
}

size_t hss_map_sweep(struct hss_map *m, hss_map_expired_cb expired, void *arg)
{
	struct hss_map_entry *e, *next;
	size_t n = 0;

	if (!m || !expired)
		return 0;
	for (e = m->oldest; e; e = next) {
		next = e->newer;
		if (expired(e->key, e->value, arg)) {
			hss_map_unlink(m, hss_map_slot(m, e->key, e->hash));
			n++;
		}
	}
	return n;
}
