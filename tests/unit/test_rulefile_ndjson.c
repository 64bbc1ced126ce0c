/*
 * test_rulefile_ndjson.c - loading Kibana rule exports: one rule a line,
 * the summary object, bad lines among good ones, rules that are not KQL,
 * and queries whose escapes must still map to the file's columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "driver.h"
#include "rulefile.h"

/* One load: the arena, what was printed, and each record's kind. */
struct run {
    struct arena a;
    struct ptrvec rules;       /* RULEFILE_RULE records */
    int skipped, bad;
    enum rulefile_status status;
    char *out;                 /* diagnostics printed */
    size_t outlen;
    char dir[64];
    char path[96];
};

static void
count_record(void *ctx, enum rulefile_record what, struct rule *r)
{
    struct run *run = ctx;
    assert_non_null(r);
    if (what == RULEFILE_RULE)
        ptrvec_push(&run->a, &run->rules, r);
    else if (what == RULEFILE_SKIPPED)
        run->skipped++;
    else
        run->bad++;
}

/* Write 'text' to the file 'name' in a fresh directory and load it. */
static void
load_named(struct run *r, const char *name, const char *text)
{
    struct diag d;
    snprintf(r->dir, sizeof r->dir, "/tmp/kqlc-export-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->path, sizeof r->path, "%s/%s", r->dir, name);
    FILE *w = fopen(r->path, "w");
    assert_non_null(w);
    assert_int_equal(fputs(text, w) >= 0, 1);
    assert_int_equal(fclose(w), 0);

    FILE *f = open_memstream(&r->out, &r->outlen);
    assert_non_null(f);
    arena_init(&r->a);
    diag_init(&d, f);
    r->status = rulefile_each(&r->a, &d, r->path, count_record, r);
    fclose(f);
}

static void
load_text(struct run *r, const char *text)
{
    load_named(r, "export.ndjson", text);
}

static void
run_done(struct run *r)
{
    unlink(r->path);
    rmdir(r->dir);
    free(r->out);
    arena_free(&r->a);
}

static struct rule *
rule_at(struct run *r, size_t i)
{
    assert_true(i < r->rules.n);
    return r->rules.items[i];
}

/* The output holds the line 'PATH' followed by 'rest'. */
static void
expect_line(const struct run *r, const char *rest)
{
    char want[1024];
    snprintf(want, sizeof want, "%s%s\n", r->path, rest);
    if (!strstr(r->out, want))
        fail_msg("expected\n  %s\nin\n%s", want, r->out);
}

/* A rule line; 'extra' is spliced in after the common keys. */
#define RULE(name, id, extra) \
    "{\"name\":\"" name "\",\"rule_id\":\"" id "\",\"type\":\"query\"," \
    "\"language\":\"kuery\",\"risk_score\":21,\"severity\":\"low\"" \
    extra "}\n"

#define SUMMARY \
    "{\"exported_count\":2,\"exported_rules_count\":2,\"missing_rules\":[]," \
    "\"missing_rules_count\":0,\"exported_exceptions_list_count\":0," \
    "\"exported_exception_list_items_count\":0," \
    "\"missing_exception_list_item_count\":0," \
    "\"missing_exception_list_items\":[],\"missing_exception_lists\":[]," \
    "\"missing_exception_lists_count\":0," \
    "\"exported_action_connector_count\":0}\n"

/* A real export ends with a summary object: no rule, and no message. */
static void
test_summary_skipped(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE("One", "id-1", ",\"query\":\"a:1\"")
              RULE("Two", "id-2", ",\"query\":\"b:2\"") SUMMARY);
    assert_int_equal(r.status, RULEFILE_OK);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rules.n, 2);
    assert_int_equal(r.skipped + r.bad, 0);
    struct rule *two = rule_at(&r, 1);
    assert_string_equal(two->name, "Two");
    assert_string_equal(two->rule_id, "id-2");
    assert_string_equal(two->query, "b:2");
    assert_int_equal(two->risk_score, 21);
    assert_string_equal(two->severity, "low");
    assert_int_equal(two->line, 2);
    run_done(&r);
}

/* A line that is no JSON is reported at its line and column; the rules
 * around it still load. */
