#!/usr/bin/env python3
"""Write compiler/ecs_table.c, kqlc's table of ECS field names and types.

A developer tool, not run by the build: run it when ECS moves, review the
diff of compiler/ecs_table.c and commit it.

    scripts/gen-ecs-table.py [--fields CSV] [--mapping JSON] [-o OUT]

The field list (ECS's generated/csv/fields.csv) gives every field and its
type, multi-fields such as process.command_line.text included.  The mapping
(an Elasticsearch mapping of all of ECS, as `GET index/_mapping` returns it)
gives ignore_above and the scaling_factor of scaled_float fields, which the
CSV lacks.  Dotted names imply objects that
the CSV does not list (destination, destination.geo); those go to a second
table so that the first one keeps exactly the CSV's rows.

The output is the same bytes for the same inputs: no date, no path.
Standard library only.
"""

import argparse
import csv
import json
import os
import sys

GENERATOR = "scripts/gen-ecs-table.py"
WIDTH = 100  # generated C may use 100 columns

# Elasticsearch type names and the runtime's enum krt_type, in enum order.
KRT_TYPES = [
    ("keyword", "KRT_KEYWORD"),
    ("constant_keyword", "KRT_CONSTANT_KEYWORD"),
    ("wildcard", "KRT_WILDCARD"),
    ("long", "KRT_LONG"),
    ("integer", "KRT_INTEGER"),
    ("short", "KRT_SHORT"),
    ("byte", "KRT_BYTE"),
    ("double", "KRT_DOUBLE"),
    ("float", "KRT_FLOAT"),
    ("half_float", "KRT_HALF_FLOAT"),
    ("scaled_float", "KRT_SCALED_FLOAT"),
    ("unsigned_long", "KRT_UNSIGNED_LONG"),
    ("ip", "KRT_IP"),
    ("boolean", "KRT_BOOLEAN"),
    ("date", "KRT_DATE"),
    ("text", "KRT_TEXT"),
    ("match_only_text", "KRT_MATCH_ONLY_TEXT"),
    ("object", "KRT_OBJECT"),
    ("nested", "KRT_NESTED"),
    ("flattened", "KRT_FLATTENED"),
    ("geo_point", "KRT_GEO_POINT"),
]
KRT_BY_NAME = dict(KRT_TYPES)

# The functions that go with the tables; fixed text, not derived from ECS.
FUNCTIONS = r'''
/* Elasticsearch's name of each type, indexed by enum krt_type. */
static const char *const type_names[KRT_NTYPES] = {
@TYPE_NAMES@
    [KRT_OTHER] = "other",
};

size_t
ecs_count(void)
{
    return sizeof fields / sizeof fields[0];
}

const struct ecs_field *
ecs_at(size_t i)
{
    assert(i < ecs_count());
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

/* Binary search of the 'n' sorted rows of 'table'; NULL when absent. */
static const struct ecs_field *
search(const struct ecs_field *table, size_t n, const char *name, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_name(table[mid].name, name, len);
        if (c == 0)
            return &table[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct ecs_field *
ecs_lookup(const char *name, size_t len)
{
    const struct ecs_field *f = search(fields, ecs_count(), name, len);
    if (f)
        return f;
    return search(implied_objects,
                  sizeof implied_objects / sizeof implied_objects[0],
                  name, len);
}

double
ecs_scaling_factor(const struct ecs_field *f)
{
    size_t n = sizeof scaling_factors / sizeof scaling_factors[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(scaling_factors[i].name, f->name) == 0)
            return scaling_factors[i].factor;
    }
    return 0;
}

const char *
ecs_type_name(enum krt_type t)
{
    assert(t < KRT_NTYPES && type_names[t]);
    return type_names[t];
}

enum krt_type
ecs_type_from_name(const char *name)
{
    for (int t = 0; t < KRT_OTHER; t++) {
        if (strcmp(type_names[t], name) == 0)
            return (enum krt_type)t;
    }
    return KRT_OTHER;
}
'''


def default_shared():
    """The shared material: $KQLC_SHARED, else ../shared beside the repo."""
    env = os.environ.get("KQLC_SHARED")
    if env:
        return env
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(repo), "shared")


def read_fields(path):
    """Rows of fields.csv as (name, type) and the ECS version."""
    rows = []
    versions = set()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for rec in reader:
            rows.append((rec["Field"], rec["Type"]))
            versions.add(rec["ECS_Version"])
    if len(versions) != 1:
        sys.exit("%s: expected one ECS version, found %s"
                 % (path, sorted(versions)))
    names = [n for n, _ in rows]
    if len(set(names)) != len(names):
        sys.exit("%s: a field is listed twice" % path)
    return rows, versions.pop()


