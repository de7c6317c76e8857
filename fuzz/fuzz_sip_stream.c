/*
 * fuzz_sip_stream.c — the TCP stream framer (src/sip/sip_stream.c), fed in random chunks.
 *
 * FUZZ-SOURCES: src/sip/sip_stream.c src/sip/sip_msg.c src/sip/sip_hdr.c src/sip/sip_uri.c
 *
 * Input: byte 0 seeds the chunk sizes, byte 1 sets the message size limit (256 + 64 * b
 * bytes), the rest is the stream. The stream is framed twice, once in chunks of the limit
 * and once in random chunks of 1..300 bytes (at most the limit), draining after every feed as the
 * transport does; both runs must hand out the same items (messages byte for byte, pings, pongs) and
 * end in the same state. Every message must be within the limit, end with its headers'
 * CRLFCRLF plus Content-Length bytes, and parse as a stream message unless its parse fails
 * for a reason other than Content-Length (framer and parser must agree on the length).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sip/sip_msg.h"
#include "sip/sip_stream.h"

#define FUZZ_MAX_ITEMS 4096

struct fuzz_item {
	int ev;
	size_t off; /* of a message in the log */
	size_t len;
};

struct fuzz_run {
	struct fuzz_item items[FUZZ_MAX_ITEMS];
	size_t n;
	char *log; /* messages, one after another */
	size_t log_len;
	int end; /* SIP_STREAM_MORE or the error */
	size_t buffered;
};

static struct fuzz_run fuzz_a, fuzz_b;
static struct sip_msg fuzz_msg;

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_sip_stream: %s\n", what);
	abort();
}

static void fuzz_check_message(const char *m, size_t len, size_t max)
{
	struct sip_msg_error err;

	if (len > max || len < 4)
		fuzz_fail("message size out of range");
	if (sip_msg_parse(&fuzz_msg, m, len, SIP_PARSE_STREAM, &err) != 0) {
		if (err.code == SIP_MSG_ERR_CONTENT_LENGTH)
			fuzz_fail("framer and parser disagree on Content-Length");
		return;
	}
	if (fuzz_msg.body_len != len - fuzz_msg.body_off)
		fuzz_fail("body not where the framer put it");
}

/* Take every item; false once the framer reported an error. */
static int fuzz_drain(struct sip_stream *st, struct fuzz_run *r, size_t max)
{
	const char *m;
	size_t len;
	int ev;

	while ((ev = sip_stream_next(st, &m, &len)) > 0) {
		if (r->n == FUZZ_MAX_ITEMS)
			return ev; /* enough; both runs stop at the same item */
		r->items[r->n].ev = ev;
		r->items[r->n].off = r->log_len;
		r->items[r->n].len = 0;
		if (ev == SIP_STREAM_MESSAGE) {
			fuzz_check_message(m, len, max);
			memcpy(r->log + r->log_len, m, len);
			r->log_len += len;
			r->items[r->n].len = len;
		}
		r->n++;
	}
	return ev;
}

static void fuzz_frame(struct fuzz_run *r, const char *s, size_t len, size_t max, unsigned int seed)
{
	struct sip_stream *st = sip_stream_new(max);
	size_t pos = 0, chunk;
	int ev = SIP_STREAM_MORE;

	if (!st)
		fuzz_fail("out of memory");
	r->n = 0;
	r->log_len = 0;
	while (pos < len && ev == SIP_STREAM_MORE && r->n < FUZZ_MAX_ITEMS) {
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			chunk = 1 + (seed >> 16) % (max < 300 ? max : 300);
		} else {
			chunk = max;
		}
		if (chunk > len - pos)
			chunk = len - pos;
		if (sip_stream_feed(st, s + pos, chunk) != 0)
			fuzz_fail("feed refused although drained");
		pos += chunk;
		ev = fuzz_drain(st, r, max);
	}
	r->end = r->n < FUZZ_MAX_ITEMS ? ev : SIP_STREAM_MORE;
	r->buffered = r->n < FUZZ_MAX_ITEMS && ev == SIP_STREAM_MORE ? sip_stream_buffered(st) : 0;
	sip_stream_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max, i;

	if (size < 2)
		return 0;
	max = 256 + 64 * (size_t)data[1];
	if (!fuzz_a.log) {
		fuzz_a.log = malloc(1 << 20);
		fuzz_b.log = malloc(1 << 20);
		if (!fuzz_a.log || !fuzz_b.log)
			fuzz_fail("out of memory");
	}
	if (size - 2 > (1 << 20))
		return 0;
	fuzz_frame(&fuzz_a, (const char *)data + 2, size - 2, max, 0);
	fuzz_frame(&fuzz_b, (const char *)data + 2, size - 2, max, 1u + data[0]);
	if (fuzz_a.n != fuzz_b.n || fuzz_a.log_len != fuzz_b.log_len ||
	    memcmp(fuzz_a.log, fuzz_b.log, fuzz_a.log_len) != 0)
		fuzz_fail("chunking changed the items");
	for (i = 0; i < fuzz_a.n; i++)
		if (fuzz_a.items[i].ev != fuzz_b.items[i].ev ||
		    fuzz_a.items[i].len != fuzz_b.items[i].len)
			fuzz_fail("chunking changed an item");
	if (fuzz_a.n < FUZZ_MAX_ITEMS &&
	    (fuzz_a.end != fuzz_b.end || fuzz_a.buffered != fuzz_b.buffered))
		fuzz_fail("chunking changed the final state");
	return 0;
}
