/*
 * krt_scan.c - the event path: validate a line as JSON and collect the
 * values of the program's fields in the same single pass, without a
 * document tree and without recursion.
 *
 * Field paths form a trie of their dotted parts.  Each open object or
 * array remembers the trie node its members continue from (none when no
 * field lies below it); a key, dotted or not, walks the trie one part at
 * a time, so {"a":{"b":1}}, {"a.b":1} and {"a":{"b.c":1}} all reach the
 * same places.  Arrays are transparent: their elements continue from the
 * node of the array itself, which flattens arrays of objects the way
 * Elasticsearch does.
 */
#include "krt_run.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krt_event.h"

/* Longest line the scanner takes: lengths and counts are 32-bit. */
#define SCAN_MAX_LEN 0xfffffff0u

#define ROOT 0u

/* One part of a field path.  Siblings are chained; names are borrowed. */
struct node {
    const char *name;
    krt_u32 len;
    krt_u32 child;   /* first child, or KRT_NONE */
    krt_u32 sibling; /* next child of the same parent, or KRT_NONE */
    krt_u32 slot;    /* where values go when a field ends here */
};

/*
 * An open object or array.  'node' is where its members continue from
 * (KRT_NONE: nothing below is wanted).  The object values recorded for
 * it, obj_first .. obj_first + obj_count - 1, learn at its close whether
 * it held a non-null scalar: whether 'leaves' grew meanwhile.
 */
struct frame {
    krt_u32 node;
    krt_u32 obj_first;
    krt_u32 obj_count;
    krt_u32 leaves;
    bool array;
};

/* A value given to every event that lacks one at 'slot'. */
struct fallback {
    krt_u32 slot;
    krt_u32 len;
    char *text;
};

/*
 * The scanner owns every array here; 'ev' is the one event it fills and
 * hands out.  'key' holds a decoded key while the trie is walked.
 */
struct krt_scanner {
    struct node *nodes;
    krt_u32 nnodes;
    krt_u32 nslots;
    krt_u32 *field_slot;
    struct frame *frames;
    char *key;
    size_t keycap;
    struct fallback *fallbacks;
    krt_u32 nfallbacks;
    struct krt_event ev;
};

/* Where the line stands: one per call of krt_scan_line. */
struct scan {
    struct krt_scanner *sc;
    struct krt_event *ev;
    const unsigned char *line;
    const unsigned char *p;
    const unsigned char *end;
    krt_u32 depth;
    krt_u32 leaves;
    krt_u32 node;      /* trie node of the value about to be read */
    krt_u32 obj_first; /* object values waiting for that value */
    krt_u32 obj_count;
    enum krt_scan_status status;
    struct krt_scan_error *err;
};

enum step {
    STEP_VALUE,
    STEP_AFTER,
    STEP_KEY,
    STEP_DONE,
    STEP_FAIL
};

/* Bytes in strings: 0 plain, 1 quote, 2 backslash, 3 control, 4 high. */
static const unsigned char string_class[256] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/* ------------------------------------------------------- field trie */

static krt_u32
find_child(const struct node *nodes, krt_u32 parent, const char *name,
           size_t len)
{
    krt_u32 c = nodes[parent].child;

    while (c != KRT_NONE) {
        if (nodes[c].len == len && memcmp(nodes[c].name, name, len) == 0)
            return c;
        c = nodes[c].sibling;
    }
    return KRT_NONE;
}

/* A path is usable when it has no empty part. */
static bool
path_ok(const char *path)
{
    size_t n = strlen(path);

    if (n == 0 || path[0] == '.' || path[n - 1] == '.')
        return false;
    return strstr(path, "..") == NULL;
}

