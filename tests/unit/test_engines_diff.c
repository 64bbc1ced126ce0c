/*
 * test_engines_diff.c - the three engines give one answer.
 *
 * A seeded generator writes random KQL queries over the whole grammar and
 * the field types kqlc types (keyword, constant_keyword, long, ip,
 * boolean, date, unknown fields) and random events (nested, dotted and
 * mixed keys, arrays, arrays of objects, missing and null fields, numbers
 * as strings, escapes, values of the wrong type, dates with and without
 * offsets, epoch milliseconds as numbers and strings).  Date values are
 * absolute, date math, or ranges, some reading the clock, which is NOW in
 * all three engines.  Text fields (and a text multi-field beside its
 * keyword parent) get words, phrases and wildcards in queries, and
 * sentences with punctuation, case, scripts, emoji and overlong tokens
 * in events.  Floating-point fields (float, double, scaled_float from
 * ECS; half_float and a scaled_float of factor 3.3 from a mapping) get
 * numbers in Java's syntax, signed zeros, NaN and infinities, terms and
 * ranges; keyword and boolean fields get ranges too.  Field names are
 * sometimes patterns ("*.port", "email.subjec*"), expanded against ECS
 * and the mapping.
 * All queries become the rules of one program, which
 * runs three ways: the native detector built with cc, the JIT, and the
 * interpreter.  Every (query, event) verdict must agree.  The detector
 * evaluates a rule only on the events its gates select (krt_select.h)
 * while the other two ask every rule here, and every rule the JIT or the
 * interpreter matches must be one the gates of their programs select.
 * KQLC_DIFF_ROUNDS sets the number of rounds (make fuzz-diff runs many)
 * and KQLC_DIFF_SEED the first seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver.h"
#include "emit.h"
#include "interp.h"
#include "jit.h"
#include "krt_date.h"
#include "krt_run.h"
#include "krt_select.h"
#include "mapping.h"

#define NQUERIES 60
#define NEVENTS 60
/* The clock of every engine: 2024-01-03T12:00:00Z. */
#define NOW 1704283200000LL
#define NOW_TEXT "1704283200000"

/* ------------------------------------------------------------ random */

static uint64_t rng_state;

static uint64_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t
pick(size_t n)
{
    return (size_t)(rng() % n);
}

static bool
chance(unsigned percent)
{
    return pick(100) < percent;
}

#define PICK(arr) ((arr)[pick(sizeof(arr) / sizeof((arr)[0]))])

/* A growable string. */
struct buf {
    char *s;
    size_t len, cap;
};

static void
put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ------------------------------------------------------------ fields */

/* K_TEXT: text and match_only_text; K_SUB: a text multi-field, whose
 * values events hold at its parent's path; K_CMD: that parent, a keyword
 * field (ignore_above 1024, which its multi-field ignores) whose values
 * are sentences. */
enum kind { K_KW, K_LONG, K_IP, K_BOOL, K_DATE, K_TEXT, K_SUB, K_CMD,
             K_NUM };

static const struct {
    const char *path;
    enum kind kind;
} fields[] = {
    { "event.category", K_KW },
    { "network.transport", K_KW },
    { "process.name", K_KW },
    { "data_stream.dataset", K_KW },   /* constant_keyword */
    { "custom.tag", K_KW },            /* unknown: read as keyword */
    { "destination.port", K_LONG },
    { "source.port", K_LONG },
    { "process.pid", K_LONG },
    { "source.ip", K_IP },
    { "destination.ip", K_IP },
    { "client.ip", K_IP },
    { "process.interactive", K_BOOL },
    { "tls.established", K_BOOL },
    { "file.mtime", K_DATE },
    { "package.installed", K_DATE },
    { "message", K_TEXT },
    { "error.message", K_TEXT },
    { "email.subject", K_CMD },
    { "email.subject.text", K_SUB },
    { "event.risk_score", K_NUM },            /* float */
    { "gen_ai.request.temperature", K_NUM },  /* double */
    { "host.cpu.usage", K_NUM },              /* scaled_float, 1000 */
    { "custom.half", K_NUM },                 /* half_float (mapping) */
    { "custom.scaled", K_NUM },               /* scaled_float, 3.3 */
};

