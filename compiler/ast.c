/*
 * ast.c - building and printing the KQL syntax tree.
 */
#include "ast.h"

#include <assert.h>
#include <string.h>

#include "text.h"

#define WILDCARD_MARKER "@kuery-wildcard@"

static const char *const kind_name[] = {
    [AST_OR] = "or",
    [AST_AND] = "and",
    [AST_NOT] = "not",
    [AST_IS] = "is",
    [AST_RANGE] = "range",
    [AST_NESTED] = "nested",
};

static struct ast_node *
node_new(struct arena *a, enum ast_kind kind, struct span span)
{
    struct ast_node *n = arena_alloc(a, sizeof *n);
    n->kind = kind;
    n->span = span;
    return n;
}

struct ast_literal *
ast_literal_new(struct arena *a, enum ast_lit_kind kind, bool quoted,
                const struct kql_text *text, struct span span)
{
    struct ast_literal *lit = arena_alloc(a, sizeof *lit);
    lit->kind = kind;
    lit->quoted = quoted;
    lit->text = *text;
    lit->span = span;
    return lit;
}

/* The field of free text: Kibana's literal null, spelled "null", with an
 * empty span where the value starts. */
static struct ast_literal
no_field(struct span value)
{
    struct ast_literal lit;
    memset(&lit, 0, sizeof lit);
    lit.kind = AST_LIT_NULL;
    lit.text.bytes = (char *)"null";
    lit.text.len = 4;
    lit.span = span_make(value.start, value.start);
    return lit;
}

struct ast_node *
ast_is(struct arena *a, const struct ast_literal *field,
       const struct ast_literal *value, struct span span)
{
    struct ast_node *n = node_new(a, AST_IS, span);
    n->u.is.field = field ? *field : no_field(value->span);
    n->u.is.value = *value;
    return n;
}

struct ast_node *
ast_range(struct arena *a, const struct ast_literal *field,
          enum ast_range_op op, const struct ast_literal *value,
          struct span span)
{
    struct ast_node *n = node_new(a, AST_RANGE, span);
    n->u.range.field = *field;
    n->u.range.op = op;
    n->u.range.value = *value;
    return n;
}

struct ast_node *
ast_nested(struct arena *a, const struct ast_literal *field,
           struct ast_node *query, struct span span)
{
    struct ast_node *n = node_new(a, AST_NESTED, span);
    n->u.nested.field = *field;
    n->u.nested.query = query;
    return n;
}

struct ast_node *
ast_not(struct arena *a, struct ast_node *child, struct span span)
{
    struct ast_node *n = node_new(a, AST_NOT, span);
    n->u.child = child;
    return n;
}

struct ptrvec *
ast_chain(struct arena *a, struct ast_node *first, struct ast_node *second)
{
    struct ptrvec *v = arena_alloc(a, sizeof *v);
    ptrvec_push(a, v, first);
    ptrvec_push(a, v, second);
    return v;
}

struct ptrvec *
ast_chain_push(struct arena *a, struct ptrvec *chain, struct ast_node *next)
{
    ptrvec_push(a, chain, next);
    return chain;
}

struct ast_node *
ast_list(struct arena *a, enum ast_kind kind, const struct ptrvec *chain,
         struct span span)
{
    struct ast_node *n = node_new(a, kind, span);
    assert(kind == AST_OR || kind == AST_AND);
    assert(chain->n >= 2);
    n->u.list.items = (struct ast_node **)chain->items;
    n->u.list.n = chain->n;
    return n;
}

/* Give every value of a value list its field (see ast_field_value). */
static void
set_field(struct ast_node *n, const struct ast_literal *field)
{
    switch (n->kind) {
    case AST_IS:
        n->u.is.field = *field;
        break;
    case AST_NOT:
        set_field(n->u.child, field);
        break;
    case AST_OR:
    case AST_AND:
        for (size_t i = 0; i < n->u.list.n; i++)
            set_field(n->u.list.items[i], field);
        break;
    case AST_RANGE:
    case AST_NESTED:
        assert(!"a value list holds no range or nested query");
        break;
    }
}

struct ast_node *
ast_field_value(struct arena *a, const struct ast_literal *field,
                struct ast_node *values, struct span span)
{
    (void)a;
    set_field(values, field);
    values->span = span;
    return values;
}

const char *
ast_range_op_name(enum ast_range_op op)
{
    static const char *const names[] = {
        [AST_LT] = "lt", [AST_LTE] = "lte", [AST_GT] = "gt", [AST_GTE] = "gte",
    };
    return names[op];
}

bool
ast_text_equal(const struct kql_text *a, const struct kql_text *b)
{
    if (a->len != b->len || a->nwild != b->nwild)
        return false;
    if (a->len && memcmp(a->bytes, b->bytes, a->len))
        return false;
    return !a->nwild || !memcmp(a->wild, b->wild, a->nwild * sizeof *a->wild);
}

/* The text of 'lit' with each wildcard shown as 'marker'. */
static void
print_text(FILE *out, const struct kql_text *t, const char *marker)
{
    size_t at = 0;
    for (size_t i = 0; i < t->nwild; i++) {
        text_json_escape(out, t->bytes + at, t->wild[i] - at);
        fputs(marker, out);
        at = t->wild[i];
    }
    text_json_escape(out, t->bytes + at, t->len - at);
}

