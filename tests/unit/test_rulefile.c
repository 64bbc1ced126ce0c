/*
 * test_rulefile.c - loading Elastic detection-rules TOML files: the
 * project's rule, the shared one, and each way a file is rejected, with
 * the exact diagnostics.
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
#include "rulefile.h"

#define PORT26 "command_and_control_smtp_to_the_internet_port_26.toml"

/* One load: the arena, what was printed, and what came back. */
struct run {
    struct arena a;
    struct ptrvec rules;
    enum rulefile_status status;
    char *out;       /* diagnostics printed */
    size_t outlen;
    char path[64];   /* temporary file, when the test wrote one */
};

static void
load_path(struct run *r, const char *path)
{
    struct diag d;
    FILE *f = open_memstream(&r->out, &r->outlen);
    assert_non_null(f);
    arena_init(&r->a);
    memset(&r->rules, 0, sizeof r->rules);
    diag_init(&d, f);
    r->status = rulefile_read(&r->a, &d, path, &r->rules);
    fclose(f);
}

/* Write 'toml' to a temporary file and load it. */
static void
load_text(struct run *r, const char *toml)
{
    /* mkstemp() replaces the six trailing X */
    int n = snprintf(r->path, sizeof r->path, "/tmp/kqlc-rulefile-");
    memset(r->path + n, 'X', 6);
    r->path[n + 6] = '\0';
    int fd = mkstemp(r->path);
    assert_true(fd >= 0);
    size_t len = strlen(toml);
    assert_int_equal(write(fd, toml, len), (ssize_t)len);
    close(fd);
    load_path(r, r->path);
}

static void
run_done(struct run *r)
{
    if (r->path[0])
        unlink(r->path);
    free(r->out);
    arena_free(&r->a);
}

static struct rule *
only_rule(struct run *r)
{
    if (r->status != RULEFILE_OK)
        fail_msg("load failed:\n%s", r->out);
    assert_int_equal(r->rules.n, 1);
    return r->rules.items[0];
}

/* The first line printed is 'PATH' followed by 'rest'. */
static void
expect_first_line(const struct run *r, const char *rest)
{
    char want[1024];
    snprintf(want, sizeof want, "%s%s", r->path, rest);
    size_t n = strcspn(r->out, "\n");
    if (n != strlen(want) || memcmp(r->out, want, n) != 0)
        fail_msg("expected\n  %s\ngot\n%s", want, r->out);
}

/* Line and column where byte 'off' of the query of 'rule' is shown. */
static void
query_line_col(const struct rule *rule, size_t off, unsigned *line,
               unsigned *col)
{
    const struct diag_source *s = &rule->query_src;
    diag_line_col(s->text, s->len, diag_source_offset(s, (uint32_t)off),
                  line, col);
}

/*
 * Each byte of the query comes from the source text: the same byte, or
 * (through a map) the backslash of an escape or the CR of a CR LF.
 */
static void
check_query_src(const struct rule *rule)
{
    const struct diag_source *s = &rule->query_src;
    assert_non_null(s->text);
    for (size_t i = 0; i < rule->query_len; i++) {
        size_t at = diag_source_offset(s, (uint32_t)i);
        assert_true(at < s->len);
        char q = rule->query[i], t = s->text[at];
        if (q != t && !(s->map && (t == '\\' || (q == '\n' && t == '\r'))))
            fail_msg("query byte %zu '%c' comes from '%c'", i, q, t);
    }
}

static size_t
offset_of(const struct rule *rule, const char *needle)
{
    const char *p = strstr(rule->query, needle);
    assert_non_null(p);
    return (size_t)(p - rule->query);
}

