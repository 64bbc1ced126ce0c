/*
 * parser.y - Kibana's KQL grammar, for bison.
 *
 * The rules follow Kibana's grammar.peggy one for one: or binds loosest,
 * then and, then not, then a group (parentheses, a nested query f:{...},
 * or one expression).  A direct chain a or b or c is one n-ary node, but a
 * parenthesised operand is kept whole.  Value lists f:(a or not b) have
 * their own rules, and are expanded into is nodes once the field is known.
 *
 * White space never reaches the parser: the scanner folds it into the
 * tokens around it, and decides from context whether 'or' and 'and' are
 * keywords (see lexer.l).  Locations are byte offsets; line and column are
 * computed only when a diagnostic is printed.
 */

%code top {
#include <string.h>
}

%code requires {
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "span.h"
#include "text.h"

/*
 * LIMIT(nesting): a query may nest '(' and '{' at most PARSE_MAX_DEPTH
 * deep, because the parser's stack and every phase that walks the tree
 * recursively need a bound; Kibana has none.  A deeper query gets the
 * error 'query nests deeper than 256 levels' at the '(' or '{' that goes
 * past the limit, never a stack overflow.
 */
#define PARSE_MAX_DEPTH 256

/*
 * What one parse shares between the scanner (its extra data) and the
 * parser.  The scanner reads 'buf', a copy of 'src' followed by the two
 * NUL bytes flex wants, and writes into it while it scans (flex ends each
 * match with a NUL for a while): helpers read 'src' instead.
 * 'text' collects the literal being scanned, which starts at 'lit_start'.
 * The first error is kept in 'failed', 'err_span' and 'err_msg' (arena).
 */
struct parse_ctx {
    struct arena *arena;
    const char *src;
    char *buf;
    size_t len;
    struct text_builder text;
    uint32_t lit_start;
    unsigned depth;
    struct ast_node *root;
    bool failed;
    struct span err_span;
    const char *err_msg;
};

/* Record the first error of the parse. */
void parse_fail(struct parse_ctx *ctx, struct span span, const char *msg);

#define YYLLOC_DEFAULT(cur, rhs, n)                                      \
    do {                                                                 \
        if (n) {                                                         \
            (cur).start = YYRHSLOC(rhs, 1).start;                        \
            (cur).end = YYRHSLOC(rhs, n).end;                            \
        } else {                                                         \
            (cur).start = (cur).end = YYRHSLOC(rhs, 0).end;              \
        }                                                                \
    } while (0)
}

%code {
#include "lexer.h"
#include "parse.h"

static void kql_error(struct span *loc, void *scanner,
                      struct parse_ctx *ctx, const char *msg);
}

