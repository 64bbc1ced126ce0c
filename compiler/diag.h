/*
 * diag.h - diagnostics: 'file:line:col: severity: message', the source
 * line, and carets under the span.
 *
 * Spans are byte offsets into the text being compiled (a query); a
 * diag_source says where that text sits in the file the user knows, so a
 * query inside a rule file is reported at its position in that file.
 * Line and column are computed only when a message is printed.
 */
#ifndef KQLC_DIAG_H
#define KQLC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "span.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/*
 * Where spans point.  'text' is the whole file (or the query itself when
 * it came from the command line); spans are relative to the query, which
 * starts at byte 'base' of 'text', or maps into it through 'map'.
 */
struct diag_source {
    const char *name;
    const char *text;
    size_t len;
    uint32_t base;
    /* When not NULL: the byte of 'text' where each byte of the query
     * (0 .. map_len, one past its end included) came from, for a query
     * whose text the file wrote with escapes or other line ends; 'base'
     * is then unused. */
    const uint32_t *map;
    uint32_t map_len;
};

/* Where byte 'offset' of the query stands in 'src->text'. */
size_t diag_source_offset(const struct diag_source *src, uint32_t offset);

/* Told of each message after it is printed: its severity (after
 * -Werror) and its text alone, without position or source line. */
typedef void (*diag_hook_fn)(void *ctx, enum diag_severity sev,
                             const char *msg);

/* A sink for diagnostics; counts what it printed.  A NULL 'out' prints
 * nothing, still counting and telling the hook (a muted sink). */
struct diag {
    FILE *out;
    int nerrors;
    int nwarnings;
    bool werror;  /* report warnings as errors */
    diag_hook_fn hook;  /* NULL, or told of each message */
    void *hook_ctx;
};

void diag_init(struct diag *d, FILE *out);

/* Report at 'span' of 'src'.  'src' may be NULL for a message with no
 * position, printed as 'kqlc: severity: message'. */
void diag_report(struct diag *d, const struct diag_source *src,
                 enum diag_severity sev, struct span span,
                 const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Report without a position ('kqlc: error: ...'). */
void diag_plain(struct diag *d, enum diag_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1-based line and column (in characters) of byte 'offset' of 'text'. */
void diag_line_col(const char *text, size_t len, size_t offset,
                   unsigned *line, unsigned *col);

/* Offset of 'offset' in UTF-16 code units, as JavaScript counts. */
size_t diag_utf16_offset(const char *text, size_t len, size_t offset);

#endif