static void
test_broken_line(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE("One", "id-1", ",\"query\":\"a:1\"")
              "{\"name\":\"Two\",\"rule_id\":\"id-2\",tru}\n"
              RULE("Three", "id-3", ",\"query\":\"c:3\""));
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.rules.n, 2);
    assert_int_equal(r.bad, 1);
    assert_string_equal(rule_at(&r, 1)->name, "Three");
    assert_int_equal(rule_at(&r, 1)->line, 3);
    expect_line(&r, ":2:32: error: invalid JSON: string or '}' expected "
                "near 'tru'");
    assert_non_null(strstr(r.out, "\n    {\"name\":\"Two\",\"rule_id\":"
                           "\"id-2\",tru}\n"
                           "                                   ^^^\n"));
    run_done(&r);
}

/* Lines that are JSON but no rule: each one error, at the line. */
static void
test_not_rule_objects(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "[1, 2]\n"
              "{\"foo\":1}\n"
              "\n"
              "   \n"
              "{\"a\":1,\"a\":2}\n"
              RULE("One", "id-1", ",\"query\":\"a:1\""));
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.rules.n, 1);
    assert_int_equal(r.bad, 3);
    expect_line(&r, ":1:1: error: expected a rule (a JSON object), not an "
                "array");
    expect_line(&r, ":2:1: error: expected a rule: an object with "
                "'rule_id', 'name', 'type' and 'query'");
    expect_line(&r, ":5:8: error: invalid JSON: duplicate object key near "
                "'\"a\"'");
    assert_int_equal(rule_at(&r, 0)->line, 6);
    run_done(&r);
}

/* Rules in another language, or of a type without a KQL query, are
 * skipped with a note: no error, and the KQL rule still loads. */
static void
test_not_kql_skipped(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "{\"name\":\"Eql\",\"rule_id\":\"e\",\"type\":\"eql\","
              "\"language\":\"eql\",\"query\":\"process where true\","
              "\"risk_score\":1,\"severity\":\"low\"}\n"
              "{\"name\":\"Ml\",\"rule_id\":\"m\",\"type\":"
              "\"machine_learning\",\"anomaly_threshold\":50,"
              "\"risk_score\":1,\"severity\":\"low\"}\n"
              "{\"name\":\"Lucene\",\"rule_id\":\"l\",\"type\":\"query\","
              "\"language\":\"lucene\",\"query\":\"a:1\","
              "\"risk_score\":1,\"severity\":\"low\"}\n"
              RULE("Kql", "k", ",\"query\":\"a:1\""));
    assert_int_equal(r.status, RULEFILE_OK);
    assert_int_equal(r.skipped, 3);
    assert_int_equal(r.bad, 0);
    assert_int_equal(r.rules.n, 1);
    assert_string_equal(rule_at(&r, 0)->name, "Kql");
    expect_line(&r, ":1:53: note: rule 'Eql' skipped: not KQL (language "
                "'eql')");
    expect_line(&r, ":2:35: note: rule 'Ml' skipped: not KQL (type "
                "'machine_learning')");
    expect_line(&r, ":3:58: note: rule 'Lucene' skipped: not KQL (language "
                "'lucene')");
    assert_null(strstr(r.out, "error"));
    run_done(&r);
}

/* A type kqlc does not know is an error, as in a TOML file. */
static void
test_unknown_type(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "{\"name\":\"S\",\"rule_id\":\"s\",\"type\":\"saved_query\","
              "\"language\":\"kuery\",\"query\":\"a:1\",\"saved_id\":\"x\","
              "\"risk_score\":1,\"severity\":\"low\"}\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.bad, 1);
    expect_line(&r, ":1:34: error: rule 'S' has type 'saved_query'; kqlc "
                "compiles rules of type 'query', 'threshold', 'new_terms' "
                "and 'threat_match' only");
    run_done(&r);
}

/* Each missing key is reported, at the line's opening brace. */
static void
test_missing_keys(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE("One", "id-1", "")
              "{\"name\":\"Two\",\"type\":\"query\",\"language\":\"kuery\","
              "\"query\":\"a:1\",\"severity\":\"low\"}\n"
              RULE("Three", "id-3", ",\"query\":\"c:3\""));
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.bad, 2);
    assert_int_equal(r.rules.n, 1);
    assert_string_equal(rule_at(&r, 0)->name, "Three");
    expect_line(&r, ":1:1: error: missing key 'query' in the rule");
    expect_line(&r, ":2:1: error: missing key 'rule_id' in the rule");
    run_done(&r);
}

