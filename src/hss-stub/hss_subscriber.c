/*
 * hss_subscriber.c — "hss-stub subscriber add|del|list|import". K, OP and OPc go into the
 * database and never come out of these commands.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/aka.h"
#include "hss-stub/hss_cli.h"
#include "hss-stub/hss_import.h"

enum {
	OPT_DB = 256,
	OPT_IMPI,
	OPT_IMPU,
	OPT_K,
	OPT_OP,
	OPT_OPC,
	OPT_AMF,
	OPT_SQN,
	OPT_REPLACE,
};

static const struct option hss_subscriber_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"impi", required_argument, NULL, OPT_IMPI},
    {"impu", required_argument, NULL, OPT_IMPU},
    {"k", required_argument, NULL, OPT_K},
    {"op", required_argument, NULL, OPT_OP},
    {"opc", required_argument, NULL, OPT_OPC},
    {"amf", required_argument, NULL, OPT_AMF},
    {"sqn", required_argument, NULL, OPT_SQN},
    {"replace", no_argument, NULL, OPT_REPLACE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Everything any subscriber command accepts; each command checks which ones it allows. */
struct hss_sub_args {
	const char *cmd;      /* "subscriber add" */
	const char *usage;    /* printed for --help */
	unsigned int allowed; /* bit (val - OPT_DB) per allowed option */
	const char *db, *impi, *k, *op, *opc, *amf, *sqn;
	const char *impu[HSS_IMPU_MAX + 1];
	size_t n_impu;
	bool replace, help;
	int argc; /* positional arguments left */
	char **argv;
};

#define HSS_ALLOW(opt) (1u << ((opt)-OPT_DB))

/*
 * Record one option. hss_subscriber_opts[] and the slots below are in enum order, so
 * c - OPT_DB indexes both.
 */
static int hss_sub_option(struct hss_sub_args *a, int c)
{
	const char **slot[] = {&a->db, &a->impi, NULL, &a->k, &a->op, &a->opc, &a->amf, &a->sqn};

	if (c == 'h') {
		a->help = true;
		return 0;
	}
	if (c < OPT_DB || c > OPT_REPLACE)
		return HSS_EXIT_USAGE;
	if (!(a->allowed & HSS_ALLOW(c)))
		return hss_cli_usage_error(a->cmd, "--%s does not apply here",
					   hss_subscriber_opts[c - OPT_DB].name);
	if (c == OPT_REPLACE) {
		a->replace = true;
	} else if (c == OPT_IMPU) {
		if (a->n_impu >= HSS_IMPU_MAX)
			return hss_cli_usage_error(a->cmd, "more than %d --impu", HSS_IMPU_MAX);
		a->impu[a->n_impu++] = optarg;
	} else {
		*slot[c - OPT_DB] = optarg;
	}
	return 0;
}

/* Returns 0 to go on, -1 when --help was answered, or an exit code. */
static int hss_sub_parse(struct hss_sub_args *a, int argc, char **argv)
{
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", hss_subscriber_opts, NULL)) != -1) {
		if (c == ':' || c == '?')
			return hss_cli_getopt_error(a->cmd, hss_subscriber_opts, c, argv);
		ret = hss_sub_option(a, c);
		if (ret)
			return ret;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->help) {
		fputs(a->usage, stdout);
		return hss_cli_flush(a->cmd) == HSS_EXIT_OK ? -1 : HSS_EXIT_FAIL;
	}
	return 0;
}

/* ---- add ---- */

static const char hss_add_usage[] =
    "usage: hss-stub subscriber add [--db FILE] --impi IMPI --impu IMPU [--impu IMPU ...]\n"
    "                               --k HEX (--op HEX | --opc HEX) [--amf HEX] [--sqn HEX]\n"
    "\n"
    "Add one subscriber. K, OP and OPc are 32 hex digits, AMF 4 (default 8000), SQN 12\n"
    "(default 000000000000). IMPUs are sip:, sips: or tel: URIs.\n";

