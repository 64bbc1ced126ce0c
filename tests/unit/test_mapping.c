/*
 * test_mapping.c - reading Elasticsearch mapping files (--mapping): the
 * shapes GET _mapping returns, nested properties, multi-fields, the
 * parameters kqlc reads, conflicts between indices, errors at the file's
 * line and column, and ECS's own mapping, which must agree with the ECS
 * table on every field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecs.h"
#include "mapping.h"
#include "sema_text.h"

/* Diagnostics of one load, kept as text. */
struct said {
    char *text;
    size_t len;
    FILE *out;
    struct diag d;
};

static void
said_open(struct said *s)
{
    s->text = NULL;
    s->len = 0;
    s->out = open_memstream(&s->text, &s->len);
    assert_non_null(s->out);
    diag_init(&s->d, s->out);
}

static void
said_close(struct said *s)
{
    fclose(s->out);
    free(s->text);
}

static struct mapping *
parse(struct said *s, const char *json)
{
    struct mapping *m = mapping_parse(&s->d, "m.json", json, strlen(json));
    fflush(s->out);
    return m;
}

static const struct mapping_field *
get(const struct mapping *m, const char *name)
{
    static struct mapping_field f;
    if (!mapping_resolve(m, name, strlen(name), &f))
        return NULL;
    return &f;
}

static void
test_indices(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    struct mapping *m = parse(&s,
        "{\"logs\":{\"mappings\":{\"properties\":{"
        "\"a\":{\"properties\":{\"b\":{\"type\":\"float\"},"
        "\"c\":{\"properties\":{\"d\":{\"type\":\"half_float\"}}}}},"
        "\"s\":{\"type\":\"scaled_float\",\"scaling_factor\":100},"
        "\"k\":{\"type\":\"keyword\",\"ignore_above\":256,"
        "\"fields\":{\"text\":{\"type\":\"match_only_text\"}}},"
        "\"v\":{\"type\":\"version\"}}}}}");
    assert_non_null(m);
    assert_int_equal(s.d.nerrors + s.d.nwarnings, 0);
    assert_int_equal(mapping_count(m), 8);
    assert_int_equal(get(m, "a")->type, KRT_OBJECT);
    assert_int_equal(get(m, "a.b")->type, KRT_FLOAT);
    assert_int_equal(get(m, "a.c")->type, KRT_OBJECT);
    assert_int_equal(get(m, "a.c.d")->type, KRT_HALF_FLOAT);
    assert_true(get(m, "s")->scaling_factor == 100.0);
    assert_int_equal(get(m, "k")->ignore_above, 256);
    assert_true(get(m, "k")->from_mapping);
    /* a multi-field reads its parent's values */
    assert_int_equal(get(m, "k.text")->type, KRT_MATCH_ONLY_TEXT);
    assert_int_equal(get(m, "k.text")->path_len, 1);
    assert_int_equal(get(m, "k.text")->ignore_above, 0);
    /* a type kqlc does not read is kept, and refused where queried */
    assert_int_equal(get(m, "v")->type, KRT_OTHER);
    for (size_t i = 1; i < mapping_count(m); i++)
        assert_true(strcmp(mapping_at(m, i - 1)->name,
                           mapping_at(m, i)->name) < 0);
    mapping_free(m);
    said_close(&s);
}

/* {"mappings":...} and {"properties":...} alone are read too. */
static void
test_bare_shapes(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    struct mapping *m = parse(&s, "{\"mappings\":{\"properties\":"
                              "{\"x\":{\"type\":\"double\"}}}}");
    assert_non_null(m);
    assert_int_equal(get(m, "x")->type, KRT_DOUBLE);
    mapping_free(m);
    m = parse(&s, "{\"properties\":{\"x\":{\"type\":\"boolean\"}}}");
    assert_non_null(m);
    assert_int_equal(get(m, "x")->type, KRT_BOOLEAN);
    mapping_free(m);
    /* an index with no field at all */
    m = parse(&s, "{\"empty\":{\"mappings\":{}}}");
    assert_non_null(m);
    assert_int_equal(mapping_count(m), 0);
    mapping_free(m);
    said_close(&s);
}

/* The mapping adds to ECS and overrides it; the rest is ECS's. */
static void
test_resolve_over_ecs(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    struct mapping *m = parse(&s, "{\"properties\":{"
        "\"source\":{\"properties\":{\"port\":{\"type\":\"keyword\"}}},"
        "\"custom\":{\"properties\":{\"n\":{\"type\":\"integer\"}}}}}");
    assert_non_null(m);
    assert_int_equal(get(m, "source.port")->type, KRT_KEYWORD);
    assert_int_equal(get(m, "custom.n")->type, KRT_INTEGER);
    assert_int_equal(get(m, "destination.port")->type, KRT_LONG);
    assert_false(get(m, "destination.port")->from_mapping);
    assert_null(get(m, "custom.other"));
    /* ECS's scaled_float keeps ECS's factor; its multi-fields their
     * parent's path */
    assert_true(get(NULL, "host.cpu.usage")->scaling_factor == 1000.0);
    assert_int_equal(get(NULL, "process.command_line.text")->path_len,
                     strlen("process.command_line"));
    mapping_free(m);
    said_close(&s);
}

/* Two indices, one field, two types: a warning names both; the first
 * index read wins.  The same meaning twice is no conflict. */
