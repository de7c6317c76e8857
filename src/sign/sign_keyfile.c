/*
 * sign_keyfile.c — reading the pool key from its file (pcscf.conf "signing-pool-key").
 *
 * The file holds SIGN_KEY_LEN bytes as hex (64 digits, either case), white space around
 * them allowed, e.g. from "openssl rand -hex 32". Whoever reads the pool key can forge
 * wrapped keys for the whole pool, so a file that its group or others may read or write is
 * refused, as ssh refuses such private keys: the owner's mistake must not pass silently.
 */
#include "sign/sign_key.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/codec.h"

/* Room for the digits, surrounding white space and one byte more to see a longer file. */
#define SIGN_KEYFILE_MAX (2 * SIGN_KEY_LEN + 64)

/* The hex digits of @buf without leading and trailing white space, NUL-terminated. */
static char *sign_keyfile_trim(char *buf, size_t len)
{
	char *s = buf;

	buf[len] = '\0';
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

int sign_keyfile_read(const char *path, uint8_t *key)
{
	char buf[SIGN_KEYFILE_MAX + 1];
	struct stat st;
	ssize_t n = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (!S_ISREG(st.st_mode))
		ret = -EINVAL;
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		ret = -EPERM;
	else if ((n = read(fd, buf, SIGN_KEYFILE_MAX)) < 0)
		ret = -errno;
	else if (n == SIGN_KEYFILE_MAX)
		ret = -EINVAL;
	else
		ret = codec_hex_decode_exact(sign_keyfile_trim(buf, (size_t)n), key, SIGN_KEY_LEN);
	if (ret < 0)
		explicit_bzero(key, SIGN_KEY_LEN);
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ret;
}