/* The node where 'path' ends, added with its parents when missing. */
static krt_u32
insert_path(struct krt_scanner *sc, const char *path)
{
    krt_u32 node = ROOT;
    const char *s = path;

    for (;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        krt_u32 c = find_child(sc->nodes, node, s, len);

        if (c == KRT_NONE) {
            c = sc->nnodes++;
            sc->nodes[c] = (struct node){ s, (krt_u32)len, KRT_NONE,
                                          sc->nodes[node].child, KRT_NONE };
            sc->nodes[node].child = c;
        }
        node = c;
        if (!dot)
            return node;
        s = dot + 1;
    }
}

/* One node per path part at most, plus the root. */
static size_t
count_parts(const struct krt_field *fields, krt_u32 nfields)
{
    size_t n = 1;

    for (krt_u32 f = 0; f < nfields; f++) {
        for (const char *s = fields[f].path; *s; s++)
            n += *s == '.';
        n++;
    }
    return n;
}

static bool
build_trie(struct krt_scanner *sc, const struct krt_field *fields,
           krt_u32 nfields)
{
    sc->nodes = malloc(count_parts(fields, nfields) * sizeof *sc->nodes);
    sc->field_slot = malloc((nfields ? nfields : 1) * sizeof(krt_u32));
    if (!sc->nodes || !sc->field_slot)
        return false;
    sc->nodes[ROOT] = (struct node){ "", 0, KRT_NONE, KRT_NONE, KRT_NONE };
    sc->nnodes = 1;
    for (krt_u32 f = 0; f < nfields; f++) {
        krt_u32 node;

        sc->field_slot[f] = KRT_NONE;
        if (!path_ok(fields[f].path))
            continue;
        node = insert_path(sc, fields[f].path);
        if (sc->nodes[node].slot == KRT_NONE)
            sc->nodes[node].slot = sc->nslots++;
        sc->field_slot[f] = sc->nodes[node].slot;
    }
    return true;
}

static bool
init_event(struct krt_scanner *sc, const struct krt_field *fields,
           krt_u32 nfields)
{
    struct krt_event *ev = &sc->ev;
    size_t nslots = sc->nslots ? sc->nslots : 1;

    ev->fields = fields;
    ev->nfields = nfields;
    ev->field_slot = sc->field_slot;
    ev->head = malloc(nslots * sizeof *ev->head);
    ev->tail = malloc(nslots * sizeof *ev->tail);
    ev->capvals = 64;
    ev->vals = malloc(ev->capvals * sizeof *ev->vals);
    ev->bufcap = 256;
    ev->buf = malloc(ev->bufcap);
    return ev->head && ev->tail && ev->vals && ev->buf;
}

struct krt_scanner *
krt_scanner_new(const struct krt_field *fields, krt_u32 nfields)
{
    struct krt_scanner *sc = calloc(1, sizeof *sc);

    if (!sc)
        return NULL;
    sc->keycap = 256;
    sc->key = malloc(sc->keycap);
    sc->frames = malloc(KRT_MAX_DEPTH * sizeof *sc->frames);
    if (!sc->key || !sc->frames || !build_trie(sc, fields, nfields)
        || !init_event(sc, fields, nfields)) {
        krt_scanner_free(sc);
        return NULL;
    }
    return sc;
}

void
krt_scanner_free(struct krt_scanner *sc)
{
    if (!sc)
        return;
    for (krt_u32 i = 0; i < sc->nfallbacks; i++)
        free(sc->fallbacks[i].text);
    free(sc->fallbacks);
    free(sc->ev.head);
    free(sc->ev.tail);
    free(sc->ev.vals);
    free(sc->ev.buf);
    free(sc->nodes);
    free(sc->field_slot);
    free(sc->frames);
    free(sc->key);
    free(sc);
}

bool
krt_scanner_set_default(struct krt_scanner *sc, krt_u32 field,
                        const char *text, size_t len)
{
    struct fallback *fb;

    if (field >= sc->ev.nfields || len > SCAN_MAX_LEN)
        return false;
    if (sc->field_slot[field] == KRT_NONE)
        return true;
    fb = realloc(sc->fallbacks, (sc->nfallbacks + 1) * sizeof *fb);
    if (!fb)
        return false;
    sc->fallbacks = fb;
    fb = &fb[sc->nfallbacks];
    fb->text = malloc(len ? len : 1);
    if (!fb->text)
        return false;
    memcpy(fb->text, text, len);
    fb->len = (krt_u32)len;
    fb->slot = sc->field_slot[field];
    sc->nfallbacks++;
    return true;
}

