/*
 * test_parser.c - the parser: trees as Kibana builds them, byte spans of
 * nodes, error offsets and messages, and golden diagnostics.
 *
 * The golden cases are tests/golden/parse/NAME.kql, each with NAME.out:
 * what 'kqlc parse --json --file NAME.kql 2>&1' prints (the diagnostic,
 * then the JSON line).  Run with KQLC_UPDATE_GOLDEN=NAME (or =all) to
 * rewrite expectations, then review the diff.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "parser.h"

#define GOLDEN_DIR "tests/golden/parse"

/* One parse: the tree or the error, and what was printed. */
struct result {
    struct arena a;
    struct ast_query q;
    struct parse_error err;
    bool ok;
    char *out;       /* diagnostics, then the JSON line */
    size_t out_len;
};

static void
print_error_json(FILE *out, const char *src, size_t len,
                 const struct parse_error *e)
{
    fputs("{\"error\":\"", out);
    for (const char *p = e->message; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', out);
        fputc(*p, out);
    }
    fprintf(out, "\",\"offset\":%zu}\n", diag_utf16_offset(src, len,
                                                         e->offset));
}

/* Parse 'len' bytes of 'src' as the file 'name' would be. */
static void
run(struct result *r, const char *name, const char *src, size_t len)
{
    struct diag_source dsrc = { .name = name, .text = src, .len = len };
    struct diag d;
    FILE *out;

    memset(r, 0, sizeof *r);
    arena_init(&r->a);
    out = open_memstream(&r->out, &r->out_len);
    diag_init(&d, out);
    r->ok = parse_query(&r->a, &d, &dsrc, src, len, &r->q, &r->err);
    if (r->ok) {
        ast_print_json(out, &r->q);
        fputc('\n', out);
    } else {
        print_error_json(out, src, len, &r->err);
    }
    assert_int_equal(d.nerrors, r->ok ? 0 : 1);
    fclose(out);
}

static void
done(struct result *r)
{
    arena_free(&r->a);
    free(r->out);
}

/* 'query' parses, and its JSON is 'json'. */
static void
check_json(const char *query, const char *json)
{
    struct result r;
    run(&r, "<q>", query, strlen(query));
    if (!r.ok || strncmp(r.out, json, strlen(json)))
        print_error("query %s\nexpected %s\ngot      %s", query, json, r.out);
    assert_true(r.ok);
    assert_int_equal(r.out_len, strlen(json) + 1);
    assert_memory_equal(r.out, json, strlen(json));
    done(&r);
}

/* 'query' fails at byte 'offset' with 'message'. */
static void
check_error(const char *query, size_t offset, const char *message)
{
    struct result r;
    run(&r, "<q>", query, strlen(query));
    if (r.ok)
        print_error("query %s parsed: %s", query, r.out);
    assert_false(r.ok);
    assert_int_equal(r.err.offset, offset);
    assert_string_equal(r.err.message, message);
    done(&r);
}

#define LIT(v) "{\"type\":\"literal\",\"value\":" v ",\"isQuoted\":false}"
#define QLIT(v) "{\"type\":\"literal\",\"value\":" v ",\"isQuoted\":true}"
#define WILD(v) "{\"type\":\"wildcard\",\"value\":" v "}"
#define FN(name, args) \
    "{\"type\":\"function\",\"function\":\"" name "\",\"arguments\":[" \
    args "]}"
#define IS(f, v) FN("is", f "," v)
#define FREE(v) IS(LIT("null"), v)
#define MARK "@kuery-wildcard@"

static void
test_keyword_as_value(void **state)
{
    (void)state;
    check_json("a or or b", FN("or", FREE(LIT("\"a\"")) ","
                                     FREE(LIT("\"or b\""))));
    check_json("a:( or b)", IS(LIT("\"a\""), LIT("\"or b\"")));
    check_json("not:1", IS(LIT("\"not\""), LIT("\"1\"")));
    check_json("a and or", FN("and", FREE(LIT("\"a\"")) ","
                                     FREE(LIT("\"or\""))));
}

