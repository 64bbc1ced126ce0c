/*
 * test_runtime_diff.c - the event scanner against jansson, on hand-made
 * tricky lines and on many lines from a seeded generator of valid and
 * broken JSON.
 *
 * The scanner must accept exactly the lines that jansson (json_loadb with
 * JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES,
 * end-of-input check on) parses to an object, and find at each field
 * path exactly the scalars that a walk of jansson's tree finds there, in
 * the same order.  Both refuse an object holding a key twice, as
 * Elasticsearch does.  Two differences are bridged:
 *
 *   field names   jansson takes any key; we refuse, as Elasticsearch
 *                 does, a key it makes no field name of ("", " ", ".x",
 *                 "a..b").  A line jansson takes is expected refused, for
 *                 its field names, when a key of jansson's tree breaks
 *                 that rule, checked here on its own (bad_name); paths
 *                 drop a key's final dots, as Elasticsearch does.
 *   lone halves   jansson refuses a \u escape of a lone surrogate; we
 *                 take it, as Jackson does.  jansson reads the line with
 *                 each written as what we decode it to: in a value
 *                 U+FFFD, in a key (which keeps it, distinct from every
 *                 other key) a character of plane 15, which the
 *                 generator never writes.
 *
 * Other deliberate differences are classified first and left out of the
 * comparison:
 *
 *   blank      empty or white-space lines are 'blank' for us, an error
 *              for jansson;
 *   deep       nesting past 1000 levels: we refuse it, jansson allows
 *              2048 (such lines are checked to be refused for depth);
 *   huge       a number past the range of a double: jansson refuses it,
 *              we keep its text (integer fields then find it out of range);
 *   nul key    a key holding \u0000: jansson refuses it, we accept it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <jansson.h>

#include "runtime_test.h"

#define LOAD_FLAGS \
    (JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES)

static const struct krt_field fields[] = {
    { "a", KRT_KEYWORD, 0, 0 },     { "b", KRT_KEYWORD, 0, 0 },
    { "c", KRT_KEYWORD, 0, 0 },     { "a.b", KRT_KEYWORD, 0, 0 },
    { "b.c", KRT_KEYWORD, 0, 0 },   { "a.b.c", KRT_KEYWORD, 0, 0 },
    { "x", KRT_KEYWORD, 0, 0 },     { "a.x", KRT_KEYWORD, 0, 0 },
    { "x.a", KRT_KEYWORD, 0, 0 },   { "\xc3\xa9", KRT_KEYWORD, 0, 0 },
    { "a.\xc3\xa9", KRT_KEYWORD, 0, 0 },
};

#define NFIELDS ((krt_u32)(sizeof fields / sizeof fields[0]))

/* ------------------------------------------------------------ text */

struct text {
    char *p;
    size_t len;
    size_t cap;
};

