/*
 * log.h — one process-wide logger: to stderr (with a timestamp and the level) or to syslog.
 *
 *   log_init("pcscfd", LOG_LEVEL_INFO, false);
 *   log_warn("no route for %s", aor);            -> "12.345 pcscfd warn: route_find: no ..."
 *   log_warn_errno("bind(%s)", addr);            -> "... bind([::1]:5060): Address in use"
 *
 * Every macro prefixes the calling function's name (__func__), as OpenIKED does. The
 * _errno variants append strerror(errno) of the errno at the call; no logging function
 * changes errno. The stderr timestamp is CLOCK_MONOTONIC seconds since log_init(), so lines
 * of one run can be compared and a clock step does not reorder them.
 *
 * Never pass secrets (keys, CK/IK, RES, passwords) to these functions.
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <errno.h>
#include <stdbool.h>

/** Levels, numbered as syslog priorities so they map one to one. */
enum log_level {
	LOG_LEVEL_ERR = 3,   /**< something failed that should not have */
	LOG_LEVEL_WARN = 4,  /**< bad input from a peer, a recoverable failure */
	LOG_LEVEL_INFO = 6,  /**< normal but significant events (start, registration, ...) */
	LOG_LEVEL_DEBUG = 7, /**< tracing */
};

/** The current level; read by the macros so that disabled lines cost one comparison. */
extern int log_level_current;

/**
 * log_init() - set up logging for this process (may be called again to change it).
 * @ident: program name written in every line (copied; NULL keeps the previous one).
 * @level: the most verbose level written (LOG_LEVEL_*).
 * @use_syslog: true to send lines to syslog (LOG_DAEMON) instead of stderr.
 */
void log_init(const char *ident, int level, bool use_syslog);

/**
 * log_set_level() - change the most verbose level written.
 * @level: LOG_LEVEL_*; values outside ERR..DEBUG are clamped.
 */
void log_set_level(int level);

/**
 * log_level_from_name() - level of a name as given in a config file or on a command line.
 * @name: "err"/"error", "warn"/"warning", "info" or "debug" (case-insensitive).
 * @return the LOG_LEVEL_* value, or -EINVAL for any other name (or NULL).
 */
int log_level_from_name(const char *name);

/**
 * log_level_name() - short name of a level, as written in stderr lines.
 * @level: LOG_LEVEL_*.
 * @return "err", "warn", "info", "debug", or "?".
 */
const char *log_level_name(int level);

/**
 * log_msg() - write one line (use the log_* macros instead).
 * @level: LOG_LEVEL_*; lines more verbose than the current level are dropped.
 * @func: name of the calling function, written before the message.
 * @fmt: printf format of the message (no trailing newline needed).
 */
__attribute__((format(printf, 3, 4))) void log_msg(int level, const char *func, const char *fmt,
						   ...);

/**
 * log_msg_errno() - as log_msg(), with ": " and strerror(@errnum) appended.
 * @level: LOG_LEVEL_*.
 * @errnum: the error number (positive, or negative as returned by -errno functions).
 * @func: name of the calling function.
 * @fmt: printf format of the message.
 */
__attribute__((format(printf, 4, 5))) void log_msg_errno(int level, int errnum, const char *func,
							 const char *fmt, ...);

/** Whether lines at @level are written. */
#define log_enabled(level) ((level) <= log_level_current)

#define log_at(level, ...)                                                                         \
	do {                                                                                       \
		if (log_enabled(level))                                                            \
			log_msg((level), __func__, __VA_ARGS__);                                   \
	} while (0)

#define log_at_errno(level, errnum, ...)                                                           \
	do {                                                                                       \
		if (log_enabled(level))                                                            \
			log_msg_errno((level), (errnum), __func__, __VA_ARGS__);                   \
	} while (0)

/** Log at error level. */
#define log_err(...) log_at(LOG_LEVEL_ERR, __VA_ARGS__)
/** Log at warning level. */
#define log_warn(...) log_at(LOG_LEVEL_WARN, __VA_ARGS__)
/** Log at info level. */
#define log_info(...) log_at(LOG_LEVEL_INFO, __VA_ARGS__)
/** Log at debug level. */
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)

/** Log at error level with strerror(errno) appended. */
#define log_err_errno(...) log_at_errno(LOG_LEVEL_ERR, errno, __VA_ARGS__)
/** Log at warning level with strerror(errno) appended. */
#define log_warn_errno(...) log_at_errno(LOG_LEVEL_WARN, errno, __VA_ARGS__)

/** Log at error level with strerror(-ret) appended, for functions returning -errno. */
#define log_err_ret(ret, ...) log_at_errno(LOG_LEVEL_ERR, (ret), __VA_ARGS__)
/** Log at warning level with strerror(-ret) appended, for functions returning -errno. */
#define log_warn_ret(ret, ...) log_at_errno(LOG_LEVEL_WARN, (ret), __VA_ARGS__)

#endif /* COMMON_LOG_H */
