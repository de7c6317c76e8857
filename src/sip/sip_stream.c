/*
 * sip_stream.c — stream framing (see sip_stream.h).
 *
 * Unconsumed bytes are buf[start, end). The item handed out last is dropped at the next
 * call (so the pointer given to the caller stays valid until then); bytes are moved to the
 * front only when a feed would not fit behind them.
 */
#include "sip/sip_stream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sip_stream {
	char *buf;
	size_t cap;
	size_t start, end;
	size_t consume; /* length of the item handed out last */
	size_t scanned; /* bytes after start already searched for CRLFCRLF */
	size_t msg_len; /* length of the current message once its headers are in, else 0 */
	size_t max;
	int err;
};

struct sip_stream *sip_stream_new(size_t max_msg)
{
	struct sip_stream *st;

	if (max_msg < 64 || max_msg > SIZE_MAX / 4)
		return NULL;
	st = calloc(1, sizeof(*st));
	if (st)
		st->max = max_msg;
	return st;
}

void sip_stream_free(struct sip_stream *st)
{
	if (!st)
		return;
	free(st->buf);
	free(st);
}

size_t sip_stream_buffered(const struct sip_stream *st)
{
	return st->end - st->start - st->consume;
}

/* Drop the item handed out last. */
static void sip_stream_consume(struct sip_stream *st)
{
	st->start += st->consume;
	st->consume = 0;
	if (st->start == st->end)
		st->start = st->end = 0;
}

int sip_stream_feed(struct sip_stream *st, const char *data, size_t len)
{
	size_t have, cap;
	char *buf;

	sip_stream_consume(st);
	have = st->end - st->start;
	if (have > 2 * st->max || len > 2 * st->max - have)
		return -ENOBUFS;
	if (st->end + len > st->cap && st->start > 0) {
		memmove(st->buf, st->buf + st->start, have);
		st->start = 0;
		st->end = have;
	}
	if (st->end + len > st->cap) {
		cap = st->cap ? st->cap : 4096;
		while (cap < st->end + len)
			cap *= 2;
		buf = realloc(st->buf, cap);
		if (!buf)
			return -ENOMEM;
		st->buf = buf;
		st->cap = cap;
	}
	if (len)
		memcpy(st->buf + st->end, data, len);
	st->end += len;
	return 0;
}

/* ---- Content-Length in a header section ---- */

/* Offset of the CRLF ending the line at @pos (there is always one: the section ends in one). */
static size_t sip_stream_eol(const char *b, size_t n, size_t pos)
{
	while (pos + 1 < n && !(b[pos] == '\r' && b[pos + 1] == '\n'))
		pos++;
	return pos;
}

static bool sip_stream_is_cl_name(const char *name, size_t len)
{
	return (len == 1 && (name[0] | 0x20) == 'l') ||
	       (len == 14 && strncasecmp(name, "Content-Length", 14) == 0);
}

static bool sip_stream_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The number of a Content-Length value from @pos (after the colon) to the end of its header
 * (folded lines included); *next is the start of the following header. -EBADMSG when it
 * is not exactly one run of digits; the value saturates above the message limit.
 */
static int64_t sip_stream_cl_value(const char *b, size_t n, size_t pos, size_t *next)
{
	int64_t val = -1;
	bool after_digits = false;

	for (;;) {
		size_t eol = sip_stream_eol(b, n, pos);

		for (; pos < eol; pos++) {
			if (b[pos] >= '0' && b[pos] <= '9' && !after_digits) {
				val = (val < 0 ? 0 : val) * 10 + (b[pos] - '0');
				if (val > INT32_MAX)
					val = INT32_MAX;
			} else if (sip_stream_wsp(b[pos])) {
				after_digits = val >= 0;
			} else {
				return -EBADMSG;
			}
		}
		after_digits = val >= 0;
		pos = eol + 2;
		if (pos >= n || !sip_stream_wsp(b[pos]))
			break; /* not folded */
	}
	*next = pos;
	return val < 0 ? -EBADMSG : val;
}

/* The Content-Length of header section b[0, n) (ending in CRLFCRLF), or -EBADMSG. */
static int64_t sip_stream_content_length(const char *b, size_t n)
{
	size_t pos = sip_stream_eol(b, n, 0) + 2, name_end, colon;
	int64_t found = -1, val;

	while (pos + 2 < n) {
		for (name_end = pos; name_end < n && b[name_end] != ':' &&
				     !sip_stream_wsp(b[name_end]) && b[name_end] != '\r';
		     name_end++)
			;
		for (colon = name_end; colon < n && sip_stream_wsp(b[colon]); colon++)
			;
		if (colon < n && b[colon] == ':' &&
		    sip_stream_is_cl_name(b + pos, name_end - pos)) {
			if (found >= 0)
				return -EBADMSG; /* two of them: which one would the peer mean? */
			val = sip_stream_cl_value(b, n, colon + 1, &pos);
			if (val < 0)
				return val;
			found = val;
			continue;
		}
		pos = sip_stream_eol(b, n, pos) + 2;
	}
	return found < 0 ? -EBADMSG : found;
}

/* ---- cutting ---- */

/* A CRLF keep-alive at the start: PING, PONG, MORE (undecided), or -1 (not a keep-alive). */
static int sip_stream_keepalive(struct sip_stream *st)
{
	const char *b = st->buf + st->start;
	size_t avail = st->end - st->start;

	if (avail == 0)
		return SIP_STREAM_MORE;
	if (b[0] != '\r')
		return -1;
	if (avail < 2)
		return SIP_STREAM_MORE;
	if (b[1] != '\n')
		return -1;
	if (avail >= 4 && b[2] == '\r' && b[3] == '\n') {
		st->consume = 4;
		return SIP_STREAM_PING;
	}
	if (avail == 2 || (avail == 3 && b[2] == '\r'))
		return SIP_STREAM_MORE;
	st->consume = 2;
	return SIP_STREAM_PONG;
}

/* Find the end of the header section; sets st->msg_len, or returns MORE or an error. */
static int sip_stream_headers(struct sip_stream *st)
{
	const char *b = st->buf + st->start;
	size_t avail = st->end - st->start, limit = avail < st->max ? avail : st->max;
	size_t i = st->scanned > 3 ? st->scanned - 3 : 0;
	int64_t cl;

	for (; i + 3 < limit; i++) {
		if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n')
			break;
	}
	if (i + 3 >= limit) {
		st->scanned = limit;
		return avail >= st->max ? -EMSGSIZE : SIP_STREAM_MORE;
	}
	cl = sip_stream_content_length(b, i + 4);
	if (cl < 0)
		return -EBADMSG;
	if ((uint64_t)cl > st->max - (i + 4))
		return -EMSGSIZE;
	st->msg_len = i + 4 + (size_t)cl;
	return SIP_STREAM_MESSAGE;
}

int sip_stream_next(struct sip_stream *st, const char **msg, size_t *len)
{
	int ret;

	if (st->err)
		return st->err;
	sip_stream_consume(st);
	if (st->msg_len == 0) {
		ret = sip_stream_keepalive(st);
		if (ret >= 0) {
			st->scanned = 0;
			return ret;
		}
		ret = sip_stream_headers(st);
		if (ret < 0)
			st->err = ret;
		if (ret != SIP_STREAM_MESSAGE)
			return ret;
	}
	if (st->end - st->start < st->msg_len)
		return SIP_STREAM_MORE;
	*msg = st->buf + st->start;
	*len = st->msg_len;
	st->consume = st->msg_len;
	st->msg_len = 0;
	st->scanned = 0;
	return SIP_STREAM_MESSAGE;
}