static void
put(struct text *t, const char *s, size_t n)
{
    if (t->cap - t->len < n + 1) {
        while (t->cap - t->len < n + 1)
            t->cap = t->cap ? t->cap * 2 : 256;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void
puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* -------------------------------------------------------- generator */

static krt_u64 seed;

static krt_u32
rnd(krt_u32 n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (krt_u32)(seed >> 32) % n;
}

static void
gen_space(struct text *t)
{
    static const char *const ws[] = { "", "", "", " ", "\t", "\r", "\n",
                                      "  " };

    puts_(t, ws[rnd(8)]);
}

/* One character of a string body, sometimes a broken one. */
static void
gen_char(struct text *t, bool broken)
{
    static const char *const good[] = {
        "a", "b", "z", "0", " ", ".", "\\n", "\\\"", "\\\\", "\\/", "\\b",
        "\\f", "\\r", "\\t", "\\u0041", "\\u00e9", "\\u00E9", "\\u20ac",
        "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\u0000", "\\u002e",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
        "\xed\x9f\xbf", "\xee\x80\x80", "\x7f", "'", "{", "]",
        "\\uD800", "\\uDC00", "\\udbff", "\\u3000", "\xe2\x80\x83", "\xc2\xa0",
    };
    static const char *const bad[] = {
        "\\x", "\\u12", "\\u00G0", "\\uD800\\u12", "\xc0\x80", "\xc1\xbf",
        "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\x80", "\xe2\x82", "\xff", "\t", "\x01", "\\", "\\U0041",
    };

    if (broken)
        puts_(t, bad[rnd(sizeof bad / sizeof bad[0])]);
    else
        puts_(t, good[rnd(sizeof good / sizeof good[0])]);
}

/* A string of 'n' characters. */
static void
gen_string_of(struct text *t, krt_u32 n)
{
    puts_(t, "\"");
    for (krt_u32 i = 0; i < n; i++)
        gen_char(t, rnd(60) == 0);
    puts_(t, "\"");
}

static void
gen_string(struct text *t)
{
    gen_string_of(t, rnd(6));
}

/* Whether the line being made may have keys Elasticsearch refuses. */
static bool refusing;

/*
 * A key: a field path, a part of one, or something else; in a line
 * that is 'refusing', now and then one Elasticsearch refuses.
 */
static void
gen_key(struct text *t)
{
    static const char *const keys[] = {
        "a", "b", "c", "x", "a.b", "b.c", "a.b.c", "a.x", "x.a", "\xc3\xa9",
        "a.\xc3\xa9", "a.", "y", "B", "ab", "a..", "x.a.", "\xc2\xa0", "a.b ",
        " a",
    };
    static const char *const refused[] = {
        "", ".a", "a..b", " ", "a. .b", " .a", ".", "\t", "\xe3\x80\x80",
    };
    const char *k = refusing && rnd(6) == 0
                        ? refused[rnd(sizeof refused / sizeof refused[0])]
                        : keys[rnd(sizeof keys / sizeof keys[0])];

    if (rnd(8) == 0) {
        gen_string_of(t, 1 + rnd(5)); /* "" only in 'refusing' lines */
        return;
    }
    puts_(t, "\"");
    for (; *k; k++) {
        char esc[8];

        /* now and then a character written as an escape */
        if ((unsigned char)*k < 0x80 && rnd(6) == 0) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*k);
            puts_(t, esc);
        } else {
            put(t, k, 1);
        }
    }
    puts_(t, "\"");
}

static void
gen_digits(struct text *t, krt_u32 max)
{
    krt_u32 n = 1 + rnd(max);

    for (krt_u32 i = 0; i < n; i++) {
        char d = (char)('0' + rnd(10));
        put(t, &d, 1);
    }
}

static void
gen_number(struct text *t)
{
    if (rnd(2))
        puts_(t, "-");
    if (rnd(3) == 0) {
        puts_(t, "0");
    } else {
        char d = (char)('1' + rnd(9));
        put(t, &d, 1);
        if (rnd(2))
            gen_digits(t, rnd(40) == 0 ? 400 : 12);
    }
    if (rnd(3) == 0) {
        puts_(t, ".");
        gen_digits(t, 8);
    }
    if (rnd(4) == 0) {
        static const char *const e[] = { "e", "E", "e+", "e-", "E+", "E-" };
        puts_(t, e[rnd(6)]);
        gen_digits(t, rnd(20) == 0 ? 3 : 2);
    }
}

static void gen_value(struct text *t, int depth);

static void
gen_container(struct text *t, int depth, bool object)
{
    krt_u32 n = rnd(5);

    puts_(t, object ? "{" : "[");
    gen_space(t);
    for (krt_u32 i = 0; i < n; i++) {
        if (i) {
            puts_(t, ",");
            gen_space(t);
        }
        if (object) {
            gen_key(t);
            gen_space(t);
            puts_(t, ":");
            gen_space(t);
        }
        gen_value(t, depth + 1);
        gen_space(t);
    }
    puts_(t, object ? "}" : "]");
}

static void
gen_value(struct text *t, int depth)
{
    static const char *const literals[] = { "true", "false", "null" };
    krt_u32 r = rnd(10);

    if (depth < 6 && r < 3)
        gen_container(t, depth, true);
    else if (depth < 6 && r < 5)
        gen_container(t, depth, false);
    else if (r < 7)
        gen_string(t);
    else if (r < 9)
        gen_number(t);
    else
        puts_(t, literals[rnd(3)]);
}

