/*
 * replay.c — main() for a fuzz harness built without libFuzzer: feeds every file named on
 * the command line, and every regular file of every directory named (sorted, dot files
 * skipped, not recursive), to LLVMFuzzerTestOneInput(), and prints TAP, one line per file.
 *
 *   fuzz/replay_secagree fuzz/corpus/secagree [crash-1234 ...]
 *
 * A harness reports a bug by aborting, so a failing input ends the run without a plan and
 * the TAP driver marks the test as failed; the last "# file" line names the input. Files
 * that cannot be read are "not ok". Exit status 0 when every file was replayed, 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

struct replay_state {
	unsigned int count;
	unsigned int failed;
};

/* Read a whole file into a buffer of exactly its size, so overreads show under ASan. */
static int replay_read(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int ret = -errno;

	if (!f)
		return ret;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		ret = -EIO;
		goto out;
	}
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		ret = -EIO;
		goto out;
	}
	*data = buf;
	*size = (size_t)len;
	ret = 0;
out:
	fclose(f);
	return ret;
}

static void replay_file(struct replay_state *st, const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	printf("# file %s\n", path);
	fflush(stdout); /* so the name is out before a crash */
	st->count++;
	ret = replay_read(path, &data, &size);
	if (ret) {
		printf("not ok %u - %s: %s\n", st->count, path, strerror(-ret));
		st->failed++;
		return;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	printf("ok %u - %s (%zu bytes)\n", st->count, path, size);
}

static int replay_skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void replay_dir(struct replay_state *st, const char *dir)
{
	struct dirent **names;
	char path[4096];
	struct stat sb;
	int i, n;

	n = scandir(dir, &names, replay_skip_dot, alphasort);
	if (n < 0) {
		st->count++;
		st->failed++;
		printf("not ok %u - %s: scandir: %s\n", st->count, dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) <
			    sizeof(path) &&
		    stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			replay_file(st, path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct replay_state st = {0, 0};
	struct stat sb;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			replay_dir(&st, argv[i]);
		else
			replay_file(&st, argv[i]);
	}
	if (st.count == 0)
		printf("1..0 # SKIP no input files\n");
	else
		printf("1..%u\n", st.count);
	return st.failed ? 1 : 0;
}
