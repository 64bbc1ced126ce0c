/*
 * krt_text.c - the tests that read values as text: keyword sets and
 * wildcards, booleans and existence, and the lazy decoding of JSON
 * strings they rest on.
 */
#include "krt_run.h"

#include <string.h>

#include "krt_event.h"

static unsigned
hex4(const char *s)
{
    unsigned u = 0;

    for (int i = 0; i < 4; i++) {
        unsigned c = (unsigned char)s[i];
        u = u * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return u;
}

static size_t
put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decode the escape at 's' (a backslash) into 'out'; '*used' its length. */
static size_t
unescape_one(const char *s, char *out, size_t *used)
{
    unsigned cp;

    *used = 2;
    switch (s[1]) {
    case 'b': *out = '\b'; return 1;
    case 'f': *out = '\f'; return 1;
    case 'n': *out = '\n'; return 1;
    case 'r': *out = '\r'; return 1;
    case 't': *out = '\t'; return 1;
    case 'u': break;
    default: *out = s[1]; return 1;
    }
    cp = hex4(s + 2);
    *used = 6;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(s + 8) - 0xdc00);
        *used = 12;
    }
    return put_utf8(out, cp);
}

size_t
krt_unescape(const char *s, size_t len, char *out)
{
    const char *end = s + len;
    size_t n = 0;

    while (s < end) {
        const char *bs = memchr(s, '\\', (size_t)(end - s));
        size_t run = bs ? (size_t)(bs - s) : (size_t)(end - s);
        size_t used;

        memcpy(out + n, s, run);
        n += run;
        if (!bs)
            break;
        n += unescape_one(bs, out + n, &used);
        s = bs + used;
    }
    return n;
}

bool
krt_value_text(struct krt_event *ev, const struct krt_value *v,
               const char **text, size_t *len)
{
    if (v->kind == KRT_V_NULL || v->kind == KRT_V_OBJECT)
        return false;
    if (v->flags & KRT_VF_ESCAPED) {
        *len = krt_unescape(v->text, v->len, ev->buf);
        *text = ev->buf;
    } else {
        *len = v->len;
        *text = v->text;
    }
    return true;
}

/* Length in UTF-16 code units of the well-formed UTF-8 text 's'. */
static size_t
utf16_units(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        n += (c & 0xc0) != 0x80;
        n += c >= 0xf0; /* four bytes: a surrogate pair */
    }
    return n;
}

/* Whether Elasticsearch would leave text 's' unindexed (ignore_above). */
static bool
ignored(const struct krt_field *f, const char *s, size_t len)
{
    return f->ignore_above != 0 && len > f->ignore_above
           && utf16_units(s, len) > f->ignore_above;
}

/* The text of 'v' as field 'field' indexes it; false when none. */
static bool
indexed_text(struct krt_event *ev, krt_u32 field, const struct krt_value *v,
             const char **text, size_t *len)
{
    return krt_value_text(ev, v, text, len)
           && !ignored(&ev->fields[field], *text, *len);
}

/* Order of set members: by length, then bytes. */
static int
compare_str(const struct krt_str *a, const char *s, size_t len)
{
    if (a->len != len)
        return a->len < len ? -1 : 1;
    return len ? memcmp(a->bytes, s, len) : 0;
}

static bool
set_has(const struct krt_str *set, krt_u32 n, const char *s, size_t len)
{
    krt_u32 lo = 0, hi = n;

    while (lo < hi) {
        krt_u32 mid = lo + (hi - lo) / 2;
        int c = compare_str(&set[mid], s, len);

        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool
krt_any_kw_in(struct krt_event *ev, krt_u32 field, const struct krt_str *set,
              krt_u32 n)
{
    const struct krt_value *v;
    const char *s;
    size_t len;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (indexed_text(ev, field, v, &s, &len) && set_has(set, n, s, len))
            return true;
    }
    return false;
}

/* Whether 's' starts with 'part'. */
static bool
same(const char *s, const struct krt_str *part)
{
    return part->len == 0 || memcmp(s, part->bytes, part->len) == 0;
}

/* The first place at or after 's' where 'part' occurs before 'end'. */
static const char *
find_part(const char *s, const char *end, const struct krt_str *part)
{
    if (part->len == 0)
        return s;
    while ((size_t)(end - s) >= part->len) {
        const char *c = memchr(s, part->bytes[0],
                               (size_t)(end - s) - part->len + 1);
        if (!c)
            return NULL;
        if (same(c, part))
            return c;
        s = c + 1;
    }
    return NULL;
}

/*
 * 'parts' anchored at both ends with anything between them.  Taking the
 * leftmost place of each middle part is safe: it leaves the most room
 * for the parts after it.
 */
static bool
wild_match(const struct krt_str *parts, krt_u32 n, const char *s,
           size_t len)
{
    const struct krt_str *first = &parts[0], *last = &parts[n - 1];
    const char *end = s + len;

    if (len < (size_t)first->len + last->len)
        return false;
    if (!same(s, first) || !same(end - last->len, last))
        return false;
    s += first->len;
    end -= last->len;
    for (krt_u32 i = 1; i + 1 < n; i++) {
        s = find_part(s, end, &parts[i]);
        if (!s)
            return false;
        s += parts[i].len;
    }
    return true;
}

bool
krt_any_kw_wild(struct krt_event *ev, krt_u32 field,
                const struct krt_str *parts, krt_u32 n)
{
    const struct krt_value *v;
    const char *s;
    size_t len;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (indexed_text(ev, field, v, &s, &len)
            && wild_match(parts, n, s, len))
            return true;
    }
    return false;
}

/*
 * A value as a boolean: 1 true, 0 false, -1 neither.  Elasticsearch
 * also reads the empty string as false.
 */
static int
boolean_of(struct krt_event *ev, const struct krt_value *v)
{
    const char *s;
    size_t len;

    if (v->kind == KRT_V_TRUE || v->kind == KRT_V_FALSE)
        return v->kind == KRT_V_TRUE;
    if (v->kind != KRT_V_STRING)
        return -1;
    krt_value_text(ev, v, &s, &len);
    if (len == 4 && memcmp(s, "true", 4) == 0)
        return 1;
    if (len == 0 || (len == 5 && memcmp(s, "false", 5) == 0))
        return 0;
    return -1;
}

bool
krt_any_bool_is(struct krt_event *ev, krt_u32 field, bool b)
{
    const struct krt_value *v;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (boolean_of(ev, v) == (int)b)
            return true;
    }
    return false;
}

/*
 * A scalar exists unless it is null or ignore_above drops it; an object
 * exists when it holds a non-null scalar anywhere below.
 *
 * LIMIT(exists): the scalars below an object are not held to their own
 * fields' ignore_above, which the scanner does not know while it walks
 * an object; an object whose only leaves are too long to be indexed
 * exists here and not in Elasticsearch.  Rules rarely test an object
 * field with f:*.
 */
bool
krt_exists(struct krt_event *ev, krt_u32 field)
{
    const struct krt_value *v;
    const char *s;
    size_t len;

    krt_u32 limit = field < ev->nfields ? ev->fields[field].ignore_above : 0;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (v->kind == KRT_V_OBJECT) {
            if (v->flags & KRT_VF_LEAF)
                return true;
        } else if (v->kind != KRT_V_NULL && (limit == 0 || v->len <= limit)) {
            return true; /* decoding never lengthens a string */
        } else if (indexed_text(ev, field, v, &s, &len)) {
            return true;
        }
    }
    return false;
}