/* ---------------------------------------------------------- values */

static enum step
fail(struct scan *s, const unsigned char *at, const char *reason)
{
    s->err->col = (size_t)(at - s->line) + 1;
    s->err->reason = reason;
    s->status = KRT_SCAN_MALFORMED;
    return STEP_FAIL;
}

static enum step
fail_nomem(struct scan *s)
{
    fail(s, s->p, "out of memory");
    s->status = KRT_SCAN_NOMEM;
    return STEP_FAIL;
}

static bool
reserve_values(struct krt_event *ev)
{
    krt_u32 cap;
    struct krt_value *vals;

    if (ev->nvals < ev->capvals)
        return true;
    if (ev->capvals > UINT32_MAX / 2)
        return false;
    cap = ev->capvals * 2;
    vals = realloc(ev->vals, (size_t)cap * sizeof *vals);
    if (!vals)
        return false;
    ev->vals = vals;
    ev->capvals = cap;
    return true;
}

/* Make 'buf' hold at least 'len' bytes; false when out of memory. */
static bool
reserve_bytes(char **buf, size_t *cap, size_t len)
{
    size_t n = *cap;
    char *p;

    if (len <= n)
        return true;
    while (n < len)
        n *= 2;
    p = realloc(*buf, n);
    if (!p)
        return false;
    *buf = p;
    *cap = n;
    return true;
}

/* Append a value to 'slot'; false when out of memory. */
static bool
add_value(struct krt_event *ev, krt_u32 slot, unsigned kind,
          const void *text, size_t len, unsigned flags)
{
    struct krt_value *v;
    krt_u32 i = ev->nvals;

    if (!reserve_values(ev))
        return false;
    if ((flags & KRT_VF_ESCAPED) && !reserve_bytes(&ev->buf, &ev->bufcap, len))
        return false;
    v = &ev->vals[i];
    v->text = text;
    v->len = (krt_u32)len;
    v->next = KRT_NONE;
    v->kind = (unsigned char)kind;
    v->flags = (unsigned char)flags;
    if (ev->head[slot] == KRT_NONE)
        ev->head[slot] = i;
    else
        ev->vals[ev->tail[slot]].next = i;
    ev->tail[slot] = i;
    ev->nvals++;
    return true;
}

/* Tell the object values first .. first + count - 1 what they held. */
static void
settle(struct krt_event *ev, krt_u32 first, krt_u32 count, bool leaf)
{
    if (!leaf)
        return;
    for (krt_u32 i = first; i < first + count; i++)
        ev->vals[i].flags |= KRT_VF_LEAF;
}

static krt_u32
slot_of(const struct scan *s, krt_u32 node)
{
    return node == KRT_NONE ? KRT_NONE : s->sc->nodes[node].slot;
}

/* A scalar read: record it where it belongs, then go past it. */
static enum step
scalar(struct scan *s, unsigned kind, const unsigned char *text,
       size_t len, unsigned flags, const unsigned char *next)
{
    krt_u32 slot = slot_of(s, s->node);
    bool leaf = kind != KRT_V_NULL;

    s->leaves += leaf;
    settle(s->ev, s->obj_first, s->obj_count, leaf);
    if (slot != KRT_NONE && !add_value(s->ev, slot, kind, text, len, flags))
        return fail_nomem(s);
    s->p = next;
    return STEP_AFTER;
}

/* ----------------------------------------------------------- tokens */

static const unsigned char *
skip_space(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int
hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    return -1;
}

/* The code unit of the \uXXXX at 'p', or -1 when it is not one. */
static long
unicode_escape(const unsigned char *p, const unsigned char *end)
{
    long u = 0;

    if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    for (int i = 2; i < 6; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        u = u * 16 + d;
    }
    return u;
}