/* The mapping that types the custom.* fields above but custom.tag. */
static const char test_mapping[] =
    "{\"idx\":{\"mappings\":{\"properties\":{\"custom\":{\"properties\":{"
    "\"half\":{\"type\":\"half_float\"},"
    "\"scaled\":{\"type\":\"scaled_float\",\"scaling_factor\":3.3}}}}}}}";
static struct mapping *mapping;

/* Numbers in queries: Java's syntax, signed zeros, rounding edges (no
 * infinity: a scaled_float refuses it, as BigDecimal does). */
static const char *const nums_query[] = {
    "0.1", "0", "-0", "\"-0.0\"", "0.5", "0.0005", "0.0004", "79.99", "1",
    "-1", "65504", "65519", "1e-8", "0x1p-1", "\" 0.5 \"", "0.5f", "1e39",
    "3.4028235e38", "0.30000000000000004", "0.3", "1e300", "-1e300",
    "1.0000000596046448",
};
/* Numbers in events, with words, booleans and nulls. */
static const char *const nums_event[] = {
    "0.1", "\"0.1\"", "-0", "-0.0", "\"-0\"", "0", "0.5", "\" 0.5d \"",
    "\"0x1p-1\"", "1e39", "65519", "65520", "0.0005", "0.0004", "79.99",
    "\"NaN\"", "\"Infinity\"", "\"\"", "true", "null", "1e-8", "-1", "1",
    "0.3", "0.30000000000000004", "\"1.0000000596046448\"", "\"x\"",
    "1e400", "0.1e1",
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* Keyword values, as decoded text. */
static const char *const words[] = {
    "tcp", "udp", "TCP", "network", "network_traffic", "zeek.smtp", "a b",
    "", "\xc3\xa9t\xc3\xa9", "x*y", "q\"uote", "back\\slash", "26", "cmd.exe",
};
static const char *const longs_query[] = {
    "26", "026", "26.0", "2.6e1", "26.5", "25", "0", "-1", "65535",
    "9223372036854775807", "-9223372036854775808",
};
static const char *const longs_event[] = {
    "26", "\"26\"", "\"026\"", "26.0", "26.9", "2.6e1", "\"2.6e1\"", "25",
    "27", "0", "-1", "-26.5", "65535", "\"x\"", "true", "null",
    "9223372036854775807", "9223372036854775808", "1e400", "\"+26\"",
};
static const char *const ips_query[] = {
    "10.0.0.1", "10.0.0.0/8", "192.168.0.0/16", "9.9.9.9", "9.9.9.9/32",
    "0.0.0.0/0", "\"::1\"", "\"fe80::/10\"", "\"2001:db8::/32\"",
    "\"::ffff:10.0.0.1\"", "\"::ffff:0:0\"", "\"::/0\"",
};
static const char *const ips_event[] = {
    "\"10.0.0.1\"", "\"10.255.255.255\"", "\"11.0.0.0\"", "\"9.9.9.9\"",
    "\"192.168.1.1\"", "\"::1\"", "\"0:0:0:0:0:0:0:1\"", "\"fe80::1\"",
    "\"FE80::1\"", "\"2001:db8::25\"", "\"::ffff:10.0.0.1\"",
    "\"::ffff:a00:1\"", "\"010.0.0.1\"", "\"not an ip\"", "167772161",
    "null", "\"1.2.3.4%eth0\"",
};
static const char *const bools_event[] = {
    "true", "false", "\"true\"", "\"false\"", "\"yes\"", "1", "null",
};
/* Dates in KQL: absolute (to the year, month, day, hour, millisecond),
 * epoch milliseconds, date math with and without 'now', and null. */
static const char *const dates_query[] = {
    "2024-01-02", "2024-01", "2024", "2024-01-03T12", "\"2024-01-02T10:00Z\"",
    "\"2024-01-03T11:30:00+01:00\"", "\"2024-01-02T23:59:59.999Z\"",
    "1704283200000", "\"1704196800000\"", "-100", "now", "now-1d",
    "now-1d/d", "now/d", "now/M", "now-1h/h", "now+1w/w", "now-90m",
    "2024-01-01||+1M/d", "\"2024-01-02||/y\"", "2024-01-31||+1M", "null",
};
/* Dates in events: ISO with and without offsets and fractions, epoch
 * milliseconds as numbers and strings, four-digit years, garbage. */
static const char *const dates_event[] = {
    "\"2024-01-02T10:00:00Z\"", "\"2024-01-02T10:00:00.123456+02:00\"",
    "\"2024-01-01\"", "\"2024-01-02\"", "\"2024-01-03T11:30:00Z\"",
    "\"2024-01-03T12:00:00Z\"", "\"2024-01-03T12:00:00.0005Z\"",
    "\"2024-01-03T10:30:00-01:00\"", "\"2024-01-02T12:00:00Z\"",
    "\"2024-02-29T00:00:00Z\"", "\"2023-12-31T23:59:59.9999Z\"",
    "\"2024-01-31T23:59:59.999Z\"", "1704283200000", "\"1704283200000\"",
    "1704196800000.5", "\"-100\"", "-101", "2024", "\"2024\"",
    "\"garbage\"", "\"2024-02-30\"", "1.7e12", "true", "null", "\"\"",
    "\"2024-01-03T12:00:00UTC+01:00\"",
};

/* Text query values: words, phrases (when quoted), case, punctuation,
 * numbers, scripts, emoji, no word at all. */
static const char *const text_query[] = {
    "quick", "QUICK", "Brown-Foxes", "dog's", "dog", "foxes jumped",
    "quick brown", "brown quick", "12345", "3.14", "\xe4\xb8\xad",
    "\xf0\x9f\x98\x80", "\xce\x9f\xce\x94\xce\x9f\xce\xa3",
    "\xce\xbf\xce\xb4\xce\xbf\xcf\x82", "mimikatz",
    "Invoke-Mimikatz", "whoami /all", "cmd.exe", "!!!", "true",
    "sekurlsa::logonpasswords", "\xc3\xa9t\xc3\xa9", "line1 line2",
};
/* Text wildcard values: patterns over tokens, and plain words beside. */
static const char *const text_wild[] = {
    "qui*", "*ikatz", "Brown-Fox*", "*.exe", "brow* jumped", "who*mi",
    "*A*", "\xc3\x89*", "foo* *",
};
/* Text in events: sentences with punctuation, case, numbers, scripts,
 * emoji, control characters, a token longer than 255 characters. */
static const char *const text_event[] = {
    "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.",
    "quick brown", "Foxes jumped", "cmd.exe /c \"whoami /all\"",
    "powershell.exe -enc SQBFAFgA IEX(Invoke-Mimikatz)",
    "mimikatz # sekurlsa::logonpasswords",
    /* Unicode, OMICRON DELTA OMICRON SIGMA, two ideographs, an emoji */
    "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 "
    "\xce\x9f\xce\x94\xce\x9f\xce\xa3 \xe4\xb8\xad\xe6\x96\x87 "
    "\xf0\x9f\x98\x80" " dogs",
    "pi=3.14, n=12345", "", "!!!", "\xc3\x89T\xc3\x89 \xc3\xa9t\xc3\xa9",
    "line1\nline2\ttab", "\xe0\xb8\x81\xe0\xb8\xb2\xe0\xb8\xa3",
    "a\xe2\x80\x8d\xf0\x9f\x91\x8d DOG'S",
};

/* A keyword value as KQL: quoted with escapes, or unquoted escaped. */
static void
put_kql_word(struct buf *b, const char *w)
{
    bool quoted = chance(50) || w[0] == '\0';
    put(b, quoted ? "\"" : "");
    for (const char *c = w; *c; c++) {
        bool special = quoted ? (*c == '"' || *c == '\\')
                              : strchr("\\():<>\"*{}", *c) != NULL;
        put(b, special ? "\\%c" : "%c", *c);
    }
    put(b, quoted ? "\"" : "");
}

static void
put_value(struct buf *b, enum kind k)
{
    switch (k) {
    case K_KW:
        if (chance(15))
            put(b, "%s", PICK(((const char *const[]){
                "tc*", "*work*", "n*k", "*.exe", "zeek.*" })));
        else
            put_kql_word(b, PICK(words));
        break;
    case K_LONG:
        put(b, "%s", PICK(longs_query));
        break;
    case K_IP:
        put(b, "%s", PICK(ips_query));
        break;
    case K_BOOL:
        put(b, "%s", PICK(((const char *const[]){
            "true", "false", "\"true\"" })));
        break;
    case K_DATE:
        put(b, "%s", PICK(dates_query));
        break;
    case K_NUM:
        put(b, "%s", PICK(nums_query));
        break;
    case K_TEXT:
    case K_SUB:
        if (chance(15))
            put(b, "%s", PICK(text_wild));
        else
            put_kql_word(b, PICK(text_query));
        break;
    case K_CMD:
        if (chance(30))
            put(b, "%s", PICK(((const char *const[]){
                "*whoami*", "*Mimikatz*", "cmd.exe*", "*" })));
        else
            put_kql_word(b, PICK(text_event));
        break;
    }
}

/* ------------------------------------------------------------ queries */

static void put_query(struct buf *b, int depth);

static const char *
keyword(const char *word)
{
    static char out[8];
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        out[i] = chance(30) ? (char)(word[i] - 32) : word[i];
    out[n] = '\0';
    return out;
}

static void
put_value_list(struct buf *b, enum kind k, int depth)
{
    if (depth > 1 || chance(40)) {
        /* 'not' stands only inside a list's parentheses. */
        if (depth > 0 && chance(20))
            put(b, "%s ", keyword("not"));
        put_value(b, k);
        return;
    }
    put(b, "(");
    size_t n = 2 + pick(3);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(b, " %s ", keyword(chance(75) ? "or" : "and"));
        put_value_list(b, k, depth + 1);
    }
    put(b, ")");
}

