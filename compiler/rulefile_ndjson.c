/*
 * rulefile_ndjson.c - Kibana rule exports (NDJSON) into struct rule.
 *
 * Each line is one JSON object, parsed with jansson.  jansson gives
 * values but no positions, so once it has accepted a line a small walk
 * of the line finds where each top-level member's value is written:
 * messages about a key point at its value, and the query, decoded again
 * byte by byte, maps each of its bytes to the byte of the file it was
 * written as (an escape maps to its backslash).  A bad line is reported
 * and skipped; the others still load.  A file that is one JSON object
 * as a whole (a rule written over many lines) is one record.
 */
#include "rulefile.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NELEMS(x) (sizeof (x) / sizeof *(x))

/* Types of rule that hold no KQL query, whatever their language says. */
static const char *const other_types[] = {
    "eql", "esql", "machine_learning",
};

/* A top-level member of a line's object: its key, decoded, and the bytes
 * of the file its value is written as. */
struct member {
    const char *key;
    size_t key_len;
    struct span value;
};

/* The record being loaded, a line (or the whole file): 'start' and 'end'
 * are file offsets of its text without the line end, 'no' the line it
 * starts on; the members live in the arena. */
struct line {
    unsigned no;
    size_t start, end;
    json_t *obj;
    struct member *members;
    size_t nmembers;
};

/* State of one export being loaded. */
struct export {
    struct arena *a;
    struct diag *d;
    const struct diag_source *file;
    rulefile_fn fn;
    void *ctx;
    bool bad;       /* some record was rejected */
    size_t records; /* records handed on */
};

/* ------------------------------------------------ JSON text, by hand */

/* A JSON string being decoded, with where each output byte came from. */
struct jdecode {
    char *out;
    uint32_t *map;
    size_t n, cap;
};

static void
put_bytes(struct jdecode *jd, const char *b, size_t n, size_t from)
{
    for (size_t k = 0; k < n; k++) {
        if (jd->n == jd->cap) {
            jd->cap = jd->cap ? jd->cap * 2 : 256;
            jd->out = xrealloc(jd->out, jd->cap);
            jd->map = xrealloc(jd->map, (jd->cap + 1) * sizeof *jd->map);
        }
        jd->out[jd->n] = b[k];
        jd->map[jd->n++] = (uint32_t)from;
    }
}

/* The four hex digits at 't' as a number; -1 when they are not. */
static long
hex4(const char *t, size_t avail)
{
    long v = 0;
    if (avail < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char h = t[k];
        int digit = h >= '0' && h <= '9' ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (digit < 0)
            return -1;
        v = v * 16 + digit;
    }
    return v;
}

/* The escape at t[*i] (its backslash) into 'jd'; false if malformed. */
static bool
decode_escape(struct jdecode *jd, const char *t, size_t *i, size_t end)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    size_t at = *i;
    char c = at + 1 < end ? t[at + 1] : '\0';
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        put_bytes(jd, &to[k - from], 1, at);
        *i = at + 2;
        return true;
    }
    long cp = c == 'u' ? hex4(t + at + 2, end - at - 2) : -1;
    if (cp < 0)
        return false;
    *i = at + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && *i + 1 < end && t[*i] == '\\'
        && t[*i + 1] == 'u') {
        long lo = hex4(t + *i + 2, end - *i - 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            *i += 6;
        }
    }
    char buf[4];
    put_bytes(jd, buf, text_utf8_encode((uint32_t)cp, buf), at);
    return true;
}

/*
 * Decode the JSON string whose opening quote is t[q], stopping before
 * 'end', into 'jd' with the offset of each byte (and, one past the end,
 * of the closing quote).  False when it is no well-formed string.
 */
static bool
decode_string(struct jdecode *jd, const char *t, size_t q, size_t end)
{
    size_t i = q + 1;
    while (i < end && t[i] != '"') {
        if (t[i] != '\\') {
            put_bytes(jd, &t[i], 1, i);
            i++;
        } else if (!decode_escape(jd, t, &i, end)) {
            return false;
        }
    }
    if (i >= end)
        return false;
    put_bytes(jd, "", 1, i);  /* the map's entry one past the end */
    jd->n--;
    return true;
}

