/*
 * test_hss_map.c — the registrar's string-keyed table: lookups, replacement, deletion,
 * insertion order (oldest first), sweeping, growth past many entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hss-stub/hss_map.h"

static int freed;

static void count_free(void *p)
{
	freed++;
	free(p);
}

static int *num(int v)
{
	int *p = malloc(sizeof(*p));

	assert_non_null(p);
	*p = v;
	return p;
}

static void test_hss_map_put_get_del(void **state)
{
	struct hss_map *m = hss_map_new(count_free);

	(void)state;
	freed = 0;
	assert_non_null(m);
	assert_null(hss_map_get(m, "a"));
	assert_int_equal(hss_map_put(m, "a", num(1)), 0);
	assert_int_equal(hss_map_put(m, "b", num(2)), 0);
	assert_int_equal(*(int *)hss_map_get(m, "a"), 1);
	assert_int_equal(*(int *)hss_map_get(m, "b"), 2);
	assert_int_equal(hss_map_count(m), 2);
	assert_int_equal(hss_map_put(m, "a", num(3)), 0);
	assert_int_equal(freed, 1);
	assert_int_equal(*(int *)hss_map_get(m, "a"), 3);
	assert_int_equal(hss_map_count(m), 2);
	assert_int_equal(hss_map_del(m, "a"), 0);
	assert_int_equal(hss_map_del(m, "a"), -ENOENT);
	assert_null(hss_map_get(m, "a"));
	assert_int_equal(freed, 2);
	assert_int_equal(hss_map_put(m, "x", NULL), -EINVAL);
	hss_map_free(m);
	assert_int_equal(freed, 3);
}

static void test_hss_map_oldest_goes_first_and_replacing_renews(void **state)
{
	struct hss_map *m = hss_map_new(count_free);

	(void)state;
	hss_map_put(m, "a", num(1));
	hss_map_put(m, "b", num(2));
	hss_map_put(m, "c", num(3));
	hss_map_put(m, "a", num(4)); /* now the newest */
	assert_int_equal(hss_map_del_oldest(m), 0);
	assert_null(hss_map_get(m, "b"));
	assert_int_equal(hss_map_del_oldest(m), 0);
	assert_null(hss_map_get(m, "c"));
	assert_non_null(hss_map_get(m, "a"));
	assert_int_equal(hss_map_del_oldest(m), 0);
	assert_int_equal(hss_map_del_oldest(m), -ENOENT);
	assert_int_equal(hss_map_count(m), 0);
	hss_map_free(m);
}

static bool below(const char *key, void *value, void *arg)
{
	(void)key;
	return *(int *)value < *(int *)arg;
}

static void test_hss_map_sweep_deletes_what_the_callback_says(void **state)
{
	struct hss_map *m = hss_map_new(count_free);
	char key[16];
	int i, limit = 500;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(hss_map_put(m, key, num(i)), 0);
	}
	assert_int_equal(hss_map_count(m), 1000);
	assert_int_equal(hss_map_sweep(m, below, &limit), 500);
	assert_int_equal(hss_map_count(m), 500);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (i < limit)
			assert_null(hss_map_get(m, key));
		else
			assert_int_equal(*(int *)hss_map_get(m, key), i);
	}
	hss_map_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hss_map_put_get_del),
		cmocka_unit_test(test_hss_map_oldest_goes_first_and_replacing_renews),
		cmocka_unit_test(test_hss_map_sweep_deletes_what_the_callback_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