/* Mistyped and out-of-range values: reported at the value. */
static void
test_bad_values(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "{\"name\":\"B\",\"rule_id\":\"b\",\"type\":\"query\","
              "\"language\":\"kuery\",\"query\":\"a:1\",\"risk_score\":250,"
              "\"severity\":\"extreme\",\"tags\":[\"x\",3],"
              "\"threat\":[{\"framework\":\"MITRE ATT&CK\"}]}\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_line(&r, ":1:88: error: 'risk_score' is 250; expected 0 to 100");
    expect_line(&r, ":1:103: error: 'severity' is 'extreme'; expected "
                "'low', 'medium', 'high' or 'critical'");
    expect_line(&r, ":1:120: error: 'tags' must be an array of strings; "
                "element 2 is an integer");
    expect_line(&r, ":1:137: error: 'threat' element 1 must be an object "
                "with an object 'tactic'");
    run_done(&r);
}

/* Tactics come from 'threat'; techniques are not needed. */
static void
test_threat(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE("T", "t", ",\"query\":\"a:1\",\"threat\":[{"
              "\"framework\":\"MITRE ATT&CK\",\"technique\":[{\"id\":"
              "\"T1071\",\"name\":\"Application Layer Protocol\"}],"
              "\"tactic\":{\"id\":\"TA0011\",\"name\":\"Command and "
              "Control\",\"reference\":\"https://attack.mitre.org/tactics/"
              "TA0011/\"}}],\"index\":[\"logs-*\"],\"tags\":[\"Domain: "
              "Network\"]"));
    assert_int_equal(r.status, RULEFILE_OK);
    struct rule *t = rule_at(&r, 0);
    assert_int_equal(t->ntactics, 1);
    assert_string_equal(t->tactics[0].id, "TA0011");
    assert_string_equal(t->tactics[0].name, "Command and Control");
    assert_string_equal(t->tactics[0].reference,
                        "https://attack.mitre.org/tactics/TA0011/");
    assert_int_equal(t->nindex, 1);
    assert_string_equal(t->index[0], "logs-*");
    assert_int_equal(t->ntags, 1);
    run_done(&r);
}

/*
 * Each byte of the query comes from the file: the same byte, or the
 * backslash of the escape it was written as.
 */
static void
check_query_map(const struct rule *rule)
{
    const struct diag_source *s = &rule->query_src;
    assert_non_null(s->map);
    assert_ptr_equal(s->text, rule->file.text);
    for (size_t i = 0; i < rule->query_len; i++) {
        size_t at = diag_source_offset(s, (uint32_t)i);
        char q = rule->query[i], t = s->text[at];
        if (q != t && t != '\\')
            fail_msg("query byte %zu '%c' comes from '%c'", i, q, t);
    }
    /* one past the end: the closing quote */
    assert_int_equal(s->text[diag_source_offset(s, (uint32_t)
                                                rule->query_len)], '"');
}

/* Line and column of byte 'off' of the rule's query. */
static void
query_line_col(const struct rule *rule, size_t off, unsigned *line,
               unsigned *col)
{
    const struct diag_source *s = &rule->query_src;
    diag_line_col(s->text, s->len, diag_source_offset(s, (uint32_t)off),
                  line, col);
}

/* Escapes before a token (\", \n, \\, \u00e9, a surrogate pair) do not
 * move its column: the file's, on the rule's line. */
static void
test_escapes_map(void **state)
{
    struct run r = { 0 };
    unsigned line, col;
    (void)state;
    load_text(&r, RULE("One", "id-1", ",\"query\":\"a:1\"")
              RULE("Esc", "id-2", ",\"query\":\"user.name:\\\"x\\\\y\\\" "
                   "and\\nmsg:caf\\u00e9\\ud83d\\ude00 and host.name:h\""));
    assert_int_equal(r.status, RULEFILE_OK);
    struct rule *e = rule_at(&r, 1);
    assert_string_equal(e->query, "user.name:\"x\\y\" and\nmsg:caf\xC3\xA9"
                        "\xF0\x9F\x98\x80 and host.name:h");
    check_query_map(e);
    assert_string_equal(e->query_src.name, r.path);

    const char *text = e->file.text;
    const char *host = strstr(text, "host.name:h");
    size_t off = (size_t)(strstr(e->query, "host.name") - e->query);
    query_line_col(e, off, &line, &col);
    assert_int_equal(line, 2);
    const char *line2 = strchr(text, '\n') + 1;
    assert_int_equal(col, (unsigned)(host - line2) + 1);
    assert_int_equal(col, 162);

    /* both bytes of é come from the backslash of \u00e9 */
    off = (size_t)(strstr(e->query, "\xC3\xA9") - e->query);
    query_line_col(e, off + 1, &line, &col);
    assert_int_equal(col, (unsigned)(strstr(text, "\\u00e9") - line2) + 1);
    run_done(&r);
}

