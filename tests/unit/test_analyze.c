/*
 * test_analyze.c - the standard analyzer, and the runtime's tests on
 * analysed text fields.
 *
 * The analyzer's verdicts come from the Elasticsearch documentation of
 * the standard tokenizer and analyzer (their examples, quoted) and from
 * the behaviour Lucene's StandardTokenizer documents and tests (UAX #29
 * word boundaries, the kinds of tokens it keeps, max_token_length); the
 * rest are worked out by hand from those rules, one reason each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "krt_analyze.h"
#include "runtime_test.h"

/* ------------------------------------------------------- analyzer */

struct joined {
    char text[4096];
    size_t len;
    int n;
};

static bool
join_token(void *ctx, const char *token, size_t len)
{
    struct joined *j = ctx;

    if (j->n++ > 0 && j->len + 1 < sizeof j->text)
        j->text[j->len++] = '|';
    if (j->len + len < sizeof j->text) {
        memcpy(j->text + j->len, token, len);
        j->len += len;
    }
    j->text[j->len] = '\0';
    return true;
}

/* The tokens of 's' with tokens of at most 'max' units, joined by '|'. */
static const char *
tokens_max(const char *s, unsigned max)
{
    static struct joined j;

    memset(&j, 0, sizeof j);
    assert_true(krt_analyze_max(s, strlen(s), max, join_token, &j));
    return j.text;
}

static const char *
tokens(const char *s)
{
    return tokens_max(s, KRT_MAX_TOKEN);
}

struct tcase {
    const char *text;
    const char *want;
};

static void
check_cases(const struct tcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = tokens(c[i].text);

        if (strcmp(got, c[i].want) != 0)
            fail_msg("'%s': tokens '%s', want '%s'", c[i].text, got,
                     c[i].want);
    }
}

#define CHECK(cases) check_cases(cases, sizeof cases / sizeof cases[0])

/* The examples of Elasticsearch's documentation. */
static void
test_es_examples(void **state)
{
    (void)state;
    /* Standard analyzer: the tokenizer's example, lower-cased. */
    assert_string_equal(
        tokens("The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."),
        "the|2|quick|brown|foxes|jumped|over|the|lazy|dog's|bone");
    /* max_token_length 5: "jumped" is split at 5. */
    assert_string_equal(
        tokens_max("The 2 QUICK Brown-Foxes jumped over the lazy dog's "
                   "bone.", 5),
        "the|2|quick|brown|foxes|jumpe|d|over|the|lazy|dog's|bone");
    /* The uax_url_email page shows what standard does with an e-mail. */
    assert_string_equal(
        tokens("Email me at john.smith@global-international.com"),
        "email|me|at|john.smith|global|international.com");
}

/* Letters, digits and the connectors UAX #29 keeps inside a word. */
static void
test_words_and_numbers(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        { "B2B 2B", "b2b|2b" },
        { "some-dashed-phrase", "some|dashed|phrase" },
        { "dogs,chase,cats", "dogs|chase|cats" },
        { "ac/dc", "ac|dc" },
        { "O'Reilly you're O'Reilly's don't",
          "o'reilly|you're|o'reilly's|don't" },
        /* A trailing apostrophe is no part of the word. */
        { "the dogs' bones", "the|dogs|bones" },
        { "21.35 R2D2 C3PO", "21.35|r2d2|c3po" },
        { "216.239.63.104", "216.239.63.104" },
        { "1,000 1,000.5 3.14", "1,000|1,000.5|3.14" },
        { "David has 5000 bones", "david|has|5000|bones" },
        { "foo      bar .  FOO <> BAR", "foo|bar|foo|bar" },
        { "\"QUOTED\" word", "quoted|word" },
        /* ':' is MidLetter, '.' MidNumLet, ',' MidNum: once inside. */
        { "A:B A::B", "a:b|a|b" },
        { "1.2 A.B 1..2 A..B", "1.2|a.b|1|2|a|b" },
        { "1,2 1,,2 A.:B 1.,2", "1,2|1|2|a|b|1|2" },
        { "A:B_A:B A:B_A::B", "a:b_a:b|a:b_a|b" },
        { "1.2_1..2 C_A.:B 3_1.,2", "1.2_1|2|c_a|b|3_1|2" },
        /* '_' joins; alone it is no token. */
        { "foo_bar __x__ ___ _", "foo_bar|__x__" },
        { "U.S.A. a.b.c.", "u.s.a|a.b.c" },
        { "x1.2y 1.x a'1", "x1.2y|1|x|a|1" },
        { "", "" },
        { ".", "" },
        { " \t\r\n", "" },
        { "!@#$%^&*()-=+[]{};<>?/\\|~`", "" },
    };

    CHECK(cases);
}