def walk_mapping(props, prefix, out, factors):
    """Fill 'out' with name -> (type, ignore_above) from a mapping, and
    'factors' with name -> scaling_factor."""
    for key, spec in props.items():
        name = prefix + key
        default = "object" if "properties" in spec else None
        out[name] = (spec.get("type", default), spec.get("ignore_above", 0))
        if "scaling_factor" in spec:
            factors[name] = float(spec["scaling_factor"])
        if "properties" in spec:
            walk_mapping(spec["properties"], name + ".", out, factors)
        for sub, subspec in spec.get("fields", {}).items():
            out[name + "." + sub] = (subspec.get("type"),
                                     subspec.get("ignore_above", 0))


def read_mapping(path):
    """name -> (type, ignore_above) for every field of a mapping file, and
    name -> scaling_factor for its scaled_float fields."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out, factors = {}, {}
    for index in doc.values():
        walk_mapping(index["mappings"].get("properties", {}), "", out,
                     factors)
    return out, factors


def implied_objects(names):
    """Proper dotted prefixes of 'names' that are not names themselves."""
    known = set(names)
    implied = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts)):
            prefix = ".".join(parts[:i])
            if prefix not in known:
                implied.add(prefix)
    return implied


def c_string(s):
    """A C string literal for 's' (field names are plain ASCII)."""
    assert all(0x20 <= ord(c) < 0x7f and c not in '"\\' for c in s), s
    return '"%s"' % s


def row(name, krt, ignore_above):
    """One initializer line, wrapped when it would pass WIDTH columns."""
    line = "    { %s, %s, %d }," % (c_string(name), krt, ignore_above)
    if len(line) <= WIDTH:
        return line
    return "    { %s,\n      %s, %d }," % (c_string(name), krt, ignore_above)


def sort_key(name):
    """strcmp order: bytes, not locale."""
    return name.encode("utf-8")


def render(rows, version, mapping, implied, factors):
    out = []
    out.append("/* Generated by %s from ECS %s (fields.csv); do not edit. */"
               % (GENERATOR, version))
    out.append("#include \"ecs.h\"")
    out.append("")
    out.append("#include <assert.h>")
    out.append("#include <string.h>")
    out.append("")
    out.append("/* Every field of ECS, multi-fields included, sorted by name "
               "in strcmp order. */")
    out.append("static const struct ecs_field fields[] = {")
    for name, typ in sorted(rows, key=lambda r: sort_key(r[0])):
        krt = KRT_BY_NAME.get(typ, "KRT_OTHER")
        ignore_above = mapping.get(name, (None, 0))[1]
        out.append(row(name, krt, ignore_above))
    out.append("};")
    out.append("")
    scaled = sorted((n for n, t in rows if t == "scaled_float"), key=sort_key)
    out.append("/* The scaling_factor of each scaled_float field, from the "
               "mapping. */")
    out.append("static const struct {")
    out.append("    const char *name;")
    out.append("    double factor;")
    out.append("} scaling_factors[] = {")
    for name in scaled:
        out.append("    { %s, %r }," % (c_string(name), factors[name]))
    out.append("};")
    out.append("")
    out.append("/* Objects that dotted names imply and fields.csv does not "
               "list, sorted the same way. */")
    out.append("static const struct ecs_field implied_objects[] = {")
    for name in sorted(implied, key=sort_key):
        out.append(row(name, "KRT_OBJECT", 0))
    out.append("};")
    names = "\n".join("    [%s] = \"%s\"," % (krt, es)
                      for es, krt in KRT_TYPES)
    out.append(FUNCTIONS.replace("@TYPE_NAMES@", names).rstrip("\n"))
    return "\n".join(out) + "\n"


def check_mapping(rows, mapping, implied):
    """Warn where the mapping disagrees with the CSV; the CSV wins."""
    for name, typ in rows:
        if name in mapping and mapping[name][0] != typ:
            print("warning: %s: fields.csv says %s, the mapping says %s"
                  % (name, typ, mapping[name][0]), file=sys.stderr)
    for name in implied:
        if name in mapping and mapping[name][0] not in ("object", None):
            print("warning: %s: implied object has type %s in the mapping"
                  % (name, mapping[name][0]), file=sys.stderr)


def main():
    shared = default_shared()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fields",
                    default=os.path.join(shared, "ecs", "fields.csv"),
                    help="ECS fields.csv (default: %(default)s)")
    ap.add_argument("--mapping",
                    default=os.path.join(shared, "ecs", "ecs-mapping.json"),
                    help="mapping giving ignore_above (default: %(default)s)")
    ap.add_argument("-o", "--output",
                    default=os.path.join(repo, "compiler", "ecs_table.c"),
                    help="file to write (default: %(default)s)")
    args = ap.parse_args()

    rows, version = read_fields(args.fields)
    mapping, factors = read_mapping(args.mapping)
    implied = implied_objects([n for n, _ in rows])
    check_mapping(rows, mapping, implied)
    for name, typ in rows:
        if typ not in KRT_BY_NAME:
            print("warning: %s: type %s has no KRT_ constant, using "
                  "KRT_OTHER" % (name, typ), file=sys.stderr)

    text = render(rows, version, mapping, implied, factors)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s: %d fields, %d implied objects, ECS %s"
          % (args.output, len(rows), len(implied), version))


if __name__ == "__main__":
    main()