/* Break a line: drop, add, change or repeat bytes. */
static void
mutate(struct text *t)
{
    static const char pool[] = "{}[],:\"\\01-.eE+tfnu \tx\x7f\x80\xc0\xed"
                               "\xf4\xff\x01";
    size_t at = t->len ? rnd((krt_u32)t->len) : 0;
    char c = pool[rnd(sizeof pool - 1)];

    switch (rnd(4)) {
    case 0:
        if (t->len) {
            memmove(t->p + at, t->p + at + 1, t->len - at);
            t->len--;
        }
        break;
    case 1:
        put(t, " ", 1);
        memmove(t->p + at + 1, t->p + at, t->len - at - 1);
        t->p[at] = c;
        break;
    case 2:
        if (t->len)
            t->p[at] = c;
        break;
    default:
        if (t->len > at + 1) {
            size_t n = 1 + rnd((krt_u32)(t->len - at - 1) < 8
                                   ? (krt_u32)(t->len - at - 1) : 8);
            char piece[8];
            memcpy(piece, t->p + at, n);
            put(t, piece, n);
        }
    }
}

static void
gen_line(struct text *t)
{
    t->len = 0;
    put(t, "", 0);
    refusing = rnd(16) == 0;
    gen_space(t);
    if (rnd(20) == 0)
        gen_value(t, 0);
    else
        gen_container(t, 0, true);
    gen_space(t);
    for (krt_u32 m = rnd(2) ? 0 : 1 + rnd(2); m > 0; m--)
        mutate(t);
}

/* {"a": [[[ ... ]]]} with 'depth' levels in all, the innermost a value. */
static void
gen_deep(struct text *t, int depth)
{
    t->len = 0;
    puts_(t, "{\"a\":");
    for (int i = 1; i < depth; i++)
        puts_(t, rnd(2) ? "[" : "[1,");
    puts_(t, "\"deep\"");
    for (int i = 1; i < depth; i++)
        puts_(t, "]");
    puts_(t, "}");
    if (rnd(4) == 0)
        mutate(t);
}

/* ------------------------------------------------------- exclusions */

/*
 * The classes of deliberate difference a line falls in, found by a
 * light lexer: strings (for keys holding \u0000), brackets outside them
 * (for depth), number tokens (for overflow).
 */
struct classes {
    bool blank;
    bool deep;
    bool huge;
    bool nul_key;
};

static const char *
lex_string(const char *p, const char *end, bool *has_nul)
{
    *has_nul = false;
    for (p++; p < end && *p != '"'; p++) {
        if (*p != '\\' || p + 1 == end)
            continue;
        if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
            *has_nul = true;
        p++;
    }
    return p < end ? p + 1 : end;
}

static const char *
lex_number(const char *p, const char *end, bool *huge)
{
    char buf[1024];
    const char *q = p;

    while (q < end && strchr("+-0123456789.eE", *q) && *q)
        q++;
    if ((size_t)(q - p) < sizeof buf) {
        memcpy(buf, p, (size_t)(q - p));
        buf[q - p] = '\0';
        *huge |= isinf(strtod(buf, NULL));
    } else {
        *huge = true;
    }
    return q > p ? q : p + 1;
}

static struct classes
classify(const char *line, size_t len)
{
    struct classes c = { true, false, false, false };
    const char *p = line, *end = line + len;
    int depth = 0;

    for (size_t i = 0; i < len; i++)
        c.blank &= strchr(" \t\r\n", line[i]) && line[i];
    while (p < end) {
        bool nul;
        const char *q;

        if (*p == '"') {
            p = lex_string(p, end, &nul);
            for (q = p; q < end && strchr(" \t\r\n", *q) && *q; q++)
                ;
            c.nul_key |= nul && q < end && *q == ':';
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            p = lex_number(p, end, &c.huge);
        } else {
            depth += *p == '{' || *p == '[';
            depth -= *p == '}' || *p == ']';
            c.deep |= depth > KRT_MAX_DEPTH;
            p++;
        }
    }
    return c;
}

