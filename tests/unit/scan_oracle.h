/*
 * scan_oracle.h - the event scanner against jansson, line by line: the
 * comparison shared by the random differential test
 * (test_runtime_diff.c) and the scanner's fuzz target
 * (tests/fuzz/fuzz_scan.c).
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
 *                 other key) a character of plane 15 (U+F0000 to
 *                 U+F07FF), which no path given to the scanner may hold.
 *   NUL bytes     jansson skips a NUL byte that follows a number or a
 *                 literal (it reads {"a":1\0} as {"a":1}); we refuse a
 *                 NUL outside strings, as RFC 8259 does.  jansson reads
 *                 each such NUL as a byte 0x01, which it refuses too.
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
 *
 * Include after <jansson.h> and krt_run.h, with ORACLE_FAIL(...) defined
 * as a printf-like statement that does not return (cmocka's fail_msg, or
 * a message and abort() in a fuzz target).
 */
#ifndef SCAN_ORACLE_H
#define SCAN_ORACLE_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "krt_run.h"

#ifndef ORACLE_FAIL
#error "define ORACLE_FAIL(...) before including scan_oracle.h"
#endif

#define ORACLE_LOAD_FLAGS \
    (JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES)

/* A check of the oracle: a failure names the expression. */
#define ORACLE_CHECK(cond, line) \
    do { \
        if (!(cond)) \
            ORACLE_FAIL("%s:%d: %s does not hold for: %s", __FILE__, \
                        __LINE__, #cond, (line)); \
    } while (0)

/* The fields a scanner was made with, compared by path. */
struct oracle_fields {
    const struct krt_field *items;
    krt_u32 n;
};

/* ------------------------------------------------------------ text */

struct text {
    char *p;
    size_t len;
    size_t cap;
};

static inline void
put(struct text *t, const char *s, size_t n)
{
    if (t->cap - t->len < n + 1) {
        while (t->cap - t->len < n + 1)
            t->cap = t->cap ? t->cap * 2 : 256;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            ORACLE_FAIL("out of memory");
    }
    if (n)
        memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static inline void
puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
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

static inline const char *
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

static inline const char *
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

static inline struct classes
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
static inline long
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
static inline const char *
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

/*
 * 'line' as rewrite_string writes its strings, and with each NUL byte
 * outside them a byte 0x01, into 'out'.
 */
static inline void
rewrite_lone(const char *line, size_t len, struct text *out, long *n)
{
    const char *p = line, *end = line + len;

    out->len = 0;
    put(out, "", 0);
    while (p < end) {
        const char *q;
        bool nul, key;

        if (*p != '"') {
            put(out, *p ? p : "\x01", 1);
            p++;
            continue;
        }
        q = lex_string(p, end, &nul);
        while (q < end && strchr(" \t\r\n", *q) && *q)
            q++;
        key = q < end && *q == ':';
        p = rewrite_string(p, end, key, out, n);
    }
}

/*
 * Whether 'path' holds a character of plane 15 up to U+F07FF, which
 * rewrite_string writes for a lone surrogate in a key: a path through
 * such a key is jansson's spelling, not one the scanner can be given.
 */
static inline bool
has_lone_mark(const char *path)
{
    for (const char *p = path; (p = strchr(p, '\xf3')) != NULL; p++) {
        if ((unsigned char)p[1] == 0xb0 && (unsigned char)p[2] >= 0x80
            && (unsigned char)p[2] <= 0x9f)
            return true;
    }
    return false;
}

/* ----------------------------------------------------- field names */

/* The code point of the UTF-8 sequence at 's', which it passes. */
static inline unsigned
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
static inline bool
java_space(unsigned c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200a && c != 0x2007)
           || c == 0x2028 || c == 0x2029 || c == 0x205f || c == 0x3000;
}

/* Java's String.isBlank, on 'n' bytes of UTF-8 at 's'. */
static inline bool
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
static inline bool
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
static inline bool
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

static inline void
found_add(struct oracle *o, const char *path, json_t *v)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->items = realloc(o->items, o->cap * sizeof *o->items);
        if (!o->items)
            ORACLE_FAIL("out of memory");
    }
    o->items[o->n].path = strdup(path);
    if (!o->items[o->n].path)
        ORACLE_FAIL("out of memory");
    o->items[o->n++].value = v;
}

/*
 * Every scalar under 'v', with the dotted path Elasticsearch gives it:
 * keys joined with '.', arrays transparent.
 */
static inline void
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
            if (!sub)
                ORACLE_FAIL("out of memory");
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

static inline void
oracle_free(struct oracle *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->items[i].path);
    free(o->items);
    memset(o, 0, sizeof *o);
}

static inline void
same_scalar(struct krt_event *ev, const struct krt_value *v, json_t *j,
            const char *line)
{
    const char *s;
    size_t len;

    switch (json_typeof(j)) {
    case JSON_STRING:
        ORACLE_CHECK(v->kind == KRT_V_STRING, line);
        ORACLE_CHECK(krt_value_text(ev, v, &s, &len), line);
        if (len != json_string_length(j)
            || memcmp(s, json_string_value(j), len) != 0)
            ORACLE_FAIL("string differs in %s", line);
        break;
    case JSON_REAL: {
        char buf[1024];
        ORACLE_CHECK(v->kind == KRT_V_NUMBER, line);
        ORACLE_CHECK(v->len < sizeof buf, line);
        memcpy(buf, v->text, v->len);
        buf[v->len] = '\0';
        if (strtod(buf, NULL) != json_real_value(j))
            ORACLE_FAIL("number %s differs in %s", buf, line);
        break;
    }
    case JSON_TRUE:
        ORACLE_CHECK(v->kind == KRT_V_TRUE, line);
        break;
    case JSON_FALSE:
        ORACLE_CHECK(v->kind == KRT_V_FALSE, line);
        break;
    default:
        ORACLE_CHECK(v->kind == KRT_V_NULL, line);
    }
}

