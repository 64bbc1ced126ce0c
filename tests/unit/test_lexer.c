/*
 * test_lexer.c - the scanner alone: which tokens, with which byte spans,
 * for the inputs where white space and keywords depend on context.
 *
 * Each case renders the token stream as one line, e.g.
 *   lit(0,1,'a') or(1,5) lit(5,9,'or b') end(9,9)
 * where a literal shows its decoded text (a wildcard as '*', a quoted
 * literal in double quotes, a typed one bare) and err(...) is a lexical
 * error with its span.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parser.h"

#define YYSTYPE KQL_STYPE
#define YYLTYPE KQL_LTYPE
#include "lexer.h"

static const char *
token_name(int kind)
{
    switch (kind) {
    case TOK_END: return "end";
    case TOK_OR: return "or";
    case TOK_AND: return "and";
    case TOK_NOT: return "not";
    case TOK_LPAREN: return "lparen";
    case TOK_RPAREN: return "rparen";
    case TOK_LBRACE: return "lbrace";
    case TOK_RBRACE: return "rbrace";
    case TOK_COLON: return "colon";
    case TOK_LT: return "lt";
    case TOK_LTE: return "lte";
    case TOK_GT: return "gt";
    case TOK_GTE: return "gte";
    case TOK_LITERAL: return "lit";
    case TOK_KQL_error: return "err";
    default: return "?";
    }
}

static void
render_text(FILE *out, const struct ast_literal *lit)
{
    const struct kql_text *t = &lit->text;
    size_t w = 0;

    switch (lit->kind) {
    case AST_LIT_NULL: fputs("null", out); return;
    case AST_LIT_TRUE: fputs("true", out); return;
    case AST_LIT_FALSE: fputs("false", out); return;
    default: break;
    }
    fputc(lit->quoted ? '"' : '\'', out);
    for (size_t i = 0; i <= t->len; i++) {
        for (; w < t->nwild && t->wild[w] == i; w++)
            fputc('*', out);
        if (i == t->len)
            break;
        unsigned char c = (unsigned char)t->bytes[i];
        if (c < 0x20 || c >= 0x7F)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc(lit->quoted ? '"' : '\'', out);
}

/* Scan 'len' bytes of 'src' and return the rendered token stream; the
 * caller frees it. */
static char *
scan(const char *src, size_t len)
{
    struct arena a;
    struct parse_ctx ctx;
    void *scanner;
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    KQL_STYPE val;
    struct span loc;
    int kind;

    arena_init(&a);
    ctx = (struct parse_ctx){ .arena = &a, .src = src, .len = len };
    ctx.buf = arena_alloc(&a, len + 2);
    memcpy(ctx.buf, src, len);
    assert_int_equal(kql_lex_init_extra(&ctx, &scanner), 0);
    kql__scan_buffer(ctx.buf, len + 2, scanner);
    do {
        kind = kql_lex(&val, &loc, scanner);
        if (kind == TOK_KQL_error)
            loc = ctx.err_span;
        fprintf(out, "%s%s(%u,%u", ftell(out) ? " " : "", token_name(kind),
                (unsigned)loc.start, (unsigned)loc.end);
        if (kind == TOK_LITERAL) {
            fputc(',', out);
            render_text(out, val.lit);
            assert_int_equal(val.lit->span.start, loc.start);
            assert_int_equal(val.lit->span.end, loc.end);
        }
        fputc(')', out);
    } while (kind != TOK_END && kind != TOK_KQL_error);
    kql_lex_destroy(scanner);
    text_builder_free(&ctx.text);  /* zeroed above: a valid empty one */
    arena_free(&a);
    fclose(out);
    return buf;
}

static void
check(const char *src, const char *expected)
{
    char *got = scan(src, strlen(src));
    if (strcmp(got, expected)) {
        print_error("query    %s\nexpected %s\ngot      %s\n", src, expected,
                    got);
    }
    assert_string_equal(got, expected);
    free(got);
}

/* After 'or' white space is skipped, so a second 'or' starts a value. */
static void
test_or_or(void **state)
{
    (void)state;
    check("a or or b", "lit(0,1,'a') or(1,5) lit(5,9,'or b') end(9,9)");
    check("a  or  b", "lit(0,1,'a') or(1,7) lit(7,8,'b') end(8,8)");
    check("a:( or b)", "lit(0,1,'a') colon(1,2) lparen(2,3) "
                       "lit(4,8,'or b') rparen(8,9) end(9,9)");
}