static size_t
skip_space(const char *t, size_t i, size_t end)
{
    while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n'
                       || t[i] == '\r'))
        i++;
    return i;
}

/* Past the string whose opening quote is t[i]. */
static size_t
skip_string(const char *t, size_t i, size_t end)
{
    for (i++; i < end && t[i] != '"'; i++) {
        if (t[i] == '\\')
            i++;
    }
    return i < end ? i + 1 : end;
}

/* Past the value starting at t[i] (of a line jansson accepted). */
static size_t
skip_value(const char *t, size_t i, size_t end)
{
    int depth = 0;
    if (i < end && t[i] == '"')
        return skip_string(t, i, end);
    if (i >= end || (t[i] != '{' && t[i] != '[')) {
        while (i < end && !strchr(",}] \t\r\n", t[i]))
            i++;
        return i;
    }
    while (i < end) {
        if (t[i] == '"') {
            i = skip_string(t, i, end);
            continue;
        }
        if (t[i] == '{' || t[i] == '[')
            depth++;
        else if ((t[i] == '}' || t[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return end;
}

/* Record where each top-level member of the line's object is written. */
static void
find_members(struct export *ex, struct line *ln)
{
    const char *t = ex->file->text;
    size_t i = skip_space(t, ln->start, ln->end) + 1;  /* past the '{' */
    size_t cap = json_object_size(ln->obj);
    ln->members = arena_alloc(ex->a, (cap + 1) * sizeof *ln->members);
    ln->nmembers = 0;
    for (i = skip_space(t, i, ln->end); i < ln->end && t[i] == '"';) {
        struct jdecode key = { 0 };
        size_t key_end = skip_string(t, i, ln->end);
        bool ok = decode_string(&key, t, i, key_end);
        i = skip_space(t, skip_space(t, key_end, ln->end) + 1, ln->end);
        size_t vend = skip_value(t, i, ln->end);
        if (ok && ln->nmembers < cap) {
            struct member *m = &ln->members[ln->nmembers++];
            m->key = arena_strndup(ex->a, key.out ? key.out : "", key.n);
            m->key_len = key.n;
            m->value = span_make((uint32_t)i, (uint32_t)vend);
        }
        free(key.out);
        free(key.map);
        i = skip_space(t, skip_space(t, vend, ln->end) + 1, ln->end);
    }
}

/* The line's opening brace. */
static struct span
brace_span(const struct export *ex, const struct line *ln)
{
    size_t brace = skip_space(ex->file->text, ln->start, ln->end);
    return span_make((uint32_t)brace, (uint32_t)brace + 1);
}

/* Where the value of 'key' is written; the line's '{' when it is not. */
static struct span
value_span(const struct export *ex, const struct line *ln, const char *key)
{
    for (size_t k = 0; k < ln->nmembers; k++) {
        const struct member *m = &ln->members[k];
        if (m->key_len == strlen(key) && !memcmp(m->key, key, m->key_len))
            return m->value;
    }
    return brace_span(ex, ln);
}

/* ---------------------------------------------------------- messages */

static void
report(struct export *ex, struct span at, enum diag_severity sev,
       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(struct export *ex, struct span at, enum diag_severity sev,
       const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_report(ex->d, ex->file, sev, at, "%s", msg);
}

/*
 * jansson's message, at its place in the line.  jansson's position is
 * the byte after the token it stopped at, and its text ends with that
 * token ("near 'tru'"): the span covers the token when it can.
 */
static void
report_json_error(struct export *ex, const struct line *ln,
                  const json_error_t *err)
{
    size_t end = ln->start + (err->position > 0 ? (size_t)err->position : 0);
    if (end > ln->end)
        end = ln->end;
    size_t start = end;
    const char *near = strstr(err->text, " near '");
    if (near) {
        size_t token = strlen(near) - strlen(" near ''");
        start = token < end - ln->start ? end - token : ln->start;
    }
    /* At the end of the line, the caret stands just past it. */
    if (start == end)
        end = start + 1;
    report(ex, span_make((uint32_t)start, (uint32_t)end), DIAG_ERROR,
           "invalid JSON: %s", err->text);
}

/* What a JSON value is, as a phrase for messages ("an integer"). */
static const char *
json_phrase(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "nothing";
}

/* ------------------------------------------------------------- values */

/*
 * The string 'v' (at 'at', named 'key' in messages) copied into the
 * arena; NULL after an error when it is no string or holds a NUL.
 */
static const char *
string_value(struct export *ex, const json_t *v, struct span at,
             const char *key)
{
    if (!json_is_string(v)) {
        report(ex, at, DIAG_ERROR, "'%s' must be a string, not %s", key,
               json_phrase(v));
        return NULL;
    }
    size_t len = json_string_length(v);
    if (memchr(json_string_value(v), '\0', len)) {
        report(ex, at, DIAG_ERROR, "'%s' holds a NUL character", key);
        return NULL;
    }
    return arena_strndup(ex->a, json_string_value(v), len);
}

/* The string at 'key'; NULL when absent (an error if 'required'). */
static const char *
get_string(struct export *ex, const struct line *ln, const char *key,
           bool required)
{
    const json_t *v = json_object_get(ln->obj, key);
    if (!v) {
        if (required)
            report(ex, value_span(ex, ln, key), DIAG_ERROR,
                   "missing key '%s' in the rule", key);
        return NULL;
    }
    return string_value(ex, v, value_span(ex, ln, key), key);
}

/* The strings of the array at 'key'; absent is empty. */
static const char **
get_strings(struct export *ex, const struct line *ln, const char *key,
            size_t *np)
{
    const json_t *v = json_object_get(ln->obj, key);
    struct span at = value_span(ex, ln, key);
    *np = 0;
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        report(ex, at, DIAG_ERROR, "'%s' must be an array of strings, not "
               "%s", key, json_phrase(v));
        return NULL;
    }
    size_t count = json_array_size(v);
    const char **out = arena_alloc(ex->a, (count + 1) * sizeof *out);
    for (size_t i = 0; i < count; i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_string(e)) {
            report(ex, at, DIAG_ERROR, "'%s' must be an array of strings; "
                   "element %zu is %s", key, i + 1, json_phrase(e));
            return NULL;
        }
        out[i] = string_value(ex, e, at, key);
        if (!out[i])
            return NULL;
    }
    *np = count;
    return count ? out : NULL;
}

/* risk_score: an integer from 0 to 100; -1 when missing or wrong. */
static int
get_risk_score(struct export *ex, const struct line *ln)
{
    const json_t *v = json_object_get(ln->obj, "risk_score");
    struct span at = value_span(ex, ln, "risk_score");
    if (!v) {
        report(ex, at, DIAG_ERROR, "missing key 'risk_score' in the rule");
        return -1;
    }
    if (!json_is_integer(v)) {
        report(ex, at, DIAG_ERROR, "'risk_score' must be an integer, not %s",
               json_phrase(v));
        return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > 100) {
        report(ex, at, DIAG_ERROR, "'risk_score' is %lld; expected 0 to 100",
               (long long)n);
        return -1;
    }
    return (int)n;
}

/* The tactic of element 'i' (from 0) of 'threat', 't', into 'out'. */
static bool
load_tactic(struct export *ex, const json_t *t, size_t i, struct span at,
            struct rule_tactic *out)
{
    const json_t *tac = json_is_object(t) ? json_object_get(t, "tactic")
                                          : NULL;
    if (!json_is_object(t) || !json_is_object(tac)) {
        report(ex, at, DIAG_ERROR, "'threat' element %zu must be an object "
               "with an object 'tactic'", i + 1);
        return false;
    }
    const json_t *id = json_object_get(tac, "id");
    const json_t *name = json_object_get(tac, "name");
    const json_t *ref = json_object_get(tac, "reference");
    if (!json_is_string(id) || !json_is_string(name)
        || (ref && !json_is_string(ref))) {
        report(ex, at, DIAG_ERROR, "the tactic of 'threat' element %zu "
               "must have a string 'id' and 'name'", i + 1);
        return false;
    }
    out->id = string_value(ex, id, at, "id");
    out->name = string_value(ex, name, at, "name");
    out->reference = ref ? string_value(ex, ref, at, "reference") : NULL;
    return out->id && out->name && (!ref || out->reference);
}

/* The tactics of the rule's 'threat' array. */
static void
load_tactics(struct export *ex, const struct line *ln, struct rule *r)
{
    const json_t *threat = json_object_get(ln->obj, "threat");
    struct span at = value_span(ex, ln, "threat");
    if (!threat)
        return;
    if (!json_is_array(threat)) {
        report(ex, at, DIAG_ERROR, "'threat' must be an array of objects, "
               "not %s", json_phrase(threat));
        return;
    }
    size_t n = json_array_size(threat);
    r->tactics = arena_alloc(ex->a, (n + 1) * sizeof *r->tactics);
    for (size_t i = 0; i < n; i++) {
        if (load_tactic(ex, json_array_get(threat, i), i, at,
                        &r->tactics[r->ntactics]))
            r->ntactics++;
    }
}

/*
 * Point r->query_src at the query in the file, each byte of the query
 * mapped to the byte of the file it was written as.  Should the decoding
 * not give jansson's value, the query alone is shown instead.
 */
static void
locate_query(struct export *ex, const struct line *ln, struct rule *r)
{
    struct span at = value_span(ex, ln, "query");
    const char *t = ex->file->text;
    struct jdecode jd = { 0 };
    bool ok = t[at.start] == '"' && decode_string(&jd, t, at.start, at.end)
        && jd.n == r->query_len && memcmp(jd.out, r->query, jd.n) == 0;
    if (ok) {
        uint32_t *map = arena_alloc(ex->a, (jd.n + 1) * sizeof *map);
        memcpy(map, jd.map, (jd.n + 1) * sizeof *map);
        r->query_src = *ex->file;
        r->query_src.map = map;
        r->query_src.map_len = (uint32_t)jd.n;
    } else {
        r->query_src.name = arena_printf(ex->a, "%s:%u (query)", r->path,
                                         ln->no);
        r->query_src.text = r->query;
        r->query_src.len = r->query_len;
        r->query_src.base = 0;
    }
    free(jd.out);
    free(jd.map);
}

/* The query: a string that may hold NUL (its length travels with it). */
static void
load_query(struct export *ex, const struct line *ln, struct rule *r)
{
    const json_t *v = json_object_get(ln->obj, "query");
    struct span at = value_span(ex, ln, "query");
    if (!v) {
        report(ex, at, DIAG_ERROR, "missing key 'query' in the rule");
        return;
    }
    if (!json_is_string(v)) {
        report(ex, at, DIAG_ERROR, "'query' must be a string, not %s",
               json_phrase(v));
        return;
    }
    r->query_len = json_string_length(v);
    r->query = arena_strndup(ex->a, json_string_value(v), r->query_len);
    locate_query(ex, ln, r);
}

/* ------------------------------------------------------------- rules */

static bool
one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, set[i]) == 0)
            return true;
    }
    return false;
}

