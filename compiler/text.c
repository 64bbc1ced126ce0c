/*
 * text.c - decoding the text of KQL literals.
 */
#include "text.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Kibana writes each wildcard of a wildcard node as this marker, and any
 * occurrence of it in the text of such a node acts as a wildcard too. */
#define WILDCARD_MARKER "@kuery-wildcard@"
#define WILDCARD_MARKER_LEN (sizeof WILDCARD_MARKER - 1)

void
text_builder_init(struct text_builder *tb)
{
    memset(tb, 0, sizeof *tb);
}

void
text_builder_free(struct text_builder *tb)
{
    free(tb->bytes);
    free(tb->wild);
    text_builder_init(tb);
}

void
text_builder_reset(struct text_builder *tb)
{
    tb->len = 0;
    tb->nwild = 0;
    tb->after_high = false;
}

static void
reserve(struct text_builder *tb, size_t n)
{
    if (tb->cap - tb->len >= n)
        return;
    size_t cap = tb->cap ? tb->cap : 64;
    while (cap - tb->len < n)
        cap *= 2;
    tb->bytes = xrealloc(tb->bytes, cap);
    tb->cap = cap;
}

void
text_append(struct text_builder *tb, const char *s, size_t n)
{
    reserve(tb, n);
    if (n)
        memcpy(tb->bytes + tb->len, s, n);
    tb->len += n;
    tb->after_high = false;
}

static void
push_wild(struct text_builder *tb, size_t at)
{
    if (tb->nwild == tb->wcap) {
        tb->wcap = tb->wcap ? tb->wcap * 2 : 8;
        tb->wild = xrealloc(tb->wild, tb->wcap * sizeof *tb->wild);
    }
    tb->wild[tb->nwild++] = (uint32_t)at;
}

void
text_append_wildcard(struct text_builder *tb)
{
    push_wild(tb, tb->len);
    tb->after_high = false;
}

static bool
is_high(uint32_t u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static bool
is_low(uint32_t u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

void
text_append_unit(struct text_builder *tb, unsigned unit)
{
    char enc[4];
    uint32_t cp = unit;

    /* A low surrogate right after a high one: the pair is one character,
     * so its 3-byte high half is replaced by the 4-byte whole. */
    if (is_low(unit) && tb->after_high) {
        uint32_t high;
        size_t n = text_utf8_decode(tb->bytes + tb->len - 3, 3, &high);
        assert(n == 3 && is_high(high));
        (void)n;
        cp = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00);
        tb->len -= 3;
    }
    text_append(tb, enc, text_utf8_encode(cp, enc));
    tb->after_high = is_high(cp);
}

static unsigned
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    assert(c >= 'A' && c <= 'F');
    return (unsigned)(c - 'A' + 10);
}

void
text_append_escape(struct text_builder *tb, const char *s, size_t n)
{
    assert(n >= 2 && s[0] == '\\');
    if (n == 2 && s[1] == 't') {
        text_append(tb, "\t", 1);
    } else if (n == 2 && s[1] == 'r') {
        text_append(tb, "\r", 1);
    } else if (n == 2 && s[1] == 'n') {
        text_append(tb, "\n", 1);
    } else if (n == 6 && s[1] == 'u') {
        unsigned unit = 0;
        for (size_t i = 2; i < 6; i++)
            unit = unit * 16 + hex_value(s[i]);
        text_append_unit(tb, unit);
    } else {
        /* \( \* \and \NOT ...: the protected characters as written */
        text_append(tb, s + 1, n - 1);
    }
}

/* Drop the wildcards at the offsets outside [lo, hi] and rebase the rest. */
static void
trim_to(struct text_builder *tb, size_t lo, size_t hi)
{
    if (lo > 0)
        memmove(tb->bytes, tb->bytes + lo, hi - lo);
    tb->len = hi - lo;
    for (size_t i = 0; i < tb->nwild; i++) {
        assert(tb->wild[i] >= lo && tb->wild[i] <= hi);
        tb->wild[i] -= (uint32_t)lo;
    }
}

/* JavaScript's trim() on the joined text: a wildcard stops it. */
static void
trim_js(struct text_builder *tb)
{
    size_t lo_end = tb->nwild ? tb->wild[0] : tb->len;
    size_t hi_start = tb->nwild ? tb->wild[tb->nwild - 1] : 0;
    size_t lo = text_js_space_prefix(tb->bytes, lo_end);
    size_t hi = tb->len;

    if (hi_start < lo)
        hi_start = lo;
    /* A value of wildcards alone has no bytes (and no buffer) to trim. */
    if (hi > hi_start)
        hi -= text_js_space_suffix(tb->bytes + hi_start, hi - hi_start);
    trim_to(tb, lo, hi);
}

/*
 * Turn each literal occurrence of the wildcard marker into a wildcard, as
 * Kibana's wildcard node does when it splits its value on the marker.
 */
static void
absorb_markers(struct text_builder *tb)
{
    size_t out = 0, w = 0, nwild = tb->nwild;
    uint32_t *old = xmalloc((nwild ? nwild : 1) * sizeof *old);

    memcpy(old, tb->wild, nwild * sizeof *old);
    tb->nwild = 0;
    for (size_t i = 0; i <= tb->len; ) {
        while (w < nwild && old[w] == i) {
            push_wild(tb, out);
            w++;
        }
        if (i == tb->len)
            break;
        if (tb->len - i >= WILDCARD_MARKER_LEN &&
            !memcmp(tb->bytes + i, WILDCARD_MARKER, WILDCARD_MARKER_LEN)) {
            push_wild(tb, out);
            i += WILDCARD_MARKER_LEN;
            continue;
        }
        tb->bytes[out++] = tb->bytes[i++];
    }
    tb->len = out;
    free(old);
}