/* ---------------------------------------------------- lone halves */

/* The code unit of the \\uXXXX at 'p', or -1 when none is there. */
static long
unit_at(const char *p, const char *end)
{
    long u = 0;

    if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    for (int i = 2; i < 6; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        u = u * 16 + d;
    }
    return u;
}

/*
 * The string whose opening quote is at 'p' into 'out', each lone
 * surrogate escape written as \\ufffd (a value) or as a character of
 * plane 15 (a key); '*n' counts them.  Past the string.
 */
static const char *
rewrite_string(const char *p, const char *end, bool key, struct text *out,
               long *n)
{
    char esc[16];

    put(out, p++, 1);
    while (p < end && *p != '"') {
        long u = unit_at(p, end), lo = u < 0 ? -1 : unit_at(p + 6, end);
        size_t len = *p == '\\' && p + 1 < end ? 2 : 1;

        if (u >= 0xd800 && u <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
            len = 12;
        } else if (u >= 0xd800 && u <= 0xdfff) {
            long c = 0xf0000 + (u - 0xd800) - 0x10000;

            snprintf(esc, sizeof esc, "\\u%04lx\\u%04lx", 0xd800 + (c >> 10),
                     0xdc00 + (c & 0x3ff));
            puts_(out, key ? esc : "\\ufffd");
            (*n)++;
            p += 6;
            continue;
        } else if (u >= 0) {
            len = 6;
        }
        put(out, p, len);
        p += len;
    }
    if (p < end)
        put(out, p++, 1);
    return p;
}

/* 'line' as rewrite_string writes its strings, into 'out'. */
static void
rewrite_lone(const char *line, size_t len, struct text *out, long *n)
{
    const char *p = line, *end = line + len;

    out->len = 0;
    put(out, "", 0);
    while (p < end) {
        const char *q;
        bool nul, key;

        if (*p != '"') {
            put(out, p++, 1);
            continue;
        }
        q = lex_string(p, end, &nul);
        while (q < end && strchr(" \t\r\n", *q) && *q)
            q++;
        key = q < end && *q == ':';
        p = rewrite_string(p, end, key, out, n);
    }
}

/* ----------------------------------------------------- field names */

/* The code point of the UTF-8 sequence at 's', which it passes. */
static unsigned
next_char(const unsigned char **s)
{
    const unsigned char *p = *s;
    unsigned c = *p;
    int more = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;

    c &= more == 0 ? 0x7f : more == 1 ? 0x1f : more == 2 ? 0x0f : 0x07;
    for (int i = 1; i <= more; i++)
        c = c << 6 | (p[i] & 0x3f);
    *s = p + 1 + more;
    return c;
}

/* Java's Character.isWhitespace. */
static bool
java_space(unsigned c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200a && c != 0x2007)
           || c == 0x2028 || c == 0x2029 || c == 0x205f || c == 0x3000;
}

/* Java's String.isBlank, on 'n' bytes of UTF-8 at 's'. */
static bool
java_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;

    while (p < end) {
        if (!java_space(next_char(&p)))
            return false;
    }
    return true;
}

/*
 * Whether Elasticsearch refuses the key 'k' ('n' bytes): DocumentParser
 * refuses an empty or blank name, DotExpandingXContentParser splits one
 * with dots, drops the empty parts at its end and refuses what is left
 * when it is nothing or holds an empty or blank part.
 */
static bool
bad_name(const char *k, size_t n)
{
    size_t start = 0, end = n;

    if (n == 0 || java_blank(k, n))
        return true;
    if (!memchr(k, '.', n))
        return false;
    while (end > 0 && k[end - 1] == '.')
        end--;
    if (end == 0)
        return true;
    for (size_t i = 0; i <= end; i++) {
        if (i < end && k[i] != '.')
            continue;
        if (java_blank(k + start, i - start))
            return true;
        start = i + 1;
    }
    return false;
}

/* Whether some key anywhere in 'v' is one bad_name refuses. */
static bool
has_bad_name(json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, member) {
            if (bad_name(key, strlen(key)) || has_bad_name(member))
                return true;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, member) {
            if (has_bad_name(member))
                return true;
        }
    }
    return false;
}

