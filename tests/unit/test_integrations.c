/*
 * test_integrations.c - the integrations' field table and the order of
 * field lookups: a --mapping file first, then ECS, then the integrations'
 * table (its fields, the keyed sub-fields of its flattened fields, its
 * dynamic templates), else unknown, read as keyword with a warning.  And
 * what the table's attributes do to typing: the lowercase normalizer
 * lower-cases the query's values, a multi-field reads its parent.
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
#include "integrations.h"
#include "krt_analyze.h"
#include "mapping.h"
#include "sema_test.h"

/* The field 'name' as kqlc reads it with mapping 'm' (may be NULL);
 * NULL when nothing knows it. */
static const struct mapping_field *
get(const struct mapping *m, const char *name)
{
    static struct mapping_field f;

    if (!mapping_resolve(m, name, strlen(name), &f))
        return NULL;
    return &f;
}

static struct mapping *
parse(const char *json, char **said)
{
    size_t len;
    FILE *out = open_memstream(said, &len);
    struct diag d;
    struct mapping *m;

    assert_non_null(out);
    diag_init(&d, out);
    m = mapping_parse(&d, "m.json", json, strlen(json));
    fclose(out);
    return m;
}

/* Sorted for binary search; every row found by its name; none that ECS
 * defines, as ECS is asked first and would hide it. */
static void
test_table_sorted_and_apart_from_ecs(void **state)
{
    size_t n = integ_count();

    (void)state;
    assert_true(n > 1000);
    for (size_t i = 0; i < n; i++) {
        const struct integ_field *f = integ_at(i);
        if (i > 0)
            assert_true(strcmp(integ_at(i - 1)->name, f->name) < 0);
        assert_ptr_equal(integ_find(f->name, strlen(f->name)), f);
        assert_null(ecs_lookup(f->name, strlen(f->name)));
    }
}

/* A field only the integrations define: its own type, not a keyword. */
static void
test_integration_fields(void **state)
{
    const struct mapping_field *f;

    (void)state;
    f = get(NULL, "powershell.file.script_block_length");
    assert_non_null(f);
    assert_int_equal(f->type, KRT_LONG);
    assert_false(f->from_mapping);
    assert_int_equal(f->path_len, strlen(f->name));
    f = get(NULL, "powershell.file.script_block_text");
    assert_int_equal(f->type, KRT_TEXT);
    assert_int_equal(f->flags, KRT_FIELD_PS_SCRIPT);
    assert_int_equal(get(NULL, "github.repository_public")->type,
                     KRT_BOOLEAN);
    f = get(NULL, "aws.cloudtrail.user_identity.type");
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->ignore_above, 1024);
    assert_int_equal(get(NULL, "kibana.alert.risk_score")->type,
                     KRT_FLOAT);
}

/* process.name.caseless: a keyword with the lowercase normalizer that
 * reads the values of process.name. */
static void
test_caseless_multi_field(void **state)
{
    const struct mapping_field *f = get(NULL, "process.name.caseless");

    (void)state;
    assert_non_null(f);
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->flags, KRT_FIELD_LOWERCASE);
    assert_int_equal(f->ignore_above, 1024);
    assert_int_equal(f->path_len, strlen("process.name"));
}

/* Any key under a flattened field is a keyword of its own, at its own
 * path, with the flattened field's ignore_above (none here); the
 * flattened field itself keeps its type. */
static void
test_flattened_sub_fields(void **state)
{
    const char *key = "aws.cloudtrail.flattened.request_parameters"
                      ".ipPermissions.items.fromPort";
    const struct mapping_field *f = get(NULL, key);

    (void)state;
    assert_non_null(f);
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->ignore_above, 0);
    assert_int_equal(f->path_len, strlen(key));
    assert_int_equal(get(NULL, "gcp.audit.request")->type, KRT_FLATTENED);
    f = get(NULL, "kibana.alert.rule.parameters.index");
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->ignore_above, 4096);
}

/* A dynamic template types the sub-fields of its object; a name under a
 * field that is no object is no field. */
