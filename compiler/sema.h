/*
 * sema.h - typing: from Kibana's syntax tree to the typed IR.
 *
 * Each field is looked up in the ECS table (or a mapping) and each value
 * is read as that field's type reads it, the way Elasticsearch builds the
 * query Kibana sends: a value its field cannot hold (a word on a long
 * field, a malformed address on an ip field) makes Elasticsearch reject
 * the query, so it is an error here too.
 */
#ifndef KQLC_SEMA_H
#define KQLC_SEMA_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"

/*
 * Type the query 'q' of one rule into a test tree over 'p''s field table.
 * Every error is reported to 'd' against 'src'; returns NULL when there
 * was any, the simplified tree otherwise.
 */
struct ir_node *sema_query(struct arena *a, struct diag *d,
                           const struct diag_source *src,
                           struct ir_program *p, const struct ast_query *q);

#endif