/* ----------------------------------------------------------- oracle */

/* A scalar jansson found: its path and its value. */
struct found {
    char *path;
    json_t *value;
};

struct oracle {
    struct found *items;
    size_t n;
    size_t cap;
};

static void
found_add(struct oracle *o, const char *path, json_t *v)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->items = realloc(o->items, o->cap * sizeof *o->items);
        assert_non_null(o->items);
    }
    o->items[o->n].path = strdup(path);
    assert_non_null(o->items[o->n].path);
    o->items[o->n++].value = v;
}

/*
 * Every scalar under 'v', with the dotted path Elasticsearch gives it:
 * keys joined with '.', arrays transparent.
 */
static void
flatten(struct oracle *o, json_t *v, const char *path, bool top)
{
    const char *key;
    json_t *member;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, member) {
            size_t k = strlen(key), n = strlen(path) + k + 2;
            char *sub = malloc(n);

            while (k > 0 && key[k - 1] == '.')
                k--; /* Elasticsearch drops a key's final dots */
            assert_non_null(sub);
            snprintf(sub, n, "%s%s%.*s", path, top ? "" : ".", (int)k, key);
            flatten(o, member, sub, false);
            free(sub);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, member)
            flatten(o, member, path, top);
    } else {
        found_add(o, path, v);
    }
}

static void
oracle_free(struct oracle *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->items[i].path);
    free(o->items);
    memset(o, 0, sizeof *o);
}

static void
same_scalar(struct krt_event *ev, const struct krt_value *v, json_t *j,
            const char *line)
{
    const char *s;
    size_t len;

    switch (json_typeof(j)) {
    case JSON_STRING:
        assert_int_equal(v->kind, KRT_V_STRING);
        assert_true(krt_value_text(ev, v, &s, &len));
        if (len != json_string_length(j)
            || memcmp(s, json_string_value(j), len) != 0)
            fail_msg("string differs in %s", line);
        break;
    case JSON_REAL: {
        char buf[1024];
        assert_int_equal(v->kind, KRT_V_NUMBER);
        assert_true(v->len < sizeof buf);
        memcpy(buf, v->text, v->len);
        buf[v->len] = '\0';
        if (strtod(buf, NULL) != json_real_value(j))
            fail_msg("number %s differs in %s", buf, line);
        break;
    }
    case JSON_TRUE:
        assert_int_equal(v->kind, KRT_V_TRUE);
        break;
    case JSON_FALSE:
        assert_int_equal(v->kind, KRT_V_FALSE);
        break;
    default:
        assert_int_equal(v->kind, KRT_V_NULL);
    }
}

/*
 * Our values of field 'f' against the scalars jansson has at its path.
 * The fields are keywords: f:* holds for a non-null scalar at the path,
 * not for an object (a scalar below the path).
 */
static void
compare_field(struct krt_event *ev, krt_u32 f, const struct oracle *o,
              const char *line)
{
    const struct krt_value *v = krt_value_first(ev, f);
    bool exists = false;

    for (size_t i = 0; i < o->n; i++) {
        if (strcmp(o->items[i].path, fields[f].path) != 0)
            continue;
        exists |= !json_is_null(o->items[i].value);
        while (v && v->kind == KRT_V_OBJECT)
            v = krt_value_next(ev, v);
        if (!v)
            fail_msg("'%s': fewer values than jansson in %s",
                     fields[f].path, line);
        same_scalar(ev, v, o->items[i].value, line);
        v = krt_value_next(ev, v);
    }
    while (v && v->kind == KRT_V_OBJECT)
        v = krt_value_next(ev, v);
    if (v)
        fail_msg("'%s': more values than jansson in %s", fields[f].path,
                 line);
    if (krt_exists(ev, f) != exists)
        fail_msg("'%s': exists is %d in %s", fields[f].path, !exists, line);
}

/* ---------------------------------------------------------- compare */

struct tally {
    long compared;
    long accepted;
    long values_compared;
    long blank, deep, huge, nul_key, duplicates;
    long lone, bad_names;
};

