/*
 * toml_shim.h - a small C interface to toml++ (toml_shim.cc is the
 * project's one C++ file).
 *
 * A document is parsed from bytes in memory into an opaque handle; nodes
 * (tables, arrays, values) are borrowed pointers into it, valid until
 * toml_shim_free().  No C++ exception crosses this interface: failures
 * come back as NULL or false.  Positions are toml++'s: 1-based lines, and
 * columns counted in code points, as diag_line_col() counts them.
 */
#ifndef KQLC_TOML_SHIM_H
#define KQLC_TOML_SHIM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct toml_shim_doc toml_shim_doc;
typedef struct toml_shim_node toml_shim_node;

enum toml_shim_kind {
    TOML_SHIM_NONE,  /* no node (a NULL pointer) */
    TOML_SHIM_TABLE,
    TOML_SHIM_ARRAY,
    TOML_SHIM_STRING,
    TOML_SHIM_INTEGER,
    TOML_SHIM_FLOAT,
    TOML_SHIM_BOOLEAN,
    TOML_SHIM_DATE,
    TOML_SHIM_TIME,
    TOML_SHIM_DATE_TIME
};

/* A 1-based source position; line 0 when toml++ recorded none. */
struct toml_shim_pos {
    unsigned line;
    unsigned col;
};

/* Why a parse failed: toml++'s message and where it points. */
struct toml_shim_error {
    char message[512];
    struct toml_shim_pos pos;
    bool out_of_memory;  /* no syntax error: memory ran out */
};

/*
 * Parse the 'len' bytes of 'text'; 'name' is the file name for toml++'s
 * own use.  NULL on failure with 'err' filled: a syntax error, memory
 * exhaustion ('out_of_memory'), or some other failure of toml++ (line 0).
 * Free the result with toml_shim_free().
 */
toml_shim_doc *toml_shim_parse(const char *text, size_t len,
                               const char *name,
                               struct toml_shim_error *err);
void toml_shim_free(toml_shim_doc *doc);

/* The document's root table. */
const toml_shim_node *toml_shim_root(const toml_shim_doc *doc);

/*
 * The node at dotted 'path' under 'table' ("rule.threat"): each key is a
 * bare key, looked up in the table the previous key named.  NULL when a
 * key is absent, when something on the way is no table, or when 'table'
 * is NULL.
 */
const toml_shim_node *toml_shim_get(const toml_shim_node *table,
                                    const char *path);

/* What 'n' is; TOML_SHIM_NONE for NULL. */
enum toml_shim_kind toml_shim_kind(const toml_shim_node *n);

/* A string's bytes (NUL-terminated, may hold NULs) and length; false
 * when 'n' is no string. */
bool toml_shim_string(const toml_shim_node *n, const char **s,
                      size_t *len);

/* An integer's value; false when 'n' is no integer. */
bool toml_shim_integer(const toml_shim_node *n, long long *v);

/* Elements of an array; 0 when 'n' is no array. */
size_t toml_shim_array_len(const toml_shim_node *n);
const toml_shim_node *toml_shim_array_at(const toml_shim_node *n,
                                         size_t i);

/* Where 'n' starts: for a string, its opening quote; for a table, its
 * [header].  toml_shim_node_end() is where it ends (exclusive). */
struct toml_shim_pos toml_shim_node_pos(const toml_shim_node *n);
struct toml_shim_pos toml_shim_node_end(const toml_shim_node *n);

#ifdef __cplusplus
}
#endif

#endif
