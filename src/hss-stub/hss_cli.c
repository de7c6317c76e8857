/* hss_cli.c — helpers shared by the hss-stub subcommands. */
#include "hss-stub/hss_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/codec.h"
#include "hss-stub/hss_import.h"

static void hss_cli_vmessage(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "hss-stub%s%s: ", cmd && *cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int hss_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hss_cli_vmessage(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'hss-stub%s%s --help'.\n", cmd && *cmd ? " " : "", cmd ? cmd : "");
	return HSS_EXIT_USAGE;
}

int hss_cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hss_cli_vmessage(cmd, fmt, ap);
	va_end(ap);
	return HSS_EXIT_FAIL;
}

static void hss_cli_list(const char *group, const struct hss_cmd *cmds, size_t n, FILE *out)
{
	size_t i;

	fprintf(out, "usage: hss-stub%s%s COMMAND [OPTIONS]\n\ncommands:\n", *group ? " " : "",
		group);
	for (i = 0; i < n; i++)
		fprintf(out, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n'hss-stub%s%s COMMAND --help' describes one command; see hss-stub(8).\n",
		*group ? " " : "", group);
}

int hss_cli_dispatch(const char *group, const struct hss_cmd *cmds, size_t n, int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (!name) {
		hss_cli_list(group, cmds, n, stderr);
		return HSS_EXIT_USAGE;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		hss_cli_list(group, cmds, n, stdout);
		return hss_cli_flush(group);
	}
	for (i = 0; i < n; i++) {
		if (!strcmp(name, cmds[i].name))
			return cmds[i].main(argc - 1, argv + 1);
	}
	return hss_cli_usage_error(group, "unknown command '%s'", name);
}

int hss_cli_getopt_error(const char *cmd, const struct option *opts, int c, char **argv)
{
	const struct option *o;

	if (c == ':') {
		for (o = opts; o->name; o++) {
			if (o->val == optopt)
				return hss_cli_usage_error(cmd, "--%s needs a value", o->name);
		}
		return hss_cli_usage_error(cmd, "option needs a value");
	}
	for (o = opts; optopt && o->name; o++) {
		if (o->val == optopt && o->has_arg == no_argument)
			return hss_cli_usage_error(cmd, "--%s takes no value", o->name);
	}
	if (optopt && optopt < 256 && optopt != '?')
		return hss_cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return hss_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int hss_cli_hex(const char *cmd, const char *opt, const char *arg, uint8_t *out, size_t len)
{
	char why[128];

	if (hss_hex_parse(opt, arg, out, len, why, sizeof(why)))
		return hss_cli_usage_error(cmd, "%s", why);
	return 0;
}

int hss_cli_db_open(const char *cmd, const char *path, struct hss_db **out)
{
	struct hss_db *db;

	if (!path)
		path = getenv(HSS_DB_ENV);
	if (!path || !*path)
		path = HSS_DB_DEFAULT_PATH;
	db = hss_db_new();
	if (!db)
		return hss_cli_fail(cmd, "out of memory");
	if (hss_db_open(db, path)) {
		hss_cli_fail(cmd, "%s", hss_db_error(db));
		hss_db_free(db);
		return HSS_EXIT_FAIL;
	}
	*out = db;
	return 0;
}

void hss_cli_print_hex(const char *name, const uint8_t *b, size_t len)
{
	char hex[CODEC_HEX_SIZE(64)];

	if (codec_hex_encode(b, len, hex, sizeof(hex)) == 0)
		printf("%s=%s\n", name, hex);
	OPENSSL_cleanse(hex, sizeof(hex));
}

int hss_cli_flush(const char *cmd)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return hss_cli_fail(cmd, "cannot write output: %s", strerror(errno));
	return HSS_EXIT_OK;
}