/* Only white space + or/and + white space is an operator. */
static void
test_keywords_need_spaces(void **state)
{
    (void)state;
    check("msg:end and", "lit(0,3,'msg') colon(3,4) lit(4,11,'end and') "
                         "end(11,11)");
    check("a or:1", "lit(0,4,'a or') colon(4,5) lit(5,6,'1') end(6,6)");
    check("a AnD b", "lit(0,1,'a') and(1,6) lit(6,7,'b') end(7,7)");
    check("orange or b", "lit(0,6,'orange') or(6,10) lit(10,11,'b') "
                         "end(11,11)");
    check("(a)or b", "lparen(0,1) lit(1,2,'a') rparen(2,3) "
                     "lit(3,7,'or b') end(7,7)");
    check("(a) or b", "lparen(0,1) lit(1,2,'a') rparen(2,3) or(3,7) "
                      "lit(7,8,'b') end(8,8)");
}

/* 'not' + white space is the keyword wherever it starts, even inside a
 * word, as in Kibana; before ':' or at the end it is a value. */
static void
test_not(void **state)
{
    (void)state;
    check("not a", "not(0,3) lit(4,5,'a') end(5,5)");
    check("NOT\ta", "not(0,3) lit(4,5,'a') end(5,5)");
    check("not:1", "lit(0,3,'not') colon(3,4) lit(4,5,'1') end(5,5)");
    check("x and not", "lit(0,1,'x') and(1,6) lit(6,9,'not') end(9,9)");
    check("note x", "lit(0,6,'note x') end(6,6)");
    check("a:cannot x", "lit(0,1,'a') colon(1,2) lit(2,5,'can') "
                        "not(5,8) lit(9,10,'x') end(10,10)");
    check("\"a\" not b", "lit(0,3,\"a\") not(4,7) lit(8,9,'b') end(9,9)");
}

/* Kibana tries \n before \not: lower-case \not is a newline and 'ot'. */
static void
test_escaped_keywords(void **state)
{
    (void)state;
    check("msg:\\not", "lit(0,3,'msg') colon(3,4) lit(4,8,'ot') end(8,8)");
    check("msg:\\NOT", "lit(0,3,'msg') colon(3,4) lit(4,8,'NOT') end(8,8)");
    check("a \\or b", "lit(0,7,'a or b') end(7,7)");
    check("a \\AND b", "lit(0,8,'a AND b') end(8,8)");
    check("\\Not x", "lit(0,6,'Not x') end(6,6)");
}

static void
test_escapes(void **state)
{
    (void)state;
    check("\\(x\\)\\{y\\}\\<z\\>\\:\\\"\\*\\\\",
          "lit(0,23,'(x){y}<z>:\"*\\') end(23,23)");
    check("a\\tb\\r\\n", "lit(0,8,'a\\x09b') end(8,8)");
    check("\\u00e9\\u00E9", "lit(0,12,'\\xc3\\xa9\\xc3\\xa9') end(12,12)");
    check("\\uD83D\\uDE00", "lit(0,12,'\\xf0\\x9f\\x98\\x80') end(12,12)");
}

static void
test_wildcards(void **state)
{
    (void)state;
    check("x:a*b c", "lit(0,1,'x') colon(1,2) lit(2,7,'a*b c') end(7,7)");
    check("a: * ", "lit(0,1,'a') colon(1,2) lit(3,4,'*') end(5,5)");
    check("*:*", "lit(0,1,'*') colon(1,2) lit(2,3,'*') end(3,3)");
    check("\"a*\"", "lit(0,4,\"a*\") end(4,4)");
}

/* Literal spans leave out the white space that trimming drops. */
static void
test_spans_and_space(void **state)
{
    (void)state;
    check("  a  :  b  ", "lit(2,3,'a') colon(5,6) lit(8,9,'b') end(11,11)");
    check("\"a\" : \"b\"", "lit(0,3,\"a\") colon(4,5) lit(6,9,\"b\") "
                           "end(9,9)");
    check("a <= 1", "lit(0,1,'a') lte(2,4) lit(5,6,'1') end(6,6)");
    check("a<b>c>=d", "lit(0,1,'a') lt(1,2) lit(2,3,'b') gt(3,4) "
                      "lit(4,5,'c') gte(5,7) lit(7,8,'d') end(8,8)");
    check("f:{ a }", "lit(0,1,'f') colon(1,2) lbrace(2,3) lit(4,5,'a') "
                     "rbrace(6,7) end(7,7)");
    check("", "end(0,0)");
    check(" \t\r\n", "end(4,4)");
}

