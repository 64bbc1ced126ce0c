/*
 * test_text.c - decoding literal text: every escape, surrogates, JavaScript
 * trimming, wildcards beside white space, typed literals, UTF-8 checks and
 * JSON escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

struct fixture {
    struct arena a;
    struct text_builder tb;
    struct kql_text out;
    enum ast_lit_kind kind;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    arena_init(&f->a);
    text_builder_init(&f->tb);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    text_builder_free(&f->tb);
    arena_free(&f->a);
    free(f);
    return 0;
}

/* Append 's' as an escape sequence (NUL-terminated for convenience). */
static void
esc(struct fixture *f, const char *s)
{
    text_append_escape(&f->tb, s, strlen(s));
}

static void
raw(struct fixture *f, const char *s)
{
    text_append(&f->tb, s, strlen(s));
}

static void
finish(struct fixture *f, bool quoted)
{
    f->kind = text_finish(&f->tb, &f->a, quoted, &f->out);
}

/* The finished text is 'n' bytes of 'bytes' with 'nwild' wildcards. */
static void
check_text(struct fixture *f, const char *bytes, size_t n, size_t nwild,
           const uint32_t *wild)
{
    assert_int_equal(f->out.len, n);
    assert_memory_equal(f->out.bytes, bytes, n);
    assert_int_equal(f->out.bytes[n], '\0');
    assert_int_equal(f->out.nwild, nwild);
    for (size_t i = 0; i < nwild; i++)
        assert_int_equal(f->out.wild[i], wild[i]);
}

static void
check_string(struct fixture *f, const char *s)
{
    assert_int_equal(f->kind, AST_LIT_STRING);
    check_text(f, s, strlen(s), 0, NULL);
}

static void
test_whitespace_escapes(void **state)
{
    struct fixture *f = *state;
    raw(f, "a");
    esc(f, "\\t");
    esc(f, "\\r");
    esc(f, "\\n");
    raw(f, "b");
    finish(f, false);
    check_string(f, "a\t\r\nb");
}

static void
test_unicode_escapes_either_case(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\u00e9");
    raw(f, "t");
    esc(f, "\\u00E9");
    esc(f, "\\u0041");
    esc(f, "\\u20AC");
    finish(f, false);
    check_string(f, "\xC3\xA9t\xC3\xA9" "A\xE2\x82\xAC");
}

static void
test_unicode_escape_nul(void **state)
{
    struct fixture *f = *state;
    raw(f, "a");
    esc(f, "\\u0000");
    raw(f, "b");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_STRING);
    check_text(f, "a\0b", 3, 0, NULL);
}

/* U+1F600 is D83D DE00 in UTF-16: one character, four UTF-8 bytes. */
static void
test_surrogate_pair_combines(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\uD83D");
    esc(f, "\\ude00");
    finish(f, false);
    check_string(f, "\xF0\x9F\x98\x80");
}

static void
test_lone_surrogates_kept_as_wtf8(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\ud83d");
    raw(f, "x");
    esc(f, "\\uDE00");
    finish(f, false);
    check_string(f, "\xED\xA0\xBDx\xED\xB8\x80");
}

/* Two high halves then a low one: the first stays alone. */
static void
test_high_high_low(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\uD83D");
    esc(f, "\\uD83D");
    esc(f, "\\uDE00");
    finish(f, false);
    check_string(f, "\xED\xA0\xBD\xF0\x9F\x98\x80");
}

/* In Kibana a wildcard between the halves is a marker string, so the
 * halves never meet. */
static void
test_wildcard_separates_surrogates(void **state)
{
    struct fixture *f = *state;
    static const uint32_t wild[] = { 3 };
    esc(f, "\\uD83D");
    text_append_wildcard(&f->tb);
    esc(f, "\\uDE00");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_WILDCARD);
    check_text(f, "\xED\xA0\xBD\xED\xB8\x80", 6, 1, wild);
}

static void
test_escaped_specials(void **state)
{
    struct fixture *f = *state;
    static const char *const specials[] = {
        "\\\\", "\\(", "\\)", "\\:", "\\<", "\\>", "\\\"", "\\*", "\\{",
        "\\}",
    };
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
        esc(f, specials[i]);
    finish(f, false);
    check_string(f, "\\():<>\"*{}");
}

