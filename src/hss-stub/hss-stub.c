/*
 * hss-stub.c — the S-CSCF/HSS stub: command table and main().
 *
 * The HSS side is administered with "subscriber" and "vector"; "run" is the S-CSCF/registrar
 * on the network (hss_run.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hss-stub/hss_cli.h"

static const struct hss_cmd hss_commands[] = {
    {"run", hss_run_main, "run the S-CSCF/registrar (SIP over UDP and TCP)"},
    {"subscriber", hss_subscriber_main, "add, delete, list and import subscribers"},
    {"vector", hss_vector_main, "compute one Milenage authentication vector"},
};

int main(int argc, char **argv)
{
	/* The database and its -wal/-shm files hold K and OPc: nobody else may read them. */
	umask(077);
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("hss-stub (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return hss_cli_flush("");
	}
	return hss_cli_dispatch("", hss_commands, sizeof(hss_commands) / sizeof(hss_commands[0]),
				argc, argv);
}
