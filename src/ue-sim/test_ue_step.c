/* test_ue_step.c — the step language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sip/sip_transport.h"
#include "ue-sim/ue_forge.h"
#include "ue-sim/ue_step.h"

static struct ue_step parse_ok(const char *line)
{
	struct ue_step s;
	char why[160] = "";

	if (ue_step_parse(line, &s, why, sizeof(why)) != 0)
		fail_msg("'%s' refused: %s", line, why);
	return s;
}

static void parse_bad(const char *line, const char *reason)
{
	struct ue_step s;
	char why[160] = "";

	assert_int_equal(ue_step_parse(line, &s, why, sizeof(why)), -EINVAL);
	if (!strstr(why, reason))
		fail_msg("'%s': reason '%s' lacks '%s'", line, why, reason);
}

static void test_ue_step_register_with_every_option(void **state)
{
	struct ue_step s =
		parse_ok("register prefix=64 mech=ipsec-man alg=hmac-sha-1-96,hmac-md5-96 "
			 "ealg=aes-cbc transport=tcp expires=600 expect=200\n");

	(void)state;
	assert_int_equal(s.kind, UE_STEP_REGISTER);
	assert_string_equal(s.ue, "");
	assert_int_equal(s.prefix, 64);
	assert_int_equal(s.mech, UE_MECH_IPSEC_MAN);
	assert_int_equal(s.n_algs, 2);
	assert_int_equal(s.algs[1], IPSEC_INTEG_HMAC_MD5_96);
	assert_int_equal(s.n_ealgs, 1);
	assert_int_equal(s.ealgs[0], IPSEC_ENCR_AES_CBC);
	assert_int_equal(s.transport, SIP_PROTO_TCP);
	assert_int_equal(s.expires, 600);
	assert_int_equal(s.expect, UE_EXPECT_STATUS);
	assert_int_equal(s.expect_code, 200);
	assert_true(ue_step_expect_met(&s, 200));
	assert_false(ue_step_expect_met(&s, 403));
	assert_false(ue_step_expect_met(&s, 0));
}

static void test_ue_step_defaults_and_ue_prefix(void **state)
{
	struct ue_step s = parse_ok("ue2 register");

	(void)state;
	assert_string_equal(s.ue, "ue2");
	assert_int_equal(s.kind, UE_STEP_REGISTER);
	assert_int_equal(s.mech, UE_MECH_DEFAULT);
	assert_int_equal(s.expires, -1);
	assert_int_equal(s.expect, UE_EXPECT_NONE);
	assert_true(ue_step_expect_met(&s, 500));
	s = parse_ok("register mech=none # a comment");
	assert_int_equal(s.mech, UE_MECH_NONE);
}

static void test_ue_step_send_with_quoted_body(void **state)
{
	struct ue_step s = parse_ok("ue1 send MESSAGE sip:ue2@ims.test body=\"hello, \\\"ue2\\\" # "
				    "not a comment\" timeout=2.5 expect=timeout");

	(void)state;
	assert_int_equal(s.kind, UE_STEP_SEND);
	assert_string_equal(s.method, "MESSAGE");
	assert_string_equal(s.uri, "sip:ue2@ims.test");
	assert_true(s.has_body);
	assert_string_equal(s.body, "hello, \"ue2\" # not a comment");
	assert_int_equal(s.ms, 2500);
	assert_int_equal(s.expect, UE_EXPECT_TIMEOUT);
	assert_true(ue_step_expect_met(&s, 0));
	assert_false(ue_step_expect_met(&s, 200));
}

static void test_ue_step_classes_and_calls(void **state)
{
	struct ue_step s = parse_ok("call sip:ue2@ims.test expect=2xx");
	char buf[16];

	(void)state;
	assert_int_equal(s.kind, UE_STEP_CALL);
	assert_string_equal(s.uri, "sip:ue2@ims.test");
	assert_true(ue_step_expect_met(&s, 202));
	assert_false(ue_step_expect_met(&s, 302));
	assert_string_equal(ue_step_expect_text(&s, buf, sizeof(buf)), "2xx");
	s = parse_ok("hangup expect=200");
	assert_int_equal(s.kind, UE_STEP_HANGUP);
	s = parse_ok("tamper-verify method=MESSAGE expect=494");
	assert_int_equal(s.kind, UE_STEP_TAMPER_VERIFY);
	assert_string_equal(s.method, "MESSAGE");
	assert_string_equal(ue_step_expect_text(&s, buf, sizeof(buf)), "494");
	s = parse_ok("reinvite");
	assert_int_equal(s.kind, UE_STEP_REINVITE);
	s = parse_ok("temp-address");
	assert_int_equal(s.kind, UE_STEP_TEMP_ADDRESS);
	s = parse_ok("reregister expires=120 expect=200");
	assert_int_equal(s.expires, 120);
	s = parse_ok("  deregister\texpect=200  ");
	assert_int_equal(s.kind, UE_STEP_DEREGISTER);
	s = parse_ok("quit");
	assert_int_equal(s.kind, UE_STEP_QUIT);
}

static void test_ue_step_sleep_and_expect(void **state)
{
	struct ue_step s = parse_ok("sleep 0.25");

	(void)state;
	assert_int_equal(s.kind, UE_STEP_SLEEP);
	assert_int_equal(s.ms, 250);
	s = parse_ok("sleep 3");
	assert_int_equal(s.ms, 3000);
	s = parse_ok("expect in MESSAGE timeout=10");
	assert_int_equal(s.kind, UE_STEP_EXPECT);
	assert_int_equal(s.check, UE_CHECK_IN);
	assert_string_equal(s.method, "MESSAGE");
	assert_int_equal(s.ms, 10000);
	s = parse_ok("ue1 expect sas 4");
	assert_int_equal(s.check, UE_CHECK_SAS);
	assert_int_equal(s.count, 4);
	s = parse_ok("expect registered");
	assert_int_equal(s.check, UE_CHECK_REGISTERED);
	s = parse_ok("expect unregistered");
	assert_int_equal(s.check, UE_CHECK_UNREGISTERED);
}

static void test_ue_step_blank_and_comment_lines(void **state)
{
	struct ue_step s;

	(void)state;
	assert_int_equal(ue_step_parse("", &s, NULL, 0), 1);
	assert_int_equal(ue_step_parse("   \t\n", &s, NULL, 0), 1);
	assert_int_equal(ue_step_parse("# register", &s, NULL, 0), 1);
}

static void test_ue_step_refusals_say_why(void **state)
{
	(void)state;
	parse_bad("dance", "unknown step 'dance'");
	parse_bad("ue1 dance", "unknown step 'dance'");
	parse_bad("register prefix=0", "bad value of option 'prefix'");
	parse_bad("register prefix=129", "prefix");
	parse_bad("register mech=tls", "mech");
	parse_bad("register alg=hmac-sha-256", "alg");
	parse_bad("register transport=sctp", "transport");
	parse_bad("register colour=blue", "unknown option 'colour'");
	parse_bad("register expect=99", "expect");
	parse_bad("register expect=7xx", "expect");
	parse_bad("register now", "unexpected argument 'now'");
	parse_bad("send MESSAGE", "missing argument");
	parse_bad("send INVITE sip:ue2@ims.test", "MESSAGE or OPTIONS");
	parse_bad("deregister body=x", "unknown option 'body'");
	parse_bad("sleep soon", "seconds");
	parse_bad("sleep 1.", "seconds");
	parse_bad("expect sas many", "number");
	parse_bad("expect nothing", "expect:");
	parse_bad("send MESSAGE sip:x body=\"open", "quote");
	parse_bad("temp-address expect=200", "unknown option 'expect'");
}

static void test_ue_step_hostile_steps(void **state)
{
	struct ue_step s;

	(void)state;
	assert_int_equal(ue_step_parse("ue1 plaintext uri=sip:ue2@ims.test body=\"in clear\" "
				       "sport=7000 timeout=2.5 expect=timeout",
				       &s, NULL, 0),
			 0);
	assert_int_equal(s.kind, UE_STEP_PLAINTEXT);
	assert_string_equal(s.uri, "sip:ue2@ims.test");
	assert_string_equal(s.body, "in clear");
	assert_int_equal(s.sport, 7000);
	assert_int_equal(s.ms, 2500);
	assert_int_equal(s.expect, UE_EXPECT_TIMEOUT);
	assert_int_equal(ue_step_parse("replay-esp count=3", &s, NULL, 0), 0);
	assert_int_equal(s.kind, UE_STEP_REPLAY_ESP);
	assert_int_equal(s.count, 3);
	assert_int_equal(ue_step_parse("capture-esp", &s, NULL, 0), 0);
	assert_int_equal(s.kind, UE_STEP_CAPTURE_ESP);
	assert_int_equal(ue_step_parse("ue2 forge-via extra-top", &s, NULL, 0), 0);
	assert_int_equal(s.kind, UE_STEP_FORGE_VIA);
	assert_int_equal(s.forge, UE_FORGE_VIA_EXTRA_TOP);
	assert_int_equal(ue_step_parse("forge-route replay", &s, NULL, 0), 0);
	assert_int_equal(s.forge, UE_FORGE_ROUTE_REPLAY);
	assert_int_equal(ue_step_parse("ue3 forge-route wrapped-key", &s, NULL, 0), 0);
	assert_int_equal(s.forge, UE_FORGE_ROUTE_WRAPPED_KEY);
	parse_bad("forge-via sideways", "forge-via: off, branch");
	parse_bad("forge-route", "missing argument");
	parse_bad("forge-route sg-wk", "replay or wrapped-key");
	parse_bad("replay-esp count=0", "count");
	parse_bad("plaintext sport=70000", "sport");
}

static void test_ue_step_names(void **state)
{
	(void)state;
	assert_string_equal(ue_step_name(UE_STEP_TAMPER_VERIFY), "tamper-verify");
	assert_string_equal(ue_step_name(UE_STEP_REGISTER), "register");
	assert_string_equal(ue_step_name(UE_STEP_EXPECT), "expect");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_step_register_with_every_option),
		cmocka_unit_test(test_ue_step_defaults_and_ue_prefix),
		cmocka_unit_test(test_ue_step_send_with_quoted_body),
		cmocka_unit_test(test_ue_step_classes_and_calls),
		cmocka_unit_test(test_ue_step_sleep_and_expect),
		cmocka_unit_test(test_ue_step_blank_and_comment_lines),
		cmocka_unit_test(test_ue_step_refusals_say_why),
		cmocka_unit_test(test_ue_step_hostile_steps),
		cmocka_unit_test(test_ue_step_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