void
ast_print_literal_json(FILE *out, const struct ast_literal *lit)
{
    static const char *const typed[] = {
        [AST_LIT_NULL] = "null", [AST_LIT_TRUE] = "true",
        [AST_LIT_FALSE] = "false",
    };

    if (lit->kind == AST_LIT_WILDCARD) {
        fputs("{\"type\":\"wildcard\",\"value\":\"", out);
        print_text(out, &lit->text, WILDCARD_MARKER);
        fputs("\"}", out);
        return;
    }
    fputs("{\"type\":\"literal\",\"value\":", out);
    if (lit->kind == AST_LIT_STRING) {
        fputc('"', out);
        print_text(out, &lit->text, WILDCARD_MARKER);
        fputc('"', out);
    } else {
        fputs(typed[lit->kind], out);
    }
    fprintf(out, ",\"isQuoted\":%s}", lit->quoted ? "true" : "false");
}

static void
function_open(FILE *out, enum ast_kind kind)
{
    fprintf(out, "{\"type\":\"function\",\"function\":\"%s\",\"arguments\":[",
            kind_name[kind]);
}

static void
print_node_json(FILE *out, const struct ast_node *n)
{
    function_open(out, n->kind);
    switch (n->kind) {
    case AST_OR:
    case AST_AND:
        for (size_t i = 0; i < n->u.list.n; i++) {
            if (i)
                fputc(',', out);
            print_node_json(out, n->u.list.items[i]);
        }
        break;
    case AST_NOT:
        print_node_json(out, n->u.child);
        break;
    case AST_IS:
        ast_print_literal_json(out, &n->u.is.field);
        fputc(',', out);
        ast_print_literal_json(out, &n->u.is.value);
        break;
    case AST_RANGE:
        ast_print_literal_json(out, &n->u.range.field);
        fprintf(out, ",\"%s\",", ast_range_op_name(n->u.range.op));
        ast_print_literal_json(out, &n->u.range.value);
        break;
    case AST_NESTED:
        ast_print_literal_json(out, &n->u.nested.field);
        fputc(',', out);
        print_node_json(out, n->u.nested.query);
        break;
    }
    fputs("]}", out);
}

void
ast_print_json(FILE *out, const struct ast_query *q)
{
    if (q->root) {
        print_node_json(out, q->root);
        return;
    }
    /* The empty query is Kibana's *:* */
    function_open(out, AST_IS);
    fputs("{\"type\":\"wildcard\",\"value\":\"" WILDCARD_MARKER "\"},"
          "{\"type\":\"wildcard\",\"value\":\"" WILDCARD_MARKER "\"}]}", out);
}

/* A segment of a wildcard pattern for people: a literal '*' as '\*'. */
static void
print_segment(FILE *out, const char *s, size_t n, bool pattern)
{
    const char *star;

    while (pattern && (star = memchr(s, '*', n)) != NULL) {
        text_json_escape(out, s, (size_t)(star - s));
        fputs("\\*", out);
        n -= (size_t)(star - s) + 1;
        s = star + 1;
    }
    text_json_escape(out, s, n);
}

/*
 * A literal for people: its text in double quotes with JSON escapes, each
 * wildcard as '*', then what kind it is; typed literals bare.
 */
static void
print_literal_tree(FILE *out, int indent, const char *role,
                   const struct ast_literal *l)
{
    static const char *const kinds[] = {
        [AST_LIT_STRING] = "", [AST_LIT_WILDCARD] = " (wildcard)",
        [AST_LIT_NULL] = "null", [AST_LIT_TRUE] = "true",
        [AST_LIT_FALSE] = "false",
    };
    const struct kql_text *t = &l->text;
    bool pattern = l->kind == AST_LIT_WILDCARD;
    size_t at = 0;

    fprintf(out, "%*s%s ", indent, "", role);
    if (l->kind != AST_LIT_STRING && !pattern) {
        fputs(kinds[l->kind], out);
    } else {
        fputc('"', out);
        for (size_t i = 0; i < t->nwild; i++) {
            print_segment(out, t->bytes + at, t->wild[i] - at, pattern);
            fputc('*', out);
            at = t->wild[i];
        }
        print_segment(out, t->bytes + at, t->len - at, pattern);
        fprintf(out, "\"%s%s", kinds[l->kind], l->quoted ? " (quoted)" : "");
    }
    fprintf(out, " @%u..%u\n", (unsigned)l->span.start, (unsigned)l->span.end);
}

static void
print_tree(FILE *out, const struct ast_node *n, int depth)
{
    int in = 2 * depth + 2;

    fprintf(out, "%*s%s", 2 * depth, "", kind_name[n->kind]);
    if (n->kind == AST_RANGE)
        fprintf(out, " %s", ast_range_op_name(n->u.range.op));
    fprintf(out, " @%u..%u\n", (unsigned)n->span.start,
            (unsigned)n->span.end);
    switch (n->kind) {
    case AST_OR:
    case AST_AND:
        for (size_t i = 0; i < n->u.list.n; i++)
            print_tree(out, n->u.list.items[i], depth + 1);
        break;
    case AST_NOT:
        print_tree(out, n->u.child, depth + 1);
        break;
    case AST_IS:
        print_literal_tree(out, in, "field", &n->u.is.field);
        print_literal_tree(out, in, "value", &n->u.is.value);
        break;
    case AST_RANGE:
        print_literal_tree(out, in, "field", &n->u.range.field);
        print_literal_tree(out, in, "value", &n->u.range.value);
        break;
    case AST_NESTED:
        print_literal_tree(out, in, "field", &n->u.nested.field);
        print_tree(out, n->u.nested.query, depth + 1);
        break;
    }
}

void
ast_print_tree(FILE *out, const struct ast_query *q)
{
    if (!q->root) {
        fputs("empty query (matches everything)\n", out);
        return;
    }
    print_tree(out, q->root, 0);
}
