/*
 * hss_map.h — a string-keyed hash table that also keeps its entries in order of insertion,
 * for the registrar's tables: pending challenges (by nonce), registrations (by IMPI) and
 * answered transactions (by branch). The order lets a full table drop its oldest entry and
 * lets expiry walk every entry.
 *
 * Keys are copied; values are owned by the table once put, and freed with the function given
 * to hss_map_new() when they are replaced, deleted or the table is freed.
 */
#ifndef HSS_MAP_H
#define HSS_MAP_H

#include <stdbool.h>
#include <stddef.h>

struct hss_map;

/** Frees a value (may be NULL: values are then not freed). */
typedef void (*hss_map_free_cb)(void *value);

/**
 * hss_map_expired_cb - asked by hss_map_sweep() about each entry.
 * @key: the entry's key.
 * @value: its value.
 * @arg: the argument given to hss_map_sweep().
 * @return true to delete the entry.
 */
typedef bool (*hss_map_expired_cb)(const char *key, void *value, void *arg);

/**
 * hss_map_new() - an empty table.
 * @free_value: frees values, or NULL.
 * @return the table, or NULL when out of memory.
 */
struct hss_map *hss_map_new(hss_map_free_cb free_value);

/**
 * hss_map_free() - free every entry (values with the free function) and the table.
 * @m: the table, or NULL.
 */
void hss_map_free(struct hss_map *m);

/**
 * hss_map_get() - the value of a key.
 * @m: the table.
 * @key: the key (NUL-terminated).
 * @return the value, or NULL when absent.
 */
void *hss_map_get(const struct hss_map *m, const char *key);

/**
 * hss_map_put() - set a key's value; an existing value is freed and the entry becomes the
 * newest.
 * @m: the table.
 * @key: the key, copied.
 * @value: the value (not NULL); owned by the table on success.
 * @return 0, -EINVAL, -ENOMEM (then @value is still the caller's).
 */
int hss_map_put(struct hss_map *m, const char *key, void *value);

/**
 * hss_map_del() - delete a key and free its value.
 * @m: the table.
 * @key: the key.
 * @return 0, or -ENOENT.
 */
int hss_map_del(struct hss_map *m, const char *key);

/**
 * hss_map_count() - number of entries.
 * @m: the table.
 * @return the count.
 */
size_t hss_map_count(const struct hss_map *m);

/**
 * hss_map_del_oldest() - delete the entry inserted (or replaced) longest ago.
 * @m: the table.
 * @return 0, or -ENOENT when the table is empty.
 */
int hss_map_del_oldest(struct hss_map *m);

/**
 * hss_map_sweep() - visit every entry, oldest first, deleting those @expired says to.
 * The callback must not change the table.
 * @m: the table.
 * @expired: the callback.
 * @arg: passed to @expired.
 * @return the number of entries deleted.
 */
size_t hss_map_sweep(struct hss_map *m, hss_map_expired_cb expired, void *arg);

#endif /* HSS_MAP_H */
