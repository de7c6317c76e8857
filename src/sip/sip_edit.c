/*
 * sip_edit.c — the edit builder (see sip_edit.h).
 *
 * An edit is (offset, length to drop, text to put there). Texts live in one growing arena
 * owned by the editor, so callers may pass temporary strings. Conflicts are checked when
 * an edit is recorded, against every edit so far (there are a handful per message), so the
 * caller learns which call was wrong. sip_edit_apply() sorts a copy of the edits by
 * (offset, insertions first, order recorded) and walks the original once with a cursor;
 * overlapping removals simply move the cursor no further back than it already is.
 */
#include "sip/sip_edit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_hdr.h"

struct sip_edit_op {
	size_t off;
	size_t del;
	size_t text_off; /* in the arena */
	size_t text_len;
	size_t seq;
};

struct sip_edit {
	const struct sip_msg *msg;
	struct sip_edit_op *ops;
	size_t n_ops, cap_ops;
	char *arena;
	size_t arena_len, arena_cap;
	bool body_set;
	int err; /* first failure, sticky */
};

struct sip_edit *sip_edit_new(const struct sip_msg *msg)
{
	struct sip_edit *ed = calloc(1, sizeof(*ed));

	if (ed)
		ed->msg = msg;
	return ed;
}

void sip_edit_free(struct sip_edit *ed)
{
	if (!ed)
		return;
	free(ed->ops);
	free(ed->arena);
	free(ed);
}

void sip_edit_reset(struct sip_edit *ed, const struct sip_msg *msg)
{
	ed->msg = msg;
	ed->n_ops = 0;
	ed->arena_len = 0;
	ed->body_set = false;
	ed->err = 0;
}

static int sip_edit_fail(struct sip_edit *ed, int err)
{
	if (ed->err == 0)
		ed->err = err;
	return err;
}

/* ---- validation ---- */

