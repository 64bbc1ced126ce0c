/*
 * rulefile.h - loading rules from Elastic detection-rules TOML files.
 *
 * A file whose name ends in .kql holds one bare query; its name (less the
 * directory and the extension) names the rule.
 *
 * A file of Elastic's detection-rules repository holds one rule: a
 * [metadata] table, a [rule] table (name, rule_id, type, language, query,
 * risk_score, severity, tags, index, ...) and [[rule.threat]] entries with
 * their MITRE ATT&CK tactic.  Only KQL rules ('kuery') of the types whose
 * query selects events (query, threshold, new_terms, threat_match) are
 * accepted.  The file is read with toml++ (through toml_shim.h).
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
 * NUL bytes (a TOML \u0000), so use 'query_len'.  'description' may be
 * NULL; the arrays may be empty (NULL and 0).
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
};

/* How loading went; the values are the kqlc exit statuses for each. */
enum rulefile_status {
    RULEFILE_OK = 0,
    RULEFILE_REJECTED = 1,  /* syntax error, missing key, non-KQL rule */
    RULEFILE_IO_ERROR = 2   /* the file could not be read */
};

/*
 * Load every rule of the file at 'path' and append a struct rule * for
 * each to 'rules'.  Everything is reported to 'd' ('file:line:col:' where
 * the fault has a position) and every fault is reported, not only the
 * first; nothing is appended unless the status is RULEFILE_OK.  All
 * memory comes from 'a'.
 */
enum rulefile_status rulefile_read(struct arena *a, struct diag *d,
                                   const char *path, struct ptrvec *rules);

/* rulefile_read() == RULEFILE_OK, for callers that need no distinction
 * between a rejected rule and an unreadable file. */
bool rulefile_load(struct arena *a, struct diag *d, const char *path,
                   struct ptrvec *rules);

#endif