/*
 * Check the reason we gave for refusing 'line' (as jansson reads it)
 * when jansson took it ('took': for a field name) or refused it for a
 * repeated key alone: then for that key or, when a refused key came
 * first, for a field name (jansson's tree keeps the last of repeated
 * keys only, so it cannot say which came first).
 */
static void
check_reason(const struct text *line, bool took, const char *reason,
             struct tally *t)
{
    json_error_t e;
    json_t *j = NULL;
    bool dup = false;
    bool name = strncmp(reason, "field name ", 11) == 0;

    if (!took) {
        j = json_loadb(line->p, line->len,
                       LOAD_FLAGS & ~JSON_REJECT_DUPLICATES, &e);
        dup = json_is_object(j);
    }
    t->duplicates += dup;
    if ((took && !name)
        || (dup && !name && strncmp(reason, "duplicate key '", 15) != 0))
        fail_msg("'%s' for a repeated key or field name: %s", reason,
                 line->p);
    json_decref(j);
}

static void
check_deep(struct krt_scanner *sc, const char *line, size_t len, json_t *j)
{
    struct krt_event *ev;
    struct krt_scan_error err;

    if (!json_is_object(j))
        return;
    assert_int_equal(krt_scan_line(sc, line, len, &ev, &err),
                     KRT_SCAN_MALFORMED);
    assert_string_equal(err.reason, "nesting deeper than 1000 levels");
}

/* Left out of the comparison: counted, and deep lines checked. */
static bool
left_out(struct krt_scanner *sc, const char *line, size_t len,
         struct tally *t)
{
    struct classes c = classify(line, len);
    json_error_t e;
    json_t *j;

    if (c.blank || c.huge || c.nul_key) {
        t->blank += c.blank;
        t->huge += !c.blank && c.huge;
        t->nul_key += !c.blank && !c.huge && c.nul_key;
        return true;
    }
    if (!c.deep)
        return false;
    t->deep++;
    j = json_loadb(line, len, LOAD_FLAGS, &e);
    check_deep(sc, line, len, j);
    json_decref(j);
    return true;
}

static void
compare_values(struct krt_event *ev, json_t *j, const char *line,
               struct tally *t)
{
    struct oracle o = { 0 };

    flatten(&o, j, "", true);
    for (krt_u32 f = 0; f < NFIELDS; f++)
        compare_field(ev, f, &o, line);
    t->values_compared += (long)o.n;
    oracle_free(&o);
}

/*
 * Our verdict on 'line' against jansson's on the line with its lone
 * surrogates rewritten, a line with a refused field name refused; then
 * the reason, or the values.
 */
static void
compare_line(struct krt_scanner *sc, const char *line, size_t len,
             struct tally *t)
{
    struct krt_event *ev;
    struct krt_scan_error err;
    struct text alt = { 0 };
    json_error_t e;
    json_t *j;
    bool ours, theirs, took, bad;
    long lone = 0;

    if (left_out(sc, line, len, t))
        return;
    rewrite_lone(line, len, &alt, &lone);
    j = json_loadb(alt.p, alt.len, LOAD_FLAGS, &e);
    took = json_is_object(j);
    bad = took && has_bad_name(j);
    theirs = took && !bad;
    ours = krt_scan_line(sc, line, len, &ev, &err) == KRT_SCAN_EVENT;
    if (ours != theirs)
        fail_msg("ours %s, jansson %s (%s): %s", ours ? "accepts" : "rejects",
                 theirs ? "accepts" : "rejects",
                 took ? "a refused field name" : e.text, line);
    t->compared++;
    t->accepted += ours;
    t->lone += lone > 0;
    t->bad_names += bad;
    if (!ours)
        check_reason(&alt, took, err.reason, t);
    else
        compare_values(ev, j, line, t);
    json_decref(j);
    free(alt.p);
}

/* Lines with their lengths: some hold a NUL byte. */
#define L(s) { s, sizeof(s) - 1 }

