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
 * Elasticsearch does.  A line Elasticsearch refuses is malformed: one
 * that is no JSON object, or repeats a key in an object, or holds a key
 * it makes no field name of.
 *
 * This byte-by-byte walk is the reference path.  Unless told otherwise
 * (krt_scanner_set_path), a line goes first to the structural scan of
 * krt_fast.c, which takes it only when it would leave exactly what this
 * walk leaves, and gives the rest, every malformed line among them, to
 * this walk, which says what is wrong.
 */
#include "krt_run.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krt_date.h"
#include "krt_event.h"
#include "krt_fast.h"

/* Longest line the scanner takes: lengths and counts are 32-bit. */
#define SCAN_MAX_LEN 0xfffffff0u

#define ROOT 0u

/*
 * One part of a field path.  Siblings are chained; names are borrowed.
 * 'flat' marks a flattened field: the keys of the objects below it are
 * its own, which Elasticsearch takes as they are (see field_name).
 */
struct node {
    const char *name;
    krt_u32 len;
    krt_u32 child;   /* first child, or KRT_NONE */
    krt_u32 sibling; /* next child of the same parent, or KRT_NONE */
    krt_u32 slot;    /* where values go when a field ends here */
    bool flat;
    bool nested;     /* a field mapped nested ends here */
};

/*
 * An open object or array.  'node' is where its members continue from
 * (KRT_NONE: nothing below is wanted).  The object values recorded for
 * it, obj_first .. obj_first + obj_count - 1, learn at its close whether
 * it held a non-null scalar: whether 'leaves' grew meanwhile.  While an
 * object is the innermost open one, its keys are keys[keys_first ..];
 * 'key_bits' has two bits set per key, chosen by its hash.  'flat': it
 * lies inside a flattened field, whose keys are not field names.
 * 'elem' is the element of a nested field in force around it, restored
 * when it closes.
 */
struct frame {
    krt_u32 node;
    krt_u32 obj_first;
    krt_u32 obj_count;
    krt_u32 leaves;
    krt_u32 keys_first;
    bool array;
    bool flat;
    krt_u64 key_bits;
    krt_u32 elem;
};

/*
 * A key of an open object, kept until the object closes so that a
 * repeat of it is found: the hash of its decoded bytes and where its
 * text, escapes still in place, lies in the line.
 */
struct seen_key {
    krt_u32 hash;
    krt_u32 off;
    krt_u32 len;
    krt_u32 escaped;
};

/*
 * Objects of SMALL_OBJECT keys or more find repeats through an index,
 * one per depth (one object is open at each depth at a time): an
 * open-addressed table of key numbers and hashes.  A slot is in use
 * only when its stamp is the index's, so an index starts afresh for a
 * new object by taking a new stamp, not by being cleared.
 */
#define SMALL_OBJECT 16

struct key_slot {
    krt_u32 stamp;
    krt_u32 hash;
    krt_u32 key;
};

struct key_index {
    struct key_slot *slots;
    size_t cap; /* a power of two, or 0 */
    krt_u32 stamp;
};

/* A value given to every event that lacks one at 'slot'. */
struct fallback {
    krt_u32 slot;
    krt_u32 len;
    char *text;
};

/*
 * The scanner owns every array here; 'ev' is the one event it fills and
 * hands out.  'key' holds a decoded key while the trie is walked and
 * 'other' the key it is compared with.  'keys' and 'index' (one per
 * depth) hold the keys of the open objects; 'stamp' is the last stamp
 * handed to an index.  'why' holds a reason that names a key.
 */
