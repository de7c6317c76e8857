/* test_ue_addr.c — random temporary addresses inside a prefix (RFC 4941 §3.3, RFC 5453). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ue-sim/ue_addr.h"

static void addr6(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
}

static const uint8_t *bytes(const struct sockaddr_storage *ss)
{
	return ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
}

static void test_ue_addr_temporary_keeps_the_prefix(void **state)
{
	struct sockaddr_storage base, a, b;
	int differ = 0;

	(void)state;
	addr6("2001:db8:1:1::1", &base);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(ue_addr_temporary(&base, 64, &a), 0);
		assert_int_equal(a.ss_family, AF_INET6);
		assert_memory_equal(bytes(&a), bytes(&base), 8);
		assert_memory_not_equal(bytes(&a) + 8, "\0\0\0\0\0\0\0\0", 8);
		assert_false(memcmp(bytes(&a), bytes(&base), 16) == 0);
		/* RFC 5453: never the reserved subnet anycast range fdff:ffff:ffff:ff80/121 */
		assert_false(memcmp(bytes(&a) + 8, "\xfd\xff\xff\xff\xff\xff\xff", 7) == 0 &&
			     bytes(&a)[15] >= 0x80);
		assert_int_equal(ue_addr_temporary(&base, 64, &b), 0);
		differ += memcmp(bytes(&a), bytes(&b), 16) != 0;
	}
	assert_true(differ >= 199); /* 64 random bits: a repeat would be a broken generator */
}

static void test_ue_addr_temporary_odd_prefix_lengths(void **state)
{
	struct sockaddr_storage base, a;

	(void)state;
	addr6("2001:db8:1:1:ffff:ffff:ffff:ff00", &base);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(ue_addr_temporary(&base, 121, &a), 0);
		assert_memory_equal(bytes(&a), bytes(&base), 15);
		assert_int_equal(bytes(&a)[15] & 0x80, bytes(&base)[15] & 0x80);
		assert_int_equal(ue_addr_temporary(&base, 60, &a), 0);
		assert_memory_equal(bytes(&a), bytes(&base), 7);
		assert_int_equal(bytes(&a)[7] & 0xf0, bytes(&base)[7] & 0xf0);
	}
}

static void test_ue_addr_temporary_refusals(void **state)
{
	struct sockaddr_storage base, a;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&base;

	(void)state;
	addr6("2001:db8::1", &base);
	assert_int_equal(ue_addr_temporary(&base, 0, &a), -EINVAL);
	assert_int_equal(ue_addr_temporary(&base, 128, &a), -EINVAL);
	memset(&base, 0, sizeof(base));
	v4->sin_family = AF_INET;
	assert_int_equal(ue_addr_temporary(&base, 24, &a), -EAFNOSUPPORT);
}

static void test_ue_addr_ifindex_of_loopback(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	int ifindex = 0;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	v4->sin_family = AF_INET;
	v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ue_addr_ifindex(&ss, &ifindex) != 0)
		skip(); /* no loopback address in this namespace */
	assert_true(ifindex > 0);
	inet_pton(AF_INET, "192.0.2.254", &v4->sin_addr);
	assert_int_equal(ue_addr_ifindex(&ss, &ifindex), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_addr_temporary_keeps_the_prefix),
		cmocka_unit_test(test_ue_addr_temporary_odd_prefix_lengths),
		cmocka_unit_test(test_ue_addr_temporary_refusals),
		cmocka_unit_test(test_ue_addr_ifindex_of_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