static bool sip_edit_text_ok(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static bool sip_edit_name_ok(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	for (i = 0; i < n; i++)
		if (!sip_hdr_is_token_char((unsigned char)name[i]))
			return false;
	return n > 0;
}

/* Whether a new edit [off, off + del) conflicts with @o (see sip_edit.h). */
static bool sip_edit_conflicts(const struct sip_edit_op *o, size_t off, size_t del, size_t text_len)
{
	size_t o_end = o->off + o->del, end = off + del;

	if (del == 0 && o->del == 0)
		return false; /* two insertions */
	if (del == 0)
		return off > o->off && off < o_end;
	if (o->del == 0)
		return o->off > off && o->off < end;
	if (off >= o_end || o->off >= end)
		return false;			  /* disjoint (or touching) */
	return text_len != 0 || o->text_len != 0; /* only pure removals may overlap */
}

/* ---- recording ---- */

static int sip_edit_arena_put(struct sip_edit *ed, const char *text, size_t len)
{
	if (len > SIZE_MAX / 2 - ed->arena_len)
		return -ENOMEM;
	if (ed->arena_len + len > ed->arena_cap) {
		size_t cap = ed->arena_cap ? ed->arena_cap : 256;
		char *a;

		while (cap < ed->arena_len + len)
			cap *= 2;
		a = realloc(ed->arena, cap);
		if (!a)
			return -ENOMEM;
		ed->arena = a;
		ed->arena_cap = cap;
	}
	if (len)
		memcpy(ed->arena + ed->arena_len, text, len);
	ed->arena_len += len;
	return 0;
}

/* Record one edit whose text is the last @text_len bytes put into the arena. */
static int sip_edit_record(struct sip_edit *ed, size_t off, size_t del, size_t text_len)
{
	size_t i;

	for (i = 0; i < ed->n_ops; i++)
		if (sip_edit_conflicts(&ed->ops[i], off, del, text_len)) {
			ed->arena_len -= text_len;
			return sip_edit_fail(ed, -EINVAL);
		}
	if (ed->n_ops == ed->cap_ops) {
		size_t cap = ed->cap_ops ? 2 * ed->cap_ops : 16;
		struct sip_edit_op *ops = realloc(ed->ops, cap * sizeof(*ops));

		if (!ops) {
			ed->arena_len -= text_len;
			return sip_edit_fail(ed, -ENOMEM);
		}
		ed->ops = ops;
		ed->cap_ops = cap;
	}
	ed->ops[ed->n_ops] =
		(struct sip_edit_op){off, del, ed->arena_len - text_len, text_len, ed->n_ops};
	ed->n_ops++;
	return 0;
}

/* Text of one edit, put into the arena in pieces; the first failure is kept. */
struct sip_edit_text {
	size_t mark;
	int err;
};

static void sip_edit_text_begin(const struct sip_edit *ed, struct sip_edit_text *t)
{
	t->mark = ed->arena_len;
	t->err = 0;
}

static void sip_edit_text_add(struct sip_edit *ed, struct sip_edit_text *t, const char *s,
			      size_t len)
{
	if (t->err == 0)
		t->err = sip_edit_arena_put(ed, s, len);
}

static int sip_edit_text_commit(struct sip_edit *ed, struct sip_edit_text *t, size_t off,
				size_t del)
{
	if (t->err) {
		ed->arena_len = t->mark;
		return sip_edit_fail(ed, t->err);
	}
	return sip_edit_record(ed, off, del, ed->arena_len - t->mark);
}

static int sip_edit_simple(struct sip_edit *ed, size_t off, size_t del, const char *text,
			   size_t len)
{
	struct sip_edit_text t;

	sip_edit_text_begin(ed, &t);
	sip_edit_text_add(ed, &t, text, len);
	return sip_edit_text_commit(ed, &t, off, del);
}

/* ---- header lines ---- */

static int sip_edit_line_at(struct sip_edit *ed, size_t off, const char *name, const char *value,
			    size_t value_len)
{
	struct sip_edit_text t;

	if (!sip_edit_name_ok(name) || (value_len && !value) || !sip_edit_text_ok(value, value_len))
		return sip_edit_fail(ed, -EINVAL);
	sip_edit_text_begin(ed, &t);
	sip_edit_text_add(ed, &t, name, strlen(name));
	sip_edit_text_add(ed, &t, ": ", 2);
	sip_edit_text_add(ed, &t, value, value_len);
	sip_edit_text_add(ed, &t, "\r\n", 2);
	return sip_edit_text_commit(ed, &t, off, 0);
}

static const struct sip_hdr *sip_edit_hdr(struct sip_edit *ed, size_t i)
{
	if (i >= ed->msg->n_hdrs) {
		sip_edit_fail(ed, -EINVAL);
		return NULL;
	}
	return &ed->msg->hdrs[i];
}

int sip_edit_remove_header(struct sip_edit *ed, size_t i)
{
	const struct sip_hdr *h = sip_edit_hdr(ed, i);

	if (!h)
		return -EINVAL;
	return sip_edit_simple(ed, h->line_off, h->line_len, NULL, 0);
}

int sip_edit_insert_before(struct sip_edit *ed, size_t i, const char *name, const char *value,
			   size_t value_len)
{
	const struct sip_hdr *h = sip_edit_hdr(ed, i);

	if (!h)
		return -EINVAL;
	return sip_edit_line_at(ed, h->line_off, name, value, value_len);
}

int sip_edit_insert_after(struct sip_edit *ed, size_t i, const char *name, const char *value,
			  size_t value_len)
{
	const struct sip_hdr *h = sip_edit_hdr(ed, i);

	if (!h)
		return -EINVAL;
	return sip_edit_line_at(ed, (size_t)h->line_off + h->line_len, name, value, value_len);
}

int sip_edit_insert_top(struct sip_edit *ed, const char *name, const char *value, size_t value_len)
{
	return sip_edit_line_at(ed, ed->msg->start_len, name, value, value_len);
}

int sip_edit_append_header(struct sip_edit *ed, const char *name, const char *value,
			   size_t value_len)
{
	return sip_edit_line_at(ed, ed->msg->blank_off, name, value, value_len);
}

int sip_edit_replace_value(struct sip_edit *ed, size_t i, const char *value, size_t value_len)
{
	const struct sip_hdr *h = sip_edit_hdr(ed, i);
	struct sip_edit_text t;

	if (!h)
		return -EINVAL;
	if ((value_len && !value) || !sip_edit_text_ok(value, value_len))
		return sip_edit_fail(ed, -EINVAL);
	sip_edit_text_begin(ed, &t);
	/* An empty value starts right at the CRLF: keep a space after the colon. */
	if (h->value_len == 0 && value_len > 0 && ed->msg->buf[h->value_off - 1] == ':')
		sip_edit_text_add(ed, &t, " ", 1);
	sip_edit_text_add(ed, &t, value, value_len);
	return sip_edit_text_commit(ed, &t, h->value_off, h->value_len);
}

int sip_edit_append_to_value(struct sip_edit *ed, size_t i, const char *text, size_t text_len)
{
	const struct sip_hdr *h = sip_edit_hdr(ed, i);

	if (!h)
		return -EINVAL;
	if ((text_len && !text) || !sip_edit_text_ok(text, text_len))
		return sip_edit_fail(ed, -EINVAL);
	return sip_edit_simple(ed, (size_t)h->value_off + h->value_len, 0, text, text_len);
}

int sip_edit_replace_start_line(struct sip_edit *ed, const char *line, size_t len)
{
	if (len == 0 || !line || !sip_edit_text_ok(line, len))
		return sip_edit_fail(ed, -EINVAL);
	return sip_edit_simple(ed, 0, ed->msg->start_len - 2, line, len);
}

/* ---- spans inside lines ---- */

/* Whether [off, off + len) lies inside the start line or one header line, CRLF excluded
 * (a fold inside a value may be crossed). */
static bool sip_edit_span_ok(const struct sip_msg *msg, size_t off, size_t len)
{
	size_t i;

	if (off + len <= (size_t)msg->start_len - 2)
		return true;
	for (i = 0; i < msg->n_hdrs; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];

		if (off >= h->line_off && off + len <= (size_t)h->line_off + h->line_len - 2)
			return true;
	}
	return false;
}