/*
 * A field pattern that matches field 'path' and perhaps others of other
 * types (each then typed on its own, those that cannot read the value
 * left out): '*' and the last part ("*.port"), or the name with its last
 * byte a wildcard ("email.subjec*", which takes email.subject.text too;
 * not for a 'range', which kqlc refuses on a text field).  NULL (the name
 * as it is) most of the time.
 */
static const char *
field_pattern(const char *path, bool range)
{
    static char out[64];
    const char *dot = strrchr(path, '.');
    unsigned c = (unsigned)pick(20);
    if (c == 0 && dot)
        snprintf(out, sizeof out, "*%s", dot);
    else if (c == 1 && !range)
        snprintf(out, sizeof out, "%.*s*", (int)strlen(path) - 1, path);
    else
        return NULL;
    return out;
}

static void
put_leaf(struct buf *b)
{
    size_t f = pick(NFIELDS);
    const char *path = fields[f].path;
    enum kind k = fields[f].kind;
    unsigned form = (unsigned)pick(10);
    bool typed = strcmp(path, "custom.tag") != 0;
    const char *pattern = field_pattern(path, form <= 2);
    if (pattern)
        path = pattern;
    if (pick(25) == 0 && k != K_DATE) {
        /* free text: the value with no field, read by every leaf (not a
         * date's values: they hold null, which free text refuses) */
        put_value(b, k);
        return;
    }
    if (form == 0) {
        put(b, "%s:*", path);
    } else if (form <= 2 && (k == K_LONG || k == K_IP || k == K_DATE
                             || k == K_NUM || k == K_BOOL
                             || (k == K_KW && typed))) {
        /* custom.tag has no type: a range on it is refused */
        static const char *const ops[] = { "<", "<=", ">", ">=" };
        put(b, "%s %s ", path, PICK(ops));
        if (k == K_NUM)
            put(b, "%s", PICK(nums_query));
        else if (k == K_KW)
            put_kql_word(b, PICK(words));
        else if (k == K_BOOL)
            put(b, "%s", PICK(((const char *const[]){
                "true", "false", "\"true\"" })));
        else if (k == K_LONG)
            put(b, "%s", PICK(longs_query));
        else if (k == K_DATE)
            put(b, "%s", PICK(dates_query));
        else
            put(b, "%s", PICK(((const char *const[]){
                "10.0.0.1", "\"::1\"", "9.9.9.9", "\"fe80::\"" })));
    } else if (form <= 5) {
        put(b, "%s:", path);
        put_value_list(b, k, 0);
    } else {
        put(b, "%s:", path);
        put_value(b, k);
    }
}

