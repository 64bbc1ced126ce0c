#!/usr/bin/env python3
"""Write compiler/integration_table.c, kqlc's table of integration fields.

A developer tool, not run by the build: run it after editing
compiler/fields/integrations.tsv, review the diff of
compiler/integration_table.c and commit both.

    scripts/gen-integration-table.py [--tsv TSV] [-o OUT]

The TSV (its header says how its rows were read from Elastic's sources)
gives each field its Elasticsearch type and attributes.  Rows marked
'dynamic' are dynamic templates, patterns rather than fields; they go to a
table of their own, kept in file order, as Elasticsearch tries dynamic
templates in order.  The fields go out sorted in strcmp order for binary
search.  The output is the same bytes for the same input: no date, no
path.  Standard library only.
"""

import argparse
import os
import sys

GENERATOR = "scripts/gen-integration-table.py"
WIDTH = 100  # generated C may use 100 columns

# Elasticsearch type names kqlc knows, and the runtime's enum krt_type.
KRT_TYPES = {
    "keyword": "KRT_KEYWORD",
    "constant_keyword": "KRT_CONSTANT_KEYWORD",
    "wildcard": "KRT_WILDCARD",
    "long": "KRT_LONG",
    "integer": "KRT_INTEGER",
    "short": "KRT_SHORT",
    "byte": "KRT_BYTE",
    "double": "KRT_DOUBLE",
    "float": "KRT_FLOAT",
    "half_float": "KRT_HALF_FLOAT",
    "scaled_float": "KRT_SCALED_FLOAT",
    "unsigned_long": "KRT_UNSIGNED_LONG",
    "ip": "KRT_IP",
    "boolean": "KRT_BOOLEAN",
    "date": "KRT_DATE",
    "text": "KRT_TEXT",
    "match_only_text": "KRT_MATCH_ONLY_TEXT",
    "object": "KRT_OBJECT",
    "nested": "KRT_NESTED",
    "flattened": "KRT_FLATTENED",
    "geo_point": "KRT_GEO_POINT",
}

# Normalizers and analyzers the runtime applies, as struct krt_field flags.
NORMALIZERS = {"lowercase": "KRT_FIELD_LOWERCASE"}
ANALYZERS = {"powershell_script_analyzer": "KRT_FIELD_PS_SCRIPT"}

# The functions that go with the tables; fixed text, not derived from data.
FUNCTIONS = r'''
size_t
integ_count(void)
{
    return sizeof fields / sizeof fields[0];
}

const struct integ_field *
integ_at(size_t i)
{
    assert(i < integ_count());
    return &fields[i];
}

/* strcmp() of the NUL-terminated 'a' against the 'len' bytes of 'b'. */
static int
compare_name(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ca = (unsigned char)a[i];
        unsigned char cb = (unsigned char)b[i];
        if (ca != cb || ca == 0)
            return ca < cb ? -1 : 1;
    }
    return a[len] != 0;
}

const struct integ_field *
integ_find(const char *name, size_t len)
{
    size_t lo = 0, hi = integ_count();

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_name(fields[mid].name, name, len);
        if (c == 0)
            return &fields[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Whether the 'len' bytes of 'name' match 'pat', whose '*' spans any
 * bytes (path_match): leftmost placement of each middle part is safe. */
static bool
glob_match(const char *pat, const char *name, size_t len)
{
    const char *star = strchr(pat, '*');
    size_t plen = star ? (size_t)(star - pat) : strlen(pat);
    size_t at;

    if (plen > len || memcmp(pat, name, plen) != 0)
        return false;
    if (!star)
        return plen == len;
    at = plen;
    for (pat = star + 1; (star = strchr(pat, '*')) != NULL; pat = star + 1) {
        size_t n = (size_t)(star - pat);
        while (at + n <= len && memcmp(name + at, pat, n) != 0)
            at++;
        if (at + n > len)
            return false;
        at += n;
    }
    plen = strlen(pat);
    return plen <= len - at && memcmp(name + len - plen, pat, plen) == 0;
}

const struct integ_field *
integ_dynamic(const char *name, size_t len)
{
    size_t n = sizeof dynamic / sizeof dynamic[0];

    for (size_t i = 0; i < n; i++) {
        if (glob_match(dynamic[i].name, name, len))
            return &dynamic[i];
    }
    return NULL;
}
'''