/* The strings of security events. */
static void
test_security_strings(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        { "C:\\Windows\\System32\\cmd.exe /c whoami",
          "c|windows|system32|cmd.exe|c|whoami" },
        { "http://www.example.com/path?q=1&x=y#frag",
          "http|www.example.com|path|q|1|x|y|frag" },
        { "powershell.exe -NoP -enc SQBFAFgA",
          "powershell.exe|nop|enc|sqbfafga" },
        { "function Invoke-Mimikatz { param($Command) }",
          "function|invoke|mimikatz|param|command" },
        { "[CVE-2020-0601]", "cve|2020|0601" },
        { "fe80::1 10.0.0.1:8080", "fe80|1|10.0.0.1|8080" },
        { "user@example.com", "user|example.com" },
        { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
          "hklm|software|microsoft|windows|currentversion|run" },
        { "/usr/bin/python3 -c 'import os'",
          "usr|bin|python3|c|import|os" },
        { "module verification failed: signature and/or required key "
          "missing - tainting kernel",
          "module|verification|failed|signature|and|or|required|key|"
          "missing|tainting|kernel" },
    };

    CHECK(cases);
}

/* Scripts: ideographs and hiragana one a token, katakana and hangul in
 * runs, Complex_Context (Thai, Lao) in runs, others by UAX #29. */
static void
test_scripts(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        { "我是中国人。 １２３４ Ｔｅｓｔｓ ",
          "我|是|中|国|人|１２３４|ｔｅｓｔｓ" },
        { "仮名遣い カタカナ", "仮|名|遣|い|カタカナ" },
        { "ひらがなー", "ひ|ら|が|な|ー" },
        { "안녕하세요 한글입니다 훈민정음", "안녕하세요|한글입니다|훈민정음" },
        { "𩬅艱鍟䇹愯瀛", "𩬅|艱|鍟|䇹|愯|瀛" },
        { "การที่ได้ต้องแสดงว่างานดี. แล้วเธอจะไปไหน? ๑๒๓๔",
          "การที่ได้ต้องแสดงว่างานดี|แล้วเธอจะไปไหน|๑๒๓๔" },
        { "ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
          "ສາທາລະນະລັດ|ປະຊາທິປະໄຕ|ປະຊາຊົນລາວ" },
        /* A Latin word and a Thai run stay apart; Thai digits too. */
        { "abcไทย๑๒", "abc|ไทย|๑๒" },
        { "Γράφεται σε wiki, κάτι", "γράφεται|σε|wiki|κάτι" },
        { "שו\"ת ש'", "שו\"ת|ש'" },
        { "الفيلم الوثائقي 2008.", "الفيلم|الوثائقي|2008" },
        { "Вики-проект", "вики|проект" },
        /* A combining mark stays with its letter. */
        { "moͤchte", "moͤchte" },
        /* Mixed scripts in one word: no boundary between letters. */
        { "abcабв", "abcабв" },
    };

    CHECK(cases);
}

