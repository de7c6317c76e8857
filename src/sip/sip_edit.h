/*
 * sip_edit.h — build a new message from a parsed one by small edits of its raw bytes.
 *
 * A proxy forwards what it received: it removes a Via, adds its own, drops ck= and ik= from
 * a WWW-Authenticate, adds integrity-protected= to an Authorization, rewrites the
 * Request-URI. Each call below records one edit against the original buffer (offsets come
 * from the struct sip_msg, or from spans that the sip_hdr.h / sip_uri.h parsers returned
 * into it); sip_edit_apply() then writes the result in one pass. Bytes no edit touches are
 * copied unchanged, in order.
 *
 * Rules:
 *  - Edits may be recorded in any order. Insertions at the same place come out in the order
 *    they were recorded, and before a removal or replacement that starts there.
 *  - Two removals may overlap (their union is removed); any other overlap (a replacement
 *    with anything, an insertion strictly inside a removed span) is refused with -EINVAL.
 *  - To remove one element of a list (or one Digest parameter), remove its removal span
 *    (sip_hdr.h); to remove several, use sip_edit_list_remove() or sip_edit_auth_remove(),
 *    which choose the separators so that what stays is a well-formed list.
 *  - Header names must be tokens and inserted text must not contain CR, LF, NUL or other
 *    control bytes (HTAB excepted), so an edit can never add a line the caller did not ask
 *    for. Bodies are bytes and may hold anything.
 *  - The first failed call is remembered: sip_edit_apply() then refuses to produce a
 *    half-edited message and returns that error.
 *  - Content-Length is rewritten only by sip_edit_set_body(); headers do not count in it.
 */
#ifndef PCSCF_SIP_EDIT_H
#define PCSCF_SIP_EDIT_H

#include <stddef.h>

#include "sip/sip_msg.h"

struct sip_edit;

/**
 * sip_edit_new() - start editing a parsed message.
 * @msg: the message; it and its buffer must outlive the editor (or the next reset).
 * @return the editor, or NULL when out of memory.
 */
struct sip_edit *sip_edit_new(const struct sip_msg *msg);

/**
 * sip_edit_free() - free an editor.
 * @ed: the editor, or NULL.
 */
void sip_edit_free(struct sip_edit *ed);

/**
 * sip_edit_reset() - forget every edit and the remembered error, and start on @msg (the
 * memory is kept, so one editor can serve every message a process forwards).
 * @ed: the editor.
 * @msg: the next message.
 */
void sip_edit_reset(struct sip_edit *ed, const struct sip_msg *msg);

/**
 * sip_edit_remove_header() - remove header line @i (with its folded continuations).
 * @ed: the editor.
 * @i: header index.
 * @return 0, or -EINVAL (index out of range, conflict).
 */
int sip_edit_remove_header(struct sip_edit *ed, size_t i);

/**
 * sip_edit_insert_before() - insert the line "@name: @value" CRLF before header @i.
 * @ed: the editor.
 * @i: header index.
 * @name: header name, NUL-terminated (a token).
 * @value: the value (not NUL-terminated).
 * @value_len: its length.
 * @return 0, -EINVAL (bad index, name or value; conflict), -ENOMEM.
 */
int sip_edit_insert_before(struct sip_edit *ed, size_t i, const char *name, const char *value,
			   size_t value_len);

/**
 * sip_edit_insert_after() - insert a header line after header @i.
 * @ed: the editor.
 * @i: header index.
 * @name: header name.
 * @value: the value.
 * @value_len: its length.
 * @return as sip_edit_insert_before().
 */
int sip_edit_insert_after(struct sip_edit *ed, size_t i, const char *name, const char *value,
			  size_t value_len);

/**
 * sip_edit_insert_top() - insert a header line as the first header (a proxy's Via).
 * @ed: the editor.
 * @name: header name.
 * @value: the value.
 * @value_len: its length.
 * @return as sip_edit_insert_before().
 */
int sip_edit_insert_top(struct sip_edit *ed, const char *name, const char *value, size_t value_len);

/**
 * sip_edit_append_header() - insert a header line after the last header.
 * @ed: the editor.
 * @name: header name.
 * @value: the value.
 * @value_len: its length.
 * @return as sip_edit_insert_before().
 */
int sip_edit_append_header(struct sip_edit *ed, const char *name, const char *value,
			   size_t value_len);

/**
 * sip_edit_replace_value() - replace the value of header @i (folds included); the name and
 * the white space after the colon stay.
 * @ed: the editor.
 * @i: header index.
 * @value: the new value.
 * @value_len: its length.
 * @return 0, -EINVAL, -ENOMEM.
 */