static void
test_escaped_keywords_keep_case(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\or");
    raw(f, " ");
    esc(f, "\\AND");
    raw(f, " ");
    esc(f, "\\NoT");
    finish(f, false);
    check_string(f, "or AND NoT");
}

static void
test_quoted_escapes(void **state)
{
    struct fixture *f = *state;
    raw(f, "  say ");
    esc(f, "\\\"");
    raw(f, "hi");
    esc(f, "\\\\");
    raw(f, "*");
    esc(f, "\\t");
    raw(f, "  ");
    finish(f, true);
    check_string(f, "  say \"hi\\*\t  ");
}

static void
test_quoted_null_is_a_string(void **state)
{
    struct fixture *f = *state;
    raw(f, "null");
    finish(f, true);
    check_string(f, "null");
}

static void
test_trim_ascii_and_escaped_space(void **state)
{
    struct fixture *f = *state;
    raw(f, " \t");
    esc(f, "\\n");
    raw(f, "a b");
    esc(f, "\\u0020");
    raw(f, "\v\f\r ");
    finish(f, false);
    check_string(f, "a b");
}

/* U+2003 EM SPACE and U+00A0 are trimmed by JavaScript's trim(). */
static void
test_trim_unicode_spaces(void **state)
{
    struct fixture *f = *state;
    raw(f, "\xE2\x80\x83\xC2\xA0" "b" "\xE3\x80\x80\xEF\xBB\xBF");
    esc(f, "\\u2028");
    finish(f, false);
    check_string(f, "b");
}

/* U+200B and U+180E are not white space for JavaScript. */
static void
test_trim_keeps_zero_width_space(void **state)
{
    struct fixture *f = *state;
    raw(f, "\xE2\x80\x8B" "b" "\xE1\xA0\x8E");
    finish(f, false);
    check_string(f, "\xE2\x80\x8B" "b" "\xE1\xA0\x8E");
}

static void
test_all_space_is_empty(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\t");
    raw(f, "  ");
    finish(f, false);
    check_string(f, "");
}

/* ' * ' is the wildcard alone: trimming runs up to it on both sides. */
static void
test_wildcard_between_spaces(void **state)
{
    struct fixture *f = *state;
    static const uint32_t wild[] = { 0 };
    raw(f, " ");
    text_append_wildcard(&f->tb);
    raw(f, " ");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_WILDCARD);
    check_text(f, "", 0, 1, wild);
}

/* Trimming never crosses a wildcard: inner spaces stay. */
static void
test_spaces_inside_wildcards_stay(void **state)
{
    struct fixture *f = *state;
    static const uint32_t wild[] = { 2, 3 };
    raw(f, "  a ");
    text_append_wildcard(&f->tb);
    raw(f, " ");
    text_append_wildcard(&f->tb);
    raw(f, " b  ");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_WILDCARD);
    check_text(f, "a   b", 5, 2, wild);
}

static void
test_adjacent_wildcards(void **state)
{
    struct fixture *f = *state;
    static const uint32_t wild[] = { 1, 1 };
    raw(f, "a");
    text_append_wildcard(&f->tb);
    text_append_wildcard(&f->tb);
    raw(f, "b");
    finish(f, false);
    check_text(f, "ab", 2, 2, wild);
}

static void
test_escaped_star_is_no_wildcard(void **state)
{
    struct fixture *f = *state;
    raw(f, "a");
    esc(f, "\\*");
    finish(f, false);
    check_string(f, "a*");
}

/* Kibana splits a wildcard node's value on its marker, so the marker
 * written out in the text is a wildcard too; without '*' it is text. */
static void
test_marker_text_in_wildcard(void **state)
{
    struct fixture *f = *state;
    static const uint32_t wild[] = { 1, 1, 3 };
    raw(f, "x");
    text_append_wildcard(&f->tb);
    raw(f, "@kuery-wildcard@yz@kuery-wildcard@");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_WILDCARD);
    check_text(f, "xyz", 3, 3, wild);

    raw(f, "@kuery-wildcard@");
    finish(f, false);
    check_string(f, "@kuery-wildcard@");
}

static void
test_typed_literals(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *text;
        enum ast_lit_kind kind;
    } cases[] = {
        { "null", AST_LIT_NULL }, { " true ", AST_LIT_TRUE },
        { "false", AST_LIT_FALSE }, { "True", AST_LIT_STRING },
        { "NULL", AST_LIT_STRING }, { "nul", AST_LIT_STRING },
        { "falsey", AST_LIT_STRING },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw(f, cases[i].text);
        finish(f, false);
        assert_int_equal(f->kind, cases[i].kind);
    }
    raw(f, "nu");
    text_append_wildcard(&f->tb);
    raw(f, "ll");
    finish(f, false);
    assert_int_equal(f->kind, AST_LIT_WILDCARD);
}