/*
 * Whether the rule is one kqlc compiles, by its language and type (both
 * read already).  A rule in another language, or of a type with no KQL
 * query, is skipped with a note (RULEFILE_SKIPPED); an unknown type is
 * an error (RULEFILE_BAD).
 */
static enum rulefile_record
classify(struct export *ex, const struct line *ln, const struct rule *r)
{
    const char *name = rulefile_display_name(r);
    /* LIMIT(rule languages): EQL, ES|QL, Lucene and machine learning
     * rules are not KQL and kqlc does not compile them; an export mixes
     * them with KQL rules, so each is skipped with a note and the KQL
     * rules still compile. */
    if (r->language && strcmp(r->language, "kuery") != 0) {
        report(ex, value_span(ex, ln, "language"), DIAG_NOTE, "rule '%s' "
               "skipped: not KQL (language '%s')", name, r->language);
        return RULEFILE_SKIPPED;
    }
    if (one_of(r->type, other_types, NELEMS(other_types))) {
        report(ex, value_span(ex, ln, "type"), DIAG_NOTE, "rule '%s' "
               "skipped: not KQL (type '%s')", name, r->type);
        return RULEFILE_SKIPPED;
    }
    if (!rulefile_query_type(r->type)) {
        report(ex, value_span(ex, ln, "type"), DIAG_ERROR, "rule '%s' has "
               "type '%s'; kqlc compiles rules of type 'query', "
               "'threshold', 'new_terms' and 'threat_match' only", name,
               r->type);
        return RULEFILE_BAD;
    }
    return RULEFILE_RULE;
}

