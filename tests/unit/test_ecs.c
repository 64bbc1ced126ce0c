/*
 * test_ecs.c - the ECS field table: lookups, types, order, and agreement
 * with ECS's fields.csv when the shared material is present.
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

/* The field 'name' exists with type 't' and limit 'ignore_above'. */
static void
expect_field(const char *name, enum krt_type t, unsigned ignore_above)
{
    const struct ecs_field *f = ecs_lookup(name, strlen(name));
    if (!f)
        fail_msg("'%s' is not in the table", name);
    assert_string_equal(f->name, name);
    assert_string_equal(ecs_type_name(f->type), ecs_type_name(t));
    assert_int_equal(f->ignore_above, ignore_above);
}

static void
test_network_fields(void **state)
{
    (void)state;
    expect_field("destination.port", KRT_LONG, 0);
    expect_field("source.ip", KRT_IP, 0);
    expect_field("destination.ip", KRT_IP, 0);
    expect_field("event.category", KRT_KEYWORD, 1024);
    expect_field("data_stream.dataset", KRT_CONSTANT_KEYWORD, 0);
    expect_field("network.transport", KRT_KEYWORD, 1024);
    expect_field("@timestamp", KRT_DATE, 0);
}

static void
test_multi_fields(void **state)
{
    (void)state;
    expect_field("process.command_line", KRT_WILDCARD, 0);
    expect_field("process.command_line.text", KRT_MATCH_ONLY_TEXT, 0);
}

static void
test_unknown(void **state)
{
    (void)state;
    assert_null(ecs_lookup("no.such.field", 13));
    assert_null(ecs_lookup("", 0));
    assert_null(ecs_lookup("destination.", 12));
    assert_null(ecs_lookup("destination.portx", 17));
    /* a prefix of a field that is no name of its own */
    assert_null(ecs_lookup("destination.po", 14));
}

/* 'len' bounds the name: the bytes after it are not part of it. */
static void
test_lookup_uses_len(void **state)
{
    (void)state;
    const char *s = "destination.port:26";
    const struct ecs_field *f = ecs_lookup(s, 16);
    assert_non_null(f);
    assert_string_equal(f->name, "destination.port");
    f = ecs_lookup(s, 11);
    assert_non_null(f);
    assert_string_equal(f->name, "destination");
}

static void
test_objects(void **state)
{
    (void)state;
    expect_field("destination", KRT_OBJECT, 0);
    expect_field("destination.geo", KRT_OBJECT, 0);
    expect_field("process.parent", KRT_OBJECT, 0);
    /* objects fields.csv lists itself */
    expect_field("labels", KRT_OBJECT, 0);
    expect_field("process.env_vars", KRT_KEYWORD, 1024);
}

static void
test_sorted(void **state)
{
    (void)state;
    size_t n = ecs_count();
    assert_true(n > 1000);
    for (size_t i = 1; i < n; i++) {
        const char *a = ecs_at(i - 1)->name, *b = ecs_at(i)->name;
        if (strcmp(a, b) >= 0)
            fail_msg("'%s' comes before '%s'", a, b);
    }
    /* every row is found by its own name */
    for (size_t i = 0; i < n; i++) {
        const struct ecs_field *f = ecs_at(i);
        assert_ptr_equal(ecs_lookup(f->name, strlen(f->name)), f);
    }
}

static void
test_type_names(void **state)
{
    (void)state;
    for (int t = 0; t < KRT_NTYPES; t++) {
        const char *name = ecs_type_name((enum krt_type)t);
        assert_int_equal(ecs_type_from_name(name), t);
    }
    assert_string_equal(ecs_type_name(KRT_LONG), "long");
    assert_string_equal(ecs_type_name(KRT_IP), "ip");
    assert_string_equal(ecs_type_name(KRT_CONSTANT_KEYWORD),
                        "constant_keyword");
    assert_int_equal(ecs_type_from_name("keyword"), KRT_KEYWORD);
    assert_int_equal(ecs_type_from_name("date_nanos"), KRT_OTHER);
    assert_int_equal(ecs_type_from_name(""), KRT_OTHER);
}

/*
 * Records of a CSV file after its header: quoted fields may hold
 * newlines and doubled quotes.  -1 when the file cannot be read.
 */
static long
csv_records(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long lines = 0;
    int c, last = '\n';
    int quoted = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '"')
            quoted = !quoted;
        else if (c == '\n' && !quoted)
            lines++;
        last = c;
    }
    fclose(f);
    if (last != '\n')
        lines++;
    return lines - 1;
}

static void
test_matches_fields_csv(void **state)
{
    (void)state;
    const char *shared = getenv("KQLC_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/ecs/fields.csv",
             shared && *shared ? shared : "../shared");
    long rows = csv_records(path);
    if (rows < 0) {
        print_message("skip: %s is absent (set KQLC_SHARED)\n", path);
        skip();
    }
    assert_int_equal(ecs_count(), rows);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_fields),
        cmocka_unit_test(test_multi_fields),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_lookup_uses_len),
        cmocka_unit_test(test_objects),
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_matches_fields_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