/*
 * Our values of field 'f' of 'fs' against the scalars jansson has at
 * its path.  The fields are keywords: f:* holds for a non-null scalar at
 * the path, not for an object (a scalar below the path).
 */
static inline void
compare_field(struct krt_event *ev, const struct oracle_fields *fs,
              krt_u32 f, const struct oracle *o, const char *line)
{
    const struct krt_value *v = krt_value_first(ev, f);
    const char *path = fs->items[f].path;
    bool exists = false;

    for (size_t i = 0; i < o->n; i++) {
        if (strcmp(o->items[i].path, path) != 0)
            continue;
        exists |= !json_is_null(o->items[i].value);
        while (v && v->kind == KRT_V_OBJECT)
            v = krt_value_next(ev, v);
        if (!v)
            ORACLE_FAIL("'%s': fewer values than jansson in %s", path, line);
        same_scalar(ev, v, o->items[i].value, line);
        v = krt_value_next(ev, v);
    }
    while (v && v->kind == KRT_V_OBJECT)
        v = krt_value_next(ev, v);
    if (v)
        ORACLE_FAIL("'%s': more values than jansson in %s", path, line);
    if (krt_exists(ev, f) != exists)
        ORACLE_FAIL("'%s': exists is %d in %s", path, !exists, line);
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
static inline void
check_reason(const struct text *line, bool took, const char *reason,
             struct tally *t)
{
    json_error_t e;
    json_t *j = NULL;
    bool dup = false;
    bool name = strncmp(reason, "field name ", 11) == 0;

    if (!took) {
        j = json_loadb(line->p, line->len,
                       ORACLE_LOAD_FLAGS & ~JSON_REJECT_DUPLICATES, &e);
        dup = json_is_object(j);
    }
    t->duplicates += dup;
    if ((took && !name)
        || (dup && !name && strncmp(reason, "duplicate key '", 15) != 0))
        ORACLE_FAIL("'%s' for a repeated key or field name: %s", reason,
                    line->p);
    json_decref(j);
}

static inline void
check_deep(struct krt_scanner *sc, const char *line, size_t len, json_t *j)
{
    struct krt_event *ev;
    struct krt_scan_error err;

    if (!json_is_object(j))
        return;
    ORACLE_CHECK(krt_scan_line(sc, line, len, &ev, &err)
                 == KRT_SCAN_MALFORMED, line);
    ORACLE_CHECK(strcmp(err.reason, "nesting deeper than 1000 levels") == 0,
                 line);
}

/* Left out of the comparison: counted, and deep lines checked. */
static inline bool
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
    j = json_loadb(line, len, ORACLE_LOAD_FLAGS, &e);
    check_deep(sc, line, len, j);
    json_decref(j);
    return true;
}

static inline void
compare_values(struct krt_event *ev, const struct oracle_fields *fs,
               json_t *j, const char *line, struct tally *t)
{
    struct oracle o = { 0 };

    flatten(&o, j, "", true);
    for (krt_u32 f = 0; f < fs->n; f++)
        compare_field(ev, fs, f, &o, line);
    t->values_compared += (long)o.n;
    oracle_free(&o);
}

/*
 * jansson's reading of 'line' (NULL when it refuses it), rewritten into
 * 'alt' by rewrite_lone (its lone surrogates counted in '*lone'); 'e'
 * says why it refused.  The caller frees alt->p and json_decref's the
 * result.
 */
static inline json_t *
oracle_load(const char *line, size_t len, struct text *alt, long *lone,
            json_error_t *e)
{
    rewrite_lone(line, len, alt, lone);
    return json_loadb(alt->p, alt->len, ORACLE_LOAD_FLAGS, e);
}

/*
 * The scanner 'sc', made with the fields 'fs', on 'line': its verdict
 * against jansson's on the line with its lone surrogates rewritten, a
 * line with a refused field name refused; then the reason, or the
 * values at every field of 'fs'.  A difference is an ORACLE_FAIL.
 */
static inline void
compare_line(struct krt_scanner *sc, const struct oracle_fields *fs,
             const char *line, size_t len, struct tally *t)
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
    j = oracle_load(line, len, &alt, &lone, &e);
    took = json_is_object(j);
    bad = took && has_bad_name(j);
    theirs = took && !bad;
    ours = krt_scan_line(sc, line, len, &ev, &err) == KRT_SCAN_EVENT;
    if (ours != theirs)
        ORACLE_FAIL("ours %s, jansson %s (%s): %s",
                    ours ? "accepts" : "rejects",
                    theirs ? "accepts" : "rejects",
                    took ? "a refused field name" : e.text, line);
    t->compared++;
    t->accepted += ours;
    t->lone += lone > 0;
    t->bad_names += bad;
    if (!ours)
        check_reason(&alt, took, err.reason, t);
    else
        compare_values(ev, fs, j, line, t);
    json_decref(j);
    free(alt.p);
}

#endif