struct krt_scanner {
    struct node *nodes;
    krt_u32 nnodes;
    krt_u32 nslots;
    krt_u32 *field_slot;
    struct frame *frames;
    char *key;
    size_t keycap;
    char *other;
    size_t othercap;
    struct seen_key *keys;
    krt_u32 nkeys;
    krt_u32 capkeys;
    struct key_index *index;
    krt_u32 stamp;
    char why[128];
    struct fallback *fallbacks;
    krt_u32 nfallbacks;
    enum krt_scan_path path;
    struct krt_fast *fast; /* NULL on the reference path */
    krt_u64 fast_lines;    /* lines the fast path took */
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
    krt_u32 elem;      /* innermost open element of a nested field */
    krt_u32 key_elem;  /* the element the value about to be read is in */
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
                                          sc->nodes[node].child, KRT_NONE,
                                          false, false };
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
    sc->nodes[ROOT] = (struct node){ "", 0, KRT_NONE, KRT_NONE, KRT_NONE,
                                     false, false };
    sc->nnodes = 1;
    for (krt_u32 f = 0; f < nfields; f++) {
        krt_u32 node;

        sc->field_slot[f] = KRT_NONE;
        if (!path_ok(fields[f].path))
            continue;
        node = insert_path(sc, fields[f].path);
        sc->nodes[node].flat |= fields[f].type == KRT_FLATTENED;
        sc->nodes[node].nested |= fields[f].type == KRT_NESTED;
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
    ev->touched = malloc(nslots * sizeof *ev->touched);
    for (size_t i = 0; ev->head && i < nslots; i++)
        ev->head[i] = KRT_NONE;
    ev->tail = malloc(nslots * sizeof *ev->tail);
    ev->capvals = 64;
    ev->vals = malloc(ev->capvals * sizeof *ev->vals);
    ev->bufcap = 256;
    ev->buf = malloc(ev->bufcap);
    return ev->head && ev->touched && ev->tail && ev->vals && ev->buf;
}

/* The fastest path this CPU has. */
static enum krt_scan_path
best_path(void)
{
    static const enum krt_scan_path order[] = {
        KRT_PATH_AVX512, KRT_PATH_AVX2, KRT_PATH_SSE2, KRT_PATH_PORTABLE
    };

    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (krt_fast_path_supported(order[i]))
            return order[i];
    }
    return KRT_PATH_REFERENCE;
}

/*
 * A new scanner's path: the one KQLC_SCAN names when this CPU has it,
 * else the fastest.  False when out of memory.
 */
static bool
start_path(struct krt_scanner *sc)
{
    static const char *const names[] = {
        [KRT_PATH_REFERENCE] = "reference", [KRT_PATH_PORTABLE] = "portable",
        [KRT_PATH_SSE2] = "sse2", [KRT_PATH_AVX2] = "avx2",
        [KRT_PATH_AVX512] = "avx512",
    };
    const char *want = getenv("KQLC_SCAN");

    for (int p = KRT_PATH_REFERENCE; want && p <= KRT_PATH_AVX512; p++) {
        if (strcmp(want, names[p]) == 0
            && (p == KRT_PATH_REFERENCE
                || krt_fast_path_supported((enum krt_scan_path)p)))
            return krt_scanner_set_path(sc, (enum krt_scan_path)p);
    }
    return krt_scanner_set_path(sc, KRT_PATH_AUTO);
}