/* Build the subscriber from the options; returns 0 or an exit code. */
static int hss_add_build(const struct hss_sub_args *a, struct hss_subscriber *sub)
{
	uint8_t op[MILENAGE_K_LEN], sqn[MILENAGE_SQN_LEN];
	size_t i;
	int ret;

	if (!a->impi || !a->n_impu || !a->k)
		return hss_cli_usage_error(a->cmd, "missing --%s",
					   !a->impi	? "impi"
					   : !a->n_impu ? "impu"
							: "k");
	if (!a->op == !a->opc)
		return hss_cli_usage_error(a->cmd, "give exactly one of --op and --opc");
	if (hss_subscriber_set_impi(sub, a->impi))
		return hss_cli_usage_error(a->cmd, "--impi: '%s' is not a valid IMPI", a->impi);
	for (i = 0; i < a->n_impu; i++) {
		ret = hss_subscriber_add_impu(sub, a->impu[i]);
		if (ret == -EEXIST)
			return hss_cli_usage_error(a->cmd, "--impu %s given twice", a->impu[i]);
		if (ret)
			return hss_cli_usage_error(
			    a->cmd, "--impu: '%s' is not a sip:, sips: or tel: URI", a->impu[i]);
	}
	if ((ret = hss_cli_hex(a->cmd, "--k", a->k, sub->k, sizeof(sub->k))) != 0 ||
	    (a->amf && (ret = hss_cli_hex(a->cmd, "--amf", a->amf, sub->amf, 2)) != 0) ||
	    (a->sqn && (ret = hss_cli_hex(a->cmd, "--sqn", a->sqn, sqn, sizeof(sqn))) != 0))
		return ret;
	if (a->sqn)
		sub->sqn = aka_sqn_from_bytes(sqn);
	ret = hss_cli_hex(a->cmd, a->op ? "--op" : "--opc", a->op ? a->op : a->opc, op, sizeof(op));
	if (!ret && a->opc)
		hss_subscriber_set_opc(sub, op);
	else if (!ret && hss_subscriber_set_op(sub, op))
		ret = hss_cli_fail(a->cmd, "cannot derive OPc from OP");
	OPENSSL_cleanse(op, sizeof(op));
	return ret;
}

static int hss_subscriber_add(int argc, char **argv)
{
	struct hss_sub_args a = {.cmd = "subscriber add", .usage = hss_add_usage};
	struct hss_subscriber *sub = NULL;
	struct hss_db *db = NULL;
	int ret;

	a.allowed = HSS_ALLOW(OPT_DB) | HSS_ALLOW(OPT_IMPI) | HSS_ALLOW(OPT_IMPU) |
		    HSS_ALLOW(OPT_K) | HSS_ALLOW(OPT_OP) | HSS_ALLOW(OPT_OPC) | HSS_ALLOW(OPT_AMF) |
		    HSS_ALLOW(OPT_SQN);
	ret = hss_sub_parse(&a, argc, argv);
	if (ret)
		return ret < 0 ? HSS_EXIT_OK : ret;
	if (a.argc)
		return hss_cli_usage_error(a.cmd, "unexpected argument '%s'", a.argv[0]);
	sub = hss_subscriber_new();
	if (!sub)
		return hss_cli_fail(a.cmd, "out of memory");
	ret = hss_add_build(&a, sub);
	if (!ret)
		ret = hss_cli_db_open(a.cmd, a.db, &db);
	if (!ret && hss_db_subscriber_add(db, sub))
		ret = hss_cli_fail(a.cmd, "%s", hss_db_error(db));
	hss_db_free(db);
	hss_subscriber_free(sub);
	return ret;
}

/* ---- del ---- */

static const char hss_del_usage[] = "usage: hss-stub subscriber del [--db FILE] --impi IMPI\n"
				    "\n"
				    "Delete one subscriber and its IMPUs.\n";

static int hss_subscriber_del(int argc, char **argv)
{
	struct hss_sub_args a = {.cmd = "subscriber del", .usage = hss_del_usage};
	struct hss_db *db = NULL;
	int ret;

	a.allowed = HSS_ALLOW(OPT_DB) | HSS_ALLOW(OPT_IMPI);
	ret = hss_sub_parse(&a, argc, argv);
	if (ret)
		return ret < 0 ? HSS_EXIT_OK : ret;
	if (a.argc)
		return hss_cli_usage_error(a.cmd, "unexpected argument '%s'", a.argv[0]);
	if (!a.impi)
		return hss_cli_usage_error(a.cmd, "missing --impi");
	ret = hss_cli_db_open(a.cmd, a.db, &db);
	if (!ret && hss_db_subscriber_del(db, a.impi))
		ret = hss_cli_fail(a.cmd, "%s", hss_db_error(db));
	hss_db_free(db);
	return ret;
}

/* ---- list ---- */

static const char hss_list_usage[] =
    "usage: hss-stub subscriber list [--db FILE]\n"
    "\n"
    "List subscribers: IMPI, whether OP or OPc was provisioned, AMF, SQN and IMPUs.\n"
    "Keys are never shown.\n";