static void
test_project_rule(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_path(&r, "rules/" PORT26);
    struct rule *rule = only_rule(&r);
    assert_string_equal(r.out, "");
    assert_string_equal(rule->name, "SMTP to the Internet on Port 26/TCP");
    assert_string_equal(rule->rule_id,
                        "d7e62693-aab9-4f66-a21a-3d79ecdd603d");
    assert_int_equal(rule->risk_score, 21);
    assert_string_equal(rule->severity, "low");
    assert_string_equal(rule->type, "query");
    assert_string_equal(rule->language, "kuery");
    assert_non_null(rule->description);
    assert_int_equal(rule->nindex, 5);
    assert_string_equal(rule->index[1], "logs-panw.panos*");
    assert_int_equal(rule->ntags, 10);
    assert_string_equal(rule->tags[0], "Tactic: Command and Control");
    assert_int_equal(rule->ntactics, 2);
    assert_string_equal(rule->tactics[0].id, "TA0011");
    assert_string_equal(rule->tactics[0].name, "Command and Control");
    assert_string_equal(rule->tactics[1].id, "TA0010");
    assert_string_equal(rule->tactics[1].reference,
                        "https://attack.mitre.org/tactics/TA0010/");
    assert_int_equal(strncmp(rule->query, "(data_stream.dataset: (", 23), 0);
    assert_int_equal(rule->query_len, strlen(rule->query));
    assert_string_equal(rule->query + rule->query_len - 12,
                        "\"FF00::/8\")\n");
    run_done(&r);
}

/* The query's spans print as positions in the rule file. */
static void
test_query_span_mapping(void **state)
{
    struct run r = { 0 };
    unsigned line, col;
    (void)state;
    load_path(&r, "rules/" PORT26);
    struct rule *rule = only_rule(&r);
    check_query_src(rule);
    assert_string_equal(rule->query_src.name, "rules/" PORT26);
    assert_true(rule->query_src.len > rule->query_len);

    /* the newline after the opening ''' is not part of the query */
    query_line_col(rule, 0, &line, &col);
    assert_int_equal(line, 56);
    assert_int_equal(col, 1);
    query_line_col(rule, offset_of(rule, "destination.port:26"), &line,
                   &col);
    assert_int_equal(line, 57);
    assert_int_equal(col, 29);
    query_line_col(rule, offset_of(rule, "\"FE80::/10\""), &line, &col);
    assert_int_equal(line, 65);
    assert_int_equal(col, 14);
    run_done(&r);
}

static void
test_shared_rule(void **state)
{
    struct run r = { 0 };
    char path[4096];
    unsigned line, col;
    (void)state;
    const char *shared = getenv("KQLC_SHARED");
    snprintf(path, sizeof path, "%s/rules/" PORT26,
             shared && *shared ? shared : "../shared");
    if (access(path, R_OK) != 0) {
        print_message("skip: %s is absent (set KQLC_SHARED)\n", path);
        skip();
    }
    load_path(&r, path);
    struct rule *rule = only_rule(&r);
    assert_string_equal(rule->rule_id,
                        "d7e62693-aab9-4f66-a21a-3d79ecdd603d");
    assert_int_equal(rule->risk_score, 21);
    assert_int_equal(rule->ntactics, 2);
    assert_string_equal(rule->tactics[0].id, "TA0011");
    assert_string_equal(rule->tactics[1].id, "TA0010");
    check_query_src(rule);
    query_line_col(rule, offset_of(rule, "destination.port:26"), &line,
                   &col);
    assert_int_equal(line, 51);
    assert_int_equal(col, 29);
    run_done(&r);
}

/* A small valid rule; tests splice their own keys in. */
#define RULE_HEAD \
    "[metadata]\n" \
    "maturity = \"production\"\n" \
    "\n" \
    "[rule]\n" \
    "name = \"Test rule\"\n" \
    "rule_id = \"00000000-0000-0000-0000-000000000001\"\n"

#define RULE_BODY \
    "risk_score = 47\n" \
    "severity = \"medium\"\n" \
    "type = \"query\"\n" \
    "language = \"kuery\"\n"

static void
test_syntax_error(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY "tags = [\"a\" \"b\"]\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.rules.n, 0);
    expect_first_line(&r, ":11:13: error: invalid TOML while parsing "
                      "array: expected comma or closing ']', saw '\"'");
    assert_non_null(strstr(r.out, "\n    tags = [\"a\" \"b\"]\n"
                           "                ^\n"));
    run_done(&r);
}