/*
 * LIMIT(exceptions and filters): a rule's exception lists and its
 * query DSL filters narrow what Kibana alerts on; kqlc compiles the
 * query alone, so it alerts on every event they would drop, and warns.
 */
static void
warn_unapplied(struct export *ex, const struct line *ln,
               const struct rule *r)
{
    static const char *const keys[] = { "exceptions_list", "filters" };
    static const char *const what[] = { "exception lists", "filters" };
    for (size_t k = 0; k < NELEMS(keys); k++) {
        const json_t *v = json_object_get(ln->obj, keys[k]);
        if (json_is_array(v) && json_array_size(v) > 0)
            report(ex, value_span(ex, ln, keys[k]), DIAG_WARNING,
                   "rule '%s' has %s; kqlc does not apply them and alerts "
                   "on the events they exclude", rulefile_display_name(r),
                   what[k]);
    }
}

/* The keys of a rule of a kind kqlc compiles. */
static void
load_keys(struct export *ex, const struct line *ln, struct rule *r)
{
    r->severity = get_string(ex, ln, "severity", true);
    r->risk_score = get_risk_score(ex, ln);
    r->description = get_string(ex, ln, "description", false);
    r->index = get_strings(ex, ln, "index", &r->nindex);
    r->tags = get_strings(ex, ln, "tags", &r->ntags);
    load_tactics(ex, ln, r);
    if (r->severity && !rulefile_severity_ok(r->severity))
        report(ex, value_span(ex, ln, "severity"), DIAG_ERROR,
               "'severity' is '%s'; expected 'low', 'medium', 'high' or "
               "'critical'", r->severity);
    if (!r->language)
        report(ex, value_span(ex, ln, "language"), DIAG_ERROR,
               "missing key 'language' in the rule");
    load_query(ex, ln, r);
    if (strcmp(r->type, "query") != 0)
        rulefile_warn_type(ex->d, ex->file, value_span(ex, ln, "type"), r);
    warn_unapplied(ex, ln, r);
}