static void
test_values(void **state)
{
    (void)state;
    check_json("a: * ", IS(LIT("\"a\""), WILD("\"" MARK "\"")));
    check_json("\"a\" : \"b\"", IS(QLIT("\"a\""), QLIT("\"b\"")));
    check_json("", IS(WILD("\"" MARK "\""), WILD("\"" MARK "\"")));
    check_json(" \t\n", IS(WILD("\"" MARK "\""), WILD("\"" MARK "\"")));
    check_json("a:tru\\u0065", IS(LIT("\"a\""), LIT("true")));
    check_json("a < *", FN("range", LIT("\"a\"") ",\"lt\","
                                    WILD("\"" MARK "\"")));
    check_json("a:\\uD83D", IS(LIT("\"a\""), LIT("\"\\ud83d\"")));
}

/* A direct chain is one node; a parenthesised operand stays whole. */
static void
test_chains(void **state)
{
    const char *a = FREE(LIT("\"a\"")), *b = FREE(LIT("\"b\""));
    char buf[1024];
    (void)state;

    snprintf(buf, sizeof buf, FN("and", "%s,%s,%s"), a, b,
             FREE(LIT("\"c\"")));
    check_json("a and b and c", buf);
    snprintf(buf, sizeof buf, FN("and", FN("and", "%s,%s") ",%s"), a, b,
             FREE(LIT("\"c\"")));
    check_json("(a and b) and c", buf);
    snprintf(buf, sizeof buf, FN("or", "%s,%s"), a, b);
    check_json("((a or b))", buf);
}

static void
test_value_lists(void **state)
{
    const char *fa = IS(LIT("\"f\""), LIT("\"a\""));
    const char *fb = IS(LIT("\"f\""), LIT("\"b\""));
    const char *fc = IS(LIT("\"f\""), LIT("\"c\""));
    char buf[2048];
    (void)state;

    snprintf(buf, sizeof buf, FN("or", "%s," FN("and", "%s," FN("not", "%s"))),
             fa, fb, fc);
    check_json("f:(a or (b and not c))", buf);
    snprintf(buf, sizeof buf, FN("not", "%s"), fa);
    check_json("f:(not a)", buf);
    snprintf(buf, sizeof buf, FN("not", FN("or", "%s,%s")), fa, fb);
    check_json("f:(not (a or b))", buf);
    check_json("f:((a))", fa);
}

static void
test_nested(void **state)
{
    (void)state;
    check_json("a:{ b:{ c < 1 } }",
               FN("nested", LIT("\"a\"") ","
                  FN("nested", LIT("\"b\"") ","
                     FN("range", LIT("\"c\"") ",\"lt\"," LIT("\"1\"")))));
}

/* The query's length is authoritative: NUL is an ordinary character. */
static void
test_nul_byte(void **state)
{
    struct result r;
    (void)state;
    run(&r, "<q>", "a:b\0c", 5);
    assert_true(r.ok);
    assert_string_equal(r.out, IS(LIT("\"a\""), LIT("\"b\\u0000c\"")) "\n");
    done(&r);

    run(&r, "<q>", "a:b\0c", 3);
    assert_true(r.ok);
    assert_string_equal(r.out, IS(LIT("\"a\""), LIT("\"b\"")) "\n");
    done(&r);
}

static void
check_span(struct span s, unsigned start, unsigned end)
{
    assert_int_equal(s.start, start);
    assert_int_equal(s.end, end);
}

/*
 *           1         2         3         4
 * 01234567890123456789012345678901234567890
 * a:1 and not (b:{c > 2} or d:(x or y))
 */