/* Lower case is Character.toLowerCase, one code point at a time. */
static void
test_lower_case(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        { "ÉTÉ Ünïcödé", "été|ünïcödé" },
        /* No final sigma: Σ is σ wherever it stands. */
        { "ΟΔΟΣ", "οδοσ" },
        /* İ lowers to i alone (no combining dot: that is full mapping). */
        { "İstanbul", "istanbul" },
        /* The Kelvin sign lowers to an ASCII k. */
        { "\xe2\x84\xaa", "k" },
        /* Fullwidth letters lower to fullwidth letters. */
        { "ＡＢＣ", "ａｂｃ" },
        /* Ⓜ is a letter (ALetter) and lowers to ⓜ. */
        { "Ⓜ", "ⓜ" },
    };
    char out[64];

    CHECK(cases);
    assert_int_equal(krt_lowercase("Foo*BAR", 7, out), 7);
    assert_memory_equal(out, "foo*bar", 7);
    /* Ⱥ (two bytes) lowers to ⱥ (three). */
    assert_int_equal(krt_lowercase("\xc8\xba", 2, out), 3);
    assert_memory_equal(out, "\xe2\xb1\xa5", 3);
}

/* Emoji sequences are tokens (Lucene's EMOJI type). */
static void
test_emoji(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        { "💩 💩💩", "💩|💩|💩" },
        { "poo💩poo", "poo|💩|poo" },
        { "💩中國💩", "💩|中|國|💩" },
        /* ZWJ sequence, and with a skin tone modifier. */
        { "👩\u200d❤️\u200d👩", "👩\u200d❤️\u200d👩" },
        { "👨🏼\u200d⚕️", "👨🏼\u200d⚕️" },
        /* Flags pair regional indicators; a lone one is no token. */
        { "🇺🇸🇺🇸", "🇺🇸|🇺🇸" },
        { "🇫🇷🇩", "🇫🇷" },
        /* Keycaps; a text presentation selector is dropped. */
        { "#️⃣ 3️⃣", "#️⃣|3️⃣" },
        { "#\ufe0e", "" },
        { "3\ufe0e", "3\ufe0e" },
        { "\u2b55\ufe0e", "\u2b55" },
        { "\u2b55\ufe0e\u200d\u2b55\ufe0e", "\u2b55|\u200d\u2b55" },
        /* A tag sequence (the flag of England). */
        { "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
          "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f" },
        /* Extended_Pictographic symbols are emoji too. */
        { "Acme™ © ↔", "acme|™|©|↔" },
        /* A skin tone after a space stands alone, and is a token. */
        { "x 🏻", "x|🏻" },
        /* ZWJ joins a letter to an emoji only in UAX #29 (WB3c): the
         * grammar keeps the ZWJ with the letter, the emoji apart. */
        { "a\u200d👍b", "a\u200d|👍|b" },
    };

    CHECK(cases);
}

/* max_token_length: the longest prefix that is a token, then on. */
static void
test_long_tokens(void **state)
{
    (void)state;
    char in[1200], want[1200], b255[256];

    memset(b255, 'b', 255);
    b255[255] = '\0';
    /* Lucene's test: exactly 255 is whole, 256 is 255 then 1. */
    snprintf(in, sizeof in, "x %s %sb", b255, b255);
    snprintf(want, sizeof want, "x|%s|%s|b", b255, b255);
    assert_string_equal(tokens(in), want);
    assert_string_equal(tokens_max("ab cd toolong xy z", 5),
                        "ab|cd|toolo|ng|xy|z");
    /* The cut never ends on a connector: "ab.c" with 3 is "ab", "c". */
    assert_string_equal(tokens_max("ab.cd", 3), "ab|cd");
    assert_string_equal(tokens_max("a_b_c", 2), "a_|b_|c");
    /* With no token within reach, one character is skipped. */
    assert_string_equal(tokens_max("____ab", 3), "__a|b");
    /* A Complex_Context run is cut like any other run of letters. */
    assert_string_equal(tokens_max("กขคงจ", 2), "กข|คง|จ");
    /* A supplementary character is two units and is never split. */
    assert_string_equal(tokens_max("a𝐀b", 2), "a|𝐀|b");
    assert_string_equal(tokens_max("ab𝐀", 3), "ab|𝐀");
}

/* ------------------------------------------------- runtime tests */

enum { MSG, CMD, CMDTEXT, NUM };

