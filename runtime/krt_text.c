/*
 * krt_text.c - the tests that read values as text: keyword sets and
 * wildcards, booleans and existence, and the lazy decoding of JSON
 * strings they rest on.
 */
#include "krt_run.h"

#include <string.h>

#include "krt_analyze.h"
#include "krt_date.h"
#include "krt_double.h"
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

/* Whether a \uXXXX of a low surrogate, '*lo', is at 's', before 'end'. */
static bool
low_surrogate_at(const char *s, const char *end, unsigned *lo)
{
    if (end - s < 6 || s[0] != '\\' || s[1] != 'u')
        return false;
    *lo = hex4(s + 2);
    return *lo >= 0xdc00 && *lo <= 0xdfff;
}

/*
 * Decode the escape at 's' (a backslash, before 'end') into 'out';
 * '*used' is its length.  A surrogate escape followed by its other half
 * is one character; any other surrogate stands alone and becomes
 * 'lone', or itself (three bytes, as UTF-8 would write it were it a
 * character) when 'lone' is 0.
 */
static size_t
unescape_one(const char *s, const char *end, char *out, size_t *used,
             unsigned lone)
{
    unsigned cp, lo;

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
    if (cp >= 0xd800 && cp <= 0xdbff && low_surrogate_at(s + 6, end, &lo)) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        *used = 12;
    } else if (cp >= 0xd800 && cp <= 0xdfff && lone != 0) {
        cp = lone;
    }
    return put_utf8(out, cp);
}

static size_t
unescape(const char *s, size_t len, char *out, unsigned lone)
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
        n += unescape_one(bs, end, out + n, &used, lone);
        s = bs + used;
    }
    return n;
}

/*
 * Jackson reads each \u escape as one UTF-16 unit, paired or not, and
 * Lucene writes an unpaired surrogate as U+FFFD when it indexes text:
 * that is what the tests compare.
 */
size_t
krt_unescape(const char *s, size_t len, char *out)
{
    return unescape(s, len, out, 0xfffd);
}

/*
 * A key keeps its unpaired surrogates: Elasticsearch compares keys as
 * Java strings, in which "\ud800", "\udc00" and U+FFFD all differ.
 */
size_t
krt_unescape_key(const char *s, size_t len, char *out)
{
    return unescape(s, len, out, 0);
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

/*
 * The text of 'v' as field 'field' indexes it; false when none.  The
 * lowercase normalizer applies after ignore_above, which Elasticsearch
 * checks on the value as it came.
 */
static bool
indexed_text(struct krt_event *ev, krt_u32 field, const struct krt_value *v,
             const char **text, size_t *len)
{
    const struct krt_field *f = &ev->fields[field];
    char *low;

    if (!krt_value_text(ev, v, text, len) || ignored(f, *text, *len))
        return false;
    if (!(f->flags & KRT_FIELD_LOWERCASE))
        return true;
    low = krt_text_scratch(ev, 3 * *len);
    if (!low)
        return false;
    *len = krt_lowercase(*text, *len, low);
    *text = low;
    return true;
}

bool
krt_value_indexed(struct krt_event *ev, krt_u32 field,
                  const struct krt_value *v, const char **text, size_t *len)
{
    return indexed_text(ev, field, v, text, len);
}

/* Order of set members: by length, then bytes. */
static int
compare_str(const struct krt_str *a, const char *s, size_t len)
{
    if (a->len != len)
        return a->len < len ? -1 : 1;
    return len ? memcmp(a->bytes, s, len) : 0;
}

bool
krt_set_has(const struct krt_str *set, krt_u32 n, const char *s, size_t len)
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
        if (indexed_text(ev, field, v, &s, &len) && krt_set_has(set, n, s, len))
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
bool
krt_wild_match(const struct krt_str *parts, krt_u32 n, const char *s,
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
            && krt_wild_match(parts, n, s, len))
            return true;
    }
    return false;
}

