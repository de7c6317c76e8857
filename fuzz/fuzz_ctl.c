/*
 * fuzz_ctl.c — pcscfd's control protocol: the request line (src/pcscf/ctl_proto.c).
 *
 * FUZZ-SOURCES: src/pcscf/ctl_proto.c
 *
 * Every input is parsed as bytes received on the control socket. An accepted request
 * must name a known command with an argument count in its range, every argument a
 * non-empty word of printable ASCII inside the request buffer; rebuilding the line from
 * the parsed request and parsing it again must give the same request. Arbitrary strings
 * are also run through the JSON string writer, whose output must be a quoted string
 * without raw control bytes. Any mismatch aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pcscf/ctl_proto.h"

static struct ctl_request fuzz_a, fuzz_b;

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_ctl: %s\n", what);
	abort();
}

static void fuzz_check_words(const struct ctl_request *r)
{
	if ((unsigned)r->cmd >= CTL_CMD_COUNT || r->argc > CTL_ARGS_MAX)
		fuzz_fail("command or argument count out of range");
	for (size_t i = 0; i < r->argc; i++) {
		if (r->argv[i] < r->buf || r->argv[i] >= r->buf + sizeof(r->buf) || !r->argv[i][0])
			fuzz_fail("argument outside the buffer, or empty");
		for (const char *c = r->argv[i]; *c; c++)
			if (*c < 0x21 || *c > 0x7e)
				fuzz_fail("argument with a byte outside printable ASCII");
	}
}

/* The request as a line again; it must parse to the same request. */
static void fuzz_round_trip(const struct ctl_request *r)
{
	char line[2 * CTL_LINE_MAX];
	int n = snprintf(line, sizeof(line), "%s%s", r->json ? "json " : "", ctl_cmd_name(r->cmd));

	for (size_t i = 0; i < r->argc; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s", r->argv[i]);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "\n");
	if (ctl_request_parse(line, (size_t)n, &fuzz_b) != 0)
		fuzz_fail("a rebuilt request does not parse");
	if (fuzz_b.cmd != r->cmd || fuzz_b.json != r->json || fuzz_b.argc != r->argc)
		fuzz_fail("a rebuilt request parses differently");
	for (size_t i = 0; i < r->argc; i++)
		if (strcmp(fuzz_b.argv[i], r->argv[i]) != 0)
			fuzz_fail("a rebuilt argument differs");
}

static void fuzz_json(const uint8_t *data, size_t size)
{
	char in[256], out[64];
	size_t n = size < sizeof(in) - 1 ? size : sizeof(in) - 1, len;

	memcpy(in, data, n);
	in[n] = '\0';
	len = ctl_json_str(in, out, sizeof(out));
	if (len < 2 || len >= sizeof(out) || out[0] != '"' || out[len - 1] != '"' || out[len])
		fuzz_fail("JSON string not quoted or not terminated");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
			fuzz_fail("raw control byte in a JSON string");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret = ctl_request_parse((const char *)data, size, &fuzz_a);

	if (ret == 0) {
		fuzz_check_words(&fuzz_a);
		fuzz_round_trip(&fuzz_a);
	} else if (ret != -EAGAIN && ret != -EINVAL) {
		fuzz_fail("an unexpected error");
	}
	fuzz_json(data, size);
	return 0;
}
