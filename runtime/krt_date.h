/*
 * krt_date.h - date fields as Elasticsearch reads them: dates, date
 * math, and the ranges whose bounds use 'now'.
 *
 * ECS maps its date fields with the default format of Elasticsearch's
 * date type, strict_date_optional_time||epoch_millis, and holds each
 * value as milliseconds since 1970-01-01T00:00:00Z: digits finer than a
 * millisecond are dropped, rounding toward the past.  The same readers
 * serve the runtime (event values, the clock of a run) and the compiler
 * (query values and date math), so a date means one thing everywhere.
 * Everything here is in UTC, as detection rules run: Kibana's detection
 * engine builds their queries with the time zone 'Zulu'.
 */
#ifndef KRT_DATE_H
#define KRT_DATE_H

#include "krt_run.h"

enum krt_date_status {
    KRT_DATE_OK,
    KRT_DATE_BAD,    /* no date, or date math Elasticsearch refuses */
    KRT_DATE_REGION  /* a date whose zone is a region: LIMIT(zones) */
};

/*
 * Read the 'len' bytes of 's' as strict_date_optional_time, or else as
 * epoch_millis, into '*ms'.  'round_up' fills what the text leaves out
 * with the largest values (month and day 01, 23:59:59.999999999, and a
 * fraction of .999999 for epoch milliseconds), as range queries read the
 * dates of their gt and lte bounds; otherwise with the smallest.
 */
enum krt_date_status krt_parse_date(const char *s, size_t len,
                                    bool round_up, krt_i64 *ms);

/*
 * Read one bound of a range query: a date, or 'now' or 'DATE||' followed
 * by date math (+1d, -2h, /d, ... in any number), as Elasticsearch's
 * date math parser reads it, with 'now' the clock.  'round_up' is true
 * for gt and lte bounds.  On KRT_DATE_BAD '*why' is a static message.
 */
enum krt_date_status krt_date_math(const char *s, size_t len, bool round_up,
                                   krt_i64 now, krt_i64 *ms,
                                   const char **why);

/* Whether the date math 's' reads the clock: it starts with 'now'. */
bool krt_date_uses_now(const char *s, size_t len);

/*
 * The closed range of milliseconds the bounds of 'r' select with 'now'
 * the clock, as Elasticsearch builds a range query on a date field: a
 * gt bound rounds up then adds one, an lt bound rounds down then takes
 * one, wrapping as Java's long does.  The range is empty when first >
 * last.  '*why' as for krt_date_math.
 */
enum krt_date_status krt_date_range(const struct krt_date_rel *r,
                                    krt_i64 now, struct krt_i64_range *out,
                                    const char **why);

/*
 * The range of each of prog->dates at the clock 'now', in a malloc'd
 * array the caller frees (one element at least).  NULL when out of
 * memory, or when some range's date math leaves the dates Elasticsearch
 * can hold at this clock; then 'err' says which.
 */
struct krt_i64_range *krt_dates_resolve(const struct krt_program *prog,
                                        krt_i64 now, char *err,
                                        size_t size);

/*
 * Give the events of 'sc' the 'n' resolved ranges of 'dates' (borrowed:
 * they must outlive the scanner's events), which krt_any_date_rel
 * reads.  A host that runs a program with dates calls this before it
 * scans; krt_run does.
 */
void krt_scanner_set_dates(struct krt_scanner *sc,
                           const struct krt_i64_range *dates, krt_u32 n);

/* Whether 'v' is a date Elasticsearch indexes (for krt_exists). */
bool krt_value_is_date(struct krt_event *ev, const struct krt_value *v);

/* 'ms' as ISO 8601 in UTC, 2024-01-02T03:04:05.678Z, into 'buf' (>= 40). */
void krt_format_date(krt_i64 ms, char *buf, size_t size);

/* The wall clock, in milliseconds since the epoch. */
krt_i64 krt_clock_ms(void);

#endif
