/*
 * runtime_test.h - helpers shared by the runtime's unit tests: scanning
 * one line against a small field table and reading values back.
 *
 * Include after <cmocka.h> and its prerequisites.
 */
#ifndef RUNTIME_TEST_H
#define RUNTIME_TEST_H

#include <stdlib.h>
#include <string.h>

#include "krt_run.h"

/* A scanner over 'fields', kept between a test's lines. */
struct rt {
    struct krt_scanner *sc;
    struct krt_event *ev;
};

static inline void
rt_open(struct rt *t, const struct krt_field *fields, krt_u32 n)
{
    t->sc = krt_scanner_new(fields, n);
    assert_non_null(t->sc);
    t->ev = NULL;
}

static inline void
rt_close(struct rt *t)
{
    krt_scanner_free(t->sc);
    t->sc = NULL;
}

/* Scan 'line', which must be a well-formed event. */
static inline struct krt_event *
rt_event(struct rt *t, const char *line)
{
    struct krt_scan_error err = { 0, NULL };
    enum krt_scan_status st;

    st = krt_scan_line(t->sc, line, strlen(line), &t->ev, &err);
    if (st != KRT_SCAN_EVENT)
        fail_msg("line rejected at column %zu (%s): %s", err.col,
                 err.reason ? err.reason : "?", line);
    return t->ev;
}

/* Scan 'line' and return its status, leaving the error in '*err'. */
static inline enum krt_scan_status
rt_status(struct rt *t, const char *line, size_t len,
          struct krt_scan_error *err)
{
    return krt_scan_line(t->sc, line, len, &t->ev, err);
}

/* The number of values of 'field'. */
static inline int
rt_count(const struct krt_event *ev, krt_u32 field)
{
    int n = 0;

    for (const struct krt_value *v = krt_value_first(ev, field); v;
         v = krt_value_next(ev, v))
        n++;
    return n;
}

/* Value number 'i' of 'field', which must exist. */
static inline const struct krt_value *
rt_value(const struct krt_event *ev, krt_u32 field, int i)
{
    const struct krt_value *v = krt_value_first(ev, field);

    while (v && i-- > 0)
        v = krt_value_next(ev, v);
    assert_non_null(v);
    return v;
}

/* Assert that value 'i' of 'field' has 'kind' and decoded text 'text'. */
static inline void
rt_expect(struct krt_event *ev, krt_u32 field, int i, unsigned kind,
          const char *text)
{
    const struct krt_value *v = rt_value(ev, field, i);
    const char *s;
    size_t len;

    assert_int_equal(v->kind, kind);
    if (!text)
        return;
    assert_true(krt_value_text(ev, v, &s, &len));
    assert_int_equal(len, strlen(text));
    assert_memory_equal(s, text, len);
}

#endif