static void
put_query(struct buf *b, int depth)
{
    unsigned c = (unsigned)pick(10);
    if (depth >= 3 || c < 4) {
        put_leaf(b);
    } else if (c < 6) {
        put(b, "%s ", keyword("not"));
        put(b, "(");
        put_query(b, depth + 1);
        put(b, ")");
    } else {
        const char *op = c < 8 ? "and" : "or";
        size_t n = 2 + pick(3);
        for (size_t i = 0; i < n; i++) {
            if (i)
                put(b, " %s ", keyword(op));
            put(b, "(");
            put_query(b, depth + 1);
            put(b, ")");
        }
    }
}

/* ------------------------------------------------------------ events */

static void
put_json_word(struct buf *b, const char *w)
{
    put(b, "\"");
    for (const char *c = w; *c; c++) {
        if (*c == '"' || *c == '\\')
            put(b, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            put(b, "\\u%04x", (unsigned)*c);
        else if (*c == 't' && chance(10))
            put(b, "\\u0074");
        else
            put(b, "%c", *c);
    }
    put(b, "\"");
}

/* A token longer than the analyzer's 255 characters, cut in pieces;
 * now and then longer than a keyword's ignore_above of 1024. */
static void
put_long_word(struct buf *b)
{
    size_t n = chance(50) ? 250 + pick(20) : 1020 + pick(10);

    put(b, "\"x ");
    for (size_t i = 0; i < n; i++)
        put(b, "%c", "ab_"[i % 3]);
    put(b, ".Quick\"");
}

static void
put_scalar(struct buf *b, enum kind k)
{
    switch (k) {
    case K_KW:
        if (chance(10))
            put(b, "%s", PICK(((const char *const[]){ "26", "true",
                                                       "null", "26.0" })));
        else
            put_json_word(b, PICK(words));
        break;
    case K_LONG:
        put(b, "%s", PICK(longs_event));
        break;
    case K_IP:
        put(b, "%s", PICK(ips_event));
        break;
    case K_BOOL:
        put(b, "%s", PICK(bools_event));
        break;
    case K_DATE:
        put(b, "%s", PICK(dates_event));
        break;
    case K_NUM:
        put(b, "%s", PICK(nums_event));
        break;
    case K_TEXT:
    case K_SUB:
    case K_CMD:
        if (chance(10))
            put(b, "%s", PICK(((const char *const[]){ "12345", "true",
                                                       "null", "3.14" })));
        else if (chance(3))
            put_long_word(b);
        else
            put_json_word(b, PICK(text_event));
        break;
    }
}

static void
put_json_value(struct buf *b, enum kind k)
{
    unsigned c = (unsigned)pick(10);
    if (c < 6) {
        put_scalar(b, k);
    } else if (c < 9) {
        /* An array; now and then an element is an array itself. */
        put(b, "[");
        size_t n = pick(4);
        for (size_t i = 0; i < n; i++) {
            bool inner = chance(10);
            put(b, "%s%s", i ? "," : "", inner ? "[" : "");
            put_scalar(b, k);
            put(b, inner ? "]" : "");
        }
        put(b, "]");
    } else {
        put(b, "{\"other\":1}");
    }
}

/* Length of the first segment of field f's path (all of it if none). */
static size_t
prefix_len(size_t f)
{
    const char *dot = strchr(fields[f].path, '.');
    return dot ? (size_t)(dot - fields[f].path) : strlen(fields[f].path);
}

static bool
same_prefix(size_t f, size_t g)
{
    size_t n = prefix_len(f);
    return n == prefix_len(g) && !strncmp(fields[f].path, fields[g].path, n)
        && strchr(fields[f].path, '.') && strchr(fields[g].path, '.');
}

/* "rest":value for each member, comma-separated, inside an object. */
static void
put_members(struct buf *b, const size_t *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put(b, "%s\"%s\":", i ? "," : "", fields[m[i]].path
            + prefix_len(m[i]) + 1);
        put_json_value(b, fields[m[i]].kind);
    }
}