static void
test_not_kql(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD
              "risk_score = 47\n"
              "severity = \"medium\"\n"
              "type = \"eql\"\n"
              "language = \"eql\"\n"
              "query = '''process where true'''\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_first_line(&r, ":10:12: error: rule 'Test rule' is written in "
                      "'eql'; kqlc compiles KQL ('kuery') rules only");
    /* one message for the fault, not a second one for the type */
    assert_null(strstr(r.out, "has type"));
    run_done(&r);
}

static void
test_unsupported_type(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD
              "risk_score = 47\n"
              "severity = \"medium\"\n"
              "type = \"machine_learning\"\n"
              "language = \"kuery\"\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_first_line(&r, ":9:8: error: rule 'Test rule' has type "
                      "'machine_learning'; kqlc compiles rules of type "
                      "'query', 'threshold', 'new_terms' and "
                      "'threat_match' only");
    /* the missing query goes unmentioned: the type says it all */
    assert_null(strstr(r.out, "'query' in"));
    run_done(&r);
}

/* A threshold rule compiles, with a note that the threshold is not
 * applied (the detector says so again when it starts). */
static void
test_threshold_notes(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD
              "risk_score = 47\n"
              "severity = \"medium\"\n"
              "type = \"threshold\"\n"
              "language = \"kuery\"\n"
              "query = 'event.category:authentication'\n");
    struct rule *rule = only_rule(&r);
    assert_string_equal(rule->type, "threshold");
    expect_first_line(&r, ":9:8: note: rule 'Test rule' has type "
                      "'threshold'; only its query is compiled and every "
                      "event it selects is an alert");
    run_done(&r);
}

static void
test_missing_query(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY);
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_first_line(&r, ":4:1: error: missing key 'query' in '[rule]'");
    assert_non_null(strstr(r.out, "\n    [rule]\n    ^^^^^^\n"));
    run_done(&r);
}

static void
test_missing_rule_table(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "[metadata]\nmaturity = \"production\"\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_first_line(&r, ":1:1: error: missing table '[rule]'; expected "
                      "an Elastic detection rule");
    run_done(&r);
}

/* Every mistyped key is reported, each at its value. */
static void
test_wrong_types(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "[rule]\n"
              "name = 7\n"
              "rule_id = \"x\"\n"
              "risk_score = \"21\"\n"
              "severity = \"low\"\n"
              "type = \"query\"\n"
              "language = \"kuery\"\n"
              "tags = \"Domain: Endpoint\"\n"
              "index = [\"logs-*\", 3]\n"
              "query = ['destination.port:26']\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_int_equal(r.rules.n, 0);
    expect_first_line(&r, ":2:8: error: 'name' must be a string, not an "
                      "integer");
    char want[256];
    static const char *const rest[] = {
        ":4:14: error: 'risk_score' must be an integer, not a string\n",
        ":8:8: error: 'tags' must be an array of strings, not a string\n",
        ":9:20: error: 'index' must be an array of strings; element 2 is "
        "an integer\n",
        ":10:9: error: 'query' must be a string, not an array\n",
    };
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++) {
        snprintf(want, sizeof want, "\n%s%s", r.path, rest[i]);
        if (!strstr(r.out, want))
            fail_msg("expected\n  %s\nin\n%s", want + 1, r.out);
    }
    run_done(&r);
}

static void
test_bad_values(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD
              "risk_score = 250\n"
              "severity = \"extreme\"\n"
              "type = \"query\"\n"
              "language = \"kuery\"\n"
              "query = 'a:b'\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    assert_non_null(strstr(r.out, ":7:14: error: 'risk_score' is 250; "
                           "expected 0 to 100\n"));
    assert_non_null(strstr(r.out, ":8:12: error: 'severity' is 'extreme'; "
                           "expected 'low', 'medium', 'high' or "
                           "'critical'\n"));
    run_done(&r);
}

static void
test_tactic_missing(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY
              "query = 'a:b'\n"
              "\n"
              "[[rule.threat]]\n"
              "framework = \"MITRE ATT&CK\"\n");
    assert_int_equal(r.status, RULEFILE_REJECTED);
    expect_first_line(&r, ":13:1: error: missing table 'tactic' in "
                      "'[[rule.threat]]'");
    run_done(&r);
}

