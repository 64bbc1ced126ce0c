/*
 * sema_nested.h - nested queries, field:{ query }: the nested field's
 * check and the inner query with its field names made whole.
 */
#ifndef KQLC_SEMA_NESTED_H
#define KQLC_SEMA_NESTED_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "mapping.h"

/*
 * For nested query 'n' (AST_NESTED): check that its field is mapped
 * nested ('m', then ECS), as Elasticsearch's nested query requires, and
 * return its inner query with every field name under the nested field
 * ("name" in items:{ name:x } becomes "items.name"), as Kibana writes
 * it; a nested query inside keeps its own inner query, which is made
 * whole when it is lowered in turn.  The copy lives in 'a'.  On a field
 * pattern, NULL with the reason in 'msg'.  On a field not mapped nested
 * (or of no known type), on which Elasticsearch fails the query, the
 * inner query all the same, and a warning in 'msg' (else 'msg' is
 * empty): kqlc then evaluates it as if the field were nested.
 */
const struct ast_node *sema_nested_inner(struct arena *a,
                                         const struct mapping *m,
                                         const struct ast_node *n,
                                         char *msg, size_t size);

#endif
