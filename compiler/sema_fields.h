/*
 * sema_fields.h - field names with wildcards (user.*:root, *.port > 1024,
 * file.hash.*:*), expanded against the known fields as Kibana expands
 * them against an index pattern (sema.c's part for field patterns).
 */
#ifndef KQLC_SEMA_FIELDS_H
#define KQLC_SEMA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"
#include "mapping.h"

/*
 * Whether 'name' (of 'len' bytes) matches the field pattern 'pat': each
 * wildcard spans any bytes, dots included, and the rest must be equal,
 * case-sensitively, as Kibana's wildcard.test reads it.
 */
bool sema_fields_test(const struct kql_text *pat, const char *name,
                      size_t len);

/*
 * The known leaf fields that pattern 'pat' matches: the mapping's ('m'
 * may be NULL), ECS's and the integrations' (integrations.h), the
 * mapping's meaning winning for a name it knows, then ECS's, in strcmp
 * order of name; objects and nested fields are no leaf fields and are
 * left out, and so are the fields of dynamic templates, which have no
 * names to list.  Returns the count; '*out' (in 'a') holds
 * them.
 */
size_t sema_fields_match(struct arena *a, const struct mapping *m,
                         const struct kql_text *pat,
                         struct mapping_field **out);

/* Pattern 't' as written, its wildcards put back, in 'a'. */
const char *sema_fields_pattern(struct arena *a, const struct kql_text *t);

/* What typing a value on one field of an expansion came to. */
enum sema_field_verdict {
    SEMA_FIELD_OK,    /* a test, perhaps with a warning in 'msg' */
    SEMA_FIELD_DROP,  /* the field cannot read the value; why in 'msg' */
    SEMA_FIELD_FAIL   /* an error, already reported: the rule is refused */
};

/* Types the query being expanded on field 'f'; sets '*out' when OK. */
typedef enum sema_field_verdict (*sema_field_fn)(
    void *ctx, const struct mapping_field *f, struct ir_node **out,
    char *msg, size_t size);

/* One field pattern to expand: 'field' the pattern, 'value' its value
 * as written (for messages), 'sp' the KQL the result implements. */
struct sema_expansion {
    struct arena *a;
    struct diag *d;
    const struct diag_source *src;
    const struct mapping *mapping;
    const struct ast_literal *field;
    const struct ast_literal *value;
    struct span sp;
    sema_field_fn type_one;
    void *ctx;
};

/*
 * The IR_OR of the tests 'x->type_one' makes on each field the pattern
 * matches.  A field that cannot read the value is left out, with one
 * warning for all of them; no field left (or none matched) is IR_FALSE
 * with a warning naming the pattern.  NULL when a field failed (the
 * first failure ends the expansion: one error, not one a field).
 */
struct ir_node *sema_fields_expand(const struct sema_expansion *x);

#endif
