/*
 * pcscfctl.c — pcscfd's command-line client: sends one request over the control socket
 * (ctl_proto.h) and prints the answer; see pcscfctl(8).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pcscf/config.h"
#include "pcscf/ctl_proto.h"

#ifndef PCSCF_CONF
#define PCSCF_CONF "/etc/pcscf.conf"
#endif

struct pcscfctl {
	const char *socket; /* -s, or the configuration's */
	const char *conf;   /* -f */
	bool json;
	const char *out_file; /* keys export --wireshark FILE */
	char line[CTL_LINE_MAX];
};

static void pcscfctl_usage(FILE *f)
{
	fprintf(f, "usage: pcscfctl [-s SOCKET] [-f CONFIG] [--json] COMMAND\n"
		   "  status\n"
		   "  registrations [--impu IMPU]\n"
		   "  registration show IMPU|ADDRESS\n"
		   "  deregister IMPU\n"
		   "  sa list\n"
		   "  sa flush --orphans\n"
		   "  keys export --wireshark FILE\n"
		   "  log-level error|warning|notice|info|debug\n"
		   "  config check\n");
}

/* The request line from the command words; `keys export --wireshark FILE` keeps FILE. */
static int pcscfctl_request(struct pcscfctl *c, int argc, char **argv)
{
	size_t used = (size_t)snprintf(c->line, sizeof(c->line), "%s", c->json ? "json" : "");

	if (argc >= 2 && !strcmp(argv[0], "keys") && !strcmp(argv[1], "export")) {
		if (argc != 4 || strcmp(argv[2], "--wireshark") != 0)
			return -EINVAL;
		c->out_file = argv[3];
		argc = 2;
	}
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") || !argv[i][0])
			return -EINVAL;
		used += (size_t)snprintf(c->line + used, sizeof(c->line) - used, "%s%s",
					 used ? " " : "", argv[i]);
		if (used >= sizeof(c->line) - 1)
			return -E2BIG;
	}
	c->line[used++] = '\n';
	c->line[used] = '\0';
	return 0;
}

/* Read everything the daemon sends until it closes. */
static char *pcscfctl_read_all(int fd, size_t *len)
{
	size_t cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;

	*len = 0;
	while (buf && (n = read(fd, buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more, cap *= 2;
		}
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

static int pcscfctl_connect(const struct pcscfctl *c)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->socket);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "pcscfctl: cannot connect to pcscfd at %s: %s\n", c->socket,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Write the exported keys: a new file only root can read. */
static int pcscfctl_write_keys(const char *path, const char *body, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	int ret = CTL_EXIT_OK;

	if (fd < 0 || fchmod(fd, 0600) < 0 || write(fd, body, len) != (ssize_t)len) {
		fprintf(stderr, "pcscfctl: cannot write %s: %s\n", path, strerror(errno));
		ret = CTL_EXIT_FAILED;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Send the request, print (or save) the answer. @return the exit code */
static int pcscfctl_call(const struct pcscfctl *c)
{
	int fd = pcscfctl_connect(c), ret = CTL_EXIT_CONNECT, code;
	size_t len = strlen(c->line);
	char *answer, *body;

	if (fd < 0)
		return CTL_EXIT_CONNECT;
	if (write(fd, c->line, len) != (ssize_t)len) {
		fprintf(stderr, "pcscfctl: %s: %s\n", c->socket, strerror(errno));
		close(fd);
		return CTL_EXIT_CONNECT;
	}
	answer = pcscfctl_read_all(fd, &len);
	close(fd);
	body = answer ? strchr(answer, '\n') : NULL;
	if (body && !strncmp(answer, "OK\n", 3)) {
		body++;
		ret = c->out_file ? pcscfctl_write_keys(c->out_file, body, len - 3)
				  : (fputs(body, stdout), CTL_EXIT_OK);
	} else if (body && sscanf(answer, "ERR %d", &code) == 1 && code > 0 && code < 5) {
		fprintf(stderr, "pcscfctl: %.*s\n", (int)(body - answer), answer + 4);
		ret = code;
	} else {
		fprintf(stderr, "pcscfctl: no valid answer from pcscfd at %s\n", c->socket);
	}
	if (answer)
		explicit_bzero(answer, len);
	free(answer);
	return ret;
}

/* config check: the configuration is read here, as pcscfd -n would. */
static int pcscfctl_config_check(const struct pcscfctl *c)
{
	struct config cfg;
	int ret;

	config_default(&cfg);
	ret = config_load(c->conf, &cfg, stderr);
	if (ret != 0) {
		fprintf(stderr, "pcscfctl: %s: %s\n", c->conf,
			ret < 0 ? "cannot be read" : "configuration refused");
		return CTL_EXIT_FAILED;
	}
	printf(c->json ? "{\"config\": \"%s\", \"ok\": true}\n" : "%s: configuration OK\n",
	       c->conf);
	return CTL_EXIT_OK;
}

static int pcscfctl_options(struct pcscfctl *c, int *argc, char ***argv)
{
	int i = 1;

	for (; i < *argc && (*argv)[i][0] == '-'; i++) {
		const char *o = (*argv)[i];

		if (!strcmp(o, "--json") || !strcmp(o, "-j"))
			c->json = true;
		else if ((!strcmp(o, "-s") || !strcmp(o, "-f")) && i + 1 < *argc)
			*(o[1] == 's' ? &c->socket : &c->conf) = (*argv)[++i];
		else if (!strcmp(o, "-h") || !strcmp(o, "--help"))
			return pcscfctl_usage(stdout), -1;
		else
			return pcscfctl_usage(stderr), CTL_EXIT_USAGE;
	}
	*argc -= i;
	*argv += i;
	return 0;
}

int main(int argc, char **argv)
{
	static struct config cfg; /* for the default socket path */
	struct pcscfctl c = {.conf = PCSCF_CONF};
	int ret = pcscfctl_options(&c, &argc, &argv);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (argc == 0)
		return pcscfctl_usage(stderr), CTL_EXIT_USAGE;
	if (argc == 2 && !strcmp(argv[0], "config") && !strcmp(argv[1], "check"))
		return pcscfctl_config_check(&c);
	if (!c.socket) {
		config_default(&cfg);
		if (access(c.conf, R_OK) == 0)
			config_load(c.conf, &cfg, stderr);
		c.socket = cfg.control;
	}
	ret = pcscfctl_request(&c, argc, argv);
	if (ret < 0) {
		pcscfctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	return pcscfctl_call(&c);
}