%define api.pure full
%define api.prefix {kql_}
%define api.token.prefix {TOK_}
%define api.location.type {struct span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%param {void *scanner}
%parse-param {struct parse_ctx *ctx}

/* Every semantic value lives in the parse's arena, which is freed as a
 * whole: no value owns memory of its own, so no %destructor is needed. */
%union {
    struct ast_literal *lit;
    struct ast_node *node;
    struct ptrvec *chain;
    enum ast_range_op op;
}

%token END 0 "end of query"
%token OR "'or'"
%token AND "'and'"
%token NOT "'not'"
%token LPAREN "'('"
%token RPAREN "')'"
%token LBRACE "'{'"
%token RBRACE "'}'"
%token COLON "':'"
%token <op> LT "'<'"
%token <op> LTE "'<='"
%token <op> GT "'>'"
%token <op> GTE "'>='"
%token <lit> LITERAL "a value"

%type <node> or_query and_query not_query sub_query nested_query expression
%type <node> list_or list_and list_not list_value
%type <chain> or_chain and_chain list_or_chain list_and_chain
%type <op> range_op

%start query

%%

query:
    %empty
        { ctx->root = NULL; }
  | or_query
        { ctx->root = $1; }
  ;

or_query:
    and_query
  | or_chain
        { $$ = ast_list(ctx->arena, AST_OR, $1, @$); }
  ;

or_chain:
    and_query OR and_query
        { $$ = ast_chain(ctx->arena, $1, $3); }
  | or_chain OR and_query
        { $$ = ast_chain_push(ctx->arena, $1, $3); }
  ;

and_query:
    not_query
  | and_chain
        { $$ = ast_list(ctx->arena, AST_AND, $1, @$); }
  ;

and_chain:
    not_query AND not_query
        { $$ = ast_chain(ctx->arena, $1, $3); }
  | and_chain AND not_query
        { $$ = ast_chain_push(ctx->arena, $1, $3); }
  ;

not_query:
    NOT sub_query
        { $$ = ast_not(ctx->arena, $2, @$); }
  | sub_query
  ;

/* A group is its inner query, unchanged: (a and b) and c is not
 * flattened. */
sub_query:
    LPAREN or_query RPAREN
        { $$ = $2; }
  | nested_query
  ;

nested_query:
    LITERAL COLON LBRACE or_query RBRACE
        { $$ = ast_nested(ctx->arena, $1, $4, @$); }
  | expression
  ;

expression:
    LITERAL range_op LITERAL
        { $$ = ast_range(ctx->arena, $1, $2, $3, @$); }
  | LITERAL COLON list_value
        { $$ = ast_field_value(ctx->arena, $1, $3, @$); }
  | LITERAL
        { $$ = ast_is(ctx->arena, NULL, $1, @$); }
  ;

range_op:
    LT
  | LTE
  | GT
  | GTE
  ;

/* Value lists: the same shape, with values for operands; their is nodes
 * get the field in ast_field_value. */
list_or:
    list_and
  | list_or_chain
        { $$ = ast_list(ctx->arena, AST_OR, $1, @$); }
  ;

list_or_chain:
    list_and OR list_and
        { $$ = ast_chain(ctx->arena, $1, $3); }
  | list_or_chain OR list_and
        { $$ = ast_chain_push(ctx->arena, $1, $3); }
  ;

list_and:
    list_not
  | list_and_chain
        { $$ = ast_list(ctx->arena, AST_AND, $1, @$); }
  ;

list_and_chain:
    list_not AND list_not
        { $$ = ast_chain(ctx->arena, $1, $3); }
  | list_and_chain AND list_not
        { $$ = ast_chain_push(ctx->arena, $1, $3); }
  ;

list_not:
    NOT list_value
        { $$ = ast_not(ctx->arena, $2, @$); }
  | list_value
  ;

list_value:
    LPAREN list_or RPAREN
        { $$ = $2; }
  | LITERAL
        { $$ = ast_is(ctx->arena, NULL, $1, @$); }
  ;

%%

void
parse_fail(struct parse_ctx *ctx, struct span span, const char *msg)
{
    if (ctx->failed)
        return;
    ctx->failed = true;
    ctx->err_span = span;
    ctx->err_msg = msg;
}

/* Bison calls this only when its stack is exhausted, which the nesting
 * limit of the scanner keeps from happening. */
static void
kql_error(struct span *loc, void *scanner, struct parse_ctx *ctx,
          const char *msg)
{
    (void)scanner;
    parse_fail(ctx, *loc, arena_strdup(ctx->arena, msg));
}

/* The place of each token in an 'expected' list, so lists read the same
 * way everywhere: operands first, then operators, closers, the end. */
static int
token_rank(yysymbol_kind_t k)
{
    static const yysymbol_kind_t order[] = {
        YYSYMBOL_LITERAL, YYSYMBOL_LPAREN, YYSYMBOL_LBRACE, YYSYMBOL_NOT,
        YYSYMBOL_COLON, YYSYMBOL_LT, YYSYMBOL_LTE, YYSYMBOL_GT,
        YYSYMBOL_GTE, YYSYMBOL_AND, YYSYMBOL_OR, YYSYMBOL_RPAREN,
        YYSYMBOL_RBRACE, YYSYMBOL_YYEOF,
    };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (order[i] == k)
            return (int)i;
    }
    return (int)(sizeof order / sizeof order[0]);
}

static void
sort_tokens(yysymbol_kind_t *t, int n)
{
    for (int i = 1; i < n; i++) {
        yysymbol_kind_t k = t[i];
        int j = i;
        for (; j > 0 && token_rank(t[j - 1]) > token_rank(k); j--)
            t[j] = t[j - 1];
        t[j] = k;
    }
}

/* A bounded string being appended to. */
struct msgbuf {
    char s[512];
    size_t n;
};

static void
msg_add(struct msgbuf *m, const char *s, size_t len)
{
    if (len > sizeof m->s - 1 - m->n)
        len = sizeof m->s - 1 - m->n;
    memcpy(m->s + m->n, s, len);
    m->n += len;
    m->s[m->n] = '\0';
}

