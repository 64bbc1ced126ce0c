/*
 * test_sema_fields.c - field names with wildcards: the fields a pattern
 * expands to (ECS's and a mapping's, in strcmp order, no objects), the
 * fields left out because they cannot read the value, and a pattern
 * that matches nothing.
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
#include "parse.h"
#include "sema.h"
#include "sema_fields.h"
#include "sema_test.h"

/* The pattern of field literal 'text', as the parser reads it. */
static struct kql_text
pattern(struct arena *a, const char *text)
{
    struct kql_text t = { 0 };
    size_t n = strlen(text), o = 0;
    t.bytes = arena_alloc(a, n + 1);
    t.wild = arena_alloc(a, (n + 1) * sizeof *t.wild);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '*')
            t.wild[t.nwild++] = (uint32_t)o;
        else
            t.bytes[o++] = text[i];
    }
    t.bytes[o] = '\0';
    t.len = o;
    return t;
}

/* The names 'pat' expands to over 'm', one a line. */
static char *
expansion(struct arena *a, const struct mapping *m, const char *pat)
{
    struct kql_text t = pattern(a, pat);
    struct mapping_field *f;
    size_t n = sema_fields_match(a, m, &t, &f);
    char *out = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&out, &len);
    for (size_t i = 0; i < n; i++)
        fprintf(s, "%s\n", f[i].name);
    fclose(s);
    return out;
}

static void
test_wildcard_test(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a);
    struct kql_text t = pattern(&a, "a*b*c");
    assert_true(sema_fields_test(&t, "abc", 3));
    assert_true(sema_fields_test(&t, "a.x.b.y.c", 9));
    assert_false(sema_fields_test(&t, "a.b", 3));
    assert_false(sema_fields_test(&t, "abcd", 4));
    t = pattern(&a, "*");
    assert_true(sema_fields_test(&t, "", 0));
    t = pattern(&a, "ab*ba");
    assert_false(sema_fields_test(&t, "aba", 3));   /* no overlap */
    assert_true(sema_fields_test(&t, "abba", 4));
    t = pattern(&a, "user.name");
    assert_true(sema_fields_test(&t, "user.name", 9));
    assert_false(sema_fields_test(&t, "user.names", 10));
    t = pattern(&a, "User.*");   /* case counts */
    assert_false(sema_fields_test(&t, "user.name", 9));
    arena_free(&a);
}

static void
test_expansion_sets(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a);
    char *s = expansion(&a, NULL, "file.hash.*");
    assert_string_equal(s, "file.hash.cdhash\nfile.hash.md5\nfile.hash.sha1\n"
                        "file.hash.sha256\nfile.hash.sha384\n"
                        "file.hash.sha512\nfile.hash.ssdeep\n"
                        "file.hash.tlsh\n");
    free(s);
    /* the wildcard spans dots; the multi-field comes with its parent */
    s = expansion(&a, NULL, "process.name*");
    assert_string_equal(s, "process.name\nprocess.name.caseless\n"
                        "process.name.text\n");
    free(s);
    s = expansion(&a, NULL, "*.nat.ip");
    assert_string_equal(s, "client.nat.ip\ndestination.nat.ip\n"
                        "server.nat.ip\nsource.nat.ip\n");
    free(s);
    /* objects and nested fields are no leaf fields */
    s = expansion(&a, NULL, "process.paren*");
    assert_null(strstr(s, "process.parent\n"));
    assert_non_null(strstr(s, "process.parent.pid\n"));
    free(s);
    s = expansion(&a, NULL, "no.such.*");
    assert_null(s && *s ? s : NULL);
    free(s);
    arena_free(&a);
}

static void
test_expansion_with_mapping(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d, stderr);
    static const char m_text[] =
        "{\"properties\":{\"app\":{\"properties\":{"
        "\"port\":{\"type\":\"long\"},"
        "\"meta\":{\"properties\":{\"k\":{\"type\":\"keyword\"}}},"
        "\"name\":{\"type\":\"keyword\","
        "\"fields\":{\"text\":{\"type\":\"text\"}}}}},"
        "\"source\":{\"properties\":{\"port\":{\"type\":\"keyword\"}}}}}";
    struct mapping *m = mapping_parse(&d, "m.json", m_text,
                                      sizeof m_text - 1);
    assert_non_null(m);
    struct arena a;
    arena_init(&a);
    char *s = expansion(&a, m, "app.*");
    assert_string_equal(s, "app.meta.k\napp.name\napp.name.text\n"
                        "app.port\n");
    free(s);
    /* the mapping's type wins over ECS's for a name both know */
    struct kql_text t = pattern(&a, "source.po*");
    struct mapping_field *f;
    assert_int_equal(sema_fields_match(&a, m, &t, &f), 1);
    assert_string_equal(f[0].name, "source.port");
    assert_int_equal(f[0].type, KRT_KEYWORD);
    arena_free(&a);
    mapping_free(m);
}

/* The field table's names, one a line. */
static char *
field_names(const struct ir_program *p)
{
    char *out = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&out, &len);
    for (size_t i = 0; i < p->fields.n; i++)
        fprintf(s, "%s\n", ((struct ir_field *)p->fields.items[i])->name);
    fclose(s);
    return out;
}

/* A field that cannot read the value is left out, with one warning, and
 * leaves no trace in the field table. */
static void
test_leniency(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, "source.*:10.0.0.1");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_OR);
    char *names = field_names(&t.p);
    assert_non_null(strstr(names, "source.ip\n"));
    assert_non_null(strstr(names, "source.address\n"));
    assert_null(strstr(names, "source.port\n"));   /* long: left out */
    assert_null(strstr(names, "source.geo.location\n"));  /* geo_point */
    free(names);
    assert_non_null(strstr(t.diags, "warning: "));
    assert_non_null(strstr(t.diags, "fields that 'source.*' matches cannot "
                           "read the value and are left out"));
    assert_null(strstr(t.diags, "error"));
    typed_free(&t);

    /* only long fields: a word leaves none, which matches nothing */
    type_query(&t, "*.port:http");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_FALSE);
    assert_int_equal(t.p.fields.n, 0);
    typed_free(&t);

    /* ranges too: the keyword fields compare bytes, longs numbers */
    type_query(&t, "source.po* > 1024");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_LONG_IN);
    typed_free(&t);
}

static void
test_no_match(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, "azure.*.new_value:x or user.name:root");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_KW_IN);   /* false or x: x */
    assert_non_null(strstr(t.diags, "warning: field pattern "
                           "'azure.*.new_value' matches no known field"));
    typed_free(&t);
    type_query(&t, "nothing.*:*");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_FALSE);
    typed_free(&t);
}

/* A flattened field in an expansion is tested on the leaves below it;
 * LIMIT(fields): a field kqlc cannot type refuses the rule. */
static void
test_refused(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, "process.*:x");
    assert_non_null(t.root);
    assert_null(strstr(t.diags, "error:"));
    bool leaves = false;
    for (size_t i = 0; i < t.p.fields.n; i++) {
        const struct ir_field *f = t.p.fields.items[i];
        leaves |= !strcmp(f->name, "(leaves of process.elf.exports)");
    }
    assert_true(leaves);
    typed_free(&t);
    type_query(&t, "user.*:null");
    assert_null(t.root);
    typed_free(&t);
    type_query(&t, "*.mtime:null");   /* a date takes null: unbounded */
    assert_non_null(t.root);
    typed_free(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard_test),
        cmocka_unit_test(test_expansion_sets),
        cmocka_unit_test(test_expansion_with_mapping),
        cmocka_unit_test(test_leniency),
        cmocka_unit_test(test_no_match),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