static const struct krt_field fields[] = {
    [MSG] = { "message", KRT_MATCH_ONLY_TEXT, 0 },
    [CMD] = { "process.command_line", KRT_WILDCARD, 0 },
    [CMDTEXT] = { "process.command_line", KRT_MATCH_ONLY_TEXT, 0 },
    [NUM] = { "n", KRT_TEXT, 0 },
};

#define S(s) { sizeof(s) - 1, s }

static int
setup(void **state)
{
    struct rt *t = calloc(1, sizeof *t);

    if (!t)
        return -1;
    rt_open(t, fields, sizeof fields / sizeof fields[0]);
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    struct rt *t = *state;

    rt_close(t);
    free(t);
    return 0;
}

/* match: some token of some value is in the set. */
static void
test_any_token(void **state)
{
    struct rt *t = *state;
    static const struct krt_str fox[] = { S("fox") };
    static const struct krt_str set[] = { S("cat"), S("dog's") };
    struct krt_event *ev;

    ev = rt_event(t, "{\"message\":\"The quick brown FOX\"}");
    assert_true(krt_any_text_token(ev, MSG, fox, 1));
    assert_false(krt_any_text_token(ev, MSG, set, 2));
    ev = rt_event(t, "{\"message\":[\"a cat\", \"a fox\"]}");
    assert_true(krt_any_text_token(ev, MSG, fox, 1));
    assert_true(krt_any_text_token(ev, MSG, set, 2));
    /* An escape decodes before analysis: \u0046 is F. */
    ev = rt_event(t, "{\"message\":\"big \\u0046ox\"}");
    assert_true(krt_any_text_token(ev, MSG, fox, 1));
    /* The token is dog's: dog alone is none. */
    ev = rt_event(t, "{\"message\":\"the DOG'S bone\"}");
    assert_true(krt_any_text_token(ev, MSG, set, 2));
    /* Missing, null, empty and object values have no token. */
    ev = rt_event(t, "{\"other\":\"fox\"}");
    assert_false(krt_any_text_token(ev, MSG, fox, 1));
    ev = rt_event(t, "{\"message\":null}");
    assert_false(krt_any_text_token(ev, MSG, fox, 1));
    ev = rt_event(t, "{\"message\":[]}");
    assert_false(krt_any_text_token(ev, MSG, fox, 1));
    ev = rt_event(t, "{\"message\":{\"fox\":\"fox\"}}");
    assert_false(krt_any_text_token(ev, MSG, fox, 1));
}

/* A number or boolean is analysed as its text. */
static void
test_scalars(void **state)
{
    struct rt *t = *state;
    static const struct krt_str n[] = { S("1.50") };
    static const struct krt_str yes[] = { S("true") };
    struct krt_event *ev;

    ev = rt_event(t, "{\"n\":1.50}");
    assert_true(krt_any_text_token(ev, NUM, n, 1));
    ev = rt_event(t, "{\"n\":[true, 2]}");
    assert_true(krt_any_text_token(ev, NUM, yes, 1));
}

/* match_phrase: the tokens in a row, within one value. */
static void
test_phrase(void **state)
{
    struct rt *t = *state;
    static const struct krt_str brown_fox[] = { S("brown"), S("fox") };
    static const struct krt_str fox_brown[] = { S("fox"), S("brown") };
    static const struct krt_str quick_fox[] = { S("quick"), S("fox") };
    static const struct krt_str one[] = { S("quick") };
    struct krt_event *ev;

    ev = rt_event(t, "{\"message\":\"The quick Brown-Fox!\"}");
    assert_true(krt_any_text_phrase(ev, MSG, brown_fox, 2));
    assert_false(krt_any_text_phrase(ev, MSG, fox_brown, 2));
    assert_false(krt_any_text_phrase(ev, MSG, quick_fox, 2));
    assert_true(krt_any_text_phrase(ev, MSG, one, 1));
    /* Punctuation and spaces between the words do not matter. */
    ev = rt_event(t, "{\"message\":\"brown... (fox)\"}");
    assert_true(krt_any_text_phrase(ev, MSG, brown_fox, 2));
    /* Two array elements are 100 positions apart: no phrase across. */
    ev = rt_event(t, "{\"message\":[\"quick brown\", \"fox\"]}");
    assert_false(krt_any_text_phrase(ev, MSG, brown_fox, 2));
    ev = rt_event(t, "{\"message\":[\"x\", \"a brown fox\"]}");
    assert_true(krt_any_text_phrase(ev, MSG, brown_fox, 2));
    /* A phrase longer than the value. */
    ev = rt_event(t, "{\"message\":\"brown\"}");
    assert_false(krt_any_text_phrase(ev, MSG, brown_fox, 2));
}