static void
msg_puts(struct msgbuf *m, const char *s)
{
    msg_add(m, s, strlen(s));
}

/* A literal is named by its text when that is short and printable. */
static void
describe_unexpected(struct msgbuf *m, const struct parse_ctx *ctx,
                    yysymbol_kind_t k, struct span loc)
{
    const char *text = ctx->src + loc.start;
    size_t len = loc.end - loc.start;
    bool plain = k == YYSYMBOL_LITERAL && len > 0 && len <= 40;

    for (size_t i = 0; plain && i < len; i++)
        plain = (unsigned char)text[i] >= 0x20 && text[i] != 0x7F;
    msg_puts(m, "unexpected ");
    if (k != YYSYMBOL_LITERAL) {
        msg_puts(m, yysymbol_name(k));
    } else if (plain) {
        msg_puts(m, "value '");
        msg_add(m, text, len);
        msg_puts(m, "'");
    } else {
        msg_puts(m, "value");
    }
}

static void
describe_expected(struct msgbuf *m, yysymbol_kind_t *t, int n)
{
    sort_tokens(t, n);
    for (int i = 0; i < n; i++) {
        if (i == 0)
            msg_puts(m, ", expected ");
        else if (i == n - 1)
            msg_puts(m, " or ");
        else
            msg_puts(m, ", ");
        msg_puts(m, yysymbol_name(t[i]));
    }
}

/*
 * 'unexpected ':', expected 'and', 'or' or end of query': with LAC the
 * expected tokens are exactly those that could follow here.
 */
static int
yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner,
                      struct parse_ctx *ctx)
{
    yysymbol_kind_t expected[YYNTOKENS];
    yysymbol_kind_t got = yypcontext_token(yyctx);
    struct span loc = *yypcontext_location(yyctx);
    struct msgbuf m = { "", 0 };
    int n = yypcontext_expected_tokens(yyctx, expected, YYNTOKENS);

    (void)scanner;
    if (n < 0)
        return n;
    describe_unexpected(&m, ctx, got, loc);
    describe_expected(&m, expected, n);
    parse_fail(ctx, loc, arena_strndup(ctx->arena, m.s, m.n));
    return 0;
}

static void
report(struct diag *d, const struct diag_source *dsrc,
       const struct parse_ctx *ctx, struct parse_error *err)
{
    if (d)
        diag_report(d, dsrc, DIAG_ERROR, ctx->err_span, "%s", ctx->err_msg);
    if (err) {
        err->offset = ctx->err_span.start;
        err->message = ctx->err_msg;
    }
}

/* Run the scanner and the parser over 'ctx->buf'; false on any error. */
static bool
run(struct parse_ctx *ctx)
{
    void *scanner;
    int rc;

    if (kql_lex_init_extra(ctx, &scanner))
        arena_oom();
    kql__scan_buffer(ctx->buf, ctx->len + 2, scanner);
    rc = kql_parse(scanner, ctx);
    kql_lex_destroy(scanner);
    text_builder_free(&ctx->text);
    if (rc != 0 && !ctx->failed)
        parse_fail(ctx, span_make(0, 0), "internal error: parser failed");
    return !ctx->failed;
}

/*
 * As parse.h says; in addition 'd' may be NULL (nothing is printed) and
 * 'dsrc' may be NULL (positions are given in the query, named <query>).
 */
bool
parse_query(struct arena *a, struct diag *d, const struct diag_source *dsrc,
            const char *src, size_t len, struct ast_query *q,
            struct parse_error *err)
{
    struct diag_source own = { .name = "<query>", .text = src, .len = len };
    struct parse_ctx ctx;

    memset(&ctx, 0, sizeof ctx);
    ctx.arena = a;
    ctx.src = src;
    ctx.len = len;
    text_builder_init(&ctx.text);
    if (!dsrc)
        dsrc = &own;
    if (len > UINT32_MAX - 2) {
        parse_fail(&ctx, span_make(0, 0), "query is longer than 4 GiB");
        report(d, dsrc, &ctx, err);
        return false;
    }
    ctx.buf = arena_alloc(a, len + 2);
    if (len)
        memcpy(ctx.buf, src, len);
    if (!run(&ctx)) {
        report(d, dsrc, &ctx, err);
        return false;
    }
    q->root = ctx.root;
    q->src = src;
    q->len = len;
    return true;
}
