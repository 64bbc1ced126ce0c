/*
 * krt_event.h - the event as the scanner leaves it and the value tests
 * read it; private to runtime/.
 */
#ifndef KRT_EVENT_H
#define KRT_EVENT_H

#include <stddef.h>

#include "krt_run.h"

/* "No index": no value, no slot, no trie node. */
#define KRT_NONE 0xffffffffu

/*
 * One element of a nested field: one object of the array of objects at
 * the field's path (or the one object there).  'parent' is the element
 * of an enclosing nested field it lies in, or KRT_NONE; it is always a
 * lower number, as elements are numbered in document order.
 */
struct krt_elem {
    krt_u32 slot;
    krt_u32 parent;
};

/*
 * An address parsed from a value's text, kept by the text (a copy): the
 * tests of one event often read one value many times (source.ip, by a
 * dozen rules), and a text always parses the same way.  'len' is the
 * text's length plus one; 0: empty.
 */
#define KRT_IP_SEEN 4
#define KRT_IP_SEEN_TEXT 46

struct krt_ip_seen {
    unsigned char len;
    bool ok;
    char text[KRT_IP_SEEN_TEXT];
    struct krt_ip ip;
};

/*
 * The values of one line.  Each field path that a field of the table
 * names has a slot; the values found at that path are chained from
 * head[slot] through krt_value.next, in document order.  Several fields
 * with the same path share a slot.  'buf' is where escaped strings are
 * decoded: the scanner keeps it at least as long as the longest escaped
 * string it recorded, so decoding never allocates.  'dates' are the
 * program's date ranges that read the clock, worked out for this run
 * (krt_scanner_set_dates; borrowed, NULL until then).  'elems' are the
 * elements of nested fields the line holds; while 'cur' is one of them
 * (krt_nested_any), value iteration gives only the values inside it.
 */
struct krt_event {
    const struct krt_field *fields;
    krt_u32 nfields;
    const krt_u32 *field_slot; /* KRT_NONE: a path that is never found */
    krt_u32 *head;             /* per slot: first value, or KRT_NONE */
    krt_u32 *tail;             /* per slot: last value (when head is set) */
    krt_u32 *touched;          /* the slots whose head is set, to reset */
    krt_u32 ntouched;
    struct krt_value *vals;
    krt_u32 nvals;
    krt_u32 capvals;
    struct krt_elem *elems;
    krt_u32 nelems;
    krt_u32 capelems;
    krt_u32 cur;               /* KRT_NONE: the whole event */
    char *buf;
    size_t bufcap;
    const struct krt_i64_range *dates;
    krt_u32 ndates;
    struct krt_text_cache *text; /* analysed values (krt_analyze.c) */
    bool nomem;                  /* a test ran out of memory */
    const char *line;            /* the line scanned, for free text */
    size_t linelen;
    struct krt_free_scratch *free; /* krt_free.c's, or NULL */
    struct krt_select *select;   /* krt_select.c's, or NULL */
    struct krt_ip_seen ip_seen[KRT_IP_SEEN]; /* krt_value_ip's */
    unsigned ip_next;            /* the entry of ip_seen to replace */
};

/* Room for one more value in 'ev' (its table doubled; the scanner's),
 * and for 'len' bytes in its decoding buffer: false when out of memory. */
bool krt_event_grow_values(struct krt_event *ev);
bool krt_event_grow_buf(struct krt_event *ev, size_t len);

/*
 * Append a value, in element 'elem' (KRT_NONE: none), to 'slot': the
 * one way both scan paths store what they find.  False when out of
 * memory.
 */
static inline bool
krt_event_add(struct krt_event *ev, krt_u32 slot, unsigned kind,
              const void *text, size_t len, unsigned flags, krt_u32 elem)
{
    struct krt_value *v;
    krt_u32 i = ev->nvals;

    if (i == ev->capvals && !krt_event_grow_values(ev))
        return false;
    if ((flags & KRT_VF_ESCAPED) && len > ev->bufcap
        && !krt_event_grow_buf(ev, len))
        return false;
    v = &ev->vals[i];
    v->text = (const char *)text;
    v->len = (krt_u32)len;
    v->next = KRT_NONE;
    v->kind = (unsigned char)kind;
    v->flags = (unsigned char)flags;
    v->elem = elem;
    if (ev->head[slot] == KRT_NONE) {
        ev->head[slot] = i;
        ev->touched[ev->ntouched++] = slot;
    } else {
        ev->vals[ev->tail[slot]].next = i;
    }
    ev->tail[slot] = i;
    ev->nvals++;
    return true;
}