struct krt_scanner *
krt_scanner_new(const struct krt_field *fields, krt_u32 nfields)
{
    struct krt_scanner *sc = calloc(1, sizeof *sc);

    if (!sc)
        return NULL;
    sc->keycap = sc->othercap = 256;
    sc->key = malloc(sc->keycap);
    sc->other = malloc(sc->othercap);
    sc->capkeys = 64;
    sc->keys = malloc(sc->capkeys * sizeof *sc->keys);
    sc->index = calloc(KRT_MAX_DEPTH, sizeof *sc->index);
    sc->frames = malloc(KRT_MAX_DEPTH * sizeof *sc->frames);
    if (!sc->key || !sc->other || !sc->keys || !sc->index || !sc->frames
        || !build_trie(sc, fields, nfields)
        || !init_event(sc, fields, nfields) || !start_path(sc)) {
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
    free(sc->ev.touched);
    free(sc->ev.tail);
    free(sc->ev.vals);
    free(sc->ev.elems);
    free(sc->ev.buf);
    krt_text_cache_free(&sc->ev);
    krt_free_scratch_free(&sc->ev);
    krt_select_free(&sc->ev); /* rule selection kept with the event */
    free(sc->nodes);
    free(sc->field_slot);
    for (krt_u32 d = 0; sc->index && d < KRT_MAX_DEPTH; d++)
        free(sc->index[d].slots);
    free(sc->index);
    free(sc->keys);
    free(sc->frames);
    free(sc->key);
    free(sc->other);
    krt_fast_free(sc->fast);
    free(sc);
}

bool
krt_scanner_set_path(struct krt_scanner *sc, enum krt_scan_path path)
{
    struct krt_fast *fast = NULL;

    if (path == KRT_PATH_AUTO)
        path = best_path();
    if (path != KRT_PATH_REFERENCE) {
        fast = krt_fast_new(sc->ev.fields, sc->ev.nfields, sc->field_slot,
                            path);
        if (!fast)
            return false;
    }
    krt_fast_free(sc->fast);
    sc->fast = fast;
    sc->path = path;
    return true;
}

enum krt_scan_path
krt_scanner_path(const struct krt_scanner *sc)
{
    return sc->path;
}

krt_u64
krt_scanner_fast_lines(const struct krt_scanner *sc)
{
    return sc->fast_lines;
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

bool
krt_event_grow_values(struct krt_event *ev)
{
    krt_u32 cap;
    struct krt_value *vals;

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

bool
krt_event_grow_buf(struct krt_event *ev, size_t len)
{
    return reserve_bytes(&ev->buf, &ev->bufcap, len);
}


/*
 * Start a new element of the nested field at 'slot', inside element
 * 'parent', leaving its number in '*elem'.  Elements are numbered in
 * document order, so an element's number is above its parent's.  False
 * when out of memory.
 */
static bool
new_elem(struct krt_event *ev, krt_u32 slot, krt_u32 parent, krt_u32 *elem)
{
    if (ev->nelems == ev->capelems) {
        krt_u32 cap = ev->capelems ? ev->capelems * 2 : 16;
        struct krt_elem *e;

        if (ev->capelems > UINT32_MAX / 4)
            return false;
        e = realloc(ev->elems, (size_t)cap * sizeof *e);
        if (!e)
            return false;
        ev->elems = e;
        ev->capelems = cap;
    }
    ev->elems[ev->nelems] = (struct krt_elem){ slot, parent };
    *elem = ev->nelems++;
    return true;
}

/* An object opens at a nested field: it is one element of the field. */
static bool
open_elem(struct scan *s, krt_u32 slot)
{
    return new_elem(s->ev, slot, s->elem, &s->elem);
}

/*
 * A dotted key passes through a nested field ("f.x" with f nested): as
 * Elasticsearch expands the key into an object of its own, its value is
 * one element of f by itself.
 */
static bool
open_key_elem(struct scan *s, krt_u32 slot)
{
    return new_elem(s->ev, slot, s->key_elem, &s->key_elem);
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
    if (slot != KRT_NONE
        && !krt_event_add(s->ev, slot, kind, text, len, flags, s->key_elem))
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

/*
 * Past the escape at 'p' (a backslash), or NULL when it is invalid.  A
 * surrogate needs no other half: Jackson reads each \uXXXX as one UTF-16
 * unit, paired or not, so Elasticsearch takes a string holding a lone
 * one (krt_unescape says what it becomes).
 */
static const unsigned char *
escape(struct scan *s, const unsigned char *p)
{
    if (p + 1 < s->end && p[1] != '\0' && strchr("\"\\/bfnrt", p[1]))
        return p + 2;
    if (p + 1 == s->end || p[1] != 'u') {
        fail(s, p, "invalid escape in a string");
        return NULL;
    }
    if (unicode_escape(p, s->end) < 0) {
        fail(s, p, "invalid \\u escape in a string");
        return NULL;
    }
    return p + 6;
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

/* ---------------------------------------------------- duplicate keys */

/*
 * Elasticsearch parses with strict duplicate detection and refuses a
 * document whose object holds a key twice; so does the scanner.  Keys
 * are compared as decoded ("a" and "\u0061" are one key), within one
 * object only.  Each key is hashed as it is read, and its bytes compared
 * only with keys of the same hash.  In a small object two bits of the
 * hash, checked against the bits of the keys before, mostly prove a key
 * new at once; a large object has an index.  Either way a key costs
 * about one probe, and no line allocates once lines like it have been
 * seen.
 */

enum key_seen {
    KEY_NEW,
    KEY_REPEATED,
    KEY_NOMEM
};

#define ONES 0x0101010101010101ull
#define HASH_SEED 0x9e3779b97f4a7c15ull

/* Plain runs of keys are read a word at a time where that is cheap. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD_KEYS 1
#else
#define WORD_KEYS 0
#endif

static krt_u64
load8(const void *p)
{
    krt_u64 w;

    memcpy(&w, p, 8);
    return w;
}

/* The 'len' (at most 7) bytes at 's' in one word, read in bounds. */
static krt_u64
tail_word(const char *s, size_t len)
{
    krt_u32 a, b;

    if (len >= 4) {
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4); /* overlaps 'a' below 8 bytes */
        return (krt_u64)a << 32 | b;
    }
    if (len == 0)
        return 0;
    return (krt_u64)(unsigned char)s[0] << 16
           | (krt_u64)(unsigned char)s[len / 2] << 8
           | (unsigned char)s[len - 1];
}

/* Eight more bytes of a key into its hash 'h'. */
static krt_u64
hash_word(krt_u64 h, krt_u64 w)
{
    return (h ^ w) * 0xff51afd7ed558ccdull;
}

/*
 * The hash of a key of 'total' bytes whose first whole words are in 'h'
 * already and whose 'len' other bytes are at 's': a multiply per eight
 * bytes, the length mixed in so that overlapping reads stay apart.
 */
static krt_u32
hash_rest(krt_u64 h, const char *s, size_t len, size_t total)
{
    for (; len >= 8; s += 8, len -= 8)
        h = hash_word(h, load8(s));
    h = ((h + total) ^ tail_word(s, len)) * 0xc4ceb9fe1a85ec53ull;
    return (krt_u32)(h >> 32) ^ (krt_u32)(h >> 7);
}

static krt_u32
hash_key(const char *s, size_t len)
{
    return hash_rest(HASH_SEED, s, len, len);
}

/*
 * The high bit of each byte of 'w' that ends a plain run in a key: '"',
 * a backslash, a control character, a byte past ASCII, or a space (the
 * rare key that holds one is looked at as a field name on the slow
 * path).  Exact up to the first such byte: borrows run upward from a
 * matching byte only.
 */
static krt_u64
specials(krt_u64 w)
{
    krt_u64 q = w ^ (ONES * '"');
    krt_u64 b = w ^ (ONES * '\\');
    krt_u64 m = ((q - ONES) & ~q) | ((b - ONES) & ~b)
                | ((w - ONES * 0x21) & ~w) | w;

    return m & ONES << 7;
}

/* Which byte of a word, in memory order, the lowest bit of 'm' is in. */
static unsigned
first_byte(krt_u64 m)
{
#if WORD_KEYS
    return (unsigned)__builtin_ctzll(m) / 8;
#else
    assert(!"key_end reads words only with WORD_KEYS");
    (void)m;
    return 0;
#endif
}

/* The high bit of each dot of 'w', and maybe of a byte above one. */
static krt_u64
dots(krt_u64 w)
{
    krt_u64 x = w ^ (ONES * '.');

    return (x - ONES) & ~x & ONES << 7;
}

/*
 * Past the key whose body starts at 'body', as string_end, with '*hash'
 * the hash of its bytes when it holds no escape.  Plain text is read and
 * hashed eight bytes at a time, and looked at as a field name on the
 * way: '*sound' is set when no byte of it asks field_name for a closer
 * look, so that it is a field name as it is: no dot first, last or after
 * a dot, no space (specials), and not empty.  A byte wrongly marked (a
 * byte above a dot, or past the key in its last word) only costs that
 * look.  The rest goes through string_end, '*sound' unset.
 */
static const unsigned char *
key_end(struct scan *s, const unsigned char *body, unsigned *flags,
        krt_u32 *hash, bool *sound)
{
    const unsigned char *p = body;
    const unsigned char *q;
    krt_u64 h = HASH_SEED;
    krt_u64 dot = 0x80; /* bit 7: the byte before the word is a dot, or
                           the word starts the key */
    krt_u64 odd = 0;

    *sound = false;
    for (; WORD_KEYS && s->end - p >= 8; p += 8) {
        krt_u64 w = load8(p);
        krt_u64 m = specials(w);
        krt_u64 d = dots(w);
        krt_u64 after_dot = d << 8 | dot; /* per byte, as 'dot' */
        unsigned k;

        odd |= d & after_dot;
        dot = d >> 56;
        if (m) {
            k = first_byte(m);
            if (p[k] != '"')
                break;
            *flags = 0;
            *hash = hash_rest(h, (const char *)p, k, (size_t)(p + k - body));
            /* the closing quote after a dot, or first: "x." or "" */
            *sound = !(odd | (m & (0 - m) & after_dot));
            return p + k + 1;
        }
        h = hash_word(h, w);
    }
    q = string_end(s, p, flags);
    if (q && !*flags)
        *hash = hash_rest(h, (const char *)p, (size_t)(q - 1 - p),
                          (size_t)(q - 1 - body));
    return q;
}

/*
 * The decoded bytes of the key 'body' (raw, 'len' bytes) in '*text', and
 * their hash in '*hash' when they had escapes (key_end hashed the others).
 */
static bool
decode_key(struct krt_scanner *sc, const unsigned char *body, size_t len,
           unsigned flags, const char **text, size_t *out, krt_u32 *hash)
{
    if (!(flags & KRT_VF_ESCAPED)) {
        *text = (const char *)body;
        *out = len;
        return true;
    }
    if (!reserve_bytes(&sc->key, &sc->keycap, len))
        return false;
    *out = krt_unescape_key((const char *)body, len, sc->key);
    *text = sc->key;
    *hash = hash_key(*text, *out);
    return true;
}

/*
 * Whether kept key 'k' is the decoded key 'text'.  Out of memory, false
 * with '*nomem' set.
 */
static bool
same_key(struct scan *s, const struct seen_key *k, const char *text,
         size_t len, bool *nomem)
{
    const char *raw = (const char *)s->line + k->off;
    size_t n = k->len;

    if (k->escaped) {
        if (!reserve_bytes(&s->sc->other, &s->sc->othercap, n)) {
            *nomem = true;
            return false;
        }
        n = krt_unescape_key(raw, n, s->sc->other);
        raw = s->sc->other;
    }
    return n == len && memcmp(raw, text, len) == 0;
}

/* A new stamp for an index; on wrap-around every index is cleared. */
static krt_u32
next_stamp(struct krt_scanner *sc)
{
    if (++sc->stamp == 0) {
        for (krt_u32 d = 0; d < KRT_MAX_DEPTH; d++) {
            struct key_index *ix = &sc->index[d];

            if (ix->slots)
                memset(ix->slots, 0, ix->cap * sizeof *ix->slots);
        }
        sc->stamp = 1;
    }
    return sc->stamp;
}

/* The first slot of 'ix' that is free, looking from 'hash' on. */
static struct key_slot *
free_slot(struct key_index *ix, krt_u32 hash)
{
    size_t mask = ix->cap - 1;
    size_t i = hash & mask;

    while (ix->slots[i].stamp == ix->stamp)
        i = (i + 1) & mask;
    return &ix->slots[i];
}

/*
 * Start 'ix' afresh for the object whose 'n' keys begin at 'first', with
 * room for the next as many again; false when out of memory.
 */
static bool
build_index(struct krt_scanner *sc, struct key_index *ix, krt_u32 first,
            krt_u32 n)
{
    size_t cap = ix->cap ? ix->cap : 64;

    while (cap < 4 * ((size_t)n + 1))
        cap *= 2;
    if (cap != ix->cap) {
        free(ix->slots);
        ix->cap = 0;
        ix->slots = calloc(cap, sizeof *ix->slots);
        if (!ix->slots)
            return false;
        ix->cap = cap;
    }
    ix->stamp = next_stamp(sc);
    for (krt_u32 i = first; i < first + n; i++) {
        krt_u32 hash = sc->keys[i].hash;

        *free_slot(ix, hash) = (struct key_slot){ ix->stamp, hash, i };
    }
    return true;
}

/* Whether the decoded key 'text' is among the object's 'n' first keys. */
static enum key_seen
find_in_row(struct scan *s, krt_u32 first, krt_u32 n, krt_u32 hash,
            const char *text, size_t len)
{
    bool nomem = false;

    for (krt_u32 i = first; i < first + n; i++) {
        const struct seen_key *k = &s->sc->keys[i];

        if (k->hash == hash && same_key(s, k, text, len, &nomem))
            return KEY_REPEATED;
        if (nomem)
            return KEY_NOMEM;
    }
    return KEY_NEW;
}

/* As find_in_row through the depth's index, entering the key if new. */
static enum key_seen
find_in_index(struct scan *s, krt_u32 first, krt_u32 n, krt_u32 hash,
              const char *text, size_t len)
{
    struct krt_scanner *sc = s->sc;
    struct key_index *ix = &sc->index[s->depth - 1];
    bool nomem = false;
    size_t i;

    /* the index is this object's once it has SMALL_OBJECT keys */
    if ((n == SMALL_OBJECT || ((size_t)n + 1) * 2 > ix->cap)
        && !build_index(sc, ix, first, n))
        return KEY_NOMEM;
    for (i = hash & (ix->cap - 1); ix->slots[i].stamp == ix->stamp;
         i = (i + 1) & (ix->cap - 1)) {
        if (ix->slots[i].hash == hash
            && same_key(s, &sc->keys[ix->slots[i].key], text, len, &nomem))
            return KEY_REPEATED;
        if (nomem)
            return KEY_NOMEM;
    }
    ix->slots[i] = (struct key_slot){ ix->stamp, hash, sc->nkeys };
    return KEY_NEW;
}

/*
 * A reason that names the key 'body' (raw, 'len' bytes, cut short when
 * long) between 'before' and 'after', in sc->why.
 */
static void
name_key(struct krt_scanner *sc, const char *before,
         const unsigned char *body, size_t len, const char *after)
{
    const size_t max = 64;
    size_t n = len;

    if (n > max) {
        n = max;
        while (n > 0 && (body[n] & 0xc0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
    }
    snprintf(sc->why, sizeof sc->why, "%s'%.*s%s'%s", before, (int)n,
             (const char *)body, n < len ? "..." : "", after);
}

static bool
reserve_keys(struct krt_scanner *sc)
{
    struct seen_key *keys;

    if (sc->nkeys < sc->capkeys)
        return true;
    if (sc->capkeys > UINT32_MAX / 2)
        return false;
    keys = realloc(sc->keys, (size_t)sc->capkeys * 2 * sizeof *keys);
    if (!keys)
        return false;
    sc->keys = keys;
    sc->capkeys *= 2;
    return true;
}

/*
 * Enter the key 'body' (raw, 'rawlen' bytes; decoded, 'text') in the
 * innermost open object, unless the object has it already.
 */
static enum key_seen
remember_key(struct scan *s, const unsigned char *body, size_t rawlen,
             unsigned flags, const char *text, size_t len, krt_u32 hash)
{
    struct krt_scanner *sc = s->sc;
    struct frame *f = &sc->frames[s->depth - 1];
    krt_u32 n = sc->nkeys - f->keys_first;
    krt_u64 bits = (krt_u64)1 << (hash >> 26)
                   | (krt_u64)1 << (hash >> 20 & 63);
    enum key_seen seen = KEY_NEW;

    if (!reserve_keys(sc))
        return KEY_NOMEM;
    if (n >= SMALL_OBJECT)
        seen = find_in_index(s, f->keys_first, n, hash, text, len);
    else if ((f->key_bits & bits) == bits)
        seen = find_in_row(s, f->keys_first, n, hash, text, len);
    f->key_bits |= bits;
    if (seen == KEY_NEW)
        sc->keys[sc->nkeys++] = (struct seen_key){
            hash, (krt_u32)(body - s->line), (krt_u32)rawlen,
            (flags & KRT_VF_ESCAPED) != 0 };
    else if (seen == KEY_REPEATED)
        name_key(sc, "duplicate key ", body, rawlen, "");
    return seen;
}

/* ----------------------------------------------------- field names */

/*
 * Elasticsearch refuses a document holding a key it makes no field name
 * of (DocumentParser and DotExpandingXContentParser, which splits keys
 * at their dots): a key that is empty or only white space, or that,
 * once the dots at its end are dropped, is nothing or has a part between
 * dots that is empty or only white space (".x", "a..b", "a. .b").  Dots
 * at the end are dropped: "x." is the field x.  White space is what
 * Java's Character.isWhitespace says.  This holds for every key of
 * every object, at any depth, in arrays too, but for keys inside a
 * flattened field, which Elasticsearch takes as they are.
 *
 * LIMIT(field-names): the scanner knows a flattened field only when the
 * program reads it, and no object mapped with subobjects false (whose
 * keys Elasticsearch does not split, though it refuses "" and white
 * space) or enabled false (not parsed at all), because a program holds
 * the fields its rules read, not the mapping.  Below those it checks
 * keys all the same: a line Elasticsearch would take is counted
 * malformed, with its reason, and not evaluated.
 */

/* The length of the white space character at 's', or 0 when none is. */
static size_t
white_len(const unsigned char *s, const unsigned char *end)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
        return 1;
    if (end - s < 3)
        return 0;
    if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)     /* U+1680 */
        || (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)  /* U+3000 */
        || (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)) /* U+205F */
        return 3;
    if (s[0] != 0xe2 || s[1] != 0x80)
        return 0;
    /* U+2000 to U+200A but the no-break U+2007; U+2028, U+2029 */
    if ((s[2] <= 0x8a && s[2] != 0x87) || s[2] == 0xa8 || s[2] == 0xa9)
        return 3;
    return 0;
}

/* Whether 's' .. 'end' is only white space (or nothing). */
static bool
blank(const char *s, const char *end)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    for (; p < (const unsigned char *)end; p += n) {
        n = white_len(p, (const unsigned char *)end);
        if (n == 0)
            return false;
    }
    return true;
}

/*
 * Why Elasticsearch makes no field name of the decoded key 'key' (the
 * end of a reason that names it), or NULL when it does.
 */
static const char *
name_fault(const char *key, size_t len)
{
    const char *end = key + len;
    const char *part, *dot;

    if (!memchr(key, '.', len))
        return blank(key, end) ? " is only white space" : NULL;
    while (end > key && end[-1] == '.')
        end--;
    if (end == key)
        return " is only dots";
    for (part = key;; part = dot + 1) {
        dot = memchr(part, '.', (size_t)(end - part));
        if ((dot ? dot : end) == part)
            return " has an empty part";
        if (blank(part, dot ? dot : end))
            return " has a part of only white space";
        if (!dot)
            return NULL;
    }
}

/*
 * Take the decoded key 'text' of the key whose body, raw, is 'rawlen'
 * bytes after the quote 'q', as Elasticsearch takes a field name: check
 * it and drop its final dots from '*len'.  Keys inside a flattened field
 * stay as they are.  False, the line failed, when Elasticsearch refuses
 * the key.  (key_end finds most keys sound, which need none of this.)
 */
static bool
field_name(struct scan *s, const unsigned char *q, size_t rawlen,
           const char *text, size_t *len)
{
    const char *why;

    if (s->sc->frames[s->depth - 1].flat)
        return true;
    if (*len == 0) {
        fail(s, q, "field name cannot be empty");
        return false;
    }
    why = name_fault(text, *len);
    if (why) {
        name_key(s->sc, "field name ", q + 1, rawlen, why);
        fail(s, q, s->sc->why);
        return false;
    }
    while (text[*len - 1] == '.')
        (*len)--;
    return true;
}

/* ------------------------------------------------------- structure */

static enum step
open_container(struct scan *s, bool array)
{
    krt_u32 slot = slot_of(s, s->node);
    struct frame *f;
    const unsigned char *p;
    bool flat = s->node != KRT_NONE && s->sc->nodes[s->node].flat;

    if (s->depth == KRT_MAX_DEPTH)
        return fail(s, s->p, "nesting deeper than 1000 levels");
    flat |= s->depth > 0 && s->sc->frames[s->depth - 1].flat;
    if (!array && slot != KRT_NONE) {
        if (!krt_event_add(s->ev, slot, KRT_V_OBJECT, s->p, 1, 0, s->key_elem))
            return fail_nomem(s);
        s->obj_count++;
    }
    f = &s->sc->frames[s->depth++];
    *f = (struct frame){ s->node, s->obj_first, s->obj_count, s->leaves,
                         s->sc->nkeys, array, flat, 0, s->elem };
    s->elem = s->key_elem;
    if (!array && s->node != KRT_NONE && s->sc->nodes[s->node].nested
        && !open_elem(s, slot))
        return fail_nomem(s);
    p = skip_space(s->p + 1, s->end);
    s->p = p;
    if (p < s->end && *p == (array ? ']' : '}'))
        return STEP_AFTER; /* after_value closes it */
    if (!array)
        return STEP_KEY;
    s->obj_first = s->ev->nvals;
    s->obj_count = 0;
    s->key_elem = s->elem;
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
    s->sc->nkeys = f->keys_first;
    s->elem = f->elem;
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
    s->key_elem = s->elem;
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
            if (!krt_event_add(s->ev, slot, KRT_V_OBJECT, s->p, 1, 0,
                           s->key_elem))
                return false;
            s->obj_count++;
        }
        if (s->sc->nodes[*node].nested && !open_key_elem(s, slot))
            return false;
        key = dot + 1;
    }
}

