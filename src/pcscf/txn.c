/*
 * txn.c — forwarded requests by branch: a hash table with chaining.
 */
#include "pcscf/txn.h"

#include <stdlib.h>
#include <string.h>

static size_t txn_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h % TXN_BUCKETS);
}

void txn_table_init(struct txn_table *t)
{
	memset(t, 0, sizeof(*t));
}

void txn_table_clear(struct txn_table *t)
{
	for (size_t b = 0; b < TXN_BUCKETS; b++) {
		while (t->buckets[b]) {
			struct txn *x = t->buckets[b];

			t->buckets[b] = x->next;
			free(x);
		}
	}
	t->count = 0;
}

struct txn *txn_find(struct txn_table *t, const char *branch, size_t len, bool cancel)
{
	struct txn *x;

	if (len >= TXN_BRANCH_MAX)
		return NULL;
	for (x = t->buckets[txn_hash(branch, len)]; x; x = x->next)
		if (x->cancel == cancel && strlen(x->branch) == len &&
		    memcmp(x->branch, branch, len) == 0)
			return x;
	return NULL;
}

struct txn *txn_add(struct txn_table *t, const char *branch, bool cancel, uint64_t expires_ms)
{
	size_t len = strlen(branch), b;
	struct txn *x = txn_find(t, branch, len, cancel);

	if (len >= TXN_BRANCH_MAX)
		return NULL;
	if (x)
		txn_remove(t, x);
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->branch, branch, len + 1);
	x->cancel = cancel;
	x->expires_ms = expires_ms;
	b = txn_hash(branch, len);
	x->next = t->buckets[b];
	t->buckets[b] = x;
	t->count++;
	return x;
}

void txn_remove(struct txn_table *t, struct txn *x)
{
	struct txn **pp;

	for (pp = &t->buckets[txn_hash(x->branch, strlen(x->branch))]; *pp; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			t->count--;
			free(x);
			return;
		}
	}
}

size_t txn_expire(struct txn_table *t, uint64_t now_ms)
{
	size_t removed = 0;

	for (size_t b = 0; b < TXN_BUCKETS; b++) {
		struct txn **pp = &t->buckets[b];

		while (*pp) {
			struct txn *x = *pp;

			if (x->expires_ms <= now_ms) {
				*pp = x->next;
				free(x);
				t->count--;
				removed++;
			} else {
				pp = &x->next;
			}
		}
	}
	return removed;
}
