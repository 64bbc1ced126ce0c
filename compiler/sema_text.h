/*
 * sema_text.h - typing values of text and match_only_text fields, and
 * the multi-fields that read another field's values (sema.c's part for
 * analysed text).
 */
#ifndef KQLC_SEMA_TEXT_H
#define KQLC_SEMA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"

/* Whether fields of type 't' are analysed: text or match_only_text. */
bool sema_is_text(enum krt_type t);

/*
 * The length of the path whose values the known field 'name' (of 'len'
 * bytes) reads in a document: for a multi-field, a field under another
 * known field that is no object (process.command_line.text under
 * process.command_line), its parent's; else all of 'name'.
 */
size_t sema_source_len(const char *name, size_t len);

/*
 * The test the query Kibana builds for value 'v' of text field number
 * 'field' (named 'name') makes: match when unquoted (any token), and
 * match_phrase when quoted (the tokens in a row), with the value
 * analysed as the field's values are; query_string when it holds
 * wildcards.  'sp' is the KQL it implements.  NULL after reporting an
 * error to 'd' against 'src'; a value with no token is a warning.
 */
struct ir_node *sema_text_value(struct arena *a, struct diag *d,
                                const struct diag_source *src,
                                krt_u32 field, const char *name,
                                const struct ast_literal *v,
                                struct span sp);

/* As sema_text_value, on a field whose struct krt_field 'flags' may
 * name another analyzer than the standard one (KRT_FIELD_PS_SCRIPT). */
struct ir_node *sema_text_value_as(struct arena *a, struct diag *d,
                                   const struct diag_source *src,
                                   krt_u32 field, krt_u32 flags,
                                   const char *name,
                                   const struct ast_literal *v,
                                   struct span sp);

/*
 * The query_string Kibana sends for a value with wildcards splits it at
 * the query parser's white space (space, tab, CR, LF, U+3000) into
 * clauses or-ed together.  One clause: its literal parts, with a '*'
 * between each two ({"a", ""} for a*; one part: no wildcard).
 */
struct sema_clause {
    struct krt_str *parts;
    size_t n;
};

/* Split value 'v' into its clauses, in 'out' (room for v->len + 1);
 * returns how many. */
size_t sema_wild_clauses(struct arena *a, const struct kql_text *v,
                         struct sema_clause *out);

/* Whether clause 'c' is a query_string operator (AND, OR, NOT). */
bool sema_clause_is_operator(const struct sema_clause *c);

#endif