/*
 * One group of fields sharing a first segment, in one shape: dotted
 * keys, one nested object, the first dotted and the rest nested, or an
 * array of objects.  No object ever repeats a key: Elasticsearch rejects
 * such a document, and so does the scanner.
 */
static void
put_group(struct buf *b, const size_t *m, size_t n)
{
    const char *path = fields[m[0]].path;
    int plen = (int)prefix_len(m[0]);
    unsigned shape = strchr(path, '.') ? (unsigned)pick(4) : 0;
    if (shape == 2 && n == 1)
        shape = 1;
    if (shape == 0 || shape == 2) {
        size_t dotted = shape == 0 ? n : 1;
        for (size_t i = 0; i < dotted; i++) {
            put(b, ",\"%s\":", fields[m[i]].path);
            put_json_value(b, fields[m[i]].kind);
        }
        if (shape == 0)
            return;
        m++;
        n--;
    }
    put(b, ",\"%.*s\":%s{", plen, path, shape == 3 ? "[" : "");
    put_members(b, m, n);
    put(b, "}");
    if (shape == 3) {
        put(b, ",{");
        put_members(b, m, 1);
        put(b, "}]");
    }
}

static void
put_event(struct buf *b)
{
    bool chosen[NFIELDS], done[NFIELDS] = { false };
    for (size_t f = 0; f < NFIELDS; f++)
        chosen[f] = fields[f].kind != K_SUB && chance(55);
    put(b, "{\"@timestamp\":\"2026-01-01T00:00:00Z\"");
    for (size_t f = 0; f < NFIELDS; f++) {
        if (!chosen[f] || done[f])
            continue;
        size_t m[NFIELDS], n = 0;
        for (size_t g = f; g < NFIELDS; g++) {
            if (chosen[g] && !done[g] && (g == f || same_prefix(f, g))) {
                m[n++] = g;
                done[g] = true;
            }
        }
        put_group(b, m, n);
    }
    put(b, "}\n");
}