/* The rule object of line 'ln' into 'r': what kind of record it is. */
static enum rulefile_record
load_rule(struct export *ex, const struct line *ln, struct rule *r)
{
    int errors = ex->d->nerrors;
    r->name = get_string(ex, ln, "name", true);
    r->rule_id = get_string(ex, ln, "rule_id", true);
    r->type = get_string(ex, ln, "type", true);
    r->language = get_string(ex, ln, "language", false);
    if (r->rule_id)
        r->at = value_span(ex, ln, "rule_id");
    if (ex->d->nerrors > errors)
        return RULEFILE_BAD;
    enum rulefile_record what = classify(ex, ln, r);
    if (what != RULEFILE_RULE)
        return what;
    load_keys(ex, ln, r);
    return ex->d->nerrors > errors ? RULEFILE_BAD : RULEFILE_RULE;
}

/*
 * Objects an export carries that are no rules: its summary, which ends
 * it (skipped silently), exception lists and their items, and action
 * connectors (skipped with a note).  False for anything else.
 */
static bool
not_a_rule(struct export *ex, const struct line *ln)
{
    const json_t *o = ln->obj;
    const char *what = NULL;
    if (json_object_get(o, "rule_id"))
        return false;
    if (json_object_get(o, "exported_count"))
        return true;
    if (json_object_get(o, "list_id"))
        what = json_object_get(o, "item_id") ? "an exception list item"
                                              : "an exception list";
    const json_t *type = json_object_get(o, "type");
    if (json_object_get(o, "attributes") && json_is_string(type)
        && strcmp(json_string_value(type), "action") == 0)
        what = "an action connector";
    if (!what)
        return false;
    report(ex, brace_span(ex, ln), DIAG_NOTE, "%s, not a rule: skipped",
           what);
    return true;
}