int sip_edit_replace_value(struct sip_edit *ed, size_t i, const char *value, size_t value_len);

/**
 * sip_edit_append_to_value() - add text at the end of the value of header @i (e.g.
 * `, integrity-protected="yes"` to an Authorization).
 * @ed: the editor.
 * @i: header index.
 * @text: the text.
 * @text_len: its length.
 * @return 0, -EINVAL, -ENOMEM.
 */
int sip_edit_append_to_value(struct sip_edit *ed, size_t i, const char *text, size_t text_len);

/**
 * sip_edit_replace_start_line() - replace the request or status line (without CRLF).
 * @ed: the editor.
 * @line: the new line, without CRLF.
 * @len: its length.
 * @return 0, -EINVAL, -ENOMEM.
 */
int sip_edit_replace_start_line(struct sip_edit *ed, const char *line, size_t len);

/**
 * sip_edit_replace_span() - replace a span of the start line or of one header line.
 * @ed: the editor.
 * @at: start of the span: a pointer into the message buffer (e.g. a struct sip_str from
 * a parser, or the removal span of a list element or Digest parameter).
 * @len: its length; 0 makes this an insertion at @at.
 * @text: the replacement.
 * @text_len: its length; 0 makes this a removal.
 * @return 0, -EINVAL (span outside the start line and headers, or crossing a line end;
 * bad text; conflict), -ENOMEM.
 */
int sip_edit_replace_span(struct sip_edit *ed, const char *at, size_t len, const char *text,
			  size_t text_len);

/**
 * sip_edit_remove_span() - remove a span (see sip_edit_replace_span()).
 * @ed: the editor.
 * @at: start of the span in the message buffer.
 * @len: its length.
 * @return 0, -EINVAL, -ENOMEM.
 */
int sip_edit_remove_span(struct sip_edit *ed, const char *at, size_t len);

/**
 * sip_edit_via_set_param() - set ";@name=@value" on one Via element: replace the parameter
 * if the element has it (e.g. a bare ";rport"), else add it at the end of the element.
 * @ed: the editor.
 * @elem: the Via element (from sip_hdr_list_next() over a Via value of this message).
 * @name: parameter name (a token).
 * @value: its value (token characters, ':', '[' and ']'), or NULL for a bare ";@name".
 * @return 0, -EINVAL (not a Via element of this message, bad name or value, conflict),
 * -ENOMEM.
 */
int sip_edit_via_set_param(struct sip_edit *ed, struct sip_str elem, const char *name,
			   const char *value);

/**
 * sip_edit_auth_remove() - remove Digest parameters by name from header @i (ck and ik from
 * a WWW-Authenticate before the 401 goes to the UE); the others keep their separators.
 * @ed: the editor.
 * @i: index of a WWW-Authenticate, Authorization, ... header.
 * @names: NULL-terminated list of parameter names (case-insensitive).
 * @return the number of parameters removed (0 when none matched), -EINVAL (bad index,
 * malformed value, conflict), -E2BIG (more than 64 parameters), -ENOMEM.
 */
int sip_edit_auth_remove(struct sip_edit *ed, size_t i, const char *const *names);

/**
 * sip_edit_list_remove() - remove every element equal to @token (case-insensitive) from the
 * comma-separated list in header @i; when no element is left, the whole line is removed
 * ("sec-agree" from Require and Proxy-Require).
 * @ed: the editor.
 * @i: header index.
 * @token: the element to remove, NUL-terminated.
 * @return the number of elements removed, -EINVAL, -E2BIG (more than 64 elements), -ENOMEM.
 */
int sip_edit_list_remove(struct sip_edit *ed, size_t i, const char *token);

/**
 * sip_edit_set_body() - replace the body and write its length into Content-Length (the
 * existing header's value is replaced; without one, a "Content-Length" line is appended).
 * @ed: the editor.
 * @body: the new body (any bytes; may be NULL when @len is 0).
 * @len: its length.
 * @return 0, -EINVAL (set twice, conflict), -ENOMEM.
 */
int sip_edit_set_body(struct sip_edit *ed, const char *body, size_t len);

/**
 * sip_edit_apply() - write the edited message.
 * @ed: the editor.
 * @out: where to write (may be NULL when @size is 0, to learn the length).
 * @size: its size.
 * @out_len: set to the length of the result, also when it does not fit.
 * @return 0, -ENOSPC when @size is too small, or the error of the first failed edit call.
 */
int sip_edit_apply(const struct sip_edit *ed, char *out, size_t size, size_t *out_len);

#endif /* PCSCF_SIP_EDIT_H */
