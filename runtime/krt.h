/*
 * krt.h - the kqlc detector runtime: the one header generated code
 * includes.
 *
 * Generated C defines 'krt_program' (the fields its rules read and one
 * match function per rule) and calls the krt_any_* tests below; the
 * runtime reads events, extracts exactly those fields, calls the match
 * functions and writes alerts.  The same C is compiled by cc against
 * libkrt.a and by libtcc in memory, so this header uses nothing libtcc
 * lacks: no <stdint.h>, no __int128, no thread-local storage.
 */
#ifndef KRT_H
#define KRT_H

#include <stdbool.h>
#include <stddef.h>

/* Bumped whenever a structure below or a test's meaning changes. */
#define KRT_ABI_VERSION 6

typedef unsigned long long krt_u64;
typedef long long krt_i64;
typedef unsigned int krt_u32;

/* Elasticsearch field types, as the runtime needs to know them. */
enum krt_type {
    KRT_KEYWORD,
    KRT_CONSTANT_KEYWORD,
    KRT_WILDCARD,
    KRT_LONG,
    KRT_INTEGER,
    KRT_SHORT,
    KRT_BYTE,
    KRT_DOUBLE,
    KRT_FLOAT,
    KRT_HALF_FLOAT,
    KRT_SCALED_FLOAT,
    KRT_UNSIGNED_LONG,
    KRT_IP,
    KRT_BOOLEAN,
    KRT_DATE,
    KRT_TEXT,
    KRT_MATCH_ONLY_TEXT,
    KRT_OBJECT,
    KRT_NESTED,
    KRT_FLATTENED,
    KRT_GEO_POINT,
    KRT_OTHER,
    KRT_NTYPES
};

/*
 * A field the rules read.  'path' is the dotted name; the runtime finds
 * it under nested objects, dotted keys and any mix of the two, and inside
 * arrays.  'ignore_above' (keyword fields) is the length in UTF-16 units
 * past which Elasticsearch does not index a value: such a value matches
 * nothing and does not exist.  0 means no limit.  'flags' are the
 * KRT_FIELD_ bits below.
 */
struct krt_field {
    const char *path;
    krt_u32 type;
    krt_u32 ignore_above;
    krt_u32 flags;
};

/* A keyword field with the lowercase normalizer: Elasticsearch indexes
 * each value lower-cased (Unicode simple case mapping, code point by code
 * point, Lucene's LowerCaseFilter); the tests compare the values so. */
#define KRT_FIELD_LOWERCASE 1u
/* A text field analysed by the Windows integration's
 * powershell_script_analyzer: a pattern analyzer splitting at every run
 * of characters other than ASCII letters, digits, '_' and '-' (Java's
 * [\W&&[^-]]+), tokens lower-cased, not the standard analyzer. */
#define KRT_FIELD_PS_SCRIPT 2u

/* Bytes of a string constant; sets are sorted by length, then bytes. */
struct krt_str {
    krt_u32 len;
    const char *bytes;
};

/* A 128-bit address; IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct krt_ip {
    krt_u64 hi;
    krt_u64 lo;
};

/* Closed interval of addresses.  Tables are sorted, disjoint, merged. */
struct krt_ip_range {
    struct krt_ip first;
    struct krt_ip last;
};

/* Closed interval of integers.  Tables are sorted, disjoint, merged. */
struct krt_i64_range {
    krt_i64 first;
    krt_i64 last;
};

/*
 * A range of a date field whose bounds read the clock ('now'): each bound
 * is the date math the rule wrote ("now-1d/d"), or absent (bytes NULL)
 * on an open side.  A run works these ranges out once, when it starts,
 * from its clock (a detector's --now, or the time it started), so that
 * a run over the same events can be repeated.
 */
#define KRT_DATE_LOWER_EXCL 1u /* '>': the lower bound's own date is out */
#define KRT_DATE_UPPER_EXCL 2u /* '<': the upper bound's own date is out */

struct krt_date_rel {
    struct krt_str lower;
    struct krt_str upper;
    krt_u32 flags;
};

/* One MITRE ATT&CK tactic of a rule, for alerts. */
struct krt_tactic {
    const char *id;
    const char *name;
};

/* The event being evaluated: opaque to generated code. */
struct krt_event;