/* A query's error, through the driver, is reported at the file's line
 * and column, past the escapes before it. */
static void
test_query_error_position(void **state)
{
    struct run r = { 0 };
    char *out = NULL;
    size_t outlen = 0;
    struct diag d;
    struct ir_program p = { 0 };
    (void)state;
    load_text(&r, RULE("Bad", "id-1", ",\"query\":\"a:\\\"q\\\" and\\n"
                       "b:\\u00e9 and )\""));
    FILE *f = open_memstream(&out, &outlen);
    diag_init(&d, f);
    assert_false(driver_add_rule(&r.a, &d, &p, rule_at(&r, 0)));
    fclose(f);
    char want[256];
    snprintf(want, sizeof want, "%s:1:134: error: ", r.path);
    if (strncmp(out, want, strlen(want)) != 0)
        fail_msg("expected\n  %s...\ngot\n%s", want, out);
    free(out);
    run_done(&r);
}

/* Threshold rules compile their query, with the same warning as in a
 * TOML file; exception lists and filters are not applied, and say so. */
static void
test_type_and_exceptions_warn(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "{\"name\":\"Th\",\"rule_id\":\"th\",\"type\":\"threshold\","
              "\"language\":\"kuery\",\"query\":\"a:1\",\"risk_score\":1,"
              "\"severity\":\"low\",\"threshold\":{\"field\":[],"
              "\"value\":10},\"exceptions_list\":[{\"id\":\"x\","
              "\"list_id\":\"l\",\"type\":\"detection\","
              "\"namespace_type\":\"single\"}],\"filters\":[]}\n");
    assert_int_equal(r.status, RULEFILE_OK);
    assert_int_equal(r.rules.n, 1);
    assert_string_equal(rule_at(&r, 0)->type, "threshold");
    expect_line(&r, ":1:36: note: rule 'Th' has type 'threshold'; only "
                "its query is compiled and every event it selects is an "
                "alert");
    expect_line(&r, ":1:167: warning: rule 'Th' has exception lists; kqlc "
                "does not apply them and alerts on the events they exclude");
    assert_null(strstr(r.out, "has filters"));
    run_done(&r);
}

/* Exception lists and connectors an export carries: a note each. */
static void
test_export_companions(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE("One", "id-1", ",\"query\":\"a:1\"")
              "{\"list_id\":\"l\",\"type\":\"detection\",\"name\":\"L\","
              "\"namespace_type\":\"single\"}\n"
              "{\"item_id\":\"i\",\"list_id\":\"l\",\"entries\":[]}\n"
              "{\"id\":\"c\",\"type\":\"action\",\"attributes\":{}}\n");
    assert_int_equal(r.status, RULEFILE_OK);
    assert_int_equal(r.rules.n, 1);
    assert_int_equal(r.skipped + r.bad, 0);
    expect_line(&r, ":2:1: note: an exception list, not a rule: skipped");
    expect_line(&r, ":3:1: note: an exception list item, not a rule: "
                "skipped");
    expect_line(&r, ":4:1: note: an action connector, not a rule: skipped");
    run_done(&r);
}

/* CR LF line ends and a byte order mark: read as if absent. */
static void
test_crlf_and_bom(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "\xEF\xBB\xBF{\"name\":\"One\",\"rule_id\":\"1\",\"type\":"
              "\"query\",\"language\":\"kuery\",\"query\":\"a:1\","
              "\"risk_score\":1,\"severity\":\"low\"}\r\n"
              "{\"name\":\"Two\",\"rule_id\":\"2\",\"type\":\"query\","
              "\"language\":\"kuery\",\"query\":\"b:2\",\"risk_score\":1,"
              "\"severity\":\"low\"}\r\n");
    assert_int_equal(r.status, RULEFILE_OK);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rules.n, 2);
    check_query_map(rule_at(&r, 1));
    run_done(&r);
}

/* Two rules with one rule_id: one warning, at the second, naming the
 * first's line. */
