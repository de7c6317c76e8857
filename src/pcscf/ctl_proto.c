/*
 * ctl_proto.c — the control protocol's request parser (see ctl_proto.h).
 */
#include "config.h"

#include "pcscf/ctl_proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Each command: its words, and how many arguments follow them. */
static const struct ctl_cmd_desc {
	const char *words;
	size_t min_args, max_args;
} ctl_cmds[CTL_CMD_COUNT] = {
	[CTL_CMD_STATUS] = {"status", 0, 0},
	[CTL_CMD_REGISTRATIONS] = {"registrations", 0, 2},
	[CTL_CMD_REGISTRATION_SHOW] = {"registration show", 1, 1},
	[CTL_CMD_DEREGISTER] = {"deregister", 1, 1},
	[CTL_CMD_SA_LIST] = {"sa list", 0, 0},
	[CTL_CMD_SA_FLUSH_ORPHANS] = {"sa flush --orphans", 0, 0},
	[CTL_CMD_KEYS_EXPORT] = {"keys export", 0, 0},
	[CTL_CMD_LOG_LEVEL] = {"log-level", 1, 1},
};

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	return (unsigned)cmd < CTL_CMD_COUNT ? ctl_cmds[cmd].words : "?";
}

/* Split buf into words at single spaces; empty words and other bytes are refused. */
static int ctl_request_split(char *buf, const char **words, size_t max, size_t *n)
{
	char *w = buf;

	*n = 0;
	for (char *c = buf;; c++) {
		if (*c != ' ' && *c != '\0') {
			if (*c < 0x21 || *c > 0x7e)
				return -EINVAL;
			continue;
		}
		if (c == w || *n == max)
			return -EINVAL;
		words[(*n)++] = w;
		if (*c == '\0')
			return 0;
		*c = '\0';
		w = c + 1;
	}
}

/* Does the request start with the command's words? @return how many, or 0 */
static size_t ctl_request_match(const char **words, size_t n, const char *cmd)
{
	char copy[64], *save = NULL;
	size_t i = 0;

	snprintf(copy, sizeof(copy), "%s", cmd);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save), i++)
		if (i >= n || strcmp(words[i], t) != 0)
			return 0;
	return i;
}

static int ctl_request_command(struct ctl_request *req, const char **words, size_t n)
{
	for (int c = 0; c < CTL_CMD_COUNT; c++) {
		size_t used = ctl_request_match(words, n, ctl_cmds[c].words);

		if (!used || n - used < ctl_cmds[c].min_args || n - used > ctl_cmds[c].max_args)
			continue;
		req->cmd = (enum ctl_cmd)c;
		req->argc = n - used;
		for (size_t i = 0; i < req->argc; i++)
			req->argv[i] = words[used + i];
		/* registrations takes exactly "--impu X" when it takes anything */
		if (c == CTL_CMD_REGISTRATIONS && req->argc &&
		    (req->argc != 2 || strcmp(req->argv[0], "--impu") != 0))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int ctl_request_parse(const char *data, size_t len, struct ctl_request *req)
{
	const char *nl = memchr(data, '\n', len < CTL_LINE_MAX ? len : CTL_LINE_MAX);
	const char *words[CTL_ARGS_MAX + 4];
	size_t n, line, skip;
	int ret;

	memset(req, 0, sizeof(*req));
	if (!nl)
		return len < CTL_LINE_MAX ? -EAGAIN : -EINVAL;
	line = (size_t)(nl - data);
	if (memchr(data, '\0', line))
		return -EINVAL;
	memcpy(req->buf, data, line);
	req->buf[line] = '\0';
	ret = ctl_request_split(req->buf, words, sizeof(words) / sizeof(words[0]), &n);
	if (ret < 0)
		return ret;
	skip = strcmp(words[0], "json") == 0;
	req->json = skip;
	return ctl_request_command(req, words + skip, n - skip);
}

size_t ctl_json_str(const char *s, char *out, size_t size)
{
	size_t o = 0;

	if (size < 3)
		return 0;
	out[o++] = '"';
	for (; *s && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}
