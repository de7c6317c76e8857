/*
 * hss_vector.c — "hss-stub vector": one authentication vector, from keys given on the command
 * line or from a subscriber in the database (which takes the next SQN, as a registration
 * would).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/aka.h"
#include "hss-stub/hss_cli.h"

static const char hss_vector_cmd[] = "vector";

static const char hss_vector_usage[] =
    "usage: hss-stub vector --k HEX (--op HEX | --opc HEX) --sqn HEX [--amf HEX] [--rand HEX]\n"
    "       hss-stub vector --impi IMPI [--db FILE] [--rand HEX]\n"
    "\n"
    "Print one Milenage authentication vector as name=hex lines: rand, autn, xres, ck, ik,\n"
    "ak, mac_a. K, OP, OPc and RAND are 32 hex digits, AMF 4 (default 8000), SQN 12.\n"
    "Without --rand, RAND is random. With --impi, the subscriber's keys are used, its SQN is\n"
    "advanced in the database, and a final sqn= line shows the SQN used.\n";

enum {
	OPT_K = 256,
	OPT_OP,
	OPT_OPC,
	OPT_AMF,
	OPT_SQN,
	OPT_RAND,
	OPT_DB,
	OPT_IMPI,
};

static const struct option hss_vector_opts[] = {
    {"k", required_argument, NULL, OPT_K},     {"op", required_argument, NULL, OPT_OP},
    {"opc", required_argument, NULL, OPT_OPC}, {"amf", required_argument, NULL, OPT_AMF},
    {"sqn", required_argument, NULL, OPT_SQN}, {"rand", required_argument, NULL, OPT_RAND},
    {"db", required_argument, NULL, OPT_DB},   {"impi", required_argument, NULL, OPT_IMPI},
    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
};

struct hss_vector_args {
	uint8_t k[MILENAGE_K_LEN], op[MILENAGE_K_LEN], opc[MILENAGE_K_LEN];
	uint8_t amf[MILENAGE_AMF_LEN], sqn[MILENAGE_SQN_LEN], rand[MILENAGE_RAND_LEN];
	bool k_set, op_set, opc_set, amf_set, sqn_set, rand_set, help;
	const char *db, *impi;
};

/* Decode one option into @a; returns 0 or an exit code. */
static int hss_vector_option(struct hss_vector_args *a, int c)
{
	const struct {
		int val;
		const char *name;
		uint8_t *buf;
		size_t len;
		bool *set;
	} hex[] = {
	    {OPT_K, "--k", a->k, sizeof(a->k), &a->k_set},
	    {OPT_OP, "--op", a->op, sizeof(a->op), &a->op_set},
	    {OPT_OPC, "--opc", a->opc, sizeof(a->opc), &a->opc_set},
	    {OPT_AMF, "--amf", a->amf, sizeof(a->amf), &a->amf_set},
	    {OPT_SQN, "--sqn", a->sqn, sizeof(a->sqn), &a->sqn_set},
	    {OPT_RAND, "--rand", a->rand, sizeof(a->rand), &a->rand_set},
	};
	size_t i;

	for (i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
		if (hex[i].val == c) {
			*hex[i].set = true;
			return hss_cli_hex(hss_vector_cmd, hex[i].name, optarg, hex[i].buf,
					   hex[i].len);
		}
	}
	switch (c) {
	case OPT_DB:
		a->db = optarg;
		return 0;
	case OPT_IMPI:
		a->impi = optarg;
		return 0;
	case 'h':
		a->help = true;
		return 0;
	default:
		return HSS_EXIT_USAGE;
	}
}

