/*
 * hss_import.h — parsing subscriber definitions: hex values and subscriber import files.
 *
 * Import file format: one subscriber per line, as whitespace-separated name=value fields in
 * any order:
 *
 *     impi=ue1@ims.test impu=sip:ue1@ims.test k=<32 hex> opc=<32 hex> amf=8000 sqn=000000000020
 *
 * impi (once), impu (one or more), k and exactly one of op/opc are required; amf (4 hex
 * digits) defaults to 8000 and sqn (12 hex digits) to 000000000000. Empty lines are ignored,
 * and a field starting with '#' starts a comment that runs to the end of the line.
 */
#ifndef HSS_IMPORT_H
#define HSS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hss-stub/hss_db.h"

#define HSS_IMPORT_LINE_MAX 4096 /* longest accepted line, newline excluded */

/**
 * hss_hex_parse() - decode a value of exactly @len bytes written as 2 * @len hex digits.
 * @name:     how to name the value in the message ("--k", "k")
 * @text:     the value
 * @out:      receives @len bytes (zeroed on error)
 * @len:      the expected number of bytes
 * @why:      receives the reason for a refusal, e.g. "k: expected 32 hex digits, got 31";
 *            the value itself is never quoted
 * @why_size: size of @why
 * @return 0 or -EINVAL.
 */
int hss_hex_parse(const char *name, const char *text, uint8_t *out, size_t len, char *why,
		  size_t why_size);

/**
 * hss_import_parse_line() - parse one line of an import file.
 * @line:     the line (a trailing newline is allowed)
 * @out:      receives the subscriber (free with hss_subscriber_free()), or NULL for a blank
 *            or comment-only line
 * @why:      receives the reason when the line is refused
 * @why_size: size of @why
 * @return 0, -EINVAL for a malformed line, -ENOMEM.
 */
int hss_import_parse_line(const char *line, struct hss_subscriber **out, char *why,
			  size_t why_size);

/**
 * hss_import_file() - add every subscriber of a file to the database, all or nothing: the
 * whole file is parsed first, then added in one transaction. Every problem is reported, as
 * "FILE:LINE: reason", not only the first.
 * @db:      an open database
 * @path:    the file
 * @replace: replace subscribers whose IMPI already exists instead of refusing them
 * @errs:    where problems are written
 * @count:   receives the number of subscribers added (0 on error)
 * @return 0, -EINVAL when the file has errors (nothing was changed), or another negative
 *         errno (file or database trouble, reported to @errs; nothing was changed).
 */
int hss_import_file(struct hss_db *db, const char *path, bool replace, FILE *errs, size_t *count);

#endif /* HSS_IMPORT_H */
