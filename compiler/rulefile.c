/*
 * rulefile.c - Elastic detection-rules TOML files and bare .kql files
 * into struct rule, and the dispatch to the export loader.
 *
 * The file is read whole into the arena (diagnostics quote its lines and
 * the query's spans point into it), parsed by toml++ through toml_shim,
 * and checked: every fault is reported before the file is rejected.
 */
#include "rulefile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_shim.h"

/* State of one file being loaded. */
struct loader {
    struct arena *a;
    struct diag *d;
    const char *path;
    struct diag_source file;  /* the whole file, base 0 */
    int errors_before;        /* d->nerrors when the file was opened */
};

#define NELEMS(x) (sizeof (x) / sizeof *(x))

/* Types of rule whose query selects events one by one. */
static const char *const query_types[] = {
    "query", "threshold", "new_terms", "threat_match",
};

static const char *const severities[] = {
    "low", "medium", "high", "critical",
};

bool
rulefile_query_type(const char *type)
{
    for (size_t i = 0; i < NELEMS(query_types); i++) {
        if (strcmp(type, query_types[i]) == 0)
            return true;
    }
    return false;
}

bool
rulefile_severity_ok(const char *severity)
{
    for (size_t i = 0; i < NELEMS(severities); i++) {
        if (strcmp(severity, severities[i]) == 0)
            return true;
    }
    return false;
}

const char *
rulefile_display_name(const struct rule *r)
{
    if (r->name)
        return r->name;
    return r->rule_id ? r->rule_id : "(unnamed)";
}

void
rulefile_warn_type(struct diag *d, const struct diag_source *src,
                   struct span at, const struct rule *r)
{
    /* LIMIT(rule types): thresholds, new-terms windows and indicator
     * matches need state across events; the detector alerts on each event
     * the query selects, and says so here. */
    diag_report(d, src, DIAG_NOTE, at, "rule '%s' has type '%s'; only "
                "its query is compiled and every event it selects is an "
                "alert", rulefile_display_name(r), r->type);
}

/* Report that the file cannot be read, with errno's reason. */
static bool
read_failed(struct loader *ld)
{
    diag_plain(ld->d, DIAG_ERROR, "cannot read '%s': %s", ld->path,
               strerror(errno));
    return false;
}

/*
 * Read the file at 'path' into the arena with a NUL after it.  Reports an
 * I/O error and returns false when it cannot be read or is too large for
 * 32-bit spans.
 */
static bool
read_file(struct loader *ld, const char **text, size_t *len)
{
    FILE *f = fopen(ld->path, "rb");
    if (!f)
        return read_failed(ld);
    size_t cap = 8192, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = xrealloc(buf, cap);
    }
    int failed = ferror(f), saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved;
        return read_failed(ld);
    }
    if (n > UINT32_MAX) {
        free(buf);
        diag_plain(ld->d, DIAG_ERROR, "cannot read '%s': file too large",
                   ld->path);
        return false;
    }
    *text = arena_strndup(ld->a, buf, n);
    *len = n;
    free(buf);
    return true;
}

/* Whether errors were reported since the file was opened (warnings
 * promoted to errors included). */
static bool
has_errors(const struct loader *ld)
{
    return ld->d->nerrors > ld->errors_before;
}

/*
 * Byte offset of 1-based 'line' and 'col' (in code points) of the file,
 * clamped to the end of that line; 0 for line 0 (no position).  toml++
 * does not count a byte order mark as a column.
 */
