/*
 * krt_free.c - free text: a value with no field, searched in every leaf
 * value of the event.
 *
 * Kibana sends free text as a lenient multi_match (a query_string for a
 * value with wildcards) over every field.  Each field reads the value as
 * its type reads it, and a type that cannot read it ignores it: so the
 * runtime walks the event's leaves, takes each leaf's types from the
 * table of known paths (a path it lacks is a keyword), and runs the test
 * the compiler made of the value for each such type on an event that
 * holds that one value.  The line was validated by the scanner before
 * any rule ran, so the walk here only has to follow its structure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krt.h"
#include "krt_event.h"
#include "krt_run.h"

/* One open object or array of the walk, and the path length it had. */
struct frame {
    size_t pathlen;
    bool object;
    bool skip;   /* inside a nested field: free text does not look */
};

struct krt_free_scratch {
    struct krt_event ev;       /* holds one value at a time */
    const struct krt_field *of; /* the program's fields it copies */
    struct krt_field *fields;
    krt_u32 *slot;
    krt_u32 head;
    krt_u32 tail;
    struct krt_value val;
    char *path;
    size_t pathcap;
    struct frame *frames;
    size_t capframes;
};

void
krt_free_scratch_free(struct krt_event *ev)
{
    struct krt_free_scratch *fs = ev->free;

    if (!fs)
        return;
    krt_text_cache_free(&fs->ev);
    free(fs->ev.buf);
    free(fs->fields);
    free(fs->slot);
    free(fs->path);
    free(fs->frames);
    free(fs);
    ev->free = NULL;
}

/* 'p' grown to hold 'want' bytes (or items of 'size'); NULL when out of
 * memory, with 'p' and '*cap' untouched. */
static void *
grow(void *p, size_t *cap, size_t want, size_t size)
{
    size_t n = *cap ? *cap : 64;
    void *q;

    if (want <= *cap)
        return p;
    while (n < want)
        n *= 2;
    q = n <= SIZE_MAX / size ? realloc(p, n * size) : NULL;
    if (q)
        *cap = n;
    return q;
}

/* The scratch of 'ev', set up for its program's fields; NULL when out
 * of memory. */
static struct krt_free_scratch *
scratch_of(struct krt_event *ev)
{
    struct krt_free_scratch *fs = ev->free;
    size_t n = ev->nfields ? ev->nfields : 1;

    if (!fs) {
        fs = calloc(1, sizeof *fs);
        if (!fs)
            return NULL;
        ev->free = fs;
    }
    if (fs->of != ev->fields) {
        struct krt_field *f = realloc(fs->fields, n * sizeof *f);
        krt_u32 *slot = f ? realloc(fs->slot, n * sizeof *slot) : NULL;

        if (f)
            fs->fields = f;
        if (!slot)
            return NULL;
        fs->slot = slot;
        memcpy(f, ev->fields, ev->nfields * sizeof *f);
        for (size_t i = 0; i < n; i++)
            slot[i] = KRT_NONE;
        fs->of = ev->fields;
    }
    fs->ev.fields = fs->fields;
    fs->ev.nfields = ev->nfields;
    fs->ev.field_slot = fs->slot;
    fs->ev.head = &fs->head;
    fs->ev.tail = &fs->tail;
    fs->ev.vals = &fs->val;
    fs->ev.nvals = 1;
    fs->ev.capvals = 1;
    fs->ev.cur = KRT_NONE;
    fs->ev.dates = ev->dates;
    fs->ev.ndates = ev->ndates;
    fs->head = 0;
    fs->tail = 0;
    return fs;
}

/* Compare the 'len' bytes of 'path' with the string 'name' as strcmp
 * orders them. */
static int
path_cmp(const char *path, size_t len, const char *name)
{
    size_t n = strlen(name);
    int c = memcmp(path, name, len < n ? len : n);

    if (c)
        return c;
    return len < n ? -1 : len > n;
}