def read_tsv(path):
    """Rows of the TSV as (name, type, attributes, source, line)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                sys.exit("%s:%d: expected 4 tab-separated columns" % (path, n))
            name, typ, attrs, source = cols
            attrs = [] if attrs == "-" else attrs.split(",")
            rows.append((name, typ, attrs, source, n))
    return rows


def c_string(s):
    """A C string literal for 's' (field names are plain ASCII)."""
    assert all(0x20 <= ord(c) < 0x7f and c not in '"\\' for c in s), s
    return '"%s"' % s


def initializer(path, name, typ, attrs, line):
    """The C initializer of one row, or exit with the row's fault."""
    where = "%s:%d: %s" % (path, line, name)
    if typ not in KRT_TYPES:
        sys.exit("%s: type '%s' has no KRT_ constant" % (where, typ))
    ignore_above, flags, multi = 0, [], False
    for a in attrs:
        key, _, val = a.partition("=")
        if key == "ignore_above" and val.isdigit():
            ignore_above = int(val)
        elif key == "normalizer" and val in NORMALIZERS:
            flags.append(NORMALIZERS[val])
        elif key == "analyzer" and val in ANALYZERS:
            flags.append(ANALYZERS[val])
        elif a == "multi":
            multi = True
        elif a != "dynamic":
            sys.exit("%s: attribute '%s' is not understood" % (where, a))
    return (c_string(name), KRT_TYPES[typ], str(ignore_above),
            " | ".join(flags) or "0", "true" if multi else "false")


def row(parts):
    """One initializer line, wrapped when it would pass WIDTH columns."""
    line = "    { %s }," % ", ".join(parts)
    if len(line) <= WIDTH:
        return line
    return "    { %s,\n      %s }," % (parts[0], ", ".join(parts[1:]))


def sort_key(name):
    """strcmp order: bytes, not locale."""
    return name.encode("utf-8")


def check(path, rows):
    """Refuse what the tables cannot hold: a name twice, a pattern among
    the fields or a field among the patterns."""
    seen = set()
    for name, _, attrs, _, line in rows:
        dynamic = "dynamic" in attrs
        if name in seen:
            sys.exit("%s:%d: %s is listed twice" % (path, line, name))
        seen.add(name)
        if dynamic != ("*" in name):
            sys.exit("%s:%d: %s: a 'dynamic' row, and only one, has a '*'"
                     % (path, line, name))
        if "multi" in attrs and "." not in name:
            sys.exit("%s:%d: %s: a multi-field needs a parent"
                     % (path, line, name))


def render(path, rows, tsv_name):
    fields = sorted((r for r in rows if "dynamic" not in r[2]),
                    key=lambda r: sort_key(r[0]))
    dynamic = [r for r in rows if "dynamic" in r[2]]
    out = []
    out.append("/* Generated by %s from %s; do not edit. */"
               % (GENERATOR, tsv_name))
    out.append("#include \"integrations.h\"")
    out.append("")
    out.append("#include <assert.h>")
    out.append("#include <string.h>")
    out.append("")
    out.append("/* The fields of the integrations that ECS lacks, sorted by "
               "name in strcmp order. */")
    out.append("static const struct integ_field fields[] = {")
    for name, typ, attrs, _, line in fields:
        out.append(row(initializer(path, name, typ, attrs, line)))
    out.append("};")
    out.append("")
    out.append("/* Dynamic templates, in the order Elasticsearch tries them: "
               "'*' spans any characters. */")
    out.append("static const struct integ_field dynamic[] = {")
    for name, typ, attrs, _, line in dynamic:
        out.append(row(initializer(path, name, typ, attrs, line)))
    out.append("};")
    out.append(FUNCTIONS.rstrip("\n"))
    return "\n".join(out) + "\n", len(fields), len(dynamic)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv",
                    default=os.path.join(repo, "compiler", "fields",
                                         "integrations.tsv"),
                    help="the field table (default: %(default)s)")
    ap.add_argument("-o", "--output",
                    default=os.path.join(repo, "compiler",
                                         "integration_table.c"),
                    help="file to write (default: %(default)s)")
    args = ap.parse_args()

    rows = read_tsv(args.tsv)
    check(args.tsv, rows)
    text, nfields, ndynamic = render(args.tsv, rows,
                                     "fields/integrations.tsv")
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s: %d fields, %d dynamic templates"
          % (args.output, nfields, ndynamic))


if __name__ == "__main__":
    main()
