/*
 * test_parse_cases.c - the shared parse cases, one cmocka test each.
 *
 * $KQLC_SHARED/cases/parse-cases.ndjson (KQLC_SHARED defaults to
 * ../shared, relative to the repository root where tests run) holds one
 * case a line: {"query", "ok", "ast"} or {"query", "ok": false,
 * "error_offset"} with the AST and the error offset (in UTF-16 code units)
 * that Kibana gives.  Each must come out the same: the printed JSON equal
 * as JSON to "ast", or the parse failing at "error_offset".  Without the
 * file the test says so and skips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"

struct parse_case {
    int line;
    json_t *json;
    char name[96];
};

static const char *
cases_path(void)
{
    static char path[1024];
    const char *shared = getenv("KQLC_SHARED");

    snprintf(path, sizeof path, "%s/cases/parse-cases.ndjson",
             shared && *shared ? shared : "../shared");
    return path;
}

/* The printed JSON of a successful parse, parsed back. */
static json_t *
printed_json(const struct ast_query *q)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    json_error_t jerr;
    json_t *j;

    ast_print_json(out, q);
    fclose(out);
    j = json_loadb(buf, len, 0, &jerr);
    if (!j)
        print_error("printed JSON does not load: %s\n%s\n", jerr.text, buf);
    free(buf);
    return j;
}

static void
check_ok(const char *query, size_t len, const struct ast_query *q,
         json_t *want)
{
    json_t *got = printed_json(q);
    assert_non_null(got);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT);
        char *w = json_dumps(want, JSON_COMPACT);
        print_error("query %.*s\nexpected %s\ngot      %s\n", (int)len,
                    query, w, g);
        free(g);
        free(w);
    }
    assert_true(json_equal(got, want));
    json_decref(got);
}

static void
run_case(void **state)
{
    struct parse_case *c = *state;
    json_t *jq = json_object_get(c->json, "query");
    const char *query = json_string_value(jq);
    size_t len = json_string_length(jq);
    bool want_ok = json_is_true(json_object_get(c->json, "ok"));
    struct arena a;
    struct ast_query q;
    struct parse_error err;
    bool ok;

    assert_non_null(query);
    arena_init(&a);
    ok = parse_query(&a, NULL, NULL, query, len, &q, &err);
    if (ok != want_ok) {
        print_error("query %.*s: %s\n", (int)len, query,
                    ok ? "parsed, expected an error" : err.message);
    }
    assert_int_equal(ok, want_ok);
    if (ok) {
        check_ok(query, len, &q, json_object_get(c->json, "ast"));
    } else {
        json_int_t want = json_integer_value(
            json_object_get(c->json, "error_offset"));
        assert_int_equal(diag_utf16_offset(query, len, err.offset), want);
    }
    arena_free(&a);
}

static void
no_cases(void **state)
{
    (void)state;
    print_message("%s is absent: shared parse cases skipped\n",
                  cases_path());
    skip();
}

/* Load every case of 'f' into '*out' and return how many; (size_t)-1
 * when a line is no JSON. */
static size_t
load_cases(FILE *f, struct parse_case **out)
{
    char *line = NULL;
    size_t cap = 0, n = 0, max = 0;
    struct parse_case *cases = NULL;
    int lineno = 0;

    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        lineno++;
        if (!j) {
            fprintf(stderr, "%s:%d: %s\n", cases_path(), lineno, jerr.text);
            n = (size_t)-1;
            break;
        }
        if (n == max) {
            max = max ? 2 * max : 64;
            cases = xrealloc(cases, max * sizeof *cases);
        }
        cases[n].line = lineno;
        cases[n].json = j;
        snprintf(cases[n].name, sizeof cases[n].name, "line %d: %s", lineno,
                 json_string_value(json_object_get(j, "probe")));
        n++;
    }
    free(line);
    *out = cases;
    return n;
}

int
main(void)
{
    FILE *f = fopen(cases_path(), "r");
    struct parse_case *cases = NULL;
    struct CMUnitTest *tests;
    size_t n;
    int rc;

    if (!f) {
        const struct CMUnitTest skipped[] = { cmocka_unit_test(no_cases) };
        return cmocka_run_group_tests(skipped, NULL, NULL);
    }
    n = load_cases(f, &cases);
    fclose(f);
    if (n == (size_t)-1)
        return 1;
    tests = xmalloc((n ? n : 1) * sizeof *tests);
    memset(tests, 0, (n ? n : 1) * sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    rc = _cmocka_run_group_tests("parse_cases", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        json_decref(cases[i].json);
    free(cases);
    free(tests);
    return rc;
}