static int hss_vector_parse(struct hss_vector_args *a, int argc, char **argv)
{
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", hss_vector_opts, NULL)) != -1) {
		if (c == ':' || c == '?')
			return hss_cli_getopt_error(hss_vector_cmd, hss_vector_opts, c, argv);
		ret = hss_vector_option(a, c);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return hss_cli_usage_error(hss_vector_cmd, "unexpected argument '%s'",
					   argv[optind]);
	if (a->help)
		return 0;
	if (a->impi) {
		if (a->k_set || a->op_set || a->opc_set || a->amf_set || a->sqn_set)
			return hss_cli_usage_error(hss_vector_cmd, "%s",
						   "--impi cannot be combined with"
						   " --k, --op, --opc, --amf or --sqn");
		return 0;
	}
	if (a->db)
		return hss_cli_usage_error(hss_vector_cmd, "--db needs --impi");
	if (!a->k_set)
		return hss_cli_usage_error(hss_vector_cmd, "missing --k");
	if (a->op_set && a->opc_set)
		return hss_cli_usage_error(hss_vector_cmd, "give --op or --opc, not both");
	if (!a->op_set && !a->opc_set)
		return hss_cli_usage_error(hss_vector_cmd, "missing --op or --opc");
	if (!a->sqn_set)
		return hss_cli_usage_error(hss_vector_cmd, "missing --sqn");
	return 0;
}

static void hss_vector_print(const struct aka_vector *av)
{
	hss_cli_print_hex("rand", av->rand, sizeof(av->rand));
	hss_cli_print_hex("autn", av->autn, sizeof(av->autn));
	hss_cli_print_hex("xres", av->xres, sizeof(av->xres));
	hss_cli_print_hex("ck", av->ck, sizeof(av->ck));
	hss_cli_print_hex("ik", av->ik, sizeof(av->ik));
	hss_cli_print_hex("ak", av->ak, sizeof(av->ak));
	hss_cli_print_hex("mac_a", av->mac_a, sizeof(av->mac_a));
}

/* Keys from the command line. */
static int hss_vector_from_args(struct hss_vector_args *a, struct aka_vector *av)
{
	int ret;

	if (a->op_set) {
		ret = milenage_opc(a->k, a->op, a->opc);
		if (ret)
			return hss_cli_fail(hss_vector_cmd, "cannot derive OPc: %s",
					    strerror(-ret));
	}
	ret = aka_vector_generate(a->k, a->opc, a->amf, aka_sqn_from_bytes(a->sqn),
				  a->rand_set ? a->rand : NULL, av);
	if (ret)
		return hss_cli_fail(hss_vector_cmd, "cannot compute the vector: %s",
				    strerror(-ret));
	hss_vector_print(av);
	return hss_cli_flush(hss_vector_cmd);
}

/* Keys from the database; the SQN is taken (advanced) first, as for a registration. */
static int hss_vector_from_db(struct hss_vector_args *a, struct aka_vector *av)
{
	struct hss_subscriber *sub = NULL;
	struct hss_db *db = NULL;
	uint8_t sqn[MILENAGE_SQN_LEN];
	uint64_t next = 0;
	int ret;

	ret = hss_cli_db_open(hss_vector_cmd, a->db, &db);
	if (ret)
		return ret;
	if (hss_db_subscriber_get_by_impi(db, a->impi, &sub) ||
	    hss_db_sqn_advance(db, a->impi, &next)) {
		ret = hss_cli_fail(hss_vector_cmd, "%s", hss_db_error(db));
		goto out;
	}
	ret =
	    aka_vector_generate(sub->k, sub->opc, sub->amf, next, a->rand_set ? a->rand : NULL, av);
	if (ret) {
		ret = hss_cli_fail(hss_vector_cmd, "cannot compute the vector: %s", strerror(-ret));
		goto out;
	}
	hss_vector_print(av);
	aka_sqn_to_bytes(next, sqn);
	hss_cli_print_hex("sqn", sqn, sizeof(sqn));
	ret = hss_cli_flush(hss_vector_cmd);
out:
	hss_subscriber_free(sub);
	hss_db_free(db);
	return ret;
}

int hss_vector_main(int argc, char **argv)
{
	struct hss_vector_args a;
	struct aka_vector av;
	int ret;

	memset(&a, 0, sizeof(a));
	memset(&av, 0, sizeof(av));
	a.amf[0] = 0x80;
	ret = hss_vector_parse(&a, argc, argv);
	if (!ret && a.help) {
		fputs(hss_vector_usage, stdout);
		ret = hss_cli_flush(hss_vector_cmd);
	} else if (!ret) {
		ret = a.impi ? hss_vector_from_db(&a, &av) : hss_vector_from_args(&a, &av);
	}
	aka_vector_wipe(&av);
	OPENSSL_cleanse(&a, sizeof(a));
	return ret;
}
