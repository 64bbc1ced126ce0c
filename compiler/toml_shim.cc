/*
 * toml_shim.cc - toml++ behind the C interface of toml_shim.h.
 *
 * The only C++ in kqlc.  Every entry point catches whatever toml++ or the
 * standard library throws, so no exception unwinds through C frames.
 * Nodes handed to C are toml::node pointers in disguise.
 */
#include "toml_shim.h"

#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include <toml++/toml.h>

struct toml_shim_doc {
    toml::table root;
};

static const toml::node *
unwrap(const toml_shim_node *n)
{
    return reinterpret_cast<const toml::node *>(n);
}

static const toml_shim_node *
wrap(const toml::node *n)
{
    return reinterpret_cast<const toml_shim_node *>(n);
}

static void
set_error(toml_shim_error *err, const char *msg, unsigned line,
          unsigned col)
{
    std::snprintf(err->message, sizeof err->message, "%s", msg);
    err->pos.line = line;
    err->pos.col = col;
    err->out_of_memory = false;
}

static toml_shim_pos
convert(const toml::source_position &p)
{
    toml_shim_pos pos = { p.line, p.column };
    return pos;
}

extern "C" toml_shim_doc *
toml_shim_parse(const char *text, size_t len, const char *name,
                toml_shim_error *err)
{
    try {
        toml_shim_doc *doc = new toml_shim_doc;
        try {
            doc->root = toml::parse(std::string_view(text, len),
                                    std::string_view(name));
        } catch (...) {
            delete doc;
            throw;
        }
        return doc;
    } catch (const toml::parse_error &e) {
        const toml::source_position &p = e.source().begin;
        std::string msg(e.description());
        set_error(err, msg.c_str(), p.line, p.column);
    } catch (const std::bad_alloc &) {
        set_error(err, "out of memory", 0, 0);
        err->out_of_memory = true;
    } catch (...) {
        set_error(err, "unexpected failure in the TOML parser", 0, 0);
    }
    return nullptr;
}

extern "C" void
toml_shim_free(toml_shim_doc *doc)
{
    delete doc;
}

extern "C" const toml_shim_node *
toml_shim_root(const toml_shim_doc *doc)
{
    return wrap(&doc->root);
}

extern "C" const toml_shim_node *
toml_shim_get(const toml_shim_node *table, const char *path)
{
    try {
        const toml::node *n = unwrap(table);
        std::string_view rest(path);
        while (n) {
            const toml::table *t = n->as_table();
            if (!t)
                return nullptr;
            size_t dot = rest.find('.');
            n = t->get(rest.substr(0, dot));
            if (dot == std::string_view::npos)
                return wrap(n);
            rest.remove_prefix(dot + 1);
        }
    } catch (...) {
    }
    return nullptr;
}

extern "C" enum toml_shim_kind
toml_shim_kind(const toml_shim_node *n)
{
    if (!n)
        return TOML_SHIM_NONE;
    switch (unwrap(n)->type()) {
    case toml::node_type::table: return TOML_SHIM_TABLE;
    case toml::node_type::array: return TOML_SHIM_ARRAY;
    case toml::node_type::string: return TOML_SHIM_STRING;
    case toml::node_type::integer: return TOML_SHIM_INTEGER;
    case toml::node_type::floating_point: return TOML_SHIM_FLOAT;
    case toml::node_type::boolean: return TOML_SHIM_BOOLEAN;
    case toml::node_type::date: return TOML_SHIM_DATE;
    case toml::node_type::time: return TOML_SHIM_TIME;
    case toml::node_type::date_time: return TOML_SHIM_DATE_TIME;
    case toml::node_type::none: break;
    }
    return TOML_SHIM_NONE;
}

extern "C" bool
toml_shim_string(const toml_shim_node *n, const char **s, size_t *len)
{
    const toml::value<std::string> *v = n ? unwrap(n)->as_string() : nullptr;
    if (!v)
        return false;
    const std::string &str = v->get();
    *s = str.c_str();
    *len = str.size();
    return true;
}

extern "C" bool
toml_shim_integer(const toml_shim_node *n, long long *out)
{
    const toml::value<int64_t> *v = n ? unwrap(n)->as_integer() : nullptr;
    if (!v)
        return false;
    *out = v->get();
    return true;
}

extern "C" size_t
toml_shim_array_len(const toml_shim_node *n)
{
    const toml::array *a = n ? unwrap(n)->as_array() : nullptr;
    return a ? a->size() : 0;
}

extern "C" const toml_shim_node *
toml_shim_array_at(const toml_shim_node *n, size_t i)
{
    const toml::array *a = n ? unwrap(n)->as_array() : nullptr;
    if (!a || i >= a->size())
        return nullptr;
    return wrap(a->get(i));
}

extern "C" toml_shim_pos
toml_shim_node_pos(const toml_shim_node *n)
{
    toml_shim_pos none = { 0, 0 };
    return n ? convert(unwrap(n)->source().begin) : none;
}

extern "C" toml_shim_pos
toml_shim_node_end(const toml_shim_node *n)
{
    toml_shim_pos none = { 0, 0 };
    return n ? convert(unwrap(n)->source().end) : none;
}
