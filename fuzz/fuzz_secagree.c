/*
 * fuzz_secagree.c — Security-Client/-Server/-Verify values (src/sip/secagree.c).
 *
 * FUZZ-SOURCES: src/sip/secagree.c
 *
 * Every input is parsed. When it parses, the list is formatted, the text parsed again, and
 * the two lists must be equal (secagree_verify_matches) and format to the same bytes; the
 * chooser and the comparison are run on both for good measure. Any mismatch aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sip/secagree.h"

/* Big enough for any list the parser accepts: 8 * (32 + 16 * (1 + 32 + 3 + 96)) + 8 * 2. */
#define FUZZ_OUT_SIZE 32768

static struct secagree_list fuzz_a, fuzz_b;
static char fuzz_out1[FUZZ_OUT_SIZE], fuzz_out2[FUZZ_OUT_SIZE];

static void fuzz_fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_secagree: %s\n%s\n", what, text ? text : "");
	abort();
}

static void fuzz_exercise(const struct secagree_list *list)
{
	static const struct secagree_policy policy = {
		.mechs = ~0u, .algs = ~0u, .ealgs = ~0u, .modes = ~0u};
	int i = secagree_choose(list, &policy);

	if (i != -ENOENT && (i < 0 || (size_t)i >= list->n_mechs))
		fuzz_fail("secagree_choose returned an index out of range", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secagree_error err;
	int n1, n2;

	if (secagree_parse((const char *)data, size, &fuzz_a, &err) != 0) {
		if (err.code == SECAGREE_OK || memchr(err.reason, '\0', sizeof(err.reason)) == NULL)
			fuzz_fail("a failed parse without a reason", NULL);
		return 0;
	}
	fuzz_exercise(&fuzz_a);
	n1 = secagree_format_list(&fuzz_a, fuzz_out1, sizeof(fuzz_out1));
	if (n1 <= 0)
		fuzz_fail("a parsed list does not format", NULL);
	if (secagree_parse(fuzz_out1, (size_t)n1, &fuzz_b, &err) != 0)
		fuzz_fail("formatted text does not parse again", fuzz_out1);
	if (!secagree_verify_matches(&fuzz_a, &fuzz_b) ||
	    !secagree_verify_matches(&fuzz_b, &fuzz_a))
		fuzz_fail("round trip changed the list", fuzz_out1);
	n2 = secagree_format_list(&fuzz_b, fuzz_out2, sizeof(fuzz_out2));
	if (n2 != n1 || memcmp(fuzz_out1, fuzz_out2, (size_t)n1) != 0)
		fuzz_fail("formatting is not stable", fuzz_out2);
	fuzz_exercise(&fuzz_b);
	return 0;
}