/* Free what free text kept in 'ev' (krt_free.c). */
void krt_free_scratch_free(struct krt_event *ev);

/* Free the rule selection kept in 'ev' (krt_select.c). */
void krt_select_free(struct krt_event *ev);

/*
 * The text of value 'v' of field 'field' as the field indexes it and the
 * keyword tests compare it: decoded, lower-cased under the lowercase
 * normalizer (krt_text.c).  False when there is none (null, an object,
 * a value ignore_above leaves unindexed); '*text' lives as
 * krt_value_text's does.
 */
bool krt_value_indexed(struct krt_event *ev, krt_u32 field,
                       const struct krt_value *v, const char **text,
                       size_t *len);

/*
 * The analyses of text values an event keeps, so that each value is
 * analysed once however many tests read it (krt_analyze.c).  The
 * scanner resets them with every line and frees them with itself.  A
 * test that runs out of memory analysing a value sets ev->nomem: the
 * event's verdicts are then not to be trusted.
 */
void krt_text_cache_reset(struct krt_event *ev);
void krt_text_cache_free(struct krt_event *ev);

/*
 * Room for 'size' bytes of scratch, kept with the event's text cache and
 * valid until the next call: where a test lower-cases a value of a field
 * with the lowercase normalizer.  NULL, with ev->nomem set, when out of
 * memory.
 */
char *krt_text_scratch(struct krt_event *ev, size_t size);

/* Whether 's' is one of the 'n' strings of 'set', sorted by length then
 * bytes (krt_text.c). */
bool krt_set_has(const struct krt_str *set, krt_u32 n, const char *s,
                 size_t len);

/* Whether 's' matches the wildcard pattern of krt_any_kw_wild's
 * 'parts' (krt_text.c). */
bool krt_wild_match(const struct krt_str *parts, krt_u32 n, const char *s,
                    size_t len);

/*
 * Decode the JSON string body 's' (validated: escapes well formed) into
 * 'out', which has room for 'len' bytes; returns the decoded length.  A
 * surrogate escape that is not half of a pair decodes as U+FFFD, as
 * Lucene indexes it.
 */
size_t krt_unescape(const char *s, size_t len, char *out);

/*
 * As krt_unescape, for a key: a surrogate escape that is not half of a
 * pair decodes as itself, three bytes that no UTF-8 text holds, so that
 * keys compare as Elasticsearch compares them (as UTF-16 strings).
 */
size_t krt_unescape_key(const char *s, size_t len, char *out);

/*
 * Value 'v' of event 'ev' as an address, as an ip field reads it (a
 * string krt_parse_ip takes); false when it is none.  Remembers the
 * last few texts parsed in the event (ip_seen).
 */
bool krt_value_ip(struct krt_event *ev, const struct krt_value *v,
                  struct krt_ip *out);

/* Whether 'x' lies in one of the 'n' sorted, disjoint closed ranges
 * (integers and dates in epoch milliseconds). */
bool krt_i64_in_ranges(const struct krt_i64_range *r, krt_u32 n, krt_i64 x);

/*
 * Value 'v' of event 'ev' as an integer field of type 'type' reads it:
 * a string as krt_parse_int reads text, a number token as Elasticsearch
 * reads one (exactly when it is written without fraction or exponent,
 * through a double otherwise), anything else as no number.  '*out' is
 * set only on KRT_INT_OK.
 */

enum krt_int_status krt_value_int(struct krt_event *ev,
                                  const struct krt_value *v, krt_u32 type,
                                  krt_i64 *out);

/*
 * The length of the well-formed UTF-8 sequence (RFC 3629: no overlongs,
 * no surrogates, nothing past U+10FFFF) that starts with the byte >= 0x80
 * at 'p', or 0 when there is none before 'end'.
 */
static inline size_t
krt_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned lo = 0x80, hi = 0xbf;
    size_t n;

    if (*p >= 0xc2 && *p <= 0xdf) {
        n = 2;
    } else if (*p >= 0xe0 && *p <= 0xef) {
        n = 3;
        lo = *p == 0xe0 ? 0xa0 : lo; /* overlong below U+0800 */
        hi = *p == 0xed ? 0x9f : hi; /* surrogates */
    } else if (*p >= 0xf0 && *p <= 0xf4) {
        n = 4;
        lo = *p == 0xf0 ? 0x90 : lo; /* overlong below U+10000 */
        hi = *p == 0xf4 ? 0x8f : hi; /* past U+10FFFF */
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

#endif