static void
test_dynamic_templates(void **state)
{
    const struct mapping_field *f;

    (void)state;
    f = get(NULL, "winlog.event_data.SomethingNew");
    assert_non_null(f);
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->ignore_above, 0);
    f = get(NULL, "o365.audit.Parameters.WithinSizeRangeMinimum");
    assert_int_equal(f->type, KRT_KEYWORD);
    f = get(NULL, "kubernetes.audit.annotations.authorization_k8s_io/"
                  "decision");
    assert_int_equal(f->type, KRT_TEXT);
    /* the field the template's pattern names a part of matches too */
    f = get(NULL, "azure.auditlogs.properties.target_resources.0"
                  ".modified_properties.4.new_value");
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_null(get(NULL, "powershell.file.script_block_length.x"));
    assert_null(get(NULL, "winlog.event_data"));
}

/* ECS first: the integrations' table never answers for an ECS field. */
static void
test_ecs_before_integrations(void **state)
{
    const struct mapping_field *f = get(NULL, "process.name");

    (void)state;
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_int_equal(f->flags, 0);
    /* google_workspace maps event.module as constant_keyword: ECS's
     * keyword is what kqlc reads */
    assert_int_equal(get(NULL, "event.module")->type, KRT_KEYWORD);
}

/* A mapping file overrides both tables. */
static void
test_mapping_before_integrations(void **state)
{
    char *said = NULL;
    struct mapping *m = parse(
        "{\"properties\":{\"powershell\":{\"properties\":{\"file\":"
        "{\"properties\":{\"script_block_length\":{\"type\":\"keyword\"}}}"
        "}}}}", &said);
    const struct mapping_field *f;

    (void)state;
    assert_non_null(m);
    f = get(m, "powershell.file.script_block_length");
    assert_int_equal(f->type, KRT_KEYWORD);
    assert_true(f->from_mapping);
    /* what the mapping lacks still comes from the table */
    assert_int_equal(get(m, "powershell.file.script_block_entropy_bits")
                     ->type, KRT_FLOAT);
    mapping_free(m);
    free(said);
}

/* A mapping's lowercase normalizer is kept; another is not applied, and
 * a warning says so. */
static void
test_mapping_normalizer(void **state)
{
    char *said = NULL;
    struct mapping *m = parse(
        "{\"properties\":{\"a\":{\"type\":\"keyword\","
        "\"normalizer\":\"lowercase\"},\"b\":{\"type\":\"keyword\","
        "\"normalizer\":\"my_folding\"},\"c\":{\"type\":\"keyword\","
        "\"fields\":{\"lc\":{\"type\":\"keyword\","
        "\"normalizer\":\"lowercase\"}}}}}", &said);

    (void)state;
    assert_non_null(m);
    assert_int_equal(get(m, "a")->flags, KRT_FIELD_LOWERCASE);
    assert_int_equal(get(m, "b")->flags, 0);
    assert_int_equal(get(m, "c")->flags, 0);
    assert_int_equal(get(m, "c.lc")->flags, KRT_FIELD_LOWERCASE);
    assert_non_null(strstr(said, "field 'b': normalizer 'my_folding' is "
                                 "not applied"));
    assert_null(strstr(said, "field 'a'"));
    mapping_free(m);
    free(said);
}

/* The first (only) test of the typed query 't'. */
static const struct ir_node *
leaf_of(const struct typed *t)
{
    assert_non_null(t->root);
    return t->root;
}

/* The lowercase normalizer applies to the query's values: exact values,
 * each part of a wildcard value, the bound of a range. */