/* Decide where the value of the decoded key 'key' goes. */
static bool
place_key(struct scan *s, const char *key, size_t len)
{
    s->node = s->sc->frames[s->depth - 1].node;
    s->obj_first = s->ev->nvals;
    s->obj_count = 0;
    s->key_elem = s->elem;
    if (s->node == KRT_NONE)
        return true;
    return walk_key(s, &s->node, key, len);
}

static enum step
key(struct scan *s)
{
    const unsigned char *p = s->p;
    const unsigned char *q;
    unsigned flags;
    const char *text;
    size_t len, rawlen;
    krt_u32 hash = 0;
    bool sound;

    if (p == s->end)
        return fail(s, p, "line ends where a key was expected");
    if (*p != '"')
        return fail(s, p, "expected a string key");
    q = key_end(s, p + 1, &flags, &hash, &sound);
    if (!q)
        return STEP_FAIL;
    s->p = p;
    rawlen = (size_t)(q - 1 - (p + 1));
    if (!decode_key(s->sc, p + 1, rawlen, flags, &text, &len, &hash))
        return fail_nomem(s);
    switch (remember_key(s, p + 1, rawlen, flags, text, len, hash)) {
    case KEY_NEW:
        break;
    case KEY_REPEATED:
        return fail(s, p, s->sc->why);
    default:
        return fail_nomem(s);
    }
    if (!sound && !field_name(s, p, rawlen, text, &len))
        return STEP_FAIL;
    if (!place_key(s, text, len))
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
    /* only the slots the line before set, not every slot */
    for (krt_u32 i = 0; i < sc->ev.ntouched; i++)
        sc->ev.head[sc->ev.touched[i]] = KRT_NONE;
    sc->ev.ntouched = 0;
    sc->ev.nvals = 0;
    sc->ev.nelems = 0;
    sc->ev.cur = KRT_NONE;
    krt_text_cache_reset(&sc->ev);
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
            && !krt_event_add(ev, fb->slot, KRT_V_STRING, fb->text, fb->len, 0,
                          KRT_NONE))
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
    sc->ev.line = line;
    sc->ev.linelen = len;
    sc->nkeys = 0;
    s.node = ROOT;
    s.elem = s.key_elem = KRT_NONE;
    if (sc->fast && krt_fast_scan(sc->fast, &sc->ev, line, len)) {
        sc->fast_lines++;
        goto taken;
    }
    if (sc->fast)
        reset_event(sc); /* the fast path gave the line up */
    if (run_steps(&s) != KRT_SCAN_EVENT)
        return s.status;