/* U+00A0 is Kibana white space; U+2003 is not (but trim() drops it). */
static void
test_unicode_space(void **state)
{
    (void)state;
    check("a\xC2\xA0or\xC2\xA0" "b",
          "lit(0,1,'a') or(1,7) lit(7,8,'b') end(8,8)");
    check("a\xE2\x80\x83or\xE2\x80\x83" "b",
          "lit(0,10,'a\\xe2\\x80\\x83or\\xe2\\x80\\x83b') end(10,10)");
    check("a:\xE2\x80\x83" "b", "lit(0,1,'a') colon(1,2) lit(2,6,'b') "
                                "end(6,6)");
    check("\xC2\xA0x\xC2\xA0", "lit(2,3,'x') end(5,5)");
}

static void
test_crlf(void **state)
{
    (void)state;
    check("a:1\r\nor\r\nb:2", "lit(0,1,'a') colon(1,2) lit(2,3,'1') "
                              "or(3,9) lit(9,10,'b') colon(10,11) "
                              "lit(11,12,'2') end(12,12)");
}

static void
test_typed(void **state)
{
    (void)state;
    check("null:true", "lit(0,4,null) colon(4,5) lit(5,9,true) end(9,9)");
    check("\"false\" < False", "lit(0,7,\"false\") lt(8,9) "
                               "lit(10,15,'False') end(15,15)");
}

static void
test_quoted(void **state)
{
    (void)state;
    check("\"C:\\Windows\"", "lit(0,12,\"C:\\Windows\") end(12,12)");
    check("\"\\u00zz\"", "lit(0,8,\"\\u00zz\") end(8,8)");
    check("\"a\\\"b\\\\\"", "lit(0,8,\"a\"b\\\") end(8,8)");
    check("\"\\and\"", "lit(0,6,\"\\and\") end(6,6)");
    check("\"t\\tn\\n\"", "lit(0,8,\"t\\x09n\\x0a\") end(8,8)");
}

static void
test_errors(void **state)
{
    (void)state;
    check("f:\"x", "lit(0,1,'f') colon(1,2) err(2,3)");
    check("\"C:\\temp\\\"", "err(0,1)");
    check("a:b\\", "lit(0,1,'a') colon(1,2) lit(2,3,'b') err(3,4)");
    check("msg:\\U00e9", "lit(0,3,'msg') colon(3,4) err(4,6)");
    check("a\\ b", "lit(0,1,'a') err(1,3)");
    check("ab\xFF", "lit(0,2,'ab') err(2,3)");
    check("\"a\xC3(\"", "err(2,3)");
    check("\xED\xA0\x80", "err(0,1)");
}

/* The query's length is authoritative: a NUL byte is an ordinary
 * character. */
static void
test_nul_byte(void **state)
{
    char *got = scan("a:b\0c or d", 10);
    (void)state;
    assert_string_equal(got, "lit(0,1,'a') colon(1,2) lit(2,5,'b\\x00c') "
                             "or(5,9) lit(9,10,'d') end(10,10)");
    free(got);
}

static void
test_nesting_limit(void **state)
{
    size_t n = PARSE_MAX_DEPTH + 1;
    char *src = malloc(n + 1);
    char *got, *last;
    char expected[64];
    (void)state;

    memset(src, '(', n);
    src[n] = '\0';
    got = scan(src, n);
    last = strrchr(got, ' ');
    snprintf(expected, sizeof expected, " err(%zu,%zu)", n - 1, n);
    assert_non_null(last);
    assert_string_equal(last, expected);
    free(got);
    free(src);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_or_or),
        cmocka_unit_test(test_keywords_need_spaces),
        cmocka_unit_test(test_not),
        cmocka_unit_test(test_escaped_keywords),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_spans_and_space),
        cmocka_unit_test(test_unicode_space),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_typed),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_nesting_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