static enum ast_lit_kind
classify(const struct text_builder *tb)
{
    if (tb->nwild)
        return AST_LIT_WILDCARD;
    if (tb->len == 4 && !memcmp(tb->bytes, "null", 4))
        return AST_LIT_NULL;
    if (tb->len == 4 && !memcmp(tb->bytes, "true", 4))
        return AST_LIT_TRUE;
    if (tb->len == 5 && !memcmp(tb->bytes, "false", 5))
        return AST_LIT_FALSE;
    return AST_LIT_STRING;
}

enum ast_lit_kind
text_finish(struct text_builder *tb, struct arena *a, bool quoted,
            struct kql_text *out)
{
    enum ast_lit_kind kind = AST_LIT_STRING;

    assert(!quoted || tb->nwild == 0);
    if (!quoted) {
        trim_js(tb);
        if (tb->nwild)
            absorb_markers(tb);
        kind = classify(tb);
    }
    out->bytes = arena_strndup(a, tb->bytes ? tb->bytes : "", tb->len);
    out->len = tb->len;
    out->nwild = tb->nwild;
    out->wild = NULL;
    if (tb->nwild) {
        out->wild = arena_alloc(a, tb->nwild * sizeof *out->wild);
        memcpy(out->wild, tb->wild, tb->nwild * sizeof *out->wild);
    }
    text_builder_reset(tb);
    return kind;
}

/*
 * Length of the UTF-8 sequence at 's' whose lead byte is 'b0', with the
 * bounds on the second byte that exclude overlong forms and code points
 * past U+10FFFF; surrogates (lead 0xED, second byte 0xA0-0xBF) only when
 * 'wtf8' is set.
 */
static size_t
seq_len(unsigned char b0, unsigned char *lo, unsigned char *hi, bool wtf8)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b0 < 0x80)
        return 1;
    if (b0 < 0xC2 || b0 > 0xF4)
        return 0;
    if (b0 < 0xE0)
        return 2;
    if (b0 == 0xE0)
        *lo = 0xA0;
    else if (b0 == 0xED && !wtf8)
        *hi = 0x9F;
    else if (b0 == 0xF0)
        *lo = 0x90;
    else if (b0 == 0xF4)
        *hi = 0x8F;
    return b0 < 0xF0 ? 3 : 4;
}

static size_t
decode(const char *s, size_t n, uint32_t *cp, bool wtf8)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char lo, hi;
    size_t len;

    if (n == 0)
        return 0;
    len = seq_len(u[0], &lo, &hi, wtf8);
    if (len == 0 || len > n)
        return 0;
    if (len == 1) {
        *cp = u[0];
        return 1;
    }
    if (u[1] < lo || u[1] > hi)
        return 0;
    *cp = u[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (u[i] & 0x3F);
    }
    return len;
}

size_t
text_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    return decode(s, n, cp, true);
}

size_t
text_utf8_check(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t len = decode(s + i, n - i, &cp, false);
        if (len == 0)
            return i;
        i += len;
    }
    return n;
}

size_t
text_utf8_encode(uint32_t cp, char out[4])
{
    assert(cp <= 0x10FFFF);
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* WhiteSpace and LineTerminator of ECMAScript: what trim() removes. */
bool
text_is_js_space(uint32_t cp)
{
    switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

size_t
text_js_space_prefix(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t len = text_utf8_decode(s + i, n - i, &cp);
        if (len == 0 || !text_is_js_space(cp))
            break;
        i += len;
    }
    return i;
}

/* Length of the character that ends at 's'[n], or 0 when none does. */
static size_t
last_char(const char *s, size_t n, uint32_t *cp)
{
    size_t start = n;

    while (start > 0 && n - start < 4) {
        start--;
        if (((unsigned char)s[start] & 0xC0) != 0x80)
            break;
    }
    if (start == n)
        return 0;
    size_t len = text_utf8_decode(s + start, n - start, cp);
    return len == n - start ? len : 0;
}

size_t
text_js_space_suffix(const char *s, size_t n)
{
    size_t end = n;
    uint32_t cp;

    while (end > 0) {
        size_t len = last_char(s, end, &cp);
        if (len == 0 || !text_is_js_space(cp))
            break;
        end -= len;
    }
    return n - end;
}

/* Write one character of 's'; returns the bytes it took. */
static size_t
json_char(FILE *out, const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    uint32_t cp;
    size_t len;

    if (c == '"' || c == '\\') {
        fprintf(out, "\\%c", c);
        return 1;
    }
    if (c < 0x20) {
        fprintf(out, "\\u%04x", c);
        return 1;
    }
    if (c < 0x80) {
        fputc(c, out);
        return 1;
    }
    len = text_utf8_decode(s, n, &cp);
    if (len == 0) {
        fputs("\\ufffd", out);
        return 1;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        fprintf(out, "\\u%04x", (unsigned)cp);
    else
        fwrite(s, 1, len, out);
    return len;
}

void
text_json_escape(FILE *out, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n)
        i += json_char(out, s + i, n - i);
}