/* The first of the leaf types of 'path', and how many there are. */
static krt_u32
types_of(const struct krt_leaf_type *leaves, krt_u32 n, const char *path,
         size_t len, krt_u32 *count)
{
    krt_u32 lo = 0, hi = n, first;

    while (lo < hi) {
        krt_u32 mid = lo + (hi - lo) / 2;

        if (path_cmp(path, len, leaves[mid].path) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < n && path_cmp(path, len, leaves[lo].path) == 0)
        lo++;
    *count = lo - first;
    return first;
}

struct walk {
    struct krt_event *ev;
    struct krt_free_scratch *fs;
    const char *under;
    size_t underlen;
    const struct krt_leaf_type *leaves;
    krt_u32 nleaves;
    const struct krt_free_test *tests;
    krt_u32 ntests;
};

/* The test for a value of leaf type 'l', or NULL. */
static const struct krt_free_test *
test_for(const struct krt_free_test *tests, krt_u32 n,
         const struct krt_leaf_type *l)
{
    for (krt_u32 i = 0; i < n; i++) {
        if (tests[i].type == l->type && tests[i].flags == l->flags
            && (l->type != KRT_SCALED_FLOAT || tests[i].scale == l->scale))
            return &tests[i];
    }
    return NULL;
}

/* Run test 't' on value 'v' read as field 'f' reads it. */
static bool
run_test(struct walk *w, const struct krt_free_test *t,
         const struct krt_field *f, const struct krt_value *v)
{
    struct krt_free_scratch *fs = w->fs;
    bool hit;

    fs->fields[t->field] = *f;
    fs->slot[t->field] = 0;
    fs->val = *v;
    krt_text_cache_reset(&fs->ev);
    hit = t->test(&fs->ev, t->ctx);
    fs->slot[t->field] = KRT_NONE;
    if (fs->ev.nomem) {
        w->ev->nomem = true;
        return false;
    }
    return hit;
}


/* Whether the leaf at the path of 'len' bytes, value 'v', satisfies the
 * test of one of its types. */
static bool
leaf(struct walk *w, size_t len, const struct krt_value *v)
{
    static const struct krt_leaf_type unknown = { "", KRT_KEYWORD, 0, 0, 0 };
    struct krt_free_scratch *fs = w->fs;
    krt_u32 count, first;
    const struct krt_leaf_type *types;

    if (w->under) {
        /* A flattened field: the leaves at or below its path. */
        if (len < w->underlen || memcmp(fs->path, w->under, w->underlen)
            || (len > w->underlen && fs->path[w->underlen] != '.'))
            return false;
        return run_test(w, &w->tests[0], &w->ev->fields[w->tests[0].field],
                        v);
    }
    first = types_of(w->leaves, w->nleaves, fs->path, len, &count);
    types = count ? &w->leaves[first] : &unknown;
    for (krt_u32 i = 0; i < (count ? count : 1); i++) {
        const struct krt_free_test *t = test_for(w->tests, w->ntests,
                                                 &types[i]);
        struct krt_field f;

        if (!t)
            continue;
        f = w->ev->fields[t->field];
        f.type = types[i].type;
        f.ignore_above = types[i].ignore_above;
        f.flags = types[i].flags;
        if (run_test(w, t, &f, v))
            return true;
        if (w->ev->nomem)
            return false;
    }
    return false;
}

static const char *
skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* The closing quote of the string whose body starts at 'p'; 'escaped'
 * set when the body holds a backslash. */
static const char *
string_end(const char *p, const char *end, bool *escaped)
{
    *escaped = false;
    while (p < end && *p != '"') {
        if (*p == '\\') {
            *escaped = true;
            p++;
        }
        p++;
    }
    return p < end ? p : end;
}

/* Set the path to the parent's 'base' bytes, a dot and the key whose
 * body is the 'len' bytes at 's'.  False when out of memory. */
static bool
set_key(struct krt_free_scratch *fs, size_t base, const char *s, size_t len,
        bool escaped, size_t *pathlen)
{
    char *path = grow(fs->path, &fs->pathcap, base + len + 2, 1);
    size_t o = base;

    if (!path)
        return false;
    fs->path = path;
    if (base)
        path[o++] = '.';
    o += escaped ? krt_unescape_key(s, len, path + o)
                 : (memcpy(path + o, s, len), len);
    path[o] = '\0';
    *pathlen = o;
    return true;
}

/* Whether the path of 'len' bytes is a nested field's. */
static bool
nested_at(const struct walk *w, size_t len)
{
    krt_u32 count, first = types_of(w->leaves, w->nleaves, w->fs->path, len,
                                    &count);

    for (krt_u32 i = 0; i < count; i++) {
        if (w->leaves[first + i].type == KRT_NESTED)
            return true;
    }
    return false;
}

/* Whether the path of 'len' bytes is a nested field's or lies below one
 * (dotted keys can name both at once). */
static bool
under_nested(const struct walk *w, size_t len)
{
    for (size_t i = 1; i <= len; i++) {
        if ((i == len || w->fs->path[i] == '.') && nested_at(w, i))
            return true;
    }
    return false;
}

/* Open an object or array at the path of 'pathlen' bytes.  False when
 * out of memory. */
static bool
push(struct krt_free_scratch *fs, size_t *depth, size_t pathlen,
     bool object, bool skip)
{
    struct frame *f = grow(fs->frames, &fs->capframes, *depth + 1,
                           sizeof *f);

    if (!f)
        return false;
    fs->frames = f;
    f[*depth] = (struct frame){ pathlen, object, skip };
    (*depth)++;
    return true;
}

/* A scalar value token at 'p': its krt_value, and 'p' moved past it. */
static struct krt_value
scalar(const char **pp, const char *end)
{
    const char *p = *pp, *start = p;
    struct krt_value v = { start, 0, KRT_NONE, KRT_V_NUMBER, 0, KRT_NONE };
    bool escaped;

    if (*p == '"') {
        p = string_end(p + 1, end, &escaped);
        v.text = start + 1;
        v.len = (krt_u32)(p - start - 1);
        v.kind = KRT_V_STRING;
        v.flags = escaped ? KRT_VF_ESCAPED : 0;
        *pp = p < end ? p + 1 : end;
        return v;
    }
    while (p < end && !strchr(",]} \t\r\n", *p))
        p++;
    v.len = (krt_u32)(p - start);
    if (*start == 't' || *start == 'f')
        v.kind = *start == 't' ? KRT_V_TRUE : KRT_V_FALSE;
    else if (*start == 'n')
        v.kind = KRT_V_NULL;
    *pp = p;
    return v;
}

/*
 * Walk the object that starts at 'p' and test every leaf; the line is
 * well-formed JSON.  Returns 1 on a hit, 0 when none, -1 when out of
 * memory.
 */
static int
walk_line(struct walk *w, const char *p, const char *end)
{
    struct krt_free_scratch *fs = w->fs;
    size_t depth = 0, pathlen = 0;

    p = skip_space(p, end);
    if (p == end || *p != '{' || !push(fs, &depth, 0, true, false))
        return p == end || *p != '{' ? 0 : -1;
    p++;
    goto first;
    for (;;) {
        /* At a value. */
        p = skip_space(p, end);
        if (p == end)
            return 0;
        if (*p == '{' || *p == '[') {
            if (!push(fs, &depth, pathlen, *p == '{',
                      fs->frames[depth - 1].skip
                      || (!w->under && under_nested(w, pathlen))))
                return -1;
            p++;
        first:
            p = skip_space(p, end);
            if (p < end && (*p == '}' || *p == ']'))
                goto close;
            if (fs->frames[depth - 1].object)
                goto key;
            continue;
        } else {
            struct krt_value v = scalar(&p, end);

            if (v.kind != KRT_V_NULL && !fs->frames[depth - 1].skip
                && (w->under || !under_nested(w, pathlen))
                && leaf(w, pathlen, &v))
                return 1;
            if (w->ev->nomem)
                return -1;
        }
        /* After a value: a comma, or the ends of containers. */
        for (;;) {
            p = skip_space(p, end);
            if (p == end)
                return 0;
            if (*p == ',') {
                p++;
                if (fs->frames[depth - 1].object)
                    goto key;
                break;
            }
        close:
            p++; /* '}' or ']' */
            depth--;
            pathlen = fs->frames[depth].pathlen;
            if (depth == 0)
                return 0;
        }
        continue;
    key:
        p = skip_space(p, end);
        if (p == end || *p != '"')
            return 0;
        {
            const char *start = p + 1;
            bool escaped;

            p = string_end(start, end, &escaped);
            if (!set_key(fs, fs->frames[depth - 1].pathlen, start,
                         (size_t)(p - start), escaped, &pathlen))
                return -1;
        }
        p = skip_space(p < end ? p + 1 : end, end);
        if (p < end && *p == ':')
            p++;
    }
}

bool
krt_free_any(struct krt_event *ev, const char *under,
             const struct krt_leaf_type *leaves, krt_u32 nleaves,
             const struct krt_free_test *tests, krt_u32 ntests)
{
    struct krt_free_scratch *fs;
    struct walk w = { ev, NULL, under, under ? strlen(under) : 0, leaves,
                      nleaves, tests, ntests };
    char *buf;
    int r;

    if (!ev->line || ntests == 0)
        return false;
    fs = scratch_of(ev);
    buf = fs ? grow(fs->ev.buf, &fs->ev.bufcap, ev->linelen + 1, 1) : NULL;
    if (!buf) {
        ev->nomem = true;
        return false;
    }
    fs->ev.buf = buf;
    w.fs = fs;
    r = walk_line(&w, ev->line, ev->line + ev->linelen);
    if (r < 0)
        ev->nomem = true;
    return r > 0;
}
