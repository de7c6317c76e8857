/*
 * log.c — stderr or syslog logging with __func__ prefixes (see log.h).
 *
 * A line is formatted into one buffer and written with one write(2), so lines of several
 * processes sharing a terminal or a log file do not interleave mid-line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Longest line written; longer messages are cut (and end with "..."). */
#define LOG_LINE_MAX 2048

int log_level_current = LOG_LEVEL_INFO;

static char log_ident[64] = "pcscf";
static bool log_to_syslog;
static struct timespec log_start;

void log_init(const char *ident, int level, bool use_syslog)
{
	int saved = errno;

	if (ident)
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_set_level(level);
	if (log_to_syslog && !use_syslog)
		closelog();
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	clock_gettime(CLOCK_MONOTONIC, &log_start);
	errno = saved;
}

void log_set_level(int level)
{
	if (level < LOG_LEVEL_ERR)
		level = LOG_LEVEL_ERR;
	if (level > LOG_LEVEL_DEBUG)
		level = LOG_LEVEL_DEBUG;
	log_level_current = level;
}

int log_level_from_name(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{"err", LOG_LEVEL_ERR},	     {"error", LOG_LEVEL_ERR}, {"warn", LOG_LEVEL_WARN},
		{"warning", LOG_LEVEL_WARN}, {"info", LOG_LEVEL_INFO}, {"debug", LOG_LEVEL_DEBUG},
	};
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].level;
	return -EINVAL;
}

const char *log_level_name(int level)
{
	switch (level) {
	case LOG_LEVEL_ERR:
		return "err";
	case LOG_LEVEL_WARN:
		return "warn";
	case LOG_LEVEL_INFO:
		return "info";
	case LOG_LEVEL_DEBUG:
		return "debug";
	default:
		return "?";
	}
}

/* Seconds since log_init() (or since the first line, when log_init() was never called). */
static void log_elapsed(long *sec, long *msec)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (log_start.tv_sec == 0 && log_start.tv_nsec == 0)
		log_start = now;
	*sec = (long)(now.tv_sec - log_start.tv_sec);
	*msec = (now.tv_nsec - log_start.tv_nsec) / 1000000;
	if (*msec < 0) {
		*msec += 1000;
		(*sec)--;
	}
}

/* Append to line[*len], never past LOG_LINE_MAX - 2 (room for "\n" and the NUL). */
__attribute__((format(printf, 3, 0))) static void log_append(char *line, size_t *len,
							     const char *fmt, va_list ap)
{
	size_t room = LOG_LINE_MAX - 1 - *len;
	int n = vsnprintf(line + *len, room, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= room) {
		*len = LOG_LINE_MAX - 2;
		memcpy(line + *len - 3, "...", 3);
	} else {
		*len += (size_t)n;
	}
}

__attribute__((format(printf, 3, 4))) static void log_appendf(char *line, size_t *len,
							      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_append(line, len, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 0))) static void log_vline(int level, int errnum, const char *func,
							    const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len = 0;
	long sec, msec;

	if (!log_to_syslog) {
		log_elapsed(&sec, &msec);
		log_appendf(line, &len, "%ld.%03ld %s %s: ", sec, msec, log_ident,
			    log_level_name(level));
	}
	log_appendf(line, &len, "%s: ", func);
	log_append(line, &len, fmt, ap);
	if (errnum)
		log_appendf(line, &len, ": %s", strerror(errnum < 0 ? -errnum : errnum));
	if (log_to_syslog) {
		syslog(level, "%s", line);
		return;
	}
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0) {
		/* nowhere left to report it */
	}
}

void log_msg(int level, const char *func, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vline(level, 0, func, fmt, ap);
	va_end(ap);
	errno = saved;
}

void log_msg_errno(int level, int errnum, const char *func, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vline(level, errnum, func, fmt, ap);
	va_end(ap);
	errno = saved;
}