static const struct {
    const char *s;
    size_t len;
} tricky[] = {
    L("{}"), L("{ }"), L(" {}"), L("{}\r"), L("{}\n"), L("\t{}\t"), L("{} {}"),
    L("[]"), L("[{}]"), L("\"{}\""), L("1"), L("null"), L("{\"a\":1}"),
    L("{\"a\":01}"), L("{\"a\":-0}"), L("{\"a\":-}"), L("{\"a\":1.}"),
    L("{\"a\":.1}"), L("{\"a\":1e5}"), L("{\"a\":1E-5}"), L("{\"a\":1e}"),
    L("{\"a\":1e+}"), L("{\"a\":+1}"), L("{\"a\":0.0}"), L("{\"a\":00}"),
    L("{\"a\":1.5e+10}"), L("{\"a\":tru}"), L("{\"a\":true}"),
    L("{\"a\":truee}"), L("{\"a\":nul}"), L("{\"a\":NULL}"),
    L("{\"a\":\"\\u0000\"}"), L("{\"a\":\"\\uD834\\uDD1E\"}"),
    L("{\"a\":\"\\uD834\"}"), L("{\"a\":\"\\uDD1E\"}"),
    L("{\"a\":\"\\uD834\\u0041\"}"), L("{\"a\":\"\\uD834\\uD834\"}"),
    L("{\"a\":\"\\ud834\\udd1e\"}"), L("{\"a\":\"\\u00\"}"),
    L("{\"a\":\"\\u00zz\"}"), L("{\"a\":\"\\q\"}"), L("{\"a\":\"\\'\"}"),
    L("{\"a\":\"\t\"}"), L("{\"a\":\"\x7f\"}"), L("{\"a\":\"\xc3\xa9\"}"),
    L("{\"a\":\"\xc3\"}"), L("{\"a\":\"\xc0\xaf\"}"),
    L("{\"a\":\"\xe0\x80\xaf\"}"), L("{\"a\":\"\xed\xa0\x80\"}"),
    L("{\"a\":\"\xed\x9f\xbf\"}"), L("{\"a\":\"\xf0\x80\x80\xaf\"}"),
    L("{\"a\":\"\xf4\x8f\xbf\xbf\"}"), L("{\"a\":\"\xf4\x90\x80\x80\"}"),
    L("{\"a\":\"\xf8\x88\x80\x80\x80\"}"), L("{\"a\":\"\xfe\"}"),
    L("{\"a\":[1,2,]}"), L("{\"a\":[,]}"), L("{\"a\":[}"), L("{\"a\":{]}"),
    L("{\"a\"}"), L("{\"a\":}"), L("{:1}"), L("{\"a\":1,}"),
    L("{\"a\":1,,\"b\":2}"), L("{\"a\":1 \"b\":2}"), L("{\"a\"::1}"),
    L("{\"a.b\":{\"c\":\"v\"}}"),
    L("{\"a\":{\"b.c\":\"v\"},\"a.b\":{\"c\":[\"w\"]}}"),
    L("{\"\\u0061\":{\"\\u0062\":\"v\"}}"), L("{\"a\\u002eb\":\"v\"}"),
    L("{\"a\":[{\"b\":[{\"c\":1},{\"c\":[2,[3]]}]},{\"b.c\":4}]}"),
    L("{\"\":{\"a\":1}}"), L("{\"a\":{\"\":1}}"), L("{\"a.\":1}"),
    L("{\".a\":1}"), L("{\"a\":null,\"x\":[null],\"b\":[]}"),
    L("{\"x\":{\"a\":\"v\"}}"), L("{\"a\":1}\x00"), L("{\"a\":\"x\x00y\"}"),
    L("\xef\xbb\xbf{}"), L("{\"a\":1}\f"), L("{\"a\":1e400}"),
    L("{\"\\u0000\":1}"), L(""), L("   "), L("\r"),
    /* keys repeated in one object, or only looking alike */
    L("{\"a\":1,\"a\":2}"), L("{\"a\":1,\"\\u0061\":2}"),
    L("{\"a\":{\"b\":1,\"b\":2}}"), L("{\"a\":{\"b\":1},\"a\":{\"c\":2}}"),
    L("{\"a.b\":1,\"a.b\":2}"), L("{\"a.b\":1,\"a\":{\"b\":2}}"),
    L("{\"a\":[{\"b\":1},{\"b\":2}]}"), L("{\"a\":[{\"b\":1,\"b\":2}]}"),
    L("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), L("{\"\":1,\"\":2}"),
    L("{\"\\u00e9\":1,\"\xc3\xa9\":2}"), L("{\"a\":1,\"A\":2,\"a \":3}"),
    L("{\"a\":1,\"b\":2,\"c\":3,\"x\":4,\"y\":5,\"z\":6,\"ab\":7,\"B\":8,"
      "\"a.x\":9,\"x.a\":10,\"b.c\":11,\"a\\u002ex\":12}"),
    /* field names Elasticsearch refuses, or takes though they look odd */
    L("{\" \":1}"), L("{\"a. .b\":1}"), L("{\".\":1}"), L("{\"\\u3000\":1}"),
    L("{\"\\u00a0\":1}"), L("{\"a.\":\"v\",\"b..\":[\"w\"],\"x.a.\":\"z\"}"),
    L("{\"a\":[{\"b\":1},{\"..\":2}]}"), L("{\"a\":{\"x\":1,\" .x\":2}}"),
    L("{\"\":1,\"a\":1,\"a\":2}"), L("{\"a\":1,\"a\":2,\"\":1}"),
    /* lone surrogates, in values and in keys */
    L("{\"a\":[\"\\udc00\\ud800\",\"x\\ud800\\ud800\\udc00\"]}"),
    L("{\"\\ud800\":1,\"\\udbff\":2,\"\\ufffd\":3}"),
    L("{\"\\ud800\":1,\"\\ud800\":2}"),
    L("{\"a\\ud800\":{\"b\":\"\\udc00\"},\"a\":{\"b\":\"\\ud800\\u0041\"}}"),
};

static void
test_tricky_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct tally t = { 0 };

    (void)state;
    assert_non_null(sc);
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
        compare_line(sc, tricky[i].s, tricky[i].len, &t);
    assert_true(t.compared > 80);
    assert_true(t.accepted > 20);
    assert_int_equal(t.duplicates, 12);
    assert_int_equal(t.bad_names, 9);
    assert_int_equal(t.lone, 8);
    krt_scanner_free(sc);
}