/* ------------------------------------------------------------ engines */

enum { NATIVE, JIT, INTERP, NENGINES };
static const char *const engine_name[] = { "native", "jit", "interp" };

struct round {
    struct arena a;
    struct ir_program p;
    char *queries[NQUERIES];
    struct buf events;
    size_t line_start[NEVENTS + 1];
    bool verdict[NENGINES][NQUERIES][NEVENTS];
    char dir[256];
};

/* Scan every event with the fields of 'prog' and ask 'rule_holds', with
 * the date ranges that read the clock worked out at NOW. */
static void
evaluate(struct round *r, const struct krt_program *prog, int engine)
{
    char why[512];
    struct krt_i64_range *dates = krt_dates_resolve(prog, NOW, why,
                                                    sizeof why);
    struct krt_scanner *sc = krt_scanner_new(prog->fields, prog->nfields);
    if (!dates)
        fail_msg("%s", why);
    assert_non_null(sc);
    krt_scanner_set_dates(sc, dates, prog->ndates);
    for (size_t e = 0; e < NEVENTS; e++) {
        const char *line = r->events.s + r->line_start[e];
        size_t len = r->line_start[e + 1] - r->line_start[e] - 1;
        struct krt_event *ev;
        struct krt_scan_error err;
        /* Every generated event is well formed: a malformed one would be
         * evaluated by no engine and prove nothing. */
        if (krt_scan_line(sc, line, len, &ev, &err) != KRT_SCAN_EVENT)
            fail_msg("generated event %zu is malformed (%s, column %zu): "
                     "%.*s", e, err.reason, err.col, (int)len, line);
        const krt_u32 *sel;
        krt_u32 nsel = 0;
        bool gated = krt_select_rules(ev, prog, &sel, &nsel);
        for (size_t q = 0, k = 0; q < NQUERIES; q++) {
            const struct ir_rule *rule = r->p.rules.items[q];
            r->verdict[engine][q][e] = engine == INTERP
                ? interp_eval(rule->root, ev) : prog->rules[q].match(ev);
            while (k < nsel && sel[k] < q)
                k++;
            if (gated && r->verdict[engine][q][e] && (k == nsel
                                                      || sel[k] != q))
                fail_msg("%s: query %zu matches event %zu, but its gates "
                         "turned it away: %s\n%.*s", engine_name[engine], q,
                         e, r->queries[q], (int)len, line);
        }
    }
    krt_scanner_free(sc);
    free(dates);
}

