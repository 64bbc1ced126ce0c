/*
 * sema_test.h - typing a query for the sema tests: parse it, type it,
 * keep the diagnostics.  Included by one test program each (static).
 */
#ifndef KQLC_SEMA_TEST_H
#define KQLC_SEMA_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sema.h"

struct typed {
    struct arena a;
    struct ir_program p;
    struct ir_node *root;   /* NULL when the query was refused */
    char *diags;
    size_t diags_len;
};

/* Parse and type 'query'; diagnostics are kept in t->diags. */
static void
type_query(struct typed *t, const char *query)
{
    memset(t, 0, sizeof *t);
    arena_init(&t->a);
    FILE *out = open_memstream(&t->diags, &t->diags_len);
    struct diag d;
    diag_init(&d, out);
    struct diag_source src = { .name = "<q>", .text = query,
                               .len = strlen(query) };
    struct ast_query q;
    if (parse_query(&t->a, &d, &src, query, strlen(query), &q, NULL))
        t->root = sema_query(&t->a, &d, &src, &t->p, &q);
    fclose(out);
}

static void
typed_free(struct typed *t)
{
    arena_free(&t->a);
    free(t->diags);
}

#endif