/* Whether object 'o' has any of the keys that make a rule. */
static bool
has_rule_key(const json_t *o)
{
    static const char *const keys[] = { "rule_id", "name", "type", "query" };
    for (size_t k = 0; k < NELEMS(keys); k++) {
        if (json_object_get(o, keys[k]))
            return true;
    }
    return false;
}

/* One non-blank line: parse it and hand its record on. */
static void
load_line(struct export *ex, struct line *ln)
{
    const char *t = ex->file->text;
    struct rule *r = arena_alloc(ex->a, sizeof *r);
    json_error_t err;
    r->path = ex->file->name;
    r->file = *ex->file;
    r->line = ln->no;
    r->at = span_make((uint32_t)ln->start, (uint32_t)ln->start);

    ln->obj = json_loadb(t + ln->start, ln->end - ln->start,
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    enum rulefile_record what = RULEFILE_BAD;
    if (!ln->obj) {
        report_json_error(ex, ln, &err);
    } else if (!json_is_object(ln->obj)) {
        report(ex, span_make((uint32_t)ln->start, (uint32_t)ln->start + 1),
               DIAG_ERROR, "expected a rule (a JSON object), not %s",
               json_phrase(ln->obj));
    } else {
        find_members(ex, ln);
        if (not_a_rule(ex, ln))
            goto out_json;
        if (has_rule_key(ln->obj))
            what = load_rule(ex, ln, r);
        else
            report(ex, brace_span(ex, ln), DIAG_ERROR, "expected a "
                   "rule: an object with 'rule_id', 'name', 'type' and "
                   "'query'");
    }
    if (what == RULEFILE_BAD)
        ex->bad = true;
    ex->records++;
    ex->fn(ex->ctx, what, r);
out_json:
    json_decref(ln->obj);
}

/*
 * A file that is one JSON value as a whole, from byte 'i', is one record:
 * a rule written over many lines (as a rule's API answer is), or one
 * error.  False when the file is no single JSON value, to be read a line
 * at a time.
 */
static bool
load_whole(struct export *ex, size_t i)
{
    const struct diag_source *file = ex->file;
    json_t *all = json_loadb(file->text + i, file->len - i,
                             JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (!all)
        return false;
    struct line ln = { .start = skip_space(file->text, i, file->len),
                       .end = file->len };
    unsigned col;
    diag_line_col(file->text, file->len, ln.start, &ln.no, &col);
    json_decref(all);
    load_line(ex, &ln);
    return true;
}

/* The file from byte 'i', one record a non-blank line. */
static void
load_lines(struct export *ex, size_t i)
{
    const char *t = ex->file->text;
    for (unsigned no = 1; i < ex->file->len; no++) {
        const char *nl = memchr(t + i, '\n', ex->file->len - i);
        struct line ln = { .no = no, .start = i };
        ln.end = nl ? (size_t)(nl - t) : ex->file->len;
        i = ln.end + 1;
        if (ln.end > ln.start && t[ln.end - 1] == '\r')
            ln.end--;
        if (skip_space(t, ln.start, ln.end) < ln.end)
            load_line(ex, &ln);
    }
}

enum rulefile_status
rulefile_ndjson(struct arena *a, struct diag *d,
                const struct diag_source *file, rulefile_fn fn, void *ctx)
{
    struct export ex = { .a = a, .d = d, .file = file, .fn = fn,
                         .ctx = ctx };
    size_t i = 0;
    if (file->len >= 3 && memcmp(file->text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (!load_whole(&ex, i))
        load_lines(&ex, i);
    if (ex.records == 0 && !ex.bad)
        diag_plain(d, DIAG_WARNING, "'%s' holds no rule", file->name);
    return ex.bad ? RULEFILE_REJECTED : RULEFILE_OK;
}