int sip_edit_replace_span(struct sip_edit *ed, const char *at, size_t len, const char *text,
			  size_t text_len)
{
	const struct sip_msg *msg = ed->msg;
	size_t off;

	if (!at || at < msg->buf || (size_t)(at - msg->buf) > msg->len ||
	    len > msg->len - (size_t)(at - msg->buf))
		return sip_edit_fail(ed, -EINVAL);
	off = (size_t)(at - msg->buf);
	if (!sip_edit_span_ok(msg, off, len) || (text_len && !text) ||
	    !sip_edit_text_ok(text, text_len))
		return sip_edit_fail(ed, -EINVAL);
	return sip_edit_simple(ed, off, len, text, text_len);
}

int sip_edit_remove_span(struct sip_edit *ed, const char *at, size_t len)
{
	return sip_edit_replace_span(ed, at, len, NULL, 0);
}

static bool sip_edit_param_value_ok(const char *v)
{
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++)
		if (!sip_hdr_is_token_char((unsigned char)v[i]) && v[i] != ':' && v[i] != '[' &&
		    v[i] != ']')
			return false;
	return n > 0;
}

int sip_edit_via_set_param(struct sip_edit *ed, struct sip_str elem, const char *name,
			   const char *value)
{
	struct sip_edit_text t;
	struct sip_param p;
	struct sip_via via;
	size_t off, del = 0;
	int found;

	if (!elem.s || elem.s < ed->msg->buf || !sip_edit_name_ok(name) ||
	    (value && !sip_edit_param_value_ok(value)) ||
	    sip_hdr_via_parse(elem.s, elem.len, &via) != 0)
		return sip_edit_fail(ed, -EINVAL);
	found = sip_hdr_param_find(via.params.s, via.params.len, name, &p);
	if (found < 0)
		return sip_edit_fail(ed, -EINVAL);
	off = (size_t)((found ? p.item.s : elem.s + elem.len) - ed->msg->buf);
	if (found)
		del = p.item.len;
	if (!sip_edit_span_ok(ed->msg, off, del))
		return sip_edit_fail(ed, -EINVAL);
	sip_edit_text_begin(ed, &t);
	sip_edit_text_add(ed, &t, ";", 1);
	sip_edit_text_add(ed, &t, name, strlen(name));
	if (value) {
		sip_edit_text_add(ed, &t, "=", 1);
		sip_edit_text_add(ed, &t, value, strlen(value));
	}
	return sip_edit_text_commit(ed, &t, off, del);
}

/* ---- removing several elements of a list ---- */

#define SIP_EDIT_MAX_ITEMS 64

/*
 * Remove the items marked in @drop from a value whose items are separated by commas.
 * Each run of neighbouring dropped items goes with the separator before it, or, when the
 * run starts the list, with the separator after it, so what stays is joined as before.
 */
static int sip_edit_drop_runs(struct sip_edit *ed, const struct sip_str *items, const bool *drop,
			      size_t n)
{
	size_t i = 0, j;
	int ret = 0;

	while (ret == 0 && i < n) {
		if (!drop[i]) {
			i++;
			continue;
		}
		for (j = i; j + 1 < n && drop[j + 1]; j++)
			;
		if (i > 0)
			ret = sip_edit_remove_span(ed, items[i - 1].s + items[i - 1].len,
						   (size_t)(items[j].s + items[j].len -
							    (items[i - 1].s + items[i - 1].len)));
		else if (j + 1 < n)
			ret = sip_edit_remove_span(ed, items[0].s,
						   (size_t)(items[j + 1].s - items[0].s));
		else
			ret = sip_edit_remove_span(
				ed, items[0].s, (size_t)(items[j].s + items[j].len - items[0].s));
		i = j + 1;
	}
	return ret;
}

