/* ue_ident.c — a UE's identity from options or from a subscriber file (see ue_ident.h). */
#include "ue-sim/ue_ident.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/codec.h"
#include "hss-stub/hss_import.h"

__attribute__((format(printf, 3, 4))) static int ue_ident_why(char *why, size_t why_size,
							      const char *fmt, ...)
{
	va_list ap;

	if (why && why_size) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void ue_ident_init(struct ue_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->sqn.delta = AKA_SQN_DELTA_DEFAULT;
}

int ue_ident_parse_hex(const char *text, uint8_t *out, size_t len)
{
	return text ? codec_hex_decode_exact(text, out, len) : -EINVAL;
}

int ue_ident_parse_sqn(const char *text, uint64_t *sqn)
{
	uint8_t b[MILENAGE_SQN_LEN] = {0};
	char padded[2 * MILENAGE_SQN_LEN + 1];
	size_t n = text ? strlen(text) : 0;

	if (n == 0 || n > 2 * MILENAGE_SQN_LEN)
		return -EINVAL;
	memset(padded, '0', sizeof(padded) - 1);
	memcpy(padded + sizeof(padded) - 1 - n, text, n);
	padded[sizeof(padded) - 1] = '\0';
	if (codec_hex_decode_exact(padded, b, sizeof(b)) != 0)
		return -EINVAL;
	*sqn = aka_sqn_from_bytes(b);
	return 0;
}

/* Whether @impi belongs to the UE called @name ("ue1" matches "ue1" and "ue1@..."). */
static bool ue_ident_name_matches(const char *impi, const char *name)
{
	size_t n = strlen(name);

	return strcmp(impi, name) == 0 || (strncmp(impi, name, n) == 0 && impi[n] == '@');
}

/* Copy what the subscriber has and @id does not have yet. */
static void ue_ident_take(struct ue_ident *id, const struct hss_subscriber *sub)
{
	snprintf(id->impi, sizeof(id->impi), "%s", sub->impi);
	if (!id->impu[0] && sub->n_impu > 0)
		snprintf(id->impu, sizeof(id->impu), "%s", sub->impu[0]);
	if (!id->has_k) {
		memcpy(id->k, sub->k, sizeof(id->k));
		id->has_k = true;
	}
	if (!id->has_opc && sub->has_opc) {
		memcpy(id->opc, sub->opc, sizeof(id->opc));
		id->has_opc = true;
	}
	if (!id->sqn_set)
		id->sqn.sqn_ms = sub->sqn;
}

/* Read the file line by line until the subscriber is found; 1 when found. */
static int ue_ident_scan(FILE *fp, const char *path, const char *name, struct ue_ident *id,
			 char *why, size_t why_size)
{
	char *line = NULL, reason[160];
	size_t cap = 0, lineno = 0;
	int ret = 0;

	while (ret == 0 && getline(&line, &cap, fp) >= 0) {
		struct hss_subscriber *sub = NULL;

		lineno++;
		ret = hss_import_parse_line(line, &sub, reason, sizeof(reason));
		if (ret == -EINVAL)
			ret = ue_ident_why(why, why_size, "%s:%zu: %s", path, lineno, reason);
		else if (ret == 0 && sub && ue_ident_name_matches(sub->impi, name)) {
			ue_ident_take(id, sub);
			ret = 1;
		}
		hss_subscriber_free(sub);
	}
	if (line)
		OPENSSL_cleanse(line, cap);
	free(line);
	return ret;
}

int ue_ident_from_file(const char *path, const char *name, struct ue_ident *id, char *why,
		       size_t why_size)
{
	FILE *fp;
	int ret;

	if (!path || !name || !id)
		return -EINVAL;
	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		ue_ident_why(why, why_size, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = ue_ident_scan(fp, path, name, id, why, why_size);
	if (ret == 0 && ferror(fp)) {
		ret = -EIO;
		ue_ident_why(why, why_size, "%s: read error", path);
	} else if (ret == 0) {
		ret = -ENOENT;
		ue_ident_why(why, why_size, "no subscriber %s in %s", name, path);
	}
	fclose(fp);
	if (ret == 1 && !id->name[0])
		snprintf(id->name, sizeof(id->name), "%s", name);
	return ret == 1 ? 0 : ret;
}

int ue_ident_finish(struct ue_ident *id, char *why, size_t why_size)
{
	const char *at;

	if (!id->impi[0])
		return ue_ident_why(why, why_size, "no private identity (--impi or --subscribers)");
	if (!id->has_k || !id->has_opc)
		return ue_ident_why(why, why_size, "%s: K and OPc are both needed", id->impi);
	at = strchr(id->impi, '@');
	if (!id->domain[0] && at && at[1])
		snprintf(id->domain, sizeof(id->domain), "%s", at + 1);
	if (!id->domain[0])
		return ue_ident_why(why, why_size, "%s: no home domain (--domain)", id->impi);
	if (!id->impu[0] &&
	    snprintf(id->impu, sizeof(id->impu), "sip:%s", id->impi) >= (int)sizeof(id->impu))
		return ue_ident_why(why, why_size, "private identity too long");
	if (!id->name[0])
		snprintf(id->name, sizeof(id->name), "%.*s",
			 (int)(at ? (size_t)(at - id->impi) : strlen(id->impi)), id->impi);
	return 0;
}

void ue_ident_wipe(struct ue_ident *id)
{
	if (!id)
		return;
	OPENSSL_cleanse(id->k, sizeof(id->k));
	OPENSSL_cleanse(id->opc, sizeof(id->opc));
	id->has_k = id->has_opc = false;
}