taken:
    if (!apply_fallbacks(sc)) {
        fail_nomem(&s);
        return s.status;
    }
    *ev = &sc->ev;
    return KRT_SCAN_EVENT;
}

size_t
krt_char_column(const char *line, size_t len, size_t col)
{
    size_t n = 1;

    if (col > len + 1)
        col = len + 1;
    for (size_t i = 0; i + 1 < col; i++)
        n += ((unsigned char)line[i] & 0xc0) != 0x80;
    return n;
}

/* ------------------------------------------------------- accessors */

/* Whether element 'e' lies inside element 'outer' (KRT_NONE: the whole
 * event), or is it. */
static bool
elem_within(const struct krt_event *ev, krt_u32 e, krt_u32 outer)
{
    if (outer == KRT_NONE)
        return true;
    while (e != KRT_NONE && e > outer)
        e = ev->elems[e].parent;
    return e == outer;
}

/* 'v' or the first value after it that lies in the current element. */
static const struct krt_value *
in_current(const struct krt_event *ev, const struct krt_value *v)
{
    while (v && !elem_within(ev, v->elem, ev->cur))
        v = v->next == KRT_NONE ? NULL : &ev->vals[v->next];
    return v;
}

const struct krt_value *
krt_value_first(const struct krt_event *ev, krt_u32 field)
{
    krt_u32 slot;

    if (field >= ev->nfields)
        return NULL;
    slot = ev->field_slot[field];
    if (slot == KRT_NONE || ev->head[slot] == KRT_NONE)
        return NULL;
    if (ev->cur == KRT_NONE)
        return &ev->vals[ev->head[slot]];
    return in_current(ev, &ev->vals[ev->head[slot]]);
}

const struct krt_value *
krt_value_next(const struct krt_event *ev, const struct krt_value *v)
{
    v = v->next == KRT_NONE ? NULL : &ev->vals[v->next];
    return ev->cur == KRT_NONE ? v : in_current(ev, v);
}

bool
krt_nested_any(struct krt_event *ev, krt_u32 field, krt_nested_fn inner,
               const void *ctx)
{
    krt_u32 outer = ev->cur;
    krt_u32 slot;
    bool hit = false;

    if (field >= ev->nfields || ev->field_slot[field] == KRT_NONE)
        return false;
    slot = ev->field_slot[field];
    /* an element comes after the element it lies in */
    for (krt_u32 e = outer == KRT_NONE ? 0 : outer + 1;
         e < ev->nelems && !hit; e++) {
        if (ev->elems[e].slot != slot || !elem_within(ev, e, outer))
            continue;
        ev->cur = e;
        hit = inner(ev, ctx);
    }
    ev->cur = outer;
    return hit;
}

void
krt_scanner_set_dates(struct krt_scanner *sc,
                      const struct krt_i64_range *dates, krt_u32 n)
{
    sc->ev.dates = dates;
    sc->ev.ndates = n;
}
