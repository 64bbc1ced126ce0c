/*
 * parse.h - the KQL front end: a reentrant flex scanner and a pure bison
 * parser for the whole of Kibana's grammar.
 */
#ifndef KQLC_PARSE_H
#define KQLC_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* The first syntax error of a failed parse, for callers that report it
 * themselves (kqlc parse --json). 'message' lives in the arena. */
struct parse_error {
    size_t offset;        /* byte offset into the query */
    const char *message;  /* without position, e.g. "unexpected ':' ..." */
};

/*
 * Parse the 'len' bytes at 'src' (not necessarily NUL-terminated) into
 * 'q', allocating in 'a'.  Errors are reported to 'd' against 'dsrc' and
 * the first one is stored in 'err' when it is not NULL.  Returns false
 * when the query has a syntax error; 'q' is then unusable.
 */
bool parse_query(struct arena *a, struct diag *d,
                 const struct diag_source *dsrc, const char *src, size_t len,
                 struct ast_query *q, struct parse_error *err);

#endif