/* One compiled rule. */
struct krt_rule {
    const char *name;
    const char *rule_id;
    const char *severity;
    int risk_score;
    const struct krt_tactic *tactics;
    krt_u32 ntactics;
    bool (*match)(struct krt_event *ev);
    /* The rule's type as its file gives it ("threshold", "new_terms",
     * "threat_match"); 0 for a plain query rule.  The detector says at
     * start that the step beyond the query does not run. */
    const char *type;
};

/*
 * A gate of rule number 'rule': a test the rule cannot match without,
 * on field 'field', of one of three kinds:
 *   KRT_GATE_KW   some value is one of the 'n' strings of the sorted
 *                 'set', as krt_any_kw_in reads them;
 *   KRT_GATE_INT  some value, as an integer, lies in one of the 'n'
 *                 sorted 'ranges', as krt_any_long_in reads them;
 *   KRT_GATE_HAS  the field has a value at all (any value, null and
 *                 objects included: no test of a field's values holds
 *                 on an event without one).
 * The compiler takes a rule's gates from one term of its 'and' (the
 * term itself, or one gate per branch when the term is an 'or'): the
 * rule can match only an event that passes one of them.  A rule with
 * gates runs only on such events; a rule with none runs on every event
 * (krt_select.c).  KRT_NO_GATES=1 in the environment runs every rule on
 * every event: the answers are the same.
 */
#define KRT_GATE_KW 0u
#define KRT_GATE_INT 1u
#define KRT_GATE_HAS 2u

struct krt_gate {
    krt_u32 rule;
    krt_u32 kind;
    krt_u32 field;
    const struct krt_str *set;
    const struct krt_i64_range *ranges;
    krt_u32 n;
};

/* What a generated file defines, under the name 'krt_program'. */
struct krt_program {
    krt_u32 abi;
    const char *generator;
    const struct krt_field *fields;
    krt_u32 nfields;
    const struct krt_rule *rules;
    krt_u32 nrules;
    const struct krt_date_rel *dates; /* ranges that read the clock */
    krt_u32 ndates;
    const struct krt_gate *gates; /* rules' gates, in rule order */
    krt_u32 ngates;
};

/*
 * Tests on the values of field number 'field' (an index into the
 * program's fields).  Each holds when any value of the field satisfies
 * it, as Elasticsearch treats arrays; a missing field satisfies none.
 * Values are read as the field's type reads them: a keyword compares
 * text, an integer type parses numbers and numeric strings (truncating a
 * fraction), an ip parses addresses.  A value its type cannot read
 * satisfies nothing.
 */

/* Some value's text is one of the 'n' strings of the sorted 'set'. */
bool krt_any_kw_in(struct krt_event *ev, krt_u32 field,
                   const struct krt_str *set, krt_u32 n);

/* Some value, as an integer, lies in one of the 'n' sorted ranges. */
bool krt_any_long_in(struct krt_event *ev, krt_u32 field,
                     const struct krt_i64_range *ranges, krt_u32 n);

/* Some value, as an address, lies in one of the 'n' sorted ranges. */
bool krt_any_ip_in(struct krt_event *ev, krt_u32 field,
                   const struct krt_ip_range *ranges, krt_u32 n);

/*
 * Some value matches the wildcard pattern made of the 'n' parts, with
 * '*' (any run of characters, newlines included) between consecutive
 * parts: a*b*c is {"a", "b", "c"}, *adm is {"", "adm"}.  n >= 2.
 */
bool krt_any_kw_wild(struct krt_event *ev, krt_u32 field,
                     const struct krt_str *parts, krt_u32 n);

/*
 * Some value, as a date, lies in one of the 'n' sorted ranges of
 * milliseconds since 1970-01-01T00:00:00Z.  A date is a string in
 * strict_date_optional_time (ISO 8601; UTC unless it has an offset) or
 * epoch milliseconds, as a number or a string; anything else is none.
 */
bool krt_any_date_in(struct krt_event *ev, krt_u32 field,
                     const struct krt_i64_range *ranges, krt_u32 n);

/* Some value, as a date, lies in the range of krt_program.dates['date']
 * at the run's clock. */
bool krt_any_date_rel(struct krt_event *ev, krt_u32 field, krt_u32 date);

/* Some value is the boolean 'b' (true, false, "true" or "false"). */
bool krt_any_bool_is(struct krt_event *ev, krt_u32 field, bool b);

/*
 * Text and match_only_text fields: a value is the list of tokens
 * Elasticsearch's standard analyzer makes of its text (words, numbers,
 * ideographs, emoji; lower case), and the strings below are tokens.
 */