static void
test_spans(void **state)
{
    const char *query = "a:1 and not (b:{c > 2} or d:(x or y))";
    struct result r;
    struct ast_node *and_, *not_, *or_, *nested, *range, *list;
    (void)state;

    run(&r, "<q>", query, strlen(query));
    assert_true(r.ok);
    and_ = r.q.root;
    assert_int_equal(and_->kind, AST_AND);
    check_span(and_->span, 0, 37);
    check_span(and_->u.list.items[0]->span, 0, 3);
    check_span(and_->u.list.items[0]->u.is.field.span, 0, 1);
    check_span(and_->u.list.items[0]->u.is.value.span, 2, 3);
    not_ = and_->u.list.items[1];
    assert_int_equal(not_->kind, AST_NOT);
    check_span(not_->span, 8, 37);
    or_ = not_->u.child;
    assert_int_equal(or_->kind, AST_OR);
    check_span(or_->span, 13, 36);
    nested = or_->u.list.items[0];
    assert_int_equal(nested->kind, AST_NESTED);
    check_span(nested->span, 13, 22);
    check_span(nested->u.nested.field.span, 13, 14);
    range = nested->u.nested.query;
    assert_int_equal(range->kind, AST_RANGE);
    check_span(range->span, 16, 21);
    check_span(range->u.range.value.span, 20, 21);
    list = or_->u.list.items[1];
    assert_int_equal(list->kind, AST_OR);
    check_span(list->span, 26, 36);
    check_span(list->u.list.items[1]->span, 34, 35);
    check_span(list->u.list.items[1]->u.is.field.span, 26, 27);
    done(&r);
}

/* Free text has a null field with an empty span where the value starts. */
static void
test_free_text_span(void **state)
{
    struct result r;
    (void)state;
    run(&r, "<q>", "  hello world  ", 15);
    assert_true(r.ok);
    assert_int_equal(r.q.root->u.is.field.kind, AST_LIT_NULL);
    check_span(r.q.root->u.is.field.span, 2, 2);
    check_span(r.q.root->span, 2, 13);
    done(&r);
}

static void
test_error_offsets(void **state)
{
    (void)state;
    check_error("not not x", 4, "unexpected 'not', expected a value or '('");
    check_error("a:not b", 2,
                "unexpected 'not', expected a value, '(' or '{'");
    check_error("a:cannot x", 5,
                "unexpected 'not', expected 'and', 'or' or end of query");
    check_error("(a) b", 4,
                "unexpected value 'b', expected 'and', 'or' or end of query");
    check_error("f:>1", 2, "unexpected '>', expected a value, '(' or '{'");
    check_error("a:(b", 4, "unexpected end of query, expected 'and', 'or' "
                           "or ')'");
    check_error("()", 1, "unexpected ')', expected a value, '(' or 'not'");
    check_error("\"a\" \"b\"", 4,
                "unexpected value '\"b\"', expected ':', '<', '<=', '>', "
                "'>=', 'and', 'or' or end of query");
    check_error("x and not ", 10,
                "unexpected end of query, expected a value or '('");
    check_error("f:\"x", 2,
                "unterminated quoted string, expected a closing '\"'");
    check_error("a:b\\", 3, "unfinished escape at end of query");
    check_error("a:\\u12", 2,
                "invalid escape '\\u', expected 4 hexadecimal digits");
    check_error("ab\xFF", 2, "invalid UTF-8 byte 0xff");
}

static void
test_long_value_not_quoted_in_message(void **state)
{
    (void)state;
    check_error("(a) xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 4,
                "unexpected value, expected 'and', 'or' or end of query");
}

