/*
 * ir.h - the typed intermediate representation.
 *
 * Sema turns each rule's syntax tree into a tree of typed tests on the
 * fields of one shared field table: every value is already read as its
 * field's type reads it (keyword text, integer ranges, address ranges),
 * so neither the emitter nor the interpreter decides meaning.  Each test
 * holds when any value of its field satisfies it (Elasticsearch's arrays).
 * Everything lives in the compilation's arena.
 */
#ifndef KQLC_IR_H
#define KQLC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "krt.h"
#include "span.h"

enum ir_op {
    IR_TRUE,      /* always */
    IR_FALSE,     /* never */
    IR_AND,       /* list: all hold */
    IR_OR,        /* list: one holds */
    IR_NOT,       /* child does not hold */
    IR_EXISTS,    /* field has a non-null value */
    IR_KW_IN,     /* some value's text is in the set */
    IR_KW_WILD,   /* some value's text matches the pattern */
    IR_LONG_IN,   /* some value, as an integer, is in the ranges */
    IR_IP_IN,     /* some value, as an address, is in the ranges */
    IR_BOOL_IS,   /* some value is the boolean */
    IR_DATE_IN,   /* some value, as a date, is in the ranges (of ms) */
    IR_DATE_REL,  /* some value, as a date, is in a range read at run start */
    IR_TEXT_ANY,  /* some value's analysed tokens include one of the set */
    IR_TEXT_PHRASE, /* some value's tokens hold these, in a row */
    IR_TEXT_WILD, /* some value's token matches the pattern */
    IR_FLOAT_IN,  /* some value, as its float type's key, is in the ranges */
    IR_KW_RANGE,  /* some value's text lies in the byte range */
    IR_NESTED,    /* child holds for one element of nested field 'field' */
    IR_FREE       /* free text: some leaf of the event, read as one of its
                     types, satisfies that type's test */
};

struct ir_node;

/* Free text read as one type: 'test' on field 'field' (a field of no
 * path, standing for whichever leaf is read as 'type'). */
struct ir_free_test {
    enum krt_type type;
    krt_u32 flags;           /* struct krt_field's: normalizer, analyzer */
    double scale;            /* a scaled_float's scaling factor, else 0 */
    krt_u32 field;
    struct ir_node *test;
};

/*
 * One test or connective.  'span' is the KQL text it implements (in its
 * rule's query).  Sets are sorted by length then bytes, with no
 * duplicates; range tables are sorted, disjoint and merged (adjacent
 * intervals joined): the invariants the runtime's lookups rely on.
 */
struct ir_node {
    enum ir_op op;
    struct span span;
    krt_u32 field;
    union {
        struct {
            struct ir_node **items;
            size_t n;
        } list;                      /* IR_AND, IR_OR */
        struct ir_node *child;       /* IR_NOT; IR_NESTED: the inner
                                        query, its tests seeing one
                                        element's values at a time */
        struct {
            struct krt_str *items;
            size_t n;
        } strs;                      /* IR_KW_IN, IR_TEXT_ANY set;
                                        IR_KW_WILD, IR_TEXT_WILD parts;
                                        IR_TEXT_PHRASE tokens, in order */
        struct {
            struct krt_i64_range *items;
            size_t n;
            double scale;            /* IR_FLOAT_IN of a scaled_float:
                                        its scaling factor; else 0 */
        } i64;                       /* IR_LONG_IN, IR_DATE_IN, IR_FLOAT_IN
                                        (keys: krt_double.h) */
        struct krt_str_range kwr;    /* IR_KW_RANGE */
        struct {
            struct krt_ip_range *items;
            size_t n;
        } ip;                        /* IR_IP_IN */
        bool b;                      /* IR_BOOL_IS */
        struct {
            const struct krt_date_rel *rel;
            krt_u32 slot;            /* its index in the program's dates */
        } date;                      /* IR_DATE_REL */
        struct {
            struct ir_free_test *items;
            size_t n;
            const struct krt_leaf_type *leaves; /* the program's */
            size_t nleaves;
            const char *under;       /* a flattened field's path: its
                                        leaves only, by items[0]; else
                                        NULL, every leaf */
        } free;                      /* IR_FREE: one test a type */
    } u;
};

/*
 * A field some rule reads, with the type its tests were typed with.
 * 'name' is the field as rules name it, 'path' where its values stand in
 * a document: the two differ for a multi-field, which reads its parent's
 * values (process.command_line.text reads process.command_line).
 */
struct ir_field {
    const char *name;
    const char *path;
    enum krt_type type;
    unsigned ignore_above;
    bool known;   /* in the ECS table (or a mapping); else read as keyword */
    krt_u32 flags; /* struct krt_field's: a normalizer, an analyzer */
};

struct mapping;

struct ir_tactic {
    const char *id;
    const char *name;
};

/* One rule: its metadata for alerts and its test tree. */
struct ir_rule {
    const char *name;
    const char *rule_id;
    const char *type;              /* NULL or "query" for a query rule */
    const char *severity;
    int risk_score;
    const struct ir_tactic *tactics;
    size_t ntactics;
    const char *query;             /* KQL text the spans point into */
    size_t query_len;
    const struct diag_source *src; /* for diagnostics */
    struct ir_node *root;
};

/* Every rule of one detector, over one table of fields. */
struct ir_program {
    struct ptrvec fields;   /* struct ir_field * */
    struct ptrvec rules;    /* struct ir_rule * */
    struct ptrvec dates;    /* struct krt_date_rel *: ranges that read the
                               clock, worked out when a run starts */
    const char *origin;     /* what it was built from, for the banner */
    const struct mapping *mapping; /* field types that add to or override
                                      ECS's (mapping.h), or NULL; borrowed */
    struct krt_leaf_type *leaves; /* every known leaf path and its types,
                                     sorted by path then type, for free
                                     text; NULL when no rule has any */
    size_t nleaves;
};

/* Index of 'path' in the program's field table, adding it if new. */
krt_u32 ir_field_index(struct arena *a, struct ir_program *p,
                       const char *path, size_t len, enum krt_type type,
                       unsigned ignore_above, bool known);

/* As ir_field_index for field 'name' (of 'len' bytes), whose values
 * stand at the path made of its first 'path_len' bytes. */
krt_u32 ir_field_index_named(struct arena *a, struct ir_program *p,
                             const char *name, size_t len, size_t path_len,
                             enum krt_type type, unsigned ignore_above,
                             bool known);

struct ir_node *ir_node_new(struct arena *a, enum ir_op op, struct span sp);

/* Simplify a tree: flatten, fold constants, merge same-field sets and
 * ranges under 'or', sort and merge tables.  Returns the new root. */
struct ir_node *ir_simplify(struct arena *a, struct ir_node *n);

/* Sort and merge a table in place; returns the new length. */
size_t ir_merge_ip_ranges(struct krt_ip_range *r, size_t n);
size_t ir_merge_i64_ranges(struct krt_i64_range *r, size_t n);
size_t ir_sort_strs(struct krt_str *s, size_t n);

/* Compare two strings as sets order them: length, then bytes. */
int ir_str_cmp(const struct krt_str *a, const struct krt_str *b);

/* Write 'ip' as text (dotted quad for IPv4-mapped) into 'buf' (>= 48). */
void ir_format_ip(const struct krt_ip *ip, char *buf, size_t size);

/* Print the tree readably, one node a line (kqlc --dump-ir). */
void ir_dump(FILE *out, const struct ir_program *p);

#endif