/* Some value has a token in the 'n' tokens of the sorted 'set' (match). */
bool krt_any_text_token(struct krt_event *ev, krt_u32 field,
                        const struct krt_str *set, krt_u32 n);

/* Some value has the 'n' tokens of 'phrase' at consecutive positions,
 * in order (match_phrase).  n >= 1. */
bool krt_any_text_phrase(struct krt_event *ev, krt_u32 field,
                         const struct krt_str *phrase, krt_u32 n);

/* Some value has a token that matches the wildcard pattern made of the
 * 'n' parts, as krt_any_kw_wild reads them.  n >= 2. */
bool krt_any_text_wild(struct krt_event *ev, krt_u32 field,
                       const struct krt_str *parts, krt_u32 n);

/*
 * A range of keyword text, compared byte by byte as Lucene compares the
 * terms of a range query (unsigned bytes, a prefix before the longer
 * text); 'bytes' NULL on an open side.
 */
#define KRT_RANGE_LOWER_EXCL 1u /* '>': the lower bound itself is out */
#define KRT_RANGE_UPPER_EXCL 2u /* '<': the upper bound itself is out */

struct krt_str_range {
    struct krt_str lower;
    struct krt_str upper;
    krt_u32 flags;
};

/* Some value's text lies in the range 'r' (keyword-like fields). */
bool krt_any_kw_range(struct krt_event *ev, krt_u32 field,
                      const struct krt_str_range *r);

/*
 * Floating-point fields (double, float, half_float): a value is read as
 * Elasticsearch reads it for the field's type (rounded to binary32 for
 * float, then binary16 for half_float) and held as its key, the sortable
 * bits Lucene compares (-0.0 just below +0.0); the ranges are of keys.
 */
bool krt_any_float_in(struct krt_event *ev, krt_u32 field,
                      const struct krt_i64_range *ranges, krt_u32 n);

/* scaled_float: a value's key is Math.round(value * 'scale'). */
bool krt_any_scaled_in(struct krt_event *ev, krt_u32 field, double scale,
                       const struct krt_i64_range *ranges, krt_u32 n);

/*
 * The field has a value Elasticsearch indexes (f:*): not null, and one
 * its type reads, as the tests above read values; "" is no number.  An
 * object counts, when it holds a non-null scalar, for the types the
 * runtime does not read by type (object, nested, text, ...).
 */
bool krt_exists(struct krt_event *ev, krt_u32 field);

/*
 * A nested query (f:{ query }, Elasticsearch's nested query): whether
 * 'inner' holds for one element of nested field 'field', an object of
 * the array of objects at its path.  While 'inner(ev, ctx)' runs, every
 * test above sees only the values inside that element; inside another
 * nested query, only the elements inside the current one count.  False
 * when the field has no element.
 */
typedef bool (*krt_nested_fn)(struct krt_event *ev, const void *ctx);

bool krt_nested_any(struct krt_event *ev, krt_u32 field, krt_nested_fn inner,
                    const void *ctx);

/*
 * Free text: a value with no field (Kibana's multi_match, lenient, over
 * every field; a query_string for a value with wildcards).  Each leaf
 * value of the event is read as each type its path has: the field's own
 * and those of its multi-fields ('leaves', sorted by path, then type; a
 * path it lacks is a keyword).  For a leaf and a type, the test of that
 * type (its 'type', 'flags' and, for a scaled_float, 'scale') runs with
 * field 'field' holding that one value, read with the leaf's
 * ignore_above and flags; a type with no test means the value is nothing
 * that type reads.
 *
 * With 'under' set, the leaves are those at or below that path only,
 * each read by the first test as its field is (a query on a flattened
 * field itself, which Elasticsearch answers from every leaf below it as
 * a keyword); 'leaves' is then unused.
 */
struct krt_leaf_type {
    const char *path;
    krt_u32 type;
    krt_u32 ignore_above;
    krt_u32 flags;
    double scale;
};

struct krt_free_test {
    krt_u32 type;
    krt_u32 flags;
    double scale;
    krt_u32 field;
    krt_nested_fn test;
    const void *ctx;
};

bool krt_free_any(struct krt_event *ev, const char *under,
                  const struct krt_leaf_type *leaves, krt_u32 nleaves,
                  const struct krt_free_test *tests, krt_u32 ntests);

/* Defined by the generated code. */
extern const struct krt_program krt_program;

#endif