static void
test_lowercase_query_values(void **state)
{
    struct typed t;
    const struct ir_node *n;
    const struct ir_field *f;

    (void)state;
    type_query(&t, "process.name.caseless:CMD.EXE");
    n = leaf_of(&t);
    assert_int_equal(n->op, IR_KW_IN);
    assert_int_equal(n->u.strs.n, 1);
    assert_memory_equal(n->u.strs.items[0].bytes, "cmd.exe", 7);
    f = t.p.fields.items[n->field];
    assert_int_equal(f->flags, KRT_FIELD_LOWERCASE);
    assert_string_equal(f->path, "process.name");
    assert_null(strstr(t.diags, "warning"));
    typed_free(&t);

    type_query(&t, "process.name.caseless:PowerSh*.EXE");
    n = leaf_of(&t);
    assert_int_equal(n->op, IR_KW_WILD);
    assert_int_equal(n->u.strs.n, 2);
    assert_memory_equal(n->u.strs.items[0].bytes, "powersh", 7);
    assert_memory_equal(n->u.strs.items[1].bytes, ".exe", 4);
    typed_free(&t);

    /* a code point that changes length: U+0130 lower-cases to 'i' */
    type_query(&t, "process.name.caseless >= \"\xc4\xb0X\"");
    n = leaf_of(&t);
    assert_int_equal(n->op, IR_KW_RANGE);
    assert_int_equal(n->u.kwr.lower.len, 2);
    assert_memory_equal(n->u.kwr.lower.bytes, "ix", 2);
    typed_free(&t);

    /* the plain field is compared as written */
    type_query(&t, "process.name:CMD.EXE");
    n = leaf_of(&t);
    assert_memory_equal(n->u.strs.items[0].bytes, "CMD.EXE", 7);
    typed_free(&t);
}

/* A range on a numeric integration field compares numbers; on a field
 * nothing knows it is still refused, and an unknown field still warns. */
static void
test_typed_ranges_and_unknown(void **state)
{
    struct typed t;

    (void)state;
    type_query(&t, "powershell.file.script_block_length >= 1000");
    assert_int_equal(leaf_of(&t)->op, IR_LONG_IN);
    assert_null(strstr(t.diags, "warning"));
    typed_free(&t);

    type_query(&t, "no.such.field >= 1000");
    assert_null(t.root);
    assert_non_null(strstr(t.diags, "which has no known type"));
    typed_free(&t);

    type_query(&t, "no.such.field:x");
    assert_non_null(t.root);
    assert_non_null(strstr(t.diags, "fields with no known type, read as "
                                    "keyword: 'no.such.field' "
                                    "[-Wunknown-field]"));
    typed_free(&t);
}

/* The tokens an analysis hands over, joined by '|'. */
struct joined {
    char text[256];
    size_t len;
};

static bool
join(void *ctx, const char *token, size_t len)
{
    struct joined *j = ctx;

    assert_true(j->len + len + 1 < sizeof j->text);
    if (j->len)
        j->text[j->len++] = '|';
    memcpy(j->text + j->len, token, len);
    j->len += len;
    j->text[j->len] = '\0';
    return true;
}

static const char *
ps_tokens(struct joined *j, const char *s)
{
    j->len = 0;
    j->text[0] = '\0';
    assert_true(krt_analyze_ps_script(s, strlen(s), join, j));
    return j->text;
}

/* The powershell_script_analyzer: tokens are the runs of ASCII letters,
 * digits, '_' and '-' (Java's \w is ASCII without UNICODE_CHARACTER_CLASS,
 * so an accented letter splits), lower-cased. */
static void
test_ps_script_analyzer(void **state)
{
    struct joined j;

    (void)state;
    assert_string_equal(ps_tokens(&j, "function Invoke-Mimikatz { "
                                      "param($Command) }"),
                        "function|invoke-mimikatz|param|command");
    assert_string_equal(ps_tokens(&j, "[DllImport(\"kernel32.dll\")]"),
                        "dllimport|kernel32|dll");
    assert_string_equal(ps_tokens(&j, "$a_b=-1.5"), "a_b|-1|5");
    assert_string_equal(ps_tokens(&j, "caf\xc3\xa9 CAF\xc3\x89s"),
                        "caf|caf|s");
    assert_string_equal(ps_tokens(&j, " \t"), "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted_and_apart_from_ecs),
        cmocka_unit_test(test_integration_fields),
        cmocka_unit_test(test_caseless_multi_field),
        cmocka_unit_test(test_flattened_sub_fields),
        cmocka_unit_test(test_dynamic_templates),
        cmocka_unit_test(test_ecs_before_integrations),
        cmocka_unit_test(test_mapping_before_integrations),
        cmocka_unit_test(test_mapping_normalizer),
        cmocka_unit_test(test_lowercase_query_values),
        cmocka_unit_test(test_typed_ranges_and_unknown),
        cmocka_unit_test(test_ps_script_analyzer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