/* Past the escape at 'p' (a backslash), or NULL when it is invalid. */
static const unsigned char *
escape(struct scan *s, const unsigned char *p)
{
    long u, lo;

    if (p + 1 < s->end && p[1] != '\0' && strchr("\"\\/bfnrt", p[1]))
        return p + 2;
    if (p + 1 == s->end || p[1] != 'u') {
        fail(s, p, "invalid escape in a string");
        return NULL;
    }
    u = unicode_escape(p, s->end);
    if (u < 0) {
        fail(s, p, "invalid \\u escape in a string");
        return NULL;
    }
    if (u < 0xd800 || u > 0xdfff)
        return p + 6;
    lo = unicode_escape(p + 6, s->end);
    if (u > 0xdbff || lo < 0xdc00 || lo > 0xdfff) {
        fail(s, p, "unpaired surrogate in a \\u escape");
        return NULL;
    }
    return p + 12;
}

/*
 * Past the string whose body starts at 'p' (after the opening quote), or
 * NULL when it is invalid; '*flags' learns whether it has escapes.
 */
static const unsigned char *
string_end(struct scan *s, const unsigned char *p, unsigned *flags)
{
    const unsigned char *end = s->end;
    size_t n;

    *flags = 0;
    for (;;) {
        while (p < end && string_class[*p] == 0)
            p++;
        if (p == end)
            break;
        switch (string_class[*p]) {
        case 1:
            return p + 1;
        case 2:
            *flags = KRT_VF_ESCAPED;
            p = escape(s, p);
            if (!p)
                return NULL;
            break;
        case 3:
            fail(s, p, "control character in a string");
            return NULL;
        default:
            n = krt_utf8_len(p, end);
            if (n == 0) {
                fail(s, p, "invalid UTF-8 in a string");
                return NULL;
            }
            p += n;
        }
    }
    fail(s, p, "line ends inside a string");
    return NULL;
}

static const unsigned char *
skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* Past the number at 'p' (RFC 8259 grammar), or NULL. */
static const unsigned char *
number_end(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *q;

    p += p < end && *p == '-';
    if (p == end || *p < '0' || *p > '9')
        return NULL;
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    if (p < end && *p == '.') {
        q = skip_digits(p + 1, end);
        if (q == p + 1)
            return NULL;
        p = q;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        p += p < end && (*p == '+' || *p == '-');
        q = skip_digits(p, end);
        if (q == p)
            return NULL;
        p = q;
    }
    if (p < end && *p >= '0' && *p <= '9')
        return NULL; /* a leading zero */
    return p;
}

static enum step
number(struct scan *s)
{
    const unsigned char *p = s->p;
    const unsigned char *q = number_end(p, s->end);

    if (!q)
        return fail(s, p, "invalid number");
    return scalar(s, KRT_V_NUMBER, p, (size_t)(q - p), 0, q);
}

static enum step
literal(struct scan *s, const char *word, size_t len, unsigned kind)
{
    const unsigned char *p = s->p;

    if ((size_t)(s->end - p) < len || memcmp(p, word, len) != 0)
        return fail(s, p, "invalid literal");
    return scalar(s, kind, p, len, 0, p + len);
}

static enum step
string(struct scan *s)
{
    const unsigned char *body = s->p + 1;
    unsigned flags;
    const unsigned char *q = string_end(s, body, &flags);

    if (!q)
        return STEP_FAIL;
    return scalar(s, KRT_V_STRING, body, (size_t)(q - 1 - body), flags, q);
}

/* ------------------------------------------------------- structure */

