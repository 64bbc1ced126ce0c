/*
 * diag.c - printing diagnostics with the source line and carets.
 */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

static const char *const severity_name[] = {
    [DIAG_ERROR] = "error",
    [DIAG_WARNING] = "warning",
    [DIAG_NOTE] = "note",
};

void
diag_init(struct diag *d, FILE *out)
{
    d->out = out;
    d->nerrors = 0;
    d->nwarnings = 0;
    d->werror = false;
    d->hook = NULL;
    d->hook_ctx = NULL;
}

/* Print the message of 'fmt' and 'ap' and a newline; tell the hook. */
static void
print_message(struct diag *d, enum diag_severity sev, const char *fmt,
              va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
print_message(struct diag *d, enum diag_severity sev, const char *fmt,
              va_list ap)
{
    va_list again;
    va_copy(again, ap);
    if (d->out) {
        vfprintf(d->out, fmt, ap);
        fputc('\n', d->out);
    }
    if (d->hook) {
        char msg[1024];
        vsnprintf(msg, sizeof msg, fmt, again);
        d->hook(d->hook_ctx, sev, msg);
    }
    va_end(again);
}

/* A UTF-8 continuation byte does not start a character. */
static int
is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void
diag_line_col(const char *text, size_t len, size_t offset, unsigned *line,
              unsigned *col)
{
    unsigned l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (!is_cont((unsigned char)text[i])) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

size_t
diag_utf16_offset(const char *text, size_t len, size_t offset)
{
    size_t units = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char b = (unsigned char)text[i];
        if (is_cont(b))
            continue;
        units += (b >= 0xF0) ? 2 : 1;
    }
    return units;
}

/* Context shown on each side of a span inside a very long line. */
#define EXCERPT_CONTEXT 60

/* Move 'i' back to the start of the UTF-8 character holding it. */
static size_t
char_start(const char *text, size_t i, size_t floor)
{
    while (i > floor && is_cont((unsigned char)text[i]))
        i--;
    return i;
}

/*
 * Print the line holding 'start' and carets under [start, end) clipped to
 * that line.  Tabs in the line are kept in the caret line so the carets
 * stay aligned whatever the tab width.  A very long line (a query of
 * thousands of values on one line) is cut to a window around the span,
 * with '...' where it was cut.
 */
static void
print_excerpt(FILE *out, const char *text, size_t len, size_t start,
              size_t end)
{
    size_t ls = start, le = start;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    while (le < len && text[le] != '\n' && text[le] != '\r')
        le++;
    if (end > le)
        end = le;
    if (end <= start)
        end = start + 1;
    bool cut_left = start - ls > EXCERPT_CONTEXT * 2;
    bool cut_right = le > end + EXCERPT_CONTEXT * 2;
    if (cut_left)
        ls = char_start(text, start - EXCERPT_CONTEXT, ls);
    if (cut_right)
        le = char_start(text, end + EXCERPT_CONTEXT, end);

    fputs(cut_left ? "    ..." : "    ", out);
    for (size_t i = ls; i < le; i++) {
        unsigned char c = (unsigned char)text[i];
        fputc(c < 0x20 && c != '\t' ? ' ' : c, out);
    }
    fputs(cut_right ? "...\n    " : "\n    ", out);
    if (cut_left)
        fputs("   ", out);
    for (size_t i = ls; i < start; i++) {
        if (!is_cont((unsigned char)text[i]))
            fputc(text[i] == '\t' ? '\t' : ' ', out);
    }
    for (size_t i = start; i < end; i++) {
        if (i >= le || !is_cont((unsigned char)text[i]))
            fputc('^', out);
    }
    fputc('\n', out);
}

static void
count(struct diag *d, enum diag_severity *sev)
{
    if (*sev == DIAG_WARNING && d->werror)
        *sev = DIAG_ERROR;
    if (*sev == DIAG_ERROR)
        d->nerrors++;
    else if (*sev == DIAG_WARNING)
        d->nwarnings++;
}

size_t
diag_source_offset(const struct diag_source *src, uint32_t offset)
{
    if (src->map)
        return src->map[offset < src->map_len ? offset : src->map_len];
    return (size_t)src->base + offset;
}

void
diag_report(struct diag *d, const struct diag_source *src,
            enum diag_severity sev, struct span span, const char *fmt, ...)
{
    va_list ap;
    count(d, &sev);
    if (!d->out) {
        va_start(ap, fmt);
        print_message(d, sev, fmt, ap);
        va_end(ap);
        return;
    }
    if (!src) {
        fprintf(d->out, "kqlc: %s: ", severity_name[sev]);
    } else {
        size_t start = diag_source_offset(src, span.start);
        unsigned line, col;
        diag_line_col(src->text, src->len, start, &line, &col);
        fprintf(d->out, "%s:%u:%u: %s: ", src->name, line, col,
                severity_name[sev]);
    }
    va_start(ap, fmt);
    print_message(d, sev, fmt, ap);
    va_end(ap);
    if (src) {
        size_t start = diag_source_offset(src, span.start);
        size_t end = diag_source_offset(src, span.end);
        if (end < start)
            end = start;
        if (start > src->len)
            start = src->len;
        print_excerpt(d->out, src->text, src->len, start, end);
    }
}

void
diag_plain(struct diag *d, enum diag_severity sev, const char *fmt, ...)
{
    va_list ap;
    count(d, &sev);
    if (d->out)
        fprintf(d->out, "kqlc: %s: ", severity_name[sev]);
    va_start(ap, fmt);
    print_message(d, sev, fmt, ap);
    va_end(ap);
}
