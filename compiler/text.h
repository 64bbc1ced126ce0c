/*
 * text.h - decoding the text of KQL literals: escapes, UTF-8, JavaScript
 * trimming and wildcards.
 *
 * The scanner decides which escapes are valid where; the helpers here only
 * turn what it matched into bytes.  A literal is built piece by piece in a
 * text_builder, then text_finish() trims it as Kibana does, classifies it
 * (string, wildcard, null, true, false) and copies it into an arena.
 * Decoded text is UTF-8, except that a lone UTF-16 surrogate written as
 * \uHHHH is kept as its 3-byte encoding (WTF-8) so no information is lost.
 */
#ifndef KQLC_TEXT_H
#define KQLC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "ast.h"

/*
 * A literal being built.  'bytes' and 'wild' are malloc'd and reused from
 * one literal to the next; 'wild' holds byte offsets in increasing order,
 * as in struct kql_text.  'after_high' is true when the last piece was a
 * high surrogate from \uHHHH, which a low surrogate escape right after it
 * combines with (JavaScript joins the two code units into one character).
 */
struct text_builder {
    char *bytes;
    size_t len;
    size_t cap;
    uint32_t *wild;
    size_t nwild;
    size_t wcap;
    bool after_high;
};

void text_builder_init(struct text_builder *tb);
void text_builder_free(struct text_builder *tb);
void text_builder_reset(struct text_builder *tb);

/* Append 'n' bytes of 's' as they are. */
void text_append(struct text_builder *tb, const char *s, size_t n);

/* Append an unescaped '*': a wildcard between the bytes around it. */
void text_append_wildcard(struct text_builder *tb);

/* Append one UTF-16 code unit, as \uHHHH gives it. */
void text_append_unit(struct text_builder *tb, unsigned unit);

/*
 * Append the value of the escape sequence 's' of 'n' bytes, as the scanner
 * matched it: \t \r \n, \uHHHH (hex digits of either case), or a backslash
 * and the characters it protects (\\ \" \* \or \NOT and the like).
 */
void text_append_escape(struct text_builder *tb, const char *s, size_t n);

/*
 * Finish the literal in 'tb' into 'out' (copied into 'a') and return its
 * kind; 'tb' is reset.  Unquoted text is trimmed as JavaScript's
 * String.prototype.trim does, never across a wildcard; exactly null, true
 * or false then become typed literals, and text with a wildcard a
 * wildcard.  Quoted text is kept whole and is always a string.
 */
enum ast_lit_kind text_finish(struct text_builder *tb, struct arena *a,
                              bool quoted, struct kql_text *out);

/* Offset of the first byte of 's' that is not valid UTF-8, or 'n'. */
size_t text_utf8_check(const char *s, size_t n);

/*
 * Decode the sequence at the start of 's' (WTF-8: surrogates allowed) into
 * '*cp' and return its length, or 0 when 's' does not start with one.
 */
size_t text_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode 'cp' (surrogates included) into 'out'; returns the length. */
size_t text_utf8_encode(uint32_t cp, char out[4]);

/* True for the code points JavaScript's trim() removes. */
bool text_is_js_space(uint32_t cp);

/* Bytes of JavaScript white space at the start, and at the end, of 's'. */
size_t text_js_space_prefix(const char *s, size_t n);
size_t text_js_space_suffix(const char *s, size_t n);

/*
 * Write 's' as the inside of a JSON string: '"', '\' and control
 * characters escaped, other UTF-8 kept, lone surrogates as \udxxx.
 */
void text_json_escape(FILE *out, const char *s, size_t n);

#endif