int sip_edit_auth_remove(struct sip_edit *ed, size_t i, const char *const *names)
{
	struct sip_str items[SIP_EDIT_MAX_ITEMS], v, scheme;
	bool drop[SIP_EDIT_MAX_ITEMS];
	struct sip_auth_param p;
	struct sip_hdr_iter it;
	size_t n = 0, k;
	int ret, dropped = 0;

	if (!sip_edit_hdr(ed, i))
		return -EINVAL;
	v = sip_msg_hdr_value(ed->msg, i);
	if (sip_hdr_auth_begin(&it, v.s, v.len, &scheme) != 0)
		return sip_edit_fail(ed, -EINVAL);
	while ((ret = sip_hdr_auth_next(&it, &p)) == 1) {
		if (n == SIP_EDIT_MAX_ITEMS)
			return sip_edit_fail(ed, -E2BIG);
		items[n] = p.item;
		drop[n] = false;
		for (k = 0; names[k]; k++)
			if (sip_str_caseeq(p.name, names[k]))
				drop[n] = true;
		dropped += drop[n];
		n++;
	}
	if (ret < 0)
		return sip_edit_fail(ed, -EINVAL);
	ret = sip_edit_drop_runs(ed, items, drop, n);
	return ret ? ret : dropped;
}

int sip_edit_list_remove(struct sip_edit *ed, size_t i, const char *token)
{
	struct sip_str items[SIP_EDIT_MAX_ITEMS], v, elem;
	bool drop[SIP_EDIT_MAX_ITEMS];
	struct sip_hdr_iter it;
	size_t n = 0;
	int ret, dropped = 0;

	if (!sip_edit_hdr(ed, i))
		return -EINVAL;
	v = sip_msg_hdr_value(ed->msg, i);
	sip_hdr_iter_init(&it, v.s, v.len);
	while ((ret = sip_hdr_list_next(&it, &elem, NULL)) == 1) {
		if (n == SIP_EDIT_MAX_ITEMS)
			return sip_edit_fail(ed, -E2BIG);
		items[n] = elem;
		drop[n] = sip_str_caseeq(elem, token);
		dropped += drop[n];
		n++;
	}
	if (ret < 0)
		return sip_edit_fail(ed, -EINVAL);
	if (dropped > 0 && (size_t)dropped == n)
		ret = sip_edit_remove_header(ed, i);
	else
		ret = sip_edit_drop_runs(ed, items, drop, n);
	return ret ? ret : dropped;
}

/* ---- body ---- */

int sip_edit_set_body(struct sip_edit *ed, const char *body, size_t len)
{
	const struct sip_msg *msg = ed->msg;
	int cl = sip_msg_find(msg, SIP_HDR_CONTENT_LENGTH, 0);
	char num[24];
	int n, ret;

	if (ed->body_set || (len && !body))
		return sip_edit_fail(ed, -EINVAL);
	n = snprintf(num, sizeof(num), "%zu", len);
	if (cl >= 0)
		ret = sip_edit_replace_value(ed, (size_t)cl, num, (size_t)n);
	else
		ret = sip_edit_append_header(ed, "Content-Length", num, (size_t)n);
	if (ret == 0)
		ret = sip_edit_simple(ed, msg->body_off, msg->body_len, body, len);
	if (ret == 0)
		ed->body_set = true;
	return ret;
}

/* ---- output ---- */

static int sip_edit_op_cmp(const void *a, const void *b)
{
	const struct sip_edit_op *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if ((x->del > 0) != (y->del > 0))
		return x->del > 0 ? 1 : -1; /* insertions before a removal at the same place */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copy @len bytes to out[*pos] if they fit; *pos counts them either way. */
static void sip_edit_emit(char *out, size_t size, size_t *pos, const char *s, size_t len)
{
	if (len && *pos <= size && len <= size - *pos)
		memcpy(out + *pos, s, len);
	*pos += len;
}

int sip_edit_apply(const struct sip_edit *ed, char *out, size_t size, size_t *out_len)
{
	const struct sip_msg *msg = ed->msg;
	struct sip_edit_op *ops = NULL;
	size_t i, cursor = 0, pos = 0;

	*out_len = 0;
	if (ed->err)
		return ed->err;
	if (ed->n_ops) {
		ops = malloc(ed->n_ops * sizeof(*ops));
		if (!ops)
			return -ENOMEM;
		memcpy(ops, ed->ops, ed->n_ops * sizeof(*ops));
		qsort(ops, ed->n_ops, sizeof(*ops), sip_edit_op_cmp);
	}
	for (i = 0; i < ed->n_ops; i++) {
		if (ops[i].off > cursor) {
			sip_edit_emit(out, size, &pos, msg->buf + cursor, ops[i].off - cursor);
			cursor = ops[i].off;
		}
		sip_edit_emit(out, size, &pos, ed->arena + ops[i].text_off, ops[i].text_len);
		if (ops[i].off + ops[i].del > cursor)
			cursor = ops[i].off + ops[i].del;
	}
	sip_edit_emit(out, size, &pos, msg->buf + cursor, msg->len - cursor);
	free(ops);
	*out_len = pos;
	return pos <= size ? 0 : -ENOSPC;
}