static void
test_duplicate_ids(void **state)
{
    struct run r = { 0 };
    char *out = NULL;
    size_t outlen = 0;
    struct diag d;
    struct ptrvec seen = { 0 };
    int warned = 0;
    (void)state;
    load_text(&r, RULE("One", "same", ",\"query\":\"a:1\"")
              RULE("Two", "other", ",\"query\":\"a:1\"")
              RULE("Three", "same", ",\"query\":\"a:1\""));
    FILE *f = open_memstream(&out, &outlen);
    diag_init(&d, f);
    for (size_t i = 0; i < r.rules.n; i++) {
        warned += driver_warn_duplicate(&d, &seen, rule_at(&r, i));
        ptrvec_push(&r.a, &seen, rule_at(&r, i));
    }
    fclose(f);
    assert_int_equal(warned, 1);
    assert_int_equal(d.nwarnings, 1);
    char want[512];
    snprintf(want, sizeof want, "%s:3:27: warning: rule_id 'same' is also "
             "the rule_id of 'One' (%s:1): their alerts cannot be told "
             "apart\n", r.path, r.path);
    if (strncmp(out, want, strlen(want)) != 0)
        fail_msg("expected\n  %s\ngot\n%s", want, out);
    free(out);
    run_done(&r);
}

/* A .json file holding one rule over many lines is one record, and its
 * query still maps into the file. */
static void
test_pretty_json(void **state)
{
    struct run r = { 0 };
    unsigned line, col;
    (void)state;
    load_named(&r, "rule.json", "\n"
               "{\n"
               "  \"name\": \"Pretty\",\n"
               "  \"rule_id\": \"p\",\n"
               "  \"type\": \"query\",\n"
               "  \"language\": \"kuery\",\n"
               "  \"risk_score\": 21,\n"
               "  \"severity\": \"low\",\n"
               "  \"query\": \"a:1 and\\nsource.ip:10.0.0.1\"\n"
               "}\n");
    assert_int_equal(r.status, RULEFILE_OK);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rules.n, 1);
    struct rule *p = rule_at(&r, 0);
    assert_int_equal(p->line, 2);
    check_query_map(p);
    size_t off = (size_t)(strstr(p->query, "source.ip") - p->query);
    query_line_col(p, off, &line, &col);
    assert_int_equal(line, 9);
    assert_int_equal(col, 22);
    run_done(&r);
}

/* A file of one JSON value that is no rule: one error, one record. */
static void
test_whole_file_not_rule(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_named(&r, "rules.json", "[\n  {\"name\": \"x\"}\n]\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.bad, 1);
    expect_line(&r, ":1:1: error: expected a rule (a JSON object), not an "
                "array");
    run_done(&r);
}

/* A file with no rule at all says so. */
static void
test_empty_export(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "\n" SUMMARY);
    assert_int_equal(r.status, RULEFILE_OK);
    assert_int_equal(r.rules.n + r.skipped + r.bad, 0);
    char want[256];
    snprintf(want, sizeof want, "kqlc: warning: '%s' holds no rule\n",
             r.path);
    assert_string_equal(r.out, want);
    run_done(&r);
}

/* rulefile_read keeps the good rules of an export with a bad line. */
static void
test_read_keeps_good_rules(void **state)
{
    struct run r = { 0 };
    struct ptrvec rules = { 0 };
    struct diag d;
    FILE *devnull = fopen("/dev/null", "w");
    (void)state;
    load_text(&r, RULE("One", "id-1", ",\"query\":\"a:1\"") "oops\n");
    diag_init(&d, devnull);
    assert_int_equal(rulefile_read(&r.a, &d, r.path, &rules),
                     RULEFILE_REJECTED);
    assert_int_equal(rules.n, 1);
    assert_int_equal(d.nerrors, 1);
    fclose(devnull);
    run_done(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_skipped),
        cmocka_unit_test(test_broken_line),
        cmocka_unit_test(test_not_rule_objects),
        cmocka_unit_test(test_not_kql_skipped),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_threat),
        cmocka_unit_test(test_escapes_map),
        cmocka_unit_test(test_query_error_position),
        cmocka_unit_test(test_type_and_exceptions_warn),
        cmocka_unit_test(test_export_companions),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_pretty_json),
        cmocka_unit_test(test_whole_file_not_rule),
        cmocka_unit_test(test_empty_export),
        cmocka_unit_test(test_read_keeps_good_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