/* A one-line literal string maps into the file too. */
static void
test_literal_query_maps(void **state)
{
    struct run r = { 0 };
    unsigned line, col;
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY
              "query = 'destination.port:26 and not source.ip:10.0.0.0/8'\n");
    struct rule *rule = only_rule(&r);
    check_query_src(rule);
    assert_string_equal(rule->query_src.name, r.path);
    query_line_col(rule, offset_of(rule, "source.ip"), &line, &col);
    assert_int_equal(line, 11);
    assert_int_equal(col, 38);
    run_done(&r);
}

/* A basic string without escapes is verbatim as well. */
static void
test_basic_query_maps(void **state)
{
    struct run r = { 0 };
    unsigned line, col;
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY
              "query = \"\"\"\n"
              "host.name:web-01 and\n"
              "  process.name:sshd\n"
              "\"\"\"\n");
    struct rule *rule = only_rule(&r);
    check_query_src(rule);
    assert_string_equal(rule->query_src.name, r.path);
    query_line_col(rule, offset_of(rule, "process.name"), &line, &col);
    assert_int_equal(line, 13);
    assert_int_equal(col, 3);
    run_done(&r);
}

/* Escapes make the query differ from the file: each byte still maps to
 * where the file wrote it. */
static void
test_escaped_query_maps(void **state)
{
    struct run r = { 0 };
    unsigned line, col, qline, qcol;
    (void)state;
    load_text(&r, RULE_HEAD RULE_BODY
              "query = \"user.name:\\\"admin\\\" and\\nhost.name:db\"\n");
    struct rule *rule = only_rule(&r);
    assert_string_equal(rule->query,
                        "user.name:\"admin\" and\nhost.name:db");
    assert_string_equal(rule->query_src.name, r.path);
    check_query_src(rule);
    /* host.name stands on the line of 'query =', after the \n escape. */
    const char *text = rule->query_src.text;
    const char *at = strstr(text, "host.name:db");
    const char *key = strstr(text, "query = ");
    diag_line_col(text, rule->query_src.len, (size_t)(key - text), &qline,
                  &qcol);
    query_line_col(rule, offset_of(rule, "host.name"), &line, &col);
    assert_int_equal(line, qline);
    diag_line_col(text, rule->query_src.len, (size_t)(at - text), &qline,
                  &qcol);
    assert_int_equal(col, qcol);
    run_done(&r);
}

/* Line ends of CRLF files: toml++ gives LF, and each LF maps to its CR. */
static void
test_crlf_file(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_text(&r, "[rule]\r\nname = \"n\"\r\nrule_id = \"i\"\r\n"
              "risk_score = 1\r\nseverity = \"low\"\r\n"
              "type = \"query\"\r\nlanguage = \"kuery\"\r\n"
              "query = '''\r\na:b and\r\nc:d\r\n'''\r\n");
    struct rule *rule = only_rule(&r);
    check_query_src(rule);
    run_done(&r);
}

static void
test_unreadable(void **state)
{
    struct run r = { 0 };
    (void)state;
    load_path(&r, "/nonexistent/rule.toml");
    assert_int_equal(r.status, RULEFILE_IO_ERROR);
    assert_int_equal(r.rules.n, 0);
    assert_string_equal(r.out, "kqlc: error: cannot read "
                        "'/nonexistent/rule.toml': No such file or "
                        "directory\n");
    run_done(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_project_rule),
        cmocka_unit_test(test_query_span_mapping),
        cmocka_unit_test(test_shared_rule),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_not_kql),
        cmocka_unit_test(test_unsupported_type),
        cmocka_unit_test(test_threshold_notes),
        cmocka_unit_test(test_missing_query),
        cmocka_unit_test(test_missing_rule_table),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_tactic_missing),
        cmocka_unit_test(test_literal_query_maps),
        cmocka_unit_test(test_basic_query_maps),
        cmocka_unit_test(test_escaped_query_maps),
        cmocka_unit_test(test_crlf_file),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