/* Compare 's' with bound 'b' as Lucene compares terms (BytesRef). */
static int
compare_bytes(const char *s, size_t len, const struct krt_str *b)
{
    size_t n = len < b->len ? len : b->len;
    int c = n ? memcmp(s, b->bytes, n) : 0;

    if (c != 0 || len == b->len)
        return c;
    return len < b->len ? -1 : 1;
}

/* Whether the text 's' lies in the range 'r'. */
static bool
in_str_range(const char *s, size_t len, const struct krt_str_range *r)
{
    int c;

    if (r->lower.bytes) {
        c = compare_bytes(s, len, &r->lower);
        if (c < 0 || (c == 0 && (r->flags & KRT_RANGE_LOWER_EXCL)))
            return false;
    }
    if (r->upper.bytes) {
        c = compare_bytes(s, len, &r->upper);
        if (c > 0 || (c == 0 && (r->flags & KRT_RANGE_UPPER_EXCL)))
            return false;
    }
    return true;
}

bool
krt_any_kw_range(struct krt_event *ev, krt_u32 field,
                 const struct krt_str_range *r)
{
    const struct krt_value *v;
    const char *s;
    size_t len;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (indexed_text(ev, field, v, &s, &len) && in_str_range(s, len, r))
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
 * Whether scalar or object 'v' of a field whose type the runtime does
 * not read by type, or of a keyword-like field ('objects' false), is a
 * value: a non-null scalar within ignore_above, or (when 'objects') an
 * object with a non-null scalar anywhere below.
 */
static bool
scalar_exists(struct krt_event *ev, krt_u32 field, const struct krt_value *v,
              bool objects)
{
    krt_u32 limit = ev->fields[field].ignore_above;
    const char *s;
    size_t len;

    if (v->kind == KRT_V_OBJECT)
        return objects && (v->flags & KRT_VF_LEAF);
    if (v->kind == KRT_V_NULL)
        return false;
    if (limit == 0 || v->len <= limit)
        return true; /* decoding never lengthens a string */
    return indexed_text(ev, field, v, &s, &len);
}

/* Whether 'v' is an address. */
static bool
is_address(struct krt_event *ev, const struct krt_value *v)
{
    struct krt_ip ip;

    return krt_value_ip(ev, v, &ip);
}

/*
 * Whether Elasticsearch indexes 'v' as a value of field 'field'.  A value
 * the type cannot read is none: ignore_malformed drops it, or the whole
 * document is refused; either way f:* does not hold.
 *
 * LIMIT(exists): text and the other types the runtime does not read
 * by type (and object, nested, flattened fields) count any
 * non-null scalar and any object holding one, readable or not, because
 * their values are never parsed here.  The scalars below an object
 * are not held to their own fields' ignore_above either: the scanner
 * does not know those fields while it walks the object.
 */
static bool
value_exists(struct krt_event *ev, krt_u32 field, const struct krt_value *v)
{
    krt_u32 type = ev->fields[field].type;
    krt_i64 x;

    switch (type) {
    case KRT_LONG:
    case KRT_INTEGER:
    case KRT_SHORT:
    case KRT_BYTE:
        /* "" too is no number: Elasticsearch coerces it to null */
        return krt_value_int(ev, v, type, &x) == KRT_INT_OK;
    case KRT_DOUBLE:
    case KRT_FLOAT:
    case KRT_HALF_FLOAT:
    case KRT_SCALED_FLOAT:
        /* the scaling factor cannot make a finite value unreadable */
        return krt_value_float_key(ev, v, type, 1.0, &x);
    case KRT_IP:
        return is_address(ev, v);
    case KRT_BOOLEAN:
        return boolean_of(ev, v) >= 0;
    case KRT_DATE:
        return krt_value_is_date(ev, v);
    case KRT_KEYWORD:
    case KRT_CONSTANT_KEYWORD:
    case KRT_WILDCARD:
        return scalar_exists(ev, field, v, false);
    default:
        return scalar_exists(ev, field, v, true);
    }
}

bool
krt_exists(struct krt_event *ev, krt_u32 field)
{
    const struct krt_value *v;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (value_exists(ev, field, v))
            return true;
    }
    return false;
}
