/*
 * rulefile.h - loading rules from Elastic detection-rules TOML files,
 * Kibana rule exports and bare queries.
 *
 * A file whose name ends in .kql holds one bare query; its name (less the
 * directory and the extension) names the rule.
 *
 * A file whose name ends in .ndjson or .json is a Kibana rule export: one
 * JSON object a line with the keys of a rule (name, rule_id, type,
 * language, query, index, risk_score, severity, threat, tags, ...),
 * read with jansson (rulefile_ndjson.c).  Each line is a record of its
 * own: a bad line is reported and skipped, the other rules still load.
 * The summary object an export ends with is skipped silently, and so are
 * blank lines; exception lists and action connectors, which an export
 * carries beside its rules, are skipped with a note.  Rules in another
 * language than KQL (EQL, ES|QL, Lucene) or of a type without a KQL query
 * (machine_learning, eql, esql) are skipped with a note, so that the KQL
 * rules of a mixed export compile.  A file that is one JSON object as a
 * whole (a rule written over many lines) is one rule.
 *
 * A file of Elastic's detection-rules repository holds one rule: a
 * [metadata] table, a [rule] table (name, rule_id, type, language, query,
 * risk_score, severity, tags, index, ...) and [[rule.threat]] entries with
 * their MITRE ATT&CK tactic.  Only KQL rules ('kuery') of the types whose
 * query selects events (query, threshold, new_terms, threat_match) are
 * accepted: a file of another rule, named on its own, is an error.  The
 * file is read with toml++ (through toml_shim.h).
 */
#ifndef KQLC_RULEFILE_H
#define KQLC_RULEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

/* One MITRE ATT&CK tactic of a rule; 'reference' may be NULL. */
struct rule_tactic {
    const char *id, *name, *reference;
};

/*
 * A loaded rule.  Every pointer is into the arena it was loaded in.  The
 * strings are NUL-terminated copies of the file's values; 'query' may hold
 * NUL bytes (a TOML \u0000 or a JSON \u0000), so use 'query_len'.
 * 'description' may be NULL; the arrays may be empty (NULL and 0).  A
 * record that was skipped or rejected (see rulefile_each) has only what
 * could be read: any string may be NULL there.
 *
 * 'query_src' is where spans of the query point: when the query's bytes
 * stand verbatim in the file (a literal string '...' or '''...''', or a
 * basic string without escapes), its text is the whole file and its base
 * the byte offset of the query's first character, so a span of the query
 * prints as the file's line and column.  Otherwise its text is the query
 * itself, base 0, named "FILE (query)".
 */
struct rule {
    const char *path;                 /* file it came from */
    const char *name, *rule_id, *description, *severity, *type, *language;
    int risk_score;
    const char **index;  size_t nindex;
    const char **tags;   size_t ntags;
    struct rule_tactic *tactics; size_t ntactics;
    const char *query;   size_t query_len;
    struct diag_source query_src;
    /* The whole file (base 0) and where in it the rule's rule_id is
     * written (in a .kql file, its first byte), for messages about the
     * rule as a whole; 'line' is the line of the file the rule starts on
     * (1 but in an export). */
    struct diag_source file;
    struct span at;
    unsigned line;
};

/* How loading went; the values are the kqlc exit statuses for each. */
enum rulefile_status {
    RULEFILE_OK = 0,
    RULEFILE_REJECTED = 1,  /* syntax error, missing key, non-KQL rule */
    RULEFILE_IO_ERROR = 2   /* the file could not be read */
};

/* What one record of a file (a TOML file, a line of an export) was. */
enum rulefile_record {
    RULEFILE_RULE,     /* a rule to compile */
    RULEFILE_SKIPPED,  /* a rule of an export that is not KQL (a note) */
    RULEFILE_BAD       /* rejected, with its errors reported */
};

/* Called once per record, after the record's diagnostics. */
typedef void (*rulefile_fn)(void *ctx, enum rulefile_record what,
                            struct rule *r);

/*
 * Load the file at 'path' and hand each of its records to 'fn' in file
 * order, with what could be read of it ('r' is never NULL; it belongs
 * to 'a').  Everything is reported to 'd' ('file:line:col:' where the
 * fault has a position) and every fault is reported, not only the
 * first.  RULEFILE_REJECTED when any record was bad, RULEFILE_IO_ERROR
 * when the file could not be read (and 'fn' was never called).
 */
enum rulefile_status rulefile_each(struct arena *a, struct diag *d,
                                   const char *path, rulefile_fn fn,
                                   void *ctx);

/*
 * As rulefile_each, on the 'len' bytes at 'text' (followed by a NUL
 * byte, which is not part of them) read from a file named 'path': the
 * name chooses the loader and names the file in messages.  Both are
 * borrowed and must outlive the records.  Never RULEFILE_IO_ERROR
 * unless the text is too large for 32-bit spans.
 */
enum rulefile_status rulefile_each_text(struct arena *a, struct diag *d,
                                        const char *path, const char *text,
                                        size_t len, rulefile_fn fn,
                                        void *ctx);

/*
 * Load every rule of the file at 'path' and append a struct rule * for
 * each to 'rules' (rulefile_each's RULEFILE_RULE records).  A TOML or
 * .kql file holds one record, so nothing is appended unless the status
 * is RULEFILE_OK; in an export the good rules are appended even when
 * other lines were bad.  All memory comes from 'a'.
 */
enum rulefile_status rulefile_read(struct arena *a, struct diag *d,
                                   const char *path, struct ptrvec *rules);

/* rulefile_read() == RULEFILE_OK, for callers that need no distinction
 * between a rejected rule and an unreadable file. */
bool rulefile_load(struct arena *a, struct diag *d, const char *path,
                   struct ptrvec *rules);

/* ------------------------------------- shared by the two rule loaders */

/*
 * Read the Kibana export 'file' (the whole file, base 0, named by its
 * path), as rulefile_each describes.  rulefile_each calls it for names
 * ending in .ndjson or .json.
 */
enum rulefile_status rulefile_ndjson(struct arena *a, struct diag *d,
                                     const struct diag_source *file,
                                     rulefile_fn fn, void *ctx);

/* Whether 'type' is a rule type whose query selects events. */
bool rulefile_query_type(const char *type);

/* Whether 'severity' is one of low, medium, high and critical. */
bool rulefile_severity_ok(const char *severity);

/* The name to call 'r' by in messages: its name, else its rule_id. */
const char *rulefile_display_name(const struct rule *r);

/*
 * Warn, at 'at' of 'src' (where the type is written), that only the
 * query of 'r', of a type other than 'query', is compiled.
 */
void rulefile_warn_type(struct diag *d, const struct diag_source *src,
                        struct span at, const struct rule *r);

#endif
