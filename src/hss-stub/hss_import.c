/* hss_import.c — subscriber definitions from the command line and from import files. */
#include "hss-stub/hss_import.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/aka.h"
#include "common/codec.h"

__attribute__((format(printf, 3, 4))) static int hss_import_why(char *why, size_t why_size,
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

/*
 * Copy at most 40 characters of @src for a message, non-printable bytes as '?', so that a
 * binary file cannot put control characters on the terminal.
 */
static const char *hss_import_printable(char dst[48], const char *src)
{
	size_t i;

	for (i = 0; i < 40 && src[i]; i++)
		dst[i] = src[i] >= ' ' && src[i] <= '~' ? src[i] : '?';
	strcpy(dst + i, src[i] ? "..." : "");
	return dst;
}

int hss_hex_parse(const char *name, const char *text, uint8_t *out, size_t len, char *why,
		  size_t why_size)
{
	size_t n, i;

	if (!name || !out)
		return -EINVAL;
	n = text ? strlen(text) : 0;
	if (text && codec_hex_decode_exact(text, out, len) == 0)
		return 0;
	memset(out, 0, len);
	if (n != 2 * len)
		return hss_import_why(why, why_size, "%s: expected %zu hex digits, got %zu", name,
				      2 * len, n);
	for (i = 0; i < n && isxdigit((unsigned char)text[i]); i++)
		;
	return hss_import_why(why, why_size,
			      "%s: expected %zu hex digits, character %zu is not a hex digit", name,
			      2 * len, i + 1);
}

/* The fields of one line, before they become a subscriber. */
struct hss_import_fields {
	const char *impi, *k, *op, *opc, *amf, *sqn;
	const char *impu[HSS_IMPU_MAX];
	size_t n_impu;
};

/*
 * Remember one name=value field; refuse unknown names and repeated single fields. A malformed
 * field is named by its position only: it may be a mistyped key.
 */
static int hss_import_field(struct hss_import_fields *f, char *tok, size_t pos, char *why,
			    size_t why_size)
{
	static const char *const names[] = {"impi", "k", "op", "opc", "amf", "sqn"};
	const char **slots[] = {&f->impi, &f->k, &f->op, &f->opc, &f->amf, &f->sqn};
	char *eq = strchr(tok, '='), shown[48];
	size_t i;

	if (!eq || eq == tok)
		return hss_import_why(why, why_size, "field %zu is not name=value", pos);
	*eq = '\0';
	if (!eq[1])
		return hss_import_why(why, why_size, "%s: empty value", tok);
	if (!strcmp(tok, "impu")) {
		if (f->n_impu >= HSS_IMPU_MAX)
			return hss_import_why(why, why_size, "more than %d impu fields",
					      HSS_IMPU_MAX);
		f->impu[f->n_impu++] = eq + 1;
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(tok, names[i]))
			continue;
		if (*slots[i])
			return hss_import_why(why, why_size, "%s given twice", tok);
		*slots[i] = eq + 1;
		return 0;
	}
	return hss_import_why(why, why_size, "unknown field '%s'",
			      hss_import_printable(shown, tok));
}

/* Turn checked-for-presence fields into @sub. */
static int hss_import_build(const struct hss_import_fields *f, struct hss_subscriber *sub,
			    char *why, size_t why_size)
{
	uint8_t op[MILENAGE_K_LEN], sqn[MILENAGE_SQN_LEN];
	char shown[48];
	const char *op_name = f->opc ? "opc" : "op";
	size_t i;
	int ret;

	if (hss_subscriber_set_impi(sub, f->impi))
		return hss_import_why(why, why_size,
				      "impi: not a valid IMPI (at most %d printable characters,"
				      " no spaces, quotes, '\\' or '#')",
				      HSS_ID_MAX);
	for (i = 0; i < f->n_impu; i++) {
		ret = hss_subscriber_add_impu(sub, f->impu[i]);
		if (ret == -EEXIST)
			return hss_import_why(why, why_size, "impu %s listed twice", f->impu[i]);
		if (ret)
			return hss_import_why(why, why_size,
					      "impu: '%s' is not a sip:, sips: or tel: URI",
					      hss_import_printable(shown, f->impu[i]));
	}
	if (hss_hex_parse("k", f->k, sub->k, sizeof(sub->k), why, why_size))
		return -EINVAL;
	if (f->amf && hss_hex_parse("amf", f->amf, sub->amf, sizeof(sub->amf), why, why_size))
		return -EINVAL;
	if (f->sqn) {
		if (hss_hex_parse("sqn", f->sqn, sqn, sizeof(sqn), why, why_size))
			return -EINVAL;
		sub->sqn = aka_sqn_from_bytes(sqn);
	}
	if (hss_hex_parse(op_name, f->opc ? f->opc : f->op, op, sizeof(op), why, why_size))
		return -EINVAL;
	ret = 0;
	if (f->opc)
		hss_subscriber_set_opc(sub, op);
	else
		ret = hss_subscriber_set_op(sub, op);
	OPENSSL_cleanse(op, sizeof(op));
	return ret ? hss_import_why(why, why_size, "op: cannot derive OPc (%s)", strerror(-ret))
		   : 0;
}

static int hss_import_tokens(char *buf, struct hss_import_fields *f, char *why, size_t why_size)
{
	char *save = NULL, *tok;
	size_t pos = 0;

	for (tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		if (hss_import_field(f, tok, ++pos, why, why_size))
			return -EINVAL;
	}
	return 0;
}