static enum step
open_container(struct scan *s, bool array)
{
    krt_u32 slot = slot_of(s, s->node);
    struct frame *f;
    const unsigned char *p;

    if (s->depth == KRT_MAX_DEPTH)
        return fail(s, s->p, "nesting deeper than 1000 levels");
    if (!array && slot != KRT_NONE) {
        if (!add_value(s->ev, slot, KRT_V_OBJECT, s->p, 1, 0))
            return fail_nomem(s);
        s->obj_count++;
    }
    f = &s->sc->frames[s->depth++];
    *f = (struct frame){ s->node, s->obj_first, s->obj_count, s->leaves,
                         array };
    p = skip_space(s->p + 1, s->end);
    s->p = p;
    if (p < s->end && *p == (array ? ']' : '}'))
        return STEP_AFTER; /* after_value closes it */
    if (!array)
        return STEP_KEY;
    s->obj_first = s->ev->nvals;
    s->obj_count = 0;
    return STEP_VALUE;
}

static enum step
value(struct scan *s)
{
    if (s->p == s->end)
        return fail(s, s->p, "line ends where a value was expected");
    switch (*s->p) {
    case '{':
        return open_container(s, false);
    case '[':
        return open_container(s, true);
    case '"':
        return string(s);
    case 't':
        return literal(s, "true", 4, KRT_V_TRUE);
    case 'f':
        return literal(s, "false", 5, KRT_V_FALSE);
    case 'n':
        return literal(s, "null", 4, KRT_V_NULL);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return number(s);
    default:
        return fail(s, s->p, "expected a value");
    }
}

static void
close_container(struct scan *s)
{
    struct frame *f = &s->sc->frames[--s->depth];

    settle(s->ev, f->obj_first, f->obj_count, s->leaves > f->leaves);
}

/* After a value: a separator, the end of a container, or of the line. */
static enum step
after_value(struct scan *s)
{
    const unsigned char *p = skip_space(s->p, s->end);
    struct frame *f;

    if (s->depth == 0)
        return p == s->end ? STEP_DONE
                           : fail(s, p, "unexpected text after the object");
    f = &s->sc->frames[s->depth - 1];
    if (p == s->end)
        return fail(s, p, f->array ? "line ends inside an array"
                                   : "line ends inside an object");
    if (*p == (f->array ? ']' : '}')) {
        s->p = p + 1;
        close_container(s);
        return STEP_AFTER;
    }
    if (*p != ',')
        return fail(s, p, f->array ? "expected ',' or ']' after an element"
                                   : "expected ',' or '}' after a member");
    s->p = skip_space(p + 1, s->end);
    if (!f->array)
        return STEP_KEY;
    s->node = f->node;
    s->obj_first = s->ev->nvals;
    s->obj_count = 0;
    return STEP_VALUE;
}

/*
 * Walk the trie from '*node' along the dotted parts of 'key', leaving in
 * '*node' the node reached or KRT_NONE.  Each field passed on the way
 * gets an object value (the key's value lies inside it).  False when out
 * of memory.
 */
static bool
walk_key(struct scan *s, krt_u32 *node, const char *key, size_t len)
{
    const char *end = key + len;

    for (;;) {
        const char *dot = memchr(key, '.', (size_t)(end - key));
        const char *part_end = dot ? dot : end;
        krt_u32 slot;

        *node = find_child(s->sc->nodes, *node, key,
                           (size_t)(part_end - key));
        if (*node == KRT_NONE || !dot)
            return true;
        slot = s->sc->nodes[*node].slot;
        if (slot != KRT_NONE) {
            if (!add_value(s->ev, slot, KRT_V_OBJECT, s->p, 1, 0))
                return false;
            s->obj_count++;
        }
        key = dot + 1;
    }
}

/* Decide where the value of the key 'body' .. 'body + len' goes. */
static bool
place_key(struct scan *s, const unsigned char *body, size_t len,
          unsigned flags)
{
    const char *key = (const char *)body;

    s->node = s->sc->frames[s->depth - 1].node;
    s->obj_first = s->ev->nvals;
    s->obj_count = 0;
    if (s->node == KRT_NONE)
        return true;
    if (flags & KRT_VF_ESCAPED) {
        if (!reserve_bytes(&s->sc->key, &s->sc->keycap, len))
            return false;
        len = krt_unescape(key, len, s->sc->key);
        key = s->sc->key;
    }
    return walk_key(s, &s->node, key, len);
}

