/*
 * sema_nested.c - nested queries: Kibana turns field:{ query } into
 * Elasticsearch's nested query on path 'field', whose inner query names
 * its fields in full (field.name).  The query holds when one element of
 * the array of objects at 'field' satisfies the whole inner query.
 */
#include "sema_nested.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ecs.h"

/* 'lit' with 'prefix' and a dot before its name, in 'a'.  Free text
 * (no field) stays free text. */
static struct ast_literal
prefixed(struct arena *a, const struct kql_text *prefix,
         const struct ast_literal *lit)
{
    struct ast_literal out = *lit;
    size_t shift = prefix->len + 1;

    if (lit->kind == AST_LIT_NULL)
        return out;
    out.text.len = shift + lit->text.len;
    out.text.bytes = arena_alloc(a, out.text.len + 1);
    memcpy(out.text.bytes, prefix->bytes, prefix->len);
    out.text.bytes[prefix->len] = '.';
    memcpy(out.text.bytes + shift, lit->text.bytes, lit->text.len + 1);
    if (lit->text.nwild) {
        out.text.wild = arena_alloc(a, lit->text.nwild * sizeof(uint32_t));
        for (size_t i = 0; i < lit->text.nwild; i++)
            out.text.wild[i] = lit->text.wild[i] + (uint32_t)shift;
    }
    return out;
}

/* A copy of 'n' with its field names under 'prefix'. */
static struct ast_node *
copy_under(struct arena *a, const struct kql_text *prefix,
           const struct ast_node *n)
{
    struct ast_node *c = arena_alloc(a, sizeof *c);

    *c = *n;
    switch (n->kind) {
    case AST_OR:
    case AST_AND:
        c->u.list.items = arena_alloc(a, n->u.list.n * sizeof(void *));
        for (size_t i = 0; i < n->u.list.n; i++)
            c->u.list.items[i] = copy_under(a, prefix, n->u.list.items[i]);
        break;
    case AST_NOT:
        c->u.child = copy_under(a, prefix, n->u.child);
        break;
    case AST_IS:
        c->u.is.field = prefixed(a, prefix, &n->u.is.field);
        break;
    case AST_RANGE:
        c->u.range.field = prefixed(a, prefix, &n->u.range.field);
        break;
    case AST_NESTED:
        c->u.nested.field = prefixed(a, prefix, &n->u.nested.field);
        break;
    }
    return c;
}

const struct ast_node *
sema_nested_inner(struct arena *a, const struct mapping *m,
                  const struct ast_node *n, char *msg, size_t size)
{
    const struct ast_literal *f = &n->u.nested.field;
    struct mapping_field mf;

    assert(n->kind == AST_NESTED);
    if (f->kind == AST_LIT_WILDCARD) {
        snprintf(msg, size, "a nested query needs one field, not the "
                 "pattern '%s'", f->text.bytes);
        return NULL;
    }
    msg[0] = '\0';
    if (!mapping_resolve(m, f->text.bytes, f->text.len, &mf)) {
        snprintf(msg, size, "field '%s' has no known type: Elasticsearch "
                 "fails a nested query on a field not mapped as nested, "
                 "kqlc evaluates it as if it were (one element must "
                 "satisfy the whole inner query); give its mapping with "
                 "--mapping [-Wnot-nested]", f->text.bytes);
    } else if (mf.type != KRT_NESTED) {
        snprintf(msg, size, "field '%s' is of type '%s', not nested: "
                 "Elasticsearch fails a nested query on it ('failed to find "
                 "nested object under path'), kqlc evaluates it as if it "
                 "were nested (one element must satisfy the whole inner "
                 "query); give a nested mapping with --mapping "
                 "[-Wnot-nested]", f->text.bytes, ecs_type_name(mf.type));
    }
    return copy_under(a, &f->text, n->u.nested.query);
}