static int hss_import_check_required(const struct hss_import_fields *f, char *why, size_t why_size)
{
	if (!f->impi)
		return hss_import_why(why, why_size, "missing impi");
	if (!f->n_impu)
		return hss_import_why(why, why_size, "missing impu");
	if (!f->k)
		return hss_import_why(why, why_size, "missing k");
	if (f->op && f->opc)
		return hss_import_why(why, why_size, "give op or opc, not both");
	if (!f->op && !f->opc)
		return hss_import_why(why, why_size, "missing op or opc");
	return 0;
}

int hss_import_parse_line(const char *line, struct hss_subscriber **out, char *why, size_t why_size)
{
	struct hss_import_fields f;
	struct hss_subscriber *sub = NULL;
	size_t len;
	char *buf;
	int ret;

	if (!line || !out)
		return -EINVAL;
	*out = NULL;
	len = strcspn(line, "\n");
	if (len > HSS_IMPORT_LINE_MAX)
		return hss_import_why(why, why_size, "line longer than %d characters",
				      HSS_IMPORT_LINE_MAX);
	buf = strndup(line, len);
	if (!buf)
		return -ENOMEM;
	memset(&f, 0, sizeof(f));
	ret = hss_import_tokens(buf, &f, why, why_size);
	if (!ret && !f.impi && !f.n_impu && !f.k && !f.op && !f.opc && !f.amf && !f.sqn)
		goto out; /* blank or comment */
	if (!ret)
		ret = hss_import_check_required(&f, why, why_size);
	if (!ret) {
		sub = hss_subscriber_new();
		ret = sub ? hss_import_build(&f, sub, why, why_size) : -ENOMEM;
	}
	if (ret)
		hss_subscriber_free(sub);
	else
		*out = sub;
out:
	OPENSSL_cleanse(buf, len);
	free(buf);
	return ret;
}

/* Subscribers read from a file, with the line each came from. */
struct hss_import_list {
	struct hss_subscriber **sub;
	size_t *line;
	size_t n, cap;
};

static void hss_import_list_clear(struct hss_import_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		hss_subscriber_free(l->sub[i]);
	free(l->sub);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

static int hss_import_list_add(struct hss_import_list *l, struct hss_subscriber *sub, size_t line)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct hss_subscriber **s = realloc(l->sub, cap * sizeof(*s));
		size_t *ln;

		if (!s)
			return -ENOMEM;
		l->sub = s;
		ln = realloc(l->line, cap * sizeof(*ln));
		if (!ln)
			return -ENOMEM;
		l->line = ln;
		l->cap = cap;
	}
	l->sub[l->n] = sub;
	l->line[l->n++] = line;
	return 0;
}

/* Parse the whole file into @l; returns the number of bad lines, or a negative errno. */
static int hss_import_read(FILE *fp, const char *path, FILE *errs, struct hss_import_list *l)
{
	char *line = NULL, why[256];
	size_t cap = 0, lineno = 0;
	int bad = 0, ret = 0;

	while (getline(&line, &cap, fp) >= 0) {
		struct hss_subscriber *sub = NULL;

		lineno++;
		ret = hss_import_parse_line(line, &sub, why, sizeof(why));
		if (ret == -EINVAL) {
			fprintf(errs, "%s:%zu: %s\n", path, lineno, why);
			bad++;
			ret = 0;
		} else if (!ret && sub && (ret = hss_import_list_add(l, sub, lineno)) != 0) {
			hss_subscriber_free(sub);
		}
		if (ret)
			break;
	}
	if (!ret && ferror(fp))
		ret = errno ? -errno : -EIO;
	if (line)
		OPENSSL_cleanse(line, cap);
	free(line);
	if (ret)
		fprintf(errs, "%s:%zu: cannot read: %s\n", path, lineno + 1, strerror(-ret));
	return ret ? ret : bad;
}

/* Add everything in one transaction; returns the number of refused subscribers, or -errno. */
static int hss_import_store(struct hss_db *db, const char *path, bool replace, FILE *errs,
			    const struct hss_import_list *l)
{
	int bad = 0, ret;
	size_t i;

	ret = hss_db_begin(db);
	if (ret) {
		fprintf(errs, "%s: %s\n", path, hss_db_error(db));
		return ret;
	}
	/* Deleting first means a repeated IMPI inside the file is still refused below. */
	for (i = 0; replace && i < l->n; i++) {
		ret = hss_db_subscriber_del(db, l->sub[i]->impi);
		if (ret && ret != -ENOENT)
			goto fail;
	}
	for (i = 0; i < l->n; i++) {
		ret = hss_db_subscriber_add(db, l->sub[i]);
		if (ret == -EEXIST || ret == -EINVAL) {
			fprintf(errs, "%s:%zu: %s\n", path, l->line[i], hss_db_error(db));
			bad++;
		} else if (ret) {
			goto fail;
		}
	}
	if (bad) {
		hss_db_rollback(db);
		return bad;
	}
	ret = hss_db_commit(db);
	if (!ret)
		return 0;
fail:
	fprintf(errs, "%s: %s\n", path, hss_db_error(db));
	hss_db_rollback(db);
	return ret;
}

int hss_import_file(struct hss_db *db, const char *path, bool replace, FILE *errs, size_t *count)
{
	struct hss_import_list list = {0};
	FILE *fp;
	int ret;

	if (!db || !path || !errs || !count)
		return -EINVAL;
	*count = 0;
	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		fprintf(errs, "%s: %s\n", path, strerror(errno));
		return ret;
	}
	ret = hss_import_read(fp, path, errs, &list);
	fclose(fp);
	if (ret == 0)
		ret = hss_import_store(db, path, replace, errs, &list);
	if (ret > 0)
		ret = -EINVAL;
	if (ret == 0)
		*count = list.n;
	hss_import_list_clear(&list);
	return ret;
}