static size_t
offset_at(const struct loader *ld, struct toml_shim_pos p)
{
    const char *t = ld->file.text;
    size_t len = ld->file.len, i = 0;
    if (p.line == 1 && len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (unsigned line = 1; line < p.line && i < len; i++) {
        if (t[i] == '\n')
            line++;
    }
    for (unsigned col = 1; col < p.col && i < len && t[i] != '\n'; col++) {
        i++;
        while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* The bytes of the file node 'n' was written as (its start when 'n' is
 * NULL); never empty. */
static struct span
node_span(const struct loader *ld, const toml_shim_node *n)
{
    size_t start = 0, end = 0;
    if (n) {
        start = offset_at(ld, toml_shim_node_pos(n));
        end = offset_at(ld, toml_shim_node_end(n));
    }
    if (end <= start)
        end = start + 1;
    return span_make((uint32_t)start, (uint32_t)end);
}

/* Report at node 'n' of the file (at its start when 'n' is NULL). */
static void
report(struct loader *ld, const toml_shim_node *n, enum diag_severity sev,
       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(struct loader *ld, const toml_shim_node *n, enum diag_severity sev,
       const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    diag_report(ld->d, &ld->file, sev, node_span(ld, n), "%s", msg);
}

/* toml++'s message, reworded to read as ours: lower case, no period. */
static void
report_syntax(struct loader *ld, const struct toml_shim_error *err)
{
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err->message);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '.' || msg[n - 1] == '\n'))
        msg[--n] = '\0';
    if (msg[0] >= 'A' && msg[0] <= 'Z')
        msg[0] = (char)(msg[0] - 'A' + 'a');

    const char *what = msg, *sep = ": ";
    if (strncmp(msg, "error while ", 12) == 0) {
        what = msg + 6;
        sep = " ";
    }
    if (err->pos.line == 0) {
        diag_plain(ld->d, DIAG_ERROR, "'%s': invalid TOML%s%s", ld->path,
                   sep, what);
        return;
    }
    size_t off = offset_at(ld, err->pos);
    diag_report(ld->d, &ld->file, DIAG_ERROR,
                span_make((uint32_t)off, (uint32_t)off + 1),
                "invalid TOML%s%s", sep, what);
}

/* What 'n' is, as a phrase for messages ("an integer"). */
static const char *
kind_phrase(const toml_shim_node *n)
{
    switch (toml_shim_kind(n)) {
    case TOML_SHIM_NONE: return "nothing";
    case TOML_SHIM_TABLE: return "a table";
    case TOML_SHIM_ARRAY: return "an array";
    case TOML_SHIM_STRING: return "a string";
    case TOML_SHIM_INTEGER: return "an integer";
    case TOML_SHIM_FLOAT: return "a float";
    case TOML_SHIM_BOOLEAN: return "a boolean";
    case TOML_SHIM_DATE: return "a date";
    case TOML_SHIM_TIME: return "a time";
    case TOML_SHIM_DATE_TIME: return "a date-time";
    }
    return "nothing";
}

/*
 * The string at 'key' of 'table' (whose header is 'where' in messages),
 * copied into the arena.  NULL when absent (an error if 'required') or
 * not a string (an error).
 */
static const char *
get_string(struct loader *ld, const toml_shim_node *table, const char *where,
           const char *key, bool required, size_t *lenp)
{
    const toml_shim_node *n = toml_shim_get(table, key);
    const char *s;
    size_t len;
    if (!n) {
        if (required)
            report(ld, table, DIAG_ERROR, "missing key '%s' in '%s'", key,
                   where);
        return NULL;
    }
    if (!toml_shim_string(n, &s, &len)) {
        report(ld, n, DIAG_ERROR, "'%s' must be a string, not %s", key,
               kind_phrase(n));
        return NULL;
    }
    /* Only a query may hold NUL (its length travels with it); any other
     * string is written out as a C string, which would end there. */
    if (!lenp && memchr(s, '\0', len)) {
        report(ld, n, DIAG_ERROR, "'%s' holds a NUL character", key);
        return NULL;
    }
    if (lenp)
        *lenp = len;
    return arena_strndup(ld->a, s, len);
}

/* The strings of the array at 'key' of [rule]; absent is empty. */
static const char **
get_strings(struct loader *ld, const toml_shim_node *rule, const char *key,
            size_t *np)
{
    const toml_shim_node *n = toml_shim_get(rule, key);
    *np = 0;
    if (!n)
        return NULL;
    if (toml_shim_kind(n) != TOML_SHIM_ARRAY) {
        report(ld, n, DIAG_ERROR, "'%s' must be an array of strings, not %s",
               key, kind_phrase(n));
        return NULL;
    }
    size_t count = toml_shim_array_len(n);
    const char **out = arena_alloc(ld->a, (count + 1) * sizeof *out);
    for (size_t i = 0; i < count; i++) {
        const toml_shim_node *e = toml_shim_array_at(n, i);
        const char *s;
        size_t len;
        if (!toml_shim_string(e, &s, &len)) {
            report(ld, e, DIAG_ERROR, "'%s' must be an array of strings; "
                   "element %zu is %s", key, i + 1, kind_phrase(e));
            return NULL;
        }
        out[i] = arena_strndup(ld->a, s, len);
    }
    *np = count;
    return count ? out : NULL;
}

/* The tactic of one [[rule.threat]] entry 't' into 'out'. */
static bool
load_tactic(struct loader *ld, const toml_shim_node *t,
            struct rule_tactic *out)
{
    const char *where = "[rule.threat.tactic]";
    const toml_shim_node *tac = toml_shim_get(t, "tactic");
    if (!tac) {
        report(ld, t, DIAG_ERROR, "missing table 'tactic' in "
               "'[[rule.threat]]'");
        return false;
    }
    if (toml_shim_kind(tac) != TOML_SHIM_TABLE) {
        report(ld, tac, DIAG_ERROR, "'tactic' must be a table, not %s",
               kind_phrase(tac));
        return false;
    }
    int before = ld->d->nerrors;
    out->id = get_string(ld, tac, where, "id", true, NULL);
    out->name = get_string(ld, tac, where, "name", true, NULL);
    out->reference = get_string(ld, tac, where, "reference", false, NULL);
    return ld->d->nerrors == before;
}

/* The tactics of the [[rule.threat]] entries of [rule]. */
static void
load_tactics(struct loader *ld, const toml_shim_node *rule, struct rule *r)
{
    const toml_shim_node *threat = toml_shim_get(rule, "threat");
    if (!threat)
        return;
    if (toml_shim_kind(threat) != TOML_SHIM_ARRAY) {
        report(ld, threat, DIAG_ERROR, "'threat' must be an array of "
               "tables ([[rule.threat]]), not %s", kind_phrase(threat));
        return;
    }
    size_t n = toml_shim_array_len(threat);
    r->tactics = arena_alloc(ld->a, (n + 1) * sizeof *r->tactics);
    for (size_t i = 0; i < n; i++) {
        const toml_shim_node *t = toml_shim_array_at(threat, i);
        if (toml_shim_kind(t) != TOML_SHIM_TABLE) {
            report(ld, t, DIAG_ERROR, "'threat' must be an array of "
                   "tables; element %zu is %s", i + 1, kind_phrase(t));
            continue;
        }
        if (load_tactic(ld, t, &r->tactics[r->ntactics]))
            r->ntactics++;
    }
}

/* A TOML string being decoded, with where each output byte came from. */
struct tdecode {
    const char *t;     /* the file */
    size_t len, i;     /* its length; the read position */
    char *out;
    uint32_t *map;
    size_t n, cap;
};

static void
emit_byte(struct tdecode *td, char c, size_t from)
{
    if (td->n == td->cap) {
        td->cap = td->cap ? td->cap * 2 : 256;
        td->out = xrealloc(td->out, td->cap);
        td->map = xrealloc(td->map, (td->cap + 1) * sizeof *td->map);
    }
    td->out[td->n] = c;
    td->map[td->n++] = (uint32_t)from;
}

/* Append code point 'cp' as UTF-8, every byte mapped to 'from'. */
static void
emit_code_point(struct tdecode *td, unsigned long cp, size_t from)
{
    char b[4];
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
    for (int k = n - 1; k > 0; k--) {
        b[k] = (char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    b[0] = (char)(lead[n] | cp);
    for (int k = 0; k < n; k++)
        emit_byte(td, b[k], from);
}

/* One escape of a basic string at td->i (the backslash); false if bad. */
static bool
decode_escape(struct tdecode *td, bool multiline)
{
    static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
    size_t at = td->i++;
    char c = td->i < td->len ? td->t[td->i] : '\0';
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        emit_byte(td, to[k - from], at);
        td->i++;
        return true;
    }
    if (c == 'u' || c == 'U') {
        size_t digits = c == 'u' ? 4 : 8;
        unsigned long cp = 0;
        for (size_t j = 1; j <= digits; j++) {
            char h = td->i + j < td->len ? td->t[td->i + j] : '\0';
            if (!isxdigit((unsigned char)h))
                return false;
            cp = cp * 16 + (unsigned long)(isdigit((unsigned char)h)
                                           ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        emit_code_point(td, cp, at);
        td->i += digits + 1;
        return true;
    }
    /* A line-ending backslash drops the white space up to the next text. */
    size_t j = td->i;
    while (multiline && j < td->len && (td->t[j] == ' ' || td->t[j] == '\t'))
        j++;
    if (!multiline || j >= td->len || (td->t[j] != '\n' && td->t[j] != '\r'))
        return false;
    while (j < td->len && strchr(" \t\r\n", td->t[j]))
        j++;
    td->i = j;
    return true;
}

/*
 * Decode the TOML string starting at byte 'q' of the file (its opening
 * quote), recording the file offset of each decoded byte.  CR LF inside
 * a multi-line string reads as LF, as toml++ gives it.  False when the
 * text is no string this decoder knows.
 */
static bool
decode_toml_string(struct tdecode *td, size_t q)
{
    const char *t = td->t;
    char quote = t[q];
    bool multi = q + 3 <= td->len && t[q + 1] == quote && t[q + 2] == quote;
    size_t delim = multi ? 3 : 1;
    td->i = q + delim;
    if (multi && td->i < td->len && t[td->i] == '\n')
        td->i++;
    else if (multi && td->i + 1 < td->len && t[td->i] == '\r'
             && t[td->i + 1] == '\n')
        td->i += 2;
    while (td->i < td->len) {
        char c = t[td->i];
        if (c == quote && (!multi || (td->i + 2 < td->len
                                      && t[td->i + 1] == quote
                                      && t[td->i + 2] == quote)))
            break;
        if (c == '\\' && quote == '"') {
            if (!decode_escape(td, multi))
                return false;
        } else if (c == '\r' && multi && td->i + 1 < td->len
                   && t[td->i + 1] == '\n') {
            emit_byte(td, '\n', td->i);
            td->i += 2;
        } else {
            emit_byte(td, c, td->i++);
        }
    }
    if (td->i >= td->len)
        return false;
    emit_byte(td, '\0', td->i);   /* the map's entry one past the end */
    td->n--;
    return true;
}

/*
 * Point r->query_src at the query in the file: each byte of the query is
 * mapped to the byte of the file it was written as, so a diagnostic in
 * the query prints the file's line and column whatever the string's
 * quoting, escapes or line ends.  When the decoding does not give the
 * value toml++ gave, the query alone is shown instead.
 */
static void
locate_query(struct loader *ld, const toml_shim_node *n, struct rule *r)
{
    size_t q = offset_at(ld, toml_shim_node_pos(n));
    struct tdecode td = { .t = ld->file.text, .len = ld->file.len };
    bool ok = q < td.len && (td.t[q] == '\'' || td.t[q] == '"')
        && decode_toml_string(&td, q) && td.n == r->query_len
        && memcmp(td.out, r->query, td.n) == 0;
    if (ok) {
        uint32_t *map = arena_alloc(ld->a, (td.n + 1) * sizeof *map);
        memcpy(map, td.map, (td.n + 1) * sizeof *map);
        r->query_src = ld->file;
        r->query_src.map = map;
        r->query_src.map_len = (uint32_t)td.n;
    } else {
        r->query_src.name = arena_printf(ld->a, "%s (query)", ld->path);
        r->query_src.text = r->query;
        r->query_src.len = r->query_len;
        r->query_src.base = 0;
    }
    free(td.out);
    free(td.map);
}

/*
 * Language and type: KQL rules whose query selects events.  One message
 * for a rule of another language, whatever its type (an EQL rule has type
 * 'eql' too).  Returns false when the rule is of the wrong kind.
 */
static bool
check_kind(struct loader *ld, const toml_shim_node *rule,
           const struct rule *r)
{
    if (r->language && strcmp(r->language, "kuery") != 0) {
        report(ld, toml_shim_get(rule, "language"), DIAG_ERROR,
               "rule '%s' is written in '%s'; kqlc compiles KQL ('kuery') "
               "rules only", rulefile_display_name(r), r->language);
        return false;
    }
    if (!r->type)
        return true;
    if (!rulefile_query_type(r->type)) {
        report(ld, toml_shim_get(rule, "type"), DIAG_ERROR,
               "rule '%s' has type '%s'; kqlc compiles rules of type 'query', "
               "'threshold', 'new_terms' and 'threat_match' only",
               rulefile_display_name(r), r->type);
        return false;
    }
    if (strcmp(r->type, "query") != 0)
        rulefile_warn_type(ld->d, &ld->file,
                           node_span(ld, toml_shim_get(rule, "type")), r);
    return true;
}

/* risk_score: an integer from 0 to 100; -1 when missing or wrong. */
static int
get_risk_score(struct loader *ld, const toml_shim_node *rule)
{
    const toml_shim_node *n = toml_shim_get(rule, "risk_score");
    long long v;
    if (!n) {
        report(ld, rule, DIAG_ERROR, "missing key 'risk_score' in '[rule]'");
        return -1;
    }
    if (!toml_shim_integer(n, &v)) {
        report(ld, n, DIAG_ERROR, "'risk_score' must be an integer, not %s",
               kind_phrase(n));
        return -1;
    }
    if (v < 0 || v > 100) {
        report(ld, n, DIAG_ERROR, "'risk_score' is %lld; expected 0 to 100",
               v);
        return -1;
    }
    return (int)v;
}

/* The keys of [rule] into 'r', reporting what is missing or wrong. */
static void
load_keys(struct loader *ld, const toml_shim_node *rule, struct rule *r)
{
    const char *w = "[rule]";
    r->name = get_string(ld, rule, w, "name", true, NULL);
    r->rule_id = get_string(ld, rule, w, "rule_id", true, NULL);
    r->type = get_string(ld, rule, w, "type", true, NULL);
    r->language = get_string(ld, rule, w, "language", true, NULL);
    r->severity = get_string(ld, rule, w, "severity", true, NULL);
    r->risk_score = get_risk_score(ld, rule);
    r->description = get_string(ld, rule, w, "description", false, NULL);
    r->index = get_strings(ld, rule, "index", &r->nindex);
    r->tags = get_strings(ld, rule, "tags", &r->ntags);
    load_tactics(ld, rule, r);

    if (r->severity && !rulefile_severity_ok(r->severity)) {
        report(ld, toml_shim_get(rule, "severity"), DIAG_ERROR,
               "'severity' is '%s'; expected 'low', 'medium', 'high' or "
               "'critical'", r->severity);
    }
}

/* A record with what every record of the file has, nothing else. */
static struct rule *
new_rule(struct loader *ld)
{
    struct rule *r = arena_alloc(ld->a, sizeof *r);
    r->path = arena_strdup(ld->a, ld->path);
    r->file = ld->file;
    r->at = span_make(0, 0);
    r->line = 1;
    return r;
}

/* The rule of the parsed document 'root' into 'r'; false after reporting
 * why it is none. */
static bool
load_rule(struct loader *ld, const toml_shim_node *root, struct rule *r)
{
    const toml_shim_node *rule = toml_shim_get(root, "rule");
    if (!rule) {
        report(ld, NULL, DIAG_ERROR, "missing table '[rule]'; expected an "
               "Elastic detection rule");
        return false;
    }
    if (toml_shim_kind(rule) != TOML_SHIM_TABLE) {
        report(ld, rule, DIAG_ERROR, "'rule' must be a table, not %s",
               kind_phrase(rule));
        return false;
    }

    load_keys(ld, rule, r);
    if (r->rule_id)
        r->at = node_span(ld, toml_shim_get(rule, "rule_id"));
    if (check_kind(ld, rule, r)) {
        r->query = get_string(ld, rule, "[rule]", "query", true,
                              &r->query_len);
        if (r->query)
            locate_query(ld, toml_shim_get(rule, "query"), r);
    }
    return !has_errors(ld);
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * A bare .kql file: the whole file is the query, the file's name (less
 * its directory and extension) is the rule's name and id.  Diagnostics
 * point into the file itself.
 */
static struct rule *
load_kql(struct loader *ld, const char *text, size_t len)
{
    struct rule *r = new_rule(ld);
    const char *base = strrchr(ld->path, '/');
    base = base ? base + 1 : ld->path;
    r->name = arena_strndup(ld->a, base, strlen(base) - strlen(".kql"));
    r->rule_id = r->name;
    r->severity = "none";
    r->type = "query";
    r->language = "kuery";
    r->query = text;
    r->query_len = len;
    r->query_src = ld->file;
    return r;
}

/* A TOML rule file: one record. */
static enum rulefile_status
load_toml(struct loader *ld, rulefile_fn fn, void *ctx)
{
    struct toml_shim_error err;
    struct rule *r = new_rule(ld);
    toml_shim_doc *doc = toml_shim_parse(ld->file.text, ld->file.len,
                                         ld->path, &err);
    if (!doc) {
        if (err.out_of_memory)
            arena_oom();
        report_syntax(ld, &err);
        fn(ctx, RULEFILE_BAD, r);
        return RULEFILE_REJECTED;
    }
    bool ok = load_rule(ld, toml_shim_root(doc), r);
    toml_shim_free(doc);
    fn(ctx, ok ? RULEFILE_RULE : RULEFILE_BAD, r);
    return ok ? RULEFILE_OK : RULEFILE_REJECTED;
}

enum rulefile_status
rulefile_each(struct arena *a, struct diag *d, const char *path,
              rulefile_fn fn, void *ctx)
{
    struct loader ld = { .a = a, .d = d, .path = path,
                         .errors_before = d->nerrors };
    const char *text;
    size_t len;

    if (!read_file(&ld, &text, &len))
        return RULEFILE_IO_ERROR;
    return rulefile_each_text(a, d, path, text, len, fn, ctx);
}

enum rulefile_status
rulefile_each_text(struct arena *a, struct diag *d, const char *path,
                   const char *text, size_t len, rulefile_fn fn, void *ctx)
{
    struct loader ld = { .a = a, .d = d, .path = path,
                         .errors_before = d->nerrors };

    if (len > UINT32_MAX) {
        diag_plain(d, DIAG_ERROR, "cannot read '%s': file too large", path);
        return RULEFILE_IO_ERROR;
    }
    ld.file.name = path;
    ld.file.text = text;
    ld.file.len = len;
    ld.file.base = 0;
    if (ends_with(path, ".ndjson") || ends_with(path, ".json"))
        return rulefile_ndjson(a, d, &ld.file, fn, ctx);
    if (ends_with(path, ".kql")) {
        fn(ctx, RULEFILE_RULE, load_kql(&ld, text, len));
        return RULEFILE_OK;
    }
    return load_toml(&ld, fn, ctx);
}

/* Where rulefile_read keeps the rules. */
struct keep {
    struct arena *a;
    struct ptrvec *rules;
};

static void
keep_rule(void *ctx, enum rulefile_record what, struct rule *r)
{
    struct keep *keep = ctx;
    if (what == RULEFILE_RULE)
        ptrvec_push(keep->a, keep->rules, r);
}

enum rulefile_status
rulefile_read(struct arena *a, struct diag *d, const char *path,
              struct ptrvec *rules)
{
    struct keep keep = { a, rules };
    return rulefile_each(a, d, path, keep_rule, &keep);
}

bool
rulefile_load(struct arena *a, struct diag *d, const char *path,
              struct ptrvec *rules)
{
    return rulefile_read(a, d, path, rules) == RULEFILE_OK;
}
