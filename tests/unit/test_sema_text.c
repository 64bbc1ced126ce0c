/*
 * test_sema_text.c - typing values of text and match_only_text fields:
 * match and match_phrase of analysed tokens, values with no token,
 * wildcards as query_string reads them, multi-fields, and the queries
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"
#include "sema.h"
#include "sema_text.h"

struct typed {
    int nerrors;
    struct arena a;
    struct ir_program p;
    struct ir_node *root;
    char *diags;
    size_t diags_len;
    char *ir;
    size_t ir_len;
};

/* Parse and type 'query' as rule "q"; diagnostics and the IR dump are
 * kept.  'werror' turns warnings into errors. */
static void
type_query(struct typed *t, const char *query, bool werror)
{
    memset(t, 0, sizeof *t);
    arena_init(&t->a);
    FILE *out = open_memstream(&t->diags, &t->diags_len);
    struct diag d;
    diag_init(&d, out);
    d.werror = werror;
    struct diag_source src = { .name = "<q>", .text = query,
                               .len = strlen(query) };
    struct ast_query q;
    if (parse_query(&t->a, &d, &src, query, strlen(query), &q, NULL))
        t->root = sema_query(&t->a, &d, &src, &t->p, &q);
    fclose(out);
    t->nerrors = d.nerrors;
    if (!t->root)
        return;
    struct ir_rule *r = arena_alloc(&t->a, sizeof *r);
    r->name = "q";
    r->rule_id = "q";
    r->root = t->root;
    ptrvec_push(&t->a, &t->p.rules, r);
    out = open_memstream(&t->ir, &t->ir_len);
    ir_dump(out, &t->p);
    fclose(out);
}

static void
typed_free(struct typed *t)
{
    arena_free(&t->a);
    free(t->diags);
    free(t->ir);
}

/* 'query' types to the IR dump 'want', with no diagnostic. */
static void
check_ir(const char *query, const char *want)
{
    struct typed t;

    type_query(&t, query, false);
    if (!t.root || t.diags_len)
        fail_msg("'%s' was not typed cleanly:\n%s", query,
                 t.diags ? t.diags : "");
    if (strcmp(t.ir, want) != 0)
        fail_msg("'%s' typed to:\n%swant:\n%s", query, t.ir, want);
    typed_free(&t);
}

/* 'query' is refused with a message holding 'want'. */
static void
check_error(const char *query, const char *want)
{
    struct typed t;

    type_query(&t, query, false);
    assert_null(t.root);
    if (!t.diags || !strstr(t.diags, want))
        fail_msg("'%s': want an error with '%s', got:\n%s", query, want,
                 t.diags ? t.diags : "");
    typed_free(&t);
}

#define MSG "field 0 message type=16\nrule 'q' q\n"

/* Unquoted: match, any token; quoted: match_phrase, the tokens in a
 * row; both analysed as the field's values are. */
static void
test_match_and_phrase(void **state)
{
    (void)state;
    check_ir("message:Mimikatz", MSG "  text_any message \"mimikatz\"\n");
    check_ir("message:Invoke-Mimikatz",
             MSG "  text_any message \"invoke\" \"mimikatz\"\n");
    check_ir("message:\"Invoke-Mimikatz\"",
             MSG "  text_phrase message \"invoke\" \"mimikatz\"\n");
    /* A phrase keeps its order and its repeats. */
    check_ir("message:\"b a b\"",
             MSG "  text_phrase message \"b\" \"a\" \"b\"\n");
    /* A phrase of one token is a match of that token. */
    check_ir("message:\"[Mimikatz]\"", MSG "  text_any message \"mimikatz\"\n");
    /* true and false are words like any other. */
    check_ir("message:TRUE", MSG "  text_any message \"true\"\n");
    /* Escapes decode before analysis. */
    check_ir("message:\"\\u0041BC\"", MSG "  text_any message \"abc\"\n");
    /* Under 'or' the token sets of one field merge; phrases do not. */
    check_ir("message:(foo or Bar or \"c d\") or message:foo",
             MSG "  or\n    text_any message \"bar\" \"foo\"\n"
                 "    text_phrase message \"c\" \"d\"\n");
    /* Under 'and' they stay apart. */
    check_ir("message:(foo and bar)",
             MSG "  and\n    text_any message \"foo\"\n"
                 "    text_any message \"bar\"\n");
    check_ir("message:*", MSG "  exists message\n");
}