/* First pass: the widest IMPI; second pass: one line per subscriber. */
struct hss_list_state {
	int width;
	bool print;
};

static int hss_list_one(const struct hss_subscriber *sub, void *arg)
{
	struct hss_list_state *st = arg;
	int len = (int)strlen(sub->impi);
	size_t i;

	if (!st->print) {
		if (len > st->width)
			st->width = len;
		return 0;
	}
	printf("%-*s  %-3s  %02x%02x  %012llx  ", st->width, sub->impi, sub->has_op ? "op" : "opc",
	       sub->amf[0], sub->amf[1], (unsigned long long)sub->sqn);
	for (i = 0; i < sub->n_impu; i++)
		printf("%s%s", i ? "," : "", sub->impu[i]);
	putchar('\n');
	return 0;
}

static int hss_subscriber_list(int argc, char **argv)
{
	struct hss_sub_args a = {.cmd = "subscriber list", .usage = hss_list_usage};
	struct hss_list_state st = {.width = 4, .print = false};
	struct hss_db *db = NULL;
	int ret;

	a.allowed = HSS_ALLOW(OPT_DB);
	ret = hss_sub_parse(&a, argc, argv);
	if (ret)
		return ret < 0 ? HSS_EXIT_OK : ret;
	if (a.argc)
		return hss_cli_usage_error(a.cmd, "unexpected argument '%s'", a.argv[0]);
	ret = hss_cli_db_open(a.cmd, a.db, &db);
	if (ret)
		return ret;
	if (hss_db_subscriber_foreach(db, hss_list_one, &st) == 0) {
		printf("%-*s  %-3s  %-4s  %-12s  %s\n", st.width, "IMPI", "KEY", "AMF", "SQN",
		       "IMPU");
		st.print = true;
	}
	if (!st.print || hss_db_subscriber_foreach(db, hss_list_one, &st) != 0)
		ret = hss_cli_fail(a.cmd, "%s", hss_db_error(db));
	else
		ret = hss_cli_flush(a.cmd);
	hss_db_free(db);
	return ret;
}

/* ---- import ---- */

static const char hss_import_usage[] =
    "usage: hss-stub subscriber import [--db FILE] [--replace] FILE\n"
    "\n"
    "Add the subscribers of FILE, all or none. One subscriber per line:\n"
    "  impi=IMPI impu=IMPU [impu=IMPU ...] k=HEX (op=HEX | opc=HEX) [amf=HEX] [sqn=HEX]\n"
    "'#' starts a comment. With --replace, subscribers whose IMPI exists are replaced.\n";

static int hss_subscriber_import(int argc, char **argv)
{
	struct hss_sub_args a = {.cmd = "subscriber import", .usage = hss_import_usage};
	struct hss_db *db = NULL;
	size_t count = 0;
	int ret;

	a.allowed = HSS_ALLOW(OPT_DB) | HSS_ALLOW(OPT_REPLACE);
	ret = hss_sub_parse(&a, argc, argv);
	if (ret)
		return ret < 0 ? HSS_EXIT_OK : ret;
	if (a.argc == 0)
		return hss_cli_usage_error(a.cmd, "missing FILE");
	if (a.argc > 1)
		return hss_cli_usage_error(a.cmd, "unexpected argument '%s'", a.argv[1]);
	ret = hss_cli_db_open(a.cmd, a.db, &db);
	if (ret)
		return ret;
	if (hss_import_file(db, a.argv[0], a.replace, stderr, &count)) {
		ret = hss_cli_fail(a.cmd, "%s: nothing imported", a.argv[0]);
	} else {
		printf("imported %zu subscriber%s\n", count, count == 1 ? "" : "s");
		ret = hss_cli_flush(a.cmd);
	}
	hss_db_free(db);
	return ret;
}

static const struct hss_cmd hss_subscriber_cmds[] = {
    {"add", hss_subscriber_add, "add one subscriber"},
    {"del", hss_subscriber_del, "delete one subscriber"},
    {"list", hss_subscriber_list, "list subscribers (without keys)"},
    {"import", hss_subscriber_import, "add subscribers from a file, all or none"},
};

int hss_subscriber_main(int argc, char **argv)
{
	return hss_cli_dispatch("subscriber", hss_subscriber_cmds,
				sizeof(hss_subscriber_cmds) / sizeof(hss_subscriber_cmds[0]), argc,
				argv);
}