static void
test_conflict(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    struct mapping *m = parse(&s,
        "{\"one\":{\"mappings\":{\"properties\":{\"f\":{\"type\":\"long\"},"
        "\"g\":{\"type\":\"ip\"}}}},"
        "\"two\":{\"mappings\":{\"properties\":{\"f\":{\"type\":\"keyword\"},"
        "\"g\":{\"type\":\"ip\"}}}}}");
    assert_non_null(m);
    assert_int_equal(s.d.nwarnings, 1);
    assert_non_null(strstr(s.text, "warning: m.json: field 'f' is 'long' "
                           "in index 'one' and 'keyword' in index 'two'"));
    assert_int_equal(get(m, "f")->type, KRT_LONG);
    assert_int_equal(mapping_count(m), 2);
    mapping_free(m);
    said_close(&s);
}

/* A syntax error is reported at jansson's line and column, with the
 * source line and a caret. */
static void
test_syntax_error_position(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    assert_null(parse(&s, "{\"properties\": {\n  \"a\": {\"type\": \"long\"},,"
                      "\n}}"));
    assert_int_equal(s.d.nerrors, 1);
    assert_non_null(strstr(s.text, "m.json:2:25: error: string or '}' "
                           "expected near ','"));
    assert_non_null(strstr(s.text, "\"a\": {\"type\": \"long\"},,"));
    said_close(&s);
    said_open(&s);
    assert_null(parse(&s, "[1, 2]"));
    assert_non_null(strstr(s.text, "m.json:1:1: error: a mapping is a JSON "
                           "object"));
    said_close(&s);
}

/* What Elasticsearch refuses in a mapping, kqlc refuses. */
static void
test_refused(void **state)
{
    static const char *const bad[] = {
        "{\"properties\":{\"s\":{\"type\":\"scaled_float\"}}}",
        "{\"properties\":{\"s\":{\"type\":\"scaled_float\","
        "\"scaling_factor\":0}}}",
        "{\"properties\":{\"s\":{\"type\":\"scaled_float\","
        "\"scaling_factor\":-10}}}",
        "{\"properties\":{\"k\":{\"type\":7}}}",
        "{\"properties\":{\"k\":\"keyword\"}}",
        "{\"properties\":{\"k\":{\"type\":\"keyword\","
        "\"ignore_above\":-1}}}",
        "{\"idx\":{\"settings\":{}}}",
        "{\"properties\":[]}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct said s;
        said_open(&s);
        if (parse(&s, bad[i]))
            fail_msg("accepted: %s", bad[i]);
        assert_true(s.d.nerrors > 0);
        said_close(&s);
    }
}

/* What kqlc does not apply is said: null_value, aliases. */
static void
test_unapplied_warnings(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    struct mapping *m = parse(&s, "{\"properties\":{"
        "\"n\":{\"type\":\"long\",\"null_value\":0},"
        "\"al\":{\"type\":\"alias\",\"path\":\"n\"}}}");
    assert_non_null(m);
    assert_int_equal(s.d.nwarnings, 2);
    assert_non_null(strstr(s.text, "field 'n': null_value is not applied"));
    assert_non_null(strstr(s.text, "field 'al' is an alias of 'n'"));
    assert_int_equal(get(m, "al")->type, KRT_OTHER);
    mapping_free(m);
    said_close(&s);
}

static void
test_missing_file(void **state)
{
    struct said s;
    (void)state;
    said_open(&s);
    assert_null(mapping_load(&s.d, "/nonexistent/mapping.json"));
    fflush(s.out);
    assert_non_null(strstr(s.text, "cannot read mapping "
                           "'/nonexistent/mapping.json'"));
    said_close(&s);
}

/*
 * ECS's own mapping (all of ECS as one index) read as a user's mapping
 * gives every field of the ECS table its type, ignore_above, scaling
 * factor and path, and no field the table lacks.
 */
static void
test_ecs_mapping_agrees(void **state)
{
    const char *shared = getenv("KQLC_SHARED");
    char path[4096];
    struct said s;
    (void)state;
    snprintf(path, sizeof path, "%s/ecs/ecs-mapping.json",
             shared && *shared ? shared : "../shared");
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        print_message("skip: %s is absent (set KQLC_SHARED)\n", path);
        skip();
    }
    fclose(probe);
    said_open(&s);
    struct mapping *m = mapping_load(&s.d, path);
    fflush(s.out);
    if (!m || s.d.nerrors || s.d.nwarnings)
        fail_msg("%s: %s", path, s.text ? s.text : "");
    size_t n = mapping_count(m), fields = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mapping_field *f = mapping_at(m, i);
        size_t len = strlen(f->name);
        const struct ecs_field *e = ecs_lookup(f->name, len);
        if (!e)
            fail_msg("%s: not in the ECS table", f->name);
        if (e->type != f->type || e->ignore_above != f->ignore_above
            || ecs_scaling_factor(e) != f->scaling_factor
            || sema_source_len(f->name, len) != f->path_len)
            fail_msg("%s: the mapping says %s/%u/%g/%zu, ECS %s/%u/%g/%zu",
                     f->name, ecs_type_name(f->type), f->ignore_above,
                     f->scaling_factor, f->path_len, ecs_type_name(e->type),
                     e->ignore_above, ecs_scaling_factor(e),
                     sema_source_len(f->name, len));
        fields += e->type != KRT_OBJECT;
    }
    for (size_t i = 0; i < ecs_count(); i++) {
        const struct ecs_field *e = ecs_at(i);
        struct mapping_field f;
        if (!mapping_resolve(m, e->name, strlen(e->name), &f)
            || !f.from_mapping)
            fail_msg("%s: in the ECS table, not in the mapping", e->name);
    }
    print_message("%zu names, %zu typed fields agree\n", n, fields);
    mapping_free(m);
    said_close(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indices),
        cmocka_unit_test(test_bare_shapes),
        cmocka_unit_test(test_resolve_over_ecs),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_syntax_error_position),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_unapplied_warnings),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_ecs_mapping_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
