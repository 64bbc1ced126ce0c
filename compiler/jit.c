/*
 * jit.c - libtcc glue: compile in memory, relocate into our own mapping,
 * hand over only the runtime's symbols.
 */
/* MAP_ANONYMOUS is not in POSIX 2008. */
#define _DEFAULT_SOURCE
#include "jit.h"

#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"

/* krt.h's text, embedded at build time (see the Makefile). */
static const char krt_h_text[] = {
#include "krt_h.inc"
    0
};

struct jit_module {
    void *code;
    size_t size;
};

/* libtcc's messages, kept until the compile is over. */
struct messages {
    char *text;
    size_t len;
    size_t cap;
};

static void
on_tcc_message(void *opaque, const char *msg)
{
    struct messages *m = opaque;
    size_t n = strlen(msg);
    if (m->len + n + 2 > m->cap) {
        m->cap = (m->len + n + 2) * 2;
        m->text = xrealloc(m->text, m->cap);
    }
    memcpy(m->text + m->len, msg, n);
    m->len += n;
    m->text[m->len++] = '\n';
    m->text[m->len] = '\0';
}

typedef void (*any_fn)(void);

/* Every symbol generated code may use, and nothing else. */
static const struct {
    const char *name;
    any_fn fn;
} exported[] = {
    { "krt_any_kw_in", (any_fn)krt_any_kw_in },
    { "krt_any_kw_wild", (any_fn)krt_any_kw_wild },
    { "krt_any_long_in", (any_fn)krt_any_long_in },
    { "krt_any_ip_in", (any_fn)krt_any_ip_in },
    { "krt_any_bool_is", (any_fn)krt_any_bool_is },
    { "krt_any_text_token", (any_fn)krt_any_text_token },
    { "krt_any_text_phrase", (any_fn)krt_any_text_phrase },
    { "krt_any_text_wild", (any_fn)krt_any_text_wild },
    { "krt_any_date_in", (any_fn)krt_any_date_in },
    { "krt_any_date_rel", (any_fn)krt_any_date_rel },
    { "krt_any_float_in", (any_fn)krt_any_float_in },
    { "krt_any_scaled_in", (any_fn)krt_any_scaled_in },
    { "krt_any_kw_range", (any_fn)krt_any_kw_range },
    { "krt_exists", (any_fn)krt_exists },
    { "krt_nested_any", (any_fn)krt_nested_any },
    { "krt_free_any", (any_fn)krt_free_any },
    /* tcc may emit calls to these for copies and initialisers. */
    { "memcpy", (any_fn)memcpy },
    { "memmove", (any_fn)memmove },
    { "memset", (any_fn)memset },
    { "memcmp", (any_fn)memcmp },
};

/* libtcc takes addresses as data pointers; ISO C has no cast for that. */
static const void *
fn_address(any_fn fn)
{
    const void *p;
    memcpy(&p, &fn, sizeof p);
    return p;
}

/* The header first, then the code, with its lines numbered as emitted. */
static char *
full_source(const char *source, const char *name)
{
    size_t hl = strlen(krt_h_text), sl = strlen(source);
    size_t nl = strlen(name);
    char *buf = xmalloc(hl + sl + nl + 32);
    size_t o = 0;
    memcpy(buf, krt_h_text, hl);
    o += hl;
    o += (size_t)sprintf(buf + o, "\n#line 1 \"");
    /* The name is ours (never rule text), but keep the line well formed. */
    for (size_t i = 0; i < nl; i++)
        buf[o++] = name[i] == '"' || name[i] == '\\' ? '_' : name[i];
    o += (size_t)sprintf(buf + o, "\"\n");
    memcpy(buf + o, source, sl + 1);
    return buf;
}

/* Relocate into fresh pages, then make them read+execute. */
static struct jit_module *
relocate(TCCState *s)
{
    int size = tcc_relocate(s, NULL);
    if (size <= 0)
        return NULL;
    long page = sysconf(_SC_PAGESIZE);
    size_t len = ((size_t)size + (size_t)page - 1) & ~((size_t)page - 1);
    void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
    if (tcc_relocate(s, mem) < 0
        || mprotect(mem, len, PROT_READ | PROT_EXEC) != 0) {
        munmap(mem, len);
        return NULL;
    }
    struct jit_module *m = xmalloc(sizeof *m);
    m->code = mem;
    m->size = len;
    return m;
}

static void
report(struct diag *d, const struct messages *msgs, const char *what)
{
    if (!msgs->text) {
        diag_plain(d, DIAG_ERROR, "internal error: libtcc: %s", what);
        return;
    }
    const char *line = msgs->text;
    while (*line) {
        const char *end = strchr(line, '\n');
        diag_plain(d, DIAG_ERROR, "internal error: libtcc: %.*s",
                   (int)(end - line), line);
        line = end + 1;
    }
}

struct jit_module *
jit_compile(struct diag *d, const char *source, const char *name,
            const struct krt_program **prog)
{
    struct messages msgs = { 0 };
    struct jit_module *m = NULL;
    char *text = full_source(source, name);
    TCCState *s = tcc_new();
    if (!s) {
        diag_plain(d, DIAG_ERROR, "internal error: libtcc: cannot start");
        goto out_text;
    }
    tcc_set_error_func(s, &msgs, on_tcc_message);
    /* A constant string: nothing from a rule ever reaches the options. */
    tcc_set_options(s, "-nostdlib");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++)
        tcc_add_symbol(s, exported[i].name, fn_address(exported[i].fn));
    if (tcc_compile_string(s, text) < 0) {
        report(d, &msgs, "the generated code does not compile");
        goto out_state;
    }
    m = relocate(s);
    if (!m) {
        report(d, &msgs, "cannot relocate the generated code");
        goto out_state;
    }
    *prog = tcc_get_symbol(s, "krt_program");
    if (!*prog) {
        diag_plain(d, DIAG_ERROR, "internal error: libtcc: the generated "
                   "code defines no krt_program");
        jit_free(m);
        m = NULL;
    }
out_state:
    tcc_delete(s);
out_text:
    free(text);
    free(msgs.text);
    return m;
}

void
jit_free(struct jit_module *m)
{
    if (!m)
        return;
    munmap(m->code, m->size);
    free(m);
}