static void
test_builder_reuse(void **state)
{
    struct fixture *f = *state;
    esc(f, "\\uD83D");
    finish(f, false);
    esc(f, "\\uDE00");
    finish(f, false);
    check_string(f, "\xED\xB8\x80");
}

static void
test_utf8_check(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        size_t bad;
    } cases[] = {
        { "plain", 5, 5 },
        { "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9, 9 },
        { "a\0b", 3, 3 },
        { "ab\xFF", 3, 2 },
        { "\xC0\x80", 2, 0 },         /* overlong NUL */
        { "\xE0\x80\x80", 3, 0 },     /* overlong */
        { "x\xED\xA0\x80", 4, 1 },    /* surrogate */
        { "\xF4\x90\x80\x80", 4, 0 }, /* past U+10FFFF */
        { "ab\xE2\x82", 4, 2 },       /* cut short */
        { "\x80", 1, 0 },             /* lone continuation */
        { "\xC3(", 2, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(text_utf8_check(cases[i].s, cases[i].n),
                         cases[i].bad);
}

static void
test_utf8_decode_encode(void **state)
{
    static const uint32_t cps[] = {
        0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0xD800, 0xDFFF, 0xFFFF,
        0x10000, 0x1F600, 0x10FFFF,
    };
    (void)state;
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        uint32_t cp = 0xFFFFFFFF;
        size_t n = text_utf8_encode(cps[i], buf);
        assert_int_equal(text_utf8_decode(buf, n, &cp), n);
        assert_int_equal(cp, cps[i]);
        assert_int_equal(text_utf8_decode(buf, n - 1, &cp), 0);
    }
}

static void
test_js_space_prefix_suffix(void **state)
{
    const char *s = "\xC2\xA0 \xE2\x80\x83x\xE2\x80\x83\t";
    size_t n = strlen(s);
    (void)state;
    assert_int_equal(text_js_space_prefix(s, n), 6);
    assert_int_equal(text_js_space_suffix(s, n), 4);
    assert_int_equal(text_js_space_prefix("x", 1), 0);
    assert_int_equal(text_js_space_suffix("", 0), 0);
    /* a cut sequence at the end is no space */
    assert_int_equal(text_js_space_suffix("a\x80\x83", 3), 0);
    assert_true(text_is_js_space(0x205F));
    assert_true(text_is_js_space(0x200A));
    assert_false(text_is_js_space(0x200B));
    assert_false(text_is_js_space(0x85));
}

static void
test_json_escape(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    static const char in[] =
        "a\"b\\c\n\x01\xC3\xA9\xED\xA0\xBD\xF0\x9F\x98\x80";
    (void)state;

    text_json_escape(out, in, sizeof in - 1);
    text_json_escape(out, "\0", 1);
    fclose(out);
    assert_string_equal(buf, "a\\\"b\\\\c\\u000a\\u0001\xC3\xA9\\ud83d"
                             "\xF0\x9F\x98\x80\\u0000");
    free(buf);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_whitespace_escapes),
        T(test_unicode_escapes_either_case),
        T(test_unicode_escape_nul),
        T(test_surrogate_pair_combines),
        T(test_lone_surrogates_kept_as_wtf8),
        T(test_high_high_low),
        T(test_wildcard_separates_surrogates),
        T(test_escaped_specials),
        T(test_escaped_keywords_keep_case),
        T(test_quoted_escapes),
        T(test_quoted_null_is_a_string),
        T(test_trim_ascii_and_escaped_space),
        T(test_trim_unicode_spaces),
        T(test_trim_keeps_zero_width_space),
        T(test_all_space_is_empty),
        T(test_wildcard_between_spaces),
        T(test_spaces_inside_wildcards_stay),
        T(test_adjacent_wildcards),
        T(test_escaped_star_is_no_wildcard),
        T(test_marker_text_in_wildcard),
        T(test_typed_literals),
        T(test_builder_reuse),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_decode_encode),
        cmocka_unit_test(test_js_space_prefix_suffix),
        cmocka_unit_test(test_json_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