static char *
emitted_c(const struct ir_program *p)
{
    char *c = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&c, &len);
    assert_non_null(out);
    assert_true(emit_c(out, p));
    fclose(out);
    return c;
}

static void
run_jit(struct round *r)
{
    char *c = emitted_c(&r->p);
    struct diag d;
    diag_init(&d, stderr);
    const struct krt_program *prog;
    struct jit_module *m = jit_compile(&d, c, "diff.c", &prog);
    free(c);
    assert_non_null(m);
    evaluate(r, prog, JIT);
    jit_free(m);
}

static void
write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Build the detector with cc, run it, read its alerts. */
static void
run_native(struct round *r)
{
    char c_path[300], bin[300], events[300], cmd[1000];
    snprintf(c_path, sizeof c_path, "%s/diff.c", r->dir);
    snprintf(bin, sizeof bin, "%s/diff", r->dir);
    snprintf(events, sizeof events, "%s/events.ndjson", r->dir);
    char *c = emitted_c(&r->p);
    write_file(c_path, c, strlen(c));
    free(c);
    write_file(events, r->events.s, r->events.len);
    struct diag d;
    diag_init(&d, stderr);
    assert_int_equal(driver_cc(&d, c_path, bin, false), KQLC_OK);

    snprintf(cmd, sizeof cmd, "%s --quiet --format alert --now %s %s", bin,
             NOW_TEXT, events);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, p) > 0) {
        /* The alert opens with the rule and the source, both ours; the
         * event after them may hold numbers jansson refuses (1e400), so
         * only that head is read. */
        const char *id = strstr(line, "\"rule_id\":\"q");
        const char *src = strstr(line, "\"source\":{");
        const char *ln = src ? strstr(src, "\"line\":") : NULL;
        assert_non_null(id);
        assert_non_null(ln);
        int q = atoi(id + strlen("\"rule_id\":\"q"));
        long n = atol(ln + strlen("\"line\":"));
        assert_true(q >= 0 && q < NQUERIES && n >= 1 && n <= NEVENTS);
        r->verdict[NATIVE][q][n - 1] = true;
    }
    free(line);
    assert_int_equal(pclose(p), 0);
    unlink(c_path);
    unlink(bin);
    unlink(events);
}

