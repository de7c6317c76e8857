/*
 * hss_cli.h — what the hss-stub subcommands share: the command tables, messages, option
 * parsing helpers and the exit codes (0 success, 1 failure, 2 usage error).
 */
#ifndef HSS_CLI_H
#define HSS_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "hss-stub/hss_db.h"

enum hss_exit {
	HSS_EXIT_OK = 0,
	HSS_EXIT_FAIL = 1,  /* the command was understood but failed */
	HSS_EXIT_USAGE = 2, /* bad command line */
};

/** Environment variable naming the database when --db is not given. */
#define HSS_DB_ENV "HSS_STUB_DB"

/** One subcommand: its name, its main() (argv[0] is the name), and a one-line summary. */
struct hss_cmd {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

/**
 * hss_cli_dispatch() - run the subcommand named by argv[1].
 * @group: the command words so far, e.g. "subscriber" ("" at the top level)
 * @cmds:  the table
 * @n:     its length
 * @argc:  argument count, argv[0] being the group's own word
 * @argv:  arguments
 * @return the subcommand's exit code; HSS_EXIT_USAGE for a missing or unknown one. "--help",
 *         "-h" and "help" list the table on stdout and return HSS_EXIT_OK.
 */
int hss_cli_dispatch(const char *group, const struct hss_cmd *cmds, size_t n, int argc,
		     char **argv);

/**
 * hss_cli_usage_error() - print "hss-stub CMD: MESSAGE" and a --help hint to stderr.
 * @cmd: the command words, e.g. "subscriber add"
 * @fmt: printf format of the message
 * @return HSS_EXIT_USAGE.
 */
int hss_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * hss_cli_fail() - print "hss-stub CMD: MESSAGE" to stderr.
 * @cmd: the command words
 * @fmt: printf format of the message
 * @return HSS_EXIT_FAIL.
 */
int hss_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * hss_cli_getopt_error() - report what getopt_long() (run with a ':'-prefixed optstring and
 * opterr = 0) refused.
 * @cmd:  the command words
 * @opts: the long options given to getopt_long()
 * @c:    what getopt_long() returned (':' or '?')
 * @argv: the arguments given to getopt_long()
 * @return HSS_EXIT_USAGE.
 */
int hss_cli_getopt_error(const char *cmd, const struct option *opts, int c, char **argv);

/**
 * hss_cli_hex() - decode an option's hex value of exactly @len bytes.
 * @cmd: the command words
 * @opt: the option, e.g. "--k"
 * @arg: its value
 * @out: receives @len bytes
 * @len: the expected number of bytes
 * @return 0, or HSS_EXIT_USAGE after printing e.g. "--k: expected 32 hex digits, got 31".
 */
int hss_cli_hex(const char *cmd, const char *opt, const char *arg, uint8_t *out, size_t len);

/**
 * hss_cli_db_open() - open the database named by --db, else $HSS_STUB_DB, else the default.
 * @cmd:  the command words
 * @path: the --db value or NULL
 * @out:  receives the open database
 * @return 0, or HSS_EXIT_FAIL after printing why.
 */
int hss_cli_db_open(const char *cmd, const char *path, struct hss_db **out);

/**
 * hss_cli_print_hex() - print "NAME=HEX\n" in lower case.
 * @name: the name
 * @b:    the bytes
 * @len:  their number (at most 64)
 */
void hss_cli_print_hex(const char *name, const uint8_t *b, size_t len);

/**
 * hss_cli_flush() - flush stdout and report a write error.
 * @cmd: the command words
 * @return HSS_EXIT_OK or HSS_EXIT_FAIL.
 */
int hss_cli_flush(const char *cmd);

/** hss-stub vector: print one authentication vector. */
int hss_vector_main(int argc, char **argv);

/** hss-stub run: the S-CSCF/registrar on the network (hss_run.c). */
int hss_run_main(int argc, char **argv);

/** hss-stub subscriber: add, del, list, import. */
int hss_subscriber_main(int argc, char **argv);

#endif /* HSS_CLI_H */