/* Wildcard patterns match single tokens. */
static void
test_wild(void **state)
{
    struct rt *t = *state;
    static const struct krt_str mimi[] = { S(""), S("mimi"), S("") };
    static const struct krt_str dash[] = { S("invoke-"), S("") };
    static const struct krt_str exe[] = { S(""), S(".exe") };
    struct krt_event *ev;

    ev = rt_event(t, "{\"message\":\"Invoke-Mimikatz -Command\"}");
    assert_true(krt_any_text_wild(ev, MSG, mimi, 3));
    assert_false(krt_any_text_wild(ev, MSG, dash, 2));
    ev = rt_event(t, "{\"message\":\"ran C:\\\\x\\\\cmd.exe\"}");
    assert_true(krt_any_text_wild(ev, MSG, exe, 2));
}

/* A multi-field reads its parent's values; both types side by side. */
static void
test_multi_field(void **state)
{
    struct rt *t = *state;
    static const struct krt_str whole[] = { S("cmd.exe /c whoami") };
    static const struct krt_str who[] = { S("whoami") };
    static const struct krt_str pat[] = { S(""), S("/c"), S("") };
    struct krt_event *ev;

    ev = rt_event(t, "{\"process\":{\"command_line\":\"cmd.exe /c whoami\"}}");
    assert_true(krt_any_kw_in(ev, CMD, whole, 1));
    assert_false(krt_any_kw_in(ev, CMD, who, 1));
    assert_true(krt_any_text_token(ev, CMDTEXT, who, 1));
    assert_false(krt_any_text_token(ev, CMDTEXT, whole, 1));
    assert_true(krt_any_kw_wild(ev, CMD, pat, 3));
    assert_false(krt_any_text_wild(ev, CMDTEXT, pat, 3));
}

/* Each line is analysed anew: what one event cached never leaks into
 * the next, even at the same place in the line. */
static void
test_cache_per_event(void **state)
{
    struct rt *t = *state;
    static const struct krt_str aaa[] = { S("aaa") };
    static const struct krt_str bbb[] = { S("bbb") };
    struct krt_event *ev;

    for (int i = 0; i < 3; i++) {
        ev = rt_event(t, "{\"message\":\"aaa\"}");
        assert_true(krt_any_text_token(ev, MSG, aaa, 1));
        assert_true(krt_any_text_token(ev, MSG, aaa, 1));
        ev = rt_event(t, "{\"message\":\"bbb\"}");
        assert_false(krt_any_text_token(ev, MSG, aaa, 1));
        assert_true(krt_any_text_phrase(ev, MSG, bbb, 1));
    }
}

/* A value long enough to need the heap for its analysis. */
static void
test_long_value(void **state)
{
    struct rt *t = *state;
    static const struct krt_str last[] = { S("w2999") };
    static const struct krt_str pair[] = { S("w1500"), S("w1501") };
    size_t cap = 40000, n = 0;
    char *line = malloc(cap);
    struct krt_event *ev;

    assert_non_null(line);
    n += (size_t)snprintf(line, cap, "{\"message\":\"");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(line + n, cap - n, "W%d ", i);
    snprintf(line + n, cap - n, "\"}");
    ev = rt_event(t, line);
    assert_true(krt_any_text_token(ev, MSG, last, 1));
    assert_true(krt_any_text_phrase(ev, MSG, pair, 2));
    free(line);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_es_examples),
        cmocka_unit_test(test_words_and_numbers),
        cmocka_unit_test(test_security_strings),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_lower_case),
        cmocka_unit_test(test_emoji),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test_setup_teardown(test_any_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_per_event, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_value, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