/* Nesting past the limit is a clear error, never a stack overflow. */
static void
test_deep_nesting(void **state)
{
    size_t n = 10000;
    char *q = malloc(2 * n + 2);
    struct result r;
    char msg[64];
    (void)state;

    memset(q, '(', n);
    q[n] = 'a';
    memset(q + n + 1, ')', n);
    q[2 * n + 1] = '\0';
    snprintf(msg, sizeof msg, "query nests deeper than %d levels",
             PARSE_MAX_DEPTH);
    check_error(q, PARSE_MAX_DEPTH, msg);

    /* at the limit it parses */
    memmove(q, q + n - PARSE_MAX_DEPTH,
            2 * PARSE_MAX_DEPTH + 1);
    q[2 * PARSE_MAX_DEPTH + 1] = '\0';
    run(&r, "<q>", q, strlen(q));
    assert_true(r.ok);
    done(&r);
    free(q);
}

/* Without a diagnostic sink or a source the error is still returned. */
static void
test_no_sink(void **state)
{
    struct arena a;
    struct ast_query q;
    struct parse_error err;
    (void)state;

    arena_init(&a);
    assert_false(parse_query(&a, NULL, NULL, "a:", 2, &q, &err));
    assert_int_equal(err.offset, 2);
    assert_true(parse_query(&a, NULL, NULL, "a:b", 3, &q, NULL));
    assert_int_equal(q.root->kind, AST_IS);
    assert_int_equal(q.len, 3);
    arena_free(&a);
}

/* The exact diagnostic: position, message, source line and caret. */
static void
test_diagnostic_text(void **state)
{
    struct result r;
    const char *crlf = "a:1 or\r\n  b:2 c:3\r\n";
    (void)state;

    run(&r, "rule.kql", crlf, strlen(crlf));
    assert_string_equal(r.out,
        "rule.kql:2:8: error: unexpected ':', expected 'and', 'or' or end "
        "of query\n"
        "      b:2 c:3\n"
        "           ^\n"
        "{\"error\":\"unexpected ':', expected 'and', 'or' or end of "
        "query\",\"offset\":15}\n");
    done(&r);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static bool
update_wanted(const char *name)
{
    const char *u = getenv("KQLC_UPDATE_GOLDEN");
    return u && (!strcmp(u, "all") || !strcmp(u, name));
}

/* Check (or rewrite) one golden case; returns false on a mismatch. */
static bool
golden_case(const char *name)
{
    char in_path[512], out_path[512];
    size_t in_len, want_len = 0;
    struct result r;
    char *src, *want;
    bool same;

    snprintf(in_path, sizeof in_path, GOLDEN_DIR "/%s.kql", name);
    snprintf(out_path, sizeof out_path, GOLDEN_DIR "/%s.out", name);
    src = slurp(in_path, &in_len);
    assert_non_null(src);
    run(&r, in_path, src, in_len);
    want = slurp(out_path, &want_len);
    same = want && want_len == r.out_len && !memcmp(want, r.out, want_len);
    if (!same && update_wanted(name)) {
        FILE *f = fopen(out_path, "wb");
        assert_non_null(f);
        fwrite(r.out, 1, r.out_len, f);
        fclose(f);
        print_message("rewrote %s\n", out_path);
        same = true;
    } else if (!same) {
        print_error("%s: expected\n%sgot\n%s", name, want ? want : "",
                    r.out);
    }
    free(want);
    free(src);
    done(&r);
    return same;
}

static void
test_golden(void **state)
{
    DIR *dir = opendir(GOLDEN_DIR);
    struct dirent *e;
    int n = 0, bad = 0;
    (void)state;

    if (!dir) {
        print_message("no %s here (run from the repository root)\n",
                      GOLDEN_DIR);
        skip();
    }
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".kql"))
            continue;
        e->d_name[len - 4] = '\0';
        n++;
        bad += !golden_case(e->d_name);
    }
    closedir(dir);
    assert_true(n > 0);
    assert_int_equal(bad, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyword_as_value),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_chains),
        cmocka_unit_test(test_value_lists),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_free_text_span),
        cmocka_unit_test(test_error_offsets),
        cmocka_unit_test(test_long_value_not_quoted_in_message),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_no_sink),
        cmocka_unit_test(test_diagnostic_text),
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
