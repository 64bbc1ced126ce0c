/*
 * ast.h - the KQL syntax tree, as Kibana's grammar builds it.
 *
 * Nodes live in an arena owned by the parse; nothing here is freed on its
 * own.  Every node and literal carries the byte span of the source text it
 * came from, so later phases can point diagnostics at it.
 */
#ifndef KQLC_AST_H
#define KQLC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "span.h"

/*
 * Decoded text of a literal: escapes resolved, surrounding white space
 * trimmed (unquoted values only), UTF-8.  'bytes' may hold NUL (from
 * \u0000) so 'len' is authoritative; bytes[len] is always NUL for
 * convenience.  'wild' lists the byte offsets, in increasing order, at
 * which an unescaped '*' wildcard stands between bytes: the value a*b is
 * bytes "ab" with wild = {1}.  Quoted text never has wildcards.
 */
struct kql_text {
    char *bytes;
    size_t len;
    uint32_t *wild;
    size_t nwild;
};

enum ast_lit_kind {
    AST_LIT_STRING,   /* text, quoted or not, no wildcard */
    AST_LIT_WILDCARD, /* unquoted text with at least one '*' */
    AST_LIT_NULL,     /* unquoted null */
    AST_LIT_TRUE,     /* unquoted true */
    AST_LIT_FALSE     /* unquoted false */
};

/*
 * A literal: a field name or a value.  For NULL/TRUE/FALSE 'text' still
 * holds the spelling ("null", "true", "false").  A field literal whose kind
 * is AST_LIT_NULL means free text (no field).
 */
struct ast_literal {
    enum ast_lit_kind kind;
    bool quoted;
    struct kql_text text;
    struct span span;
};

enum ast_kind {
    AST_OR,     /* list: any of the children */
    AST_AND,    /* list: all of the children */
    AST_NOT,    /* child */
    AST_IS,     /* field:value, or free text when field is null */
    AST_RANGE,  /* field OP value */
    AST_NESTED  /* field:{ query } */
};

enum ast_range_op { AST_LT, AST_LTE, AST_GT, AST_GTE };

struct ast_node {
    enum ast_kind kind;
    struct span span;
    union {
        struct {
            struct ast_node **items;
            size_t n;
        } list;                     /* AST_OR, AST_AND */
        struct ast_node *child;     /* AST_NOT */
        struct {
            struct ast_literal field;
            struct ast_literal value;
        } is;                       /* AST_IS */
        struct {
            struct ast_literal field;
            enum ast_range_op op;
            struct ast_literal value;
        } range;                    /* AST_RANGE */
        struct {
            struct ast_literal field;
            struct ast_node *query;
        } nested;                   /* AST_NESTED */
    } u;
};

/*
 * The whole parse of one query.  'root' is NULL for the empty query
 * (which Kibana reads as *:*, and so do we: see ast_print_json).
 */
struct ast_query {
    struct ast_node *root;
    const char *src;
    size_t len;
};

/*
 * Constructors, one per grammar action.  Every result lives in 'a'.  A
 * literal passed in is copied into the node (its text is shared).
 */

/* A literal as the scanner decoded it. */
struct ast_literal *ast_literal_new(struct arena *a, enum ast_lit_kind kind,
                                    bool quoted, const struct kql_text *text,
                                    struct span span);

/* field:value; a NULL 'field' gives free text (a null field literal). */
struct ast_node *ast_is(struct arena *a, const struct ast_literal *field,
                        const struct ast_literal *value, struct span span);

struct ast_node *ast_range(struct arena *a, const struct ast_literal *field,
                           enum ast_range_op op,
                           const struct ast_literal *value, struct span span);

struct ast_node *ast_nested(struct arena *a, const struct ast_literal *field,
                            struct ast_node *query, struct span span);

struct ast_node *ast_not(struct arena *a, struct ast_node *child,
                         struct span span);

/*
 * A chain of operands of one 'and' or 'or' being parsed: start it with
 * the first two, push the others, then make the node with ast_list.
 */
struct ptrvec *ast_chain(struct arena *a, struct ast_node *first,
                         struct ast_node *second);
struct ptrvec *ast_chain_push(struct arena *a, struct ptrvec *chain,
                              struct ast_node *next);
struct ast_node *ast_list(struct arena *a, enum ast_kind kind,
                          const struct ptrvec *chain, struct span span);

/*
 * field:(list) and field:value.  'values' is the tree of a value list,
 * whose AST_IS leaves were built with no field: each gets a copy of
 * 'field', as Kibana expands f:(a or b) into f:a or f:b.  The top node's
 * span becomes 'span' (the whole expression); inner nodes keep the spans
 * of their text in the list.
 */
struct ast_node *ast_field_value(struct arena *a,
                                 const struct ast_literal *field,
                                 struct ast_node *values, struct span span);

/* Print 'q' as an indented tree, one node or literal a line. */
void ast_print_tree(FILE *out, const struct ast_query *q);

/* Print 'q' as Kibana's node JSON on one line, without a newline. */
void ast_print_json(FILE *out, const struct ast_query *q);

/* Append the Kibana JSON of one literal node to 'out'. */
void ast_print_literal_json(FILE *out, const struct ast_literal *lit);

/* The operator name Kibana uses: "lt", "lte", "gt", "gte". */
const char *ast_range_op_name(enum ast_range_op op);

/* True when 'text' holds the same bytes and wildcards as 'other'. */
bool ast_text_equal(const struct kql_text *a, const struct kql_text *b);

#endif