static void
make_round(struct round *r, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->a);
    r->p.mapping = mapping;
    rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
    /* Warnings (the unknown field) are expected; errors are shown. */
    char *msgs = NULL;
    size_t msgs_len = 0;
    FILE *out = open_memstream(&msgs, &msgs_len);
    struct diag d;
    diag_init(&d, out);
    for (size_t q = 0; q < NQUERIES; q++) {
        struct buf b = { 0 };
        put_query(&b, 0);
        r->queries[q] = arena_strdup(&r->a, b.s);
        free(b.s);
        char *id = arena_printf(&r->a, "q%zu", q);
        if (!driver_add_query(&r->a, &d, &r->p, id, id, r->queries[q])) {
            fclose(out);
            fail_msg("seed %llu: query rejected: %s\n%s",
                     (unsigned long long)seed, r->queries[q], msgs);
        }
    }
    fclose(out);
    free(msgs);
    r->p.origin = "the engine differential test";
    for (size_t e = 0; e < NEVENTS; e++) {
        r->line_start[e] = r->events.len;
        put_event(&r->events);
    }
    r->line_start[NEVENTS] = r->events.len;
}

/* Report every disagreement; true when there was none. */
static bool
agree(const struct round *r, uint64_t seed)
{
    int bad = 0;
    for (size_t q = 0; q < NQUERIES; q++) {
        for (size_t e = 0; e < NEVENTS; e++) {
            bool n = r->verdict[NATIVE][q][e];
            if (n == r->verdict[JIT][q][e] && n == r->verdict[INTERP][q][e])
                continue;
            if (bad++ < 5) {
                const char *line = r->events.s + r->line_start[e];
                int len = (int)(r->line_start[e + 1] - r->line_start[e] - 1);
                fprintf(stderr, "seed %llu: engines disagree\n  query: %s\n"
                        "  event: %.*s\n", (unsigned long long)seed,
                        r->queries[q], len, line);
                for (int k = 0; k < NENGINES; k++)
                    fprintf(stderr, "  %s: %s\n", engine_name[k],
                            r->verdict[k][q][e] ? "match" : "no match");
            }
        }
    }
    return bad == 0;
}

static uint64_t first_seed = 1;
static unsigned rounds = 10;

static void
test_engines_agree(void **state)
{
    (void)state;
    const char *home = getenv("KQLC_HOME");
    if (!home || !*home) {
        char cwd[200];
        assert_non_null(getcwd(cwd, sizeof cwd));
        setenv("KQLC_HOME", cwd, 1);
    }
    struct round *r = malloc(sizeof *r);
    size_t matches = 0, pairs = 0;
    for (unsigned i = 0; i < rounds; i++) {
        uint64_t seed = first_seed + i;
        make_round(r, seed);
        snprintf(r->dir, sizeof r->dir, "/tmp/kqlc-diff-XXXXXX");
        assert_non_null(mkdtemp(r->dir));
        evaluate(r, interp_program(&r->a, &r->p), INTERP);
        run_jit(r);
        run_native(r);
        rmdir(r->dir);
        if (!agree(r, seed))
            fail_msg("engines disagree with seed %llu",
                     (unsigned long long)seed);
        for (size_t q = 0; q < NQUERIES; q++)
            for (size_t e = 0; e < NEVENTS; e++)
                matches += r->verdict[NATIVE][q][e];
        pairs += NQUERIES * NEVENTS;
        arena_free(&r->a);
        free(r->events.s);
    }
    free(r);
    printf("%zu query-event pairs, %zu matches, three engines agree\n",
           pairs, matches);
    /* A generator that never matches would prove nothing. */
    assert_true(matches > pairs / 50);
    assert_true(matches < pairs - pairs / 50);
}

int
main(void)
{
    const char *s = getenv("KQLC_DIFF_ROUNDS");
    if (s && *s)
        rounds = (unsigned)strtoul(s, NULL, 10);
    s = getenv("KQLC_DIFF_SEED");
    if (s && *s)
        first_seed = strtoull(s, NULL, 10);
    struct diag d;
    diag_init(&d, stderr);
    mapping = mapping_parse(&d, "the test mapping", test_mapping,
                            strlen(test_mapping));
    if (!mapping)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engines_agree),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    mapping_free(mapping);
    return rc;
}
