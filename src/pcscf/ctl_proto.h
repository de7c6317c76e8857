/*
 * ctl_proto.h — the control protocol between pcscfctl and pcscfd.
 *
 * pcscfctl connects to the control socket (SOCK_STREAM), sends one request line and
 * reads the answer until the daemon closes the connection:
 *
 *   request:  [json ]COMMAND [ARG…]\n      words of printable ASCII, one space apart
 *   answer:   OK\n BODY                     BODY: a table, or JSON with "json"
 *             ERR CODE MESSAGE\n            CODE: a CTL_EXIT_* value
 *
 * The daemon parses every request with ctl_request_parse() and ctl_request_command()
 * (fuzzed: fuzz/fuzz_ctl.c); anything else is answered "ERR 2 …".
 */
#ifndef PCSCF_CTL_PROTO_H
#define PCSCF_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_LINE_MAX 512
#define CTL_ARGS_MAX 6

/** pcscfctl's exit codes (also the CODE of an ERR answer). */
enum ctl_exit {
	CTL_EXIT_OK = 0,      /**< done */
	CTL_EXIT_FAILED = 1,  /**< the daemon could not do it (not found, kernel error, …) */
	CTL_EXIT_USAGE = 2,   /**< a bad command line or request */
	CTL_EXIT_CONNECT = 3, /**< no daemon on the control socket, or a broken answer */
	CTL_EXIT_DENIED = 4,  /**< not allowed (root only) */
};

/** The commands the daemon serves. */
enum ctl_cmd {
	CTL_CMD_STATUS,
	CTL_CMD_REGISTRATIONS,	   /**< [--impu X] */
	CTL_CMD_REGISTRATION_SHOW, /**< IMPU|ADDR */
	CTL_CMD_DEREGISTER,	   /**< IMPU */
	CTL_CMD_SA_LIST,
	CTL_CMD_SA_FLUSH_ORPHANS,
	CTL_CMD_KEYS_EXPORT, /**< the esp_sa lines (root only) */
	CTL_CMD_LOG_LEVEL,   /**< LEVEL */
	CTL_CMD_COUNT,
};

/** A parsed request; argv points into buf. */
struct ctl_request {
	bool json;
	enum ctl_cmd cmd;
	size_t argc; /**< arguments after the command words */
	const char *argv[CTL_ARGS_MAX];
	char buf[CTL_LINE_MAX];
};

/**
 * ctl_request_parse() - parse one request line (up to and including its newline).
 * @data: the bytes received.
 * @len: their number.
 * @req: the request.
 * @return 0; -EAGAIN when no newline yet (and @len < CTL_LINE_MAX); -EINVAL for a line
 * that is too long, has a byte outside printable ASCII, an empty word, an unknown
 * command or the wrong arguments
 */
int ctl_request_parse(const char *data, size_t len, struct ctl_request *req);

/** The command's words ("registration show"). */
const char *ctl_cmd_name(enum ctl_cmd cmd);

/**
 * ctl_json_str() - @s as a JSON string (quotes included) into @out.
 * @return the length written (truncated strings still end with a quote), or 0 when
 * @size < 3
 */
size_t ctl_json_str(const char *s, char *out, size_t size);

#endif /* PCSCF_CTL_PROTO_H */
