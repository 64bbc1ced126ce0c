/*
 * krt_fast.h - the event scanner's fast path; private to runtime/.
 *
 * krt_scan_line tries each line here first.  The fast path either takes
 * the line, leaving in the event exactly the values the reference scan
 * (krt_scan.c) would leave, or gives it up, leaving the event to be
 * reset and the line to the reference scan, which then decides and says
 * why a line is malformed.  It gives up on every malformed line and on
 * the rare shapes it does not handle (escaped or unusual keys, nested
 * and flattened fields, very long lines), never on a verdict: so it can
 * only be slower than the reference, never answer otherwise.
 */
#ifndef KRT_FAST_H
#define KRT_FAST_H

#include <stddef.h>

#include "krt_run.h"

struct krt_fast;

/*
 * A fast path for the fields of 'fields', whose values go to the slots
 * 'field_slot' gives (the reference scan's numbering; KRT_NONE: never
 * found).  Both are borrowed.  'path' is KRT_PATH_PORTABLE or a SIMD
 * path.  NULL when this CPU lacks 'path' or out of memory.
 */
struct krt_fast *krt_fast_new(const struct krt_field *fields,
                              krt_u32 nfields, const krt_u32 *field_slot,
                              enum krt_scan_path path);
void krt_fast_free(struct krt_fast *fs);

/*
 * Scan the 'len' bytes of 'line' (whose first byte that is no white
 * space is '{') into 'ev', reset for the line.  True: 'ev' holds the
 * line's values.  False: given up; 'ev' holds anything.
 */
bool krt_fast_scan(struct krt_fast *fs, struct krt_event *ev,
                   const char *line, size_t len);

/* Whether this CPU can run 'path'. */
bool krt_fast_path_supported(enum krt_scan_path path);

#endif
