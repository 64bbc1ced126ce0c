/*
 * span.h - byte spans into a source text.
 */
#ifndef KQLC_SPAN_H
#define KQLC_SPAN_H

#include <stdint.h>

/* Half-open byte range [start, end) of a source text. */
struct span {
    uint32_t start;
    uint32_t end;
};

static inline struct span
span_make(uint32_t start, uint32_t end)
{
    struct span s = { start, end };
    return s;
}

static inline struct span
span_join(struct span a, struct span b)
{
    return span_make(a.start < b.start ? a.start : b.start,
                     a.end > b.end ? a.end : b.end);
}

#endif