static void
test_random_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct text line = { 0 };
    struct tally t = { 0 };
    const long n = 200000;

    (void)state;
    assert_non_null(sc);
    seed = 0x2545f4914f6cdd1dull;
    for (long i = 0; i < n; i++) {
        gen_line(&line);
        compare_line(sc, line.p, line.len, &t);
    }
    print_message("%ld lines: %ld compared, %ld accepted, %ld values;"
                  " left out: %ld blank, %ld huge, %ld nul key;"
                  " %ld with duplicate keys, %ld with refused field names,"
                  " %ld with lone surrogates\n", n, t.compared, t.accepted,
                  t.values_compared, t.blank, t.huge, t.nul_key,
                  t.duplicates, t.bad_names, t.lone);
    /* the comparison covered most lines, accepted and rejected alike */
    assert_true(t.compared > n * 9 / 10);
    assert_true(t.accepted > n / 4);
    assert_true(t.compared - t.accepted > n / 4);
    assert_true(t.values_compared > n * 3 / 4);
    assert_true(t.duplicates > n / 50);
    assert_true(t.bad_names > n / 50);
    assert_true(t.lone > n / 10);
    free(line.p);
    krt_scanner_free(sc);
}

static void
test_deep_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct text line = { 0 };
    struct tally t = { 0 };

    (void)state;
    assert_non_null(sc);
    seed = 0x853c49e6748fea9bull;
    for (int i = 0; i < 400; i++) {
        gen_deep(&line, KRT_MAX_DEPTH - 3 + (int)rnd(7));
        compare_line(sc, line.p, line.len, &t);
    }
    assert_true(t.compared > 100);
    assert_true(t.deep > 100);
    free(line.p);
    krt_scanner_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tricky_lines),
        cmocka_unit_test(test_random_lines),
        cmocka_unit_test(test_deep_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