static enum step
key(struct scan *s)
{
    const unsigned char *p = s->p;
    const unsigned char *q;
    unsigned flags;

    if (p == s->end)
        return fail(s, p, "line ends where a key was expected");
    if (*p != '"')
        return fail(s, p, "expected a string key");
    q = string_end(s, p + 1, &flags);
    if (!q)
        return STEP_FAIL;
    s->p = p;
    if (!place_key(s, p + 1, (size_t)(q - 1 - (p + 1)), flags))
        return fail_nomem(s);
    p = skip_space(q, s->end);
    if (p == s->end || *p != ':')
        return fail(s, p, "expected ':' after a key");
    s->p = skip_space(p + 1, s->end);
    return STEP_VALUE;
}

/* ------------------------------------------------------------ lines */

static void
reset_event(struct krt_scanner *sc)
{
    for (krt_u32 i = 0; i < sc->nslots; i++)
        sc->ev.head[i] = KRT_NONE;
    sc->ev.nvals = 0;
}

/* Give each event without a value of its own its fallbacks. */
static bool
apply_fallbacks(struct krt_scanner *sc)
{
    struct krt_event *ev = &sc->ev;

    for (krt_u32 i = 0; i < sc->nfallbacks; i++) {
        const struct fallback *fb = &sc->fallbacks[i];
        krt_u32 v = ev->head[fb->slot];

        while (v != KRT_NONE && (ev->vals[v].kind == KRT_V_NULL
                                 || ev->vals[v].kind == KRT_V_OBJECT))
            v = ev->vals[v].next;
        if (v == KRT_NONE
            && !add_value(ev, fb->slot, KRT_V_STRING, fb->text, fb->len, 0))
            return false;
    }
    return true;
}

static enum krt_scan_status
run_steps(struct scan *s)
{
    enum step step = STEP_VALUE;

    for (;;) {
        switch (step) {
        case STEP_VALUE:
            step = value(s);
            break;
        case STEP_AFTER:
            step = after_value(s);
            break;
        case STEP_KEY:
            step = key(s);
            break;
        case STEP_DONE:
            return KRT_SCAN_EVENT;
        case STEP_FAIL:
            return s->status;
        }
    }
}

enum krt_scan_status
krt_scan_line(struct krt_scanner *sc, const char *line, size_t len,
              struct krt_event **ev, struct krt_scan_error *err)
{
    struct scan s = { 0 };

    s.sc = sc;
    s.ev = &sc->ev;
    s.line = (const unsigned char *)line;
    s.end = s.line + len;
    s.err = err;
    s.p = skip_space(s.line, s.end);
    if (s.p == s.end)
        return KRT_SCAN_BLANK;
    if (len > SCAN_MAX_LEN) {
        fail(&s, s.line + SCAN_MAX_LEN, "line too long to scan");
        return s.status;
    }
    if (*s.p != '{') {
        fail(&s, s.p, "an event must be a JSON object");
        return s.status;
    }
    reset_event(sc);
    s.node = ROOT;
    if (run_steps(&s) != KRT_SCAN_EVENT)
        return s.status;
    if (!apply_fallbacks(sc)) {
        fail_nomem(&s);
        return s.status;
    }
    *ev = &sc->ev;
    return KRT_SCAN_EVENT;
}

/* ------------------------------------------------------- accessors */

const struct krt_value *
krt_value_first(const struct krt_event *ev, krt_u32 field)
{
    krt_u32 slot;

    if (field >= ev->nfields)
        return NULL;
    slot = ev->field_slot[field];
    if (slot == KRT_NONE || ev->head[slot] == KRT_NONE)
        return NULL;
    return &ev->vals[ev->head[slot]];
}

const struct krt_value *
krt_value_next(const struct krt_event *ev, const struct krt_value *v)
{
    return v->next == KRT_NONE ? NULL : &ev->vals[v->next];
}
