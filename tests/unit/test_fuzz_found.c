/*
 * test_fuzz_found.c - faults the libFuzzer targets of tests/fuzz/ found,
 * each pinned where it was found and where it bites.  (A disagreement
 * of the scanner and jansson is pinned among the tricky lines of
 * test_runtime_diff.c instead, where the oracle lives.)  tests/fuzz/
 * RUNS.md lists the finds.
 *
 * Signed overflow does no visible harm in an optimised build: the tests
 * of such faults fail under make asan-test, whose UBSan aborts on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "driver.h"
#include "ir.h"
#include "krt_date.h"
#include "runtime_test.h"

/*
 * An epoch_millis date with a long fraction: the fraction was read into
 * a 64-bit integer digit by digit before its length was checked, which
 * overflowed past 18 digits.  More than 6 digits make no date.
 */
static void
test_epoch_long_fraction(void **state)
{
    static const char *const bad[] = {
        "4444444.44444444444444444444444444",
        "1.9999999999999999999999999999999999999999",
        "-1.0000000",
    };
    krt_i64 ms = 0;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(krt_parse_date(bad[i], strlen(bad[i]), false, &ms),
                         KRT_DATE_BAD);
        assert_int_equal(krt_parse_date(bad[i], strlen(bad[i]), true, &ms),
                         KRT_DATE_BAD);
    }
    /* six digits still read, to the millisecond */
    assert_int_equal(krt_parse_date("4444444.444444", 14, false, &ms),
                     KRT_DATE_OK);
    assert_int_equal(ms, 4444444);
    assert_int_equal(krt_parse_date("4444444.444444", 14, true, &ms),
                     KRT_DATE_OK);
    assert_int_equal(ms, 4444444);
}

/* The same value where fuzz_parser met it: free text, which each date
 * field of ECS reads as a date; and as the value of an event's date. */
static void
test_epoch_long_fraction_query(void **state)
{
    static const struct krt_field fields[] = {
        { .path = "@timestamp", .type = KRT_DATE },
    };
    const char *value = "4444444.44444444444444444444444444";
    char line[128];
    struct ir_program p = { 0 };
    struct arena a;
    struct diag d;
    struct rt t;

    (void)state;
    arena_init(&a);
    diag_init(&d, NULL);
    driver_add_query(&a, &d, &p, "q", "q",
                     "\n4444444.44444444444444444444444444\b");
    driver_add_query(&a, &d, &p, "q", "q",
                     "@timestamp:4444444.44444444444444444444444444");
    arena_free(&a);

    rt_open(&t, fields, 1);
    assert_true(krt_exists(rt_event(&t, "{\"@timestamp\":\"4444444.444\"}"),
                           0));
    snprintf(line, sizeof line, "{\"@timestamp\":\"%s\"}", value);
    assert_false(krt_exists(rt_event(&t, line), 0));
    snprintf(line, sizeof line, "{\"@timestamp\":%s}", value);
    assert_false(krt_exists(rt_event(&t, line), 0));
    rt_close(&t);
}

/*
 * The structural scan's first key on a fresh scanner: its table of keys
 * was still NULL, and the row of the innermost object was taken as an
 * offset from it, undefined behaviour that clang's UBSan reports (gcc's
 * does not look for it, so this test cannot fail under make asan-test;
 * the fuzz target's seed tests/fuzz/corpus/scan/found-null-keys
 * replays it under make fuzz).  Each path must give the reference's
 * verdict, reason and column.
 */
static void
test_fast_first_key(void **state)
{
    static const struct krt_field fields[] = {
        { .path = "a", .type = KRT_KEYWORD },
        { .path = "m.x", .type = KRT_KEYWORD },
    };
    static const char *const lines[] = {
        "{\"m\":{", "{\"m\":{}}", "{\"a\":\"v\",\"m\":{\"x\":1}}",
    };
    static const enum krt_scan_status want[] = {
        KRT_SCAN_MALFORMED, KRT_SCAN_EVENT, KRT_SCAN_EVENT,
    };
    static const enum krt_scan_path paths[] = {
        KRT_PATH_REFERENCE, KRT_PATH_PORTABLE, KRT_PATH_SSE2, KRT_PATH_AVX2,
        KRT_PATH_AVX512,
    };

    (void)state;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            struct krt_scanner *sc = krt_scanner_new(fields, 2);
            struct krt_scan_error err = { 0, NULL };
            struct krt_event *ev;

            assert_non_null(sc);
            if (!krt_scanner_set_path(sc, paths[p])) {
                krt_scanner_free(sc);
                continue; /* this CPU lacks the path */
            }
            assert_int_equal(krt_scan_line(sc, lines[i], strlen(lines[i]),
                                           &ev, &err), want[i]);
            if (want[i] == KRT_SCAN_MALFORMED) {
                assert_int_equal(err.col, 7);
                assert_string_equal(err.reason,
                                    "line ends where a key was expected");
            } else {
                assert_int_equal(krt_exists(ev, 1), i == 2);
            }
            krt_scanner_free(sc);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_long_fraction),
        cmocka_unit_test(test_epoch_long_fraction_query),
        cmocka_unit_test(test_fast_first_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