/* A value with no token matches nothing (zero_terms_query none), with
 * a warning that -Werror makes an error. */
static void
test_no_token(void **state)
{
    (void)state;
    struct typed t;

    type_query(&t, "message:\"!!!\" or message:foo", false);
    assert_non_null(t.root);
    assert_non_null(strstr(t.diags, "warning: '!!!' has no word for text "
                                    "field 'message'"));
    assert_string_equal(t.ir, MSG "  text_any message \"foo\"\n");
    typed_free(&t);
    type_query(&t, "not message:\"-\"", false);
    assert_string_equal(t.ir, MSG "  true\n");
    typed_free(&t);
    type_query(&t, "message:\"!!!\"", true);
    assert_int_equal(t.nerrors, 1);
    assert_non_null(strstr(t.diags, "error: '!!!' has no word"));
    typed_free(&t);
}

/* Wildcards: query_string clauses, or-ed: plain ones analysed, others
 * lower-cased patterns over single tokens, '*' alone exists. */
static void
test_wildcards(void **state)
{
    (void)state;
    check_ir("message:Mimi*",
             MSG "  text_wild message \"mimi\" \"\"\n");
    check_ir("message:*Invoke-Mimi*",
             MSG "  text_wild message \"\" \"invoke-mimi\" \"\"\n");
    check_ir("message:foo* Bar-Baz *.EXE",
             MSG "  or\n    text_wild message \"foo\" \"\"\n"
                 "    text_wild message \"\" \".exe\"\n"
                 "    text_any message \"bar\" \"baz\"\n");
    check_ir("message:a**b",
             MSG "  text_wild message \"a\" \"\" \"b\"\n");
    check_ir("message:foo* *",
             MSG "  or\n    text_wild message \"foo\" \"\"\n"
                 "    exists message\n");
    check_ir("message:foo*\\t\\tbar",
             MSG "  or\n    text_wild message \"foo\" \"\"\n"
                 "    text_any message \"bar\"\n");
    /* A word query_string reads as an operator is refused. */
    check_error("message:(foo* OR)", "'OR' in a value with wildcards is "
                "an operator");
}

#define CMD(i) "field " #i " process.command_line.text type=16 " \
               "path=process.command_line\n"

/* A multi-field reads its parent's values; both in one rule are two
 * fields with one path. */
static void
test_multi_field(void **state)
{
    (void)state;
    check_ir("process.command_line.text:whoami",
             CMD(0) "rule 'q' q\n  text_any process.command_line.text "
                 "\"whoami\"\n");
    check_ir("process.command_line:*whoami* and "
             "process.command_line.text:\"cmd.exe /c\"",
             "field 0 process.command_line type=2\n" CMD(1)
             "rule 'q' q\n  and\n    kw_wild process.command_line \"\" "
             "\"whoami\" \"\"\n    text_phrase process.command_line.text "
             "\"cmd.exe\" \"c\"\n");
    assert_int_equal(sema_source_len("file.path.text", 14), 9);
    assert_int_equal(sema_source_len("message", 7), 7);
    assert_int_equal(sema_source_len("process.name", 12), 12);
}

/* What is refused: null, ranges on text. */
static void
test_refused(void **state)
{
    (void)state;
    check_error("message:null", "'null' is no value");
    check_error("message > foo", "ranges on text field 'message' "
                "(match_only_text) are not supported");
    check_error("error.message <= 2", "ranges on text field "
                "'error.message'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_and_phrase),
        cmocka_unit_test(test_no_token),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_multi_field),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
